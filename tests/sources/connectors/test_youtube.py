"""YouTube Data API connector end to end against a loopback stand-in."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from tests.sources.connectors.conftest import WS, everything_text, run_one, stored_ids
from tests.sources.connectors.fake_youtube import KEY, YouTubeApp, ids, make_videos, quota_exceeded
from tests.sources.connectors.servers import FakeServer, Resp
from tinhieu.sources.connectors.youtube import COSTS, comment_item, thread_items, video_item
from tinhieu.store import DuckDBStore

FIXTURES = Path(__file__).parent / "fixtures"
ENV = {"YT_KEY": KEY}


def spec(server: FakeServer, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "youtube",
        "queries": ["trà sữa"],
        "key_env": "YT_KEY",
        "base_url": server.url,
        "flush_items": 5,
    }
    out.update(extra)
    return out


@pytest.fixture
def yt() -> Any:
    app = YouTubeApp(make_videos(9), page_size=3)
    with FakeServer(app) as server:
        yield server, app


def test_documented_resources_map_field_by_field() -> None:
    videos = json.loads((FIXTURES / "youtube_videos.json").read_text("utf-8"))
    channel = {
        "id": "UCchan0",
        "statistics": {"subscriberCount": "25300", "hiddenSubscriberCount": False},
    }
    item = video_item(videos["items"][0], channel)
    assert item == {
        "platform": "youtube",
        "kind": "video",
        "source_id": "vid0000xyz",
        "url": "https://www.youtube.com/watch?v=vid0000xyz",
        "author_id": "UCchan0",
        "author_name": "Kênh Trà Mây",
        "author_kind": "page",
        "author_followers": 25300,
        "title": "Review trà sữa Mây 🧋 có ngon như lời đồn?",
        "text": "Mô tả 🎬",
        "language": "vi",
        "created_at": "2026-03-01T12:00:00Z",
        "views": 1234,
        "likes": 56,
        "comments": 7,
        "attrs": {"categoryId": "22", "tags": ["review", "trà sữa"]},
    }
    hidden = video_item(videos["items"][1], {"statistics": {"hiddenSubscriberCount": True}})
    assert "likes" not in hidden and "comments" not in hidden and "author_followers" not in hidden
    threads = json.loads((FIXTURES / "youtube_comment_threads.json").read_text("utf-8"))
    items, more = thread_items(threads["items"][0], "vid0000xyz")
    assert more is True  # 3 replies, 1 inline: comments.list will read all 3
    (top,) = items
    assert top["kind"] == "comment" and top["parent_id"] == "vid0000xyz" and top["comments"] == 3
    assert top["text"] == "Ngon lắm 😋\nsẽ quay lại"
    assert top["author_id"] == "UCviewer01" and top["likes"] == 2
    threads["items"][0]["snippet"]["totalReplyCount"] = 1
    (top, reply), more = thread_items(threads["items"][0], "vid0000xyz")
    assert more is False
    assert reply["kind"] == "reply" and reply["parent_id"] == top["source_id"]
    assert (
        comment_item({"id": "x", "snippet": {"publishedAt": "2026-03-01T00:00:00Z"}}, "v")[
            "parent_id"
        ]
        == "v"
    )


def test_collects_search_videos_comments_and_replies_exactly(store: DuckDBStore, yt: Any) -> None:
    server, app = yt
    expected = ids(app.videos)
    result = run_one(store, spec(server), ENV)
    assert result.status == "ok", result.problems
    assert stored_ids(store, "youtube") == expected == app.served
    assert store.check_unique() == 0
    # quota: what we counted is what the server counted, and the ledger keeps it
    assert result.quota_used == app.units
    searches = len(server.requests("/search"))
    assert searches == 3 and result.quota_used >= searches * COSTS["search"]
    ledger = store.fetch_all("SELECT state FROM source_state WHERE query = '@quota'")
    assert json.loads(ledger[0][0])["used"] == app.units
    # re-run: nothing new inserted; without look-back nothing but one search is fetched
    again = run_one(store, spec(server), ENV)
    assert again.status == "ok" and again.inserted == 0
    quiet = run_one(store, spec(server, lookback_days=0), ENV)
    assert (quiet.fetched, quiet.inserted, quiet.quota_used) == (0, 0, 100)
    rows = dict(
        store.fetch_all(
            "SELECT source_id, views FROM mentions WHERE kind = 'video' AND workspace = ?", [WS]
        )
    )
    assert rows["vid0000xyz"] == 1000


def test_stops_cleanly_before_the_daily_budget_and_resumes(store: DuckDBStore, yt: Any) -> None:
    server, app = yt
    first = run_one(store, spec(server, daily_quota=150), ENV)
    assert first.status == "partial" and first.errors == 0
    assert [p.kind for p in first.problems] == ["budget"]
    assert first.quota_used <= 150
    assert len(server.requests("/search")) == 1  # the second search (100) would pass 150
    # the same day, the budget is spent: nothing is called
    before = len(server.log)
    blocked = run_one(store, spec(server, daily_quota=150), ENV)
    assert blocked.status == "partial" and len(server.log) == before
    # a bigger budget resumes from the saved page token and completes, no duplicates
    done = run_one(store, spec(server, daily_quota=10_000), ENV)
    assert done.status == "ok"
    assert stored_ids(store) == ids(app.videos)
    assert "pageToken" in server.requests("/search")[1].query


def test_crash_then_rerun_has_no_duplicates(store: DuckDBStore, yt: Any) -> None:
    server, app = yt
    calls = []

    def after_two_searches(req: Any) -> bool:
        calls.append(req.path)
        return calls.count("/search") == 2

    server.kill_when = after_two_searches
    first = run_one(store, spec(server), ENV)
    assert first.status == "failed" and first.problems[0].kind == "network"
    server.down, server.kill_when = False, None
    second = run_one(store, spec(server), ENV)
    assert second.status == "ok"
    assert stored_ids(store) == ids(app.videos)
    assert store.check_unique() == 0


def test_quota_exceeded_bad_key_and_transient_errors(
    store: DuckDBStore, yt: Any, caplog: pytest.LogCaptureFixture
) -> None:
    server, app = yt
    caplog.set_level(logging.DEBUG)
    server.inject("/search", quota_exceeded())
    result = run_one(store, spec(server), ENV)
    assert [p.kind for p in result.problems] == ["quota"]
    assert "Pacific" in result.problems[0].detail
    bad = run_one(store, spec(server), {"YT_KEY": "AIzaWRONGkey000"})
    assert bad.problems[0].kind == "auth" and "key_env" in bad.problems[0].detail
    server.inject(
        "/search",
        Resp(
            429,
            {
                "error": {
                    "code": 429,
                    "message": "rate",
                    "errors": [{"reason": "rateLimitExceeded"}],
                }
            },
            {"Retry-After": "0"},
        ),
    )
    server.inject("/commentThreads", Resp(500, "backend"), Resp(503, "again"))
    ok = run_one(store, spec(server), ENV)
    assert ok.status == "ok" and ok.retries == 3
    assert stored_ids(store) == ids(app.videos)
    assert KEY not in everything_text(store, [result, bad, ok]) and KEY not in caplog.text
    assert all("key" not in r.query for r in server.log)


def test_channel_query(store: DuckDBStore, yt: Any) -> None:
    server, app = yt
    result = run_one(store, spec(server, queries=[], channels=["UCchan1"]), ENV)
    assert result.status == "ok"
    videos = {r[0] for r in store.fetch_all("SELECT source_id FROM mentions WHERE kind='video'")}
    assert videos == {v.id for v in app.videos if v.channel == "UCchan1"}
    followers = store.fetch_all(
        "SELECT DISTINCT author_followers FROM mentions WHERE kind = 'video'"
    )
    assert followers == [(25300,)]
