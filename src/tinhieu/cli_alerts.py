"""``tinhieu alert``: alert rules, sending, the delivery log and re-sending."""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Callable
from typing import Any, TypeVar

import click

from tinhieu.cli_common import UserError, _echo_json, _lang, _open, store_options, user_errors
from tinhieu.i18n import t

F = TypeVar("F", bound=Callable[..., Any])
_sleep = time.sleep  # replaced in tests


def _alert_errors(func: F) -> F:
    """Alert errors (an invalid rule, a bad retry) become one-line user errors."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from tinhieu.signals.alerts import AlertError

        try:
            return func(*args, **kwargs)
        except AlertError as exc:
            raise UserError(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


@click.group("alert")
def alert() -> None:
    """Alerts: rules that send signals by e-mail, webhook, Slack or Telegram.

    \b
    tinhieu alert rule add crisis --channel slack --target url_env=SLACK_WEBHOOK_URL \\
        --topic MyBrand --kinds negative_shift,escalation --min-severity 6
    tinhieu alert rule test crisis
    tinhieu alert deliver --loop          (send what is due, retry what failed)
    tinhieu alert log
    """


@alert.group("rule")
def rule_group() -> None:
    """Add, list, remove and test alert rules."""


def parse_target(values: tuple[str, ...]) -> dict[str, Any]:
    """``--target`` values: JSON objects and KEY=VALUE pairs, merged in order; a
    repeated ``to`` collects a list of addresses."""
    target: dict[str, Any] = {}
    for value in values:
        text = value.strip()
        if text.startswith("{"):
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                raise UserError(f"--target is not valid JSON: {exc.msg} at {exc.pos}") from exc
            if not isinstance(obj, dict):
                raise UserError("--target JSON must be an object")
            target.update(obj)
            continue
        key, sep, val = text.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UserError(f"--target expects KEY=VALUE or a JSON object, got {value!r}")
        if key == "to" and "to" in target:
            prev = target["to"]
            target["to"] = [*(prev if isinstance(prev, list) else [prev]), val.strip()]
        else:
            target[key] = val.strip()
    return target


@rule_group.command("add")
@click.argument("name")
@click.option(
    "--channel",
    required=True,
    type=click.Choice(["email", "webhook", "slack", "telegram"]),
    help="Where alerts go.",
)
@click.option(
    "--target",
    "targets",
    multiple=True,
    help="Channel settings as KEY=VALUE (repeatable) or a JSON object; secrets only as "
    "names of environment variables (password_env, secret_env, token_env, url_env). "
    "See docs/alerts.md.",
)
@click.option("--topic", default=None, help="Only this topic (default: every topic).")
@click.option(
    "--kinds",
    default="*",
    show_default=True,
    help="Comma list of signal kinds, or * for all.",
)
@click.option("--min-severity", type=int, default=5, show_default=True, help="1–10.")
@click.option(
    "--quiet-hours",
    default=None,
    help="e.g. 22:00-07:00 in the workspace time zone; alerts wait until it ends "
    "(severity 9–10 still goes out).",
)
@click.option(
    "--cooldown",
    type=int,
    default=60,
    show_default=True,
    help="Minutes before the same story (topic, kind, dimension) alerts again.",
)
@click.option(
    "--message-lang",
    "--lang",
    "message_lang",
    type=click.Choice(["vi", "en"]),
    default=None,
    help="Language of the alert messages (default: the command's language).",
)
@click.option("--replace", is_flag=True, help="Overwrite a rule of the same name.")
@store_options
@user_errors
@_alert_errors
def rule_add(
    name: str,
    channel: str,
    targets: tuple[str, ...],
    topic: str | None,
    kinds: str,
    min_severity: int,
    quiet_hours: str | None,
    cooldown: int,
    message_lang: str | None,
    replace: bool,
    db: str | None,
    workspace: str,
) -> None:
    """Add an alert rule NAME."""
    from tinhieu.signals.alerts import make_rule, save_rule

    lang = _lang()
    rule = make_rule(
        workspace,
        name,
        channel=channel,
        target=parse_target(targets),
        topic=topic,
        kinds=kinds,
        min_severity=min_severity,
        quiet_hours=quiet_hours,
        cooldown_minutes=cooldown,
        lang=message_lang or lang,
    )
    with _open(db) as store:
        save_rule(store, rule, replace=replace)
    click.echo(t("alert.rule.added", lang, name=rule.name, channel=rule.channel))
    unset = [n for n in rule.env_names() if not os.environ.get(n)]
    if unset:
        click.echo(t("alert.rule.env_unset", lang, names=", ".join(unset)), err=True)


@rule_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the rules as JSON.")
@store_options
@user_errors
def rule_list(as_json: bool, db: str | None, workspace: str) -> None:
    """List the workspace's alert rules."""
    from tinhieu.signals.alerts import list_rules

    with _open(db, must_exist=True) as store:
        rules = list_rules(store, workspace)
    if as_json:
        _echo_json([r.to_dict() for r in rules])
        return
    if not rules:
        click.echo(t("alert.rule.none", _lang()))
        return
    for r in rules:
        d = r.to_dict()
        click.echo(
            f"{r.name}  [{r.channel}]  topic={r.topic or '*'}  kinds={r.kinds_text}  "
            f"severity>={r.min_severity}  quiet={d['quiet_hours'] or '-'}  "
            f"cooldown={r.cooldown_minutes}m  lang={r.lang}"
        )
        target = {k: v for k, v in r.target.items() if k != "lang"}
        click.echo("    " + json.dumps(target, ensure_ascii=False, sort_keys=True))


@rule_group.command("remove")
@click.argument("name")
@store_options
@user_errors
def rule_remove(name: str, db: str | None, workspace: str) -> None:
    """Remove rule NAME (its waiting deliveries are cancelled, the log is kept)."""
    from tinhieu.signals.alerts import remove_rule

    lang = _lang()
    with _open(db, must_exist=True) as store:
        waiting = store.fetch_all(
            "SELECT count(*) FROM alert_deliveries WHERE workspace = ? AND rule = ? "
            "AND status IN ('pending', 'held')",
            [workspace, name],
        )[0][0]
        if not remove_rule(store, workspace, name):
            raise UserError(t("alert.rule.missing", lang, name=name))
    click.echo(t("alert.rule.removed", lang, name=name, cancelled=waiting))


@rule_group.command("test")
@click.argument("name")
@store_options
@user_errors
def rule_test(name: str, db: str | None, workspace: str) -> None:
    """Send a sample alert through rule NAME's channel now and report the answer."""
    from tinhieu.signals.alerts import DeliveryError, get_rule, send_test

    lang = _lang()
    with _open(db, must_exist=True) as store:
        rule = get_rule(store, workspace, name)
        if rule is None:
            raise UserError(t("alert.rule.missing", lang, name=name))
        try:
            detail = send_test(store, rule)
        except DeliveryError as exc:
            raise UserError(t("alert.test.failed", lang, channel=rule.channel, error=exc)) from exc
    click.echo(t("alert.test.ok", lang, channel=rule.channel, detail=detail))


@alert.command("log")
@click.option("--json", "as_json", is_flag=True, help="Print deliveries and attempts as JSON.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option(
    "--status",
    type=click.Choice(["pending", "held", "sent", "failed", "suppressed", "cancelled"]),
    default=None,
)
@click.option("--rule", "rule_name", default=None, help="Only this rule's deliveries.")
@store_options
@user_errors
def log_cmd(
    as_json: bool,
    limit: int,
    status: str | None,
    rule_name: str | None,
    db: str | None,
    workspace: str,
) -> None:
    """The newest alert deliveries, each with every attempt."""
    from tinhieu.signals.alerts import delivery_log

    with _open(db, must_exist=True) as store:
        entries = delivery_log(store, workspace, limit=limit, status=status, rule=rule_name)
    if as_json:
        _echo_json(entries)
        return
    if not entries:
        click.echo(t("alert.log.none", _lang()))
        return
    for e in entries:
        when = e["sent_at"] or e["next_attempt_at"] or e["created_at"]
        click.echo(
            f"#{e['id']}  {e['status']:<10} {e['rule']} [{e['channel']}]  "
            f"{e['topic']} · {e['kind']} · {e['severity']}/10  {when}"
        )
        if e["note"]:
            click.echo(f"    {e['note']}")
        for a in e["attempt_log"]:
            click.echo(
                f"    {a['attempt']:>2}. {a['at']}  {'ok  ' if a['ok'] else 'FAIL'}  {a['detail']}"
            )


@alert.command("deliver")
@click.option("--loop", is_flag=True, help="Keep delivering every --interval seconds.")
@click.option(
    "--interval", type=click.FloatRange(min=1), default=30.0, show_default=True, help="Seconds."
)
@click.option(
    "--all-workspaces", is_flag=True, help="Deliver for every workspace, not only --workspace."
)
@click.option(
    "--max-attempts",
    type=click.IntRange(min=1),
    default=None,
    help="Attempts before a delivery is marked failed (default 10).",
)
@click.option("--rounds", type=click.IntRange(min=1), default=None, hidden=True)
@store_options
@user_errors
def deliver_cmd(
    loop: bool,
    interval: float,
    all_workspaces: bool,
    max_attempts: int | None,
    rounds: int | None,
    db: str | None,
    workspace: str,
) -> None:
    """Send the alerts that are due; failures are retried later with backoff.

    With --loop the store is opened only for each round, so imports can run between."""
    from tinhieu.signals.alerts import DEFAULT_POLICY, RetryPolicy, deliver_due

    lang = _lang()
    policy = DEFAULT_POLICY
    if max_attempts is not None:
        policy = RetryPolicy(
            max_attempts=max_attempts,
            base_seconds=DEFAULT_POLICY.base_seconds,
            cap_seconds=DEFAULT_POLICY.cap_seconds,
        )
    done = 0
    try:
        while True:
            with _open(db, must_exist=True) as store:
                res = deliver_due(
                    store, workspace=None if all_workspaces else workspace, policy=policy
                )
            if res.attempted or res.cancelled or not loop:
                click.echo(
                    t(
                        "alert.deliver.done",
                        lang,
                        sent=res.sent,
                        retried=res.retried,
                        failed=res.failed,
                        cancelled=res.cancelled,
                    )
                )
                for err in res.errors:
                    click.echo(f"  {err}", err=True)
            done += 1
            if not loop or (rounds is not None and done >= rounds):
                return
            _sleep(interval)
    except KeyboardInterrupt:
        return


@alert.command("retry")
@click.argument("delivery_id", type=int, required=False)
@click.option("--failed", "all_failed", is_flag=True, help="Re-queue every failed delivery.")
@store_options
@user_errors
@_alert_errors
def retry_cmd(delivery_id: int | None, all_failed: bool, db: str | None, workspace: str) -> None:
    """Re-queue a failed delivery (ID) or all of them (--failed); `deliver` sends them."""
    from tinhieu.signals.alerts import retry

    lang = _lang()
    if (delivery_id is None) == (not all_failed):
        raise UserError(t("alert.retry.usage", lang))
    with _open(db, must_exist=True) as store:
        count = retry(store, workspace, delivery_id, failed=all_failed)
    click.echo(t("alert.retry.done", lang, count=count))
