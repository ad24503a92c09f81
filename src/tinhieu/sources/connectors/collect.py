"""Run sources once: fetch each query from its cursor, store pages with their cursors,
log the run, then analyse and aggregate what arrived (as an import does).

One failing source never stops the others; inside a source, an error that only concerns
one query (a page not found) moves on to the next query, one that concerns them all (an
expired token, the quota) stops the source. Items go through the same conversion as the
bulk API (:func:`tinhieu.ingest.convert`: NFC text, UTC times, canonical names), get
their topics, and are upserted with the page's cursor in one transaction.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from tinhieu.ingest import convert
from tinhieu.sources.connectors.base import (
    BudgetReached,
    ConfigError,
    Connector,
    ConnectorError,
    redact,
)
from tinhieu.sources.connectors.config import SourceConfig, SourcesConfig, build_connector
from tinhieu.sources.connectors.state import (
    Run,
    finish_run,
    load_state,
    save_page,
    save_state,
    start_run,
)
from tinhieu.store.duckdb import DuckDBStore
from tinhieu.topics import TopicMatcher


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str  # the ConnectorError kind, "budget" or "internal"
    query: str | None
    detail: str  # redacted


@dataclass(slots=True)
class SourceResult:
    name: str
    platform: str
    status: str  # ok | partial | failed
    fetched: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: int = 0
    errors: int = 0
    requests: int = 0
    retries: int = 0
    quota_used: int = 0
    seconds: float = 0.0
    run_id: int | None = None
    next_run_at: datetime | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["next_run_at"] = self.next_run_at.isoformat() if self.next_run_at else None
        return out


def collect(
    store: DuckDBStore,
    workspace: str,
    config: SourcesConfig,
    *,
    names: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    nlp: bool = True,
    refresh: bool = True,
) -> list[SourceResult]:
    """Run the workspace's sources (or ``names``) once, then analyse and aggregate."""
    store.ensure_workspace(workspace)
    sources = [s for s in config.for_workspace(workspace) if s.enabled or s.name in names]
    if names:
        known = {s.name for s in config.for_workspace(workspace)}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ConfigError(
                f"no source named {', '.join(unknown)} for workspace {workspace}; "
                f"configured: {', '.join(sorted(known)) or 'none'}"
            )
        sources = [s for s in sources if s.name in names]
    matcher = TopicMatcher.for_workspace(store, workspace)
    results = [collect_source(store, workspace, s, matcher, env=env) for s in sources]
    if refresh and any(r.inserted or r.updated for r in results):
        from tinhieu.metrics import refresh_rollup

        if nlp:
            from tinhieu.nlp.pipeline import enrich

            enrich(store, workspace)
        refresh_rollup(store, workspace)
    return results


def collect_source(
    store: DuckDBStore,
    workspace: str,
    source: SourceConfig,
    matcher: TopicMatcher | None = None,
    *,
    env: Mapping[str, str] | None = None,
) -> SourceResult:
    """Run one source once; never raises for the source's own failures."""
    if source.type == "dropfolder":  # files, not an API: the importer does the work
        from tinhieu.sources.connectors.dropfolder import collect_dropfolder

        found: SourceResult = collect_dropfolder(store, workspace, source)
        return found
    started = time.perf_counter()
    matcher = matcher or TopicMatcher.for_workspace(store, workspace)
    platform = {"feed": str(source.options.get("platform", "news"))}.get(source.type, source.type)
    run = start_run(store, workspace, source.name, platform)
    run.next_run_at = run.started_at + source.interval
    result = SourceResult(source.name, platform, "ok", run_id=run.id, next_run_at=run.next_run_at)
    connector: Connector | None = None
    try:
        connector = build_connector(source, os.environ if env is None else env)
        _run(store, workspace, connector, run, result, matcher)
    except ConnectorError as exc:
        result.problems.append(Problem(exc.kind, None, exc.detail))
    except Exception as exc:  # a bug must not stop the other sources
        result.problems.append(Problem("internal", None, redact(f"{type(exc).__name__}: {exc}")))
    finally:
        if connector is not None:
            stats = connector.stats
            result.requests, result.retries = stats.requests, stats.retries
            result.quota_used = stats.quota_used
            result.warnings = [redact(w) for w in stats.warnings[:20]]
            connector.close()
        result.errors = sum(1 for p in result.problems if p.kind != "budget")
        if result.errors:
            result.status = "failed"
        elif result.problems:
            result.status = "partial"
        result.seconds = round(time.perf_counter() - started, 3)
        _finish(store, run, result)
    return result


def _run(
    store: DuckDBStore,
    workspace: str,
    connector: Connector,
    run: Run,
    result: SourceResult,
    matcher: TopicMatcher,
) -> None:
    ledger = connector.ledger()
    if ledger is not None:
        connector.restore_ledger(load_state(store, workspace, connector.name, ledger[0]))
    try:
        for query in connector.queries():
            state = load_state(store, workspace, connector.name, query)
            try:
                for page in connector.fetch(query, state):
                    result.fetched += len(page.items)
                    batch = None
                    if page.items:
                        batch, rejects = convert(store, workspace, page.items)
                        result.rejected += len(rejects)
                        if rejects and len(result.warnings) < 20:
                            first = rejects[0]
                            result.warnings.append(
                                f"{query}: rejected item ({first.field}): {first.reason}"
                            )
                        if batch is not None:
                            batch = matcher(batch)
                    run.fetched, run.rejected = result.fetched, result.rejected
                    current = connector.ledger()
                    extra = {current[0]: current[1]} if current is not None else None
                    upserted = save_page(store, run, query, batch, page.state, extra)
                    result.inserted += upserted.inserted
                    result.updated += upserted.updated
            except BudgetReached as exc:
                result.problems.append(Problem("budget", query, str(exc)))
                return
            except ConnectorError as exc:
                result.problems.append(Problem(exc.kind, query, exc.detail))
                if exc.stops_source:
                    return
    finally:
        current = connector.ledger()
        if current is not None:
            save_state(store, workspace, connector.name, current[0], current[1])


def _finish(store: DuckDBStore, run: Run, result: SourceResult) -> None:
    run.status = result.status
    run.finished_at = datetime.now(UTC)
    run.fetched, run.rejected, run.errors = result.fetched, result.rejected, result.errors
    run.requests, run.retries, run.quota_used = result.requests, result.retries, result.quota_used
    lines = [f"{p.kind}{f' [{p.query}]' if p.query else ''}: {p.detail}" for p in result.problems]
    run.message = redact("\n".join(lines))[:4000] or None
    finish_run(store, run)
