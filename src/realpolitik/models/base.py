"""What every model shares: the Model, the Result, parameter handling and the one seam.

A model is a module in ``realpolitik.models`` that defines ``MODEL = Model(...)`` (or
``MODELS``, a dict of several) with two pure kernels:

* ``run_kernel(scenario, params, rng) -> Result`` — one forecast with full diagnostics;
* ``batch_kernel(batch, params, rng) -> ndarray[B, I]`` — forecasts only, for B draws at
  once (Monte Carlo, sensitivity analysis, backtests);

and ``params``, a pydantic model of its parameters whose defaults reproduce the reference
implementation. Kernels receive parameters already validated (an instance of ``params``) and
a ``numpy.random.Generator`` (never None), and draw every random number from it.

Nobody calls the kernels directly: :meth:`Model.evaluate` (``models.evaluate``) merges the
scenario's own ``model_params`` with overrides, validates them once (an
:class:`~realpolitik.errors.InputError` naming the parameter), resolves one generator from
``rng`` (:func:`resolve_rng`) and calls the kernel. See ``docs/models.md``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import InputError
from ..scenario import Batch, Scenario

if TYPE_CHECKING:  # pandas is imported where a table is built: it is slow to import
    import pandas as pd

RNG = int | np.random.Generator | None
ParamsLike = Mapping[str, Any] | BaseModel | None


class Params(BaseModel):
    """Base class of model parameters: unknown names are errors. Give every field a
    ``description`` (``realpolitik models`` and the app show it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(Params):
    pass


def resolve_rng(rng: RNG) -> tuple[np.random.Generator, int | None, int | None]:
    """The one place a run's generator is made: ``(generator, seed, entropy)``.

    ``rng`` is a seed (an int ≥ 0), a Generator (used as it is), or None (fresh entropy
    from the operating system). ``seed`` is the int given (None otherwise); ``entropy`` is
    what the generator was seeded from — the seed, or the fresh entropy, so
    ``rng=result.entropy`` repeats a run made without a seed (None for a given Generator).
    """
    if isinstance(rng, np.random.Generator):
        return rng, None, None
    if rng is None:
        sequence = np.random.SeedSequence()
        return np.random.default_rng(sequence), None, int(sequence.entropy)
    if isinstance(rng, bool) or not isinstance(rng, int | np.integer) or rng < 0:
        raise InputError(f"rng {rng!r} is not a seed or a generator", field="rng",
                         allowed="an integer >= 0, a numpy Generator, or None")
    seed = int(rng)
    return np.random.default_rng(seed), seed, seed


@dataclass(frozen=True)
class Model:
    """A registered model: its name, a one-line summary, its parameters and two kernels
    (see the module docstring). Call it through :meth:`evaluate`."""

    name: str
    summary: str
    params: type[Params]
    run_kernel: Callable[[Scenario, Any, np.random.Generator], Result]
    batch_kernel: Callable[[Batch, Any, np.random.Generator], np.ndarray]
    # Position in listings: baselines first, then the literature's models.
    order: int = 50
    # Whether every issue is forecast on its own (True) or all issues jointly.
    per_issue: bool = True
    # Whether the model forecasts every issue (False: only some, e.g. the agreement model's
    # package issues; the others are NaN).
    every_issue: bool = True
    # Parameter sets besides the defaults that the registry-wide contract test runs too
    # (tests/test_contract.py), e.g. the variants that draw random numbers.
    examples: tuple[Mapping[str, Any], ...] = ()
    # The compiled kernels (``module:function`` in this package) a scenario run and a
    # batch call first: a first call compiles them (up to a minute) unless Numba's disk
    # cache has them, which the command line checks to say so beforehand.
    kernels: tuple[str, ...] = ()
    batch_kernels: tuple[str, ...] = ()

    # --- the seam ------------------------------------------------------------------

    def evaluate(self, data: Scenario | Batch, *, params: ParamsLike = None,
                 rng: RNG = None) -> Any:
        """Run the model: a Scenario gives a :class:`Result` (trajectory and diagnostics;
        the scenario's own ``model_params`` apply, overridden by ``params``), a Batch gives
        the forecasts ``[B, I]`` (``params`` only: a batch carries no parameters).

        ``params`` is a mapping (values may be strings, as from the command line) or an
        instance of :attr:`params` (used as it is). ``rng``: see :func:`resolve_rng`.
        """
        if isinstance(data, Scenario):
            p = self.params_for(data, params)
            generator, seed, entropy = resolve_rng(rng)
            result = self.run_kernel(data, p, generator)
            return dataclasses.replace(result, scenario=data, params=p.model_dump(),
                                       seed=seed, entropy=entropy)
        if isinstance(data, Batch):
            p = self.params_for(None, params)
            generator, _, _ = resolve_rng(rng)
            out = np.asarray(self.batch_kernel(data, p, generator), dtype=float)
            expected = (data.size, data.position.shape[2])
            if out.shape != expected:  # a broken kernel, not bad input
                raise RuntimeError(f"model '{self.name}' returned forecasts of shape "
                                   f"{out.shape}, not {expected}")
            return out
        raise TypeError(f"evaluate needs a Scenario or a Batch, not {type(data).__name__}")

    def run(self, scenario: Scenario, *, rng: RNG = None, seed: int | None = None,
            **params: object) -> Result:
        """``evaluate(scenario, params=params, rng=rng)``; ``seed`` is ``rng``'s alias."""
        if seed is not None and rng is not None:
            raise InputError("give rng or seed, not both", field="seed")
        return self.evaluate(scenario, params=params, rng=seed if rng is None else rng)

    def forecast_batch(self, batch: Batch, *, rng: RNG = None, **params: object
                       ) -> np.ndarray:
        """``evaluate(batch, params=params, rng=rng)``."""
        return self.evaluate(batch, params=params, rng=rng)

    # --- parameters ----------------------------------------------------------------

    def params_for(self, scenario: Scenario | None, params: ParamsLike = None) -> Params:
        """The parameters a run on ``scenario`` uses: the scenario's own ``model_params``
        for this model (e.g. read from a KTAB XML file), overridden by ``params``. An
        instance of :attr:`params` is complete and used as it is."""
        if isinstance(params, self.params):
            return params
        if isinstance(params, BaseModel):
            raise InputError(f"parameters of type {type(params).__name__} are not for model "
                             f"'{self.name}'", field="params",
                             allowed=f"a mapping or {self.params.__name__}")
        own = scenario.model_params.get(self.name, {}) if scenario is not None else {}
        return self.validate_params({**own, **(params or {})})

    def describe_params(self) -> str:
        """Every parameter with its default, for error messages and listings."""
        return ", ".join(
            f"{k} (default {v.default!r})" for k, v in self.params.model_fields.items()
        ) or "no parameters"

    def validate_params(self, raw: Mapping[str, Any]) -> Params:
        """Parameters from keyword arguments or strings; one InputError naming the
        parameter (as ``field``) for anything wrong."""
        try:
            return self.params.model_validate(dict(raw))
        except ValidationError as exc:
            err = exc.errors()[0]
            name = str(err["loc"][0]) if err["loc"] else ""  # the parameter, not its parts
            allowed = self.describe_params()
            if err["type"] == "extra_forbidden":
                raise InputError(f"model '{self.name}' has no parameter '{name}'",
                                 field=name, allowed=allowed) from None
            if not err["loc"]:  # a rule joining several parameters
                raise InputError(
                    f"bad parameters for model '{self.name}': "
                    f"{err['msg'].removeprefix('Value error, ')}",
                    field="params", allowed=allowed) from None
            raise InputError(
                f"bad value {err.get('input')!r} for parameter '{name}' of model "
                f"'{self.name}': {err['msg']}", field=name, allowed=allowed,
            ) from None


class Tables(Mapping[str, "pd.DataFrame"]):
    """A model's diagnostics: each table is a DataFrame built from its rows on first
    access, so that a run whose caller never reads them (a forecast on the command line)
    does not import pandas (about as slow to import as NumPy itself).
    ``Tables(name=(data, columns))``: ``data`` and ``columns`` as ``pandas.DataFrame``
    takes them."""

    def __init__(self, **tables: tuple[Any, Sequence[str] | None]) -> None:
        self._specs = tables
        self._built: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._built:
            import pandas as pd

            data, columns = self._specs[name]
            self._built[name] = pd.DataFrame(data, columns=columns)
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def __repr__(self) -> str:
        return f"Tables({', '.join(self._specs)})"


@dataclass(frozen=True, eq=False)
class Result:
    """A model's forecast for one scenario.

    ``scenario`` is the Scenario the model ran on (so a display needs nothing else).
    ``trajectory[T, A, I]`` holds every actor's position per round on each issue's own
    scale (round 0 = the input; NaN where an actor has no stance). ``rounds[I]`` says how
    many rounds each issue ran (its trajectory is ``trajectory[: rounds[i] + 1, :, i]``).
    ``params`` are every parameter with the value used; ``seed`` the seed given (None for
    none) and ``entropy`` what the run's generator was seeded from (see
    :func:`resolve_rng`). ``diagnostics`` are the model's own tidy tables; ``issue_fields``
    and ``fields`` are extra JSON members per issue and at the top level.
    """

    model: str
    scenario: Scenario
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
    entropy: int | None = None

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

    def unsettled(self) -> list[tuple[str, str]]:
        """(issue, what happened) for each issue the run did not settle on (the
        ``settlement`` field a model like BDM records per issue; see ``models/settle.py``)."""
        return [(issue, f["settlement"]["text"]) for issue, f in self.issue_fields.items()
                if isinstance(f, dict) and isinstance(f.get("settlement"), dict)
                and f["settlement"]["status"] != "settled"]

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
            "scenario": self.scenario.name,
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
    stop_reason: str = "closed form",
) -> Result:
    """Result of a model that maps the input straight to a forecast (no rounds)."""
    return Result(
        model=model,
        scenario=scenario,
        actors=scenario.actor_ids,
        issues=scenario.issue_ids,
        trajectory=scenario.position[None].copy(),
        forecast=np.asarray(forecast, dtype=float),
        rounds=np.zeros(len(scenario.issues), dtype=int),
        params=params.model_dump(),
        stop_reason=stop_reason,
    )


def weights(batch: Batch) -> np.ndarray:
    """capability × salience, shape ``[B, A, I]`` (0 where an actor has no stance)."""
    return batch.capability[:, :, None] * batch.salience
