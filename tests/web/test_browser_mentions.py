"""The Mentions explorer in Debian's Chromium: search with highlights, corrections in
place, and hostile text that stays text.

These tests run against their own copy of the demo world (``live_url`` is overridden
for this module), since they change labels.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import PASSWORD, WebWorld, _free_port, browser_login
from tests.web.test_mentions import Own, own_copy
from tinhieu.store import DuckDBStore


@pytest.fixture(scope="module")
def own(
    web_store: DuckDBStore, world: WebWorld, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Own]:
    copy = own_copy(web_store, world, tmp_path_factory.mktemp("browser-mentions"))
    yield copy
    copy.store.close()


@pytest.fixture(scope="module")
def live_url(own: Own) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(own.app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
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


def fold(text: str) -> str:
    """Lower case without accents (the query matches either way)."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search(page: Any, text: str) -> None:
    page.goto("/mentions")
    page.fill("#q", text)
    page.click("#search-submit")
    page.wait_for_load_state("domcontentloaded")


def test_search_shows_highlighted_results(page: Any) -> None:
    browser_login(page, "viewer")
    search(page, '"lumi" OR "hồng hạc"')
    assert "q=" in page.url and "platform=" not in page.url  # empty filters left out
    page.wait_for_selector(".mention-list .mention")
    assert page.locator("h1").inner_text() == "Đề cập"
    marks = page.locator(".mention-list mark")
    assert marks.count() >= 10
    words = {fold(m) for m in marks.all_inner_texts()}
    assert words <= {"lumi", "hong hac"} and "lumi" in words
    assert page.locator("#result-count").inner_text().startswith("·")
    # the next page keeps the query and shows other mentions
    first_ids = page.locator("[data-mention]").evaluate_all(
        "els => els.map(e => e.getAttribute('data-source-id'))"
    )
    page.click("#next-page")
    page.wait_for_selector("#first-page")
    next_ids = page.locator("[data-mention]").evaluate_all(
        "els => els.map(e => e.getAttribute('data-source-id'))"
    )
    assert next_ids and not set(first_ids) & set(next_ids)
    assert page.locator("#q").input_value() == '"lumi" OR "hồng hạc"'
    # viewers get no correction controls
    assert page.locator("form.correct-form").count() == 0
    assert page.js_errors == []


def test_syntax_error_is_shown_inline(page: Any) -> None:
    browser_login(page, "viewer")
    search(page, "(lumi OR")
    error = page.locator("#q-error")
    assert error.is_visible()
    assert "vị trí 8" in error.inner_text()
    assert page.locator("#q").get_attribute("aria-invalid") == "true"
    assert page.locator("#q").input_value() == "(lumi OR"


def _first_result(page: Any) -> Any:
    return page.locator(".mention-list [data-mention]").first


def test_correct_sentiment_in_place_and_after_reload(page: Any, own: Own) -> None:
    browser_login(page, "analyst")
    page.goto("/mentions?platform=forum&sentiment=positive")
    article = _first_result(page)
    source_id = article.get_attribute("data-source-id")
    assert article.locator("[data-label=sentiment]").inner_text() == "Tích cực"
    page.evaluate("window.__stay = 1")  # gone if the page reloads
    article.locator("details.correct summary").click()
    form = article.locator("form.correct-form[data-field=sentiment]")
    form.locator("select[name=value]").select_option("negative")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"[data-source-id='{source_id}'] form[data-field=sentiment][data-saved]")
    assert form.locator(".status").inner_text() == "Đã lưu."
    assert article.locator("[data-label=sentiment]").inner_text() == "Tiêu cực"
    assert page.evaluate("window.__stay") == 1
    # aspects and spam the same way
    grid = article.locator("form.correct-form[data-field=aspects]")
    grid.locator("select[name='aspect.delivery']").select_option("negative")
    grid.locator("button[type=submit]").click()
    page.wait_for_selector(f"[data-source-id='{source_id}'] form[data-field=aspects][data-saved]")
    assert "giao hàng: tiêu cực" in article.locator("[data-label=aspects]").inner_text()
    spam = article.locator("form.correct-form[data-field=spam]")
    spam.locator("select[name=value]").select_option("ad")
    spam.locator("button[type=submit]").click()
    page.wait_for_selector(f"[data-source-id='{source_id}'] form[data-field=spam][data-saved]")
    assert article.locator("[data-label=spam]").inner_text() == "Spam: Quảng cáo"
    assert page.evaluate("window.__stay") == 1
    # stored: after a reload (now under the negative filter) and in the database
    page.goto("/mentions?platform=forum&sentiment=negative&spam=ad&aspect=delivery:negative")
    again = page.locator(f"[data-source-id='{source_id}']").first
    assert again.locator("[data-label=sentiment]").inner_text() == "Tiêu cực"
    assert (
        again.locator("form[data-field=sentiment] select[name=value]").input_value() == "negative"
    )
    row = own.store.fetch_all(
        "SELECT sentiment, spam FROM mentions WHERE workspace = 'default' AND platform = 'forum' "
        "AND source_id = ?",
        [source_id],
    )
    assert row == [("negative", "ad")]
    assert page.js_errors == []


def test_correct_without_javascript(browser: Any, live_url: str, own: Own) -> None:
    context = browser.new_context(base_url=live_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("#name", "analyst")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/(\?.*)?$"))
        page.goto("/mentions?platform=news&sentiment=neutral")
        article = page.locator(".mention-list [data-mention]").first
        source_id = article.get_attribute("data-source-id")
        article.locator("details.correct summary").click()
        form = article.locator("form.correct-form[data-field=sentiment]")
        form.locator("select[name=value]").select_option("positive")
        form.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/mentions\?platform=news&sentiment=neutral#m-[0-9a-f]+$"))
        assert page.locator(f"[data-source-id='{source_id}']").count() == 0  # no longer neutral
        page.goto(f"/mentions/news/{source_id}")
        assert page.locator(".this-mention [data-label=sentiment]").inner_text() == "Tích cực"
    finally:
        context.close()


def test_hostile_text_stays_text(page: Any) -> None:
    browser_login(page, "analyst")
    search(page, "xsspayload")
    page.wait_for_selector(".mention-list .mention")
    text = page.locator(".mention-list .m-text").first.inner_text()
    assert "<script>window.__pwned=1</script>" in text
    assert '<img src=x onerror="window.__pwned=2">' in text
    assert '<a href="javascript:window.__pwned=3">bấm</a>' in text
    author = page.locator(".mention-list .m-author-name").first
    assert author.inner_text() == '<b onmouseover="window.__pwned=4">Kẻ xấu</b>'
    author.hover()
    page.locator(".mention-list .m-text").first.click()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    # nothing of the payload became an element: only our own labels island is a script
    assert page.locator("main script").count() == 1
    assert page.locator("main script").first.get_attribute("type") == "application/json"
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("b[onmouseover]").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("[onerror], [onmouseover]").count() == 0
    # the same on the mention's own page
    page.locator(".mention-list a.details").first.click()
    page.wait_for_selector(".this-mention")
    assert "/mentions/facebook/xss-1" in page.url
    assert "<script>window.__pwned=1</script>" in page.locator(".this-mention .m-text").inner_text()
    assert page.locator("main script").count() == 1
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.js_errors == []


def test_phone_width_has_no_horizontal_scroll(page: Any) -> None:
    browser_login(page, "analyst")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/mentions?q=lumi")
    page.locator(".mention-list details.correct summary").first.click()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    page.goto("/mentions/facebook/xss-1")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
