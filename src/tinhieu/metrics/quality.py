"""Quality engagement and the vanity share.

A mention is *flagged* when the spam stage marked it as spam, seeding, giveaway or ad
(``spam`` not NULL and not ``'none'``). Over the mentions the spam stage has checked
(``spam`` not NULL):

* raw engagement     = Σ interactions of checked mentions
* quality engagement = Σ interactions of checked mentions that are not flagged
* vanity share       = (raw − quality) / raw × 100: the share of engagement that comes
  from flagged mentions (giveaway minigames, seeding, spam).

Mentions not checked yet (``spam`` NULL) are left out and reported through
``coverage``; when none is checked, both metrics are *not available*, never 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Unpack

from tinhieu.metrics.measures import SPAM_KINDS
from tinhieu.metrics.result import Metric, not_available, ratio
from tinhieu.metrics.scope import Filters
from tinhieu.metrics.source import load
from tinhieu.store.base import Store

QUALITY_FORMULA = "Σ interactions of checked mentions not flagged as spam / seeding / giveaway / ad"
VANITY_FORMULA = "(raw − quality) / raw × 100, raw = Σ interactions of checked mentions"
NOT_CHECKED = "spam / seeding / giveaway detection has not run on these mentions yet (spam is NULL)"


@dataclass(frozen=True, slots=True)
class Quality:
    quality_engagement: Metric
    vanity_share: Metric

    def to_dict(self) -> dict[str, Any]:
        return {
            "quality_engagement": self.quality_engagement.to_dict(),
            "vanity_share": self.vanity_share.to_dict(),
        }


def quality_metrics(t: Mapping[str, float]) -> Quality:
    n, checked, flagged = int(t["n"]), int(t["spam_n"]), int(t["flagged_n"])
    raw, quality = int(t["checked_ix"]), int(t["quality_ix"])
    kinds = {k: int(t[f"spam_{k}"]) for k in SPAM_KINDS}
    kinds["other"] = flagged - sum(kinds.values())
    details: dict[str, Any] = {
        "checked_mentions": checked,
        "flagged_mentions": flagged,
        "flagged_by_kind": kinds,
        "raw_interactions": raw,
        "flagged_interactions": raw - quality,
        "checked_with_engagement": int(t["checked_ix_n"]),
    }
    common: dict[str, Any] = {
        "n": checked,
        "excluded": n - checked,
        "excluded_reasons": {"not checked": n - checked} if n - checked else {},
        "coverage": ratio(checked, n),
        "details": details,
    }
    reason: str | None = None
    if n == 0:
        reason = "no mentions in scope"
    elif checked == 0:
        reason = NOT_CHECKED
    elif int(t["checked_ix_n"]) == 0:
        reason = "no checked mention has engagement data"
    if reason is not None:
        return Quality(
            not_available(
                "quality_engagement", QUALITY_FORMULA, reason, unit="interactions", **common
            ),
            not_available("vanity_share", VANITY_FORMULA, reason, unit="%", **common),
        )
    vanity = ratio(raw - quality, raw, 100.0)
    vanity_metric = (
        Metric(
            name="vanity_share",
            value=vanity,
            formula=VANITY_FORMULA,
            unit="%",
            denominator="raw interactions of checked mentions",
            **common,
        )
        if vanity is not None
        else not_available(
            "vanity_share",
            VANITY_FORMULA,
            "checked mentions have 0 interactions",
            unit="%",
            **common,
        )
    )
    return Quality(
        Metric(
            name="quality_engagement",
            value=quality,
            formula=QUALITY_FORMULA,
            unit="interactions",
            **common,
        ),
        vanity_metric,
    )


def quality_engagement(store: Store, workspace: str, **filters: Unpack[Filters]) -> Quality:
    """Quality engagement and vanity share (not available until spam detection runs)."""
    return quality_metrics(load(store, workspace, **filters).totals())
