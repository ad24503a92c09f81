"""The evidence a signal carries (tinhieu.signals.evidence)."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.metrics.helpers import WS, add, mention, topics
from tinhieu.metrics.scope import ScopeError
from tinhieu.signals.evidence import SNIPPET, evidence, term_scores
from tinhieu.signals.model import Evidence, Signal
from tinhieu.store import DuckDBStore

T = "Brand"
OTHER = "Other"


def _local(*args: int) -> datetime:
    """A time on the Ho Chi Minh City wall clock (UTC+7), as an aware UTC datetime."""
    return datetime(*args, tzinfo=UTC) - timedelta(hours=7)


START, END = _local(2025, 3, 10, 10), _local(2025, 3, 10, 11)


def m(**fields: Any) -> dict[str, Any]:
    """A mention of ``Brand`` in the bucket (10:00-11:00 local on 10 March 2025)."""
    fields.setdefault("topics", [T])
    fields.setdefault("created_at", START + timedelta(minutes=10))
    return mention(**fields)


def _ev(store: DuckDBStore, **kwargs: Any) -> Evidence:
    kwargs.setdefault("start", START)
    kwargs.setdefault("end", END)
    return evidence(store, WS, kwargs.pop("topic", T), **kwargs)


def test_top_mentions_by_interactions_then_followers(store: DuckDBStore) -> None:
    long_text = "trà sữa " * 60
    add(
        store,
        [
            m(source_id="a", likes=50, author_followers=10, text="a"),
            m(source_id="b", likes=40, comments=10, author_followers=1000, text="b"),
            m(source_id="c", author_followers=10**6, text="no engagement data"),
            m(source_id="d", likes=10, text=long_text, author_name="Lan", url="https://x/d"),
            m(source_id="e", shares=5, text=None, title="Chỉ có tiêu đề"),
            m(source_id="early", likes=999, created_at=START - timedelta(seconds=1)),
            m(source_id="late", likes=999, created_at=END),  # end is exclusive
            m(source_id="other", likes=999, topics=[OTHER]),
        ],
    )
    ev = _ev(store, limit=5)
    assert [x.source_id for x in ev.mentions] == ["b", "a", "d", "e", "c"]
    assert [x.interactions for x in ev.mentions] == [50, 50, 10, 5, None]
    d = ev.mentions[2]
    assert len(d.text) == SNIPPET and d.text.endswith("…")
    assert d.text[:-1] == long_text[: SNIPPET - 1]
    assert (d.author, d.url, d.platform) == ("Lan", "https://x/d", "facebook")
    assert d.created_at == START + timedelta(minutes=10)
    assert ev.mentions[3].text == "Chỉ có tiêu đề"
    assert ev.platforms == {"facebook": 5}
    assert [x.source_id for x in _ev(store, limit=2).mentions] == ["b", "a"]


def test_top_authors(store: DuckDBStore) -> None:
    add(
        store,
        [
            *[m(author_id="a", author_name="An", author_followers=f) for f in (100, 50, None)],
            *[m(author_id="b", author_followers=5000, author_kind="page") for _ in range(3)],
            m(author_id="c", author_name="Chi", author_kind="person"),
            *[m() for _ in range(5)],  # no author id: not ranked
        ],
    )
    ev = _ev(store)
    assert [(a.name, a.mentions, a.followers, a.kind) for a in ev.authors] == [
        ("b", 3, 5000, "page"),  # no display name: the id
        ("An", 3, 100, None),
        ("Chi", 1, None, "person"),
    ]


def test_platforms_and_platform_filter(store: DuckDBStore) -> None:
    add(
        store,
        [
            *[m(platform="facebook") for _ in range(3)],
            *[m(platform="tiktok", likes=7) for _ in range(2)],
            m(platform="news", kind="article"),
        ],
    )
    assert _ev(store).platforms == {"facebook": 3, "tiktok": 2, "news": 1}
    tiktok = _ev(store, platform="tiktok")
    assert tiktok.platforms == {"tiktok": 2}
    assert {x.platform for x in tiktok.mentions} == {"tiktok"}


def _aspects(*hits: tuple[str, str]) -> str:
    return json.dumps(
        [
            {"aspect": a, "polarity": p, "prob": 0.9, "evidence": "…", "start": 0, "end": 1}
            for a, p in hits
        ]
    )


def test_negative_only_and_aspect(store: DuckDBStore) -> None:
    add(
        store,
        [
            m(source_id="n1", sentiment="negative", spam="none", likes=3),
            m(source_id="n2", sentiment="negative", spam=None),
            m(source_id="n3", sentiment="negative", spam="seeding"),  # flagged: no opinion
            m(source_id="p1", sentiment="positive", likes=100),
            m(source_id="d1", sentiment="positive", aspects=_aspects(("delivery", "negative"))),
            m(
                source_id="d2",
                sentiment="negative",
                aspects=_aspects(("price", "positive"), ("delivery", "positive")),
            ),
            m(source_id="d3", aspects=_aspects(("delivery", "negative")), spam="ad"),
        ],
    )
    neg = _ev(store, negative_only=True)
    assert sorted(x.source_id for x in neg.mentions) == ["d2", "n1", "n2"]
    assert all(x.sentiment == "negative" for x in neg.mentions)
    delivery = _ev(store, aspect="delivery")
    assert delivery.aspect == "delivery"
    assert sorted(x.source_id for x in delivery.mentions) == ["d1", "d2", "d3"]
    bad_delivery = _ev(store, aspect="delivery", negative_only=True)
    assert [x.source_id for x in bad_delivery.mentions] == ["d1"]
    assert _ev(store, aspect="app").mentions == ()


# --- terms -----------------------------------------------------------------------------

BUCKET_TEXTS = [
    "Hôm nay uống trà sữa Brand xong bị đau bụng cả buổi",
    "Cả nhà mình đau bụng sau khi uống Brand, ai bị giống không",
    "Brand ơi, đau bụng quá, trân châu có vấn đề à",
    "Đi ngoài với đau bụng từ tối qua, nghi do ly trà sữa Brand",
    "Bạn mình cũng đau bụng sau khi uống Brand chi nhánh Lê Văn Sỹ",
    "Brand giao hàng nhanh, trà sữa ngon",
    "Trà sữa Brand hôm nay ngọt quá",
]
BASELINE_TEXTS = [
    "Trà sữa Brand ngon, giao hàng nhanh",
    "Brand trân châu dẻo, trà sữa thơm",
    "Mua Brand lần thứ ba rồi, giao hàng nhanh lắm",
    "Trà sữa Brand giá hơi cao nhưng ngon",
    "Nhân viên Brand dễ thương, uống trà sữa ở đây hoài",
]


def test_terms_are_the_over_represented_phrases(store: DuckDBStore) -> None:
    rows = [m(text=t) for t in BUCKET_TEXTS]
    for day in range(1, 7):  # the week before: the usual talk
        rows += [m(text=t, created_at=START - timedelta(days=day, hours=3)) for t in BASELINE_TEXTS]
    # ten days before: a past scare, outside the default 7-day baseline
    rows += [
        m(text=f"Lần trước cũng đau bụng vì Brand, lần {i}", created_at=START - timedelta(days=10))
        for i in range(30)
    ]
    add(store, rows)
    ev = _ev(store)
    assert ev.terms[0] == "đau bụng"
    assert "trà sữa" not in ev.terms and "giao hàng nhanh" not in ev.terms
    assert "brand" not in ev.terms  # in every text, both periods
    # with a baseline that reaches the past scare, stomach aches are not new
    longer = _ev(store, baseline_start=START - timedelta(days=14))
    assert "đau bụng" not in longer.terms


def test_term_scores_formula() -> None:
    bucket = BUCKET_TEXTS
    baseline = BASELINE_TEXTS * 4 + ["Uống Brand bị đau bụng nhẹ"]
    scores = {s.term: s for s in term_scores(bucket, baseline, top=20)}
    s = scores["đau bụng"]
    assert (s.count, s.baseline_count) == (5, 1)
    a, n, b, k = 5, len(bucket), 1, len(baseline)
    lor = math.log((a + 0.5) / (n - a + 0.5)) - math.log((b + 0.5) / (k - b + 0.5))
    se = math.sqrt(1 / (a + 0.5) + 1 / (n - a + 0.5) + 1 / (b + 0.5) + 1 / (k - b + 0.5))
    assert s.log_odds == pytest.approx(lor, abs=1e-4)
    assert s.z == pytest.approx(lor / se, abs=1e-4)
    # equally common in both periods: not a driver
    assert "trà sữa" not in scores
    # the same texts on both sides: nothing stands out
    assert term_scores(bucket, bucket) == []
    # no baseline: the bucket's most frequent phrases
    assert [t.term for t in term_scores(bucket, [], top=2)] == ["brand", "đau bụng"]
    assert term_scores([], baseline) == []


def test_unaccented_baseline_texts_count_for_the_accented_phrase() -> None:
    once = BASELINE_TEXTS * 4 + ["uong brand bi dau bung"]
    scores = {s.term: s for s in term_scores(BUCKET_TEXTS, once, top=20)}
    assert scores["đau bụng"].baseline_count == 1
    often = BASELINE_TEXTS * 2 + ["uong brand bi dau bung"] * 8
    assert "đau bụng" not in [s.term for s in term_scores(BUCKET_TEXTS, often, top=20)]


# --- inputs ----------------------------------------------------------------------------

HOSTILE = '\'; DROP TABLE mentions; -- <script>alert("x")</script> "quoted" \'single\' \\ %s ?'


def test_hostile_text_passes_through_unchanged(store: DuckDBStore) -> None:
    evil_topic = "x'); DROP TABLE mentions; --"
    topics(store, {evil_topic: "brand"})
    add(
        store,
        [
            m(
                topics=[T, evil_topic],
                text=HOSTILE,
                author_id="<b>id</b>",
                author_name="Robert'); DROP TABLE mentions;--",
                url="javascript:alert('x')",
                likes=5,
            ),
            m(topics=[T, evil_topic], text=HOSTILE, likes=1, author_id="<b>id</b>"),
        ],
    )
    for topic in (T, evil_topic):
        ev = _ev(store, topic=topic)
        top = ev.mentions[0]
        assert top.text == HOSTILE
        assert top.author == "Robert'); DROP TABLE mentions;--"
        assert top.url == "javascript:alert('x')"
        assert ev.authors[0].name == "Robert'); DROP TABLE mentions;--"
        assert ev.authors[0].mentions == 2
    assert _ev(store, platform="facebook' OR '1'='1").mentions == ()
    assert _ev(store, aspect="x' OR 1=1 --").mentions == ()
    assert store.count_mentions(WS) == 2
    # the evidence serialises inside a signal
    sig = Signal(
        workspace=WS,
        topic=evil_topic,
        kind="volume_spike",
        measure="volume",
        grain="hour",
        bucket_start=START,
        bucket_end=END,
        observed=2,
        baseline=0,
        deviation=5,
        severity=3,
        evidence=_ev(store, topic=evil_topic),
    )
    again = Signal.from_dict(json.loads(json.dumps(sig.to_dict(), ensure_ascii=False)))
    assert again.evidence.mentions[0].text == HOSTILE


def test_bad_arguments(store: DuckDBStore) -> None:
    with pytest.raises(ScopeError, match="no topic"):
        _ev(store, topic="Nope")
    with pytest.raises(ScopeError):
        _ev(store, start=END, end=START)
    with pytest.raises(ScopeError, match="baseline_start"):
        _ev(store, baseline_start=END)


def test_empty_bucket(store: DuckDBStore) -> None:
    ev = _ev(store)
    assert ev == Evidence(platforms={})
    assert _ev(store, limit=0).mentions == ()


def test_dates_are_local_days(store: DuckDBStore) -> None:
    add(
        store,
        [
            m(source_id="in", created_at=_local(2025, 3, 10, 0, 5)),
            m(source_id="out", created_at=_local(2025, 3, 9, 23, 55)),
        ],
    )
    ev = _ev(store, start="2025-03-10", end="2025-03-10")  # the whole local day
    assert [x.source_id for x in ev.mentions] == ["in"]


def test_fragments_of_listed_terms_are_dropped() -> None:
    from tinhieu.signals.evidence import drop_fragments

    terms = ["mùi", "nguyên liệu đi", "nguyên", "lạ", "liệu", "mùi lạ"]
    assert drop_fragments(terms) == ["nguyên liệu đi", "mùi lạ"]
    assert drop_fragments(["giao hàng", "hàng giả"]) == ["giao hàng", "hàng giả"]
