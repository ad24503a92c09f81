"""The per-bucket series the detectors read (tinhieu.signals.series)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.metrics.helpers import WS, add, mention, topics
from tinhieu.metrics import by_day
from tinhieu.metrics.result import Metric
from tinhieu.metrics.scope import ScopeError
from tinhieu.metrics.sentiment import net_sentiment_metric
from tinhieu.signals.series import (
    GAP_MIN_EXPECTED,
    SERIES_COLUMNS,
    buckets,
    gap_flags,
    is_big_source,
    topic_series,
    workspace_topics,
)
from tinhieu.store import DuckDBStore, open_store

T = "Brand"
OTHER = "Other"
NOW = datetime(2025, 3, 10, tzinfo=UTC)  # long after the data unless a test says so


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _local(*args: int) -> datetime:
    """A time on the Ho Chi Minh City wall clock (UTC+7), as an aware UTC datetime."""
    return datetime(*args, tzinfo=UTC) - timedelta(hours=7)


def m(**fields: Any) -> dict[str, Any]:
    """A mention of topic ``Brand`` (unless ``topics`` is given)."""
    fields.setdefault("topics", [T])
    return mention(**fields)


def _series(store: DuckDBStore, **kwargs: Any) -> pd.DataFrame:
    kwargs.setdefault("now", NOW)
    kwargs.setdefault("grain", "hour")
    return topic_series(store, WS, kwargs.pop("topic", T), **kwargs)


# --- buckets ----------------------------------------------------------------------------


def test_local_days_across_midnight(store: DuckDBStore) -> None:
    add(
        store,
        [
            m(created_at=_utc(2025, 3, 1, 16, 30)),  # 23:30 on 1 March in Vietnam
            m(created_at=_utc(2025, 3, 1, 17, 0)),  # 00:00 on 2 March
            m(created_at=_utc(2025, 3, 1, 17, 30)),  # 00:30 on 2 March
        ],
    )
    days = _series(store, grain="day", since="2025-03-01", until="2025-03-02")
    assert list(days.columns) == list(SERIES_COLUMNS)
    assert list(days["bucket_start"]) == [
        pd.Timestamp("2025-02-28 17:00", tz="UTC"),
        pd.Timestamp("2025-03-01 17:00", tz="UTC"),
    ]
    assert list(days["bucket_end"]) == [
        pd.Timestamp("2025-03-01 17:00", tz="UTC"),
        pd.Timestamp("2025-03-02 17:00", tz="UTC"),
    ]
    assert list(days["mentions"]) == [1, 2]
    assert str(days["bucket_start"].dt.tz) == "UTC"

    hours = _series(store, since=_local(2025, 3, 1, 23), until=_local(2025, 3, 2, 1))
    assert list(hours["bucket_start"]) == [
        pd.Timestamp("2025-03-01 16:00", tz="UTC"),  # 23:00 local
        pd.Timestamp("2025-03-01 17:00", tz="UTC"),  # 00:00 local, the next day
    ]
    assert list(hours["mentions"]) == [1, 2]


def test_day_series_matches_the_day_metric(store: DuckDBStore) -> None:
    rows = [
        m(created_at=_utc(2025, 3, 1, 16, 59), likes=3),
        m(created_at=_utc(2025, 3, 1, 17, 0), comments=2, shares=1),
        m(created_at=_utc(2025, 3, 3, 23, 0)),
        m(created_at=_utc(2025, 3, 3, 1, 0), topics=[OTHER], likes=50),
    ]
    add(store, rows)
    series = _series(store, grain="day", since="2025-03-01", until="2025-03-04")
    metric = by_day(store, WS, topic=T, since="2025-03-01", until="2025-03-04")
    assert list(series["mentions"]) == list(metric["mentions"])
    assert list(series["interactions"]) == [
        0 if v is pd.NA else int(v) for v in metric["interactions"]
    ]


def test_empty_buckets_are_zero(store: DuckDBStore) -> None:
    add(store, [m(created_at=_local(2025, 3, 3, 12, 15), sentiment="negative", likes=2)])
    s = _series(store, since=_local(2025, 3, 3, 9), until=_local(2025, 3, 3, 15))
    assert len(s) == 6
    assert list(s["mentions"]) == [0, 0, 0, 1, 0, 0]
    empty = s.drop(index=3)
    for col in ("mentions", "positive", "negative", "analysed", "interactions", "authors", "big"):
        assert (empty[col] == 0).all(), col
        assert s[col].dtype == "int64"
    assert empty["negative_share"].isna().all()
    assert empty["net_sentiment"].isna().all()
    assert empty["big_share"].isna().all()
    assert s.loc[3, "negative_share"] == 1.0
    assert s.loc[3, "net_sentiment"] == -100.0
    assert s["complete"].all()
    assert not s["gap"].any()


def test_incomplete_current_bucket_and_no_future(store: DuckDBStore) -> None:
    add(
        store,
        [
            m(created_at=_local(2025, 3, 3, 9, 30)),
            m(created_at=_local(2025, 3, 3, 10, 5)),
        ],
    )
    now = _local(2025, 3, 3, 10, 20)
    s = _series(store, since=_local(2025, 3, 3, 8), until=None, now=now)
    assert list(s["bucket_start"].dt.tz_convert("Asia/Ho_Chi_Minh").dt.hour) == [8, 9, 10]
    assert list(s["complete"]) == [True, True, False]
    assert list(s["mentions"]) == [0, 1, 1]
    later = _series(store, since=_local(2025, 3, 3, 8), until=_local(2025, 3, 4), now=now)
    assert len(later) == 3  # buckets that have not started are not returned
    day = _series(store, grain="day", since="2025-03-03", until="2025-03-03", now=now)
    assert list(day["complete"]) == [False]
    assert not day["gap"].any()
    # naive `now` is read in the workspace zone
    naive = _series(
        store, since=_local(2025, 3, 3, 8), until=None, now=datetime(2025, 3, 3, 10, 20)
    )
    assert list(naive["complete"]) == [True, True, False]


def test_since_and_until_snap_to_whole_buckets(store: DuckDBStore) -> None:
    add(store, [m(created_at=_local(2025, 3, 3, 9, 10)), m(created_at=_local(2025, 3, 3, 10, 50))])
    s = _series(store, since=_local(2025, 3, 3, 9, 30), until=_local(2025, 3, 3, 10, 30))
    assert list(s["mentions"]) == [1, 1]  # whole buckets: 09:00-10:00 and 10:00-11:00


def test_dst_zone_hours_and_days(tmp_path: Path) -> None:
    s = open_store(tmp_path / "ny.duckdb")
    s.ensure_workspace(WS, "America/New_York")
    topics(s, {T: "brand"})
    # 2025-11-02: clocks go back at 02:00 EDT (06:00 UTC) to 01:00 EST
    add(
        s,
        [
            m(created_at=_utc(2025, 11, 2, 5, 30)),  # 01:30 EDT
            m(created_at=_utc(2025, 11, 2, 6, 30)),  # 01:30 EST (the repeated hour)
            m(created_at=_utc(2025, 11, 2, 6, 45)),  # 01:45 EST
        ],
    )
    now = _utc(2025, 11, 10)
    hours = topic_series(
        s, WS, T, grain="hour", since=_utc(2025, 11, 2, 4), until=_utc(2025, 11, 2, 8), now=now
    )
    assert list(hours["bucket_start"]) == [
        pd.Timestamp(f"2025-11-02 0{h}:00", tz="UTC") for h in (4, 5, 6, 7)
    ]
    assert list(hours["mentions"]) == [0, 1, 2, 0]
    days = topic_series(s, WS, T, grain="day", since="2025-11-02", until="2025-11-02", now=now)
    assert len(days) == 1
    assert days.loc[0, "bucket_end"] - days.loc[0, "bucket_start"] == pd.Timedelta(hours=25)
    assert days.loc[0, "mentions"] == 3
    s.close()


def test_bucket_generator_is_dst_safe() -> None:
    spring = buckets("Europe/Berlin", "hour", _utc(2025, 3, 29, 23), _utc(2025, 3, 30, 3))
    assert [b.local.hour for b in spring] == [0, 1, 3, 4]  # 02:00 does not exist
    assert all(b.end - b.start == timedelta(hours=1) for b in spring)
    kolkata = buckets("Asia/Kolkata", "hour", _utc(2025, 1, 1, 0), _utc(2025, 1, 1, 2))
    assert [b.start.minute for b in kolkata] == [30, 30, 30]  # local hours start at :30 UTC
    days = buckets("Europe/Berlin", "day", _utc(2025, 3, 29, 12), _utc(2025, 3, 31, 12))
    assert [b.end - b.start for b in days] == [
        timedelta(hours=24),
        timedelta(hours=23),
        timedelta(hours=24),
    ]


# --- opinion, interactions, authors, big sources ---------------------------------------


def test_spam_is_volume_but_not_opinion(store: DuckDBStore) -> None:
    at = _local(2025, 3, 3, 10, 10)
    rows = [
        m(created_at=at, sentiment="negative", spam="none"),
        m(created_at=at, sentiment="negative", spam="none"),
        m(created_at=at, sentiment="positive", spam="none"),
        m(created_at=at, sentiment="neutral", spam=None),  # not checked: still an opinion
        m(created_at=at, sentiment=None, spam=None),  # not analysed
        *[m(created_at=at, sentiment="positive", spam="giveaway") for _ in range(10)],
        *[m(created_at=at, sentiment="positive", spam="seeding") for _ in range(3)],
        m(created_at=at, sentiment="negative", spam="ad"),
        m(created_at=at, sentiment="positive", spam="junk"),
        m(created_at=at, sentiment="positive", spam="fake_review"),
    ]
    add(store, rows)
    r = _series(store, since=_local(2025, 3, 3, 10), until=_local(2025, 3, 3, 11)).iloc[0]
    assert r["mentions"] == 21  # volume counts everything
    assert r["flagged"] == 16
    assert (r["positive"], r["neutral"], r["negative"], r["analysed"]) == (1, 1, 2, 4)
    assert r["negative_share"] == pytest.approx(0.5)
    # the project's net sentiment definition, fed the same counts
    metric: Metric = net_sentiment_metric({"n": 4, "sent_n": 4, "pos": 1, "neg": 2, "neu": 1})
    assert r["net_sentiment"] == pytest.approx(metric.value)


def test_interactions_use_the_project_definition(store: DuckDBStore) -> None:
    at = _local(2025, 3, 3, 10, 10)
    add(
        store,
        [
            m(created_at=at, likes=10, comments=5, shares=5),  # saves unknown: 20
            m(created_at=at, likes=0),  # known, zero
            m(created_at=at),  # no engagement data: not 0, not counted
        ],
    )
    r = _series(store, since=_local(2025, 3, 3, 10), until=_local(2025, 3, 3, 11)).iloc[0]
    assert r["interactions"] == 20
    assert r["interactions_known"] == 2
    assert r["mentions"] == 3


def test_vanity_interactions_and_giveaway_threads(store: DuckDBStore) -> None:
    at = _local(2025, 3, 3, 10, 10)
    labelled = m(created_at=at, source_id="gpost", spam="giveaway", likes=100)
    brand_post = m(created_at=at, source_id="bpost", spam="none", comments=6, author_kind="brand")
    normal = m(created_at=at, source_id="npost", spam="none", likes=1000)
    rows = [
        labelled,
        # a comment under the labelled giveaway post, not labelled itself: vanity
        m(created_at=at, kind="comment", parent_id="gpost", spam="none", likes=3),
        # the brand's minigame post (labelled none) revealed by its comments
        brand_post,
        *[
            m(created_at=at, kind="comment", parent_id="bpost", spam="giveaway", likes=1)
            for _ in range(5)
        ],
        m(
            created_at=at,
            kind="comment",
            parent_id="bpost",
            spam="none",
            likes=7,
            sentiment="negative",
        ),  # a complaint under the minigame: vanity, still an opinion
        # an ordinary post with one giveaway comment is no giveaway thread
        normal,
        m(created_at=at, kind="comment", parent_id="npost", spam="giveaway", likes=2),
        *[
            m(created_at=at, kind="comment", parent_id="npost", spam="none", likes=1)
            for _ in range(9)
        ],
        m(created_at=at, spam="seeding", shares=40),
        # the same source id on another platform is another item
        m(
            created_at=at,
            platform="tiktok",
            kind="comment",
            parent_id="gpost",
            spam="none",
            likes=9,
        ),
    ]
    add(store, rows)
    r = _series(store, since=_local(2025, 3, 3, 10), until=_local(2025, 3, 3, 11)).iloc[0]
    expected = 100 + 3 + 6 + 5 * 1 + 7 + 2 + 40
    assert r["vanity_interactions"] == expected
    assert r["interactions"] == expected + 1000 + 9 * 1 + 9
    assert r["negative"] == 1  # the complaint under the minigame post is an opinion


def test_unique_authors(store: DuckDBStore) -> None:
    at = _local(2025, 3, 3, 10, 10)
    add(
        store,
        [
            m(created_at=at, author_id="a"),
            m(created_at=at, author_id="a"),
            m(created_at=at, author_id="a", platform="tiktok"),  # another account
            m(created_at=at, author_id="b"),
            m(created_at=at),  # no author id: not counted
        ],
    )
    r = _series(store, since=_local(2025, 3, 3, 10), until=_local(2025, 3, 3, 11)).iloc[0]
    assert r["authors"] == 3


BIG_CASES: list[tuple[str | None, int | None, str, bool]] = [
    ("news", None, "facebook", True),  # a news outlet, followers unknown
    ("person", None, "news", True),  # a news site
    ("page", 300_000, "facebook", True),  # macro page
    ("page", 299_999, "facebook", False),
    ("group", 500_000, "facebook", True),
    ("person", 1_000_000, "tiktok", True),  # mega KOL
    ("person", 999_999, "tiktok", False),
    ("brand", 2_000_000, "facebook", False),  # the brand itself is no escalation
    (None, 1_500_000, "youtube", True),
    ("page", None, "facebook", False),
    ("unknown", 10, "forum", False),
]


def test_big_sources(store: DuckDBStore) -> None:
    at = _local(2025, 3, 3, 10, 10)
    add(
        store,
        [
            m(created_at=at, author_kind=k, author_followers=f, platform=p)
            for k, f, p, _ in BIG_CASES
        ],
    )
    r = _series(store, since=_local(2025, 3, 3, 10), until=_local(2025, 3, 3, 11)).iloc[0]
    big = sum(1 for *_, b in BIG_CASES if b)
    assert r["big"] == big == 6
    assert r["big_share"] == pytest.approx(big / len(BIG_CASES))
    for k, f, p, b in BIG_CASES:
        assert is_big_source(k, f, p) is b, (k, f, p)


# --- breakdowns --------------------------------------------------------------------------


def _aspects(*hits: tuple[str, str]) -> str:
    return json.dumps(
        [
            {
                "aspect": a,
                "polarity": p,
                "prob": 0.9,
                "evidence": "…",
                "start": 0,
                "end": 1,
                "source": "lexicon",
            }
            for a, p in hits
        ],
        ensure_ascii=False,
    )


def test_aspect_breakdown(store: DuckDBStore) -> None:
    h10, h12 = _local(2025, 3, 3, 10, 5), _local(2025, 3, 3, 12, 5)
    add(
        store,
        [
            m(
                created_at=h10,
                aspects=_aspects(("delivery", "negative"), ("price", "positive")),
                likes=4,
                author_id="x",
            ),
            m(created_at=h10, aspects=_aspects(("delivery", "negative")), author_id="y"),
            m(created_at=h10, aspects=_aspects(("price", "positive")), spam="seeding"),
            m(created_at=h12, aspects=_aspects(("delivery", "neutral"))),
            m(created_at=h12),  # no aspects
            m(created_at=h12, aspects=_aspects(("app", "negative")), topics=[OTHER]),
        ],
    )
    s = _series(store, since=_local(2025, 3, 3, 10), until=_local(2025, 3, 3, 13), by="aspect")
    assert list(s.columns[:3]) == ["bucket_start", "bucket_end", "aspect"]
    assert sorted(set(s["aspect"])) == ["delivery", "price"]  # "app" is another topic's
    assert len(s) == 3 * 2  # every aspect gets every bucket
    idx = s.set_index([s["bucket_start"].dt.tz_convert("Asia/Ho_Chi_Minh").dt.hour, "aspect"])
    d10 = idx.loc[(10, "delivery")]
    assert (d10["mentions"], d10["negative"], d10["analysed"], d10["authors"]) == (2, 2, 2, 2)
    assert d10["negative_share"] == 1.0
    assert d10["interactions"] == 4
    p10 = idx.loc[(10, "price")]
    assert (p10["mentions"], p10["positive"], p10["analysed"], p10["flagged"]) == (2, 1, 1, 1)
    assert idx.loc[(11, "delivery")]["mentions"] == 0
    d12 = idx.loc[(12, "delivery")]
    assert (d12["mentions"], d12["neutral"], d12["negative"]) == (1, 1, 0)
    assert idx.loc[(12, "price")]["mentions"] == 0


def test_platform_breakdown(store: DuckDBStore) -> None:
    h10 = _local(2025, 3, 3, 10, 5)
    add(
        store,
        [
            m(created_at=h10, platform="facebook", sentiment="negative"),
            m(created_at=h10, platform="facebook", sentiment="positive"),
            m(created_at=h10, platform="tiktok", sentiment="negative", likes=5),
            m(created_at=_local(2025, 3, 3, 11, 5), platform="tiktok"),
            m(created_at=h10, platform="youtube", topics=[OTHER]),
        ],
    )
    kw: dict[str, Any] = {"since": _local(2025, 3, 3, 10), "until": _local(2025, 3, 3, 12)}
    s = _series(store, by="platform", **kw)
    assert sorted(set(s["platform"])) == ["facebook", "tiktok"]
    assert len(s) == 4
    idx = s.set_index([s["bucket_start"].dt.tz_convert("Asia/Ho_Chi_Minh").dt.hour, "platform"])
    assert idx.loc[(10, "facebook")]["mentions"] == 2
    assert idx.loc[(10, "facebook")]["negative_share"] == 0.5
    assert idx.loc[(10, "tiktok")]["interactions"] == 5
    assert idx.loc[(11, "facebook")]["mentions"] == 0
    total = _series(store, **kw)
    assert list(s.groupby("bucket_start")["mentions"].sum()) == list(total["mentions"])


# --- collection gaps ---------------------------------------------------------------------


def _busy_days(days: int, per_hour: int, skip: set[tuple[int, int]]) -> list[dict[str, Any]]:
    """``per_hour`` mentions every local hour 08:00-22:59 of ``days`` days from 3 Feb
    2025 (none at night), except the (day, hour) pairs in ``skip``. Every other mention is
    another topic's, so the brand itself is quiet in some hours."""
    rows = []
    for d in range(days):
        for h in range(8, 23):
            if (d, h) in skip:
                continue
            for k in range(per_hour):
                at = _local(2025, 2, 3, h, 5 + k) + timedelta(days=d)
                rows.append(m(created_at=at, topics=[T] if k % 2 == 0 else [OTHER]))
    return rows


def test_collection_gap_is_flagged_but_a_quiet_night_is_not(store: DuckDBStore) -> None:
    outage = {(21, 10), (21, 11), (21, 12)}  # 10:00-12:59 on 24 February
    add(store, _busy_days(28, 4, outage))
    s = _series(
        store, since=_local(2025, 2, 23, 0), until=_local(2025, 2, 26, 0), now=_local(2025, 3, 5)
    ).set_index("bucket_start")
    s.index = s.index.tz_convert("Asia/Ho_Chi_Minh").tz_localize(None)
    gaps = list(s.index[s["gap"]])
    assert gaps == [pd.Timestamp(f"2025-02-24 {h}:00") for h in (10, 11, 12)]
    night = s.loc["2025-02-24 23:00":"2025-02-25 07:00"]
    assert (night["mentions"] == 0).all() and not night["gap"].any()  # silence, not a gap
    # same topic count (0) in both, told apart only by `gap`
    assert s.loc[pd.Timestamp("2025-02-24 11:00"), "mentions"] == 0
    # the day series: a day with three hours missing still has mentions, no gap
    days = _series(
        store, grain="day", since="2025-02-20", until="2025-02-28", now=_local(2025, 3, 5)
    )
    assert not days["gap"].any()


def test_whole_day_outage_on_the_day_series(store: DuckDBStore) -> None:
    outage = {(21, h) for h in range(8, 23)}
    add(store, _busy_days(28, 1, outage))
    days = _series(
        store, grain="day", since="2025-02-20", until="2025-02-28", now=_local(2025, 3, 5)
    )
    local = days["bucket_start"].dt.tz_convert("Asia/Ho_Chi_Minh").dt.date
    assert list(local[days["gap"]]) == [date(2025, 2, 24)]


def test_workspace_volume_decides_not_the_topic(store: DuckDBStore) -> None:
    # the brand is silent for hours while the workspace keeps collecting: no gap
    rows = [r for r in _busy_days(28, 4, set()) if r["topics"] == [OTHER]]
    add(store, rows)
    s = _series(
        store, since=_local(2025, 2, 24, 0), until=_local(2025, 2, 25, 0), now=_local(2025, 3, 5)
    )
    assert (s["mentions"] == 0).all()
    assert not s["gap"].any()


def test_gap_rule() -> None:
    slots = [i % 4 for i in range(16)]  # a "week" of 4 buckets
    done = [True] * 16
    level = [5, 10, 10, 10] * 4
    counts = list(level)
    counts[9] = 0  # an outage where 10 are usual
    assert [i for i, g in enumerate(gap_flags(counts, slots, done)) if g] == [9]
    # a usual silence (slot 0 is always quiet) is never a gap
    assert not any(gap_flags([0, 10, 10, 10] * 4, slots, done))
    # an outage next to a usual silence takes the silent bucket with it
    merged = [0, 10, 10, 10] * 4
    merged[9] = 0
    assert [i for i, g in enumerate(gap_flags(merged, slots, done)) if g] == [8, 9]
    # a run reaching the present is a gap (collection stopped), an incomplete bucket is not
    stopped = [*level[:13], 0, 0, 0]
    flags = gap_flags(stopped, slots, [*done[:15], False])
    assert [i for i, g in enumerate(flags) if g] == [13, 14]
    # no mentions before: the workspace had not started collecting
    starting = [0] * 8 + level[8:]
    assert not any(gap_flags(starting, slots, done)[:8])
    # too little expected: a zero where about 2 were usual is plausible silence
    small = [0, 2, 2, 2] * 4
    small[9] = 0
    assert GAP_MIN_EXPECTED > 2
    assert not any(gap_flags(small, slots, done))
    # too little history: the usual level is unknown
    assert not any(gap_flags([10, 0, 10, 10], [0, 1, 2, 3], [True] * 4))


# --- inputs -----------------------------------------------------------------------------


def test_hostile_topic_name_and_values(store: DuckDBStore) -> None:
    evil = "Bobby'); DROP TABLE mentions; -- \"<script>alert(1)</script>"
    topics(store, {evil: "brand"})
    at = _local(2025, 3, 3, 10, 10)
    add(
        store,
        [
            m(
                created_at=at,
                topics=[evil],
                platform="facebook",
                text="'; DROP TABLE mentions; -- <script>alert('x')</script>",
            ),
            m(
                created_at=at,
                topics=[evil],
                aspects=_aspects(("x'); DROP TABLE mentions; --", "negative")),
            ),
        ],
    )
    assert evil in workspace_topics(store, WS)
    kw: dict[str, Any] = {"since": _local(2025, 3, 3, 10), "until": _local(2025, 3, 3, 11)}
    assert list(_series(store, topic=evil, **kw)["mentions"]) == [2]
    a = _series(store, topic=evil, by="aspect", **kw)
    assert list(a["aspect"]) == ["x'); DROP TABLE mentions; --"]
    assert store.count_mentions(WS) == 2


def test_bad_arguments(store: DuckDBStore) -> None:
    kw: dict[str, Any] = {"since": "2025-03-01", "until": "2025-03-02"}
    with pytest.raises(ScopeError, match="no topic"):
        _series(store, topic="Nope", **kw)
    with pytest.raises(ValueError, match="grain"):
        _series(store, grain="week", **kw)
    with pytest.raises(ValueError, match="by must be"):
        _series(store, by="kind", **kw)
    with pytest.raises(ScopeError, match="before"):
        _series(store, since="2025-03-05", until="2025-03-01")
    with pytest.raises(ScopeError):
        _series(store, since=None, until=None)


def test_nothing_before_now(store: DuckDBStore) -> None:
    s = _series(store, since="2025-04-01", until="2025-04-02", now=NOW)  # all in the future
    assert s.empty
    assert list(s.columns) == list(SERIES_COLUMNS)
    assert s["mentions"].dtype == "int64"
