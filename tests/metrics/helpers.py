"""Helpers to build small stores with hand-written mentions."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count
from typing import Any

import pyarrow as pa

from tinhieu.schema import ARROW_SCHEMA
from tinhieu.store import DuckDBStore
from tinhieu.store.base import Topic

WS = "w"
_ids = count(1)


def mention(**fields: Any) -> dict[str, Any]:
    """A mention with defaults: a Facebook post in workspace ``w`` on 2025-03-03 03:00 UTC
    (10:00 in Ho Chi Minh City), without engagement data or enrichment."""
    row: dict[str, Any] = {
        "workspace": WS,
        "platform": "facebook",
        "source_id": f"m{next(_ids)}",
        "kind": "post",
        "created_at": datetime(2025, 3, 3, 3, 0, tzinfo=UTC),
    }
    row.update(fields)
    return row


def add(store: DuckDBStore, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts of Mention fields) through the store's upsert."""
    names = [f.name for f in ARROW_SCHEMA]
    columns = {n: [r.get(n) for r in rows] for n in names}
    store.upsert_mentions(pa.table(columns, schema=ARROW_SCHEMA))


def topics(store: DuckDBStore, spec: dict[str, str], workspace: str = WS) -> None:
    """Define topics ``{name: group}`` (queries are irrelevant to metrics)."""
    for name, group in spec.items():
        store.put_topic(Topic(workspace, name, name, group))
