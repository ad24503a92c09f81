"""KOL tiers by follower count: the one place the tier boundaries are defined.

Each tier's lower bound is inclusive and its upper bound exclusive. The default scheme
is the sources' (seed 003: micro-influencers have 10k–300k followers):

========  =====================================
tier      followers
========  =====================================
nano      1 ≤ followers < 10,000
micro     10,000 ≤ followers < 300,000
macro     300,000 ≤ followers < 1,000,000
mega      followers ≥ 1,000,000
unknown   see the rule below
========  =====================================

So an author with exactly 10,000 followers is *micro*, exactly 300,000 is *macro* and
exactly 1,000,000 is *mega*.

**Unknown rule** (one rule for every page, export and score): a follower count is
*unknown* when it is not reported (NULL or NaN), 0 (exports write 0 when the platform
hides the number; an author who posts to an audience has at least one follower),
negative (a broken export), or implausible (≥ :data:`MAX_PLAUSIBLE_FOLLOWERS`, more than
any account on any platform has). Unknown authors get no tier and no follower-based
engagement rate; nothing divides by their count.

Alternative schemes (:data:`SCHEMES`) are used by industry benchmarks; any comparison
with a benchmark names the scheme it uses (:attr:`TierScheme.description`):

* ``default``: nano < 10k, micro 10k–300k, macro 300k–1M, mega ≥ 1M (the sources);
* ``industry``: nano < 10k, micro 10k–50k, mid 50k–500k, macro 500k–1M, mega ≥ 1M
  (the five-tier split of influencer-marketing benchmark reports).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

#: (tier, inclusive lower bound), in increasing order. The upper bound of a tier is the
#: next tier's lower bound (exclusive); the last tier is open-ended. The first tier's
#: bound 0 is kept for readers of this table, but 0 itself is *unknown* (see above).
TIERS: Final[tuple[tuple[str, int], ...]] = (
    ("nano", 0),
    ("micro", 10_000),
    ("macro", 300_000),
    ("mega", 1_000_000),
)
UNKNOWN_TIER: Final[str] = "unknown"
TIER_NAMES: Final[tuple[str, ...]] = (*(name for name, _ in TIERS), UNKNOWN_TIER)
#: Follower counts at or above this are treated as data errors (unknown).
MAX_PLAUSIBLE_FOLLOWERS: Final[int] = 2_000_000_000
UNKNOWN_RANGE: Final[str] = (
    f"followers not reported, 0, negative or ≥ {MAX_PLAUSIBLE_FOLLOWERS:,} (implausible)"
)


@dataclass(frozen=True, slots=True)
class TierScheme:
    """A named tier scheme: (tier, inclusive lower bound) in increasing order."""

    name: str
    tiers: tuple[tuple[str, int], ...]
    source: str

    @property
    def names(self) -> tuple[str, ...]:
        return (*(name for name, _ in self.tiers), UNKNOWN_TIER)

    def tier(self, followers: int | float | None) -> str:
        if not known_followers(followers):
            return UNKNOWN_TIER
        assert followers is not None
        tier = self.tiers[0][0]
        for name, lower in self.tiers:
            if followers >= lower:
                tier = name
        return tier

    def range(self, tier: str) -> str:
        for i, (name, lower) in enumerate(self.tiers):
            if name == tier:
                lo = max(lower, 1)
                if i + 1 < len(self.tiers):
                    return f"{lo:,} ≤ followers < {self.tiers[i + 1][1]:,}"
                return f"followers ≥ {lo:,}"
        if tier == UNKNOWN_TIER:
            return UNKNOWN_RANGE
        raise ValueError(f"unknown tier {tier!r}; tiers are {', '.join(self.names)}")

    @property
    def description(self) -> str:
        """The scheme in words, e.g. to print next to a benchmark comparison."""
        parts = "; ".join(f"{name} {self.range(name)}" for name, _ in self.tiers)
        return (
            f"tier scheme '{self.name}' ({self.source}): {parts}; {UNKNOWN_TIER}: {UNKNOWN_RANGE}"
        )


DEFAULT_SCHEME: Final[TierScheme] = TierScheme(
    "default", TIERS, "the sources: micro-influencers 10k–300k followers"
)
INDUSTRY_SCHEME: Final[TierScheme] = TierScheme(
    "industry",
    (("nano", 0), ("micro", 10_000), ("mid", 50_000), ("macro", 500_000), ("mega", 1_000_000)),
    "five-tier split of influencer-marketing benchmark reports",
)
SCHEMES: Final[dict[str, TierScheme]] = {s.name: s for s in (DEFAULT_SCHEME, INDUSTRY_SCHEME)}


def scheme(name: str | None = None) -> TierScheme:
    """The scheme called ``name`` (default: the sources')."""
    if name is None:
        return DEFAULT_SCHEME
    try:
        return SCHEMES[name]
    except KeyError:
        raise ValueError(
            f"unknown tier scheme {name!r}; schemes are {', '.join(SCHEMES)}"
        ) from None


def known_followers(followers: int | float | None) -> bool:
    """Is ``followers`` a usable count (the unknown rule in the module docstring)?"""
    if followers is None or followers != followers:  # None, NaN
        return False
    return 0 < followers < MAX_PLAUSIBLE_FOLLOWERS


def kol_tier(followers: int | float | None) -> str:
    """The default-scheme tier of an author with ``followers`` followers."""
    return DEFAULT_SCHEME.tier(followers)


def known_followers_sql(column: str) -> str:
    """SQL: ``column`` is a usable follower count (trusted identifier only)."""
    return f"({column} > 0 AND {column} < {MAX_PLAUSIBLE_FOLLOWERS})"


def tier_sql(column: str, tier_scheme: TierScheme = DEFAULT_SCHEME) -> str:
    """A SQL ``CASE`` expression giving the tier of the follower count in ``column``.

    ``column`` must be a trusted identifier or expression (never user input).
    """
    whens = " ".join(
        f"WHEN {column} >= {lower} THEN '{name}'" for name, lower in reversed(tier_scheme.tiers)
    )
    return (
        f"(CASE WHEN NOT coalesce({known_followers_sql(column)}, FALSE) THEN '{UNKNOWN_TIER}' "
        f"{whens} ELSE '{UNKNOWN_TIER}' END)"
    )


def tier_range(tier: str) -> str:
    """Human-readable follower range of ``tier``, e.g. ``10,000 ≤ followers < 300,000``."""
    return DEFAULT_SCHEME.range(tier)
