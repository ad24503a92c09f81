"""Alert latency in streaming mode at 1,000 mentions a minute.

    .venv/bin/python bench/bench_alert_latency.py [--rate 1000] [--interval 5] [--runs 3]

A temporary store gets one topic with a day of history at ``--rate`` mentions a minute
(the detectors' warm-up), then a feeder thread writes new mentions in real time at the
same rate, stamped with the wall clock, through the store's upsert. A :class:`Watcher`
ticks every ``--interval`` seconds with a webhook alert rule pointing at an HMAC-checking
HTTP server on loopback. Each run plants a burst of complaints carrying crisis-risk terms
of a new category (one every 2 seconds on top of the normal flow) and measures:

* **from the trigger** — from the arrival of the burst mention that makes the evidence
  sufficient (the third: a risk signal needs three such mentions in a day) to the alert
  arriving at the webhook;
* **from the first** — from the first burst mention to the alert.

Target: ≤ 60 s. Prints the runs and their medians and writes
``bench/results/alert_latency.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import platform
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from tinhieu.schema import ARROW_SCHEMA
from tinhieu.signals.alerts import make_rule, save_rule
from tinhieu.signals.engine import DetectOptions
from tinhieu.signals.watch import Watcher
from tinhieu.store import open_store
from tinhieu.store.base import Topic

HERE = Path(__file__).resolve().parent
WS, TOPIC = "bench", "Brand"
SECRET = "bench-secret"
BURSTS = (
    ("health", "uống xong bị ngộ độc, phải truyền nước"),
    ("hygiene", "phát hiện dị vật trong ly, ghê quá"),
    ("boycott", "tẩy chay đi mọi người, quá tệ"),
    ("fraud", "lừa đảo khách hàng, không hoàn tiền"),
)
TEXTS = (
    "trà sữa ở đây uống cũng được",
    "quán đông quá phải đợi",
    "hôm nay ghé mua ly trà đào",
    "giá hơi cao nhưng ngon",
    "nhân viên dễ thương",
)


class _Feed:
    """Mentions as arrow tables, with increasing ids."""

    def __init__(self) -> None:
        self.n = 0
        self.rng = np.random.default_rng(7)

    def table(self, times: list[datetime], texts: list[str], sentiment: str) -> pa.Table:
        k = len(times)
        ids = [f"m{self.n + i}" for i in range(k)]
        self.n += k
        cols: dict[str, Any] = {f.name: [None] * k for f in ARROW_SCHEMA}
        cols.update(
            workspace=[WS] * k,
            platform=["facebook"] * k,
            source_id=ids,
            kind=["comment"] * k,
            author_id=[f"a{int(x)}" for x in self.rng.integers(0, 50_000, k)],
            text=texts,
            created_at=times,
            sentiment=[sentiment] * k,
            spam=["none"] * k,
            topics=[[TOPIC]] * k,
        )
        return pa.table(cols, schema=ARROW_SCHEMA)


def _receiver() -> tuple[ThreadingHTTPServer, list[tuple[float, dict[str, Any]]]]:
    got: list[tuple[float, dict[str, Any]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            ts = self.headers.get("X-Tinhieu-Timestamp", "")
            want = hmac.new(SECRET.encode(), ts.encode() + b"." + body, hashlib.sha256)
            ok = hmac.compare_digest(
                "sha256=" + want.hexdigest(), self.headers.get("X-Tinhieu-Signature", "")
            )
            if ok:
                got.append((time.time(), json.loads(body)))
            self.send_response(200 if ok else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, got


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rate", type=int, default=1000, help="mentions per minute")
    ap.add_argument("--interval", type=float, default=5.0, help="seconds between ticks")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=str(HERE / "results" / "alert_latency.json"))
    args = ap.parse_args()

    tmp = tempfile.TemporaryDirectory()
    store = open_store(Path(tmp.name) / "latency.duckdb")
    store.ensure_workspace(WS, "Asia/Ho_Chi_Minh")
    store.put_topic(Topic(WS, TOPIC, TOPIC, "brand"))
    feed = _Feed()
    rng = np.random.default_rng(1)

    # a day of history at the same rate, with a daily rhythm of ±30 %
    start = datetime.now(UTC) - timedelta(days=1, minutes=5)
    t0 = time.perf_counter()
    cur = start
    while cur < datetime.now(UTC) - timedelta(minutes=1):
        hour = cur.hour
        lam = args.rate * 60 * (1 + 0.3 * np.sin(2 * np.pi * hour / 24))
        n = int(rng.poisson(lam))
        secs = np.sort(rng.uniform(0, 3600, n))
        times = [cur + timedelta(seconds=float(s)) for s in secs]
        times = [t for t in times if t < datetime.now(UTC) - timedelta(minutes=1)]
        texts = [TEXTS[int(i)] for i in rng.integers(0, len(TEXTS), len(times))]
        store.upsert_mentions(feed.table(times, texts, "neutral"))
        cur += timedelta(hours=1)
    history_s = time.perf_counter() - t0
    print(f"history: {feed.n:,} mentions in {history_s:.0f} s")

    server, got = _receiver()
    os.environ["BENCH_HOOK_SECRET"] = SECRET
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    rule = make_rule(
        WS, "latency", channel="webhook", target={"url": url, "secret_env": "BENCH_HOOK_SECRET"}
    )
    save_rule(store, rule)
    t0 = time.perf_counter()
    watcher = Watcher(store, WS, topics=[TOPIC], options=DetectOptions(history_days=1))
    print(f"warm-up: {time.perf_counter() - t0:.1f} s")

    stop = threading.Event()
    burst: dict[str, Any] = {"text": None, "times": []}

    def feeder() -> None:
        per_s = args.rate / 60.0
        carry = 0.0
        last_burst = 0.0
        while not stop.is_set():
            now = datetime.now(UTC)
            carry += per_s
            n = int(carry)
            carry -= n
            texts = [TEXTS[int(i)] for i in rng.integers(0, len(TEXTS), n)]
            store.upsert_mentions(feed.table([now] * n, texts, "neutral"))
            if burst["text"] is not None and time.time() - last_burst >= 2.0:
                store.upsert_mentions(feed.table([now], [burst["text"]], "negative"))
                burst["times"].append(time.time())
                last_burst = time.time()
            time.sleep(max(0.0, 1.0 - (datetime.now(UTC) - now).total_seconds()))

    thread = threading.Thread(target=feeder, daemon=True)
    thread.start()
    ticks: list[float] = []

    def tick() -> None:
        t = time.perf_counter()
        watcher.tick()
        ticks.append(time.perf_counter() - t)

    runs = []
    try:
        for _ in range(3):  # settle: a few ticks of plain traffic
            tick()
            time.sleep(args.interval)
        for run in range(args.runs):
            category, text = BURSTS[run % len(BURSTS)]
            before = len(got)
            burst["times"] = []
            burst["text"] = text
            deadline = time.time() + 180
            while len(got) == before and time.time() < deadline:
                tick()
                time.sleep(args.interval)
            burst["text"] = None
            if len(got) == before:
                print(f"run {run + 1} ({category}): no alert within 180 s")
                runs.append({"category": category, "alerted": False})
                continue
            arrived, payload = got[before]
            first = burst["times"][0]
            trigger = burst["times"][min(2, len(burst["times"]) - 1)]
            sig = payload.get("signal", payload)
            r = {
                "category": category,
                "alerted": True,
                "kind": sig.get("kind"),
                "dimension": sig.get("dimension_value"),
                "from_first_s": round(arrived - first, 1),
                "from_trigger_s": round(arrived - trigger, 1),
            }
            runs.append(r)
            print(
                f"run {run + 1} ({category}): alert {r['kind']}[{r['dimension']}] "
                f"{r['from_trigger_s']} s after the triggering mention, "
                f"{r['from_first_s']} s after the first"
            )
            time.sleep(args.interval)
    finally:
        stop.set()
        thread.join(5)
        server.shutdown()
        store.close()
        tmp.cleanup()
    ok = [r for r in runs if r["alerted"]]
    out = {
        "machine": platform.machine(),
        "python": platform.python_version(),
        "rate_per_minute": args.rate,
        "tick_interval_s": args.interval,
        "history_mentions": feed.n,
        "tick_seconds_median": round(statistics.median(ticks), 2) if ticks else None,
        "tick_seconds_max": round(max(ticks), 2) if ticks else None,
        "runs": runs,
        "median_from_trigger_s": round(statistics.median(r["from_trigger_s"] for r in ok), 1)
        if ok
        else None,
        "median_from_first_s": round(statistics.median(r["from_first_s"] for r in ok), 1)
        if ok
        else None,
        "target_s": 60,
    }
    print(
        f"median latency: {out['median_from_trigger_s']} s from the trigger, "
        f"{out['median_from_first_s']} s from the first burst mention; tick "
        f"{out['tick_seconds_median']} s median, {out['tick_seconds_max']} s max (target ≤ 60 s)"
    )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
