"""The Topics page: the workspace's topics with their match counts, and the editor
with live query validation and a preview (``static/topics.js`` calls
``/api/v1/query/validate`` and ``/api/v1/query/preview``). Saving and deleting are
plain form posts, so they work without JavaScript too."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from tinhieu.accounts import Principal
from tinhieu.query import QuerySyntaxError
from tinhieu.schema import TOPIC_GROUPS
from tinhieu.web.api.query import syntax_problem
from tinhieu.web.api.topics import (
    TopicProblem,
    delete_topic,
    list_with_counts,
    write_topic,
)
from tinhieu.web.auth import PagePrincipal, check_form_csrf, lang_of, require_page, store_of
from tinhieu.web.messages_admin import MESSAGES as _MESSAGES  # noqa: F401 - registers them
from tinhieu.web.render import render

router = APIRouter(include_in_schema=False)

CanEdit = Annotated[Principal, Depends(require_page("topics"))]


def form_text(form: FormData, key: str, limit: int = 20_001) -> str:
    value = form.get(key)
    return value[:limit] if isinstance(value, str) else ""


@router.get("/topics")
def topics_page(
    request: Request,
    principal: PagePrincipal,
    saved: Annotated[str | None, Query(max_length=400)] = None,
    deleted: Annotated[str | None, Query(max_length=400)] = None,
) -> Response:
    topics = list_with_counts(store_of(request), principal.workspace)
    names = {t.name for t in topics}
    return render(
        request,
        "topics.html",
        principal,
        topics=topics,
        groups=TOPIC_GROUPS,
        can_edit=principal.can("topics"),
        saved=next((t for t in topics if t.name == saved), None),
        deleted=deleted if deleted and deleted not in names else None,
    )


def _editor(
    request: Request,
    principal: Principal,
    *,
    original: str | None,
    name: str,
    group: str,
    query: str,
    error: str | None = None,
    syntax: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "topic_edit.html",
        principal,
        status_code=status_code,
        original=original,
        name=name,
        group=group,
        query=query,
        groups=TOPIC_GROUPS,
        error=error,
        syntax=syntax,
    )


@router.get("/topics/new")
def new_topic(request: Request, principal: CanEdit) -> Response:
    return _editor(request, principal, original=None, name="", group="brand", query="")


@router.get("/topics/edit")
def edit_topic(
    request: Request, principal: CanEdit, name: Annotated[str, Query(max_length=400)]
) -> Response:
    for t in store_of(request).get_topics(principal.workspace):
        if t.name == name:
            return _editor(
                request, principal, original=t.name, name=t.name, group=t.group, query=t.query
            )
    raise HTTPException(status_code=404, detail="no such topic")


@router.post("/topics/save")
async def save(request: Request, principal: CanEdit) -> Response:
    await check_form_csrf(request, principal)
    form = await request.form()
    original = form_text(form, "original", 400) or None
    name = form_text(form, "name", 400)
    group = form_text(form, "group", 40)
    query = form_text(form, "query")
    store = store_of(request)
    try:
        saved = write_topic(store, principal.workspace, name, query, group, original=original)
    except TopicProblem as exc:
        if exc.status == 404:
            raise HTTPException(status_code=404, detail="no such topic") from exc
        return _editor(
            request, principal, original=original, name=name, group=group, query=query,
            error=str(exc), status_code=exc.status,
        )  # fmt: skip
    except QuerySyntaxError as exc:
        problem = syntax_problem(exc, lang_of(request)).model_dump()
        return _editor(
            request, principal, original=original, name=name, group=group, query=query,
            syntax=problem, status_code=400,
        )  # fmt: skip
    from urllib.parse import quote

    return RedirectResponse("/topics?saved=" + quote(saved.name, safe=""), status_code=303)


@router.post("/topics/delete")
async def delete(request: Request, principal: CanEdit) -> Response:
    await check_form_csrf(request, principal)
    form = await request.form()
    name = form_text(form, "name", 400)
    if not delete_topic(store_of(request), principal.workspace, name):
        raise HTTPException(status_code=404, detail="no such topic")
    from urllib.parse import quote

    return RedirectResponse("/topics?deleted=" + quote(name, safe=""), status_code=303)
