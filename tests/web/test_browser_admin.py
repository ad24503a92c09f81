"""The Topics, Authors and Settings pages in Debian's Chromium, through Playwright."""

from __future__ import annotations

import re
from typing import Any

from tests.web.conftest import browser_login
from tinhieu.metrics import refresh_rollup
from tinhieu.topics import remove_topic

TOPIC = "t5 browser topic"


def test_topic_editor_validates_while_typing_previews_and_saves(page: Any, web_store: Any) -> None:
    browser_login(page, "analyst")
    try:
        page.goto("/topics/new")
        page.fill("#topic-name", TOPIC)
        page.select_option("#topic-group", "category")
        page.locator("#topic-query").press_sequentially("lumi AND (", delay=20)
        page.wait_for_selector("#query-status.invalid #query-message:has-text('vị trí 10')")
        caret = page.locator("#query-caret")
        assert caret.is_visible()
        assert caret.inner_text().splitlines()[-1] == " " * 10 + "^"
        assert page.get_attribute("#topic-query", "aria-invalid") == "true"

        page.locator("#topic-query").press_sequentially("tea OR trà)", delay=20)
        page.wait_for_selector("#query-status.valid")
        assert "lumi AND (tea OR tra)" in page.inner_text("#query-message")
        assert not caret.is_visible()

        page.click("#preview-btn")
        page.wait_for_selector("#preview-count[data-count]")
        count = int(page.get_attribute("#preview-count", "data-count") or "0")
        assert count > 0
        assert "30 ngày" in page.inner_text("#preview-count")
        page.wait_for_selector("#preview-chart[data-drawn] canvas")
        assert 0 < page.locator("#preview-list > li").count() <= 20
        assert page.locator("#preview-list mark").count() > 0

        page.click("#save-btn")
        page.wait_for_url(re.compile(r".*/topics\?saved="))
        assert TOPIC in page.inner_text(".flash")
        assert page.locator(f"tr[data-topic='{TOPIC}']").count() == 1

        page.goto("/topics/edit?name=" + TOPIC.replace(" ", "%20"))
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#delete-btn")
        page.wait_for_url(re.compile(r".*/topics\?deleted="))
        assert page.locator(f"tr[data-topic='{TOPIC}']").count() == 0
        assert page.js_errors == []
    finally:
        if remove_topic(web_store, "default", TOPIC):
            refresh_rollup(web_store, "default")


def test_hostile_text_in_the_preview_stays_inert(page: Any) -> None:
    browser_login(page, "viewer")
    page.goto("/topics/new")
    assert page.url.endswith("/topics/new")  # 403 page: viewers cannot edit
    page.goto("/topics")
    assert page.locator("#new-topic").count() == 0
    browser_login(page, "analyst")
    page.goto("/topics/new")
    page.fill("#topic-query", "xsspayload")
    page.click("#preview-btn")
    page.wait_for_selector("#preview-list > li .text")
    text = page.inner_text("#preview-list > li .text")
    assert '<a href="javascript:window.__pwned=3">' in text
    assert page.locator("#preview-list a[href^='javascript']").count() == 0
    assert page.locator("#preview-list img, #preview-list script").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert page.js_errors == []


def test_token_is_created_on_settings_and_shown_once(page: Any) -> None:
    browser_login(page, "viewer")
    page.goto("/settings")
    page.fill("#token-name", "t5 browser token")
    page.click("#token-create")
    page.wait_for_selector("#new-token")
    secret = page.input_value("#new-token")
    assert secret.startswith("th_") and len(secret) > 30
    page.goto("/settings")
    assert page.locator("#new-token").count() == 0
    assert secret not in page.content()
    row = page.locator("tr", has=page.locator("th", has_text="t5 browser token"))
    assert row.count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("button.danger").click()
    page.wait_for_url(re.compile(r".*done=token_revoked"))
    status = page.locator("tr", has=page.locator("th", has_text="t5 browser token")).inner_text()
    assert "Đã thu hồi" in status
    assert page.js_errors == []


def test_admin_pages_fit_a_phone(page: Any) -> None:
    browser_login(page, "admin")
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/topics", "/topics/new", "/authors", "/settings"):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, path
    assert page.js_errors == []
