"""The NAB scorer: hand-computed cases, and every published S(t) column reproduced."""

import math

import numpy as np
import pytest

from tests.nlp.shared_data import DATA
from tinhieu.signals import nab

NAB = DATA / "nab"
STD = nab.CostMatrix(tp=1.0, fp=0.11, fn=1.0)


def _series(n: int, windows: list[tuple[int, int]]) -> nab.Series:
    ts = np.datetime64("2015-01-01T00:00:00") + np.arange(n) * np.timedelta64(300, "s")
    return nab.Series(
        "x/y.csv",
        ts.astype("datetime64[s]"),
        np.zeros(n),
        tuple((ts[i], ts[j]) for i, j in windows),
    )


def test_probation_is_15_percent_capped_at_750_rows() -> None:
    assert nab.probation_length(1000) == 150
    assert nab.probation_length(100_000) == 750


def test_row_scores_follow_the_scaled_sigmoid() -> None:
    s = _series(1000, [(400, 499)])
    r = nab.row_scores(s, STD)
    assert r[0] == pytest.approx(-0.11)  # before any window
    assert r[400] == pytest.approx(1.0)  # the window's first row earns the full reward
    sig = lambda x: 2 / (1 + math.exp(5 * x)) - 1  # noqa: E731
    assert r[499] == pytest.approx(sig(-1 / 100) / sig(-1))
    assert r[450] > r[480] > 0  # earlier is better
    assert -0.11 < r[500] < 0  # just after a window: a small cost
    assert r[550] == pytest.approx(0.11 * sig(51 / 99))
    assert r[999] == pytest.approx(-0.11)  # more than 3 window-lengths past: full cost


def test_score_counts_the_earliest_detection_once_per_window() -> None:
    s = _series(1000, [(400, 499), (700, 799)])
    scores = np.zeros(1000)
    scores[[420, 430, 460]] = 1.0  # three hits in window 1, window 2 missed
    fs = nab.score_file(s, scores, 0.5, STD)
    r = nab.row_scores(s, STD)
    assert fs.raw == pytest.approx(r[420] - 1.0)
    assert (fs.tp, fs.fp, fs.fn, fs.windows) == (3, 0, 1, 2)


def test_false_positives_cost_and_probation_is_ignored() -> None:
    s = _series(1000, [(400, 499)])
    scores = np.zeros(1000)
    scores[10] = 1.0  # in the probationary period (150 rows): ignored
    scores[300] = 1.0  # before the window: −0.11
    scores[400] = 1.0
    fs = nab.score_file(s, scores, 0.5, STD)
    assert fs.raw == pytest.approx(1.0 - 0.11)
    assert fs.fp == 1


def test_null_and_perfect_bound_the_normalised_scale() -> None:
    s = _series(1000, [(400, 499), (700, 799)])
    null, perfect = nab.null_score(s, STD), nab.perfect_score(s, STD)
    assert (null, perfect) == (pytest.approx(-2.0), pytest.approx(2.0))
    assert nab.normalise(null, null, perfect) == 0
    assert nab.normalise(perfect, null, perfect) == 100


def test_a_window_that_does_not_match_a_row_is_an_error() -> None:
    s = _series(100, [])
    bad = nab.Series(s.name, s.timestamps, s.values, ((np.datetime64("2020-01-01T00:00:00"),) * 2,))
    with pytest.raises(ValueError, match="does not match"):
        nab.row_scores(bad, STD)


needs_nab = pytest.mark.skipif(
    not (NAB / "results").is_dir(), reason=f"NAB data not found at {NAB}"
)


@needs_nab
@pytest.mark.parametrize("detector", nab.PUBLISHED)
def test_every_published_st_column_is_reproduced(detector: str) -> None:
    corpus = nab.load_corpus(NAB)
    profiles = nab.load_profiles(NAB)
    assert nab.reproduction_error(NAB, detector, corpus, profiles) < 1e-9


@needs_nab
def test_contributions_sum_to_the_file_score_and_match_published_rows() -> None:
    corpus = nab.load_corpus(NAB)
    th = nab.load_thresholds(NAB)["numenta"]["standard"]
    s = corpus[0]
    res = nab.load_result(NAB, "numenta", s)
    c = nab.contributions(s, res.anomaly_scores, th, STD)
    assert np.allclose(c, res.row_scores["standard"], atol=1e-9)
    assert nab.score_file(s, res.anomaly_scores, th, STD).raw == pytest.approx(c.sum())


@needs_nab
def test_benchmark_table_ranks_all_detectors_with_ours() -> None:
    rows = nab.benchmark_table(NAB)
    names = [r.detector for r in rows]
    assert set(names) == {nab.OURS, *nab.PUBLISHED}
    std = [r.scores["standard"].score for r in rows]
    assert std == sorted(std, reverse=True)
    by = {r.detector: r for r in rows}
    assert by["null"].scores["standard"].score == pytest.approx(0.0)
    # ours must beat doing nothing and the simplest published baseline
    assert by[nab.OURS].scores["standard"].score > by["windowedGaussian"].scores["standard"].score
