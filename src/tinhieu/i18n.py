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
    "demo.warning": (
        "Cảnh báo sớm ({topics}): giai đoạn khủng hoảng và các tín hiệu mức ≥ 5",
        "Early warning ({topics}): crisis stages and signals of severity ≥ 5",
    ),
    "demo.episode": (
        "{topic}: {stage} từ {start} đến {end}",
        "{topic}: {stage} from {start} to {end}",
    ),
    "demo.warning_next": (
        "Xem thêm: tinhieu signals --since … | tinhieu brief --date … | tinhieu watch",
        "More: tinhieu signals --since … | tinhieu brief --date … | tinhieu watch",
    ),
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
        "{span}/{unit} (khoảng {level} %){compare}.",
        "If this trend continues for {days} days, {measure} could {verb} "
        "{span} per {unit} ({level} % interval){compare}.",
    ),
    "projection.share": (
        "Nếu xu hướng này tiếp diễn {days} ngày, {measure} có thể {verb} "
        "{span} % (khoảng {level} %){compare}.",
        "If this trend continues for {days} days, {measure} could {verb} "
        "{span} % ({level} % interval){compare}.",
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
    "web.serve.started": (
        "Bảng điều khiển: {url}  (kho dữ liệu {db}; Ctrl-C để dừng)",
        "Dashboard: {url}  (store {db}; Ctrl-C to stop)",
    ),
    "web.serve.sources": (
        "Thu thập theo lịch: {n} nguồn (tinhieu sources để xem).",
        "Collecting on schedule: {n} sources (tinhieu sources to see them).",
    ),
    "web.serve.no_users": (
        "Chưa có người dùng. Tạo quản trị viên: tinhieu user add TÊN --workspace default",
        "No users yet. Create an admin: tinhieu user add NAME --workspace default",
    ),
    "web.user.added": (
        "Đã tạo/cập nhật {name}: vai trò {role} trong {workspace}.",
        "Created/updated {name}: role {role} in {workspace}.",
    ),
    "web.user.removed": ("Đã gỡ {name} khỏi {workspace}.", "Removed {name} from {workspace}."),
    "web.token.created": (
        "Đã tạo token #{id}. Mã bí mật (chỉ hiện một lần):",
        "Created token #{id}. Its secret (shown once only):",
    ),
    "web.token.revoked": ("Đã thu hồi token #{id}.", "Revoked token #{id}."),
    "demo.dashboard": (
        "Bảng điều khiển: tinhieu serve --db {db}  (hoặc make serve) rồi mở "
        "http://127.0.0.1:8000 — đăng nhập: {user} / {password}",
        "Dashboard: tinhieu serve --db {db}  (or make serve), then open "
        "http://127.0.0.1:8000 — log in as {user} / {password}",
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
    # --- the morning brief (tinhieu.signals.brief, render_brief; tinhieu brief) ---
    "brief.title": ("Bản tin sáng · {workspace}", "Morning brief · {workspace}"),
    "brief.meta.date": ("{weekday}, {date}", "{weekday} {date}"),
    "brief.meta.covers": (
        "Số liệu ngày {day} (giờ {zone}), so với ngày {before} và {days} ngày trước đó.",
        "Covers {day} ({zone} time), against {before} and the {days} days before.",
    ),
    "brief.weekday.0": ("Thứ Hai", "Monday"),
    "brief.weekday.1": ("Thứ Ba", "Tuesday"),
    "brief.weekday.2": ("Thứ Tư", "Wednesday"),
    "brief.weekday.3": ("Thứ Năm", "Thursday"),
    "brief.weekday.4": ("Thứ Sáu", "Friday"),
    "brief.weekday.5": ("Thứ Bảy", "Saturday"),
    "brief.weekday.6": ("Chủ Nhật", "Sunday"),
    "brief.none": ("(không có)", "(none)"),
    "brief.open": ("xem bài", "open"),
    "brief.section.headline": ("Điều quan trọng nhất hôm nay", "What matters today"),
    "brief.headline.signal": (
        "{topic}: {sentence} — mức {severity} (tín hiệu #{n}).",
        "{topic}: {sentence} — severity {severity} (signal #{n}).",
    ),
    "brief.headline.signal_terms": (
        "{topic}: {sentence}; từ khoá: {terms} — mức {severity} (tín hiệu #{n}).",
        "{topic}: {sentence}; terms: {terms} — severity {severity} (signal #{n}).",
    ),
    "brief.headline.stage_change": (
        "{topic} chuyển sang giai đoạn {stage} lúc {since} (trước đó: {previous}): {why}.",
        "{topic} moved to {stage} at {since} (from {previous}): {why}.",
    ),
    "brief.headline.stage_change_plain": (
        "{topic} chuyển sang giai đoạn {stage} lúc {since} (trước đó: {previous}); "
        "các điều kiện khủng hoảng không còn.",
        "{topic} moved to {stage} at {since} (from {previous}); the crisis conditions no "
        "longer hold.",
    ),
    "brief.headline.stage_ongoing_plain": (
        "{topic} vẫn ở giai đoạn {stage} (từ {since}).",
        "{topic} is still {stage} (since {since}).",
    ),
    "brief.headline.stage_ongoing": (
        "{topic} vẫn ở giai đoạn {stage} (từ {since}): {why}.",
        "{topic} is still in {stage} (since {since}): {why}.",
    ),
    "brief.headline.stage_over": (
        "{topic} đã ra khỏi giai đoạn {peak}: các điều kiện khủng hoảng không còn.",
        "{topic} is out of {peak}: the crisis conditions no longer hold.",
    ),
    "brief.headline.quiet": (
        "Một ngày yên ả: không có tín hiệu đáng kể, không chủ đề nào có dấu hiệu khủng hoảng.",
        "A quiet day: no signal worth acting on, no topic showing signs of a crisis.",
    ),
    "brief.headline.quiet_numbers": (
        "Một ngày yên ả: không có tín hiệu đáng kể, không chủ đề nào có dấu hiệu khủng hoảng. "
        "{topic}: {mentions} đề cập (thường {usual}), tiêu cực {negative}.",
        "A quiet day: no signal worth acting on, no topic showing signs of a crisis. "
        "{topic}: {mentions} mentions (usual {usual}), {negative} negative.",
    ),
    "brief.section.changes": (
        "Hôm qua so với hôm kia và mức thường",
        "Yesterday against the day before and the usual level",
    ),
    "brief.changes.intro": (
        "Ngày {day} so với ngày {before} và mức thường ({days} ngày trước: trung vị mỗi ngày; "
        "tỷ lệ tính gộp).",
        "{day} against {before} and the usual level (the {days} days before: daily median; "
        "shares pooled).",
    ),
    "brief.changes.topic": ("{topic} ({group}) — {verdict}.", "{topic} ({group}): {verdict}."),
    "brief.changes.normal_line": (
        "{head} {mentions} đề cập (thường {usual}), tiêu cực {negative} (thường {usual_negative}).",
        "{head} {mentions} mentions (usual {usual}), {negative} negative (usual {usual_negative}).",
    ),
    "brief.changes.gap": (
        "Lưu ý: {hours} giờ trong ngày không thu thập được dữ liệu; "
        "số liệu có thể thấp hơn thực tế.",
        "Note: {hours} hours of the day had a collection gap; the numbers may be low.",
    ),
    "brief.verdict.normal": ("trong mức bình thường", "within the usual range"),
    "brief.verdict.no_baseline": (
        "chưa đủ lịch sử để so với mức thường",
        "not enough history for a usual level",
    ),
    "brief.verdict.louder": ("ồn hơn mức thường {x} %", "{x} % louder than usual"),
    "brief.verdict.louder_times": ("ồn gấp {x} lần mức thường", "{x}× the usual volume"),
    "brief.verdict.quieter": ("trầm hơn mức thường {x} %", "{x} % quieter than usual"),
    "brief.verdict.more_negative": ("tiêu cực hơn {x} điểm", "{x} points more negative"),
    "brief.verdict.less_negative": ("bớt tiêu cực {x} điểm", "{x} points less negative"),
    "brief.verdict.interactions_up": (
        "tương tác gấp {x} lần mức thường",
        "interactions {x}× the usual",
    ),
    "brief.measure.mentions": ("Đề cập", "Mentions"),
    "brief.measure.negative_share": ("Tỷ lệ tiêu cực", "Negative share"),
    "brief.measure.net_sentiment": ("Cảm xúc ròng (NSS)", "Net sentiment (NSS)"),
    "brief.measure.interactions": ("Tương tác", "Interactions"),
    "brief.col.measure": ("Chỉ số", "Measure"),
    "brief.col.change": ("Chênh", "Change"),
    "brief.col.usual": ("Thường ({days} ngày)", "Usual ({days} d)"),
    "brief.col.day": ("Ngày", "Day"),
    "brief.col.topic": ("Chủ đề", "Topic"),
    "brief.col.volume80": ("Đề cập (khoảng 80 %)", "Mentions (80 % range)"),
    "brief.col.negative80": ("Tỷ lệ tiêu cực (khoảng 80 %)", "Negative share (80 % range)"),
    "brief.col.mentions_day": ("Đề cập {day}", "Mentions {day}"),
    "brief.col.sov_day": ("Thị phần {day}", "SoV {day}"),
    "brief.col.sov_interactions": ("Theo tương tác (thường)", "By interactions (usual)"),
    "brief.col.interactions": ("Tương tác", "Interactions"),
    "brief.col.vanity": ("Ảo", "Vanity"),
    "brief.col.quality": ("Chất lượng", "Quality"),
    "brief.col.vanity_share": ("Tỷ lệ ảo (thường)", "Vanity share (usual)"),
    "brief.col.flagged": ("Bị gắn cờ hôm qua", "Flagged yesterday"),
    "brief.change.new": ("mới", "new"),
    "brief.change.times": ("gấp {x} lần", "{x}×"),
    "brief.change.points": ("{x} điểm", "{x} pts"),
    "brief.section.signals": ("Tín hiệu, nghiêm trọng nhất trước", "Signals, most severe first"),
    "brief.signals.intro": (
        "48 giờ qua (ngày {before} và {day}); mỗi câu chuyện một lần, ở lúc nghiêm trọng nhất.",
        "The last 48 hours ({before} and {day}); each story once, at its most severe.",
    ),
    "brief.signals.none": (
        "Không có tín hiệu nào trong 48 giờ qua.",
        "No signals in the last 48 hours.",
    ),
    "brief.signals.only_minor": (
        "Chỉ có tín hiệu nhẹ (mức 1–3), chưa cần hành động:",
        "Only mild signals (severity 1–3), nothing to act on yet:",
    ),
    "brief.signals.minor": ("Tín hiệu nhẹ hơn:", "Milder signals:"),
    "brief.signals.more": (
        "… và {n} tín hiệu khác (xem: tinhieu signals).",
        "… and {n} more signals (see: tinhieu signals).",
    ),
    "brief.signal.head": (
        "#{n} {severity} {topic} — {what} ({when})",
        "#{n} {severity} {topic}: {what}, {when}",
    ),
    "brief.when.yesterday": ("hôm qua", "yesterday"),
    "brief.when.day_before": ("hôm kia", "the day before"),
    "brief.kind.negative_shift": ("Tỷ lệ tiêu cực tăng", "Negative share up"),
    "brief.kind.emerging_aspect": ("Phàn nàn mới nổi", "Emerging complaint"),
    "brief.kind.volume_spike": ("Thảo luận tăng vọt", "Volume spike"),
    "brief.kind.escalation": ("Báo chí và trang lớn vào cuộc", "News and big pages join in"),
    "brief.kind.emerging_term": ("Từ khoá rủi ro", "Risk terms"),
    "brief.kind.vanity_spike": (
        "Tăng ảo (giveaway, seeding, spam)",
        "Vanity spike (giveaways, seeding, spam)",
    ),
    "brief.kind.with": ("{kind} về {what}", "{kind} — {what}"),
    "brief.signal.negative_shift": (
        "tỷ lệ tiêu cực {observed} trong {hours} giờ đến {end}, mức nền {baseline}",
        "negative share {observed} in the {hours} h to {end}, against {baseline} expected",
    ),
    "brief.signal.emerging_aspect": (
        "{observed} ý kiến tiêu cực về {aspect} trong {hours} giờ đến {end}, mức nền {baseline}",
        "{observed} negative opinions on {aspect} in the {hours} h to {end}, "
        "against {baseline} expected",
    ),
    "brief.signal.volume_spike": (
        "{observed} đề cập trong {hours} giờ đến {end}, mức nền {baseline}",
        "{observed} mentions in the {hours} h to {end}, against {baseline} expected",
    ),
    "brief.signal.escalation": (
        "{observed} đề cập từ báo chí và trang lớn trong {hours} giờ đến {end}, mức nền {baseline}",
        "{observed} mentions from news and big pages in the {hours} h to {end}, "
        "against {baseline} expected",
    ),
    "brief.signal.emerging_term": (
        "{observed} đề cập có từ khoá {risk} trong {hours} giờ đến {end}, mức nền {baseline}",
        "{observed} mentions with {risk} terms in the {hours} h to {end}, "
        "against {baseline} expected",
    ),
    "brief.signal.term": (
        "{observed} đề cập có cụm «{term}» trong {hours} giờ đến {end}, mức nền {baseline}",
        "{observed} mentions of “{term}” in the {hours} h to {end}, against {baseline} expected",
    ),
    "brief.signal.vanity_spike": (
        "{observed} đề cập trong {hours} giờ đến {end}, mức nền {baseline}; "
        "phần lớn là giveaway, seeding hoặc spam",
        "{observed} mentions in the {hours} h to {end}, against {baseline} expected; "
        "mostly giveaways, seeding or spam",
    ),
    "brief.signal.facts": ("{sentence} (độ lệch z = {z})", "{sentence} (deviation z = {z})"),
    "brief.signal.persistence": ("kéo dài {hours} giờ liên tiếp", "lasting {hours} hours in a row"),
    "brief.signal.stage": ("giai đoạn lúc đó: {stage}", "stage at the time: {stage}"),
    "brief.signal.terms": ("Từ khoá nổi bật: {terms}", "Terms: {terms}"),
    "brief.signal.quote": ("Trích: {quote} {link}", "Quote: {quote} {link}"),
    "brief.signal.author": ("{name} ({n} đề cập)", "{name} ({n} mentions)"),
    "brief.signal.authors": ("Ai đang nói: {authors}", "Who is talking: {authors}"),
    "brief.signal.repeats": (
        "Cùng câu chuyện đã báo thêm {n} lần trong 48 giờ.",
        "The same story alerted {n} more time(s) in the 48 hours.",
    ),
    "brief.section.stages": ("Giai đoạn khủng hoảng", "Crisis stage"),
    "brief.stage.none": ("bình thường", "calm"),
    "brief.stage.smouldering": ("âm ỉ", "smouldering"),
    "brief.stage.outbreak": ("bùng phát", "outbreak"),
    "brief.stage.spread": ("lan rộng", "spreading"),
    "brief.stage.recovery": ("hồi phục", "recovering"),
    "brief.stage.topic": ("{topic} · {group}", "{topic} ({group})"),
    "brief.stage.line": (
        "Cuối ngày: {stage}, từ {since}.",
        "End of the day: {stage}, since {since}.",
    ),
    "brief.stage.line_changed": (
        "Cuối ngày: {stage}, từ {since} (trước đó: {previous}).",
        "End of the day: {stage}, since {since} (before: {previous}).",
    ),
    "brief.stage.line_none": ("Cuối ngày: {stage}.", "End of the day: {stage}."),
    "brief.stage.line_calm": (
        "Cuối ngày: {stage} (trước đó: {previous}).",
        "End of the day: {stage} (before: {previous}).",
    ),
    "brief.stage.week": ("7 ngày qua: {episodes}", "Last 7 days: {episodes}"),
    "brief.stage.calm": ("Bình thường suốt 7 ngày: {topics}.", "Calm all week: {topics}."),
    "brief.episode": (
        "{stage} {start} → {end} ({hours} giờ)",
        "{stage} {start} → {end} ({hours} h)",
    ),
    "brief.episode.ongoing": (
        "{stage} từ {start} ({hours} giờ, đang diễn ra)",
        "{stage} since {start} ({hours} h, ongoing)",
    ),
    "brief.cond.complaints": (
        "khiếu nại: {n} ý kiến tiêu cực trong 24 giờ, mức nền {base}",
        "complaints: {n} negative opinions in 24 h, usual {base}",
    ),
    "brief.cond.complaints_signal": (
        "khiếu nại: có tín hiệu tiêu cực trong 24 giờ qua ({n} ý kiến tiêu cực, mức nền {base})",
        "complaints: a negative signal in the last 24 h ({n} negative opinions, usual {base})",
    ),
    "brief.cond.negative_turn": (
        "chuyển tiêu cực: tỷ lệ tiêu cực {share} trong 24 giờ, mức nền {base}",
        "negative turn: {share} negative in 24 h, usual {base}",
    ),
    "brief.cond.volume_up": (
        "thảo luận tăng: {n} đề cập trong 24 giờ (không tính spam), mức nền {base}",
        "volume up: {n} mentions in 24 h (spam left out), usual {base}",
    ),
    "brief.cond.big_sources": (
        "báo chí, trang lớn: {n} đề cập trong 24 giờ, mức nền {base}",
        "news and big pages: {n} mentions in 24 h, usual {base}",
    ),
    "brief.cond.wide": (
        "lan rộng: nguồn lớn vượt xa ngưỡng và thảo luận gấp đôi mức nền",
        "wide: big sources far above the threshold and volume twice the usual",
    ),
    "brief.cond.short.complaints": ("khiếu nại tăng", "complaints up"),
    "brief.cond.short.negative_turn": ("chuyển tiêu cực", "negative turn"),
    "brief.cond.short.volume_up": ("thảo luận tăng", "volume up"),
    "brief.cond.short.big_sources": ("báo chí, trang lớn vào cuộc", "news and big pages in"),
    "brief.cond.short.wide": ("lan rộng", "wide spread"),
    "brief.section.projection": ("Dự báo 3–5 ngày", "Projection, 3–5 days"),
    "brief.projection.intro": (
        "Nếu xu hướng hiện tại tiếp diễn. Khoảng 80 %: giá trị thật rơi vào khoảng này "
        "4 lần trên 5. Tính từ dữ liệu hằng ngày đến hết hôm qua.",
        "If the current trend continues. 80 % range: the real value falls inside it "
        "4 times in 5. From daily data up to the end of yesterday.",
    ),
    "brief.projection.none": ("Không có chủ đề nào cần dự báo.", "No topic needs a projection."),
    "brief.projection.short": (
        "Chưa đủ lịch sử để dự báo (cần ít nhất 5 ngày có dữ liệu).",
        "Not enough history to project (at least 5 days with data are needed).",
    ),
    "brief.section.sov": ("Đối thủ: thị phần thảo luận (SoV)", "Competitor moves: share of voice"),
    "brief.sov.none": (
        "Chưa so được: chưa có chủ đề thương hiệu/đối thủ, hoặc hôm qua không có đề cập nào.",
        "Nothing to compare: no brand or competitor topics, or no mentions yesterday.",
    ),
    "brief.sov.name": ("{topic} · {group}", "{topic} ({group})"),
    "brief.sov.mover_up": (
        "Đối thủ tăng mạnh nhất: {topic} +{x} điểm ({base} → {share}).",
        "Biggest competitor gain: {topic} +{x} pts ({base} → {share}).",
    ),
    "brief.sov.mover_down": (
        "Đối thủ giảm mạnh nhất: {topic} −{x} điểm ({base} → {share}).",
        "Biggest competitor drop: {topic} −{x} pts ({base} → {share}).",
    ),
    "brief.sov.steady": (
        "Thị phần ổn định: không đối thủ nào lệch quá 2 điểm so với mức thường.",
        "Share of voice is steady: no competitor moved more than 2 points from its usual.",
    ),
    "brief.sov.crisis_gain": (
        "Thị phần của {topic} tăng vì khủng hoảng — không phải tin tốt.",
        "{topic}'s share rose because of the crisis — not good news.",
    ),
    "brief.sov.mover_down_crisis": (
        "Đối thủ giảm nhiều nhất: {topic} −{x} điểm ({base} → {share}), chủ yếu vì thảo luận "
        "về khủng hoảng của mình tăng.",
        "Biggest competitor drop: {topic} −{x} pts ({base} → {share}), mostly because talk "
        "about our crisis grew.",
    ),
    "brief.section.quality": ("Tương tác thật và tương tác ảo", "Quality vs vanity engagement"),
    "brief.quality.intro": (
        "Ngày {day}. Ảo = tương tác của đề cập bị gắn cờ spam, seeding, giveaway và của các "
        "chuỗi minigame; chất lượng = phần còn lại.",
        "{day}. Vanity = interactions of mentions flagged as spam, seeding or giveaway and of "
        "minigame threads; quality = the rest.",
    ),
    "brief.quality.flag": ("{kind}: {n}", "{n} {kind}"),
    "brief.quality.gap": (
        "{topic}: {share} tương tác là ảo, chỉ {quality} trên {raw} là thật. "
        "Đừng báo cáo con số thô.",
        "{topic}: {share} of interactions are vanity; only {quality} of {raw} are real. "
        "Do not report the raw figure.",
    ),
    "brief.quality.seeding": (
        "{topic}: {n} đề cập bị gắn cờ seeding hôm qua ({share} số đề cập) — lượng thảo luận "
        "và thị phần của họ bị thổi phồng.",
        "{topic}: {n} mentions flagged as seeding yesterday ({share} of its mentions) — its "
        "volume and share of voice are inflated.",
    ),
    "brief.quality.clean": (
        "Không chủ đề nào có quá 20 % tương tác ảo.",
        "No topic has more than 20 % vanity interactions.",
    ),
    "brief.spam.giveaway": ("minigame", "giveaway"),
    "brief.spam.seeding": ("seeding", "seeded posts"),
    "brief.spam.ad": ("quảng cáo", "ads"),
    "brief.spam.junk": ("rác", "junk"),
    "brief.spam.other": ("khác", "other"),
    "brief.section.actions": ("Việc nên làm", "Recommended next actions"),
    "brief.actions.none": (
        "Không cần hành động đặc biệt hôm nay; tiếp tục theo dõi.",
        "Nothing special to do today; keep watching.",
    ),
    "brief.action.head": ("{topic} — {rule}", "{topic}: {rule}"),
    "brief.action.why": ("Vì: {trigger}.", "Because: {trigger}."),
    "brief.action.also": (
        "(+{n} phát hiện khác cùng loại)",
        "(+{n} more findings of the same kind)",
    ),
    "brief.trigger.signal": (
        "tín hiệu #{n} (mức {severity}/10): {sentence}",
        "signal #{n} (severity {severity}/10): {sentence}",
    ),
    "brief.trigger.stage": ("giai đoạn {stage} từ {since}", "stage {stage} since {since}"),
    "brief.trigger.buzz": (
        "{mentions} đề cập, gấp {x} lần mức thường, không tiêu cực hơn thường lệ",
        "{mentions} mentions, {x}× the usual, no more negative than usual",
    ),
    "brief.trigger.vanity": (
        "{share} tương tác hôm qua là ảo (thường {usual})",
        "{share} of yesterday's interactions were vanity (usual {usual})",
    ),
    "brief.trigger.seeding": (
        "{n} trên {mentions} đề cập hôm qua bị gắn cờ seeding",
        "{n} of yesterday's {mentions} mentions were flagged as seeding",
    ),
    "brief.trigger.sov": (
        "thị phần thảo luận {share}, thường lệ {base}",
        "share of voice {share}, usually {base}",
    ),
    "brief.footer": (
        "tinhieu · tính lúc {now} từ dữ liệu đến hết ngày {day} · cách đọc: docs/brief.md",
        "tinhieu · computed as of {now} from data up to the end of {day} · "
        "how to read it: docs/brief.md",
    ),
    "brief.group.brand": ("thương hiệu", "brand"),
    "brief.group.competitor": ("đối thủ", "competitor"),
    "brief.group.category": ("ngành hàng", "category"),
    "brief.aspect.price": ("giá", "price"),
    "brief.aspect.quality": ("chất lượng", "quality"),
    "brief.aspect.delivery": ("giao hàng", "delivery"),
    "brief.aspect.service": ("phục vụ", "service"),
    "brief.aspect.packaging": ("bao bì", "packaging"),
    "brief.aspect.app": ("ứng dụng", "the app"),
    "brief.aspect.promotion": ("khuyến mãi", "promotions"),
    "brief.aspect.store": ("cửa hàng", "stores"),
    "brief.risk.health": ("sức khoẻ", "health"),
    "brief.risk.hygiene": ("vệ sinh", "hygiene"),
    "brief.risk.safety": ("an toàn", "safety"),
    "brief.risk.boycott": ("tẩy chay", "boycott"),
    "brief.risk.fraud": ("lừa đảo", "fraud"),
    "brief.risk.legal": ("pháp lý", "legal"),
    "brief.risk.data": ("dữ liệu cá nhân", "personal data"),
    "brief.risk.staff": ("nhân viên", "staff"),
    # --- the brief's playbook (tinhieu.signals.playbook, data/playbook.toml) ---
    "playbook.rule.health_risk": (
        "Rủi ro sức khoẻ, vệ sinh, an toàn",
        "Health, hygiene or safety risk",
    ),
    "playbook.rule.escalation": ("Báo chí và trang lớn vào cuộc", "Escalation to news"),
    "playbook.rule.crisis_stage": ("Khủng hoảng đang bùng phát", "Crisis outbreak"),
    "playbook.rule.smouldering": ("Khiếu nại âm ỉ", "Smouldering complaints"),
    "playbook.rule.recovery": ("Giai đoạn hồi phục", "Recovery"),
    "playbook.rule.legal_risk": (
        "Rủi ro pháp lý, lừa đảo, dữ liệu, tẩy chay",
        "Legal, fraud, data or boycott risk",
    ),
    "playbook.rule.staff_risk": ("Phàn nàn về nhân viên", "Complaints about staff"),
    "playbook.rule.delivery": ("Phàn nàn về giao hàng", "Delivery complaints"),
    "playbook.rule.product_quality": ("Phàn nàn về chất lượng", "Product quality complaints"),
    "playbook.rule.service": ("Phàn nàn về phục vụ, cửa hàng", "Service and store complaints"),
    "playbook.rule.price_promotion": (
        "Phàn nàn về giá, khuyến mãi",
        "Price and promotion complaints",
    ),
    "playbook.rule.app": ("Phàn nàn về ứng dụng", "App complaints"),
    "playbook.rule.negative_brand": ("Tiêu cực tăng", "Rising negativity"),
    "playbook.rule.vanity_brand": ("Tương tác ảo", "Vanity engagement"),
    "playbook.rule.positive_buzz": ("Thảo luận tích cực tăng", "Positive buzz"),
    "playbook.rule.brand_volume": ("Thảo luận tăng vọt", "Volume spike"),
    "playbook.rule.competitor_seeding": (
        "Đối thủ seeding hoặc tương tác ảo",
        "Competitor seeding or vanity engagement",
    ),
    "playbook.rule.competitor_crisis": ("Đối thủ gặp khủng hoảng", "Competitor in crisis"),
    "playbook.rule.competitor_risk": ("Rủi ro ở đối thủ", "Risk at a competitor"),
    "playbook.rule.competitor_complaints": (
        "Khách của đối thủ đang phàn nàn",
        "The competitor's customers complain",
    ),
    "playbook.rule.competitor_gain": (
        "Đối thủ tăng thị phần thảo luận",
        "Competitor gaining share of voice",
    ),
    "playbook.rule.category_risk": ("Rủi ro sức khoẻ trong ngành", "Health scare in the category"),
    "playbook.rule.category_stage": ("Ngành hàng đang nóng", "Category under fire"),
    "playbook.rule.look": ("Nên xem qua", "Worth a look"),
    "playbook.step.pull_batch": (
        "Tạm ngừng bán lô/sản phẩm bị nêu tên, giữ mẫu để kiểm nghiệm.",
        "Pull the batch or product named and keep samples for testing.",
    ),
    "playbook.step.contact_store": (
        "Liên hệ ngay cửa hàng/chi nhánh được nhắc đến để xác minh.",
        "Contact the store or branch named right away to verify.",
    ),
    "playbook.step.holding_statement_2h": (
        "Chuẩn bị thông cáo tạm (holding statement) trong vòng 2 giờ.",
        "Prepare a holding statement within 2 hours.",
    ),
    "playbook.step.holding_statement": (
        "Chuẩn bị sẵn thông cáo tạm.",
        "Have a holding statement ready.",
    ),
    "playbook.step.reach_affected": (
        "Nhắn riêng từng khách báo bị ảnh hưởng, ghi lại thông tin đơn hàng.",
        "Message each customer who reports harm privately and record their order details.",
    ),
    "playbook.step.brief_pr": (
        "Báo cáo nhanh cho bộ phận PR/truyền thông ngay sáng nay.",
        "Brief PR this morning.",
    ),
    "playbook.step.official_statement": (
        "Chuẩn bị thông cáo chính thức và chỉ định người phát ngôn.",
        "Prepare the official statement and name a spokesperson.",
    ),
    "playbook.step.watch_news": (
        "Theo dõi báo chí và các trang lớn mỗi giờ.",
        "Watch news outlets and big pages every hour.",
    ),
    "playbook.step.crisis_team": (
        "Kích hoạt nhóm xử lý khủng hoảng, họp ngay sáng nay.",
        "Activate the crisis team and meet this morning.",
    ),
    "playbook.step.one_voice": (
        "Thống nhất một thông điệp phản hồi cho mọi kênh.",
        "Agree one response message for every channel.",
    ),
    "playbook.step.watch_hourly": (
        "Theo dõi từng giờ cho đến khi giai đoạn hạ xuống.",
        "Watch hour by hour until the stage comes down.",
    ),
    "playbook.step.reply_complaints": (
        "Trả lời từng khiếu nại trong ngày, xin thông tin đơn hàng.",
        "Reply to each complaint today and ask for order details.",
    ),
    "playbook.step.find_cause": (
        "Tìm nguyên nhân chung trong các khiếu nại (cửa hàng, sản phẩm, thời điểm).",
        "Look for the common cause in the complaints (store, product, time).",
    ),
    "playbook.step.watch_24h": ("Theo dõi sát 24 giờ tới.", "Watch the next 24 hours closely."),
    "playbook.step.watch_48h": ("Theo dõi sát 48 giờ tới.", "Watch the next 48 hours closely."),
    "playbook.step.follow_up_post": (
        "Đăng cập nhật về những gì đã làm để khắc phục.",
        "Post an update on what was done to fix it.",
    ),
    "playbook.step.measure_recovery": (
        "Theo dõi tỷ lệ tiêu cực về lại mức thường; tạm hoãn chiến dịch lớn.",
        "Track the negative share back to its usual level; hold big campaigns.",
    ),
    "playbook.step.legal_review": (
        "Chuyển pháp chế xem xét trước khi phản hồi.",
        "Have legal review before responding.",
    ),
    "playbook.step.talk_store_manager": (
        "Trao đổi với quản lý cửa hàng về thái độ phục vụ.",
        "Talk to the store managers about the service.",
    ),
    "playbook.step.prepare_response": (
        "Soạn sẵn câu trả lời mẫu cho khách phàn nàn.",
        "Prepare a reply for complaining customers.",
    ),
    "playbook.step.check_logistics": (
        "Kiểm tra với đối tác giao hàng: thời gian giao, khu vực bị ảnh hưởng.",
        "Check with the logistics partner: delivery times, areas affected.",
    ),
    "playbook.step.check_quality": (
        "Kiểm tra chất lượng với cửa hàng và nhà cung cấp (lô, nguyên liệu, đóng gói).",
        "Check quality with the stores and suppliers (batch, ingredients, packaging).",
    ),
    "playbook.step.check_pricing": (
        "Rà soát giá và điều kiện khuyến mãi đang truyền thông.",
        "Review the prices and promotion terms being advertised.",
    ),
    "playbook.step.check_app": (
        "Báo đội ứng dụng kiểm tra lỗi và tình trạng hệ thống.",
        "Ask the app team to check errors and system status.",
    ),
    "playbook.step.exclude_vanity": (
        "Loại phần tương tác ảo khỏi báo cáo; chỉ báo tương tác chất lượng.",
        "Exclude the vanity part from reporting; report quality engagement only.",
    ),
    "playbook.step.check_giveaway_rules": (
        "Rà soát thể lệ minigame: điều kiện tham gia, lọc tài khoản ảo.",
        "Check the giveaway rules: entry conditions, filtering fake accounts.",
    ),
    "playbook.step.note_do_not_copy": ("Ghi nhận; không làm theo.", "Note it; do not copy it."),
    "playbook.step.discount_in_sov": (
        "Trừ phần seeding khi so sánh thị phần thảo luận.",
        "Discount the seeding when comparing share of voice.",
    ),
    "playbook.step.amplify": (
        "Khuếch đại: chia sẻ lại nội dung tích cực, cảm ơn người tạo nội dung.",
        "Amplify: reshare the positive content and thank its creators.",
    ),
    "playbook.step.boost_content": (
        "Cân nhắc tăng ngân sách cho nội dung đang chạy tốt.",
        "Consider boosting the content that is working.",
    ),
    "playbook.step.no_gloating": (
        "Không bình luận hay chạy quảng cáo ăn theo khủng hoảng của đối thủ.",
        "Do not comment on or advertise against the competitor's crisis.",
    ),
    "playbook.step.check_shared_exposure": (
        "Kiểm tra xem mình có dùng chung nhà cung cấp hoặc gặp vấn đề tương tự không.",
        "Check whether we share the supplier or the same problem.",
    ),
    "playbook.step.prepare_faq": (
        "Chuẩn bị câu trả lời nếu khách hỏi so sánh với mình.",
        "Prepare answers in case customers ask how we compare.",
    ),
    "playbook.step.competitor_opportunity": (
        "Xem khách của đối thủ phàn nàn điều gì; nếu mình làm tốt hơn ở điểm đó, nhấn mạnh "
        "trong nội dung (không nêu tên đối thủ).",
        "See what the competitor's customers complain about; if we do better there, stress "
        "it in our content (without naming them).",
    ),
    "playbook.step.study_competitor": (
        "Xem đối thủ đang làm gì: chiến dịch, KOL, khuyến mãi.",
        "Look at what the competitor is doing: campaign, KOLs, promotions.",
    ),
    "playbook.step.review_content_plan": (
        "Rà soát kế hoạch nội dung tuần này.",
        "Review this week's content plan.",
    ),
    "playbook.step.read_evidence": (
        "Đọc các đề cập tiêu biểu và quyết định có cần hành động không.",
        "Read the top mentions and decide whether to act.",
    ),
}


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Add a module's messages (the web pages keep theirs beside their code).

    A key registered twice with different text is a programming error."""
    for key, pair in messages.items():
        known = _MESSAGES.get(key)
        if known is not None and known != pair:
            raise KeyError(f"message {key!r} registered twice with different text")
        _MESSAGES[key] = pair


def has(key: str) -> bool:
    return key in _MESSAGES


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
