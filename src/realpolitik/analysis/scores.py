"""Scores of forecasts against outcomes, with intervals.

Point forecasts (positions on a 0–100 scale):

* MAE, RMSE and the hit rate (share of forecasts within ``tolerance`` = 10 points);
* for each model, the paired difference from a reference model (the compromise model) in
  each score, with a 95% bootstrap interval: the same resampled cases for both models, so the
  interval reflects how much the two differ case by case, not how hard the cases are. With
  ``clusters`` (e.g. DEU proposals) whole clusters are resampled, because issues of one
  proposal are not independent. The interval is the percentile interval of
  :func:`scipy.stats.bootstrap` (``paired=True``) from one seeded Generator.
* the minimum detectable effect (MDE) of the MAE difference: ``(z₀.₉₇₅ + z₀.₈) × SE``, with
  SE the bootstrap standard error of the difference — the true difference a two-sided 5%
  test would detect with 80% power on cases like these.

Probabilities of a deal (outcome 1 = deal, 0 = none):

* the Brier score ``mean((p − y)²)`` and the log score ``mean(−ln p(y))`` with ``p``
  clipped to ``[LOG_EPS, 1 − LOG_EPS]`` (so a certain forecast that fails costs
  ``−ln 0.001 ≈ 6.9`` rather than infinity); lower is better for both;
* a calibration table (cases binned by forecast; observed share with a Wilson interval);
* baselines: always "no deal" (p = 0), always "deal" (p = 1), the case set's base rate
  (in-sample, so it flatters itself), and a coin (p = 0.5).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

TOLERANCE = 10.0
LOG_EPS = 1e-3
Z_ALPHA = 1.959963984540054  # two-sided 5%
Z_POWER = 0.8416212335729143  # 80% power
N_RESAMPLES = 9999


# --- point forecasts ---------------------------------------------------------------------


def point_scores(forecast: np.ndarray, outcome: np.ndarray,
                 tolerance: float = TOLERANCE) -> dict[str, float]:
    """MAE, RMSE and hit rate over the cases where forecast and outcome are both finite,
    and their count ``n`` (NaN scores when there are none)."""
    f, o = np.asarray(forecast, float), np.asarray(outcome, float)
    ok = np.isfinite(f) & np.isfinite(o)
    n = int(ok.sum())
    if not n:
        return {"mae": math.nan, "rmse": math.nan, "hit": math.nan, "n": 0}
    err = np.abs(f[ok] - o[ok])
    return {"mae": float(err.mean()), "rmse": float(np.sqrt((err**2).mean())),
            "hit": float((err <= tolerance).mean()), "n": n}


def _cluster_sums(values: np.ndarray, clusters: Sequence[Any] | None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Per-cluster sums of each row of ``values[k, n]`` and the cluster sizes."""
    if clusters is None:
        return values, np.ones(values.shape[1])
    _, inv = np.unique(np.asarray(clusters, dtype=object).astype(str), return_inverse=True)
    sums = np.zeros((values.shape[0], inv.max() + 1))
    for k in range(values.shape[0]):
        np.add.at(sums[k], inv, values[k])
    return sums, np.bincount(inv).astype(float)


def paired_difference(forecast: np.ndarray, reference: np.ndarray, outcome: np.ndarray, *,
                      clusters: Sequence[Any] | None = None, tolerance: float = TOLERANCE,
                      n_resamples: int = N_RESAMPLES, seed: int = 0,
                      confidence: float = 0.95) -> dict[str, float]:
    """Differences ``forecast − reference`` in MAE, RMSE and hit rate on the cases both
    forecast, each with a paired bootstrap interval (``d_mae``, ``d_mae_lo``, ``d_mae_hi``,
    …), the bootstrap standard error of the MAE difference and its MDE (module docstring).
    A negative ``d_mae`` means ``forecast`` is the more accurate."""
    from scipy import stats

    f, r, o = (np.asarray(x, float) for x in (forecast, reference, outcome))
    ok = np.isfinite(f) & np.isfinite(r) & np.isfinite(o)
    n = int(ok.sum())
    out: dict[str, float] = {"n_paired": n}
    keys = ("d_mae", "d_rmse", "d_hit")
    if n < 2:
        for k in keys:
            out.update({k: math.nan, f"{k}_lo": math.nan, f"{k}_hi": math.nan})
        out.update({"se_mae": math.nan, "mde_mae": math.nan})
        return out
    ea, eb = np.abs(f[ok] - o[ok]), np.abs(r[ok] - o[ok])
    values = np.vstack([ea, eb, ea**2, eb**2, ea <= tolerance, eb <= tolerance])
    sums, size = _cluster_sums(values, None if clusters is None
                               else np.asarray(clusters, dtype=object)[ok])

    def statistic(a, b, a2, b2, ha, hb, c, axis=-1):
        m = c.sum(axis=axis)
        return np.stack([
            (a.sum(axis=axis) - b.sum(axis=axis)) / m,
            np.sqrt(a2.sum(axis=axis) / m) - np.sqrt(b2.sum(axis=axis) / m),
            (ha.sum(axis=axis) - hb.sum(axis=axis)) / m,
        ])

    point = statistic(*sums, size)
    if sums.shape[1] < 2:  # one cluster: nothing to resample
        lo = hi = np.full(3, np.nan)
        se = math.nan
    else:
        res = stats.bootstrap((*sums, size), statistic, paired=True, vectorized=True,
                              n_resamples=n_resamples, confidence_level=confidence,
                              method="percentile", random_state=np.random.default_rng(seed))
        lo, hi = res.confidence_interval.low, res.confidence_interval.high
        se = float(res.standard_error[0])
    for j, k in enumerate(keys):
        out.update({k: float(point[j]), f"{k}_lo": float(lo[j]), f"{k}_hi": float(hi[j])})
    out.update({"se_mae": se, "mde_mae": (Z_ALPHA + Z_POWER) * se})
    return out


def compare(forecasts: Mapping[str, np.ndarray], outcome: np.ndarray, reference: str, *,
            clusters: Sequence[Any] | None = None, tolerance: float = TOLERANCE,
            n_resamples: int = N_RESAMPLES, seed: int = 0) -> list[dict[str, Any]]:
    """One row per model: its scores and its paired difference from ``reference`` (one of
    ``forecasts``). Every comparison resamples with the same seed."""
    base = np.asarray(forecasts[reference], float)
    rows = []
    for name, f in forecasts.items():
        row: dict[str, Any] = {"model": name, **point_scores(f, outcome, tolerance)}
        row.update(paired_difference(f, base, outcome, clusters=clusters,
                                     tolerance=tolerance, n_resamples=n_resamples,
                                     seed=seed))
        rows.append(row)
    return rows


# --- probabilities of a deal -------------------------------------------------------------


def _probabilities(p: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p, y = np.asarray(p, float), np.asarray(y, float)
    if p.shape != y.shape:
        raise ValueError(f"{p.shape} probabilities for {y.shape} outcomes")
    if not (np.all((p >= 0) & (p <= 1)) and np.all((y == 0) | (y == 1))):
        raise ValueError("probabilities must lie in [0, 1] and outcomes be 0 or 1")
    return p, y


def brier(p: np.ndarray, y: np.ndarray) -> float:
    """Mean squared difference between the probability of a deal and the outcome."""
    p, y = _probabilities(p, y)
    return float(np.mean((p - y) ** 2)) if p.size else math.nan


def log_score(p: np.ndarray, y: np.ndarray, eps: float = LOG_EPS) -> float:
    """Mean negative natural log of the probability given to what happened, with ``p``
    clipped to ``[eps, 1 − eps]``."""
    p, y = _probabilities(p, y)
    if not p.size:
        return math.nan
    q = np.clip(p, eps, 1 - eps)
    return float(np.mean(-np.log(np.where(y == 1, q, 1 - q))))


def baselines(y: np.ndarray) -> dict[str, np.ndarray]:
    """The reference forecasts for a case set with outcomes ``y``."""
    y = np.asarray(y, float)
    rate = float(y.mean()) if y.size else 0.5
    return {"always no deal": np.zeros_like(y), "always deal": np.ones_like(y),
            "base rate": np.full_like(y, rate), "coin": np.full_like(y, 0.5)}


def calibration(p: np.ndarray, y: np.ndarray, bins: int = 5) -> list[dict[str, Any]]:
    """Cases binned by forecast into ``bins`` equal-width bins of [0, 1] (the last closed):
    per non-empty bin the count, the mean forecast, the observed share of deals and its
    95% Wilson interval."""
    from scipy import stats

    p, y = _probabilities(p, y)
    k = np.minimum((p * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        sel = k == b
        n = int(sel.sum())
        if not n:
            continue
        deals = int(y[sel].sum())
        ci = stats.binomtest(deals, n).proportion_ci(0.95, method="wilson")
        rows.append({"bin": f"{b / bins:.1f}–{(b + 1) / bins:.1f}", "n": n,
                     "mean_p": float(p[sel].mean()), "observed": deals / n,
                     "observed_lo": float(ci.low), "observed_hi": float(ci.high)})
    return rows


def probability_scores(p: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """Brier and log score of ``p``, the same for each baseline, and the calibration
    table."""
    p, y = _probabilities(p, y)
    return {
        "brier": brier(p, y), "log": log_score(p, y),
        "baselines": {name: {"brier": brier(b, y), "log": log_score(b, y)}
                      for name, b in baselines(y).items()},
        "calibration": calibration(p, y),
    }
