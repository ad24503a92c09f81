"""Alert rules: which signals reach whom, through which channel, and when not to disturb.

A rule belongs to a workspace and is stored in ``alert_rules``. Its ``target`` is a JSON
object naming where to send (addresses, a URL, a chat id) and the *names* of the
environment variables that hold secrets (``password_env``, ``secret_env``,
``token_env``, ``url_env``); a secret itself is never stored. The rule's message
language (``lang``) travels in the same object.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any, Final
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from tinhieu.signals.model import SIGNAL_KINDS, Signal
from tinhieu.store.base import Store

CHANNELS: Final[tuple[str, ...]] = ("email", "webhook", "slack", "telegram")
#: A signal this severe is delivered even during the rule's quiet hours.
BREAKTHROUGH_SEVERITY: Final[int] = 9
DEFAULT_COOLDOWN_MINUTES: Final[int] = 60
DEFAULT_TIMEOUT_SECONDS: Final[float] = 10.0
MAX_COOLDOWN_MINUTES: Final[int] = 7 * 24 * 60
ALERT_LANGS: Final[tuple[str, ...]] = ("vi", "en")
TELEGRAM_API: Final[str] = "https://api.telegram.org"

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
_EMAIL = re.compile(r"^[^@\s<>\",;]+@[^@\s<>\",;]+\.[^@\s<>\",;]+$|^[^@\s<>\",;]+@localhost$")
_CHAT_ID = re.compile(r"^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$")
_QUIET = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_SECRET_WORDS = ("password", "passwd", "secret", "token", "api_key", "apikey", "webhook_url")

# Keys each channel's target may hold: (required, optional). ``timeout`` and ``lang``
# are allowed everywhere.
_TARGET_KEYS: Final[dict[str, tuple[frozenset[str], frozenset[str]]]] = {
    "email": (
        frozenset({"to"}),
        frozenset({"from", "host", "port", "security", "username_env", "password_env", "ca_file"}),
    ),
    "webhook": (frozenset({"secret_env"}), frozenset({"url", "url_env"})),
    "slack": (frozenset({"url_env"}), frozenset()),
    "telegram": (frozenset({"chat_id", "token_env"}), frozenset({"api_base"})),
}
_COMMON_KEYS = frozenset({"timeout", "lang"})
_SMTP_SECURITY = ("starttls", "ssl", "none")
_SMTP_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


class AlertError(ValueError):
    """Something about alerts the user can fix; the message is one line."""


class RuleError(AlertError):
    """An invalid alert rule."""


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A daily window (local time of the workspace) when non-urgent alerts wait.

    ``start`` is inclusive and ``end`` exclusive; a window whose end is before its
    start wraps past midnight (``22:00-07:00``).
    """

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        m = _QUIET.match(text)
        if not m:
            raise RuleError(f"quiet hours must look like 22:00-07:00, got {text!r}")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise RuleError(f"quiet hours {text!r}: hours are 00–23 and minutes 00–59")
        start, end = time(h1, m1), time(h2, m2)
        if start == end:
            raise RuleError(f"quiet hours {text!r} start and end at the same time")
        return cls(start, end)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def contains(self, local: time) -> bool:
        local = local.replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def ends_after(self, now: datetime, tz: ZoneInfo) -> datetime | None:
        """When ``now`` falls in the window, the UTC instant the window ends; else None."""
        local = now.astimezone(tz)
        if not self.contains(local.time()):
            return None
        day = local.date()
        if self.start > self.end and local.time().replace(tzinfo=None) >= self.start:
            day += timedelta(days=1)
        return datetime.combine(day, self.end, tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class AlertRule:
    """One alert rule of one workspace."""

    workspace: str
    name: str
    channel: str
    target: Mapping[str, Any] = field(default_factory=dict)
    topic: str | None = None  # None: every topic
    kinds: tuple[str, ...] = ()  # empty: every kind
    min_severity: int = 1
    quiet_hours: QuietHours | None = None
    cooldown_minutes: int = DEFAULT_COOLDOWN_MINUTES
    enabled: bool = True

    @property
    def lang(self) -> str:
        return str(self.target.get("lang") or "vi")

    @property
    def kinds_text(self) -> str:
        return ",".join(self.kinds) if self.kinds else "*"

    def matches(self, signal: Signal) -> bool:
        return (
            self.enabled
            and signal.workspace == self.workspace
            and (self.topic is None or signal.topic == self.topic)
            and (not self.kinds or signal.kind in self.kinds)
            and signal.severity >= self.min_severity
        )

    def env_names(self) -> list[str]:
        """The environment variables this rule reads its secrets from."""
        return sorted(str(v) for k, v in self.target.items() if k.endswith("_env") and v)

    def to_dict(self) -> dict[str, Any]:
        return {
            "workspace": self.workspace,
            "name": self.name,
            "channel": self.channel,
            "target": dict(self.target),
            "topic": self.topic,
            "kinds": self.kinds_text,
            "min_severity": self.min_severity,
            "quiet_hours": str(self.quiet_hours) if self.quiet_hours else None,
            "cooldown_minutes": self.cooldown_minutes,
            "enabled": self.enabled,
            "lang": self.lang,
        }


def parse_kinds(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """``*`` (or nothing) means every kind; else a comma list of :data:`SIGNAL_KINDS`."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    names = [s.strip() for s in items if s.strip()]
    if not names or names == ["*"]:
        return ()
    if "*" in names:
        raise RuleError("kinds: '*' means every kind and cannot be mixed with names")
    unknown = [n for n in names if n not in SIGNAL_KINDS]
    if unknown:
        raise RuleError(
            f"unknown signal kind(s) {', '.join(unknown)} (choose from: {', '.join(SIGNAL_KINDS)})"
        )
    return tuple(dict.fromkeys(names))


def make_rule(
    workspace: str,
    name: str,
    *,
    channel: str,
    target: Mapping[str, Any],
    topic: str | None = None,
    kinds: str | Sequence[str] | None = "*",
    min_severity: int = 1,
    quiet_hours: str | QuietHours | None = None,
    cooldown_minutes: int = DEFAULT_COOLDOWN_MINUTES,
    lang: str | None = None,
    enabled: bool = True,
) -> AlertRule:
    """A validated rule; raises :class:`RuleError` with a one-line message."""
    name = name.strip()
    if not 1 <= len(name) <= 100 or not name.isprintable():
        raise RuleError("a rule name must be 1–100 printable characters")
    if channel not in CHANNELS:
        raise RuleError(f"unknown channel {channel!r} (choose: {', '.join(CHANNELS)})")
    if topic is not None:
        topic = topic.strip() or None
    if isinstance(min_severity, bool) or not isinstance(min_severity, int):
        raise RuleError("min_severity must be a whole number from 1 to 10")
    if not 1 <= min_severity <= 10:
        raise RuleError(f"min_severity must be from 1 to 10, got {min_severity}")
    if isinstance(cooldown_minutes, bool) or not isinstance(cooldown_minutes, int):
        raise RuleError("cooldown must be a whole number of minutes")
    if not 0 <= cooldown_minutes <= MAX_COOLDOWN_MINUTES:
        raise RuleError(
            f"cooldown must be from 0 to {MAX_COOLDOWN_MINUTES} minutes, got {cooldown_minutes}"
        )
    quiet = QuietHours.parse(quiet_hours) if isinstance(quiet_hours, str) else quiet_hours
    checked = validate_target(channel, target)
    lang = lang or checked.get("lang") or "vi"
    if lang not in ALERT_LANGS:
        raise RuleError(f"lang must be one of {', '.join(ALERT_LANGS)}, got {lang!r}")
    checked["lang"] = lang
    return AlertRule(
        workspace=workspace,
        name=name,
        channel=channel,
        target=checked,
        topic=topic,
        kinds=parse_kinds(kinds),
        min_severity=min_severity,
        quiet_hours=quiet,
        cooldown_minutes=cooldown_minutes,
        enabled=enabled,
    )


def validate_target(channel: str, target: Mapping[str, Any]) -> dict[str, Any]:
    """Check and normalise a channel's target object; never accept a secret in it."""
    if not isinstance(target, Mapping):
        raise RuleError("the target must be a JSON object")
    required, optional = _TARGET_KEYS[channel]
    allowed = required | optional | _COMMON_KEYS
    for key in target:
        low = str(key).lower()
        if key not in allowed and any(w in low for w in _SECRET_WORDS):
            raise RuleError(
                f"target key {key!r}: never store a secret in a rule; put it in an "
                f"environment variable and give that variable's name (e.g. {_env_hint(low)})"
            )
    if channel == "slack" and "url" in target:
        raise RuleError(
            "a Slack webhook URL is a secret: put it in an environment variable and give "
            "its name as url_env"
        )
    unknown = sorted(str(k) for k in target if k not in allowed)
    if unknown:
        raise RuleError(
            f"{channel} target: unknown key(s) {', '.join(unknown)} "
            f"(allowed: {', '.join(sorted(allowed))})"
        )
    missing = sorted(k for k in required if target.get(k) in (None, "", []))
    if missing:
        raise RuleError(f"{channel} target needs {', '.join(missing)}")
    out: dict[str, Any] = {}
    for key, value in target.items():
        if key.endswith("_env"):
            if not isinstance(value, str) or not _ENV_NAME.match(value):
                raise RuleError(f"{key} must name an environment variable, got {value!r}")
            out[key] = value
    if "timeout" in target:
        out["timeout"] = _number(target["timeout"], "timeout", 0.5, 300.0)
    if "lang" in target and target["lang"] is not None:
        out["lang"] = str(target["lang"])
    if channel == "email":
        out.update(_email_target(target))
    elif channel == "webhook":
        if ("url" in target) == ("url_env" in target):
            raise RuleError("webhook target needs exactly one of url or url_env")
        if "url" in target:
            out["url"] = _url(target["url"], "url")
    elif channel == "telegram":
        chat = str(target["chat_id"]).strip()
        if not _CHAT_ID.match(chat):
            raise RuleError(
                f"chat_id must be a numeric chat id or @channelname, got {target['chat_id']!r}"
            )
        out["chat_id"] = chat
        if "api_base" in target:
            out["api_base"] = _url(target["api_base"], "api_base").rstrip("/")
    return out


def _email_target(target: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    to = target["to"]
    addresses = [to] if isinstance(to, str) else to
    if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
        raise RuleError("email 'to' must be an address or a list of addresses")
    addresses = [a.strip() for s in addresses for a in s.split(",") if a.strip()]
    if not 1 <= len(addresses) <= 50:
        raise RuleError("email 'to' needs 1 to 50 addresses")
    for key, values in (("to", addresses), ("from", [target.get("from") or "x@localhost"])):
        for a in values:
            if not isinstance(a, str) or not _EMAIL.match(a):
                raise RuleError(f"email {key}: {a!r} is not an email address")
    out["to"] = list(dict.fromkeys(addresses))
    if target.get("from"):
        out["from"] = str(target["from"]).strip()
    security = str(target.get("security") or "starttls").lower()
    if security not in _SMTP_SECURITY:
        raise RuleError(f"email security must be one of {', '.join(_SMTP_SECURITY)}")
    out["security"] = security
    host = str(target.get("host") or "localhost").strip()
    if not host or any(c.isspace() or c in "/@" for c in host):
        raise RuleError(f"email host {host!r} is not a host name")
    out["host"] = host
    out["port"] = int(_number(target.get("port", _SMTP_PORTS[security]), "port", 1, 65535))
    if ("username_env" in target) != ("password_env" in target):
        raise RuleError("email login needs both username_env and password_env")
    if target.get("ca_file"):
        out["ca_file"] = str(target["ca_file"])
    return out


def _env_hint(key: str) -> str:
    if "token" in key:
        return "token_env=TELEGRAM_BOT_TOKEN"
    if "url" in key:
        return "url_env=SLACK_WEBHOOK_URL"
    if "secret" in key:
        return "secret_env=TINHIEU_WEBHOOK_SECRET"
    return "password_env=SMTP_PASSWORD"


def _number(value: Any, key: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RuleError(f"{key} must be a number, got {value!r}") from None
    if not low <= number <= high:
        raise RuleError(f"{key} must be from {low:g} to {high:g}, got {value!r}")
    return int(number) if number.is_integer() else number


def _url(value: Any, key: str) -> str:
    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RuleError(f"{key} must be an http(s) URL, got {text!r}")
    if parts.username or parts.password:
        raise RuleError(f"{key} must not carry credentials; use an environment variable")
    return text


# --- storage ---------------------------------------------------------------------------
_COLS = (
    "workspace, name, channel, target, topic, kinds, min_severity, quiet_hours, "
    "cooldown_minutes, enabled"
)


def _from_row(row: Sequence[Any]) -> AlertRule:
    ws, name, channel, target, topic, kinds, sev, quiet, cooldown, enabled = row
    return AlertRule(
        workspace=ws,
        name=name,
        channel=channel,
        target=json.loads(target),
        topic=topic,
        kinds=parse_kinds(kinds),
        min_severity=int(sev),
        quiet_hours=QuietHours.parse(quiet) if quiet else None,
        cooldown_minutes=int(cooldown),
        enabled=bool(enabled),
    )


def save_rule(store: Store, rule: AlertRule, *, replace: bool = False) -> None:
    """Store ``rule``; an existing rule of that name is an error unless ``replace``.

    A named topic must exist in the workspace (a typo would otherwise never fire)."""
    if rule.topic is not None:
        topics = {t.name for t in store.get_topics(rule.workspace)}
        if rule.topic not in topics:
            raise RuleError(
                f"no topic named {rule.topic!r} in workspace {rule.workspace!r} "
                "(see: tinhieu topic list)"
            )
    values = [
        rule.channel,
        json.dumps(dict(rule.target), ensure_ascii=False, sort_keys=True),
        rule.topic,
        rule.kinds_text,
        rule.min_severity,
        str(rule.quiet_hours) if rule.quiet_hours else None,
        rule.cooldown_minutes,
        rule.enabled,
    ]
    with store.transaction():
        exists = get_rule(store, rule.workspace, rule.name) is not None
        if exists and not replace:
            raise RuleError(f"a rule named {rule.name!r} exists (use --replace to overwrite)")
        if exists:
            store.execute(
                "UPDATE alert_rules SET channel = ?, target = ?, topic = ?, kinds = ?, "
                "min_severity = ?, quiet_hours = ?, cooldown_minutes = ?, enabled = ? "
                "WHERE workspace = ? AND name = ?",
                [*values, rule.workspace, rule.name],
            )
        else:
            store.execute(
                f"INSERT INTO alert_rules ({_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [rule.workspace, rule.name, *values],
            )


def get_rule(store: Store, workspace: str, name: str) -> AlertRule | None:
    rows = store.fetch_all(
        f"SELECT {_COLS} FROM alert_rules WHERE workspace = ? AND name = ?", [workspace, name]
    )
    return _from_row(rows[0]) if rows else None


def list_rules(store: Store, workspace: str) -> list[AlertRule]:
    rows = store.fetch_all(
        f"SELECT {_COLS} FROM alert_rules WHERE workspace = ? ORDER BY name", [workspace]
    )
    return [_from_row(r) for r in rows]


def remove_rule(store: Store, workspace: str, name: str) -> bool:
    """Delete the rule; its deliveries still waiting to be sent are cancelled (kept in
    the log). Returns whether the rule existed."""
    with store.transaction():
        if get_rule(store, workspace, name) is None:
            return False
        store.execute(
            "UPDATE alert_deliveries SET status = 'cancelled', next_attempt_at = NULL, "
            "last_error = 'rule removed' WHERE workspace = ? AND rule = ? "
            "AND status IN ('pending', 'held')",
            [workspace, name],
        )
        store.execute("DELETE FROM alert_rules WHERE workspace = ? AND name = ?", [workspace, name])
    return True
