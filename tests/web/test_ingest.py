"""POST /api/v1/ingest through the real app, on a small store of its own (so the rows it
writes and the background analysis never touch the shared test world)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, login
from tinhieu.accounts import add_user, create_token
from tinhieu.ingest import MAX_BODY_BYTES, MAX_ITEMS, check_item, convert
from tinhieu.metrics import rollup_is_fresh
from tinhieu.store import DuckDBStore, open_store
from tinhieu.topics import save_topic

URL = "/api/v1/ingest"


class Site:
    def __init__(self, store: DuckDBStore, app: Any, tokens: dict[str, str]) -> None:
        self.store = store
        self.app = app
        self.client = TestClient(app)
        self.tokens = tokens

    def headers(self, user: str = "analyst", **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}", **extra}

    def post(self, items: Any, user: str = "analyst", **headers: str) -> Any:
        return self.client.post(
            URL, json={"mentions": items}, headers=self.headers(user, **headers)
        )

    def row(self, source_id: str, workspace: str = "ingest") -> dict[str, Any]:
        table = self.store.fetch_arrow(
            "SELECT * FROM mentions WHERE workspace = ? AND source_id = ?", [workspace, source_id]
        )
        rows = table.to_pylist()
        assert len(rows) == 1, rows
        return rows[0]

    def settle(self) -> None:
        """Wait for the background analysis and rollup."""
        worker = getattr(self.app.state, "after_ingest", None)
        if worker is not None:
            assert worker.flush(timeout=120)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from tinhieu.web import create_app

    store = open_store(tmp_path_factory.mktemp("ingest") / "ingest.duckdb")
    store.ensure_workspace("ingest")
    store.ensure_workspace("elsewhere")
    save_topic(store, "ingest", "Lumi Tea", '"lumi tea" OR lumitea', "brand")
    add_user(store, "ana", PASSWORD, workspace="ingest", role="analyst")
    add_user(store, "vic", PASSWORD, workspace="ingest", role="viewer")
    add_user(store, "mallory", PASSWORD, workspace="elsewhere")
    tokens = {
        "analyst": create_token(store, "ana", "ingest", "t")[1],
        "viewer": create_token(store, "vic", "ingest", "t")[1],
        "other": create_token(store, "mallory", "elsewhere", "t")[1],
    }
    site = Site(store, create_app(store), tokens)
    yield site
    site.settle()
    store.close()


def item(source_id: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "platform": "facebook",
        "source_id": source_id,
        "text": f"Lumi Tea trà sữa ngon lắm {source_id}",
        "created_at": "2026-03-01T09:30:00+07:00",
        "likes": 4,
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def test_good_items_land_with_topics_zones_and_analysis(site: Site) -> None:
    r = site.post(
        [
            item(
                "ok-1",
                text="  Lumi Tea  ngo\u0301n ",  # combining accent: stored NFC, trimmed
                reactions={"like": 3, "love": 2},
                attrs={"campaign": "tết", "rank": 2},
                likes=None,
            ),
            item("ok-2", created_at="2026-03-01 09:30", platform="fb", kind="Bình luận"),
        ]
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body == {
        "received": 2,
        "inserted": 2,
        "updated": 0,
        "unchanged": 0,
        "duplicates": 0,
        "rejected": 0,
        "errors": [],
    }
    one = site.row("ok-1")
    assert one["text"] == "Lumi Tea  ngón"
    assert one["topics"] == ["Lumi Tea"]
    assert json.loads(one["reactions"]) == {"like": 3, "love": 2}
    assert one["likes"] == 5  # the reactions' total, as the importer does
    assert json.loads(one["attrs"]) == {"campaign": "tết", "rank": "2"}
    assert one["source_tz"] == "+07:00"
    assert one["created_at"].isoformat().startswith("2026-03-01T02:30:00")
    two = site.row("ok-2")
    assert two["platform"] == "facebook" and two["kind"] == "comment"
    assert two["source_tz"] == "assumed:Asia/Ho_Chi_Minh"  # the workspace's zone
    site.settle()
    analysed = site.row("ok-1")
    assert analysed["sentiment"] in ("positive", "neutral", "negative")
    assert analysed["toxicity"] is not None


def test_the_rollup_is_rebuilt_after_the_burst(site: Site) -> None:
    site.settle()
    assert site.post([item("roll-1")]).json()["inserted"] == 1
    assert not rollup_is_fresh(site.store, "ingest")  # stale: metrics scan meanwhile
    site.settle()
    assert rollup_is_fresh(site.store, "ingest")


def test_bad_items_are_listed_and_good_ones_still_land(site: Site) -> None:
    items: list[Any] = [
        item("bad-0", likes="5"),  # a string where a count is expected
        item("bad-1", likes=True),  # a boolean is not a count
        item("bad-2", shares=2.5),
        item("bad-3", colour="red"),  # unknown field
        item("bad-4", created_at="hôm qua"),
        item("bad-5", workspace="default"),  # another workspace
        item("bad-6", likes=-3),
        item("bad-7", sentiment="positive"),  # computed by tinhieu
        {"platform": "facebook", "created_at": "2026-03-01T09:30:00Z"},  # no text, no id
        item("bad-9", created_at=None),
        "not an object",
        item("bad-11", author_verified="yes"),
        item("bad-12", reactions={"like": "3"}),
        item("bad-13", attrs=["x"]),
        item("bad-14", text=5),
        item("good-15"),
        item("bad-16", created_at=True),
        item("bad-17", likes=10**16),
    ]
    r = site.post(items)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["received"] == len(items)
    assert body["inserted"] == 1 and body["rejected"] == len(items) - 1
    errors = {e["index"]: (e["field"], e["reason"]) for e in body["errors"]}
    assert len(errors) == len(body["errors"]) == len(items) - 1
    expected_fields = {
        0: "likes",
        1: "likes",
        2: "shares",
        3: "colour",
        4: "created_at",
        5: "workspace",
        6: "likes",
        7: "sentiment",
        8: None,
        9: "created_at",
        10: None,
        11: "author_verified",
        12: "reactions.like",
        13: "attrs",
        14: "text",
        16: "created_at",
        17: "likes",
    }
    assert {i: f for i, (f, _) in errors.items()} == expected_fields
    assert "string" in errors[0][1] and "boolean" in errors[1][1]
    assert "unknown field 'colour'" in errors[3][1]
    assert "negative" in errors[6][1] and "too large" in errors[17][1]
    assert site.row("good-15")["likes"] == 4
    stored = site.store.fetch_all(
        "SELECT count(*) FROM mentions WHERE source_id LIKE 'bad-%'",
    )
    assert stored[0][0] == 0


def test_resending_never_duplicates_and_changed_counts_update(site: Site) -> None:
    first = site.post([item("re-1"), item("re-2")]).json()
    assert first["inserted"] == 2
    again = site.post([item("re-1"), item("re-2", likes=40)]).json()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 1, 1)
    assert site.row("re-2")["likes"] == 40
    same_request = site.post([item("re-3", likes=1), item("re-3", likes=2)]).json()
    assert same_request["inserted"] == 1 and same_request["duplicates"] == 1
    assert site.row("re-3")["likes"] == 2  # the last one wins
    count = site.store.fetch_all("SELECT count(*) FROM mentions WHERE source_id LIKE 're-%'")
    assert count[0][0] == 3


def test_derived_ids_are_stable(site: Site) -> None:
    no_id = item("x", url="https://example.com/p/1")
    del no_id["source_id"]
    assert site.post([no_id]).json()["inserted"] == 1
    assert site.post([no_id]).json()["unchanged"] == 1
    rows = site.store.fetch_all(
        "SELECT source_id FROM mentions WHERE url = 'https://example.com/p/1'"
    )
    assert len(rows) == 1 and rows[0][0].startswith("h:")


def test_the_workspace_comes_from_the_token(site: Site) -> None:
    r = site.post([item("ws-1")], user="other")
    assert r.json()["inserted"] == 1
    assert site.row("ws-1", workspace="elsewhere")["topics"] == []
    assert not site.store.fetch_all(
        "SELECT 1 FROM mentions WHERE workspace = 'ingest' AND source_id = 'ws-1'"
    )
    same = site.post([item("ws-2", workspace="ingest")]).json()
    assert same["inserted"] == 1  # naming one's own workspace is allowed


def test_idempotency_key_replays_and_refuses_another_body(site: Site) -> None:
    items = [item("idem-1"), item("idem-2")]
    first = site.post(items, **{"Idempotency-Key": "batch-0001"})
    assert first.status_code == 200 and first.json()["inserted"] == 2
    assert "idempotent-replayed" not in first.headers
    again = site.post(items, **{"Idempotency-Key": "batch-0001"})
    assert again.status_code == 200
    assert again.json() == first.json()  # the first answer, not "unchanged: 2"
    assert again.headers["idempotent-replayed"] == "true"
    other = site.post([item("idem-3")], **{"Idempotency-Key": "batch-0001"})
    assert other.status_code == 409
    assert other.json()["error"]["status"] == 409
    assert not site.store.fetch_all("SELECT 1 FROM mentions WHERE source_id = 'idem-3'")
    # keys are per workspace: another workspace may use the same key for its own body
    theirs = site.post([item("idem-3")], user="other", **{"Idempotency-Key": "batch-0001"})
    assert theirs.status_code == 200 and theirs.json()["inserted"] == 1
    too_long = site.post(items, **{"Idempotency-Key": "k" * 201})
    assert too_long.status_code == 422


def test_roles_and_authentication(site: Site) -> None:
    assert site.post([item("role-1")], user="viewer").status_code == 403
    anonymous = site.client.post(URL, json={"mentions": [item("role-2")]})
    assert anonymous.status_code == 401
    session = login(TestClient(site.app), "ana")
    no_csrf = session.post(URL, json={"mentions": [item("role-3")]})
    assert no_csrf.status_code == 403  # a session write needs the X-CSRF-Token header


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 422),
        (b'{"mentions": [{"text": NaN}]}', 422),
        (b'{"mentions": []}', 422),
        (b'{"mentions": {}}', 422),
        (b'{"mentions": [], "extra": 1}', 422),
        (b"[]", 422),
        (b"\xff\xfe", 422),
        (b"[" * 100_000 + b"]" * 100_000, 422),
    ],
)
def test_malformed_bodies_get_the_error_format(site: Site, body: bytes, status: int) -> None:
    r = site.client.post(
        URL, content=body, headers=site.headers(**{"Content-Type": "application/json"})
    )
    assert r.status_code == status
    error = r.json()["error"]
    assert error["status"] == status and error["message"]


def test_limits(site: Site) -> None:
    too_many = site.post([item(f"many-{i}") for i in range(MAX_ITEMS + 1)])
    assert too_many.status_code == 422
    assert "5000" in too_many.json()["error"]["message"]
    huge = b'{"mentions": [' + b" " * (MAX_BODY_BYTES + 1) + b"]}"
    r = site.client.post(
        URL, content=huge, headers=site.headers(**{"Content-Type": "application/json"})
    )
    assert r.status_code == 413
    assert r.json()["error"]["status"] == 413
    text = site.client.post(
        URL, content=b"hello", headers=site.headers(**{"Content-Type": "text/plain"})
    )
    assert text.status_code == 415


def test_hostile_keys_and_strings_do_not_crash(site: Site) -> None:
    items = [
        item("h-1", **{"\ud800": 1}),
        item("h-2", text="\ud800 lone surrogate"),
        item("h-3", attrs={"k": "\udfff"}),
        item("h-4", **{"x" * 10_000: 1}),
        item("h-5", text="<script>alert(1)</script>\x00 nul"),
    ]
    body = json.dumps({"mentions": items}).encode()  # ASCII escapes keep the surrogates
    r = site.client.post(
        URL, content=body, headers=site.headers(**{"Content-Type": "application/json"})
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["inserted"] == 1 and out["rejected"] == 4
    assert all(len(e["field"] or "") < 100 for e in out["errors"])
    assert site.row("h-5")["text"].startswith("<script>")


def test_check_item_is_strict_without_http() -> None:
    assert check_item({"created_at": "2026-01-01", "likes": 1.0}, "w") == (
        "likes",
        "expected an integer count, got a number with a fraction",
    )
    ok = check_item({"created_at": 1767225600, "author_verified": False}, "w")
    assert not isinstance(ok, tuple)
    assert ok.cells == {"created_at": "1767225600", "author_verified": "false"}


def test_convert_reuses_the_importer(tmp_path: Path) -> None:
    with open_store(tmp_path / "c.duckdb") as store:
        store.ensure_workspace("w", "Europe/Berlin")
        batch, errors = convert(
            store,
            "w",
            [
                {"text": "a", "created_at": "01/03/2026 10:00", "views": 7},  # day first
                {"text": "b", "created_at": 1767225600000},  # epoch milliseconds
            ],
        )
        assert errors == []
        assert batch is not None
        rows = batch.to_pylist()
        assert rows[0]["created_at"].isoformat().startswith("2026-03-01T09:00:00")
        assert rows[0]["source_tz"] == "assumed:Europe/Berlin"
        assert rows[1]["source_tz"] == "UTC" and rows[1]["views"] is None
        assert rows[0]["source_id"].startswith("h:") and rows[0]["workspace"] == "w"


def test_seeding_is_found_once_the_burst_settles(site: Site) -> None:
    from tests.nlp.test_pipeline import PRAISE

    texts = [
        PRAISE,
        PRAISE.replace("nha", "nhé"),
        PRAISE + " 👍",
        "Trà sữa Lumi ngon xuất sắc, topping nhiều, giá hợp lý, mọi người nên thử",
    ]
    r = site.post(
        [
            item(
                f"seed-{i}",
                text=text,
                author_id=f"acc-{i}",
                likes=2,
                created_at=f"2026-03-02T10:0{i}:00+07:00",
            )
            for i, text in enumerate(texts)
        ]
    )
    assert r.status_code == 200, r.text
    site.settle()  # analysis, then seeding and the rollup once the burst is over
    assert {site.row(f"seed-{i}")["spam"] for i in range(4)} == {"seeding"}
