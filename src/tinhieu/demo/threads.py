"""Threads of the demo data: posts and their comments and replies, as Mention tables.

Engagement counts follow each platform's conventions, ids and URLs look like each
platform's, and every row carries its hidden truth in ``attrs``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tinhieu.demo.arrays import F64, I8, I64, B
from tinhieu.demo.authors import (
    BRAND_KIND,
    FB,
    FORUM,
    NEWS,
    NEWS_KIND,
    PAGE,
    PLATFORMS,
    REVIEW,
    TT,
    YT,
    Authors,
    b64_ids,
    numeric_ids,
)
from tinhieu.demo.content import (
    COMMENT,
    K_COMMENT,
    K_REPLY,
    REPLY,
    ROOT,
    ROOT_KIND,
    ROOT_STYLES,
    Content,
    Ctx,
    add_titles,
    article,
    make_slots,
    organic_content,
    set_title,
    styles,
    template_content,
)
from tinhieu.demo.text import (
    NEG,
    NEU,
    NOACC,
    POS,
    S_B,
    S_B2,
    S_BT,
    S_H,
    S_P,
    STD,
    assemble,
    constant,
    hstack,
    join,
    materialise,
)
from tinhieu.schema import conform

CHUNK_ROWS: Final = 100_000
# comments' writing styles, as ROOT_STYLES
CHILD_STYLES: Final = np.array(
    [
        [0.25, 0.30, 0.15, 0.18, 0.12],
        [0.15, 0.30, 0.15, 0.25, 0.15],
        [0.35, 0.25, 0.15, 0.15, 0.10],
        [0.40, 0.25, 0.20, 0.15, 0.00],
        [0.25, 0.30, 0.15, 0.18, 0.12],
        [1.00, 0.00, 0.00, 0.00, 0.00],
    ]
)
# share of comments that answer another comment, per platform
REPLY_RATE: Final = np.array([0.25, 0.15, 0.15, 0.0, 0.0, 0.0])
# facebook reactions by the sentiment of the post
REACTION_MIX: Final = {
    NEG: np.array([0.30, 0.02, 0.20, 0.10, 0.13, 0.25]),
    NEU: np.array([0.75, 0.12, 0.07, 0.04, 0.01, 0.01]),
    POS: np.array([0.62, 0.30, 0.04, 0.03, 0.005, 0.005]),
}
REACTION_TYPES: Final = ("like", "love", "haha", "wow", "sad", "angry")


# --- engagement -------------------------------------------------------------------------
def _ln(rng: np.random.Generator, median: float, sigma: float, n: int) -> F64:
    return np.exp(rng.normal(np.log(median), sigma, n))


def root_engagement(
    rng: np.random.Generator,
    platform: I8,
    followers: I64,
    author_kind: I8,
    sentiment: I8,
    children: I64,
    boost: F64,
) -> tuple[dict[str, I64], pa.Array]:
    """Platform-appropriate counts; -1 where the platform does not report the count."""
    n = len(platform)
    f = np.where(followers >= 0, followers, np.exp(rng.normal(5.5, 1.2, n))).astype(np.float64)
    neg = sentiment == NEG
    cols = {k: np.full(n, -1, np.int64) for k in ("likes", "comments", "shares", "views", "saves")}
    cols["reach"] = np.full(n, -1, np.int64)
    cols["impressions"] = np.full(n, -1, np.int64)

    er = 0.05 * np.maximum(f / 1000, 0.05) ** -0.25
    interactions = f * er * _ln(rng, 1, 0.8, n) * boost + _ln(rng, 3, 1.0, n)
    fb = platform == FB
    likes_fb = np.round(interactions * 0.85)
    cols["likes"] = np.where(fb, likes_fb, cols["likes"]).astype(np.int64)
    cols["comments"] = np.where(
        fb,
        children + np.round(likes_fb * _ln(rng, 0.06, 0.7, n) * np.where(neg, 1.6, 1)),
        cols["comments"],
    ).astype(np.int64)
    cols["shares"] = np.where(
        fb, np.round(likes_fb * _ln(rng, 0.04, 1.0, n) * np.where(neg, 2.0, 1)), cols["shares"]
    ).astype(np.int64)

    tt = platform == TT
    views = f * _ln(rng, 0.8, 1.1, n) * boost + _ln(rng, 400, 1.5, n)
    views *= np.where(rng.random(n) < 0.03, _ln(rng, 12, 0.8, n), 1)
    likes_tt = np.round(views * _ln(rng, 0.06, 0.5, n))
    cols["views"] = np.where(tt, np.round(views), cols["views"]).astype(np.int64)
    cols["likes"] = np.where(tt, likes_tt, cols["likes"]).astype(np.int64)
    cols["comments"] = np.where(
        tt, children + np.round(likes_tt * _ln(rng, 0.012, 0.6, n)), cols["comments"]
    ).astype(np.int64)
    cols["shares"] = np.where(
        tt, np.round(likes_tt * _ln(rng, 0.02, 0.9, n)), cols["shares"]
    ).astype(np.int64)
    cols["saves"] = np.where(tt, np.round(likes_tt * _ln(rng, 0.05, 0.7, n)), cols["saves"]).astype(
        np.int64
    )

    yt = platform == YT
    yviews = f * _ln(rng, 0.12, 1.0, n) * boost + _ln(rng, 150, 1.3, n)
    cols["views"] = np.where(yt, np.round(yviews), cols["views"]).astype(np.int64)
    cols["likes"] = np.where(yt, np.round(yviews * _ln(rng, 0.03, 0.5, n)), cols["likes"]).astype(
        np.int64
    )
    cols["comments"] = np.where(
        yt, children + np.round(yviews * _ln(rng, 0.002, 0.7, n)), cols["comments"]
    ).astype(np.int64)

    fo = platform == FORUM
    cols["views"] = np.where(
        fo, np.round(_ln(rng, 500, 0.9, n) + children * 25), cols["views"]
    ).astype(np.int64)
    cols["comments"] = np.where(fo, children, cols["comments"]).astype(np.int64)

    rv = platform == REVIEW
    cols["likes"] = np.where(rv, rng.poisson(_ln(rng, 1.3, 0.9, n)), cols["likes"]).astype(np.int64)
    cols["comments"] = np.where(rv, children, cols["comments"]).astype(np.int64)

    own = (author_kind == BRAND_KIND) & (platform != REVIEW)
    reach = f * _ln(rng, 0.1, 0.5, n) * boost
    cols["reach"] = np.where(own, np.round(reach), -1).astype(np.int64)
    cols["impressions"] = np.where(own, np.round(reach * rng.uniform(1.2, 2.0, n)), -1).astype(
        np.int64
    )

    reactions = _reactions(rng, cols["likes"], sentiment, fb)
    return cols, reactions


def _reactions(rng: np.random.Generator, likes: I64, sentiment: I8, mask: B) -> pa.Array:
    n = len(likes)
    frac = np.empty((n, len(REACTION_TYPES)))
    for s, mix in REACTION_MIX.items():
        m = sentiment == s
        frac[m] = mix
    frac *= np.exp(rng.normal(0, 0.3, frac.shape))
    frac /= frac.sum(axis=1, keepdims=True)
    total = np.maximum(likes, 0)
    counts = np.floor(frac * total[:, None]).astype(np.int64)
    counts[:, 0] += total - counts.sum(axis=1)
    pieces: list[pa.Array | str] = ["{"]
    for k, name in enumerate(REACTION_TYPES):
        pieces += [("," if k else "") + f'"{name}":', pc.cast(pa.array(counts[:, k]), pa.string())]
    pieces.append("}")
    text = join(pieces)
    return pc.if_else(pa.array(mask), text, pa.nulls(n, pa.string()))


def child_engagement(rng: np.random.Generator, platform: I8, boost: float = 1.0) -> dict[str, I64]:
    n = len(platform)
    likes = np.full(n, -1, np.int64)
    for pl, (mu, sigma) in ((FB, (-0.3, 1.3)), (TT, (0.2, 1.8)), (YT, (-0.5, 1.5))):
        m = platform == pl
        likes[m] = np.floor(np.exp(rng.normal(mu, sigma, int(m.sum()))) * boost).astype(np.int64)
    return {"likes": likes}


# --- ids and urls -------------------------------------------------------------------------
def root_ids(platform: I8, number: I64) -> pa.Array:
    chunks: list[tuple[I64, pa.Array]] = []
    for p in np.flatnonzero(np.bincount(platform, minlength=len(PLATFORMS))):
        idx = np.flatnonzero(platform == p)
        num = number[idx]
        if p == FB:
            a = numeric_ids("1", num, 14)
        elif p == TT:
            a = numeric_ids("73", num, 17)
        elif p == YT:
            a = b64_ids(num, 11)
        elif p == FORUM:
            a = numeric_ids("t", num, 1)
        elif p == NEWS:
            a = numeric_ids("a", num, 8)
        else:
            a = numeric_ids("rv", num, 1)
        chunks.append((idx, a))
    return assemble(len(platform), chunks, pa.string())


def child_ids(platform: I8, root_sid: pa.Array, number: I64) -> pa.Array:
    chunks: list[tuple[I64, pa.Array]] = []
    for p in np.flatnonzero(np.bincount(platform, minlength=len(PLATFORMS))):
        idx = np.flatnonzero(platform == p)
        num = number[idx]
        if p == FB:
            a = join([root_sid.take(pa.array(idx)), "_", pc.cast(pa.array(num), pa.string())])
        elif p == TT:
            a = numeric_ids("74", num, 17)
        elif p == YT:
            a = join(["Ugx", b64_ids(num, 17)])
        elif p == FORUM:
            a = numeric_ids("p", num, 1)
        elif p == NEWS:
            a = numeric_ids("c", num, 1)
        else:
            a = numeric_ids("rr", num, 1)
        chunks.append((idx, a))
    return assemble(len(platform), chunks, pa.string())


def root_urls(authors: Authors, platform: I8, author: I64, sid: pa.Array) -> pa.Array:
    chunks: list[tuple[I64, pa.Array]] = []
    for p in np.flatnonzero(np.bincount(platform, minlength=len(PLATFORMS))):
        idx = np.flatnonzero(platform == p)
        ix = pa.array(idx)
        s = sid.take(ix)
        aid = authors.ids.take(pa.array(author[idx]))
        if p == FB:
            a = join(["https://www.facebook.com/", aid, "/posts/", s])
        elif p == TT:
            a = join(
                [
                    "https://www.tiktok.com/@",
                    authors.handles.take(pa.array(author[idx])),
                    "/video/",
                    s,
                ]
            )
        elif p == YT:
            a = join(["https://www.youtube.com/watch?v=", s])
        elif p == FORUM:
            a = join(["https://diendansanhan.vn/threads/", s, "/"])
        elif p == NEWS:
            a = join(["https://", aid, "/tin-tuc/", s, ".html"])
        else:
            a = join(["https://anngon.vn/review/", s])
        chunks.append((idx, a))
    return assemble(len(platform), chunks, pa.string())


def child_urls(platform: I8, root_url: pa.Array, sid: pa.Array) -> pa.Array:
    sep = pa.array(["?comment_id=", "?comment_id=", "&lc=", "#post-", "#c", "#"], pa.string())
    return join([root_url, sep.take(pa.array(platform)), sid])


# --- rows -----------------------------------------------------------------------------------
@dataclass
class Parents:
    """What children need to know about the posts they answer."""

    platform: I8
    sid: pa.Array
    url: pa.Array
    created: I64
    brand: I8
    sentiment: I8
    author: I64


def _nullable(x: I64) -> pa.Array:
    return pa.array(x, pa.int64(), mask=x < 0)


def to_table(
    ctx: Ctx,
    rng: np.random.Generator,
    *,
    platform: I8,
    kind: I8,
    sid: pa.Array,
    parent: pa.Array,
    url: pa.Array,
    author: I64,
    created: I64,
    content: Content,
    thread_brand: I8,
    truth: str,
    role: I64 | str,
    counts: dict[str, I64],
    reactions: pa.Array | None = None,
    extra: I64 | None = None,
) -> pa.Table:
    """One Mention table; ``role`` is a role name or per-row pool ids of role names."""
    n = len(platform)
    p = ctx.pools
    a = ctx.authors
    aix = pa.array(author)
    fol = a.followers[author]
    ver = a.verified[author]
    b = thread_brand.astype(np.int64)
    named_b = (content.named & ((1 << S_B) | (1 << S_BT) | (1 << S_H))) != 0
    named_b2 = (content.named & (1 << S_B2)) != 0
    real = (b >= 0) & ~content.noise
    b1 = np.where(named_b & real, b, 4)
    second = content.brand2.astype(np.int64)
    b2 = np.where(named_b2 & real & (second >= 0) & (second != b1), second, 4)
    tb = np.where(real, b, 4)
    d = ctx.dyn_base
    role_ids = np.full(n, d + ctx.role_id[role], np.int64) if isinstance(role, str) else role
    rating = content.rating.astype(np.int64)
    stage = d + ctx.stage_base + ctx.day_of(created) if truth == "crisis" else np.zeros(n, np.int64)
    joined = a.joined[author].astype(np.int64)
    combo = ((b1 * 5 + b2) * 5 + tb) * 2 + content.english.astype(np.int64)
    attrs_ids = hstack(
        np.full(n, d + ctx.truth_id[truth], np.int64),
        role_ids,
        d + ctx.sent_base + content.sentiment.astype(np.int64),
        content.aspect,
        d + ctx.brands_base + combo,
        np.where(joined >= 0, d + ctx.joined_base + joined - ctx.first_joined, 0),
        np.where(rating > 0, d + ctx.rating_base + rating, 0),
        stage,
        extra if extra is not None else np.zeros(n, np.int64),
        np.full(n, d + ctx.close, np.int64),
    )
    attrs = materialise(ctx.pool, attrs_ids)
    title = materialise(ctx.pool, content.title)
    none = np.full(n, -1, np.int64)
    own_reach = counts.get("reach", none)
    table = pa.table(
        {
            "workspace": constant(ctx.plan.config.workspace, n),
            "platform": p.platforms.take(pa.array(platform)),
            "source_id": sid,
            "url": url,
            "kind": p.kinds.take(pa.array(kind)),
            "parent_id": parent,
            "author_id": a.ids.take(aix),
            "author_name": a.names.take(aix),
            "author_followers": _nullable(fol),
            "author_verified": pa.array(ver == 1, pa.bool_(), mask=ver < 0),
            "author_kind": p.author_kinds.take(pa.array(a.kind[author])),
            "title": pc.if_else(pa.array(content.has_title), title, pa.nulls(n, pa.string())),
            "text": materialise(ctx.pool, content.ids),
            "created_at": pa.array(created, pa.timestamp("us", tz="UTC")),
            "source_tz": constant("+07:00", n),
            "collected_at": pa.array(
                ctx.end_us + rng.integers(600, 4 * 3600, n) * 1_000_000,
                pa.timestamp("us", tz="UTC"),
            ),
            "likes": _nullable(counts.get("likes", none)),
            "reactions": reactions if reactions is not None else pa.nulls(n, pa.string()),
            "comments": _nullable(counts.get("comments", none)),
            "shares": _nullable(counts.get("shares", none)),
            "views": _nullable(counts.get("views", none)),
            "saves": _nullable(counts.get("saves", none)),
            "reach": _nullable(own_reach),
            "impressions": _nullable(counts.get("impressions", none)),
            "reach_estimated": pa.array(np.zeros(n, bool), pa.bool_(), mask=own_reach < 0),
            "attrs": attrs,
        }
    )
    return conform(table)


# --- roots and children -----------------------------------------------------------------
@dataclass
class RootSpec:
    platform: I8
    author: I64
    created: I64
    brand: I8
    content: str  # "organic", "article:<title set>:<body set>", "share:<set>", or a set
    truth: str
    role: str | I64  # a role name, or per-row pool ids of role names
    children: I64
    number: I64 | None = None  # planned ids; None = streamed
    boost: float = 1.0
    likes_per_child: float = 0.0  # giveaways: likes and shares follow the comment flood
    extra_comments: I64 | None = None  # comments other units add (they count too)
    crisis_slots: bool = False
    extra: I64 | None = None  # pool ids of extra attrs members
    style: I8 | None = None
    date: str = ""
    content_override: Content | None = field(default=None, repr=False)


def make_roots(ctx: Ctx, rng: np.random.Generator, spec: RootSpec) -> tuple[pa.Table, Parents]:
    a = ctx.authors
    n = len(spec.platform)
    akind = a.kind[spec.author]
    style = spec.style
    if style is None:
        style = styles(rng, ROOT_STYLES, spec.platform)
        style = np.where(np.isin(akind, [BRAND_KIND, NEWS_KIND]), STD, style).astype(np.int8)
        style = np.where((akind == PAGE) & (style >= NOACC), STD, style).astype(np.int8)
    brand_author = akind == BRAND_KIND
    slots = make_slots(
        ctx,
        rng,
        spec.brand,
        style,
        canonical=np.isin(akind, [BRAND_KIND, NEWS_KIND]),
        crisis=spec.crisis_slots,
        date=spec.date,
    )
    if spec.content_override is not None:
        content = spec.content_override
    elif spec.content == "organic":
        content = organic_content(
            ctx,
            rng,
            ROOT,
            spec.platform,
            spec.brand,
            style,
            slots,
            author_kind=akind,
            crisis=ctx.plan.crisis_intensity[ctx.day_of(spec.created)],
        )
    elif spec.content.startswith("article:"):
        _, title_set, body_set = spec.content.split(":")
        content = article(ctx, rng, title_set, body_set, slots)
    elif spec.content.startswith("share:"):
        content = article(ctx, rng, spec.content.split(":")[1], "", slots, share=True)
    else:
        content = template_content(ctx, rng, spec.content, style, slots)
        own = (spec.platform == YT) & brand_author
        add_titles(ctx, rng, content, np.where(own, FB, spec.platform), spec.brand, style, slots)
        yt = np.flatnonzero(own)
        if len(yt):
            # a brand's own video: "<brand> | <drink>"
            sub = slots.subset(yt)
            bar = np.full(len(yt), ctx.pools.bar, np.int64)
            set_title(content, yt, hstack(sub.get(S_B), bar, sub.get(S_P)))
            content.named[yt] |= 1 << S_B
    number = spec.number
    if number is None:
        number = ctx.take_numbers(ctx.root_next, spec.platform)
    sid = root_ids(spec.platform, number)
    url = root_urls(a, spec.platform, spec.author, sid)
    counts, reactions = root_engagement(
        rng,
        spec.platform,
        a.followers[spec.author],
        akind,
        content.sentiment,
        spec.children,
        np.full(n, spec.boost),
    )
    if spec.likes_per_child:
        k = spec.children * _ln(rng, spec.likes_per_child, 0.1, n)
        counts["likes"] = np.maximum(counts["likes"], np.round(k)).astype(np.int64)
        counts["shares"] = np.maximum(counts["shares"], np.round(k / 4)).astype(np.int64)
        counts["comments"] = np.round(spec.children * 1.3).astype(np.int64)
        reactions = _reactions(rng, counts["likes"], content.sentiment, spec.platform == FB)
    if spec.extra_comments is not None:
        has = counts["comments"] >= 0
        counts["comments"] = np.where(has, counts["comments"] + spec.extra_comments, -1)
    table = to_table(
        ctx,
        rng,
        platform=spec.platform,
        kind=ROOT_KIND[spec.platform],
        sid=sid,
        parent=pa.nulls(n, pa.string()),
        url=url,
        author=spec.author,
        created=spec.created,
        content=content,
        thread_brand=spec.brand,
        truth=spec.truth,
        role=spec.role,
        counts=counts,
        reactions=reactions,
        extra=spec.extra,
    )
    parents = Parents(
        spec.platform, sid, url, spec.created, spec.brand, content.sentiment, spec.author
    )
    return table, parents


@dataclass
class ChildSpec:
    truth: str
    # (weight, content): "organic" or a template set name
    mix: tuple[tuple[float, str], ...] = ((1.0, "organic"),)
    delay_median_min: float = 120.0
    delay_sigma: float = 1.4
    delay_max_h: float | None = None  # exponential delays capped here (giveaways)
    reply_rate: F64 = field(default_factory=lambda: REPLY_RATE)
    brand_replies: bool = True
    crisis_slots: bool = False
    likes_boost: float = 1.0
    date: str = ""


def _delays(rng: np.random.Generator, spec: ChildSpec, n: int) -> I64:
    if spec.delay_max_h is not None:
        d = rng.exponential(spec.delay_median_min * 60, n)
        d = np.minimum(d, spec.delay_max_h * 3600 * rng.random(n) + 60)
    else:
        d = np.exp(rng.normal(np.log(spec.delay_median_min * 60), spec.delay_sigma, n))
        d = np.minimum(d, 14 * 86400)
    return (d * 1_000_000).astype(np.int64) + 1_000_000


def _clamp(ctx: Ctx, rng: np.random.Generator, base: I64, t: I64) -> I64:
    """Times past the end of the period fall back between ``base`` and the end."""
    late = t >= ctx.end_us
    room = np.maximum(ctx.end_us - base - 1, 1)
    return np.where(late, base + (room * rng.random(len(t))).astype(np.int64), t).astype(np.int64)


def _child_content(
    ctx: Ctx,
    rng: np.random.Generator,
    spec: ChildSpec,
    role: int,
    platform: I8,
    brand: I8,
    style: I8,
    follow: I8,
    created: I64,
) -> Content:
    n = len(platform)
    weights = np.array([w for w, _ in spec.mix])
    if len(spec.mix) > 1:
        which = rng.choice(len(spec.mix), n, p=weights / weights.sum())
    else:
        which = np.zeros(n, np.int64)
    slots = make_slots(ctx, rng, brand, style, crisis=spec.crisis_slots, date=spec.date)
    parts: list[tuple[I64, Content]] = []
    crisis = ctx.plan.crisis_intensity[ctx.day_of(created)]
    for k, (_, name) in enumerate(spec.mix):
        idx = np.flatnonzero(which == k)
        if not len(idx):
            continue
        sub = slots.subset(idx)
        if name == "organic":
            c = organic_content(
                ctx,
                rng,
                role,
                platform[idx],
                brand[idx],
                style[idx],
                sub,
                follow=follow[idx],
                crisis=crisis[idx],
            )
        else:
            c = template_content(ctx, rng, name, style[idx], sub)
        parts.append((idx, c))
    return Content.merge(n, parts)


def _brand_replies(ctx: Ctx, rng: np.random.Generator, brand: I8) -> Content:
    n = len(brand)
    std = np.zeros(n, np.int8)
    return template_content(
        ctx, rng, "brand_reply", std, make_slots(ctx, rng, brand, std, canonical=True)
    )


def _patch(base: Content, at: I64, new: Content) -> Content:
    """``base`` with rows ``at`` replaced by the rows of ``new``."""
    n = len(base.sentiment)
    keep = np.setdiff1d(np.arange(n), at)
    return Content.merge(n, [(keep, base.take(keep)), (at, new)])


def make_children(
    ctx: Ctx,
    rng: np.random.Generator,
    parents: Parents,
    counts: I64,
    spec: ChildSpec,
) -> Iterator[pa.Table]:
    """Comments (and replies to them) under ``parents``, ``counts[i]`` under parent i."""
    total = int(counts.sum())
    if total == 0:
        return
    owner = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    a = ctx.authors
    for lo in range(0, total, CHUNK_ROWS):
        par = owner[lo : lo + CHUNK_ROWS]
        n = len(par)
        platform = parents.platform[par]
        brand = parents.brand[par]
        first = np.ones(n, bool)
        first[1:] = par[1:] != par[:-1]
        is_reply = (rng.random(n) < spec.reply_rate[platform]) & ~first
        l1 = np.flatnonzero(~is_reply)
        rp = np.flatnonzero(is_reply)
        author = np.empty(n, np.int64)
        for p in np.flatnonzero(np.bincount(platform, minlength=len(PLATFORMS))):
            m = platform == p
            author[m] = a.groups[f"person:{int(p)}"].sample(rng.random(int(m.sum())))
        style = styles(rng, CHILD_STYLES, platform)
        # comments under the posts
        created = np.empty(n, np.int64)
        base1 = parents.created[par[l1]]
        created[l1] = _clamp(ctx, rng, base1, base1 + _delays(rng, spec, len(l1)))
        c1 = _child_content(
            ctx,
            rng,
            spec,
            COMMENT,
            platform[l1],
            brand[l1],
            style[l1],
            parents.sentiment[par[l1]],
            created[l1],
        )
        # on the review site, the answers come from the brand's own account
        on_review = np.flatnonzero((platform[l1] == REVIEW) & (brand[l1] >= 0))
        if len(on_review):
            rows = l1[on_review]
            author[rows] = [a.brand_account[(int(x), REVIEW)] for x in brand[rows]]
            c1 = _patch(c1, on_review, _brand_replies(ctx, rng, brand[rows]))
        # replies to those comments
        position = np.zeros(n, np.int64)
        position[l1] = np.arange(len(l1))
        last_l1 = np.maximum.accumulate(np.where(~is_reply, np.arange(n), 0))
        run_start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
        k = run_start[rp] + (rng.random(len(rp)) * (rp - run_start[rp])).astype(np.int64)
        reply_parent = last_l1[k]
        base2 = created[reply_parent]
        quick = ChildSpec(spec.truth, delay_median_min=40)
        created[rp] = _clamp(ctx, rng, base2, base2 + _delays(rng, quick, len(rp)))
        parent_sent = c1.sentiment[position[reply_parent]]
        c2 = _child_content(
            ctx, rng, spec, REPLY, platform[rp], brand[rp], style[rp], parent_sent, created[rp]
        )
        if spec.brand_replies and len(rp):
            # brands answer a share of the complaints on their own platforms
            cand = (parent_sent == NEG) & (brand[rp] >= 0) & np.isin(platform[rp], [FB, TT])
            sel = np.flatnonzero(cand & (rng.random(len(rp)) < 0.25))
            if len(sel):
                rows = rp[sel]
                author[rows] = [
                    a.brand_account[(int(x), int(q))]
                    for x, q in zip(brand[rows], platform[rows], strict=True)
                ]
                c2 = _patch(c2, sel, _brand_replies(ctx, rng, brand[rows]))
        content = Content.merge(n, [(l1, c1), (rp, c2)])
        d = ctx.dyn_base
        role = np.where(
            a.kind[author] == BRAND_KIND,
            d + ctx.role_id["brand_reply"],
            np.where(is_reply, d + ctx.role_id["reply"], d + ctx.role_id["comment"]),
        ).astype(np.int64)
        number = ctx.take_numbers(ctx.child_next, platform)
        root_sid = parents.sid.take(pa.array(par))
        sid = child_ids(platform, root_sid, number)
        parent_sid = assemble(
            n,
            [(l1, root_sid.take(pa.array(l1))), (rp, sid.take(pa.array(reply_parent)))],
            pa.string(),
        )
        url = child_urls(platform, parents.url.take(pa.array(par)), sid)
        yield to_table(
            ctx,
            rng,
            platform=platform,
            kind=np.where(is_reply, K_REPLY, K_COMMENT).astype(np.int8),
            sid=sid,
            parent=parent_sid,
            url=url,
            author=author,
            created=created,
            content=content,
            thread_brand=brand,
            truth=spec.truth,
            role=role,
            counts=child_engagement(rng, platform, spec.likes_boost),
        )


def allocate(rng: np.random.Generator, total: int, weights: F64) -> I64:
    if total <= 0 or len(weights) == 0:
        return np.zeros(len(weights), np.int64)
    return rng.multinomial(total, weights / weights.sum()).astype(np.int64)


def comment_weights(rng: np.random.Generator, followers: I64, sentiment: I8) -> F64:
    """Where comments go: bigger audiences and negative posts draw more."""
    f = np.where(followers >= 0, followers, 150).astype(np.float64)
    noise = np.exp(rng.normal(0, 0.8, len(f)))
    return np.maximum(f, 10) ** 0.5 * noise * np.where(sentiment == NEG, 1.4, 1.0)
