"""Pausing Python's cyclic garbage collector around bulk work, safely across threads.

Building many short-lived, acyclic objects (an NLP batch's features and results, the
KOL audit's profiles and post rows) triggers automatic collections that also walk every
long-lived object of the process (loaded models, caches); on big batches that is a
seventh of the time or more. Those objects are freed by reference counting anyway, and
anything cyclic made meanwhile is collected once the collector runs again.

The collector is process-wide, so blocks running at the same time in several threads
share one pause: the first to enter disables it, the last to leave restores what it was
(a collector the caller had disabled stays disabled).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

_LOCK: Final = threading.Lock()
_state = {"depth": 0, "was_enabled": True}


@contextmanager
def gc_paused() -> Iterator[None]:
    """The collector paused for the block (see the module docstring)."""
    with _LOCK:
        if _state["depth"] == 0:
            _state["was_enabled"] = gc.isenabled()
            gc.disable()
        _state["depth"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _state["depth"] -= 1
            if _state["depth"] == 0 and _state["was_enabled"]:
                gc.enable()
