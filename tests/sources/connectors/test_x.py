"""X API v2 recent search end to end against a loopback stand-in."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.sources.connectors.conftest import WS, everything_text, run_one, stored_ids
from tests.sources.connectors.fake_x import ENV, TOKEN, USERS, XApp, make_tweets
from tests.sources.connectors.servers import FakeServer, Req, Resp
from tinhieu.sources.connectors.x import tweet_item
from tinhieu.store import DuckDBStore


def spec(server: FakeServer, **extra: Any) -> dict[str, Any]:
    return {
        "type": "x",
        "queries": ["(trà sữa OR #MayTea) lang:vi -is:retweet"],
        "token_env": "X_TOKEN",
        "base_url": server.url,
        "max_results": 10,
        **extra,
    }


@pytest.fixture
def x() -> Any:
    app = XApp(make_tweets(27))
    with FakeServer(app) as server:
        yield server, app


def test_post_maps_metrics_author_and_conversation() -> None:
    tweets = make_tweets(6)
    item = tweet_item(tweets[5], USERS)
    assert item == {
        "platform": "x",
        "kind": "reply",
        "source_id": tweets[5]["id"],
        "parent_id": tweets[0]["id"],
        "url": f"https://x.com/nguoidung2/status/{tweets[5]['id']}",
        "author_id": "u2",
        "author_name": "Người dùng 2",
        "author_kind": "person",
        "author_followers": 3000,
        "text": "Giao hàng chậm 😤 @MayTea #5",
        "language": "vi",
        "created_at": tweets[5]["created_at"],
        "likes": 50,
        "comments": 2,
        "shares": 6,  # retweets + quotes
        "views": 500,
        "attrs": {
            "username": "nguoidung2",
            "quote_count": 1,
            "retweet_count": 5,
            "bookmark_count": 0,
        },
    }
    first = tweet_item(tweets[0], USERS)
    assert first["kind"] == "post" and "parent_id" not in first
    assert first["author_verified"] is True
    assert "language" not in tweet_item(tweets[3], USERS)  # "und" is not a language


def test_collects_every_page_then_only_newer_posts(store: DuckDBStore, x: Any) -> None:
    server, app = x
    result = run_one(store, spec(server), ENV)
    assert result.status == "ok", result.problems
    assert stored_ids(store, "x") == app.served == {t["id"] for t in app.tweets}
    assert result.fetched == result.inserted == 27
    assert len(server.requests()) == 3  # 10 + 10 + 7
    again = run_one(store, spec(server), ENV)
    assert (again.fetched, again.inserted) == (0, 0)
    newest = max(int(t["id"]) for t in app.tweets)
    assert server.log[-1].query["since_id"] == str(newest)
    app.tweets.extend(make_tweets(3, start_id=newest + 1))
    more = run_one(store, spec(server), ENV)
    assert (more.fetched, more.inserted) == (3, 3)
    assert store.check_unique() == 0
    followers = store.fetch_all(
        "SELECT max(author_followers) FROM mentions WHERE workspace = ? AND platform = 'x'", [WS]
    )
    assert followers == [(3000,)]


def test_crash_resumes_at_the_saved_next_token(store: DuckDBStore, x: Any) -> None:
    server, app = x
    server.kill_when = lambda req: len(server.log) == 2
    first = run_one(store, spec(server), ENV)
    assert first.status == "failed" and first.problems[0].kind == "network"
    assert first.inserted == 20  # two whole pages were saved with their cursor
    server.down, server.kill_when = False, None
    second = run_one(store, spec(server), ENV)
    assert second.status == "ok" and second.inserted == 7
    assert server.log[-1].query.get("next_token", "").endswith("20")
    assert stored_ids(store, "x") == {t["id"] for t in app.tweets}


def test_errors_are_typed_and_token_never_shown(store: DuckDBStore, x: Any) -> None:
    server, _ = x
    bad = run_one(store, spec(server), {"X_TOKEN": "wrong-token-123456"})
    assert bad.problems[0].kind == "auth" and "token_env" in bad.problems[0].detail
    # 429 with the window's reset now: waited for and retried
    server.inject(
        "/2/",
        Resp(
            429,
            {
                "title": "Too Many Requests",
                "detail": "Too Many Requests",
                "type": "about:blank",
                "status": 429,
            },
            {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(time.time()))},
        ),
    )
    ok = run_one(store, spec(server), ENV)
    assert ok.status == "ok" and ok.retries == 1 and ok.inserted == 27
    # a reset far away: stop the source with the reason, no endless wait
    server.inject(
        "/2/",
        Resp(
            429,
            {"title": "Too Many Requests", "detail": "Too Many Requests"},
            {"x-rate-limit-reset": str(int(time.time()) + 3600)},
        ),
    )
    late = run_one(store, spec(server), ENV)
    assert late.problems[0].kind == "rate_limited" and "max_total_wait" in late.problems[0].detail
    server.inject(
        "/2/",
        Resp(
            429,
            {
                "title": "UsageCapExceeded",
                "detail": "Usage cap exceeded: Monthly product cap",
                "type": "https://api.twitter.com/2/problems/usage-capped",
                "period": "Monthly",
                "scope": "Product",
            },
        ),
    )
    cap = run_one(store, spec(server), ENV)
    assert cap.problems[0].kind == "quota"
    server.inject(
        "/2/",
        Resp(
            403,
            {
                "client_id": "1",
                "required_enrollment": "Appropriate Level of API Access",
                "registration_url": "https://developer.x.com",
                "title": "Client Forbidden",
                "reason": "client-not-enrolled",
                "detail": "When authenticating requests to the Twitter API v2 "
                "endpoints, you must use keys and tokens from a Twitter developer "
                "App that is attached to a Project.",
                "type": "https://api.twitter.com/2/problems/client-forbidden",
            },
        ),
    )
    denied = run_one(store, spec(server), ENV)
    assert denied.problems[0].kind == "permission"
    assert "client-not-enrolled" in denied.problems[0].detail
    text = everything_text(store, [bad, ok, late, cap, denied])
    assert TOKEN not in text and "wrong-token-123456" not in text
    assert all("token" not in k for r in server.log for k in r.query if k != "next_token")


def test_last_request_of_the_window_pauses_until_reset(store: DuckDBStore) -> None:
    app = XApp(make_tweets(12))
    inner = app.__call__

    def spent(req: Req) -> Resp:
        resp = inner(req)
        resp.headers.update(
            {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(time.time()) + 3600)}
        )
        return resp

    with FakeServer(spent) as server:
        result = run_one(store, spec(server), ENV)
    # the first page is stored; the window is spent for an hour: the source stops
    assert result.inserted == 10 and result.problems[0].kind == "rate_limited"
    assert len(server.log) == 1
