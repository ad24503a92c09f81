"""KOL discovery: rank the workspace's authors for a topic, with the reasons for each rank.

Candidates are authors with ≥ 1 post matching the topic (:func:`influence.matching_posts`);
filters: platform, tier (in the chosen scheme), minimum quality score. Order: influence
score, then quality, then platform and author id (a stable order).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from tinhieu.export import safe_cell
from tinhieu.gc_pause import gc_paused
from tinhieu.i18n import number, t
from tinhieu.kol import messages as _messages  # noqa: F401  (registers the messages)
from tinhieu.kol.influence import CONSISTENCY_HALF, Influence, influence, matching_posts
from tinhieu.kol.profiles import Profile, load_profiles
from tinhieu.kol.quality import (
    NO_COMMENTS,
    TIER_ER_NORM,
    AudienceQuality,
    load_comment_table,
    quality_from_counts,
)
from tinhieu.metrics.tiers import DEFAULT_SCHEME, TierScheme
from tinhieu.query import Query, compile_query
from tinhieu.store.base import Store


@dataclass(slots=True)
class Ranked:
    rank: int
    profile: Profile
    quality: AudienceQuality
    influence: Influence

    def reasons(self, lang: str | None = None) -> list[str]:
        """Why this rank, in words (``lang``: vi or en)."""
        p, q, i = self.profile, self.quality, self.influence
        out = [
            t(
                "kol.reason.relevance",
                lang,
                matched=i.matching_posts,
                posts=p.posts,
                share=_pct(i.relevance_share * 100),
            ),
            t(
                "kol.reason.followers",
                lang,
                followers=number(p.followers, lang) if p.followers is not None else "?",
                tier=p.tier,
            ),
            t("kol.reason.quality", lang, score=_pct(q.score)),
        ]
        if p.er is not None:
            out.append(
                t("kol.reason.er", lang, er=_pct(p.er), by=p.er_by, qer=_pct(q.quality_er or 0.0))
            )
        if q.suspicious_share:
            signs = ", ".join(f"{k} {v}" for k, v in q.signs.items() if v)
            out.append(
                t("kol.reason.suspicious", lang, share=_pct(q.suspicious_share * 100), signs=signs)
            )
        if (q.parts.get("er_excess") or 0) > 0:
            out.append(t("kol.reason.er_excess", lang, tier=p.tier, norm=TIER_ER_NORM.get(p.tier)))
        if (q.parts.get("ratio_misfit") or 0) >= 0.3:
            out.append(t("kol.reason.misfit", lang))
        if (q.parts.get("jumps") or 0) >= 0.3:
            out.append(t("kol.reason.jumps", lang))
        if q.confidence == "low":
            out.append(t("kol.reason.low_confidence", lang))
        if i.matching_posts < CONSISTENCY_HALF:
            out.append(t("kol.reason.few_posts", lang, n=i.matching_posts))
        if i.terms:
            out.append(t("kol.reason.terms", lang, terms=", ".join(i.terms[:5])))
        if p.sponsored_posts:
            out.append(
                t(
                    "kol.reason.sponsored",
                    lang,
                    n=p.sponsored_posts,
                    markers=", ".join(p.sponsor_markers),
                )
            )
        return out

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        p = self.profile.to_dict()
        return {
            "rank": self.rank,
            "platform": p["platform"],
            "author_id": p["author_id"],
            "name": p["name"],
            "influence": self.influence.to_dict(),
            "quality": self.quality.to_dict(),
            "profile": p,
            "reasons": self.reasons(lang),
        }

    def row(self) -> dict[str, Any]:
        """A flat row for CSV/XLSX export."""
        p, q, i = self.profile, self.quality, self.influence
        return {
            "rank": self.rank,
            "platform": p.platform,
            "author_id": p.author_id,
            "name": p.name,
            "followers": p.followers,
            "tier": p.tier,
            "tier_scheme": p.tier_scheme,
            "posts": p.posts,
            "er": p.er,
            "er_by": p.er_by,
            "quality_er": q.quality_er,
            "quality_score": q.score,
            "inflated": q.inflated,
            "suspicious_share": q.suspicious_share,
            "relevance": i.relevance,
            "consistency": i.consistency,
            "influence": i.score,
            "terms": " ".join(i.terms),
            "sponsored_posts": p.sponsored_posts,
        }


def _pct(x: float) -> str:
    return f"{x:.1f}"


def find_kols(
    store: Store,
    workspace: str,
    topic: str,
    *,
    tier: str | None = None,
    platform: str | None = None,
    min_quality: float | None = None,
    tier_scheme: TierScheme = DEFAULT_SCHEME,
    limit: int | None = 50,
) -> list[Ranked]:
    """Authors ranked for ``topic`` (a saved topic name, or a query in the topic language)."""
    if tier is not None and tier not in tier_scheme.names:
        raise ValueError(f"tier must be one of {', '.join(tier_scheme.names)}")
    saved = {tp.name for tp in store.get_topics(workspace)}
    query: Query | None = None if topic in saved else compile_query(topic)
    profiles = load_profiles(store, workspace, platform=platform, tier_scheme=tier_scheme)
    comments = load_comment_table(store, workspace, platform)
    counts = comments.counts()
    ranked: list[Ranked] = []
    for profile in profiles:
        if tier is not None and profile.tier != tier:
            continue
        # An author without a matching post is no candidate (influence would say
        # matching_posts 0): skipped before its quality and comments are worked out.
        if not matching_posts(profile, topic, query):
            continue
        quality = quality_from_counts(profile, counts.get(profile.key, NO_COMMENTS))
        if min_quality is not None and quality.score < min_quality:
            continue
        inf = influence(profile, quality, comments.comments(profile.key), topic, query)
        if inf.matching_posts == 0:
            continue
        ranked.append(Ranked(0, profile, quality, inf))
    ranked.sort(key=lambda r: (-r.influence.score, -r.quality.score, r.profile.key))
    for i, r in enumerate(ranked, 1):
        r.rank = i
    return ranked[:limit] if limit else ranked


def audit(
    store: Store, workspace: str, *, platform: str | None = None
) -> list[tuple[Profile, AudienceQuality]]:
    """Every author's profile with its audience quality (no topic needed)."""
    with gc_paused():
        profiles = load_profiles(store, workspace, platform=platform)
        counts = load_comment_table(store, workspace, platform).counts()
        return [(p, quality_from_counts(p, counts.get(p.key, NO_COMMENTS))) for p in profiles]


# --- export ----------------------------------------------------------------------------
EXPORT_FORMATS: Final[tuple[str, ...]] = ("csv", "xlsx")
EXPORT_MEDIA_TYPES: Final[dict[str, str]] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _cell(value: Any) -> Any:
    """A cell made inert: text that a spreadsheet would read as a formula (= + - @, a
    tab or a carriage return first) gets a leading apostrophe."""
    return safe_cell(value) if isinstance(value, str) else value


def export_rows(ranked: Sequence[Ranked]) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows of :meth:`Ranked.row`, every text cell made inert."""
    rows = [r.row() for r in ranked]
    fields = list(rows[0]) if rows else list(_EMPTY_FIELDS)
    return fields, [[_cell(row[k]) for k in fields] for row in rows]


def export_bytes(ranked: Sequence[Ranked], fmt: str) -> bytes:
    """The ranked list as a CSV (UTF-8) or XLSX file, as ``tinhieu kol find --out`` and
    the dashboard's ``/kols.csv`` and ``/kols.xlsx`` write it."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)}")
    fields, rows = export_rows(ranked)
    if fmt == "csv":
        buf = io.StringIO(newline="")
        writer = csv.writer(buf)
        writer.writerow(fields)
        writer.writerows(rows)
        return buf.getvalue().encode("utf-8")
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "kols"
    ws.append(fields)
    for row in rows:
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_export(path: Path, ranked: Sequence[Ranked]) -> int:
    """Write the ranked list to ``path`` (.csv or .xlsx); the number of rows."""
    path.write_bytes(export_bytes(ranked, path.suffix.lower().lstrip(".")))
    return len(ranked)


_EMPTY_FIELDS: Final = (
    "rank", "platform", "author_id", "name", "followers", "tier", "tier_scheme", "posts",
    "er", "er_by", "quality_er", "quality_score", "inflated", "suspicious_share",
    "relevance", "consistency", "influence", "terms", "sponsored_posts",
)  # fmt: skip
