"""KOL tier boundaries: lower bound inclusive, upper bound exclusive."""

from __future__ import annotations

import duckdb
import pytest

from tinhieu.metrics.tiers import TIER_NAMES, kol_tier, tier_range, tier_sql

# 0 followers is "unknown" (exports write 0 when the platform hides the count; the web
# Authors page already said so): tiers.py now states this one rule for every caller.
CASES = [
    (0, "unknown"),
    (1, "nano"),
    (9_999, "nano"),
    (10_000, "micro"),
    (10_001, "micro"),
    (299_999, "micro"),
    (300_000, "macro"),
    (999_999, "macro"),
    (1_000_000, "mega"),
    (25_000_000, "mega"),
    (None, "unknown"),
    (-5, "unknown"),
    (2_000_000_000, "unknown"),  # implausible: a data error, not a mega account
]


@pytest.mark.parametrize(("followers", "tier"), CASES)
def test_kol_tier_boundaries(followers: int | None, tier: str) -> None:
    assert kol_tier(followers) == tier


def test_nan_followers_are_unknown() -> None:
    assert kol_tier(float("nan")) == "unknown"


def test_sql_tiers_agree_with_python() -> None:
    con = duckdb.connect()
    values = ", ".join(f"({'NULL' if f is None else f})" for f, _ in CASES)
    rows = con.execute(
        f"SELECT f, {tier_sql('f')} FROM (VALUES {values}) v(f) ORDER BY f NULLS LAST"
    ).fetchall()
    expected = sorted(CASES, key=lambda c: (c[0] is None, c[0] or 0))
    assert [r[1] for r in rows] == [t for _, t in expected]


def test_tier_ranges_are_readable() -> None:
    assert tier_range("micro") == "10,000 ≤ followers < 300,000"
    assert tier_range("mega") == "followers ≥ 1,000,000"
    assert tier_range("unknown").startswith("followers not reported, 0, negative")
    assert tier_range("nano") == "1 ≤ followers < 10,000"
    assert TIER_NAMES == ("nano", "micro", "macro", "mega", "unknown")
    with pytest.raises(ValueError):
        tier_range("giga")
