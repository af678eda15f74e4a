"""Bueno de Mesquita's expected-utility ("challenge") model.

Source: B. Bueno de Mesquita (1994), "Political forecasting: an expected utility method", in
*European Community Decision Making*, Yale UP; as reconstructed by J. Scholz, G. Calbert and
G. Smith (2011), "Unravelling Bueno De Mesquita's group decision model", J. Theoretical
Politics 23(4). Defaults reproduce the reference replication
``jmckib/bdm-scholz-expected-utility-model`` (commit 55f63e9) exactly, as specified in
``docs/model-bdm.md``.

Interpretive choices (the reference's reading is the default; each alternative is a
parameter):

* Probability of success uses the **global denominator** Z over all ordered triples
  (``denominator="global"``); Scholz's eq. 31 pairwise denominator is
  ``denominator="pairwise"``.
* In Phase B the receiver evaluates both sides of a dyad with **its own exponent**
  (``exponent="receiver"``); Scholz's eq. 25b, the challenger's own exponent for its side, is
  ``exponent="own"``.
* Among compromise offers the one with the **smallest κ** (a location, which favours the low
  end of the scale) is taken (``compromise="kappa"``); ``compromise="least-movement"`` takes
  the one that moves the receiver least.
* **No capitulation** (the reference's test can never fire); ``capitulation=true`` lets a
  receiver with no confrontation or compromise offer give in to the nearest actor that
  compels it.
* Ties go to the actor first in input order; the median is the reference's scan over
  occupied positions in input order.
* Only the Q-term of the status-quo utility is used (the reference's code; exact at Q = 1).
* **All dangers equal** (every actor at one position, or an exactly symmetric set-up): the
  reference divides by zero. Here every exponent is set to 1 for that round, which moves
  nobody when all sit together (``equal_dangers="unit"``, recorded in the diagnostics);
  ``equal_dangers="error"`` raises instead.
* One issue at a time; actors without a stance on an issue take no part in it. An issue on
  which every participant holds the same initial position cannot move (span 0): its
  trajectory stays at the input.

Forecast = the weighted median after the last round; the mean is reported too.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from ..errors import InputError
from ..scenario import Batch, Scenario
from .base import Model, Params, Result, Tables

# the kernel's class codes (models/_bdm_kernel.py); the kernel itself loads Numba, so it
# is imported only when the model runs
CLASS_NAMES = {1: "confrontation", 2: "compromise", 3: "capitulation"}


class BDMParams(Params):
    rounds: int = Field(10, ge=0, le=10_000, description="number of rounds (no convergence test)")
    q: float = Field(1.0, ge=0, le=1, description="probability the status quo holds")
    denominator: Literal["global", "pairwise"] = Field(
        "global", description="probability of success over all ordered triples (global, "
        "the reference) or Scholz's eq. 31 for the one pair (pairwise)")
    exponent: Literal["receiver", "own"] = Field(
        "receiver", description="in Phase B the receiver weighs both sides with its own "
        "risk exponent (receiver, the reference) or each side with its own (own, Scholz "
        "eq. 25b)")
    compromise: Literal["kappa", "least-movement"] = Field(
        "kappa", description="among compromise offers take the smallest κ (kappa, the "
        "reference) or the one that moves the receiver least (least-movement)")
    capitulation: bool = Field(
        False, description="let a receiver with no other offer give in to the nearest "
        "actor that compels it (the reference never does)")
    equal_dangers: Literal["unit", "error"] = Field(
        "unit", description="when every actor's danger is equal the exponents are "
        "undefined: set them to 1 for that round (unit) or stop with an error (error)")


def _kernel_args(p: BDMParams) -> tuple:
    return (p.rounds, p.q, p.denominator == "pairwise", p.compromise == "least-movement",
            p.capitulation, p.exponent == "own", p.equal_dangers == "error")


def _participants(position: np.ndarray) -> np.ndarray:
    """Actors with a stance on the issue (same for every draw of a batch)."""
    return np.flatnonzero(~np.isnan(position))


def _equal_dangers(issue: str, t: int) -> InputError:
    return InputError(
        f"issue '{issue}': every actor's danger is equal in round {t}, so risk exponents are "
        "undefined", field="equal_dangers",
        allowed="equal_dangers=unit to set all exponents to 1 in such a round",
    )


def _forecast(batch: Batch, p: BDMParams, rng: np.random.Generator) -> np.ndarray:
    out = np.full((batch.size, batch.position.shape[2]), np.nan)
    for i in range(batch.position.shape[2]):
        idx = _participants(batch.position[0, :, i])
        if idx.size == 0:
            continue
        x0 = np.ascontiguousarray(batch.position[:, idx, i])
        from . import _bdm_kernel as kernel  # it also handles an issue that cannot move

        c = np.ascontiguousarray(np.broadcast_to(batch.capability[:, idx], x0.shape))
        s = np.ascontiguousarray(batch.salience[:, idx, i])
        medians, _, status = kernel.run_batch(c, x0, s, *_kernel_args(p))
        if p.equal_dangers == "error" and status.any():
            raise _equal_dangers(f"#{i}", int(status[status > 0][0]))
        out[:, i] = medians
    return out


def _run(scenario: Scenario, p: BDMParams, rng: np.random.Generator) -> Result:
    n_a, n_i = len(scenario.actors), len(scenario.issues)
    trajectory = np.full((p.rounds + 1, n_a, n_i), np.nan)
    forecast = np.full(n_i, np.nan)
    offers, rounds_rows = [], []
    issue_fields = {}
    for i, issue in enumerate(scenario.issue_ids):
        idx = _participants(scenario.position[:, i])
        if idx.size == 0:
            continue  # nobody takes part: no forecast
        x0 = scenario.position[idx, i].copy()
        c = scenario.capability[idx].copy()
        s = scenario.salience[idx, i].copy()
        from . import _bdm_kernel as kernel  # it also handles an issue that cannot move

        (positions, exponents, medians, means, ties, chosen, partner, counts,
         status) = kernel.run_one(c, x0, s, *_kernel_args(p))
        if status and p.equal_dangers == "error":
            raise _equal_dangers(issue, int(status))
        trajectory[:, idx, i] = positions
        forecast[i] = medians[-1]
        ids = [scenario.actor_ids[k] for k in idx]
        for t in range(p.rounds + 1):
            rounds_rows.append((issue, t, float(medians[t]), float(means[t]), bool(ties[t])))
        for t in range(p.rounds):
            for k, actor in enumerate(ids):
                cls = int(chosen[t, k])
                offers.append((
                    issue, t + 1, actor, float(exponents[t, k]),
                    int(counts[t, k, 0]), int(counts[t, k, 1]), int(counts[t, k, 2]),
                    CLASS_NAMES.get(cls, "none"),
                    ids[int(partner[t, k])] if partner[t, k] >= 0 else None,
                    float(positions[t, k]), float(positions[t + 1, k]),
                ))
        issue_fields[issue] = {
            "median": [float(v) for v in medians],
            "mean": [float(v) for v in means],
            "mean_forecast": float(means[-1]),
            "risk_exponents": [
                [None if np.isnan(v) else float(v) for v in _spread(exponents[t], idx, n_a)]
                for t in range(p.rounds)
            ],
            "equal_dangers_round": int(status) or None,
            "settlement": _settlement(positions, medians, scenario.scale_max[i]
                                      - scenario.scale_min[i]),
        }
    diagnostics = Tables(
        rounds=(rounds_rows, ["issue", "round", "median", "mean", "median_tie"]),
        offers=(offers, [
            "issue", "round", "actor", "risk_exponent", "confrontations", "compromises",
            "capitulations", "taken", "partner", "from_position", "to_position"]),
    )
    return Result(
        model="bdm", scenario=scenario, actors=scenario.actor_ids,
        issues=scenario.issue_ids, trajectory=trajectory, forecast=forecast,
        rounds=np.full(n_i, p.rounds), params=p.model_dump(),
        stop_reason=f"fixed number of rounds ({p.rounds})", diagnostics=diagnostics,
        issue_fields=issue_fields,
    )


def _settlement(positions: np.ndarray, medians: np.ndarray, width: float) -> dict:
    """Whether the run settled, cycled or was still moving when the rounds ran out."""
    from .settle import settlement

    s = settlement(positions, medians, float(width))
    return {"status": s.status, "period": s.period, "low": s.low, "high": s.high,
            "last_move": s.last_move, "text": s.describe()}


def _spread(values: np.ndarray, idx: np.ndarray, n: int) -> np.ndarray:
    out = np.full(n, np.nan)
    out[idx] = values
    return out


MODEL = Model(
    name="bdm",
    summary="Bueno de Mesquita's expected-utility challenge model (Scholz et al. 2011)",
    params=BDMParams,
    run_kernel=_run,
    batch_kernel=_forecast,
    order=10,
    examples=({"rounds": 0}, {"q": 0.5, "denominator": "pairwise", "capitulation": True}),
    kernels=("_bdm_kernel:run_one",),
    batch_kernels=("_bdm_kernel:run_batch",),
)
run, forecast_batch = MODEL.run, MODEL.forecast_batch
