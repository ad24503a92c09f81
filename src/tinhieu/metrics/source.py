"""Where the partials come from: the rollup when it can answer exactly, else a scan."""

from __future__ import annotations

from typing import Unpack

from tinhieu.metrics.partials import Partials, scan
from tinhieu.metrics.scope import Filters, Scope, resolve
from tinhieu.store.base import Store


def partials_for(store: Store, scope: Scope, rollup: bool | None = None) -> Partials:
    """The partial aggregates of ``scope``.

    ``rollup=None`` (default) reads the rollup when it exists, is up to date and the
    range is whole local days, and scans ``mentions`` otherwise. ``True`` also
    (re)builds a missing or stale rollup first; ``False`` always scans. Both give the
    same numbers.
    """
    if rollup is not False:
        from tinhieu.metrics.rollup import read_partials

        found = read_partials(store, scope, refresh=bool(rollup))
        if found is not None:
            return found
    return scan(store, scope)


def load(store: Store, workspace: str, **filters: Unpack[Filters]) -> Partials:
    """Resolve the filters and read the partials."""
    return partials_for(store, resolve_filters(store, workspace, filters), filters.get("rollup"))


def resolve_filters(store: Store, workspace: str, filters: Filters) -> Scope:
    """:func:`resolve` with the keyword filters of a metric call."""
    return resolve(
        store,
        workspace,
        topic=filters.get("topic"),
        group=filters.get("group"),
        since=filters.get("since"),
        until=filters.get("until"),
        platform=filters.get("platform"),
    )
