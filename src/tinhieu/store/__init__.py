"""Storage behind one small interface; DuckDB is the embedded default."""

from __future__ import annotations

import os
from pathlib import Path

from tinhieu.store.base import (
    DEFAULT_TIMEZONE,
    DEFAULT_WORKSPACE,
    ImportJob,
    Reject,
    Store,
    Topic,
    UpsertResult,
)
from tinhieu.store.duckdb import DuckDBStore, StoreError

DEFAULT_DB = "tinhieu.duckdb"


def default_db_path() -> str:
    """``$TINHIEU_DB`` or ``tinhieu.duckdb`` in the current directory."""
    return os.environ.get("TINHIEU_DB") or DEFAULT_DB


def _implements_store(store: DuckDBStore) -> Store:
    """Never called: makes mypy check that DuckDBStore has every method of Store."""
    return store


def open_store(path: str | Path | None = None, *, read_only: bool = False) -> DuckDBStore:
    """Open (creating and migrating) the store at ``path``."""
    target = str(path) if path else default_db_path()
    if target.startswith(("postgres://", "postgresql://")):
        raise StoreError("the PostgreSQL backend is not available in this version")
    if read_only and target != ":memory:" and not Path(target).exists():
        raise StoreError(f"no store at {target}")
    return DuckDBStore(target, read_only=read_only)


__all__ = [
    "DEFAULT_DB",
    "DEFAULT_TIMEZONE",
    "DEFAULT_WORKSPACE",
    "DuckDBStore",
    "ImportJob",
    "Reject",
    "Store",
    "StoreError",
    "Topic",
    "UpsertResult",
    "default_db_path",
    "open_store",
]
