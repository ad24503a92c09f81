"""From a topic's series to signals, with severity, persistence, evidence and stage.

:func:`detect_topic` reads the topic's hourly series (``signals/series.py``) from
``history_days`` before ``since`` (the detectors' warm-up) to ``until``, runs the
streaming detectors over it bucket by bucket — exactly what ``tinhieu watch`` would have
said at the time — and turns the alerts inside ``[since, until)`` into
:class:`~tinhieu.signals.model.Signal` records:

==================  =========================================================  ==========
kind                series and detector                                        measure
==================  =========================================================  ==========
volume_spike        mentions, :class:`SpikeDetector` (1–24 h scales); also     volume
                    per platform, when one platform surges and the topic
                    as a whole does not (≥ 10 mentions on the scale)
vanity_spike        the same alert when ≥ 50 % of its mentions are flagged     volume
                    spam (giveaway, seeding, ads) or sit in a giveaway
                    thread, or ≥ 50 % of its
                    interactions are vanity interactions
negative_shift      negative / analysed, :class:`ShareShiftDetector`           negative_share
emerging_aspect     negative opinions per aspect, :class:`SpikeDetector`       negative
escalation          mentions from news outlets and big pages                   big
emerging_term       mentions carrying crisis-risk terms, per risk category     risk
==================  =========================================================  ==========

Severity (1–10), documented in ``docs/signals.md``:
``1 + 0.75·(deviation − 4)``, plus 1 when the bucket is at least 3× its baseline and 2 when
10×, plus 1 for a negative shift or escalation, plus 2 for health/hygiene/safety risk
terms and 1 for other risk terms, plus 1 in an outbreak and 2 in a spread; vanity spikes
are capped at 3, and "calm" signals at 5 unless the topic is in outbreak or spread: volume
spikes no more negative than usual (negative share within 10 points of the learnt
baseline) and emerging terms whose texts are mostly not negative — buzz, not an
emergency. Clamped to 1–10.

Persistence gate: a candidate of severity ≤ 3 is emitted only if the next bucket still
deviates (≥ 3); it is then dated to that bucket, with ``persistence`` = 2 or more.
Cooldown: each detector stays quiet for a day after an alert (one story, one signal);
alert rules add their own cooldown on top.

Incomplete buckets (the current hour) are not scored here; ``tinhieu watch`` scores them
against a pro-rated baseline. Collection gaps are skipped: the detectors neither score
nor learn them.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from tinhieu.metrics.scope import DateLike, parse_bound
from tinhieu.nlp.labels import COMMERCE_ASPECTS
from tinhieu.signals.detectors import Score, ShareShiftDetector, SpikeDetector
from tinhieu.signals.evidence import evidence
from tinhieu.signals.model import Evidence, Signal, SignalKind
from tinhieu.signals.risk import CATEGORIES as RISK_CATEGORIES
from tinhieu.signals.risk import risk_terms
from tinhieu.signals.series import topic_series, workspace_topics
from tinhieu.signals.stages import StageReading, crisis_stages, stage_at
from tinhieu.signals.terms import BASELINE_DAYS as TERM_BASELINE_DAYS
from tinhieu.signals.terms import COOLDOWN_DAYS as TERM_COOLDOWN_DAYS
from tinhieu.signals.terms import DayTerms, bursts, topic_day_terms
from tinhieu.store.base import Store
from tinhieu.text.normalise import fold

HISTORY_DAYS: Final = 28
KEEP_HOURS: Final = 17 * 24  # buckets a monitor keeps: the stage rules' baseline days
GATE_SEVERITY: Final = 4  # candidates below this need a second deviating bucket
PERSIST_DEVIATION: Final = 3.0
VANITY_SHARE: Final = 0.5
SERIOUS_RISKS: Final = frozenset({"health", "hygiene", "safety"})
MIN_BIG_24H: Final = 3  # an escalation needs this many big-source mentions in a day
MIN_RISK_24H: Final = 3  # and risk terms this many mentions
RARE_EXPECTED: Final = 0.005  # the floor of a risk category's hourly baseline
#: Risk vocabulary is chosen in advance for being alarming, so less evidence is needed
#: (with at least MIN_RISK_24H mentions in the day).
RISK_DEVIATION: Final = 3.0
#: Negative signals at least this severe count as complaints for the crisis stage.
STAGE_SIGNAL_SEVERITY: Final = 5
MIN_PLATFORM_SPIKE: Final = 10  # mentions a platform-only spike needs on its scale
CALM_MARGIN: Final = 0.1  # a spike this close to the usual negative share is "calm"
CALM_CAP: Final = 5


@dataclass(frozen=True, slots=True)
class DetectOptions:
    history_days: int = HISTORY_DAYS
    with_evidence: bool = True
    min_severity: int = 1


@dataclass(slots=True)
class TopicReport:
    """Everything detection learnt about one topic."""

    topic: str
    signals: list[Signal] = field(default_factory=list)
    stages: list[StageReading] = field(default_factory=list)
    hourly: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def stage(self) -> StageReading | None:
        return self.stages[-1] if self.stages else None


@dataclass(slots=True)
class BucketRow:
    """One hour of a topic, as the monitor reads it."""

    start: datetime
    end: datetime
    mentions: float = 0.0
    flagged: float = 0.0
    interactions: float = 0.0
    vanity: float = 0.0
    vanity_mentions: float = 0.0  # flagged, or in a giveaway thread
    big: float = 0.0
    negative: float = 0.0
    analysed: float = 0.0
    aspects: dict[str, float] = field(default_factory=dict)  # negative opinions per aspect
    risks: dict[str, float] = field(default_factory=dict)  # mentions per risk category
    platforms: dict[str, float] = field(default_factory=dict)  # mentions per platform
    complete: bool = True
    gap: bool = False
    fraction: float = 1.0  # how much of an incomplete bucket has passed


@dataclass(frozen=True, slots=True)
class _Candidate:
    kind: SignalKind
    measure: str
    row: BucketRow  # the bucket that fired
    score: Score
    dimension: str | None = None
    dimension_value: str | None = None
    extra: float = 0.0  # kind-specific severity bonus
    calm: bool = False  # a volume spike no more negative than usual
    persistence: int = 1


def severity(
    kind: str,
    deviation: float,
    observed: float,
    expected: float,
    *,
    stage: str | None = None,
    bonus: float = 0.0,
    calm: bool = False,
) -> int:
    """The documented severity formula (module docstring)."""
    s = 1.0 + 0.75 * (deviation - 4.0)
    if expected > 0 and kind not in ("negative_shift",):
        ratio = observed / expected
        s += 2.0 if ratio >= 10 else 1.0 if ratio >= 3 else 0.0
    if kind in ("negative_shift", "escalation"):
        s += 1.0
    s += bonus
    if stage == "outbreak":
        s += 1.0
    elif stage == "spread":
        s += 2.0
    if kind == "vanity_spike":
        s = min(s, 3.0)
    if calm and stage not in ("outbreak", "spread"):
        s = min(s, float(CALM_CAP))
    return int(min(10, max(1, math.floor(s + 0.5))))


def _sum(rows: Sequence[BucketRow], w: int, get: Callable[[BucketRow], float]) -> float:
    return float(sum(get(r) for r in rows[max(0, len(rows) - w) :]))


class TopicMonitor:
    """The streaming detectors of one topic, fed one hour at a time.

    Batch detection (:func:`detect_topic`) and ``tinhieu watch`` both drive this object:
    :meth:`step` rates a bucket with every detector (``score_one``) and, when the bucket
    is complete, folds it in (``learn_one``); an incomplete bucket is rated against the
    elapsed fraction of its baseline and not learnt. It returns the alert candidates.
    """

    def __init__(self, topic: str, aspects: Sequence[str] = ()) -> None:
        self.topic = topic
        self.t = 0
        self.volume = SpikeDetector(period=24, scales=(1, 3, 6, 12, 24))
        self.big = SpikeDetector(period=24, scales=(1, 6, 24))
        self.share = ShareShiftDetector()
        self.aspects: dict[str, SpikeDetector] = {}
        self.risks: dict[str, SpikeDetector] = {}
        self.platforms: dict[str, SpikeDetector] = {}
        for a in dict.fromkeys([*COMMERCE_ASPECTS, *aspects]):
            self._aspect(a)
        for c in RISK_CATEGORIES:
            self._risk(c)
        self.rows: deque[BucketRow] = deque(maxlen=KEEP_HOURS)
        #: recent scores per (measure, dimension value), for persistence
        self.scores: dict[tuple[str, str | None], deque[Score | None]] = {}
        self._partial: dict[datetime, set[tuple[str, str | None]]] = {}
        self._pending: dict[tuple[str, str | None], _Candidate] = {}

    def _aspect(self, name: str) -> SpikeDetector:
        if name not in self.aspects:
            self.aspects[name] = SpikeDetector(period=24, scales=(3, 6, 24), phase=self.t)
        return self.aspects[name]

    def _platform(self, name: str) -> SpikeDetector:
        if name not in self.platforms:
            self.platforms[name] = SpikeDetector(period=24, scales=(1, 3, 6, 12, 24), phase=self.t)
        return self.platforms[name]

    def _risk(self, name: str) -> SpikeDetector:
        if name not in self.risks:
            self.risks[name] = SpikeDetector(
                period=24,
                scales=(1, 6, 24),
                min_expected=RARE_EXPECTED,
                min_deviation=RISK_DEVIATION,
                phase=self.t,
                weekly=False,  # rare events have no weekly rhythm to learn
            )
        return self.risks[name]

    def _note(self, key: tuple[str, str | None], score: Score | None) -> None:
        self.scores.setdefault(key, deque(maxlen=48)).append(score)

    def persistence(self, key: tuple[str, str | None]) -> int:
        """Consecutive buckets up to the latest whose deviation is ≥ PERSIST_DEVIATION."""
        n = 0
        for s in reversed(self.scores.get(key, ())):
            if s is None or s.deviation < PERSIST_DEVIATION:
                break
            n += 1
        return n

    def step(self, row: BucketRow) -> list[_Candidate]:
        """Rate one bucket (and learn it when complete); the alert candidates."""
        for a in row.aspects:
            self._aspect(a)
        for c in row.risks:
            self._risk(c)
        for p in row.platforms:
            self._platform(p)
        if row.gap:
            if row.complete:
                detectors = (
                    self.volume,
                    self.big,
                    *self.aspects.values(),
                    *self.risks.values(),
                    *self.platforms.values(),
                )
                for d in detectors:
                    d.skip_one()
                self.rows.append(row)
                for key in list(self.scores):
                    self._note(key, None)
                self.t += 1
            return []
        frac = 1.0 if row.complete else row.fraction
        window = [*self.rows, row]
        fired_before = self._partial.get(row.start, set())
        out: list[_Candidate] = []

        def run(
            key: tuple[str, str | None],
            det: SpikeDetector,
            x: float,
            make: Callable[[Score], _Candidate | None],
        ) -> None:
            s = det.score_one(x, frac)
            cand = make(s) if s.alert and key not in fired_before else None
            if row.complete:
                det.learn_one(x, alerted=s.alert and (cand is not None or key in fired_before))
                self._note(key, s)
            elif cand is not None:
                self._partial.setdefault(row.start, set()).add(key)
            if cand is not None:
                out.append(cand)

        share_base = self.share.baseline()

        def volume(s: Score) -> _Candidate:
            w = s.scale
            m = _sum(window, w, lambda r: r.mentions)
            f = _sum(window, w, lambda r: max(r.flagged, r.vanity_mentions)) / m if m else 0.0
            it = _sum(window, w, lambda r: r.interactions)
            v = _sum(window, w, lambda r: r.vanity) / it if it else 0.0
            kind: SignalKind = "vanity_spike" if max(f, v) >= VANITY_SHARE else "volume_spike"
            n, a = _sum(window, w, lambda r: r.negative), _sum(window, w, lambda r: r.analysed)
            calm = a > 0 and n / a <= share_base + CALM_MARGIN
            return _Candidate(kind, "volume", row, s, calm=calm)

        run(("volume", None), self.volume, row.mentions, volume)
        topic_spike = any(c.measure == "volume" for c in out) or ("volume", None) in fired_before

        # one platform surging while the topic as a whole does not (a TikTok trend)
        for name, det in self.platforms.items():

            def platform(s: Score, name: str = name) -> _Candidate | None:
                if topic_spike or s.observed_sum < MIN_PLATFORM_SPIKE:
                    return None
                base = volume(s)
                return replace(base, dimension="platform", dimension_value=name)

            run(("volume", name), det, row.platforms.get(name, 0.0), platform)

        def escalation(s: Score) -> _Candidate | None:
            if _sum(window, 24, lambda r: r.big) < MIN_BIG_24H:
                return None
            return _Candidate("escalation", "big", row, s)

        run(("big", None), self.big, row.big, escalation)

        # the negative share
        share_key: tuple[str, str | None] = ("negative_share", None)
        s = self.share.score_one(row.negative, row.analysed)
        cand = (
            _Candidate("negative_shift", "negative_share", row, s)
            if s.alert and share_key not in fired_before
            else None
        )
        if row.complete:
            self.share.learn_one(
                row.negative,
                row.analysed,
                alerted=s.alert and (cand is not None or share_key in fired_before),
            )
            self._note(share_key, s)
        elif cand is not None:
            self._partial.setdefault(row.start, set()).add(share_key)
        if cand is not None:
            out.append(cand)

        for name, det in self.aspects.items():

            def aspect(s: Score, name: str = name) -> _Candidate:
                return _Candidate("emerging_aspect", "negative", row, s, "aspect", name)

            run(("negative", name), det, row.aspects.get(name, 0.0), aspect)

        for cat, det in self.risks.items():

            def risk(s: Score, cat: str = cat) -> _Candidate | None:
                if _sum(window, 24, lambda r: r.risks.get(cat, 0.0)) < MIN_RISK_24H:
                    return None
                extra = 2.0 if cat in SERIOUS_RISKS else 1.0
                return _Candidate("emerging_term", "risk", row, s, "risk", cat, extra)

            run(("risk", cat), det, row.risks.get(cat, 0.0), risk)

        if row.complete:
            out = self._persist(row, out)
            self.rows.append(row)
            self._partial.pop(row.start, None)
            self.t += 1
        return out

    def _persist(self, row: BucketRow, found: list[_Candidate]) -> list[_Candidate]:
        """The persistence gate: a candidate below GATE_SEVERITY that has deviated for a
        single bucket waits for the next one, and is emitted (dated to it) only if that
        bucket still deviates by PERSIST_DEVIATION."""
        out: list[_Candidate] = []
        for key, c in self._pending.items():
            last = self.scores.get(key)
            if last and last[-1] is not None and last[-1].deviation >= PERSIST_DEVIATION:
                out.append(replace(c, row=row, persistence=self.persistence(key)))
        self._pending = {}
        for c in found:
            key = (c.measure, c.dimension_value)
            p = self.persistence(key)
            if _severity_of(c) >= GATE_SEVERITY or p >= 2:
                out.append(replace(c, persistence=max(p, 1)))
            else:
                self._pending[key] = c
        return out

    def hourly(self) -> pd.DataFrame:
        """The complete buckets kept (the last 16 days), as the stage rules read them."""
        return pd.DataFrame(
            {
                "bucket_start": [r.start for r in self.rows],
                "bucket_end": [r.end for r in self.rows],
                "mentions": [r.mentions for r in self.rows],
                "flagged": [r.flagged for r in self.rows],
                "negative": [r.negative for r in self.rows],
                "analysed": [r.analysed for r in self.rows],
                "big": [r.big for r in self.rows],
                "complete": [True] * len(self.rows),
            }
        )


def _risk_series(
    store: Store, workspace: str, topic: str, starts: Sequence[datetime]
) -> dict[str, np.ndarray]:
    """Per risk category, how many mentions of each hourly bucket carry its terms
    (buckets start at ``starts``; the last one ends an hour after its start)."""
    if not len(starts):
        return {}
    lo, hi = starts[0], starts[-1] + timedelta(hours=1)
    rows = store.fetch_all(
        "SELECT created_at, text, title FROM mentions WHERE workspace = ? "
        "AND array_position(topics, ?) IS NOT NULL AND created_at >= ? AND created_at < ? "
        "AND (spam IS NULL OR spam = 'none')",
        [workspace, topic, lo, hi],
    )
    edges = np.array([pd.Timestamp(t).value for t in starts], dtype=np.int64)
    out: dict[str, np.ndarray] = {}
    for created, text, title in rows:
        found = {c for c, _ in risk_terms(f"{title or ''} {text or ''}")}
        if not found:
            continue
        idx = int(np.searchsorted(edges, pd.Timestamp(created).value, side="right")) - 1
        if idx < 0:
            continue
        for cat in found:
            out.setdefault(cat, np.zeros(len(starts)))[idx] += 1
    return out


def bucket_rows(
    store: Store,
    workspace: str,
    topic: str,
    *,
    since: datetime,
    until: datetime,
    now: datetime,
) -> tuple[list[BucketRow], pd.DataFrame]:
    """The topic's hourly buckets in ``[since, until)`` as the monitor reads them, and the
    plain hourly series."""
    h = topic_series(
        store, workspace, topic, grain="hour", since=since, until=until, now=now
    ).reset_index(drop=True)
    if h.empty:
        return [], h
    by_aspect = topic_series(
        store, workspace, topic, grain="hour", since=since, until=until, now=now, by="aspect"
    )
    aspect_neg: dict[datetime, dict[str, float]] = {}
    hits: list[dict[Any, Any]] = by_aspect[by_aspect["negative"] > 0].to_dict("records")
    for a in hits:
        start = pd.Timestamp(a["bucket_start"]).to_pydatetime()
        aspect_neg.setdefault(start, {})[str(a["aspect"])] = float(a["negative"])
    by_platform = topic_series(
        store, workspace, topic, grain="hour", since=since, until=until, now=now, by="platform"
    )
    platform_n: dict[datetime, dict[str, float]] = {}
    prows: list[dict[Any, Any]] = by_platform.to_dict("records")
    names = sorted({str(p["platform"]) for p in prows})
    for p in prows:
        start = pd.Timestamp(p["bucket_start"]).to_pydatetime()
        platform_n.setdefault(start, dict.fromkeys(names, 0.0))[str(p["platform"])] = float(
            p["mentions"]
        )
    starts = [pd.Timestamp(x).to_pydatetime() for x in h["bucket_start"]]
    risks = _risk_series(store, workspace, topic, starts)
    rows = []
    records: list[dict[Any, Any]] = h.to_dict("records")
    for i, r in enumerate(records):
        start, end = starts[i], pd.Timestamp(r["bucket_end"]).to_pydatetime()
        frac = 1.0
        if not r["complete"]:
            frac = (now - start).total_seconds() / max((end - start).total_seconds(), 1.0)
        rows.append(
            BucketRow(
                start=start,
                end=end,
                mentions=float(r["mentions"]),
                flagged=float(r["flagged"]),
                interactions=float(r["interactions"]),
                vanity=float(r["vanity_interactions"]),
                vanity_mentions=float(r["vanity_mentions"]),
                big=float(r["big"]),
                negative=float(r["negative"]),
                analysed=float(r["analysed"]),
                aspects=aspect_neg.get(start, {}),
                risks={c: float(v[i]) for c, v in risks.items() if v[i]},
                platforms=platform_n.get(start, {}),
                complete=bool(r["complete"]),
                gap=bool(r["gap"]),
                fraction=min(max(frac, 0.0), 1.0),
            )
        )
    return rows, h


def detect_topic(
    store: Store,
    workspace: str,
    topic: str,
    *,
    since: DateLike,
    until: DateLike = None,
    now: datetime | None = None,
    options: DetectOptions | None = None,
) -> TopicReport:
    """Signals of one topic in ``[since, until)`` and its hourly crisis stage."""
    opts = options or DetectOptions()
    zone = ZoneInfo(store.workspace_timezone(workspace))
    now_utc = parse_bound(now, zone, is_until=False)[0] or datetime.now(UTC)
    lo = parse_bound(since, zone, is_until=False)[0]
    hi = parse_bound(until, zone, is_until=True)[0] or now_utc
    if lo is None:
        raise ValueError("detect_topic needs since")
    rows, h = bucket_rows(
        store, workspace, topic, since=lo - timedelta(days=opts.history_days), until=hi, now=now_utc
    )
    report = TopicReport(topic, hourly=h)
    monitor = TopicMonitor(topic)
    found: list[_Candidate] = []
    for row in rows:
        found += monitor.step(row)
    report.stages = crisis_stages(h, _stage_signal_ends(found))
    for c in found:
        sig = _to_signal(store, workspace, topic, c, report.stages, opts)
        if sig is not None and lo <= sig.bucket_start < hi and sig.severity >= opts.min_severity:
            report.signals.append(sig)
    zone = ZoneInfo(store.workspace_timezone(workspace))
    days = topic_day_terms(
        store, workspace, topic, lo - timedelta(days=TERM_BASELINE_DAYS), min(hi, now_utc)
    )
    for sig in term_signals(store, workspace, topic, days, zone, report.stages, opts):
        if lo <= sig.bucket_start < hi and sig.severity >= opts.min_severity:
            report.signals.append(sig)
    report.signals.sort(key=lambda x: x.bucket_start)
    return report


def term_signals(
    store: Store,
    workspace: str,
    topic: str,
    days: Sequence[DayTerms],
    zone: ZoneInfo,
    stages: list[StageReading],
    opts: DetectOptions,
    *,
    only_last: bool = False,
    seen: dict[str, date] | None = None,
) -> list[Signal]:
    """``emerging_term`` signals for the bursting phrases of each complete local day of
    ``days`` (``signals/terms.py``), dated to the day's last hour; a phrase is not
    repeated within :data:`~tinhieu.signals.terms.COOLDOWN_DAYS`. ``only_last`` judges
    the last day only (streaming); ``seen`` carries the last day each phrase burst."""
    last_seen = seen if seen is not None else {}
    out: list[Signal] = []
    for i in range(len(days) - 1 if only_last else 0, len(days)):
        day = days[i]
        for burst in bursts(days, i):
            key = fold(burst.term)
            prev = last_seen.get(key)
            if prev is not None and (day.day - prev).days <= TERM_COOLDOWN_DAYS:
                continue
            last_seen[key] = day.day
            end = datetime.combine(day.day + timedelta(days=1), time(), zone).astimezone(UTC)
            start = end - timedelta(hours=1)
            before = days[max(0, i - TERM_BASELINE_DAYS) : i]
            m = sum(d.texts for d in before) or 1
            expected = burst.baseline_count * day.texts / m
            reading = stage_at(stages, end)
            stage = reading.stage if reading else None
            # buzz (a campaign hashtag, seeding praise) is not an emergency
            calm = day.negative_share(burst.term, burst.count) < 0.5
            sev = severity("emerging_term", burst.z, burst.count, expected, stage=stage, calm=calm)
            ev = Evidence(terms=(burst.term,))
            if opts.with_evidence:
                ev = evidence(
                    store,
                    workspace,
                    topic,
                    start=end - timedelta(days=1),
                    end=end,
                    keep=_has_phrase(burst.term),
                )
                ev = replace(ev, terms=(burst.term, *[t for t in ev.terms if t != burst.term]))
            out.append(
                Signal(
                    workspace=workspace,
                    topic=topic,
                    kind="emerging_term",
                    measure="term",
                    grain="hour",
                    bucket_start=start,
                    bucket_end=end,
                    observed=float(burst.count),
                    baseline=round(expected, 4),
                    deviation=round(burst.z, 3),
                    severity=sev,
                    persistence=1,
                    window=24,
                    dimension="term",
                    dimension_value=burst.term,
                    evidence=ev,
                    stage=stage,
                )
            )
    return out


def _has_phrase(phrase: str) -> Callable[[str], bool]:
    target = f" {fold(phrase)} "

    def keep(text: str) -> bool:
        return target in f" {' '.join(fold(text.lower()).split())} "

    return keep


def _stage_signal_ends(cands: Iterable[_Candidate]) -> list[datetime]:
    """End times of the negative candidates severe enough to count as complaints."""
    out = []
    for c in cands:
        negative = c.kind in ("negative_shift", "emerging_aspect") or (
            c.kind == "emerging_term" and c.dimension == "risk"
        )
        if negative and _severity_of(c) >= STAGE_SIGNAL_SEVERITY:
            out.append(c.row.end)
    return out


def stage_signal_ends(signals: Iterable[Signal]) -> list[datetime]:
    """The same rule as :func:`_stage_signal_ends`, for stored signals."""
    return [
        s.bucket_end
        for s in signals
        if (
            s.kind in ("negative_shift", "emerging_aspect")
            or (s.kind == "emerging_term" and s.dimension == "risk")
        )
        and s.severity >= STAGE_SIGNAL_SEVERITY
    ]


def _severity_of(c: _Candidate, stage: str | None = None) -> int:
    return severity(
        c.kind,
        c.score.deviation,
        c.score.observed_sum,
        c.score.expected_sum,
        stage=stage,
        bonus=c.extra,
        calm=c.calm,
    )


def _to_signal(
    store: Store,
    workspace: str,
    topic: str,
    c: _Candidate,
    stages: list[StageReading],
    opts: DetectOptions,
) -> Signal | None:
    reading = stage_at(stages, c.row.end)
    stage = reading.stage if reading else None
    sev = _severity_of(c, stage)
    w = c.score.scale
    window_start = c.row.end - timedelta(hours=w)
    ev = Evidence()
    if opts.with_evidence:
        negative = c.kind in ("negative_shift", "emerging_aspect")
        ev = evidence(
            store,
            workspace,
            topic,
            start=window_start,
            end=c.row.end,
            aspect=c.dimension_value if c.dimension == "aspect" else None,
            platform=c.dimension_value if c.dimension == "platform" else None,
            negative_only=negative,
            keep=_carries(c.dimension_value) if c.dimension == "risk" else None,
        )
        if c.dimension == "risk":
            ev = replace(ev, terms=_risk_evidence_terms(ev, c.dimension_value) + ev.terms)
    return Signal(
        workspace=workspace,
        topic=topic,
        kind=c.kind,
        measure=c.measure,
        grain="hour",
        bucket_start=c.row.start.astimezone(UTC),
        bucket_end=c.row.end.astimezone(UTC),
        observed=round(float(c.score.observed_sum), 4),
        baseline=round(float(c.score.expected_sum), 4),
        deviation=round(float(c.score.deviation), 3),
        severity=sev,
        persistence=c.persistence,
        window=w,
        dimension=c.dimension,
        dimension_value=c.dimension_value,
        evidence=ev,
        stage=stage,
    )


def _carries(category: str | None) -> Callable[[str], bool]:
    def keep(text: str) -> bool:
        return any(c == category for c, _ in risk_terms(text))

    return keep


def _risk_evidence_terms(ev: Evidence, category: str | None) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for m in ev.mentions:
        for cat, term in risk_terms(m.text):
            if cat == category:
                seen.setdefault(term)
    return tuple(seen)


def detect(
    store: Store,
    workspace: str,
    *,
    topics: Sequence[str] | None = None,
    since: DateLike,
    until: DateLike = None,
    now: datetime | None = None,
    options: DetectOptions | None = None,
) -> list[TopicReport]:
    """:func:`detect_topic` for each topic (default: every topic of the workspace)."""
    names = list(topics) if topics else workspace_topics(store, workspace)
    return [
        detect_topic(store, workspace, t, since=since, until=until, now=now, options=options)
        for t in names
    ]


# --- the signals table ----------------------------------------------------------------


def save_signals(store: Store, signals: Sequence[Signal]) -> int:
    """Store signals not stored yet (by id); return how many were new."""
    return len(store_new_signals(store, signals))


def store_new_signals(store: Store, signals: Sequence[Signal]) -> list[Signal]:
    """Store the signals not stored yet (by id), in one transaction; return them."""
    import json

    new: list[Signal] = []
    with store.transaction():
        for s in signals:
            if store.fetch_all("SELECT 1 FROM signals WHERE id = ?", [s.id]):
                continue
            store.execute(
                "INSERT INTO signals (id, workspace, topic, kind, signal_key, grain, "
                "bucket_start, severity, stage, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    s.id,
                    s.workspace,
                    s.topic,
                    s.kind,
                    s.key,
                    s.grain,
                    s.bucket_start,
                    s.severity,
                    s.stage,
                    json.dumps(s.to_dict(), ensure_ascii=False),
                ],
            )
            new.append(s)
    return new


def load_signals(
    store: Store,
    workspace: str,
    *,
    topic: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    min_severity: int = 1,
) -> list[Signal]:
    """Stored signals, most severe first, then newest."""
    import json

    where = ["workspace = ?", "severity >= ?"]
    params: list[Any] = [workspace, min_severity]
    if topic is not None:
        where.append("topic = ?")
        params.append(topic)
    if since is not None:
        where.append("bucket_start >= ?")
        params.append(since)
    if until is not None:
        where.append("bucket_start < ?")
        params.append(until)
    rows = store.fetch_all(
        f"SELECT payload FROM signals WHERE {' AND '.join(where)} "
        "ORDER BY severity DESC, bucket_start DESC",
        params,
    )
    return [Signal.from_dict(json.loads(r[0])) for r in rows]
