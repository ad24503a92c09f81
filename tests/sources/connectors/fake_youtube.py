"""A YouTube Data API v3 stand-in: search.list (date order, publishedAfter, page
tokens), videos.list, channels.list, commentThreads.list and comments.list in their
documented shapes, the API key in ``X-Goog-Api-Key``, and the documented errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.sources.connectors.servers import Req, Resp

KEY = "AIzaSyFakeYouTubeKey_0123456789abcdefXYZ"
TITLES = [
    "Review trà sữa Mây 🧋 có ngon như lời đồn?",
    "Unboxing điện thoại mới 📱 giá rẻ bất ngờ",
    "Giao hàng chậm 3 ngày 😤 trải nghiệm tệ",
    "Vlog ăn uống Sài Gòn ❤️",
]


def yt_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _comment(
    cid: str, video: str, text: str, at: datetime, parent: str | None = None, likes: int = 0
) -> dict[str, Any]:
    snippet: dict[str, Any] = {
        "channelId": "UCowner",
        "videoId": video,
        "textDisplay": text.replace("\n", "<br>"),
        "textOriginal": text,
        "authorDisplayName": f"@nguoi-xem-{cid[-2:]}",
        "authorProfileImageUrl": "https://yt3.ggpht.com/x.jpg",
        "authorChannelUrl": f"http://www.youtube.com/@viewer{cid[-2:]}",
        "authorChannelId": {"value": f"UCviewer{cid[-2:]}"},
        "canRate": True,
        "viewerRating": "none",
        "likeCount": likes,
        "publishedAt": yt_time(at),
        "updatedAt": yt_time(at),
    }
    if parent:
        snippet["parentId"] = parent
    return {"kind": "youtube#comment", "etag": "e", "id": cid, "snippet": snippet}


@dataclass
class Video:
    id: str
    channel: str
    published: datetime
    title: str
    stats: dict[str, str]
    threads: list[dict[str, Any]] = field(default_factory=list)  # top comment + replies
    comments_disabled_api: bool = False


def make_videos(n: int = 9, *, start: datetime | None = None, threads: int = 3) -> list[Video]:
    start = start or datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    out = []
    for i in range(n):
        at = start - timedelta(hours=3 * i)
        vid = f"vid{i:04d}xyz"
        stats = {
            "viewCount": str(1000 * (i + 1)),
            "likeCount": str(10 * i),
            "favoriteCount": "0",
            "commentCount": "0",
        }
        video = Video(vid, f"UCchan{i % 3}", at, f"{TITLES[i % len(TITLES)]} #{i}", stats)
        for j in range(i % (threads + 1)):
            tid = f"Ug{i:03d}{j:02d}"
            replies = [
                _comment(
                    f"{tid}.r{k:02d}",
                    vid,
                    f"đồng ý {k} 👍",
                    at + timedelta(minutes=j + k),
                    parent=tid,
                )
                for k in range((j * 4) % 8)  # 0, 4, 0, 4, …: some threads need comments.list
            ]
            top = _comment(
                tid,
                vid,
                f"{TITLES[(i + j) % 4]} — bình luận {j}",
                at + timedelta(minutes=j),
                likes=j,
            )
            video.threads.append({"top": top, "replies": replies})
        stats["commentCount"] = str(sum(1 + len(t["replies"]) for t in video.threads))
        out.append(video)
    if n >= 4:
        out[1].stats.pop("likeCount")  # likes hidden by the owner
        out[2].stats.pop("commentCount")  # comments disabled: no count at all
        out[2].threads = []
        out[3].comments_disabled_api = True  # count present, but the API says disabled
    return out


def ids(videos: list[Video]) -> set[str]:
    out = set()
    for v in videos:
        if v.comments_disabled_api:
            out.add(v.id)
            continue
        out.add(v.id)
        for t in v.threads:
            out.add(t["top"]["id"])
            out.update(r["id"] for r in t["replies"])
    return out


def _error(status: int, reason: str, message: str, domain: str = "youtube.api") -> Resp:
    return Resp(
        status,
        {
            "error": {
                "code": status,
                "message": message,
                "errors": [{"message": message, "domain": domain, "reason": reason}],
                "status": {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}.get(
                    status, "UNKNOWN"
                ),
            }
        },
    )


def quota_exceeded() -> Resp:
    return _error(
        403,
        "quotaExceeded",
        "The request cannot be completed because you have exceeded your "
        '<a href="/youtube/v3/getting-started#quota">quota</a>.',
        "youtube.quota",
    )


class YouTubeApp:
    def __init__(self, videos: list[Video], key: str = KEY, page_size: int | None = None) -> None:
        self.videos = sorted(videos, key=lambda v: v.published, reverse=True)
        self.key = key
        self.page_size = page_size
        self.served: set[str] = set()
        self.units = 0

    def __call__(self, req: Req) -> Resp:
        if req.headers.get("x-goog-api-key", req.query.get("key")) != self.key:
            return _error(
                400, "badRequest", "API key not valid. Please pass a valid API key.", "global"
            )
        method = req.path.rsplit("/", 1)[-1]
        self.units += 100 if method == "search" else 1
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return _error(404, "notFound", "Not Found", "global")
        result: Resp = handler(req.query)
        return result

    def _page(
        self, q: dict[str, str], items: list[Any], limit: int
    ) -> tuple[list[Any], dict[str, Any]]:
        size = self.page_size or limit
        start = int(q["pageToken"].removeprefix("CAU")) if q.get("pageToken") else 0
        chunk = items[start : start + size]
        extra: dict[str, Any] = {"pageInfo": {"totalResults": len(items), "resultsPerPage": size}}
        if start + size < len(items):
            extra["nextPageToken"] = f"CAU{start + size}"
        return chunk, extra

    def _search(self, q: dict[str, str]) -> Resp:
        videos = self.videos
        if q.get("channelId"):
            videos = [v for v in videos if v.channel == q["channelId"]]
        if q.get("publishedAfter"):
            after = datetime.fromisoformat(q["publishedAfter"].replace("Z", "+00:00"))
            videos = [v for v in videos if v.published >= after]
        chunk, extra = self._page(q, videos, int(q.get("maxResults", "5")))
        items = [
            {
                "kind": "youtube#searchResult",
                "etag": "e",
                "id": {"kind": "youtube#video", "videoId": v.id},
                "snippet": {
                    "publishedAt": yt_time(v.published),
                    "channelId": v.channel,
                    "title": v.title,
                    "description": "mô tả",
                    "channelTitle": "Kênh",
                    "liveBroadcastContent": "none",
                },
            }
            for v in chunk
        ]
        # a playlist result is skipped by the connector
        if chunk and not q.get("pageToken"):
            items.append(
                {
                    "kind": "youtube#searchResult",
                    "etag": "e",
                    "id": {"kind": "youtube#playlist", "playlistId": "PL1"},
                    "snippet": {"publishedAt": yt_time(chunk[0].published)},
                }
            )
        return Resp(
            200,
            {
                "kind": "youtube#searchListResponse",
                "etag": "e",
                "regionCode": "VN",
                "items": items,
                **extra,
            },
        )

    def _videos(self, q: dict[str, str]) -> Resp:
        wanted = q["id"].split(",")
        items = []
        for v in self.videos:
            if v.id in wanted:
                self.served.add(v.id)
                items.append(
                    {
                        "kind": "youtube#video",
                        "etag": "e",
                        "id": v.id,
                        "snippet": {
                            "publishedAt": yt_time(v.published),
                            "channelId": v.channel,
                            "title": v.title,
                            "description": f"Mô tả video {v.id} 🎬",
                            "channelTitle": f"Kênh {v.channel[-1]}",
                            "tags": ["review"],
                            "categoryId": "22",
                            "liveBroadcastContent": "none",
                            "defaultAudioLanguage": "vi",
                        },
                        "statistics": dict(v.stats),
                    }
                )
        return Resp(
            200,
            {
                "kind": "youtube#videoListResponse",
                "items": items,
                "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
            },
        )

    def _channels(self, q: dict[str, str]) -> Resp:
        items = []
        for cid in q["id"].split(","):
            stats: dict[str, Any] = {
                "viewCount": "100000",
                "subscriberCount": "25300",
                "hiddenSubscriberCount": False,
                "videoCount": "120",
            }
            if cid.endswith("2"):
                stats = {"viewCount": "5", "hiddenSubscriberCount": True, "videoCount": "1"}
            items.append({"kind": "youtube#channel", "etag": "e", "id": cid, "statistics": stats})
        return Resp(200, {"kind": "youtube#channelListResponse", "items": items})

    def _video(self, vid: str) -> Video | None:
        return next((v for v in self.videos if v.id == vid), None)

    def _commentThreads(self, q: dict[str, str]) -> Resp:
        video = self._video(q.get("videoId", ""))
        if video is None:
            return _error(
                404,
                "videoNotFound",
                "The video identified by the videoId parameter could not be found.",
            )
        if video.comments_disabled_api:
            return _error(
                403,
                "commentsDisabled",
                "The video identified by the videoId parameter has disabled comments.",
            )
        chunk, extra = self._page(q, video.threads, int(q.get("maxResults", "20")))
        items = []
        for t in chunk:
            inline = t["replies"][:2]  # the API returns only some replies inline
            self.served.add(t["top"]["id"])
            self.served.update(r["id"] for r in inline)
            thread: dict[str, Any] = {
                "kind": "youtube#commentThread",
                "etag": "e",
                "id": t["top"]["id"],
                "snippet": {
                    "channelId": video.channel,
                    "videoId": video.id,
                    "topLevelComment": t["top"],
                    "canReply": True,
                    "totalReplyCount": len(t["replies"]),
                    "isPublic": True,
                },
            }
            if inline:
                thread["replies"] = {"comments": inline}
            items.append(thread)
        return Resp(200, {"kind": "youtube#commentThreadListResponse", "items": items, **extra})

    def _comments(self, q: dict[str, str]) -> Resp:
        parent = q.get("parentId", "")
        for v in self.videos:
            for t in v.threads:
                if t["top"]["id"] == parent:
                    chunk, extra = self._page(q, t["replies"], int(q.get("maxResults", "20")))
                    self.served.update(r["id"] for r in chunk)
                    return Resp(
                        200, {"kind": "youtube#commentListResponse", "items": chunk, **extra}
                    )
        return _error(404, "commentNotFound", "The comment could not be found.")
