"""The plan of a demo data set: calendar, daily volumes and the situations.

Everything here is small (per day, per planned post) and decided up front from the seed,
so :func:`tinhieu.demo.ground_truth` can describe the data, with exact counts and the
ids of the key posts, without generating it.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt

from tinhieu.demo.arrays import F64, I8, I64
from tinhieu.demo.authors import FB, NEWS, REVIEW, TT, YT, Authors, build_authors
from tinhieu.demo.brands import BRAND_INDEX, BRANDS, CATEGORY_SHARE
from tinhieu.demo.config import DemoConfig
from tinhieu.demo.text import vocab
from tinhieu.text.normalise import fold

US: Final = 1_000_000
HOUR_US: Final = 3600 * US
DAY_US: Final = 24 * HOUR_US
VN_OFFSET_US: Final = 7 * HOUR_US
N_PLATFORMS: Final = 6
N_SUBJECTS: Final = len(BRANDS) + 1  # the brands, then the category (no brand)

# --- rhythm -----------------------------------------------------------------------------
# relative activity per local hour 0..23: low at night, lunch bump, evening peak 20-22h
HOURS_WEEKDAY: Final = np.array(
    [0.9, 0.5, 0.25, 0.15, 0.12, 0.25, 0.6, 1.1, 1.6, 1.8, 2.0, 2.5,
     3.0, 2.6, 2.0, 2.0, 2.2, 2.6, 3.0, 3.6, 4.6, 5.0, 4.4, 2.6]
)  # fmt: skip
HOURS_WEEKEND: Final = np.array(
    [1.3, 0.8, 0.4, 0.2, 0.15, 0.2, 0.4, 0.8, 1.3, 1.9, 2.4, 2.8,
     3.0, 2.8, 2.6, 2.7, 2.9, 3.1, 3.4, 3.9, 4.8, 5.2, 4.8, 3.2]
)  # fmt: skip
HOURS_NEWS: Final = np.array(
    [0.2, 0.1, 0.1, 0.1, 0.2, 0.6, 1.5, 2.5, 3.0, 3.0, 2.5, 2.0,
     1.6, 1.5, 1.5, 1.5, 1.5, 1.4, 1.2, 1.2, 1.1, 1.0, 0.8, 0.4]
)  # fmt: skip
# Monday .. Sunday: milk tea and coffee are weekend treats
WEEKDAY_MULT: Final = np.array([0.93, 0.95, 0.97, 1.0, 1.06, 1.16, 1.12])

# --- organic volume ---------------------------------------------------------------------
ROOTS_PER_DAY: Final = 238.0  # organic threads per day at scale 1
ROOT_PLATFORM_MIX: Final = np.array([0.38, 0.20, 0.05, 0.10, 0.03, 0.24])
CHILDREN_PER_ROOT: Final = np.array([2.6, 4.2, 4.0, 3.0, 0.0, 0.10])
BRAND_POST_CHILDREN: Final = {FB: 10.0, TT: 18.0, YT: 8.0}

# --- the crisis -------------------------------------------------------------------------
CRISIS_BRAND: Final = "lumi"
CRISIS_DAYS: Final = 14
CRISIS_LOCATION: Final = "Lê Văn Sỹ"
CRISIS_PRODUCT: Final = "trà sữa trân châu hoàng kim"
CRISIS_STAGES: Final = (
    ("complaints", 0, 2),
    ("buzz_rise", 2, 3),
    ("negative_turn", 3, 4),
    ("news_pickup", 4, 5),
    ("amplification", 5, 6),
    ("response", 6, 7),
    ("recovery", 7, 14),
)
# per day of the crisis: how far organic talk about the brand turns negative, and the
# complaint threads (posts, comments) on top of it
CRISIS_INTENSITY: Final = np.array(
    [0.05, 0.1, 0.2, 0.6, 0.7, 0.75, 0.6, 0.45, 0.32, 0.22, 0.14, 0.08, 0.05, 0.03]
)
CRISIS_STREAM_ROOTS: Final = np.array([2, 4, 8, 16, 22, 24, 20, 14, 10, 7, 5, 4, 3, 2])
CRISIS_STREAM_CHILDREN: Final = np.array(
    [10, 25, 50, 170, 260, 300, 260, 140, 90, 55, 35, 22, 14, 8]
)

GIVEAWAYS: Final = (("lumi", 0.5, 1800), ("meomap", 0.3, 600))
SEEDINGS: Final = (
    ("meomap", 0.42, 0.12, 700, (0, 1, 2, 3, 4, 5)),
    ("gac", 0.8, 0.10, 400, (1, 2, 3, 4)),
)
CAMPAIGN_COMMENTS: Final = 2200
CAMPAIGN_UGC: Final = 260


@dataclass(frozen=True)
class Period:
    start: dt.date
    days: int

    @property
    def start_us(self) -> int:
        """UTC microseconds of local (UTC+7) midnight starting the first day."""
        epoch = dt.date(1970, 1, 1)
        return (self.start - epoch).days * DAY_US - VN_OFFSET_US

    @property
    def end_us(self) -> int:
        return self.start_us + self.days * DAY_US

    def day_us(self, day: int) -> int:
        return self.start_us + day * DAY_US

    def date(self, day: int) -> dt.date:
        return self.start + dt.timedelta(days=day)

    @property
    def start_day(self) -> int:
        return (self.start - dt.date(1970, 1, 1)).days


def iso(us: int) -> str:
    """UTC ISO-8601 time of epoch microseconds."""
    t = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(us))
    return t.isoformat().replace("+00:00", "Z")


@dataclass
class PostSet:
    """Planned root posts with known ids (numbers) and collected-comment counts."""

    role: str
    platform: I8
    author: I64
    created: I64
    brand: I8
    number: I64
    children: I64
    day: I64
    stage: list[str] = field(default_factory=list)
    # comments that other situations add under these posts (seeding), for the counts
    extra_comments: I64 | None = None

    def select(self, mask: npt.NDArray[np.bool_]) -> PostSet:
        idx = np.flatnonzero(mask)
        return PostSet(
            self.role,
            self.platform[idx],
            self.author[idx],
            self.created[idx],
            self.brand[idx],
            self.number[idx],
            self.children[idx],
            self.day[idx],
            [self.stage[i] for i in idx] if self.stage else [],
            None if self.extra_comments is None else self.extra_comments[idx],
        )

    def __len__(self) -> int:
        return len(self.number)


@dataclass
class SeedingPlan:
    key: str
    brand: int
    start: int
    stop: int
    group: int  # index of the author group "seed:<group>:<platform>"
    templates: list[int]
    variants: list[list[str]]  # near-duplicate texts per cluster
    # one row per burst
    burst_day: I64
    burst_time: I64
    burst_cluster: I64
    burst_comments: I64
    burst_reviews: I64
    burst_posts: I64
    burst_parent: I64  # index into Plan.brand_posts of the post the comments go under

    @property
    def rows(self) -> int:
        return int(self.burst_comments.sum() + self.burst_reviews.sum() + self.burst_posts.sum())


@dataclass
class Plan:
    config: DemoConfig
    period: Period
    authors: Authors
    multiplier: F64  # (days, subjects) volume multiplier
    organic_roots: I64  # (days, subjects, platforms)
    organic_children: I64  # (days, platforms)
    brand_posts: PostSet
    campaign_window: tuple[int, int]
    kol_posts: PostSet
    campaign_brand_posts: PostSet
    ugc_roots: I64  # per day
    ugc_children: I64  # per day
    giveaways: PostSet
    seedings: list[SeedingPlan]
    crisis_start: int
    crisis_key: dict[str, PostSet]
    crisis_roots: I64  # streamed crisis roots per day
    crisis_children: I64  # their comments per day
    crisis_intensity: F64  # per day of the period
    numbers: dict[int, int]

    @property
    def expected_rows(self) -> int:
        sets = [self.brand_posts, self.kol_posts, self.campaign_brand_posts, self.giveaways]
        sets += list(self.crisis_key.values())
        total = int(self.organic_roots.sum() + self.organic_children.sum())
        total += sum(len(s) + int(s.children.sum()) for s in sets)
        total += int(self.ugc_roots.sum() + self.ugc_children.sum())
        total += int(self.crisis_roots.sum() + self.crisis_children.sum())
        total += sum(s.rows for s in self.seedings)
        return total


def _hours(rng: np.random.Generator, n: int, profile: F64) -> I64:
    p = profile / profile.sum()
    h = rng.choice(24, n, p=p)
    return (h * HOUR_US + rng.integers(0, HOUR_US, n)).astype(np.int64)


def times_in_days(
    rng: np.random.Generator, period: Period, days: I64, *, news: bool = False
) -> I64:
    """Creation times (UTC us) within the given local days, with the daily rhythm."""
    n = len(days)
    if news:
        within = _hours(rng, n, HOURS_NEWS)
    else:
        weekend = np.array([period.date(int(d)).weekday() >= 5 for d in np.unique(days)])
        is_weekend = np.zeros(int(days.max()) + 1 if n else 1, bool)
        is_weekend[np.unique(days)] = weekend
        wk = is_weekend[days] if n else np.zeros(0, bool)
        within = np.where(wk, _hours(rng, n, HOURS_WEEKEND), _hours(rng, n, HOURS_WEEKDAY))
    return (period.start_us + days.astype(np.int64) * DAY_US + within).astype(np.int64)


def at(period: Period, day: int, hour: float) -> int:
    return period.day_us(day) + int(hour * HOUR_US)


class _Numbers:
    """Ids of planned posts: per platform, below the range of streamed ids."""

    def __init__(self) -> None:
        self.next = dict.fromkeys(range(N_PLATFORMS), 1)

    def take(self, platform: I8) -> I64:
        out = np.empty(len(platform), np.int64)
        for i, p in enumerate(platform):
            out[i] = self.next[int(p)]
            self.next[int(p)] += 1
        return out


def _seed_variants(rnd: random.Random, template: str, brand: int, n: int) -> list[str]:
    raw = vocab().raw["seeding_edits"]
    b = BRANDS[brand]
    product = rnd.choice(b.products)
    forms = [f for f, _ in b.forms if f[:1].isupper()][:3]
    out: list[str] = []
    for k in range(n):
        text = template.replace("{P}", product).replace(
            "{B}", forms[0] if k < n // 2 else rnd.choice(forms)
        )
        if k == 0:
            out.append(text)
            continue
        for options in raw["swaps"]:
            present = [o for o in options if o in text]
            if present and rnd.random() < 0.5:
                text = text.replace(present[0], rnd.choice(options), 1)
        if rnd.random() < 0.15:
            words = text.split(" ")
            i = rnd.randrange(len(words))
            words[i] = fold(words[i])
            text = " ".join(words)
        if rnd.random() < 0.15:
            text = text[:1].lower() + text[1:]
        text = text.rstrip() + rnd.choice(raw["suffixes"])
        out.append(text)
    return out


def _window(days: int, start_frac: float, len_frac: float, min_len: int) -> tuple[int, int]:
    start = round(start_frac * days)
    stop = min(days, start + max(min_len, round(len_frac * days)))
    return start, stop


@lru_cache(maxsize=1)
def build_plan(config: DemoConfig) -> Plan:
    days, scale = config.days, config.scale
    period = Period(config.end_date - dt.timedelta(days=days - 1), days)
    rng = np.random.default_rng([config.seed, 0x91A2])
    rnd = random.Random(config.seed * 7_919 + 1)  # noqa: S311 (synthetic data, not security)
    numbers = _Numbers()

    # --- calendar of the situations ---------------------------------------------------
    # windows are fractions of the period; on short periods (under ~45 days) they
    # shrink, may overlap, and the crisis loses the end of its recovery
    short = min(5, max(2, days // 6))
    campaign = _window(days, 0.2, 0.12, short)
    crisis_start = max(days - CRISIS_DAYS - max(1, round(0.14 * days)), round(0.35 * days))
    seed_windows = [_window(days, s, ln, min(4, short)) for _, s, ln, _, _ in SEEDINGS]
    seed_sizes = [max(30, round(rows * scale)) for *_, rows, _ in SEEDINGS]
    authors = build_authors(
        config.seed,
        scale,
        period.start_day,
        [
            (period.start_day + w[0], max(20, round(0.25 * n)), max(8, round(0.09 * n)))
            for w, n in zip(seed_windows, seed_sizes, strict=True)
        ],
    )

    # --- volume multipliers per day and subject -----------------------------------------
    weekday = np.array([period.date(d).weekday() for d in range(days)])
    noise = np.zeros(days)
    for d in range(1, days):
        noise[d] = 0.6 * noise[d - 1] + rng.normal(0, 0.06)
    base = WEEKDAY_MULT[weekday] * np.exp(0.0015 * np.arange(days) + noise)
    mult = base[:, None] * np.exp(rng.normal(0, 0.05, (days, N_SUBJECTS)))
    lumi = BRAND_INDEX["lumi"]
    mult[campaign[0] : campaign[1], lumi] *= 1.2
    mult[campaign[1] : campaign[1] + 5, lumi] *= 1.1
    intensity = np.zeros(days)
    span = min(CRISIS_DAYS, days - crisis_start)
    intensity[crisis_start : crisis_start + span] = CRISIS_INTENSITY[:span]
    mult[:, BRAND_INDEX[CRISIS_BRAND]] *= 1 + 0.5 * intensity
    shares = np.array([b.share for b in BRANDS] + [CATEGORY_SHARE])
    lam = ROOTS_PER_DAY * scale * mult * shares[None, :]
    roots_ds = rng.poisson(lam)
    organic_roots = np.zeros((days, N_SUBJECTS, N_PLATFORMS), np.int64)
    for d in range(days):
        for s in range(N_SUBJECTS):
            organic_roots[d, s] = rng.multinomial(roots_ds[d, s], ROOT_PLATFORM_MIX)
    organic_children = rng.poisson(organic_roots.sum(axis=1) * CHILDREN_PER_ROOT[None, :])

    # --- brand posts --------------------------------------------------------------------
    seed_days = {
        (BRAND_INDEX[key], d)
        for (key, *_), w in zip(SEEDINGS, seed_windows, strict=True)
        for d in range(w[0], w[1])
    }
    bp_platform: list[int] = []
    bp_brand: list[int] = []
    bp_day: list[int] = []
    bp_created: list[int] = []
    bp_seed_parent: dict[tuple[int, int], int] = {}
    for d in range(days):
        for bi in range(len(BRANDS)):
            n_fb = min(3, int(rng.poisson(1.1)))
            if (bi, d) in seed_days:
                bp_seed_parent[(bi, d)] = len(bp_platform)
                bp_platform.append(FB)
                bp_brand.append(bi)
                bp_day.append(d)
                bp_created.append(at(period, d, 10 + rng.random()))
            for p, n in (
                (FB, n_fb),
                (TT, int(rng.random() < 0.45)),
                (YT, int(rng.random() < 0.06)),
            ):
                for _ in range(n):
                    hour = (
                        10.5 + 1.5 * rng.random() if rng.random() < 0.5 else 19 + 2 * rng.random()
                    )
                    bp_platform.append(p)
                    bp_brand.append(bi)
                    bp_day.append(d)
                    bp_created.append(at(period, d, hour))
    bp_p = np.array(bp_platform, np.int8)
    bp_b = np.array(bp_brand, np.int8)
    bp_author = np.array(
        [authors.brand_account[(int(b), int(p))] for b, p in zip(bp_b, bp_p, strict=True)], np.int64
    )
    bp_mean = np.array([BRAND_POST_CHILDREN[int(p)] for p in bp_p]) * scale
    bp_mean *= np.sqrt(authors.followers[bp_author] / 500_000)
    bp_days = np.array(bp_day, np.int64)
    bp_mean *= 1 + 2 * intensity[bp_days] * (bp_b == BRAND_INDEX[CRISIS_BRAND])
    brand_posts = PostSet(
        "brand_post",
        bp_p,
        bp_author,
        np.array(bp_created, np.int64),
        bp_b,
        numbers.take(bp_p),
        rng.poisson(bp_mean).astype(np.int64),
        bp_days,
    )

    # --- KOL campaign for our brand ---------------------------------------------------------
    n_kol = max(8, round(18 * math.sqrt(scale)))
    tiers = [1, max(1, round(0.15 * n_kol)), round(0.4 * n_kol)]
    tiers = [tiers[0], tiers[1], tiers[2], n_kol - sum(tiers)][::-1]  # nano..mega
    k_platform: list[int] = []
    k_author: list[int] = []
    for t, count in enumerate(tiers):
        for _ in range(count):
            p = int(rng.choice([TT, FB, YT], p=[0.45, 0.35, 0.20]))
            group = authors.groups[f"kol:{p}:{t}"]
            used = {a for a, q in zip(k_author, k_platform, strict=True) if q == p}
            free = [a for a in group.members() if a not in used]
            k_author.append(int(rng.choice(free)) if free else int(rng.choice(group.members())))
            k_platform.append(p)
    kp = np.array(k_platform, np.int8)
    ka = np.array(k_author, np.int64)
    kday = rng.integers(campaign[0], campaign[1], n_kol).astype(np.int64)
    kcreated = np.array([at(period, int(d), 18 + 4.5 * rng.random()) for d in kday], np.int64)
    w = authors.followers[ka].astype(np.float64) ** 0.55 * np.exp(rng.normal(0, 0.4, n_kol))
    kchildren = 1 + rng.multinomial(max(0, round(CAMPAIGN_COMMENTS * scale) - n_kol), w / w.sum())
    kol_posts = PostSet(
        "kol_post",
        kp,
        ka,
        kcreated,
        np.full(n_kol, lumi, np.int8),
        numbers.take(kp),
        kchildren.astype(np.int64),
        kday,
    )
    cb_p = np.array([FB, TT], np.int8)
    cb_day = np.array([campaign[0], min(campaign[0] + 2, campaign[1] - 1)], np.int64)
    campaign_brand_posts = PostSet(
        "campaign_brand_post",
        cb_p,
        np.array([authors.brand_account[(lumi, FB)], authors.brand_account[(lumi, TT)]], np.int64),
        np.array([at(period, int(cb_day[0]), 10), at(period, int(cb_day[1]), 19.5)], np.int64),
        np.full(2, lumi, np.int8),
        numbers.take(cb_p),
        np.full(2, max(1, round(60 * scale)), np.int64),
        cb_day,
    )
    ugc_w = np.zeros(days)
    ugc_w[campaign[0] : campaign[1]] = 1.0
    tail = np.arange(campaign[1], min(days, campaign[1] + 5))
    ugc_w[tail] = 0.5 ** (tail - campaign[1] + 1)
    ugc_roots = np.round(CAMPAIGN_UGC * scale * ugc_w / ugc_w.sum()).astype(np.int64)
    ugc_children = np.round(ugc_roots * 1.1).astype(np.int64)

    # --- giveaway minigames ---------------------------------------------------------------
    g_brand = np.array([BRAND_INDEX[k] for k, _, _ in GIVEAWAYS], np.int8)
    g_day = np.array([round(f * days) for _, f, _ in GIVEAWAYS], np.int64)
    g_p = np.full(len(GIVEAWAYS), FB, np.int8)
    giveaways = PostSet(
        "giveaway_post",
        g_p,
        np.array([authors.brand_account[(int(b), FB)] for b in g_brand], np.int64),
        np.array([at(period, int(d), 11) for d in g_day], np.int64),
        g_brand,
        numbers.take(g_p),
        np.array([max(20, round(n * scale)) for *_, n in GIVEAWAYS], np.int64),
        g_day,
    )

    # --- seeding clusters -------------------------------------------------------------------
    seedings: list[SeedingPlan] = []
    seed_set = vocab().sets["seeding"]
    for k, ((key, _, _, _, templates), win, size) in enumerate(
        zip(SEEDINGS, seed_windows, seed_sizes, strict=True)
    ):
        bi = BRAND_INDEX[key]
        variants = [_seed_variants(rnd, seed_set.texts[t], bi, 30) for t in templates]
        weights = rng.dirichlet(np.full(len(templates), 4.0))
        per_cluster = rng.multinomial(size, weights)
        rows_day: list[int] = []
        rows_time: list[int] = []
        rows_cluster: list[int] = []
        rows_n: list[int] = []
        for c, n_c in enumerate(per_cluster):
            n_b = int(rng.integers(2, 5))
            split = rng.multinomial(n_c, np.full(n_b, 1 / n_b))
            for n_rows in split:
                d = int(rng.integers(win[0], win[1]))
                rows_day.append(d)
                rows_time.append(at(period, d, 12 + 10 * rng.random()))
                rows_cluster.append(c)
                rows_n.append(int(n_rows))
        nb = np.array(rows_n, np.int64)
        comments = np.round(nb * 0.5).astype(np.int64)
        reviews = np.round(nb * 0.3).astype(np.int64)
        posts = nb - comments - reviews
        seedings.append(
            SeedingPlan(
                key=f"seeding-{key}",
                brand=bi,
                start=win[0],
                stop=win[1],
                group=k,
                templates=list(templates),
                variants=variants,
                burst_day=np.array(rows_day, np.int64),
                burst_time=np.array(rows_time, np.int64),
                burst_cluster=np.array(rows_cluster, np.int64),
                burst_comments=comments,
                burst_reviews=reviews,
                burst_posts=posts,
                burst_parent=np.array([bp_seed_parent[(bi, d)] for d in rows_day], np.int64),
            )
        )

    extra = np.zeros(len(brand_posts), np.int64)
    for sp in seedings:
        np.add.at(extra, sp.burst_parent, sp.burst_comments)
    brand_posts.extra_comments = extra

    # --- the crisis ---------------------------------------------------------------------------
    cb = BRAND_INDEX[CRISIS_BRAND]
    c0 = crisis_start
    crisis_roots = np.zeros(days, np.int64)
    crisis_children = np.zeros(days, np.int64)
    crisis_roots[c0 : c0 + span] = np.maximum(
        1, np.round(CRISIS_STREAM_ROOTS[:span] * scale)
    ).astype(np.int64)
    crisis_children[c0 : c0 + span] = np.round(CRISIS_STREAM_CHILDREN[:span] * scale).astype(
        np.int64
    )

    def key_posts(
        role: str, specs: list[tuple[int, int, int, float, int]], stage_of: bool = True
    ) -> PostSet:
        # specs: (platform, author, day offset, local hour, collected comments)
        p = np.array([s[0] for s in specs], np.int8)
        day = np.array([c0 + s[2] for s in specs], np.int64)
        stages = [_stage(s[2]) for s in specs] if stage_of else []
        return PostSet(
            role,
            p,
            np.array([s[1] for s in specs], np.int64),
            np.array([at(period, c0 + s[2], s[3]) for s in specs], np.int64),
            np.full(len(specs), cb, np.int8),
            numbers.take(p),
            np.array([s[4] for s in specs], np.int64),
            day,
            stages,
        )

    def person(p: int) -> int:
        return int(authors.groups[f"person:{p}"].sample(rng.random(1))[0])

    sc = scale
    news_sites = authors.groups["news:site"].members()
    news_fb = authors.groups["news:fb"].members()
    outlets = rng.permutation(len(news_sites))
    big = authors.big_pages[rng.permutation(len(authors.big_pages))]
    crisis_key = {
        "first_complaint": key_posts(
            "first_complaint",
            [
                (FB, person(FB), 0, 21.3, max(1, round(8 * sc))),
                (REVIEW, person(REVIEW), 0, 22.1, 0),
                (TT, person(TT), 1, 12.4, max(1, round(12 * sc))),
            ],
        ),
        "news_article": key_posts(
            "news_article",
            [(NEWS, int(news_sites[outlets[i]]), 4, 7 + 1.3 * i, 0) for i in range(4)]
            + [(NEWS, int(news_sites[outlets[4 + i]]), 5, 8 + 2.1 * i, 0) for i in range(3)],
        ),
        "news_page_post": key_posts(
            "news_page_post",
            [
                (
                    FB,
                    int(news_fb[outlets[i]]),
                    4 + i // 3,
                    9 + 2.5 * (i % 3),
                    max(1, round(80 * sc)),
                )
                for i in range(5)
            ],
        ),
        "big_page_post": key_posts(
            "big_page_post",
            [
                (
                    int(authors.platform[big[i]]),
                    int(big[i]),
                    5 if i < 3 else 6,
                    19 + i * 0.7,
                    max(1, round(250 * sc)),
                )
                for i in range(4)
            ],
        ),
        "statement": key_posts(
            "statement",
            [(FB, authors.brand_account[(cb, FB)], 6, 18.5, max(1, round(400 * sc)))],
        ),
        "response_news": key_posts(
            "response_news",
            [(NEWS, int(news_sites[outlets[i]]), 7, 8 + 2 * i, 0) for i in range(2)],
        ),
    }
    for name, ps in list(crisis_key.items()):
        crisis_key[name] = ps.select(ps.day < days)

    return Plan(
        config=config,
        period=period,
        authors=authors,
        multiplier=mult,
        organic_roots=organic_roots,
        organic_children=organic_children.astype(np.int64),
        brand_posts=brand_posts,
        campaign_window=campaign,
        kol_posts=kol_posts,
        campaign_brand_posts=campaign_brand_posts,
        ugc_roots=ugc_roots,
        ugc_children=ugc_children,
        giveaways=giveaways,
        seedings=seedings,
        crisis_start=crisis_start,
        crisis_key=crisis_key,
        crisis_roots=crisis_roots,
        crisis_children=crisis_children,
        crisis_intensity=intensity,
        numbers=dict(numbers.next),
    )


def _stage(offset: int) -> str:
    for name, lo, hi in CRISIS_STAGES:
        if lo <= offset < hi:
            return name
    return "after"


def crisis_stage_of_day(plan: Plan, day: int) -> str | None:
    off = day - plan.crisis_start
    if 0 <= off < CRISIS_DAYS:
        return _stage(off)
    return None
