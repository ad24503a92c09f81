"""News and forums through RSS 2.0 and Atom feeds, with each article's main text.

A feed is read with a conditional GET (``If-None-Match`` / ``If-Modified-Since`` from
the last answer's ``ETag`` / ``Last-Modified``) and parsed by feedparser. For each entry
not seen before, the article page is fetched and its main text extracted by trafilatura
(news; ``extract = false`` keeps the feed's summary, the default for forums whose feeds
carry the post). News entries are recorded with the outlet as a news author
(``author_kind = 'news'``) so the crisis-stage logic sees the press; forum threads
(XenForo feeds such as Voz or Tinh tế) as platform ``forum`` with the poster as author.

The state of a feed URL is ``{"seen": [entry ids], "etag", "modified"}``; ``seen`` is
saved with each batch of entries, the validators only after the last one, so a run that
dies re-reads the feed and continues with the entries it had not stored.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any, Final
from urllib.parse import urlsplit

from tinhieu.sources.connectors.base import (
    AuthError,
    BadResponse,
    ConfigError,
    Connector,
    ConnectorError,
    HttpClient,
    HttpPolicy,
    Item,
    Page,
)
from tinhieu.sources.connectors.config import check_options, int_option, str_list

_OPTIONS: Final[frozenset[str]] = frozenset(
    {"urls", "platform", "outlet", "extract", "language", "batch_size", "max_seen"}
)
_ACCEPT_FEED: Final[str] = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
)
_ACCEPT_HTML: Final[str] = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
_SPACE: Final[re.Pattern[str]] = re.compile(r"[ \t\r\f\v]+")


# --- mapping (pure) --------------------------------------------------------------------------


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "p", "div", "li", "blockquote"):
            self.parts.append("\n")


def html_to_text(value: str) -> str:
    """Visible text of an HTML fragment (a feed summary), whitespace tidied."""
    parser = _Text()
    parser.feed(value)
    parser.close()
    text = html.unescape("".join(parser.parts))
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def extract_text(page_html: str, url: str | None = None) -> str | None:
    """The main text of an article page (trafilatura), or None when it finds none."""
    import trafilatura  # imported on use: it takes a while to load

    text = trafilatura.extract(
        page_html, url=url, include_comments=False, include_tables=False, favor_precision=True
    )
    return text.strip() or None if text else None


def entry_id(entry: Mapping[str, Any]) -> str | None:
    value = entry.get("id") or entry.get("guid") or entry.get("link")
    return str(value).strip() or None if value else None


def entry_time(entry: Mapping[str, Any]) -> str | None:
    """Publication (else update) time of an entry, in UTC ISO 8601."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            y, mo, d, h, mi, sec = parsed[:6]
            return datetime(y, mo, d, h, mi, sec, tzinfo=UTC).isoformat()
    return None


def _lang(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    code = value.split("-")[0].split("_")[0].lower()
    return code if len(code) == 2 else None


def entry_item(
    entry: Mapping[str, Any],
    feed: Mapping[str, Any],
    *,
    platform: str,
    outlet: str,
    feed_url: str,
    text: str | None,
    language: str | None,
    collected: str,
) -> Item | None:
    """A feed entry as a Mention item (None when it has neither id nor link).

    News: kind ``article``, the outlet as author (``author_kind = 'news'``, id the
    feed's host). Forum: kind ``post`` (a thread), the poster as author."""
    ident = entry_id(entry)
    if ident is None:
        return None
    summary = entry.get("summary") or ""
    content = entry.get("content") or []
    body = text
    if body is None:
        raw = content[0].get("value") if content and isinstance(content[0], dict) else summary
        body = html_to_text(str(raw or "")) or None
    created = entry_time(entry)
    attrs: dict[str, Any] = {"feed": feed_url}
    if created is None:
        created, attrs["time_missing"] = collected, True
    writer = entry.get("author")
    tags = [t.get("term") for t in entry.get("tags") or [] if isinstance(t, dict) and t.get("term")]
    if tags:
        attrs["categories"] = tags
    host = urlsplit(feed_url).hostname or feed_url
    item: Item = {
        "platform": platform,
        "source_id": ident,
        "url": entry.get("link"),
        "title": html_to_text(str(entry.get("title") or "")) or None,
        "text": body,
        "created_at": created,
        "language": language or _lang(feed.get("language")),
    }
    if platform == "news":
        item.update(kind="article", author_id=host, author_name=outlet, author_kind="news")
        if writer:
            attrs["writer"] = writer
    else:
        item.update(kind="post", author_name=writer or None, author_kind="person")
        attrs["forum"] = outlet
    item["attrs"] = attrs
    return {k: v for k, v in item.items() if v is not None}


# --- the connector -----------------------------------------------------------------------------


class FeedConnector(Connector):
    def __init__(self, name: str, options: Mapping[str, Any], policy: HttpPolicy) -> None:
        super().__init__(name)
        check_options(name, options, _OPTIONS)
        self.urls = str_list(name, options, "urls")
        if not self.urls:
            raise ConfigError(f"source {name}: urls must list at least one feed URL")
        for url in self.urls:
            if urlsplit(url).scheme not in ("http", "https"):
                raise ConfigError(f"source {name}: {url!r} is not an http(s) URL")
        platform = options.get("platform", "news")
        if platform not in ("news", "forum"):
            raise ConfigError(f"source {name}: platform must be news or forum")
        self.platform = str(platform)
        self.outlet = options.get("outlet")
        self.extract = bool(options.get("extract", platform == "news"))
        self.language = options.get("language")
        self.batch_size = int_option(name, options, "batch_size", 20, 1)
        self.max_seen = int_option(name, options, "max_seen", 2000, 10)
        self.client = HttpClient("", policy, stats=self.stats)

    def close(self) -> None:
        self.client.close()

    def queries(self) -> list[str]:
        return list(self.urls)

    def fetch(self, query: str, state: Mapping[str, Any]) -> Iterator[Page]:
        headers = {"Accept": _ACCEPT_FEED}
        if state.get("etag"):
            headers["If-None-Match"] = str(state["etag"])
        if state.get("modified"):
            headers["If-Modified-Since"] = str(state["modified"])
        response = self.client.get(query, headers=headers)
        if response.status_code == 304:
            return
        import feedparser

        parsed = feedparser.parse(
            response.content,
            response_headers={
                "content-type": response.headers.get("content-type", "application/xml"),
                "content-location": str(response.url),
            },
        )
        if not parsed.entries and (parsed.bozo or not parsed.version):
            raise BadResponse(f"{query} is not an RSS or Atom feed")
        feed = parsed.feed
        outlet = str(self.outlet or feed.get("title") or urlsplit(query).hostname or query)
        seen: list[str] = [str(s) for s in state.get("seen") or []]
        known = set(seen)
        fresh = [e for e in parsed.entries if (i := entry_id(e)) is not None and i not in known]
        collected = datetime.now(UTC).isoformat()
        validators = {"etag": state.get("etag"), "modified": state.get("modified")}
        for start in range(0, len(fresh), self.batch_size):
            items: list[Item] = []
            for entry in fresh[start : start + self.batch_size]:
                text = self._article(entry.get("link")) if self.extract else None
                item = entry_item(
                    entry,
                    feed,
                    platform=self.platform,
                    outlet=outlet,
                    feed_url=query,
                    text=text,
                    language=self.language,
                    collected=collected,
                )
                if item is not None:
                    items.append(item)
                    seen.append(item["source_id"])
            seen = seen[-self.max_seen :]
            yield Page(items, {"seen": list(seen), **validators})
        final = {
            "seen": seen[-self.max_seen :],
            "etag": response.headers.get("etag"),
            "modified": response.headers.get("last-modified"),
        }
        yield Page([], final)

    def _article(self, link: object) -> str | None:
        """The article's main text, or None (the feed's summary is kept) when the page
        cannot be read or has no extractable text; network trouble stops the run."""
        if not isinstance(link, str) or urlsplit(link).scheme not in ("http", "https"):
            return None
        try:
            response = self.client.get(link, headers={"Accept": _ACCEPT_HTML})
        except ConnectorError as exc:
            if exc.stops_source and not isinstance(exc, AuthError):
                raise
            self.stats.warnings.append(f"{link}: {exc}")
            return None
        if "html" not in response.headers.get("content-type", "text/html"):
            return None
        return extract_text(response.text, link)
