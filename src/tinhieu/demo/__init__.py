"""Realistic Vietnamese social-listening demo data, with ground truth.

Four fictional milk-tea / coffee chains (our brand **Lumi Tea**; competitors **Hồng Hạc**,
**Gác Cà Phê**, **Mèo Mập Coffee**) discussed on Facebook, TikTok, YouTube, a forum,
news sites and a food-review site over ``days`` days, with four situations planted in
the data and described by :func:`ground_truth`:

1. a KOL campaign for Lumi Tea (hashtag ``#LumiMatchaFest``),
2. giveaway minigames that inflate likes and comments on brand-page posts,
3. seeding clusters: near-duplicate praise from young, low-follower accounts,
4. a food-safety crisis for Lumi Tea: complaints, slight buzz rise, negative turn, news
   pick-up, big pages amplifying, the brand's statement, recovery.

Every row carries its hidden truth in ``attrs`` (``demo_truth``, ``demo_role``,
``true_sentiment``, ``true_aspects``, ``true_brands``, ``thread_brand``,
``true_language``, and where relevant ``crisis_stage``, ``seeding_cluster``, ``rating``,
``author_joined``). The enrichment columns stay NULL. A few look-alike posts ("Nokia
Lumia", "chim hồng hạc") test the topic queries' NOT clauses.

``python -m tinhieu.demo --out demo.parquet --truth truth.json`` writes a data set.

>>> from tinhieu.demo import DemoConfig, generate
>>> for batch in generate(DemoConfig(scale=0.1)):  # doctest: +SKIP
...     store.upsert_mentions(batch)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from tinhieu.demo.authors import PLATFORMS, TIER_BOUNDS, TIERS
from tinhieu.demo.brands import BRANDS, CATEGORY_TOPIC, demo_topics
from tinhieu.demo.build import batches
from tinhieu.demo.config import DemoConfig
from tinhieu.demo.kols import kol_rows, kol_table, kol_truth
from tinhieu.demo.plan import (
    CRISIS_BRAND,
    CRISIS_LOCATION,
    CRISIS_PRODUCT,
    CRISIS_STAGES,
    DAY_US,
    Plan,
    PostSet,
    build_plan,
    iso,
)
from tinhieu.demo.text import vocab
from tinhieu.demo.threads import root_ids

__all__ = ["DemoConfig", "demo_topics", "generate", "ground_truth"]

TRUTH_VERSION = 1
MAX_LISTED = 5000  # longer id lists are left out of the ground truth (rules find the rows)


def generate(config: DemoConfig, *, workers: int | None = None) -> Iterator[pa.Table]:
    """Stream the demo mentions as tables of at most 200,000 rows in the Mention schema.

    ``workers`` threads build the batches (default: up to 4, one per CPU); the data does
    not depend on it.
    """
    if workers is None:
        workers = min(4, os.cpu_count() or 1)
    yield from batches(build_plan(config), workers)
    if config.kols:
        yield kol_table(config)


def _ids(plan: Plan, ps: PostSet) -> list[dict[str, Any]]:
    sids = root_ids(ps.platform, ps.number).to_pylist()
    a = plan.authors
    out = []
    for i, sid in enumerate(sids):
        author = int(ps.author[i])
        item: dict[str, Any] = {
            "platform": PLATFORMS[int(ps.platform[i])],
            "source_id": sid,
            "created_at": iso(int(ps.created[i])),
            "author_id": a.ids[author].as_py(),
            "author_name": a.names[author].as_py(),
            "collected_comments": int(ps.children[i]),
        }
        if ps.stage:
            item["stage"] = ps.stage[i]
        out.append(item)
    return out


def _window(plan: Plan, start_day: int, stop_day: int) -> dict[str, str]:
    p = plan.period
    return {"start": iso(p.day_us(start_day)), "end": iso(p.day_us(stop_day))}


def _tier(followers: int) -> str:
    for name, (lo, hi) in zip(TIERS, TIER_BOUNDS, strict=True):
        if lo <= followers < hi:
            return name
    return "nano" if followers < TIER_BOUNDS[0][0] else "mega"


def ground_truth(config: DemoConfig) -> dict[str, Any]:
    """What the data of ``config`` contains, computed from the plan (no generation).

    Deterministic and JSON-serialisable. Times are UTC ISO-8601; windows are half-open
    ``[start, end)``. Rows belonging to a situation are found with ``rule`` (a condition
    on the ``attrs`` JSON column); key posts are listed by ``platform`` + ``source_id``.
    """
    plan = build_plan(config)
    p = plan.period
    a = plan.authors
    brand_keys = [b.key for b in BRANDS]
    camp = vocab().raw["campaign"]
    c0, c1 = plan.campaign_window
    kol = _ids(plan, plan.kol_posts)
    for item, author in zip(kol, plan.kol_posts.author, strict=True):
        item["followers"] = int(a.followers[author])
        item["tier"] = _tier(int(a.followers[author]))
    campaign_rows = (
        len(plan.kol_posts)
        + int(plan.kol_posts.children.sum())
        + len(plan.campaign_brand_posts)
        + int(plan.campaign_brand_posts.children.sum())
        + int(plan.ugc_roots.sum() + plan.ugc_children.sum())
    )
    situations: list[dict[str, Any]] = [
        {
            "kind": "kol_campaign",
            "brand": "lumi",
            "hashtag": camp["hashtag"],
            "product": camp["product"],
            "window": _window(plan, c0, c1),
            "kol_posts": kol,
            "brand_posts": _ids(plan, plan.campaign_brand_posts),
            "kol_tiers": sorted({item["tier"] for item in kol}),
            "ugc_posts": int(plan.ugc_roots.sum()),
            "rows": campaign_rows,
            "rule": "attrs.demo_truth = 'campaign' (demo_role kol_post, ugc, "
            "campaign_brand_post, comment, reply)",
        }
    ]
    for i in range(len(plan.giveaways)):
        g = plan.giveaways.select(np.arange(len(plan.giveaways)) == i)
        day = int(g.day[0])
        situations.append(
            {
                "kind": "giveaway",
                "brand": brand_keys[int(g.brand[0])],
                "window": {
                    "start": iso(int(g.created[0])),
                    "end": iso(min(int(g.created[0]) + 3 * DAY_US, p.end_us)),
                },
                "post": _ids(plan, g)[0],
                "comment_rows": int(g.children[0]),
                "rows": 1 + int(g.children[0]),
                "day": p.date(day).isoformat(),
                "rule": "attrs.demo_truth = 'giveaway'; comments have parent_id = post.source_id",
            }
        )
    for sp in plan.seedings:
        seed_authors: list[str] = []
        for platform in (0, 5):
            group = a.groups[f"seed:{sp.group}:{platform}"]
            seed_authors += a.ids.slice(group.start, group.size).to_pylist()
        situations.append(
            {
                "kind": "seeding",
                "brand": brand_keys[sp.brand],
                "key": sp.key,
                "window": _window(plan, sp.start, sp.stop),
                "clusters": [
                    {
                        "cluster": f"{sp.key}-{c + 1}",
                        "template": sp.variants[c][0],
                        "rows": int(
                            (sp.burst_comments + sp.burst_reviews + sp.burst_posts)[
                                sp.burst_cluster == c
                            ].sum()
                        ),
                        "bursts": [
                            iso(int(t)) for t in np.sort(sp.burst_time[sp.burst_cluster == c])
                        ],
                    }
                    for c in range(len(sp.templates))
                ],
                "rows": sp.rows,
                "author_count": len(seed_authors),
                # listed while the list is small; the rule finds them at any scale
                "author_ids": seed_authors if len(seed_authors) <= MAX_LISTED else None,
                "max_followers": int(
                    max(
                        a.followers[a.groups[f"seed:{sp.group}:{pl}"].members()].max()
                        for pl in (0, 5)
                    )
                ),
                "rule": f"attrs.demo_truth = 'seeding' AND attrs.seeding_cluster LIKE '{sp.key}-%'",
            }
        )
    cs = plan.crisis_start
    crisis_rows = int(plan.crisis_roots.sum() + plan.crisis_children.sum())
    crisis_rows += sum(len(ps) + int(ps.children.sum()) for ps in plan.crisis_key.values())
    situations.append(
        {
            "kind": "crisis",
            "brand": CRISIS_BRAND,
            "issue": "food_safety",
            "location": CRISIS_LOCATION,
            "product": CRISIS_PRODUCT,
            "window": _window(plan, cs, min(p.days, cs + CRISIS_STAGES[-1][2])),
            "stages": [
                {"stage": name, **_window(plan, cs + lo, min(p.days, cs + hi))}
                for name, lo, hi in CRISIS_STAGES
                if cs + lo < p.days
            ],
            "key_posts": {name: _ids(plan, ps) for name, ps in plan.crisis_key.items()},
            "rows": crisis_rows,
            "rule": "attrs.demo_truth = 'crisis' (attrs.crisis_stage names the stage); the "
            "crisis also shifts organic mentions of the brand towards negative quality",
        }
    )
    truth: dict[str, Any] = {
        "generator": "tinhieu.demo",
        "version": TRUTH_VERSION,
        "config": {
            "days": config.days,
            "scale": config.scale,
            "seed": config.seed,
            "end": config.end_date.isoformat(),
            "workspace": config.workspace,
        },
        "period": {
            "start": iso(p.start_us),
            "end": iso(p.end_us),
            "first_day": p.start.isoformat(),
            "last_day": p.date(p.days - 1).isoformat(),
            "timezone": "+07:00",
        },
        "expected_rows": plan.expected_rows,
        "brands": [
            {"key": b.key, "name": b.name, "group": b.group, "query": b.query} for b in BRANDS
        ],
        "topics": [{"name": n, "query": q, "group": g} for n, q, g in demo_topics()],
        "category_topic": CATEGORY_TOPIC[0],
        "labels": {
            "where": "attrs JSON column of every row",
            "demo_truth": "organic | campaign | giveaway | seeding | crisis",
            "demo_role": "post, video, article, review, comment, reply, brand_reply, "
            "brand_post, kol_post, ugc, ... (what the row is within its situation)",
            "true_sentiment": "positive | neutral | negative",
            "true_aspects": "object aspect -> polarity; aspects: price, quality, delivery, "
            "service, packaging, app, promotion, store",
            "true_brands": "brand keys the text names (what a perfect topic match finds)",
            "thread_brand": "brand the conversation is about (null for category talk)",
            "true_language": "vi | en",
            "crisis_stage": "on crisis rows: the stage of the day the row was posted",
            "seeding_cluster": "on seeding rows: the near-duplicate cluster",
            "rating": "review stars (a source field of the review site)",
            "author_joined": "account creation date (a source field)",
            "noise": "rows with demo_role noise-free texts that only look like a brand "
            "(e.g. 'Nokia Lumia') have true_brands []",
        },
        "situations": situations,
    }
    if config.kols:  # opt-in: the default truth stays as it was
        truth["config"]["kols"] = True
        truth["expected_rows"] += kol_rows(config)
        truth["kols"] = kol_truth(config)
    return truth
