"""Results the web app computes once and serves many times, until the data changes.

A :class:`ResultCache` is a small LRU keyed by what a result depends on. Keys carry
the workspace's data version (:func:`data_version`), so new mentions, analysis,
corrections, topics or signals make a new key and the old entry simply ages out.
Concurrent requests for the same missing key compute it once: the others wait for
that computation instead of running the same queries side by side (what a team opening
the dashboard at 9:00 would otherwise do).
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from tinhieu.store.base import Store

T = TypeVar("T")


class ResultCache:
    """An LRU of computed values with single-flight computation per key."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()
        self._flights: dict[tuple[Any, ...], threading.Lock] = {}

    def get_or_compute(
        self, key: tuple[Any, ...], compute: Callable[[], T], *, shared: bool = False
    ) -> T:
        """The cached value of ``key``, computing it once when missing. Callers get a
        deep copy they may change, or with ``shared`` the cached object itself (for
        large results of immutable records that no caller changes)."""
        keep: Callable[[Any], Any] = (lambda v: v) if shared else copy.deepcopy
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                found: T = keep(self._items[key])
                return found
            flight = self._flights.setdefault(key, threading.Lock())
        with flight:
            with self._lock:
                if key in self._items:  # another request computed it meanwhile
                    ready: T = keep(self._items[key])
                    return ready
            value = compute()
            with self._lock:
                self._items[key] = keep(value)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
                self._flights.pop(key, None)
            return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def data_version(store: Store, workspace: str) -> tuple[Any, ...]:
    """What derived views depend on: the workspace's mentions (and their analysis),
    topics, signals and the analysts' corrections.

    A :class:`~tinhieu.store.DuckDBStore` counts its own writes (``revision``): one
    process owns the file while the app serves it, so that count changes whenever the
    data can have changed. Other stores are asked with four small queries."""
    revision = getattr(store, "revision", None)
    if isinstance(revision, int):
        return (store.path, id(store), workspace, revision)
    data = store.fetch_all(
        "SELECT count(*), max(updated_at), max(first_seen_at), count(sentiment), count(spam) "
        "FROM mentions WHERE workspace = ?",
        [workspace],
    )
    found = store.fetch_all(
        "SELECT count(*), max(detected_at) FROM signals WHERE workspace = ?", [workspace]
    )
    topics = store.fetch_all(
        "SELECT count(*), max(created_at), string_agg(name || query || topic_group, '|') "
        "FROM topics WHERE workspace = ?",
        [workspace],
    )
    fixed = store.fetch_all(
        "SELECT count(*), max(created_at) FROM corrections WHERE workspace = ?", [workspace]
    )
    return (store.path, workspace, *data[0], *found[0], *topics[0], *fixed[0])
