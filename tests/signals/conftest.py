"""A store with one brand topic, for the detection tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.metrics.helpers import WS, topics
from tinhieu.store import DuckDBStore, open_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DuckDBStore]:
    """Workspace ``w`` (Asia/Ho_Chi_Minh) with the brand topic ``Brand``."""
    s = open_store(tmp_path / "signals.duckdb")
    s.ensure_workspace(WS, "Asia/Ho_Chi_Minh")
    topics(s, {"Brand": "brand"})
    try:
        yield s
    finally:
        s.close()
