"""Ingest Mention JSON items (the bulk API, later webhooks and connectors), without HTTP.

An item is a JSON object with the Mention field names the JSONL importer accepts
(``text``, ``created_at``, ``likes`` …, see :data:`STRING_FIELDS` and friends), plus
``reactions`` (``{"like": 10, "love": 2}``) and ``attrs`` (extra values kept verbatim).
Items are checked in two passes:

1. **Strict JSON types** (:func:`check_item`): a string where a count is expected, a
   boolean as a count, a fraction, an unknown field or a ``workspace`` other than the
   caller's make the item fail, with the field named. Nothing is coerced.
2. **The importer's own conversion** (:func:`tinhieu.sources.convert.to_mentions`): the
   good items become string cells exactly as a JSONL file's records do and go through
   the same code — timestamps with zones (a time without zone is wall time in the
   workspace's zone), count limits, NFC text, canonical platform and kind names, ids
   derived from url or author+time+text when ``source_id`` is missing.

Then the batch gets its topics (:class:`~tinhieu.topics.TopicMatcher`) and is upserted
(:meth:`~tinhieu.store.duckdb.DuckDBStore.upsert_mentions`: re-sending an item never
duplicates it; changed engagement updates it). That is all a request waits for.

Analysis and the metrics rollup follow in the background (:class:`AfterIngest`), because
both cost per *pass*, not per row: :func:`tinhieu.nlp.pipeline.enrich` re-runs seeding
detection over the workspace's recent window and loads its aspect model on every call
(about 0.7 s of a 1,000-item request at 16k stored rows, growing with the workspace),
and :func:`tinhieu.metrics.refresh_rollup` rebuilds the whole workspace's rollup
(0.2–0.3 s at 3k–16k rows, seconds at millions). Ingests that arrive while a pass runs
are handled by the next one. A stale rollup is detected by its fingerprint, so metrics
stay exact meanwhile (they scan ``mentions``).

Idempotency keys (:func:`replay`, :func:`remember`) live in the ``ingest_keys`` table,
per workspace, with the SHA-256 of the request body they answered.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import pyarrow as pa

from tinhieu.schema import COUNT_FIELDS, FIELD_BY_NAME
from tinhieu.sources.columns import ColumnMapping
from tinhieu.sources.convert import ConvertPlan, to_mentions
from tinhieu.store.duckdb import DuckDBStore
from tinhieu.topics import TopicMatcher

MAX_ITEMS: Final[int] = 5_000
MAX_BODY_BYTES: Final[int] = 20 * 1024 * 1024
MAX_KEY_CHARS: Final[int] = 200
#: How long an idempotency key is remembered.
KEY_TTL: Final[timedelta] = timedelta(days=7)

STRING_FIELDS: Final[tuple[str, ...]] = (
    "source_id",
    "parent_id",
    "url",
    "platform",
    "kind",
    "author_id",
    "author_name",
    "author_kind",
    "title",
    "text",
    "language",
)
INT_FIELDS: Final[tuple[str, ...]] = ("author_followers", *COUNT_FIELDS)
BOOL_FIELDS: Final[tuple[str, ...]] = ("author_verified",)
TIME_FIELDS: Final[tuple[str, ...]] = ("created_at", "collected_at")
#: Every field an item may carry.
ITEM_FIELDS: Final[tuple[str, ...]] = (
    "workspace",
    *STRING_FIELDS,
    *TIME_FIELDS,
    *INT_FIELDS,
    *BOOL_FIELDS,
    "reactions",
    "attrs",
)
_MAPPED: Final[tuple[str, ...]] = (*STRING_FIELDS, *TIME_FIELDS, *INT_FIELDS, *BOOL_FIELDS)
_ALLOWED: Final[frozenset[str]] = frozenset(ITEM_FIELDS)
_REACTION_NAME: Final[re.Pattern[str]] = re.compile(r"[a-z][a-z0-9_]{0,39}")
_MAX_ATTRS: Final[int] = 200
_MAX_ATTR_KEY: Final[int] = 200
# Field columns of the table handed to the converter start with NUL, which an attrs key
# may not contain, so an attrs key never collides with a field's column.
_COL: Final[str] = "\x00"
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ItemError:
    """Why the item at ``index`` was not stored; ``field`` is None when no one field is
    to blame (the item is not an object, it has neither text nor id)."""

    index: int
    field: str | None
    reason: str


@dataclass(slots=True)
class IngestResult:
    received: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    #: Items whose key repeats a later item of the same request (the last one wins).
    duplicates: int = 0
    rejected: int = 0
    errors: list[ItemError] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class IdempotencyConflict(Exception):
    """The idempotency key was used before with another request body."""


# --- pass 1: strict JSON types ------------------------------------------------------------


@dataclass(slots=True)
class _Checked:
    cells: dict[str, str | None]
    reactions: dict[str, str]
    attrs: dict[str, str | None]


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number with a fraction"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _unicode_ok(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800"
        return False
    return True


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _attr_cell(value: object) -> str | None:
    """An attrs value as the JSONL importer keeps an unmapped cell: strings as they
    are, numbers and booleans as text, arrays and objects as JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def check_item(item: object, workspace: str) -> _Checked | tuple[str | None, str]:
    """The item's cells as strings, or ``(field, reason)`` for its first problem."""
    if not isinstance(item, dict):
        return None, f"an item must be a JSON object, not {_describe(item)}"
    for name in item:
        if name not in _ALLOWED:
            shown = _safe_name(name)
            if name in FIELD_BY_NAME:
                return name, f"field {name!r} is set by tinhieu and cannot be sent"
            return shown, f"unknown field {shown!r}; fields: {', '.join(ITEM_FIELDS)}"
    cells: dict[str, str | None] = {}
    for name in _MAPPED:
        if name not in item or item[name] is None:
            continue
        value = item[name]
        if name in STRING_FIELDS:
            if not isinstance(value, str):
                return name, f"expected a string, got {_describe(value)}"
            if not _unicode_ok(value):
                return name, "the string is not valid Unicode (lone surrogate)"
            cells[name] = value
        elif name in TIME_FIELDS:
            if isinstance(value, str):
                if not _unicode_ok(value):
                    return name, "the string is not valid Unicode (lone surrogate)"
                cells[name] = value
            elif _is_count(value):
                cells[name] = str(value)  # Unix epoch seconds, milliseconds or micro-
            else:
                return name, (
                    "expected a timestamp string (ISO 8601, with a zone) or a Unix epoch "
                    f"integer, got {_describe(value)}"
                )
        elif name in INT_FIELDS:
            if not _is_count(value):
                return name, f"expected an integer count, got {_describe(value)}"
            cells[name] = str(value)
        else:  # BOOL_FIELDS
            if not isinstance(value, bool):
                return name, f"expected true or false, got {_describe(value)}"
            cells[name] = "true" if value else "false"
    if item.get("created_at") is None:
        return "created_at", "created_at is required (when the item was published)"
    given = item.get("workspace")
    if given is not None and given != workspace:
        return "workspace", (
            "an item cannot choose its workspace: the token's workspace is used "
            "(leave the field out)"
        )
    reactions: dict[str, str] = {}
    raw_reactions = item.get("reactions")
    if raw_reactions is not None:
        if not isinstance(raw_reactions, dict):
            return "reactions", (
                'expected an object of counts such as {"like": 10, "love": 2}, '
                f"got {_describe(raw_reactions)}"
            )
        for name, count in raw_reactions.items():
            if not _REACTION_NAME.fullmatch(name):
                return "reactions", (
                    f"reaction name {name[:50]!r} must be lower-case letters, digits and _ "
                    "(up to 40), e.g. like, love, haha"
                )
            if count is None:
                continue
            if not _is_count(count):
                return f"reactions.{name}", f"expected an integer count, got {_describe(count)}"
            reactions[name] = str(count)
        if reactions and "likes" not in cells:
            # As the importer does for a file without a likes column: their total. (Done
            # per item here: in one request some items may send likes and others not.)
            cells["likes"] = str(sum(int(c) for c in reactions.values()))
    attrs: dict[str, str | None] = {}
    raw_attrs = item.get("attrs")
    if raw_attrs is not None:
        if not isinstance(raw_attrs, dict):
            return "attrs", f"expected an object, got {_describe(raw_attrs)}"
        if len(raw_attrs) > _MAX_ATTRS:
            return "attrs", f"at most {_MAX_ATTRS} attributes, got {len(raw_attrs)}"
        for key, value in raw_attrs.items():
            if not key or len(key) > _MAX_ATTR_KEY or not key.isprintable():
                return "attrs", (f"attribute names must be 1–{_MAX_ATTR_KEY} printable characters")
            if not _unicode_ok(key):
                return "attrs", "an attribute name is not valid Unicode (lone surrogate)"
            cell = _attr_cell(value)
            if cell is not None and not _unicode_ok(cell):
                return f"attrs.{key}", "the value is not valid Unicode (lone surrogate)"
            attrs[key] = cell
    return _Checked(cells, reactions, attrs)


# --- pass 2: the importer's conversion ----------------------------------------------------


def _table(checked: Sequence[_Checked]) -> tuple[pa.Table, ColumnMapping]:
    """The good items as a table of string columns, and how its columns map."""
    columns: dict[str, list[str | None]] = {}
    fields: dict[str, str] = {}
    reactions: dict[str, str] = {}
    unmapped: list[str] = []
    n = len(checked)

    def column(name: str) -> list[str | None]:
        found = columns.get(name)
        if found is None:
            found = columns[name] = [None] * n
        return found

    for i, item in enumerate(checked):
        for name, cell in item.cells.items():
            fields.setdefault(name, _COL + name)
            column(_COL + name)[i] = cell
        for name, cell in item.reactions.items():
            col = f"{_COL}reactions.{name}"
            reactions.setdefault(col, name)
            column(col)[i] = cell
        for key, cell in item.attrs.items():
            if key not in columns:
                unmapped.append(key)
            column(key)[i] = cell
    if not columns:  # cannot happen (created_at is required), but keep the shape
        columns[_COL + "created_at"] = [None] * n
    table = pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
    mapping = ColumnMapping(
        fields=fields, unmapped=unmapped, reactions=reactions, headers=list(columns)
    )
    return table, mapping


_SIZE_REASON: Final[re.Pattern[str]] = re.compile(r"field '(.+?)' is (.*)", re.DOTALL)


def _field_of(reason: str) -> tuple[str | None, str]:
    """The item field a converter reason is about, and the reason in API terms."""
    size = _SIZE_REASON.match(reason)
    if size is not None:
        column = size.group(1)
        name = column[1:] if column.startswith(_COL) else f"attrs.{column}"
        return name, f"the value is {size.group(2)}"
    if reason.startswith("missing date"):
        return "created_at", "created_at is blank"
    if reason.startswith("row has neither text nor id"):
        return None, "an item needs text or title, or source_id or url"
    head, sep, rest = reason.partition(": ")
    head = head.removeprefix(_COL)
    if sep and (head in _ALLOWED or head.startswith("reactions.")):
        return head, rest
    return None, reason.replace(_COL, "")


def _safe_name(name: str) -> str:
    """A field name from the request, fit to echo back (short, valid Unicode)."""
    clipped = name if len(name) <= 80 else name[:80] + "…"
    return clipped.encode("utf-8", "backslashreplace").decode("utf-8")


def convert(
    store: DuckDBStore, workspace: str, items: Sequence[object]
) -> tuple[pa.Table | None, list[ItemError]]:
    """The valid items as a batch in the Mention schema (None when there is none), and
    an error for each invalid one, in item order."""
    errors: list[ItemError] = []
    good: list[_Checked] = []
    index: list[int] = []
    for i, item in enumerate(items):
        checked = check_item(item, workspace)
        if isinstance(checked, tuple):
            errors.append(ItemError(i, checked[0], checked[1]))
        else:
            good.append(checked)
            index.append(i)
    if not good:
        return None, errors
    table, mapping = _table(good)
    plan = ConvertPlan(workspace, store.workspace_timezone(workspace), mapping, {})
    batch, rejects = to_mentions(table, index, plan)
    for reject in rejects:
        name, reason = _field_of(reject.reason)
        errors.append(ItemError(reject.line, name, reason))
    errors.sort(key=lambda e: e.index)
    return (batch if batch.num_rows else None), errors


# --- the whole pipeline -------------------------------------------------------------------

_LOCKS: dict[tuple[str, str], threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


@contextmanager
def workspace_lock(store: DuckDBStore, workspace: str) -> Iterator[None]:
    """One ingest at a time per workspace (an idempotency key is checked, used and
    stored under it)."""
    key = (store.path if store.path != ":memory:" else f"mem:{id(store)}", workspace)
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(key, threading.Lock())
    with lock:
        yield


def ingest(
    store: DuckDBStore, workspace: str, items: Sequence[object], *, analyse: bool = False
) -> IngestResult:
    """Check, convert, match topics and upsert ``items`` in ``workspace``.

    With ``analyse`` the workspace's rows without sentiment are analysed before the
    return; otherwise that is left to the caller (:meth:`AfterIngest.mark`), and so is
    the metrics rollup either way."""
    result = IngestResult(received=len(items))
    batch, errors = convert(store, workspace, items)
    result.errors, result.rejected = errors, len(errors)
    if batch is None:
        return result
    batch = TopicMatcher.for_workspace(store, workspace)(batch)
    upserted = store.upsert_mentions(batch)
    result.inserted, result.updated = upserted.inserted, upserted.updated
    result.unchanged, result.duplicates = upserted.unchanged, upserted.duplicates
    if analyse and (upserted.inserted or upserted.updated):
        from tinhieu.nlp.pipeline import enrich

        enrich(store, workspace)  # the rows without sentiment: new ones, changed text
    return result


# --- idempotency --------------------------------------------------------------------------


def body_digest(body: object) -> str:
    """SHA-256 of the body's canonical JSON (key order and spacing do not matter)."""
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def replay(store: DuckDBStore, workspace: str, key: str, digest: str) -> dict[str, Any] | None:
    """The stored response for ``key``, None when the key is new (or expired).

    Raises :class:`IdempotencyConflict` when the key answered another body."""
    rows = store.fetch_all(
        "SELECT response FROM ingest_keys WHERE workspace = ? AND idempotency_key = ? "
        "AND created_at >= ?",
        [workspace, key, datetime.now(UTC) - KEY_TTL],
    )
    if not rows:
        return None
    stored = json.loads(rows[0][0])
    if stored.get("body_sha256") != digest:
        raise IdempotencyConflict(key)
    response: dict[str, Any] = stored["response"]
    return response


def remember(
    store: DuckDBStore, workspace: str, key: str, digest: str, response: Mapping[str, Any]
) -> None:
    """Store the response to ``key`` (and forget the workspace's expired keys)."""
    record = json.dumps({"body_sha256": digest, "response": response}, ensure_ascii=False)
    with store.transaction():
        store.execute(
            "DELETE FROM ingest_keys WHERE workspace = ? AND (created_at < ? "
            "OR idempotency_key = ?)",
            [workspace, datetime.now(UTC) - KEY_TTL, key],
        )
        store.execute(
            "INSERT INTO ingest_keys (workspace, idempotency_key, response) VALUES (?, ?, ?)",
            [workspace, key, record],
        )


# --- analysis and rollup, after the answer -------------------------------------------------


class AfterIngest:
    """The work that follows an ingest, in one background thread per store.

    * **Analysis** (:func:`tinhieu.nlp.pipeline.enrich`) starts as soon as a workspace
      is marked; ingests that arrive meanwhile are analysed together by the next pass.
      ``enrich`` analyses the rows without sentiment (new rows, and rows whose text
      changed) and re-applies corrections: per pass, not per row, so a burst costs a
      few passes.
    * **Seeding detection** (:func:`tinhieu.nlp.pipeline.mark_seeding`, which re-reads
      the whole recent window) and **the metrics rollup**
      (:func:`tinhieu.metrics.refresh_rollup`) run once
      no ingest marked the workspace for ``quiet`` seconds (at the latest ``at_most``
      seconds after the first mark during a steady stream). Until then the rollup's
      fingerprint no longer matches and metrics scan ``mentions``: same numbers,
      slower.
    """

    def __init__(
        self,
        store: DuckDBStore,
        *,
        quiet: float = 2.0,
        at_most: float = 30.0,
        workers: int = 0,
    ) -> None:
        self.store = store
        self.quiet = quiet
        self.at_most = at_most
        #: analysis worker processes (0: analyse in this process's worker thread)
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._analyse: dict[str, None] = {}  # workspaces to analyse, in mark order
        self._rollup: dict[str, tuple[float, float]] = {}  # ws -> (first, last) mark
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._job: str | None = None  # the job running now
        self._hurry = 0
        self.passes = {"analyse": 0, "rollup": 0}  # how many ran (tests, benchmarks)

    def mark(self, workspace: str) -> None:
        """``workspace`` received rows: analyse them now, rebuild its rollup later."""
        now = time.monotonic()
        with self._cond:
            self._analyse[workspace] = None
            first, _ = self._rollup.get(workspace, (now, now))
            self._rollup[workspace] = (first, now)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="tinhieu-after-ingest", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def _executor(self) -> ProcessPoolExecutor | None:
        """The analysis process pool (started on first use), None without workers."""
        if self.workers <= 0:
            return None
        if self._pool is None:
            from tinhieu.nlp.pipeline import warm_worker

            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                # never fork a process that holds a DuckDB connection and threads
                mp_context=multiprocessing.get_context("spawn"),
                initializer=warm_worker,
            )
        return self._pool

    def start_workers(self, timeout: float = 120.0) -> bool:
        """Start the worker processes and load their models now (a server calls this at
        start, so the first ingest does not wait for them); True when they are ready."""
        pool = self._executor()
        if pool is None:
            return True
        from tinhieu.nlp.pipeline import warm_worker

        futures = [pool.submit(warm_worker) for _ in range(self.workers)]
        try:
            for future in futures:
                future.result(timeout=timeout)
        except Exception:  # a pass falls back to in-process analysis
            _log.exception("analysis workers did not start")
            return False
        return True

    def close(self, timeout: float = 60.0) -> None:
        """Finish what is pending (as :meth:`flush`), then stop the worker processes."""
        self.flush(timeout)
        with self._cond:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def pending(self) -> bool:
        """Whether work is waiting or running."""
        with self._cond:
            return bool(self._analyse or self._rollup) or self._job is not None

    def flush(self, timeout: float = 120.0, *, rollup: bool = True) -> bool:
        """Do what is pending now and wait for it (without ``rollup``: wait for the
        analysis only); True when done within ``timeout``."""
        deadline = time.monotonic() + timeout

        def busy() -> bool:
            if rollup:
                return bool(self._analyse or self._rollup) or self._job is not None
            return bool(self._analyse) or self._job == "analyse"

        with self._cond:
            self._hurry += int(rollup)
            self._cond.notify_all()
            try:
                while busy():
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._cond.wait(min(left, 0.05))
            finally:
                self._hurry -= int(rollup)
        return True

    def _next(self, now: float) -> tuple[str | None, str, float]:
        """The next job (workspace, kind) due now, or None and how long to wait."""
        for ws in self._analyse:
            return ws, "analyse", 0.0
        wait = self.quiet
        for ws, (first, last) in self._rollup.items():
            due = min(last + self.quiet, first + self.at_most)
            if self._hurry or due <= now:
                return ws, "rollup", 0.0
            wait = min(wait, due - now)
        return None, "", wait

    def _run(self) -> None:
        from tinhieu.metrics import refresh_rollup
        from tinhieu.nlp.pipeline import enrich, mark_seeding

        while True:
            with self._cond:
                if not (self._analyse or self._rollup):
                    self._thread = None
                    self._cond.notify_all()
                    return
                ws, job, wait = self._next(time.monotonic())
                if ws is None:
                    self._cond.wait(wait)
                    continue
                if job == "analyse":
                    del self._analyse[ws]
                else:
                    del self._rollup[ws]
                self._job = job
            try:
                if job == "analyse":
                    try:
                        enrich(self.store, ws, seeding=False, executor=self._executor())
                    except BrokenProcessPool:
                        # a worker died (killed, out of memory): analyse here this time,
                        # and start a fresh pool for the next pass
                        _log.warning("analysis worker died; analysing in-process")
                        with self._cond:
                            broken, self._pool = self._pool, None
                        if broken is not None:
                            broken.shutdown(wait=False, cancel_futures=True)
                        enrich(self.store, ws, seeding=False)
                else:
                    # seeding re-reads the whole recent window: once per settled burst,
                    # with the rollup, not once per analysis pass
                    mark_seeding(self.store, ws)
                    refresh_rollup(self.store, ws)
                self.passes[job] += 1
            except Exception:  # the store may be closing; the next ingest tries again
                _log.exception("%s after ingest failed for workspace %r", job, ws)
            finally:
                with self._cond:
                    self._job = None
                    self._cond.notify_all()
