"""User-facing messages in Vietnamese (default) and English.

The language comes from ``--lang`` or ``TINHIEU_LANG``; anything but "en" means
Vietnamese. Messages are looked up by key so both languages stay side by side.
"""

from __future__ import annotations

import os
from typing import Final

LANGS: Final[tuple[str, ...]] = ("vi", "en")

_MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "error": ("Lỗi", "Error"),
    "import.done": (
        "Đã nhập {file}: đọc {read} dòng, thêm {inserted}, cập nhật {updated}, "
        "trùng {duplicates}, loại {rejected}.",
        "Imported {file}: read {read} rows, inserted {inserted}, updated {updated}, "
        "duplicates {duplicates}, rejected {rejected}.",
    ),
    "import.resumed": (
        "Tiếp tục lần nhập bị gián đoạn trước đó (số liệu là của cả tệp).",
        "Resumed an interrupted import (figures cover the whole file).",
    ),
    "import.rejects": (
        "Các dòng bị loại (kèm dòng và lý do) ở: {path}",
        "Rejected rows (with line and reason) are in: {path}",
    ),
    "import.progress": ("Đang nhập {file}", "Importing {file}"),
    "topic.added": (
        "Đã lưu chủ đề '{name}' ({group}); {count} đề cập khớp.",
        "Saved topic '{name}' ({group}); {count} mentions match.",
    ),
    "topic.removed": ("Đã xoá chủ đề '{name}'.", "Removed topic '{name}'."),
    "topic.missing": ("Không có chủ đề '{name}'.", "No topic named '{name}'."),
    "topic.none": (
        "Chưa có chủ đề nào. Thêm bằng: tinhieu topic add TÊN --query '…'",
        "No topics yet. Add one with: tinhieu topic add NAME --query '…'",
    ),
    "topic.matches": (
        "{count} đề cập khớp (hiển thị {shown}):",
        "{count} mentions match (showing {shown}):",
    ),
    "topic.parsed": ("Truy vấn hiểu là: {explain}", "Query understood as: {explain}"),
    "nlp.eval.head": (
        "Đánh giá tác vụ {task} trên {n} dòng",
        "Evaluation of {task} on {n} rows",
    ),
    "nlp.eval.accuracy": ("Độ chính xác", "Accuracy"),
    "nlp.eval.confusion": (
        "Ma trận nhầm lẫn (dòng: nhãn đúng, cột: dự đoán):",
        "Confusion matrix (rows: gold, columns: predicted):",
    ),
    "nlp.trained": (
        "Đã huấn luyện mô hình vào {path} ({seconds} giây).",
        "Trained the models into {path} ({seconds} s).",
    ),
    "nlp.corrected": (
        "Đã lưu chỉnh sửa ({fields}); không gian làm việc có {total} chỉnh sửa đang áp dụng.",
        "Saved the correction ({fields}); the workspace has {total} corrections in force.",
    ),
    "nlp.enriched": (
        "Đã phân tích {rows} đề cập ({seeding} nghi seeding, {corrected} chỉnh sửa áp dụng) "
        "trong {seconds} giây.",
        "Analysed {rows} mentions ({seeding} flagged as seeding, {corrected} corrections "
        "applied) in {seconds} s.",
    ),
    "nlp.retrained": (
        "Đã huấn luyện mô hình riêng vào {path} từ {corrections} chỉnh sửa; "
        "phân tích lại {rows} đề cập.",
        "Trained the workspace model into {path} from {corrections} corrections; "
        "re-analysed {rows} mentions.",
    ),
    "export.done": (
        "Đã xuất {rows} đề cập ra {path} ({format}).",
        "Exported {rows} mentions to {path} ({format}).",
    ),
    "export.xlsx_limit": (
        "XLSX chứa tối đa {limit} dòng; có {rows}. Hãy dùng csv hoặc parquet, "
        "hoặc thu hẹp bằng --query/--since.",
        "XLSX holds at most {limit} rows; there are {rows}. Use csv or parquet, "
        "or narrow with --query/--since.",
    ),
    "demo.building": (
        "Đang tạo dữ liệu demo: {days} ngày, hệ số {scale}, seed {seed} → {db}",
        "Building the demo workspace: {days} days, scale {scale}, seed {seed} → {db}",
    ),
    "demo.done": (
        "Xong: {rows} đề cập trong {seconds:.1f} giây. Sự thật nền (ground truth): {truth}",
        "Done: {rows} mentions in {seconds:.1f} s. Ground truth: {truth}",
    ),
    "demo.next": (
        "Thử tiếp: tinhieu stats --db {db} --group brand   |   "
        "tinhieu topic test --db {db} --query '\"giao hàng\" NEAR/3 chậm'",
        "Next: tinhieu stats --db {db} --group brand   |   "
        "tinhieu topic test --db {db} --query '\"giao hàng\" NEAR/3 chậm'",
    ),
    "store.missing": (
        "Chưa có kho dữ liệu ở {db}. Chạy 'tinhieu demo' hoặc 'tinhieu import' trước.",
        "No store at {db}. Run 'tinhieu demo' or 'tinhieu import' first.",
    ),
}


def current_lang(explicit: str | None = None) -> str:
    lang = (explicit or os.environ.get("TINHIEU_LANG") or "vi").lower()[:2]
    return "en" if lang == "en" else "vi"


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The message ``key`` in ``lang``, formatted with ``values``."""
    vi, en = _MESSAGES[key]
    template = en if current_lang(lang) == "en" else vi
    return template.format(**values)


def number(value: int, lang: str | None = None) -> str:
    """``value`` with digit groups as the language writes them: 1.234.567 or 1,234,567."""
    text = f"{value:,}"
    return text.replace(",", ".") if current_lang(lang) == "vi" else text
