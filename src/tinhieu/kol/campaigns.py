"""Campaigns: a set of KOLs and/or hashtags/links, a time window, optional costs.

A **campaign post** is a post (kinds post, video, article) of the workspace created in
the window ``[since, until)`` that is written by one of the campaign's KOLs (platform
and author id), or whose title/text contains one of its hashtags (case-insensitive,
followed by a non-word character or the end) or one of its links (in the text or the
``url``). The report is computed on the campaign posts and the comments/replies on them;
every number reuses the shared metric definitions (:mod:`tinhieu.metrics`):

* posts, reach (Σ reach as reported), interactions (likes + comments + shares + saves),
  engagement rate by followers and by reach (ratio of sums over posts);
* **quality engagement rate** = ER × (1 − S), S = suspicious comments / comments on the
  campaign posts (the five comment signs of :mod:`tinhieu.kol.quality`; ≥ 5 comments);
  **quality interactions** = interactions × (1 − S);
* **vanity share** (:mod:`tinhieu.metrics.quality`) over the campaign posts and their
  comments: (raw − quality) / raw × 100 of the spam-checked mentions;
* net sentiment and aspects of the comments on the campaign posts;
* **share-of-voice lift** of the campaign's brand topic = SoV in the window − SoV in the
  baseline window of the same length just before ``since`` (percentage points, by
  mentions, :mod:`tinhieu.metrics.share_of_voice`);
* **cost per engagement** = cost / interactions, **cost per quality engagement** =
  cost / quality interactions; cost = the campaign's total cost, else Σ the KOLs' costs.

Anything that cannot be computed (no cost, a cost of 0, no posts, no interactions, an
unknown KOL, no brand topic) is *not available* with the reason, never 0 or a crash.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from tinhieu.i18n import t
from tinhieu.kol.messages import CAMPAIGN_MESSAGES
from tinhieu.kol.profiles import Profile
from tinhieu.kol.quality import (
    MIN_COMMENTS,
    Comment,
    audience_quality,
    load_comments,
    pod_commenters,
)
from tinhieu.metrics.engagement import engagement_rate, interactions_metric, reach_metric
from tinhieu.metrics.measures import MEASURE_NAMES, POST_KINDS, measure_select, row_select
from tinhieu.metrics.quality import quality_metrics
from tinhieu.metrics.result import Metric, jsonable, not_available, ratio
from tinhieu.metrics.sentiment import net_sentiment_metric
from tinhieu.metrics.share_of_voice import share_of_voice
from tinhieu.metrics.tiers import known_followers_sql
from tinhieu.store.base import Store

KINDS: Final[tuple[str, ...]] = ("kol", "hashtag", "link")
NAME_MAX: Final = 120
QER_FORMULA: Final = (
    "ER × (1 − S), S = suspicious comments / comments on the campaign posts "
    "(signs of tinhieu.kol.quality)"
)
QIX_FORMULA: Final = "interactions × (1 − S)"
CPE_FORMULA: Final = "cost / interactions"
CPQE_FORMULA: Final = "cost / quality interactions"
LIFT_FORMULA: Final = (
    "SoV(brand, campaign window) − SoV(brand, baseline window of the same length just "
    "before since), percentage points, SoV by mentions"
)
SUSPICIOUS_FORMULA: Final = "suspicious comments / comments on the campaign posts"
_CHUNK: Final = 400


MESSAGES: Final = CAMPAIGN_MESSAGES  # registered by tinhieu.kol.messages


class CampaignError(ValueError):
    """Bad campaign input: a message key of :data:`MESSAGES` (or any registered key)
    with its values. ``str(exc)`` is the English text (for logs);
    :meth:`message` renders it in the user's language."""

    def __init__(self, key: str, **values: Any) -> None:
        self.key, self.values = key, values
        super().__init__(t(key, "en", **values))

    def message(self, lang: str | None = None) -> str:
        """The message in ``lang`` (vi or en; default from ``TINHIEU_LANG``)."""
        return t(self.key, lang, **self.values)


@dataclass(frozen=True, slots=True)
class Member:
    kind: str  # kol | hashtag | link
    platform: str  # "" for hashtags and links
    value: str  # author id, hashtag (with #, lower case) or link
    cost: float | None = None

    def label(self) -> str:
        return f"{self.platform}:{self.value}" if self.kind == "kol" else self.value


@dataclass(frozen=True, slots=True)
class Campaign:
    workspace: str
    name: str
    since: datetime
    until: datetime
    members: tuple[Member, ...] = ()
    cost: float | None = None
    brand: str | None = None

    @property
    def kols(self) -> list[Member]:
        return [m for m in self.members if m.kind == "kol"]

    @property
    def hashtags(self) -> list[str]:
        return [m.value for m in self.members if m.kind == "hashtag"]

    @property
    def links(self) -> list[str]:
        return [m.value for m in self.members if m.kind == "link"]

    def total_cost(self) -> float | None:
        """The total cost if given, else Σ the KOLs' costs (None when no cost is known)."""
        if self.cost is not None:
            return self.cost
        costs = [m.cost for m in self.kols if m.cost is not None]
        return sum(costs) if costs else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "kols": [
                {"platform": m.platform, "author_id": m.value, "cost": m.cost} for m in self.kols
            ],
            "hashtags": self.hashtags,
            "links": self.links,
            "cost": self.cost,
            "total_cost": self.total_cost(),
            "brand": self.brand,
        }


def parse_kol(text: str) -> tuple[str, str]:
    """``platform:author_id`` → (platform, author_id)."""
    platform, sep, author = text.strip().partition(":")
    if not sep or not platform.strip() or not author.strip():
        raise CampaignError("campaign.error.bad_kol", text=text)
    return platform.strip().lower(), author.strip()


def normalise_hashtag(text: str) -> str:
    tag = text.strip().lower()
    tag = tag if tag.startswith("#") else f"#{tag}"
    if len(tag) < 2 or re.search(r"\s", tag):
        raise CampaignError("campaign.error.bad_hashtag", text=text)
    return tag


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_campaign(
    workspace: str,
    name: str,
    since: datetime,
    until: datetime,
    *,
    kols: Sequence[tuple[str, str, float | None]] = (),
    hashtags: Sequence[str] = (),
    links: Sequence[str] = (),
    cost: float | None = None,
    brand: str | None = None,
) -> Campaign:
    """A validated campaign (raises :class:`CampaignError` on bad input)."""
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise CampaignError("campaign.error.name_length", max=NAME_MAX)
    if not name.strip("."):
        # "." and ".." are path segments that browsers and HTTP clients remove
        raise CampaignError("campaign.error.name_dots")
    since, until = _utc(since), _utc(until)
    if since >= until:
        raise CampaignError("campaign.error.empty_window")
    for c in [cost, *(k[2] for k in kols)]:
        if c is not None and not (c >= 0 and c < float("inf")):
            raise CampaignError("campaign.error.bad_cost")
    members: dict[tuple[str, str, str], Member] = {}
    for platform, author, kcost in kols:
        if not platform or not author:
            raise CampaignError("campaign.error.kol_incomplete")
        members[("kol", platform, author)] = Member("kol", platform, author, kcost)
    for tag in hashtags:
        h = normalise_hashtag(tag)
        members[("hashtag", "", h)] = Member("hashtag", "", h)
    for link in links:
        if not link.strip():
            raise CampaignError("campaign.error.empty_link")
        members[("link", "", link.strip())] = Member("link", "", link.strip())
    if not members:
        raise CampaignError("campaign.error.nothing")
    return Campaign(
        workspace,
        name,
        since,
        until,
        tuple(members[k] for k in sorted(members)),
        cost,
        brand or None,
    )


# --- storage -------------------------------------------------------------------------
def save_campaign(store: Store, campaign: Campaign, *, replace: bool = False) -> None:
    """Store ``campaign``; an existing one of the same name is an error unless ``replace``."""
    with store.transaction():
        exists = store.fetch_all(
            "SELECT 1 FROM campaigns WHERE workspace = ? AND name = ?",
            [campaign.workspace, campaign.name],
        )
        if exists and not replace:
            raise CampaignError("campaign.error.exists", name=campaign.name)
        delete_campaign(store, campaign.workspace, campaign.name)
        store.execute(
            "INSERT INTO campaigns (workspace, name, since, until, cost, brand) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                campaign.workspace,
                campaign.name,
                campaign.since,
                campaign.until,
                campaign.cost,
                campaign.brand,
            ],
        )
        for m in campaign.members:
            store.execute(
                "INSERT INTO campaign_members (workspace, campaign, kind, platform, value, cost) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [campaign.workspace, campaign.name, m.kind, m.platform, m.value, m.cost],
            )


def delete_campaign(store: Store, workspace: str, name: str) -> bool:
    found = bool(
        store.fetch_all(
            "SELECT 1 FROM campaigns WHERE workspace = ? AND name = ?", [workspace, name]
        )
    )
    store.execute(
        "DELETE FROM campaign_members WHERE workspace = ? AND campaign = ?", [workspace, name]
    )
    store.execute("DELETE FROM campaigns WHERE workspace = ? AND name = ?", [workspace, name])
    return found


def list_campaigns(store: Store, workspace: str) -> list[Campaign]:
    rows = store.fetch_all(
        "SELECT name, since, until, cost, brand FROM campaigns WHERE workspace = ? "
        "ORDER BY since DESC, name",
        [workspace],
    )
    members: dict[str, list[Member]] = {}
    for campaign, kind, platform, value, cost in store.fetch_all(
        "SELECT campaign, kind, platform, value, cost FROM campaign_members "
        "WHERE workspace = ? ORDER BY campaign, kind, platform, value",
        [workspace],
    ):
        members.setdefault(str(campaign), []).append(
            Member(str(kind), str(platform), str(value), None if cost is None else float(cost))
        )
    return [
        Campaign(
            workspace,
            str(name),
            _utc(since),
            _utc(until),
            tuple(members.get(str(name), [])),
            None if cost is None else float(cost),
            brand,
        )
        for name, since, until, cost, brand in rows
    ]


def get_campaign(store: Store, workspace: str, name: str) -> Campaign | None:
    return next((c for c in list_campaigns(store, workspace) if c.name == name), None)


# --- the report ----------------------------------------------------------------------
@dataclass(slots=True)
class CampaignReport:
    campaign: Campaign
    posts: int
    post_keys: list[tuple[str, str]]
    metrics: dict[str, Metric]
    kols: list[dict[str, Any]]
    unknown_kols: list[str]
    aspects: list[dict[str, Any]]
    share_of_voice: dict[str, Any]
    signs: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign.to_dict(),
            "posts": self.posts,
            "metrics": {k: m.to_dict() for k, m in self.metrics.items()},
            "kols": jsonable(self.kols),
            "unknown_kols": list(self.unknown_kols),
            "comment_aspects": self.aspects,
            "share_of_voice": jsonable(self.share_of_voice),
            "suspicious_signs": dict(self.signs),
        }


def _hashtag_hit(text: str, tag: str) -> bool:
    return re.search(re.escape(tag) + r"(?!\w)", text) is not None


def campaign_posts(store: Store, campaign: Campaign) -> list[tuple[str, str]]:
    """(platform, source_id) of the campaign posts (module docstring), in time order."""
    return [(p, s) for p, s, _ in _campaign_rows(store, campaign)]


def _campaign_rows(store: Store, campaign: Campaign) -> list[tuple[str, str, str]]:
    kinds = ", ".join(f"'{k}'" for k in POST_KINDS)
    ors: list[str] = []
    params: list[Any] = [campaign.workspace, campaign.since, campaign.until]
    for m in campaign.kols:
        ors.append("(platform = ? AND author_id = ?)")
        params += [m.platform, m.value]
    for tag in campaign.hashtags:
        ors.append("strpos(lower(coalesce(title, '') || ' ' || coalesce(text, '')), ?) > 0")
        params.append(tag)
    for link in campaign.links:
        ors.append("(strpos(coalesce(text, ''), ?) > 0 OR strpos(coalesce(url, ''), ?) > 0)")
        params += [link, link]
    if not ors:
        return []
    rows = store.fetch_all(
        "SELECT platform, source_id, author_id, title, text, url FROM mentions "
        f"WHERE workspace = ? AND kind IN ({kinds}) AND created_at >= ? AND created_at < ? "
        f"AND ({' OR '.join(ors)}) ORDER BY created_at, platform, source_id",
        params,
    )
    kols = {(m.platform, m.value) for m in campaign.kols}
    out = []
    for platform, source_id, author, title, text, url in rows:
        body = f"{title or ''} {text or ''}".lower()
        if (
            (platform, author) in kols
            or any(_hashtag_hit(body, tag) for tag in campaign.hashtags)
            or any(link in (text or "") or link in (url or "") for link in campaign.links)
        ):
            out.append((str(platform), str(source_id), str(author)))
    return out


def _totals(
    store: Store, workspace: str, keys: list[tuple[str, str]], comments: bool
) -> dict[str, float]:
    """The shared measures summed over ``keys`` (posts) or the comments on them."""
    totals = {name: 0.0 for name in MEASURE_NAMES}
    col = "parent_id" if comments else "source_id"
    kind = "kind IN ('comment', 'reply')" if comments else "TRUE"
    for i in range(0, len(keys), _CHUNK):
        chunk = keys[i : i + _CHUNK]
        cond = " OR ".join(f"(platform = ? AND {col} = ?)" for _ in chunk)
        src = (
            "(SELECT * REPLACE (CASE WHEN "
            f"{known_followers_sql('author_followers')} THEN author_followers END "
            f"AS author_followers) FROM mentions WHERE workspace = ? AND {kind} AND ({cond}))"
        )
        row = store.fetch_arrow(
            f"SELECT {measure_select()} FROM (SELECT {row_select()} FROM {src} m) r",
            [workspace, *(v for k in chunk for v in k)],
        ).to_pylist()[0]
        for name in MEASURE_NAMES:
            totals[name] += float(row[name] or 0)
    return totals


def _comments(
    store: Store, workspace: str, keys: list[tuple[str, str]]
) -> list[tuple[Comment, Any]]:
    """The comments on the campaign posts (as :class:`Comment`) with their aspects."""
    out: list[tuple[Comment, Any]] = []
    kinds = ", ".join(f"'{k}'" for k in POST_KINDS)
    for i in range(0, len(keys), _CHUNK):
        chunk = keys[i : i + _CHUNK]
        cond = " OR ".join("(p.platform = ? AND p.source_id = ?)" for _ in chunk)
        rows = store.fetch_all(
            "WITH act AS (SELECT platform, author_id, count(*) AS n FROM mentions "
            "WHERE workspace = ? AND author_id IS NOT NULL GROUP BY ALL) "
            "SELECT c.platform, p.author_id, c.author_id, c.text, c.spam, c.created_at, "
            "p.created_at, c.author_followers, "
            "TRY_CAST(json_extract_string(c.attrs, '$.author_joined') AS DATE), "
            "coalesce(a.n, 1), c.sentiment, c.aspects "
            "FROM mentions c JOIN mentions p ON p.workspace = c.workspace "
            f"AND p.platform = c.platform AND p.source_id = c.parent_id AND p.kind IN ({kinds}) "
            "LEFT JOIN act a ON a.platform = c.platform AND a.author_id = c.author_id "
            f"WHERE c.workspace = ? AND c.kind = 'comment' AND ({cond})",
            [workspace, workspace, *(v for k in chunk for v in k)],
        )
        for platform, kol, who, text, spam, at, post_at, fol, joined, n, sent, aspects in rows:
            comment = Comment(
                str(platform),
                str(kol or ""),
                who,
                text,
                spam,
                at,
                post_at,
                None if fol is None else int(fol),
                joined,
                int(n),
                sent,
            )
            out.append((comment, aspects))
    return out


def _aspects(values: list[Any]) -> list[dict[str, Any]]:
    counts: dict[str, Counter[str]] = {}
    for value in values:
        try:
            hits = json.loads(value) if isinstance(value, str) else value
        except ValueError:
            continue
        for hit in hits if isinstance(hits, list) else []:
            if isinstance(hit, dict) and isinstance(hit.get("aspect"), str):
                counts.setdefault(hit["aspect"], Counter())[str(hit.get("polarity"))] += 1
    rows: list[dict[str, Any]] = []
    for aspect, c in counts.items():
        pos, neg = c["positive"], c["negative"]
        rows.append(
            {
                "aspect": aspect,
                "mentions": sum(c.values()),
                "positive": pos,
                "negative": neg,
                "net_sentiment": ratio(pos - neg, pos + neg, 100.0),
            }
        )
    rows.sort(key=lambda r: (-r["mentions"], r["aspect"]))
    return rows


def _suspicious(
    comments: list[Comment], pods: set[tuple[str, str]]
) -> tuple[float | None, dict[str, int]]:
    # The comment signs of tinhieu.kol.quality, applied to the campaign's comments: an
    # empty profile leaves only the comment-level part (S) of the audit.
    empty = Profile(
        "", "", None, None, [], "unknown", "", 0, 0, 0, None, None, None, None, None, None,
        None, None, "followers", "", None, None, None, None, {}, {}, 0, {}, {}, {},
    )  # fmt: skip
    q = audience_quality(empty, comments, pods)
    return q.suspicious_share, dict(q.signs)


def _money(
    name: str, formula: str, cost: float | None, denominator: float | None, why: str
) -> Metric:
    if cost is None:
        return not_available(
            name, formula, "no cost given for this campaign", unit="per interaction"
        )
    if cost == 0:
        return not_available(name, formula, "the cost is 0", unit="per interaction")
    if not denominator:
        return not_available(name, formula, why, unit="per interaction")
    return Metric(
        name=name,
        value=cost / denominator,
        formula=formula,
        unit="per interaction",
        details={"cost": cost, "denominator": denominator},
    )


def report(store: Store, campaign: Campaign) -> CampaignReport:
    """The campaign report (module docstring); every number with its formula."""
    ws = campaign.workspace
    found = _campaign_rows(store, campaign)
    keys = [(p, s) for p, s, _ in found]
    posts_t = _totals(store, ws, keys, comments=False)
    comments_t = _totals(store, ws, keys, comments=True)
    both = {k: posts_t[k] + comments_t[k] for k in MEASURE_NAMES}
    comment_rows = _comments(store, ws, keys)
    comments = [c for c, _ in comment_rows]
    everyone = load_comments(store, ws)
    pods = pod_commenters(c for cs in everyone.values() for c in cs)
    share, signs = _suspicious(comments, pods)

    metrics: dict[str, Metric] = {
        "interactions": interactions_metric(posts_t),
        "reach": reach_metric(posts_t),
        "engagement_rate_followers": engagement_rate(posts_t, "followers"),
        "engagement_rate_reach": engagement_rate(posts_t, "reach"),
    }
    n_comments = len(comments)
    s_common: dict[str, Any] = {"unit": "share", "n": n_comments, "details": {"signs": signs}}
    metrics["suspicious_share"] = (
        Metric(name="suspicious_share", value=share, formula=SUSPICIOUS_FORMULA, **s_common)
        if share is not None
        else not_available(
            "suspicious_share",
            SUSPICIOUS_FORMULA,
            f"{n_comments} comments on the campaign posts (needs ≥ {MIN_COMMENTS})",
            **s_common,
        )
    )
    for by in ("followers", "reach"):
        er = metrics[f"engagement_rate_{by}"]
        name = f"quality_engagement_rate_{by}"
        if er.value is None:
            metrics[name] = not_available(
                name, QER_FORMULA, er.reason or "ER not available", unit="%"
            )
        elif share is None:
            metrics[name] = not_available(
                name, QER_FORMULA, metrics["suspicious_share"].reason or "", unit="%"
            )
        else:
            metrics[name] = Metric(
                name=name, value=float(er.value) * (1 - share), formula=QER_FORMULA, unit="%",
                details={"er": er.value, "suspicious_share": share},
            )  # fmt: skip
    ix = metrics["interactions"]
    if ix.value is None:
        qix: Metric = not_available(
            "quality_interactions", QIX_FORMULA, ix.reason or "", unit="interactions"
        )
    elif share is None:
        qix = not_available(
            "quality_interactions", QIX_FORMULA, metrics["suspicious_share"].reason or "",
            unit="interactions",
        )  # fmt: skip
    else:
        qix = Metric(
            name="quality_interactions", value=float(ix.value) * (1 - share), formula=QIX_FORMULA,
            unit="interactions",
        )  # fmt: skip
    metrics["quality_interactions"] = qix
    metrics["vanity_share"] = quality_metrics(both).vanity_share
    metrics["comment_net_sentiment"] = net_sentiment_metric(comments_t)
    cost = campaign.total_cost()
    no_ix = ix.reason or "0 interactions on the campaign posts"
    metrics["cost_per_engagement"] = _money(
        "cost_per_engagement", CPE_FORMULA, cost, float(ix.value or 0), no_ix
    )
    metrics["cost_per_quality_engagement"] = _money(
        "cost_per_quality_engagement",
        CPQE_FORMULA,
        cost,
        float(qix.value or 0),
        qix.reason or "0 quality interactions",
    )
    kols, unknown = _kol_rows(store, campaign, found)
    return CampaignReport(
        campaign=campaign,
        posts=len(keys),
        post_keys=keys,
        metrics=metrics,
        kols=kols,
        unknown_kols=unknown,
        aspects=_aspects([a for _, a in comment_rows if a is not None]),
        share_of_voice=_sov_lift(store, campaign),
        signs=signs,
    )


def _kol_rows(
    store: Store, campaign: Campaign, found: list[tuple[str, str, str]]
) -> tuple[list[dict[str, Any]], list[str]]:
    ws = campaign.workspace
    known = {
        (str(p), str(a))
        for p, a in store.fetch_all(
            "SELECT DISTINCT platform, author_id FROM mentions WHERE workspace = ? "
            "AND author_id IS NOT NULL",
            [ws],
        )
    }
    by_kol: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for p, s, a in found:
        by_kol.setdefault((p, a), []).append((p, s))
    rows: list[dict[str, Any]] = []
    unknown: list[str] = []
    for m in campaign.kols:
        k = (m.platform, m.value)
        if k not in known:
            unknown.append(m.label())
            rows.append(
                {
                    "platform": m.platform,
                    "author_id": m.value,
                    "cost": m.cost,
                    "posts": 0,
                    "reason": "no mention of this author in the workspace",
                }
            )
            continue
        mine = by_kol.get(k, [])
        t = _totals(store, ws, mine, comments=False)
        ix = interactions_metric(t)
        rows.append(
            {
                "platform": m.platform,
                "author_id": m.value,
                "cost": m.cost,
                "posts": len(mine),
                "interactions": ix.to_dict(),
                "engagement_rate_followers": engagement_rate(t, "followers").to_dict(),
                "cost_per_engagement": _money(
                    "cost_per_engagement",
                    CPE_FORMULA,
                    m.cost,
                    float(ix.value or 0),
                    ix.reason or "0 interactions",
                ).to_dict(),
                "reason": None if mine else "no post of this KOL in the window",
            }
        )
    return rows, unknown


def _sov_lift(store: Store, campaign: Campaign) -> dict[str, Any]:
    brands = [tp.name for tp in store.get_topics(campaign.workspace) if tp.group == "brand"]
    brand = campaign.brand or (brands[0] if len(brands) == 1 else None)
    base_since = campaign.since - (campaign.until - campaign.since)
    out: dict[str, Any] = {
        "brand": brand,
        "formula": LIFT_FORMULA,
        "window": [campaign.since.isoformat(), campaign.until.isoformat()],
        "baseline_window": [base_since.isoformat(), campaign.since.isoformat()],
        "campaign": None,
        "baseline": None,
        "lift_pp": None,
        "reason": None,
    }
    if brand is None:
        out["reason"] = (
            "no brand topic: pass --brand (the workspace has "
            f"{len(brands)} topics in the brand group)"
        )
        return out
    values = []
    for since, until in ((campaign.since, campaign.until), (base_since, campaign.since)):
        sov = share_of_voice(store, campaign.workspace, since=since, until=until)
        rows = {r["topic"]: r for r in sov.to_dict()["rows"]}
        if brand not in rows:
            out["reason"] = f"{brand!r} is not a brand or competitor topic of this workspace"
            return out
        values.append(rows[brand]["share_pct"] if sov.available else None)
    out["campaign"], out["baseline"] = values
    if values[0] is None or values[1] is None:
        out["reason"] = "no mentions of the tracked brands in the " + (
            "campaign window" if values[0] is None else "baseline window"
        )
        return out
    out["lift_pp"] = values[0] - values[1]
    return out
