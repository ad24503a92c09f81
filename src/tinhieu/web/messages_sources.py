"""Messages of the Sources page (Vietnamese, English)."""

from __future__ import annotations

from typing import Final

from tinhieu.i18n import register
from tinhieu.sources.connectors import messages as _connector_messages  # noqa: F401 - statuses

MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "web.nav.sources": ("Nguồn", "Sources"),
    "web.sources.title": ("Nguồn dữ liệu", "Sources"),
    "web.sources.intro": (
        "Mỗi nguồn được thu thập theo chu kỳ riêng; đề cập mới được phân tích và dò tín hiệu "
        "ngay khi về.",
        "Each source is collected on its own interval; new mentions are analysed and "
        "checked for signals as they arrive.",
    ),
    "web.sources.scheduler_on": ("Bộ lập lịch đang chạy.", "The scheduler is running."),
    "web.sources.scheduler_idle": (
        "Bộ lập lịch chưa chạy; quản trị viên vẫn có thể chạy từng nguồn ngay.",
        "The scheduler is not running; admins can still run a source now.",
    ),
    "web.sources.scheduler_off": (
        "Bộ lập lịch đang tắt: chạy `tinhieu serve --config tinhieu.toml` hoặc `tinhieu run` "
        "để thu thập theo lịch. Bảng dưới đây là các lần chạy đã ghi lại.",
        "The scheduler is off: start `tinhieu serve --config tinhieu.toml` or `tinhieu run` "
        "to collect on schedule. The table shows the runs recorded so far.",
    ),
    "web.sources.none": (
        "Chưa có nguồn nào cho không gian làm việc này. Xem docs/sources.md.",
        "No sources for this workspace yet. See docs/sources.md.",
    ),
    "web.sources.name": ("Nguồn", "Source"),
    "web.sources.type": ("Loại", "Type"),
    "web.sources.interval": ("Chu kỳ", "Interval"),
    "web.sources.last_run": ("Lần chạy cuối", "Last run"),
    "web.sources.status": ("Trạng thái", "Status"),
    "web.sources.fetched": ("Đã lấy", "Fetched"),
    "web.sources.inserted": ("Mới", "New"),
    "web.sources.errors": ("Lỗi", "Errors"),
    "web.sources.next_run": ("Lần chạy tới", "Next run"),
    "web.sources.actions": ("Thao tác", "Actions"),
    "web.sources.run_now": ("Chạy ngay", "Run now"),
    "web.sources.run_label": ("Chạy nguồn {name} ngay", "Run source {name} now"),
    "web.sources.queued": ("Đã xếp {name} vào hàng chạy ngay.", "{name} is queued to run now."),
    "web.sources.disabled": ("đang tắt", "disabled"),
    "web.sources.due": ("ngay bây giờ", "now"),
    "web.sources.running": ("đang chạy", "running"),
    "web.sources.failures": (
        "{n} lần lỗi liên tiếp, đang giãn lịch thử lại",
        "{n} failures in a row, retrying less often",
    ),
    "web.sources.message": ("Chi tiết lỗi", "Error details"),
    "web.sources.never": ("chưa chạy", "never"),
    "web.sources.unscheduled": ("không theo lịch", "not scheduled"),
}

register(MESSAGES)
