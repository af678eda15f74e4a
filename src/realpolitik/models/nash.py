"""The asymmetric Nash bargaining solution, issue by issue.

Sources: J. Nash (1950), "The bargaining problem", *Econometrica* 18(2); the asymmetric
(weighted) form of E. Kalai (1977), "Nonsymmetric Nash solutions and replications of
2-person bargaining", *International Journal of Game Theory* 6(3); its use as a forecasting
model of EU legislative bargaining in C. Achen (2006), "Evaluating political
decision-making models", in Thomson et al. (eds), *The European Union Decides*.

On each issue the forecast is the outcome x that maximises

    Π_k (u_k(x) − u_k(d))^(w_k)        over the x every actor prefers to d,

where w_k is actor k's bargaining power (capability × salience, as in the compromise
model), u_k a single-peaked utility with its peak at k's position, and d the disagreement
point. The logarithm of the product is concave there, so the maximiser is unique; it is
found by bisection on the derivative (60 halvings, all draws and issues at once).

Interpretive choices (each with the parameter that selects the alternative):

* ``utility="quadratic"`` (default): u_k(x) = −(x − x_k)², as in Achen (2006); ``linear``:
  u_k(x) = −|x − x_k|. Salience cannot enter through the utility's scale (a constant
  factor drops out of the maximiser), so it enters through the weights.
* ``disagreement="status-quo"`` (default): d is the issue's status quo — what happens if
  the actors do not agree. When no outcome other than d is better for every actor who takes
  part (for example, actors sit on both sides of the status quo, or one sits on it), the
  solution is d itself: no agreement. An issue without a status quo uses the
  ``worst`` rule and says so in the result. ``disagreement="worst"``: d is, for each actor,
  the end of the scale farthest from its position, so every interior outcome is acceptable
  and the solution lies near the weighted centre of the positions.
* Actors without a stance, or with capability or salience 0, take no part.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from ..scenario import Batch, Scenario
from .base import Model, Params, Result, single_round_result, weights

HALVINGS = 60


class NashParams(Params):
    utility: Literal["quadratic", "linear"] = Field(
        "quadratic", description="actors' utility: −(x − position)² or −|x − position|")
    disagreement: Literal["status-quo", "worst"] = Field(
        "status-quo", description="disagreement point: the status quo, or each actor's "
                                  "worst end of the scale")


def _solve(x: np.ndarray, w: np.ndarray, lo: np.ndarray, hi: np.ndarray, sq: np.ndarray,
           utility: str, disagreement: str) -> tuple[np.ndarray, np.ndarray]:
    """Nash solutions ``[B, I]`` from positions and weights ``[B, A, I]``; also whether the
    actors agree on something better than the disagreement point (``[B, I]`` bool)."""
    take = (w > 0) & ~np.isnan(x)
    xs = np.where(take, x, 0.0)
    use_sq = (disagreement == "status-quo") & ~np.isnan(sq)  # [I]
    worst = np.maximum(np.abs(xs - lo), np.abs(hi - xs))
    # each actor accepts the outcomes closer to its position than d is: (x_k − r, x_k + r)
    reach = np.where(use_sq, np.abs(np.nan_to_num(sq) - xs), worst)
    left = np.where(take, xs - reach, -np.inf).max(axis=1)
    right = np.where(take, xs + reach, np.inf).min(axis=1)
    left = np.maximum(left, lo)
    right = np.minimum(right, hi)
    width = hi - lo
    agree = (right - left > 1e-12 * width) & take.any(axis=1)
    a, b = left.copy(), right.copy()
    for _ in range(HALVINGS):
        mid = 0.5 * (a + b)
        gap = xs - mid[:, None, :]
        if utility == "quadratic":
            margin = reach**2 - gap**2  # u(x) − u(d), up to a positive factor
            slope = 2.0 * gap
        else:
            margin = reach - np.abs(gap)
            slope = np.sign(gap)
        with np.errstate(divide="ignore", invalid="ignore"):  # only where no agreement
            rising = np.where(take, w * slope / margin, 0.0).sum(axis=1) > 0
        a = np.where(rising, mid, a)
        b = np.where(rising, b, mid)
    solution = 0.5 * (a + b)
    out = np.where(agree, solution, sq)  # no agreement: the disagreement point
    out = np.where(take.any(axis=1), out, np.nan)
    return out, agree


def _forecast(batch: Batch, p: NashParams, rng: np.random.Generator) -> np.ndarray:
    out, _ = _solve(batch.position, weights(batch), batch.scale_min, batch.scale_max,
                    batch.status_quo, p.utility, p.disagreement)
    return out


def _run(scenario: Scenario, p: NashParams, rng: np.random.Generator) -> Result:
    batch = scenario.batch()
    out, agree = _solve(batch.position, weights(batch), batch.scale_min, batch.scale_max,
                        batch.status_quo, p.utility, p.disagreement)
    result = single_round_result("nash", scenario, out[0], p)
    for i, issue in enumerate(scenario.issues):
        if p.disagreement == "status-quo" and issue.status_quo is None:
            point = "worst (the issue has no status quo)"
        else:
            point = p.disagreement
        result.issue_fields[issue.id] = {"disagreement": point,
                                         "agreement": bool(agree[0, i])}
    return result


MODEL = Model(
    name="nash",
    summary="asymmetric Nash bargaining solution (status quo as disagreement point)",
    params=NashParams,
    run_kernel=_run,
    batch_kernel=_forecast,
    order=5,
    examples=({"utility": "linear", "disagreement": "worst"},),
)
run, forecast_batch = MODEL.run, MODEL.forecast_batch
