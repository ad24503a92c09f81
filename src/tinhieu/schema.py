"""The Mention schema: one record for posts, comments, replies, reviews and articles.

This module owns the list of columns. The store's DDL, the Arrow schema used by every
batch stage, the importer's field names and ``docs/schema.md`` are all derived from
:data:`MENTION_FIELDS`, so a column is added in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import pyarrow as pa

Role = Literal["key", "core", "engagement", "derived", "enrichment", "bookkeeping"]


@dataclass(frozen=True, slots=True)
class Field:
    """One column of the Mention record."""

    name: str
    sql_type: str  # DuckDB / PostgreSQL-compatible type name
    arrow_type: pa.DataType
    role: Role
    doc: str
    required: bool = False


_TS = pa.timestamp("us", tz="UTC")

MENTION_FIELDS: Final[tuple[Field, ...]] = (
    # --- identity -------------------------------------------------------------------
    Field(
        "workspace",
        "VARCHAR",
        pa.string(),
        "key",
        "Workspace (one per client brand). Nothing crosses workspaces.",
        True,
    ),
    Field(
        "platform",
        "VARCHAR",
        pa.string(),
        "key",
        "Source platform: facebook, tiktok, youtube, instagram, zalo, x, reddit, forum, "
        "news, review, other.",
        True,
    ),
    Field(
        "source_id",
        "VARCHAR",
        pa.string(),
        "key",
        "The platform's own id of the item. With workspace and platform it is the "
        "unique key: re-importing the same item updates it instead of duplicating it. "
        "When a file has no id column, a stable hash of url or of author+time+text is "
        "used.",
        True,
    ),
    Field("url", "VARCHAR", pa.string(), "core", "Permalink of the item."),
    Field(
        "kind",
        "VARCHAR",
        pa.string(),
        "core",
        "post, comment, reply, review, article or video.",
        True,
    ),
    Field(
        "parent_id",
        "VARCHAR",
        pa.string(),
        "core",
        "source_id of the item this one answers (a comment's post, a reply's comment).",
    ),
    # --- author -----------------------------------------------------------------------
    Field("author_id", "VARCHAR", pa.string(), "core", "The platform's id of the author."),
    Field("author_name", "VARCHAR", pa.string(), "core", "Display name of the author."),
    Field(
        "author_followers",
        "BIGINT",
        pa.int64(),
        "core",
        "Followers (or subscribers, page likes) of the author when collected; NULL when unknown.",
    ),
    Field("author_verified", "BOOLEAN", pa.bool_(), "core", "Platform verification badge."),
    Field(
        "author_kind",
        "VARCHAR",
        pa.string(),
        "core",
        "person, page, news, brand, group or unknown. News outlets and large pages drive "
        "the crisis-stage logic.",
    ),
    # --- content ------------------------------------------------------------------------
    Field("title", "VARCHAR", pa.string(), "core", "Title (articles, videos, forum threads)."),
    Field("text", "VARCHAR", pa.string(), "core", "Body text, Unicode NFC."),
    Field(
        "language",
        "VARCHAR",
        pa.string(),
        "core",
        "ISO 639-1 code given by the source or filled by language detection.",
    ),
    Field("created_at", "TIMESTAMPTZ", _TS, "core", "Publication time, stored in UTC.", True),
    Field(
        "source_tz",
        "VARCHAR",
        pa.string(),
        "core",
        "Time zone the source wrote the time in: an offset such as +07:00 or a zone name; "
        "'assumed:<zone>' when the source gave no zone and the workspace zone was used.",
    ),
    Field(
        "collected_at",
        "TIMESTAMPTZ",
        _TS,
        "core",
        "When tinhieu (or the exporting tool) collected the item; engagement counts are as "
        "of this time.",
    ),
    # --- engagement ---------------------------------------------------------------------
    Field(
        "likes",
        "BIGINT",
        pa.int64(),
        "engagement",
        "Total reactions/likes. NULL means not reported, 0 means none.",
    ),
    Field(
        "reactions",
        "JSON",
        pa.string(),
        "engagement",
        "Reactions by type where the platform reports them, e.g. "
        '{"like": 10, "love": 3, "haha": 1, "angry": 2}.',
    ),
    Field("comments", "BIGINT", pa.int64(), "engagement", "Number of comments/replies."),
    Field("shares", "BIGINT", pa.int64(), "engagement", "Shares, retweets, reposts."),
    Field("views", "BIGINT", pa.int64(), "engagement", "Video or page views."),
    Field("saves", "BIGINT", pa.int64(), "engagement", "Saves/bookmarks where known."),
    Field("reach", "BIGINT", pa.int64(), "engagement", "Unique people reached."),
    Field("impressions", "BIGINT", pa.int64(), "engagement", "Times shown."),
    Field(
        "reach_estimated",
        "BOOLEAN",
        pa.bool_(),
        "engagement",
        "True when reach/impressions were estimated by tinhieu rather than reported by the "
        "platform.",
    ),
    # --- raw attributes ------------------------------------------------------------------
    Field(
        "attrs",
        "JSON",
        pa.string(),
        "core",
        "Columns of the source that have no Mention field, kept verbatim (never dropped).",
    ),
    # --- enrichment (filled by the NLP and topic stages) ------------------------------------
    Field(
        "sentiment",
        "VARCHAR",
        pa.string(),
        "enrichment",
        "positive, neutral or negative; NULL until the sentiment model has run.",
    ),
    Field(
        "sentiment_score",
        "DOUBLE",
        pa.float64(),
        "enrichment",
        "Probability of the predicted sentiment.",
    ),
    Field("aspects", "JSON", pa.string(), "enrichment", "Aspect sentiments with evidence spans."),
    Field(
        "spam",
        "VARCHAR",
        pa.string(),
        "enrichment",
        "NULL (not checked), 'none', or the kind: ad, giveaway, seeding, junk, fake_review, "
        "brand_only (see docs/nlp.md).",
    ),
    Field("toxicity", "VARCHAR", pa.string(), "enrichment", "CLEAN, OFFENSIVE or HATE."),
    Field("emotion", "VARCHAR", pa.string(), "enrichment", "UIT-VSMEC emotion class."),
    Field(
        "topics",
        "VARCHAR[]",
        pa.list_(pa.string()),
        "enrichment",
        "Names of the workspace topics whose query matches the mention.",
    ),
    # --- bookkeeping --------------------------------------------------------------------
    Field(
        "first_seen_at",
        "TIMESTAMPTZ",
        _TS,
        "bookkeeping",
        "When the mention first entered the store.",
    ),
    Field("updated_at", "TIMESTAMPTZ", _TS, "bookkeeping", "Last time an import changed the row."),
    Field(
        "import_id", "BIGINT", pa.int64(), "bookkeeping", "The import job that last wrote the row."
    ),
)

FIELD_BY_NAME: Final[dict[str, Field]] = {f.name: f for f in MENTION_FIELDS}
COLUMNS: Final[tuple[str, ...]] = tuple(f.name for f in MENTION_FIELDS)
KEY: Final[tuple[str, ...]] = ("workspace", "platform", "source_id")
COUNT_FIELDS: Final[tuple[str, ...]] = tuple(
    f.name for f in MENTION_FIELDS if f.arrow_type == pa.int64() and f.role == "engagement"
)
#: Columns an import may refresh on an existing row (engagement moves, text may be edited).
UPDATABLE: Final[tuple[str, ...]] = tuple(
    f.name for f in MENTION_FIELDS if f.role in ("core", "engagement") and f.name not in KEY
)
ENRICHMENT: Final[tuple[str, ...]] = tuple(f.name for f in MENTION_FIELDS if f.role == "enrichment")

PLATFORMS: Final[tuple[str, ...]] = (
    "facebook",
    "tiktok",
    "youtube",
    "instagram",
    "zalo",
    "x",
    "reddit",
    "forum",
    "news",
    "review",
    "other",
)
KINDS: Final[tuple[str, ...]] = ("post", "comment", "reply", "review", "article", "video")
AUTHOR_KINDS: Final[tuple[str, ...]] = ("person", "page", "news", "brand", "group", "unknown")
TOPIC_GROUPS: Final[tuple[str, ...]] = ("brand", "competitor", "category")

ARROW_SCHEMA: Final[pa.Schema] = pa.schema(
    [pa.field(f.name, f.arrow_type, nullable=not f.required) for f in MENTION_FIELDS]
)


def conform(table: pa.Table) -> pa.Table:
    """Return ``table`` with exactly the Mention columns, in order, with their types.

    Missing columns become NULL; extra columns are an error (they belong in ``attrs``).
    """
    extra = set(table.column_names) - set(COLUMNS)
    if extra:
        raise ValueError(f"not Mention columns: {sorted(extra)}")
    arrays = []
    for f in MENTION_FIELDS:
        if f.name in table.column_names:
            arrays.append(table.column(f.name).cast(f.arrow_type))
        else:
            arrays.append(pa.nulls(table.num_rows, f.arrow_type))
    return pa.Table.from_arrays(arrays, schema=ARROW_SCHEMA)


def schema_markdown() -> str:
    """The field reference that ``docs/schema.md`` carries (kept in sync by a test)."""
    lines = [
        "| field | type | role | meaning |",
        "|---|---|---|---|",
    ]
    for f in MENTION_FIELDS:
        req = " (required)" if f.required else ""
        lines.append(f"| `{f.name}` | {f.sql_type} | {f.role}{req} | {f.doc} |")
    return "\n".join(lines) + "\n"


_PLATFORM_ALIASES: Final[dict[str, str]] = {
    "fb": "facebook",
    "face": "facebook",
    "facebook.com": "facebook",
    "meta": "facebook",
    "tt": "tiktok",
    "tik tok": "tiktok",
    "douyin": "tiktok",
    "yt": "youtube",
    "youtube.com": "youtube",
    "ig": "instagram",
    "insta": "instagram",
    "twitter": "x",
    "x.com": "x",
    "tweet": "x",
    "zalo oa": "zalo",
    "forums": "forum",
    "dien dan": "forum",
    "diễn đàn": "forum",
    "online news": "news",
    "bao": "news",
    "báo": "news",
    "bao chi": "news",
    "báo chí": "news",
    "tin tuc": "news",
    "tin tức": "news",
    "blog": "news",
    "reviews": "review",
    "danh gia": "review",
    "đánh giá": "review",
}
_KIND_ALIASES: Final[dict[str, str]] = {
    "status": "post",
    "bai viet": "post",
    "bài viết": "post",
    "bai dang": "post",
    "bài đăng": "post",
    "original": "post",
    "thread": "post",
    "topic": "post",
    "binh luan": "comment",
    "bình luận": "comment",
    "comments": "comment",
    "tra loi": "reply",
    "trả lời": "reply",
    "phản hồi": "reply",
    "phan hoi": "reply",
    "replies": "reply",
    "danh gia": "review",
    "đánh giá": "review",
    "reviews": "review",
    "bai bao": "article",
    "bài báo": "article",
    "news": "article",
    "tin": "article",
    "clip": "video",
    "videos": "video",
    "reel": "video",
    "short": "video",
}


def normalise_platform(value: str) -> str | None:
    """The canonical platform name for ``value``, or None when it is not one we know."""
    key = " ".join(value.strip().lower().split())
    if key in PLATFORMS:
        return key
    return _PLATFORM_ALIASES.get(key)


def normalise_kind(value: str) -> str | None:
    """The canonical kind for ``value`` ("Bình luận" -> "comment"), or None."""
    key = " ".join(value.strip().lower().split())
    if key in KINDS:
        return key
    return _KIND_ALIASES.get(key)
