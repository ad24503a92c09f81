"""The signals inbox in Debian's Chromium: an analyst works a signal from the inbox to
resolved, and the Overview's open signals stop listing it."""

from __future__ import annotations

import re
from typing import Any

from tests.web.conftest import browser_login
from tests.web.test_signals import own_signal
from tinhieu.store import DuckDBStore


def test_analyst_acknowledges_notes_and_resolves_a_signal(
    page: Any, web_store: DuckDBStore
) -> None:
    # a fresh, very severe signal of the last hours: the Overview lists it first
    signal = own_signal(web_store, severity=10, days_ago=0.2)
    browser_login(page, "analyst")
    page.goto("/")
    overview_link = f'.signal-list a[href="/signals/{signal.id}"]'
    assert page.locator(overview_link).count() == 1

    page.goto("/signals")
    row = page.locator(f'tr[data-signal="{signal.id}"]')
    assert row.locator(".status").inner_text() == "Mới"
    row.locator("a").click()
    page.wait_for_url(re.compile(rf".*/signals/{signal.id}$"))
    assert page.locator("#case-status").inner_text() == "Mới"
    assert "Vì sao có tín hiệu này?" in page.locator("#why-h").inner_text()
    assert page.evaluate("window.__pwned === undefined")  # hostile evidence stays text

    page.click("#ack-btn")
    page.wait_for_url(re.compile(rf".*/signals/{signal.id}#case$"))
    assert page.locator("#case-status").inner_text() == "Đã xác nhận"
    assert page.locator("#ack-btn").count() == 0
    assert "Phân tích đã xác nhận" in page.locator("#timeline").inner_text()

    page.fill("#note", "Đã gọi cửa hàng Quận 1 <b>kiểm tra</b>")
    page.click("#note-btn")
    page.wait_for_selector("#timeline blockquote.note")
    note = page.locator("#timeline blockquote.note").last
    assert note.inner_text() == "Đã gọi cửa hàng Quận 1 <b>kiểm tra</b>"

    page.fill("#resolve-note", "Đã xử lý xong")
    page.click("#resolve-btn")
    page.wait_for_selector("#reopen-btn")
    assert page.locator("#case-status").inner_text() == "Đã xử lý"
    timeline = page.locator("#timeline").inner_text()
    assert "Phân tích đánh dấu đã xử lý" in timeline and "Đã xử lý xong" in timeline
    assert page.js_errors == []

    page.goto("/")
    assert page.locator(overview_link).count() == 0
    page.goto("/signals?status=resolved")
    assert page.locator(f'tr[data-signal="{signal.id}"] .status').inner_text() == "Đã xử lý"


def test_inbox_fits_a_phone(page: Any) -> None:
    browser_login(page, "viewer")
    page.set_viewport_size({"width": 390, "height": 844})
    for url in ("/signals", "/moderation"):
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, url
