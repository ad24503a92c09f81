"""The workspace's sources: each one's last run, items fetched and inserted, errors and
next run (``GET /sources``), and a run on demand (``POST /sources/{name}/run``, admins).

Admins also define sources here (``POST /sources``, ``PATCH`` and ``DELETE
/sources/{name}``) and read a source's configuration (``GET /sources/{name}/config``,
secrets masked). Those are stored in the workspace (``origin: api``, see
:mod:`tinhieu.sources.registry`); the config file's sources (``origin: file``) are
read-only here. Secrets are write-only: an answer shows ``{"set": true, "updated_at"}``.

The app's scheduler (``app.state.scheduler``, started by ``tinhieu serve``) knows the
sources and their schedule, and picks up changes made here at once. Without it, the
list shows the stored sources and the runs recorded in the store (by ``tinhieu
collect`` or ``tinhieu run``) and nothing can be run from here.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from tinhieu.accounts import Principal
from tinhieu.sources import registry
from tinhieu.sources.connectors.base import ConfigError
from tinhieu.sources.connectors.collect import SourceResult
from tinhieu.sources.connectors.config import (
    SourceConfig,
    default_config_path,
    load_config,
)
from tinhieu.sources.connectors.state import Run, last_runs
from tinhieu.sources.scheduler import Scheduler, SourceStatus
from tinhieu.web.auth import ApiPrincipal, store_of

log = logging.getLogger(__name__)

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
    origin: str  # file | api


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
    store = store_of(request)
    runs = last_runs(store, workspace)
    stored = {s.name: s for s in registry.list_sources(store, workspace)}
    out = [
        SourceStatus(
            run.source,
            run.platform,
            stored[name].enabled if name in stored else True,
            None,
            run.next_run_at,
            0,
            False,
            False,
            run,
            "api" if name in stored else "file",
        )
        for name, run in sorted(runs.items())
    ]
    out += [
        SourceStatus(
            s.name,
            s.type,
            s.enabled,
            int(s.interval.total_seconds()),
            None,
            0,
            False,
            False,
            None,
            "api",
        )
        for name, s in stored.items()
        if name not in runs
    ]
    return False, sorted(out, key=lambda s: s.name)


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
                origin=s.origin,
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


# --- sources defined through the API ----------------------------------------------------------
class SecretOut(BaseModel):
    set: bool
    updated_at: str | None


class SourceConfigOut(BaseModel):
    name: str
    type: str
    origin: str  # file (read-only here) | api
    options: dict[str, Any]
    interval_seconds: int
    enabled: bool
    secrets: dict[str, SecretOut]  # never a value
    created_at: datetime | None = None
    created_by: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None


SecretValue = Annotated[str, Field(min_length=1, max_length=4000)]


class SourceIn(BaseModel):
    """A new source: the fields of a ``[sources.NAME]`` table of the config file.
    ``options``: the type's options (e.g. ``urls`` for a feed, ``pages`` and
    ``token_env`` for facebook); ``interval``: minutes, or ``"30m"``, ``"2h"``, ``"1d"``
    (default 1h); ``secrets``: credentials by field (``token`` for ``token_env``),
    stored encrypted and never shown again."""

    model_config = ConfigDict(strict=True, extra="forbid")
    name: str = Field(min_length=1, max_length=64)
    type: str = Field(min_length=1, max_length=20)
    options: dict[str, Any] = Field(default_factory=dict)
    interval: int | str | None = Field(default=None)
    enabled: bool = True
    secrets: dict[str, SecretValue] = Field(default_factory=dict, max_length=10)

    def __repr__(self) -> str:  # never the secrets
        return f"SourceIn(name={self.name!r}, type={self.type!r}, secrets={sorted(self.secrets)})"

    __str__ = __repr__


class SourceUpdate(BaseModel):
    """Fields to change; the others keep their value. ``options`` replaces all options.
    In ``secrets``, a string sets that secret, null clears it, an absent one stays."""

    model_config = ConfigDict(strict=True, extra="forbid")
    options: dict[str, Any] | None = None
    interval: int | str | None = None
    enabled: bool | None = None
    secrets: dict[str, SecretValue | None] | None = Field(default=None, max_length=10)

    def __repr__(self) -> str:  # never the secrets
        return f"SourceUpdate(secrets={sorted(self.secrets or {})})"

    __str__ = __repr__


def require_sources(principal: ApiPrincipal) -> Principal:
    """Defining sources (and their credentials): admins only."""
    if not principal.can("sources"):
        raise HTTPException(
            status_code=403, detail=f"your role ({principal.role}) cannot configure sources"
        )
    return principal


def file_sources(request: Request, workspace: str) -> dict[str, SourceConfig]:
    """The config file's sources of ``workspace``: the scheduler's, else the default
    file beside the store (when it loads)."""
    scheduler = scheduler_of(request)
    if scheduler is not None:
        return {j.name: j.source for j in scheduler.jobs(workspace) if j.source.origin == "file"}
    store = store_of(request)
    try:
        config = load_config(default_config_path(store.path))
    except ConfigError:
        return {}
    return {s.name: s for s in config.for_workspace(workspace)}


def _problem(exc: registry.SourceProblem) -> HTTPException:
    return HTTPException(status_code=exc.status, detail=str(exc))


def _reload(request: Request, workspace: str) -> None:
    scheduler = scheduler_of(request)
    if scheduler is not None:
        scheduler.reload(workspace)


def stored_out(found: registry.StoredSource) -> SourceConfigOut:
    return SourceConfigOut.model_validate(
        {**found.to_dict(), "created_at": found.created_at, "updated_at": found.updated_at}
    )


def file_out(source: SourceConfig) -> SourceConfigOut:
    return SourceConfigOut(
        name=source.name,
        type=source.type,
        origin="file",
        options=dict(source.options),
        interval_seconds=int(source.interval.total_seconds()),
        enabled=source.enabled,
        secrets={},
    )


def create_stored(request: Request, principal: Principal, body: SourceIn) -> registry.StoredSource:
    """Validate, store and schedule a new source (SourceProblem: 400, 409)."""
    store = store_of(request)
    try:
        found = registry.create_source(
            store,
            principal.workspace,
            body.name,
            body.type,
            body.options,
            interval=body.interval,
            enabled=body.enabled,
            secrets=body.secrets,
            by=principal.user,
            file_names=set(file_sources(request, principal.workspace)),
        )
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
        if isinstance(exc, registry.SourceProblem):
            raise
        raise registry.SourceProblem(f"source {body.name}: invalid options") from None
    log.info("source %s of %s created by %s", found.name, principal.workspace, principal.user)
    _reload(request, principal.workspace)
    return found


def update_stored(
    request: Request,
    principal: Principal,
    name: str,
    *,
    options: dict[str, Any] | None = None,
    interval: int | str | None = None,
    enabled: bool | None = None,
    secrets: dict[str, str | None] | None = None,
) -> registry.StoredSource:
    """Change a stored source (SourceProblem: 400, 404, 409 for a file source)."""
    store = store_of(request)
    if registry.get_source(store, principal.workspace, name) is None:
        if name in file_sources(request, principal.workspace):
            raise registry.SourceProblem(
                f"source {name} is defined in the config file: change it there", 409
            )
        raise registry.SourceProblem("no such source", 404)
    try:
        found = registry.update_source(
            store,
            principal.workspace,
            name,
            options=options,
            interval=interval,
            enabled=enabled,
            secrets=secrets,
            by=principal.user,
        )
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
        if isinstance(exc, registry.SourceProblem):
            raise
        raise registry.SourceProblem(f"source {name}: invalid options") from None
    log.info("source %s of %s changed by %s", name, principal.workspace, principal.user)
    _reload(request, principal.workspace)
    return found


def delete_stored(request: Request, principal: Principal, name: str) -> None:
    """Delete a stored source (SourceProblem: 404, 409 for a file source)."""
    if not registry.delete_source(store_of(request), principal.workspace, name):
        if name in file_sources(request, principal.workspace):
            raise registry.SourceProblem(
                f"source {name} is defined in the config file: remove it there", 409
            )
        raise registry.SourceProblem("no such source", 404)
    log.info("source %s of %s deleted by %s", name, principal.workspace, principal.user)
    _reload(request, principal.workspace)


Name = Annotated[str, Path(min_length=1, max_length=64)]


@router.post("/sources", response_model=SourceConfigOut, status_code=201)
def create_source(
    request: Request,
    principal: Annotated[Principal, Depends(require_sources)],
    body: SourceIn,
) -> SourceConfigOut:
    """Define a source (admins), checked by the config file's rules: 400 with the reason
    when an option is wrong, 409 when the name is taken (by a stored source or one of
    the config file). The scheduler runs it at once, then on its interval."""
    try:
        return stored_out(create_stored(request, principal, body))
    except registry.SourceProblem as exc:
        raise _problem(exc) from None


@router.get("/sources/{name}/config", response_model=SourceConfigOut)
def source_config(
    request: Request,
    principal: Annotated[Principal, Depends(require_sources)],
    name: Name,
) -> SourceConfigOut:
    """A source's configuration (admins): ``origin`` file or api; secrets only as
    ``{"set": true, "updated_at": …}``. 404 for a source this workspace does not have."""
    found = registry.get_source(store_of(request), principal.workspace, name)
    if found is not None:
        return stored_out(found)
    from_file = file_sources(request, principal.workspace).get(name)
    if from_file is None:
        raise HTTPException(status_code=404, detail="no such source")
    return file_out(from_file)


@router.patch("/sources/{name}", response_model=SourceConfigOut)
def update_source(
    request: Request,
    principal: Annotated[Principal, Depends(require_sources)],
    name: Name,
    body: SourceUpdate,
) -> SourceConfigOut:
    """Change a source defined through the API (admins): options, interval, enabled,
    secrets (a string sets one, null clears it, an absent one is kept). 400 when the
    result is invalid, 404 when unknown, 409 for a source of the config file."""
    try:
        found = update_stored(
            request,
            principal,
            name,
            options=body.options,
            interval=body.interval,
            enabled=body.enabled,
            secrets=body.secrets,
        )
    except registry.SourceProblem as exc:
        raise _problem(exc) from None
    return stored_out(found)


@router.delete("/sources/{name}", status_code=204, response_class=Response)
def delete_source(
    request: Request,
    principal: Annotated[Principal, Depends(require_sources)],
    name: Name,
) -> Response:
    """Delete a source defined through the API (admins) and its cursors; its past runs
    stay in the history. 404 when unknown, 409 for a source of the config file."""
    try:
        delete_stored(request, principal, name)
    except registry.SourceProblem as exc:
        raise _problem(exc) from None
    return Response(status_code=204)


def secret_names(kind: str) -> list[str]:
    """The secrets a source type takes (``token`` for ``token_env``)."""
    return list(registry.secret_fields(kind))
