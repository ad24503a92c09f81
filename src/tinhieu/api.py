"""The Python API for notebooks and scripts: a workspace as DataFrames.

>>> import tinhieu
>>> ws = tinhieu.open_workspace("tinhieu.duckdb")
>>> df = ws.mentions(query='"giao hàng" NEAR/3 chậm', since="2026-03-01")
>>> ws.stats(group="brand").to_dict()["share_of_voice"]
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from tinhieu.schema import COLUMNS
from tinhieu.sources.importer import ImportOptions, ImportSummary, Progress, import_file
from tinhieu.store import DEFAULT_WORKSPACE, DuckDBStore, open_store
from tinhieu.topics import TopicMatcher, remove_topic, save_topic


class Workspace:
    """One workspace of a store. Use as a context manager, or call :meth:`close`."""

    def __init__(self, store: DuckDBStore, name: str = DEFAULT_WORKSPACE) -> None:
        self.store = store
        self.name = name
        self.timezone = store.ensure_workspace(name)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- data in --------------------------------------------------------------------
    def import_file(
        self,
        path: str | Path,
        *,
        progress: Progress | None = None,
        refresh: bool = True,
        nlp: bool = True,
        **options: Any,
    ) -> ImportSummary:
        """Import a CSV/TSV/JSON/JSONL/XLSX file (options as for ``tinhieu import``).

        Runs the pipeline: read and convert, match topics, store, analyse the new text
        (sentiment, aspects, spam, toxicity, emotion, language; ``nlp=False`` skips it),
        then refresh the metrics rollup (pass ``refresh=False`` when importing several
        files, then call :meth:`refresh` once)."""
        opts = ImportOptions(workspace=self.name, **options)
        matcher = TopicMatcher.for_workspace(self.store, self.name)
        summary = import_file(self.store, path, opts, progress=progress, enrich=matcher)
        if refresh:
            self.refresh(nlp=nlp)
        return summary

    def refresh(self, *, nlp: bool = True) -> None:
        """Analyse the mentions not analysed yet (unless ``nlp=False``), then rebuild the
        pre-aggregated metrics (the "aggregate" stage) of the workspace."""
        from tinhieu.metrics import refresh_rollup

        if nlp:
            self.enrich()
        refresh_rollup(self.store, self.name)

    # --- language models --------------------------------------------------------------
    def enrich(self, *, everything: bool = False) -> Any:
        """Run the NLP stage over mentions without sentiment (all with ``everything``);
        seeding and the analysts' corrections are applied after. Returns an
        :class:`~tinhieu.nlp.pipeline.EnrichResult`."""
        from tinhieu.nlp.pipeline import enrich

        return enrich(self.store, self.name, everything=everything)

    def analyse(self, texts: list[str], tasks: list[str] | None = None) -> list[dict[str, Any]]:
        """Predictions for free texts with this workspace's model (as ``nlp predict``)."""
        from tinhieu.nlp.analyse import DEFAULT_TASKS, Analyzer
        from tinhieu.nlp.pipeline import bundle_for

        return Analyzer(bundle_for(self.store, self.name)).analyse(
            texts, tuple(tasks) if tasks else DEFAULT_TASKS
        )

    def correct(self, platform: str, source_id: str, by: str | None = None, **values: str) -> int:
        """Correct a mention's sentiment/spam/aspects/toxicity/emotion; wins over models."""
        from tinhieu.nlp.pipeline import correct

        count = correct(self.store, self.name, platform, source_id, values, by=by)
        self.refresh(nlp=False)
        return count

    def corrections(self) -> pd.DataFrame:
        from tinhieu.nlp.pipeline import corrections

        return pd.DataFrame(corrections(self.store, self.name))

    # --- topics ---------------------------------------------------------------------
    def add_topic(
        self, name: str, query: str, group: str = "brand", *, refresh: bool = True
    ) -> int:
        """Create or redefine a topic; returns how many stored mentions match it."""
        count = save_topic(self.store, self.name, name, query, group)
        if refresh:
            self.refresh()
        return count

    def remove_topic(self, name: str) -> bool:
        found = remove_topic(self.store, self.name, name)
        if found:
            self.refresh()
        return found

    def topics(self) -> pd.DataFrame:
        rows = [
            {"name": t.name, "group": t.group, "query": t.query}
            for t in self.store.get_topics(self.name)
        ]
        return pd.DataFrame(rows, columns=["name", "group", "query"])

    # --- data out -------------------------------------------------------------------
    def mentions(
        self,
        query: str | None = None,
        *,
        topic: str | None = None,
        since: str | None = None,
        until: str | None = None,
        platform: str | None = None,
        limit: int | None = None,
        columns: list[str] | None = None,
    ) -> pd.DataFrame:
        """Mentions as a DataFrame, newest first, filtered by query/topic/time/platform."""
        from tinhieu.export import mention_filters

        where, params = mention_filters(self.store, self.name, query, topic, since, until)
        if platform:
            where += " AND platform = ?"
            params.append(platform)
        cols = columns or [c for c in COLUMNS if c != "import_id"]
        unknown = set(cols) - set(COLUMNS)
        if unknown:
            raise ValueError(f"unknown columns: {sorted(unknown)}")
        sql = (
            f"SELECT {', '.join(cols)} FROM mentions WHERE workspace = ? AND ({where}) "
            "ORDER BY created_at DESC"
        )
        args: list[Any] = [self.name, *params]
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        frame: pd.DataFrame = self.store.fetch_arrow(sql, args).to_pandas()
        return frame

    def stats(
        self,
        *,
        topic: str | None = None,
        group: str | None = None,
        since: str | None = None,
        until: str | None = None,
        platform: str | None = None,
    ) -> Any:
        """The metrics summary (``.to_dict()`` for JSON, ``render()`` for text)."""
        from tinhieu.metrics import summary

        return summary(
            self.store,
            self.name,
            topic=topic,
            group=group,
            since=since,
            until=until,
            platform=platform,
        )

    def signals(
        self,
        *,
        topic: str | None = None,
        since: str | None = None,
        until: str | None = None,
        min_severity: int = 1,
        save: bool = True,
    ) -> pd.DataFrame:
        """Detect the early-warning signals (default: the last 7 days, every topic), store
        them unless ``save=False``; one row per signal, most severe first. The full
        records (evidence included) are in the ``signal`` column."""
        from tinhieu.signals.engine import DetectOptions, detect, save_signals

        start: Any = since or (datetime.now(UTC) - timedelta(days=7))
        reports = detect(
            self.store,
            self.name,
            topics=[topic] if topic else None,
            since=start,
            until=until,
            options=DetectOptions(min_severity=min_severity),
        )
        found = sorted(
            (s for r in reports for s in r.signals), key=lambda s: (-s.severity, s.bucket_start)
        )
        if save:
            save_signals(self.store, found)
        columns = [
            "bucket_start", "topic", "kind", "dimension_value", "severity", "observed",
            "baseline", "window", "deviation", "persistence", "stage",
        ]  # fmt: skip
        frame = pd.DataFrame(
            [{c: getattr(s, c) for c in columns} | {"signal": s} for s in found],
            columns=[*columns, "signal"],
        )
        return frame

    def stages(self, *, topic: str | None = None, days: int = 7) -> pd.DataFrame:
        """The hourly crisis stage of each topic over the last ``days`` days, with the
        conditions that held."""
        from tinhieu.signals.engine import detect

        since = datetime.now(UTC) - timedelta(days=days)
        rows = []
        for r in detect(self.store, self.name, topics=[topic] if topic else None, since=since):
            for reading in r.stages:
                if reading.at >= since:
                    rows.append(
                        {
                            "topic": r.topic,
                            "hour_end": reading.at,
                            "stage": reading.stage,
                            "conditions": list(reading.conditions),
                        }
                    )
        return pd.DataFrame(rows, columns=["topic", "hour_end", "stage", "conditions"])

    def sql(self, query: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run read-only SQL against the store (values as ``?`` parameters)."""
        frame: pd.DataFrame = self.store.fetch_arrow(query, params or []).to_pandas()
        return frame


def open_workspace(db: str | Path | None = None, name: str = DEFAULT_WORKSPACE) -> Workspace:
    """Open (creating if needed) the store at ``db`` and return workspace ``name``."""
    return Workspace(open_store(db), name)
