"""Reproduce the shipped models from the public data sets' train and dev splits.

``tinhieu nlp train`` runs :func:`train`. For every task:

1. the shared :class:`~tinhieu.nlp.features.FeatureSpace` is fitted on the train splits
   of all corpora (each text also folded to its unaccented form);
2. a linear SVM is fitted on the task's train split, the text and its folded copy both
   (so typing without diacritics lands on the same weights), for each ``C`` of a small
   grid; the ``C`` with the best dev macro-F1 wins (tasks in ``TrainConfig.nb_scale``
   learn on NB-scaled features, the scaling folded back into the weights);
3. on dev (accented and folded), a per-class score offset is chosen to raise macro-F1
   and a softmax temperature to calibrate the probabilities;
4. the test split is scored only to be reported in the manifest and the model card —
   nothing is chosen by it.

The same seed gives the same artefacts byte for byte.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tinhieu.nlp.aspect_shape import AspectShape
from tinhieu.nlp.corpora import (
    CORPORA,
    Corpus,
    DataError,
    Example,
    in_dev_share,
    load_split,
    read_jsonl,
)
from tinhieu.nlp.features import FeatureSpace, softmax
from tinhieu.nlp.labels import TASK_CLASSES
from tinhieu.nlp.linear import LinearHead
from tinhieu.nlp.rawchars import RawChars
from tinhieu.nlp.scoring import classification_report, macro_f1
from tinhieu.text.normalise import fold

Log = Callable[[str], None]

TRAINABLE: tuple[str, ...] = ("sentiment", "toxicity", "emotion", "spam", "spam-type")


@dataclass
class TrainConfig:
    seed: int = 13
    c_grid: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)
    tasks: tuple[str, ...] = TRAINABLE
    #: Keep only the first N rows of each split (for tests and quick trials); 0 = all.
    limit: int = 0
    min_df: int = 2
    #: How many times each workspace correction counts in training.
    extra_weight: int = 3
    #: Corpora whose train texts join the vocabulary only (trained elsewhere: aspects).
    vocab_folders: tuple[str, ...] = ()
    #: Tasks trained in two stages (see :func:`_fit_two_stage`).
    two_stage: tuple[str, ...] = ("sentiment",)
    #: Tasks whose SVMs learn on NB-scaled features (see :func:`fit_nb_svm`); the
    #: scaling is folded into the saved weights, so scoring is unchanged.
    nb_scale: tuple[str, ...] = ()
    #: Smoothing of the NB log-count ratios.
    nb_alpha: float = 1.0
    #: The C grid of NB-scaled tasks (scaled features favour a smaller C).
    nb_c_grid: tuple[float, ...] = (0.1, 0.25, 0.5, 1.0, 2.0)
    extra_train: dict[str, list[Example]] = field(default_factory=dict)
    #: Tasks whose heads also read hashed character n-grams of the raw text
    #: (:mod:`tinhieu.nlp.rawchars`): review spam lives partly in what normalisation removes.
    raw_chars: tuple[str, ...] = ("spam", "spam-type")
    #: Columns of that block: ``2**raw_bits``.
    raw_bits: int = 20
    #: Whether those tasks also read which commerce aspects a text names
    #: (:mod:`tinhieu.nlp.aspect_shape`), after the raw block.
    aspect_shape: bool = True


def with_folded(texts: Sequence[str]) -> list[str]:
    """Each text, then each text without diacritics (how every model is trained)."""
    return list(texts) + [fold(t) for t in texts]


def restricted_argmax(
    scores: npt.NDArray[np.float32], classes: Sequence[str], allowed: Sequence[str] | None
) -> list[str]:
    """Argmax over ``allowed`` classes only (a 2-class data set scored by a 3-class head)."""
    if allowed is None or set(classes) <= set(allowed):
        return [classes[i] for i in scores.argmax(axis=1)]
    mask = np.array([c in allowed for c in classes])
    masked = np.where(mask, scores, -np.inf)
    return [classes[i] for i in masked.argmax(axis=1)]


def fit_svm(x: sp.csr_matrix, y: Sequence[Any] | npt.NDArray[Any], c: float, seed: int) -> Any:
    """A deterministic linear SVM (the learner behind every head)."""
    from sklearn.svm import LinearSVC

    return LinearSVC(C=c, random_state=seed, max_iter=5000, dual=True).fit(x, y)


def nb_ratio(
    x: sp.csr_matrix, positive: npt.NDArray[np.bool_], alpha: float = 1.0
) -> npt.NDArray[np.float32]:
    """NBSVM's log-count ratio per feature (Wang & Manning 2012) on binarised rows:
    ``log((p/|p|₁) / (q/|q|₁))`` with ``p = alpha + Σ rows of the positive class`` and
    ``q`` the same over the rest."""
    xb = (x != 0).astype(np.float64).tocsr()
    p = alpha + np.asarray(xb[np.flatnonzero(positive)].sum(axis=0)).ravel()
    q = alpha + np.asarray(xb[np.flatnonzero(~positive)].sum(axis=0)).ravel()
    r: npt.NDArray[np.float32] = np.log((p / p.sum()) / (q / q.sum())).astype(np.float32)
    return r


@dataclass(frozen=True)
class FoldedSvm:
    """A linear model as LinearSVC exposes one (``coef_``, ``intercept_``, ``classes_``),
    its NB scaling already folded into ``coef_``."""

    coef_: npt.NDArray[np.float32]
    intercept_: npt.NDArray[np.float32]
    classes_: npt.NDArray[Any]


def fit_nb_svm(
    x: sp.csr_matrix,
    y: Sequence[Any] | npt.NDArray[Any],
    c: float,
    seed: int,
    alpha: float = 1.0,
) -> FoldedSvm:
    """NBSVM: per class, a binary SVM on ``X · diag(r)`` (``r``: :func:`nb_ratio` of that
    class against the rest), folded back as ``w ⊙ r`` — scores over the plain features
    are the scaled model's scores, at no run-time cost. Two classes make one SVM (its
    ``coef_`` for ``classes_[1]``, as LinearSVC); more make one per class (one-vs-rest).
    """
    labels = np.asarray([str(v) for v in y])
    classes = np.array(sorted(set(labels.tolist())))
    if len(classes) < 2:
        raise DataError("need examples of at least two classes to train")
    targets = classes[1:] if len(classes) == 2 else classes
    coefs: list[npt.NDArray[np.float32]] = []
    intercepts: list[float] = []
    for cls in targets:
        positive = labels == cls
        r = nb_ratio(x, positive, alpha)
        model = fit_svm(x @ sp.diags(r).tocsr(), positive, c, seed)
        coefs.append(np.asarray(model.coef_[0], dtype=np.float32) * r)
        intercepts.append(float(model.intercept_[0]))
    return FoldedSvm(
        coef_=np.vstack(coefs).astype(np.float32),
        intercept_=np.asarray(intercepts, dtype=np.float32),
        classes_=classes,
    )


def _fit(x: sp.csr_matrix, y: Sequence[Any], c: float, seed: int, nb_alpha: float | None) -> Any:
    """An SVM, NB-scaled when ``nb_alpha`` is given."""
    return fit_svm(x, y, c, seed) if nb_alpha is None else fit_nb_svm(x, y, c, seed, nb_alpha)


def _head_from_svm(name: str, model: Any, classes: Sequence[str], n_features: int) -> LinearHead:
    coef = np.asarray(model.coef_, dtype=np.float32)
    intercept = np.asarray(model.intercept_, dtype=np.float32)
    learned = [str(c) for c in model.classes_]
    if coef.shape[0] == 1:  # binary: decision d > 0 means learned[1]
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2], dtype=np.float32)
    w = np.zeros((n_features, len(classes)), dtype=np.float32)
    b = np.full(len(classes), -1e3, dtype=np.float32)  # a class never seen is never chosen
    for j, c in enumerate(learned):
        k = classes.index(c)
        w[:, k] = coef[j]
        b[k] = intercept[j]
    w[np.abs(w) < 1e-4] = 0.0
    return LinearHead(
        name=name,
        classes=tuple(classes),
        weights=sp.csr_matrix(w),
        bias=b,
        offset=np.zeros(len(classes), dtype=np.float32),
    )


@dataclass(frozen=True)
class _DevGroup:
    rows: npt.NDArray[np.int64]
    gold: list[str]
    allowed: list[str]


def _dev_group(rows: npt.NDArray[np.int64], y: Sequence[str]) -> _DevGroup:
    gold = [y[i] for i in rows]
    return _DevGroup(rows, gold, sorted(set(gold)))


def _dev_score(
    scores: npt.NDArray[np.float32], classes: Sequence[str], groups: Sequence[_DevGroup]
) -> float:
    """Mean over dev corpora of macro-F1, each over the classes that corpus has."""
    if not groups:
        return 0.0
    total = 0.0
    for g in groups:
        pred = restricted_argmax(scores[g.rows], classes, g.allowed)
        total += macro_f1(g.gold, pred, g.allowed)
    return total / len(groups)


#: Share of a polar-only corpus's rows the subjectivity model learns from.
POLAR_ONLY_SHARE = 0.25


def _fit_two_stage(
    task: str,
    x: sp.csr_matrix,
    rows: Sequence[Example],
    c: float,
    seed: int,
    n_features: int,
    nb_alpha: float | None = None,
) -> LinearHead | None:
    """Sentiment as *is it polar?* then *which way?*, folded into one linear head.

    A corpus labelled only positive/negative (AIVIVN) says nothing about neutrality: in
    a plain three-class fit every review-like text learns to be polar, and neutral
    social posts (news, questions, menus) come out negative. Here the subjectivity
    model (u > 0: polar) learns from the corpora that have a neutral class plus a
    quarter of the polar-only ones, and the polarity model (d > 0: positive) from every
    polar row. The head's scores are
    ``negative = (u − d)/2``, ``neutral = −u/2``, ``positive = (u + d)/2``: positive
    against negative is decided by d alone, neutral wins when u + |d| < 0 (before the
    per-class offsets chosen on dev). ``None`` when the rows cannot teach both stages.
    With ``nb_alpha`` each stage is NB-scaled (:func:`fit_nb_svm`).
    """
    labels = [e.label for e in rows] * 2
    with_neutral = {e.source for e in rows if e.label == "neutral"}
    if not with_neutral or len(set(labels) - {"neutral"}) < 2:
        return None  # nothing to learn neutrality from (e.g. polar corrections only)
    # Polar-only corpora still teach what polar text looks like ("không ngon như quảng
    # cáo"), but only a quarter of them (by text hash), so they cannot outvote the
    # neutral examples of the others.
    subj = np.array(
        [e.source in with_neutral or in_dev_share(e.text, POLAR_ONLY_SHARE) for e in rows] * 2
    )
    polar = np.array([y != "neutral" for y in labels])
    u_model = _fit(
        x[np.flatnonzero(subj)],
        ["polar" if y != "neutral" else "neutral" for y, m in zip(labels, subj, strict=True) if m],
        c,
        seed,
        nb_alpha,
    )
    d_model = _fit(
        x[np.flatnonzero(polar)], [y for y in labels if y != "neutral"], c, seed, nb_alpha
    )

    def signed(model: Any, positive: str) -> tuple[npt.NDArray[np.float32], float]:
        w = np.asarray(model.coef_[0], dtype=np.float32)
        b = float(model.intercept_[0])
        return (w, b) if str(model.classes_[1]) == positive else (-w, -b)

    wu, bu = signed(u_model, "polar")
    wd, bd = signed(d_model, "positive")
    w = np.stack([(wu - wd) / 2, -wu / 2, (wu + wd) / 2], axis=1)
    w[np.abs(w) < 1e-4] = 0.0
    return LinearHead(
        name=task,
        classes=("negative", "neutral", "positive"),
        weights=sp.csr_matrix(w),
        bias=np.array([(bu - bd) / 2, -bu / 2, (bu + bd) / 2], dtype=np.float32),
        offset=np.zeros(3, dtype=np.float32),
    )


def _fit_offsets(
    scores: npt.NDArray[np.float32], classes: Sequence[str], groups: Sequence[_DevGroup]
) -> npt.NDArray[np.float32]:
    """Per-class offsets raising dev macro-F1 (coordinate ascent on a coarse grid)."""
    offset = np.zeros(len(classes), dtype=np.float32)

    def f1(off: npt.NDArray[np.float32]) -> float:
        return _dev_score(scores + off, classes, groups)

    best = f1(offset)
    grid = np.arange(-0.4, 0.41, 0.05, dtype=np.float32)
    for _ in range(2):
        for k in range(len(classes)):
            for g in grid:
                trial = offset.copy()
                trial[k] = g
                s = f1(trial)
                if s > best + 1e-9:
                    best, offset = s, trial
    # Only keep offsets that clearly help: small dev sets reward noise otherwise.
    return offset if best - f1(np.zeros_like(offset)) >= 0.005 else np.zeros_like(offset)


def _fit_temperature(
    scores: npt.NDArray[np.float32], gold: Sequence[str], classes: Sequence[str]
) -> float:
    idx = np.array([classes.index(g) for g in gold])
    best_t, best_nll = 1.0, float("inf")
    for t in np.exp(np.linspace(np.log(0.02), np.log(5.0), 60)):
        p = softmax(scores, float(t))
        nll = float(-np.log(np.clip(p[np.arange(len(idx)), idx], 1e-9, 1)).mean())
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


#: Tasks answered only when the model is sure enough: the dev accuracy the answers given
#: must reach. The probability floor that reaches it is chosen on dev.
CONFIDENT_ONLY: dict[str, float] = {"emotion": 0.7}


def _confidence_floor(
    head: LinearHead, x_dev: sp.csr_matrix, y_dev: Sequence[str], accuracy: float
) -> tuple[float, float]:
    """The lowest probability floor whose answers are ``accuracy`` right on dev, and the
    share of dev it answers."""
    p = head.proba(x_dev)
    pred = p.argmax(axis=1)
    top = p.max(axis=1)
    right = np.array([head.classes[k] == g for k, g in zip(pred, y_dev, strict=True)])
    for floor in np.arange(0.2, 0.96, 0.02):
        kept = top >= floor
        if kept.sum() >= 20 and right[kept].mean() >= accuracy:
            return float(floor), float(kept.mean())
    return 0.95, float((top >= 0.95).mean())


def _limit(rows: list[Example], n: int) -> list[Example]:
    return rows[:n] if n else rows


def _limit_rows(rows: Iterable[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    out = list(rows)
    return out[:n] if n else out


def train(
    data_dir: Path | None,
    out_dir: Path,
    config: TrainConfig | None = None,
    log: Log = print,
    *,
    features: FeatureSpace | None = None,
    raw: RawChars | None = None,
    shape: AspectShape | None = None,
) -> dict[str, Any]:
    """Train every task of ``config`` and write the artefacts to ``out_dir``.

    ``data_dir`` is the public data (``None``: train on ``config.extra_train`` alone, as
    a workspace that brings its own labels does). ``features`` reuses a fitted feature
    space (a workspace model keeps the shipped vocabulary) instead of fitting one, and
    ``raw`` and ``shape`` the fitted raw-character and aspect-shape blocks (otherwise
    fitted on the train texts of the tasks in ``config.raw_chars``).
    """
    cfg = config or TrainConfig()
    started = time.perf_counter()
    corpora = [c for c in CORPORA if c.task in cfg.tasks] if data_dir is not None else []
    splits: dict[tuple[str, str], dict[str, list[Example]]] = {}
    for c in corpora:
        assert data_dir is not None
        splits[(c.folder, c.task)] = {
            s: _limit(load_split(data_dir, c, s), cfg.limit) for s in ("train", "dev", "test")
        }
    out_dir.mkdir(parents=True, exist_ok=True)
    if features is None:
        vocab_texts = sorted(
            {e.text for c in corpora for e in splits[(c.folder, c.task)]["train"]}
            | {e.text for rows in cfg.extra_train.values() for e in rows}
            | {
                str(r.get("text") or "")
                for folder in cfg.vocab_folders
                if data_dir is not None
                for r in _limit_rows(read_jsonl(data_dir / folder / "train.jsonl"), cfg.limit)
            }
        )
        log(f"features: fitting on {len(vocab_texts):,} training texts (+ folded copies)")
        fs = FeatureSpace.fit(with_folded(vocab_texts), min_df=cfg.min_df)
    else:
        fs = features
    log(f"features: {len(fs.words):,} word n-grams, {len(fs.chars):,} char n-grams")
    fs.save(out_dir / "features.npz")
    manifest: dict[str, Any] = {
        "format": 1,
        "seed": cfg.seed,
        "features": {"words": len(fs.words), "chars": len(fs.chars)},
        "heads": {},
    }
    raw_tasks = [t for t in cfg.tasks if t in cfg.raw_chars]
    raw_texts = sorted(
        {
            e.text
            for c in corpora
            if c.task in raw_tasks
            for e in splits[(c.folder, c.task)]["train"]
        }
        | {e.text for t in raw_tasks for e in cfg.extra_train.get(t, [])}
    )
    if raw is None and raw_tasks:
        log(f"raw characters: IDF over {len(raw_texts):,} training texts (+ folded copies)")
        raw = RawChars.fit(with_folded(raw_texts), bits=cfg.raw_bits)
    if shape is None and raw_tasks and cfg.aspect_shape:
        shape = AspectShape.fit(with_folded(raw_texts))
        log(f"aspect shape: {shape.size} features")
    if raw is not None:
        raw.save(out_dir / "rawchars.npz")
        manifest["features"]["raw_chars"] = {"bits": raw.bits, "n": [raw.lo, raw.hi]}
    if shape is not None and raw is not None:
        shape.save(out_dir / "aspect_shape.json")
        manifest["features"]["aspect_shape"] = shape.size
    else:
        shape = None
    for task in cfg.tasks:
        task_corpora = [c for c in corpora if c.task == task]
        task_raw = raw if task in cfg.raw_chars else None
        task_shape = shape if task_raw is not None else None
        head, report = _train_task(task, task_corpora, splits, fs, cfg, log, task_raw, task_shape)
        head.save(out_dir / f"{task}.npz")
        manifest["heads"][task] = report
    manifest["seconds"] = round(time.perf_counter() - started, 1)
    (out_dir / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    return manifest


def _train_task(
    task: str,
    corpora: list[Corpus],
    splits: dict[tuple[str, str], dict[str, list[Example]]],
    fs: FeatureSpace,
    cfg: TrainConfig,
    log: Log,
    raw: RawChars | None = None,
    shape: AspectShape | None = None,
) -> tuple[LinearHead, dict[str, Any]]:
    classes = list(TASK_CLASSES[task])

    def matrix(texts: Sequence[str]) -> sp.csr_matrix:
        x = fs.transform(texts)
        if raw is None:
            return x
        blocks = [x, raw.matrix(texts)]
        if shape is not None:
            blocks.append(shape.matrix(texts))
        return sp.hstack(blocks, format="csr")

    n_features = fs.size
    n_features += (raw.size if raw is not None else 0) + (shape.size if shape is not None else 0)
    train_rows = [e for c in corpora for e in splits[(c.folder, task)]["train"]]
    dev_rows = [e for c in corpora for e in splits[(c.folder, task)]["dev"]]
    extra = cfg.extra_train.get(task, [])
    # The workspace's own labels: a tenth (chosen by text hash) joins dev so the
    # settings are also judged on them; the rest is trained on, repeated so a few
    # hundred corrections can move a model trained on tens of thousands of rows.
    extra_dev = [e for e in extra if in_dev_share(e.text, 0.1)]
    extra_train = [e for e in extra if not in_dev_share(e.text, 0.1)]
    if not dev_rows and not extra_dev:
        extra_dev, extra_train = extra_train[: max(1, len(extra_train) // 10)], extra_train
    train_rows += extra_train * cfg.extra_weight
    dev_rows += extra_dev
    if len({e.label for e in train_rows}) < 2:
        raise DataError(f"{task}: need examples of at least two classes to train")
    x_train = matrix(with_folded([e.text for e in train_rows]))
    y_train = [e.label for e in train_rows] * 2
    x_dev = matrix(with_folded([e.text for e in dev_rows]))
    y_dev = [e.label for e in dev_rows] * 2
    # Dev is judged per corpus (each with its own label set), then averaged: a corpus
    # without a neutral class must not drown the neutral class of another.
    groups = [
        _dev_group(np.nonzero(np.array([e.source == c for e in dev_rows] * 2))[0], y_dev)
        for c in sorted({e.source for e in dev_rows})
    ]
    nb_alpha = cfg.nb_alpha if task in cfg.nb_scale else None
    best: tuple[float, float, LinearHead] | None = None
    for c in cfg.c_grid if nb_alpha is None else cfg.nb_c_grid:
        two = (
            _fit_two_stage(task, x_train, train_rows, c, cfg.seed, n_features, nb_alpha)
            if task in cfg.two_stage
            else None
        )
        if two is not None:
            head = two
        else:
            model = _fit(x_train, y_train, c, cfg.seed, nb_alpha)
            head = _head_from_svm(task, model, classes, n_features)
        dev_f1 = _dev_score(head.scores(x_dev), classes, groups)
        log(f"{task}: C={c:g} dev macro-F1 {100 * dev_f1:.2f}")
        if best is None or dev_f1 > best[0] + 1e-9:
            best = (dev_f1, c, head)
    assert best is not None
    dev_f1, c_best, head = best
    dev_scores = head.scores(x_dev)
    head.offset = _fit_offsets(dev_scores, classes, groups)
    head.temperature = _fit_temperature(head.scores(x_dev), y_dev, classes)
    tuned = _dev_score(head.scores(x_dev), classes, groups)
    min_prob = None
    if task in CONFIDENT_ONLY:
        min_prob, coverage = _confidence_floor(head, x_dev, y_dev, CONFIDENT_ONLY[task])
        log(f"{task}: answers when p >= {min_prob:.2f} ({100 * coverage:.0f} % of dev)")
    log(f"{task}: chose C={c_best:g}; dev macro-F1 {100 * dev_f1:.2f} -> {100 * tuned:.2f}")
    report: dict[str, Any] = {
        "classes": classes,
        "C": c_best,
        "offset": [round(float(v), 3) for v in head.offset],
        "temperature": round(head.temperature, 4),
        "train_rows": len(train_rows),
        "dev": {"macro_f1": round(100 * tuned, 2)},
        "test": {},
        "corpora": [{"folder": c.folder, "terms": c.terms} for c in corpora],
    }
    for corpus in corpora:
        test_rows = splits[(corpus.folder, task)]["test"]
        if not test_rows:
            continue
        gold = [e.label for e in test_rows]
        allowed = sorted(set(gold))
        res: dict[str, Any] = {}
        for variant, texts in (
            ("accented", [e.text for e in test_rows]),
            ("unaccented", [fold(e.text) for e in test_rows]),
        ):
            pred = restricted_argmax(head.scores(matrix(texts)), classes, allowed)
            rep = classification_report(gold, pred, allowed)
            res[variant] = {
                "macro_f1": round(100 * rep["macro_f1"], 2),
                "accuracy": round(100 * rep["accuracy"], 2),
            }
        res["n"] = len(test_rows)
        report["test"][corpus.folder] = res
        log(f"{task}: test {corpus.folder}: {res}")
    head.meta = {"C": c_best, "seed": cfg.seed}
    if raw is not None:
        report["raw_chars"] = True
        head.meta["raw_chars"] = True
    if shape is not None:
        report["aspect_shape"] = True
        head.meta["aspect_shape"] = True
    if nb_alpha is not None:
        report["nb_alpha"] = nb_alpha
        head.meta["nb_alpha"] = nb_alpha
    if min_prob is not None:
        report["min_prob"] = round(min_prob, 3)
        head.meta["min_prob"] = round(min_prob, 3)
    return head, report
