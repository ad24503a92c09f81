"""A Graph API stand-in: a page, its posts (newest first, ``since`` filter, cursor
paging with an ``access_token`` in ``paging.next`` as Graph writes it), comments and
replies, usage headers and the documented error bodies."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from tests.sources.connectors.servers import Req, Resp

TOKEN = "EAAGm0PX4ZCpsBAFakePageToken1234567890secret"
VERSION = "v19.0"
TEXTS = [
    "Trà sữa Mây 🧋 ngon quá, giao hàng nhanh 😍",
    "giao hang cham qua, 2 tieng moi toi 😡",
    "Sản phẩm ổn, giá hơi cao nhưng chất lượng tốt 👍",
    "ko ngon như quảng cáo, thất vọng 😞",
    "Mình đặt 3 ly, nhân viên dễ thương lắm ❤️",
]


def fb_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


@dataclass
class GraphPage:
    """One page's content. ``posts`` newest first; each post's ``_comments`` carry
    ``_replies``; ``deleted`` counts comments that the summaries still count."""

    page: dict[str, Any]
    posts: list[dict[str, Any]] = field(default_factory=list)

    def ids(self) -> set[str]:
        out: set[str] = set()
        for post in self.posts:
            out.add(post["id"])
            for c in post["_comments"]:
                out.add(c["id"])
                out.update(r["id"] for r in c["_replies"])
        return out


def make_page(
    page_id: str = "1001",
    posts: int = 12,
    *,
    start: datetime | None = None,
    comments: int = 4,
    edge_cases: bool = True,
) -> GraphPage:
    """A page with ``posts`` posts an hour apart; post i has (i % (comments+1)) comments
    (some with replies); the first posts carry the edge cases."""
    start = start or datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    page = {
        "id": page_id,
        "name": "Trà Mây Official",
        "link": f"https://www.facebook.com/{page_id}",
        "followers_count": 12345,
        "fan_count": 12000,
        "verification_status": "blue_verified",
    }
    data = GraphPage(page)
    for i in range(posts):
        created = start - timedelta(hours=i)
        pid = f"{page_id}_{5000 + i}"
        post_url = f"https://www.facebook.com/{page_id}/posts/{5000 + i}"
        post: dict[str, Any] = {
            "id": pid,
            "message": f"Bài {i}: {TEXTS[i % len(TEXTS)]}",
            "created_time": fb_time(created),
            "permalink_url": f"https://www.facebook.com/{page_id}/posts/{5000 + i}",
            "status_type": "mobile_status_update",
            "from": {"id": page_id, "name": page["name"]},
            "shares": {"count": i * 2},
            "_reactions": {"like": 10 + i, "love": i % 4, "haha": 0, "angry": i % 2},
            "_comments": [],
            "_deleted": 0,
        }
        for j in range(i % (comments + 1)):
            cid = f"{pid}_{100 + j}"
            comment: dict[str, Any] = {
                "id": cid,
                "message": TEXTS[(i + j) % len(TEXTS)],
                "created_time": fb_time(created + timedelta(minutes=j + 1)),
                "permalink_url": f"{post_url}?comment_id={cid}",
                "from": {"id": f"u{j}", "name": f"Người dùng {j}"},
                "like_count": j,
                "_replies": [],
            }
            if j % 3 == 1:
                for k in range(j + 1):
                    comment["_replies"].append(
                        {
                            "id": f"{cid}_{k}",
                            "message": f"trả lời {k} ✅",
                            "created_time": fb_time(created + timedelta(minutes=j + k + 2)),
                            "from": {"id": f"u{k + 10}", "name": f"Bạn {k}"},
                            "like_count": 0,
                            "parent": {"id": cid},
                        }
                    )
            post["_comments"].append(comment)
        data.posts.append(post)
    if edge_cases and posts >= 4:
        # a photo post without message (only a story) and without shares
        data.posts[1].pop("message")
        data.posts[1]["story"] = "Trà Mây Official updated their cover photo."
        data.posts[1]["status_type"] = "added_photos"
        data.posts[1].pop("shares")
        # counts missing: no reactions summary at all
        data.posts[2]["_reactions"] = None
        # a visitor post
        data.posts[3]["from"] = {"id": "u77", "name": "Khách Hàng 😊"}
        # comments: one deleted (still counted by the summary), one sticker without text
        # and without author (not visible to the token), one by the page itself
        for post in data.posts:
            if len(post["_comments"]) >= 3:
                post["_deleted"] = 1
                sticker = post["_comments"][0]
                sticker.pop("message")
                sticker.pop("from")
                sticker["attachment"] = {"type": "sticker"}
                post["_comments"][2]["from"] = {"id": page_id, "name": page["name"]}
                break
    return data


def _cursor(n: int) -> str:
    return base64.urlsafe_b64encode(f"idx:{n}".encode()).decode()


def _uncursor(value: str) -> int:
    return int(base64.urlsafe_b64decode(value.encode()).decode().split(":")[1])


def _summary(total: int | None) -> dict[str, Any] | None:
    if total is None:
        return None
    return {"data": [], "summary": {"total_count": total, "viewer_reaction": "NONE"}}


def render_post(post: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in post.items() if not k.startswith("_")}
    reactions = post["_reactions"]
    if reactions is not None:
        out["reactions"] = _summary(sum(reactions.values()))
        for name in ("like", "love", "care", "haha", "wow", "sad", "angry"):
            out[f"reactions_{name}"] = _summary(reactions.get(name, 0))
    total = len(post["_comments"]) + post["_deleted"]
    out["comments"] = {
        "data": [],
        "summary": {"order": "ranked", "total_count": total, "can_comment": True},
    }
    return out


def render_comment(comment: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in comment.items() if not k.startswith("_")}
    if "_replies" in comment:
        out["comment_count"] = len(comment["_replies"])
    return out


class GraphApp:
    """The request handler; ``usage`` sets the ``X-App-Usage`` percentages."""

    def __init__(self, pages: list[GraphPage], token: str = TOKEN) -> None:
        self.pages = {p.page["id"]: p for p in pages}
        self.token = token
        self.expired = False
        self.usage = {"call_count": 5, "total_cputime": 3, "total_time": 4}
        self.base = ""  # set by the test to the server URL (for paging.next)
        self.served: set[str] = set()
        self.forbidden: set[str] = set()

    def __call__(self, req: Req) -> Resp:
        headers = {"X-App-Usage": _json(self.usage), "x-fb-trace-id": "AbCdEf"}
        auth = req.headers.get("authorization", "")
        if self.expired:
            return Resp(
                400,
                _error(
                    "Error validating access token: Session has expired on Sunday, 01-Mar-26 "
                    "04:00:00 PST. The current time is Monday, 02-Mar-26 10:00:00 PST.",
                    "OAuthException",
                    190,
                    463,
                ),
                headers,
            )
        if auth != f"Bearer {self.token}" and req.query.get("access_token") != self.token:
            return Resp(
                400,
                _error(
                    "Invalid OAuth access token - Cannot parse access token", "OAuthException", 190
                ),
                headers,
            )
        parts = req.path.strip("/").split("/")
        if len(parts) < 2 or parts[0] != VERSION:
            return Resp(400, _error("Unknown path components", "OAuthException", 2500), headers)
        node = parts[1]
        edge = parts[2] if len(parts) > 2 else None
        if node in self.forbidden:
            return Resp(
                403,
                _error(
                    "(#10) This endpoint requires the 'pages_read_engagement' permission or the "
                    "'Page Public Content Access' feature.",
                    "OAuthException",
                    10,
                ),
                headers,
            )
        if edge is None:
            if node in self.pages:
                return Resp(200, self.pages[node].page, headers)
            return Resp(
                400,
                _error(
                    f"Unsupported get request. Object with ID '{node}' does not exist, cannot be "
                    "loaded due to missing permissions, or does not support this operation.",
                    "GraphMethodException",
                    100,
                    33,
                ),
                headers,
            )
        if edge == "posts" and node in self.pages:
            posts = self.pages[node].posts
            since = req.query.get("since")
            if since:
                posts = [
                    p
                    for p in posts
                    if int(datetime.strptime(p["created_time"], "%Y-%m-%dT%H:%M:%S%z").timestamp())
                    >= int(since)
                ]
            return self._list(req, [render_post(p) for p in posts], headers)
        if edge == "comments":
            found = self._comments_of(node)
            if found is None:
                return Resp(
                    400,
                    _error(
                        f"Object with ID '{node}' does not exist", "GraphMethodException", 100, 33
                    ),
                    headers,
                )
            return self._list(req, [render_comment(c) for c in found], headers)
        return Resp(400, _error("Unknown edge", "OAuthException", 2500), headers)

    def _comments_of(self, node: str) -> list[dict[str, Any]] | None:
        for page in self.pages.values():
            for post in page.posts:
                if post["id"] == node:
                    return list(post["_comments"])
                for c in post["_comments"]:
                    if c["id"] == node:
                        return list(c["_replies"])
        return None

    def _list(self, req: Req, items: list[dict[str, Any]], headers: dict[str, str]) -> Resp:
        limit = int(req.query.get("limit", "25"))
        start = _uncursor(req.query["after"]) if req.query.get("after") else 0
        chunk = items[start : start + limit]
        self.served.update(i["id"] for i in chunk)
        body: dict[str, Any] = {"data": chunk}
        if chunk:
            body["paging"] = {
                "cursors": {"before": _cursor(start), "after": _cursor(start + len(chunk))}
            }
            if start + len(chunk) < len(items):
                query = {k: v for k, v in req.query.items() if k != "after"}
                query.update(access_token=self.token, after=_cursor(start + len(chunk)))
                body["paging"]["next"] = f"{self.base}{req.path}?{urlencode(query)}"
        return Resp(200, body, headers)


def _error(message: str, kind: str, code: int, subcode: int | None = None) -> dict[str, Any]:
    err: dict[str, Any] = {
        "message": message,
        "type": kind,
        "code": code,
        "fbtrace_id": "A1b2C3d4E5f",
    }
    if subcode is not None:
        err["error_subcode"] = subcode
    return {"error": err}


def _json(value: Any) -> str:
    import json

    return json.dumps(value)


def throttle_error(usage: int = 100, regain_minutes: int = 0) -> Resp:
    """Graph's application-level throttling answer (code 4) with usage headers."""
    buc = {
        "1001": [
            {
                "type": "pages",
                "call_count": usage,
                "total_cputime": 20,
                "total_time": 30,
                "estimated_time_to_regain_access": regain_minutes,
            }
        ]
    }
    return Resp(
        400,
        _error("(#4) Application request limit reached", "OAuthException", 4),
        {
            "X-Business-Use-Case-Usage": _json(buc),
            "X-App-Usage": _json({"call_count": usage, "total_cputime": 20, "total_time": 30}),
        },
    )
