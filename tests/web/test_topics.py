"""Topics through the app: the API (create, redefine, delete, re-tagging), live query
validation, the preview, roles, workspace isolation and the Topics pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import WebWorld, bearer, csrf_of
from tinhieu.query import compile_query
from tinhieu.web.overview import last_day

API = "/api/v1"


def direct_count(store: Any, workspace: str, query: str) -> int:
    condition, params = compile_query(query).to_sql()
    return int(
        store.fetch_all(
            f"SELECT count(*) FROM mentions WHERE workspace = ? AND ({condition})",
            [workspace, *params],
        )[0][0]
    )


def tagged(store: Any, workspace: str, topic: str) -> int:
    return int(
        store.fetch_all(
            "SELECT count(*) FROM mentions WHERE workspace = ? AND list_contains(topics, ?)",
            [workspace, topic],
        )[0][0]
    )


@pytest.fixture
def cleanup(world: WebWorld, app: Any) -> Iterator[list[str]]:
    """Topic names a test creates in "default"; deleted afterwards whatever happens."""
    names: list[str] = []
    yield names
    client = TestClient(app)
    for name in names:
        client.delete(f"{API}/topics/{quote(name, safe='')}", headers=bearer(world, "admin"))


def test_create_topic_retags_mentions_like_the_compiled_query(
    world: WebWorld, anonymous: TestClient, web_store: Any, cleanup: list[str]
) -> None:
    name, query = "t5 Trà đào", '"trà đào" OR tradao OR (trà NEAR/2 đào)'
    cleanup.append(name)
    expected = direct_count(web_store, "default", query)
    assert expected > 0
    r = anonymous.post(
        f"{API}/topics",
        json={"name": name, "query": query, "group": "category"},
        headers=bearer(world, "analyst"),
    )
    assert r.status_code == 201, r.text
    assert r.json() == {"name": name, "group": "category", "query": query, "mentions": expected}
    assert tagged(web_store, "default", name) == expected
    listed = {
        t["name"]: t for t in anonymous.get(f"{API}/topics", headers=bearer(world, "viewer")).json()
    }
    assert listed[name]["mentions"] == expected
    # the rollup was refreshed: the metrics of the new topic count the same mentions
    stats = anonymous.get(f"{API}/stats", params={"topic": name}, headers=bearer(world, "viewer"))
    assert stats.status_code == 200, stats.text
    assert stats.json()["volume"]["total"]["value"] == expected

    narrower = '"trà đào"'
    r = anonymous.put(
        f"{API}/topics/{quote(name, safe='')}",
        json={"query": narrower, "group": "category"},
        headers=bearer(world, "analyst"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["mentions"] == direct_count(web_store, "default", narrower)
    assert tagged(web_store, "default", name) == direct_count(web_store, "default", narrower)
    assert direct_count(web_store, "default", narrower) < expected

    r = anonymous.delete(f"{API}/topics/{quote(name, safe='')}", headers=bearer(world, "analyst"))
    assert r.status_code == 204
    assert tagged(web_store, "default", name) == 0
    assert (
        anonymous.get(
            f"{API}/topics/{quote(name, safe='')}", headers=bearer(world, "viewer")
        ).status_code
        == 404
    )


def test_rename_keeps_one_topic(
    world: WebWorld, anonymous: TestClient, web_store: Any, cleanup: list[str]
) -> None:
    cleanup += ["t5 old", "t5 new"]
    h = bearer(world, "admin")
    assert (
        anonymous.post(
            f"{API}/topics", json={"name": "t5 old", "query": "matcha"}, headers=h
        ).status_code
        == 201
    )
    r = anonymous.put(
        f"{API}/topics/t5%20old", json={"name": "t5 new", "query": "matcha"}, headers=h
    )
    assert r.status_code == 200, r.text
    names = {t.name for t in web_store.get_topics("default")}
    assert "t5 new" in names and "t5 old" not in names
    assert tagged(web_store, "default", "t5 old") == 0
    assert tagged(web_store, "default", "t5 new") == direct_count(web_store, "default", "matcha")


def test_query_syntax_error_is_400_with_position_and_changes_nothing(
    world: WebWorld, anonymous: TestClient, web_store: Any
) -> None:
    before = web_store.get_topics("default")
    r = anonymous.post(
        f"{API}/topics",
        json={"name": "t5 broken", "query": "lumi AND (tea OR", "group": "brand"},
        headers=bearer(world, "admin"),
    )
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["position"] == len("lumi AND (tea OR")
    assert "16" in err["message"]
    assert err["caret"].splitlines()[-1] == " " * 16 + "^"
    assert web_store.get_topics("default") == before
    r = anonymous.put(
        f"{API}/topics/Lumi%20Tea",
        json={"query": "lumi NEAR/x tea"},
        headers=bearer(world, "admin"),
    )
    assert r.status_code == 400 and r.json()["error"]["position"] == 5
    assert web_store.get_topics("default") == before


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"name": "Lumi Tea", "query": "lumi"}, 409, "exists"),
        ({"name": "t5 x", "query": "lumi", "group": "enemy"}, 400, "group"),
        ({"name": "   ", "query": "lumi"}, 400, "name"),
        ({"name": "x" * 101, "query": "lumi"}, 400, "100"),
        ({"name": "t5 x", "query": "  "}, 400, "query"),
    ],
)
def test_bad_topics_are_refused_with_a_clear_message(
    world: WebWorld, anonymous: TestClient, body: dict[str, Any], status: int, fragment: str
) -> None:
    r = anonymous.post(f"{API}/topics", json=body, headers=bearer(world, "admin"))
    assert r.status_code == status
    assert fragment in r.json()["error"]["message"]


def test_strict_types(world: WebWorld, anonymous: TestClient) -> None:
    r = anonymous.post(
        f"{API}/topics", json={"name": "t5 x", "query": True}, headers=bearer(world, "admin")
    )
    assert r.status_code == 422
    r = anonymous.post(
        f"{API}/query/preview", json={"query": "lumi", "days": True}, headers=bearer(world, "admin")
    )
    assert r.status_code == 422


def test_live_validation(world: WebWorld, anonymous: TestClient) -> None:
    h = bearer(world, "viewer")
    ok = anonymous.get(f"{API}/query/validate", params={"q": "Lumi  tea -x"}, headers=h)
    assert ok.status_code == 200
    assert ok.json()["valid"] is False  # "-" is not NOT
    ok = anonymous.get(f"{API}/query/validate", params={"q": '"Lumi tea" OR lumi*'}, headers=h)
    assert ok.json() == {"valid": True, "explain": '"lumi tea" OR lumi*', "error": None}
    bad = anonymous.get(f"{API}/query/validate", params={"q": "lumi OR", "lang": "en"}, headers=h)
    body = bad.json()
    assert bad.status_code == 200 and body["valid"] is False
    assert body["error"]["position"] == 7
    assert body["error"]["message"].startswith("Query syntax error at position 7")
    vi = anonymous.get(f"{API}/query/validate", params={"q": "lumi OR"}, headers=h).json()
    assert vi["error"]["message"].startswith("Lỗi cú pháp truy vấn ở vị trí 7")
    assert anonymous.get(f"{API}/query/validate", params={"q": "lumi"}).status_code == 401


def test_preview_counts_the_last_30_days(
    world: WebWorld, anonymous: TestClient, web_store: Any
) -> None:
    query = "lumi*"
    r = anonymous.post(
        f"{API}/query/preview", json={"query": query}, headers=bearer(world, "viewer")
    )
    assert r.status_code == 200, r.text
    p = r.json()
    tz = web_store.workspace_timezone("default")
    last = last_day(web_store, "default", tz)
    zone = ZoneInfo(tz)
    since = datetime.combine(last - timedelta(days=29), datetime.min.time(), tzinfo=zone)
    until = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    condition, params = compile_query(query).to_sql()
    expected = web_store.fetch_all(
        "SELECT count(*) FROM mentions WHERE workspace = ? AND created_at >= ? "
        f"AND created_at < ? AND ({condition})",
        ["default", since, until, *params],
    )[0][0]
    assert p["count"] == expected > 0
    assert p["days"] == 30 and len(p["daily"]["t"]) == 30
    assert sum(p["daily"]["mentions"]) == expected
    assert p["last_day"] == str(last)
    assert 0 < len(p["examples"]) <= 20
    times = [e["created_at"] for e in p["examples"]]
    assert times == sorted(times, reverse=True)
    for e in p["examples"]:
        assert any(
            piece["mark"] and piece["text"].lower().startswith("lumi") for piece in e["pieces"]
        )
    week = anonymous.post(
        f"{API}/query/preview", json={"query": query, "days": 7}, headers=bearer(world, "viewer")
    ).json()
    assert week["count"] <= expected and len(week["daily"]["t"]) == 7
    bad = anonymous.post(
        f"{API}/query/preview", json={"query": "(lumi"}, headers=bearer(world, "viewer")
    )
    assert bad.status_code == 400 and bad.json()["error"]["position"] == 5


def test_hostile_text_in_the_preview_is_data(world: WebWorld, anonymous: TestClient) -> None:
    p = anonymous.post(
        f"{API}/query/preview", json={"query": "xsspayload"}, headers=bearer(world, "viewer")
    ).json()
    assert p["count"] == 1
    text = "".join(piece["text"] for piece in p["examples"][0]["pieces"])
    assert '<a href="javascript:' in text  # JSON text; the page draws it with textContent


def test_viewer_cannot_change_topics(
    world: WebWorld, anonymous: TestClient, viewer: TestClient
) -> None:
    h = bearer(world, "viewer")
    assert (
        anonymous.post(f"{API}/topics", json={"name": "t5 v", "query": "x"}, headers=h).status_code
        == 403
    )
    assert (
        anonymous.put(f"{API}/topics/Lumi%20Tea", json={"query": "x"}, headers=h).status_code == 403
    )
    assert anonymous.delete(f"{API}/topics/Lumi%20Tea", headers=h).status_code == 403
    assert viewer.get("/topics/new").status_code == 403
    page = viewer.get("/topics")
    assert page.status_code == 200
    assert "Lumi Tea" in page.text and "/topics/edit" not in page.text
    r = viewer.post("/topics/save", data={"csrf": csrf_of(viewer), "name": "t5 v", "query": "x"})
    assert r.status_code == 403


def test_other_workspace_topics_are_invisible(
    world: WebWorld, anonymous: TestClient, web_store: Any
) -> None:
    eve = bearer(world, "eve")
    names = [t["name"] for t in anonymous.get(f"{API}/topics", headers=eve).json()]
    assert names == ["Secret Brand"]
    assert anonymous.get(f"{API}/topics/Lumi%20Tea", headers=eve).status_code == 404
    assert (
        anonymous.put(f"{API}/topics/Lumi%20Tea", json={"query": "x"}, headers=eve).status_code
        == 404
    )
    assert anonymous.delete(f"{API}/topics/Lumi%20Tea", headers=eve).status_code == 404
    assert "Lumi Tea" in {t.name for t in web_store.get_topics("default")}
    admin = bearer(world, "admin")
    assert anonymous.get(f"{API}/topics/Secret%20Brand", headers=admin).status_code == 404
    # previews only see the caller's workspace
    mine = anonymous.post(f"{API}/query/preview", json={"query": "otherworkspace"}, headers=eve)
    theirs = anonymous.post(f"{API}/query/preview", json={"query": "otherworkspace"}, headers=admin)
    assert mine.json()["count"] == 5 and theirs.json()["count"] == 0


def test_topics_page_and_editor(admin: TestClient, web_store: Any, cleanup: list[str]) -> None:
    page = admin.get("/topics")
    assert page.status_code == 200
    assert "Lumi Tea" in page.text and 'href="/topics/new"' in page.text
    edit = admin.get("/topics/edit", params={"name": "Lumi Tea"})
    assert edit.status_code == 200 and 'id="topic-query"' in edit.text
    assert "(lumi* OR #lumitea" in edit.text
    assert admin.get("/topics/edit", params={"name": "Secret Brand"}).status_code == 404
    csrf = csrf_of(admin)
    bad = admin.post(
        "/topics/save",
        data={"csrf": csrf, "name": "t5 page", "group": "brand", "query": "lumi AND"},
    )
    assert bad.status_code == 400
    assert "Lỗi cú pháp truy vấn ở vị trí 8" in bad.text
    assert 'value="t5 page"' in bad.text  # what was typed is kept
    assert "t5 page" not in {t.name for t in web_store.get_topics("default")}
    cleanup.append("<b>t5 page</b>")
    good = admin.post(
        "/topics/save",
        data={"csrf": csrf, "name": "<b>t5 page</b>", "group": "category", "query": "matcha"},
        follow_redirects=False,
    )
    assert good.status_code == 303
    listing = admin.get(good.headers["location"])
    assert "&lt;b&gt;t5 page&lt;/b&gt;" in listing.text and "<b>t5 page</b>" not in listing.text
    assert re.search(r'class="flash"', listing.text)
    assert admin.post("/topics/save", data={"name": "x", "query": "y"}).status_code == 403
    gone = admin.post(
        "/topics/delete", data={"csrf": csrf, "name": "<b>t5 page</b>"}, follow_redirects=False
    )
    assert gone.status_code == 303
    assert "<b>t5 page</b>" not in {t.name for t in web_store.get_topics("default")}
