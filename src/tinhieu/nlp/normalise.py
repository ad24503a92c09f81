"""Text normaliser and tokenizer shared by every tinhieu NLP model.

Three entry points, one set of rules:

* :func:`tokenize` -- :class:`Token` objects with character offsets into the input (for
  evidence spans), a normalised form (``norm``) and a kind.
* :func:`normalise_words` -- just the normalised words, in order, multi-word expansions
  split ("ntn" -> "như", "thế", "nào"). The fast path used for model features; it gives
  exactly ``[w for t in tokenize(text) for w in t.norm.split(" ")]``.
* :func:`normalise_text` -- ViLexNorm-style lexical normalisation: the input string with
  non-standard words replaced by their standard form ("k thích" -> "không thích",
  "K" -> "Không"), everything else (punctuation, emoticons, URLs, spacing) as it was.

Normalised forms (``Token.norm``)
---------------------------------
``word``
    lowercase, compatibility-composed (NFKC: "đe\u0323p" -> "đẹp", "𝐁𝐁𝐂" -> "bbc",
    fullwidth "ｋｏ" -> "không"); runs of one letter squeezed (:func:`squeeze_repeats`);
    teencode and abbreviations expanded from the shipped lexicon (``data/teencode.tsv``),
    then the feature-only lexicon (``data/teencode_features.tsv``: "ib"/"inb" -> "inbox",
    "oke"/"okela" -> "ok", "ntn" -> "như thế nào"...; :func:`normalise_text` does not use
    it, because the ViLexNorm annotators keep those as written). An expansion may be
    several words separated by single spaces. An unknown word that is no well-formed
    Vietnamese syllable is respelled by teencode rules when that gives a known syllable
    ("pạn" -> "bạn", "miếg" -> "miếng", :func:`_respell`). Sources, licences and the
    decisions on ambiguous short forms: ``data/teencode.md``.
``number``
    ``"<number>"``: integers, decimals ("1,5", "1.000.000"), times and dates ("10:30",
    "12/05"), and amounts with a unit ("50k", "50 k", "1tr", "1tr5", "2h", "15p", "30%",
    "200đ", "650k/kg"). The "k" of "50k" / "50 k" is a thousand and never "không".
``url`` / ``email`` / ``phone`` / ``mention``
    ``"<url>"`` (with a scheme, "www.", or a bare domain with a known top-level domain:
    "shopee.vn/abc"), ``"<email>"``, ``"<phone>"`` (Vietnamese numbers: "0912 345 678",
    "0912.345.678", "+84 912345678", "1900 1234"), ``"<mention>"`` ("@ten.ban").
``hashtag``
    ``"#"`` + the tag body lowercased and folded (diacritics removed, đ -> d), so
    "#ĐàNẵng", "#danang" and "#DaNang" are one feature: ``"#danang"``.
``emoji``
    the emoji itself, one token per emoji; skin-tone modifiers, ZWJ sequences, flags and
    keycaps stay whole; variation selectors (U+FE0E/U+FE0F) are dropped from the norm, so
    "❤️" and "❤" are the same feature.
``emoticon``
    a canonical form (see :data:`EMOTICON_CANONICAL`): ":)" for ":)", ":))", ":-)",
    "=)", "=]" and ")))"; "=))" for "=))", "=)))", "=]]"; ":(" for ":(", ":((", "=(",
    "((("; ":'(" for ":'(", "T_T", "T.T", ";(("; ":D" for ":D", ":d", "xD", "=D"; ":p";
    ";)"; ":o" for ":o", ":O", "o.O", "O_O"; "@@"; ":v"; ":3"; ":*"; ":/"; ":|"; "<3"
    for "<3", "<333"; "</3"; "^^" for "^^", "^_^", "^.^"; "-_-" for "-_-", "-.-", "=.=",
    "._."; ">_<" for ">_<", ">.<", ":<", ">:("; ":>". An emoticon may stick to the word
    before it ("ngon:))" is "ngon" and ":)").
``punct``
    the character; runs of one character collapsed ("!!!" -> "!"); a run of dots or "…"
    -> "..."; a mix of "!" and "?" -> "?!".

Rules that look at the sentence: "t" is "tôi", but "tao" next to "m"/"tao" and "tớ" next
to "tớ"; "c" is "cậu", but "chị" next to "e"/"em"/"chị"; a lone "0" between words is
"không" (a ``word`` token: "t 0 biết").

Whitespace, control and format characters, lone surrogates, stray variation selectors
and HTML markup (tags, comments, character references such as "&amp;") produce no
token. No function here raises on a ``str`` input.

Case in :func:`normalise_text`: a replacement follows the case of the word it replaces:
lowercase stays as the lexicon writes it ("hcm" -> "Hồ Chí Minh" keeps the proper noun), a
capitalised word gives a capitalised replacement ("K" -> "Không", "Ngta" -> "Người ta"),
and an all-capital word of two or more letters gives an all-capital replacement when the
replacement is one word ("KO" -> "KHÔNG") and the lexicon's form otherwise
("HLV" -> "huấn luyện viên").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from itertools import chain
from typing import Final

from tinhieu.text.normalise import fold, nfc_fast

__all__ = [
    "EMOTICON_CANONICAL",
    "KINDS",
    "Token",
    "fold_words",
    "normalise_text",
    "normalise_words",
    "squeeze_repeats",
    "tokenize",
]

KINDS: Final[tuple[str, ...]] = (
    "word",
    "number",
    "url",
    "email",
    "phone",
    "mention",
    "hashtag",
    "emoji",
    "emoticon",
    "punct",
)


@dataclass(frozen=True, slots=True)
class Token:
    """One token of the input.

    ``raw == text[start:end]``; ``norm`` is the normalised form described in the module
    docstring; ``kind`` is one of :data:`KINDS`.
    """

    norm: str
    raw: str
    start: int
    end: int
    kind: str


# ---------------------------------------------------------------------------------------
# The scanner: one compiled regular expression, one named group per kind.
# ---------------------------------------------------------------------------------------

# Combining marks kept inside words (decomposed Vietnamese, Thai, Devanagari, Arabic...),
# so that text which is not NFC still tokenizes into whole words.
_MARKS: Final = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
    "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963\u0981-\u0983\u09bc-\u09d7"
    "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd"
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20dc\u20e1\u20e5-\u20f0\ufe20-\ufe2f"
)
_WC: Final = rf"\w{_MARKS}"  # a word character

# Characters that never make a token: controls, format characters, line/paragraph
# separators, stray variation selectors, lone surrogates, specials.
_SKIP: Final = (
    "\x00-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\ufff0-\ufffc\ud800-\udfff"
)

_EMOJI_BASE: Final = (
    "\u203c\u2049\u2139\u2194-\u2199\u21a9\u21aa\u231a\u231b\u2328\u23cf\u23e9-\u23f3"
    "\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe\u2600-\u27bf\u2934\u2935"
    "\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\u3297\u3299"
    "\U0001f000-\U0001f1e5\U0001f200-\U0001faff"
)
_EMOJI_MOD: Final = "\U0001f3fb-\U0001f3ff"
_EMOJI_ONE: Final = rf"[{_EMOJI_BASE}][\ufe0e\ufe0f]?[{_EMOJI_MOD}]?"
_EMOJI: Final = (
    r"[\U0001f1e6-\U0001f1ff]{1,2}"  # flags (regional-indicator pairs)
    r"|[0-9#*]\ufe0f?\u20e3"  # keycaps
    rf"|{_EMOJI_ONE}(?:\u200d{_EMOJI_ONE})*+[\U000e0020-\U000e007f]*+"
)

# Emoticons. Colon/equals ones may stick to the word before them ("ngon:))"); the ones
# that begin with a letter ("xD", "T_T", "o.O") need a non-word character before them.
_EMOTICON: Final = (
    r"[:=;]['’]?[-^o]?[)\]]++"  # :) :)) :-) =)) ;) =]]
    r"|[:=;]['’]?-?\(++"  # :( :(( :'( =(
    r"|>[:.\-_]?[(<]|>_+<"  # >:( >.< >_<
    r"|(?<![\w])[xX]-?D++(?![\w])"  # xD
    r"|[:=;]-?[dD]++(?![\w])"  # :D
    r"|[:=;]-?[pPþ]++(?![\w])"  # :p
    r"|:-?[oO0]++(?![\w])"  # :o
    r"|(?<![\w])(?:[oO0][._][oO0]|[tT][._]+[tT]|[qQ][._][qQ])(?![\w])"  # o.O T_T Q_Q
    r"|@@++(?![\w])"
    r"|:['’]?-?[vV]++(?![\w])"  # :v
    r"|:-?3++(?![\w])"  # :3
    r"|:-?\*++"  # :*
    r"|:-?[/\\]++(?![/\\\w])"  # :/
    r"|:-?\|++"  # :|
    r"|:[<>]++"  # :< :>
    r"|</?3++(?![\d])"  # <3 </3
    r"|\^[._\-]*+\^++"  # ^^ ^_^
    r"|-[._]+-|=[._]+=|\._+\."  # -_- -.- =.= ._.
    r"|\){3,}+|\({3,}+"  # ))) (((
)

_URL_TAIL: Final = r"[^\s<>\"'`{}|\\^]*(?<![.,;:!?)\]}…'\"])"
_URL: Final = rf"(?i:https?://|www\.)[^\s<>\"'`{{}}|\\^.,;:!?)\]}}…]{_URL_TAIL}"
# A dotted ASCII name; its last label is checked against _TLDS after the match.
_DOMAIN: Final = (
    r"(?<![\w@.\-])[A-Za-z0-9][A-Za-z0-9\-]*+(?:\.[A-Za-z0-9\-]++)++"
    rf"(?:/{_URL_TAIL})?"
)
_EMAIL: Final = r"(?<![\w.+\-])[\w+\-]++(?:\.[\w+\-]++)*+@[A-Za-z0-9\-]++(?:\.[A-Za-z0-9\-]++)++"
_PHONE: Final = (
    r"(?<![\w+.,])(?:(?:\+84|\(\+84\)|0084)[ .\-]?[1-9]|0[1-9])(?:[ .\-]?\d){7,9}(?![\w])"
    r"|(?<![\w+.,])1[89]00(?:[ .\-]?\d){4,6}(?![\w])"
)
_UNIT_ATTACHED: Final = (
    r"(?i:k|tr|triệu|trieu|tỷ|tỉ|ty|ti|củ|nghìn|ngàn|nghin|ngan|đ|đồng|d|vnd|vnđ|usd|\$"
    r"|%|h|g|p|ph|phút|s|m|km|kg|gr|cm|mm|ml|l|gb|mb|tb|t|x|th|tuổi|c)"
)
_UNIT_SPACED: Final = r"(?i:k|tr|đ|vnd|vnđ|usd|kg|km|cm|ml|gb|mb)"
_PER_UNIT: Final = (
    rf"/(?:{_UNIT_ATTACHED}|(?i:cái|chiếc|hộp|chai|gói|bộ|đôi|người|ngày|tháng|năm|sp))"
)
_NUMBER: Final = (
    r"(?<![\w])\d++(?:[.,:/]\d++)*+"
    rf"(?:(?i:h|g|tr|k|m|ty|tỷ|tỉ|p)\d{{1,3}}+|{_UNIT_ATTACHED}| {_UNIT_SPACED})?"
    rf"(?:{_PER_UNIT})?(?![{_WC}])"
)
_MENTION: Final = r"(?<![\w@])@\w++(?:\.\w++)*+"
_HASHTAG: Final = rf"(?<![\w&#])#(?=[{_WC}]*?[^\W\d_])[{_WC}]++"
_WORD: Final = rf"[{_WC}]++(?:['’][{_WC}]++)*+"
_PUNCT: Final = rf"\.{{2,}}+|…++|[!?]{{2,}}+|(?P<pc>[^\s{_WC}{_SKIP}])(?P=pc)*+"

# HTML tags, comments and character references: no token (scraped text often has them).
_MARKUP: Final = (
    r"<(?:/?[A-Za-z][A-Za-z0-9\-]*(?:\s[^<>]{0,500})?/?|!--[^<>]{0,2000}?--)>"
    r"|&(?:[A-Za-z]{2,8}|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});"
)

_SCAN: Final = re.compile(
    "|".join(
        [
            f"(?P<skip>{_MARKUP})",
            f"(?P<url>{_URL})",
            f"(?P<email>{_EMAIL})",
            f"(?P<phone>{_PHONE})",
            f"(?P<emoji>{_EMOJI})",
            f"(?P<emoticon>{_EMOTICON})",
            f"(?P<number>{_NUMBER})",
            f"(?P<mention>{_MENTION})",
            f"(?P<hashtag>{_HASHTAG})",
            f"(?P<domain>{_DOMAIN})",
            f"(?P<word>{_WORD})",
            f"(?P<punct>{_PUNCT})",
        ]
    )
)
# The same without the domain branch: rescans a dotted name whose last label is no TLD.
_SCAN_NO_DOMAIN: Final = re.compile(
    "|".join(
        [
            f"(?P<emoticon>{_EMOTICON})",
            f"(?P<number>{_NUMBER})",
            f"(?P<word>{_WORD})",
            f"(?P<punct>{_PUNCT})",
        ]
    )
)
_TLDS: Final = frozenset(
    """com net org vn io me co info biz xyz ly gl gg tv app dev edu gov shop store online site
    link to us uk jp kr cn fr de ru page live top asia news""".split()  # noqa: SIM905
)
# A token (or skipped markup) can span whitespace only here: a phone number written in
# groups ("0912 345 678", "+84 912..."), an amount with a spaced unit ("50 k"), an HTML
# tag or comment. Text without this pattern is tokenized chunk by chunk (and cached).
_CROSS_SPACE: Final = re.compile(rf"\d (?:\d|{_UNIT_SPACED}(?![{_WC}]))|<[A-Za-z!]")


def _scan(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every token of ``text``; no normalisation, no lexicon."""
    out: list[tuple[str, int, int]] = []
    for m in _SCAN.finditer(text):
        kind = m.lastgroup
        if kind == "skip":
            continue
        if kind == "pc":  # the back-reference group of punct
            kind = "punct"
        start, end = m.span()
        if kind == "domain":
            raw = m.group()
            host = raw.split("/", 1)[0]
            if host.rsplit(".", 1)[-1].lower() in _TLDS:
                out.append(("url", start, end))
            else:
                for sub in _SCAN_NO_DOMAIN.finditer(raw):
                    sk = sub.lastgroup
                    out.append(
                        ("punct" if sk == "pc" else str(sk), start + sub.start(), start + sub.end())
                    )
            continue
        out.append((str(kind), start, end))
    return out


# ---------------------------------------------------------------------------------------
# Normalised forms of the special kinds.
# ---------------------------------------------------------------------------------------

EMOTICON_CANONICAL: Final[tuple[tuple[str, str], ...]] = (
    # (regex on the raw emoticon, canonical form); first match wins.
    (r"=['’]?[-^o]?[)\]]{2,}", "=))"),
    (r"[:=]['’]?[-^o]?[)\]]+|\){3,}", ":)"),
    (r";['’]?[-^o]?[)\]]+", ";)"),
    (r"[:=;]['’]-?\(+|;-?\(+|[tTqQ][._]+[tTqQ]", ":'("),
    (r"[:=]-?\(+|\({3,}", ":("),
    (r">[:.\-_]?[(<]|>_+<|:<+", ">_<"),
    (r":>+", ":>"),
    (r"[xX:=;]-?[dD]+", ":D"),
    (r"[:=;]-?[pPþ]+", ":p"),
    (r":-?[oO0]+|[oO0][._][oO0]", ":o"),
    (r"@@+", "@@"),
    (r":['’]?-?[vV]+", ":v"),
    (r":-?3+", ":3"),
    (r":-?\*+", ":*"),
    (r":-?[/\\]+", ":/"),
    (r":-?\|+", ":|"),
    (r"<3+", "<3"),
    (r"</3+", "</3"),
    (r"\^[._\-]*\^+", "^^"),
    (r"-[._]+-|=[._]+=|\._+\.", "-_-"),
)
_EMOTICON_RULES: Final = tuple((re.compile(p), c) for p, c in EMOTICON_CANONICAL)


def _emoticon_norm(raw: str) -> str:
    for pattern, canonical in _EMOTICON_RULES:
        if pattern.fullmatch(raw):
            return canonical
    return raw


def _punct_norm(raw: str) -> str:
    first = raw[0]
    if first in ".…":
        return "..." if len(raw) > 1 or first == "…" else "."
    if first in "!?" and len(raw) > 1:
        return "?!" if ("?" in raw and "!" in raw) else first
    return first


_VS: Final = {0xFE0E: None, 0xFE0F: None}


def _special_norm(kind: str, raw: str) -> str:
    """Norm of a token that is not a word."""
    if kind == "number":
        return "<number>"
    if kind == "punct":
        return _punct_norm(raw)
    if kind == "emoticon":
        return _emoticon_norm(raw)
    if kind == "emoji":
        return raw.translate(_VS) or raw
    if kind == "url":
        return "<url>"
    if kind == "email":
        return "<email>"
    if kind == "phone":
        return "<phone>"
    if kind == "mention":
        return "<mention>"
    # hashtag
    return "#" + fold(nfc_fast(raw[1:]).lower())


# ---------------------------------------------------------------------------------------
# Lexicon and vocabulary (loaded once, lazily).
# ---------------------------------------------------------------------------------------

_PACKAGE: Final = "tinhieu.nlp"  # the data live in its data/ folder


class _Lexicon:
    """The shipped data: teencode pairs (two tiers) and the syllable vocabulary."""

    __slots__ = ("features", "main", "syllables")

    def __init__(self) -> None:
        self.main = _read_pairs("teencode.tsv")
        self.features = dict(self.main)
        self.features.update(_read_pairs("teencode_features.tsv"))
        self.syllables = _read_counts("syllables.txt")


def _read_text(name: str) -> str:
    return resources.files(_PACKAGE).joinpath("data", name).read_text(encoding="utf-8")


def _read_lines(name: str) -> list[str]:
    return [
        line.strip()
        for line in _read_text(name).splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _read_counts(name: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in _read_lines(name):
        word, _, count = line.partition("\t")
        counts[word] = int(count) if count.isdigit() else 1
    return counts


def _read_pairs(name: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for line in _read_text(name).splitlines():
        if not line or line.startswith("#"):
            continue
        src, _, tgt = line.partition("\t")
        if src and tgt:
            pairs[src] = tgt
    return pairs


_LEX: _Lexicon | None = None


def _lexicon() -> _Lexicon:
    global _LEX
    if _LEX is None:
        _LEX = _Lexicon()
    return _LEX


# ---------------------------------------------------------------------------------------
# Repeated letters.
# ---------------------------------------------------------------------------------------

# Vietnamese tone marks (not vowel-quality marks: "ư", "ơ", "â"... keep their identity).
_TONES: Final = frozenset("\u0300\u0301\u0303\u0309\u0323")


def _strip_tone(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))


_TONED: Final = (
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"
)
# one character -> one character, so offsets in the stripped word are offsets in the word
_TONE_TABLE: Final = {ord(c): _strip_tone(c) for c in _TONED}
_RUN: Final = re.compile(r"([^\W\d_])\1+")


def _runs(word: str) -> tuple[str, list[tuple[int, int]]]:
    """The word without tone marks, and the spans of two or more letters with the same
    base letter in it ("quáaaa" -> "quaaaa", [(2, 6)])."""
    base = word.translate(_TONE_TABLE)
    return base, [m.span() for m in _RUN.finditer(base)]


def _collapse(word: str, base: str, spans: Iterable[tuple[int, int]]) -> str:
    parts: list[str] = []
    pos = 0
    for i, j in spans:
        parts.append(word[pos:i])
        # keep the letter that carries the tone mark, if any ("quáaaa" -> "quá")
        toned = next((k for k in range(i, j) if word[k] != base[k]), i)
        parts.append(word[toned])
        pos = j
    parts.append(word[pos:])
    return "".join(parts)


def _squeeze(word: str, vocab: Collection[str]) -> str:
    """Squeeze repeated letters of a lowercase NFC ``word``.

    Runs of three or more letters with the same base letter become one letter (the toned
    one if there is one). Runs of two are squeezed only when the result is a known
    syllable and the word as written is not ("nhaa" -> "nha", "đii" -> "đi"; "xoong",
    "good" and "ưu" stay).
    """
    if len(word) < 2:
        return word
    base, spans = _runs(word)
    if not spans or (len(spans) == 1 and spans[0] == (0, len(word))):
        return word  # no run, or one letter repeated ("kkk", "xxx"): left as written
    long_runs = [sp for sp in spans if sp[1] - sp[0] >= 3]
    out = _collapse(word, base, long_runs) if long_runs else word
    if len(long_runs) == len(spans) or out in vocab:
        return out
    out_base, out_spans = _runs(out)
    doubles_gone = _collapse(out, out_base, out_spans)
    return doubles_gone if doubles_gone in vocab else out


# ---------------------------------------------------------------------------------------
# Phonetic respelling of unknown words ("pạn" -> "bạn", "miếg" -> "miếng").
# ---------------------------------------------------------------------------------------

_VOWELS: Final = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
_FRONT: Final = "eèéẻẽẹêềếểễệiìíỉĩịyỳýỷỹỵ"  # vowels after which "k", "gh", "ngh" are written
_BACK: Final = "".join(c for c in _VOWELS if c not in _FRONT)
# A well-formed Vietnamese syllable (spelling rules for c/k/q, g/gh, ng/ngh included).
_WELL_FORMED: Final = re.compile(
    rf"(?:ngh(?=[{_FRONT}])|ng(?![{_FRONT}])|gh(?=[{_FRONT}])|gi|g(?![{_FRONT}])|"
    rf"k(?=[{_FRONT}])|c(?![{_FRONT}])|qu|nh|ch|kh|ph|th|tr|[bdđhlmnrstvx])?"
    rf"[{_VOWELS}]{{1,3}}(?:ng|nh|ch|[cmnpt])?"
)
_LETTERS_ONLY: Final = re.compile(rf"[a-zđ{_VOWELS}]+")
# Teencode spellings and the standard spelling they stand for.
_RESPELL: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"^p(?!h)", "b"),  # pạn -> bạn
        (rf"^k(?=[{_BACK}])", "c"),  # kác -> các
        (r"ck", "ch"),  # ckac -> chac
        (rf"(?<=[{_VOWELS}])g$", "ng"),  # miếg -> miếng
        (r"k$", "c"),  # tộk -> tộc
        (r"k$", "ch"),  # thík -> thích
        (r"j", "gi"),  # jờ -> giờ
        (r"j", "i"),  # xjn -> xin
        (r"^wu?", "qu"),  # wá -> quá
        (r"w", "u"),
        (r"^dz?", "v"),  # dzậy -> vậy
        (r"^z", "v"),  # zui -> vui
        (r"^z", "d"),
        (r"^z", "gi"),
        (r"^z", "r"),
        (r"^dz", "d"),
        (r"^dz", "gi"),
        (r"f", "ph"),  # fải -> phải
        (r"^q(?!u)", "qu"),  # qá -> quá
        (rf"^g(?=[{_FRONT}])", "gh"),  # gét -> ghét
        (rf"^ng(?=[{_FRONT}])", "ngh"),  # ngĩ -> nghĩ
        (r"y$", "i"),
        (r"(.)\1", r"\1"),  # xinn -> xin
    )
)


def _respell(word: str, vocab: Mapping[str, int]) -> str | None:
    """The most frequent known syllable that ``word`` is a teencode spelling of, if any.

    Only for a lowercase word that is neither known nor a well-formed Vietnamese
    syllable, and that has a Vietnamese diacritic or a "j"/"w" (so that English words
    such as "fan" or "tag" stay); up to two rewrites from :data:`_RESPELL`.
    """
    if word.isascii() and "j" not in word and "w" not in word:
        return None
    if len(word) > 8 or not _LETTERS_ONLY.fullmatch(word) or _WELL_FORMED.fullmatch(word):
        return None
    frontier = {word}
    seen = {word}
    best: tuple[int, str] | None = None
    for _ in range(2):
        nxt: set[str] = set()
        for w in frontier:
            for pattern, repl in _RESPELL:
                cand = pattern.sub(repl, w, count=1)
                if cand in seen:
                    continue
                seen.add(cand)
                nxt.add(cand)
                freq = vocab.get(cand, 0)
                if freq and (best is None or (freq, cand) > best):
                    best = (freq, cand)
        frontier = nxt
    return best[1] if best is not None else None


def squeeze_repeats(word: str) -> str:
    """Squeeze letters repeated for emphasis: "quáaaa" -> "quá", "ngonnnn" -> "ngon".

    The word is lowercased and composed (NFC) first. Runs of three or more letters with
    the same base letter (tone marks ignored) become one; runs of two only when that
    gives a known Vietnamese syllable and the word as written is not one ("nhaa" ->
    "nha"; "xoong", "good" unchanged).
    """
    if not isinstance(word, str):
        return word
    w = nfc_fast(word).lower()
    return _squeeze(w, _lexicon().syllables)


# ---------------------------------------------------------------------------------------
# Words.
# ---------------------------------------------------------------------------------------

# Short forms whose expansion depends on the sentence (pronoun agreement):
# key -> (default, {cue norm: expansion}).
_PRONOUN_CUES: Final[dict[str, tuple[str, dict[str, str]]]] = {
    "t": ("tôi", {"m": "tao", "tao": "tao", "tớ": "tớ"}),
    "c": ("cậu", {"e": "chị", "em": "chị", "chị": "chị"}),
}


# "hỏng" is southern colloquial "không" ("hỏng biết") but also "broken" ("máy bị hỏng"):
# it stays "hỏng" after these words, or before these, or at the end of a clause.
_BROKEN_BEFORE: Final[frozenset[str]] = frozenset(
    {"bị", "đã", "hư", "làm", "đồ", "máy", "hàng", "cái", "bể", "vỡ", "sắp", "dễ", "hay", "cũng"}
)
_BROKEN_AFTER: Final[frozenset[str]] = frozenset(
    {"rồi", "mất", "hết", "luôn", "hoài", "nữa", "hóc", "rùi", "r"}
)
# "m" is "mày", "s" is "sao" and "l" is vulgar, except as sizes ("size M", "ly L", "áo s").
_SIZE_LETTERS: Final[frozenset[str]] = frozenset({"s", "m", "l", "xl", "xxl", "xs"})
_CONTEXT_KEYS: Final[frozenset[str]] = frozenset({*_PRONOUN_CUES, "hỏng", *_SIZE_LETTERS})
_SIZE_WORDS: Final[frozenset[str]] = frozenset(
    {"size", "sz", "cỡ", "áo", "quần", "sai", "ly", "li", "cốc", "ký", "co"}
)


def _resolve_hong(keys: list[str], norms: list[str], ends: list[bool]) -> None:
    """Keep "hỏng" (broken) where the context says so; elsewhere it reads "không"."""
    last = len(keys) - 1
    for i, key in enumerate(keys):
        if key != "hỏng":
            continue
        before = keys[i - 1] if i else ""
        after = keys[i + 1] if i < last else ""
        if before in _BROKEN_BEFORE or after in _BROKEN_AFTER or i == last or ends[i]:
            norms[i] = "hỏng"


def _resolve_sizes(keys: list[str], norms: list[str]) -> None:
    """Keep a size letter ("m", "l", "s", "xl" …) as itself after "size", "sz", "áo",
    "ly" …, or after another size letter ("size M hay L")."""
    for i, key in enumerate(keys):
        if (
            key in _SIZE_LETTERS
            and i
            and (
                keys[i - 1] in _SIZE_WORDS
                or (
                    i > 1
                    and keys[i - 1] in {"hay", "hoặc", "với", "và", "or"}
                    and keys[i - 2] in _SIZE_LETTERS
                )
            )
        ):
            norms[i] = key


_WORD_CACHE_MAX: Final = 100_000
_word_cache_main: dict[str, tuple[str, str]] = {}
_word_cache_feat: dict[str, tuple[str, str]] = {}


def _lower(raw: str) -> str:
    """Lowercase compatibility-composed form of a word (NFKC: "𝐁𝐁𝐂" -> "bbc")."""
    if raw.isascii():
        return raw.lower()
    out = unicodedata.normalize("NFKC", raw).lower()
    if " " in out or not out.strip():  # a compatibility form with spaces (Arabic ligatures)
        out = "".join(out.split()) or raw.lower()
    return out


def _word_lookup(raw: str, features: bool) -> tuple[str, str]:
    """(key, expansion) of a word: key = lowercase NFC squeezed; expansion as stored."""
    cache = _word_cache_feat if features else _word_cache_main
    hit = cache.get(raw)
    if hit is not None:
        return hit
    lex = _lexicon()
    table = lex.features if features else lex.main
    lowered = _lower(raw)
    tgt = table.get(lowered)
    key = lowered
    if tgt is None:
        key = _squeeze(lowered, lex.syllables)
        tgt = table.get(key)
        if tgt is None:
            tgt = key
            if key not in lex.syllables:
                respelled = _respell(key, lex.syllables)
                if respelled is not None:
                    tgt = table.get(respelled, respelled)
    result = (key, tgt)
    if len(cache) >= _WORD_CACHE_MAX:
        cache.clear()
    cache[raw] = result
    return result


def _apply_case(raw: str, tgt: str) -> str:
    """Give ``tgt`` the case pattern of ``raw`` (see the module docstring)."""
    if raw.islower() or not any(c.isupper() for c in raw):
        return tgt
    if raw.isupper() and len(raw) >= 2:
        return tgt.upper() if " " not in tgt else tgt
    if raw[0].isupper():
        return tgt[:1].upper() + tgt[1:]
    return tgt


def _resolve_pronouns(keys: list[str], norms: list[str]) -> None:
    """Resolve the sentence-dependent short forms in place.

    ``keys`` are the words as written (lowercase, repeats squeezed), ``norms`` their
    expansions. "t" is "tôi", but "tao" when the text also says "m" or "tao" and "tớ"
    next to "tớ"; "c" is "cậu", but "chị" next to "e", "em" or "chị". (Cues and choices
    from ViLexNorm train: "t" with "m" in the sentence was "tao" 130 times, "tôi" 13.)
    """
    present = set(keys)
    for i, key in enumerate(keys):
        rule = _PRONOUN_CUES.get(key)
        if rule is None or norms[i] != rule[0]:
            continue
        for cue, expansion in rule[1].items():
            if cue in present and cue != key:
                norms[i] = expansion
                break


# ---------------------------------------------------------------------------------------
# Chunks: the text between two runs of whitespace, tokenized and normalised once and
# cached. Tokens never cross whitespace except where _CROSS_SPACE matches.
# ---------------------------------------------------------------------------------------

# (kind, start, end, norm, key); key: the word lowercase with repeats squeezed, or "".
_Entry = tuple[str, int, int, str, str]

_NONSPACE: Final = re.compile(r"\S+")
# A chunk of letters, maybe followed by one run of sentence punctuation, is a word and a
# punct token exactly as _scan would cut it ("đẹp", "quá!!!", "ạ.") -- unless it is the
# emoticon "xD".
_WORD_PUNCT: Final = re.compile(
    rf"(?![xX]D+(?![^\W\d_]))((?:[^\W\d_]|[{_MARKS}])+)"
    r"(?:\.{2,}|…+|[!?]{2,}|([.,!?;])\2*)?"
)
_CHUNK_CACHE_MAX: Final = 100_000
# chunk -> (entries, contextual); one cache per lexicon tier
_chunks_feat: dict[str, tuple[tuple[_Entry, ...], bool]] = {}
_chunks_main: dict[str, tuple[tuple[_Entry, ...], bool]] = {}
# chunk -> its normalised words (feature tier), for the fast path of normalise_words
_chunk_words: dict[str, tuple[str, ...]] = {}
_chunk_words_getitem = _chunk_words.__getitem__  # the dict is only ever cleared, never replaced
# chunks that hold a short form needing the sentence (pronouns, a lone "0")
_contextual_chunks: set[str] = set()
_cache_generation: list[int] = [0]  # bumped whenever the caches are emptied


def _is_contextual(entry: _Entry, raw: str) -> bool:
    return entry[4] in _CONTEXT_KEYS or (entry[0] == "number" and raw == "0")


def _make_entries(
    text: str, spans: Iterable[tuple[str, int, int]], features: bool
) -> tuple[list[_Entry], bool]:
    entries: list[_Entry] = []
    contextual = False
    for kind, start, end in spans:
        raw = text[start:end]
        if kind == "word":
            key, tgt = _word_lookup(raw, features)
            entry = (kind, start, end, tgt.lower(), key)
        else:
            entry = (kind, start, end, _special_norm(kind, raw), "")
        contextual = contextual or _is_contextual(entry, raw)
        entries.append(entry)
    return entries, contextual


def _words_of(entries: Iterable[_Entry]) -> tuple[str, ...]:
    return tuple(w for e in entries for w in e[3].split(" "))


def _clear_caches() -> None:
    _cache_generation[0] += 1
    _chunks_feat.clear()
    _chunks_main.clear()
    _chunk_words.clear()
    _contextual_chunks.clear()
    _word_cache_feat.clear()
    _word_cache_main.clear()


def _chunk(chunk: str, features: bool) -> tuple[tuple[_Entry, ...], bool]:
    """Entries of one whitespace-free chunk (offsets relative to it), cached."""
    cache = _chunks_feat if features else _chunks_main
    hit = cache.get(chunk)
    if hit is not None:
        return hit
    m = _WORD_PUNCT.fullmatch(chunk)
    if m is not None:  # the common case, without the full scanner: "đẹp", "quá!!!"
        end = m.end(1)
        key, tgt = _word_lookup(m.group(1), features)
        norm = tgt.lower()
        words = tuple(norm.split(" ")) if " " in norm else (norm,)
        if end < len(chunk):
            punct = _punct_norm(chunk[end:])
            entries: tuple[_Entry, ...] = (
                ("word", 0, end, norm, key),
                ("punct", end, len(chunk), punct, ""),
            )
            words += (punct,)
        else:
            entries = (("word", 0, end, norm, key),)
        contextual = key in _CONTEXT_KEYS
    else:
        entry_list, contextual = _make_entries(chunk, _scan(chunk), features)
        entries = tuple(entry_list)
        words = _words_of(entries)
    result = (entries, contextual)
    if len(cache) >= _CHUNK_CACHE_MAX or len(_chunk_words) >= _CHUNK_CACHE_MAX:
        _clear_caches()
    cache[chunk] = result
    if features:
        _chunk_words[chunk] = words
        if contextual:
            _contextual_chunks.add(chunk)
    return result


def _context_pass(text: str, entries: list[_Entry]) -> None:
    """The rules that look beyond one token, applied in place.

    * pronoun agreement for "t" and "c" (:func:`_resolve_pronouns`);
    * "hỏng" as "broken" or as colloquial "không" (:func:`_resolve_hong`);
    * a lone "0" between words is the teencode for "không" ("t 0 biết"): it becomes a
      word when the token after it is a word and the one before it is not a number.
    """
    word_idx = [i for i, e in enumerate(entries) if e[0] == "word"]
    keys = [entries[i][4] for i in word_idx]
    norms = [entries[i][3] for i in word_idx]
    _resolve_pronouns(keys, norms)
    ends = [i + 1 < len(entries) and entries[i + 1][0] == "punct" for i in word_idx]
    _resolve_hong(keys, norms, ends)
    _resolve_sizes(keys, norms)
    for k, i in enumerate(word_idx):
        e = entries[i]
        if norms[k] != e[3]:
            entries[i] = (e[0], e[1], e[2], norms[k], e[4])
    last = len(entries) - 1
    for i, e in enumerate(entries):
        if (
            e[0] == "number"
            and text[e[1] : e[2]] == "0"
            and i < last
            and entries[i + 1][0] == "word"
            and (i == 0 or entries[i - 1][0] != "number")
        ):
            entries[i] = ("word", e[1], e[2], "không", "0")


def _entries(text: str, features: bool) -> list[_Entry]:
    """All tokens of ``text`` as entries with offsets into ``text``."""
    if _CROSS_SPACE.search(text) is not None:
        entries, contextual = _make_entries(text, _scan(text), features)
    else:
        entries = []
        contextual = False
        for m in _NONSPACE.finditer(text):
            chunk_entries, chunk_contextual = _chunk(m.group(), features)
            offset = m.start()
            if offset:
                entries.extend((k, a + offset, b + offset, n, w) for k, a, b, n, w in chunk_entries)
            else:
                entries.extend(chunk_entries)
            contextual = contextual or chunk_contextual
    if contextual:
        _context_pass(text, entries)
    return entries


def _entries_full_scan(text: str, features: bool) -> list[_Entry]:
    """Like :func:`_entries`, scanning the whole text at once (reference for tests)."""
    entries, contextual = _make_entries(text, _scan(text), features)
    if contextual:
        _context_pass(text, entries)
    return entries


# ---------------------------------------------------------------------------------------
# Public functions.
# ---------------------------------------------------------------------------------------


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` with their normalised forms, kinds and character offsets.

    Never raises on a ``str``; anything else gives ``[]``. ``text[t.start:t.end] ==
    t.raw`` for every token; tokens are in order and do not overlap.
    """
    if not isinstance(text, str) or not text:
        return []
    return [Token(n, text[a:b], a, b, k) for k, a, b, n, _ in _entries(text, True)]


def normalise_words(text: str) -> list[str]:
    """The normalised words of ``text``, in order; multi-word expansions split.

    Equal to ``[w for t in tokenize(text) for w in t.norm.split(" ")]``, but much faster:
    the text is cut at whitespace and each chunk's words are cached.
    """
    if not isinstance(text, str) or not text:
        return []
    if _CROSS_SPACE.search(text) is None:
        chunks = text.split()
        try:
            out = list(chain.from_iterable(map(_chunk_words_getitem, chunks)))
            contextual = not _contextual_chunks.isdisjoint(chunks)
        except KeyError:  # some chunks not seen yet: tokenize them, then as above
            generation = _cache_generation[0]
            for c in set(chunks).difference(_chunk_words):
                _chunk(c, True)
            if generation != _cache_generation[0]:  # the caches were emptied meanwhile
                return [w for e in _entries(text, True) for w in e[3].split(" ")]
            out = list(chain.from_iterable(map(_chunk_words_getitem, chunks)))
            contextual = not _contextual_chunks.isdisjoint(chunks)
        if not contextual:
            return out
    return [w for e in _entries(text, True) for w in e[3].split(" ")]


# "5 tr" is written out as "5 triệu" by the ViLexNorm annotators; "5tr" stays.
_SPACED_TR: Final = re.compile(r"\d (tr)$", re.IGNORECASE)


def normalise_text(text: str) -> str:
    """ViLexNorm-style normalisation of ``text``.

    Non-standard words are replaced by their standard form ("ko bít" -> "không biết",
    "đẹpppp" -> "đẹp", "K" -> "Không"); the case pattern of each replaced word is kept,
    and every other character (punctuation, emoticons, emoji, URLs, numbers, spacing) is
    left exactly as in the input. Uses the main lexicon only (loan abbreviations such as
    "ib" or "cmt" stay).
    """
    if not isinstance(text, str):
        return ""
    if not text:
        return text
    parts: list[str] = []
    pos = 0
    for kind, start, end, norm, _ in _entries(text, False):
        raw = text[start:end]
        if kind == "number":
            m = _SPACED_TR.search(raw)
            if m is None:
                continue
            replacement = raw[: m.start(1)] + "triệu"
        elif kind != "word" or norm == nfc_fast(raw).lower():
            continue
        else:
            _, stored = _word_lookup(raw, False)
            replacement = _apply_case(raw, stored if stored.lower() == norm else norm)
        parts.append(text[pos:start])
        parts.append(replacement)
        pos = end
    if not parts:
        return text
    parts.append(text[pos:])
    return "".join(parts)


_FOLD_CACHE_MAX: Final = 100_000
_fold_cache: dict[str, str] = {}


def fold_words(words: list[str]) -> list[str]:
    """Diacritic-folded form of each word ("được" -> "duoc", "đẹp" -> "dep"), cached."""
    get = _fold_cache.get
    out: list[str] = []
    for w in words:
        f = get(w)
        if f is None:
            f = fold(w)
            if len(_fold_cache) >= _FOLD_CACHE_MAX:
                _fold_cache.clear()
            _fold_cache[w] = f
        out.append(f)
    return out
