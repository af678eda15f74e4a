"""Starting and converting scenarios: ``new``, ``convert`` and ``examples``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError
from .common import app, emit, load_scenario


def _refuse_existing(path: Path, force: bool, option: str) -> None:
    if path.exists() and not force:
        raise InputError("the file exists already", source=path, field=option,
                         allowed="a new file name, or --force to replace it")


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="The scenario's name (its id), e.g. my-case.")],
    actors: Annotated[int, typer.Option("--actors", help="How many actors.", min=1,
                                        max=500)] = 3,
    issues: Annotated[int, typer.Option("--issues", help="How many issues.", min=1,
                                        max=50)] = 2,
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="File to write (default NAME.yaml; "
                                                     ".json or .xlsx by suffix).")] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing file.")] = False,
) -> None:
    """Write a scenario template that validates: fill in the names, numbers and quotes."""
    from ..io import atomic_write, dumps
    from ..templates import template, template_yaml

    target = output or Path(f"{name}.yaml")
    _refuse_existing(target, force, "--output")
    if target.suffix.lower() in (".yaml", ".yml"):
        atomic_write(target, template_yaml(name, actors, issues))
    else:
        atomic_write(target, dumps(template(name, actors, issues), target))
    emit(f"wrote {target}: {actors} actors, {issues} issues — edit it, then "
         f"`realpolitik validate {target}`", None)


@app.command()
def convert(
    source: Annotated[str, typer.Argument(help="The scenario file to read (or a built-in "
                                               "name).")],
    target: Annotated[Path, typer.Argument(help="The file to write; its suffix picks the "
                                                "format (see `realpolitik formats`).")],
    input_format: Annotated[str | None, typer.Option("--input-format")] = None,
    output_format: Annotated[str | None, typer.Option("--output-format",
                                                      help="A writer name.")] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing file.")] = False,
) -> None:
    """Convert a scenario between formats (native YAML/JSON, xlsx, KTAB, BDM table, decide)."""
    from ..io import write

    _refuse_existing(target, force, "TARGET")
    sc = load_scenario(source, fmt=input_format)
    write(sc, target, fmt=output_format)
    emit(f"wrote {target}: scenario '{sc.name}' with {len(sc.actors)} actors, "
         f"{len(sc.issues)} issues, {len(sc.stances)} stances", None)


@app.command()
def examples(
    directory: Annotated[Path, typer.Argument(help="Folder to write the files into.")] = Path(
        "examples"),
    force: Annotated[bool, typer.Option(help="Replace existing files.")] = False,
) -> None:
    """Write small example files of every input format (the README's tour uses them)."""
    from ..templates import example_files

    files = example_files()
    if directory.exists() and not directory.is_dir():
        raise InputError("exists and is not a folder", source=directory,
                         allowed="a folder, or a name for a new one")
    clash = [n for n in files if (directory / n).exists()]
    if clash and not force:
        raise InputError(f"'{clash[0]}' exists already", source=directory,
                         allowed="an empty or new folder, or --force to replace the files")
    from ..io import atomic_write

    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        atomic_write(directory / name, content)
    emit("\n".join(f"wrote {directory / n}" for n in files), None)
