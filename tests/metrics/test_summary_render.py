"""The assembled report: JSON-serialisable, and readable in Vietnamese and English."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tests.metrics.helpers import WS, add, mention, topics
from tinhieu.metrics import render_text, summary
from tinhieu.store import DuckDBStore


def _fixture(store: DuckDBStore) -> None:
    topics(store, {"Sữa A": "brand", "B": "competitor"})
    add(
        store,
        [
            mention(
                topics=["Sữa A"],
                author_id="p1",
                author_name="Trang Sữa",
                likes=1200,
                comments=34,
                author_followers=250_000,
                sentiment="positive",
                spam="none",
                text="Sữa ngon, giao hàng nhanh",
            ),
            mention(
                topics=["Sữa A"],
                kind="comment",
                author_id="u2",
                likes=3,
                sentiment="negative",
                spam="giveaway",
                created_at=datetime(2025, 3, 3, 23, 30, tzinfo=UTC),
            ),
            mention(
                topics=["B"],
                platform="tiktok",
                kind="video",
                author_id="t1",
                likes=50,
                author_followers=1_500_000,
                reach=90_000,
            ),
        ],
    )


def test_summary_to_dict_is_json(store: DuckDBStore) -> None:
    _fixture(store)
    stats = summary(store, WS, group="brand")
    d = stats.to_dict()
    text = json.dumps(d, ensure_ascii=False)
    assert json.loads(text)["volume"]["total"]["value"] == 2
    assert set(d) >= {
        "scope",
        "volume",
        "interactions",
        "reach",
        "engagement_rate",
        "net_sentiment",
        "quality_engagement",
        "vanity_share",
        "share_of_voice",
        "top_authors",
        "top_posts",
        "by_day",
        "by_hour",
        "busiest_days",
        "sources",
    }
    er = d["engagement_rate"]["by_followers"]
    assert er["denominator"] == "author_followers"
    assert er["value"] == 1234 / 250_000 * 100
    assert er["n"] == 1
    assert d["net_sentiment"]["value"] == 0.0  # one positive, one negative
    assert d["vanity_share"]["value"] == 3 / 1237 * 100
    assert d["top_authors"]["by_mentions"][0]["tier"] == "micro"
    assert d["top_authors"]["tiers"] == {
        "nano": 0,
        "micro": 10000,
        "macro": 300000,
        "mega": 1000000,
    }
    assert d["by_day"][-1]["day"] == "2025-03-04"  # 23:30 UTC is the next day locally
    assert d["share_of_voice"]["focus"] == ["Sữa A"]
    assert d["scope"]["group"] == "brand"


def test_render_vietnamese_and_english(store: DuckDBStore) -> None:
    _fixture(store)
    stats = summary(store, WS)
    vi = render_text(stats)
    assert "Lượng đề cập (buzz)" in vi
    assert "1.287" in vi  # interactions with a Vietnamese thousands separator
    assert "Thị phần thảo luận" in vi
    assert "Trang Sữa" in vi
    en = render_text(stats, lang="en")
    assert "Volume (buzz)" in en
    assert "1,287" in en
    assert "Share of voice" in en
    assert "Σ interactions / Σ author_followers × 100" in en


def test_render_not_available(store: DuckDBStore) -> None:
    add(store, [mention(likes=1)])
    vi = render_text(summary(store, WS))
    assert "chưa có — chưa phân tích cảm xúc" in vi
    en = summary(store, WS).render(lang="en")
    assert "not available — sentiment has not been analysed" in en
    assert "(none)" in en  # no brand topics: no share of voice rows / top lists


def test_every_formula_has_a_vietnamese_rendering() -> None:
    import importlib

    from tinhieu.metrics.render import _FORMULAS_VI

    engagement, quality, sentiment, volume = (
        importlib.import_module(f"tinhieu.metrics.{m}")
        for m in ("engagement", "quality", "sentiment", "volume")
    )

    formulas = [
        engagement.INTERACTIONS_FORMULA,
        engagement.REACH_FORMULA,
        *engagement.ER_FORMULAS.values(),
        *engagement.ER_MEAN_FORMULAS.values(),
        quality.QUALITY_FORMULA,
        quality.VANITY_FORMULA,
        sentiment.FORMULA,
        volume.FORMULA,
    ]
    assert all(f in _FORMULAS_VI and _FORMULAS_VI[f] != f for f in formulas)
