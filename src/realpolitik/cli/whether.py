"""``realpolitik backtest whether``: P(deal) on cases where a deal was or was not struck."""

from __future__ import annotations

import json
import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from .common import PROGRESS_OPTION, check_output, compile_notice, emit, progress_bar, render
from .whatif import backtest_app


class Fmt(StrEnum):
    table = "table"
    json = "json"


def data_folder(data: Path | None) -> Path | None:
    """``--data``, else ``$REALPOLITIK_SHARED/data`` when that variable is set."""
    if data is not None:
        return data
    shared = os.environ.get("REALPOLITIK_SHARED")
    return Path(shared) / "data" if shared else None


def render_whether(result: dict[str, Any]) -> str:
    from rich.table import Table

    from ..analysis.whether import verdict

    t = Table(title="Whether backtest: P(deal) of the agreement model against the coded "
              f"outcome ({result['draws']:,} draws per case, seed {result['seed']}, widen "
              f"{result['widen']:g})")
    for col in ("case", "as of", "P(deal)", "outcome", "Brier", "P(event)", "Brier (event)",
                "source"):
        t.add_column(col, justify="left" if col in ("case", "as of", "source") else "right")
    for r in result["cases"]:
        event = f"{r['p_event']:.3f}" if r["event"] else "= P(deal)"
        t.add_row(r["case"], r["as_of"], f"{r['p_deal']:.3f}", str(r["outcome"]),
                  f"{r['brier']:.3f}", event, f"{r['brier_event']:.3f}", r["source"])
    lines = [f"Brier score (mean over {len(result['cases'])} cases): model {result['brier']:.3f}; "
             + "; ".join(f"{k} {v:.3f}" for k, v in result["baselines"].items()),
             "verdict (P(deal)): " + verdict(result),
             f"log score (p clipped to [0.001, 0.999]): model {result['log']:.3f}; "
             + "; ".join(f"{k} {v:.3f}" for k, v in result["baselines_log"].items()),
             "calibration (forecast bin: cases, mean P, observed share [95% Wilson]): "
             + "; ".join(f"{c['bin']}: {c['n']}, {c['mean_p']:.2f}, {c['observed']:.2f} "
                         f"[{c['observed_lo']:.2f}, {c['observed_hi']:.2f}]"
                         for c in result["calibration"]),
             f"event column (P(a deal whose package is the coded event), where a case "
             f"defines one): Brier {result['brier_event']:.3f}; "
             + verdict(result, "brier_event")]
    fixed = [r["case"] for r in result["cases"] if not r["uncertain_inputs"]]
    if fixed:
        lines.append("declare no uncertainty (every draw the same scenario, so P is 0 or "
                     "1): " + ", ".join(fixed))
    for s in result["skipped"]:
        lines.append(f"not run: {s['case']}: {s['reason']}")
    return render(t) + "\n".join(lines)


@backtest_app.command("whether")
def backtest_whether(
    data: Annotated[Path | None, typer.Option(
        "--data", help="The reference data folder holding exchange/ and ktab_smp/ (the "
        "cases' input files). Default: $REALPOLITIK_SHARED/data.")] = None,
    case: Annotated[list[Path] | None, typer.Option(
        "--case", help="A case file to run instead of the built-in cases; repeatable "
        "(layout: docs/backtests.md).")] = None,
    draws: Annotated[int, typer.Option("--draws", "-n",
                                       help="Monte Carlo draws per case.")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed: same seed, same numbers.")] = 0,
    widen: Annotated[float, typer.Option(
        help="Add ± this fraction around every number without declared uncertainty.")] = 0.0,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")] = Fmt.table,
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write to this file.")] = None,
    progress: Annotated[bool | None, PROGRESS_OPTION] = None,
) -> None:
    """P(deal) of the agreement model on cases where a deal was or was not struck, each
    outcome coded from cited sources, with the Brier score against the baselines (always
    "no deal", always "deal", the base rate, a coin)."""
    from ..analysis.whether import load_cases, whether_backtest

    check_output(output)
    cases = load_cases(case) if case else None
    compile_notice(["agreement"], batch=True, show=progress)
    with progress_bar("whether backtest: cases", progress) as callback:
        result = whether_backtest(data_folder(data), draws=draws, seed=seed, widen=widen,
                                  cases=cases, progress=callback)
    if fmt == Fmt.json:
        emit(json.dumps(result, indent=2, ensure_ascii=False), output)
    else:
        emit(render_whether(result), output)
