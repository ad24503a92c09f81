"""The tokenisation rule and its two spellings (Python for the matcher, RE2 for SQL)."""

from __future__ import annotations

import unicodedata

import duckdb
import pyarrow as pa
import pytest

from tinhieu.query.tokens import (
    _case_rep,
    insensitive_key,
    re2_key_char,
    re2_word_class,
    sensitive_key,
    spans,
    split_tags,
    split_tokens,
    tables,
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


VIETNAMESE_VOWELS = {
    "a": "aàáảãạăằắẳẵặâầấẩẫậ",
    "e": "eèéẻẽẹêềếểễệ",
    "i": "iìíỉĩị",
    "o": "oòóỏõọôồốổỗộơờớởỡợ",
    "u": "uùúủũụưừứửữự",
    "y": "yỳýỷỹỵ",
    "d": "dđ",
}


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Giao hàng, chậm quá!!! 😡", ["Giao", "hàng", "chậm", "quá"]),
        ("❤️ngon❤️quá", ["ngon", "quá"]),  # U+FE0F of the emoji separates
        ("giao_hàng covid-19 a.b", ["giao_hàng", "covid", "19", "a", "b"]),
        (unicodedata.normalize("NFD", "hàng chậm"), [nfd("hàng"), nfd("chậm")]),
        ("x\u0301y", ["x\u0301y"]),  # a mark continues the token
        ("1️⃣ bấm", ["1", "bấm"]),  # keycap: U+FE0F and the enclosing U+20E3 separate
        ("", []),
        ("  \n\t ", []),
        ("10k 100%", ["10k", "100"]),
        ("‘trích’ “dẫn” — gạch…", ["trích", "dẫn", "gạch"]),
        ("天气很好 Привет мир", ["天气很好", "Привет", "мир"]),
    ],
)
def test_tokens(text: str, tokens: list[str]) -> None:
    assert split_tokens(text) == tokens
    assert [s.token for s in spans(text)] == tokens


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("#highlands (#abc) x#y ##z @me a@b.com", ["#", "#", "x", "", "#", "@", "a", "", ""]),
        ("#đầu", ["#"]),
        ("ăn#highlands", ["", ""]),
        ("ăn !#x", ["", "#"]),
        ("@@x", ["@"]),
        ("#@x", ["@"]),
    ],
)
def test_tags(text: str, tags: list[str]) -> None:
    expected = [t if t in ("#", "@") else "" for t in tags]
    assert split_tags(text) == expected
    assert [s.tag for s in spans(text)] == expected


def test_spans_are_offsets_in_the_original_text() -> None:
    text = unicodedata.normalize("NFD", "Giao hàng #nhanh, ĐẸP!")
    found = [(s.start, s.end, text[s.start : s.end]) for s in spans(text)]
    assert [f[2] for f in found] == ["Giao", nfd("hàng"), "#nhanh", nfd("ĐẸP")]
    assert found[0][:2] == (0, 4)


@pytest.mark.parametrize(
    ("token", "key"),
    [
        ("Giao", "giao"),
        ("GIAO", "giao"),
        ("hàng", "hang"),
        (unicodedata.normalize("NFD", "HÀNG"), "hang"),
        ("Đặt", "dat"),
        ("ĐẶT", "dat"),
        ("Nguyễn", "nguyen"),
        ("ƯỚC", "uoc"),
        ("x\u0301", "x\u0301"),  # composes with nothing: stays
        ("ſhip", "ship"),  # long s: simple case folding, as RE2's (?i)
        ("Straße", "straße"),
        ("covid_19", "covid_19"),
    ],
)
def test_insensitive_keys(token: str, key: str) -> None:
    assert insensitive_key(token) == key


def test_sensitive_keys_fold_case_and_normalisation_only() -> None:
    assert sensitive_key("Bánh") == "bánh"
    assert sensitive_key(unicodedata.normalize("NFD", "BÁNH")) == "bánh"
    assert sensitive_key("Đặt") == "đặt"
    assert sensitive_key("banh") == "banh"


def test_every_vietnamese_letter_folds_to_its_base() -> None:
    for base, letters in VIETNAMESE_VOWELS.items():
        for letter in letters + letters.upper():
            assert insensitive_key(letter) == base, letter
            members = re2_key_char(base)
            assert letter.lower() in members, (base, letter)


def test_accent_classes_hold_only_letters_that_fold_to_the_key() -> None:
    for key_char, members in tables().classes.items():
        for ch in members:
            assert insensitive_key(ch) == key_char, (key_char, ch)


def test_re2_word_class_is_the_python_rule_on_every_assigned_character() -> None:
    """The relaxed RE2 class agrees with the Python classification everywhere it
    matters: on every assigned code point below U+20000 (and the tag and
    variation-selector planes)."""
    t = tables()
    points = [
        cp
        for cp in (*range(0x20, 0xD800), *range(0xE000, 0x20000), *range(0xE0000, 0xE01F0))
        if unicodedata.category(chr(cp)) not in ("Cn", "Co", "Cs")
    ]
    expected = [bool(t.word_re.fullmatch(chr(cp))) for cp in points]
    chars = pa.table({"ch": list(map(chr, points)), "word": expected})
    con = duckdb.connect()
    con.register("c", chars)
    wrong = con.execute(
        "SELECT ch, word FROM c WHERE regexp_full_match(ch, ?) <> word LIMIT 20",
        [re2_word_class()],
    ).fetchall()
    assert wrong == []
    assert expected.count(True) > 60_000
    assert expected.count(False) > 5_000


CASE_SAMPLE = (
    "aAàÀảẢăĂắẮâÂđĐeEêÊếẾiIıİoOơƠờỜuUưƯứỨyYỳỲkKK sSſ åÅÅ ßẞ σΣς θΘϑϴ µμΜ ιΙ\u1fbe бБ ǆǅǄ"
).replace(" ", "")


def test_case_folding_is_the_one_re2_uses() -> None:
    """Two characters are equal for the matcher exactly when RE2's (?i) says so."""
    pairs = [(a, b) for a in CASE_SAMPLE for b in CASE_SAMPLE]
    con = duckdb.connect()
    con.register(
        "p",
        pa.table(
            {
                "a": [a for a, _ in pairs],
                "b": [b for _, b in pairs],
                "pattern": ["(?i)" + f"\\x{{{ord(b):x}}}" for _, b in pairs],
            }
        ),
    )
    re2 = {
        (a, b): bool(m)
        for a, b, m in con.execute("SELECT a, b, regexp_full_match(a, pattern) FROM p").fetchall()
    }
    for a, b in pairs:
        assert (_case_rep(a) == _case_rep(b)) == re2[(a, b)], (a, b)
