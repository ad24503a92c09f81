"""Campaign names with "/", "?", "#", spaces, markup, backslashes and dots: every route
reaches the campaign, every link the app renders routes back to it, the name stays
inert in HTML; campaign errors in Vietnamese and English (page, API, CLI)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from markupsafe import escape

from tests.web.conftest import PASSWORD, csrf_of, login
from tinhieu.accounts import add_user
from tinhieu.cli import main
from tinhieu.i18n import t
from tinhieu.kol.campaigns import MESSAGES, Campaign, CampaignError, Member, save_campaign
from tinhieu.store import open_store
from tinhieu.web.pages.kol import campaign_url

API = "/api/v1"
WS = "t-campaign-names"
HOSTILE = "Tết/2027 #1 ?x=<b>"
NAMES = [
    HOSTILE,
    "a/b/delete",  # looks like the delete route
    "x/report",  # looks like the report route
    "/lead//double/trail/",
    "a/../b",
    r"back\slash \..\ 50% & more",
    "...x",
]
BODY = {"since": "2025-03-01", "until": "2025-03-12", "hashtags": ["#tinhieu"]}
LANG_COOKIE = "tinhieu_lang"


@pytest.fixture(scope="module")
def names_ws(web_store: Any) -> str:
    web_store.ensure_workspace(WS, "Asia/Ho_Chi_Minh")
    add_user(web_store, "namesana", PASSWORD, workspace=WS, role="analyst")
    add_user(web_store, "namesview", PASSWORD, workspace=WS, role="viewer")
    return WS


@pytest.fixture
def ana(app: Any, names_ws: str) -> TestClient:
    return login(TestClient(app), "namesana")


@pytest.fixture
def view(app: Any, names_ws: str) -> TestClient:
    return login(TestClient(app), "namesview")


def _hrefs(page: str, attr: str = "href") -> list[str]:
    return [html.unescape(u) for u in re.findall(rf'{attr}="(/campaigns[^"]*)"', page)]


def _listed_link(client: TestClient, name: str) -> str:
    """The link of the /campaigns list whose text is ``name`` (escaped in the page)."""
    page = client.get("/campaigns")
    assert page.status_code == 200
    found = re.search(r'<a href="([^"]*)">' + re.escape(str(escape(name))) + "</a>", page.text)
    assert found, f"{name!r} is not listed"
    return html.unescape(found.group(1))


def _check_reachable_then_delete(ana: TestClient, view: TestClient, name: str) -> None:
    """Listed (API and page), its page opens from the listed link with the name escaped,
    the report API answers by the percent-encoded path, the rendered delete form works."""
    names = [c["name"] for c in view.get(f"{API}/campaigns").json()["campaigns"]]
    assert name in names
    link = _listed_link(view, name)
    assert link == campaign_url(name)
    page = view.get(link)
    assert page.status_code == 200, (name, link)
    title = t("web.campaigns.report", "vi", name=name)
    assert str(escape(title)) in page.text
    assert "<b>" not in page.text.split('id="campaign-report"')[1]
    by_path = name.strip(".")  # "..": clients drop dot segments, so the query form
    url = f"{API}/campaigns/{quote(name, safe='')}/report" if by_path else f"{API}/campaigns/report"
    rep = view.get(url, params=None if by_path else {"name": name})
    assert rep.status_code == 200, (name, rep.text)
    assert rep.json()["campaign"]["name"] == name
    # the analyst's report page carries the delete form; its action deletes this name only
    page = ana.get(link)
    actions = _hrefs(page.text, "action")
    delete = [a for a in actions if a != "/campaigns"]
    assert delete == [campaign_url(name, "delete")]
    res = ana.post(delete[0], data={"csrf": csrf_of(ana)}, follow_redirects=False)
    assert res.status_code == 303, (name, res.text)
    assert view.get(link).status_code == 404
    assert name not in [c["name"] for c in view.get(f"{API}/campaigns").json()["campaigns"]]
    deleted = ana.get(res.headers["location"])
    assert str(escape(t("web.campaigns.deleted", "vi", name=name))) in deleted.text


@pytest.mark.parametrize("name", NAMES)
def test_api_created_names_are_reachable_and_deletable(
    ana: TestClient, view: TestClient, name: str
) -> None:
    res = ana.post(
        f"{API}/campaigns", json={**BODY, "name": name}, headers={"X-CSRF-Token": csrf_of(ana)}
    )
    assert res.status_code == 201, res.text
    assert res.json()["name"] == name
    _check_reachable_then_delete(ana, view, name)


def test_form_created_hostile_name_routes_back_and_api_deletes(
    ana: TestClient, view: TestClient
) -> None:
    form = {"csrf": csrf_of(ana), "name": HOSTILE, "since": "2025-03-01", "until": "2025-03-12"}
    form.update(kols="facebook:someone 1000\n", hashtags="#tinhieu", links="", cost="", brand="")
    res = ana.post("/campaigns", data=form, follow_redirects=False)
    assert res.status_code == 303, res.text
    assert res.headers["location"] == campaign_url(HOSTILE) == "/campaigns/" + quote(HOSTILE, "")
    page = ana.get(res.headers["location"])
    assert page.status_code == 200
    assert "Tết/2027 #1 ?x=&lt;b&gt;" in page.text and "?x=<b>" not in page.text
    assert _listed_link(view, HOSTILE) == res.headers["location"]
    rep = view.get(f"{API}/campaigns/{quote(HOSTILE, safe='')}/report")
    assert rep.status_code == 200 and rep.json()["campaign"]["kols"][0]["cost"] == 1000
    # the API delete by the percent-encoded name; a viewer may not
    url = f"{API}/campaigns/{quote(HOSTILE, safe='')}"
    assert view.delete(url, headers={"X-CSRF-Token": csrf_of(view)}).status_code == 403
    res = ana.delete(url, headers={"X-CSRF-Token": csrf_of(ana)})
    assert res.status_code == 200 and res.json() == {"deleted": HOSTILE}
    assert view.get(f"{url}/report").status_code == 404
    assert ana.delete(url, headers={"X-CSRF-Token": csrf_of(ana)}).status_code == 404


def test_suffix_routes_take_the_longest_name(ana: TestClient, view: TestClient) -> None:
    """ "x" and "x/delete" both exist: each URL reaches the one it was built for."""
    for name in ("x", "x/delete", "x/report"):
        res = ana.post(
            f"{API}/campaigns", json={**BODY, "name": name}, headers={"X-CSRF-Token": csrf_of(ana)}
        )
        assert res.status_code == 201, res.text
    assert view.get("/campaigns/x%2Fdelete").status_code == 200
    assert view.get(f"{API}/campaigns/x%2Freport/report").json()["campaign"]["name"] == "x/report"
    assert view.get(f"{API}/campaigns/x/report").json()["campaign"]["name"] == "x"
    res = ana.post("/campaigns/x%2Fdelete/delete", data={"csrf": csrf_of(ana)})
    assert res.status_code == 200  # followed to the list
    names = {c["name"] for c in view.get(f"{API}/campaigns").json()["campaigns"]}
    assert {"x", "x/report"} <= names and "x/delete" not in names
    for name in ("x", "x/report"):
        res = ana.delete(
            f"{API}/campaigns/{quote(name, safe='')}", headers={"X-CSRF-Token": csrf_of(ana)}
        )
        assert res.json() == {"deleted": name}
    # "/campaigns/" is the list, not a campaign named ""
    assert view.get("/campaigns/").status_code == 200


@pytest.fixture
def dotted(web_store: Any, names_ws: str) -> Iterator[str]:
    """A campaign named ".." stored before such names were refused."""
    from datetime import UTC, datetime

    c = Campaign(
        WS,
        "..",
        datetime(2025, 3, 1, tzinfo=UTC),
        datetime(2025, 3, 2, tzinfo=UTC),
        (Member("hashtag", "", "#dots"),),
    )
    save_campaign(web_store, c, replace=True)
    yield ".."
    web_store.execute("DELETE FROM campaign_members WHERE workspace = ?", [WS])
    web_store.execute("DELETE FROM campaigns WHERE workspace = ? AND name = '..'", [WS])


def test_dot_names_are_refused_but_stored_ones_stay_reachable(
    ana: TestClient, view: TestClient, dotted: str
) -> None:
    for name in (".", ".."):
        res = ana.post(
            f"{API}/campaigns", json={**BODY, "name": name}, headers={"X-CSRF-Token": csrf_of(ana)}
        )
        assert res.status_code == 400
        assert res.json()["error"]["message"] == t("campaign.error.name_dots", "vi")
    assert campaign_url("..") == "/campaigns?name=.."
    assert campaign_url("..", "delete") == "/campaigns/delete?name=.."
    rep = view.get(f"{API}/campaigns/report", params={"name": ".."})
    assert rep.status_code == 200 and rep.json()["campaign"]["name"] == ".."
    _check_reachable_then_delete(ana, view, "..")
    res = ana.delete(
        f"{API}/campaigns", params={"name": ".."}, headers={"X-CSRF-Token": csrf_of(ana)}
    )
    assert res.status_code == 404  # already gone


def test_form_errors_in_vietnamese_and_english(ana: TestClient) -> None:
    form = {"csrf": csrf_of(ana), "name": "Lỗi", "since": "2025-03-01", "until": "2025-03-12"}
    form.update(kols="", hashtags="", links="", cost="", brand="")
    for lang in ("vi", "en"):
        ana.cookies.set(LANG_COOKIE, lang)
        res = ana.post("/campaigns", data=form)
        assert res.status_code == 400
        inner = t("campaign.error.nothing", lang)
        assert str(escape(t("web.campaigns.invalid", lang, error=inner))) in res.text
        res = ana.post("/campaigns", data={**form, "hashtags": "#a b#", "name": "."})
        assert str(escape(t("campaign.error.name_dots", lang))) in res.text
    assert t("campaign.error.nothing", "vi") != t("campaign.error.nothing", "en")
    ana.cookies.delete(LANG_COOKIE)


def test_api_errors_follow_the_language(ana: TestClient) -> None:
    headers = {"X-CSRF-Token": csrf_of(ana)}
    body = {**BODY, "name": "Tết/lỗi", "hashtags": ["# bad"]}
    for lang in ("vi", "en"):
        ana.cookies.set(LANG_COOKIE, lang)
        res = ana.post(f"{API}/campaigns", json=body, headers=headers)
        assert res.status_code == 400
        assert res.json()["error"]["message"] == t("campaign.error.bad_hashtag", lang, text="# bad")
        res = ana.post(f"{API}/campaigns", json={**body, "hashtags": []}, headers=headers)
        assert res.json()["error"]["message"] == t("campaign.error.nothing", lang)
    ana.cookies.delete(LANG_COOKIE)
    ok = ana.post(f"{API}/campaigns", json={**BODY, "name": "Tết/409"}, headers=headers)
    assert ok.status_code == 201
    res = ana.post(f"{API}/campaigns", json={**BODY, "name": "Tết/409"}, headers=headers)
    assert res.status_code == 409
    assert res.json()["error"]["message"] == t("campaign.error.exists", "vi", name="Tết/409")
    assert ana.delete(f"{API}/campaigns/T%E1%BA%BFt%2F409", headers=headers).status_code == 200


def test_every_campaign_error_has_both_languages() -> None:
    for key, (vi, en) in MESSAGES.items():
        assert vi and en and vi != en, key
    exc = CampaignError("campaign.error.bad_kol", text="nocolon")
    assert str(exc) == t("campaign.error.bad_kol", "en", text="nocolon")
    assert "platform:author_id" in str(exc) and "nocolon" in exc.message("vi")
    assert exc.message("vi") != exc.message("en")


def test_cli_created_name_with_slash_works_on_the_web(tmp_path: Path) -> None:
    from tinhieu.web import create_app

    db = tmp_path / "cli.duckdb"
    with open_store(db) as store:
        store.ensure_workspace("cli-ws", "Asia/Ho_Chi_Minh")
        add_user(store, "cliana", PASSWORD, workspace="cli-ws", role="analyst")
    runner = CliRunner()
    base = ["--db", str(db), "-w", "cli-ws"]
    args = ["campaign", "add", HOSTILE, "--hashtag", "#a", "--since", "2025-03-01"]
    res = runner.invoke(main, [*args, "--until", "2025-03-02", *base])
    assert res.exit_code == 0, res.output
    # CLI errors follow --lang
    bad = [*args, "--until", "2025-03-02", "--kol", "nocolon", *base]
    for lang in ("vi", "en"):
        res = runner.invoke(main, ["--lang", lang, *bad])
        assert res.exit_code == 2
        assert t("campaign.error.bad_kol", lang, text="nocolon") in res.output
    res = runner.invoke(main, ["--lang", "en", *args, "--until", "2025-02-01", *base])
    assert res.exit_code == 2 and t("campaign.error.empty_window", "en") in res.output
    res = runner.invoke(main, ["--lang", "en", *args, "--until", "2025-03-02", *base])
    assert t("campaign.error.exists", "en", name=HOSTILE) in res.output
    store = open_store(db)
    try:
        client = login(TestClient(create_app(store)), "cliana")
        _check_reachable_then_delete(client, client, HOSTILE)
    finally:
        store.close()
