"""Import benchmark: rows/s of `tinhieu import` on a generated CSV, against DuckDB's own
`read_csv` of the same file in the same run, and the peak memory of a large import.

    .venv/bin/python bench/bench_import.py                 # 1M rows, 3 runs
    .venv/bin/python bench/bench_import.py --rows 10000000 --runs 1   # the 10M run
    .venv/bin/python bench/bench_import.py --without-ids   # ids derived from url/text

Prints a table and writes bench/out/import.json. Each import runs in a fresh process
(so its peak RSS is its own) on a fresh store.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
OUT = HERE / "out"

WORDS = [
    "giao",
    "hàng",
    "chậm",
    "quá",
    "trà",
    "sữa",
    "ngon",
    "ko",
    "dc",
    "shop",
    "ơi",
    "ib",
    "giá",
    "rẻ",
    "đóng",
    "gói",
    "đẹp",
    "nhân",
    "viên",
    "thân",
    "thiện",
    "review",
    "order",
    "ship",
    "nhanh",
    "vl",
    "hok",
    "thích",
    "lắm",
    "😍",
    "👍",
    "#trasua",
    "@shop",
    "Mây",
    "Nắng",
    "Phúc",
    "Long",
    "Highlands",
    "cafe",
    "mua",
    "lại",
    "lần",
    "nữa",
    "không",
    "ngon",
    "như",
    "quảng",
    "cáo",
    "nhưng",
]
HEADER = [
    "Mã",
    "Nền tảng",
    "Loại",
    "Mã bài gốc",
    "Đường dẫn",
    "Tác giả",
    "Người theo dõi",
    "Nội dung",
    "Ngày đăng",
    "Lượt thích",
    "Bình luận",
    "Chia sẻ",
    "Lượt xem",
]


def make_csv(path: Path, rows: int, seed: int = 7, ids: bool = True) -> None:
    """A realistic export: Vietnamese headers, dd/mm/yyyy dates, 1,2K-style counts.
    Without ``ids`` there is no "Mã" column, and every fifth row has no url either: the
    importer derives those ids from the url or from author, time and text."""
    rng = random.Random(seed)
    platforms = ["facebook", "tiktok", "youtube", "forum", "news"]
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER if ids else HEADER[1:])
        for i in range(rows):
            is_comment = i % 3 != 0
            likes = int(rng.paretovariate(1.2)) - 1
            row = [
                f"m{i}",
                platforms[i % 5],
                "comment" if is_comment else "post",
                f"m{i - i % 3}" if is_comment else "",
                f"https://example.vn/p/{i}",
                f"Người dùng {i % 50_000}",
                str(int(rng.paretovariate(1.1) * 300)),
                " ".join(rng.choices(WORDS, k=rng.randint(5, 30))),
                f"{1 + i % 28:02d}/{1 + (i // 28) % 12:02d}/2026 {i % 24:02d}:{i % 60:02d}",
                f"{likes / 1000:.1f}K".replace(".", ",") if likes > 10_000 else str(likes),
                str(rng.randint(0, 300)),
                str(rng.randint(0, 100)),
                "" if i % 5 in (0, 3) else str(rng.randint(0, 10**5)),
            ]
            if not ids:
                row = row[1:]
                row[3] = "" if i % 5 == 4 else row[3]  # the url
            w.writerow(row)
    tmp.rename(path)


def child(mode: str, src: str, db: str) -> None:
    """One measurement in a fresh process; prints a JSON line."""
    import resource

    import duckdb

    t = time.perf_counter()
    if mode == "tinhieu":
        from tinhieu.sources.importer import import_file
        from tinhieu.store import open_store

        store = open_store(db)
        s = import_file(store, src)
        store.close()
        result = {"read": s.read, "inserted": s.inserted, "rejected": s.rejected}
    else:
        con = duckdb.connect(db if mode == "duckdb_load" else ":memory:")
        scan = "read_csv(?, all_varchar = true, quote = '\"', header = true)"
        if mode == "duckdb_load":
            con.execute(f"CREATE TABLE t AS SELECT * FROM {scan}", [src])
            con.execute("CHECKPOINT")
            rows = con.execute("SELECT count(*) FROM t").fetchone()
        else:
            rows = con.execute(f"SELECT count(*) FROM {scan}", [src]).fetchone()
        con.close()
        result = {"rows": rows[0] if rows else 0}
    result["seconds"] = time.perf_counter() - t
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def run_child(mode: str, src: Path, db: Path) -> dict[str, float]:
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(src), str(db)],
        check=True,
        capture_output=True,
        text=True,
    )
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--without-ids", action="store_true", help="a file with no id column")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "SRC", "DB"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    DATA.mkdir(exist_ok=True)
    OUT.mkdir(exist_ok=True)
    name = f"mentions-{args.rows}" + ("-noid" if args.without_ids else "")
    src = DATA / f"{name}.csv"
    if not src.exists():
        t = time.perf_counter()
        make_csv(src, args.rows, ids=not args.without_ids)
        print(f"generated {src} in {time.perf_counter() - t:.1f}s")
    size_mb = src.stat().st_size / 1e6
    ours, parse, load = [], [], []
    db = DATA / "bench-import.duckdb"
    for run in range(args.runs):
        parse.append(run_child("duckdb_parse", src, db))
        load.append(run_child("duckdb_load", src, db))
        ours.append(run_child("tinhieu", src, db))
        r = ours[-1]
        print(
            f"run {run + 1}: tinhieu {r['seconds']:.2f}s ({args.rows / r['seconds']:,.0f} "
            f"rows/s, peak {r['peak_rss_mb']:.0f} MB); duckdb read_csv count "
            f"{parse[-1]['seconds']:.2f}s, duckdb read_csv into a file table "
            f"{load[-1]['seconds']:.2f}s"
        )
    med = statistics.median(r["seconds"] for r in ours)
    med_parse = statistics.median(r["seconds"] for r in parse)
    med_load = statistics.median(r["seconds"] for r in load)
    report = {
        "benchmark": "import",
        "rows": args.rows,
        "file_mb": round(size_mb, 1),
        "runs": args.runs,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "tinhieu_seconds": [round(r["seconds"], 3) for r in ours],
        "tinhieu_median_s": round(med, 3),
        "tinhieu_rows_per_s": round(args.rows / med),
        "duckdb_read_csv_count_median_s": round(med_parse, 3),
        "duckdb_read_csv_into_table_median_s": round(med_load, 3),
        "ratio_to_duckdb_read_csv_count": round(med_parse / med, 3),
        "ratio_to_duckdb_read_csv_into_table": round(med_load / med, 3),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in ours)),
        "inserted": ours[-1]["inserted"],
        "rejected": ours[-1]["rejected"],
        "targets": {"rows_per_s": 200_000, "peak_rss_mb_10M": 2048},
    }
    print(json.dumps(report, indent=2))
    report["without_ids"] = args.without_ids
    suffix = "-noid" if args.without_ids else ""
    (OUT / f"import-{args.rows}{suffix}.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
