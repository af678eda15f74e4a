"""The probabilistic Condorcet election (PCE) over the actors' stated positions.

Source: the PCE of KTAB's Spatial Model of Politics (B. Wise, KAPSARC Toolkit for
Behavioral Analysis; specified in ``docs/model-smp.md``, §3.4 of the SMP specification),
used here on its own, once, without SMP's challenge rounds: on each issue the options are
the positions the actors state, every actor votes between every pair of options, and the
forecast is the **expected winning position** Σ_a P_a·x_a.

On an issue with scale width W, voter k with weight w_k and risk-neutral utility
u_k(x) = 1 − |x − x_k| / W votes g = w_k·(u_k(x_a) − u_k(x_b)) between options a and b
(``Prop``). Coalition strengths C[a][b] = 1e-8 + Σ_k max(g, 0); pairwise victory
probabilities V[a][b] = C[a][b] / (C[a][b] + C[b][a]) (``Linear``; ``Square`` squares the
strengths first), V[a][a] = ½; and (``Conditional``) P_a ∝ Π_b V[a][b].

Interpretive choices (each with the parameter that selects the alternative):

* ``weight="capability-salience"`` (default): a voter's weight is capability × salience on
  the issue, as in the compromise model, because the election is held issue by issue;
  ``capability``: capability alone, as in SMP's risk PCE (§4.1).
* Equal positions are separate options (not merged), as in §4.1: a position many actors
  state gathers more probability.
* Actors without a stance, or with weight 0, are neither options nor voters.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from ..scenario import Batch, Scenario
from .base import Model, Params, Result, single_round_result

FLOOR = 1e-8  # the coalition strength every option starts with (§3.4)
CHUNK = 4_000_000  # draws × options² × voters per vectorised step


class PceParams(Params):
    weight: Literal["capability-salience", "capability"] = Field(
        "capability-salience", description="a voter's weight: capability × salience on "
        "the issue, or capability alone")
    victory: Literal["Linear", "Square"] = Field(
        "Linear", description="victory probability from coalition strengths: "
        "proportional (Linear) or to their squares (Square)")


def win_probabilities(x: np.ndarray, w: np.ndarray, width: float, victory: str
                      ) -> np.ndarray:
    """P[B, A] that each actor's position wins, from positions and weights ``[B, A]`` of
    one issue (weight 0: no part)."""
    take = (w > 0) & np.isfinite(x)
    xs = np.where(take, x, 0.0)
    ws = np.where(take, w, 0.0)
    n_b, n_a = xs.shape
    out = np.empty((n_b, n_a))
    step = max(1, CHUNK // max(1, n_a**3))
    for s in range(0, n_b, step):
        xb, wb, tb = xs[s:s + step], ws[s:s + step], take[s:s + step]
        # u[b, k, a]: voter k's utility of option a
        u = 1.0 - np.abs(xb[:, None, :] - xb[:, :, None]) / width
        g = wb[:, :, None, None] * (u[:, :, :, None] - u[:, :, None, :])  # [b, k, a, c]
        c = FLOOR + np.clip(g, 0.0, None).sum(axis=1)  # C[a][c]
        if victory == "Square":
            c = c * c
        v = c / (c + np.swapaxes(c, 1, 2))
        idx = np.arange(n_a)
        v[:, idx, idx] = 0.5
        # options without a stance do not take part: a factor 1 against them
        v = np.where(tb[:, None, :], v, 1.0)
        pi = np.where(tb, np.prod(v, axis=2), 0.0)
        total = pi.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[s:s + step] = np.where(tb & (total > 0), pi / total, np.nan)
    return out


def _forecast(batch: Batch, p: PceParams) -> tuple[np.ndarray, np.ndarray]:
    n_b, n_a, n_i = batch.position.shape
    cap = np.broadcast_to(batch.capability[:, :, None], (n_b, n_a, n_i))
    w = cap * batch.salience if p.weight == "capability-salience" else \
        np.where(batch.salience > 0, cap, 0.0)
    probs = np.full((n_b, n_a, n_i), np.nan)
    for i in range(n_i):
        width = float(batch.scale_max[i] - batch.scale_min[i]) or 1.0
        probs[:, :, i] = win_probabilities(batch.position[:, :, i], w[:, :, i], width,
                                           p.victory)
    known = np.isfinite(probs)
    x = np.where(known, np.nan_to_num(batch.position), 0.0)
    out = np.where(known.any(axis=1), (np.where(known, probs, 0.0) * x).sum(axis=1), np.nan)
    return out, probs


def _batch_kernel(batch: Batch, p: PceParams, rng: np.random.Generator) -> np.ndarray:
    return _forecast(batch, p)[0]


def _run(scenario: Scenario, p: PceParams, rng: np.random.Generator) -> Result:
    out, probs = _forecast(scenario.batch(), p)
    result = single_round_result("pce", scenario, out[0], p)
    for i, issue in enumerate(scenario.issues):
        win = {a: round(float(probs[0, k, i]), 6)
               for k, a in enumerate(scenario.actor_ids) if np.isfinite(probs[0, k, i])}
        result.issue_fields[issue.id] = {"win_probabilities": win}
    return result


MODEL = Model(
    name="pce",
    summary="probabilistic Condorcet election over the stated positions (KTAB): the "
            "expected winning position",
    params=PceParams,
    run_kernel=_run,
    batch_kernel=_batch_kernel,
    order=6,
)
run, forecast_batch = MODEL.run, MODEL.forecast_batch
