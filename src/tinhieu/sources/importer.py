"""Import files into the store: chunked, transactional, resumable, never losing a row.

Each chunk of a file is converted, enriched (topics) and written in one transaction
together with its rejects and the job's progress. If the process dies, the store holds
whole chunks only and the job remembers where it stopped; importing the same file with
the same options again resumes there and reports the totals of the whole file. Importing
a file that was already completed re-reads it: every row then counts as a duplicate (or
as updated when its counts changed), and nothing is inserted twice.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa

from tinhieu.schema import normalise_platform
from tinhieu.sources.columns import ColumnMapping, apply_overrides, detect_mapping, load_mapping
from tinhieu.sources.convert import ConvertPlan, to_mentions
from tinhieu.sources.files import (
    BLOCK_BYTES,
    FileFormatError,
    RawChunk,
    csv_layout,
    detect_format,
    read_csv,
    read_json,
    read_jsonl,
    read_xlsx,
)
from tinhieu.sources.values import check_timezone, guess_dayfirst
from tinhieu.store.base import DEFAULT_WORKSPACE, ImportJob, Reject
from tinhieu.store.duckdb import DuckDBStore

Progress = Callable[[int, int], None]
Enrich = Callable[[pa.Table], pa.Table]
_FINGERPRINT_BYTES = 4 << 20
REJECT_COLUMNS = ("_file", "_line", "_reason")
COMMIT_ROWS = 300_000


class ImportFailure(ValueError):
    """The file cannot be imported at all; the message is one line for the user."""


@dataclass(slots=True)
class ImportOptions:
    workspace: str = DEFAULT_WORKSPACE
    platform: str | None = None  # default platform for rows that do not say
    mapping_file: Path | str | None = None
    fmt: str | None = None
    encoding: str | None = None
    timezone: str | None = None  # zone for timestamps without one (default: workspace's)
    reject_dir: Path | str | None = None
    chunk_bytes: int = BLOCK_BYTES  # CSV block size; JSON/XLSX chunk by rows
    commit_rows: int = COMMIT_ROWS  # chunks are joined into transactions of this many rows


@dataclass(slots=True)
class ImportSummary:
    file: str
    format: str
    read: int
    inserted: int
    updated: int
    duplicates: int
    rejected: int
    reject_file: str | None
    resumed: bool
    job_id: int
    seconds: float
    encoding: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def file_fingerprint(path: Path) -> str:
    """Identifies a file's content cheaply: its size and its first and last 4 MiB."""
    size = path.stat().st_size
    h = hashlib.sha256(str(size).encode())
    with path.open("rb") as f:
        h.update(f.read(_FINGERPRINT_BYTES))
        if size > 2 * _FINGERPRINT_BYTES:
            f.seek(size - _FINGERPRINT_BYTES)
            h.update(f.read(_FINGERPRINT_BYTES))
        elif size > _FINGERPRINT_BYTES:
            h.update(f.read())
    return h.hexdigest()


def _resolve_mapping(
    table: pa.Table, options: ImportOptions, spec: dict[str, Any] | None
) -> tuple[ColumnMapping, dict[str, str]]:
    headers = list(table.column_names)
    head = table.slice(0, 200)
    sample = {name: head.column(name).to_pylist() for name in headers}
    mapping = detect_mapping(headers, sample)
    defaults: dict[str, str] = {}
    if spec is not None:
        mapping = apply_overrides(mapping, spec, headers)
        defaults.update({k: str(v) for k, v in spec.get("defaults", {}).items()})
    if options.platform:  # what the user says on the command line beats the file
        defaults["platform"] = options.platform
    # Our own reject files carry _file/_line/_reason: drop them when one is re-imported.
    mapping.unmapped = [c for c in mapping.unmapped if c not in REJECT_COLUMNS]
    if not any(mapping.fields.get(f) for f in ("text", "title", "source_id", "url")):
        raise ImportFailure(
            "no column looks like the text or the id of a mention; columns found: "
            + ", ".join(headers[:20])
            + ("…" if len(headers) > 20 else "")
            + ". Name them with --mapping FILE.toml"
        )
    return mapping, defaults


def import_file(
    store: DuckDBStore,
    path: str | Path,
    options: ImportOptions | None = None,
    *,
    progress: Progress | None = None,
    enrich: Enrich | None = None,
) -> ImportSummary:
    """Import one file; see the module docstring for the guarantees."""
    options = options or ImportOptions()
    path = Path(path)
    if not path.exists():
        raise ImportFailure(f"file not found: {path}")
    if path.is_dir():
        raise ImportFailure(f"{path} is a folder, not a file")
    if path.stat().st_size == 0:
        raise ImportFailure(f"{path}: the file is empty")
    started = time.perf_counter()
    if options.platform:
        canonical = normalise_platform(options.platform)
        if canonical is None:
            raise ImportFailure(f"unknown platform '{options.platform}'")
        options.platform = canonical
    mapping_file = Path(options.mapping_file) if options.mapping_file else None
    spec = load_mapping(mapping_file) if mapping_file else None
    file_options: dict[str, Any] = dict(spec.get("options", {})) if spec else {}
    try:
        fmt = detect_format(path, options.fmt or file_options.get("format"))
    except FileFormatError as exc:
        raise ImportFailure(f"{path}: {exc}") from exc
    workspace_tz = store.ensure_workspace(options.workspace)
    timezone = options.timezone or file_options.get("timezone") or workspace_tz
    try:
        check_timezone(str(timezone))
    except ValueError as exc:
        raise ImportFailure(str(exc)) from exc
    encoding = options.encoding or file_options.get("encoding")
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise ImportFailure(f"unknown encoding '{encoding}'") from exc
    read = _ReadOptions(
        encoding=encoding,
        delimiter=file_options.get("delimiter"),
        sheet=file_options.get("sheet"),
        header_row=file_options.get("header_row"),
        chunk_bytes=options.chunk_bytes,
    )

    mapping_text = mapping_file.read_text("utf-8") if mapping_file else ""
    option_key = json.dumps(
        {
            "format": fmt,
            "encoding": options.encoding,
            "platform": options.platform,
            "mapping": hashlib.sha256(mapping_text.encode()).hexdigest()[:16],
            "timezone": options.timezone,
        },
        sort_keys=True,
    )
    fingerprint = file_fingerprint(path)
    job = store.find_job(options.workspace, fingerprint, option_key)
    resumed = job is not None and job.status in ("running", "failed")
    if not resumed:
        job = store.start_job(options.workspace, str(path.resolve()), fingerprint, option_key)
    assert job is not None

    try:
        chunks, encoding = _open_chunks(path, fmt, read, job if resumed else None)
        total = path.stat().st_size
        fault = _fault_plan()

        def date_order(chunk: RawChunk, column: str) -> bool | None:
            """The file's day/month order, judged on its first chunk (also on resume)."""
            table = chunk.table
            if resumed:
                first = next(iter(_open_chunks(path, fmt, read, None)[0]), None)
                table = first.table if first is not None else table
            return guess_dayfirst(table.column(column)) if column in table.column_names else None

        def converted() -> Iterator[tuple[RawChunk, pa.Table, list[Reject]]]:
            """Read, convert and enrich, one chunk ahead of the writer."""
            plan: ConvertPlan | None = None
            headers: list[str] = []
            for chunk in chunks:
                if plan is None:
                    headers = list(chunk.table.column_names)
                    mapping, defaults = _resolve_mapping(chunk.table, options, spec)
                    dayfirst = file_options.get("dayfirst")
                    column = mapping.fields.get("created_at")
                    if dayfirst is None and column is not None:  # the file does not say
                        dayfirst = date_order(chunk, column)
                    plan = ConvertPlan(
                        options.workspace,
                        str(timezone),
                        mapping,
                        defaults,
                        dayfirst=True if dayfirst is None else bool(dayfirst),
                    )
                elif chunk.table.column_names != headers and fmt in ("json", "jsonl"):
                    headers = list(chunk.table.column_names)  # JSON records vary in keys
                    plan.mapping, plan.defaults = _resolve_mapping(chunk.table, options, spec)
                batch, rejects = to_mentions(chunk.table, chunk.lines, plan)
                if enrich is not None and batch.num_rows:
                    batch = enrich(batch)
                yield chunk, batch, [*chunk.rejects, *rejects]

        # The writer commits in file order; only reading and conversion run ahead.
        units = _commit_units(converted(), options.commit_rows)
        for number, unit in enumerate(prefetch(units), start=1):
            job.next_offset, job.next_line = unit.end_offset, unit.end_line
            job.rows_read += unit.rows_read
            if fault == ("kill-in-chunk", number):
                with store.transaction():
                    store.save_chunk(job, unit.batch, unit.rejects)
                    os.kill(os.getpid(), signal.SIGKILL)
            store.save_chunk(job, unit.batch, unit.rejects)
            if fault == ("kill-after-chunk", number):
                os.kill(os.getpid(), signal.SIGKILL)
            if progress is not None:
                progress(unit.bytes_done, total)
    except FileFormatError as exc:
        store.finish_job(job, "failed")
        raise ImportFailure(f"{path}: {exc}") from exc
    except BaseException:
        # Whatever stopped us (an error, Ctrl-C), the committed chunks are whole and the
        # job says where to resume.
        store.finish_job(job, "failed")
        raise
    if job.rejected:
        job.reject_file = str(_write_rejects(store, job, path, options))
    store.finish_job(job, "done")
    return ImportSummary(
        file=str(path),
        format=fmt,
        read=job.rows_read,
        inserted=job.inserted,
        updated=job.updated,
        duplicates=job.duplicates,
        rejected=job.rejected,
        reject_file=job.reject_file,
        resumed=resumed,
        job_id=job.id,
        seconds=round(time.perf_counter() - started, 3),
        encoding=encoding,
    )


@dataclass(slots=True)
class _Unit:
    """What one transaction writes: one or more consecutive chunks of the file."""

    batch: pa.Table
    rejects: list[Reject]
    rows_read: int
    end_offset: int
    end_line: int
    bytes_done: int


def _commit_units(
    items: Iterator[tuple[RawChunk, pa.Table, list[Reject]]], min_rows: int
) -> Iterator[_Unit]:
    """Consecutive chunks joined until they hold ``min_rows`` rows.

    DuckDB stores rows in groups of 122,880; committing a few hundred thousand rows at
    a time fills them instead of leaving a partial group behind every small chunk.
    Resume positions stay exact: a unit ends where its last chunk ends.
    """
    batches: list[pa.Table] = []
    rejects: list[Reject] = []
    rows = read = 0
    last: RawChunk | None = None
    for chunk, batch, chunk_rejects in items:
        batches.append(batch)
        rejects.extend(chunk_rejects)
        rows += batch.num_rows
        read += chunk.table.num_rows + len(chunk.rejects)
        last = chunk
        if rows >= min_rows:
            yield _Unit(
                _concat(batches), rejects, read, last.end_offset, last.end_line, last.bytes_done
            )
            batches, rejects, rows, read = [], [], 0, 0
    if last is not None and (batches or rejects):
        yield _Unit(
            _concat(batches), rejects, read, last.end_offset, last.end_line, last.bytes_done
        )


def _concat(batches: list[pa.Table]) -> pa.Table:
    if len(batches) == 1:
        return batches[0]
    return pa.concat_tables(batches, promote_options="permissive").combine_chunks()


T = TypeVar("T")


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def prefetch(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """Iterate ``items`` in a background thread, at most ``depth`` items ahead.

    Reading and converting a chunk is mostly Python and pyarrow; writing one is DuckDB,
    which releases the GIL, so the two overlap. Memory stays bounded by ``depth``.
    An exception in the producer is raised in the consumer.
    """
    q: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()
    end = object()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(end)
        except BaseException as exc:  # handed to the consumer
            put(_Failed(exc))

    thread = threading.Thread(target=work, name="tinhieu-import-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is end:
                return
            if isinstance(item, _Failed):
                raise item.exc
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join(timeout=5)


def _fault_plan() -> tuple[str, int] | None:
    """Fault injection for the crash tests: ``TINHIEU_FAULT=kill-in-chunk:N`` kills the
    process with SIGKILL inside chunk N's transaction, ``kill-after-chunk:N`` right
    after chunk N committed. Unset in normal use."""
    spec = os.environ.get("TINHIEU_FAULT")
    if not spec:
        return None
    mode, _, n = spec.partition(":")
    if mode not in ("kill-in-chunk", "kill-after-chunk") or not n.isdigit():
        raise ImportFailure(
            f"TINHIEU_FAULT must be kill-in-chunk:N or kill-after-chunk:N, not {spec!r}"
        )
    return mode, int(n)


@dataclass(frozen=True, slots=True)
class _ReadOptions:
    encoding: str | None
    delimiter: str | None
    sheet: str | int | None
    header_row: int | None
    chunk_bytes: int


def _open_chunks(
    path: Path, fmt: str, read: _ReadOptions, job: ImportJob | None
) -> tuple[Iterator[RawChunk], str | None]:
    if fmt in ("csv", "tsv"):
        layout = csv_layout(path, fmt, read.encoding, read.delimiter)
        if job is not None and job.next_offset:
            return read_csv(
                path, layout, job.next_offset, job.next_line, read.chunk_bytes
            ), layout.encoding
        return read_csv(path, layout, block_bytes=read.chunk_bytes), layout.encoding
    start = job.next_offset if job is not None else 0
    rows = max(1, read.chunk_bytes // 200)  # about the same size as a CSV block
    if fmt == "jsonl":
        line = job.next_line if job is not None else 1
        return read_jsonl(path, read.encoding, start, line, rows), read.encoding
    if fmt == "json":
        return read_json(path, read.encoding, start, rows), read.encoding
    return read_xlsx(path, start, rows, read.sheet, read.header_row), None


def reject_path(store: DuckDBStore, job: ImportJob, source: Path, options: ImportOptions) -> Path:
    if options.reject_dir is not None:
        folder = Path(options.reject_dir)
    elif store.path != ":memory:":
        folder = Path(store.path).resolve().parent / "rejects"
    else:
        folder = Path.cwd() / "rejects"
    return folder / f"{source.stem}.import-{job.id}.rejects.csv"


def _write_rejects(
    store: DuckDBStore, job: ImportJob, source: Path, options: ImportOptions
) -> Path:
    """All rejects of the job (earlier runs of a resumed job included) as CSV: the file,
    line and reason, then the row's original columns, ready to fix and import again."""
    rejects = store.job_rejects(job.id)
    target = reject_path(store, job, source, options)
    target.parent.mkdir(parents=True, exist_ok=True)
    records: list[dict[str, Any]] = []
    columns: dict[str, None] = {}
    for r in rejects:
        raw = _raw_record(r)
        for k in raw:
            columns.setdefault(k, None)
        records.append(raw)
    tmp = target.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([*REJECT_COLUMNS, *columns])
        for r, raw in zip(rejects, records, strict=True):
            writer.writerow(
                [str(source), r.line, r.reason, *(_csv_value(raw.get(c)) for c in columns)]
            )
    os.replace(tmp, target)
    return target


def _raw_record(reject: Reject) -> dict[str, Any]:
    try:
        value = json.loads(reject.raw)
    except json.JSONDecodeError:
        return {"_raw": reject.raw}
    return value if isinstance(value, dict) else {"_raw": value}


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
