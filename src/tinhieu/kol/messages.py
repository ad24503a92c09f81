"""Messages of ``tinhieu kol`` (Vietnamese, English)."""

from __future__ import annotations

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
