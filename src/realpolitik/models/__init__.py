"""The forecasting models, their registry and the one seam that runs them.

Each module here defines ``MODEL`` (or ``MODELS``, a dict of several) — see
:mod:`realpolitik.models.base`. The registry finds them by scanning the package;
every caller runs a model through :func:`evaluate`. Importing this package loads
no model, NumPy or pydantic (the command line imports it at start-up); each
model module loads its compiled kernel only when it runs.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import types
import warnings
from functools import cache
from typing import TYPE_CHECKING, Any

from ..errors import InputError

if TYPE_CHECKING:
    from .base import RNG, Model, Params, ParamsLike, Result

__all__ = ["Model", "Params", "Result", "evaluate", "get", "names", "registry",
           "resolve_rng", "uncompiled"]

# Seconds a first compile of each kernel took (a 2-core machine, Numba 0.68), for the
# command line's notice; the batch entry of SMP compiles its scenario entry too.
COMPILE_SECONDS = {"_smp_kernel:run": 50, "_smp_kernel:run_batch": 40,
                   "_bdm_kernel:run_one": 13, "_bdm_kernel:run_batch": 12,
                   "_exchange_kernel:_round": 37, "_exchange_kernel:forecast_draws": 30,
                   "_agreement_kernel:search": 12}


def __getattr__(name: str) -> Any:  # Model, Params, Result load pydantic and NumPy
    if name in ("Model", "Params", "Result", "resolve_rng"):
        from . import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def registry() -> dict[str, Model]:
    found: list[Model] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "MODEL"):
            found.append(module.MODEL)
        found.extend(getattr(module, "MODELS", {}).values())
    found.sort(key=lambda m: (m.order, m.name))
    return {m.name: m for m in found}


def names() -> list[str]:
    return list(registry())


def get(name: str | Model) -> Model:
    if not isinstance(name, str):
        from .base import Model

        if isinstance(name, Model):
            return name
    try:
        return registry()[name]
    except KeyError:
        raise InputError(f"unknown model '{name}'", field="model",
                         allowed=", ".join(names())) from None


def evaluate(model: str | Model, data: Any, *, params: ParamsLike = None,
             rng: RNG = None) -> Any:
    """Run ``model`` (a registered name or a Model) on a Scenario (→ :class:`Result`) or a
    Batch (→ forecasts ``[B, I]``). See :meth:`Model.evaluate`."""
    return get(model).evaluate(data, params=params, rng=rng)


class _Package(types.ModuleType):
    """``realpolitik.models()`` once listed the model names; the subpackage keeps that
    working, with a warning, now that ``realpolitik.models`` is the subpackage again."""

    def __call__(self) -> list[str]:
        warnings.warn("realpolitik.models() is deprecated; use realpolitik.model_names()",
                      DeprecationWarning, stacklevel=2)
        return names()


sys.modules[__name__].__class__ = _Package


def uncompiled(models: Any, *, batch: bool = False) -> list[tuple[str, float, bool]]:
    """The compiled kernels that running ``models`` (names) on a scenario (or, ``batch``,
    on a batch) would compile first, each once: ``(name, typical seconds, cached later)``
    — ``cached later`` is False when there is no writable disk cache, so every process
    compiles. A kernel of which Numba's disk cache holds an entry for the current source
    is left out. Loads the kernel modules (and Numba) of the models that have one."""
    from ._jit import cached

    entries = dict.fromkeys(e for m in models
                            for e in (get(m).batch_kernels if batch else get(m).kernels))
    out: list[tuple[str, float, bool]] = []
    seen: set[str] = set()
    for entry in entries:
        module, _, function = entry.partition(":")
        state = cached(getattr(importlib.import_module(f"{__name__}.{module}"), function))
        label = module.strip("_").removesuffix("_kernel")
        if state is True or label in seen:
            continue
        seen.add(label)
        out.append((label, COMPILE_SECONDS.get(entry, 30), state is not None))
    return out
