"""The Numenta Anomaly Benchmark (NAB) scorer, written from the paper.

Lavin & Ahmad, "Evaluating Real-time Anomaly Detection Algorithms — the Numenta Anomaly
Benchmark" (arXiv:1510.03336). Each labelled anomaly *window* rewards the earliest
detection inside it, by a scaled sigmoid of its position (1 at the window's start, near 0
at its end); a window with no detection costs ``fnWeight``; a detection outside every
window costs ``fpWeight`` times a sigmoid of its distance past the previous window (−1
when no window precedes it, rising towards 0 just after a window). Rows of the
*probationary period* (the first 15 % of a file, at most 750 rows) are not scored: a
detector needs that long to learn.

The per-row value ``S(t)`` — what a detection at that row would be worth — is what the
published result files carry in their ``S(t)_<profile>`` columns; :func:`row_scores`
reproduces them (tests compare every row). :func:`score_file` sums a detector's
detections (rows whose anomaly score ≥ the threshold) into its raw score, and
:func:`normalise` maps a raw total onto NAB's 0–100 scale: 0 is the null detector (no
detections: every window a miss), 100 a detection at the start of every window.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

PROFILES: Final[tuple[str, ...]] = ("standard", "reward_low_FP_rate", "reward_low_FN_rate")
PROBATION_PERCENT: Final = 0.15
#: The detectors whose published results ship with the NAB data, in table order.
PUBLISHED: Final[tuple[str, ...]] = (
    "ARTime",
    "numenta",
    "twitterADVec",
    "knncad",
    "randomCutForest",
    "windowedGaussian",
    "null",
)


@dataclass(frozen=True, slots=True)
class CostMatrix:
    tp: float = 1.0
    fp: float = 0.11
    fn: float = 1.0
    tn: float = 1.0


@dataclass(frozen=True, slots=True)
class Series:
    """One NAB data file: its name relative to ``data/`` and its rows."""

    name: str  # e.g. "realTweets/Twitter_volume_AAPL.csv"
    timestamps: npt.NDArray[np.datetime64]
    values: F64
    windows: tuple[tuple[np.datetime64, np.datetime64], ...]

    @property
    def label(self) -> npt.NDArray[np.bool_]:
        """True inside a labelled window."""
        out = np.zeros(len(self.timestamps), bool)
        for i, j in window_indices(self):
            out[i : j + 1] = True
        return out


@dataclass(frozen=True, slots=True)
class FileScore:
    raw: float
    tp: int  # detections inside windows
    fp: int  # detections outside windows
    fn: int  # windows without a detection
    windows: int  # windows scored


def probation_length(n: int) -> int:
    """NAB's probationary period: 15 % of the file, at most 15 % of 5,000 rows."""
    return int(min(math.floor(PROBATION_PERCENT * n), PROBATION_PERCENT * 5000))


def scaled_sigmoid(position: F64) -> F64:
    """2·σ(−5x) − 1, and −1 for points more than three window-lengths past a window."""
    with np.errstate(over="ignore"):
        val = 2.0 / (1.0 + np.exp(5.0 * position)) - 1.0
    return np.where(position > 3.0, -1.0, val)


def window_indices(series: Series) -> list[tuple[int, int]]:
    """Row indices (first, last; inclusive) of each window; windows are given by the
    timestamps of their first and last rows, which the files contain exactly."""
    ts = series.timestamps
    out = []
    for start, end in series.windows:
        i = int(np.searchsorted(ts, start))
        j = int(np.searchsorted(ts, end))
        if i >= len(ts) or ts[i] != start or j >= len(ts) or ts[j] != end:
            raise ValueError(f"{series.name}: window {start}–{end} does not match a row")
        out.append((i, j))
    return out


def row_scores(series: Series, cost: CostMatrix) -> F64:
    """``S(t)``: the weighted score a detection at each row would earn (NAB's sweep score).

    Inside a window of width w ending at row r, row i sits at −(r − i + 1)/w and earns
    ``tp · sigmoid(pos) / sigmoid(−1)``; outside, row i sits (i − r_prev)/(w_prev − 1)
    past the previous window and earns ``fp · sigmoid(pos)``, or ``−fp`` before any window.
    """
    n = len(series.timestamps)
    out = np.full(n, -1.0 * cost.fp)
    max_tp = float(scaled_sigmoid(np.array([-1.0]))[0])
    idx = np.arange(n, dtype=np.float64)
    bounds = window_indices(series)
    for k, (i, j) in enumerate(bounds):
        width = float(j - i + 1)
        pos = -(j - idx[i : j + 1] + 1) / width
        out[i : j + 1] = scaled_sigmoid(pos) * cost.tp / max_tp
        stop = bounds[k + 1][0] if k + 1 < len(bounds) else n
        if stop > j + 1:
            past = np.abs(j - idx[j + 1 : stop]) / (width - 1.0)
            out[j + 1 : stop] = scaled_sigmoid(past) * cost.fp
    return out


def contributions(series: Series, anomaly_scores: F64, threshold: float, cost: CostMatrix) -> F64:
    """Each row's contribution to a detector's raw score at ``threshold``.

    This is the other form of the published ``S(t)`` columns (the files written by NAB's
    earlier scorer): the earliest detection in each window earns its ``S(t)`` and a
    window without one costs ``fn``, both booked on the window's first scored row;
    every detection outside the windows adds its own (negative) ``S(t)``; everything else
    is 0. Rows in the probationary period are ignored, and so are windows lying entirely
    inside it. The sum of the column is the file's raw score.
    """
    n = len(series.timestamps)
    if len(anomaly_scores) != n:
        raise ValueError(f"{series.name}: {len(anomaly_scores)} scores for {n} rows")
    s = row_scores(series, cost)
    start = probation_length(n)
    detected = np.asarray(anomaly_scores, dtype=np.float64) >= threshold
    detected[:start] = False
    out = np.zeros(n)
    inside = np.zeros(n, bool)
    for i, j in window_indices(series):
        inside[i : j + 1] = True
        lo = max(i, start)
        if lo > j:
            continue
        hits = np.flatnonzero(detected[lo : j + 1])
        out[lo] = s[lo + hits[0]] if len(hits) else -cost.fn
    false = detected & ~inside
    out[false] = s[false]
    return out


def score_file(
    series: Series, anomaly_scores: F64, threshold: float, cost: CostMatrix
) -> FileScore:
    """Raw NAB score of one file (the sum of :func:`contributions`) and its counts."""
    c = contributions(series, anomaly_scores, threshold, cost)
    n = len(series.timestamps)
    start = probation_length(n)
    detected = np.asarray(anomaly_scores, dtype=np.float64) >= threshold
    detected[:start] = False
    tp = fn = scored = 0
    inside = np.zeros(n, bool)
    for i, j in window_indices(series):
        inside[i : j + 1] = True
        lo = max(i, start)
        if lo > j:
            continue
        scored += 1
        hits = int(detected[lo : j + 1].sum())
        tp += hits
        fn += hits == 0
    fp = int((detected & ~inside).sum())
    return FileScore(raw=float(c.sum()), tp=tp, fp=fp, fn=fn, windows=scored)


def null_score(series: Series, cost: CostMatrix) -> float:
    """The null detector's raw score: every scored window missed."""
    return score_file(series, np.zeros(len(series.timestamps)), 1.0, cost).raw


def perfect_score(series: Series, cost: CostMatrix) -> float:
    """A detection on the first scored row of every window and nowhere else."""
    n = len(series.timestamps)
    scores = np.zeros(n)
    start = probation_length(n)
    for i, j in window_indices(series):
        if max(i, start) <= j:
            scores[max(i, start)] = 1.0
    return score_file(series, scores, 1.0, cost).raw


def normalise(raw: float, null: float, perfect: float) -> float:
    """NAB's final score: 100 · (raw − null) / (perfect − null)."""
    return 100.0 * (raw - null) / (perfect - null)


# --- the data set on disk -------------------------------------------------------------


def _ts(text: str) -> np.datetime64:
    return np.datetime64(text.strip().replace(" ", "T"), "s")


def load_profiles(data_dir: Path) -> dict[str, CostMatrix]:
    raw = json.loads((data_dir / "config" / "profiles.json").read_text())
    out = {}
    for name, spec in raw.items():
        m = spec["CostMatrix"]
        out[name] = CostMatrix(m["tpWeight"], m["fpWeight"], m["fnWeight"], m["tnWeight"])
    return out


def load_thresholds(data_dir: Path) -> dict[str, dict[str, float]]:
    """Each published detector's threshold per profile (optimised by NAB over its
    whole corpus)."""
    raw = json.loads((data_dir / "config" / "thresholds.json").read_text())
    return {det: {p: float(v["threshold"]) for p, v in prof.items()} for det, prof in raw.items()}


def load_corpus(data_dir: Path, subset: str = "realTweets") -> list[Series]:
    """The data files of ``subset`` with their labelled windows."""
    windows = json.loads((data_dir / "labels" / "combined_windows.json").read_text())
    out = []
    for path in sorted((data_dir / "data" / subset).glob("*.csv")):
        name = f"{subset}/{path.name}"
        ts, vals = [], []
        with path.open(newline="") as fh:
            for row in csv.DictReader(fh):
                ts.append(_ts(row["timestamp"]))
                vals.append(float(row["value"]))
        wins = tuple((_ts(a), _ts(b)) for a, b in windows.get(name, []))
        out.append(Series(name, np.array(ts, dtype="datetime64[s]"), np.array(vals), wins))
    if not out:
        raise FileNotFoundError(f"no NAB series under {data_dir / 'data' / subset}")
    return out


@dataclass(frozen=True, slots=True)
class PublishedResult:
    anomaly_scores: F64
    row_scores: dict[str, F64]  # profile -> the file's S(t) column


def load_result(data_dir: Path, detector: str, series: Series) -> PublishedResult:
    """A published detector's output for one series (``results/<det>/<subset>/…``)."""
    subset, fname = series.name.split("/", 1)
    path = data_dir / "results" / detector / subset / f"{detector}_{fname}"
    scores: list[float] = []
    cols: dict[str, list[float]] = {p: [] for p in PROFILES}
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            scores.append(float(row["anomaly_score"]))
            for p in PROFILES:
                cols[p].append(float(row.get(f"S(t)_{p}") or "nan"))
    if len(scores) != len(series.timestamps):
        raise ValueError(f"{path}: {len(scores)} rows, the data file has {len(series.timestamps)}")
    return PublishedResult(np.array(scores), {p: np.array(v) for p, v in cols.items()})


@dataclass(frozen=True, slots=True)
class CorpusScore:
    detector: str
    profile: str
    threshold: float
    raw: float
    null: float
    perfect: float
    tp: int
    fp: int
    fn: int

    @property
    def score(self) -> float:
        return normalise(self.raw, self.null, self.perfect)


def score_corpus(
    corpus: Sequence[Series],
    scores: Sequence[F64],
    threshold: float,
    cost: CostMatrix,
    *,
    detector: str,
    profile: str,
) -> CorpusScore:
    """One detector's normalised score over ``corpus`` at one threshold."""
    raw = null = perfect = 0.0
    tp = fp = fn = 0
    for series, sc in zip(corpus, scores, strict=True):
        fs = score_file(series, sc, threshold, cost)
        raw += fs.raw
        tp, fp, fn = tp + fs.tp, fp + fs.fp, fn + fs.fn
        null += null_score(series, cost)
        perfect += perfect_score(series, cost)
    return CorpusScore(detector, profile, threshold, raw, null, perfect, tp, fp, fn)


# --- the benchmark table ----------------------------------------------------------------

OURS: Final = "tinhieu"


@dataclass(frozen=True, slots=True)
class TableRow:
    detector: str
    threshold: float
    scores: dict[str, CorpusScore]  # profile -> score
    #: Largest |difference| between our S(t) and the published columns (None for ours).
    st_error: float | None


def reproduction_error(
    data_dir: Path, detector: str, corpus: Sequence[Series], profiles: dict[str, CostMatrix]
) -> float:
    """How far our ``S(t)`` is from a published detector's columns, in either of the two
    forms NAB's scorers wrote (per-row sweep score, or per-row contribution at the
    detector's threshold). 0 (to rounding) means the scorer reproduces them."""
    thresholds = load_thresholds(data_dir).get(detector, {})
    worst = 0.0
    for series in corpus:
        res = load_result(data_dir, detector, series)
        for p, cost in profiles.items():
            pub = res.row_scores[p]
            sweep = float(np.nanmax(np.abs(row_scores(series, cost) - pub)))
            err = sweep
            if p in thresholds:
                contrib = contributions(series, res.anomaly_scores, thresholds[p], cost)
                err = min(err, float(np.nanmax(np.abs(contrib - pub))))
            worst = max(worst, err)
    return worst


def benchmark_table(data_dir: Path, subset: str = "realTweets") -> list[TableRow]:
    """tinhieu's detector next to every published detector, all scored here, best first.

    Published detectors use the thresholds NAB optimised for them (``config/
    thresholds.json``). tinhieu's detector alerts or stays silent (scores 1.0 or 0), so
    its threshold is not a parameter: any value in (0, 1] gives the same detections.
    Nothing about the labels reaches the detector.
    """
    from tinhieu.signals.detectors import nab_scores

    corpus = load_corpus(data_dir, subset)
    profiles = {p: c for p, c in load_profiles(data_dir).items() if p in PROFILES}
    thresholds = load_thresholds(data_dir)
    rows = []
    ours = [nab_scores(s.values) for s in corpus]
    rows.append(
        TableRow(
            OURS,
            0.5,
            {
                p: score_corpus(corpus, ours, 0.5, c, detector=OURS, profile=p)
                for p, c in profiles.items()
            },
            None,
        )
    )
    for det in PUBLISHED:
        if not (data_dir / "results" / det / subset).is_dir():
            continue
        scores = [load_result(data_dir, det, s).anomaly_scores for s in corpus]
        per = {
            p: score_corpus(corpus, scores, thresholds[det][p], c, detector=det, profile=p)
            for p, c in profiles.items()
        }
        err = reproduction_error(data_dir, det, corpus, profiles)
        rows.append(TableRow(det, thresholds[det]["standard"], per, err))
    rows.sort(key=lambda r: -r.scores["standard"].score)
    return rows
