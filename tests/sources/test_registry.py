"""Sources defined through the API: the config file's validation, encrypted secrets that
never show, a replaced key, name clashes, and the scheduler picking changes up."""

from __future__ import annotations

import json
import logging
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from tests.sources.connectors.conftest import FAST_HTTP
from tests.sources.connectors.fake_graph import TOKEN, GraphApp, make_page
from tests.sources.connectors.servers import FakeServer
from tinhieu.sources import registry
from tinhieu.sources.connectors.base import ALLOW_PRIVATE_ENV, ConfigError
from tinhieu.sources.connectors.collect import collect_source
from tinhieu.sources.connectors.config import SourcesConfig, build_connector, parse_config
from tinhieu.sources.registry import SourceProblem
from tinhieu.sources.scheduler import Scheduler
from tinhieu.store import DuckDBStore

WS = "w"
SECRET = "EAAB-very-secret-token-0123456789"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[DuckDBStore]:
    monkeypatch.delenv(registry.KEY_ENV, raising=False)
    with DuckDBStore(tmp_path / "r.duckdb") as s:
        s.ensure_workspace(WS)
        yield s


def file_error(spec: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config({"sources": {"s1": spec}})
    return str(caught.value).removeprefix("config: ")


def api_error(store: DuckDBStore, spec: dict[str, Any], **kw: Any) -> str:
    spec = dict(spec)
    kind = spec.pop("type")
    interval = spec.pop("interval", None)
    with pytest.raises(SourceProblem) as caught:
        registry.create_source(store, WS, "s1", kind, spec, interval=interval, **kw)
    assert caught.value.status == 400
    return str(caught.value)


@pytest.mark.parametrize(
    "spec",
    [
        {"type": "feed", "urls": ["https://x.vn/rss"], "bogus": 1},
        {"type": "feed", "urls": ["https://x.vn/rss"], "interval": "soon"},
        {"type": "feed", "urls": "https://x.vn/rss", "batch_size": -3},
        {"type": "facebook", "pages": ["1"]},  # no token_env and no secret
        {"type": "youtube", "key_env": 5},
        {"type": "nope"},
    ],
)
def test_the_api_and_the_file_share_their_validation(
    store: DuckDBStore, spec: dict[str, Any]
) -> None:
    assert api_error(store, spec) == file_error(spec)
    assert store.fetch_all("SELECT count(*) FROM api_sources") == [(0,)]


def test_api_only_rules(store: DuckDBStore) -> None:
    feed = {"type": "feed", "urls": ["https://x.vn/rss"]}
    assert "go in secrets, never in options" in api_error(store, {**feed, "token": SECRET})
    assert SECRET not in api_error(store, {**feed, "token": SECRET})
    assert "fields of their own" in api_error(store, {**feed, "enabled": False})
    assert "unknown secret(s) token" in api_error(store, feed, secrets={"token": SECRET})
    fb = {"type": "facebook", "pages": ["1"], "token_env": "FB"}
    assert "not both" in api_error(store, fb, secrets={"token": SECRET})
    assert "server's disk" in api_error(store, {"type": "dropfolder", "path": "/etc"})
    with pytest.raises(SourceProblem, match="source name"):
        registry.create_source(store, WS, "../etc", "feed", {"urls": ["https://x.vn"]})


def test_secret_round_trip_and_it_never_shows(
    store: DuckDBStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    created = registry.create_source(
        store,
        WS,
        "fanpage",
        "facebook",
        {"pages": ["1001"]},
        interval="30m",
        secrets={"token": SECRET},
        by="boss",
    )
    # the key file was made on first use, readable by the owner only
    key_file = tmp_path / registry.KEY_FILE
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    # stored encrypted
    [(sealed, meta)] = store.fetch_all("SELECT secrets, secrets_meta FROM api_sources")
    assert SECRET not in sealed and SECRET not in meta
    assert Fernet(key_file.read_bytes().strip()).decrypt(sealed.encode()) == json.dumps(
        {"token": SECRET}
    ).encode("utf-8")
    # shown only as set / when
    shown = created.to_dict()
    assert shown["secrets"]["token"]["set"] is True
    assert datetime.fromisoformat(shown["secrets"]["token"]["updated_at"]) <= datetime.now(UTC)
    assert shown["origin"] == "api" and shown["created_by"] == "boss"
    [config] = registry.load_sources(store, WS)
    assert config.origin == "api" and config.workspace == WS
    assert config.secrets == {"token": SECRET}  # decrypted for the connector
    connector = build_connector(config, env={})
    assert connector.client is not None
    connector.close()
    for text in (
        repr(created),
        json.dumps(shown),
        repr(config),
        str(config),
        repr(registry.list_sources(store, WS)),
        caplog.text,
    ):
        assert SECRET not in text


def test_the_connector_uses_the_stored_secret(
    store: DuckDBStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")  # the fake Graph API is on loopback
    graph = GraphApp([make_page("1001", posts=3)])
    with FakeServer(graph) as server:
        graph.base = server.url
        registry.create_source(
            store,
            WS,
            "fanpage",
            "facebook",
            {"pages": ["1001"], "base_url": server.url, "http": FAST_HTTP},
            secrets={"token": TOKEN},
        )
        [config] = registry.load_sources(store, WS)
        result = collect_source(store, WS, config, env={})
        assert result.status == "ok", result.problems
        assert result.inserted >= 3
        assert server.requests()[0].headers["authorization"] == f"Bearer {TOKEN}"
        # a wrong secret fails that source, the message shows no token
        registry.update_source(store, WS, "fanpage", secrets={"token": "wrong-token-value"})
        [config] = registry.load_sources(store, WS)
        failed = collect_source(store, WS, config, env={})
        assert failed.failed
        assert "wrong-token-value" not in json.dumps(failed.to_dict())


def test_update_keeps_an_omitted_secret_and_null_clears(store: DuckDBStore) -> None:
    registry.create_source(
        store,
        WS,
        "rd",
        "reddit",
        {"subreddits": ["vietnam"]},
        secrets={"client_id": "id-123"} | {"client_secret": "sec-456"},
    )
    changed = registry.update_source(
        store, WS, "rd", options={"subreddits": ["vietnam", "hanoi"]}, interval=15
    )
    assert set(changed.secrets_meta) == {"client_id", "client_secret"}
    assert changed.interval.total_seconds() == 900
    [config] = registry.load_sources(store, WS)
    assert config.secrets == {"client_id": "id-123", "client_secret": "sec-456"}
    # clearing one without an env var for it leaves the source invalid: refused
    with pytest.raises(SourceProblem, match="client_secret_env must name"):
        registry.update_source(store, WS, "rd", secrets={"client_secret": None})
    cleared = registry.update_source(
        store,
        WS,
        "rd",
        options={"subreddits": ["vietnam"], "client_secret_env": "RD_SECRET"},
        secrets={"client_secret": None},
    )
    assert set(cleared.secrets_meta) == {"client_id"}
    [config] = registry.load_sources(store, WS)
    assert config.secrets == {"client_id": "id-123"}
    with pytest.raises(SourceProblem) as missing:
        registry.update_source(store, WS, "nope", enabled=False)
    assert missing.value.status == 404
    # with one secret unreadable, a change of only the other is refused (409)
    registry.update_source(
        store, WS, "rd", options={"subreddits": ["vn"]}, secrets={"client_secret": "sec-789"}
    )
    (store_dir(store) / registry.KEY_FILE).write_bytes(Fernet.generate_key())
    with pytest.raises(SourceProblem, match="send all of them again") as partial:
        registry.update_source(store, WS, "rd", secrets={"client_id": "id-999"})
    assert partial.value.status == 409
    registry.update_source(
        store, WS, "rd", secrets={"client_id": "id-999", "client_secret": "sec-000"}
    )
    [config] = registry.load_sources(store, WS)
    assert config.secrets == {"client_id": "id-999", "client_secret": "sec-000"}
    assert registry.delete_source(store, WS, "rd") and not registry.delete_source(store, WS, "rd")


def store_dir(store: DuckDBStore) -> Path:
    return Path(store.path).parent


def test_a_replaced_key_names_the_source_and_stops_nothing(
    store: DuckDBStore, tmp_path: Path
) -> None:
    registry.create_source(
        store, WS, "fanpage", "facebook", {"pages": ["1"]}, secrets={"token": SECRET}
    )
    registry.create_source(store, WS, "news", "feed", {"urls": ["http://127.0.0.1:9/rss"]})
    (tmp_path / registry.KEY_FILE).write_bytes(Fernet.generate_key())
    configs = {c.name: c for c in registry.load_sources(store, WS)}
    assert configs["fanpage"].secret_error is not None
    assert "source fanpage" in configs["fanpage"].secret_error
    assert "cannot decrypt" in configs["fanpage"].secret_error
    # the scheduler loads and runs everything; the source fails with that message
    scheduler = Scheduler(store, SourcesConfig(None, ()), workspace=WS, nlp=False, detect=False)
    results = {r.name: r for r in scheduler.run_pending()}
    assert set(results) == {"fanpage", "news"}
    assert results["fanpage"].failed
    assert "cannot decrypt its stored secrets" in results["fanpage"].problems[0].detail
    # a change that leaves the secrets alone keeps them (still unreadable)
    registry.update_source(store, WS, "fanpage", interval="2h")
    [still] = [c for c in registry.load_sources(store, WS) if c.name == "fanpage"]
    assert still.secret_error is not None
    # sending the secret again repairs the source
    registry.update_source(store, WS, "fanpage", secrets={"token": "new-token-abc"})
    [fixed] = [c for c in registry.load_sources(store, WS) if c.name == "fanpage"]
    assert fixed.secret_error is None and fixed.secrets == {"token": "new-token-abc"}


def test_a_malformed_env_key_is_a_clear_error(
    store: DuckDBStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(registry.KEY_ENV, "not-a-key")
    with pytest.raises(registry.SecretKeyError, match="TINHIEU_SECRET_KEY is not a valid key"):
        registry.create_source(
            store, WS, "fanpage", "facebook", {"pages": ["1"]}, secrets={"token": SECRET}
        )
    key = Fernet.generate_key()
    monkeypatch.setenv(registry.KEY_ENV, key.decode())
    registry.create_source(
        store, WS, "fanpage", "facebook", {"pages": ["1"]}, secrets={"token": SECRET}
    )
    [(sealed,)] = store.fetch_all("SELECT secrets FROM api_sources")
    assert json.loads(Fernet(key).decrypt(sealed.encode())) == {"token": SECRET}


def test_name_clashes(store: DuckDBStore) -> None:
    feed = {"urls": ["https://x.vn/rss"]}
    with pytest.raises(SourceProblem, match="config file") as clash:
        registry.create_source(store, WS, "bao", "feed", feed, file_names={"bao"})
    assert clash.value.status == 409
    registry.create_source(store, WS, "bao2", "feed", feed)
    with pytest.raises(SourceProblem, match="exists already") as twice:
        registry.create_source(store, WS, "bao2", "feed", feed)
    assert twice.value.status == 409
    registry.create_source(store, "other", "bao2", "feed", feed)  # another workspace: fine
    assert [s.name for s in registry.list_sources(store, "other")] == ["bao2"]


def test_the_scheduler_picks_changes_up(store: DuckDBStore) -> None:
    file = parse_config({"sources": {"bao": {"type": "feed", "urls": ["https://x.vn/rss"]}}})
    scheduler = Scheduler(store, file, workspace=WS, nlp=False, detect=False)
    assert [j.name for j in scheduler.jobs(WS)] == ["bao"]
    assert scheduler.file_names(WS) == {"bao"}
    registry.create_source(store, WS, "api1", "feed", {"urls": ["https://y.vn/rss"]})
    scheduler.reload(WS)
    job = scheduler.job(WS, "api1")
    assert job is not None and job.next_at is not None and job.source.origin == "api"
    registry.update_source(store, WS, "api1", enabled=False, interval="2h")
    scheduler.reload(WS)
    job = scheduler.job(WS, "api1")
    assert job is not None and job.next_at is None and job.source.interval.total_seconds() == 7200
    registry.update_source(store, WS, "api1", enabled=True)
    scheduler.reload(WS)
    job = scheduler.job(WS, "api1")
    assert job is not None and job.next_at is not None
    registry.delete_source(store, WS, "api1")
    scheduler.reload(WS)
    assert scheduler.job(WS, "api1") is None and scheduler.job(WS, "bao") is not None
    # a stored source under a file source's name (the file came later): the file wins
    registry.create_source(store, WS, "bao", "feed", {"urls": ["https://z.vn/rss"]})
    again = Scheduler(store, file, workspace=WS, nlp=False, detect=False)
    bao = again.job(WS, "bao")
    assert bao is not None and bao.source.origin == "file"
    # stored sources only on request
    assert Scheduler(store, SourcesConfig(None, ()), workspace=WS, stored=False).jobs() == []


def test_collect_and_run_include_stored_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")  # the fake feed is on loopback
    from tests.sources.connectors.fake_feeds import FeedsApp
    from tinhieu.cli import main

    db = tmp_path / "cli" / "c.duckdb"
    feeds = FeedsApp(news=2)
    with FakeServer(feeds) as server:
        feeds.base = server.url
        with DuckDBStore(db) as s:
            s.ensure_workspace("default")
            registry.create_source(
                s,
                "default",
                "stored-news",
                "feed",
                {"urls": [f"{server.url}/rss/kinh-doanh.rss"], "extract": False},
            )
        runner = CliRunner()
        env = {"TINHIEU_LANG": "en", "TINHIEU_CONFIG": str(tmp_path / "missing.toml")}
        out = runner.invoke(main, ["run", "--once", "--db", str(db), "--no-nlp"], env=env)
        assert out.exit_code == 0, out.output
        assert "stored-news (news): ok" in out.output and "inserted 2" in out.output
        out = runner.invoke(main, ["collect", "--db", str(db), "--json", "--no-nlp"], env=env)
        assert out.exit_code == 0, out.output
        [result] = json.loads(out.output)["sources"]
        assert result["name"] == "stored-news" and result["status"] == "ok"
