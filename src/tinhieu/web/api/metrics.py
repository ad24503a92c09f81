"""Metrics: the overview (headline numbers with their change) and the full stats report."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request

from tinhieu.metrics import summary
from tinhieu.metrics.scope import ScopeError
from tinhieu.query.errors import QuerySyntaxError
from tinhieu.web.auth import ApiPrincipal, store_of
from tinhieu.web.overview import PERIODS, overview
from tinhieu.web.render import clean_floats
from tinhieu.web.warm import note_view

router = APIRouter(tags=["metrics"])


@router.get("/overview")
def get_overview(
    request: Request,
    principal: ApiPrincipal,
    group: Literal["brand", "competitor", "category"] = "brand",
    topic: Annotated[str | None, Query(max_length=200)] = None,
    days: Annotated[int, Query(description="1, 7, 30 or 90")] = 7,
    grain: Literal["hour", "day", "week"] = "day",
) -> dict[str, Any]:
    """Headline metrics of a topic group (or one topic) for the last ``days`` days with
    data, each with the previous period's value, plus chart series, share of voice and
    crisis stages."""
    store = store_of(request)
    if topic is not None and topic not in {t.name for t in store.get_topics(principal.workspace)}:
        raise HTTPException(status_code=404, detail=f"no topic {topic!r}")
    if days not in PERIODS:
        raise HTTPException(status_code=422, detail=f"days must be one of {list(PERIODS)}")
    note_view(store, principal.workspace)
    data = overview(store, principal.workspace, group=group, topic=topic, days=days, grain=grain)
    result: dict[str, Any] = clean_floats(data)
    return result


@router.get("/stats")
def get_stats(
    request: Request,
    principal: ApiPrincipal,
    topic: Annotated[str | None, Query(max_length=200)] = None,
    group: Literal["brand", "competitor", "category"] | None = None,
    since: date | None = None,
    until: date | None = None,
    platform: Annotated[str | None, Query(max_length=40)] = None,
) -> dict[str, Any]:
    """Every metric of a scope, as ``tinhieu stats --json`` prints it (formulas included)."""
    store = store_of(request)
    try:
        stats = summary(
            store,
            principal.workspace,
            topic=topic,
            group=group,
            since=since,
            until=until,
            platform=platform,
        )
    except (ScopeError, QuerySyntaxError, ValueError) as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    result: dict[str, Any] = clean_floats(stats.to_dict())
    return result
