"""Model cards: what each shipped model was trained on, its terms, its held-out scores
and its known weaknesses — written from the training manifest, so they never drift."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

_PURPOSE: Final[dict[str, str]] = {
    "sentiment": "Sentiment of a mention: positive, neutral or negative, with the cues "
    "(words, negation scope, emoji, contrast) that decided it.",
    "toxicity": "CLEAN / OFFENSIVE / HATE for a moderation queue (offending spans come "
    "from a lexicon learned on ViHOS; see toxic_lexicon.md).",
    "emotion": "The seven UIT-VSMEC emotions; given only when the model is confident.",
    "spam": "Review spam (spam / no-spam) as labelled in ViSpamReviews task 1. On social "
    "comments the product only trusts it above a high probability; rules find ads, "
    "giveaway participation, junk and seeding first.",
    "spam-type": "The ViSpamReviews task 2 spam type (spam-1, spam-2, spam-3).",
    "aspects": "Aspect sentiment: UIT-ViSFD smartphone aspects by model, general commerce "
    "aspects by lexicon, each with its evidence span.",
}
_WEAKNESSES: Final[dict[str, str]] = {
    "sentiment": "Trained on student feedback (UIT-VSFC) and e-commerce reviews (AIVIVN); "
    "social chatter about F&B or banking brands is out of domain. The neutral class is "
    "rare in training (about 4 %), so neutral recall is low. Sarcasm is read literally. "
    "On the demo's synthetic milk-tea comments (never trained on) the head alone reaches "
    "about 55 macro-F1: news, questions and announcements are often read as polar. "
    "`predict`, the import and `nlp eval` add the opinion-evidence gate (questions and "
    "posts with figures but no opinion mark lean to neutral; about 63 there); the test "
    "figures here are the head's alone, and statements without opinion words are still "
    "often read as polar. Trained in two stages (polar or not, learnt where neutral is "
    "labelled; then which way) folded into one linear head.",
    "toxicity": "12 % of the ViHSD test texts also occur in its train split, which flatters "
    "the test figure. Slurs written with new spellings are missed until retrained.",
    "emotion": "Small training set (5,548 comments); Fear/Surprise/Anger are confused.",
    "spam": "E-commerce reviews only; not a social-spam model on its own.",
    "spam-type": "Type semantics follow the ViSpamReviews paper; spam-1 is rare (195 rows).",
    "aspects": "Model aspects are smartphone-specific; commerce aspects rely on a "
    "hand-written lexicon.",
}


def _fmt(v: Any) -> str:
    return "—" if v is None else f"{v:.2f}" if isinstance(v, float) else str(v)


def _raw_lines(manifest: dict[str, Any]) -> list[str]:
    raw = manifest.get("features", {}).get("raw_chars")
    if not raw:
        return []
    users = [n for n, h in manifest.get("heads", {}).items() if h.get("raw_chars")]
    lo, hi = raw.get("n", [2, 5])
    return [
        "",
        f"{', '.join(users) or 'No head'} also read{'s' if len(users) == 1 else ''} "
        f"character {lo}–{hi}-grams of the lowercased *raw* text (letter runs, "
        f"punctuation and spaces kept), hashed to 2^{raw.get('bits')} columns "
        "(`rawchars.npz` holds their IDF)"
        + (
            f", and {raw_shape} aspect-shape features: which commerce aspects the text "
            "names, as conjunctions such as *delivery and packaging only*"
            " (`aspect_shape.json`)."
            if (raw_shape := manifest.get("features", {}).get("aspect_shape"))
            else "."
        ),
    ]


def render_model_card(manifest: dict[str, Any]) -> str:
    lines = [
        "# tinhieu language models",
        "",
        "Linear models over one shared feature space (word 1–3-grams of the normalised "
        "text with negation, contrast and question marks, polarity-lexicon matches and the "
        "text's shape; character 1–5-grams inside words), trained "
        "on each text and its unaccented copy. Produced by `tinhieu nlp train` "
        f"(seed {manifest.get('seed')}); every figure below is on a held-out **test** split "
        "that no choice was made on. Settings (C, class offsets, temperature) were chosen "
        "on the dev splits.",
        "",
        f"Feature space: {manifest.get('features', {}).get('words', 0):,} word n-grams, "
        f"{manifest.get('features', {}).get('chars', 0):,} character n-grams.",
        *_raw_lines(manifest),
        "",
        "Retrain with your own labels: correct mentions (`tinhieu nlp correct`) and run "
        "`tinhieu nlp retrain --workspace W` (add `--no-public` to leave the research data "
        "out).",
    ]
    for name, head in manifest.get("heads", {}).items():
        lines += ["", f"## {name}", "", _PURPOSE.get(name, "")]
        corpora = head.get("corpora") or []
        if corpora:
            lines += ["", "Training data and terms:"]
            lines += [f"- `{c['folder']}` — {c['terms']}" for c in corpora]
        if name == "aspects":
            lines += _aspect_lines(head)
        elif head.get("train_rows"):
            lines.append(
                f"\nTrained on {head['train_rows']:,} rows (+ unaccented copies); "
                f"C = {head.get('C')}, temperature {head.get('temperature')}, "
                f"class offsets {head.get('offset')}; "
                f"dev macro-F1 {_fmt(head.get('dev', {}).get('macro_f1'))}."
            )
        tests = head.get("test") or {}
        if tests and name != "aspects":
            lines += [
                "",
                "| test set | n | macro-F1 | accuracy | macro-F1 unaccented "
                "| accuracy unaccented |",
                "|---|---|---|---|---|---|",
            ]
            for folder, r in tests.items():
                acc, un = r.get("accented", {}), r.get("unaccented", {})
                lines.append(
                    f"| {folder} | {r.get('n', '')} | {_fmt(acc.get('macro_f1'))} | "
                    f"{_fmt(acc.get('accuracy'))} | {_fmt(un.get('macro_f1'))} | "
                    f"{_fmt(un.get('accuracy'))} |"
                )
        if head.get("min_prob") is not None:
            lines.append(
                f"\nAnswers only when its probability is at least {head['min_prob']} (the "
                "lowest floor at which 70 % of dev answers are right)."
            )
        extra = head.get("card")
        if isinstance(extra, str) and extra:
            lines += ["", extra]
        if name in _WEAKNESSES:
            lines += ["", f"Known weaknesses: {_WEAKNESSES[name]}"]
    return "\n".join(lines) + "\n"


def _aspect_lines(head: dict[str, Any]) -> list[str]:
    """The aspect model's test figures: detection and aspect+polarity F1, evidence spans."""
    test = head.get("test") or {}
    lines = [
        "",
        f"One 4-class head per UIT-ViSFD aspect (none/positive/negative/neutral), trained on "
        f"{head.get('train_rows', 0):,} rows (+ unaccented copies); settings chosen on dev.",
        "",
        "| UIT-ViSFD test | aspect micro-F1 | aspect macro-F1 | aspect+polarity micro-F1 "
        "| aspect+polarity macro-F1 (10 aspects) |",
        "|---|---|---|---|---|",
    ]
    for variant in ("accented", "unaccented"):
        r = test.get(variant) or {}
        if r:
            lines.append(
                f"| {variant} (n = {r.get('n')}) | {_fmt(r.get('aspect_micro_f1'))} | "
                f"{_fmt(r.get('aspect_macro_f1'))} | {_fmt(r.get('pair_micro_f1'))} | "
                f"{_fmt(r.get('pair_macro_f1'))} |"
            )
    for key, label in (
        ("spans_oracle_aspects", "gold aspects given"),
        ("spans_end_to_end", "end to end, texts unseen in training"),
    ):
        r = test.get(key) or {}
        if r:
            lines.append(
                f"\nEvidence spans on UIT-ViSD4SA test ({label}, n = {r.get('n')}): "
                f"character F1 {_fmt(r.get('char_f1'))}, overlap with the gold span "
                f"{_fmt(r.get('hit'))} %."
            )
    return lines


def write_model_card(out_dir: Path, manifest: dict[str, Any]) -> Path:
    path = out_dir / "MODEL_CARD.md"
    path.write_text(render_model_card(manifest), encoding="utf-8")
    return path
