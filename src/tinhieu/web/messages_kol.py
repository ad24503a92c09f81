"""Messages of the KOL discovery page, the KOL detail page and the Campaigns page
(Vietnamese, English)."""

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
    "web.nav.kols": ("Tìm KOL", "Find KOLs"),
    "web.kols.title": ("Tìm KOL", "Find KOLs"),
    "web.kols.intro": (
        "Xếp hạng tác giả theo một chủ đề: ảnh hưởng = 100 × độ phủ × chất lượng × mức "
        "liên quan × độ đều đặn × độ phù hợp tương tác.",
        "Authors ranked for a topic: influence = 100 × reach × quality × relevance × "
        "consistency × engagement fit.",
    ),
    "web.kols.topic": ("Chủ đề đã lưu", "Saved topic"),
    "web.kols.query": ("hoặc truy vấn", "or a query"),
    "web.kols.query_help": (
        'Truy vấn theo ngôn ngữ chủ đề, ví dụ "trà sữa" OR matcha*; để trống để dùng chủ đề.',
        'A query in the topic language, e.g. "trà sữa" OR matcha*; leave empty to use the topic.',
    ),
    "web.kols.choose": ("— chọn —", "— choose —"),
    "web.kols.scheme": ("Thang hạng", "Tier scheme"),
    "web.kols.scheme.default": ("mặc định", "default"),
    "web.kols.scheme.industry": ("ngành", "industry"),
    "web.kols.tier_any": ("mọi hạng", "any tier"),
    "web.kols.platform": ("Nền tảng", "Platform"),
    "web.kols.platform_any": ("mọi nền tảng", "any platform"),
    "web.kols.min_quality": ("Chất lượng tối thiểu (0–100)", "Minimum quality (0–100)"),
    "web.kols.find": ("Tìm", "Find"),
    "web.kols.pick": (
        "Chọn một chủ đề hoặc nhập truy vấn để xếp hạng tác giả.",
        "Pick a topic or type a query to rank the authors.",
    ),
    "web.kols.none": (
        "Không có tác giả nào có bài khớp «{topic}» với các bộ lọc này.",
        "No author has a post matching «{topic}» with these filters.",
    ),
    "web.kols.count": (
        "{n} tác giả cho «{topic}» (thang hạng {scheme})",
        "{n} authors for «{topic}» (tier scheme {scheme})",
    ),
    "web.kols.rank": ("Hạng", "Rank"),
    "web.kols.name": ("Tên", "Name"),
    "web.kols.followers_tier": ("Người theo dõi / hạng", "Followers / tier"),
    "web.kols.influence": ("Ảnh hưởng", "Influence"),
    "web.kols.quality": ("Chất lượng", "Quality"),
    "web.kols.reasons": ("Lý do", "Reasons"),
    "web.kols.inflated": ("tương tác ảo?", "inflated?"),
    "web.kols.inflated_title": (
        "Nghi tương tác ảo: tỉ lệ tương tác hoặc bình luận đáng ngờ vượt mức thường thấy",
        "Suspected inflated engagement: the engagement rate or suspicious comments exceed "
        "what is usual",
    ),
    "web.kols.download": ("Tải danh sách:", "Download the list:"),
    "web.kols.bad_tier": (
        "Hạng «{tier}» không có trong thang {scheme} ({names}).",
        "The tier «{tier}» is not in the {scheme} scheme ({names}).",
    ),
    "web.kols.bad_quality": (
        "Chất lượng tối thiểu là một số từ 0 đến 100.",
        "The minimum quality is a number from 0 to 100.",
    ),
    "web.kols.syntax": ("Lỗi cú pháp truy vấn: {message}", "Query syntax error: {message}"),
    "web.campaigns.new": ("Tạo chiến dịch", "New campaign"),
    "web.campaigns.since": ("Từ ngày", "Since"),
    "web.campaigns.until": ("Đến hết ngày", "Until (inclusive)"),
    "web.campaigns.kols": (
        "KOL (mỗi dòng một nền_tảng:id_tác_giả, chi phí tuỳ chọn)",
        "KOLs (one platform:author_id per line, optional cost)",
    ),
    "web.campaigns.kols_help": (
        "Ví dụ: facebook:12345 5000000 — chi phí sau dấu cách, tính bằng đơn vị tiền của bạn.",
        "E.g. facebook:12345 5000000 — the cost after a space, in your currency.",
    ),
    "web.campaigns.hashtags": (
        "Hashtag (cách nhau bởi dấu cách hoặc dấu phẩy)",
        "Hashtags (separated by spaces or commas)",
    ),
    "web.campaigns.links": ("Link (mỗi dòng một link)", "Links (one per line)"),
    "web.campaigns.total_cost": ("Tổng chi phí (tuỳ chọn)", "Total cost (optional)"),
    "web.campaigns.brand": ("Chủ đề thương hiệu (tuỳ chọn)", "Brand topic (optional)"),
    "web.campaigns.brand_auto": ("— tự động —", "— automatic —"),
    "web.campaigns.create": ("Tạo", "Create"),
    "web.campaigns.delete": ("Xoá chiến dịch", "Delete campaign"),
    "web.campaigns.deleted": ("Đã xoá chiến dịch «{name}».", "Deleted the campaign «{name}»."),
    "web.campaigns.bad_kol": (
        "Dòng KOL «{line}» không hợp lệ: viết nền_tảng:id_tác_giả, có thể thêm chi phí.",
        "The KOL line «{line}» is not valid: write platform:author_id, optionally a cost.",
    ),
    "web.campaigns.bad_cost": (
        "Chi phí «{value}» không phải là một số ≥ 0.",
        "The cost «{value}» is not a number ≥ 0.",
    ),
    "web.campaigns.need_dates": (
        "Cần nhập cả ngày bắt đầu và ngày kết thúc.",
        "Both since and until are needed.",
    ),
    "web.campaigns.bad_window": (
        "Khoảng thời gian trống: ngày kết thúc phải sau ngày bắt đầu.",
        "The window is empty: until must be after since.",
    ),
    "web.campaigns.exists": (
        "Đã có chiến dịch tên «{name}».",
        "A campaign named «{name}» exists already.",
    ),
    "web.campaigns.invalid": ("Dữ liệu không hợp lệ: {error}", "Invalid input: {error}"),
    "web.authors.quality": ("Chất lượng", "Quality"),
    "web.authors.campaigns_link": ("Chiến dịch →", "Campaigns →"),
}
register(MESSAGES)
