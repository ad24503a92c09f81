"""Rule-based spam kinds: fixture precision/recall, hard negatives, dev false positives."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.nlp.shared_data import DATA
from tinhieu.nlp.spam_rules import SPAM_KINDS, SpamHit, spam_rules

HERE = Path(__file__).resolve().parent
SHARED = DATA
KINDS = ("ad", "giveaway", "junk")


def _cases() -> list[dict[str, str]]:
    with (HERE / "data" / "spam_rules_cases.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _kind(text: str) -> str:
    hit = spam_rules(text)
    return hit.kind if hit is not None else "none"


def test_fixture_is_big_and_mostly_clean() -> None:
    cases = _cases()
    counts = Counter(c["kind"] for c in cases)
    assert len(cases) >= 120
    assert counts["none"] >= len(cases) / 2
    assert set(counts) == {"none", *KINDS}


def test_fixture_precision_and_recall_per_kind() -> None:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for c in _cases():
        pred = _kind(c["text"])
        if pred == c["kind"]:
            tp[pred] += 1
        else:
            fp[pred] += 1
            fn[c["kind"]] += 1
    for kind in (*KINDS, "none"):
        precision = tp[kind] / max(1, tp[kind] + fp[kind])
        recall = tp[kind] / max(1, tp[kind] + fn[kind])
        assert precision >= 0.9, (kind, precision)
        assert recall >= 0.9, (kind, recall)


@pytest.mark.parametrize(
    "text",
    [
        "ko bít nữa, sp dùng cx ok mà ship lâu vl",
        "đc r nha shop, iu shop",
        ":))) hay quá",
        "xinh xỉu 😍😍😍",
        "shop ơi còn size M ko ạ",
        "hay",
        "ok",
        "😍",
        "kkkkkkkk",
        "hjhjhj",
        "...",
        "like",
        "ib giá em với shop ơi",
        "shop check ib em với ạ",
        "shop có zalo ko ạ",
        "shop gọi em số 0912345678 nhé, em đặt 2 hộp",
        "đọc bài này trên https://vnexpress.net/abc thấy buồn ghê",
        "mình đã share bài viết này cho mẹ mình đọc, hay quá",
        "cho em hỏi tham gia khoá học này cần điều kiện gì ạ",
        "Giao nhanh, mua ngay đợt sale 7.7 nên giá tốt",
        "vậy mà họ đối xử mình còn thua mấy đứa cách xa hàng trăm cây số",
    ],
)
def test_normal_comments_are_not_spam(text: str) -> None:
    assert spam_rules(text) is None


@pytest.mark.parametrize("text", [".", "chấm", "Chấm", "em tham gia ạ", "xin 1 suất", "@A @B @C"])
def test_giveaway_participation(text: str) -> None:
    hit = spam_rules(text)
    assert hit is not None and hit.kind == "giveaway"


def test_ad_evidence_span_is_the_phone_number() -> None:
    text = "Ib em báo giá tốt nhất ạ, zalo 0987.654.321"
    hit = spam_rules(text)
    assert hit is not None and hit.kind == "ad"
    assert hit.start is not None and hit.end is not None
    assert text[hit.start : hit.end] == "0987.654.321"
    assert "0987.654.321" in hit.reason


def test_ad_evidence_span_of_a_phrase() -> None:
    text = "Tuyển CTV bán hàng online, thu nhập hấp dẫn"
    hit = spam_rules(text)
    assert hit is not None and hit.kind == "ad"
    assert hit.start is not None and hit.end is not None
    assert text[hit.start : hit.end] == "Tuyển CTV"


def test_junk() -> None:
    for text in ("dhnxncbcnc", "asdfghjkl", "aaaaaaaaaaaa", "?????????????"):
        hit = spam_rules(text)
        assert hit is not None and hit.kind == "junk", text


def test_hits_are_well_formed() -> None:
    for c in _cases():
        hit = spam_rules(c["text"])
        if hit is None:
            continue
        assert hit.kind in SPAM_KINDS and hit.kind != "seeding"
        assert (hit.reason and hit.reason.isascii() is False) or hit.reason
        assert 0.0 <= hit.score <= 1.0
        if hit.start is not None:
            assert hit.end is not None and 0 <= hit.start < hit.end <= len(c["text"])


@pytest.mark.parametrize(
    "text", ["", " ", "\ud800", "<b>hi</b>", "x" * 100_000, "😍" * 5000, "@", "#", "\x00"]
)
def test_odd_inputs(text: str) -> None:
    hit = spam_rules(text)
    assert hit is None or isinstance(hit, SpamHit)


@given(st.text())
def test_never_raises(text: str) -> None:
    hit = spam_rules(text)
    assert hit is None or (isinstance(hit, SpamHit) and 0.0 <= hit.score <= 1.0)


def _dev(name: str) -> list[dict[str, str]]:
    path = SHARED / name / "dev.jsonl"
    if not path.exists():
        pytest.skip(f"{path} not available")
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.mark.parametrize(
    ("name", "clean_label"), [("vispamreviews", "no-spam"), ("uit_vihsd", "CLEAN")]
)
def test_false_positive_rate_on_dev(name: str, clean_label: str) -> None:
    rows = [r for r in _dev(name) if r["label"] == clean_label]
    flagged = sum(1 for r in rows if spam_rules(r["text"]) is not None)
    assert flagged / len(rows) < 0.01
