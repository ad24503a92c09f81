"""Days and hours in the workspace time zone, busiest days, and the offset arithmetic."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import duckdb
import pandas as pd
import pytest

from tests.metrics.helpers import WS, add, mention
from tinhieu.metrics import busiest_days, by_day, by_hour, volume
from tinhieu.metrics.localtime import day_hour_sql, day_of, local_epoch_sql, transitions
from tinhieu.store import DuckDBStore


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_late_utc_evening_is_next_day_in_vietnam(store: DuckDBStore) -> None:
    add(
        store,
        [
            mention(created_at=_utc(2025, 3, 1, 23, 30), likes=4),  # 06:30 on 2 March
            mention(created_at=_utc(2025, 3, 1, 16, 59)),  # 23:59 on 1 March
            mention(created_at=_utc(2025, 3, 1, 17, 0)),  # 00:00 on 2 March
        ],
    )
    days = by_day(store, WS)
    assert list(days["day"]) == [date(2025, 3, 1), date(2025, 3, 2)]
    assert list(days["mentions"]) == [1, 2]
    assert days.loc[1, "interactions"] == 4
    assert days.loc[0, "interactions"] is pd.NA
    hours = by_hour(store, WS).set_index("hour")
    assert len(hours) == 24
    assert hours.loc[6, "mentions"] == 1
    assert hours.loc[23, "mentions"] == 1
    assert hours.loc[0, "mentions"] == 1
    assert hours["mentions"].sum() == 3
    assert hours.loc[6, "share_pct"] == pytest.approx(100 / 3)


def test_dates_are_local_days(store: DuckDBStore) -> None:
    add(
        store,
        [
            mention(created_at=_utc(2025, 3, 1, 23, 30)),  # 2 March local
            mention(created_at=_utc(2025, 3, 1, 16, 59)),  # 1 March local
            mention(created_at=_utc(2025, 2, 28, 17, 0)),  # 1 March 00:00 local
        ],
    )
    assert volume(store, WS, since=date(2025, 3, 2)).total.value == 1
    assert volume(store, WS, until=date(2025, 3, 1)).total.value == 2  # the whole day
    assert volume(store, WS, since="2025-03-01", until="2025-03-01").total.value == 2
    # a naive datetime is read in the workspace zone, an aware one as is
    assert volume(store, WS, since=datetime(2025, 3, 1, 23, 59)).total.value == 2
    assert volume(store, WS, since=_utc(2025, 3, 1, 17, 0)).total.value == 1
    # until as a datetime is exclusive
    assert volume(store, WS, until=datetime(2025, 3, 1, 0, 0)).total.value == 0
    assert volume(store, WS, until="2025-03-01T00:00:01").total.value == 1
    with pytest.raises(ValueError, match="before"):
        volume(store, WS, since=date(2025, 3, 2), until=date(2025, 3, 1))


def test_day_range_is_filled_with_zeros(store: DuckDBStore) -> None:
    add(store, [mention(created_at=_utc(2025, 3, 3, 3)), mention(created_at=_utc(2025, 3, 5, 3))])
    days = by_day(store, WS)
    assert list(days["mentions"]) == [1, 0, 1]
    ranged = by_day(store, WS, since=date(2025, 3, 1), until=date(2025, 3, 6))
    assert list(ranged["day"]) == [date(2025, 3, d) for d in range(1, 7)]
    assert list(ranged["mentions"]) == [0, 0, 1, 0, 1, 0]


def test_busiest_days_ties_go_to_the_earlier_day(store: DuckDBStore) -> None:
    rows = [mention(created_at=_utc(2025, 3, 3, 3)) for _ in range(2)]
    rows += [mention(created_at=_utc(2025, 3, 1, 3)) for _ in range(2)]
    rows += [mention(created_at=_utc(2025, 3, 2, 3)) for _ in range(3)]
    rows += [mention(created_at=_utc(2025, 3, 4, 3))]
    add(store, rows)
    top = busiest_days(store, WS, limit=3)
    assert list(top["day"]) == [date(2025, 3, 2), date(2025, 3, 1), date(2025, 3, 3)]
    assert list(top["mentions"]) == [3, 2, 2]


def test_daily_net_sentiment(store: DuckDBStore) -> None:
    add(
        store,
        [
            mention(sentiment="positive"),
            mention(sentiment="positive"),
            mention(sentiment="negative"),
            mention(sentiment="neutral"),
        ],
    )
    day = by_day(store, WS).iloc[0]
    assert day["net_sentiment"] == pytest.approx(100 / 3)
    assert day["sentiment_analysed"] == 4


def test_dst_zone(store: DuckDBStore) -> None:
    store.ensure_workspace("eu", "Europe/Berlin")
    add(
        store,
        [
            mention(workspace="eu", created_at=_utc(2025, 3, 30, 0, 30)),  # 01:30 CET
            mention(workspace="eu", created_at=_utc(2025, 3, 30, 1, 30)),  # 03:30 CEST
            mention(workspace="eu", created_at=_utc(2025, 10, 26, 0, 30)),  # 02:30 CEST
            mention(workspace="eu", created_at=_utc(2025, 10, 26, 1, 30)),  # 02:30 CET
            mention(workspace="eu", created_at=_utc(2025, 10, 25, 22, 30)),  # 00:30, 26 Oct
        ],
    )
    hours = by_hour(store, "eu").set_index("hour")["mentions"]
    assert hours[1] == 1 and hours[3] == 1 and hours[2] == 2 and hours[0] == 1
    days = by_day(store, "eu").set_index("day")["mentions"]
    assert days[date(2025, 3, 30)] == 2
    assert days[date(2025, 10, 26)] == 3


@pytest.mark.parametrize(
    "tz", ["Asia/Ho_Chi_Minh", "Europe/Berlin", "America/New_York", "Asia/Kathmandu", "UTC"]
)
def test_offset_arithmetic_matches_icu(tz: str) -> None:
    """The CASE-on-transitions local time equals DuckDB's ICU conversion, instant by
    instant, around DST changes included."""
    rng = random.Random(tz)
    start, end = _utc(2023, 1, 1), _utc(2026, 1, 1)
    moments = [
        start + timedelta(seconds=rng.randrange(int((end - start).total_seconds())))
        for _ in range(1000)
    ]
    for t, _ in transitions(tz, start, end)[1:]:  # right at and around each transition
        moments += [t - timedelta(seconds=1), t, t + timedelta(seconds=1)]
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE TABLE t (created_at TIMESTAMPTZ)")
    con.executemany(
        "INSERT INTO t VALUES (CAST(? AS TIMESTAMPTZ))",
        [[m.strftime("%Y-%m-%d %H:%M:%S+00")] for m in moments],
    )
    le, params = local_epoch_sql(tz, start, end)
    day_sql, hour_sql = day_hour_sql("le")
    ours = con.execute(
        f"SELECT {day_sql}, {hour_sql} FROM (SELECT created_at, {le} AS le FROM t) x "
        "ORDER BY created_at",
        params,
    ).fetchall()
    icu = con.execute(
        "SELECT CAST(timezone(?, created_at) AS DATE), hour(timezone(?, created_at)) FROM t "
        "ORDER BY created_at",
        [tz, tz],
    ).fetchall()
    assert [(day_of(d), h) for d, h in ours] == [(d, h) for d, h in icu]
