"""Mentions over time, in the workspace time zone: by day, by hour of day, busiest days.

A mention belongs to the local calendar day and hour of its ``created_at`` in the
workspace time zone (``workspaces.timezone``, default Asia/Ho_Chi_Minh): a mention at
2025-03-01 23:30 UTC is on 2025-03-02 at 06:xx in Ho Chi Minh City.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Unpack
from zoneinfo import ZoneInfo

import pandas as pd

from tinhieu.metrics.partials import DAY_MEASURES, HOUR_MEASURES, Partials, group_sum
from tinhieu.metrics.result import ratio
from tinhieu.metrics.scope import Filters
from tinhieu.metrics.source import load
from tinhieu.store.base import Store

DAY_COLUMNS = (
    "day",
    "mentions",
    "interactions",
    "interactions_known",
    "positive",
    "negative",
    "sentiment_analysed",
    "net_sentiment",
)
HOUR_COLUMNS = ("hour", "mentions", "share_pct", "interactions", "interactions_known")


def _day_range(partials: Partials, observed: list[date]) -> list[date]:
    scope = partials.scope
    zone = ZoneInfo(scope.timezone)
    start = scope.since_utc.astimezone(zone).date() if scope.since_utc else None
    end = (
        (scope.until_utc - timedelta(microseconds=1)).astimezone(zone).date()
        if scope.until_utc
        else None
    )
    if start is None:
        start = min(observed) if observed else None
    if end is None:
        end = max(observed) if observed else None
    if start is None or end is None or end < start:
        return sorted(observed)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def by_day_from(partials: Partials) -> pd.DataFrame:
    """One row per local day of the range (days without mentions are 0)."""
    grouped = group_sum(partials.days, "day", DAY_MEASURES)
    days = _day_range(partials, list(grouped))
    out: list[dict[str, Any]] = []
    for day in days:
        r = grouped.get(day)
        if r is not None:
            n, ix, ix_n = int(r["n"]), int(r["ix_sum"]), int(r["ix_n"])
            pos, neg, sent = int(r["pos"]), int(r["neg"]), int(r["sent_n"])
        else:
            n = ix = ix_n = pos = neg = sent = 0
        out.append(
            {
                "day": day,
                "mentions": n,
                "interactions": ix if ix_n else None,
                "interactions_known": ix_n,
                "positive": pos,
                "negative": neg,
                "sentiment_analysed": sent,
                "net_sentiment": ratio(pos - neg, pos + neg, 100.0),
            }
        )
    return _frame(out, DAY_COLUMNS)


def by_hour_from(partials: Partials) -> pd.DataFrame:
    """24 rows, local hour 0–23: mentions, their share of the scope, interactions."""
    grouped = group_sum(partials.hours, "hour", HOUR_MEASURES)
    total = sum(int(r["n"]) for r in grouped.values())
    out: list[dict[str, Any]] = []
    for hour in range(24):
        r = grouped.get(hour)
        if r is not None:
            n, ix, ix_n = int(r["n"]), int(r["ix_sum"]), int(r["ix_n"])
        else:
            n = ix = ix_n = 0
        out.append(
            {
                "hour": hour,
                "mentions": n,
                "share_pct": ratio(n, total, 100.0),
                "interactions": ix if ix_n else None,
                "interactions_known": ix_n,
            }
        )
    return _frame(out, HOUR_COLUMNS)


def _frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    data: dict[str, Any] = {}
    for col in columns:
        values = [r[col] for r in rows]
        if col == "interactions":
            data[col] = pd.array(values, dtype="Int64")
        elif col in ("day", "share_pct", "net_sentiment"):
            data[col] = pd.array(values, dtype=object)
        else:
            data[col] = pd.array(values, dtype="int64")
    return pd.DataFrame(data, columns=list(columns))


def busiest_days_from(partials: Partials, limit: int = 5) -> pd.DataFrame:
    """The ``limit`` days with most mentions (ties: the earlier day first)."""
    return busiest_of(by_day_from(partials), limit)


def busiest_of(days: pd.DataFrame, limit: int = 5) -> pd.DataFrame:
    """The ``limit`` busiest rows of a :func:`by_day_from` frame."""
    days = days[days["mentions"] > 0]
    ordered = days.sort_values(["mentions", "day"], ascending=[False, True], kind="stable")
    return ordered.head(limit).reset_index(drop=True)


def by_day(store: Store, workspace: str, **filters: Unpack[Filters]) -> pd.DataFrame:
    """Mentions, interactions and net sentiment per local day."""
    return by_day_from(load(store, workspace, **filters))


def by_hour(store: Store, workspace: str, **filters: Unpack[Filters]) -> pd.DataFrame:
    """Mentions and interactions per local hour of day (0–23)."""
    return by_hour_from(load(store, workspace, **filters))


def busiest_days(
    store: Store, workspace: str, *, limit: int = 5, **filters: Unpack[Filters]
) -> pd.DataFrame:
    """The busiest local days by mentions."""
    return busiest_days_from(load(store, workspace, **filters), limit)
