"""Build the demo workspace: generate, match topics, store, and save the ground truth.

The generator (:mod:`tinhieu.demo`) only produces data; this runs it through the same
pipeline stages an import uses (topic matching, the store's upsert).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from tinhieu.demo import DemoConfig, demo_topics, generate, ground_truth
from tinhieu.metrics import refresh_rollup
from tinhieu.nlp.pipeline import enrich
from tinhieu.store import open_store
from tinhieu.topics import TopicMatcher, save_topic

TRUTH_FILE = "demo-truth.json"


@dataclass(frozen=True, slots=True)
class DemoResult:
    rows: int
    seconds: float
    truth_path: Path


def build_demo(
    db: Path,
    *,
    days: int = 90,
    scale: float = 1.0,
    seed: int = 42,
    workspace: str = "default",
    kols: bool = False,
) -> DemoResult:
    """Replace the store at ``db`` with a freshly generated demo workspace."""
    started = time.perf_counter()
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    config = DemoConfig(days=days, scale=scale, seed=seed, workspace=workspace, kols=kols)
    with open_store(db) as store:
        store.ensure_workspace(workspace)
        for name, query, group in demo_topics():
            save_topic(store, workspace, name, query, group)
        matcher = TopicMatcher.for_workspace(store, workspace)
        rows = 0
        for batch in generate(config):
            store.upsert_mentions(matcher(batch))
            rows += batch.num_rows
        enrich(store, workspace)  # the NLP stage: sentiment, aspects, spam, …
        refresh_rollup(store, workspace)  # the "aggregate" stage, as after an import
        store.execute("CHECKPOINT")
    truth_path = db.parent / TRUTH_FILE
    truth_path.write_text(
        json.dumps(ground_truth(config), ensure_ascii=False, indent=2, default=str), "utf-8"
    )
    return DemoResult(rows, round(time.perf_counter() - started, 1), truth_path)
