"""Streaming mode: signals evaluated as mentions arrive.

A :class:`Watcher` keeps one :class:`~tinhieu.signals.engine.TopicMonitor` per topic —
the same detector objects batch detection uses. On start it warms them up on the last
``history_days`` of complete hours; each :meth:`Watcher.tick` then reads only the hours
since the last complete one: complete hours are learnt, and the hour in progress is
rated against the elapsed fraction of its baseline, so a burst is caught minutes after
it starts rather than when the hour ends. A signal raised on the hour in progress keeps
its id when the hour completes (the id is the topic, kind, dimension and bucket), so it
is stored and alerted once.

Each tick stores the new signals, queues them for the alert rules and (unless told not
to) delivers what is due — ``tinhieu watch`` is the loop around it. The monitors live in
memory: a restarted watcher warms up again from the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tinhieu.signals.engine import (
    DetectOptions,
    TopicMonitor,
    _Candidate,
    _stage_signal_ends,
    _to_signal,
    bucket_rows,
    store_new_signals,
    term_signals,
)
from tinhieu.signals.model import Signal
from tinhieu.signals.series import workspace_topics
from tinhieu.signals.stages import StageReading, crisis_stages
from tinhieu.signals.terms import BASELINE_DAYS as TERM_BASELINE_DAYS
from tinhieu.signals.terms import topic_day_terms
from tinhieu.store.base import Store


@dataclass(slots=True)
class _Topic:
    monitor: TopicMonitor
    next_start: datetime  # the first hour not yet learnt
    recent: list[_Candidate] = field(default_factory=list)  # the last day's candidates
    terms_day: date | None = None  # the last local day judged for emerging terms
    term_seen: dict[str, date] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TickResult:
    signals: list[Signal]  # new this tick (not stored before)
    queued: int  # alert deliveries queued
    sent: int  # deliveries sent this tick


class Watcher:
    """Incremental detection for the topics of one workspace."""

    def __init__(
        self,
        store: Store,
        workspace: str,
        *,
        topics: Sequence[str] | None = None,
        now: datetime | None = None,
        options: DetectOptions | None = None,
    ) -> None:
        self.store = store
        self.workspace = workspace
        self.options = options or DetectOptions()
        now = now or datetime.now(UTC)
        names = list(topics) if topics else workspace_topics(store, workspace)
        self.topics: dict[str, _Topic] = {}
        self.zone = ZoneInfo(store.workspace_timezone(workspace))
        for name in names:
            monitor = TopicMonitor(name)
            start = now - timedelta(days=self.options.history_days)
            rows, _ = bucket_rows(store, workspace, name, since=start, until=now, now=now)
            nxt = rows[0].start if rows else start
            for row in rows:
                if not row.complete:
                    break
                monitor.step(row)  # warm-up: what fired then is history, not news
                nxt = row.end
            state = _Topic(monitor, nxt)
            state.terms_day = now.astimezone(self.zone).date() - timedelta(days=1)
            self.topics[name] = state

    def tick(
        self,
        now: datetime | None = None,
        *,
        store: Store | None = None,
        alert: bool = True,
        deliver: bool = True,
    ) -> TickResult:
        """Read what arrived since the last complete hour; return the new signals.

        ``store`` replaces the store for this and later ticks (``tinhieu watch`` opens
        the DuckDB file only for the length of a tick, so imports can write between)."""
        if store is not None:
            self.store = store
        now = now or datetime.now(UTC)
        fresh: list[Signal] = []
        for name, state in self.topics.items():
            rows, _ = bucket_rows(
                self.store, self.workspace, name, since=state.next_start, until=now, now=now
            )
            cands: list[_Candidate] = []
            for row in rows:
                cands += state.monitor.step(row)
                if row.complete:
                    state.next_start = row.end
            cutoff = now - timedelta(days=1)
            state.recent = [c for c in state.recent if c.row.end > cutoff] + cands
            yesterday = now.astimezone(self.zone).date() - timedelta(days=1)
            new_day = state.terms_day is None or yesterday > state.terms_day
            if not cands and not new_day:
                continue
            stages = crisis_stages(state.monitor.hourly(), _stage_signal_ends(state.recent))
            for c in cands:
                sig = _to_signal(self.store, self.workspace, name, c, stages, self.options)
                if sig is not None and sig.severity >= self.options.min_severity:
                    fresh.append(sig)
            if new_day:  # a local day has ended: its emerging terms
                state.terms_day = yesterday
                fresh += self._terms(name, state, yesterday, stages)
        fresh = store_new_signals(self.store, fresh) if fresh else []
        queued = sent = 0
        if alert and fresh:
            from tinhieu.signals.alerts import dispatch

            queued = dispatch(self.store, self.workspace, fresh, now=now).queued
        if deliver:
            from tinhieu.signals.alerts import deliver_due

            sent = deliver_due(self.store, now=now, workspace=self.workspace).sent
        return TickResult(fresh, queued, sent)

    def _terms(
        self, name: str, state: _Topic, day: date, stages: list[StageReading]
    ) -> list[Signal]:
        end = datetime.combine(day + timedelta(days=1), time(), self.zone)
        start = end - timedelta(days=TERM_BASELINE_DAYS + 1)
        days = topic_day_terms(self.store, self.workspace, name, start, end)
        found = term_signals(
            self.store,
            self.workspace,
            name,
            days,
            self.zone,
            stages,
            self.options,
            only_last=True,
            seen=state.term_seen,
        )
        return [s for s in found if s.severity >= self.options.min_severity]
