"""The shared feature space, linear heads and scores."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from tinhieu.nlp.features import (
    FeatureSpace,
    char_grams,
    mark_questions,
    shape_features,
    softmax,
    word_features,
)
from tinhieu.nlp.linear import LinearHead
from tinhieu.nlp.scoring import classification_report


def _split(text: str) -> list[str]:
    return text.lower().split()


def test_word_features_mark_negation_scope_and_contrast() -> None:
    feats = word_features(["không", "ngon", "như", "quảng", "cáo"])
    assert "không ngon" in feats
    assert "¬ngon" in feats and "¬như" in feats and "¬quảng" in feats
    assert "¬cáo" not in feats  # the scope is three words
    feats = word_features(["ngon", "nhưng", "đắt", "quá"])
    assert "»đắt" in feats and "»quá" in feats and "»ngon" not in feats
    # punctuation closes a negation scope
    assert "¬ngon" not in word_features(["không", ",", "ngon"])


def test_question_particles_are_not_negations() -> None:
    assert mark_questions(["có", "ngon", "không", "?"]) == ["có", "ngon", "?không", "?"]
    assert mark_questions(["còn", "size", "m", "không", "ạ"])[3] == "?không"
    assert mark_questions(["không", "ngon"]) == ["không", "ngon"]
    assert "¬ạ" not in word_features(["uống", "chưa", "ạ"])


def test_shape_features() -> None:
    assert shape_features([]) == ["#len0", "#noletters"]
    assert shape_features(["giao", "hàng", "nhanh"]) == ["#len3-5", "#odd0"]
    assert shape_features(["dhnxncbcnc"]) == ["#len1-2", "#odd50+"]
    assert shape_features(["😍"] * 50)[0] == "#len41+"


def test_lexicon_features_flip_in_negation_scope() -> None:
    from tinhieu.nlp.lexicon import lexicon_features

    assert lexicon_features(["ngon", "lắm"]) == ["LEX+!"]
    assert lexicon_features(["không", "ngon"]) == ["LEX-"]
    assert lexicon_features(["không", ",", "ngon"]) == ["LEX+"]
    assert lexicon_features(["ngon", "nhưng", "đắt", "quá"]) == ["LEX+", "LEX-!", "»LEX-!"]
    assert lexicon_features(["do", "te"]) == ["LEX-"]  # "dở tệ" typed without accents
    assert lexicon_features(["te"]) == []  # one syllable is ambiguous without accents
    assert lexicon_features(["thất", "vọng"]) == ["LEX-"]
    assert lexicon_features(["that", "vong"]) == ["LEX-"]  # phrases match unaccented


def test_char_grams_are_sklearn_char_wb() -> None:
    assert char_grams("ab", 1, 3) == [" ", "a", "b", " ", " a", "ab", "b ", " ab", "ab "]


def test_transform_blocks(tmp_path: Path) -> None:
    """Word block: sublinear TF-IDF, L2-normalised. Char block: the sum of each word's
    normalised char vector over sqrt(number of words)."""
    texts = ["giao hàng nhanh", "giao hàng chậm", "hàng đẹp", "giao nhanh"]
    fs = FeatureSpace.fit(texts, min_df=1, tokenizer=_split)
    x = fs.transform(["giao hàng nhanh nhanh", "", "zzz"])
    assert x.shape == (3, fs.size)
    row = x[0].toarray().ravel()
    words, chars = row[: len(fs.words)], row[len(fs.words) :]
    assert math.isclose(float(np.linalg.norm(words)), 1.0, rel_tol=1e-5)
    expect = np.zeros(fs.size, dtype=np.float64)
    for w in ["giao", "hàng", "nhanh", "nhanh"]:
        ids, vals = fs._char_vec(w)
        assert math.isclose(float(np.linalg.norm(vals)), 1.0, rel_tol=1e-5)
        expect[ids] += vals / 2.0  # sqrt(4 words)
    assert np.allclose(chars, expect[len(fs.words) :], atol=1e-6)
    # sublinear tf: "nhanh" twice weighs (1 + ln 2) x idf before normalising
    i_n, i_g = fs.words["nhanh"], fs.words["giao"]
    ratio = row[i_n] / row[i_g]
    expect = (1 + math.log(2)) * fs.idf[i_n] / fs.idf[i_g]
    assert math.isclose(float(ratio), float(expect), rel_tol=1e-4)
    assert x[1].nnz == 0  # empty text: no features, no error
    # round trip through the file keeps every column
    fs.save(tmp_path / "f.npz")
    back = FeatureSpace.load(tmp_path / "f.npz", tokenizer=_split)
    assert back.words == fs.words and back.chars == fs.chars
    assert (back.transform(["giao hàng nhanh"]) != fs.transform(["giao hàng nhanh"])).nnz == 0


def test_linear_head_round_trip_and_probabilities(tmp_path: Path) -> None:
    w = sp.csr_matrix(np.array([[1.0, -1.0], [0.0, 2.0], [0.5, 0.0]], dtype=np.float32))
    head = LinearHead(
        name="t",
        classes=("a", "b"),
        weights=w,
        bias=np.array([0.1, -0.1], dtype=np.float32),
        offset=np.array([0.0, 0.2], dtype=np.float32),
        temperature=0.5,
    )
    x = sp.csr_matrix(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype=np.float32))
    assert head.predict(x) == ["a", "b"]
    p = head.proba(x)
    assert np.allclose(p.sum(axis=1), 1.0)
    head.save(tmp_path / "h.npz")
    back = LinearHead.load(tmp_path / "h.npz")
    assert back.classes == ("a", "b") and back.temperature == pytest.approx(0.5)
    assert np.allclose(back.scores(x), head.scores(x), atol=1e-3)  # weights stored as fp16


@settings(max_examples=50)
@given(st.lists(st.floats(-50, 50), min_size=2, max_size=6), st.floats(0.05, 5))
def test_softmax_is_a_distribution(values: list[float], temperature: float) -> None:
    p = softmax(np.array([values], dtype=np.float32), temperature)
    assert np.all(p >= 0) and math.isclose(float(p.sum()), 1.0, rel_tol=1e-4)


def test_classification_report() -> None:
    gold = ["pos", "pos", "neg", "neu", "neg"]
    pred = ["pos", "neg", "neg", "pos", "neg"]
    rep = classification_report(gold, pred, ["neg", "neu", "pos"])
    assert rep["accuracy"] == pytest.approx(3 / 5)
    f1_neg = 2 * (2 / 3) * 1 / (2 / 3 + 1)
    f1_pos = 2 * 0.5 * 0.5 / 1.0
    assert rep["per_class"]["neg"]["f1"] == pytest.approx(f1_neg)
    assert rep["macro_f1"] == pytest.approx((f1_neg + 0 + f1_pos) / 3)
    assert rep["confusion"] == [[2, 0, 0], [0, 0, 1], [1, 0, 1]]
    with pytest.raises(ValueError):
        classification_report(["a"], [])
