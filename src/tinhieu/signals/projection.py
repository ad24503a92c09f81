"""Projections 3–5 days (or 72–120 hours) ahead, with prediction intervals that are
calibrated on the series' own history, and the sentence a manager reads.

Pure functions on numpy arrays: nothing here touches the store. A series is one value
per time bucket (an hour or a day), oldest first; ``NaN`` means *no data was collected*
for that bucket (not zero) and is skipped, never imputed as a count.

The method, and why
-------------------
Social volume is multiplicative (a spike doubles the level, it does not add 50), right
skewed and heavy tailed, often seasonal (hour of day, day of week), and it shifts level
in a crisis. Negative share is a proportion whose noise depends on how many mentions
the bucket has. So:

1. **Variance-stabilising scale.** Counts are modelled as ``z = log(x + 1)`` (zeros are
   fine; a doubling is the same step at any level). Shares as the logit of a share
   shrunk towards the series' overall share by two pseudo-mentions, so an empty or tiny
   bucket cannot produce ±∞. Every bucket carries a sampling variance on that scale —
   Poisson ``≈ 1 / (μ + 1)`` for counts, binomial ``1 / ((n + 1) p (1 − p))`` for shares
   — plus an extra-dispersion term ``τ²`` estimated from the history.
2. **Robust damped level + trend + seasonal profile** (additive Holt–Winters in
   error-correction form, ETS(A,Ad,A), on ``z``). Each bucket's update is weighted by
   its precision relative to a typical bucket, so a share computed from 3 mentions
   barely moves the state while one from 300 moves it fully. Innovations beyond ``k``
   robust standard deviations are clipped (Huber) — a lone outlier is damped — but when
   the next bucket exceeds in the same direction the move is taken as a level shift
   (a crisis) and the level re-anchors to it (gain ≥ 0.8, kept out of the seasonal
   profile). The trend is damped (``φ < 1``) and its cumulative effect at step ``h``
   is capped at the 95th percentile of the absolute ``h``-step moves the history has
   shown: a projection made in the middle of a spike starts from the spike's level and
   continues its direction, levelling off instead of exploding. Social volume also
   tends to fall back after a burst, so the grid offers a projected level that reverts
   towards a slow baseline (an exponential average of the level over four seasons)
   with a half-life of one season, beside the level that stays. Smoothing constants
   and the reversion are picked from a small grid (32 × 2 combinations) by the mean
   absolute standardised error of the model's own multi-step forecasts on the history
   (no optimiser, deterministic).
3. **Intervals from out-of-sample errors** (split-conformal in spirit). The filter is a
   single pass and is initialised from the first season only, so the state at every
   later bucket ``t`` knows data up to ``t`` alone; the model's ``h``-step forecast
   from each such past origin is compared with what then happened. The errors are
   standardised by a per-step spread that grows with ``h`` (plus the target bucket's
   sampling variance) times the series' local volatility at the origin (the filter's
   adaptive innovation scale averaged over three horizons: locally adaptive
   conformal, so intervals widen after turbulence and narrow in calm stretches),
   pooled across steps, and the interval at level ``L`` is read off
   their empirical quantiles, separately for the lower and the upper tail (social
   errors are skewed: upward surprises are bigger), with the finite-sample conformal
   correction. Empirical quantiles keep the coverage honest on heavy-tailed data,
   where a Gaussian interval would be too narrow in the tails and too wide in the
   middle. With fewer than 20 past origins (short histories) the quantiles are widened
   to at least Student-t quantiles of the errors' robust scale.
4. The central path (``Projection.mean``) is the model's forecast transformed back.
   On the log scale it is a typical value (a geometric-mean-like centre, close to the
   predictive median), which on a right-skewed count distribution sits below the
   arithmetic mean; it always lies inside every interval.

Parametric ETS/ARIMA intervals assume Gaussian, homoscedastic errors and are known to
under-cover on bursty social series; quantile regression or full Bayesian models need
more data or dependencies than a 10-day history can support. The recipe above uses
numpy and scipy only, is fast enough to backtest hundreds of origins, and its coverage
is reported by ``bench/backtest_projection.py``.

Short histories: fewer than two full seasons → no seasonal profile (said in
``assumptions``); fewer than 5 observed buckets → ``ValueError``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats
from scipy.signal import lfilter

from tinhieu.i18n import current_lang, t

FloatArray = NDArray[np.float64]
Kind = Literal["counts", "share"]

DEFAULT_LEVELS: Final[tuple[float, ...]] = (0.8, 0.95)
MIN_OBSERVED: Final[int] = 5

# The smoothing grid (level gain, trend gain relative to it, damping, seasonal gain
# relative to 1 − alpha) and the other constants were chosen once, on the development
# half of the NAB series (AAPL AMZN CRM CVS FB), a demo workspace built with seed 7 and
# synthetic series — never per series; see bench/backtest_projection.py.
_ALPHAS: Final[tuple[float, ...]] = (0.1, 0.2, 0.35, 0.5)
_BETA_REL: Final[tuple[float, ...]] = (0.0, 0.1)
_PHIS: Final[tuple[float, ...]] = (0.8, 0.9)
_GAMMA_REL: Final[tuple[float, ...]] = (0.05, 0.2)
_CLIP_K: Final[float] = 3.0  # Huber threshold, in robust standard deviations
_SCALE_RATE: Final[float] = 0.05  # how fast the robust innovation scale adapts
_MAX_WEIGHT: Final[float] = 4.0  # a very precise bucket counts as at most 4 typical ones
_SHARE_PRIOR: Final[float] = 2.0  # pseudo-mentions shrinking a share towards the overall
_TREND_CAP_Q: Final[float] = 0.95  # quantile of past |h-step moves| capping the trend
_SMALL_ORIGINS: Final[int] = 20  # below this many origins, widen to a Student-t quantile
_SHIFT_GAIN: Final[float] = 0.8  # level gain when an exceedance repeats: a sustained shift
# Mean reversion: the grid also offers a level that reverts towards a slow baseline
# (an exponential average of the level over _SLOW_SEASONS seasons) with these
# half-lives, in seasons (weeks of days without a season); the history picks.
_REVERT_HALF_LIVES: Final[tuple[float, ...]] = (1.0,)
_SLOW_SEASONS: Final[float] = 4.0
# Local volatility: errors are standardised by the filter's recent innovation scale,
# averaged over _LOCAL_SPAN × max(horizon, season) buckets, clipped to this range.
_LOCAL_SPAN: Final[float] = 3.0
_LOCAL_CLIP: Final[tuple[float, float]] = (0.5, 2.0)


@dataclass(frozen=True, slots=True, eq=False)
class Projection:
    """A projection ``horizon`` buckets ahead of the last bucket of the history.

    ``mean`` is the central path (close to the predictive median, see the module
    docstring);
    ``lower[level]`` / ``upper[level]`` bound the interval that should contain the
    future bucket's value with probability ``level``. Arrays have length ``horizon``;
    element 0 is the bucket right after the history. Counts are per bucket; shares
    are proportions in [0, 1].
    """

    kind: Kind
    mean: FloatArray
    lower: Mapping[float, FloatArray]
    upper: Mapping[float, FloatArray]
    levels: tuple[float, ...]
    horizon: int
    season: int  # the seasonal period used (1: none)
    method: str
    assumptions: tuple[str, ...]
    params: Mapping[str, float]
    n_calibration: int  # out-of-sample errors the intervals were calibrated on

    def interval(self, level: float) -> tuple[FloatArray, FloatArray]:
        key = _level_key(level, self.levels)
        return self.lower[key], self.upper[key]


@dataclass(frozen=True, slots=True, eq=False)
class Backtest:
    """Rolling-origin evaluation of one interval level.

    ``coverage`` is over every (origin, step) pair with an observed outcome;
    ``below`` / ``above`` split the misses. Widths are on the series' own scale
    (counts per bucket, or share as a proportion); ``relative_width`` is the mean
    width over the mean outcome. ``mape`` skips zero outcomes; ``mase`` scales each
    origin's absolute errors by the in-sample seasonal-naive error of its training
    window.
    """

    kind: Kind
    level: float
    horizon: int
    season: int
    n_origins: int
    n_points: int
    coverage: float
    coverage_by_step: FloatArray
    below: float
    above: float
    mean_width: float
    relative_width: float
    mae: float
    mape: float
    mase: float

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "level": self.level,
            "horizon": self.horizon,
            "season": self.season,
            "n_origins": self.n_origins,
            "n_points": self.n_points,
            "coverage": self.coverage,
            "coverage_by_step": [round(float(x), 4) for x in self.coverage_by_step],
            "below": self.below,
            "above": self.above,
            "mean_width": self.mean_width,
            "relative_width": self.relative_width,
            "mae": self.mae,
            "mape": self.mape,
            "mase": self.mase,
        }


# --------------------------------------------------------------------------- helpers


def _level_key(level: float, levels: Sequence[float]) -> float:
    for lv in levels:
        if abs(lv - level) < 1e-9:
            return lv
    raise KeyError(f"level {level} not projected; have {tuple(levels)}")


def _check_levels(levels: Sequence[float]) -> tuple[float, ...]:
    out = tuple(sorted({float(lv) for lv in levels}))
    if not out:
        raise ValueError("levels must not be empty")
    for lv in out:
        if not 0.0 < lv < 1.0:
            raise ValueError(f"interval levels must be in (0, 1), got {lv}")
    return out


def _as_series(values: ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    if np.any(np.isinf(arr)):
        raise ValueError(f"{name} must not contain infinities (use NaN for no data)")
    if np.any(arr[~np.isnan(arr)] < 0):
        raise ValueError(f"{name} must not be negative")
    return arr


def _expit(z: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)


def _robust_var(x: FloatArray) -> float:
    x = x[np.isfinite(x)]
    if x.size < 2:
        return 0.0
    q75, q25 = np.percentile(x, [75.0, 25.0])
    v = float((q75 - q25) / 1.349) ** 2
    if v <= 0.0:
        v = float(np.var(x))
    return v


def _readonly(a: FloatArray) -> FloatArray:
    a = np.ascontiguousarray(a, dtype=np.float64)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, slots=True)
class _Series:
    """A series on the modelling scale, with what the sampling variance needs."""

    kind: Kind
    z: FloatArray  # transformed values, NaN where no data
    den: FloatArray  # share denominators (counts: ones)
    p0: float  # shares: the overall share


def _sampling_var(s: _Series, pred: NDArray[np.float64], den: ArrayLike) -> NDArray[np.float64]:
    """Sampling variance on the modelling scale of a bucket forecast at ``pred``."""
    if s.kind == "counts":
        mu = np.maximum(np.expm1(pred), 0.0)
        return np.asarray(1.0 / (mu + 1.0), dtype=np.float64)
    p = np.clip(_expit(pred), 1e-4, 1 - 1e-4)
    return np.asarray(1.0 / ((np.asarray(den) + 1.0) * p * (1.0 - p)), dtype=np.float64)


def _observed_var(s: _Series) -> FloatArray:
    """Sampling variance from the observations themselves (for weights and scoring)."""
    if s.kind == "counts":
        x = np.expm1(s.z)
        return np.asarray(1.0 / (np.maximum(x, 0.0) + 1.0), dtype=np.float64)
    p = min(max(s.p0, 0.02), 0.98)
    return np.asarray(1.0 / ((s.den + 1.0) * p * (1.0 - p)), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class _Fit:
    level: FloatArray  # (n, G) state after each bucket
    trend: FloatArray  # (n, G)
    seas_ext: FloatArray  # (n + m, G): seasonal value of bucket t's position after t
    alpha: FloatArray
    beta: FloatArray
    phi: FloatArray
    gamma: FloatArray
    slow: FloatArray  # (n, G) slow baseline of the level
    sig2: FloatArray  # (n, G) the filter's adaptive innovation scale (standardised)


def _reversion_unit(m: int) -> int:
    return m if m > 1 else 7


def _init_state(z: FloatArray, m: int, noise: float) -> tuple[float, FloatArray]:
    """Initial level and seasonal profile, from the first season only.

    Only the first ``m`` buckets (3 without a season) are used, and calibration origins
    start after them, so no past forecast used for calibration has seen its target.
    One season's deviations are the profile plus noise, so they are shrunk towards zero
    by the share of their variance that ``noise`` (the per-bucket variance) explains.
    """
    if m == 1:
        return float(np.nanmedian(z[:3])), np.zeros(1)
    block = z[:m]
    centre = float(np.nanmedian(block))
    prof = np.where(np.isfinite(block), block - centre, 0.0)
    prof = prof - float(np.mean(prof))
    spread = float(np.mean(prof**2))
    if spread > 0:
        prof = prof * max(0.0, 1.0 - noise / spread)
    return float(np.nanmedian(block - prof)), prof


def _run_filter(
    s: _Series,
    m: int,
    tau2: float,
    vbar: float,
    alpha: FloatArray,
    beta: FloatArray,
    phi: FloatArray,
    gamma: FloatArray,
) -> _Fit:
    """One pass of the robust weighted damped Holt–Winters filter, vectorised over a grid."""
    z = s.z
    n = z.size
    g = alpha.size
    level0, seas0 = _init_state(z, m, vbar)
    lvl = np.full(g, level0)
    trd = np.zeros(g)
    seas = np.tile(seas0[:, None], (1, g))
    sig2 = np.ones(g)
    prev = np.zeros(g)
    out_level = np.empty((n, g))
    out_trend = np.empty((n, g))
    out_sig2 = np.empty((n, g))
    seas_ext = np.empty((n + m, g))
    seas_ext[:m] = seas
    log1m_a = np.log1p(-alpha)
    log1m_b = np.log1p(-beta)
    log1m_c = np.log1p(-gamma)
    k = _CLIP_K
    for i in range(n):
        j = i % m
        pred = lvl + phi * trd + seas[j]
        zi = z[i]
        if math.isnan(zi):
            lvl = lvl + phi * trd
            trd = phi * trd
            prev = np.zeros(g)
        else:
            v = tau2 + _sampling_var(s, pred, s.den[i])
            sv = np.sqrt(v)
            e = zi - pred
            es = e / sv
            thr = k * np.sqrt(sig2)
            out = np.abs(es) > thr
            sign = np.where(out, np.sign(es), 0.0)
            clip = out & (sign != prev)
            shift = out & ~clip
            ec = np.where(clip, np.sign(e) * thr * sv, e)
            prev = sign
            w = np.minimum(vbar / v, _MAX_WEIGHT)
            a_t = -np.expm1(w * log1m_a)
            b_t = -np.expm1(w * log1m_b)
            # a repeated exceedance is a level shift: re-anchor the level, and keep
            # it out of the seasonal profile
            a_t = np.where(shift, np.maximum(a_t, -np.expm1(w * math.log1p(-_SHIFT_GAIN))), a_t)
            c_t = -np.expm1(w * log1m_c)
            c_t = np.where(shift, 0.0, c_t)
            lvl = lvl + phi * trd + a_t * ec
            trd = phi * trd + b_t * ec
            seas[j] = seas[j] + c_t * ec
            sig2 = (1 - _SCALE_RATE) * sig2 + _SCALE_RATE * np.minimum(es * es, thr * thr)
        out_level[i] = lvl
        out_trend[i] = trd
        out_sig2[i] = sig2
        seas_ext[i + m] = seas[j]
    # the slow baseline a projection reverts towards: an exponential average of the
    # level over about ``_SLOW_SEASONS`` seasons (or weeks of days without a season)
    rate = 1.0 / (_SLOW_SEASONS * _reversion_unit(m))
    slow = lfilter(
        [rate], [1.0, rate - 1.0], out_level, axis=0, zi=np.full((1, g), (1 - rate) * level0)
    )[0]
    return _Fit(out_level, out_trend, seas_ext, alpha, beta, phi, gamma, slow, out_sig2)


def _forecast_matrix(
    fit: _Fit,
    col: int,
    m: int,
    origins: NDArray[np.intp],
    steps: NDArray[np.intp],
    cap: FloatArray,
    psi: float = 1.0,
) -> FloatArray:
    """Forecasts (len(origins), len(steps)) of grid column ``col`` from past origins;
    the level reverts towards the slow baseline by ``psi`` per step."""
    phi = float(fit.phi[col])
    cum = np.array([sum(phi**q for q in range(1, int(h) + 1)) for h in steps])
    tr = np.clip(fit.trend[origins, col][:, None] * cum[None, :], -cap[steps - 1], cap[steps - 1])
    back = m * np.ceil(steps / m).astype(np.intp)
    idx = origins[:, None] + steps[None, :] - back[None, :] + m
    lvl = fit.level[origins, col][:, None]
    if psi < 1.0:
        slow = fit.slow[origins, col][:, None]
        lvl = slow + (psi ** steps.astype(np.float64))[None, :] * (lvl - slow)
    out: FloatArray = lvl + tr + fit.seas_ext[idx, col]
    return out


def _trend_cap(z: FloatArray, horizon: int) -> FloatArray:
    """Per step h: the 95th percentile of |z[t+h] − z[t]| seen in the history."""
    cap = np.zeros(horizon)
    n = z.size
    last = 0.0
    for h in range(1, horizon + 1):
        if h < n:
            d = np.abs(z[h:] - z[:-h])
            d = d[np.isfinite(d)]
            if d.size >= 3:
                last = max(last, float(np.quantile(d, _TREND_CAP_Q)))
        cap[h - 1] = last
    return cap


def _quantile(x: FloatArray, q: float) -> float:
    """Quantile of sorted ``x``, the midpoint (Hazen) rule: sample ``i`` sits at
    ``(i + 0.5) / n``; beyond the extremes it is the extreme."""
    q = min(max(q, 0.0), 1.0)
    pos = (np.arange(x.size) + 0.5) / x.size
    return float(np.interp(q, pos, x))


def _local_scale(sig2: FloatArray, span: float) -> FloatArray:
    """Per bucket: how turbulent the series has recently been, as a multiplier of the
    interval's scale (1: as usual). ``sig2`` is the filter's adaptive variance of
    standardised innovations (about 1 in calm times); it is averaged over about
    ``span`` buckets, so the multiplier persists over a projection's horizon."""
    rate = min(1.0, 1.0 / max(span, 1.0))
    avg = lfilter([rate], [1.0, rate - 1.0], sig2, zi=np.array([1.0 - rate]))[0]
    return np.asarray(np.sqrt(np.clip(avg, *_LOCAL_CLIP)), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class _Calibrated:
    centre: FloatArray  # (H,) central path on the modelling scale
    lower: dict[float, FloatArray]
    upper: dict[float, FloatArray]
    n_errors: int
    n_origins: int
    params: dict[str, float]
    notes: tuple[str, ...]


def _project_z(
    s: _Series,
    *,
    season: int,
    horizon: int,
    levels: tuple[float, ...],
    future_den: FloatArray,
) -> _Calibrated:
    z = s.z
    observed = np.isfinite(z)
    n_obs = int(observed.sum())
    if n_obs < MIN_OBSERVED:
        raise ValueError(f"need at least {MIN_OBSERVED} observed buckets to project, got {n_obs}")
    notes: list[str] = []
    m = season
    if m > 1 and (z.size < 2 * m or int(observed[: 2 * m].sum()) < m):
        notes.append(f"history shorter than two seasons of {m} buckets: no seasonal profile")
        m = 1

    # Extra-dispersion on the modelling scale: half the robust variance of lagged
    # differences (lag = the season, so the seasonal swing is not counted as noise),
    # less the typical sampling variance.
    lag = m if z.size > m + 3 else 1
    dz = z[lag:] - z[:-lag]
    rv = 0.5 * _robust_var(dz)
    r_obs = _observed_var(s)
    r_med = float(np.nanmedian(np.where(observed, r_obs, np.nan)))
    tau2 = max(rv - r_med, 0.25 * rv, 1e-4)
    vbar = tau2 + r_med

    grid = [
        (a, a * br, ph, gr * (1 - a))
        for a in _ALPHAS
        for br in _BETA_REL
        for ph in _PHIS
        for gr in (_GAMMA_REL if m > 1 else (0.0,))
    ]
    ga = np.array([x[0] for x in grid])
    gb = np.array([x[1] for x in grid])
    gp = np.array([x[2] for x in grid])
    gc = np.array([x[3] for x in grid])
    fit = _run_filter(s, m, tau2, vbar, ga, gb, gp, gc)
    cap = _trend_cap(z, horizon)

    n = z.size
    t0 = m if m > 1 else 2
    t0 = min(t0, n - 2)
    origins = np.arange(t0, n - 1, dtype=np.intp)

    # Pick the grid column by the standardised multi-step error on the history.
    score_steps = np.unique(
        np.clip(np.array([1, (horizon + 1) // 2, horizon]), 1, max(1, n - 1 - t0))
    ).astype(np.intp)
    unit = _reversion_unit(m)
    psis = [1.0] + [0.5 ** (1.0 / (hl * unit)) for hl in _REVERT_HALF_LIVES]
    best, best_p = 0, 0
    if (len(grid) > 1 or len(psis) > 1) and origins.size:
        tgt_idx = origins[:, None] + score_steps[None, :]
        valid = tgt_idx < n
        tgt_idx_c = np.minimum(tgt_idx, n - 1)
        target = np.where(valid, z[tgt_idx_c], np.nan)
        wsd = np.sqrt(tau2 + r_obs[tgt_idx_c])
        scores = np.empty((len(grid), len(psis)))
        for col in range(len(grid)):
            for pj, ps in enumerate(psis):
                f = _forecast_matrix(fit, col, m, origins, score_steps, cap, ps)
                err = np.abs(target - f) / wsd
                scores[col, pj] = float(np.nanmean(err)) if np.isfinite(err).any() else np.inf
        best, best_p = (int(v) for v in np.unravel_index(int(np.argmin(scores)), scores.shape))
    psi = psis[best_p]

    steps = np.arange(1, horizon + 1, dtype=np.intp)
    params = {
        "alpha": float(ga[best]),
        "beta": float(gb[best]),
        "phi": float(gp[best]),
        "gamma": float(gc[best]),
        "psi": float(psi),
        "tau2": tau2,
    }

    local = _local_scale(fit.sig2[:, best], _LOCAL_SPAN * max(horizon, m))

    # Out-of-sample errors of the chosen model from every past origin.
    sd2 = np.full(horizon, np.nan)
    us: list[FloatArray] = []
    n_origins = 0
    if origins.size:
        tgt = origins[:, None] + steps[None, :]
        valid = tgt < n
        tgt_c = np.minimum(tgt, n - 1)
        f = _forecast_matrix(fit, best, m, origins, steps, cap, psi)
        err = np.where(valid, z[tgt_c], np.nan) - f
        r = _sampling_var(s, f, s.den[tgt_c])
        ok = np.isfinite(err)
        n_origins = int(ok.any(axis=1).sum())
        for h in range(horizon):
            col_ok = ok[:, h]
            if col_ok.sum() >= 3:
                sd2[h] = max(
                    _robust_var(err[col_ok, h]) - float(np.median(r[col_ok, h])),
                    0.1 * _robust_var(err[col_ok, h]),
                    1e-6,
                )
        # grow monotonically with h; extrapolate linearly in h beyond the last estimate
        known = np.flatnonzero(np.isfinite(sd2))
        if known.size:
            run = 0.0
            last_h = 0
            for h in range(horizon):
                if np.isfinite(sd2[h]):
                    run = max(run, float(sd2[h]))
                    last_h = h
                    sd2[h] = run
                else:
                    sd2[h] = run * (h + 1) / (last_h + 1)
            # normalised by the local volatility at each origin (locally adaptive
            # conformal): wider after turbulence, narrower in calm stretches
            scale = np.sqrt(sd2[None, :] + r) * local[origins][:, None]
            u = err / scale
            us = [u[ok]]
    if not us or us[0].size == 0:
        raise ValueError("history too short to calibrate intervals (no past origin)")
    u_all = np.sort(us[0])
    n_err = int(u_all.size)

    # Central path and intervals at the last bucket of the history.
    last = np.array([n - 1], dtype=np.intp)
    zhat = _forecast_matrix(fit, best, m, last, steps, cap, psi)[0]
    r_f = _sampling_var(s, zhat, future_den)
    scale_f = np.sqrt(sd2 + r_f) * float(local[n - 1])
    centre = zhat
    lower: dict[float, FloatArray] = {}
    upper: dict[float, FloatArray] = {}
    nn = max(n_origins, 1)
    rscale = math.sqrt(max(_robust_var(u_all), 1e-12))
    med = float(np.median(u_all))
    for lv in levels:
        p_lo = (1 - lv) / 2
        p_hi = 1 - p_lo
        q_lo = _quantile(u_all, p_lo - (1 - p_lo) / nn)
        q_hi = _quantile(u_all, p_hi + p_hi / nn)
        if n_origins < _SMALL_ORIGINS:
            tq = float(stats.t.ppf(p_hi, df=max(n_origins - 1, 1))) * rscale
            q_lo = min(q_lo, med - tq)
            q_hi = max(q_hi, med + tq)
        # the central path always lies inside every interval
        lower[lv] = zhat + scale_f * min(q_lo, 0.0)
        upper[lv] = zhat + scale_f * max(q_hi, 0.0)
    if n_origins < _SMALL_ORIGINS:
        notes.append(f"only {n_origins} past origins: intervals widened to Student-t quantiles")
    # nest the levels (a wider level never inside a narrower one)
    for a, b in itertools.pairwise(levels):
        lower[b] = np.minimum(lower[b], lower[a])
        upper[b] = np.maximum(upper[b], upper[a])
    params["season_used"] = float(m)
    return _Calibrated(centre, lower, upper, n_err, n_origins, params, tuple(notes))


# --------------------------------------------------------------------------- public API


def _model_note(cal: _Calibrated) -> str:
    season = int(cal.params["season_used"])
    note = "robust damped level + trend" + (
        f" + seasonal profile of {season}" if season > 1 else ""
    )
    if cal.params.get("psi", 1.0) < 1.0:
        note += "; the level falls back towards its slow baseline (as past bursts did)"
    return note


def _interval_notes(cal: _Calibrated) -> list[str]:
    return [
        f"intervals: empirical quantiles of {cal.n_errors} out-of-sample errors "
        f"from {cal.n_origins} past origins",
        *cal.notes,
    ]


def _result(
    kind: Kind,
    mean: FloatArray,
    lower: dict[float, FloatArray],
    upper: dict[float, FloatArray],
    levels: tuple[float, ...],
    horizon: int,
    cal: _Calibrated,
    method: str,
    assumptions: list[str],
) -> Projection:
    return Projection(
        kind=kind,
        mean=_readonly(mean),
        lower=lower,
        upper=upper,
        levels=levels,
        horizon=horizon,
        season=int(cal.params["season_used"]),
        method=method,
        assumptions=tuple(assumptions),
        params=cal.params,
        n_calibration=cal.n_errors,
    )


def project_counts(
    values: ArrayLike,
    *,
    season: int,
    horizon: int,
    levels: Sequence[float] = DEFAULT_LEVELS,
) -> Projection:
    """Project a count series (mentions per day or hour) ``horizon`` buckets ahead.

    ``season`` is the seasonal period in buckets (7 for daily data, 24 or 168 for
    hourly; 1 for none). ``NaN`` buckets are "no data collected" and are skipped.
    Raises ``ValueError`` with fewer than 5 observed buckets.
    """
    if horizon < 1:
        raise ValueError("horizon must be at least 1")
    if season < 1:
        raise ValueError("season must be at least 1")
    lv = _check_levels(levels)
    x = _as_series(values, "values")
    first = np.flatnonzero(np.isfinite(x))
    if first.size == 0:
        raise ValueError("the series has no observed bucket")
    x = x[first[0] :]
    z = np.log1p(x)
    s = _Series("counts", z, np.ones_like(z), 0.0)
    cal = _project_z(s, season=season, horizon=horizon, levels=lv, future_den=np.ones(horizon))
    back = np.expm1
    mean = np.maximum(back(cal.centre), 0.0)
    lower = {k: _readonly(np.maximum(back(v), 0.0)) for k, v in cal.lower.items()}
    upper = {k: _readonly(np.maximum(back(v), 0.0)) for k, v in cal.upper.items()}
    n_missing = int(np.isnan(x).sum())
    assumptions = [
        "counts modelled on the log(x + 1) scale (multiplicative changes)",
        _model_note(cal),
        "the recent trend continues, damped, capped at the largest moves seen in the history",
        *_interval_notes(cal),
    ]
    if n_missing:
        assumptions.append(f"{n_missing} buckets without data skipped (not counted as zero)")
    return _result(
        "counts",
        mean,
        lower,
        upper,
        lv,
        horizon,
        cal,
        "robust damped Holt-Winters on log(x+1), conformal intervals",
        assumptions,
    )


def project_share(
    numerators: ArrayLike,
    denominators: ArrayLike,
    *,
    season: int,
    horizon: int,
    levels: Sequence[float] = DEFAULT_LEVELS,
    future_denominators: ArrayLike | None = None,
) -> Projection:
    """Project a proportion (e.g. negative mentions / mentions with a sentiment).

    Each bucket is weighted by its denominator: a bucket with 3 mentions moves the
    projection far less than one with 300, and a bucket with none is "no data". The
    interval is for the share observed in a future bucket of ``future_denominators``
    mentions (default: the median denominator of the last season, or of the last 7
    buckets); results stay in [0, 1].
    """
    if horizon < 1:
        raise ValueError("horizon must be at least 1")
    if season < 1:
        raise ValueError("season must be at least 1")
    lv = _check_levels(levels)
    k = _as_series(numerators, "numerators")
    n = _as_series(denominators, "denominators")
    if k.shape != n.shape:
        raise ValueError("numerators and denominators must have the same length")
    bad = np.isfinite(k) & np.isfinite(n) & (k > n + 1e-9)
    if bad.any():
        raise ValueError("a numerator exceeds its denominator")
    has = np.isfinite(k) & np.isfinite(n) & (n > 0)
    first = np.flatnonzero(has)
    if first.size == 0:
        raise ValueError("the series has no bucket with a denominator")
    k = k[first[0] :]
    n = n[first[0] :]
    has = has[first[0] :]
    p0 = float(np.sum(k[has]) / np.sum(n[has]))
    p0c = min(max(p0, 1e-3), 1 - 1e-3)
    with np.errstate(invalid="ignore", divide="ignore"):
        pt = (k + _SHARE_PRIOR * p0c) / (n + _SHARE_PRIOR)
        z = np.where(has, np.log(pt / (1 - pt)), np.nan)
    den = np.where(has, n, 0.0)
    if future_denominators is None:
        recent = den[has][-max(season if season > 1 else 7, 1) :]
        nf = float(np.median(recent))
        fden = np.full(horizon, nf)
        den_note = f"future buckets assumed to hold about {nf:.0f} mentions (recent median)"
    else:
        fden = np.broadcast_to(np.asarray(future_denominators, dtype=np.float64), (horizon,))
        fden = np.maximum(fden, 0.0).copy()
        den_note = "future bucket sizes given by the caller"
    s = _Series("share", z, den, p0c)
    cal = _project_z(s, season=season, horizon=horizon, levels=lv, future_den=fden)
    mean = _expit(cal.centre)
    lower = {kk: _readonly(_expit(v)) for kk, v in cal.lower.items()}
    upper = {kk: _readonly(_expit(v)) for kk, v in cal.upper.items()}
    n_missing = int((~has).sum())
    assumptions = [
        "share modelled on the logit scale, shrunk towards the overall share "
        f"({p0:.3f}) by {_SHARE_PRIOR:g} pseudo-mentions",
        "each bucket weighted by its denominator (binomial variance + extra dispersion)",
        _model_note(cal),
        den_note,
        *_interval_notes(cal),
    ]
    if n_missing:
        assumptions.append(f"{n_missing} buckets without mentions skipped")
    return _result(
        "share",
        mean,
        lower,
        upper,
        lv,
        horizon,
        cal,
        "robust weighted damped Holt-Winters on logit(share), conformal intervals",
        assumptions,
    )


# --------------------------------------------------------------------------- backtests


def _mase_scale(train: FloatArray, season: int) -> float:
    lag = season if train.size > season + 1 else 1
    d = np.abs(train[lag:] - train[:-lag])
    d = d[np.isfinite(d)]
    if d.size == 0:
        return float("nan")
    sc = float(np.mean(d))
    return sc if sc > 0 else float("nan")


def _summarise(
    kind: Kind,
    levels: tuple[float, ...],
    horizon: int,
    season: int,
    actual: list[FloatArray],
    projs: list[Projection],
    scales: list[float],
) -> dict[float, Backtest]:
    a = np.array(actual)
    f = np.array([p.mean for p in projs])
    ok = np.isfinite(a)
    n_points = int(ok.sum())
    if n_points == 0:
        raise ValueError("backtest has no observed outcome")
    sc = np.array(scales)[:, None]
    abs_err = np.abs(a - f)
    with np.errstate(invalid="ignore", divide="ignore"):
        pos = ok & (a > 0)
        mape = float(np.mean(abs_err[pos] / a[pos])) if pos.any() else float("nan")
        scaled = abs_err / sc
    sok = ok & np.isfinite(scaled)
    mase = float(np.mean(scaled[sok])) if sok.any() else float("nan")
    mae = float(np.mean(abs_err[ok]))
    mean_actual = float(np.mean(a[ok]))
    out: dict[float, Backtest] = {}
    for lv in levels:
        lo = np.array([p.lower[lv] for p in projs])
        hi = np.array([p.upper[lv] for p in projs])
        inside = (a >= lo) & (a <= hi)
        below = a < lo
        by_step = np.array(
            [
                float(np.mean(inside[ok[:, h], h])) if ok[:, h].any() else float("nan")
                for h in range(horizon)
            ]
        )
        width = float(np.mean((hi - lo)[ok]))
        out[lv] = Backtest(
            kind=kind,
            level=lv,
            horizon=horizon,
            season=season,
            n_origins=len(projs),
            n_points=n_points,
            coverage=float(np.mean(inside[ok])),
            coverage_by_step=_readonly(by_step),
            below=float(np.mean(below[ok])),
            above=float(np.mean((a > hi)[ok])),
            mean_width=width,
            relative_width=width / mean_actual if mean_actual > 0 else float("nan"),
            mae=mae,
            mape=mape,
            mase=mase,
        )
    return out


def _origins(n: int, horizon: int, min_train: int, step: int) -> range:
    if step < 1:
        raise ValueError("step must be at least 1")
    if min_train < MIN_OBSERVED:
        raise ValueError(f"min_train must be at least {MIN_OBSERVED}")
    if min_train + horizon > n:
        raise ValueError("series too short for min_train + horizon")
    return range(min_train, n - horizon + 1, step)


def backtest_levels(
    values: ArrayLike,
    *,
    season: int,
    horizon: int,
    levels: Sequence[float] = DEFAULT_LEVELS,
    min_train: int,
    step: int,
) -> dict[float, Backtest]:
    """Rolling-origin backtest of :func:`project_counts` at several levels at once.

    At each origin ``o`` (``min_train``, ``min_train + step``, …) the projection is
    made from ``values[:o]`` only — its smoothing constants and its interval
    calibration see nothing later — and compared with ``values[o : o + horizon]``.
    """
    x = _as_series(values, "values")
    lv = _check_levels(levels)
    actual: list[FloatArray] = []
    projs: list[Projection] = []
    scales: list[float] = []
    for o in _origins(x.size, horizon, min_train, step):
        p = project_counts(x[:o], season=season, horizon=horizon, levels=lv)
        projs.append(p)
        actual.append(x[o : o + horizon])
        scales.append(_mase_scale(x[:o], season))
    return _summarise("counts", lv, horizon, season, actual, projs, scales)


def backtest(
    values: ArrayLike,
    *,
    season: int,
    horizon: int,
    level: float = 0.8,
    min_train: int,
    step: int,
) -> Backtest:
    """Rolling-origin backtest of :func:`project_counts` at one interval level."""
    res = backtest_levels(
        values, season=season, horizon=horizon, levels=(level,), min_train=min_train, step=step
    )
    return next(iter(res.values()))


def backtest_share_levels(
    numerators: ArrayLike,
    denominators: ArrayLike,
    *,
    season: int,
    horizon: int,
    levels: Sequence[float] = DEFAULT_LEVELS,
    min_train: int,
    step: int,
) -> dict[float, Backtest]:
    """Rolling-origin backtest of :func:`project_share`; outcomes are the observed
    shares ``k / n`` of buckets with ``n > 0``. The future denominators are *not*
    given to the projection (it uses its default), as in real use."""
    k = _as_series(numerators, "numerators")
    n = _as_series(denominators, "denominators")
    if k.shape != n.shape:
        raise ValueError("numerators and denominators must have the same length")
    lv = _check_levels(levels)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(np.isfinite(n) & (n > 0), k / n, np.nan)
    actual: list[FloatArray] = []
    projs: list[Projection] = []
    scales: list[float] = []
    for o in _origins(k.size, horizon, min_train, step):
        p = project_share(k[:o], n[:o], season=season, horizon=horizon, levels=lv)
        projs.append(p)
        actual.append(share[o : o + horizon])
        scales.append(_mase_scale(share[:o], season))
    return _summarise("share", lv, horizon, season, actual, projs, scales)


def backtest_share(
    numerators: ArrayLike,
    denominators: ArrayLike,
    *,
    season: int,
    horizon: int,
    level: float = 0.8,
    min_train: int,
    step: int,
) -> Backtest:
    """Rolling-origin backtest of :func:`project_share` at one interval level."""
    res = backtest_share_levels(
        numerators,
        denominators,
        season=season,
        horizon=horizon,
        levels=(level,),
        min_train=min_train,
        step=step,
    )
    return next(iter(res.values()))


# --------------------------------------------------------------------------- the sentence

COUNT_MEASURES: Final[tuple[str, ...]] = ("volume", "interactions", "authors")
SHARE_MEASURES: Final[tuple[str, ...]] = ("negative_share",)


def _fmt_num(value: float, lang: str) -> str:
    """A projected count for a sentence: two significant digits above 100."""
    v = float(value)
    if v >= 100:
        digits = math.floor(math.log10(v)) - 1
        v = round(v, -digits)
    text = f"{round(v):,}"
    return text.replace(",", ".") if lang == "vi" else text


def _fmt_dec(value: float, lang: str, decimals: int = 1) -> str:
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "vi" else text


def _fmt_pct(share: float, lang: str) -> str:
    pct = 100.0 * share
    return _fmt_dec(pct, lang, 1 if pct < 10 else 0)


def _window(horizon: int, grain: str) -> tuple[slice, str]:
    """The buckets covering days 3–5 ahead (or what the horizon has) and their label."""
    per_day = 24 if grain == "hour" else 1
    days = horizon // per_day
    if days >= 5:
        return slice(2 * per_day, 5 * per_day), "3–5"
    if days >= 3:
        return slice(2 * per_day, days * per_day), "3" if days == 3 else f"3–{days}"
    if days >= 1:
        return slice(0, days * per_day), str(days)
    return slice(0, horizon), "1"


def _span(low: str, high: str) -> str:
    """ "1.200–1.900", or one number when the interval rounds to a point."""
    return low if low == high else f"{low}–{high}"


def describe(
    projection: Projection,
    *,
    measure: str = "volume",
    current: float,
    lang: str | None = None,
    level: float = 0.8,
    grain: Literal["day", "hour"] = "day",
    reference: Literal["usual", "now"] = "usual",
) -> str:
    """The sentence a manager reads, in Vietnamese (default) or English.

    It quotes the ``level`` interval over days 3–5 ahead (the lowest lower bound and
    the highest upper bound of those days, so each day's value lies in the range with
    about that probability) and compares it with ``current``: the level the manager
    knows — the usual level (``reference="usual"``, default) or today's
    (``reference="now"``). For shares, ``current`` and the output are proportions
    shown as percentages. An hourly projection is quoted per day, summing each day's
    hourly bounds (a slightly conservative range).
    """
    lang = current_lang(lang)
    if measure in COUNT_MEASURES and projection.kind != "counts":
        raise ValueError(f"measure {measure!r} needs a count projection")
    if measure in SHARE_MEASURES and projection.kind != "share":
        raise ValueError(f"measure {measure!r} needs a share projection")
    if measure not in COUNT_MEASURES + SHARE_MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    lo_arr, hi_arr = projection.interval(level)
    mean = projection.mean
    win, days = _window(projection.horizon, grain)
    unit = "day"
    if grain == "hour" and projection.kind == "counts" and projection.horizon >= 24:
        nd = projection.horizon // 24

        def daily(a: FloatArray) -> FloatArray:
            return np.asarray(a[: nd * 24].reshape(nd, 24).sum(axis=1), dtype=np.float64)

        lo_arr, hi_arr, mean = daily(lo_arr), daily(hi_arr), daily(mean)
        win, days = _window(nd, "day")
    elif grain == "hour":
        unit = "hour"
    low = float(np.min(lo_arr[win]))
    high = float(np.max(hi_arr[win]))
    centre = float(np.mean(mean[win]))
    ref = t(f"projection.ref.{reference}", lang)
    if current > 0 and centre > 1.15 * current:
        verb = "up"
    elif current > 0 and centre < current / 1.15:
        verb = "down"
    else:
        verb = "flat"
    level_txt = _fmt_dec(100 * level, lang, 0)
    if projection.kind == "share":
        compare = t("projection.compare.share", lang, ref=ref, current=_fmt_pct(current, lang))
        return t(
            "projection.share",
            lang,
            days=days,
            measure=t(f"projection.measure.{measure}", lang),
            verb=t(f"projection.verb.{verb}", lang),
            span=_span(_fmt_pct(low, lang), _fmt_pct(high, lang)),
            level=level_txt,
            compare=compare,
        )
    unit_txt = t(f"projection.unit.{unit}", lang)
    lo_txt, hi_txt = _fmt_num(low, lang), _fmt_num(high, lang)
    if hi_txt == lo_txt and high > low:
        hi_txt = _fmt_num(high * 1.05, lang)
    if current <= 0:
        compare = ""
    elif low >= 1.25 * current:
        compare = t(
            "projection.compare.times",
            lang,
            ref=ref,
            low=_fmt_dec(low / current, lang, 1 if low < 10 * current else 0),
            high=_fmt_dec(high / current, lang, 1 if high < 10 * current else 0),
        )
    elif high <= 0.8 * current:
        compare = t(
            "projection.compare.fraction",
            lang,
            ref=ref,
            low=_fmt_dec(100 * low / current, lang, 0),
            high=_fmt_dec(100 * high / current, lang, 0),
        )
    else:
        compare = t(
            "projection.compare.level",
            lang,
            ref=ref,
            current=_fmt_num(current, lang),
            unit=unit_txt,
        )
    return t(
        "projection.volume",
        lang,
        days=days,
        measure=t(f"projection.measure.{measure}", lang),
        verb=t(f"projection.verb.{verb}", lang),
        span=_span(lo_txt, hi_txt),
        unit=unit_txt,
        level=level_txt,
        compare=compare,
    )
