"""Analysis in a worker process (``create_app(..., analysis_workers=1)``): the rows an
ingest stores get exactly the analysis the in-process path gives them, the workers start
with the app and stop with it, and a dead worker costs no row."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD
from tinhieu.accounts import add_user, create_token
from tinhieu.ingest import AfterIngest, ingest
from tinhieu.store import DuckDBStore, open_store
from tinhieu.topics import save_topic

TEXTS = (
    "Lumi Tea trà sữa ngon lắm, giao hàng nhanh",
    "trà sữa lumi dở tệ, nhân viên thái độ quá tệ, không bao giờ quay lại",
    "ib mình giá sỉ nha, inbox ngay kẻo lỡ, link ở bio",
    "Nokia Lumia cũ pin chai quá",
    "The milk tea at Lumi was okay but the line took forever",
)
ANALYSED = ("sentiment", "sentiment_score", "aspects", "spam", "toxicity", "emotion", "language")


def items(prefix: str, n: int) -> list[dict[str, Any]]:
    return [
        {
            "platform": "facebook",
            "source_id": f"{prefix}-{i}",
            "text": f"{TEXTS[i % len(TEXTS)]} #{i}",
            "created_at": f"2026-03-01T{9 + i % 10:02d}:{i % 60:02d}:00+07:00",
            "kind": "comment" if i % 2 else "post",
        }
        for i in range(n)
    ]


def new_store(path: Path) -> DuckDBStore:
    store = open_store(path)
    store.ensure_workspace("w")
    save_topic(store, "w", "Lumi Tea", "lumi* NOT lumia", "brand")
    return store


def analysis(store: DuckDBStore) -> dict[str, tuple[Any, ...]]:
    rows = store.fetch_all(
        f"SELECT source_id, {', '.join(ANALYSED)} FROM mentions WHERE workspace = 'w'"
    )
    return {r[0]: tuple(r[1:]) for r in rows}


def test_a_worker_process_gives_the_in_process_analysis(tmp_path: Path) -> None:
    from tinhieu.web import create_app

    batch = items("x", 60)
    local = new_store(tmp_path / "local.duckdb")
    ingest(local, "w", batch, analyse=True)
    expected = analysis(local)
    local.close()
    assert all(v[0] is not None for v in expected.values())

    store = new_store(tmp_path / "workers.duckdb")
    add_user(store, "ana", PASSWORD, workspace="w", role="analyst")
    token = create_token(store, "ana", "w", "t")[1]
    app = create_app(store, analysis_workers=1)
    with TestClient(app) as client:  # the lifespan starts the worker process
        assert app.state.workers_ready is not None
        app.state.workers_ready.join(timeout=120)
        worker = app.state.after_ingest
        assert isinstance(worker, AfterIngest) and worker.workers == 1
        pool = worker._pool
        assert pool is not None
        pids = set(pool._processes)  # the process really exists, apart from this one
        assert pids and os.getpid() not in pids
        for start in (0, 30):
            r = client.post(
                "/api/v1/ingest",
                json={"mentions": batch[start : start + 30]},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert r.status_code == 200 and r.json()["inserted"] == 30, r.text
        assert worker.flush(timeout=120)
        assert analysis(store) == expected
        assert worker.passes["analyse"] >= 1
    # leaving the app stops the worker processes
    assert worker._pool is None
    store.close()


def test_a_dead_worker_costs_no_row(tmp_path: Path) -> None:
    store = new_store(tmp_path / "dead.duckdb")
    worker = AfterIngest(store, workers=1, quiet=0.1)
    try:
        assert worker.start_workers(timeout=120)
        pool = worker._pool
        assert pool is not None
        for pid in list(pool._processes):
            os.kill(pid, signal.SIGKILL)
        ingest(store, "w", items("d", 12))
        worker.mark("w")
        assert worker.flush(timeout=120)
        unanalysed = store.fetch_all(
            "SELECT count(*) FROM mentions WHERE workspace = 'w' AND sentiment IS NULL"
        )[0][0]
        assert unanalysed == 0
        # the next pass gets a fresh pool
        ingest(store, "w", items("e", 5))
        worker.mark("w")
        assert worker.flush(timeout=120)
        assert worker._pool is not None and worker._pool is not pool
    finally:
        worker.close()
        store.close()
