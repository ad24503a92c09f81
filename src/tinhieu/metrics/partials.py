"""Partial aggregates: the additive measures by topic combination, day, platform, kind
and hour, read either by scanning ``mentions`` or from the rollup.

A mention's ``topics`` column is a *combination* of topic names. Grouping by the
combination (there are few distinct ones) instead of by single topics means a mention
is counted once for a group of topics and once per topic for share of voice, with one
pass over the data and without ``unnest``.

Partials are small (hundreds to a few thousand rows), so they are kept as plain Python
rows: at that size pandas costs more than it saves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from tinhieu.metrics.localtime import day_hour_sql, day_of, local_epoch_sql
from tinhieu.metrics.measures import FLOAT_MEASURES, MEASURE_NAMES, measure_select, row_select
from tinhieu.metrics.scope import Scope
from tinhieu.store.base import Store

Combo = tuple[str, ...]
Row = dict[str, Any]

#: Measures kept by hour of day, and by day.
HOUR_MEASURES: tuple[str, ...] = ("n", "ix_n", "ix_sum")
DAY_MEASURES: tuple[str, ...] = ("n", "ix_n", "ix_sum", "sent_n", "pos", "neg")
_TIME_ROWS: tuple[str, ...] = ("ix", "sentiment")


@dataclass(frozen=True, slots=True)
class Partials:
    """Measures of the mentions a scope reads, by topic combination.

    ``pk`` rows are keyed by (combo, platform, kind) and cover the scope's topics *and*
    the share-of-voice topics; :meth:`select` keeps the rows of a set of topics.
    ``days`` (keyed by day) and ``hours`` (by hour) hold the time-series measures of the
    scope's mentions only; days and hours are in the workspace time zone. Every row holds
    the measures as ints (floats for the ratio sums), NULL sums read as 0 (the ``*_n``
    counts say how many values were known).
    """

    scope: Scope
    source: str  # "scan" or "rollup"
    pk: list[Row]
    days: list[Row]
    hours: list[Row]
    _cache: dict[Any, list[Row]] = field(default_factory=dict, compare=False, repr=False)

    def select(self, rows: list[Row], topics: Iterable[str] | None = None) -> list[Row]:
        """The rows for mentions matching any of ``topics`` (default: the scope's)."""
        if topics is None:
            if self.scope.topics is None:
                return rows
            topics = self.scope.topics
        wanted = frozenset(topics)
        key = (id(rows), wanted)
        found = self._cache.get(key)
        if found is None:
            found = [r for r in rows if not wanted.isdisjoint(r["combo"])]
            self._cache[key] = found
        return found

    def totals(self, topics: Iterable[str] | None = None) -> dict[str, float]:
        """Sum of every measure over the mentions matching ``topics`` (default: scope)."""
        key = ("totals", None if topics is None else frozenset(topics))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = [sum_measures(self.select(self.pk, topics))]
        return dict(found[0])


def sum_measures(rows: Iterable[Row], names: Sequence[str] = MEASURE_NAMES) -> dict[str, float]:
    """Measure sums over ``rows``."""
    out: dict[str, float] = {n: 0.0 if n in FLOAT_MEASURES else 0 for n in names}
    for r in rows:
        for n in names:
            out[n] += r[n]
    return out


def group_sum(rows: Iterable[Row], key: str, names: Sequence[str]) -> dict[Any, dict[str, float]]:
    """Measure sums of ``rows`` by the value of ``key``."""
    out: dict[Any, dict[str, float]] = {}
    for r in rows:
        acc = out.get(r[key])
        if acc is None:
            acc = out[r[key]] = {n: 0 for n in names}
        for n in names:
            acc[n] += r[n]
    return out


def combo_of(value: Any) -> Combo:
    """Canonical form of a ``topics`` value: sorted distinct names (empty for NULL)."""
    if value is None:
        return ()
    return tuple(sorted({str(v) for v in value}))


def rows_of(
    table: pa.Table,
    keys: Sequence[str],
    names: Sequence[str],
    combos: dict[int, Combo] | None = None,
) -> list[Row]:
    """Rows of an aggregate result: a canonical ``combo`` (from the ``topics`` column, or
    from ``combo_id`` looked up in ``combos``), the ``keys`` and the measures with NULL
    as 0. Rows whose combos are the same set (a list and its reordering) are merged."""
    for n in names:  # NULL sums (no known value) read as 0; the *_n counts tell
        i = table.schema.get_field_index(n)
        zero = pa.scalar(0.0 if n in FLOAT_MEASURES else 0, table.schema.field(i).type)
        table = table.set_column(i, n, pc.fill_null(table.column(i), zero))
    if combos is None:
        raw = table.column("topics").to_pylist()
        seen: dict[Any, Combo] = {}
        for value in raw:
            key = tuple(value) if value is not None else None
            if key not in seen:
                seen[key] = combo_of(value)
        column = [seen[tuple(v) if v is not None else None] for v in raw]
        unique = len(set(seen.values())) == len(seen)
        table = table.drop_columns(["topics"])
    else:
        column = [combos[i] for i in table.column("combo_id").to_pylist()]
        unique = len(set(combos.values())) == len(combos)
        table = table.drop_columns(["combo_id"])
    rows: list[Row] = table.to_pylist()
    for r, combo in zip(rows, column, strict=True):
        r["combo"] = combo
    if unique:
        return rows
    out: dict[tuple[Any, ...], Row] = {}
    for r in rows:
        k = (r["combo"], *(r[c] for c in keys))
        prev = out.get(k)
        if prev is None:
            out[k] = r
        else:
            for n in names:
                prev[n] += r[n]
    return list(out.values())


def time_span(store: Store, scope: Scope) -> tuple[datetime, datetime] | None:
    """The UTC span a scan may meet: the scope's bounds, else the workspace's data."""
    if scope.since_utc is not None and scope.until_utc is not None:
        return scope.since_utc, scope.until_utc
    row = store.fetch_arrow(
        "SELECT min(created_at) AS lo, max(created_at) AS hi FROM mentions WHERE workspace = ?",
        [scope.workspace],
    ).to_pylist()[0]
    if row["lo"] is None:
        return None
    lo: datetime = scope.since_utc or row["lo"]
    hi: datetime = scope.until_utc or row["hi"]
    return lo, max(hi, lo)


def local_columns(store: Store, scope: Scope) -> tuple[str, list[Any]]:
    """SQL for the local-time seconds (``le``) of ``created_at`` and its parameters."""
    span = time_span(store, scope)
    if span is None:
        return "CAST(0 AS DOUBLE PRECISION)", []
    return local_epoch_sql(scope.timezone, *span)


def scan(store: Store, scope: Scope) -> Partials:
    """Read the partials by scanning ``mentions`` (exact for any filter).

    Two passes: every measure by (combo, platform, kind), and the few time-series
    measures by (combo, day) and (combo, hour) as grouping sets. (One pass with three
    grouping sets computes all measures three times and is slower.)
    """
    le_sql, le_params = local_columns(store, scope)
    day_sql, hour_sql = day_hour_sql("le")
    where, params = scope.where(topics=scope.scan_topics)
    rows = f"SELECT topics, platform, kind, {row_select()} FROM mentions WHERE {where}"
    pk = store.fetch_arrow(
        f"SELECT topics, platform, kind, {measure_select()} FROM ({rows}) m "
        "GROUP BY topics, platform, kind",
        params,
    )
    timed = (
        f"SELECT topics, {day_sql} AS day, {hour_sql} AS hour, {', '.join(_TIME_ROWS)} FROM ("
        f"SELECT topics, {le_sql} AS le, {row_select()} FROM mentions WHERE {where}) r"
    )
    t = store.fetch_arrow(
        f"SELECT topics, day, hour, GROUPING(day) AS g_day, {measure_select(DAY_MEASURES)} "
        f"FROM ({timed}) m GROUP BY GROUPING SETS ((topics, day), (topics, hour))",
        [*le_params, *params],
    )
    g_day = t.column("g_day").to_pylist()
    days = t.take(pa.array([i for i, g in enumerate(g_day) if g == 0], pa.int64()))
    hours = t.take(pa.array([i for i, g in enumerate(g_day) if g != 0], pa.int64()))
    pk_rows = rows_of(pk, ("platform", "kind"), MEASURE_NAMES)
    day_rows = rows_of(days.select(["topics", "day", *DAY_MEASURES]), ("day",), DAY_MEASURES)
    hour_rows = rows_of(hours.select(["topics", "hour", *HOUR_MEASURES]), ("hour",), HOUR_MEASURES)
    return Partials(
        scope,
        "scan",
        pk_rows,
        with_dates(_in_scope(scope, day_rows, "day", DAY_MEASURES)),
        _in_scope(scope, hour_rows, "hour", HOUR_MEASURES),
    )


def _in_scope(scope: Scope, rows: list[Row], key: str, names: Sequence[str]) -> list[Row]:
    """The scope's rows summed by ``key`` (dropping the combination)."""
    if scope.topics is not None:
        wanted = frozenset(scope.topics)
        rows = [r for r in rows if not wanted.isdisjoint(r["combo"])]
    return [{key: k, **v} for k, v in group_sum(rows, key, names).items()]


def with_dates(rows: list[Row]) -> list[Row]:
    """Turn the day numbers of ``rows`` into dates."""
    for r in rows:
        r["day"] = day_of(r["day"])
    return rows
