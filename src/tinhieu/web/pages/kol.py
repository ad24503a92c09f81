"""KOL discovery (``/kols``, with ``/kols.csv`` and ``/kols.xlsx``), the KOL detail page
(``/authors/{platform}/{author_id}``) and the Campaigns page (``/campaigns``,
``/campaigns/{name}``, with the form that creates a campaign and the button that deletes
one). Data from :mod:`tinhieu.web.api.kol` and :mod:`tinhieu.web.kol_data`.

Campaign names are free text and may contain "/" (the CLI always allowed it). The server
decodes ``%2F`` before routing, so the campaign routes take the name with a ``path``
converter; the suffix route (``…/delete``) is declared first and its greedy match takes
the name up to the last ``/delete``. Every link to a campaign is built by
:func:`campaign_url` (the whole name percent-encoded as one segment); a name that is only
dots (``.``/``..``, which clients drop as path segments) is addressed by the query
parameter ``name`` instead."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from tinhieu.accounts import Principal
from tinhieu.i18n import t
from tinhieu.kol.campaigns import (
    CampaignError,
    delete_campaign,
    get_campaign,
    list_campaigns,
    parse_kol,
    report,
)
from tinhieu.kol.find import EXPORT_MEDIA_TYPES, Ranked, export_bytes
from tinhieu.metrics.scope import ScopeError
from tinhieu.metrics.tiers import scheme as get_scheme
from tinhieu.query import QuerySyntaxError
from tinhieu.web.api.kol import CampaignExists, create_campaign, kol_detail
from tinhieu.web.api.query import syntax_problem
from tinhieu.web.auth import PagePrincipal, check_form_csrf, lang_of, require_page, store_of
from tinhieu.web.kol_data import ranked_kols
from tinhieu.web.messages_admin import MESSAGES as _ADMIN  # noqa: F401 - registers them
from tinhieu.web.messages_kol import MESSAGES as _MESSAGES  # noqa: F401 - registers them
from tinhieu.web.render import render

router = APIRouter(include_in_schema=False)

CanEdit = Annotated[Principal, Depends(require_page("topics"))]
Scheme = Annotated[str, Query(pattern="^(default|industry)$")]
Text = Annotated[str, Query(max_length=400)]
KOLS_LIMIT = 50


# --- KOL discovery ---------------------------------------------------------------------
@dataclass(slots=True)
class Search:
    """The /kols form as submitted: ``q`` (a query) wins over ``topic`` (a saved one)."""

    topic: str = ""
    q: str = ""
    tier: str = ""
    platform: str = ""
    min_quality: str = ""
    scheme: str = "default"
    error: str | None = None
    syntax: dict[str, Any] | None = None
    quality: float | None = field(default=None)

    @property
    def subject(self) -> str:
        return self.q.strip() or self.topic.strip()

    def params(self) -> dict[str, str]:
        """The non-empty parameters, for the export links."""
        keys = ("topic", "q", "tier", "platform", "min_quality", "scheme")
        return {k: getattr(self, k) for k in keys if getattr(self, k)}


def _search(request: Request, principal: Principal, search: Search) -> list[Ranked] | None:
    """The ranked KOLs of ``search`` (cached), or None with ``search.error`` set."""
    if not search.subject:
        return None
    lang = lang_of(request)
    names = get_scheme(search.scheme).names
    if search.tier and search.tier not in names:
        search.error = t(
            "web.kols.bad_tier", lang, tier=search.tier, scheme=search.scheme,
            names=", ".join(names),
        )  # fmt: skip
        return None
    if search.min_quality.strip():
        try:
            search.quality = float(search.min_quality.strip().replace(",", "."))
        except ValueError:
            search.quality = None
        if search.quality is None or not (0 <= search.quality <= 100):
            search.error = t("web.kols.bad_quality", lang)
            return None
    try:
        return ranked_kols(
            store_of(request),
            principal.workspace,
            search.subject,
            tier=search.tier or None,
            platform=search.platform or None,
            min_quality=search.quality,
            scheme=search.scheme,
            limit=KOLS_LIMIT,
        )
    except QuerySyntaxError as exc:
        problem = syntax_problem(exc, lang).model_dump()
        search.syntax = problem
        search.error = t("web.kols.syntax", lang, message=problem["message"])
        return None


def search_params(
    topic: Text = "",
    q: Text = "",
    tier: Annotated[str, Query(max_length=20)] = "",
    platform: Annotated[str, Query(max_length=40)] = "",
    min_quality: Annotated[str, Query(max_length=20)] = "",
    scheme: Scheme = "default",
) -> Search:
    """The /kols form's fields (the page and its downloads take the same ones)."""
    return Search(topic, q, tier, platform, min_quality, scheme)


SearchParams = Annotated[Search, Depends(search_params)]


@router.get("/kols")
def kols_page(request: Request, principal: PagePrincipal, search: SearchParams) -> Response:
    store = store_of(request)
    scheme = search.scheme
    ranked = _search(request, principal, search)
    platforms = [
        str(r[0])
        for r in store.fetch_all(
            "SELECT DISTINCT platform FROM mentions WHERE workspace = ? AND author_id IS NOT "
            "NULL ORDER BY 1",
            [principal.workspace],
        )
    ]
    query = urlencode(search.params())
    return render(
        request,
        "kols.html",
        principal,
        status_code=400 if search.error else 200,
        search=search,
        ranked=ranked,
        topics=[tp.name for tp in store.get_topics(principal.workspace)],
        platforms=platforms,
        tiers=get_scheme(scheme).names,
        schemes=("default", "industry"),
        csv_url=f"/kols.csv?{query}",
        xlsx_url=f"/kols.xlsx?{query}",
        detail_query=urlencode({"topic": search.subject, "scheme": scheme}),
    )


def _export(request: Request, principal: Principal, search: Search, fmt: str) -> Response:
    ranked = _search(request, principal, search)
    if ranked is None:
        raise HTTPException(status_code=400, detail=search.error or "pick a topic or type a query")
    return Response(
        export_bytes(ranked, fmt),
        media_type=EXPORT_MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="kols.{fmt}"'},
    )


@router.get("/kols.csv")
def kols_csv(request: Request, principal: PagePrincipal, search: SearchParams) -> Response:
    """The /kols list as CSV (formula-like cells made inert)."""
    return _export(request, principal, search, "csv")


@router.get("/kols.xlsx")
def kols_xlsx(request: Request, principal: PagePrincipal, search: SearchParams) -> Response:
    """The /kols list as XLSX."""
    return _export(request, principal, search, "xlsx")


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


# --- campaigns ---------------------------------------------------------------------------
CAMPAIGN_FIELDS = ("name", "since", "until", "kols", "hashtags", "links", "cost", "brand")
_COST = re.compile(r"^[-+]?[0-9][0-9_.,]*$")


Name = Annotated[str, Query(min_length=1, max_length=200)]


def campaign_url(name: str, action: str = "") -> str:
    """The URL of campaign ``name``'s report (``action`` "delete": its delete action)
    that routes back to exactly this name, whatever characters it has."""
    quoted = quote(name, safe="")
    if name.strip("."):
        return f"/campaigns/{quoted}/{action}" if action else f"/campaigns/{quoted}"
    return f"/campaigns/{action}?name={quoted}" if action else f"/campaigns?name={quoted}"


class FormError(CampaignError):
    """A problem with the form's input (a key of :mod:`tinhieu.web.messages_kol`)."""


def _form_text(form: FormData, key: str, limit: int = 20_000) -> str:
    value = form.get(key)
    return value[:limit] if isinstance(value, str) else ""


def _cost(text: str) -> float | None:
    """A cost as typed ("5000000", "5_000_000", "1.5"), None when empty."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text.replace("_", "").replace(",", ""))
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value < 0:
        raise FormError("web.campaigns.bad_cost", value=text)
    return value


def _kol_lines(text: str) -> list[tuple[str, str, float | None]]:
    """``platform:author_id [cost]`` per line → (platform, author_id, cost)."""
    out: list[tuple[str, str, float | None]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        member, cost = line, None
        parts = line.rsplit(None, 1)
        if len(parts) == 2 and _COST.match(parts[1]):
            member, cost = parts[0], _cost(parts[1])
        try:
            platform, author = parse_kol(member)
        except CampaignError as exc:
            raise FormError("web.campaigns.bad_kol", line=line) from exc
        out.append((platform, author, cost))
    return out


def _campaigns(
    request: Request,
    principal: Principal,
    *,
    report_data: dict[str, Any] | None = None,
    values: dict[str, str] | None = None,
    error: str | None = None,
    deleted: str | None = None,
    status_code: int = 200,
) -> Response:
    store = store_of(request)
    return render(
        request,
        "campaigns.html",
        principal,
        status_code=status_code,
        campaigns=list_campaigns(store, principal.workspace),
        report=report_data,
        can_edit=principal.can("topics"),
        form=values or {},
        form_error=error,
        deleted=deleted,
        campaign_url=campaign_url,
        brands=[tp.name for tp in store.get_topics(principal.workspace) if tp.group == "brand"],
    )


@router.get("/campaigns")
def campaigns_page(
    request: Request,
    principal: PagePrincipal,
    deleted: Annotated[str | None, Query(max_length=200)] = None,
    name: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """The campaigns; with ``name``, that campaign's report (as ``/campaigns/{name}``)."""
    if name is not None:
        return _report_page(request, principal, name)
    names = {c.name for c in list_campaigns(store_of(request), principal.workspace)}
    return _campaigns(
        request, principal, deleted=deleted if deleted and deleted not in names else None
    )


@router.post("/campaigns")
async def campaign_create(request: Request, principal: CanEdit) -> Response:
    """The Campaigns page's form: create a campaign, then show its report."""
    await check_form_csrf(request, principal)
    form = await request.form()
    values = {k: _form_text(form, k) for k in CAMPAIGN_FIELDS}
    lang = lang_of(request)
    try:
        if not values["since"].strip() or not values["until"].strip():
            raise FormError("web.campaigns.need_dates")
        campaign = create_campaign(
            store_of(request),
            principal.workspace,
            values["name"],
            values["since"].strip(),
            values["until"].strip(),
            kols=_kol_lines(values["kols"]),
            hashtags=[h for h in re.split(r"[\s,]+", values["hashtags"]) if h],
            links=[x.strip() for x in values["links"].splitlines() if x.strip()],
            cost=_cost(values["cost"]),
            brand=values["brand"].strip() or None,
        )
    except CampaignExists:
        error = t("web.campaigns.exists", lang, name=values["name"].strip())
        return _campaigns(request, principal, values=values, error=error, status_code=409)
    except (CampaignError, ScopeError) as exc:
        if isinstance(exc, FormError):
            message = exc.message(lang)
        elif isinstance(exc, CampaignError) and exc.key == "campaign.error.empty_window":
            message = t("web.campaigns.bad_window", lang)
        elif isinstance(exc, CampaignError):
            message = t("web.campaigns.invalid", lang, error=exc.message(lang))
        else:  # the date parser's one-line message
            message = t("web.campaigns.invalid", lang, error=str(exc))
        return _campaigns(request, principal, values=values, error=message, status_code=400)
    return RedirectResponse(campaign_url(campaign.name), status_code=303)


async def _delete(request: Request, principal: Principal, name: str) -> Response:
    await check_form_csrf(request, principal)
    if not delete_campaign(store_of(request), principal.workspace, name):
        raise HTTPException(status_code=404, detail="no such campaign")
    return RedirectResponse("/campaigns?deleted=" + quote(name, safe=""), status_code=303)


@router.post("/campaigns/delete")
async def campaign_delete_by_query(request: Request, principal: CanEdit, name: Name) -> Response:
    """The delete button of a campaign whose name cannot be a path segment (dots)."""
    return await _delete(request, principal, name)


# Declared before any other /campaigns/{name:path} route: the name may contain "/".
@router.post("/campaigns/{name:path}/delete")
async def campaign_delete(request: Request, principal: CanEdit, name: str) -> Response:
    """The report's delete button."""
    return await _delete(request, principal, name)


def _report_page(request: Request, principal: Principal, name: str) -> Response:
    store = store_of(request)
    campaign = get_campaign(store, principal.workspace, name)
    if campaign is None:
        raise HTTPException(status_code=404, detail="no such campaign")
    return _campaigns(request, principal, report_data=report(store, campaign).to_dict())


@router.get("/campaigns/{name:path}")
def campaign_page(request: Request, principal: PagePrincipal, name: str) -> Response:
    if not name:  # "/campaigns/"
        return RedirectResponse("/campaigns", status_code=307)
    return _report_page(request, principal, name)
