"""Facebook Graph API: a page's posts, their comments and replies.

Calls (all GET, token in the ``Authorization`` header, never in the URL):

- ``/{version}/{page-id}?fields=id,name,link,followers_count,fan_count,verification_status``
  once per run, for the page as an author;
- ``/{version}/{page-id}/posts?fields=…&since=…&after=…`` newest first, cursor paging;
- ``/{version}/{post-id}/comments?filter=toplevel`` and ``/{version}/{comment-id}/comments``
  (replies) for each post, with their own cursors.

Incremental: the cursor state is ``{"hwm": newest post time seen (Unix s), "walk":
{"since", "next", "max"}}``. A run reads posts created since ``hwm`` minus
``lookback_days`` (so recent posts refresh their counts and bring new comments), page by
page; after each posts page (with its comments) the ``after`` cursor is saved with the
rows, so a run that dies resumes at the next page. ``X-App-Usage`` /
``X-Business-Use-Case-Usage`` above ``http.slowdown_at`` % slow the client down.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeGuard

import httpx

from tinhieu.sources.connectors.base import (
    AuthError,
    BadResponse,
    ConfigError,
    ConnectorError,
    HttpClient,
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

GRAPH_URL: Final[str] = "https://graph.facebook.com"
API_VERSION: Final[str] = "v19.0"
REACTION_TYPES: Final[tuple[str, ...]] = ("like", "love", "care", "haha", "wow", "sad", "angry")
PAGE_FIELDS: Final[str] = "id,name,link,followers_count,fan_count,verification_status"
POST_FIELDS: Final[str] = ",".join(
    [
        "id",
        "message",
        "story",
        "created_time",
        "updated_time",
        "permalink_url",
        "status_type",
        "from{id,name}",
        "shares",
        "reactions.limit(0).summary(total_count)",
        *(
            f"reactions.type({r.upper()}).limit(0).summary(total_count).as(reactions_{r})"
            for r in REACTION_TYPES
        ),
        "comments.limit(0).summary(total_count)",
    ]
)
COMMENT_FIELDS: Final[str] = (
    "id,message,created_time,permalink_url,from{id,name},like_count,comment_count,"
    "parent{id},attachment{type}"
)
_OPTIONS: Final[frozenset[str]] = frozenset(
    {
        "pages",
        "token_env",
        "api_version",
        "base_url",
        "lookback_days",
        "backfill_days",
        "comments",
        "page_size",
        "comment_page_size",
        "flush_items",
    }
)
_AUTH_CODES: Final[frozenset[int]] = frozenset({102, 190})
_THROTTLE_CODES: Final[frozenset[int]] = frozenset({4, 17, 32, 613, *range(80001, 80015)})
_TRANSIENT_CODES: Final[frozenset[int]] = frozenset({1, 2})
_EXPIRED_SUBCODES: Final[dict[int, str]] = {
    458: "the app is not installed for this user",
    459: "the user's account is checkpointed",
    460: "the password changed; the token was invalidated",
    463: "the token has expired",
    464: "the user is not confirmed",
    467: "the token is invalid",
}


# --- mapping (pure) ------------------------------------------------------------------------


def parse_time(value: str) -> datetime:
    """Graph time ``2026-03-01T10:00:00+0000`` as an aware datetime."""
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return datetime.fromisoformat(value)


def _count(value: Any, *path: str) -> int | None:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _from(obj: Mapping[str, Any]) -> tuple[str | None, str | None]:
    author = obj.get("from")
    if not isinstance(author, dict):
        return None, None
    ident, name = author.get("id"), author.get("name")
    return (str(ident) if ident else None), (str(name) if name else None)


def post_item(post: Mapping[str, Any], page: Mapping[str, Any]) -> Item:
    """A post of ``page`` (the page object) as a Mention item."""
    author_id, author_name = _from(post)
    own = author_id is None or author_id == page.get("id")
    reactions = {
        r: n
        for r in REACTION_TYPES
        if (n := _count(post, f"reactions_{r}", "summary", "total_count")) is not None
    }
    attrs = {k: post[k] for k in ("status_type", "story", "updated_time") if post.get(k)}
    item: Item = {
        "platform": "facebook",
        "kind": "post",
        "source_id": str(post["id"]),
        "url": post.get("permalink_url"),
        "author_id": str(page.get("id")) if own else author_id,
        "author_name": page.get("name") if own else author_name,
        "author_kind": "page" if own else "person",
        "author_followers": _count(page, "followers_count") if own else None,
        "text": post.get("message") or None,
        "created_at": post["created_time"],
        "likes": _count(post, "reactions", "summary", "total_count"),
        "comments": _count(post, "comments", "summary", "total_count"),
        "shares": _count(post, "shares", "count"),
    }
    if own and page.get("verification_status") in ("blue_verified", "gray_verified"):
        item["author_verified"] = True
    if reactions:
        item["reactions"] = reactions
    if attrs:
        item["attrs"] = attrs
    return {k: v for k, v in item.items() if v is not None}


def comment_item(
    comment: Mapping[str, Any], post_id: str, parent_id: str, page: Mapping[str, Any]
) -> Item:
    """A comment (``parent_id == post_id``) or a reply as a Mention item. A comment
    without text (a sticker or photo) keeps its attachment type in ``attrs``; one the
    API returns without author (not visible to the token) has no author fields."""
    author_id, author_name = _from(comment)
    is_page = author_id is not None and author_id == page.get("id")
    attrs: dict[str, Any] = {"post_id": post_id}
    attachment = comment.get("attachment")
    if isinstance(attachment, dict) and attachment.get("type"):
        attrs["attachment"] = attachment["type"]
    item: Item = {
        "platform": "facebook",
        "kind": "comment" if parent_id == post_id else "reply",
        "source_id": str(comment["id"]),
        "parent_id": parent_id,
        "url": comment.get("permalink_url"),
        "author_id": author_id,
        "author_name": author_name,
        "author_kind": ("page" if is_page else "person") if author_id else None,
        "text": comment.get("message") or None,
        "created_at": comment["created_time"],
        "likes": _count(comment, "like_count"),
        "comments": _count(comment, "comment_count"),
        "attrs": attrs,
    }
    return {k: v for k, v in item.items() if v is not None}


def usage_percent(headers: httpx.Headers) -> tuple[float, float]:
    """The highest usage % in ``X-App-Usage``, ``X-Page-Usage`` and
    ``X-Business-Use-Case-Usage``, and the seconds to regain access the latter gives."""
    high, regain = 0.0, 0.0
    for name in ("x-app-usage", "x-page-usage", "x-ad-account-usage"):
        data = _json_header(headers.get(name))
        if isinstance(data, dict):
            high = max([high, *(float(v) for v in data.values() if _is_number(v))])
    buc = _json_header(headers.get("x-business-use-case-usage"))
    if isinstance(buc, dict):
        for entries in buc.values():
            for entry in entries if isinstance(entries, list) else []:
                if not isinstance(entry, dict):
                    continue
                for key in ("call_count", "total_cputime", "total_time"):
                    if _is_number(entry.get(key)):
                        high = max(high, float(entry[key]))
                minutes = entry.get("estimated_time_to_regain_access")
                if _is_number(minutes):
                    regain = max(regain, float(minutes) * 60)
    return high, regain


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _json_header(value: str | None) -> Any:
    if not value:
        return None
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return None


def classify(response: httpx.Response) -> ConnectorError:
    """A Graph error answer (``{"error": {"message", "type", "code", "error_subcode"}}``)
    as a typed error with the user's next step."""
    body = error_body(response)
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return classify_status(response)
    raw_code, raw_sub = error.get("code"), error.get("error_subcode")
    code = raw_code if isinstance(raw_code, int) else -1
    sub = raw_sub if isinstance(raw_sub, int) else None
    message = str(error.get("message") or "")[:300]
    where = f"Graph API error {code}" + (f"/{sub}" if sub else "")
    status = response.status_code
    if code in _AUTH_CODES:
        why = _EXPIRED_SUBCODES.get(sub or 0, "the access token is not valid")
        return AuthError(
            f"{where}: {why} ({message}). Create a new page access token and set it in the "
            "environment variable named by token_env",
            status=status,
        )
    if code == 10 or 200 <= code <= 299:
        return PermissionDenied(
            f"{where}: missing permission ({message}). The token needs pages_read_engagement "
            "and pages_read_user_content for this page (or Page Public Content Access)",
            status=status,
        )
    if code in _THROTTLE_CODES:
        _, regain = usage_percent(response.headers)
        return RateLimited(
            f"{where}: rate limited ({message})", status=status, retry_after=regain or None
        )
    if code in _TRANSIENT_CODES or status >= 500:
        return ServerError(f"{where}: temporary Graph API problem ({message})", status=status)
    if status == 404 or (code == 100 and sub == 33) or code == 803:
        return NotFound(
            f"{where}: not found or not visible to this token ({message})", status=status
        )
    return classify_status(response, f"{where}: {message}")


# --- the connector ---------------------------------------------------------------------------


class FacebookConnector(CredentialedConnector):
    platform = "facebook"

    CREDENTIAL_OPTIONS = ("token_env",)

    def __init__(
        self,
        name: str,
        options: Mapping[str, Any],
        policy: HttpPolicy,
        token: str | None,
    ) -> None:
        super().__init__(name)
        check_options(name, options, _OPTIONS)
        self.pages = str_list(name, options, "pages")
        if not self.pages:
            raise ConfigError(f"source {name}: pages must list at least one page id")
        self.version = str(options.get("api_version", API_VERSION)).strip("/")
        self.lookback = timedelta(days=int_option(name, options, "lookback_days", 3))
        backfill = options.get("backfill_days")
        self.backfill = (
            timedelta(days=int_option(name, options, "backfill_days", 0, 1)) if backfill else None
        )
        self.comments = bool(options.get("comments", True))
        self.page_size = int_option(name, options, "page_size", 25, 1)
        self.comment_page_size = int_option(name, options, "comment_page_size", 100, 1)
        self.flush_items = int_option(name, options, "flush_items", 2000, 1)
        self.policy = policy
        self.client: HttpClient | None = None
        if token is not None:
            self.client = self.bearer_client(
                str(options.get("base_url", GRAPH_URL)),
                token,
                policy,
                classify=classify,
                on_response=self._slowdown,
            )

    def queries(self) -> list[str]:
        return list(self.pages)

    def _slowdown(self, response: httpx.Response) -> float:
        high, regain = usage_percent(response.headers)
        at = self.policy.slowdown_at
        if high < at:
            return 0.0
        scale = min(1.0, (high - at) / max(1.0, 100.0 - at))
        pause = max(regain, self.policy.slowdown_wait * max(scale, 0.1))
        return min(pause, self.policy.max_wait)

    def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        assert self.client is not None
        body = self.client.get_json(f"/{self.version}/{path}", params)
        if not isinstance(body, dict):
            raise BadResponse(f"Graph API /{path}: expected a JSON object")
        return body

    def fetch(self, query: str, state: Mapping[str, Any]) -> Iterator[Page]:
        page = self._get(query, {"fields": PAGE_FIELDS})
        hwm = state.get("hwm")
        walk = dict(state["walk"]) if isinstance(state.get("walk"), dict) else None
        if walk is None:
            if isinstance(hwm, int):
                since: int | None = hwm + 1 - int(self.lookback.total_seconds())
            elif self.backfill is not None:
                since = int((datetime.now(UTC) - self.backfill).timestamp())
            else:
                since = None
            walk = {"since": since, "next": None, "max": hwm}
        buffer: list[Item] = []
        while True:
            params: dict[str, Any] = {"fields": POST_FIELDS, "limit": self.page_size}
            if walk.get("since") is not None:
                params["since"] = walk["since"]
            params.update(walk.get("next") or {})
            body = self._get(f"{query}/posts", params)
            posts = [p for p in body.get("data") or [] if isinstance(p, dict) and p.get("id")]
            resume = {"hwm": hwm, "walk": dict(walk)}  # re-reads this posts page
            for post in posts:
                buffer.append(post_item(post, page))
                created = int(parse_time(post["created_time"]).timestamp())
                walk["max"] = max(created, walk["max"] or created)
                if self.comments and (_count(post, "comments", "summary", "total_count") != 0):
                    for batch in self._thread(str(post["id"]), page):
                        buffer.extend(batch)
                        if len(buffer) >= self.flush_items:
                            yield Page(buffer, resume)
                            buffer = []
            following = _next_params(body)
            if following and posts:
                walk["next"] = following
                yield Page(buffer, {"hwm": hwm, "walk": dict(walk)})
                buffer = []
                continue
            yield Page(buffer, {"hwm": walk["max"], "walk": None})
            return

    def _thread(self, post_id: str, page: Mapping[str, Any]) -> Iterator[list[Item]]:
        """The post's comments and their replies, a page of the API at a time."""
        for comment_page in self._edge(f"{post_id}/comments", {"filter": "toplevel"}):
            items = [comment_item(c, post_id, post_id, page) for c in comment_page]
            yield items
            for comment in comment_page:
                if _count(comment, "comment_count"):
                    cid = str(comment["id"])
                    for replies in self._edge(f"{cid}/comments", {}):
                        yield [comment_item(r, post_id, cid, page) for r in replies]

    def _edge(self, path: str, extra: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        following: dict[str, str] | None = None
        while True:
            params = {"fields": COMMENT_FIELDS, "limit": self.comment_page_size, **extra}
            params.update(following or {})
            body = self._get(path, params)
            data = [
                c
                for c in body.get("data") or []
                if isinstance(c, dict) and c.get("id") and c.get("created_time")
            ]
            yield data
            following = _next_params(body)
            if not following or not data:
                return


_NOT_CARRIED: Final[frozenset[str]] = frozenset({"access_token", "appsecret_proof", "fields"})


def _next_params(body: Mapping[str, Any]) -> dict[str, str] | None:
    """The parameters of the next page when the answer says there is one: the
    ``after`` cursor, or (time-based paging) the parameters of ``paging.next`` less the
    credential, which is never carried over."""
    paging = body.get("paging")
    if not isinstance(paging, dict) or not isinstance(paging.get("next"), str):
        return None
    cursors = paging.get("cursors")
    after = cursors.get("after") if isinstance(cursors, dict) else None
    if after:
        return {"after": str(after)}
    try:
        params = httpx.URL(paging["next"]).params
    except (httpx.InvalidURL, TypeError):
        return None
    carried = {k: v for k, v in params.multi_items() if k not in _NOT_CARRIED}
    return carried or None
