"""Reader and writer registry.

Each module in ``realpolitik.io`` may define ``READER`` and ``WRITER`` (or ``WRITERS``, a
tuple); they are found by scanning the package, so a new format is one new module.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..scenario import Scenario


@dataclass(frozen=True)
class Reader:
    """A scenario file format that can be read.

    ``sniff(text)`` says whether a file with one of ``suffixes`` is in this format;
    among readers that accept a file, the highest ``priority`` wins, so a format with a
    distinctive signature ranks above a general one. ``parse(text, source, **options)``
    returns a Scenario or raises InputError.
    """

    name: str
    description: str
    suffixes: tuple[str, ...]
    sniff: Callable[[str], bool]
    parse: Callable[..., Scenario]
    priority: int = 0
    # encodings tried after UTF-8 for files of this format's suffixes
    encodings: tuple[str, ...] = ()
    # keyword options that parse() accepts (anything else is an error, not ignored)
    options: tuple[str, ...] = ()
    # sniff and parse take the file's bytes instead of its text (spreadsheets)
    binary: bool = False

    def read(self, text: str, source, **options: object) -> Scenario:
        from ..errors import InputError

        unknown = sorted(set(options) - set(self.options))
        if unknown:
            raise InputError(f"the {self.name} reader has no option '{unknown[0]}'",
                             source=source, field="options",
                             allowed=", ".join(self.options) or "no options")
        return self.parse(text, source, **options)


@dataclass(frozen=True)
class Writer:
    """A scenario file format that can be written: ``dump(scenario) -> text`` (or bytes)."""

    name: str
    description: str
    suffixes: tuple[str, ...]
    dump: Callable[[Scenario], str | bytes]


@cache
def _modules() -> tuple[object, ...]:
    from .. import io as package

    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name in {"registry", "validate"}:
            continue
        found.append(importlib.import_module(f"{package.__name__}.{info.name}"))
    return tuple(found)


def readers() -> list[Reader]:
    found = [m.READER for m in _modules() if hasattr(m, "READER")]
    found += [r for m in _modules() for r in getattr(m, "READERS", ())]
    return sorted(found, key=lambda r: (-r.priority, r.name))


def writers() -> list[Writer]:
    found = [m.WRITER for m in _modules() if hasattr(m, "WRITER")]
    found += [w for m in _modules() for w in getattr(m, "WRITERS", ())]
    return sorted(found, key=lambda w: w.name)


def reader_named(name: str) -> Reader | None:
    return next((r for r in readers() if r.name == name), None)


def suffix_of(path: str | Path) -> str:
    return Path(path).suffix.lower()
