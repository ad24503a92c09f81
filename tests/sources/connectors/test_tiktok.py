"""TikTok Research API (client token, video query with cursor + search_id in 30-day
windows, comment list) end to end against a loopback stand-in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.sources.connectors.conftest import everything_text, run_one, stored_ids
from tests.sources.connectors.fake_tiktok import (
    ENV,
    KEY,
    SECRET,
    TikTokApp,
    error,
    expected_ids,
    make_videos,
)
from tests.sources.connectors.posting import PostReq, PostServer
from tests.sources.connectors.servers import FakeServer
from tinhieu.sources.connectors.tiktok import comment_item, query_body, video_item, windows
from tinhieu.store import DuckDBStore


def spec(server: FakeServer, **extra: Any) -> dict[str, Any]:
    return {
        "type": "tiktok",
        "keywords": ["trà sữa", "giao hàng"],
        "hashtags": ["#trasua"],
        "client_key_env": "TT_KEY",
        "client_secret_env": "TT_SECRET",
        "base_url": server.url,
        **extra,
    }


@pytest.fixture
def tiktok() -> Any:
    app = TikTokApp(make_videos(11))
    with PostServer(app) as server:
        yield server, app


def test_mapping_query_and_windows() -> None:
    video = make_videos(4)[3]
    item = video_item(video)
    assert item["url"] == f"https://www.tiktok.com/@kenh_3/video/{video['id']}"
    assert (item["views"], item["likes"], item["comments"], item["shares"]) == (3000, 30, 4, 3)
    assert item["author_id"] == "kenh_3" and "author_followers" not in item
    assert item["created_at"] == video["create_time"] and item["kind"] == "video"
    assert item["attrs"]["region_code"] == "VN"
    top = comment_item(video["_comments"][0], str(video["id"]))
    reply = comment_item(video["_comments"][-1], str(video["id"]))
    assert top["kind"] == "comment" and top["parent_id"] == str(video["id"])
    assert reply["kind"] == "reply" and reply["parent_id"] == str(video["_comments"][0]["id"])
    assert "author_id" not in top  # the Research API gives no comment author
    query = query_body(["trà sữa"], ["#trasua"], ["VN"])
    assert query["or"][1] == {
        "operation": "IN",
        "field_name": "hashtag_name",
        "field_values": ["trasua"],
    }
    assert query["and"][0]["field_values"] == ["VN"]
    cut = windows(date(2024, 1, 1), date(2024, 3, 5))
    assert cut[0] == (date(2024, 1, 1), date(2024, 1, 30))
    assert cut[-1][1] == date(2024, 3, 5) and len(cut) == 3
    assert all((b - a).days <= 29 for a, b in cut)


def test_collects_every_page_and_comment_once(store: DuckDBStore, tiktok: Any) -> None:
    server, app = tiktok
    result = run_one(store, spec(server), ENV)
    assert result.status == "ok", result.problems
    assert stored_ids(store, "tiktok") == app.served == expected_ids(app.videos)
    assert result.fetched == len(expected_ids(app.videos))
    queries = server.requests("/v2/research/video/query/")
    assert len(queries) == 3  # 4 + 4 + 3 videos
    bodies = [q.json() for q in queries if isinstance(q, PostReq)]
    assert "search_id" not in bodies[0] and bodies[1]["search_id"] == bodies[2]["search_id"]
    assert [b["cursor"] for b in bodies] == [0, 4, 8]
    assert len(app.tokens) == 1
    again = run_one(store, spec(server), ENV)
    assert again.status == "ok" and again.inserted == 0
    # the second run starts from the last collected day less the look-back (2 days)
    last = app.windows[-1]
    today = datetime.now(UTC).date()
    assert last[0] == (today - timedelta(days=2)).strftime("%Y%m%d")


def test_long_backfill_walks_30_day_windows(store: DuckDBStore) -> None:
    app = TikTokApp(make_videos(9, days=50))
    with PostServer(app) as server:
        result = run_one(store, spec(server, backfill_days=60, comments=False), ENV)
    assert result.status == "ok", result.problems
    assert stored_ids(store) == {str(v["id"]) for v in app.videos}
    starts = sorted({w for w in app.windows})
    assert len(starts) == 3  # 61 days in windows of ≤ 30


def test_errors_quota_expired_token_and_access(store: DuckDBStore, tiktok: Any) -> None:
    server, app = tiktok
    server.inject(
        "/v2/research/video/query/",
        error(429, "daily_quota_limit_exceeded", "API daily quota limit exceeded."),
    )
    quota = run_one(store, spec(server), ENV)
    assert [p.kind for p in quota.problems] == ["quota"]
    assert "00:00 UTC" in quota.problems[0].detail and "log_id" in quota.problems[0].detail
    server.inject(
        "/v2/research/video/query/",
        error(403, "scope_not_authorized", "The user did not authorize the scope required."),
    )
    denied = run_one(store, spec(server), ENV)
    assert denied.problems[0].kind == "permission"
    # the token expires mid-run: a new one is fetched and the call repeated
    server.inject(
        "/v2/research/video/comment/list/",
        error(401, "access_token_invalid", "The access token is invalid or not found"),
    )
    server.inject("/v2/research/video/query/", error(500, "internal_error", "Something broke"))
    ok = run_one(store, spec(server), ENV)
    assert ok.status == "ok" and ok.retries == 1
    assert stored_ids(store) == expected_ids(app.videos)
    bad = run_one(store, spec(server), {"TT_KEY": KEY, "TT_SECRET": "wrong-secret-value"})
    assert bad.problems[0].kind == "auth" and "client_secret_env" in bad.problems[0].detail
    text = everything_text(store, [quota, denied, ok, bad])
    assert SECRET not in text and "wrong-secret-value" not in text
    assert not any(t in text for t in app.tokens)


def test_crash_resumes_with_cursor_and_search_id(store: DuckDBStore, tiktok: Any) -> None:
    server, app = tiktok
    server.kill_when = lambda req: len(server.requests("/v2/research/video/query/")) == 2
    first = run_one(store, spec(server), ENV)
    assert first.status == "failed" and first.problems[0].kind == "network"
    server.down, server.kill_when = False, None
    before = len(server.requests("/v2/research/video/query/"))
    second = run_one(store, spec(server), ENV)
    assert second.status == "ok"
    resumed = server.requests("/v2/research/video/query/")[before]
    assert isinstance(resumed, PostReq) and resumed.json()["cursor"] == 4
    assert resumed.json()["search_id"].startswith("sid-")
    assert stored_ids(store) == expected_ids(app.videos) and store.check_unique() == 0
