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


def test_the_app_warms_the_default_overview_at_start(web_store: Any) -> None:
    from fastapi.testclient import TestClient

    from tinhieu.web import create_app
    from tinhieu.web.overview import _OVERVIEWS

    _OVERVIEWS.clear()
    app = create_app(web_store)
    with TestClient(app):
        app.state.warmup.join(timeout=120)
    warmed = {key[:4] for key in _OVERVIEWS._items}
    assert ("brand", None, 7, "day") in warmed
    assert len(_OVERVIEWS._items) == 2  # one per workspace with topics: default, other
