"""Server-side rendering: one Jinja environment, autoescaped, with the page helpers.

Social text is hostile input. Templates never mark user data safe; data for charts and
scripts travels in ``<script type="application/json">`` islands written by
:func:`json_island`, which escapes ``<``, ``>`` and ``&`` so no text can close the tag,
and scripts read it with ``JSON.parse`` and draw it as text (``textContent``), never
as HTML.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from tinhieu.accounts import Principal
from tinhieu.i18n import t
from tinhieu.web import messages as _messages  # noqa: F401 - registers the web messages
from tinhieu.web.auth import lang_of

TEMPLATES: Final[Path] = Path(__file__).parent / "templates"

#: The navigation, in order: (path, message key, action needed to see it).
NAV: Final[tuple[tuple[str, str, str], ...]] = (
    ("/", "web.nav.overview", "read"),
    ("/mentions", "web.nav.mentions", "read"),
    ("/signals", "web.nav.signals", "read"),
    ("/moderation", "web.nav.moderation", "read"),
    ("/topics", "web.nav.topics", "read"),
    ("/authors", "web.nav.authors", "read"),
    ("/kols", "web.nav.kols", "read"),
    ("/campaigns", "web.nav.campaigns", "read"),
    ("/sources", "web.nav.sources", "read"),
    ("/settings", "web.nav.settings", "read"),
)


def json_island(value: Any) -> Markup:
    """JSON safe to place inside ``<script type="application/json">``."""
    text = json.dumps(value, ensure_ascii=False, default=_jsonable, allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)  # noqa: S704 - every character that could end the tag is escaped


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return str(value)


def clean_floats(value: Any) -> Any:
    """NaN and infinities become None (JSON has no NaN), recursively."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: clean_floats(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_floats(v) for v in value]
    return value


def fmt_number(value: Any, lang: str, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    text = f"{float(value):,.{digits}f}" if digits else f"{round(float(value)):,}"
    if lang == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def fmt_time(value: Any, tz: str, lang: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(ZoneInfo(tz))
        return str(value.strftime("%d/%m/%Y %H:%M" if lang == "vi" else "%Y-%m-%d %H:%M"))
    return str(value)


_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html", "xml"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["json_island"] = json_island


def render(
    request: Request,
    template: str,
    principal: Principal | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render a page with the shared context: language, user, CSRF token, navigation."""
    lang = lang_of(request)
    store = request.app.state.store
    tz = store.workspace_timezone(principal.workspace) if principal else "Asia/Ho_Chi_Minh"
    workspaces: list[str] = []
    if principal is not None:
        from tinhieu.accounts import memberships

        workspaces = [m.workspace for m in memberships(store, principal.user)]

    def tr(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    page = _env.get_template(template).render(
        request=request,
        path=request.url.path,
        lang=lang,
        t=tr,
        num=lambda v, d=0: fmt_number(v, lang, d),
        when=lambda v: fmt_time(v, tz, lang),
        tz=tz,
        principal=principal,
        csrf=principal.csrf if principal else "",
        workspaces=workspaces,
        nav=[(p, k) for p, k, a in NAV if principal is not None and principal.can(a)],
        **context,
    )
    return HTMLResponse(page, status_code=status_code)
