"""Reddit (OAuth client credentials, listings, search, comment trees) end to end against
a loopback stand-in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sources.connectors.conftest import everything_text, run_one, run_sources, stored_ids
from tests.sources.connectors.fake_reddit import (
    CLIENT_ID,
    ENV,
    NOW,
    SECRET,
    RedditApp,
    comment,
    expected_ids,
    make_posts,
)
from tests.sources.connectors.posting import PostServer
from tests.sources.connectors.servers import FakeServer
from tinhieu.sources.connectors.reddit import post_item, walk_comments
from tinhieu.store import DuckDBStore


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
    deleted = walk_comments([comment("zz9", "p", "t3_p", NOW, [])], "p")[0][0]
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
