"""Messages of ``tinhieu collect`` and ``tinhieu sources`` (Vietnamese, English)."""

from __future__ import annotations

from tinhieu.i18n import register

register(
    {
        "sources.collect.line": (
            "{name} ({platform}): {status} — lấy {fetched}, thêm {inserted}, cập nhật "
            "{updated}, loại {rejected}, lỗi {errors} ({seconds} giây)",
            "{name} ({platform}): {status} — fetched {fetched}, inserted {inserted}, updated "
            "{updated}, rejected {rejected}, errors {errors} ({seconds} s)",
        ),
        "sources.collect.quota": (
            "  hạn mức đã dùng: {units} đơn vị",
            "  quota used: {units} units",
        ),
        "sources.collect.none": (
            "Chưa cấu hình nguồn nào cho không gian làm việc {workspace} trong {path}. "
            "Xem docs/sources.md.",
            "No sources configured for workspace {workspace} in {path}. See docs/sources.md.",
        ),
        "sources.collect.failed": (
            "{n} nguồn bị lỗi; các nguồn khác vẫn được thu thập.",
            "{n} source(s) failed; the others were still collected.",
        ),
        "sources.status.ok": ("xong", "ok"),
        "sources.status.partial": ("dừng sớm", "stopped early"),
        "sources.status.failed": ("lỗi", "failed"),
        "sources.status.running": ("đang chạy", "running"),
        "sources.status.interrupted": ("bị gián đoạn", "interrupted"),
        "sources.status.never": ("chưa chạy", "never run"),
        "sources.error.auth": (
            "token hết hạn hoặc không hợp lệ — tạo token mới và đặt vào biến môi trường",
            "token expired or invalid — create a new one and set it in the environment variable",
        ),
        "sources.error.permission": (
            "thiếu quyền truy cập — kiểm tra quyền của token/khóa API",
            "missing permission — check the token's or API key's permissions",
        ),
        "sources.error.quota": (
            "hết hạn mức (quota) của nền tảng — thử lại sau khi hạn mức được đặt lại",
            "the platform's quota is used up — try again after it resets",
        ),
        "sources.error.rate_limited": (
            "bị giới hạn tốc độ — sẽ thử lại ở lần chạy sau",
            "rate limited — will try again on the next run",
        ),
        "sources.error.not_found": (
            "không tìm thấy (trang/kênh/nguồn tin không tồn tại hoặc không xem được)",
            "not found (the page, channel or feed does not exist or is not visible)",
        ),
        "sources.error.server": (
            "máy chủ của nền tảng đang lỗi — sẽ thử lại ở lần chạy sau",
            "the platform's server failed — will try again on the next run",
        ),
        "sources.error.network": (
            "không kết nối được — kiểm tra mạng hoặc địa chỉ",
            "cannot connect — check the network or the address",
        ),
        "sources.error.bad_response": (
            "nền tảng trả về dữ liệu không đúng định dạng",
            "the platform answered in an unexpected format",
        ),
        "sources.error.config": ("cấu hình nguồn chưa đúng", "the source's configuration is wrong"),
        "sources.error.http": ("yêu cầu bị từ chối", "the request was refused"),
        "sources.error.budget": (
            "dừng trước khi vượt ngân sách hạn mức trong ngày (daily_quota)",
            "stopped before exceeding the daily quota budget (daily_quota)",
        ),
        "sources.error.internal": ("lỗi nội bộ của tinhieu", "internal tinhieu error"),
        "sources.error.comments_disabled": ("bình luận bị tắt", "comments are disabled"),
        "sources.error.error": ("lỗi", "error"),
        "sources.error.blocked": (
            "địa chỉ nội bộ bị chặn (TINHIEU_ALLOW_PRIVATE_URLS=1 để cho phép)",
            "a private address was blocked (TINHIEU_ALLOW_PRIVATE_URLS=1 allows it)",
        ),
        "sources.problem": (
            "  {where}{what} — chi tiết: {detail}",
            "  {where}{what} — details: {detail}",
        ),
        "sources.list.head": (
            "Nguồn ({path}):",
            "Sources ({path}):",
        ),
        "sources.list.line": (
            "{name} [{type}] mỗi {interval}: lần chạy cuối {last} ({status}), lấy {fetched}, "
            "thêm {inserted}, lỗi {errors}; lần chạy tới {next}",
            "{name} [{type}] every {interval}: last run {last} ({status}), fetched {fetched}, "
            "inserted {inserted}, errors {errors}; next run {next}",
        ),
        "sources.list.disabled": ("  (đang tắt)", "  (disabled)"),
        "sources.list.due": ("ngay bây giờ", "now"),
        "sources.list.never": ("chưa có", "never"),
        "sources.reset.done": (
            "Đã xoá {n} con trỏ của nguồn {name}; lần thu thập tới bắt đầu lại từ đầu.",
            "Cleared {n} cursor(s) of source {name}; the next collection starts over.",
        ),
    }
)
