"""Import presets: the export layouts of the listening tools users migrate from.

``tinhieu import export.csv --preset brandwatch`` imports a vendor's export with the
columns its documentation or sample files show. A preset lists, for each Mention field,
the vendor's header names (the first one present in the file wins); it becomes a
mapping of the importer's own mechanism (:func:`tinhieu.sources.columns.apply_overrides`
with the ``[columns]``, ``[defaults]`` and ``[options]`` of a mapping file), written for
the file's actual headers, so templates that leave a column out still import. Fields the
preset does not name are *not* guessed from other headers (a vendor's ``Reach`` or
``Impact`` must not become ``likes``); the vendor's other columns (sentiment, country,
tags …) are kept in the raw attributes.

Some vendors put report information above the table (Brandwatch: ``Report:``,
``Brand:``, ``Date Range:`` … then a blank line); :func:`prepare` finds the header line
by its first cell and imports from there (CSV: a copy from that line; XLSX: the mapping's
``header_row`` option).

Basis of each layout (``basis``): *documented* when the column names are from the
vendor's field definitions or published sample exports, *assumed* when they are from
exports seen in the field and could differ by template; see docs/importing.md.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from tinhieu.i18n import register
from tinhieu.sources.columns import MAPPABLE_FIELDS, normalise_header
from tinhieu.sources.files import FileFormatError, csv_layout, detect_format, read_xlsx

PREAMBLE_LINES: Final[int] = 60


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    vendor: str
    basis: str  # documented | assumed
    note: str  # what the layout is taken from
    columns: dict[str, tuple[str, ...]]
    defaults: dict[str, str | bool] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    reactions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    header_first: tuple[str, ...] = ()  # first header cells that end a preamble


PRESETS: Final[dict[str, Preset]] = {
    p.name: p
    for p in (
        Preset(
            "brandwatch",
            "Brandwatch Consumer Research",
            "documented",
            "Mentions export (CSV/XLSX): report lines, a blank line, then the table; "
            "columns as Brandwatch's mention field definitions name them; dates "
            "'2024-03-01 10:15:00.0' in the project's time zone",
            {
                "source_id": ("Resource Id", "Mention Id", "Id"),
                "parent_id": ("Thread Id",),
                "url": ("Url", "URL"),
                "platform": ("Page Type", "Content Source Name"),
                "author_id": ("Twitter Author ID", "Facebook Author ID", "Author Id"),
                "author_name": ("Author", "Full Name"),
                "author_followers": ("Twitter Followers", "Instagram Followers"),
                "author_verified": ("Twitter Verified",),
                "title": ("Title",),
                "text": ("Full Text", "Snippet"),
                "language": ("Language",),
                "created_at": ("Date",),
                "likes": ("Likes", "Twitter Likes", "Facebook Likes", "Instagram Likes"),
                "comments": (
                    "Comments",
                    "Twitter Reply Count",
                    "Facebook Comments",
                    "Instagram Comments",
                    "Reddit Comments",
                ),
                "shares": ("Shares", "Twitter Retweets", "Facebook Shares"),
                "views": ("Views", "Video Views"),
                "reach": ("Reach (new)", "Reach"),
                "impressions": ("Impressions",),
            },
            header_first=("Query Id", "Query Name", "Date"),
        ),
        Preset(
            "talkwalker",
            "Talkwalker",
            "assumed",
            "results export (CSV/XLSX) with the API's document field names "
            "(published, content, extra_author_attributes.*); published as ISO 8601 or "
            "Unix milliseconds",
            {
                "source_id": ("id", "Id"),
                "parent_id": ("parent_url",),
                "url": ("url", "URL"),
                "platform": ("source_type", "Source type", "Media type"),
                "kind": ("post_type", "Post type"),
                "author_id": ("extra_author_attributes.id", "Author id"),
                "author_name": ("extra_author_attributes.name", "Author", "author"),
                "author_followers": ("extra_author_attributes.followers_count", "Followers"),
                "title": ("title", "Title"),
                "text": ("content", "Content"),
                "language": ("lang", "Language"),
                "created_at": ("published", "Published", "Date"),
                "likes": ("likes", "Likes"),
                "comments": ("comments", "Comments"),
                "shares": ("shares", "Shares"),
                "views": ("views", "Views"),
                "reach": ("reach", "Reach"),
            },
        ),
        Preset(
            "meltwater",
            "Meltwater (Explore)",
            "documented",
            "Explore CSV export: UTF-16 text with tabs; Date '01-Mar-2024 10:15AM', "
            "Headline, URL, Opening Text, Hit Sentence, Source, Influencer, Reach, "
            "Engagement, AVE, Sentiment …",
            {
                "source_id": ("Tweet Id", "Document ID"),
                "url": ("URL",),
                "platform": ("Source",),
                "author_id": ("Twitter Screen Name",),
                "author_name": ("Influencer", "Author"),
                "author_followers": ("Twitter Followers",),
                "title": ("Headline",),
                "text": ("Opening Text", "Hit Sentence"),
                "language": ("Language",),
                "created_at": ("Date",),
                "likes": ("Likes",),
                "comments": ("Replies", "Comments"),
                "shares": ("Shares", "Retweets"),
                "views": ("Views",),
                "reach": ("Reach",),
            },
            options={"dayfirst": True},
        ),
        Preset(
            "sprout",
            "Sprout Social",
            "documented",
            "Post Performance report CSV: Date as 'MM/DD/YYYY hh:mm am' (US order), "
            "Post ID, Network, Post Type, Profile, Link, Post, Impressions, Reach, "
            "Reactions, Likes, Comments, Shares, Saves, Video Views",
            {
                "source_id": ("Post ID",),
                "url": ("Link",),
                "platform": ("Network",),
                "kind": ("Post Type",),
                "author_name": ("Profile", "Sent by"),
                "text": ("Post", "Message"),
                "created_at": ("Date",),
                "likes": ("Reactions", "Likes"),
                "comments": ("Comments",),
                "shares": ("Shares",),
                "saves": ("Saves",),
                "views": ("Video Views",),
                "reach": ("Reach",),
                "impressions": ("Impressions",),
            },
            defaults={"author_kind": "page"},
            options={"dayfirst": False},
        ),
        Preset(
            "younet",
            "YouNet Media (SocialHeat)",
            "assumed",
            "SocialHeat data export (XLSX/CSV) with Vietnamese headers: Tiêu đề, Nội "
            "dung, Link, Ngày đăng 'dd/mm/yyyy hh:mm', Kênh, Tác giả, Lượt thích, Bình "
            "luận, Chia sẻ, Sắc thái",
            {
                "source_id": ("ID", "Mã bài"),
                "parent_id": ("ID bài gốc", "Bài gốc"),
                "url": ("Link", "Đường dẫn"),
                "platform": ("Kênh", "Nguồn"),
                "kind": ("Loại", "Loại bài"),
                "author_id": ("ID tác giả",),
                "author_name": ("Tác giả", "Tên trang"),
                "author_followers": ("Lượt theo dõi", "Người theo dõi"),
                "title": ("Tiêu đề",),
                "text": ("Nội dung",),
                "created_at": ("Ngày đăng", "Thời gian"),
                "likes": ("Lượt thích", "Thích", "Cảm xúc"),
                "comments": ("Bình luận", "Lượt bình luận"),
                "shares": ("Chia sẻ", "Lượt chia sẻ"),
                "views": ("Lượt xem",),
            },
            options={"dayfirst": True},
        ),
        Preset(
            "buzzmetrics",
            "Buzzmetrics",
            "assumed",
            "social listening export (XLSX/CSV) with English headers: Title, Content, "
            "URL, Published Date 'dd/mm/yyyy hh:mm:ss', Site, Channel, Author, "
            "Sentiment, Likes, Comments, Shares",
            {
                "source_id": ("ID", "Mention ID"),
                "url": ("URL", "Link"),
                "platform": ("Channel", "Source Type"),
                "author_id": ("Author ID",),
                "author_name": ("Author",),
                "title": ("Title",),
                "text": ("Content",),
                "created_at": ("Published Date", "Date"),
                "likes": ("Likes", "Reactions"),
                "comments": ("Comments",),
                "shares": ("Shares",),
                "views": ("Views",),
            },
            options={"dayfirst": True},
        ),
        Preset(
            "kompa",
            "Kompa",
            "assumed",
            "listening export (XLSX/CSV) with Vietnamese headers: Tiêu đề, Nội dung, "
            "Đường dẫn, Thời gian đăng 'dd/mm/yyyy hh:mm', Nguồn, Tác giả, Tương tác",
            {
                "source_id": ("Mã", "ID"),
                "url": ("Đường dẫn", "Link"),
                "platform": ("Nguồn", "Loại nguồn"),
                "author_name": ("Tác giả",),
                "title": ("Tiêu đề",),
                "text": ("Nội dung",),
                "created_at": ("Thời gian đăng", "Thời gian"),
                "likes": ("Lượt thích", "Tương tác"),
                "comments": ("Bình luận",),
                "shares": ("Chia sẻ",),
            },
            options={"dayfirst": True},
        ),
    )
}

register(
    {
        "import.presets.head": (
            "Mẫu nhập dữ liệu (--preset TÊN):",
            "Import presets (--preset NAME):",
        ),
        "import.presets.line": (
            "  {name:<12} {vendor} [{basis}] —",
            "  {name:<12} {vendor} [{basis}] —",
        ),
        "import.presets.documented": ("theo tài liệu", "documented"),
        "import.presets.assumed": ("giả định", "assumed"),
        "import.presets.both": (
            "Chọn --preset hoặc --mapping, không dùng cả hai.",
            "Give --preset or --mapping, not both.",
        ),
    }
)


def get_preset(name: str) -> Preset:
    """The preset called ``name`` (any case); KeyError with the choices otherwise."""
    preset = PRESETS.get(name.strip().lower())
    if preset is None:
        raise KeyError(f"unknown preset {name!r}; presets: {', '.join(sorted(PRESETS))}")
    return preset


def _find(candidates: tuple[str, ...], headers: list[str], used: set[str]) -> str | None:
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(normalise_header(h), h)
    for name in candidates:
        if name in headers and name not in used:
            return name
        hit = by_norm.get(normalise_header(name))
        if hit is not None and hit not in used:
            return hit
    return None


def mapping_for(preset: Preset, headers: list[str]) -> dict[str, Any]:
    """The mapping spec (``columns``, ``defaults``, ``options``, ``reactions``) of
    ``preset`` for a file with ``headers``: each field takes the first of its vendor
    columns present; every field the preset does not fill is un-mapped."""
    used: set[str] = set()
    columns: dict[str, str] = {}
    for name in MAPPABLE_FIELDS:
        column = _find(preset.columns.get(name, ()), headers, used)
        columns[name] = column or ""
        if column:
            used.add(column)
    reactions = {}
    for reaction, candidates in preset.reactions.items():
        column = _find(candidates, headers, used)
        if column:
            reactions[reaction] = column
            used.add(column)
    if not any(columns.get(f) for f in ("text", "title", "source_id", "url")):
        raise FileFormatError(
            f"this file does not look like a {preset.vendor} export: none of the columns "
            f"{', '.join(preset.columns.get('text', ()) + preset.columns.get('url', ()))} "
            f"is present (columns: {', '.join(headers[:15])})"
        )
    return {
        "columns": columns,
        "defaults": dict(preset.defaults),
        "options": dict(preset.options),
        "reactions": reactions,
    }


def to_toml(spec: dict[str, Any]) -> str:
    """A mapping spec as a mapping file (JSON strings are valid TOML basic strings)."""
    lines = []
    for section in ("columns", "reactions", "defaults", "options"):
        body = spec.get(section) or {}
        if not body:
            continue
        lines.append(f"[{section}]")
        for key, value in body.items():
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        lines.append("")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Prepared:
    path: Path  # the file to import (a copy without the preamble when there was one)
    mapping_file: Path
    headers: list[str]
    skipped_lines: int


def _header_line(lines: list[str], delimiter: str, first: tuple[str, ...]) -> int | None:
    wanted = {normalise_header(f) for f in first}
    for i, line in enumerate(lines[:PREAMBLE_LINES]):
        cells = next(csv.reader([line], delimiter=delimiter), [])
        if cells and normalise_header(cells[0]) in wanted and len(cells) > 2:
            return i
    return None


def prepare(path: Path | str, name: str, workdir: Path) -> Prepared:
    """The mapping file for ``path`` under ``preset`` (written in ``workdir``), and the
    file to import: ``path`` itself, or for a CSV with a report preamble a UTF-8 copy
    in ``workdir`` that starts at the table's header line."""
    preset = get_preset(name)
    path = Path(path)
    fmt = detect_format(path)
    skipped = 0
    target = path
    if fmt in ("csv", "tsv"):
        layout = csv_layout(path, fmt)
        headers = list(layout.header)
        first = preset.header_first
        if first and normalise_header(headers[0]) not in {normalise_header(f) for f in first}:
            text = path.read_text(layout.encoding, errors="replace").lstrip("\ufeff")
            lines = text.splitlines(keepends=True)
            delimiter = "\t" if fmt == "tsv" else _delimiter(lines, first)
            at = _header_line(lines, delimiter, first)
            if at is not None:
                skipped = at
                target = workdir / path.name
                target.write_text("".join(lines[at:]), "utf-8")
                headers = list(csv_layout(target, fmt).header)
    elif fmt == "xlsx":
        header_row = _xlsx_header_row(path, preset.header_first)
        chunk = next(iter(read_xlsx(path, chunk_rows=1, header_row=header_row)), None)
        headers = list(chunk.table.column_names) if chunk is not None else []
        if header_row is not None:
            skipped = header_row - 1
    else:
        raise FileFormatError(f"presets read CSV, TSV and XLSX exports, not {fmt}")
    spec = mapping_for(preset, headers)
    if fmt == "xlsx" and skipped:
        spec["options"] = {**spec.get("options", {}), "header_row": skipped + 1}
    mapping_file = workdir / f"preset-{preset.name}.toml"
    mapping_file.write_text(to_toml(spec), "utf-8")
    return Prepared(target, mapping_file, headers, skipped)


def _xlsx_header_row(path: Path, first: tuple[str, ...]) -> int | None:
    """The 1-based row of the table's header in a workbook whose first sheet starts with
    report lines (found by its first cell, as for CSV); None when row 1 is the header
    or the preset names no header cells."""
    if not first:
        return None
    import zipfile

    from openpyxl import load_workbook

    wanted = {normalise_header(f) for f in first}
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None  # read_xlsx reports the unreadable workbook
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True, max_row=PREAMBLE_LINES)
        for number, values in enumerate(rows, start=1):
            cells = [v for v in values if v is not None and str(v).strip()]
            head = values[0] if values else None
            if len(cells) > 2 and head is not None and normalise_header(str(head)) in wanted:
                return None if number == 1 else number
    finally:
        wb.close()
    return None


def _delimiter(lines: list[str], first: tuple[str, ...]) -> str:
    for line in lines[:PREAMBLE_LINES]:
        for d in (",", ";", "\t", "|"):
            cells = next(csv.reader(io.StringIO(line), delimiter=d), [])
            if len(cells) > 2 and normalise_header(cells[0]) in {
                normalise_header(f) for f in first
            }:
                return d
    return ","
