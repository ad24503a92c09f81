"""Export mentions to CSV, Parquet or XLSX, streaming in batches.

Spreadsheet safety: social text is hostile input. In CSV, a cell that starts with
``= + - @`` (or a tab/carriage return) would run as a formula when opened in Excel, so
such text cells are prefixed with an apostrophe (OWASP's CSV-injection advice). XLSX
cells are always written as strings, never formulas, so they need no prefix.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.parquet as pq

from tinhieu.i18n import t
from tinhieu.schema import COLUMNS
from tinhieu.store.duckdb import DuckDBStore

XLSX_MAX_ROWS: Final[int] = 1_048_575
EXPORT_COLUMNS: Final[tuple[str, ...]] = tuple(c for c in COLUMNS if c not in ("import_id",))
_TEXT_COLUMNS: Final[frozenset[str]] = frozenset(
    {"text", "title", "author_name", "url", "author_id", "source_id", "parent_id", "attrs"}
)
_FORMULA_START: Final[tuple[str, ...]] = ("=", "+", "-", "@", "\t", "\r")


class ExportError(ValueError):
    def __init__(self, key: str, **values: Any) -> None:
        self.key, self.values = key, values
        super().__init__(t(key, "en", **values))

    def message(self, lang: str) -> str:
        return t(self.key, lang, **self.values)


def safe_cell(value: str) -> str:
    """``value`` made inert for spreadsheets that evaluate formulas in CSV."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def mention_filters(
    store: DuckDBStore,
    workspace: str,
    query: str | None,
    topic: str | None,
    since: str | None,
    until: str | None,
) -> tuple[str, list[Any]]:
    from tinhieu.metrics.filters import time_window

    clauses: list[str] = []
    params: list[Any] = []
    if query:
        from tinhieu.query import compile_query

        condition, qparams = compile_query(query).to_sql()
        clauses.append(f"({condition})")
        params.extend(qparams)
    if topic:
        clauses.append("list_contains(topics, ?)")
        params.append(topic)
    start, end = time_window(since, until, store.workspace_timezone(workspace))
    if start is not None:
        clauses.append("created_at >= ?")
        params.append(start)
    if end is not None:
        clauses.append("created_at < ?")
        params.append(end)
    return " AND ".join(clauses) or "TRUE", params


def export_mentions(
    store: DuckDBStore,
    workspace: str,
    out: Path,
    fmt: str,
    *,
    query: str | None = None,
    topic: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> int:
    """Write the workspace's matching mentions to ``out``; return the row count."""
    where, params = mention_filters(store, workspace, query, topic, since, until)
    if fmt == "xlsx":
        total = store.fetch_all(
            f"SELECT count(*) FROM mentions WHERE workspace = ? AND ({where})", [workspace, *params]
        )[0][0]
        if total > XLSX_MAX_ROWS:
            raise ExportError("export.xlsx_limit", limit=f"{XLSX_MAX_ROWS:,}", rows=f"{total:,}")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    batches = store.iter_mentions(workspace, where, params, columns=EXPORT_COLUMNS)
    writer = {"csv": _write_csv, "parquet": _write_parquet, "xlsx": _write_xlsx}[fmt]
    try:
        rows = writer(tmp, batches)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, out)
    return rows


def _plain(name: str, value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _write_csv(path: Path, batches: Iterator[pa.RecordBatch]) -> int:
    rows = 0
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(EXPORT_COLUMNS)
        for batch in batches:
            for record in batch.to_pylist():
                writer.writerow(
                    [
                        safe_cell(v) if k in _TEXT_COLUMNS and isinstance(v, str) else _plain(k, v)
                        for k, v in record.items()
                    ]
                )
            rows += batch.num_rows
    return rows


def _write_parquet(path: Path, batches: Iterator[pa.RecordBatch]) -> int:
    rows = 0
    writer: pq.ParquetWriter | None = None
    try:
        for batch in batches:
            if writer is None:
                writer = pq.ParquetWriter(path, batch.schema, compression="zstd")
            writer.write_batch(batch)
            rows += batch.num_rows
        if writer is None:  # no rows: still write a file with the schema
            from tinhieu.schema import ARROW_SCHEMA

            schema = pa.schema([ARROW_SCHEMA.field(c) for c in EXPORT_COLUMNS])
            pq.write_table(schema.empty_table(), path)
    finally:
        if writer is not None:
            writer.close()
    return rows


def _write_xlsx(path: Path, batches: Iterator[pa.RecordBatch]) -> int:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
        },
    )
    try:
        ws = wb.add_worksheet("mentions")
        bold = wb.add_format({"bold": True})
        when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        ws.write_row(0, 0, EXPORT_COLUMNS, bold)
        row = 0
        for batch in batches:
            for record in batch.to_pylist():
                row += 1
                _xlsx_row(ws, row, record, when)
        return row
    finally:
        wb.close()


def _xlsx_row(ws: Any, row: int, record: dict[str, Any], when: Any) -> None:
    for col, (name, value) in enumerate(record.items()):
        if value is None:
            continue
        if isinstance(value, datetime):
            ws.write_datetime(row, col, value, when)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value)
        elif isinstance(value, int | float):
            ws.write_number(row, col, value)
        else:
            ws.write_string(row, col, str(_plain(name, value)))


__all__: Sequence[str] = ["ExportError", "export_mentions", "safe_cell"]
