"""Sources configured in the workspace config file (TOML).

::

    [http]                       # defaults for every source (see HttpPolicy)
    timeout = 30

    [sources.vnexpress]
    type = "feed"
    urls = ["https://vnexpress.net/rss/kinh-doanh.rss"]
    interval = "30m"

    [sources.fanpage]
    type = "facebook"
    pages = ["104958162837"]
    token_env = "FB_PAGE_TOKEN"  # the token itself never goes in the file

Credentials are named by environment variable only (``token_env``, ``key_env``); a key
that looks like a credential written in the file is refused. The file is
``$TINHIEU_CONFIG``, else ``tinhieu.toml`` beside the store.

Sources can also be defined through the API (:mod:`tinhieu.sources.registry`); those
are checked by the same :func:`validate_source` and may carry their credentials
themselves (``secrets``, stored encrypted) instead of naming environment variables.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar, Final, Self

import httpx

from tinhieu.sources.connectors.base import (
    Classify,
    ConfigError,
    Connector,
    HttpClient,
    HttpPolicy,
    private_urls_allowed,
    register_secret,
)

CONFIG_FILE: Final[str] = "tinhieu.toml"
TYPES: Final[tuple[str, ...]] = (
    "feed",
    "facebook",
    "youtube",
    "tiktok",
    "reddit",
    "x",
    "dropfolder",
)
DEFAULT_INTERVAL: Final[timedelta] = timedelta(hours=1)
_COMMON: Final[frozenset[str]] = frozenset({"type", "workspace", "interval", "enabled", "http"})
_INLINE_SECRETS: Final[frozenset[str]] = frozenset(
    {"token", "access_token", "key", "api_key", "secret", "client_secret", "password"}
)
_NAME: Final[re.Pattern[str]] = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_INTERVAL: Final[re.Pattern[str]] = re.compile(r"\s*(\d+)\s*(s|m|h|d)\s*")


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """One source. ``origin``: ``file`` (the config file) or ``api`` (stored through the
    API). ``secrets``: credentials given through the API, by field (``token`` for the
    ``token_env`` option), never shown in repr; ``secret_error``: why they could not be
    decrypted (the source then fails with that message when it runs)."""

    name: str
    type: str
    workspace: str | None
    interval: timedelta
    enabled: bool
    http: HttpPolicy
    options: Mapping[str, Any] = field(default_factory=dict)
    origin: str = "file"
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    secret_error: str | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class SourcesConfig:
    path: str | None
    sources: tuple[SourceConfig, ...]

    def for_workspace(self, workspace: str) -> list[SourceConfig]:
        return [s for s in self.sources if s.workspace in (None, workspace)]


def default_config_path(db_path: str | None) -> Path:
    env = os.environ.get("TINHIEU_CONFIG")
    if env:
        return Path(env)
    if db_path and db_path != ":memory:":
        return Path(db_path).resolve().parent / CONFIG_FILE
    return Path(CONFIG_FILE)


def parse_interval(value: object) -> timedelta:
    """Minutes as a number, or a string such as ``90s``, ``30m``, ``2h``, ``1d``."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return timedelta(minutes=value)
    if isinstance(value, str):
        m = _INTERVAL.fullmatch(value)
        if m and int(m.group(1)) > 0:
            unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[m.group(2)]
            return timedelta(**{unit: int(m.group(1))})
    raise ConfigError(f"interval must be minutes or like 30m, 2h, 1d; got {value!r}")


def load_config(path: str | Path | None) -> SourcesConfig:
    """The sources of ``path``; no file means no sources."""
    if path is None or not Path(path).exists():
        return SourcesConfig(str(path) if path else None, ())
    try:
        data = tomllib.loads(Path(path).read_text("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(data, str(path))


def parse_config(data: Mapping[str, Any], path: str | None = None) -> SourcesConfig:
    where = path or "config"
    http_defaults = data.get("http", {})
    if not isinstance(http_defaults, dict):
        raise ConfigError(f"{where}: [http] must be a table")
    HttpPolicy.from_mapping(http_defaults)  # checked once here
    raw = data.get("sources", {})
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: [sources] must be a table of [sources.NAME] tables")
    sources = []
    for name, spec in raw.items():
        if not isinstance(spec, dict):
            raise ConfigError(f"{where}: [sources.{name}] must be a table")
        sources.append(validate_source(name, spec, http_defaults, where))
    return SourcesConfig(path, tuple(sources))


def secret_field(option: str) -> str:
    """The API's name for the credential that ``option`` names: ``token_env`` → ``token``."""
    return option.removesuffix("_env")


def credential_options(kind: str) -> tuple[str, ...]:
    """The ``*_env`` options of a source type (empty for types without credentials)."""
    from tinhieu.sources.connectors.facebook import FacebookConnector
    from tinhieu.sources.connectors.reddit import RedditConnector
    from tinhieu.sources.connectors.tiktok import TikTokConnector
    from tinhieu.sources.connectors.x import XConnector
    from tinhieu.sources.connectors.youtube import YouTubeConnector

    classes: dict[str, type[CredentialedConnector]] = {
        "facebook": FacebookConnector,
        "youtube": YouTubeConnector,
        "tiktok": TikTokConnector,
        "reddit": RedditConnector,
        "x": XConnector,
    }
    found = classes.get(kind)
    return found.CREDENTIAL_OPTIONS if found is not None else ()


def validate_source(
    name: str,
    spec: Mapping[str, Any],
    http_defaults: Mapping[str, Any] | None = None,
    where: str = "config",
    *,
    origin: str = "file",
    workspace: str | None = None,
    secrets: Mapping[str, str] | None = None,
) -> SourceConfig:
    """One source's configuration, checked: the same rules for the config file and for
    sources defined through the API (``origin="api"``, ``workspace`` fixed by the
    caller, credentials possibly in ``secrets`` instead of ``*_env`` options).
    ``ConfigError`` names what is wrong; it never contains a secret value."""
    api = origin == "api"
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ConfigError(
            f"{where}: source name {name!r}: use letters, digits, '_', '-', '.' (≤ 64)"
        )
    kind = spec.get("type")
    if kind not in TYPES:
        raise ConfigError(f"{where}: source {name}: type must be one of {', '.join(TYPES)}")
    inline = sorted(_INLINE_SECRETS & set(spec))
    if inline:
        raise ConfigError(
            f"{where}: source {name}: credentials ({', '.join(inline)}) go in secrets, "
            "never in options"
            if api
            else f"{where}: source {name}: do not write credentials in the file "
            f"({', '.join(inline)}); put them in an environment variable and name it "
            "with token_env / key_env"
        )
    secrets = dict(secrets or {})
    if secrets:
        fields = {secret_field(o): o for o in credential_options(str(kind))}
        unknown = sorted(set(secrets) - set(fields))
        if unknown:
            raise ConfigError(
                f"{where}: source {name}: unknown secret(s) {', '.join(unknown)}; "
                f"a {kind} source takes: {', '.join(sorted(fields)) or 'none'}"
            )
        both = sorted(f for f in secrets if fields[f] in spec)
        if both:
            raise ConfigError(
                f"{where}: source {name}: give either the secret or the environment variable "
                f"option, not both ({', '.join(f'{f} / {fields[f]}' for f in both)})"
            )
    if api:
        if "workspace" in spec:
            raise ConfigError(f"{where}: source {name}: workspace is not an option")
    else:
        workspace = spec.get("workspace")
        if workspace is not None and not isinstance(workspace, str):
            raise ConfigError(f"{where}: source {name}: workspace must be a string")
    http = spec.get("http", {})
    if not isinstance(http, dict):
        raise ConfigError(f"{where}: source {name}: http must be a table")
    try:
        policy = HttpPolicy.from_mapping({**(http_defaults or {}), **http})
    except ConfigError as exc:
        raise ConfigError(f"{where}: source {name}: {exc}") from None
    if api:  # whoever administers a workspace must not reach the server's own network
        policy = dataclasses.replace(policy, allow_private=private_urls_allowed())
    try:
        interval = parse_interval(spec["interval"]) if "interval" in spec else DEFAULT_INTERVAL
    except ConfigError as exc:
        raise ConfigError(f"{where}: source {name}: {exc}") from None
    enabled = spec.get("enabled", True)
    if api and not isinstance(enabled, bool):
        raise ConfigError(f"{where}: source {name}: enabled must be true or false")
    options = {k: v for k, v in spec.items() if k not in _COMMON}
    config = SourceConfig(
        name,
        kind,
        workspace,
        interval,
        bool(enabled),
        policy,
        options,
        origin=origin,
        secrets=secrets,
    )
    build_connector(config, env={}, check_only=True)
    return config


class CredentialedConnector(Connector):
    """A connector whose credentials are environment variables named in its options
    (``CREDENTIAL_OPTIONS``, e.g. ``token_env``): never the secrets themselves.

    Subclasses take ``(name, options, policy, credentials)``: one string for one
    option, a tuple for several, None when only the configuration is checked."""

    CREDENTIAL_OPTIONS: ClassVar[tuple[str, ...]] = ()
    client: Any = None

    def __init__(self, name: str, *args: Any) -> None:
        # subclasses take (name, options, policy, credentials) and call this with name
        super().__init__(name)

    @classmethod
    def from_options(
        cls,
        name: str,
        options: Mapping[str, Any],
        policy: HttpPolicy,
        env: Mapping[str, str],
        *,
        check_only: bool = False,
        secrets: Mapping[str, str] | None = None,
    ) -> Self:
        """The connector; each credential is the API-given secret (``secrets``, by
        :func:`secret_field` name) when there is one, else the environment variable
        its ``*_env`` option names."""
        given = secrets or {}
        if check_only:
            for key in cls.CREDENTIAL_OPTIONS:
                if secret_field(key) not in given and not isinstance(options.get(key), str):
                    raise ConfigError(
                        f"source {name}: {key} must name an environment variable "
                        f"(or, through the API, send the {secret_field(key)} secret)"
                    )
            return cls(name, options, policy, None)
        values = tuple(
            given[secret_field(key)]
            if given.get(secret_field(key))
            else env_secret(name, options, key, env)
            for key in cls.CREDENTIAL_OPTIONS
        )
        for value in values:
            register_secret(value)
        return cls(name, options, policy, values[0] if len(values) == 1 else values)

    def bearer_client(
        self,
        base_url: str,
        token: str,
        policy: HttpPolicy,
        *,
        classify: Classify,
        on_response: Callable[[httpx.Response], float] | None = None,
    ) -> HttpClient:
        """An HTTP client that sends ``token`` as ``Authorization: Bearer`` (redacted
        from every message) and counts into this connector's stats."""
        return HttpClient(
            base_url.rstrip("/"),
            policy,
            headers={"Authorization": f"Bearer {token}"},
            secrets=(token,),
            classify=classify,
            on_response=on_response,
            stats=self.stats,
        )

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


def env_secret(name: str, options: Mapping[str, Any], key: str, env: Mapping[str, str]) -> str:
    """The credential in the environment variable named by ``options[key]``."""
    var = options.get(key)
    if not isinstance(var, str) or not var:
        raise ConfigError(f"source {name}: {key} must name an environment variable")
    value = env.get(var, "").strip()
    if not value:
        raise ConfigError(
            f"source {name}: the environment variable {var} is not set "
            f"(it holds the credential; see docs/sources.md)"
        )
    return value


def build_connector(
    config: SourceConfig,
    env: Mapping[str, str] | None = None,
    *,
    check_only: bool = False,
) -> Connector:
    """The connector for ``config``; ``check_only`` validates options without needing
    the credential (used when the file is loaded)."""
    from tinhieu.sources.connectors.dropfolder import DropFolderConnector
    from tinhieu.sources.connectors.facebook import FacebookConnector
    from tinhieu.sources.connectors.feeds import FeedConnector
    from tinhieu.sources.connectors.reddit import RedditConnector
    from tinhieu.sources.connectors.tiktok import TikTokConnector
    from tinhieu.sources.connectors.x import XConnector
    from tinhieu.sources.connectors.youtube import YouTubeConnector

    if config.secret_error and not check_only:
        raise ConfigError(config.secret_error)
    environ = os.environ if env is None else env
    secrets = config.secrets
    if config.type == "feed":
        return FeedConnector(config.name, config.options, config.http)
    if config.type == "facebook":
        return FacebookConnector.from_options(
            config.name,
            config.options,
            config.http,
            environ,
            check_only=check_only,
            secrets=secrets,
        )
    if config.type == "dropfolder":
        return DropFolderConnector(config.name, config.options)
    others: dict[str, Any] = {
        "youtube": YouTubeConnector,
        "tiktok": TikTokConnector,
        "reddit": RedditConnector,
        "x": XConnector,
    }
    built: Connector = others[config.type].from_options(
        config.name, config.options, config.http, environ, check_only=check_only, secrets=secrets
    )
    return built


def check_options(name: str, options: Mapping[str, Any], known: frozenset[str]) -> None:
    unknown = sorted(set(options) - known)
    if unknown:
        raise ConfigError(
            f"source {name}: unknown option(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(known))}"
        )


def str_list(name: str, options: Mapping[str, Any], key: str) -> list[str]:
    value = options.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"source {name}: {key} must be a list of strings")
    return [v.strip() for v in value]


def int_option(name: str, options: Mapping[str, Any], key: str, default: int, low: int = 0) -> int:
    value = options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(f"source {name}: {key} must be an integer ≥ {low}")
    return value
