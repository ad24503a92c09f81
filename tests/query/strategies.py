"""Hypothesis strategies: Vietnamese-ish mentions and random queries over the same words."""

from __future__ import annotations

import random
import unicodedata
from typing import Any

from hypothesis import strategies as st

from tinhieu.text.normalise import fold

# Words with and without diacritics, sharing folded forms ("hàng"/"hang"/"háng").
WORDS = [
    "giao",
    "hàng",
    "hang",
    "háng",
    "chậm",
    "cham",
    "quá",
    "qua",
    "ship",
    "bánh",
    "banh",
    "mì",
    "mi",
    "đặt",
    "dat",
    "ngon",
    "highlands",
    "lâu",
    "tệ",
    "đà",
    "nẵng",
    "ơi",
    "gì",
    "gi",
    "ăn",
    "an",
    "ân",
    "ưng",
    "10k",
    "covid_19",
    "x",
]
AUTHORS = ["Nguyễn Văn An", "nguyen van an", "Highlands Coffee", "@highlands_vn", "Bánh Mì 25"]
AUTHOR_IDS = ["100012345", "highlands_vn", "nguyen.van.an", "shop-ĐẸP"]
PLATFORMS = ["facebook", "tiktok", "news", "forum"]
KINDS = ["post", "comment", "article"]
LANGS = ["vi", "en", None]

SEPARATORS = [
    " ",
    " ",
    " ",
    "  ",
    ", ",
    ". ",
    "!",
    "?!",
    "...",
    "\n",
    " - ",
    "-",
    "/",
    "'",
    ":",
    "(",
    ") ",
    '"',
    "“",
    "” ",
    " ❤️ ",
    "❤️",
    "😍",
    " 😡 ",
    "\u200d",
    "\t",
    " \u0301",  # a stray combining mark after a space: a separator
    "\ufe0f",
    "#",
    " #",
    "@",
    " @",
    "_",  # joins two words into one token
    "",  # glues two words into one token
]


def _variant(word: str, how: str) -> str:
    if how == "fold":
        return fold(word)
    if how == "upper":
        return word.upper()
    if how == "title":
        return word.title()
    if how == "nfd":
        return unicodedata.normalize("NFD", word)
    if how == "nfd_upper":
        return unicodedata.normalize("NFD", word.upper())
    if how == "mark":  # an extra combining mark inside the token
        return word + "\u0300"
    return word


VARIANTS = ["same", "same", "same", "fold", "upper", "title", "nfd", "nfd_upper", "mark"]


@st.composite
def texts(draw: st.DrawFn, max_words: int = 12) -> str:
    n = draw(st.integers(0, max_words))
    out = [draw(st.sampled_from(["", "", " ", "#", "@", "❤️", "\u0301"]))]
    for i in range(n):
        if i:
            out.append(draw(st.sampled_from(SEPARATORS)))
        out.append(_variant(draw(st.sampled_from(WORDS)), draw(st.sampled_from(VARIANTS))))
    out.append(draw(st.sampled_from(["", "", ".", " 😍", "#", "\u0301"])))
    return "".join(out)


@st.composite
def mentions(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "title": draw(st.one_of(st.none(), texts(max_words=5))),
        "text": draw(st.one_of(st.none(), texts())),
        "platform": draw(st.sampled_from(PLATFORMS)),
        "kind": draw(st.sampled_from(KINDS)),
        "language": draw(st.sampled_from(LANGS)),
        "author_name": draw(
            st.one_of(st.none(), st.sampled_from(AUTHORS).map(lambda a: _variant(a, "same")))
        ),
        "author_id": draw(st.one_of(st.none(), st.sampled_from(AUTHOR_IDS))),
    }


# --- queries -------------------------------------------------------------------------------

QUERY_VARIANTS = ["same", "same", "fold", "upper", "title", "nfd"]


@st.composite
def query_words(draw: st.DrawFn) -> str:
    """One word term: maybe a hashtag/mention, a prefix wildcard, accent-sensitive."""
    word = _variant(draw(st.sampled_from(WORDS)), draw(st.sampled_from(QUERY_VARIANTS)))
    if draw(st.integers(0, 4)) == 0:
        word = word[: draw(st.integers(1, len(word)))] + "*"
        if word.startswith("*") or unicodedata.combining(word[-2]):
            word = word.lstrip("*") or "a"
            word = word.rstrip("*") + "*"
    tag = draw(st.sampled_from(["", "", "", "", "#", "@"]))
    return tag + word


@st.composite
def phrases(draw: st.DrawFn) -> str:
    words = draw(st.lists(query_words(), min_size=1, max_size=3))
    open_q, close_q = draw(st.sampled_from([('"', '"'), ('"', '"'), ("“", "”")]))
    sep = draw(st.sampled_from([" ", " ", "  ", ", ", "-"]))
    return open_q + sep.join(words) + close_q


@st.composite
def terms(draw: st.DrawFn) -> str:
    term = draw(st.one_of(query_words(), query_words(), phrases()))
    if draw(st.integers(0, 5)) == 0:
        term = "=" + term
    return term


@st.composite
def fields(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["platform", "kind", "lang", "author"]))
    if kind == "platform":
        return "platform:" + draw(st.sampled_from(PLATFORMS))
    if kind == "kind":
        return "kind:" + draw(st.sampled_from(KINDS))
    if kind == "lang":
        return "lang:" + draw(st.sampled_from(["vi", "en"]))
    value = draw(st.sampled_from(AUTHORS + AUTHOR_IDS + ["nguyen", "highlands", "Nguyễn Văn"]))
    value = _variant(value, draw(st.sampled_from(["same", "fold", "upper", "nfd"])))
    if draw(st.booleans()):
        value = value.rstrip() + "*"
    eq = "=" if draw(st.integers(0, 4)) == 0 else ""
    return f'author:{eq}"{value}"'


@st.composite
def near_operands(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 3)) == 0:
        alts = draw(st.lists(terms(), min_size=2, max_size=3))
        return "(" + " OR ".join(alts) + ")"
    return draw(terms())


@st.composite
def nears(draw: st.DrawFn) -> str:
    n = draw(st.integers(0, 6))
    op = draw(st.sampled_from([f"NEAR/{n}", f"NEAR/{n}", f"NEAR/{n}f", f"ONEAR/{n}"]))
    return f"{draw(near_operands())} {op} {draw(near_operands())}"


leaves = st.one_of(terms(), terms(), terms(), fields(), nears())


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(children, children)
    return st.one_of(
        pair.map(lambda p: f"{p[0]} AND {p[1]}"),
        pair.map(lambda p: f"({p[0]}) ({p[1]})"),
        pair.map(lambda p: f"({p[0]}) OR ({p[1]})"),
        pair.map(lambda p: f"{p[0]} OR {p[1]}"),
        pair.map(lambda p: f"({p[0]}) AND NOT ({p[1]})"),
        children.map(lambda c: f"NOT ({c})"),
        children.map(lambda c: f"NOT {c}" if " " not in c else f"NOT ({c})"),
    )


queries = st.recursive(leaves, _combine, max_leaves=8)


# --- the same distributions with a plain random.Random (for a fixed corpus) -------------------


def random_text(rnd: random.Random, max_words: int = 12) -> str:
    n = rnd.randint(0, max_words)
    out = [rnd.choice(["", "", " ", "#", "@", "❤️", "\u0301"])]
    for i in range(n):
        if i:
            out.append(rnd.choice(SEPARATORS))
        out.append(_variant(rnd.choice(WORDS), rnd.choice(VARIANTS)))
    out.append(rnd.choice(["", "", ".", " 😍", "#", "\u0301"]))
    return "".join(out)


def random_mention(rnd: random.Random) -> dict[str, Any]:
    return {
        "title": None if rnd.random() < 0.6 else random_text(rnd, 5),
        "text": None if rnd.random() < 0.05 else random_text(rnd, 20),
        "platform": rnd.choice(PLATFORMS),
        "kind": rnd.choice(KINDS),
        "language": rnd.choice(LANGS),
        "author_name": None if rnd.random() < 0.2 else rnd.choice(AUTHORS),
        "author_id": None if rnd.random() < 0.2 else rnd.choice(AUTHOR_IDS),
    }
