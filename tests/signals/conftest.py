"""Stores for the early-warning tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.metrics.helpers import WS, topics
from tinhieu.store import DuckDBStore, Topic, open_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DuckDBStore]:
    """Workspace ``w`` (Asia/Ho_Chi_Minh) with the brand topic ``Brand`` and the
    competitor ``Other``."""
    s = open_store(tmp_path / "signals.duckdb")
    s.ensure_workspace(WS, "Asia/Ho_Chi_Minh")
    topics(s, {"Brand": "brand", "Other": "competitor"})
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def alert_store() -> Iterator[DuckDBStore]:
    """An in-memory store: workspace ``w`` with the brand topic "Trà Mây"."""
    s = DuckDBStore(":memory:")
    s.ensure_workspace(WS, "Asia/Ho_Chi_Minh")
    s.put_topic(Topic(WS, "Trà Mây", '"trà mây"', "brand"))
    yield s
    s.close()
