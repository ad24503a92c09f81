"""Who is asking: session cookies for pages, bearer tokens (or the session) for the API.

Every route takes a :class:`~tinhieu.accounts.Principal` from one of the dependencies
here, and every query it runs is scoped to ``principal.workspace``: that is the whole
of workspace isolation, so no route reads a workspace from the request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Final

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tinhieu.accounts import Principal, csrf_ok, session_principal, token_principal
from tinhieu.store.duckdb import DuckDBStore

SESSION_COOKIE: Final[str] = "tinhieu_session"
LANG_COOKIE: Final[str] = "tinhieu_lang"
CSRF_HEADER: Final[str] = "X-CSRF-Token"
UNSAFE: Final[frozenset[str]] = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_bearer = HTTPBearer(auto_error=False, description="An API token (tinhieu token create)")


class LoginRequired(Exception):
    """A page needs a logged-in user; the app redirects to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def store_of(request: Request) -> DuckDBStore:
    store: DuckDBStore = request.app.state.store
    return store


def lang_of(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "vi")
    return "en" if lang == "en" else "vi"


def _from_session(request: Request) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    return session_principal(store_of(request), token) if token else None


def page_principal(request: Request) -> Principal:
    """The logged-in user of a page; unsafe methods must carry the CSRF token."""
    principal = _from_session(request)
    if principal is None:
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        raise LoginRequired(target if request.method == "GET" else "/")
    return principal


async def check_form_csrf(request: Request, principal: Principal) -> None:
    """Reject a form post whose ``csrf`` field (or header) is not the session's."""
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None:
        form = await request.form()
        value = form.get("csrf")
        submitted = value if isinstance(value, str) else None
    if not csrf_ok(principal, submitted):
        raise HTTPException(status_code=403, detail="CSRF token missing or wrong")


def api_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """An API caller: ``Authorization: Bearer th_…``, or the page session (then unsafe
    methods need the ``X-CSRF-Token`` header, so another site cannot post with it)."""
    store = store_of(request)
    if credentials is not None:
        principal = token_principal(store, credentials.credentials)
        if principal is None:
            raise HTTPException(
                status_code=401,
                detail="invalid or revoked API token",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return principal
    principal = _from_session(request)
    if principal is None:
        raise HTTPException(
            status_code=401,
            detail="authentication required: send Authorization: Bearer <token>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if request.method in UNSAFE and not csrf_ok(principal, request.headers.get(CSRF_HEADER)):
        raise HTTPException(status_code=403, detail="CSRF token missing or wrong")
    return principal


def require(action: str) -> Callable[[Principal], Principal]:
    """A dependency: the API caller, if their role allows ``action`` (else 403)."""

    def check(principal: Annotated[Principal, Depends(api_principal)]) -> Principal:
        if not principal.can(action):
            raise HTTPException(
                status_code=403, detail=f"your role ({principal.role}) cannot {action}"
            )
        return principal

    return check


def require_page(action: str) -> Callable[[Principal], Principal]:
    """A dependency: the page user, if their role allows ``action`` (else 403)."""

    def check(principal: Annotated[Principal, Depends(page_principal)]) -> Principal:
        if not principal.can(action):
            raise HTTPException(status_code=403, detail=f"role {principal.role} cannot {action}")
        return principal

    return check


PagePrincipal = Annotated[Principal, Depends(page_principal)]
ApiPrincipal = Annotated[Principal, Depends(api_principal)]
