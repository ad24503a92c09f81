"""Alert rules: validation with one-line errors, quiet hours, matching, storage."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.signals.test_alerts_servers import WS, make_signal
from tinhieu.signals.alerts import (
    QuietHours,
    RuleError,
    dispatch,
    get_rule,
    list_rules,
    make_rule,
    remove_rule,
    save_rule,
)
from tinhieu.store import DuckDBStore

SLACK = {"url_env": "SLACK_URL"}


@pytest.fixture
def store(alert_store: DuckDBStore) -> DuckDBStore:
    return alert_store


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"channel": "fax"}, "unknown channel 'fax'"),
        ({"min_severity": 0}, "min_severity must be from 1 to 10"),
        ({"min_severity": 11}, "min_severity must be from 1 to 10"),
        ({"cooldown_minutes": -5}, "cooldown must be from 0"),
        ({"kinds": "volume_spike,bogus"}, "unknown signal kind(s) bogus"),
        ({"kinds": "*,volume_spike"}, "cannot be mixed"),
        ({"quiet_hours": "22h-7h"}, "quiet hours must look like 22:00-07:00"),
        ({"quiet_hours": "25:00-07:00"}, "hours are 00–23"),
        ({"quiet_hours": "07:00-07:00"}, "same time"),
        ({"lang": "fr"}, "lang must be one of vi, en"),
        (
            {"target": {"url": "https://hooks.slack.com/services/T/B/X"}},
            "Slack webhook URL is a secret",
        ),
        ({"target": {"url_env": "SLACK_URL", "password": "hunter2"}}, "never store a secret"),
        ({"target": {"url_env": "not a name"}}, "must name an environment variable"),
        ({"target": {}}, "slack target needs url_env"),
        ({"target": {"url_env": "X", "colour": "red"}}, "unknown key(s) colour"),
        ({"name": "  "}, "rule name must be 1–100"),
    ],
)
def test_invalid_rules_fail_with_one_line_messages(kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {"channel": "slack", "target": SLACK, **kwargs}
    name = args.pop("name", "r")
    with pytest.raises(RuleError) as info:
        make_rule(WS, name, **args)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("channel", "target", "message"),
    [
        ("email", {"to": "not-an-address"}, "is not an email address"),
        ("email", {"to": []}, "email target needs to"),
        ("email", {"to": "a@b.vn", "security": "tls13"}, "security must be one of"),
        ("email", {"to": "a@b.vn", "port": 70000}, "port must be from 1 to 65535"),
        (
            "email",
            {"to": "a@b.vn", "username_env": "U"},
            "needs both username_env and password_env",
        ),
        ("email", {"to": "a@b.vn", "smtp_password": "x"}, "never store a secret"),
        ("webhook", {"url": "https://x.vn/h"}, "webhook target needs secret_env"),
        ("webhook", {"url": "ftp://x.vn/h", "secret_env": "S"}, "must be an http(s) URL"),
        ("webhook", {"url": "https://u:p@x.vn/h", "secret_env": "S"}, "must not carry credentials"),
        ("webhook", {"secret_env": "S"}, "exactly one of url or url_env"),
        ("telegram", {"chat_id": "abc", "token_env": "T"}, "chat_id must be a numeric chat id"),
        ("telegram", {"chat_id": "1", "token": "123:ABC"}, "never store a secret"),
        ("telegram", {"chat_id": "1", "token_env": "T", "api_base": "file:///etc"}, "http(s) URL"),
    ],
)
def test_channel_targets_are_checked(channel: str, target: dict[str, Any], message: str) -> None:
    with pytest.raises(RuleError, match=None) as info:
        make_rule(WS, "r", channel=channel, target=target)
    assert message in str(info.value)


def test_valid_targets_are_normalised() -> None:
    rule = make_rule(
        WS,
        "mail",
        channel="email",
        target={
            "to": "a@b.vn, c@d.vn",
            "security": "SSL",
            "password_env": "P",
            "username_env": "U",
        },
        kinds="volume_spike, escalation,volume_spike",
        lang="en",
    )
    assert rule.target["to"] == ["a@b.vn", "c@d.vn"]
    assert rule.target["port"] == 465 and rule.target["security"] == "ssl"
    assert rule.kinds == ("volume_spike", "escalation")
    assert rule.lang == "en"
    assert rule.env_names() == ["P", "U"]
    tg = make_rule(WS, "tg", channel="telegram", target={"chat_id": -100123, "token_env": "T"})
    assert tg.target["chat_id"] == "-100123" and tg.kinds == () and tg.kinds_text == "*"


def test_quiet_hours_wrap_past_midnight() -> None:
    q = QuietHours.parse("22:00-07:00")
    assert q.contains(time(23, 30)) and q.contains(time(6, 59)) and q.contains(time(22, 0))
    assert not q.contains(time(7, 0)) and not q.contains(time(12, 0))
    day = QuietHours.parse("12:00 - 13:30")
    assert (
        day.contains(time(12, 0)) and not day.contains(time(13, 30)) and str(day) == "12:00-13:30"
    )


def test_quiet_hours_end_in_the_workspace_time_zone() -> None:
    q = QuietHours.parse("22:00-07:00")
    hcm = ZoneInfo("Asia/Ho_Chi_Minh")  # UTC+7
    # 16:00 UTC = 23:00 local: quiet until 07:00 local next day = 00:00 UTC.
    assert q.ends_after(datetime(2026, 3, 1, 16, 0, tzinfo=UTC), hcm) == datetime(
        2026, 3, 2, 0, 0, tzinfo=UTC
    )
    # 22:00 UTC = 05:00 local the next day: quiet until 07:00 local that same day.
    assert q.ends_after(datetime(2026, 3, 1, 22, 0, tzinfo=UTC), hcm) == datetime(
        2026, 3, 2, 0, 0, tzinfo=UTC
    )
    assert q.ends_after(datetime(2026, 3, 1, 5, 0, tzinfo=UTC), hcm) is None  # 12:00 local


def test_matching() -> None:
    rule = make_rule(
        WS,
        "r",
        channel="slack",
        target=SLACK,
        topic="Trà Mây",
        kinds="negative_shift",
        min_severity=6,
    )
    assert rule.matches(make_signal(severity=6))
    assert not rule.matches(make_signal(severity=5))
    assert not rule.matches(make_signal(topic="Other"))
    assert not rule.matches(make_signal(kind="volume_spike"))
    assert not rule.matches(make_signal(workspace="elsewhere"))
    every = make_rule(WS, "all", channel="slack", target=SLACK)
    assert every.matches(make_signal(topic="Other", kind="emerging_term", severity=1))


def test_rules_round_trip_and_replace(store: DuckDBStore) -> None:
    rule = make_rule(
        WS,
        "crisis",
        channel="slack",
        target=SLACK,
        topic="Trà Mây",
        kinds="negative_shift,escalation",
        min_severity=7,
        quiet_hours="22:00-07:00",
        cooldown_minutes=90,
    )
    save_rule(store, rule)
    assert get_rule(store, WS, "crisis") == rule
    with pytest.raises(RuleError, match="exists"):
        save_rule(store, rule)
    changed = make_rule(WS, "crisis", channel="slack", target=SLACK, min_severity=3)
    save_rule(store, changed, replace=True)
    assert list_rules(store, WS) == [changed]
    stored = store.fetch_all("SELECT target FROM alert_rules")[0][0]
    assert "SLACK_URL" in stored and "hooks.slack.com" not in stored


def test_a_rule_for_an_unknown_topic_is_refused(store: DuckDBStore) -> None:
    with pytest.raises(RuleError, match="no topic named 'Tra May'"):
        save_rule(store, make_rule(WS, "r", channel="slack", target=SLACK, topic="Tra May"))


def test_removing_a_rule_cancels_its_waiting_deliveries(store: DuckDBStore) -> None:
    save_rule(store, make_rule(WS, "r", channel="slack", target=SLACK))
    res = dispatch(store, WS, [make_signal()], now=datetime(2026, 3, 1, 5, 0, tzinfo=UTC))
    assert res.queued == 1
    assert remove_rule(store, WS, "r") is True
    assert store.fetch_all("SELECT status, last_error FROM alert_deliveries") == [
        ("cancelled", "rule removed")
    ]
    assert remove_rule(store, WS, "r") is False
