"""The case workflow of the signals inbox: transitions, their errors, the timeline, the
inbox order and pages, and the response-time figures on hand-built events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tinhieu import cases
from tinhieu.accounts import add_user
from tinhieu.signals.engine import save_signals
from tinhieu.signals.model import Signal
from tinhieu.store import DuckDBStore, open_store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


def make_signal(
    workspace: str = "ws",
    topic: str = "Brand",
    severity: int = 6,
    hours: int = 0,
    kind: Any = "volume_spike",
) -> Signal:
    start = T0 - timedelta(days=2) + timedelta(hours=hours)
    return Signal(
        workspace=workspace,
        topic=topic,
        kind=kind,
        measure="volume",
        grain="hour",
        bucket_start=start,
        bucket_end=start + timedelta(hours=1),
        observed=40.0,
        baseline=8.0,
        deviation=6.5,
        severity=severity,
        window=3,
    )


def store_signal(store: DuckDBStore, signal: Signal, detected_at: datetime = T0) -> str:
    save_signals(store, [signal])
    store.execute("UPDATE signals SET detected_at = ? WHERE id = ?", [detected_at, signal.id])
    return signal.id


@pytest.fixture
def store() -> Iterator[DuckDBStore]:
    s = open_store(":memory:")
    s.ensure_workspace("ws")
    s.ensure_workspace("elsewhere")
    add_user(s, "ana", PASSWORD, workspace="ws", role="analyst")
    add_user(s, "boss", PASSWORD, workspace="ws", role="admin")
    add_user(s, "vic", PASSWORD, workspace="ws", role="viewer")
    add_user(s, "eve", PASSWORD, workspace="elsewhere", role="admin")
    yield s
    s.close()


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


# --- transitions -------------------------------------------------------------------------
def test_a_new_signal_is_an_open_case(store: DuckDBStore) -> None:
    sid = store_signal(store, make_signal())
    case = cases.get_case(store, "ws", sid)
    assert case.status == "open"
    assert case.opened_at == T0
    assert case.assignee is None
    assert cases.events(store, "ws", sid) == []


def test_the_whole_workflow_and_its_timeline(store: DuckDBStore) -> None:
    sid = store_signal(store, make_signal())
    c = cases.acknowledge(store, "ws", sid, "ana", now=at(5))
    assert (c.status, c.acknowledged_at, c.acknowledged_by) == ("acknowledged", at(5), "ana")
    c = cases.assign(store, "ws", sid, "ana", "boss", now=at(6))
    assert (c.status, c.assignee) == ("acknowledged", "boss")
    cases.add_note(store, "ws", sid, "boss", "  đang gọi cho cửa hàng  ", now=at(7))
    c = cases.resolve(store, "ws", sid, "boss", "đã xử lý", now=at(60))
    assert (c.status, c.resolved_at, c.resolved_by) == ("resolved", at(60), "boss")
    assert c.acknowledged_at == at(5)  # the first reaction stays
    c = cases.reopen(store, "ws", sid, "ana", "lại có phàn nàn", now=at(90))
    assert (c.status, c.resolved_at, c.resolved_by) == ("acknowledged", None, None)
    assert c.assignee == "boss"
    stored = cases.get_case(store, "ws", sid)
    assert stored == c
    timeline = [(e.happened_at, e.user, e.action, e.note) for e in cases.events(store, "ws", sid)]
    assert timeline == [
        (at(5), "ana", "acknowledge", None),
        (at(6), "ana", "assign", "boss"),
        (at(7), "boss", "note", "đang gọi cho cửa hàng"),
        (at(60), "boss", "resolve", "đã xử lý"),
        (at(90), "ana", "reopen", "lại có phàn nàn"),
    ]


def test_illegal_transitions_raise_clear_errors(store: DuckDBStore) -> None:
    sid = store_signal(store, make_signal())
    with pytest.raises(cases.CaseConflict, match="not resolved"):
        cases.reopen(store, "ws", sid, "ana")
    cases.acknowledge(store, "ws", sid, "ana")
    with pytest.raises(cases.CaseConflict, match="already acknowledged"):
        cases.acknowledge(store, "ws", sid, "ana")
    cases.resolve(store, "ws", sid, "ana")
    with pytest.raises(cases.CaseConflict, match="already resolved"):
        cases.resolve(store, "ws", sid, "ana")
    with pytest.raises(cases.CaseConflict, match="already resolved"):
        cases.acknowledge(store, "ws", sid, "ana")
    with pytest.raises(cases.CaseConflict, match="reopen it first"):
        cases.assign(store, "ws", sid, "ana", "boss")
    # the failed actions left no trace
    assert [e.action for e in cases.events(store, "ws", sid)] == ["acknowledge", "resolve"]
    assert cases.get_case(store, "ws", sid).status == "resolved"


def test_assign_only_to_a_member_who_can_work_cases(store: DuckDBStore) -> None:
    sid = store_signal(store, make_signal())
    with pytest.raises(cases.CaseInvalid, match="'eve' is not an analyst or admin"):
        cases.assign(store, "ws", sid, "ana", "eve")  # another workspace's admin
    with pytest.raises(cases.CaseInvalid):
        cases.assign(store, "ws", sid, "ana", "nobody")
    with pytest.raises(cases.CaseInvalid):
        cases.assign(store, "ws", sid, "ana", "vic")  # a viewer cannot work it
    assert cases.get_case(store, "ws", sid).assignee is None
    cases.assign(store, "ws", sid, "ana", "ANA")
    assert cases.get_case(store, "ws", sid).assignee == "ana"
    with pytest.raises(cases.CaseConflict, match="already assigned"):
        cases.assign(store, "ws", sid, "ana", "ana")
    c = cases.assign(store, "ws", sid, "ana", None)
    assert c.assignee is None
    assert [e.action for e in cases.events(store, "ws", sid)] == ["assign", "unassign"]
    assert cases.get_case(store, "ws", sid).status == "open"  # assigning is not acknowledging
    assert cases.CaseInvalid.status_code == 422
    assert cases.CaseConflict.status_code == 409


def test_notes_must_have_text_and_a_bounded_length(store: DuckDBStore) -> None:
    sid = store_signal(store, make_signal())
    with pytest.raises(cases.CaseInvalid, match="empty"):
        cases.add_note(store, "ws", sid, "ana", "   ")
    with pytest.raises(cases.CaseInvalid, match="longer than 2000"):
        cases.add_note(store, "ws", sid, "ana", "x" * 2001)
    cases.add_note(store, "ws", sid, "ana", "x" * 2000)
    assert cases.get_case(store, "ws", sid).status == "open"


def test_resolving_an_open_case_counts_as_acknowledging_it(store: DuckDBStore) -> None:
    sid = store_signal(store, make_signal())
    c = cases.resolve(store, "ws", sid, "boss", now=at(30))
    assert (c.acknowledged_at, c.acknowledged_by) == (at(30), "boss")


def test_another_workspace_cannot_see_or_touch_a_case(store: DuckDBStore) -> None:
    sid = store_signal(store, make_signal())
    for action in (
        lambda: cases.get_case(store, "elsewhere", sid),
        lambda: cases.acknowledge(store, "elsewhere", sid, "eve"),
        lambda: cases.add_note(store, "elsewhere", sid, "eve", "hi"),
        lambda: cases.resolve(store, "elsewhere", sid, "eve"),
        lambda: cases.get_case(store, "ws", "nosuchsignal"),
    ):
        with pytest.raises(cases.CaseNotFound):
            action()
    assert cases.list_cases(store, "elsewhere").items == []
    assert cases.get_case(store, "ws", sid).status == "open"


# --- the inbox ---------------------------------------------------------------------------
def test_inbox_order_filters_and_pages(store: DuckDBStore) -> None:
    ids = {}
    for i, sev in enumerate([3, 9, 6, 9, 5, 2, 7, 8]):
        ids[i] = store_signal(
            store, make_signal(severity=sev, hours=i, topic="A" if i % 2 else "B")
        )
    store_signal(store, make_signal(workspace="elsewhere", severity=10))
    cases.acknowledge(store, "ws", ids[1], "ana")
    cases.resolve(store, "ws", ids[3], "ana")
    cases.assign(store, "ws", ids[5], "ana", "boss")

    everything = cases.list_cases(store, "ws", limit=100).items
    got = [(x.case.status, x.signal.severity) for x in everything]
    assert got == [
        ("open", 8),
        ("open", 7),
        ("open", 6),
        ("open", 5),
        ("open", 3),
        ("open", 2),
        ("acknowledged", 9),
        ("resolved", 9),
    ]
    # pages of 3 walk the same list, each signal once
    walked: list[str] = []
    cursor = None
    while True:
        page = cases.list_cases(store, "ws", limit=3, cursor=cursor)
        walked += [x.signal.id for x in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert walked == [x.signal.id for x in everything]

    def ids_of(**kw: Any) -> set[str]:
        return {x.signal.id for x in cases.list_cases(store, "ws", cases.CaseFilter(**kw)).items}

    assert ids_of(status="active") == set(ids.values()) - {ids[3]}
    assert ids_of(status="resolved") == {ids[3]}
    assert ids_of(status="acknowledged") == {ids[1]}
    assert ids_of(min_severity=8) == {ids[1], ids[3], ids[7]}
    assert ids_of(topic="A") == {ids[i] for i in (1, 3, 5, 7)}
    assert ids_of(assignee="boss") == {ids[5]}
    assert ids_of(assignee="") == set(ids.values()) - {ids[5]}
    assert ids_of(kind="negative_shift") == set()
    with pytest.raises(ValueError, match="invalid cursor"):
        cases.list_cases(store, "ws", cursor="not-a-cursor")
    with pytest.raises(ValueError, match="invalid cursor"):
        cases.list_cases(store, "ws", cursor=cases.encode_cursor(["x", 1, "y", "z"]))
    with pytest.raises(ValueError, match="invalid cursor"):
        cases.list_cases(store, "ws", cursor=cases.encode_cursor([10**30, 1, "y", "z"]))
    with pytest.raises(ValueError, match="invalid cursor"):
        cases.list_cases(store, "ws", cursor=cases.encode_cursor([0, 1, "not a time", "z"]))


# --- response times ----------------------------------------------------------------------
def test_percentile_interpolates_between_ranks() -> None:
    assert cases.percentile([], 0.5) is None
    assert cases.percentile([7.0], 0.9) == 7.0
    assert cases.percentile([4.0, 1.0, 3.0, 2.0], 0.5) == 2.5
    assert cases.percentile([float(x) for x in range(1, 11)], 0.9) == pytest.approx(9.1)
    assert cases.percentile([10.0, 20.0, 30.0], 0.9) == pytest.approx(28.0)


def test_response_times_on_hand_built_events(store: DuckDBStore) -> None:
    now = T0 + timedelta(days=3)
    # severity 9: acknowledged after 10, 20, 30, 40 and 300 minutes; three resolved
    ack_minutes = [10, 20, 30, 40, 300]
    high = []
    for i, m in enumerate(ack_minutes):
        sid = store_signal(store, make_signal(severity=9, hours=i, topic="H"))
        cases.acknowledge(store, "ws", sid, "ana", now=at(m))
        high.append(sid)
    cases.resolve(store, "ws", high[0], "ana", now=at(60))
    cases.resolve(store, "ws", high[1], "ana", now=at(120))
    cases.resolve(store, "ws", high[2], "ana", now=at(240))
    # severity 6: one resolved without acknowledgement after 2 days, one still open
    mid = store_signal(store, make_signal(severity=6, hours=10, topic="M"))
    cases.resolve(store, "ws", mid, "ana", now=at(2 * 24 * 60))
    store_signal(store, make_signal(severity=6, hours=11, topic="M"), detected_at=at(-30))
    # severity 2: detected 10 minutes before "now" and not acknowledged: too young to
    # count against the 1 h share
    store_signal(store, make_signal(severity=2, hours=12), detected_at=now - timedelta(minutes=10))
    # outside the period, resolved: not counted; outside and open: in the backlog
    old = store_signal(store, make_signal(severity=9, hours=13), detected_at=T0 - timedelta(40))
    cases.resolve(store, "ws", old, "ana", now=T0 - timedelta(days=39))
    stale = store_signal(
        store, make_signal(severity=9, hours=14), detected_at=T0 - timedelta(days=50)
    )
    # another workspace is never counted
    store_signal(store, make_signal(workspace="elsewhere", severity=9))

    rt = cases.response_times(store, "ws", days=30, now=now)
    bands = {b["band"]: b for b in rt["bands"]}
    assert [b["band"] for b in rt["bands"]] == ["8-10", "5-7", "1-4", "all"]
    h = bands["8-10"]
    assert (h["count"], h["acknowledged"], h["resolved"]) == (5, 5, 3)
    assert h["ack_median_s"] == 30 * 60
    assert h["ack_p90_s"] == pytest.approx((40 + 0.6 * 260) * 60)  # 40 + 0.6·(300 − 40)
    assert h["resolve_median_s"] == 120 * 60
    assert h["resolve_p90_s"] == pytest.approx((120 + 0.8 * 120) * 60)  # 120 + 0.8·(240 − 120)
    assert h["ack_within_1h"] == pytest.approx(4 / 5)
    assert h["ack_within_24h"] == 1.0
    assert h["open"] == 3  # two acknowledged but unresolved, plus the stale one
    assert h["oldest_open_at"] == T0 - timedelta(days=50)
    assert h["oldest_open_age_s"] == (now - (T0 - timedelta(days=50))).total_seconds()
    del stale

    m = bands["5-7"]
    assert (m["count"], m["acknowledged"], m["resolved"]) == (2, 1, 1)
    assert m["ack_median_s"] == 2 * 86400  # resolved unacknowledged: acknowledged then
    assert m["resolve_median_s"] == 2 * 86400
    assert m["ack_within_1h"] == 0.0
    assert m["ack_within_24h"] == 0.0
    assert m["open"] == 1
    assert m["oldest_open_at"] == at(-30)

    low = bands["1-4"]
    assert (low["count"], low["acknowledged"], low["open"]) == (1, 0, 1)
    assert low["ack_median_s"] is None
    assert low["ack_within_1h"] is None  # nothing old enough to judge
    assert low["oldest_open_age_s"] == 600

    everything = bands["all"]
    assert everything["count"] == 8
    assert everything["acknowledged"] == 6
    assert everything["ack_median_s"] == pytest.approx(35 * 60)  # 10 20 30 40 300 2880
    assert everything["open"] == 5
    assert rt["clock"] == "detected_at"
    with pytest.raises(ValueError):
        cases.response_times(store, "ws", days=0)
