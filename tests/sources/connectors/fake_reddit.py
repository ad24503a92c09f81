"""A Reddit API stand-in: the client-credentials token endpoint (HTTP Basic, form body,
served by :class:`~tests.sources.connectors.posting.PostServer`), ``/r/{sub}/new`` and
``/search`` listings (newest first, ``after`` paging), ``/comments/{id}`` trees with
``t1`` comments, their ``replies`` listings and a ``more`` stub, rate-limit headers and
the documented error bodies."""

from __future__ import annotations

import base64
import time
from typing import Any

from tests.sources.connectors.posting import PostReq
from tests.sources.connectors.servers import Req, Resp

CLIENT_ID = "p-jcoLKBynTLew"
SECRET = "gko_LXELoV07ZBNUXrvWZfzE3aI"
ENV = {"RD_ID": CLIENT_ID, "RD_SECRET": SECRET}
NOW = int(time.time())
TITLES = ["Trà sữa Mây có ngon không?", "Hỏi về giao hàng chậm 😤", "Review điện thoại giá rẻ"]


def comment(cid: str, post: str, parent: str, at: int, replies: list[Any]) -> dict[str, Any]:
    """A ``t1`` thing; an id ending in 9 has a deleted author."""
    return {
        "kind": "t1",
        "data": {
            "id": cid,
            "name": f"t1_{cid}",
            "parent_id": parent,
            "link_id": f"t3_{post}",
            "author": f"user_{cid[-2:]}" if not cid.endswith("9") else "[deleted]",
            "author_fullname": f"t2_{cid[-2:]}",
            "body": f"Bình luận {cid}: đồng ý 👍",
            "created_utc": float(at),
            "ups": 3,
            "score": 3,
            "permalink": f"/r/vietnam/comments/{post}/x/{cid}/",
            "replies": {"kind": "Listing", "data": {"after": None, "children": replies}}
            if replies
            else "",
        },
    }


def make_posts(n: int, sub: str = "vietnam", *, comments: int = 2) -> list[dict[str, Any]]:
    """``n`` posts an hour apart (the newest an hour ago); post i has
    ``i % (comments + 1)`` comments with one reply each; post 4 also has a ``more`` stub
    (7 collapsed comments the connector does not read). ``_tree`` holds the comments."""
    posts = []
    for i in range(n):
        pid = f"{sub[:2]}{i:03d}"
        at = NOW - 3600 * (i + 1)
        tree = []
        for j in range(i % (comments + 1)):
            reply = comment(f"{pid}r{j}", pid, f"t1_{pid}c{j}", at + 60, [])
            tree.append(comment(f"{pid}c{j}", pid, f"t3_{pid}", at + 30, [reply]))
        if i == 4:
            tree.append({"kind": "more", "data": {"count": 7, "children": ["a", "b"]}})
        posts.append(
            {
                "kind": "t3",
                "data": {
                    "id": pid,
                    "name": f"t3_{pid}",
                    "subreddit": sub,
                    "title": f"{TITLES[i % 3]} ({i})",
                    "selftext": "Mọi người cho ý kiến với ạ" if i % 2 else "",
                    "author": f"op_{i}",
                    "author_fullname": f"t2_op{i}",
                    "created_utc": float(at),
                    "ups": 10 + i,
                    "score": 10 + i,
                    "upvote_ratio": 0.9,
                    "num_comments": 2 * (i % (comments + 1)),
                    "permalink": f"/r/{sub}/comments/{pid}/x/",
                    "url": f"https://www.reddit.com/r/{sub}/comments/{pid}/x/",
                    "domain": f"self.{sub}",
                    "over_18": False,
                },
                "_tree": tree,
            }
        )
    return posts


def expected_ids(posts: list[dict[str, Any]]) -> set[str]:
    """Every post, comment and reply id (not the ``more`` stubs)."""
    out = set()
    for p in posts:
        out.add(p["data"]["id"])
        for c in p["_tree"]:
            if c["kind"] == "t1":
                out.add(c["data"]["id"])
                out.update(r["data"]["id"] for r in c["data"]["replies"]["data"]["children"])
    return out


class RedditApp:
    """The request handler: ``page`` posts a listing answer (the connector asks for
    100), a token good for ``token_uses`` calls, ``private`` subreddits answer 403,
    ``headers`` are added to every API answer; ``served`` collects the ids handed out."""

    def __init__(self, posts: list[dict[str, Any]], page: int = 5) -> None:
        self.posts = posts
        self.page = page
        self.tokens: list[str] = []
        self.token_uses = 10_000  # API calls a token is good for
        self.used = 0
        self.private = {"secretclub"}
        self.served: set[str] = set()
        self.headers: dict[str, str] = {}

    def __call__(self, req: Req) -> Resp:
        if req.path == "/api/v1/access_token":
            assert isinstance(req, PostReq) and req.form() == {"grant_type": "client_credentials"}
            basic = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
            if req.headers.get("authorization") != f"Basic {basic}":
                return Resp(401, {"message": "Unauthorized", "error": 401})
            token = f"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.tok{len(self.tokens)}"
            self.tokens.append(token)
            self.used = 0
            return Resp(
                200,
                {"access_token": token, "token_type": "bearer", "expires_in": 86400, "scope": "*"},
            )
        assert "tinhieu" in req.headers.get("user-agent", "")
        auth = req.headers.get("authorization", "")
        self.used += 1
        if not self.tokens or auth != f"bearer {self.tokens[-1]}" or self.used > self.token_uses:
            return Resp(401, {"message": "Unauthorized", "error": 401})
        headers = {
            "x-ratelimit-used": str(self.used),
            "x-ratelimit-remaining": "599.0",
            "x-ratelimit-reset": "420",
            **self.headers,
        }
        parts = req.path.strip("/").split("/")
        if parts[0] == "r" and parts[1] in self.private:
            return Resp(403, {"reason": "private", "message": "Forbidden", "error": 403}, headers)
        if parts[0] == "r" and parts[2] == "new":
            posts = [p for p in self.posts if p["data"]["subreddit"] == parts[1]]
            if not posts:
                return Resp(404, {"reason": "banned", "message": "Not Found", "error": 404})
            return Resp(200, self._listing(posts, req.query), headers)
        if parts[0] == "search":
            words = req.query["q"].lower()
            posts = [p for p in self.posts if words in p["data"]["title"].lower()]
            return Resp(200, self._listing(posts, req.query), headers)
        if parts[0] == "comments":
            post = next(p for p in self.posts if p["data"]["id"] == parts[1])
            tree = post["_tree"]
            self.served.update(expected_ids([{"data": {"id": "-"}, "_tree": tree}]) - {"-"})
            return Resp(
                200,
                [
                    {
                        "kind": "Listing",
                        "data": {"children": [{"kind": "t3", "data": post["data"]}]},
                    },
                    {"kind": "Listing", "data": {"after": None, "children": tree}},
                ],
                headers,
            )
        return Resp(404, {"message": "Not Found", "error": 404})

    def _listing(self, posts: list[dict[str, Any]], q: dict[str, str]) -> dict[str, Any]:
        posts = sorted(posts, key=lambda p: -p["data"]["created_utc"])
        start = 0
        if q.get("after"):
            start = 1 + next(i for i, p in enumerate(posts) if p["data"]["name"] == q["after"])
        chunk = posts[start : start + self.page]
        self.served.update(p["data"]["id"] for p in chunk)
        after = chunk[-1]["data"]["name"] if start + self.page < len(posts) else None
        children = [{"kind": "t3", "data": p["data"]} for p in chunk]
        return {
            "kind": "Listing",
            "data": {"after": after, "dist": len(chunk), "children": children},
        }
