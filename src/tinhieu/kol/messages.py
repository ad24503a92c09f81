"""Messages of ``tinhieu kol`` (Vietnamese, English)."""

from __future__ import annotations

from typing import Final

from tinhieu.i18n import register

register(
    {
        "kol.reason.relevance": (
            "{matched}/{posts} bài về chủ đề ({share}%)",
            "{matched}/{posts} posts on the topic ({share}%)",
        ),
        "kol.reason.quality": ("chất lượng khán giả {score}/100", "audience quality {score}/100"),
        "kol.reason.suspicious": (
            "{share}% bình luận đáng ngờ ({signs})",
            "{share}% suspicious comments ({signs})",
        ),
        "kol.reason.er": (
            "ER {er}% theo {by}, ER chất lượng {qer}%",
            "ER {er}% by {by}, quality ER {qer}%",
        ),
        "kol.reason.er_excess": (
            "ER cao bất thường so với chuẩn hạng {tier} ({norm}%)",
            "ER far above the {tier} tier norm ({norm}%)",
        ),
        "kol.reason.jumps": (
            "tăng đột biến follower/tương tác",
            "sudden follower/interaction jumps",
        ),
        "kol.reason.misfit": (
            "tỉ lệ like/bình luận/lượt xem bất thường",
            "like/comment/view ratios that do not fit the platform",
        ),
        "kol.reason.followers": (
            "{followers} người theo dõi (hạng {tier})",
            "{followers} followers ({tier} tier)",
        ),
        "kol.reason.low_confidence": (
            "ít bình luận, độ tin cậy thấp",
            "few comments, low confidence",
        ),
        "kol.reason.few_posts": (
            "chỉ {n} bài về chủ đề: chưa đủ để gọi là chuyên về chủ đề",
            "only {n} posts on the topic: too few to call it their subject",
        ),
        "kol.reason.terms": ("từ hay dùng: {terms}", "recurring terms: {terms}"),
        "kol.reason.sponsored": (
            "{n} bài có dấu hiệu tài trợ ({markers})",
            "{n} posts with sponsorship markers ({markers})",
        ),
        "kol.find.header": (
            "KOL cho chủ đề «{topic}» — {n} kết quả (thang hạng: {scheme})",
            "KOLs for topic «{topic}» — {n} results (tier scheme: {scheme})",
        ),
        "kol.find.line": (
            "{rank}. {name} [{platform}] ảnh hưởng {score} · chất lượng {quality}{flag}",
            "{rank}. {name} [{platform}] influence {score} · quality {quality}{flag}",
        ),
        "kol.find.inflated": (" · NGHI TƯƠNG TÁC ẢO", " · SUSPECTED INFLATED"),
        "kol.find.none": (
            "Không có KOL nào khớp chủ đề «{topic}» với các bộ lọc này.",
            "No KOL matches topic «{topic}» with these filters.",
        ),
        "kol.find.written": ("Đã ghi {n} dòng vào {path}", "Wrote {n} rows to {path}"),
        "kol.find.bad_out": (
            "--out phải là tệp .csv hoặc .xlsx",
            "--out must be a .csv or .xlsx file",
        ),
        "kol.find.bad_scheme": ("Thang hạng không hợp lệ: {name}", "Unknown tier scheme: {name}"),
    }
)


#: The errors of campaign definitions (``CampaignError`` keys and values).
CAMPAIGN_MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "campaign.error.bad_kol": (
        "KOL viết dạng platform:author_id, không phải «{text}»",
        "A KOL is written platform:author_id, not «{text}»",
    ),
    "campaign.error.bad_hashtag": ("«{text}» không phải hashtag", "Not a hashtag: «{text}»"),
    "campaign.error.name_length": (
        "Tên chiến dịch dài từ 1 đến {max} ký tự",
        "A campaign name has 1–{max} characters",
    ),
    "campaign.error.name_dots": (
        "Tên chiến dịch không thể chỉ gồm dấu chấm",
        "A campaign name cannot be only dots",
    ),
    "campaign.error.empty_window": (
        "Khoảng thời gian trống: ngày kết thúc phải sau ngày bắt đầu",
        "The window is empty: until must be after since",
    ),
    "campaign.error.need_window": (
        "Chiến dịch cần ngày bắt đầu và ngày kết thúc",
        "A campaign needs since and until",
    ),
    "campaign.error.bad_cost": ("Chi phí phải là một số ≥ 0", "A cost is a number ≥ 0"),
    "campaign.error.kol_incomplete": (
        "Mỗi KOL cần nền tảng và author id",
        "A KOL needs a platform and an author id",
    ),
    "campaign.error.empty_link": ("Link không được để trống", "A link cannot be empty"),
    "campaign.error.nothing": (
        "Chiến dịch cần ít nhất một KOL, hashtag hoặc link",
        "A campaign needs at least one KOL, hashtag or link",
    ),
    "campaign.error.exists": (
        "Đã có chiến dịch tên «{name}»",
        "A campaign named «{name}» exists already",
    ),
}
register(CAMPAIGN_MESSAGES)
