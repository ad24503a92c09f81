"""Offensive and hateful words in a comment, as character spans for a moderation queue.

:func:`toxic_spans` marks the words and phrases of a shipped lexicon
(``data/toxic_lexicon.tsv``, learned from the ViHOS train and dev spans by
``bench/build_toxic_lexicon.py``; see ``data/toxic_lexicon.md``) and returns their
``(start, end, surface)`` in the *original* text (``end`` exclusive, so
``text[start:end] == surface``).

Matching is on the normalised words of :func:`~tinhieu.nlp.normalise.normalise_words`:
teencode and abbreviations are expanded first ("đm"/"dm" -> "địt mẹ", "vl" -> "vãi
lồn", "vcl" -> "vãi cả lồn", "cc" -> "con cặc", "m" -> "mày"), so every spelling the
normaliser knows is found, and a lexicon phrase may cover part of an expanded token
(the whole token is then marked). Letters separated by dots, dashes, stars or
underscores ("đ.m", "d-m", "v.c.l", "c_c") are joined and looked up as one word. The
longest lexicon phrase wins at each position (up to :data:`MAX_WORDS` words); marked
tokens separated only by spaces are merged into one span, as ViHOS annotates phrases.
A match that is one letter of the original text ("m" -> "mày", "t" -> "tao") is never
marked: "size M" and "1 m" are far more common in brand comments than the insult; nor is
"méo" on its own (a dented box, though the normaliser reads it as "đéo").

Lexicon entries are matched as written: an accented entry matches accented text, and
the lexicon also holds the unaccented spellings seen in the data ("lon", "cho") with
their own, usually lower, precision. Words that are only sometimes offensive ("chó"
the animal, "nó" the pronoun, used with contempt) are in the lexicon only when their
measured precision passed the threshold chosen on ViHOS dev; they will still mark
innocent uses sometimes. Spans are evidence for a human moderator, not a verdict.

The function is pure and never raises on a ``str``; texts longer than
:data:`MAX_CHARS` are matched on their first :data:`MAX_CHARS` characters. A text
without any lexicon word costs one normalisation and a dictionary walk (~10-20 µs);
offsets are computed (:func:`~tinhieu.nlp.normalise.tokenize`, only on the whitespace
chunks that hold a match) for texts with a match.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Final

from tinhieu.nlp.normalise import normalise_words, tokenize

__all__ = ["MAX_CHARS", "MAX_WORDS", "ToxicMatcher", "load_lexicon", "toxic_spans"]

MAX_CHARS: Final = 20_000
MAX_WORDS: Final = 4
_DATA: Final = "tinhieu.nlp.data"
_LEXICON_FILE: Final = "toxic_lexicon.tsv"

# Ordinary words that the normaliser reads as a euphemism of a swear word: marked only
# inside a longer phrase ("hộp bị méo" is a dented box; "méo" alone is "đéo" in ViHOS).
_ORDINARY: Final = frozenset({"méo"})
_SEPARATED: Final = re.compile(r"(?<!\w)[^\W\d_][.*_\-]{1,3}[^\W\d_](?!\w)")
# Single letters joined by dots, dashes, stars or underscores: "đ.m", "v.c.l", "d-m".
_SPACED_LETTERS: Final = re.compile(
    r"(?<![\w.*\-])[^\W\d_](?:[.*_\-]{1,3}[^\W\d_]){1,4}(?![\w*\-])(?!\.\w)"
)


class ToxicMatcher:
    """Longest-match lookup of lexicon phrases over normalised words.

    ``phrases`` are normalised word sequences joined by single spaces (as
    :func:`~tinhieu.nlp.normalise.normalise_words` writes them). Use
    :func:`toxic_spans` for the shipped lexicon; build a matcher to try another one
    (``bench/build_toxic_lexicon.py`` does, to choose its thresholds).
    """

    __slots__ = ("_max_len", "_phrases", "merge")

    def __init__(self, phrases: Iterable[str], *, merge: bool = True) -> None:
        self._phrases: set[tuple[str, ...]] = set()
        self._max_len: dict[str, int] = {}  # first word -> longest phrase starting with it
        for p in phrases:
            words = tuple(p.split())
            if not words or len(words) > MAX_WORDS:
                continue
            self._phrases.add(words)
            first = words[0]
            self._max_len[first] = max(self._max_len.get(first, 0), len(words))
        self.merge: bool = merge

    def __len__(self) -> int:
        return len(self._phrases)

    def _word_matches(self, words: list[str]) -> list[tuple[int, int]]:
        """(first, last) word indices of the longest matches, left to right."""
        out: list[tuple[int, int]] = []
        if self._max_len.keys().isdisjoint(words):  # the common case: no phrase starts
            return out
        get = self._max_len.get
        phrases = self._phrases
        n = len(words)
        i = 0
        while i < n:
            longest = get(words[i], 0)
            if longest:
                for size in range(min(longest, n - i), 0, -1):
                    if tuple(words[i : i + size]) in phrases:
                        out.append((i, i + size - 1))
                        i += size
                        break
                else:
                    i += 1
            else:
                i += 1
        return out

    def spans(self, text: str, words: Sequence[str] | None = None) -> list[tuple[int, int, str]]:
        """``(start, end, surface)`` of the lexicon phrases in ``text`` (see module).

        ``words``, when given, must be ``normalise_words(text)`` (saves normalising the
        text again); it is ignored for a text longer than :data:`MAX_CHARS`.
        """
        if not isinstance(text, str) or not text:
            return []
        if len(text) > MAX_CHARS:
            text = text[:MAX_CHARS]
            words = None
        marked: list[tuple[int, int]] = []
        words = list(words) if words is not None else normalise_words(text)
        matches = self._word_matches(words)
        if matches:
            owner = _owners(text, words, matches)
            if owner is None:  # the two normalisations disagree: recompute
                words, full = self._token_words(text)
                owner = dict(enumerate(full))
                matches = self._word_matches(words)
            for first, last in matches:
                start, end = owner[first][0], owner[last][1]
                if end - start <= 1:  # a lone letter ("size M", "t") is never marked
                    continue
                if owner[first] == owner[last] and text[start:end].lower() in _ORDINARY:
                    continue
                marked.append((start, end))
        if self._max_len and _SEPARATED.search(text) is not None:
            for m in _SPACED_LETTERS.finditer(text):
                joined = "".join(c for c in m.group() if c.isalpha())
                if self._word_matches(normalise_words(joined)) and not _covered(
                    marked, m.start(), m.end()
                ):
                    marked.append((m.start(), m.end()))
        if not marked:
            return []
        return _finish(text, marked, self.merge)

    @staticmethod
    def _token_words(text: str) -> tuple[list[str], list[tuple[int, int]]]:
        words: list[str] = []
        owner: list[tuple[int, int]] = []
        for tok in tokenize(text):
            for w in tok.norm.split(" "):
                words.append(w)
                owner.append((tok.start, tok.end))
        return words, owner


_CHUNK: Final = re.compile(r"\S+")
#: Whitespace chunk -> its number of normalised words (bounded: emptied when full).
_chunk_sizes: dict[str, int] = {}
_CHUNK_SIZES_MAX: Final = 100_000


def _owners(
    text: str, words: list[str], matches: list[tuple[int, int]]
) -> dict[int, tuple[int, int]] | None:
    """Token offsets of the first and last word of each match.

    The normaliser works whitespace chunk by whitespace chunk (cached), so only the
    chunks holding a match are tokenized. ``None`` when the chunk-wise words differ in
    number from ``words`` (a token spanning spaces, such as a phone number).
    """
    chunks: list[tuple[int, str, int]] = []  # (offset, chunk, index of its first word)
    k = 0
    for m in _CHUNK.finditer(text):
        chunk = m.group()
        chunks.append((m.start(), chunk, k))
        size = _chunk_sizes.get(chunk)
        if size is None:
            size = len(normalise_words(chunk))
            if len(_chunk_sizes) >= _CHUNK_SIZES_MAX:
                _chunk_sizes.clear()
            _chunk_sizes[chunk] = size
        k += size
    if k != len(words):
        return None
    firsts = [c[2] for c in chunks]
    wanted = {w for pair in matches for w in pair}
    out: dict[int, tuple[int, int]] = {}
    done: set[int] = set()
    for w in sorted(wanted):
        ci = bisect_right(firsts, w) - 1
        if ci in done:
            continue
        done.add(ci)
        offset, chunk, first_word = chunks[ci]
        j = first_word
        for tok in tokenize(chunk):
            span = (offset + tok.start, offset + tok.end)
            for _ in range(tok.norm.count(" ") + 1):
                out[j] = span
                j += 1
        next_first = firsts[ci + 1] if ci + 1 < len(firsts) else len(words)
        if j != next_first:
            return None
    return out


def _covered(marked: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in marked)


def _finish(text: str, marked: list[tuple[int, int]], merge: bool) -> list[tuple[int, int, str]]:
    marked.sort()
    out: list[list[int]] = []
    for s, e in marked:
        if out and (s <= out[-1][1] or (merge and not text[out[-1][1] : s].strip())):
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e, text[s:e]) for s, e in out]


def load_lexicon(text: str) -> list[str]:
    """The phrases of a lexicon file's text (``phrase<TAB>...`` lines, ``#`` comments)."""
    out: list[str] = []
    for line in text.splitlines():
        if not line or line[0] == "#":
            continue
        phrase = line.split("\t", 1)[0].strip()
        if phrase:
            out.append(phrase)
    return out


_MATCHER: ToxicMatcher | None = None


def _matcher() -> ToxicMatcher:
    global _MATCHER
    if _MATCHER is None:
        try:
            raw = resources.files(_DATA).joinpath(_LEXICON_FILE).read_text(encoding="utf-8")
        except (FileNotFoundError, OSError):  # pragma: no cover - shipped with the package
            raw = ""
        merge = "# merge: no" not in raw
        _MATCHER = ToxicMatcher(load_lexicon(raw), merge=merge)
    return _MATCHER


def toxic_spans(text: str, words: Sequence[str] | None = None) -> list[tuple[int, int, str]]:
    """``(start, end, surface)`` of offensive or hateful words in ``text``.

    Offsets index the original string (``end`` exclusive; ``text[start:end] ==
    surface``); spans are sorted and do not overlap. Never raises on a ``str``;
    anything else gives ``[]``. See the module docstring. ``words``, when given, must be
    ``normalise_words(text)``.
    """
    if not isinstance(text, str) or not text:
        return []
    return _matcher().spans(text, words)
