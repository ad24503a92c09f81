"""The opt-in KOL cast of the demo: off changes nothing, on plants what the truth lists."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterator

import pyarrow as pa
import pytest

from tinhieu.demo import DemoConfig, demo_topics, generate, ground_truth
from tinhieu.kol.find import audit, find_kols
from tinhieu.store import DuckDBStore, open_store
from tinhieu.topics import TopicMatcher, save_topic

from .conftest import END

SMALL = DemoConfig(days=14, scale=0.02, end=END, seed=7)
ON = DemoConfig(days=14, scale=0.02, end=END, seed=7, kols=True)


def _digest(config: DemoConfig) -> str:
    h = hashlib.sha256()
    for batch in generate(config, workers=1):
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, batch.schema) as writer:
            writer.write_table(batch)
        h.update(sink.getvalue().to_pybytes())
    return h.hexdigest()


def test_off_by_default_and_byte_identical() -> None:
    assert DemoConfig().kols is False
    assert _digest(SMALL) == _digest(DemoConfig(days=14, scale=0.02, end=END, seed=7, kols=False))
    truth = ground_truth(SMALL)
    assert "kols" not in truth and "kols" not in truth["config"]


@pytest.fixture(scope="module")
def on_table() -> pa.Table:
    return pa.concat_tables(list(generate(ON)))


def test_on_adds_only_kol_rows_on_top_of_the_same_data(on_table: pa.Table) -> None:
    off = pa.concat_tables(list(generate(SMALL)))
    attrs = [json.loads(a) for a in on_table.column("attrs").to_pylist()]
    labels = Counter(a["demo_truth"] for a in attrs)
    assert set(labels) == {"organic", "campaign", "giveaway", "seeding", "crisis", "kol"}
    assert on_table.num_rows - labels["kol"] == off.num_rows
    assert on_table.slice(0, off.num_rows).equals(off)
    truth = ground_truth(ON)
    assert truth["expected_rows"] == on_table.num_rows
    keys = set(
        zip(
            on_table.column("platform").to_pylist(),
            on_table.column("source_id").to_pylist(),
            strict=True,
        )
    )
    assert len(keys) == on_table.num_rows  # no id collides with the rest of the demo
    start, end = (dt.datetime.fromisoformat(truth["period"][k]) for k in ("start", "end"))
    created = on_table.column("created_at").to_pylist()
    assert min(created) >= start and max(created) < end


def test_truth_lists_the_cast_with_platform(on_table: pa.Table) -> None:
    kols = ground_truth(ON)["kols"]
    assert len(kols["inflated"]) >= 6 and len(kols["genuine_micro"]) >= 6
    assert {k["how"] for k in kols["inflated"]} == {"bought", "pod"}
    assert all(10_000 <= k["followers"] < 300_000 for k in kols["genuine_micro"])
    assert all(k["followers"] >= 300_000 for k in kols["genuine_macro_mega"])
    posters = set(
        zip(
            on_table.column("platform").to_pylist(),
            on_table.column("author_id").to_pylist(),
            strict=True,
        )
    )
    for group in ("inflated", "genuine_micro", "genuine_macro_mega"):
        for k in kols[group]:
            assert (k["platform"], k["author_id"]) in posters
    # not separable by one field: follower counts and tiers overlap between the groups
    inflated = sorted(k["followers"] for k in kols["inflated"])
    micro = sorted(k["followers"] for k in kols["genuine_micro"])
    assert inflated[0] < micro[-1] and micro[0] < inflated[-1]


@pytest.fixture(scope="module")
def store(on_table: pa.Table) -> Iterator[DuckDBStore]:
    s = open_store(":memory:")
    s.ensure_workspace(ON.workspace)
    for name, query, group in demo_topics():
        save_topic(s, ON.workspace, name, query, group)
    s.upsert_mentions(TopicMatcher.for_workspace(s, ON.workspace)(on_table))
    try:
        yield s
    finally:
        s.close()


def test_audit_flags_the_inflated_cast_and_not_the_genuine(store: DuckDBStore) -> None:
    kols = ground_truth(ON)["kols"]
    q = {p.key: a for p, a in audit(store, ON.workspace)}
    inflated = [(k["platform"], k["author_id"]) for k in kols["inflated"]]
    genuine = [
        (k["platform"], k["author_id"])
        for g in ("genuine_micro", "genuine_macro_mega")
        for k in kols[g]
    ]
    # without the NLP stage (no spam column) the comment signals alone separate them
    assert sum(q[k].inflated for k in inflated) >= len(inflated) - 1
    assert sum(q[k].inflated for k in genuine) <= 1
    pods = [(k["platform"], k["author_id"]) for k in kols["inflated"] if k["how"] == "pod"]
    assert all(q[k].signs["pod"] > 0 for k in pods)


def test_genuine_micro_rank_above_inflated_for_the_category(store: DuckDBStore) -> None:
    truth = ground_truth(ON)
    ranked = find_kols(store, ON.workspace, truth["category_topic"], limit=None)
    rank = {r.profile.key: r.rank for r in ranked}
    below = len(ranked) + 1
    micro = [
        rank.get((k["platform"], k["author_id"]), below) for k in truth["kols"]["genuine_micro"]
    ]
    inflated = [rank.get((k["platform"], k["author_id"]), below) for k in truth["kols"]["inflated"]]
    pairs = [(g, b) for g in micro for b in inflated]
    assert sum(g < b for g, b in pairs) / len(pairs) >= 0.9
