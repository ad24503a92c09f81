"""The value type every metric returns: a number that can explain itself."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd


@dataclass(frozen=True, slots=True)
class Metric:
    """One metric value with its definition.

    ``value`` is ``None`` when the metric is not available; ``reason`` then says why
    (it is never silently zero). ``n`` is how many items (mentions, posts) the value is
    computed from and ``excluded`` how many items in scope were left out (see
    ``excluded_reasons``). ``coverage`` is the share (0–1) of the scope that could be
    used, for metrics that depend on an enrichment stage (sentiment, spam).
    """

    name: str
    value: float | int | None
    formula: str
    unit: str = ""
    denominator: str | None = None
    n: int | None = None
    excluded: int | None = None
    excluded_reasons: dict[str, int] = field(default_factory=dict)
    coverage: float | None = None
    reason: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        return self.value is not None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "value": jsonable(self.value),
            "available": self.available,
            "formula": self.formula,
        }
        if self.unit:
            out["unit"] = self.unit
        if self.denominator is not None:
            out["denominator"] = self.denominator
        if self.n is not None:
            out["n"] = self.n
        if self.excluded is not None:
            out["excluded"] = self.excluded
        if self.excluded_reasons:
            out["excluded_reasons"] = dict(self.excluded_reasons)
        if self.coverage is not None:
            out["coverage"] = self.coverage
        if self.reason is not None:
            out["reason"] = self.reason
        if self.details:
            out["details"] = {k: jsonable(v) for k, v in self.details.items()}
        return out


def not_available(name: str, formula: str, reason: str, **kwargs: Any) -> Metric:
    """A metric that cannot be computed, with the reason (never a zero)."""
    return Metric(name=name, value=None, formula=formula, reason=reason, **kwargs)


def ratio(numerator: float, denominator: float, scale: float = 1.0) -> float | None:
    """``numerator / denominator × scale``, or ``None`` when the denominator is 0."""
    if not denominator:
        return None
    return float(numerator) / float(denominator) * scale


def jsonable(value: Any) -> Any:
    """Convert numpy/pandas scalars, dates and frames to JSON-serialisable values."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, datetime | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, pd.DataFrame):
        return frame_records(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return jsonable(value.item())
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as JSON-serialisable dicts (NaN/NA become ``None``)."""
    records: list[dict[str, Any]] = []
    for row in frame.to_dict(orient="records"):
        records.append({str(k): _cell(v) for k, v in row.items()})
    return records


def _cell(value: Any) -> Any:
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return jsonable(value)
