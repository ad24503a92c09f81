"""The REST API under ``/api/v1``: one module per resource, all scoped to the caller's
workspace (see :mod:`tinhieu.web.auth`)."""

from __future__ import annotations

from fastapi import APIRouter

from tinhieu.web.api import me, metrics, topics

router = APIRouter()
for _module in (me, topics, metrics):
    router.include_router(_module.router)
