"""Mentions: search (the query language plus filters, newest first, keyset pages) and
one mention with its thread and corrections."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi import Query as Q
from fastapi.responses import JSONResponse

from tinhieu.query import QuerySyntaxError
from tinhieu.web.auth import LANG_COOKIE, ApiPrincipal, lang_of, store_of
from tinhieu.web.mention_search import (
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    PAGE_SIZE,
    SearchError,
    api_item,
    get_mention,
    jsonable,
    mention_corrections,
    parse_filters,
    search,
    thread,
)

router = APIRouter(tags=["mentions"])


def api_lang(request: Request) -> str:
    """The language of messages: the page session's (its language cookie) when there
    is one, else English when the client asks for it (``Accept-Language: en…``),
    else Vietnamese."""
    if request.cookies.get(LANG_COOKIE):
        return lang_of(request)
    accept = request.headers.get("accept-language", "").strip().lower()
    return "en" if accept.startswith("en") else "vi"


def syntax_error(exc: QuerySyntaxError, lang: str) -> JSONResponse:
    """400 naming the position of a query syntax error (0-based, in characters)."""
    return JSONResponse(
        {
            "error": {
                "status": 400,
                "field": "q",
                "message": exc.message(lang),
                "position": exc.position,
                "expected": exc.expected_in(lang),
                "caret": exc.caret(),
            }
        },
        status_code=400,
    )


def search_error(exc: SearchError, lang: str) -> JSONResponse:
    status = 404 if exc.key == "web.mentions.unknown_topic" else 400
    return JSONResponse(
        {"error": {"status": status, "field": exc.field, "message": exc.message(lang)}},
        status_code=status,
    )


_Text = Annotated[str | None, Q(max_length=200)]


@router.get("/mentions", response_model=None)
def list_mentions(
    request: Request,
    principal: ApiPrincipal,
    q: Annotated[
        str,
        Q(
            max_length=MAX_QUERY_CHARS,
            description="A query in the query language (docs/query-language.md)",
        ),
    ] = "",
    topic: Annotated[str | None, Q(max_length=200, description="A topic name")] = None,
    platform: Annotated[str | None, Q(max_length=40, description="facebook, tiktok, …")] = None,
    kind: Annotated[str | None, Q(max_length=40, description="post, comment, reply, …")] = None,
    sentiment: Annotated[
        str | None, Q(max_length=40, description="positive, neutral, negative or unanalysed")
    ] = None,
    aspect: Annotated[
        str | None,
        Q(max_length=60, description="An aspect, optionally with a polarity: price:negative"),
    ] = None,
    spam: Annotated[
        str | None,
        Q(
            max_length=40,
            description="none, a spam kind (ad, giveaway, seeding, junk, fake_review, "
            "brand_only) or flagged (any kind)",
        ),
    ] = None,
    toxicity: Annotated[
        str | None, Q(max_length=40, description="CLEAN, OFFENSIVE or HATE")
    ] = None,
    tier: Annotated[
        str | None, Q(max_length=40, description="Author tier: nano, micro, macro, mega or unknown")
    ] = None,
    since: Annotated[
        str | None, Q(max_length=10, description="First local day, YYYY-MM-DD (inclusive)")
    ] = None,
    until: Annotated[
        str | None, Q(max_length=10, description="Last local day, YYYY-MM-DD (inclusive)")
    ] = None,
    moderation: Annotated[
        Literal["hidden", "all"] | None,
        Q(
            description="Unset: leave out the mentions a moderator hid; hidden: only those; "
            "all: both"
        ),
    ] = None,
    cursor: Annotated[
        str | None, Q(max_length=8000, description="next_cursor of the previous page")
    ] = None,
    limit: Annotated[int, Q(ge=1, le=MAX_PAGE_SIZE)] = PAGE_SIZE,
) -> Any:
    """The workspace's mentions that match, newest first (then by platform and source
    id). Pages are keyset pages: pass ``next_cursor`` back as ``cursor`` with the same
    filters. The first page also gives ``count``, counted up to 10,000
    (``count_capped`` is true when there are more). A query syntax error answers 400
    with its ``position``."""
    store = store_of(request)
    lang = api_lang(request)
    raw = {
        "q": q, "topic": topic, "platform": platform, "kind": kind, "sentiment": sentiment,
        "aspect": aspect, "spam": spam, "toxicity": toxicity, "tier": tier, "since": since,
        "until": until, "moderation": moderation,
    }  # fmt: skip
    try:
        filters = parse_filters(raw, {t.name for t in store.get_topics(principal.workspace)})
        page = search(store, principal.workspace, filters, cursor=cursor, limit=limit)
    except QuerySyntaxError as exc:
        return syntax_error(exc, lang)
    except SearchError as exc:
        return search_error(exc, lang)
    return {
        "items": [api_item(row, page.query) for row in page.items],
        "next_cursor": page.next_cursor,
        "count": page.count,
        "count_capped": page.count_capped,
        "query": page.query.explain() if page.query is not None else None,
        "limit": limit,
    }


@router.get("/mentions/{platform}/{source_id:path}", response_model=None)
def get_one(request: Request, principal: ApiPrincipal, platform: str, source_id: str) -> Any:
    """Every stored field of one mention, its thread (the parent chain up to the post,
    then the post's comments and replies in tree order, at most 200) and the analysts'
    corrections of it."""
    store = store_of(request)
    row = get_mention(store, principal.workspace, platform, source_id)
    if row is None:
        raise HTTPException(status_code=404, detail=f"no mention {platform}/{source_id}")
    conversation = thread(store, principal.workspace, row)
    return {
        "mention": api_item(row, None),
        "thread": conversation.to_dict(),
        "corrections": jsonable(
            mention_corrections(store, principal.workspace, platform, source_id)
        ),
    }
