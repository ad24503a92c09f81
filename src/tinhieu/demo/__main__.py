"""``python -m tinhieu.demo``: write the demo data (Parquet) and its ground truth (JSON).

Prints how many rows were generated and how fast, e.g.::

    python -m tinhieu.demo --scale 1 --out demo.parquet --truth demo-truth.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pyarrow.parquet as pq

from tinhieu.demo import DemoConfig, generate, ground_truth
from tinhieu.schema import ARROW_SCHEMA


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tinhieu.demo", description=__doc__)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--end", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD")
    parser.add_argument("--workspace", default="default")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--out", type=Path, help="Parquet file to write (omit to only time it)")
    parser.add_argument("--truth", type=Path, help="JSON file for the ground truth")
    args = parser.parse_args(argv)
    config = DemoConfig(args.days, args.scale, args.seed, args.end, args.workspace)
    started = time.perf_counter()
    rows = 0
    writer = pq.ParquetWriter(args.out, ARROW_SCHEMA) if args.out else None
    try:
        for batch in generate(config, workers=args.workers):
            rows += batch.num_rows
            if writer is not None:
                writer.write_table(batch)
    finally:
        if writer is not None:
            writer.close()
    seconds = time.perf_counter() - started
    if args.truth:
        args.truth.write_text(
            json.dumps(ground_truth(config), ensure_ascii=False, indent=1), encoding="utf-8"
        )
    print(f"{rows} mentions in {seconds:.1f} s ({rows / max(seconds, 1e-9):,.0f} rows/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
