"""Aspect-based sentiment: commerce lexicon layer and the trained smartphone layer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.nlp.shared_data import DATA
from tinhieu.nlp.aspects import (
    COMMERCE_ASPECTS,
    PHONE_ASPECTS,
    POLARITIES,
    AspectHit,
    AspectModel,
    absa_scores,
    clauses,
    commerce_aspects,
    span_scores,
    train_aspects,
)

HAND_SET = Path(__file__).resolve().parent / "data" / "commerce_aspects.jsonl"


def pairs(text: str) -> set[tuple[str, str]]:
    return {(h.aspect, h.polarity) for h in commerce_aspects(text)}


def check_hits(text: str, hits: list[AspectHit], aspects: tuple[str, ...]) -> None:
    for h in hits:
        assert h.aspect in aspects
        assert h.polarity in POLARITIES
        assert 0.0 <= h.prob <= 1.0
        assert 0 <= h.start <= h.end <= len(text)
        assert text[h.start : h.end] == h.evidence


# -- commerce layer: behaviour ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Giao hàng nhanh, đóng gói cẩn thận",
            {("delivery", "positive"), ("packaging", "positive")},
        ),
        ("giao hang cham qua", {("delivery", "negative")}),
        ("Giao hàng chậm quá", {("delivery", "negative")}),
        ("Đồ ăn không ngon", {("quality", "negative")}),
        ("ship chẳng nhanh gì cả", {("delivery", "negative")}),
        ("Trà sữa ngon nhưng giá hơi mắc", {("quality", "positive"), ("price", "negative")}),
        ("Hộp bị móp méo hết", {("packaging", "negative")}),
        ("Nhân viên tư vấn nhiệt tình", {("service", "positive")}),
        ("nhan vien thai do lom", {("service", "negative")}),
        ("App cứ bị lỗi khi thanh toán", {("app", "negative")}),
        ("Săn được voucher freeship, hời quá", {("promotion", "positive")}),
        ("Quán rộng rãi, có chỗ để xe", {("store", "positive")}),
        ("Giá 35k một ly", {("price", "neutral")}),
        ("không tốt cũng không tệ", set()),
        ("@Minh Anh vào đây xem nè", set()),
    ],
)
def test_commerce_examples(text: str, expected: set[tuple[str, str]]) -> None:
    assert pairs(text) == expected


def test_evidence_is_the_clause() -> None:
    text = "Đồ ăn ngon, nhưng giao hàng chậm quá!"
    hits = commerce_aspects(text)
    by_aspect = {h.aspect: h for h in hits}
    assert by_aspect["delivery"].evidence == "giao hàng chậm quá"
    assert by_aspect["quality"].evidence == "Đồ ăn ngon"
    assert all(h.source == "lexicon" for h in hits)
    check_hits(text, hits, COMMERCE_ASPECTS)


def test_negated_complaint_and_question() -> None:
    assert pairs("hộp không bị móp") == {("packaging", "positive")}
    assert pairs("Shop ơi có freeship không ạ?") == {("promotion", "neutral")}


def test_frame_keeps_price_neutral() -> None:
    # ViSFD's convention: "good for its price" praises the product, not the price.
    assert ("price", "positive") not in pairs("Máy tốt trong tầm giá")
    assert pairs("giá quá cao so với cấu hình") == {("price", "negative")}


@pytest.mark.parametrize("text", ["", " ", "😀😀", "<b>ok</b>", "\ud800abc", "..." * 50])
def test_commerce_edge_inputs(text: str) -> None:
    check_hits(text, commerce_aspects(text), COMMERCE_ASPECTS)


def test_commerce_non_str() -> None:
    assert commerce_aspects(None) == []  # type: ignore[arg-type]
    assert commerce_aspects(123) == []  # type: ignore[arg-type]


def test_commerce_long_text() -> None:
    text = "Giao hàng nhanh, đóng gói đẹp nhưng giá hơi cao. " * 2000  # ~100 kB
    hits = commerce_aspects(text)
    check_hits(text, hits, COMMERCE_ASPECTS)
    assert ("delivery", "positive") in {(h.aspect, h.polarity) for h in hits}


def test_commerce_deterministic() -> None:
    text = "Đóng gói đẹp, giao hàng nhanh, nhưng chất lượng chưa tương xứng giá tiền"
    assert commerce_aspects(text) == commerce_aspects(text)


@given(st.text())
def test_commerce_never_raises(text: str) -> None:
    check_hits(text, commerce_aspects(text), COMMERCE_ASPECTS)


@given(st.text(alphabet=st.sampled_from(list("giao hàng chậm, nhưng ngon rẻ không! ?.đóẹ"))))
def test_commerce_never_raises_on_near_vietnamese(text: str) -> None:
    check_hits(text, commerce_aspects(text), COMMERCE_ASPECTS)


def test_clauses_offsets() -> None:
    text = "Pin trâu, camera đẹp nhưng giá 1.000.000đ hơi cao!! Giao lúc 10:30"
    spans = clauses(text)
    parts = [text[s:e] for s, e in spans]
    assert parts == ["Pin trâu", "camera đẹp", "giá 1.000.000đ hơi cao", "Giao lúc 10:30"]
    assert clauses("") == []
    assert clauses("   ") == []


def test_hand_written_set_floor() -> None:
    rows = [json.loads(line) for line in HAND_SET.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 80
    covered = {a["aspect"] for r in rows for a in r["aspects"]}
    assert {"delivery", "packaging", "app", "promotion"} <= covered
    gold = [{(a["aspect"], a["polarity"]) for a in r["aspects"]} for r in rows]
    pred = [pairs(r["text"]) for r in rows]
    res = absa_scores(gold, pred, COMMERCE_ASPECTS)
    # Regression floor (the set is small and written by the lexicon's author).
    assert res["aspect_micro_f1"] >= 80
    assert res["pair_micro_f1"] >= 65


def test_commerce_cache_returns_fresh_lists() -> None:
    a = commerce_aspects("Giao hàng nhanh")
    b = commerce_aspects("Giao hàng nhanh")
    assert a == b
    assert a is not b


# -- scores ----------------------------------------------------------------------------


def test_absa_scores() -> None:
    gold = [{("price", "positive")}, {("service", "negative")}, set()]
    pred = [{("price", "negative")}, {("service", "negative")}, {("price", "neutral")}]
    res = absa_scores(gold, pred, ["price", "service"])
    # detection: price tp1 fp1, service tp1 -> micro P=2/3 R=1
    assert res["aspect_micro_f1"] == pytest.approx(80.0)
    # pairs: tp1 (service), fp2, fn1
    assert res["pair_micro_f1"] == pytest.approx(40.0)
    assert res["per_aspect"]["service"]["pair_f1"] == 100.0


def test_span_scores() -> None:
    text = "abc def ghi"
    res = span_scores([(text, [(0, 3)], (0, 7)), (text, [(8, 11)], (0, 3))])
    assert res["hit"] == 50.0
    assert res["char_recall"] == 50.0


# -- smartphone layer (needs the public data) ------------------------------------------


@pytest.fixture(scope="module")
def trained(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[AspectModel, object, dict[str, object]]:
    if not (DATA / "uit_visfd").is_dir() or not (DATA / "uit_visd4sa").is_dir():
        pytest.skip("shared/data with uit_visfd and uit_visd4sa not found")
    from tinhieu.nlp.aspects import load_visfd
    from tinhieu.nlp.features import FeatureSpace
    from tinhieu.text.normalise import fold

    texts = [r.text for r in load_visfd(DATA, "train", 600)]
    fs = FeatureSpace.fit(texts + [fold(t) for t in texts])
    out = tmp_path_factory.mktemp("aspects")
    report = train_aspects(DATA, fs, out, seed=13, log=lambda _: None, limit=600, c_grid=(0.5,))
    assert (out / "aspects.json").is_file()
    return AspectModel.load(out), fs, report


def test_train_report(trained: tuple[AspectModel, object, dict[str, object]]) -> None:
    _, _, report = trained
    files = report["files"]
    assert isinstance(files, dict)
    assert set(files) == {"aspects_phone.npz", "aspects_evidence.npz"}
    test = report["test"]
    assert isinstance(test, dict)
    # A 600-row model is weak, but far above chance.
    assert test["accented"]["aspect_micro_f1"] > 60
    assert test["spans_oracle_aspects"]["char_f1"] > 40


def test_model_predict(trained: tuple[AspectModel, object, dict[str, object]]) -> None:
    from tinhieu.nlp.features import FeatureSpace

    model, fs, _ = trained
    assert isinstance(fs, FeatureSpace)
    texts = [
        "Pin trâu, camera chụp đẹp nhưng màn hình hơi tối",
        "pin trau, cam dep",
        "",
        "😀",
        "\ud800 <b>x</b>",
    ]
    x = fs.transform(texts)
    out = model.predict(texts, x)
    assert len(out) == len(texts)
    for text, hits in zip(texts, out, strict=True):
        check_hits(text, hits, PHONE_ASPECTS)
        assert all(h.source == "model" for h in hits)
    assert "phone.battery" in {h.aspect for h in out[0]}
    assert out == model.predict(texts, x)
    assert model.predict([], x[:0]) == []
    with pytest.raises(ValueError, match="feature rows"):
        model.predict(texts[:2], x)


def test_brand_names_typed_without_accents_are_not_aspect_words() -> None:
    from tinhieu.nlp.aspects import commerce_aspects, protected_names

    names = protected_names(["Mèo Mập Coffee", "Gác Cà Phê"])
    assert ("meo", "map") in names and ("gac", "ca", "phe") in names
    text = "hom trc mua meo map, tra dam vi"
    assert [h.aspect for h in commerce_aspects(text)] == ["packaging"]  # "méo": dented
    assert commerce_aspects(text, names) == []
    # the same word outside the name still counts, and so do the other aspects
    dented = commerce_aspects("meo map giao toi ly bi meo, nuoc do ra tui", names)
    assert ("packaging", "negative") in [(h.aspect, h.polarity) for h in dented]
    assert [h.aspect for h in commerce_aspects("gac ca phe giao hang cham qua", names)] == [
        "delivery"
    ]
