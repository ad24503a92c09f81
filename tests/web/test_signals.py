"""The Signals inbox through the real app: pages, page forms (CSRF, roles), the API
(filters, cursor, actions, strict bodies), response times and workspace isolation.

Tests that change cases work on signals of their own (a topic named after the test), so
the order of tests does not matter."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.web.conftest import WebWorld, bearer, csrf_of, login
from tinhieu.signals.engine import save_signals
from tinhieu.signals.model import Evidence, EvidenceAuthor, EvidenceMention, Signal
from tinhieu.store import DuckDBStore

HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def own_signal(
    store: DuckDBStore,
    *,
    severity: int = 3,
    days_ago: float = 40,
    workspace: str = "default",
    topic: str | None = None,
) -> Signal:
    """A signal of its own topic (by default old and mild, so the Overview's list of
    open signals is not changed by it)."""
    start = (datetime.now(UTC) - timedelta(days=days_ago)).replace(
        minute=0, second=0, microsecond=0
    )
    signal = Signal(
        workspace=workspace,
        topic=topic or f"Case test {uuid.uuid4().hex[:8]}",
        kind="negative_shift",
        measure="negative_share",
        grain="hour",
        bucket_start=start,
        bucket_end=start + timedelta(hours=1),
        observed=0.42,
        baseline=0.12,
        deviation=5.5,
        severity=severity,
        persistence=2,
        window=6,
        evidence=Evidence(
            mentions=(
                EvidenceMention(
                    platform="facebook",
                    source_id="xss-1",
                    url="javascript:window.__pwned=3",
                    author=HOSTILE,
                    text="Dở tệ " + HOSTILE,
                ),
                EvidenceMention(
                    platform="tiktok",
                    source_id="a/b c",
                    url="https://www.tiktok.com/@x/video/1",
                    author="Người xem",
                    text="quá tệ",
                ),
            ),
            authors=(EvidenceAuthor(name=HOSTILE, mentions=2, followers=1500),),
            terms=("đau bụng", HOSTILE),
        ),
        stage="outbreak",
    )
    save_signals(store, [signal])
    return signal


def case_status(client: TestClient, signal_id: str) -> str:
    return str(client.get(f"/api/v1/signals/{signal_id}").json()["case"]["status"])


# --- pages -------------------------------------------------------------------------------
def test_inbox_lists_signals_with_response_times(
    viewer: TestClient, web_store: DuckDBStore
) -> None:
    page = viewer.get("/signals?status=all&min_severity=8")
    assert page.status_code == 200
    shown = set(re.findall(r'data-signal="([0-9a-f]+)"', page.text))
    expected = {
        r[0]
        for r in web_store.fetch_all(
            "SELECT id FROM signals WHERE workspace = 'default' AND severity >= 8"
        )
    }
    assert expected and shown == expected
    assert 'data-band="8-10"' in page.text and 'data-band="all"' in page.text
    assert "Tốc độ phản ứng (30 ngày qua)" in page.text
    assert "otherworkspace" not in page.text and "Secret Brand" not in page.text


def test_inbox_rejects_bad_filters(viewer: TestClient) -> None:
    assert viewer.get("/signals?status=nope").status_code == 400
    assert viewer.get("/signals?min_severity=11").status_code == 400
    assert viewer.get("/signals?kind=bogus").status_code == 400
    assert viewer.get("/signals?cursor=@@@").status_code == 400
    assert viewer.get("/signals?topic=Secret%20Brand").status_code == 400


def test_signal_page_explains_and_shows_evidence_escaped(
    viewer: TestClient, web_store: DuckDBStore
) -> None:
    s = own_signal(web_store)
    page = viewer.get(f"/signals/{s.id}")
    assert page.status_code == 200
    text = page.text
    assert "Vì sao có tín hiệu này?" in text
    assert "tỷ lệ tiêu cực 42,0 %" in text and "mức nền 12,0 %" in text  # brief wording
    assert "+5,50" in text  # the deviation, as the alerts write it
    assert "2 khung thời gian liên tiếp" in text
    assert 'href="/mentions/facebook/xss-1"' in text
    assert 'href="/mentions/tiktok/a%2Fb%20c"' in text
    assert 'href="https://www.tiktok.com/@x/video/1"' in text
    assert "javascript:" not in text
    assert "<script>window" not in text and "<img src=x" not in text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in text
    assert "đau bụng" in text
    # a viewer sees no action controls
    assert "/acknowledge" not in text and 'name="csrf" value' not in text.split('id="case"')[1]
    assert "Vai trò xem không thể xử lý tín hiệu." in text


def test_unknown_signal_is_404(viewer: TestClient) -> None:
    assert viewer.get("/signals/0123456789abcdef0123").status_code == 404


def test_page_forms_work_the_case_and_need_csrf(
    analyst: TestClient, web_store: DuckDBStore
) -> None:
    s = own_signal(web_store)
    url = f"/signals/{s.id}"
    page = analyst.get(url)
    assert f'action="{url}/acknowledge"' in page.text
    # no CSRF token, or a wrong one: refused, nothing changes
    assert analyst.post(f"{url}/acknowledge", data={}).status_code == 403
    assert analyst.post(f"{url}/acknowledge", data={"csrf": "wrong"}).status_code == 403
    assert case_status(analyst, s.id) == "open"
    csrf = csrf_of(analyst)
    r = analyst.post(f"{url}/acknowledge", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"{url}#case"
    r = analyst.post(f"{url}/assign", data={"csrf": csrf, "assignee": "admin"})
    assert r.status_code == 200
    r = analyst.post(f"{url}/notes", data={"csrf": csrf, "note": "Gọi cho cửa hàng <b>ngay</b>"})
    assert r.status_code == 200
    r = analyst.post(f"{url}/resolve", data={"csrf": csrf, "note": "Xong"})
    assert r.status_code == 200
    page = r.text
    assert 'id="case-status" class="status status-resolved"' in page
    assert "Phân tích đã xác nhận" in page
    assert "Phân tích giao cho Quản trị" in page
    assert "Gọi cho cửa hàng &lt;b&gt;ngay&lt;/b&gt;" in page
    assert "Phân tích đánh dấu đã xử lý" in page
    assert f'action="{url}/reopen"' in page and f'action="{url}/resolve"' not in page
    # resolving twice is refused with a clear message
    again = analyst.post(f"{url}/resolve", data={"csrf": csrf})
    assert again.status_code == 409 and "already resolved" in again.text
    bad = analyst.post(f"{url}/notes", data={"csrf": csrf, "note": "  "})
    assert bad.status_code == 422


def test_viewer_cannot_post_case_forms(viewer: TestClient, web_store: DuckDBStore) -> None:
    s = own_signal(web_store)
    csrf = csrf_of(viewer)
    for action in ("acknowledge", "resolve", "notes", "assign", "reopen"):
        r = viewer.post(f"/signals/{s.id}/{action}", data={"csrf": csrf, "note": "x"})
        assert r.status_code == 403, action
    assert case_status(viewer, s.id) == "open"


def test_mine_and_assignee_filters(analyst: TestClient, web_store: DuckDBStore) -> None:
    s = own_signal(web_store)
    csrf = csrf_of(analyst)
    analyst.post(f"/signals/{s.id}/assign", data={"csrf": csrf, "assignee": "analyst"})
    mine = analyst.get(f"/signals?mine=1&topic={s.topic}")
    assert re.findall(r'data-signal="([0-9a-f]+)"', mine.text) == [s.id]
    others = analyst.get(f"/signals?assignee=admin&topic={s.topic}")
    assert re.findall(r'data-signal="([0-9a-f]+)"', others.text) == []
    api = analyst.get("/api/v1/signals", params={"mine": "true", "topic": s.topic}).json()
    assert [i["signal"]["id"] for i in api["items"]] == [s.id]


# --- API ---------------------------------------------------------------------------------
def test_api_list_pages_through_every_signal_once(
    world: WebWorld, app: Any, web_store: DuckDBStore
) -> None:
    client = TestClient(app)
    headers = bearer(world, "viewer")
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 17, "status": "all"}
        if cursor:
            params["cursor"] = cursor
        body = client.get("/api/v1/signals", params=params, headers=headers).json()
        seen += [i["signal"]["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    total = web_store.fetch_all("SELECT count(*) FROM signals WHERE workspace = 'default'")[0][0]
    assert len(seen) == len(set(seen)) == total
    first = client.get("/api/v1/signals", params={"limit": 3}, headers=headers).json()["items"]
    statuses = [i["case"]["status"] for i in first]
    assert all(k in i["signal"] for i in first for k in ("severity", "observed", "evidence"))
    assert statuses == sorted(statuses, key=["open", "acknowledged", "resolved"].index)
    bad = client.get("/api/v1/signals", params={"limit": 0}, headers=headers)
    assert bad.status_code == 422
    assert client.get("/api/v1/signals", params={"cursor": "x"}, headers=headers).status_code == 400


def test_api_actions_and_errors(world: WebWorld, app: Any, web_store: DuckDBStore) -> None:
    client = TestClient(app)
    h = bearer(world, "analyst")
    s = own_signal(web_store)
    base = f"/api/v1/signals/{s.id}"
    r = client.post(f"{base}/acknowledge", headers=h)
    assert r.status_code == 200 and r.json()["case"]["status"] == "acknowledged"
    assert r.json()["case"]["acknowledged_by"] == "analyst"
    r = client.post(f"{base}/acknowledge", headers=h)
    assert r.status_code == 409
    assert r.json()["error"]["message"] == "the signal is already acknowledged"
    r = client.post(f"{base}/assign", json={"assignee": "eve"}, headers=h)
    assert r.status_code == 422 and "not an analyst or admin" in r.json()["error"]["message"]
    r = client.post(f"{base}/assign", json={"assignee": "viewer"}, headers=h)
    assert r.status_code == 422
    assert client.post(f"{base}/assign", json={"assignee": "admin"}, headers=h).status_code == 200
    # strict bodies: wrong types and unknown fields are refused
    assert client.post(f"{base}/notes", json={"note": 5}, headers=h).status_code == 422
    assert client.post(f"{base}/notes", json={"note": ""}, headers=h).status_code == 422
    assert client.post(f"{base}/notes", json={"text": "x"}, headers=h).status_code == 422
    assert client.post(f"{base}/resolve", json={"note": True}, headers=h).status_code == 422
    assert client.post(f"{base}/acknowledge", json={"x": 1}, headers=h).status_code == 422
    assert client.post(f"{base}/notes", json={"note": "kiểm tra"}, headers=h).status_code == 200
    r = client.post(f"{base}/resolve", json={"note": "ổn rồi"}, headers=h)
    assert r.status_code == 200
    assert client.post(f"{base}/resolve", headers=h).status_code == 409
    r = client.post(f"{base}/reopen", headers=h)
    assert r.status_code == 200 and r.json()["case"]["status"] == "acknowledged"
    detail = client.get(base, headers=h).json()
    assert [(e["user"], e["action"], e["note"]) for e in detail["events"]] == [
        ("analyst", "acknowledge", None),
        ("analyst", "assign", "admin"),
        ("analyst", "note", "kiểm tra"),
        ("analyst", "resolve", "ổn rồi"),
        ("analyst", "reopen", None),
    ]
    assert detail["case"]["assignee"] == "admin"
    assert detail["signal"]["id"] == s.id
    assert client.get("/api/v1/signals/ffffffffffffffffffff", headers=h).status_code == 404


def test_viewer_token_cannot_act(world: WebWorld, app: Any, web_store: DuckDBStore) -> None:
    client = TestClient(app)
    s = own_signal(web_store)
    h = bearer(world, "viewer")
    for action, body in (
        ("acknowledge", None),
        ("assign", {"assignee": "admin"}),
        ("notes", {"note": "x"}),
        ("resolve", None),
        ("reopen", None),
    ):
        r = client.post(f"/api/v1/signals/{s.id}/{action}", json=body, headers=h)
        assert r.status_code == 403, action
    assert client.get(f"/api/v1/signals/{s.id}", headers=h).json()["case"]["status"] == "open"


def test_session_api_writes_need_the_csrf_header(
    analyst: TestClient, web_store: DuckDBStore
) -> None:
    s = own_signal(web_store)
    assert analyst.post(f"/api/v1/signals/{s.id}/acknowledge").status_code == 403
    assert case_status(analyst, s.id) == "open"
    r = analyst.post(
        f"/api/v1/signals/{s.id}/acknowledge", headers={"X-CSRF-Token": csrf_of(analyst)}
    )
    assert r.status_code == 200


def test_response_times_api(world: WebWorld, app: Any, web_store: DuckDBStore) -> None:
    client = TestClient(app)
    body = client.get(
        "/api/v1/signals/response-times", params={"days": 30}, headers=bearer(world, "viewer")
    ).json()
    assert [b["band"] for b in body["bands"]] == ["8-10", "5-7", "1-4", "all"]
    total = sum(b["count"] for b in body["bands"][:3])
    assert body["bands"][3]["count"] == total
    since = datetime.fromisoformat(body["since"].replace("Z", "+00:00"))
    until = datetime.fromisoformat(body["until"].replace("Z", "+00:00"))
    in_period = web_store.fetch_all(
        "SELECT count(*) FROM signals WHERE workspace = 'default' AND detected_at >= ? "
        "AND detected_at <= ?",
        [since, until],
    )[0][0]
    assert total == in_period
    r = client.get(
        "/api/v1/signals/response-times", params={"days": 0}, headers=bearer(world, "viewer")
    )
    assert r.status_code == 422


# --- workspace isolation -----------------------------------------------------------------
def test_eve_cannot_read_or_act_on_defaults_signals(
    world: WebWorld, app: Any, web_store: DuckDBStore
) -> None:
    client = TestClient(app)
    s = own_signal(web_store)
    mine = own_signal(web_store, workspace="other", topic="Secret Brand")
    eve = bearer(world, "eve")
    listed = client.get("/api/v1/signals", params={"limit": 200}, headers=eve).json()
    assert [i["signal"]["id"] for i in listed["items"]] == [mine.id]
    assert client.get(f"/api/v1/signals/{s.id}", headers=eve).status_code == 404
    for action, body in (
        ("acknowledge", None),
        ("assign", {"assignee": "eve"}),
        ("notes", {"note": "x"}),
        ("resolve", None),
        ("reopen", None),
    ):
        r = client.post(f"/api/v1/signals/{s.id}/{action}", json=body, headers=eve)
        assert r.status_code == 404, action
    rt = client.get("/api/v1/signals/response-times", headers=eve).json()
    assert rt["bands"][3]["open"] == 1
    # and through the pages
    page = login(TestClient(app), "eve")
    assert page.get(f"/signals/{s.id}").status_code == 404
    csrf = csrf_of(page)
    assert page.post(f"/signals/{s.id}/acknowledge", data={"csrf": csrf}).status_code == 404
    inbox = page.get("/signals").text
    assert s.topic not in inbox and "Lumi Tea" not in inbox
    assert case_status(TestClient(app, headers=bearer(world, "admin")), s.id) == "open"
