"""Loopback servers that answer as Slack, the Telegram Bot API, a webhook receiver and an
SMTP server do (their documented response shapes), shared by the alert tests; and the
tests that these stand-ins are strict where the real services are."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tinhieu.signals.model import Evidence, EvidenceAuthor, EvidenceMention, Signal

WS = "w"
HOSTILE = '<script>alert("x")</script> "} & <!channel> ]]></b>'


def make_signal(**fields: Any) -> Signal:
    """A signal of workspace ``w`` with hostile evidence text."""
    start = fields.pop("bucket_start", datetime(2026, 3, 1, 14, 0, tzinfo=UTC))
    values: dict[str, Any] = {
        "workspace": WS,
        "topic": "Trà Mây",
        "kind": "negative_shift",
        "measure": "negative_share",
        "grain": "hour",
        "bucket_start": start,
        "bucket_end": start + timedelta(hours=1),
        "observed": 0.42,
        "baseline": 0.12,
        "deviation": 5.25,
        "severity": 6,
        "persistence": 2,
        "stage": "outbreak",
        "evidence": Evidence(
            mentions=(
                EvidenceMention(
                    platform="facebook",
                    source_id="p1",
                    url="https://facebook.com/p1",
                    author="Lan",
                    text="giao hàng chậm quá " + HOSTILE,
                ),
                EvidenceMention(
                    platform="tiktok",
                    source_id="p2",
                    url="javascript:alert(1)",
                    author='Minh"}',
                    text="ship lâu\nthật",
                ),
            ),
            authors=(EvidenceAuthor(name="Báo <Mới>", mentions=12, kind="news"),),
            terms=("giao hàng chậm", "<img src=x>"),
        ),
    }
    values.update(fields)
    return Signal(**values)


def free_port() -> int:
    """A loopback port nothing listens on (right now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- HTTP --------------------------------------------------------------------------------
@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


Reply = tuple[int, str, bytes]  # status, content type, body


class FakeService:
    """A ``ThreadingHTTPServer`` on 127.0.0.1. Replies come from ``script`` first (one
    per request, in order), then from ``answer(request)``."""

    def __init__(self, answer: Callable[[Received], Reply], port: int = 0) -> None:
        self.answer = answer
        self.script: deque[Reply] = deque()
        self.requests: list[Received] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                req = Received(
                    "POST", self.path, dict(self.headers.items()), self.rfile.read(length)
                )
                service.requests.append(req)
                status, ctype, body = (
                    service.script.popleft() if service.script else service.answer(req)
                )
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = int(self.server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def __enter__(self) -> FakeService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _json_reply(status: int, value: Any) -> Reply:
    return status, "application/json", json.dumps(value).encode()


def slack_answer(req: Received) -> Reply:
    """Slack's incoming webhook: ``ok`` on success, ``invalid_payload`` otherwise."""
    try:
        body = req.json()
    except ValueError:
        return 400, "text/plain", b"invalid_payload"
    if not isinstance(body.get("text"), str) or not isinstance(body.get("blocks", []), list):
        return 400, "text/plain", b"invalid_payload"
    return 200, "text/html", b"ok"


class _TelegramHTML(HTMLParser):
    """Telegram's HTML mode: a few tags, and every other <, > and & escaped."""

    ALLOWED = frozenset(
        {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.errors: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.ALLOWED:
            self.errors.append(f'Unsupported start tag "{tag}"')
        if tag == "a" and [a for a, _ in attrs] != ["href"]:
            self.errors.append("a tag needs exactly href")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f'Unmatched end tag "{tag}"')

    def handle_data(self, data: str) -> None:
        if any(c in data for c in "<>&"):
            self.errors.append(f"unescaped character in {data[:30]!r}")

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            self.errors.append(f"unsupported entity &{name};")


def telegram_answer(
    token: str, known_chats: tuple[str, ...] = ("-1001234",)
) -> Callable[..., Reply]:
    """The Bot API's ``sendMessage``: ``{"ok": true, "result": Message}`` or ``{"ok":
    false, "error_code": …, "description": …}``."""
    counter = iter(range(1, 1_000_000))

    def answer(req: Received) -> Reply:
        if req.path != f"/bot{token}/sendMessage":
            return _json_reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        body = req.json()
        if str(body.get("chat_id")) not in known_chats:
            return _json_reply(
                400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
            )
        if body.get("parse_mode") == "HTML":
            parser = _TelegramHTML()
            parser.feed(body["text"])
            parser.close()
            if parser.errors or parser.stack:
                desc = "Bad Request: can't parse entities: " + "; ".join(
                    parser.errors or ["unclosed"]
                )
                return _json_reply(400, {"ok": False, "error_code": 400, "description": desc})
        result = {
            "message_id": next(counter),
            "date": int(time.time()),
            "chat": {"id": body["chat_id"], "type": "group", "title": "alerts"},
            "text": body["text"],
        }
        return _json_reply(200, {"ok": True, "result": result})

    return answer


def webhook_answer(secret: bytes, tolerance: int = 300) -> Callable[[Received], Reply]:
    """A receiver that checks the signature the way docs/alerts.md tells receivers to,
    written here independently of tinhieu's own code."""

    def answer(req: Received) -> Reply:
        headers = {k.lower(): v for k, v in req.headers.items()}
        stamp = headers.get("x-tinhieu-timestamp", "")
        given = headers.get("x-tinhieu-signature", "")
        expected = (
            "sha256="
            + hmac.new(secret, stamp.encode() + b"." + req.body, hashlib.sha256).hexdigest()
        )
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > tolerance:
            return 401, "text/plain", b"stale timestamp"
        if not hmac.compare_digest(expected, given):
            return 401, "text/plain", b"bad signature"
        json.loads(req.body)
        return 204, "text/plain", b""

    return answer


# --- SMTP ----------------------------------------------------------------------------------
@dataclass
class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 keeping what it receives; ``rcpt_reply`` /
    ``data_reply`` make it refuse (e.g. ``"451 try later"``)."""

    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    rcpt_reply: str | None = None
    data_reply: str | None = None
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_reply:
            return self.data_reply
        msg = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        assert isinstance(msg, EmailMessage)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            login, password = auth_data.login.decode(), auth_data.password.decode()
            self.logins.append((login, password))
            return AuthResult(success=(login, password) == ("alerts", "s3cret"), handled=False)
        return AuthResult(success=False, handled=False)


@contextmanager
def smtp_server(sink: SmtpSink, **kwargs: Any) -> Iterator[int]:
    controller = Controller(sink, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    try:
        yield int(controller.port)
    finally:
        controller.stop()


# --- the stand-ins are as strict as the services ------------------------------------------
def _post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url, data=body, method="POST", headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_telegram_stand_in_rejects_unescaped_html_and_unknown_chats() -> None:
    with FakeService(telegram_answer("T0K")) as tg:
        url = f"{tg.url}/botT0K/sendMessage"
        bad = json.dumps({"chat_id": -1001234, "text": "<script>x</script>", "parse_mode": "HTML"})
        status, body = _post(url, bad.encode())
        assert status == 400 and "can't parse entities" in json.loads(body)["description"]
        amp = json.dumps({"chat_id": -1001234, "text": "a & b", "parse_mode": "HTML"})
        assert _post(url, amp.encode())[0] == 400
        good = json.dumps({"chat_id": -1001234, "text": "<b>a &amp; b</b>", "parse_mode": "HTML"})
        status, body = _post(url, good.encode())
        assert status == 200 and json.loads(body)["ok"] is True
        nochat = json.dumps({"chat_id": 5, "text": "x"})
        assert json.loads(_post(url, nochat.encode())[1])["description"].endswith("chat not found")
        assert _post(f"{tg.url}/botWRONG/sendMessage", good.encode())[0] == 401


def test_webhook_stand_in_rejects_a_wrong_signature() -> None:
    with FakeService(webhook_answer(b"k")) as hook:
        body = b'{"a":1}'
        stamp = str(int(time.time()))
        good = "sha256=" + hmac.new(b"k", stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        ok_headers = {"X-Tinhieu-Timestamp": stamp, "X-Tinhieu-Signature": good}
        assert _post(hook.url, body, ok_headers)[0] == 204
        assert _post(hook.url, b'{"a":2}', ok_headers)[0] == 401  # body changed
        old = {"X-Tinhieu-Timestamp": str(int(time.time()) - 3600), "X-Tinhieu-Signature": good}
        assert _post(hook.url, body, old)[0] == 401
