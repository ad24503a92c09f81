"""Campaigns: stored definitions and the report, checked against direct SQL on the
hand-built workspace of ``tests/kol/scenario.py``."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.kol.scenario import T0, WS
from tests.metrics.helpers import add, mention, topics
from tinhieu.cli import main
from tinhieu.kol.campaigns import (
    CampaignError,
    campaign_posts,
    delete_campaign,
    get_campaign,
    list_campaigns,
    make_campaign,
    report,
    save_campaign,
)
from tinhieu.store import DuckDBStore

END = T0 + timedelta(days=12)


def _sql_posts(store: DuckDBStore, author: str) -> tuple[int, int, int]:
    """(posts, Σ interactions, Σ followers) of an author's posts in [T0, END), by SQL."""
    n, ix, fol = store.fetch_all(
        "SELECT count(*), sum(coalesce(likes,0)+coalesce(comments,0)+coalesce(shares,0)"
        "+coalesce(saves,0)), sum(author_followers) FROM mentions WHERE workspace = ? "
        "AND author_id = ? AND kind = 'post' AND created_at >= ? AND created_at < ?",
        [WS, author, T0, END],
    )[0]
    return int(n), int(ix), int(fol)


def test_kol_campaign_numbers_match_sql(store: DuckDBStore) -> None:
    c = make_campaign(WS, "Genuine", T0, END, kols=[("facebook", "genuine", None)], cost=5e6)
    rep = report(store, c)
    n, ix, fol = _sql_posts(store, "genuine")
    assert rep.posts == n == 6
    m = rep.metrics
    assert m["interactions"].value == ix
    assert m["engagement_rate_followers"].value == pytest.approx(ix / fol * 100)
    assert "followers" in m["engagement_rate_followers"].formula
    comments = store.fetch_all(
        "SELECT count(*) FROM mentions WHERE workspace = ? AND kind = 'comment' "
        "AND parent_id LIKE 'genuine-p%'",
        [WS],
    )[0][0]
    assert m["suspicious_share"].n == comments == 48
    assert m["suspicious_share"].value == 0.0  # varied comments from old, active accounts
    assert m["quality_engagement_rate_followers"].value == pytest.approx(ix / fol * 100)
    assert m["cost_per_engagement"].value == pytest.approx(5e6 / ix)
    assert m["cost_per_quality_engagement"].value == pytest.approx(5e6 / ix)
    assert m["comment_net_sentiment"].value == 100.0  # every comment is positive
    assert m["reach"].value is None and m["reach"].reason
    assert m["vanity_share"].value is None and "spam" in (m["vanity_share"].reason or "")
    assert rep.kols[0]["posts"] == 6 and rep.unknown_kols == []
    # the window is half-open: one day less leaves out the post of day 10
    short = make_campaign(
        WS, "x", T0, T0 + timedelta(days=10), kols=[("facebook", "genuine", None)]
    )
    assert report(store, short).posts == 5


def test_bought_engagement_has_no_quality_engagement(store: DuckDBStore) -> None:
    c = make_campaign(
        WS, "Lumi", T0, END, hashtags=["#LumiTea"], kols=[("facebook", "bought", 3e6)]
    )
    rep = report(store, c)
    n, ix, _ = _sql_posts(store, "bought")
    assert rep.posts == n == 6
    m = rep.metrics
    assert m["suspicious_share"].value == 1.0  # young, empty accounts writing the same words
    assert m["quality_interactions"].value == 0.0
    assert m["quality_engagement_rate_followers"].value == 0.0
    assert m["cost_per_engagement"].value == pytest.approx(3e6 / ix)  # Σ the KOLs' costs
    cpqe = m["cost_per_quality_engagement"]
    assert cpqe.value is None and "0 quality interactions" in (cpqe.reason or "")
    assert rep.kols[0]["cost_per_engagement"]["value"] == pytest.approx(3e6 / ix)


def test_hashtag_and_link_matching(store: DuckDBStore) -> None:
    # '#lumi' is not '#LumiTea'; '#trasua' is the genuine KOL's tag (any case)
    assert campaign_posts(store, make_campaign(WS, "a", T0, END, hashtags=["#lumi"])) == []
    tagged = campaign_posts(store, make_campaign(WS, "b", T0, END, hashtags=["#TraSua"]))
    assert {s for _, s in tagged} == {f"genuine-p{i}" for i in range(6)}
    add(
        store,
        [
            mention(
                source_id="link-1",
                author_id="someone",
                text="xem tại https://lumi.example/deal nhé",
                created_at=T0 + timedelta(days=1),
            )
        ],
    )
    linked = campaign_posts(
        store, make_campaign(WS, "c", T0, END, links=["https://lumi.example/deal"])
    )
    assert linked == [("facebook", "link-1")]


def test_bad_input_gives_defined_results(store: DuckDBStore) -> None:
    with pytest.raises(CampaignError, match="empty"):
        make_campaign(WS, "x", END, T0, hashtags=["#a"])
    with pytest.raises(CampaignError, match="empty"):
        make_campaign(WS, "x", T0, T0, hashtags=["#a"])
    with pytest.raises(CampaignError, match="cost"):
        make_campaign(WS, "x", T0, END, hashtags=["#a"], cost=-1)
    with pytest.raises(CampaignError, match="at least one"):
        make_campaign(WS, "x", T0, END)
    # an unknown KOL, and a cost of 0
    rep = report(
        store, make_campaign(WS, "x", T0, END, kols=[("facebook", "nobody", None)], cost=0)
    )
    assert rep.posts == 0 and rep.unknown_kols == ["facebook:nobody"]
    m = rep.metrics
    for key in (
        "interactions",
        "engagement_rate_followers",
        "quality_engagement_rate_followers",
        "suspicious_share",
        "vanity_share",
        "comment_net_sentiment",
        "cost_per_engagement",
    ):
        assert m[key].value is None and m[key].reason, key
    assert m["cost_per_engagement"].reason == "the cost is 0"
    json.dumps(rep.to_dict())  # serialisable, no NaN
    # no cost at all
    rep = report(store, make_campaign(WS, "y", T0, END, kols=[("facebook", "genuine", None)]))
    assert rep.metrics["cost_per_engagement"].reason == "no cost given for this campaign"
    # zero engagement: posts without engagement data
    add(store, [mention(source_id="quiet", author_id="quiet", created_at=T0, text="x")])
    rep = report(store, make_campaign(WS, "z", T0, END, kols=[("facebook", "quiet", 1e6)]))
    assert rep.posts == 1
    assert rep.metrics["cost_per_engagement"].value is None
    assert rep.metrics["engagement_rate_followers"].value is None


def test_share_of_voice_lift_against_the_baseline(store: DuckDBStore) -> None:
    topics(store, {"Rival": "competitor"})
    rows = []
    # baseline window [T0 − 12 d, T0): Lumi 1, Rival 3 → 25 %
    for i, t in enumerate(["Lumi", "Rival", "Rival", "Rival"]):
        rows.append(mention(source_id=f"base{i}", topics=[t], created_at=T0 - timedelta(days=3)))
    # campaign window: the 6 bought posts are tagged Lumi; add 2 Rival
    for i in range(2):
        rows.append(mention(source_id=f"camp{i}", topics=["Rival"], created_at=T0 + timedelta(1)))
    add(store, rows)
    c = make_campaign(WS, "Lumi", T0, END, hashtags=["#lumitea"])
    sov = report(store, c).share_of_voice
    lumi = store.fetch_all(
        "SELECT count(*) FILTER (WHERE list_contains(topics, 'Lumi')), "
        "count(*) FILTER (WHERE list_contains(topics, 'Rival')) FROM mentions "
        "WHERE workspace = ? AND created_at >= ? AND created_at < ?",
        [WS, T0, END],
    )[0]
    assert sov["brand"] == "Lumi"  # the only brand topic
    assert sov["campaign"] == pytest.approx(lumi[0] / (lumi[0] + lumi[1]) * 100)
    assert sov["baseline"] == pytest.approx(25.0)
    assert sov["lift_pp"] == pytest.approx(sov["campaign"] - 25.0)
    bad = report(store, make_campaign(WS, "q", T0, END, hashtags=["#x"], brand="Nope"))
    assert bad.share_of_voice["lift_pp"] is None and bad.share_of_voice["reason"]


def test_storage_round_trip_and_workspace_isolation(store: DuckDBStore) -> None:
    c = make_campaign(
        WS,
        "Tết",
        T0,
        END,
        kols=[("facebook", "genuine", 2e6), ("tiktok", "twice", None)],
        hashtags=["abc"],
        links=["https://x.example"],
        cost=None,
    )
    save_campaign(store, c)
    with pytest.raises(CampaignError, match="exists"):
        save_campaign(store, c)
    got = get_campaign(store, WS, "Tết")
    assert got == c
    assert got is not None and got.hashtags == ["#abc"] and got.total_cost() == 2e6
    store.ensure_workspace("other")
    assert list_campaigns(store, "other") == []
    assert get_campaign(store, "other", "Tết") is None


def test_cli_add_list_report(store: DuckDBStore, tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    store.execute(f"ATTACH '{db}' AS f")
    store.execute("COPY FROM DATABASE memory TO f")
    store.execute("DETACH f")
    runner = CliRunner()
    base = ["--db", str(db), "-w", WS]
    res = runner.invoke(
        main,
        [
            "--lang", "en", "campaign", "add", "Genuine", "--kol", "facebook:genuine",
            "--since", T0.isoformat(), "--until", END.isoformat(), "--cost", "5000000", *base,
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["campaign", "add", "Bad", "--kol", "nocolon", "--since",
                               "2025-03-01", "--until", "2025-03-02", *base])  # fmt: skip
    assert res.exit_code == 2 and "platform:author_id" in res.output
    res = runner.invoke(main, ["campaign", "add", "Empty", "--hashtag", "#a", "--since",
                               "2025-03-05", "--until", "2025-03-01", *base])  # fmt: skip
    assert res.exit_code == 2
    res = runner.invoke(main, ["--lang", "en", "campaign", "list", *base])
    assert "Genuine" in res.output and "Empty" not in res.output
    res = runner.invoke(main, ["campaign", "report", "Genuine", "--json", *base])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    _, ix, _ = _sql_posts(store, "genuine")
    assert data["posts"] == 6
    assert data["metrics"]["cost_per_engagement"]["value"] == pytest.approx(5e6 / ix)
    assert data["metrics"]["cost_per_engagement"]["formula"] == "cost / interactions"
    res = runner.invoke(main, ["--lang", "en", "campaign", "report", "Genuine", *base])
    assert res.exit_code == 0 and "Campaign «Genuine»" in res.output
    out = tmp_path / "r.xlsx"
    res = runner.invoke(main, ["campaign", "report", "Genuine", "--out", str(out), *base])
    assert res.exit_code == 0 and out.stat().st_size > 0
    res = runner.invoke(main, ["campaign", "report", "Nope", *base])
    assert res.exit_code == 2


def test_delete_campaign_removes_it_and_its_members_only(store: DuckDBStore) -> None:
    keep = make_campaign(WS, "Keep", T0, END, hashtags=["#keep"])
    gone = make_campaign(
        WS, "Gone", T0, END, kols=[("facebook", "genuine", 1.0)], hashtags=["#gone"]
    )
    other = make_campaign("other-ws", "Gone", T0, END, hashtags=["#other"])
    for c in (keep, gone, other):
        save_campaign(store, c)
    assert delete_campaign(store, WS, "Gone") is True
    assert get_campaign(store, WS, "Gone") is None
    assert delete_campaign(store, WS, "Gone") is False  # already gone
    members = store.fetch_all(
        "SELECT workspace, campaign FROM campaign_members WHERE campaign = 'Gone'"
    )
    assert members == [("other-ws", "Gone")]  # the same name in another workspace stays
    assert get_campaign(store, WS, "Keep") == keep
    assert get_campaign(store, "other-ws", "Gone") == other


def test_campaign_errors_carry_a_message_key_in_both_languages(store: DuckDBStore) -> None:
    from tinhieu.i18n import t
    from tinhieu.kol.campaigns import MESSAGES, normalise_hashtag, parse_kol

    cases = [
        (lambda: make_campaign(WS, " ", T0, END, hashtags=["#a"]), "campaign.error.name_length"),
        (lambda: make_campaign(WS, "..", T0, END, hashtags=["#a"]), "campaign.error.name_dots"),
        (lambda: make_campaign(WS, "x", END, T0, hashtags=["#a"]), "campaign.error.empty_window"),
        (lambda: make_campaign(WS, "x", T0, END, links=[" "]), "campaign.error.empty_link"),
        (lambda: make_campaign(WS, "x", T0, END, kols=[("", "a", None)]),
         "campaign.error.kol_incomplete"),
        (lambda: make_campaign(WS, "x", T0, END, hashtags=["#a"], cost=float("nan")),
         "campaign.error.bad_cost"),
        (lambda: make_campaign(WS, "x", T0, END), "campaign.error.nothing"),
        (lambda: parse_kol("nocolon"), "campaign.error.bad_kol"),
        (lambda: normalise_hashtag("# a"), "campaign.error.bad_hashtag"),
    ]  # fmt: skip
    seen = set()
    for call, key in cases:
        with pytest.raises(CampaignError) as info:
            call()
        exc = info.value
        assert exc.key == key
        assert str(exc) == exc.message("en") == t(key, "en", **exc.values)
        assert exc.message("vi") == t(key, "vi", **exc.values) != exc.message("en")
        seen.add(key)
    c = make_campaign(WS, "Tết/2027 #1 ?x=<b>", T0, END, hashtags=["#a"])
    save_campaign(store, c)
    with pytest.raises(CampaignError) as info:
        save_campaign(store, c)
    assert info.value.values == {"name": "Tết/2027 #1 ?x=<b>"}
    assert "Tết/2027 #1 ?x=<b>" in info.value.message("vi")
    seen.add(info.value.key)
    assert seen | {"campaign.error.need_window"} == set(MESSAGES)
