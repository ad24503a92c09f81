"""``tinhieu signals``: early-warning signals, and the NAB benchmark table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from tinhieu.cli_common import UserError, _echo_json, _lang, _open, store_options, user_errors
from tinhieu.i18n import t
from tinhieu.signals.model import Signal


@click.group("signals", invoke_without_command=True)
@click.option("--topic", "topics", multiple=True, help="Topic (repeatable; default: all).")
@click.option("--since", default=None, help="First local day or time (default: 7 days before now).")
@click.option("--until", default=None, help="End, exclusive (a date: that whole day).")
@click.option("--now", "now_", default=None, help="Evaluate as of this local time (replays).")
@click.option("--min-severity", default=1, show_default=True, type=click.IntRange(1, 10))
@click.option("--alert", "send", is_flag=True, help="Queue the signals for the alert rules.")
@click.option("--json", "as_json", is_flag=True, help="Print signals and stages as JSON.")
@store_options
@click.pass_context
@user_errors
def signals(
    ctx: click.Context,
    topics: tuple[str, ...],
    since: str | None,
    until: str | None,
    now_: str | None,
    min_severity: int,
    send: bool,
    as_json: bool,
    db: str | None,
    workspace: str,
) -> None:
    """Early warning: spikes, sentiment shifts, emerging aspects, risk terms, escalation.

    Without a sub-command: detect the signals of every topic (or --topic) from --since to
    --until, store them, print them most severe first with their reasons and each
    topic's crisis stage; --alert also queues them for the alert rules.
    """
    if ctx.invoked_subcommand is not None:
        return
    from tinhieu.metrics.scope import parse_bound
    from tinhieu.signals.engine import DetectOptions, detect, save_signals

    store = _open(db, must_exist=True)
    try:
        zone = ZoneInfo(store.workspace_timezone(workspace))
        now = parse_bound(now_, zone, is_until=False)[0] or datetime.now(UTC)
        start = parse_bound(since, zone, is_until=False)[0] or now - timedelta(days=7)
        reports = detect(
            store,
            workspace,
            topics=list(topics) or None,
            since=start,
            until=until,
            now=now,
            options=DetectOptions(min_severity=min_severity),
        )
        found = sorted(
            (s for r in reports for s in r.signals),
            key=lambda s: (-s.severity, s.bucket_start),
        )
        save_signals(store, found)
        queued = None
        if send:
            from tinhieu.signals.alerts import dispatch

            queued = dispatch(store, workspace, found, now=now)
    finally:
        store.close()
    lang = _lang()
    if as_json:
        _echo_json(
            {
                "since": start.isoformat(),
                "now": now.isoformat(),
                "signals": [s.to_dict() for s in found],
                "stages": {
                    r.topic: {
                        "stage": r.stage.stage if r.stage else "none",
                        "conditions": list(r.stage.conditions) if r.stage else [],
                        "numbers": r.stage.numbers if r.stage else {},
                    }
                    for r in reports
                },
                "queued": None if queued is None else queued.queued,
            }
        )
        return
    for r in reports:
        st = r.stage.stage if r.stage else "none"
        conds = ", ".join(r.stage.conditions) if r.stage and r.stage.conditions else "—"
        click.echo(
            t("signals.stage", lang, topic=r.topic, stage=t(f"alert.stage.{st}", lang), why=conds)
        )
    if not found:
        click.echo(t("signals.none", lang))
    for s in found:
        _print_signal(s, zone, lang)
    if queued is not None:
        click.echo(t("signals.queued", lang, queued=queued.queued))


def _print_signal(s: Signal, zone: ZoneInfo, lang: str) -> None:
    """One signal: severity, local time, topic, what, observed vs usual, and why."""
    local = s.bucket_start.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    what = t(f"alert.kind.{s.kind}", lang)
    if s.dimension_value:
        what += f" [{s.dimension_value}]"
    click.echo(
        t(
            "signals.line",
            lang,
            severity=s.severity,
            time=local,
            topic=s.topic,
            what=what,
            observed=_fmt(s.observed),
            baseline=_fmt(s.baseline),
            hours=s.window,
            deviation=f"{s.deviation:.1f}",
        )
    )
    if s.evidence.terms:
        click.echo("      " + t("signals.terms", lang, terms=", ".join(s.evidence.terms[:5])))
    for m in s.evidence.mentions[:1]:
        click.echo(f"      “{m.text[:140]}” — {m.author or '?'} ({m.platform})")


@click.command("watch")
@click.option("--topic", "topics", multiple=True, help="Topic (repeatable; default: all).")
@click.option("--interval", default=60.0, show_default=True, help="Seconds between ticks.")
@click.option("--once", is_flag=True, help="Warm up, run one tick and stop.")
@click.option("--no-deliver", is_flag=True, help="Queue alerts but do not send them.")
@click.option("--min-severity", default=1, show_default=True, type=click.IntRange(1, 10))
@store_options
@user_errors
def watch(
    topics: tuple[str, ...],
    interval: float,
    once: bool,
    no_deliver: bool,
    min_severity: int,
    db: str | None,
    workspace: str,
) -> None:
    """Streaming mode: evaluate signals as mentions arrive, alert, repeat.

    The store is opened only for each tick, so `tinhieu import` can write in between.
    Stop with Ctrl-C.
    """
    import time

    from tinhieu.signals.engine import DetectOptions
    from tinhieu.signals.watch import Watcher

    lang = _lang()
    store = _open(db, must_exist=True)
    try:
        zone = ZoneInfo(store.workspace_timezone(workspace))
        watcher = Watcher(
            store,
            workspace,
            topics=list(topics) or None,
            options=DetectOptions(min_severity=min_severity),
        )
    finally:
        store.close()
    click.echo(t("watch.started", lang, topics=", ".join(watcher.topics), interval=interval))
    try:
        while True:
            store = _open(db, must_exist=True)
            try:
                result = watcher.tick(store=store, deliver=not no_deliver)
            finally:
                store.close()
            for s in result.signals:
                _print_signal(s, zone, lang)
            if result.queued or result.sent:
                click.echo(t("watch.alerts", lang, queued=result.queued, sent=result.sent))
            if once:
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo(t("watch.stopped", lang))


def _fmt(value: float) -> str:
    return f"{value:.2f}" if abs(value) < 1 else f"{value:,.0f}"


@signals.command("nab")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False),
    default="../shared/data/nab",
    show_default=True,
    help="The NAB data folder (data/, labels/, config/, results/).",
)
@click.option("--subset", default="realTweets", show_default=True, help="NAB data subset.")
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
def nab_cmd(data_dir: str, subset: str, as_json: bool) -> None:
    """Score tinhieu's spike detector and the published detectors on NAB, in one table."""
    from tinhieu.signals.nab import PROFILES, benchmark_table

    root = Path(data_dir)
    if not (root / "data" / subset).is_dir():
        raise UserError(f"{root / 'data' / subset}: not a NAB data folder")
    rows = benchmark_table(root, subset)
    if as_json:
        _echo_json(
            {
                "subset": subset,
                "rows": [
                    {
                        "detector": r.detector,
                        "threshold": r.threshold,
                        "st_error": r.st_error,
                        **{
                            p: {
                                "score": round(s.score, 2),
                                "raw": round(s.raw, 4),
                                "tp": s.tp,
                                "fp": s.fp,
                                "fn": s.fn,
                            }
                            for p, s in r.scores.items()
                        },
                    }
                    for r in rows
                ],
            }
        )
        return
    lang = _lang()
    click.echo(t("nab.title", lang, subset=subset))
    head = f"{t('nab.detector', lang):<18}" + "".join(f"{p:>20}" for p in PROFILES)
    head += f"{'TP/FP/FN':>14}{t('nab.st_error', lang):>14}"
    click.echo(head)
    for r in rows:
        std = r.scores["standard"]
        err = "—" if r.st_error is None else f"{r.st_error:.1e}"
        line = f"{r.detector:<18}" + "".join(f"{r.scores[p].score:>20.1f}" for p in PROFILES)
        line += f"{f'{std.tp}/{std.fp}/{std.fn}':>14}{err:>14}"
        click.echo(line)
    click.echo(t("nab.note", lang))
