"""``realpolitik plot`` and ``realpolitik report``."""

from __future__ import annotations

import contextlib
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError
from ..models import evaluate, get
from .common import (
    PROGRESS_OPTION,
    SCENARIO_HELP,
    app,
    check_output,
    compile_notice,
    emit,
    load_scenario,
    parse_params,
    progress_bar,
)


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
    check_output(output)
    from ..report import plots

    if output.suffix.lower() not in (".png", ".svg"):
        raise InputError(f"unknown figure format '{output.suffix}'", field="--output",
                         allowed="a .png or .svg file")
    sc = load_scenario(scenario)
    if issue is not None:
        sc.issue_index(issue)
    params = parse_params(param)
    if kind is PlotKind.trajectory:
        result = evaluate(model, sc, params=params, rng=seed)
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
    progress: Annotated[bool | None, PROGRESS_OPTION] = None,
) -> None:
    """Write one self-contained HTML report (no network, no scripts)."""
    check_output(output)
    from ..report.html import build

    sc = load_scenario(scenario)
    for m in model or []:
        get(m)
    chosen = list(whatif or [])
    if chosen == ["all"]:
        from ..analysis.whatif import builtin_overlays

        chosen = builtin_overlays(sc.name)
    from ..models import names

    compile_notice(model or names(), show=progress)
    if draws:
        compile_notice([*(["compromise"] if not model or "compromise" in model else model[:1]),
                        *(["agreement"] if sc.agreement else [])], batch=True, show=progress)
    with progress_bar("report", progress, count=False) as callback:
        html = build(sc, models=model, whatifs=chosen, draws=draws, seed=seed,
                     progress=callback)
    from ..io import atomic_write

    atomic_write(output, html)
    emit(f"wrote {output} ({len(html.encode('utf-8')):,} bytes)", None)


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8501,
    host: Annotated[str, typer.Option(
        help="Address to bind; the default serves this machine only.")] = "127.0.0.1",
) -> None:
    """Start the web app (Streamlit) in the foreground; Ctrl-C stops it."""
    import subprocess
    import sys
    from importlib import resources

    if not 1 <= port <= 65535:
        raise InputError(f"port {port} is out of range", field="--port", allowed="1 to 65535")
    try:
        import streamlit  # noqa: F401
    except ImportError:
        raise InputError("the web app needs Streamlit", field="serve",
                         allowed="pip install 'realpolitik[app]'") from None
    app_file = resources.files("realpolitik.app") / "streamlit_app.py"
    command = [sys.executable, "-m", "streamlit", "run", str(app_file),
               "--server.address", host, "--server.port", str(port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.maxUploadSize", "2", "--server.fileWatcherType", "none",
               "--global.developmentMode", "false", "--client.toolbarMode", "viewer"]
    emit(f"realpolitik app on http://{host}:{port} (Ctrl-C to stop)", None)
    with contextlib.suppress(KeyboardInterrupt):
        subprocess.run(command, check=False)
