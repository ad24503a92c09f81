"""Logins, sessions, CSRF, API tokens, roles and the security headers, through the app."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, WebWorld, bearer, csrf_of, login
from tinhieu.accounts import (
    AccountError,
    add_user,
    allowed,
    authenticate,
    create_token,
    revoke_token,
    token_principal,
)


def test_pages_need_a_login(anonymous: TestClient) -> None:
    r = anonymous.get("/?days=30&grain=week", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2F%3Fdays%3D30%26grain%3Dweek"


def test_api_needs_a_token(anonymous: TestClient) -> None:
    r = anonymous.get("/api/v1/me")
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert "error" in r.json()


def test_wrong_password_is_refused_and_right_one_sets_a_safe_cookie(anonymous: TestClient) -> None:
    page = anonymous.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
    assert token
    bad = anonymous.post(
        "/login",
        data={"name": "admin", "password": "nope-nope-nope", "login_csrf": token.group(1)},
    )
    assert bad.status_code == 401
    assert "Sai tên đăng nhập" in bad.text
    good = anonymous.post(
        "/login",
        data={"name": "admin", "password": PASSWORD, "login_csrf": token.group(1)},
        follow_redirects=False,
    )
    assert good.status_code == 303
    cookie = good.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_login_without_the_form_token_is_refused(anonymous: TestClient) -> None:
    r = anonymous.post("/login", data={"name": "admin", "password": PASSWORD})
    assert r.status_code == 403


def test_open_redirect_after_login_is_refused(anonymous: TestClient) -> None:
    page = anonymous.get("/login?next=//evil.example/x")
    assert 'value="/"' in page.text
    assert "evil.example" not in page.text


def test_logout_needs_csrf_and_ends_the_session(app: Any) -> None:
    client = login(TestClient(app), "viewer")
    assert client.post("/logout", data={}).status_code == 403
    token = csrf_of(client)
    assert client.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert client.get("/api/v1/me").status_code == 401


def test_session_api_writes_need_the_csrf_header(analyst: TestClient) -> None:
    # a JSON write through the session cookie without X-CSRF-Token is refused
    r = analyst.post("/api/v1/nothing-here", json={})
    assert r.status_code in (403, 404, 405)
    assert analyst.get("/api/v1/me").json()["via"] == "session"


def test_tokens_authenticate_and_revoked_tokens_stop(
    world: WebWorld, anonymous: TestClient, web_store: Any
) -> None:
    made, secret = create_token(web_store, "viewer", "default", "short-lived")
    headers = {"Authorization": f"Bearer {secret}"}
    me = anonymous.get("/api/v1/me", headers=headers).json()
    assert me == {
        "user": "viewer",
        "display_name": "Chỉ xem",
        "workspace": "default",
        "role": "viewer",
        "via": "token",
    }
    assert revoke_token(web_store, "default", made.id)
    assert anonymous.get("/api/v1/me", headers=headers).status_code == 401
    assert (
        anonymous.get("/api/v1/me", headers={"Authorization": "Bearer th_forged"}).status_code
        == 401
    )
    assert anonymous.get("/api/v1/me", headers=bearer(world, "eve")).json()["workspace"] == "other"


def test_tokens_are_stored_hashed(web_store: Any) -> None:
    _, secret = create_token(web_store, "admin", "default", "hash-check")
    stored = {str(r[0]) for r in web_store.fetch_all("SELECT token_hash FROM api_tokens")}
    assert secret not in stored
    assert token_principal(web_store, secret) is not None


def test_passwords_are_argon2_hashed(web_store: Any) -> None:
    row = web_store.fetch_all("SELECT password_hash FROM users WHERE name = 'admin'")[0]
    assert str(row[0]).startswith("$argon2id$")
    assert PASSWORD not in str(row[0])
    assert authenticate(web_store, "ADMIN ", PASSWORD) is not None
    assert authenticate(web_store, "admin", PASSWORD + "x") is None
    assert authenticate(web_store, "nobody", PASSWORD) is None


def test_bad_accounts_are_refused(web_store: Any) -> None:
    for name, password in (("x", PASSWORD), ("ok-name", "short"), ("bad name!", PASSWORD)):
        try:
            add_user(web_store, name, password)
        except AccountError:
            continue
        raise AssertionError(f"{name!r} / {password!r} was accepted")


def test_role_table() -> None:
    assert allowed("viewer", "read") and not allowed("viewer", "correct")
    assert allowed("analyst", "case") and not allowed("analyst", "members")
    assert allowed("admin", "members") and allowed("admin", "alerts")
    assert not allowed("intruder", "read")


def test_security_headers_on_pages_and_api(admin: TestClient) -> None:
    for path in ("/", "/api/v1/me", "/login"):
        r = admin.get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"


def test_openapi_document_is_served(anonymous: TestClient) -> None:
    doc = anonymous.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert "/api/v1/overview" in doc["paths"]
    assert not any(p.startswith("/login") for p in doc["paths"])
