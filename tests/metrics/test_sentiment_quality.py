"""Net sentiment and quality engagement: not available until analysed, coverage after."""

from __future__ import annotations

import pytest

from tests.metrics.helpers import WS, add, mention
from tinhieu.metrics import net_sentiment, quality_engagement
from tinhieu.store import DuckDBStore


def test_not_analysed_is_not_available_not_zero(store: DuckDBStore) -> None:
    add(store, [mention(likes=5), mention(kind="comment", likes=1)])
    ns = net_sentiment(store, WS)
    assert ns.value is None
    assert not ns.available
    assert ns.reason is not None and "not been analysed" in ns.reason
    assert ns.coverage == 0.0
    assert ns.excluded == 2
    q = quality_engagement(store, WS)
    assert q.quality_engagement.value is None
    assert q.vanity_share.value is None
    assert q.quality_engagement.reason is not None
    assert "has not run" in q.quality_engagement.reason
    assert q.quality_engagement.coverage == 0.0
    d = ns.to_dict()
    assert d["value"] is None and d["available"] is False and "reason" in d


def test_net_sentiment_with_partial_coverage(store: DuckDBStore) -> None:
    rows = [mention(sentiment=s) for s in ["positive"] * 3 + ["negative"] + ["neutral"] * 2]
    rows += [mention() for _ in range(4)]  # not analysed
    add(store, rows)
    ns = net_sentiment(store, WS)
    assert ns.value == pytest.approx((3 - 1) / (3 + 1) * 100)  # 50.0
    assert ns.n == 6
    assert ns.excluded == 4
    assert ns.excluded_reasons == {"not analysed": 4}
    assert ns.coverage == pytest.approx(0.6)
    assert ns.details == {"positive": 3, "negative": 1, "neutral": 2, "other": 0}
    assert ns.denominator == "positive + negative"


def test_net_sentiment_all_negative(store: DuckDBStore) -> None:
    add(store, [mention(sentiment="negative"), mention(sentiment="negative")])
    assert net_sentiment(store, WS).value == pytest.approx(-100.0)


def test_only_neutral_is_not_available(store: DuckDBStore) -> None:
    add(store, [mention(sentiment="neutral")])
    ns = net_sentiment(store, WS)
    assert ns.value is None
    assert ns.reason == "no positive or negative mention among the analysed ones"
    assert ns.coverage == 1.0


def test_quality_engagement_and_vanity_share(store: DuckDBStore) -> None:
    add(
        store,
        [
            mention(spam="none", likes=100),
            mention(kind="comment", spam="giveaway", likes=300),
            mention(kind="comment", spam="seeding", likes=40, comments=10),
            mention(likes=1000),  # not checked: left out, lowers coverage
            mention(spam="none"),  # checked, no engagement data
        ],
    )
    q = quality_engagement(store, WS)
    qe, vanity = q.quality_engagement, q.vanity_share
    assert qe.value == 100
    assert qe.coverage == pytest.approx(4 / 5)
    assert qe.excluded == 1
    assert qe.details["raw_interactions"] == 450
    assert qe.details["flagged_interactions"] == 350
    assert qe.details["flagged_mentions"] == 2
    assert qe.details["flagged_by_kind"] == {
        "giveaway": 1,
        "seeding": 1,
        "ad": 0,
        "junk": 0,
        "other": 0,
    }
    # (raw − quality) / raw × 100 = 350 / 450 × 100
    assert vanity.value == pytest.approx(350 / 450 * 100)
    assert vanity.unit == "%"


def test_checked_without_engagement_data(store: DuckDBStore) -> None:
    add(store, [mention(spam="none"), mention(spam="giveaway")])
    q = quality_engagement(store, WS)
    assert q.quality_engagement.value is None
    assert q.quality_engagement.reason == "no checked mention has engagement data"


def test_zero_interactions_gives_zero_quality_but_no_vanity(store: DuckDBStore) -> None:
    add(store, [mention(spam="none", likes=0)])
    q = quality_engagement(store, WS)
    assert q.quality_engagement.value == 0
    assert q.vanity_share.value is None
    assert q.vanity_share.reason == "checked mentions have 0 interactions"
