"""The result cache: one computation per key under concurrency, keys per workspace."""

from __future__ import annotations

import threading
import time
from typing import Any

from tinhieu.web.cache import ResultCache, data_version
from tinhieu.web.overview import overview


def test_concurrent_misses_compute_once_and_callers_get_copies() -> None:
    cache = ResultCache(8)
    calls: list[int] = []
    results: list[dict[str, list[int]]] = []

    def compute() -> dict[str, list[int]]:
        calls.append(1)
        time.sleep(0.05)  # long enough for every thread to arrive while it runs
        return {"v": [1, 2]}

    def worker() -> None:
        results.append(cache.get_or_compute(("k",), compute))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(calls) == 1
    assert all(r == {"v": [1, 2]} for r in results)
    results[0]["v"].append(3)  # a caller changing its copy does not change the cache
    assert cache.get_or_compute(("k",), compute) == {"v": [1, 2]}


def test_the_cache_forgets_the_oldest_beyond_its_size() -> None:
    cache = ResultCache(2)
    for k in range(3):
        cache.get_or_compute((k,), lambda k=k: k)
    recomputed: list[int] = []
    cache.get_or_compute((0,), lambda: recomputed.append(0) or 0)
    assert recomputed == [0]


def test_data_version_is_per_workspace_and_moves_with_writes(web_store: Any) -> None:
    a, b = data_version(web_store, "default"), data_version(web_store, "other")
    assert a != b
    web_store.execute("UPDATE workspaces SET timezone = timezone WHERE name = 'other'")
    assert data_version(web_store, "default") != a


def test_a_cached_overview_never_crosses_workspaces(web_store: Any) -> None:
    default = overview(web_store, "default", group="brand", days=7)
    other = overview(web_store, "other", group="brand", days=7)
    assert other["topics"] == ["Secret Brand"]
    assert "Secret Brand" not in default["topics"]
    again = overview(web_store, "default", group="brand", days=7)
    assert again["topics"] == default["topics"]


def test_the_app_warms_every_period_at_start(web_store: Any) -> None:
    from fastapi.testclient import TestClient

    from tinhieu.web import create_app
    from tinhieu.web.overview import _OVERVIEWS, PERIODS

    _OVERVIEWS.clear()
    app = create_app(web_store)
    with TestClient(app):
        assert app.state.warmer.started.wait(120)
        warmed = {key[:4] for key in _OVERVIEWS._items}
        assert {("brand", None, d, "day") for d in PERIODS} <= warmed
        # one per workspace with topics (default, other) and period
        assert len(_OVERVIEWS._items) == 2 * len(PERIODS)
    assert not app.state.warmer._thread.is_alive()  # stopped with the app


def test_the_warmer_rewarms_viewed_workspaces_when_their_data_changes(web_store: Any) -> None:
    from tinhieu.web import warm
    from tinhieu.web.overview import _OVERVIEWS

    warmer = warm.Warmer(web_store, min_gap=3600)
    with warm._viewed_lock:
        warm._viewed.clear()
    assert warmer.tick() == 0  # nobody looked at anything
    warm.note_view(web_store, "default")
    assert warm.viewed(web_store) == ["default"]
    assert warmer.tick() == 1
    assert warmer.tick() == 0  # nothing changed
    _OVERVIEWS.clear()
    web_store.execute("SELECT 1")  # a write as far as the data version can tell
    assert warmer.tick() == 0  # changed, but warmed less than min_gap ago
    warmer.min_gap = 0
    assert warmer.tick() == 1
    versions = {key[5] for key in _OVERVIEWS._items}
    assert versions == {data_version(web_store, "default")}  # computed for the new data
    assert len(_OVERVIEWS._items) == 4
    assert warm.viewed(web_store, within=0) == []  # views are forgotten after a while


def test_logins_and_token_use_keep_the_cached_views(web_store: Any, world: Any) -> None:
    from datetime import UTC, datetime, timedelta

    from tinhieu.accounts import create_session, end_session, token_principal

    before = data_version(web_store, "default")
    token, _ = create_session(web_store, "admin", "default")
    end_session(web_store, token)
    # a token's last use is written at most once a minute: make this use due
    web_store.execute("UPDATE api_tokens SET last_used_at = NULL")
    after_setup = data_version(web_store, "default")
    assert after_setup != before  # that UPDATE was an ordinary write
    secret = world.tokens["admin"]
    assert token_principal(web_store, secret) is not None
    [(used,)] = web_store.fetch_all(
        "SELECT count(*) FROM api_tokens WHERE last_used_at > ?",
        [datetime.now(UTC) - timedelta(minutes=1)],
    )
    assert used >= 1  # the use was recorded ...
    assert data_version(web_store, "default") == after_setup  # ... without a data change
    # outside the block, the same kind of write counts
    with web_store.bookkeeping():
        web_store.execute("SELECT 1")
    assert data_version(web_store, "default") == after_setup
    web_store.execute("SELECT 1")
    assert data_version(web_store, "default") != after_setup
