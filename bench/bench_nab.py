"""The NAB realTweets table, written to JSON (the same table `tinhieu signals nab` prints).

    .venv/bin/python bench/bench_nab.py [--data ../shared/data/nab]

Scores tinhieu's spike detector and the published detectors with tinhieu's NAB scorer in
one run, checks the scorer against every published ``S(t)`` column, and writes
``bench/results/nab.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from tinhieu.signals.nab import PROFILES, benchmark_table

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(HERE.parent.parent / "shared" / "data" / "nab"))
    ap.add_argument("--out", default=str(HERE / "results" / "nab.json"))
    args = ap.parse_args()
    t0 = time.perf_counter()
    rows = benchmark_table(Path(args.data))
    seconds = time.perf_counter() - t0
    table = []
    for r in rows:
        line = {"detector": r.detector, "threshold": r.threshold, "st_error": r.st_error}
        for p in PROFILES:
            s = r.scores[p]
            line[p] = {"score": round(s.score, 2), "tp": s.tp, "fp": s.fp, "fn": s.fn}
        table.append(line)
        print(
            f"{r.detector:<18}"
            + "".join(f"{r.scores[p].score:>10.1f}" for p in PROFILES)
            + ("" if r.st_error is None else f"   S(t) error {r.st_error:.1e}")
        )
    out = {
        "machine": platform.machine(),
        "python": platform.python_version(),
        "subset": "realTweets",
        "seconds": round(seconds, 1),
        "rows": table,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    print(f"{seconds:.1f} s; wrote {args.out}")


if __name__ == "__main__":
    main()
