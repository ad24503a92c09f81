"""The web app: server-rendered pages and the REST API under ``/api/v1``.

``create_app(store)`` builds it over an open store; ``tinhieu serve`` runs it with
uvicorn. Pages live in ``tinhieu.web.pages``, API routes in ``tinhieu.web.api``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Final

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from tinhieu import __version__
from tinhieu.store.duckdb import DuckDBStore
from tinhieu.web.auth import LoginRequired, page_principal
from tinhieu.web.warm import Warmer

if TYPE_CHECKING:
    from tinhieu.sources.scheduler import Scheduler

STATIC: Final[Path] = Path(__file__).parent / "static"

#: Sent with every response. Scripts and styles only from this server (no inline
#: script at all), no framing, no plugins, forms post only here.
SECURITY_HEADERS: Final[dict[str, str]] = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


_log = logging.getLogger(__name__)


def create_app(
    store: DuckDBStore,
    *,
    secure_cookies: bool = False,
    scheduler: Scheduler | None = None,
    analysis_workers: int = 0,
) -> FastAPI:
    """The app over ``store``. ``secure_cookies`` marks cookies Secure (behind HTTPS);
    ``scheduler`` (collecting the configured sources) runs while the app serves;
    ``analysis_workers`` processes analyse ingested mentions (0: a thread of this
    process does, sharing its interpreter with the requests)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # compute the Overviews in the background, at start and again when the data or
        # the hour changes, so the people who open them do not wait (tinhieu.web.warm)
        app.state.warmer = Warmer(store)
        app.state.warmer.start()
        if analysis_workers > 0:
            from tinhieu.ingest import AfterIngest

            worker = app.state.after_ingest = AfterIngest(store, workers=analysis_workers)
            app.state.workers_ready = threading.Thread(
                target=worker.start_workers, name="tinhieu-analysis-workers", daemon=True
            )
            app.state.workers_ready.start()
        if scheduler is not None:
            scheduler.start()
        try:
            yield
        finally:
            app.state.warmer.stop()
            if scheduler is not None:
                scheduler.stop(timeout=60)
        # finish the analysis and rollup that ingests queued, so a restart loses nothing
        # of it (rows left unanalysed would be picked up by the next analysis anyway)
        pending = getattr(app.state, "after_ingest", None)
        if pending is not None:
            pending.close(timeout=60)

    app = FastAPI(
        lifespan=lifespan,
        title="tinhieu",
        version=__version__,
        description=(
            "The tinhieu REST API. Authenticate with `Authorization: Bearer <token>` "
            "(create one with `tinhieu token create` or on the Settings page). Every "
            "route works inside the token's workspace only."
        ),
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = store
    app.state.secure_cookies = secure_cookies
    app.state.analysis_workers = analysis_workers
    if scheduler is not None:
        app.state.scheduler = scheduler

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        # how long the app took, for browsers' dev tools and the benchmarks
        elapsed = (time.perf_counter() - started) * 1000
        response.headers["Server-Timing"] = f"app;dur={elapsed:.1f}"
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path.startswith("/api/") or "text/html" in response.headers.get(
            "content-type", ""
        ):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        from urllib.parse import quote

        return RedirectResponse("/login?next=" + quote(exc.next_url, safe=""), status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse(
                {"error": {"status": exc.status_code, "message": exc.detail}},
                status_code=exc.status_code,
                headers=exc.headers,
            )
        from tinhieu.web.render import render

        try:
            principal = page_principal(request)
        except LoginRequired:
            principal = None
        return render(
            request,
            "error.html",
            principal,
            status_code=exc.status_code,
            status=exc.status_code,
            message=str(exc.detail),
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {
                "where": ".".join(str(p) for p in e.get("loc", ())),
                "message": str(e.get("msg", "")),
                "type": str(e.get("type", "")),
            }
            for e in exc.errors()
        ]
        return JSONResponse(
            {"error": {"status": 422, "message": "invalid request", "details": errors}},
            status_code=422,
        )

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    from tinhieu.web import api, pages

    pages.register(app)
    app.include_router(api.router, prefix="/api/v1")
    return app
