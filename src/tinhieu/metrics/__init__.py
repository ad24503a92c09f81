"""Metrics: exact, documented definitions of every number tinhieu reports.

Each metric is defined in one module (see ``docs/metrics.md``)::

    volume.py          volume (buzz), by kind and platform
    engagement.py      interactions, reach, engagement rate (by followers / by reach)
    sentiment.py       net sentiment score
    quality.py         quality engagement and vanity share
    share_of_voice.py  share of voice among brand + competitor topics
    top.py             top authors and top posts
    timeseries.py      by day, by hour of day, busiest days (workspace time zone)
    breakdown.py       mentions by platform, kind, KOL tier, sentiment, …
    tiers.py           KOL tiers by followers
    summary.py         every metric of a scope, as one :class:`Stats`
    render.py          a terminal summary in Vietnamese or English

Every function takes ``(store, workspace, *, topic=None, group=None, since=None,
until=None, platform=None, rollup=None)``. Numbers come from a scan of ``mentions`` or,
when it is up to date, from the pre-aggregated rollup (``rollup.py``); both give the
same answers.
"""

from tinhieu.metrics.breakdown import breakdown
from tinhieu.metrics.engagement import Engagement, engagement
from tinhieu.metrics.measures import POST_KINDS
from tinhieu.metrics.quality import Quality, quality_engagement
from tinhieu.metrics.render import render_text
from tinhieu.metrics.result import Metric
from tinhieu.metrics.rollup import RollupInfo, drop_rollup, refresh_rollup, rollup_is_fresh
from tinhieu.metrics.scope import Filters, Scope, resolve
from tinhieu.metrics.sentiment import net_sentiment
from tinhieu.metrics.share_of_voice import ShareOfVoice, share_of_voice
from tinhieu.metrics.summary import Stats, summary
from tinhieu.metrics.tiers import TIERS, kol_tier
from tinhieu.metrics.timeseries import busiest_days, by_day, by_hour
from tinhieu.metrics.top import top_authors, top_posts
from tinhieu.metrics.volume import Volume, volume

__all__ = [
    "POST_KINDS",
    "TIERS",
    "Engagement",
    "Filters",
    "Metric",
    "Quality",
    "RollupInfo",
    "Scope",
    "ShareOfVoice",
    "Stats",
    "Volume",
    "breakdown",
    "busiest_days",
    "by_day",
    "by_hour",
    "drop_rollup",
    "engagement",
    "kol_tier",
    "net_sentiment",
    "quality_engagement",
    "refresh_rollup",
    "render_text",
    "resolve",
    "rollup_is_fresh",
    "share_of_voice",
    "summary",
    "top_authors",
    "top_posts",
    "volume",
]
