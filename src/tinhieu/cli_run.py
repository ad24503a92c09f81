"""``tinhieu run``: the headless scheduler. Collects each configured source on its own
interval, analyses what arrives and raises signals and alerts, until Ctrl-C."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import click

from tinhieu.cli_common import _lang, _open, store_options, user_errors
from tinhieu.cli_sources import _config_option, _load, _problem
from tinhieu.i18n import number, register, t
from tinhieu.signals.watch import TickResult
from tinhieu.sources.connectors import messages as _messages  # noqa: F401  (registers)
from tinhieu.sources.connectors.collect import SourceResult

register(
    {
        "run.started": (
            "Đang chạy {n} nguồn của {workspace} theo lịch ({config}). Dừng: Ctrl-C.",
            "Running {n} source(s) of {workspace} on schedule ({config}). Stop: Ctrl-C.",
        ),
        "run.next": ("  lần chạy tới: {at}", "  next run: {at}"),
        "run.signal": (
            "  tín hiệu mới [{workspace}] {topic}: {kind}, mức {severity}",
            "  new signal [{workspace}] {topic}: {kind}, severity {severity}",
        ),
        "run.alerts": (
            "  cảnh báo: {queued} vào hàng đợi, {sent} đã gửi",
            "  alerts: {queued} queued, {sent} sent",
        ),
        "run.stopping": ("Đang dừng…", "Stopping…"),
        "run.stopped": ("Đã dừng bộ lập lịch.", "Scheduler stopped."),
    }
)


def _line(result: SourceResult, lang: str, zone: ZoneInfo) -> None:
    counts = {
        k: number(getattr(result, k), lang)
        for k in ("fetched", "inserted", "updated", "rejected", "errors")
    }
    stamp = datetime.now(UTC).astimezone(zone).strftime("%H:%M:%S")
    line = t(
        "sources.collect.line",
        lang,
        name=result.name,
        platform=result.platform,
        status=t(f"sources.status.{result.status}", lang),
        seconds=result.seconds,
        **counts,
    )
    nxt = result.next_run_at
    at = nxt.astimezone(zone).strftime("%Y-%m-%d %H:%M") if nxt else "—"
    click.echo(f"{stamp} {line};{t('run.next', lang, at=at).removeprefix(' ')}")
    for p in result.problems:
        click.echo("  " + _problem(p.kind, p.query, p.detail, lang), err=p.kind != "budget")


@click.command("run")
@_config_option
@store_options
@click.option("--once", is_flag=True, help="Run what is due once, then stop.")
@click.option("--nlp/--no-nlp", default=True, help="Analyse what arrives (default: on).")
@click.option("--no-deliver", is_flag=True, help="Queue alerts but do not send them.")
@user_errors
def run(
    config_path: str | None,
    db: str | None,
    workspace: str,
    once: bool,
    nlp: bool,
    no_deliver: bool,
) -> None:
    """Collect each configured source on its own interval, analyse what arrives and
    raise signals and alerts, until Ctrl-C (one line per run).

    Sources without `workspace` in the config file belong to --workspace. With --once,
    the sources that are due run once and the exit code is 1 when any failed.
    """
    from tinhieu.sources.scheduler import Scheduler

    lang = _lang()
    config = _load(config_path, db)
    with _open(db) as store:
        zone = ZoneInfo(store.workspace_timezone(store.ensure_workspace(workspace)))

        def on_tick(ws: str, tick: TickResult) -> None:
            for s in tick.signals:
                kind = t(f"alert.kind.{s.kind}", lang)
                click.echo(
                    t(
                        "run.signal",
                        lang,
                        workspace=ws,
                        topic=s.topic,
                        kind=kind,
                        severity=s.severity,
                    )
                )
            if tick.queued or tick.sent:
                click.echo(t("run.alerts", lang, queued=tick.queued, sent=tick.sent))

        scheduler = Scheduler(
            store,
            config,
            workspace=workspace,
            nlp=nlp,
            deliver=not no_deliver,
            on_result=lambda ws, r: _line(r, lang, zone),
            on_tick=on_tick,
        )
        if not scheduler.jobs():  # neither the file nor the API defines a source
            click.echo(t("sources.collect.none", lang, workspace=workspace, path=config.path))
            return
        if once:
            results = scheduler.run_pending()
            if any(r.failed for r in results):
                raise SystemExit(1)
            return
        n = len(scheduler.jobs())
        click.echo(t("run.started", lang, n=n, workspace=workspace, config=config.path))
        scheduler.start()
        try:
            while scheduler.running:
                scheduler.join(1.0)
        except KeyboardInterrupt:
            click.echo(t("run.stopping", lang))
        finally:
            scheduler.stop()
        click.echo(t("run.stopped", lang))
