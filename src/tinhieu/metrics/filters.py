"""Time-window parsing shared with other parts of tinhieu (export, API).

The rules are those of every metric (see :mod:`tinhieu.metrics.scope`): ``since`` is
inclusive and ``until`` exclusive, except that a date given as ``until`` includes that
whole day; dates and naive datetimes are read in the workspace time zone.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tinhieu.metrics.scope import DateLike, Filters, parse_bound

__all__ = ["DateLike", "Filters", "time_window"]


def time_window(
    since: DateLike, until: DateLike, timezone: str
) -> tuple[datetime | None, datetime | None]:
    """The UTC instants [start, end) of a since/until pair in ``timezone``.

    >>> time_window("2025-03-01", "2025-03-01", "Asia/Ho_Chi_Minh")[1].isoformat()
    '2025-03-01T17:00:00+00:00'
    """
    zone = ZoneInfo(timezone)
    start, _ = parse_bound(since, zone, is_until=False)
    end, _ = parse_bound(until, zone, is_until=True)
    if start is not None and end is not None and start >= end:
        raise ValueError("since must be before until")
    return start, end
