"""`tinhieu signals`, `tinhieu watch` and `tinhieu signals nab` from the command line."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from tests.metrics.helpers import WS, add
from tests.signals.test_engine import START, _background, _m
from tinhieu.cli import main
from tinhieu.store import DuckDBStore


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--lang", "en", *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_signals_lists_and_stores_the_planted_risk(store: DuckDBStore, tmp_path: Path) -> None:
    rows = _background(31)
    burst = START + timedelta(days=10, hours=3)
    rows += [
        _m(burst + timedelta(minutes=9 * i), "bị ngộ độc, đau bụng cả đêm", sentiment="negative")
        for i in range(4)
    ]
    add(store, rows)
    db = store.path
    store.close()
    now = (START + timedelta(days=12)).isoformat()
    since = (START + timedelta(days=9)).isoformat()
    code, out = _run("signals", "--db", db, "-w", WS, "--since", since, "--now", now, "--json")
    assert code == 0, out
    data = json.loads(out)
    risk = [s for s in data["signals"] if s["dimension_value"] == "health"]
    assert risk and "ngộ độc" in risk[0]["evidence"]["terms"]
    assert data["stages"]["Brand"]["stage"] in ("smouldering", "none", "recovery")
    code, text = _run("signals", "--db", db, "-w", WS, "--since", since, "--now", now)
    assert code == 0 and "Emerging term [health]" in text and "ngộ độc" in text
    # stored once, whatever the number of runs
    reopened = DuckDBStore(db)
    try:
        ids = reopened.fetch_all("SELECT id FROM signals")
    finally:
        reopened.close()
    assert len(ids) == len({i for (i,) in ids}) == len(data["signals"])


def test_bad_input_gives_one_line_errors(store: DuckDBStore, tmp_path: Path) -> None:
    db = store.path
    store.close()
    code, out = _run("signals", "--db", db, "-w", WS, "--since", "31/02/2026")
    assert code == 2 and out.startswith("Error: cannot read the date")
    code, out = _run("signals", "--db", db, "-w", WS, "--topic", "Nope")
    assert code == 2 and "no topic 'Nope'" in out and "Traceback" not in out
    missing = str(tmp_path / "missing.duckdb")
    for args in (("signals", "--db", missing), ("watch", "--db", missing, "--once")):
        code, out = _run(*args)
        assert code == 2 and out.startswith("Error: No store at")
    code, out = _run("signals", "nab", "--data", str(tmp_path / "nothing"))
    assert code == 2 and "not a NAB data folder" in out


def test_watch_once_warms_up_and_ticks(store: DuckDBStore) -> None:
    add(store, _background(32))
    db = store.path
    store.close()
    code, out = _run("watch", "--db", db, "-w", WS, "--once", "--no-deliver")
    assert code == 0, out
    assert out.startswith("Watching: Brand, Other")
