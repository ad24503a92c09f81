"""Fixtures of the query tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tinhieu.store import DuckDBStore, open_store


@pytest.fixture(scope="module")
def store() -> Iterator[DuckDBStore]:
    """An in-memory store; each test module inserts into workspaces of its own."""
    s = open_store(":memory:")
    yield s
    s.close()
