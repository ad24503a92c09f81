"""Facebook Graph connector end to end against a loopback Graph stand-in."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from tests.sources.connectors.conftest import (
    WS,
    everything_text,
    run_one,
    run_sources,
    stored_ids,
)
from tests.sources.connectors.fake_graph import (
    TOKEN,
    GraphApp,
    make_page,
    throttle_error,
)
from tests.sources.connectors.servers import FakeServer, Resp
from tinhieu.sources.connectors.facebook import comment_item, post_item, usage_percent
from tinhieu.store import DuckDBStore

FIXTURES = Path(__file__).parent / "fixtures"
ENV = {"FB_TOKEN": TOKEN}


def spec(server: FakeServer, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "facebook",
        "pages": ["1001"],
        "token_env": "FB_TOKEN",
        "base_url": server.url,
        "page_size": 5,
        "comment_page_size": 2,
        "flush_items": 7,
    }
    out.update(extra)
    return out


@pytest.fixture
def graph() -> Any:
    app = GraphApp([make_page("1001", posts=12)])
    with FakeServer(app) as server:
        app.base = server.url
        yield server, app


# --- mapping ------------------------------------------------------------------------------


def test_documented_post_and_comment_map_field_by_field() -> None:
    body = json.loads((FIXTURES / "graph_posts.json").read_text("utf-8"))
    page = {"id": "1001", "name": "Trà Mây Official", "followers_count": 12345}
    post = post_item(body["data"][0], page)
    assert post == {
        "platform": "facebook",
        "kind": "post",
        "source_id": "1001_5000",
        "url": "https://www.facebook.com/1001/posts/5000",
        "author_id": "1001",
        "author_name": "Trà Mây Official",
        "author_kind": "page",
        "author_followers": 12345,
        "text": "Trà sữa Mây 🧋 ngon quá!",
        "created_at": "2026-03-01T12:00:00+0000",
        "likes": 15,
        "reactions": {"like": 10, "love": 3, "care": 0, "haha": 1, "wow": 0, "sad": 0, "angry": 1},
        "comments": 4,
        "shares": 2,
        "attrs": {"status_type": "mobile_status_update"},
    }
    photo = post_item(body["data"][1], page)  # no message, no shares, no reactions
    assert "text" not in photo and "shares" not in photo and "likes" not in photo
    assert photo["attrs"]["story"].startswith("Trà Mây")
    comments = json.loads((FIXTURES / "graph_comments.json").read_text("utf-8"))
    first = comment_item(comments["data"][0], "1001_5000", "1001_5000", page)
    assert first["kind"] == "comment" and first["parent_id"] == "1001_5000"
    assert first["author_kind"] == "person" and first["comments"] == 2
    sticker = comment_item(comments["data"][1], "1001_5000", "1001_5000", page)
    assert "author_id" not in sticker and "text" not in sticker
    assert sticker["attrs"] == {"post_id": "1001_5000", "attachment": "sticker"}
    reply = comment_item(comments["data"][0], "1001_5000", "5000_100", page)
    assert reply["kind"] == "reply" and reply["parent_id"] == "5000_100"


def test_usage_headers_are_read() -> None:
    import httpx

    headers = httpx.Headers(
        {
            "X-App-Usage": '{"call_count": 85, "total_cputime": 10, "total_time": 20}',
            "X-Business-Use-Case-Usage": '{"1001": [{"type": "pages", "call_count": 50, '
            '"total_cputime": 91, "total_time": 2, "estimated_time_to_regain_access": 3}]}',
        }
    )
    assert usage_percent(headers) == (91.0, 180.0)


# --- end to end ------------------------------------------------------------------------------


def test_collects_every_page_exactly_and_reruns_add_nothing(store: DuckDBStore, graph: Any) -> None:
    server, app = graph
    expected = app.pages["1001"].ids()
    result = run_one(store, spec(server), ENV)
    assert result.status == "ok", result.problems
    assert stored_ids(store, "facebook") == expected == app.served
    assert result.inserted == len(expected)
    assert store.check_unique() == 0
    posts = server.requests("/v19.0/1001/posts")
    assert len(posts) == 3  # 12 posts, 5 a page
    # the token went in the header only, never in a URL we sent
    assert all("access_token" not in r.query for r in server.log)
    # a re-run (posts of the last 3 days refreshed) inserts nothing
    again = run_one(store, spec(server), ENV)
    assert again.status == "ok" and again.inserted == 0 and again.fetched > 0
    # without the look-back, a re-run fetches nothing at all
    quiet = run_one(store, spec(server, lookback_days=0), ENV)
    assert (quiet.fetched, quiet.inserted) == (0, 0)
    assert server.requests("/v19.0/1001/posts")[-1].query["since"]


def test_mapped_rows_keep_vietnamese_emoji_counts_and_authors(
    store: DuckDBStore, graph: Any
) -> None:
    server, _ = graph
    run_one(store, spec(server), ENV)
    rows = {
        r[0]: r[1:]
        for r in store.fetch_all(
            "SELECT source_id, kind, text, likes, shares, author_kind, author_followers, "
            "parent_id, reactions FROM mentions WHERE workspace = ?",
            [WS],
        )
    }
    assert rows["1001_5000"][1] == "Bài 0: Trà sữa Mây 🧋 ngon quá, giao hàng nhanh 😍"
    assert rows["1001_5000"][4:6] == ("page", 12345)
    assert rows["1001_5001"][1] is None and rows["1001_5001"][3] is None  # photo post
    assert rows["1001_5002"][2] is None  # counts missing stay NULL, not 0
    assert rows["1001_5003"][4:6] == ("person", None)  # visitor post
    assert json.loads(rows["1001_5000"][7]) == {
        "like": 10,
        "love": 0,
        "care": 0,
        "haha": 0,
        "wow": 0,
        "sad": 0,
        "angry": 0,
    }
    kinds = {r[0] for r in rows.values()}
    assert kinds == {"post", "comment", "reply"}
    reply = next(v for k, v in rows.items() if v[0] == "reply")
    assert reply[6] in rows and rows[reply[6]][0] == "comment"


def test_crash_after_page_two_then_rerun_completes_without_duplicates(
    store: DuckDBStore, graph: Any
) -> None:
    server, app = graph
    expected = app.pages["1001"].ids()
    served_posts = []

    def second_posts_page(req: Any) -> bool:
        if req.path.endswith("/posts"):
            served_posts.append(req)
        return len(served_posts) == 2

    server.kill_when = second_posts_page
    first = run_one(store, spec(server), ENV)
    assert first.status == "failed"
    assert [p.kind for p in first.problems] == ["network"]
    partial = stored_ids(store)
    assert 0 < len(partial) < len(expected)
    server.down, server.kill_when = False, None
    before = len(server.log)
    second = run_one(store, spec(server), ENV)
    assert second.status == "ok", second.problems
    assert stored_ids(store) == expected
    assert store.check_unique() == 0
    # it resumed at the saved cursor (page 2), not from the newest post
    first_posts = next(r for r in server.log[before:] if r.path.endswith("/posts"))
    assert "after" in first_posts.query
    runs = store.fetch_all("SELECT status FROM source_runs WHERE workspace = ? ORDER BY id", [WS])
    assert [r[0] for r in runs] == ["failed", "ok"]


def test_retries_429_with_retry_after_500_and_throttling_then_succeeds(
    store: DuckDBStore, graph: Any
) -> None:
    server, app = graph
    server.inject(
        "/v19.0/1001/posts",
        Resp(429, {"error": {"message": "slow down", "code": 4}}, {"Retry-After": "0"}),
    )
    server.inject("/v19.0/1001/posts", Resp(500, "<html>oops</html>"))
    server.inject("/v19.0/1001/posts", throttle_error())
    server.inject("/v19.0/1001_5004/comments", Resp(503, "down"))
    result = run_one(store, spec(server), ENV)
    assert result.status == "ok", result.problems
    assert result.retries == 4
    assert stored_ids(store) == app.pages["1001"].ids()


def test_high_usage_slows_down(store: DuckDBStore, graph: Any) -> None:
    server, app = graph
    app.usage = {"call_count": 95, "total_cputime": 40, "total_time": 60}
    connector_result = run_one(store, spec(server), ENV)
    assert connector_result.status == "ok"
    row = store.fetch_all("SELECT requests, retries FROM source_runs")[0]
    assert row[0] > 0
    from tinhieu.sources.connectors.config import build_connector, parse_config

    config = parse_config({"http": {"slowdown_wait": 0.001}, "sources": {"x": spec(server)}})
    conn = build_connector(config.sources[0], ENV)
    list(conn.fetch("1001", {}))
    assert conn.stats.slowdowns == conn.stats.requests
    conn.close()


def test_expired_token_fails_clearly_and_never_shows_the_token(
    store: DuckDBStore, graph: Any, caplog: pytest.LogCaptureFixture
) -> None:
    server, app = graph
    app.expired = True
    caplog.set_level(logging.DEBUG)
    result = run_one(store, spec(server), ENV)
    assert result.status == "failed" and result.errors == 1
    problem = result.problems[0]
    assert problem.kind == "auth"
    assert "expired" in problem.detail and "token_env" in problem.detail
    assert TOKEN not in everything_text(store, [result])
    assert TOKEN not in caplog.text
    assert len(server.log) == 1  # no retry on an expired token


def test_wrong_token_and_missing_env_var(store: DuckDBStore, graph: Any) -> None:
    server, _ = graph
    wrong = "EAAwrongTOKENvalue999"
    result = run_one(store, spec(server), {"FB_TOKEN": wrong})
    assert result.problems[0].kind == "auth"
    assert wrong not in everything_text(store, [result])
    missing = run_one(store, spec(server), {})
    assert missing.problems[0].kind == "config"
    assert "FB_TOKEN" in missing.problems[0].detail


def test_one_page_not_found_or_forbidden_does_not_stop_the_others(
    store: DuckDBStore, graph: Any
) -> None:
    server, app = graph
    app.pages["2002"] = make_page("2002", posts=3, edge_cases=False)
    app.forbidden.add("3003")
    result = run_one(store, spec(server, pages=["404404", "3003", "2002", "1001"]), ENV)
    assert result.status == "failed"
    assert [(p.kind, p.query) for p in result.problems] == [
        ("not_found", "404404"),
        ("permission", "3003"),
    ]
    assert "pages_read_engagement" in result.problems[1].detail
    assert stored_ids(store) == app.pages["1001"].ids() | app.pages["2002"].ids()


def test_one_failing_source_does_not_stop_another(store: DuckDBStore, graph: Any) -> None:
    server, app = graph
    results = run_sources(
        store,
        {
            "broken": spec(server, token_env="NOPE"),
            "good": spec(server),
        },
        ENV,
    )
    assert [(r.name, r.status) for r in results] == [("broken", "failed"), ("good", "ok")]
    assert stored_ids(store) == app.pages["1001"].ids()


def test_rate_limit_longer_than_the_cap_gives_up_cleanly(store: DuckDBStore, graph: Any) -> None:
    server, _ = graph
    server.inject("/v19.0/1001/posts", throttle_error(regain_minutes=30))
    result = run_one(store, spec(server), ENV)
    assert [p.kind for p in result.problems] == ["rate_limited"]
    assert "max_total_wait" in result.problems[0].detail
