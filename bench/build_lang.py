"""Build the language-identification tables used by ``tinhieu.nlp.lang``.

Writes ``src/tinhieu/nlp/data/lang_model.json`` (word frequencies and character-trigram
counts for three classes: Vietnamese, English, other Latin-script languages) and the
held-out evaluation fixtures ``tests/nlp/data/lang_ui_*.txt``.

Sources (all offline; nothing is downloaded):

* Vietnamese: the ``train`` splits of UIT-VSFC, UIT-ViHSD, UIT-VSMEC, ViSpamReviews,
  UIT-ViSFD, AIVIVN 2019 and VLSP 2018 (hotel, restaurant) under ``shared/data``.
  Only rows in which at least 20 % of the words carry a Vietnamese diacritic are
  counted (this drops the English spam and keyboard mash those sets contain). Words
  are lower-cased and diacritic-folded: the model scores unaccented text, and accents
  are handled by rules at run time. No dev or test split is read.
* English: the Debian manual pages installed on this machine (``/usr/share/man/man*``),
  the Vim help files, the English ``msgid`` strings of the gettext catalogues in the
  *training* half of ``/usr/share/locale`` (split by catalogue name), and a hand-written
  list of conversational and e-commerce words (``_EN_SOCIAL`` below). Python's
  ``pydoc_data.topics`` is **not** used: it is the held-out English evaluation set.
* Other: the translated manual pages and the ``msgstr`` strings of the training-half
  catalogues for 26 Latin-script languages (French, German, Spanish, Italian,
  Portuguese, Dutch, Indonesian, Malay, Nordic, Central European, Baltic,
  Turkish, Catalan, Galician, Basque). Each language gets the same weight.

The other half of the gettext catalogues (by a CRC32 of the catalogue name) is written
out as evaluation fixtures: English ``msgid`` strings, their Vietnamese translations
and the other-language translations, each split into ``dev`` and ``test`` by a CRC32 of
the English string.

Run: ``.venv/bin/python bench/build_lang.py`` (about a minute). Re-running it on the
same Debian image gives the same files.
"""

from __future__ import annotations

import gettext
import glob
import gzip
import json
import os
import re
import sys
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
OUT_MODEL = ROOT / "src" / "tinhieu" / "nlp" / "data" / "lang_model.json"
OUT_FIXTURES = ROOT / "tests" / "nlp" / "data"

sys.path.insert(0, str(ROOT / "src"))
from tinhieu.nlp.lang import (  # noqa: E402
    _clean,
    _fold_word,
    _squeeze,
    _words_of,
    is_vietnamese_syllable,
)

VI_SETS = {
    "uit_vsfc": ["train"],
    "uit_vihsd": ["train"],
    "uit_vsmec": ["train"],
    "vispamreviews": ["train"],
    "uit_visfd": ["train"],
    "aivivn_2019_sentiment": ["train"],
    "vlsp2018_absa_hotel": ["train"],
    "vlsp2018_absa_restaurant": ["train"],
}

OTHER_LANGS = {
    # language -> (locale folders, man-page folders)
    "fr": (["fr"], ["fr"]),
    "de": (["de"], ["de"]),
    "es": (["es"], ["es"]),
    "it": (["it"], ["it"]),
    "pt": (["pt", "pt_BR"], ["pt", "pt_BR"]),
    "nl": (["nl"], ["nl"]),
    "id": (["id"], ["id"]),
    "ms": (["ms"], []),
    "sv": (["sv"], ["sv"]),
    "da": (["da"], ["da"]),
    "nb": (["nb", "no"], []),
    "fi": (["fi"], ["fi"]),
    "et": (["et"], []),
    "pl": (["pl"], ["pl"]),
    "cs": (["cs"], ["cs"]),
    "sk": (["sk"], []),
    "sl": (["sl"], ["sl"]),
    "hr": (["hr"], ["hr"]),
    "hu": (["hu"], ["hu"]),
    "ro": (["ro"], ["ro"]),
    "tr": (["tr"], ["tr"]),
    "lt": (["lt"], []),
    "lv": (["lv"], []),
    "ca": (["ca"], []),
    "gl": (["gl"], []),
    "eu": (["eu"], []),
}
# Languages whose held-out translations become the "other" evaluation fixture.
OTHER_EVAL = ["fr", "de", "es", "it", "pt", "nl", "id", "ms", "sv", "pl", "tr", "ro"]
# Non-Latin scripts for the same fixture (script detection, no model involved).
SCRIPT_EVAL = ["zh_CN", "ja", "ko", "ru", "uk", "th", "el", "he", "hi", "ar", "ka", "km"]

# Conversational, e-commerce and social-media English the manual pages lack. Each gets
# at least the frequency of the 400th commonest corpus word.
_EN_SOCIAL_TEXT = """
a about above absolutely actually add after again against ago agree all almost alone along
already alright also although always am amazing an and angry annoying another answer any
anybody anymore anyone anything anyway apartment app appreciate are area arrived arrive
around as ask asked at awesome away awful baby back bad bag bar battery be beautiful
beauty became because bed been beer before begin behind being believe best better between
big bigger bit black blue body book bored boring both bottle bought box boy boyfriend brand
break breakfast bring broke broken brother brought brown buy buying by bye call called came
camera can can't cannot car card care careful cash cat caught cause cheap check cheers
child children chill choose city class clean clear clearly close clothes coffee cold color
colour come comes comfortable coming comment company complain complaint completely cool
cost could couldn't country couple course crazy cream cry customer cute cut damn dark
date daughter day days dead deal dear definitely delicious delivered delivery did didn't
die different dinner dirty disappointed disappointing do does doesn't dog doing don't done
door down dress drink drive driver drop dude during each early easy eat eating else
email end enjoy enjoyed enough entire even evening ever every everybody everyone
everything exactly excellent except excited expensive experience explain eye eyes face
fact fake fall family fan fantastic far fast father favorite favourite feel feeling
fell felt few fine finally find first fit fix fixed flight food for forget forgot found
free fresh friend friendly friends from front fun funny game gave get gets getting gift
girl girlfriend give given glad go god goes going gone gonna good goodbye got gotta great
green guess guy guys hair half hand happen happened happy hard has hasn't hate have haven't
having he he's head health hear heard heart hello help her here hey hi him his hit hold
holiday home honest honestly hope horrible hot hotel hour hours house how however huge
hungry hurt husband i i'd i'll i'm i've idea if ill im important in inside instead
interesting into is isn't issue it it's item items its job just keep kept kid kids kill
kind kinda knew know known lady large last late later laugh learn least leave left less
let let's lie life like liked lol long look looked looking looks lost lot lots love loved
lovely low luck lunch mad made make makes making man many market matter may maybe me mean
meet meeting men message met might mind mine minute minutes miss missing mom money month
more morning most mother movie much mum music must my myself name near need needed needs
neither never new news next nice night no nobody noise none nope nor not nothing now
number of off office often oh ok okay old omg on once one only open or order ordered
other our out outside over own package packaging paid pain parents party pay people
perfect perhaps person phone photo pic picture pictures piece place plan play please
pls plus point police poor post pretty price probably problem problems product products
promise proud purchase put quality question quick quickly quite rather read ready real
really reason receive received recommend recommended red refund remember reply return
review rich ride right room rude run sad safe said same save saw say saying says school
screen see seem seems seen seller sell send sent service set several shall she she's ship
shipped shipping shirt shit shoe shoes shop shopping short should shouldn't show shut sick
side simple since sir sister size sleep slow small smell smile so some somebody someone
something sometimes son song soon sorry sound sounds speak special spend star stars start
stay still stop store story strong stuff stupid such suck sucks summer super support
supposed sure surprise sweet table take taken talk taste tasty tea team tell terrible
than thank thanks that that's the their them then there there's these they they're thing
things think thinking this those though thought through till time tired to today together
told tomorrow tonight too took top totally touch town tried trip true trust try trying
turn twice ugly under understand unfortunately until up upset us use used useful using
usually very video view visit wait waiting wake walk want wanted wants war warm was
wasn't waste watch water way we we're wear weather website week weekend weird welcome
well went were weren't what what's whatever when where which while white who whole why
wife will win window wish with within without woman women won't wonder wonderful word
words work worked working works world worried worry worse worst worth would wouldn't
wow write wrong yeah year years yellow yes yesterday yet you you'll you're your yours
yourself yummy haha hahaha hehe lol lmao rofl omg wow yay yeah yep yup nah hmm ugh oops btw
thx pls plz u ur im dont cant wont didnt doesnt isnt gonna wanna gotta ya bro sis dude xoxo
monday tuesday wednesday thursday friday saturday sunday january february march april june
july august september october november december christmas valentine halloween easter
birthday vietnam vietnamese america american usa uk england english china chinese japan
japanese korea korean thailand canada australia france germany europe asia london paris
tokyo seoul singapore
"""
_EN_SOCIAL = _EN_SOCIAL_TEXT.split()
# The commonest words of conversation, rare in manual pages ("me", "love", "too"): at
# least the frequency of the 60th commonest corpus word.
_EN_CORE_TEXT = """
i you me my we our he she his her they them it is am are was were be been do does did
don't can't i'm it's you're that's not no yes yeah ok okay so too very really just this
that what who how why when where there here all some any more much good great nice bad
love like thanks thank please sorry hi hello hey oh wow lol haha know think want need
get got go going come make take see look say tell feel have has had will would can could
should one day time people thing way well also only even now then than but and or if
because about with from for of in on at to by up out
"""
_EN_CORE = _EN_CORE_TEXT.split()

_ROFF_ESC = re.compile(
    r"\\(?:f(?:\[[^\]]*\]|\(..|.)|\(..|\[[^\]]*\]|\*(?:\(..|\[[^\]]*\]|.)|s[-+]?\d+|[-&e|^~0:%c])"
)
_ROFF_MACRO_TEXT = re.compile(r"^\.(?:B|I|BR|RB|BI|IB|IR|RI|SH|SS|TP|IP|Nm|Nd|Sh|Ss|It|Pp)?\s*")
_FMT = re.compile(  # printf and brace placeholders, shell variables, markup, entities
    r"%(?:\d+\$)?[-#0 +']*\d*(?:\.\d+)?(?:hh|h|ll|l|L|z|j|t|I64)?[a-zA-Z%]"
    r"|\{[^}]*\}|\$\{?\w+\}?|<[^>]*>|&\w+;"
)


_DOCSTRING = re.compile(r'"""(.*?)"""', re.S)
_COMMENT = re.compile(r"#\s+([A-Za-z][^\n]*)")


def _words(text: str) -> list[str]:
    """Scorable words of ``text``: the same cleaning and tokenising as the detector."""
    return [_squeeze(w) for token in _clean(text).split() for w in _words_of(token)]


def _man_text(path: str) -> str:
    """Plain text of a roff manual page (rough: enough for word frequencies)."""
    try:
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
            raw = fh.read()
    except (OSError, EOFError, UnicodeDecodeError):
        return ""
    lines: list[str] = []
    for line in raw.splitlines():
        if line.startswith(("'", '.\\"', "'\\\"")) or line.startswith(".\\"):
            continue
        if line.startswith("."):
            macro = line.split(None, 1)[0]
            if macro not in {
                ".B",
                ".I",
                ".BR",
                ".RB",
                ".BI",
                ".IB",
                ".IR",
                ".RI",
                ".SH",
                ".SS",
                ".Nd",
                ".It",
                ".Sh",
            }:
                continue
            line = _ROFF_MACRO_TEXT.sub("", line)
        line = _ROFF_ESC.sub(" ", line)
        # Drop command-line options, paths and identifiers: they are not language.
        line = re.sub(r"(?<!\w)[-/~$][\w./=-]*|\w+[_./]\w[\w./]*", " ", line)
        lines.append(line)
    return "\n".join(lines)


def _catalogues(locale: str) -> Iterator[tuple[str, dict[str, str]]]:
    for path in sorted(glob.glob(f"/usr/share/locale/{locale}/LC_MESSAGES/*.mo")):
        name = os.path.basename(path)[:-3]
        if name.startswith("iso_"):
            continue  # country and language names, not sentences
        try:
            with open(path, "rb") as fh:
                cat = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        pairs = {}
        for key, value in cat.items():
            if isinstance(key, tuple):
                key = key[0]
            if key and isinstance(key, str) and isinstance(value, str):
                pairs[key] = value
        yield name, pairs


def _held_out(catalogue: str) -> bool:
    """Half of the gettext catalogues are kept out of training for evaluation."""
    return zlib.crc32(catalogue.encode()) % 2 == 0


def _ui_sentence(text: str) -> str | None:
    """A gettext string cleaned for use as an evaluation sentence, or None."""
    text = _FMT.sub(" ", text).replace("_", "").replace("&", "")
    text = re.sub(r"\s+", " ", text).strip()
    words = re.findall(r"[^\W\d_]{2,}", text)
    if len(words) < 4 or len(text) > 300:
        return None
    return text


def _split(key: str) -> str:
    return "dev" if zlib.crc32(key.encode()) % 2 == 0 else "test"


def vietnamese_counts() -> Counter[str]:
    marked = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")
    counts: Counter[str] = Counter()
    rows = used = 0
    for name, splits in VI_SETS.items():
        for split in splits:
            path = DATA / name / f"{split}.jsonl"
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    rows += 1
                    words = _words(json.loads(line)["text"])
                    if not words:
                        continue
                    n_marked = sum(1 for w in words if marked.search(w))
                    if n_marked < 0.2 * len(words):
                        continue
                    used += 1
                    counts.update(_fold_word(w) for w in words)
    print(f"vi: {used}/{rows} rows used, {sum(counts.values())} words, {len(counts)} types")
    return counts


def english_counts() -> Counter[str]:
    counts: Counter[str] = Counter()
    # The ~16,000 generated Google Cloud SDK pages would drown everything else.
    pages = sorted(glob.glob("/usr/share/man/man[1-8]/*.gz"))
    for path in pages:
        if not os.path.basename(path).startswith("gcloud"):
            counts.update(w for w in _words(_man_text(path)) if w.isascii())
    # Docstrings and comments of the installed Python libraries (not the standard
    # library, whose pydoc topics are the held-out English test set).
    site = sorted(glob.glob(str(ROOT / ".venv" / "lib" / "python3*" / "site-packages")))
    for folder in site:
        for path in sorted(glob.glob(f"{folder}/**/*.py", recursive=True)):
            text = Path(path).read_text(encoding="utf-8", errors="replace")
            prose = " ".join(_DOCSTRING.findall(text)) + " " + " ".join(_COMMENT.findall(text))
            prose = re.sub(r"``[^`]*``|`[^`]*`|:\w+:|>>>.*", " ", prose)
            prose = re.sub(r"(?<!\w)[-/~$][\w./=-]*|\w+[_./]\w[\w./]*", " ", prose)
            counts.update(w for w in _words(prose) if w.isascii())
    for path in sorted(glob.glob("/usr/share/vim/vim*/doc/*.txt")):
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        text = re.sub(r"\*[^*\s]+\*|\|[^|\s]+\||'[a-z]+'|<[^>]+>|`[^`]*`", " ", text)
        text = re.sub(r"(?<!\w)[-:/~$][\w./=-]*|\w+[_./]\w[\w./]*", " ", text)
        counts.update(w for w in _words(text) if w.isascii())
    seen: set[str] = set()
    for locale in ("fr", "de", "es"):
        for name, pairs in _catalogues(locale):
            if _held_out(name) or name in seen:
                continue
            seen.add(name)
            for key in pairs:
                counts.update(w for w in _words(_FMT.sub(" ", key)) if w.isascii())
    # Single letters other than "a" and "i" are option names and variables here.
    for letter in "bcdefghjklmnopqrstuvwxyz":
        counts.pop(letter, None)
    ranked = sorted(counts.values(), reverse=True)
    for words, floor in ((_EN_SOCIAL, ranked[400]), (_EN_CORE, ranked[60])):
        for word in words:
            for w in _words(word):
                counts[w] = max(counts[w], floor)
    print(f"en: {sum(counts.values())} words, {len(counts)} types")
    return counts


def other_counts(english: Counter[str]) -> dict[str, Counter[str]]:
    en_total = sum(english.values())
    result: dict[str, Counter[str]] = {}
    for lang, (locales, mans) in OTHER_LANGS.items():
        counts: Counter[str] = Counter()
        for folder in mans:
            for path in sorted(glob.glob(f"/usr/share/man/{folder}/man*/*.gz")):
                counts.update(_words(_man_text(path)))
        for locale in locales:
            for name, pairs in _catalogues(locale):
                if _held_out(name):
                    continue
                for value in pairs.values():
                    counts.update(_words(_FMT.sub(" ", value)))
        total = sum(counts.values())
        if not total:
            continue
        # Untranslated English inside translated pages: drop words that are far more
        # frequent in English than in this language.
        for word in list(counts):
            if english[word] / en_total > 3 * counts[word] / total:
                del counts[word]
        result[lang] = counts
        print(f"{lang}: {sum(counts.values())} words, {len(counts)} types")
    return result


def char_counts(types: Iterable[tuple[str, float]]) -> dict[str, float]:
    """Character 1-, 2- and 3-gram counts over word types (``^`` and ``$`` mark edges)."""
    grams: dict[str, float] = defaultdict(float)
    for word, weight in types:
        padded = f"^^{word}$"
        for i in range(2, len(padded)):
            grams[padded[i]] += weight
            grams[padded[i - 1 : i + 1]] += weight
            grams[padded[i - 2 : i + 1]] += weight
    return dict(grams)


def _prune(grams: dict[str, float], min_count: float) -> dict[str, int]:
    return {g: round(c) for g, c in grams.items() if c >= min_count or len(g) == 1}


def build() -> dict[str, object]:
    vi = vietnamese_counts()
    en = english_counts()
    others = other_counts(en)

    model: dict[str, object] = {
        "version": 1,
        "built_by": "bench/build_lang.py",
        "sources": {
            "vi": "word counts from the train splits of UIT-VSFC, UIT-ViHSD, UIT-VSMEC, "
            "ViSpamReviews (CC BY-NC 4.0), UIT-ViSFD, AIVIVN 2019 and VLSP 2018 ABSA; "
            "published for research purposes - see shared/data/*/SOURCE.md",
            "en": "Debian manual pages, Vim help, Python library docstrings, gettext "
            "msgids (training half), a hand-written list of conversational words",
            "other": "translated Debian manual pages and gettext catalogues (training "
            "half) in 26 Latin-script languages",
        },
        "classes": {},
    }
    classes: dict[str, object] = {}

    # Vietnamese: syllables seen at least twice; other words (teencode, loans, names)
    # only when common. The character model learns from syllables only.
    vi_lex = {
        w: c
        for w, c in vi.items()
        if len(w) <= 20 and (c >= 20 or (c >= 2 and is_vietnamese_syllable(w)))
    }
    vi_types = [(w, 1.0) for w in vi if is_vietnamese_syllable(w)]
    vi_total = sum(vi.values())
    vi_lex = dict(sorted(vi_lex.items(), key=lambda kv: -kv[1])[:12000])
    classes["vi"] = {
        "total": vi_total,
        "oov": (vi_total - sum(vi_lex.values())) / vi_total,
        "lex": vi_lex,
        "chars": _prune(char_counts(vi_types), 3),
    }

    en_lex = {w: c for w, c in en.items() if c >= 3 and len(w) <= 20}
    en_total = sum(en.values())
    en_top = dict(sorted(en_lex.items(), key=lambda kv: -kv[1])[:20000])
    classes["en"] = {
        "total": en_total,
        "oov": 0.05,  # social English is far less predictable than manual pages
        "lex": en_top,
        "chars": _prune(char_counts((w, 1.0) for w, c in en.items() if c >= 2), 3),
    }

    # Other: equal-weight mixture of the languages, as pseudo-counts per million words.
    pooled: dict[str, float] = defaultdict(float)
    type_weights: dict[str, float] = defaultdict(float)
    for counts in others.values():
        total = sum(counts.values())
        for word, c in counts.items():
            pooled[word] += c / total
        n_types = sum(1 for c in counts.values() if c >= 2)
        for word, c in counts.items():
            if c >= 2:
                type_weights[word] += 1000.0 / n_types
    k = len(others)
    scale = 1_000_000 / k
    other_lex = {w: round(p * scale) for w, p in pooled.items() if p * scale >= 5}
    other_top = dict(sorted(other_lex.items(), key=lambda kv: -kv[1])[:30000])
    classes["other"] = {
        "total": 1_000_000,
        "oov": 0.05,
        "lex": other_top,
        "chars": _prune(char_counts(type_weights.items()), 3),
        "languages": sorted(others),
    }
    model["classes"] = classes
    return model


def _check_syllables(vi: dict[str, int]) -> None:
    total = sum(vi.values())
    bad = sum(c for w, c in vi.items() if not is_vietnamese_syllable(w))
    print(f"vi lexicon mass that is not a valid syllable: {bad / total:.2%}")


def fixtures() -> None:
    """Held-out gettext strings: English msgids, Vietnamese and other translations."""
    OUT_FIXTURES.mkdir(parents=True, exist_ok=True)
    english: dict[str, str] = {}
    per_lang: dict[str, list[tuple[str, str]]] = {}
    for locale in ["vi", *OTHER_EVAL, *SCRIPT_EVAL]:
        rows: dict[str, str] = {}
        for name, pairs in _catalogues(locale):
            if not _held_out(name):
                continue
            for key, value in pairs.items():
                src = _ui_sentence(key)
                dst = _ui_sentence(value) if locale not in SCRIPT_EVAL else value.strip()
                if src is None or not dst or dst == key:
                    continue
                english.setdefault(src, key)
                rows.setdefault(dst, src)
        chosen = sorted(rows.items(), key=lambda kv: zlib.crc32(kv[0].encode()))
        per_lang[locale] = [(_split(src), dst) for dst, src in chosen[:600]]
    header = "# Held-out gettext strings (see bench/build_lang.py). Columns: split, lang, text.\n"
    with (OUT_FIXTURES / "lang_ui_en.txt").open("w", encoding="utf-8") as fh:
        fh.write(header)
        chosen_en = sorted(english, key=lambda s: zlib.crc32(s.encode()))[:1500]
        for text in chosen_en:
            fh.write(f"{_split(text)}\ten\t{_oneline(text)}\n")
    with (OUT_FIXTURES / "lang_ui_vi.txt").open("w", encoding="utf-8") as fh:
        fh.write(header)
        for split, text in per_lang["vi"]:
            fh.write(f"{split}\tvi\t{_oneline(text)}\n")
    with (OUT_FIXTURES / "lang_ui_other.txt").open("w", encoding="utf-8") as fh:
        fh.write(header)
        for locale in [*OTHER_EVAL, *SCRIPT_EVAL]:
            n = 100 if locale in OTHER_EVAL else 20
            for split, text in per_lang[locale][:n]:
                fh.write(f"{split}\t{locale}\t{_oneline(text)}\n")


def _oneline(text: str) -> str:
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text)).strip()


def main() -> None:
    model = build()
    classes = model["classes"]
    assert isinstance(classes, dict)
    _check_syllables(classes["vi"]["lex"])
    OUT_MODEL.parent.mkdir(parents=True, exist_ok=True)
    with OUT_MODEL.open("w", encoding="utf-8") as fh:
        json.dump(model, fh, ensure_ascii=False, separators=(",", ":"))
    print(f"wrote {OUT_MODEL} ({OUT_MODEL.stat().st_size / 1e6:.2f} MB)")
    for name, cls in classes.items():
        print(f"  {name}: {len(cls['lex'])} words, {len(cls['chars'])} char n-grams")
    fixtures()
    print(f"wrote fixtures under {OUT_FIXTURES}")


if __name__ == "__main__":
    main()
