"""The evidence a signal carries: what drove one bucket of one topic.

:func:`evidence` looks at the mentions of a topic in ``[start, end)`` — optionally only
one platform, only the mentions naming one aspect, only the negative ones — and returns
an :class:`~tinhieu.signals.model.Evidence`:

Top mentions
    By interactions (the project's definition; mentions without engagement data last),
    then the author's followers (unknown last), then newest first, then platform and
    source id. The text (or the title when there is no text) is cut to
    :data:`SNIPPET` characters, with "…" when cut; nothing else is changed (no escaping:
    renderers escape for their medium).
Top authors
    An author is (platform, author id), as in the top-authors metric; mentions without
    an author id are not ranked. By mentions in the bucket, then followers (the largest
    count seen), then platform and author id. ``name`` is the display name (the id when
    there is none), ``kind`` the ``author_kind``.
Platforms
    Mentions per platform in the bucket (with the same filters).
Terms that drove it
    Phrases over-represented in the bucket against the **baseline**: the same topic and
    filters over ``[baseline_start, start)`` (default: the :data:`BASELINE_DAYS` days
    before ``start``, or seven bucket lengths when the bucket is longer than a day).
    Candidates are the bucket's frequent 1–3-word phrases from
    :func:`tinhieu.nlp.keywords.top_phrases` (stopwords, placeholders and fragments
    are handled there; at least :data:`MIN_TERM_COUNT` texts). Each candidate is scored
    by :func:`term_scores`: the log odds ratio of "a text contains the phrase" in the
    bucket against the baseline, with the Haldane–Anscombe ½ smoothing, divided by its
    standard error (a z-score, so a phrase seen twice cannot beat one seen in a hundred
    texts by luck); terms with z ≥ :data:`MIN_TERM_Z` are kept, best first. Without
    baseline texts the bucket's most frequent phrases are returned. Texts are sampled
    deterministically (by ``md5`` of the key) to at most :data:`MAX_TEXTS` per side.
Filters
    ``negative_only`` keeps mentions the sentiment model called negative and the spam
    stage did not flag (the ``negative`` of :func:`~tinhieu.signals.series.topic_series`);
    with ``aspect`` it keeps the mentions whose hit for that aspect is negative (the
    aspect series' ``negative``). The baseline uses the same filters.

Store access is through :meth:`Store.fetch_arrow` with ``?`` parameters only.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from tinhieu.metrics.measures import INTERACTIONS_SQL
from tinhieu.metrics.scope import DateLike, ScopeError, parse_bound
from tinhieu.nlp.keywords import keywords, top_phrases
from tinhieu.signals.model import Evidence, EvidenceAuthor, EvidenceMention
from tinhieu.signals.series import (
    ASPECT_INDEX_SQL,
    FLAGGED_SQL,
    TOPIC_SQL,
    workspace_topics,
)
from tinhieu.store.base import Store
from tinhieu.text.normalise import fold

__all__ = [
    "BASELINE_DAYS",
    "MAX_TEXTS",
    "MIN_TERM_COUNT",
    "MIN_TERM_Z",
    "SNIPPET",
    "TermScore",
    "drop_fragments",
    "evidence",
    "log_odds_z",
    "term_scores",
    "text_sets",
]

#: Characters of a mention's text kept in the evidence.
#: Mentions scanned for ``keep`` (most interactions first).
KEEP_SCAN: Final = 500
SNIPPET: Final = 280
#: Default baseline: this many days before the bucket.
BASELINE_DAYS: Final = 7
#: Texts read per side (bucket, baseline) for the terms; a deterministic sample beyond.
MAX_TEXTS: Final = 5000
#: Fewest bucket texts a term must appear in.
MIN_TERM_COUNT: Final = 2
#: Smallest z-score (log odds ratio / its standard error) of a reported term.
MIN_TERM_Z: Final = 1.96
#: Extra terms scored so that dropping fragments still leaves ``limit`` of them.
FRAGMENT_SLACK: Final = 5
#: Candidate phrases of the bucket that are scored.
CANDIDATES: Final = 300


@dataclass(frozen=True, slots=True)
class TermScore:
    """One phrase of the bucket against the baseline."""

    term: str
    count: int  # bucket texts containing it
    baseline_count: int  # baseline texts containing it
    log_odds: float  # log odds ratio, ½-smoothed
    z: float  # log_odds / its standard error


def drop_fragments(terms: Sequence[str]) -> list[str]:
    """``terms`` without those that are a whole-word piece of another listed term
    ("nguyên" beside "nguyên liệu đi"), in order."""
    out = []
    for t in terms:
        padded = f" {t} "
        if not any(o != t and padded in f" {o} " for o in terms):
            out.append(t)
    return out


def log_odds_z(a: int, n: int, b: int, m: int) -> tuple[float, float]:
    """A phrase in ``a`` of ``n`` texts against ``b`` of ``m``: the ½-smoothed log odds
    ratio and its z-score (the ratio over its standard error)."""
    x, y, u, v = a + 0.5, n - a + 0.5, b + 0.5, m - b + 0.5
    lor = math.log(x / y) - math.log(u / v)
    return lor, lor / math.sqrt(1 / x + 1 / y + 1 / u + 1 / v)


def text_sets(texts: Sequence[str]) -> tuple[Counter[str], Counter[str], int]:
    """Per phrase, how many texts contain it: texts with diacritics by exact phrase,
    texts typed without them by the folded phrase (as ``top_phrases`` merges them)."""
    exact: Counter[str] = Counter()
    plain: Counter[str] = Counter()
    n = 0
    for t in texts:
        if not isinstance(t, str) or not t:
            continue
        n += 1
        found = {k for k, _ in keywords(t, top=1_000_000)}
        if fold(t) == t:
            plain.update({fold(k) for k in found})
        else:
            exact.update(found)
    return exact, plain, n


def term_scores(
    bucket: Sequence[str],
    baseline: Sequence[str],
    *,
    top: int = 10,
    min_count: int = MIN_TERM_COUNT,
    min_z: float = MIN_TERM_Z,
) -> list[TermScore]:
    """The ``top`` phrases over-represented in the ``bucket`` texts against the
    ``baseline`` texts, best first (module docstring, "Terms that drove it").

    For a phrase in ``a`` of ``n`` bucket texts and ``b`` of ``m`` baseline texts:
    ``log_odds = ln((a+½)/(n−a+½)) − ln((b+½)/(m−b+½))``, its standard error
    ``√(1/(a+½) + 1/(n−a+½) + 1/(b+½) + 1/(m−b+½))``, ``z = log_odds / se``. Kept:
    ``log_odds > 0`` and ``z ≥ min_z``; sorted by z, then count, then the phrase. With
    no baseline text, the bucket's most frequent phrases (z = 0). Pure.
    """
    if top <= 0:
        return []
    n = sum(1 for t in bucket if isinstance(t, str) and t)
    candidates = top_phrases(bucket, top=CANDIDATES, min_count=max(1, min_count))
    if n == 0 or not candidates:
        return []
    exact, plain, m = text_sets(baseline)
    if m == 0:
        return [TermScore(p, c, 0, 0.0, 0.0) for p, c in candidates[:top]]
    out: list[TermScore] = []
    for phrase, a in candidates:
        a = min(a, n)
        b = min(exact.get(phrase, 0) + plain.get(fold(phrase), 0), m)
        lor, z = log_odds_z(a, n, b, m)
        if lor > 0 and z >= min_z:
            out.append(TermScore(phrase, a, b, round(lor, 4), round(z, 4)))
    out.sort(key=lambda s: (-s.z, -s.count, s.term))
    return out[:top]


def _ts(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f+00")


def _where(
    workspace: str,
    topic: str,
    start: datetime,
    end: datetime,
    *,
    aspect: str | None,
    platform: str | None,
    negative_only: bool,
) -> tuple[str, list[Any]]:
    """The condition on ``mentions`` for the bucket's (or baseline's) mentions."""
    parts = [
        "workspace = ?",
        TOPIC_SQL,
        "created_at >= CAST(? AS TIMESTAMPTZ)",
        "created_at < CAST(? AS TIMESTAMPTZ)",
    ]
    params: list[Any] = [workspace, topic, _ts(start), _ts(end)]
    if platform is not None:
        parts.append("platform = ?")
        params.append(platform)
    if aspect is not None:
        hit = "aspects -> ai.i ->> 'aspect' = ?"
        params.append(aspect)
        if negative_only:
            hit += f" AND aspects -> ai.i ->> 'polarity' = 'negative' AND NOT {FLAGGED_SQL}"
        parts.append(
            f"aspects IS NOT NULL AND EXISTS (SELECT 1 FROM {ASPECT_INDEX_SQL} "
            f"WHERE ai.i < json_array_length(aspects) AND {hit})"
        )
    elif negative_only:
        parts.append(f"sentiment = 'negative' AND NOT {FLAGGED_SQL}")
    return " AND ".join(parts), params


def _snippet(text: str | None, title: str | None) -> str:
    body = text if text else (title or "")
    return body if len(body) <= SNIPPET else body[: SNIPPET - 1] + "…"


def evidence(
    store: Store,
    workspace: str,
    topic: str,
    *,
    start: DateLike,
    end: DateLike,
    aspect: str | None = None,
    platform: str | None = None,
    negative_only: bool = False,
    baseline_start: DateLike = None,
    limit: int = 5,
    keep: Callable[[str], bool] | None = None,
) -> Evidence:
    """What drove ``topic`` in ``[start, end)``: top mentions, top authors, mentions per
    platform, over-represented terms and the aspect (module docstring). Bounds are read
    like every metric's (dates and naive times in the workspace zone; a date as ``end``
    includes that day). ``limit`` caps the mentions, the authors and the terms. ``keep``
    narrows the quoted mentions to those whose title + text it accepts (e.g. the ones
    carrying a risk term), looking through up to :data:`KEEP_SCAN` of them."""
    if topic not in workspace_topics(store, workspace):
        raise ScopeError(f"no topic {topic!r} in workspace {workspace!r}")
    zone = ZoneInfo(store.workspace_timezone(workspace))
    lo = parse_bound(start, zone, is_until=False)[0]
    hi = parse_bound(end, zone, is_until=True)[0]
    if lo is None or hi is None or lo >= hi:
        raise ScopeError("evidence needs start < end")
    if baseline_start is None:
        base_lo = lo - max(timedelta(days=BASELINE_DAYS), 7 * (hi - lo))
    else:
        parsed = parse_bound(baseline_start, zone, is_until=False)[0]
        if parsed is None or parsed >= lo:
            raise ScopeError("baseline_start must be before start")
        base_lo = parsed
    filters: dict[str, Any] = {
        "aspect": aspect,
        "platform": platform,
        "negative_only": negative_only,
    }
    where, params = _where(workspace, topic, lo, hi, **filters)
    limit = max(0, int(limit))

    mentions = store.fetch_arrow(
        "SELECT platform, source_id, url, coalesce(author_name, author_id) AS author, "
        f"substr(text, 1, {SNIPPET + 1}) AS text, substr(title, 1, {SNIPPET + 1}) AS title, "
        f"created_at, {INTERACTIONS_SQL} AS ix, sentiment FROM mentions WHERE {where} "
        "ORDER BY ix DESC NULLS LAST, author_followers DESC NULLS LAST, created_at DESC, "
        "platform, source_id LIMIT ?",
        [*params, limit if keep is None else KEEP_SCAN],
    ).to_pylist()
    if keep is not None:
        mentions = [r for r in mentions if keep(f"{r['title'] or ''} {r['text'] or ''}")][:limit]
    authors = store.fetch_arrow(
        "SELECT platform, author_id, coalesce(max(author_name), author_id) AS name, "
        "count(*) AS n, max(author_followers) AS followers, max(author_kind) AS kind "
        f"FROM mentions WHERE {where} AND author_id IS NOT NULL "
        "GROUP BY platform, author_id "
        "ORDER BY n DESC, followers DESC NULLS LAST, platform, author_id LIMIT ?",
        [*params, limit],
    ).to_pylist()
    platforms = store.fetch_all(
        f"SELECT platform, count(*) FROM mentions WHERE {where} GROUP BY platform "
        "ORDER BY count(*) DESC, platform",
        params,
    )
    terms: tuple[str, ...] = ()
    if limit:
        bucket_texts = _texts(store, where, params)
        base_where, base_params = _where(workspace, topic, base_lo, lo, **filters)
        baseline_texts = _texts(store, base_where, base_params)
        scored = term_scores(bucket_texts, baseline_texts, top=limit + FRAGMENT_SLACK)
        terms = tuple(drop_fragments([s.term for s in scored])[:limit])
    return Evidence(
        mentions=tuple(
            EvidenceMention(
                platform=str(r["platform"]),
                source_id=str(r["source_id"]),
                url=r["url"],
                author=r["author"],
                text=_snippet(r["text"], r["title"]),
                created_at=r["created_at"],
                interactions=int(r["ix"]) if r["ix"] is not None else None,
                sentiment=r["sentiment"],
            )
            for r in mentions
        ),
        authors=tuple(
            EvidenceAuthor(
                name=str(r["name"]),
                mentions=int(r["n"]),
                followers=int(r["followers"]) if r["followers"] is not None else None,
                kind=r["kind"],
            )
            for r in authors
        ),
        terms=terms,
        aspect=aspect,
        platforms={str(p): int(n) for p, n in platforms},
    )


def _texts(store: Store, where: str, params: list[Any]) -> list[str]:
    """Title and text of up to :data:`MAX_TEXTS` matching mentions (a deterministic
    sample by ``md5`` of the key when there are more)."""
    rows = store.fetch_all(
        f"SELECT title, text FROM mentions WHERE {where} "
        "AND (text IS NOT NULL OR title IS NOT NULL) "
        "ORDER BY md5(platform || ':' || source_id) LIMIT ?",
        [*params, MAX_TEXTS],
    )
    return ["\n".join(p for p in (title, text) if p) for title, text in rows]
