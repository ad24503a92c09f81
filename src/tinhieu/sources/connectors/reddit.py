"""Reddit: new posts of subreddits and of searches, and their comment trees.

An app token (client credentials: ``POST https://www.reddit.com/api/v1/access_token``
with the app id and secret from the environment variables named by ``client_id_env``
and ``client_secret_env``), then ``GET https://oauth.reddit.com``:

- ``/r/{sub}/new`` and ``/search?q=…&sort=new&type=link`` (``/r/{sub}/search`` with
  ``restrict_sr=1`` when ``subreddit`` is given): listings, newest first, ``after``
  paging, ``limit=100``, ``raw_json=1`` (text not HTML-escaped);
- ``/comments/{id}`` for each post with comments: the tree (``t1`` comments, their
  ``replies`` listings). ``more`` stubs (very large threads) are not expanded; their
  count is reported as a warning.

Incremental: a query's state is ``{"hwm": newest post time (Unix s), "walk": {"after",
"max", "stop"}}``. Listings cannot start at a time, so a run pages from the newest post
until it reaches posts older than ``stop`` (``hwm`` less ``lookback_days``), saving
``after`` with each page's rows. ``X-Ratelimit-Remaining``/``-Reset``/``-Used`` are
honoured: when the window's requests run out the client waits for the reset. A 401 in
the middle of a run (the token expired) gets one new token and the call is repeated.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator, Mapping
from typing import Any, Final

import httpx

from tinhieu import __version__
from tinhieu.sources.connectors.base import (
    AuthError,
    BadResponse,
    ConfigError,
    ConnectorError,
    HttpPolicy,
    Item,
    NotFound,
    Page,
    PermissionDenied,
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
from tinhieu.sources.connectors.oauth import PostClient, TokenCache

AUTH_URL: Final[str] = "https://www.reddit.com/api/v1/access_token"
API_URL: Final[str] = "https://oauth.reddit.com"
_OPTIONS: Final[frozenset[str]] = frozenset(
    {
        "subreddits",
        "searches",
        "subreddit",
        "client_id_env",
        "client_secret_env",
        "base_url",
        "auth_url",
        "user_agent",
        "lookback_days",
        "backfill_days",
        "comments",
        "flush_items",
    }
)


# --- mapping (pure) ------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _author(data: Mapping[str, Any]) -> tuple[str | None, str | None]:
    name = data.get("author")
    if not isinstance(name, str) or name in ("[deleted]", ""):
        return None, None
    full = data.get("author_fullname")
    return (str(full) if full else name), name


def post_item(post: Mapping[str, Any]) -> Item:
    """A ``t3`` (link) as a Mention item: ``ups`` are the likes (Reddit no longer shows
    downvotes; ``score`` and ``upvote_ratio`` are kept in ``attrs``)."""
    author_id, author_name = _author(post)
    attrs = {
        k: post[k]
        for k in ("subreddit", "score", "upvote_ratio", "link_flair_text", "domain", "over_18")
        if post.get(k) not in (None, "")
    }
    text = post.get("selftext")
    item: Item = {
        "platform": "reddit",
        "kind": "post",
        "source_id": str(post["id"]),
        "url": f"https://www.reddit.com{post['permalink']}" if post.get("permalink") else None,
        "author_id": author_id,
        "author_name": author_name,
        "author_kind": "person" if author_id else None,
        "title": post.get("title") or None,
        "text": text if isinstance(text, str) and text and text != "[removed]" else None,
        "created_at": _int(post.get("created_utc")),
        "likes": _int(post.get("ups")),
        "comments": _int(post.get("num_comments")),
        "attrs": attrs or None,
    }
    return {k: v for k, v in item.items() if v is not None}


def comment_item(comment: Mapping[str, Any], post_id: str) -> Item:
    """A ``t1`` comment: a comment on the post, or a reply (``parent_id`` ``t1_…``)."""
    author_id, author_name = _author(comment)
    parent = str(comment.get("parent_id") or f"t3_{post_id}")
    body = comment.get("body")
    replies = comment.get("replies")
    n_replies = None
    if isinstance(replies, dict):
        n_replies = sum(
            1 for c in (replies.get("data") or {}).get("children") or [] if c.get("kind") == "t1"
        )
    item: Item = {
        "platform": "reddit",
        "kind": "reply" if parent.startswith("t1_") else "comment",
        "source_id": str(comment["id"]),
        "parent_id": parent.split("_", 1)[-1],
        "url": (
            f"https://www.reddit.com{comment['permalink']}" if comment.get("permalink") else None
        ),
        "author_id": author_id,
        "author_name": author_name,
        "author_kind": "person" if author_id else None,
        "text": body if isinstance(body, str) and body not in ("", "[removed]") else None,
        "created_at": _int(comment.get("created_utc")),
        "likes": _int(comment.get("ups")),
        "comments": n_replies,
        "attrs": {"post_id": post_id, "score": comment.get("score")}
        if comment.get("score") is not None
        else {"post_id": post_id},
    }
    return {k: v for k, v in item.items() if v is not None}


def walk_comments(children: Any, post_id: str) -> tuple[list[Item], int]:
    """Every ``t1`` of a comment tree (depth first), and how many ``more`` stubs hold
    comments that were not returned."""
    items: list[Item] = []
    missing = 0
    stack = list(reversed(children if isinstance(children, list) else []))
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        raw = node.get("data")
        data: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if node.get("kind") == "more":
            missing += _int(data.get("count")) or 0
            continue
        if node.get("kind") != "t1" or not data.get("id") or data.get("created_utc") is None:
            continue
        items.append(comment_item(data, post_id))
        replies = data.get("replies")
        if isinstance(replies, dict):
            kids = (replies.get("data") or {}).get("children") or []
            stack.extend(reversed(kids))
    return items, missing


def classify(response: httpx.Response) -> ConnectorError:
    """A Reddit error (``{"message", "error": status, "reason"}``, or the token
    endpoint's ``{"error": "invalid_grant"}``) as a typed error."""
    body = error_body(response)
    body = body if isinstance(body, dict) else {}
    status = response.status_code
    reason = str(body.get("reason") or "")
    error = body.get("error")
    message = str(body.get("message") or body.get("error_description") or error or "")[:200]
    where = f"Reddit {status}" + (f" {reason}" if reason else "")
    if status == 401 or error in ("invalid_grant", "invalid_client", "unauthorized_client"):
        return AuthError(
            f"{where}: the app token was refused ({message}). Check the app id and secret in "
            "the environment variables named by client_id_env and client_secret_env",
            status=status,
        )
    if status == 403:
        why = {
            "private": "the subreddit is private",
            "quarantined": "the subreddit is quarantined",
            "gold_only": "the subreddit is for premium members",
        }.get(reason, "not allowed")
        return PermissionDenied(f"{where}: {why} ({message})", status=status)
    if status == 404 or reason == "banned":
        return NotFound(
            f"{where}: the subreddit or post does not exist or was banned ({message})",
            status=status,
        )
    if status == 429:
        reset = response.headers.get("x-ratelimit-reset", "")
        return RateLimited(
            f"{where}: too many requests ({message})",
            status=status,
            retry_after=float(reset) if _is_number(reset) else None,
        )
    if status >= 500:
        return ServerError(f"{where}: temporary Reddit problem ({message})", status=status)
    return classify_status(response, f"{where}: {message}")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --- the connector -------------------------------------------------------------------------


class RedditConnector(CredentialedConnector):
    platform = "reddit"

    CREDENTIAL_OPTIONS = ("client_id_env", "client_secret_env")

    def __init__(
        self,
        name: str,
        options: Mapping[str, Any],
        policy: HttpPolicy,
        credentials: tuple[str, str] | None,
    ) -> None:
        super().__init__(name)
        check_options(name, options, _OPTIONS)
        self.subreddits = [s.removeprefix("r/") for s in str_list(name, options, "subreddits")]
        self.searches = str_list(name, options, "searches")
        if not self.subreddits and not self.searches:
            raise ConfigError(f"source {name}: give subreddits and/or searches")
        self.restrict = options.get("subreddit")
        if self.restrict is not None and not isinstance(self.restrict, str):
            raise ConfigError(f"source {name}: subreddit must be a string")
        self.lookback = 86400 * int_option(name, options, "lookback_days", 2)
        backfill = options.get("backfill_days")
        self.backfill = 86400 * int_option(name, options, "backfill_days", 0, 1) if backfill else 0
        self.comments = bool(options.get("comments", True))
        self.flush_items = int_option(name, options, "flush_items", 2000, 1)
        self.auth_url = str(options.get("auth_url", AUTH_URL))
        self.user_agent = str(
            options.get("user_agent", f"python:tinhieu:{__version__} (social listening)")
        )
        self.policy = policy
        self._spent: tuple[float, str] | None = None
        self.client: PostClient | None = None
        self.credentials = credentials
        if credentials is not None:
            self.client = PostClient(
                str(options.get("base_url", API_URL)).rstrip("/"),
                policy,
                headers={"User-Agent": self.user_agent},
                secrets=credentials,
                classify=classify,
                on_response=self._pause,
                stats=self.stats,
            )
        self.tokens = TokenCache(self._new_token)

    def queries(self) -> list[str]:
        return [f"r/{s}" for s in self.subreddits] + [f"search:{q}" for q in self.searches]

    def _new_token(self) -> tuple[str, float]:
        assert self.client is not None and self.credentials is not None
        basic = base64.b64encode(":".join(self.credentials).encode()).decode()
        response = self.client.post(
            self.auth_url,
            form={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
        )
        body = response.json() if response.content else {}
        if not isinstance(body, dict) or not body.get("access_token"):
            error = body.get("error") if isinstance(body, dict) else None
            raise AuthError(
                f"Reddit token endpoint: no access token ({error or 'unexpected answer'}). "
                "Check the app id and secret (a 'script' or 'web' app)"
            )
        expires = body.get("expires_in")
        seconds = float(str(expires)) if _is_number(str(expires)) else 3600.0
        return str(body["access_token"]), seconds

    def _pause(self, response: httpx.Response) -> float:
        remaining = response.headers.get("x-ratelimit-remaining", "")
        reset = response.headers.get("x-ratelimit-reset", "")
        if not (_is_number(remaining) and _is_number(reset)) or float(remaining) >= 1:
            return 0.0
        wait = float(reset)
        if wait > self.policy.max_total_wait:
            used = response.headers.get("x-ratelimit-used", "?")
            self._spent = (wait, used)  # this answer is kept; the next call stops
            return 0.0
        return wait

    def _get(self, path: str, params: dict[str, Any]) -> Any:
        assert self.client is not None
        if self._spent is not None:
            (wait, used), self._spent = self._spent, None
            raise RateLimited(
                f"Reddit: no requests left in this window ({used} used); it resets in "
                f"{wait:.0f} s, more than the {self.policy.max_total_wait:.0f} s allowed "
                "(http.max_total_wait)",
                retry_after=wait,
            )
        for attempt in (1, 2):
            headers = {"Authorization": f"bearer {self.tokens.get()}"}
            try:
                return self.client.get(path, {**params, "raw_json": 1}, headers).json()
            except AuthError:
                if attempt == 2:
                    raise
                self.tokens.invalidate()  # expired mid-run: one new token, one more try
            except ValueError:
                raise BadResponse(f"Reddit {path}: expected JSON") from None
        raise AssertionError("unreachable")

    def fetch(self, query: str, state: Mapping[str, Any]) -> Iterator[Page]:
        kind, _, value = query.partition(":") if query.startswith("search:") else ("r", "", query)
        if kind == "search":
            path = f"/r/{self.restrict}/search" if self.restrict else "/search"
            base: dict[str, Any] = {"q": value, "sort": "new", "type": "link", "limit": 100}
            if self.restrict:
                base["restrict_sr"] = 1
        else:
            path, base = f"/{query}/new", {"limit": 100}
        hwm = _int(state.get("hwm"))
        walk = dict(state["walk"]) if isinstance(state.get("walk"), dict) else None
        if walk is None:
            if hwm is not None:
                stop: int | None = hwm - self.lookback
            elif self.backfill:
                stop = int(time.time()) - self.backfill
            else:
                stop = None
            walk = {"after": None, "max": hwm, "stop": stop}
        while True:
            params = dict(base)
            if walk.get("after"):
                params["after"] = walk["after"]
            body = self._get(path, params)
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, dict):
                raise BadResponse(f"Reddit {path}: expected a Listing")
            posts = [
                c["data"]
                for c in data.get("children") or []
                if isinstance(c, dict)
                and c.get("kind") == "t3"
                and isinstance(c.get("data"), dict)
                and c["data"].get("id")
                and c["data"].get("created_utc") is not None
            ]
            fresh = [p for p in posts if walk["stop"] is None or p["created_utc"] >= walk["stop"]]
            resume = {"hwm": hwm, "walk": dict(walk)}
            buffer: list[Item] = []
            for post in fresh:
                buffer.append(post_item(post))
                created = int(post["created_utc"])
                walk["max"] = max(created, walk["max"] or created)
                if self.comments and _int(post.get("num_comments")):
                    buffer.extend(self._comments(str(post["id"])))
                    if len(buffer) >= self.flush_items:
                        yield Page(buffer, resume)
                        buffer = []
            after = data.get("after")
            if after and fresh and len(fresh) == len(posts):
                walk["after"] = str(after)
                yield Page(buffer, {"hwm": hwm, "walk": dict(walk)})
                continue
            yield Page(buffer, {"hwm": walk["max"], "walk": None})
            return

    def _comments(self, post_id: str) -> list[Item]:
        body = self._get(f"/comments/{post_id}", {"limit": 500, "sort": "new"})
        if not isinstance(body, list) or len(body) < 2 or not isinstance(body[1], dict):
            raise BadResponse(f"Reddit /comments/{post_id}: expected [post, comments]")
        children = (body[1].get("data") or {}).get("children")
        items, missing = walk_comments(children, post_id)
        if missing:
            self.stats.warnings.append(
                f"r/comments/{post_id}: {missing} comment(s) in collapsed threads not read"
            )
        return items
