"""The parsed form of a query, and its normalised text (:func:`to_text`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

Tag = Literal["", "#", "@"]


@dataclass(frozen=True, slots=True)
class Element:
    """One token of a term: a word, a hashtag, a mention or a prefix (``giao*``)."""

    key: str  # the token key it is compared with (see tokens.py)
    tag: Tag = ""  # "#" / "@": only the hashtag / mention form matches
    prefix: bool = False  # key is a prefix of the token key
    sensitive: bool = False  # key keeps its diacritics

    def to_text(self) -> str:
        return f"{self.tag}{self.key}{'*' if self.prefix else ''}"


@dataclass(frozen=True, slots=True)
class Term:
    """A word, wildcard, hashtag, mention or phrase: consecutive tokens."""

    elements: tuple[Element, ...]
    pos: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)  # offset after the term in the query

    @property
    def sensitive(self) -> bool:
        return self.elements[0].sensitive

    def to_text(self) -> str:
        eq = "=" if self.sensitive else ""
        if len(self.elements) == 1:
            return eq + self.elements[0].to_text()
        return eq + '"' + " ".join(e.to_text() for e in self.elements) + '"'


@dataclass(frozen=True, slots=True)
class Near:
    """``left NEAR/n right``: an occurrence of one side and of the other with at most
    ``distance`` tokens between them (``ordered``: left first)."""

    left: tuple[Term, ...]  # alternatives
    right: tuple[Term, ...]
    distance: int
    ordered: bool
    pos: int = field(default=0, compare=False)

    def to_text(self) -> str:
        op = f"NEAR/{self.distance}{'f' if self.ordered else ''}"
        return f"{_operand(self.left)} {op} {_operand(self.right)}"


def _operand(alternatives: tuple[Term, ...]) -> str:
    if len(alternatives) == 1:
        return alternatives[0].to_text()
    return "(" + " OR ".join(t.to_text() for t in alternatives) + ")"


FieldName = Literal["platform", "kind", "lang"]

#: Column of the Mention record each simple field filter reads.
FIELD_COLUMNS: dict[str, str] = {"platform": "platform", "kind": "kind", "lang": "language"}


@dataclass(frozen=True, slots=True)
class FieldFilter:
    """``platform:facebook``, ``kind:comment``, ``lang:vi``: the column equals the value."""

    name: FieldName
    value: str
    pos: int = field(default=0, compare=False)

    @property
    def column(self) -> str:
        return FIELD_COLUMNS[self.name]

    def to_text(self) -> str:
        return f"{self.name}:{self.value}"


@dataclass(frozen=True, slots=True)
class Author:
    """``author:"Tên"``: the tokens of author_name or of author_id are exactly the
    value's tokens (with a trailing ``*``: start with them)."""

    elements: tuple[Element, ...]
    pos: int = field(default=0, compare=False)

    def to_text(self) -> str:
        eq = "=" if self.elements[0].sensitive else ""
        return f'author:{eq}"' + " ".join(e.to_text() for e in self.elements) + '"'


@dataclass(frozen=True, slots=True)
class Not:
    child: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]
    pos: int = field(default=0, compare=False)


Node: TypeAlias = Term | Near | FieldFilter | Author | Not | And | Or


def to_text(node: Node) -> str:
    """The normalised query: explicit operators, folded keys, minimal parentheses
    (NOT binds tighter than AND, AND tighter than OR). Parsing it gives the same query."""
    if isinstance(node, Or):
        return " OR ".join(to_text(c) for c in node.children)
    if isinstance(node, And):
        parts = []
        for c in node.children:
            text = to_text(c)
            parts.append(f"({text})" if isinstance(c, Or) else text)
        return " AND ".join(parts)
    if isinstance(node, Not):
        text = to_text(node.child)
        return f"NOT ({text})" if isinstance(node.child, And | Or) else f"NOT {text}"
    return node.to_text()


def walk(node: Node) -> list[Node]:
    """``node`` and all nodes below it, depth first."""
    out: list[Node] = [node]
    if isinstance(node, And | Or):
        for c in node.children:
            out.extend(walk(c))
    elif isinstance(node, Not):
        out.extend(walk(node.child))
    return out
