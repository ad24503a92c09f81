"""Recursive-descent parser: query text -> :mod:`tinhieu.query.ast` nodes.

Grammar (upper-case words are the operator keywords; precedence NOT > AND > OR, and
NEAR binds tightest of all)::

    query    := or EOF
    or       := and ("OR" and)*
    and      := unary (["AND"] unary)*        -- adjacency is AND; "AND NOT x" = AND (NOT x)
    unary    := "NOT" unary | near
    near     := primary [NEAROP primary]      -- operands: words, phrases, wildcards,
                                              -- or parenthesised ORs of them
    primary  := "(" or ")" | WORD | PHRASE    -- WORD includes field:value, #tag, @name
"""

from __future__ import annotations

import re
from typing import Final, cast

from tinhieu.query import errors
from tinhieu.query.ast import (
    And,
    Author,
    Element,
    FieldFilter,
    FieldName,
    Near,
    Node,
    Not,
    Or,
    Tag,
    Term,
    to_text,
)
from tinhieu.query.errors import Phrase, QuerySyntaxError
from tinhieu.query.lexer import Lexeme, lex
from tinhieu.query.tokens import insensitive_key, sensitive_key, tables, tag_of
from tinhieu.schema import KINDS, PLATFORMS

MAX_LENGTH: Final[int] = 20_000
MAX_DEPTH: Final[int] = 100

_FIELD_RE: Final = re.compile(r"([A-Za-z][A-Za-z_]*):(.*)", re.DOTALL)
_LANG_RE: Final = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*")
_FIELD_ALIASES: Final[dict[str, str]] = {
    "platform": "platform",
    "author": "author",
    "lang": "lang",
    "language": "lang",
    "kind": "kind",
}


def parse(query: str) -> Node:
    """Parse ``query``; raise :class:`QuerySyntaxError` if it is not a valid query."""
    if len(query) > MAX_LENGTH:
        raise QuerySyntaxError(
            query,
            MAX_LENGTH,
            _fmt(errors.SHORTER, max=MAX_LENGTH),
            errors.found_text(query[MAX_LENGTH:]),
        )
    return _Parser(query).parse()


def parse_elements(
    query: str, raw: str, base: int, *, sensitive: bool, describe: Phrase | None = None
) -> tuple[Element, ...]:
    """The tokens of a word or phrase (``raw`` starts at offset ``base`` of ``query``)."""
    t = tables()
    out: list[Element] = []
    stars: set[int] = set()
    for k, m in enumerate(t.token_re.finditer(raw)):
        tag = cast(Tag, tag_of(m.group(1), k == 0))
        token = m.group(2)
        end = m.end(2)
        prefix = end < len(raw) and raw[end] == "*"
        if prefix:
            stars.add(end)
            if t.word_re.match(raw, end + 1):
                raise QuerySyntaxError(
                    query, base + end, errors.WILDCARD, errors.found_text(raw[end:])
                )
        key = sensitive_key(token) if sensitive else insensitive_key(token)
        out.append(Element(key, tag, prefix, sensitive))
    for k, ch in enumerate(raw):
        if ch == "*" and k not in stars:
            raise QuerySyntaxError(query, base + k, errors.WILDCARD, errors.found_text(raw[k:]))
    if not out:
        raise QuerySyntaxError(query, base, errors.WORD, describe or errors.found_text(raw or '""'))
    return tuple(out)


def _fmt(phrase: Phrase, **values: object) -> Phrase:
    return Phrase(phrase.en.format(**values), phrase.vi.format(**values))


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.lexemes = lex(query)
        self.i = 0
        self.depth = 0

    # --- helpers -------------------------------------------------------------------------
    def peek(self) -> Lexeme:
        return self.lexemes[self.i]

    def advance(self) -> Lexeme:
        lexeme = self.lexemes[self.i]
        if lexeme.kind != "EOF":
            self.i += 1
        return lexeme

    def fail(
        self, lexeme: Lexeme, expected: Phrase, hint: Phrase | None = None
    ) -> QuerySyntaxError:
        return QuerySyntaxError(self.query, lexeme.pos, expected, lexeme.describe(), hint)

    def deeper(self, lexeme: Lexeme) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(lexeme, _fmt(errors.SHALLOWER, max=MAX_DEPTH))

    # --- grammar -------------------------------------------------------------------------
    def parse(self) -> Node:
        if self.peek().kind == "EOF":
            raise self.fail(self.peek(), errors.TERM)
        node = self.parse_or()
        if self.peek().kind != "EOF":
            lexeme = self.peek()
            hint = None
            if lexeme.kind == "RPAREN":
                hint = Phrase(
                    'This ")" has no matching "(".', 'Dấu ")" này không có "(" tương ứng.'
                )
            elif lexeme.kind == "NEAR":
                hint = Phrase(
                    "Join NEAR conditions with AND.", "Hãy nối các điều kiện NEAR bằng AND."
                )
            raise self.fail(lexeme, errors.OPERATOR, hint)
        return node

    def parse_or(self) -> Node:
        first = self.peek()
        items = [self.parse_and()]
        while self.peek().kind == "OR":
            self.advance()
            items.append(self.parse_and())
        return _join(Or, items, first.pos)

    def parse_and(self) -> Node:
        first = self.peek()
        items = [self.parse_unary()]
        while True:
            kind = self.peek().kind
            if kind == "AND":
                self.advance()
                items.append(self.parse_unary())
            elif kind in ("WORD", "PHRASE", "LPAREN", "NOT"):
                items.append(self.parse_unary())
            else:
                break
        return _join(And, items, first.pos)

    def parse_unary(self) -> Node:
        lexeme = self.peek()
        if lexeme.kind == "NOT":
            self.advance()
            self.deeper(lexeme)
            child = self.parse_unary()
            self.depth -= 1
            return Not(child, lexeme.pos)
        return self.parse_near()

    def parse_near(self) -> Node:
        start = self.peek().pos
        left = self.parse_primary()
        if self.peek().kind != "NEAR":
            return left
        left_text = self.query[start : self.lexemes[self.i - 1].end]
        op = self.advance()
        start = self.peek().pos
        right = self.parse_primary()
        right_text = self.query[start : self.lexemes[self.i - 1].end]
        if self.peek().kind == "NEAR":
            raise self.fail(self.peek(), errors.NEAR_CHAIN)
        return Near(
            self.operand(left, left_text),
            self.operand(right, right_text),
            op.distance,
            op.ordered,
            left.pos,
        )

    def operand(self, node: Node, source: str) -> tuple[Term, ...]:
        """The alternatives of a NEAR operand: a term or an OR of terms."""
        if isinstance(node, Term):
            return (node,)
        if isinstance(node, Or):
            out: list[Term] = []
            for child in node.children:
                if isinstance(child, Term):
                    out.append(child)
                elif isinstance(child, Or):
                    out.extend(self.operand(child, source))
                else:
                    self.bad_operand(child)
            return tuple(out)
        self.bad_operand(node, source)
        raise AssertionError("unreachable")

    def bad_operand(self, node: Node, source: str | None = None) -> None:
        hint = None
        shown = source if source is not None else to_text(node)
        if isinstance(node, And) and all(isinstance(c, Term) for c in node.children):
            first, last = node.children[0], node.children[-1]
            assert isinstance(first, Term) and isinstance(last, Term)
            shown = self.query[first.pos : last.end]
            hint = Phrase(
                f'Write a phrase in quotes: "{shown}".',
                f'Hãy đặt cụm từ trong ngoặc kép: "{shown}".',
            )
        found = errors.found_text(shown)
        raise QuerySyntaxError(self.query, node.pos, errors.NEAR_OPERAND, found, hint)

    def parse_primary(self) -> Node:
        lexeme = self.peek()
        if lexeme.kind == "LPAREN":
            self.advance()
            self.deeper(lexeme)
            if self.peek().kind == "RPAREN":
                raise self.fail(self.peek(), errors.TERM)
            node = self.parse_or()
            if self.peek().kind != "RPAREN":
                raise self.fail(
                    self.peek(),
                    errors.RPAREN,
                    Phrase(
                        f'The "(" at position {lexeme.pos} is not closed.',
                        f'Dấu "(" ở vị trí {lexeme.pos} chưa được đóng.',
                    ),
                )
            self.advance()
            self.depth -= 1
            return node
        if lexeme.kind == "WORD":
            self.advance()
            return self.word(lexeme)
        if lexeme.kind == "PHRASE":
            self.advance()
            return self.phrase(lexeme)
        hint = None
        if lexeme.kind in ("AND", "OR", "NOT", "NEAR"):
            hint = Phrase(
                f'To search for the word "{lexeme.text}", write it in lower case or in quotes.',
                f'Để tìm từ "{lexeme.text}", hãy viết thường hoặc đặt trong ngoặc kép.',
            )
        raise self.fail(lexeme, errors.TERM, hint)

    # --- terms ---------------------------------------------------------------------------
    def word(self, lexeme: Lexeme) -> Node:
        text, pos = lexeme.text, lexeme.pos
        m = _FIELD_RE.fullmatch(text)
        if m is not None and not m.group(2).startswith("//"):
            name = m.group(1)
            value_pos = pos + len(name) + 1
            value = m.group(2)
            sensitive = value.startswith("=")
            if sensitive:
                value, value_pos = value[1:], value_pos + 1
            if not value:
                nxt = self.peek()
                raise QuerySyntaxError(
                    self.query,
                    value_pos,
                    _fmt(errors.FIELD_VALUE, field=name),
                    nxt.describe() if nxt.pos == lexeme.end else errors.found_text(" "),
                )
            return self.field(name, pos, value, value_pos, sensitive)
        sensitive = text.startswith("=")
        body, body_pos = (text[1:], pos + 1) if sensitive else (text, pos)
        if not body:
            nxt = self.peek()
            raise QuerySyntaxError(self.query, body_pos, errors.TERM, nxt.describe())
        if body.startswith("-") and len(body) > 1 and body[1].isalpha():
            raise QuerySyntaxError(self.query, body_pos, errors.NOT_DASH, errors.found_text(body))
        elements = parse_elements(self.query, body, body_pos, sensitive=sensitive)
        return Term(elements, pos, lexeme.end)

    def phrase(self, lexeme: Lexeme) -> Node:
        prefix = lexeme.prefix
        if prefix in ("", "="):
            elements = parse_elements(
                self.query,
                lexeme.text,
                lexeme.content_pos,
                sensitive=prefix == "=",
                describe=lexeme.describe(),
            )
            return Term(elements, lexeme.pos, lexeme.end)
        name = prefix.split(":", 1)[0]
        sensitive = prefix.endswith("=")
        if not lexeme.text.strip():
            raise QuerySyntaxError(
                self.query,
                lexeme.content_pos,
                _fmt(errors.FIELD_VALUE, field=name),
                lexeme.describe(),
            )
        return self.field(name, lexeme.pos, lexeme.text, lexeme.content_pos, sensitive)

    def field(self, name: str, pos: int, value: str, value_pos: int, sensitive: bool) -> Node:
        canonical = _FIELD_ALIASES.get(name.lower())
        if canonical is None:
            raise QuerySyntaxError(
                self.query,
                pos,
                errors.FIELD,
                errors.found_text(name + ":"),
                Phrase(
                    'To search for text containing ":", put it in quotes.',
                    'Để tìm văn bản có dấu ":", hãy đặt nó trong ngoặc kép.',
                ),
            )
        if canonical == "author":
            elements = parse_elements(self.query, value, value_pos, sensitive=sensitive)
            plain = tuple(Element(e.key, "", e.prefix, e.sensitive) for e in elements)
            return Author(plain, pos)
        code = value.strip().lower()
        found = errors.found_text(value)
        if canonical == "platform" and code not in PLATFORMS:
            raise QuerySyntaxError(
                self.query, value_pos, _fmt(errors.PLATFORM, choices=", ".join(PLATFORMS)), found
            )
        if canonical == "kind" and code not in KINDS:
            raise QuerySyntaxError(
                self.query, value_pos, _fmt(errors.KIND, choices=", ".join(KINDS)), found
            )
        if canonical == "lang" and not _LANG_RE.fullmatch(code):
            raise QuerySyntaxError(self.query, value_pos, errors.LANG, found)
        return FieldFilter(cast(FieldName, canonical), code, pos)


def _join(kind: type[And] | type[Or], items: list[Node], pos: int) -> Node:
    if len(items) == 1:
        return items[0]
    flat: list[Node] = []
    for item in items:
        if isinstance(item, kind):
            flat.extend(item.children)
        else:
            flat.append(item)
    return kind(tuple(flat), pos)
