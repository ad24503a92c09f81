"""Evaluate ``tinhieu.nlp.lang.detect_language``: accuracy per set, confusion, speed.

Run: ``.venv/bin/python bench/eval_lang.py`` (test splits, the reported figures) or
``--split dev`` (the splits used while building and tuning). Writes
``bench/results/lang.json`` (or ``lang_dev.json``).

Evaluation sets (gold label in brackets):

* ``vi_accented`` [vi]: the ``text`` of the five Vietnamese sets' split (UIT-VSFC,
  UIT-ViHSD, UIT-VSMEC, ViSpamReviews, UIT-ViSFD) restricted to rows with at least one
  Vietnamese diacritic, minus the rows hand-labelled English in the fixtures.
* ``vi_unaccented`` [vi]: the same rows after ``tinhieu.text.normalise.fold``.
* ``vi_rows_without_diacritics`` [no gold]: the other rows of those sets - unaccented
  Vietnamese, English spam, keyboard mash, emoji, links - reported as a distribution.
* ``en_pydoc`` [en]: sentences of Python's ``pydoc_data.topics`` (technical English;
  never used to build the model), split into dev/test by topic.
* ``en_ui`` [en]: held-out English gettext ``msgid`` strings (UI messages).
* ``en_social`` [en]: dev = ``tests/nlp/data/lang_en_social.txt`` (100 comments written
  by hand for this project + 62 English rows hand-picked from train/dev splits);
  test = ``lang_en_social_test.txt`` (25 English rows hand-picked from test splits).
* ``vi_ui_accented`` / ``vi_ui_unaccented`` [vi]: held-out Vietnamese gettext
  translations (out-of-domain: software messages), as is and folded.
* ``other_latin`` [other]: held-out gettext translations in 13 Latin-script languages.
* ``other_script`` [other]: the same in 12 non-Latin scripts.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
FIXTURES = ROOT / "tests" / "nlp" / "data"
sys.path.insert(0, str(ROOT / "src"))

from tinhieu.nlp import lang as lang_mod  # noqa: E402
from tinhieu.nlp.lang import _VI_LETTERS, detect_language  # noqa: E402
from tinhieu.text.normalise import fold  # noqa: E402

VI_SETS = ["uit_vsfc", "uit_vihsd", "uit_vsmec", "vispamreviews", "uit_visfd"]
LABELS = ["vi", "en", "other", "und"]


def fixture_lines(name: str) -> list[str]:
    path = FIXTURES / name
    return [
        line.rstrip("\n")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def english_fixture_texts() -> set[str]:
    return set(fixture_lines("lang_en_social.txt")) | set(fixture_lines("lang_en_social_test.txt"))


def vi_rows(split: str, only: str | None = None) -> tuple[list[str], list[str]]:
    """(rows with a Vietnamese diacritic, rows without) of the five sets' split.

    Rows hand-labelled English in the fixtures are left out of both.
    """
    english = english_fixture_texts()
    marked: list[str] = []
    plain: list[str] = []
    for name in [only] if only else VI_SETS:
        with (DATA / name / f"{split}.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                text = json.loads(line)["text"]
                if re.sub(r"\s+", " ", text).strip()[:400] in english:
                    continue
                (marked if any(ch in _VI_LETTERS for ch in text) else plain).append(text)
    return marked, plain


def pydoc_sentences(split: str) -> list[str]:
    """Prose sentences of ``pydoc_data.topics``; topics are split dev/test by CRC32."""
    from pydoc_data.topics import topics

    out: list[str] = []
    for key in sorted(topics):
        if ("dev" if zlib.crc32(key.encode()) % 2 == 0 else "test") != split:
            continue
        for para in re.split(r"\n\s*\n", topics[key]):
            if para.startswith((" ", "\t", ">>>")) or "::" in para[-3:]:
                continue  # code blocks and grammar
            text = re.sub(r"\s+", " ", para).strip()
            for sent in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text):
                words = re.findall(r"[A-Za-z]{2,}", sent)
                letters = sum(len(w) for w in words)
                if len(words) >= 4 and letters >= 0.6 * len(sent):
                    out.append(sent)
    return out


def ui_rows(name: str, split: str) -> list[tuple[str, str]]:
    rows = []
    for line in fixture_lines(name):
        sp, code, text = line.split("\t", 2)
        if sp == split:
            rows.append((code, text))
    return rows


def build_sets(split: str) -> dict[str, tuple[str | None, list[str]]]:
    marked, plain = vi_rows(split)
    latin_other = {"fr", "de", "es", "it", "pt", "nl", "id", "ms", "sv", "pl", "tr", "ro"}
    other = ui_rows("lang_ui_other.txt", split)
    vi_ui = [t for _, t in ui_rows("lang_ui_vi.txt", split)]
    social = (
        fixture_lines("lang_en_social.txt")
        if split == "dev"
        else fixture_lines("lang_en_social_test.txt")
    )
    return {
        "vi_accented": ("vi", marked),
        "vi_unaccented": ("vi", [fold(t) for t in marked]),
        "vi_rows_without_diacritics": (None, plain),
        "en_pydoc": ("en", pydoc_sentences(split)),
        "en_ui": ("en", [t for _, t in ui_rows("lang_ui_en.txt", split)]),
        "en_social": ("en", social),
        "vi_ui_accented": ("vi", vi_ui),
        "vi_ui_unaccented": ("vi", [fold(t) for t in vi_ui]),
        "other_latin": ("other", [t for c, t in other if c in latin_other]),
        "other_script": ("other", [t for c, t in other if c not in latin_other]),
    }


def speed(texts: list[str]) -> dict[str, float]:
    """Comments per CPU-second: cold (empty caches) and warm, best of 3 each.

    CPU time of this process (``time.process_time``), not wall time: the figure then
    does not depend on what else the (2-core) machine is running.
    """
    cold: list[float] = []
    warm: list[float] = []
    for _ in range(3):
        lang_mod._SCORES.clear()
        lang_mod._FLAGS.clear()
        lang_mod._word_scores.cache_clear()
        t0 = time.process_time()
        for t in texts:
            detect_language(t)
        cold.append(len(texts) / (time.process_time() - t0))
        t0 = time.process_time()
        for t in texts:
            detect_language(t)
        warm.append(len(texts) / (time.process_time() - t0))
    big = "Sản phẩm dùng tốt, giao hàng nhanh. " * 3000  # ~100 kB
    t0 = time.process_time()
    for _ in range(100):
        detect_language(big)
    return {
        "cold_per_s": round(max(cold)),
        "warm_per_s": round(max(warm)),
        "ms_per_100kB_text": round((time.process_time() - t0) * 10, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=["dev", "test"], default="test")
    parser.add_argument("--show-errors", type=int, default=0, help="print N errors per set")
    args = parser.parse_args()

    sets = build_sets(args.split)
    results: dict[str, object] = {"split": args.split, "sets": {}}
    confusion: Counter[tuple[str, str]] = Counter()
    print(f"Language identification - {args.split} splits\n")
    print(f"{'set':<28}{'gold':>6}{'n':>7}{'acc %':>8}   predictions (vi/en/other/und)")
    for name, (gold, texts) in sets.items():
        preds = [detect_language(t) for t in texts]
        dist = Counter(p.lang for p in preds)
        row: dict[str, object] = {"gold": gold, "n": len(texts), "predicted": dict(dist)}
        acc_txt = "-"
        if gold is not None and texts:
            correct = sum(1 for p in preds if p.lang == gold)
            row["accuracy"] = round(correct / len(texts), 5)
            acc_txt = f"{100 * correct / len(texts):.2f}"
            for p in preds:
                confusion[gold, p.lang] += 1
            if args.show_errors:
                shown = 0
                for t, p in zip(texts, preds, strict=True):
                    if p.lang != gold and shown < args.show_errors:
                        print(f"    ! {p.lang} {p.prob:.2f} {p.reason} | {t[:120]!r}")
                        shown += 1
        results["sets"][name] = row  # type: ignore[index]
        dist_txt = "/".join(str(dist.get(lbl, 0)) for lbl in LABELS)
        print(f"{name:<28}{gold or '-':>6}{len(texts):>7}{acc_txt:>8}   {dist_txt}")

    print("\nPer data set (rows with a Vietnamese diacritic):")
    print(f"{'data set':<16}{'n':>7}{'accented %':>12}{'unaccented %':>14}")
    per_set: dict[str, dict[str, float]] = {}
    for name in VI_SETS:
        rows = vi_rows(args.split, only=name)[0]
        acc = sum(1 for t in rows if detect_language(t).lang == "vi") / len(rows)
        unacc = sum(1 for t in rows if detect_language(fold(t)).lang == "vi") / len(rows)
        per_set[name] = {"n": len(rows), "accented": round(acc, 5), "unaccented": round(unacc, 5)}
        print(f"{name:<16}{len(rows):>7}{100 * acc:>12.2f}{100 * unacc:>14.2f}")
    results["per_data_set"] = per_set

    print("\nConfusion matrix over the gold-labelled sets (rows gold, columns predicted):")
    print(f"{'':>8}" + "".join(f"{lbl:>8}" for lbl in LABELS))
    matrix = {}
    for gold in ["vi", "en", "other"]:
        counts = [confusion[gold, p] for p in LABELS]
        matrix[gold] = dict(zip(LABELS, counts, strict=True))
        print(f"{gold:>8}" + "".join(f"{c:>8}" for c in counts))
    results["confusion"] = matrix

    marked, _ = vi_rows(args.split)
    typical = [t for t in marked if 15 <= len(t.split()) <= 25][:20000]
    folded = [fold(t) for t in typical]
    sp = {"accented": speed(typical), "unaccented": speed(folded)}
    words = statistics.mean(len(t.split()) for t in typical)
    results["speed"] = {"n_comments": len(typical), "mean_words": round(words, 1), **sp}
    print(
        f"\nSpeed on {len(typical)} comments of 15-25 words (mean {words:.1f}),"
        " one thread, per CPU-second:"
    )
    for kind, s in sp.items():
        print(
            f"  {kind:<11} cold cache {s['cold_per_s']:>8,.0f}/s   warm {s['warm_per_s']:>8,.0f}/s"
            f"   100 kB text {s['ms_per_100kB_text']:.2f} ms"
        )
    model = ROOT / "src" / "tinhieu" / "nlp" / "data" / "lang_model.json"
    results["model_bytes"] = model.stat().st_size
    print(f"\nModel data: {model.stat().st_size / 1e6:.2f} MB ({model.name})")
    print(
        "Notes: en_social dev is 100 comments written by hand for this project plus 62 English"
        "\nrows hand-picked from train/dev splits; its test set is 25 English rows hand-picked"
        "\nfrom test splits. vi sets keep rows with a Vietnamese diacritic; rows without one are"
        "\nreported as a distribution only (no gold label)."
    )
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / ("lang.json" if args.split == "test" else "lang_dev.json")
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
