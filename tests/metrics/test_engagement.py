"""Interactions, reach and engagement rate, with expected values worked out by hand."""

from __future__ import annotations

import pytest

from tests.metrics.helpers import WS, add, mention
from tinhieu.metrics import engagement, volume
from tinhieu.store import DuckDBStore


def _fixture(store: DuckDBStore) -> None:
    add(
        store,
        [
            # posts (ER population): interactions / followers / reach
            mention(
                source_id="p1", likes=10, comments=5, shares=5, author_followers=1000, reach=400
            ),  # ix 20 (saves unknown)
            mention(source_id="p2", author_followers=500, reach=300),  # no engagement data
            mention(
                source_id="p3",
                kind="video",
                platform="tiktok",
                likes=30,
                shares=0,
                saves=10,
                author_followers=0,
                reach=2000,
            ),  # ix 40, followers 0
            mention(
                source_id="p4", kind="article", platform="news", likes=100, comments=0, shares=0
            ),  # ix 100, no followers, no reach
            mention(
                source_id="p6",
                likes=0,
                comments=0,
                shares=0,
                author_followers=200,
                reach=100,
                reach_estimated=True,
            ),  # ix 0
            # not posts: never in ER
            mention(source_id="c1", kind="comment", likes=7, author_followers=50, reach=10),
            mention(source_id="r1", kind="reply"),  # no engagement data
        ],
    )


def test_interactions_sum_known_components_only(store: DuckDBStore) -> None:
    _fixture(store)
    ix = engagement(store, WS).interactions
    # 20 + 40 + 100 + 0 + 7; p2 and r1 have no engagement data (not 0)
    assert ix.value == 167
    assert ix.n == 5
    assert ix.excluded == 2
    assert ix.excluded_reasons == {"no engagement data": 2}
    comps = ix.details["components"]
    assert comps["likes"] == {"sum": 147, "known": 5}
    assert comps["comments"] == {"sum": 5, "known": 3}
    assert comps["shares"] == {"sum": 5, "known": 4}
    assert comps["saves"] == {"sum": 10, "known": 1}


def test_engagement_rate_by_followers(store: DuckDBStore) -> None:
    _fixture(store)
    e = engagement(store, WS)
    er = e.er_followers
    # included: p1 (20 / 1000) and p6 (0 / 200); ratio of sums = 20 / 1200 × 100
    assert er.value == pytest.approx(20 / 1200 * 100)
    assert er.denominator == "author_followers"
    assert er.n == 2
    assert er.excluded == 3  # of the 5 posts
    assert er.excluded_reasons == {
        "no engagement data": 1,  # p2
        "author_followers unknown or 0": 2,  # p3 (0), p4 (NULL)
    }
    assert er.details["interactions"] == 20
    assert er.details["denominator_sum"] == 1200
    # mean per post: (2 % + 0 %) / 2
    assert e.er_followers_mean.value == pytest.approx(1.0)
    assert e.er_followers_mean.n == 2


def test_engagement_rate_by_reach(store: DuckDBStore) -> None:
    _fixture(store)
    e = engagement(store, WS)
    er = e.er_reach
    # included: p1 20/400, p3 40/2000, p6 0/100 → 60 / 2500 × 100
    assert er.value == pytest.approx(2.4)
    assert er.denominator == "reach"
    assert er.n == 3
    assert er.excluded_reasons == {"no engagement data": 1, "reach unknown or 0": 1}
    assert er.details["estimated_reach_posts"] == 1  # p6
    assert e.er_reach_mean.value == pytest.approx((5.0 + 2.0 + 0.0) / 3)


def test_reach_is_summed_over_known_values(store: DuckDBStore) -> None:
    _fixture(store)
    reach = engagement(store, WS).reach
    assert reach.value == 400 + 300 + 2000 + 100 + 10
    assert reach.n == 5
    assert reach.excluded == 2
    assert reach.details["estimated"] == 1


def test_no_engagement_data_is_not_zero(store: DuckDBStore) -> None:
    add(store, [mention(), mention(kind="comment")])
    e = engagement(store, WS)
    assert e.interactions.value is None
    assert e.interactions.reason == "no mention in scope has engagement data"
    assert e.interactions.excluded == 2
    assert e.er_followers.value is None
    assert e.er_followers.excluded_reasons == {"no engagement data": 1}


def test_er_needs_posts(store: DuckDBStore) -> None:
    add(store, [mention(kind="comment", likes=5, author_followers=100)])
    er = engagement(store, WS).er_followers
    assert er.value is None
    assert er.reason is not None and er.reason.startswith("no posts in scope")
    assert er.n == 0


def test_empty_scope(store: DuckDBStore) -> None:
    e = engagement(store, WS)
    assert e.interactions.value is None
    assert e.interactions.reason == "no mentions in scope"
    assert volume(store, WS).total.value == 0


def test_volume_by_kind_and_platform(store: DuckDBStore) -> None:
    _fixture(store)
    v = volume(store, WS)
    assert v.total.value == 7
    kinds = dict(zip(v.by_kind["kind"], v.by_kind["mentions"], strict=True))
    assert kinds == {"post": 3, "video": 1, "article": 1, "comment": 1, "reply": 1}
    platforms = v.by_platform.set_index("platform")
    assert platforms.loc["facebook", "mentions"] == 5
    assert platforms.loc["facebook", "share_pct"] == pytest.approx(500 / 7)
    assert platforms.loc["facebook", "interactions"] == 27  # 20 + 0 + 7
    assert platforms.loc["facebook", "interactions_known"] == 3
    assert list(v.by_platform["platform"]) == ["facebook", "news", "tiktok"]  # ties: by name
