"""Signals and stages from the notebook API (tinhieu.api.Workspace)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import tinhieu
from tests.metrics.helpers import WS, add, mention


def test_signals_and_stages_as_dataframes(tmp_path: Path) -> None:
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    with tinhieu.open_workspace(tmp_path / "api.duckdb", name=WS) as ws:
        ws.store.ensure_workspace(WS, "Asia/Ho_Chi_Minh")
        ws.add_topic("Brand", "brand", group="brand")
        rows = []
        for h in range(24 * 10, 0, -1):  # ten quiet days, five mentions an hour
            at = now - timedelta(hours=h)
            rows += [
                mention(
                    created_at=at + timedelta(minutes=10 * k),
                    text="brand ok",
                    topics=["Brand"],
                    sentiment="neutral",
                    spam="none",
                )
                for k in range(5)
            ]
        burst = now - timedelta(hours=5)
        rows += [
            mention(
                created_at=burst + timedelta(minutes=5 * k),
                text="brand làm mình bị ngộ độc, đau bụng",
                topics=["Brand"],
                sentiment="negative",
                spam="none",
            )
            for k in range(4)
        ]
        add(ws.store, rows)
        sig = ws.signals(since=(now - timedelta(days=2)).isoformat())
        assert not sig.empty
        assert list(sig["severity"]) == sorted(sig["severity"], reverse=True)
        risk = sig[sig["kind"] == "emerging_term"]
        assert list(risk["dimension_value"]) == ["health"]
        assert "ngộ độc" in risk.iloc[0]["signal"].evidence.terms
        assert "negative_shift" in set(sig["kind"])  # 100 % negative after days of neutral
        stored = ws.sql("SELECT count(*) AS n FROM signals WHERE workspace = ?", [WS])
        assert int(stored["n"].iloc[0]) == len(sig)
        st = ws.stages(days=1)
        assert set(st["topic"]) == {"Brand"}
        assert "smouldering" in set(st["stage"])
