"""The forecasting models and their registry.

Each module here defines ``MODEL`` (or ``MODELS``, a dict of several) — see
:mod:`realpolitik.models.base`. The registry finds them by scanning the package.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from ..errors import InputError
from .base import Model, Params, Result

__all__ = ["Model", "Params", "Result", "get", "names", "registry"]


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
