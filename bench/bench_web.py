"""Benchmark the web app served by ``tinhieu serve`` over loopback.

    .venv/bin/python bench/bench_web.py                      # 1M-mention store
    .venv/bin/python bench/bench_web.py --search-rows 10000000 --users 50 --seconds 60

Cases (the server runs in its own process, as users run it; latencies are measured by
the client over loopback and, where the app reports it, by the app's Server-Timing):

1. **Overview page** (``GET /``, 30 days, per day) on a store of ``--rows`` synthetic
   mentions (``bench_stats.generate_sql``): the first (cold) request after start, then
   ``--runs`` requests — median and p95. Target: p95 ≤ 200 ms at 1M mentions. Also the
   first view of other periods and grains (computed on demand), and of the brand
   group's 30- and 90-day views, which the server keeps computed (``tinhieu.web.warm``).
2. **Mentions search** (``GET /api/v1/mentions``) on a store of ``--search-rows``
   mentions (0 skips it): typical queries, first page, median and p95. Target ≤ 300 ms
   at 10M mentions.
3. **Concurrent users**: ``--users`` users, each logged in with its own session, for
   ``--seconds`` seconds; each user repeatedly opens a page from a mix (overview at
   several periods, a mentions search, the signals inbox, the API overview) and then
   waits ``--think`` seconds on average (exponential) like a person reading it.
   Reported: requests, errors, p50/p95/p99. Target: p99 ≤ 500 ms, zero errors.

Stores are generated once and cached under ``bench/data/``. Results are printed and
written to ``bench/results/web.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_stats import WORKSPACE, build_store
from tinhieu.accounts import add_user
from tinhieu.metrics import refresh_rollup, rollup_is_fresh
from tinhieu.store import open_store

ROOT = Path(__file__).resolve().parent
USER, PASSWORD = "bench", "bench-password-123"
SEARCHES = (
    '"giao hàng" AND platform:facebook',
    "sữa tươi NEAR/3 giá",
    '"giá cả" AND NOT platform:news',
    "giao hàng",
)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    k = max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))
    return ordered[k]


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "runs": len(samples),
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(percentile(samples, 0.95), 1),
        "p99_ms": round(percentile(samples, 0.99), 1),
        "max_ms": round(max(samples), 1),
    }


def prepare(rows: int) -> Path:
    path = ROOT / "data" / f"web-{rows}.duckdb"
    if not path.exists():
        print(f"generating {rows:,} mentions into {path} …", flush=True)
        build_store(path, rows)
    with open_store(path) as store:
        store.execute("SET enable_progress_bar = false")
        if not rollup_is_fresh(store, WORKSPACE):
            print("building the metrics rollup …", flush=True)
            refresh_rollup(store, WORKSPACE)
        add_user(store, USER, PASSWORD, workspace=WORKSPACE, role="analyst")
        store.execute("CHECKPOINT")
    return path


class Server:
    """``tinhieu serve`` in a child process on a free loopback port."""

    def __init__(self, db: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        exe = Path(sys.executable).with_name("tinhieu")
        self.proc = subprocess.Popen(
            [str(exe), "serve", "--db", str(db), "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/login", timeout=2)
                return
            except httpx.HTTPError as exc:
                if self.proc.poll() is not None:
                    detail = self.proc.stderr.read().decode() if self.proc.stderr else ""
                    raise RuntimeError(detail) from exc
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


def login(client: httpx.Client) -> None:
    page = client.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
    assert token, "no login form"
    r = client.post(
        "/login", data={"name": USER, "password": PASSWORD, "login_csrf": token.group(1)}
    )
    assert r.status_code == 303 and "tinhieu_session" in client.cookies, r.status_code


def timed_get(client: httpx.Client, path: str) -> tuple[float, float | None, int]:
    started = time.perf_counter()
    r = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    found = re.search(r"app;dur=([\d.]+)", r.headers.get("server-timing", ""))
    return elapsed, float(found.group(1)) if found else None, r.status_code


def bench_overview(db: Path, runs: int) -> dict[str, Any]:
    server = Server(db)
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            login(client)
            cold, cold_app, status = timed_get(client, "/?days=30&grain=day&group=competitor")
            assert status == 200, status
            client_ms: list[float] = []
            app_ms: list[float] = []
            for _ in range(runs):
                ms, app, status = timed_get(client, "/?days=30&grain=day&group=competitor")
                assert status == 200, status
                client_ms.append(ms)
                if app is not None:
                    app_ms.append(app)
            other: list[float] = []
            for days, grain in ((7, "hour"), (90, "week"), (1, "day"), (7, "day")):
                ms, _, status = timed_get(client, f"/?days={days}&grain={grain}")
                assert status == 200, status
                other.append(ms)
            # the brand group's periods per day, which the server computes at start and
            # again when the data or the hour changes (tinhieu.web.warm): a first view
            warmed: list[float] = []
            for days in (30, 90):
                ms, _, status = timed_get(client, f"/?days={days}&grain=day")
                assert status == 200, status
                warmed.append(ms)
    finally:
        server.close()
    return {
        "cold_ms": round(cold, 1),
        "cold_app_ms": cold_app,
        "client": summary(client_ms),
        "app": summary(app_ms) if app_ms else None,
        "first_view_of_other_periods_ms": [round(x, 1) for x in other],
        "first_view_of_warmed_periods_ms": [round(x, 1) for x in warmed],
    }


def bench_search(db: Path, runs: int) -> dict[str, Any]:
    """Each query ``runs`` times uncached (a distinct page size per run, so no run is
    served from the first-page cache), then ``runs`` times as repeated (cached)."""
    server = Server(db)
    out: dict[str, Any] = {}
    try:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            login(client)
            for q in SEARCHES:
                fresh, again = [], []
                status = 0
                for i in range(runs):
                    params = httpx.QueryParams(q=q, limit=50 - i)
                    ms, _, status = timed_get(client, f"/api/v1/mentions?{params}")
                    assert status == 200, status
                    fresh.append(ms)
                for _ in range(runs):
                    params = httpx.QueryParams(q=q, limit=50)
                    ms, _, status = timed_get(client, f"/api/v1/mentions?{params}")
                    again.append(ms)
                out[q] = {"uncached": summary(fresh), "repeated": summary(again)}
    finally:
        server.close()
    return out


async def _user(
    url: str,
    start: asyncio.Event,
    stop: list[float],
    think: float,
    seed: int,
    lat: list[tuple[str, float]],
    errors: list[str],
    ready: list[int],
) -> None:
    rng = random.Random(seed)
    mix = (
        ["/?days=7", "/?days=30", "/?days=7&grain=hour", "/?days=90&grain=week"] * 2
        + ["/api/v1/mentions?q=" + httpx.QueryParams(q=q)["q"] for q in SEARCHES[:2]]
        + ["/signals", "/api/v1/overview?days=30"]
    )
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        page = await client.get("/login")
        token = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
        assert token
        await client.post(
            "/login", data={"name": USER, "password": PASSWORD, "login_csrf": token.group(1)}
        )
        ready.append(seed)
        await start.wait()  # logins are not part of the measured minute
        await asyncio.sleep(rng.random() * think)
        while time.monotonic() < stop[0]:
            path = rng.choice(mix)
            started = time.perf_counter()
            try:
                r = await client.get(path)
                if r.status_code >= 400:
                    errors.append(f"{r.status_code} {path}")
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__} {path}")
            lat.append((path.split("?")[0], (time.perf_counter() - started) * 1000))
            await asyncio.sleep(rng.expovariate(1 / think))


def bench_users(db: Path, users: int, seconds: float, think: float) -> dict[str, Any]:
    server = Server(db)
    lat: list[tuple[str, float]] = []
    errors: list[str] = []
    ready: list[int] = []
    try:

        async def run() -> None:
            start = asyncio.Event()
            stop = [0.0]
            tasks = [
                asyncio.create_task(_user(server.url, start, stop, think, i, lat, errors, ready))
                for i in range(users)
            ]
            while len(ready) < users:
                await asyncio.sleep(0.05)
            stop[0] = time.monotonic() + seconds
            start.set()
            await asyncio.gather(*tasks)

        asyncio.run(run())
    finally:
        server.close()
    by_path: dict[str, list[float]] = {}
    for path, ms in lat:
        by_path.setdefault(path, []).append(ms)
    samples = [ms for _, ms in lat]
    return {
        "users": users,
        "seconds": seconds,
        "think_seconds_mean": think,
        "requests": len(samples),
        "requests_per_second": round(len(samples) / seconds, 1),
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:10],
        **summary(samples),
        "by_path": {p: summary(v) for p, v in sorted(by_path.items())},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--search-rows", type=int, default=0, help="0: skip the search case")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "web.json")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {
        "benchmark": "web app over loopback (tinhieu serve in its own process)",
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "load_average_at_start": list(os.getloadavg()),
        },
    }
    db = prepare(args.rows)
    print(f"overview page, {args.rows:,} mentions …", flush=True)
    result["overview"] = {"rows": args.rows, **bench_overview(db, args.runs)}
    print(json.dumps(result["overview"], indent=2), flush=True)
    if args.search_rows:
        big = prepare(args.search_rows)
        print(f"mentions search, {args.search_rows:,} mentions …", flush=True)
        result["search"] = {"rows": args.search_rows, **bench_search(big, max(7, args.runs // 3))}
        print(json.dumps(result["search"], indent=2), flush=True)
    if args.users:
        print(f"{args.users} users for {args.seconds:.0f} s …", flush=True)
        result["users"] = {
            "rows": args.rows,
            **bench_users(db, args.users, args.seconds, args.think),
        }
        print(json.dumps(result["users"], indent=2), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), "utf-8")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
