"""Members of the workspace: list them; admins add users (with a password and a role),
change roles and remove members. The last admin of a workspace cannot be removed or
demoted, so a workspace always has someone who can manage it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from tinhieu.accounts import (
    AccountError,
    Principal,
    add_user,
    check_name,
    check_role,
    get_user,
    grant,
    members,
    revoke,
)
from tinhieu.store.base import Store
from tinhieu.web.auth import ApiPrincipal, require, store_of

router = APIRouter(tags=["members"])


class MemberOut(BaseModel):
    user: str
    display_name: str
    role: str
    disabled: bool


class MemberIn(BaseModel):
    """A member to add. A new user needs ``password`` (10+ characters); an existing
    user (of another workspace) is added without one and keeps theirs."""

    model_config = ConfigDict(strict=True, extra="forbid")
    user: str = Field(max_length=200)
    role: str = Field(max_length=20)
    password: str | None = Field(default=None, max_length=1024)
    display_name: str | None = Field(default=None, max_length=120)


class RoleIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    role: str = Field(max_length=20)


class MemberProblem(ValueError):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def list_members(store: Store, workspace: str) -> list[MemberOut]:
    return [
        MemberOut(user=u.name, display_name=u.display_name, role=role, disabled=u.disabled)
        for u, role in members(store, workspace)
    ]


def _admins(store: Store, workspace: str) -> int:
    row = store.fetch_all(
        "SELECT count(*) FROM memberships WHERE workspace = ? AND role = 'admin'", [workspace]
    )
    return int(row[0][0]) if row else 0


def _current_role(store: Store, workspace: str, user: str) -> str:
    row = store.fetch_all(
        "SELECT role FROM memberships WHERE workspace = ? AND user_name = ?",
        [workspace, user.lower()],
    )
    if not row:
        raise MemberProblem(f"no member {user!r}", 404)
    return str(row[0][0])


def add_member(
    store: Store,
    workspace: str,
    user: str,
    role: str,
    password: str | None = None,
    display_name: str | None = None,
) -> MemberOut:
    """Add a member (MemberProblem: 400 invalid, 409 already a member or a password
    given for an existing user — an admin of one workspace never resets another
    user's password)."""
    try:
        name, role = check_name(user), check_role(role)
        if _is_member(store, workspace, name):
            raise MemberProblem(f"{name!r} is already a member; change their role instead", 409)
        if get_user(store, name) is not None:
            if password:
                raise MemberProblem(
                    f"a user named {name!r} exists: add them without a password "
                    "(they keep their own)",
                    409,
                )
            grant(store, name, workspace, role)
        else:
            if not password:
                raise MemberProblem("a new user needs a password (at least 10 characters)")
            add_user(
                store, name, password, display_name=display_name, workspace=workspace, role=role
            )
    except AccountError as exc:
        raise MemberProblem(str(exc)) from exc
    return _member(store, workspace, name)


def _is_member(store: Store, workspace: str, name: str) -> bool:
    return bool(
        store.fetch_all(
            "SELECT 1 FROM memberships WHERE workspace = ? AND user_name = ?", [workspace, name]
        )
    )


def _member(store: Store, workspace: str, name: str) -> MemberOut:
    for m in list_members(store, workspace):
        if m.user == name:
            return m
    raise MemberProblem(f"no member {name!r}", 404)


def change_role(store: Store, workspace: str, user: str, role: str) -> MemberOut:
    """Give a member another role; the last admin cannot be demoted (409)."""
    try:
        role = check_role(role)
    except AccountError as exc:
        raise MemberProblem(str(exc)) from exc
    with store.transaction():
        current = _current_role(store, workspace, user)
        if current == "admin" and role != "admin" and _admins(store, workspace) <= 1:
            raise MemberProblem("this is the workspace's last admin: make another admin first", 409)
        grant(store, user, workspace, role)
    return _member(store, workspace, user.lower())


def remove_member(store: Store, workspace: str, user: str) -> None:
    """Remove a member (their sessions end, their tokens here are revoked); the last
    admin cannot be removed (409)."""
    with store.transaction():
        current = _current_role(store, workspace, user)
        if current == "admin" and _admins(store, workspace) <= 1:
            raise MemberProblem("this is the workspace's last admin: make another admin first", 409)
        revoke(store, user, workspace)


def _http(exc: MemberProblem) -> HTTPException:
    return HTTPException(status_code=exc.status, detail=str(exc))


UserName = Annotated[str, Path(max_length=200, description="the member's user name")]
CanManage = Annotated[Principal, Depends(require("members"))]


@router.get("/members", response_model=list[MemberOut])
def get_members(request: Request, principal: ApiPrincipal) -> list[MemberOut]:
    """The workspace's members with their roles (everyone in the workspace sees them)."""
    return list_members(store_of(request), principal.workspace)


@router.post("/members", response_model=MemberOut, status_code=201)
def post_member(request: Request, principal: CanManage, body: MemberIn) -> MemberOut:
    """Add a member (role: admin): a new user with ``password``, or an existing user
    without one. 409 if they are a member already."""
    try:
        return add_member(
            store_of(request),
            principal.workspace,
            body.user,
            body.role,
            body.password,
            body.display_name,
        )
    except MemberProblem as exc:
        raise _http(exc) from exc


@router.put("/members/{user}", response_model=MemberOut)
def put_member(request: Request, principal: CanManage, user: UserName, body: RoleIn) -> MemberOut:
    """Change a member's role (viewer, analyst, admin). 409 for the last admin."""
    try:
        return change_role(store_of(request), principal.workspace, user, body.role)
    except MemberProblem as exc:
        raise _http(exc) from exc


@router.delete("/members/{user}", status_code=204)
def delete_member(request: Request, principal: CanManage, user: UserName) -> Response:
    """Remove a member from the workspace. 409 for the last admin."""
    try:
        remove_member(store_of(request), principal.workspace, user)
    except MemberProblem as exc:
        raise _http(exc) from exc
    return Response(status_code=204)
