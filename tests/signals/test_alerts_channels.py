"""The channels against real local servers: aiosmtpd for e-mail, loopback HTTP servers
answering as Slack, Telegram and a webhook receiver that checks the HMAC."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import ssl
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.signals.test_alerts_servers import (
    HOSTILE,
    WS,
    FakeService,
    SmtpSink,
    free_port,
    make_signal,
    slack_answer,
    smtp_server,
    telegram_answer,
    webhook_answer,
)
from tinhieu.signals.alerts import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    AlertRule,
    DeliveryError,
    EmailChannel,
    SlackChannel,
    TelegramChannel,
    WebhookChannel,
    make_rule,
    render,
    sign,
    verify_signature,
)
from tinhieu.signals.alerts.render import Message

SECRET = b"whsec-test-1"


def _message(rule: AlertRule, delivery_id: int | None = 7) -> Message:
    return render(make_signal(), rule, timezone="Asia/Ho_Chi_Minh", delivery_id=delivery_id)


# --- e-mail ----------------------------------------------------------------------------
def _mail_rule(port: int, **target: Any) -> AlertRule:
    return make_rule(
        WS,
        "mail",
        channel="email",
        target={
            "to": ["an@example.vn", "binh@example.vn"],
            "from": "alerts@tinhieu.vn",
            "host": "127.0.0.1",
            "port": port,
            "security": "none",
            "timeout": 5,
            **target,
        },
    )


def test_email_is_multipart_text_and_escaped_html() -> None:
    sink = SmtpSink()
    with smtp_server(sink) as port:
        rule = _mail_rule(port)
        detail = EmailChannel().send(rule.target, _message(rule), {})
    assert "accepted 2 recipient(s)" in detail
    assert len(sink.messages) == 1
    sender, rcpts, msg = sink.messages[0]
    assert sender == "alerts@tinhieu.vn"
    assert rcpts == ["an@example.vn", "binh@example.vn"]
    assert msg["Subject"] == "[Mức 6/10] Tỷ lệ tiêu cực tăng · Trà Mây"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg.get_content_type() == "multipart/alternative"
    text_part = msg.get_body(("plain",))
    html_part = msg.get_body(("html",))
    assert text_part is not None and html_part is not None
    text, html = text_part.get_content(), html_part.get_content()
    assert HOSTILE in text  # plain text shows it as written
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "Quan sát" in html and "Vì sao bạn nhận cảnh báo này" in html


def test_email_logs_in_with_credentials_from_the_environment() -> None:
    sink = SmtpSink()
    kwargs = {"authenticator": sink.authenticate, "auth_require_tls": False}
    with smtp_server(sink, **kwargs) as port:
        rule = _mail_rule(port, username_env="SMTP_USER", password_env="SMTP_PASS")
        env = {"SMTP_USER": "alerts", "SMTP_PASS": "s3cret"}
        EmailChannel().send(rule.target, _message(rule), env)
        assert sink.logins == [("alerts", "s3cret")] and len(sink.messages) == 1
        with pytest.raises(DeliveryError) as info:
            EmailChannel().send(rule.target, _message(rule), {**env, "SMTP_PASS": "wrong"})
        assert info.value.permanent and "login refused" in str(info.value)
        assert "wrong" not in str(info.value)
        with pytest.raises(DeliveryError) as missing:
            EmailChannel().send(rule.target, _message(rule), {"SMTP_USER": "alerts"})
        assert missing.value.permanent and "SMTP_PASS" in str(missing.value)


@pytest.mark.parametrize(
    ("reply", "permanent"), [("451 4.3.0 try later", False), ("550 5.1.1 no such user", True)]
)
def test_smtp_refusals_are_classified(reply: str, permanent: bool) -> None:
    sink = SmtpSink(rcpt_reply=reply)
    with smtp_server(sink) as port:
        rule = _mail_rule(port)
        with pytest.raises(DeliveryError) as info:
            EmailChannel().send(rule.target, _message(rule), {})
    assert info.value.permanent is permanent
    assert reply.split()[0] in str(info.value)
    assert sink.messages == []


def test_smtp_server_down_is_retryable() -> None:
    rule = _mail_rule(free_port())
    with pytest.raises(DeliveryError) as info:
        EmailChannel().send(rule.target, _message(rule), {})
    assert not info.value.permanent and "cannot reach SMTP 127.0.0.1" in str(info.value)


def test_email_over_starttls_with_a_private_ca(tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        if os.environ.get("CI") == "true":  # CI installs it (.ci/run): missing is a failure
            pytest.fail("the openssl command is missing")
        pytest.skip("needs the openssl command (apt-get install openssl)")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    sink = SmtpSink()
    kwargs = {
        "tls_context": server_ctx,
        "require_starttls": True,
        "authenticator": sink.authenticate,
    }
    with smtp_server(sink, **kwargs) as port:
        rule = _mail_rule(
            port, security="starttls", ca_file=str(cert), username_env="U", password_env="P"
        )
        EmailChannel().send(rule.target, _message(rule), {"U": "alerts", "P": "s3cret"})
        assert len(sink.messages) == 1 and sink.logins == [("alerts", "s3cret")]
        untrusted = _mail_rule(port, security="starttls")  # the system CAs do not know it
        with pytest.raises(DeliveryError, match=r"TLS with 127\.0\.0\.1"):
            EmailChannel().send(untrusted.target, _message(untrusted), {})
        plain = _mail_rule(port, security="none")  # the server insists on STARTTLS
        with pytest.raises(DeliveryError) as info:
            EmailChannel().send(plain.target, _message(plain), {})
        assert "530" in str(info.value)
    assert len(sink.messages) == 1


# --- webhook ---------------------------------------------------------------------------
def test_signature_verification_recipe() -> None:
    body = b'{"a":"<b>\\"}"}'
    stamp = "1772370000"
    sig = sign(SECRET, stamp, body)
    expected = hmac.new(SECRET, b"1772370000." + body, hashlib.sha256).hexdigest()
    assert sig == "sha256=" + expected
    assert verify_signature(SECRET, stamp, body, sig, now=1772370000 + 299)
    assert not verify_signature(SECRET, stamp, body, sig, now=1772370000 + 301)  # replayed
    assert not verify_signature(SECRET, stamp, body + b" ", sig, now=1772370000)
    assert not verify_signature(b"other", stamp, body, sig, now=1772370000)
    assert not verify_signature(SECRET, "1772370001", body, sig, now=1772370000)
    assert not verify_signature(SECRET, "soon", body, sig, now=1772370000)


def _hook_rule(url: str) -> AlertRule:
    return make_rule(
        WS, "hook", channel="webhook", target={"url": url, "secret_env": "HOOK_SECRET"}
    )


def test_webhook_is_signed_and_verified_by_the_receiver() -> None:
    with FakeService(webhook_answer(SECRET)) as hook:
        rule = _hook_rule(hook.url + "/tinhieu")
        detail = WebhookChannel().send(
            rule.target, _message(rule), {"HOOK_SECRET": SECRET.decode()}
        )
        assert "HTTP 204" in detail
        req = hook.requests[0]
        assert req.path == "/tinhieu"
        assert req.headers[DELIVERY_HEADER] == "7"
        assert req.headers[SIGNATURE_HEADER].startswith("sha256=")
        assert verify_signature(
            SECRET, req.headers[TIMESTAMP_HEADER], req.body, req.headers[SIGNATURE_HEADER]
        )
        body = req.json()
        assert body["signal"]["evidence"]["mentions"][0]["text"].endswith(HOSTILE)
        assert body["delivery_id"] == 7
        # A sender with the wrong secret is turned away, permanently.
        with pytest.raises(DeliveryError) as info:
            WebhookChannel().send(rule.target, _message(rule), {"HOOK_SECRET": "nope"})
        assert info.value.permanent and "HTTP 401" in str(info.value)
        # The receiver refuses a stale timestamp (replay protection).
        old = WebhookChannel(clock=lambda: time.time() - 3600)
        with pytest.raises(DeliveryError, match="HTTP 401"):
            old.send(rule.target, _message(rule), {"HOOK_SECRET": SECRET.decode()})


def test_redirects_are_not_followed() -> None:
    with (
        FakeService(webhook_answer(SECRET)) as elsewhere,
        FakeService(lambda req: (302, "text/plain", b"")) as hook,
    ):
        hook.script.append((302, "text/plain", b""))
        rule = _hook_rule(hook.url)
        with pytest.raises(DeliveryError) as info:
            WebhookChannel().send(rule.target, _message(rule), {"HOOK_SECRET": "x"})
        assert info.value.permanent and "HTTP 302" in str(info.value)
        assert elsewhere.requests == []


# --- Slack -----------------------------------------------------------------------------
def test_slack_incoming_webhook() -> None:
    with FakeService(slack_answer) as slack:
        rule = make_rule(WS, "s", channel="slack", target={"url_env": "SLACK_URL"})
        url = slack.url + "/services/T000/B000/XXXXSECRET"
        detail = SlackChannel().send(rule.target, _message(rule), {"SLACK_URL": url})
        assert detail == "Slack answered HTTP 200: ok"
        body = slack.requests[0].json()
        assert set(body) == {"text", "blocks"}
        assert "&lt;!channel&gt;" in json.dumps(body, ensure_ascii=False)
        slack.script.append((404, "text/html", b"no_service"))
        with pytest.raises(DeliveryError) as gone:
            SlackChannel().send(rule.target, _message(rule), {"SLACK_URL": url})
        assert gone.value.permanent and "no_service" in str(gone.value)
        assert "XXXXSECRET" not in str(gone.value)
        slack.script.append((500, "text/html", b"rollup_error"))
        with pytest.raises(DeliveryError) as down:
            SlackChannel().send(rule.target, _message(rule), {"SLACK_URL": url})
        assert not down.value.permanent


# --- Telegram ----------------------------------------------------------------------------
TOKEN = "123456:ABC-secret-token"


def _tg_rule(base: str, chat: str = "-1001234") -> AlertRule:
    return make_rule(
        WS,
        "tg",
        channel="telegram",
        target={"chat_id": chat, "token_env": "TG_TOKEN", "api_base": base},
    )


def test_telegram_send_message() -> None:
    with FakeService(telegram_answer(TOKEN)) as tg:
        rule = _tg_rule(tg.url)
        detail = TelegramChannel().send(rule.target, _message(rule), {"TG_TOKEN": TOKEN})
        assert detail == "Telegram message_id 1"
        body = tg.requests[0].json()
        assert body["chat_id"] == -1001234 and body["parse_mode"] == "HTML"
        assert "&lt;script&gt;" in body["text"]  # and the stand-in's HTML check passed


def test_telegram_errors_never_show_the_token() -> None:
    with FakeService(telegram_answer(TOKEN)) as tg:
        unknown = _tg_rule(tg.url, chat="-42")
        with pytest.raises(DeliveryError) as info:
            TelegramChannel().send(unknown.target, _message(unknown), {"TG_TOKEN": TOKEN})
        assert info.value.permanent and "chat not found" in str(info.value)
        rule = _tg_rule(tg.url)
        with pytest.raises(DeliveryError) as bad_token:
            TelegramChannel().send(rule.target, _message(rule), {"TG_TOKEN": "999:other"})
        assert bad_token.value.permanent and "Unauthorized" in str(bad_token.value)
        tg.script.append(
            (
                429,
                "application/json",
                json.dumps(
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": "Too Many Requests: retry after 17",
                        "parameters": {"retry_after": 17},
                    }
                ).encode(),
            )
        )
        with pytest.raises(DeliveryError) as busy:
            TelegramChannel().send(rule.target, _message(rule), {"TG_TOKEN": TOKEN})
        assert not busy.value.permanent and busy.value.retry_after == 17
        tg.script.append((502, "text/html", b"<html>Bad Gateway</html>"))
        with pytest.raises(DeliveryError) as gateway:
            TelegramChannel().send(rule.target, _message(rule), {"TG_TOKEN": TOKEN})
        assert not gateway.value.permanent
        for err in (info, bad_token, busy, gateway):
            assert TOKEN not in str(err.value) and "ABC-secret" not in str(err.value)
    down = _tg_rule(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(DeliveryError) as refused:
        TelegramChannel().send(down.target, _message(down), {"TG_TOKEN": TOKEN})
    assert not refused.value.permanent and TOKEN not in str(refused.value)
