"""Materialise a :class:`~tinhieu.demo.plan.Plan` into Mention batches.

A *job* is a set of root posts (planned, with known ids, or sampled) and their comments
and replies. Each job draws from its own random generator, keyed by the seed and the
job, and numbers its rows from its own id range, so jobs can run in threads and the
output is identical run to run, whatever the number of workers.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from tinhieu.demo.arrays import F64, I8, I64
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
)
from tinhieu.demo.brands import BRAND_INDEX
from tinhieu.demo.content import (
    K_COMMENT,
    ROOT,
    ROOT_KIND,
    ROOT_STYLES,
    Content,
    Ctx,
    add_titles,
    make_slots,
    organic_content,
    styles,
    template_content,
    to_cdf,
)
from tinhieu.demo.plan import (
    CRISIS_BRAND,
    N_SUBJECTS,
    Plan,
    PostSet,
    SeedingPlan,
    times_in_days,
)
from tinhieu.demo.text import (
    NEU,
    NOACC,
    S_B,
    STD,
)
from tinhieu.demo.threads import (
    CHUNK_ROWS,
    ChildSpec,
    Parents,
    RootSpec,
    allocate,
    child_engagement,
    child_ids,
    child_urls,
    comment_weights,
    make_children,
    make_roots,
    root_ids,
    root_urls,
    to_table,
)

BATCH_ROWS: Final = 200_000


# --- units ----------------------------------------------------------------------------------
def _split(x: npt.NDArray[np.int64], part: int, parts: int) -> I64:
    return (x // parts + (part < x % parts)).astype(np.int64)


def _rng(ctx: Ctx, *key: int) -> np.random.Generator:
    return np.random.default_rng([ctx.plan.config.seed, *key])


def organic_unit(ctx: Ctx, days: I64, part: int, parts: int) -> Iterator[pa.Table]:
    """Organic threads of a run of days (or one part of a busy day)."""
    plan = ctx.plan
    a = ctx.authors
    rng = _rng(ctx, 1, int(days[0]), part)
    counts = _split(plan.organic_roots[days], part, parts)  # (days, subjects, platforms)
    kids = _split(plan.organic_children[days], part, parts).sum(axis=0)
    flat = np.repeat(np.arange(counts.size), counts.reshape(-1))
    n = len(flat)
    if n == 0:
        return
    n_sp = N_SUBJECTS * len(PLATFORMS)
    day = days[flat // n_sp].astype(np.int64)
    subj = (flat // len(PLATFORMS)) % N_SUBJECTS
    plat = (flat % len(PLATFORMS)).astype(np.int8)
    brand = np.where(subj == N_SUBJECTS - 1, -1, subj).astype(np.int8)
    author = _organic_authors(ctx, rng, plat)
    created = times_in_days(rng, plan.period, day)
    news = plat == NEWS
    if news.any():
        created[news] = times_in_days(rng, plan.period, day[news], news=True)
    style = styles(rng, ROOT_STYLES, plat)
    akind = a.kind[author]
    style = np.where(
        (akind == NEWS_KIND) | ((akind == PAGE) & (style >= NOACC)), STD, style
    ).astype(np.int8)
    slots = make_slots(ctx, rng, brand, style, canonical=np.isin(akind, [BRAND_KIND, NEWS_KIND]))
    content = organic_content(
        ctx,
        rng,
        ROOT,
        plat,
        brand,
        style,
        slots,
        author_kind=akind,
        crisis=plan.crisis_intensity[day],
    )
    # comments go where the audience is: bigger authors and negative posts draw more
    children = np.zeros(n, np.int64)
    w = comment_weights(rng, a.followers[author], content.sentiment)
    for p in range(len(PLATFORMS)):
        m = np.flatnonzero(plat == p)
        children[m] = allocate(rng, int(kids[p]), w[m])
    spec = RootSpec(
        plat,
        author,
        created,
        brand,
        "organic",
        "organic",
        ctx.dyn_base
        + np.where(content.noise, ctx.role_id["noise"], ctx.kind_role[ROOT_KIND[plat]]),
        children,
        style=style,
        content_override=content,
    )
    roots, parents = make_roots(ctx, rng, spec)
    yield roots
    yield from make_children(ctx, rng, parents, children, ChildSpec("organic"))


def organic_runs(plan: Plan) -> Iterator[tuple[I64, int, int]]:
    """Runs of days of about CHUNK_ROWS rows; days above it are cut into parts."""
    per_day = plan.organic_roots.sum(axis=(1, 2)) + plan.organic_children.sum(axis=1)
    run: list[int] = []
    size = 0
    for d, rows in enumerate(per_day):
        if rows > CHUNK_ROWS:
            if run:
                yield np.array(run, np.int64), 0, 1
                run, size = [], 0
            parts = -(-int(rows) // CHUNK_ROWS)
            for part in range(parts):
                yield np.array([d], np.int64), part, parts
            continue
        if size + rows > CHUNK_ROWS and run:
            yield np.array(run, np.int64), 0, 1
            run, size = [], 0
        run.append(d)
        size += int(rows)
    if run:
        yield np.array(run, np.int64), 0, 1


ROOT_AUTHORS: Final = {
    FB: (("person", 0.76), ("kol", 0.08), ("page", 0.12), ("news:fb", 0.04)),
    TT: (("person", 0.62), ("kol", 0.33), ("page", 0.05)),
    YT: (("person", 0.30), ("kol", 0.65), ("page", 0.05)),
    FORUM: (("person", 1.0),),
    NEWS: (("news:site", 1.0),),
    REVIEW: (("person", 1.0),),
}


def _organic_authors(ctx: Ctx, rng: np.random.Generator, plat: I8) -> I64:
    """Who starts organic threads: mostly persons, and KOLs, pages, news outlets."""
    a = ctx.authors
    author = np.empty(len(plat), np.int64)
    for p, mix in ROOT_AUTHORS.items():
        rows = np.flatnonzero(plat == p)
        if not len(rows):
            continue
        cdf = to_cdf(np.array([w for _, w in mix]))
        which = np.searchsorted(cdf, rng.random(len(rows)), side="right")
        for k, (name, _) in enumerate(mix):
            sel = rows[which == k]
            if len(sel):
                key = name if name.startswith("news") else f"{name}:{p}"
                author[sel] = a.groups[key].sample(rng.random(len(sel)))
    return author


def planned_unit(
    ctx: Ctx,
    ps: PostSet,
    key: tuple[int, ...],
    *,
    content: str,
    truth: str,
    child: ChildSpec,
    boost: float = 1.0,
    crisis_slots: bool = False,
    date: str = "",
    likes_per_child: float = 0.0,
) -> Iterator[pa.Table]:
    if len(ps) == 0:
        return
    rng = _rng(ctx, *key)
    spec = RootSpec(
        ps.platform,
        ps.author,
        ps.created,
        ps.brand,
        content,
        truth,
        ps.role,
        ps.children,
        number=ps.number,
        boost=boost,
        crisis_slots=crisis_slots,
        date=date,
        likes_per_child=likes_per_child,
        extra_comments=ps.extra_comments,
    )
    if content in ("promo", "campaign_brand", "giveaway_post", "crisis_statement"):
        spec.style = np.zeros(len(ps), np.int8)
    roots, parents = make_roots(ctx, rng, spec)
    yield roots
    yield from make_children(ctx, rng, parents, ps.children, child)


def planned_parents(ctx: Ctx, ps: PostSet) -> Parents:
    sid = root_ids(ps.platform, ps.number)
    return Parents(
        ps.platform,
        sid,
        root_urls(ctx.authors, ps.platform, ps.author, sid),
        ps.created,
        ps.brand,
        np.full(len(ps), NEU, np.int8),
        ps.author,
    )


def streamed_unit(
    ctx: Ctx,
    key: tuple[int, ...],
    roots_per_day: I64,
    children_per_day: I64,
    *,
    platforms: tuple[tuple[int, float], ...],
    content: str | I8,
    truth: str,
    role: str | None,
    brand: int,
    child: ChildSpec | Sequence[ChildSpec],
    crisis_slots: bool = False,
    kol_share: F64 | None = None,
) -> Iterator[pa.Table]:
    """Sampled (not planned) situation posts: ``roots_per_day[d]`` on day d.

    ``content`` is a template set, or per day an index into ``CONTENT_SETS``; ``child``
    one spec, or per day an index into that sequence.
    """
    n_roots = int(roots_per_day.sum())
    if n_roots <= 0:
        return
    rng = _rng(ctx, *key)
    a = ctx.authors
    day = np.repeat(np.arange(len(roots_per_day)), roots_per_day).astype(np.int64)
    pl = np.array([p for p, _ in platforms])
    w = np.array([x for _, x in platforms])
    plat = pl[rng.choice(len(pl), n_roots, p=w / w.sum())].astype(np.int8)
    author = np.empty(n_roots, np.int64)
    for p in np.unique(plat):
        m = plat == p
        author[m] = a.groups[f"person:{int(p)}"].sample(rng.random(int(m.sum())))
        if kol_share is not None and int(p) in (FB, TT):
            kol = m & (rng.random(n_roots) < kol_share[day])
            if kol.any():
                nano_micro = np.concatenate(
                    [a.groups[f"kol:{int(p)}:{t}"].members() for t in (0, 1)]
                )
                author[kol] = rng.choice(nano_micro, int(kol.sum()))
    created = times_in_days(rng, ctx.plan.period, day)
    brands = np.full(n_roots, brand, np.int8)
    style = styles(rng, ROOT_STYLES, plat)
    slots = make_slots(ctx, rng, brands, style, crisis=crisis_slots)
    if isinstance(content, str):
        c = template_content(ctx, rng, content, style, slots)
    else:
        which = content[day]
        parts = []
        for k, name in enumerate(CONTENT_SETS):
            idx = np.flatnonzero(which == k)
            if len(idx):
                parts.append((idx, template_content(ctx, rng, name, style[idx], slots.subset(idx))))
        c = Content.merge(n_roots, parts)
    add_titles(ctx, rng, c, plat, brands, style, slots)
    children = np.zeros(n_roots, np.int64)
    weights = comment_weights(rng, a.followers[author], c.sentiment)
    for d in np.flatnonzero(children_per_day):
        m = np.flatnonzero(day == d)
        children[m] = allocate(rng, int(children_per_day[d]), weights[m])
    spec = RootSpec(
        plat,
        author,
        created,
        brands,
        "template",
        truth,
        ctx.dyn_base + ctx.kind_role[ROOT_KIND[plat]] if role is None else role,
        children,
        crisis_slots=crisis_slots,
        style=style,
        content_override=c,
    )
    roots, parents = make_roots(ctx, rng, spec)
    yield roots
    if isinstance(child, ChildSpec):
        yield from make_children(ctx, rng, parents, children, child)
    else:
        for k, cs in enumerate(child):
            sel = (
                np.where(content[day] == k, children, 0)
                if not isinstance(content, str)
                else children
            )
            yield from make_children(ctx, rng, parents, sel, cs)


CONTENT_SETS: Final = ("crisis_complaint", "crisis_recovery")


def seeding_unit(ctx: Ctx, sp: SeedingPlan, k: int) -> Iterator[pa.Table]:
    """All bursts of one seeding campaign: reviews, posts and comments from young accounts."""
    rng = _rng(ctx, 5, k)
    a = ctx.authors
    ts = ctx.set("seeding")
    n_var = len(sp.variants[0])
    first = ctx.dyn_base + ctx.seed_base[k]
    templates = np.array(sp.templates, np.int64)
    cluster_ids = ctx.dyn_base + ctx.cluster_base[k] + np.arange(len(sp.templates))
    zipf = to_cdf(1.0 / (np.arange(n_var, dtype=np.float64) + 1.0))

    def content(burst: I64) -> Content:
        n = len(burst)
        cl = sp.burst_cluster[burst]
        v = np.searchsorted(zipf, rng.random(n), side="right")
        t = templates[cl]
        return Content.make(
            (first + cl * n_var + v).reshape(n, 1),
            ts.sentiment[t],
            ts.aspect_base + t,
            np.full(n, 1 << S_B, np.int64),
            np.full(n, -1, np.int8),
        )

    def times(burst: I64) -> I64:
        t = sp.burst_time[burst] + (rng.exponential(45 * 60, len(burst)) * 1e6).astype(np.int64)
        return np.minimum(t, ctx.end_us - 1)

    bursts = np.arange(len(sp.burst_day))
    # roots: reviews and facebook posts by young accounts
    for p, counts, role in ((REVIEW, sp.burst_reviews, "review"), (FB, sp.burst_posts, "post")):
        burst = np.repeat(bursts, counts)
        n = len(burst)
        if not n:
            continue
        author = a.groups[f"seed:{sp.group}:{p}"].sample(rng.random(n))
        c = content(burst)
        if p == REVIEW:
            c.rating = np.where(rng.random(n) < 0.85, 5, 4).astype(np.int8)
        spec = RootSpec(
            np.full(n, p, np.int8),
            author,
            times(burst),
            np.full(n, sp.brand, np.int8),
            "seeding",
            "seeding",
            role,
            np.zeros(n, np.int64),
            style=np.zeros(n, np.int8),
            content_override=c,
            extra=cluster_ids[sp.burst_cluster[burst]],
        )
        roots, _ = make_roots(ctx, rng, spec)
        yield roots
    # comments under the brand's own post of that day
    burst = np.repeat(bursts, sp.burst_comments)
    n = len(burst)
    if not n:
        return
    posts, which = np.unique(sp.burst_parent[burst], return_inverse=True)
    ps = ctx.plan.brand_posts.select(np.isin(np.arange(len(ctx.plan.brand_posts)), posts))
    parents = planned_parents(ctx, ps)
    ix = pa.array(which.astype(np.int64))
    author = a.groups[f"seed:{sp.group}:{FB}"].sample(rng.random(n))
    created = np.maximum(times(burst), ps.created[which] + 60_000_000)
    plat = np.full(n, FB, np.int8)
    number = ctx.take_numbers(ctx.child_next, plat)
    root_sid = parents.sid.take(ix)
    sid = child_ids(plat, root_sid, number)
    yield to_table(
        ctx,
        rng,
        platform=plat,
        kind=np.full(n, K_COMMENT, np.int8),
        sid=sid,
        parent=root_sid,
        url=child_urls(plat, parents.url.take(ix), sid),
        author=author,
        created=created,
        content=content(burst),
        thread_brand=np.full(n, sp.brand, np.int8),
        truth="seeding",
        role="comment",
        counts=child_engagement(rng, plat, 0.5),
        extra=cluster_ids[sp.burst_cluster[burst]],
    )


Job = Callable[[Ctx], Iterator[pa.Table]]


def _pieces(ps: PostSet) -> list[PostSet]:
    """``ps`` cut into runs of posts with at most about CHUNK_ROWS comments each."""
    out: list[PostSet] = []
    start = 0
    total = 0
    for i, k in enumerate(ps.children):
        if total and total + int(k) > CHUNK_ROWS:
            out.append(ps.select((np.arange(len(ps)) >= start) & (np.arange(len(ps)) < i)))
            start, total = i, 0
        total += int(k)
    if start < len(ps):
        out.append(ps.select(np.arange(len(ps)) >= start))
    return out


def jobs(plan: Plan) -> list[Job]:
    """The units of the data set, in output order: organic runs of days, then situations.

    Each job is independent (own random generator, own id range), so jobs can run in
    parallel and still produce exactly the same data.
    """
    days = plan.period.days
    lumi = BRAND_INDEX["lumi"]
    cb = BRAND_INDEX[CRISIS_BRAND]
    out: list[Job] = []
    for run, part, parts in organic_runs(plan):
        out.append(partial(organic_unit, days=run, part=part, parts=parts))
    for i, piece in enumerate(_pieces(plan.brand_posts)):
        out.append(
            partial(
                planned_unit,
                ps=piece,
                key=(2, i),
                content="promo",
                truth="organic",
                boost=0.12,
                child=ChildSpec("organic"),
            )
        )
    # KOL campaign
    campaign = ChildSpec("campaign", mix=((0.75, "campaign_comment"), (0.25, "organic")))
    out.append(
        partial(
            planned_unit,
            ps=plan.kol_posts,
            key=(3,),
            content="campaign_kol",
            truth="campaign",
            child=campaign,
            boost=1.5,
        )
    )
    out.append(
        partial(
            planned_unit,
            ps=plan.campaign_brand_posts,
            key=(4,),
            content="campaign_brand",
            truth="campaign",
            child=campaign,
            boost=0.3,
        )
    )
    out.append(
        partial(
            streamed_unit,
            key=(6,),
            roots_per_day=plan.ugc_roots,
            children_per_day=plan.ugc_children,
            platforms=((FB, 0.55), (TT, 0.45)),
            content="campaign_ugc",
            truth="campaign",
            role="ugc",
            brand=lumi,
            child=ChildSpec("campaign", mix=((0.4, "campaign_comment"), (0.6, "organic"))),
        )
    )
    # giveaways: a flood of short comments within three days
    for gi in range(len(plan.giveaways)):
        gp = plan.giveaways.select(np.arange(len(plan.giveaways)) == gi)
        until = plan.period.date(min(days - 1, int(gp.day[0]) + 3)).strftime("%d/%m")
        out.append(
            partial(
                planned_unit,
                ps=gp,
                key=(7, gi),
                content="giveaway_post",
                truth="giveaway",
                boost=0.3,
                likes_per_child=6.5,
                date=until,
                child=ChildSpec(
                    "giveaway",
                    mix=((1.0, "giveaway_comment"),),
                    delay_median_min=600,
                    delay_max_h=72,
                    reply_rate=np.zeros(len(PLATFORMS)),
                    brand_replies=False,
                    likes_boost=0.3,
                    date=until,
                ),
            )
        )
    for k, sp in enumerate(plan.seedings):
        out.append(partial(seeding_unit, sp=sp, k=k))
    # the crisis
    crisis_child = ChildSpec(
        "crisis", mix=((0.7, "crisis_comment"), (0.3, "organic")), crisis_slots=True
    )
    recovery_child = ChildSpec(
        "crisis", mix=((0.4, "crisis_comment"), (0.6, "organic")), crisis_slots=True
    )
    statement_child = ChildSpec(
        "crisis",
        mix=((0.8, "crisis_statement_comment"), (0.2, "crisis_comment")),
        crisis_slots=True,
    )
    key_posts = (
        ("first_complaint", "crisis_complaint", 1.0, crisis_child),
        ("news_article", "article:crisis_news_title:crisis_news_body", 1.0, crisis_child),
        ("response_news", "article:crisis_response_news:crisis_news_body", 1.0, crisis_child),
        ("news_page_post", "share:crisis_news_title", 1.5, crisis_child),
        ("big_page_post", "crisis_page", 6.0, crisis_child),
        ("statement", "crisis_statement", 0.5, statement_child),
    )
    for i, (name, content, boost, child) in enumerate(key_posts):
        out.append(
            partial(
                planned_unit,
                ps=plan.crisis_key[name],
                key=(8, i),
                content=content,
                truth="crisis",
                child=child,
                crisis_slots=True,
                boost=boost,
            )
        )
    off = np.arange(days) - plan.crisis_start
    out.append(
        partial(
            streamed_unit,
            key=(9,),
            roots_per_day=plan.crisis_roots,
            children_per_day=plan.crisis_children,
            platforms=((FB, 0.5), (TT, 0.2), (REVIEW, 0.15), (FORUM, 0.15)),
            content=(off >= 7).astype(np.int8),  # complaints, then recovery talk
            truth="crisis",
            role=None,
            brand=cb,
            child=(crisis_child, recovery_child),
            crisis_slots=True,
            kol_share=np.where((off >= 2) & (off < 7), 0.08, 0.0),
        )
    )
    return out


def _run(ctx: Ctx, job: Job, index: int) -> list[pa.Table]:
    return list(job(ctx.for_job(index)))


def batches(plan: Plan, workers: int = 1) -> Iterator[pa.Table]:
    """Tables of at most :data:`BATCH_ROWS` rows, combining small units.

    With ``workers`` > 1 the jobs run in threads (numpy and Arrow release the GIL), a
    few ahead of the consumer; the output is the same as with one worker.
    """
    ctx = Ctx(plan)
    todo = jobs(plan)
    pending: list[pa.Table] = []
    size = 0

    def results() -> Iterator[list[pa.Table]]:
        if workers <= 1:
            for i, job in enumerate(todo):
                yield _run(ctx, job, i)
            return
        with ThreadPoolExecutor(workers, thread_name_prefix="tinhieu-demo") as pool:
            ahead: deque[Future[list[pa.Table]]] = deque()
            for i, job in enumerate(todo):
                ahead.append(pool.submit(_run, ctx, job, i))
                if len(ahead) > workers:
                    yield ahead.popleft().result()
            while ahead:
                yield ahead.popleft().result()

    for tables in results():
        for unit in tables:
            for lo in range(0, unit.num_rows, BATCH_ROWS):
                table = unit.slice(lo, BATCH_ROWS)
                if size + table.num_rows > BATCH_ROWS and pending:
                    yield pa.concat_tables(pending)
                    pending, size = [], 0
                pending.append(table)
                size += table.num_rows
                if size >= BATCH_ROWS // 2:
                    yield pa.concat_tables(pending)
                    pending, size = [], 0
    if pending:
        yield pa.concat_tables(pending)
