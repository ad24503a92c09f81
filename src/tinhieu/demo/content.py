"""Text content of the demo data: the string pool, slots, opinions, questions, news.

Texts are built as matrices of string-pool ids (one column per piece: lead, clause,
slot value, connector, closer, emoji, hashtags) in numpy and turned into strings once, in
:func:`tinhieu.demo.threads.to_table`, with one Arrow ``take`` per column and a join.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from tinhieu.demo.arrays import F64, I8, I64, B
from tinhieu.demo.authors import (
    FB,
    FORUM,
    NEWS,
    NEWS_KIND,
    PLATFORMS,
    REVIEW,
    TT,
    YT,
    Authors,
)
from tinhieu.demo.brands import BRAND_INDEX, BRANDS
from tinhieu.demo.plan import (
    CRISIS_BRAND,
    CRISIS_LOCATION,
    CRISIS_PRODUCT,
    DAY_US,
    N_SUBJECTS,
    Plan,
    crisis_stage_of_day,
)
from tinhieu.demo.text import (
    ASPECTS,
    EMPH,
    N_STYLES,
    NEG,
    NEU,
    POS,
    S_B,
    S_B2,
    S_BT,
    S_CP,
    S_D,
    S_DATE,
    S_H,
    S_L,
    S_N,
    S_N2,
    S_N3,
    S_P,
    S_PR,
    SENTIMENTS,
    STD,
    Slots,
    StringPool,
    TemplateSet,
    Vocab,
    aspect_entry,
    hstack,
    pick,
    render,
    vocab,
)
from tinhieu.schema import AUTHOR_KINDS, KINDS

STREAM_BASE: Final = 10_000_000  # streamed ids start here; planned ids are below
JOB_ID_SPAN: Final = 1_000_000_000  # each job numbers its rows from its own base
K_POST, K_COMMENT, K_REPLY, K_REVIEW, K_ARTICLE, K_VIDEO = (
    KINDS.index(k) for k in ("post", "comment", "reply", "review", "article", "video")
)
ROOT_KIND: Final = np.array([K_POST, K_VIDEO, K_VIDEO, K_POST, K_ARTICLE, K_REVIEW], np.int8)

ROOT, COMMENT, REPLY = 0, 1, 2
# writing-style probabilities (standard, teencode, no diacritics, both, emphatic);
# rows: facebook, tiktok, youtube, forum, news, review
ROOT_STYLES: Final = np.array(
    [
        [0.45, 0.25, 0.12, 0.08, 0.10],
        [0.40, 0.25, 0.10, 0.08, 0.17],
        [0.60, 0.15, 0.10, 0.05, 0.10],
        [0.45, 0.25, 0.18, 0.12, 0.00],
        [1.00, 0.00, 0.00, 0.00, 0.00],
        [0.55, 0.20, 0.15, 0.05, 0.05],
    ]
)
# P(second clause) by role and platform
P_HAS2: Final = np.array(
    [
        [0.35, 0.25, 0.35, 0.60, 0.0, 0.50],
        [0.20, 0.12, 0.20, 0.35, 0.2, 0.20],
        [0.10, 0.08, 0.10, 0.25, 0.1, 0.10],
    ]
)
# comment sentiment given the sentiment of what it answers (rows NEG, NEU, POS)
FOLLOW: Final = np.array([[0.55, 0.30, 0.15], [0.22, 0.50, 0.28], [0.12, 0.38, 0.50]])
SHARE_SUFFIX: Final = " 👉 Đọc chi tiết trong bình luận đầu tiên."
TRUTHS: Final = ("organic", "campaign", "giveaway", "seeding", "crisis")
ROLES: Final = (
    *KINDS,
    "brand_reply",
    "brand_post",
    "kol_post",
    "campaign_brand_post",
    "ugc",
    "giveaway_post",
    "first_complaint",
    "news_article",
    "news_page_post",
    "big_page_post",
    "statement",
    "response_news",
    "noise",
)


def to_cdf(p: npt.NDArray[np.float64]) -> F64:
    c = np.cumsum(p / p.sum(axis=-1, keepdims=True), axis=-1)
    c[..., -1] = 1.0
    return c


def sample_rows(rng: np.random.Generator, cdf: F64, row: npt.NDArray[np.integer]) -> I64:
    """Draw one category per row from ``cdf[row[i]]``."""
    u = rng.random(len(row))
    out: I64 = (u[:, None] > cdf[row]).sum(axis=1).astype(np.int64)
    return out


# --- the static string pool ------------------------------------------------------------------
@dataclass
class Pools:
    vocab: Vocab
    static: pa.Array  # every fixed string; dynamic ones (names, dates) follow it per Ctx
    forms: int  # styled brand forms
    form_start: I64
    form_cdf: list[F64]
    form_canonical: I64
    products: int  # styled; subject N_SUBJECTS - 1 is generic drinks
    product_start: I64
    product_count: I64
    locations: int
    n_locations: int
    prices: int
    n_prices: int
    discounts: int
    n_discounts: int
    hashtags: int
    hashtag_start: I64
    hashtag_count: I64
    crisis_location: int
    crisis_product: int
    campaign_product: int
    campaign_hashtag: int
    aspect_combo: int  # '{a1[,a2]}' JSON at aspect_combo + k1 * 25 + (k2 or 24)
    space: int
    bar: int
    share_suffix: int
    aspect_cdf: F64  # (subjects, aspects)
    polarity_cdf: F64  # (subjects * aspects, 3)
    platforms: pa.Array
    kinds: pa.Array
    author_kinds: pa.Array


@lru_cache(maxsize=1)
def pools() -> Pools:
    v = vocab()
    st = v.styler
    pool: StringPool = v.pool
    forms: list[str] = []
    form_start, form_cdf, canonical = [], [], []
    for b in BRANDS:
        form_start.append(len(forms))
        names = [f for f, _ in b.forms]
        form_cdf.append(to_cdf(np.array([x for _, x in b.forms])))
        canonical.append(len(forms) + (names.index(b.name) if b.name in names else 0))
        forms.extend(names)
    products: list[str] = []
    p_start, p_count = [], []
    for prods in [b.products for b in BRANDS] + [tuple(v.raw["places"]["generic_products"])]:
        p_start.append(len(products))
        p_count.append(len(prods))
        products.extend(prods)
    tags: list[str] = []
    t_start, t_count = [], []
    for hs in [b.hashtags for b in BRANDS] + [("#trasua", "#cafe", "#milktea")]:
        t_start.append(len(tags))
        t_count.append(len(hs))
        tags.extend(hs)
    category_aspects = [0.25, 0.3, 0.1, 0.08, 0.05, 0.02, 0.1, 0.1]
    aspect_w = np.array([b.aspect_weights for b in BRANDS] + [category_aspects])
    neg = np.array([b.negative for b in BRANDS] + [[0.3, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2]])
    neu = np.array([b.neutral for b in BRANDS] + [[0.35] * 8])
    pol = np.stack([neg, neu, 1 - neg - neu], axis=-1).reshape(-1, 3)
    n_k = len(ASPECTS) * 3
    entries = [aspect_entry(a, p) for a in range(len(ASPECTS)) for p in range(3)]
    combos = [
        "{" + entries[k1] + ("," + entries[k2] if k2 < n_k else "") + "}"
        for k1 in range(n_k)
        for k2 in range(n_k + 1)
    ]
    places = v.raw["places"]
    camp = v.raw["campaign"]
    out = Pools(
        vocab=v,
        static=pa.array([], pa.string()),
        forms=pool.styled(forms, st),
        form_start=np.array(form_start, np.int64),
        form_cdf=form_cdf,
        form_canonical=np.array(canonical, np.int64),
        products=pool.styled(products, st),
        product_start=np.array(p_start, np.int64),
        product_count=np.array(p_count, np.int64),
        locations=pool.styled(places["locations"], st),
        n_locations=len(places["locations"]),
        prices=pool.styled(places["prices"], st),
        n_prices=len(places["prices"]),
        discounts=pool.add(places["discounts"]),
        n_discounts=len(places["discounts"]),
        hashtags=pool.add(tags),
        hashtag_start=np.array(t_start, np.int64),
        hashtag_count=np.array(t_count, np.int64),
        crisis_location=pool.styled([CRISIS_LOCATION], st),
        crisis_product=pool.styled([CRISIS_PRODUCT], st),
        campaign_product=pool.styled([camp["product"]], st),
        campaign_hashtag=pool.const(camp["hashtag"]),
        aspect_combo=pool.add(combos),
        space=pool.const(" "),
        bar=pool.const(" | "),
        share_suffix=pool.const(SHARE_SUFFIX),
        aspect_cdf=to_cdf(aspect_w),
        polarity_cdf=to_cdf(pol),
        platforms=pa.array(list(PLATFORMS), pa.string()),
        kinds=pa.array(list(KINDS), pa.string()),
        author_kinds=pa.array(list(AUTHOR_KINDS), pa.string()),
    )
    out.static = pool.array()
    return out


# --- content ------------------------------------------------------------------------------
def _pad(m: I64, width: int) -> I64:
    if m.shape[1] >= width:
        return m
    return np.hstack([m, np.zeros((m.shape[0], width - m.shape[1]), np.int64)])


@dataclass
class Content:
    """Texts as pool-id matrices, with their true labels."""

    ids: I64  # (n, k) text pieces
    title: I64  # (n, k) title pieces
    has_title: B
    sentiment: I8
    aspect: I64  # pool id of the true-aspects JSON
    named: I64  # slot mask: which brand slots the text (or title) uses
    english: B
    noise: B
    rating: I8  # review stars, -1 = none
    brand2: I8  # the second brand a {B2} slot named, -1 = none

    @staticmethod
    def make(ids: I64, sentiment: I8, aspect: I64, named: I64, brand2: I8) -> Content:
        n = ids.shape[0]
        return Content(
            ids=ids,
            title=np.zeros((n, 1), np.int64),
            has_title=np.zeros(n, bool),
            sentiment=sentiment.astype(np.int8),
            aspect=aspect.astype(np.int64),
            named=named.astype(np.int64),
            english=np.zeros(n, bool),
            noise=np.zeros(n, bool),
            rating=np.full(n, -1, np.int8),
            brand2=brand2.astype(np.int8),
        )

    @staticmethod
    def merge(n: int, parts: Sequence[tuple[I64, Content]]) -> Content:
        parts = [(i, c) for i, c in parts if len(i)]
        kw = max([c.ids.shape[1] for _, c in parts] + [1])
        kt = max([c.title.shape[1] for _, c in parts] + [1])
        out = Content(
            ids=np.zeros((n, kw), np.int64),
            title=np.zeros((n, kt), np.int64),
            has_title=np.zeros(n, bool),
            sentiment=np.full(n, NEU, np.int8),
            aspect=np.zeros(n, np.int64),
            named=np.zeros(n, np.int64),
            english=np.zeros(n, bool),
            noise=np.zeros(n, bool),
            rating=np.full(n, -1, np.int8),
            brand2=np.full(n, -1, np.int8),
        )
        for idx, c in parts:
            out.ids[idx] = _pad(c.ids, kw)
            out.title[idx] = _pad(c.title, kt)
            for name in ("has_title", "sentiment", "aspect", "named", "english", "noise"):
                getattr(out, name)[idx] = getattr(c, name)
            out.rating[idx] = c.rating
            out.brand2[idx] = c.brand2
        return out

    def take(self, idx: I64) -> Content:
        return Content(
            ids=self.ids[idx],
            title=self.title[idx],
            has_title=self.has_title[idx],
            sentiment=self.sentiment[idx],
            aspect=self.aspect[idx],
            named=self.named[idx],
            english=self.english[idx],
            noise=self.noise[idx],
            rating=self.rating[idx],
            brand2=self.brand2[idx],
        )


class Ctx:
    """What every unit needs: the plan, the string pool, the id counters."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.authors: Authors = plan.authors
        self.pools = pools()
        self.v = self.pools.vocab
        self.root_next = dict.fromkeys(range(len(PLATFORMS)), STREAM_BASE)
        self.child_next = dict.fromkeys(range(len(PLATFORMS)), STREAM_BASE)
        self.end_us = plan.period.end_us
        self.people = plan.authors.groups[f"person:{FB}"]
        # the pool: static strings, then author names (for @tags), then this plan's own
        static = self.pools.static
        self.names_base = len(static)
        dyn = StringPool()
        self.seed_base = [
            dyn.add([v for vs in sp.variants for v in vs]) - 1 for sp in plan.seedings
        ]
        # pieces of the attrs JSON
        self.truth_id = {
            t: dyn.const('{"demo_truth":"' + t + '","demo_role":"') - 1 for t in TRUTHS
        }
        self.role_id = {r: dyn.const(r) - 1 for r in ROLES}
        self.kind_role = np.array([self.role_id[k] for k in KINDS], np.int64)
        self.sent_base = (
            dyn.add([f'","true_sentiment":"{x}","true_aspects":' for x in SENTIMENTS]) - 1
        )
        keys = [b.key for b in BRANDS]
        brands_lang: list[str] = []
        for i in range(5):
            for j in range(5):
                named = ",".join(f'"{k}"' for k in dict.fromkeys(keys[x] for x in (i, j) if x < 4))
                for t in range(5):
                    thread = f'"{keys[t]}"' if t < 4 else "null"
                    for lang in ("vi", "en"):
                        brands_lang.append(
                            f',"true_brands":[{named}],"thread_brand":{thread},'
                            f'"true_language":"{lang}"'
                        )
        self.brands_base = dyn.add(brands_lang) - 1
        self.rating_base = dyn.add([f',"rating":{r}' for r in range(6)]) - 1
        self.stage_base = (
            dyn.add(
                [
                    f',"crisis_stage":"{x}"' if (x := crisis_stage_of_day(plan, d)) else ""
                    for d in range(plan.period.days)
                ]
            )
            - 1
        )
        self.cluster_base = [
            dyn.add([f',"seeding_cluster":"{sp.key}-{c + 1}"' for c in range(len(sp.templates))])
            - 1
            for sp in plan.seedings
        ]
        self.close = dyn.const("}") - 1
        known = self.authors.joined[self.authors.joined >= 0]
        self.first_joined = int(known.min()) if len(known) else 0
        last = int(known.max()) if len(known) else 0
        days = np.arange(self.first_joined, last + 1).astype("datetime64[D]")
        self.joined_base = (
            dyn.add([f',"author_joined":"{d}"' for d in np.datetime_as_string(days)]) - 1
        )
        self.dates = {
            plan.period.date(d).strftime("%d/%m"): dyn.const(plan.period.date(d).strftime("%d/%m"))
            - 1
            for d in range(plan.period.days)
        }
        self.dyn_base = self.names_base + len(self.authors.names)
        self.pool = pa.concat_arrays([static, self.authors.names, dyn.array().slice(1)])

    def for_job(self, index: int) -> Ctx:
        """A view for job ``index``: the same data, and that job's own range of ids."""
        view = copy.copy(self)
        base = STREAM_BASE + index * JOB_ID_SPAN
        view.root_next = dict.fromkeys(range(len(PLATFORMS)), base)
        view.child_next = dict.fromkeys(range(len(PLATFORMS)), base)
        return view

    def set(self, name: str) -> TemplateSet:
        return self.v.sets[name]

    def date_id(self, date: str) -> int:
        return self.dyn_base + self.dates[date] if date else 0

    def take_numbers(self, counter: dict[int, int], platform: I8) -> I64:
        out = np.empty(len(platform), np.int64)
        for p in np.flatnonzero(np.bincount(platform, minlength=len(PLATFORMS))):
            m = platform == p
            k = int(m.sum())
            out[m] = np.arange(counter[int(p)], counter[int(p)] + k)
            counter[int(p)] += k
        return out

    def day_of(self, created: I64) -> I64:
        d = (created - self.plan.period.start_us) // DAY_US
        return np.clip(d, 0, self.plan.period.days - 1).astype(np.int64)


def styles(rng: np.random.Generator, table: F64, platform: I8) -> I8:
    return sample_rows(rng, to_cdf(table), platform).astype(np.int8)


def make_slots(
    ctx: Ctx,
    rng: np.random.Generator,
    brand: I8,
    style: I8,
    *,
    canonical: bool | B = False,
    crisis: bool = False,
    date: str = "",
) -> Slots:
    """Pool ids of the slot values of each row (drawn when a template first needs them).

    Rows marked ``canonical`` (brands, news outlets) write brand names properly.
    """
    p = ctx.pools
    n = len(brand)
    canon = np.broadcast_to(np.asarray(canonical, bool), (n,))
    st = style.astype(np.int64)
    b = brand.astype(np.int64)
    subj = np.where(b < 0, N_SUBJECTS - 1, b)
    b2 = np.where(b < 0, -1, (b + rng.integers(1, len(BRANDS), n)) % len(BRANDS))

    def brand_value(bb: I64) -> I64:
        out = np.zeros(n, np.int64)
        for k in range(len(BRANDS)):
            m = bb == k
            if not m.any():
                continue
            u = rng.random(int(m.sum()))
            form = p.form_start[k] + np.searchsorted(p.form_cdf[k], u, side="right")
            form = np.where(canon[m], p.form_canonical[k], form)
            out[m] = p.forms + form * N_STYLES + st[m]
        return out

    def uniform(base: int, count: int, styled: bool = True) -> Callable[[], I64]:
        def f() -> I64:
            i = rng.integers(0, count, n)
            return base + (i * N_STYLES + st if styled else i)

        return f

    def names() -> I64:
        return ctx.names_base + ctx.people.sample(rng.random(n))

    def hashtag() -> I64:
        i = p.hashtag_start[subj] + (rng.random(n) * p.hashtag_count[subj]).astype(np.int64)
        return p.hashtags + i

    def product() -> I64:
        if crisis:
            return p.crisis_product + st
        i = p.product_start[subj] + (rng.random(n) * p.product_count[subj]).astype(np.int64)
        return p.products + i * N_STYLES + st

    providers: dict[int, Callable[[], I64]] = {
        S_B: lambda: brand_value(b),
        S_B2: lambda: brand_value(b2),
        S_P: product,
        S_L: (lambda: p.crisis_location + st) if crisis else uniform(p.locations, p.n_locations),
        S_N: names,
        S_N2: names,
        S_N3: names,
        S_PR: uniform(p.prices, p.n_prices),
        S_D: uniform(p.discounts, p.n_discounts, styled=False),
        S_BT: hashtag,
        S_H: lambda: np.full(n, p.campaign_hashtag, np.int64),
        S_CP: lambda: p.campaign_product + st,
        S_DATE: lambda: np.full(n, ctx.date_id(date), np.int64),
    }
    return Slots(n, providers, b2.astype(np.int8))


def template_content(
    ctx: Ctx,
    rng: np.random.Generator,
    set_name: str,
    style: I8,
    slots: Slots,
    *,
    sentiment: I8 | None = None,
    tidx: I64 | None = None,
) -> Content:
    """Whole texts from one template set (optionally of a given sentiment per row)."""
    ts = ctx.set(set_name)
    n = len(style)
    if tidx is None:
        if sentiment is None:
            tidx = rng.integers(0, ts.n, n).astype(np.int64)
        else:
            order, start, count = ts.by_sentiment()
            s = sentiment.astype(np.int64)
            has = count[s] > 0
            any_t = rng.integers(0, ts.n, n)
            k = np.minimum(pick(rng, start[s], np.maximum(count[s], 1)), max(len(order) - 1, 0))
            tidx = np.where(has, order[k] if len(order) else any_t, any_t).astype(np.int64)
    ids, mask = render(ts, tidx, style, slots)
    sent = ts.sentiment[tidx]
    return Content.make(
        ids,
        np.where(sent < 0, NEU, sent),
        ts.aspect_base + tidx,
        mask.astype(np.int64),
        slots.brand2,
    )


def _polarity(ctx: Ctx, rng: np.random.Generator, subj: I64, aspect: I64) -> I64:
    return sample_rows(rng, ctx.pools.polarity_cdf, subj * len(ASPECTS) + aspect)


def _piece(
    ctx: Ctx,
    rng: np.random.Generator,
    n: int,
    choices: Sequence[tuple[str, I64]],
    style: I8,
    slots: Slots,
) -> tuple[I64, I64]:
    """Rows ``idx`` get a random template of set ``name``; other rows stay empty."""
    width = max(ctx.set(name).width for name, _ in choices)
    out = np.zeros((n, width), np.int64)
    mask = np.zeros(n, np.int64)
    for name, idx in choices:
        if not len(idx):
            continue
        ts = ctx.set(name)
        t = rng.integers(0, ts.n, len(idx)).astype(np.int64)
        ids, m = render(ts, t, style[idx], slots.subset(idx))
        out[idx, : ids.shape[1]] = ids
        mask[idx] = m
    return out, mask


def opinion(
    ctx: Ctx,
    rng: np.random.Generator,
    role: int,
    platform: I8,
    brand: I8,
    style: I8,
    slots: Slots,
    *,
    follow: I8 | None = None,
    crisis: F64 | None = None,
) -> Content:
    """Lead + clause [+ connector + clause] + closer + emoji (+ tags), with true labels."""
    p = ctx.pools
    n = len(brand)
    b = brand.astype(np.int64)
    subj = np.where(b < 0, N_SUBJECTS - 1, b)
    a1 = sample_rows(rng, p.aspect_cdf, subj)
    p1 = _polarity(ctx, rng, subj, a1)
    if follow is not None:
        f = sample_rows(rng, to_cdf(FOLLOW), follow.astype(np.int64))
        p1 = np.where(rng.random(n) < 0.6, f, p1)
    if crisis is not None:
        hit = (b == BRAND_INDEX[CRISIS_BRAND]) & (rng.random(n) < 0.6 * crisis)
        a1 = np.where(hit, ASPECTS.index("quality"), a1)
        p1 = np.where(hit, NEG, p1)
    has2 = rng.random(n) < P_HAS2[role][platform]
    a2 = (a1 + rng.integers(1, len(ASPECTS), n)) % len(ASPECTS)
    r = rng.random(n)
    polar1 = p1 != NEU
    p2 = np.where(
        polar1,
        np.where(r < 0.45, 2 - p1, np.where(r < 0.85, p1, NEU)),
        _polarity(ctx, rng, subj, a2),
    )
    # the clause after a contrast ("ngon nhưng ship chậm") carries the verdict
    overall = np.where(has2 & (p2 != NEU), p2, p1).astype(np.int8)
    contrast = has2 & polar1 & (p2 != NEU) & (p1 != p2)

    order, gstart, gcount = ctx.v.clause_groups
    clause = ctx.set("clause")
    k1 = a1 * 3 + p1
    k2 = a2 * 3 + p2
    c1, m1 = render(clause, order[pick(rng, gstart[k1], gcount[k1])], style, slots)
    c2, m2 = render(clause, order[pick(rng, gstart[k2], gcount[k2])], style, slots)
    c2[~has2] = 0
    mask = m1.astype(np.int64) | np.where(has2, m2, 0)

    # the lead names the brand (or, for category rows, the drink)
    u = rng.random(n)
    if role == ROOT:
        leads: list[tuple[str, I64]] = [
            ("lead_post", np.flatnonzero((b >= 0) & (u < 0.95))),
            ("lead_category", np.flatnonzero(b < 0)),
        ]
    else:
        share = 0.6 if role == COMMENT else 0.15
        leads = [("lead_comment", np.flatnonzero((b >= 0) & (u < share)))]
    lead, lm = _piece(ctx, rng, n, leads, style, slots)
    mask |= lm
    conn, _ = _piece(
        ctx,
        rng,
        n,
        [
            ("conn_contrast", np.flatnonzero(contrast)),
            ("conn_additive", np.flatnonzero(has2 & ~contrast)),
        ],
        style,
        slots,
    )
    close_p = 0.6 if role == ROOT else 0.25
    emoji_p = np.where(style == EMPH, 0.9, 0.5 if role == ROOT else 0.35)
    names = {NEG: "negative", NEU: "neutral", POS: "positive"}
    closer, _ = _piece(
        ctx,
        rng,
        n,
        [
            (f"closers_{names[q]}", np.flatnonzero((overall == q) & (rng.random(n) < close_p)))
            for q in names
        ],
        style,
        slots,
    )
    emoji, _ = _piece(
        ctx,
        rng,
        n,
        [
            (f"emoji_{names[q]}", np.flatnonzero((overall == q) & (rng.random(n) < emoji_p)))
            for q in names
        ],
        style,
        slots,
    )
    mats = [lead, c1, conn, c2, closer, emoji]
    if role == ROOT:
        tags, tm = _piece(
            ctx,
            rng,
            n,
            [
                (f"tags_{PLATFORMS[q]}", np.flatnonzero(platform == q))
                for q in range(len(PLATFORMS))
            ],
            np.zeros(n, np.int8),
            slots,
        )
        mask |= tm
        mats.append(tags)
    aspect = p.aspect_combo + k1 * (len(ASPECTS) * 3 + 1) + np.where(has2, k2, len(ASPECTS) * 3)
    return Content.make(hstack(*mats), overall, aspect, mask, slots.brand2)


def organic_content(
    ctx: Ctx,
    rng: np.random.Generator,
    role: int,
    platform: I8,
    brand: I8,
    style: I8,
    slots: Slots,
    *,
    author_kind: I8 | None = None,
    follow: I8 | None = None,
    crisis: F64 | None = None,
) -> Content:
    """Ordinary conversation: opinions, questions, reactions, replies, news, English, noise."""
    n = len(brand)
    b = brand.astype(np.int64)
    u = rng.random(n)
    # subtypes: 0 opinion, 1 question, 2 category question, 3 english, 4 noise,
    # 5 news article, 6 news page share, 7 reaction, 8 reply
    sub = np.zeros(n, np.int8)
    if role == ROOT:
        sub[(b >= 0) & (u < 0.15) & (platform != REVIEW)] = 1
        sub[(b < 0) & (u < 0.35) & (platform != REVIEW)] = 2
        sub[(b >= 0) & (u >= 0.15) & (u < 0.165)] = 3
        sub[(u >= 0.165) & (u < 0.1685) & np.isin(platform, [FB, TT])] = 4
        sub[platform == NEWS] = 5
        if author_kind is not None:
            sub[(platform == FB) & (author_kind == NEWS_KIND)] = 6
    elif role == COMMENT:
        sub[u < 0.32] = 7
        sub[(b >= 0) & (u >= 0.32) & (u < 0.38)] = 1
        sub[(b >= 0) & (u >= 0.38) & (u < 0.39)] = 3
    else:
        sub[u < 0.55] = 8
    sub[(b < 0) & (sub == 1)] = 2
    sub[(b < 0) & (sub == 3)] = 0

    parts: list[tuple[I64, Content]] = []
    idx = np.flatnonzero(sub == 0)
    if len(idx):
        c = opinion(
            ctx,
            rng,
            role,
            platform[idx],
            brand[idx],
            style[idx],
            slots.subset(idx),
            follow=None if follow is None else follow[idx],
            crisis=None if crisis is None else crisis[idx],
        )
        parts.append((idx, c))
    for code, name, forced in (
        (1, "question", -1),
        (2, "question_category", -1),
        (3, "english", STD),
        (4, "noise", -1),
    ):
        idx = np.flatnonzero(sub == code)
        if len(idx):
            st = style[idx] if forced < 0 else np.full(len(idx), forced, np.int8)
            c = template_content(ctx, rng, name, st, slots.subset(idx))
            c.english[:] = code == 3
            if code == 4:
                c.noise[:] = True
                c.named[:] = 0
            parts.append((idx, c))
    for code, name in ((7, "reaction"), (8, "reply")):
        idx = np.flatnonzero(sub == code)
        if len(idx):
            if follow is not None:
                answered = follow[idx].astype(np.int64)
                sent = sample_rows(rng, to_cdf(FOLLOW), answered).astype(np.int8)
            else:
                sent = rng.choice(3, len(idx), p=[0.2, 0.45, 0.35]).astype(np.int8)
            parts.append(
                (
                    idx,
                    template_content(ctx, rng, name, style[idx], slots.subset(idx), sentiment=sent),
                )
            )
    for code in (5, 6):
        for named_brand, suffix in ((True, ""), (False, "_category")):
            idx = np.flatnonzero((sub == code) & ((b >= 0) == named_brand))
            if len(idx):
                c = article(
                    ctx,
                    rng,
                    "news_title" + suffix,
                    "news_body" + suffix,
                    slots.subset(idx),
                    share=code == 6,
                )
                parts.append((idx, c))
    out = Content.merge(n, parts)
    if role == ROOT:
        add_titles(ctx, rng, out, platform, brand, style, slots)
    return out


def article(
    ctx: Ctx,
    rng: np.random.Generator,
    title_set: str,
    body_set: str,
    slots: Slots,
    *,
    share: bool = False,
) -> Content:
    """A news article (title + three body sentences), or a page post sharing one."""
    n = slots.n
    std = np.zeros(n, np.int8)
    head = template_content(ctx, rng, title_set, std, slots)
    if share:
        head.ids = hstack(head.ids, np.full(n, ctx.pools.share_suffix, np.int64))
        return head
    body = ctx.set(body_set)
    r = rng.integers(0, body.n, n)
    space = np.full(n, ctx.pools.space, np.int64)
    sentences: list[I64] = []
    for k in range(3):
        ids, m = render(body, ((r + k) % body.n).astype(np.int64), std, slots)
        head.named |= m
        sentences += [ids, space] if k < 2 else [ids]
    head.title = head.ids
    head.has_title[:] = True
    head.ids = hstack(*sentences)
    return head


def add_titles(
    ctx: Ctx,
    rng: np.random.Generator,
    c: Content,
    platform: I8,
    brand: I8,
    style: I8,
    slots: Slots,
) -> None:
    """Titles of forum threads and YouTube videos; titles and stars of reviews."""
    n = len(platform)
    for pl, name in ((FORUM, "forum_title"), (YT, "yt_title")):
        for about_brand, suffix in ((True, ""), (False, "_category")):
            idx = np.flatnonzero((platform == pl) & ((brand >= 0) == about_brand) & ~c.noise)
            if len(idx):
                ts = ctx.set(name + suffix)
                t = rng.integers(0, ts.n, len(idx)).astype(np.int64)
                ids, m = render(ts, t, style[idx], slots.subset(idx))
                c.named[idx] |= m
                set_title(c, idx, ids)
    rev = platform == REVIEW
    idx = np.flatnonzero(rev & (rng.random(n) < 0.6))
    if len(idx):
        tc = template_content(
            ctx, rng, "review_title", style[idx], slots.subset(idx), sentiment=c.sentiment[idx]
        )
        set_title(c, idx, tc.ids)
    stars = np.select(
        [c.sentiment == POS, c.sentiment == NEU],
        [np.where(rng.random(n) < 0.7, 5, 4), np.where(rng.random(n) < 0.7, 3, 4)],
        np.where(rng.random(n) < 0.6, 1, 2),
    )
    c.rating = np.where(rev, stars, -1).astype(np.int8)


def set_title(c: Content, idx: I64, ids: I64) -> None:
    width = max(c.title.shape[1], ids.shape[1])
    c.title = _pad(c.title, width)
    c.title[idx] = _pad(ids, width)
    c.has_title[idx] = True
