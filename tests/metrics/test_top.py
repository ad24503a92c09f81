"""Top authors and top posts."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from tests.metrics.helpers import WS, add, mention
from tinhieu.metrics import top_authors, top_posts
from tinhieu.store import DuckDBStore


def _fixture(store: DuckDBStore) -> None:
    add(
        store,
        [
            # anna: 3 mentions, 30 interactions, followers seen 9_000 then 12_000
            mention(author_id="anna", author_name="Anna", author_followers=9_000, likes=10),
            mention(
                author_id="anna",
                author_name="Anna",
                author_followers=12_000,
                likes=10,
                kind="comment",
            ),
            mention(author_id="anna", author_name="Anna", likes=10, kind="comment"),
            # binh: 2 mentions, 500 interactions, mega
            mention(
                source_id="binh1",
                author_id="binh",
                author_followers=2_000_000,
                likes=400,
                shares=100,
            ),
            mention(author_id="binh", author_followers=2_000_000, kind="comment"),
            # chi: 2 mentions, no engagement data at all; on TikTok
            mention(author_id="chi", platform="tiktok", kind="video"),
            mention(author_id="chi", platform="tiktok", kind="comment"),
            # same id on another platform is another author
            mention(author_id="anna", platform="tiktok", likes=1),
            # no author id: not ranked
            mention(source_id="viral", likes=10_000),
        ],
    )


def test_top_authors_by_mentions(store: DuckDBStore) -> None:
    _fixture(store)
    top = top_authors(store, WS, by="mentions")
    assert list(zip(top["platform"], top["author_id"], strict=True)) == [
        ("facebook", "anna"),
        ("facebook", "binh"),  # 2 mentions, 500 interactions
        ("tiktok", "chi"),  # 2 mentions, none known
        ("tiktok", "anna"),
    ]
    anna = top.iloc[0]
    assert anna["rank"] == 1
    assert anna["mentions"] == 3
    assert anna["interactions"] == 30
    assert anna["followers"] == 12_000  # the largest seen
    assert anna["tier"] == "micro"
    assert top.iloc[1]["tier"] == "mega"
    assert top.iloc[2]["interactions"] is pd.NA
    assert top.iloc[2]["tier"] == "unknown"


def test_top_authors_by_interactions(store: DuckDBStore) -> None:
    _fixture(store)
    top = top_authors(store, WS, by="interactions", limit=2)
    assert list(top["author_id"]) == ["binh", "anna"]
    assert list(top["interactions"]) == [500, 30]
    everyone = top_authors(store, WS, by="interactions")
    assert "chi" not in set(everyone["author_id"])  # no engagement data: not ranked


def test_top_posts(store: DuckDBStore) -> None:
    _fixture(store)
    add(
        store,
        [
            mention(source_id="old", likes=30, created_at=datetime(2025, 1, 1, tzinfo=UTC)),
            mention(
                source_id="new",
                likes=30,
                created_at=datetime(2025, 2, 1, tzinfo=UTC),
                text="x" * 1000,
            ),
            mention(source_id="art", kind="article", platform="news", likes=20),
        ],
    )
    top = top_posts(store, WS, limit=5)
    # comments are not posts; the author-less post with 10,000 likes is a post
    assert list(top["source_id"]) == ["viral", "binh1", "new", "old", "art"]
    assert list(top["interactions"]) == [10_000, 500, 30, 30, 20]
    # new and old tie on 30: newest first
    assert len(top.iloc[2]["text"]) == 280
    assert top.iloc[1]["tier"] == "mega"
    assert top.iloc[0]["created_local"] == datetime(2025, 3, 3, 10, 0)
    assert set(top["kind"]) <= {"post", "video", "article"}
