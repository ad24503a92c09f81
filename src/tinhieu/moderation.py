"""The moderation queue: toxic and spam mentions flagged for a human decision.

A mention is *flagged* when the NLP stage labelled its ``toxicity`` ``OFFENSIVE`` or
``HATE``, or its ``spam`` anything but ``'none'`` (``NULL`` means not checked). It is in
the *queue* while it has no row in ``moderation``. A moderator decides ``approve`` (it is
fine), ``hide`` (keep it out of sight; the mention is never deleted) or ``escalate``
(someone else must look). A new decision replaces the old one (``decided_by`` and
``decided_at`` say who and when); :func:`undo` puts a mention back in the queue. Every
decision and undo is also appended to ``moderation_events``, which is never rewritten:
:func:`history` tells who decided what, when and why, for audits and disputes.

Why a mention was flagged is shown from what is stored (the labels) plus evidence
recomputed for the few mentions on screen: the offending words of the toxicity lexicon
(:func:`tinhieu.nlp.toxic_spans.toxic_spans`) and the spam rule that matched
(:func:`tinhieu.nlp.spam_rules.spam_rules`). Nothing here knows about HTTP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal, cast

from tinhieu.cases import decode_cursor, encode_cursor
from tinhieu.store.base import Store
from tinhieu.store.duckdb import _first

Decision = Literal["approve", "hide", "escalate"]
DECISIONS: Final[tuple[Decision, ...]] = ("approve", "hide", "escalate")
#: The reasons a mention is flagged, in queue order (worst first).
TOXIC_REASONS: Final[tuple[str, ...]] = ("hate", "offensive")
SPAM_REASONS: Final[tuple[str, ...]] = (
    "fake_review",
    "seeding",
    "ad",
    "giveaway",
    "junk",
    "brand_only",
)
#: Reason filters: a toxicity label, a spam kind, or any spam.
REASONS: Final[tuple[str, ...]] = (*TOXIC_REASONS, "spam", *SPAM_REASONS)
NOTE_MAX: Final[int] = 1000
TEXT_MAX: Final[int] = 2000  # characters of a mention shown in the queue

FLAGGED_SQL: Final[str] = (
    "(m.toxicity IN ('OFFENSIVE', 'HATE') OR (m.spam IS NOT NULL AND m.spam <> 'none'))"
)
_REASON_SQL: Final[str] = (
    "CASE WHEN m.toxicity = 'HATE' THEN 'hate' WHEN m.toxicity = 'OFFENSIVE' THEN 'offensive' "
    "ELSE m.spam END"
)
_RANK_SQL: Final[str] = (
    "CASE WHEN m.toxicity = 'HATE' THEN 0 WHEN m.toxicity = 'OFFENSIVE' THEN 1 ELSE 2 END"
)


class ModerationError(ValueError):
    """A bad decision or note."""


class MentionNotFound(LookupError):
    """No such mention in this workspace."""


@dataclass(frozen=True, slots=True)
class QueueFilter:
    reason: str | None = None
    platform: str | None = None
    topic: str | None = None
    decision: str | None = None  # the decided list only

    def __post_init__(self) -> None:
        if self.reason is not None and self.reason not in REASONS:
            raise ValueError(f"reason must be one of {', '.join(REASONS)}")
        if self.decision is not None and self.decision not in DECISIONS:
            raise ValueError(f"decision must be one of {', '.join(DECISIONS)}")


@dataclass(frozen=True, slots=True)
class Item:
    """A flagged (or decided) mention as the queue shows it."""

    platform: str
    source_id: str
    url: str | None
    author: str | None
    text: str
    created_at: datetime | None
    toxicity: str | None
    spam: str | None
    topics: tuple[str, ...]
    reason: str  # hate, offensive or the spam kind
    decision: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None

    @property
    def reasons(self) -> list[str]:
        """Every reason it is flagged: the toxicity label and the spam kind."""
        out = []
        if self.toxicity in ("HATE", "OFFENSIVE"):
            out.append(self.toxicity.lower())
        if self.spam and self.spam != "none":
            out.append(self.spam)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "source_id": self.source_id,
            "url": self.url,
            "author": self.author,
            "text": self.text,
            "created_at": self.created_at,
            "toxicity": self.toxicity,
            "spam": self.spam,
            "topics": list(self.topics),
            "reason": self.reason,
            "reasons": self.reasons,
            "decision": self.decision,
            "decided_by": self.decided_by,
            "decided_at": self.decided_at,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class QueuePage:
    items: list[Item] = field(default_factory=list)
    next_cursor: str | None = None


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


_COLS: Final[str] = (
    "m.platform, m.source_id, m.url, m.author_name, coalesce(m.text, m.title, ''), "
    "m.created_at, m.toxicity, m.spam, m.topics, " + _REASON_SQL + " AS reason, "
    "d.decision, d.decided_by, d.decided_at, d.note"
)


def _item(r: Sequence[Any]) -> Item:
    text = str(r[4])
    return Item(
        platform=str(r[0]),
        source_id=str(r[1]),
        url=r[2],
        author=r[3],
        text=text if len(text) <= TEXT_MAX else text[: TEXT_MAX - 1] + "…",
        created_at=_aware(r[5]),
        toxicity=r[6],
        spam=r[7],
        topics=tuple(r[8] or ()),
        reason=str(r[9]),
        decision=r[10],
        decided_by=r[11],
        decided_at=_aware(r[12]),
        note=r[13],
    )


def _where(f: QueueFilter, decided: bool) -> tuple[list[str], list[Any]]:
    where = [FLAGGED_SQL if not decided else "TRUE"]
    where.append("d.decision IS NOT NULL" if decided else "d.decision IS NULL")
    params: list[Any] = []
    if f.reason in ("hate", "offensive"):
        where.append("m.toxicity = ?")
        params.append(f.reason.upper())
    elif f.reason == "spam":
        where.append("m.spam IS NOT NULL AND m.spam <> 'none'")
    elif f.reason is not None:
        where.append("m.spam = ?")
        params.append(f.reason)
    if f.platform is not None:
        where.append("m.platform = ?")
        params.append(f.platform)
    if f.topic is not None:
        where.append("list_contains(m.topics, ?)")
        params.append(f.topic)
    if decided and f.decision is not None:
        where.append("d.decision = ?")
        params.append(f.decision)
    return where, params


_AFTER: Final[str] = "(platform > ? OR (platform = ? AND source_id > ?))"
_FROM: Final[str] = (
    "FROM mentions m LEFT JOIN moderation d ON d.workspace = m.workspace "
    "AND d.platform = m.platform AND d.source_id = m.source_id WHERE m.workspace = ?"
)


def queue(
    store: Store,
    workspace: str,
    filters: QueueFilter | None = None,
    *,
    limit: int = 50,
    cursor: str | None = None,
) -> QueuePage:
    """Flagged mentions without a decision: hate first, then offensive, then spam; the
    newest first within each."""
    f = filters or QueueFilter()
    where, params = _where(f, decided=False)
    sql = (
        f"SELECT {_COLS}, {_RANK_SQL} AS rank, epoch_us(m.created_at) AS us {_FROM} AND "
        + " AND ".join(where)
    )
    args: list[Any] = [workspace, *params]
    if cursor:
        rank, us, platform, source_id = decode_cursor(cursor, (int, int, str, str))
        sql = f"SELECT * FROM ({sql}) q WHERE (rank > ? OR (rank = ? AND us < ?) OR "
        sql += "(rank = ? AND us = ? AND " + _AFTER + "))"
        args += [rank, rank, us, rank, us, platform, platform, source_id]
        sql += " ORDER BY rank, us DESC, platform, source_id LIMIT ?"
    else:
        sql += " ORDER BY rank, us DESC, m.platform, m.source_id LIMIT ?"
    args.append(limit + 1)
    rows = store.fetch_all(sql, args)
    items = [_item(r) for r in rows[:limit]]
    nxt = None
    if len(rows) > limit:
        last = rows[limit - 1]
        nxt = encode_cursor([int(last[14]), int(last[15]), str(last[0]), str(last[1])])
    return QueuePage(items, nxt)


def decided(
    store: Store,
    workspace: str,
    filters: QueueFilter | None = None,
    *,
    limit: int = 50,
    cursor: str | None = None,
) -> QueuePage:
    """Mentions with a decision, the latest decision first."""
    f = filters or QueueFilter()
    where, params = _where(f, decided=True)
    sql = f"SELECT {_COLS}, epoch_us(d.decided_at) AS us {_FROM} AND " + " AND ".join(where)
    args: list[Any] = [workspace, *params]
    if cursor:
        us, platform, source_id = decode_cursor(cursor, (int, str, str))
        sql = f"SELECT * FROM ({sql}) q WHERE (us < ? OR (us = ? AND {_AFTER}))"
        args += [us, us, platform, platform, source_id]
        sql += " ORDER BY us DESC, platform, source_id LIMIT ?"
    else:
        sql += " ORDER BY us DESC, m.platform, m.source_id LIMIT ?"
    args.append(limit + 1)
    rows = store.fetch_all(sql, args)
    items = [_item(r) for r in rows[:limit]]
    nxt = None
    if len(rows) > limit:
        last = rows[limit - 1]
        nxt = encode_cursor([int(last[14]), str(last[0]), str(last[1])])
    return QueuePage(items, nxt)


def counts(store: Store, workspace: str, filters: QueueFilter | None = None) -> dict[str, int]:
    """Mentions waiting in the queue per reason (a mention both toxic and spam counts
    under its toxicity), plus ``total`` and ``decided``; the platform and topic filters
    apply, the reason filter does not."""
    f = filters or QueueFilter()
    scope = QueueFilter(platform=f.platform, topic=f.topic)
    where, params = _where(scope, decided=False)
    rows = store.fetch_all(
        f"SELECT {_REASON_SQL} AS reason, count(*) {_FROM} AND "
        + " AND ".join(where)
        + " GROUP BY reason",
        [workspace, *params],
    )
    out = {r: 0 for r in (*TOXIC_REASONS, *SPAM_REASONS)}
    for reason, n in rows:
        out[str(reason)] = int(n)
    out["total"] = sum(out.values())
    where_d, params_d = _where(scope, decided=True)
    row = _first(store.fetch_all(f"SELECT count(*) {_FROM} AND " + " AND ".join(where_d),
                                 [workspace, *params_d]))  # fmt: skip
    out["decided"] = int(row[0]) if row else 0
    return out


def get_item(store: Store, workspace: str, platform: str, source_id: str) -> Item:
    row = _first(
        store.fetch_all(
            f"SELECT {_COLS} {_FROM} AND m.platform = ? AND m.source_id = ?",
            [workspace, platform, source_id],
        )
    )
    if row is None:
        raise MentionNotFound(f"no mention {platform}/{source_id}")
    return _item(row)


Action = Literal["approve", "hide", "escalate", "undo"]


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of a mention's moderation history."""

    at: datetime
    actor: str | None
    action: Action
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at, "actor": self.actor, "action": self.action, "note": self.note}


def _log_event(
    store: Store,
    workspace: str,
    platform: str,
    source_id: str,
    action: Action,
    actor: str | None,
    note: str | None,
    at: datetime,
) -> None:
    store.execute(
        "INSERT INTO moderation_events (workspace, platform, source_id, acted_at, actor, "
        "action, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [workspace, platform, source_id, at, actor, action, note],
    )


def history(store: Store, workspace: str, platform: str, source_id: str) -> list[Event]:
    """Every decision and undo on a mention of ``workspace``, newest first (the
    insertion order breaks ties of equal times)."""
    return histories(store, workspace, [(platform, source_id)]).get((platform, source_id), [])


def histories(
    store: Store, workspace: str, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], list[Event]]:
    """:func:`history` of several mentions (a page of the queue) in one query."""
    out: dict[tuple[str, str], list[Event]] = {}
    keys = list(dict.fromkeys(keys))
    for start in range(0, len(keys), 200):
        chunk = keys[start : start + 200]
        match = " OR ".join(["(platform = ? AND source_id = ?)"] * len(chunk))
        rows = store.fetch_all(
            "SELECT platform, source_id, acted_at, actor, action, note FROM moderation_events "
            f"WHERE workspace = ? AND ({match}) ORDER BY acted_at DESC, seq DESC",
            [workspace, *(v for key in chunk for v in key)],
        )
        for r in rows:
            out.setdefault((r[0], r[1]), []).append(Event(_aware(r[2]) or r[2], r[3], r[4], r[5]))
    return out


def decide(
    store: Store,
    workspace: str,
    platform: str,
    source_id: str,
    decision: str,
    user: str,
    note: str | None = None,
    *,
    now: datetime | None = None,
) -> Item:
    """Record (or replace) the decision on a mention of ``workspace``."""
    if decision not in DECISIONS:
        raise ModerationError(f"decision must be one of {', '.join(DECISIONS)}")
    text = (note or "").strip() or None
    if text is not None and len(text) > NOTE_MAX:
        raise ModerationError(f"the note is longer than {NOTE_MAX} characters")
    at = now or datetime.now(UTC)
    with store.transaction():
        if not store.fetch_all(
            "SELECT 1 FROM mentions WHERE workspace = ? AND platform = ? AND source_id = ?",
            [workspace, platform, source_id],
        ):
            raise MentionNotFound(f"no mention {platform}/{source_id}")
        store.execute(
            "DELETE FROM moderation WHERE workspace = ? AND platform = ? AND source_id = ?",
            [workspace, platform, source_id],
        )
        store.execute(
            "INSERT INTO moderation (workspace, platform, source_id, decision, decided_by, "
            "note, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [workspace, platform, source_id, decision, user, text, at],
        )
        action = cast(Action, decision)
        _log_event(store, workspace, platform, source_id, action, user, text, at)
    return get_item(store, workspace, platform, source_id)


def undo(
    store: Store,
    workspace: str,
    platform: str,
    source_id: str,
    user: str | None = None,
    *,
    now: datetime | None = None,
) -> bool:
    """Remove the decision on a mention (a flagged one returns to the queue); the undo
    is kept in the history, by ``user``."""
    with store.transaction():
        found = bool(
            store.fetch_all(
                "SELECT 1 FROM moderation WHERE workspace = ? AND platform = ? AND source_id = ?",
                [workspace, platform, source_id],
            )
        )
        store.execute(
            "DELETE FROM moderation WHERE workspace = ? AND platform = ? AND source_id = ?",
            [workspace, platform, source_id],
        )
        if found:
            at = now or datetime.now(UTC)
            _log_event(store, workspace, platform, source_id, "undo", user, None, at)
    return found


def platforms(store: Store, workspace: str) -> list[str]:
    """Platforms with flagged mentions (for the filter)."""
    rows = store.fetch_all(
        f"SELECT DISTINCT m.platform FROM mentions m WHERE m.workspace = ? AND {FLAGGED_SQL} "
        "ORDER BY 1",
        [workspace],
    )
    return [str(r[0]) for r in rows]


# --- evidence ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a mention was flagged: offending spans (start, end) and a spam rule's reason."""

    spans: tuple[tuple[int, int], ...] = ()
    spam_reason: str | None = None


def evidence(item: Item) -> Evidence:
    """The offending words (toxic mentions) and the spam rule that matched, recomputed
    from the text; empty when nothing explains the stored label (a model decided)."""
    spans: tuple[tuple[int, int], ...] = ()
    if item.toxicity in ("HATE", "OFFENSIVE"):
        from tinhieu.nlp.toxic_spans import toxic_spans

        spans = tuple((s, e) for s, e, _ in toxic_spans(item.text))
    reason = None
    if item.spam and item.spam != "none":
        from tinhieu.nlp.spam_rules import spam_rules

        hit = spam_rules(item.text)
        if hit is not None and hit.kind == item.spam:
            reason = hit.reason
    return Evidence(spans, reason)
