"""Score the shipped (or a workspace's) models on a labelled JSONL file.

``tinhieu nlp eval --task T --data FILE.jsonl`` reads rows in the layout of
``shared/data`` (``text`` and ``label``, labels in the data set's own names) and maps
the labels with :mod:`tinhieu.nlp.labels`. When the file's labels are a subset of the
task's classes (a positive/negative set scored by the three-class sentiment model), the
prediction is the best of the classes the file uses — the file cannot reward or punish a
class it does not have.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinhieu.nlp.bundle import Bundle
from tinhieu.nlp.corpora import DataError, read_jsonl
from tinhieu.nlp.labels import TASK_CLASSES, LabelError, map_label
from tinhieu.nlp.scoring import classification_report
from tinhieu.nlp.train import restricted_argmax

EVAL_TASKS: tuple[str, ...] = (
    "sentiment",
    "spam",
    "spam-type",
    "toxicity",
    "lang",
    "emotion",
    "aspects",
)


@dataclass(frozen=True, slots=True)
class Labelled:
    texts: list[str]
    labels: list[Any]


def read_labelled(path: Path, task: str) -> Labelled:
    """Texts and mapped labels of ``path``; a bad row is an error naming its line."""
    texts: list[str] = []
    labels: list[Any] = []
    field = "label"
    for n, row in enumerate(read_jsonl(path), 1):
        if task == "spam-type" and "spam_type" in row:
            field = "spam_type"
        if "text" not in row or field not in row:
            raise DataError(f"{path}: row {n}: needs 'text' and '{field}'")
        try:
            if task == "aspects":
                labels.append(_aspect_pairs(row))
            else:
                labels.append(map_label(task, row[field]))
        except LabelError as exc:
            raise DataError(f"{path}: row {n}: {exc}") from exc
        texts.append(str(row["text"] or ""))
    if not texts:
        raise DataError(f"{path}: no rows")
    return Labelled(texts, labels)


def _aspect_pairs(row: dict[str, Any]) -> frozenset[str]:
    items = row.get("aspects")
    pairs: set[str] = set()
    if isinstance(items, list):
        for a in items:
            if isinstance(a, dict) and a.get("polarity"):
                pairs.add(f"{str(a['aspect']).lower()}#{str(a['polarity']).lower()}")
        return frozenset(pairs)
    label = row.get("label")
    values = label if isinstance(label, list) else [label]
    for v in values:
        parts = str(v).rsplit("#", 1)
        if len(parts) == 2:
            pairs.add(f"{parts[0].lower()}#{parts[1].lower()}")
    return frozenset(pairs)


def evaluate(
    bundle: Bundle,
    task: str,
    data: Labelled,
    log: Callable[[str], None] | None = None,
    *,
    gate: bool = True,
) -> dict[str, Any]:
    """The report of :func:`classification_report` (or set F1 for aspects).

    Sentiment is scored as ``predict`` answers it: with the opinion-evidence gate
    (:mod:`tinhieu.nlp.opinion`) unless ``gate`` is false (the head alone). On a file
    without a neutral class the gate changes nothing (neutral is never chosen there).
    """
    if task == "aspects":
        return _evaluate_aspects(bundle, data)
    if task == "lang":
        from tinhieu.nlp.lang import detect_languages

        found = [r.lang for r in detect_languages(data.texts)]
        labels = [c for c in TASK_CLASSES["lang"] if c in set(data.labels) | set(found)]
        return classification_report(data.labels, found, labels)
    head = bundle.heads.get(task)
    if head is None:
        raise DataError(f"the model has no '{task}' head")
    from tinhieu.nlp.normalise import normalise_words
    from tinhieu.nlp.opinion import gate_scores

    gold: list[str] = data.labels
    allowed = sorted(set(gold))
    pred: list[str] = []
    step = 4096
    for lo in range(0, len(data.texts), step):
        texts = data.texts[lo : lo + step]
        words = [normalise_words(t) for t in texts]
        scores = bundle.head_scores(task, bundle.features.transform_words(words), texts)
        if task == "sentiment" and gate:
            scores, _ = gate_scores(scores, head.classes, words)
        pred += restricted_argmax(scores, head.classes, allowed)
    order = [c for c in head.classes if c in set(gold) | set(pred)]
    return classification_report(gold, pred, order)


def _evaluate_aspects(bundle: Bundle, data: Labelled) -> dict[str, Any]:
    from tinhieu.nlp.aspects import AspectModel
    from tinhieu.nlp.normalise import normalise_words

    if not (bundle.path / "aspects.json").is_file():
        raise DataError("the model has no aspect head")
    model = AspectModel.load(bundle.path)
    x = bundle.features.transform_words([normalise_words(t) for t in data.texts])
    hits = model.predict(data.texts, x)
    pred = [
        frozenset(
            f"{h.aspect.removeprefix('phone.')}#{h.polarity}" for h in row if h.source == "model"
        )
        for row in hits
    ]
    return set_scores(data.labels, pred)


def set_scores(gold: Sequence[frozenset[str]], pred: Sequence[frozenset[str]]) -> dict[str, Any]:
    """Micro and macro P/R/F1 over ``aspect#polarity`` pairs, and over aspects alone."""
    out: dict[str, Any] = {"n": len(gold)}
    levels: tuple[tuple[str, Callable[[str], str]], ...] = (
        ("aspect_polarity", lambda pair: pair),
        ("aspect", lambda pair: pair.split("#")[0]),
    )
    for level, key in levels:
        tp: dict[str, int] = {}
        fp: dict[str, int] = {}
        fn: dict[str, int] = {}
        for g, q in zip(gold, pred, strict=True):
            gs = {key(x) for x in g}
            ps = {key(x) for x in q}
            for x in gs & ps:
                tp[x] = tp.get(x, 0) + 1
            for x in ps - gs:
                fp[x] = fp.get(x, 0) + 1
            for x in gs - ps:
                fn[x] = fn.get(x, 0) + 1
        classes = sorted(set(tp) | set(fp) | set(fn))
        per: dict[str, dict[str, float | int]] = {}
        for c in classes:
            t, f_p, f_n = tp.get(c, 0), fp.get(c, 0), fn.get(c, 0)
            p = t / (t + f_p) if t + f_p else 0.0
            r = t / (t + f_n) if t + f_n else 0.0
            per[c] = {
                "precision": p,
                "recall": r,
                "f1": 2 * p * r / (p + r) if p + r else 0.0,
                "support": t + f_n,
            }
        t_all, fp_all, fn_all = sum(tp.values()), sum(fp.values()), sum(fn.values())
        p = t_all / (t_all + fp_all) if t_all + fp_all else 0.0
        r = t_all / (t_all + fn_all) if t_all + fn_all else 0.0
        out[level] = {
            "micro_precision": p,
            "micro_recall": r,
            "micro_f1": 2 * p * r / (p + r) if p + r else 0.0,
            "macro_f1": sum(float(v["f1"]) for v in per.values()) / len(per) if per else 0.0,
            "per_class": per,
        }
    return out
