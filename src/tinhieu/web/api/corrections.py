"""Corrections: an analyst's label for a mention (sentiment, aspects or spam kind),
stored per workspace, platform, source id and field, applied to the mention at once and
kept for ``tinhieu nlp retrain`` (see :func:`tinhieu.nlp.pipeline.correct`)."""

from __future__ import annotations

import json
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi import Query as Q
from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from tinhieu.accounts import Principal
from tinhieu.nlp.pipeline import SPAM_KINDS, CorrectionError, correct
from tinhieu.signals.series import MAX_ASPECTS
from tinhieu.store.duckdb import DuckDBStore
from tinhieu.web.auth import ApiPrincipal, require, store_of
from tinhieu.web.mention_search import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    SENTIMENTS,
    CursorError,
    clean_aspects,
    jsonable,
    list_corrections,
)

router = APIRouter(tags=["corrections"])

#: What the web app lets an analyst correct (the pipeline can also correct toxicity
#: and emotion, from the command line).
FIELDS: Final[tuple[str, ...]] = ("sentiment", "aspects", "spam")
Field = Literal["sentiment", "aspects", "spam"]


class AspectLabel(BaseModel):
    """One aspect the mention talks about and how."""

    model_config = ConfigDict(extra="forbid", strict=True)
    aspect: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.]{0,39}$")]
    polarity: Literal["positive", "neutral", "negative"]


class CorrectionIn(BaseModel):
    """``value``: for ``sentiment`` positive, neutral or negative; for ``spam`` none or a
    kind (ad, giveaway, seeding, junk, fake_review, brand_only); for ``aspects`` the
    whole list, e.g. ``[{"aspect": "price", "polarity": "negative"}]`` (``[]``: none)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    platform: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    source_id: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    field: Field
    value: Annotated[str, StringConstraints(max_length=40)] | list[AspectLabel]

    @model_validator(mode="after")
    def _value_fits_field(self) -> CorrectionIn:
        if self.field == "aspects":
            if not isinstance(self.value, list):
                raise ValueError("aspects: value must be a list of {aspect, polarity}")
            names = [a.aspect for a in self.value]
            if len(names) > MAX_ASPECTS:
                raise ValueError(f"aspects: at most {MAX_ASPECTS}")
            if len(set(names)) != len(names):
                raise ValueError("aspects: each aspect at most once")
        elif not isinstance(self.value, str):
            raise ValueError(f"{self.field}: value must be a string")
        elif self.field == "sentiment" and self.value not in SENTIMENTS:
            raise ValueError(f"sentiment: one of {', '.join(SENTIMENTS)}")
        elif self.field == "spam" and self.value not in SPAM_KINDS:
            raise ValueError(f"spam: one of {', '.join(SPAM_KINDS)}")
        return self

    def stored(self) -> str:
        """The value as :func:`tinhieu.nlp.pipeline.correct` takes it."""
        if isinstance(self.value, list):
            return json.dumps(
                [{"aspect": a.aspect, "polarity": a.polarity} for a in self.value],
                ensure_ascii=False,
            )
        return self.value


def labels_of(store: DuckDBStore, workspace: str, platform: str, source_id: str) -> dict[str, Any]:
    row = store.fetch_all(
        "SELECT sentiment, sentiment_score, aspects, spam, toxicity FROM mentions "
        "WHERE workspace = ? AND platform = ? AND source_id = ?",
        [workspace, platform, source_id],
    )[0]
    return {
        "platform": platform,
        "source_id": source_id,
        "sentiment": row[0],
        "sentiment_score": row[1],
        "aspects": clean_aspects(row[2]),
        "spam": row[3],
        "toxicity": row[4],
    }


def apply_correction(
    store: DuckDBStore, principal: Principal, body: CorrectionIn
) -> dict[str, Any]:
    """Store and apply one correction in the principal's workspace: 404 when the mention
    is not there. Returns the mention's labels afterwards."""
    found = store.fetch_all(
        "SELECT 1 FROM mentions WHERE workspace = ? AND platform = ? AND source_id = ?",
        [principal.workspace, body.platform, body.source_id],
    )
    if not found:
        raise HTTPException(status_code=404, detail=f"no mention {body.platform}/{body.source_id}")
    try:
        correct(
            store,
            principal.workspace,
            body.platform,
            body.source_id,
            {body.field: body.stored()},
            by=principal.user,
        )
    except CorrectionError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    return labels_of(store, principal.workspace, body.platform, body.source_id)


@router.post("/corrections", response_model=None)
def post_correction(
    request: Request,
    body: CorrectionIn,
    principal: Annotated[Principal, Depends(require("correct"))],
) -> Any:
    """Correct one label of a mention of the caller's workspace (analysts and admins).
    The correction replaces any earlier one of the same field, is applied to the
    mention at once, wins over the models from then on and is kept for retraining.
    Answers the mention's labels afterwards; 404 when the workspace has no such
    mention."""
    store = store_of(request)
    labels = apply_correction(store, principal, body)
    value: Any = body.stored() if body.field != "aspects" else clean_aspects(body.stored())
    return {
        "correction": {
            "platform": body.platform,
            "source_id": body.source_id,
            "field": body.field,
            "value": value,
            "corrected_by": principal.user,
        },
        "mention": jsonable(labels),
    }


@router.get("/corrections", response_model=None)
def get_corrections(
    request: Request,
    principal: ApiPrincipal,
    field: Field | None = None,
    cursor: Annotated[str | None, Q(max_length=8000)] = None,
    limit: Annotated[int, Q(ge=1, le=MAX_PAGE_SIZE)] = PAGE_SIZE,
) -> Any:
    """The workspace's corrections, newest first, in keyset pages (pass ``next_cursor``
    back as ``cursor``). Each has the mention's text as it was when corrected."""
    try:
        items, next_cursor = list_corrections(
            store_of(request), principal.workspace, field_name=field, cursor=cursor, limit=limit
        )
    except CursorError as exc:
        raise HTTPException(status_code=400, detail=exc.message("en")) from exc
    return {"items": jsonable(items), "next_cursor": next_cursor, "limit": limit}
