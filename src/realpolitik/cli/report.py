"""``realpolitik plot`` and ``realpolitik report``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError
from ..models import get
from .common import SCENARIO_HELP, app, emit, load_scenario, parse_params


class PlotKind(StrEnum):
    trajectory = "trajectory"
    actors = "actors"
    distribution = "distribution"
    tornado = "tornado"
    whatif = "whatif"
    timeline = "timeline"


@app.command()
def plot(
    kind: Annotated[PlotKind, typer.Argument(help="What to draw.")],
    scenario: Annotated[str | None, typer.Argument(help=SCENARIO_HELP)] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="A .png or .svg file.")] = Path(
        "plot.svg"),
    issue: Annotated[str | None, typer.Option(help="Issue id (default: the first).")] = None,
    model: Annotated[str, typer.Option("--model", "-m")] = "bdm",
    param: Annotated[list[str] | None, typer.Option("--param", "-p")] = None,
    draws: Annotated[int, typer.Option(help="Draws for a distribution plot.")] = 2000,
    whatif: Annotated[str | None, typer.Option(help="Overlay for a what-if plot.")] = None,
    seed: Annotated[int, typer.Option()] = 0,
    widen: Annotated[float, typer.Option(help="± fraction for a distribution plot.")] = 0.0,
) -> None:
    """Draw one figure to a PNG or SVG file."""
    from ..report import plots

    if output.suffix.lower() not in (".png", ".svg"):
        raise InputError(f"unknown figure format '{output.suffix}'", field="--output",
                         allowed="a .png or .svg file")
    sc = load_scenario(scenario)
    if issue is not None:
        sc.issue_index(issue)
    params = parse_params(param)
    if kind is PlotKind.trajectory:
        result = get(model).run(sc, **get(model).validate_params(params).model_dump())
        fig = plots.trajectory(result, sc, issue)
    elif kind is PlotKind.actors:
        fig = plots.actor_map(sc, issue)
    elif kind is PlotKind.distribution:
        from ..analysis.montecarlo import simulate

        mc = simulate(sc, model, draws, seed, params=params, widen=widen)
        fig = plots.distribution(mc.forecasts, sc, issue, model)
    elif kind is PlotKind.tornado:
        from ..analysis.sensitivity import tornado

        fig = plots.tornado(tornado(sc, model, params=params, seed=seed), sc, issue)
    elif kind is PlotKind.whatif:
        from ..analysis.whatif import compare, load_overlay

        if whatif is None:
            raise InputError("a what-if plot needs --whatif", field="--whatif",
                             allowed="an overlay file or a built-in what-if name, e.g. 000")
        overlay = load_overlay(whatif, sc.name)
        fig = plots.whatif(compare(sc, overlay, None, seed=seed), overlay.name)
    else:
        from ..analysis.timeline import load_timeline

        fig = plots.timeline(load_timeline(sc.name).to_frame())
    plots.save(fig, output)
    emit(f"wrote {output}", None)


@app.command()
def report(
    scenario: Annotated[str | None, typer.Argument(help=SCENARIO_HELP)] = None,
    output: Annotated[Path, typer.Option("--output", "-o")] = Path("report.html"),
    model: Annotated[list[str] | None, typer.Option("--model", "-m")] = None,
    whatif: Annotated[list[str] | None, typer.Option(
        help="What-if overlays to include (files or built-in names); 'all' for every "
             "built-in one.")] = None,
    draws: Annotated[int, typer.Option(help="Monte Carlo draws (0: none).")] = 0,
    seed: Annotated[int, typer.Option()] = 0,
) -> None:
    """Write one self-contained HTML report (no network, no scripts)."""
    from ..report.html import build

    sc = load_scenario(scenario)
    for m in model or []:
        get(m)
    chosen = list(whatif or [])
    if chosen == ["all"]:
        from ..analysis.whatif import builtin_overlays

        chosen = builtin_overlays(sc.name)
    html = build(sc, models=model, whatifs=chosen, draws=draws, seed=seed)
    from ..io import atomic_write

    atomic_write(output, html)
    emit(f"wrote {output} ({len(html.encode('utf-8')):,} bytes)", None)
