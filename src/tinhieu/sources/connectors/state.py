"""Persisted connector cursors and the log of collection runs (migration 5).

``source_state`` holds one JSON cursor per (workspace, source, query). :func:`save_page`
writes a page's mentions, its cursor and the run's counters in one transaction: after a
crash the store holds whole pages and the cursor that follows them, never one without
the other. ``source_runs`` records each run: when it started and finished, what it
fetched, inserted, updated and rejected, its errors and when it should run next.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from tinhieu.store.base import UpsertResult
from tinhieu.store.duckdb import DuckDBStore

_RUN_COLS = (
    "id, workspace, source, platform, status, started_at, finished_at, fetched, inserted, "
    "updated, rejected, errors, requests, retries, quota_used, message, next_run_at"
)


@dataclass(slots=True)
class Run:
    """One collection run of one source; saved as it progresses."""

    id: int
    workspace: str
    source: str
    platform: str
    status: str  # running | ok | partial | failed | interrupted
    started_at: datetime
    finished_at: datetime | None = None
    fetched: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: int = 0
    errors: int = 0
    requests: int = 0
    retries: int = 0
    quota_used: int = 0
    message: str | None = None
    next_run_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("started_at", "finished_at", "next_run_at"):
            value = out[key]
            out[key] = value.isoformat() if isinstance(value, datetime) else None
        return out


def load_state(store: DuckDBStore, workspace: str, source: str, query: str) -> dict[str, Any]:
    rows = store.fetch_all(
        "SELECT state FROM source_state WHERE workspace = ? AND source = ? AND query = ?",
        [workspace, source, query],
    )
    if not rows:
        return {}
    value = json.loads(rows[0][0])
    return value if isinstance(value, dict) else {}


def _put_state(
    store: DuckDBStore, workspace: str, source: str, query: str, state: Mapping[str, Any]
) -> None:
    store.execute(
        "INSERT INTO source_state (workspace, source, query, state, updated_at) "
        "VALUES (?, ?, ?, ?, now()) ON CONFLICT (workspace, source, query) "
        "DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
        [workspace, source, query, json.dumps(dict(state), ensure_ascii=False, sort_keys=True)],
    )


def save_state(
    store: DuckDBStore, workspace: str, source: str, query: str, state: Mapping[str, Any]
) -> None:
    with store.transaction():
        _put_state(store, workspace, source, query, state)


def clear_state(store: DuckDBStore, workspace: str, source: str) -> int:
    """Forget a source's cursors (the next run starts from the beginning)."""
    with store.transaction():
        n = store.fetch_all(
            "SELECT count(*) FROM source_state WHERE workspace = ? AND source = ?",
            [workspace, source],
        )[0][0]
        store.execute(
            "DELETE FROM source_state WHERE workspace = ? AND source = ?", [workspace, source]
        )
    return int(n)


def start_run(
    store: DuckDBStore, workspace: str, source: str, platform: str, now: datetime | None = None
) -> Run:
    """A new run; runs of the source left 'running' by a crash become 'interrupted'."""
    started = now or datetime.now(UTC)
    with store.transaction():
        store.execute(
            "UPDATE source_runs SET status = 'interrupted' "
            "WHERE workspace = ? AND source = ? AND status = 'running'",
            [workspace, source],
        )
        next_id = store.fetch_all("SELECT coalesce(max(id), 0) + 1 FROM source_runs")[0][0]
        run = Run(int(next_id), workspace, source, platform, "running", started)
        store.execute(
            "INSERT INTO source_runs (id, workspace, source, platform, status, started_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [run.id, workspace, source, platform, run.status, started],
        )
    return run


def _put_run(store: DuckDBStore, run: Run) -> None:
    store.execute(
        "UPDATE source_runs SET status = ?, finished_at = ?, fetched = ?, inserted = ?, "
        "updated = ?, rejected = ?, errors = ?, requests = ?, retries = ?, quota_used = ?, "
        "message = ?, next_run_at = ? WHERE id = ?",
        [
            run.status,
            run.finished_at,
            run.fetched,
            run.inserted,
            run.updated,
            run.rejected,
            run.errors,
            run.requests,
            run.retries,
            run.quota_used,
            run.message,
            run.next_run_at,
            run.id,
        ],
    )


def save_page(
    store: DuckDBStore,
    run: Run,
    query: str,
    batch: pa.Table | None,
    state: Mapping[str, Any],
    extra_states: Mapping[str, Mapping[str, Any]] | None = None,
) -> UpsertResult:
    """Upsert ``batch``, save the cursor ``state`` (and ``extra_states``, other queries'
    bookkeeping) and the run's counters, all in one transaction."""
    with store.transaction():
        result = store.upsert_mentions(batch) if batch is not None else UpsertResult()
        _put_state(store, run.workspace, run.source, query, state)
        for key, value in (extra_states or {}).items():
            _put_state(store, run.workspace, run.source, key, value)
        run.inserted += result.inserted
        run.updated += result.updated
        _put_run(store, run)
    return result


def finish_run(store: DuckDBStore, run: Run) -> None:
    with store.transaction():
        _put_run(store, run)


def last_runs(store: DuckDBStore, workspace: str) -> dict[str, Run]:
    """The latest run of each source of ``workspace``."""
    rows = store.fetch_all(
        f"SELECT {_RUN_COLS} FROM source_runs WHERE id IN "
        "(SELECT max(id) FROM source_runs WHERE workspace = ? GROUP BY source)",
        [workspace],
    )
    return {r[2]: Run(*r) for r in rows}


def runs(store: DuckDBStore, workspace: str, source: str, limit: int = 20) -> list[Run]:
    rows = store.fetch_all(
        f"SELECT {_RUN_COLS} FROM source_runs WHERE workspace = ? AND source = ? "
        "ORDER BY id DESC LIMIT ?",
        [workspace, source, limit],
    )
    return [Run(*r) for r in rows]
