"""Cut a query into lexemes: words, phrases, parentheses and operators.

Operators are the upper-case keywords ``AND``, ``OR``, ``NOT``, ``NEAR/n``,
``NEAR/nf`` and ``ONEAR/n``; in any other case they are plain words. A bare word runs
to the next space, parenthesis or quote. A phrase runs from a quote (``"``, ``“`` or
``”``) to the next one; ``=``, ``field:`` or ``field:=`` written right before the
opening quote belong to the phrase (``author:"Tên"``, ``="bánh mì"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from tinhieu.query import errors
from tinhieu.query.errors import QuerySyntaxError

Kind = Literal["WORD", "PHRASE", "LPAREN", "RPAREN", "AND", "OR", "NOT", "NEAR", "EOF"]

QUOTES: Final[str] = '"“”'
MAX_DISTANCE: Final[int] = 1000

_NEAR_RE: Final = re.compile(r"(NEAR|ONEAR)/([0-9]{1,7})(f?)")
_PHRASE_PREFIX_RE: Final = re.compile(r"=|[A-Za-z][A-Za-z_]*:=?")
_KEYWORDS: Final[dict[str, Kind]] = {"AND": "AND", "OR": "OR", "NOT": "NOT"}


@dataclass(frozen=True, slots=True)
class Lexeme:
    kind: Kind
    pos: int  # offset of the first character in the query
    end: int  # offset just after the last character
    text: str = ""  # WORD: the word; PHRASE: the text between the quotes
    prefix: str = ""  # PHRASE: "=", "field:" or "field:=" written before the quote
    content_pos: int = 0  # PHRASE: offset of the text between the quotes
    distance: int = 0  # NEAR
    ordered: bool = False  # NEAR/nf, ONEAR/n

    def describe(self) -> errors.Phrase:
        if self.kind == "EOF":
            return errors.END
        if self.kind == "PHRASE":
            return errors.found_text(f'{self.prefix}"{self.text}"')
        if self.kind == "LPAREN":
            return errors.found_text("(")
        if self.kind == "RPAREN":
            return errors.found_text(")")
        return errors.found_text(self.text)


def _is_break(ch: str) -> bool:
    return ch.isspace() or ch in "()" or ch in QUOTES


def lex(query: str) -> list[Lexeme]:
    """The lexemes of ``query``, ending with an EOF lexeme."""
    out: list[Lexeme] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            out.append(Lexeme("LPAREN", i, i + 1, "("))
            i += 1
        elif ch == ")":
            out.append(Lexeme("RPAREN", i, i + 1, ")"))
            i += 1
        elif ch in QUOTES:
            out.append(_phrase(query, i, i, ""))
            i = out[-1].end
        else:
            j = i
            while j < n and not _is_break(query[j]):
                j += 1
            word = query[i:j]
            if j < n and query[j] in QUOTES and _PHRASE_PREFIX_RE.fullmatch(word):
                out.append(_phrase(query, i, j, word))
                i = out[-1].end
                continue
            out.append(_word(query, i, j, word))
            i = j
    out.append(Lexeme("EOF", n, n))
    return out


def _phrase(query: str, start: int, quote: int, prefix: str) -> Lexeme:
    close = quote + 1
    while close < len(query) and query[close] not in QUOTES:
        close += 1
    if close >= len(query):
        raise QuerySyntaxError(
            query,
            len(query),
            errors.CLOSE_QUOTE,
            errors.END,
            errors.Phrase(
                f"The phrase opened at position {quote} is not closed.",
                f"Cụm từ mở ở vị trí {quote} chưa được đóng.",
            ),
        )
    return Lexeme(
        "PHRASE",
        start,
        close + 1,
        query[quote + 1 : close],
        prefix=prefix,
        content_pos=quote + 1,
    )


def _word(query: str, start: int, end: int, word: str) -> Lexeme:
    keyword = _KEYWORDS.get(word)
    if keyword is not None:
        return Lexeme(keyword, start, end, word)
    if word.startswith(("NEAR", "ONEAR")) and (
        word in ("NEAR", "ONEAR") or word.startswith(("NEAR/", "ONEAR/"))
    ):
        m = _NEAR_RE.fullmatch(word)
        if m is None or int(m.group(2)) > MAX_DISTANCE:
            raise QuerySyntaxError(
                query,
                start,
                errors.Phrase(
                    errors.NEAR_FORM.en.format(max=MAX_DISTANCE),
                    errors.NEAR_FORM.vi.format(max=MAX_DISTANCE),
                ),
                errors.found_text(word),
            )
        ordered = m.group(1) == "ONEAR" or m.group(3) == "f"
        return Lexeme("NEAR", start, end, word, distance=int(m.group(2)), ordered=ordered)
    return Lexeme("WORD", start, end, word)
