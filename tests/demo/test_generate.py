"""The demo data: shape, determinism, volume, ids, authors, text."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from tinhieu.demo import DemoConfig, demo_topics, generate, ground_truth
from tinhieu.demo.authors import TIER_BOUNDS
from tinhieu.demo.brands import BRANDS
from tinhieu.schema import ARROW_SCHEMA, ENRICHMENT
from tinhieu.store import open_store
from tinhieu.text.normalise import fold

from .conftest import END, FULL

SMALL = DemoConfig(days=30, scale=0.05, seed=7, end=END, workspace="acme")


def _all(config: DemoConfig) -> pa.Table:
    return pa.concat_tables(list(generate(config)))


def test_batches_conform_to_the_mention_schema() -> None:
    batches = list(generate(SMALL))
    assert batches
    for batch in batches:
        assert batch.schema == ARROW_SCHEMA
        assert 0 < batch.num_rows <= 200_000


def test_same_seed_same_data_other_seed_other_data() -> None:
    first = _all(SMALL)
    again = pa.concat_tables(list(generate(SMALL, workers=1)))
    assert first.equals(again)
    threads = pa.concat_tables(list(generate(SMALL, workers=3)))
    assert first.equals(threads)
    assert ground_truth(SMALL) == ground_truth(SMALL)
    other = _all(DemoConfig(days=30, scale=0.05, seed=8, end=END, workspace="acme"))
    assert not first.column("text").equals(other.column("text"))


def test_default_size_is_about_100k_and_matches_ground_truth(
    full_table: pa.Table, truth: dict[str, Any]
) -> None:
    assert 90_000 <= full_table.num_rows <= 110_000
    assert truth["expected_rows"] == full_table.num_rows


def test_volume_scales_linearly_and_batches_stay_small() -> None:
    big = DemoConfig(scale=2.2, end=END)
    sizes = [b.num_rows for b in generate(big)]
    assert len(sizes) >= 2
    assert max(sizes) <= 200_000
    total = sum(sizes)
    assert total == ground_truth(big)["expected_rows"]
    assert 2.0 * 100_000 <= total <= 2.4 * 100_000
    small = ground_truth(DemoConfig(scale=0.5, end=END))["expected_rows"]
    assert 45_000 <= small <= 55_000


def test_workspace_times_and_enrichment(full_table: pa.Table, truth: dict[str, Any]) -> None:
    small = _all(SMALL)
    assert set(small.column("workspace").to_pylist()) == {"acme"}
    assert set(full_table.column("source_tz").to_pylist()) == {"+07:00"}
    assert full_table.schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    start = dt.datetime.fromisoformat(truth["period"]["start"])
    end = dt.datetime.fromisoformat(truth["period"]["end"])
    created = full_table.column("created_at").to_pylist()
    assert min(created) >= start and max(created) < end
    collected = full_table.column("collected_at").to_pylist()
    assert min(collected) >= end and max(collected) <= end + dt.timedelta(hours=5)
    # the period is 90 Vietnam days ending on END
    assert truth["period"]["last_day"] == END.isoformat()
    assert end - start == dt.timedelta(days=90)
    for name in ENRICHMENT:
        assert full_table.column(name).null_count == full_table.num_rows, name


def test_source_ids_unique_per_platform(db: duckdb.DuckDBPyConnection) -> None:
    row = db.execute("SELECT count(*), count(DISTINCT (platform, source_id)) FROM m").fetchone()
    assert row is not None and row[0] == row[1]


def test_parent_ids_point_at_posts_of_the_same_platform(db: duckdb.DuckDBPyConnection) -> None:
    orphans = db.execute(
        "SELECT count(*) FROM m c LEFT JOIN m p "
        "ON p.platform = c.platform AND p.source_id = c.parent_id "
        "WHERE c.parent_id IS NOT NULL AND p.source_id IS NULL"
    ).fetchone()
    assert orphans == (0,)
    kinds = dict(
        db.execute(
            "SELECT c.kind, list_distinct(list(p.kind)) FROM m c JOIN m p "
            "ON p.platform = c.platform AND p.source_id = c.parent_id GROUP BY c.kind"
        ).fetchall()
    )
    assert set(kinds) == {"comment", "reply"}
    assert set(kinds["reply"]) == {"comment"}
    assert not set(kinds["comment"]) & {"comment", "reply"}
    roots_with_parent = db.execute(
        "SELECT count(*) FROM m WHERE kind IN ('post', 'video', 'article', 'review') "
        "AND parent_id IS NOT NULL"
    ).fetchone()
    assert roots_with_parent == (0,)
    # comments come after what they answer
    early = db.execute(
        "SELECT count(*) FROM m c JOIN m p ON p.platform = c.platform "
        "AND p.source_id = c.parent_id WHERE c.created_at < p.created_at"
    ).fetchone()
    assert early == (0,)


def test_platforms_kinds_and_engagement_fields(db: duckdb.DuckDBPyConnection) -> None:
    rows = db.execute(
        "SELECT platform, kind, count(*), count(likes), count(views), count(shares), "
        "count(reactions), count(title) FROM m GROUP BY ALL"
    ).fetchall()
    got = {
        (p, k): (n, likes, views, shares, reactions, titles)
        for p, k, n, *rest in rows
        for likes, views, shares, reactions, titles in [rest]
    }
    assert {p for p, _ in got} == {"facebook", "tiktok", "youtube", "forum", "news", "review"}
    for key in [("facebook", "post"), ("facebook", "comment"), ("facebook", "reply"),
                ("tiktok", "video"), ("tiktok", "comment"), ("youtube", "video"),
                ("youtube", "comment"), ("forum", "post"), ("forum", "comment"),
                ("news", "article"), ("review", "review")]:  # fmt: skip
        assert got[key][0] > 0, key
    n, likes, views, shares, reactions, titles = got[("news", "article")]
    assert likes == views == shares == reactions == 0 and titles == n  # unknown is NULL
    n, likes, views, shares, reactions, _ = got[("tiktok", "video")]
    assert likes == views == shares == n and reactions == 0
    n, likes, views, shares, _, titles = got[("youtube", "video")]
    assert views == n and shares == 0 and titles == n
    n, likes, views, _, reactions, _ = got[("facebook", "post")]
    assert reactions == likes == n and views == 0
    assert got[("forum", "comment")][1] == 0
    # reactions by type add up to the likes
    bad = db.execute(
        "SELECT count(*) FROM m WHERE reactions IS NOT NULL AND likes != "
        "(SELECT sum(v::BIGINT) FROM (SELECT unnest(json_extract(reactions, "
        "['$.like', '$.love', '$.haha', '$.wow', '$.sad', '$.angry'])) AS v))"
    ).fetchone()
    assert bad == (0,)
    # brands report reach for their own posts only
    reach_kinds = {
        r[0]
        for r in db.execute("SELECT DISTINCT author_kind FROM m WHERE reach IS NOT NULL").fetchall()
    }
    assert reach_kinds == {"brand"}


def test_authors_are_stable_and_cover_every_tier_and_kind(db: duckdb.DuckDBPyConnection) -> None:
    unstable = db.execute(
        "SELECT count(*) FROM (SELECT platform, author_id FROM m GROUP BY ALL HAVING "
        "count(DISTINCT author_name) > 1 OR count(DISTINCT author_followers) > 1 "
        "OR count(DISTINCT author_kind) > 1)"
    ).fetchone()
    assert unstable == (0,)
    kinds = {r[0] for r in db.execute("SELECT DISTINCT author_kind FROM m").fetchall()}
    assert {"person", "page", "news", "brand"} <= kinds
    for lo, hi in TIER_BOUNDS:
        n = db.execute(
            "SELECT count(DISTINCT author_id) FROM m WHERE author_followers >= ? "
            "AND author_followers < ?",
            parameters=[lo, hi],
        ).fetchone()
        assert n is not None and n[0] > 0, (lo, hi)
    # heavy tail: most authors are small, a few are huge
    q = db.execute(
        "SELECT quantile_cont(f, 0.5), quantile_cont(f, 0.99), max(f) FROM "
        "(SELECT max(author_followers) f FROM m WHERE author_kind = 'person' GROUP BY author_id)"
    ).fetchone()
    assert q is not None
    median, p99, top = q
    assert median < 2_000 and p99 > 10 * median and top >= 1_000_000
    # unknown follower counts stay NULL (forum users, many facebook commenters)
    nulls = db.execute(
        "SELECT count(*) FROM m WHERE platform = 'forum' AND author_followers IS NULL"
    ).fetchone()
    assert nulls is not None and nulls[0] > 0
    # Vietnamese names with diacritics
    names = [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT author_name FROM m WHERE author_kind='person' LIMIT 2000"
        ).fetchall()
    ]
    assert sum(1 for x in names if re.search(r"Nguyễn|Trần|Lê|Phạm", x)) > 100


def test_rhythm_evening_peak_and_weekends(db: duckdb.DuckDBPyConnection) -> None:
    hours = dict(
        db.execute(
            "SELECT hour(created_at + INTERVAL 7 HOUR), count(*) FROM m "
            "WHERE parent_id IS NULL GROUP BY 1"
        ).fetchall()
    )
    evening = sum(hours[h] for h in (20, 21, 22)) / 3
    night = sum(hours[h] for h in (3, 4, 5)) / 3
    morning = sum(hours[h] for h in (7, 8, 9)) / 3
    assert evening > 2 * morning > 2 * night
    per_day = db.execute(
        "SELECT isodow(d) >= 6, count(*) / count(DISTINCT d) FROM m "
        "WHERE a->>'demo_truth' = 'organic' AND parent_id IS NULL GROUP BY 1"
    ).fetchall()
    rates = dict(per_day)
    assert rates[True] > 1.05 * rates[False]


VI_LETTERS = re.compile(
    r"[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.I
)


def test_text_has_social_vietnamese(db: duckdb.DuckDBPyConnection) -> None:
    texts = [
        r[0] for r in db.execute("SELECT text FROM m WHERE a->>'true_language' = 'vi'").fetchall()
    ]
    n = len(texts)
    words = [set(re.findall(r"[\w#@]+", t.lower())) for t in texts]

    def share(pred: Any) -> float:
        return sum(1 for t in texts if pred(t)) / n

    # no diacritics at all, yet clearly Vietnamese
    plain = share(
        lambda t: (
            len(t) > 25
            and not VI_LETTERS.search(t)
            and re.search(r"\b(khong|ngon|qua|duoc|gia)\b", t.lower())
        )
    )
    assert plain > 0.03
    assert share(lambda t: VI_LETTERS.search(t) is not None) > 0.6
    for token in (
        "ko",
        "k",
        "hok",
        "dc",
        "đc",
        "vl",
        "ib",
        "sp",
        "j",
        "z",
        "ak",
        "nha",
        "nhé",
        "mn",
    ):
        assert sum(1 for w in words if token in w) > 5, token
    assert share(lambda t: re.search(r"([a-zàáảãạăâđêôơư])\1{2,}", t.lower())) > 0.01  # ngonnn
    for english in ("ship", "order", "sale", "review", "voucher", "freeship"):
        assert sum(1 for w in words if english in w) > 10, english
    assert share(lambda t: re.search(r"[\U0001F300-\U0001FAFF]", t)) > 0.1
    assert share(lambda t: "#" in t) > 0.05
    assert any("không ngon như quảng cáo" in t for t in texts)
    assert share(lambda t: " nhưng " in t or " mà " in t) > 0.02
    english_rows = db.execute("SELECT count(*) FROM m WHERE a->>'true_language' = 'en'").fetchone()
    assert english_rows is not None and english_rows[0] > 50


def test_true_labels_everywhere(db: duckdb.DuckDBPyConnection) -> None:
    rows = db.execute(
        "SELECT a->>'true_sentiment', count(*), "
        "count(*) FILTER (WHERE json_type(a->'true_aspects') = 'OBJECT') FROM m GROUP BY 1"
    ).fetchall()
    counts = {s: (n, obj) for s, n, obj in rows}
    assert set(counts) == {"positive", "neutral", "negative"}
    total = sum(n for n, _ in counts.values())
    assert all(n == obj for n, obj in counts.values())
    assert 0.12 < counts["negative"][0] / total < 0.4
    assert 0.25 < counts["positive"][0] / total < 0.5
    aspects = {
        r[0]
        for r in db.execute(
            "SELECT DISTINCT unnest(json_keys(a->'true_aspects')) FROM m"
        ).fetchall()
    }
    assert aspects == {
        "price",
        "quality",
        "delivery",
        "service",
        "packaging",
        "app",
        "promotion",
        "store",
    }
    # contrast: the clause after "nhưng" carries the verdict
    mixed = db.execute(
        "SELECT text, a->>'true_sentiment', a->'true_aspects' FROM m WHERE text LIKE '% nhưng %' "
        "AND json_array_length(json_keys(a->'true_aspects')) = 2 LIMIT 200"
    ).fetchall()
    assert mixed
    for _, sentiment, aspects_json in mixed:
        polarities = set(json.loads(aspects_json).values())
        assert sentiment in polarities
    truths = {r[0] for r in db.execute("SELECT DISTINCT a->>'demo_truth' FROM m").fetchall()}
    assert truths == {"organic", "campaign", "giveaway", "seeding", "crisis"}


def _matches(terms: tuple[str, ...], text: str) -> bool:
    s = fold(text).lower()
    for t in terms:
        if t.endswith("*"):
            pattern = r"(?<![\w#])" + re.escape(t[:-1])
        elif t.startswith("#"):
            pattern = re.escape(t) + r"(?!\w)"
        else:
            pattern = r"(?<![\w#])" + re.escape(t) + r"(?!\w)"
        if re.search(pattern, s):
            return True
    return False


def test_topics_match_the_brand_mentions(db: duckdb.DuckDBPyConnection) -> None:
    topics = demo_topics()
    assert [g for _, _, g in topics] == [
        "brand",
        "competitor",
        "competitor",
        "competitor",
        "category",
    ]
    assert len({n for n, _, _ in topics}) == 5
    rows = db.execute(
        "SELECT coalesce(title, '') || ' ' || text, a->'true_brands', a->>'thread_brand' FROM m"
    ).fetchall()
    for brand, (_, query, _) in zip(BRANDS, topics, strict=False):
        for term in brand.match_terms:
            assert fold(term.rstrip("*")).lower() in fold(query).lower(), term
        named = [t for t, b, _ in rows if brand.key in json.loads(b)]
        about = [t for t, _, tb in rows if tb == brand.key]
        assert len(named) > 0.4 * len(about)  # most talk about a brand names it
        hit = sum(1 for t in named if _matches(brand.match_terms, t))
        assert hit / len(named) > 0.99, brand.key
    # look-alikes ("Nokia Lumia", "chim hồng hạc") name no brand; the NOT terms exclude them
    noise = [
        t
        for t, b, tb in rows
        if tb is None and ("Lumia" in t or "hồng hạc" in fold(t).lower() or "lumia" in t)
    ]
    assert noise


def test_store_accepts_the_batches(tmp_path: Any) -> None:
    with open_store(tmp_path / "demo.duckdb") as store:
        store.ensure_workspace("acme")
        total = 0
        for batch in generate(SMALL):
            store.upsert_mentions(batch)
            total += batch.num_rows
        assert store.count_mentions("acme") == total
        assert store.check_unique() == 0


def test_config_validation() -> None:
    with pytest.raises(ValueError):
        DemoConfig(days=6)
    with pytest.raises(ValueError):
        DemoConfig(scale=0)


@pytest.mark.parametrize("days", [7, 14, 45])
def test_short_periods_still_plant_every_situation(days: int) -> None:
    config = DemoConfig(days=days, scale=0.05, end=END)
    table = _all(config)
    truth = ground_truth(config)
    assert table.num_rows == truth["expected_rows"] > 300
    start = dt.datetime.fromisoformat(truth["period"]["start"])
    end = dt.datetime.fromisoformat(truth["period"]["end"])
    created = table.column("created_at").to_pylist()
    assert min(created) >= start and max(created) < end
    keys = set(
        zip(
            table.column("platform").to_pylist(), table.column("source_id").to_pylist(), strict=True
        )
    )
    assert len(keys) == table.num_rows
    labels = {json.loads(a)["demo_truth"] for a in table.column("attrs").to_pylist()}
    assert labels == {"organic", "campaign", "giveaway", "seeding", "crisis"}
    for s in truth["situations"]:
        assert start <= dt.datetime.fromisoformat(s["window"]["start"]) < end
        posts = [p for ps in s.get("key_posts", {}).values() for p in ps] + s.get("kol_posts", [])
        for post in posts:
            assert (post["platform"], post["source_id"]) in keys
        for stage in s.get("stages", []):
            assert dt.datetime.fromisoformat(stage["end"]) <= end


def test_ground_truth_is_json(truth: dict[str, Any]) -> None:
    text = json.dumps(truth, ensure_ascii=False)
    assert json.loads(text) == truth
    assert truth["config"] == {
        "days": 90, "scale": 1.0, "seed": 42, "end": END.isoformat(), "workspace": "default"
    }  # fmt: skip
    assert {s["kind"] for s in truth["situations"]} == {
        "kol_campaign",
        "giveaway",
        "seeding",
        "crisis",
    }
    assert FULL.days == 90


def test_command_line_writes_parquet_and_truth(tmp_path: Any, capsys: Any) -> None:
    import pyarrow.parquet as pq

    from tinhieu.demo.__main__ import main

    out, truth_path = tmp_path / "demo.parquet", tmp_path / "truth.json"
    args = ["--days", "30", "--scale", "0.05", "--seed", "7", "--end", END.isoformat()]
    assert main([*args, "--workspace", "acme", "--out", str(out), "--truth", str(truth_path)]) == 0
    table = pq.read_table(out)
    assert table.schema == ARROW_SCHEMA
    assert table.equals(_all(SMALL))
    assert json.loads(truth_path.read_text(encoding="utf-8")) == ground_truth(SMALL)
    assert "mentions in" in capsys.readouterr().out


def test_topic_queries_find_exactly_the_named_brands(full_table: pa.Table) -> None:
    """The project's own query matcher, on the demo topics, against the hidden labels."""
    from tinhieu.query import compile_query

    attrs = [json.loads(a) for a in full_table.column("attrs").to_pylist()]
    roots = full_table.column("parent_id").is_null().to_pylist()
    for (name, query, group), key in zip(
        demo_topics(), [*(b.key for b in BRANDS), None], strict=True
    ):
        hits = compile_query(query).match_table(full_table)
        hit = hits.to_pylist() if isinstance(hits, pa.Array) else list(hits)
        if key is not None:
            named = [key in a["true_brands"] for a in attrs]
            tp = sum(1 for h, n in zip(hit, named, strict=True) if h and n)
            assert tp >= 0.99 * sum(named), name  # recall
            assert tp >= 0.99 * sum(hit), name  # precision: look-alikes are excluded
        else:
            assert group == "category"
            talk = [r and a["thread_brand"] is None and a["demo_role"] != "noise"
                    for a, r in zip(attrs, roots, strict=True)]  # fmt: skip
            found = sum(1 for h, c in zip(hit, talk, strict=True) if h and c)
            assert found >= 0.8 * sum(talk)
