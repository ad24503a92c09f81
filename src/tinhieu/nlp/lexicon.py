"""A polarity lexicon of Vietnamese social and e-commerce words, turned into features.

Learned weights are only as good as their training domain: student feedback and
product reviews say little about "trà nguội" or "nhân viên cọc". A short hand-written
lexicon (``data/polarity_vi.tsv``) carries that knowledge across domains: each match
adds a ``LEX+`` or ``LEX-`` feature, flipped inside a negation's scope ("không ngon" →
``LEX-``), marked ``!`` next to an intensifier ("ngon xỉu", "rất tệ") and ``»`` after a
contrast — so the linear model learns *how much* to trust the lexicon, per task.

Matching is on normalised words; phrases of two or more syllables also match without
diacritics ("do te" → "dở tệ"), single syllables only with them (folded "te" could be
"tệ" or "tế").
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Final

from tinhieu.text.normalise import fold

NEGATORS: Final[frozenset[str]] = frozenset(
    {"không", "chẳng", "chả", "chưa", "đừng", "chớ", "hổng", "hông", "khỏi", "kém"}
)
INTENSIFIERS: Final[frozenset[str]] = frozenset(
    {
        "rất",
        "quá",
        "lắm",
        "cực",
        "cực kỳ",
        "siêu",
        "vô cùng",
        "thật",
        "thật sự",
        "xỉu",
        "vãi",
        "vl",
        "vcl",
        "đỉnh",
        "hết sức",
        "khá",
        "cực kì",
    }
)
SCOPE: Final[int] = 3
MAX_PHRASE: Final[int] = 3


@lru_cache(maxsize=1)
def polarity_table() -> dict[tuple[str, ...], int]:
    """Phrase (as a word tuple) → +1 / −1; folded forms of multi-word phrases included."""
    text = (resources.files("tinhieu.nlp") / "data" / "polarity_vi.tsv").read_text("utf-8")
    table: dict[tuple[str, ...], int] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, _, polarity = line.partition("\t")
        table[tuple(word.split())] = int(polarity)
    for phrase, value in list(table.items()):
        if len(phrase) > 1:
            table.setdefault(tuple(fold(w) for w in phrase), value)
    return table


@lru_cache(maxsize=1)
def _starts() -> dict[str, tuple[int, ...]]:
    """First word of each phrase → the phrase lengths starting with it, longest first."""
    starts: dict[str, set[int]] = {}
    for key in polarity_table():
        starts.setdefault(key[0], set()).add(len(key))
    return {w: tuple(sorted(ks, reverse=True)) for w, ks in starts.items()}


_CLAUSE_BREAK: Final[frozenset[str]] = frozenset({".", ",", "!", "?", ";", "nhưng", "mà"})


def _negated(words: Sequence[str], i: int) -> bool:
    """Whether a negator opens a scope covering position ``i`` (no clause break between)."""
    for j in range(i - 1, max(-1, i - SCOPE - 1), -1):
        w = words[j]
        if w in NEGATORS:
            return True
        if w in _CLAUSE_BREAK:
            return False
    return False


def lexicon_features(words: Sequence[str]) -> list[str]:
    """``LEX+`` / ``LEX-`` features (with ``!`` and ``»`` marks) of one text's words."""
    starts = _starts()
    if starts.keys().isdisjoint(words):
        return []
    table = polarity_table()
    out: list[str] = []
    n = len(words)
    contrast_at = n
    for j, w in enumerate(words):
        if w in ("nhưng", "song"):
            contrast_at = j
            break
    i = 0
    while i < n:
        lengths = starts.get(words[i])
        if lengths is None:
            i += 1
            continue
        match = 0
        value = 0
        for k in lengths:
            if i + k <= n:
                v = table.get(tuple(words[i : i + k]))
                if v is not None:
                    match, value = k, v
                    break
        if not match:
            i += 1
            continue
        if _negated(words, i):
            value = -value
        feat = "LEX+" if value > 0 else "LEX-"
        before = words[i - 1] if i else ""
        after = words[i + match] if i + match < n else ""
        if before in INTENSIFIERS or after in INTENSIFIERS:
            feat += "!"
        out.append(feat)
        if i > contrast_at:
            out.append("»" + feat)
        i += match
    return out
