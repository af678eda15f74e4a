"""Uncertain inputs: draw scenarios from the ranges and distributions a scenario declares.

Every stance's position and salience and every actor's capability may carry a
:class:`~realpolitik.scenario.Distribution`. ``widen`` adds a uniform range of ± that
fraction around every number that has none (positions: of the issue's scale width;
salience: of the 0–1 range; capability: of the value), for quick "what if we are all ±10 %
off" runs. Draws are truncated to the allowed interval: the issue's scale for positions,
0–1 for salience, ≥ 0 for capability (a normal is truncated, not clipped, so no mass piles
up on the bounds; uniform and triangular ranges are validated to lie inside already, and a
widened range is cut at the bounds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..scenario import Batch, Distribution, Scenario


@dataclass(frozen=True)
class Uncertain:
    """One uncertain number: where it sits in the arrays and how it is drawn."""

    kind: str  # "position", "salience" or "capability"
    actor: int
    issue: int  # -1 for capability
    dist: Distribution
    lower: float  # allowed interval
    upper: float


def uncertain_inputs(scenario: Scenario, widen: float = 0.0) -> list[Uncertain]:
    """Every number that varies between draws, in a fixed order (actors, then stances)."""
    if not 0 <= widen <= 1:
        raise InputError(f"widen {widen:g} is out of range", field="widen",
                         allowed="a fraction from 0 to 1 (0.1 = ±10 %)")
    out: list[Uncertain] = []
    for a, actor in enumerate(scenario.actors):
        dist = actor.capability_uncertainty
        if dist is None and widen > 0 and actor.capability > 0:
            half = widen * actor.capability
            dist = Distribution(dist="uniform", low=actor.capability - half,
                                high=actor.capability + half)
        if dist is not None:
            out.append(Uncertain("capability", a, -1, dist, 0.0, np.inf))
    a_index = {a: k for k, a in enumerate(scenario.actor_ids)}
    i_index = {i: k for k, i in enumerate(scenario.issue_ids)}
    for st in scenario.stances:
        a, i = a_index[st.actor], i_index[st.issue]
        issue = scenario.issues[i]
        lo, hi = issue.scale.min, issue.scale.max
        for kind, value, dist, (blo, bhi), width in (
            ("position", st.position, st.position_uncertainty, (lo, hi), hi - lo),
            ("salience", st.salience, st.salience_uncertainty, (0.0, 1.0), 1.0),
        ):
            if dist is None and widen > 0:
                dist = Distribution(dist="uniform", low=value - widen * width,
                                    high=value + widen * width)
            if dist is not None:
                out.append(Uncertain(kind, a, i, dist, blo, bhi))
    return out


def _draw(u: Uncertain, n: int, rng: np.random.Generator) -> np.ndarray:
    d = u.dist
    if d.dist == "uniform":
        values = rng.uniform(d.low, d.high, n)
    elif d.dist == "triangular" and d.low == d.high:
        values = np.full(n, d.low)  # numpy refuses a zero-width triangle
    elif d.dist == "triangular":
        values = rng.triangular(d.low, d.mode, d.high, n)
    else:
        from scipy.stats import truncnorm  # slow to import; only normals need it

        a = (u.lower - d.mean) / d.sd
        b = (u.upper - d.mean) / d.sd
        values = truncnorm.rvs(a, b, loc=d.mean, scale=d.sd, size=n, random_state=rng)
    return np.clip(values, u.lower, u.upper)


def sample(scenario: Scenario, draws: int, rng: np.random.Generator,
           inputs: list[Uncertain] | None = None, widen: float = 0.0) -> Batch:
    """``draws`` scenarios as one Batch; the numbers drawn depend only on ``rng``'s state."""
    if inputs is None:
        inputs = uncertain_inputs(scenario, widen)
    values = np.empty((draws, len(inputs)))
    for k, u in enumerate(inputs):  # one input at a time, so the draws depend on rng only
        values[:, k] = _draw(u, draws, rng)
    return with_values(scenario, inputs, values)


def with_values(scenario: Scenario, inputs: list[Uncertain], values: np.ndarray) -> Batch:
    """A Batch whose row k sets the inputs to ``values[k]`` (shape ``[B, len(inputs)]``)."""
    base = scenario.batch()
    b = values.shape[0]
    capability = np.repeat(base.capability, b, axis=0)
    position = np.repeat(base.position, b, axis=0)
    salience = np.repeat(base.salience, b, axis=0)
    for k, u in enumerate(inputs):
        column = np.clip(values[:, k], u.lower, u.upper)
        if u.kind == "capability":
            capability[:, u.actor] = column
        elif u.kind == "position":
            position[:, u.actor, u.issue] = column
        else:
            salience[:, u.actor, u.issue] = column
    return Batch(capability, position, salience, base.scale_min, base.scale_max,
                 base.status_quo, base.agreement)
