"""Searching a workspace's mentions: filters, keyset pages, highlights and threads.

The Mentions page and ``GET /api/v1/mentions`` both call :func:`search`; nothing here
knows about HTTP. Every query is scoped to the workspace it is given.

Filters
    ``q`` is the topic query language (:func:`tinhieu.query.compile_query`); ``q``,
    ``topic`` and the dates go through :func:`tinhieu.export.mention_filters` (dates are
    workspace-local days, ``until`` inclusive, as :func:`tinhieu.metrics.filters.time_window`
    reads them). The rest are equality tests on one column each, except ``aspect``
    (a hit in the ``aspects`` JSON array, read the way
    :func:`tinhieu.signals.series.aspect_hits_sql` reads it) and ``tier`` (a follower
    range from :data:`tinhieu.metrics.tiers.TIERS`).

Pages
    Newest first, ties broken by platform then source_id, so the order is total.
    A page asks for ``limit + 1`` rows *after* the previous page's last row (keyset
    pagination: no OFFSET, so page 1,000 costs what page 1 costs). The cursor is that
    last row's key, base64url of JSON, bound to the filters it was made for: a cursor
    that does not decode, has other keys or types, or belongs to other filters is a
    :class:`CursorError`. The first page also counts matches, but stops at
    :data:`COUNT_CAP` + 1 (shown as "more than 10,000").

    Before scanning everything, a page first looks in a recent window of time before
    its cursor (two days, then grown by the density of matches seen, until the window
    would cover half the data): the rows of a window that already holds ``limit + 1``
    matches are exactly the newest ones, and DuckDB skips the row groups outside the
    window by their min/max, so a page of millions of rows reads only a few days.
    When the plain query has to run and finds no more than a page, that page is the
    whole result and is its own count.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Final
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from tinhieu.export import mention_filters
from tinhieu.i18n import has, t
from tinhieu.metrics.measures import INTERACTIONS_SQL
from tinhieu.metrics.tiers import (
    MAX_PLAUSIBLE_FOLLOWERS,
    TIER_NAMES,
    TIERS,
    UNKNOWN_TIER,
    known_followers_sql,
    kol_tier,
)
from tinhieu.nlp.labels import COMMERCE_ASPECTS, TASK_CLASSES
from tinhieu.nlp.pipeline import SPAM_KINDS
from tinhieu.query import Query, compile_query
from tinhieu.schema import COLUMNS, KINDS, PLATFORMS
from tinhieu.signals.series import ASPECT_INDEX_SQL
from tinhieu.store.duckdb import DuckDBStore
from tinhieu.web import messages_mentions as _messages  # noqa: F401 - registers messages
from tinhieu.web.cache import ResultCache, data_version

PAGE_SIZE: Final[int] = 50
MAX_PAGE_SIZE: Final[int] = 200
#: The first page counts matches up to this many (one more means "more than").
COUNT_CAP: Final[int] = 10_000
#: A thread shows at most this many comments and replies, and walks this deep.
THREAD_CAP: Final[int] = 200
THREAD_DEPTH: Final[int] = 4
#: Characters of a mention's text shown in a result list (the detail page shows all).
LIST_TEXT_CHARS: Final[int] = 1200
#: The first recent window a page looks in, in days (then ×8 until all time).
FIRST_WINDOW_DAYS: Final[float] = 2.0
#: The first window's size in rows, per row of the page, at the workspace's mean density.
FIRST_WINDOW_ROWS_PER_WANTED: Final[int] = 20
MIN_WINDOW: Final[timedelta] = timedelta(hours=1)
WINDOW_GROWTH: Final[int] = 8

SENTIMENTS: Final[tuple[str, ...]] = ("positive", "neutral", "negative")
SENTIMENT_FILTERS: Final[tuple[str, ...]] = (*SENTIMENTS, "unanalysed")
SPAM_FILTERS: Final[tuple[str, ...]] = (*SPAM_KINDS, "flagged")
TOXICITIES: Final[tuple[str, ...]] = TASK_CLASSES["toxicity"]
POLARITIES: Final[tuple[str, ...]] = SENTIMENTS
#: Aspects offered in the filter and correction controls (others still work by name).
KNOWN_ASPECTS: Final[tuple[str, ...]] = COMMERCE_ASPECTS
ASPECT_NAME: Final = re.compile(r"[a-z][a-z0-9_.]{0,39}")
MAX_QUERY_CHARS: Final[int] = 2000
FILTER_NAMES: Final[tuple[str, ...]] = (
    "q",
    "topic",
    "platform",
    "kind",
    "sentiment",
    "aspect",
    "spam",
    "toxicity",
    "tier",
    "since",
    "until",
    "moderation",
)
#: ``moderation`` filter values: unset shows what moderators did not hide.
MODERATION_FILTERS: Final[tuple[str, ...]] = ("hidden", "all")

#: Columns of a result row (plus ``interactions``); the detail shows every column.
LIST_COLUMNS: Final[tuple[str, ...]] = (
    "platform",
    "source_id",
    "url",
    "kind",
    "parent_id",
    "author_id",
    "author_name",
    "author_followers",
    "author_verified",
    "author_kind",
    "title",
    "text",
    "language",
    "created_at",
    "likes",
    "comments",
    "shares",
    "views",
    "sentiment",
    "sentiment_score",
    "aspects",
    "spam",
    "toxicity",
    "emotion",
    "topics",
)
DETAIL_COLUMNS: Final[tuple[str, ...]] = tuple(
    c for c in COLUMNS if c not in ("workspace", "import_id")
)
_JSON_COLUMNS: Final[frozenset[str]] = frozenset({"aspects", "reactions", "attrs"})
_ORDER: Final[str] = "created_at DESC, platform, source_id"
_AFTER: Final[str] = (
    " AND (created_at < ? OR (created_at = ? AND (platform > ? "
    "OR (platform = ? AND source_id > ?))))"
)


# --- errors -------------------------------------------------------------------------------


class SearchError(ValueError):
    """A search that cannot run: ``field`` names the bad input, ``key`` the message."""

    def __init__(self, field: str, key: str, **values: Any) -> None:
        self.field, self.key, self.values = field, key, values
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        label_key = f"web.mentions.{self.field}"
        label = t(label_key, lang) if has(label_key) else self.field
        return t(self.key, lang, field=label, **self.values)


class CursorError(SearchError):
    """A page cursor that was not made by this server for these filters."""

    def __init__(self) -> None:
        super().__init__("cursor", "web.mentions.bad_cursor")


# --- filters ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filters:
    """What to search for; empty fields do not filter."""

    q: str = ""
    topic: str | None = None
    platform: str | None = None
    kind: str | None = None
    sentiment: str | None = None
    aspect: str | None = None  # "price" or "price:negative"
    spam: str | None = None
    toxicity: str | None = None
    tier: str | None = None
    since: date | None = None
    until: date | None = None
    #: None: leave out the mentions a moderator hid; "hidden": only those; "all": both
    moderation: str | None = None

    def as_params(self) -> dict[str, str]:
        """The non-empty filters as query-string values (for links)."""
        out: dict[str, str] = {}
        for name in FILTER_NAMES:
            value = getattr(self, name)
            if value:
                out[name] = value.isoformat() if isinstance(value, date) else str(value)
        return out

    def fingerprint(self) -> str:
        """A short hash of the filters: a cursor only works with the filters it came from."""
        text = json.dumps(self.as_params(), sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def active(self) -> bool:
        return bool(self.as_params())


def _choice(name: str, value: str | None, allowed: Collection[str]) -> str | None:
    if value is None or value == "":
        return None
    if value not in allowed:
        raise SearchError(name, "web.mentions.bad_filter")
    return value


def _day(name: str, value: str | None) -> date | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise SearchError(name, "web.mentions.bad_date")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise SearchError(name, "web.mentions.bad_date") from exc


def check_aspect(value: str | None) -> str | None:
    """``price`` or ``price:negative`` (an aspect name, optionally with a polarity)."""
    if value is None or value == "":
        return None
    name, _, polarity = value.partition(":")
    if not ASPECT_NAME.fullmatch(name) or (polarity and polarity not in POLARITIES):
        raise SearchError("aspect", "web.mentions.bad_filter")
    return value


def parse_filters(values: Mapping[str, str | None], topics: Collection[str]) -> Filters:
    """Filters from raw request values (strings); raise :class:`SearchError` for the
    first one that is not valid. ``topics`` are the workspace's topic names."""
    q = (values.get("q") or "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise SearchError("q", "web.mentions.bad_filter")
    topic = values.get("topic") or None
    if topic is not None and topic not in topics:
        raise SearchError("topic", "web.mentions.unknown_topic", topic=topic)
    since = _day("since", values.get("since"))
    until = _day("until", values.get("until"))
    if since is not None and until is not None and since > until:
        raise SearchError("until", "web.mentions.bad_range")
    return Filters(
        q=q,
        topic=topic,
        platform=_choice("platform", values.get("platform"), PLATFORMS),
        kind=_choice("kind", values.get("kind"), KINDS),
        sentiment=_choice("sentiment", values.get("sentiment"), SENTIMENT_FILTERS),
        aspect=check_aspect(values.get("aspect")),
        spam=_choice("spam", values.get("spam"), SPAM_FILTERS),
        toxicity=_choice("toxicity", values.get("toxicity"), TOXICITIES),
        tier=_choice("tier", values.get("tier"), TIER_NAMES),
        since=since,
        until=until,
        moderation=_choice("moderation", values.get("moderation"), MODERATION_FILTERS),
    )


def compiled(filters: Filters) -> Query | None:
    """The compiled query of ``filters.q`` (raises ``QuerySyntaxError``), or None."""
    return compile_query(filters.q) if filters.q else None


def tier_condition(tier: str) -> tuple[str, list[Any]]:
    """SQL over ``author_followers`` for one tier, as :func:`~tinhieu.metrics.tiers.kol_tier`
    assigns it (a range, so DuckDB can skip row groups by their min/max)."""
    if tier == UNKNOWN_TIER:
        return f"(author_followers IS NULL OR NOT {known_followers_sql('author_followers')})", []
    for i, (name, lower) in enumerate(TIERS):
        if name == tier:
            upper = TIERS[i + 1][1] if i + 1 < len(TIERS) else MAX_PLAUSIBLE_FOLLOWERS
            low = max(int(lower), 1)  # 0 followers is unknown, not nano
            return "(author_followers >= ? AND author_followers < ?)", [low, upper]
    raise SearchError("tier", "web.mentions.bad_filter")


def aspect_condition(aspect: str) -> tuple[str, list[Any]]:
    """SQL: the mention's ``aspects`` array has a hit of ``aspect`` (``name[:polarity]``)."""
    name, _, polarity = aspect.partition(":")
    hit = "(mentions.aspects -> ai.i ->> 'aspect') = ?"
    params: list[Any] = [name]
    if polarity:
        hit += " AND (mentions.aspects -> ai.i ->> 'polarity') = ?"
        params.append(polarity)
    return (
        f"(aspects IS NOT NULL AND EXISTS (SELECT 1 FROM {ASPECT_INDEX_SQL} "
        f"WHERE ai.i < json_array_length(mentions.aspects) AND {hit}))",
        params,
    )


def filters_sql(store: DuckDBStore, workspace: str, f: Filters) -> tuple[str, list[Any]]:
    """The condition over ``mentions`` (without the workspace) and its parameters."""
    base, params = mention_filters(
        store,
        workspace,
        f.q or None,
        f.topic,
        f.since.isoformat() if f.since else None,
        f.until.isoformat() if f.until else None,
    )
    clauses = [f"({base})"]
    for column in ("platform", "kind", "toxicity"):
        value = getattr(f, column)
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if f.sentiment == "unanalysed":
        clauses.append("sentiment IS NULL")
    elif f.sentiment is not None:
        clauses.append("sentiment = ?")
        params.append(f.sentiment)
    if f.spam == "flagged":
        clauses.append("(spam IS NOT NULL AND spam <> 'none')")
    elif f.spam is not None:
        clauses.append("spam = ?")
        params.append(f.spam)
    if f.aspect:
        condition, extra = aspect_condition(f.aspect)
        clauses.append(condition)
        params.extend(extra)
    if f.tier:
        condition, extra = tier_condition(f.tier)
        clauses.append(condition)
        params.extend(extra)
    if f.moderation == "hidden" or (f.moderation is None and has_hidden(store, workspace)):
        clauses.append(HIDDEN_SQL if f.moderation == "hidden" else f"NOT {HIDDEN_SQL}")
    return " AND ".join(clauses), params


#: A mention a moderator hid (:mod:`tinhieu.moderation`; the table holds the latest
#: decision per mention).
HIDDEN_SQL: Final[str] = (
    "EXISTS (SELECT 1 FROM moderation hid WHERE hid.workspace = mentions.workspace "
    "AND hid.platform = mentions.platform AND hid.source_id = mentions.source_id "
    "AND hid.decision = 'hide')"
)


def has_hidden(store: DuckDBStore, workspace: str) -> bool:
    """Whether a moderator hid any mention of ``workspace`` (most workspaces: none, and
    their searches then skip the anti-join)."""
    return bool(
        store.fetch_all(
            "SELECT 1 FROM moderation WHERE workspace = ? AND decision = 'hide' LIMIT 1",
            [workspace],
        )
    )


# --- cursors ------------------------------------------------------------------------------


def encode_cursor(kind: str, at: datetime, key: Sequence[str], fingerprint: str) -> str:
    """An opaque page cursor: base64url of JSON naming the last row's sort key."""
    payload = {"k": kind, "t": at.isoformat(), "key": list(key), "f": fingerprint}
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str, kind: str, size: int, fingerprint: str) -> tuple[datetime, list[str]]:
    """The sort key in a cursor made by :func:`encode_cursor` for the same ``kind``,
    key size and filters; :class:`CursorError` for anything else."""
    if not text or len(text) > 8000 or not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise CursorError()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        payload = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise CursorError() from exc
    if (
        not isinstance(payload, dict)
        or set(payload) != {"k", "t", "key", "f"}
        or payload["k"] != kind
        or payload["f"] != fingerprint
        or not isinstance(payload["t"], str)
        or not isinstance(payload["key"], list)
        or len(payload["key"]) != size
        or not all(isinstance(v, str) and 0 < len(v) <= 2000 for v in payload["key"])
    ):
        raise CursorError()
    try:
        at = datetime.fromisoformat(payload["t"])
    except ValueError as exc:
        raise CursorError() from exc
    if at.tzinfo is None:
        raise CursorError()
    return at, list(payload["key"])


# --- rows ---------------------------------------------------------------------------------


def _parse_json(value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return None


def clean_aspects(value: Any) -> list[dict[str, Any]]:
    """The hits of an ``aspects`` value that have an aspect name and a polarity."""
    items = _parse_json(value)
    if not isinstance(items, list):
        return []
    return [
        a
        for a in items
        if isinstance(a, dict) and isinstance(a.get("aspect"), str) and a.get("polarity")
    ]


def _record(columns: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    r = dict(zip(columns, row, strict=True))
    for name in _JSON_COLUMNS & r.keys():
        r[name] = clean_aspects(r[name]) if name == "aspects" else _parse_json(r[name])
    if "author_followers" in r:
        r["tier"] = kol_tier(r["author_followers"])
    return r


def _select(columns: Sequence[str]) -> str:
    return ", ".join(columns) + f", {INTERACTIONS_SQL} AS interactions"


def _fetch(
    store: DuckDBStore, columns: Sequence[str], where: str, params: Sequence[Any], tail: str
) -> list[dict[str, Any]]:
    sql = f"SELECT {_select(columns)} FROM mentions WHERE {where} {tail}"
    names = (*columns, "interactions")
    return [_record(names, row) for row in store.fetch_all(sql, params)]


def _fetch_page(
    store: DuckDBStore, columns: Sequence[str], where: str, params: Sequence[Any], limit: int
) -> list[dict[str, Any]]:
    """The first ``limit`` matches in page order, in two steps inside one statement:
    find the row ids of the page reading only the columns the filter and the order
    need, then read every column of those rows alone. A top-N that carried the text,
    the aspects and the rest of each candidate row cost about 4× more at 10M mentions."""
    sql = (
        f"WITH page AS (SELECT rowid AS r FROM mentions WHERE {where} "
        f"ORDER BY {_ORDER} LIMIT {int(limit)}) "
        f"SELECT {_select(columns)} FROM mentions WHERE rowid IN (SELECT r FROM page) "
        f"ORDER BY {_ORDER}"
    )
    names = (*columns, "interactions")
    return [_record(names, row) for row in store.fetch_all(sql, params)]


def jsonable(value: Any) -> Any:
    """``value`` with datetimes as ISO text and dates as ``YYYY-MM-DD`` (recursively)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    return value


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) address with a host (a link may be made of it)."""
    if not url or len(url) > 4096 or any(ord(c) < 33 or c in "\\\"'<>`" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else None


# --- highlighting -------------------------------------------------------------------------


def highlight(query: Query | None, text: str | None, limit: int | None = None) -> Markup:
    """``text`` escaped, with the query's matches wrapped in ``<mark>``; at most ``limit``
    characters."""
    if not text:
        return Markup("")
    shown = text if limit is None or len(text) <= limit else text[:limit]
    spans = query.highlight(text) if query is not None else []
    out: list[str] = []
    pos = 0
    for start, end in spans:
        if start >= len(shown):
            break
        end = min(end, len(shown))
        out.append(escape(shown[pos:start]))
        out.append(Markup("<mark>") + escape(shown[start:end]) + Markup("</mark>"))
        pos = end
    out.append(escape(shown[pos:]))
    return Markup("").join(out)


# --- the search ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of results; ``count`` (first page only) stops at :data:`COUNT_CAP`."""

    items: list[dict[str, Any]]
    next_cursor: str | None
    count: int | None = None
    count_capped: bool = False
    query: Query | None = field(default=None, compare=False)


_FIRST_PAGES = ResultCache(256)


def search(
    store: DuckDBStore,
    workspace: str,
    filters: Filters,
    *,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    count: bool = True,
    windowed: bool = True,
) -> SearchPage:
    """A page of the workspace's mentions matching ``filters``, newest first.

    First pages (no cursor) are cached until the workspace's data changes (see
    :mod:`tinhieu.web.cache`): a team re-runs the same searches all day.
    Raises ``QuerySyntaxError`` for a bad query and :class:`CursorError` for a cursor
    that is not this search's."""
    query = compiled(filters)  # a syntax error is raised here, never cached
    if cursor or not windowed:
        return _search(store, workspace, filters, query, cursor=cursor, limit=limit, count=count,
                       windowed=windowed)  # fmt: skip
    key = (
        json.dumps(filters.as_params(), sort_keys=True),
        int(limit),
        count,
        COUNT_CAP,
        data_version(store, workspace),
    )

    def first_page() -> tuple[Any, ...]:
        page = _search(store, workspace, filters, query, limit=limit, count=count)
        return page.items, page.next_cursor, page.count, page.count_capped

    items, next_cursor, total, capped = _FIRST_PAGES.get_or_compute(key, first_page)
    return SearchPage(items, next_cursor, total, capped, query)


def _search(
    store: DuckDBStore,
    workspace: str,
    filters: Filters,
    query: Query | None,
    *,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    count: bool = True,
    windowed: bool = True,
) -> SearchPage:
    limit = max(1, min(int(limit), MAX_PAGE_SIZE))
    condition, params = filters_sql(store, workspace, filters)
    where = f"workspace = ? AND ({condition})"
    params = [workspace, *params]
    fingerprint = filters.fingerprint()
    upper: datetime | None = None
    if cursor:
        at, (platform, source_id) = decode_cursor(cursor, "mentions", 2, fingerprint)
        where += _AFTER
        params += [at, at, platform, platform, source_id]
        upper = at
    rows = _windowed(store, workspace, where, params, limit + 1, upper) if windowed else None
    whole = rows is None
    if rows is None:
        rows = _fetch_page(store, LIST_COLUMNS, where, params, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        last = rows[-1]
        next_cursor = encode_cursor(
            "mentions", last["created_at"], (last["platform"], last["source_id"]), fingerprint
        )
    total, capped = None, False
    if count and not cursor:
        if whole and not more:  # the plain query saw every match: they are all here
            total = len(rows)
        else:
            total, capped = limited_count(store, where, params)
    return SearchPage(rows, next_cursor, total, capped, query)


def _windowed(
    store: DuckDBStore,
    workspace: str,
    where: str,
    params: list[Any],
    wanted: int,
    upper: datetime | None,
) -> list[dict[str, Any]] | None:
    """The page found in recent windows of time, or None when only the whole range can
    tell (the caller then runs the plain query)."""
    bounds = store.fetch_all(
        "SELECT min(created_at), max(created_at), count(*) FROM mentions WHERE workspace = ?",
        [workspace],
    )[0]
    first, newest, total = bounds
    if first is None:
        return []
    top = min(upper, newest) if upper is not None else newest
    whole = top - first
    # the first window holds about FIRST_WINDOW_ROWS_PER_WANTED rows per wanted row if
    # mentions were spread evenly, so a busy workspace does not test a query (a NEAR
    # is costly) on a whole day of mentions to fill one page
    even = (newest - first) * (FIRST_WINDOW_ROWS_PER_WANTED * wanted / max(int(total), 1))
    span = max(MIN_WINDOW, min(timedelta(days=FIRST_WINDOW_DAYS), even))
    while span * 2 < whole:
        rows = _fetch_page(
            store, LIST_COLUMNS, where + " AND created_at >= ?", [*params, top - span], wanted
        )
        if len(rows) >= wanted:
            return rows
        # grow by the density seen so far (at least ×2), or ×WINDOW_GROWTH on no rows
        growth = math.ceil(1.5 * wanted / len(rows)) if rows else WINDOW_GROWTH
        span *= max(2, min(growth, WINDOW_GROWTH * 8))
    return None


def limited_count(store: DuckDBStore, where: str, params: Sequence[Any]) -> tuple[int, bool]:
    """How many rows match, counting at most :data:`COUNT_CAP` + 1: (count, capped)."""
    n = int(
        store.fetch_all(
            f"SELECT count(*) FROM (SELECT 1 FROM mentions WHERE {where} LIMIT {COUNT_CAP + 1}) c",
            params,
        )[0][0]
    )
    return (COUNT_CAP, True) if n > COUNT_CAP else (n, False)


def api_item(row: dict[str, Any], query: Query | None) -> dict[str, Any]:
    """A result row as the API returns it (JSON-ready, with highlight offsets)."""
    out = jsonable(row)
    out["highlights"] = {
        name: [list(span) for span in query.highlight(row[name])] if query and row[name] else []
        for name in ("title", "text")
    }
    out["links"] = {
        "self": mention_api_path(row["platform"], row["source_id"]),
        "page": mention_path(row["platform"], row["source_id"]),
    }
    return dict(out)


def mention_path(platform: str, source_id: str) -> str:
    from urllib.parse import quote

    return f"/mentions/{quote(platform, safe='')}/{quote(source_id, safe='')}"


def mention_api_path(platform: str, source_id: str) -> str:
    return "/api/v1" + mention_path(platform, source_id)


# --- one mention and its thread -----------------------------------------------------------


def get_mention(
    store: DuckDBStore, workspace: str, platform: str, source_id: str
) -> dict[str, Any] | None:
    """Every stored field of one mention of the workspace, or None."""
    rows = _fetch(
        store,
        DETAIL_COLUMNS,
        "workspace = ? AND platform = ? AND source_id = ?",
        [workspace, platform, source_id],
        "LIMIT 1",
    )
    return rows[0] if rows else None


@dataclass(frozen=True, slots=True)
class Thread:
    """The conversation around a mention: its chain of parents up to the post, and the
    post's comments and replies in tree order (each with ``depth``, 1 = a comment)."""

    ancestors: list[dict[str, Any]]
    missing_parent: str | None
    items: list[dict[str, Any]]
    truncated: bool

    @property
    def root(self) -> dict[str, Any] | None:
        return self.ancestors[0] if self.ancestors else None

    def to_dict(self) -> dict[str, Any]:
        return dict(jsonable(asdict(self)))


def thread(store: DuckDBStore, workspace: str, mention: dict[str, Any]) -> Thread:
    """The thread of ``mention`` (a row from :func:`get_mention`), scoped to its workspace
    and platform: at most :data:`THREAD_CAP` comments and replies, :data:`THREAD_DEPTH`
    levels deep."""
    platform = mention["platform"]
    ancestors: list[dict[str, Any]] = []
    seen = {mention["source_id"]}
    current, missing = mention, None
    for _ in range(THREAD_DEPTH):
        parent_id = current.get("parent_id")
        if not parent_id or parent_id in seen:
            break
        parent = get_mention(store, workspace, platform, parent_id)
        if parent is None:
            missing = parent_id
            break
        ancestors.insert(0, parent)
        seen.add(parent_id)
        current = parent
    top = missing or (ancestors[0]["source_id"] if ancestors else mention["source_id"])
    found: list[dict[str, Any]] = []
    level, depth, truncated = [top], 1, False
    taken = {top}
    while level and depth <= THREAD_DEPTH and not truncated:
        room = THREAD_CAP - len(found)
        marks = ", ".join("?" for _ in level)
        rows = _fetch(
            store,
            LIST_COLUMNS,
            f"workspace = ? AND platform = ? AND parent_id IN ({marks})",
            [workspace, platform, *level],
            f"ORDER BY created_at, source_id LIMIT {room + 1}",
        )
        rows = [r for r in rows if r["source_id"] not in taken]
        if len(rows) > room:
            rows, truncated = rows[:room], True
        for r in rows:
            r["depth"] = depth
            taken.add(r["source_id"])
        found.extend(rows)
        level = [r["source_id"] for r in rows]
        depth += 1
    return Thread(ancestors, missing, _tree_order(top, found), truncated)


def _tree_order(top: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each item followed by its own replies, siblings by time."""
    children: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        children.setdefault(r["parent_id"], []).append(r)
    out: list[dict[str, Any]] = []
    stack = list(reversed(children.get(top, [])))
    while stack:
        r = stack.pop()
        out.append(r)
        stack.extend(reversed(children.get(r["source_id"], [])))
    return out


def mention_corrections(
    store: DuckDBStore, workspace: str, platform: str, source_id: str
) -> list[dict[str, Any]]:
    """The stored corrections of one mention, by field."""
    rows = store.fetch_all(
        "SELECT field, value, corrected_by, created_at FROM corrections "
        "WHERE workspace = ? AND platform = ? AND source_id = ? ORDER BY field",
        [workspace, platform, source_id],
    )
    return [
        {
            "field": r[0],
            "value": clean_aspects(r[1]) if r[0] == "aspects" else r[1],
            "corrected_by": r[2],
            "created_at": r[3],
        }
        for r in rows
    ]


# --- corrections, newest first ------------------------------------------------------------

_CORRECTION_COLUMNS: Final[tuple[str, ...]] = (
    "platform",
    "source_id",
    "field",
    "value",
    "text",
    "corrected_by",
    "created_at",
)
_CORRECTION_AFTER: Final[str] = (
    " AND (created_at < ? OR (created_at = ? AND (platform > ? OR (platform = ? AND "
    "(source_id > ? OR (source_id = ? AND field > ?))))))"
)


def list_corrections(
    store: DuckDBStore,
    workspace: str,
    *,
    field_name: str | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the workspace's corrections, newest first, and the next page's cursor."""
    limit = max(1, min(int(limit), MAX_PAGE_SIZE))
    fingerprint = hashlib.sha256((field_name or "").encode()).hexdigest()[:16]
    where = "workspace = ?"
    params: list[Any] = [workspace]
    if field_name:
        where += " AND field = ?"
        params.append(field_name)
    if cursor:
        at, (platform, source_id, fname) = decode_cursor(cursor, "corrections", 3, fingerprint)
        where += _CORRECTION_AFTER
        params += [at, at, platform, platform, source_id, source_id, fname]
    rows = store.fetch_all(
        f"SELECT {', '.join(_CORRECTION_COLUMNS)} FROM corrections WHERE {where} "
        f"ORDER BY created_at DESC, platform, source_id, field LIMIT {limit + 1}",
        params,
    )
    items = [dict(zip(_CORRECTION_COLUMNS, r, strict=True)) for r in rows[:limit]]
    for item in items:
        if item["field"] == "aspects":
            item["value"] = clean_aspects(item["value"])
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor(
            "corrections",
            last["created_at"],
            (last["platform"], last["source_id"], last["field"]),
            fingerprint,
        )
    return items, next_cursor


__all__ = [
    "MAX_PAGE_SIZE",
    "PAGE_SIZE",
    "CursorError",
    "Filters",
    "SearchError",
    "SearchPage",
    "Thread",
    "get_mention",
    "highlight",
    "list_corrections",
    "parse_filters",
    "search",
    "thread",
]
