"""The HTTP client policy against a loopback server: retries, Retry-After, caps,
timeouts, typed errors and redaction."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from tests.sources.connectors.servers import FakeServer, Req, Resp
from tinhieu.sources.connectors.base import (
    AuthError,
    ConfigError,
    HttpClient,
    HttpPolicy,
    NetworkError,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    parse_retry_after,
    redact,
    register_secret,
)

FAST = HttpPolicy(
    timeout=2,
    connect_timeout=1,
    attempts=4,
    initial_wait=0.001,
    max_wait=0.01,
    jitter=0.001,
    max_total_wait=30,
)


def ok(req: Req) -> Resp:
    if req.path == "/slow":
        time.sleep(1.0)
    return Resp(200, {"ok": True, "path": req.path})


@pytest.fixture
def server() -> Any:
    with FakeServer(ok) as s:
        yield s


def client(server: FakeServer, **kw: Any) -> tuple[HttpClient, list[float]]:
    waits: list[float] = []
    c = HttpClient(server.url, kw.pop("policy", FAST), sleep=waits.append, **kw)
    return c, waits


def test_parse_retry_after() -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_500_then_success_and_429_retry_after_honoured(server: FakeServer) -> None:
    c, waits = client(server)
    server.inject("/a", Resp(500, "x"), Resp(429, "slow", {"Retry-After": "7"}))
    assert c.get_json("/a") == {"ok": True, "path": "/a"}
    assert c.stats.requests == 3 and c.stats.retries == 2
    assert waits[1] == 7.0 and waits[0] < 0.1  # backoff first, then what the server asked


def test_retry_after_http_date(server: FakeServer) -> None:
    c, waits = client(server)
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    server.inject("/a", Resp(503, "x", {"Retry-After": when}))
    c.get("/a")
    assert 15 < waits[0] <= 20


def test_wait_beyond_the_cap_gives_up_without_waiting(server: FakeServer) -> None:
    c, waits = client(server)
    server.inject("/a", Resp(429, "x", {"Retry-After": "3600"}))
    with pytest.raises(RateLimited, match="max_total_wait"):
        c.get("/a")
    assert waits == [] and c.stats.requests == 1


def test_attempts_exhausted(server: FakeServer) -> None:
    c, _ = client(server)
    server.inject("/a", *[Resp(502, "bad gateway")] * 4)
    with pytest.raises(ServerError, match="gave up after 4 attempts"):
        c.get("/a")


def test_errors_are_typed_and_not_retried(server: FakeServer) -> None:
    c, waits = client(server)
    for status, error in ((401, AuthError), (403, PermissionDenied), (404, NotFound)):
        server.inject("/a", Resp(status, "no"))
        with pytest.raises(error):
            c.get("/a")
    assert waits == []


def test_dropped_connection_and_timeout_are_network_errors(server: FakeServer) -> None:
    c, waits = client(server)
    server.down = True
    with pytest.raises(NetworkError, match="cannot reach"):
        c.get("/a")
    assert len(waits) == 3
    server.down = False
    slow, _ = client(
        server,
        policy=HttpPolicy(timeout=0.2, attempts=2, initial_wait=0.001, max_wait=0.001, jitter=0),
    )
    with pytest.raises(NetworkError, match="timed out"):
        slow.get("/slow")


def test_credentials_never_in_messages(server: FakeServer) -> None:
    secret = "sk-VERYSECRETtoken-42"
    register_secret(secret)
    assert redact(f"failed {secret} there") == "failed *** there"
    assert redact("GET https://x/y?access_token=abc&key=def&q=1") == (
        "GET https://x/y?access_token=***&key=***&q=1"
    )
    assert redact("Authorization: Bearer abcdefghijklmnop") == "Authorization: Bearer ***"
    c, _ = client(server, headers={"Authorization": f"Bearer {secret}"}, secrets=(secret,))
    server.inject("/a", Resp(404, "no"))
    with pytest.raises(NotFound) as info:
        c.get(f"/a?access_token={secret}")
    assert secret not in str(info.value)


def test_policy_from_config() -> None:
    assert HttpPolicy.from_mapping({"timeout": 5, "attempts": 2}).attempts == 2
    with pytest.raises(ConfigError, match="unknown http option"):
        HttpPolicy.from_mapping({"timeuot": 5})
    with pytest.raises(ConfigError):
        HttpPolicy.from_mapping({"attempts": 0})


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://10.1.2.3/x",
        "http://192.168.0.10/x",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://[::1]/x",
        "http://0.0.0.0/x",
    ],
)
def test_private_hosts_are_refused_when_not_allowed(url: str) -> None:
    import httpx

    from tinhieu.sources.connectors.base import BlockedAddress, check_public_host

    with pytest.raises(BlockedAddress) as info:
        check_public_host(httpx.URL(url))
    assert "TINHIEU_ALLOW_PRIVATE_URLS" in str(info.value)


def test_public_addresses_pass_the_check() -> None:
    import httpx

    from tinhieu.sources.connectors.base import check_public_host

    for url in ("http://93.184.216.34/", "https://[2606:4700:4700::1111]/dns-query"):
        check_public_host(httpx.URL(url))  # IP literals: no DNS needed


def test_a_client_without_private_access_never_sends_the_request(server: FakeServer) -> None:
    from dataclasses import replace

    from tinhieu.sources.connectors.base import BlockedAddress

    blocked, _ = client(server, policy=replace(FAST, allow_private=False))
    with pytest.raises(BlockedAddress):
        blocked.get("/x")
    assert blocked.stats.requests == 1 and not server.requests()  # refused before sending
    allowed, _ = client(server)
    assert allowed.get_json("/x") == {"ok": True, "path": "/x"}
    with pytest.raises(ConfigError):  # not an option users can set
        HttpPolicy.from_mapping({"allow_private": True})
