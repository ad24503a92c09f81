"""Fixtures for the web app: a small demo workspace, users of two workspaces, a test
client per role, a live server on loopback and Debian's Chromium driven by Playwright.

The store is built once per test session (a 21-day demo at 10 % scale, signals
detected and stored, a second workspace "other", and a hostile mention). Tests that
change data use their own rows, or the ``fresh_store`` fixture.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from tinhieu.accounts import add_user, create_token
from tinhieu.schema import ARROW_SCHEMA
from tinhieu.store import DuckDBStore, open_store
from tinhieu.topics import TopicMatcher, save_topic

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "correct horse battery staple"
XSS_TEXT = (
    'Lumi Tea <script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> '
    '<a href="javascript:window.__pwned=3">bấm</a> "quote" & \'apos\' xsspayload'
)
CAMPAIGN = "Chiến dịch Lumi"
XSS_AUTHOR = '<b onmouseover="window.__pwned=4">Kẻ xấu</b>'


@dataclass(frozen=True)
class WebWorld:
    db: Path
    tokens: dict[str, str]  # user → API token (in their first workspace)


def _mention(
    workspace: str, source_id: str, text: str, author: str, at: datetime
) -> dict[str, Any]:
    row: dict[str, Any] = {name: None for name in ARROW_SCHEMA.names}
    row.update(
        workspace=workspace,
        platform="facebook",
        source_id=source_id,
        url=f"https://www.facebook.com/{source_id}",
        kind="comment",
        author_id="u-" + source_id,
        author_name=author,
        author_followers=120,
        text=text,
        created_at=at,
        collected_at=at,
        likes=3,
        comments=0,
        shares=0,
        topics=[],
        first_seen_at=at,
        updated_at=at,
    )
    return row


def _add_rows(store: DuckDBStore, workspace: str, rows: list[dict[str, Any]]) -> None:
    table = pa.Table.from_pylist(rows, schema=ARROW_SCHEMA)
    store.upsert_mentions(TopicMatcher.for_workspace(store, workspace)(table))


def build_world(folder: Path) -> WebWorld:
    from tinhieu.demo_run import build_demo
    from tinhieu.kol.campaigns import Campaign, Member, save_campaign
    from tinhieu.metrics import refresh_rollup
    from tinhieu.nlp.pipeline import enrich
    from tinhieu.signals.engine import detect, save_signals

    db = folder / "web.duckdb"
    build_demo(db, days=21, scale=0.1, seed=7)
    with open_store(db) as store:
        now = datetime.now(UTC) - timedelta(hours=2)
        _add_rows(
            store,
            "default",
            [_mention("default", "xss-1", XSS_TEXT, XSS_AUTHOR, now)],
        )
        store.ensure_workspace("other")
        save_topic(store, "other", "Secret Brand", '"secret brand" OR secretbrand', "brand")
        _add_rows(
            store,
            "other",
            [
                _mention(
                    "other", f"other-{i}", f"Secret Brand bí mật số {i} otherworkspace", "X", now
                )
                for i in range(5)
            ],
        )
        for ws in ("default", "other"):
            enrich(store, ws)
            refresh_rollup(store, ws)
        for report in detect(store, "default", since=datetime.now(UTC) - timedelta(days=22)):
            save_signals(store, report.signals)
        save_campaign(
            store,
            Campaign(
                "default",
                CAMPAIGN,
                now - timedelta(days=7),
                now + timedelta(hours=1),
                (Member("kol", "facebook", "u-xss-1"),),
            ),
        )
        add_user(store, "admin", PASSWORD, display_name="Quản trị", workspace="default")
        add_user(store, "analyst", PASSWORD, display_name="Phân tích", workspace="default",
                 role="analyst")  # fmt: skip
        add_user(store, "viewer", PASSWORD, display_name="Chỉ xem", workspace="default",
                 role="viewer")  # fmt: skip
        add_user(store, "eve", PASSWORD, display_name="Eve", workspace="other")
        tokens = {
            name: create_token(store, name, ws, "tests")[1]
            for name, ws in (
                ("admin", "default"),
                ("analyst", "default"),
                ("viewer", "default"),
                ("eve", "other"),
            )
        }
        store.execute("CHECKPOINT")
    return WebWorld(db, tokens)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> WebWorld:
    return build_world(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="session")
def web_store(world: WebWorld) -> Iterator[DuckDBStore]:
    store = open_store(world.db)
    yield store
    store.close()


@pytest.fixture(scope="session")
def app(web_store: DuckDBStore) -> Any:
    from tinhieu.web import create_app

    return create_app(web_store)


def login(client: TestClient, name: str, password: str = PASSWORD) -> TestClient:
    page = client.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
    assert token, page.text
    response = client.post(
        "/login",
        data={"name": name, "password": password, "login_csrf": token.group(1), "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def csrf_of(client: TestClient) -> str:
    """The session's CSRF token, as the pages embed it."""
    found = re.search(r'data-csrf="([^"]+)"', client.get("/").text)
    assert found
    return found.group(1)


@pytest.fixture
def admin(app: Any) -> TestClient:
    return login(TestClient(app), "admin")


@pytest.fixture
def analyst(app: Any) -> TestClient:
    return login(TestClient(app), "analyst")


@pytest.fixture
def viewer(app: Any) -> TestClient:
    return login(TestClient(app), "viewer")


@pytest.fixture
def anonymous(app: Any) -> TestClient:
    return TestClient(app)


def bearer(world: WebWorld, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[user]}"}


# --- a live server and a real browser ----------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_url(app: Any) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        message = "Debian's Chromium is needed: apt-get install chromium (CI installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_url: str) -> Iterator[Any]:
    context = browser.new_context(base_url=live_url, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors  # type: ignore[attr-defined]
    yield pg
    context.close()


def browser_login(page: Any, name: str = "admin") -> None:
    page.goto("/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/(\?.*)?$"))
