"""Evaluate ``tinhieu.nlp.normalise.normalise_text`` on ViLexNorm; measure its speed.

Usage::

    .venv/bin/python bench/eval_lexnorm.py [--data ../shared/data] [--no-speed]

Metric (van der Goot 2019, used by ViLexNorm, Nguyen et al., EACL 2024): the Error
Reduction Rate over source words,

    ERR = (TP - FP) / (TP + FN) = (accuracy - LAI accuracy) / (1 - LAI accuracy)

where a source word "needs normalisation" when its gold form differs from it, TP = words
that need normalisation and get exactly the gold form, FN = words that need it and do
not (left as they are, or given a wrong form), FP = words that need none and are changed.
LAI (leave-as-is) is the baseline that changes nothing (ERR 0).

ViLexNorm gives sentence pairs, not word alignments, so the source words are aligned to
the gold sentence (and, the same way, to the system's output) by a monotone alignment of
whitespace tokens that allows 1-1, 1-n (expansions: "ntn" -> "như thế nào") and n-1
groups, deletions and insertions (:func:`per_source`). Comparison is exact (case
sensitive: "K" -> "Không"); a case-insensitive figure is printed too.

Writes ``bench/results/lexnorm.json``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import platform
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
PUBLISHED_BEST_ERR = 57.74  # ViLexNorm paper, best system, test split

# ---------------------------------------------------------------------------------------
# Alignment of a source sentence with a normalised one.
# ---------------------------------------------------------------------------------------


def _fold(s: str) -> str:
    s = s.lower().replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


@lru_cache(maxsize=500_000)
def _similarity(src: str, tgt: str) -> float:
    """How plausible it is that ``src`` was normalised to ``tgt`` (0..1)."""
    if src == tgt:
        return 1.0
    if src.lower() == tgt.lower():
        return 0.98
    fs, ft = _fold(src), _fold(tgt.replace(" ", ""))
    ratio = difflib.SequenceMatcher(None, fs, ft, autojunk=False).ratio()
    if " " in tgt:  # an abbreviation of several words: compare with the initials
        initials = "".join(w[0] for w in _fold(tgt).split() if w)
        if fs == initials:
            ratio = max(ratio, 0.9)
        else:
            sm = difflib.SequenceMatcher(None, fs, initials, autojunk=False)
            ratio = max(ratio, 0.8 * sm.ratio())
    return ratio


_OPS = ((1, 1), (1, 2), (1, 3), (1, 4), (2, 1), (3, 1), (1, 0), (0, 1))


def _dp_align(src: list[str], tgt: list[str]) -> list[tuple[list[int], list[int]]]:
    m, n = len(src), len(tgt)
    inf = float("inf")
    cost = [[inf] * (n + 1) for _ in range(m + 1)]
    back: list[list[tuple[int, int]]] = [[(0, 0)] * (n + 1) for _ in range(m + 1)]
    cost[0][0] = 0.0
    for i in range(m + 1):
        for j in range(n + 1):
            c0 = cost[i][j]
            if c0 == inf:
                continue
            for di, dj in _OPS:
                ii, jj = i + di, j + dj
                if ii > m or jj > n:
                    continue
                if di == 0 or dj == 0:
                    c = 1.0
                else:
                    s = "".join(src[i:ii])
                    t = " ".join(tgt[j:jj])
                    c = 1.0 - _similarity(s, t) + 0.15 * (di + dj - 2)
                if c0 + c < cost[ii][jj]:
                    cost[ii][jj] = c0 + c
                    back[ii][jj] = (di, dj)
    groups: list[tuple[list[int], list[int]]] = []
    i, j = m, n
    while i or j:
        di, dj = back[i][j]
        groups.append((list(range(i - di, i)), list(range(j - dj, j))))
        i, j = i - di, j - dj
    groups.reverse()
    return groups


def align(src: list[str], tgt: list[str]) -> list[tuple[list[int], list[int]]]:
    """Monotone alignment of two token lists: (source indices, target indices) groups.

    Identical stretches are matched first (difflib); the stretches between them are
    aligned by dynamic programming over 1-1, 1-n (n <= 4), n-1 (n <= 3), deletion and
    insertion steps, scored by string similarity (folded, and against initials for
    abbreviations).
    """
    sm = difflib.SequenceMatcher(None, src, tgt, autojunk=False)
    groups: list[tuple[list[int], list[int]]] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            groups.extend(([i1 + k], [j1 + k]) for k in range(i2 - i1))
        else:
            for s, t in _dp_align(src[i1:i2], tgt[j1:j2]):
                groups.append(([i1 + a for a in s], [j1 + b for b in t]))
    return groups


def per_source(src: list[str], tgt: list[str]) -> list[str]:
    """For each source token, the target string it became ("" when deleted).

    Target tokens inserted with no source token join the previous source token's string
    (the next one's at the start); in an n-1 group the first source token gets the target
    and the others "".
    """
    res = [""] * len(src)
    pending: list[str] = []
    last = -1
    for s_idx, t_idx in align(src, tgt):
        t = " ".join(tgt[k] for k in t_idx)
        if not s_idx:
            if last >= 0:
                res[last] = f"{res[last]} {t}".strip()
            else:
                pending.append(t)
            continue
        res[s_idx[0]] = " ".join([*pending, t]).strip() if pending else t
        pending = []
        last = s_idx[-1]
    if pending and res:
        res[0] = " ".join([*pending, res[0]]).strip()
    return res


# ---------------------------------------------------------------------------------------
# Scoring.
# ---------------------------------------------------------------------------------------


@dataclass
class Score:
    words: int
    need: int
    tp: int
    fp: int
    fn: int
    err: float
    accuracy: float
    lai_accuracy: float
    precision: float  # of the words the system changed, the share changed correctly
    recall: float  # of the words needing normalisation, the share normalised correctly


def score(
    rows: Iterable[dict[str, str]],
    system: Callable[[str], str],
    ignore_case: bool = False,
) -> Score:
    words = need = tp = fp = fn = changed = changed_ok = 0
    for row in rows:
        src = row["text"].split()
        gold = per_source(src, row["label"].split())
        pred = per_source(src, system(row["text"]).split())
        for raw, g, p in zip(src, gold, pred, strict=True):
            if ignore_case:
                raw, g, p = raw.lower(), g.lower(), p.lower()
            words += 1
            if p != raw:
                changed += 1
                changed_ok += p == g
            if g != raw:
                need += 1
                if p == g:
                    tp += 1
                else:
                    fn += 1
            elif p != g:
                fp += 1
    correct = words - fn - fp
    return Score(
        words=words,
        need=need,
        tp=tp,
        fp=fp,
        fn=fn,
        err=100.0 * (tp - fp) / max(1, tp + fn),
        accuracy=100.0 * correct / max(1, words),
        lai_accuracy=100.0 * (words - need) / max(1, words),
        precision=100.0 * changed_ok / max(1, changed),
        recall=100.0 * tp / max(1, need),
    )


def load(data: Path, split: str) -> list[dict[str, str]]:
    path = data / "vilexnorm" / f"{split}.jsonl"
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# ---------------------------------------------------------------------------------------
# Speed.
# ---------------------------------------------------------------------------------------


def speed(data: Path) -> dict[str, float]:
    """Comments per second of ``normalise_words`` (and of ``tokenize``/``normalise_text``).

    The comments are the ViSpamReviews train reviews (e-commerce, mean ≈ 26 words),
    all distinct. One core, one process, CPU time of the process (``time.process_time``).

    * "first pass": every cache empty at the start, so each new word and chunk is
      tokenized and looked up once (best of 3 runs);
    * "warm": the same comments again -- the state of a long-running process whose caches
      hold the vocabulary. Timed in batches of 500 comments, each batch the fastest of 7
      repeats, so that other programs sharing the machine disturb the figure less.
    """
    from tinhieu.nlp import normalise as nz

    path = data / "vispamreviews" / "train.jsonl"
    with path.open(encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh if line.strip()]
    n = len(texts)
    n_words = sum(len(t.split()) for t in texts)

    def first_pass(fn: Callable[[str], object]) -> float:
        times = []
        for _ in range(3):
            nz._clear_caches()
            t0 = time.process_time()
            for t in texts:
                fn(t)
            times.append(time.process_time() - t0)
        return n / min(times)

    def warm(fn: Callable[[str], object]) -> float:
        for t in texts:
            fn(t)
        total = 0.0
        for i in range(0, n, 500):
            batch = texts[i : i + 500]
            best = float("inf")
            for _ in range(7):
                t0 = time.process_time()
                for t in batch:
                    fn(t)
                best = min(best, time.process_time() - t0)
            total += best
        return n / total

    nz.normalise_words("khởi động")  # load the lexicon outside the timing
    first = first_pass(nz.normalise_words)
    return {
        "comments": float(n),
        "mean_words_per_comment": n_words / n,
        "normalise_words_first_pass_per_s": first,
        "normalise_words_warm_per_s": warm(nz.normalise_words),
        "tokenize_warm_per_s": warm(nz.tokenize),
        "normalise_text_warm_per_s": warm(nz.normalise_text),
    }


# ---------------------------------------------------------------------------------------


def _row(name: str, s: Score) -> str:
    return (
        f"{name:<22} {s.words:>7} {s.need:>6} {s.tp:>6} {s.fp:>5} {s.fn:>5} "
        f"{s.err:>7.2f} {s.accuracy:>7.2f} {s.lai_accuracy:>7.2f} {s.precision:>6.2f} "
        f"{s.recall:>6.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "lexnorm.json")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT / "src"))
    from tinhieu.nlp.normalise import normalise_text

    results: dict[str, object] = {"published_best_err_test": PUBLISHED_BEST_ERR}
    header = (
        f"{'split / system':<22} {'words':>7} {'need':>6} {'TP':>6} {'FP':>5} {'FN':>5} "
        f"{'ERR%':>7} {'acc%':>7} {'LAI%':>7} {'prec%':>6} {'rec%':>6}"
    )
    print(header)
    print("-" * len(header))
    for split in ("dev", "test"):
        rows = load(args.data, split)
        entry: dict[str, object] = {"sentences": len(rows)}
        for label, ignore_case in (("", False), (" (no case)", True)):
            lai = score(rows, lambda t: t, ignore_case)
            ours = score(rows, normalise_text, ignore_case)
            print(_row(f"{split} LAI{label}", lai))
            print(_row(f"{split} tinhieu{label}", ours))
            key = "case_insensitive" if ignore_case else "exact"
            entry[key] = {"leave_as_is": asdict(lai), "tinhieu": asdict(ours)}
        results[split] = entry
    print(f"published best ERR (test): {PUBLISHED_BEST_ERR:.2f} %")

    if not args.no_speed:
        sp = speed(args.data)
        results["speed"] = {
            **sp,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "load_average_1min": os.getloadavg()[0],
        }
        print(
            f"\nnormalise_words: {sp['normalise_words_first_pass_per_s']:,.0f} comments/s "
            f"first pass, {sp['normalise_words_warm_per_s']:,.0f} comments/s warm "
            f"({sp['mean_words_per_comment']:.1f} words/comment, one core); "
            f"tokenize {sp['tokenize_warm_per_s']:,.0f}/s; normalise_text "
            f"{sp['normalise_text_warm_per_s']:,.0f}/s (warm)"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
