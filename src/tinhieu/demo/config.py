"""Configuration of the demo data generator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MIN_DAYS = 7


@dataclass(frozen=True)
class DemoConfig:
    """What to generate.

    ``days`` Vietnam-local calendar days ending with ``end`` (inclusive; default
    yesterday in Vietnam, the last complete day), about ``100_000 * scale`` mentions
    (``days`` 90; volume is proportional to ``days``), all in ``workspace``. The same
    config always yields the same data.

    ``kols`` adds the KOL audit cast (:mod:`tinhieu.demo.kols`: inflated and genuine
    KOLs with their comments, listed in ``ground_truth(config)["kols"]``); off by
    default, and the rest of the data is the same either way.
    """

    days: int = 90
    scale: float = 1.0
    seed: int = 42
    end: dt.date | None = None
    workspace: str = "default"
    kols: bool = False

    def __post_init__(self) -> None:
        if self.days < MIN_DAYS:
            raise ValueError(f"days must be at least {MIN_DAYS}, got {self.days}")
        if not self.scale > 0:
            raise ValueError(f"scale must be positive, got {self.scale}")
        if not self.workspace:
            raise ValueError("workspace must not be empty")

    @property
    def end_date(self) -> dt.date:
        if self.end is not None:
            return self.end
        # The last complete day in Vietnam, so that no mention lies in the future.
        vietnam = dt.timezone(dt.timedelta(hours=7))
        return dt.datetime.now(vietnam).date() - dt.timedelta(days=1)
