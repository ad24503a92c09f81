"""The Overview page and /api/v1/overview over the small demo workspace."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.web.conftest import XSS_TEXT, WebWorld, bearer
from tinhieu.metrics import summary
from tinhieu.web.overview import overview


def test_overview_numbers_match_the_metrics_and_the_previous_period(web_store: Any) -> None:
    data = overview(web_store, "default", group="brand", days=7)
    cards = {c["key"]: c for c in data["cards"]}
    period = data["period"]
    cur = summary(web_store, "default", group="brand", since=period["first_day"],
                  until=period["last_day"])  # fmt: skip
    prev = data["previous"]
    before = summary(web_store, "default", group="brand", since=prev["first_day"],
                     until=prev["last_day"])  # fmt: skip
    assert cards["volume"]["value"] == cur.volume.total.value
    assert cards["volume"]["previous"] == before.volume.total.value
    assert (period["last_day"] - period["first_day"]).days == 6
    assert (period["first_day"] - prev["last_day"]).days == 1
    if before.volume.total.value:
        expected = (cur.volume.total.value - before.volume.total.value) / before.volume.total.value
        assert abs(cards["volume"]["change_pct"] - expected * 100) < 1e-9
    assert sum(data["series"]["mentions"]) == cur.volume.total.value
    assert len(data["series"]["t"]) == 7
    shares = [r["share_pct"] for r in data["share_of_voice"]]
    assert abs(sum(shares) - 100) < 1e-6


def test_weekly_and_hourly_series(web_store: Any) -> None:
    week = overview(web_store, "default", group="brand", days=30, grain="week")
    day = overview(web_store, "default", group="brand", days=30, grain="day")
    assert sum(week["series"]["mentions"]) == sum(day["series"]["mentions"])
    assert len(week["series"]["t"]) in (5, 6)
    hour = overview(web_store, "default", group="brand", days=7, grain="hour")
    assert len(hour["series"]["t"]) == 72


def test_overview_page_renders_cards_stages_and_chart_data(admin: TestClient) -> None:
    r = admin.get("/?days=30")
    assert r.status_code == 200
    for key in ("volume", "interactions", "net_sentiment", "share_of_voice"):
        assert f'data-card="{key}"' in r.text
    assert 'id="series-data"' in r.text
    assert "Giai đoạn khủng hoảng" in r.text


def test_overview_page_rejects_bad_parameters(admin: TestClient) -> None:
    assert admin.get("/?days=5").status_code == 400
    assert admin.get("/?topic=Nope").status_code == 404
    assert admin.get("/?days=abc").status_code == 422


def test_english_switch(admin: TestClient) -> None:
    admin.get("/lang/en?next=/")
    assert "Share of voice" in admin.get("/").text
    admin.get("/lang/vi?next=/")
    assert "Thị phần thảo luận" in admin.get("/").text


def test_api_overview_and_stats(world: WebWorld, anonymous: TestClient) -> None:
    r = anonymous.get("/api/v1/overview?days=30&grain=week", headers=bearer(world, "viewer"))
    assert r.status_code == 200
    body = r.json()
    assert body["workspace"] == "default"
    assert {c["key"] for c in body["cards"]} >= {"volume", "net_sentiment"}
    stats = anonymous.get("/api/v1/stats?group=brand", headers=bearer(world, "viewer")).json()
    assert stats["volume"]["total"]["value"] > 0
    assert (
        anonymous.get("/api/v1/overview?days=3", headers=bearer(world, "viewer")).status_code == 422
    )


def test_other_workspace_sees_only_its_own(world: WebWorld, anonymous: TestClient) -> None:
    body = anonymous.get("/api/v1/overview", headers=bearer(world, "eve")).json()
    assert body["workspace"] == "other"
    assert body["topics"] == ["Secret Brand"]
    topics = anonymous.get("/api/v1/topics", headers=bearer(world, "eve")).json()
    assert [t["name"] for t in topics] == ["Secret Brand"]
    default = anonymous.get("/api/v1/topics", headers=bearer(world, "viewer")).json()
    assert "Secret Brand" not in {t["name"] for t in default}
    assert XSS_TEXT  # the hostile mention lives in "default" only


def test_cached_overview_follows_new_data(web_store: Any) -> None:
    from datetime import UTC, datetime, timedelta

    from tests.web.conftest import _add_rows, _mention

    before = overview(web_store, "default", group="brand", days=7)
    again = overview(web_store, "default", group="brand", days=7)
    assert again == before  # served from the cache, equal to a fresh computation
    at = datetime.now(UTC) - timedelta(hours=3)
    _add_rows(web_store, "default", [_mention("default", "cache-1", "Lumi Tea ngon", "A", at)])
    after = overview(web_store, "default", group="brand", days=7)
    volume = {c["key"]: c["value"] for c in after["cards"]}["volume"]
    old = {c["key"]: c["value"] for c in before["cards"]}["volume"]
    # the new mention is three hours old: inside the 7 days that end with the newest day
    assert volume == old + 1
