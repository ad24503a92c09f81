"""The Authors table and a KOL's detail page in Debian's Chromium."""

from __future__ import annotations

import re
from typing import Any

from tests.web.conftest import browser_login


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
