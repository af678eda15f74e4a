"""realpolitik: model and forecast multi-actor negotiations.

>>> import realpolitik as rp
>>> scenario = rp.load("russia-japan")
>>> result = rp.forecast(scenario, model="compromise")
>>> result.forecast_frame()
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .errors import InputError
from .models import Result
from .scenario import Batch, Scenario

__all__ = ["Batch", "InputError", "Result", "Scenario", "forecast", "load", "models", "save"]
__version__ = "0.1.0"


def load(name_or_path: str | Path, *, fmt: str | None = None, **options: object) -> Scenario:
    """A built-in scenario by name, or a scenario file in any supported format."""
    from . import io, scenarios

    text = str(name_or_path)
    if isinstance(name_or_path, str) and text in scenarios.names():
        return scenarios.load(text)
    path = Path(name_or_path)
    if not path.exists() and isinstance(name_or_path, str) and "/" not in text \
            and "." not in text:
        raise InputError(f"no built-in scenario or file '{text}'", field="SCENARIO",
                         allowed=", ".join(scenarios.names()) + ", or a path to a file")
    return io.read(path, fmt=fmt, **options)


def save(scenario: Scenario, path: str | Path, *, fmt: str | None = None) -> None:
    """Write a scenario (native YAML/JSON, or another format by suffix or ``fmt``)."""
    from . import io

    io.write(scenario, path, fmt=fmt)


def forecast(scenario: Scenario | str | Path, model: str = "compromise", *,
             seed: int | None = None, **params: object) -> Result:
    """Run one model on a scenario (a Scenario, a built-in name or a file path)."""
    from .models import get

    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    rng = np.random.default_rng(seed)
    merged = {**scenario.model_params.get(model, {}), **params}
    return get(model).run(scenario, rng=rng, seed=seed, **merged)


def models() -> list[str]:
    """Names of every registered model."""
    from .models import names

    return names()
