"""Topics: named queries a workspace tracks, and the "match topics" stage.

A topic is a query in the boolean query language (:mod:`tinhieu.query`) with a group:
``brand`` (our brand), ``competitor`` or ``category``. Membership is materialised in
the ``topics`` column of each mention so metrics never re-run text matching:

- at import, :class:`TopicMatcher` runs the in-memory matcher on each batch;
- when a topic is added or changed, :func:`save_topic` backfills the stored mentions
  with the same query compiled to SQL (the two paths agree: a property test checks it).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from tinhieu.query import Query, compile_query
from tinhieu.schema import TOPIC_GROUPS
from tinhieu.store.base import Topic
from tinhieu.store.duckdb import DuckDBStore


class TopicError(ValueError):
    """A topic cannot be saved (bad name or group); query errors raise QuerySyntaxError."""


@dataclass(frozen=True, slots=True)
class CompiledTopic:
    topic: Topic
    query: Query


class TopicMatcher:
    """Fills the ``topics`` column of Mention batches for one workspace's topics."""

    def __init__(self, topics: list[Topic]) -> None:
        self.compiled = [CompiledTopic(t, compile_query(t.query)) for t in topics]

    @classmethod
    def for_workspace(cls, store: DuckDBStore, workspace: str) -> TopicMatcher:
        return cls(store.get_topics(workspace))

    def __call__(self, batch: pa.Table) -> pa.Table:
        n = batch.num_rows
        names: list[list[str]] = [[] for _ in range(n)]
        shared: dict[str, object] = {}  # column lists and folded text, built once
        for ct in self.compiled:
            hits = ct.query.match_table(batch, shared)
            for i, hit in enumerate(hits.to_pylist() if isinstance(hits, pa.Array) else hits):
                if hit:
                    names[i].append(ct.topic.name)
        column = pa.array(names, pa.list_(pa.string()))
        index = batch.schema.get_field_index("topics")
        if index < 0:
            return batch.append_column("topics", column)
        return batch.set_column(index, batch.schema.field(index), column)


def validate(name: str, group: str) -> None:
    if not name.strip() or len(name) > 100:
        raise TopicError("a topic name must be 1–100 characters")
    if group not in TOPIC_GROUPS:
        raise TopicError(f"unknown group '{group}' (choose: {', '.join(TOPIC_GROUPS)})")


def save_topic(
    store: DuckDBStore, workspace: str, name: str, query: str, group: str = "brand"
) -> int:
    """Create or redefine a topic and re-tag the stored mentions; return its match count."""
    validate(name, group)
    compiled = compile_query(query)  # raises QuerySyntaxError before anything changes
    condition, params = compiled.to_sql()
    store.ensure_workspace(workspace)
    with store.transaction():
        store.put_topic(Topic(workspace, name, query, group))
        return store.retag_topic(workspace, name, condition, params)


def remove_topic(store: DuckDBStore, workspace: str, name: str) -> bool:
    return store.delete_topic(workspace, name)
