"""Alert rules and their channels: list (secrets masked), create, edit, enable or
disable, delete. Rules name the environment variables that hold secrets; the API never
shows a secret, and masks the path of a webhook URL (it often carries a token)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from tinhieu.accounts import Principal
from tinhieu.signals.alerts.rules import (
    AlertRule,
    RuleError,
    get_rule,
    list_rules,
    make_rule,
    remove_rule,
    save_rule,
)
from tinhieu.store.base import Store
from tinhieu.web.auth import ApiPrincipal, require, store_of

router = APIRouter(tags=["alerts"])

MASK = "•••"


class SecretRef(BaseModel):
    key: str
    env: str
    set: bool


class RuleOut(BaseModel):
    name: str
    channel: str
    target: dict[str, Any]
    topic: str | None
    kinds: list[str]
    min_severity: int
    quiet_hours: str | None
    cooldown_minutes: int
    lang: str
    enabled: bool
    secrets: list[SecretRef]


class RuleIn(BaseModel):
    """A new rule. ``kinds`` empty or absent: every signal kind. ``target``: the
    channel's object (see docs/alerts.md); secrets only as ``*_env`` variable names."""

    model_config = ConfigDict(strict=True, extra="forbid")
    name: str = Field(max_length=1000)
    channel: str = Field(max_length=40)
    target: dict[str, Any]
    topic: str | None = Field(default=None, max_length=1000)
    kinds: list[str] = Field(default_factory=list, max_length=20)
    min_severity: int = 1
    quiet_hours: str | None = Field(default=None, max_length=40)
    cooldown_minutes: int = 60
    lang: str | None = Field(default=None, max_length=10)
    enabled: bool = True


class RuleUpdate(BaseModel):
    """Fields to change; the others keep their value. A webhook ``url`` sent back as
    it was shown (masked) keeps the stored URL."""

    model_config = ConfigDict(strict=True, extra="forbid")
    channel: str | None = Field(default=None, max_length=40)
    target: dict[str, Any] | None = None
    topic: str | None = Field(default=None, max_length=1000)
    kinds: list[str] | None = Field(default=None, max_length=20)
    min_severity: int | None = None
    quiet_hours: str | None = Field(default=None, max_length=40)
    cooldown_minutes: int | None = None
    lang: str | None = Field(default=None, max_length=10)
    enabled: bool | None = None


class AlertProblem(ValueError):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def mask_url(url: str) -> str:
    """``https://hooks.example.com/•••``: the host stays, path and query do not."""
    parts = urlsplit(url)
    if not parts.path.strip("/") and not parts.query:
        return url
    return f"{parts.scheme}://{parts.netloc}/{MASK}"


def masked_target(target: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(target)
    if isinstance(out.get("url"), str):
        out["url"] = mask_url(out["url"])
    return out


def rule_out(rule: AlertRule) -> RuleOut:
    return RuleOut(
        name=rule.name,
        channel=rule.channel,
        target=masked_target(rule.target),
        topic=rule.topic,
        kinds=list(rule.kinds),
        min_severity=rule.min_severity,
        quiet_hours=str(rule.quiet_hours) if rule.quiet_hours else None,
        cooldown_minutes=rule.cooldown_minutes,
        lang=rule.lang,
        enabled=rule.enabled,
        secrets=[
            SecretRef(key=str(k), env=str(v), set=bool(os.environ.get(str(v))))
            for k, v in sorted(rule.target.items())
            if str(k).endswith("_env") and v
        ],
    )


def _unmask(target: dict[str, Any], old: AlertRule | None) -> dict[str, Any]:
    """A masked URL sent back unchanged means: keep the stored one."""
    url = target.get("url")
    if old is not None and isinstance(url, str) and MASK in url:
        stored = old.target.get("url")
        if isinstance(stored, str) and mask_url(stored) == url:
            return {**target, "url": stored}
        raise AlertProblem("url: enter the whole webhook URL (the stored one is masked)")
    return target


def create_rule(store: Store, workspace: str, body: RuleIn) -> AlertRule:
    """Validate and store a new rule (AlertProblem: 400 invalid, 409 name taken)."""
    try:
        rule = make_rule(
            workspace,
            body.name,
            channel=body.channel,
            target=body.target,
            topic=body.topic,
            kinds=body.kinds or "*",
            min_severity=body.min_severity,
            quiet_hours=body.quiet_hours or None,
            cooldown_minutes=body.cooldown_minutes,
            lang=body.lang or None,
            enabled=body.enabled,
        )
        if get_rule(store, workspace, rule.name) is not None:
            raise AlertProblem(f"a rule named {rule.name!r} exists", 409)
        save_rule(store, rule)
    except RuleError as exc:
        raise AlertProblem(str(exc)) from exc
    return rule


def update_rule(store: Store, workspace: str, name: str, body: RuleUpdate) -> AlertRule:
    """Change some fields of a rule (AlertProblem: 404 none, 400 invalid)."""
    old = get_rule(store, workspace, name)
    if old is None:
        raise AlertProblem(f"no alert rule {name!r}", 404)
    given = body.model_fields_set
    channel = body.channel if body.channel is not None else old.channel
    target = dict(old.target) if body.target is None else _unmask(body.target, old)
    if body.target is None and channel != old.channel:
        raise AlertProblem("a new channel needs its target")
    try:
        rule = make_rule(
            workspace,
            old.name,
            channel=channel,
            target=target,
            topic=body.topic if "topic" in given else old.topic,
            kinds=(body.kinds or "*") if body.kinds is not None else (old.kinds or "*"),
            min_severity=body.min_severity if body.min_severity is not None else old.min_severity,
            quiet_hours=(body.quiet_hours or None) if "quiet_hours" in given else old.quiet_hours,
            cooldown_minutes=(
                body.cooldown_minutes if body.cooldown_minutes is not None else old.cooldown_minutes
            ),
            lang=body.lang or old.lang,
            enabled=body.enabled if body.enabled is not None else old.enabled,
        )
        save_rule(store, rule, replace=True)
    except RuleError as exc:
        raise AlertProblem(str(exc)) from exc
    return rule


def _http(exc: AlertProblem) -> HTTPException:
    return HTTPException(status_code=exc.status, detail=str(exc))


RuleName = Annotated[str, Path(max_length=400, description="the rule's name")]
CanManage = Annotated[Principal, Depends(require("alerts"))]


@router.get("/alert-rules", response_model=list[RuleOut])
def get_rules(request: Request, principal: ApiPrincipal) -> list[RuleOut]:
    """The workspace's alert rules, by name; secrets are never shown (``secrets`` names
    the environment variables and whether the server has them set)."""
    return [rule_out(r) for r in list_rules(store_of(request), principal.workspace)]


@router.get("/alert-rules/{name:path}", response_model=RuleOut)
def get_one(request: Request, principal: ApiPrincipal, name: RuleName) -> RuleOut:
    """One alert rule (masked)."""
    rule = get_rule(store_of(request), principal.workspace, name)
    if rule is None:
        raise HTTPException(status_code=404, detail=f"no alert rule {name!r}")
    return rule_out(rule)


@router.post(
    "/alert-rules",
    response_model=RuleOut,
    status_code=201,
    responses={400: {"description": "invalid rule"}, 409: {"description": "name taken"}},
)
def post_rule(request: Request, principal: CanManage, body: RuleIn) -> RuleOut:
    """Create an alert rule (role: admin). 400 with the reason for an invalid rule."""
    try:
        return rule_out(create_rule(store_of(request), principal.workspace, body))
    except AlertProblem as exc:
        raise _http(exc) from exc


@router.put("/alert-rules/{name:path}", response_model=RuleOut)
def put_rule(request: Request, principal: CanManage, name: RuleName, body: RuleUpdate) -> RuleOut:
    """Change a rule: any of its fields (``{"enabled": false}`` disables it)."""
    try:
        return rule_out(update_rule(store_of(request), principal.workspace, name, body))
    except AlertProblem as exc:
        raise _http(exc) from exc


@router.delete("/alert-rules/{name:path}", status_code=204)
def delete_rule(request: Request, principal: CanManage, name: RuleName) -> Response:
    """Delete a rule; its deliveries still waiting are cancelled."""
    if not remove_rule(store_of(request), principal.workspace, name):
        raise HTTPException(status_code=404, detail=f"no alert rule {name!r}")
    return Response(status_code=204)
