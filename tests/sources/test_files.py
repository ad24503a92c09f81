"""The file readers: block splitting, line numbers, encodings, malformed rows."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinhieu.sources.files import (
    FileFormatError,
    csv_layout,
    detect_encoding,
    detect_format,
    read_csv,
    read_json,
    read_jsonl,
    read_xlsx,
)

_TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Encode as Windows does: precomposed base vowels (â, ơ, ư…), tones as combining
    marks, which is the only way cp1258 can write most Vietnamese letters."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        nfd = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))
        tones = "".join(c for c in nfd if c in _TONES)
        out += (base + tones).encode("cp1258")
    return bytes(out)


def _rows(path: Path, block: int = 1 << 20, fmt: str = "csv") -> tuple[list, list, list]:
    layout = csv_layout(path, fmt)
    rows, lines, rejects = [], [], []
    for chunk in read_csv(path, layout, block_bytes=block):
        rows.extend(tuple(r.values()) for r in chunk.table.to_pylist())
        lines.extend(chunk.lines)
        rejects.extend(chunk.rejects)
    return rows, lines, rejects


def _reference(text: str) -> tuple[list, list]:
    """Rows and their first physical line, by the standard library."""
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    rows, lines = [], []
    start = reader.line_num + 1
    for row in reader:
        if row and any(row):
            rows.append(tuple(row))
            lines.append(start)
        start = reader.line_num + 1
    return rows, lines


cell = st.text(alphabet=st.sampled_from([*'abc xyzàáạđươ,"\n\r;', "😀", "\t"]), max_size=12)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.lists(cell, min_size=3, max_size=3), min_size=1, max_size=30),
    block=st.integers(min_value=8, max_value=400),
    terminator=st.sampled_from(["\r\n", "\n"]),
)
def test_blocks_of_any_size_give_the_rows_and_lines_of_the_csv_module(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[list[str]],
    block: int,
    terminator: str,
) -> None:
    if terminator == "\n":
        # csv.writer leaves a lone \r unquoted with this terminator: an ambiguous file.
        rows = [[c.replace("\r", "") for c in r] for r in rows]
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator=terminator)
    writer.writerow(["id", "text", "likes"])
    writer.writerows(rows)
    text = buf.getvalue()
    path = tmp_path_factory.mktemp("csv") / "f.csv"
    path.write_bytes(text.encode("utf-8"))
    got_rows, got_lines, rejects = _rows(path, block)
    want_rows, want_lines = _reference(text)
    assert rejects == []
    assert got_rows == want_rows
    assert got_lines == want_lines


def test_malformed_rows_are_reported_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        'id,text,likes\n1,"two\nlines",3\n\n2,ok,4\n3,too,many,cols\n4,"x\ny\nz",1\n5,short\n'
        "6,fine,2\n",
        encoding="utf-8",
    )
    rows, lines, rejects = _rows(path)
    assert [r[0] for r in rows] == ["1", "2", "4", "6"]
    assert lines == [2, 5, 7, 11]
    assert [(r.line, r.reason) for r in rejects] == [
        (6, "expected 3 columns, found 4"),
        (10, "expected 3 columns, found 2"),
    ]
    assert json.loads(rejects[0].raw)["_extra"] == ["cols"]


def test_invalid_utf8_bytes_reject_only_their_row(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("id,text\n1,giao hàng nhanh\n".encode() + b"2,caf\xe9 ngon\n3,ok\n")
    rows, lines, rejects = _rows(path)
    assert rows == [("1", "giao hàng nhanh"), ("3", "ok")]
    assert lines == [2, 4]
    assert rejects[0].line == 3
    assert "not valid UTF-8" in rejects[0].reason


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter"),
    [
        ("utf-8", b"", ","),
        ("utf-8", b"\xef\xbb\xbf", ","),
        ("utf-16-le", b"\xff\xfe", "\t"),  # Excel's "Unicode text"
        ("cp1258", b"", ","),  # legacy Vietnamese Windows exports
        ("utf-8", b"", ";"),
    ],
)
def test_encodings_and_delimiters(
    tmp_path: Path, encoding: str, bom: bytes, delimiter: str
) -> None:
    text = delimiter.join(["Mã", "Nội dung", "Lượt thích"]) + "\n"
    text += (
        delimiter.join(
            [
                "a1",
                "Trà sữa ngon, giao nhanh" if delimiter != "," else '"Trà sữa ngon, giao nhanh"',
                "1,2K" if delimiter != "," else '"1,2K"',
            ]
        )
        + "\n"
    )
    text += delimiter.join(["a2", "Đóng gói đẹp quá", "12"]) + "\n"
    path = tmp_path / "f.csv"
    path.write_bytes(bom + (to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)))
    layout = csv_layout(path, "csv")
    assert layout.header == ["Mã", "Nội dung", "Lượt thích"]
    assert layout.delimiter == delimiter
    rows, lines, rejects = _rows(path)
    assert rejects == []
    assert lines == [2, 3]
    # cp1258 stores some letters decomposed; the reader hands back text that NFC turns
    # into the original (convert applies NFC).
    assert [unicodedata.normalize("NFC", r[1]) for r in rows] == [
        "Trà sữa ngon, giao nhanh",
        "Đóng gói đẹp quá",
    ]
    assert rows[0][2] == "1,2K"


def test_detect_encoding() -> None:
    assert detect_encoding("xin chào".encode()) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbfid") == "utf-8-sig"
    assert detect_encoding(b"\xff\xfei\x00d\x00") == "utf-16"
    assert detect_encoding(to_cp1258("Hà Nội đẹp, giao hàng nhanh")) == "cp1258"
    # A multi-byte character cut at the end of the sample is still UTF-8.
    assert detect_encoding("giao hàng".encode()[:-1]) == "utf-8"


def test_empty_and_binary_files_are_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\n\n")
    with pytest.raises(FileFormatError, match="empty"):
        csv_layout(empty, "csv")
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    with pytest.raises(FileFormatError):
        list(read_csv(binary, csv_layout(binary, "csv")))


def test_resume_from_offset_continues_exactly(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    lines = ["id,text"] + [f'{i},"row {i}\nsecond line"' for i in range(200)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    layout = csv_layout(path, "csv")
    chunks = list(read_csv(path, layout, block_bytes=300))
    assert len(chunks) > 3
    third = chunks[2]
    resumed = list(read_csv(path, layout, third.end_offset, third.end_line, block_bytes=300))
    rest_ids = [r["id"] for c in resumed for r in c.table.to_pylist()]
    rest_lines = [ln for c in resumed for ln in c.lines]
    want = [
        (r["id"], ln)
        for c in chunks[3:]
        for r, ln in zip(c.table.to_pylist(), c.lines, strict=True)
    ]
    assert list(zip(rest_ids, rest_lines, strict=True)) == want
    assert want[-1] == ("199", 2 + 199 * 2)


def test_jsonl_reader_numbers_lines_and_rejects_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text(
        '{"id": 1, "text": "ngon", "author": {"name": "Lan", "followers": 1200}}\n'
        "\n"
        '{"id": 2, "text": "dở"\n'
        "[1, 2]\n"
        '{"id": 3, "text": "ok", "tags": ["a", "b"]}\n',
        encoding="utf-8",
    )
    chunks = list(read_jsonl(path))
    rows = [r for c in chunks for r in c.table.to_pylist()]
    assert [c for ch in chunks for c in ch.lines] == [1, 5]
    assert rows[0]["author.name"] == "Lan"
    assert rows[0]["author.followers"] == "1200"
    assert rows[1]["tags"] == '["a", "b"]'
    rejects = [r for c in chunks for r in c.rejects]
    assert [(r.line, r.reason.split(":")[0]) for r in rejects] == [
        (3, "invalid JSON"),
        (4, "a JSON line must be an object"),
    ]


def test_json_array_and_wrapped_array(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(
        json.dumps({"data": [{"id": "a", "text": "x"}, 5, {"id": "b"}]}), encoding="utf-8"
    )
    chunks = list(read_json(path))
    assert [r["id"] for c in chunks for r in c.table.to_pylist()] == ["a", "b"]
    assert [r.line for c in chunks for r in c.rejects] == [2]
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": 1}, ', encoding="utf-8")
    with pytest.raises(FileFormatError, match="invalid JSON"):
        list(read_json(bad))


def test_xlsx_reader(tmp_path: Path) -> None:
    from datetime import datetime

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append([])  # a blank first row: the header is the first non-empty one
    ws.append(["Nội dung", "Ngày đăng", "Lượt thích"])
    ws.append(["Ngon quá", datetime(2026, 3, 1, 20, 15), 1200])
    ws.append([None, None, None])
    ws.append(["Ship chậm", "01/03/2026 21:00", 3.0])
    path = tmp_path / "m.xlsx"
    wb.save(path)
    chunks = list(read_xlsx(path))
    rows = [r for c in chunks for r in c.table.to_pylist()]
    assert [ln for c in chunks for ln in c.lines] == [3, 5]
    assert rows[0] == {
        "Nội dung": "Ngon quá",
        "Ngày đăng": "2026-03-01 20:15:00",
        "Lượt thích": "1200",
    }
    assert rows[1]["Lượt thích"] == "3"
    assert detect_format(path) == "xlsx"
