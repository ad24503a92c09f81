"""Language identification for social text: Vietnamese, English, other, undetermined.

Built for Vietnamese typed *without* diacritics ("san pham dung tot, giao hang nhanh"),
where general-purpose detectors fail. The decision is explainable and fast:

1. Cleaning. At most the first 2,000 characters are read. URLs, e-mail addresses,
   @mentions, #hashtags, HTML tags and entities are removed; text is NFKC-normalised
   (decomposed input, full-width and "mathematical bold" letters become plain letters).
2. Script. Letters outside the Latin script (Han, Kana, Hangul, Thai, Cyrillic, Arabic,
   Devanagari, ...) that outweigh the Latin ones give ``other`` with the script's name.
3. Words. Every Latin word is scored by three small naive-Bayes word models, one per
   class: Vietnamese (word frequencies of diacritic-folded social text, teencode
   included, falling back to a character-trigram model of syllables that gives almost
   no mass to words that are not well-formed Vietnamese syllables - onset + rhyme from
   closed sets - unless they split into known syllables, as in "sanpham"), English
   (word frequencies and character trigrams) and "other" (an equal mixture of 26
   Latin-script languages). Diacritics are evidence too: a word with a Vietnamese-only
   letter (ă, đ, ơ, ư, ạ, ả, ...) is almost impossible in English or the other
   languages, and letters Vietnamese never uses (ç, ñ, ß, ü, ø, ł, ...) rule
   Vietnamese out. Each word's evidence is capped so that no single word decides a
   text, and Vietnamese gets a prior (the platform's audience is Vietnamese), which
   makes code-switched comments ("sp xài ok, ship nhanh") come out ``vi``.
4. Undetermined. Empty text, no letters (emoji, numbers, punctuation), only
   URLs/mentions, keyboard mash, and one or two words that fit several languages
   ("good", "hi") give ``und``.

Scores are cached per distinct whitespace token, so a typical 20-word comment costs a
couple of dictionary look-ups per word. The tables are built by ``bench/build_lang.py``
from the train splits of the Vietnamese data sets, Debian's manual pages and gettext
catalogues; they ship as ``tinhieu/nlp/data/lang_model.json`` (its ``sources`` field
names them and their terms).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Final

__all__ = ["LABELS", "LangResult", "detect_language", "detect_languages", "is_vietnamese_syllable"]

LABELS: Final[tuple[str, ...]] = ("vi", "en", "other", "und")
MAX_CHARS: Final[int] = 2000


@dataclass(frozen=True, slots=True)
class LangResult:
    """The detected language of one text.

    ``lang`` is ``"vi"``, ``"en"``, ``"other"`` or ``"und"`` (undetermined: empty,
    emoji-only, numbers or URLs only, too little text); ``prob`` is the confidence in
    ``[0, 1]``; ``reason`` is a short English explanation.
    """

    lang: str
    prob: float
    reason: str


# --------------------------------------------------------------------------- letters

_VI_LOWER: Final[str] = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
# Accented letters that French, Spanish, Portuguese, ... use as well.
_SHARED: Final[str] = "àáâãèéêìíòóôõùúý"
_VI_LETTERS: Final[frozenset[str]] = frozenset(_VI_LOWER + _VI_LOWER.upper())
_VI_UNIQUE: Final[frozenset[str]] = frozenset(ch for ch in _VI_LETTERS if ch.lower() not in _SHARED)
_VI_UNIQUE_RE: Final[re.Pattern[str]] = re.compile("[" + "".join(sorted(_VI_UNIQUE)) + "]")


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    for cp in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base != ch and len(base) == 1 and base.isascii():
            table[cp] = base
    return table


_FOLD: Final[dict[int, str]] = _build_fold_table()


def _fold_word(word: str) -> str:
    """Remove diacritics from one word (``đ`` -> ``d``); letters like ``ø`` are kept."""
    return word if word.isascii() else word.translate(_FOLD)


_RUN3: Final[re.Pattern[str]] = re.compile(r"(.)\1{2,}")
_RUN2: Final[re.Pattern[str]] = re.compile(r"(.)\1+")


def _squeeze(word: str) -> str:
    """Shorten letter runs to two: "quaaaa" -> "quaa", "goooood" -> "good"."""
    return _RUN3.sub(r"\1\1", word)


def _dedup(word: str) -> str:
    """Shorten letter runs to one: "quaa" -> "qua"."""
    return _RUN2.sub(r"\1", word)


# ------------------------------------------------------------------ syllable grammar

_ONSETS: Final[str] = "ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x"
_RHYMES_PLAIN_TEXT: Final[str] = (
    "a ac ach ai am an ang anh ao ap at au ay "
    "e ec ech em en eng enh eo ep et eu "
    "i ia ich im in inh ip it iu iec iem ien ieng iep iet ieu "
    "o oc oi om on ong op ot ooc oong "
    "u uc ui um un ung up ut ua uoc uoi uom uon uong uop uot uou uu "
    "y yem yen yet yeu"
)
_RHYMES_PLAIN: Final[tuple[str, ...]] = tuple(_RHYMES_PLAIN_TEXT.split())
_RHYMES_MEDIAL_TEXT: Final[str] = (
    "oa oac oach oai oam oan oang oanh oao oap oat oay oe oem oen oeo oet "
    "uan uang uat uay ue uech uenh uy uych uynh uyt uyu uya uyen uyet uo"
)
_RHYMES_MEDIAL: Final[tuple[str, ...]] = tuple(_RHYMES_MEDIAL_TEXT.split())
_RHYMES_QU: Final[tuple[str, ...]] = (
    *(r for r in _RHYMES_PLAIN if not r.startswith("u")),
    "ych",
    "ynh",
    "yt",
    "ya",
)


def _alternation(items: Sequence[str]) -> str:
    return "|".join(sorted(set(items), key=lambda s: (-len(s), s)))


_SYLLABLE: Final[re.Pattern[str]] = re.compile(
    rf"(?:{_ONSETS})?(?:{_alternation(_RHYMES_PLAIN + _RHYMES_MEDIAL)})"
    rf"|qu(?:{_alternation(_RHYMES_QU)})|gi"
)


@lru_cache(maxsize=8192)
def is_vietnamese_syllable(word: str) -> bool:
    """Whether a lower-case word is a well-formed Vietnamese syllable once folded.

    ``"nguoi"``, ``"khuyen"``, ``"người"`` are; ``"the"``, ``"with"``, ``"shipping"``,
    ``"get"`` (``g`` is spelled ``gh`` before ``e``) are not.
    """
    s = _fold_word(word)
    if not _SYLLABLE.fullmatch(s):
        return False
    first, second = s[0], s[1:2]
    if first == "k" and not s.startswith("kh"):
        return second in ("i", "e", "y")
    if s.startswith("ngh"):
        return s[3:4] in ("i", "e")
    if s.startswith("gh"):
        return second in ("i", "e")
    if first == "c" and second != "h":
        return second not in ("i", "e", "y")
    if s.startswith("ng"):
        return s[2:3] not in ("i", "e")
    if first == "g" and second != "i":
        return second != "e"
    return True


# ---------------------------------------------------------------------- cleaning

_HTML: Final[re.Pattern[str]] = re.compile(
    r"<[a-zA-Z/!][^<>]{0,300}>|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});"
)
_URL: Final[re.Pattern[str]] = re.compile(r"(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)\S*", re.IGNORECASE)
_AT: Final[re.Pattern[str]] = re.compile(r"[\w.+-]*@[^\s@]*")  # e-mail addresses, @mentions
_HASHTAG: Final[re.Pattern[str]] = re.compile(r"#[^\s#]+")
_TLD: Final[str] = r"(?:com|net|org|vn|io|co|info|me|ly|gl|be|gg|tv|app|xyz|edu|gov)"
_DOMAIN_HINT: Final[re.Pattern[str]] = re.compile(rf"\.{_TLD}\b", re.IGNORECASE)
_DOMAIN: Final[re.Pattern[str]] = re.compile(
    rf"[\w-]+(?:\.[\w-]+)*\.{_TLD}\b(?:/\S*)?", re.IGNORECASE
)  # bare domains: shopee.vn, fb.com/abc
_WORD: Final[re.Pattern[str]] = re.compile(r"[^\W\d_]+")
_NON_LATIN: Final[re.Pattern[str]] = re.compile(r"[^\W\d_a-zA-Z\u00c0-\u024f\u1e00-\u1eff]")
# A cheaper superset of _NON_LATIN (code points of non-Latin scripts, letters or not).
_NON_LATIN_HINT: Final[re.Pattern[str]] = re.compile(
    "[\u0370-\u1dff\u1f00-\u1fff\u2e80-\ud7ff\uf900-\ufaff\ufb1d-\ufdff"
    "\ufe70-\ufeff\uff66-\uffdc\U00020000-\U0003ffff]"
)
_MAX_TOKENS: Final[int] = 400


def _clean(text: str) -> str:
    """Bounded, NFKC, lower-case text without URLs, e-mail, mentions, hashtags or HTML.

    Each pattern runs only when a cheap test finds its trigger character, which keeps
    the common case (a plain comment) at a few string scans.
    """
    s = text[:MAX_CHARS]
    if "<" in s or "&" in s:
        s = _HTML.sub(" ", s)
    if "://" in s or "www." in s or "WWW." in s:
        s = _URL.sub(" ", s)
    if "@" in s:
        s = _AT.sub(" ", s)
    if "#" in s:
        s = _HASHTAG.sub(" ", s)
    if "." in s and _DOMAIN_HINT.search(s) is not None:
        s = _DOMAIN.sub(" ", s)
    if not s.isascii() and not unicodedata.is_normalized("NFKC", s):
        s = unicodedata.normalize("NFKC", s)
    return s.lower()


# ------------------------------------------------------------------------ scripts

_SCRIPT_RANGES: Final[tuple[tuple[int, int, str], ...]] = (
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0700, 0x08FF, "Arabic"),
    (0x0900, 0x097F, "Devanagari"),
    (0x0980, 0x0DFF, "Indic"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x0E80, 0x0EFF, "Lao"),
    (0x0F00, 0x0FFF, "Tibetan"),
    (0x1000, 0x109F, "Myanmar"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1100, 0x11FF, "jamo"),
    (0x1200, 0x139F, "Ethiopic"),
    (0x1780, 0x17FF, "Khmer"),
    (0x1F00, 0x1FFF, "Greek"),
    (0x2E80, 0x2FDF, "Han"),
    (0x3040, 0x30FF, "Kana"),
    (0x3100, 0x312F, "Bopomofo"),
    (0x3130, 0x318F, "jamo"),
    (0x31F0, 0x31FF, "Kana"),
    (0x3400, 0x4DBF, "Han"),
    (0x4E00, 0x9FFF, "Han"),
    (0xA960, 0xA97F, "jamo"),
    (0xAC00, 0xD7FF, "Hangul"),
    (0xF900, 0xFAFF, "Han"),
    (0xFB1D, 0xFB4F, "Hebrew"),
    (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"),
    (0xFF66, 0xFF9F, "Kana"),
    (0xFFA0, 0xFFDC, "jamo"),
    (0x20000, 0x3FFFF, "Han"),
)
_SCRIPT_STARTS: Final[tuple[int, ...]] = tuple(r[0] for r in _SCRIPT_RANGES)
# Scripts written without spaces: one character weighs about as much as a Latin word.
_DENSE: Final[frozenset[str]] = frozenset({"Han", "Kana", "Hangul", "Thai", "Lao", "Khmer"})


def _script(ch: str) -> str:
    cp = ord(ch)
    i = bisect_right(_SCRIPT_STARTS, cp) - 1
    if i >= 0 and cp <= _SCRIPT_RANGES[i][1]:
        return _SCRIPT_RANGES[i][2]
    return "other script"


# -------------------------------------------------------------------------- model

_CLASSES: Final[tuple[str, ...]] = ("vi", "en", "other")
_CAP: Final[float] = 7.0  # most nats one word can give any class over another
_LOG_PRIOR: Final[tuple[float, float, float]] = (0.0, -3.0, -3.0)
_TEMPERATURE: Final[float] = 2.0
_JUNK_NATS_PER_CHAR: Final[float] = -3.6
_P_BAD_SYLLABLE: Final[float] = 0.01  # share of the Vietnamese OOV mass left to non-syllables
_SEG_MIN_COUNT: Final[int] = 30  # syllables a run-together word may be split into
_LOG_SPLIT: Final[float] = math.log(0.01)  # cost of each split of a run-together word
_LOG_DEDUP: Final[float] = math.log(0.05)  # cost of reading a doubled letter as one
_LOG_FOREIGN_LETTER: Final[float] = -9.0  # Vietnamese word with a letter like ç, ñ, ü, ø
_LOG_EN_ACCENT: Final[float] = -6.0  # English word with any accented letter


class _CharModel:
    """Interpolated character-trigram model over words (``^^word$``).

    P(c | a b) = 0.7 P3 + 0.25 P2 + 0.045 P1 + 0.005 / V, with each order's relative
    frequency; the log-probabilities of every seen trigram, bigram and letter are
    computed once at load, so scoring a word is one to three look-ups per letter.
    """

    __slots__ = ("_bi", "_floor", "_tri", "_uni")

    def __init__(self, grams: dict[str, int]) -> None:
        n_uni = sum(c for g, c in grams.items() if len(g) == 1) or 1
        n_words = max(1, grams.get("$", 1))
        vocab = max(30, sum(1 for g in grams if len(g) == 1))
        base = 0.005 / vocab
        self._floor = math.log(base)
        uni_p = {g: base + 0.045 * c / n_uni for g, c in grams.items() if len(g) == 1}
        bi_p: dict[str, float] = {}
        for g, c in grams.items():
            if len(g) == 2:
                ctx = n_words if g[0] == "^" else grams.get(g[0], 0)
                low = uni_p.get(g[1], base)
                bi_p[g] = low + (0.25 * c / ctx if ctx else 0.0)
        tri_lp: dict[str, float] = {}
        for g, c in grams.items():
            if len(g) == 3:
                ctx = n_words if g[:2] == "^^" else grams.get(g[:2], 0)
                low = bi_p.get(g[1:], uni_p.get(g[2], base))
                tri_lp[g] = math.log(low + (0.7 * c / ctx if ctx else 0.0))
        self._tri = tri_lp
        self._bi = {g: math.log(p) for g, p in bi_p.items()}
        self._uni = {g: math.log(p) for g, p in uni_p.items()}

    def logp(self, word: str) -> float:
        """log P(word) under the model, end marker included."""
        tri, bi, uni, floor = self._tri, self._bi, self._uni, self._floor
        padded = f"^^{word}$"
        total = 0.0
        for i in range(len(padded) - 2):
            g = padded[i : i + 3]
            lp = tri.get(g)
            if lp is None:
                lp = bi.get(g[1:])
                if lp is None:
                    lp = uni.get(g[2], floor)
            total += lp
        return total


class _WordModel:
    __slots__ = ("chars", "lex", "log_oov", "log_seen", "total")

    def __init__(self, raw: dict[str, object]) -> None:
        lex = raw["lex"]
        chars = raw["chars"]
        assert isinstance(lex, dict) and isinstance(chars, dict)
        total = float(raw["total"])  # type: ignore[arg-type]
        oov = min(0.5, max(0.005, float(raw["oov"])))  # type: ignore[arg-type]
        self.lex: dict[str, int] = lex
        self.total = total
        self.log_seen = math.log1p(-oov)
        self.log_oov = math.log(oov)
        self.chars = _CharModel(chars)

    def logp(self, word: str, oov_factor: float = 1.0) -> float:
        """log P(word): seen-word frequency mixed with the character model."""
        count = self.lex.get(word, 0)
        p_oov = math.exp(self.log_oov + self.chars.logp(word)) * oov_factor
        if count:
            return math.log(math.exp(self.log_seen) * count / self.total + p_oov)
        return math.log(p_oov) if p_oov > 0 else -1e3


@dataclass(frozen=True, slots=True)
class _Model:
    vi: _WordModel
    en: _WordModel
    other: _WordModel


@lru_cache(maxsize=1)
def _model() -> _Model:
    ref = resources.files("tinhieu.nlp").joinpath("data", "lang_model.json")
    raw = json.loads(ref.read_text(encoding="utf-8"))
    classes = raw["classes"]
    return _Model(
        vi=_WordModel(classes["vi"]),
        en=_WordModel(classes["en"]),
        other=_WordModel(classes["other"]),
    )


# Per-word flags, packed in 10-bit fields so that one sum() over a comment counts them
# all in a machine integer (at most _MAX_TOKENS tokens of at most 2 per field each).
_F_WORD: Final[int] = 1
_F_VI: Final[int] = 1 << 10
_F_EN: Final[int] = 1 << 20
_F_OTHER: Final[int] = 1 << 30
_F_JUNK: Final[int] = 1 << 40
_F_MARKED: Final[int] = 1 << 50
_FIELD: Final[int] = (1 << 10) - 1
_N_FIELDS: Final[int] = 6
_MAX_CACHE: Final[int] = 300_000
_LETTER: Final[str] = r"a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_LATIN_WORD: Final[re.Pattern[str]] = re.compile(rf"[{_LETTER}]+(?:'[{_LETTER}]+)*")
_EN_CONTRACTION: Final[re.Pattern[str]] = re.compile(r"[a-z]+(?:n't|'(?:s|m|re|ll|ve|d))")


def _words_of(token: str) -> list[str]:
    """Latin words of one lower-case token; English contractions stay whole ("don't").

    Other apostrophes split ("l'index" -> "l", "index").
    """
    if "\u2019" in token:
        token = token.replace("\u2019", "'")
    words = _LATIN_WORD.findall(token)
    if "'" not in token:
        return words
    out: list[str] = []
    for w in words:
        if "'" in w and _EN_CONTRACTION.fullmatch(w) is None:
            out.extend(p for p in w.split("'") if p)
        else:
            out.append(w)
    return out


def _segment_logp(word: str, lex: dict[str, int], total: float) -> float | None:
    """log P of a run-together Vietnamese word ("sanpham") as 2-3 known syllables."""
    best: float | None = None
    n = len(word)
    for i in range(1, n):
        a = word[:i]
        ca = lex.get(a, 0)
        if ca < _SEG_MIN_COUNT or not is_vietnamese_syllable(a):
            continue
        rest = word[i:]
        cb = lex.get(rest, 0)
        if cb >= _SEG_MIN_COUNT and is_vietnamese_syllable(rest):
            lp = math.log(ca / total) + math.log(cb / total) + _LOG_SPLIT
            best = lp if best is None else max(best, lp)
        for j in range(1, len(rest)):
            b, c = rest[:j], rest[j:]
            cb, cc = lex.get(b, 0), lex.get(c, 0)
            if cb < _SEG_MIN_COUNT or cc < _SEG_MIN_COUNT:
                continue
            if is_vietnamese_syllable(b) and is_vietnamese_syllable(c):
                lp = (
                    math.log(ca / total)
                    + math.log(cb / total)
                    + math.log(cc / total)
                    + 2 * _LOG_SPLIT
                )
                best = lp if best is None else max(best, lp)
    return best


@lru_cache(maxsize=65536)
def _word_scores(word: str) -> tuple[float, float, float, int]:
    """Capped log-likelihoods (vi, en, other) of one lower-case Latin word, and flags."""
    m = _model()
    w = _squeeze(word)
    ascii_word = w.isascii()
    folded = _fold_word(w)
    marked = not ascii_word and _VI_UNIQUE_RE.search(w) is not None
    foreign = not ascii_word and any(not ch.isascii() and ch not in _VI_LETTERS for ch in w)
    # Vietnamese: folded word; a run of doubled letters is a typing effect ("nhaa").
    vi_key = folded
    penalty = 0.0
    if vi_key not in m.vi.lex:
        d = _dedup(vi_key)
        if d != vi_key and (d in m.vi.lex or is_vietnamese_syllable(d)):
            vi_key = d
            penalty = _LOG_DEDUP  # "nhaa" is Vietnamese, but so would "too" -> "to" be
    if vi_key in m.vi.lex or is_vietnamese_syllable(vi_key):
        lv = m.vi.logp(vi_key) + penalty
    else:
        lv = m.vi.logp(vi_key, _P_BAD_SYLLABLE)
        if 4 <= len(vi_key) <= 18 and vi_key.isascii():
            seg = _segment_logp(vi_key, m.vi.lex, m.vi.total)
            if seg is not None:
                lv = max(lv, seg)
    if foreign or not folded.isascii():
        lv += _LOG_FOREIGN_LETTER
    # English: ASCII words; accents are rare in English text.
    en_key = folded
    if en_key not in m.en.lex:
        d = _dedup(en_key)
        if d in m.en.lex:
            en_key = d
    le = m.en.logp(en_key)
    if not ascii_word:
        le += _LOG_EN_ACCENT
    # Other languages keep their accents.
    lo = m.other.logp(w)
    known = w in m.other.lex or vi_key in m.vi.lex or en_key in m.en.lex
    best = max(lv, le, lo)
    flags = _F_WORD | (_F_MARKED if marked else 0)
    if not known and (len(w) > 18 or (not marked and best / (len(w) + 1) < _JUNK_NATS_PER_CHAR)):
        return 0.0, 0.0, 0.0, flags | _F_JUNK
    scores = (max(lv - best, -_CAP), max(le - best, -_CAP), max(lo - best, -_CAP))
    ranked = sorted(scores, reverse=True)
    if ranked[0] - ranked[1] >= 1.0:
        flags |= (_F_VI, _F_EN, _F_OTHER)[scores.index(0.0)]
    return (*scores, flags)


def _token_value(token: str) -> tuple[complex, int]:
    """complex(vi - en, other - en) summed over the Latin words of one token, and flags."""
    z = 0j
    flags = 0
    for word in _words_of(token):
        lv, le, lo, f = _word_scores(word)
        z += complex(lv - le, lo - le)
        flags += f
    if (flags & _FIELD) > 2:  # three or more words: no field may pass 2
        clamped = 0
        for i in range(_N_FIELDS):
            clamped |= min((flags >> (10 * i)) & _FIELD, 2) << (10 * i)
        flags = clamped
    return z, flags


def _fill(token: str) -> tuple[complex, int]:
    """Score a token not yet cached and store it in both caches."""
    if len(_SCORES) > _MAX_CACHE:
        _SCORES.clear()
        _FLAGS.clear()
    z, flags = _token_value(token)
    _SCORES[token] = z
    _FLAGS[token] = flags
    return z, flags


class _ScoreCache(dict[str, complex]):
    """Whitespace token -> complex(vi - en, other - en) of its words."""

    def __missing__(self, token: str) -> complex:
        return _fill(token)[0]


class _FlagCache(dict[str, int]):
    """Whitespace token -> packed word counts (filled together with ``_SCORES``)."""

    def __missing__(self, token: str) -> int:
        return _fill(token)[1]


_SCORES: Final[_ScoreCache] = _ScoreCache()
_FLAGS: Final[_FlagCache] = _FlagCache()


def _script_verdict(s: str) -> LangResult | None:
    """``other`` when non-Latin letters outweigh Latin ones, else None."""
    counts: dict[str, int] = {}
    for ch in _NON_LATIN.findall(s):
        name = _script(ch)
        counts[name] = counts.get(name, 0) + 1
    counts.pop("jamo", None)  # lone Hangul letters are emoticons in Vietnamese ("ㅠㅠ")
    if not counts:
        return None
    weight = {k: v * (4 if k in _DENSE else 1) for k, v in counts.items()}
    main = max(weight, key=weight.__getitem__)
    total = sum(weight.values())
    n_latin = sum(len(w) for w in _LATIN_WORD.findall(s))
    if total <= n_latin:
        return None
    prob = total / (total + n_latin)
    return LangResult("other", round(prob, 4), f"script: {main}")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def detect_language(text: str) -> LangResult:
    """Detect whether ``text`` is Vietnamese (accented or not), English or other.

    Never raises; any string (empty, emoji, 100 kB, lone surrogates) gets a result.
    """
    try:
        return _detect(text)
    except Exception as exc:  # pragma: no cover - defensive: the contract is "never raise"
        return LangResult("und", 0.0, f"error: {type(exc).__name__}")


def detect_languages(texts: Sequence[str]) -> list[LangResult]:
    """``detect_language`` of each text, in order."""
    return [detect_language(t) for t in texts]


def _detect(text: str) -> LangResult:
    if not isinstance(text, str) or not text:
        return LangResult("und", 1.0, "empty text")
    s = _clean(text)
    tokens = s.split()
    if len(tokens) > _MAX_TOKENS:
        tokens = tokens[:_MAX_TOKENS]
    if not s.isascii() and _NON_LATIN_HINT.search(s) is not None:
        verdict = _script_verdict(s)
        if verdict is not None:
            return verdict
    z = sum(map(_SCORES.__getitem__, tokens), 0j)
    flags = sum(map(_FLAGS.__getitem__, tokens))
    if not flags:
        if _LATIN_WORD.search(text[:MAX_CHARS].lower()) is not None:
            return LangResult("und", 1.0, "only URLs, e-mail addresses, mentions or hashtags")
        return LangResult("und", 1.0, "no letters")
    return _decide(z, flags)


def _decide(z: complex, flags: int) -> LangResult:
    n_words = flags & _FIELD
    n_junk = (flags >> 40) & _FIELD
    n_marked = flags >> 50
    n_scored = n_words - n_junk
    if n_scored == 0 or (n_junk >= 2 * n_scored and n_marked == 0):
        return _NO_WORDS
    s_vi = _LOG_PRIOR[0] + z.real
    s_en = _LOG_PRIOR[1]
    s_other = _LOG_PRIOR[2] + z.imag
    if s_vi >= s_en and s_vi >= s_other:
        best = 0
        rest = math.exp((s_en - s_vi) / _TEMPERATURE) + math.exp((s_other - s_vi) / _TEMPERATURE)
    elif s_en >= s_other:
        best = 1
        rest = math.exp((s_vi - s_en) / _TEMPERATURE) + math.exp((s_other - s_en) / _TEMPERATURE)
    else:
        best = 2
        rest = math.exp((s_vi - s_other) / _TEMPERATURE) + math.exp((s_en - s_other) / _TEMPERATURE)
    prob = 1.0 / (1.0 + rest)
    if n_scored <= 2 and n_marked == 0 and prob < 0.75:
        return LangResult("und", round(1.0 - prob, 4), _reason(3, 0, n_scored, 0))
    k = (flags >> (10 * best + 10)) & _FIELD
    return LangResult(_CLASSES[best], round(prob, 4), _reason(best, k, n_scored, n_marked))


_NO_WORDS: Final[LangResult] = LangResult("und", 0.9, "no recognisable words")


@lru_cache(maxsize=4096)
def _reason(best: int, k: int, n_scored: int, n_marked: int) -> str:
    """The explanation for a verdict: class (3 = too little text) and word counts."""
    words = _plural(n_scored, "word")
    if best == 3:
        return f"too little text ({words})"
    name = ("Vietnamese", "English", "other Latin-script languages")[best]
    if k == 0:
        reason = f"{words}, none clearly one language; {name} most likely"
    else:
        if n_scored == 1:
            verb = "matches" if best == 2 else "is"
        else:
            verb = "match" if best == 2 else "are"
        reason = f"{k}/{words} {verb} {name}"
    if best == 0:
        reason += f" ({n_marked} with Vietnamese diacritics)" if n_marked else " (unaccented)"
    return reason
