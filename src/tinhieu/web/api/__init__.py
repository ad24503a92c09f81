"""The REST API under ``/api/v1``: one module per resource, each with a module-level
``router``, all scoped to the caller's workspace (see :mod:`tinhieu.web.auth`). Every
module of this package with a router is included."""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter

router = APIRouter()
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    _sub = getattr(_module, "router", None)
    if isinstance(_sub, APIRouter):
        router.include_router(_sub)
