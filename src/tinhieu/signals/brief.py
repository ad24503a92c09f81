"""The morning brief: what a brand manager reads at 8 a.m.

The brief of date **D** covers the local day **D−1** (the workspace time zone), compares
it with **D−2** and with the **baseline** of the 28 days before D−1 (D−29 … D−2), and is
computed as of ``now`` = local midnight starting D, so the same store always gives the
same brief. Sections, in order (``docs/brief.md`` explains each):

1. headline — the one or two things that matter most, or "a quiet day";
2. what changed, per topic (brand, competitors, category): volume, negative share, net
   sentiment, interactions, against D−2 and the baseline;
3. signals of the last 48 hours (D−2 and D−1), most severe first, with their evidence;
4. the crisis stage of each topic, its conditions and its episodes over 7 days;
5. projections 3–5 days ahead for the brand and every topic that is not quiet;
6. share-of-voice shifts among the brand and its competitors;
7. quality against vanity engagement;
8. recommended next actions from the playbook (``playbook.py``), each with its trigger.

:func:`build_brief` is the only function that reads the store: one
:func:`~tinhieu.signals.engine.detect` call for every topic (from D−2, so the hourly
series it returns also holds the 28-day baseline), one daily series per projected topic,
share of voice for D−1 and the baseline, and the spam labels of D−1 per brand or
competitor topic. Everything else is a pure function of those results, so the tests can
drive each piece directly.

Definitions
    * **usual** level of a count (mentions, interactions) — the **median** of the daily
      values over the baseline days, leaving out days with a collection gap and days
      before the topic's first mention in the window (a past crisis does not inflate it);
      a share (negative share, net sentiment, vanity share) — **pooled** over the
      baseline days (Σ numerator / Σ denominator), so days with few opinions weigh less.
      Fewer than :data:`MIN_BASELINE_DAYS` usable days → no usual level.
    * daily numbers are sums of the detection's hourly series (``signals/series.py``):
      opinions leave out mentions flagged as spam; vanity interactions are those of
      flagged mentions and of giveaway threads.
    * **quiet** — no signal of severity ≥ :data:`QUIET_SEVERITY` in the 48 hours and no
      topic in a crisis stage worth a headline (see :func:`headline`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Final, Literal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from tinhieu.metrics.scope import DateLike, ScopeError, parse_bound
from tinhieu.signals.model import SIGNAL_KINDS, EvidenceAuthor, EvidenceMention, Signal
from tinhieu.signals.playbook import GROUP_ORDER, Action, Finding, Rule, load_playbook, recommend
from tinhieu.signals.projection import Projection, project_counts, project_share
from tinhieu.signals.risk import risk_terms
from tinhieu.signals.stages import STAGE_RANK, StageReading, stage_at, stage_episodes
from tinhieu.store.base import Store
from tinhieu.text.normalise import fold

__all__ = [
    "Baseline",
    "Brief",
    "BriefOptions",
    "BriefSignal",
    "DayNumbers",
    "Episode",
    "Headline",
    "Inputs",
    "Measure",
    "QualityRow",
    "SovRow",
    "SovShift",
    "TopicDay",
    "TopicProjection",
    "TopicStage",
    "assemble",
    "brief_date",
    "build_brief",
]

#: Signals below this severity do not make a day "not quiet" nor a headline.
QUIET_SEVERITY: Final = 4
MIN_BASELINE_DAYS: Final = 7
#: A topic is "louder" / "quieter" than usual beyond these ratios (and 5 mentions).
LOUDER: Final = 1.3
QUIETER: Final = 0.7
#: A negative share this far from its usual level (proportion) is worth saying.
NEGATIVE_MOVE: Final = 0.05
#: Interactions this many times their usual level are worth a word.
INTERACTIONS_UP: Final = 3.0
#: Positive buzz: volume (less flagged spam) at least this × usual, negative share no
#: more than usual + 2 pts.
BUZZ_RATIO: Final = 1.5
#: Vanity engagement worth an action: this share of interactions, 10 pts above usual.
VANITY_SHARE: Final = 0.2
#: Seeding worth noting: this many flagged mentions, and 5 % of the topic's mentions.
SEEDING_MIN: Final = 10
#: A competitor share-of-voice gain worth an action, in points.
SOV_GAIN: Final = 5.0
#: Finding severities for what is not a signal (signals carry their own).
STAGE_SEVERITY: Final[dict[str, int]] = {
    "spread": 9,
    "outbreak": 8,
    "smouldering": 6,
    "recovery": 3,
}
HOT: Final = ("outbreak", "spread")
Group = str
DayLabel = Literal["yesterday", "day_before"]


@dataclass(frozen=True, slots=True)
class BriefOptions:
    baseline_days: int = 28
    #: days of signals shown: 2 = D−2 and D−1 (an ongoing story that fired late on D−2
    #: is in its one-day cooldown on D−1 and would otherwise vanish from the brief)
    signal_days: int = 2
    horizon: int = 5  # days projected
    projection_history: int = 56  # days of daily history the projection reads
    max_signals: int = 8  # signals of severity ≥ 4 shown with their evidence
    max_minor: int = 10  # further signals shown on one line each; the rest are counted


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class DayNumbers:
    """One local day of one topic."""

    day: date
    mentions: int = 0
    positive: int = 0
    negative: int = 0
    analysed: int = 0
    interactions: int = 0
    vanity: int = 0  # vanity interactions
    flagged: int = 0
    gap_hours: int = 0

    @property
    def negative_share(self) -> float | None:
        return self.negative / self.analysed if self.analysed else None

    @property
    def net_sentiment(self) -> float | None:
        d = self.positive + self.negative
        return (self.positive - self.negative) / d * 100 if d else None


@dataclass(frozen=True, slots=True)
class Baseline:
    """The usual level over the baseline days (module docstring)."""

    days: int  # days used for the medians
    mentions: float
    interactions: float
    negative_share: float | None
    net_sentiment: float | None
    vanity_share: float | None


@dataclass(frozen=True, slots=True)
class Measure:
    name: str  # mentions, negative_share, net_sentiment, interactions
    kind: Literal["count", "share", "score"]
    value: float | None
    previous: float | None
    usual: float | None


@dataclass(frozen=True, slots=True)
class TopicDay:
    topic: str
    group: Group
    day: DayNumbers  # D−1
    previous: DayNumbers  # D−2
    baseline: Baseline | None

    def measures(self) -> tuple[Measure, ...]:
        b = self.baseline
        return (
            Measure(
                "mentions",
                "count",
                self.day.mentions,
                self.previous.mentions,
                b.mentions if b else None,
            ),
            Measure(
                "negative_share",
                "share",
                self.day.negative_share,
                self.previous.negative_share,
                b.negative_share if b else None,
            ),
            Measure(
                "net_sentiment",
                "score",
                self.day.net_sentiment,
                self.previous.net_sentiment,
                b.net_sentiment if b else None,
            ),
            Measure(
                "interactions",
                "count",
                self.day.interactions,
                self.previous.interactions,
                b.interactions if b else None,
            ),
        )

    def verdict(self) -> tuple[str, ...]:
        """What moved against the usual level: ``louder``/``quieter``,
        ``more_negative``/``less_negative``, ``interactions_up`` (at least
        :data:`INTERACTIONS_UP` × usual: a viral post, or a giveaway); empty when nothing
        did."""
        b = self.baseline
        if b is None:
            return ()
        out: list[str] = []
        m, u = self.day.mentions, b.mentions
        if m >= LOUDER * u and m - u >= 5:
            out.append("louder")
        elif m <= QUIETER * u and u - m >= 5:
            out.append("quieter")
        share, usual = self.day.negative_share, b.negative_share
        if share is not None and usual is not None and self.day.analysed >= 10:
            if share - usual >= NEGATIVE_MOVE:
                out.append("more_negative")
            elif usual - share >= NEGATIVE_MOVE:
                out.append("less_negative")
        if b.interactions > 0 and self.day.interactions >= INTERACTIONS_UP * b.interactions:
            out.append("interactions_up")
        return tuple(out)


@dataclass(frozen=True, slots=True)
class BriefSignal:
    number: int  # 1 = most severe
    signal: Signal
    group: Group
    when: DayLabel
    repeats: int  # further alerts of the same story in the window (the most severe shown)
    quotes: tuple[EvidenceMention, ...]
    authors: tuple[EvidenceAuthor, ...]


@dataclass(frozen=True, slots=True)
class Episode:
    stage: str
    start: datetime  # UTC, start of the first hour in the stage
    end: datetime  # UTC, end of the last hour
    hours: int
    ongoing: bool


@dataclass(frozen=True, slots=True)
class TopicStage:
    topic: str
    group: Group
    stage: str  # at the end of D−1
    conditions: tuple[str, ...]
    numbers: Mapping[str, float]
    since: datetime | None  # when the current stage began (UTC), if known
    previous: str  # at the end of D−2
    peak: str  # the most serious stage during D−1
    episodes: tuple[Episode, ...]  # stages other than "none" in the last 7 days

    @property
    def changed(self) -> bool:
        return self.stage != self.previous


@dataclass(frozen=True, slots=True)
class TopicProjection:
    topic: str
    group: Group
    first_day: date  # the day of the first projected value (D)
    volume: Projection | None
    negative: Projection | None
    volume_usual: float | None
    negative_usual: float | None


@dataclass(frozen=True, slots=True)
class SovRow:
    topic: str
    group: Group
    mentions: int
    share: float | None  # % of D−1
    interactions_share: float | None
    base_share: float | None  # % over the baseline days
    base_interactions_share: float | None

    @property
    def delta(self) -> float | None:
        if self.share is None or self.base_share is None:
            return None
        return self.share - self.base_share


@dataclass(frozen=True, slots=True)
class SovShift:
    rows: tuple[SovRow, ...]
    reason: str | None = None  # why there is nothing to compare

    @property
    def available(self) -> bool:
        return self.reason is None and bool(self.rows)


@dataclass(frozen=True, slots=True)
class QualityRow:
    topic: str
    group: Group
    mentions: int
    interactions: int
    vanity: int
    usual_vanity_share: float | None
    flagged: Mapping[str, int] = field(default_factory=dict)  # D−1 spam labels

    @property
    def quality(self) -> int:
        return self.interactions - self.vanity

    @property
    def vanity_share(self) -> float | None:
        return self.vanity / self.interactions if self.interactions else None


@dataclass(frozen=True, slots=True)
class Headline:
    kind: Literal["signal", "stage", "quiet"]
    signal: BriefSignal | None = None
    stage: TopicStage | None = None


@dataclass(frozen=True, slots=True)
class Brief:
    workspace: str
    timezone: str
    issued: date  # D
    day: date  # D−1, the day covered
    headline: tuple[Headline, ...]
    topics: tuple[TopicDay, ...]
    signals: tuple[BriefSignal, ...]  # every signal of the window, ranked
    stages: tuple[TopicStage, ...]
    projections: tuple[TopicProjection, ...]
    share_of_voice: SovShift
    quality: tuple[QualityRow, ...]
    actions: tuple[Action, ...]
    options: BriefOptions = BriefOptions()

    @property
    def quiet(self) -> bool:
        return all(h.kind == "quiet" for h in self.headline)

    @property
    def day_before(self) -> date:
        return self.day - timedelta(days=1)

    @property
    def now(self) -> datetime:
        return local_midnight(self.issued, ZoneInfo(self.timezone))


# --------------------------------------------------------------------------- dates


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def brief_date(value: DateLike, zone: ZoneInfo, *, today: date | None = None) -> date:
    """The brief's date D: ``value`` read like every bound (``2026-11-15``,
    ``15/11/2026``; a date-time gives its local day), or today in ``zone``."""
    if value is None:
        return today or datetime.now(zone).date()
    if isinstance(value, datetime):
        aware = value.replace(tzinfo=zone) if value.tzinfo is None else value
        return aware.astimezone(zone).date()
    if isinstance(value, date):
        return value
    moment = parse_bound(value, zone, is_until=False)[0]
    if moment is None:  # pragma: no cover - parse_bound returns None only for None
        raise ScopeError(f"cannot read the date {value!r}")
    return moment.astimezone(zone).date()


# --------------------------------------------------------------------------- numbers

_SUMS: Final = (
    "mentions",
    "positive",
    "negative",
    "analysed",
    "interactions",
    "vanity_interactions",
    "flagged",
)


def daily_numbers(hourly: pd.DataFrame, zone: ZoneInfo) -> dict[date, DayNumbers]:
    """Per local day, the sums of a topic's complete hourly buckets."""
    if hourly.empty:
        return {}
    h = hourly[hourly["complete"].astype(bool)]
    if h.empty:
        return {}
    days = pd.to_datetime(h["bucket_start"], utc=True).dt.tz_convert(zone.key).dt.date
    frame = h[list(_SUMS)].astype("float64").assign(gap=h["gap"].astype(int), day=days.to_numpy())
    out: dict[date, DayNumbers] = {}
    for day, g in frame.groupby("day", sort=True):
        s = g.sum(numeric_only=True)
        out[day] = DayNumbers(  # type: ignore[index]
            day=day,  # type: ignore[arg-type]
            mentions=int(s["mentions"]),
            positive=int(s["positive"]),
            negative=int(s["negative"]),
            analysed=int(s["analysed"]),
            interactions=int(s["interactions"]),
            vanity=int(s["vanity_interactions"]),
            flagged=int(s["flagged"]),
            gap_hours=int(s["gap"]),
        )
    return out


def baseline(days: Sequence[DayNumbers]) -> Baseline | None:
    """The usual level over ``days`` (module docstring), or None with too few."""
    ordered = sorted(days, key=lambda d: d.day)
    first = next((i for i, d in enumerate(ordered) if d.mentions > 0), len(ordered))
    usable = [d for d in ordered[first:] if d.gap_hours == 0]
    if len(usable) < MIN_BASELINE_DAYS:
        return None
    pos = sum(d.positive for d in usable)
    neg = sum(d.negative for d in usable)
    ana = sum(d.analysed for d in usable)
    ix = sum(d.interactions for d in usable)
    van = sum(d.vanity for d in usable)
    return Baseline(
        days=len(usable),
        mentions=float(np.median([d.mentions for d in usable])),
        interactions=float(np.median([d.interactions for d in usable])),
        negative_share=neg / ana if ana else None,
        net_sentiment=(pos - neg) / (pos + neg) * 100 if pos + neg else None,
        vanity_share=van / ix if ix else None,
    )


def topic_day(
    topic: str, group: Group, days: Mapping[date, DayNumbers], day: date, baseline_days: int
) -> TopicDay:
    before = day - timedelta(days=1)
    window = [days[d] for d in days if day - timedelta(days=baseline_days) <= d < day]
    return TopicDay(
        topic,
        group,
        days.get(day, DayNumbers(day)),
        days.get(before, DayNumbers(before)),
        baseline(window),
    )


# --------------------------------------------------------------------------- signals


def _group_rank(group: str) -> int:
    return GROUP_ORDER.get(group, len(GROUP_ORDER))


def _quotes(s: Signal, limit: int = 2) -> tuple[EvidenceMention, ...]:
    """The mentions to quote: those carrying the signal's risk category first, then those
    with one of its top terms (typed with or without diacritics), each group in the
    evidence's order (most interactions first); nearly the same text twice (a repost, or
    the same words typed without diacritics) once."""
    terms = [fold(x.lower()) for x in s.evidence.terms[:3] if x]
    cat = s.dimension_value if s.dimension == "risk" else None

    def rank(m: EvidenceMention) -> tuple[int, int]:
        text = fold(m.text.lower())
        risky = cat is not None and any(c == cat for c, _ in risk_terms(m.text))
        return (0 if risky else 1, 0 if any(x in text for x in terms) else 1)

    out: list[EvidenceMention] = []
    seen: list[set[str]] = []
    for m in sorted(s.evidence.mentions, key=rank):
        words = set(re.findall(r"\w+", fold(m.text.lower())))
        if any(_similar(words, other) for other in seen):
            continue
        seen.append(words)
        out.append(m)
    return tuple(out[:limit])


def _similar(a: set[str], b: set[str]) -> bool:
    """Nearly the same words (Jaccard ≥ 0.7): a copy, a repost, the same complaint typed
    with and without diacritics."""
    return bool(a or b) and len(a & b) >= 0.7 * len(a | b)


def _authors(s: Signal, limit: int = 3) -> tuple[EvidenceAuthor, ...]:
    """Who drove it: the topic's own accounts (``author_kind = 'brand'``) are left out,
    and one name on several platforms is one author."""
    merged: dict[str, EvidenceAuthor] = {}
    for a in s.evidence.authors:
        if a.kind == "brand":
            continue
        if a.name in merged:
            b = merged[a.name]
            followers = max((x for x in (a.followers, b.followers) if x is not None), default=None)
            merged[a.name] = EvidenceAuthor(a.name, a.mentions + b.mentions, followers, b.kind)
        else:
            merged[a.name] = a
    return tuple(sorted(merged.values(), key=lambda a: -a.mentions)[:limit])


def rank_signals(
    signals: Iterable[Signal],
    groups: Mapping[str, Group],
    day: date,
    zone: ZoneInfo,
) -> list[BriefSignal]:
    """Signals most severe first (then brand before competitors before the category,
    yesterday before the day before, the kinds' order, newest). One story (the signal
    key) is shown once, at its most severe; ``repeats`` counts its other alerts."""
    stories: dict[str, list[Signal]] = {}
    for s in signals:
        stories.setdefault(s.key, []).append(s)

    def label(s: Signal) -> DayLabel:
        return "yesterday" if s.bucket_start.astimezone(zone).date() >= day else "day_before"

    def order(s: Signal) -> tuple[int, int, int, int, float]:
        kind = SIGNAL_KINDS.index(s.kind) if s.kind in SIGNAL_KINDS else len(SIGNAL_KINDS)
        return (
            -s.severity,
            _group_rank(groups.get(s.topic, "")),
            0 if label(s) == "yesterday" else 1,
            kind,
            -s.bucket_start.timestamp(),
        )

    best = [(min(group, key=order), len(group) - 1) for group in stories.values()]
    best.sort(key=lambda x: order(x[0]))
    return [
        BriefSignal(
            number=i,
            signal=s,
            group=groups.get(s.topic, ""),
            when=label(s),
            repeats=n,
            quotes=_quotes(s),
            authors=_authors(s),
        )
        for i, (s, n) in enumerate(best, 1)
    ]


# --------------------------------------------------------------------------- stages


def topic_stage(
    topic: str, group: Group, readings: Sequence[StageReading], day_start: datetime, now: datetime
) -> TopicStage:
    """The stage at ``now`` (the end of D−1), the one at ``day_start``, the most serious
    one in between, and the episodes of the 7 days before ``now``."""
    last = stage_at(list(readings), now)
    prev = stage_at(list(readings), day_start)
    during = [r.stage for r in readings if day_start < r.at <= now]
    peak = max(during, key=lambda s: STAGE_RANK.get(s, 0), default="none")
    current = last.stage if last else "none"
    full = stage_episodes([r for r in readings if r.at <= now])
    week_start = now - timedelta(days=7)
    episodes = tuple(
        Episode(
            e["stage"],
            e["start"] - timedelta(hours=1),
            e["end"],
            e["hours"],
            ongoing=e["end"] >= now,
        )
        for e in full
        if e["stage"] != "none" and e["end"] > week_start
    )
    since = None
    if last is not None and current != "none" and full:
        since = full[-1]["start"] - timedelta(hours=1)
    return TopicStage(
        topic=topic,
        group=group,
        stage=current,
        conditions=tuple(last.conditions) if last else (),
        numbers=dict(last.numbers) if last else {},
        since=since,
        previous=prev.stage if prev else "none",
        peak=peak,
        episodes=episodes,
    )


# --------------------------------------------------------------------------- headline


def _stage_weight(s: TopicStage) -> int:
    """The stage first, then the brand (a brand still in an outbreak beats the category
    entering one), then a change."""
    group = {"brand": 8, "competitor": 4}.get(s.group, 0)
    return STAGE_RANK.get(s.stage, 0) * 10 + group + 5 * s.changed


def headline(signals: Sequence[BriefSignal], stages: Sequence[TopicStage]) -> tuple[Headline, ...]:
    """At most two items: the most severe signal (severity ≥ :data:`QUIET_SEVERITY`) and
    the most serious stage news — a brand topic whose stage changed or is not "none", or
    any topic in an outbreak or spreading — the stage first when it is an outbreak or a
    spread. Nothing of the kind: one "quiet" item."""
    items: list[Headline] = []
    top = next((s for s in signals if s.signal.severity >= QUIET_SEVERITY), None)
    news = [
        s
        for s in stages
        if s.stage in HOT
        or s.peak in HOT
        or (s.group == "brand" and (s.stage != "none" or s.changed))
    ]
    stage = max(news, key=_stage_weight, default=None)
    if top is not None:
        items.append(Headline("signal", signal=top))
    if stage is not None:
        item = Headline("stage", stage=stage)
        if stage.stage in HOT or stage.peak in HOT:
            items.insert(0, item)
        else:
            items.append(item)
    return tuple(items) or (Headline("quiet"),)


# --------------------------------------------------------------------------- projections


def wants_projection(
    group: Group, stage: TopicStage | None, signals: Sequence[BriefSignal], topic: str
) -> bool:
    """The brand always; other topics when they are not quiet (a stage other than none,
    or a signal of severity ≥ QUIET_SEVERITY)."""
    if group == "brand":
        return True
    if stage is not None and (stage.stage != "none" or stage.peak != "none"):
        return True
    return any(s.signal.topic == topic and s.signal.severity >= QUIET_SEVERITY for s in signals)


def project_topic(
    topic: str,
    group: Group,
    daily: pd.DataFrame,
    first_day: date,
    usual: Baseline | None,
    horizon: int,
) -> TopicProjection:
    """Volume and negative share ``horizon`` days from ``first_day``, from a daily topic
    series ending the day before (``signals/series.py`` columns). Days with a collection
    gap are "no data"; days before the topic's first mention are dropped. Too short a
    history: that projection is None."""
    volume = negative = None
    if not daily.empty:
        d = daily.sort_values("bucket_start")
        gap = d["gap"].astype(bool).to_numpy()
        mentions = d["mentions"].to_numpy(dtype=float)
        start = int(np.argmax(mentions > 0)) if (mentions > 0).any() else len(mentions)
        mentions = np.where(gap, np.nan, mentions)[start:]
        neg = np.where(gap, np.nan, d["negative"].to_numpy(dtype=float))[start:]
        ana = np.where(gap, np.nan, d["analysed"].to_numpy(dtype=float))[start:]
        try:
            volume = project_counts(mentions, season=7, horizon=horizon)
        except ValueError:
            volume = None
        try:
            negative = project_share(neg, ana, season=7, horizon=horizon)
        except ValueError:
            negative = None
    return TopicProjection(
        topic,
        group,
        first_day,
        volume,
        negative,
        usual.mentions if usual else None,
        usual.negative_share if usual else None,
    )


# --------------------------------------------------------------------------- share of voice


def sov_shift(
    day: pd.DataFrame, base: pd.DataFrame, groups: Mapping[str, Group], reason: str | None
) -> SovShift:
    """Share of voice on D−1 against the baseline days, from two share-of-voice tables
    (``metrics/share_of_voice.py``): brand first, then by yesterday's share."""
    if reason is not None or day.empty:
        return SovShift((), reason or "no brand or competitor topics in this workspace")
    b = {r["topic"]: r for r in base.to_dict("records")} if not base.empty else {}

    def num(v: object) -> float | None:
        if v is None or v is pd.NA:
            return None
        f = float(v)  # type: ignore[arg-type]
        return None if math.isnan(f) else f

    rows = [
        SovRow(
            topic=str(r["topic"]),
            group=groups.get(str(r["topic"]), str(r["group"])),
            mentions=int(r["mentions"]),
            share=num(r["share_pct"]),
            interactions_share=num(r["interactions_share_pct"]),
            base_share=num(b[r["topic"]]["share_pct"]) if r["topic"] in b else None,
            base_interactions_share=num(b[r["topic"]]["interactions_share_pct"])
            if r["topic"] in b
            else None,
        )
        for r in day.to_dict("records")
    ]
    rows.sort(key=lambda r: (_group_rank(r.group), -(r.share or 0.0), r.topic))
    return SovShift(tuple(rows))


# --------------------------------------------------------------------------- findings


def findings(
    signals: Sequence[BriefSignal],
    stages: Sequence[TopicStage],
    topics: Sequence[TopicDay],
    quality: Sequence[QualityRow],
    sov: SovShift,
) -> list[Finding]:
    """Everything the playbook can act on (``playbook.py``). Signals below
    :data:`QUIET_SEVERITY` are left out, except vanity spikes (the engine caps those at 3:
    they are never urgent, but they have their own advice)."""
    out: list[Finding] = []
    for b in signals:
        s = b.signal
        if s.severity < QUIET_SEVERITY and s.kind != "vanity_spike":
            continue
        out.append(
            Finding(
                source="signal",
                topic=s.topic,
                group=b.group,
                severity=s.severity,
                kind=s.kind,
                risk=s.dimension_value if s.dimension == "risk" else None,
                aspect=s.dimension_value if s.dimension == "aspect" else None,
                stage=s.stage,
                signal=b.number,
            )
        )
    for st in stages:
        if st.stage in STAGE_SEVERITY:
            out.append(
                Finding(
                    source="stage",
                    topic=st.topic,
                    group=st.group,
                    severity=STAGE_SEVERITY[st.stage],
                    kind="stage",
                    stage=st.stage,
                )
            )
    stage_of = {s.topic: s.stage for s in stages}
    for td in topics:
        base = td.baseline
        if base is None or stage_of.get(td.topic, "none") not in ("none", "recovery"):
            continue
        share, usual = td.day.negative_share, base.negative_share
        calm = share is None or usual is None or share <= usual + 0.02
        nss_ok = (
            td.day.net_sentiment is None
            or base.net_sentiment is None
            or td.day.net_sentiment >= base.net_sentiment
        )
        vanity = td.day.vanity / td.day.interactions if td.day.interactions else 0.0
        m = td.day.mentions - td.day.flagged  # seeding and giveaways are not buzz
        loud = m >= BUZZ_RATIO * base.mentions and m - base.mentions >= 10
        if loud and calm and nss_ok and vanity < 0.5:
            out.append(
                Finding(
                    source="buzz",
                    topic=td.topic,
                    group=td.group,
                    severity=4,
                    kind="buzz",
                    values={"mentions": m, "usual": base.mentions},
                )
            )
    for q in quality:
        vs, vu = q.vanity_share, q.usual_vanity_share or 0.0
        if vs is not None and vs >= VANITY_SHARE and vs >= vu + 0.1 and q.vanity >= 100:
            out.append(
                Finding(
                    source="vanity",
                    topic=q.topic,
                    group=q.group,
                    severity=3,
                    kind="vanity",
                    values={"share": vs, "usual": vu, "vanity": q.vanity},
                )
            )
        seeded = q.flagged.get("seeding", 0)
        if seeded >= SEEDING_MIN and q.mentions and seeded >= 0.05 * q.mentions:
            out.append(
                Finding(
                    source="seeding",
                    topic=q.topic,
                    group=q.group,
                    severity=3,
                    kind="seeding",
                    values={"n": seeded, "mentions": q.mentions},
                )
            )
    souring = {td.topic for td in topics if "more_negative" in td.verdict()}
    for r in sov.rows:
        # a competitor gaining voice through its own complaints is not a move to study
        calm = stage_of.get(r.topic, "none") == "none" and r.topic not in souring
        if r.group == "competitor" and r.delta is not None and r.delta >= SOV_GAIN and calm:
            out.append(
                Finding(
                    source="sov",
                    topic=r.topic,
                    group=r.group,
                    severity=4,
                    kind="sov",
                    values={"share": r.share or 0.0, "base": r.base_share or 0.0},
                )
            )
    return out


# --------------------------------------------------------------------------- assembly


@dataclass(frozen=True, slots=True)
class Inputs:
    """What :func:`build_brief` reads from the store; :func:`assemble` needs nothing else."""

    workspace: str
    timezone: str
    issued: date
    groups: Mapping[str, Group]  # the brief's topics, in the order to show them
    hourly: Mapping[str, pd.DataFrame]  # per topic, detection's hourly series
    readings: Mapping[str, Sequence[StageReading]]
    signals: Sequence[Signal]
    daily: Mapping[str, pd.DataFrame] = field(default_factory=dict)  # projected topics
    sov_day: pd.DataFrame = field(default_factory=pd.DataFrame)
    sov_base: pd.DataFrame = field(default_factory=pd.DataFrame)
    sov_reason: str | None = None
    flagged: Mapping[str, Mapping[str, int]] = field(default_factory=dict)


def assemble(inputs: Inputs, rules: Sequence[Rule], options: BriefOptions | None = None) -> Brief:
    """The brief from what was read (pure)."""
    opts = options or BriefOptions()
    zone = ZoneInfo(inputs.timezone)
    day = inputs.issued - timedelta(days=1)
    now = local_midnight(inputs.issued, zone)
    day_start = local_midnight(day, zone)
    groups = inputs.groups
    tdays = []
    numbers: dict[str, dict[date, DayNumbers]] = {}
    for topic, group in groups.items():
        numbers[topic] = daily_numbers(inputs.hourly.get(topic, pd.DataFrame()), zone)
        tdays.append(topic_day(topic, group, numbers[topic], day, opts.baseline_days))
    ranked = rank_signals(inputs.signals, groups, day, zone)
    stages = [
        topic_stage(topic, group, inputs.readings.get(topic, ()), day_start, now)
        for topic, group in groups.items()
    ]
    projections = [
        project_topic(
            td.topic,
            td.group,
            inputs.daily[td.topic],
            inputs.issued,
            td.baseline,
            opts.horizon,
        )
        for td in tdays
        if td.topic in inputs.daily
    ]
    sov = sov_shift(inputs.sov_day, inputs.sov_base, groups, inputs.sov_reason)
    quality = [
        QualityRow(
            topic=td.topic,
            group=td.group,
            mentions=td.day.mentions,
            interactions=td.day.interactions,
            vanity=td.day.vanity,
            usual_vanity_share=td.baseline.vanity_share if td.baseline else None,
            flagged=dict(inputs.flagged.get(td.topic, {})),
        )
        for td in tdays
        if td.group in ("brand", "competitor")
    ]
    found = findings(ranked, stages, tdays, quality, sov)
    actions = recommend(found, rules)
    return Brief(
        workspace=inputs.workspace,
        timezone=inputs.timezone,
        issued=inputs.issued,
        day=day,
        headline=headline(ranked, stages),
        topics=tuple(tdays),
        signals=tuple(ranked),
        stages=tuple(stages),
        projections=tuple(projections),
        share_of_voice=sov,
        quality=tuple(quality),
        actions=tuple(actions),
        options=opts,
    )


def ordered_topics(
    topics: Iterable[tuple[str, str]], only: Sequence[str] | None = None
) -> dict[str, Group]:
    """``{topic: group}``: brand first, then competitors, then the category, then any
    other group; by name within a group. ``only`` keeps those topics (unknown names are
    a :class:`ScopeError`)."""
    groups = dict(topics)
    if only:
        missing = [t for t in only if t not in groups]
        if missing:
            known = ", ".join(sorted(groups)) or "none"
            raise ScopeError(f"no topic {missing[0]!r} (topics: {known})")
        groups = {t: groups[t] for t in only}
    return dict(sorted(groups.items(), key=lambda kv: (_group_rank(kv[1]), kv[0])))


def build_brief(
    store: Store,
    workspace: str,
    *,
    day: DateLike = None,
    topics: Sequence[str] | None = None,
    rules: Sequence[Rule] | None = None,
    options: BriefOptions | None = None,
) -> Brief:
    """The morning brief of ``day`` (D; default today in the workspace time zone),
    covering D−1. ``topics`` narrows it (share of voice still compares every brand and
    competitor); ``rules`` default to the shipped playbook."""
    from tinhieu.metrics.quality import quality_engagement
    from tinhieu.metrics.share_of_voice import share_of_voice
    from tinhieu.signals.engine import detect
    from tinhieu.signals.series import topic_series

    opts = options or BriefOptions()
    tz = store.workspace_timezone(workspace)
    zone = ZoneInfo(tz)
    issued = brief_date(day, zone)
    covered = issued - timedelta(days=1)
    now = local_midnight(issued, zone)
    groups = ordered_topics(((t.name, t.group) for t in store.get_topics(workspace)), topics)
    if not groups:
        raise ScopeError(f"no topics in workspace {workspace!r}")
    since = local_midnight(issued - timedelta(days=opts.signal_days), zone)
    reports = detect(store, workspace, topics=list(groups), since=since, until=now, now=now)
    by_name = {r.topic: r for r in reports}
    signals = [s for r in reports for s in r.signals]
    readings = {r.topic: r.stages for r in reports}

    # stages and signals decide which topics get a projection
    day_start = local_midnight(covered, zone)
    daily: dict[str, pd.DataFrame] = {}
    ranked = rank_signals(signals, groups, covered, zone)
    for topic, group in groups.items():
        st = topic_stage(topic, group, readings.get(topic, ()), day_start, now)
        if wants_projection(group, st, ranked, topic):
            daily[topic] = topic_series(
                store,
                workspace,
                topic,
                grain="day",
                since=covered - timedelta(days=opts.projection_history - 1),
                until=covered,
                now=now,
            )

    sov_reason = None
    sov_day = sov_base = pd.DataFrame()
    base_from = covered - timedelta(days=opts.baseline_days)
    base_to = covered - timedelta(days=1)
    day_sov = share_of_voice(store, workspace, since=covered, until=covered)
    if day_sov.available:
        sov_day = day_sov.table
        base_sov = share_of_voice(store, workspace, since=base_from, until=base_to)
        sov_base = base_sov.table if base_sov.available else pd.DataFrame()
    else:
        sov_reason = day_sov.reason

    flagged: dict[str, dict[str, int]] = {}
    for topic, group in groups.items():
        if group in ("brand", "competitor"):
            q = quality_engagement(store, workspace, topic=topic, since=covered, until=covered)
            kinds = q.quality_engagement.details.get("flagged_by_kind") or {}
            flagged[topic] = {str(k): int(v) for k, v in kinds.items() if v}

    inputs = Inputs(
        workspace=workspace,
        timezone=tz,
        issued=issued,
        groups=groups,
        hourly={t: by_name[t].hourly for t in groups if t in by_name},
        readings=readings,
        signals=signals,
        daily=daily,
        sov_day=sov_day,
        sov_base=sov_base,
        sov_reason=sov_reason,
        flagged=flagged,
    )
    return assemble(inputs, rules if rules is not None else load_playbook(), opts)
