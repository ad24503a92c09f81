"""The workspace's sources: each one's last run, items fetched and inserted, errors and
next run (``GET /sources``), and a run on demand (``POST /sources/{name}/run``, admins).

The app's scheduler (``app.state.scheduler``, started by ``tinhieu serve --config``)
knows the configured sources and their schedule. Without it, the list shows the runs
recorded in the store (by ``tinhieu collect`` or ``tinhieu run``) and nothing can be
run from here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from tinhieu.accounts import Principal
from tinhieu.sources.connectors.collect import SourceResult
from tinhieu.sources.connectors.state import Run, last_runs
from tinhieu.sources.scheduler import Scheduler, SourceStatus
from tinhieu.web.auth import ApiPrincipal, store_of

router = APIRouter(tags=["sources"])


class RunOut(BaseModel):
    id: int
    status: str  # running | ok | partial | failed | interrupted
    started_at: datetime
    finished_at: datetime | None
    fetched: int
    inserted: int
    updated: int
    rejected: int
    errors: int
    requests: int
    retries: int
    quota_used: int
    message: str | None
    next_run_at: datetime | None


class SourceOut(BaseModel):
    name: str
    type: str
    enabled: bool
    interval_seconds: int | None
    next_run_at: datetime | None
    failures: int
    running: bool
    requested: bool
    last_run: RunOut | None


class SourcesOut(BaseModel):
    scheduler: bool
    sources: list[SourceOut]


class ProblemOut(BaseModel):
    kind: str
    query: str | None
    detail: str


class ResultOut(BaseModel):
    status: str
    fetched: int
    inserted: int
    updated: int
    rejected: int
    errors: int
    next_run_at: datetime | None
    problems: list[ProblemOut]


class RunNowOut(BaseModel):
    name: str
    queued: bool
    result: ResultOut | None


def scheduler_of(request: Request) -> Scheduler | None:
    found = getattr(request.app.state, "scheduler", None)
    return found if isinstance(found, Scheduler) else None


def source_statuses(request: Request, workspace: str) -> tuple[bool, list[SourceStatus]]:
    """(whether a scheduler is attached, the workspace's sources)."""
    scheduler = scheduler_of(request)
    if scheduler is not None:
        return True, scheduler.status(workspace)
    runs = last_runs(store_of(request), workspace)
    return False, [
        SourceStatus(run.source, run.platform, True, None, run.next_run_at, 0, False, False, run)
        for _, run in sorted(runs.items())
    ]


def _run_out(run: Run | None) -> RunOut | None:
    if run is None:
        return None
    data = run.to_dict()
    for key in ("workspace", "source", "platform"):
        data.pop(key)
    return RunOut.model_validate(data)


def _result_out(result: SourceResult) -> ResultOut:
    return ResultOut(
        status=result.status,
        fetched=result.fetched,
        inserted=result.inserted,
        updated=result.updated,
        rejected=result.rejected,
        errors=result.errors,
        next_run_at=result.next_run_at,
        problems=[ProblemOut(kind=p.kind, query=p.query, detail=p.detail) for p in result.problems],
    )


def require_admin(principal: ApiPrincipal) -> Principal:
    """Running a source spends the platform's quota: admins only."""
    if not principal.can("sources"):
        raise HTTPException(
            status_code=403, detail=f"your role ({principal.role}) cannot run sources"
        )
    return principal


@router.get("/sources", response_model=SourcesOut)
def list_sources(request: Request, principal: ApiPrincipal) -> SourcesOut:
    """The workspace's sources: interval, last run (status, items fetched, inserted,
    updated, rejected, errors, message), consecutive failures and next run. ``scheduler``
    is false when the server schedules nothing (then only recorded runs are listed)."""
    scheduled, statuses = source_statuses(request, principal.workspace)
    return SourcesOut(
        scheduler=scheduled,
        sources=[
            SourceOut(
                name=s.name,
                type=s.type,
                enabled=s.enabled,
                interval_seconds=s.interval_seconds,
                next_run_at=s.next_run_at,
                failures=s.failures,
                running=s.running,
                requested=s.requested,
                last_run=_run_out(s.last_run),
            )
            for s in statuses
        ],
    )


@router.post(
    "/sources/{name}/run",
    response_model=RunNowOut,
    responses={202: {"model": RunNowOut, "description": "Queued to the scheduler."}},
)
async def run_source(
    request: Request,
    principal: Annotated[Principal, Depends(require_admin)],
    name: Annotated[str, Path(min_length=1, max_length=64)],
    wait: Annotated[bool, Query(description="Answer when the run has finished.")] = False,
) -> JSONResponse:
    """Run one source now (admins). The scheduler runs it next, before what is due:
    the answer is 202 with ``queued: true``, or, with ``wait=true`` (or when the
    scheduler's thread is not running), 200 with the run's result. 404 for a source
    this workspace does not have; 409 when the server schedules nothing."""
    scheduler = scheduler_of(request)
    if scheduler is None:
        raise HTTPException(
            status_code=409,
            detail="scheduling is off: start the server with tinhieu serve --config FILE",
        )
    if scheduler.job(principal.workspace, name) is None:
        raise HTTPException(status_code=404, detail="no such source")
    result = await run_in_threadpool(scheduler.run_now, principal.workspace, name, wait=wait)
    out = RunNowOut(
        name=name,
        queued=result is None,
        result=_result_out(result) if result is not None else None,
    )
    return JSONResponse(out.model_dump(mode="json"), status_code=202 if result is None else 200)
