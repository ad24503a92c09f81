"""Author profiles: one per (platform, author_id), aggregated from the workspace's mentions.

This is the one place that aggregates authors for KOL work. A profile holds:

* ``followers``: the latest usable count (by ``created_at``, then ``source_id``) and the
  history (the last count seen on each day, when it changes); counts that the tier rule
  calls unknown (NULL, 0, negative, implausible: :mod:`tinhieu.metrics.tiers`) are
  ignored everywhere, so nothing divides by them;
* ``tier``: of the latest followers, in the chosen :class:`~tinhieu.metrics.tiers.TierScheme`;
* ``posts`` (own content: post, video, article), ``comments`` (comments and replies they
  wrote) and ``mentions``;
* mean and median interactions per post (interactions as
  :data:`tinhieu.metrics.measures.INTERACTIONS_SQL` defines them), Σ views;
* engagement rate: **by followers** (:func:`tinhieu.metrics.engagement.engagement_rate`,
  Σ interactions / Σ author_followers × 100 over posts) for every platform, and **by
  views** (Σ interactions / Σ views × 100 over posts with known interactions and views > 0)
  for video platforms (TikTok, YouTube), where the headline ``er`` is by views;
  ``er_formula`` says which;
* posting rhythm: posts per week over their active span, median hours between posts;
* topics they talk about (counts), and per brand/competitor topic the volume and
  sentiment of their mentions;
* sponsored / collab markers in their posts (``#ad``, ``#quangcao``, ``#hợptác``, "tài
  trợ", …) and the brand topics and hashtags of those posts.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Final

import pyarrow as pa

from tinhieu.gc_pause import gc_paused
from tinhieu.metrics.engagement import ER_FORMULAS, engagement_rate
from tinhieu.metrics.measures import INTERACTIONS_SQL, POST_KINDS, measure_select, row_select
from tinhieu.metrics.result import ratio
from tinhieu.metrics.tiers import DEFAULT_SCHEME, TierScheme, known_followers_sql
from tinhieu.store.base import Store

VIDEO_PLATFORMS: Final[frozenset[str]] = frozenset({"tiktok", "youtube"})
ER_VIEWS_FORMULA: Final[str] = (
    "Σ interactions / Σ views × 100 (ratio of sums over posts with known interactions "
    "and views > 0)"
)
ER_FOLLOWERS_FORMULA: Final[str] = ER_FORMULAS["followers"]
BRAND_GROUPS: Final[tuple[str, ...]] = ("brand", "competitor")

#: Sponsorship / collaboration markers, matched on accent-folded lower-case text.
SPONSOR_MARKERS: Final[dict[str, str]] = {
    "#ad": r"(?<![\w#])#ad\b",
    "#sponsored": r"#sponsored\b",
    "#quangcao": r"#quangcao\b",
    "#hoptac": r"#hoptac\b",
    "#taitro": r"#taitro\b",
    "#collab": r"#collab\b",
    "#partner": r"#partner(ship)?\b",
    "tài trợ": r"\btai tro\b",
    "hợp tác": r"\bhop tac (voi|cung)\b",
    "quảng cáo": r"\bbai (viet )?quang cao\b",
}
_MARKERS: Final = {k: re.compile(v) for k, v in SPONSOR_MARKERS.items()}
_HASHTAG: Final = re.compile(r"#[^\W_][\w]*", re.UNICODE)
_COUNT: Final = itemgetter(1)
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


class _FoldTable(dict[int, int | str | None]):
    """``str.translate`` table for :func:`fold`: combining marks (category Mn) are
    dropped, đ becomes d, every other character maps to itself (filled in on first use)."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.category(chr(code)) == "Mn" else code
        self[code] = value
        return value


_FOLD_TABLE: Final = _FoldTable({ord("đ"): "d"})


def fold(text: str) -> str:
    """Lower case without accents (đ → d): NFD, combining marks (Mn) removed."""
    if text.isascii():  # NFD leaves ASCII as it is and it has no combining mark
        return text.lower()
    return unicodedata.normalize("NFD", text.lower()).translate(_FOLD_TABLE)


def sponsor_markers(text: str | None) -> list[str]:
    """The sponsorship markers found in ``text`` (names of :data:`SPONSOR_MARKERS`)."""
    if not text:
        return []
    folded = fold(text)
    if not (
        "#" in folded or "tai tro" in folded or "hop tac" in folded or "quang cao" in folded
    ):  # every marker's pattern holds one of these literally
        return []
    return [name for name, rx in _MARKERS.items() if rx.search(folded)]


@dataclass(slots=True)
class Profile:
    platform: str
    author_id: str
    name: str | None
    followers: int | None
    followers_history: list[tuple[str, int]]
    tier: str
    tier_scheme: str
    mentions: int
    posts: int
    comments: int
    interactions: int | None
    interactions_mean: float | None
    interactions_median: float | None
    views: int | None
    er_followers: float | None
    er_followers_reason: str | None
    er_views: float | None
    er: float | None
    er_by: str  # "followers" or "views"
    er_formula: str
    posts_per_week: float | None
    median_gap_hours: float | None
    first_post: str | None
    last_post: str | None
    topics: dict[str, int]
    brands: dict[str, dict[str, Any]]
    sponsored_posts: int
    sponsor_markers: dict[str, int]
    sponsored_brands: dict[str, int]
    sponsored_hashtags: dict[str, int]
    post_rows: list[dict[str, Any]] = field(default_factory=list, repr=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.author_id)

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__slots__ if k != "post_rows"}
        d["followers_history"] = [list(p) for p in self.followers_history]
        return d


def _clean_mentions(where: str) -> str:
    # Mentions with unusable follower counts set to NULL (the tier rule), so the shared
    # measures never divide by 0, a negative or an absurd count.
    return (
        "(SELECT * REPLACE (CASE WHEN "
        f"{known_followers_sql('author_followers')} THEN author_followers END "
        f"AS author_followers) FROM mentions WHERE {where})"
    )


def load_profiles(
    store: Store,
    workspace: str,
    *,
    platform: str | None = None,
    tier_scheme: TierScheme = DEFAULT_SCHEME,
    min_posts: int = 1,
) -> list[Profile]:
    """Profiles of the workspace's authors with at least ``min_posts`` posts."""
    with gc_paused():
        return _load_profiles(store, workspace, platform, tier_scheme, min_posts)


def _load_profiles(
    store: Store, workspace: str, platform: str | None, tier_scheme: TierScheme, min_posts: int
) -> list[Profile]:
    where = ["workspace = ?", "author_id IS NOT NULL"]
    params: list[Any] = [workspace]
    if platform:
        where.append("platform = ?")
        params.append(platform)
    src = _clean_mentions(" AND ".join(where))
    post_kinds = ", ".join(f"'{k}'" for k in POST_KINDS)
    having = max(min_posts, 0)
    # Ordered by key, so the list's order is the same on every run.
    agg = _rows(
        store.fetch_arrow(
            "SELECT platform, author_id, "
            "count(*) FILTER (WHERE kind IN ('comment', 'reply')) AS authored_comments, "
            f"{measure_select(_MEASURES)} FROM (SELECT platform, author_id, kind, {row_select()} "
            f"FROM {src} m) r GROUP BY platform, author_id "
            "HAVING count(*) FILTER (WHERE is_post) >= ? ORDER BY platform, author_id",
            [*params, having],
        )
    )
    if not agg:
        return []
    posts = _rows(
        store.fetch_arrow(
            "SELECT platform, author_id, source_id, author_name, author_followers AS followers, "
            f"kind, title, text, created_at, {INTERACTIONS_SQL} AS ix, likes, comments, shares, "
            "views, topics, spam "
            f"FROM {src} m WHERE kind IN ({post_kinds}) ORDER BY created_at, source_id",
            params,
        )
    )
    by_author: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in posts:
        key = (row["platform"], row["author_id"])
        mine = by_author.get(key)
        if mine is None:
            by_author[key] = [row]
        else:
            mine.append(row)
    brand_topics = frozenset(t.name for t in store.get_topics(workspace) if t.group in BRAND_GROUPS)
    brands = _brand_sentiment(store, src, params, brand_topics, having)
    return [
        build_profile(
            r,
            by_author.get((r["platform"], r["author_id"]), []),
            brands.get((r["platform"], r["author_id"]), {}),
            brand_topics,
            tier_scheme,
        )
        for r in agg
    ]


def column_values(col: pa.ChunkedArray) -> list[Any]:
    """``col.to_pylist()``; UTC timestamps (the store's session zone) are built from their
    integer microseconds, which is several times faster and gives equal values."""
    kind = col.type
    utc = pa.types.is_timestamp(kind) and kind.unit == "us" and kind.tz == "UTC"
    sample = col.drop_null() if utc else col.slice(0, 0)
    if len(sample) == 0:
        values: list[Any] = col.to_pylist()
        return values
    tzinfo = sample.slice(0, 1).to_pylist()[0].tzinfo  # the very zone object pyarrow uses
    epoch = dt.datetime(1970, 1, 1, tzinfo=tzinfo)
    us = dt.timedelta(microseconds=1)
    return [None if v is None else epoch + v * us for v in col.cast(pa.int64()).to_pylist()]


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    """``table.to_pylist()``, converted column by column."""
    names = table.column_names
    columns = [column_values(table.column(name)) for name in names]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _brand_sentiment(
    store: Store,
    src: str,
    params: list[Any],
    brand_topics: set[str] | frozenset[str],
    min_posts: int = 0,
) -> dict[tuple[str, str], dict[str, dict[str, Any]]]:
    if not brand_topics:
        return {}
    # Only the rows of the brand topics and of the authors profiled (≥ min_posts posts)
    # leave the database.
    post_kinds = ", ".join(f"'{k}'" for k in POST_KINDS)
    rows = store.fetch_all(
        f"WITH authors AS (SELECT platform, author_id FROM {src} m GROUP BY ALL "
        f"HAVING count(*) FILTER (WHERE kind IN ({post_kinds})) >= ?) "
        "SELECT platform, author_id, t, count(*), "
        "count(*) FILTER (WHERE sentiment = 'positive'), "
        "count(*) FILTER (WHERE sentiment = 'negative'), count(sentiment) "
        f"FROM (SELECT platform, author_id, sentiment, unnest(topics) AS t FROM {src} m "
        "SEMI JOIN authors USING (platform, author_id)) x "
        "WHERE list_contains(?::VARCHAR[], t) GROUP BY ALL",
        [*params, max(min_posts, 0), *params, sorted(brand_topics)],
    )
    out: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for platform, author_id, topic, n, pos, neg, analysed in rows:
        if topic not in brand_topics:
            continue
        out.setdefault((str(platform), str(author_id)), {})[str(topic)] = {
            "mentions": int(n),
            "positive": int(pos),
            "negative": int(neg),
            "analysed": int(analysed),
            "net_sentiment": ratio(int(pos) - int(neg), int(pos) + int(neg), 100.0),
        }
    return out


def _er_followers(r: dict[str, Any]) -> tuple[float | None, str | None]:
    """``engagement_rate(totals, "followers")``'s value and reason, without building the
    metric (its unavailable reasons come from it, so they cannot drift)."""
    posts, included = int(float(r["posts"] or 0)), int(float(r["erf_n"] or 0))
    if posts == 0 or included == 0:
        return None, _er_unavailable_reason(posts == 0)
    return ratio(float(r["erf_ix"] or 0), float(r["erf_den"] or 0), 100.0), None


@functools.cache
def _er_unavailable_reason(no_posts: bool) -> str | None:
    totals = {name: 0.0 for name in _MEASURES}
    totals["posts"] = totals["posts_ix_n"] = 0.0 if no_posts else 1.0
    return engagement_rate(totals, "followers").reason


def _most_common(counts: dict[str, int], n: int | None = None) -> dict[str, int]:
    """``dict(Counter(counts).most_common(n))``: by count, ties in first-seen order."""
    if len(counts) < 2:
        return dict(counts)
    ordered = sorted(counts.items(), key=_COUNT, reverse=True)
    return dict(ordered if n is None else ordered[:n])


def _sponsorship(
    posts: list[dict[str, Any]], brand_topics: set[str] | frozenset[str]
) -> tuple[int, dict[str, int], dict[str, int], dict[str, int]]:
    """Sponsored posts: how many, their markers, brand topics and hashtags (top 10)."""
    hits = []
    for p in posts:
        title, body = p["title"], p["text"]
        text = f"{title} {body}" if title and body else (title or body or "")
        found = sponsor_markers(text)
        if found:
            hits.append((p, text, found))
    if not hits:  # most authors
        return 0, {}, {}, {}
    markers: Counter[str] = Counter()
    brands: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    sponsored = 0
    for p, text, found in hits:
        if found:
            sponsored += 1
            markers.update(found)
            brands.update(t for t in (p["topics"] or ()) if t in brand_topics)
            tags.update(
                tag.lower() for tag in _HASHTAG.findall(text) if fold(tag) not in SPONSOR_MARKERS
            )
    return (
        sponsored,
        dict(markers.most_common()),
        dict(brands.most_common()),
        dict(tags.most_common(10)),
    )


def build_profile(
    r: dict[str, Any],
    posts: list[dict[str, Any]],
    brands: dict[str, dict[str, Any]],
    brand_topics: set[str] | frozenset[str],
    tier_scheme: TierScheme = DEFAULT_SCHEME,
) -> Profile:
    """A profile from the author's aggregate row ``r`` and their posts (oldest first)."""
    er_f, er_f_reason = _er_followers(r)
    history: list[tuple[str, int]] = []
    name: str | None = None
    interactions: int | None = None
    ix_mean = ix_median = er_v = gap = None
    views: int | None = None
    times: list[dt.datetime] = []
    topics: dict[str, int] = {}
    if len(posts) == 1:  # most authors: the same numbers without the loops
        p = posts[0]
        at, f, x, v = p["created_at"], p["followers"], p["ix"], p["views"]
        if f is not None:
            history.append((_day(at), int(f)))
        name = p["author_name"] or None
        if x is not None:
            interactions = int(x)
            ix_mean = ix_median = float(interactions)
        if v is not None:
            views = int(v)
            if x is not None and v > 0:
                er_v = ratio(int(x), views, 100.0)
        if at is not None:
            times.append(at)
        for topic in p["topics"] or ():
            topics[topic] = topics.get(topic, 0) + 1
    else:
        ix: list[int] = []
        erv_ix = erv_views = 0
        erv_known = False
        for p in posts:
            at = p["created_at"]
            if p["followers"] is not None:
                day = _day(at)
                f = int(p["followers"])
                if history and history[-1][0] == day:
                    history[-1] = (day, f)
                elif not history or history[-1][1] != f:
                    history.append((day, f))
            if p["author_name"]:
                name = p["author_name"]  # the latest post's name wins
            x, v = p["ix"], p["views"]
            if x is not None:
                ix.append(int(x))
            if v is not None:
                views = (views or 0) + int(v)
                if x is not None and v > 0:
                    erv_ix += int(x)
                    erv_views += int(v)
                    erv_known = True
            if at is not None:
                times.append(at)
            for topic in p["topics"] or ():
                topics[topic] = topics.get(topic, 0) + 1
        if ix:
            interactions = sum(ix)
            ix_mean = statistics.fmean(ix)
            ix_median = float(statistics.median(ix))
        er_v = ratio(erv_ix, erv_views, 100.0) if erv_known else None
        if len(times) > 1:
            gap = float(
                statistics.median(
                    [(b - a).total_seconds() / 3600 for a, b in itertools.pairwise(times)]
                )
            )
    followers = history[-1][1] if history else None
    video = r["platform"] in VIDEO_PLATFORMS
    er_by = "views" if video and er_v is not None else "followers"
    rhythm_weeks = ((times[-1] - times[0]).total_seconds() / (7 * 86400)) if len(times) > 1 else 0.0
    first_post = times[0].isoformat() if times else None
    last_post = (first_post if len(times) == 1 else times[-1].isoformat()) if times else None
    sponsored, markers, sponsored_brands, sponsored_tags = _sponsorship(posts, brand_topics)
    return Profile(
        platform=r["platform"],
        author_id=r["author_id"],
        name=name,
        followers=followers,
        followers_history=history[-60:],
        tier=tier_scheme.tier(followers),
        tier_scheme=tier_scheme.name,
        mentions=int(r["n"]),
        posts=int(r["posts"]),
        comments=int(r["authored_comments"]),
        interactions=interactions,
        interactions_mean=ix_mean,
        interactions_median=ix_median,
        views=views,
        er_followers=er_f,
        er_followers_reason=er_f_reason,
        er_views=er_v,
        er=er_v if er_by == "views" else er_f,
        er_by=er_by,
        er_formula=ER_VIEWS_FORMULA if er_by == "views" else ER_FOLLOWERS_FORMULA,
        posts_per_week=(len(times) / max(rhythm_weeks, 1.0)) if times else None,
        median_gap_hours=gap,
        first_post=first_post,
        last_post=last_post,
        topics=_most_common(topics),
        brands=brands,
        sponsored_posts=sponsored,
        sponsor_markers=markers,
        sponsored_brands=sponsored_brands,
        sponsored_hashtags=sponsored_tags,
        post_rows=posts,
    )


def _day(ts: dt.datetime | None) -> str:
    return ts.date().isoformat() if ts is not None else ""
