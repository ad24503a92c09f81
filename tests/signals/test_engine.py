"""Signals from planted situations in small stores (tinhieu.signals.engine)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from tests.metrics.helpers import WS, add, mention
from tinhieu.signals.engine import (
    DetectOptions,
    TopicMonitor,
    detect_topic,
    load_signals,
    save_signals,
    severity,
)
from tinhieu.signals.model import Signal
from tinhieu.store import DuckDBStore

T = "Brand"  # the topic of the `store` fixture in conftest.py
START = datetime(2025, 3, 1, 17, 0, tzinfo=UTC)  # 2 March 00:00 in Ho Chi Minh City
DAYS = 12
NOW = START + timedelta(days=DAYS)
OPTS = DetectOptions(history_days=9)
SINCE = START + timedelta(days=9)  # signals are reported for the last three days


def _m(at: datetime, text: str = "ghé quán uống thử", **fields: Any) -> dict[str, Any]:
    fields.setdefault("sentiment", "neutral")
    fields.setdefault("spam", "none")
    fields.setdefault("author_id", f"a{hash((at, text)) % 500}")
    return mention(created_at=at, text=text, topics=[T], **fields)


def _background(seed: int = 0, rate: float = 6.0, negative: float = 0.15) -> list[dict[str, Any]]:
    """Ordinary talk: a daily rhythm, a steady negative share."""
    rng = np.random.default_rng(seed)
    rows = []
    for h in range(DAYS * 24):
        hour = START + timedelta(hours=h)
        local = (h % 24) / 24
        lam = rate * (0.4 + 1.2 * np.sin(np.pi * local) ** 2)
        for k in range(int(rng.poisson(lam))):
            at = hour + timedelta(minutes=int(rng.integers(0, 60)), seconds=k)
            sent = "negative" if rng.random() < negative else "positive"
            rows.append(_m(at, "trà sữa ở đây uống cũng được", sentiment=sent))
    return rows


def _detect(store: DuckDBStore) -> list[Signal]:
    return detect_topic(store, WS, T, since=SINCE, now=NOW, options=OPTS).signals


def test_quiet_topic_raises_nothing_serious(store: DuckDBStore) -> None:
    add(store, _background())
    serious = [s for s in _detect(store) if s.severity >= 5]
    assert serious == []


def test_first_health_complaints_are_an_emerging_risk(store: DuckDBStore) -> None:
    rows = _background(1)
    burst = START + timedelta(days=10, hours=3)  # 10:00 local on day 11
    hostile = 'Nghi bị ngộ độc sau khi uống, "><script>alert(1)</script>'
    rows += [
        _m(burst, hostile, sentiment="negative", author_id="x1"),
        _m(burst + timedelta(minutes=20), "uống xong bị đau bụng cả đêm", sentiment="negative"),
        _m(burst + timedelta(minutes=50), "ai uống cũng bị tào tháo rượt ko", sentiment="negative"),
    ]
    add(store, rows)
    report = detect_topic(store, WS, T, since=SINCE, now=NOW, options=OPTS)
    risk = [s for s in report.signals if s.kind == "emerging_term"]
    assert risk, [(s.kind, s.severity) for s in report.signals]
    first = risk[0]
    assert first.dimension == "risk" and first.dimension_value == "health"
    assert first.severity >= 5
    assert burst <= first.bucket_start < burst + timedelta(hours=2)
    assert {"ngộ độc", "đau bụng", "tào tháo"} & set(first.evidence.terms)
    # the quoted mentions are the ones carrying the risk, hostile text kept verbatim
    assert all(
        "ngộ độc" in m.text or "đau" in m.text or "tào" in m.text for m in first.evidence.mentions
    )
    assert any(m.text == hostile for m in first.evidence.mentions)
    # and the topic starts smouldering within hours
    after = [r for r in report.stages if r.at > burst]
    assert any(r.stage == "smouldering" for r in after[:6])


def test_a_giveaway_flood_is_vanity_not_a_crisis(store: DuckDBStore) -> None:
    rows = _background(2)
    flood = START + timedelta(days=10, hours=5)
    rows += [
        _m(flood + timedelta(seconds=20 * i), f"tham gia, tag @bạn{i}", spam="giveaway")
        for i in range(120)
    ]
    add(store, rows)
    found = _detect(store)
    spikes = [s for s in found if s.measure == "volume" and s.bucket_start >= flood]
    assert spikes and spikes[0].kind == "vanity_spike"
    assert spikes[0].severity <= 3
    assert not [s for s in found if s.kind in ("negative_shift", "emerging_term")]


def test_negative_shift_with_flat_volume(store: DuckDBStore) -> None:
    rows = [r for r in _background(3, rate=10) if r["created_at"] < START + timedelta(days=10)]
    rng = np.random.default_rng(9)
    for h in range(10 * 24, DAYS * 24):
        hour = START + timedelta(hours=h)
        for k in range(10):
            sent = "negative" if rng.random() < 0.7 else "positive"
            rows.append(
                _m(hour + timedelta(minutes=5 * k), "dạo này uống thấy chán", sentiment=sent)
            )
    add(store, rows)
    found = _detect(store)
    shifts = [s for s in found if s.kind == "negative_shift"]
    assert shifts
    assert shifts[0].bucket_start < START + timedelta(days=10, hours=6)
    assert shifts[0].observed > shifts[0].baseline + 0.2


def test_news_joining_is_an_escalation(store: DuckDBStore) -> None:
    rows = _background(4)
    at = START + timedelta(days=10, hours=4)
    rows += [
        _m(
            at + timedelta(minutes=3 * i),
            "Chuỗi trà sữa bị phản ánh",
            author_kind="news",
            author_id=f"news{i}",
            platform="news",
            sentiment="negative",
        )
        for i in range(8)
    ]
    add(store, rows)
    esc = [s for s in _detect(store) if s.kind == "escalation"]
    assert esc and esc[0].evidence.authors


def test_a_collection_gap_is_not_a_drop_or_a_spike(store: DuckDBStore) -> None:
    rows = _background(5, rate=20)
    gap_from = START + timedelta(days=10, hours=2)
    rows = [r for r in rows if not gap_from <= r["created_at"] < gap_from + timedelta(hours=5)]
    add(store, rows)
    found = [s for s in _detect(store) if gap_from - timedelta(hours=1) <= s.bucket_start]
    assert not [
        s for s in found if s.severity >= 4 and s.bucket_start < gap_from + timedelta(hours=8)
    ]


def test_signals_are_stored_once_and_read_back(store: DuckDBStore) -> None:
    rows = _background(6)
    burst = START + timedelta(days=10, hours=3)
    rows += [
        _m(burst + timedelta(minutes=9 * i), "bị ngộ độc rồi", sentiment="negative")
        for i in range(4)
    ]
    add(store, rows)
    found = _detect(store)
    assert save_signals(store, found) == len(found) > 0
    assert save_signals(store, found) == 0  # re-detecting the same buckets adds nothing
    back = load_signals(store, WS, topic=T)
    assert {s.id for s in back} == {s.id for s in found}
    assert back[0].severity == max(s.severity for s in found)
    assert back[0] == next(s for s in found if s.id == back[0].id)


def test_severity_formula() -> None:
    assert severity("volume_spike", 4.0, 12, 10) == 1
    assert severity("volume_spike", 8.0, 12, 10) == 4
    assert severity("volume_spike", 8.0, 40, 10) == 5  # ≥ 3× the baseline
    assert severity("volume_spike", 8.0, 40, 10, stage="outbreak") == 6
    assert severity("vanity_spike", 16.0, 400, 10) == 3  # capped
    assert severity("volume_spike", 16.0, 400, 10, calm=True) == 5  # buzz, not a crisis
    assert severity("volume_spike", 16.0, 400, 10, calm=True, stage="outbreak") == 10
    assert severity("emerging_term", 30.0, 50, 0.1, bonus=2) == 10


def test_a_burst_in_the_current_hour_is_caught_before_the_hour_ends() -> None:
    from tinhieu.signals.engine import BucketRow

    mon = TopicMonitor(T)
    t = START
    rng = np.random.default_rng(0)
    for _ in range(24 * 8):
        n = float(rng.poisson(8))
        mon.step(BucketRow(t, t + timedelta(hours=1), mentions=n, analysed=n, negative=1))
        t += timedelta(hours=1)
    partial = BucketRow(
        t,
        t + timedelta(hours=1),
        mentions=40,
        analysed=40,
        negative=5,
        complete=False,
        fraction=0.25,
    )
    fired = mon.step(partial)
    assert [c.kind for c in fired] == ["volume_spike"]
    # the completed hour does not fire the same bucket twice
    done = BucketRow(t, t + timedelta(hours=1), mentions=60, analysed=60, negative=6)
    assert [c for c in mon.step(done) if c.kind == "volume_spike"] == []


def test_one_platform_surging_alone_is_its_own_spike(store: DuckDBStore) -> None:
    rows = _background(7, rate=30)  # Facebook carries the topic
    rng = np.random.default_rng(3)
    for h in range(DAYS * 24):  # a trickle on TikTok
        if rng.random() < 0.5:
            rows.append(_m(START + timedelta(hours=h, minutes=30), "video mới", platform="tiktok"))
    surge = START + timedelta(days=10, hours=4)
    rows += [
        _m(surge + timedelta(minutes=2 * i), f"trend #{i}", platform="tiktok") for i in range(25)
    ]
    add(store, rows)
    found = _detect(store)
    tiktok = [s for s in found if s.dimension == "platform"]
    assert [s.dimension_value for s in tiktok] == ["tiktok"]
    assert surge <= tiktok[0].bucket_start < surge + timedelta(hours=2)
    assert tiktok[0].evidence.platforms == {"tiktok": tiktok[0].evidence.platforms["tiktok"]}
    assert not [
        s for s in found if s.measure == "volume" and s.dimension is None and s.severity >= 4
    ]
