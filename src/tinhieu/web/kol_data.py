"""The KOL computations the pages and the API read, cached per workspace and data
version (see :mod:`tinhieu.web.cache`).

Auditing every author reads all their posts and the comments under them (seconds on a
100k-mention workspace), so it runs once per data version and is shared by every
request until a write changes the store. The records are read, never changed, so they
are shared without copying.
"""

from __future__ import annotations

from typing import Any

from tinhieu.kol.find import Ranked, audit, find_kols
from tinhieu.kol.profiles import Profile, load_profiles
from tinhieu.kol.quality import AudienceQuality, Comment, load_comments, pod_commenters
from tinhieu.metrics.tiers import scheme as get_scheme
from tinhieu.store.base import Store
from tinhieu.web.cache import ResultCache, data_version

_AUDITS = ResultCache(16)
_PROFILES = ResultCache(16)
_COMMENTS = ResultCache(16)
_RANKED = ResultCache(64)


def audited(
    store: Store, workspace: str, platform: str | None = None
) -> list[tuple[Profile, AudienceQuality]]:
    """:func:`tinhieu.kol.find.audit`, once per data version."""
    key = ("audit", platform, data_version(store, workspace))
    return _AUDITS.get_or_compute(
        key, lambda: audit(store, workspace, platform=platform), shared=True
    )


def profiles(
    store: Store, workspace: str, platform: str | None = None, scheme: str | None = None
) -> list[Profile]:
    """:func:`tinhieu.kol.profiles.load_profiles`, once per data version."""
    key = ("profiles", platform, scheme, data_version(store, workspace))
    return _PROFILES.get_or_compute(
        key,
        lambda: load_profiles(store, workspace, platform=platform, tier_scheme=get_scheme(scheme)),
        shared=True,
    )


def comments_and_pods(
    store: Store, workspace: str
) -> tuple[dict[tuple[str, str], list[Comment]], set[tuple[str, str]]]:
    """Comments on each author's posts and the pod commenters, once per data version."""

    def compute() -> tuple[Any, Any]:
        comments = load_comments(store, workspace)
        return comments, pod_commenters(c for cs in comments.values() for c in cs)

    key = ("comments", data_version(store, workspace))
    found: tuple[dict[tuple[str, str], list[Comment]], set[tuple[str, str]]] = (
        _COMMENTS.get_or_compute(key, compute, shared=True)
    )
    return found


def ranked_kols(
    store: Store,
    workspace: str,
    topic: str,
    *,
    tier: str | None = None,
    platform: str | None = None,
    min_quality: float | None = None,
    scheme: str = "default",
    limit: int | None = 50,
) -> list[Ranked]:
    """:func:`tinhieu.kol.find.find_kols`, once per (workspace, data version, parameters).

    Raises what ``find_kols`` raises (a bad tier, a query syntax error); errors are not
    cached. The ranked records are shared: callers only read them."""
    key = (
        "ranked",
        topic,
        tier,
        platform,
        min_quality,
        scheme,
        limit,
        data_version(store, workspace),
    )
    found: list[Ranked] = _RANKED.get_or_compute(
        key,
        lambda: find_kols(
            store,
            workspace,
            topic,
            tier=tier,
            platform=platform,
            min_quality=min_quality,
            tier_scheme=get_scheme(scheme),
            limit=limit,
        ),
        shared=True,
    )
    return found
