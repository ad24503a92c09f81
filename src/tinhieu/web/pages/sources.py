"""The Sources page (``/sources``): each source's interval, last run, items fetched and
inserted, errors and next run, with a "Run now" form for admins. Admins also add a
source (``POST /sources``), enable or disable one defined here (``POST
/sources/{name}/enabled``) and delete it (``POST /sources/{name}/delete``): the same
rules and storage as the API (:mod:`tinhieu.web.api.sources`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from tinhieu.i18n import t
from tinhieu.sources import registry
from tinhieu.sources.connectors.config import TYPES
from tinhieu.web import messages_sources as _messages  # noqa: F401 - registers messages
from tinhieu.web.api.sources import (
    SourceIn,
    create_stored,
    delete_stored,
    scheduler_of,
    source_statuses,
    update_stored,
)
from tinhieu.web.auth import PagePrincipal, check_form_csrf, lang_of
from tinhieu.web.render import render

router = APIRouter(include_in_schema=False)


def duration(seconds: int | None) -> str:
    """``3600`` → ``1h``; None → ``—``."""
    if seconds is None:
        return "—"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


#: the types a source may have when added here (a drop folder only in the config file)
FORM_TYPES: tuple[str, ...] = tuple(t for t in TYPES if t not in registry.FILE_ONLY)
#: the password inputs of the form: every secret some type takes
SECRET_INPUTS: tuple[str, ...] = tuple(
    sorted({f for kind in FORM_TYPES for f in registry.secret_fields(kind)})
)


def _page(
    request: Request,
    principal: PagePrincipal,
    *,
    queued: str | None = None,
    saved: str | None = None,
    deleted: str | None = None,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    scheduled, statuses = source_statuses(request, principal.workspace)
    scheduler = scheduler_of(request)
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    for s in statuses:
        run = s.last_run
        rows.append(
            {
                "s": s,
                "run": run,
                "interval": duration(s.interval_seconds),
                "due": s.next_run_at is not None and s.next_run_at <= now,
                "message": (run.message or "").splitlines()[:5] if run else [],
            }
        )
    names = {s.name for s in statuses}
    admin = principal.can("sources")
    return render(
        request,
        "sources.html",
        principal,
        status_code=status_code,
        scheduled=scheduled,
        thread=scheduled and scheduler is not None and scheduler.running,
        rows=rows,
        can_run=scheduled and admin,
        can_edit=admin,
        queued=queued if queued in names else None,
        saved=saved if saved in names else None,
        deleted=deleted if deleted and deleted not in names else None,
        error=error,
        form=form or {"type": "feed", "options": "{}", "interval": "1h"},
        types=FORM_TYPES,
        secret_inputs=[
            (f, [k for k in FORM_TYPES if f in registry.secret_fields(k)]) for f in SECRET_INPUTS
        ],
    )


@router.get("/sources")
def sources_page(
    request: Request,
    principal: PagePrincipal,
    queued: str | None = None,
    saved: str | None = None,
    deleted: str | None = None,
) -> Response:
    return _page(
        request,
        principal,
        queued=queued,
        saved=saved,
        deleted=(deleted or "")[:64] or None,
    )


def t_error(request: Request, key: str) -> str:
    return t(key, lang_of(request))


def _admin(principal: PagePrincipal) -> None:
    if not principal.can("sources"):
        raise HTTPException(
            status_code=403, detail=f"role {principal.role} cannot configure sources"
        )


def _text(form: Any, key: str, limit: int = 100_000) -> str:
    value = form.get(key)
    return value[:limit] if isinstance(value, str) else ""


@router.post("/sources")
async def create_source_form(request: Request, principal: PagePrincipal) -> Response:
    """Add a source from the form (options as a JSON object, secrets as passwords)."""
    await check_form_csrf(request, principal)
    _admin(principal)
    form = await request.form()
    kept = {k: _text(form, k) for k in ("name", "type", "options", "interval")}
    kept["enabled"] = "on" if form.get("enabled") else ""
    error: str | None = None
    try:
        options = json.loads(kept["options"] or "{}")
    except ValueError:
        options = None
    if not isinstance(options, dict):
        error = t_error(request, "web.sources.form.options_json")
    else:
        interval: int | str | None = kept["interval"].strip() or None
        secrets = {k: _text(form, f"secret_{k}") for k in SECRET_INPUTS}
        try:
            body = SourceIn(
                name=kept["name"].strip(),
                type=kept["type"],
                options=options,
                interval=interval,
                enabled=bool(kept["enabled"]),
                secrets={k: v for k, v in secrets.items() if v.strip()},
            )
            found = await run_in_threadpool(create_stored, request, principal, body)
        except registry.SourceProblem as exc:
            error = str(exc)
        except ValueError:  # pydantic: the name or type is empty or too long
            error = t_error(request, "web.sources.form.invalid")
        else:
            return RedirectResponse(f"/sources?saved={quote(found.name, safe='')}", status_code=303)
    return _page(request, principal, error=error, form=kept, status_code=400)


async def _change_stored(
    request: Request, principal: PagePrincipal, name: str, done: str, change: Any, **kw: Any
) -> Response:
    """Run ``change`` (update_stored or delete_stored) on a source defined here, as an
    admin with a valid form token, then back to the page with ``done=name``."""
    await check_form_csrf(request, principal)
    _admin(principal)
    try:
        await run_in_threadpool(change, request, principal, name, **kw)
    except registry.SourceProblem as exc:
        raise HTTPException(status_code=exc.status, detail=str(exc)) from None
    return RedirectResponse(f"/sources?{done}={quote(name, safe='')}", status_code=303)


@router.post("/sources/{name}/enabled")
async def enable_source_form(
    request: Request,
    principal: PagePrincipal,
    name: Annotated[str, Path(min_length=1, max_length=64)],
) -> Response:
    """Enable (``enabled=1``) or disable a source defined here."""
    on = (await request.form()).get("enabled") == "1"
    return await _change_stored(request, principal, name, "saved", update_stored, enabled=on)


@router.post("/sources/{name}/delete")
async def delete_source_form(
    request: Request,
    principal: PagePrincipal,
    name: Annotated[str, Path(min_length=1, max_length=64)],
) -> Response:
    """Delete a source defined here (its past runs stay)."""
    return await _change_stored(request, principal, name, "deleted", delete_stored)


@router.post("/sources/{name}/run")
async def run_source_form(
    request: Request,
    principal: PagePrincipal,
    name: Annotated[str, Path(min_length=1, max_length=64)],
) -> Response:
    await check_form_csrf(request, principal)
    if not principal.can("sources"):
        raise HTTPException(status_code=403, detail=f"role {principal.role} cannot run sources")
    scheduler = scheduler_of(request)
    if scheduler is None:
        raise HTTPException(status_code=409, detail="scheduling is off")
    if scheduler.job(principal.workspace, name) is None:
        raise HTTPException(status_code=404, detail="no such source")
    await run_in_threadpool(scheduler.run_now, principal.workspace, name)
    return RedirectResponse(f"/sources?queued={quote(name, safe='')}", status_code=303)
