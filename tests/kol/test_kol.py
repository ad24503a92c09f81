"""Profiles, audience quality, influence and discovery on a hand-written workspace."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.kol.scenario import TOPIC, WS
from tinhieu.cli import main
from tinhieu.kol.find import audit, find_kols
from tinhieu.kol.profiles import load_profiles, sponsor_markers
from tinhieu.metrics.tiers import INDUSTRY_SCHEME, scheme
from tinhieu.store import DuckDBStore


def _by_id(store: DuckDBStore) -> dict[tuple[str, str], object]:
    return {p.key: p for p in load_profiles(store, WS)}


def test_profile_numbers_and_formula(store: DuckDBStore) -> None:
    p = {x.key: x for x in load_profiles(store, WS)}[("facebook", "genuine")]
    assert p.posts == 6 and p.followers == 50_500  # latest count
    assert [f for _, f in p.followers_history][:2] == [50_000, 50_100]
    assert p.interactions_median == 1000 and p.interactions_mean == 1000
    # Σ interactions / Σ followers × 100 over the six posts
    assert p.er == pytest.approx(6000 / sum(50_000 + 100 * i for i in range(6)) * 100)
    assert p.er_by == "followers" and "author_followers" in p.er_formula
    assert p.tier == "micro" and p.posts_per_week == pytest.approx(6 / (10 / 7))
    assert p.median_gap_hours == 48


def test_video_platform_er_is_by_views_and_two_platforms_are_two_profiles(
    store: DuckDBStore,
) -> None:
    profiles = {x.key: x for x in load_profiles(store, WS)}
    fb, tt = profiles[("facebook", "twice")], profiles[("tiktok", "twice")]
    assert (fb.followers, tt.followers) == (20_000, 90_000)
    assert tt.er_by == "views" and tt.er == pytest.approx(3050 / 60_000 * 100)
    assert fb.er_by == "followers" and fb.er == pytest.approx(420 / 20_000 * 100)


@pytest.mark.parametrize("author", ["zero", "neg", "huge", "none"])
def test_bad_follower_counts_are_unknown_never_a_division(store: DuckDBStore, author: str) -> None:
    p = {x.key: x for x in load_profiles(store, WS)}[("facebook", author)]
    assert p.followers is None and p.tier == "unknown"
    assert p.er is None and p.er_followers_reason
    quality = dict(((q[0].key), q[1]) for q in audit(store, WS))[("facebook", author)]
    assert 0 <= quality.score <= 100 and quality.confidence == "low"
    assert quality.parts["er_excess"] is None


def test_quality_separates_genuine_bought_and_pod(store: DuckDBStore) -> None:
    q = {p.key: qual for p, qual in audit(store, WS)}
    genuine = q[("facebook", "genuine")]
    assert genuine.score >= 90 and not genuine.inflated
    bought = q[("facebook", "bought")]
    assert bought.inflated and bought.score < 20
    assert bought.signs["duplicate"] == 60 and bought.signs["young"] == 60
    assert bought.parts["er_excess"] == 1.0 and bought.quality_er is not None
    assert bought.quality_er < 0.1 * (bought.evidence["er_followers"] or 0)
    for k in range(3):
        pod = q[("facebook", f"pod{k}")]
        assert pod.inflated and pod.signs["pod"] == 32
    assert set(genuine.parts) == {"suspicious_comments", "er_excess", "ratio_misfit", "jumps"}


def test_find_ranks_genuine_first_with_reasons(store: DuckDBStore) -> None:
    ranked = find_kols(store, WS, TOPIC)
    ids = [r.profile.author_id for r in ranked]
    assert ids[0] == "genuine"
    assert ids.index("bought") > ids.index("genuine")
    assert "pod1" not in ids  # not about the topic
    reasons_en = ranked[0].reasons("en")
    assert any("posts on the topic" in r for r in reasons_en)
    assert any("bài về chủ đề" in r for r in ranked[0].reasons("vi"))
    bought = next(r for r in ranked if r.profile.author_id == "bought")
    assert any("suspicious comments" in r for r in bought.reasons("en"))
    assert bought.profile.sponsored_posts == 6
    assert bought.profile.sponsored_brands == {"Lumi": 6}
    assert "#luminatea" not in bought.profile.sponsored_hashtags
    assert "#lumitea" in bought.profile.sponsored_hashtags


def test_one_post_with_no_audience_is_weak_evidence(store: DuckDBStore) -> None:
    ranked = {r.profile.author_id: r for r in find_kols(store, WS, TOPIC)}
    genuine, oneoff = ranked["genuine"], ranked["oneoff"]
    # more followers and a perfect (unmeasured) quality score ...
    assert oneoff.influence.reach > genuine.influence.reach
    assert oneoff.quality.score == 100 and oneoff.quality.confidence == "low"
    # ... but one post is a weak habit, and no comments an unknown audience
    assert oneoff.influence.consistency == 0.25
    assert oneoff.influence.quality == 0.5
    assert genuine.influence.consistency == round(6 / 9, 4)
    assert genuine.influence.quality > 0.85
    assert genuine.rank < oneoff.rank
    assert any("too few to call it their subject" in r for r in oneoff.reasons("en"))
    assert not any("too few" in r for r in genuine.reasons("en"))
    i = genuine.influence
    product = 100 * i.reach * i.quality * i.relevance * i.consistency * i.engagement_fit
    assert i.score == pytest.approx(product, abs=0.02)


def test_find_filters_and_queries(store: DuckDBStore) -> None:
    assert {r.profile.author_id for r in find_kols(store, WS, TOPIC, min_quality=70)} == {
        "genuine",
        "oneoff",
        "twice",
        "zero",
        "neg",
        "huge",
        "none",
    }
    micro = find_kols(store, WS, TOPIC, tier="micro", platform="tiktok")
    assert [r.profile.key for r in micro] == [("tiktok", "twice")]
    by_query = find_kols(store, WS, '"du lịch"')
    assert [r.profile.author_id for r in by_query] == ["pod1"]
    industry = find_kols(store, WS, TOPIC, tier="mid", tier_scheme=INDUSTRY_SCHEME)
    assert {r.profile.author_id for r in industry} == {"genuine", "bought", "twice", "oneoff"}
    with pytest.raises(ValueError):
        find_kols(store, WS, TOPIC, tier="giga")
    with pytest.raises(ValueError):
        scheme("nope")


def test_sponsor_markers() -> None:
    assert sponsor_markers("Cảm ơn Lumi đã TÀI TRỢ #HợpTác") == ["#hoptac", "tài trợ"]
    assert sponsor_markers("#adidas đẹp") == []
    assert sponsor_markers(None) == []


def test_cli_find_json_and_csv(store: DuckDBStore, tmp_path: Path) -> None:
    db = tmp_path / "k.duckdb"
    store.execute(f"ATTACH '{db}' AS f")
    store.execute("COPY FROM DATABASE memory TO f")
    store.execute("DETACH f")
    runner = CliRunner()
    res = runner.invoke(
        main, ["--lang", "en", "kol", "find", "--topic", TOPIC, "--json", "--db", str(db), "-w", WS]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["results"][0]["author_id"] == "genuine"
    assert "tier scheme 'default'" in data["tier_scheme"]
    out = tmp_path / "k.csv"
    res = runner.invoke(
        main, ["kol", "find", "--topic", TOPIC, "--out", str(out), "--db", str(db), "-w", WS]
    )
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["author_id"] == "genuine" and rows[0]["inflated"] == "False"
    res = runner.invoke(main, ["kol", "find", "--topic", TOPIC, "--db", str(db), "-w", WS])
    assert res.exit_code == 0 and "NGHI TƯƠNG TÁC ẢO" in res.output
    res = runner.invoke(
        main, ["kol", "find", "--topic", TOPIC, "--out", "x.txt", "--db", str(db), "-w", WS]
    )
    assert res.exit_code == 2


def test_recurring_terms_break_ties_alphabetically() -> None:
    from tinhieu.kol.influence import recurring_terms

    posts = [{"text": "matcha latte sữa chua #trasua"}, {"text": "#trasua latte matcha chua"}]
    assert recurring_terms(posts) == ["#trasua", "chua", "latte", "matcha"]
    assert recurring_terms(posts, top=2) == ["#trasua", "chua"]
