"""Run every benchmark; each prints its table and writes JSON under bench/out/ (the NLP
quality figures, small and worth keeping, go to bench/results/).

    make bench            # or: .venv/bin/python bench/run_all.py [--quick]

--quick uses smaller inputs (100k-row import, 1M-mention stats store) to check that
the benchmarks run; the README's numbers come from the full sizes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs = [
        ["bench_import.py", "--rows", "100000" if args.quick else "1000000", "--runs", "3"],
        ["bench_stats.py", "--rows", "1000000" if args.quick else "10000000"],
        ["bench_query.py", "100000"],
        ["bench_nlp.py", "--runs", "3"],
        ["bench_nab.py"],
        ["eval_early_warning.py"],
        ["backtest_projection.py"],
        ["bench_alert_latency.py", "--runs", "1" if args.quick else "3"],
    ]
    for script, *rest in runs:
        print(f"== {script} {' '.join(rest)}", flush=True)
        subprocess.run([sys.executable, str(HERE / script), *rest], check=True)


if __name__ == "__main__":
    main()
