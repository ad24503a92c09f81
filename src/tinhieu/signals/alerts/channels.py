"""The channels an alert can travel through: e-mail, signed webhooks, Slack, Telegram.

Each channel's ``send`` either returns a one-line detail of what the other side
accepted or raises :class:`DeliveryError`, saying whether trying again can help
(``permanent``) and, when the service asked, after how long (``retry_after``).
Secrets (passwords, tokens, webhook secrets, Slack URLs) are read from the environment
variables the rule names, at send time; they never appear in a detail or an error.

HTTP goes through the standard library (``urllib.request``): every channel makes one
POST with a JSON body, with a timeout, certificate checks on by default and redirects
*not* followed (a redirect would send a signed body, or a URL holding a token, somewhere
the rule never named). A third-party client would add a dependency tree for no feature
used here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from http.client import HTTPException
from typing import Any, Final, Protocol
from urllib.parse import urlsplit

from tinhieu import __version__
from tinhieu.signals.alerts.render import Message
from tinhieu.signals.alerts.rules import DEFAULT_TIMEOUT_SECONDS, TELEGRAM_API

SIGNATURE_HEADER: Final[str] = "X-Tinhieu-Signature"
TIMESTAMP_HEADER: Final[str] = "X-Tinhieu-Timestamp"
DELIVERY_HEADER: Final[str] = "X-Tinhieu-Delivery"
#: How old a webhook timestamp a receiver should accept (replay protection).
SIGNATURE_TOLERANCE_SECONDS: Final[int] = 300
DEFAULT_SENDER: Final[str] = "tinhieu@localhost"
_MAX_BODY = 64 * 1024


class DeliveryError(Exception):
    """A send that did not go through.

    ``permanent``: the same request will fail again (a bad address, a revoked token, a
    missing environment variable); retrying is left to a person (``tinhieu alert
    retry``). ``retry_after``: seconds the service asked us to wait.
    """

    def __init__(
        self, message: str, *, permanent: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


class Channel(Protocol):
    def send(self, target: Mapping[str, Any], message: Message, env: Mapping[str, str]) -> str:
        """Send ``message``; return what the receiver said, or raise DeliveryError."""
        ...


# --- webhook signatures --------------------------------------------------------------------
def sign(secret: str | bytes, timestamp: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` + HMAC-SHA256(secret, timestamp + "." + body)."""
    key = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(key, timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(
    secret: str | bytes,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    now: float | None = None,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does: the signature matches (in constant time) and the timestamp
    is within ``tolerance`` seconds of ``now``."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature.strip())


# --- shared helpers ------------------------------------------------------------------------
def env_secret(target: Mapping[str, Any], key: str, env: Mapping[str, str]) -> str:
    """The value of the environment variable named by ``target[key]``."""
    name = target.get(key)
    if not name:
        raise DeliveryError(f"the rule's target has no {key}", permanent=True)
    value = env.get(str(name))
    if not value:
        raise DeliveryError(f"environment variable {name} ({key}) is not set", permanent=True)
    return value


def _timeout(target: Mapping[str, Any]) -> float:
    return float(target.get("timeout") or DEFAULT_TIMEOUT_SECONDS)


def _where(url: str) -> str:
    """Scheme, host and port only: paths can hold tokens (Telegram, Slack)."""
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "the configured URL"
    return f"{parts.scheme}://{parts.hostname}{port}"


def _snippet(body: bytes, limit: int = 200) -> str:
    text = " ".join(body.decode("utf-8", errors="replace").split())
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    body: bytes
    headers: Mapping[str, str]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx then surfaces as an HTTPError


_OPENER = urllib.request.build_opener(_NoRedirect)


def post_json(
    url: str, body: bytes, *, headers: Mapping[str, str] | None = None, timeout: float
) -> HttpResponse:
    """POST ``body`` (JSON) to ``url``; any HTTP status is returned, network failures
    raise a retryable :class:`DeliveryError` naming only the host."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryError(f"not an http(s) URL: {_where(url)}", permanent=True)
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"tinhieu/{__version__}",
            **(headers or {}),
        },
    )
    try:
        with _OPENER.open(request, timeout=timeout) as resp:
            return HttpResponse(resp.status, resp.read(_MAX_BODY), dict(resp.headers))
    except urllib.error.HTTPError as exc:
        try:
            data = exc.read(_MAX_BODY)
        except (OSError, HTTPException):
            data = b""
        return HttpResponse(exc.code, data, dict(exc.headers or {}))
    except urllib.error.URLError as exc:
        raise DeliveryError(f"cannot reach {_where(url)}: {exc.reason}") from None
    except (TimeoutError, OSError, HTTPException) as exc:
        reason = str(exc) or type(exc).__name__
        raise DeliveryError(f"cannot reach {_where(url)}: {reason}") from None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    for key, value in headers.items():
        if key.lower() == "retry-after":
            try:
                return max(0.0, float(value))
            except ValueError:
                return None
    return None


def _transient(status: int) -> bool:
    return status in (408, 425, 429) or status >= 500


def _check(resp: HttpResponse, service: str) -> None:
    if 200 <= resp.status < 300:
        return
    raise DeliveryError(
        f"{service} answered HTTP {resp.status}: {_snippet(resp.body) or '(empty)'}",
        permanent=not _transient(resp.status),
        retry_after=_retry_after(resp.headers),
    )


def _json(message: Mapping[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- channels ------------------------------------------------------------------------------
class WebhookChannel:
    """A JSON POST signed with HMAC-SHA256 over ``timestamp + "." + body``.

    Headers: ``X-Tinhieu-Timestamp`` (Unix seconds), ``X-Tinhieu-Signature``
    (``sha256=<hex>``) and ``X-Tinhieu-Delivery`` (the delivery id: delivery is at least
    once, so a receiver can drop a repeat)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock

    def send(self, target: Mapping[str, Any], message: Message, env: Mapping[str, str]) -> str:
        url = str(target.get("url") or env_secret(target, "url_env", env))
        secret = env_secret(target, "secret_env", env)
        body = _json(message.data)
        stamp = str(int(self.clock()))
        headers = {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: sign(secret, stamp, body)}
        if message.data.get("delivery_id") is not None:
            headers[DELIVERY_HEADER] = str(message.data["delivery_id"])
        resp = post_json(url, body, headers=headers, timeout=_timeout(target))
        _check(resp, "the webhook")
        return f"{_where(url)} answered HTTP {resp.status}"


class SlackChannel:
    """A Slack incoming webhook (or a compatible one: Mattermost, Rocket.Chat)."""

    def send(self, target: Mapping[str, Any], message: Message, env: Mapping[str, str]) -> str:
        url = env_secret(target, "url_env", env)
        resp = post_json(url, _json(message.slack), timeout=_timeout(target))
        _check(resp, "Slack")
        return f"Slack answered HTTP {resp.status}: {_snippet(resp.body, 40) or '(empty)'}"


class TelegramChannel:
    """The Bot API's ``sendMessage`` in HTML mode; ``api_base`` can point elsewhere
    (a local Bot API server, or a test server)."""

    def send(self, target: Mapping[str, Any], message: Message, env: Mapping[str, str]) -> str:
        token = env_secret(target, "token_env", env)
        base = str(target.get("api_base") or TELEGRAM_API).rstrip("/")
        chat = str(target["chat_id"])
        payload = {
            "chat_id": int(chat) if chat.lstrip("-").isdigit() else chat,
            "text": message.telegram_html,
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
        }
        resp = post_json(f"{base}/bot{token}/sendMessage", _json(payload), timeout=_timeout(target))
        try:
            answer = json.loads(resp.body)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            _check(resp, "Telegram")  # a proxy's error page: judge by the status
            raise DeliveryError(f"Telegram answered HTTP {resp.status} without JSON")
        if answer.get("ok") is True:
            result = answer.get("result") or {}
            return f"Telegram message_id {result.get('message_id')}"
        code = int(answer.get("error_code") or resp.status)
        params = answer.get("parameters") or {}
        retry_after = params.get("retry_after") if isinstance(params, dict) else None
        raise DeliveryError(
            f"Telegram error {code}: {_snippet(str(answer.get('description') or '').encode())}",
            permanent=not _transient(code),
            retry_after=float(retry_after) if isinstance(retry_after, int | float) else None,
        )


class EmailChannel:
    """SMTP with optional STARTTLS or implicit TLS and a login from environment
    variables; a multipart message (plain text and HTML)."""

    def send(self, target: Mapping[str, Any], message: Message, env: Mapping[str, str]) -> str:
        host = str(target.get("host") or "localhost")
        security = str(target.get("security") or "starttls")
        port = int(target.get("port") or {"ssl": 465, "starttls": 587}.get(security, 25))
        recipients = list(target["to"])
        login = None
        if target.get("username_env"):
            login = (
                env_secret(target, "username_env", env),
                env_secret(target, "password_env", env),
            )
        mail = EmailMessage()
        mail["Subject"] = message.subject
        mail["From"] = str(target.get("from") or DEFAULT_SENDER)
        mail["To"] = ", ".join(recipients)
        mail["Date"] = formatdate(usegmt=True)
        mail["Message-ID"] = make_msgid(domain="tinhieu.local")
        mail["Auto-Submitted"] = "auto-generated"
        mail.set_content(message.text)
        mail.add_alternative(message.html, subtype="html")
        context = ssl.create_default_context(cafile=target.get("ca_file") or None)
        timeout = _timeout(target)
        try:
            smtp: smtplib.SMTP
            if security == "ssl":
                smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
            else:
                smtp = smtplib.SMTP(host, port, timeout=timeout)
            with smtp:
                if security == "starttls":
                    smtp.starttls(context=context)
                if login:
                    smtp.login(*login)
                refused = smtp.send_message(mail, to_addrs=recipients)
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                f"SMTP login refused by {host}:{port}: {exc.smtp_code}", permanent=True
            ) from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryError(
                f"SMTP {host}:{port} refused every recipient: "
                + "; ".join(f"{a} {c}" for a, (c, _) in exc.recipients.items()),
                permanent=all(c >= 500 for c in codes),
            ) from None
        except smtplib.SMTPResponseException as exc:
            text = _snippet(
                exc.smtp_error
                if isinstance(exc.smtp_error, bytes)
                else str(exc.smtp_error).encode()
            )
            raise DeliveryError(
                f"SMTP {host}:{port} answered {exc.smtp_code}: {text}",
                permanent=500 <= exc.smtp_code < 600,
            ) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryError(f"SMTP {host}:{port}: {exc}", permanent=True) from None
        except ssl.SSLError as exc:
            raise DeliveryError(f"TLS with {host}:{port} failed: {exc.reason}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(
                f"cannot reach SMTP {host}:{port}: {exc or type(exc).__name__}"
            ) from None
        accepted = len(recipients) - len(refused)
        note = f" (refused: {', '.join(sorted(refused))})" if refused else ""
        return f"SMTP {host}:{port} accepted {accepted} recipient(s){note}"


def default_channels() -> dict[str, Channel]:
    return {
        "email": EmailChannel(),
        "webhook": WebhookChannel(),
        "slack": SlackChannel(),
        "telegram": TelegramChannel(),
    }
