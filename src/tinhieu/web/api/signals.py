"""Signals as cases: list and read them, acknowledge, assign, note, resolve, reopen, and
the team's response times. See :mod:`tinhieu.cases` for the workflow's rules."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from tinhieu import cases
from tinhieu.accounts import Principal
from tinhieu.web.auth import ApiPrincipal, require, store_of
from tinhieu.web.render import clean_floats

router = APIRouter(tags=["signals"])

SignalId = Annotated[str, Path(min_length=1, max_length=64, description="The signal's id")]
Kind = Literal[
    "negative_shift",
    "emerging_aspect",
    "volume_spike",
    "escalation",
    "emerging_term",
    "vanity_spike",
]
CasePrincipal = Annotated[Principal, Depends(require("case"))]


class CaseOut(BaseModel):
    signal_id: str
    status: Literal["open", "acknowledged", "resolved"]
    assignee: str | None
    opened_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None


class EventOut(BaseModel):
    happened_at: datetime
    user: str
    action: str
    note: str | None = Field(description="The note; for `assign`, the assignee's user name")


class SignalItem(BaseModel):
    signal: dict[str, Any] = Field(
        description="The signal: severity, kind, measure, observed, baseline, deviation, "
        "persistence, window, dimension, evidence, stage (as `tinhieu signals --json`)"
    )
    detected_at: datetime
    case: CaseOut


class SignalPage(BaseModel):
    items: list[SignalItem]
    next_cursor: str | None


class SignalDetail(SignalItem):
    events: list[EventOut]


class Band(BaseModel):
    band: str
    min_severity: int
    max_severity: int
    count: int
    acknowledged: int
    resolved: int
    ack_median_s: float | None
    ack_p90_s: float | None
    resolve_median_s: float | None
    resolve_p90_s: float | None
    ack_within_1h: float | None
    ack_within_24h: float | None
    open: int
    oldest_open_at: datetime | None
    oldest_open_age_s: float | None


class ResponseTimes(BaseModel):
    days: int
    since: datetime
    until: datetime
    clock: str = Field(description="What starts the clock: the signal's detected_at")
    bands: list[Band]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class AssignBody(Strict):
    assignee: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        description="A user name of an analyst or admin of the workspace; null unassigns"
    )


class NoteBody(Strict):
    note: Annotated[str, Field(min_length=1, max_length=cases.NOTE_MAX)]


class OptionalNoteBody(Strict):
    note: Annotated[str, Field(max_length=cases.NOTE_MAX)] | None = None


class EmptyBody(Strict):
    pass


def _case(c: cases.Case) -> CaseOut:
    return CaseOut(**c.to_dict())


def _item(sc: cases.SignalCase) -> SignalItem:
    return SignalItem(
        signal=clean_floats(sc.signal.to_dict()), detected_at=sc.detected_at, case=_case(sc.case)
    )


def _detail(request: Request, principal: Principal, signal_id: str) -> SignalDetail:
    store = store_of(request)
    try:
        sc = cases.get_signal_case(store, principal.workspace, signal_id)
    except cases.CaseNotFound as exc:
        raise HTTPException(status_code=404, detail="no such signal") from exc
    item = _item(sc)
    return SignalDetail(
        signal=item.signal,
        detected_at=item.detected_at,
        case=item.case,
        events=[
            EventOut(**e.to_dict()) for e in cases.events(store, principal.workspace, signal_id)
        ],
    )


@router.get("/signals", response_model=SignalPage)
def list_signals(
    request: Request,
    principal: ApiPrincipal,
    status: Literal["active", "open", "acknowledged", "resolved", "all"] = "all",
    min_severity: Annotated[int, Query(ge=1, le=10)] = 1,
    topic: Annotated[str | None, Query(max_length=200)] = None,
    kind: Kind | None = None,
    assignee: Annotated[
        str | None, Query(max_length=64, description="A user name; `-` for unassigned")
    ] = None,
    mine: Annotated[bool, Query(description="Only the signals assigned to me")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> SignalPage:
    """Stored signals with their case: open first, then acknowledged, then resolved; the
    most severe and then the newest first within a status. Page with `cursor`."""
    who = principal.user if mine else ("" if assignee == "-" else assignee)
    filters = cases.CaseFilter(
        status=status, min_severity=min_severity, topic=topic, kind=kind, assignee=who
    )
    try:
        page = cases.list_cases(
            store_of(request), principal.workspace, filters, limit=limit, cursor=cursor
        )
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    return SignalPage(items=[_item(sc) for sc in page.items], next_cursor=page.next_cursor)


@router.get("/signals/response-times", response_model=ResponseTimes)
def response_times(
    request: Request,
    principal: ApiPrincipal,
    days: Annotated[int, Query(ge=1, le=365)] = cases.PERIOD_DAYS,
) -> ResponseTimes:
    """How fast the team reacted to the signals detected in the last `days` days, per
    severity band (8-10, 5-7, 1-4, all): counts, median and p90 seconds from detection
    to acknowledgement and to resolution, the share acknowledged within 1 h and 24 h,
    and the unresolved backlog (`open`, `oldest_open_at`)."""
    data = cases.response_times(store_of(request), principal.workspace, days=days)
    return ResponseTimes(**data)


@router.get("/signals/{signal_id}", response_model=SignalDetail)
def get_signal(request: Request, principal: ApiPrincipal, signal_id: SignalId) -> SignalDetail:
    """One signal with its case and the case's events (oldest first)."""
    return _detail(request, principal, signal_id)


def _run(request: Request, principal: Principal, signal_id: str, action: str, **kw: Any) -> None:
    store = store_of(request)
    ws, user = principal.workspace, principal.user
    try:
        if action == "acknowledge":
            cases.acknowledge(store, ws, signal_id, user)
        elif action == "assign":
            cases.assign(store, ws, signal_id, user, kw["assignee"])
        elif action == "note":
            cases.add_note(store, ws, signal_id, user, kw["note"])
        elif action == "resolve":
            cases.resolve(store, ws, signal_id, user, kw.get("note"))
        else:
            cases.reopen(store, ws, signal_id, user, kw.get("note"))
    except cases.CaseNotFound as exc:
        raise HTTPException(status_code=404, detail="no such signal") from exc
    except cases.CaseError as exc:
        raise HTTPException(status_code=exc.status_code, detail=str(exc)) from exc


@router.post("/signals/{signal_id}/acknowledge", response_model=SignalDetail)
def acknowledge(
    request: Request,
    principal: CasePrincipal,
    signal_id: SignalId,
    body: EmptyBody | None = None,
) -> SignalDetail:
    """Acknowledge an open signal (someone is on it). 409 if it is not open."""
    _run(request, principal, signal_id, "acknowledge")
    return _detail(request, principal, signal_id)


@router.post("/signals/{signal_id}/assign", response_model=SignalDetail)
def assign(
    request: Request, principal: CasePrincipal, signal_id: SignalId, body: AssignBody
) -> SignalDetail:
    """Assign an unresolved signal to an analyst or admin of the workspace (null
    unassigns). 422 for anyone else, 409 when resolved or already theirs."""
    _run(request, principal, signal_id, "assign", assignee=body.assignee)
    return _detail(request, principal, signal_id)


@router.post("/signals/{signal_id}/notes", response_model=SignalDetail)
def add_note(
    request: Request, principal: CasePrincipal, signal_id: SignalId, body: NoteBody
) -> SignalDetail:
    """Add a note to the signal's timeline (any status)."""
    _run(request, principal, signal_id, "note", note=body.note)
    return _detail(request, principal, signal_id)


@router.post("/signals/{signal_id}/resolve", response_model=SignalDetail)
def resolve(
    request: Request,
    principal: CasePrincipal,
    signal_id: SignalId,
    body: OptionalNoteBody | None = None,
) -> SignalDetail:
    """Resolve an open or acknowledged signal, with an optional note. 409 if resolved."""
    _run(request, principal, signal_id, "resolve", note=body.note if body else None)
    return _detail(request, principal, signal_id)


@router.post("/signals/{signal_id}/reopen", response_model=SignalDetail)
def reopen(
    request: Request,
    principal: CasePrincipal,
    signal_id: SignalId,
    body: OptionalNoteBody | None = None,
) -> SignalDetail:
    """Reopen a resolved signal (it becomes acknowledged), with an optional note."""
    _run(request, principal, signal_id, "reopen", note=body.note if body else None)
    return _detail(request, principal, signal_id)
