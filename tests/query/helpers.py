"""Helpers that run a query both ways: in memory and as SQL in a DuckDB store."""

from __future__ import annotations

import itertools
import unicodedata
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from tinhieu.query import compile_query
from tinhieu.store import DuckDBStore

_WORKSPACES = itertools.count()
_WHEN = datetime(2024, 5, 1, tzinfo=UTC)


def nfc(value: Any) -> Any:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def insert(store: DuckDBStore, rows: list[dict[str, Any]]) -> str:
    """Store ``rows`` (source_id = index) in a new workspace, text in NFC as the
    importer stores it; return the workspace."""
    workspace = f"w{next(_WORKSPACES)}"
    store.upsert_mentions(table_of(rows, workspace, normalise=True))
    return workspace


def table_of(rows: list[dict[str, Any]], workspace: str = "w", normalise: bool = False) -> pa.Table:
    """``rows`` as an Arrow table of Mention columns (every key of every row)."""
    full = [
        {"platform": "facebook", "kind": "post"}
        | {k: nfc(v) if normalise else v for k, v in row.items()}
        | {"workspace": workspace, "source_id": str(i), "created_at": _WHEN}
        for i, row in enumerate(rows)
    ]
    names = list(dict.fromkeys(k for row in full for k in row))
    return pa.table({k: [row.get(k) for row in full] for k in names})


def sql_ids(store: DuckDBStore, workspace: str, query: str) -> set[int]:
    condition, params = compile_query(query).to_sql()
    rows = store.fetch_all(
        f"SELECT source_id FROM mentions WHERE workspace = ? AND {condition}",
        [workspace, *params],
    )
    return {int(r[0]) for r in rows}


def memory_ids(rows: list[dict[str, Any]], query: str) -> set[int]:
    q = compile_query(query)
    return {i for i, row in enumerate(rows) if q.matches(row)}
