"""The rollup gives exactly the numbers a scan gives, or steps aside."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.metrics.helpers import WS, add, mention, topics
from tinhieu.metrics import (
    drop_rollup,
    refresh_rollup,
    rollup_is_fresh,
    summary,
    top_authors,
    top_posts,
)
from tinhieu.metrics.localtime import day_number
from tinhieu.metrics.rollup import split_range
from tinhieu.store import DuckDBStore

COMBOS: list[list[str] | None] = [
    ["A"],
    ["A"],
    ["B"],
    ["C"],
    ["A", "B"],
    ["B", "A"],
    ["X"],
    ["X", "C"],
    None,
    [],
]


def _random_store(store: DuckDBStore, n: int = 2500, seed: int = 7) -> None:
    rng = random.Random(seed)
    topics(store, {"A": "brand", "B": "competitor", "C": "competitor", "X": "category"})
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(n):
        platform = rng.choice(["facebook", "facebook", "tiktok", "youtube", "news"])
        kind = rng.choice(["post", "comment", "comment", "reply", "video", "article"])
        author = int(rng.paretovariate(1.2)) % 300
        known = rng.random()
        rows.append(
            mention(
                source_id=f"r{i}",
                platform=platform,
                kind=kind,
                author_id=None if rng.random() < 0.03 else f"a{author}",
                author_name=f"Author {author}",
                author_followers=None if author % 9 == 0 else (author * 7919) % 2_000_000,
                created_at=start + timedelta(seconds=rng.randrange(90 * 86400)),
                likes=None if known < 0.1 else int(rng.expovariate(1 / 50)),
                comments=None if known < 0.2 else int(rng.expovariate(1 / 5)),
                shares=None if known > 0.9 else rng.randrange(5),
                saves=rng.randrange(3) if platform == "tiktok" else None,
                reach=rng.randrange(1, 10_000) if rng.random() < 0.4 else None,
                reach_estimated=rng.random() < 0.2,
                sentiment=rng.choice([None, "positive", "negative", "neutral"]),
                spam=rng.choice([None, "none", "none", "giveaway", "seeding"]),
                topics=rng.choice(COMBOS),
            )
        )
    add(store, rows)


def _same(a: Any, b: Any, path: str = "") -> None:
    if isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), path
        for k in a:
            _same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), path
    else:
        assert a == b, path


def _comparable(stats: Any) -> dict[str, Any]:
    d: dict[str, Any] = stats.to_dict()
    for key in ("elapsed_ms", "generated_at", "sources"):
        d.pop(key)
    return d


SCOPES: list[dict[str, Any]] = [
    {},
    {"group": "competitor"},
    {"group": "brand"},
    {"topic": "X"},
    {"topic": "C", "platform": "facebook"},
    {"since": date(2025, 2, 1)},
    {"group": "competitor", "since": "2025-01-10", "until": "2025-01-16"},
    {"topic": "A", "until": date(2025, 1, 31), "platform": ["tiktok", "news"]},
    {"since": date(2026, 1, 1)},  # nothing in range
    {"group": "brand", "since": "2025-01-15", "until": "2025-03-10"},  # partial months
    {"since": "2025-02-01", "until": "2025-02-28", "platform": "tiktok"},  # one whole month
]


def test_split_range() -> None:
    jan = 2025 * 12
    d = day_number
    assert split_range(None, None) == ((None, None), [])
    # 15 Jan .. 10 Mar: the rest of January by day, February whole, 1-10 March by day
    assert split_range(date(2025, 1, 15), date(2025, 3, 11)) == (
        (jan + 1, jan + 2),
        [(d(date(2025, 1, 15)), d(date(2025, 2, 1))), (d(date(2025, 3, 1)), d(date(2025, 3, 11)))],
    )
    assert split_range(date(2025, 2, 1), date(2025, 3, 1)) == ((jan + 1, jan + 2), [])
    assert split_range(date(2025, 1, 10), date(2025, 1, 17)) == (
        None,
        [(d(date(2025, 1, 10)), d(date(2025, 1, 17)))],
    )
    assert split_range(date(2025, 1, 2), None) == (
        (jan + 1, None),
        [(d(date(2025, 1, 2)), d(date(2025, 2, 1)))],
    )


def test_rollup_equals_scan(store: DuckDBStore) -> None:
    _random_store(store)
    refresh_rollup(store, WS, heavy_authors=3, posts_per_day=2)
    assert rollup_is_fresh(store, WS)
    seen: set[str] = set()
    for filters in SCOPES:
        scanned = summary(store, WS, rollup=False, limit=5, **filters)
        rolled = summary(store, WS, limit=5, **filters)
        assert set(scanned.sources.values()) == {"scan"}
        assert rolled.sources["aggregates"] == "rollup"
        seen.update(rolled.sources.values())
        _same(_comparable(scanned), _comparable(rolled), str(filters))
    # with only 3 heavy authors / 2 posts a day kept, some top lists must fall back
    assert seen == {"rollup", "scan"}


def test_generous_rollup_answers_top_lists(store: DuckDBStore) -> None:
    _random_store(store)
    refresh_rollup(store, WS, heavy_authors=300, posts_per_day=50)
    stats = summary(store, WS, group="competitor")
    assert set(stats.sources.values()) == {"rollup"}
    _same(_comparable(summary(store, WS, group="competitor", rollup=False)), _comparable(stats))
    for by in ("mentions", "interactions"):
        assert top_authors(store, WS, by=by, topic="A").equals(
            top_authors(store, WS, by=by, topic="A", rollup=False)
        )
    assert top_posts(store, WS).equals(top_posts(store, WS, rollup=False))


def test_stale_rollup_is_not_used(store: DuckDBStore) -> None:
    _random_store(store, n=300)
    refresh_rollup(store, WS)
    assert summary(store, WS).sources["aggregates"] == "rollup"
    add(store, [mention(topics=["A"], likes=1)])  # a new mention
    assert not rollup_is_fresh(store, WS)
    stats = summary(store, WS)
    assert set(stats.sources.values()) == {"scan"}
    assert stats.volume.total.value == 301
    # rollup=True refreshes first
    assert summary(store, WS, rollup=True).sources["aggregates"] == "rollup"
    assert rollup_is_fresh(store, WS)
    # a new topic definition or a new time zone makes it stale too
    topics(store, {"D": "competitor"})
    assert not rollup_is_fresh(store, WS)
    refresh_rollup(store, WS)
    store.ensure_workspace(WS, "Europe/Berlin")
    assert not rollup_is_fresh(store, WS)
    refresh_rollup(store, WS)
    drop_rollup(store, WS)
    assert not rollup_is_fresh(store, WS)


def test_partial_days_are_scanned(store: DuckDBStore) -> None:
    _random_store(store, n=300)
    refresh_rollup(store, WS)
    stats = summary(store, WS, since=datetime(2025, 1, 5, 12, 0))
    assert set(stats.sources.values()) == {"scan"}
    aligned = summary(store, WS, since=datetime(2025, 1, 5, 0, 0))
    assert aligned.sources["aggregates"] == "rollup"


def test_empty_workspace_rollup(store: DuckDBStore) -> None:
    topics(store, {"A": "brand"})
    refresh_rollup(store, WS)
    stats = summary(store, WS, group="brand")
    assert stats.volume.total.value == 0
    assert stats.top_posts.empty and stats.top_authors_by_mentions.empty
    assert set(stats.sources.values()) == {"rollup"}


@pytest.mark.parametrize("tz", ["Asia/Ho_Chi_Minh", "America/New_York"])
def test_rollup_days_follow_the_workspace_zone(store: DuckDBStore, tz: str) -> None:
    store.ensure_workspace(WS, tz)
    add(store, [mention(created_at=datetime(2025, 3, 9, 4, 30, tzinfo=UTC))])
    refresh_rollup(store, WS)
    rolled = summary(store, WS)
    scanned = summary(store, WS, rollup=False)
    assert rolled.sources["aggregates"] == "rollup"
    _same(_comparable(scanned), _comparable(rolled))
    expected = date(2025, 3, 9) if tz == "Asia/Ho_Chi_Minh" else date(2025, 3, 8)
    assert list(rolled.by_day["day"]) == [expected]
