"""Streaming anomaly detectors for count and share series.

The same objects run in batch mode (a whole series, bucket by bucket) and in streaming
mode (``tinhieu watch``): ``score_one`` rates the next bucket against what the detector has
learnt so far, without changing it; ``learn_one`` then folds the bucket in. Nothing looks
ahead, so batch results equal what streaming would have said at the time.

:class:`SpikeDetector` (volumes, interactions, unique authors)
    * **Baseline** — a level times a seasonal factor per phase of the day (24 hourly
      phases, or 288 five-minute ones) times a day-of-week factor (``weekly``, moved
      once a day by the day's ratio of observed to expected), all exponentially
      weighted. Each update clips the
      bucket's ratio to the baseline, so a spike barely moves the baseline it is judged
      against (robust to outliers).
    * **Deviation** — over several time scales at once (e.g. 1, 6, 24 and 72 buckets),
      the Poisson z-score of the observed count sum O against the expected sum E
      (:func:`poisson_z`: the tail probability of O or more, as standard deviations).
      It means the same whatever the level, so one yardstick serves a forum with 2 posts
      an hour and a brand with 2,000, and it stays honest for rare events (a first
      handful of "ngộ độc" posts).
    * **Decision** — a bucket is anomalous when, on some scale, its residual beats every
      residual of that scale in the last ``memory`` buckets (default: a week) — the most
      unusual moment of the week, which adapts to each series' own burstiness without a
      threshold to tune — and is at least ``min_deviation``. After an alert the detector
      stays quiet for ``cooldown`` buckets (default: a day): one story, one alert.

:class:`ShareShiftDetector` (negative share)
    A baseline share p₀ (exponentially weighted sums of numerator and denominator, updated
    with clipped values) and a z-score of the bucket's numerator against Binomial(n, p₀)
    with over-dispersion learnt from the series, over several scales. It fires on a rise in
    the share even when volume is flat; a bucket needs ``min_count`` analysed mentions.

Both return a :class:`Score`: the deviation, the baseline, the scale that fired and
whether it is an alert.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]

#: How fast a day-of-week factor follows its days (after the first weeks' running mean).
WEEKDAY_RATE: Final = 0.1
#: Phases of the daily rhythm per grain.
PERIODS: Final[dict[str, int]] = {"hour": 24, "day": 7, "5min": 288}


@dataclass(frozen=True, slots=True)
class Score:
    deviation: float  # the largest residual over the scales (≈ standard deviations)
    expected: float  # the baseline for this bucket (count, or share for shares)
    scale: int  # the number of buckets of the scale with the largest residual
    record: bool  # the residual beat the last ``memory`` buckets' residuals of its scale
    alert: bool  # record, large enough, and not in a cooldown
    observed_sum: float = 0.0  # over the scale's buckets (shares: the share over them)
    expected_sum: float = 0.0


class _RollingMax:
    """Maximum of the last ``size`` values pushed (a monotonic deque)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: deque[tuple[int, float]] = deque()
        self.count = 0

    def push(self, value: float) -> None:
        while self.items and self.items[-1][1] <= value:
            self.items.pop()
        self.items.append((self.count, value))
        self.count += 1
        while self.items[0][0] <= self.count - 1 - self.size:
            self.items.popleft()

    def max(self) -> float:
        return self.items[0][1] if self.items else math.inf


def anscombe(observed: float, expected: float) -> float:
    """Anscombe residual of a Poisson count: ≈ N(0, 1) at any level."""
    return 2.0 * (math.sqrt(observed + 0.375) - math.sqrt(max(expected, 0.0) + 0.375))


def poisson_z(observed: float, expected: float) -> float:
    """The z-score of seeing ``observed`` or more when ``expected`` is the Poisson mean:
    ``Φ⁻¹(1 − P(X ≥ observed))`` by the Wilson–Hilferty cube-root approximation
    (within ~0.1–0.4 of the exact tail for small counts, exact enough for large ones).
    Unlike the Anscombe residual it stays honest in the far tail of rare events: 3
    mentions where 0.05 were expected is z ≈ 3.7, not 2.4. Below 1 observation, the
    Anscombe residual."""
    if observed < 1.0:
        return anscombe(observed, expected)
    lam = max(expected, 1e-9)
    cube = float((lam / observed) ** (1.0 / 3.0))
    return 3.0 * math.sqrt(observed) * (1.0 - 1.0 / (9.0 * observed) - cube)


class SpikeDetector:
    """Multi-scale, seasonal, self-calibrating spike detector for counts."""

    def __init__(
        self,
        period: int = 24,
        scales: tuple[int, ...] = (1, 3, 6, 12),
        *,
        memory: int | None = None,
        cooldown: int | None = None,
        warmup: int | None = None,
        level_rate: float = 0.01,
        season_rate: float = 0.05,
        clip: float = 4.0,
        min_deviation: float = 4.0,
        min_expected: float = 0.05,
        phase: int = 0,
        weekly: bool = True,
    ) -> None:
        if period < 1 or not scales or min(scales) < 1:
            raise ValueError("period and scales must be positive")
        self.period = period
        self.scales = tuple(sorted(set(scales)))
        self.memory = memory if memory is not None else 7 * period
        self.cooldown = cooldown if cooldown is not None else period
        self.warmup = warmup if warmup is not None else period
        self.level_rate = level_rate
        self.season_rate = season_rate
        self.clip = clip
        self.min_deviation = min_deviation
        self.min_expected = min_expected
        self.phase = phase  # the phase of the first bucket (a detector started mid-stream)
        self.level: float | None = None
        self.season = np.ones(period)
        #: day-of-week factors (``weekly``): the weekly rhythm on top of the daily one
        self.weekly = weekly
        self.weekday = np.ones(7)
        self._day = [0.0, 0.0]  # the current day's clipped observed and expected sums
        self.t = 0  # buckets learnt
        self.since_alert = 10**9
        width = max(self.scales)
        self._obs: deque[float] = deque(maxlen=width)
        self._exp: deque[float] = deque(maxlen=width)
        self._records = {w: _RollingMax(self.memory) for w in self.scales}
        self._pending: list[float] | None = None

    # -- the baseline -------------------------------------------------------------------
    def expected(self) -> float:
        """The baseline count of the next bucket."""
        if self.level is None:
            return 0.0
        ph = (self.t + self.phase) % self.period
        week = float(self.weekday[((self.t + self.phase) // self.period) % 7])
        return max(self.level * float(self.season[ph]) * week, self.min_expected)

    def _residuals(
        self, x: float, fraction: float = 1.0
    ) -> tuple[list[float], float, list[tuple[float, float]]]:
        e = self.expected() * fraction
        obs = list(self._obs)
        exp = list(self._exp)
        out = []
        sums = []
        for w in self.scales:
            if len(obs) + 1 < w:
                out.append(-math.inf)
                sums.append((0.0, 0.0))
                continue
            o_sum = x + (sum(obs[len(obs) - w + 1 :]) if w > 1 else 0.0)
            e_sum = e + (sum(exp[len(exp) - w + 1 :]) if w > 1 else 0.0)
            out.append(poisson_z(o_sum, e_sum))
            sums.append((o_sum, e_sum))
        return out, e, sums

    # -- the streaming interface --------------------------------------------------------
    def score_one(self, x: float, fraction: float = 1.0) -> Score:
        """Rate the next bucket's count against the state; does not learn it.

        ``fraction`` < 1 rates a bucket still in progress (the current hour, a fraction
        of the way through) against that fraction of its baseline, so a half-hour's
        mentions are neither a dip nor judged as a whole hour."""
        if self.level is None:
            return Score(0.0, 0.0, self.scales[0], False, False)
        res, e, sums = self._residuals(x, min(max(fraction, 1e-3), 1.0))
        best = int(np.argmax(res))
        records = [r > self._records[w].max() for r, w in zip(res, self.scales, strict=True)]
        record = any(rec and r >= self.min_deviation for rec, r in zip(records, res, strict=True))
        alert = record and self.t >= self.warmup and self.since_alert > self.cooldown
        return Score(float(res[best]), e, self.scales[best], record, alert, *sums[best])

    def learn_one(self, x: float, *, alerted: bool | None = None) -> None:
        """Fold the bucket's count into the baseline and the scales' records.

        ``alerted`` says whether the caller raised an alert on it (it starts the
        cooldown); by default the detector's own decision.
        """
        x = max(float(x), 0.0)
        if self.level is None:
            self.level = max(x, 0.5)
        if alerted is None:
            alerted = self.score_one(x).alert
        res, e, _ = self._residuals(x)
        for r, w in zip(res, self.scales, strict=True):
            if r > -math.inf:
                self._records[w].push(r)
        self._obs.append(x)
        self._exp.append(e)
        # robust baseline update: the bucket's ratio, clipped to a few Poisson sds
        # (the rates start as running means and settle at their floors, so a new series
        # learns its rhythm in days rather than weeks)
        ratio = min(x / e, 1.0 + self.clip / math.sqrt(e))
        ph = (self.t + self.phase) % self.period
        visits = self.t // self.period
        level_rate = max(self.level_rate, 1.0 / (self.t + 2))
        season_rate = max(self.season_rate, 1.0 / (visits + 2))
        self.level += level_rate * (self.level * ratio - self.level)
        self.season[ph] += season_rate * (self.season[ph] * ratio - self.season[ph])
        if ph == self.period - 1:
            mean = float(self.season.mean())
            if mean > 0:
                self.season /= mean
        if self.weekly:
            self._learn_weekday(e * ratio, e, ph, visits)
        self.since_alert = 0 if alerted else self.since_alert + 1
        self.t += 1

    def _learn_weekday(self, clipped: float, expected: float, ph: int, day: int) -> None:
        """At the end of each day, move its weekday's factor towards the day's ratio of
        (clipped) observed to expected counts; keep the factors' mean at 1."""
        self._day[0] += clipped
        self._day[1] += expected
        if ph != self.period - 1:
            return
        obs, exp = self._day
        self._day = [0.0, 0.0]
        if exp <= 0:
            return
        dow = ((self.t + self.phase) // self.period) % 7  # the day just completed
        weeks = day // 7
        rate = max(WEEKDAY_RATE, 1.0 / (weeks + 2))
        self.weekday[dow] += rate * (self.weekday[dow] * obs / exp - self.weekday[dow])
        if dow == 6:
            mean = float(self.weekday.mean())
            if mean > 0:
                self.weekday /= mean

    def skip_one(self) -> None:
        """A bucket with no data (a collection gap): time moves on, nothing is learnt."""
        self._obs.append(self.expected())
        self._exp.append(self.expected())
        self.since_alert += 1
        self.t += 1

    def run(self, values: F64) -> list[Score]:
        """Batch mode: score then learn every bucket in order (NaN = gap)."""
        out = []
        for x in np.asarray(values, dtype=np.float64):
            if math.isnan(x):
                out.append(Score(0.0, self.expected(), self.scales[0], False, False))
                self.skip_one()
                continue
            s = self.score_one(x)
            out.append(s)
            self.learn_one(x, alerted=s.alert)
        return out


class ShareShiftDetector:
    """Detects a rise in a share (e.g. negative mentions / analysed mentions)."""

    def __init__(
        self,
        scales: tuple[int, ...] = (1, 6, 24),
        *,
        rate: float = 0.02,
        min_count: int = 10,
        min_z: float = 4.0,
        cooldown: int = 24,
        warmup: int = 48,
        min_rise: float = 0.05,
    ) -> None:
        self.scales = tuple(sorted(set(scales)))
        self.rate = rate
        self.min_count = min_count
        self.min_z = min_z
        self.cooldown = cooldown
        self.warmup = warmup
        self.min_rise = min_rise
        self.num = 0.0  # exponentially weighted numerator and denominator
        self.den = 0.0
        self.dispersion = 1.0  # variance inflation over the binomial
        self.t = 0
        self.since_alert = 10**9
        width = max(self.scales)
        self._n: deque[float] = deque(maxlen=width)
        self._k: deque[float] = deque(maxlen=width)

    def baseline(self) -> float:
        """The learnt share; 0 until something was learnt."""
        return self.num / self.den if self.den > 0 else 0.0

    def _z(self, k: float, n: float) -> list[tuple[float, float, float, int]]:
        p0 = min(max(self.baseline(), 1e-3), 1 - 1e-3)
        ks, ns = list(self._k), list(self._n)
        out = []
        for w in self.scales:
            if len(ns) + 1 < w:
                continue
            kk = k + (sum(ks[len(ks) - w + 1 :]) if w > 1 else 0.0)
            nn = n + (sum(ns[len(ns) - w + 1 :]) if w > 1 else 0.0)
            if nn < self.min_count:
                continue
            sd = math.sqrt(nn * p0 * (1 - p0) * self.dispersion)
            out.append(((kk - nn * p0) / sd, kk / nn, nn, w))
        return out

    def score_one(self, k: float, n: float) -> Score:
        """Rate a bucket with ``k`` of ``n`` in the share (e.g. negatives of analysed)."""
        p0 = self.baseline()
        zs = self._z(k, n)
        if not zs or self.den <= 0:
            return Score(0.0, p0, self.scales[0], False, False)
        z, share, _, w = max(zs)
        big = z >= self.min_z and share - p0 >= self.min_rise
        alert = big and self.t >= self.warmup and self.since_alert > self.cooldown
        return Score(float(z), p0, w, big, alert, share, p0)

    def learn_one(self, k: float, n: float, *, alerted: bool | None = None) -> None:
        if alerted is None:
            alerted = self.score_one(k, n).alert
        if n > 0:
            p0 = self.baseline() if self.den > 0 else k / n
            # robust: a bucket moves the baseline by at most a few binomial sds
            sd = math.sqrt(max(p0 * (1 - p0), 1e-3) / n)
            share = min(k / n, p0 + 3.0 * sd)
            if self.den > 0:
                z = (k / n - p0) / sd
                # over-dispersion: EWMA of z² (clipped), never below 1
                self.dispersion += self.rate * (min(z * z, 25.0) - self.dispersion)
                self.dispersion = max(self.dispersion, 1.0)
            decay = 1.0 - self.rate
            self.num = decay * self.num + share * n
            self.den = decay * self.den + n
        self._k.append(float(k))
        self._n.append(float(n))
        self.since_alert = 0 if alerted else self.since_alert + 1
        self.t += 1


def nab_scores(values: F64, period: int = 288) -> F64:
    """The NAB benchmark's view of :class:`SpikeDetector` on 5-minute counts: 1.0 on the
    rows where it alerts, 0 elsewhere (so any threshold in (0, 1] gives the same
    detections — there is no threshold to tune)."""
    det = SpikeDetector(period=period, scales=(1, 6, 24, 72))
    return np.array([1.0 if s.alert else 0.0 for s in det.run(values)])
