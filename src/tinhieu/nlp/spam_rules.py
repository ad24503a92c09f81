"""Rule-based social spam kinds, each with a reason a moderator can read.

:func:`spam_rules` complements the statistical review-spam model: it names *why* a
comment is spam, for the kinds that rules see reliably in Vietnamese social comments.

``"ad"``
    Selling or recruiting in someone else's thread: a phone number, a link to a shop or
    a link shortener, or seller phrases ("liên hệ ngay", "inbox để được tư vấn", "sale
    sốc", "order ngay", "tuyển CTV", "vay tiền", "freeship toàn quốc", ...). A hit needs
    a phone number, a shop link, one strong seller phrase, or weak cues of three
    different sorts (contact, sales words, service words, a link).
``"giveaway"``
    Participation in a giveaway or minigame with nothing else said: "." or "..",
    "chấm", "tham gia", "em tham gia ạ", "xin 1 suất", "share rồi ạ", "đã like và
    share", "hóng", tagging friends only ("@A @B", "@A @B @C"). The text must be *only*
    participation: filler words (pronouns, particles, "chúc shop đắt hàng"), emoji,
    punctuation and tagged names are allowed; any other word makes it an ordinary comment
    ("tham gia khóa học này cần gì?").
``"junk"``
    No content: keyboard mash ("dhnxncbcnc", "asdfghjkl"), a letter or symbol repeated
    ("aaaaaaa", "??????????"), or a very long run of punctuation or emoji with no word.
``"seeding"``
    Never returned here: seeding is a property of a *group* of comments; see
    :func:`tinhieu.nlp.seeding.seeding_hits`.

Deliberately *not* spam: teencode and slang ("ko bít", "cx ok", "vl", "iu shop"),
laughter ("kkkk", "hihi", "hjhj", ":)))"), short reactions ("hay", "ok", "😍", "like"),
"..." (an ellipsis, not a giveaway dot), customer questions and requests, including "ib
giá em với", "shop check ib", "shop có zalo ko" (a customer asking for a price is a lead,
not an ad: inbox cues count only in the seller's voice), a person giving their own number
("shop gọi em số 09...", "cô ba ơi nạp card cho con 09...") and a plain link to a news
site. Cue phrases are matched on the normalised words (teencode expanded: "ib" ->
"inbox", "lh" -> contact); a cue written with diacritics also matches the same words
typed without them ("lien he"), but not other accented words: a text typed with
diacritics is matched as written ("mua ngày" is not "mua ngay", "xa hàng" is not "xả
hàng").

The function is pure, never raises on a ``str`` and looks at the first
:data:`MAX_CHARS` characters only. Typical cost: ~15-25 µs for a 20-word comment that is
not spam, the normaliser included (most texts have no cue word and skip the regexes); a
hit costs one :func:`tokenize` more for its evidence span.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from tinhieu.nlp.normalise import fold_words, normalise_words, tokenize
from tinhieu.text.normalise import fold

__all__ = ["MAX_CHARS", "SPAM_KINDS", "SpamHit", "spam_rules"]

MAX_CHARS: Final = 20_000
SPAM_KINDS: Final[tuple[str, ...]] = ("ad", "giveaway", "junk", "seeding")


@dataclass(frozen=True, slots=True)
class SpamHit:
    """One rule verdict.

    ``kind`` is one of :data:`SPAM_KINDS`; ``reason`` a short English sentence naming the
    evidence; ``score`` the rule's confidence in [0, 1]; ``start``/``end`` the character
    span of the main evidence in the text, when there is one.
    """

    kind: str
    reason: str
    score: float
    start: int | None = None
    end: int | None = None


class _Rx:
    """A phrase regex over space-joined normalised words, in two spellings.

    ``accented`` is the pattern as written (for text typed with diacritics); ``folded``
    its diacritic-free form (for text typed without them, matched against the folded
    words). "mua ngày" is then never "mua ngay", but "lien he" is "liên hệ".
    """

    __slots__ = ("accented", "folded")

    def __init__(self, pattern: str) -> None:
        phrase = rf"(?<!\S)(?:{pattern})(?!\S)"
        self.accented = re.compile(phrase)
        self.folded = re.compile(fold(phrase))

    def get(self, plain: bool) -> re.Pattern[str]:
        return self.folded if plain else self.accented


class _Cues:
    """Labelled cue regexes, each tried only when one of its anchor words is present.

    Every match of a cue contains at least one of its anchors as a whole word, so a text
    without any anchor skips the regex work (most comments).
    """

    __slots__ = ("by_anchor", "by_anchor_folded", "cues")

    def __init__(self, cues: tuple[tuple[str, str, str], ...]) -> None:
        self.cues = tuple((_Rx(p), label) for p, _, label in cues)
        self.by_anchor: dict[str, list[int]] = {}
        self.by_anchor_folded: dict[str, list[int]] = {}
        for i, (_, anchors, _) in enumerate(cues):
            for a in anchors.split():
                self.by_anchor.setdefault(a, []).append(i)
                self.by_anchor_folded.setdefault(fold(a), []).append(i)

    def candidates(self, words: set[str], plain: bool) -> list[int]:
        """Indices of the cues whose anchors occur in ``words``, in order."""
        table = self.by_anchor_folded if plain else self.by_anchor
        found: set[int] = set()
        for w in words & table.keys():
            found.update(table[w])
        return sorted(found)


def _split(words: str) -> list[str]:
    """The whitespace-separated words of ``words``."""
    return words.split()


# ---------------------------------------------------------------------------------------
# Ads. Cues are matched on the normalised words joined by single spaces.
# ---------------------------------------------------------------------------------------

# Strong seller phrases: one is enough. (regex, label)
_STRONG: Final[tuple[tuple[str, str, str], ...]] = (
    (r"tuyển (?:ctv|cộng tác viên|nhân viên bán hàng|đại lý|sỉ)", "tuyển", "recruiting"),
    (
        r"kiếm tiền (?:online|tại nhà|trên mạng|mỗi ngày)|thu nhập (?:thêm )?(?:<number> )?"
        r"(?:mỗi|một|\/) ?(?:ngày|tháng)",
        "kiếm thu",
        "make-money offer",
    ),
    (
        r"cho vay|vay (?:tiền|vốn) (?:nhanh|online|tín chấp|trả góp|lãi suất)|vay nhanh"
        r"|vay tín chấp|giải ngân|hỗ trợ (?:khoản )?vay",
        "vay ngân",
        "loan offer",
    ),
    (r"tăng (?:like|follow|follower|tương tác|view|mắt)", "tăng", "selling likes"),
    (r"bán (?:account|acc|nick|via|clone)", "bán", "selling accounts"),
    (
        r"nhận (?:order|oder|ship hàng|làm|thiết kế|may|in ấn|thi công|chạy quảng cáo)",
        "nhận",
        "service offer",
    ),
    (
        r"(?:ship|giao hàng|giao) cod toàn quốc|freeship toàn quốc|miễn phí (?:vận chuyển|ship)"
        r" toàn quốc|ship toàn quốc",
        "quốc",
        "nationwide shipping offer",
    ),
    (
        r"sale (?:sốc|cực sốc|mạnh|khủng)|xả (?:kho|hàng)|đồng giá <number>|mua <number> tặng"
        r" <number>|mua một tặng một|số lượng có hạn",
        "sale xả đồng tặng hạn",
        "sale slogan",
    ),
    (
        r"(?:mua|đặt|order|chốt|inbox|liên hệ|gọi|đăng ký|nhận|săn|báo giá) ngay"
        r"(?= (?:kẻo|tại|hôm nay|để|nào|thôi|đi|!|\.|<url>|<phone>)|$)",
        "ngay",
        "call to action",
    ),
    (
        r"(?:đặt hàng|mua hàng|xem thêm|chi tiết|đăng ký|liên hệ) (?:tại|qua) (?:link|<url>|"
        r"website|web|fanpage|page|zalo|hotline|<phone>)|chi tiết tại|xem thêm tại",
        "tại qua",
        "call to action",
    ),
    (
        r"link (?:mua hàng|đặt hàng|sản phẩm|ở bio|trong bio|tại bio|ở dưới|dưới đây)"
        r"|link (?:ở|trong|tại) (?:bio|comment|cmt)",
        "link",
        "shop link",
    ),
    (
        r"ghé (?:shop|page|kênh|trang) (?:mình|em|của mình|của em)|ủng hộ shop (?:mình|em)"
        r"|follow (?:shop|page|kênh) (?:mình|em)",
        "ghé ủng follow",
        "shop promotion",
    ),
    (
        r"(?:bên|shop|cửa hàng|page|chỗ) (?:em|mình) (?:chuyên|có bán|bán|nhận|có mẫu|có hàng"
        r"|đang có|có sẵn|đang bán|đang sale|đang giảm)",
        "bên shop hàng page chỗ",
        "seller voice",
    ),
    (
        r"chuyên (?:sỉ|cung cấp|phân phối|bán)|sỉ lẻ|sỉ và lẻ|bán buôn",
        "chuyên sỉ buôn",
        "wholesale offer",
    ),
    (
        r"cam kết (?:giảm|tăng|hiệu quả|chính hãng|hoàn tiền)|giảm cân cấp tốc|trị (?:mụn|nám)"
        r" tận gốc",
        "kết cấp gốc",
        "miracle claim",
    ),
    (
        r"inbox (?:để|cho (?:em|mình|shop) để|(?:em|mình|shop|page) để|(?:em|mình|shop|page)"
        r" (?:báo giá|tư vấn))|tư vấn miễn phí",
        "inbox vấn",
        "inbox offer",
    ),
    (
        r"kết bạn zalo|add zalo|zalo (?::|<phone>)|(?:call|gọi|sms|hotline|lh|liên hệ) ?(?:/ ?)?"
        r"(?:zalo )?:? ?<phone>",
        "zalo <phone>",
        "contact number",
    ),
)
# Weak cues, by sort: three different sorts make an ad.
_WEAK: Final[tuple[tuple[str, str, str], ...]] = (
    (
        r"zalo|hotline|liên hệ|lh|số điện thoại|fanpage",
        "zalo hotline hệ lh thoại fanpage",
        "contact words",
    ),
    (
        r"(?<!shop )(?<!admin )(?<!check )(?<!xem )inbox (?:em|mình|shop|nha|nhé)"
        r"|tư vấn|báo giá|đăng ký|order",
        "inbox vấn giá ký order",
        "service words",
    ),
    (
        r"chính hãng|hàng auth|auth|check code|giá (?:rẻ|tốt|sỉ|ưu đãi|hời)|ưu đãi"
        r"|khuyến mãi|khuyến mại|giảm giá|giảm (?:đến|tới)|quà tặng|miễn phí|free|freeship"
        r"|deal|flash sale|voucher|mã giảm giá|cho thuê|vay tiền",
        "hãng auth code giá đãi mãi mại tặng phí free freeship deal sale voucher thuê vay",
        "sales words",
    ),
)
_STRONG_CUES: Final = _Cues(_STRONG)
_WEAK_CUES: Final = _Cues(_WEAK)
# A person asking or begging, not a seller offering.
_CUSTOMER_RE: Final = _Rx(
    r"(?:shop|admin|page|chị|anh|bạn|cô|chú|bác|ad) ơi|\?|cho (?:em|mình|tớ|tui|tôi) hỏi"
    r"|không ạ|với ạ|được không|có không"
)
# Someone giving their own number: "gọi em số 09...", "nạp card cho con 09...".
_OWN_PHONE_RE: Final = _Rx(
    r"gọi (?:lại )?(?:cho )?(?:em|mình|tôi|tui|tớ|con|cháu)|số (?:điện thoại )?(?:của )?"
    r"(?:em|mình|tôi|tui|con)|(?:em|mình|tôi|tui) (?:đặt|order)|giao (?:cho|về|đến)"
    r"|nhận hàng|địa chỉ|nạp|card|thẻ cào|giúp (?:em|con|cháu|mình)|cứu|xin|cho (?:con|em"
    r"|cháu)|\w+ ơi|ơi|nhắn (?:cho|lại)"
)
_SHOP_HOSTS: Final = re.compile(
    r"(?i)(?:^|[/.@])(?:shopee|shp\.ee|lazada|lzd\.co|tiki\.vn|sendo|bit\.ly|tinyurl"
    r"|cutt\.ly|rebrand\.ly|s\.id|shorturl|zalo\.me|m\.me|t\.me|fb\.me|linktr\.ee|beacons\.ai"
    r"|vt\.tiktok|vm\.tiktok|forms\.gle|taobao|1688\.com|s\.lazada|tiktok\.com/@[^/]+/shop)"
)

# ---------------------------------------------------------------------------------------
# Giveaway participation, matched on the normalised words of the text without its tags.
# ---------------------------------------------------------------------------------------

_ACT: Final = r"(?:like|thích|share|chia sẻ|tag|theo dõi|follow)"
_GIVE_STRONG: Final = _Rx(
    r"(?:xin|cho (?:em|mình|tớ|tui) xin) (?:(?:<number>|một) )?(?:suất|phần|vé|slot|cơ hội)"
    rf"|(?:đã|em đã|mình đã) {_ACT}(?: (?:và|,|\+|&|-) ?{_ACT})*"
    rf"|{_ACT}(?: (?:và|,|\+|&|-) ?{_ACT})+"
    r"|(?:share|chia sẻ) (?:rồi|xong|công khai)|tag (?:<number>|ba|hai|năm) (?:người )?"
    r"bạn(?: bè)?|tham gia|minigame|mini game|giveaway|chấm"
    r"|(?:đã )?làm (?:đủ |đầy đủ )?(?:các |hết )?(?:bước|nhiệm vụ|theo yêu cầu)"
    r"|hoàn thành (?:các )?(?:bước|nhiệm vụ)"
)
_GIVE_WAIT: Final = _Rx(r"hóng|lót dép|ngồi hóng|chờ kết quả|hóng kết quả")
# Words that may surround participation without making the comment about something else.
_GIVE_FILLER: Final = frozenset(
    _split(
        "em mình tớ tui tôi anh chị bạn cậu ạ à nha nhé nhen ơi với rồi đã và cùng luôn shop "
        "admin page fanpage chúc đắt hàng đắt đông khách may mắn nhiều ủng hộ mãi yêu thương "
        "cảm ơn xinh đẹp quá lắm hi hihi hehe nè đây ạh vs and cho xin đi kết quả minigame "
        "game bài viết công khai bạn bè ngồi dép lót ok page ngay luôn ❤ người ba hai năm "
        "<number> like share tag nhanh thôi với nữa mẹ bố má con bé chồng vợ"
    )
)
_GIVE_FILLER_FOLDED: Final = frozenset(fold(w) for w in _GIVE_FILLER)
# Every word that may appear in a participation-only comment (cues and filler).
_GIVE_VOCAB: Final = _GIVE_FILLER | frozenset(
    _split(
        "xin suất phần vé slot cơ hội một đã thích chia sẻ theo dõi follow rồi xong công khai "
        "tham gia minigame mini giveaway chấm làm đủ đầy các hết bước nhiệm vụ yêu cầu hoàn "
        "thành hóng lót chờ tag like share"
    )
)
_GIVE_VOCAB_FOLDED: Final = frozenset(fold(w) for w in _GIVE_VOCAB)
_DIACRITIC: Final = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ\u0300-\u0323]"
)
_UPPER_VI: Final = "A-ZÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ"
# "@name" plus up to four capitalised words of a display name ("@Trần Thị Mai").
_MENTION_NAME: Final = re.compile(rf"(?<![\w@])@[\w.]+(?:[ \t]+[{_UPPER_VI}][\w]*){{0,4}}")

# ---------------------------------------------------------------------------------------
# Junk.
# ---------------------------------------------------------------------------------------

_VOWELS: Final = frozenset("aeiouy")
_KEYBOARD_ROWS: Final = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
# Laughter and sounds written with few vowels: "kkkk", "hjhj", "hihi", "haha", "hmmm".
_LAUGH: Final = re.compile(r"(?:k+h?|h+[aeiouyj]?|j+)+|(?:[hkj][aeiouyj]+)+|[hmz]+|(?:hu)+")
_ASCII_WORD: Final = re.compile(r"[a-z]+")


def _is_mash(word: str) -> bool:
    """Whether a folded lowercase word looks like keyboard mash."""
    n = len(word)
    if n < 6 or not _ASCII_WORD.fullmatch(word) or _LAUGH.fullmatch(word):
        return False
    if len(set(word)) == 1:
        return True  # "aaaaaaa" (laughter letters were let through above)
    if any(word in row or word in row[::-1] for row in _KEYBOARD_ROWS):
        return True
    vowels = sum(1 for c in word if c in _VOWELS)
    if n >= 7 and vowels <= n * 0.15:
        return True
    # long alternations of two or three letters ("jsjsjsjs", "vbnvbnvbn")
    return n >= 8 and len(set(word)) <= 3 and vowels <= n * 0.25


# ---------------------------------------------------------------------------------------
# Helpers.
# ---------------------------------------------------------------------------------------


def _is_word(w: str) -> bool:
    return bool(w) and w[0].isalnum()


def _span_of_words(text: str, first: int, last: int) -> tuple[int, int] | None:
    """Character span of the tokens that give normalised words ``first..last``."""
    k = 0
    start: int | None = None
    for tok in tokenize(text):
        n = tok.norm.count(" ") + 1
        if start is None and first < k + n:
            start = tok.start
        if last < k + n:
            return (tok.start if start is None else start), tok.end
        k += n
    return None


def _first_token(text: str, kind: str) -> tuple[int, int, str] | None:
    for tok in tokenize(text):
        if tok.kind == kind:
            return tok.start, tok.end, tok.raw
    return None


def _strip_span(text: str) -> tuple[int, int]:
    start = len(text) - len(text.lstrip())
    return start, max(start, len(text.rstrip()))


def _word_range(joined: str, m: re.Match[str]) -> tuple[int, int]:
    """Indices of the first and last word of a match over space-joined words."""
    first = joined.count(" ", 0, m.start())
    return first, first + m.group().count(" ")


# ---------------------------------------------------------------------------------------
# The rules.
# ---------------------------------------------------------------------------------------


def _ad(text: str, keys: list[str], joined: str, plain: bool) -> SpamHit | None:
    wordset = set(keys)
    has_phone = "<phone>" in wordset
    has_url = "<url>" in wordset
    strong_idx = _STRONG_CUES.candidates(wordset, plain)
    weak_idx = _WEAK_CUES.candidates(wordset, plain)
    if not (has_phone or has_url or strong_idx or len(weak_idx) >= 2):
        return None  # the common case: no anchor word at all
    labels: list[str] = []
    first: re.Match[str] | None = None
    for i in strong_idx:
        rx, label = _STRONG_CUES.cues[i]
        m = rx.get(plain).search(joined)
        if m is not None:
            if label not in labels:
                labels.append(label)
            if first is None or m.start() < first.start():
                first = m
    strong = len(labels)
    weak: list[str] = []
    url: tuple[int, int, str] | None = None
    shop_link = False
    if has_url:
        url = _first_token(text, "url")
        shop_link = url is not None and _SHOP_HOSTS.search(url[2]) is not None
        if not shop_link:
            weak.append("a link")
    if not (has_phone or shop_link or strong or len(weak) + len(weak_idx) >= 3):
        return None
    for i in weak_idx:
        rx, label = _WEAK_CUES.cues[i]
        m = rx.get(plain).search(joined)
        if m is not None:
            weak.append(label)
            if first is None:
                first = m
    own_phone = has_phone and not strong and not shop_link and len(weak) < 2
    if own_phone and _OWN_PHONE_RE.get(plain).search(joined):
        return None  # a person leaving their own number
    if not (has_phone or shop_link or strong or len(weak) >= 3):
        return None
    lone_phrase = not (has_phone or shop_link) and strong == 1 and not weak
    if lone_phrase and _CUSTOMER_RE.get(plain).search(joined):
        return None  # one seller-like phrase inside a question
    evidence = 0.55 * has_phone + 0.45 * shop_link + 0.35 * strong + 0.12 * len(weak)
    score = round(min(0.99, 0.45 + evidence), 3)
    span: tuple[int, int] | None = None
    reason = ""
    if has_phone:
        ph = _first_token(text, "phone")
        if ph is not None:
            span, reason = (ph[0], ph[1]), f"phone number {ph[2]!r}"
    elif shop_link and url is not None:
        span, reason = (url[0], url[1]), f"shop link {url[2][:60]!r}"
    if span is None and first is not None:
        span = _span_of_words(text, *_word_range(joined, first))
        if span is not None:
            what = labels[0] if labels else weak[0]
            reason = f"{what} {text[span[0] : span[1]][:60]!r}"
    rest = [lab for lab in labels + weak if lab not in reason]
    reason = (reason or "seller phrases") + (" and " + ", ".join(rest[:3]) if rest else "")
    return SpamHit("ad", reason, score, *(span if span else (None, None)))


def _giveaway(text: str, words: list[str], keys: list[str], plain: bool) -> SpamHit | None:
    vocab = _GIVE_VOCAB_FOLDED if plain else _GIVE_VOCAB
    mentions = 0
    if "@" in text:
        mentions = len(_MENTION_NAME.findall(text))
        if mentions:
            body = _MENTION_NAME.sub(" ", text)
            words = normalise_words(body)
            keys = fold_words(words) if plain else words
    # quick exit: a word that can be neither participation nor filler
    for w in keys:
        if w not in vocab and _is_word(w):
            return None
    start, end = _strip_span(text)
    if keys and all(w in (".", "...") for w in keys) and text.count(".") <= 2:
        return SpamHit("giveaway", "a lone dot (giveaway participation)", 0.75, start, end)
    if len(keys) > 40:
        return None
    joined = " ".join(keys)
    give, wait_rx = _GIVE_STRONG.get(plain), _GIVE_WAIT.get(plain)
    strong = [m.group() for m in give.finditer(joined)]
    wait = [m.group() for m in wait_rx.finditer(joined)] if not strong else []
    rest = wait_rx.sub(" ", give.sub(" ", joined)).split()
    filler = _GIVE_FILLER_FOLDED if plain else _GIVE_FILLER
    if any(_is_word(w) and w not in filler for w in rest):
        return None
    tagged = f" with {mentions} tagged friend{'s' if mentions > 1 else ''}" if mentions else ""
    if strong:
        score = 0.95 if mentions else 0.9
        return SpamHit(
            "giveaway", f"only giveaway participation {strong[0]!r}{tagged}", score, start, end
        )
    if wait:
        score = 0.7 if mentions else 0.5
        return SpamHit(
            "giveaway", f"only waiting for a result {wait[0]!r}{tagged}", score, start, end
        )
    if mentions >= 2:
        score = 0.85 if mentions >= 3 else 0.7
        return SpamHit("giveaway", f"only {mentions} tagged friends, no text", score, start, end)
    return None


def _junk(text: str, words: list[str]) -> SpamHit | None:
    long_words = [w for w in words if len(w) >= 6 and w[0].isalpha()]
    if long_words:
        mash = [w for w in fold_words(long_words) if _is_mash(w)]
        if not mash:
            return None  # a text with a real long word is never junk
        start, end = _strip_span(text)
        mash_letters = sum(len(w) for w in mash)
        total_letters = sum(len(w) for w in words if w[:1].isalnum())
        if mash_letters >= total_letters:
            return SpamHit("junk", f"keyboard mash {mash[0][:30]!r}", 0.9, start, end)
        if mash_letters >= 0.6 * total_letters and mash_letters >= 12:
            reason = f"mostly keyboard mash ({mash[0][:30]!r}, ...)"
            return SpamHit("junk", reason, 0.7, start, end)
        return None
    if len(words) > 3 and any(w[:1].isalnum() for w in words):
        return None
    stripped = "".join(text.split())
    if not stripped:
        return None
    start, end = _strip_span(text)
    n = len(stripped)
    if len(set(stripped)) == 1:
        ch = stripped[0]
        if ch.isalpha():
            if ch.lower() in "khjm" or n < 5:
                return None  # laughter "kkkkk", "hhhh"; "hmmm"
            return SpamHit("junk", f"one letter {ch!r} repeated {n} times", 0.9, start, end)
        if not ch.isalnum() and n >= 10:
            return SpamHit("junk", f"one symbol {ch!r} repeated {n} times", 0.8, start, end)
        return None
    if any(w[:1].isalnum() or w.startswith("<") for w in words):
        return None
    if len(words) >= 20 or n >= 30:
        return SpamHit("junk", f"only emoji or punctuation, {n} characters", 0.6, start, end)
    return None


def spam_rules(text: str, words: Sequence[str] | None = None) -> SpamHit | None:
    """The rule-based spam kind of one comment, with its evidence, or ``None``.

    Kinds are tried in the order ad, junk, giveaway; see the module docstring for what
    each covers and what is deliberately left alone. Never raises on a ``str``; anything
    else gives ``None``. ``words``, when given, must be ``normalise_words(text)`` (the
    pipeline has them already).
    """
    if not isinstance(text, str) or not text:
        return None
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        words = None
    words = list(words) if words is not None else normalise_words(text)
    if not words:
        return None
    plain = _DIACRITIC.search(text, 0, 2000) is None  # typed without diacritics
    keys = fold_words(words) if plain else words
    hit = _ad(text, keys, " ".join(keys), plain)
    if hit is None:
        hit = _junk(text, words)
    if hit is None:
        hit = _giveaway(text, words, keys, plain)
    return hit
