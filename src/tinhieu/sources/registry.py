"""Sources defined through the API (``api_sources``), beside those of the config file.

A stored source has the same shape as a ``[sources.NAME]`` table of the config file
and is checked by the same :func:`~tinhieu.sources.connectors.config.validate_source`.
Its credentials are either environment variables named by ``*_env`` options, as in
the file, or the secret values themselves (``secrets``, by field: ``token`` for
``token_env``), stored encrypted with Fernet. Secrets are write-only: what this module
returns shows only whether each is set and when (``secrets_meta``), never a value.

The key is ``$TINHIEU_SECRET_KEY`` (a Fernet key), else the file ``tinhieu.secret``
beside the store, created with mode 0600 on first use. A store in memory without the
variable gets a key that lives as long as the process. When the key cannot decrypt the
stored secrets (the file was replaced), the source is still loaded and its runs fail
with a message naming it; nothing else stops.

A name used by a source of the config file in the same workspace is refused here
(file sources are read-only through the API); deleting a stored source keeps its past
runs (``source_runs``) and removes its cursors (``source_state``), so a new source of
the same name starts afresh.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from cryptography.fernet import Fernet, InvalidToken

from tinhieu.sources.connectors.base import ConfigError, register_secret
from tinhieu.sources.connectors.config import SourceConfig, credential_options, secret_field
from tinhieu.sources.connectors.config import validate_source as _validate
from tinhieu.store.duckdb import DuckDBStore

log = logging.getLogger(__name__)

KEY_ENV: Final[str] = "TINHIEU_SECRET_KEY"
KEY_FILE: Final[str] = "tinhieu.secret"
#: options that are fields of their own in the API, never inside ``options``
RESERVED: Final[frozenset[str]] = frozenset({"type", "workspace", "interval", "enabled"})
#: types only the config file may define: a drop folder reads the server's own disk
FILE_ONLY: Final[frozenset[str]] = frozenset({"dropfolder"})
_MEMORY_KEYS: dict[int, bytes] = {}
_KEY_LOCK = threading.Lock()
_COLS: Final[str] = (
    "workspace, name, type, options, interval_seconds, enabled, secrets, secrets_meta, "
    "created_at, created_by, updated_at, updated_by"
)


class SourceProblem(ValueError):
    """A request about a stored source that cannot be done: ``status`` 400 (invalid),
    404 (no such source), 409 (name taken). The message never holds a secret."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class SecretKeyError(RuntimeError):
    """The secret key is missing, malformed, or not the one the secrets were stored with."""


# --- the key and the box ------------------------------------------------------------------
def key_path(store: DuckDBStore) -> Path | None:
    """The key file beside the store (None for a store in memory)."""
    if store.path == ":memory:":
        return None
    return Path(store.path).resolve().parent / KEY_FILE


def secret_key(store: DuckDBStore, *, create: bool) -> bytes:
    """The Fernet key: ``$TINHIEU_SECRET_KEY``, else the key file (created when
    ``create``). ``SecretKeyError`` when there is none or it is malformed."""
    env = os.environ.get(KEY_ENV, "").strip()
    if env:
        key = env.encode("ascii", "replace")
        _check_key(key, f"${KEY_ENV}")
        return key
    path = key_path(store)
    with _KEY_LOCK:
        if path is None:
            found = _MEMORY_KEYS.get(id(store))
            if found is None:
                found = _MEMORY_KEYS[id(store)] = Fernet.generate_key()
            return found
        if not path.exists():
            if not create:
                raise SecretKeyError(f"the secret key file {path} is missing")
            key = Fernet.generate_key()
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process made it first: use theirs
            else:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(key + b"\n")
                log.info("created the secret key file %s", path)
        key = path.read_bytes().strip()
    _check_key(key, str(path))
    return key


def _check_key(key: bytes, where: str) -> None:
    try:
        Fernet(key)
    except (ValueError, TypeError):
        raise SecretKeyError(
            f"{where} is not a valid key (32 url-safe base64-encoded bytes; make one with "
            "python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())')"
        ) from None


def encrypt_secrets(store: DuckDBStore, values: Mapping[str, str]) -> str:
    key = secret_key(store, create=True)
    return Fernet(key).encrypt(json.dumps(dict(values)).encode("utf-8")).decode("ascii")


def decrypt_secrets(store: DuckDBStore, token: str, source: str) -> dict[str, str]:
    """The secrets of ``source``; ``SecretKeyError`` naming the source when the key
    cannot read them."""
    try:
        key = secret_key(store, create=False)
        data = json.loads(Fernet(key).decrypt(token.encode("ascii")))
    except SecretKeyError as exc:
        raise SecretKeyError(f"source {source}: cannot read its stored secrets: {exc}") from None
    except (InvalidToken, ValueError):
        raise SecretKeyError(
            f"source {source}: cannot decrypt its stored secrets: the secret key is not the "
            f"one they were stored with (${KEY_ENV} or {KEY_FILE} changed); set the "
            "secrets again through the API"
        ) from None
    values = {str(k): str(v) for k, v in dict(data).items()}
    for value in values.values():
        register_secret(value)  # never in an error message or a log line
    return values


# --- stored sources -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StoredSource:
    """A source as stored (its secrets only as ``secrets_meta``: field → set at)."""

    workspace: str
    name: str
    type: str
    options: dict[str, Any]
    interval: timedelta
    enabled: bool
    secrets_meta: dict[str, str] = field(default_factory=dict)
    created_at: datetime | None = None
    created_by: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None
    sealed: str | None = field(default=None, repr=False, compare=False)  # the cipher text

    def masked_secrets(self) -> dict[str, dict[str, Any]]:
        """``{"token": {"set": true, "updated_at": "…"}}``: never a value."""
        return {k: {"set": True, "updated_at": v} for k, v in sorted(self.secrets_meta.items())}

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "origin": "api",
            "options": self.options,
            "interval_seconds": int(self.interval.total_seconds()),
            "enabled": self.enabled,
            "secrets": self.masked_secrets(),
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "created_by": self.created_by,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "updated_by": self.updated_by,
        }


def _row(row: tuple[Any, ...]) -> StoredSource:
    return StoredSource(
        workspace=row[0],
        name=row[1],
        type=row[2],
        options=dict(json.loads(row[3])),
        interval=timedelta(seconds=int(row[4])),
        enabled=bool(row[5]),
        sealed=row[6],
        secrets_meta={str(k): str(v) for k, v in dict(json.loads(row[7] or "{}")).items()},
        created_at=row[8],
        created_by=row[9],
        updated_at=row[10],
        updated_by=row[11],
    )


def list_sources(store: DuckDBStore, workspace: str) -> list[StoredSource]:
    rows = store.fetch_all(
        f"SELECT {_COLS} FROM api_sources WHERE workspace = ? ORDER BY name", [workspace]
    )
    return [_row(r) for r in rows]


def get_source(store: DuckDBStore, workspace: str, name: str) -> StoredSource | None:
    rows = store.fetch_all(
        f"SELECT {_COLS} FROM api_sources WHERE workspace = ? AND name = ?", [workspace, name]
    )
    return _row(rows[0]) if rows else None


def secret_fields(kind: str) -> tuple[str, ...]:
    """The secrets a source type takes through the API (``token`` for ``token_env``)."""
    return tuple(secret_field(o) for o in credential_options(kind))


def validate(
    workspace: str,
    name: str,
    kind: str,
    options: Mapping[str, Any],
    interval: int | str | None,
    enabled: bool,
    secrets: Collection[str] = (),
) -> SourceConfig:
    """Check a source by the config file's rules (``SourceProblem`` 400 otherwise).
    ``secrets``: the fields whose secret is (or will be) set."""
    if kind in FILE_ONLY:
        raise SourceProblem(
            f"source {name}: a {kind} source reads the server's disk: define it in the config file"
        )
    reserved = sorted(RESERVED & set(options))
    if reserved:
        raise SourceProblem(
            f"source {name}: {', '.join(reserved)} are fields of their own, not options"
        )
    spec: dict[str, Any] = {**options, "type": kind, "enabled": enabled}
    if interval is not None:
        spec["interval"] = interval
    try:
        return _validate(
            name,
            spec,
            where="api",
            origin="api",
            workspace=workspace,
            secrets=dict.fromkeys(secrets, "•"),
        )
    except ConfigError as exc:
        raise SourceProblem(str(exc).removeprefix("api: ")) from None


def _clean_secrets(values: Mapping[str, str | None]) -> None:
    for key, value in values.items():
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise SourceProblem(f"secret {key}: give a non-empty string (or null to clear it)")


def create_source(
    store: DuckDBStore,
    workspace: str,
    name: str,
    kind: str,
    options: Mapping[str, Any],
    *,
    interval: int | str | None = None,
    enabled: bool = True,
    secrets: Mapping[str, str] | None = None,
    by: str | None = None,
    file_names: Collection[str] = (),
) -> StoredSource:
    """Validate and store a new source. ``file_names``: the config file's sources of this
    workspace (a clash is 409, as is an existing stored source)."""
    given = {k: v for k, v in (secrets or {}).items()}
    _clean_secrets(given)
    config = validate(workspace, name, kind, options, interval, enabled, given)
    if name in file_names:
        raise SourceProblem(
            f"source {name} is defined in the config file (read-only here); pick another name",
            409,
        )
    now = datetime.now(UTC)
    sealed = encrypt_secrets(store, given) if given else None
    meta = {k: now.isoformat() for k in given}
    with store.transaction():
        if get_source(store, workspace, name) is not None:
            raise SourceProblem(f"a source named {name} exists already", 409)
        store.execute(
            "INSERT INTO api_sources (workspace, name, type, options, interval_seconds, "
            "enabled, secrets, secrets_meta, created_at, created_by, updated_at, updated_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                workspace,
                name,
                kind,
                json.dumps(dict(options), ensure_ascii=False),
                int(config.interval.total_seconds()),
                config.enabled,
                sealed,
                json.dumps(meta),
                now,
                by,
                now,
                by,
            ],
        )
    found = get_source(store, workspace, name)
    assert found is not None
    return found


def update_source(
    store: DuckDBStore,
    workspace: str,
    name: str,
    *,
    options: Mapping[str, Any] | None = None,
    interval: int | str | None = None,
    enabled: bool | None = None,
    secrets: Mapping[str, str | None] | None = None,
    by: str | None = None,
) -> StoredSource:
    """Change a stored source: what is None keeps its value; in ``secrets``, a field
    with a string sets it, with None clears it, absent keeps it. 404 if unknown."""
    old = get_source(store, workspace, name)
    if old is None:
        raise SourceProblem("no such source", 404)
    changes = dict(secrets or {})
    _clean_secrets(changes)
    unknown = sorted(set(changes) - set(secret_fields(old.type)))
    if unknown:
        raise SourceProblem(
            f"source {name}: unknown secret(s) {', '.join(unknown)}; a {old.type} source "
            f"takes: {', '.join(secret_fields(old.type)) or 'none'}"
        )
    meta = dict(old.secrets_meta)
    values: dict[str, str] = {}
    if old.sealed and changes:
        try:
            values = decrypt_secrets(store, old.sealed, name)
        except SecretKeyError:
            # the old values are unreadable: only a full replacement is possible
            missing = sorted(set(meta) - set(changes))
            if missing:
                raise SourceProblem(
                    f"source {name}: its stored secrets cannot be decrypted (the secret key "
                    f"changed); send all of them again ({', '.join(missing)})",
                    409,
                ) from None
            values = {}
    now = datetime.now(UTC)
    for key, value in changes.items():
        if value is None:
            values.pop(key, None)
            meta.pop(key, None)
        else:
            values[key] = value
            meta[key] = now.isoformat()
    new_options = dict(old.options if options is None else options)
    new_interval: int | str = (
        interval if interval is not None else f"{int(old.interval.total_seconds())}s"
    )
    new_enabled = old.enabled if enabled is None else enabled
    config = validate(workspace, name, old.type, new_options, new_interval, new_enabled, meta)
    sealed = old.sealed
    if changes:
        sealed = encrypt_secrets(store, values) if values else None
    store.execute(
        "UPDATE api_sources SET options = ?, interval_seconds = ?, enabled = ?, secrets = ?, "
        "secrets_meta = ?, updated_at = ?, updated_by = ? WHERE workspace = ? AND name = ?",
        [
            json.dumps(new_options, ensure_ascii=False),
            int(config.interval.total_seconds()),
            config.enabled,
            sealed,
            json.dumps(meta),
            now,
            by,
            workspace,
            name,
        ],
    )
    found = get_source(store, workspace, name)
    assert found is not None
    return found


def delete_source(store: DuckDBStore, workspace: str, name: str) -> bool:
    """Remove a stored source and its cursors (its past runs stay); False if unknown."""
    with store.transaction():
        if get_source(store, workspace, name) is None:
            return False
        store.execute("DELETE FROM api_sources WHERE workspace = ? AND name = ?", [workspace, name])
        store.execute(
            "DELETE FROM source_state WHERE workspace = ? AND source = ?", [workspace, name]
        )
    return True


def to_config(store: DuckDBStore, stored: StoredSource) -> SourceConfig:
    """The runnable configuration of a stored source, secrets decrypted. A source whose
    secrets cannot be decrypted (or whose options no longer pass) is still returned: it
    fails with that message when it runs."""
    values: dict[str, str] = {}
    problem: str | None = None
    if stored.sealed:
        try:
            values = decrypt_secrets(store, stored.sealed, stored.name)
        except SecretKeyError as exc:
            problem = str(exc)
            log.warning("%s", problem)
    secret_names = values if problem is None else dict.fromkeys(stored.secrets_meta, "•")
    try:
        config = validate(
            stored.workspace,
            stored.name,
            stored.type,
            stored.options,
            f"{int(stored.interval.total_seconds())}s",
            stored.enabled,
            secret_names,
        )
    except SourceProblem as exc:
        problem = problem or f"source {stored.name}: {exc}"
        from tinhieu.sources.connectors.base import HttpPolicy

        return SourceConfig(
            stored.name,
            stored.type,
            stored.workspace,
            stored.interval,
            stored.enabled,
            HttpPolicy(),
            stored.options,
            origin="api",
            secret_error=problem,
        )
    return SourceConfig(
        config.name,
        config.type,
        stored.workspace,
        config.interval,
        config.enabled,
        config.http,
        config.options,
        origin="api",
        secrets=values,
        secret_error=problem,
    )


def load_sources(store: DuckDBStore, workspace: str | None = None) -> list[SourceConfig]:
    """The stored sources of ``workspace`` (None: of every workspace), ready to run."""
    if workspace is None:
        rows = store.fetch_all(f"SELECT {_COLS} FROM api_sources ORDER BY workspace, name")
    else:
        rows = store.fetch_all(
            f"SELECT {_COLS} FROM api_sources WHERE workspace = ? ORDER BY name", [workspace]
        )
    return [to_config(store, _row(r)) for r in rows]
