"""Score :func:`tinhieu.nlp.toxic_spans.toxic_spans` on ViHOS dev and test.

    .venv/bin/python bench/eval_toxic_spans.py [--data ../shared/data/vihos]

Reports, at character level (see ``build_toxic_lexicon.metrics``): macro-F1 over the
toxic / non-toxic decision of every character (the ViHOS authors' averaging, without
their padding), micro-F1 / precision / recall of the toxic class, and the SemEval-2021
per-text F1. Two lexicons are scored:

* ``shipped``: ``src/tinhieu/nlp/data/toxic_lexicon.tsv`` (counted on train + dev, so
  its dev figure is optimistic; its test figure is the one to quote);
* ``train_only``: the same thresholds with counts from train alone (an honest dev
  figure, and the test figure of the model the thresholds were chosen for).

Also the share of ordinary texts that get a span (ViSpamReviews no-spam, UIT-VSFC,
ViHSD CLEAN; dev splits) and the cost per text. Published anchor: XLM-R-large 77.70
"F1" (ViHOS paper; the authors' code averages sklearn macro-F1 over padded sub-word
positions, so it is not the same number as any of ours). Writes
``bench/results/toxic_spans.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

from build_toxic_lexicon import (
    CLEAN_DEV,
    CLEAN_INFO,
    CLEAN_REFERENCE,
    DEFAULT_DATA,
    Setting,
    clean_rates,
    count,
    evaluate,
    load,
    load_texts,
    select,
    span_rate,
)
from tinhieu.nlp import toxic_spans as ts

HERE = Path(__file__).resolve().parent


def shipped_setting() -> Setting:
    header = Path(ts.__file__).parent.joinpath("data", "toxic_lexicon.tsv").read_text("utf-8")
    m = re.search(
        r"min_occ (\d+), min_precision ([\d.]+), max_clean_rate ([\d.e-]+), "
        r"keep_precision ([\d.]+)",
        header,
    )
    if m is None:
        raise SystemExit("toxic_lexicon.tsv has no threshold header; rebuild it")
    return Setting(
        int(m.group(1)),
        float(m.group(2)),
        float(m.group(3)),
        float(m.group(4)),
        "# merge: no" not in header,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    root = args.data.parent
    train = load(args.data / "train.jsonl")
    dev = load(args.data / "dev.jsonl")
    test = load(args.data / "test.jsonl")
    shipped = ts._matcher()
    setting = shipped_setting()
    reference = load_texts(root, CLEAN_REFERENCE, "train")
    stats = count(train)
    rates = clean_rates(reference, (p for p, (o, i) in stats.items() if i >= 0.3 * o))
    train_only = ts.ToxicMatcher(select(stats, rates, setting), merge=setting.merge)
    results: dict[str, object] = {
        "entries": {"shipped": len(shipped), "train_only": len(train_only)},
        "published_anchor": {"XLM-R-large (ViHOS paper)": 77.70},
    }
    results["setting"] = {
        "min_occ": setting.min_occ,
        "min_prec": setting.min_prec,
        "max_clean": setting.max_clean,
        "keep_prec": setting.keep_prec,
        "merge": setting.merge,
    }
    for name, matcher in (("shipped", shipped), ("train_only", train_only)):
        for split, rows in (("dev", dev), ("test", test)):
            m = evaluate(matcher, rows)
            results[f"{name}_{split}"] = m
            print(f"{name:10} {split:4} {m}")
    clean: dict[str, float] = {}
    for spec in (*CLEAN_DEV, *CLEAN_INFO):
        texts = load_texts(root, [spec], "dev")
        clean[f"{spec[0]}:{spec[1] or 'all'}"] = round(100 * span_rate(shipped, texts), 2)
    results["clean_dev_span_rate_pct"] = clean
    print(f"share of ordinary dev texts with a span (%): {clean}")
    texts = [r.text for r in dev + test]
    for t in texts:
        ts.toxic_spans(t)
    t0 = time.process_time()
    for t in texts:
        ts.toxic_spans(t)
    us = (time.process_time() - t0) / len(texts) * 1e6
    clean_texts = load_texts(root, CLEAN_DEV, "dev")
    t0 = time.process_time()
    for t in clean_texts:
        ts.toxic_spans(t)
    us_clean = (time.process_time() - t0) / len(clean_texts) * 1e6
    results["us_per_text"] = {"vihos_dev_test": round(us, 1), "ordinary_dev": round(us_clean, 1)}
    print(f"cost: {us:.1f} µs/text on ViHOS (half toxic), {us_clean:.1f} µs/text on reviews")
    dest = HERE / "results" / "toxic_spans.json"
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {dest}")


if __name__ == "__main__":
    main()
