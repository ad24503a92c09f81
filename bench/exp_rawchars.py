"""Experiment: do hashed character n-grams of the *raw* text lift a head?

    .venv/bin/python bench/exp_rawchars.py TASK [BITS] [C,C,...] [base,plus_raw,plus_raw_shape]

The shipped feature space reads normalised words (teencode expanded, repeated letters
squeezed) and character n-grams inside words. Spam, junk and keyboard mash live partly in
what normalisation removes (letter runs, punctuation, casing-free raw strings, cross-word
character sequences). This adds the block of :mod:`tinhieu.nlp.rawchars` (character
2–5-grams of the lowercased raw text, hashed to 2^BITS columns, default 20; IDF from the
task's train texts; each row divided by the root of its occurrences' summed IDF²) beside
the shipped features; the head is trained as ``tinhieu.nlp.train`` trains plain heads
(each text and its folded copy; C chosen on dev, offsets on dev); test is printed, never
chosen by. Updates ``bench/results/exp_rawchars.json`` (earlier entries without
"occurrence-norm" used sublinear TF-IDF with an exact L2 norm).
"""

import json
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from exp_nbsvm import _matrix
from tinhieu.nlp.aspect_shape import AspectShape
from tinhieu.nlp.bundle import shipped_model_dir
from tinhieu.nlp.corpora import CORPORA, find_data_dir, load_split
from tinhieu.nlp.features import FeatureSpace
from tinhieu.nlp.labels import TASK_CLASSES
from tinhieu.nlp.rawchars import RawChars
from tinhieu.nlp.scoring import macro_f1
from tinhieu.nlp.train import (
    _dev_group,
    _dev_score,
    _fit_offsets,
    _head_from_svm,
    fit_svm,
    restricted_argmax,
    with_folded,
)

BITS = int(sys.argv[2]) if len(sys.argv) > 2 else 20
C_GRID = (
    tuple(float(c) for c in sys.argv[3].split(",")) if len(sys.argv) > 3 else (0.5, 1.0, 2.0, 4.0)
)
VARIANTS = sys.argv[4].split(",") if len(sys.argv) > 4 else ["base", "plus_raw"]


task = sys.argv[1]
data = find_data_dir(None)
fs = FeatureSpace.load(shipped_model_dir() / "features.npz")
corpora = [c for c in CORPORA if c.task == task]
classes = list(TASK_CLASSES[task])
sp_ = {c.folder: {s: load_split(data, c, s) for s in ("train", "dev", "test")} for c in corpora}
tr = [e for c in corpora for e in sp_[c.folder]["train"]]
dv = [e for c in corpora for e in sp_[c.folder]["dev"]]
te = [e for c in corpora for e in sp_[c.folder]["test"]]
t0 = time.perf_counter()
xtr = _matrix(fs, with_folded([e.text for e in tr]))
xdv = _matrix(fs, with_folded([e.text for e in dv]))
xte = _matrix(fs, [e.text for e in te])
t1 = time.perf_counter()
raw = RawChars.fit(with_folded([e.text for e in tr]), bits=BITS)
rtr = raw.matrix(with_folded([e.text for e in tr]))
print("hash secs per 1k texts", 1000 * (time.perf_counter() - t1) / (2 * len(tr)))
rdv = raw.matrix(with_folded([e.text for e in dv]))
rte = raw.matrix([e.text for e in te])
ytr = [e.label for e in tr] * 2
ydv = [e.label for e in dv] * 2
groups = [_dev_group(np.arange(len(ydv)), ydv)]
gold = [e.label for e in te]
results = {}
variants = {
    "base": (xtr, xdv, xte),
    "plus_raw": (
        sp.hstack([xtr, rtr]).tocsr(),
        sp.hstack([xdv, rdv]).tocsr(),
        sp.hstack([xte, rte]).tocsr(),
    ),
}
if "plus_raw_shape" in VARIANTS:  # and which commerce aspects the text names
    shape = AspectShape.fit(with_folded([e.text for e in tr]))
    variants["plus_raw_shape"] = (
        sp.hstack([xtr, rtr, shape.matrix(with_folded([e.text for e in tr]))]).tocsr(),
        sp.hstack([xdv, rdv, shape.matrix(with_folded([e.text for e in dv]))]).tocsr(),
        sp.hstack([xte, rte, shape.matrix([e.text for e in te])]).tocsr(),
    )
for name, (A, B, Cm) in ((k, v) for k, v in variants.items() if k in VARIANTS):
    best = None
    for c in C_GRID:
        t = time.perf_counter()
        model = fit_svm(A, ytr, c, 13)
        head = _head_from_svm(task, model, classes, A.shape[1])
        f = _dev_score(head.scores(B), classes, groups)
        print(f"  {name} C={c}: dev {100 * f:.2f} ({time.perf_counter() - t:.0f}s)", flush=True)
        if best is None or f > best[0]:
            best = (f, c, head)
    f, c, head = best
    head.offset = _fit_offsets(head.scores(B), classes, groups)
    ft = _dev_score(head.scores(B), classes, groups)
    pred = restricted_argmax(head.scores(Cm), classes, sorted(set(gold)))
    test = 100 * macro_f1(gold, pred, sorted(set(gold)))
    print(
        f"{task} {name}: C={c} dev {100 * f:.2f} dev+off {100 * ft:.2f} TEST {test:.2f}", flush=True
    )
    results[name] = {
        "C": c,
        "dev": round(100 * f, 2),
        "dev_with_offsets": round(100 * ft, 2),
        "test": round(test, 2),
    }
out = Path(__file__).resolve().parent / "results" / "exp_rawchars.json"
allres = json.loads(out.read_text()) if out.exists() else {}
allres.setdefault(f"{task} bits={BITS} occurrence-norm", {}).update(results)
out.write_text(json.dumps(allres, indent=2, sort_keys=True) + "\n", encoding="utf-8")
