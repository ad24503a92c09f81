"""Authors of a workspace, aggregated from its mentions: the Authors page and
``GET /api/v1/authors``.

An author is (platform, author_id); mentions without an author id are not counted.
Per author:

* ``name`` and ``followers``: from their newest mention that reports them;
* ``tier``: the KOL tier of those followers (:mod:`tinhieu.metrics.tiers`); an author
  whose follower count is missing or 0 is ``unknown`` (0 is what exports write when
  the platform hides the number);
* ``mentions``, ``posts``, ``interactions``: the shared measures
  (:mod:`tinhieu.metrics.measures`: interactions sum the known components only);
* ``engagement_rate``: by followers, as :func:`tinhieu.metrics.engagement.engagement_rate`
  defines it (Σ interactions / Σ author_followers × 100 over their posts with known
  interactions and followers > 0); not available otherwise, never a division by 0;
* ``net_sentiment``: :func:`tinhieu.metrics.sentiment.net_sentiment_metric`;
* ``topics``: every topic their mentions are tagged with, most frequent first.

Pages are read with a keyset (the sort key, then platform and author id), so page
50 costs what page 1 costs. The KOL issue deepens this module; it stays pure (a store
in, plain data out).
"""

from __future__ import annotations

import base64
import binascii
import json
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from tinhieu.metrics.engagement import ER_FORMULAS, INTERACTIONS_FORMULA, engagement_rate
from tinhieu.metrics.measures import measure_select, row_select
from tinhieu.metrics.sentiment import FORMULA as NET_SENTIMENT_FORMULA
from tinhieu.metrics.sentiment import net_sentiment_metric
from tinhieu.metrics.tiers import TIER_NAMES, TIERS, UNKNOWN_TIER, tier_range, tier_sql
from tinhieu.store.base import Store

Sort = Literal["mentions", "interactions", "followers", "engagement"]
SORTS: Final[tuple[str, ...]] = ("mentions", "interactions", "followers", "engagement")
MAX_LIMIT: Final[int] = 200

#: The tier scheme in words, shown next to every tier.
TIER_SCHEME: Final[str] = (
    "KOL tiers by followers: "
    + "; ".join(f"{name} {tier_range(name)}" for name, _ in TIERS)
    + f"; {UNKNOWN_TIER}: followers not reported or 0"
)
ER_FORMULA: Final[str] = ER_FORMULAS["followers"]
FORMULAS: Final[dict[str, str]] = {
    "interactions": INTERACTIONS_FORMULA,
    "engagement_rate": ER_FORMULA,
    "net_sentiment": NET_SENTIMENT_FORMULA,
    "tier": TIER_SCHEME,
}

# The shared measures each author needs (names from tinhieu.metrics.measures).
_MEASURES: Final[tuple[str, ...]] = (
    "n",
    "ix_n",
    "ix_sum",
    "posts",
    "posts_ix_n",
    "erf_n",
    "erf_ix",
    "erf_den",
    "sent_n",
    "pos",
    "neg",
    "neu",
)
# Sort keys: every one a non-NULL number (missing values sort last as -1).
_KEYS: Final[dict[str, str]] = {
    "mentions": "CAST(n AS DOUBLE)",
    "interactions": "CAST(coalesce(ix_sum, -1) AS DOUBLE)",
    "followers": "CAST(coalesce(latest_followers, -1) AS DOUBLE)",
    "engagement": (
        "(CASE WHEN erf_n > 0 AND erf_den > 0 "
        "THEN CAST(erf_ix AS DOUBLE) * 100 / erf_den ELSE -1 END)"
    ),
}


class AuthorQueryError(ValueError):
    """A bad sort, filter or cursor."""


@dataclass(frozen=True, slots=True)
class AuthorFilters:
    sort: str = "mentions"
    platform: str | None = None
    tier: str | None = None
    topic: str | None = None
    search: str | None = None


@dataclass(slots=True)
class AuthorPage:
    items: list[dict[str, Any]]
    next_cursor: str | None
    sort: str
    formulas: dict[str, str] = field(default_factory=lambda: dict(FORMULAS))

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "next_cursor": self.next_cursor,
            "sort": self.sort,
            "tier_scheme": TIER_SCHEME,
            "formulas": self.formulas,
        }


def fold(text: str) -> str:
    """Lower case without accents (đ → d): how the name search compares."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").replace("đ", "d")


def encode_cursor(key: float, platform: str, author_id: str) -> str:
    raw = json.dumps([key, platform, author_id], ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, str, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key, platform, author_id = json.loads(raw.decode("utf-8"))
        if isinstance(key, bool) or not isinstance(key, int | float):
            raise TypeError
        if not isinstance(platform, str) or not isinstance(author_id, str):
            raise TypeError
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise AuthorQueryError("invalid cursor") from None
    return float(key), platform, author_id


def _tier_expr(column: str) -> str:
    # 0 followers is "not reported" here (see the module docstring).
    return f"(CASE WHEN {column} > 0 THEN {tier_sql(column)} ELSE '{UNKNOWN_TIER}' END)"


def aggregate_sql(filters: AuthorFilters) -> tuple[str, list[Any]]:
    """The per-author aggregate (one row per author, every column the page shows but
    topics) with its sort key ``k``, before paging; parameters start with workspace."""
    where = ["workspace = ?", "author_id IS NOT NULL"]
    params: list[Any] = []
    if filters.platform:
        where.append("platform = ?")
        params.append(filters.platform)
    if filters.topic:
        where.append("list_contains(topics, ?)")
        params.append(filters.topic)
    rows = (
        "SELECT platform, author_id, author_name, author_followers, created_at, source_id, "
        f"{row_select()} FROM mentions WHERE {' AND '.join(where)}"
    )
    newest = "{'t': created_at, 's': source_id}"
    agg = (
        "SELECT platform, author_id, "
        f"arg_max(author_name, {newest}) FILTER (WHERE author_name IS NOT NULL) AS name, "
        f"arg_max(author_followers, {newest}) "
        "FILTER (WHERE author_followers IS NOT NULL) AS latest_followers, "
        f"{measure_select(_MEASURES)} FROM ({rows}) r GROUP BY platform, author_id"
    )
    sql = (
        f"SELECT *, {_tier_expr('latest_followers')} AS tier, {_KEYS[filters.sort]} AS k "
        f"FROM ({agg}) a"
    )
    return sql, params


def author_page(
    store: Store,
    workspace: str,
    filters: AuthorFilters | None = None,
    *,
    cursor: str | None = None,
    limit: int = 50,
) -> AuthorPage:
    """One page of the workspace's authors, best first by ``filters.sort``."""
    filters = filters or AuthorFilters()
    if filters.sort not in SORTS:
        raise AuthorQueryError(f"sort must be one of {', '.join(SORTS)}")
    if filters.tier is not None and filters.tier not in TIER_NAMES:
        raise AuthorQueryError(f"tier must be one of {', '.join(TIER_NAMES)}")
    limit = max(1, min(int(limit), MAX_LIMIT))
    inner, inner_params = aggregate_sql(filters)
    outer: list[str] = []
    params: list[Any] = [workspace, *inner_params]
    if filters.tier:
        outer.append("tier = ?")
        params.append(filters.tier)
    if filters.search and filters.search.strip():
        pattern = (
            "%"
            + fold(filters.search.strip())
            .replace("\\", "\\\\")
            .replace("%", "\\%")
            .replace("_", "\\_")
            + "%"
        )
        outer.append(
            "(replace(strip_accents(lower(coalesce(name, ''))), 'đ', 'd') LIKE ? ESCAPE '\\' "
            "OR lower(author_id) LIKE ? ESCAPE '\\')"
        )
        params += [pattern, pattern]
    if cursor:
        key, platform, author_id = decode_cursor(cursor)
        outer.append("(k < ? OR (k = ? AND (platform > ? OR (platform = ? AND author_id > ?))))")
        params += [key, key, platform, platform, author_id]
    where = f"WHERE {' AND '.join(outer)}" if outer else ""
    sql = f"SELECT * FROM ({inner}) x {where} ORDER BY k DESC, platform, author_id LIMIT ?"
    table = store.fetch_arrow(sql, [*params, limit + 1]).to_pylist()
    more = len(table) > limit
    table = table[:limit]
    topics = _topics_of(store, workspace, [(r["platform"], r["author_id"]) for r in table])
    items = [_item(r, topics.get((r["platform"], r["author_id"]), [])) for r in table]
    next_cursor = None
    if more and table:
        last = table[-1]
        next_cursor = encode_cursor(float(last["k"]), last["platform"], last["author_id"])
    return AuthorPage(items, next_cursor, filters.sort)


def _topics_of(
    store: Store, workspace: str, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], list[str]]:
    """Topics of each author (all their mentions), most frequent first."""
    if not keys:
        return {}
    pairs = " OR ".join("(platform = ? AND author_id = ?)" for _ in keys)
    rows = store.fetch_all(
        "SELECT platform, author_id, t, count(*) AS n FROM ("
        "SELECT platform, author_id, unnest(topics) AS t FROM mentions "
        f"WHERE workspace = ? AND ({pairs})) GROUP BY ALL ORDER BY n DESC, t",
        [workspace, *(v for k in keys for v in k)],
    )
    out: dict[tuple[str, str], list[str]] = {}
    for platform, author_id, topic, _ in rows:
        out.setdefault((str(platform), str(author_id)), []).append(str(topic))
    return out


def _item(r: dict[str, Any], topics: list[str]) -> dict[str, Any]:
    followers = r["latest_followers"]
    er = engagement_rate(_totals(r), "followers")
    sentiment = net_sentiment_metric(_totals(r))
    return {
        "platform": r["platform"],
        "author_id": r["author_id"],
        "name": r["name"],
        "followers": int(followers) if followers is not None else None,
        "tier": r["tier"],
        "tier_range": tier_range(r["tier"]),
        "mentions": int(r["n"]),
        "posts": int(r["posts"]),
        "interactions": int(r["ix_sum"]) if r["ix_n"] else None,
        "engagement_rate": er.value,
        "engagement_rate_reason": er.reason,
        "engagement_posts": int(r["erf_n"]),
        "net_sentiment": sentiment.value,
        "net_sentiment_reason": sentiment.reason,
        "topics": topics,
    }


def _totals(r: dict[str, Any]) -> dict[str, float]:
    return {name: float(r[name] or 0) for name in _MEASURES}
