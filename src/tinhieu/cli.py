"""The ``tinhieu`` command line. Messages in Vietnamese by default, English with
``--lang en`` or ``TINHIEU_LANG=en``."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from tinhieu import __version__
from tinhieu.cli_alerts import alert
from tinhieu.cli_brief import brief
from tinhieu.cli_campaign import campaign
from tinhieu.cli_common import UserError, _echo_json, _lang, _open, store_options, user_errors
from tinhieu.cli_kol import kol
from tinhieu.cli_nlp import nlp
from tinhieu.cli_run import run
from tinhieu.cli_signals import signals, watch
from tinhieu.cli_sources import collect, sources
from tinhieu.cli_web import serve, token, user
from tinhieu.i18n import number, t
from tinhieu.store import DEFAULT_WORKSPACE, open_store


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default=None,
    envvar="TINHIEU_LANG",
    help="Language of messages and results: vi (default) or en.",
)
@click.version_option(__version__, prog_name="tinhieu")
def main(lang: str | None) -> None:
    """tinhieu (tín hiệu): social listening that turns mentions into daily signals.

    \b
    Start:   tinhieu demo                      (build a demo workspace)
             tinhieu import export.csv         (bring your own data)
             tinhieu topic add MyBrand --query '"my brand" OR mybrand'
             tinhieu stats --group brand
    """


# --- import ------------------------------------------------------------------------------
@main.command("import")
@click.argument("files", nargs=-1, required=False, type=click.Path(dir_okay=False))
@store_options
@click.option(
    "--platform",
    "-p",
    default=None,
    help="Platform for rows that do not name one (facebook, tiktok, …).",
)
@click.option(
    "--mapping",
    "mapping",
    type=click.Path(exists=True, dir_okay=False),
    help="TOML file naming the columns (see docs/importing.md).",
)
@click.option(
    "--preset",
    default=None,
    help="Column layout of another tool's export: brandwatch, talkwalker, meltwater, "
    "sprout, younet, buzzmetrics, kompa (see --list-presets).",
)
@click.option("--list-presets", is_flag=True, help="List the import presets and exit.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "tsv", "json", "jsonl", "xlsx"]),
    default=None,
    help="File format (default: from the extension).",
)
@click.option(
    "--encoding", default=None, help="Text encoding (default: detected; UTF-8/16, Windows-1258)."
)
@click.option(
    "--timezone", default=None, help="Zone for times without one (default: the workspace's)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar (default: on when the terminal is interactive).",
)
@click.option(
    "--nlp/--no-nlp",
    default=True,
    help="Analyse the new text (sentiment, aspects, spam, …) after importing (default: on).",
)
@click.option("--chunk-bytes", type=click.IntRange(min=1024), default=None, hidden=True)
@click.option("--commit-rows", type=click.IntRange(min=1), default=None, hidden=True)
@user_errors
def import_cmd(
    files: tuple[str, ...],
    db: str | None,
    workspace: str,
    platform: str | None,
    mapping: str | None,
    preset: str | None,
    list_presets: bool,
    fmt: str | None,
    encoding: str | None,
    timezone: str | None,
    as_json: bool,
    progress: bool | None,
    nlp: bool,
    chunk_bytes: int | None,
    commit_rows: int | None,
) -> None:
    """Import CSV/TSV, JSON/JSONL or XLSX files of mentions.

    Bad rows go to a reject file with their line and reason; the good rows land.
    Re-importing a file never duplicates; an interrupted import resumes.
    """
    import tempfile

    from tinhieu.api import Workspace
    from tinhieu.sources import presets

    lang = _lang()
    if list_presets:
        click.echo(t("import.presets.head", lang))
        for p in presets.PRESETS.values():
            basis = t(f"import.presets.{p.basis}", lang)
            line = t("import.presets.line", lang, name=p.name, vendor=p.vendor, basis=basis)
            click.echo(f"{line} {p.note}")
        return
    if not files:
        raise click.UsageError("Missing argument 'FILES...'.")
    if preset and mapping:
        raise UserError(t("import.presets.both", lang))
    if preset:
        try:
            presets.get_preset(preset)
        except KeyError as exc:
            raise UserError(str(exc.args[0])) from None
    store = _open(db)
    summaries = []
    workdir = tempfile.TemporaryDirectory(prefix="tinhieu-preset-")
    try:
        ws = Workspace(store, workspace)
        for name in files:
            file = name
            options: dict[str, Any] = {
                "platform": platform,
                "mapping_file": mapping,
                "fmt": fmt,
                "encoding": encoding,
                "timezone": timezone,
            }
            if preset:
                try:
                    prepared = presets.prepare(name, preset, Path(workdir.name))
                except (OSError, ValueError) as exc:
                    raise UserError(f"{name}: {exc}") from None
                options["mapping_file"] = str(prepared.mapping_file)
                file = str(prepared.path)  # a copy without the report preamble, if any
            if chunk_bytes:
                options["chunk_bytes"] = chunk_bytes
            if commit_rows:
                options["commit_rows"] = commit_rows
            show = progress if progress is not None else (sys.stderr.isatty() and not as_json)
            summary = _run_import(ws, file, options, show, lang)
            summaries.append(summary)
            if not as_json:
                counts = {
                    k: number(v, lang)
                    for k, v in summary.to_dict().items()
                    if k in ("read", "inserted", "updated", "duplicates", "rejected")
                }
                click.echo(t("import.done", lang, **{**summary.to_dict(), **counts}))
                if summary.resumed:
                    click.echo(t("import.resumed", lang))
                if summary.reject_file:
                    click.echo(t("import.rejects", lang, path=summary.reject_file))
        ws.refresh(nlp=nlp)
    finally:
        workdir.cleanup()
        store.close()
    if as_json:
        if len(summaries) == 1:
            _echo_json(summaries[0].to_dict())
        else:
            keys = ("read", "inserted", "updated", "duplicates", "rejected")
            total: dict[str, Any] = {k: sum(getattr(s, k) for s in summaries) for k in keys}
            total["reject_file"] = None
            total["files"] = [s.to_dict() for s in summaries]
            _echo_json(total)


def _run_import(ws: Any, file: str, options: dict[str, Any], show: bool, lang: str) -> Any:
    if not show:
        return ws.import_file(file, refresh=False, **options)
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task(t("import.progress", lang, file=Path(file).name), total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return ws.import_file(file, progress=update, refresh=False, **options)


# --- topics ------------------------------------------------------------------------------
@main.group()
def topic() -> None:
    """Topics: named queries for a brand, its competitors and the category."""


@topic.command("add")
@click.argument("name")
@click.option("--query", "-q", required=True, help="Boolean query (docs/query-language.md).")
@click.option(
    "--group",
    "-g",
    type=click.Choice(["brand", "competitor", "category"]),
    default="brand",
    show_default=True,
)
@store_options
@user_errors
def topic_add(name: str, query: str, group: str, db: str | None, workspace: str) -> None:
    """Create or redefine a topic and tag the stored mentions it matches."""
    from tinhieu.api import Workspace

    with _open(db) as store:
        count = Workspace(store, workspace).add_topic(name, query, group)
    click.echo(t("topic.added", _lang(), name=name, group=group, count=number(count, _lang())))


@topic.command("list")
@store_options
@click.option("--json", "as_json", is_flag=True)
@user_errors
def topic_list(db: str | None, workspace: str, as_json: bool) -> None:
    """List the workspace's topics with their match counts."""
    with _open(db) as store:
        topics = store.get_topics(workspace)
        counts = dict(
            store.fetch_all(
                "SELECT t, count(*) FROM (SELECT unnest(topics) AS t FROM mentions "
                "WHERE workspace = ?) GROUP BY t",
                [workspace],
            )
        )
    rows = [
        {
            "name": tp.name,
            "group": tp.group,
            "query": tp.query,
            "mentions": int(counts.get(tp.name, 0)),
        }
        for tp in topics
    ]
    if as_json:
        _echo_json(rows)
        return
    if not rows:
        click.echo(t("topic.none", _lang()))
        return
    width = max(len(str(r["name"])) for r in rows)
    for r in rows:
        click.echo(f"{r['name']:<{width}}  {r['group']:<10}  {r['mentions']:>9,}  {r['query']}")


@topic.command("remove")
@click.argument("name")
@store_options
@user_errors
def topic_remove(name: str, db: str | None, workspace: str) -> None:
    """Delete a topic and untag its mentions."""
    from tinhieu.api import Workspace

    with _open(db) as store:
        found = Workspace(store, workspace).remove_topic(name)
    if not found:
        raise UserError(t("topic.missing", _lang(), name=name))
    click.echo(t("topic.removed", _lang(), name=name))


@topic.command("test")
@click.option("--query", "-q", required=True)
@store_options
@click.option("--limit", "-n", default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@user_errors
def topic_test(query: str, db: str | None, workspace: str, limit: int, as_json: bool) -> None:
    """Show what a query matches (and explain a syntax error) before saving it."""
    from tinhieu.query import compile_query, explain

    lang = _lang()
    compiled = compile_query(query)
    condition, params = compiled.to_sql()
    with _open(db) as store:
        count = store.fetch_all(
            f"SELECT count(*) FROM mentions WHERE workspace = ? AND ({condition})",
            [workspace, *params],
        )[0][0]
        rows = store.fetch_arrow(
            "SELECT platform, kind, created_at, author_name, title, text FROM mentions "
            f"WHERE workspace = ? AND ({condition}) ORDER BY created_at DESC LIMIT ?",
            [workspace, *params, limit],
        ).to_pylist()
    if as_json:
        _echo_json({"query": query, "explain": explain(compiled), "count": count, "examples": rows})
        return
    click.echo(t("topic.parsed", lang, explain=explain(compiled)))
    click.echo(t("topic.matches", lang, count=number(count, lang), shown=len(rows)))
    for r in rows:
        body = " ".join(filter(None, [r["title"], r["text"]]))
        click.echo(
            f"- [{r['platform']}/{r['kind']} {r['created_at']:%Y-%m-%d %H:%M}] "
            f"{r['author_name'] or '?'}: {_highlight(compiled, body)}"
        )


def _highlight(compiled: Any, text: str, width: int = 160) -> str:
    spans = compiled.highlight(text)
    if not spans:
        return text if len(text) <= width else text[: width - 1] + "…"
    start = max(0, spans[0][0] - 40)
    out, pos = [], start
    for a, b in spans:
        if a < pos:
            continue
        out.append(text[pos:a])
        out.append(click.style(text[a:b], bold=True, fg="yellow"))
        pos = b
    out.append(text[pos:])
    snippet = "".join(out)
    return ("…" if start else "") + snippet[: width * 3]


# --- stats and export ---------------------------------------------------------------------
@main.command()
@store_options
@click.option("--topic", default=None, help="One topic.")
@click.option(
    "--group",
    type=click.Choice(["brand", "competitor", "category"]),
    default=None,
    help="A topic group (brand = our brand and competitors compared).",
)
@click.option("--since", default=None, help="Start (date or time, workspace zone).")
@click.option("--until", default=None, help="End (a date includes that whole day).")
@click.option("--platform", default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@user_errors
def stats(
    db: str | None,
    workspace: str,
    topic: str | None,
    group: str | None,
    since: str | None,
    until: str | None,
    platform: str | None,
    as_json: bool,
) -> None:
    """Volume, interactions, engagement rate, share of voice, top authors and posts."""
    from tinhieu.metrics import render_text, summary

    with _open(db, must_exist=True) as store:
        result = summary(
            store, workspace, topic=topic, group=group, since=since, until=until, platform=platform
        )
    if as_json:
        _echo_json(result.to_dict())
    else:
        click.echo(render_text(result, lang=_lang()))


@main.command()
@click.argument("out", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet", "xlsx"]),
    default=None,
    help="Default: from OUT's extension.",
)
@click.option("--query", "-q", default=None, help="Only mentions matching this query.")
@click.option("--topic", default=None, help="Only mentions of this topic.")
@click.option("--since", default=None)
@click.option("--until", default=None)
@store_options
@user_errors
def export(
    out: str,
    fmt: str | None,
    query: str | None,
    topic: str | None,
    since: str | None,
    until: str | None,
    db: str | None,
    workspace: str,
) -> None:
    """Export mentions to CSV, Parquet or XLSX."""
    from tinhieu.export import ExportError, export_mentions

    fmt = fmt or Path(out).suffix.lstrip(".").lower()
    if fmt not in ("csv", "parquet", "xlsx"):
        raise UserError("choose --format csv, parquet or xlsx")
    with _open(db, must_exist=True) as store:
        try:
            rows = export_mentions(
                store, workspace, Path(out), fmt, query=query, topic=topic, since=since, until=until
            )
        except ExportError as exc:
            raise UserError(exc.message(_lang())) from exc
    click.echo(t("export.done", _lang(), rows=number(rows, _lang()), path=out, format=fmt))


# --- demo ----------------------------------------------------------------------------------
@main.command()
@click.option(
    "--db",
    default="demo-workspace/tinhieu.duckdb",
    show_default=True,
    type=click.Path(dir_okay=False),
)
@click.option("--days", default=90, show_default=True, type=click.IntRange(7, 3650))
@click.option("--scale", default=1.0, show_default=True, type=click.FloatRange(0.001, 1000))
@click.option("--seed", default=42, show_default=True)
@click.option("--workspace", "-w", default=DEFAULT_WORKSPACE, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--kols",
    is_flag=True,
    help="Also plant KOLs with bought or pod-driven engagement and genuine micro-KOLs "
    "(ground truth under 'kols' in demo-truth.json; see bench/bench_kol.py).",
)
@user_errors
def demo(
    db: str, days: int, scale: float, seed: int, workspace: str, as_json: bool, kols: bool
) -> None:
    """Build a realistic demo workspace (milk-tea chains), run the pipeline, summarise.

    The store at --db is replaced. Ground truth (campaign, giveaway, seeding, crisis)
    is written beside it as demo-truth.json.
    """
    from tinhieu.demo_run import build_demo
    from tinhieu.metrics import render_text, summary

    lang = _lang()
    if not as_json:
        click.echo(t("demo.building", lang, days=days, scale=scale, seed=seed, db=db))
    result = build_demo(Path(db), days=days, scale=scale, seed=seed, workspace=workspace, kols=kols)
    with open_store(db) as store:
        password = _demo_login(store, workspace)
        stats_ = summary(store, workspace, group="brand")
        warning = _demo_warning(store, workspace, days)
    if as_json:
        _echo_json(
            {
                "mentions": result.rows,
                "seconds": result.seconds,
                "ground_truth": str(result.truth_path),
                "stats": stats_.to_dict(),
                "signals": [s.to_dict() for s in warning.signals],
                "stages": warning.episodes,
                "login": {"user": DEMO_USER, "password": password},
            }
        )
        return
    click.echo(
        t(
            "demo.done",
            lang,
            rows=number(result.rows, lang),
            seconds=result.seconds,
            truth=result.truth_path,
        )
    )
    click.echo()
    click.echo(render_text(stats_, lang=lang))
    click.echo()
    _echo_warning(warning, lang=lang)
    click.echo()
    click.echo(t("demo.next", lang, db=db))
    click.echo(t("demo.dashboard", lang, db=db, user=DEMO_USER, password=password))


DEMO_USER = "demo"


def _demo_login(store: Any, workspace: str) -> str:
    """A demo admin with a fresh random password, printed by the demo."""
    import secrets

    from tinhieu.accounts import add_user

    password = secrets.token_urlsafe(9)
    add_user(store, DEMO_USER, password, display_name="Demo", workspace=workspace, role="admin")
    return password


@dataclass
class _Warning:
    timezone: str
    topics: list[str]
    signals: list[Any]
    episodes: dict[str, list[dict[str, str]]]


def _demo_warning(store: Any, workspace: str, days: int) -> _Warning:
    """Early warning over the demo's brand topics (after a 3-week warm-up): the serious
    signals (severity ≥ 5) and each brand's crisis-stage episodes; the signals are stored
    so `tinhieu signals` and `tinhieu brief` start from them."""
    from datetime import UTC, timedelta

    from tinhieu.signals.engine import DetectOptions, detect, save_signals
    from tinhieu.signals.stages import stage_episodes

    brands = [tp.name for tp in store.get_topics(workspace) if tp.group == "brand"]
    now = datetime.now(UTC)
    warm = min(21, max(days // 3, 1))
    since = now - timedelta(days=max(days - warm, 1))
    reports = detect(
        store,
        workspace,
        topics=brands,
        since=since,
        now=now,
        options=DetectOptions(history_days=warm, min_severity=5),
    )
    found = sorted((x for r in reports for x in r.signals), key=lambda x: x.bucket_start)
    save_signals(store, found)
    episodes = {
        r.topic: [
            {"stage": e["stage"], "start": e["start"].isoformat(), "end": e["end"].isoformat()}
            for e in stage_episodes(r.stages)
            if e["stage"] != "none" and e["end"] >= since
        ]
        for r in reports
    }
    return _Warning(store.workspace_timezone(workspace), brands, found, episodes)


def _echo_warning(w: _Warning, *, lang: str) -> None:
    from zoneinfo import ZoneInfo

    from tinhieu.cli_signals import _print_signal

    zone = ZoneInfo(w.timezone)
    click.echo(t("demo.warning", lang, topics=", ".join(w.topics)))
    for topic, eps in w.episodes.items():
        for e in eps:
            start = datetime.fromisoformat(e["start"]).astimezone(zone)
            end = datetime.fromisoformat(e["end"]).astimezone(zone)
            click.echo(
                "  "
                + t(
                    "demo.episode",
                    lang,
                    topic=topic,
                    stage=t(f"alert.stage.{e['stage']}", lang),
                    start=f"{start:%d/%m %H:%M}",
                    end=f"{end:%d/%m %H:%M}",
                )
            )
    for sig in w.signals[:8]:
        _print_signal(sig, zone, lang)
    click.echo(t("demo.warning_next", lang))


if __name__ == "__main__":  # pragma: no cover
    main()


main.add_command(nlp)
main.add_command(alert)
main.add_command(signals)
main.add_command(watch)
main.add_command(brief)
main.add_command(serve)
main.add_command(user)
main.add_command(token)
main.add_command(collect)
main.add_command(sources)
main.add_command(run)
main.add_command(kol)
main.add_command(campaign)
