"""The compiled query: one object, two execution paths (in memory and SQL)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Final

import numpy as np
import pyarrow as pa

from tinhieu.query import sql
from tinhieu.query.ast import Node, Term, to_text
from tinhieu.query.matcher import (
    Row,
    ascii_text,
    columns_used,
    compile_node,
    near_pairs,
    occurrences,
    positive_terms,
    prefilter_mask,
)
from tinhieu.query.parser import parse
from tinhieu.query.tokens import Analysed, spans


class Query:
    """A parsed topic query.

    ``matches`` / ``match_table`` evaluate it in memory (token based);
    ``to_sql`` gives the equivalent condition for the ``mentions`` table. The two are
    kept in agreement by a property-based test.
    """

    __slots__ = ("_columns", "_predicate", "_prefilter", "_sql", "root", "text")

    def __init__(self, text: str, root: Node) -> None:
        self.text = text
        self.root = root
        self._predicate, self._prefilter = compile_node(root)
        self._columns = sorted(columns_used(root))
        self._sql: tuple[str, list[Any]] | None = None

    def __repr__(self) -> str:
        return f"Query({self.explain()!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Query) and other.root == self.root

    def __hash__(self) -> int:
        return hash(self.root)

    # --- in memory ------------------------------------------------------------------------
    def matches(self, record: Mapping[str, Any]) -> bool:
        """Does one Mention (a mapping of column name to value) match?"""
        row = Row(record)
        if self._prefilter is not None and not self._prefilter(row.ascii):
            return False
        return self._predicate(row)

    def match_table(
        self, table: pa.Table | pa.RecordBatch, shared: dict[str, Any] | None = None
    ) -> pa.BooleanArray:
        """One boolean per row of a batch with (some of) the Mention columns; a missing
        column reads as NULL. Queries run over the same batch may pass one ``shared``
        dict: the columns as Python lists, the folded text and each row's tokens are then
        built once."""
        cache: dict[str, Any] = {} if shared is None else shared
        names = set(table.schema.names)
        # one dict of column lists for every query of the batch, so that a Row made for
        # one query (and the tokens it caches) serves the next ones too
        columns: dict[str, list[Any]] = cache.setdefault(_COLUMNS, {})
        for c in self._columns:
            if c in names and c not in columns:
                columns[c] = _column(table, names, c, cache)
        made: dict[int, Row] = cache.setdefault(_ROWS, {})
        predicate, prefilter = self._predicate, self._prefilter
        count = table.num_rows
        rows: Sequence[int] = range(count)
        if prefilter is not None:  # most rows stop here, before any tokenising
            folded: pa.Array | None = cache.get(_FOLDED)
            if folded is None:
                title = _column(table, names, "title", cache)
                text = _column(table, names, "text", cache)
                folded = cache[_FOLDED] = pa.array(
                    [ascii_text(a, b) for a, b in zip(title, text, strict=True)], pa.binary()
                )
            mask = prefilter_mask(self.root, folded)
            if mask is not None:
                rows = np.flatnonzero(mask.to_numpy(zero_copy_only=False)).tolist()
        result = [False] * count
        for i in rows:
            row = made.get(i)
            if row is None:
                row = made[i] = Row(None, columns, i)
            result[i] = predicate(row)
        return pa.array(result, pa.bool_())

    def highlight(self, text: str) -> list[tuple[int, int]]:
        """[start, end) offsets in ``text`` of the terms that match there (terms under
        NOT excluded; for NEAR, the operands that are near each other). Sorted, with
        overlapping spans merged. A hashtag's span includes its ``#``."""
        if not text:
            return []
        tokens = spans(text)
        if not tokens:
            return []
        a = Analysed(text, [t.token for t in tokens], tags=[t.tag for t in tokens])
        ranges: list[tuple[int, int]] = []
        for node in positive_terms(self.root):
            if isinstance(node, Term):
                size = len(node.elements)
                ranges.extend((i, i + size) for i in occurrences(node.elements, a))
            else:
                for left, right in near_pairs(node, a):
                    ranges.extend((left, right))
        out: list[tuple[int, int]] = []
        for start, end in sorted((tokens[i].start, tokens[j - 1].end) for i, j in ranges):
            if out and start < out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
        return out

    # --- SQL -------------------------------------------------------------------------------
    def to_sql(self) -> tuple[str, list[Any]]:
        """A boolean SQL condition over the unqualified columns of ``mentions`` and its
        parameters (``?`` placeholders, in order)."""
        if self._sql is None:
            self._sql = sql.to_sql(self.root)
        condition, params = self._sql
        return condition, list(params)

    # --- display ----------------------------------------------------------------------------
    def explain(self) -> str:
        """The normalised query (see :func:`explain`)."""
        return to_text(self.root)


# keys of the shared cache besides column names
_FOLDED: Final = "\x00folded"  # the folded title + text
_COLUMNS: Final = "\x00columns"  # the column lists the queries read so far
_ROWS: Final = "\x00rows"  # Row objects by index


def _column(
    table: pa.Table | pa.RecordBatch, names: set[str], name: str, cache: dict[str, Any]
) -> list[Any]:
    if name not in names:
        return [None] * table.num_rows
    found: list[Any] | None = cache.get(name)
    if found is None:
        found = cache[name] = table.column(name).to_pylist()
    return found


@lru_cache(maxsize=512)
def compile_query(text: str) -> Query:
    """Parse ``text`` into a :class:`Query`; raise :class:`QuerySyntaxError` if it is
    not a valid query."""
    return Query(text, parse(text))


def explain(query: str | Query) -> str:
    """A human-readable normalised form of the query: operators explicit (adjacency
    shown as AND), parentheses only where precedence needs them, words as the keys
    they are matched by (lower case, accents folded unless ``=``), NEAR as ``NEAR/n``
    or ``NEAR/nf``. Parsing the result gives the same query."""
    q = query if isinstance(query, Query) else compile_query(query)
    return q.explain()
