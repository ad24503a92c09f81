"""Parsing cell values from exported files: counts, timestamps and flags.

Every value kind has a scalar *reference* function (``parse_count``, ``parse_timestamp``,
``parse_bool``) and a vectorised column function (``parse_counts``, ``parse_timestamps``,
``parse_bools``) that gives exactly the same answer for every cell (the tests check this
with generated inputs). The column functions take an Arrow array of strings and return
an Arrow array plus a list of ``(row index, error message)`` for the cells that are not
valid; those cells are NULL in the result.

Missing values
    A cell is *missing* when it is NULL, empty or blank after trimming whitespace
    (including no-break and zero-width spaces), or one of the placeholders ``-``, ``--``,
    ``—``, ``–``, ``N/A``, ``NA``, ``#N/A``, ``null``, ``none``, ``nan``, ``nil``
    (any case); see :func:`is_missing`. Missing cells are NULL in the column functions
    and never an error. ``parse_count`` and ``parse_bool`` return None for them;
    ``parse_timestamp`` raises ``ValueError("missing timestamp: ...")``.

Counts (:func:`parse_count`)
    * Plain digits: ``"12"`` -> 12; leading zeros are ignored.
    * Thousands separators: ``.`` (Vietnamese), ``,`` (English), spaces, no-break and
      thin spaces, apostrophes. A separator followed by exactly three digits, after a
      first group of one to three digits that does not start with 0, groups thousands:
      ``"1.234"`` = ``"1,234"`` = ``"1 234"`` = 1234, ``"12.345.678"`` = 12345678.
    * Any other single ``.`` or ``,`` is a decimal mark. A decimal count must be whole:
      ``"12.0"``, ``"12,00"``, ``"1234.000"`` -> 12, 12, 1234 (spreadsheet and pandas
      exports write integer columns with NULLs as floats), while ``"1.2"`` or ``"0,5"``
      raise ``ValueError("not a whole count: ...")`` — a bare ``1.2`` in a count
      column is a ratio or a data error, not 1,2 thousand without its suffix.
    * With both ``.`` and ``,`` the last one is the decimal mark: ``"1.234,0"`` and
      ``"1,234.00"`` -> 1234.
    * Suffixes, any case, with or without a space, diacritics optional; with a suffix
      the single separator is always the decimal mark (``"1,2K"`` = ``"1.2k"`` = 1200):
      thousand: ``K``, ``N`` (YouTube Vietnamese), ``nghìn``, ``ngàn``, ``thousand``;
      million: ``M``, ``Mn``, ``Tr``, ``triệu``, ``mil``, ``million``; billion: ``B``,
      ``Bn``, ``T`` (YouTube Vietnamese), ``tỷ``, ``tỉ``, ``billion``. The product is
      truncated to a whole number (platforms round displayed counts down).
    * A trailing ``+`` (``"10K+"``, ``"1000+"``) is dropped: the count is a lower bound.
    * A trailing unit word is ignored: ``"1,2 N lượt xem"``, ``"3.4K views"``,
      ``"120 followers"`` (see ``_UNIT_WORDS``).
    * Scientific notation from float exports: ``"1.5e+06"`` -> 1500000 (must be whole).
    * Errors (``ValueError``): negative numbers (``"negative count: '-5'"``), anything
      else that is not a count (``"not a count: 'abc'"``), counts above 10^15
      (``"count too large: ..."``).

Timestamps (:func:`parse_timestamp`) — see its docstring for the full list of forms.
    * Slash, dot and dash dates with the year last are day first (Vietnamese order):
      ``01/03/2026`` is 1 March 2026; ``03/25/2026`` is an error. Pass
      ``dayfirst=False`` for a file known to be month first; :func:`guess_dayfirst`
      looks at a column to tell.
    * Years must have four digits and lie in 1900–2100.
    * Numbers by digit count of the integer part: 9–11 digits = Unix epoch seconds,
      12–14 = milliseconds, 15–17 = microseconds (instants, source zone ``UTC``);
      8 digits without fraction = ``yyyymmdd``; 5 digits (optionally with a fraction)
      = an Excel serial date from 25569 (1970-01-01) on (days since 1899-12-30,
      fraction = time of day, read as wall time in ``tz``, rounded to the millisecond).
      Other numbers are errors.
    * A time without zone is wall time in ``tz`` (source zone ``assumed:<tz>``). In a
      daylight-saving change, an ambiguous wall time is the first (earlier) instant
      and a wall time that does not exist is read with the offset before the change
      (Python's ``fold=0``): 02:30 on the spring-forward day in Europe/Berlin is
      01:30 UTC.
    * With an explicit zone the source zone is the offset, ``+07:00``, or ``UTC`` for
      ``Z``/``UTC``/``GMT``.
    * Fractions of a second beyond microseconds are truncated.

Flags (:func:`parse_bool`): true/false, t/f, yes/no, y/n, 1/0 (also 1.0/0.0),
có/không, đúng/sai, x, ✓/✔/☑ and ✗/✘/☐, verified/unverified,
đã xác minh/chưa xác minh, any case and with or without diacritics.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from functools import lru_cache
from typing import Final, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from tinhieu.text.normalise import fold

__all__ = [
    "DEFAULT_TZ",
    "MAX_COUNT",
    "check_timezone",
    "guess_dayfirst",
    "is_missing",
    "parse_bool",
    "parse_bools",
    "parse_count",
    "parse_counts",
    "parse_timestamp",
    "parse_timestamps",
]

DEFAULT_TZ: Final[str] = "Asia/Ho_Chi_Minh"
MAX_COUNT: Final[int] = 10**15
MIN_YEAR: Final[int] = 1900
MAX_YEAR: Final[int] = 2100

Int64Array = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Errors = list[tuple[int, str]]
_T = TypeVar("_T")

# Whitespace trimmed from every cell, the same set in Python and in Arrow.
_WS: Final[str] = (
    " \t\n\r\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_MISSING: Final[frozenset[str]] = frozenset(
    {"", "-", "--", "---", "—", "–", "n/a", "na", "#n/a", "null", "none", "nan", "nil"}
)
_MISSING_ARRAY: Final[pa.Array] = pa.array(sorted(_MISSING), pa.string())
_ASCII_LOWER: Final[dict[int, int]] = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def _strip(s: str) -> str:
    return s.strip(_WS)


def _ascii_lower(s: str) -> str:
    return s.translate(_ASCII_LOWER)


def _show(t: str) -> str:
    """``t`` quoted for an error message, shortened when long."""
    return repr(t) if len(t) <= 60 else repr(t[:50]) + f"… ({len(t)} characters)"


def placeholders_to_null(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``arr`` with blank cells and placeholders (``-``, ``N/A``, ``null``…) as NULL.

    For identifier-like columns (ids, urls, names of platforms and kinds), not for text:
    a comment that is just "-" or "." is real (giveaway entries often are)."""
    strings = _as_strings(arr)
    trimmed = pc.utf8_lower(pc.utf8_trim_whitespace(strings))
    return pc.if_else(pc.is_in(trimmed, _MISSING_ARRAY), pa.scalar(None, pa.string()), strings)


def is_missing(s: str | None) -> bool:
    """True when ``s`` is NULL, blank or a placeholder such as ``-``, ``N/A``, ``null``."""
    return s is None or _ascii_lower(_strip(s)) in _MISSING


# --------------------------------------------------------------------------------------
# Arrow helpers


def _as_strings(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = pc.cast(arr, pa.string())
    return arr


def _trim(arr: pa.Array) -> pa.Array:
    return pc.utf8_trim(arr, characters=_WS)


def _bool_np(arr: pa.Array) -> BoolArray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=np.bool_)


def _map_unique(
    values: Sequence[str], fn: Callable[[str], _T | None]
) -> tuple[list[_T | None], list[str | None]]:
    """Apply ``fn`` once per distinct value; ValueErrors become messages."""
    done: dict[str, tuple[_T | None, str | None]] = {}
    out: list[_T | None] = []
    errs: list[str | None] = []
    for v in values:
        r = done.get(v)
        if r is None:
            try:
                r = (fn(v), None)
            except ValueError as e:
                r = (None, str(e))
            done[v] = r
        out.append(r[0])
        errs.append(r[1])
    return out, errs


# --------------------------------------------------------------------------------------
# Counts

_THOUSAND: Final[int] = 1_000
_MILLION: Final[int] = 1_000_000
_BILLION: Final[int] = 1_000_000_000
_SUFFIXES: Final[dict[str, int]] = {
    "k": _THOUSAND,
    "n": _THOUSAND,
    "nghin": _THOUSAND,
    "ngan": _THOUSAND,
    "thousand": _THOUSAND,
    "m": _MILLION,
    "mn": _MILLION,
    "tr": _MILLION,
    "trieu": _MILLION,
    "mil": _MILLION,
    "million": _MILLION,
    "b": _BILLION,
    "bn": _BILLION,
    "t": _BILLION,
    "ty": _BILLION,
    "ti": _BILLION,
    "billion": _BILLION,
}
_UNIT_WORDS: Final[frozenset[str]] = frozenset(
    {
        "luot",
        "luot xem",
        "luot thich",
        "luot chia se",
        "luot binh luan",
        "luot theo doi",
        "luot xem video",
        "nguoi",
        "nguoi theo doi",
        "nguoi dang ky",
        "binh luan",
        "chia se",
        "thich",
        "view",
        "views",
        "like",
        "likes",
        "comment",
        "comments",
        "share",
        "shares",
        "follower",
        "followers",
        "subscriber",
        "subscribers",
        "reaction",
        "reactions",
    }
)
_SPACE_SEPS: Final[str] = " \u00a0\u2009\u202f\u2007'’"
_COUNT_RE: Final[re.Pattern[str]] = re.compile(
    r"(?P<num>[0-9](?:[0-9.," + _SPACE_SEPS + r"]*[0-9])?)[ \u00a0]*(?P<rest>[^\W\d_][^\d]*)?",
    re.UNICODE,
)
_SCI_RE: Final[re.Pattern[str]] = re.compile(r"[0-9]+(?:[.,][0-9]+)?[eE][+]?[0-9]{1,2}")
_NEG_RE: Final[re.Pattern[str]] = re.compile(r"[-−–][ \u00a0]*[0-9]")
_SPACE_GROUPED_RE: Final[re.Pattern[str]] = re.compile(
    r"[1-9][0-9]{0,2}(?:[" + _SPACE_SEPS + r"][0-9]{3})+(?:[.,][0-9]+)?"
)


def _grouped(num: str, sep: str) -> bool:
    """``num`` is digits grouped in thousands by ``sep``: 1.234 / 12.345.678."""
    parts = num.split(sep)
    return (
        1 <= len(parts[0]) <= 3
        and parts[0][0] != "0"
        and all(len(p) == 3 for p in parts[1:])
        and all(p.isdigit() for p in parts)
    )


def _count_number(num: str, has_suffix: bool, t: str) -> Decimal:
    """The value of the number part of a count (separators resolved)."""
    if any(c in _SPACE_SEPS for c in num):
        if not _SPACE_GROUPED_RE.fullmatch(num):
            raise ValueError(f"not a count: {_show(t)}")
        num = "".join(c for c in num if c not in _SPACE_SEPS)
    dots, commas = num.count("."), num.count(",")
    if dots and commas:
        dec = "." if num.rfind(".") > num.rfind(",") else ","
        thou = "," if dec == "." else "."
        whole, _, frac = num.rpartition(dec)
        if num.count(dec) != 1 or not _grouped(whole, thou):
            raise ValueError(f"not a count: {_show(t)}")
        return Decimal(whole.replace(thou, "") + "." + frac)
    sep = "." if dots else ("," if commas else "")
    if not sep:
        return Decimal(num)
    count = dots or commas
    if count > 1:
        if has_suffix or not _grouped(num, sep):
            raise ValueError(f"not a count: {_show(t)}")
        return Decimal(num.replace(sep, ""))
    if not has_suffix and _grouped(num, sep):
        return Decimal(num.replace(sep, ""))
    whole, _, frac = num.partition(sep)
    return Decimal(whole + "." + frac)


def _suffix_multiplier(rest: str, t: str) -> int:
    """The multiplier of a count suffix like ``K``, ``triệu``, ``Tr lượt xem``."""
    words = _ascii_lower(fold(rest)).replace(".", " ").split()
    if not words:
        return 1
    mult = _SUFFIXES.get(words[0])
    unit = words[1:] if mult is not None else words
    if unit and " ".join(unit) not in _UNIT_WORDS:
        raise ValueError(f"not a count: {_show(t)}")
    return mult or 1


def parse_count(s: str) -> int | None:
    """Read a social count as exports write it; None for a missing value.

    ``"12"``, ``"12.345"``, ``"12,345"``, ``" 1 234 "``, ``"1,2K"``, ``"1.2k"``,
    ``"3,5 triệu"``, ``"2 tr"``, ``"1.5M"``, ``"2 nghìn"``, ``"1,2 tỷ"``, ``"10K+"``,
    ``"12.0"``. ``"—"``, ``"-"``, ``""``, ``"N/A"`` -> None. The rules for separators
    and suffixes, and the errors, are in the module docstring: in short a separator
    followed by exactly three digits groups thousands (``"1.234"`` = 1234), a suffix
    makes the separator a decimal mark (``"1,2K"`` = 1200), and a count without suffix
    must be whole (``"12.0"`` = 12, ``"1.2"`` raises ``ValueError``).
    """
    t = _strip(s)
    if t.isascii() and t.isdigit():
        v = int(t)
        if v > MAX_COUNT:
            raise ValueError(f"count too large: {_show(t)} (limit 10^15)")
        return v
    if _ascii_lower(t) in _MISSING:
        return None
    work = t
    if work.endswith("+"):
        work = work[:-1].rstrip(_WS)
    value: Decimal
    if _NEG_RE.match(work):
        raise ValueError(f"negative count: {_show(t)}")
    if _SCI_RE.fullmatch(work):
        try:
            value = Decimal(work.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the regex admits valid numbers only
            raise ValueError(f"not a count: {_show(t)}") from None
        if value != value.to_integral_value():
            raise ValueError(f"not a whole count: {_show(t)}")
    else:
        m = _COUNT_RE.fullmatch(work)
        if m is None:
            raise ValueError(f"not a count: {_show(t)}")
        rest = m.group("rest") or ""
        mult = _suffix_multiplier(rest, t) if rest else 1
        number = _count_number(m.group("num"), mult != 1, t)
        if mult == 1:
            if number != number.to_integral_value():
                raise ValueError(f"not a whole count: {_show(t)}")
            value = number
        else:
            value = (number * mult).quantize(Decimal(1), rounding=ROUND_DOWN)
    if value > MAX_COUNT:
        raise ValueError(f"count too large: {_show(t)} (limit 10^15)")
    return int(value)


@lru_cache(maxsize=1 << 16)
def _count_cached(s: str) -> tuple[int | None, str | None]:
    try:
        return parse_count(s), None
    except ValueError as e:
        return None, str(e)


def parse_counts(arr: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, Errors]:
    """Vectorised :func:`parse_count`: an int64 array (NULL where missing or invalid)
    and ``(row, message)`` for each invalid cell.

    Plain digit strings of up to 15 digits are cast by Arrow in one go; the other
    cells go through :func:`parse_count` once per distinct value (with a cache shared
    across calls, since exports repeat values such as ``"1,2K"``).
    """
    a = _as_strings(arr)
    n = len(a)
    fast = pc.and_(pc.ascii_is_decimal(a), pc.less_equal(pc.utf8_length(a), 15))
    fast_np = _bool_np(fast)
    values = np.zeros(n, dtype=np.int64)
    valid = fast_np.copy()
    if fast_np.any():
        digits = pc.if_else(fast, a, pa.scalar("0", a.type))
        values[:] = pc.fill_null(pc.cast(digits, pa.int64()), 0).to_numpy()
    errors: Errors = []
    present = ~np.asarray(a.is_null().to_numpy(zero_copy_only=False), dtype=np.bool_)
    slow = np.flatnonzero(present & ~fast_np)
    if slow.size:
        enc = pc.dictionary_encode(a.take(pa.array(slow)))
        assert isinstance(enc, pa.DictionaryArray)
        uniq = enc.dictionary.to_pylist()
        u_values = np.zeros(len(uniq), np.int64)
        u_valid = np.zeros(len(uniq), np.bool_)
        u_errors: list[str | None] = []
        for i, s in enumerate(uniq):
            v, err = _count_cached(str(s))
            u_errors.append(err)
            if v is not None:
                u_values[i] = v
                u_valid[i] = True
        idx = enc.indices.to_numpy(zero_copy_only=False)
        values[slow] = u_values[idx]
        valid[slow] = u_valid[idx]
        bad = [i for i, e in enumerate(u_errors) if e is not None]
        if bad:
            hit = np.flatnonzero(np.isin(idx, bad))
            errors = [(int(slow[j]), str(u_errors[int(idx[j])])) for j in hit.tolist()]
    return pa.array(values, type=pa.int64(), mask=~valid), errors


# --------------------------------------------------------------------------------------
# Flags

_TRUE: Final[frozenset[str]] = frozenset(
    {"true", "t", "yes", "y", "1", "1.0", "co", "dung", "x", "✓", "✔", "☑", "✅"}
    | {"verified", "da xac minh", "da xac thuc", "xac minh"}
)
_FALSE: Final[frozenset[str]] = frozenset(
    {"false", "f", "no", "n", "0", "0.0", "khong", "sai", "✗", "✘", "☐", "❌"}
    | {"unverified", "not verified", "chua xac minh", "chua xac thuc"}
)


def parse_bool(s: str | None) -> bool | None:
    """Read a flag such as *verified*: true/false, yes/no, 1/0, có/không, x, ✓ ...

    Case and diacritics do not matter. Missing values (see :func:`is_missing`) give
    None; anything else raises ``ValueError("not a yes/no value: ...")``.
    """
    if s is None:
        return None
    t = _strip(s)
    key = " ".join(_ascii_lower(fold(t)).split())
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    if _ascii_lower(t) in _MISSING:
        return None
    raise ValueError(f"not a yes/no value: {_show(t)}")


def _bool_or_none(s: str) -> bool | None:
    return parse_bool(s)


def parse_bools(arr: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, Errors]:
    """Vectorised :func:`parse_bool`: a bool array (NULL where missing or invalid) and
    ``(row, message)`` for each invalid cell. Each distinct value is read once."""
    a = _as_strings(arr)
    enc = pc.dictionary_encode(a)
    assert isinstance(enc, pa.DictionaryArray)
    dictionary = enc.dictionary.to_pylist()
    parsed, errs = _map_unique([str(v) for v in dictionary], _bool_or_none)
    result = pc.take(pa.array(parsed, pa.bool_()), enc.indices)
    errors: Errors = []
    bad = [i for i, e in enumerate(errs) if e is not None]
    if bad:
        idx = pc.fill_null(enc.indices, -1).to_numpy()
        is_bad = np.isin(idx, np.array(bad))
        for row in np.flatnonzero(is_bad).tolist():
            msg = errs[int(idx[row])]
            assert msg is not None
            errors.append((row, msg))
    return result, errors


# --------------------------------------------------------------------------------------
# Timestamps: formats

_MONTH_NAMES: Final[tuple[tuple[str, ...], ...]] = (
    ("jan", "january"),
    ("feb", "february"),
    ("mar", "march"),
    ("apr", "april"),
    ("may",),
    ("jun", "june"),
    ("jul", "july"),
    ("aug", "august"),
    ("sep", "sept", "september"),
    ("oct", "october"),
    ("nov", "november"),
    ("dec", "december"),
)
_MONTHS: Final[dict[str, int]] = {
    name: i for i, names in enumerate(_MONTH_NAMES, 1) for name in names
}
_WEEKDAYS: Final[frozenset[str]] = frozenset(
    {"mon", "monday", "tue", "tues", "tuesday", "wed", "weds", "wednesday", "thu", "thur"}
    | {"thurs", "thursday", "fri", "friday", "sat", "saturday", "sun", "sunday"}
)
# 12-hour clock: AM/PM, or SA (sáng) / CH (chiều) as Vietnamese Windows writes them.
_PM: Final[frozenset[str]] = frozenset({"pm", "ch"})

_TIME: Final[str] = (
    r"(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,](?P<f>[0-9]{1,9}))?)?"
    r"(?: ?(?P<ap>[AaPp][Mm]|[Ss][Aa]|[Cc][Hh]))?"
)
_ZONE: Final[str] = (
    r"(?: ?\(?(?P<z>[Zz]|[Uu][Tt][Cc]|[Gg][Mm][Tt]"
    r"|(?:[Uu][Tt][Cc]|[Gg][Mm][Tt])?(?P<zs>[+-])(?P<zh>[0-9]{1,2})(?::?(?P<zm>[0-9]{2}))?)"
    r"\)?)?"
)
_SEP: Final[str] = r"(?:[Tt]|,? +|,| - )"
_DMY: Final[str] = r"(?P<a>[0-9]{1,2})[/.-](?P<b>[0-9]{1,2})[/.-](?P<Y>[0-9]{4})"
_WD: Final[str] = r"(?:(?P<wd>[A-Za-z]{3,9})\.?,? )?"
_NAME_TIME: Final[str] = r"(?:(?:,? (?:at )?| - )" + _TIME + _ZONE + r")?"


@dataclass(frozen=True, slots=True)
class _Format:
    name: str
    regex: re.Pattern[str]


def _fmt(name: str, pattern: str) -> _Format:
    # ASCII: \d, \s and case rules never depend on Unicode tables; the patterns only
    # use explicit classes so that every string of one *shape* matches the same way.
    return _Format(name, re.compile(pattern, re.ASCII))


_FORMATS: Final[tuple[_Format, ...]] = (
    _fmt(
        "iso",
        r"(?P<Y>[0-9]{4})-(?P<M>[0-9]{1,2})-(?P<D>[0-9]{1,2})(?:" + _SEP + _TIME + _ZONE + ")?",
    ),
    _fmt("dmy", _DMY + r"(?:" + _SEP + _TIME + _ZONE + ")?"),
    _fmt("number", r"(?P<n>[0-9]{1,18})(?:\.(?P<nf>[0-9]{1,15}))?"),
    _fmt(
        "ymd",
        r"(?P<Y>[0-9]{4})[/.](?P<M>[0-9]{1,2})[/.](?P<D>[0-9]{1,2})(?:"
        + _SEP
        + _TIME
        + _ZONE
        + ")?",
    ),
    _fmt("time_dmy", _TIME + r"(?:,? +|,| - )" + _DMY),
    _fmt(
        "compact",
        r"(?P<Y>[0-9]{4})(?P<M>[0-9]{2})(?P<D>[0-9]{2})[Tt](?P<h>[0-9]{2})(?P<mi>[0-9]{2})"
        r"(?P<s>[0-9]{2})?" + _ZONE,
    ),
    _fmt(
        "mdy_name",
        _WD
        + r"(?P<mon>[A-Za-z]{3,9})\.? (?P<D>[0-9]{1,2})(?:st|nd|rd|th)?,? (?P<Y>[0-9]{4})"
        + _NAME_TIME,
    ),
    _fmt(
        "dmy_name",
        _WD
        + r"(?P<D>[0-9]{1,2})(?:st|nd|rd|th)?[ -](?P<mon>[A-Za-z]{3,9})\.?,?[ -](?P<Y>[0-9]{4})"
        + _NAME_TIME,
    ),
    _fmt(
        "twitter",
        r"(?P<wd>[A-Za-z]{3}) (?P<mon>[A-Za-z]{3}) (?P<D>[0-9]{1,2}) (?P<h>[0-9]{2}):"
        r"(?P<mi>[0-9]{2}):(?P<s>[0-9]{2}) (?P<zs>[+-])(?P<zh>[0-9]{2})(?P<zm>[0-9]{2}) "
        r"(?P<Y>[0-9]{4})",
    ),
)

_EXCEL_EPOCH: Final[datetime] = datetime(1899, 12, 30)
_EXCEL_1970: Final[int] = 25569  # the Excel serial of 1970-01-01
_EPOCH: Final[datetime] = datetime(1970, 1, 1, tzinfo=UTC)
_DAY_US: Final[int] = 86_400_000_000
_MIN_US: Final[int] = (datetime(MIN_YEAR, 1, 1, tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)
_MAX_US: Final[int] = (datetime(MAX_YEAR + 1, 1, 1, tzinfo=UTC) - _EPOCH) // timedelta(
    microseconds=1
)
_MAX_TEXT: Final[int] = 64  # longer values are never timestamps
_SLASH_HINT: Final[str] = " (dates with / . or - and the year last are read day first)"


@lru_cache(maxsize=256)
def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone: {tz!r} (use an IANA name such as 'Asia/Ho_Chi_Minh')"
        ) from None


def check_timezone(tz: str) -> str:
    """``tz`` when it is a known IANA zone; ``ValueError`` with a clear message otherwise."""
    _zone(tz)
    return tz


def _match(t: str) -> tuple[_Format, re.Match[str]] | None:
    for f in _FORMATS:
        m = f.regex.fullmatch(t)
        if m is not None:
            return f, m
    return None


def _offset_label(sign: str, hh: int, mm: int) -> str:
    return f"{sign}{hh:02d}:{mm:02d}"


def _fraction_us(digits: str) -> int:
    return int(digits[:6].ljust(6, "0"))


def _from_match(
    fmt: _Format, m: re.Match[str], t: str, tz: str, dayfirst: bool
) -> tuple[datetime, str]:
    """The reference reading of a matched string (the vectorised path mirrors it)."""
    zone = _zone(tz)
    assumed = f"assumed:{tz}"
    g = m.groupdict()
    if fmt.name == "number":
        ipart, fpart = g["n"], g["nf"]
        digits = len(ipart)
        if digits == 8 and fpart is None:
            local = _check_wall(t, int(ipart[:4]), int(ipart[4:6]), int(ipart[6:]))
            return local.replace(tzinfo=zone).astimezone(UTC), assumed
        if digits == 5:
            if int(ipart) < _EXCEL_1970:
                raise ValueError(f"not a timestamp: {_show(t)} (Excel serial dates start at 1970)")
            ms = round(int(fpart) / 10 ** len(fpart) * 86_400_000) if fpart else 0
            local = _EXCEL_EPOCH + timedelta(days=int(ipart), milliseconds=ms)
            if not MIN_YEAR <= local.year <= MAX_YEAR:
                raise ValueError(f"date out of range {MIN_YEAR}–{MAX_YEAR}: {_show(t)}")
            return local.replace(tzinfo=zone).astimezone(UTC), assumed
        if 9 <= digits <= 17:
            whole = int(ipart)
            frac = fpart or ""
            if digits <= 11:
                us = whole * 1_000_000 + _fraction_us(frac)
            elif digits <= 14:
                us = whole * 1_000 + int(frac[:3].ljust(3, "0"))
            else:
                us = whole
            if not _MIN_US <= us < _MAX_US:
                raise ValueError(f"timestamp out of range {MIN_YEAR}–{MAX_YEAR}: {_show(t)}")
            return _EPOCH + timedelta(microseconds=us), "UTC"
        raise ValueError(
            f"not a timestamp: {_show(t)} (numbers are read by their digits: 9–11 epoch "
            "seconds, 12–14 milliseconds, 15–17 microseconds, 8 yyyymmdd, 5 Excel serial "
            "date)"
        )
    if g.get("wd") is not None and g["wd"].lower() not in _WEEKDAYS:
        raise ValueError(f"not a timestamp: {_show(t)} (unknown weekday {g['wd']!r})")
    hint = ""
    if g.get("mon") is not None:
        month = _MONTHS.get(g["mon"].lower(), 0)
        if month == 0:
            raise ValueError(f"not a timestamp: {_show(t)} (unknown month {g['mon']!r})")
        day = int(g["D"])
    elif g.get("a") is not None:
        first, second = int(g["a"]), int(g["b"])
        day, month = (first, second) if dayfirst else (second, first)
        hint = _SLASH_HINT if dayfirst else " (dates are read month first)"
    else:
        month, day = int(g["M"]), int(g["D"])
    hour = minute = second_ = us = 0
    if g.get("h") is not None:
        hour, minute = int(g["h"]), int(g["mi"])
        second_ = int(g["s"]) if g["s"] is not None else 0
        us = _fraction_us(g["f"]) if g.get("f") is not None else 0
        ap = g.get("ap")
        if ap is not None:
            if not 1 <= hour <= 12:
                raise ValueError(f"invalid time {_show(t)}: hour {hour} with {ap}")
            hour = hour % 12 + (12 if ap.lower() in _PM else 0)
    local = _check_wall(t, int(g["Y"]), month, day, hour, minute, second_, us, hint)
    if g.get("zs") is not None:
        zh = int(g["zh"])
        zm = int(g["zm"]) if g["zm"] is not None else 0
        if zh > 14 or zm > 59:
            raise ValueError(f"invalid UTC offset in {_show(t)}")
        off = timedelta(hours=zh, minutes=zm)
        utc = local + off if g["zs"] == "-" else local - off
        return utc.replace(tzinfo=UTC), _offset_label(g["zs"], zh, zm)
    if g.get("z") is not None:
        return local.replace(tzinfo=UTC), "UTC"
    return local.replace(tzinfo=zone).astimezone(UTC), assumed


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _check_wall(
    t: str,
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    us: int = 0,
    hint: str = "",
) -> datetime:
    """A naive wall-clock datetime from its parts, with range checks."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"invalid date {_show(t)}: year {year} out of range {MIN_YEAR}–{MAX_YEAR}")
    if not 1 <= month <= 12:
        raise ValueError(f"invalid date {_show(t)}: month {month} out of range{hint}")
    if not 1 <= day <= _days_in_month(year, month):
        raise ValueError(f"invalid date {_show(t)}: day {day} out of range for {year}-{month:02d}")
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"invalid time {_show(t)}: {hour:02d}:{minute:02d}:{second:02d}")
    return datetime(year, month, day, hour, minute, second, us)


# Vietnamese and other wordy forms, tried only when no format matches the raw string.
_VI_WEEKDAY: Final[re.Pattern[str]] = re.compile(
    r"^(?:thu (?:hai|ba|tu|nam|sau|bay)|thu [2-7]|t[2-7]|chu nhat|cn)\b[ ,.-]*"
)
_VI_DATE: Final[re.Pattern[str]] = re.compile(
    r"(?:ngay )?([0-9]{1,2}) (?:thang|thg) ([0-9]{1,2})(?:,? (?:nam )?| nam |/)([0-9]{4})"
)
_VI_WORDS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"\b(?:luc|vao luc|ngay)\b"), " "),
    (re.compile(r"([0-9]) ?(?:gio|h) ?([0-9]{2})\b"), r"\1:\2"),
    (re.compile(r"\b(?:sang|khuya)\b"), " am"),
    (re.compile(r"\b(?:chieu|toi|dem)\b"), " pm"),
    (re.compile(r"\(([^)]*)\)"), r" \1 "),
)
_FOUR_DIGITS: Final[re.Pattern[str]] = re.compile(r"[0-9]{4}", re.ASCII)
_HAS_YEAR: Final[re.Pattern[str]] = re.compile(r"(?<![0-9])[12][0-9]{3}(?![0-9])")


_VI_HOUR: Final[re.Pattern[str]] = re.compile(r"\b([0-9]{1,2}) ?(?:gio|h)\b(?! ?[0-9])")
_VI_MIDNIGHT: Final[re.Pattern[str]] = re.compile(r"\b12(:[0-9]{2}(?::[0-9]{2})?) ?(?:dem|khuya)\b")
_VI_NOON: Final[re.Pattern[str]] = re.compile(r"\b([0-9]{1,2})(:[0-9]{2}(?::[0-9]{2})?)? ?trua\b")


def _noon(m: re.Match[str]) -> str:
    """ "trưa" is midday: 11–12 stay as they are, 1–2 trưa are 13:00–14:00."""
    hour = int(m.group(1))
    rest = m.group(2) or ":00"
    return f"{hour + 12 if 1 <= hour <= 4 else hour}{rest}"


def _normalise_wordy(t: str) -> str:
    s = _ascii_lower(fold(t))
    s = _VI_WEEKDAY.sub("", s)
    s = _VI_DATE.sub(r"\1/\2/\3", s)
    s = _VI_WORDS[1][0].sub(_VI_WORDS[1][1], s)  # "12 giờ 30" -> "12:30" first
    s = _VI_HOUR.sub(r"\1:00", s)  # "8 giờ" -> "8:00"
    s = _VI_NOON.sub(_noon, s)
    s = _VI_MIDNIGHT.sub(r"0\1", s)  # "12 giờ đêm" is midnight, not noon
    for pattern, repl in _VI_WORDS:
        s = pattern.sub(repl, s)
    s = " ".join(s.replace(" ,", ",").split())
    return s.strip(" ,")


def _dateutil(t: str, tz: str, dayfirst: bool) -> tuple[datetime, str] | None:
    """The long tail, through python-dateutil; None when it cannot read ``t`` fully."""
    from dateutil import parser as du

    if not re.search(r"[A-Za-z]", t) or not _HAS_YEAR.search(t):
        return None
    tzinfos = {"ICT": 7 * 3600, "ict": 7 * 3600}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            a = du.parse(t, dayfirst=dayfirst, default=datetime(2004, 1, 1), tzinfos=tzinfos)
            b = du.parse(t, dayfirst=dayfirst, default=datetime(2008, 2, 2), tzinfos=tzinfos)
    except (ValueError, OverflowError, TypeError, Warning):
        return None
    if (a.year, a.month, a.day) != (b.year, b.month, b.day):
        return None  # a part of the date was missing and came from the default
    if not MIN_YEAR <= a.year <= MAX_YEAR:
        raise ValueError(
            f"invalid date {_show(t)}: year {a.year} out of range {MIN_YEAR}–{MAX_YEAR}"
        )
    off = a.utcoffset()
    if off is None:
        return a.replace(tzinfo=_zone(tz)).astimezone(UTC), f"assumed:{tz}"
    minutes = int(off.total_seconds()) // 60
    name = a.tzname()
    label = (
        "UTC"
        if minutes == 0 and name in ("UTC", "GMT", "Z", None)
        else _offset_label("-" if minutes < 0 else "+", abs(minutes) // 60, abs(minutes) % 60)
    )
    return a.astimezone(UTC), label


def parse_timestamp(s: str, tz: str = DEFAULT_TZ, *, dayfirst: bool = True) -> tuple[datetime, str]:
    """Read a publication time; returns (UTC-aware datetime, source zone).

    Forms read directly (all case-insensitive, optional ``, `` or ``T`` before the time):

    * ISO 8601: ``2026-03-01T20:15:00+07:00``, ``2026-03-01 20:15:00``,
      ``2026-03-01T13:15:00Z``, ``2026-03-01T13:15:00.123456Z``, ``2026-03-01``,
      zones ``Z``, ``UTC``, ``GMT``, ``+07``, ``+0700``, ``+07:00``, ``GMT+7``;
      basic form ``20260301T201500Z``.
    * Day first (Vietnamese order): ``dd/mm/yyyy HH:MM``, ``dd/mm/yyyy HH:MM:SS``,
      ``dd/mm/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``, one-digit day or month allowed,
      12-hour clock with ``AM``/``PM`` or Vietnamese ``SA``/``CH``; ``HH:MM dd/mm/yyyy``.
      ``dayfirst=False`` reads them month first instead.
    * Year first: ``2026/03/01 20:15``, ``2026.03.01``.
    * Month names: ``Mar 1, 2026 8:15 PM``, ``March 1st, 2026 at 20:15``,
      ``01 Mar 2026``, ``1-Mar-2026``, ``Sun, 01 Mar 2026 20:15:00 +0700`` (RFC 2822),
      ``Sun Mar 01 20:15:00 +0000 2026`` (Twitter).
    * Numbers: epoch seconds/milliseconds/microseconds, ``yyyymmdd``, Excel serial dates
      (rules in the module docstring).
    * Then Vietnamese wording (``Thứ hai, 2/3/2026, 20:15 (GMT+7)``,
      ``ngày 1 tháng 3 năm 2026 lúc 20:15``, ``8:15 sáng 01/03/2026``) and, for other
      texts with a month name and a four-digit year, python-dateutil.

    Without a zone the time is wall time in ``tz`` and the source zone is
    ``"assumed:<tz>"``; with one it is the offset (``"+07:00"``) or ``"UTC"``.
    Invalid or impossible values (``31/02/2026``, ``2026-13-01``, ``abc``, anything over
    64 characters) and missing values (see :func:`is_missing`) raise ``ValueError`` with
    the reason.
    """
    _zone(tz)
    t = _strip(s)
    if _ascii_lower(t) in _MISSING:
        raise ValueError(f"missing timestamp: {_show(t)}")
    if len(t) > _MAX_TEXT:
        raise ValueError(f"not a timestamp: {_show(t)}")
    hit = _match(t)
    if hit is not None:
        return _from_match(hit[0], hit[1], t, tz, dayfirst)
    if not _FOUR_DIGITS.search(t):  # every other form has a four-digit year
        raise ValueError(f"not a timestamp: {_show(t)}")
    wordy = _normalise_wordy(t)
    if wordy != t:
        hit = _match(wordy)
        if hit is not None:
            try:
                return _from_match(hit[0], hit[1], wordy, tz, dayfirst)
            except ValueError as e:
                raise ValueError(str(e).replace(_show(wordy), _show(t))) from None
    result = _dateutil(t, tz, dayfirst)
    if result is None:
        raise ValueError(f"not a timestamp: {_show(t)}")
    return result


def guess_dayfirst(arr: pa.Array | pa.ChunkedArray | Sequence[str | None]) -> bool | None:
    """Whether the ``dd/mm/yyyy``-like dates of a column are day first.

    True when some date has a first number above 12, False when none does and some has
    a second number above 12, None when the column cannot tell (then day first, the
    Vietnamese order, is the rule). Looks at the first 5,000 values.
    """
    values = arr if isinstance(arr, Sequence) else _as_strings(arr).slice(0, 5000).to_pylist()
    dmy = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-][0-9]{4}")
    month_first = False
    for v in values[:5000]:
        if v is None:
            continue
        m = dmy.search(v)
        if m is None:
            continue
        a, b = int(m.group(1)), int(m.group(2))
        if a > 12 >= b:
            return True
        if b > 12 >= a:
            month_first = True
    return False if month_first else None


# --------------------------------------------------------------------------------------
# Timestamps: vectorised

_MAX_SHAPES: Final[int] = 64
_MAX_LEN: Final[int] = 48
U8Matrix = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where the parts of one *shape* of string are (from one matched example)."""

    fmt: _Format
    spans: dict[str, tuple[int, int]]
    text: dict[str, str]  # the non-digit groups: month name, AM/PM, zone letters, sign


def _layout(example: str) -> _Layout | None:
    hit = _match(example)
    if hit is None:
        return None
    fmt, m = hit
    spans = {k: m.span(k) for k, v in m.groupdict().items() if v is not None}
    text = {k: v for k, v in m.groupdict().items() if v is not None and not v.isdigit()}
    return _Layout(fmt, spans, text)


def _number(dig: U8Matrix, span: tuple[int, int]) -> Int64Array:
    """The number written at ``span`` in every column of ``dig`` (digit values by row)."""
    out: Int64Array = dig[span[0]].astype(np.int64)
    for p in range(span[0] + 1, span[1]):
        out *= 10
        out += dig[p]
    return out


def _month_tables() -> tuple[Int64Array, Int64Array]:
    starts, lengths = [], []
    for year in range(MIN_YEAR, MAX_YEAR + 1):
        for month in range(1, 13):
            starts.append((datetime(year, month, 1) - datetime(1970, 1, 1)).days)
            lengths.append(_days_in_month(year, month))
    return np.array(starts, np.int64), np.array(lengths, np.int64)


_MONTH_START, _MONTH_DAYS = _month_tables()


def _days(y: Int64Array, m: Int64Array, d: Int64Array) -> tuple[Int64Array, BoolArray]:
    """Days since 1970-01-01 of each date, and whether the date exists (1900–2100)."""
    ym = (y - MIN_YEAR) * 12 + (m - 1)
    ok = (y >= MIN_YEAR) & (y <= MAX_YEAR) & (m >= 1) & (m <= 12)
    ym[~ok] = 0
    ok &= (d >= 1) & (d <= _MONTH_DAYS[ym])
    return _MONTH_START[ym] + d - 1, ok


def _scaled(frac: Int64Array, digits: int, unit_digits: int) -> Int64Array:
    """A fraction written with ``digits`` digits, in units of 10^-unit_digits."""
    if digits >= unit_digits:
        return np.asarray(frac // 10 ** (digits - unit_digits), dtype=np.int64)
    return np.asarray(frac * 10 ** (unit_digits - digits), dtype=np.int64)


@dataclass(slots=True)
class _Shaped:
    """The vectorised reading of the rows of one shape."""

    us: Int64Array  # UTC microseconds, or wall-clock microseconds where ``naive``
    ok: BoolArray
    naive: bool
    zone_const: str = "UTC"
    zone_key: Int64Array | None = None  # hh * 100 + mm of an explicit offset
    zone_sign: str = "+"


def _read_number(lay: _Layout, dig: U8Matrix) -> _Shaped:
    k = dig.shape[1]
    sp = lay.spans
    n0, n1 = sp["n"]
    digits = n1 - n0
    flen = sp["nf"][1] - sp["nf"][0] if "nf" in sp else 0
    frac = _number(dig, sp["nf"]) if flen else np.zeros(k, np.int64)
    if digits == 8 and not flen:
        day, ok = _days(
            _number(dig, (n0, n0 + 4)), _number(dig, (n0 + 4, n0 + 6)), _number(dig, (n0 + 6, n1))
        )
        return _Shaped(day * _DAY_US, ok, naive=True)
    whole = _number(dig, sp["n"])
    if digits == 5:
        ms = np.zeros(k, np.int64)
        if flen:
            ms = np.rint(frac.astype(np.float64) / 10.0**flen * 86_400_000.0).astype(np.int64)
        base = (_EXCEL_EPOCH - datetime(1970, 1, 1)) // timedelta(microseconds=1)
        local = base + whole * _DAY_US + ms * 1000
        ok = (whole >= _EXCEL_1970) & (local >= _MIN_US) & (local < _MAX_US)
        return _Shaped(local, ok, naive=True)
    if 9 <= digits <= 17:
        if digits <= 11:
            us = whole * 1_000_000 + _scaled(frac, flen, 6)
        elif digits <= 14:
            us = whole * 1_000 + _scaled(frac, flen, 3)
        else:
            us = whole
        return _Shaped(us, (us >= _MIN_US) & (us < _MAX_US), naive=False)
    return _Shaped(np.zeros(k, np.int64), np.zeros(k, np.bool_), naive=False)


def _read_shape(lay: _Layout, dig: U8Matrix, dayfirst: bool) -> _Shaped:
    """Read the rows of one shape; ``dig`` holds each position's digit value by row."""
    if lay.fmt.name == "number":
        return _read_number(lay, dig)
    k = dig.shape[1]
    sp, tx = lay.spans, lay.text
    zeros = np.zeros(k, np.int64)
    bad = np.zeros(k, np.bool_)
    if "wd" in tx and tx["wd"].lower() not in _WEEKDAYS:
        bad[:] = True
    if "mon" in tx:
        mo = np.full(k, _MONTHS.get(tx["mon"].lower(), 0), np.int64)
        d = _number(dig, sp["D"])
    elif "a" in sp:
        first, second = _number(dig, sp["a"]), _number(dig, sp["b"])
        d, mo = (first, second) if dayfirst else (second, first)
    else:
        mo, d = _number(dig, sp["M"]), _number(dig, sp["D"])
    day, ok = _days(_number(dig, sp["Y"]), mo, d)
    bad |= ~ok
    local = day * _DAY_US
    if "h" in sp:
        hour = _number(dig, sp["h"])
        minute = _number(dig, sp["mi"])
        sec = _number(dig, sp["s"]) if "s" in sp else zeros
        if "ap" in tx:
            bad |= (hour < 1) | (hour > 12)
            hour = hour % 12 + (12 if tx["ap"].lower() in _PM else 0)
        bad |= (hour > 23) | (minute > 59) | (sec > 59)
        local += hour * 3_600_000_000 + minute * 60_000_000 + sec * 1_000_000
        if "f" in sp:
            local += _scaled(_number(dig, sp["f"]), sp["f"][1] - sp["f"][0], 6)
    if "zs" in tx:
        zh = _number(dig, sp["zh"])
        zm = _number(dig, sp["zm"]) if "zm" in sp else zeros
        bad |= (zh > 14) | (zm > 59)
        off = zh * 3_600_000_000 + zm * 60_000_000
        utc = local + off if tx["zs"] == "-" else local - off
        return _Shaped(utc, ~bad, naive=False, zone_key=zh * 100 + zm, zone_sign=tx["zs"])
    if "z" in tx:
        return _Shaped(local, ~bad, naive=False)
    return _Shaped(local, ~bad, naive=True)


@lru_cache(maxsize=64)
def _transitions(tz: str, year_lo: int, year_hi: int) -> tuple[int, Int64Array, Int64Array]:
    """Offsets of ``tz`` between two years: (offset before, wall thresholds, offsets).

    A wall time ``w`` has offset ``offsets[i - 1]`` where ``i`` is the number of
    thresholds ``<= w`` (``offset before`` when none); a threshold is the transition
    instant plus the larger of the offsets around it, which is how ``fold=0`` resolves
    gaps and overlaps (as CPython's zoneinfo does). Transitions are found by sampling
    every 7 days and bisecting to the second.
    """
    zone = _zone(tz)
    start = int((datetime(year_lo, 1, 1, tzinfo=UTC) - _EPOCH).total_seconds()) - 2 * 86_400
    stop = int((datetime(year_hi + 1, 1, 1, tzinfo=UTC) - _EPOCH).total_seconds()) + 2 * 86_400

    def offset(sec: int) -> int:
        off = (_EPOCH + timedelta(seconds=sec)).astimezone(zone).utcoffset()
        assert off is not None
        return int(off.total_seconds())

    step = 7 * 86_400
    first = prev_off = offset(start)
    prev = t = start
    thresholds: list[int] = []
    offsets: list[int] = []
    while t < stop:
        t = min(t + step, stop)
        cur = offset(t)
        if cur == prev_off:
            prev = t
            continue
        lo, hi = prev, t  # offset(lo) == prev_off != offset(hi)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if offset(mid) == prev_off:
                lo = mid
            else:
                hi = mid
        after = offset(hi)
        thresholds.append((hi + max(prev_off, after)) * 1_000_000)
        offsets.append(after * 1_000_000)
        prev, prev_off, t = hi, after, hi  # go on from the transition
    return (
        first * 1_000_000,
        np.array(thresholds, dtype=np.int64),
        np.array(offsets, dtype=np.int64),
    )


def _civil_year(us: int) -> int:
    return (datetime(1970, 1, 1) + timedelta(microseconds=us)).year


def _wall_to_utc(local: Int64Array, tz: str) -> Int64Array:
    """Wall-clock microseconds in ``tz`` -> UTC microseconds (``fold=0``)."""
    if local.size == 0:
        return local
    lo = _civil_year(max(int(local.min()), _MIN_US - _DAY_US))
    hi = _civil_year(min(int(local.max()), _MAX_US))
    first, thresholds, offsets = _transitions(tz, lo, hi)
    if thresholds.size == 0:
        return local - first
    idx = np.searchsorted(thresholds, local, side="right")
    table = np.concatenate([np.array([first], np.int64), offsets])
    return np.asarray(local - table[idx], dtype=np.int64)


def _string_buffers(a: pa.Array) -> tuple[Int64Array, U8Matrix]:
    bufs = a.buffers()
    otype = np.int64 if pa.types.is_large_string(a.type) else np.int32
    offsets = np.frombuffer(bufs[1], dtype=otype)[a.offset : a.offset + len(a) + 1]
    data = (
        np.frombuffer(bufs[2], dtype=np.uint8)
        if bufs[2] is not None and bufs[2].size
        else np.zeros(1, np.uint8)
    )
    return offsets.astype(np.int64), data


_ASCII_WS_BYTES: Final[tuple[int, ...]] = (9, 10, 11, 12, 13, 32)


def _trim_if_needed(a: pa.Array) -> pa.Array:
    """``a`` trimmed of whitespace; skips the work when no value starts or ends with a
    space or a non-ASCII character."""
    offsets, data = _string_buffers(a)
    lengths = offsets[1:] - offsets[:-1]
    nonempty = np.flatnonzero(lengths > 0)
    if nonempty.size == 0:
        return a
    head = data[offsets[nonempty]]
    tail = data[offsets[nonempty + 1] - 1]
    if (
        np.isin(head, _ASCII_WS_BYTES).any()
        or np.isin(tail, _ASCII_WS_BYTES).any()
        or (head >= 0x80).any()
        or (tail >= 0x80).any()
    ):
        return _trim(a)
    return a


def _missing_np(a: pa.Array, lengths: Int64Array) -> BoolArray:
    """NULL, blank or placeholder cells of a trimmed string array."""
    missing = np.asarray(a.is_null().to_numpy(zero_copy_only=False), dtype=np.bool_).copy()
    missing |= lengths == 0
    short = np.flatnonzero(~missing & (lengths <= max(len(m.encode()) for m in _MISSING)))
    if short.size:
        hit = pc.is_in(pc.ascii_lower(a.take(pa.array(short))), value_set=_MISSING_ARRAY)
        missing[short[_bool_np(hit)]] = True
    return missing


def _char_matrix(
    a: pa.Array, data: U8Matrix, rows: npt.NDArray[np.intp], base: Int64Array, length: int
) -> U8Matrix:
    """The bytes of the strings ``rows`` of ``a``, all ``length`` long, one row per
    position (``length`` x rows)."""
    k = base.size
    if k > 1 and int(base[-1] - base[0]) == (k - 1) * length and (np.diff(base) == length).all():
        block = data[int(base[0]) : int(base[0]) + k * length]
    else:  # gather them with Arrow, which leaves the bytes contiguous
        sub = a.take(pa.array(rows))
        sub_offsets, sub_data = _string_buffers(sub)
        block = sub_data[int(sub_offsets[0]) : int(sub_offsets[0]) + k * length]
    return np.ascontiguousarray(block.reshape(k, length).T)


def parse_timestamps(
    arr: pa.Array | pa.ChunkedArray, tz: str = DEFAULT_TZ, *, dayfirst: bool = True
) -> tuple[pa.Array, pa.Array, Errors]:
    """Vectorised :func:`parse_timestamp`.

    Returns the instants (``timestamp[us, tz=UTC]``), the source zone of each value
    (string) and ``(row, message)`` for each invalid cell; missing and invalid cells are
    NULL in both arrays.

    Strings are grouped by *shape* (the string with its digits as placeholders: every
    string of one shape is read the same way). Lengths are taken from the most frequent
    down; for each shape, one example is matched against the formats of
    :func:`parse_timestamp` and all strings of that shape are then read at once with
    numpy. Wall times are converted with the zone's own transitions, so zones with
    daylight saving come out exactly as in the scalar function. Values no shape covers
    (wordy dates, over 64 distinct shapes, invalid values whose message is needed) go
    through :func:`parse_timestamp` once per distinct value.
    """
    _zone(tz)
    a = _trim_if_needed(_as_strings(arr))
    n = len(a)
    offsets, data = _string_buffers(a)
    lengths = offsets[1:] - offsets[:-1]
    starts = offsets[:-1]
    todo = ~_missing_np(a, lengths)

    out = np.zeros(n, np.int64)
    ok = np.zeros(n, np.bool_)
    zone_code = np.zeros(n, np.int32)
    labels: dict[str, int] = {}

    def code(label: str) -> int:
        return labels.setdefault(label, len(labels))

    assumed = code(f"assumed:{tz}")
    scalar_rows: list[npt.NDArray[np.intp]] = [np.flatnonzero(todo & (lengths > _MAX_LEN))]
    naive_rows: list[npt.NDArray[np.intp]] = []
    short = todo & (lengths <= _MAX_LEN)
    by_len = np.bincount(lengths[short], minlength=_MAX_LEN + 1)
    shapes = 0
    for length in np.argsort(-by_len, kind="stable").tolist():
        if by_len[length] == 0:
            break
        rows = np.flatnonzero(short & (lengths == length))
        if shapes >= _MAX_SHAPES:
            scalar_rows.append(rows)
            continue
        mat = _char_matrix(a, data, rows, starts[rows], length)
        dig = mat - np.uint8(48)
        isdig = dig < 10
        left = np.ones(rows.size, np.bool_)
        while left.any():
            if shapes >= _MAX_SHAPES:
                scalar_rows.append(rows[left])
                break
            shapes += 1
            r = int(np.argmax(left))
            rep = mat[:, r]
            same = left.copy()
            for p in range(length):
                same &= isdig[p] if isdig[p, r] else mat[p] == rep[p]
            left &= ~same
            whole = bool(same.all())
            sel = rows if whole else rows[same]
            lay = None if (rep >= 0x80).any() else _layout(rep.tobytes().decode("ascii"))
            if lay is None:
                scalar_rows.append(sel)
                continue
            res = _read_shape(lay, dig if whole else dig[:, same], dayfirst)
            good = sel[res.ok]
            scalar_rows.append(sel[~res.ok])  # their error message comes from the scalar
            out[good] = res.us[res.ok]
            ok[good] = True
            if res.naive:
                naive_rows.append(good)
                zone_code[good] = assumed
            elif res.zone_key is not None:
                keys, inverse = np.unique(res.zone_key[res.ok], return_inverse=True)
                codes = [
                    code(_offset_label(res.zone_sign, int(key) // 100, int(key) % 100))
                    for key in keys.tolist()
                ]
                zone_code[good] = np.array(codes, np.int32)[inverse]
            else:
                zone_code[good] = code(res.zone_const)

    if naive_rows:
        idx = np.concatenate(naive_rows)
        out[idx] = _wall_to_utc(out[idx], tz)

    errors: Errors = []
    rest = np.sort(np.concatenate(scalar_rows))
    if rest.size:
        enc = pc.dictionary_encode(a.take(pa.array(rest)))
        assert isinstance(enc, pa.DictionaryArray)
        parsed, errs = _map_unique(
            [str(v) for v in enc.dictionary.to_pylist()],
            lambda v: parse_timestamp(v, tz, dayfirst=dayfirst),
        )
        indices = enc.indices.to_numpy(zero_copy_only=False)
        for row, i in zip(rest.tolist(), indices.tolist(), strict=True):
            res_ = parsed[i]
            if res_ is None:
                err = errs[i]
                assert err is not None
                errors.append((row, err))
                continue
            out[row] = (res_[0] - _EPOCH) // timedelta(microseconds=1)
            ok[row] = True
            zone_code[row] = code(res_[1])

    ts = pa.array(out, type=pa.timestamp("us", tz="UTC"), mask=~ok)
    names = pa.array(sorted(labels, key=labels.__getitem__), pa.string())
    zones = pc.take(names, pa.array(zone_code, type=pa.int32(), mask=~ok))
    return ts, zones, errors
