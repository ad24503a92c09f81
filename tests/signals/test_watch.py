"""Streaming mode (tinhieu.signals.watch): the same answers as batch, sooner."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.metrics.helpers import WS, add
from tests.signals.test_alerts_servers import FakeService, slack_answer
from tests.signals.test_engine import OPTS, START, T, _background, _m
from tinhieu.signals.alerts import make_rule, save_rule
from tinhieu.signals.engine import detect_topic
from tinhieu.signals.watch import Watcher
from tinhieu.store import DuckDBStore


def test_hourly_ticks_give_exactly_the_batch_signals(store: DuckDBStore) -> None:
    rows = _background(11)
    burst = START + timedelta(days=10, hours=3)
    rows += [
        _m(burst + timedelta(minutes=7 * i), "bị ngộ độc, đau bụng", sentiment="negative")
        for i in range(5)
    ]
    rows += [
        _m(burst + timedelta(hours=5, seconds=i), "tham gia", spam="giveaway") for i in range(90)
    ]
    add(store, rows)
    t0 = START + timedelta(days=9)
    watcher = Watcher(store, WS, topics=[T], now=t0, options=OPTS)
    streamed = []
    for h in range(1, 3 * 24 + 1):
        streamed += watcher.tick(t0 + timedelta(hours=h), alert=False, deliver=False).signals
    batch = detect_topic(store, WS, T, since=t0, now=t0 + timedelta(days=3), options=OPTS)
    assert batch.signals
    assert sorted(s.id for s in streamed) == sorted(s.id for s in batch.signals)
    assert {s.id: s.severity for s in streamed} == {s.id: s.severity for s in batch.signals}


def test_a_burst_is_alerted_within_the_hour_and_only_once(
    store: DuckDBStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    hour = START + timedelta(days=10, hours=3)
    background = _background(12)

    def arrive(until: datetime) -> None:  # mentions reach the store as time passes
        add(store, [r for r in background if arrived[0] <= r["created_at"] < until])
        arrived[0] = until

    arrived = [START]
    arrive(hour)
    watcher = Watcher(store, WS, topics=[T], now=hour, options=OPTS)
    with FakeService(slack_answer) as slack:
        monkeypatch.setenv("SLACK_URL", slack.url + "/hook")
        save_rule(store, make_rule(WS, "team", channel="slack", target={"url_env": "SLACK_URL"}))
        arrive(hour + timedelta(minutes=5))
        assert watcher.tick(hour + timedelta(minutes=5)).signals == []
        burst = [
            _m(
                hour + timedelta(minutes=10 + i),
                "uống xong bị ngộ độc phải truyền nước",
                sentiment="negative",
            )
            for i in range(4)
        ]
        add(store, burst)
        arrive(hour + timedelta(minutes=16))
        first = watcher.tick(hour + timedelta(minutes=16))
        assert [s.kind for s in first.signals] == ["emerging_term"]
        assert first.sent == 1 and len(slack.requests) == 1
        assert "ngộ độc" in slack.requests[0].body.decode()
        # later ticks, and the hour completing, do not repeat it
        arrive(hour + timedelta(minutes=40))
        assert watcher.tick(hour + timedelta(minutes=40)).signals == []
        arrive(hour + timedelta(minutes=65))
        assert watcher.tick(hour + timedelta(minutes=65)).signals == []
        assert len(slack.requests) == 1
