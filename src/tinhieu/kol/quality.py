"""Audience and engagement quality, from the data we have (never private platform data).

Every comment on the author's posts is checked for five *comment-level* signs; a comment
with any of them is **suspicious** (counted once):

* ``flagged``: the spam stage marked it spam / giveaway / seeding / ad (``spam`` column);
* ``duplicate``: its normalised text (accent-folded, letters and digits only, repeated
  letters collapsed) is written by ≥ :data:`DUP_MIN_AUTHORS` distinct commenters on
  this author's posts (generic bought comments: "hay quá", "xinh quá 😍"); a comment
  whose commenter id is missing or empty counts as a commenter of its own; an empty
  normalised text is never a duplicate;
* ``young``: the commenting account was created < :data:`YOUNG_DAYS` days before the
  comment (``attrs.author_joined``, where the source gives it; days between the
  comment's UTC date and that date);
* ``low_activity``: the commenter has ≤ :data:`LOW_FOLLOWERS` followers (known) and no
  other mention in the workspace;
* ``pod``: the commenter comments on ≥ :data:`POD_MIN_KOLS` different authors' posts
  and ≥ 2/3 of their comments arrive within :data:`BURST_MINUTES` minutes of the post
  (comment time − post time ≤ 60 min, so a comment dated before its post counts as
  fast; engagement pods: the same accounts on unrelated KOLs, in bursts).

``S`` = suspicious comments / comments (needs ≥ :data:`MIN_COMMENTS` comments; otherwise
S is not available, counts as 0 and ``confidence`` is ``low``). Three *account-level*
parts, each 0–1:

* ``er_excess`` = clamp((ER / tier norm − 3) / 7, 0, 1): ER by followers far above the
  tier's norm (:data:`TIER_ER_NORM`); 3× the norm is tolerated, 10× is fully suspicious;
* ``ratio_misfit`` = share of posts whose likes per comment are outside the platform's
  band (:data:`LIKES_PER_COMMENT`) or whose likes exceed half of their views;
* ``jumps`` = 1 when the follower history grows > 25 % and > 1,000 from one day to the
  next; otherwise the share of posts with interactions > 10× the author's median
  (≥ 5 posts).

**Quality score** = 100 × (1 − S) × (1 − 0.30·er_excess) × (1 − 0.15·ratio_misfit)
× (1 − 0.15·jumps), rounded to one decimal. **Quality engagement rate** = ER × (1 − S):
the engagement without its suspicious share. ``inflated`` = score < :data:`FLAG_BELOW`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from tinhieu.kol.profiles import Profile, column_values, fold
from tinhieu.metrics.measures import POST_KINDS
from tinhieu.store.base import Store

DUP_MIN_AUTHORS: Final = 3
YOUNG_DAYS: Final = 90
LOW_FOLLOWERS: Final = 10
POD_MIN_KOLS: Final = 3
BURST_MINUTES: Final = 60
MIN_COMMENTS: Final = 5
FLAG_BELOW: Final = 60.0
WEIGHTS: Final[dict[str, float]] = {"er_excess": 0.30, "ratio_misfit": 0.15, "jumps": 0.15}
#: Typical ER by followers (%) per tier: the reference "far above" is measured against.
TIER_ER_NORM: Final[dict[str, float]] = {
    "nano": 5.0,
    "micro": 3.0,
    "mid": 2.5,
    "macro": 2.0,
    "mega": 1.5,
}
#: Plausible likes per comment on a post, per platform (outside: ratio_misfit).
LIKES_PER_COMMENT: Final[dict[str, tuple[float, float]]] = {
    "facebook": (1.0, 300.0),
    "instagram": (3.0, 500.0),
    "tiktok": (3.0, 800.0),
    "youtube": (3.0, 500.0),
}
DEFAULT_BAND: Final = (1.0, 500.0)
COMMENT_SIGNS: Final[tuple[str, ...]] = ("flagged", "duplicate", "young", "low_activity", "pod")
SCORE_FORMULA: Final = (
    "100 × (1 − S) × (1 − 0.30·er_excess) × (1 − 0.15·ratio_misfit) × (1 − 0.15·jumps); "
    "S = suspicious comments / comments"
)
QER_FORMULA: Final = "ER × (1 − S)"
_NON_WORD: Final = re.compile(r"[^a-z0-9]+")
_REPEAT: Final = re.compile(r"(.)\1+")


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment on a KOL's post, with what we know of its author."""

    platform: str
    kol: str
    commenter: str | None
    text: str | None
    spam: str | None
    created_at: dt.datetime | None
    post_at: dt.datetime | None
    followers: int | None = None
    joined: dt.date | None = None
    activity: int = 1  # the commenter's mentions in the workspace
    sentiment: str | None = None


@dataclass(slots=True)
class AudienceQuality:
    score: float
    inflated: bool
    confidence: str  # "normal" or "low"
    comments: int
    suspicious_share: float | None
    signs: dict[str, int]
    parts: dict[str, float | None]
    quality_er: float | None
    formula: str = SCORE_FORMULA
    qer_formula: str = QER_FORMULA
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


def normalise_comment(text: str | None) -> str:
    """The text duplicates are compared on (folded, letters/digits, repeats collapsed)."""
    if not text:
        return ""
    return _REPEAT.sub(r"\1", _NON_WORD.sub(" ", fold(text))).strip()


def pod_commenters(comments: Iterable[Comment]) -> set[tuple[str, str]]:
    """(platform, commenter) pairs that behave like an engagement pod (module docstring)."""
    kols: dict[tuple[str, str], set[str]] = defaultdict(set)
    fast: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    for c in comments:
        if c.commenter is None:
            continue
        key = (c.platform, c.commenter)
        kols[key].add(c.kol)
        total[key] += 1
        if (
            c.created_at
            and c.post_at
            and (c.created_at - c.post_at) <= dt.timedelta(minutes=BURST_MINUTES)
        ):
            fast[key] += 1
    return {k for k, v in kols.items() if len(v) >= POD_MIN_KOLS and fast[k] * 3 >= total[k] * 2}


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def audience_quality(
    profile: Profile, comments: list[Comment], pods: set[tuple[str, str]]
) -> AudienceQuality:
    """The quality of ``profile``'s audience and engagement from the comments on its posts."""
    texts: dict[str, set[str]] = defaultdict(set)
    for c in comments:
        norm = normalise_comment(c.text)
        if norm:
            texts[norm].add(c.commenter or f"?{id(c)}")
    signs: Counter[str] = Counter()
    suspicious = 0
    for c in comments:
        hit = set()
        if c.spam is not None and c.spam != "none":
            hit.add("flagged")
        if len(texts.get(normalise_comment(c.text), ())) >= DUP_MIN_AUTHORS:
            hit.add("duplicate")
        if c.joined and c.created_at and (c.created_at.date() - c.joined).days < YOUNG_DAYS:
            hit.add("young")
        if c.followers is not None and 0 <= c.followers <= LOW_FOLLOWERS and c.activity <= 1:
            hit.add("low_activity")
        if c.commenter is not None and (c.platform, c.commenter) in pods:
            hit.add("pod")
        signs.update(hit)
        suspicious += bool(hit)
    return quality_from_counts(profile, CommentCounts(len(comments), suspicious, dict(signs)))


@dataclass(frozen=True, slots=True)
class CommentCounts:
    """What the audit needs of an author's comments: how many, how many suspicious, and
    how many show each sign (:data:`COMMENT_SIGNS`)."""

    comments: int = 0
    suspicious: int = 0
    signs: dict[str, int] = field(default_factory=dict)


NO_COMMENTS: Final = CommentCounts()


def quality_from_counts(profile: Profile, counts: CommentCounts) -> AudienceQuality:
    """:func:`audience_quality` from the author's comment counts (module docstring)."""
    n, suspicious = counts.comments, counts.suspicious
    share = suspicious / n if n >= MIN_COMMENTS else None
    er_norm = TIER_ER_NORM.get(profile.tier)
    er_excess = (
        _clamp((profile.er_followers / er_norm - 3.0) / 7.0)
        if er_norm and profile.er_followers is not None
        else None
    )
    parts: dict[str, float | None] = {
        "suspicious_comments": share,
        "er_excess": er_excess,
        "ratio_misfit": ratio_misfit(profile),
        "jumps": jumps(profile),
    }
    score = 100.0 * (1.0 - (share or 0.0))
    for name, weight in WEIGHTS.items():
        score *= 1.0 - weight * (parts[name] or 0.0)
    score = round(score, 1)
    quality_er = profile.er * (1.0 - (share or 0.0)) if profile.er is not None else None
    return AudienceQuality(
        score=score,
        inflated=score < FLAG_BELOW,
        confidence="normal" if share is not None else "low",
        comments=n,
        suspicious_share=share,
        signs={s: counts.signs.get(s, 0) for s in COMMENT_SIGNS},
        parts=parts,
        quality_er=quality_er,
        evidence={
            "tier": profile.tier,
            "tier_er_norm": er_norm,
            "er_followers": profile.er_followers,
            "suspicious_comments": suspicious,
        },
    )


def ratio_misfit(profile: Profile) -> float | None:
    """Share of posts whose likes/comment or likes/views do not fit the platform."""
    lo, hi = LIKES_PER_COMMENT.get(profile.platform, DEFAULT_BAND)
    checked = bad = 0
    for p in profile.post_rows:
        likes, comments, views = p.get("likes"), p.get("comments"), p.get("views")
        if likes is None:
            continue
        judged = False
        odd = False
        if comments:
            judged = True
            odd = not lo <= likes / comments <= hi
        if views:
            judged = True
            odd = odd or likes > 0.5 * views
        checked += judged
        bad += odd
    return bad / checked if checked else None


def jumps(profile: Profile) -> float | None:
    """1 for a sudden follower jump, else the share of posts with interaction spikes."""
    h = profile.followers_history
    if len(h) > 1:
        for (_, a), (_, b) in itertools.pairwise(h):
            if b - a > 1000 and b > 1.25 * a:
                return 1.0
    if len(profile.post_rows) < 5:  # fewer than 5 posts with interactions
        return None
    ix = [int(p["ix"]) for p in profile.post_rows if p.get("ix") is not None]
    if len(ix) < 5:
        return None
    median = statistics.median(ix)
    if median <= 0:
        return None
    return sum(v > 10 * median for v in ix) / len(ix)


_COMMENT_COLUMNS: Final = (
    "platform",
    "kol",
    "commenter",
    "text",
    "spam",
    "created_at",
    "post_at",
    "followers",
    "joined",
    "activity",
    "sentiment",
)


def _comments_sql(where: str) -> str:
    kinds = ", ".join(f"'{k}'" for k in POST_KINDS)
    return (
        "SELECT c.platform, p.author_id AS kol, c.author_id AS commenter, c.text, c.spam, "
        "c.created_at, p.created_at AS post_at, c.author_followers AS followers, "
        "TRY_CAST(json_extract_string(c.attrs, '$.author_joined') AS DATE) AS joined, "
        "coalesce(a.n, 1) AS activity, c.sentiment "
        "FROM mentions c JOIN mentions p ON p.workspace = c.workspace "
        f"AND p.platform = c.platform AND p.source_id = c.parent_id AND p.kind IN ({kinds}) "
        "LEFT JOIN act a ON a.platform = c.platform AND a.author_id = c.author_id "
        f"WHERE {where}"
    )


class CommentTable:
    """The comments on every author's posts, column by column (:func:`load_comments`'s
    rows without a Python object per comment), with the comment-level signs computed in
    the database, except ``duplicate`` (its text normalisation is :func:`normalise_comment`)."""

    def __init__(self, columns: dict[str, list[Any]]) -> None:
        self.columns = columns
        self.rows: dict[tuple[str, str], list[int]] = {}
        for i, key in enumerate(zip(columns["platform"], columns["kol"], strict=True)):
            mine = self.rows.get(key)
            if mine is None:
                self.rows[key] = [i]
            else:
                mine.append(i)

    def comments(self, key: tuple[str, str]) -> list[Comment]:
        """The author's comments as :class:`Comment` objects (what :func:`load_comments` gives)."""
        c = self.columns
        return [
            Comment(
                str(c["platform"][i]),
                str(c["kol"][i]),
                c["commenter"][i],
                c["text"][i],
                c["spam"][i],
                c["created_at"][i],
                c["post_at"][i],
                None if c["followers"][i] is None else int(c["followers"][i]),
                c["joined"][i],
                int(c["activity"][i]),
                c["sentiment"][i],
            )
            for i in self.rows.get(key, ())
        ]

    def counts(self) -> dict[tuple[str, str], CommentCounts]:
        """Each author's :class:`CommentCounts`, the same as :func:`audience_quality` counts
        from :func:`load_comments` and :func:`pod_commenters` (checked in the tests)."""
        c = self.columns
        texts, commenters = c["text"], c["commenter"]
        flagged, young, low, pod = c["flagged"], c["young"], c["low_activity"], c["pod"]
        norms: dict[str | None, str] = {}
        out: dict[tuple[str, str], CommentCounts] = {}
        for key, rows in self.rows.items():
            # Distinct commenters per normalised text; a comment without a known
            # commenter is a commenter of its own.
            writers: dict[str, set[Any]] = {}
            row_norm: list[str] = []
            for i in rows:
                text = texts[i]
                norm = norms.get(text)
                if norm is None:
                    norm = norms[text] = normalise_comment(text)
                row_norm.append(norm)
                if norm:
                    who = commenters[i]
                    writers.setdefault(norm, set()).add(who or (i,))
            signs = dict.fromkeys(COMMENT_SIGNS, 0)
            suspicious = 0
            for i, norm in zip(rows, row_norm, strict=True):
                dup = bool(norm) and len(writers[norm]) >= DUP_MIN_AUTHORS
                hit = False
                for name, on in (
                    ("flagged", flagged[i]),
                    ("duplicate", dup),
                    ("young", young[i]),
                    ("low_activity", low[i]),
                    ("pod", pod[i]),
                ):
                    if on:
                        signs[name] += 1
                        hit = True
                suspicious += hit
            out[key] = CommentCounts(len(rows), suspicious, signs)
        return out


def load_comment_table(store: Store, workspace: str, platform: str | None = None) -> CommentTable:
    """:class:`CommentTable` of the comments on each author's posts (module docstring)."""
    where = "c.workspace = ? AND c.kind = 'comment' AND p.author_id IS NOT NULL"
    params: list[Any] = [workspace, workspace]
    if platform:
        where += " AND c.platform = ?"
        params.append(platform)
    burst_us = BURST_MINUTES * 60 * 1_000_000
    table = store.fetch_arrow(
        "WITH act AS (SELECT platform, author_id, count(*) AS n FROM mentions "
        "WHERE workspace = ? AND author_id IS NOT NULL GROUP BY ALL), "
        f"c AS ({_comments_sql(where)}), "
        # pod: ≥ POD_MIN_KOLS authors commented on, ≥ 2/3 of the comments in a burst
        "pods AS (SELECT platform, commenter FROM c WHERE commenter IS NOT NULL "
        "GROUP BY platform, commenter HAVING count(DISTINCT kol) >= ? AND 3 * count(*) "
        "FILTER (WHERE epoch_us(created_at) - epoch_us(post_at) <= ?) >= 2 * count(*)) "
        "SELECT c.*, coalesce(c.spam <> 'none', false) AS flagged, "
        "coalesce(CAST(c.created_at AS DATE) - c.joined < ?, false) AS young, "
        "coalesce(c.followers BETWEEN 0 AND ? AND c.activity <= 1, false) AS low_activity, "
        "pods.commenter IS NOT NULL AS pod "
        "FROM c LEFT JOIN pods ON pods.platform = c.platform AND pods.commenter = c.commenter",
        [*params, POD_MIN_KOLS, burst_us, YOUNG_DAYS, LOW_FOLLOWERS],
    )
    return CommentTable({name: column_values(table.column(name)) for name in table.column_names})


def load_comments(
    store: Store, workspace: str, platform: str | None = None
) -> dict[tuple[str, str], list[Comment]]:
    """Comments on each author's posts, keyed by (platform, post author)."""
    table = load_comment_table(store, workspace, platform)
    return {key: table.comments(key) for key in table.rows}
