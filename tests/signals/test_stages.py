"""Crisis stages from an hourly series (tinhieu.signals.stages)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from tinhieu.signals.stages import crisis_stages, stage_at, stage_episodes

START = datetime(2025, 3, 1, 17, 0, tzinfo=UTC)


def _frame(days: int, seed: int = 0) -> pd.DataFrame:
    """A calm topic: ~10 mentions an hour, 20 % negative, 1 big source a day."""
    rng = np.random.default_rng(seed)
    n = days * 24
    mentions = rng.poisson(10, n).astype(float)
    negative = rng.binomial(mentions.astype(int), 0.2).astype(float)
    big = (rng.random(n) < 1 / 24).astype(float)
    starts = [START + timedelta(hours=h) for h in range(n)]
    return pd.DataFrame(
        {
            "bucket_start": starts,
            "bucket_end": [s + timedelta(hours=1) for s in starts],
            "mentions": mentions,
            "flagged": 0.0,
            "negative": negative,
            "analysed": mentions,
            "big": big,
            "complete": True,
        }
    )


def _stages(frame: pd.DataFrame, **kw: object) -> list[str]:
    return [r.stage for r in crisis_stages(frame, **kw)]  # type: ignore[arg-type]


def test_a_calm_topic_stays_none() -> None:
    for seed in range(3):
        assert set(_stages(_frame(30, seed))) == {"none"}


def test_too_little_history_is_none_not_a_guess() -> None:
    f = _frame(5)
    f.loc[100:110, "negative"] = 30  # loud, but no 7 baseline days to compare with
    assert set(_stages(f)) == {"none"}


def _crisis(f: pd.DataFrame, at: int) -> pd.DataFrame:
    f = f.copy()
    # complaints first (6 h), then volume with negatives, then news and big pages
    f.loc[at : at + 5, "negative"] += 6
    f.loc[at + 6 : at + 30, ["mentions", "analysed"]] += 40
    f.loc[at + 6 : at + 30, "negative"] += 30
    f.loc[at + 12 : at + 30, "big"] += 3
    return f


def test_the_crisis_path_and_recovery() -> None:
    at = 20 * 24
    f = _crisis(_frame(40, 1), at)
    readings = crisis_stages(f)
    stages = [r.stage for r in readings]
    assert stages[at - 1] == "none"
    first_smoulder = stages.index("smouldering")
    first_outbreak = next(i for i, s in enumerate(stages) if s in ("outbreak", "spread"))
    assert at <= first_smoulder < first_outbreak
    assert "spread" in stages[at : at + 31]
    assert stages[at + 60] == "recovery"  # the trailing day no longer holds the surge
    assert stages[-1] == "none"  # 72 calm hours later it is over
    # the reading says why
    r = readings[first_outbreak]
    assert (
        "volume_up" in r.conditions
        and r.numbers["mentions_24h"] > r.numbers["baseline_mentions_24h"]
    )


def test_a_one_hour_blip_is_not_smouldering() -> None:
    f = _frame(30, 2)
    f.loc[20 * 24, "negative"] += 25
    assert "smouldering" not in _stages(f)[20 * 24 : 20 * 24 + 2]


def test_a_negative_signal_counts_as_complaints() -> None:
    f = _frame(30, 3)
    end = f["bucket_end"].iloc[20 * 24]
    stages = _stages(f, negative_signal_ends=[end])
    assert stages[20 * 24 + 3] == "smouldering"
    assert stages[20 * 24 - 1] == "none"


def test_stage_lookup_and_episodes() -> None:
    f = _crisis(_frame(40, 4), 20 * 24)
    readings = crisis_stages(f)
    eps = stage_episodes(readings)
    assert sum(e["hours"] for e in eps) == len(readings)
    assert [e["stage"] for e in eps][:2] == ["none", "smouldering"]
    moment = readings[20 * 24 + 10].at + timedelta(minutes=30)
    assert stage_at(readings, moment) == readings[20 * 24 + 10]
    assert stage_at(readings, START) is None
