"""Relevance to a topic or category, and the influence score.

**Relevance** of an author to a topic = matching posts / posts, where a post matches
when it is tagged with the topic (``topics`` column) or, for a query that is not a saved
topic, when the query matches its title and text. Shown with it: the recurring terms of
the matching posts (hashtags and words of ≥ 4 letters, in ≥ 2 posts) and the net
sentiment of the audience's comments ((positive − negative) / (positive + negative) × 100).

**Influence** = 100 × reach × quality × relevance × consistency × engagement_fit, each
factor 0–1:

* reach = min(1, log10(1 + followers) / 7): 10M followers → 1, 100k → 0.71, 10k → 0.57
  (logarithmic, so a celebrity does not drown a trusted micro-KOL); followers unknown →
  log10(1 + mean views per post) / 7, or 0 without views;
* quality = the audience quality score / 100 (:mod:`tinhieu.kol.quality`), weighed by how
  much audience it was measured on: (n × score/100 + k × 0.5) / (n + k) with n the
  audience comments audited and k = :data:`QUALITY_PRIOR_COMMENTS`. An author nobody
  comments on is not a proven 100 but an unknown 0.5; 200 comments move it to ~the score;
* relevance = share of matching posts × sentiment_fit, sentiment_fit = 0.75 + 0.25 ×
  (audience net sentiment + 100) / 200 (1 when no comment is analysed);
* consistency = m / (m + :data:`CONSISTENCY_HALF`) with m the matching posts: one post on
  the topic → 0.25, 3 → 0.5, 9 → 0.75. Expertise is a habit: a single post, however
  on-topic, is weak evidence that the author is a voice of the category;
* engagement_fit = 0.5 + 0.5 × min(1, quality ER / tier ER norm) (0.75 when unknown).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Final

from tinhieu.kol.profiles import Profile
from tinhieu.kol.quality import TIER_ER_NORM, AudienceQuality, Comment
from tinhieu.metrics.result import ratio
from tinhieu.query import Query

FORMULA: Final = "100 × reach × quality × relevance × consistency × engagement_fit (docs/kol.md)"
#: Audience comments that weigh as much as the 0.5 prior in the quality factor.
QUALITY_PRIOR_COMMENTS: Final = 10
#: Matching posts at which consistency reaches 0.5.
CONSISTENCY_HALF: Final = 3
_WORD: Final = re.compile(r"#?[^\W\d_]{4,}", re.UNICODE)
_STOP: Final = frozenset(
    (
        "này",
        "những",
        "được",
        "không",
        "của",
        "cho",
        "với",
        "trong",
        "như",
        "nhưng",
        "thì",
        "người",
        "mình",
        "các",
        "đang",
        "that",
        "this",
        "with",
        "from",
        "have",
        "your",
        "they",
        "will",
        "just",
        "about",
    )
)


@dataclass(slots=True)
class Influence:
    score: float
    reach: float
    quality: float
    relevance: float
    relevance_share: float
    matching_posts: int
    consistency: float
    engagement_fit: float
    audience_net_sentiment: float | None
    terms: list[str]
    formula: str = FORMULA

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


def matching_posts(profile: Profile, topic: str, query: Query | None) -> list[dict[str, Any]]:
    """The author's posts that match ``topic`` (its tag, or ``query`` on the text)."""
    out = []
    for p in profile.post_rows:
        if topic in (p.get("topics") or []) or (
            query is not None
            and query.matches(
                {"text": p.get("text"), "title": p.get("title"), "platform": profile.platform}
            )
        ):
            out.append(p)
    return out


def recurring_terms(posts: list[dict[str, Any]], top: int = 8) -> list[str]:
    """Hashtags and words (≥ 4 letters) found in at least 2 of ``posts``, most common first
    (ties alphabetically)."""
    df: Counter[str] = Counter()
    for p in posts:
        text = " ".join(x for x in (p.get("title"), p.get("text")) if x).lower()
        df.update({w for w in _WORD.findall(text) if w not in _STOP})
    # ties in alphabetical order: a set's order would change with the hash seed
    ranked = sorted(df.items(), key=lambda item: (-item[1], item[0]))
    return [w for w, n in ranked if n >= 2][:top]


def reach_factor(profile: Profile) -> float:
    if profile.followers is not None:
        return min(1.0, math.log10(1 + profile.followers) / 7)
    if profile.views and profile.posts:
        return min(1.0, math.log10(1 + profile.views / profile.posts) / 7)
    return 0.0


def quality_factor(quality: AudienceQuality) -> float:
    """The audience quality score / 100, shrunk towards 0.5 when few comments back it."""
    n, k = quality.comments, QUALITY_PRIOR_COMMENTS
    return (n * quality.score / 100 + k * 0.5) / (n + k)


def consistency_factor(matching: int) -> float:
    """m / (m + CONSISTENCY_HALF): how much of a habit the topic is for the author."""
    return matching / (matching + CONSISTENCY_HALF) if matching > 0 else 0.0


def influence(
    profile: Profile,
    quality: AudienceQuality,
    comments: list[Comment],
    topic: str,
    query: Query | None = None,
) -> Influence:
    """The influence of ``profile`` on ``topic`` (module docstring)."""
    matched = matching_posts(profile, topic, query)
    share = len(matched) / profile.posts if profile.posts else 0.0
    pos = sum(c.sentiment == "positive" for c in comments)
    neg = sum(c.sentiment == "negative" for c in comments)
    net = ratio(pos - neg, pos + neg, 100.0)
    sentiment_fit = 1.0 if net is None else 0.75 + 0.25 * (net + 100) / 200
    relevance = share * sentiment_fit
    norm = TIER_ER_NORM.get(profile.tier)
    fit = (
        0.5 + 0.5 * min(1.0, quality.quality_er / norm)
        if norm and quality.quality_er is not None and profile.er_by == "followers"
        else 0.75
    )
    reach = reach_factor(profile)
    q = quality_factor(quality)
    consistency = consistency_factor(len(matched))
    return Influence(
        score=round(100 * reach * q * relevance * consistency * fit, 2),
        reach=round(reach, 4),
        quality=round(q, 4),
        relevance=round(relevance, 4),
        relevance_share=round(share, 4),
        matching_posts=len(matched),
        consistency=round(consistency, 4),
        engagement_fit=round(fit, 4),
        audience_net_sentiment=net,
        terms=recurring_terms(matched),
    )
