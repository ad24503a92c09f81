"""A readable terminal summary of :class:`~tinhieu.metrics.summary.Stats`.

Vietnamese by default (``lang="vi"``: 1.234.567 and 3,2 %), English with ``lang="en"``.
Plain text, no colour codes, so it can be piped, logged or pasted into a chat.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from tinhieu.metrics.engagement import (
    ER_FORMULAS,
    ER_MEAN_FORMULAS,
    INTERACTIONS_FORMULA,
    REACH_FORMULA,
)
from tinhieu.metrics.quality import QUALITY_FORMULA, VANITY_FORMULA
from tinhieu.metrics.result import Metric
from tinhieu.metrics.sentiment import FORMULA as SENTIMENT_FORMULA
from tinhieu.metrics.summary import Stats
from tinhieu.metrics.volume import FORMULA as VOLUME_FORMULA

_L: dict[str, dict[str, str]] = {
    "vi": {
        "title": "TÍN HIỆU — THỐNG KÊ",
        "workspace": "Workspace",
        "scope": "Phạm vi",
        "scope_all": "toàn bộ workspace",
        "topic": "chủ đề",
        "group": "nhóm chủ đề",
        "period": "Thời gian",
        "all_time": "toàn bộ dữ liệu",
        "timezone": "múi giờ",
        "platforms": "Nền tảng",
        "source": "Nguồn số liệu",
        "volume": "Lượng đề cập (buzz)",
        "mentions": "đề cập",
        "by_kind": "theo loại",
        "by_platform": "theo nền tảng",
        "interactions": "Tương tác",
        "without_data": "đề cập không có dữ liệu tương tác",
        "reach": "Lượt tiếp cận (reach, cộng dồn)",
        "estimated": "ước tính",
        "er_followers": "Tỷ lệ tương tác theo follower",
        "er_reach": "Tỷ lệ tương tác theo reach",
        "mean_per_post": "trung bình mỗi bài",
        "posts": "bài",
        "excluded": "bị loại",
        "net_sentiment": "Điểm cảm xúc ròng (NSS)",
        "positive": "tích cực",
        "negative": "tiêu cực",
        "neutral": "trung lập",
        "coverage": "độ phủ",
        "quality": "Tương tác chất lượng",
        "vanity": "Tỷ lệ tương tác ảo (vanity)",
        "flagged": "đề cập bị gắn cờ spam/seeding/giveaway",
        "sov": "Thị phần thảo luận (SoV) — thương hiệu & đối thủ",
        "sov_note": "một đề cập nhắc hai thương hiệu được tính cho cả hai",
        "by_interactions": "theo tương tác",
        "top_authors_mentions": "Tác giả nổi bật — theo số đề cập",
        "top_authors_interactions": "Tác giả nổi bật — theo tương tác",
        "followers": "follower",
        "top_posts": "Bài đăng nổi bật — theo tương tác",
        "by_hour": "Theo giờ trong ngày (giờ địa phương)",
        "peak_hours": "giờ cao điểm",
        "busiest": "Ngày sôi nổi nhất",
        "na": "chưa có",
        "none": "(không có)",
        "formula": "công thức",
    },
    "en": {
        "title": "TINHIEU — STATS",
        "workspace": "Workspace",
        "scope": "Scope",
        "scope_all": "whole workspace",
        "topic": "topic",
        "group": "topic group",
        "period": "Period",
        "all_time": "all data",
        "timezone": "time zone",
        "platforms": "Platforms",
        "source": "Computed from",
        "volume": "Volume (buzz)",
        "mentions": "mentions",
        "by_kind": "by kind",
        "by_platform": "by platform",
        "interactions": "Interactions",
        "without_data": "mentions without engagement data",
        "reach": "Reach (gross, summed)",
        "estimated": "estimated",
        "er_followers": "Engagement rate by followers",
        "er_reach": "Engagement rate by reach",
        "mean_per_post": "mean per post",
        "posts": "posts",
        "excluded": "excluded",
        "net_sentiment": "Net sentiment score",
        "positive": "positive",
        "negative": "negative",
        "neutral": "neutral",
        "coverage": "coverage",
        "quality": "Quality engagement",
        "vanity": "Vanity share",
        "flagged": "mentions flagged as spam/seeding/giveaway",
        "sov": "Share of voice — brands & competitors",
        "sov_note": "a mention of two brands counts for both",
        "by_interactions": "by interactions",
        "top_authors_mentions": "Top authors — by mentions",
        "top_authors_interactions": "Top authors — by interactions",
        "followers": "followers",
        "top_posts": "Top posts — by interactions",
        "by_hour": "By hour of day (local time)",
        "peak_hours": "peak hours",
        "busiest": "Busiest days",
        "na": "not available",
        "none": "(none)",
        "formula": "formula",
    },
}

_KINDS = {
    "vi": {
        "post": "bài viết",
        "comment": "bình luận",
        "reply": "trả lời",
        "review": "đánh giá",
        "article": "bài báo",
        "video": "video",
    },
    "en": {},
}
_TIERS = {"vi": {"unknown": "không rõ"}, "en": {}}

#: Vietnamese for the fixed "not available" reasons (others are shown as they are).
_FORMULAS_VI: dict[str, str] = {
    INTERACTIONS_FORMULA: "lượt thích + bình luận + chia sẻ + lưu; thành phần không rõ (NULL) "
    "không tính là 0; cộng trên các đề cập có ít nhất một thành phần",
    REACH_FORMULA: "Σ reach do nền tảng báo cho từng đề cập (không loại trùng giữa các đề cập)",
    ER_FORMULAS["followers"]: "Σ tương tác / Σ follower của tác giả × 100 "
    "(tỷ số của tổng, trên các bài đăng)",
    ER_FORMULAS["reach"]: "Σ tương tác / Σ reach × 100 (tỷ số của tổng, trên các bài đăng)",
    ER_MEAN_FORMULAS["followers"]: "trung bình trên các bài của (tương tác / follower × 100)",
    ER_MEAN_FORMULAS["reach"]: "trung bình trên các bài của (tương tác / reach × 100)",
    SENTIMENT_FORMULA: "(tích cực − tiêu cực) / (tích cực + tiêu cực) × 100",
    QUALITY_FORMULA: "Σ tương tác của các đề cập đã kiểm tra, không bị gắn cờ spam / seeding / "
    "giveaway / quảng cáo",
    VANITY_FORMULA: "(thô − chất lượng) / thô × 100, thô = Σ tương tác của các đề cập đã kiểm tra",
    VOLUME_FORMULA: "số đề cập khớp (bài đăng + bình luận + trả lời + đánh giá + bài báo + video)",
}

_REASONS_VI = {
    "no mentions in scope": "không có đề cập nào trong phạm vi",
    "no mention in scope has engagement data": "không đề cập nào có dữ liệu tương tác",
    "no mention in scope reports reach": "không đề cập nào có số reach",
    "sentiment has not been analysed for these mentions yet (sentiment is NULL)": (
        "chưa phân tích cảm xúc cho các đề cập này"
    ),
    "no positive or negative mention among the analysed ones": (
        "không có đề cập tích cực hay tiêu cực nào trong số đã phân tích"
    ),
    "spam / seeding / giveaway detection has not run on these mentions yet (spam is NULL)": (
        "chưa chạy nhận diện spam / seeding / giveaway cho các đề cập này"
    ),
    "no checked mention has engagement data": "không đề cập đã kiểm tra nào có dữ liệu tương tác",
    "checked mentions have 0 interactions": "các đề cập đã kiểm tra có 0 tương tác",
    "no brand or competitor topics in this workspace": (
        "workspace chưa có chủ đề thương hiệu hay đối thủ"
    ),
    "no mentions of the brand or competitor topics in scope": (
        "không có đề cập nào về thương hiệu hay đối thủ trong phạm vi"
    ),
}
_SPARK = "▁▂▃▄▅▆▇█"


class _Fmt:
    def __init__(self, lang: str) -> None:
        if lang not in _L:
            raise ValueError("lang is 'vi' or 'en'")
        self.lang = lang
        self.t = _L[lang]

    def count(self, value: Any) -> str:
        if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
            return "—"
        text = f"{int(value):,}"
        return text.replace(",", ".") if self.lang == "vi" else text

    def num(self, value: float | None, digits: int = 1, signed: bool = False) -> str:
        if value is None:
            return "—"
        text = f"{value:+,.{digits}f}" if signed else f"{value:,.{digits}f}"
        if self.lang == "vi":
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return text

    def pct(self, value: float | None, digits: int = 1) -> str:
        return "—" if value is None else f"{self.num(value, digits)} %"

    def formula(self, text: str) -> str:
        return _FORMULAS_VI.get(text, text) if self.lang == "vi" else text

    def reason(self, text: str | None) -> str:
        if not text:
            return ""
        return _REASONS_VI.get(text, text) if self.lang == "vi" else text

    def kind(self, kind: str) -> str:
        return _KINDS[self.lang].get(kind, kind)

    def tier(self, tier: str) -> str:
        return _TIERS[self.lang].get(tier, tier)

    def day(self, day: date) -> str:
        return day.strftime("%d/%m/%Y") if self.lang == "vi" else day.isoformat()


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _metric_line(f: _Fmt, label: str, m: Metric, value: str, extra: str = "") -> list[str]:
    if not m.available:
        return [f"{label:<38} {f.t['na']} — {f.reason(m.reason)}"]
    line = f"{label:<38} {value}"
    return [
        line + (f"   ({extra})" if extra else ""),
        f"{'':<38} {f.t['formula']}: {f.formula(m.formula)}",
    ]


def _share_list(f: _Fmt, frame: pd.DataFrame, key: str, name: Any = None, top: int = 6) -> str:
    parts = []
    for row in frame.head(top).to_dict("records"):
        label = name(row[key]) if name else row[key]
        parts.append(f"{label} {f.count(row['mentions'])} ({f.pct(row['share_pct'])})")
    return " · ".join(parts) if parts else f.t["none"]


def render_text(stats: Stats, lang: str = "vi") -> str:
    """The stats as a plain-text report (Vietnamese by default, ``lang="en"``)."""
    f = _Fmt(lang)
    t = f.t
    s = stats.scope
    out: list[str] = [t["title"], "=" * len(t["title"])]
    if s.get("topic"):
        scope = f"{t['topic']} {s['topic']}"
    elif s.get("group"):
        scope = f"{t['group']} {s['group']} ({', '.join(s.get('topics') or [])})"
    else:
        scope = t["scope_all"]
    out.append(f"{t['workspace']}: {s['workspace']} · {t['scope']}: {scope}")
    if s.get("first_day") or s.get("last_day"):
        period = f"{s.get('first_day') or '…'} → {s.get('last_day') or '…'}"
    elif s.get("since") or s.get("until"):
        period = f"{s.get('since') or '…'} → {s.get('until') or '…'}"
    else:
        period = t["all_time"]
    out.append(f"{t['period']}: {period} ({t['timezone']} {s['timezone']})")
    if s.get("platforms"):
        out.append(f"{t['platforms']}: {', '.join(s['platforms'])}")
    out.append(f"{t['source']}: {', '.join(sorted(set(stats.sources.values())))}")
    out.append("")

    v = stats.volume
    out.append(f"{t['volume']:<38} {f.count(v.total.value)} {t['mentions']}")
    out.append(f"  {t['by_kind']}: {_share_list(f, v.by_kind, 'kind', f.kind)}")
    out.append(f"  {t['by_platform']}: {_share_list(f, v.by_platform, 'platform')}")
    out.append("")

    e = stats.engagement
    ix = e.interactions
    out += _metric_line(
        f,
        t["interactions"],
        ix,
        f.count(ix.value),
        f"{f.count(ix.excluded)} {t['without_data']}" if ix.excluded else "",
    )
    reach = e.reach
    out += _metric_line(
        f,
        t["reach"],
        reach,
        f.count(reach.value),
        f"{f.count(reach.details.get('estimated'))} {t['estimated']}"
        if reach.details.get("estimated")
        else "",
    )
    for label, headline, mean in (
        (t["er_followers"], e.er_followers, e.er_followers_mean),
        (t["er_reach"], e.er_reach, e.er_reach_mean),
    ):
        extra = (
            f"n = {f.count(headline.n)} {t['posts']}, "
            f"{f.count(headline.excluded)} {t['excluded']}; "
            f"{t['mean_per_post']} {f.pct(mean.value, 2)}"
        )
        out += _metric_line(f, label, headline, f.pct(headline.value, 2), extra)
    out.append("")

    ns = stats.net_sentiment
    d = ns.details
    out += _metric_line(
        f,
        t["net_sentiment"],
        ns,
        f.num(ns.value, 1, signed=True),
        f"{t['positive']} {f.count(d.get('positive'))}, "
        f"{t['negative']} {f.count(d.get('negative'))}, "
        f"{t['neutral']} {f.count(d.get('neutral'))}; {t['coverage']} "
        f"{f.pct((ns.coverage or 0) * 100, 0)}",
    )
    q = stats.quality
    out += _metric_line(
        f,
        t["quality"],
        q.quality_engagement,
        f.count(q.quality_engagement.value),
        f"{f.count(q.quality_engagement.details.get('flagged_mentions'))} {t['flagged']}; "
        f"{t['coverage']} {f.pct((q.quality_engagement.coverage or 0) * 100, 0)}",
    )
    out += _metric_line(f, t["vanity"], q.vanity_share, f.pct(q.vanity_share.value))
    out.append("")

    sov = stats.share_of_voice
    out.append(f"{t['sov']} ({t['sov_note']})")
    if not sov.available:
        out.append(f"  {t['na']} — {f.reason(sov.reason)}")
    else:
        width = max(len(str(x)) for x in sov.table["topic"])
        for row in sov.table.to_dict("records"):
            bar = "█" * round((row["share_pct"] or 0) / 5)
            mark = " ◀" if row["topic"] in sov.focus else ""
            out.append(
                f"  {row['topic']:<{width}} {f.pct(row['share_pct']):>8}  {bar:<20} "
                f"{t['by_interactions']} {f.pct(row['interactions_share_pct'])}{mark}"
            )
    out.append("")

    for key, frame, value_col in (
        ("top_authors_mentions", stats.top_authors_by_mentions, "mentions"),
        ("top_authors_interactions", stats.top_authors_by_interactions, "interactions"),
    ):
        out.append(t[key])
        if frame.empty:
            out.append(f"  {t['none']}")
        for row in frame.head(5).to_dict("records"):
            name = _text(row["author_name"]) or row["author_id"]
            out.append(
                f"  {row['rank']:>2}. {name} ({row['platform']}, {f.tier(row['tier'])}, "
                f"{f.count(row['followers'])} {t['followers']}): {f.count(row[value_col])} "
                f"{t['mentions'] if value_col == 'mentions' else t['interactions'].lower()}"
            )
        out.append("")

    out.append(t["top_posts"])
    if stats.top_posts.empty:
        out.append(f"  {t['none']}")
    for row in stats.top_posts.head(5).to_dict("records"):
        text = (_text(row["title"]) or _text(row["text"])).replace("\n", " ")
        if len(text) > 60:
            text = text[:57] + "…"
        author = _text(row["author_name"]) or _text(row["author_id"])
        out.append(
            f"  {row['rank']:>2}. {f.count(row['interactions'])} — {row['platform']}/"
            f"{f.kind(row['kind'])} — {author}: {text}"
        )
    out.append("")

    hours = stats.by_hour
    counts = [int(v) for v in hours["mentions"]]
    if sum(counts):
        top = max(counts)
        spark = "".join(_SPARK[min(7, int(c / top * 7.999))] for c in counts)
        peaks = sorted(range(24), key=lambda h: (-counts[h], h))[:3]
        out.append(f"{t['by_hour']}")
        out.append(f"  0h {spark} 23h   {t['peak_hours']}: {', '.join(f'{h}h' for h in peaks)}")
        out.append("")
    out.append(t["busiest"])
    if stats.busiest_days.empty:
        out.append(f"  {t['none']}")
    for row in stats.busiest_days.to_dict("records"):
        out.append(f"  {f.day(row['day'])}  {f.count(row['mentions'])} {t['mentions']}")
    return "\n".join(out) + "\n"
