"""``POST /ingest``: bulk Mention JSON for webhooks and scripts (see :mod:`tinhieu.ingest`).

The body is read here, not by FastAPI, so that an oversized body is refused (413)
before it is parsed and a bad item fails alone instead of failing the whole request.
Its schema is still published in the OpenAPI document (:class:`IngestRequest`).
"""

from __future__ import annotations

import json
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from tinhieu.accounts import Principal
from tinhieu.ingest import (
    MAX_BODY_BYTES,
    MAX_ITEMS,
    MAX_KEY_CHARS,
    AfterIngest,
    IdempotencyConflict,
    body_digest,
    ingest,
    remember,
    replay,
    workspace_lock,
)
from tinhieu.store.duckdb import DuckDBStore
from tinhieu.web.auth import require, store_of

router = APIRouter(tags=["ingest"])

_Count = Annotated[int | None, Field(ge=0, description="A whole count (JSON integer).")]


class MentionIn(BaseModel):
    """One mention, with the field names of the Mention schema (docs/schema.md)."""

    model_config = ConfigDict(strict=True, extra="forbid", title="MentionIn")

    workspace: str | None = Field(
        None, description="Optional; if given it must be the token's workspace."
    )
    source_id: str | None = Field(
        None, description="The platform's id; derived from url or author+time+text if absent."
    )
    parent_id: str | None = None
    url: str | None = None
    platform: str | None = Field(None, description="facebook, tiktok, youtube … (default other)")
    kind: str | None = Field(None, description="post, comment, reply, review, article, video")
    author_id: str | None = None
    author_name: str | None = None
    author_kind: str | None = None
    title: str | None = None
    text: str | None = None
    language: str | None = None
    created_at: str | int = Field(
        description="ISO 8601 with a zone (a time without zone is in the workspace's zone), "
        "or Unix epoch seconds/milliseconds."
    )
    collected_at: str | int | None = None
    author_followers: _Count = None
    likes: _Count = None
    comments: _Count = None
    shares: _Count = None
    views: _Count = None
    saves: _Count = None
    reach: _Count = None
    impressions: _Count = None
    author_verified: bool | None = None
    reactions: dict[str, Annotated[int, Field(ge=0)]] | None = Field(
        None, description='Counts by reaction, e.g. {"like": 10, "love": 2}.'
    )
    attrs: dict[str, Any] | None = Field(None, description="Extra values, kept verbatim.")


class IngestRequest(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    mentions: list[MentionIn] = Field(min_length=1, max_length=MAX_ITEMS)


class ItemErrorOut(BaseModel):
    index: int = Field(description="Position of the item in `mentions`, from 0.")
    field: str | None = Field(description="The field at fault, or null.")
    reason: str


class IngestResponse(BaseModel):
    received: int
    inserted: int
    updated: int
    unchanged: int
    duplicates: int = Field(description="Items whose key repeats a later item of the same request.")
    rejected: int
    errors: list[ItemErrorOut]


def _request_schema() -> dict[str, Any]:
    item = MentionIn.model_json_schema()
    return {
        "type": "object",
        "required": ["mentions"],
        "additionalProperties": False,
        "properties": {
            "mentions": {"type": "array", "minItems": 1, "maxItems": MAX_ITEMS, "items": item}
        },
    }


def _error(status: int, message: str) -> dict[str, Any]:
    return {
        "description": message,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "error": {
                            "type": "object",
                            "properties": {
                                "status": {"type": "integer", "enum": [status]},
                                "message": {"type": "string"},
                            },
                        }
                    },
                }
            }
        },
    }


_SCHEDULER_GUARD = threading.Lock()


def after_ingest(request: Request) -> AfterIngest:
    """The app's background worker for analysis and rollup (one per app)."""
    with _SCHEDULER_GUARD:
        found: AfterIngest | None = getattr(request.app.state, "after_ingest", None)
        if found is None:
            workers = getattr(request.app.state, "analysis_workers", 0)
            found = AfterIngest(store_of(request), workers=workers)
            request.app.state.after_ingest = found
        return found


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


async def _read_body(request: Request) -> Any:
    media = request.headers.get("content-type", "application/json").split(";")[0].strip()
    if media != "application/json" and not media.endswith("+json"):
        raise HTTPException(status_code=415, detail="send the body as application/json")
    length = request.headers.get("content-length", "")
    too_big = f"the body is over {MAX_BODY_BYTES // (1024 * 1024)} MB; send smaller batches"
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise HTTPException(status_code=413, detail=too_big)
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise HTTPException(status_code=413, detail=too_big)
        parts.append(chunk)
    try:
        return json.loads(b"".join(parts), parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and bad UTF-8 included
        reason = str(exc) if isinstance(exc, ValueError) else "nested too deeply"
        raise HTTPException(
            status_code=422, detail=f"the body is not valid JSON: {reason}"
        ) from exc


def _items(body: Any) -> list[Any]:
    if not isinstance(body, dict):
        raise HTTPException(status_code=422, detail='the body must be {"mentions": [...]}')
    extra = sorted(k for k in body if k != "mentions")
    if extra:
        raise HTTPException(
            status_code=422, detail=f"unknown field {extra[0]!r}; the body has only 'mentions'"
        )
    items = body.get("mentions")
    if not isinstance(items, list):
        raise HTTPException(status_code=422, detail="'mentions' must be an array of mentions")
    if not 1 <= len(items) <= MAX_ITEMS:
        raise HTTPException(
            status_code=422,
            detail=f"'mentions' must hold 1 to {MAX_ITEMS} items, not {len(items)}",
        )
    return items


def _run(
    store: DuckDBStore, workspace: str, items: list[Any], key: str | None, digest: str
) -> tuple[dict[str, Any], bool]:
    """The response and whether it is a replay."""
    with workspace_lock(store, workspace):
        if key is not None:
            stored = replay(store, workspace, key, digest)
            if stored is not None:
                return stored, True
        out = ingest(store, workspace, items).to_dict()
        if key is not None:
            remember(store, workspace, key, digest, out)
        return out, False


@router.post(
    "/ingest",
    response_model=IngestResponse,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _request_schema()}},
        }
    },
    responses={
        409: _error(409, "The Idempotency-Key was used with another body."),
        413: _error(413, f"The body is over {MAX_BODY_BYTES // (1024 * 1024)} MB."),
        415: _error(415, "The body is not JSON."),
    },
)
async def ingest_mentions(
    request: Request,
    principal: Annotated[Principal, Depends(require("ingest"))],
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1,
            max_length=MAX_KEY_CHARS,
            description="Optional. Re-sending the same body with the same key replays the "
            "first response (header `Idempotent-Replayed: true`); another body gets 409.",
        ),
    ] = None,
) -> Any:
    """Store up to 5,000 mentions (Mention JSON) in the token's workspace.

    Each item is checked on its own: a bad item is listed in `errors` with its index,
    field and reason, and the good items are stored. Items are upserted by
    (platform, source_id): sending an item again never duplicates it, and changed
    counts or text update it. Rows get their topics before the answer; the analysis
    (sentiment, aspects, spam, toxicity, emotion, language) follows within seconds in
    the background, and the metrics rollup is rebuilt a few seconds after a burst
    (metrics stay exact meanwhile)."""
    items = _items(await _read_body(request))
    store = store_of(request)
    digest = body_digest({"mentions": items}) if idempotency_key is not None else ""
    try:
        out, replayed = await run_in_threadpool(
            _run, store, principal.workspace, items, idempotency_key, digest
        )
    except IdempotencyConflict as exc:
        raise HTTPException(
            status_code=409,
            detail="this Idempotency-Key was used with another body; use a new key",
        ) from exc
    if out["inserted"] or out["updated"]:
        after_ingest(request).mark(principal.workspace)
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return JSONResponse(out, headers=headers)
