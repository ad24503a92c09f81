"""The NLP stage's speed-ups compute exactly what the plain versions they replaced did.

Each test compares a rewritten function with a straightforward reference (the code it
replaced, kept here) on varied inputs drawn with a fixed seed: exact equality, no
timing.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

from tinhieu.nlp.analyse import DEFAULT_TASKS, Analyzer, _cue_kind, _display, clean_text
from tinhieu.nlp.bundle import Bundle, load_bundle
from tinhieu.nlp.features import (
    _CONTRAST_PAIRS,
    CONTRAST_MARK,
    CONTRASTS,
    NEG_MARK,
    NEGATORS,
    QUESTION_MARK,
    SCOPE,
    FeatureSpace,
    _is_syllable,
    mark_questions,
    shape_features,
    word_features,
)
from tinhieu.nlp.lexicon import lexicon_features
from tinhieu.nlp.normalise import normalise_words
from tinhieu.nlp.toxic_spans import toxic_spans

_VOCAB_TEXT = (
    "không ko k chưa chẳng nhưng song tuy nhiên mỗi tội có điều ngon dở đắt rẻ quá lắm "
    "rất hơi sản phẩm sp giao hàng nhanh chậm shop ạ nhé ơi nha à nhỉ bạn mọi người "
    "đẹp xấu tốt tệ thất vọng hài lòng pin trâu màn hình camera điện thoại máy ok "
    "good bad the phone is great lol vl vcl đm dm đ.m ngu vãi 😍 😡 :) :( ! ? . , ... "
    "50k 2tr 1.000.000đ 10:30 0912345678 http://x.vn #sale @shop ngonnnn đẹppp "
    "tra sua ngon lam nhan vien nhiet tinh se quay lai Mèo Mập"
)
_VOCAB = _VOCAB_TEXT.split()
_EXTRA = [
    "",
    " ",
    "😀",
    "\ud800abc",
    "có ngon không ạ?",
    "ngon nhưng đắt",
    "tuy nhiên hơi mặn",
    "không ngon không đẹp không rẻ",
    "sp ok, giao hàng nhanh, đóng gói cẩn thận",
    "đt pin trâu, màn đẹp nhưng camera hơi mờ",
    "ib mình nhé 0912345678 giá 150k",
    "đ.m thằng này ngu vãi, v.c.l",
    "<script>alert(1)</script> ngon quá",
]


def _texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    out = list(_EXTRA)
    while len(out) < n:
        k = rng.choice((1, 2, 3, 5, 8, 13, 30, 80))
        out.append(" ".join(rng.choice(_VOCAB) for _ in range(k)))
    return out


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return load_bundle()


# -- references: the code the speed-ups replaced ----------------------------------------


def _ref_mark_questions(words: Sequence[str]) -> list[str]:
    tail = {"ạ", "à", "nhỉ", "nhé", "nha", "vậy", "thế", "hả", "hở", "ta", "trời", "bạn"}
    tail |= {"ơi", "shop", "ad", "mọi", "người", "các", "chị", "anh", "em"}
    ends = {"?", ".", ",", "!", "...", ";", ":"}
    out = list(words)
    n = len(out)
    for i, w in enumerate(out):
        if w not in ("không", "chưa") or i == 0:
            continue
        j = i + 1
        while j < n and out[j] in tail:
            j += 1
        if j == n or out[j] in ends:
            out[i] = QUESTION_MARK + w
    return out


def _ref_shape_odd(words: Sequence[str]) -> float | None:
    letters = [w for w in words if w[:1].isalpha()]
    if not letters:
        return None
    return sum(1 for w in letters if not _is_syllable(w)) / len(letters)


def _ref_word_features(words: Sequence[str]) -> list[str]:
    scope_end = {".", ",", "!", "?", ";", ":", "...", "nhưng", "mà", "và", "còn", "tuy"}
    scope_end.add("song")
    words = _ref_mark_questions(words)
    out = shape_features(words)
    out.extend(words)
    n = len(words)
    out.extend(f"{words[i]} {words[i + 1]}" for i in range(n - 1))
    out.extend(f"{words[i]} {words[i + 1]} {words[i + 2]}" for i in range(n - 2))
    scope = 0
    after_contrast = False
    for i, w in enumerate(words):
        if after_contrast:
            out.append(CONTRAST_MARK + w)
        elif w in CONTRASTS or (i + 1 < n and (w, words[i + 1]) in _CONTRAST_PAIRS):
            after_contrast = True
        if w in NEGATORS:
            scope = SCOPE
            continue
        if scope:
            if w in scope_end:
                scope = 0
                continue
            out.append(NEG_MARK + w)
            scope -= 1
    out.extend(lexicon_features(words))
    return out


def _ref_transform_words(fs: FeatureSpace, docs: Sequence[Sequence[str]]) -> sp.csr_matrix:
    get = fs.words.get
    n = len(docs)
    wcols: list[int] = []
    wptr = [0]
    cparts: list[Any] = []
    vparts: list[Any] = []
    clen: list[int] = []
    scale: list[float] = []
    for ws in docs:
        wcols.extend([i for i in map(get, _ref_word_features(ws)) if i is not None])
        wptr.append(len(wcols))
        total = 0
        for w in ws:
            ids, vals = fs._char_vec(w)
            cparts.append(ids)
            vparts.append(vals)
            total += len(ids)
        clen.append(total)
        scale.append(1.0 / math.sqrt(len(ws)) if ws else 0.0)
    words = sp.csr_matrix(
        (
            np.ones(len(wcols), dtype=np.float32),
            np.asarray(wcols, dtype=np.int32),
            np.asarray(wptr, dtype=np.int64),
        ),
        shape=(n, fs.size),
    )
    words.sum_duplicates()
    words.data = (1.0 + np.log(words.data)) * fs.idf[words.indices]
    rows = np.repeat(np.arange(n), np.diff(words.indptr))
    norm = np.sqrt(np.bincount(rows, weights=words.data.astype(np.float64) ** 2, minlength=n))
    norm[norm == 0] = 1.0
    words.data = (words.data / norm[rows]).astype(np.float32)
    counts = np.asarray(clen, dtype=np.int64)
    cptr = np.concatenate([[0], np.cumsum(counts)])
    if cparts:
        cidx = np.concatenate(cparts)
        cval = np.concatenate(vparts) * np.repeat(np.asarray(scale, np.float32), counts)
    else:
        cidx = np.zeros(0, dtype=np.int32)
        cval = np.zeros(0, dtype=np.float32)
    nnz_w = np.diff(words.indptr)
    ptr = np.concatenate([[0], np.cumsum(nnz_w + counts)])
    dest_w = np.arange(words.nnz) - np.repeat(words.indptr[:-1], nnz_w) + np.repeat(ptr[:-1], nnz_w)
    dest_c = (
        np.arange(len(cidx)) - np.repeat(cptr[:-1], counts) + np.repeat(ptr[:-1] + nnz_w, counts)
    )
    indices = np.empty(int(ptr[-1]), dtype=np.int32)
    data = np.empty(int(ptr[-1]), dtype=np.float32)
    indices[dest_w] = words.indices
    data[dest_w] = words.data
    indices[dest_c] = cidx
    data[dest_c] = cval
    return sp.csr_matrix((data, indices, ptr), shape=(n, fs.size))


def _ref_cues(
    bundle: Bundle,
    dense: Any,
    x: sp.csr_matrix,
    i: int,
    k: int,
    runner: int,
    top: int = 5,
) -> list[dict[str, Any]]:
    lo, hi = x.indptr[i], x.indptr[i + 1]
    idx = x.indices[lo:hi]
    cut = int(np.searchsorted(idx, len(bundle.features.words)))
    idx = idx[:cut]
    if not cut:
        return []
    push = x.data[lo : lo + cut] * (dense[idx, k] - dense[idx, runner])
    order = np.argsort(-push)[:top].tolist()
    names = bundle.features.feature_names()
    pushes, ids = push.tolist(), idx.tolist()
    cues = []
    for j in order:
        if pushes[j] <= 0:
            break
        name = names[ids[j]]
        cues.append({"cue": _display(name), "weight": round(pushes[j], 4), "kind": _cue_kind(name)})
    return cues


# -- the tests ---------------------------------------------------------------------------


def test_word_features_and_questions_equal_the_plain_loops() -> None:
    for text in _texts(1, 400):
        words = normalise_words(text)
        assert mark_questions(words) == _ref_mark_questions(words)
        assert word_features(words) == _ref_word_features(words)
        odd = _ref_shape_odd(words)
        shape = shape_features(words)
        if odd is None:
            assert shape[1] == "#noletters"
        else:
            expected = (
                "#odd0"
                if odd == 0
                else "#odd<20"
                if odd < 0.2
                else "#odd<50"
                if odd < 0.5
                else "#odd50+"
            )
            assert shape[1] == expected


def test_transform_words_equals_the_plain_loop(bundle: Bundle) -> None:
    fs = bundle.features
    docs = [normalise_words(t) for t in _texts(2, 300)]
    docs += [[], ["không"], ["x y"], ["ngon", "ngon", "ngon"]]  # edge rows, a spaced word
    for batch in (docs, docs[:1], [[]], []):
        got = fs.transform_words(batch)
        want = _ref_transform_words(fs, batch)
        assert got.shape == want.shape
        assert np.array_equal(got.indptr, want.indptr)
        assert np.array_equal(got.indices, want.indices)
        assert np.array_equal(got.data.view(np.uint32), want.data.view(np.uint32))


def test_scores_equal_the_sparse_product(bundle: Bundle) -> None:
    texts = _texts(3, 300)
    x = bundle.features.transform_words([normalise_words(t) for t in texts])
    raw = np.asarray((x @ bundle._stack()).toarray(), dtype=np.float32)
    got = bundle.scores(x, texts)
    n = bundle.features.size
    assert bundle.raw is not None and any(bundle.uses_raw(h) for h in bundle.heads)
    for name, head in bundle.heads.items():
        want = raw[:, bundle._slices[name]] + head.bias + head.offset
        if not bundle.uses_raw(name):
            assert np.array_equal(got[name], want)
            continue
        # the raw-character block's fast path sums in another order: equal to rounding
        blocks = [bundle.raw.matrix(texts)]
        if bundle.uses_shape(name):
            assert bundle.shape is not None
            blocks.append(bundle.shape.matrix(texts))
        want += np.asarray((sp.hstack(blocks, format="csr") @ head.weights[n:]).toarray())
        np.testing.assert_allclose(got[name], want, rtol=1e-4, atol=1e-4)


def test_batched_cues_equal_the_per_text_cues(bundle: Bundle) -> None:
    analyzer = Analyzer(bundle)
    texts = [clean_text(t)[0] for t in _texts(4, 300)]
    out = analyzer.analyse(texts, ["sentiment"], explain=True)
    x = bundle.features.transform_words([normalise_words(t) for t in texts])
    from tinhieu.nlp.opinion import gate_scores

    head = bundle.heads["sentiment"]
    scores, gates = gate_scores(
        bundle.scores(x)["sentiment"], head.classes, [normalise_words(t) for t in texts]
    )
    top2 = np.argsort(-scores, axis=1)[:, :2].tolist()
    dense = head.weights.toarray()
    checked = 0
    for i, res in enumerate(out):
        sent = res["sentiment"]
        if sent["prob"] is None or (gates[i].shift and sent["label"] == "neutral"):
            continue
        want = _ref_cues(bundle, dense, x, i, *top2[i])
        assert [c for c in sent["cues"] if c["kind"] != "gate"] == want
        checked += 1
    assert checked > 200


def test_toxic_spans_with_given_words_equal_spans_without(bundle: Bundle) -> None:
    for text in _texts(5, 400):
        assert toxic_spans(text, normalise_words(text)) == toxic_spans(text)


def test_analyse_is_the_same_cold_and_warm(bundle: Bundle) -> None:
    texts = _texts(6, 200)
    first = Analyzer(bundle).analyse(texts, DEFAULT_TASKS, explain=True)
    again = Analyzer(bundle).analyse(texts, DEFAULT_TASKS, explain=True)
    assert first == again


def test_analyse_leaves_the_garbage_collector_as_it_found_it(bundle: Bundle) -> None:
    import gc

    analyzer = Analyzer(bundle)
    assert gc.isenabled()
    analyzer.analyse(["ngon quá"], DEFAULT_TASKS)
    assert gc.isenabled()
    gc.disable()
    try:
        analyzer.analyse(["ngon quá"], DEFAULT_TASKS)
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(TypeError):
        analyzer.analyse(["x"], DEFAULT_TASKS, authors=5)  # type: ignore[arg-type]
    assert gc.isenabled()


def test_overlapping_batches_in_threads_leave_the_collector_enabled() -> None:
    import gc
    import threading

    from tinhieu.gc_pause import gc_paused

    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with gc_paused():
            a_in.set()
            b_in.wait(5)
        a_out.set()  # leaves while the second batch still runs

    def second() -> None:
        a_in.wait(5)
        with gc_paused():
            b_in.set()
            a_out.wait(5)
            seen.append(gc.isenabled())  # still paused for the running batch

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(10)
    assert seen == [False]
    assert gc.isenabled()  # the last batch to finish restored it
