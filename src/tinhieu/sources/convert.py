"""Turn a chunk of raw string columns into a batch of Mentions, and say which rows fail.

This is the "normalise" stage of the pipeline for file imports: column mapping, value
parsing (dates, counts, booleans), NFC text, platform and kind names, derived ids and
the raw attributes of unmapped columns. Every rejected row keeps its reason and the
original values; nothing else is dropped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

import duckdb
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
from tinhieu.text.normalise import nfc_array, nfc_fast

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
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


def _blank_to_null(arr: pa.Array) -> pa.Array:
    stripped = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(pc.utf8_length(stripped), 0), pa.scalar(None, pa.string()), stripped)


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
            out[name] = map_unique(col, nfc_fast)
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
        out["reactions"] = _reactions_json(table, mapping.reactions, reasons)
        if "likes" not in out:
            out["likes"] = _sum_reactions(out["reactions"])
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


def _derive_ids(source_id: pa.Array, out: dict[str, pa.Array]) -> pa.Array:
    """Fill missing ids with a stable hash: of the url when there is one, otherwise of
    platform, author, time and text. Re-importing the same row gives the same id."""
    ids = source_id.to_pylist()
    url = out["url"].to_pylist() if "url" in out else [None] * len(ids)
    parts = [
        out[k].to_pylist() if k in out else [None] * len(ids)
        for k in ("platform", "author_id", "author_name", "created_at", "title", "text")
    ]
    for i, current in enumerate(ids):
        if current is not None:
            continue
        basis = f"url\x1f{url[i]}" if url[i] else "\x1f".join(str(p[i]) for p in parts)
        ids[i] = "h:" + hashlib.sha1(basis.encode("utf-8"), usedforsecurity=False).hexdigest()[:20]
    return pa.array(ids, pa.string())


def _attrs_json(columns: dict[str, pa.Array]) -> pa.Array:
    """One JSON object per row of the given string columns; NULL cells are left out and
    a row with none gives NULL. Built by DuckDB (column names are passed as parameters,
    never spliced into SQL)."""
    names = list(columns)
    safe = pa.table({f"c{i}": columns[n] for i, n in enumerate(names)})
    entries = ", ".join(f"{{'k': ?, 'v': c{i}}}" for i in range(len(names)))
    con = duckdb.connect()
    try:
        con.register("t", safe)
        result = con.sql(
            "SELECT CASE WHEN len(kv) = 0 THEN NULL "
            "ELSE CAST(CAST(map_from_entries(kv) AS JSON) AS VARCHAR) END AS j FROM ("
            f"SELECT list_filter([{entries}], lambda e: e.v IS NOT NULL) AS kv FROM t)",
            params=names,
        ).to_arrow_table()
    finally:
        con.close()
    return result.column("j").combine_chunks()


def _reactions_json(table: pa.Table, reactions: dict[str, str], reasons: _Reasons) -> pa.Array:
    parsed: dict[str, list[int | None]] = {}
    for column, reaction in reactions.items():
        col = _column(table, column)
        if col is None:
            continue
        values, errors = parse_counts(_blank_to_null(col))
        for i, msg in errors:
            reasons.add(i, f"{column}: {msg}")
        parsed[reaction] = values.to_pylist()
    rows: list[str | None] = []
    for i in range(table.num_rows):
        obj = {k: v[i] for k, v in parsed.items() if v[i] is not None}
        rows.append(json.dumps(obj, sort_keys=True) if obj else None)
    return pa.array(rows, pa.string())


def _sum_reactions(reactions: pa.Array) -> pa.Array:
    return pa.array(
        [None if r is None else sum(json.loads(r).values()) for r in reactions.to_pylist()],
        pa.int64(),
    )


__all__ = ["MAX_FIELD_BYTES", "ConvertPlan", "map_unique", "to_mentions"]
