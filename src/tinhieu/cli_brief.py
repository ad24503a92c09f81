"""``tinhieu brief``: the morning brief (``docs/brief.md``)."""

from __future__ import annotations

from pathlib import Path

import click

from tinhieu.cli_common import UserError, _lang, _open, store_options, user_errors


@click.command("brief")
@click.option(
    "--topic",
    "topics",
    multiple=True,
    help="Only this topic (repeatable; default: every topic). Share of voice still "
    "compares every brand and competitor.",
)
@click.option(
    "--date",
    "day",
    default=None,
    help="The brief's date D (default: today in the workspace time zone); it covers the "
    "day before. 2026-11-15 or 15/11/2026.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "html"]),
    default="text",
    show_default=True,
    help="Plain text, Markdown, or one self-contained HTML page.",
)
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default=None,
    help="Language of the brief (default: the command's: vi, or --lang / TINHIEU_LANG).",
)
@click.option(
    "--playbook",
    "playbook_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="A playbook TOML file (default: the shipped one; see docs/brief.md).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write the brief to this file instead of the terminal.",
)
@store_options
@user_errors
def brief(
    topics: tuple[str, ...],
    day: str | None,
    fmt: str,
    lang: str | None,
    playbook_path: str | None,
    out: str | None,
    db: str | None,
    workspace: str,
) -> None:
    """The morning brief: what changed yesterday, the signals and why, crisis stages,
    3–5-day projections, competitor moves, quality engagement and what to do next.

    \b
    tinhieu brief                                   # today's brief, in Vietnamese
    tinhieu brief --date 2026-11-15 --lang en       # the brief of 15 Nov (covers 14 Nov)
    tinhieu brief --format html --out brief.html    # one page to open or e-mail
    """
    from tinhieu.signals.brief import build_brief
    from tinhieu.signals.playbook import PlaybookError, load_playbook
    from tinhieu.signals.render_brief import render

    language = lang or _lang()
    try:
        rules = load_playbook(playbook_path)
    except PlaybookError as exc:
        raise UserError(str(exc)) from exc
    store = _open(db, must_exist=True)
    try:
        result = build_brief(store, workspace, day=day, topics=list(topics) or None, rules=rules)
    finally:
        store.close()
    text = render(result, fmt, language)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{out}: {exc.strerror or exc}") from exc
