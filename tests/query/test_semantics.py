"""What each operator means, checked on hand-made mentions in memory and in SQL."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from tinhieu.store import DuckDBStore

from .helpers import insert, memory_ids, sql_ids

NFD = unicodedata.normalize("NFD", "GIAO HÀNG CHẬM")

MENTIONS: list[dict[str, Any]] = [
    # 0
    {
        "text": "Giao hàng chậm quá, shop ơi!",
        "platform": "facebook",
        "kind": "comment",
        "language": "vi",
        "author_name": "Nguyễn Văn An",
        "author_id": "100012345",
    },
    # 1
    {"text": "giao hang cham qua", "platform": "tiktok", "kind": "comment", "language": "vi"},
    # 2: decomposed (NFD) upper case; the store keeps NFC, the matcher gets it as is
    {"text": NFD, "platform": "facebook", "kind": "comment", "language": "vi"},
    # 3
    {
        "text": "Ship nhanh, đóng gói đẹp 👍 #highlands",
        "platform": "facebook",
        "kind": "post",
        "language": "vi",
        "author_name": "Highlands Coffee",
        "author_id": "highlands_vn",
    },
    # 4: "#" and "@" right after a word are no tags
    {"text": "abc#highlands xyz@ship", "platform": "forum", "kind": "post", "language": "vi"},
    # 5: a phrase does not run from the title into the text
    {"title": "Giao hàng", "text": "chậm quá", "platform": "news", "kind": "article"},
    # 6
    {"text": "Bánh mì Đà Nẵng ngon ❤️ngon", "platform": "tiktok", "kind": "video"},
    # 7
    {"text": "banh mi da nang", "platform": "tiktok", "kind": "comment", "language": "en"},
    # 8: giao(0) hàng(1) hôm(2) qua(3) mà(4) lâu(5) quá(6) trời(7) luôn(8)
    {"text": "giao hàng hôm qua mà lâu quá trời luôn", "platform": "facebook", "kind": "reply"},
    # 9
    {"text": "@shopee_vn giao trễ", "platform": "facebook", "kind": "reply", "language": "en"},
    # 10
    {"text": "covid_19 covid-19 10k", "platform": "forum", "kind": "post", "language": "vi"},
    # 11
    {"text": "tôi không đặt hàng", "platform": "review", "kind": "review", "language": "vi"},
    # 12: no text, only a title
    {"title": "Highlands mới mở", "platform": "news", "kind": "article", "language": "vi"},
    # 13: almost nothing
    {"text": "x", "platform": "other", "kind": "post"},
]
ALL = set(range(len(MENTIONS)))

CASES: list[tuple[str, set[int]]] = [
    # words: case, diacritics, NFD and đ/Đ are ignored
    ("giao", {0, 1, 2, 5, 8, 9}),
    ("GIAO", {0, 1, 2, 5, 8, 9}),
    ("chậm", {0, 1, 2, 5}),
    ("cham", {0, 1, 2, 5}),
    ("đặt", {11}),
    ("DAT", {11}),
    ("mới", {12}),
    ("x", {13}),
    ("oi", {0}),
    ("tre", {9}),
    # accent-sensitive terms keep diacritics (still case-insensitive, NFD = NFC)
    ("=chậm", {0, 2, 5}),
    ("=CHẬM", {0, 2, 5}),
    ("=cham", {1}),
    ("=oi", set()),
    ("=trễ", {9}),
    ('="bánh mì"', {6}),
    ('="giao hàng"', {0, 2, 5, 8}),
    # phrases: consecutive tokens, whatever lies between them, never title -> text
    ('"giao hàng"', {0, 1, 2, 5, 8}),
    ("“giao hàng”", {0, 1, 2, 5, 8}),
    ('"giao hàng chậm"', {0, 1, 2}),
    ('"bánh mì"', {6, 7}),
    ('"shop ơi"', {0}),
    ('"nẵng ngon"', {6}),
    ('"ngon ngon"', {6}),
    ('"covid 19"', {10}),
    ("covid-19", {10}),
    ("covid_19", {10}),
    ("covid", {10}),
    ("shopee", set()),
    ("shopee_vn", {9}),
    # wildcards
    ("gi*", {0, 1, 2, 5, 8, 9}),
    ("hom*", {8}),
    ("hôm*", {8}),
    ('"giao h*"', {0, 1, 2, 5, 8}),
    ("=hô*", {8}),
    ("=ho*", set()),
    # hashtags and mentions
    ("#highlands", {3}),
    ("highlands", {3, 4, 12}),
    ('"#highlands"', {3}),
    ("@shopee_vn", {9}),
    ("#shopee_vn", set()),
    ("@ship", set()),
    ("ship", {3, 4}),
    ("#high*", {3}),
    # boolean operators, precedence NOT > AND > OR, adjacency is AND
    ("giao AND chậm", {0, 1, 2, 5}),  # each term in the title or the text
    ("giao chậm", {0, 1, 2, 5}),
    ("giao AND NOT chậm", {8, 9}),
    ("giao NOT chậm", {8, 9}),
    ("giao OR ship AND nhanh", {0, 1, 2, 3, 5, 8, 9}),
    ("(giao OR ship) AND nhanh", {3}),
    ("NOT giao AND ship", {3, 4}),
    ("NOT (giao OR ship)", ALL - {0, 1, 2, 3, 4, 5, 8, 9}),
    ("NOT NOT giao", {0, 1, 2, 5, 8, 9}),
    ("giao ship", set()),
    ("giao and hàng", set()),  # lower-case "and" is a word
    ("giao OR or", {0, 1, 2, 5, 8, 9}),
    # NEAR: at most n tokens between, either order; NEAR/nf and ONEAR/n: left first
    ("giao NEAR/0 hang", {0, 1, 2, 5, 8}),
    ("hang NEAR/0 giao", {0, 1, 2, 5, 8}),
    ("hang NEAR/0f giao", set()),
    ("giao ONEAR/0 hang", {0, 1, 2, 5, 8}),
    ("chậm NEAR/0 giao", set()),
    ("chậm NEAR/1 giao", {0, 1, 2}),
    ("chậm NEAR/1f giao", set()),
    ("qua NEAR/1 giao", set()),
    ("qua NEAR/2 giao", {0, 1, 8}),
    ('giao NEAR/3 "lâu quá"', set()),
    ('giao NEAR/4 "lâu quá"', {8}),
    ('giao NEAR/4f "lâu quá"', {8}),
    ('"lâu quá" NEAR/4f giao', set()),
    ('"lâu quá" ONEAR/4 giao', set()),
    ('"lâu quá" NEAR/4 giao', {8}),
    ("(giao OR ship) NEAR/1 (chậm OR nhanh)", {0, 1, 2, 3}),
    ('"giao hàng" NEAR/0 chậm', {0, 1, 2}),
    ("đóng NEAR/1 đẹp", {3}),
    ("gi* NEAR/1 tre", {9}),
    ("giao NEAR/1000 luôn", {8}),
    ('("giao hàng" OR ship) NEAR/3 (chậm OR "lâu quá") AND NOT platform:news', {0, 1, 2, 8}),
    ('("giao hàng" OR ship) NEAR/2 (chậm OR "lâu quá") AND NOT platform:news', {0, 1, 2}),
    # fields
    ("platform:facebook", {0, 2, 3, 8, 9}),
    ("platform:Facebook", {0, 2, 3, 8, 9}),
    ('platform:"news"', {5, 12}),
    ("kind:comment", {0, 1, 2, 7}),
    ("lang:vi", {0, 1, 2, 3, 4, 10, 11, 12}),
    ("language:en", {7, 9}),
    ("NOT lang:vi", {5, 6, 7, 8, 9, 13}),
    ("giao AND platform:facebook", {0, 2, 8, 9}),
    ("giao NOT platform:facebook", {1, 5}),
    # authors: the whole name or id (a trailing * : starts with), tags ignored
    ('author:"nguyen van an"', {0}),
    ('author:"Nguyễn Văn An"', {0}),
    ("author:nguyen", set()),
    ("author:nguyen*", {0}),
    ('author:"nguyễn văn*"', {0}),
    ('author:"nguyen van"', set()),
    ("author:100012345", {0}),
    ("author:highlands_vn", {3}),
    ("author:@highlands_vn", {3}),
    ('author:"highlands coffee"', {3}),
    ("author:highlands*", {3}),
    ('author:="Nguyen Van An"', set()),
    ('author:="nguyễn văn an"', {0}),
    ("NOT author:highlands*", ALL - {3}),
]


@pytest.fixture(scope="module")
def workspace(store: DuckDBStore) -> str:
    return insert(store, MENTIONS)


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[q for q, _ in CASES])
def test_query_selects(store: DuckDBStore, workspace: str, query: str, expected: set[int]) -> None:
    assert memory_ids(MENTIONS, query) == expected
    assert sql_ids(store, workspace, query) == expected
