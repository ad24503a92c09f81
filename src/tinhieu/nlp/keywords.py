"""Keywords of one comment and frequent phrases of a batch, for trending topics.

Both work on the normalised words of :func:`~tinhieu.nlp.normalise.normalise_words`
(lowercase, teencode expanded), so "ko ngon" and "không ngon" are the same phrase, and
they output phrases in that normalised, accented form.

Candidate phrases are runs of *content words*: a run ends at punctuation, emoji,
emoticons, placeholders (``<url>``, ``<number>``, ``<phone>``, ``<mention>``...), one-letter
words and stopwords (``data/stopwords_vi.txt``: the single-syllable entries of the MIT
vietnamese-stopwords list minus content words, plus social fillers such as "ạ", "nha",
"nhé", "ơi", "vậy", "thì", "mà", "luôn"). So a phrase never crosses punctuation and
never starts or ends with a stopword; placeholders are never keywords. The negators
"không", "chưa", "chẳng", "chả", "đừng" may *start* a phrase ("không ngon") but never end
one or stand alone. Hashtags (``#danang``) are keywords of their own. A few function
words typed without diacritics are stopwords too ("la", "cua", "thi", "duoc"); words
whose unaccented form is also a content word ("ban": bạn/bán, "ngon") are not.

:func:`keywords` (one text)
    Every 1-3-word phrase inside a run is a candidate (the same phrases
    :func:`top_phrases` counts, so per-text keywords aggregate consistently). A phrase
    scores, per occurrence, the sum of its words' rarity (1 for a syllable never seen in
    the shipped syllable counts, e.g. brand names, down to ~0.3 for the most common;
    0.3 for a negator) times 1, 0.625 or 0.5 for one, two or three words; scores are
    divided by the best one, so the first keyword has 1.0. Without a word segmenter,
    overlapping pieces of a long run ("shop tư", "tư vấn nhiệt") appear side by side.
:func:`top_phrases` (a batch)
    Counts, for every 1-3-word phrase inside a run, the number of texts that contain it.
    Fragments are dropped: a phrase whose first word is almost always (>= :data:`FRAGMENT`)
    preceded by the same word, or whose last word is almost always followed by the same
    word, is half of a longer compound ("phẩm", "gói cẩn thận"); a two-word phrase must
    make up at least :data:`MIN_STICKINESS` of the rarer of its words' counts and a
    three-word phrase at least that share of the commoner of its two-word parts ("sản
    phẩm chất" is no phrase, "giao hàng nhanh" is); a phrase is also dropped when a
    kept longer phrase containing it accounts for at least :data:`SUBSUMED` of its count
    ("giao" inside "giao hàng"). Phrases of texts typed without diacritics are counted
    with their most frequent accented spelling in the batch ("giao hang nhanh" ->
    "giao hàng nhanh"). Single syllables that belong to many compounds ("giảng",
    "viên") stay: they are frequent in their own right.

Pure functions; never raise on ``str`` input; data loaded once, lazily.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Final

from tinhieu.nlp.normalise import normalise_words
from tinhieu.text.normalise import fold

__all__ = ["FRAGMENT", "MIN_STICKINESS", "SUBSUMED", "keywords", "stopwords", "top_phrases"]

MAX_CHARS: Final = 20_000
MIN_STICKINESS: Final = 0.3
SUBSUMED: Final = 0.8
FRAGMENT: Final = 0.7
NEGATORS: Final = frozenset({"không", "chưa", "chẳng", "chả", "đừng"})
_DATA: Final = "tinhieu.nlp.data"


def _split(words: str) -> list[str]:
    """The whitespace-separated words of ``words``."""
    return words.split()


# Function words as typed without diacritics. Only forms that are not also a common
# content word are listed ("ban" may be "bán", "dau" may be "đầu", "ngon" is "ngon").
_PLAIN_STOP: Final = frozenset(
    _split(
        "la cua thi ma duoc nhung voi cung roi nay do day nua nhe nha oi vay qua lam rat hon "
        "toi minh em chi no ho se dang da bi den tu trong tren duoi khi neu vi nen the nao gi "
        "sao o va hay cac moi mot cai co ne ak uh uk ha thoi luon ay nhi chu dc r"
    )
)


class _Data:
    __slots__ = ("folded_stop", "stop", "weight")

    def __init__(self) -> None:
        text = resources.files(_DATA).joinpath("stopwords_vi.txt").read_text(encoding="utf-8")
        self.stop = frozenset(
            line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"
        )
        self.folded_stop = _PLAIN_STOP
        self.weight: dict[str, float] = {}
        try:
            counts = resources.files(_DATA).joinpath("syllables.txt").read_text(encoding="utf-8")
        except (FileNotFoundError, OSError):  # pragma: no cover - shipped with the package
            counts = ""
        for line in counts.splitlines():
            if not line or line[0] == "#":
                continue
            word, _, count = line.partition("\t")
            if count.isdigit():
                self.weight[word] = 1.0 / (1.0 + math.log1p(int(count)) / 4.0)


_D: _Data | None = None


def _data() -> _Data:
    global _D
    if _D is None:
        _D = _Data()
    return _D


def stopwords() -> frozenset[str]:
    """The stopword syllables (lowercase NFC)."""
    return _data().stop


_CONTENT: Final = re.compile(r"[^\W_]{2,}|[^\W\d_]*\d[^\W_]*")  # two letters, or a digit
_WORD, _BOUNDARY, _NEGATOR, _TAG = 0, 1, 2, 3
_KIND_CACHE_MAX: Final = 200_000
_kind_cache: dict[str, int] = {}


def _kind(w: str, d: _Data) -> int:
    k = _kind_cache.get(w)
    if k is None:
        if w in NEGATORS:
            k = _NEGATOR
        elif w[:1] == "#" and len(w) > 1:
            k = _TAG
        elif (
            w in d.stop
            or w.isdigit()
            or not _CONTENT.fullmatch(w)
            or (w.isascii() and w in d.folded_stop)
        ):
            k = _BOUNDARY
        else:
            k = _WORD
        if len(_kind_cache) >= _KIND_CACHE_MAX:
            _kind_cache.clear()
        _kind_cache[w] = k
    return k


def _runs(words: Iterable[str], d: _Data) -> tuple[list[list[str]], list[str]]:
    """Runs of content words (negators only first) and the hashtags, in order."""
    runs: list[list[str]] = []
    tags: list[str] = []
    cur: list[str] = []
    get = _kind_cache.get
    for w in words:
        k = get(w)
        if k is None:
            k = _kind(w, d)
        if k == _WORD:
            cur.append(w)
            continue
        if cur:
            runs.append(cur)
        if k == _NEGATOR:
            cur = [w]
            continue
        cur = []
        if k == _TAG:
            tags.append(w)
    if cur:
        runs.append(cur)
    # a run loses its trailing negators; a lone negator is no phrase
    out: list[list[str]] = []
    for r in runs:
        while r and r[-1] in NEGATORS:
            r = r[:-1]
        if r:
            out.append(r)
    return out, tags


def keywords(text: str, *, top: int = 10) -> list[tuple[str, float]]:
    """The ``top`` keywords and phrases of one text, with scores in (0, 1], best first.

    See the module docstring for what a phrase is and how it is scored. Ties keep the
    order of first appearance. Never raises on a ``str``; anything else gives ``[]``.
    """
    if not isinstance(text, str) or not text or top <= 0:
        return []
    d = _data()
    words = normalise_words(text[:MAX_CHARS] if len(text) > MAX_CHARS else text)
    if not words:
        return []
    runs, tags = _runs(words, d)
    score: defaultdict[str, float] = defaultdict(float)
    weight = d.weight.get
    for run in runs:
        n = len(run)
        w0 = run[0]
        a = 0.3 if w0 in NEGATORS else weight(w0, 1.0)
        if n == 1:
            score[w0] += a
            continue
        if w0 not in NEGATORS:
            score[w0] += a
        w1 = run[1]
        b = weight(w1, 1.0)
        k1 = f"{w0} {w1}"
        score[w1] += b
        score[k1] += (a + b) * 0.625
        for i in range(2, n):
            w2 = run[i]
            c = weight(w2, 1.0)
            score[w2] += c
            k2 = f"{w1} {w2}"
            score[k2] += (b + c) * 0.625
            score[f"{k1} {w2}"] += (a + b + c) * 0.5
            a, b, w1, k1 = b, c, w2, k2
    for tag in tags:
        score[tag] += 1.0
    if not score:
        return []
    best = max(score.values())
    ranked = sorted(score.items(), key=_by_score)  # stable: first appearance
    return [(k, round(v / best, 4)) for k, v in ranked[:top]]


def _by_score(kv: tuple[str, float]) -> float:
    return -kv[1]


def _neighbours(words: list[str]) -> set[tuple[str, str]]:
    """Adjacent word pairs of a text, stopwords included."""
    out: set[tuple[str, str]] = set()
    prev = ""
    for w in words:
        if w[:1].isalnum():
            if prev:
                out.add((prev, w))
            prev = w
        else:
            prev = ""
    return out


def _phrases_of(words: list[str], d: _Data) -> set[tuple[str, ...]]:
    runs, tags = _runs(words, d)
    found: set[tuple[str, ...]] = {(t,) for t in tags}
    for run in runs:
        n = len(run)
        for i in range(n):
            if run[i] not in NEGATORS:
                found.add((run[i],))
            if i + 1 < n:
                found.add((run[i], run[i + 1]))
                if i + 2 < n:
                    found.add((run[i], run[i + 1], run[i + 2]))
    return found


def _merge_plain(
    accented: Counter[tuple[str, ...]], plain: Counter[tuple[str, ...]]
) -> Counter[tuple[str, ...]]:
    """Counts of both kinds of text, each phrase of a text typed without diacritics added
    to the most frequent spelling with the same folded form in the texts typed with
    them (or kept as typed when there is none)."""
    best: dict[tuple[str, ...], tuple[int, tuple[str, ...]]] = {}
    if not plain:
        return accented
    folded: dict[str, str] = {}
    for p, c in accented.items():
        if c < 2:  # a spelling seen once cannot be the batch's usual one
            continue
        key = tuple(folded.get(w) or folded.setdefault(w, fold(w)) for w in p)
        cur = best.get(key)
        if cur is None or (c, p) > cur:
            best[key] = (c, p)
    out = Counter(accented)
    for p, c in plain.items():
        target = best.get(p)
        out[target[1] if target is not None else p] += c
    return out


_DIACRITIC: Final = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ\u0300-\u0323]"
)


def top_phrases(
    texts: Sequence[str], *, top: int = 50, min_count: int = 3
) -> list[tuple[str, int]]:
    """The ``top`` most frequent 1-3-word phrases of a batch, with their text counts.

    A phrase's count is the number of texts that contain it (a text repeating a phrase
    counts once). Phrases below ``min_count``, fragments and subsumed phrases are
    dropped (module docstring). Sorted by count, then longer first, then alphabetically.
    Non-string items are skipped.
    """
    if top <= 0:
        return []
    d = _data()
    accented: Counter[tuple[str, ...]] = Counter()
    plain: Counter[tuple[str, ...]] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for t in texts:
        if not isinstance(t, str) or not t:
            continue
        if len(t) > MAX_CHARS:
            t = t[:MAX_CHARS]
        words = normalise_words(t)
        found = _phrases_of(words, d)
        if _DIACRITIC.search(t) is None:
            # typed without diacritics: merge later with the accented spellings
            plain.update(tuple(fold(w) for w in p) if p[0][:1] != "#" else p for p in found)
        else:
            accented.update(found)
            pairs.update(_neighbours(words))
    counts = _merge_plain(accented, plain)
    # how predictable each word's neighbours are: a word almost always preceded (or
    # followed) by the same word is half of a compound ("phẩm" in "sản phẩm")
    left: dict[str, int] = {}
    right: dict[str, int] = {}
    for (a, b), c in pairs.items():  # adjacent words, stopwords included
        if c > left.get(b, 0):
            left[b] = c
        if c > right.get(a, 0):
            right[a] = c
    floor = max(1, min_count)
    kept: dict[tuple[str, ...], int] = {}
    for p, c in counts.items():
        if c < floor:
            continue
        first, last = counts.get(p[:1], c), counts.get(p[-1:], c)
        if left.get(p[0], 0) >= FRAGMENT * first or right.get(p[-1], 0) >= FRAGMENT * last:
            continue
        if len(p) == 2:
            parts = [counts.get((w,), 0) for w in p if w not in NEGATORS]
            if parts and c < MIN_STICKINESS * min(parts):
                continue
        elif len(p) == 3 and c < MIN_STICKINESS * max(counts.get(p[:2], 0), counts.get(p[1:], 0)):
            continue
        kept[p] = c
    # drop phrases that live almost only inside a longer kept phrase
    covered: dict[tuple[str, ...], int] = {}
    for p, c in kept.items():
        if len(p) < 2:
            continue
        subs = [p[:1], p[1:]] if len(p) == 2 else [p[:2], p[1:], p[:1], p[1:2], p[2:]]
        for sub in subs:
            if covered.get(sub, 0) < c:
                covered[sub] = c
    result = [(" ".join(p), c) for p, c in kept.items() if covered.get(p, 0) < SUBSUMED * c]
    result.sort(key=lambda pc: (-pc[1], -pc[0].count(" "), pc[0]))
    return result[:top]
