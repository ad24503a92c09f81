"""KOL routes and pages: ranked KOLs, the KOL detail page, campaigns (roles, isolation,
numbers checked against direct SQL), and the Authors page's new column and links."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from tests.kol.scenario import T0, TOPIC, build
from tests.web.conftest import CAMPAIGN, PASSWORD, bearer, csrf_of, login
from tinhieu.accounts import add_user
from tinhieu.i18n import t
from tinhieu.metrics.tiers import scheme as get_scheme
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
    assert res.status_code == 400
    assert res.json()["error"]["message"] == t("campaign.error.empty_window", "vi")
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


# --- the /kols discovery page, its exports and the campaign form ---------------------------
HOSTILE_FORMULA = '=HYPERLINK("http://evil.example/x","click")'
HOSTILE_HTML = '<img src=x onerror="window.__pwned=5">@kol'
CAMP = "Chiến dịch form"


def _either(key: str, **values: Any) -> tuple[str, str]:
    from markupsafe import escape

    from tinhieu.i18n import t

    return tuple(str(escape(t(key, lang, **values))) for lang in ("vi", "en"))  # type: ignore[return-value]


@pytest.fixture(scope="module")
def hostile_kols(web_store: Any, kol_ws: str) -> str:
    """Two authors of ``WS`` with hostile names whose posts say "zzformula"."""
    from tests.metrics.helpers import add, mention

    add(
        web_store,
        [
            mention(
                workspace=WS,
                source_id=f"hostile-{who}-{i}",
                author_id=f"hostile-{who}",
                author_name=name,
                author_followers=5000,
                likes=20 + i,
                comments=3,
                text=f"zzformula review {i}",
                created_at=T0 + timedelta(days=i),
            )
            for who, name in (("f", HOSTILE_FORMULA), ("h", HOSTILE_HTML))
            for i in range(4)
        ],
    )
    return "zzformula"


def test_kols_page_ranks_with_reasons_and_links(view: TestClient) -> None:
    page = view.get("/kols", params={"topic": TOPIC})
    assert page.status_code == 200, page.text
    api = view.get(f"{API}/kols", params={"topic": TOPIC}).json()["results"]
    rows = re.findall(r'<tr data-author="([^"]+)">', page.text)
    assert rows == [f"{r['platform']}:{r['author_id']}" for r in api]
    assert rows[0] == "facebook:genuine" and rows.index("facebook:genuine") < rows.index(
        "facebook:bought"
    )
    # every reason of the API (same language) is in the page, as a list item
    for reason in api[0]["reasons"]:
        assert f"<li>{escape(reason)}</li>" in page.text
    # the bought KOL carries the inflated badge, the genuine one does not
    bought = page.text.split('data-author="facebook:bought"')[1].split("</tr>")[0]
    genuine = page.text.split('data-author="facebook:genuine"')[1].split("</tr>")[0]
    assert 'class="badge-inflated"' in bought and "badge-inflated" not in genuine
    for factor in ("reach", "quality", "relevance", "consistency", "engagement_fit"):
        assert f"<dt>{factor}</dt>" in genuine
    href = f"/authors/facebook/genuine?topic={quote_plus(TOPIC)}&amp;scheme=default"
    assert f'href="{href}"' in genuine
    assert 'id="kols-csv"' in page.text and 'href="/kols.xlsx?topic=' in page.text
    assert 'href="/kols"' in page.text  # the navigation entry
    # the KOL detail link works
    assert view.get(href.replace("&amp;", "&")).status_code == 200
    # filters: a tier of the scheme, and a minimum quality that drops the bought KOL
    page = view.get("/kols", params={"topic": TOPIC, "min_quality": "70"})
    assert 'data-author="facebook:genuine"' in page.text
    assert 'data-author="facebook:bought"' not in page.text
    # no topic yet: the form only
    page = view.get("/kols")
    assert (
        page.status_code == 200 and 'id="kols-pick"' in page.text and 'id="kols"' not in page.text
    )


def test_kols_page_errors_are_inline(view: TestClient) -> None:
    page = view.get("/kols", params={"q": '"trà sữa AND ('})
    assert page.status_code == 400
    assert 'id="kols-error"' in page.text and 'role="alert"' in page.text
    assert 'class="caret"' in page.text and 'id="kols-form"' in page.text
    assert "&#34;trà sữa AND (" in page.text  # the query is kept in the input, escaped
    page = view.get("/kols", params={"topic": TOPIC, "tier": "giant"})
    names = ", ".join(get_scheme("default").names)
    wanted = _either("web.kols.bad_tier", tier="giant", scheme="default", names=names)
    assert page.status_code == 400 and any(m in page.text for m in wanted)
    page = view.get("/kols", params={"topic": TOPIC, "min_quality": "abc"})
    assert page.status_code == 400 and any(m in page.text for m in _either("web.kols.bad_quality"))
    assert view.get("/kols.csv", params={"q": '"open'}).status_code == 400
    assert view.get("/kols.csv").status_code == 400


def test_kols_exports_are_inert(view: TestClient, hostile_kols: str) -> None:
    page = view.get("/kols", params={"q": hostile_kols})
    assert page.status_code == 200
    assert "<img src=x" not in page.text and "&lt;img src=x" in page.text
    assert 'data-author="facebook:hostile-f"' in page.text
    res = view.get("/kols.csv", params={"q": hostile_kols})
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/csv")
    assert "attachment" in res.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(res.text)))
    names = {r["author_id"]: r["name"] for r in rows}
    assert names["hostile-f"] == "'" + HOSTILE_FORMULA
    assert names["hostile-h"] == HOSTILE_HTML  # not a formula: left as is
    assert all(not r["name"].startswith(("=", "+", "-", "@")) for r in rows)
    assert [r["rank"] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    res = view.get("/kols.xlsx", params={"q": hostile_kols})
    assert res.status_code == 200
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(res.content)).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    col = header.index("name")
    cells = {row[header.index("author_id")].value: row[col] for row in ws.iter_rows(min_row=2)}
    assert cells["hostile-f"].value == "'" + HOSTILE_FORMULA
    assert cells["hostile-f"].data_type == "s"  # a string, not a formula


def _form(client: TestClient, **fields: str) -> dict[str, str]:
    base = {"csrf": csrf_of(client), "name": CAMP, "since": "2025-03-01", "until": "2025-03-12"}
    base.update(kols="facebook:genuine 5000000\n", hashtags="", links="", cost="", brand="")
    base.update(fields)
    return base


def test_campaign_form_creates_then_reports_then_deletes(ana: TestClient) -> None:
    page = ana.get("/campaigns")
    assert 'id="campaign-form"' in page.text and 'name="csrf"' in page.text
    res = ana.post("/campaigns", data=_form(ana), follow_redirects=False)
    assert res.status_code == 303, res.text
    assert res.headers["location"] == "/campaigns/" + quote(CAMP, safe="")
    report = ana.get(res.headers["location"])
    assert report.status_code == 200
    assert 'id="campaign-metrics"' in report.text
    assert 'data-metric="cost_per_engagement"' in report.text
    data = ana.get(f"{API}/campaigns/{CAMP}/report").json()
    assert data["posts"] == 6  # genuine's posts in the window, as the API test counts them
    assert data["campaign"]["kols"] == [
        {"platform": "facebook", "author_id": "genuine", "cost": 5000000.0}
    ]
    assert data["metrics"]["cost_per_engagement"]["value"] is not None
    # a duplicate name: the form again, with the input kept
    res = ana.post("/campaigns", data=_form(ana, hashtags="#dup"), follow_redirects=False)
    assert res.status_code == 409
    assert any(m in res.text for m in _either("web.campaigns.exists", name=CAMP))
    assert 'value="#dup"' in res.text
    # delete with the report's button
    res = ana.post(f"/campaigns/{CAMP}/delete", data={"csrf": csrf_of(ana)}, follow_redirects=False)
    assert res.status_code == 303
    assert ana.get(f"/campaigns/{CAMP}").status_code == 404
    assert 'id="campaign-deleted"' in ana.get(res.headers["location"]).text


def test_campaign_form_errors_keep_the_input(ana: TestClient, web_store: Any) -> None:
    before = web_store.fetch_all("SELECT count(*) FROM campaigns WHERE workspace = ?", [WS])
    res = ana.post("/campaigns", data=_form(ana, kols="genuine-without-platform\n"))
    assert res.status_code == 400
    assert 'id="form-error"' in res.text
    assert any(
        m in res.text for m in _either("web.campaigns.bad_kol", line="genuine-without-platform")
    )
    assert ">genuine-without-platform\n</textarea>" in res.text
    assert f'value="{CAMP}"' in res.text and 'value="2025-03-12"' in res.text
    res = ana.post("/campaigns", data=_form(ana, since="2025-03-12", until="2025-03-01"))
    assert res.status_code == 400
    assert any(m in res.text for m in _either("web.campaigns.bad_window"))
    res = ana.post("/campaigns", data=_form(ana, kols="facebook:genuine -5"))
    assert res.status_code == 400 and 'id="form-error"' in res.text
    res = ana.post("/campaigns", data=_form(ana, kols="", hashtags=""))
    assert res.status_code == 400 and 'id="form-error"' in res.text
    hostile = '<script>alert("n")</script>'
    res = ana.post("/campaigns", data=_form(ana, name=hostile, until="2025-02-01"))
    assert res.status_code == 400 and "<script>alert" not in res.text
    after = web_store.fetch_all("SELECT count(*) FROM campaigns WHERE workspace = ?", [WS])
    assert before == after


def test_campaign_form_roles_and_csrf(ana: TestClient, view: TestClient, web_store: Any) -> None:
    page = view.get("/campaigns")
    assert page.status_code == 200 and 'id="campaign-form"' not in page.text
    res = view.post("/campaigns", data=_form(view, name="Viewer try"), follow_redirects=False)
    assert res.status_code == 403
    data = _form(ana, name="No csrf")
    del data["csrf"]
    assert ana.post("/campaigns", data=data, follow_redirects=False).status_code == 403
    data["csrf"] = "not-the-token"
    assert ana.post("/campaigns", data=data, follow_redirects=False).status_code == 403
    names = {r[0] for r in web_store.fetch_all("SELECT name FROM campaigns")}
    assert not names & {"Viewer try", "No csrf"}


def test_other_workspace_cannot_see_or_delete_campaigns(
    app: Any, world: Any, analyst: TestClient, web_store: Any
) -> None:
    eve = login(TestClient(app), "eve")
    assert CAMPAIGN not in eve.get("/campaigns").text
    assert eve.get(f"/campaigns/{CAMPAIGN}").status_code == 404
    res = eve.post(
        f"/campaigns/{CAMPAIGN}/delete", data={"csrf": csrf_of(eve)}, follow_redirects=False
    )
    assert res.status_code == 404
    assert (
        TestClient(app)
        .delete(f"{API}/campaigns/{CAMPAIGN}", headers=bearer(world, "eve"))
        .status_code
        == 404
    )
    # a viewer cannot delete through the API either; the campaign is still there
    res = TestClient(app).delete(f"{API}/campaigns/{CAMPAIGN}", headers=bearer(world, "viewer"))
    assert res.status_code == 403
    assert analyst.get(f"/campaigns/{CAMPAIGN}").status_code == 200
    # the analyst's API delete of a campaign of their own workspace works
    body = {
        "name": "API delete me",
        "since": "2026-01-01",
        "until": "2026-01-02",
        "hashtags": ["#x"],
    }
    res = analyst.post(f"{API}/campaigns", json=body, headers={"X-CSRF-Token": csrf_of(analyst)})
    assert res.status_code == 201, res.text
    res = analyst.delete(
        f"{API}/campaigns/API delete me", headers={"X-CSRF-Token": csrf_of(analyst)}
    )
    assert res.status_code == 200 and res.json() == {"deleted": "API delete me"}
    assert analyst.get(f"{API}/campaigns/API delete me/report").status_code == 404
