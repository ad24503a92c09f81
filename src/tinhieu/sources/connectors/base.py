"""The connector interface, its typed errors, and the HTTP client policy they share.

A connector reads one platform. For each of its queries (a page id, a search, a feed
URL) :meth:`Connector.fetch` walks the platform's pages from a saved cursor and yields
:class:`Page` objects: Mention items (dicts that :func:`tinhieu.ingest.convert`
accepts) together with the cursor *after* them. The collector stores the items and the
cursor in one transaction, so a run that dies resumes where the last page ended, and
re-reading a page never duplicates (rows go through the store's upsert).

Every request goes through :class:`HttpClient`: an explicit timeout, retries with
exponential backoff and jitter on 429, 5xx and connection errors (honouring
``Retry-After`` in seconds or as an HTTP date), a cap on the total wait, and errors
that say what the user must do. Credentials travel in headers, never in URLs, and every
error message is redacted (:func:`redact`) so a token never reaches a log or a screen.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, Final

import httpx
import tenacity

from tinhieu import __version__

Item = dict[str, Any]
"""A Mention item: the field names :func:`tinhieu.ingest.check_item` accepts."""

USER_AGENT: Final[str] = f"tinhieu/{__version__} (+https://github.com/tinhieu; social listening)"

# --- redaction ---------------------------------------------------------------------------

_SECRETS: set[str] = set()
_SECRETS_LOCK = threading.Lock()
_SECRET_PARAM: Final[re.Pattern[str]] = re.compile(
    r"(?i)\b(access_token|input_token|key|api_key|apikey|client_secret|appsecret_proof|"
    r"token|password|secret)=([^&\s\"'<>]+)"
)
_BEARER: Final[re.Pattern[str]] = re.compile(r"(?i)\b(bearer|oauth)\s+[A-Za-z0-9._~+/=-]{8,}")


def register_secret(value: str) -> None:
    """Remember a credential so that :func:`redact` removes it from any text."""
    if len(value) >= 4:
        with _SECRETS_LOCK:
            _SECRETS.add(value)


def redact(text: str) -> str:
    """``text`` without known credentials, credential-like URL parameters or bearer
    tokens."""
    with _SECRETS_LOCK:
        secrets = sorted(_SECRETS, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, "***")
    text = _SECRET_PARAM.sub(lambda m: f"{m.group(1)}=***", text)
    return _BEARER.sub(lambda m: f"{m.group(1)} ***", text)


# --- errors ------------------------------------------------------------------------------


class ConnectorError(Exception):
    """A source could not be read. ``kind`` names the class of problem for the user's
    message (``sources.error.<kind>``); the text is always redacted."""

    kind: ClassVar[str] = "error"
    #: True when the source's other queries would fail the same way (stop the source).
    stops_source: ClassVar[bool] = False
    retryable: ClassVar[bool] = False

    def __init__(
        self, detail: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        self.detail = redact(detail)
        self.status = status
        self.retry_after = retry_after
        super().__init__(self.detail)


class AuthError(ConnectorError):
    """The token is missing, invalid or expired."""

    kind = "auth"
    stops_source = True


class PermissionDenied(ConnectorError):
    """The token lacks a permission the request needs."""

    kind = "permission"


class QuotaExhausted(ConnectorError):
    """The platform's quota for the day (or the app) is used up."""

    kind = "quota"
    stops_source = True


class RateLimited(ConnectorError):
    """Throttled, and waiting longer than the configured cap would be needed."""

    kind = "rate_limited"
    stops_source = True
    retryable = True


class NotFound(ConnectorError):
    """The page, channel, video or feed does not exist (or is not visible)."""

    kind = "not_found"


class ServerError(ConnectorError):
    """The platform answered 5xx (after the retries)."""

    kind = "server"
    retryable = True


class NetworkError(ConnectorError):
    """No answer: connection refused, DNS, TLS or a timeout (after the retries)."""

    kind = "network"
    stops_source = True
    retryable = True


class BlockedAddress(ConnectorError):
    """The URL's host is a private, loopback or link-local address, which a source
    defined through the API may not reach (server-side request forgery)."""

    kind = "blocked"


class BadResponse(ConnectorError):
    """An answer that is not what the platform documents (not JSON, wrong shape)."""

    kind = "bad_response"


class ConfigError(ConnectorError):
    """The source's configuration is wrong (missing env var, unknown option)."""

    kind = "config"
    stops_source = True


class HttpError(ConnectorError):
    """Another 4xx answer."""

    kind = "http"


class BudgetReached(Exception):
    """The run stopped cleanly before spending more than the configured quota budget."""

    def __init__(self, used: int, budget: int, needed: int) -> None:
        self.used, self.budget, self.needed = used, budget, needed
        super().__init__(
            f"stopped before the daily quota budget: {used} of {budget} units used, "
            f"the next call needs {needed}"
        )


# --- the interface -----------------------------------------------------------------------


@dataclass(slots=True)
class Page:
    """Items and the cursor after them; the collector saves both in one transaction."""

    items: list[Item]
    state: dict[str, Any]


@dataclass(slots=True)
class ClientStats:
    requests: int = 0
    retries: int = 0
    slowdowns: int = 0
    waited_seconds: float = 0.0
    quota_used: int = 0
    warnings: list[str] = field(default_factory=list)


class Connector:
    """The base of every connector: a name, a platform, queries and :meth:`fetch`."""

    platform: str = "other"

    def __init__(self, name: str) -> None:
        self.name = name
        self.stats = ClientStats()

    def queries(self) -> list[str]:
        """The keys of the source's independent cursors (page ids, searches, URLs)."""
        raise NotImplementedError

    def fetch(self, query: str, state: Mapping[str, Any]) -> Iterator[Page]:
        """Pages of items from ``state`` (``{}`` the first time) to the end."""
        raise NotImplementedError

    def ledger(self) -> tuple[str, dict[str, Any]] | None:
        """Bookkeeping shared by the queries (YouTube's quota of the day) as a state key
        and value, saved with every page; None when the connector keeps none."""
        return None

    def restore_ledger(self, state: Mapping[str, Any]) -> None:
        """Load what :meth:`ledger` saved last time."""

    def close(self) -> None:
        """Release connections."""


# --- HTTP --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    """Timeouts and retries. Seconds throughout; tests set tiny waits."""

    timeout: float = 30.0
    connect_timeout: float = 10.0
    attempts: int = 5
    initial_wait: float = 1.0
    max_wait: float = 60.0
    jitter: float = 1.0
    max_total_wait: float = 300.0  # the most one request may spend waiting to retry
    slowdown_at: float = 80.0  # % of a platform's usage limit where we slow down
    slowdown_wait: float = 5.0  # pause at 100 %, scaled linearly from ``slowdown_at``
    #: Whether requests may go to private, loopback and link-local addresses. True for
    #: the config file's sources (the operator's choice); sources defined through the
    #: API get :func:`private_urls_allowed` (off unless the server allows it). Not an
    #: option of the ``http`` table.
    allow_private: bool = True

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> HttpPolicy:
        known = set(cls.__dataclass_fields__) - {"allow_private"}
        unknown = set(values) - known
        if unknown:
            raise ConfigError(
                f"unknown http option(s): {', '.join(sorted(unknown))}; "
                f"known: {', '.join(sorted(known))}"
            )
        kwargs: dict[str, Any] = {}
        for name, value in values.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ConfigError(f"http option {name} must be a number ≥ 0")
            kwargs[name] = int(value) if name == "attempts" else float(value)
        policy = cls(**kwargs)
        if policy.attempts < 1:
            raise ConfigError("http option attempts must be at least 1")
        return policy


ALLOW_PRIVATE_ENV: Final = "TINHIEU_ALLOW_PRIVATE_URLS"


def private_urls_allowed() -> bool:
    """Whether sources defined through the API may reach private addresses: only when
    the server's environment sets ``TINHIEU_ALLOW_PRIVATE_URLS=1`` (an intranet feed)."""
    return os.environ.get(ALLOW_PRIVATE_ENV, "").strip() == "1"


def check_public_host(url: httpx.URL) -> None:
    """Raise :class:`BlockedAddress` unless every address ``url``'s host resolves to is
    a global (public) one. Run before each request, redirects included; a host that
    does not resolve is left to fail as a network error."""
    host = url.host
    if not host:
        return
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global:
            raise BlockedAddress(
                f"refusing to fetch {safe_url(str(url).split('?', 1)[0])}: {host} is a "
                f"private or local address ({address}); the server allows it only with "
                f"{ALLOW_PRIVATE_ENV}=1"
            )


def _guard(request: httpx.Request) -> None:
    check_public_host(request.url)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


Classify = Callable[[httpx.Response], ConnectorError]


def classify_status(response: httpx.Response, detail: str | None = None) -> ConnectorError:
    """The generic meaning of an error status."""
    status = response.status_code
    text = detail or f"HTTP {status} from {safe_url(response.request.url)}"
    if status == 401:
        return AuthError(text, status=status)
    if status == 403:
        return PermissionDenied(text, status=status)
    if status in (404, 410):
        return NotFound(text, status=status)
    if status == 429:
        return RateLimited(text, status=status)
    if status >= 500:
        return ServerError(text, status=status)
    return HttpError(text, status=status)


def safe_url(url: httpx.URL | str) -> str:
    """A URL fit for a message: credential parameters removed."""
    return redact(str(url))


class _Retry(Exception):
    def __init__(self, error: ConnectorError) -> None:
        self.error = error
        super().__init__(str(error))


class HttpClient:
    """httpx with the policy: timeouts, retries, backoff, caps and redacted errors.

    ``classify`` turns an error answer into a :class:`ConnectorError` (each platform
    reads its own error body); ``on_response`` may return seconds to pause after a
    successful answer (usage headers). ``sleep`` is injectable for tests that check the
    waits without taking them."""

    def __init__(
        self,
        base_url: str = "",
        policy: HttpPolicy | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        secrets: tuple[str, ...] = (),
        classify: Classify = classify_status,
        on_response: Callable[[httpx.Response], float] | None = None,
        stats: ClientStats | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.policy = policy or HttpPolicy()
        for secret in secrets:
            register_secret(secret)
        all_headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        all_headers.update(headers or {})
        self._client = httpx.Client(
            base_url=base_url,
            headers=all_headers,
            timeout=httpx.Timeout(self.policy.timeout, connect=self.policy.connect_timeout),
            follow_redirects=True,
            event_hooks={"request": [] if self.policy.allow_private else [_guard]},
        )
        self.classify = classify
        self.on_response = on_response
        self.stats = stats or ClientStats()
        self._sleep = sleep

    def close(self) -> None:
        self._client.close()

    def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """GET with the policy; returns a 2xx or 304 answer or raises ConnectorError."""
        policy = self.policy
        backoff = tenacity.wait_exponential(
            multiplier=policy.initial_wait, max=policy.max_wait
        ) + tenacity.wait_random(0, policy.jitter)
        waited = [0.0]

        def wait(state: tenacity.RetryCallState) -> float:
            outcome = state.outcome
            exc = outcome.exception() if outcome is not None else None
            asked = exc.error.retry_after if isinstance(exc, _Retry) else None
            seconds = asked if asked is not None else backoff(state)
            if waited[0] + seconds > policy.max_total_wait:
                # Waiting longer than the cap: give up now with the platform's reason.
                assert isinstance(exc, _Retry)
                raise _GiveUp(exc.error, seconds)
            waited[0] += seconds
            self.stats.retries += 1
            self.stats.waited_seconds += seconds
            return seconds

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_Retry),
            stop=tenacity.stop_after_attempt(policy.attempts),
            wait=wait,
            sleep=self._sleep,
            reraise=True,
        )
        try:
            response: httpx.Response = retrying(self._attempt, url, params, headers)
        except _Retry as exc:
            error = exc.error
            raise type(error)(
                f"{error.detail} (gave up after {policy.attempts} attempts)",
                status=error.status,
                retry_after=error.retry_after,
            ) from None
        except _GiveUp as exc:
            raise RateLimited(
                f"{exc.error.detail}; the platform asks to wait {exc.seconds:.0f} s, more "
                f"than the {policy.max_total_wait:.0f} s allowed (http.max_total_wait)",
                status=exc.error.status,
                retry_after=exc.seconds,
            ) from None
        if self.on_response is not None:
            pause = self.on_response(response)
            if pause > 0:
                self.stats.slowdowns += 1
                self.stats.waited_seconds += pause
                self._sleep(pause)
        return response

    def _attempt(
        self,
        url: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
    ) -> httpx.Response:
        self.stats.requests += 1
        try:
            response = self._client.get(url, params=dict(params or {}), headers=headers)
        except httpx.TimeoutException as exc:
            raise _Retry(
                NetworkError(f"timed out ({type(exc).__name__}) reading {_where(url)}")
            ) from None
        except httpx.TransportError as exc:
            raise _Retry(
                NetworkError(f"cannot reach {_where(url)}: {type(exc).__name__}: {exc}")
            ) from None
        if response.is_success or response.status_code == 304:
            return response
        error = self.classify(response)
        if error.retry_after is None:
            error.retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if error.retryable:
            raise _Retry(error)
        raise error

    def get_json(self, url: str, params: Mapping[str, Any] | None = None) -> Any:
        response = self.get(url, params)
        return parse_json(response)


class _GiveUp(Exception):
    def __init__(self, error: ConnectorError, seconds: float) -> None:
        self.error, self.seconds = error, seconds
        super().__init__(str(error))


def _where(url: str) -> str:
    return safe_url(url.split("?", 1)[0])


def parse_json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BadResponse(
            f"expected JSON from {safe_url(response.request.url)}, got "
            f"{response.headers.get('Content-Type', 'no content type')}",
            status=response.status_code,
        ) from None


def error_body(response: httpx.Response) -> Any:
    """The parsed JSON of an error answer, or None."""
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
