"""Shared pieces: a store, fast HTTP settings (tiny waits) and a one-call collect."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tinhieu.sources.connectors.collect import SourceResult, collect
from tinhieu.sources.connectors.config import parse_config
from tinhieu.store import DuckDBStore

WS = "w"
FAST_HTTP: dict[str, Any] = {
    "timeout": 5,
    "connect_timeout": 2,
    "attempts": 4,
    "initial_wait": 0.001,
    "max_wait": 0.01,
    "jitter": 0.001,
    "max_total_wait": 5,
    "slowdown_wait": 0.001,
}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DuckDBStore]:
    with DuckDBStore(tmp_path / "t.duckdb") as s:
        s.ensure_workspace(WS)
        yield s


def run_sources(
    store: DuckDBStore,
    sources: Mapping[str, Mapping[str, Any]],
    env: Mapping[str, str] | None = None,
    names: tuple[str, ...] = (),
) -> list[SourceResult]:
    config = parse_config({"http": FAST_HTTP, "sources": dict(sources)})
    return collect(store, WS, config, names=names, env=env or {}, nlp=False, refresh=False)


def run_one(
    store: DuckDBStore, spec: Mapping[str, Any], env: Mapping[str, str] | None = None
) -> SourceResult:
    return run_sources(store, {"src": spec}, env)[0]


def stored_ids(store: DuckDBStore, platform: str | None = None) -> set[str]:
    sql = "SELECT source_id FROM mentions WHERE workspace = ?"
    params: list[Any] = [WS]
    if platform:
        sql += " AND platform = ?"
        params.append(platform)
    return {r[0] for r in store.fetch_all(sql, params)}


def everything_text(store: DuckDBStore, results: list[SourceResult]) -> str:
    """All that a user or a log could see of the runs: results and the run table."""
    rows = store.fetch_all("SELECT * FROM source_runs")
    state = store.fetch_all("SELECT * FROM source_state")
    return repr([r.to_dict() for r in results]) + repr(rows) + repr(state)
