"""The vectorised conversion helpers give exactly what the per-row code they replace gave.

Each reference below is the earlier implementation, kept here verbatim in behaviour:
derived ids hashed row by row with hashlib, attrs JSON built by DuckDB's
``CAST(MAP AS JSON)``, line breaks counted with ``bytes.count``, trimming always done.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import unicodedata

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinhieu.sources import files
from tinhieu.sources.convert import (
    _attrs_json,
    _blank_to_null,
    _column,
    _derive_ids,
    _reactions,
    _Reasons,
    may_need_trim,
)
from tinhieu.sources.files import line_breaks
from tinhieu.sources.values import parse_counts
from tinhieu.text import normalise
from tinhieu.text.normalise import is_nfc, nfc_array, surely_nfc_utf8

# Cells that have tripped JSON, hashing or Unicode code before: quotes, backslashes, every
# ASCII control character, whitespace Arrow trims, NFD Vietnamese, a bare combining mark,
# NFC singletons, emoji, a literal "\u00ab" and the unit separator used in the id basis.
TRICKY = [
    *(chr(c) for c in range(0x20)),
    *'"\\/ aZ09.,',
    "\x7f",
    "\u0085",
    "\u00a0",
    "\u1680",
    "\u2003",
    "\u2028",
    "\u202f",
    "\u3000",
    "\ufeff",
    "é",
    "e\u0301",
    "\u0301",
    "\u0323",
    "ữ",
    unicodedata.normalize("NFD", "ữ"),
    "Ấ",
    "\u2126",
    "\u212b",
    "😍",
    "👍🏻",
    "\\u00ab",
    "N/A",
]

cell = st.one_of(
    st.none(),
    st.just(""),
    st.lists(st.sampled_from(TRICKY), max_size=8).map("".join),
    st.text(max_size=6),
)


def column(values: list[str | None]) -> pa.Array:
    return pa.array(values, pa.string())


# --- derived ids ---------------------------------------------------------------------


def derive_ids_per_row(source_id: pa.Array, out: dict[str, pa.Array]) -> pa.Array:
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


ID_PARTS = ("url", "platform", "author_id", "author_name", "created_at", "title", "text")


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=1, max_value=12).flatmap(
        lambda n: st.tuples(
            st.lists(cell, min_size=n, max_size=n),
            st.dictionaries(
                st.sampled_from(ID_PARTS), st.lists(cell, min_size=n, max_size=n), max_size=7
            ),
        )
    )
)
def test_derived_ids_match_the_per_row_hash(case: tuple[list, dict]) -> None:
    ids, parts = case
    out = {k: column(v) for k, v in parts.items()}
    assert _derive_ids(column(ids), out).to_pylist() == (
        derive_ids_per_row(column(ids), out).to_pylist()
    )


def test_derived_ids_on_edge_rows() -> None:
    n = 6
    out = {
        "url": column(["", None, 'https://x.vn/p/1?a="b"', None, None, None]),
        "platform": column(["facebook"] * n),
        "author_name": column(["Quỳnh", None, "Quỳnh", "Lan\x1fAnh", "", "😀" * 5000]),
        "created_at": column(["01/03/2026 20:15"] * n),
        "text": column([None, None, "x", "a\nb", "", "ữ" * 100_000]),
        # created_at of a file without a date column: all NULL, not text
        "title": pa.nulls(n, pa.string()),
    }
    ids = column([None, "keep-me", None, None, None, None])
    got = _derive_ids(ids, out).to_pylist()
    assert got == derive_ids_per_row(ids, out).to_pylist()
    assert got[1] == "keep-me"
    assert all(len(v) == 22 and v.startswith("h:") for i, v in enumerate(got) if i != 1)
    timestamps = dict(out, created_at=pa.nulls(n, pa.timestamp("us", tz="UTC")))
    assert _derive_ids(ids, timestamps).to_pylist() == (
        derive_ids_per_row(ids, timestamps).to_pylist()
    )


# --- attrs JSON ----------------------------------------------------------------------


def attrs_json_by_duckdb(columns: dict[str, pa.Array]) -> pa.Array:
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


key = st.lists(st.sampled_from(TRICKY), min_size=1, max_size=4).map("".join)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=1, max_value=10).flatmap(
        lambda n: st.dictionaries(
            key, st.lists(cell, min_size=n, max_size=n), min_size=1, max_size=5
        )
    )
)
def test_attrs_json_matches_duckdb(cols: dict[str, list]) -> None:
    arrays = {k: column(v) for k, v in cols.items()}
    assert _attrs_json(arrays).to_pylist() == attrs_json_by_duckdb(arrays).to_pylist()


def test_attrs_json_long_values_and_key_order() -> None:
    arrays = {
        "Ghi chú": column(["x" * 1_000_000, None, 'say "hi"\r\n', None]),
        "_extra": column(['["a", "b"]', None, None, "\\"]),
        "Mã bài gốc": column([None, None, "m3", "\x00\x1f"]),
    }
    got = _attrs_json(arrays).to_pylist()
    assert got == attrs_json_by_duckdb(arrays).to_pylist()
    assert got[1] is None
    assert got[2] == '{"Ghi chú":"say \\"hi\\"\\r\\n","Mã bài gốc":"m3"}'
    assert got[3] == '{"_extra":"\\\\","Mã bài gốc":"\\u0000\\u001F"}'


# --- reactions -----------------------------------------------------------------------


def reactions_per_row(
    table: pa.Table, reactions: dict[str, str], reasons: _Reasons
) -> tuple[pa.Array, pa.Array]:
    parsed: dict[str, list[int | None]] = {}
    for col_name, reaction in reactions.items():
        col = _column(table, col_name)
        if col is None:
            continue
        values, errors = parse_counts(blank_to_null_always_trimming(col))
        for i, msg in errors:
            reasons.add(i, f"{col_name}: {msg}")
        parsed[reaction] = values.to_pylist()
    rows: list[str | None] = []
    for i in range(table.num_rows):
        obj = {k: v[i] for k, v in parsed.items() if v[i] is not None}
        rows.append(json.dumps(obj, sort_keys=True) if obj else None)
    sums = [None if r is None else sum(json.loads(r).values()) for r in rows]
    return pa.array(rows, pa.string()), pa.array(sums, pa.int64())


count_cell = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "0", "7", "1,2K", "3 triệu", "abc", "-5", "N/A", "1.5", "10^3"]),
    st.integers(min_value=0, max_value=10**15).map(str),
)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=8).flatmap(
        lambda n: st.lists(
            st.tuples(
                st.sampled_from(["like", "love", "haha", "wow", "sad", "angry", "care", "Thả tim"]),
                st.lists(count_cell, min_size=n, max_size=n),
            ),
            min_size=0,
            max_size=4,
        )
    )
)
def test_reactions_match_the_per_row_json(spec: list[tuple[str, list]]) -> None:
    # Columns named c0, c1 …; two columns may give the same reaction (the later wins).
    n = len(spec[0][1]) if spec else 3
    table = pa.table({f"c{i}": column(v) for i, (_, v) in enumerate(spec)} or {"x": [None] * n})
    mapping = {f"c{i}": reaction for i, (reaction, _) in enumerate(spec)}
    mapping["missing column"] = "like"
    got_reasons, want_reasons = _Reasons(n), _Reasons(n)
    got = _reactions(table, mapping, got_reasons)
    want = reactions_per_row(table, mapping, want_reasons)
    assert got[0].to_pylist() == want[0].to_pylist()
    assert got[1].to_pylist() == want[1].to_pylist()
    assert got_reasons.by_row == want_reasons.by_row


# --- trimming and blanks -------------------------------------------------------------


def blank_to_null_always_trimming(arr: pa.Array) -> pa.Array:
    stripped = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(pc.utf8_length(stripped), 0), pa.scalar(None, pa.string()), stripped)


def test_may_need_trim_flags_every_character_arrow_trims() -> None:
    points = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    lead = pc.utf8_trim_whitespace(pa.array([chr(c) + "a" for c in points]))
    trimmed = [c for c, same in zip(points, pc.equal(lead, "a").to_pylist(), strict=True) if same]
    assert len(trimmed) > 20
    for c in trimmed:
        for value in (chr(c) + "ab", "ab" + chr(c), chr(c), "ạ" + chr(c), chr(c) + "ữ"):
            assert may_need_trim(column(["x", value, "y"])), hex(c)
            assert may_need_trim(column([value]).cast(pa.large_string())), hex(c)


@settings(max_examples=300, deadline=None)
@given(st.lists(cell, max_size=12), st.integers(min_value=0, max_value=3))
def test_blank_to_null_matches_always_trimming(values: list, cut: int) -> None:
    arr = column(values).slice(min(cut, len(values)))
    if not may_need_trim(arr):
        assert pc.utf8_trim_whitespace(arr).equals(arr)
    long = pc.binary_join_element_wise(arr, pa.scalar("x" * 30), "")  # takes the check
    for a in (arr, long):
        assert _blank_to_null(a).to_pylist() == blank_to_null_always_trimming(a).to_pylist()


# --- NFC -----------------------------------------------------------------------------


def test_safe_characters_are_nfc_quick_check_yes_starters() -> None:
    """Every character the byte-level check accepts has combining class 0, is its own
    NFC and never composes with a preceding character (checked on all code points)."""
    seconds = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul V and T
    for cp in range(0x110000):
        d = unicodedata.decomposition(chr(cp))
        if d and not d.startswith("<"):
            parts = d.split()
            if len(parts) == 2:
                seconds.add(int(parts[1], 16))
    for cp in range(0x110000):
        if not normalise._code_point_safe(cp):
            continue
        ch = chr(cp)
        assert unicodedata.combining(ch) == 0, hex(cp)
        assert unicodedata.normalize("NFC", ch) == ch, hex(cp)
        assert cp not in seconds, hex(cp)


def test_byte_check_reads_each_character_right() -> None:
    """Each character alone (and after others, across slices) is judged by its own code
    point (BMP) or by its 4,096-code-point block."""
    rng = random.Random(7)
    sample = [*range(0x80, 0x3100), *rng.sample(range(0x3100, 0x110000), 3000), 0x1F60D]
    blocks: dict[int, bool] = {}
    for cp in sample:
        if 0xD800 <= cp <= 0xDFFF:
            continue
        if cp < 0x10000:
            want = normalise._code_point_safe(cp)
        else:
            block = normalise._index_code_points(0x10000 + (cp >> 12))
            assert cp in block
            if block.start not in blocks:
                blocks[block.start] = all(normalise._code_point_safe(c) for c in block)
            want = blocks[block.start]
        text = "ạ😀" * 3 + chr(cp)
        assert surely_nfc_utf8(np.frombuffer(text.encode(), np.uint8)) == want, hex(cp)


@settings(max_examples=300, deadline=None)
@given(st.lists(cell, max_size=12), st.integers(min_value=0, max_value=3))
def test_is_nfc_never_says_yes_wrongly(values: list, cut: int) -> None:
    arr = column(values).slice(min(cut, len(values)))
    whole = "".join(v for v in arr.to_pylist() if v is not None)
    data = np.frombuffer(whole.encode("utf-8"), np.uint8)
    if surely_nfc_utf8(data):
        assert unicodedata.is_normalized("NFC", whole)
    assert is_nfc(arr) == unicodedata.is_normalized("NFC", whole)
    want = [None if v is None else unicodedata.normalize("NFC", v) for v in arr.to_pylist()]
    assert nfc_array(arr).to_pylist() == want


def test_byte_check_on_vietnamese_and_decomposed_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(normalise, "_SLICE", 5)  # characters cut between slices
    text = "Trà sữa Mây ngon quá 😍👍🏻 “đóng gói” đẹp… Ấy ỷ ỹ Ơ ư"
    assert surely_nfc_utf8(np.frombuffer(text.encode(), np.uint8))
    for bad in (unicodedata.normalize("NFD", text), text + "\u0301", "\u212b", "\u1100\u1161"):
        assert not surely_nfc_utf8(np.frombuffer(bad.encode(), np.uint8))
        assert not is_nfc(column([text, bad]))
        assert nfc_array(column([bad])).to_pylist() == [unicodedata.normalize("NFC", bad)]


# --- line breaks ---------------------------------------------------------------------


def test_line_breaks_match_bytes_count(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(1)
    for slice_bytes in (7, 1 << 18):
        monkeypatch.setattr(files, "_SLICE", slice_bytes)
        for n in (0, 1, 2, 5, 4095, 4096, 5000, 20_000):
            data = bytes(rng.choice(b'\r\nab\r"') for _ in range(n))
            want = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
            assert line_breaks(data) == want
    assert line_breaks(b"a\r" * 3000 + b"\n") == 3000
    assert line_breaks(b"a\r\n" * 3000) == 3000


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
