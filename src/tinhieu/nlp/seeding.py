"""Seeding: near-duplicate comments posted by several different accounts.

A seeding campaign pays or scripts many accounts to post the same praise with small
edits ("Mình dùng rồi, da mịn hẳn, mọi người nên mua nha" / "mình dùng r, da mịn hẳn
luôn, mn nên mua nhé 😍"). :func:`find_seeding` finds such groups in a batch:

1. Each text becomes its normalised words (:func:`~tinhieu.nlp.normalise.normalise_words`,
   teencode expanded, diacritics folded; punctuation, emoji, placeholders and sentence
   particles such as "nha", "nhé", "luôn", "rồi" dropped), so spelling variants and
   added emoji or particles do not hide a copy. Texts with fewer than ``min_words``
   such words are skipped: everyone writes "ngon quá".
2. Its word ``shingle_size``-grams are hashed to 64 bits: each distinct word once with
   :func:`hashlib.blake2b`, the n-grams by a fixed vectorised mix, so results never
   depend on ``PYTHONHASHSEED`` or the platform. The default is word *bigrams*: one
   inserted or changed word in a 15-word comment leaves a bigram Jaccard of ~0.8 but a
   trigram Jaccard below 0.7 (on the planted campaign of ``bench/bench_seeding.py``,
   trigrams found 7 of 8 edited copies, bigrams all 8).
3. MinHash signatures (``bands * rows`` = 100 hash functions of the multiply-shift kind,
   with constants drawn from blake2b) and LSH banding (20 bands of 5 rows: a pair at
   Jaccard 0.7 becomes a candidate with probability 0.975, at 0.8 with 0.9997) propose
   candidate pairs; texts with identical shingle sets are merged first, so copy-paste
   floods cost nothing.
4. Each candidate pair is verified by the exact Jaccard similarity of the shingle sets
   (>= ``threshold``); verified pairs are grouped with union-find, and each connected
   component is split around leaders (the text with the most verified neighbours takes
   every remaining text within ``threshold`` of it, and so on), so that chains "A ~ B ~
   C ~ ..." of formulaic reviews do not become one group whose ends share nothing.
5. A group is reported when its members come from at least ``min_authors`` distinct
   authors. **Authors**: ``None`` means unknown, and unknown authors do not count
   towards ``min_authors`` (they stay members of the cluster). Without author
   information nothing can be called seeding: the same comment scraped twice, or posted
   twice by one person, is a duplicate, not a campaign. Author strings are compared
   after stripping surrounding whitespace.

Groups whose example is a giveaway participation or junk comment (:func:`spam_rules`)
are not reported: hundreds of people writing "đã like và share, tag @A @B" is a
giveaway, not seeding.

:func:`seeding_hits` turns the clusters into per-comment :class:`SpamHit` verdicts of
kind ``"seeding"``. Everything here is pure and never raises on ``str``/``None`` inputs.
Cost: about 35-55 µs of CPU a text (a third of it the normaliser), i.e. 3-6 s for 100k
texts on a 2-core VM; see ``bench/bench_seeding.py``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from tinhieu.nlp.normalise import fold_words, normalise_words
from tinhieu.nlp.spam_rules import SpamHit, spam_rules

__all__ = ["SeedingCluster", "find_seeding", "seeding_hits", "shingles"]

BANDS: Final = 20
ROWS: Final = 5
MAX_CHARS: Final = 5_000  # longer texts are cut: a campaign repeats itself early
_SIM_SAMPLE: Final = 60  # clusters with more distinct texts get an estimated similarity
_FULL_PAIRS_MAX: Final = 24  # LSH buckets larger than this are verified as star + chain

U64 = npt.NDArray[np.uint64]


@dataclass(frozen=True, slots=True)
class SeedingCluster:
    """One group of near-duplicate comments.

    ``members`` are indices into the input lists, ascending; ``authors`` the number of
    distinct known authors among them; ``similarity`` the smallest pairwise Jaccard
    similarity of the members' shingle sets (exact for up to 60 distinct texts, over an
    evenly spaced sample of 60 beyond that); ``example`` the text of the first member.
    """

    members: tuple[int, ...]
    authors: int
    similarity: float
    example: str


# ---------------------------------------------------------------------------------------
# Hashing.
# ---------------------------------------------------------------------------------------

_M1: Final = np.uint64(0xBF58476D1CE4E5B9)
_M2: Final = np.uint64(0x94D049BB133111EB)
_S30: Final = np.uint64(30)
_S27: Final = np.uint64(27)
_S31: Final = np.uint64(31)
_S32: Final = np.uint64(32)


def _mix(x: U64) -> U64:
    """splitmix64 finaliser, element-wise (uint64 arithmetic wraps)."""
    x = (x ^ (x >> _S30)) * _M1
    x = (x ^ (x >> _S27)) * _M2
    return x ^ (x >> _S31)


def _blake(data: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little"
    )


def _constants(n: int, tag: str) -> U64:
    return np.array([_blake(f"tinhieu-seeding-{tag}-{i}") for i in range(n)], dtype=np.uint64)


_A: Final = _constants(BANDS * ROWS, "a") | np.uint64(1)  # odd multipliers
_B: Final = _constants(BANDS * ROWS, "b")
_POS: Final = _constants(8, "pos")  # per-position salts of an n-gram
_BAND_MUL: Final = _constants(ROWS, "band")


def _split(words: str) -> list[str]:
    """The whitespace-separated words of ``words``."""
    return words.split()


# Sentence particles that copy-editing adds or drops freely ("nha" / "nhé" / "luôn").
_PARTICLES: Final = frozenset(
    _split("a ah nha nhe nhen nhes ne luon roi thoi vay oi ha hen ho hi hihi haha")
)
_HASH_CACHE_MAX: Final = 500_000
_hash_cache: dict[str, int] = {}


def _word_hashes(words: list[str]) -> U64:
    """blake2b-64 of each (folded) word, cached across calls."""
    out = np.empty(len(words), dtype=np.uint64)
    get = _hash_cache.get
    for i, w in enumerate(words):
        h = get(w)
        if h is None:
            h = _blake(w)
            if len(_hash_cache) >= _HASH_CACHE_MAX:
                _hash_cache.clear()
            _hash_cache[w] = h
        out[i] = h
    return out


class _Ids(dict[str, int]):
    """word -> dense id, assigning the next id to an unseen word."""

    def __missing__(self, key: str) -> int:
        value = self[key] = len(self)
        return value


@dataclass(slots=True)
class _Shingled:
    """Shingles of the kept documents: ``sh[bounds[d]:bounds[d+1]]`` is document d's
    sorted unique shingle set; ``rows[d]`` its input index."""

    rows: npt.NDArray[np.int64]
    sh: U64
    bounds: npt.NDArray[np.int64]


def _shingle_all(texts: Sequence[object], min_words: int, k: int) -> _Shingled:
    ids = _Ids()
    flat: list[int] = []
    offsets = [0]
    rows: list[int] = []
    getid = ids.__getitem__
    for i, t in enumerate(texts):
        if not isinstance(t, str) or not t:
            continue
        if len(t) > MAX_CHARS:
            t = t[:MAX_CHARS]
        flat.extend(map(getid, normalise_words(t)))
        offsets.append(len(flat))
        rows.append(i)
    vocab = list(ids)  # in id order
    folded = fold_words(vocab)
    keep_word = np.array(
        [f[:1].isalnum() and f not in _PARTICLES for f in folded] or [False], dtype=bool
    )
    word_hash = _word_hashes(folded)
    flat_a = np.array(flat, dtype=np.int64)
    off = np.array(offsets, dtype=np.int64)
    doc_of_pos = np.repeat(np.arange(len(rows), dtype=np.int64), np.diff(off))
    keep = keep_word[flat_a] if len(flat_a) else np.zeros(0, dtype=bool)
    flat_a, doc_of_pos = flat_a[keep], doc_of_pos[keep]
    counts = np.bincount(doc_of_pos, minlength=len(rows))
    ok_doc = counts >= max(1, min_words)
    pos_ok = ok_doc[doc_of_pos]
    flat_a, doc_of_pos = flat_a[pos_ok], doc_of_pos[pos_ok]
    lengths = counts[ok_doc]
    new_off = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    doc, sh = _ngram_hashes(word_hash, flat_a, new_off, k)
    # sorted unique shingles per document
    order = np.lexsort((sh, doc))
    doc, sh = doc[order], sh[order]
    if len(doc):
        first = np.concatenate([[True], (doc[1:] != doc[:-1]) | (sh[1:] != sh[:-1])])
        doc, sh = doc[first], sh[first]
    n_docs = int(ok_doc.sum())
    bounds = np.searchsorted(doc, np.arange(n_docs + 1)).astype(np.int64)
    return _Shingled(np.array(rows, dtype=np.int64)[ok_doc], sh, bounds)


def shingles(text: str, *, shingle_size: int = 2) -> frozenset[int]:
    """The 64-bit shingle hashes of one text (the set :func:`find_seeding` compares).

    Texts shorter than ``shingle_size`` words give one shingle of all their words; a text
    without words gives the empty set.
    """
    if not isinstance(text, str) or not text:
        return frozenset()
    got = _shingle_all([text], 1, max(1, int(shingle_size)))
    return frozenset(got.sh.tolist())


def _ngram_hashes(
    word_hash: U64,
    flat: npt.NDArray[np.int64],
    offsets: npt.NDArray[np.int64],
    k: int,
) -> tuple[npt.NDArray[np.int64], U64]:
    """(document index, shingle hash) of every word k-gram, grouped by document.

    A k-gram hash is the XOR of its words' position-salted hashes, mixed once more. A
    document with fewer than k words (but at least one) gives one shingle of all of them.
    """
    n_docs = len(offsets) - 1
    lengths = np.diff(offsets)
    total = len(flat)
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    wh = word_hash[flat]
    doc_of_pos = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    pos = np.arange(total, dtype=np.int64)
    end_of_doc = offsets[1:][doc_of_pos]
    acc = np.zeros(total, dtype=np.uint64)
    zero = np.uint64(0)
    for j in range(k):
        shifted = np.zeros(total, dtype=np.uint64)
        shifted[: total - j] = wh[j:]
        part = _mix(shifted ^ _POS[j % len(_POS)])
        acc ^= np.where(pos + j < end_of_doc, part, zero)
    start_of_doc = offsets[:-1][doc_of_pos]
    keep = (pos + k <= end_of_doc) | ((pos == start_of_doc) & (lengths[doc_of_pos] < k))
    idx = np.flatnonzero(keep)
    return doc_of_pos[idx], _mix(acc[idx])


# ---------------------------------------------------------------------------------------
# Union-find.
# ---------------------------------------------------------------------------------------


def _find(parent: list[int], i: int) -> int:
    root = i
    while parent[root] != root:
        root = parent[root]
    while parent[i] != root:
        parent[i], i = root, parent[i]
    return root


def _union(parent: list[int], a: int, b: int) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        if ra < rb:
            parent[rb] = ra
        else:
            parent[ra] = rb


# ---------------------------------------------------------------------------------------
# The search.
# ---------------------------------------------------------------------------------------


def _jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def _signatures(node: npt.NDArray[np.int64], sh: U64, n_nodes: int) -> npt.NDArray[np.uint32]:
    """MinHash signatures, shape (BANDS*ROWS, n_nodes); ``node`` is grouped (each node's
    shingles contiguous). Computed in chunks of shingles."""
    k = BANDS * ROWS
    sig = np.full((k, n_nodes), np.iinfo(np.uint32).max, dtype=np.uint32)
    chunk = 40_000
    a, b = _A[:, None], _B[:, None]
    for lo in range(0, len(sh), chunk):
        part = sh[lo : lo + chunk]
        d = node[lo : lo + chunk]
        vals = (((part[None, :] ^ b) * a) >> _S32).astype(np.uint32)
        starts = np.flatnonzero(np.concatenate([[True], d[1:] != d[:-1]]))
        mins = np.minimum.reduceat(vals, starts, axis=1)
        cols = d[starts]
        sig[:, cols] = np.minimum(sig[:, cols], mins)
    return sig


def _candidate_pairs(sig: npt.NDArray[np.uint32]) -> set[tuple[int, int]]:
    """Pairs of nodes that share a band of their signatures."""
    pairs: set[tuple[int, int]] = set()
    n = sig.shape[1]
    if n < 2:
        return pairs
    for band in range(BANDS):
        block = sig[band * ROWS : (band + 1) * ROWS, :].astype(np.uint64)
        key = _mix((block * _BAND_MUL[:, None]).sum(axis=0, dtype=np.uint64))
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        cut = np.flatnonzero(sorted_key[1:] != sorted_key[:-1]) + 1
        bounds = np.concatenate([[0], cut, [n]])
        sizes = np.diff(bounds)
        for g in np.flatnonzero(sizes >= 2).tolist():
            members = sorted(order[bounds[g] : bounds[g + 1]].tolist())
            if len(members) <= _FULL_PAIRS_MAX:
                for x in range(len(members)):
                    for y in range(x + 1, len(members)):
                        pairs.add((members[x], members[y]))
            else:
                head = members[0]
                for x in range(1, len(members)):
                    pairs.add((head, members[x]))
                    pairs.add((members[x - 1], members[x]))
    return pairs


def _min_similarity(sets: list[frozenset[int]]) -> float:
    if len(sets) <= 1:
        return 1.0
    if len(sets) > _SIM_SAMPLE:
        step = len(sets) / _SIM_SAMPLE
        sets = [sets[int(i * step)] for i in range(_SIM_SAMPLE)]
    best = 1.0
    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            best = min(best, _jaccard(sets[i], sets[j]))
    return best


def _split_by_leader(
    nodes: list[int],
    degree: dict[int, int],
    node_set: Callable[[int], frozenset[int]],
    threshold: float,
) -> list[list[int]]:
    """Split a connected component so that every group is within ``threshold`` of its
    leader (the remaining node with the most verified neighbours): union-find alone would
    chain "A ~ B ~ C ~ ..." into groups whose ends have nothing in common."""
    remaining = sorted(nodes, key=lambda n: (-degree.get(n, 0), n))
    groups: list[list[int]] = []
    while remaining:
        leader = remaining[0]
        lead = node_set(leader)
        group = [leader]
        rest: list[int] = []
        for n in remaining[1:]:
            (group if _jaccard(lead, node_set(n)) >= threshold else rest).append(n)
        groups.append(group)
        remaining = rest
    return groups


def find_seeding(
    texts: Sequence[str],
    authors: Sequence[str | None],
    *,
    min_authors: int = 3,
    threshold: float = 0.7,
    min_words: int = 8,
    shingle_size: int = 2,
) -> list[SeedingCluster]:
    """Groups of near-duplicate texts posted by at least ``min_authors`` distinct authors.

    ``texts`` and ``authors`` are parallel (a shorter ``authors`` is padded with
    ``None``; non-string entries count as empty text / unknown author). Two texts are
    near-duplicates when the Jaccard similarity of their word ``shingle_size``-gram sets
    is at least ``threshold``; verified pairs are joined with union-find and each
    connected component is split so that every member is within ``threshold`` of its
    group's leader. Clusters come largest first (then by first member). See the module
    docstring.
    """
    threshold = float(threshold)
    if len(texts) < 2 or not threshold <= 1.0:
        return []  # (identical texts have similarity 1: nothing can pass a threshold > 1)
    got = _shingle_all(texts, min_words, max(1, int(shingle_size)))
    n_docs = len(got.rows)
    if n_docs < 2:
        return []
    sh, bounds = got.sh, got.bounds
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), np.diff(bounds))
    # documents with identical shingle sets share one node
    set_len = np.diff(bounds).astype(np.uint64)
    set_key = np.bitwise_xor.reduceat(_mix(sh ^ np.uint64(0x9E3779B97F4A7C15)), bounds[:-1])
    set_key = _mix(set_key ^ (set_len * _M1))
    _, first_doc, node_of_doc = np.unique(set_key, return_index=True, return_inverse=True)
    node_of_doc = node_of_doc.reshape(-1)
    n_nodes = len(first_doc)
    rep = np.zeros(n_docs, dtype=bool)
    rep[first_doc] = True
    take = np.flatnonzero(rep[doc_of])
    sig = _signatures(node_of_doc[doc_of[take]], sh[take], n_nodes)
    cache: dict[int, frozenset[int]] = {}

    def node_set(node: int) -> frozenset[int]:
        found = cache.get(node)
        if found is None:
            d = int(first_doc[node])
            found = cache[node] = frozenset(sh[bounds[d] : bounds[d + 1]].tolist())
        return found

    parent = list(range(n_nodes))
    degree: dict[int, int] = {}
    for a, b in sorted(_candidate_pairs(sig)):
        if _jaccard(node_set(a), node_set(b)) >= threshold:
            degree[a] = degree.get(a, 0) + 1
            degree[b] = degree.get(b, 0) + 1
            _union(parent, a, b)
    # documents of each node; nodes of each component
    docs_of_node: dict[int, list[int]] = {}
    for d, node in enumerate(node_of_doc.tolist()):
        docs_of_node.setdefault(node, []).append(d)
    components: dict[int, list[int]] = {}
    for node in degree:
        components.setdefault(_find(parent, node), []).append(node)
    groups = [
        g
        for comp in components.values()
        for g in _split_by_leader(comp, degree, node_set, threshold)
    ]
    # single nodes holding several identical texts
    groups += [
        [node] for node, docs in docs_of_node.items() if len(docs) > 1 and node not in degree
    ]
    rows = got.rows.tolist()
    clusters: list[SeedingCluster] = []
    for nodes in groups:
        docs = sorted(d for node in nodes for d in docs_of_node[node])
        if len(docs) < max(2, min_authors):
            continue
        members = tuple(rows[d] for d in docs)
        known = {
            a.strip()
            for a in (authors[i] if i < len(authors) else None for i in members)
            if isinstance(a, str) and a.strip()
        }
        if len(known) < min_authors:
            continue
        example = texts[members[0]]
        verdict = spam_rules(example)
        if verdict is not None and verdict.kind in ("giveaway", "junk"):
            continue
        similarity = _min_similarity([node_set(node) for node in sorted(nodes)])
        clusters.append(SeedingCluster(members, len(known), round(similarity, 4), example))
    clusters.sort(key=lambda c: (-len(c.members), c.members[0]))
    return clusters


def seeding_hits(
    texts: Sequence[str],
    authors: Sequence[str | None],
    *,
    min_authors: int = 3,
    threshold: float = 0.7,
    min_words: int = 4,
) -> dict[int, SpamHit]:
    """Per-text ``"seeding"`` verdicts for the members of :func:`find_seeding` clusters.

    The score grows with the number of distinct authors (0.6 at ``min_authors``, up to
    0.95); the reason names the cluster size and its authors.
    """
    out: dict[int, SpamHit] = {}
    for c in find_seeding(
        texts, authors, min_authors=min_authors, threshold=threshold, min_words=min_words
    ):
        score = min(0.95, 0.6 + 0.05 * (c.authors - min_authors))
        reason = (
            f"near-duplicate of {len(c.members) - 1} other comments by {c.authors} "
            f"distinct authors (min Jaccard {c.similarity:.2f})"
        )
        for i in c.members:
            out[i] = SpamHit("seeding", reason, round(score, 3), None, None)
    return out
