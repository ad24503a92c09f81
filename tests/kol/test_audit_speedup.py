"""The fast audit (comment signs in SQL, column-wise profiles) against pure-Python
reference implementations of the documented definitions (the code before the speed-up)."""

from __future__ import annotations

import itertools
import json
import random
import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.kol.scenario import build
from tests.metrics.helpers import WS, add, mention, topics
from tinhieu.kol.find import audit
from tinhieu.kol.profiles import (
    _MEASURES,
    SPONSOR_MARKERS,
    VIDEO_PLATFORMS,
    build_profile,
    fold,
    sponsor_markers,
)
from tinhieu.kol.quality import (
    COMMENT_SIGNS,
    DUP_MIN_AUTHORS,
    LOW_FOLLOWERS,
    POD_MIN_KOLS,
    YOUNG_DAYS,
    CommentCounts,
    audience_quality,
    load_comment_table,
    load_comments,
    pod_commenters,
)
from tinhieu.metrics.engagement import engagement_rate
from tinhieu.metrics.measures import POST_KINDS
from tinhieu.metrics.result import ratio
from tinhieu.store import DuckDBStore, open_store

T0 = datetime(2025, 3, 1, 3, 0, tzinfo=UTC)


# --- references (pure Python, as the module docstrings define them) ----------------------
def ref_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").replace("đ", "d")


def ref_markers(text: str | None) -> list[str]:
    if not text:
        return []
    folded = ref_fold(text)
    return [name for name, rx in SPONSOR_MARKERS.items() if re.search(rx, folded)]


def ref_normalise(text: str | None) -> str:
    if not text:
        return ""
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[^a-z0-9]+", " ", ref_fold(text))).strip()


def ref_counts(comments: list[Any], pods: set[tuple[str, str]]) -> CommentCounts:
    texts: dict[str, set[Any]] = defaultdict(set)
    for i, c in enumerate(comments):
        norm = ref_normalise(c.text)
        if norm:
            texts[norm].add(c.commenter or ("anonymous", i))
    signs: Counter[str] = Counter()
    suspicious = 0
    for c in comments:
        hit = set()
        if c.spam is not None and c.spam != "none":
            hit.add("flagged")
        if len(texts.get(ref_normalise(c.text), ())) >= DUP_MIN_AUTHORS:
            hit.add("duplicate")
        if c.joined and (c.created_at.date() - c.joined).days < YOUNG_DAYS:
            hit.add("young")
        if c.followers is not None and 0 <= c.followers <= LOW_FOLLOWERS and c.activity <= 1:
            hit.add("low_activity")
        if c.commenter is not None and (c.platform, c.commenter) in pods:
            hit.add("pod")
        signs.update(hit)
        suspicious += bool(hit)
    return CommentCounts(len(comments), suspicious, {s: signs[s] for s in COMMENT_SIGNS})


def ref_pods(comments: list[Any]) -> set[tuple[str, str]]:
    kols: dict[tuple[str, str], set[str]] = defaultdict(set)
    fast: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    for c in comments:
        if c.commenter is None:
            continue
        key = (c.platform, c.commenter)
        kols[key].add(c.kol)
        total[key] += 1
        if c.created_at - c.post_at <= timedelta(minutes=60):
            fast[key] += 1
    return {k for k, v in kols.items() if len(v) >= POD_MIN_KOLS and 3 * fast[k] >= 2 * total[k]}


def ref_profile(r: dict[str, Any], posts: list[dict[str, Any]], brand_topics: set[str]) -> dict:
    """The profile fields build_profile derives from the posts (the loop before the
    speed-up), as a dict."""
    totals = {name: float(r[name] or 0) for name in _MEASURES}
    er_f = engagement_rate(totals, "followers")
    history: list[tuple[str, int]] = []
    for p in posts:
        if p["followers"] is None:
            continue
        day = p["created_at"].date().isoformat()
        f = int(p["followers"])
        if history and history[-1][0] == day:
            history[-1] = (day, f)
        elif not history or history[-1][1] != f:
            history.append((day, f))
    ix = [int(p["ix"]) for p in posts if p["ix"] is not None]
    known = [p for p in posts if p["views"] is not None]
    pairs = [
        (int(p["ix"]), int(p["views"]))
        for p in posts
        if p["ix"] is not None and (p["views"] or 0) > 0
    ]
    er_v = ratio(sum(a for a, _ in pairs), sum(b for _, b in pairs), 100.0) if pairs else None
    er_by = "views" if r["platform"] in VIDEO_PLATFORMS and er_v is not None else "followers"
    times = [p["created_at"] for p in posts]
    weeks = (times[-1] - times[0]).total_seconds() / (7 * 86400) if len(times) > 1 else 0.0
    gaps = [(b - a).total_seconds() / 3600 for a, b in itertools.pairwise(times)]
    tops: Counter[str] = Counter()
    markers: Counter[str] = Counter()
    s_brands: Counter[str] = Counter()
    s_tags: Counter[str] = Counter()
    sponsored = 0
    for p in posts:
        tops.update(p["topics"] or [])
        text = " ".join(x for x in (p["title"], p["text"]) if x)
        found = ref_markers(text)
        if found:
            sponsored += 1
            markers.update(found)
            s_brands.update(t for t in (p["topics"] or []) if t in brand_topics)
            s_tags.update(
                t.lower()
                for t in re.findall(r"#[^\W_][\w]*", text)
                if ref_fold(t) not in SPONSOR_MARKERS
            )
    followers = history[-1][1] if history else None
    return {
        "name": next((p["author_name"] for p in reversed(posts) if p["author_name"]), None),
        "followers": followers,
        "followers_history": [list(h) for h in history[-60:]],
        "interactions": sum(ix) if ix else None,
        "interactions_mean": statistics.fmean(ix) if ix else None,
        "interactions_median": float(statistics.median(ix)) if ix else None,
        "views": sum(int(p["views"]) for p in known) if known else None,
        "er_followers": er_f.value,
        "er_followers_reason": er_f.reason,
        "er_views": er_v,
        "er": er_v if er_by == "views" else er_f.value,
        "er_by": er_by,
        "posts_per_week": len(times) / max(weeks, 1.0) if times else None,
        "median_gap_hours": float(statistics.median(gaps)) if gaps else None,
        "first_post": times[0].isoformat() if times else None,
        "last_post": times[-1].isoformat() if times else None,
        "topics": dict(tops.most_common()),
        "sponsored_posts": sponsored,
        "sponsor_markers": dict(markers.most_common()),
        "sponsored_brands": dict(s_brands.most_common()),
        "sponsored_hashtags": dict(s_tags.most_common(10)),
    }


# --- a varied workspace ----------------------------------------------------------------
TEXTS = [
    None,
    "",
    "hay quá",
    "Hay quáááá!!",
    "HAY QUA",
    "xinh quá 😍",
    "Xinh quaaa 😍😍",
    "đẹp",
    "Đẹp",
    "🔥🔥",
    "ok",
    "Cảm ơn Lumi đã TÀI TRỢ #HợpTác",
    "bài viết quảng cáo #ad nhé",
    "#adidas đẹp #Trà_sữa",
    "hợp tác với Lumi #partnership #Collab",
    "ﬁne ÅNGSTRÖM Ωmega ı İ ß",
    "n\u0303o combining e\u0301",
]


def _random_workspace(store: DuckDBStore, seed: int) -> None:
    rng = random.Random(seed)
    topics(store, {"Lumi": "brand", "Rival": "competitor", "Trà sữa": "category"})
    rows: list[dict[str, Any]] = []
    posts: list[dict[str, Any]] = []
    kols = [f"k{i}" for i in range(8)]
    for k, kol in enumerate(kols):
        for platform in ("facebook", "tiktok") if k % 3 == 0 else ("facebook",):  # two platforms
            for i in range(rng.choice([1, 1, 2, 6])):
                post = mention(
                    platform=platform,
                    source_id=f"{platform}-{kol}-p{i}",
                    kind=rng.choice(POST_KINDS),
                    author_id=kol,
                    author_name=rng.choice([None, "", kol.upper(), f"{kol} mới"]),
                    author_followers=rng.choice([None, 0, -5, 10**13, 900, 50_000, 51_000, 70_000]),
                    created_at=T0 + timedelta(hours=rng.choice([0, 5, 30, 200]) * i),
                    title=rng.choice([None, "", "Tài trợ bởi Lumi"]),
                    text=rng.choice(TEXTS),
                    likes=rng.choice([None, 0, 10, 5000]),
                    comments=rng.choice([None, 0, 3, 40]),
                    views=rng.choice([None, 0, 100, 90_000]),
                    topics=rng.choice([None, [], ["Lumi"], ["Trà sữa", "Lumi", "Trà sữa"]]),
                    sentiment=rng.choice([None, "positive", "negative"]),
                )
                posts.append(post)
    rows.extend(posts)
    commenters = [None, "", "c1", "c2", "c3", "c4", "c5", "c6"]
    for j in range(400):
        post = rng.choice(posts)
        joined = rng.choice([None, "2025-02-20", "2019-05-01", "not a date", "2024-12-03"])
        rows.append(
            mention(
                platform=post["platform"],
                source_id=f"c{j}",
                kind="comment",
                parent_id=post["source_id"],
                author_id=rng.choice(commenters),
                author_followers=rng.choice([None, 0, -1, 5, 10, 11, 10**13]),
                text=rng.choice(TEXTS),
                spam=rng.choice([None, "none", "none", "spam", "seeding"]),
                created_at=post["created_at"]
                + timedelta(minutes=rng.choice([-5, 0, 60, 61, 3000])),
                attrs=None if joined is None else json.dumps({"author_joined": joined}),
                sentiment=rng.choice([None, "positive", "negative", "neutral"]),
            )
        )
    # commenters with other mentions (activity > 1) and a comment on no known post
    rows.append(mention(source_id="x1", author_id="c5", kind="post", platform="instagram"))
    rows.append(mention(source_id="x2", kind="comment", parent_id="missing", author_id="c1"))
    add(store, rows)


@pytest.fixture(params=["scenario", 1, 2, 3])
def any_store(request: pytest.FixtureRequest) -> Iterator[DuckDBStore]:
    s = open_store(":memory:")
    s.ensure_workspace(WS, "Asia/Ho_Chi_Minh")
    if request.param == "scenario":
        build(s)
    else:
        _random_workspace(s, request.param)
    try:
        yield s
    finally:
        s.close()


# --- checks ----------------------------------------------------------------------------
def test_fold_and_markers_match_the_reference() -> None:
    rng = random.Random(5)
    alphabet = "aAđĐ ạẠêỆ#_ơƯ\u0301\u0323😍ßİıﬁΩ\t-xyz0"
    samples = [t for t in TEXTS if t is not None]
    samples += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(300)
    ]
    samples += ["#ad", "x#ad", "##ad", "tài  trợ", "Tài Trợ", "bài quảng cáo", "hợp tác cùng"]
    for text in samples:
        assert fold(text) == ref_fold(text), text
        assert sponsor_markers(text) == ref_markers(text), text
    assert sponsor_markers(None) == [] and fold("") == ""


def test_comment_table_matches_load_comments_reference(any_store: DuckDBStore) -> None:
    table = load_comment_table(any_store, WS)
    every = [c for key in table.rows for c in table.comments(key)]
    pods = ref_pods(every)
    assert pod_commenters(every) == pods
    counts = table.counts()
    assert set(counts) == set(table.rows)
    by_author = load_comments(any_store, WS)
    for key, comments in by_author.items():
        assert all(c.kol == key[1] and c.platform == key[0] for c in comments)
        expected = ref_counts(comments, pods)
        assert counts[key] == expected, key
        assert audience_quality_counts(comments, pods) == expected


def audience_quality_counts(comments: list[Any], pods: set[tuple[str, str]]) -> CommentCounts:
    """The counts the list-based :func:`audience_quality` (the web's path) reports."""
    from tinhieu.kol.profiles import Profile

    empty = Profile(
        "facebook", "x", None, None, [], "unknown", "default", 0, 0, 0, None, None, None, None,
        None, None, None, None, "followers", "", None, None, None, None, {}, {}, 0, {}, {}, {},
    )  # fmt: skip
    q = audience_quality(empty, comments, pods)
    return CommentCounts(q.comments, int(q.evidence["suspicious_comments"]), q.signs)


def test_audit_matches_reference_profiles_and_quality(any_store: DuckDBStore) -> None:
    brand_topics = {t.name for t in any_store.get_topics(WS) if t.group in ("brand", "competitor")}
    comments = load_comments(any_store, WS)
    pods = ref_pods([c for cs in comments.values() for c in cs])
    result = audit(any_store, WS)
    assert [p.key for p, _ in result] == sorted(p.key for p, _ in result)  # a stable order
    assert result, "the workspace has authors"
    for profile, quality in result:
        d = profile.to_dict()
        expected = ref_profile(
            {"platform": profile.platform, **_totals(any_store, profile.key)},
            profile.post_rows,
            brand_topics,
        )
        assert {k: d[k] for k in expected} == expected, profile.key
        slow = audience_quality(profile, comments.get(profile.key, []), pods)
        assert quality.to_dict() == slow.to_dict(), profile.key
        assert (quality.comments, quality.signs) == (
            ref_counts(comments.get(profile.key, []), pods).comments,
            ref_counts(comments.get(profile.key, []), pods).signs,
        )


def _totals(store: DuckDBStore, key: tuple[str, str]) -> dict[str, Any]:
    """The aggregate row of one author, as load_profiles' SQL computes it."""
    from tinhieu.kol.profiles import _clean_mentions
    from tinhieu.metrics.measures import measure_select, row_select

    src = _clean_mentions("workspace = ? AND platform = ? AND author_id = ?")
    row = store.fetch_arrow(
        f"SELECT {measure_select(_MEASURES)} FROM (SELECT {row_select()} FROM {src} m) r",
        [WS, *key],
    ).to_pylist()[0]
    return dict(row)


def test_single_and_many_posts_paths_agree() -> None:
    """The one-post shortcut gives what the general loop gives on the same post."""
    post = {
        "platform": "tiktok", "author_id": "a", "source_id": "s", "author_name": "",
        "followers": 1200, "kind": "video", "title": None, "text": "#ad Tài trợ #Lumi",
        "created_at": T0, "ix": 70, "likes": 60, "comments": 10, "shares": 0, "views": 0,
        "topics": ["Lumi", "Lumi", "Trà sữa"], "spam": None,
    }  # fmt: skip
    r = {"platform": "tiktok", "author_id": "a", "n": 1, "posts": 1, "authored_comments": 0}
    r |= {name: 0 for name in _MEASURES if name not in r}
    one = build_profile(r, [post], {}, {"Lumi"}).to_dict()
    expected = ref_profile(r, [post], {"Lumi"})
    assert {k: one[k] for k in expected} == expected
    assert one["sponsored_brands"] == {"Lumi": 2} and one["er_views"] is None
