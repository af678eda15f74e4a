"""A stacked ensemble: a convex combination of registered models' forecasts.

The default weights are fitted on the pre-registered DEU training part only
(:mod:`realpolitik.analysis.stack`, shipped as ``scenarios/deu-stack.json``); ``weights``
overrides them (a mapping of model name to weight ≥ 0; normalised to sum 1). Each component
runs with its defaults (and the scenario's own ``model_params``); where a component gives
no forecast for an issue, the others' weights are renormalised there.
"""

from __future__ import annotations

import json
from functools import cache

import numpy as np
from pydantic import Field, field_validator

from ..scenario import Batch, Scenario
from .base import Model, Params, Result, single_round_result


@cache
def _shipped() -> str:
    from importlib import resources

    from .. import scenarios

    fit = json.loads((resources.files(scenarios) / "deu-stack.json").read_text("utf-8"))
    return json.dumps(fit["weights"], sort_keys=True)


class StackParams(Params):
    weights: str = Field(default_factory=_shipped, description="JSON object of model → "
                         "weight (default: fitted on the DEU training part)")

    @field_validator("weights")
    @classmethod
    def _check(cls, text: str) -> str:
        from . import names

        try:
            w = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not a JSON object: {exc.msg}") from None
        if not isinstance(w, dict) or not w:
            raise ValueError("a non-empty JSON object of model → weight")
        for k, v in w.items():
            if k == "stack" or k not in names():
                raise ValueError(f"'{k}' is not a component model")
            if not isinstance(v, int | float) or isinstance(v, bool) or v < 0:
                raise ValueError(f"weight of '{k}' must be a number ≥ 0")
        if sum(w.values()) <= 0:
            raise ValueError("the weights sum to 0")
        return json.dumps(w, sort_keys=True)


def _combine(parts: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    num = den = 0.0
    for name, f in parts.items():
        ok = np.isfinite(f)
        num = num + np.where(ok, f, 0.0) * weights[name]
        den = den + ok * weights[name]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _forecast(batch: Batch, p: StackParams, rng: np.random.Generator) -> np.ndarray:
    from . import evaluate

    w = json.loads(p.weights)
    parts = {name: evaluate(name, batch, rng=rng) for name in w}  # each at its defaults
    return _combine(parts, w)


def _run(scenario: Scenario, p: StackParams, rng: np.random.Generator) -> Result:
    from . import evaluate

    w = json.loads(p.weights)
    parts = {name: np.asarray(evaluate(name, scenario, rng=rng).forecast, float)
             for name in w}
    out = _combine(parts, w)
    result = single_round_result("stack", scenario, out, p)
    for i, issue in enumerate(scenario.issues):
        result.issue_fields[issue.id] = {"components": {
            n: (float(f[i]) if np.isfinite(f[i]) else None) for n, f in parts.items()}}
    return result


MODEL = Model(
    name="stack",
    summary="stacked ensemble: convex combination of models fitted on the DEU training part",
    params=StackParams,
    run_kernel=_run,
    batch_kernel=_forecast,
    order=40,
    # exchange, a component, forecasts the issues of a proposal jointly
    per_issue=False,
    # at the shipped weights (compromise, mean, exchange)
    kernels=("_exchange_kernel:_round",),
    batch_kernels=("_exchange_kernel:forecast_draws",),
)
run, forecast_batch = MODEL.run, MODEL.forecast_batch
