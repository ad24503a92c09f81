"""User-facing messages in Vietnamese (default) and English.

The language comes from ``--lang`` or ``TINHIEU_LANG``; anything but "en" means
Vietnamese. Messages are looked up by key so both languages stay side by side.
"""

from __future__ import annotations

import os
from typing import Final

LANGS: Final[tuple[str, ...]] = ("vi", "en")

_MESSAGES: Final[dict[str, tuple[str, str]]] = {
    # --- signals (early warning) ---
    "watch.started": (
        "Đang theo dõi: {topics} (mỗi {interval} giây). Ctrl-C để dừng.",
        "Watching: {topics} (every {interval} s). Ctrl-C to stop.",
    ),
    "watch.alerts": (
        "Cảnh báo: xếp {queued}, đã gửi {sent}.",
        "Alerts: queued {queued}, sent {sent}.",
    ),
    "watch.stopped": ("Đã dừng theo dõi.", "Stopped watching."),
    "signals.stage": (
        "{topic}: giai đoạn {stage} (điều kiện: {why})",
        "{topic}: stage {stage} (conditions: {why})",
    ),
    "signals.none": ("Không có tín hiệu nào trong khoảng này.", "No signals in this period."),
    "signals.line": (
        "[{severity:>2}] {time}  {topic}: {what} — {observed} so với mức thường {baseline} "
        "trong {hours} giờ (lệch {deviation})",
        "[{severity:>2}] {time}  {topic}: {what} — {observed} vs usual {baseline} "
        "over {hours} h (deviation {deviation})",
    ),
    "signals.terms": ("từ khoá: {terms}", "terms: {terms}"),
    "signals.queued": ("Đã xếp {queued} cảnh báo để gửi.", "Queued {queued} alerts."),
    "nab.title": (
        "Điểm NAB trên {subset} (tất cả tính bằng bộ chấm của tinhieu, cùng một lần chạy)",
        "NAB scores on {subset} (all computed by tinhieu's scorer, in the same run)",
    ),
    "nab.detector": ("Bộ phát hiện", "Detector"),
    "nab.threshold": ("Ngưỡng", "Threshold"),
    "nab.st_error": ("Sai lệch S(t)", "S(t) error"),
    "nab.note": (
        "Ngưỡng của các bộ phát hiện đã công bố là ngưỡng NAB tối ưu cho chúng; bộ của "
        "tinhieu chỉ báo hoặc im lặng nên không có ngưỡng để chỉnh. Sai lệch S(t): chênh "
        "lệch lớn nhất giữa điểm từng dòng của chúng tôi và cột S(t) đã công bố.",
        "Published detectors use the thresholds NAB optimised for them; tinhieu's detector "
        "alerts or stays silent, so it has no threshold to tune. S(t) error: the largest "
        "difference between our per-row scores and the published S(t) columns.",
    ),
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
    "projection.volume": (
        "Nếu xu hướng này tiếp diễn {days} ngày, {measure} có thể {verb} "
        "{low}–{high}/{unit} (khoảng {level} %){compare}.",
        "If this trend continues for {days} days, {measure} could {verb} "
        "{low}–{high} per {unit} ({level} % interval){compare}.",
    ),
    "projection.share": (
        "Nếu xu hướng này tiếp diễn {days} ngày, {measure} có thể {verb} "
        "{low}–{high} % (khoảng {level} %){compare}.",
        "If this trend continues for {days} days, {measure} could {verb} "
        "{low}–{high} % ({level} % interval){compare}.",
    ),
    "projection.verb.up": ("lên", "rise to"),
    "projection.verb.down": ("giảm còn", "fall to"),
    "projection.verb.flat": ("ở mức", "stay at"),
    "projection.compare.times": (", gấp {low}–{high} lần {ref}", ", {low}–{high} times {ref}"),
    "projection.compare.fraction": (
        ", chỉ bằng {low}–{high} % {ref}",
        ", only {low}–{high} % of {ref}",
    ),
    "projection.compare.level": (
        ", so với {ref} {current}/{unit}",
        ", against {ref} of {current} per {unit}",
    ),
    "projection.compare.share": (", so với {ref} {current} %", ", against {ref} of {current} %"),
    "projection.ref.usual": ("mức thường", "the usual level"),
    "projection.ref.now": ("mức hiện tại", "the current level"),
    "projection.measure.volume": ("lượng thảo luận", "discussion volume"),
    "projection.measure.interactions": ("lượt tương tác", "interactions"),
    "projection.measure.authors": ("số người tham gia", "the number of authors"),
    "projection.measure.negative_share": ("tỷ lệ tiêu cực", "the negative share"),
    "projection.unit.day": ("ngày", "day"),
    "projection.unit.hour": ("giờ", "hour"),
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
    # --- alerts (tinhieu.signals.alerts, tinhieu alert …) ---
    "alert.title": (
        "[Mức {severity}/10] {kind} · {topic}",
        "[Severity {severity}/10] {kind} · {topic}",
    ),
    "alert.test_prefix": ("[THỬ] ", "[TEST] "),
    "alert.kind.negative_shift": ("Tỷ lệ tiêu cực tăng", "Negative share rising"),
    "alert.kind.emerging_aspect": ("Khía cạnh tiêu cực mới nổi", "Emerging negative aspect"),
    "alert.kind.volume_spike": ("Lượng đề cập tăng đột biến", "Volume spike"),
    "alert.kind.escalation": ("Báo chí và trang lớn vào cuộc", "Escalation to news and big pages"),
    "alert.kind.emerging_term": ("Từ khoá bùng nổ", "Emerging term"),
    "alert.kind.vanity_spike": (
        "Tương tác tăng ảo (giveaway, seeding, spam)",
        "Vanity spike (giveaways, seeding, spam)",
    ),
    "alert.stage.none": ("Bình thường", "None"),
    "alert.stage.smouldering": ("Âm ỉ", "Smouldering"),
    "alert.stage.outbreak": ("Bùng phát", "Outbreak"),
    "alert.stage.spread": ("Lan rộng", "Spreading"),
    "alert.stage.recovery": ("Hồi phục", "Recovery"),
    "alert.measure.volume": ("Lượng đề cập", "Mentions"),
    "alert.measure.negative_share": ("Tỷ lệ tiêu cực", "Negative share"),
    "alert.measure.net_sentiment": ("Cảm xúc ròng", "Net sentiment"),
    "alert.measure.interactions": ("Tương tác", "Interactions"),
    "alert.measure.authors": ("Số tác giả", "Authors"),
    "alert.measure.big_share": ("Tỷ lệ từ báo chí và trang lớn", "Share from news and big pages"),
    "alert.field.topic": ("Chủ đề", "Topic"),
    "alert.field.kind": ("Loại tín hiệu", "Signal"),
    "alert.field.severity": ("Mức độ", "Severity"),
    "alert.field.when": ("Thời điểm", "When"),
    "alert.field.measure": ("Chỉ số", "Measure"),
    "alert.field.observed": ("Quan sát", "Observed"),
    "alert.field.baseline": ("Mức nền", "Baseline"),
    "alert.field.deviation": ("Độ lệch (z)", "Deviation (z)"),
    "alert.field.persistence": ("Kéo dài", "Lasting"),
    "alert.field.stage": ("Giai đoạn", "Stage"),
    "alert.field.scope": ("Phạm vi", "Narrowed to"),
    "alert.persistence": ("{n} khung thời gian liên tiếp", "{n} consecutive buckets"),
    "alert.evidence.mentions": ("Đề cập tiêu biểu", "Top mentions"),
    "alert.evidence.authors": ("Tác giả nổi bật", "Top authors"),
    "alert.evidence.terms": ("Từ khoá nổi bật", "Top terms"),
    "alert.evidence.author": ("{name} ({mentions} đề cập)", "{name} ({mentions} mentions)"),
    "alert.evidence.link": ("Xem bài", "Open"),
    "alert.why": (
        "Vì sao bạn nhận cảnh báo này: quy tắc “{rule}” khớp (chủ đề: {topic}; loại: {kinds}; "
        "mức từ {min_severity} trở lên).",
        "Why you got this: the rule “{rule}” matched (topic: {topic}; kinds: {kinds}; "
        "severity {min_severity} or more).",
    ),
    "alert.any_topic": ("mọi chủ đề", "any topic"),
    "alert.any_kind": ("mọi loại", "any kind"),
    "alert.footer": ("Gửi bởi tinhieu", "Sent by tinhieu"),
    "alert.sample.topic": ("Chủ đề thử nghiệm", "Sample topic"),
    "alert.sample.text": (
        "Đây là tin thử của tinhieu: giao hàng chậm quá, chờ 2 tiếng <b>&</b>",
        "This is a tinhieu test message: delivery was late, waited 2 hours <b>&</b>",
    ),
    "alert.rule.added": (
        "Đã lưu quy tắc cảnh báo '{name}' ({channel}).",
        "Saved alert rule '{name}' ({channel}).",
    ),
    "alert.rule.removed": (
        "Đã xoá quy tắc '{name}'; huỷ {cancelled} lần gửi đang chờ.",
        "Removed rule '{name}'; cancelled {cancelled} waiting deliveries.",
    ),
    "alert.rule.missing": ("Không có quy tắc cảnh báo '{name}'.", "No alert rule named '{name}'."),
    "alert.rule.none": (
        "Chưa có quy tắc cảnh báo nào. Thêm bằng: tinhieu alert rule add TÊN --channel …",
        "No alert rules yet. Add one with: tinhieu alert rule add NAME --channel …",
    ),
    "alert.rule.env_unset": (
        "Chú ý: biến môi trường {names} chưa được đặt trong phiên này; "
        "tiến trình gửi cảnh báo cần có chúng.",
        "Note: the environment variable(s) {names} are not set here; "
        "the process that delivers alerts needs them.",
    ),
    "alert.test.ok": (
        "Đã gửi tin thử qua {channel}: {detail}",
        "Sent a test message through {channel}: {detail}",
    ),
    "alert.test.failed": (
        "Gửi thử qua {channel} thất bại: {error}",
        "Test through {channel} failed: {error}",
    ),
    "alert.deliver.done": (
        "Đã gửi {sent}, hẹn thử lại {retried}, thất bại {failed}, huỷ {cancelled}.",
        "Sent {sent}, will retry {retried}, failed {failed}, cancelled {cancelled}.",
    ),
    "alert.retry.done": ("Đã xếp lại {count} lần gửi để gửi lại.", "Re-queued {count} deliveries."),
    "alert.retry.usage": ("Cho biết một ID hoặc --failed.", "Give one delivery ID or --failed."),
    "alert.log.none": ("Chưa có lần gửi cảnh báo nào.", "No alert deliveries yet."),
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
