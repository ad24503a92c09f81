"""Messages of the KOL detail page and the Campaigns page (Vietnamese, English)."""

from __future__ import annotations

from typing import Final

from tinhieu.i18n import register

MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "web.kol.title": ("KOL: {name}", "KOL: {name}"),
    "web.kol.profile": ("Hồ sơ", "Profile"),
    "web.kol.followers": ("Người theo dõi", "Followers"),
    "web.kol.tier": ("Hạng", "Tier"),
    "web.kol.posts": ("Bài đăng", "Posts"),
    "web.kol.er": ("Tỉ lệ tương tác", "Engagement rate"),
    "web.kol.quality": ("Điểm chất lượng", "Quality score"),
    "web.kol.quality_er": ("ER chất lượng", "Quality ER"),
    "web.kol.parts": ("Các thành phần và lý do", "Parts and why"),
    "web.kol.part": ("Thành phần", "Part"),
    "web.kol.value": ("Giá trị", "Value"),
    "web.kol.signs": ("Dấu hiệu bình luận đáng ngờ", "Suspicious comment signs"),
    "web.kol.inflated": ("Nghi tương tác ảo", "Suspected inflated"),
    "web.kol.low_confidence": ("Ít bình luận: độ tin cậy thấp", "Few comments: low confidence"),
    "web.kol.influence": ("Ảnh hưởng và mức liên quan", "Influence and relevance"),
    "web.kol.topic": ("Chủ đề", "Topic"),
    "web.kol.no_topic": ("Chưa có chủ đề nào.", "No topic yet."),
    "web.kol.recent": ("Bài gần đây", "Recent posts"),
    "web.kol.brands": ("Thương hiệu được nhắc", "Brands talked about"),
    "web.kol.sponsored": ("Bài có dấu hiệu tài trợ", "Posts with sponsorship markers"),
    "web.kol.none": ("Không có", "None"),
    "web.kol.na": ("không có", "n/a"),
    "web.kol.formula": ("Công thức", "Formula"),
    "web.kol.detail": ("Chi tiết", "Detail"),
    "web.kol.back": ("← Tác giả", "← Authors"),
    "web.campaigns.title": ("Chiến dịch", "Campaigns"),
    "web.campaigns.none": (
        "Chưa có chiến dịch. Tạo bằng `tinhieu campaign add` hoặc POST /api/v1/campaigns.",
        "No campaigns yet. Create one with `tinhieu campaign add` or POST /api/v1/campaigns.",
    ),
    "web.campaigns.name": ("Tên", "Name"),
    "web.campaigns.window": ("Thời gian", "Window"),
    "web.campaigns.members": ("KOL / hashtag / link", "KOLs / hashtags / links"),
    "web.campaigns.cost": ("Chi phí", "Cost"),
    "web.campaigns.report": ("Báo cáo «{name}»", "Report «{name}»"),
    "web.campaigns.posts": ("{n} bài của chiến dịch", "{n} campaign posts"),
    "web.campaigns.metric": ("Chỉ số", "Metric"),
    "web.campaigns.reason": ("Lý do", "Reason"),
    "web.campaigns.sov": ("Share of voice tăng thêm", "Share-of-voice lift"),
    "web.campaigns.sov_line": (
        "«{brand}»: {campaign} % trong chiến dịch, {baseline} % trước đó: {lift} điểm %",
        "«{brand}»: {campaign} % in the campaign, {baseline} % before: {lift} pp",
    ),
    "web.campaigns.unknown": ("KOL không có trong workspace", "KOLs not in this workspace"),
    "web.campaigns.aspects": ("Khía cạnh trong bình luận", "Aspects in the comments"),
    "web.campaigns.aspect": ("Khía cạnh", "Aspect"),
    "web.campaigns.positive": ("Tích cực", "Positive"),
    "web.campaigns.negative": ("Tiêu cực", "Negative"),
    "web.authors.quality": ("Chất lượng", "Quality"),
    "web.authors.campaigns_link": ("Chiến dịch →", "Campaigns →"),
}
register(MESSAGES)
