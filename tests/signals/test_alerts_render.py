"""Alert messages: what they say, in both languages, and hostile text kept harmless."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from tests.signals.test_alerts_servers import HOSTILE, WS, _TelegramHTML, make_signal
from tinhieu.signals.alerts import AlertRule, make_rule, render
from tinhieu.signals.model import Signal


def _rule(lang: str = "vi") -> AlertRule:
    return make_rule(
        WS,
        "khủng hoảng",
        channel="slack",
        target={"url_env": "SLACK_URL"},
        topic="Trà Mây",
        kinds="negative_shift,escalation",
        min_severity=5,
        lang=lang,
    )


def test_vietnamese_message_has_the_facts_and_why() -> None:
    msg = render(make_signal(), _rule("vi"), timezone="Asia/Ho_Chi_Minh")
    assert msg.subject == "[Mức 6/10] Tỷ lệ tiêu cực tăng · Trà Mây"
    text = msg.text
    assert "Chủ đề: Trà Mây" in text
    assert "Quan sát: 42,0%" in text and "Mức nền: 12,0%" in text  # shares as percent, vi commas
    assert "Độ lệch (z): +5,25" in text
    assert "Giai đoạn: Bùng phát" in text
    assert "Kéo dài: 2 khung thời gian liên tiếp" in text
    assert "21:00 01/03/2026–22:00 (Asia/Ho_Chi_Minh)" in text  # 14:00 UTC in UTC+7
    assert "Lan (facebook)" in text and "Báo <Mới> (12 đề cập)" in text
    assert "giao hàng chậm" in text
    assert "quy tắc “khủng hoảng” khớp" in text and "mức từ 5" in text
    assert "ship lâu thật" in text  # the newline inside the quote is folded


def test_english_message() -> None:
    sig = make_signal(measure="volume", observed=1234.0, baseline=310.5, kind="volume_spike")
    msg = render(sig, _rule("en"), timezone="Asia/Ho_Chi_Minh")
    assert msg.subject == "[Severity 6/10] Volume spike · Trà Mây"
    assert "Observed: 1,234" in msg.text and "Baseline: 310.50" in msg.text
    assert "Why you got this: the rule “khủng hoảng” matched" in msg.text
    assert "kinds: Negative share rising, Escalation to news and big pages" in msg.text


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]

    def handle_data(self, data: str) -> None:
        self.text += data


def test_html_email_escapes_hostile_text() -> None:
    msg = render(make_signal(), _rule())
    assert "<script>" not in msg.html and "&lt;script&gt;" in msg.html
    assert "<img" not in msg.html and "&lt;img src=x&gt;" in msg.html
    parsed = _Tags()
    parsed.feed(msg.html)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert parsed.hrefs == ["https://facebook.com/p1"]  # javascript: links are dropped
    assert HOSTILE in parsed.text  # shown to the reader exactly as written


def test_telegram_html_is_valid_for_the_bot_api() -> None:
    msg = render(make_signal(), _rule())
    parser = _TelegramHTML()
    parser.feed(msg.telegram_html)
    parser.close()
    assert parser.errors == [] and parser.stack == []
    assert "&lt;script&gt;" in msg.telegram_html
    assert "javascript:" not in msg.telegram_html


def test_slack_text_cannot_ping_or_inject_links() -> None:
    msg = render(make_signal(), _rule())
    body = json.dumps(msg.slack)
    decoded = json.loads(body)
    texts = [b["text"]["text"] for b in decoded["blocks"] if b["type"] == "section"]
    joined = "\n".join(texts)
    assert "<!channel>" not in joined and "&lt;!channel&gt;" in joined
    assert "<script>" not in joined and "&amp;" in joined
    # the only raw < in Slack markup is our own link
    assert joined.count("<") == 1 and "<https://facebook.com/p1|" in joined
    assert decoded["text"] == msg.subject.replace("&", "&amp;")


def test_webhook_body_round_trips_hostile_text() -> None:
    sig = make_signal()
    msg = render(sig, _rule(), delivery_id=42)
    body = json.loads(json.dumps(msg.data, ensure_ascii=False))
    assert body["delivery_id"] == 42 and body["event"] == "tinhieu.alert"
    assert body["signal"]["evidence"]["mentions"][0]["text"].endswith(HOSTILE)
    assert body["signal"]["evidence"]["mentions"][1]["author"] == 'Minh"}'
    assert Signal.from_dict(body["signal"]) == sig
    assert body["rule"] == {
        "name": "khủng hoảng",
        "topic": "Trà Mây",
        "kinds": "negative_shift,escalation",
        "min_severity": 5,
    }


def test_long_mentions_are_clipped() -> None:
    from tinhieu.signals.model import Evidence, EvidenceMention

    ev = Evidence(
        mentions=tuple(
            EvidenceMention(
                platform="facebook", source_id=str(i), url=None, author=None, text="á" * 5000
            )
            for i in range(10)
        )
    )
    msg = render(make_signal(evidence=ev), _rule())
    assert len(msg.telegram_html) < 4096  # Telegram's limit
    assert msg.text.count("…") == 3  # three mentions shown, each clipped


def test_only_http_links_survive() -> None:
    from tinhieu.signals.model import Evidence, EvidenceMention

    urls = ["javascript://example.com/%0Aalert(1)", "data:text/html,<b>x</b>", "https://ok.vn/a b"]
    ev = Evidence(
        mentions=tuple(
            EvidenceMention(platform="web", source_id=str(i), url=u, author=None, text="x")
            for i, u in enumerate(urls)
        )
    )
    msg = render(make_signal(evidence=ev), _rule())
    for body in (msg.html, msg.telegram_html, json.dumps(msg.slack), msg.text):
        assert "javascript" not in body and "data:text" not in body and "ok.vn" not in body
