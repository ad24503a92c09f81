"""The enrichment stage on a real store: import fills the NLP columns, seeding is found
across accounts, corrections win over the model and survive re-analysis, and a
workspace model learns from them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tinhieu.api import open_workspace
from tinhieu.cli import main

PRAISE = "Trà sữa Lumi ngon xuất sắc, topping nhiều, giá hợp lý, mọi người nên thử nha"
ROWS = [
    ("c1", "lan", "Lumi giao hàng chậm quá, chờ 2 tiếng, trà nguội hết, thất vọng"),
    ("c2", "minh", "trà sữa lumi ngon lắm, nhân viên dễ thương, sẽ quay lại"),
    ("c3", "hoa", "Inbox shop để nhận báo giá sỉ, liên hệ 0912 345 678 zalo"),
    ("c4", "a1", PRAISE),
    ("c5", "a2", PRAISE.replace("nha", "nhé")),
    ("c6", "a3", PRAISE + " 👍"),
    ("c7", "a4", "Trà sữa Lumi ngon xuất sắc, topping nhiều, giá hợp lý, mọi người nên thử"),
    ("c8", "tuan", "ko bít nữa, uống cx ok mà ship lâu vl"),
]


def _write(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "platform", "author", "message", "created_time"])
        for i, (sid, author, text) in enumerate(rows):
            w.writerow([sid, "facebook", author, text, f"2026-03-0{1 + i % 5} 10:00"])
    return path


@pytest.fixture()
def workspace(tmp_path: Path):  # type: ignore[no-untyped-def]
    ws = open_workspace(tmp_path / "t.duckdb")
    ws.import_file(_write(tmp_path / "m.csv", ROWS))
    yield ws
    ws.close()


def _row(ws, sid: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    df = ws.sql(
        "SELECT sentiment, sentiment_score, spam, toxicity, emotion, language, aspects "
        "FROM mentions WHERE source_id = ?",
        [sid],
    )
    return df.iloc[0].to_dict()  # type: ignore[no-any-return]


def test_import_fills_enrichment_columns(workspace) -> None:  # type: ignore[no-untyped-def]
    c1, c2 = _row(workspace, "c1"), _row(workspace, "c2")
    assert c1["sentiment"] == "negative" and c2["sentiment"] == "positive"
    assert 0 < c1["sentiment_score"] <= 1
    assert c1["language"] == "vi" and c1["toxicity"] in ("CLEAN", "OFFENSIVE", "HATE")
    assert _row(workspace, "c3")["spam"] == "ad"
    assert _row(workspace, "c8")["spam"] == "none"  # teencode is not spam
    # the same praise from four accounts is a seeding campaign
    assert {_row(workspace, s)["spam"] for s in ("c4", "c5", "c6", "c7")} == {"seeding"}
    aspects = json.loads(c1["aspects"] or "[]")
    assert any(a["aspect"] == "delivery" and a["polarity"] == "negative" for a in aspects)
    stats = workspace.stats().to_dict()
    assert stats["net_sentiment"]["value"] is not None


def test_corrections_win_and_survive_reanalysis(workspace) -> None:  # type: ignore[no-untyped-def]
    workspace.correct("facebook", "c2", sentiment="negative", spam="none", by="analyst@x")
    assert _row(workspace, "c2")["sentiment"] == "negative"
    workspace.enrich(everything=True)
    assert _row(workspace, "c2")["sentiment"] == "negative"
    fixes = workspace.corrections()
    assert set(fixes["field"]) == {"sentiment", "spam"}
    assert fixes["corrected_by"].iloc[0] == "analyst@x"


def test_bad_corrections_are_refused(workspace) -> None:  # type: ignore[no-untyped-def]
    from tinhieu.nlp.pipeline import CorrectionError

    with pytest.raises(CorrectionError, match="unknown label"):
        workspace.correct("facebook", "c2", sentiment="great")
    with pytest.raises(CorrectionError, match="no mention"):
        workspace.correct("facebook", "nope", sentiment="positive")
    with pytest.raises(CorrectionError, match="aspects"):
        workspace.correct("facebook", "c2", aspects='{"price": 1}')


def test_retrain_on_corrections_only(tmp_path: Path) -> None:
    """With --no-public, a workspace model learns the workspace's own notion of sentiment."""
    rows = [(f"n{i}", f"u{i}", f"vị chanh dây lần {i} hơi lạ") for i in range(30)]
    rows += [(f"p{i}", f"v{i}", f"vị vải thiều lần {i} hơi lạ") for i in range(30)]
    db = tmp_path / "r.duckdb"
    csv_path = _write(tmp_path / "r.csv", rows)
    runner = CliRunner()
    res = runner.invoke(main, ["--lang", "en", "import", str(csv_path), "--db", str(db)])
    assert res.exit_code == 0, res.output
    with open_workspace(db) as ws:
        for sid, _, _ in rows:
            label = "negative" if sid.startswith("n") else "positive"
            ws.correct("facebook", sid, sentiment=label)
    res = runner.invoke(main, ["--lang", "en", "nlp", "retrain", "--no-public", "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "Trained the workspace model" in res.output
    with open_workspace(db) as ws:
        out = ws.analyse(["vị chanh dây lần 99 hơi lạ", "vị vải thiều lần 99 hơi lạ"])
    assert [o["sentiment"]["label"] for o in out] == ["negative", "positive"]


def test_retrain_without_corrections_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    runner = CliRunner()
    runner.invoke(main, ["import", str(_write(tmp_path / "e.csv", ROWS[:2])), "--db", str(db)])
    res = runner.invoke(main, ["--lang", "en", "nlp", "retrain", "--no-public", "--db", str(db)])
    assert res.exit_code == 2
    assert "no text corrections" in res.output


def test_a_campaign_is_praise_in_a_burst() -> None:
    from tinhieu.nlp.pipeline import is_campaign

    hour = 3600.0
    burst = [0.0, 2 * hour, 5 * hour, 30 * 24 * hour]
    assert is_campaign(["positive"] * 4, burst)
    # the same praise spread over a month is people repeating a phrase
    assert not is_campaign(["positive"] * 4, [d * 24 * hour for d in (0, 7, 14, 21)])
    # a burst of complaints is a crisis, not seeding
    assert not is_campaign(["negative"] * 4, burst)
    assert not is_campaign([], [])
