"""One alert message per signal, in every format the channels need.

Social text is hostile: a mention can hold ``<script>``, ``"}``, Slack's ``<!channel>``
or a ``javascript:`` link. Every piece of text that did not come from tinhieu itself is
escaped for the format it lands in: HTML-escaped for e-mail and Telegram (whose HTML
mode knows only a few tags), ``&``/``<``/``>``-escaped for Slack's mrkdwn, and left to
``json.dumps`` for webhooks. Links are only kept when they are http(s).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from tinhieu.i18n import number, t
from tinhieu.signals.alerts.rules import AlertRule
from tinhieu.signals.model import Signal
from tinhieu.store.base import DEFAULT_TIMEZONE

MAX_MENTIONS: Final[int] = 3
MAX_AUTHORS: Final[int] = 5
MAX_TERMS: Final[int] = 8
MAX_QUOTE: Final[int] = 280  # characters of a mention's text shown
SLACK_SECTION_LIMIT: Final[int] = 3000


@dataclass(frozen=True, slots=True)
class Message:
    """What every channel needs to send one alert."""

    subject: str  # one line: the e-mail subject, the Slack fallback text
    text: str  # plain text
    html: str  # an HTML document (e-mail)
    telegram_html: str  # Telegram's HTML subset
    slack: dict[str, Any]  # {"text": ..., "blocks": [...]} for an incoming webhook
    data: dict[str, Any] = field(default_factory=dict)  # the webhook's JSON body


@dataclass(frozen=True, slots=True)
class _Quote:
    author: str | None
    text: str
    url: str | None
    platform: str


@dataclass(frozen=True, slots=True)
class _Content:
    title: str
    facts: tuple[tuple[str, str], ...]
    quotes: tuple[_Quote, ...]
    authors: tuple[str, ...]
    terms: tuple[str, ...]
    why: str
    footer: str
    lang: str


def render(
    signal: Signal,
    rule: AlertRule,
    *,
    timezone: str = DEFAULT_TIMEZONE,
    delivery_id: int | None = None,
    test: bool = False,
) -> Message:
    """The message for ``signal`` as ``rule`` (its language) delivers it."""
    c = _content(signal, rule, timezone, test)
    data = {
        "event": "tinhieu.alert",
        "version": 1,
        "test": test,
        "delivery_id": delivery_id,
        "rule": {
            "name": rule.name,
            "topic": rule.topic,
            "kinds": rule.kinds_text,
            "min_severity": rule.min_severity,
        },
        "title": c.title,
        "text": _text(c),
        "signal": signal.to_dict(),
    }
    return Message(
        subject=_one_line(c.title),
        text=_text(c),
        html=_html(c),
        telegram_html=_telegram(c),
        slack=_slack(c),
        data=data,
    )


# --- content -----------------------------------------------------------------------------
def _t(key: str, lang: str, fallback: str, **values: object) -> str:
    try:
        return t(key, lang, **values)
    except KeyError:
        return fallback


def _content(signal: Signal, rule: AlertRule, timezone: str, test: bool) -> _Content:
    lang = rule.lang
    kind = _t(f"alert.kind.{signal.kind}", lang, signal.kind)
    title = t("alert.title", lang, severity=signal.severity, kind=kind, topic=signal.topic)
    if test:
        title = t("alert.test_prefix", lang) + title
    measure = _t(f"alert.measure.{signal.measure}", lang, signal.measure)
    facts: list[tuple[str, str]] = [
        (t("alert.field.topic", lang), signal.topic),
        (t("alert.field.kind", lang), kind),
        (t("alert.field.severity", lang), f"{signal.severity}/10"),
        (t("alert.field.when", lang), _when(signal, timezone, lang)),
        (t("alert.field.measure", lang), measure),
        (t("alert.field.observed", lang), _value(signal.observed, signal.measure, lang)),
        (t("alert.field.baseline", lang), _value(signal.baseline, signal.measure, lang)),
        (t("alert.field.deviation", lang), _decimal(signal.deviation, lang, signed=True)),
    ]
    if signal.persistence > 1:
        facts.append(
            (t("alert.field.persistence", lang), t("alert.persistence", lang, n=signal.persistence))
        )
    if signal.stage:
        facts.append(
            (t("alert.field.stage", lang), _t(f"alert.stage.{signal.stage}", lang, signal.stage))
        )
    if signal.dimension_value:
        scope = (
            f"{signal.dimension}: {signal.dimension_value}"
            if signal.dimension
            else signal.dimension_value
        )
        facts.append((t("alert.field.scope", lang), scope))
    ev = signal.evidence
    quotes = tuple(
        _Quote(
            author=m.author,
            text=_clip(" ".join(m.text.split()), MAX_QUOTE),
            url=_safe_url(m.url),
            platform=m.platform,
        )
        for m in ev.mentions[:MAX_MENTIONS]
    )
    authors = tuple(
        t("alert.evidence.author", lang, name=a.name, mentions=number(a.mentions, lang))
        for a in ev.authors[:MAX_AUTHORS]
    )
    terms = tuple(ev.terms[:MAX_TERMS])
    why = t(
        "alert.why",
        lang,
        rule=rule.name,
        topic=rule.topic or t("alert.any_topic", lang),
        kinds=", ".join(_t(f"alert.kind.{k}", lang, k) for k in rule.kinds)
        if rule.kinds
        else t("alert.any_kind", lang),
        min_severity=rule.min_severity,
    )
    return _Content(
        title=title,
        facts=tuple(facts),
        quotes=quotes,
        authors=authors,
        terms=terms,
        why=why,
        footer=t("alert.footer", lang),
        lang=lang,
    )


def _when(signal: Signal, timezone: str, lang: str) -> str:
    try:
        tz = ZoneInfo(timezone)
    except (KeyError, ValueError):
        tz = ZoneInfo(DEFAULT_TIMEZONE)
    start = signal.bucket_start.astimezone(tz)
    if signal.grain == "day":
        return start.strftime("%d/%m/%Y" if lang == "vi" else "%Y-%m-%d")
    end = signal.bucket_end.astimezone(tz)
    fmt = "%H:%M %d/%m/%Y" if lang == "vi" else "%Y-%m-%d %H:%M"
    return f"{start.strftime(fmt)}–{end:%H:%M} ({tz.key})"


def _value(value: float, measure: str, lang: str) -> str:
    if measure.endswith("_share"):
        return _decimal(100 * value, lang, digits=1) + "%"
    if math.isfinite(value) and float(value).is_integer():
        return number(int(value), lang)
    return _decimal(value, lang)


def _decimal(value: float, lang: str, *, digits: int = 2, signed: bool = False) -> str:
    if not math.isfinite(value):
        return str(value)
    text = f"{value:+,.{digits}f}" if signed else f"{value:,.{digits}f}"
    if lang == "vi":  # 1.234,5
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _safe_url(url: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(c.isspace() or ord(c) < 32 for c in url):
        return None
    return url


# --- formats -----------------------------------------------------------------------------
def _text(c: _Content) -> str:
    lines = [c.title, ""]
    lines += [f"{label}: {value}" for label, value in c.facts]
    if c.quotes:
        lines += ["", t("alert.evidence.mentions", c.lang) + ":"]
        for q in c.quotes:
            who = f"{q.author} ({q.platform})" if q.author else q.platform
            lines.append(f"- {who}: “{q.text}”" + (f" <{q.url}>" if q.url else ""))
    if c.authors:
        lines += ["", t("alert.evidence.authors", c.lang) + ": " + "; ".join(c.authors)]
    if c.terms:
        lines += ["", t("alert.evidence.terms", c.lang) + ": " + ", ".join(c.terms)]
    lines += ["", c.why, "", "— " + c.footer]
    return "\n".join(lines) + "\n"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _html(c: _Content) -> str:
    rows = "".join(
        f'<tr><th align="left" style="padding:2px 12px 2px 0">{_e(k)}</th><td>{_e(v)}</td></tr>'
        for k, v in c.facts
    )
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{c.lang}"><head><meta charset="utf-8"><title>{_e(c.title)}</title></head>',
        '<body style="font-family:sans-serif">',
        f"<h2>{_e(c.title)}</h2>",
        f"<table>{rows}</table>",
    ]
    if c.quotes:
        parts.append(f"<h3>{_e(t('alert.evidence.mentions', c.lang))}</h3><ul>")
        for q in c.quotes:
            who = _e(f"{q.author} ({q.platform})" if q.author else q.platform)
            link = (
                f' <a href="{_e(q.url)}">{_e(t("alert.evidence.link", c.lang))}</a>'
                if q.url
                else ""
            )
            parts.append(f"<li><b>{who}</b>: <q>{_e(q.text)}</q>{link}</li>")
        parts.append("</ul>")
    if c.authors:
        parts.append(
            f"<p><b>{_e(t('alert.evidence.authors', c.lang))}:</b> {_e('; '.join(c.authors))}</p>"
        )
    if c.terms:
        parts.append(
            f"<p><b>{_e(t('alert.evidence.terms', c.lang))}:</b> {_e(', '.join(c.terms))}</p>"
        )
    parts.append(f'<p style="color:#555">{_e(c.why)}</p>')
    parts.append(f'<p style="color:#888;font-size:small">{_e(c.footer)}</p></body></html>')
    return "\n".join(parts)


def _telegram(c: _Content) -> str:
    # Telegram's HTML mode: only <b>, <i>, <a href>, … and the entities &lt; &gt; &amp;
    # &quot; (html.escape's &#x27; is a numeric entity, which Telegram accepts).
    lines = [f"<b>{_e(c.title)}</b>", ""]
    lines += [f"<b>{_e(k)}:</b> {_e(v)}" for k, v in c.facts]
    if c.quotes:
        lines += ["", f"<b>{_e(t('alert.evidence.mentions', c.lang))}:</b>"]
        for q in c.quotes:
            who = _e(f"{q.author} ({q.platform})" if q.author else q.platform)
            link = (
                f' <a href="{_e(q.url)}">{_e(t("alert.evidence.link", c.lang))}</a>'
                if q.url
                else ""
            )
            lines.append(f"• {who}: <i>{_e(q.text)}</i>{link}")
    if c.authors:
        lines += [
            "",
            f"<b>{_e(t('alert.evidence.authors', c.lang))}:</b> {_e('; '.join(c.authors))}",
        ]
    if c.terms:
        lines += ["", f"<b>{_e(t('alert.evidence.terms', c.lang))}:</b> {_e(', '.join(c.terms))}"]
    lines += ["", f"<i>{_e(c.why)}</i>"]
    return "\n".join(lines)


def slack_escape(text: str) -> str:
    """Escape text for Slack mrkdwn: ``&``, ``<`` and ``>`` only, as Slack documents."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_link(url: str, label: str) -> str:
    # Inside <url|label>, a "|" or ">" in the URL would end it early.
    safe = slack_escape(url).replace("|", "%7C")
    return f"<{safe}|{slack_escape(label)}>"


def _slack(c: _Content) -> dict[str, Any]:
    facts = "\n".join(f"*{slack_escape(k)}:* {slack_escape(v)}" for k, v in c.facts)
    blocks: list[dict[str, Any]] = [
        _section(f"*{slack_escape(c.title)}*"),
        _section(facts),
    ]
    if c.quotes:
        lines = [f"*{slack_escape(t('alert.evidence.mentions', c.lang))}:*"]
        for q in c.quotes:
            who = slack_escape(f"{q.author} ({q.platform})" if q.author else q.platform)
            link = " " + _slack_link(q.url, t("alert.evidence.link", c.lang)) if q.url else ""
            lines.append(f"• {who}: “{slack_escape(q.text)}”{link}")
        blocks.append(_section("\n".join(lines)))
    extra = []
    if c.authors:
        extra.append(
            f"*{slack_escape(t('alert.evidence.authors', c.lang))}:* "
            + slack_escape("; ".join(c.authors))
        )
    if c.terms:
        extra.append(
            f"*{slack_escape(t('alert.evidence.terms', c.lang))}:* "
            + slack_escape(", ".join(c.terms))
        )
    if extra:
        blocks.append(_section("\n".join(extra)))
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": slack_escape(c.why)}]}
    )
    return {"text": slack_escape(_one_line(c.title)), "blocks": blocks}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _clip(text, SLACK_SECTION_LIMIT)}}
