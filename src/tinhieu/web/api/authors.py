"""Authors of the workspace aggregated from its mentions (see :mod:`tinhieu.web.authors`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request

from tinhieu.web.auth import ApiPrincipal, store_of
from tinhieu.web.authors import AuthorFilters, AuthorQueryError, author_page

router = APIRouter(tags=["authors"])

Tier = Literal["nano", "micro", "macro", "mega", "unknown"]


@router.get("/authors")
def get_authors(
    request: Request,
    principal: ApiPrincipal,
    sort: Literal["mentions", "interactions", "followers", "engagement"] = "mentions",
    platform: Annotated[str | None, Query(max_length=40)] = None,
    tier: Tier | None = None,
    topic: Annotated[str | None, Query(max_length=400)] = None,
    q: Annotated[str | None, Query(max_length=200, description="name or id contains")] = None,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Authors (platform, author_id) with their latest followers, KOL tier, mentions,
    posts, interactions, engagement rate by followers, net sentiment and topics, best
    first by ``sort``. ``next_cursor`` gives the next page (null at the end). Values
    that cannot be computed are null with a ``*_reason``; ``formulas`` defines them."""
    filters = AuthorFilters(
        sort=sort, platform=platform or None, tier=tier, topic=topic or None, search=q or None
    )
    try:
        page = author_page(
            store_of(request), principal.workspace, filters, cursor=cursor, limit=limit
        )
    except AuthorQueryError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    result: dict[str, Any] = page.to_dict()
    return result
