"""Build the teencode lexicon and syllable list shipped in ``src/tinhieu/nlp/data/``.

Usage::

    .venv/bin/python bench/build_teencode.py [--data ../shared/data]   # write the files
    .venv/bin/python bench/build_teencode.py --tune                    # thresholds on dev

Deterministic: the same data give byte-identical files. Writes

* ``teencode.tsv`` -- ``src<TAB>tgt`` pairs used everywhere (``normalise_text`` included);
* ``teencode_features.tsv`` -- extra pairs used only for model features
  (``tokenize``/``normalise_words``): loan abbreviations that the ViLexNorm annotation
  keeps as they are ("ib", "cmt", "oke") but that a model should see as one word;
* ``syllables.txt`` -- ``syllable<TAB>count``: Vietnamese syllables known to be standard,
  with their frequency in the ViLexNorm train gold sentences (for repeated letters and
  for respelling unknown words).

Sources, in order of precedence:

1. pairs learnt from ViLexNorm **train** (CC BY-NC-SA 4.0): each source word is aligned
   to the gold sentence (``eval_lexnorm.per_source``); a pair src -> tgt is kept when
   it was seen ``MIN_COUNT`` times or more, it is the most frequent normalisation of src,
   it is more frequent than leaving src unchanged, and its share of all occurrences of
   src is at least ``MIN_PRECISION``. The two thresholds were chosen on ViLexNorm
   **dev** (``--tune``); test is never read here;
2. hand-written pairs (``HAND_MAIN``) of common social and e-commerce abbreviations;
   one replaces a learnt pair seen fewer than ``HAND_YIELDS_TO`` times ("sp" was
   "sản phẩm" twice and "sư phạm" twice in train: "sản phẩm" wins); one whose word
   ViLexNorm train shows left unchanged moves to the feature-only tier;
3. the pypye teencode list (``lexicons/teencode_pypye``), minus ``PYPYE_REJECT`` (wrong,
   joke or English-to-Vietnamese translation entries) and entries that ViLexNorm train
   contradicts.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from eval_lexnorm import DEFAULT_DATA, load, per_source, score  # noqa: E402
from tinhieu.nlp import normalise as nz  # noqa: E402

OUT_DIR = ROOT / "src" / "tinhieu" / "nlp" / "data"

# A learnt pair whose source is itself a standard word (seen this often as a gold word)
# must have been seen at least this often too: "hỏng" -> "không" once is noise that
# would turn "máy bị hỏng" into "máy bị không".
STANDARD_MIN = 3
# Learnt pairs that change the meaning of common social words.
# "dat" and "dot" are mostly unaccented "đặt"/"đạt" and "đợt"/"đột" in commerce talk, not
# the "dắt"/"dốt" ViLexNorm learnt.
LEARNT_REJECT = frozenset({"lol", "méo", "đảng", "hời", "hẻm", "dat", "dot"})
# Chosen on ViLexNorm dev with --tune (best dev ERR; ties -> the larger threshold).
MIN_COUNT = 1
MIN_PRECISION = 0.3
# A hand-written pair replaces a learnt one unless train saw the learnt one this often.
HAND_YIELDS_TO = 3
# A hand-written or pypye pair is dropped when ViLexNorm train shows its source word
# left unchanged at least this many times and more often than changed.
CONTRADICT_MIN = 3

# --------------------------------------------------------------------------------------
# Hand-written pairs.
# --------------------------------------------------------------------------------------

HAND_MAIN: dict[str, str] = {
    # negation
    "ko": "không",
    "k": "không",
    "kh": "không",
    "khg": "không",
    "kô": "không",
    "hok": "không",
    "hông": "không",
    "hong": "không",
    "khum": "không",
    "hem": "không",
    "hk": "không",
    "hoq": "không",
    "kp": "không phải",
    # được
    "dc": "được",
    "đc": "được",
    "dk": "được",
    "đx": "được",
    "đuợc": "được",
    # pronouns and address
    "mk": "mình",
    "mik": "mình",
    "mh": "mình",
    "mjk": "mình",
    "mìk": "mình",
    "bn": "bạn",
    "b": "bạn",
    "pn": "bạn",
    "t": "tôi",
    "e": "em",
    "a": "anh",
    "m": "mày",
    "c": "cậu",
    "ck": "chồng",
    "vk": "vợ",
    "ny": "người yêu",
    "nyc": "người yêu cũ",
    "ngiu": "người yêu",
    "ngta": "người ta",
    "nta": "người ta",
    "mn": "mọi người",
    "mng": "mọi người",
    "mgn": "mọi người",
    "ae": "anh em",
    "ace": "anh chị em",
    "ng": "người",
    # function words
    "vs": "với",
    "z": "vậy",
    "v": "vậy",
    "zậy": "vậy",
    "j": "gì",
    "ji": "gì",
    "r": "rồi",
    "rùi": "rồi",
    "gòi": "rồi",
    "ròi": "rồi",
    "òi": "rồi",
    "cx": "cũng",
    "cg": "cũng",
    "nx": "nữa",
    "ms": "mới",
    "lm": "làm",
    "ns": "nói",
    "trc": "trước",
    "ak": "à",
    "ah": "à",
    "s": "sao",
    "h": "giờ",
    "bh": "bao giờ",
    "bjo": "bao giờ",
    "lun": "luôn",
    "thui": "thôi",
    "thoy": "thôi",
    "hoy": "thôi",
    "đag": "đang",
    "dag": "đang",
    "wá": "quá",
    "qá": "quá",
    "wa": "quá",
    "nhìu": "nhiều",
    "bnh": "bao nhiêu",
    "bnhiu": "bao nhiêu",
    "bít": "biết",
    "bik": "biết",
    "bjk": "biết",
    "bt": "biết",
    "thik": "thích",
    "thix": "thích",
    "iu": "yêu",
    "ntn": "như thế nào",
    "nma": "nhưng mà",
    "nhma": "nhưng mà",
    "nhg": "nhưng",
    "đr": "đúng rồi",
    # time
    "hnay": "hôm nay",
    "hqua": "hôm qua",
    "tgian": "thời gian",
    # shopping
    "sp": "sản phẩm",
    "sđt": "số điện thoại",
    "sdt": "số điện thoại",
    "dt": "điện thoại",
    "đt": "điện thoại",
    "kq": "kết quả",
    "nv": "nhân viên",
    "sl": "số lượng",
    "stk": "số tài khoản",
    "tk": "tài khoản",
    "hsd": "hạn sử dụng",
    "mgg": "mã giảm giá",
    "nt": "nhắn tin",
    "tn": "tin nhắn",
    "cty": "công ty",
    "camon": "cảm ơn",
    "kamon": "cảm ơn",
    # people and places
    "sv": "sinh viên",
    "hs": "học sinh",
    "gv": "giáo viên",
    "bv": "bệnh viện",
    "vn": "Việt Nam",
    "hn": "Hà Nội",
    "sg": "Sài Gòn",
    "hcm": "Hồ Chí Minh",
    "tphcm": "thành phố Hồ Chí Minh",
    "tq": "Trung Quốc",
    # vulgar intensifiers (kept explicit so that toxicity models see them)
    "vl": "vãi lồn",
    "vkl": "vãi cả lồn",
    "vcl": "vãi cả lồn",
    "vloz": "vãi lồn",
    "đm": "địt mẹ",
    "dm": "địt mẹ",
    "đmm": "địt mẹ mày",
    "dmm": "địt mẹ mày",
    "đcm": "địt con mẹ",
    "dcm": "địt con mẹ",
    "clgt": "cái lồn gì thế",
    "loz": "lồn",
    "đ": "đéo",
}

# Feature-only canonical forms (tokenize/normalise_words), not used by normalise_text.
HAND_FEATURES: dict[str, str] = {
    "ib": "inbox",
    "inb": "inbox",
    "ibx": "inbox",
    "cmt": "comment",
    "cmnt": "comment",
    "coment": "comment",
    "còm": "comment",
    "fb": "facebook",
    "face": "facebook",
    "phây": "facebook",
    "fây": "facebook",
    "ok": "ok",
    "oke": "ok",
    "okela": "ok",
    "okie": "ok",
    "oki": "ok",
    "okê": "ok",
    "okey": "ok",
    "okay": "ok",
    "oce": "ok",
    "okla": "ok",
    "okii": "ok",
    "okelah": "ok",
    "tks": "cảm ơn",
    "thks": "cảm ơn",
    "thanks": "cảm ơn",
    "thank": "cảm ơn",
    "thanhks": "cảm ơn",
    "thx": "cảm ơn",
    "thanx": "cảm ơn",
    "camon": "cảm ơn",
    "sz": "size",
    "od": "order",
    "ord": "order",
    "oder": "order",
    "rep": "trả lời",
    "rv": "review",
    "ship": "ship",
    "sip": "ship",
    "síp": "ship",
    "fs": "freeship",
    "frship": "freeship",
    "insta": "instagram",
    "ig": "instagram",
    "yt": "youtube",
    "ytb": "youtube",
    "zl": "zalo",
    "acc": "account",
    "ad": "admin",
}

# pypye entries left out, with the reason.
PYPYE_REJECT: dict[str, str] = {
    "plz": "joke spelling ('pờ ly')",
    "keke": "laughter, not 'ce ce'",
    "teencode": "joke spelling",
    "highland": "joke spelling",
    "cheese": "misspelt target",
    "vcl": "spelled-out letters; hand pair instead",
    "hixxx": "interjection, not 'hích'",
    "hic": "interjection, not 'buồn'",
    "hahah": "laughter kept as written",
    "hiha": "laughter kept as written",
    "hihe": "laughter kept as written",
    "hjhj": "laughter kept as written",
    "hjx": "interjection kept as written",
    "hjxhjx": "interjection kept as written",
    "hêhê": "laughter kept as written",
    "hìhì": "laughter kept as written",
    "gđình": "misspelt target ('gia đinh')",
    "xug": "wrong target",
    "lz": "usually 'lồn', not 'làm gì'",
    "lol": "ambiguous (laughter / vulgar)",
    "ku": "slang kept",
    "đ": "'đéo' in ViLexNorm, not 'không'",
    "ok": "loan word kept (feature tier)",
    "oke": "loan word kept (feature tier)",
    "cafe": "identity pair",
    "now": "identity pair",
    "c": "'cậu' in ViLexNorm, not 'chị'",
    "m": "'mày' in ViLexNorm, not 'mình'",
    "sub": "misspelt target",
    "ss": "ambiguous (samsung / so sánh)",
    "ik": "wrong target",
    "fây": "feature tier",
    "face": "feature tier",
    "fb": "feature tier",
    "cmt": "feature tier",
    "ib": "feature tier",
    "insta": "feature tier",
    "ip": "ambiguous",
    "ytb": "feature tier",
    "acc": "feature tier",
    "ad": "feature tier",
    "tks": "feature tier",
    "in4": "loan kept",
    "sr": "loan kept",
    "unf": "loan kept",
    "wtf": "loan kept",
    "onl": "loan kept",
    "jo": "ambiguous",
    "nh": "ambiguous",
    # English words translated to Vietnamese: a translation, not a normalisation
    "best": "translation",
    "bill": "translation",
    "check": "translation",
    "decor": "translation",
    "delete": "translation",
    "free": "translation",
    "full": "translation",
    "good": "translation",
    "hot": "translation",
    "mix": "translation",
    "nice": "translation",
    "note": "translation",
    "recommend": "translation",
    "review": "translation",
    "sale": "translation",
    "set": "translation",
    "shipper": "translation",
    "size": "translation",
    "up": "translation",
    "view": "translation",
    "vote": "translation",
    "voucher": "translation",
    "fen": "translation",
    "oh": "interjection",
    "ord": "feature tier ('order')",
    "haj": "the sigh 'haiz', not 'hai'",
    "hajz": "the sigh 'haiz', not 'hai'",
    "hajzz": "the sigh 'haiz', not 'hai'",
    "vc": "ambiguous (vợ chồng / vận chuyển / vãi chưởng)",
    "socola": "standard spelling kept",
}

# Targets written with capitals (proper nouns).
PROPER: dict[str, str] = {
    "việt nam": "Việt Nam",
    "hà nội": "Hà Nội",
    "sài gòn": "Sài Gòn",
    "trung quốc": "Trung Quốc",
    "hồng kông": "Hồng Kông",
    "liên minh huyền thoại": "Liên Minh Huyền Thoại",
    "thế giới di động": "Thế Giới Di Động",
    "đảng cộng sản việt nam": "Đảng Cộng sản Việt Nam",
    "đại học bách khoa hà nội": "Đại học Bách khoa Hà Nội",
    "đại học khoa học tự nhiên": "Đại học Khoa học Tự nhiên",
}

# Standard syllables with a doubled letter, so that repeated-letter squeezing keeps them.
HAND_SYLLABLES = ["boong", "coong", "goòng", "loong", "moóc", "noọc", "soóc", "xoong", "voọc"]

_V = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
SYLLABLE = re.compile(
    rf"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?[{_V}]{{1,3}}"
    r"(?:ng|nh|ch|[cmnpt])?"
)


LETTERS = re.compile(r"[^\W\d_]+")
PHRASE = re.compile(r"[^\W\d_]+(?: [^\W\d_]+)*")


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def words_of(s: str) -> list[tuple[str, str]]:
    """(kind, raw) tokens of ``s`` from the tinhieu scanner (no lexicon needed)."""
    return [(k, s[a:b]) for k, a, b in nz._scan(s)]


def segments(s: str) -> tuple[list[str], list[list[str]]]:
    """Non-word tokens of ``s`` and the runs of words between them."""
    skeleton: list[str] = []
    runs: list[list[str]] = [[]]
    for kind, raw in words_of(s):
        if kind == "word":
            runs[-1].append(raw)
        else:
            skeleton.append(raw)
            runs.append([])
    return skeleton, runs


def word_pairs(rows: list[dict[str, str]]) -> list[tuple[str, str]]:
    """(source word, gold string) for every source word of the aligned sentences."""
    out: list[tuple[str, str]] = []
    for row in rows:
        src = nfc(row["text"]).split()
        gold = per_source(src, nfc(row["label"]).split())
        for a, b in zip(src, gold, strict=True):
            if a == b:
                out.extend((w, w) for k, w in words_of(a) if k == "word")
                continue
            sk_a, runs_a = segments(a)
            sk_b, runs_b = segments(b)
            if sk_a != sk_b:
                continue
            for ra, rb in zip(runs_a, runs_b, strict=True):
                if len(ra) == 1:
                    out.append((ra[0], " ".join(rb)))
                elif len(ra) == len(rb):
                    out.extend(zip(ra, rb, strict=True))
    return out


def build_syllables(rows: list[dict[str, str]], extra: list[str]) -> dict[str, int]:
    """Standard syllables and their frequency in the ViLexNorm train gold sentences.

    A word of the gold sentences counts when it has the shape of a Vietnamese syllable
    and occurs at least twice; the syllables of ``extra`` (hand-written and pypye
    targets, stopwords) are added with their gold count (at least 1).
    """
    counts: Counter[str] = Counter()
    for row in rows:
        for kind, w in words_of(nfc(row["label"])):
            if kind == "word":
                counts[w.lower()] += 1
    syl = {w: c for w, c in counts.items() if c >= 2 and SYLLABLE.fullmatch(w)}
    for phrase in extra:
        for w in phrase.lower().split():
            if SYLLABLE.fullmatch(w):
                syl[w] = max(1, counts[w])
    return syl


class Evidence:
    """What ViLexNorm train says about each (squeezed, lowercase) source word."""

    def __init__(self, pairs: list[tuple[str, str]], syllables: dict[str, int]) -> None:
        self.targets: dict[str, Counter[str]] = defaultdict(Counter)
        self.cased: dict[str, Counter[str]] = defaultdict(Counter)
        self.gold: Counter[str] = Counter()
        for raw, gold in pairs:
            low = raw.lower()
            key = nz._squeeze(low, syllables)
            self.targets[key][gold.lower()] += 1
            self.gold[gold.lower()] += 1
            if raw == low:
                self.cased[gold.lower()][gold] += 1

    def kept(self, key: str) -> int:
        return self.targets[key][key] if key in self.targets else 0

    def changed(self, key: str) -> int:
        if key not in self.targets:
            return 0
        return sum(c for t, c in self.targets[key].items() if t != key)

    def contradicts(self, key: str) -> bool:
        kept = self.kept(key)
        return kept >= CONTRADICT_MIN and kept > self.changed(key)

    def learnt(self, min_count: int, min_precision: float) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, dist in self.targets.items():
            total = sum(dist.values())
            ranked = sorted(dist.items(), key=lambda kv: (-kv[1], kv[0]))
            tgt, n = next(((t, c) for t, c in ranked if t != key), ("", 0))
            if not LETTERS.fullmatch(key) or not PHRASE.fullmatch(tgt):
                continue  # export artefacts ("_x0008_kb"), numbers, punctuation
            if n < min_count or n <= dist[key] or n / total < min_precision:
                continue
            if n < max(dist.values()):
                continue
            if self.gold[key] >= STANDARD_MIN and n < STANDARD_MIN:
                continue  # a standard word ("hỏng") rewritten once or twice: annotator noise
            if key in LEARNT_REJECT:
                continue
            out[key] = self.case_of(tgt)
        return out

    def case_of(self, tgt: str) -> str:
        """The target as most often written in gold after a lowercase source word."""
        if tgt in PROPER:
            return PROPER[tgt]
        forms = self.cased.get(tgt)
        if not forms:
            return tgt
        best = sorted(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        # keep capitals only for proper nouns written so in most sentences
        return best if best != tgt and forms[best] >= 2 * forms.get(tgt, 0) + 2 else tgt


def load_pypye(data: Path) -> dict[str, str]:
    path = data / "lexicons" / "teencode_pypye" / "teencode.nfc.json"
    raw: dict[str, str] = json.loads(path.read_text("utf-8"))
    return {nfc(k).strip().lower(): nfc(v).strip() for k, v in raw.items()}


def assemble(
    evidence: Evidence,
    pypye: dict[str, str],
    syllables: dict[str, int],
    min_count: int,
    min_precision: float,
    log: list[str] | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """The main and feature-only lexicons."""
    main: dict[str, str] = dict(evidence.learnt(min_count, min_precision))
    features: dict[str, str] = {}

    def key_of(src: str) -> str:
        return nz._squeeze(nfc(src).lower(), syllables)

    for src, tgt in sorted(HAND_MAIN.items()):
        key = key_of(src)
        if key in main and evidence.targets[key][main[key].lower()] >= HAND_YIELDS_TO:
            continue  # ViLexNorm train has enough evidence for its own choice
        if evidence.contradicts(key):
            features.setdefault(key, tgt)
            if log is not None:
                log.append(f"hand pair {src} -> {tgt}: kept unchanged in train; feature tier")
            continue
        main[key] = PROPER.get(tgt, tgt)
    for src, tgt in sorted(pypye.items()):
        key = key_of(src)
        if " " in key or key in main or src in PYPYE_REJECT or key == tgt.lower():
            continue
        if evidence.contradicts(key):
            if log is not None:
                log.append(f"pypye pair {src} -> {tgt}: kept unchanged in train; dropped")
            continue
        main[key] = PROPER.get(tgt.lower(), tgt.lower())
    for src, tgt in sorted(HAND_FEATURES.items()):
        key = key_of(src)
        if key not in main and tgt != key:
            features.setdefault(key, tgt)
    features = {k: v for k, v in features.items() if k not in main and v != k}
    main = {k: v for k, v in main.items() if v.lower() != k and k}
    return main, features


def write_pairs(path: Path, pairs: dict[str, str]) -> None:
    """``src<TAB>tgt`` lines, sorted by source, NFC (sources and licences: teencode.md)."""
    lines = [f"{nfc(k)}\t{nfc(v)}\n" for k, v in sorted(pairs.items())]
    path.write_text("".join(lines), encoding="utf-8")


def install(main: dict[str, str], features: dict[str, str], syllables: dict[str, int]) -> None:
    """Make the in-memory lexicon the one tinhieu.nlp.normalise uses (for --tune)."""
    lex = object.__new__(nz._Lexicon)
    lex.main = dict(main)
    lex.features = {**main, **features}
    lex.syllables = syllables
    nz._LEX = lex
    nz._clear_caches()


def main_(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--tune", action="store_true", help="grid of thresholds, scored on dev")
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument(
        "--without-vilexnorm",
        action="store_true",
        help="leave out everything learnt from ViLexNorm (CC BY-NC-SA 4.0): hand-written "
        "and pypye pairs only, syllables from their targets and the stopword list",
    )
    ap.add_argument("--dev-score", action="store_true", help="print the dev ERR of the result")
    args = ap.parse_args(argv)

    train = [] if args.without_vilexnorm else load(args.data, "train")
    pypye = load_pypye(args.data)
    extra = [*HAND_MAIN.values(), *HAND_SYLLABLES]
    extra += [v for k, v in pypye.items() if k not in PYPYE_REJECT]
    stop_path = args.data / "lexicons" / "vietnamese_stopwords" / "vietnamese-stopwords.txt"
    extra += stop_path.read_text("utf-8").splitlines()
    syllables = build_syllables(train, [nfc(e) for e in extra])
    evidence = Evidence(word_pairs(train), syllables)

    if args.tune:
        dev = load(args.data, "dev")
        print(f"{'min_count':>9} {'min_prec':>8} {'pairs':>6} {'dev ERR':>8}")
        for min_count in (1, 2, 3, 5):
            for min_prec in (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
                main, features = assemble(evidence, pypye, syllables, min_count, min_prec)
                install(main, features, syllables)
                s = score(dev, nz.normalise_text)
                print(f"{min_count:>9} {min_prec:>8.2f} {len(main):>6} {s.err:>8.2f}")
        return 0

    log: list[str] = []
    main, features = assemble(evidence, pypye, syllables, MIN_COUNT, MIN_PRECISION, log)
    args.out.mkdir(parents=True, exist_ok=True)
    write_pairs(args.out / "teencode.tsv", main)
    write_pairs(args.out / "teencode_features.tsv", features)
    (args.out / "syllables.txt").write_text(
        "".join(f"{w}\t{c}\n" for w, c in sorted(syllables.items())), encoding="utf-8"
    )
    for line in log:
        print(line)
    print(f"teencode.tsv: {len(main)} pairs; teencode_features.tsv: {len(features)} pairs")
    print(f"syllables.txt: {len(syllables)} syllables")
    if args.dev_score:
        install(main, features, syllables)
        s = score(load(args.data, "dev"), nz.normalise_text)
        print(f"dev ERR {s.err:.2f} % (accuracy {s.accuracy:.2f} %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main_())
