"""KTAB's Spatial Model of Politics (SMP).

Source: B. Wise, L. Lei, B. Efird et al., KAPSARC Toolkit for Behavioral Analysis (KTAB),
``smpc`` at commit 3b5b063 (2019), after Bueno de Mesquita's and Wise's spatial bargaining
models; specified in the project's SMP specification (see ``docs/model-smp.md``). Defaults
reproduce ``smpc``: Linear / Conditional / Deterministic / Prop / OneThird / Mid /
SemiCommit / S2P2 / InitOnlyInterp, stopping when a step moves less than 2 % of the first
step (at least 2, at most 100 steps).

Interpretive choices:

* All issues are dimensions of one space, as in KTAB. Positions map to KTAB's 0–1 scale by
  ``(x − min) / (max − min)`` of each issue (a 0–100 issue: ``x / 100``, as KTAB divides).
* Queue order is canonical (status quo first, then proposals by initiator), which is what
  KTAB's threads produce under every symmetric voting rule. Under ``voting=asymprosp``
  KTAB's result depends on thread timing; ours is the canonical order, deterministic.
* ``transitions=stochastic`` draws one uniform number per actor and turn, in actor order,
  from the run's seeded generator: reproducible, but not KTAB's (thread-dependent) draws.
* ``big_r_adjust=full`` runs here although ``smpc`` aborts on it (its sanity check).
* Saliences: KTAB requires an actor's saliences to sum to at most 1 (100 %). A scenario
  whose saliences sum to more (they are per issue on 0–1) is scaled down per actor to sum
  to 1, keeping their proportions; KTAB files are used as given.
* Actors with capability 0 or no salience on any issue take no part (KTAB aborts on them).
  An actor without a stance on an issue takes part with salience 0 there, placed at the
  issue's status quo or, failing that, the capability × salience weighted mean; its
  position on that issue is not reported.
* Forecast per issue = the probability-weighted position of the final state: the final
  positions grouped as KTAB reports them (within 1e-3), weighted by each group's
  probability of winning. The most likely position (the group with the highest
  probability) is reported too, as ``most_likely``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from ..errors import InputError
from ..scenario import Batch, Scenario
from ._orders import OrderParams, averaged, with_orders
from .base import Model, Result, Tables, json_number

VICTORY = ("linear", "square", "quartic", "octic", "binary")
PCE = ("conditional", "markov-incentive", "markov-uniform")
TRANSITIONS = ("deterministic", "stochastic")
VOTING = ("binary", "propbin", "prop", "propcbc", "cubic", "asymprosp")
BIG_R_ADJUST = ("none", "one-third", "half", "two-thirds", "full")
BIG_R_RANGE = ("min", "mid", "max")
COMMIT = ("no-commit", "semi-commit", "full-commit")
INTER_VEC = ("s1p1", "s2p2", "s2pmax")
BARGAIN = ("init-only", "init-rcvr", "pw-comp")

class SMPParams(OrderParams):
    victory: Literal[VICTORY] = Field(  # type: ignore[valid-type]
        "linear", description="VictoryProbModel: coalition strengths s1:s2 → win "
        "probability; linear (2:1 gives 2/3), square (4/5), quartic (16/17), octic "
        "(256/257), binary (certain at a 10% margin)")
    pce: Literal[PCE] = Field(  # type: ignore[valid-type]
        "conditional", description="PCEModel: how pairwise victory chances become each "
        "option's probability of winning; conditional (KTAB's default), markov-incentive, "
        "markov-uniform")
    transitions: Literal[TRANSITIONS] = Field(  # type: ignore[valid-type]
        "deterministic", description="StateTransitions: each actor takes its most likely "
        "option (deterministic) or draws one by its probability (stochastic, from the "
        "run's seed)")
    voting: Literal[VOTING] = Field(  # type: ignore[valid-type]
        "prop", description="VotingRule: a vote's weight from the utility gap Δ; prop "
        "(w·Δ), binary (w·sign Δ), propbin (mix, 20% binary), propcbc (Δ and Δ³ mixed), "
        "cubic (w·Δ³), asymprosp (gains count 2/3 of losses)")
    big_r_adjust: Literal[BIG_R_ADJUST] = Field(  # type: ignore[valid-type]
        "one-third", description="BigRAdjust: how far an actor's estimate of another's "
        "risk attitude moves from its own towards the true one; none, one-third, half, "
        "two-thirds, full (KTAB aborts on full)")
    big_r_range: Literal[BIG_R_RANGE] = Field(  # type: ignore[valid-type]
        "mid", description="BigRRange: the range of risk attitudes; min [0, 1], mid "
        "[−½, 1], max [−1, 1]")
    commit: Literal[COMMIT] = Field(  # type: ignore[valid-type]
        "semi-commit", description="ThirdPartyCommit: what a third party expects after a "
        "challenge; no-commit (it never moves), semi-commit (losers move), full-commit "
        "(it adopts the winner's position)")
    inter_vec: Literal[INTER_VEC] = Field(  # type: ignore[valid-type]
        "s2p2", description="InterVecBrgn: the bargain's interpolation weights; s2p2 "
        "(salience² × probability², rounded), s1p1 (first powers), s2pmax (not rounded)")
    bargain: Literal[BARGAIN] = Field(  # type: ignore[valid-type]
        "init-only", description="BargnModel: the bargains proposed; init-only (the "
        "initiator's interpolation), init-rcvr (also the receiver's view), pw-comp (their "
        "weighted mean)")
    ideal_adjustment: tuple[tuple[float, ...], ...] | None = Field(
        None, description="n×n matrix a_ij (XML IdealAdjustment); identity when absent")


def _codes(p: SMPParams) -> tuple[int, ...]:
    return (VICTORY.index(p.victory), PCE.index(p.pce), TRANSITIONS.index(p.transitions),
            VOTING.index(p.voting), BIG_R_ADJUST.index(p.big_r_adjust),
            BIG_R_RANGE.index(p.big_r_range), COMMIT.index(p.commit),
            INTER_VEC.index(p.inter_vec), BARGAIN.index(p.bargain))


def _prepare(batch: Batch):
    """Internal arrays for a batch: participants, x on 0–1 ``[B, n, I]``, saliences
    ``[B, n, I]``, capabilities ``[B, n]`` and where stances are missing ``[n, I]``."""
    capability, position, salience = batch.capability, batch.position, batch.salience
    lo, hi = batch.scale_min, batch.scale_max
    total = salience.sum(axis=2)
    takes_part = (capability > 0) & (total > 0)
    idx = np.flatnonzero(takes_part[0])
    if not (takes_part == takes_part[0]).all():
        raise InputError("draws differ in which actors take part in SMP",
                         allowed="capability and salience ranges that stay above 0")
    if idx.size < 3:
        raise InputError(
            f"SMP needs at least 3 actors with capability > 0 and some salience; "
            f"this scenario has {idx.size}", field=None,
            allowed="a scenario with three or more such actors")
    pos = position[:, idx]
    sal = salience[:, idx]
    cap = capability[:, idx].astype(float)
    missing = np.isnan(pos[0])
    if missing.any():
        w = cap[:, :, None] * sal
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (np.where(missing, 0.0, pos) * w).sum(axis=1) / w.sum(axis=1)
        fill = np.where(np.isnan(batch.status_quo)[None], mean, batch.status_quo[None])
        pos = np.where(missing[None], fill[:, None, :], pos)
        sal = np.where(missing[None], 0.0, sal)
    x = (pos - lo) / (hi - lo)
    sums = sal.sum(axis=2, keepdims=True)
    sal = np.where(sums > 1.0, sal / np.maximum(sums, 1.0), sal)
    return idx, np.ascontiguousarray(x), np.ascontiguousarray(sal), \
        np.ascontiguousarray(cap), missing


def _ideal(p: SMPParams, n: int, idx: np.ndarray) -> tuple[np.ndarray, bool]:
    if p.ideal_adjustment is None:
        return np.eye(n), True
    full = np.array(p.ideal_adjustment, dtype=float)
    if full.ndim != 2 or full.shape[0] != full.shape[1]:
        raise InputError("ideal_adjustment must be a square matrix", field="ideal_adjustment",
                         allowed="an n×n matrix, n = the number of actors")
    if full.shape[0] != n and full.shape[0] >= idx.max() + 1:
        full = full[np.ix_(idx, idx)]
    if full.shape[0] != n:
        raise InputError(f"ideal_adjustment is {full.shape[0]}×{full.shape[0]}",
                         field="ideal_adjustment", allowed=f"{n}×{n}")
    return np.ascontiguousarray(full), bool(np.array_equal(full, np.eye(n)))


def _uniforms(rng: np.random.Generator, stochastic: bool, *shape: int) -> np.ndarray:
    """One uniform number per (draw,) turn and actor for stochastic transitions."""
    from ._smp_kernel import MAX_TURNS

    if not stochastic:
        return np.zeros((*shape[:-1], MAX_TURNS, shape[-1]))
    return rng.random((*shape[:-1], MAX_TURNS, shape[-1]))


def _for_order(p: SMPParams, perm: np.ndarray, batch: Batch) -> SMPParams:
    """``p`` for the actors in the order ``perm``: ``ideal_adjustment`` (rows and columns
    of every actor or of the participants) permuted alike."""
    if p.ideal_adjustment is None:
        return p
    full = np.array(p.ideal_adjustment, dtype=float)
    idx = _prepare(batch)[0]
    if full.ndim == 2 and full.shape[0] == batch.position.shape[1]:
        sel = list(perm)
    elif full.ndim == 2 and full.shape[0] == idx.size:
        rank = {int(a): r for r, a in enumerate(idx)}
        sel = [rank[int(a)] for a in perm if int(a) in rank]
    else:
        return p  # _ideal names the problem
    return p.model_copy(update={"ideal_adjustment": tuple(
        tuple(float(v) for v in row) for row in full[np.ix_(sel, sel)])})


def _run_one(scenario: Scenario, p: SMPParams, rng: np.random.Generator) -> Result:
    from . import _smp_kernel as kernel

    lo, hi = scenario.scale_min, scenario.scale_max
    idx, xb, salb, capb, missing = _prepare(scenario.batch())
    x, sal, cap = xb[0], salb[0], capb[0]
    n = idx.size
    ideal, identity = _ideal(p, n, idx)
    codes = _codes(p)
    positions, risk, probs, ratios, targets, movers, pg, reps = kernel.run(
        x, sal, cap, ideal, identity, codes, _uniforms(rng, p.transitions == "stochastic", n))
    states = positions.shape[0]
    n_a, n_i = len(scenario.actors), len(scenario.issues)
    trajectory = np.repeat(scenario.position[None], states, axis=0)
    ext = positions * (hi - lo) + lo
    ext = np.where(missing[None], np.nan, ext)
    trajectory[:, idx, :] = ext
    final = positions[-1]
    weighted = (pg[:, None] * final[reps]).sum(axis=0)
    likely = final[reps[int(np.argmax(pg))]]
    forecast = weighted * (hi - lo) + lo
    most_likely = likely * (hi - lo) + lo
    turns = states - 1
    reason = ("turn limit (100)" if turns >= kernel.MAX_TURNS else
              f"step {turns} moved {ratios[-1]:.4f} of the first step (< 0.02)")
    ids = [scenario.actor_ids[k] for k in idx]
    rows_turns = [(t, ids[a], float(risk[t, a]), float(probs[t, a]))
                  for t in range(states) for a in range(n)]
    rows_bargains = [(t + 1, ids[a], ids[targets[t, a]] if targets[t, a] >= 0 else None,
                      ids[movers[t, a]] if movers[t, a] >= 0 else None)
                     for t in range(turns) for a in range(n)]
    win = np.full((states, n_a), np.nan)
    win[:, idx] = probs
    issue_fields = {
        issue: {"most_likely": json_number(most_likely[i])}
        for i, issue in enumerate(scenario.issue_ids)
    }
    return Result(
        model="smp", scenario=scenario, actors=scenario.actor_ids,
        issues=scenario.issue_ids, trajectory=trajectory, forecast=forecast,
        rounds=np.full(n_i, turns), params=p.model_dump(), stop_reason=reason,
        diagnostics=Tables(
            turns=(rows_turns, ["state", "actor", "risk_attitude", "win_probability"]),
            bargains=(rows_bargains, ["turn", "actor", "challenges", "moved_by_bargain_of"]),
            stop_ratios=({"turn": np.arange(1, turns + 1), "ratio": ratios}, None),
        ),
        issue_fields=issue_fields,
        fields={"win_probabilities": [[json_number(v) for v in row] for row in win],
                "stop_ratios": [float(v) for v in ratios], "stop_reason": reason},
    )


def _forecast_one(batch: Batch, p: SMPParams, rng: np.random.Generator) -> np.ndarray:
    from . import _smp_kernel as kernel

    lo, hi = batch.scale_min, batch.scale_max
    idx0, xs, sals, caps, _ = _prepare(batch)
    n = idx0.size
    ideal, identity = _ideal(p, n, idx0)
    stochastic = p.transitions == "stochastic"
    uniforms = _uniforms(rng, stochastic, batch.size, n)
    weighted, _, _ = kernel.run_batch(xs, sals, caps, ideal, identity, _codes(p), uniforms)
    return weighted * (hi - lo) + lo


def _run(scenario: Scenario, p: SMPParams, rng: np.random.Generator) -> Result:
    """A run in the given order; with ``orders`` > 1 its forecast is the mean over the
    shuffled orders (see ._orders)."""
    result = _run_one(scenario, p, rng)
    batch = scenario.batch()
    return with_orders(result, batch, p.orders, p.order_seed,
                       lambda b, perm: _forecast_one(b, _for_order(p, perm, batch), rng))


def _forecast(batch: Batch, p: SMPParams, rng: np.random.Generator) -> np.ndarray:
    return averaged(batch, p.orders, p.order_seed,
                    lambda b, perm: _forecast_one(b, _for_order(p, perm, batch), rng))


MODEL = Model(
    name="smp",
    summary="KTAB's Spatial Model of Politics (smpc), all issues jointly",
    params=SMPParams,
    run_kernel=_run,
    batch_kernel=_forecast,
    order=20,
    per_issue=False,
    examples=({"transitions": "stochastic"}, {"voting": "asymprosp", "bargain": "pw-comp"}),
    kernels=("_smp_kernel:run",),
    batch_kernels=("_smp_kernel:run_batch",),
)
run, forecast_batch = MODEL.run, MODEL.forecast_batch
