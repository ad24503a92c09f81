"""Filters shared by every metric and their resolution against a store.

Every metric takes the same filters: a workspace, a topic (by name) *or* a topic group,
``since`` / ``until`` and platform(s). :func:`resolve` turns them into a :class:`Scope`
with UTC bounds (for scans of ``mentions``) and local-day bounds (for the rollup).

Time rules
    * ``since`` is inclusive, ``until`` is exclusive, *except* that a ``date`` given as
      ``until`` means "up to and including that day".
    * A ``date`` (or ``"2025-03-01"``) is a day in the workspace time zone: it starts at
      local midnight.
    * A naive ``datetime`` is read in the workspace time zone; an aware one is used as is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final, TypedDict
from zoneinfo import ZoneInfo

from tinhieu.store.base import Store

DateLike = date | datetime | str | None


class Filters(TypedDict, total=False):
    """The keyword filters every metric function accepts."""

    topic: str | None  # one topic, by name
    group: str | None  # a topic group: brand, competitor or category
    since: DateLike  # inclusive
    until: DateLike  # exclusive (a date: inclusive, the whole day)
    platform: str | Sequence[str] | None
    rollup: bool | None  # None: rollup if fresh; True: refresh it first; False: scan


#: Topic groups whose topics are compared in share of voice.
SOV_GROUPS: tuple[str, ...] = ("brand", "competitor")


@dataclass(frozen=True, slots=True)
class Scope:
    """Resolved filters: what a metric counts."""

    workspace: str
    timezone: str
    topic: str | None = None
    group: str | None = None
    #: Topic names a mention must match (any of); ``None`` means the whole workspace.
    topics: tuple[str, ...] | None = None
    #: Topics compared in share of voice (the brand and competitor groups).
    sov_topics: tuple[str, ...] = ()
    #: Group of every topic of the workspace.
    topic_groups: dict[str, str] = field(default_factory=dict)
    since_utc: datetime | None = None
    until_utc: datetime | None = None  # exclusive
    day_from: date | None = None  # first local day (inclusive)
    day_to: date | None = None  # local day after the last one (exclusive)
    #: True when both bounds fall on local midnight (the rollup can answer the query).
    day_aligned: bool = True
    platforms: tuple[str, ...] | None = None

    @property
    def scan_topics(self) -> tuple[str, ...] | None:
        """Topics whose mentions a scan must read: the scope's and the share-of-voice set."""
        if self.topics is None:
            return None
        return tuple(dict.fromkeys((*self.topics, *self.sov_topics)))

    def where(
        self, *, topics: tuple[str, ...] | None = None, alias: str = ""
    ) -> tuple[str, list[Any]]:
        """SQL condition on ``mentions`` and its parameters.

        ``topics`` overrides the topic condition (default: :attr:`topics`).
        """
        p = f"{alias}." if alias else ""
        parts = [f"{p}workspace = ?"]
        params: list[Any] = [self.workspace]
        if self.since_utc is not None:
            parts.append(f"{p}created_at >= CAST(? AS TIMESTAMPTZ)")
            params.append(_iso(self.since_utc))
        if self.until_utc is not None:
            parts.append(f"{p}created_at < CAST(? AS TIMESTAMPTZ)")
            params.append(_iso(self.until_utc))
        if self.platforms is not None:
            parts.append(f"{p}platform IN ({', '.join('?' for _ in self.platforms)})")
            params.extend(self.platforms)
        wanted = self.topics if topics is None else topics
        if wanted is not None:
            # One array_position per topic: DuckDB and PostgreSQL both have it, and in
            # DuckDB it is several times faster than the `&&` overlap operator.
            parts.append(
                "(" + " OR ".join(f"array_position({p}topics, ?) IS NOT NULL" for _ in wanted) + ")"
                if wanted
                else "FALSE"
            )
            params.extend(wanted)
        return " AND ".join(parts), params

    def describe(self) -> dict[str, Any]:
        """The filters, as they apply, for reports and JSON."""
        return {
            "workspace": self.workspace,
            "timezone": self.timezone,
            "topic": self.topic,
            "group": self.group,
            "topics": list(self.topics) if self.topics is not None else None,
            "share_of_voice_topics": list(self.sov_topics),
            "since": self.since_utc.isoformat() if self.since_utc else None,
            "until": self.until_utc.isoformat() if self.until_utc else None,
            "first_day": self.day_from.isoformat() if self.day_from else None,
            "last_day": (self.day_to - timedelta(days=1)).isoformat() if self.day_to else None,
            "platforms": list(self.platforms) if self.platforms is not None else None,
        }


def resolve(
    store: Store,
    workspace: str,
    *,
    topic: str | None = None,
    group: str | None = None,
    since: DateLike = None,
    until: DateLike = None,
    platform: str | Sequence[str] | None = None,
) -> Scope:
    """Resolve the filters of a metric call against ``store``."""
    if topic is not None and group is not None:
        raise ScopeError("give a topic or a topic group, not both")
    tz = store.workspace_timezone(workspace)
    topic_list = store.get_topics(workspace)
    groups = {t.name: t.group for t in topic_list}
    topics: tuple[str, ...] | None = None
    if topic is not None:
        if topic not in groups:
            known = ", ".join(sorted(groups)) or "none"
            raise ScopeError(f"no topic {topic!r} in workspace {workspace!r} (topics: {known})")
        topics = (topic,)
    elif group is not None:
        topics = tuple(t.name for t in topic_list if t.group == group)
        if not topics:
            raise ScopeError(f"no topic in group {group!r} of workspace {workspace!r}")
    sov = tuple(t.name for t in topic_list if t.group in SOV_GROUPS)

    zone = ZoneInfo(tz)
    since_utc, since_aligned = parse_bound(since, zone, is_until=False)
    until_utc, until_aligned = parse_bound(until, zone, is_until=True)
    if since_utc is not None and until_utc is not None and since_utc >= until_utc:
        raise ScopeError("since must be before until")
    day_from = since_utc.astimezone(zone).date() if since_utc and since_aligned else None
    day_to = until_utc.astimezone(zone).date() if until_utc and until_aligned else None

    platforms: tuple[str, ...] | None
    if platform is None:
        platforms = None
    elif isinstance(platform, str):
        platforms = (platform,)
    else:
        platforms = tuple(dict.fromkeys(platform))
    return Scope(
        workspace=workspace,
        timezone=tz,
        topic=topic,
        group=group,
        topics=topics,
        sov_topics=sov,
        topic_groups=groups,
        since_utc=since_utc,
        until_utc=until_utc,
        day_from=day_from,
        day_to=day_to,
        day_aligned=since_aligned and until_aligned,
        platforms=platforms,
    )


class ScopeError(ValueError):
    """The filters of a metric call cannot be resolved (unknown topic, unreadable
    date…); the message is one line for the user."""


#: Bounds outside these years are refused (a typo, or a client probing the API): a day
#: series from year 1 would have 740,000 rows.
MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2200


def parse_bound(value: DateLike, zone: ZoneInfo, *, is_until: bool) -> tuple[datetime | None, bool]:
    """The UTC instant of a since/until bound and whether it is a local midnight.

    A date (or ``YYYY-MM-DD`` string) is local midnight; as ``until`` it is the
    midnight that ends that day. A naive datetime is read in ``zone``.
    """
    if value is None:
        return None, True
    if isinstance(value, str):
        value = _parse_text_bound(value, zone)
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ScopeError(f"the date {value.isoformat()} is outside {MIN_YEAR}–{MAX_YEAR}")
    if isinstance(value, datetime):
        local = value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)
        aligned = local.timetz().replace(tzinfo=None) == time(0)
        return local.astimezone(UTC), aligned
    day = value + timedelta(days=1) if is_until else value
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC), True


def _parse_text_bound(text: str, zone: ZoneInfo) -> date | datetime:
    """A bound typed by a user, read by the importer's date parser, so ``2026-03-01``,
    ``01/03/2026`` (day first) and ``01/03/2026 20:15`` all work. Text without a time
    of day is a whole date."""
    from tinhieu.sources.values import parse_timestamp

    try:
        moment, _ = parse_timestamp(text.strip(), zone.key)
    except ValueError as exc:
        raise ScopeError(f"cannot read the date {text!r}: {exc}") from exc
    local = moment.astimezone(zone)
    if ":" not in text and local.timetz().replace(tzinfo=None) == time(0):
        return local.date()
    return moment


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f+00")
