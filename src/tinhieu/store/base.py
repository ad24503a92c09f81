"""The storage interface every backend implements.

Callers (importer, metrics, CLI, web) depend only on :class:`Store`. Metric SQL is
written in the common subset of DuckDB and PostgreSQL and run through
:meth:`Store.fetch_arrow` with ``?`` placeholders, which each backend translates to
its own parameter style. Values are always passed as parameters, never formatted into SQL.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import pyarrow as pa

DEFAULT_WORKSPACE = "default"
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """What an upsert did to one batch."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0  # same key, nothing new: an exact duplicate of the stored row
    in_batch_duplicates: int = 0  # same key twice in the batch: the later row won

    def __add__(self, other: UpsertResult) -> UpsertResult:
        return UpsertResult(
            self.inserted + other.inserted,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.in_batch_duplicates + other.in_batch_duplicates,
        )

    @property
    def duplicates(self) -> int:
        return self.unchanged + self.in_batch_duplicates


@dataclass(frozen=True, slots=True)
class Topic:
    workspace: str
    name: str
    query: str
    group: str
    created_at: datetime | None = None


@dataclass(slots=True)
class ImportJob:
    """Progress of one file import; committed together with each chunk's rows."""

    id: int
    workspace: str
    path: str
    sha256: str
    options: str  # canonical JSON of the options that change how rows are read
    status: str  # running | done | failed
    next_offset: int = 0  # where the next chunk starts (bytes, or rows for XLSX)
    next_line: int = 1
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0
    reject_file: str | None = None


@dataclass(frozen=True, slots=True)
class Reject:
    line: int
    reason: str
    raw: str  # the original row as JSON (an object of column -> value, or the raw text)


class Store(Protocol):
    """A mention store. DuckDB by default; PostgreSQL implements the same methods."""

    path: str

    def close(self) -> None: ...

    def transaction(self) -> AbstractContextManager[None]: ...

    # --- workspaces ---------------------------------------------------------------
    def ensure_workspace(self, name: str, timezone: str | None = None) -> str:
        """Create the workspace if missing; return its time zone."""
        ...

    def workspace_timezone(self, name: str) -> str: ...

    # --- mentions -----------------------------------------------------------------
    def upsert_mentions(self, batch: pa.Table, import_id: int | None = None) -> UpsertResult:
        """Insert new mentions, update changed ones, count the rest; one transaction
        unless the caller holds one already."""
        ...

    def count_mentions(self, workspace: str) -> int: ...

    def fetch_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """Run a read-only statement with ``?`` placeholders."""
        ...

    def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a read-only statement; rows as tuples."""
        ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    def check_unique(self) -> int:
        """How many keys are stored more than once (0 unless the store is broken)."""
        ...

    def iter_mentions(
        self,
        workspace: str,
        where: str = "TRUE",
        params: Sequence[Any] = (),
        batch_size: int = 100_000,
    ) -> Iterator[pa.RecordBatch]: ...

    # --- topics -------------------------------------------------------------------
    def put_topic(self, topic: Topic) -> None: ...

    def get_topics(self, workspace: str) -> list[Topic]: ...

    def delete_topic(self, workspace: str, name: str) -> bool: ...

    def update_enrichment(self, workspace: str, table: pa.Table) -> None: ...

    def set_spam(self, workspace: str, keys: pa.Table, kind: str) -> None: ...

    def retag_topic(self, workspace: str, topic: str, condition: str, params: Sequence[Any]) -> int:
        """Make ``topic`` part of exactly the mentions matching ``condition`` (compiled,
        trusted SQL whose values are in ``params``); return how many match."""
        ...

    # --- imports ------------------------------------------------------------------
    def find_job(self, workspace: str, sha256: str, options: str) -> ImportJob | None: ...

    def start_job(self, workspace: str, path: str, sha256: str, options: str) -> ImportJob: ...

    def save_chunk(
        self, job: ImportJob, batch: pa.Table, rejects: Sequence[Reject]
    ) -> UpsertResult:
        """Upsert ``batch``, record ``rejects`` and the job's progress atomically."""
        ...

    def finish_job(self, job: ImportJob, status: str) -> None: ...

    def job_rejects(self, job_id: int) -> list[Reject]: ...
