"""Commands that look at scenarios: scenarios, show, validate, evidence, schema, models,
formats."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from .. import scenarios as builtin
from ..models import registry
from .common import SCENARIO_HELP, app, emit, load_scenario, render

if TYPE_CHECKING:
    from ..scenario import Scenario


def _print(*renderables: object) -> None:
    emit(render(*renderables), None)


@app.command()
def scenarios() -> None:
    """List the built-in scenarios."""
    from rich.table import Table

    from ..analysis.whatif import apply, builtin_overlays, load_overlay

    table = Table(title="built-in scenarios (NAME@OVERLAY, e.g. russia-japan@2026-02, loads "
                  "one with a snapshot or what-if applied: every command takes it)")
    for col in ("name", "title", "as of", "actors", "issues"):
        table.add_column(col, no_wrap=col != "title")
    for name in builtin.names():
        sc = builtin.load(name)
        table.add_row(name, sc.title, str(sc.as_of or ""), str(len(sc.actors)),
                      str(len(sc.issues)))
        for kind in ("snapshots", "whatifs"):
            for stem in builtin_overlays(name, kind):
                ov = load_overlay(stem, name)
                applied = apply(sc, ov)
                table.add_row(f"{name}@{stem}", f"{kind[:-1]}: {ov.title or ''}",
                              str(applied.as_of or ""), str(len(applied.actors)),
                              str(len(applied.issues)))
    _print(table)


@app.command()
def models(
    name: Annotated[str | None, typer.Argument(
        help="A model: list its parameters with their values and what each does.")] = None,
) -> None:
    """List the registered models and their parameters (one model: what each does)."""
    from rich.table import Table

    from ..models import get

    if name is not None:
        model = get(name)
        table = Table(title=f"{model.name}: {model.summary}")
        for col in ("parameter", "default", "values", "what it does"):
            table.add_column(col)
        for key, f in model.params.model_fields.items():
            table.add_row(key, repr(f.default), _values(f.annotation), f.description or "")
        if not model.params.model_fields:
            table.add_row("—", "", "", "no parameters")
        _print(table)
        return
    table = Table(title="models (realpolitik models NAME explains one's parameters)")
    for col in ("name", "what it does", "parameters (default)"):
        table.add_column(col)
    for m in registry().values():
        params = ", ".join(f"{k}={v.default!r}" for k, v in m.params.model_fields.items())
        table.add_row(m.name, m.summary, params or "—")
    _print(table)


def _values(annotation: object) -> str:
    """The allowed values of a parameter, as text: choices, or its type."""
    from typing import Literal, get_args, get_origin

    if get_origin(annotation) is Literal:
        return ", ".join(str(v) for v in get_args(annotation))
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


@app.command()
def formats() -> None:
    """List the scenario file formats that can be read and written."""
    from rich.table import Table

    from ..io import readers, writers

    table = Table(title="formats")
    for col in ("name", "read", "write", "suffixes", "what"):
        table.add_column(col)
    written = {w.name: w for w in writers()}
    seen = set()
    for r in readers():
        seen.add(r.name)
        table.add_row(r.name, "yes", "yes" if r.name in written else "—",
                      " ".join(r.suffixes), r.description)
    for w in written.values():
        if w.name not in seen:
            table.add_row(w.name, "—", "yes", " ".join(w.suffixes), w.description)
    _print(table)


def _show(sc: Scenario) -> None:
    from rich.table import Table

    actors = Table(title=f"{sc.title or sc.name}: actors")
    for col in ("id", "name", "group", "capability"):
        actors.add_column(col)
    for a in sc.actors:
        actors.add_row(a.id, a.name, a.group, f"{a.capability:g}")
    issues = Table(title="issues")
    for col in ("id", "name", "scale", "anchors", "status quo"):
        issues.add_column(col)
    for i in sc.issues:
        anchors = "\n".join(f"{a.value:g}: {a.label}" for a in i.anchors)
        sq = "" if i.status_quo is None else f"{i.status_quo:g}"
        issues.add_row(i.id, i.name, f"{i.scale.min:g}–{i.scale.max:g}", anchors, sq)
    stances = Table(title="stances (position / salience)")
    stances.add_column("actor")
    for i in sc.issues:
        stances.add_column(i.id, justify="right")
    for a_idx, a in enumerate(sc.actors):
        cells = []
        for i_idx in range(len(sc.issues)):
            s = sc.salience[a_idx, i_idx]
            x = sc.position[a_idx, i_idx]
            cells.append("" if x != x else f"{x:g} / {s:.2f}")
        stances.add_row(a.id, *cells)
    _print(actors, issues, stances, *(f"note: {n}" for n in sc.notes))


@app.command()
def show(scenario: Annotated[str | None, typer.Argument(help=SCENARIO_HELP)] = None) -> None:
    """Show a scenario's actors, issues and stances."""
    _show(load_scenario(scenario))


@app.command()
def validate(
    path: Annotated[str, typer.Argument(help="Scenario file to check.")],
    input_format: Annotated[str | None, typer.Option("--input-format")] = None,
    read_option: Annotated[list[str] | None, typer.Option(
        "--read-option", help="Reader option NAME=VALUE, e.g. saliences=normalise for KTAB; "
        "repeatable.")] = None,
) -> None:
    """Check a scenario file; prints a summary and what the reader noted (a decimal comma
    read, saliences scaled), or every problem found (up to 50) on stdout, one error line on
    stderr and exit code 2."""
    from ..errors import InputError
    from .common import parse_params

    try:
        sc = load_scenario(path, fmt=input_format, **parse_params(read_option))
    except InputError as exc:
        if len(exc.problems) > 1:
            emit("\n".join(f"problem {k}: {p}" for k, p in enumerate(exc.problems, 1)), None)
        raise
    emit("\n".join([f"ok: {path}: scenario '{sc.name}' with {len(sc.actors)} actors, "
                    f"{len(sc.issues)} issues, {len(sc.stances)} stances",
                    *(f"note: {n}" for n in sc.notes if n.startswith("reader:"))]), None)


@app.command()
def evidence(
    scenario: Annotated[str | None, typer.Argument(help=SCENARIO_HELP)] = None,
    actor: Annotated[str | None, typer.Option(help="Only this actor.")] = None,
    issue: Annotated[str | None, typer.Option(help="Only this issue.")] = None,
) -> None:
    """Every number of a scenario with its evidence: quote, kind and source."""
    from rich.table import Table

    sc = load_scenario(scenario)
    if actor is not None:
        sc.actor_index(actor)
    if issue is not None:
        sc.issue_index(issue)
    table = Table(title=f"{sc.title or sc.name}: evidence", show_lines=True)
    for col in ("actor", "issue", "number", "value", "kind", "source", "quote / note"):
        table.add_column(col)

    def rows(a_id: str, i_id: str, numbers: str, values: str, ev_list, note) -> None:
        if not ev_list:
            table.add_row(a_id, i_id, numbers, values, "none", "", note or "")
        for ev in ev_list:
            src = sc.sources.get(ev.source)
            label = ev.source + (f" ({src.publisher or src.title})" if src else "")
            text = f"“{ev.quote}”" + (f"\n{ev.note}" if ev.note else "")
            table.add_row(a_id, i_id, ev.about if numbers == "stance" else numbers, values,
                          ev.kind, label, text)
        if note:
            table.add_row(a_id, i_id, numbers, "", "note", "", note)

    for a in sc.actors:
        if (actor is None or a.id == actor) and issue is None:
            rows(a.id, "", "capability", f"{a.capability:g}", a.evidence, a.note)
    for st in sc.stances:
        if (actor is None or st.actor == actor) and (issue is None or st.issue == issue):
            rows(st.actor, st.issue, "stance", f"{st.position:g} / {st.salience:.2f}",
                 st.evidence, st.note)
    _print(table)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the native scenario format."""
    from ..scenario import Scenario

    emit(json.dumps(Scenario.model_json_schema(), indent=2, ensure_ascii=False), None)
