"""Backtest the 3–5 day projections and their prediction intervals.

    .venv/bin/python bench/backtest_projection.py                 # everything (~2 min, 2 cores)
    .venv/bin/python bench/backtest_projection.py --skip-demo     # NAB only
    .venv/bin/python bench/backtest_projection.py --demo-db /tmp/proj_demo/t.duckdb

Rolling-origin evaluation of ``tinhieu.signals.projection``: at every origin the
projection is fitted and calibrated on the data before the origin only, then compared
with the next ``horizon`` buckets. Reports the coverage of the 80 % and 95 % intervals
(all steps, and steps 72–120 h = days 3–5 for hourly data), the mean interval width
(absolute and relative to the mean outcome), MAPE and MASE of the central path.

Data sets
- NAB ``realTweets`` (10 series of 5-minute tweet counts mentioning a company, Feb–Apr
  2015): summed to hourly buckets (an hour missing any 5-minute sample is NaN, the
  partial first and last hours are dropped); horizon 120 h, season 24 (hour of day)
  and 168 (hour of week), first origin after 14 days, an origin every 12 h. Also daily
  sums (complete days), horizon 5, season 7, first origin after 21 days, every day.
  The method's constants were chosen looking at the first half of the series
  (AAPL AMZN CRM CVS FB, "NAB-A"), demo workspaces built with ``--seed`` 1, 2, 3
  and 7, and synthetic series; the other half (GOOG IBM KO PFE UPS, "NAB-B") is reported
  separately as held out.
- The demo workspace (``tinhieu demo --days 120``, seed 42, not used for tuning): the
  daily series (Asia/Ho_Chi_Minh days) of every topic — volume, and negative share
  (negative / mentions with a sentiment) — horizon 5, season 7, first origin after 28
  days, every day. Built into a temporary folder (removed afterwards) unless
  ``--demo-db`` points at one.

Prints a table and writes ``bench/results/projection.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from tinhieu.signals.projection import Backtest, backtest_levels, backtest_share_levels

ROOT = Path(__file__).resolve().parent
NAB_DIR = ROOT.parent.parent / "shared" / "data" / "nab" / "data" / "realTweets"
NAB_A = ("AAPL", "AMZN", "CRM", "CVS", "FB")
NAB_B = ("GOOG", "IBM", "KO", "PFE", "UPS")
LEVELS = (0.8, 0.95)


def nab_series(name: str, nab_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """Hourly and daily sums of one NAB realTweets series (NaN: incomplete bucket)."""
    raw = pd.read_csv(nab_dir / f"Twitter_volume_{name}.csv", parse_dates=["timestamp"])
    s = raw.set_index("timestamp")["value"].astype(float)
    out = []
    for rule, full in (("1h", 12), ("1D", 288)):
        total = s.resample(rule).sum(min_count=1)
        count = s.resample(rule).count()
        series = total.where(count >= full)
        # drop the partial first and last buckets
        inner = series.to_numpy(dtype=np.float64)
        first = np.flatnonzero(np.isfinite(inner))
        inner = inner[first[0] : first[-1] + 1] if first.size else inner
        out.append(inner)
    return out[0], out[1]


def demo_series(db: Path) -> dict[str, dict[str, np.ndarray]]:
    """Daily volume, negatives and sentiment-analysed mentions per topic (local days)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("SET TimeZone = 'Asia/Ho_Chi_Minh'")
        rows = con.execute(
            """
            WITH days AS (
                SELECT CAST(d AS DATE) AS day
                FROM range(
                    (SELECT CAST(min(created_at) AS DATE) FROM mentions),
                    (SELECT CAST(max(created_at) AS DATE) FROM mentions) + INTERVAL 1 DAY,
                    INTERVAL 1 DAY
                ) AS r(d)
            ),
            topics AS (SELECT DISTINCT name FROM topics),
            m AS (
                SELECT unnest(topics) AS topic, CAST(created_at AS DATE) AS day, sentiment
                FROM mentions
            ),
            agg AS (
                SELECT topic, day, count(*) AS volume,
                       count(*) FILTER (WHERE sentiment = 'negative') AS negative,
                       count(sentiment) AS analysed
                FROM m GROUP BY ALL
            )
            SELECT t.name, d.day, coalesce(a.volume, 0), coalesce(a.negative, 0),
                   coalesce(a.analysed, 0)
            FROM topics t CROSS JOIN days d
            LEFT JOIN agg a ON a.topic = t.name AND a.day = d.day
            ORDER BY t.name, d.day
            """
        ).fetchall()
    finally:
        con.close()
    out: dict[str, dict[str, list[float]]] = {}
    for name, _day, vol, neg, ana in rows:
        d = out.setdefault(name, {"volume": [], "negative": [], "analysed": []})
        d["volume"].append(float(vol))
        d["negative"].append(float(neg))
        d["analysed"].append(float(ana))
    return {k: {kk: np.array(vv) for kk, vv in v.items()} for k, v in out.items()}


def build_demo(days: int, folder: Path) -> Path:
    db = folder / "t.duckdb"
    exe = Path(sys.executable).with_name("tinhieu")
    subprocess.run(
        [str(exe), "demo", "--db", str(db), "--days", str(days), "--json"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return db


def window_coverage(b: Backtest, start: int, stop: int) -> float:
    """Mean of the per-step coverage over steps ``start..stop`` (1-based, inclusive)."""
    return float(np.nanmean(b.coverage_by_step[start - 1 : stop]))


def row(
    group: str, series: str, config: str, res: dict[float, Backtest], window: tuple[int, int]
) -> dict[str, Any]:
    b80, b95 = res[0.8], res[0.95]
    return {
        "group": group,
        "series": series,
        "config": config,
        "n_origins": b80.n_origins,
        "n_points": b80.n_points,
        "coverage80": b80.coverage,
        "coverage95": b95.coverage,
        "coverage80_days3to5": window_coverage(b80, *window),
        "coverage95_days3to5": window_coverage(b95, *window),
        "below80": b80.below,
        "above80": b80.above,
        "width80": b80.mean_width,
        "width95": b95.mean_width,
        "rel_width80": b80.relative_width,
        "rel_width95": b95.relative_width,
        "mae": b80.mae,
        "mape": b80.mape,
        "mase": b80.mase,
        "coverage80_by_step": [round(float(x), 4) for x in b80.coverage_by_step],
        "coverage95_by_step": [round(float(x), 4) for x in b95.coverage_by_step],
    }


def pooled(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Point-weighted coverage and mean relative width over several series."""
    rows = list(rows)
    w = np.array([r["n_points"] for r in rows], dtype=float)

    def avg(key: str) -> float:
        v = np.array([r[key] for r in rows], dtype=float)
        ok = np.isfinite(v)
        return float(np.sum(v[ok] * w[ok]) / np.sum(w[ok])) if ok.any() else float("nan")

    return {
        "n_series": len(rows),
        "n_points": int(w.sum()),
        "coverage80": avg("coverage80"),
        "coverage95": avg("coverage95"),
        "coverage80_days3to5": avg("coverage80_days3to5"),
        "coverage95_days3to5": avg("coverage95_days3to5"),
        "below80": avg("below80"),
        "above80": avg("above80"),
        "rel_width80": avg("rel_width80"),
        "rel_width95": avg("rel_width95"),
        "mape": avg("mape"),
        "mase": avg("mase"),
        "min_coverage80": float(min(r["coverage80"] for r in rows)),
        "max_coverage80": float(max(r["coverage80"] for r in rows)),
    }


def run_nab(nab_dir: Path, configs: list[str], names: tuple[str, ...]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name in names:
        group = "NAB-A (tuning)" if name in NAB_A else "NAB-B (held out)"
        hourly, daily = nab_series(name, nab_dir)
        for config in configs:
            t0 = time.perf_counter()
            if config.startswith("hourly"):
                season = int(config.split("-s")[1])
                res = backtest_levels(
                    hourly, season=season, horizon=120, levels=LEVELS, min_train=336, step=12
                )
                r = row(group, name, config, res, (72, 120))
            else:
                res = backtest_levels(
                    daily, season=7, horizon=5, levels=LEVELS, min_train=21, step=1
                )
                r = row(group, name, config, res, (3, 5))
            r["seconds"] = round(time.perf_counter() - t0, 2)
            rows.append(r)
            print_row(r)
    return rows


def run_demo(db: Path, info: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    series = demo_series(db)
    # the negative share depends on the sentiment model at the time the demo was built
    info["topic_totals"] = {
        topic: {k: int(v.sum()) for k, v in s.items()} for topic, s in series.items()
    }
    for topic, s in series.items():
        t0 = time.perf_counter()
        res = backtest_levels(s["volume"], season=7, horizon=5, levels=LEVELS, min_train=28, step=1)
        r = row("demo volume", topic, "daily-s7-h5", res, (3, 5))
        r["seconds"] = round(time.perf_counter() - t0, 2)
        rows.append(r)
        print_row(r)
        t0 = time.perf_counter()
        res = backtest_share_levels(
            s["negative"], s["analysed"], season=7, horizon=5, levels=LEVELS, min_train=28, step=1
        )
        r = row("demo negative share", topic, "daily-s7-h5", res, (3, 5))
        r["seconds"] = round(time.perf_counter() - t0, 2)
        rows.append(r)
        print_row(r)
    return rows


HEADER = (
    f"{'group':<22}{'series':<18}{'config':<14}{'orig':>5}"
    f"{'cov80':>7}{'d3-5':>7}{'cov95':>7}{'d3-5':>7}{'relW80':>8}{'relW95':>8}"
    f"{'MAPE':>7}{'MASE':>6}"
)


def print_row(r: dict[str, Any]) -> None:
    print(
        f"{r['group']:<22}{r['series'][:17]:<18}{r['config']:<14}{r['n_origins']:>5}"
        f"{r['coverage80']:>7.3f}{r['coverage80_days3to5']:>7.3f}"
        f"{r['coverage95']:>7.3f}{r['coverage95_days3to5']:>7.3f}"
        f"{r['rel_width80']:>8.3f}{r['rel_width95']:>8.3f}{r['mape']:>7.3f}{r['mase']:>6.2f}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nab-dir", type=Path, default=NAB_DIR)
    ap.add_argument("--demo-db", type=Path, default=None, help="an existing demo store")
    ap.add_argument("--demo-days", type=int, default=120)
    ap.add_argument("--skip-nab", action="store_true")
    ap.add_argument("--skip-demo", action="store_true")
    ap.add_argument(
        "--configs",
        default="hourly-s24,hourly-s168,daily-s7",
        help="NAB configurations (comma separated)",
    )
    ap.add_argument(
        "--nab-series",
        default=",".join(NAB_A + NAB_B),
        help="NAB series to run (comma separated; default all ten)",
    )
    ap.add_argument("--out", type=Path, default=ROOT / "results" / "projection.json")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    print(HEADER)
    rows: list[dict[str, Any]] = []
    demo_info: dict[str, Any] = {}
    if not args.skip_nab:
        configs = [c.strip() for c in args.configs.split(",") if c.strip()]
        names = tuple(n.strip().upper() for n in args.nab_series.split(",") if n.strip())
        rows += run_nab(args.nab_dir, configs, names)
    if not args.skip_demo:
        if args.demo_db is not None:
            rows += run_demo(args.demo_db, demo_info)
        else:
            with tempfile.TemporaryDirectory(prefix="tinhieu-proj-") as tmp:
                rows += run_demo(build_demo(args.demo_days, Path(tmp)), demo_info)

    summary: dict[str, Any] = {}
    keys = sorted({(r["group"], r["config"]) for r in rows})
    print("\nPooled (point-weighted) per data set:")
    print(
        f"{'group':<22}{'config':<14}{'cov80':>7}{'d3-5':>7}{'cov95':>7}{'d3-5':>7}"
        f"{'relW80':>8}{'relW95':>8}{'min80':>7}{'max80':>7}"
    )
    for group, config in keys:
        p = pooled(r for r in rows if r["group"] == group and r["config"] == config)
        summary[f"{group} | {config}"] = p
        print(
            f"{group:<22}{config:<14}{p['coverage80']:>7.3f}{p['coverage80_days3to5']:>7.3f}"
            f"{p['coverage95']:>7.3f}{p['coverage95_days3to5']:>7.3f}"
            f"{p['rel_width80']:>8.3f}{p['rel_width95']:>8.3f}"
            f"{p['min_coverage80']:>7.3f}{p['max_coverage80']:>7.3f}"
        )
    result = {
        "bench": "backtest_projection",
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "seconds": round(time.perf_counter() - t0, 1),
        "levels": list(LEVELS),
        "notes": {
            "nab_hourly": "horizon 120 h, first origin after 336 h, every 12 h; "
            "d3-5 = steps 72-120",
            "nab_daily": "complete days, horizon 5, season 7, first origin after 21 days",
            "demo": f"tinhieu demo --days {args.demo_days} (seed 42), daily local days, "
            "horizon 5, season 7, first origin after 28 days, every day",
            "tuning": "constants chosen on NAB-A, demos of seeds 1, 2, 3 and 7 and synthetic "
            "series; "
            "NAB-B and the seed-42 demo were not used to choose them (the seed-42 results "
            "were looked at during development, to diagnose misses)",
        },
        "demo": demo_info,
        "summary": summary,
        "series": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(f"\nwrote {args.out} in {result['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
