"""The Authors table and a KOL's detail page in Debian's Chromium."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.web.conftest import browser_login
from tinhieu.kol.campaigns import delete_campaign


def test_authors_table_leads_to_a_kol_page(page: Any) -> None:
    browser_login(page, "viewer")
    page.goto("/authors")
    link = page.locator('a[href^="/authors/"]').first
    name = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r".*/authors/[^/]+/[^/]+$"))
    heading = page.locator("h1").inner_text()
    assert name.split()[0] in heading
    score = page.locator("#kol-quality").inner_text()
    assert re.match(r"\d+([.,]\d)?/100", score), score  # a 0–100 score with its formula
    assert page.js_errors == []


def test_analyst_finds_kols_then_creates_a_campaign(page: Any, web_store: Any) -> None:
    name = "t-browser campaign"
    browser_login(page, "analyst")
    try:
        page.goto("/kols")
        page.select_option("#kols-topic", "Lumi Tea")
        page.click("#kols-find")
        page.wait_for_selector("#kols tbody tr")
        rows = page.locator("#kols tbody tr")
        assert rows.count() >= 1
        first = rows.first
        assert first.locator("td").first.inner_text() == "1"
        assert first.locator(".reasons li").count() >= 3  # relevance, followers, quality …
        assert first.locator(".factors dt").all_inner_texts() == [
            "reach", "quality", "relevance", "consistency", "engagement_fit",
        ]  # fmt: skip
        author = first.get_attribute("data-author") or ""
        assert ":" in author
        # phone width: the page itself does not scroll sideways
        page.set_viewport_size({"width": 390, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.set_viewport_size({"width": 1280, "height": 900})
        link = first.locator("th a")
        link.click()
        page.wait_for_url(re.compile(r".*/authors/[^/]+/[^/?]+\?topic=Lumi"))
        assert page.locator("#kol-influence").count() == 1
        assert "Lumi Tea" in page.locator("#kol-influence").inner_text()

        page.set_viewport_size({"width": 390, "height": 800})
        page.goto("/campaigns")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.set_viewport_size({"width": 1280, "height": 900})
        page.fill("#c-name", name)
        page.fill("#c-since", (date.today() - timedelta(days=30)).isoformat())
        page.fill("#c-until", date.today().isoformat())
        page.fill("#c-kols", f"{author} 2000000")
        page.click("#campaign-create")
        page.wait_for_url(re.compile(r".*/campaigns/t-browser%20campaign$"))
        assert name in page.locator("#report-h").inner_text()
        metrics = page.locator("#campaign-metrics tbody tr")
        assert metrics.count() >= 10
        assert page.locator("#campaign-metrics tr[data-metric='cost_per_engagement']").count() == 1
        posts = web_store.fetch_all(
            "SELECT count(*) FROM mentions WHERE workspace = 'default' AND platform = ? "
            "AND author_id = ? AND kind IN ('post', 'video', 'article') AND created_at >= ?",
            [*author.split(":", 1), datetime.now(UTC) - timedelta(days=31)],
        )[0][0]
        assert posts >= 1
        page.click("#campaign-delete button")
        page.wait_for_url(re.compile(r".*/campaigns\?deleted="))
        assert page.locator("#campaign-deleted").count() == 1
        assert page.js_errors == []
    finally:
        delete_campaign(web_store, "default", name)
