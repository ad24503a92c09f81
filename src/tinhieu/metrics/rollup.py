"""The metrics rollup: pre-aggregated tables that answer ``summary`` in milliseconds.

Scanning 10M mentions takes seconds whatever the SQL (a ``VARCHAR[]`` topic filter
alone costs ~100 ms per topic and 10M rows on two cores). The rollup stores the same
additive measures a scan computes, at grains small enough to re-aggregate per call:

========================  ==============================================================
``metrics_cube_months``   every measure by (topic combination, local month, platform,
                          kind); ``metrics_cube_days`` the same by local day
``metrics_days``          the time-series measures by (combination, day, platform)
``metrics_hours_months``  mentions / interactions by (combination, month, hour, platform);
                          ``metrics_hours_days`` the same by day
``metrics_author_*``      per-month / per-day counts of each scope's *heavy* authors,
                          and ``metrics_author_bounds``: the most any other author reached
``metrics_top_posts``     each scope's top posts per day; ``metrics_post_bounds`` the most
                          interactions of any post not kept
========================  ==============================================================

A date range is answered from whole months plus the days of the partial months at
either end. A scope key is ``*`` (whole workspace), ``t:<topic>`` or ``g:<group>``: the
scopes a metric call can ask for.

Counts, sums and everything derived from them come out identical to a scan. Top
authors and posts come from the kept candidates only when the stored bounds *prove* no
other author or post can enter the top N (the N-th value is strictly above the bound);
otherwise the call falls back to a scan. So the rollup never changes an answer, it only
makes it faster.

Freshness: the rollup records a fingerprint of the workspace (row count, latest
``updated_at`` and ``first_seen_at``, time zone, topic definitions, rollup version). A
call uses the rollup only when the fingerprint still matches and the date range is
whole local days; :func:`refresh_rollup` rebuilds it (the importer should call it after
an import). Writers that change mentions without touching ``updated_at`` (enrichment,
topic re-matching) must call :func:`refresh_rollup` or :func:`drop_rollup` themselves.
"""

from __future__ import annotations

import contextlib
import json
import time
import weakref
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from tinhieu.metrics.localtime import day_hour_sql, day_number, day_of, local_epoch_sql
from tinhieu.metrics.measures import (
    FLOAT_MEASURES,
    MEASURE_NAMES,
    measure_resum,
    measure_select,
    row_select,
)
from tinhieu.metrics.partials import (
    DAY_MEASURES,
    HOUR_MEASURES,
    Combo,
    Partials,
    Row,
    combo_of,
    rows_of,
    time_span,
)
from tinhieu.metrics.scope import Scope, resolve
from tinhieu.metrics.top import (
    SNIPPET,
    AuthorRank,
    authors_frame,
    posts_frame,
    ranked_authors_sql,
    split_ranked,
)
from tinhieu.store.base import Store

#: Bump when the rollup tables or their meaning change: older rollups are dropped.
ROLLUP_VERSION = 2
#: Heavy authors kept per scope: the top N by mentions and by interactions, per local
#: month and over the whole span.
HEAVY_AUTHORS = 50
#: Top posts kept per scope and local day.
POSTS_PER_DAY = 10

_STATE = "metrics_rollup_state"
_TABLES = (
    _STATE,
    "metrics_combos",
    "metrics_scopes",
    "metrics_combo_scopes",
    "metrics_cube_days",
    "metrics_cube_months",
    "metrics_days",
    "metrics_hours_days",
    "metrics_hours_months",
    "metrics_author_days",
    "metrics_author_months",
    "metrics_author_bounds",
    "metrics_top_posts",
    "metrics_post_bounds",
)
_RETIRED = ("metrics_cube", "metrics_hours")  # tables of older layouts
_MONTH_OF_DAY = (
    "CAST(EXTRACT(YEAR FROM DATE '1970-01-01' + day) * 12 "
    "+ EXTRACT(MONTH FROM DATE '1970-01-01' + day) - 1 AS INTEGER)"
)
_AUTHOR_COLS = "platform, author_id, author_name, followers, n, ix_sum, ix_n"


def _ddl() -> tuple[str, ...]:
    def cols(names: tuple[str, ...]) -> str:
        return ", ".join(
            f"{m} {'DOUBLE PRECISION' if m in FLOAT_MEASURES else 'BIGINT'}" for m in names
        )

    ws = "workspace VARCHAR NOT NULL"
    author = (
        "platform VARCHAR NOT NULL, author_id VARCHAR NOT NULL, author_name VARCHAR, "
        "followers BIGINT, n BIGINT, ix_sum BIGINT, ix_n BIGINT"
    )
    out = [
        f"CREATE TABLE IF NOT EXISTS {_STATE} ({ws}, fingerprint VARCHAR NOT NULL, "
        "timezone VARCHAR NOT NULL, layout INTEGER NOT NULL, built_at TIMESTAMPTZ NOT NULL, "
        "build_seconds DOUBLE PRECISION)",
        f"CREATE TABLE IF NOT EXISTS metrics_combos ({ws}, combo_id INTEGER NOT NULL, "
        "topics VARCHAR[])",
        f"CREATE TABLE IF NOT EXISTS metrics_scopes ({ws}, skey INTEGER NOT NULL, "
        "name VARCHAR NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS metrics_combo_scopes ({ws}, combo_id INTEGER NOT NULL, "
        "skey INTEGER NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS metrics_days ({ws}, combo_id INTEGER NOT NULL, "
        f"day INTEGER NOT NULL, platform VARCHAR NOT NULL, {cols(DAY_MEASURES)})",
        f"CREATE TABLE IF NOT EXISTS metrics_author_bounds ({ws}, skey INTEGER NOT NULL, "
        "month INTEGER NOT NULL, n_max BIGINT, ix_max BIGINT)",
        f"CREATE TABLE IF NOT EXISTS metrics_top_posts ({ws}, skey INTEGER NOT NULL, "
        "day INTEGER NOT NULL, platform VARCHAR NOT NULL, source_id VARCHAR NOT NULL, "
        "kind VARCHAR, url VARCHAR, author_id VARCHAR, author_name VARCHAR, "
        "author_followers BIGINT, created_at TIMESTAMPTZ, interactions BIGINT, likes BIGINT, "
        "comments BIGINT, shares BIGINT, saves BIGINT, title VARCHAR, text VARCHAR)",
        f"CREATE TABLE IF NOT EXISTS metrics_post_bounds ({ws}, skey INTEGER NOT NULL, "
        "day INTEGER NOT NULL, ix_max BIGINT)",
    ]
    for grain in ("day", "month"):
        out += [
            f"CREATE TABLE IF NOT EXISTS metrics_cube_{grain}s ({ws}, combo_id INTEGER NOT NULL, "
            f"{grain} INTEGER NOT NULL, platform VARCHAR NOT NULL, kind VARCHAR NOT NULL, "
            f"{cols(MEASURE_NAMES)})",
            f"CREATE TABLE IF NOT EXISTS metrics_hours_{grain}s ({ws}, "
            f"combo_id INTEGER NOT NULL, {grain} INTEGER NOT NULL, hour INTEGER NOT NULL, "
            f"platform VARCHAR NOT NULL, {cols(HOUR_MEASURES)})",
            f"CREATE TABLE IF NOT EXISTS metrics_author_{grain}s ({ws}, skey INTEGER NOT NULL, "
            f"{grain} INTEGER NOT NULL, {author})",
        ]
    return tuple(out)


@dataclass(frozen=True, slots=True)
class RollupInfo:
    """What :func:`refresh_rollup` built."""

    workspace: str
    combos: int
    cube_rows: int
    hour_rows: int
    heavy_author_rows: int
    top_post_rows: int
    seconds: float


# --- freshness ------------------------------------------------------------------------

_HAS_TABLES: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def _columns(store: Store, table: str) -> set[str]:
    rows = store.fetch_arrow(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
    ).to_pylist()
    return {str(r["column_name"]) for r in rows}


def _exists(store: Store) -> bool:
    """Whether the current rollup tables exist (cached per store once true)."""
    if _HAS_TABLES.get(store):
        return True
    found = "layout" in _columns(store, _STATE)
    if found:
        with contextlib.suppress(TypeError):  # a store that cannot be weakly referenced
            _HAS_TABLES[store] = True
    return found


def _fingerprint(n: Any, updated: Any, seen: Any, timezone: str, topics: dict[str, str]) -> str:
    return json.dumps(
        {
            "version": ROLLUP_VERSION,
            "n": int(n),
            "updated": str(updated),
            "seen": str(seen),
            "timezone": timezone,
            "topics": sorted(topics.items()),
        },
        sort_keys=True,
    )


_FINGERPRINT_SQL = (
    "SELECT count(*) AS n, max(updated_at) AS updated, max(first_seen_at) AS seen "
    "FROM mentions WHERE workspace = ?"
)


def fingerprint(store: Store, workspace: str, timezone: str, topics: dict[str, str]) -> str:
    """What the rollup of ``workspace`` depends on, as a canonical string."""
    row = store.fetch_arrow(_FINGERPRINT_SQL, [workspace]).to_pylist()[0]
    return _fingerprint(row["n"], row["updated"], row["seen"], timezone, topics)


def is_fresh(store: Store, scope: Scope) -> bool:
    """Whether the rollup of the scope's workspace exists and is up to date."""
    if not _exists(store):
        return False
    row = store.fetch_arrow(
        f"SELECT f.n, f.updated, f.seen, (SELECT max(fingerprint) FROM {_STATE} "
        f"WHERE workspace = ?) AS stored FROM ({_FINGERPRINT_SQL}) f",
        [scope.workspace, scope.workspace],
    ).to_pylist()[0]
    if row["stored"] is None:
        return False
    current = _fingerprint(
        row["n"], row["updated"], row["seen"], scope.timezone, scope.topic_groups
    )
    return bool(row["stored"] == current)


def rollup_is_fresh(store: Store, workspace: str) -> bool:
    """Whether ``workspace`` has a rollup that matches its current data."""
    return is_fresh(store, resolve(store, workspace))


# --- build -----------------------------------------------------------------------------


def _prepare(store: Store) -> None:
    """Create the tables; drop those of an older layout first."""
    state = _columns(store, _STATE)
    stale = bool(state) and "layout" not in state
    if state and not stale:
        rows = store.fetch_arrow(f"SELECT DISTINCT layout FROM {_STATE}").to_pylist()
        stale = any(r["layout"] != ROLLUP_VERSION for r in rows)
    if stale:
        for table in (*_TABLES, *_RETIRED):
            store.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in _ddl():
        store.execute(statement)


def drop_rollup(store: Store, workspace: str) -> None:
    """Forget the rollup of ``workspace`` (metrics then scan until it is rebuilt)."""
    if not _exists(store):
        return
    with store.transaction():
        for table in _TABLES:
            store.execute(f"DELETE FROM {table} WHERE workspace = ?", [workspace])


def _skeys(combo: list[str] | None, groups: dict[str, str]) -> list[str]:
    names = sorted(set(combo or ()))
    keys = ["*", *(f"t:{t}" for t in names)]
    keys += sorted({f"g:{groups[t]}" for t in names if t in groups})
    return keys


def refresh_rollup(
    store: Store,
    workspace: str,
    *,
    heavy_authors: int = HEAVY_AUTHORS,
    posts_per_day: int = POSTS_PER_DAY,
) -> RollupInfo:
    """(Re)build the rollup of ``workspace`` in one transaction.

    ``heavy_authors`` and ``posts_per_day`` set how many top-list candidates are kept;
    more candidates answer more top-list queries from the rollup (fewer fall back to a
    scan) at the cost of larger tables. They never change an answer.
    """
    started = time.perf_counter()
    scope = resolve(store, workspace)
    ws = workspace
    _prepare(store)
    with store.transaction():
        fp = fingerprint(store, ws, scope.timezone, scope.topic_groups)
        for table in _TABLES:
            store.execute(f"DELETE FROM {table} WHERE workspace = ?", [ws])
        # topic combinations and the scopes each belongs to
        combos = (
            store.fetch_arrow("SELECT DISTINCT topics FROM mentions WHERE workspace = ?", [ws])
            .column("topics")
            .to_pylist()
        )
        skeys: dict[str, int] = {}
        for i, combo in enumerate(combos):
            store.execute(
                "INSERT INTO metrics_combos (workspace, combo_id, topics) "
                "VALUES (?, ?, CAST(? AS VARCHAR[]))",
                [ws, i, combo],
            )
            for key in _skeys(combo, scope.topic_groups):
                if key not in skeys:
                    skeys[key] = len(skeys)
                    store.execute(
                        "INSERT INTO metrics_scopes (workspace, skey, name) VALUES (?, ?, ?)",
                        [ws, skeys[key], key],
                    )
                store.execute(
                    "INSERT INTO metrics_combo_scopes (workspace, combo_id, skey) VALUES (?, ?, ?)",
                    [ws, i, skeys[key]],
                )
        span = time_span(store, scope)
        le_sql, le_params = (
            local_epoch_sql(scope.timezone, *span) if span else ("CAST(0 AS DOUBLE PRECISION)", [])
        )
        day_sql, hour_sql = day_hour_sql("le")
        store.execute("DROP TABLE IF EXISTS _mx_rows")
        # one pass over the workspace: the row-level columns every aggregate needs
        store.execute(
            f"CREATE TEMP TABLE _mx_rows AS SELECT r.*, {_MONTH_OF_DAY} AS month FROM ("
            f"SELECT c.combo_id, {day_sql} AS day, {hour_sql} AS hour, m.platform, m.kind, "
            "m.source_id, m.created_at, m.author_id, m.author_name, m.ix, m.is_post, m.likes, "
            "m.comments, m.shares, m.saves, m.reach, m.reach_estimated, m.followers, "
            "m.sentiment, m.spam FROM ("
            "SELECT topics, platform, kind, source_id, created_at, author_id, author_name, "
            f"{le_sql} AS le, {row_select()} FROM mentions WHERE workspace = ?) m "
            "JOIN metrics_combos c ON c.workspace = ? AND c.topics IS NOT DISTINCT FROM m.topics"
            ") r",
            [*le_params, ws, ws],
        )
        store.execute(
            "INSERT INTO metrics_cube_days SELECT ?, combo_id, day, platform, kind, "
            f"{measure_select()} FROM _mx_rows GROUP BY combo_id, day, platform, kind",
            [ws],
        )
        store.execute(
            "INSERT INTO metrics_hours_days SELECT ?, combo_id, day, hour, platform, "
            f"{measure_select(HOUR_MEASURES)} FROM _mx_rows "
            "GROUP BY combo_id, day, hour, platform",
            [ws],
        )
        # coarser grains, derived from the small day-grain tables
        store.execute(
            "INSERT INTO metrics_cube_months SELECT workspace, combo_id, month, platform, kind, "
            f"{measure_resum()} FROM (SELECT *, {_MONTH_OF_DAY} AS month "
            "FROM metrics_cube_days WHERE workspace = ?) d "
            "GROUP BY workspace, combo_id, month, platform, kind",
            [ws],
        )
        store.execute(
            "INSERT INTO metrics_days SELECT workspace, combo_id, day, platform, "
            f"{measure_resum(DAY_MEASURES)} FROM metrics_cube_days WHERE workspace = ? "
            "GROUP BY workspace, combo_id, day, platform",
            [ws],
        )
        store.execute(
            "INSERT INTO metrics_hours_months SELECT workspace, combo_id, month, hour, platform, "
            f"{measure_resum(HOUR_MEASURES)} FROM (SELECT *, {_MONTH_OF_DAY} AS month "
            "FROM metrics_hours_days WHERE workspace = ?) d "
            "GROUP BY workspace, combo_id, month, hour, platform",
            [ws],
        )
        _build_authors(store, ws, heavy_authors)
        _build_posts(store, ws, posts_per_day)
        store.execute("DROP TABLE _mx_rows")
        store.execute(
            f"INSERT INTO {_STATE} (workspace, fingerprint, timezone, layout, built_at, "
            "build_seconds) VALUES (?, ?, ?, ?, now(), ?)",
            [ws, fp, scope.timezone, ROLLUP_VERSION, time.perf_counter() - started],
        )
    counts = {
        t: int(
            store.fetch_arrow(
                f"SELECT count(*) AS n FROM {t} WHERE workspace = ?", [ws]
            ).to_pylist()[0]["n"]
        )
        for t in (
            "metrics_cube_days",
            "metrics_hours_days",
            "metrics_author_days",
            "metrics_top_posts",
        )
    }
    return RollupInfo(
        workspace=ws,
        combos=len(combos),
        cube_rows=counts["metrics_cube_days"],
        hour_rows=counts["metrics_hours_days"],
        heavy_author_rows=counts["metrics_author_days"],
        top_post_rows=counts["metrics_top_posts"],
        seconds=time.perf_counter() - started,
    )


_SCOPED = "_mx_rows r JOIN metrics_combo_scopes s ON s.workspace = ? AND s.combo_id = r.combo_id"


def _build_authors(store: Store, ws: str, heavy: int) -> None:
    # monthly and whole-span counts of every author in every scope
    store.execute("DROP TABLE IF EXISTS _mx_am")
    store.execute(
        "CREATE TEMP TABLE _mx_am AS SELECT s.skey, r.month, r.platform, r.author_id, "
        "count(*) AS n, CAST(coalesce(sum(r.ix), 0) AS BIGINT) AS ix "
        f"FROM {_SCOPED} WHERE r.author_id IS NOT NULL "
        "GROUP BY s.skey, r.month, r.platform, r.author_id",
        [ws],
    )
    store.execute("DROP TABLE IF EXISTS _mx_at")
    store.execute(
        "CREATE TEMP TABLE _mx_at AS SELECT skey, platform, author_id, "
        "CAST(sum(n) AS BIGINT) AS n, CAST(sum(ix) AS BIGINT) AS ix FROM _mx_am "
        "GROUP BY skey, platform, author_id"
    )
    # Heavy authors: the top N per scope and month, and over the whole span, by mentions
    # and by interactions. Ties at the N-th place may fall either way: any candidate set
    # is exact, because the bounds below are taken over everyone left out.
    tops = " UNION ".join(
        f"SELECT skey, platform, author_id FROM (SELECT skey, platform, author_id, "
        f"row_number() OVER (PARTITION BY {part} ORDER BY {rank} DESC) AS rn "
        f"FROM {table}) x WHERE rn <= ?"
        for table, part in (("_mx_am", "skey, month"), ("_mx_at", "skey"))
        for rank in ("n", "ix")
    )
    store.execute("DROP TABLE IF EXISTS _mx_heavy")
    store.execute(f"CREATE TEMP TABLE _mx_heavy AS {tops}", [heavy] * 4)
    light = (
        "LEFT JOIN _mx_heavy h ON h.skey = a.skey AND h.platform = a.platform "
        "AND h.author_id = a.author_id WHERE h.author_id IS NULL"
    )
    # bounds: the most any other author reached, per scope and month (-1 = whole span)
    store.execute(
        "INSERT INTO metrics_author_bounds SELECT ?, a.skey, a.month, max(a.n), max(a.ix) "
        f"FROM _mx_am a {light} GROUP BY a.skey, a.month",
        [ws],
    )
    store.execute(
        "INSERT INTO metrics_author_bounds SELECT ?, a.skey, -1, max(a.n), max(a.ix) "
        f"FROM _mx_at a {light} GROUP BY a.skey",
        [ws],
    )
    store.execute(
        "INSERT INTO metrics_author_days SELECT ?, s.skey, r.day, r.platform, r.author_id, "
        "max(r.author_name), max(r.followers), count(*), CAST(sum(r.ix) AS BIGINT), count(r.ix) "
        f"FROM {_SCOPED} JOIN _mx_heavy h ON h.skey = s.skey AND h.platform = r.platform "
        "AND h.author_id = r.author_id GROUP BY s.skey, r.day, r.platform, r.author_id",
        [ws, ws],
    )
    store.execute(
        "INSERT INTO metrics_author_months SELECT workspace, skey, month, platform, author_id, "
        "max(author_name), max(followers), CAST(sum(n) AS BIGINT), CAST(sum(ix_sum) AS BIGINT), "
        f"CAST(sum(ix_n) AS BIGINT) FROM (SELECT *, {_MONTH_OF_DAY} AS month "
        "FROM metrics_author_days WHERE workspace = ?) d "
        "GROUP BY workspace, skey, month, platform, author_id",
        [ws],
    )
    for table in ("_mx_am", "_mx_at", "_mx_heavy"):
        store.execute(f"DROP TABLE {table}")


def _build_posts(store: Store, ws: str, keep: int) -> None:
    store.execute("DROP TABLE IF EXISTS _mx_posts")
    store.execute(
        "CREATE TEMP TABLE _mx_posts AS SELECT s.skey, r.day, r.platform, r.source_id, r.ix, "
        "row_number() OVER (PARTITION BY s.skey, r.day "
        "ORDER BY r.ix DESC, r.created_at DESC, r.platform, r.source_id) AS rn "
        f"FROM {_SCOPED} WHERE r.is_post AND r.ix IS NOT NULL",
        [ws],
    )
    store.execute(
        "INSERT INTO metrics_top_posts SELECT ?, p.skey, p.day, m.platform, m.source_id, "
        "m.kind, m.url, m.author_id, m.author_name, m.author_followers, m.created_at, p.ix, "
        f"m.likes, m.comments, m.shares, m.saves, m.title, substr(m.text, 1, {SNIPPET}) "
        "FROM _mx_posts p JOIN mentions m ON m.workspace = ? AND m.platform = p.platform "
        "AND m.source_id = p.source_id WHERE p.rn <= ?",
        [ws, ws, keep],
    )
    store.execute(
        "INSERT INTO metrics_post_bounds SELECT ?, skey, day, max(ix) FROM _mx_posts "
        "WHERE rn > ? GROUP BY skey, day",
        [ws, keep],
    )
    store.execute("DROP TABLE _mx_posts")


# --- reading ----------------------------------------------------------------------------


def _month(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_start(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)


def split_range(
    day_from: date | None, day_to: date | None
) -> tuple[tuple[int | None, int | None] | None, list[tuple[int, int]]]:
    """Split the local-day range [day_from, day_to) into whole months and leftover days.

    Returns ``(months, days)``: ``months`` is a (first, end) month-index range (``None``
    ends are open; ``None`` overall when no month is whole) and ``days`` a list of
    (first, end) day-number ranges.
    """
    lo = None if day_from is None else _month(day_from) + (day_from.day != 1)
    hi = None if day_to is None else _month(day_to)
    if lo is not None and hi is not None and lo >= hi:  # no whole month inside
        assert day_from is not None and day_to is not None
        return None, [(day_number(day_from), day_number(day_to))]
    days: list[tuple[int, int]] = []
    if day_from is not None and lo is not None and day_from.day != 1:
        days.append((day_number(day_from), day_number(_month_start(lo))))
    if day_to is not None and hi is not None and day_to.day != 1:
        days.append((day_number(_month_start(hi)), day_number(day_to)))
    return (lo, hi), days


class Rollup:
    """A fresh rollup, opened for one scope."""

    def __init__(self, store: Store, scope: Scope) -> None:
        self.store = store
        self.scope = scope
        if scope.topic is not None:
            name = f"t:{scope.topic}"
        elif scope.group is not None:
            name = f"g:{scope.group}"
        else:
            name = "*"
        rows = store.fetch_arrow(
            "SELECT combo_id, topics, (SELECT max(skey) FROM metrics_scopes "
            "WHERE workspace = ? AND name = ?) AS skey FROM metrics_combos WHERE workspace = ?",
            [scope.workspace, name, scope.workspace],
        ).to_pylist()
        self.combos: dict[int, Combo] = {int(r["combo_id"]): combo_of(r["topics"]) for r in rows}
        # a scope without any mention has no key: nothing matches -1
        found = rows[0]["skey"] if rows else None
        self.skey: int = int(found) if found is not None else -1
        self.months, self.day_ranges = split_range(scope.day_from, scope.day_to)
        self._bounds: tuple[int, int] | None = None

    @classmethod
    def open(cls, store: Store, scope: Scope, *, refresh: bool = False) -> Rollup | None:
        """The rollup for ``scope`` if it can answer it (fresh, whole-day range), else
        ``None``. With ``refresh``, a stale or missing rollup is rebuilt first."""
        if not scope.day_aligned:
            return None
        if not is_fresh(store, scope):
            if not refresh:
                return None
            refresh_rollup(store, scope.workspace)
        return cls(store, scope)

    def _filter(self, *, skey: bool, platform: bool = True) -> tuple[str, list[Any]]:
        parts = ["workspace = ?"]
        params: list[Any] = [self.scope.workspace]
        if skey:
            parts.append("skey = ?")
            params.append(self.skey)
        if platform and self.scope.platforms is not None:
            parts.append(f"platform IN ({', '.join('?' for _ in self.scope.platforms)})")
            params.extend(self.scope.platforms)
        return " AND ".join(parts), params

    def _ranged(self, table: str, cols: str, *, skey: bool = False) -> tuple[str, list[Any]]:
        """``SELECT cols`` of the rows in range from ``<table>_months`` (whole months) and
        ``<table>_days`` (the days of partial months), as one UNION ALL."""
        where, params = self._filter(skey=skey)
        parts: list[str] = []
        out: list[Any] = []
        if self.months is not None:
            cond, cond_params = where, list(params)
            lo, hi = self.months
            if lo is not None:
                cond += " AND month >= ?"
                cond_params.append(lo)
            if hi is not None:
                cond += " AND month < ?"
                cond_params.append(hi)
            parts.append(f"SELECT {cols} FROM {table}_months WHERE {cond}")
            out += cond_params
        if self.day_ranges:
            ranges = " OR ".join("(day >= ? AND day < ?)" for _ in self.day_ranges)
            parts.append(f"SELECT {cols} FROM {table}_days WHERE {where} AND ({ranges})")
            out += params
            for lo_day, hi_day in self.day_ranges:
                out += [lo_day, hi_day]
        return " UNION ALL ".join(parts), out

    def partials(self) -> Partials:
        names = ", ".join(MEASURE_NAMES)
        src, params = self._ranged("metrics_cube", f"combo_id, platform, kind, {names}")
        # The rows in range are few (months × combos × platforms × kinds): summing them
        # in Arrow is cheaper than planning a 37-aggregate SQL query.
        raw = self.store.fetch_arrow(src, params)
        pk = raw.group_by(["combo_id", "platform", "kind"]).aggregate(
            [(m, "sum") for m in MEASURE_NAMES]
        )
        summed = {f"{m}_sum": m for m in MEASURE_NAMES}
        pk = pk.rename_columns([summed.get(c, c) for c in pk.column_names])
        # by hour and by day: the scope's combinations only, one query
        scope_combos = self._scope_combos()
        hour_src, hour_params = self._ranged(
            "metrics_hours", f"combo_id, hour, {', '.join(HOUR_MEASURES)}"
        )
        where, wparams = self._filter(skey=False)
        if self.scope.day_from is not None:
            where += " AND day >= ?"
            wparams.append(day_number(self.scope.day_from))
        if self.scope.day_to is not None:
            where += " AND day < ?"
            wparams.append(day_number(self.scope.day_to))
        combo_cond, combo_params = "TRUE", []
        if scope_combos is not None:
            combo_cond = (
                f"combo_id IN ({', '.join('?' for _ in scope_combos)})" if scope_combos else "FALSE"
            )
            combo_params = list(scope_combos)
        extra = ", ".join(f"NULL AS {m}" for m in DAY_MEASURES if m not in HOUR_MEASURES)
        timed = self.store.fetch_arrow(
            f"SELECT 'hour' AS grain, hour AS k, {measure_resum(HOUR_MEASURES)}, {extra} "
            f"FROM ({hour_src}) x WHERE {combo_cond} GROUP BY hour "
            f"UNION ALL SELECT 'day' AS grain, day AS k, {measure_resum(DAY_MEASURES)} "
            f"FROM metrics_days WHERE {where} AND {combo_cond} GROUP BY day",
            [*hour_params, *combo_params, *wparams, *combo_params],
        )
        hours: list[Row] = []
        days: list[Row] = []
        for r in timed.to_pylist():
            grain, key = r.pop("grain"), r.pop("k")
            for m in DAY_MEASURES:
                r[m] = r[m] or 0
            if grain == "hour":
                hours.append({"hour": key, **{m: r[m] for m in HOUR_MEASURES}})
            else:
                days.append({"day": day_of(key), **r})
        return Partials(
            self.scope,
            "rollup",
            rows_of(pk, ("platform", "kind"), MEASURE_NAMES, self.combos),
            days,
            hours,
        )

    def _scope_combos(self) -> list[int] | None:
        """Ids of the combinations in the scope (``None``: every combination)."""
        if self.scope.topics is None:
            return None
        wanted = frozenset(self.scope.topics)
        return sorted(i for i, c in self.combos.items() if not wanted.isdisjoint(c))

    def top_authors(self, by: AuthorRank, limit: int) -> pd.DataFrame | None:
        """Top authors from the heavy-author tables, or ``None`` when the stored bounds
        cannot prove the answer exact."""
        return self.top_author_lists(limit, (by,))[by]

    def top_author_lists(
        self, limit: int, ranks: tuple[AuthorRank, ...] = ("mentions", "interactions")
    ) -> dict[str, pd.DataFrame | None]:
        """Top authors by each of ``ranks`` in one query; ``None`` for a list the stored
        bounds cannot prove exact."""
        src, params = self._ranged("metrics_author", _AUTHOR_COLS, skey=True)
        authors = (
            "SELECT platform, author_id, max(author_name) AS author_name, "
            "max(followers) AS followers, CAST(sum(n) AS BIGINT) AS mentions, "
            "CAST(sum(ix_sum) AS BIGINT) AS interactions, "
            "CAST(sum(ix_n) AS BIGINT) AS interactions_known "
            f"FROM ({src}) x GROUP BY platform, author_id"
        )
        table = self.store.fetch_arrow(
            ranked_authors_sql(authors, ranks), [*params, *[limit] * len(ranks)]
        )
        bound_n, bound_ix = self.author_bounds()
        out: dict[str, pd.DataFrame | None] = {}
        for by, rows in split_ranked(table, ranks).items():
            values = rows.column(by).to_pylist()
            exact = (
                bound_n == 0
                if len(values) < limit
                else (values[-1] or 0) > (bound_n if by == "mentions" else bound_ix)
            )
            out[by] = authors_frame(rows) if exact else None
        return out

    def author_bounds(self) -> tuple[int, int]:
        """Upper bounds of any non-heavy author's mentions and interactions in range:
        the smaller of Σ per-month bounds over the months touched and the whole-span
        bound (platform filters ignored: still an upper bound)."""
        if self._bounds is not None:
            return self._bounds
        params: list[Any] = [self.scope.workspace, self.skey]
        cond = "workspace = ? AND skey = ? AND month >= 0"
        if self.scope.day_from is not None:
            cond += " AND month >= ?"
            params.append(_month(self.scope.day_from))
        if self.scope.day_to is not None:
            cond += " AND month <= ?"
            params.append(_month(date.fromordinal(self.scope.day_to.toordinal() - 1)))
        row = self.store.fetch_arrow(
            "SELECT CAST(sum(n_max) AS BIGINT) AS n, CAST(sum(ix_max) AS BIGINT) AS ix, "
            "(SELECT max(n_max) FROM metrics_author_bounds WHERE workspace = ? AND skey = ? "
            "AND month = -1) AS all_n, "
            "(SELECT max(ix_max) FROM metrics_author_bounds WHERE workspace = ? AND skey = ? "
            "AND month = -1) AS all_ix "
            f"FROM metrics_author_bounds WHERE {cond}",
            [self.scope.workspace, self.skey, self.scope.workspace, self.skey, *params],
        ).to_pylist()[0]
        n, ix = int(row["n"] or 0), int(row["ix"] or 0)
        if row["all_n"] is not None:
            n = min(n, int(row["all_n"]))
        if row["all_ix"] is not None:
            ix = min(ix, int(row["all_ix"]))
        self._bounds = (n, ix)
        return self._bounds

    def top_posts(self, limit: int) -> pd.DataFrame | None:
        """Top posts from the kept candidates, or ``None`` when not provably exact."""
        where, params = self._filter(skey=True)
        bwhere, bparams = self._filter(skey=True, platform=False)  # bounds: all platforms
        for cond_params in (params, bparams):
            if self.scope.day_from is not None:
                cond_params.append(day_number(self.scope.day_from))
            if self.scope.day_to is not None:
                cond_params.append(day_number(self.scope.day_to))
        days = (" AND day >= ?" if self.scope.day_from is not None else "") + (
            " AND day < ?" if self.scope.day_to is not None else ""
        )
        table = self.store.fetch_arrow(
            "SELECT platform, source_id, kind, url, author_id, author_name, author_followers, "
            "created_at, interactions, likes, comments, shares, saves, title, text, "
            f"(SELECT max(ix_max) FROM metrics_post_bounds WHERE {bwhere}{days}) AS bound "
            f"FROM metrics_top_posts WHERE {where}{days} "
            "ORDER BY interactions DESC, created_at DESC, platform, source_id LIMIT ?",
            [*bparams, *params, limit],
        )
        bounds = table.column("bound").to_pylist()
        bound = bounds[0] if bounds else None
        if not bounds:  # no candidate at all: exact only if nothing was left out
            bound = (
                self.store.fetch_arrow(
                    f"SELECT max(ix_max) AS b FROM metrics_post_bounds WHERE {bwhere}{days}",
                    bparams,
                )
                .column("b")
                .to_pylist()[0]
            )
        values = table.column("interactions").to_pylist()
        if bound is None or (len(values) >= limit and values[-1] > bound):
            return posts_frame(table.drop_columns(["bound"]), self.scope.timezone)
        return None


def read_partials(store: Store, scope: Scope, *, refresh: bool = False) -> Partials | None:
    rollup = Rollup.open(store, scope, refresh=refresh)
    return rollup.partials() if rollup else None


def read_top_authors(
    store: Store, scope: Scope, by: AuthorRank, limit: int, *, refresh: bool = False
) -> pd.DataFrame | None:
    rollup = Rollup.open(store, scope, refresh=refresh)
    return rollup.top_authors(by, limit) if rollup else None


def read_top_posts(
    store: Store, scope: Scope, limit: int, *, refresh: bool = False
) -> pd.DataFrame | None:
    rollup = Rollup.open(store, scope, refresh=refresh)
    return rollup.top_posts(limit) if rollup else None
