"""Stokman's exchange model (Equal Gain).

Sources: F. N. Stokman and R. van Oosten (1994), "The exchange of voting positions: an
object-oriented model of policy networks", in *Evaluating the EU*; F. N. Stokman, J. van der
Knoop and R. van Oosten (2013), "Modeling collective decision-making". Defaults reproduce
the maintained implementation ``decide-exchange-model`` 2025.3.1 as specified in
``docs/model-exchange.md``, with that specification's deterministic rules.

Interpretive choices:

* **Ties** between candidate exchanges (gains within 1e-12, relative) go to the candidate
  created first; the reference flips an unseeded coin.
* **Knife edges**: an outcome within 1e-9 (internal scale) of the demanding partner's
  position counts as on it, so no clamp; the reference's 28-digit decimals decide by noise.
* The reference's bookkeeping quirks (§11 of the specification: the history-sum test on the
  planned first move, the stale clamp amount, min/max ``record``, demand positions fixed
  within a round, untouched candidates not recomputed) are kept, since they decide which
  exchanges happen.
* **Salience 0** is valid input: such an actor is indifferent to the issue, adds nothing to
  its outcome (weight 0) and takes part in no exchange involving it (the reference divides
  by zero there). Its position never moves. An actor with capability 0 is treated the same
  way on every issue.
* Actors without a stance on an issue take no part in it (as a missing ``#D`` row).
* **Randomised Equal Gain** (``p`` in (0, 1]) follows §8 of the specification, whose
  only reference numbers (the best attainable gains ``eu_max`` of the analytic case) we
  reproduce. Where the reference's code contradicts §8 (its clamp in the capped branch
  compares an outcome with itself; after a clamp it keeps the unclamped move and applies the
  direction twice; its "Pareto" test compares positions on two issues) we do what §8 says.
  Each round draws from its own generator, seeded from the run's; three numbers per valid
  computed candidate.
* **Random Rate** (``variant="random-rate"``) follows §9.1; the reference cannot run it.
  Each candidate's rate ΔO_q/ΔO_p is drawn once, uniformly between the two actors' break-even
  rates (where both gain; the Equal Gain rate lies inside), and kept when the candidate is
  recomputed or an actor concedes. See ``docs/model-exchange.md`` for the differences from
  the 2017 code.

Forecast = the voting outcome of the last round (the capability × salience weighted mean
of the voting positions).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from ..scenario import Batch, Scenario
from . import _exchange_engine as engine
from ._orders import OrderParams, averaged, with_orders
from .base import Model, Result, Tables, json_number


class ExchangeParams(OrderParams):
    rounds: int = Field(10, ge=0, le=1000, description="rounds (no convergence test)")
    p: float = Field(0.0, ge=0, le=1, description="randomisation of Equal Gain, 0–1")
    variant: Literal["equal-gain", "random-rate"] = Field(
        "equal-gain", description="Equal Gain (both actors gain the same) or Random Rate "
        "(the exchange rate drawn between the two actors' break-even rates)")

    @model_validator(mode="after")
    def _p_is_for_equal_gain(self) -> ExchangeParams:
        if self.variant == "random-rate" and self.p > 0:
            raise ValueError("p randomises Equal Gain only; use p=0 with "
                             "variant=random-rate")
        return self

    def rules(self, rng: np.random.Generator) -> engine.Rules:
        if self.variant == "equal-gain" and self.p == 0:
            return engine.EQUAL_GAIN
        return engine.Rules(self.variant, self.p, rng)


def _internal(batch_pos: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return (batch_pos - lo) * (100.0 / (hi - lo))


def _external(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return x * (hi - lo) / 100.0 + lo


def _present(capability: np.ndarray, position: np.ndarray, salience: np.ndarray
             ) -> np.ndarray:
    """Who takes part on each issue: a stance, salience > 0 and capability > 0 (otherwise
    no weight in the outcome and no part in any exchange: the equal-gain moves divide by
    the weight)."""
    return ~np.isnan(position) & (salience > 0) & (capability[:, None] > 0)


def simulate(capability: np.ndarray, position: np.ndarray, salience: np.ndarray,
             lo: np.ndarray, hi: np.ndarray, rounds: int, record: bool = False,
             rules: engine.Rules = engine.EQUAL_GAIN, compiled: bool = True):
    """Run one draw. Returns per-round internal start/voting positions and outcomes, the
    final positions, and (if ``record``) the realised exchanges."""
    present = _present(capability, position, salience)
    x = np.where(present, _internal(position, lo, hi), np.nan)
    s = np.where(present, salience, 0.0)
    c = np.broadcast_to(capability[:, None], x.shape)
    issue_ok = (np.where(present, c * s, 0.0).sum(axis=0) > 0)
    starts, votings, out_start, out_voting, exchanges = [], [], [], [], []
    for _t in range(rounds):
        this = rules.for_round()
        if compiled and not this.random_rate:
            rnd, realised, voting, new = _compiled_round(x, s, c, present, issue_ok, record,
                                                         this)
        else:
            rnd, realised, voting, new = engine.run_round(x, s, c, present, issue_ok, this)
        starts.append(x)
        votings.append(voting)
        out_start.append(rnd.outcome.copy())
        out_voting.append(engine.Round(voting, s, c, present).outcome)
        if record:
            exchanges.append(realised)
        x = new
    return starts, votings, out_start, out_voting, x, exchanges


def _compiled_round(x: np.ndarray, s: np.ndarray, c: np.ndarray, present: np.ndarray,
                    issue_ok: np.ndarray, record: bool, rules: engine.Rules):
    """An Equal Gain round (plain or randomised) in the compiled kernel; the same results
    as ``engine.run_round`` (tested bit for bit)."""
    from . import _exchange_kernel as kernel  # loads Numba: only when a round runs

    rnd = engine.Round(x, s, c, present)
    realised_idx, cols, voting, new = kernel.run_round(
        x, s, rnd.w, rnd.d, rnd.outcome, present & (s > 0), issue_ok, engine.FW, engine.SW,
        rules.p, rules.rng)
    realised = []
    if record:
        actor, sup, dem, xs, x0, move, y, gain, eu, eu_max = cols
        for e in realised_idx.tolist():
            sides = [engine.Side(int(actor[e, j]), int(sup[e, j]), int(dem[e, j]),
                                 float(xs[e, j]), float(x0[e, j]),
                                 float(rnd.xl[actor[e, j]][dem[e, j]]), move=float(move[e, j]),
                                 y=float(y[e, j]), eu=float(eu[e, j]),
                                 eu_max=float(eu_max[e, j])) for j in range(2)]
            realised.append(engine.Candidate(e, sides[0], sides[1], gain=float(gain[e]),
                                             valid=True))
    return rnd, realised, voting, new


def _forecast_one(batch: Batch, p: ExchangeParams, rng: np.random.Generator) -> np.ndarray:
    rules = p.rules(rng)
    lo, hi = batch.scale_min, batch.scale_max
    if rules is engine.EQUAL_GAIN:  # compiled, draws in parallel
        from . import _exchange_kernel as kernel

        return kernel.forecast_draws(
            np.ascontiguousarray(batch.capability, dtype=float),
            np.ascontiguousarray(batch.position, dtype=float),
            np.ascontiguousarray(batch.salience, dtype=float),
            np.ascontiguousarray(lo, dtype=float), np.ascontiguousarray(hi, dtype=float),
            p.rounds, engine.FW, engine.SW)
    out = np.empty((batch.size, batch.position.shape[2]))
    for k in range(batch.size):  # the random variants draw by draw (rounds compiled for p > 0)
        pos = batch.position[k]
        present = _present(batch.capability[k], pos, batch.salience[k])
        _, _, _out_start, out_voting, _x, _ = simulate(
            batch.capability[k], pos, batch.salience[k], lo, hi, p.rounds, rules=rules)
        if p.rounds == 0:
            final = engine.Round(np.where(present, _internal(pos, lo, hi), np.nan),
                                 np.where(present, batch.salience[k], 0.0),
                                 np.broadcast_to(batch.capability[k][:, None], pos.shape),
                                 present).outcome
        else:
            final = out_voting[-1]
        out[k] = _external(final, lo, hi)
    return out


def _run_one(scenario: Scenario, p: ExchangeParams, rng: np.random.Generator) -> Result:
    lo, hi = scenario.scale_min, scenario.scale_max
    pos = scenario.position
    sal = scenario.salience
    present = _present(scenario.capability, pos, sal)
    starts, votings, out_start, out_voting, final, exchanges = simulate(
        scenario.capability, pos, sal, lo, hi, p.rounds, record=True, rules=p.rules(rng))
    ext = lambda arr: np.where(present, _external(arr, lo, hi), np.nan)  # noqa: E731
    trajectory = np.stack([ext(x) for x in starts] + [ext(final)]) if p.rounds else \
        pos[None].copy()
    if p.rounds:
        forecast = _external(out_voting[-1], lo, hi)
    else:
        forecast = _external(engine.Round(np.where(present, _internal(pos, lo, hi), np.nan),
                                          np.where(present, sal, 0.0),
                                          np.broadcast_to(scenario.capability[:, None],
                                                          pos.shape), present).outcome,
                             lo, hi)
    # actors without a stance keep NaN; salience-0 stances stay at their input
    trajectory = np.where(np.isnan(trajectory) & ~np.isnan(pos)[None], pos[None], trajectory)
    issue_fields = {}
    for i, issue in enumerate(scenario.issue_ids):
        issue_fields[issue] = {
            "voting": [[json_number(v) for v in ext(vp)[:, i]] for vp in votings],
            "outcome_start": [json_number(_external(o, lo, hi)[i]) for o in out_start],
            "outcome_voting": [json_number(_external(o, lo, hi)[i]) for o in out_voting],
        }
    rows, listing = [], []
    width = hi - lo
    for t, realised in enumerate(exchanges, start=1):
        for order, e in enumerate(realised, start=1):
            entry = {"round": t, "order": order, "gain": float(e.gain)}
            for key, side in (("i", e.a), ("j", e.b)):
                k = side.supply
                entry[key] = {
                    "actor": scenario.actor_ids[side.actor],
                    "supply_issue": scenario.issue_ids[k],
                    "demand_issue": scenario.issue_ids[side.demand],
                    "x": float(_external(side.xs, lo[k], hi[k])),
                    "move": float(side.move * width[k] / 100.0),
                    "y": float(_external(side.y, lo[k], hi[k])),
                }
                if not np.isnan(side.eu):  # own gain: randomised Equal Gain, Random Rate
                    entry[key]["eu"] = float(side.eu)
                if not np.isnan(side.eu_max):
                    entry[key]["eu_max"] = float(side.eu_max)
            listing.append(entry)
            rows.append((t, order, entry["gain"], entry["i"]["actor"],
                         entry["i"]["supply_issue"], entry["i"]["demand_issue"],
                         entry["i"]["x"], entry["i"]["move"], entry["i"]["y"],
                         entry["j"]["actor"], entry["j"]["supply_issue"],
                         entry["j"]["demand_issue"], entry["j"]["x"], entry["j"]["move"],
                         entry["j"]["y"]))
    columns = ["round", "order", "gain", "i_actor", "i_supply", "i_demand", "i_x", "i_move",
               "i_y", "j_actor", "j_supply", "j_demand", "j_x", "j_move", "j_y"]
    return Result(
        model="exchange", scenario=scenario, actors=scenario.actor_ids,
        issues=scenario.issue_ids, trajectory=trajectory, forecast=forecast,
        rounds=np.full(len(scenario.issues), p.rounds), params=p.model_dump(),
        stop_reason=f"fixed number of rounds ({p.rounds})",
        diagnostics=Tables(exchanges=(rows, columns)), issue_fields=issue_fields,
        fields={"exchanges": listing},
    )


def _run(scenario: Scenario, p: ExchangeParams, rng: np.random.Generator) -> Result:
    """A run in the given order; with ``orders`` > 1 its forecast is the mean over the
    shuffled orders (see ._orders)."""
    result = _run_one(scenario, p, rng)
    batch = scenario.batch()
    return with_orders(result, batch, p.orders, p.order_seed,
                       lambda b, _perm: _forecast_one(b, p, rng))


def _forecast(batch: Batch, p: ExchangeParams, rng: np.random.Generator) -> np.ndarray:
    return averaged(batch, p.orders, p.order_seed,
                    lambda b, _perm: _forecast_one(b, p, rng))


MODEL = Model(
    name="exchange",
    summary="Stokman's exchange model: Equal Gain (decide-exchange-model), randomised, "
            "Random Rate",
    params=ExchangeParams,
    run_kernel=_run,
    batch_kernel=_forecast,
    order=30,
    per_issue=False,
    examples=({"p": 0.5}, {"variant": "random-rate"}, {"rounds": 0}),
    kernels=("_exchange_kernel:_round",),
    batch_kernels=("_exchange_kernel:forecast_draws",),
)
run, forecast_batch = MODEL.run, MODEL.forecast_batch
