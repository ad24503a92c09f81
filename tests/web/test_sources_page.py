"""The Sources page and ``/api/v1/sources``, over a store of their own with a scheduler
attached (not started: a run on demand happens in the request) and fake feed servers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.sources.connectors.conftest import FAST_HTTP
from tests.sources.connectors.fake_feeds import FeedsApp
from tests.sources.connectors.servers import FakeServer
from tests.web.conftest import PASSWORD, login
from tinhieu.accounts import add_user, create_token
from tinhieu.sources.connectors.config import parse_config
from tinhieu.sources.scheduler import Scheduler
from tinhieu.store import DuckDBStore, open_store
from tinhieu.web import create_app

HOSTILE = "<b>x</b>"


@dataclass
class Site:
    app: Any
    store: DuckDBStore
    scheduler: Scheduler
    tokens: dict[str, str]
    feed: FakeServer


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    store = open_store(tmp_path / "sources.duckdb")
    users = (("boss", "admin"), ("ana", "analyst"), ("vic", "viewer"))
    for name, role in users:
        add_user(store, name, PASSWORD, workspace="default", role=role)
    add_user(store, "eve", PASSWORD, workspace="other")
    tokens = {
        name: create_token(store, name, ws, "t")[1]
        for name, ws in (("boss", "default"), ("vic", "default"), ("eve", "other"))
    }
    feeds = FeedsApp(news=4)
    with FakeServer(feeds) as server:
        feeds.base = server.url
        rss = f"{server.url}/rss/kinh-doanh.rss"
        config = parse_config(
            {
                "http": FAST_HTTP,
                "sources": {
                    "bao": {"type": "feed", "urls": [rss], "interval": "30m", "extract": False},
                    "hong": {
                        "type": "feed",
                        "urls": [f"{server.url}/missing?q={HOSTILE}"],
                        "interval": "2h",
                    },
                    "rival": {"type": "feed", "urls": [rss], "workspace": "other"},
                },
            }
        )
        scheduler = Scheduler(store, config, env={}, nlp=False, detect=False)
        app = create_app(store)
        app.state.scheduler = scheduler
        yield Site(app, store, scheduler, tokens, server)
    store.close()


def client(site: Site, user: str | None = None, lang: str = "en") -> TestClient:
    c = TestClient(site.app)
    c.cookies.set("tinhieu_lang", lang)
    return login(c, user) if user else c


def auth(site: Site, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {site.tokens[user]}"}


def csrf(c: TestClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', c.get("/sources").text)
    assert found
    return found.group(1)


def row(html: str, name: str) -> str:
    found = re.search(rf'<tr data-source="{name}">(.*?)</tr>', html, re.S)
    assert found, html
    return found.group(1)


def test_page_lists_sources_and_admin_runs_one(site: Site) -> None:
    boss = client(site, "boss")
    page = boss.get("/sources")
    assert page.status_code == 200
    assert "The scheduler is not running; admins can still run" in page.text
    bao = row(page.text, "bao")
    assert "never" in bao and "30m" in bao and "now" in bao  # due at once
    assert 'aria-label="Run source bao now"' in bao
    assert "rival" not in page.text  # the other workspace's source
    done = boss.post("/sources/bao/run", data={"csrf": csrf(boss)}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/sources?queued=bao"
    page = boss.get("/sources?queued=bao")
    bao = row(page.text, "bao")
    assert re.search(r'class="fetched">4<', bao) and re.search(r'class="inserted">4<', bao)
    assert ">ok<" in bao and "never" not in bao
    assert re.search(r'class="next-run">\d{4}-\d\d-\d\d \d\d:\d\d<', bao)
    assert 'id="queued"' in page.text
    # a failed run's message is shown escaped
    boss.post("/sources/hong/run", data={"csrf": csrf(boss)})
    boss.cookies.set("tinhieu_lang", "vi")
    page = boss.get("/sources")
    assert "lỗi" in row(page.text, "hong") and "Lần chạy tới" in page.text
    assert HOSTILE not in page.text and "&lt;b&gt;x&lt;/b&gt;" in page.text
    # a form post without the CSRF token is refused
    assert boss.post("/sources/bao/run", data={}).status_code == 403


def test_api_lists_per_workspace_and_runs_for_admins(site: Site) -> None:
    boss = client(site)
    listed = boss.get("/api/v1/sources", headers=auth(site, "boss")).json()
    assert listed["scheduler"] is True
    by_name = {s["name"]: s for s in listed["sources"]}
    assert set(by_name) == {"bao", "hong"}
    assert by_name["bao"]["last_run"] is None and by_name["bao"]["interval_seconds"] == 1800
    answer = boss.post("/api/v1/sources/bao/run", headers=auth(site, "boss"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["queued"] is False and body["result"]["status"] == "ok"
    assert body["result"]["inserted"] == 4 and body["result"]["next_run_at"]
    bao = {
        s["name"]: s
        for s in boss.get("/api/v1/sources", headers=auth(site, "boss")).json()["sources"]
    }["bao"]
    assert bao["last_run"]["fetched"] == 4 and bao["last_run"]["inserted"] == 4
    assert bao["next_run_at"] == bao["last_run"]["next_run_at"]
    # the other workspace sees its own source only, and cannot run ours
    eve = boss.get("/api/v1/sources", headers=auth(site, "eve")).json()
    assert [s["name"] for s in eve["sources"]] == ["rival"]
    assert eve["sources"][0]["last_run"] is None
    assert boss.post("/api/v1/sources/bao/run", headers=auth(site, "eve")).status_code == 404
    assert boss.post("/api/v1/sources/nope/run", headers=auth(site, "boss")).status_code == 404


def test_viewers_and_analysts_cannot_run_sources(site: Site) -> None:
    anon = client(site)
    assert anon.post("/api/v1/sources/bao/run").status_code == 401
    refused = anon.post("/api/v1/sources/bao/run", headers=auth(site, "vic"))
    assert refused.status_code == 403 and "cannot run sources" in refused.text
    for user in ("vic", "ana"):
        c = client(site, user)
        page = c.get("/sources")
        assert page.status_code == 200 and "bao" in page.text
        assert "/sources/bao/run" not in page.text  # no Run-now form
        token = re.search(r'data-csrf="([^"]+)"', page.text)
        assert token
        assert c.post("/sources/bao/run", data={"csrf": token.group(1)}).status_code == 403
        assert (
            c.post("/api/v1/sources/bao/run", headers={"X-CSRF-Token": token.group(1)}).status_code
            == 403
        )
    assert site.store.fetch_all("SELECT count(*) FROM source_runs") == [(0,)]


def test_without_a_scheduler_recorded_runs_are_listed_and_nothing_runs(site: Site) -> None:
    site.scheduler.run_now("default", "bao")
    bare = create_app(site.store)
    c = TestClient(bare)
    c.cookies.set("tinhieu_lang", "en")
    login(c, "boss")
    listed = c.get("/api/v1/sources").json()
    assert listed["scheduler"] is False
    [bao] = listed["sources"]
    assert bao["name"] == "bao" and bao["interval_seconds"] is None
    assert bao["last_run"]["inserted"] == 4
    token = re.search(r'data-csrf="([^"]+)"', c.get("/sources").text)
    assert token
    refused = c.post("/api/v1/sources/bao/run", headers={"X-CSRF-Token": token.group(1)})
    assert refused.status_code == 409
    page = c.get("/sources")
    assert "The scheduler is off" in page.text and "/sources/bao/run" not in page.text


def test_the_app_starts_and_stops_its_scheduler(site: Site) -> None:
    app = create_app(site.store, scheduler=site.scheduler)
    assert not site.scheduler.running
    with TestClient(app) as c:  # entering runs the app's startup, leaving its shutdown
        assert site.scheduler.running
        assert c.get("/login").status_code == 200
    assert not site.scheduler.running
