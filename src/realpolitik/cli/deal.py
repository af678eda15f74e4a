"""``realpolitik deal`` and ``realpolitik levers``: whether a deal is struck, what would
change it."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

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
    render,
)

if TYPE_CHECKING:
    from ..analysis.deal import DealResult


class Fmt(StrEnum):
    table = "table"
    json = "json"


def _fmt(v: float | None) -> str:
    if v is None:
        return "—"
    text = f"{v:.1f}"
    return "0.0" if text == "-0.0" else text


def render_deal(result: DealResult) -> str:
    from rich.table import Table

    sc = result.scenario
    ag = sc.agreement
    assert ag is not None
    lines = [f"{sc.title or sc.name}: {'DEAL' if result.deal else 'NO DEAL'} "
             f"(package: {', '.join(ag.package)})"]
    table = Table(title="the package and the win-set per issue")
    for col in ("issue", "status quo", "package", "win-set low", "win-set high", "anchor"):
        table.add_column(col, justify="left" if col in ("issue", "anchor") else "right")
    for issue in ag.package:
        sq = sc.issue(issue).status_quo
        value = result.package[issue] if result.package else sq
        low, high = result.winset[issue] if result.winset else (None, None)
        anchor = sc.nearest_anchor(issue, value)  # type: ignore[arg-type]
        table.add_row(issue, _fmt(sq), _fmt(value), _fmt(low), _fmt(high),
                      f"{anchor.value:g}: {anchor.label}" if anchor else "")
    out = [*lines]
    if not result.deal:
        out.append("blockers (each, accepting every package, would open a deal): "
                   + (", ".join(result.blockers) or "none alone"))
    if result.deals is not None:
        lo, hi = result.interval()  # type: ignore[misc]
        out.append(f"P(deal) = {result.p_deal:.3f} (95% interval {lo:.3f}–{hi:.3f}) over "
                   f"{result.draws:,} draws, seed {result.seed}, widen {result.widen:g}")
        given = result.package_given_deal()
        expected = result.expected_outcome() or {}
        if given:
            out.append("package given a deal (mean, 5–95%) and expected outcome "
                       "P·package + (1 − P)·status quo:")
            for issue, q in given.items():
                out.append(f"  {issue}: {q['mean']:.1f} ({q['q05']:.1f}–{q['q95']:.1f}); "
                           f"expected {expected[issue]:.1f}")
    out.extend(f"note: {n}" for n in result.notes)
    return render(table) + "\n".join(out)


@app.command()
def deal(
    scenario: Annotated[str | None, typer.Argument(help=SCENARIO_HELP)] = None,
    draws: Annotated[int | None, typer.Option("--draws", "-n",
                                              help="Monte Carlo draws for P(deal).")] = None,
    seed: Annotated[int, typer.Option(help="Seed: same seed, same numbers.")] = 0,
    widen: Annotated[float, typer.Option(
        help="Add ± this fraction around every number without declared uncertainty.")] = 0.0,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Agreement model parameter NAME=VALUE.")] = None,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")] = Fmt.table,
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write to this file.")] = None,
    progress: Annotated[bool | None, PROGRESS_OPTION] = None,
) -> None:
    """Deal or no deal: the package, the win-set per issue, the blockers, and P(deal)."""
    from ..analysis.deal import analyse

    check_output(output)
    sc = load_scenario(scenario)
    compile_notice(["agreement"], show=progress)
    with progress_bar("deal draws", progress if draws else False, unit="draws") as callback:
        result = analyse(sc, draws, seed, widen=widen, params=parse_params(param),
                         progress=callback)
    if fmt == Fmt.json:
        emit(json.dumps(result.to_dict(), indent=2, ensure_ascii=False), output)
    else:
        emit(render_deal(result), output)


@app.command()
def levers(
    scenario: Annotated[str | None, typer.Argument(help=SCENARIO_HELP)] = None,
    draws: Annotated[int | None, typer.Option(
        "--draws", "-n", help="Rank by the gain in P(deal) over this many draws.")] = None,
    seed: Annotated[int, typer.Option(help="Seed: same seed, same numbers.")] = 0,
    widen: Annotated[float, typer.Option(
        help="Add ± this fraction around every number without declared uncertainty.")] = 0.0,
    top: Annotated[int, typer.Option(help="Rows to show.")] = 15,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")] = Fmt.table,
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write to this file.")] = None,
    progress: Annotated[bool | None, PROGRESS_OPTION] = None,
) -> None:
    """What would it take? The smallest single changes (then pairs) that open a deal, or,
    with a deal, that break it."""
    from rich.table import Table

    from ..analysis.levers import find_levers, rank_by_draws

    check_output(output)

    sc = load_scenario(scenario)
    compile_notice(["agreement"], show=progress)
    rows = find_levers(sc)
    if draws is not None:
        with progress_bar("levers over draws", progress, count=False) as callback:
            rows = rank_by_draws(sc, rows, draws, seed, widen=widen, progress=callback)
    rows = rows[:top]
    if fmt == Fmt.json:
        emit(json.dumps([r.to_dict() for r in rows], indent=2, ensure_ascii=False), output)
        return
    table = Table(title=f"{sc.title or sc.name}: levers")
    cols = ["#", "actor", "issue", "change", "from", "to", "size", "effect"]
    if draws is not None:
        cols.append("ΔP(deal)")
    for col in cols:
        table.add_column(col, justify="right" if col in ("#", "from", "to", "size",
                                                          "ΔP(deal)") else "left")
    for k, r in enumerate(rows, 1):
        cells = [str(k), r.actor or "—", r.issue or "—", r.change, r.shown(r.before),
                 r.shown(r.after), r.size_text(), r.effect]
        if draws is not None:
            cells.append("—" if r.gain is None else f"{r.gain:+.3f}")
        table.add_row(*cells)
    emit(render(table) + ("" if rows else "no single change or pair found"), output)
