"""The query language from the web: validate a query as it is typed, and preview what
it matches (count, daily volume, newest mentions) before it is saved as a topic."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from tinhieu.query import Query as CompiledQuery
from tinhieu.query import QuerySyntaxError, compile_query, explain
from tinhieu.query.parser import MAX_LENGTH
from tinhieu.store.base import Store
from tinhieu.web.auth import ApiPrincipal, lang_of, store_of
from tinhieu.web.overview import last_day

router = APIRouter(tags=["query"])

PREVIEW_DAYS = 30
PREVIEW_LIMIT = 20
PREVIEW_TEXT = 600  # characters of each example mention


class SyntaxProblem(BaseModel):
    message: str
    position: int
    expected: str
    caret: str


class Validation(BaseModel):
    valid: bool
    explain: str | None = None
    error: SyntaxProblem | None = None


class PreviewIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    query: str = Field(min_length=1, max_length=MAX_LENGTH)
    days: int = Field(default=PREVIEW_DAYS, ge=1, le=365)


class Piece(BaseModel):
    text: str
    mark: bool


class Example(BaseModel):
    platform: str
    source_id: str
    kind: str | None
    created_at: datetime | None
    author_name: str | None
    url: str | None
    pieces: list[Piece]


class Daily(BaseModel):
    t: list[str]
    mentions: list[int]


class Preview(BaseModel):
    query: str
    explain: str
    count: int
    days: int
    first_day: str
    last_day: str
    daily: Daily
    examples: list[Example]


def syntax_problem(exc: QuerySyntaxError, lang: str) -> SyntaxProblem:
    return SyntaxProblem(
        message=exc.message(lang),
        position=exc.position,
        expected=exc.expected_in(lang),
        caret=exc.caret(),
    )


def syntax_error_response(exc: QuerySyntaxError, lang: str) -> JSONResponse:
    """400 with the error's position, in the shape of every API error."""
    problem = syntax_problem(exc, lang)
    return JSONResponse(
        {
            "error": {
                "status": 400,
                "message": problem.message,
                "position": problem.position,
                "expected": problem.expected,
                "caret": problem.caret,
            }
        },
        status_code=400,
    )


SYNTAX_400: dict[int | str, dict[str, Any]] = {
    400: {"description": "query syntax error: error.message, error.position (0-based)"}
}


@router.get("/query/validate", response_model=Validation)
def validate_query(
    request: Request,
    principal: ApiPrincipal,
    q: Annotated[str, Query(max_length=MAX_LENGTH + 1)],
    lang: Literal["vi", "en"] | None = None,
) -> Validation:
    """Check a query as it is typed: ``valid`` with its normalised form (``explain``),
    or the syntax error with its 0-based ``position`` and a caret line, in ``lang``
    (default: the page language)."""
    try:
        compiled = compile_query(q)
    except QuerySyntaxError as exc:
        return Validation(valid=False, error=syntax_problem(exc, lang or lang_of(request)))
    return Validation(valid=True, explain=explain(compiled))


def _pieces(compiled: CompiledQuery, text: str) -> list[Piece]:
    """``text`` cut into plain and matched pieces (for <mark>, drawn as text)."""
    spans = compiled.highlight(text)
    start = max(0, spans[0][0] - 80) if spans else 0
    end = min(len(text), start + PREVIEW_TEXT)
    out: list[Piece] = []
    pos = start
    for a, b in spans:
        if a < pos or a >= end:
            continue
        if a > pos:
            out.append(Piece(text=text[pos:a], mark=False))
        out.append(Piece(text=text[a : min(b, end)], mark=True))
        pos = min(b, end)
    if pos < end:
        out.append(Piece(text=text[pos:end], mark=False))
    if start > 0:
        out.insert(0, Piece(text="…", mark=False))
    if end < len(text):
        out.append(Piece(text="…", mark=False))
    return out


def preview(store: Store, workspace: str, query: str, days: int = PREVIEW_DAYS) -> Preview:
    """What ``query`` matches in the last ``days`` local days with data (raises
    :class:`QuerySyntaxError`)."""
    compiled = compile_query(query)
    condition, params = compiled.to_sql()
    tz = store.workspace_timezone(workspace)
    zone = ZoneInfo(tz)
    last = last_day(store, workspace, tz)
    first = last - timedelta(days=days - 1)
    since = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    until = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    scope = "workspace = ? AND created_at >= ? AND created_at < ?"
    rows = store.fetch_all(
        f"SELECT CAST(timezone(?, created_at) AS DATE) AS d, count(*) FROM mentions "
        f"WHERE {scope} AND ({condition}) GROUP BY d",
        [tz, workspace, since, until, *params],
    )
    per_day = {str(d): int(n) for d, n in rows}
    labels = [str(first + timedelta(days=i)) for i in range(days)]
    examples = store.fetch_arrow(
        "SELECT platform, source_id, kind, created_at, author_name, url, title, text "
        f"FROM mentions WHERE {scope} AND ({condition}) "
        "ORDER BY created_at DESC, platform, source_id LIMIT ?",
        [workspace, since, until, *params, PREVIEW_LIMIT],
    ).to_pylist()
    return Preview(
        query=query,
        explain=explain(compiled),
        count=sum(per_day.values()),
        days=days,
        first_day=str(first),
        last_day=str(last),
        daily=Daily(t=labels, mentions=[per_day.get(d, 0) for d in labels]),
        examples=[
            Example(
                platform=r["platform"],
                source_id=r["source_id"],
                kind=r["kind"],
                created_at=r["created_at"],
                author_name=r["author_name"],
                url=r["url"] if _http(r["url"]) else None,
                pieces=_pieces(compiled, " ".join(filter(None, [r["title"], r["text"]]))),
            )
            for r in examples
        ],
    )


def _http(url: Any) -> bool:
    return isinstance(url, str) and url.lower().startswith(("http://", "https://"))


@router.post("/query/preview", response_model=Preview, responses=SYNTAX_400)
def preview_query(request: Request, principal: ApiPrincipal, body: PreviewIn) -> Response | Preview:
    """What a query matches over the last ``days`` days with data (default 30): the
    count, mentions per day and the 20 newest matching mentions (text cut into plain
    and matched pieces). A syntax error answers 400 with its position."""
    try:
        return preview(store_of(request), principal.workspace, body.query, body.days)
    except QuerySyntaxError as exc:
        return syntax_error_response(exc, lang_of(request))
