"""The analysis pipeline with the shipped models: defined results for any input."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinhieu.nlp.analyse import ALL_TASKS, MAX_CHARS, Analyzer, TaskError, clean_text, parse_tasks
from tinhieu.nlp.bundle import load_bundle


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(load_bundle())


def test_shipped_models_are_complete_and_small() -> None:
    from tinhieu.nlp.bundle import Bundle, shipped_model_dir

    path = shipped_model_dir()
    size = sum(f.stat().st_size for f in path.iterdir())
    assert size <= 50 * 2**20
    bundle = Bundle.load(path)  # bench/bench_nlp.py reports the load time
    assert {"sentiment", "toxicity", "emotion", "spam", "spam-type"} <= set(bundle.heads)
    assert (path / "MODEL_CARD.md").is_file() and (path / "aspects.json").is_file()


def test_sentiment_reads_negation_teencode_and_missing_diacritics(analyzer: Analyzer) -> None:
    texts = [
        "Trà sữa ngon lắm, nhân viên nhiệt tình, sẽ quay lại",
        "tra sua ngon lam, nhan vien nhiet tinh, se quay lai",
        "sp ko ngon như quảng cáo, thất vọng quá",
        "uống xong đau bụng cả đêm, tởm",
        "hàng đẹp lắm shop ơi, đóng gói cẩn thận 😍😍",
        "sp k ổn, chán",
    ]
    res = analyzer.analyse(texts, ["sentiment"])
    labels = [r["sentiment"]["label"] for r in res]
    assert labels == ["positive", "positive", "negative", "negative", "positive", "negative"]
    neg = res[2]["sentiment"]
    assert 0.5 < neg["prob"] <= 1 and abs(sum(neg["probs"].values()) - 1) < 1e-3
    assert neg["cues"] and neg["reason"].startswith("negative")
    assert all(c["weight"] > 0 for c in neg["cues"])


def test_every_task_answers_for_hostile_input(analyzer: Analyzer) -> None:
    texts = [
        "",
        "😀😀😀",
        "\ud800 lỗi \udfff",
        "<script>alert('x')</script> <b>ngon</b>",
        "x" * 100_000,
        "这个很好吃 ดีมาก Очень вкусно",
        None,
        12345,
    ]
    res = analyzer.analyse(texts, ALL_TASKS)
    assert len(res) == len(texts)
    for r in res:
        assert set(ALL_TASKS) <= set(r)
        assert r["sentiment"]["label"] in ("positive", "neutral", "negative")
        assert r["toxicity"]["label"] in ("CLEAN", "OFFENSIVE", "HATE")
        assert r["spam"]["label"]
    assert res[0]["sentiment"]["reason"]  # empty text says why it is neutral
    assert res[4]["truncated_to"] == MAX_CHARS


def test_clean_text_keeps_offsets() -> None:
    text, cut = clean_text("a\ud800b")
    assert text == "a\ufffdb" and not cut
    assert clean_text(None) == ("", False)


def test_parse_tasks() -> None:
    assert parse_tasks("sentiment, spam") == ("sentiment", "spam")
    with pytest.raises(TaskError, match="unknown task"):
        parse_tasks("sentiment,sarcasm")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=300), min_size=1, max_size=5))
def test_random_unicode_never_raises(texts: list[str]) -> None:
    res = Analyzer(load_bundle()).analyse(texts, ALL_TASKS)
    assert len(res) == len(texts)
    for r in res:
        p = r["sentiment"]["prob"]
        assert p is None or 0.0 <= p <= 1.0
        for span in r["toxicity"]["spans"]:
            assert 0 <= span["start"] < span["end"]


def test_review_spam_model_only_reads_reviews(analyzer: Analyzer) -> None:
    text = "mua ở đây lần thứ 3 rồi, vẫn ổn"
    as_comment = analyzer.analyse([text], ["spam"], kinds=["comment"])[0]["spam"]
    assert as_comment["label"] == "none" and "not a review" in as_comment["reason"]
    as_review = analyzer.analyse([text], ["spam"], kinds=["review"])[0]["spam"]
    assert as_review["prob"] is not None  # the model was consulted
