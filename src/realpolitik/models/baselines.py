"""Baseline forecasts: the compromise (weighted mean), the plain mean, the weighted median
and the status quo.

Sources: the compromise model is the capability × salience weighted mean of positions
(van den Bos 1991; Achen 2006, "Evaluating political decision-making models", in *The
European Union Decides*); the weighted median is Black's median voter with each actor's
vote weighted by capability × salience (Black 1948; Bueno de Mesquita 1994).

Interpretive choices:

* Actors without a stance on an issue (salience 0) take no part in any baseline there.
* ``median``: the weighted median restricted to actors' positions, i.e. a minimiser of
  Σ w_k |x_k − p|. Where the weight splits exactly in half between two positions, the
  lower position is returned (the same rule for every draw of a batch).
* ``mean``: the unweighted mean of the positions of actors with salience > 0.
* ``status-quo``: the issue's status quo, or NaN where the scenario gives none.
"""

from __future__ import annotations

import numpy as np

from ..scenario import Batch, Scenario
from .base import Model, NoParams, Result, single_round_result, weights


def compromise_batch(batch: Batch, params: NoParams | None = None,
                     rng: np.random.Generator | None = None) -> np.ndarray:
    w = weights(batch)
    x = np.where(w > 0, batch.position, 0.0)
    total = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (w * x).sum(axis=1) / total, np.nan)


def mean_batch(batch: Batch, params: NoParams | None = None,
               rng: np.random.Generator | None = None) -> np.ndarray:
    taking_part = batch.salience > 0
    x = np.where(taking_part, batch.position, 0.0)
    count = taking_part.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, x.sum(axis=1) / count, np.nan)


def weighted_median(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Lower weighted median along axis 1 of ``[B, A, I]`` arrays → ``[B, I]``.

    Entries with weight 0 (or a NaN position) take no part.
    """
    w = np.where(np.isnan(position), 0.0, weight)
    x = np.where(w > 0, position, np.inf)
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    cum = np.cumsum(np.take_along_axis(w, order, axis=1), axis=1)
    total = cum[:, -1:, :]
    # first sorted position whose cumulative weight reaches half the total
    k = np.argmax(cum * 2 >= total, axis=1)
    out = np.take_along_axis(xs, k[:, None, :], axis=1)[:, 0, :]
    return np.where(total[:, 0, :] > 0, out, np.nan)


def median_batch(batch: Batch, params: NoParams | None = None,
                 rng: np.random.Generator | None = None) -> np.ndarray:
    return weighted_median(batch.position, weights(batch))


def status_quo_batch(batch: Batch, params: NoParams | None = None,
                     rng: np.random.Generator | None = None) -> np.ndarray:
    return np.broadcast_to(batch.status_quo, (batch.size, batch.status_quo.shape[0])).copy()


def _runner(name: str, kernel):
    def run(scenario: Scenario, params: NoParams, rng: np.random.Generator) -> Result:
        return single_round_result(name, scenario, kernel(scenario.batch(), params, rng)[0],
                                   params)

    run.__name__ = f"run_{name.replace('-', '_')}"
    run.__doc__ = f"Forecast every issue of ``scenario`` with the {name} baseline."
    return run


_SPECS = [
    ("compromise", "capability × salience weighted mean of positions", compromise_batch, 1),
    ("mean", "unweighted mean of the positions of actors who care", mean_batch, 2),
    ("median", "capability × salience weighted median position", median_batch, 3),
    ("status-quo", "the issue's status quo (no change)", status_quo_batch, 4),
]

MODELS = {
    name: Model(
        name=name, summary=summary, params=NoParams, run_kernel=_runner(name, kernel),
        batch_kernel=kernel, order=order,
    )
    for name, summary, kernel, order in _SPECS
}
