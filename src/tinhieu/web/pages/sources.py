"""The Sources page (``/sources``): each source's interval, last run, items fetched and
inserted, errors and next run, with a "Run now" form for admins."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from tinhieu.web import messages_sources as _messages  # noqa: F401 - registers messages
from tinhieu.web.api.sources import scheduler_of, source_statuses
from tinhieu.web.auth import PagePrincipal, check_form_csrf
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


@router.get("/sources")
def sources_page(request: Request, principal: PagePrincipal, queued: str | None = None) -> Response:
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
    return render(
        request,
        "sources.html",
        principal,
        scheduled=scheduled,
        thread=scheduled and scheduler is not None and scheduler.running,
        rows=rows,
        can_run=scheduled and principal.can("sources"),
        queued=queued if queued in names else None,
    )


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
    from urllib.parse import quote

    return RedirectResponse(f"/sources?queued={quote(name, safe='')}", status_code=303)
