"""Filters shared by every metric: workspace, topic, group, platform, time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.metrics.helpers import WS, add, mention, topics
from tinhieu.metrics import breakdown, engagement, resolve, volume
from tinhieu.metrics.filters import time_window
from tinhieu.store import DuckDBStore


def _fixture(store: DuckDBStore) -> None:
    topics(store, {"A": "brand", "B": "competitor", "X": "category"})
    store.ensure_workspace("other")
    topics(store, {"A": "brand"}, workspace="other")
    add(
        store,
        [
            mention(topics=["A"], platform="facebook", likes=1),
            mention(topics=["A"], platform="tiktok", kind="video", likes=2),
            mention(topics=["B"], platform="tiktok", kind="comment", likes=4),
            mention(topics=["X"], platform="youtube", kind="comment", likes=8),
            mention(
                topics=["A"],
                platform="facebook",
                likes=16,
                created_at=datetime(2025, 1, 1, 3, tzinfo=UTC),
            ),
            mention(workspace="other", topics=["A"], likes=1000),
        ],
    )


def test_workspace_isolation(store: DuckDBStore) -> None:
    _fixture(store)
    assert volume(store, WS).total.value == 5
    assert volume(store, "other").total.value == 1
    assert engagement(store, "other", topic="A").interactions.value == 1000


def test_topic_group_platform_and_time(store: DuckDBStore) -> None:
    _fixture(store)
    ix = lambda **kw: engagement(store, WS, **kw).interactions.value  # noqa: E731
    assert ix(topic="A") == 1 + 2 + 16
    assert ix(group="brand") == 1 + 2 + 16
    assert ix(group="competitor") == 4
    assert ix(group="category") == 8
    assert ix(platform="tiktok") == 2 + 4
    assert ix(platform=["tiktok", "youtube"]) == 2 + 4 + 8
    assert ix(topic="A", platform="facebook") == 1 + 16
    assert ix(topic="A", since="2025-02-01") == 1 + 2
    assert ix(topic="A", until="2025-01-31") == 16


def test_breakdowns(store: DuckDBStore) -> None:
    _fixture(store)
    kinds = breakdown(store, WS, by="kind").set_index("kind")
    assert kinds.loc["post", "mentions"] == 2
    assert kinds.loc["comment", "interactions"] == 12
    tiers = breakdown(store, WS, by="tier")
    assert list(tiers["tier"]) == ["unknown"]
    sentiment = breakdown(store, WS, by="sentiment", topic="A")
    assert list(sentiment["sentiment"]) == ["not analysed"]
    assert list(sentiment["mentions"]) == [3]
    with pytest.raises(ValueError):
        breakdown(store, WS, by="colour")  # type: ignore[arg-type]


def test_tier_breakdown(store: DuckDBStore) -> None:
    add(
        store,
        [
            mention(author_followers=9_999),
            mention(author_followers=10_000),
            mention(author_followers=300_000),
            mention(author_followers=1_000_000),
            mention(author_followers=1_000_000),
        ],
    )
    tiers = breakdown(store, WS, by="tier")
    assert list(tiers["tier"]) == ["nano", "micro", "macro", "mega"]
    assert list(tiers["mentions"]) == [1, 1, 1, 2]
    assert tiers["share_pct"].sum() == pytest.approx(100)


def test_bad_filters(store: DuckDBStore) -> None:
    _fixture(store)
    with pytest.raises(ValueError, match="not both"):
        resolve(store, WS, topic="A", group="brand")
    with pytest.raises(ValueError, match="no topic 'Z'"):
        volume(store, WS, topic="Z")
    with pytest.raises(ValueError, match="no topic in group"):
        volume(store, WS, group="nothing")


def test_scope_describes_itself(store: DuckDBStore) -> None:
    _fixture(store)
    scope = resolve(store, WS, group="brand", since="2025-03-01", until="2025-03-31")
    d = scope.describe()
    assert d["topics"] == ["A"]
    assert d["share_of_voice_topics"] == ["A", "B"]
    assert d["first_day"] == "2025-03-01"
    assert d["last_day"] == "2025-03-31"
    assert d["since"] == "2025-02-28T17:00:00+00:00"
    assert scope.day_aligned
    assert not resolve(store, WS, since="2025-03-01T10:00:00").day_aligned


def test_time_window_for_other_modules() -> None:
    start, end = time_window("2025-03-01", "2025-03-01", "Asia/Ho_Chi_Minh")
    assert start == datetime(2025, 2, 28, 17, tzinfo=UTC)
    assert end == datetime(2025, 3, 1, 17, tzinfo=UTC)
    assert time_window(None, None, "UTC") == (None, None)
    start, _ = time_window(datetime(2025, 3, 1, 9, 30), None, "Asia/Ho_Chi_Minh")
    assert start == datetime(2025, 3, 1, 2, 30, tzinfo=UTC)
    with pytest.raises(ValueError):
        time_window("2025-03-02", "2025-03-01", "UTC")
