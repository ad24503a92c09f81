"""Mentions broken down by one dimension: platform, kind, KOL tier, sentiment, spam
label, language or author kind.

Each row: ``mentions`` (count), ``share_pct`` (mentions / all mentions in scope × 100),
``interactions`` (Σ over mentions with known engagement) and ``interactions_known``.
NULL values get an explicit label (``not analysed``, ``not checked``, ``unknown``) rather
than disappearing.
"""

from __future__ import annotations

from typing import Final, Literal, Unpack

import pandas as pd

from tinhieu.metrics.measures import INTERACTIONS_SQL
from tinhieu.metrics.result import ratio
from tinhieu.metrics.scope import Filters
from tinhieu.metrics.source import load, resolve_filters
from tinhieu.metrics.tiers import TIER_NAMES, tier_sql
from tinhieu.metrics.volume import breakdown_frame
from tinhieu.store.base import Store

Dimension = Literal["platform", "kind", "tier", "sentiment", "spam", "language", "author_kind"]

#: SQL of each dimension (fixed expressions, never user input).
DIMENSIONS: Final[dict[str, str]] = {
    "platform": "platform",
    "kind": "kind",
    "tier": tier_sql("author_followers"),
    "sentiment": "coalesce(sentiment, 'not analysed')",
    "spam": "coalesce(spam, 'not checked')",
    "language": "coalesce(language, 'unknown')",
    "author_kind": "coalesce(author_kind, 'unknown')",
}


def breakdown(
    store: Store, workspace: str, *, by: Dimension = "platform", **filters: Unpack[Filters]
) -> pd.DataFrame:
    """Mentions and interactions by ``by`` within the filters."""
    if by not in DIMENSIONS:
        raise ValueError(f"breakdown by one of: {', '.join(DIMENSIONS)}")
    if by in ("platform", "kind"):
        return breakdown_frame(load(store, workspace, **filters), by)
    scope = resolve_filters(store, workspace, filters)
    where, params = scope.where()
    rows = store.fetch_arrow(
        f"SELECT {DIMENSIONS[by]} AS key, count(*) AS n, CAST(sum(ix) AS BIGINT) AS ix, "
        f"count(ix) AS ix_n FROM (SELECT *, {INTERACTIONS_SQL} AS ix FROM mentions "
        f"WHERE {where}) m GROUP BY 1",
        params,
    ).to_pylist()
    total = sum(int(r["n"]) for r in rows)
    frame = pd.DataFrame(
        [
            {
                by: r["key"],
                "mentions": int(r["n"]),
                "share_pct": ratio(int(r["n"]), total, 100.0),
                "interactions": r["ix"] if r["ix_n"] else None,
                "interactions_known": int(r["ix_n"]),
            }
            for r in rows
        ],
        columns=[by, "mentions", "share_pct", "interactions", "interactions_known"],
    )
    if by == "tier":
        order = {name: i for i, name in enumerate(TIER_NAMES)}
        frame = frame.sort_values(by, key=lambda s: s.map(order), kind="stable")
    else:
        frame = frame.sort_values(["mentions", by], ascending=[False, True], kind="stable")
    frame["interactions"] = frame["interactions"].astype("Int64")
    return frame.reset_index(drop=True)
