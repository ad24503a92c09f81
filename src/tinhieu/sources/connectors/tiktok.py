"""TikTok Research API: videos found by keywords or hashtags in a date range, and their
comments.

A client token (``POST /v2/oauth/token/`` with ``grant_type=client_credentials`` and
the client key and secret from the environment variables named by ``client_key_env``
and ``client_secret_env``), then, with ``Authorization: Bearer``:

- ``POST /v2/research/video/query/?fields=…`` with ``{"query": {"and": [...]},
  "start_date": "YYYYMMDD", "end_date": "YYYYMMDD", "max_count": 100, "cursor",
  "search_id"}``; a window is at most 30 days, so a longer range is walked window by
  window; ``has_more``/``cursor``/``search_id`` page within a window;
- ``POST /v2/research/video/comment/list/?fields=…`` with ``{"video_id", "max_count",
  "cursor"}`` for each video with comments.

Incremental: a query's state is ``{"done": last fully collected day (YYYYMMDD), "walk":
{"start", "end", "cursor", "search_id"}}``. A run reads from ``done`` less
``lookback_days`` (TikTok indexes videos with a delay of a day or two) to today, saving
the cursor and ``search_id`` with each page's rows. Errors arrive as ``{"error":
{"code", "message", "log_id"}}``; ``daily_quota_limit_exceeded`` (1,000 requests a day)
stops the source until the quota resets at 00:00 UTC.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

import httpx

from tinhieu.sources.connectors.base import (
    AuthError,
    BadResponse,
    ConfigError,
    ConnectorError,
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
from tinhieu.sources.connectors.oauth import PostClient, TokenCache

TIKTOK_URL: Final[str] = "https://open.tiktokapis.com"
VIDEO_FIELDS: Final[str] = (
    "id,video_description,create_time,region_code,share_count,view_count,like_count,"
    "comment_count,music_id,hashtag_names,username,favorites_count"
)
COMMENT_FIELDS: Final[str] = "id,video_id,text,like_count,reply_count,parent_comment_id,create_time"
MAX_WINDOW_DAYS: Final[int] = 30
_OPTIONS: Final[frozenset[str]] = frozenset(
    {
        "keywords",
        "hashtags",
        "region_codes",
        "client_key_env",
        "client_secret_env",
        "base_url",
        "lookback_days",
        "backfill_days",
        "comments",
        "max_count",
        "flush_items",
    }
)
_AUTH_CODES: Final[frozenset[str]] = frozenset(
    {"access_token_invalid", "invalid_client", "invalid_grant", "token_expired"}
)
_PERMISSION_CODES: Final[frozenset[str]] = frozenset(
    {"scope_not_authorized", "scope_permission_missed", "access_denied", "unauthorized_client"}
)
_QUOTA_CODES: Final[frozenset[str]] = frozenset({"daily_quota_limit_exceeded"})


# --- mapping (pure) ------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def video_item(video: Mapping[str, Any]) -> Item:
    """A video of ``data.videos`` as a Mention item (the Research API gives the author's
    username only: no follower count, no display name)."""
    vid = str(video["id"])
    user = video.get("username")
    attrs = {
        k: video[k]
        for k in ("region_code", "hashtag_names", "music_id", "favorites_count")
        if video.get(k) not in (None, "", [])
    }
    item: Item = {
        "platform": "tiktok",
        "kind": "video",
        "source_id": vid,
        "url": f"https://www.tiktok.com/@{user}/video/{vid}" if user else None,
        "author_id": user or None,
        "author_name": user or None,
        "author_kind": "person" if user else None,
        "text": video.get("video_description") or None,
        "created_at": _int(video.get("create_time")),
        "views": _int(video.get("view_count")),
        "likes": _int(video.get("like_count")),
        "comments": _int(video.get("comment_count")),
        "shares": _int(video.get("share_count")),
        "attrs": attrs or None,
    }
    return {k: v for k, v in item.items() if v is not None}


def comment_item(comment: Mapping[str, Any], video_id: str) -> Item:
    """A comment of ``data.comments``: its ``parent_comment_id`` is the video's id for a
    comment on the video, another comment's id for a reply. No author is given."""
    parent = str(comment.get("parent_comment_id") or video_id)
    item: Item = {
        "platform": "tiktok",
        "kind": "comment" if parent == video_id else "reply",
        "source_id": str(comment["id"]),
        "parent_id": parent,
        "text": comment.get("text") or None,
        "created_at": _int(comment.get("create_time")),
        "likes": _int(comment.get("like_count")),
        "comments": _int(comment.get("reply_count")),
        "attrs": {"video_id": video_id},
    }
    return {k: v for k, v in item.items() if v is not None}


def query_body(keywords: list[str], hashtags: list[str], regions: list[str]) -> dict[str, Any]:
    """The ``query`` object: any of the keywords or hashtags, in the regions if given."""
    conditions: list[dict[str, Any]] = []
    if keywords:
        conditions.append({"operation": "IN", "field_name": "keyword", "field_values": keywords})
    if hashtags:
        tags = [h.lstrip("#") for h in hashtags]
        conditions.append({"operation": "IN", "field_name": "hashtag_name", "field_values": tags})
    query: dict[str, Any] = {"or": conditions}
    if regions:
        query["and"] = [{"operation": "IN", "field_name": "region_code", "field_values": regions}]
    return query


def windows(start: date, end: date) -> list[tuple[date, date]]:
    """``[start, end]`` cut into inclusive windows of at most 30 days."""
    out = []
    while start <= end:
        stop = min(end, start + timedelta(days=MAX_WINDOW_DAYS - 1))
        out.append((start, stop))
        start = stop + timedelta(days=1)
    return out


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def _parse_day(value: str) -> date:
    return datetime.strptime(value, "%Y%m%d").replace(tzinfo=UTC).date()


def classify(response: httpx.Response) -> ConnectorError:
    """A TikTok error (``{"error": {"code", "message", "log_id"}}``, or the token
    endpoint's ``{"error", "error_description", "log_id"}``) as a typed error."""
    body = error_body(response)
    body = body if isinstance(body, dict) else {}
    error = body.get("error")
    if isinstance(error, dict):
        code, message, log_id = error.get("code"), error.get("message"), error.get("log_id")
    else:
        code, message, log_id = error, body.get("error_description"), body.get("log_id")
    code = str(code or "")
    status = response.status_code
    where = f"TikTok API {status} {code}".rstrip() + (f" (log_id {log_id})" if log_id else "")
    message = str(message or "")[:300]
    if code in _QUOTA_CODES:
        return QuotaExhausted(
            f"{where}: the daily request quota of the Research API is used up ({message}). "
            "It resets at 00:00 UTC",
            status=status,
        )
    if code == "rate_limit_exceeded" or status == 429:
        return RateLimited(f"{where}: too many requests ({message})", status=status)
    if code in _AUTH_CODES or status == 401:
        return AuthError(
            f"{where}: the client token was refused ({message}). Check the client key and "
            "secret in the environment variables named by client_key_env / client_secret_env",
            status=status,
        )
    if code in _PERMISSION_CODES or status == 403:
        return PermissionDenied(
            f"{where}: not allowed ({message}). The app needs approved Research API access "
            "(scope research.data.basic)",
            status=status,
        )
    if status == 404 or code == "not_found":
        return NotFound(f"{where}: not found ({message})", status=status)
    if status >= 500 or code == "internal_error":
        return ServerError(f"{where}: temporary TikTok problem ({message})", status=status)
    if status == 400:
        return HttpError(f"{where}: the request was refused ({message})", status=status)
    return classify_status(response, f"{where}: {message}")


# --- the connector -------------------------------------------------------------------------


class TikTokConnector(CredentialedConnector):
    platform = "tiktok"

    CREDENTIAL_OPTIONS = ("client_key_env", "client_secret_env")

    def __init__(
        self,
        name: str,
        options: Mapping[str, Any],
        policy: HttpPolicy,
        credentials: tuple[str, str] | None,
    ) -> None:
        super().__init__(name)
        check_options(name, options, _OPTIONS)
        self.keywords = str_list(name, options, "keywords")
        self.hashtags = str_list(name, options, "hashtags")
        if not self.keywords and not self.hashtags:
            raise ConfigError(f"source {name}: give keywords and/or hashtags")
        self.regions = str_list(name, options, "region_codes")
        self.lookback = timedelta(days=int_option(name, options, "lookback_days", 2))
        self.backfill = timedelta(days=int_option(name, options, "backfill_days", 7, 1))
        self.comments = bool(options.get("comments", True))
        self.max_count = min(100, int_option(name, options, "max_count", 100, 1))
        self.flush_items = int_option(name, options, "flush_items", 2000, 1)
        self.credentials = credentials
        self.client: PostClient | None = None
        if credentials is not None:
            self.client = PostClient(
                str(options.get("base_url", TIKTOK_URL)).rstrip("/"),
                policy,
                secrets=credentials,
                classify=classify,
                stats=self.stats,
            )
        self.tokens = TokenCache(self._new_token)
        self.today: date | None = None  # tests pin the day

    def queries(self) -> list[str]:
        """One query (one cursor) for the source: its keywords and hashtags together
        (each request costs quota, so they are asked in one condition)."""
        parts = [*self.keywords, *(f"#{h.lstrip('#')}" for h in self.hashtags)]
        return [" | ".join(parts)]

    def _new_token(self) -> tuple[str, float]:
        assert self.client is not None and self.credentials is not None
        key, secret = self.credentials
        response = self.client.post(
            "/v2/oauth/token/",
            form={"client_key": key, "client_secret": secret, "grant_type": "client_credentials"},
        )
        body = response.json() if response.content else {}
        if not isinstance(body, dict) or not body.get("access_token"):
            raise (
                classify(response)
                if isinstance(body, dict) and body.get("error")
                else (AuthError("TikTok token endpoint: no access token in the answer"))
            )
        expires = body.get("expires_in")
        seconds = _int(expires)
        return str(body["access_token"]), float(seconds) if seconds else 7200.0

    def _post(self, path: str, fields: str, payload: dict[str, Any]) -> dict[str, Any]:
        assert self.client is not None
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self.tokens.get()}"}
            try:
                response = self.client.post(
                    path, json_body=payload, params={"fields": fields}, headers=headers
                )
            except AuthError:
                if attempt == 2:
                    raise
                self.tokens.invalidate()  # the 2-hour token expired mid-run
                continue
            try:
                body = response.json()
            except ValueError:
                raise BadResponse(f"TikTok {path}: expected JSON") from None
            error = body.get("error") if isinstance(body, dict) else None
            if isinstance(error, dict) and error.get("code") not in (None, "ok"):
                raise classify(response)
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, dict):
                raise BadResponse(f"TikTok {path}: expected a data object")
            return data
        raise AssertionError("unreachable")

    def fetch(self, query: str, state: Mapping[str, Any]) -> Iterator[Page]:
        today = self.today or datetime.now(UTC).date()
        done = state.get("done") if isinstance(state.get("done"), str) else None
        walk = dict(state["walk"]) if isinstance(state.get("walk"), dict) else None
        if walk is None:
            first = _parse_day(done) - self.lookback if done else today - self.backfill
            walk = {"start": _day(first), "end": None, "cursor": 0, "search_id": None}
        condition = query_body(self.keywords, self.hashtags, self.regions)
        start = _parse_day(walk["start"])
        while start <= today:
            if walk.get("end") is not None and walk["start"] == _day(start):
                end = _parse_day(walk["end"])  # resume the window the last run was in
            else:
                end = min(today, start + timedelta(days=MAX_WINDOW_DAYS - 1))
                walk = {"start": _day(start), "end": _day(end), "cursor": 0, "search_id": None}
            while True:
                payload: dict[str, Any] = {
                    "query": condition,
                    "start_date": walk["start"],
                    "end_date": walk["end"],
                    "max_count": self.max_count,
                    "cursor": walk["cursor"],
                }
                if walk.get("search_id"):
                    payload["search_id"] = walk["search_id"]
                resume = {"done": done, "walk": dict(walk)}
                data = self._post("/v2/research/video/query/", VIDEO_FIELDS, payload)
                videos = [
                    v
                    for v in data.get("videos") or []
                    if isinstance(v, dict) and v.get("id") and _int(v.get("create_time"))
                ]
                buffer = [video_item(v) for v in videos]
                if self.comments:
                    for video in videos:
                        if not _int(video.get("comment_count")):
                            continue
                        for batch in self._comments(str(video["id"])):
                            buffer.extend(batch)
                            if len(buffer) >= self.flush_items:
                                yield Page(buffer, resume)
                                buffer = []
                if data.get("has_more") and videos:
                    walk["cursor"] = _int(data.get("cursor")) or walk["cursor"] + len(videos)
                    walk["search_id"] = data.get("search_id") or walk.get("search_id")
                    yield Page(buffer, {"done": done, "walk": dict(walk)})
                    continue
                # a window is done: the next run starts from its end (less the look-back)
                done = walk["end"]
                start = end + timedelta(days=1)
                walk = {"start": _day(start), "end": None, "cursor": 0, "search_id": None}
                yield Page(buffer, {"done": done, "walk": None if end >= today else walk})
                break

    def _comments(self, video_id: str) -> Iterator[list[Item]]:
        cursor = 0
        while True:
            data = self._post(
                "/v2/research/video/comment/list/",
                COMMENT_FIELDS,
                {"video_id": int(video_id), "max_count": self.max_count, "cursor": cursor},
            )
            comments = [
                c
                for c in data.get("comments") or []
                if isinstance(c, dict) and c.get("id") and _int(c.get("create_time"))
            ]
            yield [comment_item(c, video_id) for c in comments]
            if not data.get("has_more") or not comments:
                return
            cursor = _int(data.get("cursor")) or cursor + len(comments)
