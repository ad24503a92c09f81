"""News and forum feeds: an RSS 2.0 news feed with article pages, a XenForo-style forum
RSS feed (``dc:creator``, ``content:encoded``) and an Atom feed, with ETag /
Last-Modified validators."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

from tests.sources.connectors.servers import Req, Resp

LEADS = [
    "Khách hàng phàn nàn trà sữa Mây giao hàng chậm",
    "Giá cà phê tăng mạnh trong quý I ☕",
    "Chuỗi trà sữa mở thêm 20 cửa hàng tại Hà Nội",
]


def article_html(i: int) -> str:
    body = " ".join(
        f"Đoạn {k}: {LEADS[i % 3]}, theo phản ánh của nhiều người tiêu dùng tại TP.HCM."
        for k in range(6)
    )
    return (
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
        f"<title>{escape(LEADS[i % 3])}</title></head><body>"
        "<nav><a href='/'>Trang chủ</a> | <a href='/kinh-doanh'>Kinh doanh</a></nav>"
        f"<article><h1>{escape(LEADS[i % 3])}</h1><p class='lead'>Bài số {i}.</p>"
        f"<p>{escape(body)}</p><p>Phóng viên ghi nhận tình trạng này kéo dài nhiều ngày.</p>"
        "</article><aside>Quảng cáo</aside><footer>© Báo Tin Nhanh</footer></body></html>"
    )


class FeedsApp:
    def __init__(self, news: int = 25, forum: int = 6) -> None:
        self.start = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
        self.news = news
        self.forum = forum
        self.etag = '"v1"'
        self.modified = format_datetime(self.start, usegmt=True)
        self.missing_articles = {3}
        self.not_modified = 0
        self.base = ""

    def __call__(self, req: Req) -> Resp:
        if req.path in ("/rss/kinh-doanh.rss", "/forums/f/diem-bao.33/index.rss", "/atom.xml"):
            if req.headers.get("if-none-match") == self.etag:
                self.not_modified += 1
                return Resp(304, b"", {"ETag": self.etag})
            headers = {"ETag": self.etag, "Last-Modified": self.modified}
            if req.path.startswith("/rss"):
                return Resp(
                    200,
                    self.rss(),
                    {"Content-Type": "application/rss+xml; charset=UTF-8", **headers},
                )
            if req.path.startswith("/forums"):
                return Resp(200, self.xenforo(), {"Content-Type": "application/rss+xml", **headers})
            return Resp(200, self.atom(), {"Content-Type": "application/atom+xml", **headers})
        if req.path.startswith("/kinh-doanh/"):
            i = int(req.path.rsplit("-", 1)[-1].removesuffix(".html"))
            if i in self.missing_articles:
                return Resp(
                    404, "<html><body>Không tìm thấy</body></html>", {"Content-Type": "text/html"}
                )
            return Resp(200, article_html(i), {"Content-Type": "text/html; charset=utf-8"})
        if req.path == "/not-a-feed":
            return Resp(200, "<html><body>hello</body></html>", {"Content-Type": "text/html"})
        return Resp(404, "not found")

    def article_ids(self) -> set[str]:
        return {f"{self.base}/kinh-doanh/bai-{i}.html" for i in range(self.news)}

    def thread_ids(self) -> set[str]:
        return {f"{self.base}/forums/threads/chu-de.{900 + i}/" for i in range(self.forum)}

    def rss(self) -> str:
        items = []
        for i in range(self.news):
            at = format_datetime(self.start - timedelta(minutes=30 * i), usegmt=True)
            link = f"{self.base}/kinh-doanh/bai-{i}.html"
            date = f"<pubDate>{at}</pubDate>" if i != 5 else ""  # one entry without a date
            items.append(
                f"<item><title>{escape(LEADS[i % 3])} ({i})</title><link>{link}</link>"
                f"<guid isPermaLink='true'>{link}</guid>"
                f"<description><![CDATA[<img src='x.jpg'/><p>Tóm tắt bài {i} 😮</p>]]>"
                f"</description>{date}<category>Kinh doanh</category></item>"
            )
        return (
            "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
            "<title>Báo Tin Nhanh - Kinh doanh</title><link>https://tinnhanh.example</link>"
            "<description>Tin kinh doanh</description><language>vi-VN</language>"
            + "".join(items)
            + "</channel></rss>"
        )

    def xenforo(self) -> str:
        items = []
        for i in range(self.forum):
            at = format_datetime(self.start - timedelta(hours=i), usegmt=True)
            link = f"{self.base}/forums/threads/chu-de.{900 + i}/"
            items.append(
                f"<item><title>Hỏi về trà sữa Mây {i} 🤔</title><pubDate>{at}</pubDate>"
                f"<link>{link}</link><guid isPermaLink='false'>{link}</guid>"
                f"<author>invalid@example.com (thanhvien{i})</author>"
                f"<dc:creator>thanhvien{i}</dc:creator>"
                f"<content:encoded><![CDATA[<div class='bbWrapper'>Mọi người thấy trà sữa Mây "
                f"thế nào? ko ngon như quảng cáo 😤<br/>Thread {i}</div>]]></content:encoded>"
                "</item>"
            )
        return (
            "<?xml version='1.0' encoding='utf-8'?><rss version='2.0' "
            "xmlns:atom='http://www.w3.org/2005/Atom' "
            "xmlns:dc='http://purl.org/dc/elements/1.1/' "
            "xmlns:content='http://purl.org/rss/1.0/modules/content/'><channel>"
            "<title>Điểm báo</title><link>https://forum.example/forums/diem-bao.33/</link>"
            "<language>vi-VN</language>" + "".join(items) + "</channel></rss>"
        )

    def atom(self) -> str:
        entries = "".join(
            f"<entry><title>Bài Atom {i}</title><link href='{self.base}/kinh-doanh/bai-{i}.html'/>"
            f"<id>tag:tinnhanh.example,2026:{i}</id>"
            f"<updated>2026-03-01T0{i}:00:00+07:00</updated>"
            f"<summary>Tóm tắt Atom {i}</summary><author><name>PV {i}</name></author></entry>"
            for i in range(3)
        )
        return (
            "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            "<title>Tin Nhanh Atom</title><id>tag:tinnhanh.example,2026:feed</id>"
            "<updated>2026-03-01T08:00:00Z</updated>" + entries + "</feed>"
        )
