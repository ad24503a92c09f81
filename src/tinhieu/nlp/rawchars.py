"""Hashed character n-grams of the raw text: the feature block for what normalisation hides.

The shared :class:`~tinhieu.nlp.features.FeatureSpace` reads *normalised* words: teencode
expanded, letter runs squeezed, punctuation split off. That is what sentiment wants, but
review spam and junk live partly in exactly what it removes — "đẹppppp", "!!!!!!",
keyboard mash, a shop's spelling of its name, characters across word boundaries. This
block reads the lowercased raw text instead:

* every character 2–5-gram of the text (spaces and punctuation included; the first
  :data:`MAX_CHARS` characters), hashed to ``2**bits`` columns with a fixed
  multiply-shift hash (never Python's salted ``hash``), so there is no vocabulary to
  ship;
* a column's value is its count times its IDF (fitted on the training texts), and a
  row is divided by ``sqrt(Σ idf²)`` over its n-gram *occurrences*. That norm needs no
  per-text aggregation, so scoring gathers one weight row per occurrence and sums —
  no sorting, no sparse matrix build (:meth:`RawChars.scores`).

Heads that use the block (``meta["raw_chars"]``) have ``FeatureSpace.size + 2**bits``
weight rows: the shared features first, then this block.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]

#: Only the start of a very long text is read (a 100 kB paste is not 100 kB of spam signal).
MAX_CHARS: Final[int] = 2000
_MUL: Final = np.uint64(1000003)
_MIX: Final = np.uint64(0xD6E8FEB86659FD93)
_GOLDEN: Final[int] = 0x9E3779B97F4A7C15


def _prepared(text: str) -> str:
    text = text[:MAX_CHARS].replace("\x00", " ").lower()
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def _codepoints(texts: Sequence[str]) -> npt.NDArray[np.uint64]:
    """The texts' code points (NFC, lowercased, cut), joined with 0 as the separator."""
    joined = "\x00".join(_prepared(t) for t in texts)
    raw = joined.encode("utf-32-le", "surrogatepass")
    return np.frombuffer(raw, dtype=np.uint32).astype(np.uint64)


@dataclass
class RawChars:
    """The block's settings and IDF (one float per column)."""

    bits: int
    idf: FloatArray
    lo: int = 2
    hi: int = 5

    @property
    def size(self) -> int:
        return 1 << self.bits

    # -- hashing ----------------------------------------------------------------------------

    def blocks(self, texts: Sequence[str]) -> list[tuple[IntArray, IntArray]]:
        """Per n-gram length, ``(rows, cols)`` of every occurrence in text order (so each
        block's rows are sorted), repeats kept."""
        cp = _codepoints(texts)
        n_pos = cp.size
        seps = np.concatenate([[0], np.cumsum(cp == 0)])  # separators before each position
        row_at = seps[1:]  # a text's separator counts as its first position
        shift = np.uint64(64 - self.bits)
        out: list[tuple[IntArray, IntArray]] = []
        acc = cp
        for k in range(2, self.hi + 1):  # rolling: the k-gram hash from the (k-1)-gram's
            n = n_pos - k + 1
            if n <= 0:
                break
            acc = acc[:n] * _MUL + cp[k - 1 : k - 1 + n]
            if k < self.lo:
                continue
            mixed = acc ^ np.uint64((k * _GOLDEN) & 0xFFFFFFFFFFFFFFFF)
            mixed *= _MIX
            mixed >>= shift
            inside = seps[k : k + n] == seps[:n]  # no separator inside
            out.append((row_at[:n][inside], mixed[inside].astype(np.int64)))
        return out

    def occurrences(self, texts: Sequence[str]) -> tuple[IntArray, IntArray]:
        """``(rows, cols)`` of every n-gram occurrence, repeats kept (not in row order)."""
        parts = self.blocks(texts)
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        return np.concatenate([r for r, _ in parts]), np.concatenate([c for _, c in parts])

    def _norms(self, n: int, rows: IntArray, cols: IntArray) -> FloatArray:
        w = self.idf[cols].astype(np.float64)
        sq = np.bincount(rows, weights=w * w, minlength=n)
        sq[sq == 0] = 1.0
        out: FloatArray = (1.0 / np.sqrt(sq)).astype(np.float32)
        return out

    def matrix(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The block as a canonical sparse matrix (for training and explanations)."""
        n = len(texts)
        rows, cols = self.occurrences(texts)
        data = self.idf[cols] * self._norms(n, rows, cols)[rows]
        m = sp.csr_matrix((data.astype(np.float32), (rows, cols)), shape=(n, self.size))
        m.sum_duplicates()
        return m

    def scores(self, texts: Sequence[str], table: FloatArray) -> FloatArray:
        """``matrix(texts) @ W`` without building the canonical matrix. ``table`` is
        :meth:`fold_idf` of ``W``: each row multiplied by its column's IDF, and a last
        column of IDF² so the same product gives each row's norm."""
        n = len(texts)
        prod = np.zeros((n, table.shape[1]), dtype=np.float32)
        bounds = np.arange(n + 1)
        for rows, cols in self.blocks(texts):
            # One n-gram length at a time: its occurrences are already in row order, so
            # the sparse rows need no sort; a column repeated in a row adds its weight
            # once per occurrence, as the count would.
            counts = sp.csr_matrix(
                (np.ones(cols.size, dtype=np.float32), cols, np.searchsorted(rows, bounds)),
                shape=(n, self.size),
            )
            prod += counts @ table
        sq = prod[:, -1]
        sq[sq <= 0] = 1.0
        out: FloatArray = (prod[:, :-1] / np.sqrt(sq)[:, None]).astype(np.float32)
        return out

    def fold_idf(self, weights: sp.spmatrix) -> FloatArray:
        """A head's block weights (``2**bits`` x classes) as the table :meth:`scores`
        reads: ``[W · diag(idf) | idf²]``."""
        dense = np.asarray(weights.toarray(), dtype=np.float32)
        out: FloatArray = np.hstack([dense * self.idf[:, None], (self.idf**2)[:, None]])
        return out

    # -- fitting and persistence ------------------------------------------------------------

    @classmethod
    def fit(cls, texts: Sequence[str], bits: int = 20, lo: int = 2, hi: int = 5) -> RawChars:
        """IDF (smooth, as scikit-learn's) over ``texts``; unseen columns get the largest."""
        probe = cls(bits=bits, idf=np.ones(1 << bits, dtype=np.float32), lo=lo, hi=hi)
        rows, cols = probe.occurrences(texts)
        key = np.unique(rows * (1 << bits) + cols)  # one per (text, column)
        df = np.bincount(key % (1 << bits), minlength=1 << bits)
        smooth = np.log((1 + len(texts)) / (1 + df)) + 1
        # Rounded as it is saved, so a loaded block scores exactly as the trained one.
        idf: FloatArray = smooth.astype(np.float16).astype(np.float32)
        return cls(bits=bits, idf=idf, lo=lo, hi=hi)

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            idf=self.idf.astype(np.float16),
            settings=np.asarray([self.bits, self.lo, self.hi], dtype=np.int64),
        )

    @classmethod
    def load(cls, path: Path) -> RawChars:
        with np.load(path, allow_pickle=False) as z:
            bits, lo, hi = (int(v) for v in z["settings"])
            return cls(bits=bits, idf=z["idf"].astype(np.float32), lo=lo, hi=hi)
