"""The full stats report of a scope: every metric, assembled from one set of partials."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from tinhieu.metrics.engagement import Engagement, engagement_from
from tinhieu.metrics.partials import scan
from tinhieu.metrics.quality import Quality, quality_metrics
from tinhieu.metrics.result import Metric, frame_records
from tinhieu.metrics.rollup import Rollup
from tinhieu.metrics.scope import DateLike, resolve
from tinhieu.metrics.sentiment import net_sentiment_metric
from tinhieu.metrics.share_of_voice import ShareOfVoice, share_of_voice_from
from tinhieu.metrics.tiers import TIERS
from tinhieu.metrics.timeseries import busiest_of, by_day_from, by_hour_from
from tinhieu.metrics.top import AuthorRank, authors_scan_all, posts_scan
from tinhieu.metrics.volume import Volume, volume_from
from tinhieu.store.base import Store


@dataclass(frozen=True, slots=True)
class Stats:
    """A stats report. ``to_dict()`` is what ``tinhieu stats --json`` prints."""

    scope: dict[str, Any]
    volume: Volume
    engagement: Engagement
    net_sentiment: Metric
    quality: Quality
    share_of_voice: ShareOfVoice
    top_authors_by_mentions: pd.DataFrame
    top_authors_by_interactions: pd.DataFrame
    top_posts: pd.DataFrame
    by_day: pd.DataFrame
    by_hour: pd.DataFrame
    busiest_days: pd.DataFrame
    #: Where each part came from: "rollup" or "scan".
    sources: dict[str, str] = field(default_factory=dict)
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    elapsed_ms: float = 0.0

    def render(self, lang: str = "vi") -> str:
        """The report as text (see :func:`tinhieu.metrics.render.render_text`)."""
        from tinhieu.metrics.render import render_text

        return render_text(self, lang)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "generated_at": self.generated_at.isoformat(),
            "elapsed_ms": round(self.elapsed_ms, 3),
            "sources": dict(self.sources),
            "volume": self.volume.to_dict(),
            **self.engagement.to_dict(),
            "net_sentiment": self.net_sentiment.to_dict(),
            **self.quality.to_dict(),
            "share_of_voice": self.share_of_voice.to_dict(),
            "top_authors": {
                "by_mentions": frame_records(self.top_authors_by_mentions),
                "by_interactions": frame_records(self.top_authors_by_interactions),
                "tiers": {name: lower for name, lower in TIERS},
            },
            "top_posts": frame_records(self.top_posts),
            "by_day": frame_records(self.by_day),
            "by_hour": frame_records(self.by_hour),
            "busiest_days": frame_records(self.busiest_days),
        }


def summary(
    store: Store,
    workspace: str,
    *,
    topic: str | None = None,
    group: str | None = None,
    since: DateLike = None,
    until: DateLike = None,
    platform: str | Sequence[str] | None = None,
    rollup: bool | None = None,
    limit: int = 10,
    busiest: int = 5,
) -> Stats:
    """Every metric for one scope.

    ``rollup``: ``None`` uses the rollup when it is fresh (else scans), ``True`` builds
    or refreshes it first, ``False`` always scans. The numbers are the same either way.
    ``limit`` is the length of the top lists, ``busiest`` of the busiest-days list.
    """
    started = time.perf_counter()
    scope = resolve(
        store, workspace, topic=topic, group=group, since=since, until=until, platform=platform
    )
    source = Rollup.open(store, scope, refresh=bool(rollup)) if rollup is not False else None
    sources: dict[str, str] = {}
    partials = source.partials() if source else scan(store, scope)
    sources["aggregates"] = partials.source

    authors: dict[str, pd.DataFrame] = {}
    ranks: tuple[AuthorRank, ...] = ("mentions", "interactions")
    lists = source.top_author_lists(limit, ranks) if source else {}
    missing = tuple(by for by in ranks if lists.get(by) is None)
    scanned = authors_scan_all(store, scope, limit, missing) if missing else {}
    for by in ranks:
        found = lists.get(by)
        sources[f"top_authors_by_{by}"] = "rollup" if found is not None else "scan"
        authors[by] = found if found is not None else scanned[by]
    posts = source.top_posts(limit) if source else None
    sources["top_posts"] = "rollup" if posts is not None else "scan"
    if posts is None:
        posts = posts_scan(store, scope, limit)

    totals = partials.totals()
    days = by_day_from(partials)
    return Stats(
        scope=scope.describe(),
        volume=volume_from(partials),
        engagement=engagement_from(partials),
        net_sentiment=net_sentiment_metric(totals),
        quality=quality_metrics(totals),
        share_of_voice=share_of_voice_from(partials),
        top_authors_by_mentions=authors["mentions"],
        top_authors_by_interactions=authors["interactions"],
        top_posts=posts,
        by_day=days,
        by_hour=by_hour_from(partials),
        busiest_days=busiest_of(days, busiest),
        sources=sources,
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )
