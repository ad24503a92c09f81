"""The in-memory path: records, Arrow batches, highlighting, the prefilter."""

from __future__ import annotations

import unicodedata
from typing import Any

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from tinhieu.query import Query, compile_query
from tinhieu.query.matcher import Row, ascii_fold, compile_node

from .helpers import table_of
from .strategies import mentions, queries, texts


def test_matches_a_mention_dict() -> None:
    q = compile_query('("giao hàng" OR ship) NEAR/3 (chậm OR "lâu quá") AND NOT platform:news')
    assert isinstance(q, Query)
    assert q.matches({"text": "Giao hàng CHẬM quá 😡", "platform": "facebook"})
    assert q.matches({"title": "Ship lâu quá", "platform": "tiktok"})
    assert not q.matches({"text": "Giao hàng CHẬM quá", "platform": "news"})
    assert not q.matches({"text": "giao hàng, đóng gói, in hoá đơn rồi mới chậm"})
    assert not q.matches({})


def test_nfd_and_nfc_text_match_alike() -> None:
    text = "Bánh mì Đà Nẵng ngon, giao hàng nhanh #highlands"
    for query in ['"bánh mì"', '="bánh mì"', "da NEAR/0 nang", "#highlands", "=nẵ*", "đà"]:
        q = compile_query(query)
        assert q.matches({"text": text})
        assert q.matches({"text": unicodedata.normalize("NFD", text)})
        assert q.matches({"text": unicodedata.normalize("NFD", text.upper())})


def test_values_that_are_not_strings() -> None:
    q = compile_query("12345 OR lang:vi")
    assert q.matches({"text": 12345})
    assert not q.matches({"text": None, "title": None, "language": None})


def test_match_table_agrees_with_matches() -> None:
    rows: list[dict[str, Any]] = [
        {"text": "giao hàng chậm", "platform": "facebook", "language": "vi"},
        {"text": None, "title": "Giao hàng", "platform": "news", "language": None},
        {"text": "ship nhanh", "platform": "tiktok", "language": "en"},
        {"text": "", "platform": "forum", "language": "vi"},
    ]
    table = table_of(rows)
    for query in ["giao", "NOT lang:vi", "giao AND platform:news", "NOT giao", "ship*"]:
        q = compile_query(query)
        flags = q.match_table(table)
        assert isinstance(flags, pa.BooleanArray)
        assert flags.null_count == 0
        assert flags.to_pylist() == [q.matches(r) for r in rows]
        batch = table.to_batches()[0]
        assert q.match_table(batch).to_pylist() == flags.to_pylist()


def test_match_table_reads_missing_columns_as_null() -> None:
    table = pa.table({"text": ["giao hàng", "ship"]})
    assert compile_query("giao").match_table(table).to_pylist() == [True, False]
    assert compile_query("NOT lang:vi").match_table(table).to_pylist() == [True, True]
    assert compile_query("platform:news").match_table(table).to_pylist() == [False, False]
    assert compile_query("giao").match_table(table.slice(0, 0)).to_pylist() == []


# --- highlight -----------------------------------------------------------------------------


def spans(query: str, text: str) -> list[str]:
    return [text[s:e] for s, e in compile_query(query).highlight(text)]


def test_highlight_words_phrases_and_tags() -> None:
    text = "Giao hàng chậm quá, ship ơi! #GiaoHang @shop"
    assert spans("giao OR ship", text) == ["Giao", "ship"]
    assert spans('"giao hàng" OR #giaohang', text) == ["Giao hàng", "#GiaoHang"]
    assert spans("giaohang", text) == ["#GiaoHang"]
    assert spans("@shop", text) == ["@shop"]
    assert spans("gi*", text) == ["Giao", "#GiaoHang"]
    assert spans("=chậm", text) == ["chậm"]
    assert spans("=cham", text) == []


def test_highlight_skips_negated_terms_and_far_near_operands() -> None:
    text = "giao hàng hôm qua mà lâu quá trời luôn, giao nhanh"
    assert spans("giao AND NOT lâu", text) == ["giao", "giao"]
    assert spans("NOT NOT lâu", text) == ["lâu"]
    assert spans("giao NEAR/1 nhanh", text) == ["giao", "nhanh"]
    assert spans('"lâu quá" NEAR/2 hôm', text) == ["hôm", "lâu quá"]
    assert spans("hôm NEAR/0 luôn", text) == []
    assert spans("platform:news", text) == []


def test_highlight_offsets_are_in_the_original_text() -> None:
    text = unicodedata.normalize("NFD", "Đặt HÀNG xong 😡 chờ mãi")
    found = compile_query('"đặt hàng" OR mai').highlight(text)
    assert [text[s:e] for s, e in found] == [
        unicodedata.normalize("NFD", "Đặt HÀNG"),
        unicodedata.normalize("NFD", "mãi"),
    ]
    assert compile_query("x").highlight("") == []
    assert compile_query("x").highlight("!!!") == []


def test_highlight_merges_overlapping_spans() -> None:
    text = "a b c d"
    assert spans('"a b" OR "b c"', text) == ["a b c"]
    assert compile_query('"a b" OR "c d"').highlight(text) == [(0, 3), (4, 7)]


# --- the prefilter never changes a result ----------------------------------------------------


@settings(max_examples=100, deadline=None, database=None)
@given(query=queries, rows=st.lists(mentions(), min_size=1, max_size=5))
def test_prefilter_only_rejects_rows_that_do_not_match(
    query: str, rows: list[dict[str, Any]]
) -> None:
    exact, prefilter = compile_node(compile_query(query).root)
    for row in rows:
        if prefilter is not None and exact(Row(row)):
            assert prefilter(Row(row).ascii), (query, row)


@settings(max_examples=200, deadline=None, database=None)
@given(text=texts(), word=st.sampled_from(["giao", "hang", "dat", "cham", "an", "x", "10k"]))
def test_ascii_fold_keeps_every_ascii_key(text: str, word: str) -> None:
    q = compile_query(word)
    if q.matches({"text": text}):
        assert word.encode() in ascii_fold(text)
