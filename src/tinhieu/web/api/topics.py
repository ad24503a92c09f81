"""Topics: list them with their match counts, create, redefine (or rename) and delete.

Saving a topic re-tags the stored mentions with its query and rebuilds the metrics
rollup, as ``tinhieu topic add`` does; a query syntax error answers 400 with its
position and changes nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from tinhieu.accounts import Principal
from tinhieu.metrics import refresh_rollup
from tinhieu.query import QuerySyntaxError
from tinhieu.query.parser import MAX_LENGTH
from tinhieu.schema import TOPIC_GROUPS
from tinhieu.store.duckdb import DuckDBStore
from tinhieu.topics import remove_topic, save_topic
from tinhieu.web.api.query import SYNTAX_400, syntax_error_response
from tinhieu.web.auth import ApiPrincipal, lang_of, require, store_of

router = APIRouter(tags=["topics"])

MAX_NAME = 100


class TopicOut(BaseModel):
    name: str
    group: str
    query: str
    mentions: int


class TopicIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    name: str = Field(max_length=1000)
    query: str = Field(max_length=MAX_LENGTH + 1)
    group: str = Field(default="brand", max_length=100)


class TopicUpdate(BaseModel):
    """A topic's new definition; ``name`` renames it (optional)."""

    model_config = ConfigDict(strict=True, extra="forbid")
    query: str = Field(max_length=MAX_LENGTH + 1)
    group: str = Field(default="brand", max_length=100)
    name: str | None = Field(default=None, max_length=1000)


class TopicProblem(ValueError):
    """A topic that cannot be saved: ``status`` 400 (invalid) or 409 (name taken)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def topic_counts(store: DuckDBStore, workspace: str) -> dict[str, int]:
    rows = store.fetch_all(
        "SELECT t, count(*) FROM (SELECT unnest(topics) AS t FROM mentions "
        "WHERE workspace = ?) GROUP BY t",
        [workspace],
    )
    return {str(name): int(n) for name, n in rows}


def list_with_counts(store: DuckDBStore, workspace: str) -> list[TopicOut]:
    counts = topic_counts(store, workspace)
    return [
        TopicOut(name=t.name, group=t.group, query=t.query, mentions=counts.get(t.name, 0))
        for t in store.get_topics(workspace)
    ]


def check_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise TopicProblem("a topic needs a name")
    if len(cleaned) > MAX_NAME:
        raise TopicProblem(f"a topic name has at most {MAX_NAME} characters")
    if not cleaned.isprintable():
        raise TopicProblem("a topic name cannot hold control characters")
    return cleaned


def check_group(group: str) -> str:
    if group not in TOPIC_GROUPS:
        raise TopicProblem(f"unknown group {group!r}: one of {', '.join(TOPIC_GROUPS)}")
    return group


def write_topic(
    store: DuckDBStore,
    workspace: str,
    name: str,
    query: str,
    group: str,
    *,
    original: str | None = None,
) -> TopicOut:
    """Create (``original`` None) or redefine ``original`` (renamed to ``name``), re-tag
    the mentions and refresh the rollup. Raises :class:`TopicProblem` or
    :class:`QuerySyntaxError` before anything changes."""
    name, group = check_name(name), check_group(group)
    if not query.strip():
        raise TopicProblem("a topic needs a query")
    existing = {t.name for t in store.get_topics(workspace)}
    if original is None and name in existing:
        raise TopicProblem(f"a topic named {name!r} exists", 409)
    if original is not None:
        if original not in existing:
            raise TopicProblem(f"no topic {original!r}", 404)
        if name != original and name in existing:
            raise TopicProblem(f"a topic named {name!r} exists", 409)
    count = save_topic(store, workspace, name, query, group)  # syntax errors raise here
    if original is not None and name != original:
        remove_topic(store, workspace, original)
    refresh_rollup(store, workspace)
    return TopicOut(name=name, group=group, query=query, mentions=count)


def delete_topic(store: DuckDBStore, workspace: str, name: str) -> bool:
    found = remove_topic(store, workspace, name)
    if found:
        refresh_rollup(store, workspace)
    return found


def _problem(exc: TopicProblem) -> HTTPException:
    return HTTPException(status_code=exc.status, detail=str(exc))


TopicName = Annotated[str, Path(max_length=MAX_NAME * 4, description="the topic's name")]
CanEdit = Annotated[Principal, Depends(require("topics"))]


@router.get("/topics", response_model=list[TopicOut])
def list_topics(request: Request, principal: ApiPrincipal) -> list[TopicOut]:
    """The workspace's topics (by group, then name) with how many mentions each has."""
    return list_with_counts(store_of(request), principal.workspace)


@router.get(
    "/topics/{name:path}", response_model=TopicOut, responses={404: {"description": "none"}}
)
def get_topic(request: Request, principal: ApiPrincipal, name: TopicName) -> TopicOut:
    """One topic with its match count."""
    for t in list_with_counts(store_of(request), principal.workspace):
        if t.name == name:
            return t
    raise HTTPException(status_code=404, detail=f"no topic {name!r}")


@router.post(
    "/topics",
    response_model=TopicOut,
    status_code=201,
    responses={**SYNTAX_400, 409: {"description": "a topic of that name exists"}},
)
def create_topic(request: Request, principal: CanEdit, body: TopicIn) -> Response | TopicOut:
    """Create a topic and tag the stored mentions it matches (role: analyst or admin).
    Answers the topic with its match count; 400 for an invalid name, group or query
    (a syntax error carries ``error.position``), 409 when the name is taken."""
    try:
        return write_topic(
            store_of(request), principal.workspace, body.name, body.query, body.group
        )
    except TopicProblem as exc:
        raise _problem(exc) from exc
    except QuerySyntaxError as exc:
        return syntax_error_response(exc, lang_of(request))


@router.put(
    "/topics/{name:path}",
    response_model=TopicOut,
    responses={**SYNTAX_400, 404: {"description": "no such topic"}, 409: {"description": "taken"}},
)
def update_topic(
    request: Request, principal: CanEdit, name: TopicName, body: TopicUpdate
) -> Response | TopicOut:
    """Redefine a topic (and rename it with ``name`` in the body); the mentions are
    re-tagged. 404 if there is no such topic in the workspace."""
    try:
        return write_topic(
            store_of(request),
            principal.workspace,
            body.name if body.name is not None else name,
            body.query,
            body.group,
            original=name,
        )
    except TopicProblem as exc:
        raise _problem(exc) from exc
    except QuerySyntaxError as exc:
        return syntax_error_response(exc, lang_of(request))


@router.delete("/topics/{name:path}", status_code=204, responses={404: {"description": "none"}})
def remove(request: Request, principal: CanEdit, name: TopicName) -> Response:
    """Delete a topic and untag its mentions."""
    if not delete_topic(store_of(request), principal.workspace, name):
        raise HTTPException(status_code=404, detail=f"no topic {name!r}")
    return Response(status_code=204)
