"""Ingest API benchmark: mentions/s through ``POST /api/v1/ingest`` over loopback,
enrichment included (topics, sentiment, aspects, spam, toxicity, emotion, language).

    .venv/bin/python bench/bench_ingest_api.py                     # 10 x 1,000, 3 runs
    .venv/bin/python bench/bench_ingest_api.py --batches 20 --runs 5
    .venv/bin/python bench/bench_ingest_api.py --base-days 90 --base-scale 1   # bigger store

A base store (the demo, ``--base-days`` days at ``--base-scale``) is built once and
copied for each run, so every run starts from the same state. Each run starts the real
app with uvicorn in a thread and one client in another process (httpx, keep-alive)
posts ``--batches`` batches of ``--batch-size`` new mentions (demo mentions of another
seed, their ids prefixed so they are all new), one after the other, as a webhook would.
``--workers 0,1`` (the default) compares the analysis in the server's own process with
one analysis worker process (``create_app(analysis_workers=...)``, what ``tinhieu serve``
uses on a machine with two or more cores); their runs alternate. The headline time
runs from the first request until every posted mention is analysed (the analysis runs
in the background, see ``tinhieu.ingest.AfterIngest``); the time until the last response
is reported too (``accepted``). The rollup rebuild that follows a burst is timed
separately (``rollup_refresh_ms``).

Prints a summary and writes ``bench/results/ingest_api.json``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import socket
import statistics
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT / "src"))

ITEM_SKIP = {"workspace"}


def make_items(count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` demo mentions as Mention JSON items (what a webhook would send)."""
    from tinhieu.demo import DemoConfig, generate
    from tinhieu.ingest import ITEM_FIELDS

    allowed = set(ITEM_FIELDS) - ITEM_SKIP
    items: list[dict[str, Any]] = []
    config = DemoConfig(days=30, scale=max(count / 100_000 * 90 / 30, 0.01), seed=seed)
    for batch in generate(config):
        for row in batch.to_pylist():
            item: dict[str, Any] = {}
            for name, value in row.items():
                if name not in allowed or value is None:
                    continue
                if name in ("created_at", "collected_at"):
                    value = value.isoformat()
                elif name in ("attrs", "reactions"):
                    value = json.loads(value)
                    if name == "attrs":
                        value = {k: v for k, v in value.items() if v is not None}
                item[name] = value
            items.append(item)
            if len(items) == count:
                return items
    return items


def prefixed(items: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    out = []
    for item in items:
        copy = dict(item)
        for key in ("source_id", "parent_id"):
            if key in copy:
                copy[key] = prefix + copy[key]
        if "url" in copy:
            copy["url"] = copy["url"] + "?" + prefix
        out.append(copy)
    return out


def base_store(days: int, scale: float) -> Path:
    from tinhieu.demo_run import build_demo

    DATA.mkdir(exist_ok=True)
    db = DATA / f"ingest-base-{days}d-{scale:g}.duckdb"
    if not db.exists():
        t = time.perf_counter()
        build_demo(db, days=days, scale=scale, seed=42)
        print(f"built the base store {db.name} in {time.perf_counter() - t:.1f}s")
    return db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def post_all(port: int, token: str, bodies: list[bytes]) -> dict[str, Any]:
    """The webhook: posts ``bodies`` one after the other from its own process (so it
    does not share the server's interpreter), with wall-clock start and end times."""
    import httpx

    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    latencies: list[float] = []
    inserted = rejected = 0
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
        started = time.time()
        for body in bodies:
            t = time.perf_counter()
            r = client.post("/api/v1/ingest", content=body, headers=headers)
            latencies.append(time.perf_counter() - t)
            r.raise_for_status()
            out = r.json()
            inserted += out["inserted"]
            rejected += out["rejected"]
        ended = time.time()
    return {
        "started": started,
        "ended": ended,
        "latencies": latencies,
        "inserted": inserted,
        "rejected": rejected,
    }


def _ready() -> bool:
    import httpx  # noqa: F401 - loaded before the clock starts

    return True


def one_run(
    base: Path,
    items: list[dict[str, Any]],
    batch_size: int,
    run: int,
    workers: int = 0,
    client: ProcessPoolExecutor | None = None,
) -> dict[str, Any]:
    import uvicorn

    from tinhieu.accounts import add_user, create_token
    from tinhieu.metrics import refresh_rollup
    from tinhieu.store import open_store
    from tinhieu.web import create_app

    db = DATA / f"ingest-run-{run}.duckdb"
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    shutil.copy(base, db)
    store = open_store(db)
    try:
        add_user(store, "bench", "bench password 123", workspace="default", role="analyst")
        token = create_token(store, "bench", "default", "bench")[1]
        before = store.count_mentions("default")
        app = create_app(store, analysis_workers=workers)
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.02)
        if workers:  # a server warms its analysis workers at start, before traffic
            app.state.workers_ready.join(timeout=120)
        run_items = prefixed(items, f"r{run}-")
        batches = [
            {"mentions": run_items[i : i + batch_size]}
            for i in range(0, len(run_items), batch_size)
        ]
        bodies = [json.dumps(b, ensure_ascii=False).encode() for b in batches]
        if client is None:
            posted = post_all(port, token, bodies)
        else:
            posted = client.submit(post_all, port, token, bodies).result()
        scheduler = app.state.after_ingest
        scheduler.flush(rollup=False)  # until every posted mention is analysed
        seconds = time.time() - posted["started"]
        accepted = posted["ended"] - posted["started"]
        latencies, inserted, rejected = (
            posted["latencies"],
            posted["inserted"],
            posted["rejected"],
        )
        scheduler.flush()
        server.should_exit = True
        thread.join(timeout=10)
        analysed = store.fetch_all(
            "SELECT count(*) FROM mentions WHERE workspace = 'default' AND sentiment IS NULL "
            "AND (text IS NOT NULL OR title IS NOT NULL)"
        )[0][0]
        t = time.perf_counter()
        refresh_rollup(store, "default")
        rollup_s = time.perf_counter() - t
        total = store.count_mentions("default")
    finally:
        store.close()
        for p in (db, db.with_name(db.name + ".wal")):
            p.unlink(missing_ok=True)
    return {
        "seconds": seconds,
        "accepted_seconds": accepted,
        "mentions": len(run_items),
        "inserted": inserted,
        "rejected": rejected,
        "left_unanalysed": int(analysed),
        "request_median_s": statistics.median(latencies),
        "request_max_s": max(latencies),
        "rollup_refresh_s": rollup_s,
        "background_passes": dict(scheduler.passes),
        "rows_before": before,
        "rows_after": total,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--base-days", type=int, default=30)
    parser.add_argument("--base-scale", type=float, default=0.3)
    parser.add_argument(
        "--workers",
        type=lambda v: [int(x) for x in v.split(",")],
        default=[0, 1],
        help="analysis worker processes to compare, e.g. 0,1 (0: in-process)",
    )
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    base = base_store(args.base_days, args.base_scale)
    t = time.perf_counter()
    items = make_items(args.batches * args.batch_size, seed=2024)
    print(f"{len(items):,} items generated in {time.perf_counter() - t:.1f}s")
    # The client is another process, as a webhook would be, started before the clock.
    client = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    client.submit(_ready).result()
    # A warm-up request loads the NLP bundle and the app's code paths once.
    one_run(base, items[: args.batch_size], args.batch_size, 0, client=client)
    # Each configuration's runs alternate with the others', so drift on this shared
    # machine touches them alike; the ratio is against the in-process baseline (0).
    runs: dict[int, list[dict[str, Any]]] = {w: [] for w in args.workers}
    run_no = 0
    for _ in range(args.runs):
        for w in args.workers:
            run_no += 1
            r = one_run(base, items, args.batch_size, run_no, workers=w, client=client)
            runs[w].append(r)
            print(
                f"workers {w} run {len(runs[w])}: {r['mentions']:,} analysed in "
                f"{r['seconds']:.2f}s = {r['mentions'] / r['seconds']:,.0f}/s, accepted in "
                f"{r['accepted_seconds']:.2f}s (request median "
                f"{r['request_median_s'] * 1000:.0f} ms, max {r['request_max_s'] * 1000:.0f} ms;"
                f" rollup rebuild {r['rollup_refresh_s'] * 1000:.0f} ms at "
                f"{r['rows_after']:,} rows)"
            )

    def summary(rs: list[dict[str, Any]]) -> dict[str, Any]:
        med = statistics.median(r["seconds"] for r in rs)
        return {
            "seconds": [round(r["seconds"], 3) for r in rs],
            "median_seconds": round(med, 3),
            "mentions_per_s": round(len(items) / med),
            "accepted_seconds": [round(r["accepted_seconds"], 3) for r in rs],
            "accepted_mentions_per_s": round(
                len(items) / statistics.median(r["accepted_seconds"] for r in rs)
            ),
            "background_passes": rs[-1]["background_passes"],
            "request_median_ms": round(statistics.median(r["request_median_s"] for r in rs) * 1000),
            "request_max_ms": round(max(r["request_max_s"] for r in rs) * 1000),
            "inserted": rs[-1]["inserted"],
            "rejected": rs[-1]["rejected"],
            "left_unanalysed": rs[-1]["left_unanalysed"],
            "rollup_refresh_ms": round(statistics.median(r["rollup_refresh_s"] for r in rs) * 1000),
            "rows_after": rs[-1]["rows_after"],
        }

    by_workers = {str(w): summary(rs) for w, rs in runs.items()}
    best = max(by_workers.values(), key=lambda x: x["mentions_per_s"])
    first = next(iter(runs.values()))
    report = {
        "benchmark": "ingest_api",
        "batches": args.batches,
        "batch_size": args.batch_size,
        "mentions_per_run": len(items),
        "base_rows": first[0]["rows_before"],
        "runs": args.runs,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "cpu": platform.processor(),
        },
        "by_analysis_workers": by_workers,
        "speedup_vs_in_process": {
            w: round(v["mentions_per_s"] / by_workers["0"]["mentions_per_s"], 2)
            for w, v in by_workers.items()
        }
        if "0" in by_workers
        else None,
        "mentions_per_s": best["mentions_per_s"],
        "target": {"mentions_per_s": 5_000},
        "meets_target": best["mentions_per_s"] >= 5_000,
    }
    client.shutdown()
    print(json.dumps(report, indent=2))
    (RESULTS / "ingest_api.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
