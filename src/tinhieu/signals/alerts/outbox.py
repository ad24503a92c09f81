"""The alert outbox: signals become deliveries, deliveries are sent and retried.

``dispatch`` matches signals to the workspace's rules and writes one row per (rule,
signal) to ``alert_deliveries`` in one transaction. ``deliver_due`` sends the rows whose
time has come and writes every try to ``alert_attempts``. Nothing is sent inside a
transaction, and a delivery leaves the outbox only as ``sent``, ``failed`` (kept, and
re-queued by :func:`retry`) or ``cancelled`` (its rule was removed): a channel that is
down loses nothing. Delivery is at least once: a process killed between a send and its
log entry sends that alert again on the next run (webhooks carry the delivery id so a
receiver can drop the repeat).

Statuses: ``pending`` (waiting for ``next_attempt_at``), ``held`` (created in quiet
hours; waits for them to end), ``sent``, ``failed``, ``suppressed`` (a repeat; the row's
``last_error`` says why) and ``cancelled``.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final, cast
from zoneinfo import ZoneInfo

from tinhieu.signals.alerts.channels import Channel, DeliveryError, default_channels
from tinhieu.signals.alerts.render import render
from tinhieu.signals.alerts.rules import (
    BREAKTHROUGH_SEVERITY,
    AlertError,
    AlertRule,
    get_rule,
    list_rules,
)
from tinhieu.signals.model import Evidence, EvidenceAuthor, EvidenceMention, Signal, SignalKind
from tinhieu.store.base import Store

PENDING: Final = "pending"
HELD: Final = "held"
SENT: Final = "sent"
FAILED: Final = "failed"
SUPPRESSED: Final = "suppressed"
CANCELLED: Final = "cancelled"
STATUSES: Final[tuple[str, ...]] = (PENDING, HELD, SENT, FAILED, SUPPRESSED, CANCELLED)
#: A repeat of the same story within the cooldown still goes out when its severity is
#: at least this much above the last alert that went (or is going) out.
ESCALATION_STEP: Final[int] = 2


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter, capped, for a bounded number of attempts.

    After failed attempt ``n`` the next one waits ``d = min(cap, base * 2**(n-1))``
    seconds, less a random part of up to half of it (``d/2 + uniform(0, d/2)``: "equal
    jitter", so alerts that failed together do not retry together, yet never sooner than
    half the step). With the defaults: about 30 s, 1, 2, 4, 8, 16, 32 min, then 1 h, 1 h;
    the 10th failed attempt makes the delivery ``failed``. A service's ``Retry-After``
    (HTTP 429, Telegram's ``retry_after``) is honoured when longer, up to the cap.
    """

    max_attempts: int = 10
    base_seconds: float = 30.0
    cap_seconds: float = 3600.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.base_seconds <= 0 or self.cap_seconds < self.base_seconds:
            raise ValueError("retry policy: max_attempts ≥ 1 and 0 < base ≤ cap")

    def step(self, failures: int) -> float:
        """The un-jittered wait after ``failures`` failed attempts (≥ 1)."""
        return float(
            min(self.cap_seconds, self.base_seconds * 2.0 ** min(max(failures, 1) - 1, 60))
        )

    def delay(self, failures: int, rng: random.Random, retry_after: float | None = None) -> float:
        step = self.step(failures)
        wait = step / 2 + rng.uniform(0, step / 2)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.cap_seconds))
        return wait


DEFAULT_POLICY: Final = RetryPolicy()


@dataclass(slots=True)
class DispatchResult:
    queued: int = 0  # pending, to be sent now
    held: int = 0  # waiting for quiet hours to end
    suppressed: int = 0  # repeats within a cooldown (kept in the log with the reason)
    duplicates: int = 0  # the same signal already recorded for the rule: nothing written
    unmatched: int = 0  # signals no rule wanted
    delivery_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class DeliverResult:
    sent: int = 0
    retried: int = 0  # failed this time, rescheduled
    failed: int = 0  # gave up (attempts used, or a permanent error)
    cancelled: int = 0  # the rule is gone
    deferred: int = 0  # not tried: the same rule's channel just failed in this run
    errors: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.sent + self.retried + self.failed


def utc_now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime | None) -> datetime:
    if value is None:
        return utc_now()
    if value.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return value.astimezone(UTC)


def _payload(signal: Signal) -> str:
    return json.dumps({"version": 1, "signal": signal.to_dict()}, ensure_ascii=False)


def _severity(payload: str) -> int:
    return int(json.loads(payload)["signal"]["severity"])


def _signal(payload: str) -> Signal:
    return Signal.from_dict(json.loads(payload)["signal"])


# --- dispatch ------------------------------------------------------------------------------
def dispatch(
    store: Store, workspace: str, signals: Iterable[Signal], *, now: datetime | None = None
) -> DispatchResult:
    """Queue ``signals`` for every enabled rule of ``workspace`` they match, in one
    transaction, and return what happened to them.

    Per (rule, signal):

    * **duplicate** — the rule already has a row for this signal id (the same bucket
      detected again) and the severity has not risen by :data:`ESCALATION_STEP`: nothing
      is written, so dispatching twice is harmless;
    * **suppressed** — the rule's last alert for the same ``signal.key`` that was sent or
      is waiting to be sent is within the cooldown (counted from when it was sent, or is
      due) and the severity has not risen by :data:`ESCALATION_STEP` since it: a row
      with status ``suppressed`` and the reason;
    * **held** — created during the rule's quiet hours (workspace time zone) with a
      severity below :data:`BREAKTHROUGH_SEVERITY`: due when the quiet hours end;
    * otherwise **pending**, due now.
    """
    at = _utc(now)
    result = DispatchResult()
    rules = [r for r in list_rules(store, workspace) if r.enabled]
    tz = ZoneInfo(store.workspace_timezone(workspace))
    with store.transaction():
        row = store.fetch_all("SELECT coalesce(max(id), 0) FROM alert_deliveries")
        next_id = int(row[0][0]) + 1
        for signal in signals:
            if signal.workspace != workspace:
                raise AlertError(
                    f"signal {signal.id} belongs to workspace {signal.workspace!r}, "
                    f"not {workspace!r}"
                )
            matched = [r for r in rules if r.matches(signal)]
            if not matched:
                result.unmatched += 1
            for rule in matched:
                if _is_duplicate(store, rule, signal):
                    result.duplicates += 1
                    continue
                status, due, note = _decide(store, rule, signal, at, tz)
                store.execute(
                    "INSERT INTO alert_deliveries (id, workspace, rule, channel, signal_id, "
                    "signal_key, payload, status, attempts, next_attempt_at, last_error, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
                    [
                        next_id,
                        workspace,
                        rule.name,
                        rule.channel,
                        signal.id,
                        signal.key,
                        _payload(signal),
                        status,
                        due,
                        note,
                        at,
                    ],
                )
                result.delivery_ids.append(next_id)
                next_id += 1
                if status == SUPPRESSED:
                    result.suppressed += 1
                elif status == HELD:
                    result.held += 1
                else:
                    result.queued += 1
    return result


def _is_duplicate(store: Store, rule: AlertRule, signal: Signal) -> bool:
    rows = store.fetch_all(
        "SELECT payload FROM alert_deliveries WHERE workspace = ? AND rule = ? AND signal_id = ?",
        [rule.workspace, rule.name, signal.id],
    )
    if not rows:
        return False
    highest = max(_severity(r[0]) for r in rows)
    return signal.severity < highest + ESCALATION_STEP


def _decide(
    store: Store, rule: AlertRule, signal: Signal, at: datetime, tz: ZoneInfo
) -> tuple[str, datetime | None, str | None]:
    if rule.cooldown_minutes > 0:
        rows = store.fetch_all(
            "SELECT id, payload, coalesce(sent_at, next_attempt_at, created_at) AS t "
            "FROM alert_deliveries WHERE workspace = ? AND rule = ? AND signal_key = ? "
            "AND status IN ('pending', 'held', 'sent') ORDER BY t DESC, id DESC LIMIT 1",
            [rule.workspace, rule.name, signal.key],
        )
        if rows:
            last_id, payload, last_at = rows[0]
            last_severity = _severity(payload)
            until = _utc(last_at) + timedelta(minutes=rule.cooldown_minutes)
            if at < until and signal.severity < last_severity + ESCALATION_STEP:
                return (
                    SUPPRESSED,
                    None,
                    f"repeat of delivery {last_id} within the {rule.cooldown_minutes}-minute "
                    f"cooldown (until {until:%Y-%m-%d %H:%M} UTC); severity {signal.severity}, "
                    f"was {last_severity}",
                )
    if rule.quiet_hours and signal.severity < BREAKTHROUGH_SEVERITY:
        ends = rule.quiet_hours.ends_after(at, tz)
        if ends is not None:
            return (
                HELD,
                ends,
                f"held for quiet hours {rule.quiet_hours} ({tz.key}) until "
                f"{ends.astimezone(tz):%Y-%m-%d %H:%M}",
            )
    return PENDING, at, None


# --- delivery ------------------------------------------------------------------------------
def deliver_due(
    store: Store,
    *,
    now: datetime | Callable[[], datetime] | None = None,
    workspace: str | None = None,
    policy: RetryPolicy = DEFAULT_POLICY,
    channels: Mapping[str, Channel] | None = None,
    env: Mapping[str, str] | None = None,
    rng: random.Random | None = None,
    limit: int = 500,
) -> DeliverResult:
    """Send every ``pending``/``held`` delivery whose ``next_attempt_at`` has come.

    ``now`` is a fixed time, a clock, or None (the system clock, read per attempt).
    Each try is written to ``alert_attempts``; a failure is rescheduled with
    ``policy``'s backoff, and becomes ``failed`` when the attempts are used up or the
    error is permanent. ``channels`` and ``env`` replace the real ones (tests).
    """
    clock: Callable[[], datetime]
    if callable(now):
        clock = now
    else:
        fixed = now
        clock = (lambda: _utc(fixed)) if fixed is not None else utc_now
    channels = channels if channels is not None else default_channels()
    env = env if env is not None else os.environ
    rng = rng or random.Random()  # noqa: S311 (jitter, not cryptography)
    sql = (
        "SELECT id, workspace, rule, payload, attempts FROM alert_deliveries "
        "WHERE status IN ('pending', 'held') AND next_attempt_at <= ?"
    )
    params: list[Any] = [_utc(clock())]
    if workspace is not None:
        sql += " AND workspace = ?"
        params.append(workspace)
    sql += " ORDER BY next_attempt_at, id LIMIT ?"
    params.append(limit)
    result = DeliverResult()
    rules: dict[tuple[str, str], AlertRule | None] = {}
    zones: dict[str, str] = {}
    down: set[tuple[str, str]] = set()
    for delivery_id, ws, rule_name, payload, attempts in store.fetch_all(sql, params):
        if (ws, rule_name) in down:
            # One timeout per rule and run is enough: the rest stay due for the next run.
            result.deferred += 1
            continue
        if (ws, rule_name) not in rules:
            rules[(ws, rule_name)] = get_rule(store, ws, rule_name)
        rule = rules[(ws, rule_name)]
        if rule is None:
            store.execute(
                "UPDATE alert_deliveries SET status = 'cancelled', next_attempt_at = NULL, "
                "last_error = 'rule removed' WHERE id = ?",
                [delivery_id],
            )
            result.cancelled += 1
            continue
        if ws not in zones:
            zones[ws] = store.workspace_timezone(ws)
        ok, detail, permanent, retry_after = _attempt(
            rule, payload, delivery_id, zones[ws], channels, env
        )
        if not ok and not permanent:
            down.add((ws, rule_name))
        _record(
            store,
            delivery_id,
            int(attempts) + 1,
            _utc(clock()),
            ok,
            detail,
            permanent,
            retry_after,
            policy,
            rng,
            result,
        )
    return result


def _attempt(
    rule: AlertRule,
    payload: str,
    delivery_id: int,
    timezone: str,
    channels: Mapping[str, Channel],
    env: Mapping[str, str],
) -> tuple[bool, str, bool, float | None]:
    try:
        channel = channels[rule.channel]
        message = render(_signal(payload), rule, timezone=timezone, delivery_id=delivery_id)
        return True, channel.send(rule.target, message, env), False, None
    except DeliveryError as exc:
        return False, str(exc), exc.permanent, exc.retry_after
    except Exception as exc:  # a bug must not lose the alert: log it and retry
        return False, f"internal error: {type(exc).__name__}: {exc}", False, None


def _record(
    store: Store,
    delivery_id: int,
    attempts: int,
    at: datetime,
    ok: bool,
    detail: str,
    permanent: bool,
    retry_after: float | None,
    policy: RetryPolicy,
    rng: random.Random,
    result: DeliverResult,
) -> None:
    with store.transaction():
        row = store.fetch_all(
            "SELECT coalesce(max(attempt), 0) + 1 FROM alert_attempts WHERE delivery_id = ?",
            [delivery_id],
        )
        store.execute(
            "INSERT INTO alert_attempts (delivery_id, attempt, attempted_at, ok, detail) "
            "VALUES (?, ?, ?, ?, ?)",
            [delivery_id, int(row[0][0]), at, ok, detail],
        )
        if ok:
            store.execute(
                "UPDATE alert_deliveries SET status = 'sent', attempts = ?, sent_at = ?, "
                "next_attempt_at = NULL, last_error = NULL WHERE id = ?",
                [attempts, at, delivery_id],
            )
            result.sent += 1
        elif permanent or attempts >= policy.max_attempts:
            store.execute(
                "UPDATE alert_deliveries SET status = 'failed', attempts = ?, "
                "next_attempt_at = NULL, last_error = ? WHERE id = ?",
                [attempts, detail, delivery_id],
            )
            result.failed += 1
            result.errors.append(f"{delivery_id}: {detail}")
        else:
            due = at + timedelta(seconds=policy.delay(attempts, rng, retry_after))
            store.execute(
                "UPDATE alert_deliveries SET status = 'pending', attempts = ?, "
                "next_attempt_at = ?, last_error = ? WHERE id = ?",
                [attempts, due, detail, delivery_id],
            )
            result.retried += 1
            result.errors.append(f"{delivery_id}: {detail}")


def retry(
    store: Store,
    workspace: str,
    delivery_id: int | None = None,
    *,
    failed: bool = False,
    now: datetime | None = None,
) -> int:
    """Re-queue one failed delivery (``delivery_id``) or every failed one of the
    workspace (``failed=True``); due at once, with a fresh allowance of attempts (the
    attempt log keeps counting). Returns how many were re-queued."""
    if (delivery_id is None) == (not failed):
        raise AlertError("give one delivery id or --failed")
    at = _utc(now)
    with store.transaction():
        if delivery_id is not None:
            rows = store.fetch_all(
                "SELECT status FROM alert_deliveries WHERE id = ? AND workspace = ?",
                [delivery_id, workspace],
            )
            if not rows:
                raise AlertError(f"no delivery {delivery_id} in workspace {workspace!r}")
            if rows[0][0] != FAILED:
                raise AlertError(
                    f"delivery {delivery_id} is {rows[0][0]}; only failed deliveries are retried"
                )
            ids = [delivery_id]
        else:
            ids = [
                int(r[0])
                for r in store.fetch_all(
                    "SELECT id FROM alert_deliveries WHERE workspace = ? AND status = 'failed' "
                    "ORDER BY id",
                    [workspace],
                )
            ]
        for i in ids:
            store.execute(
                "UPDATE alert_deliveries SET status = 'pending', attempts = 0, "
                "next_attempt_at = ? WHERE id = ?",
                [at, i],
            )
    return len(ids)


# --- the log -------------------------------------------------------------------------------
def delivery_log(
    store: Store,
    workspace: str,
    *,
    limit: int = 50,
    status: str | None = None,
    rule: str | None = None,
) -> list[dict[str, Any]]:
    """The newest deliveries first, each with its attempts (oldest first)."""
    sql = (
        "SELECT id, rule, channel, signal_id, signal_key, payload, status, attempts, "
        "next_attempt_at, last_error, created_at, sent_at FROM alert_deliveries "
        "WHERE workspace = ?"
    )
    params: list[Any] = [workspace]
    if status is not None:
        sql += " AND status = ?"
        params.append(status)
    if rule is not None:
        sql += " AND rule = ?"
        params.append(rule)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit)
    rows = store.fetch_all(sql, params)
    attempts: dict[int, list[dict[str, Any]]] = {int(r[0]): [] for r in rows}
    if attempts:
        marks = ", ".join("?" for _ in attempts)
        for did, n, at, ok, detail in store.fetch_all(
            "SELECT delivery_id, attempt, attempted_at, ok, detail FROM alert_attempts "
            f"WHERE delivery_id IN ({marks}) ORDER BY delivery_id, attempt",
            list(attempts),
        ):
            attempts[int(did)].append(
                {"attempt": int(n), "at": _iso(at), "ok": bool(ok), "detail": detail}
            )
    out = []
    for r in rows:
        signal = json.loads(r[5])["signal"]
        out.append(
            {
                "id": int(r[0]),
                "rule": r[1],
                "channel": r[2],
                "signal_id": r[3],
                "signal_key": r[4],
                "topic": signal.get("topic"),
                "kind": signal.get("kind"),
                "severity": signal.get("severity"),
                "status": r[6],
                "attempts": int(r[7]),
                "next_attempt_at": _iso(r[8]),
                "note": r[9],
                "created_at": _iso(r[10]),
                "sent_at": _iso(r[11]),
                "attempt_log": attempts[int(r[0])],
            }
        )
    return out


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


# --- rule test -------------------------------------------------------------------------------
def sample_signal(
    rule: AlertRule, *, now: datetime | None = None, lang: str | None = None
) -> Signal:
    """A made-up signal that ``rule`` matches, with hostile evidence text (so a test
    message also shows that escaping works end to end)."""
    from tinhieu.i18n import t

    lang = lang or rule.lang
    at = _utc(now).replace(minute=0, second=0, microsecond=0)
    kind = cast(SignalKind, rule.kinds[0] if rule.kinds else "negative_shift")
    return Signal(
        workspace=rule.workspace,
        topic=rule.topic or t("alert.sample.topic", lang),
        kind=kind,
        measure="negative_share",
        grain="hour",
        bucket_start=at - timedelta(hours=1),
        bucket_end=at,
        observed=0.42,
        baseline=0.12,
        deviation=5.3,
        severity=max(rule.min_severity, 7),
        persistence=2,
        evidence=Evidence(
            mentions=(
                EvidenceMention(
                    platform="facebook",
                    source_id="sample-1",
                    url="https://example.com/post/1",
                    author="Lan <Hà Nội>",
                    text=t("alert.sample.text", lang),
                    interactions=120,
                    sentiment="negative",
                ),
            ),
            authors=(EvidenceAuthor(name="Lan <Hà Nội>", mentions=3),),
            terms=("giao hàng chậm", "chờ 2 tiếng"),
        ),
        stage="smouldering",
    )


def send_test(
    store: Store,
    rule: AlertRule,
    *,
    channels: Mapping[str, Channel] | None = None,
    env: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> str:
    """Send a sample alert through ``rule``'s channel now, outside the outbox; return
    the receiver's answer or raise :class:`DeliveryError`."""
    channels = channels if channels is not None else default_channels()
    message = render(
        sample_signal(rule, now=now),
        rule,
        timezone=store.workspace_timezone(rule.workspace),
        test=True,
    )
    return channels[rule.channel].send(rule.target, message, env if env is not None else os.environ)
