"""The Mentions explorer (search with the query language and filters, keyset pages),
one mention with its thread, and the no-JS form that corrects a label."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from tinhieu.accounts import Principal
from tinhieu.i18n import has, t
from tinhieu.metrics.tiers import TIER_NAMES
from tinhieu.nlp.pipeline import SPAM_KINDS
from tinhieu.query import Query, QuerySyntaxError
from tinhieu.schema import KINDS, PLATFORMS
from tinhieu.web.api.corrections import CorrectionIn, apply_correction
from tinhieu.web.auth import PagePrincipal, check_form_csrf, lang_of, store_of
from tinhieu.web.mention_search import (
    FILTER_NAMES,
    KNOWN_ASPECTS,
    LIST_TEXT_CHARS,
    MAX_PAGE_SIZE,
    MODERATION_FILTERS,
    PAGE_SIZE,
    POLARITIES,
    SENTIMENT_FILTERS,
    SENTIMENTS,
    SPAM_FILTERS,
    THREAD_CAP,
    TOXICITIES,
    Filters,
    SearchError,
    SearchPage,
    get_mention,
    highlight,
    mention_corrections,
    mention_path,
    parse_filters,
    safe_url,
    search,
    thread,
)
from tinhieu.web.pages.session import safe_next
from tinhieu.web.render import render

router = APIRouter(include_in_schema=False)

PAGE_SIZES = (25, 50, 100, 200)


def anchor(platform: str, source_id: str) -> str:
    """A stable HTML id for a mention (its key may hold any character)."""
    return "m-" + hashlib.sha256(f"{platform}\x00{source_id}".encode()).hexdigest()[:16]


def _label(lang: str, group: str, value: str | None) -> str:
    key = f"web.mentions.{group}.{value}"
    return t(key, lang) if value is not None and has(key) else (value or "")


def _helpers(request: Request, principal: Principal, query: Query | None) -> dict[str, Any]:
    """What the mention templates need besides the shared context."""
    lang = lang_of(request)
    back = request.url.path + ("?" + request.url.query if request.url.query else "")
    labels = {
        "sentiment": {s: _label(lang, "sentiment", s) for s in SENTIMENT_FILTERS},
        "polarity": {p: _label(lang, "polarity", p) for p in POLARITIES},
        "spam": {s: _label(lang, "spam", s) for s in SPAM_FILTERS},
        "aspect": {a: _label(lang, "aspect", a) for a in KNOWN_ASPECTS},
        "saved": t("web.mentions.saved", lang),
        "failed": t("web.mentions.save_failed", lang, error="{error}"),
        "spam_badge": t("web.mentions.spam_badge", lang, label="{label}"),
    }
    return {
        "hl": lambda text, limit=None: highlight(query, text, limit),
        "label": lambda group, value: _label(lang, group, value),
        "safe_url": safe_url,
        "mention_path": mention_path,
        "anchor": anchor,
        "can_correct": principal.can("correct"),
        "back": back,
        "labels": labels,
        "known_aspects": KNOWN_ASPECTS,
        "sentiments": SENTIMENTS,
        "spam_kinds": SPAM_KINDS,
        "polarities": POLARITIES,
        "text_chars": LIST_TEXT_CHARS,
    }


@router.get("/mentions")
def mentions_page(request: Request, principal: PagePrincipal) -> Response:
    store = store_of(request)
    lang = lang_of(request)
    topics = store.get_topics(principal.workspace)
    raw = {name: request.query_params.get(name) for name in FILTER_NAMES}
    cursor = request.query_params.get("cursor") or None
    errors: dict[str, str] = {}
    query_error: dict[str, Any] | None = None
    filters = Filters(q=(raw.get("q") or "").strip())
    page: SearchPage | None = None
    limit = PAGE_SIZE
    try:
        limit = int(request.query_params.get("limit") or PAGE_SIZE)
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise ValueError(limit)
    except ValueError:
        errors["limit"] = SearchError("limit", "web.mentions.bad_filter").message(lang)
        limit = PAGE_SIZE
    try:
        filters = parse_filters(raw, {tp.name for tp in topics})
        if not errors:
            page = search(store, principal.workspace, filters, cursor=cursor, limit=limit)
    except QuerySyntaxError as exc:
        query_error = {
            "message": exc.message(lang),
            "position": exc.position,
            "before": exc.query[: exc.position],
            "at": exc.query[exc.position : exc.position + 1],
            "after": exc.query[exc.position + 1 :],
        }
    except SearchError as exc:
        errors[exc.field] = exc.message(lang)
    params = filters.as_params() if not errors else {k: v for k, v in raw.items() if v}
    if limit != PAGE_SIZE:
        params["limit"] = str(limit)
    next_url = None
    if page is not None and page.next_cursor:
        next_url = "/mentions?" + urlencode({**params, "cursor": page.next_cursor})
    status = 400 if errors or query_error else 200
    return render(
        request,
        "mentions.html",
        principal,
        status_code=status,
        filters=filters,
        raw=raw,
        page=page,
        errors=errors,
        query_error=query_error,
        topics=topics,
        platforms=PLATFORMS,
        kinds=KINDS,
        sentiment_filters=SENTIMENT_FILTERS,
        spam_filters=SPAM_FILTERS,
        toxicities=TOXICITIES,
        tiers=TIER_NAMES,
        moderation_filters=MODERATION_FILTERS,
        page_sizes=PAGE_SIZES,
        limit=limit,
        default_limit=PAGE_SIZE,
        paged=bool(cursor),
        first_url="/mentions?" + urlencode(params) if params else "/mentions",
        next_url=next_url,
        **_helpers(request, principal, page.query if page else None),
    )


@router.post("/mentions/correct")
async def correct_form(request: Request, principal: PagePrincipal) -> Response:
    """The no-JS correction: a form post with the session's CSRF token, then back."""
    await check_form_csrf(request, principal)
    if not principal.can("correct"):
        raise HTTPException(status_code=403, detail=f"role {principal.role} cannot correct")
    form = await request.form()

    def text(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    field = text("field")
    value: Any = text("value")
    if field == "aspects":
        value = [
            {"aspect": str(k)[len("aspect.") :], "polarity": v}
            for k, v in form.multi_items()
            if str(k).startswith("aspect.") and isinstance(v, str) and v
        ]
    try:
        body = CorrectionIn.model_validate(
            {
                "platform": text("platform"),
                "source_id": text("source_id"),
                "field": field,
                "value": value,
            }
        )
    except ValidationError as exc:
        raise HTTPException(status_code=422, detail="invalid correction") from exc
    apply_correction(store_of(request), principal, body)
    target = safe_next(text("next") or mention_path(body.platform, body.source_id))
    target = target.split("#", 1)[0] + "#" + anchor(body.platform, body.source_id)
    return RedirectResponse(target, status_code=303)


@router.get("/mentions/{platform}/{source_id:path}")
def mention_page(
    request: Request, principal: PagePrincipal, platform: str, source_id: str
) -> Response:
    store = store_of(request)
    row = get_mention(store, principal.workspace, platform, source_id)
    if row is None:
        raise HTTPException(status_code=404, detail="no such mention in this workspace")
    return render(
        request,
        "mention.html",
        principal,
        m=row,
        conversation=thread(store, principal.workspace, row),
        corrections=mention_corrections(store, principal.workspace, platform, source_id),
        thread_cap=THREAD_CAP,
        **_helpers(request, principal, None),
    )
