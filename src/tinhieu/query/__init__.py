"""The topic query language: Brandwatch-style boolean queries over mentions.

``compile_query("(\\"giao hàng\\" OR ship) NEAR/3 chậm AND NOT platform:news")`` gives a
:class:`Query` that matches Mention records in memory (``matches``, ``match_table``,
``highlight``) and compiles to a parameterised DuckDB condition (``to_sql``). The
language is described in ``docs/query-language.md``; the tokenisation rule both paths
share is in :mod:`tinhieu.query.tokens`.
"""

from __future__ import annotations

from tinhieu.query.errors import QuerySyntaxError
from tinhieu.query.query import Query, compile_query, explain

__all__ = ["Query", "QuerySyntaxError", "compile_query", "explain"]
