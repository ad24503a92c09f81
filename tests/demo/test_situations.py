"""Each planted situation is described by the ground truth and visible in the data."""

from __future__ import annotations

import datetime as dt
from difflib import SequenceMatcher
from typing import Any

import duckdb

from .conftest import situation


def _t(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))


def _daily(
    db: duckdb.DuckDBPyConnection, brand: str, start: dt.datetime, end: dt.datetime
) -> tuple[float, float]:
    """Mentions per day naming ``brand`` and their negative share, in [start, end)."""
    row = db.execute(
        "SELECT count(*), avg((a->>'true_sentiment' = 'negative')::INT) FROM m "
        "WHERE list_contains(CAST(a->'true_brands' AS VARCHAR[]), ?) "
        "AND created_at >= ? AND created_at < ?",
        parameters=[brand, start, end],
    ).fetchone()
    assert row is not None
    days = (end - start).total_seconds() / 86400
    return row[0] / days, float(row[1])


def test_crisis_follows_the_documented_path(
    db: duckdb.DuckDBPyConnection, truth: dict[str, Any]
) -> None:
    (crisis,) = situation(truth, "crisis")
    brand = crisis["brand"]
    start, end = _t(crisis["window"]["start"]), _t(crisis["window"]["end"])
    before_volume, before_negative = _daily(db, brand, start - dt.timedelta(days=14), start)
    volume, negative = _daily(db, brand, start, end)
    assert volume > 1.3 * before_volume
    assert negative > before_negative + 0.08

    stages = {s["stage"]: (_t(s["start"]), _t(s["end"])) for s in crisis["stages"]}
    assert list(stages) == [
        "complaints", "buzz_rise", "negative_turn", "news_pickup", "amplification",
        "response", "recovery",
    ]  # fmt: skip
    per_stage = {name: _daily(db, brand, lo, hi) for name, (lo, hi) in stages.items()}
    # complaints barely move the buzz; the negative share turns before news and pages
    assert per_stage["complaints"][0] < 1.4 * before_volume
    assert per_stage["buzz_rise"][0] > per_stage["complaints"][0]
    assert per_stage["negative_turn"][1] > per_stage["complaints"][1] + 0.1
    assert per_stage["amplification"][0] > 2 * before_volume
    assert per_stage["amplification"][0] > per_stage["buzz_rise"][0]
    assert per_stage["recovery"][0] < per_stage["amplification"][0]
    last_days = _daily(db, brand, end - dt.timedelta(days=3), end)
    assert last_days[1] < per_stage["amplification"][1]

    # key posts: complaints first, then news outlets, then big pages, then the statement
    def first(role: str) -> dt.datetime:
        return min(_t(p["created_at"]) for p in crisis["key_posts"][role])

    assert first("first_complaint") < first("news_article") < first("big_page_post")
    assert first("big_page_post") < first("statement") < first("response_news")
    assert stages["news_pickup"][0] <= first("news_article") < stages["news_pickup"][1]
    for role, posts in crisis["key_posts"].items():
        for post in posts:
            row = db.execute(
                "SELECT author_kind, author_followers, a->>'demo_truth', a->>'crisis_stage' "
                "FROM m WHERE platform = ? AND source_id = ?",
                parameters=[post["platform"], post["source_id"]],
            ).fetchone()
            assert row is not None, (role, post)
            kind, followers, label, stage = row
            assert label == "crisis" and stage == post["stage"]
            if role in ("news_article", "response_news", "news_page_post"):
                assert kind == "news"
            if role == "big_page_post":
                assert kind == "page" and followers >= 500_000
            if role == "statement":
                assert kind == "brand"
    rows = db.execute("SELECT count(*) FROM m WHERE a->>'demo_truth' = 'crisis'").fetchone()
    assert rows == (crisis["rows"],)


def test_giveaway_inflates_likes_and_comments(
    db: duckdb.DuckDBPyConnection, truth: dict[str, Any]
) -> None:
    giveaways = situation(truth, "giveaway")
    assert len(giveaways) >= 1
    for g in giveaways:
        post = g["post"]
        row = db.execute(
            "SELECT likes, comments, shares, author_kind, a->>'thread_brand', text FROM m "
            "WHERE platform = ? AND source_id = ?",
            parameters=[post["platform"], post["source_id"]],
        ).fetchone()
        assert row is not None
        likes, comments, shares, kind, brand, text = row
        assert kind == "brand" and brand == g["brand"] and "MINIGAME" in text
        assert shares > comments / 2  # "share to take part"
        usual = db.execute(
            "SELECT median(likes), median(comments) FROM m WHERE a->>'demo_role' = 'brand_post' "
            "AND platform = 'facebook' AND a->>'thread_brand' = ?",
            parameters=[g["brand"]],
        ).fetchone()
        assert usual is not None
        assert likes > 5 * usual[0] and comments > 5 * usual[1]
        children = db.execute(
            "SELECT count(*), count(*) FILTER (WHERE a->>'demo_truth' = 'giveaway'), "
            "count(*) FILTER (WHERE text IN ('chấm', '.', 'xin 1 suất', 'hóng', 'tham gia') "
            "OR text LIKE '%@%@%@%'), min(created_at), max(created_at) FROM m "
            "WHERE platform = ? AND parent_id = ?",
            parameters=[post["platform"], post["source_id"]],
        ).fetchone()
        assert children is not None
        n, labelled, filler, lo, hi = children
        assert n == labelled == g["comment_rows"] and comments >= n
        assert filler > 0.4 * n
        assert _t(g["window"]["start"]) <= lo and hi <= _t(g["window"]["end"])


def test_seeding_is_near_duplicate_praise_from_young_small_accounts(
    db: duckdb.DuckDBPyConnection, truth: dict[str, Any]
) -> None:
    for s in situation(truth, "seeding"):
        rows = db.execute(
            "SELECT a->>'seeding_cluster', text, author_id, author_followers, "
            "a->>'author_joined', a->>'true_sentiment', created_at, platform, kind, parent_id "
            "FROM m WHERE a->>'demo_truth' = 'seeding' AND a->>'seeding_cluster' LIKE ?",
            parameters=[s["key"] + "-%"],
        ).fetchall()
        assert len(rows) == s["rows"]
        start, end = _t(s["window"]["start"]), _t(s["window"]["end"])
        authors = set(s["author_ids"])
        assert len(authors) == s["author_count"]
        templates = {c["cluster"]: c["template"] for c in s["clusters"]}
        for cluster, text, author, followers, joined, sentiment, created, *_ in rows:
            assert author in authors and followers <= 300 and sentiment == "positive"
            assert start <= created < end + dt.timedelta(days=1)
            assert dt.date.fromisoformat(joined) >= start.date() - dt.timedelta(days=60)
            assert SequenceMatcher(None, text.lower(), templates[cluster].lower()).ratio() > 0.6
        # exact and near duplicates within clusters
        texts = [r[1] for r in rows]
        assert len(set(texts)) < 0.5 * len(texts)
        # comments sit under the brand's own posts
        parents = db.execute(
            "SELECT DISTINCT p.author_kind, p.a->>'thread_brand' FROM m c JOIN m p "
            "ON p.platform = c.platform AND p.source_id = c.parent_id "
            "WHERE c.a->>'seeding_cluster' LIKE ?",
            parameters=[s["key"] + "-%"],
        ).fetchall()
        assert parents == [("brand", s["brand"])]
        # organic authors of the same brand are older and bigger on average
        organic = db.execute(
            "SELECT median(author_followers) FROM m WHERE a->>'demo_truth' = 'organic' "
            "AND author_kind = 'person' AND author_followers IS NOT NULL"
        ).fetchone()
        assert organic is not None
        seeded = sorted(r[3] for r in rows)[len(rows) // 2]
        assert seeded < organic[0]


def test_kol_campaign_posts_and_uplift(
    db: duckdb.DuckDBPyConnection, truth: dict[str, Any]
) -> None:
    (c,) = situation(truth, "kol_campaign")
    start, end = _t(c["window"]["start"]), _t(c["window"]["end"])
    assert set(c["kol_tiers"]) >= {"nano", "micro", "macro", "mega"}
    for post in c["kol_posts"]:
        row = db.execute(
            "SELECT created_at, text, author_id, author_followers, a->>'demo_role', comments "
            "FROM m WHERE platform = ? AND source_id = ?",
            parameters=[post["platform"], post["source_id"]],
        ).fetchone()
        assert row is not None
        created, text, author, followers, role, comments = row
        assert start <= created < end and c["hashtag"] in text
        assert author == post["author_id"] and followers == post["followers"]
        assert role == "kol_post" and comments >= post["collected_comments"]
    # more conversation about the brand than in the two weeks before
    before, _ = _daily(db, c["brand"], start - dt.timedelta(days=14), start)
    during, _ = _daily(db, c["brand"], start, end)
    assert during > 1.15 * before
    tagged = db.execute(
        "SELECT count(*) FILTER (WHERE created_at < ?), count(*) FILTER (WHERE created_at >= ?) "
        "FROM m WHERE text LIKE '%' || ? || '%'",
        parameters=[start, start, c["hashtag"]],
    ).fetchone()
    assert tagged is not None and tagged[0] == 0 and tagged[1] > len(c["kol_posts"])
    # KOL posts draw more comments than the brand's organic posts
    med = db.execute(
        "SELECT median(comments) FILTER (WHERE a->>'demo_role' = 'kol_post'), "
        "median(comments) FILTER (WHERE a->>'demo_truth' = 'organic' AND parent_id IS NULL "
        "AND a->>'thread_brand' = ? AND author_kind = 'person') FROM m",
        parameters=[c["brand"]],
    ).fetchone()
    assert med is not None and med[0] > 3 * med[1]
    rows = db.execute("SELECT count(*) FROM m WHERE a->>'demo_truth' = 'campaign'").fetchone()
    assert rows == (c["rows"],)
