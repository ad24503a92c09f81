"""KOL tiers by follower count: the one place the tier boundaries are defined.

Each tier's lower bound is inclusive and its upper bound exclusive:

========  =====================================
tier      followers
========  =====================================
nano      0 ≤ followers < 10,000
micro     10,000 ≤ followers < 300,000
macro     300,000 ≤ followers < 1,000,000
mega      followers ≥ 1,000,000
unknown   followers not reported (NULL) or < 0
========  =====================================

So an author with exactly 10,000 followers is *micro*, exactly 300,000 is *macro* and
exactly 1,000,000 is *mega*.
"""

from __future__ import annotations

from typing import Final

#: (tier, inclusive lower bound), in increasing order. The upper bound of a tier is the
#: next tier's lower bound (exclusive); the last tier is open-ended.
TIERS: Final[tuple[tuple[str, int], ...]] = (
    ("nano", 0),
    ("micro", 10_000),
    ("macro", 300_000),
    ("mega", 1_000_000),
)
UNKNOWN_TIER: Final[str] = "unknown"
TIER_NAMES: Final[tuple[str, ...]] = (*(name for name, _ in TIERS), UNKNOWN_TIER)


def kol_tier(followers: int | float | None) -> str:
    """The tier of an author with ``followers`` followers (``unknown`` when not known)."""
    if followers is None or followers != followers or followers < 0:  # None, NaN, invalid
        return UNKNOWN_TIER
    tier = TIERS[0][0]
    for name, lower in TIERS:
        if followers >= lower:
            tier = name
    return tier


def tier_sql(column: str) -> str:
    """A SQL ``CASE`` expression giving the tier of the follower count in ``column``.

    ``column`` must be a trusted identifier or expression (never user input).
    """
    whens = " ".join(f"WHEN {column} >= {lower} THEN '{name}'" for name, lower in reversed(TIERS))
    return f"(CASE {whens} ELSE '{UNKNOWN_TIER}' END)"


def tier_range(tier: str) -> str:
    """Human-readable follower range of ``tier``, e.g. ``10,000 ≤ followers < 300,000``."""
    for i, (name, lower) in enumerate(TIERS):
        if name == tier:
            if i + 1 < len(TIERS):
                return f"{lower:,} ≤ followers < {TIERS[i + 1][1]:,}"
            return f"followers ≥ {lower:,}"
    if tier == UNKNOWN_TIER:
        return "followers not reported"
    raise ValueError(f"unknown tier {tier!r}; tiers are {', '.join(TIER_NAMES)}")
