"""Shared pieces of the command line: the app, scenario loading, parameters, output.

Command modules import only typer and this package at the top; everything a command needs
(NumPy, pydantic, pandas, the models, rich tables) is imported inside the command, so
``realpolitik --help`` and each command load only what they use (a test checks).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

    from ..scenario import Scenario

app = typer.Typer(
    name="realpolitik",
    help="Model and forecast multi-actor negotiations. "
    "With no scenario, commands use the built-in Russia–Japan model.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

class OutputFormat(StrEnum):
    """``--format`` of every command that prints results."""

    table = "table"
    json = "json"
    csv = "csv"


# ``--progress/--no-progress`` of every command that can take a while
PROGRESS_OPTION = typer.Option(
    "--progress/--no-progress",
    help="Progress bar on stderr (default: when stderr is a terminal).")

SCENARIO_HELP = (
    "A built-in scenario name (see `realpolitik scenarios`) or a scenario file: native "
    "YAML/JSON, or another tool's format (KTAB, BDM table, decide) as readers exist."
)


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=False, width=None if sys.stdout.isatty() else 120)


def showing(show: bool | None) -> bool:
    """Whether to show progress: as asked, else when stderr is a terminal."""
    return sys.stderr.isatty() if show is None else show


@contextlib.contextmanager
def progress_bar(label: str, show: bool | None = None, unit: str | None = None,
                 count: bool = True) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr while the block runs (when stderr is a terminal, or
    when asked); yields the ``progress(done, total)`` callback that the layers below call,
    or None when nothing is shown (they then skip the calls). ``unit`` adds a rate
    ("draws/s"); ``count`` False leaves out "done/total" (for work measured in
    :class:`realpolitik.analysis.Steps` ticks). A total may change between calls."""
    if not showing(show):
        yield None
        return
    import time

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = [SpinnerColumn(), TextColumn(label), BarColumn(),
               *([MofNCompleteColumn()] if count else []), TaskProgressColumn()]
    if unit:
        columns.append(TextColumn(f"{{task.fields[rate]}} {unit}/s"))
    columns += [TimeElapsedColumn(), TextColumn("elapsed,"), TimeRemainingColumn(),
                TextColumn("left")]
    bar = Progress(*columns, console=console(stderr=True), transient=True)
    task = bar.add_task(label, total=None, rate="—")
    start = time.perf_counter()

    def update(done: int, total: int) -> None:
        rate = done / max(time.perf_counter() - start, 1e-9)
        bar.update(task, completed=done, total=total, rate=f"{rate:,.0f}")

    with bar:
        yield update


def compile_notice(models: Iterable[str], *, batch: bool = False,
                   show: bool | None = None) -> None:
    """One line on stderr per compiled kernel that running ``models`` will compile first
    (no disk cache entry yet), shown as progress is."""
    if not showing(show):
        return
    from ..models import uncompiled

    for name, seconds, later in uncompiled(models, batch=batch):
        when = ("later runs use the cache" if later
                else "no writable cache, so every run compiles it")
        print(f"realpolitik: compiling the {name} kernel once (about {seconds:.0f} s); {when}"
              if later else f"realpolitik: compiling the {name} kernel (about "
              f"{seconds:.0f} s); {when}", file=sys.stderr, flush=True)


def load_scenario(spec: str | None, *, fmt: str | None = None, **options: object) -> Scenario:
    from .. import load
    from ..scenarios import DEFAULT

    return load(spec or DEFAULT, fmt=fmt, **options)


def parse_params(items: list[str] | None) -> dict[str, str]:
    """``["rounds=10", "q=0.5"]`` → ``{"rounds": "10", "q": "0.5"}``."""
    params: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or not key:
            raise InputError(f"'{item}' is not of the form NAME=VALUE", field="--param",
                             allowed="NAME=VALUE, e.g. rounds=10")
        if key in params:
            raise InputError(f"parameter '{key}' given twice", field="--param",
                             allowed="each parameter once")
        params[key] = value.strip()
    return params


def render(*renderables: object) -> str:
    """Rich renderables (tables, text) as plain text for stdout or a file."""
    import io

    buffer = io.StringIO()
    out = console()
    out.file = buffer
    for r in renderables:
        out.print(r)
    return buffer.getvalue()


def column_groups(fixed: int, widths: list[int], width: int) -> list[list[int]]:
    """Indices of columns of text ``widths`` in runs that fit a terminal ``width`` beside
    ``fixed`` characters of leading columns: one table per run, none cut or squeezed."""
    groups: list[list[int]] = [[]]
    used = fixed + 1  # the right border
    for k, w in enumerate(widths):
        if groups[-1] and used + w + 3 > width:  # a cell's padding and border: 3
            groups.append([])
            used = fixed + 1
        groups[-1].append(k)
        used += w + 3
    return groups


def check_output(output: Path | None) -> None:
    """Refuse a bad ``--output`` before any work is done (see :func:`io.check_output`)."""
    if output is not None:
        from ..io import check_output as check

        check(output)


def emit(text: str, output: Path | None) -> None:
    """Print to stdout, or write the whole file atomically."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from ..io import atomic_write

    atomic_write(output, text if text.endswith("\n") else text + "\n")


# The command line's words for the Python names the layers below use in errors: the
# options that take the same name as a keyword argument, and the few that differ.
FLAGS = {"options": "--read-option", "fmt": "--input-format", "path": "--output",
         "model": "--model", "params": "--param"}
SAME_NAME = ("draws", "workers", "chunk_size", "scheduler", "widen", "delta", "method",
             "samples",
             "weights", "institutions", "split", "seed", "date", "input", "source", "data")


def in_cli_words(exc: InputError) -> InputError:
    """The error with its field named as the command line spells it: ``draws`` →
    ``--draws``; a model parameter ``q`` → ``--param q``. Errors located in a file (with
    a source) keep their field paths."""
    if exc.allowed and "the reader option " in exc.allowed:  # as the command line spells it
        exc = InputError(exc.problem, source=exc.source, line=exc.line, field=exc.field,
                         allowed=exc.allowed.replace("the reader option ", "--read-option "))
    field = exc.field
    if field == "path" and exc.source:  # the output file: its own path is the source
        return InputError(exc.problem, source=exc.source, line=exc.line, field="--output",
                          allowed=exc.allowed)
    if not field or exc.source:
        return exc
    if field in FLAGS:
        flag = FLAGS[field]
    elif field in SAME_NAME:
        flag = "--" + field.replace("_", "-")
    elif field.isidentifier() and field in _model_parameters():
        flag = f"--param {field}"
    else:
        return exc
    return InputError(exc.problem, line=exc.line, field=flag, allowed=exc.allowed)


def _model_parameters() -> set[str]:
    from ..models import registry

    return {name for m in registry().values() for name in m.params.model_fields}
