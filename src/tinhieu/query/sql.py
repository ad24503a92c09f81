"""Compile a query into a boolean SQL condition over the ``mentions`` table (DuckDB).

Words and phrases become RE2 regular expressions run by ``regexp_matches`` directly on
``title`` and ``text``; there is no stored token column. The tokenisation rule of
:mod:`tinhieu.query.tokens` is spelled with one character class, the word characters
``W`` (written out as ranges: much cheaper for RE2 to compile than ``\\pL``/``\\pN``)
and its complement ``N``:

* a word ``giao`` is ``(?:^|N)(?i:giao)(?:$|N)``, where each key character is the class
  of every letter that folds to it (``a`` -> ``[aàáâãä…ạảấầẩẫậắằẳẵặ]``, ``d`` ->
  ``[dďđ…]``) and ``(?i:…)`` makes the match case-insensitive without a ``lower()``
  copy of every row;
* a phrase joins its words with ``N+`` (any separators); a hashtag element needs the
  separator before it to end in ``#`` (``(?:^|N)#`` at the start, ``N+#`` inside);
* a prefix ``giao*`` drops the end anchor (``W*`` inside a phrase).

The stored text is NFC (the importer normalises it). Alternatives of one OR share one
regex.

NEAR is not a regex: a counted gap (``(?:N+ W+){0,n}``) makes RE2's DFA explode. Rows
that contain both operands (two regexes, inside a ``CASE`` so the rest runs only for
them) are cut into tokens with ``regexp_extract_all`` (each token with its ``#``/``@``
when it has one) and the token positions of both sides are compared with list lambdas.

Every string from the query travels as a ``?`` parameter; the SQL text holds only fixed
fragments, column names and small integers computed by the compiler.
"""

from __future__ import annotations

from typing import Any, Final

from tinhieu.query.ast import (
    And,
    Author,
    Element,
    FieldFilter,
    Near,
    Node,
    Not,
    Or,
    Term,
)
from tinhieu.query.tokens import (
    re2_char,
    re2_key_char,
    re2_nonword_class,
    re2_word_class,
)
from tinhieu.schema import FIELD_BY_NAME

TEXT_COLUMNS: Final[tuple[str, ...]] = ("title", "text")
AUTHOR_COLUMNS: Final[tuple[str, ...]] = ("author_name", "author_id")

#: The longest alternation (in characters, a character class counted as one) that the
#: terms of an OR are merged into before another regex is started.
MAX_REGEX: Final[int] = 20_000


def _key(e: Element) -> str:
    if e.sensitive:
        body = "".join(re2_char(c) for c in e.key)
    else:
        body = "".join(re2_key_char(c) for c in e.key)
    return f"(?i:{body})"


class _Patterns:
    """Regex builders; ``W``/``N`` are the word and separator classes."""

    def __init__(self) -> None:
        self.word = re2_word_class()
        self.nonword = re2_nonword_class()

    def start(self, e: Element) -> str:
        return f"(?:^|{self.nonword})" + (re2_char(e.tag) if e.tag else "")

    def sep(self, e: Element) -> str:
        # a "#" directly after the previous token is no tag: at least one more separator
        return f"{self.nonword}+" + (re2_char(e.tag) if e.tag else "")

    def term(self, term: Term) -> tuple[str, str, str]:
        """An unanchored pattern that finds ``term`` in a text, as (what must come
        before it, the term, what must come after it)."""
        elements = term.elements
        body = [_key(elements[0])]
        for k, e in enumerate(elements[1:], 1):
            body.append(f"{self.word}*" if elements[k - 1].prefix else "")
            body.append(self.sep(e) + _key(e))
        end = "" if elements[-1].prefix else f"(?:$|{self.nonword})"
        return self.start(elements[0]), "".join(body), end

    def terms(self, terms: list[Term]) -> list[str]:
        """Patterns that together find any of ``terms``: terms with the same start and
        end share one alternation, up to a size limit."""
        groups: dict[tuple[str, str], list[list[str]]] = {}
        sizes: dict[tuple[str, str], int] = {}
        for term in terms:
            start, body, end = self.term(term)
            chunks = groups.setdefault((start, end), [[]])
            # the word class is long but counts once per use; keys count by length
            size = len(body.replace(self.nonword, "N").replace(self.word, "W"))
            if chunks[-1] and sizes[(start, end)] + size > MAX_REGEX:
                chunks.append([])
                sizes[(start, end)] = 0
            chunks[-1].append(body)
            sizes[(start, end)] = sizes.get((start, end), 0) + size + 1
        out = []
        for (start, end), chunks in groups.items():
            for bodies in chunks:
                alternation = bodies[0] if len(bodies) == 1 else "(?:" + "|".join(bodies) + ")"
                out.append(start + alternation + end)
        return out

    def author(self, author: Author) -> str:
        """An anchored pattern: the whole value is these tokens (a trailing ``*``:
        starts with them); tags are ignored."""
        parts = [f"^{self.nonword}*"]
        last = len(author.elements) - 1
        for k, e in enumerate(author.elements):
            if k:
                parts.append(f"{self.nonword}+")
            parts.append(_key(e))
            if e.prefix:
                parts.append("" if k == last else f"{self.word}*")
            elif k == last:
                parts.append(f"{self.nonword}*$")
        return "".join(parts)

    def extract(self) -> str:
        """For ``regexp_extract_all(' ' || text, pattern, 1)``: each token, with the
        "#"/"@" before it when that is a tag. The leading space makes every separator at
        least one character long; the lazy prefix lets the group start as early as it
        can, so it takes the "#" unless the "#" is the whole separator."""
        return f"{self.nonword}*?{self.nonword}([#@]?{self.word}+)"

    @staticmethod
    def token(e: Element) -> str:
        """A full-match pattern for one extracted token."""
        lead = re2_char(e.tag) if e.tag else "[#@]?"
        return lead + _key(e) + ("(?s:.*)" if e.prefix else "")


class _Compiler:
    def __init__(self) -> None:
        self.params: list[Any] = []
        self.patterns = _Patterns()

    def param(self, value: Any) -> str:
        self.params.append(value)
        return "?"

    def text_match(self, terms: list[Term]) -> list[str]:
        out = []
        p = self.patterns
        for regex in p.terms(terms):
            cols = " OR ".join(f"regexp_matches({c}, {self.param(regex)})" for c in TEXT_COLUMNS)
            out.append(f"coalesce({cols}, FALSE)")
        return out

    def node(self, node: Node) -> str:
        if isinstance(node, Term):
            return " OR ".join(self.text_match([node]))
        if isinstance(node, Near):
            return " OR ".join(f"({self.near(node, c)})" for c in TEXT_COLUMNS)
        if isinstance(node, Author):
            regex = self.patterns.author(node)
            cols = " OR ".join(f"regexp_matches({c}, {self.param(regex)})" for c in AUTHOR_COLUMNS)
            return f"coalesce({cols}, FALSE)"
        if isinstance(node, FieldFilter):
            column = node.column
            if FIELD_BY_NAME[column].required:
                return f"{column} = {self.param(node.value)}"
            return f"coalesce({column} = {self.param(node.value)}, FALSE)"
        if isinstance(node, Not):
            return f"NOT ({self.node(node.child)})"
        if isinstance(node, And):
            return " AND ".join(f"({self.node(c)})" for c in node.children)
        assert isinstance(node, Or)
        terms = [c for c in node.children if isinstance(c, Term)]
        parts = self.text_match(terms) if terms else []
        parts.extend(f"({self.node(c)})" for c in node.children if not isinstance(c, Term))
        return " OR ".join(parts)

    def near(self, near: Near, column: str) -> str:
        p = self.patterns
        left_any = [f"regexp_matches({column}, {self.param(r)})" for r in p.terms(list(near.left))]
        right_any = [
            f"regexp_matches({column}, {self.param(r)})" for r in p.terms(list(near.right))
        ]
        guard = f"({' OR '.join(left_any)}) AND ({' OR '.join(right_any)})"
        tokens = f"regexp_extract_all(' ' || {column}, {self.param(p.extract())}, 1)"
        left = self.occurrences(near.left)
        right = self.occurrences(near.right)
        cond = f"_b[1] - _a[2] BETWEEN 0 AND {self.param(near.distance)}::INTEGER"
        if not near.ordered:
            cond = f"({cond} OR _a[1] - _b[2] BETWEEN 0 AND {self.param(near.distance)}::INTEGER)"
        pairs = (
            f"list_bool_or(list_transform({right}, lambda _b: "
            f"list_bool_or(list_transform(_l, lambda _a: {cond}))))"
        )
        body = (
            f"list_transform([{tokens}], lambda _t: "
            f"list_transform([{left}], lambda _l: {pairs})[1])[1]"
        )
        return f"CASE WHEN {guard} THEN coalesce({body}, FALSE) ELSE FALSE END"

    def occurrences(self, alternatives: tuple[Term, ...]) -> str:
        """SQL list of the [start, end) token ranges of the alternatives in ``_t``."""
        lists = []
        for term in alternatives:
            size = len(term.elements)
            conds = " AND ".join(
                f"regexp_full_match(_t[_i{f' + {k}' if k else ''}], "
                f"{self.param(_Patterns.token(e))})"
                for k, e in enumerate(term.elements)
            )
            lists.append(
                f"list_transform(list_filter(range(1, len(_t) + {2 - size}), "
                f"lambda _i: {conds}), lambda _i: [_i, _i + {size}])"
            )
        return lists[0] if len(lists) == 1 else f"list_concat({', '.join(lists)})"


def to_sql(node: Node) -> tuple[str, list[Any]]:
    """A boolean SQL condition on the unqualified columns of ``mentions`` and its
    parameters, in placeholder order."""
    compiler = _Compiler()
    sql = compiler.node(node)
    return f"({sql})", compiler.params
