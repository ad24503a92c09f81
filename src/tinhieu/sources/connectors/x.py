"""X API v2 recent search: posts matching a query in the last 7 days, with their
authors' public metrics.

One call, ``GET /2/tweets/search/recent`` with ``expansions=author_id``,
``tweet.fields=public_metrics,created_at,conversation_id,lang,author_id`` and
``user.fields=public_metrics,verified,name,username``; the app's bearer token in the
``Authorization`` header (from the environment variable named by ``token_env``).

Incremental: a query's state is ``{"since_id": newest post id stored, "walk":
{"since_id", "next_token", "max"}}``. Results come newest first; a run asks for posts
newer than ``since_id`` and follows ``meta.next_token`` to the end, saving the token
with each page's rows, so a run that dies resumes at the next page; at the end
``since_id`` becomes the newest id seen. A 429 waits for ``x-rate-limit-reset`` (Unix
time) when that fits in ``http.max_total_wait``; ``x-rate-limit-remaining: 0`` pauses
before the next call.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import Any, Final

import httpx

from tinhieu.sources.connectors.base import (
    AuthError,
    BadResponse,
    ConfigError,
    ConnectorError,
    HttpClient,
    HttpError,
    HttpPolicy,
    Item,
    NotFound,
    Page,
    PermissionDenied,
    QuotaExhausted,
    RateLimited,
    ServerError,
    classify_status,
    error_body,
)
from tinhieu.sources.connectors.config import (
    CredentialedConnector,
    check_options,
    int_option,
    str_list,
)

X_URL: Final[str] = "https://api.x.com"
SEARCH_PATH: Final[str] = "/2/tweets/search/recent"
TWEET_FIELDS: Final[str] = "public_metrics,created_at,conversation_id,lang,author_id"
USER_FIELDS: Final[str] = "public_metrics,verified,name,username"
_OPTIONS: Final[frozenset[str]] = frozenset(
    {"queries", "token_env", "base_url", "max_results", "flush_items"}
)


# --- mapping (pure) ------------------------------------------------------------------------


def _metric(metrics: Any, key: str) -> int | None:
    value = metrics.get(key) if isinstance(metrics, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def tweet_item(tweet: Mapping[str, Any], users: Mapping[str, Mapping[str, Any]]) -> Item:
    """A post of the ``data`` array as a Mention item; ``users`` are the
    ``includes.users`` by id. A post whose ``conversation_id`` differs from its id is a
    reply in that conversation (``parent_id`` is the conversation's first post)."""
    tid = str(tweet["id"])
    author_id = str(tweet["author_id"]) if tweet.get("author_id") else None
    user = users.get(author_id or "", {})
    metrics = tweet.get("public_metrics")
    retweets, quotes = _metric(metrics, "retweet_count"), _metric(metrics, "quote_count")
    shares = None if retweets is None and quotes is None else (retweets or 0) + (quotes or 0)
    conversation = str(tweet.get("conversation_id") or tid)
    username = user.get("username")
    attrs = {
        k: v
        for k in ("quote_count", "retweet_count", "bookmark_count")
        if (v := _metric(metrics, k)) is not None
    }
    lang = tweet.get("lang")
    item: Item = {
        "platform": "x",
        "kind": "post" if conversation == tid else "reply",
        "source_id": tid,
        "parent_id": None if conversation == tid else conversation,
        "url": f"https://x.com/{username or 'i/web'}/status/{tid}",
        "author_id": author_id,
        "author_name": user.get("name") or username,
        "author_kind": "person" if author_id else None,
        "author_followers": _metric(user.get("public_metrics"), "followers_count"),
        "author_verified": True if user.get("verified") is True else None,
        "text": tweet.get("text") or None,
        "language": lang if isinstance(lang, str) and len(lang) == 2 else None,
        "created_at": tweet.get("created_at"),
        "likes": _metric(metrics, "like_count"),
        "comments": _metric(metrics, "reply_count"),
        "shares": shares,
        "views": _metric(metrics, "impression_count"),
        "attrs": ({"username": username} if username else {}) | attrs or None,
    }
    return {k: v for k, v in item.items() if v is not None}


def reset_seconds(headers: httpx.Headers, now: float | None = None) -> float | None:
    """Seconds until ``x-rate-limit-reset`` (a Unix time), or None."""
    value = headers.get("x-rate-limit-reset")
    if value is None or not value.strip().isdigit():
        return None
    return max(0.0, float(value) - (time.time() if now is None else now))


def classify(response: httpx.Response) -> ConnectorError:
    """An X API error (``{"title", "detail", "type", "status"}`` problem, or
    ``{"errors": [{"message"}]}``) as a typed error with the user's next step."""
    body = error_body(response)
    status = response.status_code
    body = body if isinstance(body, dict) else {}
    title = str(body.get("title") or "")
    reason = str(body.get("reason") or "")
    detail = str(body.get("detail") or "")
    if not detail and isinstance(body.get("errors"), list):
        detail = "; ".join(str(e.get("message")) for e in body["errors"] if isinstance(e, dict))
    where = f"X API {status} {title or reason}".rstrip()
    detail = detail[:300]
    if status == 429 and ("UsageCap" in title or "cap" in detail.lower()):
        return QuotaExhausted(
            f"{where}: the app's monthly post cap is used up ({detail}); it resets with "
            "the billing period, or upgrade the access level",
            status=status,
        )
    if status == 429:
        return RateLimited(
            f"{where}: too many requests ({detail})",
            status=status,
            retry_after=reset_seconds(response.headers),
        )
    if status == 401:
        return AuthError(
            f"{where}: the bearer token is not valid ({detail}). Regenerate the app's "
            "bearer token and set it in the environment variable named by token_env",
            status=status,
        )
    if status == 403:
        return PermissionDenied(
            f"{where}: not allowed ({reason or detail}). Recent search needs an app in a "
            "project with Basic access or higher",
            status=status,
        )
    if status == 404:
        return NotFound(f"{where}: not found ({detail})", status=status)
    if status >= 500:
        return ServerError(f"{where}: temporary X problem ({detail})", status=status)
    if status == 400:
        return HttpError(f"{where}: the query was refused ({detail})", status=status)
    return classify_status(response, f"{where}: {detail}")


# --- the connector -------------------------------------------------------------------------


class XConnector(CredentialedConnector):
    platform = "x"

    CREDENTIAL_OPTIONS = ("token_env",)

    def __init__(
        self, name: str, options: Mapping[str, Any], policy: HttpPolicy, token: str | None
    ) -> None:
        super().__init__(name)
        check_options(name, options, _OPTIONS)
        self.searches = str_list(name, options, "queries")
        if not self.searches:
            raise ConfigError(f"source {name}: queries must list at least one search query")
        self.max_results = max(10, min(100, int_option(name, options, "max_results", 100, 10)))
        self.flush_items = int_option(name, options, "flush_items", 2000, 1)
        self.policy = policy
        self._spent: float | None = None
        self.client: HttpClient | None = None
        if token is not None:
            self.client = self.bearer_client(
                str(options.get("base_url", X_URL)),
                token,
                policy,
                classify=classify,
                on_response=self._pause,
            )

    def queries(self) -> list[str]:
        return list(self.searches)

    def _pause(self, response: httpx.Response) -> float:
        """Wait for the window's reset when this answer used its last request."""
        remaining = response.headers.get("x-rate-limit-remaining", "")
        if remaining.strip() != "0":
            return 0.0
        wait = reset_seconds(response.headers) or 0.0
        if wait > self.policy.max_total_wait:
            self._spent = wait  # this answer is kept; the next call stops the source
            return 0.0
        return wait

    def _check_window(self) -> None:
        if self._spent is not None:
            wait, self._spent = self._spent, None
            raise RateLimited(
                f"X API: the rate-limit window is spent and resets in {wait:.0f} s, more "
                f"than the {self.policy.max_total_wait:.0f} s allowed (http.max_total_wait)",
                retry_after=wait,
            )

    def fetch(self, query: str, state: Mapping[str, Any]) -> Iterator[Page]:
        assert self.client is not None
        since = state.get("since_id") if isinstance(state.get("since_id"), str) else None
        walk = dict(state["walk"]) if isinstance(state.get("walk"), dict) else None
        if walk is None:
            walk = {"since_id": since, "next_token": None, "max": since}
        while True:
            params: dict[str, Any] = {
                "query": query,
                "max_results": self.max_results,
                "expansions": "author_id",
                "tweet.fields": TWEET_FIELDS,
                "user.fields": USER_FIELDS,
            }
            if walk.get("since_id"):
                params["since_id"] = walk["since_id"]
            if walk.get("next_token"):
                params["next_token"] = walk["next_token"]
            self._check_window()
            body = self.client.get_json(SEARCH_PATH, params)
            if not isinstance(body, dict):
                raise BadResponse("X API recent search: expected a JSON object")
            includes = body.get("includes") if isinstance(body.get("includes"), dict) else {}
            users = {
                str(u["id"]): u
                for u in (includes or {}).get("users") or []
                if isinstance(u, dict) and u.get("id")
            }
            tweets = [
                t
                for t in body.get("data") or []
                if isinstance(t, dict) and t.get("id") and t.get("created_at")
            ]
            items = [tweet_item(t, users) for t in tweets]
            for t in tweets:
                if walk["max"] is None or int(t["id"]) > int(walk["max"]):
                    walk["max"] = str(t["id"])
            meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
            token = (meta or {}).get("next_token")
            if token and tweets:
                walk["next_token"] = str(token)
                yield Page(items, {"since_id": since, "walk": dict(walk)})
                continue
            yield Page(items, {"since_id": walk["max"], "walk": None})
            return
