from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.kol.scenario import WS, build
from tinhieu.store import DuckDBStore, open_store


@pytest.fixture
def store() -> Iterator[DuckDBStore]:
    s = open_store(":memory:")
    s.ensure_workspace(WS, "Asia/Ho_Chi_Minh")
    build(s)
    try:
        yield s
    finally:
        s.close()
