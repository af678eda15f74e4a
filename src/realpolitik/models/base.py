"""What every model shares: the Result, the model description and parameter handling.

A model is a module in ``realpolitik.models`` that defines ``MODEL = Model(...)``:

* ``run(scenario, *, rng=None, **params) -> Result`` — one forecast with full diagnostics;
* ``forecast_batch(batch, *, rng=None, **params) -> ndarray[B, I]`` — forecasts only, for
  B draws at once (Monte Carlo, sensitivity analysis). ``params`` are already validated.
* ``params`` — a pydantic model of the parameters, with defaults that reproduce the
  reference implementation. The CLI's ``--param key=value`` goes through it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import InputError
from ..scenario import Batch, Scenario

if TYPE_CHECKING:  # pandas is imported where a table is built: it is slow to import
    import pandas as pd


class Params(BaseModel):
    """Base class of model parameters: unknown names are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(Params):
    pass


@dataclass(frozen=True)
class Model:
    name: str
    summary: str
    params: type[Params]
    run: Callable[..., Result]
    forecast_batch: Callable[..., np.ndarray]
    # Position in listings: baselines first, then the literature's models.
    order: int = 50
    # Whether every issue is forecast on its own (True) or all issues jointly.
    per_issue: bool = True

    def params_for(self, scenario: Scenario | None,
                   params: Mapping[str, Any] | None = None) -> Params:
        """The parameters a run on ``scenario`` uses: the scenario's own ``model_params``
        for this model (e.g. read from a KTAB XML file), overridden by ``params``."""
        own = scenario.model_params.get(self.name, {}) if scenario is not None else {}
        return self.validate_params({**own, **(params or {})})

    def validate_params(self, raw: Mapping[str, Any]) -> Params:
        """Parameters from keyword arguments or CLI strings, with clear errors."""
        try:
            return self.params.model_validate(dict(raw))
        except ValidationError as exc:
            err = exc.errors()[0]
            name = ".".join(str(p) for p in err["loc"]) or "params"
            allowed = ", ".join(
                f"{k} (default {v.default!r})" for k, v in self.params.model_fields.items()
            ) or "no parameters"
            if err["type"] == "extra_forbidden":
                raise InputError(f"model '{self.name}' has no parameter '{name}'",
                                 field="--param", allowed=allowed) from None
            if not err["loc"]:  # a rule joining several parameters
                raise InputError(
                    f"bad parameters for model '{self.name}': "
                    f"{err['msg'].removeprefix('Value error, ')}",
                    field="--param", allowed=allowed) from None
            raise InputError(
                f"bad value {err.get('input')!r} for parameter '{name}' of model "
                f"'{self.name}': {err['msg']}",
                field="--param", allowed=allowed,
            ) from None


@dataclass(frozen=True, eq=False)
class Result:
    """A model's forecast for one scenario.

    ``trajectory[T, A, I]`` holds every actor's position per round on each issue's own
    scale (round 0 = the input; NaN where an actor has no stance). ``rounds[I]`` says how
    many rounds each issue ran (its trajectory is ``trajectory[: rounds[i] + 1, :, i]``).
    ``diagnostics`` are the model's own tidy tables; ``issue_fields`` and ``fields`` are
    extra JSON members per issue and at the top level.
    """

    model: str
    scenario: str
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    trajectory: np.ndarray
    forecast: np.ndarray
    rounds: np.ndarray
    params: Mapping[str, Any] = field(default_factory=dict)
    seed: int | None = None
    stop_reason: str = ""
    diagnostics: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    issue_fields: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    fields: Mapping[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Tidy trajectory: one row per round, actor and issue."""
        import pandas as pd

        rows = []
        for i, issue in enumerate(self.issues):
            for t in range(int(self.rounds[i]) + 1):
                for a, actor in enumerate(self.actors):
                    value = self.trajectory[t, a, i]
                    if not math.isnan(value):
                        rows.append((self.model, issue, t, actor, float(value)))
        return pd.DataFrame(rows, columns=["model", "issue", "round", "actor", "position"])

    def forecast_frame(self) -> pd.DataFrame:
        """One row per issue: the forecast and the rounds run."""
        import pandas as pd

        return pd.DataFrame(
            {
                "model": self.model,
                "issue": list(self.issues),
                "forecast": self.forecast.astype(float),
                "rounds": self.rounds.astype(int),
            }
        )

    def _repr_html_(self) -> str:  # Jupyter: forecasts with anchors, a small plot
        from ..report.notebook import result_html
        from ..scenarios import load, names

        scenario = load(self.scenario) if self.scenario in names() else None
        return result_html(self, scenario)

    def to_dict(self) -> dict[str, Any]:
        """The JSON output contract (``docs/json-output.md``)."""
        issues = []
        for i, issue in enumerate(self.issues):
            entry: dict[str, Any] = {
                "id": issue,
                "forecast": json_number(self.forecast[i]),
                "rounds": int(self.rounds[i]),
                "trajectory": [
                    [json_number(v) for v in self.trajectory[t, :, i]]
                    for t in range(int(self.rounds[i]) + 1)
                ],
            }
            entry.update(self.issue_fields.get(issue, {}))
            issues.append(entry)
        out: dict[str, Any] = {
            "scenario": self.scenario,
            "model": self.model,
            "params": dict(self.params),
            "seed": self.seed,
            "actors": list(self.actors),
            "issues": issues,
        }
        out.update(self.fields)
        return out


def json_number(value: float) -> float | None:
    """A float for JSON, or None for NaN/inf (JSON has no NaN)."""
    v = float(value)
    return v if math.isfinite(v) else None


def single_round_result(
    model: str, scenario: Scenario, forecast: np.ndarray, params: Params,
    seed: int | None = None, stop_reason: str = "closed form",
) -> Result:
    """Result of a model that maps the input straight to a forecast (no rounds)."""
    return Result(
        model=model,
        scenario=scenario.name,
        actors=scenario.actor_ids,
        issues=scenario.issue_ids,
        trajectory=scenario.position[None].copy(),
        forecast=np.asarray(forecast, dtype=float),
        rounds=np.zeros(len(scenario.issues), dtype=int),
        params=params.model_dump(),
        seed=seed,
        stop_reason=stop_reason,
    )


def weights(batch: Batch) -> np.ndarray:
    """capability × salience, shape ``[B, A, I]`` (0 where an actor has no stance)."""
    return batch.capability[:, :, None] * batch.salience
