"""The app in Debian's Chromium, through Playwright: what a brand manager does first."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import browser_login


def test_login_and_overview_with_charts_drawn(page: Any) -> None:
    page.goto("/")
    assert "/login" in page.url
    browser_login(page)
    page.goto("/?days=30")
    page.wait_for_selector(".chart[data-drawn] canvas")
    assert page.locator(".chart[data-drawn]").count() == 3
    assert page.locator(".card").count() >= 6
    assert page.locator("h1").inner_text() == "Tổng quan"
    assert page.js_errors == []


def test_language_switch(page: Any) -> None:
    browser_login(page)
    page.click("#lang-en")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("h1").inner_text() == "Overview"
    page.click("#lang-vi")
    page.wait_for_selector("html[lang=vi]")
    assert page.locator("h1").inner_text() == "Tổng quan"


def test_wrong_password_shows_an_error(page: Any) -> None:
    page.goto("/login")
    page.fill("#name", "admin")
    page.fill("#password", "not the password")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text().startswith("Sai tên đăng nhập")


def test_phone_width_has_no_horizontal_scroll(page: Any) -> None:
    browser_login(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/?days=7")
    page.wait_for_selector(".chart[data-drawn] canvas")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
