"""What the Overview page and ``GET /api/v1/overview`` show: the headline metrics of a
topic group (or one topic) over a period, each with its change against the period
before, the series behind the charts, share of voice, crisis stages and open signals.

The numbers come from :func:`tinhieu.metrics.summary` (the metric definitions live
there, once); this module only picks the periods and puts current and previous side
by side. The period ends with the last local day that has data, or today, whichever
is earlier, so an imported archive shows its own last weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

from tinhieu.metrics import summary
from tinhieu.metrics.measures import INTERACTIONS_SQL
from tinhieu.metrics.result import Metric
from tinhieu.store.base import Store
from tinhieu.store.duckdb import _first
from tinhieu.web.cache import ResultCache, data_version

Grain = Literal["hour", "day", "week"]
GRAINS: Final[tuple[str, ...]] = ("hour", "day", "week")
PERIODS: Final[tuple[int, ...]] = (1, 7, 30, 90)
HOURLY_MAX_DAYS: Final[int] = 14


@dataclass(frozen=True, slots=True)
class Card:
    """One headline number with the previous period's value beside it."""

    key: str
    value: float | None
    previous: float | None
    unit: str
    formula: str
    reason: str | None = None  # why the value is not available

    @property
    def change_pct(self) -> float | None:
        if self.value is None or self.previous in (None, 0):
            return None
        assert self.previous is not None
        return (self.value - self.previous) / abs(self.previous) * 100.0

    @property
    def change_points(self) -> float | None:
        """For percentages and scores: the change in points, not in percent."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "value": self.value,
            "previous": self.previous,
            "change_pct": self.change_pct,
            "change_points": self.change_points,
            "unit": self.unit,
            "formula": self.formula,
            "available": self.value is not None,
            "reason": self.reason,
        }


def last_day(store: Store, workspace: str, tz: str, now: datetime | None = None) -> date:
    """The last local day to show: the day of the newest mention, at most today."""
    now = now or datetime.now(UTC)
    row = _first(
        store.fetch_all(
            "SELECT max(created_at) FROM mentions WHERE workspace = ? AND created_at <= ?",
            [workspace, now],
        )
    )
    newest: datetime = row[0] if row and row[0] is not None else now
    return newest.astimezone(ZoneInfo(tz)).date()


def _card(key: str, cur: Metric, prev: Metric) -> Card:
    def num(m: Metric) -> float | None:
        return float(m.value) if m.value is not None else None

    return Card(key, num(cur), num(prev), cur.unit, cur.formula, cur.reason)


def _sov_share(stats: Any, topics: list[str]) -> tuple[float | None, str | None]:
    sov = stats.share_of_voice
    if not sov.available:
        return None, sov.reason
    table = sov.table
    rows = table[table["topic"].isin(topics)]
    if rows.empty:
        return None, "no brand/competitor set"
    return float(rows["share_pct"].sum()), None


_OVERVIEWS = ResultCache(128)
_STAGES = ResultCache(256)


def overview(
    store: Store,
    workspace: str,
    *,
    group: str | None = "brand",
    topic: str | None = None,
    days: int = 7,
    grain: Grain = "day",
    now: datetime | None = None,
) -> dict[str, Any]:
    """Everything the Overview shows, as plain data (JSON-ready).

    Results are cached per process until the workspace's data changes or the hour
    turns (``now`` given: not cached)."""
    if now is not None:
        return _overview(store, workspace, group=group, topic=topic, days=days, grain=grain,
                         now=now)  # fmt: skip
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    version = data_version(store, workspace)
    key = (group, topic, days, grain, hour, version)
    return _OVERVIEWS.get_or_compute(
        key,
        lambda: _overview(
            store, workspace, group=group, topic=topic, days=days, grain=grain, version=version
        ),
    )


def _overview(
    store: Store,
    workspace: str,
    *,
    group: str | None,
    topic: str | None,
    days: int,
    grain: Grain,
    now: datetime | None = None,
    version: tuple[Any, ...] | None = None,
) -> dict[str, Any]:
    if days not in PERIODS:
        raise ValueError(f"days must be one of {PERIODS}")
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}")
    tz = store.workspace_timezone(workspace)
    end = last_day(store, workspace, tz, now)
    start = end - timedelta(days=days - 1)
    prev_end = start - timedelta(days=1)
    prev_start = prev_end - timedelta(days=days - 1)
    scope: dict[str, Any] = {"topic": topic} if topic else {"group": group}
    cur = summary(store, workspace, since=start, until=end, **scope)
    prev = summary(store, workspace, since=prev_start, until=prev_end, **scope)
    topics = list(cur.scope.get("topics") or [])

    share, share_reason = _sov_share(cur, topics)
    prev_share, _ = _sov_share(prev, topics)
    cards = [
        _card("volume", cur.volume.total, prev.volume.total),
        _card("interactions", cur.engagement.interactions, prev.engagement.interactions),
        _card("engagement_rate", cur.engagement.er_followers, prev.engagement.er_followers),
        _card("net_sentiment", cur.net_sentiment, prev.net_sentiment),
        Card(
            "share_of_voice",
            share,
            prev_share,
            "%",
            cur.share_of_voice.formula["mentions"],
            share_reason,
        ),
        _card(
            "quality_engagement",
            cur.quality.quality_engagement,
            prev.quality.quality_engagement,
        ),
        _card("vanity_share", cur.quality.vanity_share, prev.quality.vanity_share),
    ]
    return {
        "workspace": workspace,
        "timezone": tz,
        "scope": scope,
        "topics": topics,
        "period": {"days": days, "first_day": start, "last_day": end},
        "previous": {"first_day": prev_start, "last_day": prev_end},
        "cards": [c.to_dict() for c in cards],
        "series": series(store, workspace, cur, topics, grain, tz, end),
        "share_of_voice": _sov_rows(cur, prev),
        "stages": stages(store, workspace, topics, end, tz, version=version),
    }


def _float(value: Any) -> float | None:
    """A number, or None for missing values (None, NaN)."""
    if value is None:
        return None
    number = float(value)
    return number if number == number else None


def _sov_rows(cur: Any, prev: Any) -> list[dict[str, Any]]:
    if not cur.share_of_voice.available:
        return []
    before = {
        str(r["topic"]): _float(r["share_pct"])
        for r in prev.share_of_voice.table.to_dict("records")
    }
    rows = []
    for r in cur.share_of_voice.table.to_dict("records"):
        share = _float(r["share_pct"])
        was = before.get(str(r["topic"]))
        rows.append(
            {
                "topic": str(r["topic"]),
                "group": str(r["group"]),
                "mentions": int(r["mentions"]),
                "share_pct": share,
                "previous_share_pct": was,
                "change_points": share - was if share is not None and was is not None else None,
            }
        )
    return rows


def series(
    store: Store,
    workspace: str,
    stats: Any,
    topics: list[str],
    grain: Grain,
    tz: str,
    end: date,
) -> dict[str, list[Any]]:
    """Columns for the charts: ``t`` (bucket start, local ISO), mentions, interactions,
    positive, negative, net sentiment (null where nothing was analysed)."""
    if grain == "hour":
        return _hourly(store, workspace, topics, tz, end)
    days = stats.by_day
    rows = days.to_dict("records")
    if grain == "week":
        weeks: dict[date, dict[str, Any]] = {}
        for r in rows:
            d = date.fromisoformat(str(r["day"]))
            monday = d - timedelta(days=d.weekday())
            w = weeks.setdefault(
                monday, {"day": monday.isoformat(), "mentions": 0, "interactions": None,
                         "positive": 0, "negative": 0},
            )  # fmt: skip
            w["mentions"] += int(r["mentions"])
            w["positive"] += int(r["positive"])
            w["negative"] += int(r["negative"])
            if r["interactions"] is not None and r["interactions"] == r["interactions"]:
                w["interactions"] = (w["interactions"] or 0) + int(r["interactions"])
        rows = list(weeks.values())
    out: dict[str, list[Any]] = {
        "t": [],
        "mentions": [],
        "interactions": [],
        "positive": [],
        "negative": [],
        "net_sentiment": [],
    }
    for r in rows:
        pos, neg = int(r["positive"]), int(r["negative"])
        ix = r["interactions"]
        out["t"].append(str(r["day"]))
        out["mentions"].append(int(r["mentions"]))
        out["interactions"].append(int(ix) if ix is not None and ix == ix else None)
        out["positive"].append(pos)
        out["negative"].append(neg)
        out["net_sentiment"].append(
            round((pos - neg) / (pos + neg) * 100, 2) if pos + neg else None
        )
    return out


def _hourly(
    store: Store, workspace: str, topics: list[str], tz: str, end: date
) -> dict[str, list[Any]]:
    zone = ZoneInfo(tz)
    until = datetime.combine(end + timedelta(days=1), datetime.min.time(), zone)
    since = until - timedelta(days=3)
    rows = store.fetch_all(
        "SELECT date_trunc('hour', timezone(?, created_at)) AS h, count(*), "
        "count(*) FILTER (sentiment = 'positive'), count(*) FILTER (sentiment = 'negative'), "
        f"sum({INTERACTIONS_SQL})"
        " FROM mentions WHERE workspace = ? AND created_at >= ? AND created_at < ? "
        "AND list_has_any(topics, ?) GROUP BY h ORDER BY h",
        [tz, workspace, since, until, topics],
    )
    found = {r[0]: r for r in rows}
    out: dict[str, list[Any]] = {
        k: [] for k in ("t", "mentions", "interactions", "positive", "negative", "net_sentiment")
    }
    hour = since.replace(tzinfo=None)
    while hour < until.replace(tzinfo=None):
        r = found.get(hour)
        n, pos, neg, ix = (int(r[1]), int(r[2]), int(r[3]), int(r[4] or 0)) if r else (0,) * 4
        out["t"].append(hour.isoformat())
        out["mentions"].append(n)
        out["interactions"].append(ix)
        out["positive"].append(pos)
        out["negative"].append(neg)
        out["net_sentiment"].append(
            round((pos - neg) / (pos + neg) * 100, 2) if pos + neg else None
        )
        hour += timedelta(hours=1)
    return out


def stages(
    store: Store,
    workspace: str,
    topics: list[str],
    end: date,
    tz: str,
    *,
    version: tuple[Any, ...] | None = None,
) -> list[dict[str, Any]]:
    """The crisis stage of each topic at the end of the period, with its conditions.

    Computing them reads two weeks of hourly series per topic, so they are cached per
    process until the workspace's mentions or signals change, or the hour turns."""
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    version = version or data_version(store, workspace)
    key = (tuple(topics), end, tz, hour, version)
    return _STAGES.get_or_compute(key, lambda: _stages(store, workspace, topics, end, tz))


def _stages(
    store: Store, workspace: str, topics: list[str], end: date, tz: str
) -> list[dict[str, Any]]:
    from tinhieu.signals.engine import load_signals, stage_signal_ends
    from tinhieu.signals.series import topic_series
    from tinhieu.signals.stages import crisis_stages

    zone = ZoneInfo(tz)
    until = datetime.combine(end + timedelta(days=1), datetime.min.time(), zone)
    since = until - timedelta(days=HOURLY_MAX_DAYS)
    now = min(until, datetime.now(UTC))
    out = []
    for name in topics:
        hourly = topic_series(
            store, workspace, name, grain="hour", since=since, until=until, now=now
        )
        negatives = stage_signal_ends(
            load_signals(store, workspace, topic=name, since=since - timedelta(days=1))
        )
        readings = crisis_stages(hourly, negatives)
        last = readings[-1] if readings else None
        out.append(
            {
                "topic": name,
                "stage": last.stage if last else "none",
                "at": last.at if last else None,
                "conditions": list(last.conditions) if last else [],
            }
        )
    return out
