"""TikTok Research API (client token, video query with cursor + search_id in 30-day
windows, comment list) end to end against a loopback stand-in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.sources.connectors.conftest import everything_text, run_one, stored_ids
from tests.sources.connectors.posting import PostReq, PostServer
from tests.sources.connectors.servers import FakeServer, Req, Resp
from tinhieu.sources.connectors.tiktok import comment_item, query_body, video_item, windows
from tinhieu.store import DuckDBStore

KEY = "awfakeclientkey0123"
SECRET = "TikTokFakeClientSecret_9f8e7d6c5b4a"
ENV = {"TT_KEY": KEY, "TT_SECRET": SECRET}
DESCRIPTIONS = ["Review trà sữa Mây 🧋 #trasua", "Giao hàng chậm quá 😤", "Unboxing 📱 #review"]


def make_videos(n: int, days: int = 6) -> list[dict[str, Any]]:
    now = datetime.now(UTC).replace(microsecond=0)
    out = []
    for i in range(n):
        at = now - timedelta(days=days * i / max(1, n - 1), hours=1)
        vid = 7_300_000_000_000_000_000 + i
        comments = [
            {
                "id": vid * 10 + j,
                "video_id": vid,
                "text": f"Bình luận {j} 👍",
                "like_count": j,
                "reply_count": 1 if j == 0 and i % 2 else 0,
                "parent_comment_id": vid,
                "create_time": int(at.timestamp()) + 60 * j,
            }
            for j in range(i % 4)
        ]
        if i % 2 and comments:
            comments.append(
                {
                    "id": vid * 10 + 9,
                    "video_id": vid,
                    "text": "Trả lời: đúng vậy",
                    "like_count": 0,
                    "reply_count": 0,
                    "parent_comment_id": vid * 10,
                    "create_time": int(at.timestamp()) + 600,
                }
            )
        out.append(
            {
                "id": vid,
                "video_description": f"{DESCRIPTIONS[i % 3]} {i}",
                "create_time": int(at.timestamp()),
                "region_code": "VN",
                "share_count": i,
                "view_count": 1000 * i,
                "like_count": 10 * i,
                "comment_count": len(comments),
                "music_id": 6_800_000_000 + i,
                "hashtag_names": ["trasua"] if i % 3 == 0 else [],
                "username": f"kenh_{i % 4}",
                "favorites_count": 2,
                "_comments": comments,
            }
        )
    return out


def expected_ids(videos: list[dict[str, Any]]) -> set[str]:
    out = {str(v["id"]) for v in videos}
    for v in videos:
        out.update(str(c["id"]) for c in v["_comments"])
    return out


def _error(status: int, code: str, message: str) -> Resp:
    return Resp(
        status,
        {"data": {}, "error": {"code": code, "message": message, "log_id": "20240301ABCDEF"}},
    )


class TikTokApp:
    def __init__(self, videos: list[dict[str, Any]], page: int = 4) -> None:
        self.videos = videos
        self.page = page
        self.tokens: list[str] = []
        self.served: set[str] = set()
        self.windows: list[tuple[str, str]] = []
        self.searches: dict[str, list[int]] = {}

    def __call__(self, req: Req) -> Resp:
        assert isinstance(req, PostReq)
        if req.path == "/v2/oauth/token/":
            form = req.form()
            if (form.get("client_key"), form.get("client_secret")) != (KEY, SECRET):
                return Resp(
                    401,
                    {
                        "error": "invalid_client",
                        "error_description": "Client key or secret is incorrect.",
                        "log_id": "2024LOG",
                    },
                )
            token = f"clt.fakeAccessToken{len(self.tokens)}xyz"
            self.tokens.append(token)
            return Resp(200, {"access_token": token, "expires_in": 7200, "token_type": "Bearer"})
        if not self.tokens or req.headers.get("authorization") != f"Bearer {self.tokens[-1]}":
            return _error(401, "access_token_invalid", "The access token is invalid or not found")
        body = req.json()
        if req.path == "/v2/research/video/query/":
            assert "like_count" in req.query["fields"]
            return self._query(body)
        if req.path == "/v2/research/video/comment/list/":
            return self._comments(body)
        return _error(404, "not_found", "no such endpoint")

    def _query(self, body: dict[str, Any]) -> Resp:
        start = datetime.strptime(body["start_date"], "%Y%m%d").replace(tzinfo=UTC)
        end = datetime.strptime(body["end_date"], "%Y%m%d").replace(tzinfo=UTC)
        if end - start > timedelta(days=30) or end < start:
            return _error(400, "invalid_params", "end_date must be within 30 days of start_date")
        self.windows.append((body["start_date"], body["end_date"]))
        found = [
            v
            for v in self.videos
            if start.timestamp() <= v["create_time"] < (end + timedelta(days=1)).timestamp()
        ]
        cursor = int(body.get("cursor", 0))
        if body.get("search_id"):
            assert body["search_id"] == f"sid-{body['start_date']}"
        chunk = found[cursor : cursor + self.page]
        self.served.update(str(v["id"]) for v in chunk)
        videos = [{k: v for k, v in video.items() if k != "_comments"} for video in chunk]
        return Resp(
            200,
            {
                "data": {
                    "videos": videos,
                    "cursor": cursor + len(chunk),
                    "has_more": cursor + len(chunk) < len(found),
                    "search_id": f"sid-{body['start_date']}",
                },
                "error": {"code": "ok", "message": "", "log_id": "2024OK"},
            },
        )

    def _comments(self, body: dict[str, Any]) -> Resp:
        video = next((v for v in self.videos if v["id"] == body["video_id"]), None)
        if video is None:
            return _error(404, "not_found", "video not found")
        cursor, size = int(body.get("cursor", 0)), 2
        chunk = video["_comments"][cursor : cursor + size]
        self.served.update(str(c["id"]) for c in chunk)
        return Resp(
            200,
            {
                "data": {
                    "comments": chunk,
                    "cursor": cursor + len(chunk),
                    "has_more": cursor + len(chunk) < len(video["_comments"]),
                },
                "error": {"code": "ok", "message": "", "log_id": "2024OK"},
            },
        )


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
        _error(429, "daily_quota_limit_exceeded", "API daily quota limit exceeded."),
    )
    quota = run_one(store, spec(server), ENV)
    assert [p.kind for p in quota.problems] == ["quota"]
    assert "00:00 UTC" in quota.problems[0].detail and "log_id" in quota.problems[0].detail
    server.inject(
        "/v2/research/video/query/",
        _error(403, "scope_not_authorized", "The user did not authorize the scope required."),
    )
    denied = run_one(store, spec(server), ENV)
    assert denied.problems[0].kind == "permission"
    # the token expires mid-run: a new one is fetched and the call repeated
    server.inject(
        "/v2/research/video/comment/list/",
        _error(401, "access_token_invalid", "The access token is invalid or not found"),
    )
    server.inject("/v2/research/video/query/", _error(500, "internal_error", "Something broke"))
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
