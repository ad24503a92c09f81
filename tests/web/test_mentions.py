"""The Mentions explorer, its API, the mention page with its thread, and corrections.

Reads run against the shared demo world; tests that correct labels work on their own
copy of it (``own``), so the other web tests keep the world as it was built. Expected
results are computed in Python from the raw rows (or with the query's in-memory
matcher), not with the SQL under test.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from html import unescape
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import XSS_TEXT, WebWorld, bearer, csrf_of, login
from tinhieu.metrics.tiers import kol_tier
from tinhieu.query import compile_query
from tinhieu.store import DuckDBStore, open_store
from tinhieu.web.mention_search import (
    COUNT_CAP,
    CursorError,
    Filters,
    decode_cursor,
    encode_cursor,
    highlight,
    safe_url,
)

API = "/api/v1/mentions"
ROW_COLUMNS = (
    "platform", "source_id", "created_at", "kind", "parent_id", "title", "text", "author_id",
    "author_name", "author_followers", "language", "sentiment", "aspects", "spam", "toxicity",
    "topics",
)  # fmt: skip


def rows_of(store: DuckDBStore, workspace: str) -> list[dict[str, Any]]:
    """Every mention of the workspace as plain Python values."""
    got = store.fetch_all(
        f"SELECT {', '.join(ROW_COLUMNS)} FROM mentions WHERE workspace = ?", [workspace]
    )
    out = []
    for r in got:
        row = dict(zip(ROW_COLUMNS, r, strict=True))
        row["aspects"] = json.loads(row["aspects"]) if row["aspects"] else []
        out.append(row)
    return out


def key(row: dict[str, Any]) -> tuple[str, str]:
    return (row["platform"], row["source_id"])


def newest_first(rows: list[dict[str, Any]], keys: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """The rows with those keys in the explorer's order (stable sorts: key, then time)."""
    chosen = sorted((r for r in rows if key(r) in keys), key=key)
    return sorted(chosen, key=lambda r: r["created_at"], reverse=True)


def walk(client: TestClient, params: dict[str, Any], headers: Any = None) -> list[dict[str, Any]]:
    """Every result of a search, page after page, through the API."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(10_000):
        query = dict(params)
        if cursor:
            query["cursor"] = cursor
        r = client.get(API, params=query, headers=headers)
        assert r.status_code == 200, r.text
        body = r.json()
        assert len(body["items"]) <= int(params.get("limit", 50))
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if not cursor:
            return items
    raise AssertionError("pagination did not end")


@pytest.fixture(scope="module")
def default_rows(web_store: DuckDBStore) -> list[dict[str, Any]]:
    return rows_of(web_store, "default")


# --- search and workspace isolation ----------------------------------------------------------


def test_query_finds_exactly_the_matching_mentions_of_the_workspace(
    admin: TestClient, default_rows: list[dict[str, Any]]
) -> None:
    text = 'lumi AND NOT platform:news OR "hồng hạc"'
    query = compile_query(text)
    expected = {key(r) for r in default_rows if query.matches(r)}
    assert 50 < len(expected) < len(default_rows)
    got = walk(admin, {"q": text, "limit": 200})
    assert {key(r) for r in got} == expected
    assert len(got) == len(expected)
    first = admin.get(API, params={"q": text}).json()
    assert first["count"] == min(len(expected), COUNT_CAP)
    assert first["count_capped"] is False
    # every result marks where the query matched it
    marked = [r for r in got if r["highlights"]["text"] or r["highlights"]["title"]]
    assert len(marked) == len(got)


def test_workspaces_never_see_each_others_mentions(
    admin: TestClient, world: WebWorld, anonymous: TestClient
) -> None:
    # default users: nothing of "other", by API or page
    assert admin.get(API, params={"q": "otherworkspace"}).json()["items"] == []
    assert walk(admin, {"q": "secret", "limit": 200}) == []
    page = admin.get("/mentions")
    assert "bí mật số" not in page.text
    assert "bí mật số" not in admin.get("/mentions?q=otherworkspace").text
    # eve (workspace "other"): only her five rows, by token or session
    eve = bearer(world, "eve")
    mine = walk(anonymous, {"limit": 2}, headers=eve)
    assert len(mine) == 5
    assert all("otherworkspace" in r["text"] for r in mine)
    assert anonymous.get(API, params={"q": "lumi"}, headers=eve).json()["items"] == []
    assert anonymous.get(API, params={"q": "xsspayload"}, headers=eve).json()["items"] == []
    session = login(TestClient(anonymous.app), "eve")
    html = session.get("/mentions").text
    assert html.count('class="mention-list"') == 1
    assert "xsspayload" not in html and "Lumi Tea" not in unescape(html).split("<main", 1)[1]
    # the detail of another workspace's mention is not found
    assert session.get("/mentions/facebook/xss-1").status_code == 404
    assert anonymous.get(f"{API}/facebook/xss-1", headers=eve).status_code == 404


def test_search_needs_a_login(anonymous: TestClient) -> None:
    assert anonymous.get(API).status_code == 401
    r = anonymous.get("/mentions?q=lumi", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


# --- syntax errors ---------------------------------------------------------------------------


def test_syntax_error_is_shown_under_the_box_with_its_position(admin: TestClient) -> None:
    r = admin.get("/mentions", params={"q": "(lumi OR"})
    assert r.status_code == 400
    found = re.search(
        r'<div id="q-error" class="query-error" role="alert" data-position="(\d+)">', r.text
    )
    assert found and found.group(1) == "8"
    assert "Lỗi cú pháp truy vấn ở vị trí 8" in r.text
    # the query is kept in the box and the position is marked in it
    assert 'value="(lumi OR"' in r.text
    assert '<mark class="err-at">' in r.text
    assert 'aria-invalid="true"' in r.text
    assert 'class="mention-list"' not in r.text
    # in English when the page is in English
    admin.cookies.set("tinhieu_lang", "en")
    english = admin.get("/mentions", params={"q": "lumi AND"})
    assert "Query syntax error at position 8" in english.text


def test_syntax_error_in_the_api_is_a_400_with_the_position(admin: TestClient) -> None:
    r = admin.get(API, params={"q": '"giao hàng'}, headers={"Accept-Language": "en"})
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["field"] == "q"
    assert error["position"] == 10
    assert error["message"].startswith("Query syntax error at position 10")
    assert error["caret"].endswith("^")
    vi = admin.get(API, params={"q": "lumi NEAR/x trà"}).json()["error"]
    assert vi["message"].startswith("Lỗi cú pháp") and isinstance(vi["position"], int)


# --- filters ------------------------------------------------------------------------------------


def _local_day(row: dict[str, Any], tz: str) -> date:
    return row["created_at"].astimezone(ZoneInfo(tz)).date()  # type: ignore[no-any-return]


def _has_aspect(row: dict[str, Any], name: str, polarity: str | None = None) -> bool:
    return any(
        a.get("aspect") == name and (polarity is None or a.get("polarity") == polarity)
        for a in row["aspects"]
    )


FILTERS: dict[str, tuple[dict[str, str], Any]] = {
    "platform": ({"platform": "tiktok"}, lambda r, tz: r["platform"] == "tiktok"),
    "kind": ({"kind": "reply"}, lambda r, tz: r["kind"] == "reply"),
    "sentiment": ({"sentiment": "negative"}, lambda r, tz: r["sentiment"] == "negative"),
    "aspect": ({"aspect": "delivery"}, lambda r, tz: _has_aspect(r, "delivery")),
    "aspect_polarity": (
        {"aspect": "quality:negative"},
        lambda r, tz: _has_aspect(r, "quality", "negative"),
    ),
    "spam_kind": ({"spam": "seeding"}, lambda r, tz: r["spam"] == "seeding"),
    "spam_none": ({"spam": "none"}, lambda r, tz: r["spam"] == "none"),
    "spam_flagged": (
        {"spam": "flagged"},
        lambda r, tz: r["spam"] is not None and r["spam"] != "none",
    ),
    "toxicity": ({"toxicity": "HATE"}, lambda r, tz: r["toxicity"] == "HATE"),
    "tier_mega": ({"tier": "mega"}, lambda r, tz: kol_tier(r["author_followers"]) == "mega"),
    "tier_micro": ({"tier": "micro"}, lambda r, tz: kol_tier(r["author_followers"]) == "micro"),
    "tier_unknown": (
        {"tier": "unknown"},
        lambda r, tz: kol_tier(r["author_followers"]) == "unknown",
    ),
    "topic": ({"topic": "Hồng Hạc"}, lambda r, tz: "Hồng Hạc" in (r["topics"] or [])),
    "combined": (
        {"platform": "facebook", "sentiment": "positive", "q": "lumi"},
        lambda r, tz: (
            r["platform"] == "facebook"
            and r["sentiment"] == "positive"
            and compile_query("lumi").matches(r)
        ),
    ),
}


@pytest.mark.parametrize("name", list(FILTERS))
def test_each_filter_narrows_to_exactly_its_mentions(
    name: str, admin: TestClient, web_store: DuckDBStore, default_rows: list[dict[str, Any]]
) -> None:
    params, keep = FILTERS[name]
    tz = web_store.workspace_timezone("default")
    expected = {key(r) for r in default_rows if keep(r, tz)}
    assert expected, f"the demo world has no mention for {name}"
    if name != "spam_none":
        assert len(expected) < len(default_rows)
    got = walk(admin, {**params, "limit": 200})
    assert {key(r) for r in got} == expected and len(got) == len(expected)
    assert [key(r) for r in got] == [key(r) for r in newest_first(default_rows, expected)]
    assert admin.get(API, params=params).json()["count"] == min(len(expected), COUNT_CAP)


def test_dates_are_workspace_local_days_with_until_inclusive(
    admin: TestClient, web_store: DuckDBStore, default_rows: list[dict[str, Any]]
) -> None:
    tz = web_store.workspace_timezone("default")
    days = sorted({_local_day(r, tz) for r in default_rows})
    since, until = days[3], days[6]
    expected = {key(r) for r in default_rows if since <= _local_day(r, tz) <= until}
    got = walk(admin, {"since": since.isoformat(), "until": until.isoformat(), "limit": 200})
    assert {key(r) for r in got} == expected
    one_day = walk(admin, {"since": until.isoformat(), "until": until.isoformat(), "limit": 200})
    assert {key(r) for r in one_day} == {key(r) for r in default_rows if _local_day(r, tz) == until}


def test_tier_conditions_match_kol_tier_at_every_boundary() -> None:
    import duckdb

    from tinhieu.metrics.tiers import TIER_NAMES, TIERS
    from tinhieu.web.mention_search import tier_condition

    values: list[int | None] = [None, -5, 0, 1]
    for _, lower in TIERS:
        values += [lower - 1, lower, lower + 1]
    con = duckdb.connect()
    con.execute("CREATE TABLE mentions (author_followers BIGINT)")
    con.executemany("INSERT INTO mentions VALUES (?)", [[v] for v in values])
    for tier in TIER_NAMES:
        condition, params = tier_condition(tier)
        got = sorted(
            (
                r[0]
                for r in con.execute(f"SELECT * FROM mentions WHERE {condition}", params).fetchall()
            ),
            key=lambda v: -1e18 if v is None else v,
        )
        want = sorted(
            (v for v in values if kol_tier(v) == tier), key=lambda v: -1e18 if v is None else v
        )
        assert got == want, tier


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"platform": "myspace"}, "platform"),
        ({"sentiment": "angry"}, "sentiment"),
        ({"aspect": "Price"}, "aspect"),
        ({"aspect": "price:furious"}, "aspect"),
        ({"tier": "giga"}, "tier"),
        ({"spam": "maybe"}, "spam"),
        ({"since": "01/12/2026"}, "since"),
        ({"since": "2026-12-05", "until": "2026-12-01"}, "until"),
    ],
)
def test_bad_filter_values_are_400_naming_the_field(
    admin: TestClient, params: dict[str, str], field: str
) -> None:
    r = admin.get(API, params=params)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["field"] == field
    page = admin.get("/mentions", params=params)
    assert page.status_code == 400
    assert f'data-field="{field}"' in page.text


def test_unknown_topic_is_404_in_the_api(admin: TestClient) -> None:
    assert admin.get(API, params={"topic": "Secret Brand"}).status_code == 404


# --- pagination ---------------------------------------------------------------------------------


def test_pages_walk_every_result_once_in_order(admin: TestClient, web_store: DuckDBStore) -> None:
    expected = web_store.fetch_all(
        "SELECT platform, source_id FROM mentions WHERE workspace = 'default' "
        "AND list_contains(topics, 'Lumi Tea') ORDER BY created_at DESC, platform, source_id"
    )
    got = walk(admin, {"topic": "Lumi Tea", "limit": 7})
    assert [key(r) for r in got] == [tuple(r) for r in expected]
    assert len({key(r) for r in got}) == len(got)


def test_pages_break_ties_on_the_same_instant(anonymous: TestClient, world: WebWorld) -> None:
    # eve's five mentions share one created_at: only the platform/source_id tie-break
    # orders them, and pages of two must still give each exactly once
    got = walk(anonymous, {"limit": 2}, headers=bearer(world, "eve"))
    assert len({r["created_at"] for r in got}) == 1
    assert [r["source_id"] for r in got] == sorted(f"other-{i}" for i in range(5))


def test_the_page_links_walk_the_same_results(admin: TestClient) -> None:
    api_ids = [r["source_id"] for r in walk(admin, {"platform": "news", "limit": 200})]
    assert 10 < len(api_ids) < 200
    url: str | None = "/mentions?platform=news&limit=25"
    seen: list[str] = []
    pages = 0
    while url:
        html = admin.get(url).text
        seen += re.findall(r'data-mention data-platform="news" data-source-id="([^"]+)"', html)
        nxt = re.search(r'<a href="([^"]+)" id="next-page"', html)
        url = unescape(nxt.group(1)) if nxt else None
        pages += 1
        if pages > 1:
            assert 'id="first-page"' in html
    assert seen == api_ids
    assert pages == -(-len(api_ids) // 25)


def test_a_tampered_or_foreign_cursor_is_refused(admin: TestClient) -> None:
    first = admin.get(API, params={"q": "lumi", "limit": 5}).json()
    cursor = first["next_cursor"]
    assert cursor and admin.get(API, params={"q": "lumi", "cursor": cursor}).status_code == 200
    payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    swapped = dict(payload, key=[payload["key"][0], 5])
    bad = [
        cursor[:-3] + ("A" if cursor[-3] != "A" else "B") + cursor[-2:],  # a flipped character
        cursor + "!!",
        "not-a-cursor",
        base64.urlsafe_b64encode(json.dumps(swapped).encode()).decode().rstrip("="),
        base64.urlsafe_b64encode(json.dumps(dict(payload, t="yesterday")).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps(dict(payload, extra=1)).encode()).decode(),
        base64.urlsafe_b64encode(b"[1, 2, 3]").decode(),
    ]
    for value in bad:
        r = admin.get(API, params={"q": "lumi", "cursor": value})
        assert r.status_code == 400, value
        assert r.json()["error"]["field"] == "cursor"
    # a cursor of another search is not this search's
    assert admin.get(API, params={"q": "trà", "cursor": cursor}).status_code == 400
    page = admin.get("/mentions", params={"q": "lumi", "cursor": "not-a-cursor"})
    assert page.status_code == 400 and 'data-field="cursor"' in page.text


def test_cursor_round_trip_and_checks() -> None:
    from datetime import UTC, datetime

    at = datetime(2026, 12, 1, 3, 4, 5, 678901, tzinfo=UTC)
    fp = Filters(q="lumi").fingerprint()
    text = encode_cursor("mentions", at, ("facebook", "1_2/3"), fp)
    assert decode_cursor(text, "mentions", 2, fp) == (at, ["facebook", "1_2/3"])
    with pytest.raises(CursorError):
        decode_cursor(text, "corrections", 2, fp)
    with pytest.raises(CursorError):
        decode_cursor(text, "mentions", 2, Filters(q="trà").fingerprint())
    naive = encode_cursor("mentions", at.replace(tzinfo=None), ("a", "b"), fp)
    with pytest.raises(CursorError):
        decode_cursor(naive, "mentions", 2, fp)


def test_page_size_bounds(admin: TestClient) -> None:
    assert len(admin.get(API, params={"limit": 200}).json()["items"]) == 200
    assert admin.get(API, params={"limit": 201}).status_code == 422
    assert admin.get(API, params={"limit": 0}).status_code == 422
    assert len(admin.get(API).json()["items"]) == 50


# --- what a result shows, safely ------------------------------------------------------------


def test_highlight_escapes_everything_and_marks_matches() -> None:
    q = compile_query("lumi OR xsspayload")
    html = str(highlight(q, XSS_TEXT))
    assert html.startswith("<mark>Lumi</mark> Tea &lt;script&gt;")
    assert html.endswith("<mark>xsspayload</mark>")
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert html.count("<mark>") == 2
    assert str(highlight(None, "<b>x</b>")) == "&lt;b&gt;x&lt;/b&gt;"
    assert str(highlight(q, "lumi " * 5 + "end", limit=7)) == "<mark>lumi</mark> <mark>lu</mark>"


def test_only_web_links_are_links() -> None:
    assert safe_url("https://www.facebook.com/1/posts/2") == "https://www.facebook.com/1/posts/2"
    assert safe_url("http://example.com/?a=1&b=2") == "http://example.com/?a=1&b=2"
    for bad in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "//evil.example",
                "https://", "https://a.b/\x00x", "ftp://a.b/c", None, ""):  # fmt: skip
        assert safe_url(bad) is None, bad


def test_the_hostile_mention_is_shown_as_text(admin: TestClient) -> None:
    html = admin.get("/mentions", params={"q": "xsspayload"}).text
    main = html.split('<main id="main"', 1)[1]
    assert "<script>window.__pwned" not in main
    assert "<img src=x" not in main
    assert 'href="javascript:' not in main
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in main
    assert "&lt;b onmouseover=" in main  # the author's name
    assert main.count("<script") == 1  # only the labels island
    assert "<mark>xsspayload</mark>" in main


def test_a_result_shows_its_author_interactions_labels_and_links(
    admin: TestClient, default_rows: list[dict[str, Any]]
) -> None:
    item = admin.get(API, params={"q": "xsspayload"}).json()["items"][0]
    assert item["author_name"].startswith("<b onmouseover")
    assert item["author_followers"] == 120 and item["tier"] == "nano"
    assert item["interactions"] == 3
    page = admin.get("/mentions", params={"q": "xsspayload"}).text
    assert "120 người theo dõi" in page and 'class="tier tier-nano"' in page
    assert "Tương tác: 3" in page and 'datetime="' + item["created_at"] + '"' in page
    assert item["links"] == {
        "self": "/api/v1/mentions/facebook/xss-1",
        "page": "/mentions/facebook/xss-1",
    }
    with_aspects = next(r for r in default_rows if r["aspects"] and r["spam"] == "seeding")
    html = admin.get(f"/mentions/{with_aspects['platform']}/{with_aspects['source_id']}").text
    assert 'class="label spam-badge"' in html and "Seeding" in html
    assert 'class="chip pol-' in html
    assert 'class="original" href="https://' in html


# --- one mention and its thread ----------------------------------------------------------------


def test_detail_gives_the_record_and_the_thread(
    admin: TestClient, default_rows: list[dict[str, Any]]
) -> None:
    by_key = {key(r): r for r in default_rows}
    reply = next(
        r
        for r in sorted(default_rows, key=key)
        if r["kind"] == "reply" and (r["platform"], r["parent_id"]) in by_key
    )
    comment = by_key[(reply["platform"], reply["parent_id"])]
    post = by_key[(reply["platform"], comment["parent_id"])]
    body = admin.get(f"{API}/{reply['platform']}/{reply['source_id']}").json()
    assert body["mention"]["text"] == reply["text"]
    assert body["mention"]["created_at"] == reply["created_at"].isoformat()
    thread = body["thread"]
    assert [a["source_id"] for a in thread["ancestors"]] == [
        post["source_id"],
        comment["source_id"],
    ]
    assert thread["missing_parent"] is None and thread["truncated"] is False
    # the post's comments, each followed by its replies, siblings by time
    same = [r for r in default_rows if r["platform"] == post["platform"]]
    comments = sorted(
        (r for r in same if r["parent_id"] == post["source_id"]),
        key=lambda r: (r["created_at"], r["source_id"]),
    )
    expected: list[str] = []
    for c in comments:
        expected.append(c["source_id"])
        expected += [
            r["source_id"]
            for r in sorted(same, key=lambda r: (r["created_at"], r["source_id"]))
            if r["parent_id"] == c["source_id"]
        ]
    assert [i["source_id"] for i in thread["items"]] == expected[:200]
    depth = {i["source_id"]: i["depth"] for i in thread["items"]}
    assert depth[comment["source_id"]] == 1 and depth[reply["source_id"]] == 2
    # the page shows the post, the mention and the thread
    html = admin.get(f"/mentions/{reply['platform']}/{reply['source_id']}").text
    assert 'class="mention ancestor"' in html
    assert 'class="mention this-mention"' in html
    assert html.count('data-source-id="' + reply["source_id"] + '"') == 2  # itself, in the thread
    assert 'class="depth-2 current"' in html


def test_a_big_thread_is_capped(admin: TestClient, default_rows: list[dict[str, Any]]) -> None:
    children: dict[tuple[str, str], list[str]] = {}
    for r in default_rows:
        if r["parent_id"]:
            children.setdefault((r["platform"], r["parent_id"]), []).append(r["source_id"])
    (platform, post_id), first = max(children.items(), key=lambda kv: len(kv[1]))
    total = len(first) + sum(len(children.get((platform, c), [])) for c in first)
    assert total > 150
    thread = admin.get(f"{API}/{platform}/{post_id}").json()["thread"]
    assert thread["ancestors"] == []
    assert len(thread["items"]) == min(200, total)
    assert thread["truncated"] == (total > 200)
    assert len({i["source_id"] for i in thread["items"]}) == len(thread["items"])


def test_unknown_mention_is_404(admin: TestClient) -> None:
    assert admin.get(f"{API}/facebook/nope-nope").status_code == 404
    assert admin.get("/mentions/facebook/nope-nope").status_code == 404
    assert admin.get(f"{API}/facebook/other-1").status_code == 404  # eve's, not ours


# --- corrections ----------------------------------------------------------------------


@dataclass
class Own:
    """A private copy of the demo world, for tests that change labels."""

    store: DuckDBStore
    app: Any
    world: WebWorld

    def client(self, user: str) -> TestClient:
        return login(TestClient(self.app), user)

    def labels(self, platform: str, source_id: str, workspace: str = "default") -> tuple[Any, ...]:
        return self.store.fetch_all(
            "SELECT sentiment, spam, aspects FROM mentions WHERE workspace = ? "
            "AND platform = ? AND source_id = ?",
            [workspace, platform, source_id],
        )[0]


def own_copy(web_store: DuckDBStore, world: WebWorld, folder: Path) -> Own:
    from tinhieu.web import create_app

    web_store.execute("CHECKPOINT")
    db = folder / "own.duckdb"
    shutil.copy(world.db, db)
    store = open_store(db)
    return Own(store, create_app(store), WebWorld(db, world.tokens))


@pytest.fixture(scope="module")
def own(
    web_store: DuckDBStore, world: WebWorld, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Own]:
    copy = own_copy(web_store, world, tmp_path_factory.mktemp("mentions"))
    yield copy
    copy.store.close()


def fix(platform: str, source_id: str, field: str, value: Any) -> dict[str, Any]:
    """A correction body."""
    return {"platform": platform, "source_id": source_id, "field": field, "value": value}


def _pick(own: Own, sql: str) -> tuple[str, str]:
    row = own.store.fetch_all(
        "SELECT platform, source_id FROM mentions WHERE workspace = 'default' AND "
        f"{sql} ORDER BY platform, source_id LIMIT 1"
    )
    return row[0][0], row[0][1]


def test_analyst_corrects_sentiment_spam_and_aspects(own: Own) -> None:
    platform, source_id = _pick(own, "sentiment = 'positive' AND spam = 'none'")
    analyst = TestClient(own.app)
    token = bearer(own.world, "analyst")
    r = analyst.post(
        "/api/v1/corrections", headers=token, json=fix(platform, source_id, "sentiment", "negative")
    )
    assert r.status_code == 200, r.text
    assert r.json()["mention"]["sentiment"] == "negative"
    r = analyst.post(
        "/api/v1/corrections", headers=token, json=fix(platform, source_id, "spam", "ad")
    )
    assert r.status_code == 200 and r.json()["mention"]["spam"] == "ad"
    aspects = [
        {"aspect": "price", "polarity": "negative"},
        {"aspect": "service", "polarity": "positive"},
    ]
    r = analyst.post(
        "/api/v1/corrections", headers=token, json=fix(platform, source_id, "aspects", aspects)
    )
    assert r.status_code == 200, r.text
    sentiment, spam, stored = own.labels(platform, source_id)
    assert (sentiment, spam) == ("negative", "ad")
    assert [(a["aspect"], a["polarity"], a["source"]) for a in json.loads(stored)] == [
        ("price", "negative", "analyst"), ("service", "positive", "analyst")]  # fmt: skip
    # kept in the corrections table for retraining, and listed
    listed = analyst.get("/api/v1/corrections", headers=token).json()["items"]
    mine = {c["field"]: c for c in listed if c["source_id"] == source_id}
    assert mine["sentiment"]["value"] == "negative"
    assert mine["spam"]["value"] == "ad"
    assert [a["aspect"] for a in mine["aspects"]["value"]] == ["price", "service"]
    assert all(c["corrected_by"] == "analyst" for c in mine.values())
    assert mine["sentiment"]["text"]
    # the corrected labels are what the search filters on, and the page shows them
    found = walk(analyst, {"aspect": "price:negative", "sentiment": "negative", "spam": "ad",
                           "limit": 200}, headers=token)  # fmt: skip
    assert (platform, source_id) in {key(r) for r in found}
    html = own.client("viewer").get(f"/mentions/{platform}/{source_id}").text
    assert 'data-field="sentiment"' in html and "bởi analyst" in html
    # correcting again replaces the correction
    analyst.post(
        "/api/v1/corrections", headers=token, json=fix(platform, source_id, "sentiment", "neutral")
    )
    assert own.labels(platform, source_id)[0] == "neutral"
    rows = own.store.fetch_all(
        "SELECT value FROM corrections WHERE workspace = 'default' AND platform = ? "
        "AND source_id = ? AND field = 'sentiment'",
        [platform, source_id],
    )
    assert rows == [("neutral",)]


def test_metrics_count_a_correction_at_once(own: Own) -> None:
    from tinhieu.metrics import refresh_rollup, summary
    from tinhieu.metrics.rollup import rollup_is_fresh

    refresh_rollup(own.store, "default")
    assert rollup_is_fresh(own.store, "default")
    platform, source_id = _pick(own, "sentiment = 'positive' AND spam = 'none' AND kind = 'post'")

    def net(**kw: Any) -> Any:
        return summary(own.store, "default", **kw).to_dict()["net_sentiment"]

    before = net()
    r = TestClient(own.app).post(
        "/api/v1/corrections",
        json=fix(platform, source_id, "sentiment", "negative"),
        headers=bearer(own.world, "analyst"),
    )
    assert r.status_code == 200
    assert net() == net(rollup=False) != before


def test_corrections_are_listed_in_keyset_pages(own: Own) -> None:
    token = bearer(own.world, "admin")
    client = TestClient(own.app)
    picks = own.store.fetch_all(
        "SELECT platform, source_id FROM mentions WHERE workspace = 'default' "
        "AND kind = 'review' ORDER BY source_id LIMIT 4"
    )
    for platform, source_id in picks:
        for field, value in (("sentiment", "neutral"), ("spam", "fake_review")):
            r = client.post(
                "/api/v1/corrections", headers=token, json=fix(platform, source_id, field, value)
            )
            assert r.status_code == 200
    everything = client.get("/api/v1/corrections", params={"limit": 200}, headers=token).json()
    assert everything["next_cursor"] is None
    seen: list[tuple[str, str, str]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/v1/corrections", params=params, headers=token).json()
        seen += [(c["platform"], c["source_id"], c["field"]) for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [(c["platform"], c["source_id"], c["field"]) for c in everything["items"]]
    assert len(set(seen)) == len(seen) >= 8
    only = client.get("/api/v1/corrections", params={"field": "spam", "limit": 200}, headers=token)
    assert {c["field"] for c in only.json()["items"]} == {"spam"}
    bad = client.get("/api/v1/corrections", params={"cursor": "xyz"}, headers=token)
    assert bad.status_code == 400
    first = client.get("/api/v1/corrections", params={"limit": 3}, headers=token).json()
    foreign = {"cursor": first["next_cursor"], "field": "spam"}
    assert client.get("/api/v1/corrections", params=foreign, headers=token).status_code == 400
    # eve's workspace has none of them
    eve = client.get("/api/v1/corrections", headers=bearer(own.world, "eve")).json()
    assert eve["items"] == []


def test_viewers_cannot_correct(own: Own) -> None:
    platform, source_id = _pick(own, "sentiment = 'negative'")
    body = {"platform": platform, "source_id": source_id, "field": "sentiment", "value": "positive"}
    client = TestClient(own.app)
    by_token = client.post("/api/v1/corrections", json=body, headers=bearer(own.world, "viewer"))
    assert by_token.status_code == 403
    viewer = own.client("viewer")
    csrf = csrf_of(viewer)
    r = viewer.post("/api/v1/corrections", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 403
    form = viewer.post("/mentions/correct", data={**body, "csrf": csrf}, follow_redirects=False)
    assert form.status_code == 403
    assert own.labels(platform, source_id)[0] == "negative"
    # and see no correction controls, where analysts do
    assert "correct-form" not in viewer.get("/mentions").text
    assert "correct-form" not in viewer.get(f"/mentions/{platform}/{source_id}").text
    assert "correct-form" in own.client("analyst").get("/mentions").text


def test_another_workspaces_mention_is_not_found(own: Own) -> None:
    client = TestClient(own.app)
    body = {"platform": "facebook", "source_id": "xss-1", "field": "sentiment", "value": "negative"}
    r = client.post("/api/v1/corrections", json=body, headers=bearer(own.world, "eve"))
    assert r.status_code == 404
    assert own.labels("facebook", "xss-1")[0] != "negative"
    stored = own.store.fetch_all("SELECT count(*) FROM corrections WHERE source_id = 'xss-1'")
    assert stored[0][0] == 0
    # and the other way round
    back = {"platform": "facebook", "source_id": "other-1", "field": "spam", "value": "ad"}
    r = client.post("/api/v1/corrections", json=back, headers=bearer(own.world, "analyst"))
    assert r.status_code == 404
    assert own.labels("facebook", "other-1", "other")[1] != "ad"


@pytest.mark.parametrize(
    "body",
    [
        {"field": "sentiment", "value": "angry"},
        {"field": "sentiment", "value": "Positive"},
        {"field": "sentiment", "value": 1},
        {"field": "spam", "value": "spammy"},
        {"field": "toxicity", "value": "HATE"},
        {"field": "emotion", "value": "anger"},
        {"field": "aspects", "value": "price:negative"},
        {"field": "aspects", "value": [{"aspect": "price", "polarity": "bad"}]},
        {"field": "aspects", "value": [{"aspect": "Price!", "polarity": "negative"}]},
        {"field": "aspects", "value": [{"aspect": "price", "polarity": "negative", "x": 1}]},
        {"field": "aspects", "value": [{"aspect": "price", "polarity": "negative"}] * 2},
        {"field": "sentiment", "value": "negative", "extra": "no"},
        {"field": "sentiment"},
    ],
)
def test_correction_bodies_are_strict(own: Own, body: dict[str, Any]) -> None:
    platform, source_id = _pick(own, "TRUE")
    full = {"platform": platform, "source_id": source_id, **body}
    r = TestClient(own.app).post(
        "/api/v1/corrections", json=full, headers=bearer(own.world, "analyst")
    )
    assert r.status_code == 422, r.text


def test_the_no_js_form_needs_csrf_and_goes_back(own: Own) -> None:
    platform, source_id = _pick(own, "sentiment = 'neutral' AND kind = 'comment'")
    analyst = own.client("analyst")
    body = {"platform": platform, "source_id": source_id, "field": "sentiment", "value": "positive",
            "next": "/mentions?q=lumi"}  # fmt: skip
    assert analyst.post("/mentions/correct", data=body, follow_redirects=False).status_code == 403
    wrong = analyst.post("/mentions/correct", data={**body, "csrf": "nope"}, follow_redirects=False)
    assert wrong.status_code == 403
    assert own.labels(platform, source_id)[0] == "neutral"
    csrf = csrf_of(analyst)
    r = analyst.post("/mentions/correct", data={**body, "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/mentions?q=lumi#m-")
    assert own.labels(platform, source_id)[0] == "positive"
    # aspects from the grid of selects; "" means the aspect is not there
    form = {"platform": platform, "source_id": source_id, "field": "aspects", "csrf": csrf,
            "aspect.price": "negative", "aspect.delivery": "", "aspect.app": "neutral",
            "next": "//evil.example/x"}  # fmt: skip
    r = analyst.post("/mentions/correct", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/#m-")
    stored = json.loads(own.labels(platform, source_id)[2])
    assert [(a["aspect"], a["polarity"]) for a in stored] == [
        ("price", "negative"),
        ("app", "neutral"),
    ]
    # a session's JSON write needs the CSRF header too
    api = analyst.post(
        "/api/v1/corrections", json=fix(platform, source_id, "sentiment", "negative")
    )
    assert api.status_code == 403
    ok = analyst.post(
        "/api/v1/corrections",
        json=fix(platform, source_id, "spam", "junk"),
        headers={"X-CSRF-Token": csrf},
    )
    assert ok.status_code == 200 and own.labels(platform, source_id)[1] == "junk"
    missing = analyst.post("/mentions/correct", data={**body, "csrf": csrf, "source_id": "nope"},
                           follow_redirects=False)  # fmt: skip
    assert missing.status_code == 404


def test_an_unanalysed_mention_is_found_by_that_filter(own: Own) -> None:
    platform, source_id = _pick(own, "kind = 'post'")
    own.store.execute(
        "UPDATE mentions SET sentiment = NULL WHERE workspace = 'default' AND platform = ? "
        "AND source_id = ?",
        [platform, source_id],
    )
    client = TestClient(own.app)
    found = walk(
        client, {"sentiment": "unanalysed", "limit": 200}, headers=bearer(own.world, "admin")
    )
    assert [key(r) for r in found] == [(platform, source_id)]
    html = own.client("admin").get("/mentions?sentiment=unanalysed").text
    assert 'class="label sentiment s-unanalysed"' in html


def test_count_stops_at_the_cap(own: Own, monkeypatch: pytest.MonkeyPatch) -> None:
    import tinhieu.web.mention_search as ms

    monkeypatch.setattr(ms, "COUNT_CAP", 100)
    body = TestClient(own.app).get(API, headers=bearer(own.world, "admin")).json()
    assert body["count"] == 100 and body["count_capped"] is True
    html = own.client("admin").get("/mentions").text
    assert "Hơn 100 đề cập" in html
    small = TestClient(own.app).get(
        API, params={"platform": "news"}, headers=bearer(own.world, "admin")
    )
    assert small.json()["count_capped"] is False


def test_windowed_and_plain_pages_agree(own: Own) -> None:
    from tinhieu.web.mention_search import parse_filters, search

    topics = {t.name for t in own.store.get_topics("default")}
    for raw in ({}, {"q": "lumi"}, {"platform": "news"}, {"aspect": "quality:positive"}):
        filters = parse_filters(raw, topics)
        for limit in (3, 50):
            a = search(own.store, "default", filters, limit=limit, windowed=True)
            b = search(own.store, "default", filters, limit=limit, windowed=False)
            assert [key(r) for r in a.items] == [key(r) for r in b.items]
            assert (a.count, a.count_capped) == (b.count, b.count_capped)
            if a.next_cursor:
                a2 = search(own.store, "default", filters, cursor=a.next_cursor, limit=limit)
                b2 = search(own.store, "default", filters, cursor=a.next_cursor, limit=limit,
                            windowed=False)  # fmt: skip
                assert [key(r) for r in a2.items] == [key(r) for r in b2.items]


def test_the_explorer_speaks_english_too(own: Own) -> None:
    client = own.client("admin")
    client.cookies.set("tinhieu_lang", "en")
    english = client.get("/mentions").text
    assert "<h1>Mentions</h1>" in english and "Newest first" in english
    assert "Correct labels" in english
