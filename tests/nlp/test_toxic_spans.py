"""Offensive-word spans for the moderation queue."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.nlp.shared_data import DATA
from tinhieu.nlp.toxic_spans import ToxicMatcher, toxic_spans

SHARED = DATA


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("đm thằng này", "đm"),
        ("dm", "dm"),
        ("ĐM", "ĐM"),
        ("nói như đ.m ấy", "đ.m"),
        ("d.m", "d.m"),
        ("đẹp vl", "vl"),
        ("V.L", "V.L"),
        ("vcl thật", "vcl"),
        ("cc gì vậy", "cc"),
        ("đcm", "đcm"),
        ("đéo hiểu", "đéo"),
        ("óc chó", "óc chó"),
    ],
)
def test_variants_are_found(text: str, surface: str) -> None:
    spans = toxic_spans(text)
    assert any(surface in s for _, _, s in spans), spans


@pytest.mark.parametrize(
    "text",
    [
        "mua cho mẹ cái áo",
        "size M vừa lắm",
        "con mèo nhà mình dễ thương",
        "hộp bị méo một chút",
        "Sản phẩm tốt, giao hàng nhanh, đóng gói cẩn thận",
        "ko thích lắm",
        "",
    ],
)
def test_ordinary_text_has_no_span(text: str) -> None:
    assert toxic_spans(text) == []


def test_offsets_index_the_original_text() -> None:
    text = "  Thằng   NGU này,\tđ.m nó 😡 vl!! "
    spans = toxic_spans(text)
    assert spans
    last = -1
    for start, end, surface in spans:
        assert text[start:end] == surface
        assert start >= last
        last = end


def test_adjacent_words_merge_into_one_span() -> None:
    assert toxic_spans("thằng chó") == [(0, 9, "thằng chó")]
    m = ToxicMatcher(["thằng", "chó"], merge=False)
    assert m.spans("thằng chó") == [(0, 5, "thằng"), (6, 9, "chó")]
    assert ToxicMatcher(["thằng", "chó"]).spans("thằng chó") == [(0, 9, "thằng chó")]


def test_custom_matcher_longest_match() -> None:
    m = ToxicMatcher(["vãi", "vãi lồn", "a b c d e"])  # five words: ignored
    assert len(m) == 2
    assert m.spans("vl") == [(0, 2, "vl")]
    assert m.spans("vãi thật") == [(0, 3, "vãi")]


@pytest.mark.parametrize(
    "text", ["\ud800 đm", "<b>đm</b>", "x" * 100_000, "đm " * 10_000, "😡" * 5000, "\x00"]
)
def test_odd_inputs(text: str) -> None:
    for start, end, surface in toxic_spans(text):
        assert text[start:end] == surface


@given(st.text())
def test_never_raises_and_offsets_hold(text: str) -> None:
    for start, end, surface in toxic_spans(text):
        assert 0 <= start < end <= len(text)
        assert text[start:end] == surface


def test_vihos_dev_scores() -> None:
    path = SHARED / "vihos" / "dev.jsonl"
    if not path.exists():
        pytest.skip(f"{path} not available")
    tp = fp = fn = 0
    with path.open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            gold = set(r["span_char_indices"])
            pred = {i for s, e, _ in toxic_spans(r["text"]) for i in range(s, e)}
            tp += len(gold & pred)
            fp += len(pred - gold)
            fn += len(gold - pred)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision > 0.8
    assert recall > 0.25
