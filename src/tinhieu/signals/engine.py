"""From a topic's series to signals, with severity, persistence, evidence and stage.

:func:`detect_topic` reads the topic's hourly series (``signals/series.py``) from
``history_days`` before ``since`` (the detectors' warm-up) to ``until``, runs the
streaming detectors over it bucket by bucket — exactly what ``tinhieu watch`` would have
said at the time — and turns the alerts inside ``[since, until)`` into
:class:`~tinhieu.signals.model.Signal` records:

==================  =========================================================  ==========
kind                series and detector                                        measure
==================  =========================================================  ==========
volume_spike        mentions, :class:`SpikeDetector` (1–24 h scales)           volume
vanity_spike        the same alert when ≥ 50 % of its mentions are flagged     volume
                    spam (giveaway, seeding, ads) or ≥ 50 % of its
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
are capped at 3, and volume spikes no more negative than usual (negative share within 10
points of the learnt baseline: buzz, not an emergency) at 5. Clamped to 1–10.

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from tinhieu.metrics.scope import DateLike, parse_bound
from tinhieu.signals.detectors import Score, ShareShiftDetector, SpikeDetector
from tinhieu.signals.evidence import evidence
from tinhieu.signals.model import Evidence, Signal, SignalKind
from tinhieu.signals.risk import risk_terms
from tinhieu.signals.series import topic_series, workspace_topics
from tinhieu.signals.stages import StageReading, crisis_stages, stage_at
from tinhieu.store.base import Store

HISTORY_DAYS: Final = 28
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


@dataclass(frozen=True, slots=True)
class _Candidate:
    kind: SignalKind
    measure: str
    index: int  # the bucket that fired
    score: Score
    observed: float
    dimension: str | None = None
    dimension_value: str | None = None
    extra: float = 0.0  # kind-specific severity bonus
    calm: bool = False  # a volume spike no more negative than usual


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
    if calm:
        s = min(s, float(CALM_CAP))
    return int(min(10, max(1, math.floor(s + 0.5))))


def _spike_candidates(
    values: np.ndarray,
    usable: np.ndarray,
    make: Callable[[int, Score], _Candidate | None],
    detector: SpikeDetector,
) -> tuple[list[_Candidate], list[Score | None]]:
    out: list[_Candidate] = []
    scores: list[Score | None] = []
    for i, x in enumerate(values):
        if not usable[i]:
            detector.skip_one()
            scores.append(None)
            continue
        s = detector.score_one(float(x))
        scores.append(s)
        cand = make(i, s) if s.alert else None
        detector.learn_one(float(x), alerted=cand is not None)
        if cand is not None:
            out.append(cand)
    return out, scores


def _window_sum(values: np.ndarray, i: int, w: int) -> float:
    return float(np.nansum(values[max(0, i - w + 1) : i + 1]))


def _risk_series(
    store: Store, workspace: str, topic: str, starts: pd.Series, ends: pd.Series
) -> dict[str, np.ndarray]:
    """Per risk category, how many mentions of each bucket carry its terms."""
    lo, hi = starts.iloc[0].to_pydatetime(), ends.iloc[-1].to_pydatetime()
    rows = store.fetch_all(
        "SELECT created_at, text, title FROM mentions WHERE workspace = ? "
        "AND array_position(topics, ?) IS NOT NULL AND created_at >= ? AND created_at < ? "
        "AND (spam IS NULL OR spam = 'none')",
        [workspace, topic, lo, hi],
    )
    edges = np.array([t.value for t in pd.to_datetime(starts, utc=True)], dtype=np.int64)
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
    start = lo - timedelta(days=opts.history_days)
    h = topic_series(
        store, workspace, topic, grain="hour", since=start, until=hi, now=now_utc
    ).reset_index(drop=True)
    report = TopicReport(topic, hourly=h)
    if h.empty:
        return report
    usable = (h["complete"] & ~h["gap"]).to_numpy()
    starts = pd.to_datetime(h["bucket_start"], utc=True)
    ends = pd.to_datetime(h["bucket_end"], utc=True)
    mentions = h["mentions"].to_numpy(dtype=float)
    flagged = h["flagged"].to_numpy(dtype=float)
    inter = h["interactions"].to_numpy(dtype=float)
    vanity = h["vanity_interactions"].to_numpy(dtype=float)
    cands: list[_Candidate] = []
    deviations: dict[tuple[str, str | None], list[Score | None]] = {}

    # negative share
    neg = h["negative"].to_numpy(dtype=float)
    ana = h["analysed"].to_numpy(dtype=float)
    share_det = ShareShiftDetector()
    share_scores: list[Score | None] = []
    share_baseline = np.zeros(len(h))
    for i in range(len(h)):
        share_baseline[i] = share_det.baseline()
        if not usable[i]:
            share_scores.append(None)
            continue
        s = share_det.score_one(neg[i], ana[i])
        share_scores.append(s)
        share_det.learn_one(neg[i], ana[i], alerted=s.alert)
        if s.alert:
            obs = neg[i] / ana[i] if ana[i] else 0.0
            cands.append(_Candidate("negative_shift", "negative_share", i, s, obs))
    deviations[("negative_share", None)] = share_scores

    def volume(i: int, s: Score) -> _Candidate:
        w = s.scale
        m = _window_sum(mentions, i, w)
        f = _window_sum(flagged, i, w) / m if m else 0.0
        it = _window_sum(inter, i, w)
        v = _window_sum(vanity, i, w) / it if it else 0.0
        kind: SignalKind = "vanity_spike" if max(f, v) >= VANITY_SHARE else "volume_spike"
        n, a = _window_sum(neg, i, w), _window_sum(ana, i, w)
        # buzz that is no more negative than usual is not an emergency
        calm = a > 0 and n / a <= share_baseline[i] + CALM_MARGIN
        return _Candidate(kind, "volume", i, s, float(mentions[i]), calm=calm)

    found, sc = _spike_candidates(
        mentions, usable, volume, SpikeDetector(period=24, scales=(1, 3, 6, 12, 24))
    )
    cands += found
    deviations[("volume", None)] = sc

    big = h["big"].to_numpy(dtype=float)

    def escalation(i: int, s: Score) -> _Candidate | None:
        if _window_sum(big, i, 24) < MIN_BIG_24H:
            return None
        return _Candidate("escalation", "big", i, s, float(big[i]))

    found, sc = _spike_candidates(
        big, usable, escalation, SpikeDetector(period=24, scales=(1, 6, 24))
    )
    cands += found
    deviations[("big", None)] = sc

    # negative opinions per aspect
    by_aspect = topic_series(
        store, workspace, topic, grain="hour", since=start, until=hi, now=now_utc, by="aspect"
    )
    for aspect, grp in by_aspect.groupby("aspect", sort=True):
        counts = grp.sort_values("bucket_start")["negative"].to_numpy(dtype=float)
        if len(counts) != len(h) or counts.sum() < MIN_RISK_24H:
            continue
        name = str(aspect)

        def aspect_cand(
            i: int, s: Score, name: str = name, counts: np.ndarray = counts
        ) -> _Candidate:
            return _Candidate("emerging_aspect", "negative", i, s, float(counts[i]), "aspect", name)

        found, sc = _spike_candidates(
            counts, usable, aspect_cand, SpikeDetector(period=24, scales=(3, 6, 24))
        )
        cands += found
        deviations[("negative", name)] = sc

    # crisis-risk vocabulary, per category: health terms never seen before matter even
    # when staff complaints are routine
    for cat, counts in sorted(_risk_series(store, workspace, topic, starts, ends).items()):

        def risk_cand(
            i: int, s: Score, cat: str = cat, counts: np.ndarray = counts
        ) -> _Candidate | None:
            if _window_sum(counts, i, 24) < MIN_RISK_24H:
                return None
            extra = 2.0 if cat in SERIOUS_RISKS else 1.0
            return _Candidate("emerging_term", "risk", i, s, float(counts[i]), "risk", cat, extra)

        det = SpikeDetector(
            period=24, scales=(1, 6, 24), min_expected=RARE_EXPECTED, min_deviation=RISK_DEVIATION
        )
        found, sc = _spike_candidates(counts, usable, risk_cand, det)
        cands += found
        deviations[("risk", cat)] = sc

    # stages first (severity depends on them), fed by the negative signals' times
    neg_ends = [
        ends.iloc[c.index].to_pydatetime()
        for c in cands
        if (
            c.kind in ("negative_shift", "emerging_aspect")
            or (c.kind == "emerging_term" and c.dimension == "risk")
        )
        and severity(
            c.kind,
            c.score.deviation,
            c.score.observed_sum,
            c.score.expected_sum,
            bonus=c.extra,
        )
        >= STAGE_SIGNAL_SEVERITY
    ]
    report.stages = crisis_stages(h, neg_ends)

    for c in sorted(cands, key=lambda c: c.index):
        sig = _to_signal(store, workspace, topic, c, h, report.stages, deviations, opts)
        if sig is None or not (lo <= sig.bucket_start < hi):
            continue
        if sig.severity >= opts.min_severity:
            report.signals.append(sig)
    return report


def _to_signal(
    store: Store,
    workspace: str,
    topic: str,
    c: _Candidate,
    h: pd.DataFrame,
    stages: list[StageReading],
    deviations: dict[tuple[str, str | None], list[Score | None]],
    opts: DetectOptions,
) -> Signal | None:
    i = c.index
    end = pd.Timestamp(h["bucket_end"].iloc[i]).to_pydatetime()
    reading = stage_at(stages, end)
    stage = reading.stage if reading else None
    sev = severity(
        c.kind,
        c.score.deviation,
        c.score.observed_sum,
        c.score.expected_sum,
        stage=stage,
        bonus=c.extra,
        calm=c.calm,
    )
    # persistence: consecutive deviating buckets up to the alert, and the gate
    series = deviations.get((c.measure, c.dimension_value), [])
    persistence = 1
    j = i - 1
    while j >= 0 and series[j] is not None and series[j].deviation >= PERSIST_DEVIATION:  # type: ignore[union-attr]
        persistence += 1
        j -= 1
    if sev < GATE_SEVERITY:
        nxt = series[i + 1] if i + 1 < len(series) else None
        if persistence < 2 and (nxt is None or nxt.deviation < PERSIST_DEVIATION):
            return None
        if persistence < 2:
            i += 1
            persistence = 2
            end = pd.Timestamp(h["bucket_end"].iloc[i]).to_pydatetime()
    start = pd.Timestamp(h["bucket_start"].iloc[i]).to_pydatetime()
    w = c.score.scale
    window_start = pd.Timestamp(h["bucket_start"].iloc[max(0, i - w + 1)]).to_pydatetime()
    ev = Evidence()
    if opts.with_evidence:
        negative = c.kind in ("negative_shift", "emerging_aspect", "emerging_term")
        ev = evidence(
            store,
            workspace,
            topic,
            start=window_start,
            end=end,
            aspect=c.dimension_value if c.dimension == "aspect" else None,
            negative_only=negative and c.kind != "emerging_term",
        )
        if c.dimension == "risk":
            ev = replace(ev, terms=_risk_evidence_terms(ev, c.dimension_value) + ev.terms)
    return Signal(
        workspace=workspace,
        topic=topic,
        kind=c.kind,
        measure=c.measure,
        grain="hour",
        bucket_start=start.astimezone(UTC),
        bucket_end=end.astimezone(UTC),
        observed=round(float(c.score.observed_sum), 4),
        baseline=round(float(c.score.expected_sum), 4),
        deviation=round(float(c.score.deviation), 3),
        severity=sev,
        persistence=persistence,
        window=c.score.scale,
        dimension=c.dimension,
        dimension_value=c.dimension_value,
        evidence=ev,
        stage=stage,
    )


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
    import json

    new = 0
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
            new += 1
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
