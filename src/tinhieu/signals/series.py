"""The series the early-warning detectors read: one topic, bucket by bucket.

:func:`topic_series` returns one row per **local** hour or day of the workspace time
zone (``store.workspace_timezone``), empty buckets included as 0, with the measures
every detector needs: volume, sentiment (spam excluded), interactions, unique authors,
the share of big sources, vanity interactions, whether the bucket is complete and
whether it looks like a collection gap. ``by="aspect"`` or ``by="platform"`` splits
every bucket by aspect or platform. ``docs/signals.md`` (appendix) documents the columns.

Rules (each has a constant below and a test in ``tests/signals/test_series.py``):

Buckets
    A local hour is the hour that starts when the wall clock of the zone shows hh:00,
    so the repeated hour of a DST fall-back is two buckets and the skipped hour of a
    spring-forward is none; a local day runs from local midnight to local midnight (23
    or 25 hours on DST days). ``bucket_start``/``bucket_end`` are aware UTC instants.
    The local time of each mention comes from :mod:`tinhieu.metrics.localtime` (no per-
    row time zone lookup). ``since`` is rounded down to the start of its bucket and
    ``until`` up to the end of its bucket; buckets that start at or after ``now`` are not
    returned (the future is not observed), and the bucket containing ``now`` is returned
    with ``complete = False``.
Volume and opinion
    ``mentions`` counts every mention of the topic (spam included: volume is volume).
    The opinion counts (``positive``, ``neutral``, ``negative``, ``analysed`` and the
    aspect polarities) leave out mentions the spam stage **flagged** (``spam`` not NULL
    and not ``'none'``: giveaway, seeding, ad, junk, fake_review, brand_only — the same
    "flagged" as the quality-engagement metric), so a giveaway flood of "mong trúng
    quá" or a seeding burst of praise does not look like a change of mood. ``flagged``
    says how many were left out.
Interactions
    The project's definition (:data:`tinhieu.metrics.measures.INTERACTIONS_SQL`):
    likes + comments + shares + saves over the known components. A bucket's
    ``interactions`` is the sum over mentions with engagement data (0 when none has);
    ``interactions_known`` says how many had data, so "unknown" stays distinguishable.
Vanity interactions
    Interactions of mentions that are flagged, plus those of every mention in a
    **giveaway thread**: the replies to a mention labelled ``giveaway``, and a post whose
    comments reveal a minigame (at least :data:`GIVEAWAY_THREAD_MIN` of its comments in
    the fetched window are labelled ``giveaway`` and they are at least half of its
    spam-checked comments) together with all its comments — the giveaway post itself is
    usually the brand's own, labelled ``none``, and "done", "tag @bạn" under it are not
    labelled. ``vanity_mentions`` counts the mentions these rules cover (flagged or in a
    giveaway thread). Those comments still count as opinions unless they are flagged themselves
    (a complaint under a minigame post — "lần trước trúng mà không nhận được quà" — is
    exactly what early warning is for).
Big sources
    A mention is from a big source (:func:`is_big_source`) when its author is a news
    outlet (``author_kind = 'news'`` or platform ``news``), a page or group of tier macro
    or mega (≥ 300,000 followers, :mod:`tinhieu.metrics.tiers`), or any other account
    of tier mega (≥ 1,000,000: a mega KOL) — except the brand's own accounts
    (``author_kind = 'brand'``), which speak every day and are not an escalation.
Collection gaps
    A bucket is a gap when it looks like the collector was down rather than that
    nobody talked. Workspace-wide (every topic, every platform) volume is compared with
    its usual level: for each bucket, the median of the same local hour-of-week (days:
    the same weekday) over up to :data:`GAP_WEEKS` weeks on each side, taken from the
    series and a :data:`GAP_WEEKS`-week lookback before ``since`` (at least
    :data:`GAP_MIN_SAMPLES` comparable buckets, else the level is unknown, treated as
    0). A run of consecutive complete buckets with **zero** workspace mentions is a gap
    when (1) the bucket before it has mentions, (2) the bucket after it has mentions or
    the run reaches the present, and (3) the usual levels of the run add up to at least
    :data:`GAP_MIN_EXPECTED` mentions — silence that improbable (Poisson P(0) < 0.02 %)
    is not silence. A quiet night (usual level near 0) is therefore never a gap, and
    neither is the time before a workspace's first mention. With ``by="platform"`` a
    bucket is also a gap for one platform when that platform alone went silent by the
    same rule. The incomplete current bucket is never a gap.

Efficiency: one grouped SQL statement per call (two with ``by="aspect"``: the aspect
hits and the workspace volume), restricted by workspace and ``created_at``; the topic
is a condition inside the aggregates, written the way :mod:`tinhieu.metrics.scope`
writes it (``array_position``), in SQL that DuckDB and PostgreSQL share. Every value is
a ``?`` parameter.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from tinhieu.metrics.localtime import day_number, local_epoch_sql, offset_at
from tinhieu.metrics.measures import INTERACTIONS_SQL
from tinhieu.metrics.scope import DateLike, ScopeError, parse_bound
from tinhieu.metrics.tiers import TIERS
from tinhieu.signals.model import Grain
from tinhieu.store.base import Store

__all__ = [
    "BIG_ANY_TIER",
    "BIG_PAGE_KINDS",
    "BIG_PAGE_TIER",
    "GAP_MIN_EXPECTED",
    "GAP_MIN_SAMPLES",
    "GAP_WEEKS",
    "GIVEAWAY_THREAD_MIN",
    "SERIES_COLUMNS",
    "Bucket",
    "SeriesBy",
    "buckets",
    "gap_flags",
    "is_big_source",
    "topic_series",
    "workspace_topics",
]

SeriesBy = Literal["aspect", "platform"] | None
GRAINS: Final[tuple[str, ...]] = ("hour", "day")
BYS: Final[tuple[str | None, ...]] = (None, "aspect", "platform")

#: Pages and groups of this tier or above are big sources.
BIG_PAGE_TIER: Final = "macro"
#: Any account (but the brand's own) of this tier or above is a big source.
BIG_ANY_TIER: Final = "mega"
#: Author kinds that are "pages" for the big-source rule.
BIG_PAGE_KINDS: Final[tuple[str, ...]] = ("page", "group")

#: Weeks of same-slot history on each side used for the usual level of a bucket.
GAP_WEEKS: Final = 4
#: Fewest comparable buckets for a usual level (fewer: unknown, counted as 0).
GAP_MIN_SAMPLES: Final = 2
#: A zero run is a gap when its usual levels add up to at least this many mentions
#: (Poisson probability of seeing none: e^-9 ≈ 0.012 %).
GAP_MIN_EXPECTED: Final = 9.0
#: Fewest giveaway-labelled comments that make their parent a giveaway thread.
GIVEAWAY_THREAD_MIN: Final = 5
#: Aspect hits read per mention (the pipeline writes at most 8 commerce + 10 phone).
MAX_ASPECTS: Final = 32

_TIER_FLOOR: Final[dict[str, int]] = dict(TIERS)

#: A mention the spam stage flagged (any kind but 'none'); left out of opinion counts.
FLAGGED_SQL: Final = "(spam IS NOT NULL AND spam <> 'none')"
#: The big-source rule, in SQL over ``mentions`` (see :func:`is_big_source`).
BIG_SQL: Final = (
    "coalesce((author_kind = 'news' OR platform = 'news' "
    f"OR (author_kind IN ({', '.join(repr(k) for k in BIG_PAGE_KINDS)}) "
    f"AND author_followers >= {_TIER_FLOOR[BIG_PAGE_TIER]}) "
    f"OR (coalesce(author_kind, '') <> 'brand' "
    f"AND author_followers >= {_TIER_FLOOR[BIG_ANY_TIER]})), FALSE)"
)
#: Membership of the topic in the ``?`` parameter, as :mod:`tinhieu.metrics.scope` writes it.
TOPIC_SQL: Final = "(array_position(topics, ?) IS NOT NULL)"
#: Index rows to read the hits of an ``aspects`` JSON array in portable SQL.
ASPECT_INDEX_SQL: Final = (
    "(VALUES " + ", ".join(f"({i})" for i in range(MAX_ASPECTS)) + ") AS ai(i)"
)

SERIES_COLUMNS: Final[tuple[str, ...]] = (
    "bucket_start",
    "bucket_end",
    "mentions",
    "positive",
    "neutral",
    "negative",
    "analysed",
    "negative_share",
    "net_sentiment",
    "interactions",
    "interactions_known",
    "authors",
    "big",
    "big_share",
    "vanity_interactions",
    "vanity_mentions",
    "flagged",
    "complete",
    "gap",
)
_COUNTS: Final[tuple[str, ...]] = (
    "mentions",
    "positive",
    "neutral",
    "negative",
    "analysed",
    "interactions",
    "interactions_known",
    "authors",
    "big",
    "vanity_interactions",
    "vanity_mentions",
    "flagged",
)


def is_big_source(author_kind: str | None, followers: int | None, platform: str | None) -> bool:
    """Whether a mention comes from a big source: a news outlet, a page or group with at
    least 300,000 followers (tier macro or above), or any account but the brand's own
    with at least 1,000,000 (tier mega). The same rule as :data:`BIG_SQL`."""
    if author_kind == "news" or platform == "news":
        return True
    if followers is None:
        return False
    if author_kind in BIG_PAGE_KINDS and followers >= _TIER_FLOOR[BIG_PAGE_TIER]:
        return True
    return author_kind != "brand" and followers >= _TIER_FLOOR[BIG_ANY_TIER]


def workspace_topics(store: Store, workspace: str) -> list[str]:
    """The names of the workspace's topics, sorted."""
    return sorted(t.name for t in store.get_topics(workspace))


# ---------------------------------------------------------------------------------------
# Buckets
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bucket:
    """One local hour or day: ``[start, end)`` in UTC, and its local start."""

    start: datetime
    end: datetime
    local: datetime  # naive local wall-clock time of the start

    def slot(self, grain: str) -> tuple[int, int]:
        """Where the bucket sits in the week: (weekday, hour) for hours, (weekday, 0)."""
        return (self.local.weekday(), self.local.hour if grain == "hour" else 0)


def _epoch(moment: datetime) -> int:
    return math.floor(moment.timestamp())


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _hour_floor(zone: ZoneInfo, moment: datetime) -> int:
    """UTC epoch of the start of the local hour containing ``moment``: the same formula
    as the SQL (local epoch floored to the hour, minus the offset in force)."""
    off = offset_at(zone, moment)
    local = _epoch(moment) + off
    return (local // 3600) * 3600 - off


def _midnight(zone: ZoneInfo, day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _bucket_at(zone: ZoneInfo, grain: str, moment: datetime) -> datetime:
    """Start (UTC) of the bucket that contains ``moment``."""
    if grain == "hour":
        return _utc(_hour_floor(zone, moment))
    return _midnight(zone, moment.astimezone(zone).date())


def _next_start(zone: ZoneInfo, grain: str, start: datetime) -> datetime:
    if grain == "day":
        return _midnight(zone, start.astimezone(zone).date() + timedelta(days=1))
    nxt = _hour_floor(zone, start + timedelta(hours=1))
    if nxt <= _epoch(start):  # an offset change by less than an hour (e.g. +30 min)
        nxt = _hour_floor(zone, start + timedelta(hours=2))
    return _utc(nxt)


def buckets(tz: str, grain: str, start: datetime, end: datetime) -> list[Bucket]:
    """The local buckets of ``tz`` from the one containing ``start`` (aware) up to the
    last one that starts before ``end``."""
    zone = ZoneInfo(tz)
    out: list[Bucket] = []
    cur = _bucket_at(zone, grain, start)
    while cur < end:
        nxt = _next_start(zone, grain, cur)
        out.append(Bucket(cur, nxt, cur.astimezone(zone).replace(tzinfo=None)))
        cur = nxt
    return out


# ---------------------------------------------------------------------------------------
# Collection gaps
# ---------------------------------------------------------------------------------------


def gap_flags(
    counts: Sequence[int],
    slots: Sequence[Hashable],
    complete: Sequence[bool],
    *,
    weeks: int = GAP_WEEKS,
    min_samples: int = GAP_MIN_SAMPLES,
    min_expected: float = GAP_MIN_EXPECTED,
) -> list[bool]:
    """Which buckets look like a collection gap (module docstring, "Collection gaps").

    ``counts`` are the workspace-wide mentions per consecutive bucket, ``slots`` the
    bucket's place in the week (same slot = comparable), ``complete`` whether each
    bucket has ended. Pure: the tests call it directly.
    """
    n = len(counts)
    by_slot: defaultdict[Hashable, list[int]] = defaultdict(list)
    for i in range(n):
        if complete[i]:
            by_slot[slots[i]].append(i)
    expected = [0.0] * n
    for members in by_slot.values():
        for pos, i in enumerate(members):
            near = members[max(0, pos - weeks) : pos] + members[pos + 1 : pos + 1 + weeks]
            if len(near) >= min_samples:
                expected[i] = float(statistics.median(counts[j] for j in near))
    flags = [False] * n
    i = 0
    while i < n:
        if not complete[i] or counts[i] != 0:
            i += 1
            continue
        j = i
        while j + 1 < n and complete[j + 1] and counts[j + 1] == 0:
            j += 1
        before_ok = i > 0 and counts[i - 1] > 0
        # after the run: a bucket with mentions, or nothing complete (the run is ongoing)
        after_ok = j + 1 >= n or counts[j + 1] > 0 or not complete[j + 1]
        if before_ok and after_ok and sum(expected[i : j + 1]) >= min_expected:
            for k in range(i, j + 1):
                flags[k] = True
        i = j + 1
    return flags


# ---------------------------------------------------------------------------------------
# SQL
# ---------------------------------------------------------------------------------------


def _ts(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f+00")


def giveaway_threads_sql(workspace: str, start: datetime, end: datetime) -> tuple[str, list[Any]]:
    """A relation ``(g_platform, g_id)`` of the giveaway threads of ``workspace``:
    mentions labelled giveaway, and parents whose comments in [start, end) are mostly
    giveaway (at least :data:`GIVEAWAY_THREAD_MIN`)."""
    sql = (
        "SELECT platform AS g_platform, source_id AS g_id FROM mentions "
        "WHERE workspace = ? AND spam = 'giveaway' "
        "UNION "
        "SELECT platform AS g_platform, parent_id AS g_id FROM mentions "
        "WHERE workspace = ? AND parent_id IS NOT NULL "
        "AND created_at >= CAST(? AS TIMESTAMPTZ) AND created_at < CAST(? AS TIMESTAMPTZ) "
        "GROUP BY platform, parent_id "
        "HAVING count(*) FILTER (WHERE spam = 'giveaway') >= ? "
        "AND 2 * count(*) FILTER (WHERE spam = 'giveaway') >= count(spam)"
    )
    return sql, [workspace, workspace, _ts(start), _ts(end), GIVEAWAY_THREAD_MIN]


def rows_sql(
    workspace: str,
    topic: str,
    tz: str,
    grain: str,
    start: datetime,
    end: datetime,
    *,
    topic_only: bool = False,
    with_aspects: bool = False,
) -> tuple[str, list[Any]]:
    """``WITH g AS (…), r AS (…)``: one row per mention of ``workspace`` created in
    [start, end) with its bucket key ``b`` and the row-level columns the aggregates use:
    ``platform``, ``akey`` (author), ``t`` (in ``topic``), ``sentiment``, ``ix``
    (interactions), ``flagged``, ``vanity``, ``big`` [, ``aspects``]. ``topic_only``
    keeps only the topic's mentions that have aspects."""
    local, local_params = local_epoch_sql(tz, start, end, "created_at")
    if grain == "hour":
        # UTC epoch of the start of the local hour: the local epoch floored to the hour,
        # minus the offset in force (local - utc), so DST's repeated hour is two buckets
        key = "CAST(floor(le / 3600) AS BIGINT) * 3600 - CAST(round(le - ep) AS BIGINT)"
    else:
        key = "CAST(floor(le / 86400) AS BIGINT)"  # the local day number
    g_sql, g_params = giveaway_threads_sql(workspace, start, end)
    extra = f" AND {TOPIC_SQL} AND aspects IS NOT NULL" if topic_only else ""
    aspects = ", aspects" if with_aspects else ""
    sql = (
        f"WITH g AS ({g_sql}), r AS (SELECT {key} AS b, platform, akey, t, sentiment, ix, "
        f"flagged, vanity, big{aspects} FROM (SELECT {local} AS le, "
        "extract(epoch FROM created_at) AS ep, platform, "
        "platform || ':' || author_id AS akey, "
        f"{TOPIC_SQL} AS t, sentiment, {INTERACTIONS_SQL} AS ix, "
        f"{FLAGGED_SQL} AS flagged, "
        f"({FLAGGED_SQL} OR gp.g_id IS NOT NULL OR gs.g_id IS NOT NULL) AS vanity, "
        f"{BIG_SQL} AS big{aspects} "
        "FROM mentions "
        "LEFT JOIN g gp ON gp.g_platform = platform AND gp.g_id = parent_id "
        "LEFT JOIN g gs ON gs.g_platform = platform AND gs.g_id = source_id "
        "WHERE workspace = ? AND created_at >= CAST(? AS TIMESTAMPTZ) "
        f"AND created_at < CAST(? AS TIMESTAMPTZ){extra}) x)"
    )
    params: list[Any] = [*g_params, *local_params, topic, workspace, _ts(start), _ts(end)]
    if topic_only:
        params.append(topic)
    return sql, params


_OPINION = "t AND NOT flagged"
_MEASURES_SQL: Final = (
    "count(*) AS ws_n, "
    "count(*) FILTER (WHERE t) AS mentions, "
    f"count(*) FILTER (WHERE {_OPINION} AND sentiment = 'positive') AS positive, "
    f"count(*) FILTER (WHERE {_OPINION} AND sentiment = 'neutral') AS neutral, "
    f"count(*) FILTER (WHERE {_OPINION} AND sentiment = 'negative') AS negative, "
    f"count(*) FILTER (WHERE {_OPINION} AND sentiment IS NOT NULL) AS analysed, "
    "CAST(sum(ix) FILTER (WHERE t) AS BIGINT) AS interactions, "
    "count(ix) FILTER (WHERE t) AS interactions_known, "
    "count(DISTINCT akey) FILTER (WHERE t) AS authors, "
    "count(*) FILTER (WHERE t AND big) AS big, "
    "CAST(sum(ix) FILTER (WHERE t AND vanity) AS BIGINT) AS vanity_interactions, "
    "count(*) FILTER (WHERE t AND vanity) AS vanity_mentions, "
    "count(*) FILTER (WHERE t AND flagged) AS flagged"
)
_ASPECT_OPINION = "NOT flagged"
_ASPECT_SQL: Final = (
    "count(*) AS mentions, "
    f"count(*) FILTER (WHERE {_ASPECT_OPINION} AND polarity = 'positive') AS positive, "
    f"count(*) FILTER (WHERE {_ASPECT_OPINION} AND polarity = 'neutral') AS neutral, "
    f"count(*) FILTER (WHERE {_ASPECT_OPINION} AND polarity = 'negative') AS negative, "
    f"count(*) FILTER (WHERE {_ASPECT_OPINION} AND polarity IN "
    "('positive', 'neutral', 'negative')) AS analysed, "
    "CAST(sum(ix) AS BIGINT) AS interactions, "
    "count(ix) AS interactions_known, "
    "count(DISTINCT akey) AS authors, "
    "count(*) FILTER (WHERE big) AS big, "
    "CAST(sum(ix) FILTER (WHERE vanity) AS BIGINT) AS vanity_interactions, "
    "count(*) FILTER (WHERE vanity) AS vanity_mentions, "
    "count(*) FILTER (WHERE flagged) AS flagged"
)


def aspect_hits_sql(alias: str = "r") -> str:
    """``JOIN`` fragment giving one row per hit of ``{alias}.aspects``, whose hit ``ai.i``
    is read with ``{alias}.aspects -> ai.i ->> 'aspect'`` (``->``, ``->>`` and
    ``json_array_length`` are shared by DuckDB and PostgreSQL)."""
    return f"JOIN {ASPECT_INDEX_SQL} ON ai.i < json_array_length({alias}.aspects)"


# ---------------------------------------------------------------------------------------
# The series
# ---------------------------------------------------------------------------------------


def topic_series(
    store: Store,
    workspace: str,
    topic: str,
    *,
    grain: Grain,
    since: DateLike,
    until: DateLike,
    by: SeriesBy = None,
    now: datetime | None = None,
) -> pd.DataFrame:
    """One row per local hour or day (× aspect or platform) of ``topic``.

    ``since`` is inclusive and ``until`` exclusive (a date as ``until`` includes that
    day), read like every metric's bounds (:func:`tinhieu.metrics.scope.parse_bound`:
    dates and naive times are local); ``until=None`` means ``now``. ``now`` (default:
    the current time; naive is local) decides which buckets are complete and where the
    series stops. Columns: :data:`SERIES_COLUMNS`, with ``aspect`` or ``platform``
    after ``bucket_end`` when ``by`` is given; rows are sorted by bucket, then aspect or
    platform (every aspect/platform seen in the range gets every bucket). See the
    module docstring for every rule.
    """
    if grain not in GRAINS:
        raise ValueError(f"grain must be 'hour' or 'day', got {grain!r}")
    if by not in BYS:
        raise ValueError(f"by must be None, 'aspect' or 'platform', got {by!r}")
    if since is None:
        raise ScopeError("topic_series needs a start (since)")
    names = workspace_topics(store, workspace)
    if topic not in names:
        known = ", ".join(names) or "none"
        raise ScopeError(f"no topic {topic!r} in workspace {workspace!r} (topics: {known})")
    tz = store.workspace_timezone(workspace)
    zone = ZoneInfo(tz)
    now_utc = parse_bound(now, zone, is_until=False)[0] or datetime.now(UTC)
    since_utc = parse_bound(since, zone, is_until=False)[0]
    until_utc = parse_bound(until, zone, is_until=True)[0] or now_utc
    if since_utc is None or since_utc >= until_utc:
        raise ScopeError("since must be before until")

    columns = list(SERIES_COLUMNS)
    if by is not None:
        columns.insert(2, by)
    series = buckets(tz, grain, since_utc, min(until_utc, now_utc))
    if not series:
        return _frame({}, columns, 0)

    # The fetched window: GAP_WEEKS of lookback for the usual levels, and the bucket after
    # the series (when it has started) as the gap rule's right neighbour.
    first = series[0]
    lookback_from = (
        first.start - timedelta(weeks=GAP_WEEKS)
        if grain == "hour"
        else _midnight(zone, first.local.date() - timedelta(weeks=GAP_WEEKS))
    )
    window = [*buckets(tz, grain, lookback_from, first.start), *series]
    offset = len(window) - len(series)
    if window[-1].end < now_utc:
        nxt = window[-1].end
        after = Bucket(
            nxt, _next_start(zone, grain, nxt), nxt.astimezone(zone).replace(tzinfo=None)
        )
        window.append(after)
    index = {_key(b, grain): i for i, b in enumerate(window)}
    complete = [b.end <= now_utc for b in window]
    slots = [b.slot(grain) for b in window]

    sql, params = rows_sql(workspace, topic, tz, grain, window[0].start, window[-1].end)
    group = "b, platform" if by == "platform" else "b"
    base = store.fetch_arrow(
        f"{sql} SELECT {group}, {_MEASURES_SQL} FROM r GROUP BY {group}", params
    ).to_pylist()

    # workspace-wide volume per bucket (and per platform): the gap rule's input
    ws_total = [0] * len(window)
    ws_platform: dict[str, list[int]] = {}
    found: list[tuple[int, dict[str, Any]]] = []
    for r in base:
        i = index.get(int(r["b"]))
        if i is None:
            continue
        ws_total[i] += int(r["ws_n"])
        if by == "platform":
            ws_platform.setdefault(str(r["platform"]), [0] * len(window))[i] += int(r["ws_n"])
        if offset <= i < offset + len(series) and int(r["mentions"]):
            found.append((i, r))
    gap = gap_flags(ws_total, slots, complete)
    platform_gap = {p: gap_flags(c, slots, complete) for p, c in ws_platform.items()}

    picked: list[tuple[int, str | None, dict[str, Any]]] = []
    if by == "aspect":
        sql, params = rows_sql(
            workspace,
            topic,
            tz,
            grain,
            series[0].start,
            series[-1].end,
            topic_only=True,
            with_aspects=True,
        )
        hits = store.fetch_arrow(
            f"{sql} SELECT b, aspect, {_ASPECT_SQL} FROM ("
            "SELECT r.*, r.aspects -> ai.i ->> 'aspect' AS aspect, "
            "r.aspects -> ai.i ->> 'polarity' AS polarity "
            f"FROM r {aspect_hits_sql('r')}) h WHERE aspect IS NOT NULL GROUP BY b, aspect",
            params,
        ).to_pylist()
        for r in hits:
            i = index.get(int(r["b"]))
            if i is not None and offset <= i < offset + len(series):
                picked.append((i - offset, str(r["aspect"]), r))
    else:
        for i, r in found:
            picked.append((i - offset, str(r["platform"]) if by == "platform" else None, r))
    dims: list[str | None] = [None]
    if by is not None:
        dims = [d for d in sorted({d for _, d, _ in picked if d is not None})]

    # bucket-major arrays: row = bucket position × len(dims) + dimension position
    n, k = len(series), len(dims)
    pos = {d: j for j, d in enumerate(dims)}
    counts = {c: np.zeros(n * k, dtype=np.int64) for c in _COUNTS}
    for i, d, r in picked:
        row = i * k + pos[d]
        for c in _COUNTS:
            v = r.get(c)
            if v is not None:
                counts[c][row] = int(v)
    done = np.asarray(complete[offset : offset + n], dtype=bool)
    gaps = np.zeros((n, k), dtype=bool)
    gaps[:] = np.asarray(gap[offset : offset + n], dtype=bool)[:, None]
    if by == "platform":
        for d, j in pos.items():
            if d in platform_gap:
                gaps[:, j] |= np.asarray(platform_gap[d][offset : offset + n], dtype=bool)
    data: dict[str, Any] = {
        "bucket_start": _instants([b.start for b in series]).repeat(k),
        "bucket_end": _instants([b.end for b in series]).repeat(k),
    }
    if by is not None:
        data[by] = np.tile(np.asarray(dims, dtype=object), n)
    data.update(counts)
    data["complete"] = np.repeat(done, k)
    data["gap"] = gaps.ravel() & data["complete"]
    return _frame(data, columns, n * k)


def _instants(moments: list[datetime]) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime([_epoch(t) for t in moments], unit="s", utc=True))


def _key(b: Bucket, grain: str) -> int:
    """The SQL bucket key of ``b``: the UTC epoch of its start (hours) or its local day
    number (days)."""
    return _epoch(b.start) if grain == "hour" else day_number(b.local.date())


def _frame(data: dict[str, Any], columns: list[str], size: int) -> pd.DataFrame:
    """The series frame with stable dtypes and the derived ratios."""
    empty: dict[str, Any] = {
        "bucket_start": pd.DatetimeIndex([], dtype="datetime64[ns, UTC]"),
        "bucket_end": pd.DatetimeIndex([], dtype="datetime64[ns, UTC]"),
        **{c: np.zeros(0, dtype=np.int64) for c in _COUNTS},
        "complete": np.zeros(0, dtype=bool),
        "gap": np.zeros(0, dtype=bool),
        "aspect": np.zeros(0, dtype=object),
        "platform": np.zeros(0, dtype=object),
    }
    frame = pd.DataFrame(
        {
            c: data[c]
            if c in data
            else (empty[c] if size == 0 and c in empty else np.zeros(size, dtype=np.float64))
            for c in columns
        },
        columns=columns,
    )
    pos = frame["positive"].to_numpy(dtype=np.float64)
    neg = frame["negative"].to_numpy(dtype=np.float64)
    analysed = frame["analysed"].to_numpy(dtype=np.float64)
    mentions = frame["mentions"].to_numpy(dtype=np.float64)
    big = frame["big"].to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["negative_share"] = np.where(analysed > 0, neg / analysed, np.nan)
        # net sentiment as docs/metrics.md and tinhieu.metrics.sentiment define it:
        # (positive − negative) / (positive + negative) × 100, NaN when both are 0
        frame["net_sentiment"] = np.where(pos + neg > 0, (pos - neg) / (pos + neg) * 100.0, np.nan)
        frame["big_share"] = np.where(mentions > 0, big / mentions, np.nan)
    return frame
