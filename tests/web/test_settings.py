"""Settings through the app: alert rules (validation, masking, enable/disable), members
(last-admin protection), API tokens (shown once, work as Bearer, revocable), roles,
workspace isolation and the Settings page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, WebWorld, bearer, csrf_of, login
from tinhieu.accounts import add_user, authenticate, create_token, role_in
from tinhieu.signals.alerts.rules import get_rule, remove_rule

API = "/api/v1"
HOOK = "https://hooks.example.com/services/T000/B000/s3cr3tpath?key=abc"


@pytest.fixture
def rule_names(web_store: Any) -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        remove_rule(web_store, "default", name)


def webhook(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "channel": "webhook",
        "target": {"url": HOOK, "secret_env": "T5_WEBHOOK_SECRET"},
        "kinds": ["volume_spike", "negative_shift"],
        "min_severity": 6,
        "quiet_hours": "22:00-07:00",
        **extra,
    }


def test_alert_rule_lifecycle_with_masked_secrets(
    world: WebWorld, anonymous: TestClient, web_store: Any, rule_names: list[str]
) -> None:
    rule_names.append("t5 hook")
    h = bearer(world, "admin")
    r = anonymous.post(f"{API}/alert-rules", json=webhook("t5 hook", topic="Lumi Tea"), headers=h)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["target"]["url"] == "https://hooks.example.com/•••"
    assert "s3cr3t" not in r.text
    assert out["secrets"] == [{"key": "secret_env", "env": "T5_WEBHOOK_SECRET", "set": False}]
    assert out["kinds"] == ["volume_spike", "negative_shift"] and out["enabled"] is True
    listed = anonymous.get(f"{API}/alert-rules", headers=bearer(world, "viewer"))
    assert listed.status_code == 200 and "s3cr3t" not in listed.text
    assert "t5 hook" in {x["name"] for x in listed.json()}

    off = anonymous.put(f"{API}/alert-rules/t5%20hook", json={"enabled": False}, headers=h)
    assert off.status_code == 200 and off.json()["enabled"] is False
    stored = get_rule(web_store, "default", "t5 hook")
    assert stored is not None and stored.enabled is False
    assert stored.target["url"] == HOOK  # masking never overwrote the real URL
    # sending the masked URL back keeps the stored one; a new URL replaces it
    same = anonymous.put(
        f"{API}/alert-rules/t5%20hook",
        json={"target": {**out["target"], "secret_env": "T5_OTHER"}, "min_severity": 8},
        headers=h,
    )
    assert same.status_code == 200, same.text
    stored = get_rule(web_store, "default", "t5 hook")
    assert stored is not None and stored.target["url"] == HOOK and stored.min_severity == 8
    assert stored.target["secret_env"] == "T5_OTHER" and stored.topic == "Lumi Tea"

    assert anonymous.delete(f"{API}/alert-rules/t5%20hook", headers=h).status_code == 204
    assert anonymous.delete(f"{API}/alert-rules/t5%20hook", headers=h).status_code == 404
    assert get_rule(web_store, "default", "t5 hook") is None


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"target": {"url": HOOK, "password": "hunter2"}}, "never store a secret"),
        ({"channel": "pigeon"}, "unknown channel"),
        ({"min_severity": 11}, "min_severity"),
        ({"quiet_hours": "late"}, "quiet hours"),
        ({"kinds": ["earthquake"]}, "unknown signal kind"),
        ({"topic": "No Such Topic"}, "no topic"),
        ({"channel": "slack", "target": {"url": "https://hooks.slack.com/x"}}, "secret"),
        ({"channel": "email", "target": {"to": "not-an-address"}}, "email"),
        ({"name": ""}, "name"),
    ],
)
def test_invalid_alert_rules_say_why(
    world: WebWorld, anonymous: TestClient, change: dict[str, Any], fragment: str
) -> None:
    r = anonymous.post(
        f"{API}/alert-rules", json={**webhook("t5 bad"), **change}, headers=bearer(world, "admin")
    )
    assert r.status_code == 400, r.text
    assert fragment in r.json()["error"]["message"]


def test_alert_rule_types_roles_and_duplicates(
    world: WebWorld, anonymous: TestClient, rule_names: list[str]
) -> None:
    rule_names.append("t5 dup")
    h = bearer(world, "admin")
    assert anonymous.post(f"{API}/alert-rules", json=webhook("t5 dup", min_severity=True),
                          headers=h).status_code == 422  # fmt: skip
    assert (
        anonymous.post(f"{API}/alert-rules", json=webhook("t5 dup"), headers=h).status_code == 201
    )
    dup = anonymous.post(f"{API}/alert-rules", json=webhook("t5 dup"), headers=h)
    assert dup.status_code == 409
    for who in ("analyst", "viewer"):
        assert (
            anonymous.post(
                f"{API}/alert-rules", json=webhook("t5 other"), headers=bearer(world, who)
            ).status_code
            == 403
        )
        assert (
            anonymous.put(
                f"{API}/alert-rules/t5%20dup", json={"enabled": False}, headers=bearer(world, who)
            ).status_code
            == 403
        )
        assert (
            anonymous.delete(f"{API}/alert-rules/t5%20dup", headers=bearer(world, who)).status_code
            == 403
        )
    # eve (admin of "other") can neither see nor touch it
    eve = bearer(world, "eve")
    assert "t5 dup" not in {
        x["name"] for x in anonymous.get(f"{API}/alert-rules", headers=eve).json()
    }
    assert anonymous.get(f"{API}/alert-rules/t5%20dup", headers=eve).status_code == 404
    assert (
        anonymous.put(
            f"{API}/alert-rules/t5%20dup", json={"enabled": False}, headers=eve
        ).status_code
        == 404
    )
    assert anonymous.delete(f"{API}/alert-rules/t5%20dup", headers=eve).status_code == 404
    assert anonymous.get(f"{API}/alert-rules/t5%20dup", headers=h).json()["enabled"] is True


# --- members -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def boss(web_store: Any) -> dict[str, str]:
    """The only admin of a workspace of its own."""
    add_user(web_store, "t5-boss", PASSWORD, workspace="t5-team")
    return {"Authorization": "Bearer " + create_token(web_store, "t5-boss", "t5-team", "t")[1]}


def test_members_and_the_last_admin(
    boss: dict[str, str], anonymous: TestClient, web_store: Any
) -> None:
    listed = anonymous.get(f"{API}/members", headers=boss).json()
    assert [(m["user"], m["role"]) for m in listed] == [("t5-boss", "admin")]
    assert anonymous.delete(f"{API}/members/t5-boss", headers=boss).status_code == 409
    demote = anonymous.put(f"{API}/members/t5-boss", json={"role": "viewer"}, headers=boss)
    assert demote.status_code == 409 and "last admin" in demote.json()["error"]["message"]
    assert role_in(web_store, "t5-boss", "t5-team") == "admin"

    new = anonymous.post(
        f"{API}/members",
        json={"user": "t5-helper", "role": "analyst", "password": "a long enough password"},
        headers=boss,
    )
    assert new.status_code == 201, new.text
    assert new.json()["role"] == "analyst"
    assert authenticate(web_store, "t5-helper", "a long enough password") is not None
    again = {"user": "t5-helper", "role": "viewer", "password": "x" * 12}
    assert anonymous.post(f"{API}/members", json=again, headers=boss).status_code == 409
    short = anonymous.post(
        f"{API}/members",
        json={"user": "t5-short", "role": "viewer", "password": "short"},
        headers=boss,
    )
    assert short.status_code == 400 and "10" in short.json()["error"]["message"]
    god = {"user": "t5-x", "role": "god", "password": "x" * 12}
    assert anonymous.post(f"{API}/members", json=god, headers=boss).status_code == 400
    # an existing user of another workspace: added without a password, never reset
    taken = anonymous.post(
        f"{API}/members",
        json={"user": "eve", "role": "viewer", "password": "new password 123"},
        headers=boss,
    )
    assert taken.status_code == 409
    assert authenticate(web_store, "eve", PASSWORD) is not None
    assert role_in(web_store, "eve", "t5-team") is None

    promoted = anonymous.put(f"{API}/members/t5-helper", json={"role": "admin"}, headers=boss)
    assert promoted.status_code == 200 and promoted.json()["role"] == "admin"
    assert (
        anonymous.put(f"{API}/members/t5-boss", json={"role": "analyst"}, headers=boss).status_code
        == 200
    )
    helper = {"Authorization": "Bearer " + create_token(web_store, "t5-helper", "t5-team", "t")[1]}
    assert anonymous.delete(f"{API}/members/t5-helper", headers=helper).status_code == 409
    assert anonymous.delete(f"{API}/members/t5-boss", headers=helper).status_code == 204
    assert role_in(web_store, "t5-boss", "t5-team") is None
    assert (
        anonymous.get(f"{API}/members", headers=boss).status_code == 401
    )  # their token died with it
    assert anonymous.delete(f"{API}/members/nobody", headers=helper).status_code == 404


def test_members_roles_and_isolation(
    world: WebWorld, anonymous: TestClient, web_store: Any
) -> None:
    users = {
        m["user"] for m in anonymous.get(f"{API}/members", headers=bearer(world, "viewer")).json()
    }
    assert {"admin", "analyst", "viewer"} <= users and "eve" not in users
    body = {"user": "t5-nope", "role": "viewer", "password": "x" * 12}
    assert (
        anonymous.post(f"{API}/members", json=body, headers=bearer(world, "analyst")).status_code
        == 403
    )
    assert anonymous.put(f"{API}/members/viewer", json={"role": "admin"},
                         headers=bearer(world, "analyst")).status_code == 403  # fmt: skip
    eve = bearer(world, "eve")
    assert "admin" not in {m["user"] for m in anonymous.get(f"{API}/members", headers=eve).json()}
    assert (
        anonymous.put(f"{API}/members/viewer", json={"role": "admin"}, headers=eve).status_code
        == 404
    )
    assert anonymous.delete(f"{API}/members/analyst", headers=eve).status_code == 404
    assert role_in(web_store, "viewer", "default") == "viewer"
    assert role_in(web_store, "analyst", "default") == "analyst"


# --- tokens --------------------------------------------------------------------------------
def test_token_created_through_the_api_works_until_revoked(
    world: WebWorld, app: Any, anonymous: TestClient
) -> None:
    analyst = login(TestClient(app), "analyst")
    csrf = csrf_of(analyst)
    assert analyst.post(f"{API}/tokens", json={"name": "t5 script"}).status_code == 403  # no CSRF
    made = analyst.post(f"{API}/tokens", json={"name": "t5 script"}, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201, made.text
    secret, token = made.json()["secret"], made.json()["token"]
    assert secret.startswith("th_") and token["active"] and token["user"] == "analyst"
    me = anonymous.get(f"{API}/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["user"] == "analyst" and me.json()["via"] == "token"
    # listed without the secret, for its owner and for admins; not for others
    mine = analyst.get(f"{API}/tokens")
    assert token["id"] in {x["id"] for x in mine.json()} and secret not in mine.text
    assert all(x["user"] == "analyst" for x in mine.json())
    assert token["id"] in {
        x["id"] for x in anonymous.get(f"{API}/tokens", headers=bearer(world, "admin")).json()
    }
    assert token["id"] not in {
        x["id"] for x in anonymous.get(f"{API}/tokens", headers=bearer(world, "viewer")).json()
    }
    assert token["id"] not in {
        x["id"] for x in anonymous.get(f"{API}/tokens", headers=bearer(world, "eve")).json()
    }
    # only its owner or an admin of the workspace may revoke it
    assert (
        anonymous.delete(f"{API}/tokens/{token['id']}", headers=bearer(world, "viewer")).status_code
        == 404
    )
    assert (
        anonymous.delete(f"{API}/tokens/{token['id']}", headers=bearer(world, "eve")).status_code
        == 404
    )
    assert (
        anonymous.get(f"{API}/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )
    gone = analyst.delete(f"{API}/tokens/{token['id']}", headers={"X-CSRF-Token": csrf})
    assert gone.status_code == 204
    assert (
        anonymous.get(f"{API}/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )
    listed = {x["id"]: x for x in analyst.get(f"{API}/tokens").json()}
    assert listed[token["id"]]["active"] is False
    assert (
        anonymous.post(
            f"{API}/tokens", json={"name": 5}, headers=bearer(world, "viewer")
        ).status_code
        == 422
    )


def test_admin_revokes_anyones_token(world: WebWorld, anonymous: TestClient) -> None:
    made = anonymous.post(
        f"{API}/tokens", json={"name": "t5 v"}, headers=bearer(world, "viewer")
    ).json()
    secret = made["secret"]
    assert (
        anonymous.get(f"{API}/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )
    r = anonymous.delete(f"{API}/tokens/{made['token']['id']}", headers=bearer(world, "admin"))
    assert r.status_code == 204
    assert (
        anonymous.get(f"{API}/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )


# --- the page ------------------------------------------------------------------------------
def test_settings_page_by_role(admin: TestClient, viewer: TestClient) -> None:
    mine = viewer.get("/settings")
    assert mine.status_code == 200
    assert 'id="token-form"' in mine.text
    assert 'id="rule-form"' not in mine.text and 'id="member-form"' not in mine.text
    theirs = admin.get("/settings")
    assert 'id="rule-form"' in theirs.text and 'id="member-form"' in theirs.text
    assert (
        viewer.post("/settings/rules", data={"csrf": csrf_of(viewer), "name": "x"}).status_code
        == 403
    )
    assert (
        viewer.post("/settings/members", data={"csrf": csrf_of(viewer), "user": "x"}).status_code
        == 403
    )


def test_rule_form_shows_errors_in_place_and_saves(
    admin: TestClient, web_store: Any, rule_names: list[str]
) -> None:
    rule_names.append("t5 form")
    csrf = csrf_of(admin)
    form = {
        "csrf": csrf, "name": "t5 form", "channel": "telegram",
        "target": "chat_id=12345\ntoken=abc", "min_severity": "7", "cooldown": "30",
        "quiet_hours": "", "lang": "en", "enabled": "on", "kinds": ["volume_spike"],
    }  # fmt: skip
    bad = admin.post("/settings/rules", data=form)
    assert bad.status_code == 400
    assert re.search(r'id="rules-error">[^<]*never store a secret', bad.text)
    assert "chat_id=12345" in bad.text  # what was typed is kept
    assert get_rule(web_store, "default", "t5 form") is None
    form["target"] = "chat_id=12345\ntoken_env=T5_TELEGRAM_TOKEN"
    ok = admin.post("/settings/rules", data=form, follow_redirects=False)
    assert ok.status_code == 303
    rule = get_rule(web_store, "default", "t5 form")
    assert rule is not None and rule.kinds == ("volume_spike",) and rule.min_severity == 7
    assert rule.lang == "en" and rule.cooldown_minutes == 30
    page = admin.get("/settings", params={"edit_rule": "t5 form"})
    assert "token_env=T5_TELEGRAM_TOKEN" in page.text
    toggled = admin.post(
        "/settings/rules/toggle", data={"csrf": csrf, "name": "t5 form"}, follow_redirects=False
    )
    assert toggled.status_code == 303
    rule = get_rule(web_store, "default", "t5 form")
    assert rule is not None and rule.enabled is False
    assert (
        admin.post("/settings/rules/delete", data={"name": "t5 form"}).status_code == 403
    )  # no CSRF
    deleted = admin.post(
        "/settings/rules/delete", data={"csrf": csrf, "name": "t5 form"}, follow_redirects=False
    )
    assert deleted.status_code == 303 and get_rule(web_store, "default", "t5 form") is None


def test_token_secret_is_shown_once_on_the_page(app: Any, web_store: Any) -> None:
    viewer = login(TestClient(app), "viewer")
    csrf = csrf_of(viewer)
    made = viewer.post("/settings/tokens", data={"csrf": csrf, "name": "t5 page token"})
    assert made.status_code == 200
    found = re.search(r'id="new-token" class="token-secret" readonly value="(th_[^"]+)"', made.text)
    assert found
    again = viewer.get("/settings")
    assert found.group(1) not in again.text and "t5 page token" in again.text
    token_id = re.search(
        r'data-token="(\d+)">\s*<td>\d+</td><th scope="row">t5 page token', again.text
    )
    assert token_id
    r = viewer.post(
        "/settings/tokens/revoke",
        data={"csrf": csrf, "id": token_id.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert (
        TestClient(app)
        .get(f"{API}/me", headers={"Authorization": f"Bearer {found.group(1)}"})
        .status_code
        == 401
    )


def test_member_form_last_admin_error_in_place(admin: TestClient) -> None:
    r = admin.post("/settings/members/remove", data={"csrf": csrf_of(admin), "user": "admin"})
    assert r.status_code == 409
    assert re.search(r'id="members-error">[^<]*last admin', r.text)
