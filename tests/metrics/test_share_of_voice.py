"""Share of voice among brand + competitor topics; overlapping mentions count for both."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.metrics.helpers import WS, add, mention, topics
from tinhieu.metrics import share_of_voice, summary, volume
from tinhieu.store import DuckDBStore


def _fixture(store: DuckDBStore) -> None:
    topics(store, {"A": "brand", "B": "competitor", "C": "competitor", "X": "category"})
    rows = [mention(topics=["A"], likes=10) for _ in range(3)]
    rows += [mention(topics=["B"], likes=5) for _ in range(2)]
    rows += [mention(topics=["A", "B"], likes=20)]  # both brands
    rows += [mention(topics=["X"], likes=1000) for _ in range(4)]  # category only
    rows += [mention(topics=["X", "A"])]  # A, no engagement data
    rows += [mention(likes=99)]  # no topic
    add(store, rows)


def test_share_of_voice_counts_overlap_for_both(store: DuckDBStore) -> None:
    _fixture(store)
    sov = share_of_voice(store, WS)
    assert sov.available
    assert sov.topics == ("A", "B", "C")
    rows = sov.table.set_index("topic")
    # A: 3 + 1 (A,B) + 1 (X,A) = 5; B: 2 + 1 = 3; C: 0 → denominator 8 pairs
    assert rows.loc["A", "mentions"] == 5
    assert rows.loc["B", "mentions"] == 3
    assert rows.loc["C", "mentions"] == 0
    assert sov.pairs == 8
    assert rows.loc["A", "share_pct"] == pytest.approx(62.5)
    assert rows.loc["B", "share_pct"] == pytest.approx(37.5)
    assert rows.loc["C", "share_pct"] == pytest.approx(0.0)
    assert sum(sov.table["share_pct"]) == pytest.approx(100.0)
    # interactions: A 30 + 20 = 50, B 10 + 20 = 30 → 80
    assert rows.loc["A", "interactions"] == 50
    assert rows.loc["B", "interactions"] == 30
    assert rows.loc["C", "interactions"] is pd.NA
    assert rows.loc["A", "interactions_share_pct"] == pytest.approx(62.5)
    assert rows.loc["A", "interactions_known"] == 4
    assert sov.distinct_mentions == 7
    assert sov.overlap_mentions == 1
    assert rows.loc["A", "group"] == "brand"
    assert list(sov.table["topic"]) == ["A", "B", "C"]


def test_topic_filter_does_not_narrow_the_set(store: DuckDBStore) -> None:
    _fixture(store)
    sov = share_of_voice(store, WS, group="brand")
    assert sov.pairs == 8
    assert sov.focus == ("A",)
    assert share_of_voice(store, WS, topic="X").focus == ()


def test_custom_topic_set(store: DuckDBStore) -> None:
    _fixture(store)
    sov = share_of_voice(store, WS, topics=["A", "X"], topic="B")
    rows = sov.table.set_index("topic")
    assert rows.loc["A", "mentions"] == 5
    assert rows.loc["X", "mentions"] == 5
    assert sov.overlap_mentions == 1


def test_group_volume_counts_a_mention_once(store: DuckDBStore) -> None:
    _fixture(store)
    assert volume(store, WS, group="competitor").total.value == 3  # B, B, (A,B)
    assert volume(store, WS, topic="A").total.value == 5
    assert volume(store, WS).total.value == 12
    stats = summary(store, WS, group="brand")
    assert stats.volume.total.value == 5
    assert stats.share_of_voice.pairs == 8


def test_no_brand_topics(store: DuckDBStore) -> None:
    topics(store, {"X": "category"})
    add(store, [mention(topics=["X"])])
    sov = share_of_voice(store, WS)
    assert not sov.available
    assert sov.reason == "no brand or competitor topics in this workspace"
    assert sov.to_dict()["rows"] == []


def test_no_mentions_of_brands(store: DuckDBStore) -> None:
    topics(store, {"A": "brand"})
    add(store, [mention()])
    sov = share_of_voice(store, WS)
    assert sov.reason == "no mentions of the brand or competitor topics in scope"
    assert sov.table.loc[0, "share_pct"] is None
