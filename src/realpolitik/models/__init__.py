"""The forecasting models and their registry.

Each module here defines ``MODEL`` (or ``MODELS``, a dict of several) — see
:mod:`realpolitik.models.base`. The registry finds them by scanning the package.
Importing this package loads no model, NumPy or pydantic (the command line imports it
at start-up); each model module loads its compiled kernel only when it runs.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import TYPE_CHECKING, Any

from ..errors import InputError

if TYPE_CHECKING:
    from .base import Model, Params, Result

__all__ = ["Model", "Params", "Result", "get", "names", "registry"]


def __getattr__(name: str) -> Any:  # Model, Params, Result load pydantic and NumPy
    if name in ("Model", "Params", "Result"):
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


def get(name: str) -> Model:
    try:
        return registry()[name]
    except KeyError:
        raise InputError(f"unknown model '{name}'", field="--model",
                         allowed=", ".join(names())) from None
