"""The moderation queue's store functions: what is flagged, decisions taking mentions out
of the queue, changing and undoing them, filters, counts, pages and evidence."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
import pytest

from tinhieu import moderation as mod
from tinhieu.schema import ARROW_SCHEMA
from tinhieu.store import DuckDBStore, open_store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)

#: source_id → (toxicity, spam, platform, text)
ROWS: dict[str, tuple[str | None, str | None, str, str]] = {
    "hate-1": ("HATE", "none", "facebook", "mày là thằng ngu"),
    "off-1": ("OFFENSIVE", "none", "tiktok", "đm quán này dở"),
    "off-2": ("OFFENSIVE", "giveaway", "facebook", "vcl tham gia @An @Bình @Chi"),
    "ad-1": (
        "CLEAN",
        "ad",
        "facebook",
        "Inbox shop để được giảm giá 50%, liên hệ zalo 0909123456",
    ),
    "seed-1": ("CLEAN", "seeding", "youtube", "ngon lắm mọi người ơi"),
    "clean-1": ("CLEAN", "none", "facebook", "ngon"),
    "unchecked-1": (None, None, "facebook", "chưa phân tích"),
}


def _row(workspace: str, source_id: str, i: int) -> dict[str, Any]:
    tox, spam, platform, text = ROWS[source_id]
    row: dict[str, Any] = {name: None for name in ARROW_SCHEMA.names}
    at = T0 + timedelta(minutes=i)
    row.update(
        workspace=workspace,
        platform=platform,
        source_id=source_id,
        url=f"https://example.com/{source_id}",
        kind="comment",
        author_name="Tác giả " + source_id,
        text=text,
        created_at=at,
        collected_at=at,
        topics=["Brand"] if i % 2 == 0 else [],
        first_seen_at=at,
        updated_at=at,
        toxicity=tox,
        spam=spam,
    )
    return row


@pytest.fixture
def store() -> Iterator[DuckDBStore]:
    s = open_store(":memory:")
    for ws in ("ws", "elsewhere"):
        s.ensure_workspace(ws)
        rows = [_row(ws, sid, i) for i, sid in enumerate(ROWS)]
        s.upsert_mentions(pa.Table.from_pylist(rows, schema=ARROW_SCHEMA))
        # upsert does not write enrichment: set the labels as the NLP stage would
        for sid, (tox, spam, _, _) in ROWS.items():
            s.execute(
                "UPDATE mentions SET toxicity = ?, spam = ? WHERE workspace = ? AND source_id = ?",
                [tox, spam, ws, sid],
            )
    yield s
    s.close()


def ids(page: mod.QueuePage) -> list[str]:
    return [i.source_id for i in page.items]


FLAGGED = ["hate-1", "off-2", "off-1", "ad-1", "seed-1"]  # hate, offensive (newest first), spam


def test_the_queue_holds_toxic_and_spam_mentions_worst_first(store: DuckDBStore) -> None:
    page = mod.queue(store, "ws")
    assert ids(page)[:3] == ["hate-1", "off-2", "off-1"]
    assert set(ids(page)) == set(FLAGGED)
    assert page.next_cursor is None
    sql = store.fetch_all(
        "SELECT count(*) FROM mentions WHERE workspace = 'ws' AND (toxicity IN "
        "('OFFENSIVE', 'HATE') OR (spam IS NOT NULL AND spam <> 'none'))"
    )[0][0]
    assert len(page.items) == sql == 5
    off2 = next(i for i in page.items if i.source_id == "off-2")
    assert (off2.reason, off2.reasons) == ("offensive", ["offensive", "giveaway"])


def test_counts_per_reason(store: DuckDBStore) -> None:
    counts = mod.counts(store, "ws")
    assert counts["hate"] == 1
    assert counts["offensive"] == 2  # a toxic giveaway counts under its toxicity
    assert counts["ad"] == 1 and counts["seeding"] == 1 and counts["giveaway"] == 0
    assert counts["total"] == 5 and counts["decided"] == 0
    assert mod.counts(store, "ws", mod.QueueFilter(platform="facebook"))["total"] == 3


def test_filters(store: DuckDBStore) -> None:
    def of(**kw: Any) -> set[str]:
        return set(ids(mod.queue(store, "ws", mod.QueueFilter(**kw))))

    assert of(reason="hate") == {"hate-1"}
    assert of(reason="offensive") == {"off-1", "off-2"}
    assert of(reason="spam") == {"off-2", "ad-1", "seed-1"}
    assert of(reason="giveaway") == {"off-2"}
    assert of(platform="youtube") == {"seed-1"}
    assert of(topic="Brand") == {"hate-1", "off-2", "seed-1"}
    with pytest.raises(ValueError):
        mod.QueueFilter(reason="rude")


def test_pages_walk_the_queue_once(store: DuckDBStore) -> None:
    walked: list[str] = []
    cursor = None
    while True:
        page = mod.queue(store, "ws", limit=2, cursor=cursor)
        walked += ids(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert walked == ids(mod.queue(store, "ws"))
    with pytest.raises(ValueError):
        mod.queue(store, "ws", cursor="garbage!")


def test_decisions_leave_the_queue_can_change_and_be_undone(store: DuckDBStore) -> None:
    item = mod.decide(store, "ws", "facebook", "hate-1", "hide", "ana", " xúc phạm ", now=T0)
    assert (item.decision, item.decided_by, item.decided_at, item.note) == (
        "hide",
        "ana",
        T0,
        "xúc phạm",
    )
    assert "hate-1" not in ids(mod.queue(store, "ws"))
    assert mod.counts(store, "ws")["total"] == 4
    assert mod.counts(store, "ws")["decided"] == 1
    # hidden, not deleted
    assert store.fetch_all(
        "SELECT count(*) FROM mentions WHERE workspace = 'ws' AND source_id = 'hate-1'"
    ) == [(1,)]
    # a new decision replaces the old one
    later = T0 + timedelta(hours=1)
    mod.decide(store, "ws", "facebook", "hate-1", "approve", "boss", now=later)
    done = mod.decided(store, "ws")
    assert [(i.source_id, i.decision, i.decided_by, i.decided_at) for i in done.items] == [
        ("hate-1", "approve", "boss", later)
    ]
    assert ids(mod.decided(store, "ws", mod.QueueFilter(decision="hide"))) == []
    # the other workspace's queue is untouched
    assert "hate-1" in ids(mod.queue(store, "elsewhere"))
    assert mod.undo(store, "ws", "facebook", "hate-1") is True
    assert mod.undo(store, "ws", "facebook", "hate-1") is False
    assert ids(mod.queue(store, "ws"))[0] == "hate-1"


def test_decide_errors(store: DuckDBStore) -> None:
    with pytest.raises(mod.MentionNotFound):
        mod.decide(store, "ws", "facebook", "no-such", "hide", "ana")
    with pytest.raises(mod.MentionNotFound):
        mod.decide(store, "nowhere", "facebook", "hate-1", "hide", "ana")
    with pytest.raises(mod.ModerationError, match="decision must be"):
        mod.decide(store, "ws", "facebook", "hate-1", "delete", "ana")
    with pytest.raises(mod.ModerationError, match="longer than"):
        mod.decide(store, "ws", "facebook", "hate-1", "hide", "ana", "x" * 1001)
    assert mod.counts(store, "ws")["decided"] == 0


def test_evidence_recomputes_why_it_was_flagged(store: DuckDBStore) -> None:
    items = {i.source_id: i for i in mod.queue(store, "ws").items}
    ev = mod.evidence(items["hate-1"])
    assert [items["hate-1"].text[s:e] for s, e in ev.spans] == ["thằng ngu"]
    assert ev.spam_reason is None
    ad = mod.evidence(items["ad-1"])
    assert ad.spans == ()
    assert ad.spam_reason is not None and "0909123456" in ad.spam_reason
    assert mod.evidence(items["seed-1"]) == mod.Evidence()  # seeding: no rule to show


def test_history_keeps_every_decision_and_undo(store: DuckDBStore) -> None:
    mod.decide(store, "ws", "facebook", "hate-1", "hide", "an", "xúc phạm", now=T0)
    mod.decide(store, "ws", "facebook", "hate-1", "escalate", "binh", now=T0 + timedelta(hours=1))
    assert mod.undo(store, "ws", "facebook", "hate-1", "chi", now=T0 + timedelta(hours=2))
    assert not mod.undo(store, "ws", "facebook", "hate-1", "chi")  # nothing to undo: no event
    mod.decide(store, "ws", "facebook", "hate-1", "approve", "an", now=T0 + timedelta(hours=3))
    events = mod.history(store, "ws", "facebook", "hate-1")
    assert [(e.action, e.actor, e.note) for e in events] == [
        ("approve", "an", None),
        ("undo", "chi", None),
        ("escalate", "binh", None),
        ("hide", "an", "xúc phạm"),
    ]
    assert events[-1].at == T0 and events[0].at.tzinfo is not None
    # the latest decision alone is in ``moderation``; the history is per workspace
    assert mod.get_item(store, "ws", "facebook", "hate-1").decision == "approve"
    assert mod.history(store, "elsewhere", "facebook", "hate-1") == []
    assert mod.history(store, "ws", "tiktok", "off-1") == []


def test_histories_of_a_page_in_one_call_and_equal_times_keep_their_order(
    store: DuckDBStore,
) -> None:
    for decision in ("hide", "approve", "escalate"):  # the same instant: insertion order
        mod.decide(store, "ws", "tiktok", "off-1", decision, "an", now=T0)
    mod.decide(store, "ws", "facebook", "ad-1", "hide", "an", now=T0)
    got = mod.histories(store, "ws", [("tiktok", "off-1"), ("facebook", "ad-1"), ("x", "none")])
    assert [e.action for e in got[("tiktok", "off-1")]] == ["escalate", "approve", "hide"]
    assert [e.action for e in got[("facebook", "ad-1")]] == ["hide"]
    assert ("x", "none") not in got
    # many keys are asked in chunks
    keys = [("facebook", f"missing-{i}") for i in range(450)] + [("facebook", "ad-1")]
    assert list(mod.histories(store, "ws", keys)) == [("facebook", "ad-1")]
