"""Users, their workspace roles, login sessions and API tokens.

An agency runs one workspace per client. A user belongs to workspaces with a role:

- ``viewer`` reads everything in the workspace;
- ``analyst`` also corrects labels, works the signals inbox and the moderation queue,
  edits topics and ingests mentions;
- ``admin`` also manages members, alert rules and API tokens.

Passwords are stored as argon2id hashes. Session and API tokens are random 256-bit
values; only their SHA-256 is stored, so a copy of the database does not log anyone in.
Nothing here knows about HTTP: the web layer (``tinhieu.web``) calls these functions.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tinhieu.store.base import Store
from tinhieu.store.duckdb import _first

Role = Literal["viewer", "analyst", "admin"]
ROLES: Final[tuple[Role, ...]] = ("viewer", "analyst", "admin")
_RANK: Final[dict[str, int]] = {role: i for i, role in enumerate(ROLES)}

#: What each action needs at least. One table, so a route cannot forget a check.
PERMISSIONS: Final[dict[str, Role]] = {
    "read": "viewer",
    "correct": "analyst",
    "case": "analyst",
    "moderate": "analyst",
    "topics": "analyst",
    "ingest": "analyst",
    "tokens": "viewer",  # own tokens; admins see and revoke everyone's
    "members": "admin",
    "alerts": "admin",
    "sources": "admin",  # running a source spends the platform's quota
}

SESSION_TTL: Final[timedelta] = timedelta(days=7)
TOKEN_PREFIX: Final[str] = "th_"  # noqa: S105 - a public prefix, not a secret
_NAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{1,63}$")
_HASHER = PasswordHasher()
# Verified against when the user does not exist, so a login takes as long either way.
_DUMMY_HASH: Final[str] = _HASHER.hash("tinhieu-no-such-user")


def _bookkeeping(store: Store) -> AbstractContextManager[None]:
    """The store's bookkeeping block (writes that change no data a view shows), where
    the store has one (:meth:`tinhieu.store.duckdb.DuckDBStore.bookkeeping`)."""
    block = getattr(store, "bookkeeping", None)
    return block() if callable(block) else nullcontext()


class AccountError(ValueError):
    """A bad user name, password, role or membership."""


@dataclass(frozen=True, slots=True)
class User:
    name: str
    display_name: str
    disabled: bool


@dataclass(frozen=True, slots=True)
class Membership:
    user: str
    workspace: str
    role: Role


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking, in which workspace, with which role (from a session or a token)."""

    user: str
    display_name: str
    workspace: str
    role: Role
    csrf: str | None = None  # sessions only
    token_id: int | None = None  # API tokens only

    def can(self, action: str) -> bool:
        return allowed(self.role, action)


def allowed(role: str, action: str) -> bool:
    """Whether ``role`` may do ``action`` (see :data:`PERMISSIONS`)."""
    need = PERMISSIONS.get(action)
    if need is None:
        raise KeyError(f"unknown action {action!r}")
    return _RANK.get(role, -1) >= _RANK[need]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_name(name: str) -> str:
    cleaned = name.strip().lower()
    if not _NAME.match(cleaned):
        raise AccountError(
            f"invalid user name {name!r}: 2–64 characters, letters, digits and . _ @ + -"
        )
    return cleaned


def check_password(password: str) -> str:
    if len(password) < 10:
        raise AccountError("the password must have at least 10 characters")
    if len(password) > 1024:
        raise AccountError("the password must have at most 1024 characters")
    return password


def check_role(role: str) -> Role:
    if role not in _RANK:
        raise AccountError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    return role  # type: ignore[return-value]


# --- users -----------------------------------------------------------------------------
def add_user(
    store: Store,
    name: str,
    password: str,
    *,
    display_name: str | None = None,
    workspace: str | None = None,
    role: str = "admin",
) -> User:
    """Create a user (or reset the password of an existing one) and, with ``workspace``,
    give them ``role`` there."""
    name = check_name(name)
    hashed = _HASHER.hash(check_password(password))
    shown = (display_name or name).strip()[:120] or name
    with store.transaction():
        if store.fetch_all("SELECT 1 FROM users WHERE name = ?", [name]):
            store.execute(
                "UPDATE users SET password_hash = ?, display_name = ?, disabled = FALSE "
                "WHERE name = ?",
                [hashed, shown, name],
            )
        else:
            store.execute(
                "INSERT INTO users (name, display_name, password_hash) VALUES (?, ?, ?)",
                [name, shown, hashed],
            )
        if workspace is not None:
            grant(store, name, workspace, role)
    return User(name, shown, False)


def get_user(store: Store, name: str) -> User | None:
    row = _first(
        store.fetch_all(
            "SELECT name, display_name, disabled FROM users WHERE name = ?", [name.lower()]
        )
    )
    return User(str(row[0]), str(row[1]), bool(row[2])) if row else None


def disable_user(store: Store, name: str) -> bool:
    """Disable a user: their sessions end and their tokens stop working."""
    name = name.lower()
    with store.transaction():
        if not store.fetch_all("SELECT 1 FROM users WHERE name = ?", [name]):
            return False
        store.execute("UPDATE users SET disabled = TRUE WHERE name = ?", [name])
        store.execute("DELETE FROM web_sessions WHERE user_name = ?", [name])
    return True


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The user if ``password`` is theirs and they are not disabled."""
    row = _first(
        store.fetch_all(
            "SELECT name, display_name, password_hash, disabled FROM users WHERE name = ?",
            [name.strip().lower()],
        )
    )
    hashed = str(row[2]) if row else _DUMMY_HASH
    try:
        _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row[3]:
        return None
    if _HASHER.check_needs_rehash(hashed):
        store.execute(
            "UPDATE users SET password_hash = ? WHERE name = ?", [_HASHER.hash(password), row[0]]
        )
    return User(str(row[0]), str(row[1]), False)


# --- memberships -----------------------------------------------------------------------
def grant(store: Store, user: str, workspace: str, role: str) -> Membership:
    role = check_role(role)
    user = user.lower()
    store.ensure_workspace(workspace)
    with store.transaction():
        if not store.fetch_all("SELECT 1 FROM users WHERE name = ?", [user]):
            raise AccountError(f"no user {user!r}")
        store.execute(
            "DELETE FROM memberships WHERE user_name = ? AND workspace = ?", [user, workspace]
        )
        store.execute(
            "INSERT INTO memberships (user_name, workspace, role) VALUES (?, ?, ?)",
            [user, workspace, role],
        )
    return Membership(user, workspace, role)


def revoke(store: Store, user: str, workspace: str) -> bool:
    """Remove a user from a workspace, with their sessions and tokens there."""
    user = user.lower()
    with store.transaction():
        found = bool(
            store.fetch_all(
                "SELECT 1 FROM memberships WHERE user_name = ? AND workspace = ?",
                [user, workspace],
            )
        )
        store.execute(
            "DELETE FROM memberships WHERE user_name = ? AND workspace = ?", [user, workspace]
        )
        store.execute(
            "DELETE FROM web_sessions WHERE user_name = ? AND workspace = ?", [user, workspace]
        )
        store.execute(
            "UPDATE api_tokens SET revoked_at = now() "
            "WHERE user_name = ? AND workspace = ? AND revoked_at IS NULL",
            [user, workspace],
        )
    return found


def memberships(store: Store, user: str) -> list[Membership]:
    rows = store.fetch_all(
        "SELECT user_name, workspace, role FROM memberships WHERE user_name = ? ORDER BY workspace",
        [user.lower()],
    )
    return [Membership(str(r[0]), str(r[1]), r[2]) for r in rows]


def members(store: Store, workspace: str) -> list[tuple[User, Role]]:
    rows = store.fetch_all(
        "SELECT u.name, u.display_name, u.disabled, m.role FROM memberships m "
        "JOIN users u ON u.name = m.user_name WHERE m.workspace = ? ORDER BY u.name",
        [workspace],
    )
    return [(User(str(r[0]), str(r[1]), bool(r[2])), r[3]) for r in rows]


def role_in(store: Store, user: str, workspace: str) -> Role | None:
    row = _first(
        store.fetch_all(
            "SELECT m.role FROM memberships m JOIN users u ON u.name = m.user_name "
            "WHERE m.user_name = ? AND m.workspace = ? AND NOT u.disabled",
            [user.lower(), workspace],
        )
    )
    return row[0] if row else None


# --- sessions --------------------------------------------------------------------------
def create_session(
    store: Store, user: str, workspace: str, *, ttl: timedelta = SESSION_TTL
) -> tuple[str, str]:
    """A new login session; returns (session token, CSRF token)."""
    if role_in(store, user, workspace) is None:
        raise AccountError(f"{user!r} is not a member of workspace {workspace!r}")
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with _bookkeeping(store):
        store.execute(
            "INSERT INTO web_sessions (token_hash, user_name, workspace, csrf, created_at, "
            "expires_at) VALUES (?, ?, ?, ?, ?, ?)",
            [_digest(token), user.lower(), workspace, csrf, now, now + ttl],
        )
    return token, csrf


def session_principal(store: Store, token: str) -> Principal | None:
    """Who a session token belongs to, if it is valid, unexpired and still a member."""
    if not token or len(token) > 200:
        return None
    row = _first(
        store.fetch_all(
            "SELECT s.user_name, u.display_name, s.workspace, m.role, s.csrf "
            "FROM web_sessions s JOIN users u ON u.name = s.user_name "
            "JOIN memberships m ON m.user_name = s.user_name AND m.workspace = s.workspace "
            "WHERE s.token_hash = ? AND s.expires_at > now() AND NOT u.disabled",
            [_digest(token)],
        )
    )
    if row is None:
        return None
    return Principal(str(row[0]), str(row[1]), str(row[2]), row[3], csrf=str(row[4]))


def switch_workspace(store: Store, token: str, workspace: str) -> bool:
    """Point a session at another workspace the user belongs to."""
    principal = session_principal(store, token)
    if principal is None or role_in(store, principal.user, workspace) is None:
        return False
    store.execute(
        "UPDATE web_sessions SET workspace = ? WHERE token_hash = ?", [workspace, _digest(token)]
    )
    return True


def end_session(store: Store, token: str) -> None:
    with _bookkeeping(store):
        store.execute("DELETE FROM web_sessions WHERE token_hash = ?", [_digest(token)])
        store.execute("DELETE FROM web_sessions WHERE expires_at <= now()")


def csrf_ok(principal: Principal, submitted: str | None) -> bool:
    return bool(principal.csrf and submitted) and hmac.compare_digest(
        str(principal.csrf), str(submitted)
    )


# --- API tokens ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ApiToken:
    id: int
    user: str
    workspace: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def create_token(store: Store, user: str, workspace: str, name: str) -> tuple[ApiToken, str]:
    """A new API token for ``user`` in ``workspace``; the secret is returned once only."""
    if role_in(store, user, workspace) is None:
        raise AccountError(f"{user!r} is not a member of workspace {workspace!r}")
    label = name.strip()[:80] or "token"
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store.transaction():
        row = _first(store.fetch_all("SELECT coalesce(max(id), 0) + 1 FROM api_tokens"))
        token_id = int(row[0]) if row else 1
        store.execute(
            "INSERT INTO api_tokens (id, token_hash, user_name, workspace, name) "
            "VALUES (?, ?, ?, ?, ?)",
            [token_id, _digest(secret), user.lower(), workspace, label],
        )
    return _token(store, token_id), secret


def _token(store: Store, token_id: int) -> ApiToken:
    row = _first(
        store.fetch_all(
            "SELECT id, user_name, workspace, name, created_at, last_used_at, revoked_at "
            "FROM api_tokens WHERE id = ?",
            [token_id],
        )
    )
    assert row is not None
    return ApiToken(int(row[0]), str(row[1]), str(row[2]), str(row[3]), row[4], row[5], row[6])


def list_tokens(store: Store, workspace: str, user: str | None = None) -> list[ApiToken]:
    where, params = "workspace = ?", [workspace]
    if user is not None:
        where += " AND user_name = ?"
        params.append(user.lower())
    rows = store.fetch_all(
        "SELECT id, user_name, workspace, name, created_at, last_used_at, revoked_at "
        f"FROM api_tokens WHERE {where} ORDER BY id",
        params,
    )
    return [ApiToken(int(r[0]), str(r[1]), str(r[2]), str(r[3]), r[4], r[5], r[6]) for r in rows]


def revoke_token(store: Store, workspace: str, token_id: int, user: str | None = None) -> bool:
    """Revoke a token of the workspace (only ``user``'s own when given)."""
    where, params = "id = ? AND workspace = ? AND revoked_at IS NULL", [token_id, workspace]
    if user is not None:
        where += " AND user_name = ?"
        params.append(user.lower())
    with store.transaction():
        found = bool(store.fetch_all(f"SELECT 1 FROM api_tokens WHERE {where}", params))
        if found:
            store.execute(f"UPDATE api_tokens SET revoked_at = now() WHERE {where}", params)
    return found


def token_principal(store: Store, secret: str) -> Principal | None:
    """Who an API token acts for, if it is valid, unrevoked and its user still a member."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    row = _first(
        store.fetch_all(
            "SELECT t.id, t.user_name, u.display_name, t.workspace, m.role, t.last_used_at "
            "FROM api_tokens t JOIN users u ON u.name = t.user_name "
            "JOIN memberships m ON m.user_name = t.user_name AND m.workspace = t.workspace "
            "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND NOT u.disabled",
            [_digest(secret)],
        )
    )
    if row is None:
        return None
    last: datetime | None = row[5]
    now = datetime.now(UTC)
    # At most one write a minute per token: a busy script must not turn reads into writes.
    if last is None or now - last > timedelta(minutes=1):
        with _bookkeeping(store):
            store.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", [now, row[0]])
    return Principal(str(row[1]), str(row[2]), str(row[3]), row[4], token_id=int(row[0]))
