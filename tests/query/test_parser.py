"""Parsing: precedence, operators, terms, normalised form and syntax errors."""

from __future__ import annotations

import pickle

import pytest

from tinhieu.query import QuerySyntaxError, compile_query, explain
from tinhieu.query.ast import And, Author, Element, FieldFilter, Near, Not, Or, Term
from tinhieu.query.parser import MAX_DEPTH, MAX_LENGTH, parse


def w(key: str, tag: str = "", prefix: bool = False, sensitive: bool = False) -> Term:
    return Term((Element(key, tag, prefix, sensitive),))  # type: ignore[arg-type]


def phrase(*keys: str, sensitive: bool = False) -> Term:
    return Term(tuple(Element(k, "", False, sensitive) for k in keys))


# --- precedence and operators --------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("a OR b AND c", Or((w("a"), And((w("b"), w("c")))))),
        ("a AND b OR c", Or((And((w("a"), w("b"))), w("c")))),
        ("NOT a AND b", And((Not(w("a")), w("b")))),
        ("NOT a OR b", Or((Not(w("a")), w("b")))),
        ("a AND NOT b OR c", Or((And((w("a"), Not(w("b")))), w("c")))),
        ("a NOT b", And((w("a"), Not(w("b"))))),
        ("a b c", And((w("a"), w("b"), w("c")))),
        ("a b OR c", Or((And((w("a"), w("b"))), w("c")))),
        ("a (b OR c)", And((w("a"), Or((w("b"), w("c")))))),
        ("NOT (a OR b)", Not(Or((w("a"), w("b"))))),
        ("NOT NOT a", Not(Not(w("a")))),
        ("((a))", w("a")),
        ("(a OR b) OR (c OR d)", Or((w("a"), w("b"), w("c"), w("d")))),
        ("a and b", And((w("a"), w("and"), w("b")))),
        ("a or b", And((w("a"), w("or"), w("b")))),
        ("a Not b", And((w("a"), w("not"), w("b")))),
        ("NOT a NEAR/2 b", Not(Near((w("a"),), (w("b"),), 2, False))),
        ("a NEAR/2 b OR c", Or((Near((w("a"),), (w("b"),), 2, False), w("c")))),
    ],
)
def test_precedence(query: str, tree: object) -> None:
    assert parse(query) == tree


@pytest.mark.parametrize(
    ("query", "distance", "ordered"),
    [
        ("a NEAR/3 b", 3, False),
        ("a NEAR/0 b", 0, False),
        ("a NEAR/3f b", 3, True),
        ("a ONEAR/7 b", 7, True),
        ("a ONEAR/7f b", 7, True),
        ("a NEAR/1000 b", 1000, False),
    ],
)
def test_near_forms(query: str, distance: int, ordered: bool) -> None:
    assert parse(query) == Near((w("a"),), (w("b"),), distance, ordered)


def test_near_operands_may_be_phrases_wildcards_and_or_groups() -> None:
    tree = parse('("giao hàng" OR ship* OR (#tag OR x)) NEAR/3f "lâu quá"')
    assert tree == Near(
        (phrase("giao", "hang"), w("ship", prefix=True), w("tag", "#"), w("x")),
        (phrase("lau", "qua"),),
        3,
        True,
    )


def test_near_is_not_an_operator_in_lower_case() -> None:
    # "near/3" is the phrase "near 3"
    assert parse("a near/3 b") == And((w("a"), phrase("near", "3"), w("b")))
    assert parse("NEARBY") == w("nearby")


# --- terms ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("Giao", w("giao")),
        ("ĐẶT", w("dat")),
        ("=ĐẶT", w("đặt", sensitive=True)),
        ("=Bánh", w("bánh", sensitive=True)),
        ("giao*", w("giao", prefix=True)),
        ("=gì*", w("gì", prefix=True, sensitive=True)),
        ("#Highlands", w("highlands", "#")),
        ("@shopee_vn", w("shopee_vn", "@")),
        ("#giao*", w("giao", "#", prefix=True)),
        ('"giao hàng"', phrase("giao", "hang")),
        ("“giao hàng”", phrase("giao", "hang")),
        ('"giao, hàng!!"', phrase("giao", "hang")),
        ('="giao hàng"', phrase("giao", "hàng", sensitive=True)),
        ("giao-hàng", phrase("giao", "hang")),
        ("giao_hàng", w("giao_hang")),
        ('"giao h*"', Term((Element("giao"), Element("h", "", True)))),
        ('"ăn #highlands"', Term((Element("an"), Element("highlands", "#")))),
        ("a#b", phrase("a", "b")),
        ("platform:facebook", FieldFilter("platform", "facebook")),
        ("PLATFORM:TikTok", FieldFilter("platform", "tiktok")),
        ('platform:"news"', FieldFilter("platform", "news")),
        ("kind:comment", FieldFilter("kind", "comment")),
        ("lang:vi", FieldFilter("lang", "vi")),
        ("language:en", FieldFilter("lang", "en")),
        ('author:"Nguyễn Văn A"', Author((Element("nguyen"), Element("van"), Element("a")))),
        ("author:@highlands", Author((Element("highlands"),))),
        ("author:nguyen*", Author((Element("nguyen", "", True),))),
        ('author:="Tên"', Author((Element("tên", "", False, True),))),
        ("https://shopee.vn/x", phrase("https", "shopee", "vn", "x")),
    ],
)
def test_terms(query: str, tree: object) -> None:
    assert parse(query) == tree


def test_decomposed_query_is_the_composed_one() -> None:
    import unicodedata

    query = '="bánh mì" AND đặt* AND "Giao Hàng"'
    assert parse(unicodedata.normalize("NFD", query)) == parse(query)


# --- explain ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "normal"),
    [
        (
            '("giao hàng" OR ship) NEAR/3 (chậm OR "lâu quá") AND NOT platform:news',
            '("giao hang" OR ship) NEAR/3 (cham OR "lau qua") AND NOT platform:news',
        ),
        ("a b", "a AND b"),
        ("a OR (b c)", "a OR b AND c"),
        ("(a OR b) c", "(a OR b) AND c"),
        ("NOT (a b)", "NOT (a AND b)"),
        ("NOT (a NEAR/2 b)", "NOT a NEAR/2 b"),
        ("a ONEAR/2 b", "a NEAR/2f b"),
        ("=Bánh #Tag @Me gi* “x y”", '=bánh AND #tag AND @me AND gi* AND "x y"'),
        ("author:nguyen* lang:vi kind:post", 'author:"nguyen*" AND lang:vi AND kind:post'),
        ('author:="Tên A"', 'author:="tên a"'),
    ],
)
def test_explain(query: str, normal: str) -> None:
    assert explain(query) == normal
    assert explain(normal) == normal
    assert compile_query(normal) == compile_query(query)
    assert compile_query(query).explain() == normal


# --- errors -------------------------------------------------------------------------------

TERM = "a search term"


@pytest.mark.parametrize(
    ("query", "position", "expected"),
    [
        ("", 0, TERM),
        ("   ", 3, TERM),
        ("a AND", 5, TERM),
        ("AND a", 0, TERM),
        ("a OR OR b", 5, TERM),
        ("NOT", 3, TERM),
        ("()", 1, TERM),
        ("a ()", 3, TERM),
        ("=", 1, TERM),
        ("(a OR b", 7, '")"'),
        ("((a) OR b", 9, '")"'),
        ("a OR b)", 6, "an operator"),
        ('"giao hàng', 10, "a closing quote"),
        ('a "b" "c', 8, "a closing quote"),
        ("a NEAR/3", 8, TERM),
        ("NEAR/3 b", 0, TERM),
        ("a NEAR b", 2, "NEAR/n"),
        ("a NEAR/ b", 2, "NEAR/n"),
        ("a NEAR/x b", 2, "NEAR/n"),
        ("a NEAR/1001 b", 2, "NEAR/n"),
        ("a NEAR/3 b NEAR/2 c", 11, "NEAR cannot be chained"),
        ("(giao hàng OR ship) NEAR/3 chậm", 1, "operand of NEAR"),
        ("platform:news NEAR/3 x", 0, "operand of NEAR"),
        ("x NEAR/3 (a OR NOT b)", 15, "operand of NEAR"),
        ("foo:bar", 0, "a field name"),
        ("platform:fb", 9, "a platform"),
        ("kind:thread", 5, "a kind"),
        ("lang:vietnamese", 5, "a language code"),
        ("author:", 7, "a value after author:"),
        ("platform: facebook", 9, "a value after platform:"),
        ('author:""', 8, "a value after author:"),
        ("gi*ao", 2, '"*" only at the end'),
        ("*", 0, '"*" only at the end'),
        ('"giao *"', 6, '"*" only at the end'),
        ("!!!", 0, "a word"),
        ('""', 1, "a word"),
        ("😡", 0, "a word"),
        ("-spam", 0, "NOT instead of"),
        ("giao -spam", 5, "NOT instead of"),
    ],
)
def test_syntax_errors(query: str, position: int, expected: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        compile_query(query)
    error = info.value
    assert isinstance(error, ValueError)
    assert error.position == position
    assert expected in error.expected
    assert f"position {position}" in error.message("en")
    assert error.expected in error.message("en")
    assert f"vị trí {position}" in error.message("vi")
    assert error.expected_in("vi") in error.message("vi")
    assert error.message() == error.message("vi")


def test_error_message_caret_and_languages() -> None:
    with pytest.raises(QuerySyntaxError) as info:
        compile_query('(giao OR ship AND "chậm')
    error = info.value
    assert error.position == 23
    assert error.caret() == '(giao OR ship AND "chậm\n                       ^'
    assert error.message("en") == (
        "Query syntax error at position 23: expected a closing quote, found the end of "
        "the query. The phrase opened at position 18 is not closed."
    )
    assert error.message("vi") == (
        "Lỗi cú pháp truy vấn ở vị trí 23: cần dấu ngoặc kép đóng, nhưng gặp kết thúc "
        "truy vấn. Cụm từ mở ở vị trí 18 chưa được đóng."
    )
    assert str(error) == error.format("vi") == error.message("vi") + "\n" + error.caret()
    assert error.format("en").endswith("\n" + error.caret())


def test_caret_points_at_the_line_and_column_on_screen() -> None:
    with pytest.raises(QuerySyntaxError) as info:
        compile_query("giao hàng\nAND\tOR x")
    error = info.value
    assert error.position == 14
    assert error.caret() == "AND\tOR x\n   \t^"
    with pytest.raises(QuerySyntaxError) as info:
        compile_query("天气 AND")  # wide characters take two columns
    assert info.value.caret() == "天气 AND\n        ^"


def test_errors_pickle() -> None:
    with pytest.raises(QuerySyntaxError) as info:
        compile_query("a AND")
    copy = pickle.loads(pickle.dumps(info.value))
    assert (copy.position, copy.expected, copy.message("en")) == (
        info.value.position,
        info.value.expected,
        info.value.message("en"),
    )


# --- hostile input -------------------------------------------------------------------------


def test_too_long_and_too_deep_queries_are_errors_not_crashes() -> None:
    with pytest.raises(QuerySyntaxError) as info:
        compile_query("a " * (MAX_LENGTH // 2 + 1))
    assert info.value.position == MAX_LENGTH
    deep = "(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1)
    with pytest.raises(QuerySyntaxError) as info:
        compile_query(deep)
    assert info.value.position == MAX_DEPTH
    assert compile_query("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH).explain() == "a"
    with pytest.raises(QuerySyntaxError):
        compile_query("NOT " * (MAX_DEPTH + 1) + "a")


def test_sql_injection_is_just_words_or_an_error() -> None:
    assert explain('"\'; DROP TABLE mentions; --"') == '"drop table mentions"'
    assert explain("x' OR '1'='1") == 'x OR "1 1"'
    with pytest.raises(QuerySyntaxError) as info:
        compile_query("'; DROP TABLE mentions; --")
    assert info.value.position == 0  # "';" has no word in it


@pytest.mark.parametrize(
    ("query", "normal"),
    [
        ("a.b", '"a b"'),
        ("a.+b", '"a b"'),
        ('"x|y"', '"x y"'),
        ('"(a+)+$"', "a"),
        ("\\d{3}", '"d 3"'),
        ("[ab]", "ab"),
        ("^c$", "c"),
        ("a\x00b", '"a b"'),
        ("ho?", "ho"),
        ('"a.*b"', None),
    ],
)
def test_regex_metacharacters_are_separators(query: str, normal: str | None) -> None:
    if normal is None:  # "*" after a separator is no wildcard
        with pytest.raises(QuerySyntaxError):
            compile_query(query)
    else:
        assert explain(query) == normal


@pytest.mark.parametrize("query", [".*+?[](){}|\\^$", "$", "\\", "|", "?"])
def test_a_term_without_letters_is_an_error(query: str) -> None:
    with pytest.raises(QuerySyntaxError):
        compile_query(query)
