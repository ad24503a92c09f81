"""Server-rendered pages. Each module owns one page (or a small family) and its routes
in a module-level ``router``; every module of this package is registered."""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import FastAPI


def register(app: FastAPI) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        router = getattr(module, "router", None)
        if router is not None:
            app.include_router(router)
