"""The sources config file, ``tinhieu collect`` and ``tinhieu sources``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.sources.connectors.conftest import FAST_HTTP
from tests.sources.connectors.fake_feeds import FeedsApp
from tests.sources.connectors.fake_graph import TOKEN, GraphApp, make_page
from tests.sources.connectors.servers import FakeServer
from tinhieu.cli import main
from tinhieu.sources.connectors.base import ConfigError
from tinhieu.sources.connectors.config import load_config, parse_config, parse_interval


def test_interval_and_validation() -> None:
    assert parse_interval("30m").total_seconds() == 1800
    assert parse_interval(15).total_seconds() == 900
    assert parse_interval("1d").days == 1
    with pytest.raises(ConfigError):
        parse_interval("soon")
    with pytest.raises(ConfigError, match="do not write credentials"):
        parse_config({"sources": {"fb": {"type": "facebook", "pages": ["1"], "token": "EAA123"}}})
    with pytest.raises(ConfigError, match="unknown option"):
        parse_config({"sources": {"f": {"type": "feed", "urls": ["https://x"], "ur": 1}}})
    with pytest.raises(ConfigError, match="type must be"):
        parse_config({"sources": {"f": {"type": "instagram"}}})
    with pytest.raises(ConfigError, match="token_env"):
        parse_config({"sources": {"fb": {"type": "facebook", "pages": ["1"]}}})
    with pytest.raises(ConfigError, match="http"):
        parse_config({"sources": {"f": {"type": "feed", "urls": ["ftp://x"]}}})


def _write(path: Path, sources: dict[str, Any]) -> Path:
    lines = ["[http]"] + [f"{k} = {v}" for k, v in FAST_HTTP.items()]
    for name, spec in sources.items():
        lines.append(f"\n[sources.{name}]")
        lines.extend(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in spec.items())
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_collect_and_sources_commands(tmp_path: Path) -> None:
    graph = GraphApp([make_page("1001", posts=6)])
    feeds = FeedsApp(news=4)
    with FakeServer(graph) as gs, FakeServer(feeds) as fs:
        graph.base, feeds.base = gs.url, fs.url
        config = _write(
            tmp_path / "tinhieu.toml",
            {
                "fanpage": {
                    "type": "facebook",
                    "pages": ["1001"],
                    "token_env": "FB_T",
                    "base_url": gs.url,
                    "interval": "15m",
                },
                "bao": {"type": "feed", "urls": [f"{fs.url}/rss/kinh-doanh.rss"]},
                "broken": {
                    "type": "facebook",
                    "pages": ["1001"],
                    "token_env": "FB_MISSING",
                    "base_url": gs.url,
                },
            },
        )
        assert load_config(config).sources[0].interval.total_seconds() == 900
        db = str(tmp_path / "t.duckdb")
        runner = CliRunner()
        env = {"FB_T": TOKEN, "TINHIEU_LANG": "en"}
        out = runner.invoke(main, ["collect", "--db", db, "--config", str(config)], env=env)
        assert out.exit_code == 1, out.output  # "broken" failed, the others ran
        assert "fanpage (facebook): ok" in out.output
        assert "bao (news): ok — fetched 4, inserted 4" in out.output
        assert "broken (facebook): failed" in out.output and "FB_MISSING" in out.output
        assert TOKEN not in out.output
        # only one source, JSON, Vietnamese by default
        out = runner.invoke(
            main,
            [
                "collect",
                "--db",
                db,
                "--config",
                str(config),
                "--source",
                "bao",
                "--json",
                "--no-nlp",
            ],
            env={},
        )
        assert out.exit_code == 0, out.output
        data = json.loads(out.output)
        assert [(s["name"], s["inserted"]) for s in data["sources"]] == [("bao", 0)]
        out = runner.invoke(
            main, ["collect", "--db", db, "--config", str(config), "--source", "nope"], env={}
        )
        assert out.exit_code == 2 and "nope" in out.output
        out = runner.invoke(main, ["sources", "--db", db, "--config", str(config), "--json"])
        listed = {s["name"]: s for s in json.loads(out.output)["sources"]}
        assert listed["fanpage"]["last_run"]["status"] == "ok"
        assert listed["fanpage"]["interval_seconds"] == 900
        assert listed["broken"]["last_run"]["errors"] == 1
        out = runner.invoke(
            main, ["sources", "--db", db, "--config", str(config)], env={"TINHIEU_LANG": "vi"}
        )
        assert out.exit_code == 0 and "lần chạy cuối" in out.output
        out = runner.invoke(main, ["sources", "reset", "bao", "--db", db], env=env)
        assert out.exit_code == 0 and "Cleared 1 cursor" in out.output
        # the mentions were analysed (sentiment) by the first collect
        import duckdb

        con = duckdb.connect(db, read_only=True)
        assert con.execute(
            "SELECT count(*) FROM mentions WHERE sentiment IS NULL AND text IS NOT NULL"
        ).fetchone() == (0,)
        con.close()


def test_no_config_file(tmp_path: Path) -> None:
    out = CliRunner().invoke(
        main,
        ["collect", "--db", str(tmp_path / "x.duckdb"), "--config", str(tmp_path / "none.toml")],
        env={"TINHIEU_LANG": "en"},
    )
    assert out.exit_code == 0 and "No sources configured" in out.output
