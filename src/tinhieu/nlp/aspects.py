"""Aspect-based sentiment: which aspect a comment praises or blames, with the evidence span.

Two layers, one result type (:class:`AspectHit`):

**Commerce aspects** (:func:`commerce_aspects`, ``source="lexicon"``) for brands of any
category: ``price``, ``quality``, ``delivery``, ``service``, ``packaging``, ``app``,
``promotion`` and ``store``. The text is cut into clauses (punctuation and contrastive
conjunctions: "nhưng", "mà"); each clause's words (lower case, repeated letters
squeezed, a few short forms expanded: "ko", "sp", "50k") are matched against a
hand-written lexicon (``data/aspect_lexicon.json``) of aspect terms ("giao hàng", "đóng
gói"), opinion words that name their aspect ("đắt", "móp", "nhiệt tình") and general
opinion words ("tốt", "chậm", "tệ"); negators ("không ngon", "chẳng nhanh") flip an
opinion, intensifiers ("rất", "quá", "hơi") scale it, and each general opinion goes to
the nearest aspect term of its clause. Text typed without diacritics is matched on
folded words ("giao hang cham"); folded words that stand for several words ("dat":
đắt/đặt/đất) count only right after an aspect term. One hit per aspect: the polarity
said most strongly, the clause that says it as evidence. Choices (one hit per aspect,
no folded matching inside accented text, the neutral band) were made on the train and
dev splits of UIT-ViSFD and VLSP 2018 through the mapping in ``bench/eval_aspects.py``.

**Smartphone aspects** (:class:`AspectModel`, ``source="model"``): the ten aspects of
UIT-ViSFD (``phone.screen``, ``phone.camera``, ``phone.features``, ``phone.battery``,
``phone.performance``, ``phone.storage``, ``phone.design``, ``phone.price``,
``phone.general``, ``phone.ser&acc``), one 4-class linear head per aspect (none /
positive / negative / neutral) over the shared feature matrix, all stored as one
:class:`~tinhieu.nlp.linear.LinearHead`. The evidence span is the clause (or run of
adjacent clauses) that a small clause-level scorer, trained on the UIT-ViSD4SA span
annotations, rates highest for the predicted aspect.

:func:`train_aspects` reproduces the smartphone artefacts from the public data (train
and dev splits only; test is scored for the report). Choices made on dev: one 4-class
head per aspect beat a detection head plus a polarity head in our trial (dev micro
aspect+polarity F1 76.2 against 75.7, accented; 75.7 against 74.6 folded); the ``C`` of
each aspect's linear SVM and an offset on its "none" score are chosen on dev (accented
and folded copies), then the smallest weights are dropped while dev F1 allows.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from itertools import chain, pairwise
from operator import attrgetter
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tinhieu.nlp.features import FeatureSpace, softmax
from tinhieu.nlp.labels import COMMERCE_ASPECTS
from tinhieu.nlp.linear import LinearHead
from tinhieu.nlp.normalise import fold_words, normalise_words, squeeze_repeats
from tinhieu.nlp.train import fit_svm, with_folded
from tinhieu.text.normalise import fold, nfc_fast

__all__ = [
    "COMMERCE_ASPECTS",
    "PHONE_ASPECTS",
    "POLARITIES",
    "AspectHit",
    "AspectModel",
    "absa_scores",
    "clauses",
    "commerce_aspects",
    "protected_names",
    "span_scores",
    "train_aspects",
]

#: UIT-ViSFD's aspect labels (OTHERS, which has no polarity, is left out).
VISFD_ASPECTS: Final[tuple[str, ...]] = (
    "SCREEN",
    "CAMERA",
    "FEATURES",
    "BATTERY",
    "PERFORMANCE",
    "STORAGE",
    "DESIGN",
    "PRICE",
    "GENERAL",
    "SER&ACC",
)
PHONE_ASPECTS: Final[tuple[str, ...]] = tuple(f"phone.{a.lower()}" for a in VISFD_ASPECTS)
POLARITIES: Final[tuple[str, ...]] = ("positive", "negative", "neutral")
#: Classes of each smartphone aspect head, in stored order.
_HEAD_CLASSES: Final[tuple[str, ...]] = ("none", *POLARITIES)

PHONE_HEAD_FILE: Final = "aspects_phone.npz"
EVIDENCE_FILE: Final = "aspects_evidence.npz"
#: The training report, written next to the two artefacts (its presence says the model
#: directory has an aspect model).
MANIFEST_FILE: Final = "aspects.json"

_PACKAGE: Final = "tinhieu.nlp"
_LEXICON_FILE: Final = "aspect_lexicon.json"
#: Texts longer than this are cut before the lexicon pass (a comment is far shorter).
_MAX_CHARS: Final = 20_000

Log = Callable[[str], None]
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class AspectHit:
    """One aspect judged in one text.

    ``aspect`` is a commerce aspect (``"price"``, ``"quality"``...) or a smartphone
    aspect (``"phone.battery"``...); ``text[start:end] == evidence``.
    """

    aspect: str
    polarity: str
    prob: float
    start: int
    end: int
    evidence: str
    source: str


# ---------------------------------------------------------------------------------------
# Clauses.
# ---------------------------------------------------------------------------------------

#: Words that open a new clause and belong to neither side (also read from the lexicon).
_DEFAULT_BREAKS: Final[tuple[str, ...]] = ("nhưng", "nhung", "mà", "song", "tuy")

#: Clause separators: sentence punctuation, commas, colons, semicolons, line breaks and
#: bullets.
_SEP_RE: Final = re.compile("[!?;:.,\n\r\x0b\x0c…•|\u2028\u2029]+")
_NUMBER_PUNCT: Final = frozenset(".,:")
_NOT_NUMBER_PUNCT_RE: Final = re.compile("[.,:]")
#: Words inside a chunk: letters and digits, with combining marks (text not in NFC) and
#: the "." "," ":" inside numbers ("1.000.000đ").
_WORD_RE: Final = re.compile(r"[\w\u0300-\u036f]+(?:[.,:][\w\u0300-\u036f]+)*")


def _is_word_char(c: str) -> bool:
    return c.isalnum() or "\u0300" <= c <= "\u036f"


@dataclass(slots=True)
class _Clause:
    start: int
    end: int
    words: list[str]
    folded: list[str]
    question: bool


def _scan(text: str, lex: _Lexicon) -> tuple[list[_Clause], bool]:
    """The clauses of ``text`` with their lexicon words, and whether it is accented.

    A clause ends at sentence punctuation, a comma, colon or semicolon (not one inside a
    number such as "1.000" or "10:30"), a line break or a bullet, and before a
    contrastive conjunction ("nhưng", "mà"), which belongs to neither side. A clause
    runs from its first word to its last (punctuation and emoji at its edges left out).
    """
    out: list[_Clause] = []
    counts = [0, 0]  # words, words with a diacritic
    pos = 0
    n_text = len(text)
    for m in _SEP_RE.finditer(text):
        i = m.start()
        if (
            m.end() - i == 1
            and text[i] in _NUMBER_PUNCT
            and 0 < i < n_text - 1
            and text[i - 1].isdigit()
            and text[i + 1].isdigit()
        ):
            continue  # "1.000", "10:30": part of the number
        if i > pos:
            _scan_piece(text, text[pos:i], pos, text[i] == "?", lex, out, counts)
        pos = m.end()
    if pos < n_text:
        _scan_piece(text, text[pos:], pos, False, lex, out, counts)
    return out, counts[1] * 3 >= counts[0]


def _scan_piece(
    text: str,
    piece: str,
    pos: int,
    question: bool,
    lex: _Lexicon,
    out: list[_Clause],
    counts: list[int],
) -> None:
    """Add the clause(s) of one piece between separators (``text[pos:pos+len(piece)]``)."""
    chunks = piece.split()
    infos = list(map(lex.tokens.__getitem__, chunks))  # a miss is read by _token
    counts[0] += len(infos)
    counts[1] += sum(map(_get_marked, infos))
    words: list[str]
    folded: list[str]
    if not any(map(_get_special, infos)):  # the common case: plain words only
        words = list(_chain(map(_get_words, infos)))
        folded = list(_chain(map(_get_folded, infos)))
        _close(text, pos, pos + len(piece), words, folded, question, out)
        return
    words, folded = [], []
    has_break = False
    for info in infos:
        if info.brk:
            has_break = True
        elif info.unit and words and words[-1] == "<number>":
            words[-1] = folded[-1] = "<money>"  # "50 k": a thousand, not "không"
        else:
            words += info.words
            folded += info.folded
    if not has_break:
        _close(text, pos, pos + len(piece), words, folded, question, out)
        return
    # rare: cut at the conjunctions, with their offsets
    words, folded = [], []
    cursor = 0
    start = last = -1
    for chunk, info in zip(chunks, infos, strict=True):
        at = piece.find(chunk, cursor)
        cursor = at + len(chunk)
        if info.brk:
            _close(text, pos + start, pos + last, words, folded, False, out)
            words, folded = [], []
            start = -1
            continue
        if start < 0:
            start = at
        last = cursor
        _add_token(info, words, folded)
    if start >= 0:
        _close(text, pos + start, pos + last, words, folded, question, out)


def _close(
    text: str,
    start: int,
    end: int,
    words: list[str],
    folded: list[str],
    question: bool,
    out: list[_Clause],
) -> None:
    """Add one clause, its span trimmed to its first and last word characters."""
    if not words:
        return
    while start < end:
        c = text[start]
        if c.isalnum() or "\u0300" <= c <= "\u036f":
            break
        start += 1
    while end > start:
        c = text[end - 1]
        if c.isalnum() or "\u0300" <= c <= "\u036f":
            break
        end -= 1
    if end > start:
        out.append(_Clause(start, end, words, folded, question))


def _add_token(info: _Token, words: list[str], folded: list[str]) -> None:
    if info.unit and words and words[-1] == "<number>":
        words[-1] = folded[-1] = "<money>"  # "50 k": a thousand, not "không"
    else:
        words.extend(info.words)
        folded.extend(info.folded)


def clauses(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each clause of ``text``, in order (see :func:`_scan`).

    Never raises on a ``str``; anything else gives ``[]``.
    """
    if not isinstance(text, str) or not text:
        return []
    return [(c.start, c.end) for c in _scan(text[:_MAX_CHARS], _lexicon())[0]]


# ---------------------------------------------------------------------------------------
# The commerce lexicon.
# ---------------------------------------------------------------------------------------

_TERM, _OPINION, _NEGATOR, _INTENSIFIER, _QUESTION, _NEUTRAL = range(6)


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: int
    phrase: str  # as written in the lexicon
    aspect: str | None = None
    score: float = 0.0
    weak: bool = False
    #: Only counts right next to an aspect term (a folded form of several words).
    context_only: bool = False
    #: Polarity of a term said with no opinion word.
    default: float = 0.0
    #: 1: a frame ("trong tầm giá") takes only words that judge its aspect alone ("cao");
    #: 2: a strict weak term ("quán") takes only the words its aspect's context lists.
    frame: int = 0


#: first word -> (the one-word entry, ((length, {words: entry}), ...) longest first)
_Index = dict[str, tuple[_Entry | None, tuple[tuple[int, dict[tuple[str, ...], _Entry]], ...]]]


def _build_index(pairs: list[tuple[tuple[str, ...], _Entry]]) -> _Index:
    grouped: dict[str, dict[int, dict[tuple[str, ...], _Entry]]] = {}
    for key, e in pairs:
        grouped.setdefault(key[0], {}).setdefault(len(key), {}).setdefault(key, e)
    index: _Index = {}
    for first, by_len in grouped.items():
        single = by_len.get(1, {}).get((first,))
        multi = tuple((k, by_len[k]) for k in sorted(by_len, reverse=True) if k > 1)
        index[first] = (single, multi)
    return index


class _Lexicon:
    """The parsed lexicon and its two indexes (accented and folded words)."""

    __slots__ = (
        "accented",
        "breaks",
        "connectors",
        "context",
        "folded",
        "general",
        "teencode",
        "tokens",
    )

    def __init__(self, raw: dict[str, Any]) -> None:
        self.teencode: dict[str, tuple[str, ...]] = {
            str(k): tuple(str(v).split()) for k, v in raw.get("teencode", {}).items()
        }
        self.tokens: _TokenCache = _TokenCache(self)
        self.breaks: frozenset[str] = frozenset(raw.get("breaks", _DEFAULT_BREAKS))
        entries: list[_Entry] = []
        self.context: dict[str, dict[str, float]] = {}
        context_words: set[str] = set()
        for aspect, spec in raw["aspects"].items():
            defaults = {str(k): float(v) for k, v in spec.get("default", {}).items()}
            for phrase in spec.get("frames", []):
                entries.append(_Entry(_TERM, phrase, aspect, frame=1))
            for phrase in spec.get("strict", []):
                entries.append(_Entry(_TERM, phrase, aspect, weak=True, frame=2))
            for phrase in spec.get("terms", []):
                entries.append(_Entry(_TERM, phrase, aspect, default=defaults.get(phrase, 0.0)))
            for phrase in spec.get("weak", []):
                entries.append(_Entry(_TERM, phrase, aspect, weak=True))
            for phrase, score in spec.get("opinions", {}).items():
                entries.append(_Entry(_OPINION, phrase, aspect, float(score)))
            ctx = {str(k): float(v) for k, v in spec.get("context", {}).items()}
            self.context[aspect] = ctx
            context_words |= set(ctx)
        general = {str(k): float(v) for k, v in raw.get("opinions", {}).items()}
        for phrase in sorted(context_words - set(general)):
            general[phrase] = 0.0  # judges only the aspects whose context names it
        self.general = general
        entries += [_Entry(_OPINION, p, None, s) for p, s in general.items()]
        entries += [_Entry(_NEGATOR, p) for p in raw.get("negators", [])]
        entries += [
            _Entry(_INTENSIFIER, p, score=float(f)) for p, f in raw.get("intensifiers", {}).items()
        ]
        entries += [_Entry(_QUESTION, p) for p in raw.get("questions", [])]
        entries += [_Entry(_NEUTRAL, p) for p in raw.get("neutral", [])]
        self.connectors: frozenset[str] = frozenset(raw.get("connectors", []))
        ambiguous = set(raw.get("fold_ambiguous", []))
        acc_pairs: list[tuple[tuple[str, ...], _Entry]] = []
        fold_pairs: list[tuple[tuple[str, ...], _Entry]] = []
        seen: set[tuple[str, ...]] = set()
        folded_first: dict[tuple[str, ...], _Entry] = {}
        clashes: set[tuple[str, ...]] = set()
        for e in entries:
            words = tuple(e.phrase.split() if "<" in e.phrase else _words(e.phrase, self))
            if not words or words in seen:  # the first definition of a phrase wins
                continue
            seen.add(words)
            acc_pairs.append((words, e))
            fkey = tuple(fold_words(list(words)))
            prev = folded_first.get(fkey)
            if prev is None:
                folded_first[fkey] = e
            elif (prev.kind, prev.aspect, prev.score) != (e.kind, e.aspect, e.score):
                clashes.add(fkey)
        for fkey, e in folded_first.items():
            if e.kind in (_TERM, _OPINION) and (
                fkey in clashes or (len(fkey) == 1 and fkey[0] in ambiguous)
            ):
                e = replace(e, context_only=True)
            fold_pairs.append((fkey, e))
        self.accented: _Index = _build_index(acc_pairs)
        self.folded: _Index = _build_index(fold_pairs)


_LEX: _Lexicon | None = None


def _lexicon() -> _Lexicon:
    global _LEX
    if _LEX is None:
        path = resources.files(_PACKAGE).joinpath("data", _LEXICON_FILE)
        text = path.read_text(encoding="utf-8")
        _LEX = _Lexicon(json.loads(text))
    return _LEX


_CACHE_MAX: Final = 100_000
_MONEY_RE: Final = re.compile(
    r"\d+(?:[.,]\d+)*(?:k|đ|d|vnd|vnđ|tr|tr\d+|triệu|trieu|nghìn|ngàn|nghin|ngan|củ|cu|usd|\$)"
)
_MONEY_UNITS: Final = frozenset(
    {"k", "đ", "vnd", "vnđ", "tr", "triệu", "trieu", "nghìn", "ngàn", "nghin", "ngan", "củ", "đồng"}
)
#: Characters that carry a Vietnamese diacritic ("đ" included).
_DIACRITIC_RE: Final = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ\u0300-\u036f]"
)


@dataclass(frozen=True, slots=True)
class _Token:
    words: tuple[str, ...]
    folded: tuple[str, ...]
    marked: bool  # written with a Vietnamese diacritic
    brk: bool  # a conjunction that opens a new clause
    unit: bool  # a money unit ("k", "đồng") that may follow a number
    special: bool  # brk or unit: the clause needs the slow path of _scan_piece


_get_words: Final = attrgetter("words")
_get_folded: Final = attrgetter("folded")
_get_marked: Final = attrgetter("marked")
_get_special: Final = attrgetter("special")
_chain: Final = chain.from_iterable


class _TokenCache(dict[str, _Token]):
    """Chunk -> :class:`_Token`, filled on a miss (bounded: emptied when full)."""

    __slots__ = ("lex",)

    def __init__(self, lex: _Lexicon) -> None:
        super().__init__()
        self.lex = lex

    def __missing__(self, chunk: str) -> _Token:
        info = _token(chunk, self.lex)
        if len(self) >= _CACHE_MAX:
            self.clear()
        self[chunk] = info
        return info


def _token(chunk: str, lex: _Lexicon) -> _Token:
    """What one whitespace-free chunk of text stands for: its words in lower case NFC,
    letters repeated for emphasis squeezed ("ngonnnn"), the lexicon's own short forms
    expanded ("ko" -> "không", "sp" -> "sản phẩm"), amounts of money as ``<money>``
    ("25k", "2tr", "1.000.000đ") and other numbers as ``<number>``; emoji and other
    symbols dropped.

    Deliberately not :func:`~tinhieu.nlp.normalise.normalise_words`: its general
    teencode table reads some commerce words as other words ("hỏng" as "không").
    """
    words: list[str] = []
    marked = False
    for raw in _WORD_RE.findall(chunk):
        low = nfc_fast(raw).lower()
        marked = marked or _DIACRITIC_RE.search(low) is not None
        if low[:1].isdigit():
            words.append("<money>" if _MONEY_RE.fullmatch(low) else "<number>")
            continue
        if "." in low or "," in low or ":" in low:  # "a.b" that is not a number
            for part in _NOT_NUMBER_PUNCT_RE.split(low):
                if part:
                    words.extend(_token(part, lex).words)
            continue
        if any(a == b for a, b in pairwise(low)):
            low = squeeze_repeats(low)
        if low:
            words.extend(lex.teencode.get(low, (low,)))
    folded = tuple(w if w.isascii() else fold(w) for w in words)
    brk = len(words) == 1 and words[0] in lex.breaks
    unit = len(words) == 1 and words[0] in _MONEY_UNITS
    return _Token(tuple(words), folded, marked, brk, unit, brk or unit)


def _words(text: str, lex: _Lexicon) -> list[str]:
    """The lexicon words of a phrase (the same reading as the text's)."""
    out: list[str] = []
    for chunk in text.split():
        out.extend(_token(chunk, lex).words)
    return out


# ---------------------------------------------------------------------------------------
# Commerce aspects: matching and scoring one clause.
# ---------------------------------------------------------------------------------------

#: A negator reaches this many words ahead (aspect terms in between not counted).
_NEG_SCOPE: Final = 3
#: |score| up to this is neutral.
_NEUTRAL_BAND: Final = 0.25
#: Opinions inside a question count this much ("có bền không?").
_QUESTION_WEIGHT: Final = 0.4
#: How far after its aspect term a folded, ambiguous word may stand.
_CONTEXT_REACH: Final = 2
#: Confidence of a lexicon hit by how it was found: the share of such hits whose aspect
#: and polarity are right on the train splits of UIT-ViSFD and VLSP 2018 (aspects they
#: annotate: price, quality, service, store); dev agrees within 0.05.
_PROB_OPINION: Final = 0.7  # a term with an opinion word ("giao hàng nhanh")
_PROB_IMPLICIT: Final = 0.8  # an opinion word that names its aspect ("đắt", "móp")
_PROB_WEAK: Final = 0.45  # a weak term with an opinion ("hàng đẹp")
_PROB_NEUTRAL: Final = 0.4  # the aspect named without an opinion


@dataclass(slots=True)
class _Item:
    entry: _Entry
    pos: int
    end: int  # exclusive word index
    factor: float = 1.0  # intensifiers
    negated: bool = False
    used: bool = False


@dataclass(slots=True)
class _Opinion:
    phrase: str  # "" for an opinion that names its aspect
    base: float
    factor: float
    negated: bool


@dataclass(slots=True)
class _Mention:
    aspect: str
    pos: int
    end: int
    weak: bool
    frame: int
    implicit: _Opinion | None  # an opinion word that names its aspect ("đắt")
    default: float
    opinions: list[_Opinion]


def _effective(base: float, factor: float, negated: bool) -> float:
    """An opinion's score after intensifiers and negation.

    A negated praise becomes a complaint at least as strong as "không tốt"; a negated
    complaint a mild praise ("không tệ").
    """
    s = base * factor
    if negated:
        if s > 0:
            return -max(s, 0.8)
        if s < 0:
            return min(-0.7 * s, 0.8)
    return s


def _match(
    words: list[str],
    folded: list[str],
    accented: bool,
    lex: _Lexicon,
    masked: set[int] | None = None,
) -> list[_Item]:
    """Longest-match lexicon entries over ``words`` (left to right, no overlaps).

    Accented text is matched word for word (a word typed without its diacritics there
    is more often another word: "chi" is "chi", not "chỉ"); unaccented text is matched
    on folded words only. Words at ``masked`` positions (a brand's name) are never
    matched.
    """
    seq = words if accented else folded
    index = lex.accented if accented else lex.folded
    n = len(seq)
    items: list[_Item] = []
    nxt = 0  # the first word not taken by an earlier match
    for i in [i for i, w in enumerate(seq) if w in index]:
        if i < nxt or (masked and i in masked):
            continue
        hit, multi = index[seq[i]]
        k = 1
        for kk, table in multi:
            if i + kk <= n and not (masked and masked.intersection(range(i, i + kk))):
                e = table.get(tuple(seq[i : i + kk]))
                if e is not None:
                    hit, k = e, kk
                    break
        if hit is not None:
            items.append(_Item(hit, i, i + k))
            nxt = i + k
    return items


def _modify(items: list[_Item]) -> None:
    """Mark each opinion's intensity and negation (in place).

    A negator applies to the first opinion within :data:`_NEG_SCOPE` words after it,
    aspect terms in between not counted ("chẳng thấy ưu đãi gì hấp dẫn"); an
    intensifier right before or after an opinion scales it.
    """
    neg_at = -100
    term_words = 0
    for idx, it in enumerate(items):
        e = it.entry
        eff_pos = it.pos - term_words
        if e.kind == _TERM:
            term_words += it.end - it.pos
            continue
        if e.kind == _NEGATOR:
            neg_at = eff_pos + (it.end - it.pos)
            continue
        if e.kind != _OPINION:
            continue
        for j in (idx - 1, idx + 1, idx - 2):
            if 0 <= j < len(items):
                other = items[j]
                if other.entry.kind == _INTENSIFIER and (
                    0 <= it.pos - other.end <= 1 or 0 <= other.pos - it.end <= 1
                ):
                    it.factor = other.entry.score
                    break
        if 0 <= eff_pos - neg_at < _NEG_SCOPE:
            it.negated = True
            neg_at = -100  # a negator flips one opinion


def _clause_mentions(items: list[_Item], words: list[str], lex: _Lexicon) -> list[_Mention]:
    """Aspect mentions of one clause with the opinions given to each.

    Mentions are aspect terms and opinion words that name their aspect. Every other
    opinion goes to the nearest mention (one before it preferred: "giao hàng nhanh");
    a weak term ("shop", "hàng") or a folded, ambiguous word counts only when an
    opinion reaches it, and an ambiguous opinion word only right after a term.
    """
    mentions: list[_Mention] = []
    free: list[_Item] = []
    for it in items:
        e = it.entry
        if e.kind == _TERM and e.aspect is not None:
            weak = e.weak or e.context_only
            mentions.append(_Mention(e.aspect, it.pos, it.end, weak, e.frame, None, e.default, []))
        elif e.kind == _OPINION and e.aspect is not None and not e.context_only:
            own = _Opinion("", e.score, it.factor, it.negated)
            mentions.append(_Mention(e.aspect, it.pos, it.end, False, False, own, 0.0, []))
        elif e.kind == _OPINION:
            free.append(it)
    if not mentions:
        return []
    for op in free:
        best: _Mention | None = None
        best_cost = 1e9
        own_aspect = op.entry.aspect
        for m in mentions:
            if own_aspect is not None and m.aspect != own_aspect:
                continue
            if m.frame and own_aspect is None and not _frame_word(op.entry.phrase, m, lex):
                continue
            if m.end <= op.pos:
                cost = float(op.pos - m.end)
            elif op.end <= m.pos:
                cost = float(m.pos - op.end) + 1.5
            else:
                continue
            if op.entry.context_only and not (m.end <= op.pos and cost <= _CONTEXT_REACH):
                continue
            if m.weak:
                cost += 0.5
            if cost < best_cost:
                best, best_cost = m, cost
        if best is not None:
            phrase = "" if own_aspect is not None else op.entry.phrase
            best.opinions.append(_Opinion(phrase, op.entry.score, op.factor, op.negated))
            op.used = True
    # Aspects joined by connectors only share opinions ("giao hàng và đóng gói đều tốt",
    # "tuyệt vời từ chất lượng và giá tiền").
    for _ in range(2):
        for a, b in pairwise(mentions):
            if not all(w in lex.connectors for w in words[a.end : b.pos]):
                continue
            for x, y in ((a, b), (b, a)):
                if not x.opinions and x.implicit is None and not x.frame and y.opinions:
                    x.opinions = list(y.opinions)
    return [m for m in mentions if not (m.weak and not m.opinions)]


def _frame_word(phrase: str, m: _Mention, lex: _Lexicon) -> bool:
    """Whether a frame or strict term takes this general opinion word.

    A frame takes only words that judge its aspect alone ("giá cao"; "tốt trong tầm
    giá" praises the product, not its price); a strict term only the words its aspect's
    context lists ("quán rộng", "quán đẹp"; "quán ok" says nothing of the premises).
    """
    context = lex.context[m.aspect]
    if m.frame == 1:
        return phrase in context and not lex.general.get(phrase)
    return phrase in context


def _mention_score(m: _Mention, lex: _Lexicon) -> float:
    context = lex.context.get(m.aspect, {})
    total = 0.0
    if m.implicit is not None:
        total += _effective(m.implicit.base, m.implicit.factor, m.implicit.negated)
    for op in m.opinions:
        base = context.get(op.phrase, op.base) if op.phrase else op.base
        total += _effective(base, op.factor, op.negated)
    if not m.opinions and m.implicit is None:
        total = m.default
    return total


def _polarity(score: float) -> str:
    if score > _NEUTRAL_BAND:
        return "positive"
    if score < -_NEUTRAL_BAND:
        return "negative"
    return "neutral"


@dataclass(slots=True)
class _ClauseResult:
    start: int
    end: int
    mentions: list[_Mention]
    free: list[_Opinion]  # opinions given to no aspect
    question: bool


Names = frozenset[tuple[str, ...]]


def protected_names(names: Iterable[str]) -> Names:
    """The word sequences of brand names that must not be read as aspect words, folded:
    each name and each of its leading runs of two or more words ("Mèo Mập Coffee" →
    "meo map coffee", "meo map"), so "meo map" typed without accents is not "méo"
    (dented packaging)."""
    lex = _lexicon()
    out: set[tuple[str, ...]] = set()
    for name in names:
        if not isinstance(name, str):
            continue
        clauses, _ = _scan(name, lex)
        words = [w for c in clauses for w in c.folded]
        if len(words) == 1:
            out.add((words[0],))
        out.update(tuple(words[:k]) for k in range(2, len(words) + 1))
    return frozenset(out)


def _masked(folded: list[str], names: Names) -> set[int]:
    out: set[int] = set()
    if not names:
        return out
    for i in range(len(folded)):
        for name in names:
            k = len(name)
            if tuple(folded[i : i + k]) == name:
                out.update(range(i, i + k))
    return out


def commerce_aspects(text: str, names: Names = frozenset()) -> list[AspectHit]:
    """Commerce aspects praised or blamed in ``text`` (lexicon layer; pure and fast).

    At most one hit per aspect, in the order of their evidence: the polarity said most
    strongly over the text's clauses (neutral when the aspect is only named), with the
    clause that says it most strongly as evidence. ``names`` (from
    :func:`protected_names`) are brand names whose words are never read as aspect or
    opinion words. Never raises on a ``str``; anything else gives ``[]``.
    """
    if not isinstance(text, str) or not text:
        return []
    if len(text) > _MAX_CHARS:
        text = text[:_MAX_CHARS]
    key = (names, text)
    cached = _RESULTS.get(key)
    if cached is not None:
        return list(cached)
    hits = _commerce(text, names)
    if len(text) <= _RESULT_CACHE_CHARS:
        if len(_RESULTS) >= _RESULT_CACHE_MAX:
            _RESULTS.clear()
        _RESULTS[key] = tuple(hits)
    return hits


#: Social text repeats itself (shares, seeding, copy-paste reviews): short texts' results
#: are kept (hits are immutable; callers get a fresh list).
_RESULTS: dict[tuple[Names, str], tuple[AspectHit, ...]] = {}
_MODELS: dict[tuple[str, tuple[int, ...]], AspectModel] = {}
_MODELS_LOCK: Final = threading.Lock()
_RESULT_CACHE_MAX: Final = 20_000
_RESULT_CACHE_CHARS: Final = 1_000


def _commerce(text: str, names: Names = frozenset()) -> list[AspectHit]:
    lex = _lexicon()
    scanned, accented = _scan(text, lex)
    results: list[_ClauseResult] = []
    for c in scanned:
        items = _match(c.words, c.folded, accented, lex, _masked(c.folded, names))
        if not items:
            results.append(_ClauseResult(c.start, c.end, [], [], False))
            continue
        _modify(items)
        mentions = _clause_mentions(items, c.words, lex)
        question = c.question or any(it.entry.kind == _QUESTION for it in items)
        free = [
            _Opinion(it.entry.phrase, it.entry.score, it.factor, it.negated)
            for it in items
            if it.entry.kind == _OPINION
            and it.entry.aspect is None
            and not it.used
            and not it.entry.context_only
        ]
        results.append(_ClauseResult(c.start, c.end, mentions, free, question))
    return _collect(text, results, lex)


#: (aspect, polarity) -> (total strength, strongest clause's strength, prob, start, end)
_Best = dict[tuple[str, str], tuple[float, float, float, int, int]]


def _collect(text: str, results: list[_ClauseResult], lex: _Lexicon) -> list[AspectHit]:
    best: _Best = {}
    order: dict[tuple[str, str], int] = {}
    prev: _ClauseResult | None = None
    for res in results:
        # An opinion clause with no aspect judges the aspect the clause before named
        # without an opinion ("Về giá cả, thì rất hợp lý").
        if not res.mentions and res.free and prev is not None:
            bare = [
                m
                for m in prev.mentions
                if not m.opinions and m.implicit is None and not m.weak and not m.frame
            ]
            if bare:
                for m in bare:
                    m.opinions = list(res.free)
                    _emit(lex, m, prev.start, res.end, prev.question or res.question, best, order)
                prev = None
                continue
        for m in res.mentions:
            _emit(lex, m, res.start, res.end, res.question, best, order)
        prev = res
    # One hit per aspect: the polarity said most strongly over all its clauses (neutral
    # only when no clause judges it), its evidence the strongest such clause.
    chosen: dict[str, tuple[str, float]] = {}
    for (aspect, pol), (total, _, _, _, _) in best.items():
        rank = 0.0 if pol == "neutral" else total
        old = chosen.get(aspect)
        if old is None or rank > old[1] or (old[0] == "neutral" and pol != "neutral"):
            chosen[aspect] = (pol, rank)
    hits: list[AspectHit] = []
    for aspect, (pol, _) in chosen.items():
        _, _, prob, start, end = best[(aspect, pol)]
        hits.append(AspectHit(aspect, pol, prob, start, end, text[start:end], "lexicon"))
    hits.sort(key=lambda h: (h.start, order[(h.aspect, h.polarity)]))
    return hits


def _emit(
    lex: _Lexicon,
    m: _Mention,
    start: int,
    end: int,
    question: bool,
    best: _Best,
    order: dict[tuple[str, str], int],
) -> None:
    score = _mention_score(m, lex)
    if question:
        score *= _QUESTION_WEIGHT
    pol = _polarity(score)
    if pol == "neutral":
        prob = _PROB_NEUTRAL
    elif m.implicit is not None and not m.opinions:
        prob = _PROB_IMPLICIT
    elif m.weak:
        prob = _PROB_WEAK
    else:
        prob = _PROB_OPINION
    key = (m.aspect, pol)
    strength = abs(score)
    old = best.get(key)
    if old is None:
        order[key] = len(order)
        best[key] = (strength, strength, prob, start, end)
    elif strength > old[1]:
        best[key] = (old[0] + strength, strength, max(prob, old[2]), start, end)
    else:
        best[key] = (old[0] + strength, *old[1:])


# ---------------------------------------------------------------------------------------
# Smartphone aspects: the trained model.
# ---------------------------------------------------------------------------------------


def _evidence_features(words: Sequence[str]) -> list[str]:
    """Unigrams and bigrams of one clause's normalised words (the evidence scorer's)."""
    out = [w for w in words]
    out.extend(f"{words[i]} {words[i + 1]}" for i in range(len(words) - 1))
    return out


@dataclass
class _Evidence:
    """Clause-level scorer: which clause of a text speaks of which aspect."""

    vocab: dict[str, int]
    weights: FloatArray  # vocab x aspects
    bias: FloatArray
    #: A clause next to the best one joins the span when its score is at least this.
    join: float

    def clause_scores(self, clause_words: Sequence[Sequence[str]]) -> FloatArray:
        """Score of every clause (rows) for every aspect (columns), in one product."""
        get = self.vocab.get
        cols: list[int] = []
        indptr = [0]
        for words in clause_words:
            cols.extend({i for f in _evidence_features(words) if (i := get(f)) is not None})
            indptr.append(len(cols))
        x = sp.csr_matrix(
            (
                np.ones(len(cols), dtype=np.float32),
                np.asarray(cols, dtype=np.int32),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(len(clause_words), len(self.vocab)),
        )
        out: FloatArray = np.asarray(x @ self.weights, dtype=np.float32) + self.bias
        return out

    def head(self) -> LinearHead:
        words = sorted(self.vocab, key=self.vocab.__getitem__)
        return LinearHead(
            name="aspect-evidence",
            classes=PHONE_ASPECTS,
            weights=sp.csr_matrix(self.weights),
            bias=self.bias,
            offset=np.zeros(len(PHONE_ASPECTS), dtype=np.float32),
            meta={"vocab": words, "join": self.join},
        )

    @classmethod
    def from_head(cls, head: LinearHead) -> _Evidence:
        meta = head.meta or {}
        vocab_list = meta.get("vocab", [])
        words = [str(w) for w in vocab_list] if isinstance(vocab_list, list) else []
        join = meta.get("join", 0.0)
        return cls(
            vocab={w: i for i, w in enumerate(words)},
            weights=np.asarray(head.weights.toarray(), dtype=np.float32),
            bias=head.bias.astype(np.float32),
            join=float(join) if isinstance(join, int | float) else 0.0,
        )


def _pick_span(scores: FloatArray, col: int, join: float) -> tuple[int, int]:
    """First and last clause index of the evidence for aspect ``col``."""
    best = int(scores[:, col].argmax())
    lo = hi = best
    while lo > 0 and scores[lo - 1, col] >= join:
        lo -= 1
    while hi + 1 < len(scores) and scores[hi + 1, col] >= join:
        hi += 1
    return lo, hi


class AspectModel:
    """The smartphone aspect heads (UIT-ViSFD) and the evidence scorer (UIT-ViSD4SA)."""

    def __init__(self, head: LinearHead, evidence: _Evidence) -> None:
        self.head = head
        self.evidence = evidence
        meta = head.meta or {}
        temps = meta.get("temperatures", [])
        t_list = [float(t) for t in temps] if isinstance(temps, list) else []
        self.temperatures = t_list or [head.temperature] * len(PHONE_ASPECTS)
        # The rows of the weights that are used, dense: a sparse-by-dense product is
        # several times faster than sparse-by-sparse (about 4 MB per 10,000 rows).
        w = head.weights.tocsr()
        rows = np.flatnonzero(np.diff(w.indptr)).astype(np.int64)
        self._rows = np.full(w.shape[0], -1, dtype=np.int64)
        self._rows[rows] = np.arange(len(rows))
        self._dense = np.asarray(w[rows].toarray(), dtype=np.float32)
        self._shift = (head.bias + head.offset).astype(np.float32)

    @classmethod
    def load(cls, model_dir: Path) -> AspectModel:
        """Read ``aspects_phone.npz`` and ``aspects_evidence.npz`` from ``model_dir``."""
        head = LinearHead.load(Path(model_dir) / PHONE_HEAD_FILE)
        evidence = _Evidence.from_head(LinearHead.load(Path(model_dir) / EVIDENCE_FILE))
        return cls(head, evidence)

    @classmethod
    def load_cached(cls, model_dir: Path) -> AspectModel:
        """:meth:`load`, once per process and version of the files: reading the two
        artefacts costs ~0.1–0.3 s, which every analysis pass (each ingest burst, each
        import) used to pay again. The model is read-only once built, so threads share it."""
        paths = [Path(model_dir) / PHONE_HEAD_FILE, Path(model_dir) / EVIDENCE_FILE]
        key = (str(Path(model_dir).resolve()), tuple(p.stat().st_mtime_ns for p in paths))
        with _MODELS_LOCK:
            model = _MODELS.get(key)
            if model is None:
                model = _MODELS[key] = cls.load(model_dir)
            return model

    def save(self, model_dir: Path) -> list[Path]:
        """Write the two artefacts into ``model_dir``; returns their paths."""
        model_dir.mkdir(parents=True, exist_ok=True)
        paths = [model_dir / PHONE_HEAD_FILE, model_dir / EVIDENCE_FILE]
        self.head.save(paths[0])
        self.evidence.head().save(paths[1])
        return paths

    def labels(self, x: sp.csr_matrix) -> tuple[npt.NDArray[np.int64], FloatArray]:
        """Class index (0 none, 1 positive, 2 negative, 3 neutral) and its probability,
        per text and aspect: two arrays of shape ``(n_texts, 10)``."""
        n_classes = len(_HEAD_CLASSES)
        x = sp.csr_matrix(x)
        if x.shape[1] != len(self._rows):
            raise ValueError(f"{x.shape[1]} features but the heads expect {len(self._rows)}")
        cols = self._rows[x.indices]
        keep = cols >= 0
        xc = sp.csr_matrix(
            (np.where(keep, x.data, 0).astype(np.float32), np.where(keep, cols, 0), x.indptr),
            shape=(x.shape[0], len(self._dense)),
        )
        flat = np.asarray(xc @ self._dense, dtype=np.float32) + self._shift
        scores = flat.reshape(x.shape[0], len(PHONE_ASPECTS), n_classes)
        idx = scores.argmax(axis=2)
        probs = np.empty(idx.shape, dtype=np.float32)
        for a, t in enumerate(self.temperatures):
            p = softmax(scores[:, a, :], t)
            probs[:, a] = p[np.arange(len(idx)), idx[:, a]]
        return idx.astype(np.int64), probs

    def predict(self, texts: Sequence[str], x: sp.csr_matrix) -> list[list[AspectHit]]:
        """Smartphone aspects of each text; ``x`` is the shared feature matrix of ``texts``."""
        if len(texts) != x.shape[0]:
            raise ValueError(f"{len(texts)} texts but {x.shape[0]} feature rows")
        if not len(texts):
            return []
        idx, probs = self.labels(x)
        # Clauses of the texts with at least one aspect, scored for evidence in one go.
        spans: dict[int, list[tuple[int, int]]] = {}
        words: list[list[str]] = []
        for r, text in enumerate(texts):
            if isinstance(text, str) and idx[r].any():
                found = clauses(text[:_MAX_CHARS]) or [(0, len(text))]
                spans[r] = found
                words.extend(normalise_words(text[s:e]) for s, e in found)
        scores = self.evidence.clause_scores(words) if words else np.zeros((0, 0), np.float32)
        out: list[list[AspectHit]] = []
        at = 0
        for r, text in enumerate(texts):
            sp_r = spans.get(r)
            if sp_r is None:
                out.append([])
                continue
            cs = scores[at : at + len(sp_r)]
            at += len(sp_r)
            hits: list[AspectHit] = []
            for a in np.flatnonzero(idx[r]):
                lo, hi = _pick_span(cs, int(a), self.evidence.join)
                start, end = sp_r[lo][0], sp_r[hi][1]
                hits.append(
                    AspectHit(
                        PHONE_ASPECTS[a],
                        _HEAD_CLASSES[idx[r, a]],
                        round(float(probs[r, a]), 4),
                        start,
                        end,
                        text[start:end],
                        "model",
                    )
                )
            hits.sort(key=lambda h: (h.start, h.aspect))
            out.append(hits)
        return out


# ---------------------------------------------------------------------------------------
# Scores (shared with bench/eval_aspects.py).
# ---------------------------------------------------------------------------------------

Pairs = set[tuple[str, str]]


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def absa_scores(
    gold: Sequence[Pairs], pred: Sequence[Pairs], aspects: Sequence[str]
) -> dict[str, Any]:
    """Aspect detection and aspect+polarity F1 (in %) of per-text ``(aspect, polarity)`` sets.

    * ``aspect_micro_f1``: over all (text, aspect) decisions;
    * ``aspect_macro_f1``: mean over ``aspects`` of each aspect's detection F1;
    * ``pair_micro_f1``: over all (text, aspect, polarity) triples;
    * ``pair_macro_f1``: mean over ``aspects`` of each aspect's triple F1;
    * ``pair_macro30_f1``: mean over every aspect#polarity label seen in gold or
      prediction of that label's F1;
    * ``per_aspect``: detection and pair F1 and support of each aspect.
    """
    det: dict[str, list[int]] = {a: [0, 0, 0] for a in aspects}
    pair: dict[str, list[int]] = {a: [0, 0, 0] for a in aspects}
    lab: dict[tuple[str, str], list[int]] = {}
    for g, p in zip(gold, pred, strict=True):
        g = {t for t in g if t[0] in det}
        p = {t for t in p if t[0] in det}
        ga = {a for a, _ in g}
        pa = {a for a, _ in p}
        for a in ga | pa:
            d = det[a]
            d[0 if a in ga and a in pa else 1 if a in pa else 2] += 1
        for t in g | p:
            c = pair[t[0]]
            c[0 if t in g and t in p else 1 if t in p else 2] += 1
            c2 = lab.setdefault(t, [0, 0, 0])
            c2[0 if t in g and t in p else 1 if t in p else 2] += 1
    tot_d = np.sum(list(det.values()), axis=0) if det else np.zeros(3)
    tot_p = np.sum(list(pair.values()), axis=0) if pair else np.zeros(3)
    return {
        "n": len(gold),
        "aspect_micro_f1": round(100 * _f1(*(int(v) for v in tot_d)), 2),
        "aspect_macro_f1": round(100 * float(np.mean([_f1(*det[a]) for a in aspects])), 2),
        "pair_micro_f1": round(100 * _f1(*(int(v) for v in tot_p)), 2),
        "pair_macro_f1": round(100 * float(np.mean([_f1(*pair[a]) for a in aspects])), 2),
        "pair_macro30_f1": round(
            100 * float(np.mean([_f1(*c) for c in lab.values()])) if lab else 0.0, 2
        ),
        "per_aspect": {
            a: {
                "aspect_f1": round(100 * _f1(*det[a]), 2),
                "pair_f1": round(100 * _f1(*pair[a]), 2),
                "support": det[a][0] + det[a][2],
                "predicted": det[a][0] + det[a][1],
            }
            for a in aspects
        },
    }


def _chars(text: str, spans: Iterable[tuple[int, int]]) -> set[int]:
    return {
        i for s, e in spans for i in range(max(0, s), min(len(text), e)) if not text[i].isspace()
    }


def span_scores(
    items: Sequence[tuple[str, Sequence[tuple[int, int]], tuple[int, int]]],
) -> dict[str, float]:
    """Overlap of predicted evidence spans with gold spans, in %.

    ``items``: ``(text, gold spans of one aspect, predicted span)`` per (text, aspect).
    Characters are compared (spaces ignored): ``char_f1`` is the mean over items of the
    F1 of the predicted characters against the union of the gold spans,
    ``char_precision``/``char_recall`` likewise; ``hit`` is the share of items whose
    predicted span overlaps a gold span at all.
    """
    ps: list[float] = []
    rs: list[float] = []
    fs_: list[float] = []
    hits = 0
    for text, gold, (s, e) in items:
        g = _chars(text, gold)
        p = _chars(text, [(s, e)])
        inter = len(g & p)
        prec = inter / len(p) if p else 0.0
        rec = inter / len(g) if g else 0.0
        ps.append(prec)
        rs.append(rec)
        fs_.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
        hits += inter > 0
    n = max(len(items), 1)
    return {
        "n": len(items),
        "char_f1": round(100 * sum(fs_) / n, 2),
        "char_precision": round(100 * sum(ps) / n, 2),
        "char_recall": round(100 * sum(rs) / n, 2),
        "hit": round(100 * hits / n, 2),
    }


# ---------------------------------------------------------------------------------------
# Training.
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    text: str
    labels: tuple[int, ...]  # class index per VISFD aspect (0 = none)
    spans: tuple[tuple[str, int, int], ...] = ()  # (aspect, start, end), UIT-ViSD4SA


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_visfd(data_dir: Path, split: str, limit: int = 0) -> list[_Row]:
    """UIT-ViSFD rows: text and a class index per aspect (OTHERS dropped)."""
    rows = _read_jsonl(Path(data_dir) / "uit_visfd" / f"{split}.jsonl")
    out: list[_Row] = []
    for r in rows[:limit] if limit else rows:
        labels = [0] * len(VISFD_ASPECTS)
        for a in r.get("aspects", []):
            name, pol = a.get("aspect"), a.get("polarity")
            if name in VISFD_ASPECTS and isinstance(pol, str):
                labels[VISFD_ASPECTS.index(name)] = _HEAD_CLASSES.index(pol.lower())
        out.append(_Row(str(r.get("text") or ""), tuple(labels)))
    return out


def load_visd4sa(data_dir: Path, split: str, limit: int = 0) -> list[_Row]:
    """UIT-ViSD4SA rows: text, aspect labels and the span of each (aspect, polarity)."""
    rows = _read_jsonl(Path(data_dir) / "uit_visd4sa" / f"{split}.jsonl")
    out: list[_Row] = []
    for r in rows[:limit] if limit else rows:
        labels = [0] * len(VISFD_ASPECTS)
        spans: list[tuple[str, int, int]] = []
        for a in r.get("aspects", []):
            name, pol = a.get("aspect"), str(a.get("polarity", "")).lower()
            if name in VISFD_ASPECTS and pol in POLARITIES:
                labels[VISFD_ASPECTS.index(name)] = _HEAD_CLASSES.index(pol)
                spans.append((PHONE_ASPECTS[VISFD_ASPECTS.index(name)], a["start"], a["end"]))
        out.append(_Row(str(r.get("text") or ""), tuple(labels), tuple(spans)))
    return out


def _pairs(labels: Sequence[int]) -> Pairs:
    return {(PHONE_ASPECTS[a], _HEAD_CLASSES[k]) for a, k in enumerate(labels) if k}


def _svm_columns(model: Any, n_classes: int) -> tuple[FloatArray, FloatArray]:
    """(features x n_classes weights, bias) of a fitted LinearSVC; absent classes get -1e3."""
    coef = np.asarray(model.coef_, dtype=np.float32)
    intercept = np.asarray(model.intercept_, dtype=np.float32)
    learned = [int(c) for c in model.classes_]
    if coef.shape[0] == 1:
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2], dtype=np.float32)
    w = np.zeros((coef.shape[1], n_classes), dtype=np.float32)
    b = np.full(n_classes, -1e3, dtype=np.float32)
    for j, k in enumerate(learned):
        w[:, k] = coef[j]
        b[k] = intercept[j]
    w[np.abs(w) < 1e-4] = 0.0
    return w, b


def _triple_f1(gold: npt.NDArray[np.int64], pred: npt.NDArray[np.int64]) -> float:
    correct = int(((gold > 0) & (gold == pred)).sum())
    return _f1(correct, int((pred > 0).sum()) - correct, int((gold > 0).sum()) - correct)


def _fit_temperature(scores: FloatArray, gold: npt.NDArray[np.int64]) -> float:
    best_t, best_nll = 1.0, float("inf")
    rows = np.arange(len(gold))
    for t in np.exp(np.linspace(np.log(0.02), np.log(5.0), 60)):
        p = softmax(scores, float(t))
        nll = float(-np.log(np.clip(p[rows, gold], 1e-9, 1)).mean())
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


def _train_heads(
    train: list[_Row],
    dev: list[_Row],
    fs: FeatureSpace,
    c_grid: Sequence[float],
    seed: int,
    log: Log,
) -> tuple[LinearHead, dict[str, Any]]:
    n_cls = len(_HEAD_CLASSES)
    x_tr = fs.transform(with_folded([r.text for r in train]))
    y_tr = np.array([r.labels for r in train] * 2, dtype=np.int64)
    x_dv = fs.transform(with_folded([r.text for r in dev]))
    y_dv = np.array([r.labels for r in dev] * 2, dtype=np.int64)
    offsets_grid = np.round(np.arange(-1.5, 1.01, 0.1), 2)
    w_all = np.zeros((fs.size, len(VISFD_ASPECTS) * n_cls), dtype=np.float32)
    b_all = np.zeros(len(VISFD_ASPECTS) * n_cls, dtype=np.float32)
    off_all = np.zeros_like(b_all)
    temps: list[float] = []
    chosen: dict[str, Any] = {}
    for a, name in enumerate(VISFD_ASPECTS):
        best: tuple[float, float, float, FloatArray, FloatArray, FloatArray] | None = None
        for c in c_grid:
            if len(set(y_tr[:, a].tolist())) < 2:
                break
            model = fit_svm(x_tr, y_tr[:, a], c, seed)
            w, b = _svm_columns(model, n_cls)
            s_dv = np.asarray(x_dv @ w, dtype=np.float32) + b
            for off in offsets_grid:
                shift = np.array([off, 0, 0, 0], dtype=np.float32)
                f = _triple_f1(y_dv[:, a], (s_dv + shift).argmax(axis=1))
                if best is None or f > best[0] + 1e-9:
                    best = (f, c, float(off), w, b, s_dv)
        if best is None:  # an aspect with no example in train (tiny subsets)
            w, b = (
                np.zeros((fs.size, n_cls), np.float32),
                np.array([0, -1e3, -1e3, -1e3], np.float32),
            )
            best = (0.0, 0.0, 0.0, w, b, np.zeros((len(y_dv), n_cls), np.float32) + b)
        f, c, off, w, b, s_dv = best
        cols = slice(a * n_cls, (a + 1) * n_cls)
        w_all[:, cols] = w
        b_all[cols] = b
        off_all[a * n_cls] = off
        shift = np.array([off, 0, 0, 0], dtype=np.float32)
        temps.append(_fit_temperature(s_dv + shift, y_dv[:, a]))
        chosen[PHONE_ASPECTS[a]] = {"C": c, "none_offset": off, "dev_pair_f1": round(100 * f, 2)}
        log(f"aspects: {name}: C={c:g} none-offset {off:+.1f} dev aspect+polarity F1 {100 * f:.2f}")
    weights, prune = _prune(sp.csr_matrix(w_all), b_all + off_all, x_dv, y_dv, log)
    chosen["prune_below"] = prune
    classes = tuple(f"{asp}:{k}" for asp in PHONE_ASPECTS for k in _HEAD_CLASSES)
    head = LinearHead(
        name="aspects-phone",
        classes=classes,
        weights=weights,
        bias=b_all,
        offset=off_all,
        temperature=1.0,
        meta={"temperatures": [round(t, 4) for t in temps], "seed": seed, "chosen": chosen},
    )
    return head, chosen


def _prune(
    w: sp.csr_matrix,
    shift: FloatArray,
    x_dv: sp.csr_matrix,
    y_dv: npt.NDArray[np.int64],
    log: Log,
) -> tuple[sp.csr_matrix, float]:
    """Drop the smallest weights: the largest threshold of a grid that costs at most a
    quarter point of dev micro aspect+polarity F1 (accented and folded dev together;
    on UIT-ViSFD it halves the artefact)."""
    n_cls = len(_HEAD_CLASSES)

    def dev_f1(m: sp.csr_matrix) -> float:
        s = np.asarray((x_dv @ m).todense(), dtype=np.float32) + shift
        pred = s.reshape(len(y_dv), -1, n_cls).argmax(axis=2)
        return _triple_f1(y_dv, pred)

    full = dev_f1(w)
    best_w, best_t = w, 0.0
    for t in (0.01, 0.02, 0.03, 0.05, 0.08):
        pruned = w.copy()
        pruned.data[np.abs(pruned.data) < t] = 0.0
        pruned.eliminate_zeros()
        f = dev_f1(pruned)
        if full - f > 0.0025:
            break
        best_w, best_t = pruned, t
    log(f"aspects: weights below {best_t:g} dropped ({w.nnz:,} -> {best_w.nnz:,})")
    return best_w, best_t


def _clause_labels(row: _Row, spans: list[tuple[int, int]]) -> list[set[int]]:
    """Aspects whose gold spans cover at least half of each clause (or most of a span)."""
    out: list[set[int]] = [set() for _ in spans]
    for aspect, s, e in row.spans:
        a = PHONE_ASPECTS.index(aspect)
        for k, (cs, ce) in enumerate(spans):
            inter = max(0, min(ce, e) - max(cs, s))
            if inter and (inter * 2 >= ce - cs or inter * 2 >= e - s):
                out[k].add(a)
    return out


def _train_evidence(
    train: list[_Row], dev: list[_Row], seed: int, log: Log
) -> tuple[_Evidence, dict[str, Any]]:
    from collections import Counter

    docs: list[list[str]] = []
    ys: list[set[int]] = []
    for row in train:
        spans = clauses(row.text)
        labels = _clause_labels(row, spans)
        for (s, e), lab in zip(spans, labels, strict=True):
            for variant in (row.text[s:e], fold(row.text[s:e])):
                docs.append(_evidence_features(normalise_words(variant)))
                ys.append(lab)
    df: Counter[str] = Counter()
    for d in docs:
        df.update(set(d))
    vocab_list = sorted(f for f, c in df.items() if c >= 3)
    vocab = {f: i for i, f in enumerate(vocab_list)}
    cols: list[int] = []
    indptr = [0]
    for d in docs:
        cols.extend(sorted({i for f in d if (i := vocab.get(f)) is not None}))
        indptr.append(len(cols))
    x = sp.csr_matrix(
        (np.ones(len(cols), np.float32), np.asarray(cols, np.int32), np.asarray(indptr, np.int64)),
        shape=(len(docs), len(vocab)),
    )
    weights = np.zeros((len(vocab), len(PHONE_ASPECTS)), dtype=np.float32)
    bias = np.zeros(len(PHONE_ASPECTS), dtype=np.float32)
    for a in range(len(PHONE_ASPECTS)):
        y = np.array([a in lab for lab in ys], dtype=np.int64)
        if 0 < y.sum() < len(y):
            model = fit_svm(x, y, 0.1, seed)
            weights[:, a] = np.asarray(model.coef_[0], dtype=np.float32)
            bias[a] = float(model.intercept_[0])
        else:
            bias[a] = -1.0
    keep = np.abs(weights).max(axis=1) >= 1e-3
    kept_words = [f for f, k in zip(vocab_list, keep, strict=True) if k]
    ev = _Evidence({f: i for i, f in enumerate(kept_words)}, weights[keep], bias, 0.0)
    # The join threshold: best mean char-F1 on dev, gold aspects given.
    items = _oracle_items(dev)
    best_join, best_f = 0.0, -1.0
    for join in (-1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 99.0):
        ev.join = join
        f = span_scores(_oracle_predict(ev, items))["char_f1"]
        if f > best_f + 1e-9:
            best_join, best_f = join, f
    ev.join = best_join
    log(
        f"aspects: evidence scorer on {len(docs):,} clauses, {len(kept_words):,} n-grams; "
        f"join {best_join:g}, dev char-F1 {best_f:.2f}"
    )
    return ev, {
        "clauses": len(docs),
        "ngrams": len(kept_words),
        "join": best_join,
        "dev_char_f1": best_f,
    }


_OracleItem = tuple[str, list[tuple[int, int]], int, list[tuple[int, int]]]


def _oracle_items(rows: list[_Row]) -> list[_OracleItem]:
    """(text, gold spans, aspect column, clauses) per gold (text, aspect)."""
    out: list[_OracleItem] = []
    for row in rows:
        by_aspect: dict[str, list[tuple[int, int]]] = {}
        for aspect, s, e in row.spans:
            by_aspect.setdefault(aspect, []).append((s, e))
        spans = clauses(row.text) or [(0, len(row.text))]
        for aspect, gold in by_aspect.items():
            out.append((row.text, gold, PHONE_ASPECTS.index(aspect), spans))
    return out


def _oracle_predict(
    ev: _Evidence, items: list[_OracleItem]
) -> list[tuple[str, Sequence[tuple[int, int]], tuple[int, int]]]:
    cache: dict[str, FloatArray] = {}
    out: list[tuple[str, Sequence[tuple[int, int]], tuple[int, int]]] = []
    for text, gold, col, spans in items:
        cs = cache.get(text)
        if cs is None:
            cs = ev.clause_scores([normalise_words(text[s:e]) for s, e in spans])
            cache[text] = cs
        lo, hi = _pick_span(cs, col, ev.join)
        out.append((text, gold, (spans[lo][0], spans[hi][1])))
    return out


def evaluate_model(
    model: AspectModel, fs: FeatureSpace, rows: list[_Row], *, folded: bool = False
) -> dict[str, Any]:
    """:func:`absa_scores` of ``model`` on UIT-ViSFD-style rows (optionally unaccented)."""
    texts = [fold(r.text) if folded else r.text for r in rows]
    idx, _ = model.labels(fs.transform(texts))
    pred = [_pairs(list(map(int, row))) for row in idx]
    gold = [_pairs(r.labels) for r in rows]
    return absa_scores(gold, pred, PHONE_ASPECTS)


def evaluate_spans(
    model: AspectModel, fs: FeatureSpace, rows: list[_Row], *, oracle: bool
) -> dict[str, Any]:
    """Span overlap on UIT-ViSD4SA rows.

    ``oracle=True``: for every gold (text, aspect), the evidence the model gives for that
    aspect (isolates span finding). ``oracle=False``: end to end, for every gold (text,
    aspect) that the model also predicts; items the model misses are counted in
    ``missed``.
    """
    if oracle:
        res: dict[str, Any] = span_scores(_oracle_predict(model.evidence, _oracle_items(rows)))
        baseline_whole = span_scores([(t, g, (0, len(t))) for t, g, _, _ in _oracle_items(rows)])
        res["whole_text_baseline"] = baseline_whole
        return res
    hits = model.predict([r.text for r in rows], fs.transform([r.text for r in rows]))
    items: list[tuple[str, Sequence[tuple[int, int]], tuple[int, int]]] = []
    missed = 0
    for row, row_hits in zip(rows, hits, strict=True):
        by_aspect: dict[str, list[tuple[int, int]]] = {}
        for aspect, s, e in row.spans:
            by_aspect.setdefault(aspect, []).append((s, e))
        found = {h.aspect: (h.start, h.end) for h in row_hits}
        for aspect, gold in by_aspect.items():
            if aspect in found:
                items.append((row.text, gold, found[aspect]))
            else:
                missed += 1
    res = span_scores(items)
    res["missed"] = missed
    return res


def train_aspects(
    data_dir: Path,
    fs: FeatureSpace,
    out_dir: Path,
    *,
    seed: int = 13,
    log: Log = print,
    limit: int = 0,
    c_grid: Sequence[float] = (0.25, 0.5, 1.0),
) -> dict[str, Any]:
    """Train the smartphone aspect heads and the evidence scorer; write them to ``out_dir``
    (``aspects_phone.npz``, ``aspects_evidence.npz`` and this report as ``aspects.json``).

    Heads: UIT-ViSFD train (each text and its folded copy) over ``fs``; per aspect the
    ``C`` of ``c_grid`` and the "none" offset with the best dev aspect+polarity F1, then
    a softmax temperature fitted on dev. Evidence: a clause scorer trained on UIT-ViSD4SA
    train, its join threshold chosen on ViSD4SA dev. Test splits are only scored for the
    report. ``limit`` keeps the first N rows of each split (tests, quick trials).

    Returns the report (JSON-serialisable): files written with their sizes, choices,
    dev and test scores.
    """
    started = time.perf_counter()
    data_dir = Path(data_dir)
    train = load_visfd(data_dir, "train", limit)
    dev = load_visfd(data_dir, "dev", limit)
    test = load_visfd(data_dir, "test", limit)
    log(f"aspects: UIT-ViSFD {len(train):,} train / {len(dev):,} dev / {len(test):,} test")
    head, chosen = _train_heads(train, dev, fs, c_grid, seed, log)
    sd_train = load_visd4sa(data_dir, "train", limit)
    sd_dev = load_visd4sa(data_dir, "dev", limit)
    sd_test = load_visd4sa(data_dir, "test", limit)
    evidence, ev_report = _train_evidence(sd_train, sd_dev, seed, log)
    model = AspectModel(head, evidence)
    paths = model.save(Path(out_dir))
    report: dict[str, Any] = {
        "design": "one 4-class linear SVM head per aspect (none/positive/negative/neutral)",
        "seed": seed,
        "train_rows": len(train),
        "chosen": chosen,
        "evidence": ev_report,
        "files": {p.name: p.stat().st_size for p in paths},
        "dev": {
            "accented": evaluate_model(model, fs, dev),
            "unaccented": evaluate_model(model, fs, dev, folded=True),
        },
        "test": {
            "accented": evaluate_model(model, fs, test),
            "unaccented": evaluate_model(model, fs, test, folded=True),
        },
        "corpora": [
            {
                "folder": "uit_visfd",
                "terms": "UIT-ViSFD: research use; commercial use: contact the authors.",
            },
            {"folder": "uit_visd4sa", "terms": "UIT-ViSD4SA: research use (no licence file)."},
        ],
    }
    # Spans: gold aspects given (all of ViSD4SA test), and end to end on the ViSD4SA test
    # texts that are also in UIT-ViSFD test (the two sets split the same comments
    # differently; the rest of ViSD4SA test is in ViSFD train or dev).
    seen = {" ".join(r.text.split()).lower() for r in train + dev}
    clean = [r for r in sd_test if " ".join(r.text.split()).lower() not in seen]
    report["test"]["spans_oracle_aspects"] = evaluate_spans(model, fs, sd_test, oracle=True)
    report["test"]["spans_end_to_end"] = evaluate_spans(model, fs, clean, oracle=False)
    report["test"]["spans_end_to_end"]["texts"] = len(clean)
    report["seconds"] = round(time.perf_counter() - started, 1)
    manifest = Path(out_dir) / MANIFEST_FILE
    manifest.write_text(
        json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    t = report["test"]["accented"]
    log(
        f"aspects: test aspect F1 micro {t['aspect_micro_f1']:.2f} "
        f"macro {t['aspect_macro_f1']:.2f}; "
        f"aspect+polarity micro {t['pair_micro_f1']:.2f} macro {t['pair_macro_f1']:.2f}"
    )
    return report
