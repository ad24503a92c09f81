"""YouTube Data API v3: videos found by keyword search or by channel, their statistics,
comment threads and replies, within a daily quota budget.

Calls (API key in the ``X-Goog-Api-Key`` header, never in the URL), with their quota
cost in units: ``search.list`` 100, ``videos.list`` 1, ``channels.list`` 1,
``commentThreads.list`` 1, ``comments.list`` 1. Units are counted before each call
(failed calls cost quota too) per Pacific-time day, the day YouTube's quota resets on,
in the ledger saved with every page; the run stops cleanly (:class:`BudgetReached`)
before it would pass ``daily_quota``.

Incremental: a query's state is ``{"hwm": newest video time seen (RFC 3339), "walk":
{"after", "token", "max"}}``: ``search.list`` orders by date, ``publishedAfter`` is the
high-water mark less ``lookback_days``, and the page token is saved after each search
page with the rows it produced.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

import httpx

from tinhieu.sources.connectors.base import (
    AuthError,
    BadResponse,
    BudgetReached,
    ConfigError,
    ConnectorError,
    HttpClient,
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

YOUTUBE_URL: Final[str] = "https://www.googleapis.com/youtube/v3"
COSTS: Final[dict[str, int]] = {
    "search": 100,
    "videos": 1,
    "channels": 1,
    "commentThreads": 1,
    "comments": 1,
}
DEFAULT_DAILY_QUOTA: Final[int] = 10_000
QUOTA_ZONE: Final[ZoneInfo] = ZoneInfo("America/Los_Angeles")
LEDGER: Final[str] = "@quota"
_OPTIONS: Final[frozenset[str]] = frozenset(
    {
        "queries",
        "channels",
        "key_env",
        "base_url",
        "daily_quota",
        "lookback_days",
        "backfill_days",
        "comments",
        "region_code",
        "relevance_language",
        "max_results",
        "flush_items",
    }
)
_QUOTA_REASONS: Final[frozenset[str]] = frozenset({"quotaExceeded", "dailyLimitExceeded"})
_RATE_REASONS: Final[frozenset[str]] = frozenset(
    {"rateLimitExceeded", "userRateLimitExceeded", "servingLimitExceeded"}
)
_AUTH_REASONS: Final[frozenset[str]] = frozenset(
    {"keyInvalid", "keyExpired", "authError", "unauthorized"}
)
_PERMISSION_REASONS: Final[frozenset[str]] = frozenset(
    {"forbidden", "insufficientPermissions", "accessNotConfigured", "ipRefererBlocked"}
)


class CommentsDisabled(ConnectorError):
    """The video's comments are turned off (not an error of the run)."""

    kind = "comments_disabled"


# --- mapping (pure) ----------------------------------------------------------------------


def _int(value: Any) -> int | None:
    """A statistics count (the API sends them as strings); None when absent or hidden."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _lang(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    code = value.split("-")[0].lower()
    return code if len(code) == 2 else None


def video_item(video: Mapping[str, Any], channel: Mapping[str, Any] | None = None) -> Item:
    """A ``videos.list`` resource (parts snippet, statistics) as a Mention item; its
    channel (``channels.list`` with statistics) gives the subscriber count."""
    snippet = video.get("snippet") or {}
    stats = video.get("statistics") or {}
    channel_stats = (channel or {}).get("statistics") or {}
    followers = None
    if not channel_stats.get("hiddenSubscriberCount"):
        followers = _int(channel_stats.get("subscriberCount"))
    attrs = {
        k: snippet[k]
        for k in ("categoryId", "liveBroadcastContent")
        if snippet.get(k) not in (None, "", "none")
    }
    if snippet.get("tags"):
        attrs["tags"] = snippet["tags"]
    if _int(stats.get("favoriteCount")):
        attrs["favoriteCount"] = _int(stats.get("favoriteCount"))
    item: Item = {
        "platform": "youtube",
        "kind": "video",
        "source_id": str(video["id"]),
        "url": f"https://www.youtube.com/watch?v={video['id']}",
        "author_id": snippet.get("channelId"),
        "author_name": snippet.get("channelTitle"),
        "author_kind": "page",
        "author_followers": followers,
        "title": snippet.get("title") or None,
        "text": snippet.get("description") or None,
        "language": _lang(snippet.get("defaultAudioLanguage") or snippet.get("defaultLanguage")),
        "created_at": snippet.get("publishedAt"),
        "views": _int(stats.get("viewCount")),
        "likes": _int(stats.get("likeCount")),
        "comments": _int(stats.get("commentCount")),
        "attrs": attrs or None,
    }
    return {k: v for k, v in item.items() if v is not None}


def comment_item(comment: Mapping[str, Any], video_id: str, replies: int | None = None) -> Item:
    """A ``comment`` resource (a thread's ``topLevelComment`` or a reply) as a Mention
    item; replies carry ``snippet.parentId``."""
    snippet = comment.get("snippet") or {}
    parent = snippet.get("parentId")
    channel = snippet.get("authorChannelId")
    author_id = channel.get("value") if isinstance(channel, dict) else None
    item: Item = {
        "platform": "youtube",
        "kind": "reply" if parent else "comment",
        "source_id": str(comment["id"]),
        "parent_id": parent or video_id,
        "url": f"https://www.youtube.com/watch?v={video_id}&lc={comment['id']}",
        "author_id": author_id,
        "author_name": snippet.get("authorDisplayName") or None,
        "author_kind": "person",
        "text": snippet.get("textOriginal") or snippet.get("textDisplay") or None,
        "created_at": snippet.get("publishedAt"),
        "likes": _int(snippet.get("likeCount")),
        "comments": replies,
        "attrs": {"video_id": video_id},
    }
    return {k: v for k, v in item.items() if v is not None}


def thread_items(thread: Mapping[str, Any], video_id: str) -> tuple[list[Item], bool]:
    """A ``commentThread`` as its top comment and inline replies, and whether more
    replies than the inline ones exist: then only the top comment is returned and
    ``comments.list`` reads every reply (the inline ones are a subset)."""
    snippet = thread.get("snippet") or {}
    top = snippet.get("topLevelComment")
    total = _int(snippet.get("totalReplyCount")) or 0
    items: list[Item] = []
    if isinstance(top, dict) and top.get("id"):
        items.append(comment_item(top, video_id, total))
    inline = (thread.get("replies") or {}).get("comments") or []
    if total > len(inline):
        return items, True  # comments.list reads them all (the inline ones included)
    items.extend(comment_item(r, video_id) for r in inline if isinstance(r, dict) and r.get("id"))
    return items, False


def classify(response: httpx.Response) -> ConnectorError:
    """A Google API error (``{"error": {"code", "message", "errors": [{"reason"}]}}``)
    as a typed error with the user's next step."""
    body = error_body(response)
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return classify_status(response)
    reasons = {
        str(e.get("reason"))
        for e in error.get("errors") or []
        if isinstance(e, dict) and e.get("reason")
    }
    message = str(error.get("message") or "")[:300]
    status = response.status_code
    where = f"YouTube API {status} {'/'.join(sorted(reasons)) or error.get('status', '')}"
    if reasons & _QUOTA_REASONS:
        return QuotaExhausted(
            f"{where}: the project's daily quota is used up ({message}). It resets at "
            "midnight Pacific time; lower daily_quota or ask Google for more",
            status=status,
        )
    if reasons & _RATE_REASONS:
        return RateLimited(f"{where}: too many requests ({message})", status=status)
    if "commentsDisabled" in reasons:
        return CommentsDisabled(f"{where}: comments are disabled", status=status)
    if status == 401 or reasons & _AUTH_REASONS or "API key" in message:
        return AuthError(
            f"{where}: the API key is not valid or has expired ({message}). Create a key "
            "and set it in the environment variable named by key_env",
            status=status,
        )
    if reasons & _PERMISSION_REASONS or status == 403:
        return PermissionDenied(
            f"{where}: not allowed ({message}). Enable YouTube Data API v3 for the key's "
            "project and check the key's restrictions",
            status=status,
        )
    if status == 404 or any(r.endswith("NotFound") for r in reasons):
        return NotFound(f"{where}: not found ({message})", status=status)
    if status >= 500 or reasons & {"backendError", "internalError"}:
        return ServerError(f"{where}: temporary YouTube problem ({message})", status=status)
    return classify_status(response, f"{where}: {message}")


def quota_day(now: datetime | None = None) -> str:
    """The quota day (YouTube's quota resets at midnight Pacific time)."""
    return (now or datetime.now(UTC)).astimezone(QUOTA_ZONE).date().isoformat()


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# --- the connector -------------------------------------------------------------------------


class YouTubeConnector(CredentialedConnector):
    platform = "youtube"

    CREDENTIAL_OPTIONS = ("key_env",)

    def __init__(
        self, name: str, options: Mapping[str, Any], policy: HttpPolicy, key: str | None
    ) -> None:
        super().__init__(name)
        check_options(name, options, _OPTIONS)
        self.searches = str_list(name, options, "queries")
        self.channels = str_list(name, options, "channels")
        if not self.searches and not self.channels:
            raise ConfigError(f"source {name}: give queries (keywords) and/or channels (ids)")
        self.daily_quota = int_option(name, options, "daily_quota", DEFAULT_DAILY_QUOTA, 1)
        self.lookback = timedelta(days=int_option(name, options, "lookback_days", 3))
        backfill = options.get("backfill_days")
        self.backfill = (
            timedelta(days=int_option(name, options, "backfill_days", 0, 1)) if backfill else None
        )
        self.comments = bool(options.get("comments", True))
        self.max_results = min(50, int_option(name, options, "max_results", 50, 1))
        self.flush_items = int_option(name, options, "flush_items", 2000, 1)
        self.region = options.get("region_code")
        self.relevance_language = options.get("relevance_language")
        self.day = quota_day()
        self.used = 0
        self.client: HttpClient | None = None
        if key is not None:
            self.client = HttpClient(
                str(options.get("base_url", YOUTUBE_URL)).rstrip("/"),
                policy,
                headers={"X-Goog-Api-Key": key},
                secrets=(key,),
                classify=classify,
                stats=self.stats,
            )

    def queries(self) -> list[str]:
        return [f"q:{q}" for q in self.searches] + [f"channel:{c}" for c in self.channels]

    # --- quota ---------------------------------------------------------------------------
    def ledger(self) -> tuple[str, dict[str, Any]]:
        return LEDGER, {"day": self.day, "used": self.used}

    def restore_ledger(self, state: Mapping[str, Any]) -> None:
        today = quota_day()
        if state.get("day") == today and isinstance(state.get("used"), int):
            self.day, self.used = today, int(state["used"])
        else:
            self.day, self.used = today, 0

    def _call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        cost = COSTS[method]
        today = quota_day()
        if today != self.day:
            self.day, self.used = today, 0
        if self.used + cost > self.daily_quota:
            raise BudgetReached(self.used, self.daily_quota, cost)
        self.used += cost
        self.stats.quota_used += cost
        assert self.client is not None
        body = self.client.get_json(f"/{method}", params)
        if not isinstance(body, dict):
            raise BadResponse(f"YouTube {method}.list: expected a JSON object")
        return body

    # --- fetching --------------------------------------------------------------------------
    def fetch(self, query: str, state: Mapping[str, Any]) -> Iterator[Page]:
        kind, _, value = query.partition(":")
        hwm = state.get("hwm") if isinstance(state.get("hwm"), str) else None
        walk = dict(state["walk"]) if isinstance(state.get("walk"), dict) else None
        if walk is None:
            if hwm is not None:
                after: str | None = _rfc3339(_parse(hwm) + timedelta(seconds=1) - self.lookback)
            elif self.backfill is not None:
                after = _rfc3339(datetime.now(UTC) - self.backfill)
            else:
                after = None
            walk = {"after": after, "token": None, "max": hwm}
        while True:
            params: dict[str, Any] = {
                "part": "snippet",
                "type": "video",
                "order": "date",
                "maxResults": self.max_results,
            }
            params["q" if kind == "q" else "channelId"] = value
            for key, opt in (
                ("publishedAfter", walk.get("after")),
                ("pageToken", walk.get("token")),
                ("regionCode", self.region),
                ("relevanceLanguage", self.relevance_language),
            ):
                if opt:
                    params[key] = opt
            body = self._call("search", params)
            ids = [
                str(it["id"]["videoId"])
                for it in body.get("items") or []
                if isinstance(it, dict)
                and isinstance(it.get("id"), dict)
                and it["id"].get("videoId")
            ]
            resume = {"hwm": hwm, "walk": dict(walk)}
            buffer: list[Item] = []
            for batch in self._videos(ids, walk):
                buffer.extend(batch)
                if len(buffer) >= self.flush_items:
                    yield Page(buffer, resume)
                    buffer = []
            token = body.get("nextPageToken")
            if token and ids:
                walk["token"] = str(token)
                yield Page(buffer, {"hwm": hwm, "walk": dict(walk)})
                continue
            yield Page(buffer, {"hwm": walk["max"], "walk": None})
            return

    def _videos(self, ids: list[str], walk: dict[str, Any]) -> Iterator[list[Item]]:
        if not ids:
            return
        body = self._call(
            "videos", {"part": "snippet,statistics", "id": ",".join(ids), "maxResults": 50}
        )
        videos = [v for v in body.get("items") or [] if isinstance(v, dict) and v.get("id")]
        channel_ids = sorted(
            {
                str(v["snippet"]["channelId"])
                for v in videos
                if v.get("snippet", {}).get("channelId")
            }
        )
        channels: dict[str, Any] = {}
        if channel_ids:
            found = self._call(
                "channels", {"part": "statistics", "id": ",".join(channel_ids), "maxResults": 50}
            )
            channels = {str(c["id"]): c for c in found.get("items") or [] if isinstance(c, dict)}
        items = []
        for video in videos:
            snippet = video.get("snippet") or {}
            if not snippet.get("publishedAt"):
                continue
            items.append(video_item(video, channels.get(str(snippet.get("channelId")))))
            if walk["max"] is None or _parse(snippet["publishedAt"]) > _parse(walk["max"]):
                walk["max"] = snippet["publishedAt"]
        yield items
        if not self.comments:
            return
        for video in videos:
            count = _int((video.get("statistics") or {}).get("commentCount"))
            if not count or not (video.get("snippet") or {}).get("publishedAt"):
                continue  # no comments, or commentCount absent: comments are disabled
            yield from self._threads(str(video["id"]))

    def _threads(self, video_id: str) -> Iterator[list[Item]]:
        token: str | None = None
        while True:
            params: dict[str, Any] = {
                "part": "snippet,replies",
                "videoId": video_id,
                "maxResults": 100,
                "textFormat": "plainText",
            }
            if token:
                params["pageToken"] = token
            try:
                body = self._call("commentThreads", params)
            except CommentsDisabled:
                return
            items: list[Item] = []
            more: list[str] = []
            for thread in body.get("items") or []:
                if not isinstance(thread, dict):
                    continue
                found, has_more = thread_items(thread, video_id)
                items.extend(found)
                top = (thread.get("snippet") or {}).get("topLevelComment") or {}
                if has_more and top.get("id"):
                    more.append(str(top["id"]))
            yield items
            for parent in more:
                yield from self._replies(parent, video_id)
            token = body.get("nextPageToken")
            if not token:
                return

    def _replies(self, parent: str, video_id: str) -> Iterator[list[Item]]:
        token: str | None = None
        while True:
            params: dict[str, Any] = {
                "part": "snippet",
                "parentId": parent,
                "maxResults": 100,
                "textFormat": "plainText",
            }
            if token:
                params["pageToken"] = token
            body = self._call("comments", params)
            yield [
                comment_item(c, video_id)
                for c in body.get("items") or []
                if isinstance(c, dict) and c.get("id")
            ]
            token = body.get("nextPageToken")
            if not token:
                return
