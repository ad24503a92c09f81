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
import itertools
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final

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


def fold(text: str) -> str:
    """Lower case without accents (đ → d)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").replace("đ", "d")


def sponsor_markers(text: str | None) -> list[str]:
    """The sponsorship markers found in ``text`` (names of :data:`SPONSOR_MARKERS`)."""
    if not text:
        return []
    folded = fold(text)
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
    where = ["workspace = ?", "author_id IS NOT NULL"]
    params: list[Any] = [workspace]
    if platform:
        where.append("platform = ?")
        params.append(platform)
    src = _clean_mentions(" AND ".join(where))
    post_kinds = ", ".join(f"'{k}'" for k in POST_KINDS)
    agg = store.fetch_arrow(
        "SELECT platform, author_id, "
        "count(*) FILTER (WHERE kind IN ('comment', 'reply')) AS authored_comments, "
        f"{measure_select(_MEASURES)} FROM (SELECT platform, author_id, kind, {row_select()} "
        f"FROM {src} m) r GROUP BY platform, author_id HAVING count(*) FILTER (WHERE is_post) >= ?",
        [*params, max(min_posts, 0)],
    ).to_pylist()
    if not agg:
        return []
    posts = store.fetch_arrow(
        "SELECT platform, author_id, source_id, author_name, author_followers AS followers, "
        f"kind, title, text, created_at, {INTERACTIONS_SQL} AS ix, likes, comments, shares, "
        "views, topics, spam "
        f"FROM {src} m WHERE kind IN ({post_kinds}) ORDER BY created_at, source_id",
        params,
    ).to_pylist()
    by_author: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in posts:
        by_author.setdefault((row["platform"], row["author_id"]), []).append(row)
    brand_topics = {t.name for t in store.get_topics(workspace) if t.group in BRAND_GROUPS}
    brands = _brand_sentiment(store, src, params, brand_topics)
    profiles = []
    for r in agg:
        key = (r["platform"], r["author_id"])
        profiles.append(
            build_profile(r, by_author.get(key, []), brands.get(key, {}), brand_topics, tier_scheme)
        )
    return profiles


def _brand_sentiment(
    store: Store, src: str, params: list[Any], brand_topics: set[str]
) -> dict[tuple[str, str], dict[str, dict[str, Any]]]:
    if not brand_topics:
        return {}
    rows = store.fetch_all(
        "SELECT platform, author_id, t, count(*), "
        "count(*) FILTER (WHERE sentiment = 'positive'), "
        "count(*) FILTER (WHERE sentiment = 'negative'), count(sentiment) "
        f"FROM (SELECT platform, author_id, sentiment, unnest(topics) AS t FROM {src} m) x "
        "GROUP BY ALL",
        params,
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


def build_profile(
    r: dict[str, Any],
    posts: list[dict[str, Any]],
    brands: dict[str, dict[str, Any]],
    brand_topics: set[str],
    tier_scheme: TierScheme = DEFAULT_SCHEME,
) -> Profile:
    """A profile from the author's aggregate row ``r`` and their posts (oldest first)."""
    totals = {name: float(r[name] or 0) for name in _MEASURES}
    er_f = engagement_rate(totals, "followers")
    history: list[tuple[str, int]] = []
    for p in posts:
        if p["followers"] is None:
            continue
        day = _day(p["created_at"])
        f = int(p["followers"])
        if history and history[-1][0] == day:
            history[-1] = (day, f)
        elif not history or history[-1][1] != f:
            history.append((day, f))
    followers = history[-1][1] if history else None
    name = next((p["author_name"] for p in reversed(posts) if p["author_name"]), None)
    ix = [int(p["ix"]) for p in posts if p["ix"] is not None]
    views_known = [p for p in posts if p["views"] is not None]
    views = sum(int(p["views"]) for p in views_known) if views_known else None
    er_pairs = [
        (int(p["ix"]), int(p["views"]))
        for p in posts
        if p["ix"] is not None and (p["views"] or 0) > 0
    ]
    er_v = (
        ratio(sum(a for a, _ in er_pairs), sum(b for _, b in er_pairs), 100.0) if er_pairs else None
    )
    video = r["platform"] in VIDEO_PLATFORMS
    er_by = "views" if video and er_v is not None else "followers"
    times = [p["created_at"] for p in posts if p["created_at"] is not None]
    rhythm_weeks = ((times[-1] - times[0]).total_seconds() / (7 * 86400)) if len(times) > 1 else 0.0
    gaps = [(b - a).total_seconds() / 3600 for a, b in itertools.pairwise(times)]
    topics: Counter[str] = Counter()
    markers: Counter[str] = Counter()
    sponsored_brands: Counter[str] = Counter()
    sponsored_tags: Counter[str] = Counter()
    sponsored = 0
    for p in posts:
        topics.update(p["topics"] or [])
        text = " ".join(x for x in (p["title"], p["text"]) if x)
        found = sponsor_markers(text)
        if found:
            sponsored += 1
            markers.update(found)
            sponsored_brands.update(t for t in (p["topics"] or []) if t in brand_topics)
            sponsored_tags.update(
                tag.lower() for tag in _HASHTAG.findall(text) if fold(tag) not in SPONSOR_MARKERS
            )
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
        interactions=sum(ix) if ix else None,
        interactions_mean=statistics.fmean(ix) if ix else None,
        interactions_median=float(statistics.median(ix)) if ix else None,
        views=views,
        er_followers=er_f.value,
        er_followers_reason=er_f.reason,
        er_views=er_v,
        er=er_v if er_by == "views" else er_f.value,
        er_by=er_by,
        er_formula=ER_VIEWS_FORMULA if er_by == "views" else ER_FOLLOWERS_FORMULA,
        posts_per_week=(len(times) / max(rhythm_weeks, 1.0)) if times else None,
        median_gap_hours=float(statistics.median(gaps)) if gaps else None,
        first_post=times[0].isoformat() if times else None,
        last_post=times[-1].isoformat() if times else None,
        topics=dict(topics.most_common()),
        brands=brands,
        sponsored_posts=sponsored,
        sponsor_markers=dict(markers.most_common()),
        sponsored_brands=dict(sponsored_brands.most_common()),
        sponsored_hashtags=dict(sponsored_tags.most_common(10)),
        post_rows=posts,
    )


def _day(ts: dt.datetime | None) -> str:
    return ts.date().isoformat() if ts is not None else ""
