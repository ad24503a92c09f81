"""Scheduled collection: each configured source on its own interval, then analysis,
the metrics rollup and signal detection on what arrived.

A :class:`Scheduler` keeps one job per source. :meth:`Scheduler.run_pending` runs the
jobs that are due (each with :func:`~tinhieu.sources.connectors.collect.collect_source`,
which never raises for a source's own failure), then, for each workspace that received
rows, analyses them (:func:`tinhieu.nlp.pipeline.enrich`), refreshes the rollup and
ticks the workspace's :class:`~tinhieu.signals.watch.Watcher`, which stores the new
signals and queues (and delivers) their alerts. :meth:`Scheduler.start` runs that in a
background thread until :meth:`Scheduler.stop`.

Timing: a source that succeeded runs again ``interval`` after its run started; one that
failed waits ``interval × 2^(failures − 1)``, at most ``max(interval, max_backoff)``,
and returns to its interval after its next success. On start, a source continues from
its last recorded run (the ``next_run_at`` the scheduler wrote in ``source_runs``): a
restart does not re-run everything at once.
The clock is injectable (``clock``), so tests drive the schedule without sleeping.

A source configured without ``workspace`` belongs to the scheduler's ``workspace``.

Besides the config file's sources, the scheduler runs the sources defined through the
API (:mod:`tinhieu.sources.registry`, unless ``stored=False``); :meth:`Scheduler.reload`
picks up a workspace's changes to them without a restart. A stored source whose name
is also a file source of its workspace is skipped (the file wins).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Final, TypeVar

from tinhieu.signals.engine import DetectOptions
from tinhieu.signals.watch import TickResult, Watcher
from tinhieu.sources.connectors.collect import SourceResult, collect_source
from tinhieu.sources.connectors.config import SourceConfig, SourcesConfig
from tinhieu.sources.connectors.state import Run, last_runs
from tinhieu.store.duckdb import DuckDBStore

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
_T = TypeVar("_T")
MAX_BACKOFF: Final[timedelta] = timedelta(hours=6)
POLL_SECONDS: Final[float] = 60.0  # the longest the thread sleeps without looking


def utc_now() -> datetime:
    return datetime.now(UTC)


def backoff(interval: timedelta, failures: int, cap: timedelta = MAX_BACKOFF) -> timedelta:
    """The wait after ``failures`` consecutive failures (0: the plain interval)."""
    if failures <= 0:
        return interval
    limit = max(interval, cap)
    factor: int = 2 ** min(failures - 1, 30)
    longer: timedelta = interval * factor
    return min(longer, limit)


@dataclass(slots=True)
class Job:
    """One source of one workspace, and when it runs next (``None``: disabled)."""

    workspace: str
    source: SourceConfig
    next_at: datetime | None
    failures: int = 0
    runs: int = 0  # runs by this scheduler
    running: bool = False
    requested: bool = False  # run now, whatever the schedule
    last: SourceResult | None = None

    @property
    def name(self) -> str:
        return self.source.name


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """What the Sources page and API show of one source."""

    name: str
    type: str
    enabled: bool
    interval_seconds: int | None  # None: not known (no scheduler)
    next_run_at: datetime | None
    failures: int
    running: bool
    requested: bool
    last_run: Run | None
    origin: str = "file"  # file | api

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "type": self.type,
            "origin": self.origin,
            "enabled": self.enabled,
            "interval_seconds": self.interval_seconds,
            "next_run_at": self.next_run_at.isoformat() if self.next_run_at else None,
            "failures": self.failures,
            "running": self.running,
            "requested": self.requested,
            "last_run": self.last_run.to_dict() if self.last_run else None,
        }


class Scheduler:
    """Runs the sources of ``config`` on their intervals; see the module docstring."""

    def __init__(
        self,
        store: DuckDBStore,
        config: SourcesConfig,
        *,
        workspace: str = "default",
        env: Mapping[str, str] | None = None,
        clock: Clock | None = None,
        nlp: bool = True,
        detect: bool = True,
        alert: bool = True,
        deliver: bool = True,
        options: DetectOptions | None = None,
        max_backoff: timedelta = MAX_BACKOFF,
        poll_seconds: float = POLL_SECONDS,
        on_result: Callable[[str, SourceResult], None] | None = None,
        on_tick: Callable[[str, TickResult], None] | None = None,
        stored: bool = True,
    ) -> None:
        self.store = store
        self.config = config
        self.workspace = workspace
        self.env = env
        self.clock: Clock = clock or utc_now
        self.nlp, self.detect, self.alert, self.deliver = nlp, detect, alert, deliver
        self.options = options
        self.max_backoff = max_backoff
        self.poll_seconds = poll_seconds
        self.on_result = on_result
        self.on_tick = on_tick
        self.errors: list[str] = []  # the last failures of the analysis steps (redacted)
        self._watchers: dict[str, Watcher] = {}
        self._cond = threading.Condition()
        self._busy = threading.Lock()  # one round at a time
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._jobs: dict[tuple[str, str], Job] = {}
        self.stored = stored
        now = self.clock()
        for source in config.sources:
            ws = source.workspace or workspace
            store.ensure_workspace(ws)
            self._jobs[(ws, source.name)] = Job(ws, source, now if source.enabled else None)
        if stored:
            for source in self._stored_sources(None):
                ws = source.workspace or workspace
                if (ws, source.name) in self._jobs:
                    log.warning(
                        "source %s of %s: the config file defines it; skipped", *(source.name, ws)
                    )
                    continue
                self._jobs[(ws, source.name)] = Job(ws, source, now if source.enabled else None)
        for ws in {j.workspace for j in self._jobs.values()}:
            self._resume(ws, [j for j in self._jobs.values() if j.workspace == ws], now)

    def _resume(self, workspace: str, jobs: list[Job], now: datetime) -> None:
        """Continue ``jobs`` from their last recorded runs (see the module docstring)."""
        runs = last_runs(self.store, workspace)
        for job in jobs:
            run = runs.get(job.name)
            if run is None or job.next_at is None:
                continue
            if run.status == "failed":
                job.failures = 1
            planned = run.next_run_at or run.started_at + job.source.interval
            job.next_at = max(now, planned)

    def _stored_sources(self, workspace: str | None) -> list[SourceConfig]:
        from tinhieu.sources.registry import load_sources

        return load_sources(self.store, workspace)

    def file_names(self, workspace: str) -> set[str]:
        """The names of ``workspace``'s sources from the config file (read-only)."""
        with self._cond:
            return {
                j.name
                for j in self._jobs.values()
                if j.workspace == workspace and j.source.origin == "file"
            }

    def reload(self, workspace: str) -> None:
        """Pick up the changes to ``workspace``'s stored sources: new ones are due now
        (also one created again under a deleted one's name),
        changed ones keep their schedule (a disabled one stops, a re-enabled one is due
        now), deleted ones go (a run in progress finishes)."""
        stored = {
            s.name: s
            for s in self._stored_sources(workspace)
            if (s.workspace or self.workspace) == workspace
        }
        now = self.clock()
        self.store.ensure_workspace(workspace)
        with self._cond:
            for key, old in list(self._jobs.items()):
                mine = old.workspace == workspace and old.source.origin == "api"
                if mine and old.name not in stored:
                    del self._jobs[key]
            for name, source in stored.items():
                job = self._jobs.get((workspace, name))
                if job is None:
                    self._jobs[(workspace, name)] = Job(
                        workspace, source, now if source.enabled else None
                    )
                elif job.source.origin == "file":
                    log.warning("source %s of %s: the config file defines it", name, workspace)
                else:
                    job.source = source
                    if not source.enabled:
                        job.next_at = None
                    elif job.next_at is None:
                        job.next_at = now
                        job.failures = 0
            self._cond.notify_all()

    # --- what is scheduled ------------------------------------------------------------------
    def jobs(self, workspace: str | None = None) -> list[Job]:
        with self._cond:
            return [j for j in self._jobs.values() if workspace in (None, j.workspace)]

    def job(self, workspace: str, name: str) -> Job | None:
        with self._cond:
            return self._jobs.get((workspace, name))

    def status(self, workspace: str) -> list[SourceStatus]:
        """Each source of ``workspace``: its last recorded run and its next run."""
        runs = last_runs(self.store, workspace)
        out = []
        with self._cond:
            for job in self._jobs.values():
                if job.workspace != workspace:
                    continue
                out.append(
                    SourceStatus(
                        job.name,
                        job.source.type,
                        job.source.enabled,
                        int(job.source.interval.total_seconds()),
                        job.next_at,
                        job.failures,
                        job.running,
                        job.requested,
                        runs.get(job.name),
                        job.source.origin,
                    )
                )
        return sorted(out, key=lambda s: s.name)

    def due(self, now: datetime | None = None) -> list[Job]:
        now = now or self.clock()
        with self._cond:
            return [j for j in self._jobs.values() if self._is_due(j, now)]

    @staticmethod
    def _is_due(job: Job, now: datetime) -> bool:
        if job.running:
            return False
        return job.requested or (job.next_at is not None and job.next_at <= now)

    # --- running ------------------------------------------------------------------------------
    def run_pending(self) -> list[SourceResult]:
        """Run the due sources (in order of due time), then analyse and detect on what
        arrived. Returns the sources' results."""
        return self._round(None)

    def _round(self, only: Job | None) -> list[SourceResult]:
        with self._busy:
            now = self.clock()
            with self._cond:
                if only is not None:
                    jobs = [] if only.running else [only]
                else:
                    jobs = sorted(
                        (j for j in self._jobs.values() if self._is_due(j, now)),
                        key=lambda j: (not j.requested, j.next_at or now, j.name),
                    )
                for j in jobs:
                    j.running = True
            results: list[SourceResult] = []
            changed: dict[str, None] = {}
            try:
                for ws in dict.fromkeys(j.workspace for j in jobs):
                    self._guard(ws, "watch", partial(self._watcher, ws))
                for i, job in enumerate(jobs):
                    if self._stopping:  # a clean stop: the rest stay due
                        for rest in jobs[i:]:
                            self._release(rest)
                        break
                    result = self._run_job(job)
                    results.append(result)
                    if result.inserted or result.updated:
                        changed[job.workspace] = None
            finally:
                for job in jobs:
                    self._release(job)
            for ws in changed:
                self._after(ws)
            return results

    def run_now(self, workspace: str, name: str, *, wait: bool = False) -> SourceResult | None:
        """Run one source now. With the thread running, the run is queued (and awaited
        with ``wait``); without it, the source runs here. ``KeyError`` if unknown."""
        with self._cond:
            job = self._jobs.get((workspace, name))
            if job is None:
                raise KeyError(name)
            job.requested = True
            before = job.runs
            alive = self._thread is not None and self._thread.is_alive()
            self._cond.notify_all()
            if alive:
                if not wait:
                    return None
                while job.runs == before and not self._stopping:
                    self._cond.wait(1.0)
                return job.last
        self._round(job)  # only this one: what else is due waits for its schedule
        return job.last

    def _release(self, job: Job) -> None:
        with self._cond:
            job.running = False
            self._cond.notify_all()

    def _run_job(self, job: Job) -> SourceResult:
        started = self.clock()
        with self._cond:
            job.requested = False
        result = collect_source(self.store, job.workspace, job.source, env=self.env)
        with self._cond:
            job.failures = job.failures + 1 if result.failed else 0
            wait = backoff(job.source.interval, job.failures, self.max_backoff)
            job.next_at = started + wait if job.source.enabled else None
            job.runs += 1
            job.last = result
            result.next_run_at = job.next_at
            self._cond.notify_all()
        if result.run_id is not None:
            self.store.execute(
                "UPDATE source_runs SET next_run_at = ? WHERE id = ?",
                [job.next_at, result.run_id],
            )
        if self.on_result is not None:
            self.on_result(job.workspace, result)
        return result

    def _watcher(self, workspace: str) -> Watcher | None:
        if not self.detect:
            return None
        from tinhieu.signals.series import workspace_topics

        topics = workspace_topics(self.store, workspace)
        found = self._watchers.get(workspace)
        if found is None or set(found.topics) != set(topics):  # new topics: warm up again
            found = Watcher(
                self.store, workspace, topics=topics, now=self.clock(), options=self.options
            )
            self._watchers[workspace] = found
        return found

    def _after(self, workspace: str) -> None:
        """Analysis, rollup and detection for a workspace that received rows."""
        from tinhieu.metrics import refresh_rollup

        if self.nlp:
            from tinhieu.nlp.pipeline import enrich

            self._guard(workspace, "enrich", lambda: enrich(self.store, workspace))
        self._guard(workspace, "rollup", lambda: refresh_rollup(self.store, workspace))
        watcher = self._guard(workspace, "watch", lambda: self._watcher(workspace))
        if watcher is None:
            return
        tick = self._guard(
            workspace,
            "detect",
            lambda: watcher.tick(self.clock(), alert=self.alert, deliver=self.deliver),
        )
        if tick is not None and self.on_tick is not None:
            self.on_tick(workspace, tick)

    def _guard(self, workspace: str, step: str, fn: Callable[[], _T]) -> _T | None:
        """Run one analysis step; a failure is logged and kept, never stops the loop."""
        from tinhieu.sources.connectors.base import redact

        try:
            return fn()
        except Exception as exc:
            message = redact(f"{workspace}: {step}: {type(exc).__name__}: {exc}")
            log.exception("scheduler step failed: %s", message)
            self.errors = [*self.errors[-19:], message]
            return None

    # --- the thread -------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> Scheduler:
        with self._cond:
            if self.running:
                return self
            self._stopping = False
            self._thread = threading.Thread(
                target=self._loop, name="tinhieu-scheduler", daemon=True
            )
            self._thread.start()
        return self

    def stop(self, timeout: float | None = 60.0) -> bool:
        """Stop after the source running now (the others stay due); True if stopped."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def join(self, timeout: float | None = None) -> None:
        """Wait for the thread (at most ``timeout`` seconds)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def __enter__(self) -> Scheduler:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def seconds_until_due(self) -> float:
        """How long the thread may sleep: until the earliest due job, at most a poll."""
        now = self.clock()
        with self._cond:
            waits = [
                0.0 if j.requested or j.next_at is None else (j.next_at - now).total_seconds()
                for j in self._jobs.values()
                if not j.running and (j.requested or j.next_at is not None)
            ]
        return max(0.0, min([self.poll_seconds, *waits]))

    def _loop(self) -> None:
        while True:
            with self._cond:
                if self._stopping:
                    return
            wait = self.seconds_until_due()
            if wait > 0:
                with self._cond:
                    if not self._stopping and not any(j.requested for j in self._jobs.values()):
                        self._cond.wait(wait)
                continue
            try:
                self.run_pending()
            except Exception:  # never let the thread die of a bug
                log.exception("scheduler round failed")
                with self._cond:
                    self._cond.wait(min(self.poll_seconds, 5.0))
