"""The SQL building blocks every metric shares, written once.

All metrics are computed from *additive* partial aggregates ("measures": counts and
sums) so that the same definitions serve a scan of ``mentions`` and the pre-aggregated
rollup, and so that partials for several topics or days can be added up in Python.

The SQL stays in the subset DuckDB and PostgreSQL share: ``CASE``, ``coalesce``,
``count``/``sum`` with ``FILTER (WHERE …)``, ``CAST``, ``timezone(zone, ts)``,
``EXTRACT``, ``GROUPING SETS``.
"""

from __future__ import annotations

from typing import Final

#: Mention kinds that are *posts* (own content with an audience); engagement rate and
#: top posts are computed on these only. Comments, replies and reviews are reactions
#: to a post, and their author's followers are not the post's audience.
POST_KINDS: Final[tuple[str, ...]] = ("post", "video", "article")

#: Engagement components that make up interactions (``reactions`` JSON is a breakdown
#: of ``likes`` and is not added again).
INTERACTION_COMPONENTS: Final[tuple[str, ...]] = ("likes", "comments", "shares", "saves")

#: Spam kinds named in the schema; anything else that is not ``'none'`` is "other".
SPAM_KINDS: Final[tuple[str, ...]] = ("giveaway", "seeding", "ad", "junk")

#: Interactions of one mention: the sum of its known components, NULL if none is known.
INTERACTIONS_SQL: Final[str] = (
    "(CASE WHEN "
    + " AND ".join(f"{c} IS NULL" for c in INTERACTION_COMPONENTS)
    + " THEN NULL ELSE "
    + " + ".join(f"coalesce({c}, 0)" for c in INTERACTION_COMPONENTS)
    + " END)"
)

_POST = "kind IN (" + ", ".join(f"'{k}'" for k in POST_KINDS) + ")"

#: Row-level columns a measure may use, as SQL over ``mentions``. A scan selects these
#: (aliased) in a subquery and the measures aggregate them.
ROW_COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    ("ix", INTERACTIONS_SQL),
    ("is_post", _POST),
    ("likes", "likes"),
    ("comments", "comments"),
    ("shares", "shares"),
    ("saves", "saves"),
    ("reach", "reach"),
    ("reach_estimated", "reach_estimated"),
    ("followers", "author_followers"),
    ("sentiment", "sentiment"),
    ("spam", "spam"),
)

_ERF = "is_post AND ix IS NOT NULL AND followers > 0"
_ERR = "is_post AND ix IS NOT NULL AND reach > 0"

#: The additive measures: name → aggregate over the row-level columns. Every one is a
#: count or a sum, so partial results combine by addition.
MEASURES: Final[tuple[tuple[str, str], ...]] = (
    ("n", "count(*)"),
    # interactions
    ("ix_n", "count(ix)"),
    ("ix_sum", "sum(ix)"),
    ("likes", "sum(likes)"),
    ("comments", "sum(comments)"),
    ("shares", "sum(shares)"),
    ("saves", "sum(saves)"),
    ("likes_n", "count(likes)"),
    ("comments_n", "count(comments)"),
    ("shares_n", "count(shares)"),
    ("saves_n", "count(saves)"),
    # reach as reported (or estimated and flagged)
    ("reach_n", "count(reach)"),
    ("reach_sum", "sum(reach)"),
    ("reach_est_n", "count(reach) FILTER (WHERE reach_estimated)"),
    # sentiment (NULL = not analysed)
    ("sent_n", "count(sentiment)"),
    ("pos", "count(*) FILTER (WHERE sentiment = 'positive')"),
    ("neg", "count(*) FILTER (WHERE sentiment = 'negative')"),
    ("neu", "count(*) FILTER (WHERE sentiment = 'neutral')"),
    # spam / seeding / giveaway (NULL = not checked, 'none' = clean)
    ("spam_n", "count(spam)"),
    ("flagged_n", "count(*) FILTER (WHERE spam <> 'none')"),
    *((f"spam_{kind}", f"count(*) FILTER (WHERE spam = '{kind}')") for kind in SPAM_KINDS),
    ("checked_ix_n", "count(ix) FILTER (WHERE spam IS NOT NULL)"),
    ("checked_ix", "sum(ix) FILTER (WHERE spam IS NOT NULL)"),
    ("quality_ix", "sum(ix) FILTER (WHERE spam = 'none')"),
    # engagement rate, on posts only
    ("posts", "count(*) FILTER (WHERE is_post)"),
    ("posts_ix_n", "count(ix) FILTER (WHERE is_post)"),
    ("erf_n", f"count(*) FILTER (WHERE {_ERF})"),
    ("erf_ix", f"sum(ix) FILTER (WHERE {_ERF})"),
    ("erf_den", f"sum(followers) FILTER (WHERE {_ERF})"),
    ("erf_ratio", f"sum(CAST(ix AS DOUBLE PRECISION) * 100 / followers) FILTER (WHERE {_ERF})"),
    ("err_n", f"count(*) FILTER (WHERE {_ERR})"),
    ("err_ix", f"sum(ix) FILTER (WHERE {_ERR})"),
    ("err_den", f"sum(reach) FILTER (WHERE {_ERR})"),
    ("err_ratio", f"sum(CAST(ix AS DOUBLE PRECISION) * 100 / reach) FILTER (WHERE {_ERR})"),
    ("err_est_n", f"count(*) FILTER (WHERE {_ERR} AND reach_estimated)"),
)
MEASURE_NAMES: Final[tuple[str, ...]] = tuple(name for name, _ in MEASURES)
#: Measures that are sums of doubles (the others are integers).
FLOAT_MEASURES: Final[frozenset[str]] = frozenset({"erf_ratio", "err_ratio"})


def row_select() -> str:
    """The row-level ``SELECT`` list (``expr AS name, …``) over ``mentions``."""
    return ", ".join(f"{expr} AS {name}" for name, expr in ROW_COLUMNS)


def _typed(name: str, agg: str) -> str:
    # Integer sums are cast back to BIGINT (DuckDB widens them to HUGEINT, PostgreSQL
    # to NUMERIC); the per-post ratio sums stay DOUBLE PRECISION.
    if name in FLOAT_MEASURES or not agg.startswith("sum("):
        return agg
    return f"CAST({agg} AS BIGINT)"


def measure_select(names: tuple[str, ...] = MEASURE_NAMES) -> str:
    """The aggregate ``SELECT`` list over row-level columns (``agg AS name, …``)."""
    aggs = dict(MEASURES)
    return ", ".join(f"{_typed(name, aggs[name])} AS {name}" for name in names)


def measure_resum(names: tuple[str, ...] = MEASURE_NAMES) -> str:
    """The ``SELECT`` list that re-aggregates stored measures (rollup tables)."""
    return ", ".join(f"{_typed(name, f'sum({name})')} AS {name}" for name in names)
