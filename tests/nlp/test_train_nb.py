"""NB-scaled (NBSVM) heads: the scaling folds into plain weights, and training uses it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from tinhieu.nlp.corpora import DataError, Example
from tinhieu.nlp.features import FeatureSpace
from tinhieu.nlp.linear import LinearHead
from tinhieu.nlp.train import TrainConfig, fit_nb_svm, fit_svm, nb_ratio, train


def _synthetic(
    n: int = 120, d: int = 40, k: int = 3, seed: int = 0
) -> tuple[sp.csr_matrix, list[str]]:
    rng = np.random.default_rng(seed)
    y = [f"c{i % k}" for i in range(n)]
    dense = (rng.random((n, d)) < 0.15) * rng.random((n, d))
    for i, label in enumerate(y):  # each class has a few telling features
        cls = int(label[1:])
        dense[i, cls * 3 : cls * 3 + 3] += rng.random(3) < 0.7
    return sp.csr_matrix(dense.astype(np.float32)), y


def test_nb_ratio_sign_and_value() -> None:
    # feature 0 only in positive rows, feature 1 only in negative rows, feature 2 in all
    x = sp.csr_matrix(np.array([[1, 0, 1], [0.5, 0, 1], [0, 2, 1], [0, 1, 1]], dtype=np.float32))
    pos = np.array([True, True, False, False])
    r = nb_ratio(x, pos, alpha=1.0)
    # binarised: p = 1 + [2, 0, 2] = [3, 1, 3], q = 1 + [0, 2, 2] = [1, 3, 3]; both sum to 7
    np.testing.assert_allclose(r, np.log(np.array([3, 1, 3]) / np.array([1, 3, 3])), rtol=1e-6)
    assert r[0] > 0 > r[1]
    assert r[2] == pytest.approx(0.0, abs=1e-7)


def test_folded_weights_score_like_the_scaled_features() -> None:
    x, y = _synthetic()
    folded = fit_nb_svm(x, y, c=0.5, seed=13)
    assert list(folded.classes_) == ["c0", "c1", "c2"]
    assert folded.coef_.shape == (3, x.shape[1])
    labels = np.array(y)
    for k, cls in enumerate(folded.classes_):
        r = nb_ratio(x, labels == cls)
        scaled = fit_svm(x @ sp.diags(r).tocsr(), labels == cls, 0.5, 13)
        expected = scaled.decision_function(x @ sp.diags(r).tocsr())
        got = np.asarray(x @ folded.coef_[k]).ravel() + folded.intercept_[k]
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    # and it learns: the training rows are mostly recovered
    pred = folded.classes_[(np.asarray(x @ folded.coef_.T) + folded.intercept_).argmax(axis=1)]
    assert (pred == labels).mean() > 0.9


def test_binary_nb_is_one_model_for_the_second_class() -> None:
    x, y = _synthetic(k=2)
    labels = np.where(np.array(y) == "c0", "no-spam", "spam")
    folded = fit_nb_svm(x, labels, c=1.0, seed=13)
    assert list(folded.classes_) == ["no-spam", "spam"]
    assert folded.coef_.shape == (1, x.shape[1])
    d = np.asarray(x @ folded.coef_[0]).ravel() + folded.intercept_[0]
    assert ((d > 0) == (labels == "spam")).mean() > 0.9


def test_one_class_is_refused() -> None:
    x, _ = _synthetic()
    with pytest.raises(DataError):
        fit_nb_svm(x, ["a"] * x.shape[0], c=1.0, seed=13)


TOXIC = ["đồ ngu như bò", "mày ngu vãi", "câm mồm đi thằng điên", "thằng điên ngu"]
CLEAN = ["hôm nay trời đẹp quá", "cảm ơn bạn nhiều", "món này ngon lắm", "chúc mừng sinh nhật"]
POS = ["sản phẩm tốt lắm", "rất hài lòng", "giao hàng nhanh, tuyệt vời"]
NEG = ["hàng tệ quá", "thất vọng lắm", "giao chậm, tệ"]
NEU = ["shop ở đâu vậy", "giá bao nhiêu", "hôm nay thứ hai"]


def _extra() -> dict[str, list[Example]]:
    def rows(texts: list[str], label: str, n: int) -> list[Example]:
        return [Example(f"{t} {i}", label, {}) for t in texts for i in range(n)]

    return {
        "toxicity": rows(TOXIC, "OFFENSIVE", 6) + rows(CLEAN, "CLEAN", 6),
        "sentiment": rows(POS, "positive", 6) + rows(NEG, "negative", 6) + rows(NEU, "neutral", 6),
    }


def _train(tmp: Path, nb: tuple[str, ...]) -> tuple[dict[str, object], FeatureSpace]:
    extra = _extra()
    texts = [e.text for rows in extra.values() for e in rows]
    fs = FeatureSpace.fit(texts + TOXIC + CLEAN, min_df=1)
    cfg = TrainConfig(
        tasks=("toxicity", "sentiment"),
        extra_train=extra,
        nb_scale=nb,
        c_grid=(0.5, 1.0),
        nb_c_grid=(0.3,),
    )
    manifest = train(None, tmp, cfg, log=lambda _m: None, features=fs)
    return manifest, fs


def test_training_with_nb_scale_is_deterministic_and_folded(tmp_path: Path) -> None:
    manifest, fs = _train(tmp_path / "a", ("toxicity", "sentiment"))
    heads = manifest["heads"]
    assert isinstance(heads, dict)
    assert heads["toxicity"]["nb_alpha"] == 1.0
    assert heads["sentiment"]["nb_alpha"] == 1.0  # the two-stage head, each stage NB-scaled
    assert heads["toxicity"]["C"] == 0.3  # NB tasks search their own C grid
    tox = LinearHead.load(tmp_path / "a" / "toxicity.npz")
    assert tox.meta is not None and tox.meta["nb_alpha"] == 1.0
    assert tox.weights.shape[0] == fs.size  # same artefact format: weights over features
    assert tox.predict(fs.transform(["mày ngu vãi", "cảm ơn bạn nhiều"])) == [
        "OFFENSIVE",
        "CLEAN",
    ]
    sent = LinearHead.load(tmp_path / "a" / "sentiment.npz")
    assert sent.predict(fs.transform(["rất hài lòng", "hàng tệ quá"])) == [
        "positive",
        "negative",
    ]
    _train(tmp_path / "b", ("toxicity", "sentiment"))
    for name in ("toxicity.npz", "sentiment.npz"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_nb_scale_only_changes_the_tasks_named(tmp_path: Path) -> None:
    plain, _ = _train(tmp_path / "plain", ())
    some, _ = _train(tmp_path / "some", ("toxicity",))
    heads_plain, heads_some = plain["heads"], some["heads"]
    assert isinstance(heads_plain, dict) and isinstance(heads_some, dict)
    assert "nb_alpha" not in heads_plain["toxicity"]
    assert "nb_alpha" not in heads_some["sentiment"]
    assert heads_plain["toxicity"]["C"] in (0.5, 1.0)
    same = (tmp_path / "plain" / "sentiment.npz").read_bytes()
    assert same == (tmp_path / "some" / "sentiment.npz").read_bytes()
    a = LinearHead.load(tmp_path / "plain" / "toxicity.npz").weights
    b = LinearHead.load(tmp_path / "some" / "toxicity.npz").weights
    assert abs(a - b).sum() > 1e-3
