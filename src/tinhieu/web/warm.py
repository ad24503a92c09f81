"""Keeping the Overviews people look at computed before they look.

An Overview is cached per data version and hour (:func:`tinhieu.web.overview.overview`);
the first view after the data changed, after the hour turned, or of another period,
computes it (0.1–0.5 s at 1M mentions, against ~15 ms from the cache). So:

* at start, :func:`warm_all` computes every workspace's default Overview (brand group,
  7 days, per day) first, then the other periods (1, 30 and 90 days), then the author
  audit of the Authors page for workspaces of up to :data:`AUDIT_AT_START_MAX`
  mentions (the audit reads every comment: ~12 s at 1M mentions, which
  would slow every request meanwhile; larger workspaces compute it when the Authors
  page is first opened);
* while the app runs, :class:`Warmer` checks every :data:`CHECK_EVERY` seconds which
  workspaces someone opened the Overview of in the last :data:`VIEW_MEMORY` and whose
  views went stale (new data, a new hour), and computes their four periods again, at
  most once per :data:`MIN_GAP` per workspace, so a steady stream of writes costs at
  most four computations per workspace every two minutes.

Failures are logged, never raised: warming must never stop the app.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any, Final

from tinhieu.store.duckdb import DuckDBStore
from tinhieu.web.cache import data_version
from tinhieu.web.overview import PERIODS

DEFAULT_DAYS: Final = 7
CHECK_EVERY: Final = 30.0
MIN_GAP: Final = 120.0
VIEW_MEMORY: Final = 12 * 3600.0
AUDIT_AT_START_MAX: Final = 200_000
_log = logging.getLogger(__name__)
_viewed: dict[tuple[int, str], float] = {}
_viewed_lock = threading.Lock()


def note_view(store: DuckDBStore | Any, workspace: str) -> None:
    """Someone opened ``workspace``'s Overview: keep it warm for a while."""
    with _viewed_lock:
        _viewed[(id(store), workspace)] = time.monotonic()


def viewed(store: DuckDBStore | Any, within: float = VIEW_MEMORY) -> list[str]:
    """The workspaces whose Overview was opened in the last ``within`` seconds."""
    now = time.monotonic()
    with _viewed_lock:
        return sorted(
            ws for (sid, ws), at in _viewed.items() if sid == id(store) and now - at <= within
        )


def _periods(first: int = DEFAULT_DAYS) -> list[int]:
    return [first, *(d for d in PERIODS if d != first)]


def warm_workspace(store: DuckDBStore, workspace: str, periods: list[int] | None = None) -> int:
    """Compute ``workspace``'s brand-group Overview for ``periods`` (default: all, the
    7-day one first); returns how many were computed or found fresh."""
    from tinhieu.web.overview import overview

    done = 0
    if not store.get_topics(workspace):
        return 0
    for days in periods or _periods():
        try:
            overview(store, workspace, group="brand", days=days, grain="day")
            done += 1
        except Exception:
            _log.exception("warming the %d-day Overview of workspace %r failed", days, workspace)
    return done


def warm_all(store: DuckDBStore, *, authors: bool = True) -> int:
    """Every workspace's default Overview, then the other periods, then (``authors``)
    the author audit of the workspaces small enough; returns how many Overviews were
    computed."""
    from tinhieu.web.kol_data import audited

    names = [str(r[0]) for r in store.fetch_all("SELECT name FROM workspaces ORDER BY name")]
    done = sum(warm_workspace(store, name, [DEFAULT_DAYS]) for name in names)
    rest = [d for d in PERIODS if d != DEFAULT_DAYS]
    done += sum(warm_workspace(store, name, rest) for name in names)
    for name in names if authors else ():
        try:
            if store.count_mentions(name) <= AUDIT_AT_START_MAX:
                audited(store, name)
        except Exception:
            _log.exception("warming the author audit of workspace %r failed", name)
    return done


def _stamp(store: DuckDBStore, workspace: str) -> tuple[Any, ...]:
    """What the cached views depend on: the data version and the hour."""
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return (hour, data_version(store, workspace))


class Warmer:
    """The background thread of the module docstring (``start`` … ``stop``)."""

    def __init__(
        self,
        store: DuckDBStore,
        *,
        check_every: float = CHECK_EVERY,
        min_gap: float = MIN_GAP,
        authors: bool = True,
    ) -> None:
        self.store = store
        self.check_every = check_every
        self.min_gap = min_gap
        self.authors = authors
        self.started = threading.Event()  # set when the first pass is done
        self.passes = 0  # re-warm passes after the first (tests)
        self._stop = threading.Event()
        self._warmed: dict[str, tuple[tuple[Any, ...], float]] = {}
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="tinhieu-warmer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def tick(self) -> int:
        """One check: re-warm the viewed workspaces whose views went stale (and whose
        last warming is ``min_gap`` old); returns how many workspaces were warmed."""
        warmed = 0
        now = time.monotonic()
        for workspace in viewed(self.store):
            try:
                stamp = _stamp(self.store, workspace)
            except Exception:  # the store may be closing
                _log.exception("checking workspace %r for warming failed", workspace)
                continue
            last = self._warmed.get(workspace)
            if last is not None and (last[0] == stamp or now - last[1] < self.min_gap):
                continue
            warm_workspace(self.store, workspace)
            self._warmed[workspace] = (stamp, time.monotonic())
            warmed += 1
        if warmed:
            self.passes += 1
        return warmed

    def _run(self) -> None:
        try:
            warm_all(self.store, authors=self.authors)
        except Exception:
            _log.exception("warming at start failed")
        finally:
            self.started.set()
        while not self._stop.wait(self.check_every):
            self.tick()
