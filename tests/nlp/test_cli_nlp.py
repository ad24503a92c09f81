"""``tinhieu nlp predict | eval | train`` through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.nlp.shared_data import DATA
from tinhieu.cli import main


def _invoke(args: list[str], stdin: bytes | str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["--lang", "en", *args], input=stdin)


def test_predict_reads_jsonl_and_reports_bad_lines() -> None:
    lines = [
        json.dumps({"id": 1, "text": "giao hàng nhanh, đóng gói kỹ, rất hài lòng"}),
        "not json",
        json.dumps([1, 2]),
        json.dumps({"id": 4, "text": "sp ko ngon như quảng cáo"}),
        json.dumps({"id": 5}),
    ]
    res = _invoke(["nlp", "predict", "--tasks", "sentiment,lang"], "\n".join(lines) + "\n")
    assert res.exit_code == 0, res.output
    out = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(out) == 5
    assert out[0]["id"] == 1 and out[0]["sentiment"]["label"] == "positive"
    assert out[0]["lang"]["label"] == "vi"
    assert "line 2: not JSON" in out[1]["error"] and "line 3" in out[2]["error"]
    assert out[3]["sentiment"]["label"] == "negative" and out[3]["sentiment"]["cues"]
    assert out[4]["sentiment"]["label"] == "neutral"  # no text: defined result
    assert "aspects" not in out[0]


def test_predict_all_default_tasks_and_invalid_utf8() -> None:
    payload = json.dumps({"text": "ngon"}).encode() + b"\n" + b'{"text": "bad \xff byte"}\n'
    res = _invoke(["nlp", "predict"], payload)
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert {"sentiment", "aspects", "spam", "toxicity", "lang", "emotion"} <= set(rows[0])
    assert "\ufffd" in rows[1]["text"]


def test_predict_unknown_task_is_a_user_error() -> None:
    res = _invoke(["nlp", "predict", "--tasks", "sarcasm"], "{}\n")
    assert res.exit_code == 2 and "unknown task" in res.output


def test_eval_prints_scores_and_confusion(tmp_path: Path) -> None:
    rows = [
        {"text": "rất tốt, giao nhanh", "label": "positive"},
        {"text": "quá tệ, hàng lỗi, thất vọng", "label": "negative"},
        {"text": "sản phẩm tuyệt vời", "label": "positive"},
        {"text": "chất lượng kém, không nên mua", "label": "negative"},
    ]
    f = tmp_path / "s.jsonl"
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    res = _invoke(["nlp", "eval", "--task", "sentiment", "--data", str(f), "--json"])
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)
    assert rep["n"] == 4 and rep["accuracy"] == 1.0
    assert rep["labels"] == ["negative", "positive"]  # the file's classes only
    text = _invoke(["nlp", "eval", "--task", "sentiment", "--data", str(f)])
    assert "macro-F1: 100.00" in text.output and "Confusion matrix" in text.output


def test_eval_names_a_bad_label(tmp_path: Path) -> None:
    f = tmp_path / "bad.jsonl"
    f.write_text('{"text": "a", "label": "positive"}\n{"text": "b", "label": "meh"}\n', "utf-8")
    res = _invoke(["nlp", "eval", "--task", "sentiment", "--data", str(f)])
    assert res.exit_code == 2 and "row 2" in res.output and "meh" in res.output


@pytest.mark.skipif(not DATA.is_dir(), reason="needs ../shared/data (the public data sets)")
def test_train_is_deterministic_by_seed(tmp_path: Path) -> None:
    args = ["nlp", "train", "--data", str(DATA), "--tasks", "sentiment", "--limit", "300"]
    a = _invoke([*args, "--out", str(tmp_path / "a")])
    b = _invoke([*args, "--out", str(tmp_path / "b")])
    assert a.exit_code == 0 and b.exit_code == 0, a.output + b.output
    for name in ("features.npz", "sentiment.npz"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    card = (tmp_path / "a" / "MODEL_CARD.md").read_text("utf-8")
    assert "uit_vsfc" in card and "research" in card
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text("utf-8"))
    assert "uit_vsfc" in manifest["heads"]["sentiment"]["test"]
    # the trained folder is a usable model
    res = _invoke(
        ["nlp", "predict", "--tasks", "sentiment", "--model", str(tmp_path / "a")],
        '{"text": "tốt"}\n',
    )
    assert res.exit_code == 0 and json.loads(res.stdout)["sentiment"]["label"]
