"""The drop folder: export files placed in a folder are imported, then moved away.

::

    [sources.exports]
    type = "dropfolder"
    path = "/srv/tinhieu/drop"
    preset = "brandwatch"      # optional: a vendor layout (tinhieu import --list-presets)
    mapping = "cot.toml"       # optional: a mapping file instead of a preset
    platform = "facebook"      # optional: for rows that do not say
    settle_seconds = 10        # a file must be unchanged this long before it is read

Each run looks at the files directly in ``path`` (CSV, TSV, JSON, JSONL, XLSX). A file
is left alone while it may still be being written: hidden files (``.name``), Office
lock files (``~$name``), names ending ``.part``, ``.tmp``, ``.crdownload`` or
``.partial``, an empty file, a file modified less than ``settle_seconds`` ago, and
(in a long-running process) a file whose size changed since the previous look. A
settled file goes through the core importer (:meth:`tinhieu.api.Workspace.import_file`:
the same mapping, conversion, topics, reject file and duplicate handling as ``tinhieu
import``), then moves to ``done/``, or
to ``failed/`` beside a ``<file>.reason.txt`` that says why. A run that dies between
the import and the move re-imports the file next time: rows already stored count as
duplicates, nothing is inserted twice.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from tinhieu.i18n import register
from tinhieu.sources.connectors.base import ConfigError, Connector, Page
from tinhieu.sources.connectors.config import SourceConfig, check_options, int_option
from tinhieu.store.duckdb import DuckDBStore

EXTENSIONS: Final[frozenset[str]] = frozenset({".csv", ".tsv", ".json", ".jsonl", ".xlsx"})
PARTIAL_SUFFIXES: Final[tuple[str, ...]] = (".part", ".tmp", ".crdownload", ".partial", ".swp")
DONE: Final[str] = "done"
FAILED: Final[str] = "failed"
_OPTIONS: Final[frozenset[str]] = frozenset(
    {"path", "preset", "mapping", "platform", "settle_seconds", "timezone"}
)

register(
    {
        "sources.error.import": (
            "không nhập được tệp — xem tệp .reason.txt trong thư mục failed/",
            "the file could not be imported — see its .reason.txt in failed/",
        ),
    }
)


@dataclass(slots=True)
class DropResult:
    """What happened to one file."""

    file: str
    status: str  # done | failed
    moved_to: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0
    reason: str | None = None


@dataclass(slots=True)
class ScanResult:
    files: list[DropResult] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # not settled yet
    ignored: list[str] = field(default_factory=list)  # hidden, partial, other types


def is_partial_name(name: str) -> bool:
    """Names that are never complete exports: hidden, lock and download-in-progress."""
    lower = name.lower()
    return (
        name.startswith((".", "~$"))
        or lower.endswith(PARTIAL_SUFFIXES)
        or lower.endswith(".reason.txt")
    )


class DropFolder:
    """One watched folder and how to import its files."""

    def __init__(self, name: str, options: Mapping[str, Any]) -> None:
        check_options(name, options, _OPTIONS)
        path = options.get("path")
        if not isinstance(path, str) or not path.strip():
            raise ConfigError(f"source {name}: path must name the folder to watch")
        self.name = name
        self.path = Path(path).expanduser()
        self.preset = options.get("preset")
        self.mapping = options.get("mapping")
        if self.preset is not None and self.mapping is not None:
            raise ConfigError(f"source {name}: give a preset or a mapping file, not both")
        if self.preset is not None:
            from tinhieu.sources.presets import get_preset

            try:
                get_preset(str(self.preset))
            except KeyError as exc:
                raise ConfigError(f"source {name}: {exc.args[0]}") from None
        for key in ("mapping", "platform", "timezone"):
            if options.get(key) is not None and not isinstance(options[key], str):
                raise ConfigError(f"source {name}: {key} must be a string")
        self.platform = options.get("platform")
        self.timezone = options.get("timezone")
        self.settle = float(int_option(name, options, "settle_seconds", 5))
        self._sizes: dict[str, int] = {}  # size at the last look, by name

    def candidates(self, now: float | None = None) -> tuple[list[Path], list[str], list[str]]:
        """Settled files to import (oldest first), files still settling, ignored names."""
        if not self.path.is_dir():
            raise ConfigError(f"drop folder {self.path} does not exist or is not a folder")
        now = time.time() if now is None else now
        ready: list[tuple[float, Path]] = []
        waiting: list[str] = []
        ignored: list[str] = []
        for entry in sorted(os.scandir(self.path), key=lambda e: e.name):
            if not entry.is_file(follow_symlinks=False):
                continue
            name = entry.name
            if is_partial_name(name) or Path(name).suffix.lower() not in EXTENSIONS:
                ignored.append(name)
                continue
            stat = entry.stat(follow_symlinks=False)
            before = self._sizes.get(name)
            self._sizes[name] = stat.st_size
            settled = now - stat.st_mtime >= self.settle and stat.st_size > 0
            if not settled or (before is not None and before != stat.st_size):
                waiting.append(name)
                continue
            ready.append((stat.st_mtime, Path(entry.path)))
        ready.sort(key=lambda pair: (pair[0], pair[1].name))
        return [p for _, p in ready], waiting, ignored

    def scan(
        self,
        store: DuckDBStore,
        workspace: str,
        *,
        now: float | None = None,
        nlp: bool = False,
        on_file: Callable[[DropResult], None] | None = None,
    ) -> ScanResult:
        """Import every settled file once and move it to ``done/`` or ``failed/``."""
        from tinhieu.api import Workspace

        files, waiting, ignored = self.candidates(now)
        result = ScanResult(waiting=waiting, ignored=ignored)
        ws = Workspace(store, workspace)
        for path in files:
            outcome = self._one(ws, path)
            self._sizes.pop(path.name, None)
            result.files.append(outcome)
            if on_file is not None:
                on_file(outcome)
        if any(f.inserted for f in result.files):
            ws.refresh(nlp=nlp)
        return result

    def _one(self, ws: Any, path: Path) -> DropResult:
        from tinhieu.sources.importer import ImportFailure

        try:
            with tempfile.TemporaryDirectory(prefix="tinhieu-drop-") as work:
                source, mapping = path, self.mapping
                if self.preset is not None:
                    from tinhieu.sources.presets import prepare

                    prepared = prepare(path, str(self.preset), Path(work))
                    source, mapping = prepared.path, str(prepared.mapping_file)
                summary = ws.import_file(
                    source,
                    refresh=False,
                    mapping_file=mapping,
                    platform=self.platform,
                    timezone=self.timezone,
                    reject_dir=str(self.path / DONE),
                )
        except (ImportFailure, ValueError, OSError) as exc:
            reason = str(exc) or type(exc).__name__
            target = _move(path, self.path / FAILED)
            reason_file = target.with_name(target.name + ".reason.txt")
            reason_file.write_text(
                f"{datetime.now(UTC).isoformat(timespec='seconds')} {reason}\n", "utf-8"
            )
            return DropResult(path.name, FAILED, str(target), reason=reason)
        target = _move(path, self.path / DONE)
        return DropResult(
            path.name,
            DONE,
            str(target),
            read=summary.read,
            inserted=summary.inserted,
            updated=summary.updated,
            duplicates=summary.duplicates,
            rejected=summary.rejected,
        )


def _move(path: Path, folder: Path) -> Path:
    """Move ``path`` into ``folder``; a name already there gets a time stamp."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    if target.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        target = folder / f"{path.stem}.{stamp}{path.suffix}"
    shutil.move(str(path), target)
    return target


class DropFolderConnector(Connector):
    """The drop folder as a configured source. It writes through the importer, not
    through pages: :func:`collect_dropfolder` runs it (the collector calls that for
    sources of type ``dropfolder``); :meth:`fetch` yields nothing."""

    platform = "other"

    def __init__(self, name: str, options: Mapping[str, Any]) -> None:
        super().__init__(name)
        self.folder = DropFolder(name, options)

    def queries(self) -> list[str]:
        return []

    def fetch(self, query: str, state: Mapping[str, Any]) -> Iterator[Page]:
        return iter(())


def collect_dropfolder(store: DuckDBStore, workspace: str, source: SourceConfig) -> Any:
    """Run a drop-folder source once, logged in ``source_runs`` like a connector run;
    returns a :class:`~tinhieu.sources.connectors.collect.SourceResult`."""
    from tinhieu.sources.connectors.collect import Problem, SourceResult, _finish
    from tinhieu.sources.connectors.state import start_run

    started = time.perf_counter()
    run = start_run(store, workspace, source.name, "other")
    run.next_run_at = run.started_at + source.interval
    result = SourceResult(source.name, "other", "ok", run_id=run.id, next_run_at=run.next_run_at)
    try:
        scanned = DropFolder(source.name, source.options).scan(store, workspace)
        for f in scanned.files:
            result.fetched += f.read
            result.inserted += f.inserted
            result.updated += f.updated
            result.rejected += f.rejected
            if f.status == FAILED:
                result.problems.append(Problem("import", f.file, f.reason or ""))
        result.warnings = [f"{n}: still being written, next run" for n in scanned.waiting][:20]
    except ConfigError as exc:
        result.problems.append(Problem(exc.kind, None, exc.detail))
    run.inserted, run.updated = result.inserted, result.updated
    result.errors = len(result.problems)
    result.status = "failed" if result.errors else "ok"
    result.seconds = round(time.perf_counter() - started, 3)
    _finish(store, run, result)
    return result
