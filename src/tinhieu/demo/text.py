"""Vectorised Vietnamese text assembly for the demo generator.

Every template is split at its slots into fixed text parts. Each part is pre-rendered in
:data:`N_STYLES` writing styles (standard, teencode, no diacritics, no diacritics +
teencode, emphatic with repeated letters) and stored once in a :class:`StringPool`. A
batch of texts is then a matrix of pool ids (one column per part or slot value) built in
numpy, and becomes strings with one Arrow ``take`` per column and a join: no Python loop
per row.
"""

from __future__ import annotations

import random
import re
import tomllib
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from tinhieu.demo.arrays import I8, I64
from tinhieu.nlp.labels import COMMERCE_ASPECTS, TASK_CLASSES
from tinhieu.text.normalise import fold

# --- writing styles ---------------------------------------------------------------------
STD, TEEN, NOACC, NOACC_TEEN, EMPH = range(5)
N_STYLES: Final = 5
STYLE_NAMES: Final = ("standard", "teencode", "no_diacritics", "no_diacritics_teencode", "emphatic")

# --- truth codes ------------------------------------------------------------------------
NEG, NEU, POS = 0, 1, 2
NO_SENT: Final = -1
SENTIMENTS: Final = TASK_CLASSES["sentiment"]
ASPECTS: Final = COMMERCE_ASPECTS
ASPECT_INDEX: Final = {a: i for i, a in enumerate(ASPECTS)}
_POL = {"+": POS, "0": NEU, "-": NEG}

# --- slots ------------------------------------------------------------------------------
SLOT_CODES: Final = {
    "B": 1,
    "B2": 2,
    "P": 3,
    "L": 4,
    "N": 5,
    "N2": 6,
    "N3": 7,
    "PR": 8,
    "D": 9,
    "BT": 10,
    "H": 11,
    "CP": 12,
    "DATE": 13,
}
S_B, S_B2, S_P, S_L, S_N, S_N2, S_N3, S_PR, S_D, S_BT, S_H, S_CP, S_DATE = range(1, 14)
N_SLOT_CODES: Final = 14
_SLOT_RE = re.compile(r"\{(B2|BT|B|PR|P|L|N2|N3|N|D|H|CP|DATE)\}")


def aspect_entry(aspect: int, polarity: int) -> str:
    """One ``"aspect":"polarity"`` member of the true-aspects JSON object."""
    return f'"{ASPECTS[aspect]}":"{SENTIMENTS[polarity]}"'


# --- styles -----------------------------------------------------------------------------
class Styler:
    """Deterministic rewriting of a text into each writing style."""

    def __init__(self, teencode: Mapping[str, Sequence[str]], emphasis: Sequence[str]) -> None:
        keys = sorted(teencode, key=len, reverse=True)
        self._options = {k.lower(): list(v) for k, v in teencode.items()}
        self._teen = re.compile(
            r"(?<!\w)(" + "|".join(map(re.escape, keys)) + r")(?!\w)", re.IGNORECASE
        )
        words = sorted(set(emphasis), key=len, reverse=True)
        self._emph = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, words)) + r")(?!\w)")

    def teencode(self, text: str, rnd: random.Random) -> str:
        def sub(m: re.Match[str]) -> str:
            word = m.group(0)
            if rnd.random() > 0.85:
                return word
            out = rnd.choice(self._options[word.lower()])
            return out[:1].upper() + out[1:] if word[:1].isupper() else out

        return self._teen.sub(sub, text)

    def emphasise(self, text: str, rnd: random.Random) -> str:
        def sub(m: re.Match[str]) -> str:
            word = m.group(0)
            if rnd.random() > 0.7:
                return word
            last = fold(word[-1]).lower()
            return word + last * rnd.randint(2, 4)

        return self._emph.sub(sub, text)

    def apply(self, text: str, style: int) -> str:
        if not text:
            return text
        # seeded by the text itself, so every run writes the same variants
        rnd = random.Random(zlib.crc32(f"{style}\x00{text}".encode()))  # noqa: S311
        if style == STD:
            return text
        if style == TEEN:
            return self.teencode(text, rnd)
        if style == NOACC:
            return fold(text)
        if style == NOACC_TEEN:
            return fold(self.teencode(text, rnd)).lower()
        return self.emphasise(self.teencode(text, rnd), rnd)

    def value(self, text: str, style: int) -> str:
        """Style a slot value (a name, product, place): only diacritics and case change."""
        if style == NOACC:
            return fold(text)
        if style == NOACC_TEEN:
            return fold(text).lower()
        return text


# --- one string pool -----------------------------------------------------------------------
class StringPool:
    """Strings addressed by integer id (0 is the empty string).

    Texts are built as matrices of ids, one column per piece, in numpy; an Arrow array of
    the pool is taken once per column and the columns joined, at the very end.
    """

    def __init__(self) -> None:
        self.values: list[str] = [""]
        self._ids: dict[str, int] = {"": 0}

    def add(self, values: Sequence[str]) -> int:
        """Append ``values``; return the id of the first."""
        base = len(self.values)
        self.values.extend(values)
        return base

    def const(self, value: str) -> int:
        """The id of ``value``, added once."""
        if value not in self._ids:
            self._ids[value] = self.add([value])
        return self._ids[value]

    def styled(self, values: Sequence[str], styler: Styler, *, as_value: bool = True) -> int:
        """``values`` in every style, laid out as ``base + index * N_STYLES + style``."""
        out: list[str] = []
        for v in values:
            for st in range(N_STYLES):
                out.append(styler.value(v, st) if as_value else styler.apply(v, st))
        return self.add(out)

    def array(self) -> pa.Array:
        return pa.array(self.values, pa.string())


def materialise(pool: pa.Array, ids: npt.NDArray[np.int64]) -> pa.Array:
    """Join the strings of each row of an id matrix (id 0, the empty string, is skipped)."""
    n = ids.shape[0]
    nz = ids != 0
    counts = nz.sum(axis=1)
    width = int(counts.max()) if n else 0
    if width == 0:
        return constant("", n)
    if not nz.all():
        # move each row's pieces to the left, keeping their order, and drop empty columns
        r, c = np.nonzero(nz)
        dest = np.cumsum(nz, axis=1, dtype=np.int32)[r, c] - 1
        packed = np.zeros((n, width), np.int32)
        packed[r, dest] = ids[r, c]
    else:
        packed = ids.astype(np.int32)
    if width <= 6:
        return join([pool.take(pa.array(packed[:, k])) for k in range(width)])
    # short rows should not pay for the longest: join rows of similar length together
    chunks: list[tuple[I64, pa.Array]] = []
    lo = -1
    for hi in (5, 9, 13, width):
        rows = np.flatnonzero((counts > lo) & (counts <= hi))
        lo = max(lo, hi)
        if not len(rows):
            continue
        k = int(counts[rows].max())
        sub = packed[rows]
        chunks.append((rows, join([pool.take(pa.array(sub[:, j])) for j in range(max(k, 1))])))
    return assemble(n, chunks, pa.string())


def hstack(*mats: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    return np.hstack([m.reshape(len(m), -1) for m in mats]).astype(np.int64)


# --- templates --------------------------------------------------------------------------
@dataclass(frozen=True)
class TemplateSet:
    """Templates parsed from ``S|ASPECTS|TEXT`` lines, pre-rendered in every style."""

    name: str
    texts: tuple[str, ...]
    sentiment: I8  # NO_SENT, NEG, NEU or POS per template
    aspects: tuple[tuple[tuple[int, int], ...], ...]  # (aspect, polarity) pairs
    aspect_base: int  # pool id of template i's true-aspects JSON is aspect_base + i
    part_base: I64  # pool id of part k of template i in style s: part_base[k] + i * 5 + s
    slots: I8  # (n, max_slots) slot codes, 0 = none
    slot_mask: npt.NDArray[np.int32]  # bit c set when the template uses slot code c

    @property
    def n(self) -> int:
        return len(self.texts)

    @property
    def width(self) -> int:
        return 2 * int(self.slots.shape[1]) + 1

    def by_sentiment(self) -> tuple[I64, I64, I64]:
        """(order, start, count): templates sorted by sentiment, and each group's range."""
        order = np.argsort(self.sentiment, kind="stable").astype(np.int64)
        order = order[int((self.sentiment < 0).sum()) :]
        counts = np.bincount(self.sentiment[self.sentiment >= 0], minlength=3).astype(np.int64)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        return order, starts, counts


def parse_line(line: str) -> tuple[int, tuple[tuple[int, int], ...], str]:
    sent_s, aspects_s, text = line.split("|", 2)
    sent = NO_SENT if sent_s.strip() == "." else _POL[sent_s.strip()]
    aspects: list[tuple[int, int]] = []
    for tok in filter(None, (t.strip() for t in aspects_s.split(","))):
        aspects.append((ASPECT_INDEX[tok[:-1]], _POL[tok[-1]]))
    return sent, tuple(aspects), text


def build_set(name: str, lines: Sequence[str], styler: Styler, pool: StringPool) -> TemplateSet:
    parsed = [parse_line(line) for line in lines]
    split: list[tuple[list[str], list[int]]] = []
    for _, _, text in parsed:
        pieces = _SLOT_RE.split(text)
        split.append((pieces[0::2], [SLOT_CODES[c] for c in pieces[1::2]]))
    max_slots = max((len(s) for _, s in split), default=0)
    n = len(parsed)
    slots = np.zeros((n, max_slots), np.int8)
    mask = np.zeros(n, np.int32)
    part_values: list[list[str]] = [[] for _ in range(max_slots + 1)]
    for i, (texts, codes) in enumerate(split):
        for k, c in enumerate(codes):
            slots[i, k] = c
            mask[i] |= 1 << c
        texts = texts + [""] * (max_slots + 1 - len(texts))
        for k, t in enumerate(texts):
            for s in range(N_STYLES):
                part_values[k].append(styler.apply(t, s))
    aspects_json = [
        "{" + ",".join(aspect_entry(a, p) for a, p in asp) + "}" for _, asp, _ in parsed
    ]
    return TemplateSet(
        name=name,
        texts=tuple(t for _, _, t in parsed),
        sentiment=np.array([s for s, _, _ in parsed], np.int8),
        aspects=tuple(a for _, a, _ in parsed),
        aspect_base=pool.add(aspects_json),
        part_base=np.array([pool.add(v) for v in part_values], np.int64),
        slots=slots,
        slot_mask=mask,
    )


# --- rendering --------------------------------------------------------------------------
def constant(value: str, n: int) -> pa.Array:
    return pa.array([value], pa.string()).take(np.zeros(n, np.int32))


def join(pieces: Sequence[pa.Array | str]) -> pa.Array:
    """Element-wise concatenation; a tree of small joins (Arrow's cost grows with width)."""
    if len(pieces) == 1 and isinstance(pieces[0], pa.Array):
        return pieces[0]
    if len(pieces) <= 6:
        return pc.binary_join_element_wise(*pieces, "")
    return join([join(pieces[i : i + 6]) for i in range(0, len(pieces), 6)])


class Slots:
    """Per-row pool ids of slot values, computed on first use."""

    def __init__(
        self,
        n: int,
        providers: Mapping[int, Callable[[], I64]],
        brand2: npt.NDArray[np.int8] | None = None,
    ) -> None:
        self.n = n
        self._providers = dict(providers)
        self._cache: dict[int, I64] = {}
        self.brand2 = brand2 if brand2 is not None else np.full(n, -1, np.int8)

    def get(self, code: int) -> I64:
        if code == 0:
            return np.zeros(self.n, np.int64)
        if code not in self._cache:
            if code not in self._providers:
                raise KeyError(f"no value for slot code {code}")
            self._cache[code] = self._providers[code]()
        return self._cache[code]

    def subset(self, idx: I64) -> Slots:
        """The same slot values for rows ``idx`` only."""
        parent = self

        def taker(c: int) -> Callable[[], I64]:
            return lambda: parent.get(c)[idx]

        codes = set(self._providers) | set(self._cache)
        return Slots(len(idx), {c: taker(c) for c in codes}, self.brand2[idx])


def render(
    ts: TemplateSet, tidx: I64, style: npt.NDArray[Any], slots: Slots
) -> tuple[I64, npt.NDArray[np.int32]]:
    """Pool ids (one column per part and slot) of template ``tidx[i]`` in ``style[i]``."""
    n = len(tidx)
    out = np.zeros((n, ts.width), np.int64)
    if n == 0:
        return out, np.zeros(0, np.int32)
    base = tidx.astype(np.int64) * N_STYLES + style.astype(np.int64)
    out[:, 0] = ts.part_base[0] + base
    for k in range(ts.slots.shape[1]):
        codes = ts.slots[tidx, k]
        col = out[:, 2 * k + 1]
        for c in np.flatnonzero(np.bincount(codes, minlength=N_SLOT_CODES)):
            if c:
                m = codes == c
                col[m] = slots.get(int(c))[m]
        out[:, 2 * k + 2] = ts.part_base[k + 1] + base
    return out, ts.slot_mask[tidx]


def pick(rng: np.random.Generator, start: I64, count: I64) -> I64:
    """A uniform pick in ``[start, start + count)`` per row (count must be > 0)."""
    return start + (rng.random(len(start)) * count).astype(np.int64)


# --- vocabulary -------------------------------------------------------------------------
@dataclass(frozen=True)
class Vocab:
    raw: dict[str, Any]
    styler: Styler
    sets: dict[str, TemplateSet]
    clause_groups: tuple[I64, I64, I64]  # (order, start[a * 3 + p], count[a * 3 + p])
    pool: StringPool


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    """The parsed and pre-rendered vocabulary (package data ``vocab.toml``)."""
    text = resources.files("tinhieu.demo").joinpath("vocab.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    styler = Styler(raw["teencode"], raw["emphasis"]["words"])
    pool = StringPool()
    sets = {
        name: build_set(name, spec["items"], styler, pool) for name, spec in raw["sets"].items()
    }

    def extra(name: str, lines: list[str]) -> None:
        sets[name] = build_set(name, lines, styler, pool)

    marks = {"positive": "+", "negative": "-", "neutral": "0"}
    for group in ("closers", "emoji"):
        for pol, mark in marks.items():
            extra(f"{group}_{pol}", [f"{mark}||{t}" for t in raw[group][pol]])
    for group in ("contrast", "additive"):
        extra(f"conn_{group}", [f".||{t}" for t in raw["connectors"][group]])
    for platform, tags in raw["tags"].items():
        extra(f"tags_{platform}", [f".||{t}" for t in tags])
    clause = sets["clause"]
    key = np.array(
        [
            a[0][0] * 3 + s if len(a) == 1 else -1
            for a, s in zip(clause.aspects, clause.sentiment, strict=True)
        ],
        np.int64,
    )
    if (key < 0).any():
        raise ValueError("every clause needs exactly one aspect")
    order = np.argsort(key, kind="stable").astype(np.int64)
    counts = np.bincount(key, minlength=len(ASPECTS) * 3).astype(np.int64)
    if (counts == 0).any():
        raise ValueError("every (aspect, polarity) needs at least one clause")
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return Vocab(raw, styler, sets, (order, starts, counts), pool)


def assemble(n: int, chunks: Sequence[tuple[I64, pa.Array]], null_type: pa.DataType) -> pa.Array:
    """Scatter per-subset arrays back into row order; rows in no subset become NULL."""
    if n == 0:
        return pa.array([], null_type)
    chunks = [(i, a) for i, a in chunks if len(i)]
    covered = np.zeros(n, bool)
    for i, _ in chunks:
        covered[i] = True
    idx_list = [i for i, _ in chunks]
    arr_list = [a.cast(null_type) for _, a in chunks]
    missing = np.flatnonzero(~covered)
    if len(missing):
        idx_list.append(missing)
        arr_list.append(pa.nulls(len(missing), null_type))
    order = np.concatenate(idx_list)
    if len(arr_list) == 1 and bool((order == np.arange(n)).all()):
        return arr_list[0]
    inverse = np.empty(n, np.int64)
    inverse[order] = np.arange(n, dtype=np.int64)
    return pa.concat_arrays(arr_list).take(pa.array(inverse))
