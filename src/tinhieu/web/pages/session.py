"""Logging in and out, the language switch and the workspace switch."""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict, deque
from typing import Annotated, Final

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from tinhieu.accounts import (
    SESSION_TTL,
    authenticate,
    create_session,
    end_session,
    memberships,
    switch_workspace,
)
from tinhieu.web.auth import (
    LANG_COOKIE,
    SESSION_COOKIE,
    PagePrincipal,
    check_form_csrf,
    store_of,
)
from tinhieu.web.render import render

router = APIRouter(include_in_schema=False)

LOGIN_CSRF_COOKIE: Final[str] = "tinhieu_login"
MAX_FAILURES: Final[int] = 10
FAILURE_WINDOW_S: Final[float] = 15 * 60


class _Throttle:
    """Failed logins per client address and user name in a sliding window."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def blocked(self, key: tuple[str, str]) -> bool:
        with self._lock:
            q = self._failures[key]
            cutoff = time.monotonic() - FAILURE_WINDOW_S
            while q and q[0] < cutoff:
                q.popleft()
            return len(q) >= MAX_FAILURES

    def fail(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures[key].append(time.monotonic())

    def clear(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures.pop(key, None)


_throttle = _Throttle()


def safe_next(target: str | None) -> str:
    """A local path to go to after login: never another site (``//evil``, ``/\\evil``)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(c) < 32 for c in target):
        return "/"
    return target


def _cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=bool(request.app.state.secure_cookies),
        path="/",
    )


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = render(request, "login.html", None, next=safe_next(next), login_csrf=token)
    _cookie(request, response, LOGIN_CSRF_COOKIE, token, 3600)
    return response


@router.post("/login")
def login(
    request: Request,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    login_csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not expected or not secrets.compare_digest(expected, login_csrf):
        raise HTTPException(status_code=403, detail="login form expired; reload the page")
    store = store_of(request)
    client = request.client.host if request.client else "?"
    key = (client, name.strip().lower())
    if _throttle.blocked(key):
        return render(
            request, "login.html", None, status_code=429, next=safe_next(next),
            login_csrf=expected, error="web.login.throttled",
        )  # fmt: skip
    user = authenticate(store, name, password)
    spaces = memberships(store, user.name) if user else []
    if user is None or not spaces:
        _throttle.fail(key)
        return render(
            request, "login.html", None, status_code=401, next=safe_next(next),
            login_csrf=expected, error="web.login.failed", name=name,
        )  # fmt: skip
    _throttle.clear(key)
    token, _ = create_session(store, user.name, spaces[0].workspace)
    response = RedirectResponse(safe_next(next), status_code=303)
    _cookie(request, response, SESSION_COOKIE, token, int(SESSION_TTL.total_seconds()))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
async def logout(request: Request, principal: PagePrincipal) -> Response:
    await check_form_csrf(request, principal)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        end_session(store_of(request), token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{code}")
def set_lang(request: Request, code: str, next: str = "/") -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    _cookie(request, response, LANG_COOKIE, "en" if code == "en" else "vi", 365 * 86400)
    return response


@router.post("/workspace")
async def set_workspace(request: Request, principal: PagePrincipal) -> Response:
    await check_form_csrf(request, principal)
    form = await request.form()
    workspace = form.get("workspace")
    token = request.cookies.get(SESSION_COOKIE) or ""
    if not isinstance(workspace, str) or not switch_workspace(store_of(request), token, workspace):
        raise HTTPException(status_code=403, detail="not a member of that workspace")
    return RedirectResponse("/", status_code=303)
