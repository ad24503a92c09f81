"""API tokens: everyone creates, lists and revokes their own; admins see and revoke
every token of the workspace. A token's secret is shown once, when it is created
(only its SHA-256 is stored)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from tinhieu.accounts import AccountError, ApiToken, Principal, create_token, list_tokens
from tinhieu.accounts import revoke_token as revoke
from tinhieu.store.base import Store
from tinhieu.web.auth import require, store_of

router = APIRouter(tags=["tokens"])


class TokenOut(BaseModel):
    id: int
    user: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    active: bool


class TokenIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    name: str = Field(min_length=1, max_length=80)


class NewToken(BaseModel):
    token: TokenOut
    secret: str = Field(description="the token itself: shown this once, never again")


def token_out(t: ApiToken) -> TokenOut:
    return TokenOut(
        id=t.id,
        user=t.user,
        name=t.name,
        created_at=t.created_at,
        last_used_at=t.last_used_at,
        revoked_at=t.revoked_at,
        active=t.revoked_at is None,
    )


def visible_tokens(store: Store, principal: Principal) -> list[TokenOut]:
    """Admins: every token of the workspace; others: their own."""
    user = None if principal.can("members") else principal.user
    return [token_out(t) for t in list_tokens(store, principal.workspace, user)]


def new_token(store: Store, principal: Principal, name: str) -> NewToken:
    if not name.strip():
        raise HTTPException(status_code=400, detail="a token needs a name")
    try:
        token, secret = create_token(store, principal.user, principal.workspace, name)
    except AccountError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    return NewToken(token=token_out(token), secret=secret)


def revoke_visible(store: Store, principal: Principal, token_id: int) -> bool:
    user = None if principal.can("members") else principal.user
    return revoke(store, principal.workspace, token_id, user)


CanUse = Annotated[Principal, Depends(require("tokens"))]


@router.get("/tokens", response_model=list[TokenOut])
def get_tokens(request: Request, principal: CanUse) -> list[TokenOut]:
    """Your API tokens (admins: every token of the workspace), revoked ones included."""
    return visible_tokens(store_of(request), principal)


@router.post("/tokens", response_model=NewToken, status_code=201)
def post_token(request: Request, principal: CanUse, body: TokenIn) -> NewToken:
    """Create an API token for yourself in this workspace. ``secret`` is the token:
    store it now, it is never shown again. It acts with your role."""
    return new_token(store_of(request), principal, body.name)


@router.delete("/tokens/{token_id}", status_code=204)
def delete_token(
    request: Request,
    principal: CanUse,
    token_id: Annotated[int, Path(ge=1, le=2**62)],
) -> Response:
    """Revoke a token: yours, or (admins) any of the workspace. 404 if there is no such
    active token you may revoke."""
    if not revoke_visible(store_of(request), principal, token_id):
        raise HTTPException(status_code=404, detail=f"no active token {token_id}")
    return Response(status_code=204)
