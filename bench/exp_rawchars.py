"""Experiment: do hashed character n-grams of the *raw* text lift a head?

    .venv/bin/python bench/exp_rawchars.py TASK [BITS]

The shipped feature space reads normalised words (teencode expanded, repeated letters
squeezed) and character n-grams inside words. Spam, junk and keyboard mash live partly in
what normalisation removes (letter runs, punctuation, casing-free raw strings, cross-word
character sequences). This adds character 2–5-grams of the lowercased raw text (spaces
and punctuation included), hashed to 2^BITS columns (default 20), sublinear TF-IDF with
the IDF from train, L2-normalised, beside the shipped features; the head is trained as
``tinhieu.nlp.train`` trains plain heads (each text and its folded copy; C chosen on dev,
offsets on dev); test is printed, never chosen by. Appends to
``bench/results/exp_rawchars.json``.
"""

import json
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from exp_nbsvm import _matrix
from tinhieu.nlp.bundle import shipped_model_dir
from tinhieu.nlp.corpora import CORPORA, find_data_dir, load_split
from tinhieu.nlp.features import FeatureSpace
from tinhieu.nlp.labels import TASK_CLASSES
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


def raw_hash(texts, nmin=2, nmax=5, bits=BITS):
    n = len(texts)
    joined = "\x00".join(t.lower() for t in texts)
    a = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    sep = a == 0
    row_of = np.cumsum(sep)  # row index at each position (separator belongs to next row)
    csep = np.concatenate([[0], np.cumsum(sep)])
    rows_l, cols_l = [], []
    for k in range(nmin, nmax + 1):
        L = a.size - k + 1
        if L <= 0:
            continue
        h = np.zeros(L, dtype=np.uint64)
        for j in range(k):
            h = h * np.uint64(1000003) + a[j : j + L]
        h ^= np.uint64(k * 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFFFFFF)
        h = (h * np.uint64(0xD6E8FEB86659FD93)) >> np.uint64(64 - bits)
        ok = (csep[k : k + L] - csep[:L]) == 0  # no separator inside
        rows_l.append(row_of[:L][ok])
        cols_l.append(h[ok])
    rows = np.concatenate(rows_l).astype(np.int64)
    cols = np.concatenate(cols_l).astype(np.int64)
    m = sp.csr_matrix((np.ones(rows.size, np.float32), (rows, cols)), shape=(n, 1 << bits))
    m.sum_duplicates()
    return m


def tfidf(m, idf=None):
    m = m.copy()
    m.data = 1 + np.log(m.data)
    if idf is None:
        df = np.bincount(m.indices, minlength=m.shape[1])
        idf = (np.log((1 + m.shape[0]) / (1 + df)) + 1).astype(np.float32)
    m.data *= idf[m.indices]
    norm = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norm[norm == 0] = 1
    m = sp.diags(1 / norm).astype(np.float32) @ m
    return m.tocsr(), idf


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
rtr_raw = raw_hash(with_folded([e.text for e in tr]))
print("hash secs per 1k texts", 1000 * (time.perf_counter() - t1) / (2 * len(tr)))
rtr, idf = tfidf(rtr_raw)
rdv, _ = tfidf(raw_hash(with_folded([e.text for e in dv])), idf)
rte, _ = tfidf(raw_hash([e.text for e in te]), idf)
ytr = [e.label for e in tr] * 2
ydv = [e.label for e in dv] * 2
groups = [_dev_group(np.arange(len(ydv)), ydv)]
gold = [e.label for e in te]
results = {}
for name, (A, B, Cm) in {
    "base": (xtr, xdv, xte),
    "plus_raw": (
        sp.hstack([xtr, rtr]).tocsr(),
        sp.hstack([xdv, rdv]).tocsr(),
        sp.hstack([xte, rte]).tocsr(),
    ),
}.items():
    best = None
    for c in (0.5, 1.0, 2.0, 4.0):
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
allres[f"{task} bits={BITS}"] = results
out.write_text(json.dumps(allres, indent=2, sort_keys=True) + "\n", encoding="utf-8")
