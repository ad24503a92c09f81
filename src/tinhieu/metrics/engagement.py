"""Interactions, reach and engagement rate.

Interactions of one mention = likes (all reactions) + comments + shares + saves, over
the components the platform reported. A NULL component is *unknown*, not zero: the
mention's interactions are the sum of its known components, and NULL when none is
known. Aggregates sum the known values and say how many mentions had no engagement data.

Engagement rate (ER) is computed on posts (kinds post, video, article) with known
interactions and a known, positive denominator; the others are counted as excluded,
with the reason. Two denominators, each stated with the result:

* by followers: interactions / author_followers × 100
* by reach:     interactions / reach × 100

Aggregate form (headline): **ratio of sums**, Σ interactions / Σ denominator × 100 over
the included posts: the campaign-level rate, not distorted by tiny accounts. The
**mean per post**, mean(interactions / denominator × 100), the profile-level rate,
is reported next to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Unpack

from tinhieu.metrics.measures import POST_KINDS
from tinhieu.metrics.partials import Partials
from tinhieu.metrics.result import Metric, not_available, ratio
from tinhieu.metrics.scope import Filters
from tinhieu.metrics.source import load
from tinhieu.store.base import Store

INTERACTIONS_FORMULA = (
    "likes + comments + shares + saves; unknown (NULL) components are not counted as 0; "
    "summed over mentions with at least one known component"
)
REACH_FORMULA = "Σ reach as reported per mention (not de-duplicated across mentions)"
_POSTS = " / ".join(POST_KINDS)
ER_FORMULAS = {
    "followers": "Σ interactions / Σ author_followers × 100 (ratio of sums over posts)",
    "reach": "Σ interactions / Σ reach × 100 (ratio of sums over posts)",
}
ER_MEAN_FORMULAS = {
    "followers": "mean over posts of (interactions / author_followers × 100)",
    "reach": "mean over posts of (interactions / reach × 100)",
}
_DENOMINATOR_LABEL = {"followers": "author_followers", "reach": "reach"}
_PREFIX = {"followers": "erf", "reach": "err"}


@dataclass(frozen=True, slots=True)
class Engagement:
    interactions: Metric
    reach: Metric
    er_followers: Metric  # ratio of sums (headline)
    er_reach: Metric
    er_followers_mean: Metric  # mean per post
    er_reach_mean: Metric

    def to_dict(self) -> dict[str, Any]:
        return {
            "interactions": self.interactions.to_dict(),
            "reach": self.reach.to_dict(),
            "engagement_rate": {
                "by_followers": self.er_followers.to_dict(),
                "by_reach": self.er_reach.to_dict(),
                "by_followers_mean_per_post": self.er_followers_mean.to_dict(),
                "by_reach_mean_per_post": self.er_reach_mean.to_dict(),
            },
        }


def interactions_metric(t: Mapping[str, float]) -> Metric:
    n, known = int(t["n"]), int(t["ix_n"])
    components = {
        c: {"sum": int(t[c]), "known": int(t[f"{c}_n"])}
        for c in ("likes", "comments", "shares", "saves")
    }
    common: dict[str, Any] = {
        "unit": "interactions",
        "n": known,
        "excluded": n - known,
        "excluded_reasons": {"no engagement data": n - known} if n - known else {},
        "details": {"components": components},
    }
    if n == 0:
        return not_available("interactions", INTERACTIONS_FORMULA, "no mentions in scope", **common)
    if known == 0:
        return not_available(
            "interactions",
            INTERACTIONS_FORMULA,
            "no mention in scope has engagement data",
            **common,
        )
    return Metric(
        name="interactions", value=int(t["ix_sum"]), formula=INTERACTIONS_FORMULA, **common
    )


def reach_metric(t: Mapping[str, float]) -> Metric:
    n, known = int(t["n"]), int(t["reach_n"])
    common: dict[str, Any] = {
        "unit": "people (gross)",
        "n": known,
        "excluded": n - known,
        "excluded_reasons": {"reach not reported": n - known} if n - known else {},
        "details": {"estimated": int(t["reach_est_n"])},
    }
    if known == 0:
        reason = "no mentions in scope" if n == 0 else "no mention in scope reports reach"
        return not_available("reach", REACH_FORMULA, reason, **common)
    return Metric(name="reach", value=int(t["reach_sum"]), formula=REACH_FORMULA, **common)


def engagement_rate(t: Mapping[str, float], by: str, *, mean: bool = False) -> Metric:
    """ER by ``followers`` or ``reach``: ratio of sums, or the mean per post."""
    if by not in _PREFIX:
        raise ValueError("engagement rate is by 'followers' or 'reach'")
    p = _PREFIX[by]
    name = f"engagement_rate_{by}" + ("_mean" if mean else "")
    formula = (ER_MEAN_FORMULAS if mean else ER_FORMULAS)[by]
    posts, posts_known, included = int(t["posts"]), int(t["posts_ix_n"]), int(t[f"{p}_n"])
    reasons = {
        "no engagement data": posts - posts_known,
        f"{_DENOMINATOR_LABEL[by]} unknown or 0": posts_known - included,
    }
    details: dict[str, Any] = {
        "aggregate": "mean per post" if mean else "ratio of sums",
        "posts": posts,
        "post_kinds": list(POST_KINDS),
        "interactions": int(t[f"{p}_ix"]),
        "denominator_sum": int(t[f"{p}_den"]),
    }
    if by == "reach":
        details["estimated_reach_posts"] = int(t["err_est_n"])
    common: dict[str, Any] = {
        "unit": "%",
        "denominator": _DENOMINATOR_LABEL[by],
        "n": included,
        "excluded": posts - included,
        "excluded_reasons": {k: v for k, v in reasons.items() if v},
        "details": details,
    }
    if posts == 0:
        return not_available(
            name, formula, f"no posts in scope (ER is computed on {_POSTS})", **common
        )
    if included == 0:
        return not_available(
            name,
            formula,
            f"no post has both engagement data and a known {_DENOMINATOR_LABEL[by]} > 0",
            **common,
        )
    value = ratio(t[f"{p}_ratio"], included) if mean else ratio(t[f"{p}_ix"], t[f"{p}_den"], 100.0)
    return Metric(name=name, value=value, formula=formula, **common)


def engagement_from(partials: Partials) -> Engagement:
    t = partials.totals()
    return Engagement(
        interactions=interactions_metric(t),
        reach=reach_metric(t),
        er_followers=engagement_rate(t, "followers"),
        er_reach=engagement_rate(t, "reach"),
        er_followers_mean=engagement_rate(t, "followers", mean=True),
        er_reach_mean=engagement_rate(t, "reach", mean=True),
    )


def engagement(store: Store, workspace: str, **filters: Unpack[Filters]) -> Engagement:
    """Interactions, reach and both engagement rates (both aggregate forms)."""
    return engagement_from(load(store, workspace, **filters))
