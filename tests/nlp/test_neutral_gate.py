"""The opinion-evidence gate: informational posts are neutral, opinions keep their label."""

from __future__ import annotations

import numpy as np
import pytest

from tinhieu.nlp.analyse import GATE_CUE, Analyzer
from tinhieu.nlp.bundle import load_bundle
from tinhieu.nlp.evaluate import Labelled, evaluate
from tinhieu.nlp.normalise import normalise_words
from tinhieu.nlp.opinion import (
    GATE_SHIFT,
    gate,
    gate_scores,
    has_opinion,
    information_mark,
    opinion_evidence,
)

#: Plain informational posts and questions about a brand: no opinion in them.
INFORMATIONAL = [
    "Đặt Lumi qua app thì bao lâu thì giao vậy?",
    "Bên lumi menu có khoảng 30 món ☕",
    "Lumi mới mở chi nhánh ở Times City hả?",
    "shop ơi size L giá bao nhiêu?",
    "chi nhánh Quận 3 mở cửa từ 7h đến 22h",
    "quan mo cua may gio vay ban?",
    "có giao hàng tận nơi không ạ?",
    "co giao hang tan noi khong a",
    "giá một ly trà sữa trân châu là 35k",
]

#: Clear opinions, with teencode and without diacritics, and their label.
OPINIONS = [
    ("ngon xỉu", "positive"),
    ("không ngon như quảng cáo", "negative"),
    ("giao hàng chậm quá", "negative"),
    ("giao hang cham qua", "negative"),
    ("ko ngon", "negative"),
    ("sp tot", "positive"),
    ("thầy dạy dễ hiểu", "positive"),
    ("50k một ly mà nhạt thếch", "negative"),  # figures, but an opinion too
    ("trà sữa ngon mà giá có 29k thôi", "positive"),
]


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(load_bundle())


def _kinds(text: str) -> list[str]:
    return [e.kind for e in opinion_evidence(normalise_words(text), limit=5)]


# -- the analyser ---------------------------------------------------------------------------


def test_informational_posts_and_questions_are_neutral(analyzer: Analyzer) -> None:
    res = analyzer.analyse(INFORMATIONAL, ["sentiment"])
    for text, r in zip(INFORMATIONAL, res, strict=True):
        s = r["sentiment"]
        assert s["label"] == "neutral", (text, s)
        assert s["prob"] > 0.5
        assert abs(sum(s["probs"].values()) - 1) < 1e-3


def test_the_reason_says_the_gate_decided(analyzer: Analyzer) -> None:
    question, figures = analyzer.analyse(
        ["Lumi mới mở chi nhánh ở Times City hả?", "chi nhánh Quận 3 mở cửa từ 7h đến 22h"],
        ["sentiment"],
    )
    s = question["sentiment"]
    assert s["cues"] == [{"cue": GATE_CUE, "weight": GATE_SHIFT, "kind": "gate"}]
    assert s["reason"].startswith("neutral: no opinion words")
    assert "opinion gate" in s["reason"]
    assert "không thấy từ ngữ thể hiện ý kiến" in s["reason"]
    assert "câu hỏi" in s["reason"]
    assert "số liệu" in figures["sentiment"]["reason"]
    # without explanations the label is the same and no cue is computed
    (quiet,) = analyzer.analyse(
        ["Lumi mới mở chi nhánh ở Times City hả?"], ["sentiment"], explain=False
    )
    assert quiet["sentiment"]["label"] == "neutral" and "cues" not in quiet["sentiment"]


@pytest.mark.parametrize(("text", "label"), OPINIONS)
def test_clear_opinions_keep_their_polarity(analyzer: Analyzer, text: str, label: str) -> None:
    (r,) = analyzer.analyse([text], ["sentiment"])
    s = r["sentiment"]
    assert s["label"] == label, s
    assert all(c["kind"] != "gate" for c in s["cues"])
    assert gate(normalise_words(text)).shift == 0.0


def test_dở_tệ_is_not_touched_by_the_gate(analyzer: Analyzer) -> None:
    words = normalise_words("dở tệ")
    assert gate(words).shift == 0.0 and has_opinion(words)
    (r,) = analyzer.analyse(["dở tệ"], ["sentiment"])
    assert r["sentiment"]["label"] != "neutral"


@pytest.mark.xfail(
    strict=True,
    reason="the head itself says positive: the one AIVIVN training row 'Dở tệ' is "
    "labelled positive and the bigram learnt its weight from it (not the gate's doing)",
)
def test_dở_tệ_is_negative(analyzer: Analyzer) -> None:
    (r,) = analyzer.analyse(["dở tệ"], ["sentiment"])
    assert r["sentiment"]["label"] == "negative"


def test_a_sure_head_keeps_its_label_and_says_the_gate_was_overruled(
    analyzer: Analyzer,
) -> None:
    # No opinion word and figures, but the head is very sure (a known miss, kept as a
    # test of the explanation): the label stays, the cue and reason say what happened.
    (r,) = analyzer.analyse(["Lumi dạo này giá 29k một ly size M"], ["sentiment"])
    s = r["sentiment"]
    assert s["label"] != "neutral"
    assert s["cues"][-1]["kind"] == "gate"
    assert "the gate moved it towards neutral but the model is sure" in s["reason"]


def test_empty_text_is_still_neutral_with_its_own_reason(analyzer: Analyzer) -> None:
    (r,) = analyzer.analyse([""], ["sentiment"])
    assert r["sentiment"]["label"] == "neutral"
    assert r["sentiment"]["reason"] == "no words or emoji to judge"


# -- opinion marks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ngon", "lexicon"),
        ("sp tot", "lexicon"),  # "tot" is almost always "tốt"
        ("hang dep", "lexicon"),
        ("giao hang nhanh", "lexicon"),
        ("that vong", "lexicon"),  # a phrase matches without diacritics
        ("thầy dạy dễ hiểu", "opinion"),
        ("phim này bình thường", "opinion"),
        ("cô giảng hay", "opinion"),  # "hay" ending a clause is "good"
        ("ngon hơn quán kia", "opinion"),
        ("mong quán xem lại", "opinion"),
        ("rất tiện", "intensifier"),
        ("lâu qua", "intensifier"),  # unaccented "quá" ending a clause
        ("hơi ngọt", "intensifier"),
        ("hahaha", "interjection"),
        ("kkkkk", "interjection"),
        ("đéo ai mua", "profanity"),
        ("😍", "emoji"),
        ("👍🏻", "emoji"),  # skin tone stripped
        (":(", "emoji"),
        ("không ai dọn", "negation"),
        ("app không vào được", "negation"),
        ("ngọt tuy nhiên hơi đắt", "contrast"),
    ],
)
def test_opinion_marks(text: str, kind: str) -> None:
    assert kind in _kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "Đặt Lumi qua app",  # "qua" is the preposition here
        "mình hay order qua app",  # "hay" = often
        "do roi dat",  # "do" is not "dở" without its diacritics
        "gia 29k",  # nor "gia" "giả"
        "chi nhánh mới",  # "nhánh" is no unaccented "nhanh"
        "ly bạc xỉu size M",  # a coffee, not "to faint"
        "có giao không?",  # a question particle, not a negation
        "hơn 100 cửa hàng",  # a quantity, not a comparison
        "menu ☕ 🧋 👉",  # decorative emoji
        "ib mình nha 🙂",  # the polite smile
    ],
)
def test_no_opinion_marks(text: str) -> None:
    assert _kinds(text) == []


def test_information_marks() -> None:
    assert information_mark(normalise_words("giá bao nhiêu?")) == "question"
    assert information_mark(normalise_words("mới mở chi nhánh hả")) == "question"
    assert information_mark(normalise_words("có giao hàng không ạ, mình ở Q7")) == "question"
    assert information_mark(normalise_words("mở cửa từ 7h đến 22h")) == "figures"
    assert information_mark(normalise_words("link shopee.vn/lumi")) == "figures"
    assert information_mark(normalise_words("mới mở thêm chi nhánh")) is None
    assert information_mark([]) is None


def test_gate_decisions() -> None:
    asked = gate(normalise_words("menu có bao nhiêu món?"))
    assert asked.shift == GATE_SHIFT and asked.information == "question" and asked.evidence is None
    opinion = gate(normalise_words("menu có bao nhiêu món ngon?"))
    assert opinion.shift == 0.0 and opinion.evidence is not None
    assert opinion.evidence.kind == "lexicon"
    # a statement without figures is left to the head: many are implicit complaints
    assert gate(normalise_words("trân châu để qua đêm chứ gì nữa")).shift == 0.0
    assert gate([]).shift == 0.0


def test_gate_scores_moves_only_gated_rows_and_needs_a_neutral_class() -> None:
    words = [normalise_words(t) for t in ("giá bao nhiêu?", "ngon quá", "")]
    scores = np.zeros((3, 3), dtype=np.float32)
    out, decisions = gate_scores(scores, ("negative", "neutral", "positive"), words)
    assert out[:, 1].tolist() == [GATE_SHIFT, 0.0, 0.0]
    assert out[:, [0, 2]].tolist() == [[0.0, 0.0]] * 3
    assert scores.sum() == 0  # the input is not changed
    assert [d.shift for d in decisions] == [GATE_SHIFT, 0.0, 0.0]
    two = np.zeros((3, 2), dtype=np.float32)
    same, _ = gate_scores(two, ("negative", "positive"), words)
    assert same is two


# -- evaluation -----------------------------------------------------------------------------


def test_eval_scores_the_gate_and_can_leave_it_out() -> None:
    bundle = load_bundle()
    data = Labelled(
        ["Lumi mới mở chi nhánh ở Times City hả?", "ngon xỉu", "ko ngon"],
        ["neutral", "positive", "negative"],
    )
    with_gate = evaluate(bundle, "sentiment", data)
    head_only = evaluate(bundle, "sentiment", data, gate=False)
    assert with_gate["accuracy"] == 1.0
    assert head_only["accuracy"] < 1.0
    # a file without a neutral class cannot be changed by the gate
    polar = Labelled([*INFORMATIONAL[:3], "ngon xỉu"], ["negative"] * 3 + ["positive"])
    assert evaluate(bundle, "sentiment", polar) == evaluate(bundle, "sentiment", polar, gate=False)
