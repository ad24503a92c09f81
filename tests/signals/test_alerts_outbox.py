"""The outbox: dispatch (duplicates, cooldown, quiet hours) and delivery (retries with
backoff against a real local server that is down, then failing, then back)."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.signals.test_alerts_servers import (
    WS,
    FakeService,
    free_port,
    make_signal,
    slack_answer,
    telegram_answer,
)
from tinhieu.signals.alerts import (
    AlertError,
    RetryPolicy,
    deliver_due,
    delivery_log,
    dispatch,
    make_rule,
    retry,
    save_rule,
)
from tinhieu.signals.alerts.render import Message
from tinhieu.store import DuckDBStore

T0 = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)  # 10:00 in Ho Chi Minh City
SLACK = {"url_env": "SLACK_URL"}


@pytest.fixture
def store(alert_store: DuckDBStore) -> DuckDBStore:
    return alert_store


def _rule(store: DuckDBStore, name: str = "r", **kw: Any) -> None:
    args: dict[str, Any] = {"channel": "slack", "target": SLACK, **kw}
    save_rule(store, make_rule(WS, name, **args))


def _rows(store: DuckDBStore) -> list[tuple[Any, ...]]:
    return store.fetch_all(
        "SELECT id, rule, status, next_attempt_at, last_error FROM alert_deliveries ORDER BY id"
    )


def _bucket(hours: int) -> datetime:
    return datetime(2026, 3, 1, 0, 0, tzinfo=UTC) + timedelta(hours=hours)


# --- dispatch ------------------------------------------------------------------------------
def test_dispatch_matches_rules_and_ignores_exact_duplicates(store: DuckDBStore) -> None:
    _rule(store, "negatives", kinds="negative_shift", min_severity=5)
    _rule(store, "spikes", kinds="volume_spike")
    sig = make_signal(severity=6)
    res = dispatch(store, WS, [sig, make_signal(kind="escalation")], now=T0)
    assert (res.queued, res.unmatched, res.duplicates) == (1, 1, 0)
    again = dispatch(store, WS, [sig], now=T0 + timedelta(minutes=1))
    assert (again.queued, again.duplicates, again.suppressed) == (0, 1, 0)
    rows = store.fetch_all("SELECT rule, signal_id, signal_key, status FROM alert_deliveries")
    assert rows == [("negatives", sig.id, sig.key, "pending")]


def test_cooldown_suppresses_repeats_unless_severity_rises_by_two(store: DuckDBStore) -> None:
    _rule(store, cooldown_minutes=60)
    first = make_signal(severity=5, bucket_start=_bucket(1))
    assert dispatch(store, WS, [first], now=T0).queued == 1
    repeat = make_signal(severity=6, bucket_start=_bucket(2))
    assert dispatch(store, WS, [repeat], now=T0 + timedelta(minutes=10)).suppressed == 1
    worse = make_signal(severity=7, bucket_start=_bucket(3))  # 5 + 2: goes out
    assert dispatch(store, WS, [worse], now=T0 + timedelta(minutes=20)).queued == 1
    same_again = make_signal(severity=8, bucket_start=_bucket(4))  # 7 + 1: suppressed
    assert dispatch(store, WS, [same_again], now=T0 + timedelta(minutes=30)).suppressed == 1
    other_story = make_signal(severity=5, kind="volume_spike", bucket_start=_bucket(4))
    assert dispatch(store, WS, [other_story], now=T0 + timedelta(minutes=30)).queued == 1
    # The cooldown counts from the last alert that went out (the one at minute 20).
    later = make_signal(severity=7, bucket_start=_bucket(5))
    assert dispatch(store, WS, [later], now=T0 + timedelta(minutes=79)).suppressed == 1
    after = make_signal(severity=7, bucket_start=_bucket(6))
    assert dispatch(store, WS, [after], now=T0 + timedelta(minutes=81)).queued == 1
    rows = _rows(store)
    assert [r[2] for r in rows] == [
        "pending",
        "suppressed",
        "pending",
        "suppressed",
        "pending",
        "suppressed",
        "pending",
    ]
    note = rows[1][4]
    assert "repeat of delivery 1 within the 60-minute cooldown" in note
    assert "severity 6, was 5" in note
    # Re-dispatching a suppressed signal is a duplicate, not another suppressed row.
    assert dispatch(store, WS, [repeat], now=T0 + timedelta(minutes=90)).duplicates == 1


def test_the_same_bucket_escalating_is_not_a_duplicate(store: DuckDBStore) -> None:
    _rule(store, cooldown_minutes=60)
    dispatch(store, WS, [make_signal(severity=5)], now=T0)
    res = dispatch(store, WS, [make_signal(severity=8)], now=T0 + timedelta(minutes=5))
    assert res.queued == 1 and len(_rows(store)) == 2


def test_quiet_hours_hold_until_they_end_but_severity_nine_breaks_through(
    store: DuckDBStore,
) -> None:
    _rule(store, quiet_hours="22:00-07:00", cooldown_minutes=0)
    night = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)  # 23:00 local
    morning = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # 07:00 local
    res = dispatch(
        store,
        WS,
        [
            make_signal(severity=8, bucket_start=_bucket(14)),
            make_signal(severity=9, kind="escalation", bucket_start=_bucket(14)),
        ],
        now=night,
    )
    assert (res.held, res.queued) == (1, 1)
    held, urgent = _rows(store)
    assert held[2] == "held" and held[3] == morning
    assert "held for quiet hours 22:00-07:00 (Asia/Ho_Chi_Minh) until 2026-03-02 07:00" in held[4]
    assert urgent[2] == "pending" and urgent[3] == night
    with FakeService(slack_answer) as slack:
        env = {"SLACK_URL": slack.url}
        first = deliver_due(store, now=night + timedelta(minutes=1), env=env)
        assert first.sent == 1 and len(slack.requests) == 1
        assert "Báo chí và trang lớn vào cuộc" in json.dumps(
            slack.requests[0].json(), ensure_ascii=False
        )
        assert deliver_due(store, now=morning - timedelta(seconds=1), env=env).attempted == 0
        assert deliver_due(store, now=morning, env=env).sent == 1
        assert len(slack.requests) == 2
    assert [r[2] for r in _rows(store)] == ["sent", "sent"]


def test_a_repeat_during_quiet_hours_is_covered_by_the_held_alert(store: DuckDBStore) -> None:
    _rule(store, quiet_hours="22:00-07:00", cooldown_minutes=30)
    night = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)
    dispatch(store, WS, [make_signal(bucket_start=_bucket(14))], now=night)
    res = dispatch(
        store, WS, [make_signal(bucket_start=_bucket(17))], now=night + timedelta(hours=3)
    )
    assert res.suppressed == 1  # held until 07:00, so its cooldown runs from 07:00


def test_dispatch_is_one_transaction(store: DuckDBStore) -> None:
    _rule(store)
    with pytest.raises(AlertError, match="belongs to workspace 'other'"):
        dispatch(store, WS, [make_signal(), make_signal(workspace="other")], now=T0)
    assert _rows(store) == []


def test_disabled_rules_and_rules_of_other_workspaces_do_not_match(store: DuckDBStore) -> None:
    save_rule(store, make_rule(WS, "off", channel="slack", target=SLACK, enabled=False))
    save_rule(store, make_rule("other", "theirs", channel="slack", target=SLACK))
    assert dispatch(store, WS, [make_signal()], now=T0).unmatched == 1


# --- delivery ------------------------------------------------------------------------------
def test_backoff_policy() -> None:
    policy = RetryPolicy()
    assert [policy.step(n) for n in (1, 2, 3, 7, 8, 9, 50)] == [
        30,
        60,
        120,
        1920,
        3600,
        3600,
        3600,
    ]
    rng = random.Random(3)
    for n in range(1, 12):
        d = policy.delay(n, rng)
        assert policy.step(n) / 2 <= d <= policy.step(n)
    assert policy.delay(1, rng, retry_after=600) == 600
    assert policy.delay(1, rng, retry_after=10**6) == 3600
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)


def _attempts(store: DuckDBStore, delivery_id: int) -> list[tuple[int, bool, str]]:
    return [
        (int(a), bool(ok), str(d))
        for a, ok, d in store.fetch_all(
            "SELECT attempt, ok, detail FROM alert_attempts WHERE delivery_id = ? ORDER BY attempt",
            [delivery_id],
        )
    ]


def _due(store: DuckDBStore, delivery_id: int) -> datetime:
    row = store.fetch_all(
        "SELECT next_attempt_at FROM alert_deliveries WHERE id = ?", [delivery_id]
    )
    return row[0][0]  # type: ignore[no-any-return]


def test_a_channel_that_is_down_loses_nothing(store: DuckDBStore) -> None:
    _rule(store)
    port = free_port()
    env = {"SLACK_URL": f"http://127.0.0.1:{port}/services/T/B/X"}
    rng = random.Random(7)
    dispatch(store, WS, [make_signal()], now=T0)
    now = T0
    # Nothing listens: connection refused, twice, each wait about twice the last.
    waits = []
    for n in (1, 2):
        res = deliver_due(store, now=now, env=env, rng=rng)
        assert (res.retried, res.sent) == (1, 0)
        due = _due(store, 1)
        waits.append((due - now).total_seconds())
        assert 30 * 2 ** (n - 1) / 2 <= waits[-1] <= 30 * 2 ** (n - 1)
        assert deliver_due(store, now=due - timedelta(seconds=1), env=env).attempted == 0
        now = due
    with FakeService(slack_answer, port=port) as slack:
        slack.script.extend([(500, "text/html", b"rollup_error")] * 2)
        for n in (3, 4):
            assert deliver_due(store, now=now, env=env, rng=rng).retried == 1
            due = _due(store, 1)
            assert 30 * 2 ** (n - 1) / 2 <= (due - now).total_seconds() <= 30 * 2 ** (n - 1)
            now = due
        res = deliver_due(store, now=now, env=env, rng=rng)
        assert res.sent == 1
        assert len(slack.requests) == 3
    attempts = _attempts(store, 1)
    assert [(a, ok) for a, ok, _ in attempts] == [
        (1, False),
        (2, False),
        (3, False),
        (4, False),
        (5, True),
    ]
    assert all("cannot reach http://127.0.0.1" in d for _, _, d in attempts[:2])
    assert all("HTTP 500: rollup_error" in d for _, _, d in attempts[2:4])
    assert "/services/T/B/X" not in "".join(d for _, _, d in attempts)
    status, n, sent_at, last_error = store.fetch_all(
        "SELECT status, attempts, sent_at, last_error FROM alert_deliveries WHERE id = 1"
    )[0]
    assert (status, n, sent_at, last_error) == ("sent", 5, now, None)
    log = delivery_log(store, WS)
    assert [a["ok"] for a in log[0]["attempt_log"]] == [False, False, False, False, True]


def test_one_try_per_rule_and_run_while_its_channel_is_down(store: DuckDBStore) -> None:
    _rule(store, cooldown_minutes=0)
    port = free_port()
    env = {"SLACK_URL": f"http://127.0.0.1:{port}/hook"}
    signals = [make_signal(bucket_start=_bucket(h)) for h in range(3)]
    dispatch(store, WS, signals, now=T0)
    res = deliver_due(store, now=T0, env=env)
    assert (res.retried, res.deferred, res.sent) == (1, 2, 0)
    with FakeService(slack_answer, port=port) as slack:
        res = deliver_due(store, now=T0 + timedelta(hours=1), env=env)
        assert res.sent == 3 and len(slack.requests) == 3


def test_max_attempts_then_failed_then_retry(store: DuckDBStore) -> None:
    _rule(store)
    policy = RetryPolicy(max_attempts=3)
    with FakeService(lambda req: (503, "text/plain", b"maintenance")) as slack:
        env = {"SLACK_URL": slack.url}
        dispatch(store, WS, [make_signal()], now=T0)
        now = T0
        results = []
        for _ in range(3):
            res = deliver_due(store, now=now, env=env, policy=policy)
            results.append((res.retried, res.failed))
            now = _due(store, 1) if res.retried else now
        assert results == [(1, 0), (1, 0), (0, 1)]
        assert store.fetch_all(
            "SELECT status, attempts, next_attempt_at FROM alert_deliveries"
        ) == [("failed", 3, None)]
        assert deliver_due(store, now=now + timedelta(days=1), env=env).attempted == 0
        with pytest.raises(AlertError, match="give one delivery id or --failed"):
            retry(store, WS)
        assert retry(store, WS, 1, now=now) == 1
        slack.answer = slack_answer
        assert deliver_due(store, now=now, env=env, policy=policy).sent == 1
    assert [(a, ok) for a, ok, _ in _attempts(store, 1)] == [
        (1, False),
        (2, False),
        (3, False),
        (4, True),
    ]
    assert store.fetch_all("SELECT status, attempts FROM alert_deliveries") == [("sent", 1)]
    with pytest.raises(AlertError, match="delivery 1 is sent; only failed deliveries"):
        retry(store, WS, 1)
    with pytest.raises(AlertError, match="no delivery 99"):
        retry(store, WS, 99)


def test_permanent_errors_fail_at_once_and_retry_failed_requeues_all(store: DuckDBStore) -> None:
    _rule(store, cooldown_minutes=0)
    dispatch(store, WS, [make_signal(bucket_start=_bucket(h)) for h in range(2)], now=T0)
    with FakeService(lambda req: (404, "text/html", b"no_service")) as slack:
        env = {"SLACK_URL": slack.url}
        res = deliver_due(store, now=T0, env=env)
        assert (res.failed, res.retried) == (2, 0)
        assert retry(store, WS, failed=True, now=T0) == 2
        slack.answer = slack_answer
        assert deliver_due(store, now=T0, env=env).sent == 2
    # A missing environment variable is permanent too, and says which.
    dispatch(store, WS, [make_signal(bucket_start=_bucket(5))], now=T0)
    res = deliver_due(store, now=T0, env={})
    assert res.failed == 1 and "environment variable SLACK_URL" in res.errors[0]


def test_retry_after_from_telegram_is_honoured(store: DuckDBStore) -> None:
    token = "42:tok"
    with FakeService(telegram_answer(token)) as tg:
        _rule(
            store,
            channel="telegram",
            target={"chat_id": "-1001234", "token_env": "TG", "api_base": tg.url},
        )
        tg.script.append(
            (
                429,
                "application/json",
                json.dumps(
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": "Too Many Requests: retry after 900",
                        "parameters": {"retry_after": 900},
                    }
                ).encode(),
            )
        )
        dispatch(store, WS, [make_signal()], now=T0)
        assert deliver_due(store, now=T0, env={"TG": token}).retried == 1
        assert _due(store, 1) == T0 + timedelta(seconds=900)
        assert deliver_due(store, now=T0 + timedelta(seconds=900), env={"TG": token}).sent == 1


class _Broken:
    def send(self, target: Mapping[str, Any], message: Message, env: Mapping[str, str]) -> str:
        raise RuntimeError("boom")


def test_an_internal_error_is_logged_and_retried(store: DuckDBStore) -> None:
    _rule(store)
    dispatch(store, WS, [make_signal()], now=T0)
    res = deliver_due(store, now=T0, channels={"slack": _Broken()})
    assert res.retried == 1
    assert _attempts(store, 1) == [(1, False, "internal error: RuntimeError: boom")]


def test_a_delivery_whose_rule_vanished_is_cancelled(store: DuckDBStore) -> None:
    _rule(store)
    dispatch(store, WS, [make_signal()], now=T0)
    store.execute("DELETE FROM alert_rules")
    assert deliver_due(store, now=T0, env={}).cancelled == 1
    assert _rows(store)[0][2] == "cancelled"
