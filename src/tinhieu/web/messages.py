"""The web pages' messages (Vietnamese, English), registered into :mod:`tinhieu.i18n`.

Each page family keeps its own block; keys start with ``web.``.
"""

from __future__ import annotations

from typing import Final

from tinhieu.i18n import register

MESSAGES: Final[dict[str, tuple[str, str]]] = {
    # --- layout ---
    "web.skip": ("Bỏ qua, tới nội dung chính", "Skip to main content"),
    "web.nav.label": ("Điều hướng chính", "Main navigation"),
    "web.nav.overview": ("Tổng quan", "Overview"),
    "web.nav.mentions": ("Đề cập", "Mentions"),
    "web.nav.signals": ("Tín hiệu", "Signals"),
    "web.nav.moderation": ("Kiểm duyệt", "Moderation"),
    "web.nav.topics": ("Chủ đề", "Topics"),
    "web.nav.authors": ("Tác giả / KOL", "Authors / KOLs"),
    "web.nav.campaigns": ("Chiến dịch", "Campaigns"),
    "web.nav.settings": ("Cài đặt", "Settings"),
    "web.workspace": ("Không gian làm việc", "Workspace"),
    "web.logout": ("Đăng xuất", "Log out"),
    "web.footer": (
        "lắng nghe mạng xã hội, mã nguồn mở, chạy trên máy của bạn",
        "open social listening, running on your own machine",
    ),
    "web.back_home": ("Về trang tổng quan", "Back to the overview"),
    "web.not_available": ("Chưa có", "Not available yet"),
    "web.data_table": ("Bảng số liệu", "Data table"),
    # --- login ---
    "web.login.title": ("Đăng nhập", "Log in"),
    "web.login.name": ("Tên đăng nhập", "User name"),
    "web.login.password": ("Mật khẩu", "Password"),
    "web.login.submit": ("Đăng nhập", "Log in"),
    "web.login.failed": (
        "Sai tên đăng nhập hoặc mật khẩu.",
        "Wrong user name or password.",
    ),
    "web.login.throttled": (
        "Quá nhiều lần đăng nhập sai. Hãy thử lại sau 15 phút.",
        "Too many failed logins. Try again in 15 minutes.",
    ),
    "web.login.hint": (
        "Chưa có tài khoản? Chạy: tinhieu user add TÊN --workspace default --role admin",
        "No account yet? Run: tinhieu user add NAME --workspace default --role admin",
    ),
    # --- overview ---
    "web.overview.title": ("Tổng quan", "Overview"),
    "web.overview.group.brand": ("Thương hiệu", "Brand"),
    "web.overview.group.competitor": ("Đối thủ", "Competitors"),
    "web.overview.group.category": ("Ngành hàng", "Category"),
    "web.overview.all_topics": ("Cả nhóm", "Whole group"),
    "web.overview.period": ("Khoảng thời gian", "Period"),
    "web.overview.days": ("{days} ngày", "{days} days"),
    "web.overview.grain": ("Chia theo", "Per"),
    "web.overview.grain.hour": ("giờ", "hour"),
    "web.overview.grain.day": ("ngày", "day"),
    "web.overview.grain.week": ("tuần", "week"),
    "web.overview.show": ("Xem", "Show"),
    "web.overview.range": (
        "{first} – {last}, so với {pfirst} – {plast}",
        "{first} – {last}, compared with {pfirst} – {plast}",
    ),
    "web.overview.no_topics": (
        "Chưa có chủ đề nào. Tạo chủ đề ở trang Chủ đề hoặc: tinhieu topic add …",
        "No topics yet. Create one on the Topics page or: tinhieu topic add …",
    ),
    "web.overview.stages": ("Giai đoạn khủng hoảng", "Crisis stage"),
    "web.overview.open_signals": ("Tín hiệu đang mở", "Open signals"),
    "web.overview.no_signals": (
        "Không có tín hiệu mức ≥ 5 nào chưa xử lý trong 30 ngày qua.",
        "No unresolved signals of severity ≥ 5 in the last 30 days.",
    ),
    "web.overview.all_signals": ("Tất cả tín hiệu →", "All signals →"),
    "web.overview.change": ("so với kỳ trước", "vs previous period"),
    "web.overview.points": ("điểm", "points"),
    "web.overview.chart.volume": ("Lượng đề cập", "Mentions"),
    "web.overview.chart.interactions": ("Tương tác", "Interactions"),
    "web.overview.chart.sentiment": ("Chỉ số cảm xúc ròng", "Net sentiment"),
    "web.overview.sov": ("Thị phần thảo luận", "Share of voice"),
    "web.overview.sov.topic": ("Chủ đề", "Topic"),
    "web.overview.sov.mentions": ("Đề cập", "Mentions"),
    "web.overview.sov.share": ("Thị phần", "Share"),
    "web.overview.sov.change": ("Thay đổi", "Change"),
    "web.overview.time": ("Thời gian", "Time"),
    "web.card.volume": ("Lượng đề cập", "Volume"),
    "web.card.interactions": ("Tương tác", "Interactions"),
    "web.card.engagement_rate": ("Tỷ lệ tương tác", "Engagement rate"),
    "web.card.net_sentiment": ("Cảm xúc ròng", "Net sentiment"),
    "web.card.share_of_voice": ("Thị phần thảo luận", "Share of voice"),
    "web.card.quality_engagement": ("Tương tác chất lượng", "Quality engagement"),
    "web.card.vanity_share": ("Tỷ lệ tương tác ảo", "Vanity share"),
    "web.stage.none": ("Bình thường", "Normal"),
    "web.stage.smouldering": ("Âm ỉ", "Smouldering"),
    "web.stage.outbreak": ("Bùng phát", "Outbreak"),
    "web.stage.spread": ("Lan rộng", "Spread"),
    "web.stage.recovery": ("Phục hồi", "Recovery"),
    "web.cond.complaints": ("có phàn nàn", "complaints"),
    "web.cond.negative_turn": ("tiêu cực tăng", "negative share up"),
    "web.cond.volume_up": ("lượng đề cập tăng", "volume up"),
    "web.cond.big_sources": ("báo chí / trang lớn vào cuộc", "news / big pages joined"),
    "web.cond.wide": ("lan ra nhiều cộng đồng", "many communities"),
    "web.severity": ("Mức {severity}/10", "Severity {severity}/10"),
}

register(MESSAGES)
