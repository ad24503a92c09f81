"""The embedded default store: one DuckDB file, zero setup.

Upserts do not use a primary-key index: at 10M rows DuckDB's ART index makes
``INSERT ... ON CONFLICT`` run at under 200k rows/s and costs memory that grows with
the table. Instead each batch is classified against the table with one hash join
(new / changed / unchanged), then appended or updated, all in one transaction. The
store is the only writer of ``mentions`` and keeps (workspace, platform, source_id)
unique; ``check_unique`` verifies it and the tests call it after every import path.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tinhieu.schema import COLUMNS, ENRICHMENT, KEY, UPDATABLE, conform
from tinhieu.store.base import (
    DEFAULT_TIMEZONE,
    ImportJob,
    Reject,
    Topic,
    UpsertResult,
)
from tinhieu.store.migrations import MIGRATIONS

_KEY_ON = " AND ".join(f"m.{k} = s.{k}" for k in KEY)
# collected_at moves on every import; on its own it is not a change worth counting.
# attrs merges: a later export with other extra columns adds to what is kept.
_MERGED_ATTRS = "json_merge_patch(coalesce(m.attrs, '{}'), s.attrs)"
_CHANGED = " OR ".join(
    [
        f"(s.{c} IS NOT NULL AND s.{c} IS DISTINCT FROM m.{c})"
        for c in (*UPDATABLE, "topics")
        if c not in ("collected_at", "attrs")
    ]
    + [f"(s.attrs IS NOT NULL AND {_MERGED_ATTRS} IS DISTINCT FROM m.attrs)"]
)
_TEXT_CHANGED = (
    "(s.text IS NOT NULL AND s.text IS DISTINCT FROM m.text) OR "
    "(s.title IS NOT NULL AND s.title IS DISTINCT FROM m.title)"
)
_COLS = ", ".join(COLUMNS)
_INSERT_SELECT = ", ".join(
    {
        "first_seen_at": "now() AS first_seen_at",
        "updated_at": "now() AS updated_at",
        "import_id": "?::BIGINT AS import_id",
        # A new row that does not say its kind: a comment when it answers something.
        "kind": "coalesce(s.kind, CASE WHEN s.parent_id IS NULL THEN 'post' "
        "ELSE 'comment' END) AS kind",
    }.get(c, f"s.{c}")
    for c in COLUMNS
)
_UPDATE_SET = ", ".join(
    [f"{c} = coalesce(s.{c}, m.{c})" for c in (*UPDATABLE, "topics") if c != "attrs"]
    + [f"attrs = CASE WHEN s.attrs IS NULL THEN m.attrs ELSE {_MERGED_ATTRS} END"]
    + [
        f"{c} = CASE WHEN c.text_changed THEN NULL ELSE m.{c} END"
        for c in ENRICHMENT
        if c != "topics"
    ]
    + ["updated_at = now()", "import_id = ?::BIGINT"]
)


def _first(rows: list[tuple[Any, ...]]) -> tuple[Any, ...] | None:
    """The first row, fetched with ``fetchall`` (DuckDB ≥ 2 refuses further work on a
    connection whose last result was not read to the end)."""
    return rows[0] if rows else None


class DuckDBStore:
    """A DuckDB file (or ``:memory:``) holding one or more workspaces."""

    def __init__(
        self,
        path: str | Path = "tinhieu.duckdb",
        *,
        read_only: bool = False,
        memory_limit: str | None = None,
    ) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            raise StoreError(f"cannot open the store {self.path}: {exc}") from exc
        self.con.execute("SET TimeZone = 'UTC'")
        # DuckDB's buffer pool defaults to 80 % of RAM and keeps what it read, so a long
        # import would grow with the file. A fixed cap keeps memory flat; DuckDB spills
        # to a temporary folder beside the store when a query needs more.
        limit = memory_limit or os.environ.get("TINHIEU_DUCKDB_MEMORY") or DEFAULT_MEMORY
        try:
            self.con.execute(f"SET memory_limit = '{_memory_setting(limit)}'")
        except duckdb.Error as exc:
            raise StoreError(f"invalid memory limit {limit!r}: {exc}") from exc
        if self.path != ":memory:" and not read_only:
            self.con.execute("SET temp_directory = ?", [self.path + ".tmp"])
        self._lock = threading.RLock()
        self._depth = 0
        self._owner: int | None = None  # the thread inside a transaction, if any
        #: Bumped by every write through this object (commits and ``execute``), so
        #: in-process caches know when the data may have changed.
        self.revision = 0
        self._local = threading.local()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        if not read_only:
            self.migrate()

    # --- lifecycle -------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            for cursor in self._cursors:
                cursor.close()
            self._cursors.clear()
        self.con.close()

    def __enter__(self) -> DuckDBStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        exists = _first(
            self.con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
            ).fetchall()
        )
        if not exists or not exists[0]:
            return 0
        row = _first(self.con.execute("SELECT max(version) FROM schema_version").fetchall())
        return int(row[0]) if row and row[0] is not None else 0

    def migrate(self) -> int:
        """Apply the migrations this file has not seen; return the resulting version."""
        with self._lock:
            self.con.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                "version INTEGER PRIMARY KEY, description VARCHAR, "
                "applied_at TIMESTAMPTZ DEFAULT now())"
            )
            current = self.schema_version()
            for version, description, statements in MIGRATIONS:
                if version <= current:
                    continue
                with self.transaction():
                    for statement in statements:
                        self.con.execute(statement)
                    self.con.execute(
                        "INSERT INTO schema_version (version, description) VALUES (?, ?)",
                        [version, description],
                    )
                current = version
            return current

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A transaction; nested use joins the outer one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self.con.execute("BEGIN TRANSACTION")
            self._depth = 1
            self._owner = threading.get_ident()
            try:
                yield
            except BaseException:
                self._depth = 0
                self._owner = None
                self.con.execute("ROLLBACK")
                raise
            self._depth = 0
            self._owner = None
            self.con.execute("COMMIT")
            self._count_write()

    def _count_write(self) -> None:
        if not getattr(self._local, "bookkeeping", False):
            self.revision += 1

    @contextmanager
    def bookkeeping(self) -> Iterator[None]:
        """Writes of this thread inside the block do not count as data changes
        (``revision`` stays): login sessions and API tokens' last use, which no derived
        view reads. Without it every login or API call would throw away the cached
        Overviews and searches of every workspace."""
        before = getattr(self._local, "bookkeeping", False)
        self._local.bookkeeping = True
        try:
            yield
        finally:
            self._local.bookkeeping = before

    # --- generic SQL -----------------------------------------------------------------
    def _reader(self) -> duckdb.DuckDBPyConnection | None:
        """This thread's read cursor, or None to read on the main connection (inside
        this thread's transaction, which must see its own writes).

        Reads from different threads run side by side (each cursor is its own DuckDB
        connection to the same database, reading the last committed state), so a quick
        query of one web request does not wait behind a slow one of another. Writes and
        transactions stay on the main connection, one at a time."""
        if self._owner == threading.get_ident() or self.path == ":memory:":
            return None
        cursor: duckdb.DuckDBPyConnection | None = getattr(self._local, "cursor", None)
        if cursor is None:
            with self._lock:
                cursor = self.con.cursor()
                cursor.execute("SET TimeZone = 'UTC'")
                self._cursors.append(cursor)
            self._local.cursor = cursor
        return cursor

    def fetch_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        reader = self._reader()
        if reader is not None:
            rel = reader.sql(sql, params=list(params))
            return rel.to_arrow_table() if rel is not None else pa.table({})
        with self._lock:
            rel = self.con.sql(sql, params=list(params))
            return rel.to_arrow_table() if rel is not None else pa.table({})

    def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        reader = self._reader()
        if reader is not None:
            return reader.execute(sql, list(params)).fetchall()
        with self._lock:
            return self.con.execute(sql, list(params)).fetchall()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self._lock:
            self.con.execute(sql, list(params))
            self._count_write()

    # --- workspaces ------------------------------------------------------------------
    def ensure_workspace(self, name: str, timezone: str | None = None) -> str:
        with self._lock:
            row = _first(
                self.con.execute(
                    "SELECT timezone FROM workspaces WHERE name = ?", [name]
                ).fetchall()
            )
            if row:
                if timezone and timezone != row[0]:
                    self.con.execute(
                        "UPDATE workspaces SET timezone = ? WHERE name = ?", [timezone, name]
                    )
                    return timezone
                return str(row[0])
            tz = timezone or DEFAULT_TIMEZONE
            self.con.execute("INSERT INTO workspaces (name, timezone) VALUES (?, ?)", [name, tz])
            self.revision += 1
            return tz

    def workspace_timezone(self, name: str) -> str:
        row = self.fetch_all("SELECT timezone FROM workspaces WHERE name = ?", [name])
        return str(row[0][0]) if row else DEFAULT_TIMEZONE

    # --- mentions --------------------------------------------------------------------
    def upsert_mentions(self, batch: pa.Table, import_id: int | None = None) -> UpsertResult:
        if batch.num_rows == 0:
            return UpsertResult()
        staged = conform(batch)
        unique = _last_per_key(staged)
        with self._lock, self.transaction():
            con = self.con
            keys = unique.select(list(KEY)).append_column("_ord", _ordinals(unique.num_rows))
            con.register("_keys", keys)
            try:
                found = con.sql(
                    "SELECT k._ord FROM _keys k JOIN mentions m ON "
                    + " AND ".join(f"m.{k} = k.{k}" for k in KEY)
                ).to_arrow_table()
            finally:
                con.unregister("_keys")
            # Most batches are all new (a first import) or all stored (a re-import):
            # then there is nothing to filter, and copying every column is skipped.
            if found.num_rows == 0:
                fresh, old = unique, unique.slice(0, 0)
            elif (
                found.num_rows == unique.num_rows
                and pc.count_distinct(found.column("_ord")).as_py() == unique.num_rows
            ):
                fresh, old = unique.slice(0, 0), unique
            else:
                existing = pc.is_in(keys.column("_ord"), found.column("_ord"))
                fresh = unique.filter(pc.invert(existing))
                old = unique.filter(existing)
            if fresh.num_rows:
                con.register("_new", fresh)
                try:
                    con.execute(
                        f"INSERT INTO mentions ({_COLS}) SELECT {_INSERT_SELECT} FROM _new s",
                        [import_id],
                    )
                finally:
                    con.unregister("_new")
            updated = 0
            if old.num_rows:
                updated = self._update_changed(old, import_id)
        inserted = fresh.num_rows
        unchanged = old.num_rows - updated
        return UpsertResult(inserted, updated, unchanged, batch.num_rows - unique.num_rows)

    def _update_changed(self, old: pa.Table, import_id: int | None) -> int:
        """Update the stored rows that ``old`` (rows whose keys exist) changes."""
        con = self.con
        con.register("_old", old)
        try:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _cls AS SELECT "
                + ", ".join(f"s.{k}" for k in KEY)
                + f", coalesce({_TEXT_CHANGED}, FALSE) AS text_changed "
                f"FROM _old s JOIN mentions m ON {_KEY_ON} WHERE coalesce({_CHANGED}, FALSE)"
            )
            row = _first(con.execute("SELECT count(*) FROM _cls").fetchall())
            updated = int(row[0]) if row else 0
            if updated:
                cls_on = " AND ".join(f"c.{k} = s.{k}" for k in KEY)
                con.execute(
                    f"UPDATE mentions AS m SET {_UPDATE_SET} "
                    f"FROM _old s JOIN _cls c ON {cls_on} WHERE {_KEY_ON}",
                    [import_id],
                )
            con.execute("DROP TABLE _cls")
        finally:
            con.unregister("_old")
        return updated

    def count_mentions(self, workspace: str) -> int:
        row = self.fetch_all("SELECT count(*) FROM mentions WHERE workspace = ?", [workspace])
        return int(row[0][0])

    def check_unique(self) -> int:
        """Number of keys stored more than once (0 unless the store is broken)."""
        row = self.fetch_all(
            f"SELECT count(*) FROM (SELECT {', '.join(KEY)} FROM mentions "
            f"GROUP BY ALL HAVING count(*) > 1)"
        )
        return int(row[0][0])

    def iter_mentions(
        self,
        workspace: str,
        where: str = "TRUE",
        params: Sequence[Any] = (),
        batch_size: int = 100_000,
        columns: Sequence[str] = COLUMNS,
    ) -> Iterator[pa.RecordBatch]:
        """Stream the workspace's mentions matching ``where`` (a trusted, compiled SQL
        condition whose values are in ``params``)."""
        cursor = self.con.cursor()
        try:
            reader = cursor.sql(
                f"SELECT {', '.join(columns)} FROM mentions "
                f"WHERE workspace = ? AND ({where}) ORDER BY created_at, platform, source_id",
                params=[workspace, *params],
            ).to_arrow_reader(batch_size)
            yield from reader
        finally:
            cursor.close()

    def retag_topic(self, workspace: str, topic: str, condition: str, params: Sequence[Any]) -> int:
        """Make ``topic`` part of exactly the mentions matching ``condition`` (a compiled,
        trusted SQL condition whose values are in ``params``); return how many match."""
        with self._lock, self.transaction():
            self.con.execute(
                "UPDATE mentions SET topics = list_filter(topics, lambda t: t <> ?) "
                f"WHERE workspace = ? AND list_contains(topics, ?) "
                f"AND NOT coalesce(({condition}), FALSE)",
                [topic, workspace, topic, *params],
            )
            self.con.execute(
                "UPDATE mentions SET topics = list_append(coalesce(topics, []), ?) "
                f"WHERE workspace = ? AND coalesce(({condition}), FALSE) "
                "AND NOT coalesce(list_contains(topics, ?), FALSE)",
                [topic, workspace, *params, topic],
            )
            row = _first(
                self.con.execute(
                    "SELECT count(*) FROM mentions "
                    "WHERE workspace = ? AND list_contains(topics, ?)",
                    [workspace, topic],
                ).fetchall()
            )
        return int(row[0]) if row else 0

    # --- enrichment --------------------------------------------------------------------
    def update_enrichment(self, workspace: str, table: pa.Table) -> None:
        """Write NLP results keyed by (platform, source_id); ``language`` only fills a NULL
        (the source's own language wins)."""
        cols = [c for c in table.column_names if c not in ("platform", "source_id")]
        sets = ", ".join(
            f"language = coalesce(mentions.language, _enr.{c})"
            if c == "language"
            else f"{c} = _enr.{c}"
            for c in cols
        )
        with self._lock, self.transaction():
            self.con.register("_enr", table)
            try:
                self.con.execute(
                    f"UPDATE mentions SET {sets} FROM _enr WHERE mentions.workspace = ? "
                    "AND mentions.platform = _enr.platform AND mentions.source_id = _enr.source_id",
                    [workspace],
                )
            finally:
                self.con.unregister("_enr")

    def set_spam(self, workspace: str, keys: pa.Table, kind: str) -> None:
        """Set ``spam = kind`` on the mentions whose (platform, source_id) are in ``keys``."""
        if keys.num_rows == 0:
            return
        with self._lock, self.transaction():
            self.con.register("_spam_keys", keys)
            try:
                self.con.execute(
                    "UPDATE mentions SET spam = ? FROM _spam_keys k WHERE mentions.workspace = ? "
                    "AND mentions.platform = k.platform AND mentions.source_id = k.source_id",
                    [kind, workspace],
                )
            finally:
                self.con.unregister("_spam_keys")

    # --- topics ----------------------------------------------------------------------
    def put_topic(self, topic: Topic) -> None:
        with self._lock, self.transaction():
            self.con.execute(
                "DELETE FROM topics WHERE workspace = ? AND name = ?",
                [topic.workspace, topic.name],
            )
            self.con.execute(
                "INSERT INTO topics (workspace, name, query, topic_group) VALUES (?, ?, ?, ?)",
                [topic.workspace, topic.name, topic.query, topic.group],
            )

    def get_topics(self, workspace: str) -> list[Topic]:
        rows = self.fetch_all(
            "SELECT workspace, name, query, topic_group, created_at FROM topics "
            "WHERE workspace = ? ORDER BY topic_group, name",
            [workspace],
        )
        return [Topic(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    def delete_topic(self, workspace: str, name: str) -> bool:
        with self._lock, self.transaction():
            found = self.fetch_all(
                "SELECT count(*) FROM topics WHERE workspace = ? AND name = ?", [workspace, name]
            )[0][0]
            self.con.execute(
                "DELETE FROM topics WHERE workspace = ? AND name = ?", [workspace, name]
            )
            self.con.execute(
                "UPDATE mentions SET topics = list_filter(topics, lambda t: t <> ?) "
                "WHERE workspace = ? AND list_contains(topics, ?)",
                [name, workspace, name],
            )
        return bool(found)

    # --- import jobs -----------------------------------------------------------------
    _JOB_COLS = (
        "id, workspace, path, sha256, options, status, next_offset, next_line, rows_read, "
        "inserted, updated, duplicates, rejected, reject_file"
    )

    def find_job(self, workspace: str, sha256: str, options: str) -> ImportJob | None:
        rows = self.fetch_all(
            f"SELECT {self._JOB_COLS} FROM imports WHERE workspace = ? AND sha256 = ? "
            "AND options = ? ORDER BY id DESC LIMIT 1",
            [workspace, sha256, options],
        )
        return ImportJob(*rows[0]) if rows else None

    def start_job(self, workspace: str, path: str, sha256: str, options: str) -> ImportJob:
        with self._lock, self.transaction():
            row = _first(
                self.con.execute("SELECT coalesce(max(id), 0) + 1 FROM imports").fetchall()
            )
            assert row is not None
            job = ImportJob(int(row[0]), workspace, path, sha256, options, "running")
            self.con.execute(
                "INSERT INTO imports (id, workspace, path, sha256, options, status) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [job.id, workspace, path, sha256, options, "running"],
            )
        return job

    def save_chunk(
        self, job: ImportJob, batch: pa.Table, rejects: Sequence[Reject]
    ) -> UpsertResult:
        with self._lock, self.transaction():
            result = self.upsert_mentions(batch, job.id)
            if rejects:
                self.con.executemany(
                    "INSERT INTO import_rejects (import_id, line, reason, raw) VALUES (?, ?, ?, ?)",
                    [[job.id, r.line, r.reason, r.raw] for r in rejects],
                )
            job.inserted += result.inserted
            job.updated += result.updated
            job.duplicates += result.duplicates
            job.rejected += len(rejects)
            self._save_job(job)
        return result

    def _save_job(self, job: ImportJob) -> None:
        self.con.execute(
            "UPDATE imports SET status = ?, next_offset = ?, next_line = ?, rows_read = ?, "
            "inserted = ?, updated = ?, duplicates = ?, rejected = ?, reject_file = ?, "
            "finished_at = CASE WHEN ? = 'running' THEN NULL ELSE now() END WHERE id = ?",
            [
                job.status,
                job.next_offset,
                job.next_line,
                job.rows_read,
                job.inserted,
                job.updated,
                job.duplicates,
                job.rejected,
                job.reject_file,
                job.status,
                job.id,
            ],
        )

    def finish_job(self, job: ImportJob, status: str) -> None:
        job.status = status
        with self._lock, self.transaction():
            self._save_job(job)

    def job_rejects(self, job_id: int) -> list[Reject]:
        rows = self.fetch_all(
            "SELECT line, reason, raw FROM import_rejects WHERE import_id = ? ORDER BY line",
            [job_id],
        )
        return [Reject(int(r[0]), r[1], r[2]) for r in rows]


def _last_per_key(table: pa.Table) -> pa.Table:
    """``table`` without repeated keys; where a key repeats, its last row wins."""
    # The key holds source_id: when no source_id repeats, no key does (the usual case,
    # and a much cheaper test than grouping by the whole key).
    if len(pc.unique(table.column("source_id"))) == table.num_rows:
        return table
    keys = table.select(list(KEY)).append_column("_ord", _ordinals(table.num_rows))
    last = keys.group_by(list(KEY), use_threads=False).aggregate([("_ord", "max")])
    if last.num_rows == table.num_rows:
        return table
    kept = last.column("_ord_max")
    return table.take(pc.take(kept, pc.sort_indices(kept)))  # keep the file's order


def _ordinals(n: int) -> pa.Array:
    """0, 1, …, n - 1 as int64."""
    return pa.array(np.arange(n, dtype=np.int64))


DEFAULT_MEMORY = "1GB"


def _memory_setting(value: str) -> str:
    """A memory size such as ``1GB`` or ``512MB`` (checked: it is put into SQL)."""
    text = value.strip().upper().replace(" ", "")
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)", text):
        raise StoreError(f"invalid memory limit {value!r} (use e.g. 1GB or 512MB)")
    return text


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message says why, for the user."""
