"""In-memory matching: a token-based evaluator, independent of the SQL compiler.

A query compiles into a tree of small closures over a :class:`Row`, which tokenises
the title and the text (and the author columns) only when a closure first asks for
them. A term matches when it matches the title or the text; a phrase or NEAR never
spans from one into the other.

Before any tokenising, a **prefilter** rejects most rows that cannot match: every
accent-insensitive ASCII key a match would need must occur as a substring of the row's
text folded to ASCII (case folded, "đ" -> "d", decomposed, non-ASCII dropped). That is
a necessary condition only (the tokens decide), so it never changes a result: a token
whose key is an ASCII string folds to that same string, so the key occurs in the
folded text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

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
from tinhieu.query.tokens import EMPTY, Analysed, analyse

TEXT_COLUMNS = ("title", "text")
AUTHOR_COLUMNS = ("author_name", "author_id")

Predicate = Callable[["Row"], bool]
TextTest = Callable[[Analysed], bool]


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return str(value)


class Row:
    """One Mention, read from a mapping or from column lists at an index."""

    __slots__ = ("_ascii", "_authors", "_columns", "_index", "_record", "_text", "_title")

    def __init__(
        self,
        record: Mapping[str, Any] | None = None,
        columns: Mapping[str, Sequence[Any]] | None = None,
        index: int = 0,
    ) -> None:
        self._record = record
        self._columns = columns
        self._index = index
        self._title: Analysed | None = None
        self._text: Analysed | None = None
        self._authors: tuple[Analysed, Analysed] | None = None
        self._ascii: bytes | None = None

    def value(self, column: str) -> Any:
        if self._record is not None:
            return self._record.get(column)
        assert self._columns is not None
        values = self._columns.get(column)
        return None if values is None else values[self._index]

    @property
    def title(self) -> Analysed:
        if self._title is None:
            value = _text(self.value("title"))
            self._title = analyse(value) if value else EMPTY
        return self._title

    @property
    def text(self) -> Analysed:
        if self._text is None:
            value = _text(self.value("text"))
            self._text = analyse(value) if value else EMPTY
        return self._text

    @property
    def authors(self) -> tuple[Analysed, Analysed]:
        if self._authors is None:
            self._authors = (
                analyse(_text(self.value("author_name"))),
                analyse(_text(self.value("author_id"))),
            )
        return self._authors

    @property
    def ascii(self) -> bytes:
        """Title and text folded to ASCII, for the prefilter."""
        if self._ascii is None:
            self._ascii = ascii_text(self.value("title"), self.value("text"))
        return self._ascii


def ascii_text(title: Any, text: Any) -> bytes:
    """Title and text, folded to ASCII and joined (for the prefilter)."""
    title, text = _text(title), _text(text)
    if title and text:
        return ascii_fold(title + "\n" + text)
    return ascii_fold(title or text or "")


def ascii_fold(text: str) -> bytes:
    """``text`` case folded, "đ" -> "d", decomposed and stripped of non-ASCII."""
    folded = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return folded.encode("ascii", "ignore")


# --- tokens -------------------------------------------------------------------------------


def element_at(e: Element, a: Analysed, i: int) -> bool:
    """Does token ``i`` of ``a`` match ``e``?"""
    if e.tag and a.tags[i] != e.tag:
        return False
    key = a.sensitive[i] if e.sensitive else a.keys[i]
    return key.startswith(e.key) if e.prefix else key == e.key


def _candidates(e: Element, keys: list[str]) -> list[int]:
    """Offsets of the tokens whose key matches ``e`` (tags not checked)."""
    k = e.key
    if e.prefix:
        return [i for i, key in enumerate(keys) if key.startswith(k)]
    return [i for i, key in enumerate(keys) if key == k]


def occurrences(elements: tuple[Element, ...], a: Analysed) -> list[int]:
    """Token offsets where the consecutive ``elements`` match in ``a``."""
    first = elements[0]
    if not first.prefix and not first.sensitive and first.key not in a.keyset:
        return []
    any_sensitive = any(e.sensitive for e in elements)
    all_sensitive = all(e.sensitive for e in elements)
    keys = a.sensitive if all_sensitive else a.keys
    sensitive = a.sensitive if any_sensitive else keys
    tags = a.tags if any(e.tag for e in elements) else None
    limit = len(keys) - len(elements)
    out = []
    for i in _candidates(first, sensitive if first.sensitive else keys):
        if i > limit:
            break
        for j, e in enumerate(elements):
            if tags is not None and e.tag and tags[i + j] != e.tag:
                break
            key = sensitive[i + j] if e.sensitive else keys[i + j]
            if not (key.startswith(e.key) if e.prefix else key == e.key):
                break
        else:
            out.append(i)
    return out


def term_test(term: Term) -> TextTest:
    """A test of one analysed text for ``term``, specialised for the common shapes."""
    elements = term.elements
    if len(elements) == 1:
        e = elements[0]
        key = e.key
        if not e.sensitive and not e.prefix:
            if e.tag:
                tag = e.tag
                return lambda a: key in a.keyset and key in a.tagset(tag)
            return lambda a: key in a.keyset
        if not e.sensitive and not e.tag:
            return lambda a: any(k.startswith(key) for k in a.keyset)
    return lambda a: bool(occurrences(elements, a))


def near_pairs(near: Near, a: Analysed) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(left, right) occurrences, as [start, end) token ranges, that satisfy ``near``."""
    lefts = [(i, i + len(t.elements)) for t in near.left for i in occurrences(t.elements, a)]
    if not lefts:
        return []
    rights = [(i, i + len(t.elements)) for t in near.right for i in occurrences(t.elements, a)]
    n = near.distance
    out = []
    for left in lefts:
        for right in rights:
            if 0 <= right[0] - left[1] <= n or (not near.ordered and 0 <= left[0] - right[1] <= n):
                out.append((left, right))
    return out


def near_test(near: Near) -> TextTest:
    def test(a: Analysed) -> bool:
        return bool(near_pairs(near, a))

    return test


def author_test(author: Author) -> TextTest:
    elements = author.elements
    size = len(elements)
    open_end = elements[-1].prefix

    def test(a: Analysed) -> bool:
        count = len(a.tokens)
        if count < size or (count != size and not open_end):
            return False
        return all(element_at(e, a, j) for j, e in enumerate(elements))

    return test


# --- the tree -----------------------------------------------------------------------------


def compile_node(node: Node) -> tuple[Predicate, Needs | None]:
    """A predicate over a :class:`Row` equivalent to ``node``, and a prefilter on the
    ASCII-folded text (None when the query has none): a row the prefilter rejects does
    not match, a row it accepts matches if the predicate says so."""
    return _exact(node), _prefilter(node)


def _text_predicate(text_test: TextTest) -> Predicate:
    return lambda row: text_test(row.title) or text_test(row.text)


def _exact(node: Node) -> Predicate:
    if isinstance(node, Term):
        return _text_predicate(term_test(node))
    if isinstance(node, Near):
        return _text_predicate(near_test(node))
    if isinstance(node, Author):
        a_test = author_test(node)
        return lambda row: any(a_test(a) for a in row.authors)
    if isinstance(node, FieldFilter):
        column, value = node.column, node.value
        return lambda row: row.value(column) == value
    if isinstance(node, Not):
        child = _exact(node.child)
        return lambda row: not child(row)
    # Cheap column filters first; the result does not depend on the order.
    children = sorted(node.children, key=lambda c: 0 if isinstance(c, FieldFilter) else 1)
    preds = [_exact(c) for c in children]
    return _every(preds) if isinstance(node, And) else _some(preds)


def _every(preds: Sequence[Callable[[Any], bool]]) -> Callable[[Any], bool]:
    """The conjunction of ``preds`` (unrolled for short lists: fewer Python frames)."""
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return lambda x: a(x) and b(x)
    if len(preds) == 3:
        a, b, c = preds
        return lambda x: a(x) and b(x) and c(x)
    return lambda x: all(p(x) for p in preds)


def _some(preds: Sequence[Callable[[Any], bool]]) -> Callable[[Any], bool]:
    """The disjunction of ``preds``."""
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return lambda x: a(x) or b(x)
    if len(preds) == 3:
        a, b, c = preds
        return lambda x: a(x) or b(x) or c(x)
    return lambda x: any(p(x) for p in preds)


Needs = Callable[[bytes], bool]


def _prefilter(node: Node) -> Needs | None:
    """A necessary condition on the ASCII-folded text, or None when there is none."""
    if isinstance(node, Term):
        needles = [e.key.encode("ascii") for e in node.elements if e.key.isascii()]
        if not needles:
            return None
        if len(needles) == 1:
            needle = needles[0]
            return lambda folded: needle in folded
        if len(needles) == 2:
            n1, n2 = needles
            return lambda folded: n1 in folded and n2 in folded
        return lambda folded: all(n in folded for n in needles)
    if isinstance(node, Near):
        left = _prefilter(Or(node.left))
        right = _prefilter(Or(node.right))
        return _all([p for p in (left, right) if p is not None])
    if isinstance(node, And):
        return _all([p for p in map(_prefilter, node.children) if p is not None])
    if isinstance(node, Or):
        parts = [_prefilter(c) for c in node.children]
        if any(p is None for p in parts):
            return None
        return _some([p for p in parts if p is not None])
    return None  # NOT, fields and authors: no condition on the text


def prefilter_mask(node: Node, folded: pa.Array) -> pa.BooleanArray | None:
    """:func:`_prefilter` over a whole column of folded texts at once (``binary``, as
    :func:`ascii_text` gives them): the same necessary condition, in Arrow's compute
    kernels instead of a Python call per row; None when there is no condition."""
    if isinstance(node, Term):
        needles = [e.key for e in node.elements if e.key.isascii()]
        masks = [pc.match_substring(folded, n) for n in needles]
        return _combine(pc.and_kleene, masks)
    if isinstance(node, Near):
        left = prefilter_mask(Or(node.left), folded)
        right = prefilter_mask(Or(node.right), folded)
        return _combine(pc.and_kleene, [m for m in (left, right) if m is not None])
    if isinstance(node, And):
        parts = [prefilter_mask(c, folded) for c in node.children]
        return _combine(pc.and_kleene, [m for m in parts if m is not None])
    if isinstance(node, Or):
        found = [prefilter_mask(c, folded) for c in node.children]
        if any(m is None for m in found):
            return None
        return _combine(pc.or_kleene, [m for m in found if m is not None])
    return None


def _combine(
    op: Callable[[pa.BooleanArray, pa.BooleanArray], pa.BooleanArray],
    masks: list[pa.BooleanArray],
) -> pa.BooleanArray | None:
    if not masks:
        return None
    out = masks[0]
    for m in masks[1:]:
        out = op(out, m)
    return out


def _all(parts: list[Needs]) -> Needs | None:
    return _every(parts) if parts else None


def columns_used(node: Node) -> set[str]:
    """The Mention columns ``node`` reads."""
    if isinstance(node, Term | Near):
        return set(TEXT_COLUMNS)
    if isinstance(node, Author):
        return set(AUTHOR_COLUMNS)
    if isinstance(node, FieldFilter):
        return {node.column}
    if isinstance(node, Not):
        return columns_used(node.child)
    out: set[str] = set()
    for c in node.children:
        out |= columns_used(c)
    return out


def positive_terms(node: Node, positive: bool = True) -> list[Term | Near]:
    """The terms and NEARs whose presence can make ``node`` true (not under an odd
    number of NOTs): what :meth:`Query.highlight` marks."""
    if isinstance(node, Term | Near):
        return [node] if positive else []
    if isinstance(node, Not):
        return positive_terms(node.child, not positive)
    if isinstance(node, And | Or):
        out: list[Term | Near] = []
        for c in node.children:
            out.extend(positive_terms(c, positive))
        return out
    return []
