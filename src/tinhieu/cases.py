"""The signals inbox as a case workflow: who reacted to which signal, and how fast.

Every stored signal (table ``signals``) is a case from the moment it is detected. Its
state lives in ``signal_cases`` (created on the first action; no row means *open*) and
every action appends one row to ``case_events`` (who, when, what, note):

=============  =====================================  ==========================
action         allowed when                           then
=============  =====================================  ==========================
acknowledge    open                                   acknowledged
assign         open or acknowledged; the assignee     status unchanged
               is an analyst or admin of the
               workspace (``None`` unassigns)
note           always (1–2000 characters)             status unchanged
resolve        open or acknowledged (optional note)   resolved; an open case also
                                                      counts as acknowledged then
reopen         resolved (optional note)               acknowledged
=============  =====================================  ==========================

An action that the state does not allow raises :class:`CaseConflict`; a bad assignee or
note raises :class:`CaseInvalid`; a signal that is not in the workspace raises
:class:`CaseNotFound` (the web layer answers 404, so another workspace's signal looks
missing).

Response times (:func:`response_times`) start the clock at the signal's
``detected_at``, when tinhieu stored it and the team could first know. Not at the end
of the signal's bucket: a backfill detects buckets that ended weeks ago (nobody could
have reacted then), and ``tinhieu watch`` raises an alert on an hour still in progress,
before its bucket ends. Time to acknowledgement is ``acknowledged_at − detected_at``
(the first reaction; a case resolved without acknowledgement counts as acknowledged at
its resolution); time to resolution is ``resolved_at − detected_at`` for cases resolved
now (a reopened case is open again until resolved again). Medians and 90th percentiles
interpolate linearly between ranks (numpy's default): the median of 1, 2, 3, 4 is 2.5,
the p90 of 1…10 is 9.1.

Nothing here knows about HTTP.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal

from tinhieu.accounts import allowed, members
from tinhieu.signals.model import Signal
from tinhieu.store.base import Store
from tinhieu.store.duckdb import _first

Status = Literal["open", "acknowledged", "resolved"]
STATUSES: Final[tuple[Status, ...]] = ("open", "acknowledged", "resolved")
#: Status filters: one status, ``active`` (open or acknowledged), or ``all``.
STATUS_FILTERS: Final[tuple[str, ...]] = ("active", "open", "acknowledged", "resolved", "all")
ACTIONS: Final[tuple[str, ...]] = ("acknowledge", "assign", "unassign", "note", "resolve", "reopen")
#: Severity bands of the response-time figures.
BANDS: Final[tuple[tuple[int, int], ...]] = ((8, 10), (5, 7), (1, 4))
NOTE_MAX: Final[int] = 2000
PERIOD_DAYS: Final[int] = 30
_RANK_SQL: Final[str] = (
    "CASE coalesce(c.status, 'open') WHEN 'open' THEN 0 WHEN 'acknowledged' THEN 1 ELSE 2 END"
)


class CaseError(ValueError):
    """An action the case workflow does not allow."""

    status_code: int = 409


class CaseConflict(CaseError):
    """The case's state does not allow the action (resolve twice, reopen an open case)."""

    status_code = 409


class CaseInvalid(CaseError):
    """A bad argument: an assignee who is not a member, an empty or too long note."""

    status_code = 422


class CaseNotFound(LookupError):
    """No such signal in this workspace."""


@dataclass(frozen=True, slots=True)
class Case:
    """The state of one signal's case."""

    signal_id: str
    status: Status
    assignee: str | None
    opened_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "signal_id": self.signal_id,
            "status": self.status,
            "assignee": self.assignee,
            "opened_at": self.opened_at,
            "acknowledged_at": self.acknowledged_at,
            "acknowledged_by": self.acknowledged_by,
            "resolved_at": self.resolved_at,
            "resolved_by": self.resolved_by,
        }


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """One action on a case. For ``assign`` the note holds the assignee's user name."""

    happened_at: datetime
    user: str
    action: str
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "happened_at": self.happened_at,
            "user": self.user,
            "action": self.action,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class SignalCase:
    """A signal with its case, as the inbox lists it."""

    signal: Signal
    detected_at: datetime
    case: Case

    def to_dict(self) -> dict[str, Any]:
        d = self.signal.to_dict()
        d["detected_at"] = self.detected_at
        d["case"] = self.case.to_dict()
        return d


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """What the inbox shows. ``assignee`` ``""`` means unassigned."""

    status: str = "all"
    min_severity: int = 1
    topic: str | None = None
    kind: str | None = None
    assignee: str | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUS_FILTERS:
            raise ValueError(f"status must be one of {', '.join(STATUS_FILTERS)}")
        if not 1 <= self.min_severity <= 10:
            raise ValueError("min_severity must be 1..10")


@dataclass(frozen=True, slots=True)
class Page:
    items: list[SignalCase] = field(default_factory=list)
    next_cursor: str | None = None


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# --- reading -----------------------------------------------------------------------------
_CASE_COLS: Final[str] = (
    "s.id, s.detected_at, c.status, c.assignee, c.opened_at, c.acknowledged_at, "
    "c.acknowledged_by, c.resolved_at, c.resolved_by"
)


def _case_of(row: Sequence[Any]) -> Case:
    """A case from ``_CASE_COLS`` (a missing case row is an open case)."""
    detected = _aware(row[1])
    assert detected is not None
    if row[2] is None:
        return Case(str(row[0]), "open", None, detected)
    return Case(
        signal_id=str(row[0]),
        status=row[2],
        assignee=row[3],
        opened_at=_aware(row[4]) or detected,
        acknowledged_at=_aware(row[5]),
        acknowledged_by=row[6],
        resolved_at=_aware(row[7]),
        resolved_by=row[8],
    )


def _case_row(store: Store, workspace: str, signal_id: str) -> tuple[Any, ...]:
    row = _first(
        store.fetch_all(
            f"SELECT {_CASE_COLS}, s.payload FROM signals s LEFT JOIN signal_cases c "
            "ON c.workspace = s.workspace AND c.signal_id = s.id "
            "WHERE s.workspace = ? AND s.id = ?",
            [workspace, signal_id],
        )
    )
    if row is None:
        raise CaseNotFound(f"no signal {signal_id!r}")
    return row


def get_case(store: Store, workspace: str, signal_id: str) -> Case:
    """The case of a signal of ``workspace`` (open when nobody has acted yet)."""
    return _case_of(_case_row(store, workspace, signal_id))


def get_signal_case(store: Store, workspace: str, signal_id: str) -> SignalCase:
    """A signal of ``workspace`` with its case."""
    row = _case_row(store, workspace, signal_id)
    detected = _aware(row[1])
    assert detected is not None
    return SignalCase(Signal.from_dict(json.loads(row[9])), detected, _case_of(row))


def resolved_ids(store: Store, workspace: str) -> set[str]:
    """The ids of the workspace's signals whose case is resolved."""
    rows = store.fetch_all(
        "SELECT signal_id FROM signal_cases WHERE workspace = ? AND status = 'resolved'",
        [workspace],
    )
    return {str(r[0]) for r in rows}


def events(store: Store, workspace: str, signal_id: str) -> list[CaseEvent]:
    """The case's actions, oldest first."""
    rows = store.fetch_all(
        "SELECT happened_at, user_name, action, note FROM case_events "
        "WHERE workspace = ? AND signal_id = ? ORDER BY happened_at, rowid",
        [workspace, signal_id],
    )
    out = []
    for r in rows:
        at = _aware(r[0])
        assert at is not None
        out.append(CaseEvent(at, str(r[1]), str(r[2]), r[3]))
    return out


def assignable(store: Store, workspace: str) -> list[tuple[str, str]]:
    """(user name, display name) of the members who can work cases."""
    return [
        (user.name, user.display_name)
        for user, role in members(store, workspace)
        if not user.disabled and allowed(role, "case")
    ]


# --- actions -----------------------------------------------------------------------------
def _write(
    store: Store,
    workspace: str,
    signal_id: str,
    case: Case,
    user: str,
    action: str,
    note: str | None,
    at: datetime,
) -> Case:
    store.execute(
        "DELETE FROM signal_cases WHERE workspace = ? AND signal_id = ?", [workspace, signal_id]
    )
    store.execute(
        "INSERT INTO signal_cases (workspace, signal_id, status, assignee, opened_at, "
        "acknowledged_at, acknowledged_by, resolved_at, resolved_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            workspace,
            signal_id,
            case.status,
            case.assignee,
            case.opened_at,
            case.acknowledged_at,
            case.acknowledged_by,
            case.resolved_at,
            case.resolved_by,
        ],
    )
    store.execute(
        "INSERT INTO case_events (workspace, signal_id, happened_at, user_name, action, note) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [workspace, signal_id, at, user, action, note],
    )
    return case


def _clean_note(note: str | None, *, required: bool) -> str | None:
    text = (note or "").strip()
    if not text:
        if required:
            raise CaseInvalid("the note is empty")
        return None
    if len(text) > NOTE_MAX:
        raise CaseInvalid(f"the note is longer than {NOTE_MAX} characters")
    return text


def acknowledge(
    store: Store, workspace: str, signal_id: str, user: str, *, now: datetime | None = None
) -> Case:
    """Say someone is looking at it: open → acknowledged."""
    at = _now(now)
    with store.transaction():
        case = get_case(store, workspace, signal_id)
        if case.status != "open":
            raise CaseConflict(f"the signal is already {case.status}")
        new = Case(signal_id, "acknowledged", case.assignee, case.opened_at, at, user, None, None)
        return _write(store, workspace, signal_id, new, user, "acknowledge", None, at)


def assign(
    store: Store,
    workspace: str,
    signal_id: str,
    user: str,
    assignee: str | None,
    *,
    now: datetime | None = None,
) -> Case:
    """Give the case to a teammate who can work cases (``None``: nobody)."""
    at = _now(now)
    name = assignee.strip().lower() if assignee else None
    with store.transaction():
        case = get_case(store, workspace, signal_id)
        if case.status == "resolved":
            raise CaseConflict("the signal is resolved; reopen it first")
        if name is not None and name not in {n for n, _ in assignable(store, workspace)}:
            raise CaseInvalid(f"{name!r} is not an analyst or admin of this workspace")
        if name == case.assignee:
            raise CaseConflict(
                f"the signal is already assigned to {name}" if name else "nobody is assigned"
            )
        new = Case(
            signal_id,
            case.status,
            name,
            case.opened_at,
            case.acknowledged_at,
            case.acknowledged_by,
            None,
            None,
        )
        action = "assign" if name else "unassign"
        return _write(store, workspace, signal_id, new, user, action, name, at)


def add_note(
    store: Store,
    workspace: str,
    signal_id: str,
    user: str,
    note: str,
    *,
    now: datetime | None = None,
) -> Case:
    """Add a note to the timeline (any status)."""
    at = _now(now)
    text = _clean_note(note, required=True)
    with store.transaction():
        case = get_case(store, workspace, signal_id)
        return _write(store, workspace, signal_id, case, user, "note", text, at)


def resolve(
    store: Store,
    workspace: str,
    signal_id: str,
    user: str,
    note: str | None = None,
    *,
    now: datetime | None = None,
) -> Case:
    """Close the case: open or acknowledged → resolved."""
    at = _now(now)
    text = _clean_note(note, required=False)
    with store.transaction():
        case = get_case(store, workspace, signal_id)
        if case.status == "resolved":
            raise CaseConflict("the signal is already resolved")
        new = Case(
            signal_id,
            "resolved",
            case.assignee,
            case.opened_at,
            case.acknowledged_at or at,
            case.acknowledged_by or user,
            at,
            user,
        )
        return _write(store, workspace, signal_id, new, user, "resolve", text, at)


def reopen(
    store: Store,
    workspace: str,
    signal_id: str,
    user: str,
    note: str | None = None,
    *,
    now: datetime | None = None,
) -> Case:
    """Open a resolved case again: resolved → acknowledged."""
    at = _now(now)
    text = _clean_note(note, required=False)
    with store.transaction():
        case = get_case(store, workspace, signal_id)
        if case.status != "resolved":
            raise CaseConflict(f"the signal is {case.status}, not resolved")
        new = Case(
            signal_id,
            "acknowledged",
            case.assignee,
            case.opened_at,
            case.acknowledged_at,
            case.acknowledged_by,
            None,
            None,
        )
        return _write(store, workspace, signal_id, new, user, "reopen", text, at)


# --- the inbox ---------------------------------------------------------------------------
def encode_cursor(key: Sequence[Any]) -> str:
    raw = json.dumps(list(key), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, types: Sequence[type]) -> list[Any]:
    """The key of an opaque cursor; :class:`ValueError` when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise ValueError("invalid cursor") from exc
    if not isinstance(key, list) or len(key) != len(types):
        raise ValueError("invalid cursor")
    for value, kind in zip(key, types, strict=True):
        if type(value) is not kind:
            raise ValueError("invalid cursor")
        if isinstance(value, int) and not -(2**62) < value < 2**62:
            raise ValueError("invalid cursor")
    return key


def list_cases(
    store: Store,
    workspace: str,
    filters: CaseFilter | None = None,
    *,
    limit: int = 50,
    cursor: str | None = None,
) -> Page:
    """Signals with their cases: open first, then acknowledged, then resolved; within a
    status the most severe, then the newest. ``cursor`` continues a previous page."""
    f = filters or CaseFilter()
    where = ["s.workspace = ?", "s.severity >= ?"]
    params: list[Any] = [workspace, f.min_severity]
    if f.status == "active":
        where.append("coalesce(c.status, 'open') <> 'resolved'")
    elif f.status != "all":
        where.append("coalesce(c.status, 'open') = ?")
        params.append(f.status)
    if f.topic is not None:
        where.append("s.topic = ?")
        params.append(f.topic)
    if f.kind is not None:
        where.append("s.kind = ?")
        params.append(f.kind)
    if f.assignee == "":
        where.append("c.assignee IS NULL")
    elif f.assignee is not None:
        where.append("c.assignee = ?")
        params.append(f.assignee)
    inner = (
        f"SELECT {_CASE_COLS}, s.payload, {_RANK_SQL} AS rank, s.severity AS sev, "
        "s.bucket_start AS bs FROM signals s LEFT JOIN signal_cases c "
        "ON c.workspace = s.workspace AND c.signal_id = s.id WHERE " + " AND ".join(where)
    )
    outer: list[str] = []
    if cursor:
        rank, sev, bs_text, last_id = decode_cursor(cursor, (int, int, str, str))
        try:
            bs = datetime.fromisoformat(bs_text)
        except ValueError as exc:
            raise ValueError("invalid cursor") from exc
        outer.append(
            "(rank > ? OR (rank = ? AND sev < ?) OR (rank = ? AND sev = ? AND bs < ?) "
            "OR (rank = ? AND sev = ? AND bs = ? AND id > ?))"
        )
        params += [rank, rank, sev, rank, sev, bs, rank, sev, bs, last_id]
    sql = f"SELECT * FROM ({inner}) q"
    if outer:
        sql += " WHERE " + " AND ".join(outer)
    sql += " ORDER BY rank, sev DESC, bs DESC, id LIMIT ?"
    params.append(limit + 1)
    rows = store.fetch_all(sql, params)
    items = []
    for r in rows[:limit]:
        detected = _aware(r[1])
        assert detected is not None
        items.append(SignalCase(Signal.from_dict(json.loads(r[9])), detected, _case_of(r)))
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        bs_last = _aware(last[12])
        assert bs_last is not None
        next_cursor = encode_cursor([int(last[10]), int(last[11]), bs_last.isoformat(), last[0]])
    return Page(items, next_cursor)


def signal_topics(store: Store, workspace: str) -> list[str]:
    """The topics that have signals (for the inbox's filter)."""
    rows = store.fetch_all(
        "SELECT DISTINCT topic FROM signals WHERE workspace = ? ORDER BY topic", [workspace]
    )
    return [str(r[0]) for r in rows]


# --- response times ----------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-quantile (0–1), interpolating linearly between ranks; None when empty."""
    if not values:
        return None
    xs = sorted(values)
    pos = q * (len(xs) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _band_name(lo: int, hi: int) -> str:
    return f"{lo}-{hi}"


def response_times(
    store: Store, workspace: str, *, days: int = PERIOD_DAYS, now: datetime | None = None
) -> dict[str, Any]:
    """How fast the team reacted to the signals detected in the last ``days`` days, per
    severity band (8–10, 5–7, 1–4) and overall. Times are in seconds.

    ``count`` signals detected in the period; ``acknowledged``/``resolved`` of them;
    ``ack_median_s``/``ack_p90_s`` over the acknowledged, ``resolve_median_s``/
    ``resolve_p90_s`` over the resolved; ``ack_within_1h``/``ack_within_24h`` the share
    acknowledged within 1 h / 24 h of the signals old enough to tell (detected at least
    that long ago, or acknowledged already); ``open`` and ``oldest_open_at`` count every
    unresolved signal of the band, whatever its age (the backlog does not age out)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    end = _now(now)
    since = end - timedelta(days=days)
    rows = store.fetch_all(
        "SELECT s.severity, s.detected_at, coalesce(c.status, 'open'), c.acknowledged_at, "
        "c.resolved_at FROM signals s LEFT JOIN signal_cases c "
        "ON c.workspace = s.workspace AND c.signal_id = s.id "
        "WHERE s.workspace = ? AND (s.detected_at >= ? OR coalesce(c.status, 'open') <> "
        "'resolved') AND s.detected_at <= ?",
        [workspace, since, end],
    )
    bands = [(lo, hi, _band_name(lo, hi)) for lo, hi in BANDS] + [(1, 10, "all")]
    out = []
    for lo, hi, name in bands:
        mine = [r for r in rows if lo <= int(r[0]) <= hi]
        out.append(_band(name, lo, hi, mine, since, end))
    return {"days": days, "since": since, "until": end, "clock": "detected_at", "bands": out}


def _band(
    name: str, lo: int, hi: int, rows: list[tuple[Any, ...]], since: datetime, end: datetime
) -> dict[str, Any]:
    ack: list[float] = []
    res: list[float] = []
    within = {3600: [0, 0], 86400: [0, 0]}  # limit → [within, eligible]
    count = 0
    open_count = 0
    oldest: datetime | None = None
    for sev, detected_raw, status, ack_raw, res_raw in rows:
        del sev
        detected = _aware(detected_raw)
        assert detected is not None
        acked, resolved = _aware(ack_raw), _aware(res_raw)
        if status != "resolved":
            open_count += 1
            oldest = detected if oldest is None or detected < oldest else oldest
        if detected < since:
            continue
        count += 1
        delay = max(0.0, (acked - detected).total_seconds()) if acked else None
        if delay is not None:
            ack.append(delay)
        if status == "resolved" and resolved is not None:
            res.append(max(0.0, (resolved - detected).total_seconds()))
        age = (end - detected).total_seconds()
        for limit, tally in within.items():
            if delay is not None and delay <= limit:
                tally[0] += 1
                tally[1] += 1
            elif age >= limit:
                tally[1] += 1

    def share(limit: int) -> float | None:
        hit, eligible = within[limit]
        return hit / eligible if eligible else None

    return {
        "band": name,
        "min_severity": lo,
        "max_severity": hi,
        "count": count,
        "acknowledged": len(ack),
        "resolved": len(res),
        "ack_median_s": percentile(ack, 0.5),
        "ack_p90_s": percentile(ack, 0.9),
        "resolve_median_s": percentile(res, 0.5),
        "resolve_p90_s": percentile(res, 0.9),
        "ack_within_1h": share(3600),
        "ack_within_24h": share(86400),
        "open": open_count,
        "oldest_open_at": oldest,
        "oldest_open_age_s": (end - oldest).total_seconds() if oldest else None,
    }
