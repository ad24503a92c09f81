"""KOL discovery, KOL detail and campaigns (``docs/kol.md``).

Every route is scoped by the caller's workspace: another workspace's KOL or campaign
answers 404, as a missing one does. Reading needs the viewer role; creating a campaign
needs the ``topics`` permission (analyst).

A campaign name may contain "/": percent-encode the whole name as one path segment
(``/api/v1/campaigns/T%E1%BA%BFt%2F2027/report``); the server decodes ``%2F`` before
routing, so the campaign routes take the name with a ``path`` converter (the
``…/report`` route matches up to the last ``/report``). A name that is only dots, which
clients drop as a path segment, can be passed as the query parameter ``name`` of
``GET /campaigns/report`` and ``DELETE /campaigns`` instead.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from tinhieu.accounts import Principal
from tinhieu.kol.campaigns import (
    Campaign,
    CampaignError,
    delete_campaign,
    get_campaign,
    list_campaigns,
    make_campaign,
    report,
    save_campaign,
)
from tinhieu.kol.influence import influence
from tinhieu.kol.profiles import Profile
from tinhieu.kol.quality import audience_quality
from tinhieu.metrics.result import jsonable
from tinhieu.metrics.scope import ScopeError, parse_bound
from tinhieu.metrics.tiers import scheme as get_scheme
from tinhieu.query import QuerySyntaxError, compile_query
from tinhieu.store.base import Store
from tinhieu.web.auth import ApiPrincipal, lang_of, require, store_of
from tinhieu.web.kol_data import comments_and_pods, profiles, ranked_kols

router = APIRouter(tags=["kol"])

Scheme = Literal["default", "industry"]
RECENT_POSTS = 10


def kol_detail(
    store: Store,
    workspace: str,
    platform: str,
    author_id: str,
    *,
    topic: str | None = None,
    scheme: str = "default",
) -> dict[str, Any] | None:
    """Profile, tier (with its scheme), quality with each part, influence and relevance
    for ``topic`` (default: the author's most frequent topic), recent posts and brands;
    None when the author has no post in ``workspace``."""
    tier_scheme = get_scheme(scheme)
    profile: Profile | None = next(
        (
            p
            for p in profiles(store, workspace, platform=platform, scheme=scheme)
            if p.author_id == author_id
        ),
        None,
    )
    if profile is None:
        return None
    comments, pods = comments_and_pods(store, workspace)
    mine = comments.get(profile.key, [])
    quality = audience_quality(profile, mine, pods)
    chosen = topic or next(iter(profile.topics), None)
    inf = None
    if chosen:
        saved = {tp.name for tp in store.get_topics(workspace)}
        query = None if chosen in saved else compile_query(chosen)
        inf = influence(profile, quality, mine, chosen, query).to_dict()
    posts = [
        {
            "source_id": p["source_id"],
            "kind": p["kind"],
            "title": p["title"],
            "text": p["text"],
            "created_at": p["created_at"],
            "interactions": p["ix"],
            "views": p["views"],
            "topics": list(p["topics"] or []),
        }
        for p in reversed(profile.post_rows[-RECENT_POSTS:])
    ]
    return {
        "profile": jsonable(profile.to_dict()),
        "tier_scheme": tier_scheme.description,
        "quality": jsonable(quality.to_dict()),
        "topic": chosen,
        "influence": jsonable(inf),
        "recent_posts": jsonable(posts),
        "brands": jsonable(profile.brands),
        "sponsored_brands": dict(profile.sponsored_brands),
    }


@router.get("/kols")
def get_kols(
    request: Request,
    principal: ApiPrincipal,
    topic: Annotated[str, Query(min_length=1, max_length=400)],
    tier: Annotated[str | None, Query(max_length=20)] = None,
    platform: Annotated[str | None, Query(max_length=40)] = None,
    min_quality: Annotated[float | None, Query(ge=0, le=100)] = None,
    scheme: Scheme = "default",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Authors ranked for a topic (a saved topic or a query), as ``tinhieu kol find``:
    influence = 100 × reach × quality × relevance × consistency × engagement_fit, with
    every part, the quality score's parts and the reasons for each rank."""
    tier_scheme = get_scheme(scheme)
    try:
        ranked = ranked_kols(
            store_of(request),
            principal.workspace,
            topic,
            tier=tier or None,
            platform=platform or None,
            min_quality=min_quality,
            scheme=scheme,
            limit=limit,
        )
    except (ValueError, QuerySyntaxError) as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    lang = lang_of(request)
    return {
        "topic": topic,
        "tier_scheme": tier_scheme.description,
        "results": jsonable([r.to_dict(lang) for r in ranked]),
    }


@router.get("/kols/{platform}/{author_id}")
def get_kol(
    request: Request,
    principal: ApiPrincipal,
    platform: str,
    author_id: str,
    topic: Annotated[str | None, Query(max_length=400)] = None,
    scheme: Scheme = "default",
) -> dict[str, Any]:
    """One KOL: profile, tier with its scheme, quality score with each part and why,
    influence and relevance (for ``topic``, default their most frequent topic), recent
    posts and the brands they talk about. 404 when the author has no post here."""
    try:
        found = kol_detail(
            store_of(request), principal.workspace, platform, author_id, topic=topic, scheme=scheme
        )
    except QuerySyntaxError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    if found is None:
        raise HTTPException(status_code=404, detail="no such KOL")
    return found


class CampaignExists(CampaignError):
    """A campaign of this name exists already in the workspace."""


def create_campaign(
    store: Store,
    workspace: str,
    name: str,
    since: str,
    until: str,
    *,
    kols: list[tuple[str, str, float | None]],
    hashtags: list[str],
    links: list[str],
    cost: float | None = None,
    brand: str | None = None,
) -> Campaign:
    """Validate and store a campaign (the API and the Campaigns page's form): ``since``
    and ``until`` are dates or ISO datetimes in the workspace's time zone (a date as
    ``until`` means the whole day). Raises :class:`ScopeError` on a bad date,
    :class:`CampaignError` on bad input and :class:`CampaignExists` on a taken name."""
    zone = ZoneInfo(store.workspace_timezone(workspace))
    start, _ = parse_bound(since, zone, is_until=False)
    end, _ = parse_bound(until, zone, is_until=True)
    if start is None or end is None:
        raise CampaignError("campaign.error.need_window")
    campaign = make_campaign(
        workspace, name, start, end, kols=kols, hashtags=hashtags, links=links,
        cost=cost, brand=brand,
    )  # fmt: skip
    if get_campaign(store, workspace, campaign.name) is not None:
        raise CampaignExists("campaign.error.exists", name=campaign.name)
    save_campaign(store, campaign)
    return campaign


class KolIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    platform: str = Field(min_length=1, max_length=40)
    author_id: str = Field(min_length=1, max_length=200)
    cost: float | None = Field(default=None, ge=0)


class CampaignIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    name: str = Field(min_length=1, max_length=120)
    since: str = Field(min_length=1, max_length=40, description="2026-01-10 or ISO datetime")
    until: str = Field(
        min_length=1, max_length=40, description="exclusive; a date means the whole day"
    )
    kols: list[KolIn] = Field(default_factory=list, max_length=500)
    hashtags: list[str] = Field(default_factory=list, max_length=100)
    links: list[str] = Field(default_factory=list, max_length=100)
    cost: float | None = Field(default=None, ge=0)
    brand: str | None = Field(default=None, max_length=200)


@router.get("/campaigns")
def get_campaigns(request: Request, principal: ApiPrincipal) -> dict[str, Any]:
    """The workspace's campaigns: KOLs, hashtags, links, window and costs."""
    return {
        "campaigns": [c.to_dict() for c in list_campaigns(store_of(request), principal.workspace)]
    }


@router.post("/campaigns", status_code=201)
def post_campaign(
    request: Request,
    body: CampaignIn,
    principal: Annotated[Principal, Depends(require("topics"))],
) -> dict[str, Any]:
    """Create a campaign (analyst or admin). 400 on bad input (an empty window, a
    negative cost, nothing to track), 409 when the name exists."""
    try:
        campaign = create_campaign(
            store_of(request),
            principal.workspace,
            body.name,
            body.since,
            body.until,
            kols=[(k.platform.lower(), k.author_id, k.cost) for k in body.kols],
            hashtags=body.hashtags,
            links=body.links,
            cost=body.cost,
            brand=body.brand,
        )
    except CampaignError as exc:
        status = 409 if isinstance(exc, CampaignExists) else 400
        raise HTTPException(status_code=status, detail=exc.message(lang_of(request))) from exc
    except ScopeError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    return campaign.to_dict()


Name = Annotated[str, Query(min_length=1, max_length=200)]
CanEdit = Annotated[Principal, Depends(require("topics"))]


def _delete(request: Request, principal: Principal, name: str) -> dict[str, Any]:
    if not delete_campaign(store_of(request), principal.workspace, name):
        raise HTTPException(status_code=404, detail="no such campaign")
    return {"deleted": name}


def _report(request: Request, principal: Principal, name: str) -> dict[str, Any]:
    store = store_of(request)
    campaign = get_campaign(store, principal.workspace, name)
    if campaign is None:
        raise HTTPException(status_code=404, detail="no such campaign")
    return report(store, campaign).to_dict()


@router.delete("/campaigns")
def remove_campaign_by_query(request: Request, name: Name, principal: CanEdit) -> dict[str, Any]:
    """Delete the campaign ``name`` (as ``DELETE /campaigns/{name}``; for names a path
    segment cannot carry, such as ".."). 404 when there is none of this name."""
    return _delete(request, principal, name)


@router.get("/campaigns/report")
def get_campaign_report_by_query(
    request: Request, principal: ApiPrincipal, name: Name
) -> dict[str, Any]:
    """The report of the campaign ``name`` (as ``GET /campaigns/{name}/report``; for
    names a path segment cannot carry, such as "..")."""
    return _report(request, principal, name)


# The suffix route first; {name:path} lets a name contain "/" (sent as %2F).
@router.get("/campaigns/{name:path}/report")
def get_campaign_report(request: Request, principal: ApiPrincipal, name: str) -> dict[str, Any]:
    """The campaign report: posts, reach, interactions, ER, quality ER, comment
    sentiment and aspects, share-of-voice lift, cost per (quality) engagement, vanity
    share; every number with its formula, or null with the reason. Percent-encode the
    name (``/`` as ``%2F``)."""
    return _report(request, principal, name)


@router.delete("/campaigns/{name:path}")
def remove_campaign(request: Request, name: str, principal: CanEdit) -> dict[str, Any]:
    """Delete a campaign (analyst or admin); its posts stay. 404 when there is none of
    this name in the workspace. Percent-encode the name (``/`` as ``%2F``)."""
    return _delete(request, principal, name)


__all__ = ["CampaignExists", "create_campaign", "kol_detail", "router"]
