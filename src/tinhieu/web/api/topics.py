"""Topics: list them (editing lives with the Topics page's routes)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from tinhieu.web.auth import ApiPrincipal, store_of

router = APIRouter(tags=["topics"])


class TopicOut(BaseModel):
    name: str
    group: str
    query: str


@router.get("/topics", response_model=list[TopicOut])
def list_topics(request: Request, principal: ApiPrincipal) -> list[TopicOut]:
    return [
        TopicOut(name=t.name, group=t.group, query=t.query)
        for t in store_of(request).get_topics(principal.workspace)
    ]
