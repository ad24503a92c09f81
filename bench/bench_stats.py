"""Benchmark ``tinhieu.metrics.summary`` over a synthetic 10M-mention store.

    .venv/bin/python bench/bench_stats.py                 # 10M rows, 15 runs per case
    .venv/bin/python bench/bench_stats.py --rows 1000000 --runs 7

The store is generated once, vectorised in DuckDB SQL (``INSERT INTO mentions SELECT …
FROM range(N)``, deterministic: every random draw is a hash of the row number), and
cached under ``bench/data/``. The metrics rollup is (re)built when stale and its build
time reported. Each case runs once to warm up, then ``--runs`` times; the median, p90,
min and max latencies are printed and written to ``bench/out/stats.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from tinhieu.metrics import refresh_rollup, rollup_is_fresh, summary
from tinhieu.store import open_store
from tinhieu.store.base import Topic

ROOT = Path(__file__).resolve().parent
WORKSPACE = "bench"
TOPICS = (
    ("vinamilk", "brand"),
    ("th_true_milk", "competitor"),
    ("nutifood", "competitor"),
    ("dalat_milk", "competitor"),
    ("moc_chau", "competitor"),
    ("sua_tuoi", "category"),
)


def _u(k: int) -> str:
    """A uniform draw in [0, 1) from the row number ``i`` (stream ``k``)."""
    return f"((hash(i * 31 + {k}) % 1000003) / 1000003.0)"


def generate_sql(rows: int) -> str:
    """The INSERT that fills ``mentions`` with ``rows`` synthetic mentions.

    Distributions: platform mix of a Vietnamese listening project (Facebook-heavy);
    kinds by platform (news → articles, review sites → reviews, video platforms →
    videos + comments); authors Zipf-like per platform (a few pages post a lot) with
    followers falling with rank, 10 % unknown; post interactions ≈ followers × a
    log-normal engagement rate (median 1.5 %), comments with a few likes; 5–20 % of
    each engagement component unreported; reach known on 40 % of posts (10 % of it
    estimated); sentiment analysed on 70 %, spam checked on 60 % (giveaways and
    seeding concentrated in comments); one year of timestamps with a daytime peak in
    Vietnam; topics: one brand, four competitors (with overlap) and a category.
    """
    draws = ", ".join(f"{_u(k)} AS u{k}" for k in range(1, 15))
    return f"""
INSERT INTO mentions (workspace, platform, source_id, url, kind, parent_id, author_id,
  author_name, author_followers, author_verified, author_kind, title, text, language,
  created_at, source_tz, collected_at, likes, comments, shares, views, saves, reach,
  reach_estimated, sentiment, spam, topics, first_seen_at, updated_at, import_id)
WITH b AS (SELECT i, {draws} FROM range({rows}) t(i)),
p AS (
  SELECT *,
    CASE WHEN u1 < .45 THEN 'facebook' WHEN u1 < .65 THEN 'tiktok' WHEN u1 < .75 THEN 'youtube'
         WHEN u1 < .82 THEN 'news' WHEN u1 < .88 THEN 'forum' WHEN u1 < .93 THEN 'instagram'
         WHEN u1 < .96 THEN 'zalo' WHEN u1 < .98 THEN 'x' ELSE 'review' END AS platform,
    floor(pow(u2, 2.5) * 400000)::BIGINT AS arank
  FROM b
), q AS (
  SELECT *,
    CASE WHEN platform = 'news' THEN 'article' WHEN platform = 'review' THEN 'review'
         WHEN platform IN ('tiktok', 'youtube') THEN
           CASE WHEN u3 < .25 THEN 'video' WHEN u3 < .85 THEN 'comment' ELSE 'reply' END
         ELSE CASE WHEN u3 < .22 THEN 'post' WHEN u3 < .8 THEN 'comment' ELSE 'reply' END
    END AS kind,
    CASE WHEN hash(platform, arank) % 10 = 0 THEN NULL
         ELSE floor(3000000 / pow(arank + 1, 0.85)
                    * (0.3 + (hash(platform, arank, 1) % 1000) / 700.0))::BIGINT + 50
    END AS followers,
    -- log-normal engagement rate: exp(N(ln 0.015, 1.1)) via Box-Muller
    0.015 * exp(1.1 * sqrt(-2 * ln(greatest(u4, 1e-9))) * cos(6.283185307 * u5)) AS er
  FROM p
), r AS (
  SELECT *,
    kind IN ('post', 'video', 'article') AS is_post,
    CASE WHEN kind IN ('post', 'video', 'article')
         THEN coalesce(followers, 2000) * er ELSE exp(u6 * 3.5) - 1 END AS base
  FROM q
)
SELECT '{WORKSPACE}', platform, i::VARCHAR, 'https://example.com/' || platform || '/' || i, kind,
  CASE WHEN NOT is_post THEN (i // 7)::VARCHAR END,
  'u' || arank, 'Tác giả ' || arank, followers, arank < 500,
  CASE WHEN platform = 'news' THEN 'news' WHEN arank < 3000 THEN 'page' ELSE 'person' END,
  CASE WHEN kind IN ('article', 'video') THEN 'Tiêu đề ' || i END,
  'Nội dung đề cập số ' || i || ' về sữa tươi, giao hàng, giá cả', 'vi',
  TIMESTAMPTZ '2024-07-01 00:00:00+07' + to_days(floor(u7 * 365)::INTEGER)
    + to_seconds(floor(86400 * CASE WHEN u8 < .8 THEN 0.25 + 0.75 * u9 ELSE u9 END)::BIGINT),
  '+07:00', TIMESTAMPTZ '2025-07-02 00:00:00+00',
  CASE WHEN u10 < .05 THEN NULL ELSE floor(base * 0.82)::BIGINT END,
  CASE WHEN u10 > .90 THEN NULL WHEN is_post THEN floor(base * 0.12)::BIGINT ELSE 0 END,
  CASE WHEN u10 BETWEEN .05 AND .20 THEN NULL WHEN is_post THEN floor(base * 0.06)::BIGINT
       ELSE 0 END,
  CASE WHEN kind = 'video' THEN floor(base * 40)::BIGINT END,
  CASE WHEN platform IN ('tiktok', 'instagram') AND is_post THEN floor(base * 0.03)::BIGINT END,
  CASE WHEN is_post AND u11 < .4 THEN floor(coalesce(followers, 2000) * (0.05 + u12))::BIGINT END,
  CASE WHEN is_post AND u11 < .4 THEN u11 < .04 END,
  CASE WHEN u13 < .3 THEN NULL WHEN u12 < .35 THEN 'positive' WHEN u12 < .8 THEN 'neutral'
       ELSE 'negative' END,
  CASE WHEN u14 < .4 THEN NULL
       WHEN NOT is_post AND u6 > .80 THEN CASE WHEN u9 < .6 THEN 'giveaway' ELSE 'seeding' END
       WHEN u6 > .97 THEN 'ad' WHEN u6 < .01 THEN 'junk' ELSE 'none' END,
  CASE WHEN u13 * 7 % 1 < .20 THEN ['vinamilk'] WHEN u13 * 7 % 1 < .35 THEN ['th_true_milk']
       WHEN u13 * 7 % 1 < .48 THEN ['nutifood'] WHEN u13 * 7 % 1 < .58 THEN ['dalat_milk']
       WHEN u13 * 7 % 1 < .66 THEN ['moc_chau']
       WHEN u13 * 7 % 1 < .72 THEN ['vinamilk', 'th_true_milk']
       WHEN u13 * 7 % 1 < .76 THEN ['nutifood', 'sua_tuoi'] ELSE ['sua_tuoi'] END,
  TIMESTAMPTZ '2025-07-02 00:00:00+00', TIMESTAMPTZ '2025-07-02 00:00:00+00', 1
FROM r
"""


def build_store(path: Path, rows: int) -> float:
    """Create the synthetic store at ``path``; return the seconds it took."""
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", ".wal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = open_store(path)
    try:
        store.execute("SET enable_progress_bar = false")
        store.ensure_workspace(WORKSPACE, "Asia/Ho_Chi_Minh")
        for name, group in TOPICS:
            store.put_topic(Topic(WORKSPACE, name, name.replace("_", " "), group))
        store.execute(generate_sql(rows))
        store.execute("CHECKPOINT")
    finally:
        store.close()
    return time.perf_counter() - started


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, max(0, round(0.9 * len(ordered) + 0.5) - 1))]
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p90_ms": round(p90, 2),
        "min_ms": round(ordered[0], 2),
        "max_ms": round(ordered[-1], 2),
        "runs": len(ordered),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--scan-runs", type=int, default=3, help="runs of the no-rollup case")
    parser.add_argument("--data", type=Path, default=None, help="store path (cached)")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "stats.json")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the store")
    args = parser.parse_args(argv)
    if args.runs < 7:
        parser.error("--runs must be at least 7")
    path = args.data or ROOT / "data" / f"stats-{args.rows}.duckdb"

    result: dict[str, Any] = {
        "benchmark": "tinhieu.metrics.summary",
        "rows": args.rows,
        "store": str(path),
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "duckdb": duckdb.__version__,
            "platform": platform.platform(),
            "load_average_at_start": list(os.getloadavg()),
        },
    }
    if args.rebuild or not path.exists():
        print(f"generating {args.rows:,} mentions into {path} …", flush=True)
        result["generate_seconds"] = round(build_store(path, args.rows), 1)
        print(f"  {result['generate_seconds']} s", flush=True)

    store = open_store(path)
    try:
        store.execute("SET enable_progress_bar = false")
        n = store.count_mentions(WORKSPACE)
        if n != args.rows:
            print(f"{path} holds {n:,} mentions, not {args.rows:,}: use --rebuild", file=sys.stderr)
            return 2
        if not rollup_is_fresh(store, WORKSPACE):
            print("building the metrics rollup …", flush=True)
            info = refresh_rollup(store, WORKSPACE)
            result["rollup_build"] = {
                "seconds": round(info.seconds, 1),
                "cube_rows": info.cube_rows,
                "hour_rows": info.hour_rows,
                "heavy_author_rows": info.heavy_author_rows,
                "top_post_rows": info.top_post_rows,
            }
            print(f"  {info.seconds:.1f} s: {result['rollup_build']}", flush=True)
        else:
            built = store.fetch_arrow(
                "SELECT built_at, build_seconds FROM metrics_rollup_state WHERE workspace = ?",
                [WORKSPACE],
            ).to_pylist()[0]
            result["rollup_build"] = {
                "seconds": round(built["build_seconds"], 1),
                "built_at": built["built_at"].isoformat(),
                "reused": True,
            }

        cases: list[tuple[str, dict[str, Any], int]] = [
            ("group=competitor (4 topics), all time", {"group": "competitor"}, args.runs),
            ("group=brand (1 topic), all time", {"group": "brand"}, args.runs),
            ("whole workspace, all time", {}, args.runs),
            (
                "group=competitor, 2025-04-01..2025-06-30",
                {"group": "competitor", "since": "2025-04-01", "until": "2025-06-30"},
                args.runs,
            ),
            (
                "group=competitor, platform=facebook, all time",
                {"group": "competitor", "platform": "facebook"},
                args.runs,
            ),
            (
                "group=competitor, last 7 days (top lists fall back to a scan)",
                {"group": "competitor", "since": "2025-06-24", "until": "2025-06-30"},
                args.scan_runs,
            ),
            (
                "group=competitor, all time, rollup=False (scan)",
                {"group": "competitor", "rollup": False},
                args.scan_runs,
            ),
        ]
        # Warm up every case, then run the fast cases round-robin (one run of each per
        # round) so that noise from other processes on the machine hits them alike.
        samples: dict[str, list[float]] = {label: [] for label, _, _ in cases}
        cpu: dict[str, list[float]] = {label: [] for label, _, _ in cases}
        last: dict[str, Any] = {}
        for label, kwargs, _ in cases:
            last[label] = summary(store, WORKSPACE, **kwargs)
        for round_ in range(max(runs for _, _, runs in cases)):
            for label, kwargs, runs in cases:
                if round_ >= runs:
                    continue
                started, cpu_started = time.perf_counter(), time.process_time()
                last[label] = summary(store, WORKSPACE, **kwargs)
                samples[label].append((time.perf_counter() - started) * 1000)
                cpu[label].append((time.process_time() - cpu_started) * 1000)
        result["cases"] = []
        for label, kwargs, runs in cases:
            stats = last[label]
            row = {
                "case": label,
                "filters": kwargs,
                **_stats(samples[label]),
                "cpu_median_ms": round(statistics.median(cpu[label]), 2),
                "samples_ms": [round(v, 2) for v in samples[label]],
                "sources": stats.sources,
                "mentions_in_scope": stats.volume.total.value,
            }
            result["cases"].append(row)
            print(
                f"{label:58s} median {row['median_ms']:8.1f} ms  p90 {row['p90_ms']:8.1f} ms  "
                f"min {row['min_ms']:8.1f} ms  cpu {row['cpu_median_ms']:8.1f} ms  "
                f"({runs} runs, {row['mentions_in_scope']:,} "
                f"mentions, {sorted(set(stats.sources.values()))})",
                flush=True,
            )
    finally:
        store.close()
    result["machine"]["load_average_at_end"] = list(os.getloadavg())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
