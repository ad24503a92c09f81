"""The Signals inbox (``/signals``) and one signal's page (``/signals/{id}``): why it
fired, its evidence, its case timeline and the case actions (forms that work without
JavaScript; each posts with the session's CSRF token and redirects back)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Final
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from tinhieu import cases
from tinhieu.accounts import Principal, members
from tinhieu.i18n import t
from tinhieu.signals.alerts.render import _decimal, _safe_url, _value, _when
from tinhieu.signals.model import SIGNAL_KINDS, Signal
from tinhieu.signals.render_brief import _Clock, _Writer, signal_sentence, signal_title
from tinhieu.web import messages_signals as _messages  # noqa: F401 - registers messages
from tinhieu.web.auth import PagePrincipal, check_form_csrf, lang_of, require_page, store_of
from tinhieu.web.render import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE: Final[int] = 50
RT_PERIODS: Final[tuple[int, ...]] = (7, 30, 90)


# --- words for a signal ------------------------------------------------------------------
def _t(key: str, lang: str, fallback: str, **values: object) -> str:
    try:
        return t(key, lang, **values)
    except KeyError:
        return fallback


def duration(seconds: float | None, lang: str) -> str:
    """A duration as people say it: 12 min, 5 h, 3 d (— when unknown)."""
    if seconds is None:
        return "—"
    s = max(0.0, float(seconds))
    if s < 60:
        return t("web.dur.now", lang)
    if s < 3600:
        return t("web.dur.min", lang, n=int(s // 60))
    if s < 48 * 3600:
        hours = s / 3600
        n = _decimal(hours, lang, digits=1) if hours < 10 else str(round(hours))
        return t("web.dur.hour", lang, n=n)
    days = s / 86400
    return t("web.dur.day", lang, n=_decimal(days, lang, digits=1) if days < 10 else round(days))


def share(value: float | None, lang: str) -> str:
    return "—" if value is None else _decimal(100 * value, lang, digits=0) + " %"


def words(signal: Signal, lang: str, tz: str) -> dict[str, Any]:
    """The signal in words, as the morning brief and the alerts say it: a title (kind
    and what it is about), the sentence (observed against expected, over which hours),
    and the facts behind it."""
    w = _Writer(lang)
    clock = _Clock(ZoneInfo(tz), lang)
    measure = _t(f"alert.measure.{signal.measure}", lang, signal.measure)
    facts: list[tuple[str, str]] = [
        (t("alert.field.when", lang), _when(signal, tz, lang)),
        (t("alert.field.measure", lang), measure),
        (t("alert.field.observed", lang), _value(signal.observed, signal.measure, lang)),
        (t("alert.field.baseline", lang), _value(signal.baseline, signal.measure, lang)),
        (t("alert.field.deviation", lang), _decimal(signal.deviation, lang, signed=True)),
        (t("web.signal.window", lang), t("web.signal.window_hours", lang, n=signal.window)),
        (t("alert.field.persistence", lang), t("alert.persistence", lang, n=signal.persistence)),
    ]
    if signal.stage:
        facts.append(
            (t("alert.field.stage", lang), _t(f"alert.stage.{signal.stage}", lang, signal.stage))
        )
    if signal.dimension_value:
        scope = (
            f"{signal.dimension}: {signal.dimension_value}"
            if signal.dimension
            else signal.dimension_value
        )
        facts.append((t("alert.field.scope", lang), scope))
    sentence = str(signal_sentence(w, signal, clock))
    return {
        "title": str(signal_title(w, signal)),
        "kind": _t(f"alert.kind.{signal.kind}", lang, signal.kind),
        "sentence": sentence,
        "reason": t(
            "web.signals.reason_line",
            lang,
            sentence=sentence,
            z=_decimal(signal.deviation, lang, digits=1),
        ),
        "facts": facts,
    }


def mention_path(platform: str, source_id: str) -> str:
    return f"/mentions/{quote(platform, safe='')}/{quote(source_id, safe='')}"


def _names(principal: Principal, request: Request) -> dict[str, str]:
    return {u.name: u.display_name for u, _ in members(store_of(request), principal.workspace)}


# --- the inbox ---------------------------------------------------------------------------
def _one_of(value: str | None, allowed: tuple[str, ...] | list[str], what: str) -> str | None:
    if value in (None, ""):
        return None
    if value not in allowed:
        raise HTTPException(status_code=400, detail=f"unknown {what}")
    return value


@router.get("/signals")
def inbox(
    request: Request,
    principal: PagePrincipal,
    status: str = "active",
    min_severity: str = "1",
    topic: str | None = None,
    kind: str | None = None,
    assignee: str | None = None,
    mine: str | None = None,
    days: str = "30",
    cursor: str | None = None,
) -> Response:
    store = store_of(request)
    lang = lang_of(request)
    tz = store.workspace_timezone(principal.workspace)
    topics = cases.signal_topics(store, principal.workspace)
    people = cases.assignable(store, principal.workspace)
    if status not in cases.STATUS_FILTERS:
        raise HTTPException(status_code=400, detail="unknown status")
    if not min_severity.isdigit() or not 1 <= int(min_severity) <= 10:
        raise HTTPException(status_code=400, detail="min_severity must be 1..10")
    if not days.isdigit() or int(days) not in RT_PERIODS:
        raise HTTPException(status_code=400, detail=f"days must be one of {RT_PERIODS}")
    topic = _one_of(topic, topics, "topic")
    kind = _one_of(kind, SIGNAL_KINDS, "kind")
    if assignee == "-":
        who: str | None = ""
    else:
        who = _one_of(assignee, [n for n, _ in people], "assignee")
    if mine:
        who = principal.user
    filters = cases.CaseFilter(
        status=status, min_severity=int(min_severity), topic=topic, kind=kind, assignee=who
    )
    try:
        page = cases.list_cases(
            store, principal.workspace, filters, limit=PAGE_SIZE, cursor=cursor or None
        )
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    now = datetime.now(UTC)
    names = _names(principal, request)
    rows = [
        {
            "id": sc.signal.id,
            "signal": sc.signal,
            "case": sc.case,
            "words": words(sc.signal, lang, tz),
            "age": duration((now - sc.detected_at).total_seconds(), lang),
            "detected_at": sc.detected_at,
            "assignee": names.get(sc.case.assignee or "", sc.case.assignee),
        }
        for sc in page.items
    ]
    rt = cases.response_times(store, principal.workspace, days=int(days), now=now)
    query = {
        k: v
        for k, v in (
            ("status", status),
            ("min_severity", min_severity),
            ("topic", topic),
            ("kind", kind),
            ("assignee", assignee if not mine else None),
            ("mine", "1" if mine else None),
            ("days", days),
        )
        if v
    }
    next_url = (
        "/signals?" + urlencode({**query, "cursor": page.next_cursor}) if page.next_cursor else None
    )
    return render(
        request,
        "signals.html",
        principal,
        rows=rows,
        rt=rt,
        rt_rows=[
            {
                **b,
                "ack_median": duration(b["ack_median_s"], lang),
                "ack_p90": duration(b["ack_p90_s"], lang),
                "resolve_median": duration(b["resolve_median_s"], lang),
                "resolve_p90": duration(b["resolve_p90_s"], lang),
                "within_1h": share(b["ack_within_1h"], lang),
                "within_24h": share(b["ack_within_24h"], lang),
                "oldest": duration(b["oldest_open_age_s"], lang) if b["open"] else "—",
            }
            for b in rt["bands"]
        ],
        periods=RT_PERIODS,
        statuses=cases.STATUS_FILTERS,
        kinds=SIGNAL_KINDS,
        topics=topics,
        people=people,
        f={
            "status": status,
            "min_severity": int(min_severity),
            "topic": topic or "",
            "kind": kind or "",
            "assignee": assignee or "",
            "mine": bool(mine),
            "days": int(days),
        },
        next_url=next_url,
        first_url=("/signals?" + urlencode(query)) if cursor else None,
    )


# --- one signal --------------------------------------------------------------------------
def _load(request: Request, principal: Principal, signal_id: str) -> cases.SignalCase:
    try:
        return cases.get_signal_case(store_of(request), principal.workspace, signal_id)
    except cases.CaseNotFound as exc:
        raise HTTPException(status_code=404, detail="no such signal") from exc


@router.get("/signals/{signal_id}")
def signal_page(request: Request, principal: PagePrincipal, signal_id: str) -> Response:
    store = store_of(request)
    lang = lang_of(request)
    tz = store.workspace_timezone(principal.workspace)
    sc = _load(request, principal, signal_id)
    names = _names(principal, request)
    timeline = [{"at": sc.detected_at, "text": t("web.event.detected", lang), "note": None}]
    for e in cases.events(store, principal.workspace, signal_id):
        who = names.get(e.user, e.user)
        if e.action == "assign":
            text = t("web.event.assign", lang, who=who, name=names.get(e.note or "", e.note))
            note = None
        else:
            text = _t(f"web.event.{e.action}", lang, e.action, who=who)
            note = e.note
        timeline.append({"at": e.happened_at, "text": text, "note": note})
    ev = sc.signal.evidence
    mentions = [
        {
            "m": m,
            "path": mention_path(m.platform, m.source_id),
            "url": _safe_url(m.url),
        }
        for m in ev.mentions
    ]
    return render(
        request,
        "signal.html",
        principal,
        sc=sc,
        s=sc.signal,
        case=sc.case,
        words=words(sc.signal, lang, tz),
        mentions=mentions,
        evidence=ev,
        timeline=timeline,
        people=cases.assignable(store, principal.workspace),
        assignee_name=names.get(sc.case.assignee or "", sc.case.assignee),
        action_base=f"/signals/{quote(sc.signal.id, safe='')}",
    )


CasePrincipal = Annotated[Principal, Depends(require_page("case"))]


async def _act(request: Request, principal: Principal, signal_id: str, action: str) -> Response:
    await check_form_csrf(request, principal)
    form = await request.form()

    def field(name: str) -> str | None:
        value = form.get(name)
        return value if isinstance(value, str) else None

    store = store_of(request)
    ws, user = principal.workspace, principal.user
    try:
        if action == "acknowledge":
            cases.acknowledge(store, ws, signal_id, user)
        elif action == "assign":
            cases.assign(store, ws, signal_id, user, field("assignee") or None)
        elif action == "note":
            cases.add_note(store, ws, signal_id, user, field("note") or "")
        elif action == "resolve":
            cases.resolve(store, ws, signal_id, user, field("note"))
        elif action == "reopen":
            cases.reopen(store, ws, signal_id, user, field("note"))
        else:  # pragma: no cover - routes below name the action
            raise HTTPException(status_code=404, detail="no such action")
    except cases.CaseNotFound as exc:
        raise HTTPException(status_code=404, detail="no such signal") from exc
    except cases.CaseError as exc:
        raise HTTPException(status_code=exc.status_code, detail=str(exc)) from exc
    return RedirectResponse(f"/signals/{quote(signal_id, safe='')}#case", status_code=303)


@router.post("/signals/{signal_id}/acknowledge")
async def acknowledge_form(request: Request, principal: CasePrincipal, signal_id: str) -> Response:
    return await _act(request, principal, signal_id, "acknowledge")


@router.post("/signals/{signal_id}/assign")
async def assign_form(request: Request, principal: CasePrincipal, signal_id: str) -> Response:
    return await _act(request, principal, signal_id, "assign")


@router.post("/signals/{signal_id}/notes")
async def note_form(request: Request, principal: CasePrincipal, signal_id: str) -> Response:
    return await _act(request, principal, signal_id, "note")


@router.post("/signals/{signal_id}/resolve")
async def resolve_form(request: Request, principal: CasePrincipal, signal_id: str) -> Response:
    return await _act(request, principal, signal_id, "resolve")


@router.post("/signals/{signal_id}/reopen")
async def reopen_form(request: Request, principal: CasePrincipal, signal_id: str) -> Response:
    return await _act(request, principal, signal_id, "reopen")
