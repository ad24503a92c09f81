"""The tokenisation rule of the query language, shared by the parser, the in-memory
matcher and the SQL compiler.

The rule
--------
* **Word characters** are Unicode letters (general category ``L*``), numbers
  (``N*``), non-spacing and spacing combining marks (``Mn``, ``Mc``) and the underscore
  ``_``. Everything else separates words: spaces, punctuation, symbols, emoji, and
  also the variation selectors (U+FE00-U+FE0F, U+E0100-U+E01EF) and enclosing marks
  (``Me``) that emoji sequences carry (the U+FE0F in "❤️").
* A **token** is a maximal run of word characters. So "giao_hàng" and "covid19" are one
  token each, "giao-hàng" and "giao.hàng" two.
* A ``#`` or ``@`` immediately before a token makes it a **hashtag** or a **mention**
  token, unless the ``#``/``@`` itself directly follows a token: ``#highlands``,
  ``(#highlands`` and ``ăn #highlands`` are hashtags; in ``abc#def`` and
  ``a@b.com``, ``def`` and ``b`` are plain tokens.
* A token's **key**, which is what query terms are compared with, is computed from the
  token's NFC form: case is folded (Unicode simple case folding, the folding RE2's
  ``(?i)`` applies, so "Giao", "GIAO" and "giao" are equal), then, for
  accent-insensitive terms, every precomposed letter is folded to its base letter
  (with ``tinhieu.text.normalise.fold``: "ạ" -> "a", "Đ" -> "d"). Accent-sensitive
  terms compare the case-folded NFC token itself. Decomposed input composes under NFC,
  so "a" + U+0300 is "à"; a combining mark that composes with nothing stays in the key.

Phrases match consecutive tokens whatever separators lie between them; ``NEAR/n``
counts the tokens between its operands.

The character classes come from Python's ``unicodedata`` for both paths. The in-memory
matcher tokenises with :func:`analyse` (Python's ``\\w`` is exactly letters, numbers and
``_``) and normalises each token itself, so it accepts NFD input. The SQL compiler does
not tokenise: it expresses the same rule as RE2 regular expressions over the stored
text, which the store keeps in NFC, with the word-character class written out as
ranges (:func:`re2_word_class`). Unassigned code points fall on whichever side makes
that class shortest; they do not occur in real text.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from tinhieu.text.normalise import fold, nfc_fast

#: Characters that turn the token after them into a hashtag / mention.
TAG_CHARS: Final[str] = "#@"

# Code points scanned. Planes 4-13 are unassigned, planes 15-16 private use.
_SCAN: Final[tuple[range, ...]] = (range(0, 0x32400), range(0xE0000, 0xE0200))
# Every supplementary-plane word mark lies in this range (checked when the tables are
# built); emoji lie above it.
_ASTRAL_MARKS: Final[tuple[int, int]] = (0x10000, 0x1EFFF)
_ASTRAL_MARK_RE: Final = re.compile(f"[{chr(_ASTRAL_MARKS[0])}-{chr(_ASTRAL_MARKS[1])}]")
_VARIATION_SELECTORS: Final[frozenset[int]] = frozenset(
    itertools.chain(range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0))
)


def _is_word(cp: int, category: str) -> bool:
    if category[0] in "LN" or cp == 0x5F:
        return True
    return category in ("Mn", "Mc") and cp not in _VARIATION_SELECTORS


def _case_rep(ch: str) -> str:
    """The representative of ``ch``'s simple case folding orbit (what RE2's ``(?i)``
    treats as equal); one character."""
    if ch in "ıİ":  # dotless i / dotted I: Turkic-only case pairs, not folded by RE2
        return ch
    up = ch.upper()
    if len(up) == 1:
        rep = up.lower()
        if len(rep) == 1:
            return rep
    low = ch.lower()
    return low if len(low) == 1 else ch


def _ranges(points: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for cp in points:
        if out and out[-1][1] == cp - 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out


def _py_class(ranges: list[tuple[int, int]]) -> str:
    def esc(cp: int) -> str:
        return f"\\U{cp:08x}"

    return "".join(esc(lo) if lo == hi else f"{esc(lo)}-{esc(hi)}" for lo, hi in ranges)


@dataclass(frozen=True, slots=True)
class Tables:
    """Unicode tables built once, on first use (a fraction of a second)."""

    #: ``re`` pattern: (separator before the token, token) for each token of a text.
    token_re: re.Pattern[str]
    #: The same for texts without supplementary-plane marks (a much faster class).
    token_re_bmp: re.Pattern[str]
    #: ``re`` patterns matching a token (a run of word characters), the same two ways.
    words_re: re.Pattern[str]
    words_re_bmp: re.Pattern[str]
    #: ``re`` pattern matching one word character.
    word_re: re.Pattern[str]
    #: str.translate table: case folding only.
    case: dict[int, str]
    #: str.translate table: case folding and accent folding.
    fold_case: dict[int, str]
    #: accent-insensitive key character -> every case representative that folds to it.
    classes: dict[str, str]
    #: RE2 class body (ranges, without brackets) of the word characters.
    re2_word: str


@lru_cache(maxsize=1)
def tables() -> Tables:
    extra_word: list[int] = []  # word characters Python's \w does not cover (marks)
    states: dict[int, bool | None] = {}
    case: dict[int, str] = {}
    decomposable: list[str] = ["đ", "Đ"]
    for cp in itertools.chain(*_SCAN):
        ch = chr(cp)
        category = unicodedata.category(ch)
        is_word = _is_word(cp, category)
        states[cp] = None if category in ("Cn", "Co", "Cs") else is_word
        if is_word and category[0] == "M":
            extra_word.append(cp)
        if category[0] in "LN" and cp < 0x20000:
            rep = _case_rep(ch)
            if rep != ch and unicodedata.category(rep)[0] == category[0]:
                case[cp] = rep
        decomposition = unicodedata.decomposition(ch)
        if decomposition and not decomposition.startswith("<"):
            decomposable.append(ch)

    def rep_of(ch: str) -> str:
        return case.get(ord(ch), ch)

    # Accent folding of case representatives: one letter to one base letter.
    fold1: dict[str, str] = {}
    for ch in decomposable:
        # letters NFC never produces (composition exclusions) never meet a key
        if unicodedata.category(ch)[0] not in "LN" or unicodedata.normalize("NFC", ch) != ch:
            continue
        base = fold(ch)
        if len(base) != 1 or unicodedata.category(base)[0] not in "LN":
            continue
        base, rep = rep_of(base), rep_of(ch)
        if base != rep:
            fold1[rep] = base

    fold_case: dict[int, str] = {}
    for cp in set(case) | {ord(c) for c in decomposable}:
        ch = chr(cp)
        rep = case.get(cp, ch)
        folded = fold1.get(rep, rep)
        if folded != ch:
            fold_case[cp] = folded

    members: dict[str, set[str]] = {}
    for rep, base in fold1.items():
        members.setdefault(base, {base}).add(rep)
    classes = {base: "".join(sorted(chars)) for base, chars in members.items()}

    marks = _py_class(_ranges(extra_word))
    word = f"\\w{marks}"
    bmp_word = "\\w" + _py_class(_ranges([cp for cp in extra_word if cp < 0x10000]))
    assert all(_ASTRAL_MARKS[0] <= cp <= _ASTRAL_MARKS[1] for cp in extra_word if cp >= 0x10000)
    return Tables(
        token_re=re.compile(f"([^{word}]*)([{word}]+)"),
        token_re_bmp=re.compile(f"([^{bmp_word}]*)([{bmp_word}]+)"),
        words_re=re.compile(f"[{word}]+"),
        words_re_bmp=re.compile(f"[{bmp_word}]+"),
        word_re=re.compile(f"[{word}]"),
        case=case,
        fold_case=fold_case,
        classes=classes,
        re2_word=_re2_ranges(_relaxed_word_ranges(states)),
    )


def _relaxed_word_ranges(states: dict[int, bool | None]) -> list[tuple[int, int]]:
    """Word-character ranges where unassigned, private-use and surrogate code points
    (and those outside the scan) join a neighbouring range when that makes fewer
    ranges: exact for every assigned character, and a much smaller RE2 class."""
    points: list[int] = []
    free: list[int] = []
    previous = False
    for cp in itertools.chain(*_SCAN):
        state = states[cp]
        if state is None:
            free.append(cp)
            continue
        if state and previous and free:
            points.extend(free)
        free = []
        if state:
            points.append(cp)
        previous = state
    return _ranges(points)


def _re2_ranges(ranges: list[tuple[int, int]]) -> str:
    def esc(cp: int) -> str:
        if cp < 0x80 and chr(cp).isalnum():
            return chr(cp)
        return f"\\x{{{cp:x}}}"

    return "".join(esc(lo) if lo == hi else f"{esc(lo)}-{esc(hi)}" for lo, hi in ranges)


def re2_word_class() -> str:
    """RE2 character class of the word characters."""
    return f"[{tables().re2_word}]"


def re2_nonword_class() -> str:
    """RE2 character class of the separators."""
    return f"[^{tables().re2_word}]"


class _KeyCache(dict[str, str]):
    """token -> key, computed on first sight (the vocabulary of a corpus is small)."""

    def __init__(self, sensitive: bool) -> None:
        super().__init__()
        self.sensitive = sensitive

    def __missing__(self, token: str) -> str:
        t = tables()
        key = nfc_fast(token).translate(t.case if self.sensitive else t.fold_case)
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        self[token] = key
        return key


_CACHE_LIMIT: Final[int] = 500_000
_KEYS: Final = _KeyCache(sensitive=False)
_SENSITIVE_KEYS: Final = _KeyCache(sensitive=True)


def insensitive_key(token: str) -> str:
    """The accent- and case-insensitive key of one token (any normalisation form)."""
    return _KEYS[token]


def sensitive_key(token: str) -> str:
    """The case-insensitive, accent-sensitive key of one token."""
    return _SENSITIVE_KEYS[token]


def tag_of(sep: str, at_start: bool) -> str:
    """The tag ("#", "@" or "") a token gets from the separator before it: the last
    separator character, when it is a "#"/"@" that does not directly follow the
    previous token (``at_start``: the separator starts the text)."""
    if sep and sep[-1] in TAG_CHARS and (at_start or len(sep) > 1):
        return sep[-1]
    return ""


def _token_re(text: str) -> re.Pattern[str]:
    t = tables()
    return t.token_re if _ASTRAL_MARK_RE.search(text) else t.token_re_bmp


def split_tokens(text: str) -> list[str]:
    """The tokens of ``text`` (raw, not normalised)."""
    t = tables()
    if _ASTRAL_MARK_RE.search(text):
        return t.words_re.findall(text)
    return t.words_re_bmp.findall(text)


def split_tags(text: str) -> list[str]:
    """The tag of each token of ``text``, aligned with :func:`split_tokens`."""
    pairs = _token_re(text).findall(text)
    return [tag_of(sep, k == 0) for k, (sep, _) in enumerate(pairs)]


class Analysed:
    """One text cut into tokens, with the keys the matcher needs computed lazily."""

    __slots__ = ("_keys", "_keyset", "_sensitive", "_tags", "_tagsets", "text", "tokens")

    def __init__(
        self,
        text: str,
        tokens: list[str],
        keys: list[str] | None = None,
        tags: list[str] | None = None,
        sensitive: list[str] | None = None,
    ) -> None:
        self.text = text
        self.tokens = tokens
        self._keys = keys
        self._keyset: set[str] | None = None
        self._tags = tags
        self._tagsets: dict[str, set[str]] | None = None
        self._sensitive = sensitive

    @property
    def keys(self) -> list[str]:
        """Accent-insensitive keys, one per token."""
        if self._keys is None:
            self._keys = list(map(_KEYS.__getitem__, self.tokens))
        return self._keys

    @property
    def keyset(self) -> set[str]:
        if self._keyset is None:
            if self._keys is None:
                self._keyset = set(map(_KEYS.__getitem__, self.tokens))
            else:
                self._keyset = set(self._keys)
        return self._keyset

    @property
    def tags(self) -> list[str]:
        """ "", "#" or "@" per token."""
        if self._tags is None:
            self._tags = split_tags(self.text)
        return self._tags

    def tagset(self, tag: str) -> set[str]:
        """Keys of the tokens with this tag."""
        if self._tagsets is None:
            sets: dict[str, set[str]] = {"#": set(), "@": set()}
            for tg, key in zip(self.tags, self.keys, strict=True):
                if tg:
                    sets[tg].add(key)
            self._tagsets = sets
        return self._tagsets[tag]

    @property
    def sensitive(self) -> list[str]:
        """Accent-sensitive keys, one per token."""
        if self._sensitive is None:
            self._sensitive = list(map(_SENSITIVE_KEYS.__getitem__, self.tokens))
        return self._sensitive


EMPTY: Final[Analysed] = Analysed("", [], [], [], [])


def analyse(text: str | None) -> Analysed:
    """Tokenise ``text`` for matching."""
    if not text:
        return EMPTY
    return Analysed(text, split_tokens(text))


@dataclass(frozen=True, slots=True)
class Span:
    """One token of an original text, with its offsets in that text."""

    start: int  # offset of the token, or of its '#'/'@' when it has one
    end: int
    tag: str
    token: str


def spans(text: str) -> list[Span]:
    """The tokens of ``text`` with offsets into ``text`` itself (for highlighting)."""
    out = []
    for k, m in enumerate(tables().token_re.finditer(text)):
        tag = tag_of(m.group(1), k == 0)
        start = m.start(2) - (1 if tag else 0)
        out.append(Span(start, m.end(2), tag, m.group(2)))
    return out


# --- RE2 building blocks -------------------------------------------------------------------


def re2_char(ch: str) -> str:
    """``ch`` as an RE2 literal: ASCII letters and digits and other letters and numbers
    as themselves, everything else as a ``\\x{...}`` escape, so no character from a
    query can act as regex syntax."""
    if ch.isascii():
        return ch if ch.isalnum() or ch == "_" else f"\\x{{{ord(ch):x}}}"
    if unicodedata.category(ch)[0] in "LN":
        return ch
    return f"\\x{{{ord(ch):x}}}"


def re2_key_char(key_char: str) -> str:
    """RE2 for one character of an accent-insensitive key: the class of every case
    representative that folds to it (``(?i)`` adds the other cases)."""
    members = tables().classes.get(key_char)
    if members is None:
        return re2_char(key_char)
    return "[" + "".join(re2_char(c) for c in members) + "]"
