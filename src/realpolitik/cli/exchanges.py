"""``realpolitik exchanges``: the exchange model's predicted trades, in words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from .common import SCENARIO_HELP, app, emit, load_scenario, parse_params, render
from .forecast import run_models

if TYPE_CHECKING:
    from ..scenario import Scenario


def _anchor_hint(sc: Scenario, issue_id: str, value: float) -> str:
    anchor = sc.nearest_anchor(issue_id, value)
    return f" ({anchor.label})" if anchor is not None else ""


def describe(sc: Scenario, exchange: dict) -> str:
    """One realised exchange as a sentence."""
    i, j = exchange["i"], exchange["j"]

    def part(side: dict) -> str:
        actor = sc.actor(side["actor"]).name
        issue = sc.issue(side["supply_issue"]).name
        # names such as "Putin and the Kremlin" are plural: "X: from a to b" reads for both
        return (f"{actor} — {issue} from {side['x']:.1f} to {side['y']:.1f}"
                f"{_anchor_hint(sc, side['supply_issue'], side['y'])}")

    return f"{part(i)}, in exchange for: {part(j)}"


@app.command()
def exchanges(
    scenario: Annotated[str | None, typer.Argument(help=SCENARIO_HELP)] = None,
    rounds: Annotated[int, typer.Option(help="Rounds of the exchange model to run.")] = 10,
    show_round: Annotated[int, typer.Option(
        "--round", help="Which round's trades to list (0 = every round).")] = 1,
    top: Annotated[int, typer.Option(help="At most this many trades per round.")] = 20,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="Exchange-model parameter NAME=VALUE (p=0.5, "
                              "variant=random-rate); repeatable.")] = None,
    seed: Annotated[int | None, typer.Option(
        help="Seed for the randomised variants.")] = None,
) -> None:
    """List the trades the exchange model predicts: who gives ground on which issue in
    return for movement on another, and what each gains."""
    from rich.table import Table

    sc = load_scenario(scenario)
    raw = {"rounds": str(rounds), **parse_params(param)}
    (result,) = run_models(sc, ["exchange"], raw, seed, progress=None)
    chosen = [e for e in result.fields["exchanges"]
              if show_round == 0 or e["round"] == show_round]
    table = Table(title=f"{sc.title or sc.name} — predicted exchanges "
                  + (f"(round {show_round})" if show_round else "(all rounds)"),
                  show_lines=True)
    for col in ("round", "#", "trade", "gain"):
        table.add_column(col, justify="right" if col in ("round", "#", "gain") else "left")
    shown = 0
    per_round: dict[int, int] = {}
    for e in chosen:
        per_round[e["round"]] = per_round.get(e["round"], 0) + 1
        if per_round[e["round"]] > top:
            continue
        gain = f"{e['gain']:.3f}"
        if "eu" in e["i"]:  # the variants' own gains differ between the two actors
            gain += f"\n({e['i']['eu']:.3f} / {e['j']['eu']:.3f})"
        table.add_row(str(e["round"]), str(e["order"]), describe(sc, e), gain)
        shown += 1
    total = len(chosen)
    summary = (f"{total} exchange{'s' if total != 1 else ''} realised"
               + (f"; {shown} shown" if shown < total else "")
               + ". Each actor concedes on the issue it cares less about (its supply issue) "
               "so that the outcome of the issue it cares more about moves its way.")
    emit(render(table, summary), None)
