"""The in-memory matcher and the SQL compiler select exactly the same mentions.

Random queries (every operator, phrases, wildcards, NEAR variants, fields,
accent-sensitive terms) over random Vietnamese-ish mentions (words with and without
diacritics, NFC and NFD, upper case, punctuation, emoji, hashtags, stray marks).
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinhieu.query import compile_query, explain
from tinhieu.store import DuckDBStore

from .helpers import insert, memory_ids, sql_ids, table_of
from .strategies import mentions, queries, random_mention

_SETTINGS = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@settings(_SETTINGS, max_examples=200)
@given(rows=st.lists(mentions(), min_size=1, max_size=12), query=queries)
def test_memory_and_sql_select_the_same_rows(
    store: DuckDBStore, rows: list[dict[str, Any]], query: str
) -> None:
    workspace = insert(store, rows)
    expected = memory_ids(rows, query)
    assert sql_ids(store, workspace, query) == expected
    flags = compile_query(query).match_table(table_of(rows)).to_pylist()
    assert {i for i, f in enumerate(flags) if f} == expected


@pytest.fixture(scope="module")
def corpus(store: DuckDBStore) -> tuple[str, list[dict[str, Any]]]:
    rnd = random.Random(20240501)
    rows = [random_mention(rnd) for _ in range(700)]
    return insert(store, rows), rows


@settings(_SETTINGS, max_examples=200)
@given(query=queries)
def test_agreement_on_a_fixed_corpus(
    store: DuckDBStore, corpus: tuple[str, list[dict[str, Any]]], query: str
) -> None:
    workspace, rows = corpus
    assert sql_ids(store, workspace, query) == memory_ids(rows, query)


@settings(_SETTINGS, max_examples=100)
@given(query=queries)
def test_explain_is_a_fixed_point_with_the_same_meaning(
    corpus: tuple[str, list[dict[str, Any]]], query: str
) -> None:
    _, rows = corpus
    normal = explain(query)
    assert explain(normal) == normal
    assert compile_query(normal) == compile_query(query)
    assert memory_ids(rows[:300], normal) == memory_ids(rows[:300], query)
