"""Top authors (by mentions, by interactions) and top posts (by interactions).

* An author is (platform, author_id); mentions without an author id are not ranked.
  ``followers`` is the largest follower count seen on the author's mentions in scope
  (follower counts are snapshots taken at collection time) and ``tier`` its KOL tier.
* Top authors by mentions: most mentions in scope; ties by interactions, then
  platform and author id.
* Top authors by interactions: Σ interactions of their mentions in scope (known values
  only); authors with no engagement data are not ranked.
* Top posts: mentions of kind post / video / article with known interactions, by
  interactions; ties: newest first, then platform and source id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Unpack
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow as pa

from tinhieu.metrics.measures import INTERACTIONS_SQL, POST_KINDS
from tinhieu.metrics.scope import Filters, Scope
from tinhieu.metrics.source import resolve_filters
from tinhieu.metrics.tiers import kol_tier
from tinhieu.store.base import Store

AuthorRank = Literal["mentions", "interactions"]
RANKS: tuple[AuthorRank, ...] = ("mentions", "interactions")
AUTHOR_COLUMNS = (
    "rank",
    "platform",
    "author_id",
    "author_name",
    "followers",
    "tier",
    "mentions",
    "interactions",
    "interactions_known",
)
POST_COLUMNS = (
    "rank",
    "platform",
    "source_id",
    "kind",
    "url",
    "author_id",
    "author_name",
    "author_followers",
    "tier",
    "created_at",
    "created_local",
    "interactions",
    "likes",
    "comments",
    "shares",
    "saves",
    "title",
    "text",
)
SNIPPET = 280  # characters of text kept for a top post

AUTHOR_ORDER: dict[str, str] = {
    "mentions": "mentions DESC, coalesce(interactions, 0) DESC, platform, author_id",
    "interactions": "interactions DESC, mentions DESC, platform, author_id",
}
_POST_KIND_SQL = "kind IN (" + ", ".join(f"'{k}'" for k in POST_KINDS) + ")"
_POST_ORDER = "interactions DESC, created_at DESC, platform, source_id"


def _check_by(by: str) -> None:
    if by not in AUTHOR_ORDER:
        raise ValueError("top authors are ranked by 'mentions' or 'interactions'")


def ranked_authors_sql(authors: str, ranks: Sequence[AuthorRank]) -> str:
    """One query ranking the aggregated ``authors`` (SQL with columns platform,
    author_id, author_name, followers, mentions, interactions, interactions_known) by
    each of ``ranks``; a ``?`` per rank takes the limit. Rows come back with
    ``rank_by`` and ``rnk``, in order."""
    branches = []
    for by in ranks:
        where = " WHERE interactions_known > 0" if by == "interactions" else ""
        order = AUTHOR_ORDER[by]
        branches.append(
            f"SELECT '{by}' AS rank_by, row_number() OVER (ORDER BY {order}) AS rnk, t.* "
            f"FROM (SELECT * FROM a{where} ORDER BY {order} LIMIT ?) t"
        )
    return f"WITH a AS ({authors}) {' UNION ALL '.join(branches)} ORDER BY rank_by, rnk"


def split_ranked(table: pa.Table, ranks: Sequence[AuthorRank]) -> dict[str, pa.Table]:
    """The rows of a :func:`ranked_authors_sql` result, by rank."""
    rank_by = table.column("rank_by").to_pylist()
    return {
        by: table.take(
            pa.array([i for i, r in enumerate(rank_by) if r == by], pa.int64())
        ).drop_columns(["rank_by", "rnk"])
        for by in ranks
    }


def authors_scan_all(
    store: Store, scope: Scope, limit: int, ranks: Sequence[AuthorRank] = RANKS
) -> dict[str, pd.DataFrame]:
    """Top authors by each of ``ranks``, with one scan of ``mentions``."""
    for by in ranks:
        _check_by(by)
    where, params = scope.where()
    authors = (
        "SELECT platform, author_id, max(author_name) AS author_name, "
        "max(author_followers) AS followers, count(*) AS mentions, "
        "CAST(sum(ix) AS BIGINT) AS interactions, count(ix) AS interactions_known "
        "FROM (SELECT platform, author_id, author_name, author_followers, "
        f"{INTERACTIONS_SQL} AS ix FROM mentions WHERE {where} AND author_id IS NOT NULL) m "
        "GROUP BY platform, author_id"
    )
    table = store.fetch_arrow(ranked_authors_sql(authors, ranks), [*params, *[limit] * len(ranks)])
    return {by: authors_frame(t) for by, t in split_ranked(table, ranks).items()}


def authors_scan(store: Store, scope: Scope, by: AuthorRank, limit: int) -> pd.DataFrame:
    """Top authors by scanning ``mentions``."""
    return authors_scan_all(store, scope, limit, (by,))[by]


def authors_frame(table: pa.Table) -> pd.DataFrame:
    """The public top-authors frame from rows of (platform, author_id, author_name,
    followers, mentions, interactions, interactions_known), already ranked."""
    rows: list[dict[str, Any]] = []
    for i, r in enumerate(table.to_pylist(), start=1):
        rows.append(
            {
                "rank": i,
                "platform": r["platform"],
                "author_id": r["author_id"],
                "author_name": r["author_name"],
                "followers": r["followers"],
                "tier": kol_tier(r["followers"]),
                "mentions": int(r["mentions"]),
                "interactions": r["interactions"] if r["interactions_known"] else None,
                "interactions_known": int(r["interactions_known"]),
            }
        )
    return _frame(rows, AUTHOR_COLUMNS)


def posts_scan(store: Store, scope: Scope, limit: int) -> pd.DataFrame:
    """Top posts by scanning ``mentions``."""
    where, params = scope.where()
    table = store.fetch_arrow(
        "SELECT platform, source_id, kind, url, author_id, author_name, author_followers, "
        "created_at, interactions, likes, comments, shares, saves, title, text FROM ("
        "SELECT platform, source_id, kind, url, author_id, author_name, author_followers, "
        f"created_at, {INTERACTIONS_SQL} AS interactions, likes, comments, shares, saves, "
        f"title, substr(text, 1, {SNIPPET}) AS text FROM mentions "
        f"WHERE {where} AND {_POST_KIND_SQL}) m "
        f"WHERE interactions IS NOT NULL ORDER BY {_POST_ORDER} LIMIT ?",
        [*params, limit],
    )
    return posts_frame(table, scope.timezone)


def posts_frame(table: pa.Table, timezone: str) -> pd.DataFrame:
    """The public top-posts frame from ranked rows (see :data:`POST_COLUMNS`)."""
    zone = ZoneInfo(timezone)
    rows: list[dict[str, Any]] = []
    for i, r in enumerate(table.to_pylist(), start=1):
        created = r["created_at"]
        rows.append(
            {
                "rank": i,
                **{k: r.get(k) for k in POST_COLUMNS if k not in ("rank", "tier", "created_local")},
                "tier": kol_tier(r["author_followers"]),
                "created_local": created.astimezone(zone).replace(tzinfo=None)
                if created is not None
                else None,
            }
        )
    return _frame(rows, POST_COLUMNS)


_INT_COLUMNS = frozenset(
    {"followers", "author_followers", "interactions", "likes", "comments", "shares", "saves"}
)


_COUNT_COLUMNS = frozenset({"rank", "mentions", "interactions_known"})


def _frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    """A frame with stable dtypes: nullable Int64 for counts that may be unknown (<NA>,
    not NaN), int64 for counts that are always known, object (None for missing) else."""
    data: dict[str, Any] = {}
    for col in columns:
        values = [r[col] for r in rows]
        if col in _INT_COLUMNS:
            data[col] = pd.array(values, dtype="Int64")
        elif col in _COUNT_COLUMNS:
            data[col] = pd.array(values, dtype="int64")
        else:
            data[col] = pd.array(values, dtype=object)
    return pd.DataFrame(data, columns=list(columns))


def authors_for(
    store: Store, scope: Scope, by: AuthorRank, limit: int, rollup: bool | None = None
) -> pd.DataFrame:
    """Top authors: from the rollup when it can prove the answer exact, else a scan."""
    _check_by(by)
    if rollup is not False:
        from tinhieu.metrics.rollup import read_top_authors

        found = read_top_authors(store, scope, by, limit, refresh=bool(rollup))
        if found is not None:
            return found
    return authors_scan(store, scope, by, limit)


def posts_for(store: Store, scope: Scope, limit: int, rollup: bool | None = None) -> pd.DataFrame:
    """Top posts: from the rollup when it can prove the answer exact, else a scan."""
    if rollup is not False:
        from tinhieu.metrics.rollup import read_top_posts

        found = read_top_posts(store, scope, limit, refresh=bool(rollup))
        if found is not None:
            return found
    return posts_scan(store, scope, limit)


def top_authors(
    store: Store,
    workspace: str,
    *,
    by: AuthorRank = "mentions",
    limit: int = 10,
    **filters: Unpack[Filters],
) -> pd.DataFrame:
    """The ``limit`` top authors by ``mentions`` or ``interactions``."""
    scope = resolve_filters(store, workspace, filters)
    return authors_for(store, scope, by, limit, filters.get("rollup"))


def top_posts(
    store: Store, workspace: str, *, limit: int = 10, **filters: Unpack[Filters]
) -> pd.DataFrame:
    """The ``limit`` posts (post / video / article) with most interactions."""
    scope = resolve_filters(store, workspace, filters)
    return posts_for(store, scope, limit, filters.get("rollup"))
