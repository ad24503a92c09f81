"""The drop folder: settled files imported with the core importer, moved to done/ or
failed/ (with a reason file), partial files left alone, reruns without duplicates."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from tests.sources.connectors.conftest import WS, stored_ids
from tinhieu.sources.connectors.base import ConfigError
from tinhieu.sources.connectors.collect import SourceResult
from tinhieu.sources.connectors.config import parse_config
from tinhieu.sources.connectors.dropfolder import DropFolder, collect_dropfolder, is_partial_name
from tinhieu.store import DuckDBStore

CSV = (
    "ID,Nội dung,Ngày đăng,Tác giả,Lượt thích,Nền tảng\n"
    "p1,Trà sữa Mây ngon quá 🧋,01/03/2026 10:15,Lan,12,facebook\n"
    'p2,"Giao hàng chậm, thất vọng 😤",02/03/2026 21:00,Minh,3,facebook\n'
    "p3,Giá ổn,03/03/2026 08:00,Hoa,0,tiktok\n"
)


def _old(path: Path, seconds: float = 120) -> Path:
    past = time.time() - seconds
    os.utime(path, (past, past))
    return path


def _drop(folder: Path, name: str, text: str, *, settled: bool = True) -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return _old(path) if settled else path


def run_one(store: DuckDBStore, spec: dict[str, Any]) -> SourceResult:
    (source,) = parse_config({"sources": {"src": spec}}).sources
    result: SourceResult = collect_dropfolder(store, WS, source)
    return result


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "drop"
    out.mkdir()
    return out


def test_partial_names() -> None:
    assert is_partial_name(".export.csv") and is_partial_name("~$bao-cao.xlsx")
    assert is_partial_name("export.csv.part") and is_partial_name("x.CRDOWNLOAD")
    assert is_partial_name("bad.csv.reason.txt") and not is_partial_name("export.csv")


def test_imports_settled_files_and_moves_them(store: DuckDBStore, folder: Path) -> None:
    _drop(folder, "binh-luan.csv", CSV)
    _drop(folder, "dang-ghi.csv.part", CSV)
    _drop(folder, ".an.csv", CSV)
    _drop(folder, "ghi-chu.txt", "không phải dữ liệu")
    _drop(folder, "moi.csv", CSV.replace("p1", "n1"), settled=False)  # still being written
    _drop(folder, "hong.csv", "cot_a,cot_b\n1,2\n")  # nothing a mention can come from
    drop = DropFolder("d", {"path": str(folder), "settle_seconds": 30})
    result = drop.scan(store, WS)
    outcome = {f.file: f for f in result.files}
    assert set(outcome) == {"binh-luan.csv", "hong.csv"}
    assert outcome["binh-luan.csv"].status == "done" and outcome["binh-luan.csv"].inserted == 3
    assert (folder / "done" / "binh-luan.csv").exists() and not (folder / "binh-luan.csv").exists()
    assert outcome["hong.csv"].status == "failed"
    reason = (folder / "failed" / "hong.csv.reason.txt").read_text("utf-8")
    assert "no column looks like the text" in reason
    assert result.waiting == ["moi.csv"]
    assert {".an.csv", "dang-ghi.csv.part", "ghi-chu.txt"} <= set(result.ignored)
    assert stored_ids(store) == {"p1", "p2", "p3"}
    rows = dict(store.fetch_all("SELECT source_id, likes FROM mentions WHERE workspace = ?", [WS]))
    assert rows["p1"] == 12
    # the writer finishes: the file settles and is imported on the next scan
    _old(folder / "moi.csv")
    later = drop.scan(store, WS)
    assert [f.file for f in later.files] == ["moi.csv"] and later.files[0].inserted == 1


def test_a_file_dropped_again_never_duplicates(store: DuckDBStore, folder: Path) -> None:
    drop = DropFolder("d", {"path": str(folder), "settle_seconds": 1})
    _drop(folder, "binh-luan.csv", CSV)
    drop.scan(store, WS)
    _drop(folder, "binh-luan.csv", CSV)  # the same export, placed again
    again = drop.scan(store, WS)
    assert again.files[0].status == "done"
    assert again.files[0].inserted == 0 and again.files[0].duplicates == 3
    done = sorted(p.name for p in (folder / "done").iterdir() if p.suffix == ".csv")
    assert len(done) == 2 and "binh-luan.csv" in done  # the second copy got a time stamp
    assert store.check_unique() == 0
    count = store.fetch_all("SELECT count(*) FROM mentions WHERE workspace = ?", [WS])
    assert count == [(3,)]


def test_a_growing_file_waits_until_it_is_stable(store: DuckDBStore, folder: Path) -> None:
    drop = DropFolder("d", {"path": str(folder), "settle_seconds": 0})
    path = _drop(folder, "dang-tai.csv", CSV.splitlines(keepends=True)[0])
    drop.candidates()  # first look: header only
    with path.open("a", encoding="utf-8") as f:
        f.write(CSV.splitlines(keepends=True)[1])
    _old(path)  # even with an old time, the size changed since the last look
    ready, waiting, _ = drop.candidates()
    assert ready == [] and waiting == ["dang-tai.csv"]
    ready, waiting, _ = drop.candidates()  # unchanged since: ready
    assert [p.name for p in ready] == ["dang-tai.csv"]


def test_preset_and_configured_source(store: DuckDBStore, folder: Path) -> None:
    export = (
        '"Report:","Mentions"\n'
        '"Brand:","Trà sữa Mây"\n'
        '"Date Range:","01 Mar 2026 - 07 Mar 2026"\n'
        "\n"
        "Query Id,Query Name,Date,Title,Url,Page Type,Author,Full Text,Resource Id,Likes\n"
        "1998,Mây,2026-03-01 10:15:00.0,,https://x.com/a/status/1,twitter,lan,"
        "Trà sữa ngon 🧋,bw1,4\n"
    )
    _drop(folder, "brandwatch.csv", export)
    spec = {"type": "dropfolder", "path": str(folder), "preset": "brandwatch"}
    result = run_one(store, spec)
    assert result.status == "ok", result.problems
    assert result.inserted == 1 and stored_ids(store, "x") == {"bw1"}
    runs = store.fetch_all("SELECT source, status, inserted FROM source_runs")
    assert runs == [("src", "ok", 1)]
    _drop(folder, "khong-hop-le.csv", "a,b\n1,2\n")
    failed = run_one(store, spec)
    assert failed.status == "failed" and failed.problems[0].query == "khong-hop-le.csv"
    assert (folder / "failed" / "khong-hop-le.csv.reason.txt").exists()
    with pytest.raises(ConfigError, match="preset"):
        parse_config({"sources": {"d": {"type": "dropfolder", "path": "x", "preset": "nope"}}})
    with pytest.raises(ConfigError, match="not both"):
        parse_config(
            {
                "sources": {
                    "d": {
                        "type": "dropfolder",
                        "path": "x",
                        "preset": "sprout",
                        "mapping": "m.toml",
                    }
                }
            }
        )
    missing = run_one(store, {"type": "dropfolder", "path": str(folder / "khong-co")})
    assert missing.status == "failed" and missing.problems[0].kind == "config"


def test_collect_runs_a_drop_folder_like_any_source(store: DuckDBStore, folder: Path) -> None:
    from tinhieu.sources.connectors.collect import collect_source

    _drop(folder, "export.csv", CSV)
    (source,) = parse_config(
        {"sources": {"tha": {"type": "dropfolder", "path": str(folder)}}}
    ).sources
    result = collect_source(store, WS, source)
    assert result.status == "ok", result.problems
    assert result.inserted == 3
    assert (folder / "done" / "export.csv").exists()
