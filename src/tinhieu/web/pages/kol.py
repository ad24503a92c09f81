"""The KOL detail page (``/authors/{platform}/{author_id}``) and the Campaigns page
(``/campaigns``, ``/campaigns/{name}``). Data from :mod:`tinhieu.web.api.kol`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from tinhieu.kol.campaigns import get_campaign, list_campaigns, report
from tinhieu.query import QuerySyntaxError
from tinhieu.web.api.kol import kol_detail
from tinhieu.web.auth import PagePrincipal, store_of
from tinhieu.web.messages_admin import MESSAGES as _ADMIN  # noqa: F401 - registers them
from tinhieu.web.messages_kol import MESSAGES as _MESSAGES  # noqa: F401 - registers them
from tinhieu.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/authors/{platform}/{author_id}")
def kol_page(
    request: Request,
    principal: PagePrincipal,
    platform: str,
    author_id: str,
    topic: Annotated[str, Query(max_length=400)] = "",
    scheme: Annotated[str, Query(pattern="^(default|industry)$")] = "default",
) -> Response:
    store = store_of(request)
    try:
        found = kol_detail(
            store, principal.workspace, platform, author_id, topic=topic or None, scheme=scheme
        )
    except QuerySyntaxError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    if found is None:
        raise HTTPException(status_code=404, detail="no such KOL")
    return render(
        request,
        "kol.html",
        principal,
        kol=found,
        topics=[t.name for t in store.get_topics(principal.workspace)],
        scheme=scheme,
    )


@router.get("/campaigns")
def campaigns_page(request: Request, principal: PagePrincipal) -> Response:
    store = store_of(request)
    return render(
        request,
        "campaigns.html",
        principal,
        campaigns=list_campaigns(store, principal.workspace),
        report=None,
    )


@router.get("/campaigns/{name}")
def campaign_page(request: Request, principal: PagePrincipal, name: str) -> Response:
    store = store_of(request)
    campaign = get_campaign(store, principal.workspace, name)
    if campaign is None:
        raise HTTPException(status_code=404, detail="no such campaign")
    return render(
        request,
        "campaigns.html",
        principal,
        campaigns=list_campaigns(store, principal.workspace),
        report=report(store, campaign).to_dict(),
    )
