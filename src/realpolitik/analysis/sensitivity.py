"""Sensitivity: which inputs move each issue's forecast.

* :func:`tornado` — one at a time: each actor's position, salience and capability set to the
  low and then the high end of its range (its declared uncertainty, or ± ``delta``), all
  other inputs at their point values. Every perturbed scenario goes into one batch.
* :func:`global_indices` — Sobol first-order and total indices (Saltelli sampling) or, for
  many inputs, Morris elementary effects, both through SALib.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..models import get
from ..scenario import Scenario
from . import Progress
from .uncertainty import Uncertain, uncertain_inputs, with_values


def _bounds(u: Uncertain) -> tuple[float, float]:
    lo, hi = u.dist.bounds()
    return max(lo, u.lower), min(hi, u.upper)


def _point(scenario: Scenario, u: Uncertain) -> float:
    if u.kind == "capability":
        return float(scenario.capability[u.actor])
    if u.kind == "position":
        return float(scenario.position[u.actor, u.issue])
    return float(scenario.salience[u.actor, u.issue])


def _evaluate(spec: Any, batch: Any, params: Any, seed: int,
              progress: Progress | None) -> np.ndarray:
    """The one batched model run, with ``progress(0, runs)`` before and ``(runs, runs)``
    after it."""
    runs = int(batch.size)
    if progress is not None:
        progress(0, runs)
    forecasts = spec.evaluate(batch, params=params, rng=seed)
    if progress is not None:
        progress(runs, runs)
    return forecasts


def tornado(scenario: Scenario, model: str = "compromise", *, delta: float = 0.1,
            params: dict[str, Any] | None = None, seed: int = 0,
            progress: Progress | None = None) -> pd.DataFrame:
    """One row per issue and input: the forecast at the input's low and high end.

    Inputs without declared uncertainty are moved by ± ``delta`` (of the scale width for
    positions, of 0–1 for salience, of the value for capability). ``input_issue`` names
    the issue the input belongs to (empty for a capability). A model that forecasts each
    issue on its own (``per_issue``) is moved on an issue only by that issue's inputs and
    capabilities; for a joint model (SMP, exchange) every input is a row on every issue,
    so cross-issue effects (a position on one issue moving the forecast on another) show.
    ``progress(done, total)`` is called before and after the one batched model run (it
    cannot report part-way: splitting the batch would change a random model's stream).
    """
    spec = get(model)
    p = spec.params_for(scenario, params)
    inputs = uncertain_inputs(scenario, widen=delta)
    if not inputs:
        raise InputError("nothing to vary: no uncertainty declared and delta is 0",
                         field="delta", allowed="a fraction above 0")
    points = np.array([_point(scenario, u) for u in inputs])
    n = len(inputs)
    values = np.repeat(points[None], 2 * n + 1, axis=0)
    for k, u in enumerate(inputs):
        lo, hi = _bounds(u)
        values[1 + 2 * k, k] = lo
        values[2 + 2 * k, k] = hi
    forecasts = _evaluate(spec, with_values(scenario, inputs, values), p, seed, progress)
    base = forecasts[0]
    rows = []
    for k, u in enumerate(inputs):
        lo_f, hi_f = forecasts[1 + 2 * k], forecasts[2 + 2 * k]
        for i, issue in enumerate(scenario.issue_ids):
            if spec.per_issue and u.issue not in (-1, i):
                continue  # cannot move this issue's forecast
            swing = abs(hi_f[i] - lo_f[i])
            if not np.isfinite(swing):
                continue
            rows.append({
                "issue": issue,
                "actor": scenario.actor_ids[u.actor],
                "input": u.kind,
                "input_issue": "" if u.issue < 0 else scenario.issue_ids[u.issue],
                "low": values[1 + 2 * k, k],
                "high": values[2 + 2 * k, k],
                "baseline": float(base[i]),
                "forecast_low": float(lo_f[i]),
                "forecast_high": float(hi_f[i]),
                "swing": float(swing),
            })
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame = frame.sort_values(["issue", "swing", "actor", "input", "input_issue"],
                              ascending=[True, False, True, True, True], kind="stable")
    return frame.reset_index(drop=True)


def global_indices(scenario: Scenario, model: str = "compromise", *, method: str = "sobol",
                   samples: int = 256, delta: float = 0.1, seed: int = 0,
                   params: dict[str, Any] | None = None,
                   progress: Progress | None = None) -> pd.DataFrame:
    """Sobol (S1, ST with confidence intervals) or Morris (mu*, sigma) indices per issue.

    Each input varies uniformly over its range (declared, or ± ``delta``). Sobol costs
    ``samples × (inputs + 2)`` model runs, Morris ``samples × (inputs + 1)``.
    ``progress``: as for :func:`tornado`.
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    if method not in ("sobol", "morris"):
        raise InputError(f"unknown method '{method}'", field="method",
                         allowed="sobol, morris")
    if samples < 4:
        raise InputError(f"samples {samples} is too small", field="samples",
                         allowed="4 or more (a power of 2 for Sobol)")
    spec = get(model)
    p = spec.params_for(scenario, params)
    inputs = uncertain_inputs(scenario, widen=delta)
    names = [f"{scenario.actor_ids[u.actor]}:{u.kind}"
             + ("" if u.issue < 0 else f":{scenario.issue_ids[u.issue]}") for u in inputs]
    bounds = []
    for u in inputs:
        lo, hi = _bounds(u)
        bounds.append([lo, hi if hi > lo else lo + 1e-12])
    if not inputs:
        raise InputError("nothing to vary: no uncertainty declared and delta is 0",
                         field="delta", allowed="a fraction above 0")
    problem = {"num_vars": len(inputs), "names": names, "bounds": bounds}
    if method == "sobol":
        x = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    else:
        x = morris_sample.sample(problem, samples, seed=seed)
    forecasts = _evaluate(spec, with_values(scenario, inputs, x), p, seed, progress)
    rows = []
    for i, issue in enumerate(scenario.issue_ids):
        y = forecasts[:, i]
        if not np.all(np.isfinite(y)):
            continue
        if np.ptp(y) == 0:
            for name in names:
                rows.append({"issue": issue, "input": name, "S1": 0.0, "S1_conf": 0.0,
                             "ST": 0.0, "ST_conf": 0.0} if method == "sobol" else
                            {"issue": issue, "input": name, "mu_star": 0.0, "sigma": 0.0,
                             "mu_star_conf": 0.0})
            continue
        if method == "sobol":
            res = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
            for k, name in enumerate(names):
                rows.append({"issue": issue, "input": name, "S1": float(res["S1"][k]),
                             "S1_conf": float(res["S1_conf"][k]), "ST": float(res["ST"][k]),
                             "ST_conf": float(res["ST_conf"][k])})
        else:
            res = morris_analyze.analyze(problem, x, y, seed=seed)
            for k, name in enumerate(names):
                rows.append({"issue": issue, "input": name,
                             "mu_star": float(res["mu_star"][k]),
                             "sigma": float(res["sigma"][k]),
                             "mu_star_conf": float(res["mu_star_conf"][k])})
    return _ranked(pd.DataFrame(rows), scenario, method)


def _ranked(frame: pd.DataFrame, scenario: Scenario, method: str) -> pd.DataFrame:
    """Issue by issue in scenario order, the inputs that matter most first; inputs with no
    effect at all (every index exactly 0) are left out."""
    if frame.empty:
        return frame
    key, other = ("ST", "S1") if method == "sobol" else ("mu_star", "sigma")
    keep = (frame[key] != 0) | (frame[other] != 0)
    order = {issue: k for k, issue in enumerate(scenario.issue_ids)}
    ranked = frame[keep].assign(_issue=frame["issue"].map(order)).sort_values(
        ["_issue", key], ascending=[True, False], kind="stable")
    return ranked.drop(columns="_issue").reset_index(drop=True)
