"""The morning brief (tinhieu.signals.brief, render_brief, playbook; ``tinhieu brief``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from tests.metrics.helpers import WS, add, mention, topics
from tinhieu.cli_brief import brief as brief_cmd
from tinhieu.i18n import t
from tinhieu.metrics.scope import ScopeError
from tinhieu.signals.brief import (
    Brief,
    DayNumbers,
    TopicDay,
    baseline,
    brief_date,
    build_brief,
    rank_signals,
)
from tinhieu.signals.model import Evidence, EvidenceMention, Signal
from tinhieu.signals.playbook import (
    Finding,
    PlaybookError,
    load_playbook,
    parse_playbook,
    recommend,
    step_text,
)
from tinhieu.signals.render_brief import clean, render
from tinhieu.store import DuckDBStore, open_store

BRAND, RIVAL = "Brand", "Rival"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
ISSUED = date(2025, 3, 20)  # the brief of 20 March covers 19 March
BURST_DAY = ISSUED - timedelta(days=1)
QUIET = date(2025, 3, 12)  # a brief whose 48 hours are background only
DAYS = 40
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
MD_LINK = "[bấm vào](javascript:alert(1))"
ANSI = "\x1b[31m"


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE).astimezone(UTC)


def _background() -> list[dict[str, Any]]:
    """Every local hour of 40 days: the same three opinions about each topic (one
    positive, one neutral, one negative) — nothing for a detector to see."""
    rows: list[dict[str, Any]] = []
    first = ISSUED - timedelta(days=DAYS)
    for d in range(DAYS):
        day = first + timedelta(days=d)
        for hour in range(24):
            for topic in (BRAND, RIVAL):
                for i, (sentiment, text) in enumerate(
                    (
                        ("positive", f"{topic} trà sữa ngon, giao nhanh"),
                        ("neutral", f"Hôm nay uống {topic} ở quận 3"),
                        ("negative", f"{topic} hơi ngọt, lần sau bớt đường"),
                    )
                ):
                    rows.append(
                        mention(
                            topics=[topic],
                            created_at=_local(day, hour, 5 + 15 * i),
                            text=text,
                            sentiment=sentiment,
                            spam="none",
                            likes=10,
                            comments=2,
                            author_id=f"{topic}-a{(d * 24 + hour + i) % 50}",
                            author_name=f"Khách {(d * 24 + hour + i) % 50}",
                        )
                    )
    return rows


def _burst() -> list[dict[str, Any]]:
    """19 March, 09:00-13:00: complaints naming food poisoning, two of them hostile."""
    rows: list[dict[str, Any]] = []
    texts = [
        "Uống {b} xong bị ngộ độc, đau bụng cả đêm",
        "{b} chi nhánh Lê Lợi bán trà sữa hỏng, cả nhà đau bụng",
        "Ai uống {b} hôm nay bị tào tháo rượt không? ngộ độc rồi",
    ]
    n = 0
    for hour in range(9, 14):
        for k in range(6):
            rows.append(
                mention(
                    topics=[BRAND],
                    created_at=_local(BURST_DAY, hour, 3 + 9 * k),
                    text=texts[(hour + k) % 3].format(b=BRAND),
                    sentiment="negative",
                    spam="none",
                    likes=40,
                    author_id=f"angry{n % 7}",
                    author_name=f"Khách giận {n % 7}",
                )
            )
            n += 1
    rows += [  # in the first hour, with the most interactions: the quoted ones
        mention(
            topics=[BRAND],
            created_at=_local(BURST_DAY, 9, 30),
            text=f"Ngộ độc sau khi uống {BRAND} {SCRIPT} {ANSI}đỏ",
            sentiment="negative",
            spam="none",
            likes=5000,
            author_id="evil1",
            author_name=f"<b>Evil</b>{ANSI}",
            url="javascript:alert(1)",
        ),
        mention(
            topics=[BRAND],
            created_at=_local(BURST_DAY, 9, 40),
            text=f"Đau bụng vì {BRAND} {IMG} {MD_LINK} **x** | # y",
            sentiment="negative",
            spam="none",
            likes=4000,
            author_id="evil2",
            author_name="Hacker [x](javascript:alert(2))",
            url="https://example.com/post?id=1",
        ),
    ]
    return rows


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("brief") / "brief.duckdb"
    store = open_store(path)
    store.ensure_workspace(WS, "Asia/Ho_Chi_Minh")
    topics(store, {BRAND: "brand", RIVAL: "competitor"})
    add(store, _background())
    add(store, _burst())
    store.close()
    yield str(path)


@pytest.fixture(scope="module")
def store(db: str) -> Iterator[DuckDBStore]:
    s = open_store(db)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="module")
def burst(store: DuckDBStore) -> Brief:
    return build_brief(store, WS, day=ISSUED)


@pytest.fixture(scope="module")
def quiet(store: DuckDBStore) -> Brief:
    return build_brief(store, WS, day=QUIET)


# --- the planted crisis -------------------------------------------------------------------


def test_the_complaint_burst_is_the_top_signal_with_its_evidence(burst: Brief) -> None:
    assert (burst.issued, burst.day) == (ISSUED, BURST_DAY)
    top = burst.signals[0]
    s = top.signal
    assert (s.topic, s.kind, s.dimension_value, top.when) == (
        BRAND,
        "emerging_term",
        "health",
        "yesterday",
    )
    assert s.severity == max(x.signal.severity for x in burst.signals)
    assert s.observed > s.baseline
    assert top.number == 1 and top.group == "brand"
    # why am I seeing this: the risk terms, quotes that carry them, who is talking
    assert {"ngộ độc", "đau bụng"} & set(s.evidence.terms)
    assert top.quotes and all(
        re.search("ngộ độc|đau bụng|tào tháo", q.text.lower()) for q in top.quotes
    )
    assert top.authors
    # the headline leads with the crisis
    assert not burst.quiet
    kinds = [h.kind for h in burst.headline]
    assert "signal" in kinds
    lead = next(h for h in burst.headline if h.kind == "signal")
    assert lead.signal is not None and lead.signal.number == 1


def test_the_burst_triggers_the_health_playbook_with_its_finding(burst: Brief) -> None:
    health = [a for a in burst.actions if a.rule == "health_risk"]
    assert len(health) == 1
    action = health[0]
    assert action.topic == BRAND and action.finding.signal == 1
    assert "pull_batch" in action.steps and "holding_statement_2h" in action.steps
    text = render(burst, "text", "vi")
    section = text.split(t("brief.section.actions", "vi").upper(), 1)[1]
    assert step_text("holding_statement_2h", "vi") in section
    assert "tín hiệu #1 (mức" in section  # which finding triggered it


def test_the_day_numbers_compare_with_the_day_before_and_the_baseline(burst: Brief) -> None:
    brand = next(td for td in burst.topics if td.topic == BRAND)
    assert [td.group for td in burst.topics] == ["brand", "competitor"]
    assert brand.previous.mentions == 72  # 3 an hour
    assert brand.day.mentions == 72 + 30 + 2
    assert brand.baseline is not None and brand.baseline.mentions == 72
    assert brand.baseline.negative_share == pytest.approx(1 / 3)
    assert brand.day.negative_share == pytest.approx((24 + 32) / (72 + 32))
    assert "louder" in brand.verdict() and "more_negative" in brand.verdict()
    rival = next(td for td in burst.topics if td.topic == RIVAL)
    assert rival.verdict() == ()


def test_projection_stage_and_share_of_voice_are_there(burst: Brief) -> None:
    p = burst.projections[0]
    assert p.topic == BRAND
    assert p.volume is not None and p.volume.horizon == 5
    assert p.first_day == ISSUED
    stages = {s.topic: s for s in burst.stages}
    assert set(stages) == {BRAND, RIVAL}
    assert stages[RIVAL].stage == "none"
    sov = {r.topic: r for r in burst.share_of_voice.rows}
    assert sov[BRAND].share == pytest.approx(104 / (104 + 72) * 100)
    assert sov[BRAND].base_share == pytest.approx(50.0)
    assert [r.topic for r in burst.quality] == [BRAND, RIVAL]
    text = render(burst, "text", "en")
    assert "If this trend continues" in text  # projection.describe's sentence


# --- a quiet day ----------------------------------------------------------------------


def test_a_quiet_day_says_so(quiet: Brief) -> None:
    assert quiet.quiet
    assert [h.kind for h in quiet.headline] == ["quiet"]
    assert not [s for s in quiet.signals if s.signal.severity >= 4]
    assert all(s.stage == "none" for s in quiet.stages)
    assert not quiet.actions
    vi = render(quiet, "text", "vi")
    en = render(quiet, "text", "en")
    assert "Một ngày yên ả" in vi and t("brief.actions.none", "vi") in vi
    assert "A quiet day" in en and t("brief.actions.none", "en") in en


# --- hostile text ---------------------------------------------------------------------


def test_html_escapes_hostile_text(burst: Brief) -> None:
    page = render(burst, "html", "vi")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;b&gt;Evil&lt;/b&gt;" in page and "<b>Evil" not in page
    assert "javascript:" not in page.split("<body>")[1].replace(
        "(javascript:alert(1))", ""
    ).replace("(javascript:alert(2))", "")  # shown as text only, never a link
    assert 'href="javascript' not in page
    assert 'href="https://example.com/post?id=1"' in page
    # one self-contained page: no external resource, no script
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"<(link|iframe|object|embed|img|script)\b", page)
    assert not re.search(r"\bsrc=\"", page)
    assert "\x1b" not in page


def test_markdown_neutralises_control_characters(burst: Brief) -> None:
    md = render(burst, "markdown", "vi")
    assert "[bấm vào](javascript:" not in md
    assert r"\[bấm vào\]\(javascript:alert\(1\)\)" in md
    assert "<script>" not in md and r"\<script\>" in md
    assert r"\*\*x\*\* \| \# y" in md
    assert "Hacker \\[x\\]\\(javascript:alert\\(2\\)\\)" in md
    assert "](javascript" not in md
    assert "](https://example.com/post?id=1)" in md  # a real link survives
    assert "\x1b" not in md


def test_text_drops_terminal_escapes(burst: Brief) -> None:
    text = render(burst, "text", "vi")
    assert "\x1b" not in text and "Evil" in text
    assert clean(f"a{ANSI}b\u202ec\n\td") == "a [31mb c d"


# --- both languages, numbers ----------------------------------------------------------


def test_both_languages_render_every_section(burst: Brief) -> None:
    for lang in ("vi", "en"):
        for fmt in ("text", "markdown", "html"):
            out = render(burst, fmt, lang)
            for key in (
                "brief.section.headline",
                "brief.section.changes",
                "brief.section.signals",
                "brief.section.stages",
                "brief.section.projection",
                "brief.section.sov",
                "brief.section.quality",
                "brief.section.actions",
            ):
                title = t(key, lang)
                assert (title.upper() if fmt == "text" else title) in out, (lang, fmt, key)
    vi, en = render(burst, "text", "vi"), render(burst, "text", "en")
    assert "Bản tin sáng" in vi and "Morning brief" in en
    assert "33,3 %" in vi and "33.3 %" in en  # the usual negative share


# --- the command ------------------------------------------------------------------------


def test_cli_formats_languages_and_out(db: str, tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(brief_cmd, ["--db", db, "-w", WS, "--date", "20/03/2025"])
    assert res.exit_code == 0, res.output
    assert "Bản tin sáng" in res.output and "ĐIỀU QUAN TRỌNG NHẤT HÔM NAY" in res.output
    out = tmp_path / "brief.html"
    args = ["--db", db, "-w", WS, "--date", "2025-03-20", "--format", "html", "--lang", "en"]
    res = runner.invoke(brief_cmd, [*args, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert res.output == ""
    page = out.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Morning brief" in page
    res = runner.invoke(
        brief_cmd, ["--db", db, "-w", WS, "--date", "2025-03-20", "--format", "markdown"]
    )
    assert res.exit_code == 0 and res.output.startswith("# Bản tin sáng")
    res = runner.invoke(brief_cmd, ["--db", db, "-w", WS, "--topic", RIVAL, "--date", "2025-03-12"])
    assert res.exit_code == 0 and f"Rival ({t('brief.group.competitor', 'vi')})" in res.output
    assert "Brand (thương hiệu)" not in res.output


def test_cli_errors_are_one_line(db: str, tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(brief_cmd, ["--db", db, "-w", WS, "--date", "tomorrowish"])
    assert res.exit_code == 2
    assert res.stderr.count("\n") == 1 and "tomorrowish" in res.stderr
    res = runner.invoke(brief_cmd, ["--db", db, "-w", WS, "--topic", "Nope"])
    assert res.exit_code == 2 and res.stderr.count("\n") == 1 and "Nope" in res.stderr
    res = runner.invoke(brief_cmd, ["--db", str(tmp_path / "missing.duckdb")])
    assert res.exit_code == 2 and "missing.duckdb" in res.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nid = "x"\nwhen = { colour = "red" }\nsteps = ["a"]\n', "utf-8")
    res = runner.invoke(brief_cmd, ["--db", db, "-w", WS, "--playbook", str(bad)])
    assert res.exit_code == 2 and "colour" in res.stderr


def test_cli_custom_playbook_in_plain_sentences(db: str, tmp_path: Path) -> None:
    own = tmp_path / "own.toml"
    own.write_text(
        '[[rule]]\nid = "gọi sếp"\nwhen = { source = "signal", risk = "health" }\n'
        'steps = ["Gọi ngay cho chị Lan (QA), số nội bộ 123."]\n',
        "utf-8",
    )
    res = CliRunner().invoke(
        brief_cmd, ["--db", db, "-w", WS, "--date", "2025-03-20", "--playbook", str(own)]
    )
    assert res.exit_code == 0, res.output
    assert "Gọi ngay cho chị Lan (QA), số nội bộ 123." in res.output
    assert "gọi sếp" in res.output


# --- pieces -------------------------------------------------------------------------------


def test_brief_date_reading() -> None:
    assert brief_date("2026-11-15", ZONE) == date(2026, 11, 15)
    assert brief_date("15/11/2026", ZONE) == date(2026, 11, 15)
    assert brief_date(None, ZONE, today=date(2026, 1, 2)) == date(2026, 1, 2)
    assert brief_date(datetime(2026, 11, 14, 18, 30, tzinfo=UTC), ZONE) == date(2026, 11, 15)
    with pytest.raises(ScopeError):
        brief_date("not a date", ZONE)


def test_baseline_is_a_median_that_skips_gaps_and_the_time_before_data() -> None:
    first = date(2025, 1, 1)
    days = [DayNumbers(first + timedelta(days=i)) for i in range(5)]  # before any data
    days += [
        DayNumbers(
            first + timedelta(days=5 + i),
            mentions=m,
            positive=10,
            negative=n,
            analysed=10 + n,
            interactions=100,
            vanity=10,
            gap_hours=g,
        )
        for i, (m, n, g) in enumerate(
            [
                (10, 5, 0),
                (12, 5, 0),
                (11, 5, 0),
                (500, 5, 0),
                (9, 5, 0),
                (0, 0, 6),
                (10, 5, 0),
                (13, 5, 0),
            ]
        )
    ]
    b = baseline(days)
    assert b is not None
    assert b.days == 7  # the gap day and the days before the first mention left out
    assert b.mentions == 11  # the median: one crisis day does not move it
    assert b.negative_share == pytest.approx(35 / 105)
    assert b.net_sentiment == pytest.approx((70 - 35) / 105 * 100)
    assert b.vanity_share == pytest.approx(0.1)
    assert baseline(days[:8]) is None  # fewer than 7 usable days


def test_verdict_thresholds() -> None:
    d = date(2025, 1, 1)
    usual = baseline([DayNumbers(d + timedelta(days=i), 100, 60, 20, 80) for i in range(10)])

    def day(m: int, neg: int, ana: int) -> TopicDay:
        return TopicDay("T", "brand", DayNumbers(d, m, 0, neg, ana), DayNumbers(d), usual)

    assert day(100, 20, 80).verdict() == ()
    assert day(140, 20, 80).verdict() == ("louder",)
    assert day(60, 20, 80).verdict() == ("quieter",)
    assert day(100, 30, 80).verdict() == ("more_negative",)
    assert day(100, 14, 80).verdict() == ("less_negative",)
    assert day(100, 5, 9).verdict() == ()  # too few opinions to call a turn


def _signal(**kw: Any) -> Signal:
    base: dict[str, Any] = {
        "workspace": WS,
        "topic": BRAND,
        "kind": "volume_spike",
        "measure": "volume",
        "grain": "hour",
        "bucket_start": _local(BURST_DAY, 10),
        "bucket_end": _local(BURST_DAY, 11),
        "observed": 30.0,
        "baseline": 3.0,
        "deviation": 6.0,
        "severity": 5,
    }
    base.update(kw)
    return Signal(**base)


def test_ranking_keeps_one_alert_per_story_and_puts_the_brand_first() -> None:
    groups = {BRAND: "brand", RIVAL: "competitor"}
    signals = [
        _signal(topic=RIVAL, severity=6),
        _signal(severity=6, bucket_start=_local(BURST_DAY - timedelta(days=1), 9)),
        _signal(severity=4),  # the same story (key) later, less severe
        _signal(kind="negative_shift", measure="negative_share", severity=6),
    ]
    ranked = rank_signals(signals, groups, BURST_DAY, ZONE)
    got = [(r.signal.topic, r.signal.kind, r.signal.severity, r.when, r.repeats) for r in ranked]
    assert got == [
        (BRAND, "negative_shift", 6, "yesterday", 0),
        (BRAND, "volume_spike", 6, "day_before", 1),
        (RIVAL, "volume_spike", 6, "yesterday", 0),
    ]
    assert [r.number for r in ranked] == [1, 2, 3]


def test_quotes_prefer_the_risk_terms_and_skip_the_same_text_twice() -> None:
    ms = tuple(
        EvidenceMention("facebook", str(i), None, "a", text)
        for i, text in enumerate(
            ["Trà ngon quá", "Bị ngộ độc rồi", "Bi ngo doc roi", "Uống xong ngộ độc luôn"]
        )
    )
    s = _signal(
        kind="emerging_term",
        measure="risk",
        dimension="risk",
        dimension_value="health",
        evidence=Evidence(mentions=ms, terms=("ngộ độc",)),
    )
    ranked = rank_signals([s], {BRAND: "brand"}, BURST_DAY, ZONE)
    assert [q.text for q in ranked[0].quotes] == ["Bị ngộ độc rồi", "Uống xong ngộ độc luôn"]


# --- the playbook ---------------------------------------------------------------------------


def test_shipped_playbook_speaks_both_languages() -> None:
    rules = load_playbook()
    assert len({r.id for r in rules}) == len(rules)
    for r in rules:
        for step in r.steps:
            for lang in ("vi", "en"):
                assert t(f"playbook.step.{step}", lang)
            assert t(f"playbook.rule.{r.id}", "vi") != t(f"playbook.rule.{r.id}", "en")


@pytest.mark.parametrize(
    ("finding", "rule"),
    [
        (Finding("signal", "B", "brand", 7, "emerging_term", risk="health"), "health_risk"),
        (Finding("signal", "B", "brand", 6, "emerging_aspect", aspect="delivery"), "delivery"),
        (Finding("signal", "B", "brand", 7, "escalation"), "escalation"),
        (Finding("stage", "B", "brand", 8, "stage", stage="outbreak"), "crisis_stage"),
        (Finding("signal", "B", "brand", 3, "vanity_spike"), "vanity_brand"),
        (Finding("seeding", "C", "competitor", 3, "seeding"), "competitor_seeding"),
        (Finding("buzz", "B", "brand", 4, "buzz"), "positive_buzz"),
        (Finding("signal", "C", "competitor", 6, "escalation"), "competitor_risk"),
        (Finding("signal", "C", "competitor", 5, "negative_shift"), "competitor_complaints"),
        (Finding("signal", "C", "competitor", 5, "volume_spike"), "look"),
    ],
)
def test_rules_match_the_documented_cases(finding: Finding, rule: str) -> None:
    actions = recommend([finding], load_playbook())
    assert [a.rule for a in actions] == [rule]
    assert actions[0].finding == finding


def test_findings_below_the_rules_get_no_action() -> None:
    rules = load_playbook()
    assert recommend([Finding("signal", "C", "competitor", 4, "volume_spike")], rules) == []
    assert recommend([Finding("signal", "X", "other", 9, "negative_shift")], rules)[0].rule == (
        "look"
    )


def test_recommend_merges_findings_and_drops_redundant_advice() -> None:
    rules = load_playbook()
    f_health = Finding("signal", "B", "brand", 8, "emerging_term", risk="health", signal=1)
    f_health2 = replace(f_health, severity=5, risk="hygiene", signal=3)
    f_stage = Finding("stage", "B", "brand", 8, "stage", stage="outbreak")
    f_volume = Finding("signal", "B", "brand", 5, "volume_spike", signal=2)
    f_cat = Finding("signal", "Cat", "category", 6, "emerging_term", risk="health", signal=4)
    actions = recommend([f_health2, f_volume, f_stage, f_health, f_cat], rules)
    assert [(a.rule, a.topic) for a in actions] == [("health_risk", "B"), ("crisis_stage", "B")]
    assert actions[0].finding is f_health and actions[0].also == 1
    # without the brand's own action, the category scare and the volume get theirs
    alone = recommend([f_volume, f_cat], rules)
    assert [a.rule for a in alone] == ["category_risk", "brand_volume"]


def test_playbook_errors_say_where() -> None:
    with pytest.raises(PlaybookError, match="unknown condition 'colour'"):
        parse_playbook('[[rule]]\nid = "a"\nwhen = { colour = "red" }\nsteps = ["x"]')
    with pytest.raises(PlaybookError, match="duplicate id"):
        parse_playbook('[[rule]]\nid = "a"\nsteps = ["x"]\n[[rule]]\nid = "a"\nsteps = ["y"]')
    with pytest.raises(PlaybookError, match="unless names no rule 'b'"):
        parse_playbook('[[rule]]\nid = "a"\nsteps = ["x"]\nunless = ["b"]')
    with pytest.raises(PlaybookError, match="no \\[\\[rule\\]\\]"):
        parse_playbook("")
    with pytest.raises(PlaybookError, match="steps"):
        parse_playbook('[[rule]]\nid = "a"\nsteps = []')
