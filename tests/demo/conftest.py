from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from tinhieu.demo import DemoConfig, generate, ground_truth

END = dt.date(2025, 6, 30)
FULL = DemoConfig(end=END)  # the default demo: 90 days, scale 1


@pytest.fixture(scope="session")
def full_table() -> pa.Table:
    return pa.concat_tables(list(generate(FULL)))


@pytest.fixture(scope="session")
def truth() -> dict[str, Any]:
    return ground_truth(FULL)


@pytest.fixture(scope="session")
def db(full_table: pa.Table) -> Iterator[duckdb.DuckDBPyConnection]:
    """The full demo in DuckDB as view ``m``, with the attrs JSON as ``a`` and local date ``d``."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.register("raw", full_table)
    con.execute(
        "CREATE TABLE m AS SELECT *, attrs::JSON AS a, "
        "(created_at + INTERVAL 7 HOUR)::DATE AS d FROM raw"
    )
    yield con
    con.close()


def situation(truth: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [s for s in truth["situations"] if s["kind"] == kind]
