"""Server-rendered pages. Each module owns one page (or a small family) and its routes."""

from __future__ import annotations

from fastapi import FastAPI

from tinhieu.web.pages import overview, session

ROUTERS = (session.router, overview.router)


def register(app: FastAPI) -> None:
    for router in ROUTERS:
        app.include_router(router)
