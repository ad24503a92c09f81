"""Volume (buzz): how many mentions match, by kind and by platform.

Volume = count of matching mentions: posts + comments + replies + reviews + articles +
videos, each counted once however many of the selected topics it matches.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Unpack

import pandas as pd

from tinhieu.metrics.partials import Partials, group_sum
from tinhieu.metrics.result import Metric, frame_records, ratio
from tinhieu.metrics.scope import Filters
from tinhieu.metrics.source import load
from tinhieu.store.base import Store

FORMULA = "count of matching mentions (posts + comments + replies + reviews + articles + videos)"


@dataclass(frozen=True, slots=True)
class Volume:
    total: Metric
    by_kind: pd.DataFrame  # kind, mentions, share_pct, interactions
    by_platform: pd.DataFrame  # platform, mentions, share_pct, interactions

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total.to_dict(),
            "by_kind": frame_records(self.by_kind),
            "by_platform": frame_records(self.by_platform),
        }


def volume_metric(totals: Mapping[str, float]) -> Metric:
    n = int(totals["n"])
    return Metric(name="volume", value=n, formula=FORMULA, unit="mentions", n=n)


def breakdown_frame(partials: Partials, key: str) -> pd.DataFrame:
    """Mentions and interactions by ``key`` (``platform`` or ``kind``) in the scope.

    ``share_pct`` = mentions of the row / all mentions in scope × 100; ``interactions``
    is the sum over mentions with known engagement, ``interactions_known`` how many
    mentions had any.
    """
    groups = group_sum(partials.select(partials.pk), key, ("n", "ix_sum", "ix_n"))
    total = sum(int(g["n"]) for g in groups.values())
    order = sorted(groups, key=lambda k: (-groups[k]["n"], str(k)))
    return pd.DataFrame(
        {
            key: pd.array([str(k) for k in order], dtype=object),
            "mentions": pd.array([int(groups[k]["n"]) for k in order], dtype="int64"),
            "share_pct": pd.array(
                [ratio(groups[k]["n"], total, 100.0) for k in order], dtype=object
            ),
            "interactions": pd.array(
                [int(groups[k]["ix_sum"]) if groups[k]["ix_n"] else None for k in order],
                dtype="Int64",
            ),
            "interactions_known": pd.array([int(groups[k]["ix_n"]) for k in order], dtype="int64"),
        }
    )


def volume_from(partials: Partials) -> Volume:
    totals = partials.totals()
    return Volume(
        total=volume_metric(totals),
        by_kind=breakdown_frame(partials, "kind"),
        by_platform=breakdown_frame(partials, "platform"),
    )


def volume(store: Store, workspace: str, **filters: Unpack[Filters]) -> Volume:
    """Mention volume with its breakdown by kind and by platform."""
    return volume_from(load(store, workspace, **filters))
