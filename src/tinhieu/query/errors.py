"""Syntax errors of the query language, in Vietnamese and English."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Phrase:
    """A piece of an error message in both languages."""

    en: str
    vi: str

    def get(self, lang: str) -> str:
        return self.en if lang.lower().startswith("en") else self.vi


# What the parser expected at the error position.
TERM: Final = Phrase(
    'a search term (word, "phrase", #hashtag, field:value or "(")',
    'một từ khoá (từ, "cụm từ", #hashtag, trường:giá_trị hoặc "(")',
)
RPAREN: Final = Phrase('")" to close the "("', 'dấu ")" để đóng "("')
CLOSE_QUOTE: Final = Phrase("a closing quote", "dấu ngoặc kép đóng")
OPERATOR: Final = Phrase(
    "an operator (AND, OR, NOT, NEAR/n) or the end of the query",
    "một toán tử (AND, OR, NOT, NEAR/n) hoặc kết thúc truy vấn",
)
NEAR_FORM: Final = Phrase(
    "NEAR/n, NEAR/nf or ONEAR/n with a whole number n from 0 to {max}",
    "NEAR/n, NEAR/nf hoặc ONEAR/n với n là số nguyên từ 0 đến {max}",
)
NEAR_OPERAND: Final = Phrase(
    'a word, "phrase", wildcard or a (... OR ...) group of them as the operand of NEAR',
    'một từ, "cụm từ", từ đại diện (*) hoặc nhóm (... OR ...) của chúng làm vế của NEAR',
)
NEAR_CHAIN: Final = Phrase(
    "AND between two NEAR conditions (NEAR cannot be chained)",
    "AND giữa hai điều kiện NEAR (không nối tiếp NEAR được)",
)
FIELD: Final = Phrase(
    "a field name: platform, author, lang or kind",
    "tên trường: platform, author, lang hoặc kind",
)
FIELD_VALUE: Final = Phrase("a value after {field}:", "một giá trị sau {field}:")
PLATFORM: Final = Phrase("a platform: {choices}", "một nền tảng: {choices}")
KIND: Final = Phrase("a kind: {choices}", "một loại: {choices}")
LANG: Final = Phrase("a language code such as vi or en", "một mã ngôn ngữ như vi hoặc en")
WORD: Final = Phrase(
    "a word (letters or digits) in the term",
    "một từ (chữ hoặc số) trong từ khoá",
)
WILDCARD: Final = Phrase(
    '"*" only at the end of a word (giao*)',
    'dấu "*" chỉ ở cuối một từ (giao*)',
)
NOT_DASH: Final = Phrase(
    'NOT instead of "-" to exclude a word',
    'NOT thay cho "-" để loại trừ một từ',
)
SHORTER: Final = Phrase(
    "a query of at most {max} characters",
    "truy vấn dài tối đa {max} ký tự",
)
SHALLOWER: Final = Phrase(
    "at most {max} nested parentheses or NOTs",
    "tối đa {max} cấp ngoặc hoặc NOT lồng nhau",
)

END: Final = Phrase("the end of the query", "kết thúc truy vấn")


def found_text(text: str) -> Phrase:
    shown = text if len(text) <= 30 else text[:27] + "..."
    return Phrase(f'"{shown}"', f'"{shown}"')


class QuerySyntaxError(ValueError):
    """A query that does not parse.

    ``position`` is the 0-based character offset in ``query``; ``expected`` says, in
    English, what the parser expected there (``expected_in("vi")`` in Vietnamese);
    :meth:`message` gives the whole message in either language and :meth:`caret` the
    query with a ``^`` under the position. ``str(error)`` is the Vietnamese message
    followed by the caret lines.
    """

    def __init__(
        self,
        query: str,
        position: int,
        expected: Phrase,
        found: Phrase | None = None,
        hint: Phrase | None = None,
    ) -> None:
        self.query = query
        self.position = max(0, min(position, len(query)))
        self._expected = expected
        self._found = found if found is not None else END
        self._hint = hint
        super().__init__(self.format("vi"))

    @property
    def expected(self) -> str:
        return self._expected.en

    def expected_in(self, lang: str = "vi") -> str:
        return self._expected.get(lang)

    @property
    def found(self) -> str:
        return self._found.en

    def message(self, lang: str = "vi") -> str:
        """One line naming the position, what was expected and what was found."""
        if lang.lower().startswith("en"):
            text = (
                f"Query syntax error at position {self.position}: expected "
                f"{self._expected.en}, found {self._found.en}."
            )
        else:
            text = (
                f"Lỗi cú pháp truy vấn ở vị trí {self.position}: cần "
                f"{self._expected.vi}, nhưng gặp {self._found.vi}."
            )
        if self._hint is not None:
            text += " " + self._hint.get(lang)
        return text

    def caret(self) -> str:
        """The query line holding the error and a ``^`` under the position."""
        line_start = self.query.rfind("\n", 0, self.position) + 1
        line_end = self.query.find("\n", self.position)
        if line_end < 0:
            line_end = len(self.query)
        line = self.query[line_start:line_end]
        prefix = self.query[line_start : self.position]
        return f"{line}\n{_pad(prefix)}^"

    def format(self, lang: str = "vi") -> str:
        """:meth:`message` followed by :meth:`caret`."""
        return f"{self.message(lang)}\n{self.caret()}"

    def __reduce__(self) -> tuple[object, ...]:
        return (
            QuerySyntaxError,
            (self.query, self.position, self._expected, self._found, self._hint),
        )


def _pad(text: str) -> str:
    """Blanks as wide as ``text`` on screen: tabs kept, wide East Asian characters
    two columns, combining marks and format characters none."""
    out = []
    for ch in text:
        if ch == "\t":
            out.append("\t")
        elif unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            out.append("  ")
        else:
            out.append(" ")
    return "".join(out)
