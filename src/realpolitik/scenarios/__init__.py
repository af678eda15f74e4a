"""Built-in scenarios, shipped as package data (``<name>.yaml``)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:
    from ..scenario import Scenario

DEFAULT = "russia-japan"


def names() -> list[str]:
    files = resources.files(__name__)
    return sorted(p.name[: -len(".yaml")] for p in files.iterdir() if p.name.endswith(".yaml"))


def path(name: str):
    """The packaged file of a built-in scenario."""
    if name not in names():
        raise InputError(f"no built-in scenario '{name}'", field="SCENARIO",
                         allowed=", ".join(names()) + ", or a path to a scenario file")
    return resources.files(__name__) / f"{name}.yaml"


@cache
def load(name: str) -> Scenario:
    from ..io.native import parse_yaml

    p = path(name)
    return parse_yaml(p.read_text(encoding="utf-8"), source=f"built-in:{name}")
