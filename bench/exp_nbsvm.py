"""Experiment: do NB-scaled (NBSVM, Wang & Manning 2012) linear heads beat the plain ones?

    .venv/bin/python bench/exp_nbsvm.py [--data ../shared/data] [--tasks toxicity emotion]
        [--variants base nb1 nb05]

Each task is trained the way ``tinhieu.nlp.train._train_task`` trains it — the same rows,
each with its folded copy, the shipped feature space, ``C`` chosen on dev, per-class
offsets chosen on dev — once with plain SVMs and once per NB variant. Settings are chosen
by dev only; test macro-F1 (accented, per corpus, over the classes that corpus has) is
printed beside it and never used to choose. Feature matrices are cached under
``bench/out/nbsvm/``. Results merge into ``bench/results/exp_nbsvm.json``.

Variants: ``base`` (plain LinearSVC, the shipped C grid), ``nb1``/``nb05`` (NB ratios on
binarised rows, alpha 1 / 0.5), ``nbtf`` (ratios on the TF-IDF values, alpha 1),
``nb1b25`` (alpha 1, interpolation beta 0.25), ``nbw`` (alpha 1, word block only scaled,
char n-grams left as they are), ``nb1hi`` (nb1 at C 4 and 8).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tinhieu.nlp.bundle import shipped_model_dir
from tinhieu.nlp.corpora import CORPORA, Example, find_data_dir, load_split
from tinhieu.nlp.features import FeatureSpace
from tinhieu.nlp.labels import TASK_CLASSES
from tinhieu.nlp.linear import LinearHead
from tinhieu.nlp.scoring import macro_f1
from tinhieu.nlp.train import (
    FoldedSvm,
    TrainConfig,
    _dev_group,
    _dev_score,
    _fit_offsets,
    _fit_two_stage,
    _head_from_svm,
    fit_nb_svm,
    fit_svm,
    nb_ratio,
    restricted_argmax,
    with_folded,
)

ROOT = Path(__file__).resolve().parent
CACHE = ROOT / "out" / "nbsvm"
RESULTS = ROOT / "results" / "exp_nbsvm.json"
TASKS = ("toxicity", "emotion", "spam", "spam-type", "sentiment")

Fitter = Callable[[sp.csr_matrix, Sequence[Any], float, int], Any]


def _tf_ratio(x: sp.csr_matrix, positive: npt.NDArray[np.bool_], alpha: float) -> Any:
    p = alpha + np.asarray(x[np.flatnonzero(positive)].sum(axis=0)).ravel()
    q = alpha + np.asarray(x[np.flatnonzero(~positive)].sum(axis=0)).ravel()
    return np.log((p / p.sum()) / (q / q.sum())).astype(np.float32)


#: Number of word columns of the feature space (the char block follows); set in main().
WORD_COLUMNS = [0]


def _nb_variant(
    alpha: float, tf: bool = False, beta: float = 1.0, words_only: bool = False
) -> Fitter:
    """An NB fitter; the plain binarised, beta=1 one is the shipped ``fit_nb_svm``."""
    if not tf and beta == 1.0 and not words_only:
        return lambda x, y, c, seed: fit_nb_svm(x, y, c, seed, alpha)

    def fit(x: sp.csr_matrix, y: Sequence[Any], c: float, seed: int) -> FoldedSvm:
        labels = np.asarray([str(v) for v in y])
        classes = np.array(sorted(set(labels.tolist())))
        targets = classes[1:] if len(classes) == 2 else classes
        coefs, icpts = [], []
        for cls in targets:
            pos = labels == cls
            r = _tf_ratio(x, pos, alpha) if tf else nb_ratio(x, pos, alpha)
            if words_only:
                r[WORD_COLUMNS[0] :] = 1.0
            m = fit_svm(x @ sp.diags(r).tocsr(), pos, c, seed)
            w = np.asarray(m.coef_[0], dtype=np.float32)
            b = float(m.intercept_[0])
            if beta != 1.0:
                wbar = float(np.abs(w).mean())
                w = (1 - beta) * wbar + beta * w
                b = beta * b
            coefs.append(w * r)
            icpts.append(b)
        return FoldedSvm(np.vstack(coefs), np.asarray(icpts, dtype=np.float32), classes)

    return fit


def _balanced(power: float) -> Fitter:
    """A plain LinearSVC whose class weights are (n / (k · n_class)) ** power: 1 is
    scikit-learn's "balanced", 0.5 a milder push towards the rare classes."""

    def fit(x: sp.csr_matrix, y: Sequence[Any], c: float, seed: int) -> Any:
        from sklearn.svm import LinearSVC

        labels, counts = np.unique(np.asarray([str(v) for v in y]), return_counts=True)
        w = (len(y) / (len(labels) * counts)) ** power
        weights = {lab: float(v) for lab, v in zip(labels, w, strict=True)}
        return LinearSVC(
            C=c, random_state=seed, max_iter=5000, dual=True, class_weight=weights
        ).fit(x, [str(v) for v in y])

    return fit


BASE_GRID = TrainConfig().c_grid
NB_GRID = TrainConfig().nb_c_grid
VARIANTS: dict[str, tuple[Fitter | None, tuple[float, ...]]] = {
    "base": (None, BASE_GRID),
    "nb1": (_nb_variant(1.0), NB_GRID),
    "nb05": (_nb_variant(0.5), NB_GRID),
    "nbtf": (_nb_variant(1.0, tf=True), NB_GRID),
    "nb1b25": (_nb_variant(1.0, beta=0.25), NB_GRID),
    "nbw": (_nb_variant(1.0, words_only=True), NB_GRID),
    # nb1 beyond the grid's top, for tasks whose dev F1 still rose at its edge
    "nb1hi": (_nb_variant(1.0), (4.0, 8.0)),
    # class weights for the rare classes (plain SVMs otherwise)
    "bal": (_balanced(1.0), BASE_GRID),
    "bal05": (_balanced(0.5), BASE_GRID),
}


def _matrix(fs: FeatureSpace, texts: list[str]) -> sp.csr_matrix:
    key = hashlib.blake2b("\x00".join(texts).encode("utf-8"), digest_size=10).hexdigest()
    path = CACHE / f"{key}.npz"
    if path.exists():
        return sp.load_npz(path).tocsr()
    x = fs.transform(texts)
    CACHE.mkdir(parents=True, exist_ok=True)
    sp.save_npz(path, x)
    return x


def _two_stage_fitter(fitter: Fitter | None) -> Any:
    """``_fit_two_stage`` with each stage fitted by ``fitter`` (None: plain SVMs)."""
    import tinhieu.nlp.train as train_mod

    if fitter is None:
        return lambda *a: _fit_two_stage(*a)

    def run(*a: Any) -> LinearHead | None:
        saved = train_mod._fit
        train_mod._fit = lambda x, y, c, seed, nb_alpha: fitter(x, y, c, seed)  # type: ignore[assignment]
        try:
            return _fit_two_stage(*a, 1.0)
        finally:
            train_mod._fit = saved

    return run


def run_task(
    task: str, fs: FeatureSpace, data: Path, variants: Sequence[str], seed: int
) -> dict[str, Any]:
    cfg = TrainConfig(seed=seed)
    corpora = [c for c in CORPORA if c.task == task]
    classes = list(TASK_CLASSES[task])
    splits = {
        c.folder: {s: load_split(data, c, s) for s in ("train", "dev", "test")} for c in corpora
    }
    train_rows: list[Example] = [e for c in corpora for e in splits[c.folder]["train"]]
    dev_rows: list[Example] = [e for c in corpora for e in splits[c.folder]["dev"]]
    t0 = time.perf_counter()
    x_train = _matrix(fs, with_folded([e.text for e in train_rows]))
    y_train = [e.label for e in train_rows] * 2
    x_dev = _matrix(fs, with_folded([e.text for e in dev_rows]))
    y_dev = [e.label for e in dev_rows] * 2
    tests = {
        c.folder: (
            _matrix(fs, [e.text for e in splits[c.folder]["test"]]),
            splits[c.folder]["test"],
        )
        for c in corpora
    }
    print(f"{task}: features {time.perf_counter() - t0:.0f}s, train {x_train.shape[0]:,} rows")
    groups = [
        _dev_group(np.nonzero(np.array([e.source == c for e in dev_rows] * 2))[0], y_dev)
        for c in sorted({e.source for e in dev_rows})
    ]
    out: dict[str, Any] = {}
    for name in variants:
        fitter, grid = VARIANTS[name]
        per_c: dict[str, float] = {}
        fit_s: list[float] = []
        best: tuple[float, float, LinearHead] | None = None
        for c in grid:
            t = time.perf_counter()
            head: LinearHead | None = None
            if task in cfg.two_stage:
                head = _two_stage_fitter(fitter)(task, x_train, train_rows, c, seed, fs.size)
            if head is None:
                model = (fitter or fit_svm)(x_train, y_train, c, seed)
                head = _head_from_svm(task, model, classes, fs.size)
            fit_s.append(time.perf_counter() - t)
            f1 = _dev_score(head.scores(x_dev), classes, groups)
            per_c[f"{c:g}"] = round(100 * f1, 2)
            print(f"  {task} {name} C={c:g}: dev {100 * f1:.2f} ({fit_s[-1]:.0f}s)", flush=True)
            if best is None or f1 > best[0] + 1e-9:
                best = (f1, c, head)
        assert best is not None
        dev_raw, c_best, head = best
        head.offset = _fit_offsets(head.scores(x_dev), classes, groups)
        dev_tuned = _dev_score(head.scores(x_dev), classes, groups)
        test: dict[str, float] = {}
        for folder, (xt, rows) in tests.items():
            gold = [e.label for e in rows]
            allowed = sorted(set(gold))
            pred = restricted_argmax(head.scores(xt), classes, allowed)
            test[folder] = round(100 * macro_f1(gold, pred, allowed), 2)
        nnz = int((head.weights != 0).sum())
        out[name] = {
            "C": c_best,
            "dev_by_C": per_c,
            "dev_raw": round(100 * dev_raw, 2),
            "dev": round(100 * dev_tuned, 2),
            "test": test,
            "offset": [round(float(v), 3) for v in head.offset],
            "seconds_per_fit": round(float(np.mean(fit_s)), 1),
            "weights_nnz": nnz,
        }
        print(f"  {task} {name}: C={c_best:g} dev {out[name]['dev']} test {test}", flush=True)
    return out


NOTE = (
    "dev = mean over dev corpora of macro-F1 after per-class offsets (chosen on dev); "
    "dev_raw = the same before offsets; test = accented test macro-F1 per corpus, "
    "reported only (never used to choose). seconds_per_fit: one C, all classes."
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--tasks", nargs="+", default=list(TASKS), choices=TASKS)
    ap.add_argument("--variants", nargs="+", default=["base", "nb1"], choices=list(VARIANTS))
    ap.add_argument("--seed", type=int, default=TrainConfig().seed)
    args = ap.parse_args()
    data = find_data_dir(args.data)
    fs = FeatureSpace.load(shipped_model_dir() / "features.npz")
    WORD_COLUMNS[0] = len(fs.words)
    results: dict[str, Any] = {}
    for task in args.tasks:
        res = run_task(task, fs, data, args.variants, args.seed)
        # Re-read just before writing: several runs may add to the file.
        results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        results.setdefault("tasks", {})
        results["note"] = NOTE
        results["tasks"].setdefault(task, {}).update(res)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print()
    print(f"{'task':<10} {'variant':<8} {'C':>5} {'dev':>6}  test (per corpus)  s/fit")
    for task, by in results.get("tasks", {}).items():
        for name, r in by.items():
            tests = " ".join(f"{k}={v}" for k, v in r["test"].items())
            print(
                f"{task:<10} {name:<8} {r['C']:>5g} {r['dev']:>6.2f}  {tests}  "
                f"{r['seconds_per_fit']}"
            )


if __name__ == "__main__":
    main()
