"""The Settings page: alert rules and their channels, workspace members, API tokens.

Every change is a plain form post (CSRF-checked) that answers the page again, with a
validation error shown next to the form it belongs to, or a short confirmation. A new
API token's secret is shown in that one answer only.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from tinhieu.accounts import ROLES, Principal
from tinhieu.cli_alerts import parse_target
from tinhieu.cli_common import UserError
from tinhieu.signals.alerts.rules import ALERT_LANGS, CHANNELS, get_rule, list_rules, remove_rule
from tinhieu.signals.model import SIGNAL_KINDS
from tinhieu.web.api.alerts import (
    AlertProblem,
    RuleIn,
    RuleUpdate,
    create_rule,
    masked_target,
    rule_out,
    update_rule,
)
from tinhieu.web.api.members import (
    MemberProblem,
    add_member,
    change_role,
    list_members,
    remove_member,
)
from tinhieu.web.api.tokens import new_token, revoke_visible, visible_tokens
from tinhieu.web.auth import PagePrincipal, check_form_csrf, require_page, store_of
from tinhieu.web.messages_admin import MESSAGES as _MESSAGES  # noqa: F401 - registers them
from tinhieu.web.pages.topics import form_text
from tinhieu.web.render import render

router = APIRouter(include_in_schema=False)

CanAlerts = Annotated[Principal, Depends(require_page("alerts"))]
CanMembers = Annotated[Principal, Depends(require_page("members"))]
CanTokens = Annotated[Principal, Depends(require_page("tokens"))]

#: Channel target examples shown under the target box (key=value lines).
TARGET_EXAMPLES: dict[str, str] = {
    "email": "to=team@example.com\nhost=smtp.example.com\nusername_env=SMTP_USER\n"
    "password_env=SMTP_PASSWORD",
    "webhook": "url=https://hooks.example.com/tinhieu\nsecret_env=TINHIEU_WEBHOOK_SECRET",
    "slack": "url_env=SLACK_WEBHOOK_URL",
    "telegram": "chat_id=-1001234567890\ntoken_env=TELEGRAM_BOT_TOKEN",
}


def target_lines(target: dict[str, Any]) -> str:
    """A (masked) target as the key=value lines the form edits."""
    lines = []
    for key, value in target.items():
        if key == "lang":
            continue
        for v in value if isinstance(value, list) else [value]:
            lines.append(f"{key}={v}")
    return "\n".join(lines)


def parse_target_text(text: str) -> dict[str, Any]:
    text = text.strip()
    if not text:
        return {}
    values = (
        (text,) if text.startswith("{") else tuple(ln for ln in text.splitlines() if ln.strip())
    )
    try:
        return parse_target(values)
    except UserError as exc:
        raise AlertProblem(exc.format_message().replace("--target", "target")) from exc


def rule_form(rule: Any = None) -> dict[str, Any]:
    if rule is None:
        return {
            "original": "", "name": "", "channel": "email", "target": "", "topic": "",
            "kinds": [], "min_severity": "5", "quiet_hours": "", "cooldown": "60",
            "lang": "vi", "enabled": True,
        }  # fmt: skip
    return {
        "original": rule.name,
        "name": rule.name,
        "channel": rule.channel,
        "target": target_lines(masked_target(rule.target)),
        "topic": rule.topic or "",
        "kinds": list(rule.kinds),
        "min_severity": str(rule.min_severity),
        "quiet_hours": str(rule.quiet_hours) if rule.quiet_hours else "",
        "cooldown": str(rule.cooldown_minutes),
        "lang": rule.lang,
        "enabled": rule.enabled,
    }


def _page(
    request: Request,
    principal: Principal,
    *,
    status_code: int = 200,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    done: str | None = None,
    secret: str | None = None,
    member_form: dict[str, str] | None = None,
) -> Response:
    store = store_of(request)
    ws = principal.workspace
    return render(
        request,
        "settings.html",
        principal,
        status_code=status_code,
        rules=[rule_out(r) for r in list_rules(store, ws)],
        rule_form=form or rule_form(),
        topics=[t.name for t in store.get_topics(ws)],
        channels=CHANNELS,
        kinds=SIGNAL_KINDS,
        langs=ALERT_LANGS,
        examples=TARGET_EXAMPLES,
        members=list_members(store, ws),
        roles=ROLES,
        member_form=member_form or {"user": "", "display_name": "", "role": "viewer"},
        tokens=visible_tokens(store, principal),
        all_tokens=principal.can("members"),
        can_alerts=principal.can("alerts"),
        can_members=principal.can("members"),
        errors=errors or {},
        done=done,
        secret=secret,
    )


def _done(section: str, key: str) -> Response:
    return RedirectResponse(f"/settings?done={key}#{section}", status_code=303)


DONE_KEYS = frozenset(
    {"rule_saved", "rule_deleted", "rule_toggled", "member_added", "member_changed",
     "member_removed", "token_revoked"}
)  # fmt: skip


@router.get("/settings")
def settings_page(
    request: Request,
    principal: PagePrincipal,
    edit_rule: Annotated[str | None, Query(max_length=400)] = None,
    done: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    form = None
    if edit_rule is not None and principal.can("alerts"):
        rule = get_rule(store_of(request), principal.workspace, edit_rule)
        if rule is None:
            raise HTTPException(status_code=404, detail="no such alert rule")
        form = rule_form(rule)
    return _page(request, principal, form=form, done=done if done in DONE_KEYS else None)


# --- alert rules -------------------------------------------------------------------------
def _form_rule(form: FormData) -> dict[str, Any]:
    return {
        "original": form_text(form, "original", 400),
        "name": form_text(form, "name", 400),
        "channel": form_text(form, "channel", 40),
        "target": form_text(form, "target", 5000),
        "topic": form_text(form, "topic", 400),
        "kinds": [k for k in form.getlist("kinds") if isinstance(k, str)][:20],
        "min_severity": form_text(form, "min_severity", 10),
        "quiet_hours": form_text(form, "quiet_hours", 40),
        "cooldown": form_text(form, "cooldown", 10),
        "lang": form_text(form, "lang", 10),
        "enabled": form.get("enabled") == "on",
    }


def _whole(text: str, what: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise AlertProblem(f"{what} must be a whole number") from None


@router.post("/settings/rules")
async def save_rule(request: Request, principal: CanAlerts) -> Response:
    await check_form_csrf(request, principal)
    values = _form_rule(await request.form())
    store = store_of(request)
    try:
        target = parse_target_text(values["target"])
        severity = _whole(values["min_severity"], "min severity")
        cooldown = _whole(values["cooldown"], "cooldown")
        if values["original"]:
            update_rule(
                store,
                principal.workspace,
                values["original"],
                RuleUpdate(
                    channel=values["channel"], target=target, topic=values["topic"] or None,
                    kinds=values["kinds"], min_severity=severity,
                    quiet_hours=values["quiet_hours"] or None, cooldown_minutes=cooldown,
                    lang=values["lang"] or None, enabled=values["enabled"],
                ),
            )  # fmt: skip
        else:
            create_rule(
                store,
                principal.workspace,
                RuleIn(
                    name=values["name"], channel=values["channel"], target=target,
                    topic=values["topic"] or None, kinds=values["kinds"], min_severity=severity,
                    quiet_hours=values["quiet_hours"] or None, cooldown_minutes=cooldown,
                    lang=values["lang"] or None, enabled=values["enabled"],
                ),
            )  # fmt: skip
    except AlertProblem as exc:
        if exc.status == 404:
            raise HTTPException(status_code=404, detail="no such alert rule") from exc
        return _page(
            request, principal, status_code=exc.status, form=values, errors={"rules": str(exc)}
        )
    return _done("rules", "rule_saved")


@router.post("/settings/rules/toggle")
async def toggle_rule(request: Request, principal: CanAlerts) -> Response:
    await check_form_csrf(request, principal)
    name = form_text(await request.form(), "name", 400)
    store = store_of(request)
    rule = get_rule(store, principal.workspace, name)
    if rule is None:
        raise HTTPException(status_code=404, detail="no such alert rule")
    try:
        update_rule(store, principal.workspace, name, RuleUpdate(enabled=not rule.enabled))
    except AlertProblem as exc:
        return _page(request, principal, status_code=exc.status, errors={"rules": str(exc)})
    return _done("rules", "rule_toggled")


@router.post("/settings/rules/delete")
async def delete_rule(request: Request, principal: CanAlerts) -> Response:
    await check_form_csrf(request, principal)
    name = form_text(await request.form(), "name", 400)
    if not remove_rule(store_of(request), principal.workspace, name):
        raise HTTPException(status_code=404, detail="no such alert rule")
    return _done("rules", "rule_deleted")


# --- members -----------------------------------------------------------------------------
@router.post("/settings/members")
async def add(request: Request, principal: CanMembers) -> Response:
    await check_form_csrf(request, principal)
    form = await request.form()
    values = {
        "user": form_text(form, "user", 200),
        "display_name": form_text(form, "display_name", 120),
        "role": form_text(form, "role", 20),
    }
    try:
        add_member(
            store_of(request),
            principal.workspace,
            values["user"],
            values["role"],
            form_text(form, "password", 1024) or None,
            values["display_name"] or None,
        )
    except MemberProblem as exc:
        return _page(
            request, principal, status_code=exc.status, errors={"members": str(exc)},
            member_form=values,
        )  # fmt: skip
    return _done("members", "member_added")


@router.post("/settings/members/role")
async def role(request: Request, principal: CanMembers) -> Response:
    await check_form_csrf(request, principal)
    form = await request.form()
    try:
        change_role(
            store_of(request),
            principal.workspace,
            form_text(form, "user", 200),
            form_text(form, "role", 20),
        )
    except MemberProblem as exc:
        if exc.status == 404:
            raise HTTPException(status_code=404, detail="no such member") from exc
        return _page(request, principal, status_code=exc.status, errors={"members": str(exc)})
    return _done("members", "member_changed")


@router.post("/settings/members/remove")
async def remove(request: Request, principal: CanMembers) -> Response:
    await check_form_csrf(request, principal)
    form = await request.form()
    try:
        remove_member(store_of(request), principal.workspace, form_text(form, "user", 200))
    except MemberProblem as exc:
        if exc.status == 404:
            raise HTTPException(status_code=404, detail="no such member") from exc
        return _page(request, principal, status_code=exc.status, errors={"members": str(exc)})
    return _done("members", "member_removed")


# --- API tokens --------------------------------------------------------------------------
@router.post("/settings/tokens")
async def create(request: Request, principal: CanTokens) -> Response:
    await check_form_csrf(request, principal)
    name = form_text(await request.form(), "name", 80).strip()
    if not name:
        return _page(request, principal, status_code=400, errors={"tokens": "a token needs a name"})
    made = new_token(store_of(request), principal, name)
    return _page(request, principal, secret=made.secret, done="token_created")


@router.post("/settings/tokens/revoke")
async def revoke(request: Request, principal: CanTokens) -> Response:
    await check_form_csrf(request, principal)
    raw = form_text(await request.form(), "id", 20)
    if not raw.isdigit() or not revoke_visible(store_of(request), principal, int(raw)):
        raise HTTPException(status_code=404, detail="no such active token")
    return _done("tokens", "token_revoked")
