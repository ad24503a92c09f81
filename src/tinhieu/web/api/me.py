"""``/me``: who the caller is, in which workspace, with which role."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from tinhieu.web.auth import ApiPrincipal

router = APIRouter(tags=["me"])


class Me(BaseModel):
    user: str
    display_name: str
    workspace: str
    role: str
    via: str


@router.get("/me", response_model=Me)
def me(principal: ApiPrincipal) -> Me:
    return Me(
        user=principal.user,
        display_name=principal.display_name,
        workspace=principal.workspace,
        role=principal.role,
        via="token" if principal.token_id is not None else "session",
    )
