"""The DuckDB store: migrations, upsert semantics, transactions, topics, jobs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from tinhieu.schema import ARROW_SCHEMA, COLUMNS, schema_markdown
from tinhieu.store import StoreError, open_store
from tinhieu.store.migrations import LATEST

T0 = datetime(2026, 3, 1, 13, 0, tzinfo=UTC)


def batch(rows: list[dict]) -> pa.Table:
    base = {"workspace": "default", "platform": "facebook", "kind": "post", "created_at": T0}
    return pa.Table.from_pylist([{**base, **r} for r in rows], schema=ARROW_SCHEMA)


def test_migrations_create_every_mention_column_once(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with open_store(path) as store:
        assert store.schema_version() == LATEST
        cols = [
            r[0]
            for r in store.fetch_all(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'mentions' "
                "ORDER BY ordinal_position"
            )
        ]
        assert tuple(cols) == COLUMNS
    with open_store(path) as store:  # reopening applies nothing twice
        assert store.schema_version() == LATEST
        assert store.fetch_all("SELECT count(*) FROM schema_version")[0][0] == LATEST


def test_upsert_inserts_updates_and_counts_duplicates() -> None:
    store = open_store(":memory:")
    first = store.upsert_mentions(
        batch(
            [
                {"source_id": "1", "text": "ngon", "likes": 1},
                {"source_id": "2", "text": "dở", "likes": None},
            ]
        ),
        import_id=1,
    )
    assert (first.inserted, first.updated, first.duplicates) == (2, 0, 0)
    again = store.upsert_mentions(
        batch(
            [
                {"source_id": "1", "text": "ngon", "likes": 1},
                {"source_id": "2", "text": "dở", "likes": 7},  # counts moved: an update
                {"source_id": "2", "text": "dở", "likes": 9},  # same key later in the batch wins
            ]
        ),
        import_id=2,
    )
    assert (again.inserted, again.updated, again.unchanged, again.in_batch_duplicates) == (
        0,
        1,
        1,
        1,
    )
    rows = dict(store.fetch_all("SELECT source_id, likes FROM mentions"))
    assert rows == {"1": 1, "2": 9}
    assert store.check_unique() == 0


def test_update_never_erases_known_values_with_null_and_resets_stale_enrichment() -> None:
    store = open_store(":memory:")
    store.upsert_mentions(
        batch([{"source_id": "1", "text": "ngon", "likes": 5, "author_followers": 1000}])
    )
    store.execute("UPDATE mentions SET sentiment = 'positive', topics = ['A']")
    store.upsert_mentions(batch([{"source_id": "1", "text": "ngon", "likes": 6}]))
    row = store.fetch_all("SELECT likes, author_followers, sentiment FROM mentions")[0]
    assert row == (6, 1000, "positive")  # followers kept, sentiment still valid
    store.upsert_mentions(batch([{"source_id": "1", "text": "dở tệ", "likes": 6}]))
    row = store.fetch_all("SELECT text, sentiment, topics FROM mentions")[0]
    assert row == ("dở tệ", None, ["A"])  # edited text: its sentiment is stale


def test_same_source_id_on_other_platform_or_workspace_is_another_mention() -> None:
    store = open_store(":memory:")
    result = store.upsert_mentions(
        batch(
            [
                {"source_id": "1", "text": "a"},
                {"source_id": "1", "text": "a", "platform": "tiktok"},
                {"source_id": "1", "text": "a", "workspace": "client-b"},
            ]
        )
    )
    assert result.inserted == 3


def test_a_failed_transaction_leaves_nothing() -> None:
    store = open_store(":memory:")
    with pytest.raises(RuntimeError), store.transaction():
        store.upsert_mentions(batch([{"source_id": "1", "text": "a"}]))
        raise RuntimeError("boom")
    assert store.count_mentions("default") == 0


def test_topics_and_retag() -> None:
    from tinhieu.store import Topic

    store = open_store(":memory:")
    store.upsert_mentions(
        batch(
            [
                {"source_id": str(i), "text": t}
                for i, t in enumerate(["trà ngon", "cà phê", "trà sữa"])
            ]
        )
    )
    store.put_topic(Topic("default", "tra", "trà", "brand"))
    n = store.retag_topic("default", "tra", "text LIKE ?", ["trà%"])
    assert n == 2
    n = store.retag_topic("default", "tra", "text = ?", ["cà phê"])  # redefinition
    assert n == 1
    assert store.fetch_all("SELECT text FROM mentions WHERE list_contains(topics, 'tra')") == [
        ("cà phê",)
    ]
    assert [t.name for t in store.get_topics("default")] == ["tra"]
    assert store.delete_topic("default", "tra")
    assert store.fetch_all("SELECT count(*) FROM mentions WHERE len(topics) > 0")[0][0] == 0


def test_read_only_open_of_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store"):
        open_store(tmp_path / "missing.duckdb", read_only=True)


def test_schema_doc_lists_every_field() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "schema.md").read_text("utf-8")
    assert schema_markdown() in doc, "docs/schema.md is out of date: run `make docs`"


def test_memory_is_capped_and_the_cap_is_validated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(tmp_path / "a.duckdb") as store:
        limit = store.fetch_all("SELECT current_setting('memory_limit')")[0][0]
        assert limit.endswith("MiB") and float(limit.split()[0]) < 1024  # the 1GB default
    monkeypatch.setenv("TINHIEU_DUCKDB_MEMORY", "2GB")
    with open_store(tmp_path / "b.duckdb") as store:
        assert store.fetch_all("SELECT current_setting('memory_limit')")[0][0] == "1.8 GiB"
    monkeypatch.setenv("TINHIEU_DUCKDB_MEMORY", "1GB'; DROP TABLE mentions; --")
    with pytest.raises(StoreError, match="invalid memory limit"):
        open_store(tmp_path / "c.duckdb")


def test_upsert_batches_all_new_all_stored_mixed_and_repeating_ids() -> None:
    """The classification shortcuts (no filtering when a batch is all new or all stored,
    no grouping when no source_id repeats) count and store exactly as the general path."""
    store = open_store(":memory:")
    fresh = store.upsert_mentions(batch([{"source_id": str(i), "likes": i} for i in range(5)]))
    assert (fresh.inserted, fresh.updated, fresh.unchanged, fresh.in_batch_duplicates) == (
        5,
        0,
        0,
        0,
    )
    stored = store.upsert_mentions(
        batch([{"source_id": str(i), "likes": i + (i == 2)} for i in range(5)])
    )
    assert (stored.inserted, stored.updated, stored.unchanged) == (0, 1, 4)
    # The same source_id on two platforms is two keys; a real repeat keeps the last row.
    mixed = store.upsert_mentions(
        batch(
            [
                {"source_id": "4", "likes": 40},
                {"source_id": "9", "likes": 1},
                {"source_id": "9", "likes": 2, "platform": "tiktok"},
                {"source_id": "9", "likes": 3},
                {"source_id": "1", "likes": 1},
            ]
        )
    )
    assert (mixed.inserted, mixed.updated, mixed.unchanged, mixed.in_batch_duplicates) == (
        2,
        1,
        1,
        1,
    )
    rows = store.fetch_all("SELECT platform, source_id, likes FROM mentions ORDER BY ALL")
    assert rows == [
        ("facebook", "0", 0),
        ("facebook", "1", 1),
        ("facebook", "2", 3),
        ("facebook", "3", 3),
        ("facebook", "4", 40),
        ("facebook", "9", 3),
        ("tiktok", "9", 2),
    ]
    assert store.check_unique() == 0
