"""Emerging terms: phrases that burst day by day (tinhieu.signals.terms)."""

from __future__ import annotations

from datetime import date, timedelta

from tests.metrics.helpers import WS, add
from tests.signals.test_engine import OPTS, START, T, _background, _m
from tinhieu.signals.engine import detect_topic
from tinhieu.signals.terms import MIN_COUNT, bursts, day_terms
from tinhieu.store import DuckDBStore

ORDINARY = [
    "hôm nay ghé quán uống trà đào",
    "nhân viên dễ thương, quán sạch",
    "giá hơi cao nhưng đồ uống ngon",
    "ship hơi lâu mà vẫn nóng",
]


def _days(burst_day: int, texts: list[str], days: int = 20) -> list:
    out = []
    for d in range(days):
        day = date(2025, 3, 1) + timedelta(days=d)
        extra = texts if d == burst_day else []
        out.append(day_terms(day, ORDINARY * 10 + extra))
    return out


def test_a_new_phrase_bursts_and_ordinary_talk_does_not() -> None:
    planted = ["trân châu hoàng kim bị hôi"] * 6 + ["tran chau hoang kim bi hoi"] * 6
    days = _days(15, planted)
    assert all(bursts(days, i) == [] for i in range(20) if i != 15)
    found = bursts(days, 15)
    assert found and found[0].count >= MIN_COUNT and found[0].baseline_count == 0
    # one phrase for the accented and the unaccented spelling, not two
    assert len({f.term for f in found if "hoàng kim" in f.term or "hoang kim" in f.term}) == 1


def test_too_few_texts_or_too_little_history_is_no_burst() -> None:
    assert bursts(_days(15, ["trân châu hoàng kim bị hôi"] * (MIN_COUNT - 1)), 15) == []
    assert bursts(_days(2, ["trân châu hoàng kim bị hôi"] * 12), 2) == []  # 2 days before


def test_emerging_phrase_is_a_signal_with_quotes(store: DuckDBStore) -> None:
    rows = _background(21)
    day = START + timedelta(days=10, hours=2)
    before = ["hôm nay uống", "mới thử", "ai thấy", "ly của mình", "quán bán", "đơn này",
              "tối qua", "em gọi", "bạn mình uống", "chiều nay", "cả nhà", "lần này"]  # fmt: skip
    after = ["ghê quá", "thật sự", "không ai chịu", "luôn á", "nha mọi người", "đến sợ",
             "cả ngày", "khó chịu", "rõ lắm", "ai cũng thấy", "từ sáng", "bỏ luôn"]  # fmt: skip
    pairs = list(zip(before, after, strict=True)) + list(
        zip(before, after[6:] + after[:6], strict=True)
    )
    rows += [  # 24 complaints, each worded its own way around the new phrase
        _m(day + timedelta(minutes=7 * i), f"{p} mùi khét {q}") for i, (p, q) in enumerate(pairs)
    ]
    add(store, rows)
    report = detect_topic(
        store, WS, T, since=START + timedelta(days=9), now=START + timedelta(days=12), options=OPTS
    )
    terms = [s for s in report.signals if s.dimension == "term"]
    assert terms, [(s.kind, s.dimension_value) for s in report.signals]
    sig = terms[0]
    assert sig.dimension_value == "mùi khét"
    assert sig.observed >= MIN_COUNT and sig.window == 24
    assert sig.severity <= 5  # neutral texts: buzz, capped
    assert sig.evidence.mentions and all("mùi khét" in m.text for m in sig.evidence.mentions)


def test_negative_share_of_a_phrase() -> None:
    texts = ["mùi khét quá trời", "mùi khét kinh", "ly này mùi khét nhẹ", "mùi khét ổn mà"]
    day = day_terms(date(2025, 3, 1), texts, [True, True, True, False])
    assert day.negative_share("mùi khét", 4) == 0.75
    assert day.negative_share("mui khet", 4) == 0.75  # typed without diacritics
