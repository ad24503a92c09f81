"""Reddit (OAuth client credentials, listings, search, comment trees) end to end against
a loopback stand-in."""

from __future__ import annotations

import base64
import time
from typing import Any

import pytest

from tests.sources.connectors.conftest import everything_text, run_one, run_sources, stored_ids
from tests.sources.connectors.posting import PostReq, PostServer
from tests.sources.connectors.servers import FakeServer, Req, Resp
from tinhieu.sources.connectors.reddit import post_item, walk_comments
from tinhieu.store import DuckDBStore

CLIENT_ID = "p-jcoLKBynTLew"
SECRET = "gko_LXELoV07ZBNUXrvWZfzE3aI"
ENV = {"RD_ID": CLIENT_ID, "RD_SECRET": SECRET}
NOW = int(time.time())
TITLES = ["Trà sữa Mây có ngon không?", "Hỏi về giao hàng chậm 😤", "Review điện thoại giá rẻ"]


def _comment(cid: str, post: str, parent: str, at: int, replies: list[Any]) -> dict[str, Any]:
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


def make_posts(n: int, sub: str = "vietnam") -> list[dict[str, Any]]:
    posts = []
    for i in range(n):
        pid = f"{sub[:2]}{i:03d}"
        at = NOW - 3600 * (i + 1)
        tree = []
        for j in range(i % 3):
            reply = _comment(f"{pid}r{j}", pid, f"t1_{pid}c{j}", at + 60, [])
            tree.append(_comment(f"{pid}c{j}", pid, f"t3_{pid}", at + 30, [reply]))
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
                    "num_comments": 2 * (i % 3),
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
    out = set()
    for p in posts:
        out.add(p["data"]["id"])
        for c in p["_tree"]:
            if c["kind"] == "t1":
                out.add(c["data"]["id"])
                out.update(r["data"]["id"] for r in c["data"]["replies"]["data"]["children"])
    return out


class RedditApp:
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


def spec(server: FakeServer, **extra: Any) -> dict[str, Any]:
    return {
        "type": "reddit",
        "subreddits": ["r/vietnam"],
        "client_id_env": "RD_ID",
        "client_secret_env": "RD_SECRET",
        "base_url": server.url,
        "auth_url": f"{server.url}/api/v1/access_token",
        **extra,
    }


@pytest.fixture
def reddit() -> Any:
    app = RedditApp(make_posts(13))
    with PostServer(app) as server:
        yield server, app


def test_listing_and_tree_map_to_mentions() -> None:
    posts = make_posts(5)
    item = post_item(posts[1]["data"])
    assert item["kind"] == "post" and item["source_id"] == "vi001"
    assert item["url"] == "https://www.reddit.com/r/vietnam/comments/vi001/x/"
    assert (item["likes"], item["comments"]) == (11, 2)
    assert item["title"] == "Hỏi về giao hàng chậm 😤 (1)" and item["author_id"] == "t2_op1"
    assert item["attrs"]["score"] == 11 and item["attrs"]["upvote_ratio"] == 0.9
    assert "text" not in post_item(posts[0]["data"])  # a link post has no self text
    items, missing = walk_comments(posts[4]["_tree"], "vi004")
    assert missing == 7
    by_id = {i["source_id"]: i for i in items}
    assert by_id["vi004c0"]["kind"] == "comment" and by_id["vi004c0"]["parent_id"] == "vi004"
    assert by_id["vi004r0"]["kind"] == "reply" and by_id["vi004r0"]["parent_id"] == "vi004c0"
    assert by_id["vi004c0"]["comments"] == 1
    # a deleted author has no author fields
    deleted = walk_comments([_comment("zz9", "p", "t3_p", NOW, [])], "p")[0][0]
    assert "author_id" not in deleted and "author_name" not in deleted


def test_collects_subreddit_and_search_to_the_end(store: DuckDBStore, reddit: Any) -> None:
    server, app = reddit
    result = run_one(store, spec(server, searches=["trà sữa"]), ENV)
    assert result.status == "ok", result.problems
    assert stored_ids(store, "reddit") == app.served == expected_ids(app.posts)
    assert len(server.requests("/r/vietnam/new")) == 3  # 5 + 5 + 3
    assert server.requests("/search")[0].query["sort"] == "new"
    assert len(server.requests("/api/v1/access_token")) == 1
    assert any("collapsed" in w for w in result.warnings)
    # rerun without look-back: the newest post is re-read, nothing older, nothing new
    before = len(server.requests("/r/vietnam/new"))
    again = run_one(store, spec(server, searches=["trà sữa"], lookback_days=0), ENV)
    assert again.status == "ok" and again.inserted == 0
    assert len(server.requests("/r/vietnam/new")) == before + 1
    assert store.check_unique() == 0


def test_expired_token_is_renewed_mid_run(store: DuckDBStore, reddit: Any) -> None:
    server, app = reddit
    app.token_uses = 4
    result = run_one(store, spec(server), ENV)
    assert result.status == "ok", result.problems
    assert len(app.tokens) > 1
    assert stored_ids(store) == expected_ids(app.posts)


def test_rate_limit_headers_are_honoured(store: DuckDBStore, reddit: Any) -> None:
    server, app = reddit
    app.headers = {"x-ratelimit-remaining": "0.0", "x-ratelimit-reset": "0"}
    ok = run_one(store, spec(server, comments=False), ENV)
    assert ok.status == "ok" and ok.inserted == 13
    app.headers = {"x-ratelimit-remaining": "0.0", "x-ratelimit-reset": "3000"}
    app.posts.extend(make_posts(2, "vnnews"))
    spent = run_one(store, spec(server, subreddits=["vnnews", "vietnam"], comments=False), ENV)
    # the listing page that spent the window is stored; then the source stops
    assert spent.inserted == 2 and spent.problems[0].kind == "rate_limited"
    assert "3000" in spent.problems[0].detail


def test_errors_private_banned_and_bad_credentials(store: DuckDBStore, reddit: Any) -> None:
    server, app = reddit
    result = run_one(store, spec(server, subreddits=["secretclub", "gone", "vietnam"]), ENV)
    kinds = [(p.kind, p.query) for p in result.problems]
    assert kinds == [("permission", "r/secretclub"), ("not_found", "r/gone")]
    assert "private" in result.problems[0].detail
    assert stored_ids(store) == expected_ids(app.posts)  # the other query went on
    bad = run_one(store, spec(server), {"RD_ID": CLIENT_ID, "RD_SECRET": "not-the-secret"})
    assert bad.problems[0].kind == "auth" and "client_secret_env" in bad.problems[0].detail
    text = everything_text(store, [result, bad])
    assert SECRET not in text and "not-the-secret" not in text
    assert not any(t in text for t in app.tokens)


def test_crash_then_rerun_has_no_duplicates(store: DuckDBStore, reddit: Any) -> None:
    server, app = reddit
    server.kill_when = lambda req: len(server.requests("/r/")) == 2
    first = run_sources(store, {"src": spec(server)}, ENV)[0]
    assert first.status == "failed" and 0 < first.inserted < len(expected_ids(app.posts))
    server.down, server.kill_when = False, None
    before = len(server.requests("/r/vietnam/new"))
    second = run_one(store, spec(server), ENV)
    assert second.status == "ok"
    resumed = server.requests("/r/vietnam/new")[before:]
    assert resumed[0].query.get("after") == "t3_vi004"  # at the page after the saved one
    assert stored_ids(store) == expected_ids(app.posts) and store.check_unique() == 0
