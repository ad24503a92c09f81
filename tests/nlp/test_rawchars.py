"""The raw-text character block: hashing, the fast scoring path, and heads that use it."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from tinhieu.nlp.bundle import Bundle, ModelMissingError
from tinhieu.nlp.corpora import Example
from tinhieu.nlp.features import FeatureSpace
from tinhieu.nlp.linear import LinearHead
from tinhieu.nlp.rawchars import MAX_CHARS, RawChars
from tinhieu.nlp.train import TrainConfig, train

HOSTILE = [
    "",
    "a",
    "ab",
    "😀",
    "Hàng ĐẸPPPPP quá!!!!!! ib shop nhé 0912345678",
    "\x00x\x00y",
    "lone \ud800 surrogate",
    "<b>html</b> &amp; ‮ rtl",
    "x" * (3 * MAX_CHARS),
]


def _block(bits: int = 12) -> RawChars:
    return RawChars.fit([*HOSTILE, "shop ib giá rẻ", "hàng đẹp lắm"], bits=bits)


def _reference_columns(text: str, block: RawChars) -> list[int]:
    """The documented hash, one n-gram at a time in plain Python."""
    mask = (1 << 64) - 1
    t = text[:MAX_CHARS].replace("\x00", " ").lower()
    t = unicodedata.normalize("NFC", t)
    cols = []
    for start in range(len(t)):
        for k in range(block.lo, block.hi + 1):
            gram = t[start : start + k]
            if len(gram) < k:
                continue
            h = 0
            for ch in gram:
                h = (h * 1000003 + ord(ch)) & mask
            h ^= (k * 0x9E3779B97F4A7C15) & mask
            h = (h * 0xD6E8FEB86659FD93) & mask
            cols.append(h >> (64 - block.bits))
    return cols


def test_hash_is_the_documented_one_and_stays_inside_each_text() -> None:
    block = _block()
    texts = ["Ship nhanh!!", "", "ok", "Đẹp"]
    for rows_k, _ in block.blocks(texts):
        assert np.all(np.diff(rows_k) >= 0)  # each length's occurrences in text order
    rows, cols = block.occurrences(texts)
    for i, text in enumerate(texts):
        got = sorted(cols[rows == i].tolist())
        assert got == sorted(_reference_columns(text, block))
    # n-grams never span two texts: a batch is the concatenation of single texts
    one_by_one = np.vstack([block.matrix([t]).toarray() for t in texts])
    np.testing.assert_allclose(block.matrix(texts).toarray(), one_by_one, rtol=1e-6)


def test_fast_scores_equal_the_canonical_matrix_product() -> None:
    block = _block()
    rng = np.random.default_rng(3)
    w = sp.random(block.size, 4, density=0.3, random_state=rng, format="csr", dtype=np.float32)
    table = block.fold_idf(w)
    ref = np.asarray(block.matrix(HOSTILE) @ w.toarray())
    got = block.scores(HOSTILE, table)
    np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-5)
    m = block.matrix(HOSTILE)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    assert norms[0] == 0.0 and norms[3] == 0.0  # nothing to read: an empty row, not NaN
    assert np.all(norms[4:] > 0.5)
    assert np.isfinite(got).all()


def test_case_and_unicode_form_do_not_change_the_block() -> None:
    block = _block()
    nfd = unicodedata.normalize("NFD", "Hàng ĐẸP quá")
    a = block.matrix(["hàng đẹp quá"]).toarray()
    np.testing.assert_allclose(block.matrix([nfd]).toarray(), a, rtol=1e-6)
    np.testing.assert_allclose(block.matrix(["HÀNG ĐẸP QUÁ"]).toarray(), a, rtol=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=80), min_size=1, max_size=6))
def test_random_unicode_scores_match_and_never_raise(texts: list[str]) -> None:
    block = _block(bits=10)
    w = sp.random(block.size, 2, density=0.5, random_state=1, format="csr", dtype=np.float32)
    got = block.scores(texts, block.fold_idf(w))
    ref = np.asarray(block.matrix(texts) @ w.toarray())
    assert got.shape == (len(texts), 2)
    np.testing.assert_allclose(got, ref, rtol=1e-3, atol=1e-4)


def test_save_and_load_keep_the_idf_exactly(tmp_path: Path) -> None:
    block = _block()
    block.save(tmp_path / "raw.npz")
    back = RawChars.load(tmp_path / "raw.npz")
    assert (back.bits, back.lo, back.hi) == (block.bits, block.lo, block.hi)
    np.testing.assert_array_equal(back.idf, block.idf)
    rare = block.idf[block.occurrences(["ib shop"])[1]]
    common = block.idf[block.occurrences(["hàng"])[1]]
    assert rare.max() >= common.min()  # unseen or rare n-grams weigh at least as much


SPAM = ["IB SHOP NGAY!!!!!! giá rẻ vô địch", "inbox em nha!!!!! sale sốc", "ibbbb shop đi!!!"]
HAM = ["hàng giao nhanh, đóng gói cẩn thận", "áo mặc vừa, vải hơi mỏng", "shop tư vấn nhiệt tình"]


def _spam_model(tmp: Path) -> tuple[Bundle, FeatureSpace]:
    rows = [Example(f"{t} {i}", "spam", {}) for t in SPAM for i in range(8)]
    rows += [Example(f"{t} {i}", "no-spam", {}) for t in HAM for i in range(8)]
    fs = FeatureSpace.fit([e.text for e in rows], min_df=1)
    cfg = TrainConfig(tasks=("spam",), extra_train={"spam": rows}, c_grid=(1.0,), raw_bits=12)
    manifest = train(None, tmp, cfg, log=lambda _m: None, features=fs)
    assert manifest["features"]["raw_chars"] == {"bits": 12, "n": [2, 5]}
    assert manifest["heads"]["spam"]["raw_chars"] is True
    assert manifest["heads"]["spam"]["aspect_shape"] is True
    return Bundle.load(tmp), fs


def test_a_trained_head_reads_the_block_through_the_bundle(tmp_path: Path) -> None:
    bundle, fs = _spam_model(tmp_path / "m")
    assert (tmp_path / "m" / "rawchars.npz").is_file()
    assert bundle.uses_raw("spam")
    head = bundle.heads["spam"]
    assert bundle.shape is not None and bundle.uses_shape("spam")
    assert head.weights.shape[0] == fs.size + (1 << 12) + bundle.shape.size
    raw_part = head.weights[fs.size : fs.size + (1 << 12)]
    assert np.abs(raw_part.toarray()).sum() > 0  # the block learnt something
    texts = ["IB SHOP NGAY!!!!!! rẻ lắm", "vải hơi mỏng nhưng giao nhanh", "", "😀"]
    x = fs.transform(texts)
    fast = bundle.scores(x, texts)["spam"]
    canonical = bundle.head_scores("spam", x, texts)
    np.testing.assert_allclose(fast, canonical, rtol=1e-4, atol=1e-4)
    assert [head.classes[i] for i in fast[:2].argmax(axis=1)] == ["spam", "no-spam"]
    # without the raw texts a head that needs them is left out, not scored wrongly
    assert "spam" not in bundle.scores(x)
    with pytest.raises(ValueError, match="texts for"):
        bundle.scores(x, texts[:2])


def test_a_model_missing_its_block_is_a_clear_error(tmp_path: Path) -> None:
    _spam_model(tmp_path / "m")
    (tmp_path / "m" / "aspect_shape.json").unlink()
    with pytest.raises(ModelMissingError, match="aspect-shape block"):
        Bundle.load(tmp_path / "m")
    (tmp_path / "m" / "rawchars.npz").unlink()
    with pytest.raises(ModelMissingError, match="raw-character block"):
        Bundle.load(tmp_path / "m")


def test_training_with_the_block_is_deterministic(tmp_path: Path) -> None:
    _spam_model(tmp_path / "a")
    _spam_model(tmp_path / "b")
    for name in ("spam.npz", "rawchars.npz", "aspect_shape.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    plain = LinearHead.load(tmp_path / "a" / "spam.npz")
    assert plain.meta is not None and plain.meta["raw_chars"] is True


def test_analyser_spam_uses_the_complete_scores_only_where_the_model_runs() -> None:
    from tinhieu.nlp.analyse import Analyzer
    from tinhieu.nlp.bundle import load_bundle
    from tinhieu.nlp.features import softmax
    from tinhieu.nlp.normalise import normalise_words

    bundle = load_bundle()
    assert set(bundle.raw_heads()) == {"spam", "spam-type"}  # the shipped spam heads use it
    assert bundle.uses_shape("spam") and bundle.uses_shape("spam-type")
    texts = [
        "Jdjd is a waste of my time and place to ask questions about assignments",
        "giao hàng nhanh, đóng gói cẩn thận, sản phẩm ok",
        "Sản phẩm tốt!!!!!!!!! Shop uy tín lắm nha mọi người ơi",
        "áo đẹp, vải mát",
    ]
    kinds: list[str | None] = ["review", None, "review", "post"]
    out = Analyzer(bundle).analyse(texts, ["spam"], kinds=kinds)
    x = bundle.features.transform_words([normalise_words(t) for t in texts])
    full = bundle.scores(x, texts)
    head = bundle.heads["spam"]
    p_spam = softmax(full["spam"], head.temperature)[:, head.classes.index("spam")]
    for i, res in enumerate(out[:3]):
        spam = res["spam"]
        want = p_spam[i] if spam["label"] != "none" else 1 - p_spam[i]
        assert spam["prob"] == pytest.approx(want, abs=1e-3)
    assert out[0]["spam"]["label"] == "junk"  # off-topic: the model's spam-3
    assert out[0]["spam"]["reason"].startswith("review-spam model: spam-3")
    assert out[3]["spam"] == {
        "label": "none",
        "prob": None,
        "reason": "no spam rule matched (not a review)",
    }


def test_aspect_shape_reads_which_aspects_a_review_names() -> None:
    from tinhieu.nlp.aspect_shape import SCALE, AspectShape, shape_features

    only_shop = shape_features("Giao hàng nhanh. Đóng gói cẩn thận.")
    assert "a:nonproduct-only" in only_shop and "a:no-quality" in only_shop
    assert "aset:delivery|packaging" in only_shop
    product = shape_features("Chất lượng sản phẩm tốt, giao hàng nhanh")
    assert "a:quality" in product and "a:nonproduct-only" not in product
    assert shape_features("") == ["a:none"]
    block = AspectShape.fit(["Giao hàng nhanh. Đóng gói cẩn thận.", "ok"])
    m = block.matrix(["Giao hàng nhanh. Đóng gói cẩn thận.", "Chất lượng tốt", ""])
    assert m.shape == (3, block.size)
    assert set(m.data.tolist()) == {SCALE}
    # features outside the vocabulary (quality was never seen) are ignored, not an error
    names = sorted(block.vocab, key=block.vocab.__getitem__)
    assert {names[j] for j in m[1].indices} <= {"a:none"} | set(block.vocab)
    assert m[0].nnz == len(set(only_shop) & set(block.vocab))
