"""``realpolitik whatif``, ``timeline`` and ``backtest``: overlays, the dated record, and
forecasts scored against what happened."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import InputError, read_text
from ..models import get, names
from .common import (
    PROGRESS_OPTION,
    OutputFormat,
    app,
    check_output,
    column_groups,
    compile_notice,
    console,
    emit,
    load_scenario,
    progress_bar,
    render,
)

if TYPE_CHECKING:
    import pandas as pd


def _num(value: float, digits: int = 1) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def _json_ready(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    return value


def _dumps(data: Any) -> str:
    return json.dumps(_json_ready(data), ensure_ascii=False, indent=2, allow_nan=False)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")]


def _is_overlay_file(path: Path) -> bool:
    """Whether a YAML/JSON file is an overlay (has ``changes``) rather than a scenario."""
    import yaml

    from ..io._bounded import yaml_load

    try:
        _, data = yaml_load(read_text(path))
    except (InputError, yaml.YAMLError):
        return False  # reading it as a scenario reports what is wrong
    return isinstance(data, dict) and "changes" in data and "stances" not in data


def _check_since(since: str) -> None:
    """A year, a month or a day as the timeline writes them; anything else is refused
    (compared as text, "yesterday" would silently select nothing)."""
    import datetime as dt
    import re

    ok = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", since)
    if ok:
        try:
            dt.date(int(ok[1]), int(ok[2] or 1), int(ok[3] or 1))
        except ValueError:
            ok = None
    if not ok:
        raise InputError(f"'{since}' is not a year, month or date", field="--since",
                         allowed="YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2018 or 2018-11-14")


def _models(model: list[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(model)) if model else names()
    for name in chosen:
        get(name)
    return chosen


@app.command()
def whatif(
    args: Annotated[list[str] | None, typer.Argument(
        metavar="[SCENARIO] [OVERLAY]...",
        help="An optional scenario (built-in name or file; default russia-japan), then "
        "overlay files or built-in what-if names (or prefixes: 000, 2016-12). With no "
        "overlay, every built-in what-if of the scenario.")] = None,
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m", help="Model to run; repeat for several. Default: every model.")] = None,
    draws: Annotated[int | None, typer.Option(
        help="Monte Carlo draws for the spread of the what-if forecast.", min=2)] = None,
    seed: Annotated[int, typer.Option(help="Seed for models and draws.")] = 0,
    fmt: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help="Output format.")] = OutputFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")
                      ] = None,
    progress: Annotated[bool | None, PROGRESS_OPTION] = None,
) -> None:
    """Apply what-if overlays to a scenario: per issue and model, the baseline forecast,
    the what-if forecast and the difference, beside the article's own claim."""

    check_output(output)
    from .. import scenarios as builtin
    from ..analysis.whatif import builtin_overlays, compare, load_overlay

    items = list(args or [])
    scenario_spec = None
    if items:
        first = items[0]
        path = Path(first)
        if first in builtin.names() or (path.is_file() and not _is_overlay_file(path)):
            scenario_spec = items.pop(0)
    chosen = _models(model)
    sc = load_scenario(scenario_spec)
    base_name = scenario_spec if scenario_spec in builtin.names() else builtin.DEFAULT
    specs = items or builtin_overlays(base_name)
    if not specs:
        raise InputError("no overlay given and the scenario has no built-in what-ifs",
                         field="OVERLAY", allowed="one or more overlay files")
    overlays = [load_overlay(s, base_name) for s in specs]
    from ..analysis import Steps

    deal_model = ["agreement"] if sc.agreement else []
    compile_notice([*chosen, *deal_model], show=progress)
    if draws:
        compile_notice([*chosen, *deal_model], batch=True, show=progress)
    with progress_bar("what-ifs", progress, count=False) as callback:
        steps = Steps(callback, [len(chosen) * (1 + len(overlays)) * (1 + (draws or 0) / 250),
                                 (1 + len(overlays)) * (1 + (draws or 0) / 250)
                                 if sc.agreement else 0.0])
        table = compare(sc, overlays, chosen, seed=seed, draws=draws, progress=steps.part(0))
        deals = _deals(sc, overlays, draws, seed, steps.part(1))
    if fmt is OutputFormat.json:
        text = _dumps({
            "scenario": sc.name, "seed": seed, "draws": draws, "models": chosen,
            "overlays": [{
                "name": ov.name, "title": ov.title, "as_of": str(ov.as_of or "") or None,
                "claim": None if ov.claim is None else ov.claim.model_dump(),
                "rows": _records(table[table.overlay == ov.name].drop(columns="overlay")),
                "deal": deal,
            } for ov, deal in zip(overlays, deals, strict=True)],
        })
    elif fmt is OutputFormat.csv:
        text = table.to_csv(index=False, float_format="%.6g")
    else:
        parts: list[object] = []
        digits = 1 if len(chosen) <= 3 else 0  # keep a table of every model readable
        for ov, deal in zip(overlays, deals, strict=True):
            rows = table[table.overlay == ov.name]
            parts += _whatif_tables(sc, ov, rows, chosen, digits, draws)
            if ov.claim is not None:
                argued = ", ".join(f"{i} {v:g}" for i, v in ov.claim.outcomes.items())
                first_model = chosen[0]
                mine = rows[rows.model == first_model].set_index("issue").whatif
                got = ", ".join(f"{i} {_num(mine[i])}" for i in ov.claim.outcomes
                                if i in mine.index)
                parts.append(f"The article ({ov.claim.source}) argues: {ov.claim.summary} "
                             f"Its outcome: {argued}. The models forecast ({first_model}, "
                             f"after the what-if): {got}.\n")
            if deal is not None:
                from ..analysis.deal import describe

                parts.append(f"Deal? {describe(deal)}"
                             + (" — beside the article's claim above." if ov.claim else "")
                             + "\n")
        text = render(*parts)
    emit(text, output)


def _whatif_cell(r: Any, digits: int, draws: int | None) -> str:
    if not (math.isfinite(r.baseline) or math.isfinite(r.whatif)):
        return "—"  # the model does not forecast this issue (e.g. outside a deal's package)
    change = round(r.difference, digits) + 0.0  # + 0.0: never "-0"
    cell = f"{_num(r.baseline, digits)} → {_num(r.whatif, digits)} ({change:+.{digits}f})"
    if draws and "whatif_p05" in r and math.isfinite(r.whatif_p05):
        cell += f" [{_num(r.whatif_p05, digits)}–{_num(r.whatif_p95, digits)}]"
    return cell


def _whatif_tables(sc: Any, ov: Any, rows: pd.DataFrame, chosen: list[str], digits: int,
                   draws: int | None) -> list[Any]:
    """One what-if's baseline → what-if table, split into tables that fit the terminal."""
    from rich.table import Table

    cells = {m: [_whatif_cell(rows[(rows.model == m) & (rows.issue == i)].iloc[0], digits,
                              draws) for i in sc.issue_ids] for m in chosen}
    claims = [_num(rows[rows.issue == i].claim.iloc[0], 0) for i in sc.issue_ids]
    issue_width = max(len("issue"), *(len(i) for i in sc.issue_ids))
    fixed = issue_width + 3 + len("article") + 3
    widths = [max(len(m), *(len(c) for c in cells[m])) for m in chosen]
    tables = []
    for g, group in enumerate(column_groups(fixed, widths, console().width)):
        t = Table(title=(f"{ov.name}: {ov.title}" if ov.title else ov.name) if g == 0 else None)
        t.add_column("issue", style="bold", no_wrap=True, min_width=issue_width)
        t.add_column("article", justify="right", no_wrap=True)
        for k in group:
            t.add_column(chosen[k], justify="right", no_wrap=True)
        for n, issue in enumerate(sc.issue_ids):
            t.add_row(issue, claims[n], *(cells[chosen[k]][n] for k in group))
        tables.append(t)
    return [*tables, "cells: baseline → what-if forecast (difference)"
            + ("; [5th–95th percentile over draws]" if draws else "")]


def _deals(sc, overlays, draws: int | None, seed: int | None, progress=None) -> list:
    """The agreement model's deal before and after each what-if (None without a section)."""
    from ..analysis.deal import compare_deals

    return compare_deals(sc, overlays, draws=draws, seed=seed or 0, progress=progress)


@app.command()
def timeline(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario with a timeline.")
                        ] = "russia-japan",
    since: Annotated[str | None, typer.Option(help="Only events from this year or date.")
                     ] = None,
    fmt: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help="Output format.")] = OutputFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")
                      ] = None,
) -> None:
    """Print the dated list of events of a scenario, each with its source."""
    from rich.table import Table

    check_output(output)
    from ..analysis.timeline import load_timeline

    if since is not None:
        _check_since(since)
    tl = load_timeline(scenario)
    frame = tl.to_frame()
    if since:
        frame = frame[frame.date >= since]
    if fmt is OutputFormat.json:
        text = _dumps({"scenario": scenario, "events": _records(frame)})
    elif fmt is OutputFormat.csv:
        text = frame.to_csv(index=False)
    else:
        t = Table(title=f"{scenario}: timeline ({len(frame)} events)")
        for col in ("date", "event", "source"):
            t.add_column(col)
        for row in frame.itertuples():
            t.add_row(row.date, row.event, row.source_label)
        text = render(t)
    emit(text, output)


backtest_app = typer.Typer(help="Score model forecasts against what happened.",
                           no_args_is_help=True, rich_markup_mode=None)
app.add_typer(backtest_app, name="backtest")


@backtest_app.command("russia-japan")
def backtest_russia_japan(
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m", help="Model to run; repeat for several. Default: every model.")] = None,
    seed: Annotated[int, typer.Option(help="Seed for models that draw random numbers.")] = 0,
    fmt: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help="Output format.")] = OutputFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")
                      ] = None,
    progress: Annotated[bool | None, PROGRESS_OPTION] = None,
) -> None:
    """Each model's forecast from each snapshot (Dec 2016, Nov 2018, Jan 2019) against the
    coded outcome, with the absolute error per issue and the mean over issues."""
    from rich.table import Table

    check_output(output)
    from ..analysis.backtest import (
        load_outcomes,
        russia_japan_backtest,
        russia_japan_verdict,
        summarise,
    )

    chosen = _models(model)
    compile_notice(chosen, show=progress)
    with progress_bar("backtest: model runs", progress) as callback:
        table = russia_japan_backtest(chosen, seed=seed, progress=callback)
    summary = summarise(table)
    verdict = russia_japan_verdict(table)
    if fmt is OutputFormat.json:
        outcomes = load_outcomes()
        text = _dumps({
            "scenario": "russia-japan", "seed": seed, "outcomes_as_of": str(outcomes.as_of),
            "outcomes": {o.issue: o.value for o in outcomes.outcomes},
            "rows": _records(table), "summary": _records(summary), "verdict": verdict,
        })
    elif fmt is OutputFormat.csv:
        text = table.to_csv(index=False, float_format="%.6g")
    else:
        issues = list(dict.fromkeys(table.issue))
        scored = [i for i in issues if math.isfinite(table[table.issue == i].outcome.iloc[0])]
        t = Table(title="Russia–Japan backtest: forecast (absolute error) per issue; "
                  "snapshots 2016-12 Nagato, 2018-11 Singapore, 2019-01 the default")
        t.add_column("snapshot")
        t.add_column("model")
        for i in scored:
            outcome = table[table.issue == i].outcome.iloc[0]
            t.add_column(f"{i}\n(outcome {outcome:g})", justify="right")
        t.add_column("MAE", justify="right")
        for (snap, m), rows in table.groupby(["snapshot", "model"], sort=False):
            cells = []
            for i in scored:
                r = rows[rows.issue == i].iloc[0]
                cells.append(f"{_num(r.forecast, 0)} ({_num(r.error, 0)})")
            s = summary[(summary.snapshot == snap) & (summary.model == m)]
            t.add_row(snap[:7], m, *cells, _num(s.mae.iloc[0]) if len(s) else "—")
        unscored = [i for i in issues if i not in scored]
        note = (f"Issues without a coded outcome (not scored): {', '.join(unscored)}."
                if unscored else "")
        text = render(t, *([note] if note else []), verdict["text"])
    emit(text, output)


@backtest_app.command("deu")
def backtest_deu(
    path: Annotated[Path, typer.Argument(help="The DEU file (tab-separated; see "
                                         "docs/backtests.md). Download it yourself.")],
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m", help="Model to run; repeat for several: a registered model, or "
        "the DEU agreement gates gate, gate-compromise. Default: every one.")] = None,
    weights: Annotated[list[str] | None, typer.Option(
        "--weights", "-w", help="Capability scheme: equal, council, gdp; repeatable. "
        "Default: all.")] = None,
    institutions: Annotated[str, typer.Option(
        help="Council scheme: the Commission's and Parliament's weight: average (one "
        "average member state), largest, none.")] = "average",
    split: Annotated[str, typer.Option(
        help="Issues scored: train or test (the pre-registered split; the test part is "
        "reported once per release, nothing is tuned on it) or all.")] = "all",
    seed: Annotated[int, typer.Option(help="Seed for models that draw random numbers and "
                                      "for the bootstrap.")] = 0,
    fmt: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help="Output format.")] = OutputFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")
                      ] = None,
    progress: Annotated[bool | None, PROGRESS_OPTION] = None,
) -> None:
    """MAE, RMSE and hit rate (within 10 points) of every model on the DEU issues, per
    capability scheme, with each model's MAE difference from the compromise model (95%
    bootstrap interval over proposals) and the minimum detectable effect."""
    from rich.table import Table

    check_output(output)
    from ..analysis.backtest import WEIGHTS, deu_backtest
    from ..analysis.gate import DEU_MODELS

    if model:
        registered = [m for m in model if m not in DEU_MODELS]
        chosen = [*(_models(registered) if registered else []),
                  *dict.fromkeys(m for m in model if m in DEU_MODELS)]
    else:
        chosen = [*_models(None), *DEU_MODELS]
    kernels = [m for m in chosen if m not in DEU_MODELS]
    compile_notice([*kernels, "compromise", *(["agreement"] if len(kernels) < len(chosen)
                                              else [])], batch=True, show=progress)
    with progress_bar("DEU backtest: model runs and bootstraps", progress) as callback:
        result = deu_backtest(path, chosen, weights=tuple(weights or WEIGHTS), seed=seed,
                              institutions=institutions, split=split, progress=callback)
    if fmt is OutputFormat.json:
        text = _dumps(result)
    elif fmt is OutputFormat.csv:
        import pandas as pd

        text = pd.DataFrame(result["models"]).to_csv(index=False, float_format="%.6g")
    else:
        t = Table(title=f"DEU backtest ({result['split']} issues): {result['dataset']}, "
                  f"{result['issues_used']} of {result['issues']} issues usable (0–100 "
                  "scale; Δ = model − compromise under the same weights)")
        cols = ("model", "weights", "MAE", "RMSE", "hit ≤10", "ΔMAE [95% CI]", "MDE", "n",
                "note")
        for col in cols:
            t.add_column(col, justify="left" if col in {"model", "weights", "note"}
                         else "right")
        for r in result["models"]:
            delta = (f"{r['d_mae']:+.2f} [{r['d_mae_lo']:+.2f}, {r['d_mae_hi']:+.2f}]"
                     if math.isfinite(r["d_mae_lo"]) else _num(r["d_mae"], 2))
            t.add_row(r["model"], r["weights"], _num(r["mae"], 2), _num(r["rmse"], 2),
                      _num(r["hit"], 2), delta, _num(r["mde_mae"], 2), str(r["n"]),
                      r["note"][:80])
        foot = ("Intervals: paired bootstrap over proposals (9,999 resamples); MDE: the MAE "
                "difference a 5% test detects with 80% power.")
        g = result.get("gate_deal")
        if g and g["issues"]:
            foot += (f"\nGate: deal on {g['deal']['issues']} of {g['issues']} issues with a "
                     f"reference point; the outcome stayed there after "
                     f"{_num(100 * g['deal']['stayed'], 0)}% of deals and "
                     f"{_num(100 * g['no deal']['stayed'], 0)}% of no-deals; Brier of "
                     f"P(moves) {g['brier']:.2f} (always deal "
                     f"{g['baselines']['always deal']:.2f}, coin 0.25).")
        text = render(t, foot, result["verdict"]["text"])
    emit(text, output)
