"""Opt-in KOL audit ground truth for the demo (``DemoConfig(kols=True)``).

Adds, from its own random stream (the rest of the demo is unchanged), a fixed cast of
KOL accounts on Facebook and TikTok with their posts and the comments on them:

* **inflated, bought**: engagement bought in bulk. Generic comments ("Hay quá", "Xinh
  quá 😍"), many of them identical, from young or empty accounts; likes that do not fit
  the comments; one account bought followers (a jump in its follower history) and has
  an unremarkable engagement rate; follower counts are plausible micro/macro numbers;
* **inflated, pod**: an engagement pod. The same group of established-looking accounts
  comments on three unrelated KOLs within minutes of each post, with varied texts;
* **genuine micro** (10k–300k followers): milk-tea / coffee creators with organic,
  varied comments from long-standing accounts arriving over hours; a few of their
  commenters are new accounts, one ran a giveaway post, one had a viral post, one posts
  on Facebook and TikTok;
* **genuine macro / mega**: large lifestyle accounts that talk about the category only
  now and then, with a little bot noise in their comments, as large accounts have.

Rows carry ``attrs.demo_truth = 'kol'``, ``attrs.kol_group`` (on the KOL's posts and the
comments on them) and ``attrs.author_joined``. :func:`kol_truth` lists the accounts.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pyarrow as pa

from tinhieu.demo.config import DemoConfig
from tinhieu.schema import conform

STREAM: Final = (6060, 6)  # the random stream key (after the seed)
VN: Final = dt.timezone(dt.timedelta(hours=7))
GROUPS: Final = ("inflated", "genuine_micro", "genuine_macro_mega")


@dataclass(frozen=True, slots=True)
class KolSpec:
    key: str
    name: str
    platform: str  # facebook | tiktok
    group: str  # one of GROUPS
    kind: str  # bought | pod | genuine
    followers: int
    posts: int
    er: float  # engagement rate by followers, %
    category_share: float  # share of posts about milk tea / coffee
    subject: str  # what the other posts are about
    bot_share: float = 0.0  # bought comments
    pod_share: float = 0.0  # pod comments
    followers_from: int | None = None  # bought followers: history starts here
    giveaway: bool = False
    viral: bool = False
    sponsor: bool = False


CAST: Final[tuple[KolSpec, ...]] = (
    # inflated: bought engagement (some with perfectly plausible numbers)
    KolSpec(
        "b1",
        "Ngọc Trinh Review",
        "facebook",
        "inflated",
        "bought",
        85_000,
        9,
        14.0,
        0.8,
        "beauty",
        bot_share=0.72,
        sponsor=True,
    ),
    KolSpec(
        "b2",
        "Hải Đăng Foodie",
        "facebook",
        "inflated",
        "bought",
        240_000,
        10,
        4.2,
        0.9,
        "food",
        bot_share=0.62,
    ),
    KolSpec(
        "b3",
        "Mai Chi Daily",
        "tiktok",
        "inflated",
        "bought",
        150_000,
        9,
        3.0,
        0.7,
        "fashion",
        bot_share=0.58,
        followers_from=58_000,
        sponsor=True,
    ),
    KolSpec(
        "b4",
        "Tuấn Kiệt Official",
        "facebook",
        "inflated",
        "bought",
        620_000,
        8,
        6.5,
        0.5,
        "lifestyle",
        bot_share=0.66,
    ),
    # inflated: an engagement pod (three unrelated KOLs, one pod)
    KolSpec(
        "p1",
        "Bảo Ngân Trà Chiều",
        "facebook",
        "inflated",
        "pod",
        46_000,
        9,
        5.5,
        0.9,
        "food",
        pod_share=0.62,
    ),
    KolSpec(
        "p2",
        "Khánh Vy Xê Dịch",
        "facebook",
        "inflated",
        "pod",
        72_000,
        9,
        5.0,
        0.3,
        "travel",
        pod_share=0.66,
    ),
    KolSpec(
        "p3",
        "Minh Thư Makeup",
        "facebook",
        "inflated",
        "pod",
        118_000,
        9,
        4.5,
        0.2,
        "beauty",
        pod_share=0.6,
    ),
    # genuine micro-KOLs of the category
    KolSpec(
        "g1",
        "Trà Sữa Cùng Linh",
        "facebook",
        "genuine_micro",
        "genuine",
        18_500,
        10,
        5.5,
        0.9,
        "food",
    ),
    KolSpec(
        "g2",
        "Phương Anh Đi Cafe",
        "facebook",
        "genuine_micro",
        "genuine",
        36_000,
        11,
        4.0,
        0.85,
        "food",
        giveaway=True,
    ),
    KolSpec(
        "g3", "Hùng Bạc Xỉu", "tiktok", "genuine_micro", "genuine", 64_000, 10, 3.2, 0.8, "food"
    ),
    KolSpec(
        "g4",
        "Thảo Matcha Lab",
        "facebook",
        "genuine_micro",
        "genuine",
        112_000,
        10,
        2.6,
        0.9,
        "food",
        viral=True,
    ),
    KolSpec(
        "g5",
        "Quỳnh Uống Gì",
        "facebook",
        "genuine_micro",
        "genuine",
        178_000,
        9,
        2.2,
        0.75,
        "food",
        sponsor=True,
    ),
    KolSpec(
        "g5t", "Quỳnh Uống Gì", "tiktok", "genuine_micro", "genuine", 265_000, 9, 3.5, 0.8, "food"
    ),
    KolSpec(
        "g6",
        "Đức Anh Barista",
        "tiktok",
        "genuine_micro",
        "genuine",
        290_000,
        10,
        2.8,
        0.85,
        "food",
    ),
    # genuine macro / mega lifestyle accounts
    KolSpec(
        "m1",
        "Lan Hương Lifestyle",
        "facebook",
        "genuine_macro_mega",
        "genuine",
        460_000,
        9,
        1.6,
        0.35,
        "lifestyle",
        bot_share=0.08,
    ),
    KolSpec(
        "m2",
        "Ẩm Thực Sài Gòn TV",
        "tiktok",
        "genuine_macro_mega",
        "genuine",
        1_300_000,
        9,
        2.0,
        0.45,
        "food",
        bot_share=0.1,
    ),
    KolSpec(
        "m3",
        "Ca sĩ Hà My",
        "facebook",
        "genuine_macro_mega",
        "genuine",
        2_800_000,
        8,
        0.9,
        0.15,
        "music",
        bot_share=0.12,
        sponsor=True,
    ),
)

_DRINKS: Final = (
    "trà sữa trân châu đường đen",
    "matcha latte",
    "bạc xỉu",
    "trà đào cam sả",
    "trà sữa oolong nướng",
    "cà phê muối",
    "trà chanh giã tay",
    "sữa tươi trân châu",
    "cà phê trứng",
    "trà sữa khoai môn",
    "cold brew cam",
    "matcha đậu đỏ",
)
_PLACES: Final = (
    "quận 1",
    "quận 3",
    "Phú Nhuận",
    "Bình Thạnh",
    "Hoàn Kiếm",
    "Cầu Giấy",
    "Đà Lạt",
    "Thủ Đức",
    "Đống Đa",
    "Hải Châu",
)
_CAT_POSTS: Final = (
    "Review {drink} ở {place}: vị {taste}, giá {price}k. Chấm {score}/10 #trasua",
    "Hôm nay thử {drink} quán mới ở {place}, {taste} lắm mọi người ơi #caphe",
    "Top 3 món {drink} đáng thử nhất {place} tuần này, món thứ 2 {taste} cực",
    "So sánh {drink} 3 quán ở {place}: quán nào {taste} nhất? #milktea",
    "Tự pha {drink} tại nhà, công thức chi tiết bên dưới, {taste} không kém ngoài quán",
    "Đi uống {drink} một mình ở {place}, không gian chill, nước {taste} #cafe",
)
_TASTES: Final = ("thơm", "đậm vị", "béo nhẹ", "ít ngọt", "thanh", "hơi ngọt", "ngon")
_OTHER_POSTS: Final[dict[str, tuple[str, ...]]] = {
    "beauty": (
        "Routine skincare buổi tối của mình {n} bước",
        "Son màu mới lên môi xinh xỉu",
        "Review kem chống nắng cho da dầu số {n}",
    ),
    "food": (
        "Bún bò ở {place} ngon nhất mình từng ăn",
        "Ăn vặt {place} chiều nay lần {n}",
        "Lẩu nấm cuối tuần cùng hội bạn {n}",
    ),
    "fashion": (
        "Outfit đi làm tuần này số {n}",
        "Haul quần áo mùa hè lần {n}",
        "Phối đồ với áo sơ mi trắng {n} cách",
    ),
    "lifestyle": (
        "Một ngày của mình ở {place}",
        "Góc làm việc mới, gọn gàng hơn hẳn {n}",
        "Chia sẻ thói quen buổi sáng {n}",
    ),
    "travel": (
        "Lịch trình {n} ngày ở {place} siêu tiết kiệm",
        "Săn mây ở Đà Lạt lần {n}",
        "Homestay xinh ở {place} giá mềm",
    ),
    "music": (
        "MV mới ra mắt rồi mọi người ơi, lần {n}",
        "Hậu trường buổi diễn ở {place}",
        "Tập hát chuẩn bị show số {n}",
    ),
}
_SPONSOR: Final = " Hợp tác cùng Lumi Tea #quangcao #LumiTea"

_FAN_OPEN: Final = (
    "Mình",
    "Tuần trước mình",
    "Hôm qua mình",
    "Bữa mình",
    "Em",
    "Tụi mình",
    "Nhà mình",
    "Mình với bạn",
    "Chị",
    "Lần trước mình",
)
_FAN_BODY: Final = (
    "cũng ghé quán này rồi, {drink} {taste} thật",
    "uống thử {drink} thấy hơi ngọt so với khẩu vị",
    "thích {drink} ở đây nhất, giá vậy là ổn",
    "đi {place} toàn ghé chỗ này",
    "làm theo công thức {drink} của bạn, thành công luôn",
    "thấy quán đông quá phải chờ {n} phút",
    "gọi {drink} size L mà đá hơi nhiều",
    "mua {drink} cho cả phòng, ai cũng khen",
    "thấy trân châu ở đây dai vừa, không bị cứng",
    "lần đầu thử {drink}, sẽ quay lại",
    "nghe review xong chạy ra {place} mua liền",
    "vẫn thích quán cũ ở {place} hơn",
    "xem video này xong thèm {drink} quá",
    "đặt ship {drink} về mất {n} phút",
)
_FAN_CLOSE: Final = (
    "",
    "nha",
    "😍",
    "bạn ơi",
    "cảm ơn review",
    "❤️",
    "hehe",
    "ạ",
    "👍",
    "tks bạn",
    "lần sau review thêm quán {place} nha",
    "",
)
_OTHER_OPEN: Final = (
    "Ủa",
    "Trời ơi",
    "Thật sự",
    "Công nhận",
    "Nhìn",
    "Xem xong",
    "Hôm nay",
    "Bạn ơi",
    "Chị ơi",
    "Mới thấy",
    "Haha",
    "",
)
_OTHER_BODY: Final = (
    "chỗ này ở đâu vậy",
    "muốn đi {place} liền",
    "bạn mua cái này ở đâu vậy",
    "lưu lại để thử cuối tuần",
    "cái này giá bao nhiêu vậy",
    "chia sẻ thêm đi",
    "đẹp thật sự luôn",
    "mình cũng từng thử rồi, ổn áp",
    "nhìn ngon mắt ghê",
    "làm video phần {n} đi",
    "mình xem đi xem lại mấy lần",
    "ủng hộ bạn từ hồi {n}k follow",
    "có link không bạn",
    "cho mình xin thông tin với",
    "lần đầu xem kênh, thích ghê",
)
_BOT: Final = (
    "Hay quá",
    "Hay quáaa 👍",
    "Xinh quá 😍",
    "Tuyệt vời",
    "Quá đỉnh luôn",
    "Ủng hộ nha",
    "Đẹp quá ạ",
    "Tuyệt vời quá",
    "Hay quá ạ",
    "Nice",
    "Quá hay",
    "Đỉnh",
    "👍👍👍",
    "Top 1",
    "Chất lượng",
    "Xuất sắc",
)
_POD: Final = (
    "{topic} đỉnh thật sự",
    "Lại là {topic}, mê quá",
    "Hóng {topic} mãi",
    "{topic} xịn ghê",
    "Yêu {topic} của bạn",
    "{topic} số {n} là nhất",
    "Ủng hộ {topic} hết mình",
    "{topic} chất lượng luôn",
    "Đã share {topic}",
    "Chờ phần {n} {topic}",
)
_GIVEAWAY: Final = "Minigame tặng 20 ly {drink}: like, share và tag 2 bạn bè nhé #minigame"
_GIVE_COMMENT: Final = "Tham gia nha @{friend}"


def _period(config: DemoConfig) -> tuple[dt.datetime, int]:
    first = config.end_date - dt.timedelta(days=config.days - 1)
    start = dt.datetime(first.year, first.month, first.day, tzinfo=VN).astimezone(dt.UTC)
    return start, config.days


def _author_id(platform: str, n: int) -> str:
    # id ranges the rest of the demo never uses (its FB authors are 1000…, TikTok 68…)
    return f"10009{n:010d}" if platform == "facebook" else f"69{n:017d}"


def _post_id(platform: str, n: int) -> str:
    return f"9{n:014d}" if platform == "facebook" else f"79{n:017d}"


def _comment_id(platform: str, post: str, n: int) -> str:
    return f"{post}_{n}" if platform == "facebook" else f"78{n:017d}"


def _url(platform: str, author: str, sid: str) -> str:
    if platform == "facebook":
        return f"https://www.facebook.com/{author}/posts/{sid}"
    return f"https://www.tiktok.com/@{author}/video/{sid}"


class _Accounts:
    """Commenting accounts: (id, name, followers, joined) per platform."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.rows: dict[str, list[tuple[str, str, int, dt.date]]] = {"facebook": [], "tiktok": []}
        self.seq = 1000

    def make(
        self,
        platform: str,
        n: int,
        followers: tuple[int, int],
        age_days: tuple[int, int],
        at: dt.date,
        prefix: str,
    ) -> list[int]:
        out = []
        for _ in range(n):
            self.seq += 1
            age = int(self.rng.integers(*age_days))
            f = int(self.rng.integers(*followers))
            name = f"{prefix} {self.seq % 997}"
            self.rows[platform].append(
                (_author_id(platform, self.seq), name, f, at - dt.timedelta(days=age))
            )
            out.append(len(self.rows[platform]) - 1)
        return out


def _fill(template: str, rng: np.random.Generator, **kw: str) -> str:
    values = {
        "drink": str(rng.choice(_DRINKS)),
        "place": str(rng.choice(_PLACES)),
        "taste": str(rng.choice(_TASTES)),
        "price": str(int(rng.integers(25, 75))),
        "score": str(int(rng.integers(6, 10))),
        "n": str(int(rng.integers(2, 40))),
        **kw,
    }
    return template.format(**values)


def _fan_text(rng: np.random.Generator, drink: str) -> str:
    parts = [str(rng.choice(_FAN_OPEN)), _fill(str(rng.choice(_FAN_BODY)), rng, drink=drink)]
    close = _fill(str(rng.choice(_FAN_CLOSE)), rng)
    return " ".join(p for p in (*parts, close) if p)


def _other_text(rng: np.random.Generator) -> str:
    parts = (
        str(rng.choice(_OTHER_OPEN)),
        _fill(str(rng.choice(_OTHER_BODY)), rng),
        _fill(str(rng.choice(_FAN_CLOSE)), rng),
    )
    return " ".join(p for p in parts if p)


def kol_table(config: DemoConfig) -> pa.Table:
    """The KOL rows of ``config`` (deterministic, from their own random stream)."""
    rng = np.random.default_rng([config.seed, *STREAM])
    start, days = _period(config)
    end = start + dt.timedelta(days=days)
    mid = (start + dt.timedelta(days=days // 2)).date()
    acc = _Accounts(rng)
    kol_ids = {s.key: _author_id(s.platform, i + 1) for i, s in enumerate(CAST)}
    # the audiences: long-standing fans, a few new real users, bots, one pod per platform
    fans = {
        p: acc.make(p, 420, (30, 3000), (400, 3000), mid, "Fan") for p in ("facebook", "tiktok")
    }
    newbies = {p: acc.make(p, 60, (0, 40), (5, 80), mid, "Bạn mới") for p in ("facebook", "tiktok")}
    pod = {p: acc.make(p, 28, (150, 1500), (300, 1500), mid, "Hội") for p in ("facebook", "tiktok")}
    rows: list[dict[str, Any]] = []
    post_n = comment_n = 0
    collected = end + dt.timedelta(hours=3)
    last = end - dt.timedelta(minutes=1)

    def attrs(
        group: str,
        role: str,
        joined: dt.date | None,
        sentiment: str,
        brands: list[str],
        thread: str | None,
    ) -> str:
        a: dict[str, Any] = {
            "demo_truth": "kol",
            "demo_role": role,
            "kol_group": group,
            "true_sentiment": sentiment,
            "true_brands": brands,
            "thread_brand": thread,
            "true_language": "vi",
        }
        if joined is not None:
            a["author_joined"] = joined.isoformat()
        return json.dumps(a, ensure_ascii=False)

    for s in CAST:
        aid = kol_ids[s.key]
        video = s.platform == "tiktok"
        # post times spread over the period, leaving 3 days for the comments
        offsets = np.sort(rng.uniform(0.5, max(days - 3.5, 1.0), s.posts))
        category = rng.random(s.posts) < s.category_share
        category[0] = True  # everyone in the cast posts about the category at least once
        viral_at = int(rng.integers(1, s.posts)) if s.viral else -1
        give_at = int(rng.integers(1, s.posts)) if s.giveaway else -1
        for i in range(s.posts):
            post_n += 1
            sid = _post_id(s.platform, post_n)
            at = start + dt.timedelta(days=float(offsets[i]), hours=float(rng.uniform(-3, 3)))
            at = min(max(at, start + dt.timedelta(hours=1)), end - dt.timedelta(days=3))
            frac = (at - start) / (end - start)
            followers = s.followers
            if s.followers_from is not None:  # bought followers, delivered overnight
                followers = s.followers_from if frac < 0.45 else s.followers
            followers = int(followers * (1 + 0.03 * frac))
            drink = str(rng.choice(_DRINKS))
            sponsored = s.sponsor and category[i] and rng.random() < 0.5
            if i == give_at:
                text = _fill(_GIVEAWAY, rng, drink=drink)
            elif category[i]:
                text = _fill(str(rng.choice(_CAT_POSTS)), rng, drink=drink)
            else:
                text = _fill(str(rng.choice(_OTHER_POSTS[s.subject])), rng)
            if sponsored:
                text += _SPONSOR
            brands = ["lumi"] if sponsored else []
            ix = s.er / 100 * followers * float(rng.lognormal(0, 0.25))
            if i == viral_at:
                ix *= 14
            n_comments = (
                int(rng.integers(18, 34))
                if s.group != "genuine_macro_mega"
                else int(rng.integers(30, 45))
            )
            if i == give_at:
                n_comments = 45
            reported_comments = max(n_comments, int(ix * float(rng.uniform(0.02, 0.06))))
            if s.kind == "bought":  # bought likes: few comments for the likes
                reported_comments = max(n_comments, int(ix * 0.002))
            shares = int(ix * float(rng.uniform(0.01, 0.05)))
            likes = max(int(ix) - reported_comments - shares, 0)
            views = None
            if video:
                views = int(followers * float(rng.uniform(0.4, 1.6)))
                if s.kind == "bought":
                    views = int(likes * float(rng.uniform(1.2, 1.8)))
            rows.append(
                {
                    "workspace": config.workspace,
                    "platform": s.platform,
                    "source_id": sid,
                    "url": _url(s.platform, aid, sid),
                    "kind": "video" if video else "post",
                    "author_id": aid,
                    "author_name": s.name,
                    "author_followers": followers,
                    "author_verified": s.followers >= 1_000_000,
                    "author_kind": "person",
                    "text": text,
                    "created_at": at,
                    "source_tz": "+07:00",
                    "collected_at": collected,
                    "likes": likes,
                    "comments": reported_comments,
                    "shares": shares,
                    "views": views,
                    "attrs": attrs(
                        s.group, "kol_post", None, "positive", brands, "lumi" if brands else None
                    ),
                }
            )
            topic_word = text.split(":")[0].split(",")[0][:28].strip()
            for j in range(n_comments):
                comment_n += 1
                u = rng.random()
                if i == give_at and j < 36:
                    pool = fans if j % 3 else newbies
                    who = int(rng.choice(pool[s.platform]))
                    ctext = _GIVE_COMMENT.format(friend=str(rng.choice(_FAN_OPEN)) + str(j))
                    delay = float(rng.uniform(20, 600))
                    sent = "neutral"
                elif u < s.bot_share:
                    # a bot: new or empty account, generic words, right after posting
                    bots = acc.make(
                        s.platform,
                        1,
                        (0, 12),
                        (3, 85) if rng.random() < 0.7 else (150, 700),
                        at.date(),
                        "User",
                    )
                    who = bots[0]
                    ctext = str(rng.choice(_BOT))
                    delay = float(rng.uniform(1, 240))
                    sent = "positive"
                elif u < s.bot_share + s.pod_share:
                    who = int(rng.choice(pod[s.platform]))
                    ctext = _fill(str(rng.choice(_POD)), rng, topic=topic_word)
                    delay = float(rng.uniform(1, 45))
                    sent = "positive"
                else:
                    # organic: mostly long-standing fans, sometimes a new account
                    pool = newbies if rng.random() < 0.06 else fans
                    who = int(rng.choice(pool[s.platform]))
                    ctext = _fan_text(rng, drink) if category[i] else _other_text(rng)
                    delay = float(rng.lognormal(np.log(240), 1.0))
                    sent = "negative" if "ngọt" in ctext or "chờ" in ctext else "positive"
                cid, cname, cfol, joined = acc.rows[s.platform][who]
                cat = min(at + dt.timedelta(minutes=delay), last)
                csid = _comment_id(s.platform, sid, comment_n)
                rows.append(
                    {
                        "workspace": config.workspace,
                        "platform": s.platform,
                        "source_id": csid,
                        "url": _url(s.platform, aid, sid) + f"?comment_id={csid}",
                        "kind": "comment",
                        "parent_id": sid,
                        "author_id": cid,
                        "author_name": cname,
                        "author_followers": cfol,
                        "author_kind": "person",
                        "text": ctext,
                        "created_at": cat,
                        "source_tz": "+07:00",
                        "collected_at": collected,
                        "likes": int(rng.integers(0, 30)),
                        "attrs": attrs(s.group, "comment", min(joined, cat.date()), sent, [], None),
                    }
                )
    columns = list(dict.fromkeys(k for r in rows[:1] + rows[-1:] for k in r))
    return conform(pa.table({c: [r.get(c) for r in rows] for c in columns}))


def kol_rows(config: DemoConfig) -> int:
    """How many rows :func:`kol_table` yields."""
    return int(kol_table(config).num_rows)


def kol_truth(config: DemoConfig) -> dict[str, Any]:
    """The KOL cast of ``config``: who is inflated (and how), who is genuine."""
    out: dict[str, Any] = {g: [] for g in GROUPS}
    for i, s in enumerate(CAST):
        out[s.group].append(
            {
                "platform": s.platform,
                "author_id": _author_id(s.platform, i + 1),
                "name": s.name,
                "how": s.kind,
                "followers": s.followers,  # nominal; grows ~3 % over the period
                "category_share": s.category_share,
            }
        )
    out["rule"] = "attrs.demo_truth = 'kol' (attrs.kol_group names the KOL's group)"
    out["note"] = (
        "one person (Quỳnh Uống Gì) is listed twice, once per platform; profiles are per "
        "(platform, author_id)"
    )
    return out
