"""``realpolitik forecast``: run models on a scenario."""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import InputError
from ..models import evaluate, get, names
from .common import (
    SCENARIO_HELP,
    OutputFormat,
    app,
    check_output,
    column_groups,
    compile_notice,
    console,
    emit,
    load_scenario,
    parse_params,
    render,
)

if TYPE_CHECKING:
    from ..models import Result
    from ..scenario import Scenario


def params_for(models: list[str], raw: dict[str, str]) -> dict[str, dict[str, str]]:
    """Split ``--param`` values among models: ``key=v`` goes to every selected model that
    has ``key``; ``model.key=v`` to that model only."""
    out: dict[str, dict[str, str]] = {m: {} for m in models}
    for key, value in raw.items():
        model, dot, name = key.rpartition(".")
        if dot:
            if model not in out:
                raise InputError(f"parameter '{key}' names model '{model}', which is not "
                                 "selected", field="--param", allowed=", ".join(models))
            out[model][name] = value
            continue
        takers = [m for m in models if key in get(m).params.model_fields]
        if not takers:
            raise InputError(f"no selected model has a parameter '{key}'", field="--param",
                             allowed="; ".join(
                                 f"{m}: {', '.join(get(m).params.model_fields) or 'none'}"
                                 for m in models))
        for m in takers:
            out[m][key] = value
    return out


def run_models(scenario: Scenario, models: list[str], raw_params: dict[str, str],
               seed: int | None, progress: bool | None = False) -> list[Result]:
    """Run each model (with the scenario's own parameters, overridden by ``--param``).
    ``progress`` (None: when stderr is a terminal) shows which model is running and how
    long each took, on stderr."""
    per_model = params_for(models, raw_params)
    try:  # every parameter checked before anything runs
        params = {name: get(name).params_for(scenario, per_model[name]) for name in models}
    except InputError as exc:  # a parameter of a model, named as --param says it
        raise InputError(exc.problem, field=f"--param {exc.field}" if exc.field else None,
                         allowed=exc.allowed) from None
    show = sys.stderr.isatty() if progress is None else progress
    compile_notice(models, show=show)
    err = console(stderr=True) if show else None
    results = []
    for k, name in enumerate(models, start=1):
        start = time.perf_counter()
        if err is None:
            results.append(evaluate(name, scenario, params=params[name], rng=seed))
            continue
        with err.status(f"{name} ({k} of {len(models)}) on {scenario.name}…"):
            results.append(evaluate(name, scenario, params=params[name], rng=seed))
        err.print(f"{name}: {time.perf_counter() - start:.2f} s")
    return results


def _fmt(value: float) -> str:
    return "—" if not math.isfinite(value) else f"{value:.1f}"


def _anchor_label(scenario: Scenario, issue_index: int, value: float) -> str:
    issue = scenario.issues[issue_index]
    anchor = scenario.nearest_anchor(issue.id, value)
    if anchor:
        return f"{anchor.value:g}: {anchor.label}"
    if not math.isfinite(value):
        return ""
    # files of other tools carry no labelled anchors: say where on the scale
    return (f"{value:.1f} on the {issue.scale.min:g}–{issue.scale.max:g} scale "
            "(no labelled anchors)")


# The anchor column goes in the table only when it gets at least this many characters;
# otherwise the anchors are listed under the table, so the numbers always fit the terminal.
_ANCHOR_MIN_WIDTH = 30


def render_table(scenario: Scenario, results: list[Result]) -> str:
    from rich.table import Table

    width = console().width
    issue_width = max(len("issue"), *(len(i.id) for i in scenario.issues))
    widths = [max(len(r.model), 6) for r in results]
    groups = [[results[k] for k in g] for g in column_groups(issue_width + 3, widths, width)]
    # one table, and room beside it for the anchors (each cell: padding and border, 3)
    inline = (len(groups) == 1
              and issue_width + 4 + sum(w + 3 for w in widths) + 3 + _ANCHOR_MIN_WIDTH <= width)
    first = results[0].model
    labels = [_anchor_label(scenario, i, float(results[0].forecast[i]))
              for i in range(len(scenario.issues))]
    title = (f"{scenario.title or scenario.name} — forecasts"
             + (f" (as of {scenario.as_of})" if scenario.as_of else ""))
    tables = []
    for g, group in enumerate(groups):
        table = Table(title=title if g == 0 else None)
        table.add_column("issue", style="bold", min_width=issue_width, no_wrap=True)
        for r in group:
            table.add_column(r.model, justify="right", no_wrap=True,
                             min_width=len(r.model))  # model names in full
        if inline:
            table.add_column(f"nearest anchor to the {first} forecast")
        for i, issue in enumerate(scenario.issues):
            cells = [_fmt(r.forecast[i]) for r in group]
            table.add_row(issue.id, *cells, *([labels[i]] if inline else []))
        tables.append(table)
    below = [] if inline else [f"nearest anchor to the {first} forecast:"] + [
        f"  {issue.id}: {label}" for issue, label in zip(scenario.issues, labels, strict=True)
        if label]
    return render(*tables, *below, *unsettled_lines(results), *deal_lines(results))


def unsettled_lines(results: list[Result]) -> list[str]:
    """One line per model whose run did not settle on some issue, naming the issues."""
    lines = []
    for r in results:
        notes = [f"{issue}: {text}" for issue, text in r.unsettled()]
        if notes:
            lines.append(f"{r.model} did not settle on {len(notes)} of {len(r.issues)} "
                         "issues when its rounds ran out (more rounds: -p rounds=N):")
            lines += [f"  {n}" for n in notes]
    return lines


def deal_lines(results: list[Result]) -> list[str]:
    """The agreement model's answer to "whether", beside the forecasts of "where"."""
    lines = []
    for r in results:
        if r.model != "agreement":
            continue
        deal = r.fields.get("deal")
        if deal is None:
            lines.append("deal? — (the scenario has no agreement section)")
        elif deal:
            lines.append("deal? yes: a package every party ratifies and every veto accepts "
                         "exists")
        else:
            lines.append("deal? no: the win-set is empty; blockers: "
                         + (", ".join(r.fields.get("blockers") or []) or "none alone"))
    return lines


def render_csv(scenario: Scenario, results: list[Result]) -> str:
    lines = ["model,issue,forecast,rounds,nearest_anchor"]
    for r in results:
        for i, issue in enumerate(r.issues):
            value = float(r.forecast[i])
            anchor = scenario.nearest_anchor(issue, value)
            label = "" if anchor is None else anchor.label.replace('"', '""')
            shown = repr(value) if math.isfinite(value) else ""
            lines.append(f'{r.model},{issue},{shown},{int(r.rounds[i])},"{label}"')
    return "\n".join(lines) + "\n"


def render_json(results: list[Result]) -> str:
    data = results[0].to_dict() if len(results) == 1 else [r.to_dict() for r in results]
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)


@app.command()
def forecast(
    scenario: Annotated[str | None, typer.Argument(help=SCENARIO_HELP)] = None,
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m", help="Model to run; repeat for several. Default: every model.")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Model parameter NAME=VALUE (or MODEL.NAME=VALUE); repeatable.")
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = (
        OutputFormat.table),
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")
                      ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for models that draw random numbers."
                                             )] = None,
    read_option: Annotated[list[str] | None, typer.Option(
        "--read-option", help="Reader option NAME=VALUE, e.g. salience_scale=percent for a "
        "BDM table; repeatable.")] = None,
    input_format: Annotated[str | None, typer.Option(
        "--input-format", help="Force the input file's format (see `realpolitik formats`).")
    ] = None,
    progress: Annotated[bool | None, typer.Option(
        "--progress/--no-progress",
        help="Show each model's progress and time on stderr (default: when stderr is a "
             "terminal).")] = None,
) -> None:
    """Forecast every issue of a scenario with one or more models."""
    check_output(output)
    chosen = list(dict.fromkeys(model)) if model else names()
    for name in chosen:
        get(name)
    sc = load_scenario(scenario, fmt=input_format, **parse_params(read_option))
    results = run_models(sc, chosen, parse_params(param), seed, progress)
    if fmt is OutputFormat.json:
        text = render_json(results)
    elif fmt is OutputFormat.csv:
        text = render_csv(sc, results)
    else:
        text = render_table(sc, results)
    emit(text, output)
