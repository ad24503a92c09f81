"""``tinhieu collect`` and ``tinhieu sources``: run the configured connectors and see
how they are doing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import click

from tinhieu.cli_common import UserError, _echo_json, _lang, _open, store_options, user_errors
from tinhieu.i18n import number, t
from tinhieu.sources.connectors import messages as _messages  # noqa: F401  (registers)
from tinhieu.sources.connectors.base import ConfigError
from tinhieu.sources.connectors.config import SourcesConfig, default_config_path, load_config

_config_option = click.option(
    "--config",
    "config_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="Workspace config file (default: $TINHIEU_CONFIG or tinhieu.toml beside the store).",
)


def _load(config_path: str | None, db: str | None) -> SourcesConfig:
    from tinhieu.store import default_db_path

    path = config_path or str(default_config_path(db or default_db_path()))
    try:
        return load_config(path)
    except ConfigError as exc:
        raise UserError(str(exc)) from exc


def with_stored(store: Any, config: SourcesConfig, workspace: str) -> SourcesConfig:
    """``config`` plus the sources of ``workspace`` defined through the API (a name the
    file uses stays the file's)."""
    from tinhieu.sources.registry import load_sources

    taken = {s.name for s in config.for_workspace(workspace)}
    stored = [s for s in load_sources(store, workspace) if s.name not in taken]
    return SourcesConfig(config.path, (*config.sources, *stored))


@click.command("collect")
@click.option("--source", "names", multiple=True, help="Only this source (repeatable).")
@_config_option
@store_options
@click.option("--nlp/--no-nlp", default=True, help="Analyse what arrived (default: on).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@user_errors
def collect(
    names: tuple[str, ...],
    config_path: str | None,
    db: str | None,
    workspace: str,
    nlp: bool,
    as_json: bool,
) -> None:
    """Run each configured source once (or --source NAME) and store what is new.

    Each source continues from its saved cursor. One failing source does not stop the
    others; the exit code is 1 when any failed.
    """
    from tinhieu.sources.connectors.collect import collect as run_collect

    lang = _lang()
    config = _load(config_path, db)
    with _open(db) as store:
        config = with_stored(store, config, workspace)
        if not config.for_workspace(workspace):
            if as_json:
                _echo_json({"sources": [], "failed": 0})
                return
            click.echo(t("sources.collect.none", lang, workspace=workspace, path=config.path))
            return
        try:
            results = run_collect(store, workspace, config, names=names, nlp=nlp)
        except ConfigError as exc:
            raise UserError(str(exc)) from exc
    failed = sum(1 for r in results if r.failed)
    if as_json:
        _echo_json({"sources": [r.to_dict() for r in results], "failed": failed})
    else:
        for r in results:
            counts = {
                k: number(getattr(r, k), lang)
                for k in ("fetched", "inserted", "updated", "rejected", "errors")
            }
            status = t(f"sources.status.{r.status}", lang)
            click.echo(
                t(
                    "sources.collect.line",
                    lang,
                    name=r.name,
                    platform=r.platform,
                    status=status,
                    seconds=r.seconds,
                    **counts,
                )
            )
            if r.quota_used:
                click.echo(t("sources.collect.quota", lang, units=number(r.quota_used, lang)))
            for p in r.problems:
                click.echo(_problem(p.kind, p.query, p.detail, lang), err=p.kind != "budget")
        if failed:
            click.echo(t("sources.collect.failed", lang, n=failed), err=True)
    if failed:
        raise SystemExit(1)


def _problem(kind: str, query: str | None, detail: str, lang: str) -> str:
    key = f"sources.error.{kind}"
    from tinhieu.i18n import has

    what = t(key if has(key) else "sources.error.error", lang)
    return t(
        "sources.problem", lang, where=f"[{query}] " if query else "", what=what, detail=detail
    )


@click.group("sources", invoke_without_command=True)
@_config_option
@store_options
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
@user_errors
def sources(
    ctx: click.Context, config_path: str | None, db: str | None, workspace: str, as_json: bool
) -> None:
    """The configured sources: last run, items fetched, errors, next run."""
    if ctx.invoked_subcommand is not None:
        return
    from tinhieu.sources.connectors.state import last_runs

    lang = _lang()
    config = _load(config_path, db)
    with _open(db) as store:
        runs = last_runs(store, workspace)
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    for s in config.for_workspace(workspace):
        run = runs.get(s.name)
        next_at = (run.started_at + s.interval) if run is not None else now
        rows.append(
            {
                "name": s.name,
                "type": s.type,
                "enabled": s.enabled,
                "interval_seconds": int(s.interval.total_seconds()),
                "last_run": run.to_dict() if run is not None else None,
                "next_run_at": next_at.isoformat(),
            }
        )
    if as_json:
        _echo_json({"config": config.path, "workspace": workspace, "sources": rows})
        return
    if not rows:
        click.echo(t("sources.collect.none", lang, workspace=workspace, path=config.path))
        return
    click.echo(t("sources.list.head", lang, path=config.path))
    for s, row in zip(config.for_workspace(workspace), rows, strict=True):
        run = runs.get(s.name)
        nxt = datetime.fromisoformat(row["next_run_at"])
        click.echo(
            t(
                "sources.list.line",
                lang,
                name=s.name,
                type=s.type,
                interval=_duration(s.interval),
                last=_when(run.started_at) if run else t("sources.list.never", lang),
                status=t(f"sources.status.{run.status if run else 'never'}", lang),
                fetched=number(run.fetched if run else 0, lang),
                inserted=number(run.inserted if run else 0, lang),
                errors=number(run.errors if run else 0, lang),
                next=t("sources.list.due", lang) if nxt <= now else _when(nxt),
            )
        )
        if not s.enabled:
            click.echo(t("sources.list.disabled", lang))
        if run is not None and run.message:
            for line in run.message.splitlines()[:5]:
                click.echo(f"  {line}")


@sources.command("reset")
@click.argument("name")
@store_options
@user_errors
def sources_reset(name: str, db: str | None, workspace: str) -> None:
    """Forget a source's cursors: its next collection starts from the beginning."""
    from tinhieu.sources.connectors.state import clear_state

    with _open(db) as store:
        n = clear_state(store, workspace, name)
    click.echo(t("sources.reset.done", _lang(), n=n, name=name))


def _when(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
