"""Cell value parsing: examples for every documented form, and the vectorised column
functions agreeing exactly with the scalar reference functions on generated input."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinhieu.sources.values import (
    MAX_COUNT,
    check_timezone,
    guess_dayfirst,
    is_missing,
    parse_bool,
    parse_bools,
    parse_count,
    parse_counts,
    parse_timestamp,
    parse_timestamps,
)

HCM = "Asia/Ho_Chi_Minh"
SETTINGS = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


# --------------------------------------------------------------------------------------
# Counts: examples


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("0", 0),
        ("007", 7),
        ("12.345", 12345),
        ("12,345", 12345),
        ("1.234", 1234),
        ("1,234", 1234),
        ("1.234.567", 1234567),
        ("1,234,567", 1234567),
        (" 1 234 ", 1234),
        ("1\u00a0234\u00a0567", 1234567),
        ("1\u202f234", 1234),
        ("1'234", 1234),
        ("1,2K", 1200),
        ("1.2k", 1200),
        ("1,2 K", 1200),
        ("10K", 10000),
        ("10K+", 10000),
        ("1000+", 1000),
        ("3,5 triệu", 3500000),
        ("3,5 TRIỆU", 3500000),
        ("3,5 trieu", 3500000),
        ("2 tr", 2000000),
        ("2 Tr.", 2000000),
        ("2Tr", 2000000),
        ("1.5M", 1500000),
        ("1,5 mn", 1500000),
        ("2 nghìn", 2000),
        ("2 ngàn", 2000),
        ("2,5 N", 2500),
        ("1,2 tỷ", 1200000000),
        ("1,2 tỉ", 1200000000),
        ("1B", 1000000000),
        ("1 T", 1000000000),
        ("1.2345K", 1234),  # truncated
        ("1,2 N lượt xem", 1200),
        ("3.4K views", 3400),
        ("120 followers", 120),
        ("12.0", 12),
        ("12,00", 12),
        ("1234.000", 1234),
        ("0.000", 0),
        ("1,234.00", 1234),
        ("1.234,0", 1234),
        ("1.5e+06", 1500000),
        ("2E3", 2000),
        ("1000000000000000", MAX_COUNT),
        ("—", None),
        ("–", None),
        ("-", None),
        ("--", None),
        ("", None),
        ("   ", None),
        ("N/A", None),
        ("n/a", None),
        ("#N/A", None),
        ("null", None),
        ("NaN", None),
        ("None", None),
    ],
)
def test_parse_count_examples(text: str, expected: int | None) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5", "negative count: '-5'"),
        ("- 5", "negative count: '- 5'"),
        ("−1,2K", "negative count: '−1,2K'"),
        ("abc", "not a count: 'abc'"),
        ("12 abc", "not a count: '12 abc'"),
        ("K", "not a count: 'K'"),
        ("1.2", "not a whole count: '1.2'"),
        ("0,5", "not a whole count: '0,5'"),
        ("1.234,56", "not a whole count: '1.234,56'"),
        ("1.5e-3", "not a count: '1.5e-3'"),
        ("1.234.56", "not a count: '1.234.56'"),
        ("12.34.567", "not a count: '12.34.567'"),
        ("1,2.3K", "not a count: '1,2.3K'"),
        ("1.234.567K", "not a count: '1.234.567K'"),
        ("12 34", "not a count: '12 34'"),
        ("1000000000000001", "count too large: '1000000000000001' (limit 10^15)"),
        ("2000000T", "count too large: '2000000T' (limit 10^15)"),
        ("1e16", "count too large: '1e16' (limit 10^15)"),
    ],
)
def test_parse_count_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_count(text)
    assert str(exc.value) == message


def test_parse_counts_example_column() -> None:
    col = pa.array(["12", "1,2K", None, "—", "-5", "abc", "12.345", " 7 ", "1.2"])
    values, errors = parse_counts(col)
    assert values.type == pa.int64()
    assert values.to_pylist() == [12, 1200, None, None, None, None, 12345, 7, None]
    assert errors == [
        (4, "negative count: '-5'"),
        (5, "not a count: 'abc'"),
        (8, "not a whole count: '1.2'"),
    ]


def test_parse_counts_accepts_chunked_sliced_large_and_int_input() -> None:
    base = pa.array(["x", "1", "2K", "3"])
    for col in (
        base.slice(1),
        pa.chunked_array([base.slice(1, 1), base.slice(2)]),
        base.slice(1).cast(pa.large_string()),
    ):
        values, errors = parse_counts(col)
        assert values.to_pylist() == [1, 2000, 3]
        assert errors == []
    values, errors = parse_counts(pa.array([1, None, 5], pa.int64()))
    assert values.to_pylist() == [1, None, 5]
    empty, errors = parse_counts(pa.array([], pa.string()))
    assert len(empty) == 0 and errors == []


def test_parse_counts_is_fast_on_plain_digits() -> None:
    col = pa.array([str(i % 50_000) for i in range(200_000)])
    start = time.perf_counter()
    values, errors = parse_counts(col)
    elapsed = time.perf_counter() - start
    assert errors == [] and values[199_999].as_py() == 199_999 % 50_000
    assert elapsed < 1.0  # ~10 ms on a laptop: the fast path, not a Python loop


# --------------------------------------------------------------------------------------
# Counts: the vectorised function agrees with the scalar one

_SEPS = [".", ",", " ", "\u00a0"]
_SUFFIXES = ["K", "k", " K", "N", " nghìn", " ngàn", "M", " tr", " Tr", " triệu", "B", " tỷ"]
_PADS = ["", " ", "\u00a0", "\t", "\u200b"]


@st.composite
def count_text(draw: st.DrawFn) -> str | None:
    kind = draw(
        st.sampled_from(
            ["digits", "grouped", "suffix", "decimal", "missing", "neg", "sci", "junk", "big"]
        )
    )
    n = draw(st.integers(0, 10**7))
    if kind == "digits":
        s = str(n)
    elif kind == "grouped":
        s = f"{n:,}".replace(",", draw(st.sampled_from(_SEPS)))
    elif kind == "suffix":
        sep = draw(st.sampled_from([".", ","]))
        s = f"{n % 1000}{sep}{n % 10}" if draw(st.booleans()) else str(n % 1000)
        s += draw(st.sampled_from(_SUFFIXES)) + draw(st.sampled_from(["", "+", " lượt xem"]))
    elif kind == "decimal":
        mark = draw(st.sampled_from([".", ","]))
        s = f"{n}{mark}{draw(st.sampled_from(['0', '00', '5', '000', '123']))}"
    elif kind == "missing":
        return draw(st.sampled_from([None, "", "-", "—", "N/A", "null", "  ", "nan"]))
    elif kind == "neg":
        s = "-" + str(n)
    elif kind == "sci":
        s = f"{n % 100}.{n % 7}e+0{n % 9}"
    elif kind == "big":
        s = str(draw(st.integers(10**14, 10**17)))
    else:
        s = draw(st.text(max_size=8))
    return draw(st.sampled_from(_PADS)) + s + draw(st.sampled_from(_PADS))


def _check_counts(values: Sequence[str | None]) -> None:
    got, errors = parse_counts(pa.array(values, pa.string()))
    errs = dict(errors)
    assert len(errs) == len(errors)
    assert [r for r, _ in errors] == sorted(errs)
    for i, v in enumerate(values):
        if v is None:
            assert got[i].as_py() is None and i not in errs
            continue
        try:
            expected = parse_count(v)
        except ValueError as e:
            assert got[i].as_py() is None
            assert errs.get(i) == str(e)
        else:
            assert got[i].as_py() == expected
            assert i not in errs


@SETTINGS
@given(st.lists(count_text(), max_size=40))
def test_parse_counts_agrees_with_parse_count(values: list[str | None]) -> None:
    _check_counts(values)


@SETTINGS
@given(st.lists(st.one_of(st.none(), st.text(max_size=10)), max_size=20))
def test_parse_counts_agrees_on_arbitrary_text(values: list[str | None]) -> None:
    _check_counts(values)


# --------------------------------------------------------------------------------------
# Timestamps: examples

_T = utc(2026, 3, 1, 13, 15)
_ASSUMED = "assumed:Asia/Ho_Chi_Minh"


@pytest.mark.parametrize(
    ("text", "expected", "zone"),
    [
        ("2026-03-01T20:15:00+07:00", _T, "+07:00"),
        ("2026-03-01T20:15:00+0700", _T, "+07:00"),
        ("2026-03-01T20:15:00+07", _T, "+07:00"),
        ("2026-03-01T08:15:00-05:00", _T, "-05:00"),
        ("2026-03-01 20:15:00", _T, _ASSUMED),
        ("2026-03-01T20:15", _T, _ASSUMED),
        ("2026-03-01T13:15:00Z", _T, "UTC"),
        ("2026-03-01 13:15:00 UTC", _T, "UTC"),
        ("2026-03-01T20:15:00 GMT+7", _T, "+07:00"),
        ("2026-03-01T13:15:00.5Z", utc(2026, 3, 1, 13, 15, 0, 500000), "UTC"),
        ("2026-03-01T13:15:00.123456Z", utc(2026, 3, 1, 13, 15, 0, 123456), "UTC"),
        ("2026-03-01T13:15:00.123456789Z", utc(2026, 3, 1, 13, 15, 0, 123456), "UTC"),
        ("2026-03-01 20:15:00,250", utc(2026, 3, 1, 13, 15, 0, 250000), _ASSUMED),
        ("2026-03-01", utc(2026, 2, 28, 17), _ASSUMED),
        ("20260301T131500Z", _T, "UTC"),
        ("1772370900", _T, "UTC"),
        ("1772370900.25", utc(2026, 3, 1, 13, 15, 0, 250000), "UTC"),
        ("1772370900123", utc(2026, 3, 1, 13, 15, 0, 123000), "UTC"),
        ("1772370900123456", utc(2026, 3, 1, 13, 15, 0, 123456), "UTC"),
        ("20260301", utc(2026, 2, 28, 17), _ASSUMED),
        ("46082.84375", _T, _ASSUMED),
        ("46082", utc(2026, 2, 28, 17), _ASSUMED),
        ("01/03/2026 20:15", _T, _ASSUMED),
        ("1/3/2026 20:15", _T, _ASSUMED),
        ("01/03/2026 20:15:00", _T, _ASSUMED),
        ("01/03/2026, 20:15", _T, _ASSUMED),
        ("01/03/2026 8:15 PM", _T, _ASSUMED),
        ("01/03/2026 8:15 CH", _T, _ASSUMED),
        ("01/03/2026 8:15 SA", utc(2026, 3, 1, 1, 15), _ASSUMED),
        ("01/03/2026 12:15 AM", utc(2026, 2, 28, 17, 15), _ASSUMED),
        ("01/03/2026", utc(2026, 2, 28, 17), _ASSUMED),
        ("01-03-2026", utc(2026, 2, 28, 17), _ASSUMED),
        ("01.03.2026", utc(2026, 2, 28, 17), _ASSUMED),
        ("20:15 01/03/2026", _T, _ASSUMED),
        ("20:15:00 1/3/2026", _T, _ASSUMED),
        ("2026/03/01 20:15", _T, _ASSUMED),
        ("2026/3/1", utc(2026, 2, 28, 17), _ASSUMED),
        ("Mar 1, 2026 8:15 PM", _T, _ASSUMED),
        ("March 1, 2026 8:15PM", _T, _ASSUMED),
        ("March 1st, 2026 at 20:15", _T, _ASSUMED),
        ("Sunday, March 1, 2026 20:15", _T, _ASSUMED),
        ("01 Mar 2026", utc(2026, 2, 28, 17), _ASSUMED),
        ("1 March 2026 20:15", _T, _ASSUMED),
        ("01-Mar-2026", utc(2026, 2, 28, 17), _ASSUMED),
        ("Sun, 01 Mar 2026 20:15:00 +0700", _T, "+07:00"),
        ("Sun Mar 01 13:15:00 +0000 2026", _T, "+00:00"),
        ("Thứ hai, 2/3/2026, 20:15 (GMT+7)", utc(2026, 3, 2, 13, 15), "+07:00"),
        ("Chủ nhật, 01/03/2026 lúc 20:15", _T, _ASSUMED),
        ("ngày 1 tháng 3 năm 2026 lúc 20:15", _T, _ASSUMED),
        ("1 tháng 3, 2026 20:15", _T, _ASSUMED),
        ("8:15 tối 01/03/2026", _T, _ASSUMED),
        ("20 giờ 15 01/03/2026", _T, _ASSUMED),
        ("Tuesday, March 3, 2026 10:00 ICT", utc(2026, 3, 3, 3), "+07:00"),
        ("  2026-03-01 20:15:00\u00a0", _T, _ASSUMED),
    ],
)
def test_parse_timestamp_examples(text: str, expected: datetime, zone: str) -> None:
    got, source = parse_timestamp(text, HCM)
    assert got == expected
    assert got.tzinfo is not None and got.utcoffset() is not None
    assert got.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert source == zone
    ts, zones, errors = parse_timestamps(pa.array([text]), HCM)
    assert errors == []
    assert ts.type == pa.timestamp("us", tz="UTC")
    assert ts[0].as_py() == expected and zones[0].as_py() == zone


def test_parse_timestamp_default_zone_and_other_zones() -> None:
    assert parse_timestamp("2026-03-01 20:15") == (_T, _ASSUMED)
    assert parse_timestamp("2026-03-01 20:15", "UTC") == (utc(2026, 3, 1, 20, 15), "assumed:UTC")
    assert parse_timestamp("2026-07-01 12:00", "Europe/Berlin")[0] == utc(2026, 7, 1, 10)
    assert parse_timestamp("2026-01-01 12:00", "Europe/Berlin")[0] == utc(2026, 1, 1, 11)
    # an explicit zone wins over tz
    assert parse_timestamp("2026-03-01T20:15:00+07:00", "Europe/Berlin") == (_T, "+07:00")


def test_daylight_saving_gaps_and_overlaps() -> None:
    cases = {
        # spring forward: 02:30 does not exist; read with the offset before (+01:00)
        "2026-03-29 02:30": utc(2026, 3, 29, 1, 30),
        "2026-03-29 01:59:59": utc(2026, 3, 29, 0, 59, 59),
        "2026-03-29 03:00": utc(2026, 3, 29, 1, 0),
        # fall back: 02:30 happens twice; the first (CEST, +02:00) is taken
        "2026-10-25 02:30": utc(2026, 10, 25, 0, 30),
        "2026-10-25 03:00": utc(2026, 10, 25, 2, 0),
        "2026-10-25 01:59": utc(2026, 10, 24, 23, 59),
        "29/03/2026 02:30": utc(2026, 3, 29, 1, 30),
        "2090-03-26 02:30": utc(2090, 3, 26, 1, 30),
        "2090-10-29 02:30": utc(2090, 10, 29, 0, 30),
    }
    for text, expected in cases.items():
        assert parse_timestamp(text, "Europe/Berlin") == (expected, "assumed:Europe/Berlin")
    ts, _, errors = parse_timestamps(pa.array(list(cases)), "Europe/Berlin")
    assert errors == []
    assert ts.to_pylist() == list(cases.values())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2026", "invalid date '31/02/2026': day 31 out of range for 2026-02"),
        ("29/02/2025", "invalid date '29/02/2025': day 29 out of range for 2025-02"),
        ("2026-13-01", "invalid date '2026-13-01': month 13 out of range"),
        ("2026-00-10", "invalid date '2026-00-10': month 0 out of range"),
        (
            "03/25/2026",
            "invalid date '03/25/2026': month 25 out of range (dates with / . or - and the "
            "year last are read day first)",
        ),
        ("abc", "not a timestamp: 'abc'"),
        ("Foo 1, 2026", "not a timestamp: 'Foo 1, 2026' (unknown month 'Foo')"),
        ("01/03/26", "not a timestamp: '01/03/26'"),
        ("25:00 01/03/2026", "invalid time '25:00 01/03/2026': 25:00:00"),
        ("2026-03-01 20:61", "invalid time '2026-03-01 20:61': 20:61:00"),
        ("01/03/2026 13:15 PM", "invalid time '01/03/2026 13:15 PM': hour 13 with PM"),
        ("2026-03-01T20:15:00+15:00", "invalid UTC offset in '2026-03-01T20:15:00+15:00'"),
        ("0001-01-01", "invalid date '0001-01-01': year 1 out of range 1900–2100"),
        ("12345", "not a timestamp: '12345' (Excel serial dates start at 1970)"),
        ("9999999999", "timestamp out of range 1900–2100: '9999999999'"),
        ("-5", "not a timestamp: '-5'"),
        ("N/A", "missing timestamp: 'N/A'"),
        ("", "missing timestamp: ''"),
        (
            "ngày 31 tháng 2 năm 2026",
            "invalid date 'ngày 31 tháng 2 năm 2026': day 31 out of range for 2026-02",
        ),
    ],
)
def test_parse_timestamp_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_timestamp(text, HCM)
    assert str(exc.value) == message


def test_number_rules_are_by_digit_count() -> None:
    with pytest.raises(ValueError, match="9–11 epoch seconds"):
        parse_timestamp("1234567")
    with pytest.raises(ValueError, match="9–11 epoch seconds"):
        parse_timestamp("123456789012345678")  # 18 digits: not a number format
    assert parse_timestamp("100000000")[0] == utc(1973, 3, 3, 9, 46, 40)


def test_dayfirst_false_reads_month_first() -> None:
    got = parse_timestamp("03/25/2026 8:00 PM", "UTC", dayfirst=False)
    assert got == (utc(2026, 3, 25, 20), "assumed:UTC")
    ts, _, errors = parse_timestamps(pa.array(["03/25/2026 8:00 PM"]), "UTC", dayfirst=False)
    assert errors == [] and ts[0].as_py() == utc(2026, 3, 25, 20)
    with pytest.raises(ValueError, match="read month first"):
        parse_timestamp("25/03/2026", "UTC", dayfirst=False)


def test_guess_dayfirst() -> None:
    assert guess_dayfirst(pa.array(["01/03/2026", "25/03/2026"])) is True
    assert guess_dayfirst(["03/01/2026", "03/25/2026 10:00", None]) is False
    assert guess_dayfirst(pa.array(["01/03/2026", "2026-03-01", None])) is None
    assert guess_dayfirst(pa.chunked_array([["x"], ["13.01.2026"]])) is True


def test_unknown_time_zone() -> None:
    with pytest.raises(ValueError, match="unknown time zone: 'Mars/Base'"):
        parse_timestamp("2026-03-01", "Mars/Base")
    with pytest.raises(ValueError, match="unknown time zone"):
        parse_timestamps(pa.array(["2026-03-01"]), "Mars/Base")
    with pytest.raises(ValueError, match="unknown time zone"):
        check_timezone("../etc")
    assert check_timezone("Europe/Berlin") == "Europe/Berlin"


def test_parse_timestamps_example_column() -> None:
    col = pa.array(
        ["2026-03-01 20:15:00", None, "", "N/A", "31/02/2026", "abc", "2026-03-01T13:15:00Z"]
    )
    ts, zones, errors = parse_timestamps(col)
    assert ts.to_pylist() == [_T, None, None, None, None, None, _T]
    assert zones.to_pylist() == [_ASSUMED, None, None, None, None, None, "UTC"]
    assert errors == [
        (4, "invalid date '31/02/2026': day 31 out of range for 2026-02"),
        (5, "not a timestamp: 'abc'"),
    ]
    assert is_missing("N/A") and is_missing(None) and is_missing(" — ")
    assert not is_missing("0")


def test_parse_timestamps_input_kinds() -> None:
    base = pa.array(["junk", "2026-03-01 20:15", "01/03/2026 20:15", " 1772370900 "])
    for col in (
        base.slice(1),
        pa.chunked_array([base.slice(1, 2), base.slice(3)]),
        base.slice(1).cast(pa.large_string()),
    ):
        ts, zones, errors = parse_timestamps(col)
        assert errors == []
        assert ts.to_pylist() == [_T, _T, _T]
        assert zones.to_pylist() == [_ASSUMED, _ASSUMED, "UTC"]
    ts, zones, errors = parse_timestamps(pa.array([], pa.string()))
    assert len(ts) == 0 and len(zones) == 0 and errors == []
    ts, zones, errors = parse_timestamps(pa.array([None, None], pa.string()))
    assert ts.null_count == 2 and errors == []


def test_parse_timestamps_many_shapes_fall_back_correctly() -> None:
    # More distinct shapes than the vectorised path handles: the rest go per value.
    values = [f"{'x' * i}2026" for i in range(80)] + ["2026-03-01 20:15"] * 5
    values += [f"{d}/3/2026 {h}:15" for d in (1, 10) for h in (8, 20)]
    ts, _, errors = parse_timestamps(pa.array(values))
    assert len(errors) == 80
    assert ts.to_pylist()[80:85] == [_T] * 5
    assert ts[-1].as_py() == utc(2026, 3, 10, 13, 15)


def test_parse_timestamps_is_fast_on_a_regular_column() -> None:
    col = pa.array(
        [f"2026-03-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:00" for i in range(200_000)]
    )
    start = time.perf_counter()
    ts, _, errors = parse_timestamps(col, "Europe/Berlin")
    elapsed = time.perf_counter() - start
    assert errors == [] and ts.null_count == 0
    assert elapsed < 2.0  # ~50 ms on a laptop: the vectorised path, not a Python loop


# --------------------------------------------------------------------------------------
# Timestamps: the vectorised function agrees with the scalar one

_ZONES = ["Asia/Ho_Chi_Minh", "Europe/Berlin", "America/New_York", "UTC", "Australia/Lord_Howe"]
_MONTHS = ["Jan", "Mar", "March", "Oct", "october", "SEPT", "Foo"]


@st.composite
def timestamp_text(draw: st.DrawFn) -> str | None:
    y = draw(st.sampled_from([2026, 2024, 2025, 1900, 2100, 1899, 2101, 1970, 2090]))
    mo = draw(st.sampled_from([1, 2, 3, 10, 11, 12]) | st.integers(0, 13))
    d = draw(st.integers(1, 31) | st.sampled_from([0, 32, 25, 26, 27, 28, 29]))
    h = draw(st.sampled_from([0, 1, 2, 3]) | st.integers(0, 25))
    mi = draw(st.integers(0, 60))
    s = draw(st.integers(0, 60))

    def pad(x: int, width: int = 2) -> str:
        return str(x).zfill(width) if draw(st.booleans()) else str(x)

    hh, mm, ss = pad(h), f"{mi:02d}", f"{s:02d}"
    frac = draw(st.sampled_from(["", "", ".1", ".123", ".123456", ".1234567"]))
    zone = draw(
        st.sampled_from(
            ["", "", "", "Z", "+07:00", "-05:00", "+0530", "+07", " UTC", " GMT+7", "+15:00"]
        )
    )
    ap = draw(st.sampled_from(["", "", " AM", " PM", "pm", " CH"]))
    sep = draw(st.sampled_from(["/", "-", "."]))
    form = draw(st.integers(0, 13))
    if form == 0:
        t = f"{y}-{mo:02d}-{d:02d}T{hh}:{mm}:{ss}{frac}{zone}"
    elif form == 1:
        t = f"{y}-{pad(mo)}-{pad(d)} {hh}:{mm}{zone}"
    elif form == 2:
        t = (
            f"{pad(d)}{sep}{pad(mo)}{sep}{y} {hh}:{mm}"
            + (f":{ss}" if draw(st.booleans()) else "")
            + ap
        )
    elif form == 3:
        t = f"{pad(d)}{sep}{pad(mo)}{sep}{y}"
    elif form == 4:
        t = f"{hh}:{mm} {pad(d)}/{pad(mo)}/{y}"
    elif form == 5:
        t = f"{y}/{pad(mo)}/{pad(d)} {hh}:{mm}"
    elif form == 6:
        mon = draw(st.sampled_from(_MONTHS))
        t = f"{mon} {d}, {y} {hh}:{mm}{ap}"
    elif form == 7:
        mon = draw(st.sampled_from(_MONTHS))
        t = f"{pad(d)} {mon} {y}" + (f" {hh}:{mm}:{ss} +0700" if draw(st.booleans()) else "")
    elif form == 8:
        digits = draw(st.integers(5, 17))
        t = str(draw(st.integers(10 ** (digits - 1), 10**digits - 1)))
        if draw(st.booleans()):
            t += "." + str(draw(st.integers(0, 10**6)))
    elif form == 9:
        t = f"{y}{mo:02d}{d:02d}"
    elif form == 10:
        t = f"Thứ hai, {d}/{mo}/{y}, {hh}:{mm} (GMT+7)"
    elif form == 11:
        return draw(st.sampled_from([None, "", " ", "N/A", "—", "-", "null"]))
    elif form == 12:
        t = draw(st.text(max_size=12))
    else:
        t = f"{y}-{mo:02d}-{d:02d} {draw(st.sampled_from(['02', '03', '01']))}:{mm}:{ss}"
    return draw(st.sampled_from(_PADS)) + t + draw(st.sampled_from(_PADS))


def _check_timestamps(values: Sequence[str | None], tz: str, dayfirst: bool) -> None:
    ts, zones, errors = parse_timestamps(pa.array(values, pa.string()), tz, dayfirst=dayfirst)
    assert len(ts) == len(zones) == len(values)
    errs = dict(errors)
    assert len(errs) == len(errors)
    assert [r for r, _ in errors] == sorted(errs)
    for i, v in enumerate(values):
        if is_missing(v):
            assert ts[i].as_py() is None and zones[i].as_py() is None and i not in errs
            continue
        assert v is not None
        try:
            expected = parse_timestamp(v, tz, dayfirst=dayfirst)
        except ValueError as e:
            assert ts[i].as_py() is None and zones[i].as_py() is None, v
            assert errs.get(i) == str(e), v
        else:
            assert (ts[i].as_py(), zones[i].as_py()) == expected, v
            assert i not in errs


@SETTINGS
@given(
    st.lists(timestamp_text(), max_size=40),
    st.sampled_from(_ZONES),
    st.booleans(),
)
def test_parse_timestamps_agrees_with_parse_timestamp(
    values: list[str | None], tz: str, dayfirst: bool
) -> None:
    _check_timestamps(values, tz, dayfirst)


@SETTINGS
@given(st.lists(timestamp_text(), min_size=1, max_size=5), st.sampled_from(_ZONES))
def test_parse_timestamps_agrees_on_repeated_shapes(values: list[str | None], tz: str) -> None:
    # Many rows of few shapes with different digits: the shape grouping at work.
    _check_timestamps(values * 7 + [v.replace("1", "2") if v else v for v in values] * 3, tz, True)


@SETTINGS
@given(st.lists(st.one_of(st.none(), st.text(max_size=14)), max_size=20))
def test_parse_timestamps_agrees_on_arbitrary_text(values: list[str | None]) -> None:
    _check_timestamps(values, HCM, True)


@settings(max_examples=60, deadline=None, database=None)
@given(
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2100, 12, 30)),
    st.sampled_from([*_ZONES, "America/Sao_Paulo", "Africa/Casablanca", "Asia/Tehran"]),
)
def test_wall_times_convert_like_zoneinfo(when: datetime, tz: str) -> None:
    values = [when.strftime("%Y-%m-%d %H:%M:%S.%f")]
    # the neighbourhood of the drawn time, to cross transitions
    values += [when.replace(hour=h).strftime("%Y-%m-%d %H:%M:%S") for h in range(24)]
    _check_timestamps(values, tz, True)


# --------------------------------------------------------------------------------------
# Flags


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("True", True),
        ("1", True),
        ("1.0", True),
        ("yes", True),
        ("Y", True),
        ("có", True),
        ("Có", True),
        ("co", True),
        ("x", True),
        ("X", True),
        ("✓", True),
        ("✔", True),
        ("Đã xác minh", True),
        ("verified", True),
        ("false", False),
        ("FALSE", False),
        ("0", False),
        ("0.0", False),
        ("no", False),
        ("N", False),
        ("không", False),
        ("KHÔNG", False),
        ("khong", False),
        ("✗", False),
        ("Chưa xác minh", False),
        ("", None),
        ("  ", None),
        ("-", None),
        ("N/A", None),
        (None, None),
    ],
)
def test_parse_bool_examples(text: str | None, expected: bool | None) -> None:
    assert parse_bool(text) is expected


def test_parse_bool_error() -> None:
    with pytest.raises(ValueError) as exc:
        parse_bool("maybe")
    assert str(exc.value) == "not a yes/no value: 'maybe'"


def test_parse_bools_column() -> None:
    values, errors = parse_bools(pa.array(["Có", "không", None, "", "maybe", "x", "maybe"]))
    assert values.type == pa.bool_()
    assert values.to_pylist() == [True, False, None, None, None, True, None]
    assert errors == [(4, "not a yes/no value: 'maybe'"), (6, "not a yes/no value: 'maybe'")]


@SETTINGS
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.sampled_from(["true", "No", " có ", "KHÔNG", "x", "✓", "1", "0.0", "N/A", ""]),
            st.text(max_size=5),
        ),
        max_size=30,
    )
)
def test_parse_bools_agrees_with_parse_bool(values: list[str | None]) -> None:
    got, errors = parse_bools(pa.array(values, pa.string()))
    errs = dict(errors)
    for i, v in enumerate(values):
        try:
            expected = parse_bool(v)
        except ValueError as e:
            assert got[i].as_py() is None and errs.get(i) == str(e)
        else:
            assert got[i].as_py() is expected and i not in errs


@pytest.mark.parametrize(
    ("text", "hour", "minute"),
    [
        ("01/03/2026 12:30 trưa", 12, 30),
        ("01/03/2026 12 giờ trưa", 12, 0),
        ("01/03/2026 1 giờ trưa", 13, 0),
        ("ngày 1 tháng 3 năm 2026 lúc 11 giờ 30 trưa", 11, 30),
        ("01/03/2026 8 giờ tối", 20, 0),
        ("01/03/2026 8:00 sáng", 8, 0),
        ("01/03/2026 12 giờ đêm", 0, 0),
        ("01/03/2026 12:30 đêm", 0, 30),
        ("01/03/2026 1 giờ khuya", 1, 0),
        ("01/03/2026 11 giờ đêm", 23, 0),
    ],
)
def test_vietnamese_times_of_day(text: str, hour: int, minute: int) -> None:
    when, _ = parse_timestamp(text, "UTC")
    assert (when.day, when.hour, when.minute) == (1, hour, minute)
