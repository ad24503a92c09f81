"""Messages of the Signals inbox and the Moderation queue (Vietnamese, English)."""

from __future__ import annotations

from typing import Final

from tinhieu.i18n import register

MESSAGES: Final[dict[str, tuple[str, str]]] = {
    # --- durations ---
    "web.dur.now": ("vừa xong", "just now"),
    "web.dur.min": ("{n} phút", "{n} min"),
    "web.dur.hour": ("{n} giờ", "{n} h"),
    "web.dur.day": ("{n} ngày", "{n} d"),
    # --- inbox ---
    "web.signals.title": ("Tín hiệu", "Signals"),
    "web.signals.intro": (
        "Mỗi tín hiệu là một việc cần xử lý: xác nhận đã xem, giao cho đồng đội, ghi chú, "
        "đóng lại khi xong.",
        "Each signal is a case: acknowledge it, assign it to a teammate, add notes, resolve "
        "it when done.",
    ),
    "web.signals.filters": ("Lọc tín hiệu", "Filter signals"),
    "web.signals.status": ("Trạng thái", "Status"),
    "web.signals.status.active": ("Chưa xong", "Not resolved"),
    "web.signals.status.all": ("Tất cả", "All"),
    "web.signals.status.open": ("Mới", "Open"),
    "web.signals.status.acknowledged": ("Đã xác nhận", "Acknowledged"),
    "web.signals.status.resolved": ("Đã xử lý", "Resolved"),
    "web.signals.min_severity": ("Mức tối thiểu", "Min severity"),
    "web.signals.topic": ("Chủ đề", "Topic"),
    "web.signals.any_topic": ("Mọi chủ đề", "Any topic"),
    "web.signals.kind": ("Loại", "Kind"),
    "web.signals.any_kind": ("Mọi loại", "Any kind"),
    "web.signals.assignee": ("Người phụ trách", "Assignee"),
    "web.signals.anyone": ("Bất kỳ ai", "Anyone"),
    "web.signals.unassigned": ("Chưa giao", "Unassigned"),
    "web.signals.mine": ("Chỉ việc của tôi", "Only mine"),
    "web.signals.apply": ("Lọc", "Filter"),
    "web.signals.severity": ("Mức", "Severity"),
    "web.signals.signal": ("Tín hiệu", "Signal"),
    "web.signals.reason": ("Lý do", "Reason"),
    "web.signals.age": ("Đã bao lâu", "Age"),
    "web.signals.none": ("Không có tín hiệu nào khớp bộ lọc.", "No signals match the filters."),
    "web.signals.next": ("Trang sau →", "Next page →"),
    "web.signals.first": ("← Trang đầu", "← First page"),
    "web.signals.reason_line": ("{sentence} (z = {z})", "{sentence} (z = {z})"),
    # --- response times ---
    "web.rt.title": ("Tốc độ phản ứng ({days} ngày qua)", "Response times (last {days} days)"),
    "web.rt.period": ("Khoảng thời gian", "Period"),
    "web.rt.days": ("{days} ngày", "{days} days"),
    "web.rt.band": ("Mức", "Severity"),
    "web.rt.band.all": ("Tất cả", "All"),
    "web.rt.count": ("Số tín hiệu", "Signals"),
    "web.rt.ack_median": ("Xác nhận (trung vị)", "To acknowledge (median)"),
    "web.rt.ack_p90": ("Xác nhận (p90)", "To acknowledge (p90)"),
    "web.rt.resolve_median": ("Xử lý xong (trung vị)", "To resolve (median)"),
    "web.rt.resolve_p90": ("Xử lý xong (p90)", "To resolve (p90)"),
    "web.rt.within_1h": ("Xác nhận trong 1 giờ", "Acknowledged within 1 h"),
    "web.rt.within_24h": ("Xác nhận trong 24 giờ", "Acknowledged within 24 h"),
    "web.rt.open": ("Đang mở", "Open"),
    "web.rt.oldest": ("Mở lâu nhất", "Oldest open"),
    "web.rt.note": (
        "Tính từ lúc tinhieu phát hiện tín hiệu. Trung vị và p90 chỉ tính các tín hiệu đã "
        'xác nhận / đã xử lý; "đang mở" gồm mọi tín hiệu chưa xử lý, kể cả cũ hơn.',
        "Measured from when tinhieu detected the signal. Median and p90 count only the "
        'acknowledged / resolved signals; "open" counts every unresolved signal, older '
        "ones included.",
    ),
    # --- one signal ---
    "web.signal.title": ("{topic} — {kind}", "{topic} — {kind}"),
    "web.signal.back": ("← Hộp tín hiệu", "← Signals inbox"),
    "web.signal.detected": ("Phát hiện lúc {when}", "Detected {when}"),
    "web.signal.assigned_to": ("Phụ trách: {name}", "Assigned to {name}"),
    "web.signal.nobody": ("Chưa giao cho ai", "Not assigned"),
    "web.signal.why": ("Vì sao có tín hiệu này?", "Why did I get this?"),
    "web.signal.window": ("Cửa sổ", "Window"),
    "web.signal.window_hours": ("{n} giờ", "{n} h"),
    "web.signal.severity_why": (
        "Mức độ (1–10) tăng theo độ lệch so với mức nền, theo số lần vượt mức nền (×3, ×10), "
        "với loại tín hiệu (tiêu cực, báo chí, từ khoá rủi ro) và giai đoạn khủng hoảng của "
        'chủ đề; tăng đột biến "ảo" tối đa 3.',
        "Severity (1–10) grows with the deviation from the baseline, with how many times the "
        "baseline was exceeded (×3, ×10), with the kind (negative, news, risk terms) and with "
        "the topic's crisis stage; vanity spikes are capped at 3.",
    ),
    "web.signal.evidence": ("Bằng chứng", "Evidence"),
    "web.signal.mentions": ("Đề cập tiêu biểu", "Top mentions"),
    "web.signal.open_mention": ("Xem đề cập", "Open mention"),
    "web.signal.source": ("Bài gốc", "Original"),
    "web.signal.authors": ("Tác giả nổi bật", "Top authors"),
    "web.signal.author_line": ("{name} — {n} đề cập", "{name} — {n} mentions"),
    "web.signal.followers": ("{n} người theo dõi", "{n} followers"),
    "web.signal.sentiment.positive": ("tích cực", "positive"),
    "web.signal.sentiment.neutral": ("trung tính", "neutral"),
    "web.signal.sentiment.negative": ("tiêu cực", "negative"),
    "web.signal.terms": ("Từ khoá nổi bật", "Top terms"),
    "web.signal.aspect": ("Khía cạnh", "Aspect"),
    "web.signal.platforms": ("Nền tảng", "Platforms"),
    "web.signal.no_evidence": ("Không có bằng chứng lưu kèm.", "No evidence stored."),
    "web.signal.case": ("Xử lý", "Case"),
    "web.signal.acknowledge": ("Xác nhận đã xem", "Acknowledge"),
    "web.signal.assign": ("Giao cho", "Assign to"),
    "web.signal.assign_submit": ("Giao", "Assign"),
    "web.signal.nobody_option": ("— không ai —", "— nobody —"),
    "web.signal.note": ("Ghi chú", "Note"),
    "web.signal.note_submit": ("Thêm ghi chú", "Add note"),
    "web.signal.resolve_note": ("Ghi chú khi đóng (không bắt buộc)", "Closing note (optional)"),
    "web.signal.resolve": ("Đánh dấu đã xử lý", "Resolve"),
    "web.signal.reopen": ("Mở lại", "Reopen"),
    "web.signal.read_only": (
        "Vai trò xem không thể xử lý tín hiệu.",
        "Viewers cannot work on signals.",
    ),
    "web.signal.timeline": ("Diễn biến", "Timeline"),
    "web.event.detected": ("tinhieu phát hiện tín hiệu", "tinhieu detected the signal"),
    "web.event.acknowledge": ("{who} đã xác nhận", "{who} acknowledged"),
    "web.event.assign": ("{who} giao cho {name}", "{who} assigned it to {name}"),
    "web.event.unassign": ("{who} bỏ giao", "{who} unassigned it"),
    "web.event.note": ("{who} ghi chú", "{who} added a note"),
    "web.event.resolve": ("{who} đánh dấu đã xử lý", "{who} resolved it"),
    "web.event.reopen": ("{who} mở lại", "{who} reopened it"),
    # --- moderation ---
    "web.moderation.title": ("Kiểm duyệt", "Moderation"),
    "web.moderation.intro": (
        "Bình luận bị mô hình gắn cờ độc hại hoặc spam chờ người xem xét: duyệt, ẩn hoặc "
        "chuyển cấp trên. Ẩn không xoá đề cập.",
        "Comments the models flagged as toxic or spam, waiting for a human: approve, hide or "
        "escalate. Hiding never deletes a mention.",
    ),
    "web.moderation.tab.queue": ("Chờ duyệt ({n})", "Queue ({n})"),
    "web.moderation.tab.decided": ("Đã quyết định ({n})", "Decided ({n})"),
    "web.moderation.tabs": ("Danh sách", "Lists"),
    "web.moderation.counts": ("Số lượng theo lý do", "Waiting per reason"),
    "web.moderation.filters": ("Lọc", "Filter"),
    "web.moderation.reason": ("Lý do", "Reason"),
    "web.moderation.any_reason": ("Mọi lý do", "Any reason"),
    "web.moderation.platform": ("Nền tảng", "Platform"),
    "web.moderation.any_platform": ("Mọi nền tảng", "Any platform"),
    "web.moderation.topic": ("Chủ đề", "Topic"),
    "web.moderation.any_topic": ("Mọi chủ đề", "Any topic"),
    "web.moderation.decision": ("Quyết định", "Decision"),
    "web.moderation.any_decision": ("Mọi quyết định", "Any decision"),
    "web.moderation.apply": ("Lọc", "Filter"),
    "web.moderation.reason.hate": ("Thù ghét", "Hate"),
    "web.moderation.reason.offensive": ("Xúc phạm", "Offensive"),
    "web.moderation.reason.spam": ("Spam (mọi loại)", "Spam (any kind)"),
    "web.moderation.reason.fake_review": ("Đánh giá giả", "Fake review"),
    "web.moderation.reason.seeding": ("Seeding", "Seeding"),
    "web.moderation.reason.ad": ("Quảng cáo", "Ad"),
    "web.moderation.reason.giveaway": ("Minigame", "Giveaway"),
    "web.moderation.reason.junk": ("Rác", "Junk"),
    "web.moderation.reason.brand_only": ("Chỉ nêu tên thương hiệu", "Brand name only"),
    "web.moderation.why": ("Vì sao bị gắn cờ", "Why flagged"),
    "web.moderation.words": ("Từ ngữ bị đánh dấu: {n}", "Marked words: {n}"),
    "web.moderation.model_only": (
        "Mô hình gắn nhãn; không có từ nào trong từ điển.",
        "Labelled by the model; no lexicon word found.",
    ),
    "web.moderation.rule": ("Luật spam: {reason}", "Spam rule: {reason}"),
    "web.moderation.open_mention": ("Xem đề cập", "Open mention"),
    "web.moderation.note": ("Ghi chú (không bắt buộc)", "Note (optional)"),
    "web.moderation.decision.approve": ("Duyệt", "Approve"),
    "web.moderation.decision.hide": ("Ẩn", "Hide"),
    "web.moderation.decision.escalate": ("Chuyển cấp trên", "Escalate"),
    "web.moderation.decided_by": (
        "{decision} bởi {who}, {when}",
        "{decision} by {who}, {when}",
    ),
    "web.moderation.change": ("Đổi quyết định", "Change the decision"),
    "web.moderation.undo": ("Trả về hàng chờ", "Back to the queue"),
    "web.moderation.empty": ("Không còn gì chờ duyệt.", "Nothing waiting for review."),
    "web.moderation.empty_decided": ("Chưa có quyết định nào.", "No decisions yet."),
    "web.moderation.actions": ("Quyết định cho đề cập này", "Decide on this mention"),
}

register(MESSAGES)
