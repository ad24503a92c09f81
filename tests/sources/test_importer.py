"""File import end to end: counts, rejects, re-imports, encodings, crashes, resume."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tinhieu.sources.importer import ImportFailure, ImportOptions, import_file
from tinhieu.store import open_store

HEADER = ["Mã", "Nền tảng", "Tác giả", "Nội dung", "Ngày đăng", "Lượt thích", "Chia sẻ", "Ghi chú"]


def write_csv(
    path: Path, rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def good_rows(n: int, start: int = 0) -> list[list[str]]:
    return [
        [
            f"p{i}",
            "Facebook",
            f"Người {i}",
            f"Trà sữa số {i} ngon quá",
            f"0{1 + i % 9}/03/2026 20:15",
            "1,2K" if i % 2 else str(i),
            str(i % 7),
            f"note {i}",
        ]
        for i in range(start, start + n)
    ]


def read_rejects(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_import_maps_vietnamese_headers_and_parses_values(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "fb.csv", good_rows(3))
    store = open_store(tmp_path / "s.duckdb")
    summary = import_file(store, src)
    assert (
        summary.read,
        summary.inserted,
        summary.updated,
        summary.duplicates,
        summary.rejected,
        summary.reject_file,
    ) == (3, 3, 0, 0, 0, None)
    rows = store.fetch_arrow(
        "SELECT source_id, platform, kind, author_name, text, created_at, source_tz, likes, "
        "shares, attrs FROM mentions ORDER BY source_id"
    ).to_pylist()
    first, second = rows[0], rows[1]
    assert first["platform"] == "facebook" and first["kind"] == "post"
    # 20:15 in Vietnam (no zone in the file) is 13:15 UTC.
    assert first["created_at"] == datetime(2026, 3, 1, 13, 15, tzinfo=UTC)
    assert first["source_tz"] == "assumed:Asia/Ho_Chi_Minh"
    assert second["likes"] == 1200  # "1,2K"
    assert json.loads(first["attrs"]) == {"Ghi chú": "note 0"}  # unknown column kept


def test_reimport_never_duplicates_and_changed_counts_update(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.duckdb")
    src = write_csv(tmp_path / "a.csv", good_rows(50))
    import_file(store, src)
    again = import_file(store, src)
    assert (again.read, again.inserted, again.updated, again.duplicates) == (50, 0, 0, 50)
    rows = good_rows(50)
    rows[10][5] = "999"
    rows.append(good_rows(1, start=50)[0])
    changed = write_csv(tmp_path / "b.csv", rows)
    third = import_file(store, changed)
    assert (third.inserted, third.updated, third.duplicates) == (1, 1, 49)
    assert store.count_mentions("default") == 51
    assert store.check_unique() == 0
    assert store.fetch_all("SELECT likes FROM mentions WHERE source_id = 'p10'")[0][0] == 999


def test_bad_rows_go_to_the_reject_file_with_line_and_reason(tmp_path: Path) -> None:
    rows = good_rows(2)
    rows.append(["", "Facebook", "A", "", "01/03/2026 10:00", "1", "0", ""])  # no text, no id
    rows.append(["p90", "Facebook", "A", "ok", "31/02/2026 10:00", "1", "0", ""])  # bad date
    rows.append(["p91", "Facebook", "A", "ok", "01/03/2026 10:00", "-5", "0", ""])  # negative
    rows.append(["p92", "Facebook", "A", "x" * (10 << 20), "01/03/2026 10:00", "1", "0", ""])
    rows.append(["p93", "Facebook", "A", "dòng\nhai dòng", "01/03/2026 10:00", "1", "0", ""])
    rows.append(["p94", "Facebook", "A", "ok", "", "1", "0", ""])  # no date
    src = write_csv(tmp_path / "bad.csv", rows)
    with src.open("a", encoding="utf-8") as f:
        f.write("p95,Facebook,too,many,columns,here,1,2,3\n")
        f.write("p96,Facebook,B,cuối cùng,02/03/2026 08:00,3,1,\n")
    store = open_store(tmp_path / "s.duckdb")
    summary = import_file(store, src)
    assert (summary.read, summary.inserted, summary.rejected) == (10, 4, 6)
    assert summary.reject_file is not None
    rejects = read_rejects(summary.reject_file)
    got = [(r["_line"], r["_reason"].split(":")[0]) for r in rejects]
    assert got == [
        ("4", "row has neither text nor id"),
        ("5", "created_at"),
        ("6", "likes"),
        ("7", "field 'Nội dung' is 10.5 MB (limit 1 MB)"),
        ("10", "missing date (created_at)"),
        ("11", "expected 8 columns, found 9"),
    ]
    assert all(r["_file"] == str(src) for r in rejects)
    assert rejects[1]["Ngày đăng"] == "31/02/2026 10:00"  # original values kept
    assert len(rejects[3]["Nội dung"]) == 10 << 20  # nothing lost, even the junk
    stored = {r[0] for r in store.fetch_all("SELECT source_id FROM mentions")}
    assert stored == {"p0", "p1", "p93", "p96"}
    assert store.fetch_all("SELECT text FROM mentions WHERE source_id = 'p93'")[0][0] == (
        "dòng\nhai dòng"
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1258"])
def test_encodings_are_detected_and_text_is_stored_nfc(tmp_path: Path, encoding: str) -> None:
    from tests.sources.test_files import to_cp1258

    rows = [["p1", "facebook", "Lan", "Giao hàng nhanh, đóng gói đẹp", "01/03/2026", "3", "1", ""]]
    path = tmp_path / "e.csv"
    if encoding == "cp1258":
        text = ",".join(HEADER) + "\n" + ",".join(f'"{c}"' for c in rows[0]) + "\n"
        path.write_bytes(to_cp1258(text))
    else:
        delimiter = "\t" if encoding == "utf-16" else ","
        with path.open("w", encoding=encoding, newline="") as f:
            w = csv.writer(f, delimiter=delimiter)
            w.writerow(HEADER)
            w.writerows(rows)
    store = open_store(tmp_path / "s.duckdb")
    summary = import_file(store, path)
    assert (summary.inserted, summary.rejected) == (1, 0)
    text = store.fetch_all("SELECT text FROM mentions")[0][0]
    assert text == "Giao hàng nhanh, đóng gói đẹp"
    assert unicodedata.is_normalized("NFC", text)


def test_decomposed_text_is_stored_composed(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Trà sữa Đà Nẵng")
    src = write_csv(
        tmp_path / "nfd.csv", [["p1", "tiktok", "A", nfd, "2026-03-01T10:00:00Z", "1", "0", ""]]
    )
    store = open_store(tmp_path / "s.duckdb")
    import_file(store, src)
    assert store.fetch_all("SELECT text FROM mentions")[0][0] == "Trà sữa Đà Nẵng"


def test_jsonl_and_xlsx_imports(tmp_path: Path) -> None:
    from openpyxl import Workbook

    jsonl = tmp_path / "m.jsonl"
    jsonl.write_text(
        json.dumps(
            {
                "id": "v1",
                "platform": "youtube",
                "text": "Review trà sữa",
                "created_at": 1772370000,
                "views": 1500,
                "like_count": 20,
            }
        )
        + "\n"
        + "{broken\n",
        encoding="utf-8",
    )
    wb = Workbook()
    ws = wb.active
    ws.append(["Nội dung", "Ngày đăng", "Lượt thích", "Nền tảng"])
    ws.append(["Ngon quá", datetime(2026, 3, 1, 20, 15), 1200, "TikTok"])
    xlsx = tmp_path / "m.xlsx"
    wb.save(xlsx)
    store = open_store(tmp_path / "s.duckdb")
    s1 = import_file(store, jsonl)
    assert (s1.inserted, s1.rejected) == (1, 1)
    assert read_rejects(s1.reject_file or "")[0]["_line"] == "2"
    s2 = import_file(store, xlsx)
    assert (s2.inserted, s2.rejected) == (1, 0)
    again = import_file(store, xlsx)  # no id column: the derived id is stable
    assert (again.inserted, again.duplicates) == (0, 1)
    rows = dict(store.fetch_all("SELECT platform, likes FROM mentions"))
    assert rows == {"youtube": 20, "tiktok": 1200}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "binary"),
        (b"colour,shape\nred,round\n", "no column looks like the text or the id"),
    ],
)
def test_files_that_cannot_be_imported_give_one_clear_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    store = open_store(tmp_path / "s.duckdb")
    with pytest.raises(ImportFailure, match=message):
        import_file(store, path)
    assert store.count_mentions("default") == 0


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFailure, match="file not found"):
        import_file(open_store(":memory:"), tmp_path / "nope.csv")


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tinhieu.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


SMALL = ("--chunk-bytes", "8192", "--commit-rows", "1")  # one transaction per small chunk


@pytest.mark.parametrize("fault", ["kill-after-chunk:3", "kill-in-chunk:3"])
def test_kill_9_mid_import_then_rerun_completes_exactly(tmp_path: Path, fault: str) -> None:
    rows = good_rows(2000)
    rows[1500][4] = "not a date"
    src = write_csv(tmp_path / "big.csv", rows)
    db = str(tmp_path / "s.duckdb")
    killed = _cli(
        "import",
        str(src),
        "--db",
        db,
        "--json",
        *SMALL,
        env={"TINHIEU_FAULT": fault},
    )
    assert killed.returncode == -9, killed.stderr
    with open_store(db) as store:
        partial = store.count_mentions("default")
        assert 0 < partial < 1999
        assert store.check_unique() == 0
    done = _cli("import", str(src), "--db", db, "--json", *SMALL)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["resumed"] is True
    assert (summary["read"], summary["inserted"], summary["rejected"]) == (2000, 1999, 1)
    assert summary["duplicates"] == 0
    assert [r["_line"] for r in read_rejects(summary["reject_file"])] == ["1502"]
    with open_store(db) as store:
        assert store.count_mentions("default") == 1999
        assert store.check_unique() == 0
    third = json.loads(_cli("import", str(src), "--db", db, "--json").stdout)
    assert (third["inserted"], third["duplicates"], third["resumed"]) == (0, 1999, False)


def test_placeholder_dates_are_rejected_not_stored_as_null(tmp_path: Path) -> None:
    rows = good_rows(2)
    rows[1][4] = "N/A"
    store = open_store(tmp_path / "s.duckdb")
    summary = import_file(store, write_csv(tmp_path / "p.csv", rows))
    assert (summary.inserted, summary.rejected) == (1, 1)
    assert read_rejects(summary.reject_file or "")[0]["_reason"] == "missing date (created_at)"


def test_mapping_file_names_columns_defaults_and_options(tmp_path: Path) -> None:
    src = tmp_path / "odd.csv"
    src.write_text(
        "Thời điểm|Nội dung bình luận|Số tim|Mã BL\n"
        "03/01/2026 08:00|Ship nhanh, trà ngon|15|c1\n"
        "03/02/2026 09:30|Đóng gói hơi ẩu|2|c2\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[columns]\ncreated_at = "Thời điểm"\ntext = "Nội dung bình luận"\n'
        'likes = "Số tim"\nsource_id = "Mã BL"\n'
        '[defaults]\nplatform = "tiktok"\nkind = "comment"\n'
        '[options]\ndelimiter = "|"\ndayfirst = false\ntimezone = "UTC"\n',
        encoding="utf-8",
    )
    store = open_store(tmp_path / "s.duckdb")
    summary = import_file(store, src, ImportOptions(mapping_file=mapping))
    assert (summary.inserted, summary.rejected) == (2, 0)
    rows = store.fetch_arrow(
        "SELECT source_id, platform, kind, likes, created_at, source_tz FROM mentions "
        "ORDER BY source_id"
    ).to_pylist()
    assert rows[0]["platform"] == "tiktok" and rows[0]["kind"] == "comment"
    assert rows[0]["likes"] == 15
    # month first (dayfirst = false) and read in UTC, as the mapping file says
    assert rows[0]["created_at"] == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    assert rows[1]["created_at"] == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert rows[0]["source_tz"] == "assumed:UTC"


def test_a_mapping_file_naming_a_missing_column_is_a_clear_error(tmp_path: Path) -> None:
    from tinhieu.sources.columns import MappingError

    src = write_csv(tmp_path / "a.csv", good_rows(1))
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\ntext = "Không có cột này"\n', encoding="utf-8")
    with pytest.raises(MappingError, match="Không có cột này"):
        import_file(open_store(":memory:"), src, ImportOptions(mapping_file=mapping))


def test_placeholder_ids_do_not_merge_rows(tmp_path: Path) -> None:
    rows = good_rows(3)
    for r in rows:
        r[0] = "N/A"
    store = open_store(tmp_path / "s.duckdb")
    summary = import_file(store, write_csv(tmp_path / "na.csv", rows))
    assert (summary.inserted, summary.duplicates) == (3, 0)
    ids = [r[0] for r in store.fetch_all("SELECT source_id FROM mentions")]
    assert all(i.startswith("h:") for i in ids) and len(set(ids)) == 3


def test_a_reimport_without_kind_keeps_the_stored_kind_and_merges_attrs(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.duckdb")
    first = tmp_path / "first.csv"
    write_csv(
        first,
        [["r1", "facebook", "reply", "hay", "01/03/2026 10:00", "1", "a"]],
        header=["id", "platform", "type", "text", "date", "likes", "note"],
    )
    import_file(store, first)
    second = tmp_path / "second.csv"
    write_csv(
        second,
        [["r1", "facebook", "hay", "01/03/2026 10:00", "5", "x"]],
        header=["id", "platform", "text", "date", "likes", "campaign"],
    )
    summary = import_file(store, second)
    assert summary.updated == 1
    kind, likes, attrs = store.fetch_all("SELECT kind, likes, attrs FROM mentions")[0]
    assert (kind, likes) == ("reply", 5)
    assert json.loads(attrs) == {"note": "a", "campaign": "x"}
    new = tmp_path / "third.csv"
    write_csv(
        new,
        [["p9", "tiktok", "mới", "01/03/2026 10:00", "1", ""]],
        header=["id", "platform", "text", "date", "likes", "campaign"],
    )
    import_file(store, new)
    row = store.fetch_all("SELECT kind, attrs FROM mentions WHERE source_id = 'p9'")[0]
    assert row == ("post", None)  # nothing says otherwise; an empty cell is no attribute


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "Mars/Olympus"),
        ({"encoding": "klingon-8"}, "unknown encoding 'klingon-8'"),
        ({"platform": "myspace"}, "unknown platform 'myspace'"),
    ],
)
def test_bad_options_are_one_line_errors(tmp_path: Path, options: dict, message: str) -> None:
    store = open_store(tmp_path / "s.duckdb")
    with pytest.raises(ImportFailure, match=message):
        import_file(store, write_csv(tmp_path / "a.csv", good_rows(2)), ImportOptions(**options))
    assert store.fetch_all("SELECT count(*) FROM imports WHERE status = 'running'")[0][0] == 0


def test_platform_option_wins_and_unknown_platform_values_fall_back_to_it(
    tmp_path: Path,
) -> None:
    src = tmp_path / "k.csv"
    write_csv(
        src,
        [
            ["1", "Fanpage Trà Mây", "ngon", "01/03/2026 10:00"],
            ["2", "TikTok", "ngon", "01/03/2026 10:00"],
        ],
        header=["id", "Kênh", "text", "date"],
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text('[defaults]\nplatform = "youtube"\n', encoding="utf-8")
    store = open_store(tmp_path / "s.duckdb")
    import_file(store, src, ImportOptions(platform="fb", mapping_file=str(mapping)))
    rows = store.fetch_arrow(
        "SELECT source_id, platform, attrs FROM mentions ORDER BY 1"
    ).to_pylist()
    assert [r["platform"] for r in rows] == ["facebook", "tiktok"]
    assert json.loads(rows[0]["attrs"]) == {"platform_raw": "Fanpage Trà Mây"}


def test_month_first_dates_are_recognised_from_the_column(tmp_path: Path) -> None:
    src = write_csv(
        tmp_path / "us.csv",
        [["1", "a", "03/25/2026 10:00"], ["2", "b", "03/02/2026 10:00"]],
        header=["id", "text", "date"],
    )
    store = open_store(tmp_path / "s.duckdb")
    import_file(store, src, ImportOptions(timezone="UTC"))
    got = dict(store.fetch_all("SELECT source_id, created_at FROM mentions"))
    assert got["1"] == datetime(2026, 3, 25, 10, tzinfo=UTC)
    assert got["2"] == datetime(2026, 3, 2, 10, tzinfo=UTC)  # the column is month-first


def test_a_json_dump_without_extension_and_a_url_only_row(tmp_path: Path) -> None:
    src = tmp_path / "dump"
    src.write_text(
        json.dumps(
            {
                "data": [
                    {"url": "https://fb.com/p/1", "created_time": "2026-03-01T10:00:00+0700"},
                    {"id": "2", "message": "ok", "created_time": "2026-03-01T11:00:00+0700"},
                ]
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    store = open_store(tmp_path / "s.duckdb")
    summary = import_file(store, src)
    assert (summary.format, summary.inserted, summary.rejected) == ("json", 2, 0)


def test_a_fixed_reject_file_imports_cleanly(tmp_path: Path) -> None:
    rows = good_rows(2)
    rows[1][4] = "31/02/2026 10:00"
    store = open_store(tmp_path / "s.duckdb")
    first = import_file(store, write_csv(tmp_path / "a.csv", rows))
    rejects = Path(first.reject_file or "")
    fixed = rejects.read_text("utf-8-sig").replace("31/02/2026", "28/02/2026")
    rejects.write_text(fixed, encoding="utf-8-sig")
    again = import_file(store, rejects)
    assert (again.inserted, again.rejected) == (1, 0)
    attrs = store.fetch_all("SELECT attrs FROM mentions WHERE source_id = 'p1'")[0][0]
    assert json.loads(attrs) == {"Ghi chú": "note 1"}  # no _file/_line/_reason


def test_a_reimport_with_parent_but_no_kind_keeps_a_reply(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.duckdb")
    header = ["id", "parent_id", "type", "text", "date"]
    write_csv(
        tmp_path / "a.csv",
        [
            ["r1", "c1", "reply", "hay", "01/03/2026 10:00"],
            ["c2", "p1", "", "ok", "01/03/2026 10:00"],
        ],
        header=header,
    )
    import_file(store, tmp_path / "a.csv")
    write_csv(
        tmp_path / "b.csv",
        [["r1", "c1", "hay", "01/03/2026 10:00"]],
        header=["id", "parent_id", "text", "date"],
    )
    import_file(store, tmp_path / "b.csv")
    assert dict(store.fetch_all("SELECT source_id, kind FROM mentions")) == {
        "r1": "reply",
        "c2": "comment",
    }


def test_a_file_identified_by_urls_only(tmp_path: Path) -> None:
    src = write_csv(
        tmp_path / "u.csv",
        [
            ["https://vnexpress.net/a-1.html", "01/03/2026"],
            ["https://vnexpress.net/b-2.html", "02/03/2026"],
        ],
        header=["url", "date"],
    )
    store = open_store(tmp_path / "s.duckdb")
    assert import_file(store, src, ImportOptions(platform="news")).inserted == 2
    assert import_file(store, src, ImportOptions(platform="news")).duplicates == 2


@pytest.mark.parametrize("commit_rows", [1, 700, 10**6])
def test_grouping_chunks_into_transactions_changes_nothing(
    tmp_path: Path, commit_rows: int
) -> None:
    rows = good_rows(1500)
    rows[700][4] = "bad date"
    src = write_csv(tmp_path / "g.csv", rows)
    store = open_store(tmp_path / "s.duckdb")
    summary = import_file(store, src, ImportOptions(chunk_bytes=4096, commit_rows=commit_rows))
    assert (summary.read, summary.inserted, summary.rejected) == (1500, 1499, 1)
    assert read_rejects(summary.reject_file or "")[0]["_line"] == "702"
    assert store.fetch_all("SELECT next_line FROM imports")[0][0] == 1502
