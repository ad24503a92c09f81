r"""The morning brief as plain text, Markdown or one self-contained HTML page.

One composer (:func:`_compose`) writes the brief's sections through a writer per format,
so the words and the order are the same everywhere and escaping is decided in one place.

Social text is hostile. Everything that did not come from tinhieu itself — mention
text, author names, terms, topic and workspace names — passes through the writer's
``esc`` before it is placed:

* every format first drops control characters (an ANSI escape in a post must not
  repaint the terminal) and bidirectional overrides, and folds whitespace to one line;
* HTML: :func:`html.escape` (quotes included); the page has inline CSS only, no
  script, no external resource, and a Content-Security-Policy that forbids both;
* Markdown: every character with a meaning in CommonMark or GFM (``\ ` * _ { } [ ] ( )
  # + - . ! | < > ~ &``) is backslash-escaped, so ``[x](javascript:…)``, ``<script>``,
  ``**``, ``|`` or a leading ``#`` are shown as typed and never become links, HTML,
  emphasis, table cells or headings;
* links are kept only when they are plain ``http(s)`` URLs without quotes, brackets,
  spaces or angle brackets.

Our own sentences come from :mod:`tinhieu.i18n` (``brief.*`` and ``playbook.*``) and are
HTML-escaped too; numbers are written the way the language writes them (``1.234`` and
``12,5 %`` in Vietnamese, ``1,234`` and ``12.5 %`` in English, as ``tinhieu stats``).
"""

from __future__ import annotations

import html
import math
import re
import textwrap
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Final, Literal
from zoneinfo import ZoneInfo

from tinhieu.i18n import current_lang, number, t
from tinhieu.signals.brief import (
    QUIET_SEVERITY,
    SEEDING_MIN,
    Brief,
    BriefSignal,
    Episode,
    Headline,
    Measure,
    TopicDay,
    TopicProjection,
    TopicStage,
)
from tinhieu.signals.model import Signal
from tinhieu.signals.playbook import Action, Finding, rule_title, step_text
from tinhieu.signals.projection import describe
from tinhieu.text.normalise import fold

Format = Literal["text", "markdown", "html"]
FORMATS: Final[tuple[str, ...]] = ("text", "markdown", "html")
QUOTE_CHARS: Final = 200  # characters of a mention quoted in the brief
TERMS_SHOWN: Final = 6
WIDTH: Final = 96  # text lines are wrapped at this width
MINUS: Final = "\u2212"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SAFE_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#@!$&*+,;=%]+\Z")
#: Characters with a meaning in CommonMark or GFM (emphasis, links, images, code, HTML,
#: headings, lists, tables, entities, strikethrough): backslash-escaped in data.
_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


class Safe(str):
    """Text already in the target format (escaped, or markup we wrote)."""


def clean(text: str | None) -> str:
    """One line of untrusted text: control and bidi characters removed, whitespace
    folded, NFC."""
    if not text:
        return ""
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", str(text)))
    return " ".join(text.split())


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def unique_terms(terms: Sequence[str], limit: int) -> list[str]:
    """Terms in order, each once (compared without case and diacritics)."""
    out: list[str] = []
    seen: set[str] = set()
    for x in terms:
        c = clean(x)
        key = fold(c.lower())
        if c and key not in seen:
            seen.add(key)
            out.append(c)
    return out[:limit]


def _fill(text: str, initial_indent: str = "", subsequent_indent: str = "") -> str:
    """``textwrap.fill`` that never breaks between a number and its ``%``."""
    wrapped = textwrap.fill(
        text.replace(" %", "\u00a0%"),
        WIDTH,
        initial_indent=initial_indent,
        subsequent_indent=subsequent_indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return wrapped.replace("\u00a0%", " %")


def safe_url(url: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    return url if _SAFE_URL.match(url) else None


# --------------------------------------------------------------------------- numbers


class _Num:
    """Numbers as the language writes them."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def dec(self, value: float, digits: int = 1, *, signed: bool = False) -> str:
        text = f"{abs(value):,.{digits}f}"
        if self.lang == "vi":
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        if value < 0 and float(text.replace(",", "").replace(".", "") or 0) != 0:
            return MINUS + text
        return ("+" + text) if signed and value > 0 else text

    def count(self, value: float) -> str:
        v = round(value)
        text = number(abs(int(v)), self.lang)
        return MINUS + text if v < 0 else text

    def level(self, value: float) -> str:
        """A usual level or an expected count: whole above 10, else 1–2 decimals."""
        if not math.isfinite(value):
            return "—"
        a = abs(value)
        if a >= 10 or float(value).is_integer():
            return self.count(value)
        digits = 1 if a >= 1 else 2
        text = self.dec(value, digits)
        sep = "," if self.lang == "vi" else "."
        if sep in text:
            text = text.rstrip("0").rstrip(sep)
        return text

    def pct(self, share: float | None, digits: int = 1) -> str:
        """A proportion (0–1) as a percentage."""
        return "—" if share is None else f"{self.dec(100 * share, digits)} %"

    def pct_value(self, pct: float | None, digits: int = 1) -> str:
        """A value already in percent."""
        return "—" if pct is None else f"{self.dec(pct, digits)} %"

    def score(self, value: float | None) -> str:
        return "—" if value is None else self.dec(value, 0, signed=True)


# --------------------------------------------------------------------------- writers


class _Writer:
    fmt: Format = "text"

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.n = _Num(lang)
        self.parts: list[str] = []

    # inline
    def esc(self, text: str | None) -> Safe:
        return Safe(clean(text))

    def own(self, text: str) -> Safe:
        return Safe(text)

    def strong(self, text: Safe) -> Safe:
        return text

    def badge(self, severity: int) -> Safe:
        return Safe(f"[{severity}/10]")

    def link(self, label: str, url: str | None) -> Safe:
        u = safe_url(url)
        return Safe(f"<{u}>") if u else Safe("")

    def say(self, key: str, **values: object) -> Safe:
        """The message ``key`` with its values placed safely: :class:`Safe` values as
        they are, other strings escaped, numbers as written by ``str``."""
        tokens = {k: f"\x00{i}\x00" for i, k in enumerate(values)}
        text = self.own(t(key, self.lang, **tokens))
        for k, tok in tokens.items():
            v = values[k]
            text = Safe(text.replace(tok, v if isinstance(v, Safe) else self.esc(str(v))))
        return text

    def join(self, items: Sequence[Safe], sep: str = ", ") -> Safe:
        return Safe(self.own(sep).join(items))

    # blocks
    def title(self, text: Safe, meta: Sequence[Safe]) -> None:
        self.parts += [text, "=" * min(len(text), WIDTH), *meta]

    def section(self, text: Safe) -> None:
        up = text.upper()
        self.parts += ["", up, "─" * min(len(up), WIDTH)]

    def para(self, text: Safe) -> None:
        self.parts.append(_fill(text))

    def bullets(self, items: Sequence[Safe], *, ordered: bool = False) -> None:
        for i, item in enumerate(items, 1):
            mark = f"{i}. " if ordered else "• "
            self.parts.append(_fill(item, initial_indent=mark, subsequent_indent=" " * len(mark)))

    def item(self, head: Safe, lines: Sequence[Safe]) -> None:
        self.parts.append(_fill(head))
        for line in lines:
            self.parts.append(_fill(line, initial_indent="   ", subsequent_indent="     "))

    def quote(self, text: Safe, who: Safe) -> Safe:
        return Safe(f"«{text}» — {who}")

    def table(
        self, head: Sequence[Safe], rows: Sequence[Sequence[Safe]], right: Sequence[bool]
    ) -> None:
        widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]

        def line(cells: Sequence[str]) -> str:
            out = []
            for i, c in enumerate(cells):
                out.append(c.rjust(widths[i]) if right[i] else c.ljust(widths[i]))
            return "  " + "   ".join(out).rstrip()

        self.parts.append(line(head))
        self.parts.extend(line(r) for r in rows)

    def gap(self) -> None:
        self.parts.append("")

    def result(self) -> str:
        lines: list[str] = []
        for p in self.parts:
            if p == "" and lines and lines[-1] == "":
                continue
            lines.append(p)
        return "\n".join(lines).strip("\n") + "\n"


class _Markdown(_Writer):
    fmt: Format = "markdown"

    def esc(self, text: str | None) -> Safe:
        return Safe(_MD_PUNCT.sub(r"\\\1", clean(text)))

    def strong(self, text: Safe) -> Safe:
        return Safe(f"**{text}**")

    def badge(self, severity: int) -> Safe:
        return Safe(f"**{severity}/10**")

    def link(self, label: str, url: str | None) -> Safe:
        u = safe_url(url)
        return Safe(f"[{self.esc(label)}]({u})") if u else Safe("")

    def title(self, text: Safe, meta: Sequence[Safe]) -> None:
        self.parts += [f"# {text}", "", "  \n".join(meta), ""]

    def section(self, text: Safe) -> None:
        self.parts += ["", f"## {text}", ""]

    def para(self, text: Safe) -> None:
        self.parts += [text, ""]

    def bullets(self, items: Sequence[Safe], *, ordered: bool = False) -> None:
        for i, item in enumerate(items, 1):
            self.parts.append(f"{i}. {item}" if ordered else f"- {item}")
        self.parts.append("")

    def item(self, head: Safe, lines: Sequence[Safe]) -> None:
        self.parts.append(head)
        self.parts += [f"- {line}" for line in lines]
        self.parts.append("")

    def quote(self, text: Safe, who: Safe) -> Safe:
        return Safe(f"«{text}» — {who}")

    def table(
        self, head: Sequence[Safe], rows: Sequence[Sequence[Safe]], right: Sequence[bool]
    ) -> None:
        self.parts.append("| " + " | ".join(head) + " |")
        self.parts.append("|" + "|".join("---:" if r else ":---" for r in right) + "|")
        self.parts.extend("| " + " | ".join(r) + " |" for r in rows)
        self.parts.append("")


_CSS: Final = """
body{font:15px/1.5 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:#1d2733;max-width:860px;margin:24px auto;padding:0 16px;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;padding-bottom:4px;
border-bottom:2px solid #e3e8ee}p.meta{color:#5b6776;margin:0 0 2px;font-size:13px}
.headline{background:#fff6e5;border-left:4px solid #e69500;padding:8px 14px;margin:12px 0}
.headline.quiet{background:#eef7ee;border-color:#3c9a4a}
table{border-collapse:collapse;margin:6px 0 12px;font-size:14px}
th,td{padding:3px 10px;border-bottom:1px solid #e3e8ee;text-align:left;vertical-align:top}
td.r,th.r{text-align:right;white-space:nowrap}th{color:#5b6776;font-weight:600}
.item{margin:10px 0 14px}.item ul{margin:4px 0 0;padding-left:20px}
.sev{display:inline-block;min-width:38px;text-align:center;border-radius:4px;
padding:0 5px;font-weight:700;color:#fff;background:#7a8796}
.sev.s4,.sev.s5{background:#d98b00}.sev.s6,.sev.s7{background:#d4581c}
.sev.s8,.sev.s9,.sev.s10{background:#b3261e}
q{quotes:"«" "»";color:#394552}footer{margin-top:28px;color:#7a8796;font-size:12px}
"""


class _Html(_Writer):
    fmt: Format = "html"

    def __init__(self, lang: str) -> None:
        super().__init__(lang)
        self.head_title = ""

    def esc(self, text: str | None) -> Safe:
        return Safe(html.escape(clean(text), quote=True))

    def own(self, text: str) -> Safe:
        return Safe(html.escape(text, quote=True))

    def strong(self, text: Safe) -> Safe:
        return Safe(f"<strong>{text}</strong>")

    def badge(self, severity: int) -> Safe:
        return Safe(f'<span class="sev s{int(severity)}">{int(severity)}/10</span>')

    def link(self, label: str, url: str | None) -> Safe:
        u = safe_url(url)
        if not u:
            return Safe("")
        return Safe(
            f'<a href="{html.escape(u, quote=True)}" rel="noopener noreferrer nofollow">'
            f"{self.esc(label)}</a>"
        )

    def join(self, items: Sequence[Safe], sep: str = ", ") -> Safe:
        return Safe(html.escape(sep).join(items))

    def title(self, text: Safe, meta: Sequence[Safe]) -> None:
        self.head_title = text
        self.parts.append(f"<h1>{text}</h1>")
        self.parts += [f'<p class="meta">{m}</p>' for m in meta]

    def section(self, text: Safe) -> None:
        self.parts.append(f"<h2>{text}</h2>")

    def para(self, text: Safe) -> None:
        self.parts.append(f"<p>{text}</p>")

    def headline(self, items: Sequence[Safe], quiet: bool) -> None:
        cls = "headline quiet" if quiet else "headline"
        body = "".join(f"<p>{i}</p>" for i in items)
        self.parts.append(f'<div class="{cls}">{body}</div>')

    def bullets(self, items: Sequence[Safe], *, ordered: bool = False) -> None:
        tag = "ol" if ordered else "ul"
        self.parts.append(f"<{tag}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{tag}>")

    def item(self, head: Safe, lines: Sequence[Safe]) -> None:
        body = "".join(f"<li>{line}</li>" for line in lines)
        self.parts.append(f'<div class="item"><div>{head}</div><ul>{body}</ul></div>')

    def quote(self, text: Safe, who: Safe) -> Safe:
        return Safe(f"<q>{text}</q> — {who}")

    def table(
        self, head: Sequence[Safe], rows: Sequence[Sequence[Safe]], right: Sequence[bool]
    ) -> None:
        def cls(i: int) -> str:
            return ' class="r"' if right[i] else ""

        out = ["<table><thead><tr>"]
        out += [f"<th{cls(i)}>{h}</th>" for i, h in enumerate(head)]
        out.append("</tr></thead><tbody>")
        for r in rows:
            out.append("<tr>" + "".join(f"<td{cls(i)}>{c}</td>" for i, c in enumerate(r)) + "</tr>")
        out.append("</tbody></table>")
        self.parts.append("".join(out))

    def gap(self) -> None:
        return None

    def result(self) -> str:
        lang = "vi" if self.lang == "vi" else "en"
        csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        return (
            f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="referrer" content="no-referrer">\n'
            f"<title>{self.head_title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(self.parts)
            + "\n</body>\n</html>\n"
        )


_WRITERS: Final[dict[str, Callable[[str], _Writer]]] = {
    "text": _Writer,
    "markdown": _Markdown,
    "html": _Html,
}


# --------------------------------------------------------------------------- words


def _label(w: _Writer, prefix: str, key: str | None) -> str:
    """A message for a data value (aspect, risk, group, spam kind…), or the value."""
    if not key:
        return ""
    try:
        return t(f"{prefix}.{key}", w.lang)
    except KeyError:
        return key


def _stage(w: _Writer, stage: str) -> Safe:
    return w.say(f"brief.stage.{stage}") if stage in _STAGES else w.esc(stage)


_STAGES: Final = ("none", "smouldering", "outbreak", "spread", "recovery")


class _Clock:
    def __init__(self, zone: ZoneInfo, lang: str) -> None:
        self.zone = zone
        self.lang = lang

    def time(self, moment: datetime) -> str:
        local = moment.astimezone(self.zone)
        return local.strftime("%H:%M %d/%m" if self.lang == "vi" else "%d %b %H:%M")

    def day(self, day: date) -> str:
        return day.strftime("%d/%m" if self.lang == "vi" else "%d %b")

    def full(self, day: date) -> str:
        return day.strftime("%d/%m/%Y" if self.lang == "vi" else "%d %B %Y")


def _change(w: _Writer, m: Measure, other: float | None) -> Safe:
    """``m.value`` against ``other``: counts as a ratio or a percentage, shares and
    scores in points."""
    n = w.n
    if m.value is None or other is None:
        return Safe("")
    if m.kind == "count":
        if other <= 0:
            return w.say("brief.change.new") if m.value > 0 else Safe("")
        ratio = m.value / other
        if ratio >= 2:
            return w.say("brief.change.times", x=Safe(_times(w, ratio)))
        return Safe(f"{n.dec(100 * (ratio - 1), 0, signed=True)} %")
    # the difference of the values as shown, so the table adds up
    if m.kind == "share":
        d = round(100 * m.value, 1) - round(100 * other, 1)
        return w.say("brief.change.points", x=Safe(n.dec(d, 1, signed=True)))
    d = float(round(m.value) - round(other))
    return w.say("brief.change.points", x=Safe(n.dec(d, 0, signed=True)))


def _times(w: _Writer, ratio: float) -> str:
    """A ratio: one decimal below 10 (2,4), whole above (133)."""
    return w.n.dec(ratio, 1 if ratio < 10 else 0)


def _value(w: _Writer, m: Measure, value: float | None) -> Safe:
    if value is None:
        return Safe("—")
    if m.kind == "share":
        return Safe(w.n.pct(value))
    if m.kind == "score":
        return Safe(w.n.score(value))
    return Safe(w.n.level(value))


def _verdict(w: _Writer, td: TopicDay) -> Safe:
    b = td.baseline
    if b is None:
        return w.say("brief.verdict.no_baseline")
    parts: list[Safe] = []
    for v in td.verdict():
        if v in ("louder", "quieter"):
            ratio = td.day.mentions / b.mentions if b.mentions else math.inf
            if v == "louder" and ratio >= 2:
                parts.append(w.say("brief.verdict.louder_times", x=Safe(_times(w, ratio))))
            else:
                pct = abs(ratio - 1) * 100
                parts.append(w.say(f"brief.verdict.{v}", x=Safe(w.n.dec(pct, 0))))
        elif v == "interactions_up":
            ratio = td.day.interactions / b.interactions
            parts.append(w.say("brief.verdict.interactions_up", x=Safe(_times(w, ratio))))
        else:
            share, usual = td.day.negative_share or 0.0, b.negative_share or 0.0
            d = abs(round(100 * share, 1) - round(100 * usual, 1))  # as the table shows them
            parts.append(w.say(f"brief.verdict.{v}", x=Safe(w.n.dec(d, 1))))
    if not parts:
        return w.say("brief.verdict.normal")
    return w.join(parts)


def _hours_to(w: _Writer, s: Signal, clock: _Clock) -> dict[str, object]:
    return {"hours": Safe(str(s.window)), "end": Safe(clock.time(s.bucket_end))}


def _signal_value(w: _Writer, s: Signal, value: float) -> Safe:
    return Safe(w.n.pct(value)) if s.measure.endswith("_share") else Safe(w.n.level(value))


def signal_title(w: _Writer, s: Signal) -> Safe:
    kind = w.say(f"brief.kind.{s.kind}") if s.kind in _KINDS else w.esc(s.kind)
    prefix = {"aspect": "brief.aspect", "risk": "brief.risk"}.get(s.dimension or "")
    if prefix and s.dimension_value:
        return w.say("brief.kind.with", kind=kind, what=_label(w, prefix, s.dimension_value))
    if s.dimension_value:
        return w.say("brief.kind.with", kind=kind, what=s.dimension_value)
    return kind


_KINDS: Final = (
    "negative_shift",
    "emerging_aspect",
    "volume_spike",
    "escalation",
    "emerging_term",
    "vanity_spike",
)


def signal_sentence(w: _Writer, s: Signal, clock: _Clock) -> Safe:
    """What was observed against what was expected, and when."""
    values: dict[str, object] = {
        "observed": _signal_value(w, s, s.observed),
        "baseline": _signal_value(w, s, s.baseline),
        **_hours_to(w, s, clock),
    }
    if s.kind == "emerging_aspect":
        values["aspect"] = _label(w, "brief.aspect", s.dimension_value)
    if s.kind == "emerging_term":
        if s.dimension == "risk":
            values["risk"] = _label(w, "brief.risk", s.dimension_value)
        else:
            return w.say("brief.signal.term", term=s.dimension_value or "", **values)
    key = s.kind if s.kind in _KINDS else "volume_spike"
    return w.say(f"brief.signal.{key}", **values)


# --------------------------------------------------------------------------- sections


def _header(w: _Writer, b: Brief, clock: _Clock) -> None:
    weekday = t(f"brief.weekday.{b.issued.weekday()}", w.lang)
    title = w.say("brief.title", workspace=b.workspace)
    meta = [
        w.say("brief.meta.date", weekday=weekday, date=Safe(clock.full(b.issued))),
        w.say(
            "brief.meta.covers",
            day=Safe(clock.full(b.day)),
            before=Safe(clock.day(b.day_before)),
            days=Safe(str(b.options.baseline_days)),
            zone=w.own(b.timezone),
        ),
    ]
    w.title(title, meta)


def _headline_item(w: _Writer, h: Headline, b: Brief, clock: _Clock) -> Safe:
    if h.kind == "signal" and h.signal is not None:
        s = h.signal.signal
        # the risk vocabulary that matched is worth a headline; other phrases are
        # statistical and stay in the signal's details
        risky = s.dimension == "risk"
        terms = [w.esc(x) for x in unique_terms(s.evidence.terms, 3)] if risky else []
        return w.say(
            "brief.headline.signal_terms" if terms else "brief.headline.signal",
            topic=w.strong(w.esc(s.topic)),
            sentence=signal_sentence(w, s, clock),
            terms=w.join(terms),
            severity=Safe(f"{s.severity}/10"),
            n=Safe(str(h.signal.number)),
        )
    if h.kind == "stage" and h.stage is not None:
        st = h.stage
        since = Safe(clock.time(st.since)) if st.since else Safe("—")
        why = _conditions_short(w, st)
        plain = "_plain" if not st.conditions else ""
        if st.changed and st.stage != "none":
            return w.say(
                f"brief.headline.stage_change{plain}",
                topic=w.strong(w.esc(st.topic)),
                stage=w.strong(_stage(w, st.stage)),
                previous=_stage(w, st.previous),
                since=since,
                why=why,
            )
        if st.stage == "none":
            return w.say(
                "brief.headline.stage_over",
                topic=w.strong(w.esc(st.topic)),
                peak=_stage(w, st.peak if st.peak != "none" else st.previous),
            )
        return w.say(
            f"brief.headline.stage_ongoing{plain}",
            topic=w.strong(w.esc(st.topic)),
            stage=w.strong(_stage(w, st.stage)),
            since=since,
            why=why,
        )
    # a quiet day: say so, with the brand's numbers
    brand = next((td for td in b.topics if td.group == "brand"), None) or (
        b.topics[0] if b.topics else None
    )
    if brand is None or brand.baseline is None or brand.day.negative_share is None:
        return w.say("brief.headline.quiet")
    return w.say(
        "brief.headline.quiet_numbers",
        topic=w.strong(w.esc(brand.topic)),
        mentions=Safe(w.n.count(brand.day.mentions)),
        usual=Safe(w.n.level(brand.baseline.mentions)),
        negative=Safe(w.n.pct(brand.day.negative_share)),
    )


def _conditions_short(w: _Writer, st: TopicStage) -> Safe:
    names = [w.say(f"brief.cond.short.{c}") for c in st.conditions if c in _CONDS]
    return w.join(names) if names else Safe("—")


_CONDS: Final = ("complaints", "negative_turn", "volume_up", "big_sources", "wide")


def _section_headline(w: _Writer, b: Brief, clock: _Clock) -> None:
    w.section(w.say("brief.section.headline"))
    items = [_headline_item(w, h, b, clock) for h in b.headline]
    if isinstance(w, _Html):
        w.headline(items, b.quiet)
    else:
        w.bullets(items)


def _section_changes(w: _Writer, b: Brief, clock: _Clock) -> None:
    w.section(w.say("brief.section.changes"))
    w.para(
        w.say(
            "brief.changes.intro",
            day=Safe(clock.day(b.day)),
            before=Safe(clock.day(b.day_before)),
            days=Safe(str(b.options.baseline_days)),
        )
    )
    if not b.topics:
        w.para(w.say("brief.none"))
        return
    normal: list[Safe] = []
    for td in b.topics:
        head = w.say(
            "brief.changes.topic",
            topic=w.strong(w.esc(td.topic)),
            group=_label(w, "brief.group", td.group),
            verdict=_verdict(w, td),
        )
        gaps = td.day.gap_hours
        if td.group != "brand" and not td.verdict() and td.baseline is not None and not gaps:
            normal.append(
                w.say(
                    "brief.changes.normal_line",
                    head=head,
                    mentions=Safe(w.n.count(td.day.mentions)),
                    usual=Safe(w.n.level(td.baseline.mentions)),
                    negative=Safe(w.n.pct(td.day.negative_share)),
                    usual_negative=Safe(w.n.pct(td.baseline.negative_share)),
                )
            )
            continue
        w.para(head)
        rows = []
        for m in td.measures():
            rows.append(
                [
                    w.say(f"brief.measure.{m.name}"),
                    _value(w, m, m.value),
                    _value(w, m, m.previous),
                    _change(w, m, m.previous),
                    _value(w, m, m.usual),
                    _change(w, m, m.usual),
                ]
            )
        w.table(
            [
                w.say("brief.col.measure"),
                Safe(clock.day(b.day)),
                Safe(clock.day(b.day_before)),
                w.say("brief.col.change"),
                w.say(
                    "brief.col.usual",
                    days=Safe(str(td.baseline.days if td.baseline else b.options.baseline_days)),
                ),
                w.say("brief.col.change"),
            ],
            rows,
            [False, True, True, True, True, True],
        )
        if gaps:
            w.para(w.say("brief.changes.gap", hours=Safe(str(gaps))))
        w.gap()
    if normal:
        w.bullets(normal)


def _signal_lines(w: _Writer, bs: BriefSignal, clock: _Clock) -> list[Safe]:
    s = bs.signal
    n = w.n
    facts = [
        w.say(
            "brief.signal.facts",
            sentence=signal_sentence(w, s, clock),
            z=Safe(n.dec(s.deviation, 1)),
        )
    ]
    if s.persistence > 1:
        facts.append(w.say("brief.signal.persistence", hours=Safe(str(s.persistence))))
    if s.stage and s.stage != "none":
        facts.append(w.say("brief.signal.stage", stage=_stage(w, s.stage)))
    lines = [w.join(facts, "; ")]
    terms = [w.esc(x) for x in unique_terms(s.evidence.terms, TERMS_SHOWN)]
    if terms:
        lines.append(w.say("brief.signal.terms", terms=w.join(terms, " · ")))
    for m in bs.quotes:
        text = clip(clean(m.text), QUOTE_CHARS)
        who_parts = [w.esc(m.author or "?"), w.esc(m.platform)]
        who = w.join(who_parts, ", ")
        link = w.link(t("brief.open", w.lang), m.url)
        q = w.quote(w.esc(text), who)
        lines.append(Safe(w.say("brief.signal.quote", quote=q, link=link).rstrip()))
    if bs.authors:
        names = [
            w.say("brief.signal.author", name=a.name, n=Safe(n.count(a.mentions)))
            for a in bs.authors
        ]
        lines.append(w.say("brief.signal.authors", authors=w.join(names)))
    if bs.repeats:
        lines.append(w.say("brief.signal.repeats", n=Safe(str(bs.repeats))))
    return lines


def _section_signals(w: _Writer, b: Brief, clock: _Clock) -> None:
    w.section(w.say("brief.section.signals"))
    w.para(
        w.say(
            "brief.signals.intro",
            before=Safe(clock.day(b.day_before)),
            day=Safe(clock.day(b.day)),
        )
    )
    if not b.signals:
        w.para(w.say("brief.signals.none"))
        return
    opts = b.options
    full = [x for x in b.signals if x.signal.severity >= QUIET_SEVERITY][: opts.max_signals]
    rest = [x for x in b.signals if x not in full]
    light, more = rest[: opts.max_minor], len(rest) - min(len(rest), opts.max_minor)
    if not full:
        w.para(w.say("brief.signals.only_minor"))
    for bs in full:
        w.item(_signal_head(w, bs), _signal_lines(w, bs, clock))
    if light:
        if full:
            w.para(w.say("brief.signals.minor"))
        w.bullets(
            [
                w.join([_signal_head(w, bs), signal_sentence(w, bs.signal, clock)], ": ")
                for bs in light
            ]
        )
    if more:
        w.para(w.say("brief.signals.more", n=Safe(str(more))))


def _signal_head(w: _Writer, bs: BriefSignal) -> Safe:
    s = bs.signal
    return w.say(
        "brief.signal.head",
        n=Safe(str(bs.number)),
        severity=w.badge(s.severity),
        topic=w.strong(w.esc(s.topic)),
        what=signal_title(w, s),
        when=w.say(f"brief.when.{bs.when}"),
    )


def _condition_line(w: _Writer, st: TopicStage, cond: str) -> Safe:
    n = w.n
    x = st.numbers

    def g(key: str) -> float:
        v = x.get(key)
        return float(v) if v is not None and math.isfinite(float(v)) else 0.0

    if cond == "complaints":
        neg, base = g("negative_24h"), g("baseline_negative_24h")
        key = "brief.cond.complaints"
        if neg < base + max(0.3 * base, 3.0):  # below the count rule: a signal held it
            key = "brief.cond.complaints_signal"
        return w.say(key, n=Safe(n.count(neg)), base=Safe(n.level(base)))
    if cond == "negative_turn":
        return w.say(
            "brief.cond.negative_turn",
            share=Safe(n.pct(g("negative_share_24h"))),
            base=Safe(n.pct(g("baseline_negative_share"))),
        )
    if cond == "volume_up":
        return w.say(
            "brief.cond.volume_up",
            n=Safe(n.count(g("mentions_24h"))),
            base=Safe(n.level(g("baseline_mentions_24h"))),
        )
    if cond == "big_sources":
        return w.say(
            "brief.cond.big_sources",
            n=Safe(n.count(g("big_24h"))),
            base=Safe(n.level(g("baseline_big_24h"))),
        )
    if cond == "wide":
        return w.say("brief.cond.wide")
    return w.esc(cond)


def _episode(w: _Writer, e: Episode, clock: _Clock) -> Safe:
    if e.ongoing:
        return w.say(
            "brief.episode.ongoing",
            stage=_stage(w, e.stage),
            start=Safe(clock.time(e.start)),
            hours=Safe(str(e.hours)),
        )
    return w.say(
        "brief.episode",
        stage=_stage(w, e.stage),
        start=Safe(clock.time(e.start)),
        end=Safe(clock.time(e.end)),
        hours=Safe(str(e.hours)),
    )


def _section_stages(w: _Writer, b: Brief, clock: _Clock) -> None:
    w.section(w.say("brief.section.stages"))
    calm: list[Safe] = []
    for st in b.stages:
        if st.stage == "none" and not st.episodes:
            calm.append(w.esc(st.topic))
            continue
        since = Safe(clock.time(st.since)) if st.since else Safe("—")
        key = "brief.stage.line_changed" if st.changed else "brief.stage.line"
        if st.stage == "none":
            key = "brief.stage.line_calm" if st.changed else "brief.stage.line_none"
        lines = [
            w.say(
                key,
                stage=w.strong(_stage(w, st.stage)),
                since=since,
                previous=_stage(w, st.previous),
            )
        ]
        lines += [_condition_line(w, st, c) for c in st.conditions]
        if st.episodes:
            eps = [_episode(w, e, clock) for e in st.episodes]
            lines.append(w.say("brief.stage.week", episodes=w.join(eps, "; ")))
        head = w.say(
            "brief.stage.topic",
            topic=w.strong(w.esc(st.topic)),
            group=_label(w, "brief.group", st.group),
        )
        w.item(head, lines)
    if calm:
        w.para(w.say("brief.stage.calm", topics=w.join(calm)))


def _interval(w: _Writer, p: TopicProjection, which: str, i: int) -> Safe:
    proj = p.volume if which == "volume" else p.negative
    if proj is None:
        return Safe("—")
    lo, hi = proj.interval(0.8)
    n = w.n
    if which == "volume":
        return Safe(f"{n.count(proj.mean[i])} ({n.count(lo[i])}–{n.count(hi[i])})")
    return Safe(
        f"{n.dec(100 * proj.mean[i], 0)} % ({n.dec(100 * lo[i], 0)}–{n.dec(100 * hi[i], 0)} %)"
    )


def _section_projections(w: _Writer, b: Brief, clock: _Clock) -> None:
    w.section(w.say("brief.section.projection"))
    if not b.projections:
        w.para(w.say("brief.projection.none"))
        return
    w.para(w.say("brief.projection.intro"))
    for p in b.projections:
        lines: list[Safe] = []
        if p.volume is not None:
            lines.append(
                w.own(
                    describe(
                        p.volume,
                        measure="volume",
                        current=p.volume_usual or 0.0,
                        lang=w.lang,
                        grain="day",
                    )
                )
            )
        if p.negative is not None:
            lines.append(
                w.own(
                    describe(
                        p.negative,
                        measure="negative_share",
                        current=p.negative_usual or 0.0,
                        lang=w.lang,
                        grain="day",
                    )
                )
            )
        if not lines:
            lines.append(w.say("brief.projection.short"))
        head = w.say(
            "brief.stage.topic",
            topic=w.strong(w.esc(p.topic)),
            group=_label(w, "brief.group", p.group),
        )
        w.item(head, lines)
        proj = p.volume or p.negative
        if proj is None:
            continue
        rows = []
        for i in range(proj.horizon):
            day = p.first_day + timedelta(days=i)
            rows.append(
                [
                    Safe(clock.day(day)),
                    _interval(w, p, "volume", i),
                    _interval(w, p, "negative", i),
                ]
            )
        w.table(
            [w.say("brief.col.day"), w.say("brief.col.volume80"), w.say("brief.col.negative80")],
            rows,
            [False, True, True],
        )
        w.gap()


def _section_sov(w: _Writer, b: Brief, clock: _Clock) -> None:
    w.section(w.say("brief.section.sov"))
    sov = b.share_of_voice
    if not sov.available:
        w.para(w.say("brief.sov.none"))
        return
    n = w.n
    rows = []
    for r in sov.rows:
        delta = r.delta
        rows.append(
            [
                w.say(
                    "brief.sov.name",
                    topic=w.esc(r.topic),
                    group=_label(w, "brief.group", r.group),
                ),
                Safe(n.count(r.mentions)),
                Safe(n.pct_value(r.share)),
                Safe(n.pct_value(r.base_share)),
                w.say("brief.change.points", x=Safe(n.dec(delta, 1, signed=True)))
                if delta is not None
                else Safe("—"),
                Safe(
                    f"{n.pct_value(r.interactions_share, 0)} "
                    f"({n.pct_value(r.base_interactions_share, 0)})"
                ),
            ]
        )
    w.table(
        [
            w.say("brief.col.topic"),
            w.say("brief.col.mentions_day", day=Safe(clock.day(b.day))),
            w.say("brief.col.sov_day", day=Safe(clock.day(b.day))),
            w.say("brief.col.usual", days=Safe(str(b.options.baseline_days))),
            w.say("brief.col.change"),
            w.say("brief.col.sov_interactions"),
        ],
        rows,
        [False, True, True, True, True, True],
    )
    stage = {s.topic: s.stage for s in b.stages}
    crisis = False
    for r in sov.rows:
        hot = stage.get(r.topic, "none") != "none"
        if r.group == "brand" and (r.delta or 0.0) >= 2.0 and hot:
            crisis = True
            w.para(w.say("brief.sov.crisis_gain", topic=w.strong(w.esc(r.topic))))
    movers = [r for r in sov.rows if r.group == "competitor" and r.delta is not None]
    top = max(movers, key=lambda r: abs(r.delta or 0.0), default=None)
    if top is not None and top.delta is not None and abs(top.delta) >= 2.0:
        key = "brief.sov.mover_up" if top.delta > 0 else "brief.sov.mover_down"
        if crisis and top.delta < 0:
            key = "brief.sov.mover_down_crisis"
        w.para(
            w.say(
                key,
                topic=w.strong(w.esc(top.topic)),
                x=Safe(n.dec(abs(top.delta), 1)),
                base=Safe(n.pct_value(top.base_share)),
                share=Safe(n.pct_value(top.share)),
            )
        )
    else:
        w.para(w.say("brief.sov.steady"))


def _section_quality(w: _Writer, b: Brief, clock: _Clock) -> None:
    w.section(w.say("brief.section.quality"))
    if not b.quality:
        w.para(w.say("brief.none"))
        return
    n = w.n
    w.para(w.say("brief.quality.intro", day=Safe(clock.day(b.day))))
    rows = []
    for q in b.quality:
        flagged = [
            w.say("brief.quality.flag", n=Safe(n.count(v)), kind=_label(w, "brief.spam", k))
            for k, v in sorted(q.flagged.items(), key=lambda kv: -kv[1])
            if v
        ]
        rows.append(
            [
                w.esc(q.topic),
                Safe(n.count(q.interactions)),
                Safe(n.count(q.vanity)),
                Safe(n.count(q.quality)),
                Safe(f"{n.pct(q.vanity_share)} ({n.pct(q.usual_vanity_share)})"),
                w.join(flagged) if flagged else Safe("—"),
            ]
        )
    w.table(
        [
            w.say("brief.col.topic"),
            w.say("brief.col.interactions"),
            w.say("brief.col.vanity"),
            w.say("brief.col.quality"),
            w.say("brief.col.vanity_share"),
            w.say("brief.col.flagged"),
        ],
        rows,
        [False, True, True, True, True, False],
    )
    worst = max(b.quality, key=lambda q: q.vanity_share or 0.0)
    if (worst.vanity_share or 0.0) >= 0.2:
        w.para(
            w.say(
                "brief.quality.gap",
                topic=w.strong(w.esc(worst.topic)),
                share=Safe(n.pct(worst.vanity_share)),
                quality=Safe(n.count(worst.quality)),
                raw=Safe(n.count(worst.interactions)),
            )
        )
    else:
        w.para(w.say("brief.quality.clean"))
    for q in b.quality:
        seeded = q.flagged.get("seeding", 0)
        if seeded >= SEEDING_MIN and q.mentions and seeded >= 0.05 * q.mentions:
            w.para(
                w.say(
                    "brief.quality.seeding",
                    topic=w.strong(w.esc(q.topic)),
                    n=Safe(n.count(seeded)),
                    share=Safe(n.pct(seeded / q.mentions, 0)),
                )
            )


def _trigger(w: _Writer, f: Finding, b: Brief, clock: _Clock) -> Safe:
    n = w.n
    v = f.values
    if f.source == "signal" and f.signal is not None:
        bs = next((x for x in b.signals if x.number == f.signal), None)
        if bs is not None:
            return w.say(
                "brief.trigger.signal",
                n=Safe(str(bs.number)),
                severity=Safe(str(bs.signal.severity)),
                sentence=signal_sentence(w, bs.signal, clock),
            )
    if f.source == "stage" and f.stage:
        st = next((s for s in b.stages if s.topic == f.topic), None)
        since = Safe(clock.time(st.since)) if st is not None and st.since else Safe("—")
        return w.say("brief.trigger.stage", stage=_stage(w, f.stage), since=since)
    if f.source == "buzz":
        ratio = v.get("mentions", 0.0) / v["usual"] if v.get("usual") else 0.0
        return w.say(
            "brief.trigger.buzz",
            mentions=Safe(n.count(v.get("mentions", 0.0))),
            x=Safe(n.dec(ratio, 1)),
        )
    if f.source == "vanity":
        return w.say(
            "brief.trigger.vanity",
            share=Safe(n.pct(v.get("share"))),
            usual=Safe(n.pct(v.get("usual"))),
        )
    if f.source == "seeding":
        return w.say(
            "brief.trigger.seeding",
            n=Safe(n.count(v.get("n", 0.0))),
            mentions=Safe(n.count(v.get("mentions", 0.0))),
        )
    if f.source == "sov":
        return w.say(
            "brief.trigger.sov",
            share=Safe(n.pct_value(v.get("share"))),
            base=Safe(n.pct_value(v.get("base"))),
        )
    return w.esc(f.kind or f.source)


def _action(w: _Writer, a: Action, b: Brief, clock: _Clock) -> tuple[Safe, list[Safe]]:
    head = w.say(
        "brief.action.head",
        topic=w.strong(w.esc(a.topic)),
        rule=w.own(rule_title(a.rule, w.lang)),
    )
    steps = [w.own(step_text(s, w.lang)) for s in a.steps]
    why = w.say("brief.action.why", trigger=_trigger(w, a.finding, b, clock))
    if a.also:
        why = w.join([why, w.say("brief.action.also", n=Safe(str(a.also)))], " ")
    return head, [*steps, why]


def _section_actions(w: _Writer, b: Brief, clock: _Clock) -> None:
    w.section(w.say("brief.section.actions"))
    if not b.actions:
        w.para(w.say("brief.actions.none"))
        return
    for i, a in enumerate(b.actions, 1):
        head, lines = _action(w, a, b, clock)
        w.item(Safe(f"{i}. {head}"), lines)


def _footer(w: _Writer, b: Brief, clock: _Clock) -> None:
    text = w.say(
        "brief.footer",
        now=Safe(clock.time(b.now)),
        day=Safe(clock.full(b.day)),
    )
    if isinstance(w, _Html):
        w.parts.append(f"<footer>{text}</footer>")
    else:
        w.gap()
        w.para(Safe(("_" + text + "_") if isinstance(w, _Markdown) else text))


def _compose(w: _Writer, b: Brief) -> str:
    clock = _Clock(ZoneInfo(b.timezone), w.lang)
    _header(w, b, clock)
    _section_headline(w, b, clock)
    _section_changes(w, b, clock)
    _section_signals(w, b, clock)
    _section_stages(w, b, clock)
    _section_projections(w, b, clock)
    _section_sov(w, b, clock)
    _section_quality(w, b, clock)
    _section_actions(w, b, clock)
    _footer(w, b, clock)
    return w.result()


def render(brief: Brief, fmt: str = "text", lang: str | None = None) -> str:
    """The brief in ``fmt`` (``text``, ``markdown`` or ``html``) and ``lang``."""
    if fmt not in _WRITERS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    return _compose(_WRITERS[fmt](current_lang(lang)), brief)


def render_text(brief: Brief, lang: str | None = None) -> str:
    return render(brief, "text", lang)


def render_markdown(brief: Brief, lang: str | None = None) -> str:
    return render(brief, "markdown", lang)


def render_html(brief: Brief, lang: str | None = None) -> str:
    return render(brief, "html", lang)
