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
    "web.sources.origin": ("Khai báo ở", "Defined in"),
    "web.sources.origin_file": ("tệp cấu hình", "config file"),
    "web.sources.origin_api": ("giao diện/API", "dashboard/API"),
    "web.sources.saved": ("Đã lưu nguồn {name}.", "Source {name} saved."),
    "web.sources.deleted": (
        "Đã xoá nguồn {name} (lịch sử các lần chạy vẫn được giữ).",
        "Source {name} deleted (its past runs are kept).",
    ),
    "web.sources.enable": ("Bật", "Enable"),
    "web.sources.disable": ("Tắt", "Disable"),
    "web.sources.enable_label": ("Bật nguồn {name}", "Enable source {name}"),
    "web.sources.disable_label": ("Tắt nguồn {name}", "Disable source {name}"),
    "web.sources.delete": ("Xoá", "Delete"),
    "web.sources.delete_label": ("Xoá nguồn {name}", "Delete source {name}"),
    "web.sources.form.title": ("Thêm nguồn", "Add a source"),
    "web.sources.form.help": (
        "Nguồn thêm ở đây được lưu trong không gian làm việc và chạy ngay theo lịch; nguồn "
        "trong tệp cấu hình chỉ sửa được trong tệp. Xem docs/sources.md.",
        "Sources added here are stored in the workspace and scheduled at once; sources of "
        "the config file can only be changed in the file. See docs/sources.md.",
    ),
    "web.sources.form.name": ("Tên (chữ, số, _ - .)", "Name (letters, digits, _ - .)"),
    "web.sources.form.type": ("Loại", "Type"),
    "web.sources.form.interval": (
        "Chu kỳ (phút, hoặc 30m, 2h, 1d)",
        "Interval (minutes, or 30m, 2h, 1d)",
    ),
    "web.sources.form.enabled": ("Bật", "Enabled"),
    "web.sources.form.options": ("Tuỳ chọn (JSON)", "Options (JSON)"),
    "web.sources.form.options_help": (
        'Các tuỳ chọn như trong tệp cấu hình, ví dụ {{"urls": ["https://vnexpress.net/rss/'
        'kinh-doanh.rss"]}} cho feed, hoặc {{"pages": ["104958162837"]}} cho facebook.',
        'The options as in the config file, e.g. {{"urls": ["https://vnexpress.net/rss/'
        'kinh-doanh.rss"]}} for a feed, or {{"pages": ["104958162837"]}} for facebook.',
    ),
    "web.sources.form.secrets": ("Thông tin xác thực", "Credentials"),
    "web.sources.form.secrets_help": (
        "Chỉ điền những ô loại nguồn này cần. Giá trị được mã hoá khi lưu và không bao giờ "
        "hiển thị lại. Hoặc ghi tên biến môi trường trong tuỳ chọn (token_env, key_env…).",
        "Fill only the ones this type needs. Values are stored encrypted and never shown "
        "again. Or name environment variables in the options (token_env, key_env…).",
    ),
    "web.sources.form.add": ("Thêm nguồn", "Add source"),
    "web.sources.form.options_json": (
        'Tuỳ chọn phải là một đối tượng JSON, ví dụ {{"urls": ["https://…"]}}.',
        'Options must be a JSON object, e.g. {{"urls": ["https://…"]}}.',
    ),
    "web.sources.form.invalid": (
        "Tên hoặc loại nguồn không hợp lệ.",
        "The name or type is not valid.",
    ),
}

register(MESSAGES)
