"""Mapping the columns of an exported file to Mention fields.

:func:`detect_mapping` recognises the header names that social platforms, listening
tools and Vietnamese agencies use (English and Vietnamese, with or without diacritics,
any case, spacing, underscores, punctuation or camelCase); a TOML mapping file read by
:func:`load_mapping` and applied by :func:`apply_overrides` names the rest.

Matching rules
    * Headers are compared after :func:`normalise_header`: diacritics folded
      (``Ngày đăng`` -> ``ngay dang``), camelCase split (``likeCount`` -> ``like count``),
      lower case, every run of other characters (``_ . / ( ) #``, spaces) made one space.
    * Fields are filled in the order of :data:`FIELD_ALIASES`; for each field its aliases
      are tried in order and the first header (in file order) with that name that no
      earlier field took wins. Each column is used once; the result depends only on the
      header list.
    * Reaction breakdowns: headers naming a reaction type other than *like* (``Love``,
      ``Haha``, ``Wow``, ``Sad``, ``Angry``, ``Care``, ``Yêu thích``, ``Thương thương``,
      ``Buồn``, ``Phẫn nộ`` ...) become :attr:`ColumnMapping.reactions`. When at least
      one such column exists, ``Like``/``Likes``/``Thích`` are the *like* reaction too,
      not the total (a CrowdTangle-style breakdown); the total then comes from a column
      such as ``Reactions``/``Lượt thích``/``Cảm xúc`` or, failing that, is the sum the
      importer computes. Without a breakdown ``Likes``/``Thích`` are the ``likes`` total.

Ambiguous headers (documented choices)
    * ``Bình luận`` / ``Trả lời`` are the comment *text* when the file has no other text
      column (a Vietnamese comment export), otherwise the *number* of comments (a post
      export next to ``Nội dung``). Pass ``sample`` to :func:`detect_mapping` to decide
      by the values instead: a column whose values are counts is never text and the
      other way round.
    * ``comment`` (singular) is text, ``comments`` (plural) is the count.
    * ``id`` / ``comment id`` come before ``post id`` for ``source_id``; a ``post id``
      next to a comment id becomes ``parent_id``.
    * ``url`` comes before ``link`` (CrowdTangle's ``Link`` is the shared link, its
      ``URL`` the post).
    * ``user name``/``username``/``handle`` are ``author_id`` (a handle identifies the
      author); ``author``/``name``/``user``/``Tên`` are ``author_name``.
    * ``source``/``Nguồn``/``Kênh`` are the ``platform``; the importer keeps values it does
      not recognise as a platform in the raw attributes.
    * Separate date and time columns are not joined: ``Date`` becomes ``created_at``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from tinhieu.schema import (
    AUTHOR_KINDS,
    COUNT_FIELDS,
    FIELD_BY_NAME,
    KINDS,
    PLATFORMS,
    normalise_kind,
    normalise_platform,
)
from tinhieu.sources.values import check_timezone, is_missing, parse_count
from tinhieu.text.normalise import fold

__all__ = [
    "FIELD_ALIASES",
    "MAPPABLE_FIELDS",
    "OPTIONS",
    "REACTIONS",
    "REACTION_ALIASES",
    "SECTIONS",
    "ColumnMapping",
    "MappingError",
    "apply_overrides",
    "detect_mapping",
    "load_mapping",
    "normalise_header",
]


class MappingError(ValueError):
    """A mapping file or override that cannot be applied; the message says why."""


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise_header(header: str) -> str:
    """The form headers are compared in: ``"Ngày_Đăng "`` -> ``"ngay dang"``,
    ``"likeCount"`` -> ``"like count"``, ``"Reach (new)"`` -> ``"reach new"``."""
    s = _CAMEL.sub(" ", fold(header))
    return _NON_ALNUM.sub(" ", s.lower()).strip()


def _aliases(*names: str) -> tuple[str, ...]:
    out: list[str] = []
    for name in names:
        key = normalise_header(name)
        if key and key not in out:
            out.append(key)
    return tuple(out)


#: Aliases per Mention field, in the order fields are filled. Written naturally here;
#: stored normalised.
FIELD_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "source_id": _aliases(
        "id", "comment id", "reply id", "mention id", "review id", "tweet id", "status id",
        "message id", "item id", "object id", "resource id", "guid", "uuid", "aweme id",
        "media id", "content id", "video id", "post id", "article id", "thread id",
        "Mã", "Mã bình luận", "ID bình luận", "Mã bài viết", "ID bài viết", "Mã bài đăng",
        "ID bài đăng", "ID video", "Mã đề cập", "ID đề cập", "ID",
    ),
    "parent_id": _aliases(
        "parent id", "parent", "parent comment id", "in reply to", "in reply to id",
        "reply to", "reply to id", "in reply to status id", "post id", "video id",
        "thread id", "article id", "ID cha", "Mã cha", "ID bài viết gốc", "ID bài viết",
        "Mã bài viết", "ID bài đăng", "Mã bài đăng", "ID video", "Trả lời cho",
    ),
    "url": _aliases(
        "url", "permalink", "post url", "post link", "link", "web video url", "video url",
        "tweet url", "comment url", "article url", "original url", "source url", "page url",
        "mention url", "share url", "href", "Đường dẫn", "Liên kết", "Link bài viết",
        "Link bài đăng", "URL bài viết", "Link bình luận", "Đường link",
    ),
    "platform": _aliases(
        "platform", "social network", "network", "social platform", "page type",
        "source type", "content source", "channel type", "site type", "source", "channel",
        "Nền tảng", "Mạng xã hội", "MXH", "Kênh", "Loại kênh", "Nguồn",
        "Loại nguồn", "Nguồn dữ liệu",
    ),
    "kind": _aliases(
        "kind", "type", "post type", "content type", "mention type", "message type",
        "item type", "thread entry type", "entry type", "Loại", "Loại bài viết",
        "Loại nội dung", "Loại đề cập", "Phân loại", "Kiểu",
    ),
    "author_id": _aliases(
        "author id", "user id", "userid", "uid", "profile id", "page id", "channel id",
        "account id", "from id", "owner id", "creator id", "author channel id",
        "author meta id", "twitter author id", "facebook author id", "facebook id",
        "author username", "username", "user name",
        "screen name", "user screen name", "handle", "author handle", "unique id",
        "ID tác giả", "ID người dùng", "ID người đăng", "ID tài khoản", "ID trang", "UID",
        "Tên đăng nhập",
    ),
    "author_name": _aliases(
        "author", "author name", "author display name", "name", "full name",
        "display name", "user", "user full name", "page name", "channel name",
        "channel title", "from", "from name", "poster", "posted by", "account",
        "account name", "profile name", "nickname", "nick name", "author meta nick name",
        "author meta name", "owner name", "creator", "creator name", "Tác giả",
        "Tên tác giả", "Người đăng", "Tên người đăng", "Tên", "Tên người dùng", "Họ tên",
        "Họ và tên", "Tài khoản", "Tên tài khoản", "Người bình luận",
        "Tên người bình luận", "Trang", "Tên trang", "Kênh đăng", "Tên kênh", "Người viết",
        "Biệt danh",
    ),
    "author_followers": _aliases(
        "followers", "follower count", "followers count", "author followers",
        "author followers count", "user followers count", "twitter followers",
        "followers at posting", "subscribers", "subscriber count", "subscribers count",
        "fans", "fan count", "author meta fans", "page likes", "likes at posting",
        "page followers", "channel subscribers", "Người theo dõi", "Số người theo dõi",
        "Lượt theo dõi", "Số lượt theo dõi", "Người đăng ký", "Số người đăng ký",
        "Lượt đăng ký", "Lượt thích trang",
    ),
    "author_verified": _aliases(
        "verified", "is verified", "author verified", "user verified", "verified account",
        "author meta verified", "twitter verified", "blue tick", "Xác minh", "Đã xác minh",
        "Tài khoản xác minh", "Tích xanh",
    ),
    "author_kind": _aliases(
        "author type", "author kind", "account type", "user type", "profile type",
        "Loại tác giả", "Loại tài khoản", "Loại trang",
    ),
    "title": _aliases(
        "title", "headline", "subject", "post title", "video title", "thread title",
        "article title", "Tiêu đề", "Tiêu đề bài viết", "Tên bài viết", "Tên video",
    ),
    "text": _aliases(
        "text", "full text", "content", "message", "body", "comment", "comment text",
        "comment content", "post text", "post content", "post message", "tweet",
        "tweet text", "caption", "review", "review text", "text display", "text original",
        "mention content", "mention text", "status", "Nội dung", "Nội dung bài viết",
        "Nội dung bình luận", "Nội dung bài đăng", "Nội dung đề cập", "Văn bản",
        "Bình luận", "Trả lời", "Bài viết", "Bài đăng", "Đánh giá", "post", "snippet",
        "description", "Mô tả",
    ),
    "language": _aliases(
        "language", "lang", "language code", "detected language", "Ngôn ngữ",
    ),
    "created_at": _aliases(
        "created at", "created time", "create time iso", "created", "creation time",
        "create time", "created date", "date", "datetime", "date time", "timestamp",
        "time", "published", "published at", "publish time", "published time",
        "published date", "publish date", "date published", "pub date", "post date",
        "post time", "post created", "posted", "posted at", "posted time", "date posted",
        "posted date", "upload date", "uploaded", "uploaded at", "comment time",
        "comment date", "tweet created at", "Ngày đăng", "Thời gian", "Thời gian đăng",
        "Ngày", "Ngày giờ", "Ngày tạo", "Thời điểm", "Thời điểm đăng", "Ngày bình luận",
        "Thời gian bình luận", "Ngày xuất bản", "Ngày đăng bài", "Giờ đăng",
    ),
    "collected_at": _aliases(
        "collected at", "collected", "collected time", "crawled at", "crawl time",
        "crawled", "scraped at", "scrape time", "fetched at", "retrieved at", "added",
        "date added", "Thời gian thu thập", "Ngày thu thập", "Ngày lấy dữ liệu",
        "Thời gian lấy dữ liệu",
    ),
    "likes": _aliases(
        "likes", "like count", "likes count", "total likes", "num likes",
        "number of likes", "reactions", "reaction count", "reactions count",
        "total reactions", "reactions total", "favorites", "favorite count", "favourites",
        "favourite count", "hearts", "heart count", "digg count", "upvotes", "like",
        "Lượt thích", "Số lượt thích", "Thích", "Cảm xúc", "Lượt cảm xúc", "Số cảm xúc",
        "Tổng cảm xúc", "Lượt tương tác cảm xúc",
    ),
    "comments": _aliases(
        "comments", "comment count", "comments count", "num comments",
        "number of comments", "total comments", "replies", "reply count", "replies count",
        "total reply count", "Số bình luận", "Lượt bình luận", "Số lượt bình luận",
        "Tổng bình luận", "Bình luận", "Số phản hồi", "Lượt trả lời", "Số trả lời",
        "Trả lời",
    ),
    "shares": _aliases(
        "shares", "share count", "shares count", "num shares", "number of shares",
        "total shares", "retweets", "retweet count", "reposts", "repost count",
        "Lượt chia sẻ", "Số lượt chia sẻ", "Chia sẻ", "Số chia sẻ",
    ),
    "views": _aliases(
        "views", "view count", "views count", "video views", "video view count",
        "total views", "post views", "plays", "play count", "Lượt xem", "Số lượt xem",
        "Lượt xem video", "Xem",
    ),
    "saves": _aliases(
        "saves", "save count", "bookmarks", "bookmark count", "collect count",
        "Lượt lưu", "Số lượt lưu",
    ),
    "reach": _aliases(
        "reach", "reach new", "estimated reach", "potential reach", "unique reach",
        "Lượt tiếp cận", "Tiếp cận", "Số người tiếp cận", "Độ phủ",
    ),
    "impressions": _aliases(
        "impressions", "impression count", "impressions count", "estimated impressions",
        "potential impressions", "Lượt hiển thị", "Số lần hiển thị", "Hiển thị",
    ),
}  # fmt: skip

#: Fields a file column (or a mapping-file default) may fill.
MAPPABLE_FIELDS: Final[tuple[str, ...]] = tuple(FIELD_ALIASES)

REACTIONS: Final[tuple[str, ...]] = ("like", "love", "care", "haha", "wow", "sad", "angry")
_REACTION_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "love": ("love", "Yêu thích", "Thả tim"),
    "care": ("care", "Thương thương"),
    "haha": ("haha",),
    "wow": ("wow",),
    "sad": ("sad", "Buồn"),
    "angry": ("angry", "Phẫn nộ", "Giận dữ"),
}


def _reaction_aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for reaction, words in _REACTION_WORDS.items():
        for w in words:
            forms: tuple[str, ...] = (w, f"reaction {w}", f"reactions {w}", f"{w} reaction")
            forms += (f"{w} reactions",)
            forms += (f"{w} count", f"num {w}", f"Lượt {w}", f"Cảm xúc {w}", f"Số {w}")
            for form in forms:
                out.setdefault(normalise_header(form), reaction)
    return out


#: Normalised header -> reaction name, for the reaction types other than *like*.
REACTION_ALIASES: Final[dict[str, str]] = _reaction_aliases()
#: Headers that are the *like* reaction when the file has a reaction breakdown.
_LIKE_REACTION: Final[frozenset[str]] = frozenset(
    _aliases("like", "likes", "Thích", "reaction like", "reactions like", "like reaction")
)

_TEXTUAL: Final[frozenset[str]] = frozenset({"text", "title", "author_name"})
_NUMERIC: Final[frozenset[str]] = frozenset({*COUNT_FIELDS, "author_followers"})

SECTIONS: Final[tuple[str, ...]] = ("columns", "defaults", "options", "reactions")
#: Options a mapping file may set, with their TOML types.
OPTIONS: Final[dict[str, tuple[type, ...]]] = {
    "timezone": (str,),
    "dayfirst": (bool,),
    "encoding": (str,),
    "format": (str,),
    "delimiter": (str,),
    "sheet": (str, int),
    "header_row": (int,),
}


@dataclass(slots=True)
class ColumnMapping:
    """How the columns of one file map to Mention fields."""

    #: Mention field -> source column.
    fields: dict[str, str] = field(default_factory=dict)
    #: Source columns that fill no field; the importer keeps them as raw attributes.
    unmapped: list[str] = field(default_factory=list)
    #: Source column -> reaction name (``like``, ``love``, ``haha`` ...), for the
    #: ``reactions`` JSON.
    reactions: dict[str, str] = field(default_factory=dict)
    #: All headers of the file, in order.
    headers: list[str] = field(default_factory=list)

    def column(self, name: str) -> str | None:
        """The source column of field ``name``, or None."""
        return self.fields.get(name)

    def describe(self) -> list[tuple[str, str]]:
        """(field or ``reactions.<name>`` or ``attrs``, column) pairs, in header order."""
        by_column = {c: f for f, c in self.fields.items()}
        by_column |= {c: f"reactions.{r}" for c, r in self.reactions.items()}
        return [(by_column.get(h, "attrs"), h) for h in self.headers]


def _looks_like_counts(values: Sequence[str | None]) -> bool | None:
    """True when the sampled values are counts, False when they are text, None when
    there is nothing to tell by."""
    present = [v for v in values if not is_missing(v)]
    if not present:
        return None
    counts = 0
    for v in present:
        try:
            parse_count(str(v))
            counts += 1
        except ValueError:
            pass
    return counts >= 0.8 * len(present)


def detect_mapping(
    headers: Sequence[str], sample: Mapping[str, Sequence[str | None]] | None = None
) -> ColumnMapping:
    """Map ``headers`` to Mention fields by their names (see the module docstring).

    ``sample`` (optional) gives some values of each column; it is used only for headers
    that could be either text or a count (``Bình luận``, ``Trả lời``), which then go to
    the kind of field their values fit.
    """
    names = list(headers)
    norm = [normalise_header(h) for h in names]
    used: set[int] = set()
    reactions: dict[str, str] = {}

    if any(k in REACTION_ALIASES for k in norm):
        taken: set[str] = set()
        for i, k in enumerate(norm):
            reaction = REACTION_ALIASES.get(k) or ("like" if k in _LIKE_REACTION else None)
            if reaction is not None and reaction not in taken:
                reactions[names[i]] = reaction
                taken.add(reaction)
                used.add(i)

    forbidden: dict[int, frozenset[str]] = {}
    for i, k in enumerate(norm):
        candidates = {f for f, al in FIELD_ALIASES.items() if k in al}
        if candidates & _TEXTUAL and candidates & _NUMERIC and sample is not None:
            verdict = _looks_like_counts(sample.get(names[i], ()))
            if verdict is not None:
                forbidden[i] = _TEXTUAL if verdict else _NUMERIC

    positions: dict[str, list[int]] = {}
    for i, k in enumerate(norm):
        positions.setdefault(k, []).append(i)
    fields: dict[str, str] = {}
    for name, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            hit = next(
                (
                    i
                    for i in positions.get(alias, ())
                    if i not in used and name not in forbidden.get(i, frozenset())
                ),
                None,
            )
            if hit is not None:
                fields[name] = names[hit]
                used.add(hit)
                break
    unmapped = [h for i, h in enumerate(names) if i not in used]
    return ColumnMapping(fields=fields, unmapped=unmapped, reactions=reactions, headers=names)


# --------------------------------------------------------------------------------------
# Mapping files


def _choices(values: Sequence[str]) -> str:
    return ", ".join(values)


def _check_field(name: object, where: str) -> str:
    if not isinstance(name, str) or name not in MAPPABLE_FIELDS:
        if isinstance(name, str) and name in FIELD_BY_NAME:
            raise MappingError(
                f"{where}: field {name!r} cannot come from a file; fields that can: "
                f"{_choices(MAPPABLE_FIELDS)}"
            )
        raise MappingError(
            f"{where}: unknown Mention field {name!r}; valid fields: {_choices(MAPPABLE_FIELDS)}"
        )
    return name


def _check_default(name: str, value: object, where: str) -> str | int | float | bool:
    if not isinstance(value, str | int | float | bool):
        raise MappingError(f"{where}: default for {name!r} must be a string, number or boolean")
    if name == "platform":
        canon = normalise_platform(str(value))
        if canon is None:
            raise MappingError(
                f"{where}: unknown platform {value!r}; valid platforms: {_choices(PLATFORMS)}"
            )
        return canon
    if name == "kind":
        canon = normalise_kind(str(value))
        if canon is None:
            raise MappingError(f"{where}: unknown kind {value!r}; valid kinds: {_choices(KINDS)}")
        return canon
    if name == "author_kind" and str(value).lower() not in AUTHOR_KINDS:
        raise MappingError(
            f"{where}: unknown author_kind {value!r}; valid kinds: {_choices(AUTHOR_KINDS)}"
        )
    return value


def _check_spec(spec: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Validate a mapping spec (the parsed TOML) and return it with all sections."""
    unknown = [k for k in spec if k not in SECTIONS]
    if unknown:
        raise MappingError(
            f"{where}: unknown section [{unknown[0]}]; valid sections: "
            + ", ".join(f"[{s}]" for s in SECTIONS)
        )
    out: dict[str, Any] = {s: {} for s in SECTIONS}
    for section in SECTIONS:
        body = spec.get(section, {})
        if not isinstance(body, Mapping):
            raise MappingError(f"{where}: [{section}] must be a table of key = value lines")
        out[section] = dict(body)

    columns: dict[str, str] = {}
    for name, column in out["columns"].items():
        _check_field(name, f"{where} [columns]")
        if not isinstance(column, str):
            raise MappingError(
                f'{where} [columns]: {name} must name a column as a string ("" unmaps it)'
            )
        columns[name] = column
    out["columns"] = columns

    reactions: dict[str, str] = {}
    for name, column in out["reactions"].items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise MappingError(
                f"{where} [reactions]: reaction name {name!r} must be lower-case letters, "
                f"e.g. {_choices(REACTIONS)}"
            )
        if not isinstance(column, str) or not column:
            raise MappingError(f"{where} [reactions]: {name} must name a column as a string")
        reactions[name] = column
    out["reactions"] = reactions

    defaults: dict[str, Any] = {}
    for name, value in out["defaults"].items():
        _check_field(name, f"{where} [defaults]")
        defaults[name] = _check_default(name, value, f"{where} [defaults]")
    out["defaults"] = defaults

    for name, value in out["options"].items():
        types = OPTIONS.get(name)
        if types is None:
            raise MappingError(
                f"{where} [options]: unknown option {name!r}; valid options: "
                f"{_choices(list(OPTIONS))}"
            )
        if not isinstance(value, types) or (bool in types) != isinstance(value, bool):
            kinds = " or ".join(t.__name__ for t in types)
            raise MappingError(f"{where} [options]: {name} must be a {kinds}")
    if "timezone" in out["options"]:
        try:
            check_timezone(out["options"]["timezone"])
        except ValueError as e:
            raise MappingError(f"{where} [options]: {e}") from None
    if "delimiter" in out["options"] and len(out["options"]["delimiter"]) != 1:
        raise MappingError(f"{where} [options]: delimiter must be one character")
    return out


def load_mapping(path: Path | str) -> dict[str, Any]:
    """Read and check a TOML mapping file.

    Returns ``{"columns": {field: column}, "defaults": {field: value},
    "options": {name: value}, "reactions": {reaction: column}}`` (every section present,
    possibly empty); ``[defaults]`` platform and kind come back canonical
    (``"fb"`` -> ``"facebook"``). ``[columns]`` maps a Mention field to a source column
    (``""`` un-maps a column the detection chose); ``[reactions]`` maps a reaction name
    to a column; ``[options]`` may set ``timezone`` (an IANA zone, default
    ``Asia/Ho_Chi_Minh``), ``dayfirst``, ``encoding``, ``format``, ``delimiter``
    and ``sheet``. Whether the columns exist is checked by
    :func:`apply_overrides`, which knows the file's headers.

    Raises :class:`MappingError` for a file that cannot be read, invalid TOML, unknown
    sections, fields or options, and invalid values.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise MappingError(f"cannot read mapping file {p}: {e.strerror or e}") from None
    try:
        spec = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise MappingError(f"{p}: a mapping file must be UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise MappingError(f"{p}: not valid TOML: {e}") from None
    return _check_spec(spec, str(p))


def _resolve_column(column: str, headers: Sequence[str], what: str) -> str:
    if column in headers:
        return column
    key = normalise_header(column)
    near = [h for h in headers if normalise_header(h) == key]
    if len(near) == 1:
        return near[0]
    shown = _choices([repr(h) for h in headers[:40]]) + (" …" if len(headers) > 40 else "")
    if len(near) > 1:
        raise MappingError(
            f"column {column!r} ({what}) matches several columns: {_choices(near)}; "
            "write it exactly"
        )
    raise MappingError(f"column {column!r} ({what}) is not in the file; columns: {shown}")


def apply_overrides(
    auto: ColumnMapping,
    overrides: Mapping[str, Any],
    headers: Sequence[str] | None = None,
) -> ColumnMapping:
    """``auto`` with the choices of a mapping file applied.

    ``overrides`` is what :func:`load_mapping` returns (or any mapping with its
    sections; a plain ``{field: column}`` mapping is taken as ``[columns]``).
    ``headers`` defaults to ``auto.headers``. A column named by the file is taken away
    from whatever field or reaction the detection gave it; a field mapped to ``""`` is
    un-mapped. Column names match exactly, or after :func:`normalise_header` when that
    identifies one column. Raises :class:`MappingError` for unknown fields and for
    columns that are not in the file or are named twice.
    """
    names = list(headers) if headers is not None else list(auto.headers)
    spec_like = any(k in SECTIONS for k in overrides)
    spec = _check_spec(overrides if spec_like else {"columns": dict(overrides)}, "mapping")
    fields = dict(auto.fields)
    reactions = dict(auto.reactions)

    chosen: dict[str, str] = {}  # column -> what chose it
    for name, column in spec["columns"].items():
        if column == "":
            fields.pop(name, None)
            continue
        col = _resolve_column(column, names, f"field {name}")
        if col in chosen:
            raise MappingError(f"column {col!r} is named for both {chosen[col]} and {name}")
        chosen[col] = name
    for reaction, column in spec["reactions"].items():
        col = _resolve_column(column, names, f"reaction {reaction}")
        if col in chosen:
            raise MappingError(
                f"column {col!r} is named for both {chosen[col]} and reaction {reaction}"
            )
        chosen[col] = f"reaction {reaction}"

    for col in chosen:
        for f in [f for f, c in fields.items() if c == col]:
            del fields[f]
        reactions.pop(col, None)
    for name, column in spec["columns"].items():
        if column != "":
            fields[name] = _resolve_column(column, names, f"field {name}")
    for reaction, column in spec["reactions"].items():
        col = _resolve_column(column, names, f"reaction {reaction}")
        for c in [c for c, r in reactions.items() if r == reaction]:
            del reactions[c]
        reactions[col] = reaction

    used = set(fields.values()) | set(reactions)
    unmapped = [h for h in names if h not in used]
    return ColumnMapping(fields=fields, unmapped=unmapped, reactions=reactions, headers=names)
