"""The moderation queue: toxic and spam mentions waiting for a human decision, the
decisions taken, and deciding (approve, hide, escalate). See :mod:`tinhieu.moderation`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from tinhieu import moderation as mod
from tinhieu.accounts import Principal
from tinhieu.web.auth import ApiPrincipal, require, store_of

router = APIRouter(tags=["moderation"])

Reason = Literal[
    "hate",
    "offensive",
    "spam",
    "fake_review",
    "seeding",
    "ad",
    "giveaway",
    "junk",
    "brand_only",
]
DecisionName = Literal["approve", "hide", "escalate"]
ModeratorPrincipal = Annotated[Principal, Depends(require("moderate"))]


class EvidenceOut(BaseModel):
    spans: list[tuple[int, int]] = Field(
        description="Offending words of the toxicity lexicon: [start, end) character offsets"
    )
    spam_reason: str | None = Field(description="The spam rule that matched, in English")


class ItemOut(BaseModel):
    platform: str
    source_id: str
    url: str | None
    author: str | None
    text: str
    created_at: datetime | None
    toxicity: str | None
    spam: str | None
    topics: list[str]
    reason: str = Field(description="The first reason: hate, offensive or the spam kind")
    reasons: list[str]
    decision: DecisionName | None
    decided_by: str | None
    decided_at: datetime | None
    note: str | None
    evidence: EvidenceOut | None = None


class QueueOut(BaseModel):
    items: list[ItemOut]
    counts: dict[str, int] = Field(
        description="Mentions waiting per reason, plus `total` and `decided` (platform and "
        "topic filters apply)"
    )
    next_cursor: str | None


class DecisionBody(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    platform: Annotated[str, Field(min_length=1, max_length=40)]
    source_id: Annotated[str, Field(min_length=1, max_length=500)]
    decision: DecisionName
    note: Annotated[str, Field(max_length=mod.NOTE_MAX)] | None = None


class UndoOut(BaseModel):
    removed: bool


class EventOut(BaseModel):
    at: datetime
    actor: str | None = Field(description="The user who acted (null if unknown)")
    action: Literal["approve", "hide", "escalate", "undo"]
    note: str | None


class HistoryOut(BaseModel):
    platform: str
    source_id: str
    events: list[EventOut] = Field(description="Newest first")


def item_out(item: mod.Item, *, with_evidence: bool = True) -> ItemOut:
    ev = mod.evidence(item) if with_evidence else None
    return ItemOut(
        **item.to_dict(),
        evidence=EvidenceOut(spans=list(ev.spans), spam_reason=ev.spam_reason) if ev else None,
    )


@router.get("/moderation", response_model=QueueOut)
def list_queue(
    request: Request,
    principal: ApiPrincipal,
    view: Annotated[
        Literal["queue", "decided"], Query(description="Waiting mentions, or decided ones")
    ] = "queue",
    reason: Reason | None = None,
    platform: Annotated[str | None, Query(max_length=40)] = None,
    topic: Annotated[str | None, Query(max_length=200)] = None,
    decision: DecisionName | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> QueueOut:
    """Flagged mentions (toxicity OFFENSIVE or HATE, or any spam kind) without a
    decision — hate first, then offensive, then spam, newest first — or, with
    `view=decided`, the decided mentions, latest decision first. Each item carries the
    evidence of why it was flagged. Page with `cursor`."""
    store = store_of(request)
    f = mod.QueueFilter(reason=reason, platform=platform, topic=topic, decision=decision)
    lister = mod.queue if view == "queue" else mod.decided
    try:
        page = lister(store, principal.workspace, f, limit=limit, cursor=cursor)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    return QueueOut(
        items=[item_out(i) for i in page.items],
        counts=mod.counts(store, principal.workspace, f),
        next_cursor=page.next_cursor,
    )


@router.post("/moderation/decisions", response_model=ItemOut)
def decide(request: Request, principal: ModeratorPrincipal, body: DecisionBody) -> ItemOut:
    """Approve, hide or escalate a mention of the workspace (a new decision replaces the
    old one). Hiding never deletes the mention. 404 when the mention is not in the
    workspace."""
    try:
        item = mod.decide(
            store_of(request),
            principal.workspace,
            body.platform,
            body.source_id,
            body.decision,
            principal.user,
            body.note,
        )
    except mod.MentionNotFound as exc:
        raise HTTPException(status_code=404, detail="no such mention") from exc
    except mod.ModerationError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    return item_out(item, with_evidence=False)


@router.delete("/moderation/decisions", response_model=UndoOut)
def undo(
    request: Request,
    principal: ModeratorPrincipal,
    platform: Annotated[str, Query(min_length=1, max_length=40)],
    source_id: Annotated[str, Query(min_length=1, max_length=500)],
) -> UndoOut:
    """Remove the decision on a mention: a flagged mention returns to the queue. 404
    when the mention has no decision in the workspace."""
    if not mod.undo(store_of(request), principal.workspace, platform, source_id, principal.user):
        raise HTTPException(status_code=404, detail="no decision on that mention")
    return UndoOut(removed=True)


@router.get("/moderation/history", response_model=HistoryOut)
def get_history(
    request: Request,
    principal: ApiPrincipal,
    platform: Annotated[str, Query(min_length=1, max_length=40)],
    source_id: Annotated[str, Query(min_length=1, max_length=500)],
) -> HistoryOut:
    """Every decision (approve, hide, escalate) and undo taken on a mention, newest
    first, with who took it, when and the note: the audit trail the queue's latest
    decision replaces. 404 when the mention is not in the workspace."""
    store = store_of(request)
    try:
        mod.get_item(store, principal.workspace, platform, source_id)
    except mod.MentionNotFound as exc:
        raise HTTPException(status_code=404, detail="no such mention") from exc
    events = mod.history(store, principal.workspace, platform, source_id)
    return HistoryOut(
        platform=platform,
        source_id=source_id,
        events=[EventOut(**e.to_dict()) for e in events],
    )
