"""An X API v2 recent-search stand-in: ``GET /2/tweets/search/recent`` with a bearer
token, newest first, ``since_id``, ``max_results`` and ``next_token`` paging, the
``includes.users`` expansion, rate-limit headers and the documented problem bodies."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.sources.connectors.servers import Req, Resp

TOKEN = "AAAAAAAAAAAAAAAAAAAAAFakeXBearer%2Fsecret0123456789"
ENV = {"X_TOKEN": TOKEN}
TEXTS = ["Trà sữa Mây ngon quá 🧋", "Giao hàng chậm 😤 @MayTea", "Giá hơi cao nhưng ok", "👍"]
FIRST_ID = 1_760_000_000_000_000_000
NEXT_PREFIX = "b26v89c19zqg8o3f"


def make_tweets(
    n: int, start_id: int = FIRST_ID, *, step: timedelta = timedelta(minutes=1)
) -> list[dict[str, Any]]:
    """``n`` posts ``step`` apart from two days ago, ids ``start_id + 1000 i``; every
    fifth post (after the first) replies to the first, in its conversation."""
    base = datetime.now(UTC) - timedelta(days=2)
    out = []
    for i in range(n):
        tid = str(start_id + i * 1000)
        root = tid if i % 5 else str(start_id)  # every fifth post replies to the first
        out.append(
            {
                "id": tid,
                "text": f"{TEXTS[i % 4]} #{i}",
                "author_id": f"u{i % 3}",
                "created_at": (base + step * i).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "conversation_id": root if i else tid,
                "lang": "vi" if i % 4 != 3 else "und",
                "edit_history_tweet_ids": [tid],
                "public_metrics": {
                    "retweet_count": i,
                    "reply_count": i % 3,
                    "like_count": 10 * i,
                    "quote_count": 1,
                    "bookmark_count": 0,
                    "impression_count": 100 * i,
                },
            }
        )
    return out


def expected_ids(tweets: list[dict[str, Any]]) -> set[str]:
    return {t["id"] for t in tweets}


USERS = {
    f"u{k}": {
        "id": f"u{k}",
        "name": f"Người dùng {k}",
        "username": f"nguoidung{k}",
        "verified": k == 0,
        "public_metrics": {"followers_count": 1000 * (k + 1), "following_count": 5},
    }
    for k in range(3)
}


class XApp:
    """The request handler; ``served`` collects the ids handed out."""

    def __init__(self, tweets: list[dict[str, Any]]) -> None:
        self.tweets = tweets
        self.served: set[str] = set()

    def __call__(self, req: Req) -> Resp:
        if req.headers.get("authorization") != f"Bearer {TOKEN}":
            return Resp(
                401,
                {
                    "title": "Unauthorized",
                    "type": "about:blank",
                    "status": 401,
                    "detail": "Unauthorized",
                },
            )
        if req.path != "/2/tweets/search/recent":
            return Resp(404, {"title": "Not Found Error", "detail": "no route"})
        q = req.query
        assert q["expansions"] == "author_id" and "public_metrics" in q["tweet.fields"]
        size = int(q["max_results"])
        newest = sorted(self.tweets, key=lambda t: int(t["id"]), reverse=True)
        if q.get("since_id"):
            newest = [t for t in newest if int(t["id"]) > int(q["since_id"])]
        start = int(q["next_token"].removeprefix(NEXT_PREFIX)) if q.get("next_token") else 0
        chunk = newest[start : start + size]
        self.served.update(t["id"] for t in chunk)
        meta: dict[str, Any] = {"result_count": len(chunk)}
        if chunk:
            meta |= {"newest_id": chunk[0]["id"], "oldest_id": chunk[-1]["id"]}
        if start + size < len(newest):
            meta["next_token"] = f"{NEXT_PREFIX}{start + size}"
        body: dict[str, Any] = {"meta": meta}
        if chunk:
            body["data"] = chunk
            body["includes"] = {
                "users": [USERS[u] for u in sorted({t["author_id"] for t in chunk})]
            }
        return Resp(
            200,
            body,
            {
                "x-rate-limit-limit": "450",
                "x-rate-limit-remaining": "449",
                "x-rate-limit-reset": str(int(time.time()) + 900),
            },
        )
