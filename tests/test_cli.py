"""The command line, driven through click's runner on a real store."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from tinhieu.cli import main

ROWS = [
    [
        "p1",
        "facebook",
        "post",
        "",
        "Lan",
        "12000",
        "Trà Mây giao hàng chậm quá, chờ 2 tiếng",
        "01/03/2026 20:15",
        "120",
        "30",
        "5",
    ],
    [
        "p2",
        "tiktok",
        "video",
        "",
        "Minh",
        "350000",
        "Review tra may: ngon nhưng hơi ngọt #tramay",
        "02/03/2026 21:00",
        "1,2K",
        "80",
        "40",
    ],
    [
        "c1",
        "facebook",
        "comment",
        "p1",
        "Hoa",
        "90",
        '=HYPERLINK("http://x") ship lâu thật',
        "01/03/2026 20:40",
        "3",
        "",
        "",
    ],
    [
        "p3",
        "facebook",
        "post",
        "",
        "Phúc Long Fan",
        "5000",
        "Phúc Long hôm nay đông khách",
        "03/03/2026 09:00",
        "45",
        "2",
        "1",
    ],
]
HEADER = [
    "id",
    "platform",
    "type",
    "parent_id",
    "author",
    "followers",
    "text",
    "date",
    "likes",
    "comments",
    "shares",
]


@pytest.fixture()
def env(tmp_path: Path) -> dict[str, str]:
    src = tmp_path / "export.csv"
    with src.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(ROWS)
    return {"TINHIEU_DB": str(tmp_path / "t.duckdb"), "SRC": str(src), "DIR": str(tmp_path)}


def run(env: dict[str, str], *args: str, lang: str | None = None) -> tuple[int, str]:
    runner = CliRunner()
    extra = {"TINHIEU_DB": env["TINHIEU_DB"]}
    if lang:
        extra["TINHIEU_LANG"] = lang
    result = runner.invoke(main, list(args), env=extra, catch_exceptions=False)
    return result.exit_code, result.output


def test_help_lists_every_command(env: dict[str, str]) -> None:
    code, out = run(env, "--help")
    assert code == 0
    for command in ("demo", "import", "topic", "stats", "export"):
        assert command in out


def test_import_json_summary_and_languages(env: dict[str, str]) -> None:
    code, out = run(env, "import", env["SRC"], "--json")
    assert code == 0
    summary = json.loads(out)
    assert {
        k: summary[k]
        for k in ("read", "inserted", "updated", "duplicates", "rejected", "reject_file")
    } == {
        "read": 4,
        "inserted": 4,
        "updated": 0,
        "duplicates": 0,
        "rejected": 0,
        "reject_file": None,
    }
    code, out = run(env, "import", env["SRC"])
    assert "Đã nhập" in out and "trùng 4" in out
    code, out = run(env, "import", env["SRC"], lang="en")
    assert "Imported" in out and "duplicates 4" in out
    code, out = run(env, "--lang", "en", "import", env["SRC"])
    assert "Imported" in out


def test_topics_add_list_test_remove(env: dict[str, str]) -> None:
    run(env, "import", env["SRC"])
    code, out = run(
        env,
        "topic",
        "add",
        "Trà Mây",
        "--query",
        '"tra may" OR #tramay',
        "--group",
        "brand",
        lang="en",
    )
    assert code == 0 and "2 mentions match" in out
    code, out = run(
        env, "topic", "add", "Phúc Long", "--query", '"phuc long"', "--group", "competitor"
    )
    assert code == 0
    code, out = run(env, "topic", "list", "--json")
    listed = {t["name"]: t["mentions"] for t in json.loads(out)}
    assert listed == {"Trà Mây": 2, "Phúc Long": 1}
    code, out = run(
        env, "topic", "test", "--query", '(ship OR "giao hàng") NEAR/3 (chậm OR lâu)', "--json"
    )
    tested = json.loads(out)
    assert tested["count"] == 2
    code, out = run(env, "topic", "remove", "Phúc Long", lang="en")
    assert code == 0 and "Removed" in out
    code, out = run(env, "topic", "remove", "Phúc Long", lang="en")
    assert code == 2 and "No topic named" in out


def test_query_syntax_errors_name_the_position(env: dict[str, str]) -> None:
    run(env, "import", env["SRC"])
    code, out = run(env, "topic", "test", "--query", '"giao hàng" AND (chậm OR', lang="en")
    assert code == 2
    assert "Error" in out and "position" in out.lower()
    assert "^" in out
    assert "Traceback" not in out


def test_stats_json_and_text(env: dict[str, str]) -> None:
    run(env, "import", env["SRC"])
    run(env, "topic", "add", "Trà Mây", "--query", '"tra may" OR #tramay')
    run(env, "topic", "add", "Phúc Long", "--query", '"phuc long"', "--group", "competitor")
    code, out = run(env, "stats", "--json", "--group", "brand")
    assert code == 0
    data = json.loads(out)
    assert json.dumps(data)  # JSON-serialisable all the way down
    code, text_vi = run(env, "stats", "--group", "brand")
    code, text_en = run(env, "stats", "--group", "brand", lang="en")
    assert code == 0 and text_vi != text_en
    assert "Trà Mây" in text_en


def test_stats_without_a_store_is_a_clear_error(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["--lang", "en", "stats", "--db", str(tmp_path / "no.duckdb")])
    assert result.exit_code == 2
    assert "No store at" in result.output


def test_export_formats_and_spreadsheet_safety(env: dict[str, str]) -> None:
    from openpyxl import load_workbook

    run(env, "import", env["SRC"])
    out_dir = Path(env["DIR"])
    code, out = run(env, "export", str(out_dir / "m.csv"), lang="en")
    assert code == 0 and "Exported 4 mentions" in out
    with (out_dir / "m.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    hostile = next(r for r in rows if r["source_id"] == "c1")
    assert hostile["text"].startswith("'=HYPERLINK")  # inert in Excel
    code, _ = run(env, "export", str(out_dir / "m.parquet"), "--query", "platform:facebook")
    assert code == 0
    table = pq.read_table(out_dir / "m.parquet")
    assert sorted(table.column("source_id").to_pylist()) == ["c1", "p1", "p3"]
    code, _ = run(env, "export", str(out_dir / "m.xlsx"), "--since", "2026-03-02")
    assert code == 0
    ws = load_workbook(out_dir / "m.xlsx").active
    header = [c.value for c in ws[1]]
    ids = sorted(
        row[header.index("source_id")] for row in ws.iter_rows(min_row=2, values_only=True)
    )
    assert ids == ["p2", "p3"]
    texts = [row[header.index("text")] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert all(not str(t).startswith("=") for t in texts)


def test_import_reports_bad_files_in_one_line(env: dict[str, str]) -> None:
    empty = Path(env["DIR"]) / "empty.csv"
    empty.write_text("", encoding="utf-8")
    code, out = run(env, "import", str(empty), lang="en")
    assert code == 2
    assert out.strip().count("\n") == 0 and "empty" in out
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["--lang", "en", "import", str(empty)],
        env={"TINHIEU_DB": env["TINHIEU_DB"], "TINHIEU_LANG": ""},
    )
    assert result.output.startswith("Error:")


def test_demo_builds_a_small_workspace(tmp_path: Path) -> None:
    db = tmp_path / "demo" / "d.duckdb"
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["demo", "--db", str(db), "--days", "14", "--scale", "0.05", "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["mentions"] > 1000
    truth = json.loads((db.parent / "demo-truth.json").read_text("utf-8"))
    assert truth
    assert data["stats"]
    assert isinstance(data["signals"], list) and set(data["stages"]) == {"Lumi Tea"}
    assert all(s["severity"] >= 5 for s in data["signals"])
    # the early-warning section reads in Vietnamese by default
    text = runner.invoke(
        main, ["demo", "--db", str(db), "--days", "14", "--scale", "0.05"], catch_exceptions=False
    )
    assert "Cảnh báo sớm (Lumi Tea)" in text.output


def test_dates_as_vietnamese_users_type_them_and_clear_filter_errors(env: dict[str, str]) -> None:
    run(env, "import", env["SRC"])
    code, out = run(env, "stats", "--json", "--since", "02/03/2026")  # day first
    iso_code, iso_out = run(env, "stats", "--json", "--since", "2026-03-02")
    assert code == 0 and iso_code == 0
    assert json.loads(out)["volume"] == json.loads(iso_out)["volume"]
    code, out = run(env, "stats", "--since", "31/02/2026", lang="en")
    assert code == 2 and out.startswith("Error: cannot read the date") and "Traceback" not in out
    code, out = run(env, "stats", "--topic", "Không có", lang="en")
    assert code == 2 and "no topic" in out
    code, out = run(
        env, "export", str(Path(env["DIR"]) / "x.csv"), "--until", "02/03/2026", lang="en"
    )
    assert code == 0 and "Exported 3 mentions" in out  # 1 and 2 March, whole days
