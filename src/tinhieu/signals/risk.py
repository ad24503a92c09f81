"""Crisis-risk vocabulary: words that turn an ordinary complaint into a crisis risk.

A food-safety scare starts with a handful of posts saying "ngộ độc", "đau bụng",
"dị vật" — long before volume or the overall negative share moves. The vocabulary
(``data/risk_terms.tsv``: category and term) is matched on whole words, in the text's
lower-cased form and in its diacritic-folded form, so unaccented typing ("ngo doc",
"tay chay") is found too. Categories: health, hygiene, safety, boycott, fraud, legal,
data, staff.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Final

from tinhieu.text.normalise import fold

CATEGORIES: Final[tuple[str, ...]] = (
    "health",
    "hygiene",
    "safety",
    "boycott",
    "fraud",
    "legal",
    "data",
    "staff",
)


@cache
def vocabulary() -> dict[str, str]:
    """term (lower-case, accented) -> category."""
    text = resources.files("tinhieu.signals").joinpath("data/risk_terms.tsv").read_text("utf-8")
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        category, term = line.split("\t", 1)
        if category not in CATEGORIES:
            raise ValueError(f"risk_terms.tsv: unknown category {category!r}")
        out[term.strip().lower()] = category
    return out


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    vocab = vocabulary()
    folded = {fold(t): t for t in vocab}
    # longest first, so "lừa đảo khách hàng" wins over "lừa đảo"
    exact = "|".join(re.escape(t) for t in sorted(vocab, key=len, reverse=True))
    plain = "|".join(re.escape(t) for t in sorted(folded, key=len, reverse=True))
    bound = r"(?<![\w])(?:{})(?![\w])"
    return re.compile(bound.format(exact)), re.compile(bound.format(plain)), folded


def risk_terms(text: str | None) -> list[tuple[str, str]]:
    """The risk terms in ``text`` as (category, term), each term once, in order."""
    if not text:
        return []
    exact, plain, folded = _patterns()
    vocab = vocabulary()
    low = text.lower()
    found: dict[str, None] = {}
    for m in exact.finditer(low):
        found.setdefault(m.group(0))
    for m in plain.finditer(fold(low)):
        found.setdefault(folded[m.group(0)])
    return [(vocab[t], t) for t in found]


def categories(texts: Iterable[str | None]) -> dict[str, int]:
    """How many texts carry each risk category."""
    out: dict[str, int] = {}
    for t in texts:
        for cat in {c for c, _ in risk_terms(t)}:
            out[cat] = out.get(cat, 0) + 1
    return out
