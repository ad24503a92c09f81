"""Net sentiment.

Net sentiment score = (positive − negative) / (positive + negative) × 100, over the
mentions the sentiment model has analysed (``sentiment`` not NULL). Neutral mentions
are not in the formula. Until the NLP stage has run, sentiment is NULL and the score is
*not available*, never 0; when only part of the scope is analysed, ``coverage`` says
which share was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack

from tinhieu.metrics.result import Metric, not_available, ratio
from tinhieu.metrics.scope import Filters
from tinhieu.metrics.source import load
from tinhieu.store.base import Store

FORMULA = "(positive − negative) / (positive + negative) × 100"
NOT_ANALYSED = "sentiment has not been analysed for these mentions yet (sentiment is NULL)"


def net_sentiment_metric(t: Mapping[str, float]) -> Metric:
    n, analysed = int(t["n"]), int(t["sent_n"])
    pos, neg, neu = int(t["pos"]), int(t["neg"]), int(t["neu"])
    common: dict[str, Any] = {
        "unit": "score (−100…100)",
        "denominator": "positive + negative",
        "n": analysed,
        "excluded": n - analysed,
        "excluded_reasons": {"not analysed": n - analysed} if n - analysed else {},
        "coverage": ratio(analysed, n),
        "details": {
            "positive": pos,
            "negative": neg,
            "neutral": neu,
            "other": analysed - pos - neg - neu,
        },
    }
    if n == 0:
        return not_available("net_sentiment", FORMULA, "no mentions in scope", **common)
    if analysed == 0:
        return not_available("net_sentiment", FORMULA, NOT_ANALYSED, **common)
    if pos + neg == 0:
        return not_available(
            "net_sentiment",
            FORMULA,
            "no positive or negative mention among the analysed ones",
            **common,
        )
    return Metric(
        name="net_sentiment", value=ratio(pos - neg, pos + neg, 100.0), formula=FORMULA, **common
    )


def net_sentiment(store: Store, workspace: str, **filters: Unpack[Filters]) -> Metric:
    """Net sentiment score of the scope (not available until sentiment is analysed)."""
    return net_sentiment_metric(load(store, workspace, **filters).totals())
