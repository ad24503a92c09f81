"""A TikTok Research API stand-in: the client-credentials token endpoint, the video
query (30-day windows, ``cursor`` + ``search_id`` paging) and the comment list, all
POST with JSON bodies (served by :class:`~tests.sources.connectors.posting.PostServer`),
and the documented ``{"data", "error": {"code", "message", "log_id"}}`` answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.sources.connectors.posting import PostReq
from tests.sources.connectors.servers import Req, Resp

KEY = "awfakeclientkey0123"
SECRET = "TikTokFakeClientSecret_9f8e7d6c5b4a"
ENV = {"TT_KEY": KEY, "TT_SECRET": SECRET}
DESCRIPTIONS = ["Review trà sữa Mây 🧋 #trasua", "Giao hàng chậm quá 😤", "Unboxing 📱 #review"]
FIRST_ID = 7_300_000_000_000_000_000


def make_videos(n: int, days: int = 6, *, comments: int = 3) -> list[dict[str, Any]]:
    """``n`` videos spread over the last ``days`` days (the newest an hour ago); video i
    has ``i % (comments + 1)`` comments and, when i is odd and it has comments, a reply to
    its first comment. ``_comments`` holds them (not part of the API's video object)."""
    now = datetime.now(UTC).replace(microsecond=0)
    out = []
    for i in range(n):
        at = now - timedelta(days=days * i / max(1, n - 1), hours=1)
        vid = FIRST_ID + i
        thread = [
            {
                "id": vid * 1000 + j,
                "video_id": vid,
                "text": f"Bình luận {j} 👍",
                "like_count": j,
                "reply_count": 1 if j == 0 and i % 2 else 0,
                "parent_comment_id": vid,
                "create_time": int(at.timestamp()) + 60 * j,
            }
            for j in range(i % (comments + 1))
        ]
        if i % 2 and thread:
            thread.append(
                {
                    "id": vid * 1000 + 999,
                    "video_id": vid,
                    "text": "Trả lời: đúng vậy",
                    "like_count": 0,
                    "reply_count": 0,
                    "parent_comment_id": vid * 1000,
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
                "comment_count": len(thread),
                "music_id": 6_800_000_000 + i,
                "hashtag_names": ["trasua"] if i % 3 == 0 else [],
                "username": f"kenh_{i % 4}",
                "favorites_count": 2,
                "_comments": thread,
            }
        )
    return out


def expected_ids(videos: list[dict[str, Any]]) -> set[str]:
    """Every video and comment id, as the store keeps them."""
    out = {str(v["id"]) for v in videos}
    for v in videos:
        out.update(str(c["id"]) for c in v["_comments"])
    return out


def error(status: int, code: str, message: str) -> Resp:
    """A Research API error answer."""
    return Resp(
        status,
        {"data": {}, "error": {"code": code, "message": message, "log_id": "20240301ABCDEF"}},
    )


class TikTokApp:
    """The request handler. ``page`` videos per query answer (TikTok's own ``max_count``
    is ignored, like a server that pages smaller), ``comment_page`` comments per comment
    list answer; ``served`` collects the ids handed out; ``windows`` the date windows
    asked for."""

    def __init__(self, videos: list[dict[str, Any]], page: int = 4, comment_page: int = 2) -> None:
        self.videos = videos
        self.page = page
        self.comment_page = comment_page
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
            return error(401, "access_token_invalid", "The access token is invalid or not found")
        body = req.json()
        if req.path == "/v2/research/video/query/":
            assert "like_count" in req.query["fields"]
            return self._query(body)
        if req.path == "/v2/research/video/comment/list/":
            return self._comments(body)
        return error(404, "not_found", "no such endpoint")

    def _query(self, body: dict[str, Any]) -> Resp:
        start = datetime.strptime(body["start_date"], "%Y%m%d").replace(tzinfo=UTC)
        end = datetime.strptime(body["end_date"], "%Y%m%d").replace(tzinfo=UTC)
        if end - start > timedelta(days=30) or end < start:
            return error(400, "invalid_params", "end_date must be within 30 days of start_date")
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
            return error(404, "not_found", "video not found")
        cursor, size = int(body.get("cursor", 0)), self.comment_page
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
