"""The SQL compiler: parameters only, hostile input, NULLs, large queries."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tinhieu.query import compile_query
from tinhieu.store import DuckDBStore

from .helpers import insert, memory_ids, sql_ids

HOSTILE_ROWS: list[dict[str, Any]] = [
    {"text": "a.*b (x|y) [z] {w} ^$ \\d+ ? c++"},
    {"text": "'; DROP TABLE mentions; --"},
    {"text": "100% \\x{41} \\pL ("},
    {"text": "abc"},
    {"text": None, "title": None, "language": None},
    {"text": "Robert'); DROP TABLE students;--", "platform": "news"},
]


@pytest.fixture(scope="module")
def hostile(store: DuckDBStore) -> str:
    return insert(store, HOSTILE_ROWS)


@pytest.mark.parametrize(
    "query",
    [
        '"\'; DROP TABLE mentions; --"',
        "x' OR '1'='1",
        'a.b OR "x|y" OR "[z]" OR "{w}" OR "\\\\d+"',
        "c++ OR c",
        '"\\x{41}" OR x',
        '"\\pL" OR pl',
        "ab* OR abc",
        "robert NEAR/3 students",
        "NOT abc",
        "NOT drop*",
        'author:"\'; DROP"',
        'author:"x|y*"',
    ],
)
def test_hostile_queries_run_as_plain_searches(
    store: DuckDBStore, hostile: str, query: str
) -> None:
    before = store.fetch_all("SELECT count(*) FROM mentions")[0][0]
    assert sql_ids(store, hostile, query) == memory_ids(HOSTILE_ROWS, query)
    assert store.fetch_all("SELECT count(*) FROM mentions")[0][0] == before


def test_expected_hostile_matches(store: DuckDBStore, hostile: str) -> None:
    assert sql_ids(store, hostile, '"drop table mentions"') == {1}
    assert sql_ids(store, hostile, '"x y"') == {0}
    assert sql_ids(store, hostile, '"a b"') == {0}
    assert sql_ids(store, hostile, "d") == {0}
    assert sql_ids(store, hostile, "NOT abc") == {0, 1, 2, 4, 5}


_WORD = re.compile(r"[a-z]{5,}")


@pytest.mark.parametrize(
    "query",
    [
        "zzqxw",
        '"zzqxw yyvvu" OR #hhkkj OR @mmnnb',
        'zzqxw* NEAR/3 (yyvvu OR "hhkkj mmnnb")',
        'author:"zzqxw yyvvu" OR author:qqppw*',
        "platform:facebook AND kind:comment AND lang:vi AND =zzqxw",
        "NOT (zzqxw ONEAR/2 yyvvu)",
    ],
)
def test_user_strings_never_reach_the_sql_text(query: str) -> None:
    sql, params = compile_query(query).to_sql()
    assert sql.count("?") == len(params)
    for word in _WORD.findall(query):
        if word not in ("platform", "facebook", "comment", "author"):
            assert word not in sql
    assert "facebook" not in sql and "comment" not in sql and "'vi'" not in sql
    assert "'" not in sql.replace("' ' ||", "")  # the only literal is the leading space


def test_to_sql_returns_fresh_parameters() -> None:
    q = compile_query("giao")
    _, params = q.to_sql()
    params.append("junk")
    assert q.to_sql()[1] != params


def test_null_columns(store: DuckDBStore) -> None:
    rows: list[dict[str, Any]] = [
        {"text": None, "title": None, "language": None, "author_name": None},
        {"text": "giao", "title": None, "language": "vi", "author_name": "An"},
    ]
    ws = insert(store, rows)
    for query, expected in [
        ("giao", {1}),
        ("NOT giao", {0}),
        ("NOT lang:vi", {0}),
        ("NOT author:an", {0}),
        ("NOT (giao NEAR/2 x)", {0, 1}),
        ("NOT (giao OR platform:news)", {0}),
    ]:
        assert sql_ids(store, ws, query) == expected == memory_ids(rows, query), query


def test_a_long_or_is_split_into_several_regexes(store: DuckDBStore) -> None:
    words = [f"w{i}x{i * 7 % 13}" for i in range(600)]
    rows: list[dict[str, Any]] = [{"text": f"đây là {w}"} for w in words[::50]] + [
        {"text": "không có gì"}
    ]
    ws = insert(store, rows)
    query = " OR ".join(words)
    sql, _ = compile_query(query).to_sql()
    assert 1 < sql.count("regexp_matches") < 20
    assert sql_ids(store, ws, query) == set(range(len(rows) - 1)) == memory_ids(rows, query)
    query = "(" + " OR ".join(words[:200]) + ") NEAR/1000 (" + " OR ".join(words[200:400]) + ")"
    assert sql_ids(store, ws, query) == set() == memory_ids(rows, query)


def test_condition_works_with_iter_mentions(store: DuckDBStore) -> None:
    rows: list[dict[str, Any]] = [{"text": "giao hàng chậm"}, {"text": "ship nhanh"}]
    ws = insert(store, rows)
    where, params = compile_query('"giao hàng" NEAR/2 chậm OR nhanh').to_sql()
    found = [r for batch in store.iter_mentions(ws, where, params) for r in batch.to_pylist()]
    assert sorted(r["source_id"] for r in found) == ["0", "1"]
