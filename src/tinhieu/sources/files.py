"""Readers for the files users bring: CSV/TSV, JSON/JSONL and XLSX.

A reader yields :class:`RawChunk` objects: a table of the file's own columns as
strings, the physical line number of each row, the rows that could not be read at all
(with their line and reason), and the position to resume from after the chunk. Turning
raw columns into Mentions is :mod:`tinhieu.sources.convert`'s job.

CSV is parsed by pyarrow in blocks that end on a record boundary. A block boundary is a
newline outside quotes: under RFC 4180 a newline is inside a quoted field exactly when
an odd number of quote characters precede it in the record stream, and blocks always
start at a record boundary, so counting quotes within the block is enough. Knowing the
line a block starts on, each row's line is that plus the newlines of the rows before
it. A block in which pyarrow finds a malformed row (or bytes that are not valid in the
file's encoding) is re-read with the standard library's ``csv`` module, which reports
exact line numbers for every row, good or bad.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from tinhieu.store.base import Reject

BLOCK_BYTES: Final[int] = 32 << 20
JSON_CHUNK_ROWS: Final[int] = 50_000
XLSX_CHUNK_ROWS: Final[int] = 20_000
SNIFF_BYTES: Final[int] = 64 << 10

FORMATS: Final[tuple[str, ...]] = ("csv", "tsv", "json", "jsonl", "xlsx")
_EXTENSIONS: Final[dict[str, str]] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
}


class FileFormatError(ValueError):
    """The file as a whole cannot be imported (empty, not tabular, unknown encoding)."""


@dataclass(slots=True)
class RawChunk:
    table: pa.Table  # the file's columns, all strings (NULL where a cell is absent)
    lines: list[int]  # physical line (or spreadsheet row) of each table row
    rejects: list[Reject] = field(default_factory=list)  # rows that could not be parsed
    end_offset: int = 0  # resume position after this chunk (reader-specific unit)
    end_line: int = 1  # line the next chunk starts on
    bytes_done: int = 0  # progress, in bytes of the source file


def detect_format(path: Path, declared: str | None = None) -> str:
    if declared:
        if declared not in FORMATS:
            raise FileFormatError(f"unknown format '{declared}' (choose: {', '.join(FORMATS)})")
        return declared
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt:
        return fmt
    with path.open("rb") as f:
        head = f.read(1 << 20).lstrip(codecs.BOM_UTF8)
    if head[:2] == b"PK":
        return "xlsx"
    start = head.lstrip()[:1]
    if start == b"[":
        return "json"
    if start == b"{":
        # JSONL when the first line is a whole object; otherwise one JSON document
        # such as an API dump {"data": [...]} spread over lines.
        first = head.lstrip().split(b"\n", 1)[0]
        try:
            json.loads(first)
        except ValueError:
            return "json"
        return "jsonl"
    return "csv"


# --- encodings -------------------------------------------------------------------------
def detect_encoding(sample: bytes) -> str:
    """Name of the codec for a file starting with ``sample``.

    BOMs decide first (UTF-8, UTF-16 as Excel's "Unicode text" writes it); then valid
    UTF-8; then UTF-16 without BOM (many NUL bytes); otherwise Windows-1258, the legacy
    Vietnamese code page, unless charset-normalizer is confident of another.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the end of the sample is still UTF-8.
        if exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    # Mostly valid UTF-8 with a few stray bytes: UTF-8, and those rows are rejected.
    decoded = sample.decode("utf-8", errors="replace")
    bad = decoded.count("\ufffd")
    good = sum(1 for ch in decoded if ord(ch) > 127) - bad
    if good and good >= bad:
        return "utf-8"
    if sample.count(b"\x00") > len(sample) // 4:
        return "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=["cp1258", "cp1252", "utf_8"]).best()
    if best is not None and best.encoding in ("cp1252",) and best.chaos < 0.05:
        return "cp1252"
    return "cp1258"


class _Utf8Stream:
    """Binary reads of a file as UTF-8, transcoding on the fly when it is not."""

    def __init__(self, raw: IO[bytes], encoding: str) -> None:
        self.raw = raw
        self.encoding = encoding
        self.native = encoding in ("utf-8", "utf-8-sig")
        self._decoder = None if self.native else codecs.getincrementaldecoder(encoding)()
        self._pending = b""
        self.eof = False

    def read(self, n: int) -> bytes:
        if self.native:
            data = self.raw.read(n)
            if not data:
                self.eof = True
            return data
        out = bytearray(self._pending)
        self._pending = b""
        while len(out) < n and not self.eof:
            data = self.raw.read(n)
            assert self._decoder is not None
            out += self._decoder.decode(data, final=not data).encode("utf-8")
            if not data:
                self.eof = True
        if len(out) > n:
            self._pending = bytes(out[n:])
            del out[n:]
        return bytes(out)

    def raw_position(self) -> int:
        return self.raw.tell()


# --- CSV ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CsvLayout:
    encoding: str
    delimiter: str
    header: list[str]
    data_offset: int  # offset (in the UTF-8 stream) of the first data row
    data_line: int  # line number of the first data row


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, raw in enumerate(names):
        name = unicodedata.normalize("NFC", raw.strip().lstrip("\ufeff")) or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def csv_layout(
    path: Path, fmt: str, encoding: str | None = None, delimiter: str | None = None
) -> CsvLayout:
    with path.open("rb") as f:
        sample = f.read(SNIFF_BYTES)
    if not sample.strip(b"\r\n\t \x00" + codecs.BOM_UTF8):
        raise FileFormatError("the file is empty")
    enc = encoding or detect_encoding(sample)
    text = sample.decode(enc, errors="replace")
    if enc == "utf-8-sig" or (enc.startswith("utf-16") and text.startswith("\ufeff")):
        text = text.lstrip("\ufeff")
    if "\x00" in text[:4096]:
        raise FileFormatError("the file is binary, not a text table")
    if delimiter is None:
        delimiter = "\t" if fmt == "tsv" else sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise FileFormatError(f"cannot read a header row: {exc}") from exc
    header_text_lines = reader.line_num
    # Offset of the data in the UTF-8 stream: encode what the header took.
    end = -1
    for _ in range(header_text_lines):
        end = text.find("\n", end + 1)
        if end < 0:
            end = len(text) - 1
            break
    data_offset = len(text[: end + 1].encode("utf-8"))
    if enc == "utf-8-sig":
        data_offset += len(codecs.BOM_UTF8)
    if not header or not any(h.strip() for h in header):
        raise FileFormatError("no header row found")
    return CsvLayout(enc, delimiter, _unique_names(header), data_offset, header_text_lines + 1)


_DELIMITERS: Final[tuple[str, ...]] = (",", ";", "\t", "|")


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV export: the candidate that occurs most often, outside
    quotes, in the header line (headers hold no data, so they are the most reliable
    witness; ``csv.Sniffer`` is misled by delimiters inside quoted text)."""
    header, in_quotes = [], False
    for ch in text:
        if ch == '"':
            in_quotes = not in_quotes
        elif not in_quotes:
            if ch in "\r\n":
                break
            header.append(ch)
    line = "".join(header)
    counts = {d: line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def line_breaks(data: bytes | memoryview) -> int:
    """Line breaks in ``data``: \\n, \\r\\n and a lone \\r each count once, as for the
    csv module and text editors."""
    if len(data) < 4096:
        data = bytes(data)
        return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    # numpy over slices that stay in the CPU cache: 4-5x faster than bytes.count on
    # CRLF files, without a temporary array the size of the block.
    a = np.frombuffer(data, np.uint8)
    n = 0
    for i in range(0, len(a), _SLICE):
        view = a[i : i + _SLICE + 1]  # one byte more: a \r\n split across two slices
        part = view[:_SLICE]
        n += int(np.count_nonzero(part == 10))
        cr = np.flatnonzero(part == 13)
        if len(cr):  # a \r followed by \n is one break with it
            follows = cr + 1
            follows = follows[follows < len(view)]
            n += len(cr) - int(np.count_nonzero(view[follows] == 10))
    return n


_SLICE: Final[int] = 1 << 18


def _cut_point(block: bytes) -> int:
    """Index just after the last newline of ``block`` that is outside quotes, or -1."""
    pos = len(block)
    total_quotes = block.count(b'"')
    while True:
        pos = block.rfind(b"\n", 0, pos)
        if pos < 0:
            return -1
        after = block.count(b'"', pos)
        if (total_quotes - after) % 2 == 0:
            return pos + 1


def read_csv(
    path: Path,
    layout: CsvLayout,
    start_offset: int | None = None,
    start_line: int | None = None,
    block_bytes: int = BLOCK_BYTES,
) -> Iterator[RawChunk]:
    offset = layout.data_offset if start_offset is None else start_offset
    line = layout.data_line if start_line is None else start_line
    with path.open("rb") as raw:
        stream = _Utf8Stream(raw, layout.encoding)
        if stream.native:
            raw.seek(offset)
        else:
            _skip(stream, offset)
        carry = b""
        while True:
            data = stream.read(block_bytes)
            block = carry + data
            if not block:
                return
            if data:
                cut = _cut_point(block)
                if cut <= 0:  # one record longer than a block: read more
                    carry = block
                    continue
            else:
                cut = len(block)
            carry = block[cut:]
            body = memoryview(block)[:cut]  # not a copy of the block
            breaks = line_breaks(body) + (0 if block[cut - 1] in b"\n\r" else 1)
            chunk = _parse_block(body, layout.header, layout.delimiter, line, breaks)
            line += breaks
            offset += len(body)
            chunk.end_offset = offset
            chunk.end_line = line
            chunk.bytes_done = stream.raw_position() - len(carry)
            yield chunk
            if not data:
                return


def _skip(stream: _Utf8Stream, n: int) -> None:
    while n > 0:
        got = stream.read(min(n, BLOCK_BYTES))
        if not got:
            return
        n -= len(got)


def _parse_block(
    body: bytes | memoryview,
    header: list[str],
    delimiter: str,
    first_line: int,
    breaks: int | None = None,
) -> RawChunk:
    """``breaks``: the lines ``body`` spans (its line breaks, plus one when it does not
    end with one), when the caller already counted them."""
    invalid: list[Any] = []

    def on_invalid(row: Any) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(body)),
            read_options=pacsv.ReadOptions(column_names=header, use_threads=True),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:  # e.g. bytes that are not UTF-8
        return _parse_block_slow(bytes(body), header, delimiter, first_line)
    if invalid:
        return _parse_block_slow(bytes(body), header, delimiter, first_line)
    if breaks is None:
        breaks = line_breaks(body) + (0 if bytes(body[-1:]) in (b"\n", b"\r") else 1)
    if breaks == table.num_rows:  # no value spans lines: row i is on line first + i
        return _drop_blank_rows(
            RawChunk(table, list(range(first_line, first_line + table.num_rows)))
        )
    newlines = None
    for name in table.column_names:
        col = table.column(name)
        n = pc.subtract(
            pc.add(pc.count_substring(col, "\n"), pc.count_substring(col, "\r")),
            pc.count_substring(col, "\r\n"),
        )
        newlines = n if newlines is None else pc.add(newlines, n)
    lines: list[int]
    if newlines is None or not pc.any(pc.greater(newlines, 0)).as_py():
        lines = list(range(first_line, first_line + table.num_rows))
    else:
        extra = newlines.to_numpy(zero_copy_only=False)
        lines = []
        current = first_line
        for e in extra:
            lines.append(current)
            current += 1 + int(e)
    return _drop_blank_rows(RawChunk(table, lines))


def _drop_blank_rows(chunk: RawChunk) -> RawChunk:
    table = chunk.table
    if table.num_rows == 0 or table.num_columns == 0:
        return chunk
    blank = None
    for name in table.column_names:
        col = table.column(name)
        empty = pc.or_kleene(pc.is_null(col), pc.equal(pc.binary_length(col), 0))
        blank = empty if blank is None else pc.and_(blank, empty)
    assert blank is not None
    if not pc.any(blank).as_py():
        return chunk
    keep = pc.invert(blank)
    mask = keep.to_pylist()
    chunk.table = table.filter(keep)
    chunk.lines = [ln for ln, k in zip(chunk.lines, mask, strict=True) if k]
    return chunk


def _parse_block_slow(body: bytes, header: list[str], delimiter: str, first_line: int) -> RawChunk:
    text = body.decode("utf-8", errors="surrogateescape")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    ncols = len(header)
    columns: list[list[str | None]] = [[] for _ in header]
    lines: list[int] = []
    rejects: list[Reject] = []
    start = first_line
    csv.field_size_limit(1 << 30)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rejects.append(Reject(start, f"unreadable CSV row: {exc}", json.dumps({"_raw": ""})))
            start = first_line + reader.line_num
            continue
        row_line = start
        start = first_line + reader.line_num
        if not row or all(not v for v in row):
            continue
        if any(_has_surrogates(v) for v in row):
            clean = [v.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for v in row]
            rejects.append(
                Reject(
                    row_line,
                    "bytes that are not valid UTF-8 (is the file in another encoding?)",
                    _raw_json(header, clean),
                )
            )
            continue
        if len(row) != ncols:
            rejects.append(
                Reject(
                    row_line, f"expected {ncols} columns, found {len(row)}", _raw_json(header, row)
                )
            )
            continue
        for i, v in enumerate(row):
            columns[i].append(v)
        lines.append(row_line)
    table = pa.table({h: pa.array(c, pa.string()) for h, c in zip(header, columns, strict=True)})
    return RawChunk(table, lines, rejects)


def _has_surrogates(value: str) -> bool:
    if value.isascii():
        return False
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _raw_json(header: list[str], row: list[str]) -> str:
    if len(row) == len(header):
        return json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False)
    record: dict[str, Any] = dict(zip(header, row, strict=False))
    if len(row) > len(header):
        record["_extra"] = row[len(header) :]
    return json.dumps(record, ensure_ascii=False)


# --- JSON and JSONL ----------------------------------------------------------------------
def _flatten(
    record: dict[str, Any], prefix: str = "", out: dict[str, Any] | None = None
) -> dict[str, Any]:
    out = {} if out is None else out
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            _flatten(value, f"{name}.", out)
        else:
            out[name] = value
    return out


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    return json.dumps(value, ensure_ascii=False)


def _records_to_chunk(records: list[tuple[int, dict[str, Any]]], rejects: list[Reject]) -> RawChunk:
    names: dict[str, None] = {}
    flat_rows = []
    for line, record in records:
        flat = _flatten(record)
        for k in flat:
            names.setdefault(k, None)
        flat_rows.append((line, flat))
    columns = {n: pa.array([_cell(r.get(n)) for _, r in flat_rows], pa.string()) for n in names}
    table = (
        pa.table(columns)
        if columns
        else pa.table({"_empty": pa.nulls(len(flat_rows), pa.string())})
    )
    return RawChunk(table, [ln for ln, _ in flat_rows], rejects)


def read_jsonl(
    path: Path,
    encoding: str | None = None,
    start_offset: int = 0,
    start_line: int = 1,
    chunk_rows: int = JSON_CHUNK_ROWS,
) -> Iterator[RawChunk]:
    with path.open("rb") as raw:
        sample = raw.read(SNIFF_BYTES)
        if not sample.strip():
            raise FileFormatError("the file is empty")
        enc = encoding or detect_encoding(sample)
        raw.seek(0)
        stream = _Utf8Stream(raw, enc)
        if stream.native:
            raw.seek(start_offset)
        else:
            _skip(stream, start_offset)
        buffered = io.BufferedReader(_ReadAdapter(stream), buffer_size=1 << 20)
        offset, line = start_offset, start_line
        records: list[tuple[int, dict[str, Any]]] = []
        rejects: list[Reject] = []
        for raw_line in buffered:
            offset += len(raw_line)
            this_line = line
            line += 1
            text = raw_line.decode("utf-8", errors="replace").strip()
            if this_line == 1:
                text = text.lstrip("\ufeff")
            if not text:
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                rejects.append(
                    Reject(
                        this_line,
                        f"invalid JSON: {exc.msg} at column {exc.colno}",
                        json.dumps({"_raw": text}, ensure_ascii=False),
                    )
                )
            else:
                if isinstance(value, dict):
                    records.append((this_line, value))
                else:
                    rejects.append(
                        Reject(
                            this_line,
                            "a JSON line must be an object",
                            json.dumps({"_raw": text}, ensure_ascii=False),
                        )
                    )
            if len(records) + len(rejects) >= chunk_rows:
                chunk = _records_to_chunk(records, rejects)
                chunk.end_offset, chunk.end_line, chunk.bytes_done = offset, line, raw.tell()
                yield chunk
                records, rejects = [], []
        if records or rejects:
            chunk = _records_to_chunk(records, rejects)
            chunk.end_offset, chunk.end_line, chunk.bytes_done = offset, line, raw.tell()
            yield chunk


class _ReadAdapter(io.RawIOBase):
    def __init__(self, stream: _Utf8Stream) -> None:
        self.stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self.stream.read(len(b))
        b[: len(data)] = data
        return len(data)


def read_json(
    path: Path,
    encoding: str | None = None,
    start_offset: int = 0,
    chunk_rows: int = JSON_CHUNK_ROWS,
) -> Iterator[RawChunk]:
    """A JSON document: an array of objects, or an object holding one such array
    (``{"data": [...]}`` as APIs return). Items are numbered from 1; ``start_offset``
    counts items already imported."""
    with path.open("rb") as f:
        sample = f.read(SNIFF_BYTES)
    if not sample.strip():
        raise FileFormatError("the file is empty")
    enc = encoding or detect_encoding(sample)
    try:
        text = path.read_bytes().decode(enc).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"bytes that are not valid {enc} at byte {exc.start}; pass --encoding"
        ) from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    items: list[Any]
    if isinstance(doc, list):
        items = doc
    elif isinstance(doc, dict):
        arrays = [v for v in doc.values() if isinstance(v, list)]
        if len(arrays) != 1:
            raise FileFormatError("a JSON object must hold exactly one array of records")
        items = arrays[0]
    else:
        raise FileFormatError("JSON must be an array of objects")
    size = os.path.getsize(path)
    for start in range(start_offset, len(items), chunk_rows):
        records, rejects = [], []
        for i, item in enumerate(items[start : start + chunk_rows], start=start + 1):
            if isinstance(item, dict):
                records.append((i, item))
            else:
                rejects.append(
                    Reject(
                        i,
                        "an item must be a JSON object",
                        json.dumps({"_raw": item}, ensure_ascii=False),
                    )
                )
        chunk = _records_to_chunk(records, rejects)
        end = min(start + chunk_rows, len(items))
        chunk.end_offset, chunk.end_line = end, end + 1
        chunk.bytes_done = size * end // max(len(items), 1)
        yield chunk


# --- XLSX ----------------------------------------------------------------------------------
def _xlsx_cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def read_xlsx(
    path: Path,
    start_offset: int = 0,
    chunk_rows: int = XLSX_CHUNK_ROWS,
    sheet: str | int | None = None,
    header_row: int | None = None,
) -> Iterator[RawChunk]:
    """The first sheet (or ``sheet``); the first non-empty row is the header, or row
    ``header_row`` (1-based) when given: the rows above it (a report's title, date range
    and filters) are skipped. Lines are spreadsheet row numbers; ``start_offset`` is the
    spreadsheet row to resume after."""
    if header_row is not None and header_row < 1:
        raise FileFormatError(f"header_row must be 1 or more, not {header_row}")
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileFormatError(f"not a readable XLSX workbook: {exc}") from exc
    try:
        try:
            ws = (
                wb.worksheets[sheet]
                if isinstance(sheet, int)
                else (wb[sheet] if sheet else wb.worksheets[0])
            )
        except (KeyError, IndexError) as exc:
            raise FileFormatError(
                f"no sheet {sheet!r}; sheets: {', '.join(wb.sheetnames)}"
            ) from exc
        size = os.path.getsize(path)
        rows = ws.iter_rows(values_only=True)
        header: list[str] | None = None
        records: list[tuple[int, list[str | None]]] = []
        max_row = ws.max_row or 1
        row_no = 0
        for row_no, values in enumerate(rows, start=1):
            if header_row is not None and row_no < header_row:
                continue
            cells = [_xlsx_cell(v) for v in values]
            if header is None:
                if any(c is not None for c in cells):
                    header = _unique_names([c or "" for c in cells])
                continue
            if row_no <= start_offset or all(c is None for c in cells):
                continue
            cells = (cells + [None] * len(header))[: len(header)]
            records.append((row_no, cells))
            if len(records) >= chunk_rows:
                yield _xlsx_chunk(header, records, row_no, size, max_row)
                records = []
        if header is None:
            raise FileFormatError("the workbook's first sheet is empty")
        if records:
            yield _xlsx_chunk(header, records, row_no, size, max_row)
    finally:
        wb.close()


def _xlsx_chunk(
    header: list[str],
    records: list[tuple[int, list[str | None]]],
    row_no: int,
    size: int,
    max_row: int,
) -> RawChunk:
    columns = list(zip(*(cells for _, cells in records), strict=True))
    table = pa.table(
        {h: pa.array(list(c), pa.string()) for h, c in zip(header, columns, strict=True)}
    )
    return RawChunk(
        table,
        [ln for ln, _ in records],
        end_offset=row_no,
        end_line=row_no + 1,
        bytes_done=size * row_no // max(max_row, 1),
    )
