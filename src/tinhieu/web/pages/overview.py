"""The Overview: headline metrics of a topic group with their change, charts over time,
share of voice, and — at the top — crisis stages and the open signals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from tinhieu.cases import resolved_ids
from tinhieu.schema import TOPIC_GROUPS
from tinhieu.signals.engine import load_signals
from tinhieu.store.base import Store
from tinhieu.web.auth import PagePrincipal, store_of
from tinhieu.web.overview import GRAINS, PERIODS, overview
from tinhieu.web.render import render
from tinhieu.web.warm import note_view

router = APIRouter(include_in_schema=False)

OPEN_SIGNAL_DAYS = 30
OPEN_SIGNAL_MIN_SEVERITY = 5


def open_signals(store: Store, workspace: str, limit: int = 5) -> list[dict[str, Any]]:
    """The most severe signals of the last week that nobody has resolved yet."""
    since = datetime.now(UTC) - timedelta(days=OPEN_SIGNAL_DAYS)
    resolved = resolved_ids(store, workspace)
    out = []
    for s in load_signals(store, workspace, since=since, min_severity=OPEN_SIGNAL_MIN_SEVERITY):
        if s.id in resolved:
            continue
        out.append(s.to_dict())
        if len(out) >= limit:
            break
    return out


@router.get("/")
def overview_page(
    request: Request,
    principal: PagePrincipal,
    group: str = "brand",
    topic: str | None = None,
    days: int = 7,
    grain: str = "day",
) -> Response:
    store = store_of(request)
    topics = store.get_topics(principal.workspace)
    names = {t.name for t in topics}
    if group not in TOPIC_GROUPS or days not in PERIODS or grain not in GRAINS:
        raise HTTPException(status_code=400, detail="bad group, period or grain")
    if topic is not None and topic not in names:
        raise HTTPException(status_code=404, detail="no such topic")
    data = None
    if topics:
        note_view(store, principal.workspace)
        data = overview(
            store,
            principal.workspace,
            group=group,
            topic=topic,
            days=days,
            grain=grain,  # type: ignore[arg-type]
        )
    return render(
        request,
        "overview.html",
        principal,
        data=data,
        topics=topics,
        groups=TOPIC_GROUPS,
        periods=PERIODS,
        grains=GRAINS,
        group=group,
        topic=topic,
        days=days,
        grain=grain,
        signals=open_signals(store, principal.workspace),
    )
