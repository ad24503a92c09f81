"""Crisis stage of a topic, hour by hour, with the evidence for it.

The sources' crisis pattern: complaints appear → buzz rises slightly → sentiment turns
negative → news outlets and big pages pick it up → it spreads → the brand responds →
recovery. :func:`crisis_stages` reads a topic's hourly series (``signals/series.py``) and
places every hour on that path using the **trailing 24 hours** against the **baseline**:
the median of the same trailing-24-hour sums at the same hour on days 2–15 before
(yesterday is skipped, so a crisis that started yesterday does not hide in its own
baseline); at least 7 such days are needed, else the stage is "none". ``k`` = 4 and ``σ`` is the
baseline days' spread (1.4826 × their median absolute deviation, at least the Poisson
``√b``), so a topic whose daily volume swings a lot needs a bigger swing.

Conditions (``n`` is the trailing 24 h, ``b`` its baseline; ``√`` guards small counts)
    * **complaints** — negative opinions ``n_neg ≥ b_neg + max(kσ_neg, 0.3·b_neg, 3)``,
      or a negative signal (negative shift, emerging negative aspect, risk terms) in the
      last 24 h.
    * **negative turn** — the negative share rose by at least
      ``max(0.05, 3·√(p(1−p)/n_analysed))`` over the baseline share ``p``.
    * **volume up** — mentions, less those the spam stage flagged (giveaways, seeding,
      ads are vanity, not a crisis), ``n ≥ b + max(kσ, 0.5·b, 3)``.
    * **big sources** — mentions from news outlets and big pages
      ``n_big ≥ b_big + max(kσ_big, 3)``; **wide** — at least twice that excess and
      volume at least twice its baseline.

Stages
    * **spread** — complaints or negative turn, volume up, big sources, wide.
    * **outbreak** — complaints or negative turn, volume up, and big sources or a
      negative turn.
    * **smouldering** — complaints or negative turn, without the rest, for at least 3
      hours in a row (one odd hour is not a fire). It holds for at least 12 hours once
      entered.
    An outbreak or spread holds until 6 hours in a row lack "negative and volume up".
    * **recovery** — after outbreak or spread within the last 7 days, once the
      conditions no longer hold; it ends after 72 hours in a row without complaints and
      without volume up.
    * **none** — otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import numpy as np
import pandas as pd

BASELINE_DAYS: Final = range(2, 16)
MIN_BASELINE_DAYS: Final = 7
#: Robust standard deviations above the baseline that make a condition hold.
SIGMAS: Final = 4.0
#: Hours the conditions must hold before a topic leaves "none" for smouldering.
ENTER_HOURS: Final = 3
#: Hours without "negative and volume up" before an outbreak or spread is over.
OUTBREAK_HOLD_HOURS: Final = 6
SMOULDER_HOLD_HOURS: Final = 12
RECOVERY_LOOKBACK_HOURS: Final = 7 * 24
RECOVERY_END_HOURS: Final = 72
NEGATIVE_KINDS: Final = frozenset({"negative_shift", "emerging_aspect", "risk_terms"})

STAGE_RANK: Final[dict[str, int]] = {
    "none": 0,
    "recovery": 1,
    "smouldering": 2,
    "outbreak": 3,
    "spread": 4,
}


@dataclass(frozen=True, slots=True)
class StageReading:
    """The stage at the end of one hour, and the numbers behind it."""

    at: datetime  # end of the hour (UTC)
    stage: str
    conditions: tuple[str, ...]  # the conditions that held
    numbers: dict[str, float] = field(default_factory=dict)


def _trailing(s: pd.Series) -> pd.Series:
    return s.rolling(24, min_periods=1).sum()


def _baseline(trail: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Median and spread (1.4826·MAD: a standard deviation robust to past crises) of the
    trailing sums at the same hour on the baseline days; NaN with fewer than
    :data:`MIN_BASELINE_DAYS` of them."""
    days = pd.concat([trail.shift(24 * d) for d in BASELINE_DAYS], axis=1)
    enough = days.notna().sum(axis=1) >= MIN_BASELINE_DAYS
    # only the hours with enough baseline days: an hour with none would make numpy warn
    # (the warnings module's filters are process-wide, so no thread can silence it)
    kept = days[enough]
    med = kept.median(axis=1, skipna=True)
    mad = kept.sub(med, axis=0).abs().median(axis=1, skipna=True) * 1.4826
    return med.reindex(days.index), mad.reindex(days.index)


def _excess(base: float, spread: float, rel: float, floor: float) -> float:
    """How far above its baseline a trailing sum must be: three robust standard
    deviations (never less than Poisson's), a relative minimum and an absolute one."""
    return max(SIGMAS * max(spread, math.sqrt(base)), rel * base, floor)


def crisis_stages(
    hourly: pd.DataFrame, negative_signal_ends: Iterable[datetime] = ()
) -> list[StageReading]:
    """The stage at the end of every complete hour of ``hourly`` (a topic series).

    ``negative_signal_ends``: the end times of the topic's negative signals; one in the
    trailing 24 h counts as complaints.
    """
    if hourly.empty:
        return []
    h = hourly[hourly["complete"]].reset_index(drop=True)
    if h.empty:
        return []
    neg = _trailing(h["negative"].astype(float))
    ana = _trailing(h["analysed"].astype(float))
    # spam the NLP stage flagged (giveaway, seeding, ads) is vanity, not a crisis
    vol = _trailing((h["mentions"] - h["flagged"]).astype(float))
    big = _trailing(h["big"].astype(float))
    (b_neg, s_neg), (b_ana, _), (b_vol, s_vol), (b_big, s_big) = (
        _baseline(x) for x in (neg, ana, vol, big)
    )
    ends = pd.to_datetime(h["bucket_end"], utc=True)
    end_ns = ends.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    end_dt = [t.to_pydatetime() for t in ends]
    # plain arrays: the loop below reads one value of each per hour
    vol_a, neg_a, ana_a, big_a = (x.to_numpy(dtype=float) for x in (vol, neg, ana, big))
    bv_a, bn_a, ba_a, bb_a = (x.to_numpy(dtype=float) for x in (b_vol, b_neg, b_ana, b_big))
    sv_a, sn_a, sb_a = (x.to_numpy(dtype=float) for x in (s_vol, s_neg, s_big))
    sig_times = np.array(
        sorted(pd.Timestamp(t).tz_convert("UTC").value for t in negative_signal_ends),
        dtype=np.int64,
    )
    out: list[StageReading] = []
    stage_hist: list[str] = []
    calm_run = 0
    neg_run = 0
    hot_off = 0
    smoulder_since: int | None = None
    for i in range(len(h)):
        nums = {
            "mentions_24h": float(vol_a[i]),
            "negative_24h": float(neg_a[i]),
            "analysed_24h": float(ana_a[i]),
            "big_24h": float(big_a[i]),
        }
        bv, bn, ba, bb = float(bv_a[i]), float(bn_a[i]), float(ba_a[i]), float(bb_a[i])
        sv, sn, sb = float(sv_a[i]), float(sn_a[i]), float(sb_a[i])
        if any(math.isnan(x) for x in (bv, bn, ba, bb)):
            out.append(StageReading(end_dt[i], "none", (), nums))
            stage_hist.append("none")
            continue
        nums |= {
            "baseline_mentions_24h": bv,
            "baseline_negative_24h": bn,
            "baseline_big_24h": bb,
        }
        p0 = bn / ba if ba > 0 else 0.0
        n_ana = nums["analysed_24h"]
        share = nums["negative_24h"] / n_ana if n_ana > 0 else 0.0
        nums |= {"negative_share_24h": share, "baseline_negative_share": p0}
        t_ns = int(end_ns[i])
        recent_signal = bool(
            len(sig_times) and np.any((sig_times <= t_ns) & (sig_times > t_ns - 24 * 3600 * 10**9))
        )
        conds = []
        if nums["negative_24h"] >= bn + _excess(bn, sn, 0.3, 3.0) or recent_signal:
            conds.append("complaints")
        if n_ana > 0 and share - p0 >= max(
            0.05, SIGMAS * math.sqrt(max(p0 * (1 - p0), 1e-4) / n_ana)
        ):
            conds.append("negative_turn")
        if nums["mentions_24h"] >= bv + _excess(bv, sv, 0.5, 3.0):
            conds.append("volume_up")
        big_excess = _excess(bb, sb, 0.0, 3.0)
        if nums["big_24h"] >= bb + big_excess:
            conds.append("big_sources")
            if nums["big_24h"] >= bb + 2 * big_excess and nums["mentions_24h"] >= 2 * bv:
                conds.append("wide")
        c = set(conds)
        negative = bool(c & {"complaints", "negative_turn"})
        if negative and {"volume_up", "big_sources", "wide"} <= c:
            stage = "spread"
        elif negative and "volume_up" in c and c & {"big_sources", "negative_turn"}:
            stage = "outbreak"
        elif negative:
            stage = "smouldering"
        else:
            stage = "none"
        neg_run = neg_run + 1 if negative else 0
        if (
            stage == "smouldering"
            and neg_run < ENTER_HOURS
            and (not stage_hist or stage_hist[-1] == "none")
        ):
            stage = "none"  # not yet persistent
        calm_run = 0 if ("complaints" in c or "volume_up" in c) else calm_run + 1
        hot_off = 0 if (negative and "volume_up" in c) else hot_off + 1
        prev = stage_hist[-1] if stage_hist else "none"
        if (
            prev in ("outbreak", "spread")
            and STAGE_RANK[stage] < STAGE_RANK["outbreak"]
            and hot_off < OUTBREAK_HOLD_HOURS
        ):
            stage = prev  # an outbreak does not end in one quiet hour
        recent = stage_hist[-RECOVERY_LOOKBACK_HOURS:]
        had_outbreak = any(s in ("outbreak", "spread") for s in recent)
        if stage == "smouldering" and had_outbreak:
            stage = "recovery"  # the tail of an outbreak, not a new fire
        if stage == "none":
            if had_outbreak and calm_run < RECOVERY_END_HOURS:
                stage = "recovery"
            elif (
                smoulder_since is not None
                and i - smoulder_since < SMOULDER_HOLD_HOURS
                and stage_hist
                and stage_hist[-1] == "smouldering"
            ):
                stage = "smouldering"
        if stage == "smouldering" and (not stage_hist or stage_hist[-1] != "smouldering"):
            smoulder_since = i
        out.append(StageReading(end_dt[i], stage, tuple(conds), nums))
        stage_hist.append(stage)
    return out


def stage_at(readings: list[StageReading], moment: datetime) -> StageReading | None:
    """The reading of the last complete hour ending at or before ``moment``."""
    best = None
    for r in readings:
        if r.at <= moment:
            best = r
        else:
            break
    return best


def stage_episodes(readings: list[StageReading]) -> list[dict[str, Any]]:
    """Runs of the same stage: ``{"stage", "start", "end", "hours"}`` in order."""
    out: list[dict[str, Any]] = []
    for r in readings:
        if out and out[-1]["stage"] == r.stage:
            out[-1]["end"] = r.at
            out[-1]["hours"] += 1
        else:
            out.append({"stage": r.stage, "start": r.at, "end": r.at, "hours": 1})
    return out
