"""Projections 3–5 days ahead: calibrated intervals, shares, gaps, short histories,
crises, rolling-origin backtests and the manager's sentence."""

from __future__ import annotations

import numpy as np
import pytest

from tinhieu.signals.projection import (
    Projection,
    backtest,
    backtest_levels,
    backtest_share,
    backtest_share_levels,
    describe,
    project_counts,
    project_share,
)


def weekly_poisson(seed: int, days: int, base: float = 120.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    lam = base * np.exp(0.35 * np.sin(2 * np.pi * t / 7) + 0.15 * np.cos(4 * np.pi * t / 7))
    return rng.poisson(lam).astype(float)


def pooled_coverage(results: list[dict[float, object]], level: float) -> float:
    inside = sum(r[level].coverage * r[level].n_points for r in results)  # type: ignore[attr-defined]
    points = sum(r[level].n_points for r in results)  # type: ignore[attr-defined]
    return float(inside / points)


# --------------------------------------------------------------------------- calibration


def test_weekly_poisson_intervals_cover_about_their_level_over_many_seeds() -> None:
    results = [
        backtest_levels(weekly_poisson(seed, 84), season=7, horizon=5, min_train=42, step=2)
        for seed in range(8)
    ]
    cov80 = pooled_coverage(results, 0.8)  # type: ignore[arg-type]
    cov95 = pooled_coverage(results, 0.95)  # type: ignore[arg-type]
    assert 0.73 <= cov80 <= 0.88, cov80
    assert 0.89 <= cov95 <= 0.99, cov95


def test_overdispersed_counts_are_still_calibrated() -> None:
    """Negative-binomial noise (heavier than Poisson): the empirical calibration must
    widen the intervals by itself, not assume Poisson noise."""
    results = []
    for seed in range(6):
        rng = np.random.default_rng(100 + seed)
        t = np.arange(84)
        mu = 60 * np.exp(0.3 * np.sin(2 * np.pi * t / 7))
        size = 4.0  # variance = mu + mu² / 4
        x = rng.negative_binomial(size, size / (size + mu)).astype(float)
        results.append(backtest_levels(x, season=7, horizon=5, min_train=42, step=2))
    cov80 = pooled_coverage(results, 0.8)  # type: ignore[arg-type]
    assert 0.72 <= cov80 <= 0.88, cov80


def test_share_intervals_cover_about_their_level_with_varying_denominators() -> None:
    results = []
    for seed in range(6):
        rng = np.random.default_rng(200 + seed)
        t = np.arange(84)
        n = rng.poisson(80 * np.exp(0.4 * np.sin(2 * np.pi * t / 7))).astype(float)
        p = 1 / (1 + np.exp(-(-0.6 + 0.3 * np.sin(2 * np.pi * t / 7 + 1))))
        k = rng.binomial(n.astype(int), p).astype(float)
        results.append(backtest_share_levels(k, n, season=7, horizon=5, min_train=42, step=2))
    cov80 = pooled_coverage(results, 0.8)  # type: ignore[arg-type]
    assert 0.72 <= cov80 <= 0.88, cov80


# --------------------------------------------------------------------------- shape


def assert_nested(p: Projection) -> None:
    lo80, hi80 = p.interval(0.8)
    lo95, hi95 = p.interval(0.95)
    assert np.all(lo95 <= lo80 + 1e-12)
    assert np.all(lo80 <= p.mean + 1e-12)
    assert np.all(p.mean <= hi80 + 1e-12)
    assert np.all(hi80 <= hi95 + 1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_intervals_nest_and_counts_stay_non_negative(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.poisson(rng.uniform(0.5, 300), size=int(rng.integers(20, 80))).astype(float)
    p = project_counts(x, season=7, horizon=5)
    assert p.mean.shape == (5,) and p.lower[0.8].shape == (5,)
    assert_nested(p)
    assert np.all(p.lower[0.95] >= 0)
    assert p.kind == "counts" and p.method and p.assumptions
    assert p.levels == (0.8, 0.95)


def test_sparse_counts_with_many_zeros() -> None:
    rng = np.random.default_rng(3)
    x = rng.poisson(0.4, size=60).astype(float)
    p = project_counts(x, season=7, horizon=5)
    assert_nested(p)
    assert np.all(p.lower[0.95] >= 0) and np.all(p.upper[0.95] < 20)


@pytest.mark.parametrize(
    ("share", "n_mean"), [(0.0, 50), (1.0, 50), (0.02, 5), (0.97, 3), (0.4, 1)]
)
def test_shares_stay_in_unit_interval_even_at_the_edges(share: float, n_mean: float) -> None:
    rng = np.random.default_rng(7)
    n = rng.poisson(n_mean, size=40).astype(float)
    k = rng.binomial(n.astype(int), share).astype(float)
    p = project_share(k, n, season=7, horizon=5)
    for lv in p.levels:
        lo, hi = p.interval(lv)
        assert np.all((lo >= 0) & (hi <= 1)), (lo, hi)
    assert np.all((p.mean >= 0) & (p.mean <= 1))
    assert_nested(p)


def test_share_weights_buckets_by_their_denominator() -> None:
    """Three final buckets at 70 % negative move the projection a lot when they hold
    300 mentions each and barely when they hold 2."""
    rng = np.random.default_rng(11)
    n = np.full(42, 200.0)
    k = rng.binomial(200, 0.3, size=42).astype(float)
    big = project_share(np.r_[k, [210, 210, 210]], np.r_[n, [300, 300, 300]], season=7, horizon=5)
    small = project_share(np.r_[k, [1, 2, 1]], np.r_[n, [2, 2, 2]], season=7, horizon=5)
    assert big.mean[0] > 0.55
    assert abs(small.mean[0] - 0.3) < 0.06
    # the interval is for a future bucket of the usual size, not of 2 mentions
    assert small.upper[0.8][0] - small.lower[0.8][0] < 0.2


def test_share_with_empty_buckets_treats_them_as_no_data() -> None:
    rng = np.random.default_rng(5)
    n = rng.poisson(60, size=50).astype(float)
    n[[10, 11, 30, 45]] = 0
    k = rng.binomial(n.astype(int), 0.35).astype(float)
    p = project_share(k, n, season=7, horizon=5)
    assert abs(p.mean[0] - 0.35) < 0.08
    assert any("without mentions" in a for a in p.assumptions)


# --------------------------------------------------------------------------- gaps, short


def test_nan_gaps_are_no_data_not_zero() -> None:
    x = weekly_poisson(1, 60, base=200)
    gap = x.copy()
    gap[-4:] = np.nan  # the collector was down for the last four days
    gap[20:23] = np.nan
    zero = x.copy()
    zero[-4:] = 0.0
    p_gap = project_counts(gap, season=7, horizon=5)
    p_zero = project_counts(zero, season=7, horizon=5)
    assert np.all(np.isfinite(p_gap.mean))
    assert 120 < float(np.mean(p_gap.mean)) < 330
    assert float(np.mean(p_zero.mean)) < 0.5 * float(np.mean(p_gap.mean))
    assert any("without data" in a for a in p_gap.assumptions)


def test_leading_nans_are_trimmed_and_all_nan_is_an_error() -> None:
    x = np.r_[np.full(10, np.nan), weekly_poisson(2, 40)]
    p = project_counts(x, season=7, horizon=5)
    q = project_counts(x[10:], season=7, horizon=5)
    np.testing.assert_allclose(p.mean, q.mean)
    with pytest.raises(ValueError, match="no observed"):
        project_counts(np.full(20, np.nan), season=7, horizon=5)


def test_ten_days_of_history_still_gives_an_honest_answer() -> None:
    x = weekly_poisson(4, 10)
    p = project_counts(x, season=7, horizon=5)
    assert p.season == 1  # not enough cycles for a weekly profile: said, not faked
    assert any("no seasonal profile" in a for a in p.assumptions)
    assert any("Student-t" in a for a in p.assumptions)
    assert_nested(p)
    lo, hi = p.interval(0.8)
    assert np.all(lo < 120) and np.all(hi > 120)  # the true level is about 120


def test_too_short_history_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="at least 5 observed"):
        project_counts([3.0, 4.0, np.nan, 5.0, 2.0], season=7, horizon=5)
    with pytest.raises(ValueError, match="at least 5 observed"):
        project_share([1, 2, 1], [5, 5, 5], season=7, horizon=5)


def test_invalid_inputs_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        project_counts([1, 2, -3, 4, 5, 6], season=1, horizon=2)
    with pytest.raises(ValueError, match="exceeds"):
        project_share([1, 2, 9, 4, 5], [5, 5, 5, 5, 5], season=1, horizon=2)
    with pytest.raises(ValueError, match="levels"):
        project_counts(weekly_poisson(0, 30), season=7, horizon=5, levels=(0.8, 1.2))
    with pytest.raises(ValueError, match="horizon"):
        project_counts(weekly_poisson(0, 30), season=7, horizon=0)


# --------------------------------------------------------------------------- crisis


def test_projection_in_the_middle_of_a_spike_continues_but_does_not_explode() -> None:
    rng = np.random.default_rng(0)
    x = np.r_[rng.poisson(100, 30), [150, 250, 400, 600]].astype(float)
    p = project_counts(x, season=1, horizon=5)
    assert p.mean[0] > 450  # starts from the spike's level, not from the old baseline
    assert np.all(np.diff(p.mean) >= -1e-9)  # continues the direction…
    assert p.mean[-1] < 1200  # …damped: linear extrapolation would say ~1,300+
    assert p.upper[0.95][-1] < 10 * 600


def test_a_single_outlier_does_not_move_the_level() -> None:
    rng = np.random.default_rng(1)
    x = np.r_[rng.poisson(100, 40), [900]].astype(float)
    p = project_counts(x, season=1, horizon=5)
    assert float(np.max(p.mean)) < 170


def bursty(seed: int, days: int, base: float = 200.0) -> np.ndarray:
    """Daily volume with a burst every two weeks that decays over a few days."""
    rng = np.random.default_rng(seed)
    lam = np.full(days, base)
    for start in range(10, days, 14):
        lam[start : start + 6] += base * 2.5 * 0.5 ** np.arange(min(6, days - start))
    return rng.poisson(lam).astype(float)


def test_after_bursts_that_decay_the_projection_reverts_to_the_baseline() -> None:
    x = bursty(3, 10 + 14 * 5 + 2)  # history ends two days into a burst
    p = project_counts(x, season=1, horizon=5)
    assert p.params["psi"] < 1.0  # the history taught that bursts fall back
    assert p.mean[-1] < p.mean[0]  # falling back …
    assert p.mean[-1] < 0.75 * x[-1]  # … towards the baseline, not stuck at the burst
    assert any("falls back" in a for a in p.assumptions)  # and says so
    flat = project_counts(weekly_poisson(3, 84), season=7, horizon=5)
    assert "psi" in flat.params


def test_recent_turbulence_widens_intervals_more_than_the_same_turbulence_long_ago() -> None:
    # The same shocks early in the history or at its end: pooled past errors are alike,
    # but the local volatility at the origin is not (locally adaptive intervals).
    ratios = []
    for seed in range(5):
        rng = np.random.default_rng(seed)
        base = rng.poisson(200, 70).astype(float)
        shocks = rng.poisson(200 * np.exp(rng.normal(0, 0.6, 20))).astype(float)
        early, late = base.copy(), base.copy()
        early[15:35] = shocks
        late[50:70] = shocks
        widths = []
        for x in (early, late):
            p = project_counts(x, season=1, horizon=5)
            widths.append(float(np.mean(np.log(p.upper[0.8] / np.maximum(p.lower[0.8], 1)))))
        ratios.append(widths[1] / widths[0])
    assert float(np.mean(ratios)) > 1.03  # about 0.94 without the local scale


def test_bursty_series_intervals_keep_their_coverage() -> None:
    results = [
        backtest_levels(bursty(seed, 98), season=1, horizon=5, min_train=42, step=1)
        for seed in range(6)
    ]
    assert 0.75 <= pooled_coverage(results, 0.8) <= 0.92


# --------------------------------------------------------------------------- backtest


def test_backtest_accounting() -> None:
    x = weekly_poisson(9, 70)
    b = backtest(x, season=7, horizon=5, level=0.8, min_train=35, step=5)
    assert b.level == 0.8 and b.horizon == 5
    assert b.n_origins == len(range(35, 70 - 5 + 1, 5))
    assert b.n_points == 5 * b.n_origins
    assert b.coverage + b.below + b.above == pytest.approx(1.0)
    assert b.coverage_by_step.shape == (5,)
    assert b.coverage == pytest.approx(float(np.mean(b.coverage_by_step)))
    assert b.mean_width > 0 and 0 < b.mape < 1 and 0 < b.mase < 3
    assert set(b.to_dict()) >= {"coverage", "coverage_by_step", "mean_width", "mape", "mase"}


def test_backtest_share_and_gaps_in_outcomes() -> None:
    rng = np.random.default_rng(4)
    n = rng.poisson(40, size=60).astype(float)
    n[50] = 0  # an outcome bucket without data is not scored
    k = rng.binomial(n.astype(int), 0.25).astype(float)
    b = backtest_share(k, n, season=7, horizon=5, level=0.8, min_train=30, step=5)
    assert b.kind == "share"
    assert b.n_points < 5 * b.n_origins
    assert 0 < b.mean_width < 1


def test_backtest_needs_enough_data() -> None:
    with pytest.raises(ValueError, match="too short"):
        backtest(weekly_poisson(0, 20), season=7, horizon=5, min_train=18, step=1)


# --------------------------------------------------------------------------- sentence


def fixed_projection(kind: str = "counts") -> Projection:
    if kind == "counts":
        mean = np.array([900.0, 1200, 1400, 1500, 1550])
        lo = {0.8: np.array([700.0, 1000, 1210, 1230, 1260])}
        hi = {0.8: np.array([1100.0, 1500, 1870, 1900, 1850])}
    else:
        mean = np.array([0.42, 0.47, 0.5, 0.52, 0.53])
        lo = {0.8: np.array([0.36, 0.40, 0.43, 0.44, 0.45])}
        hi = {0.8: np.array([0.48, 0.55, 0.58, 0.60, 0.61])}
    return Projection(
        kind="counts" if kind == "counts" else "share",
        mean=mean,
        lower=lo,
        upper=hi,
        levels=(0.8,),
        horizon=5,
        season=7,
        method="test",
        assumptions=(),
        params={},
        n_calibration=0,
    )


def test_sentence_in_vietnamese_and_english_carries_the_numbers() -> None:
    p = fixed_projection()
    vi = describe(p, measure="volume", current=600, lang="vi")
    assert vi == (
        "Nếu xu hướng này tiếp diễn 3–5 ngày, lượng thảo luận có thể lên "
        "1.200–1.900/ngày (khoảng 80 %), gấp 2–3,2 lần mức thường."
    )
    en = describe(p, measure="volume", current=600, lang="en")
    assert "3–5 days" in en and "1,200–1,900 per day" in en and "80 %" in en
    assert "2–3.2 times the usual level" in en


def test_sentence_for_a_falling_or_flat_volume_and_for_the_negative_share() -> None:
    p = fixed_projection()
    down = describe(p, measure="volume", current=4000, lang="vi", reference="now")
    assert "giảm còn" in down and "chỉ bằng 30–48 % mức hiện tại" in down
    flat = describe(p, measure="volume", current=1450, lang="en")
    assert "stay at" in flat and "against the usual level of 1,400 per day" in flat
    s = fixed_projection("share")
    vi = describe(s, measure="negative_share", current=0.38, lang="vi")
    assert "tỷ lệ tiêu cực có thể lên 43–61 %" in vi and "so với mức thường 38 %" in vi
    en = describe(s, measure="negative_share", current=0.38, lang="en")
    assert "the negative share could rise to 43–61 %" in en
    with pytest.raises(ValueError):
        describe(s, measure="volume", current=0.38)


def test_hourly_projection_is_described_per_day() -> None:
    x = np.tile(np.r_[np.full(12, 5.0), np.full(12, 20.0)], 21)
    p = project_counts(x, season=24, horizon=120)
    text = describe(p, measure="volume", current=300, lang="en", grain="hour")
    assert "3–5 days" in text and "per day" in text


def test_projection_is_deterministic_and_read_only() -> None:
    x = weekly_poisson(12, 50)
    a = project_counts(x, season=7, horizon=5)
    b = project_counts(x, season=7, horizon=5)
    np.testing.assert_array_equal(a.mean, b.mean)
    np.testing.assert_array_equal(a.upper[0.95], b.upper[0.95])
    with pytest.raises(ValueError):
        a.mean[0] = 1.0


def test_a_flat_series_is_described_with_one_number() -> None:
    p = project_counts(np.full(40, 73.0), season=7, horizon=5)
    vi = describe(p, measure="volume", current=73, lang="vi")
    assert "ở mức 73/ngày" in vi and "73–73" not in vi
    assert "73–73" not in describe(p, measure="volume", current=73, lang="en")
