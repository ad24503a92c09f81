"""One feature space shared by every NLP model.

A text is normalised once (:func:`tinhieu.nlp.normalise.normalise_words`), then turned
into two blocks of features:

* **words** (TF-IDF, sublinear counts, L2-normalised): word 1–3-grams of the normalised
  words (teencode expanded, repeats squeezed, lower case, emoji and emoticons as words),
  a copy of each word inside a negation's scope marked ``¬`` ("không ngon" also gives
  ``¬ngon``), a copy of each word after a contrast ("nhưng", "tuy nhiên") marked ``»``
  so the clause that decides can weigh more, yes/no-question particles marked ``?``
  ("có ngon không?" is a question, not a negation), and polarity-lexicon matches
  (:mod:`tinhieu.nlp.lexicon`);
* **chars**: character 1–5-grams inside each word, the word padded with spaces (what
  scikit-learn calls ``char_wb``); each word's n-gram vector (idf, sublinear counts) is
  L2-normalised and cached, and a text's block is their sum over sqrt(word count).

Every task's model is a linear head over the same matrix, so the costly part — text to
sparse matrix — runs once per mention whatever the number of tasks. Models see text with
and without diacritics during training (the folded copy of each training text is added),
so unaccented input lands on the same weights.

The vocabulary and IDF weights are fitted on the training splits only and shipped in the
package (:meth:`FeatureSpace.save`); nothing is hashed with Python's salted ``hash``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain as _chain
from itertools import pairwise
from itertools import repeat as _repeat
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tinhieu.nlp.lexicon import NEGATORS, lexicon_features

#: Tokens that close a negation scope.
_SCOPE_END: Final[frozenset[str]] = frozenset(
    {".", ",", "!", "?", ";", ":", "...", "nhưng", "mà", "và", "còn", "tuy", "song"}
)
#: How many words after a negator are in its scope.
SCOPE: Final[int] = 3
NEG_MARK: Final[str] = "¬"
#: Words that open a contrast: what follows usually decides ("ngon nhưng đắt").
CONTRASTS: Final[frozenset[str]] = frozenset({"nhưng", "song"})
_CONTRAST_PAIRS: Final[frozenset[tuple[str, str]]] = frozenset(
    {("tuy", "nhiên"), ("mỗi", "tội"), ("có", "điều")}
)
CONTRAST_MARK: Final[str] = "»"
#: Words that may open a contrast (alone or as the first of a pair).
_MARK_OPENERS: Final[frozenset[str]] = CONTRASTS | {a for a, _ in _CONTRAST_PAIRS}

Tokenizer = Callable[[str], list[str]]

FloatArray = npt.NDArray[np.float32]


def _default_tokenizer() -> Tokenizer:
    from tinhieu.nlp.normalise import normalise_words

    return normalise_words


#: Particles that may follow a question's closing "không"/"chưa" ("có ngon không ạ?").
_QUESTION_TAIL: Final[frozenset[str]] = frozenset(
    {
        "ạ",
        "à",
        "nhỉ",
        "nhé",
        "nha",
        "vậy",
        "thế",
        "hả",
        "hở",
        "ta",
        "trời",
        "bạn",
        "ơi",
        "shop",
        "ad",
        "mọi",
        "người",
        "các",
        "chị",
        "anh",
        "em",
    }
)
_CLAUSE_END: Final[frozenset[str]] = frozenset({"?", ".", ",", "!", "...", ";", ":"})
QUESTION_MARK: Final[str] = "?"


_QUESTION_WORDS: Final[frozenset[str]] = frozenset({"không", "chưa"})


def mark_questions(words: Sequence[str]) -> list[str]:
    """Rewrite a clause-final "không"/"chưa" — the yes/no question particle of "có chi
    nhánh ở Gò Vấp không ạ?" — as ``?không``, so it is not read as a negation."""
    out = list(words)
    if _QUESTION_WORDS.isdisjoint(out):  # the common case: nothing to rewrite
        return out
    n = len(out)
    for i, w in enumerate(out):
        if w not in _QUESTION_WORDS or i == 0:
            continue
        j = i + 1
        while j < n and out[j] in _QUESTION_TAIL:
            j += 1
        if j == n or out[j] in _CLAUSE_END:
            out[i] = QUESTION_MARK + w
    return out


_LENGTHS: Final[tuple[tuple[int, str], ...]] = (
    (0, "#len0"),
    (2, "#len1-2"),
    (5, "#len3-5"),
    (10, "#len6-10"),
    (20, "#len11-20"),
    (40, "#len21-40"),
)


@lru_cache(maxsize=200_000)
def _is_syllable(word: str) -> bool:
    from tinhieu.nlp.lang import is_vietnamese_syllable

    return is_vietnamese_syllable(word)


def shape_features(words: Sequence[str]) -> list[str]:
    """What a text looks like rather than says: its length in words and the share of
    its letter words that are not Vietnamese syllables (keyboard mash, English, codes) —
    evidence for spam and junk that no single n-gram carries."""
    n = len(words)
    out = [next((name for top, name in _LENGTHS if n <= top), "#len41+")]
    letters = [w for w in words if w[:1].isalpha()]
    if letters:
        odd = (len(letters) - sum(map(_is_syllable, letters))) / len(letters)
        out.append(
            "#odd0"
            if odd == 0
            else "#odd<20"
            if odd < 0.2
            else "#odd<50"
            if odd < 0.5
            else "#odd50+"
        )
    else:
        out.append("#noletters")
    return out


def word_features(words: Sequence[str]) -> list[str]:
    """Word 1–3-grams and negation-scope marks of one text's normalised words."""
    words = mark_questions(words)
    out = shape_features(words)
    out.extend(words)
    n = len(words)
    out.extend(map(" ".join, pairwise(words)))
    out.extend(map(" ".join, zip(words, words[1:], words[2:], strict=False)))
    if NEGATORS.isdisjoint(words) and _MARK_OPENERS.isdisjoint(words):
        out.extend(lexicon_features(words))  # no negation scope, no contrast
        return out
    scope = 0
    after_contrast = False
    for i, w in enumerate(words):
        if after_contrast:
            out.append(CONTRAST_MARK + w)
        elif w in CONTRASTS or (i + 1 < n and (w, words[i + 1]) in _CONTRAST_PAIRS):
            after_contrast = True
        if w in NEGATORS:
            scope = SCOPE
            continue
        if scope:
            if w in _SCOPE_END:
                scope = 0
                continue
            out.append(NEG_MARK + w)
            scope -= 1
    out.extend(lexicon_features(words))
    return out


def char_grams(word: str, lo: int = 1, hi: int = 5) -> list[str]:
    """Character n-grams of one word padded with spaces (scikit-learn's ``char_wb``)."""
    padded = f" {word} "
    n = len(padded)
    return [padded[i : i + k] for k in range(lo, hi + 1) for i in range(n - k + 1)]


@dataclass
class FeatureSpace:
    """Vocabulary and IDF of the shared features; turns texts into a CSR matrix."""

    words: dict[str, int]
    chars: dict[str, int]
    idf: FloatArray
    tokenizer: Tokenizer = field(default_factory=_default_tokenizer, repr=False)
    _char_cache: dict[str, tuple[npt.NDArray[np.int32], FloatArray]] = field(
        default_factory=dict, repr=False
    )

    @property
    def size(self) -> int:
        return len(self.words) + len(self.chars)

    # -- fitting ----------------------------------------------------------------------------

    @classmethod
    def fit(
        cls,
        texts: Iterable[str],
        *,
        min_df: int = 2,
        max_words: int = 400_000,
        max_chars: int = 200_000,
        tokenizer: Tokenizer | None = None,
    ) -> FeatureSpace:
        """Build the vocabulary from ``texts`` (training splits only) and its IDF."""
        tok = tokenizer or _default_tokenizer()
        wdf: Counter[str] = Counter()
        cdf: Counter[str] = Counter()
        n_docs = 0
        for text in texts:
            n_docs += 1
            ws = tok(text)
            wdf.update(set(word_features(ws)))
            cdf.update({g for w in set(ws) for g in char_grams(w)})
        words = _top(wdf, min_df, max_words)
        chars = _top(cdf, min_df, max_chars)
        df = np.array(
            [wdf[f] for f in words] + [cdf[f] for f in chars],
            dtype=np.float64,
        )
        idf = (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)
        return cls(
            words={f: i for i, f in enumerate(words)},
            chars={f: i + len(words) for i, f in enumerate(chars)},
            idf=idf,
            tokenizer=tok,
        )

    # -- transforming -----------------------------------------------------------------------

    def _char_ids(self, word: str) -> tuple[int, ...]:
        """Distinct character n-gram columns of ``word`` (cached)."""
        return tuple(self._char_vec(word)[0].tolist())

    def _char_vec(self, word: str) -> tuple[npt.NDArray[np.int32], FloatArray]:
        """The word's character block: its n-grams' idf (sublinear counts), L2-normalised.

        Cached per word: social text repeats its words, so after warm-up a text's char
        block is a concatenation of cached arrays.
        """
        hit = self._char_cache.get(word)
        if hit is None:
            get = self.chars.get
            counts = Counter(i for g in char_grams(word) if (i := get(g)) is not None)
            ids = np.fromiter(counts.keys(), dtype=np.int32, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
            vals = ((1.0 + np.log(tf)) * self.idf[ids]).astype(np.float32)
            norm = float(np.sqrt(np.dot(vals, vals)))
            if norm:
                vals /= norm
            if len(self._char_cache) > 300_000:
                self._char_cache.clear()
            hit = self._char_cache[word] = (ids, vals)
        return hit

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Feature matrix of ``texts`` (one row per text); see :meth:`transform_words`."""
        return self.transform_words([self.tokenizer(t) for t in texts])

    def transform_words(self, docs: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """Feature matrix of texts already normalised into words.

        Word block: TF-IDF with sublinear counts, L2-normalised. Character block: the
        sum of the words' own normalised character vectors divided by the square root
        of the number of words — additive over words, so it is built from cached
        per-word arrays.
        """
        get = self.words.get
        n = len(docs)
        # Word block: every text's feature ids (-1: not in the vocabulary), then the
        # misses dropped in one go.
        ids: list[int] = []
        wlen = np.empty(n, dtype=np.int64)
        for r, ws in enumerate(docs):
            feats = word_features(ws)
            ids.extend(map(get, feats, _repeat(-1, len(feats))))
            wlen[r] = len(feats)
        allcols = np.fromiter(ids, dtype=np.int32, count=len(ids))
        found = allcols >= 0
        wcols = allcols[found]
        kept = np.concatenate([[0], np.cumsum(found, dtype=np.int64)])
        wptr = kept[np.concatenate([[0], np.cumsum(wlen)])]
        # Char block: each word's cached vector.
        nwords = np.fromiter(map(len, docs), dtype=np.int64, count=n)
        flat = list(_chain.from_iterable(docs))
        cache = self._char_cache
        try:
            vecs = list(map(cache.__getitem__, flat))
        except KeyError:
            vecs = list(map(self._char_vec, flat))
        cparts = [v[0] for v in vecs]
        vparts = [v[1] for v in vecs]
        per_word = np.fromiter(map(len, cparts), dtype=np.int64, count=len(cparts))
        at = np.concatenate([[0], np.cumsum(per_word)])
        ends = np.cumsum(nwords)
        clen = at[ends] - at[ends - nwords]
        scale = np.zeros(n, dtype=np.float64)
        some = nwords > 0
        scale[some] = 1.0 / np.sqrt(nwords[some].astype(np.float64))
        words = sp.csr_matrix(
            (
                np.ones(len(wcols), dtype=np.float32),
                wcols,
                wptr,
            ),
            shape=(n, self.size),
        )
        words.sum_duplicates()
        words.data = (1.0 + np.log(words.data)) * self.idf[words.indices]
        rows = np.repeat(np.arange(n), np.diff(words.indptr))
        norm = np.sqrt(np.bincount(rows, weights=words.data.astype(np.float64) ** 2, minlength=n))
        norm[norm == 0] = 1.0
        words.data = (words.data / norm[rows]).astype(np.float32)
        counts = clen
        cptr = np.concatenate([[0], np.cumsum(counts)])
        if cparts:
            cidx = np.concatenate(cparts)
            cval = np.concatenate(vparts) * np.repeat(scale.astype(np.float32), counts)
        else:
            cidx = np.zeros(0, dtype=np.int32)
            cval = np.zeros(0, dtype=np.float32)
        # Rows are [word entries (sorted)][char entries (a char column may repeat: a
        # sparse product sums repeats)]; every char column is above every word column.
        nnz_w = np.diff(words.indptr)
        ptr = np.concatenate([[0], np.cumsum(nnz_w + counts)])
        dest_w = (
            np.arange(words.nnz) - np.repeat(words.indptr[:-1], nnz_w) + np.repeat(ptr[:-1], nnz_w)
        )
        dest_c = (
            np.arange(len(cidx))
            - np.repeat(cptr[:-1], counts)
            + np.repeat(ptr[:-1] + nnz_w, counts)
        )
        indices = np.empty(int(ptr[-1]), dtype=np.int32)
        data = np.empty(int(ptr[-1]), dtype=np.float32)
        indices[dest_w] = words.indices
        data[dest_w] = words.data
        indices[dest_c] = cidx
        data[dest_c] = cval
        return sp.csr_matrix((data, indices, ptr), shape=(n, self.size))

    # -- persistence --------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the vocabulary and IDF to one ``.npz`` (no pickle)."""
        np.savez_compressed(
            path,
            words=_blob(sorted(self.words, key=self.words.__getitem__)),
            chars=_blob(sorted(self.chars, key=self.chars.__getitem__)),
            idf=self.idf,
        )

    @classmethod
    def load(cls, path: Path, tokenizer: Tokenizer | None = None) -> FeatureSpace:
        with np.load(path, allow_pickle=False) as z:
            words = _unblob(z["words"])
            chars = _unblob(z["chars"])
            idf = z["idf"].astype(np.float32)
        return cls(
            words={f: i for i, f in enumerate(words)},
            chars={f: i + len(words) for i, f in enumerate(chars)},
            idf=idf,
            tokenizer=tokenizer or _default_tokenizer(),
        )

    def feature_names(self) -> list[str]:
        """Feature name by column index (for explanations and model cards)."""
        names = [""] * self.size
        for f, i in self.words.items():
            names[i] = f
        for f, i in self.chars.items():
            names[i] = f"[{f}]"
        return names


def _top(df: Counter[str], min_df: int, limit: int) -> list[str]:
    kept = [(c, f) for f, c in df.items() if c >= min_df]
    kept.sort(key=lambda cf: (-cf[0], cf[1]))
    return [f for _, f in kept[:limit]]


def _blob(items: list[str]) -> npt.NDArray[np.uint8]:
    return np.frombuffer("\n".join(items).encode("utf-8"), dtype=np.uint8)


def _unblob(arr: npt.NDArray[np.uint8]) -> list[str]:
    if arr.size == 0:
        return []
    return arr.tobytes().decode("utf-8").split("\n")


def softmax(scores: npt.NDArray[np.float32], temperature: float = 1.0) -> FloatArray:
    """Row-wise softmax of ``scores / temperature``."""
    z = scores / max(temperature, 1e-6)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: FloatArray = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
    return out


__all__ = ["NEGATORS", "FeatureSpace", "char_grams", "softmax", "word_features"]
