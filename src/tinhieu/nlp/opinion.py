"""Opinion evidence: does a text say what someone thinks, or only what is?

The sentiment head was trained on corpora that are almost all opinion (student feedback,
product reviews, emotional comments). Shown a plain informational post — "Lumi dạo này
giá 29k một ly size M", "Đặt qua app thì bao lâu thì giao vậy?" — it still leans on what
it learned there: text length, brand names and English words (review-like), topic words
that were polar in reviews ("size", "giao", "giá"). Nothing in such a post is an opinion.

:func:`opinion_evidence` looks for the surface marks of an opinion in a text's normalised
words, cheaply and explainably:

* ``lexicon`` — a word or phrase of the polarity lexicon (``data/polarity_vi.tsv``), also
  without diacritics (a single syllable only when the lexicon word is the usual reading
  of its unaccented form: "tot" is "tốt", but "do" is not "dở");
* ``opinion`` — an evaluative word or construction that has no fixed polarity
  (``data/opinion_vi.txt``: "dễ hiểu", "bình thường", "tạm", "nên có", "mong" …), "hay"
  at the end of a clause ("cô giảng hay"), a comparison ("hơn" not followed by a number);
* ``intensifier`` — "rất", "quá", "lắm", "hơi", "xỉu", "vãi" …; unaccented "qua" only at
  the end of a clause ("lau qua"), where it cannot be the preposition of "qua app";
* ``emoji`` — an emoji or emoticon that shows a feeling (😍 😡 😂 :( <3 …); decorative
  ones (☕ 🧋 👉 ✨) and the polite 🙂 😅 are no evidence;
* ``negation`` — a negator in a statement ("không ai dọn", "app không vào được"), not
  the question particle of "có giao không?";
* ``contrast`` — "nhưng", "tuy nhiên", "mỗi tội", "có điều";
* ``interjection`` / ``profanity`` — "haha", "huhu", "trời ơi"; "đéo", "địt" …

:func:`gate_scores` is the *opinion-evidence gate* of the sentiment stage. A text that
shows no opinion mark and reads as information — it asks a question, or states figures
(prices, amounts, times, links) — gets :data:`GATE_SHIFT` added to its neutral score, so
the head's priors alone no longer make it polar; a text the head is very sure of keeps
its label. A statement with neither opinion marks nor information marks is left to the
head: many of them are implicit complaints ("trân châu để qua đêm chứ gì nữa", "share
cho mọi người biết") that a shift would hide from crisis detection.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import islice
from typing import Final

import numpy as np
import numpy.typing as npt

from tinhieu.nlp.features import QUESTION_MARK, mark_questions
from tinhieu.nlp.lexicon import INTENSIFIERS, NEGATORS, polarity_table
from tinhieu.text.normalise import fold

#: Added to the neutral score (score units, before the softmax temperature) of a text
#: with no opinion mark that asks a question or states figures. Chosen on the dev splits
#: with the demo workspace as a social sanity check; see docs/nlp.md.
GATE_SHIFT: Final[float] = 1.25

#: Single-syllable lexicon words whose unaccented form is, in the accented training
#: texts of our corpora (UIT-VSFC, AIVIVN, UIT-VSMEC, UIT-ViHSD, ViSpamReviews), that
#: word at least half of the time ("tot" is "tốt" 98 %, "dep" "đẹp" 95 %, "qua" "quá"
#: 67 %); others ("do": "đó"/"độ"/"đồ", "gia": "giá", "hoi": "hơi"/"hỏi") are not
#: evidence without their diacritics.
_FOLD_SAFE: Final[frozenset[str]] = frozenset(
    {
        "thích",
        "rất",
        "siêu",
        "chuẩn",
        "tốt",
        "tuyệt",
        "thơm",
        "mịn",
        "ghét",
        "xấu",
        "mệt",
        "đẹp",
        "móp",
        "rách",
        "rẻ",
        "vứt",
        "khá",
        "yêu",
        "buồn",
        "cực",
        "xạo",
        "mượt",
        "phốt",
        "ghê",
        "thiếu",
        "kém",
        "thật",
        "chậm",
        "quá",
        "hư",
        "rác",
        "cùi",
        "nhầm",
        "bực",
        "nhái",
        "lừa",
        "lởm",
        "kỹ",
    }
)
#: Closes a clause (for "hay" / "qua" at its end).
_CLAUSE_END: Final[frozenset[str]] = frozenset({".", ",", "!", "?", ";", ":", "...", "?!", "…"})
#: Sentence-final particles that may follow a clause's last content word ("ngon quá à").
_PARTICLES: Final[frozenset[str]] = frozenset(
    {
        "à",
        "ạ",
        "ah",
        "nha",
        "nhé",
        "nhỉ",
        "luôn",
        "lắm",
        "rồi",
        "ghê",
        "thế",
        "vậy",
        "ha",
        "hà",
        "ta",
        "trời",
        "ơi",
        "đó",
        "đấy",
        "a",
        "nhe",
        "ne",
        "luon",
        "roi",
        "the",
        "vay",
        "troi",
        "oi",
    }
)
#: Emoji that show a feeling (skin tones and variation selectors are stripped first).
_FEELING_EMOJI: Final[frozenset[str]] = frozenset(
    "😍🥰😘😚😙😗❤💕💖💗💓💞💘💝💜💙💚💛🧡🖤💔😊☺😁😄😃😀😆🤩👍👎👌💯😋😻🥳🤤👏🙌🤗"
    "😂🤣😹😡😠🤬😤😞😢😭😔😩😫😒🙄🤮🤢😓😣😖☹🙁😕😟😥😰😱😨😧😦😬😑😪😵🤯🥺😿"
    "😳🤡💩🖕"
)
#: Canonical emoticons (see tinhieu.nlp.normalise) that show a feeling; ":|" does not.
_FEELING_EMOTICONS: Final[frozenset[str]] = frozenset(
    {
        ":)",
        "=))",
        ":D",
        ":p",
        ";)",
        ":3",
        ":*",
        "<3",
        "^^",
        ":>",
        ":v",
        ":(",
        ":'(",
        "</3",
        "-_-",
        ">_<",
        ":/",
        "@@",
        ":o",
    }
)
#: Laughter and sighs however long: "hahaha", "hihihi", "kkkkk", "hjhj", "haizzz", "hixx".
_LAUGHTER: Final[re.Pattern[str]] = re.compile(
    r"(?:ha|hi|he|hu|ho|hj|ka|ke){2,}|a(?:hi){2,}|k{3,}|haiz+|hix+|hic+"
)
_CONTRAST_PAIRS: Final[frozenset[tuple[str, str]]] = frozenset(
    {("tuy", "nhiên"), ("mỗi", "tội"), ("có", "điều")}
)
_CONTRAST_WORDS: Final[frozenset[str]] = frozenset({"nhưng", "song"})


@dataclass(frozen=True, slots=True)
class Evidence:
    """One mark of an opinion: what kind, and the word(s) that show it."""

    kind: str
    cue: str


#: Kinds of single-word marks, strongest first (a word in two lists gets the first).
_KINDS: Final[tuple[str, ...]] = ("lexicon", "opinion", "intensifier", "interjection", "profanity")

Phrases = dict[str, tuple[tuple[str, ...], ...]]


@dataclass(frozen=True, slots=True)
class _Tables:
    #: Single words as written → kind of mark.
    words: dict[str, str]
    #: Words typed without diacritics ("tot", "that") → kind of mark.
    bare_words: dict[str, str]
    #: Phrases as written, by first word → kind of mark per phrase.
    phrases: Phrases
    #: Phrases without diacritics, by first word.
    folded_phrases: Phrases
    phrase_kind: dict[tuple[str, ...], str]


def _by_first(phrases: Iterable[tuple[str, ...]]) -> Phrases:
    out: dict[str, list[tuple[str, ...]]] = {}
    for p in set(phrases):
        out.setdefault(p[0], []).append(p)
    return {w: tuple(sorted(ps, key=len, reverse=True)) for w, ps in out.items()}


def _read_sections() -> dict[str, list[tuple[str, ...]]]:
    text = (resources.files("tinhieu.nlp") / "data" / "opinion_vi.txt").read_text("utf-8")
    sections: dict[str, list[tuple[str, ...]]] = {}
    section = "opinion"
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif line and not line.startswith("#"):
            sections.setdefault(section, []).append(tuple(line.split()))
    return sections


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    entries = _read_sections()
    entries["lexicon"] = list(polarity_table())
    entries.setdefault("intensifier", []).extend(tuple(i.split()) for i in INTENSIFIERS)
    words: dict[str, str] = {}
    bare_words: dict[str, str] = {}
    phrase_kind: dict[tuple[str, ...], str] = {}
    folded_kind: dict[tuple[str, ...], str] = {}
    written: list[tuple[str, ...]] = []
    for kind in reversed(_KINDS):  # stronger kinds overwrite weaker ones
        for entry in entries.get(kind, []):
            if len(entry) == 1:
                word = entry[0]
                words[word] = kind
                if word == fold(word) or word in _FOLD_SAFE:
                    bare_words[fold(word)] = kind
            else:
                written.append(entry)
                phrase_kind[entry] = kind
                folded_kind[tuple(fold(w) for w in entry)] = kind
    # the preposition of "qua app": unaccented "qua" is checked by its position
    bare_words.pop("qua", None)
    phrase_kind.update((k, v) for k, v in folded_kind.items() if k not in phrase_kind)
    return _Tables(
        words=words,
        bare_words=bare_words,
        phrases=_by_first(written),
        folded_phrases=_by_first(folded_kind),
        phrase_kind=phrase_kind,
    )


_FOLDED: dict[str, str] = {}


def _fold_word(word: str) -> str:
    f = _FOLDED.get(word)
    if f is None:
        if len(_FOLDED) > 200_000:
            _FOLDED.clear()
        f = _FOLDED[word] = fold(word)
    return f


def _emoji_base(token: str) -> str:
    return "".join(
        ch for ch in token if not ("\U0001f3fb" <= ch <= "\U0001f3ff" or ch in "\ufe0e\ufe0f\u200d")
    )


def _match(words: Sequence[str], i: int, candidates: tuple[tuple[str, ...], ...]) -> int:
    """Length of the longest of ``candidates`` (phrases starting with ``words[i]``) that
    ``words`` has at ``i``; 0 if none."""
    for p in candidates:
        if tuple(words[i : i + len(p)]) == p:
            return len(p)
    return 0


def _clause_final(words: Sequence[str], i: int) -> bool:
    """Whether only particles stand between position ``i`` and the clause's end."""
    j = i + 1
    while j < len(words) and words[j] in _PARTICLES:
        j += 1
    return j == len(words) or words[j] in _CLAUSE_END


def _marks(words: Sequence[str]) -> Iterator[Evidence]:
    """The opinion marks of a text's normalised words, in text order."""
    t = _tables()
    n = len(words)
    folded = [w if w.isascii() else _fold_word(w) for w in words]
    marked: list[str] | None = None
    for i, w in enumerate(words):
        f = folded[i]
        bare = f == w  # typed without diacritics: "tot", "giao hang nhanh"
        k = _match(words, i, t.phrases[w]) if w in t.phrases else 0
        source = words
        if not k and f in t.folded_phrases:
            k, source = _match(folded, i, t.folded_phrases[f]), folded
        if k:
            yield Evidence(t.phrase_kind[tuple(source[i : i + k])], " ".join(words[i : i + k]))
            continue
        kind = t.words.get(w) or (t.bare_words.get(f) if bare else None)
        if kind is not None and not (f == "xiu" and i and folded[i - 1] == "bac"):
            yield Evidence(kind, w)  # ("bạc xỉu" is a coffee, not "to faint")
            continue
        if f in ("hay", "qua") and i and _clause_final(words, i):
            # "cô giảng hay", "lâu quá": not "hay order" (often) nor "qua app" (via)
            yield Evidence("opinion" if f == "hay" else "intensifier", w)
        elif f == "hon" and i and (i + 1 == n or words[i + 1] != "<number>"):
            yield Evidence("opinion", w)  # a comparison; not "hơn 100 cửa hàng"
        elif w[:1] in "hka" and _LAUGHTER.fullmatch(w):
            yield Evidence("interjection", w)
        elif w in _FEELING_EMOTICONS or (not w[:1].isalnum() and _emoji_base(w) in _FEELING_EMOJI):
            yield Evidence("emoji", w)
        elif w in _CONTRAST_WORDS or (i + 1 < n and (w, words[i + 1]) in _CONTRAST_PAIRS):
            yield Evidence("contrast", w if w in _CONTRAST_WORDS else f"{w} {words[i + 1]}")
        elif w in NEGATORS and i + 1 < n and words[i + 1] not in _CLAUSE_END:
            if marked is None:
                marked = mark_questions(words)
            if not marked[i].startswith(QUESTION_MARK):  # "có giao không ạ?" asks
                yield Evidence("negation", f"{w} {words[i + 1]}")


def opinion_evidence(words: Sequence[str], limit: int = 3) -> list[Evidence]:
    """Up to ``limit`` marks of an opinion in a text's normalised words, in text order
    (none: the text shows no opinion)."""
    return list(islice(_marks(words), limit))


def has_opinion(words: Sequence[str]) -> bool:
    """Whether the text shows any mark of an opinion (see :func:`opinion_evidence`)."""
    return next(_marks(words), None) is not None


#: Question particles that end a yes/no question without a "?" ("mở chi nhánh mới hả").
_QUESTION_END: Final[frozenset[str]] = frozenset({"hả", "hở", "hông", "chưa", "không", "nhỉ"})
#: Tokens of facts: amounts, prices, times, dates, links, phone numbers, e-mails.
_FIGURES: Final[frozenset[str]] = frozenset({"<number>", "<url>", "<phone>", "<email>"})


def information_mark(words: Sequence[str]) -> str | None:
    """``"question"`` when the text asks something, ``"figures"`` when it states
    amounts, prices, times or links, else ``None`` — what an informational post does."""
    if not words:
        return None
    if "?" in words or "?!" in words or words[-1] in _QUESTION_END:
        return "question"
    if ("không" in words or "chưa" in words) and any(
        w.startswith(QUESTION_MARK) and len(w) > 1 for w in mark_questions(words)
    ):
        return "question"  # "có giao không ạ, mình ở Q7" asks too
    if not _FIGURES.isdisjoint(words):
        return "figures"
    return None


@dataclass(frozen=True, slots=True)
class GateDecision:
    """What the opinion-evidence gate decided for one text."""

    #: Added to the neutral score (0.0: the gate does not apply).
    shift: float
    #: ``"question"`` / ``"figures"`` when the text reads as information, else None.
    information: str | None
    #: The first opinion mark of an informational text (None: it shows none, or the
    #: text is no informational one and was not searched).
    evidence: Evidence | None = None


def gate(words: Sequence[str], shift: float = GATE_SHIFT) -> GateDecision:
    """The gate's decision for one text's normalised words: a text that asks a question
    or states figures and shows no opinion mark moves towards neutral by ``shift``.

    The information marks are looked for first: they are cheaper, and a text without
    them is left to the head whatever its words.
    """
    info = information_mark(words)
    if info is None:
        return GateDecision(0.0, None)
    found = next(_marks(words), None)
    if found is not None:
        return GateDecision(0.0, info, found)
    return GateDecision(shift, info)


FloatArray = npt.NDArray[np.float32]


def gate_scores(
    scores: FloatArray,
    classes: Sequence[str],
    words: Sequence[Sequence[str]],
    shift: float = GATE_SHIFT,
) -> tuple[FloatArray, list[GateDecision]]:
    """Sentiment scores (one row per text, columns in ``classes`` order) with the gate's
    shift added to the neutral column, and each text's :class:`GateDecision`.

    A head without a neutral class is returned as it is (the gate cannot say neutral).
    """
    decisions = [gate(ws, shift) for ws in words]
    if "neutral" not in classes:
        return scores, decisions
    shifts = np.array([d.shift for d in decisions], dtype=np.float32)
    if not shifts.any():
        return scores, decisions
    out = scores.copy()
    out[:, list(classes).index("neutral")] += shifts
    return out, decisions
