"""RSS/Atom news and forum feeds end to end against a loopback server."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sources.connectors.conftest import WS, run_one, run_sources, stored_ids
from tests.sources.connectors.fake_feeds import FeedsApp
from tests.sources.connectors.servers import FakeServer, Resp
from tinhieu.sources.connectors.feeds import entry_item, extract_text, html_to_text
from tinhieu.store import DuckDBStore


@pytest.fixture
def feeds() -> Any:
    app = FeedsApp()
    with FakeServer(app) as server:
        app.base = server.url
        yield server, app


def news(server: FakeServer, **extra: Any) -> dict[str, Any]:
    return {"type": "feed", "urls": [f"{server.url}/rss/kinh-doanh.rss"], "batch_size": 7, **extra}


def test_pure_helpers() -> None:
    assert html_to_text("<p>Xin <b>chào</b> &amp; 😀</p><p>hai</p>") == "Xin chào & 😀\nhai"
    text = extract_text(
        __import__("tests.sources.connectors.fake_feeds", fromlist=["article_html"]).article_html(1)
    )
    assert text is not None and "Giá cà phê" in text and "Trang chủ" not in text
    entry = {
        "id": "g1",
        "link": "https://x.vn/a",
        "title": "Tiêu đề",
        "summary": "<p>tóm tắt</p>",
        "published_parsed": (2026, 3, 1, 1, 2, 3, 0, 0, 0),
    }
    item = entry_item(
        entry,
        {"language": "vi-VN"},
        platform="news",
        outlet="Báo X",
        feed_url="https://x.vn/rss",
        text=None,
        language=None,
        collected="2026-03-02T00:00:00+00:00",
    )
    assert item == {
        "platform": "news",
        "kind": "article",
        "source_id": "g1",
        "url": "https://x.vn/a",
        "title": "Tiêu đề",
        "text": "tóm tắt",
        "created_at": "2026-03-01T01:02:03+00:00",
        "language": "vi",
        "author_id": "x.vn",
        "author_name": "Báo X",
        "author_kind": "news",
        "attrs": {"feed": "https://x.vn/rss"},
    }


def test_news_feed_articles_outlet_and_conditional_get(store: DuckDBStore, feeds: Any) -> None:
    server, app = feeds
    result = run_one(store, news(server), {})
    assert result.status == "ok", result.problems
    assert stored_ids(store, "news") == app.article_ids()
    assert result.inserted == app.news and store.check_unique() == 0
    rows = {
        r[0]: r[1:]
        for r in store.fetch_all(
            "SELECT source_id, kind, author_kind, author_name, text, language, attrs "
            "FROM mentions WHERE workspace = ?",
            [WS],
        )
    }
    first = rows[f"{server.url}/kinh-doanh/bai-1.html"]
    assert first[:3] == ("article", "news", "Báo Tin Nhanh - Kinh doanh")
    assert "Giá cà phê tăng mạnh" in first[3] and "Trang chủ" not in first[3]
    assert first[4] == "vi"
    missing = rows[f"{server.url}/kinh-doanh/bai-3.html"]  # article 404: the summary
    assert missing[3] == "Tóm tắt bài 3 😮"
    assert any("bai-3" in w for w in result.warnings)
    undated = rows[f"{server.url}/kinh-doanh/bai-5.html"]
    assert '"time_missing"' in undated[5]
    # second run: the feed answers 304 Not Modified, nothing is fetched
    articles = len(server.requests("/kinh-doanh/"))
    again = run_one(store, news(server), {})
    assert (again.status, again.fetched, again.inserted) == ("ok", 0, 0)
    assert app.not_modified == 1 and len(server.requests("/kinh-doanh/")) == articles
    # a changed feed (new ETag) with two new entries: only those are fetched
    app.etag, app.news = '"v2"', app.news + 2
    more = run_one(store, news(server), {})
    assert (more.fetched, more.inserted) == (2, 2)
    assert len(server.requests("/kinh-doanh/")) == articles + 2


def test_forum_feed_keeps_posters_and_content(store: DuckDBStore, feeds: Any) -> None:
    server, app = feeds
    result = run_one(
        store,
        {
            "type": "feed",
            "platform": "forum",
            "urls": [f"{server.url}/forums/f/diem-bao.33/index.rss"],
        },
        {},
    )
    assert result.status == "ok"
    assert stored_ids(store, "forum") == app.thread_ids()
    rows = store.fetch_all(
        "SELECT kind, author_kind, author_name, text FROM mentions ORDER BY created_at DESC"
    )
    assert rows[0][:3] == ("post", "person", "thanhvien0")
    assert rows[0][3] == "Mọi người thấy trà sữa Mây thế nào? ko ngon như quảng cáo 😤\nThread 0"
    assert not server.requests("/forums/threads")  # forum text comes from the feed


def test_atom_feed(store: DuckDBStore, feeds: Any) -> None:
    server, _ = feeds
    result = run_one(
        store,
        {
            "type": "feed",
            "urls": [f"{server.url}/atom.xml"],
            "extract": False,
            "outlet": "Tin Nhanh",
        },
        {},
    )
    assert result.status == "ok" and result.inserted == 3
    rows = store.fetch_all("SELECT author_name, created_at, text FROM mentions ORDER BY source_id")
    assert rows[0][0] == "Tin Nhanh" and rows[0][2] == "Tóm tắt Atom 0"
    assert rows[0][1].isoformat() == "2026-02-28T17:00:00+00:00"


def test_crash_mid_feed_then_rerun_completes(store: DuckDBStore, feeds: Any) -> None:
    server, app = feeds
    count = []

    def after_ten_articles(req: Any) -> bool:
        if req.path.startswith("/kinh-doanh/"):
            count.append(req)
        return len(count) == 10

    server.kill_when = after_ten_articles
    first = run_one(store, news(server), {})
    assert first.status == "failed" and first.problems[0].kind == "network"
    assert 0 < len(stored_ids(store)) < app.news
    server.down, server.kill_when = False, None
    second = run_one(store, news(server), {})
    assert second.status == "ok"
    assert stored_ids(store) == app.article_ids() and store.check_unique() == 0
    assert second.fetched == app.news - 7  # one batch of 7 was stored before the crash


def test_errors_not_a_feed_404_and_retry(store: DuckDBStore, feeds: Any) -> None:
    server, app = feeds
    server.inject("/rss/", Resp(503, "busy", {"Retry-After": "0"}), Resp(500, "err"))
    results = run_sources(
        store,
        {
            "bad": {"type": "feed", "urls": [f"{server.url}/not-a-feed", f"{server.url}/gone.rss"]},
            "good": news(server),
        },
    )
    bad, good = results
    assert [p.kind for p in bad.problems] == ["bad_response", "not_found"]
    assert good.status == "ok" and good.retries == 2
    assert stored_ids(store) == app.article_ids()
