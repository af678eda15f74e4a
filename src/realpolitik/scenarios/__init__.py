"""Built-in scenarios, shipped as package data (``<name>.yaml``)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..errors import InputError

if TYPE_CHECKING:
    from ..scenario import Scenario

DEFAULT = "russia-japan"


def folder(name: str) -> Any:
    """The package folder holding a built-in scenario's what-ifs, snapshots, timeline and
    coded outcomes (a ``Traversable``; it need not exist)."""
    return resources.files(__name__) / name


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
    import yaml

    text = path(name).read_text(encoding="utf-8")
    source = f"built-in:{name}"
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:  # PyYAML built without libyaml
        from ..io.native import parse_yaml

        return parse_yaml(text, source=source)
    # A packaged file, which the tests also read with the strict parser (duplicate keys,
    # bounds; the same scenario): libyaml's C parser reads it about 6x faster than the
    # pure-Python one the strict parser builds on, 0.1 s of every command on a built-in.
    from ..io.validate import build_scenario

    return build_scenario(yaml.load(text, Loader=loader), source=source)
