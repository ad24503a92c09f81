"""Turn a chunk of raw string columns into a batch of Mentions, and say which rows fail.

This is the "normalise" stage of the pipeline for file imports: column mapping, value
parsing (dates, counts, booleans), NFC text, platform and kind names, derived ids and
the raw attributes of unmapped columns. Every rejected row keeps its reason and the
original values; nothing else is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from tinhieu.schema import (
    ARROW_SCHEMA,
    COUNT_FIELDS,
    normalise_kind,
    normalise_platform,
)
from tinhieu.sources.columns import ColumnMapping
from tinhieu.sources.values import (
    parse_bools,
    parse_counts,
    parse_timestamps,
    placeholders_to_null,
)
from tinhieu.store.base import Reject
from tinhieu.text.normalise import is_nfc, nfc_array, nfc_fast

MAX_FIELD_BYTES: Final[int] = 1 << 20  # a cell over 1 MiB is junk, not a social post
_INT_FIELDS: Final[tuple[str, ...]] = (*COUNT_FIELDS, "author_followers")
_TEXT_FIELDS: Final[tuple[str, ...]] = ("text", "title", "author_name")
_PLAIN_FIELDS: Final[tuple[str, ...]] = ("url", "parent_id", "author_id", "language")
# Identifier-like fields where "N/A" or "-" means absent (never for text: "." is a comment).
_ID_FIELDS: Final[frozenset[str]] = frozenset(
    {"source_id", "parent_id", "url", "author_id", "language", "platform", "kind", "author_kind"}
)
_NULLABLE: Final[pa.Schema] = pa.schema([f.with_nullable(True) for f in ARROW_SCHEMA])


@dataclass(slots=True)
class ConvertPlan:
    """How one file's columns become Mention fields."""

    workspace: str
    timezone: str
    mapping: ColumnMapping
    defaults: dict[str, str] = field(default_factory=dict)  # constant field values
    dayfirst: bool = True  # 01/03/2026 is 1 March (Vietnamese order)
    collected_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def _column(table: pa.Table, name: str | None) -> pa.Array | None:
    if name is None or name not in table.column_names:
        return None
    col = table.column(name)
    if isinstance(col, pa.ChunkedArray):
        return col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()
    return col


def _blank_to_null(arr: pa.Array) -> pa.Array:
    """Values trimmed of surrounding whitespace; blank ones NULL."""
    # Checking first costs about as much as trimming a column of short values.
    big = arr.nbytes >= 24 * len(arr)
    stripped = arr if big and not may_need_trim(arr) else pc.utf8_trim_whitespace(arr)
    empty = pc.equal(pc.binary_length(stripped), 0)
    if not pc.any(empty).as_py():
        return stripped
    return pc.if_else(empty, pa.scalar(None, pa.string()), stripped)


# UTF-8 of the characters ``utf8_trim_whitespace`` removes: ASCII 0x09-0x0D, 0x1C-0x20;
# C2 85 and C2 A0; E1 9A 80; E2 80 80-8A, E2 80 A8/A9/AF, E2 81 9F; E3 80 80.


def may_need_trim(arr: pa.Array) -> bool:
    """False when no value of the string column ``arr`` starts or ends with a character
    that ``pc.utf8_trim_whitespace`` removes (then trimming would return it unchanged).

    Looks at the first and last bytes of each value only: a value that starts with a
    byte up to 0x20, with C2, or with E1-E3 followed by 80, 81 or 9A, or that ends
    likewise, may need trimming (a superset of the whitespace characters above; most
    text matches none). Empty values may be flagged too (harmless).
    """
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return True
    n = len(arr)
    buffers = arr.buffers()
    if n == 0 or buffers[2] is None or buffers[2].size == 0:
        return False
    width = np.int32 if pa.types.is_string(arr.type) else np.int64
    offsets = np.frombuffer(buffers[1], dtype=width)[arr.offset : arr.offset + n + 1]
    data: npt.NDArray[np.uint8] = np.frombuffer(buffers[2], np.uint8)
    top = len(data) - 1
    starts = np.minimum(offsets[:-1], top)
    ends = offsets[1:]

    def back(k: int) -> npt.NDArray[np.uint8]:  # the k-th last byte (below 0: byte 0)
        last: npt.NDArray[np.uint8] = data[np.maximum(ends - k, 0)]
        return last

    first, last = data[starts], back(1)
    if (first <= 0x20).any() or (last <= 0x20).any():
        return True
    before_last = back(2)
    if (first == 0xC2).any() or (before_last == 0xC2).any():
        return True
    # Three-byte whitespace: E1-E3 then 80, 81 or 9A. Checked on the few candidates.
    lead = (first >= 0xE1) & (first <= 0xE3)
    if lead.any():
        second = data[np.minimum(starts[lead] + 1, top)]
        if (((second & 0xFE) == 0x80) | (second == 0x9A)).any():
            return True
    third_last = back(3)
    lead = (third_last >= 0xE1) & (third_last <= 0xE3)
    if lead.any():
        second = before_last[lead]
        if (((second & 0xFE) == 0x80) | (second == 0x9A)).any():
            return True
    return False


class _Reasons:
    """The first reason each row is rejected for."""

    def __init__(self, n: int) -> None:
        self.by_row: dict[int, str] = {}
        self.n = n

    def add(self, row: int, reason: str) -> None:
        self.by_row.setdefault(row, reason)

    def add_mask(self, mask: pa.Array, reason: str) -> None:
        if not pc.any(mask).as_py():
            return
        for i in pc.indices_nonzero(mask).to_pylist():
            self.add(int(i), reason)


def to_mentions(
    table: pa.Table, lines: Sequence[int], plan: ConvertPlan
) -> tuple[pa.Table, list[Reject]]:
    """Convert ``table`` (the file's columns as strings) into Mention rows.

    Returns the good rows as a table with the Mention schema and a Reject for each bad
    row, carrying its line, reason and the original values.
    """
    if any(col.num_chunks > 1 for col in table.columns):
        table = table.combine_chunks()  # once, not for every use of a column
    n = table.num_rows
    reasons = _Reasons(n)
    mapping = plan.mapping
    fields = mapping.fields

    for name in table.column_names:
        col = _column(table, name)
        assert col is not None
        too_big = pc.fill_null(pc.greater(pc.binary_length(col), MAX_FIELD_BYTES), False)
        if pc.any(too_big).as_py():
            for i in pc.indices_nonzero(too_big).to_pylist():
                size = len(col[i].as_py().encode("utf-8")) / 1e6
                reasons.add(
                    int(i),
                    f"field '{name}' is {size:.1f} MB (limit {MAX_FIELD_BYTES / 1e6:.0f} MB)",
                )

    out: dict[str, pa.Array] = {}

    def raw(field_name: str) -> pa.Array | None:
        col = _column(table, fields.get(field_name))
        if col is None:
            default = plan.defaults.get(field_name)
            if default is None:
                return None
            return pa.repeat(pa.scalar(default, pa.string()), n)
        col = _blank_to_null(col)
        return placeholders_to_null(col) if field_name in _ID_FIELDS else col

    # Text: NFC, leading/trailing whitespace trimmed.
    for name in _TEXT_FIELDS:
        col = raw(name)
        if col is None:
            continue
        if name == "author_name":  # few distinct values: normalise each once
            out[name] = col if is_nfc(col) else map_unique(col, nfc_fast)
        else:
            out[name] = nfc_array(col)
    for name in _PLAIN_FIELDS:
        col = raw(name)
        if col is not None:
            out[name] = col
    if "language" in out:
        out["language"] = pc.utf8_lower(out["language"])

    # Platform and kind: canonical names; unknown values are kept in attrs.
    extra_attrs: dict[str, pa.Array] = {}
    platform = raw("platform")
    if platform is None:
        out["platform"] = pa.repeat(pa.scalar("other", pa.string()), n)
    else:
        canon = map_unique(platform, normalise_platform)
        unknown = pc.and_(pc.is_valid(platform), pc.is_null(canon))
        # A value that is no platform (a "Kênh" column of page names) falls back to the
        # import's default platform; the original value is kept in attrs.
        out["platform"] = pc.fill_null(canon, plan.defaults.get("platform") or "other")
        if pc.any(unknown).as_py():
            extra_attrs["platform_raw"] = pc.if_else(unknown, platform, None)
    kind = raw("kind")
    kinds = map_unique(kind, normalise_kind) if kind is not None else pa.nulls(n, pa.string())
    if kind is not None:
        unknown = pc.and_(pc.is_valid(kind), pc.is_null(kinds))
        if pc.any(unknown).as_py():
            extra_attrs["kind_raw"] = pc.if_else(unknown, kind, None)
    # A row that does not say its kind stays NULL: the store makes a new row a comment
    # when it has a parent and a post otherwise, and never changes a stored kind.
    out["kind"] = kinds

    # Time.
    created = raw("created_at")
    if created is None:
        for i in range(n):
            reasons.add(i, "no date: the file has no column mapped to created_at")
        out["created_at"] = pa.nulls(n, pa.timestamp("us", tz="UTC"))
    else:
        ts, zone, errors = parse_timestamps(created, plan.timezone, dayfirst=plan.dayfirst)
        for i, msg in errors:
            reasons.add(i, f"created_at: {msg}")
        # Blank cells and placeholders such as "N/A" or "—" parse to NULL without error.
        reasons.add_mask(pc.is_null(ts), "missing date (created_at)")
        out["created_at"], out["source_tz"] = ts, zone
    collected = raw("collected_at")
    if collected is not None:
        ts, _, errors = parse_timestamps(collected, plan.timezone, dayfirst=plan.dayfirst)
        for i, msg in errors:
            reasons.add(i, f"collected_at: {msg}")
        out["collected_at"] = pc.if_else(
            pc.is_null(ts), pa.scalar(plan.collected_at, pa.timestamp("us", tz="UTC")), ts
        )
    else:
        out["collected_at"] = pa.repeat(
            pa.scalar(plan.collected_at, pa.timestamp("us", tz="UTC")), n
        )

    # Counts.
    for name in _INT_FIELDS:
        col = raw(name)
        if col is None:
            continue
        values_, errors = parse_counts(col)
        for i, msg in errors:
            reasons.add(i, f"{name}: {msg}")
        out[name] = values_
    for name in ("author_verified", "reach_estimated"):
        col = raw(name)
        if col is not None:
            bools, errors = parse_bools(col)
            for i, msg in errors:
                reasons.add(i, f"{name}: {msg}")
            out[name] = bools
    col = raw("author_kind")
    if col is not None:
        out["author_kind"] = pc.utf8_lower(col)

    # Reactions by type and raw attributes.
    if mapping.reactions:
        out["reactions"], total = _reactions(table, mapping.reactions, reasons)
        if "likes" not in out:
            out["likes"] = total
    attr_cols: dict[str, pa.Array | None] = {
        c: _blank_to_null(col) for c in mapping.unmapped if (col := _column(table, c)) is not None
    }
    attr_cols |= extra_attrs
    if attr_cols:
        out["attrs"] = _attrs_json({k: v for k, v in attr_cols.items() if v is not None})

    # Identity: the source's id, or a stable one derived from what identifies the row.
    text = out.get("text")
    title = out.get("title")
    source_id = raw("source_id")
    no_text = pc.and_kleene(
        pc.is_null(text) if text is not None else pa.repeat(pa.scalar(True), n),
        pc.is_null(title) if title is not None else pa.repeat(pa.scalar(True), n),
    )
    if source_id is None:
        source_id = pa.nulls(n, pa.string())
    url = out.get("url")
    no_id = pc.is_null(source_id)
    if url is not None:
        no_id = pc.and_(no_id, pc.is_null(url))
    reasons.add_mask(pc.and_(no_text, no_id), "row has neither text nor id")
    if pc.any(pc.is_null(source_id)).as_py():
        basis = dict(out)
        if created is not None:
            basis["created_at"] = created  # the text as written, whatever the time zone
        source_id = _derive_ids(source_id, basis)
    out["source_id"] = source_id
    out["workspace"] = pa.repeat(pa.scalar(plan.workspace, pa.string()), n)

    batch = pa.Table.from_arrays(
        [out.get(f.name, pa.nulls(n, f.type)).cast(f.type) for f in _NULLABLE],
        schema=_NULLABLE,
    )
    if not reasons.by_row:
        return batch, []
    bad = sorted(reasons.by_row)
    keep = pc.invert(pc.is_in(pa.array(range(n), pa.int64()), pa.array(bad, pa.int64())))
    rejected_raw = table.take(pa.array(bad, pa.int64())).to_pylist()
    rejects = [
        Reject(lines[i], reasons.by_row[i], json.dumps(r, ensure_ascii=False))
        for i, r in zip(bad, rejected_raw, strict=True)
    ]
    return batch.filter(keep), rejects


def map_unique(arr: pa.Array, fn: Callable[[str], str | None]) -> pa.Array:
    """``fn`` applied to each distinct non-null value of ``arr`` once (columns such as
    platform or kind hold a handful of values in a million rows)."""
    encoded = pc.dictionary_encode(arr)
    mapped = pa.array([fn(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return pc.take(mapped, encoded.indices)


_PART_NAMES: Final[tuple[str, ...]] = (
    "platform",
    "author_id",
    "author_name",
    "created_at",
    "title",
    "text",
)


def _derive_ids(source_id: pa.Array, out: dict[str, pa.Array]) -> pa.Array:
    """Fill missing ids with a stable hash: of the url when there is one, otherwise of
    platform, author, time and text. Re-importing the same row gives the same id.

    The id is ``h:`` and the first 20 hex digits of the SHA-1 of the UTF-8 text
    ``url<US><url>`` when the url is not empty, otherwise of the six parts joined by
    <US> (U+001F), a missing part written ``None``. DuckDB computes them for the whole
    column at once.
    """
    n = len(source_id)
    columns: dict[str, pa.Array] = {"sid": source_id.cast(pa.string())}
    for i, name in enumerate(("url", *_PART_NAMES)):
        col = out.get(name)
        if col is None or col.null_count == len(col):
            col = pa.nulls(n, pa.string())
        elif not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            raise TypeError(f"{name}: an id is derived from text, not {col.type}")
        columns[f"p{i}"] = col.cast(pa.string())
    parts = " || chr(31) || ".join(
        f"coalesce(p{i}, 'None')" for i in range(1, len(_PART_NAMES) + 1)
    )
    sql = (
        "SELECT CASE WHEN sid IS NOT NULL THEN sid ELSE 'h:' || left(sha1("
        "CASE WHEN p0 IS NOT NULL AND p0 <> '' THEN 'url' || chr(31) || p0 "
        f"ELSE {parts} END), 20) END AS id FROM t"
    )
    return _duckdb_column(pa.table(columns), sql)


def _duckdb_column(table: pa.Table, sql: str) -> pa.Array:
    """The one column ``sql`` selects from ``table`` (registered as ``t``), in order."""
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = true")
        con.register("t", table)
        result = con.sql(sql).to_arrow_table()
    finally:
        con.close()
    col = result.column(0)
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


# How DuckDB writes a JSON string (``CAST(... AS JSON)``): json.dumps with
# ensure_ascii=False, but \u escapes in upper-case hex.
_JSON_ESCAPES: Final[dict[int, str]] = {
    **{c: f"\\u{c:04X}" for c in range(0x20)},
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}
_NEEDS_ESCAPE: Final[str] = '[\\x00-\\x1f"\\\\]'


def _json_string(text: str) -> str:
    return '"' + text.translate(_JSON_ESCAPES) + '"'


def _json_escape(arr: pa.Array) -> pa.Array:
    """Each value escaped as inside a JSON string (without the quotes)."""
    if not pc.any(pc.match_substring_regex(arr, _NEEDS_ESCAPE)).as_py():
        return arr
    arr = pc.replace_substring(arr, "\\", "\\\\")  # first: later escapes add backslashes
    arr = pc.replace_substring(arr, '"', '\\"')
    for code in range(0x20):
        if pc.any(pc.match_substring(arr, chr(code))).as_py():
            arr = pc.replace_substring(arr, chr(code), _JSON_ESCAPES[code])
    return arr


def _attrs_json(columns: dict[str, pa.Array]) -> pa.Array:
    """One JSON object per row of the given string columns, keys in the given order;
    NULL cells are left out and a row with none gives NULL. The text is what DuckDB's
    ``CAST(MAP AS JSON)`` writes (``{"k":"v","k2":"v2"}``), built with Arrow kernels."""
    entries: list[pa.Array] = []
    valid: pa.Array | None = None
    for name, values in columns.items():
        col = values.cast(pa.string())
        key = "," + _json_string(name) + ':"'
        entries.append(
            pc.fill_null(pc.binary_join_element_wise(key, _json_escape(col), '"', ""), "")
        )
        valid = pc.is_valid(col) if valid is None else pc.or_(valid, pc.is_valid(col))
    if valid is None:
        raise ValueError("attrs need at least one column")
    joined = pc.binary_join_element_wise(*entries, "") if len(entries) > 1 else entries[0]
    # Every non-empty row starts with the comma of its first entry: that becomes the "{".
    opened = pc.replace_substring(joined, ",", "{", max_replacements=1)
    return pc.if_else(
        valid, pc.binary_join_element_wise(opened, "}", ""), pa.scalar(None, pa.string())
    )


def _reactions(
    table: pa.Table, reactions: dict[str, str], reasons: _Reasons
) -> tuple[pa.Array, pa.Array]:
    """The ``reactions`` JSON of each row (``json.dumps(counts, sort_keys=True)`` of the
    reactions it has, NULL when none) and their sum (NULL when none)."""
    parsed: dict[str, pa.Array] = {}
    for column, reaction in reactions.items():
        col = _column(table, column)
        if col is None:
            continue
        values, errors = parse_counts(_blank_to_null(col))
        for i, msg in errors:
            reasons.add(i, f"{column}: {msg}")
        parsed[reaction] = values.cast(pa.int64())
    n = table.num_rows
    if not parsed:
        return pa.nulls(n, pa.string()), pa.nulls(n, pa.int64())
    entries: list[pa.Array] = []
    total: pa.Array | None = None
    valid: pa.Array | None = None
    for name in sorted(parsed):
        values = parsed[name]
        text = values.cast(pa.string())
        entry = pc.binary_join_element_wise(", " + json.dumps(name) + ": ", text, "")
        entries.append(pc.fill_null(entry, ""))
        zeroed = pc.fill_null(values, 0)
        total = zeroed if total is None else pc.add(total, zeroed)
        valid = pc.is_valid(values) if valid is None else pc.or_(valid, pc.is_valid(values))
    assert total is not None and valid is not None
    joined = pc.binary_join_element_wise(*entries, "") if len(entries) > 1 else entries[0]
    # Every non-empty row starts with the ", " of its first entry: that becomes the "{".
    opened = pc.replace_substring(joined, ", ", "{", max_replacements=1)
    objects = pc.if_else(
        valid, pc.binary_join_element_wise(opened, "}", ""), pa.scalar(None, pa.string())
    )
    return objects, pc.if_else(valid, total, pa.scalar(None, pa.int64()))


__all__ = ["MAX_FIELD_BYTES", "ConvertPlan", "map_unique", "to_mentions"]
