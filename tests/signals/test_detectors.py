"""The streaming detectors: spikes in counts, shifts in shares."""

import numpy as np

from tinhieu.signals.detectors import ShareShiftDetector, SpikeDetector, anscombe


def _daily_counts(days: int, seed: int, base: float = 20.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    hours = np.arange(days * 24)
    rate = base * (1.0 + 0.8 * np.sin(2 * np.pi * (hours % 24) / 24))
    return rng.poisson(rate).astype(float)


def test_anscombe_residual_is_zero_at_the_expectation_and_grows_with_excess() -> None:
    assert anscombe(10, 10) == 0
    assert anscombe(40, 10) > anscombe(20, 10) > 0 > anscombe(2, 10)


def test_quiet_seasonal_series_raises_few_alerts() -> None:
    for seed in range(5):
        x = _daily_counts(28, seed)
        alerts = sum(s.alert for s in SpikeDetector(period=24).run(x))
        assert alerts <= 3, (seed, alerts)  # pure noise: rarely past the minimum deviation


def test_a_spike_is_alerted_at_once_and_only_once() -> None:
    x = _daily_counts(28, 7)
    x[20 * 24 + 10] += 150  # a burst at 10:00 on day 20
    scores = SpikeDetector(period=24).run(x)
    assert scores[20 * 24 + 10].alert
    assert scores[20 * 24 + 10].deviation > 5
    # the cooldown: nothing in the next 24 buckets
    assert not any(s.alert for s in scores[20 * 24 + 11 : 20 * 24 + 34])


def test_a_slow_rise_is_caught_on_a_longer_scale() -> None:
    x = _daily_counts(28, 3)
    start = 20 * 24
    x[start : start + 12] += np.linspace(5, 25, 12).round()  # +25 % creeping up for 12 h
    scores = SpikeDetector(period=24).run(x)
    fired = [i for i, s in enumerate(scores[start : start + 12]) if s.alert]
    assert fired, "the rise went unnoticed"
    assert scores[start + fired[0]].scale > 1


def test_the_baseline_learns_the_daily_rhythm() -> None:
    x = _daily_counts(21, 1)
    det = SpikeDetector(period=24)
    det.run(x)
    peak, trough = 6, 18  # sin peaks at hour 6, troughs at 18
    e = []
    for h in range(24):
        e.append(det.level * det.season[h])  # type: ignore[operator]
    assert e[peak] > 2.5 * e[trough]


def test_a_gap_is_not_an_anomaly_and_teaches_nothing() -> None:
    x = _daily_counts(21, 2)
    x[15 * 24 : 15 * 24 + 6] = np.nan
    det = SpikeDetector(period=24)
    scores = det.run(x)
    assert not any(s.alert for s in scores[15 * 24 : 15 * 24 + 6])
    assert 10 < det.level < 40  # type: ignore[operator]


def test_streaming_equals_batch() -> None:
    x = _daily_counts(14, 5)
    x[200] += 100
    batch = SpikeDetector(period=24).run(x)
    det = SpikeDetector(period=24)
    stream = []
    for v in x:
        s = det.score_one(v)
        det.learn_one(v)
        stream.append(s)
    assert [s.alert for s in stream] == [s.alert for s in batch]
    assert np.allclose([s.deviation for s in stream], [s.deviation for s in batch])


def test_share_shift_fires_on_a_rise_with_flat_volume() -> None:
    rng = np.random.default_rng(0)
    det = ShareShiftDetector()
    alerts = []
    for hour in range(24 * 10):
        n = 40
        p = 0.1 if hour < 24 * 8 else 0.3  # negative share triples, volume unchanged
        k = rng.binomial(n, p)
        s = det.score_one(k, n)
        det.learn_one(k, n, alerted=s.alert)
        alerts.append(s.alert)
    assert not any(alerts[: 24 * 8])
    first = alerts.index(True)
    assert 24 * 8 <= first < 24 * 8 + 6
    assert 0.08 < det.baseline() < 0.3


def test_share_shift_ignores_tiny_samples() -> None:
    det = ShareShiftDetector(min_count=10)
    for _ in range(60):
        det.learn_one(1, 20)
    s = det.score_one(3, 3)  # 100 % negative, but only three mentions
    assert not s.alert


def test_a_weekly_rhythm_is_learnt_not_alerted() -> None:
    rng = np.random.default_rng(0)
    hours = np.arange(24 * 7 * 6)
    weekend = ((hours // 24) % 7) >= 5
    rate = 20 * (1 + 0.8 * np.sin(2 * np.pi * (hours % 24) / 24)) * np.where(weekend, 2.0, 1.0)
    x = rng.poisson(rate).astype(float)
    late = slice(24 * 7 * 3, None)  # after three weeks of learning
    weekly = SpikeDetector(period=24).run(x)
    daily_only = SpikeDetector(period=24, weekly=False).run(x)
    assert sum(s.alert for s in weekly[late]) <= 1  # at most a noise record
    det = SpikeDetector(period=24)
    det.run(x)
    assert det.weekday[5] > 1.5 * det.weekday[2]  # Saturday is about twice a Wednesday
    assert sum(s.alert for s in daily_only) >= sum(s.alert for s in weekly)
