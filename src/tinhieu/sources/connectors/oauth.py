"""POST requests with the shared HTTP policy, and OAuth 2 client-credentials tokens.

TikTok's Research API is all POST and Reddit's and TikTok's tokens come from a POST, but
:class:`~tinhieu.sources.connectors.base.HttpClient` only GETs. :class:`PostClient`
adds :meth:`PostClient.post` with the very same timeouts, retries, backoff, caps and
redaction (it runs through ``HttpClient.get``'s retry loop). :class:`TokenCache` holds
an app token, asks for a new one when it expires or the platform says it is no longer
valid, and registers every token and secret with the redactor.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from tinhieu.sources.connectors.base import (
    HttpClient,
    NetworkError,
    _Retry,
    _where,
    parse_retry_after,
    register_secret,
)


class PostClient(HttpClient):
    """:class:`HttpClient` that can also POST a JSON or form body."""

    _body: dict[str, Any] | None = None

    def post(
        self,
        url: str,
        *,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """POST with the policy; returns a 2xx answer or raises ConnectorError."""
        self._body = {"json": json_body} if form is None else {"data": dict(form)}
        try:
            return self.get(url, params, headers)
        finally:
            self._body = None

    def _attempt(
        self,
        url: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
    ) -> httpx.Response:
        if self._body is None:
            return super()._attempt(url, params, headers)
        self.stats.requests += 1
        try:
            response = self._client.post(
                url, params=dict(params or {}), headers=headers, **self._body
            )
        except httpx.TimeoutException as exc:
            raise _Retry(
                NetworkError(f"timed out ({type(exc).__name__}) posting to {_where(url)}")
            ) from None
        except httpx.TransportError as exc:
            raise _Retry(
                NetworkError(f"cannot reach {_where(url)}: {type(exc).__name__}: {exc}")
            ) from None
        if response.is_success:
            return response
        error = self.classify(response)
        if error.retry_after is None:
            error.retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if error.retryable:
            raise _Retry(error)
        raise error


class TokenCache:
    """An app access token from ``fetch() -> (token, expires_in seconds)``, renewed a
    minute before it expires or when :meth:`invalidate` is called after a 401."""

    def __init__(
        self, fetch: Callable[[], tuple[str, float]], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._token: str | None = None
        self._expires = 0.0
        self.fetched = 0

    def get(self) -> str:
        if self._token is None or self._clock() >= self._expires:
            token, expires_in = self._fetch()
            register_secret(token)
            self._token = token
            self._expires = self._clock() + max(0.0, expires_in - 60.0)
            self.fetched += 1
        return self._token

    def invalidate(self) -> None:
        self._token = None
