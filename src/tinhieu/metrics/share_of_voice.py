"""Share of voice (SoV) among the tracked brands.

The set compared is every topic of the workspace in the ``brand`` and ``competitor``
groups (or the topics you pass). For each topic *b* of the set:

* SoV by mentions     = mentions(b) / Σ_set mentions × 100
* SoV by interactions = interactions(b) / Σ_set interactions × 100

A mention that matches two brands of the set counts for **both** (it is a voice about
each), so the denominator is the number of (mention, brand) pairs and the shares add
up to 100 %. ``overlap_mentions`` says how many mentions matched more than one brand.
The topic / group filter of the call does not narrow the set (SoV is a comparison);
time and platform filters apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Unpack

import pandas as pd

from tinhieu.metrics.partials import Partials, group_sum
from tinhieu.metrics.result import frame_records, jsonable, ratio
from tinhieu.metrics.scope import SOV_GROUPS, Filters
from tinhieu.metrics.source import load
from tinhieu.store.base import Store

FORMULA_MENTIONS = "mentions(brand) / Σ mentions(brands in set) × 100"
FORMULA_INTERACTIONS = "interactions(brand) / Σ interactions(brands in set) × 100"
COLUMNS = (
    "topic",
    "group",
    "mentions",
    "share_pct",
    "interactions",
    "interactions_share_pct",
    "interactions_known",
)


@dataclass(frozen=True, slots=True)
class ShareOfVoice:
    topics: tuple[str, ...]
    table: pd.DataFrame  # one row per topic of the set, in COLUMNS
    pairs: int  # Σ mentions over the set's topics (the denominator)
    distinct_mentions: int  # mentions matching at least one topic of the set
    overlap_mentions: int  # mentions matching two or more topics of the set
    interactions_pairs: int  # Σ interactions over the set's topics
    focus: tuple[str, ...] = ()  # the topics the call was filtered on, if in the set
    reason: str | None = None  # why shares are not available
    formula: dict[str, str] = field(
        default_factory=lambda: {
            "mentions": FORMULA_MENTIONS,
            "interactions": FORMULA_INTERACTIONS,
        }
    )

    @property
    def available(self) -> bool:
        return self.reason is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "available": self.available,
            "reason": self.reason,
            "formula": dict(self.formula),
            "groups": list(SOV_GROUPS),
            "topics": list(self.topics),
            "focus": list(self.focus),
            "denominator": {
                "mentions": "Σ mentions over the set (a mention of two brands counts for both)",
                "mention_pairs": self.pairs,
                "interactions": jsonable(self.interactions_pairs),
            },
            "distinct_mentions": self.distinct_mentions,
            "overlap_mentions": self.overlap_mentions,
            "rows": frame_records(self.table),
        }


def share_of_voice_from(partials: Partials, topics: Sequence[str] | None = None) -> ShareOfVoice:
    scope = partials.scope
    wanted = tuple(topics) if topics is not None else scope.sov_topics
    focus = tuple(t for t in (scope.topics or ()) if t in wanted)
    stats: dict[str, list[int]] = {t: [0, 0, 0] for t in wanted}
    distinct = overlap = 0
    for combo, row in group_sum(partials.pk, "combo", ("n", "ix_sum", "ix_n")).items():
        hits = [t for t in combo if t in stats]
        if not hits:
            continue
        n = int(row["n"])
        distinct += n
        if len(hits) > 1:
            overlap += n
        for t in hits:
            stats[t][0] += n
            stats[t][1] += int(row["ix_sum"])
            stats[t][2] += int(row["ix_n"])
    pairs = sum(v[0] for v in stats.values())
    ix_pairs = sum(v[1] for v in stats.values())
    rows: list[dict[str, Any]] = []
    for t in wanted:
        n, ix, ix_n = stats[t]
        rows.append(
            {
                "topic": t,
                "group": scope.topic_groups.get(t, ""),
                "mentions": n,
                "share_pct": ratio(n, pairs, 100.0),
                "interactions": ix if ix_n else None,
                "interactions_share_pct": ratio(ix, ix_pairs, 100.0),
                "interactions_known": ix_n,
            }
        )
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table["interactions"] = table["interactions"].astype("Int64")
    if len(table):
        table = table.sort_values(
            ["mentions", "topic"], ascending=[False, True], kind="stable"
        ).reset_index(drop=True)
    reason = None
    if not wanted:
        reason = "no brand or competitor topics in this workspace"
    elif pairs == 0:
        reason = "no mentions of the brand or competitor topics in scope"
    return ShareOfVoice(
        topics=wanted,
        table=table,
        pairs=pairs,
        distinct_mentions=distinct,
        overlap_mentions=overlap,
        interactions_pairs=ix_pairs,
        focus=focus,
        reason=reason,
    )


def share_of_voice(
    store: Store,
    workspace: str,
    *,
    topics: Sequence[str] | None = None,
    **filters: Unpack[Filters],
) -> ShareOfVoice:
    """Share of voice of the brand and competitor topics (or of ``topics``)."""
    partials = load(store, workspace, **filters)
    if topics is not None and partials.scope.topics is not None:
        missing = set(topics) - set(partials.scope.scan_topics or ())
        if missing:  # the scan did not read these topics' mentions: read them too
            wide: Filters = {**filters}
            wide["topic"] = None
            wide["group"] = None
            partials = load(store, workspace, **wide)
    return share_of_voice_from(partials, topics)
