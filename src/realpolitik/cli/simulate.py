"""``realpolitik simulate`` and ``realpolitik sensitivity``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..models import get
from .common import (
    SCENARIO_HELP,
    OutputFormat,
    app,
    check_output,
    compile_notice,
    emit,
    load_scenario,
    parse_params,
    progress_bar,
    render,
)

if TYPE_CHECKING:
    from ..analysis.montecarlo import MonteCarloResult

# analysis.montecarlo.BLOCK (a test checks), not imported: it loads NumPy and the models
BLOCK = 1024


def render_simulation(result: MonteCarloResult, point=None) -> str:
    """The Monte Carlo table; ``point`` (the model's forecast on the scenario as given, per
    issue) is shown beside the mean."""
    from rich.table import Table

    sc = result.scenario
    title = (f"{sc.title or sc.name} — {result.model}, {result.draws:,} draws"
             + (f" of {result.draws_requested:,} (PARTIAL)" if result.partial else "")
             + f", seed {result.seed}")
    table = Table(title=title)
    cols = ("issue", *(("point",) if point is not None else ()), "mean", "median", "5%",
            "25%", "75%", "95%", "mcse", "P(≥ anchor)")
    for col in cols:
        table.add_column(col, justify="left" if col in ("issue", "P(≥ anchor)") else "right")

    def f(v: float | None) -> str:
        return "—" if v is None or v != v else f"{v:.1f}"

    for k, entry in enumerate(result.records()):
        issue = sc.issues[k]
        # an anchor at the bottom of the scale is reached by every draw: no information
        anchors = "\n".join(f"≥{a['value']:g} {a['label']}: {a['p_at_or_above']:.2f}"
                            for a in entry["anchors"] if a["value"] > issue.scale.min)
        q = entry["quantiles"]
        mcse = "—" if entry["mcse"] is None else f"{entry['mcse']:.2f}"
        shown = (f(float(point[k])),) if point is not None else ()
        table.add_row(entry["id"], *shown, f(entry["mean"]), f(entry["median"]), f(q["5"]),
                      f(q["25"]), f(q["75"]), f(q["95"]), mcse, anchors)
    return render(table, *(f"note: {note}" for note in result.notes))


@app.command()
def simulate(
    scenario: Annotated[str | None, typer.Argument(help=SCENARIO_HELP)] = None,
    model: Annotated[str, typer.Option("--model", "-m", help="Model to run.")] = "compromise",
    draws: Annotated[int, typer.Option("--draws", "-n", help="Number of draws.")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed: same seed, same numbers.")] = 0,
    param: Annotated[list[str] | None, typer.Option("--param", "-p",
                                                    help="Model parameter NAME=VALUE.")] = None,
    widen: Annotated[float, typer.Option(
        help="Add ± this fraction around every number without declared uncertainty.")] = 0.0,
    chunk_size: Annotated[int, typer.Option(
        help=f"Draws per task (whole blocks of {BLOCK}); bounds memory.")] = 4 * BLOCK,
    workers: Annotated[int, typer.Option(help="Local worker processes.")] = 1,
    scheduler: Annotated[str | None, typer.Option(
        help="Address of a Dask distributed scheduler to run on.")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    progress: Annotated[bool | None, typer.Option(
        "--progress/--no-progress", help="Progress bar (default: when stderr is a terminal).")
    ] = None,
) -> None:
    """Monte Carlo: the forecast's distribution under the scenario's uncertainty."""
    check_output(output)
    from ..analysis.montecarlo import simulate as run_simulation

    get(model)
    sc = load_scenario(scenario)
    compile_notice([model], batch=True, show=progress)
    with progress_bar("simulating", progress, unit="draws") as callback:
        result = run_simulation(sc, model, draws, seed, params=parse_params(param),
                                widen=widen, chunk_size=chunk_size, workers=workers,
                                scheduler=scheduler, progress=callback)
    if result.partial:
        print(f"realpolitik: interrupted; the output holds {result.draws:,} of "
              f"{result.draws_requested:,} draws (partial)", file=sys.stderr)
    if fmt is OutputFormat.json:
        text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False)
    elif fmt is OutputFormat.csv:
        rows = ["issue,n,mean,median,sd,mcse,q5,q25,q75,q95"]
        for e in result.records():
            q = e["quantiles"]
            vals = [e["n"], e["mean"], e["median"], e["sd"], e["mcse"], q["5"], q["25"],
                    q["75"], q["95"]]
            rows.append(",".join([e["id"], *("" if v is None else repr(v) for v in vals)]))
        text = "\n".join(rows)
    else:
        from .. import forecast as point_forecast

        compile_notice([model], show=progress)
        point = point_forecast(sc, model, seed=seed, **parse_params(param)).forecast
        text = render_simulation(result, point)
    emit(text, output)


@app.command()
def sensitivity(
    scenario: Annotated[str | None, typer.Argument(help=SCENARIO_HELP)] = None,
    model: Annotated[str, typer.Option("--model", "-m")] = "compromise",
    method: Annotated[str, typer.Option(
        help="tornado (one at a time), sobol or morris (global, via SALib).")] = "tornado",
    delta: Annotated[float, typer.Option(
        help="± fraction for inputs without declared uncertainty.")] = 0.1,
    samples: Annotated[int, typer.Option(help="Base samples for sobol/morris.")] = 256,
    top: Annotated[int, typer.Option(help="Rows per issue in the table.")] = 5,
    seed: Annotated[int, typer.Option()] = 0,
    param: Annotated[list[str] | None, typer.Option("--param", "-p")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    progress: Annotated[bool | None, typer.Option(
        "--progress/--no-progress", help="Progress bar (default: when stderr is a terminal).")
    ] = None,
) -> None:
    """Which actors' positions, saliences and capabilities move each forecast most."""
    check_output(output)
    from rich.table import Table

    from ..analysis.sensitivity import global_indices, tornado

    get(model)
    sc = load_scenario(scenario)
    params = parse_params(param)
    compile_notice([model], batch=True, show=progress)
    with progress_bar(f"{method}: {model} runs", progress) as callback:
        if method == "tornado":
            frame = tornado(sc, model, delta=delta, params=params, seed=seed,
                            progress=callback)
        else:
            frame = global_indices(sc, model, method=method, samples=samples, delta=delta,
                                   seed=seed, params=params, progress=callback)
    key = {"tornado": "swing", "sobol": "ST"}.get(method, "mu_star")
    if fmt is OutputFormat.json:
        text = frame.to_json(orient="records", indent=2, force_ascii=False, double_precision=15)
    elif fmt is OutputFormat.csv:
        text = frame.to_csv(index=False, float_format="%.12g")
    else:
        table = Table(title=f"{sc.title or sc.name} — {model}, {method} (top {top} per issue)")
        cols = [c for c in frame.columns]
        for c in cols:
            table.add_column(c)
        for _, group in frame.groupby("issue", sort=False):
            for _, row in group.sort_values(key, ascending=False, kind="stable").head(top) \
                    .iterrows():
                table.add_row(*[f"{v:.3g}" if isinstance(v, float) else str(v)
                                for v in row.tolist()])
        text = render(table)
    emit(text, output)
