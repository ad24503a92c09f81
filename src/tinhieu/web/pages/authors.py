"""The Authors / KOLs page: authors aggregated from the workspace's mentions, with
filters, sorting and keyset pages (see :mod:`tinhieu.web.authors`)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from tinhieu.kol.quality import SCORE_FORMULA
from tinhieu.metrics.tiers import TIER_NAMES
from tinhieu.schema import PLATFORMS
from tinhieu.web.auth import PagePrincipal, store_of
from tinhieu.web.authors import (
    FORMULAS,
    SORTS,
    TIER_SCHEME,
    AuthorFilters,
    AuthorQueryError,
    author_page,
)
from tinhieu.web.kol_data import audited
from tinhieu.web.messages_admin import MESSAGES as _MESSAGES  # noqa: F401 - registers them
from tinhieu.web.messages_kol import MESSAGES as _KOL  # noqa: F401 - registers them
from tinhieu.web.render import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50


@router.get("/authors")
def authors_page(
    request: Request,
    principal: PagePrincipal,
    sort: Annotated[str, Query(max_length=20)] = "mentions",
    platform: Annotated[str, Query(max_length=40)] = "",
    tier: Annotated[str, Query(max_length=20)] = "",
    topic: Annotated[str, Query(max_length=400)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    cursor: Annotated[str, Query(max_length=2000)] = "",
) -> Response:
    if sort not in SORTS or (platform and platform not in PLATFORMS):
        raise HTTPException(status_code=400, detail="bad sort or platform")
    if tier and tier not in TIER_NAMES:
        raise HTTPException(status_code=400, detail="bad tier")
    store = store_of(request)
    filters = AuthorFilters(
        sort=sort, platform=platform or None, tier=tier or None, topic=topic or None,
        search=q or None,
    )  # fmt: skip
    try:
        page = author_page(
            store, principal.workspace, filters, cursor=cursor or None, limit=PAGE_SIZE
        )
    except AuthorQueryError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    # audience quality of the authors on this page (tinhieu.kol.quality)
    shown = {(a["platform"], a["author_id"]) for a in page.items}
    quality = {
        prof.key: q.score for prof, q in audited(store, principal.workspace) if prof.key in shown
    }
    base = {"sort": sort, "platform": platform, "tier": tier, "topic": topic, "q": q}
    kept = {k: v for k, v in base.items() if v}
    next_url = (
        "/authors?" + urlencode({**kept, "cursor": page.next_cursor}) if page.next_cursor else None
    )
    first_url = "/authors?" + urlencode(kept) if cursor else None
    return render(
        request,
        "authors.html",
        principal,
        page=page,
        sorts=SORTS,
        platforms=PLATFORMS,
        tiers=TIER_NAMES,
        topics=[t.name for t in store.get_topics(principal.workspace)],
        sort=sort,
        platform=platform,
        tier=tier,
        topic=topic,
        q=q,
        next_url=next_url,
        first_url=first_url,
        formulas=FORMULAS,
        tier_scheme=TIER_SCHEME,
        quality=quality,
        quality_formula=SCORE_FORMULA,
    )
