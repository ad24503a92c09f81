"""Pieces every ``tinhieu`` command shares: store options, one-line user errors."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from tinhieu.i18n import current_lang, t
from tinhieu.store import DEFAULT_WORKSPACE, DuckDBStore, StoreError, default_db_path, open_store

F = TypeVar("F", bound=Callable[..., Any])


class UserError(click.ClickException):
    """An error the user can fix; printed as one line, exit code 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.lang = _lang()  # the command's context is gone by the time it is shown

    def show(self, file: Any = None) -> None:
        click.echo(f"{t('error', self.lang)}: {self.message}", err=True)


def _lang() -> str:
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx else None
    return current_lang(root.params.get("lang") if root else None)


def store_options(func: F) -> F:
    """--db and --workspace, shared by every command that opens the store."""
    func = click.option(
        "--workspace",
        "-w",
        default=DEFAULT_WORKSPACE,
        envvar="TINHIEU_WORKSPACE",
        show_default=True,
        help="Workspace (one per client brand).",
    )(func)
    func = click.option(
        "--db",
        "db",
        default=None,
        envvar="TINHIEU_DB",
        type=click.Path(dir_okay=False),
        help="DuckDB file (default: $TINHIEU_DB or ./tinhieu.duckdb).",
    )(func)
    return func


def user_errors(func: F) -> F:
    """Turn the errors users cause into one-line messages instead of tracebacks."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from tinhieu.metrics.scope import ScopeError
        from tinhieu.query import QuerySyntaxError
        from tinhieu.sources.columns import MappingError
        from tinhieu.sources.importer import ImportFailure
        from tinhieu.topics import TopicError

        try:
            return func(*args, **kwargs)
        except QuerySyntaxError as exc:
            raise UserError(exc.message(_lang()) + "\n" + exc.caret()) from exc
        except (ImportFailure, StoreError, MappingError, TopicError, ScopeError) as exc:
            raise UserError(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


def _open(db: str | None, *, must_exist: bool = False) -> DuckDBStore:
    path = db or default_db_path()
    if must_exist and not Path(path).exists():
        raise UserError(t("store.missing", _lang(), db=path))
    return open_store(path)


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))
