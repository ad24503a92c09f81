from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.metrics.helpers import WS
from tinhieu.store import DuckDBStore, open_store


@pytest.fixture
def store() -> Iterator[DuckDBStore]:
    """An in-memory store with workspace ``w`` in Asia/Ho_Chi_Minh."""
    s = open_store(":memory:")
    s.ensure_workspace(WS, "Asia/Ho_Chi_Minh")
    try:
        yield s
    finally:
        s.close()
