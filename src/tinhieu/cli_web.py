"""``tinhieu serve`` (the web app and API), ``tinhieu user …`` and ``tinhieu token …``."""

from __future__ import annotations

import getpass
import os

import click

from tinhieu.accounts import ROLES, AccountError
from tinhieu.cli_common import UserError, _echo_json, _lang, _open, store_options, user_errors
from tinhieu.i18n import t


@click.command()
@click.option("--db", default=None, envvar="TINHIEU_DB", type=click.Path(dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--secure-cookies",
    is_flag=True,
    help="Mark cookies Secure (set this when a TLS proxy serves the app over HTTPS).",
)
@click.option(
    "--config",
    "config_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="Sources config to collect on schedule while serving (default: $TINHIEU_CONFIG "
    "or tinhieu.toml beside the store, when it exists).",
)
@click.option(
    "--workspace",
    "-w",
    default="default",
    envvar="TINHIEU_WORKSPACE",
    show_default=True,
    help="Workspace the scheduled sources collect into (unless a source names its own).",
)
@click.option(
    "--analysis-workers",
    default=None,
    envvar="TINHIEU_ANALYSIS_WORKERS",
    type=click.IntRange(0, 64),
    help="Processes that analyse ingested mentions (default: 1 on a machine with two or "
    "more cores, else 0 = a thread of the server).",
)
@user_errors
def serve(
    db: str | None,
    host: str,
    port: int,
    secure_cookies: bool,
    config_path: str | None,
    workspace: str,
    analysis_workers: int | None,
) -> None:
    """Start the dashboard and the REST API (/api/v1, OpenAPI at /api/v1/openapi.json),
    and collect the configured sources on their intervals."""
    import uvicorn

    from tinhieu.cli_sources import _load
    from tinhieu.sources.connectors.config import default_config_path
    from tinhieu.web import create_app

    lang = _lang()
    store = _open(db)
    from tinhieu.sources.connectors.config import SourcesConfig
    from tinhieu.sources.scheduler import Scheduler

    sources = SourcesConfig(None, ())
    if config_path or default_config_path(store.path).exists():
        sources = _load(config_path, store.path)
    # always scheduled: the sources defined through the API run even without a file
    scheduler = Scheduler(store, sources, workspace=workspace)
    if scheduler.jobs():
        click.echo(t("web.serve.sources", lang, n=len(scheduler.jobs())))
    if analysis_workers is None:
        analysis_workers = 1 if (os.cpu_count() or 1) >= 2 else 0
    app = create_app(
        store,
        secure_cookies=secure_cookies,
        scheduler=scheduler,
        analysis_workers=analysis_workers,
    )
    click.echo(t("web.serve.started", lang, url=f"http://{host}:{port}/", db=store.path))
    if not store.fetch_all("SELECT 1 FROM users LIMIT 1"):
        click.echo(t("web.serve.no_users", lang))
    try:
        # keep idle connections longer than a person reads a page, so a browser's next
        # click does not race the server closing the connection it reuses
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            timeout_keep_alive=KEEP_ALIVE_S,
        )
    finally:
        store.close()


KEEP_ALIVE_S = 75


# --- users ------------------------------------------------------------------------------
@click.group()
def user() -> None:
    """Users and their roles in workspaces."""


def _password(password: str | None) -> str:
    if password:
        return password
    env = os.environ.get("TINHIEU_PASSWORD")
    if env:
        return env
    first = getpass.getpass("Mật khẩu / Password: ")
    if getpass.getpass("Nhập lại / Repeat: ") != first:
        raise UserError("the passwords differ")
    return first


@user.command("add")
@click.argument("name")
@store_options
@click.option("--role", type=click.Choice(ROLES), default="admin", show_default=True)
@click.option("--display-name", default=None)
@click.option(
    "--password",
    default=None,
    help="The password (else $TINHIEU_PASSWORD, else asked for without echo).",
)
@user_errors
def user_add(
    name: str,
    db: str | None,
    workspace: str,
    role: str,
    display_name: str | None,
    password: str | None,
) -> None:
    """Create a user (or reset their password) with a role in --workspace."""
    from tinhieu.accounts import add_user

    with _open(db) as store:
        try:
            made = add_user(
                store,
                name,
                _password(password),
                display_name=display_name,
                workspace=workspace,
                role=role,
            )
        except AccountError as exc:
            raise UserError(str(exc)) from exc
    click.echo(t("web.user.added", _lang(), name=made.name, workspace=workspace, role=role))


@user.command("list")
@store_options
@click.option("--json", "as_json", is_flag=True)
@user_errors
def user_list(db: str | None, workspace: str, as_json: bool) -> None:
    """The members of --workspace and their roles."""
    from tinhieu.accounts import members

    with _open(db) as store:
        rows = [
            {"name": u.name, "display_name": u.display_name, "role": role, "disabled": u.disabled}
            for u, role in members(store, workspace)
        ]
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        flag = " (disabled)" if r["disabled"] else ""
        click.echo(f"{r['name']:<24} {r['role']:<8} {r['display_name']}{flag}")


@user.command("remove")
@click.argument("name")
@store_options
@user_errors
def user_remove(name: str, db: str | None, workspace: str) -> None:
    """Remove NAME from --workspace (their sessions and tokens there end)."""
    from tinhieu.accounts import revoke

    with _open(db) as store:
        if not revoke(store, name, workspace):
            raise UserError(f"{name!r} is not a member of {workspace!r}")
    click.echo(t("web.user.removed", _lang(), name=name, workspace=workspace))


# --- API tokens -------------------------------------------------------------------------
@click.group()
def token() -> None:
    """API tokens (Authorization: Bearer …)."""


@token.command("create")
@click.option("--user", "user_name", required=True)
@click.option("--name", "label", default="cli", show_default=True)
@store_options
@user_errors
def token_create(user_name: str, label: str, db: str | None, workspace: str) -> None:
    """Create an API token for --user in --workspace; the secret is printed once."""
    from tinhieu.accounts import create_token

    with _open(db) as store:
        try:
            made, secret = create_token(store, user_name, workspace, label)
        except AccountError as exc:
            raise UserError(str(exc)) from exc
    click.echo(t("web.token.created", _lang(), id=made.id))
    click.echo(secret)


@token.command("list")
@store_options
@click.option("--json", "as_json", is_flag=True)
@user_errors
def token_list(db: str | None, workspace: str, as_json: bool) -> None:
    """The API tokens of --workspace (never their secrets)."""
    from tinhieu.accounts import list_tokens

    with _open(db) as store:
        rows = [
            {
                "id": k.id,
                "user": k.user,
                "name": k.name,
                "created_at": k.created_at.isoformat(),
                "last_used_at": k.last_used_at.isoformat() if k.last_used_at else None,
                "revoked": k.revoked_at is not None,
            }
            for k in list_tokens(store, workspace)
        ]
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        state = "revoked" if r["revoked"] else "active"
        click.echo(f"{r['id']:>4}  {r['user']:<20} {r['name']:<20} {state}")


@token.command("revoke")
@click.argument("token_id", type=int)
@store_options
@user_errors
def token_revoke(token_id: int, db: str | None, workspace: str) -> None:
    """Revoke the API token TOKEN_ID of --workspace."""
    from tinhieu.accounts import revoke_token

    with _open(db) as store:
        if not revoke_token(store, workspace, token_id):
            raise UserError(f"no active token {token_id} in {workspace!r}")
    click.echo(t("web.token.revoked", _lang(), id=token_id))
