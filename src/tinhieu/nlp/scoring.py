"""Classification scores: accuracy, macro-F1, per-class precision/recall/F1, confusion.

One definition, used by ``tinhieu nlp eval``, the training script (to pick settings on
dev) and the benchmarks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def classification_report(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] | None = None
) -> dict[str, Any]:
    """Scores of ``pred`` against ``gold``; ``labels`` fixes the class order.

    Macro-F1 is the unweighted mean of the per-class F1 over ``labels`` (the classes of
    the gold data when not given); a class with no gold and no predicted item is left
    out of the mean rather than counted as 0 or 1.
    """
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    names = list(labels) if labels is not None else sorted(set(gold))
    extra = sorted(set(pred) - set(names))
    names_all = names + extra
    index = {c: i for i, c in enumerate(names_all)}
    k = len(names_all)
    cm = np.zeros((k, k), dtype=np.int64)
    for g, q in zip(gold, pred, strict=True):
        if g not in index:
            index[g] = len(names_all)
            names_all.append(g)
            cm = np.pad(cm, ((0, 1), (0, 1)))
        cm[index[g], index[q]] += 1
    per_class: dict[str, dict[str, float | int]] = {}
    f1s: list[float] = []
    for c in names:
        i = index[c]
        tp = int(cm[i, i])
        support = int(cm[i].sum())
        predicted = int(cm[:, i].sum())
        p = tp / predicted if predicted else 0.0
        r = tp / support if support else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        per_class[c] = {"precision": p, "recall": r, "f1": f1, "support": support}
        if support or predicted:
            f1s.append(f1)
    n = int(cm.sum())
    return {
        "n": n,
        "accuracy": float(np.trace(cm)) / n if n else 0.0,
        "macro_f1": float(np.mean(f1s)) if f1s else 0.0,
        "weighted_f1": (
            sum(float(per_class[c]["f1"]) * int(per_class[c]["support"]) for c in names) / n
            if n
            else 0.0
        ),
        "per_class": per_class,
        "labels": names_all,
        "confusion": cm.tolist(),
    }


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> float:
    return float(classification_report(gold, pred, labels)["macro_f1"])
