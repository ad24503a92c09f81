"""``tinhieu alert`` through click's runner, on a real store and local servers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.signals.test_alerts_servers import WS, FakeService, free_port, make_signal, slack_answer
from tinhieu.cli_alerts import alert, parse_target
from tinhieu.signals.alerts import dispatch
from tinhieu.store import DuckDBStore, Topic


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    path = str(tmp_path / "t.duckdb")
    with DuckDBStore(path) as store:
        store.ensure_workspace(WS, "Asia/Ho_Chi_Minh")
        store.put_topic(Topic(WS, "Trà Mây", '"trà mây"', "brand"))
    monkeypatch.setenv("TINHIEU_LANG", "en")
    monkeypatch.delenv("SLACK_URL", raising=False)
    yield path


def run(db: str, *args: str) -> Result:
    return CliRunner().invoke(alert, [*args, "--db", db, "-w", WS])


def test_rule_add_list_and_remove(db: str) -> None:
    res = run(
        db,
        "rule", "add", "crisis", "--channel", "slack", "--target", "url_env=SLACK_URL",
        "--topic", "Trà Mây", "--kinds", "negative_shift,escalation", "--min-severity", "6",
        "--quiet-hours", "22:00-07:00", "--cooldown", "90", "--lang", "vi",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == "Saved alert rule 'crisis' (slack)."
    assert "SLACK_URL" in res.stderr and "not set" in res.stderr
    listed = json.loads(run(db, "rule", "list", "--json").stdout)
    assert listed == [
        {
            "workspace": WS,
            "name": "crisis",
            "channel": "slack",
            "target": {"url_env": "SLACK_URL", "lang": "vi"},
            "topic": "Trà Mây",
            "kinds": "negative_shift,escalation",
            "min_severity": 6,
            "quiet_hours": "22:00-07:00",
            "cooldown_minutes": 90,
            "enabled": True,
            "lang": "vi",
        }
    ]
    text = run(db, "rule", "list").stdout
    assert "crisis  [slack]  topic=Trà Mây" in text and "quiet=22:00-07:00" in text
    assert run(db, "rule", "remove", "crisis").stdout.startswith("Removed rule 'crisis'")
    assert run(db, "rule", "list").stdout.startswith("No alert rules yet")
    missing = run(db, "rule", "remove", "crisis")
    assert missing.exit_code == 2 and "No alert rule named 'crisis'" in missing.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--min-severity", "11"], "min_severity must be from 1 to 10"),
        (["--kinds", "spikes"], "unknown signal kind(s) spikes"),
        (["--quiet-hours", "late"], "quiet hours must look like 22:00-07:00"),
        (["--topic", "Nope"], "no topic named 'Nope'"),
        (["--target", "password=hunter2"], "never store a secret"),
        (["--target", "{oops"], "--target is not valid JSON"),
        (["--target", "novalue"], "--target expects KEY=VALUE"),
    ],
)
def test_rule_add_errors_are_one_line(db: str, args: list[str], message: str) -> None:
    res = run(db, "rule", "add", "r", "--channel", "slack", "--target", "url_env=S", *args)
    assert res.exit_code == 2
    assert res.stderr.startswith("Error: ") and message in res.stderr
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.output
    assert json.loads(run(db, "rule", "list", "--json").stdout) == []


def test_target_values_merge() -> None:
    got = parse_target(
        ("to=a@x.vn", "to=b@x.vn", '{"host": "smtp.x.vn", "port": 2525}', "port=587")
    )
    assert got == {"to": ["a@x.vn", "b@x.vn"], "host": "smtp.x.vn", "port": "587"}


def test_rule_test_reports_success_and_the_error(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    add = run(db, "rule", "add", "s", "--channel", "slack", "--target", "url_env=SLACK_URL")
    assert add.exit_code == 0
    with FakeService(slack_answer) as slack:
        monkeypatch.setenv("SLACK_URL", slack.url + "/services/T/B/X")
        res = run(db, "rule", "test", "s")
        assert res.exit_code == 0, res.output
        assert (
            res.stdout.strip() == "Sent a test message through slack: Slack answered HTTP 200: ok"
        )
        sent = slack.requests[0].json()
        assert sent["text"].startswith("[TEST] ")
        assert "&lt;b&gt;&amp;&lt;/b&gt;" in json.dumps(sent)  # the sample's hostile text
    monkeypatch.setenv("SLACK_URL", f"http://127.0.0.1:{free_port()}/x")
    down = run(db, "rule", "test", "s")
    assert down.exit_code == 2
    assert "Test through slack failed: cannot reach http://127.0.0.1" in down.stderr
    assert run(db, "rule", "test", "nope").exit_code == 2
    # Testing writes nothing to the delivery log.
    assert run(db, "log").stdout.strip() == "No alert deliveries yet."


def test_deliver_log_and_retry(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert (
        run(db, "rule", "add", "s", "--channel", "slack", "--target", "url_env=SLACK_URL").exit_code
        == 0
    )
    assert (
        run(
            db,
            "rule",
            "add",
            "s2",
            "--channel",
            "slack",
            "--target",
            "url_env=SLACK_URL",
            "--min-severity",
            "8",
        ).exit_code
        == 0
    )
    with DuckDBStore(db) as store:
        res = dispatch(store, WS, [make_signal(severity=6)])
    assert res.queued == 1
    monkeypatch.setenv("SLACK_URL", f"http://127.0.0.1:{free_port()}/x")
    first = run(db, "deliver", "--max-attempts", "1")
    assert first.exit_code == 0
    assert first.stdout.strip() == "Sent 0, will retry 0, failed 1, cancelled 0."
    assert "cannot reach" in first.stderr
    log = json.loads(run(db, "log", "--json").stdout)
    assert [(e["id"], e["rule"], e["status"], e["severity"]) for e in log] == [
        (1, "s", "failed", 6)
    ]
    assert [(a["attempt"], a["ok"]) for a in log[0]["attempt_log"]] == [(1, False)]
    assert "cannot reach" in log[0]["attempt_log"][0]["detail"]
    usage = run(db, "retry")
    assert usage.exit_code == 2 and "Give one delivery ID or --failed" in usage.stderr
    assert "no delivery 99 in workspace 'w'" in run(db, "retry", "99").stderr
    assert run(db, "retry", "--failed").stdout.strip() == "Re-queued 1 deliveries."
    with FakeService(slack_answer) as slack:
        monkeypatch.setenv("SLACK_URL", slack.url)
        again = run(db, "deliver")
        assert again.stdout.strip() == "Sent 1, will retry 0, failed 0, cancelled 0."
        assert len(slack.requests) == 1
    text = run(db, "log").stdout
    assert "#1  sent" in text and "FAIL" in text and "ok  " in text
    assert run(db, "retry", "1").exit_code == 2  # sent, not failed


def test_deliver_loop_runs_rounds_without_sleeping(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr("tinhieu.cli_alerts._sleep", slept.append)
    res = run(db, "deliver", "--loop", "--interval", "5", "--rounds", "3")
    assert res.exit_code == 0 and res.stdout == ""  # nothing due: quiet
    assert slept == [5.0, 5.0]


def test_commands_need_an_existing_store(tmp_path: Path) -> None:
    res = CliRunner().invoke(alert, ["log", "--db", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 2 and "none.duckdb" in res.stderr


def test_messages_are_vietnamese_by_default(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TINHIEU_LANG")
    res = run(db, "rule", "add", "s", "--channel", "slack", "--target", "url_env=SLACK_URL")
    assert res.stdout.strip() == "Đã lưu quy tắc cảnh báo 's' (slack)."
    listed = json.loads(run(db, "rule", "list", "--json").stdout)
    assert listed[0]["lang"] == "vi"  # alert messages follow the command's language
    bad = run(
        db, "rule", "add", "x", "--channel", "slack", "--target", "url_env=S", "--cooldown", "-1"
    )
    assert bad.stderr.startswith("Lỗi: cooldown must be from 0")
