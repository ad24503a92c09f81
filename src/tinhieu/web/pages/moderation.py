"""The Moderation queue (``/moderation``): flagged mentions with why they were flagged,
counts per reason, filters, and approve / hide / escalate forms; a "decided" tab lists
past decisions, which can be changed or undone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup, escape

from tinhieu import moderation as mod
from tinhieu.accounts import Principal
from tinhieu.i18n import has, t
from tinhieu.signals.alerts.render import _safe_url
from tinhieu.web import messages_signals as _messages  # noqa: F401 - registers messages
from tinhieu.web.auth import PagePrincipal, check_form_csrf, lang_of, require_page, store_of
from tinhieu.web.pages.session import safe_next
from tinhieu.web.pages.signals import mention_path
from tinhieu.web.render import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE: Final[int] = 30


def highlight(text: str, spans: Sequence[tuple[int, int]]) -> Markup:
    """``text`` escaped, with the offending spans wrapped in ``<mark>``."""
    out = Markup("")
    pos = 0
    for start, end in sorted(spans):
        if start < pos or end <= start or end > len(text):
            continue
        out += escape(text[pos:start]) + Markup("<mark>") + escape(text[start:end])
        out += Markup("</mark>")
        pos = end
    return out + escape(text[pos:])


def _pick(value: str | None, allowed: Sequence[str], what: str) -> str | None:
    if value in (None, ""):
        return None
    if value not in allowed:
        raise HTTPException(status_code=400, detail=f"unknown {what}")
    return value


@router.get("/moderation")
def moderation_page(
    request: Request,
    principal: PagePrincipal,
    view: str = "queue",
    reason: str | None = None,
    platform: str | None = None,
    topic: str | None = None,
    decision: str | None = None,
    cursor: str | None = None,
) -> Response:
    store = store_of(request)
    ws = principal.workspace
    if view not in ("queue", "decided"):
        raise HTTPException(status_code=400, detail="unknown view")
    platforms = mod.platforms(store, ws)
    topics = [tp.name for tp in store.get_topics(ws)]
    f = mod.QueueFilter(
        reason=_pick(reason, mod.REASONS, "reason"),
        platform=_pick(platform, platforms, "platform"),
        topic=_pick(topic, topics, "topic"),
        decision=_pick(decision, mod.DECISIONS, "decision") if view == "decided" else None,
    )
    lister = mod.queue if view == "queue" else mod.decided
    try:
        page = lister(store, ws, f, limit=PAGE_SIZE, cursor=cursor or None)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    items: list[dict[str, Any]] = []
    # the decided view shows each mention's earlier decisions and undos (one query)
    past = (
        mod.histories(store, ws, [(it.platform, it.source_id) for it in page.items])
        if view == "decided"
        else {}
    )
    for it in page.items:
        ev = mod.evidence(it)
        items.append(
            {
                "it": it,
                "html": highlight(it.text, ev.spans),
                "spans": len(ev.spans),
                "spam_reason": ev.spam_reason,
                "path": mention_path(it.platform, it.source_id),
                "url": _safe_url(it.url),
                "history": past.get((it.platform, it.source_id), [])[1:],
            }
        )
    query = {
        k: v
        for k, v in (
            ("view", view),
            ("reason", f.reason),
            ("platform", f.platform),
            ("topic", f.topic),
            ("decision", f.decision),
        )
        if v
    }
    here = "/moderation?" + urlencode(query)
    if cursor:
        here += "&" + urlencode({"cursor": cursor})

    def link(**changes: str | None) -> str:
        q = {**query, **changes}
        return "/moderation?" + urlencode({k: v for k, v in q.items() if v})

    counts = mod.counts(store, ws, f)
    lang = lang_of(request)

    def reason_label(r: str) -> str:
        key = f"web.moderation.reason.{r}"
        return t(key, lang) if has(key) else r

    return render(
        request,
        "moderation.html",
        principal,
        view=view,
        items=items,
        counts=counts,
        reasons=mod.REASONS,
        count_reasons=[r for r in (*mod.TOXIC_REASONS, *mod.SPAM_REASONS) if counts.get(r)],
        decisions=mod.DECISIONS,
        platforms=platforms,
        topics=topics,
        f=f,
        here=here,
        link=link,
        reason_label=reason_label,
        next_url=link(cursor=page.next_cursor) if page.next_cursor else None,
        first_url=link() if cursor else None,
    )


ModeratorPrincipal = Annotated[Principal, Depends(require_page("moderate"))]


async def _form(request: Request, principal: Principal) -> dict[str, str]:
    await check_form_csrf(request, principal)
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.post("/moderation/decide")
async def decide_form(request: Request, principal: ModeratorPrincipal) -> Response:
    form = await _form(request, principal)
    try:
        mod.decide(
            store_of(request),
            principal.workspace,
            form.get("platform", ""),
            form.get("source_id", ""),
            form.get("decision", ""),
            principal.user,
            form.get("note"),
        )
    except mod.MentionNotFound as exc:
        raise HTTPException(status_code=404, detail="no such mention") from exc
    except mod.ModerationError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    return RedirectResponse(safe_next(form.get("next", "/moderation")), status_code=303)


@router.post("/moderation/undo")
async def undo_form(request: Request, principal: ModeratorPrincipal) -> Response:
    form = await _form(request, principal)
    if not mod.undo(
        store_of(request),
        principal.workspace,
        form.get("platform", ""),
        form.get("source_id", ""),
        principal.user,
    ):
        raise HTTPException(status_code=404, detail="no decision on that mention")
    return RedirectResponse(safe_next(form.get("next", "/moderation")), status_code=303)
