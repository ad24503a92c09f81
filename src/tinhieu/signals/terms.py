"""Emerging terms: phrases that burst in a topic's talk, day by day.

The crisis-risk vocabulary (``signals/risk.py``) knows in advance which words are
alarming; this finds the ones nobody listed — a product name, a store address, a new
slang word for what went wrong ("trân châu hoàng kim", "Lê Văn Sỹ", "im re") — by
comparing each local day with the days before it.

For each complete local day of a topic (spam left out), the texts' phrases are counted by
document (``tinhieu.nlp.keywords``: 1–3-word phrases, stopwords handled, a text typed
without diacritics counted towards its accented phrase). A phrase of the day in ``a`` of
``n`` texts, found in ``b`` of the ``m`` texts of the :data:`BASELINE_DAYS` days before,
bursts when

* it is a phrase of two or more words, or a hashtag (a lone word is too often a
  fragment or a tagged friend's name),
* ``a ≥`` :data:`MIN_COUNT` texts,
* its ½-smoothed log odds ratio ``ln((a+½)/(n−a+½)) − ln((b+½)/(m−b+½))`` is at least
  ``ln(`` :data:`MIN_RATIO` ``)`` — five times as frequent as usual, or new,
* and that ratio is at least :data:`MIN_Z` standard errors from zero.

Each day's texts are read and counted once (at most :data:`MAX_TEXTS_PER_DAY`, a
deterministic sample beyond), so a 90-day history costs one pass. A phrase that burst
is not reported again for :data:`COOLDOWN_DAYS` days. Each day also counts its phrases
in negative texts, so a signal can say whether a burst is a complaint or buzz.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from tinhieu.nlp.keywords import top_phrases
from tinhieu.signals.evidence import TermScore, log_odds_z, text_sets
from tinhieu.store.base import Store
from tinhieu.text.normalise import fold

BASELINE_DAYS: Final = 14
MIN_BASELINE_DAYS: Final = 5  # fewer days before: no judgement yet
MIN_COUNT: Final = 8
MIN_RATIO: Final = 5.0
MIN_Z: Final = 4.0
MAX_TEXTS_PER_DAY: Final = 2000
CANDIDATES: Final = 200
COOLDOWN_DAYS: Final = 3


@dataclass(frozen=True, slots=True)
class DayTerms:
    """One local day's phrase document counts."""

    day: date
    texts: int
    exact: Counter[str]  # accented texts: phrase -> texts containing it
    plain: Counter[str]  # unaccented texts: folded phrase -> texts
    candidates: tuple[tuple[str, int], ...]  # the day's frequent phrases
    negative: Counter[str]  # folded phrase -> negative texts containing it

    def negative_share(self, phrase: str, count: int) -> float:
        """The share of the day's texts with ``phrase`` that are negative."""
        return min(self.negative.get(fold(phrase), 0) / count, 1.0) if count else 0.0


def day_terms(day: date, texts: Sequence[str], negative: Sequence[bool] | None = None) -> DayTerms:
    """Count one day's phrases (pure); ``negative`` flags the negative texts."""
    exact, plain, n = text_sets(texts)
    cands = tuple(top_phrases(list(texts), top=CANDIDATES, min_count=MIN_COUNT))
    neg: Counter[str] = Counter()
    if negative is not None:
        e, p, _ = text_sets([t for t, bad in zip(texts, negative, strict=True) if bad])
        neg.update({fold(k): v for k, v in e.items()})
        neg.update(p)
    return DayTerms(day, n, exact, plain, cands, neg)


def bursts(days: Sequence[DayTerms], index: int) -> list[TermScore]:
    """The phrases of ``days[index]`` that burst against the days before it, by z."""
    today = days[index]
    before = days[max(0, index - BASELINE_DAYS) : index]
    if len(before) < MIN_BASELINE_DAYS or today.texts == 0:
        return []
    m = sum(d.texts for d in before)
    if m == 0:
        return []
    n = today.texts
    out = []
    floor = math.log(MIN_RATIO)
    for phrase, a in today.candidates:
        a = min(a, n)
        if a < MIN_COUNT or (" " not in phrase and not phrase.startswith("#")):
            continue  # a lone word is too often a fragment or a name ("bảo", "ủng")
        key = fold(phrase)
        b = min(sum(d.exact.get(phrase, 0) + d.plain.get(key, 0) for d in before), m)
        lor, z = log_odds_z(a, n, b, m)
        if lor >= floor and z >= MIN_Z:
            out.append(TermScore(phrase, a, b, round(lor, 4), round(z, 4)))
    out.sort(key=lambda s: (-s.z, -s.count, s.term))
    # a phrase inside a longer bursting phrase, or the same phrase typed without
    # diacritics, says nothing new
    kept: list[TermScore] = []
    for s in out:
        folded = fold(s.term)
        if not any(
            f" {folded} " in f" {fold(k.term)} " or f" {fold(k.term)} " in f" {folded} "
            for k in kept
        ):
            kept.append(s)
    return kept


def topic_day_terms(
    store: Store, workspace: str, topic: str, start: datetime, end: datetime
) -> list[DayTerms]:
    """The :class:`DayTerms` of every local day in ``[start, end)`` (aware), spam left
    out, oldest first (days without text included, empty)."""
    zone = ZoneInfo(store.workspace_timezone(workspace))
    rows = store.fetch_all(
        "SELECT created_at, title, text, source_id, sentiment FROM mentions "
        "WHERE workspace = ? "
        "AND array_position(topics, ?) IS NOT NULL AND created_at >= ? AND created_at < ? "
        "AND (spam IS NULL OR spam = 'none')",
        [workspace, topic, start, end],
    )
    per_day: dict[date, list[tuple[str, str, bool]]] = {}
    for created, title, text, sid, sentiment in rows:
        body = f"{title or ''} {text or ''}".strip()
        if body:
            per_day.setdefault(created.astimezone(zone).date(), []).append(
                (str(sid), body, sentiment == "negative")
            )
    first = start.astimezone(zone).date()
    last = (end - timedelta(microseconds=1)).astimezone(zone).date()
    out = []
    day = first
    while day <= last:
        items = per_day.get(day, [])
        if len(items) > MAX_TEXTS_PER_DAY:
            items = sorted(items, key=lambda it: hashlib.md5(it[0].encode()).hexdigest())  # noqa: S324
            items = items[:MAX_TEXTS_PER_DAY]
        out.append(day_terms(day, [b for _, b, _ in items], [bad for _, _, bad in items]))
        day += timedelta(days=1)
    return out
