"""KOL routes and pages: ranked KOLs, the KOL detail page, campaigns (roles, isolation,
numbers checked against direct SQL), and the Authors page's new column and links."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.kol.scenario import T0, TOPIC, build
from tests.web.conftest import PASSWORD, bearer, csrf_of, login
from tinhieu.accounts import add_user
from tinhieu.store import open_store
from tinhieu.store.base import Topic

API = "/api/v1"
WS = "t6-kol"
END = T0 + timedelta(days=12)


@pytest.fixture(scope="module")
def kol_ws(web_store: Any) -> str:
    """The hand-built KOL workspace of tests/kol/scenario.py, copied into ``WS``."""
    src = open_store(":memory:")
    src.ensure_workspace("w", "Asia/Ho_Chi_Minh")
    build(src)
    table = src.fetch_arrow(f"SELECT * REPLACE ('{WS}' AS workspace) FROM mentions")
    web_store.ensure_workspace(WS, "Asia/Ho_Chi_Minh")
    web_store.upsert_mentions(table)
    for tp in src.get_topics("w"):
        web_store.put_topic(Topic(WS, tp.name, tp.query, tp.group))
    src.close()
    add_user(web_store, "kolana", PASSWORD, workspace=WS, role="analyst")
    add_user(web_store, "kolview", PASSWORD, workspace=WS, role="viewer")
    return WS


@pytest.fixture
def ana(app: Any, kol_ws: str) -> TestClient:
    return login(TestClient(app), "kolana")


@pytest.fixture
def view(app: Any, kol_ws: str) -> TestClient:
    return login(TestClient(app), "kolview")


def test_kols_ranked_list_and_filters(view: TestClient, web_store: Any) -> None:
    res = view.get(f"{API}/kols", params={"topic": TOPIC})
    assert res.status_code == 200, res.text
    results = res.json()["results"]
    keys = [r["author_id"] for r in results]
    assert keys[0] == "genuine" and keys.index("genuine") < keys.index("bought")
    assert all(r["reasons"] for r in results)
    assert "default" in res.json()["tier_scheme"]
    res = view.get(f"{API}/kols", params={"topic": TOPIC, "min_quality": 70})
    assert "bought" not in [r["author_id"] for r in res.json()["results"]]
    assert view.get(f"{API}/kols", params={"topic": TOPIC, "tier": "giant"}).status_code == 400
    assert view.get(f"{API}/kols", params={"topic": TOPIC, "min_quality": 101}).status_code == 422


def test_kol_detail_and_isolation(view: TestClient, admin: TestClient, web_store: Any) -> None:
    res = view.get(f"{API}/kols/facebook/bought")
    assert res.status_code == 200
    d = res.json()
    n, ix, fol = web_store.fetch_all(
        "SELECT count(*), sum(likes + comments), sum(author_followers) FROM mentions "
        "WHERE workspace = ? AND author_id = 'bought' AND kind = 'post'",
        [WS],
    )[0]
    assert d["profile"]["posts"] == n
    assert d["profile"]["er_followers"] == pytest.approx(ix / fol * 100)
    assert d["quality"]["inflated"] is True and d["quality"]["parts"]["suspicious_comments"] == 1.0
    assert d["influence"]["formula"].startswith("100 × reach")
    assert "Lumi" in d["brands"] and d["recent_posts"][0]["source_id"] == "bought-p5"
    page = view.get("/authors/facebook/bought")
    assert page.status_code == 200
    assert 'id="kol-inflated"' in page.text and "er_excess" in page.text
    # another workspace's user, and an unknown author: 404
    assert admin.get(f"{API}/kols/facebook/bought").status_code == 404
    assert admin.get("/authors/facebook/bought").status_code == 404
    assert view.get(f"{API}/kols/facebook/nobody").status_code == 404


def test_campaign_create_roles_report_and_isolation(
    ana: TestClient, view: TestClient, admin: TestClient, web_store: Any, world: Any
) -> None:
    body = {
        "name": "Genuine web",
        "since": T0.isoformat(),
        "until": END.isoformat(),
        "kols": [{"platform": "facebook", "author_id": "genuine", "cost": 5000000}],
        "hashtags": [],
        "links": [],
    }
    # a viewer cannot create; an analyst can (with the CSRF header of the session)
    res = view.post(f"{API}/campaigns", json=body, headers={"X-CSRF-Token": csrf_of(view)})
    assert res.status_code == 403
    res = ana.post(f"{API}/campaigns", json=body, headers={"X-CSRF-Token": csrf_of(ana)})
    assert res.status_code == 201, res.text
    res = ana.post(f"{API}/campaigns", json=body, headers={"X-CSRF-Token": csrf_of(ana)})
    assert res.status_code == 409
    bad = {**body, "name": "Empty", "until": T0.isoformat()}
    res = ana.post(f"{API}/campaigns", json=bad, headers={"X-CSRF-Token": csrf_of(ana)})
    assert res.status_code == 400 and "empty" in res.json()["error"]["message"]
    strict = {**body, "name": "S", "kols": [{"platform": "facebook", "author_id": 1}]}
    res = ana.post(f"{API}/campaigns", json=strict, headers={"X-CSRF-Token": csrf_of(ana)})
    assert res.status_code == 422
    assert [c["name"] for c in view.get(f"{API}/campaigns").json()["campaigns"]] == ["Genuine web"]
    rep = view.get(f"{API}/campaigns/Genuine web/report")
    assert rep.status_code == 200
    data = rep.json()
    posts, ix = web_store.fetch_all(
        "SELECT count(*), sum(likes + comments + shares) FROM mentions WHERE workspace = ? "
        "AND author_id = 'genuine' AND kind = 'post' AND created_at >= ? AND created_at < ?",
        [WS, T0, END],
    )[0]
    assert data["posts"] == posts == 6
    assert data["metrics"]["interactions"]["value"] == ix
    assert data["metrics"]["cost_per_engagement"]["value"] == pytest.approx(5e6 / ix)
    # the campaigns page lists it and shows the report
    page = view.get("/campaigns")
    assert page.status_code == 200 and "Genuine web" in page.text
    page = view.get("/campaigns/Genuine web")
    assert page.status_code == 200 and 'data-metric="cost_per_engagement"' in page.text
    # other workspace: 404 and an empty list
    assert admin.get(f"{API}/campaigns/Genuine web/report").status_code == 404
    assert admin.get("/campaigns/Genuine web").status_code == 404
    names = [c["name"] for c in admin.get(f"{API}/campaigns").json()["campaigns"]]
    assert "Genuine web" not in names
    eve = bearer(world, "eve")
    assert view.app is not None
    res = TestClient(view.app).get(f"{API}/campaigns/Genuine web/report", headers=eve)
    assert res.status_code == 404


def test_hostile_author_name_is_escaped(view: TestClient, web_store: Any) -> None:
    from tests.metrics.helpers import add, mention

    add(
        web_store,
        [
            mention(
                workspace=WS,
                source_id="xss-kol",
                author_id="xss",
                author_name="<script>alert(1)</script>",
                text="<img src=x onerror=alert(2)>",
                created_at=T0,
            )
        ],
    )
    page = view.get("/authors/facebook/xss")
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;" in page.text
    assert "<img src=x" not in page.text


def test_authors_page_has_quality_and_links(view: TestClient) -> None:
    page = view.get("/authors", params={"sort": "interactions"})
    assert page.status_code == 200
    assert 'href="/authors/facebook/bought"' in page.text
    assert 'href="/campaigns"' in page.text
    assert 'class="num quality"' in page.text
