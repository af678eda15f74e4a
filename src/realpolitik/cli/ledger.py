"""``realpolitik ledger``: seal forecasts in a hash-chained ledger, verify it, score it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError, read_text
from .common import OutputFormat, app, emit, render
from .whatif import _dumps, _num

ledger_app = typer.Typer(help="An append-only, hash-chained ledger of sealed forecasts.",
                         no_args_is_help=True, rich_markup_mode=None)
app.add_typer(ledger_app, name="ledger")

LEDGER = Annotated[Path, typer.Option("--ledger", "-l", help="The ledger file (JSON Lines).")]
DATE = Annotated[str | None, typer.Option(help="The date of the entry, YYYY-MM-DD. "
                                          "Default: today (UTC).")]


@ledger_app.command("add")
def ledger_add(
    forecast: Annotated[Path, typer.Argument(help="A forecast JSON file: questions "
                                             "[{id, p}], p_deal, or `realpolitik forecast "
                                             "-f json` output.")],
    inputs: Annotated[list[Path] | None, typer.Option(
        "--input", "-i", help="A file the forecast was made from (scenario, overlay); "
        "repeatable. Default: the built-in scenario the forecast names.")] = None,
    ledger: LEDGER = Path("ledger.jsonl"),
    date: DATE = None,
) -> None:
    """Append FORECAST with its date, the hash of its inputs and the model version."""
    from ..analysis.ledger import add_forecast, builtin_inputs
    from ..scenarios import names

    text = read_text(forecast)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg}", source=forecast, line=exc.lineno,
                         allowed="a JSON forecast") from None
    if inputs:
        files = [(p.name, p.read_bytes()) if p.is_file() else _missing(p) for p in inputs]
    else:
        named = {d.get("scenario") for d in (doc if isinstance(doc, list) else [doc])
                 if isinstance(d, dict)}
        builtin = [n for n in named if n in names()]
        files = builtin_inputs(builtin[0]) if len(builtin) == 1 and len(named) == 1 else []
    entry = add_forecast(ledger, doc, files, date=date)
    emit(f"entry {entry['seq']} sealed in {ledger}: {entry['hash']}", None)


def _missing(path: Path) -> tuple[str, bytes]:
    raise InputError("no such file", source=path, field="--input", allowed="an existing file")


@ledger_app.command("outcome")
def ledger_outcome(
    seq: Annotated[int, typer.Argument(help="The forecast entry's seq.")],
    values: Annotated[list[str], typer.Argument(help="KEY=VALUE: a question id (0 or 1) "
                                                "or an issue id (its coded outcome).")],
    source: Annotated[str, typer.Option(help="Where the outcome is documented.")],
    ledger: LEDGER = Path("ledger.jsonl"),
    date: DATE = None,
) -> None:
    """Append the recorded outcome of forecast SEQ."""
    from ..analysis.ledger import add_outcome

    outcomes: dict[str, float] = {}
    for item in values:
        key, sep, value = item.partition("=")
        try:
            outcomes[key.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not key.strip():
            raise InputError(f"'{item}' is not of the form KEY=NUMBER", field="VALUES",
                             allowed="KEY=NUMBER, e.g. treaty-by-2030=0")
    entry = add_outcome(ledger, seq, outcomes, source, date=date)
    emit(f"entry {entry['seq']} (outcome of {seq}) sealed in {ledger}: {entry['hash']}",
         None)


@ledger_app.command("verify")
def ledger_verify(ledger: LEDGER = Path("ledger.jsonl")) -> None:
    """Check the hash chain; exit 1 and list every break when it is broken."""
    from ..analysis.ledger import read_ledger, verify

    if not ledger.exists():
        raise InputError("no such ledger", source=ledger, allowed="an existing ledger file")
    entries = read_ledger(ledger)
    problems = verify(entries)
    if problems:
        typer.echo("\n".join(f"{ledger}: {p}" for p in problems), err=True)
        raise typer.Exit(1)
    emit(f"{ledger}: {len(entries)} entries, chain intact", None)


@ledger_app.command("score")
def ledger_score(
    ledger: LEDGER = Path("ledger.jsonl"),
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format: table or json."
                                     )] = OutputFormat.table,
) -> None:
    """Score every forecast whose outcome is recorded (Brier and log score for
    probabilities, absolute error for positions); the rest are listed as open."""
    from rich.table import Table

    from ..analysis.ledger import read_ledger, score_ledger, verify

    entries = read_ledger(ledger)
    problems = verify(entries)
    if problems:
        raise InputError(f"the ledger's chain is broken ({problems[0]})", source=ledger,
                         allowed="an intact ledger")
    result = score_ledger(entries)
    if fmt is OutputFormat.json:
        emit(_dumps(result), None)
        return
    t = Table(title=f"{ledger}: {len(entries)} entries")
    for col in ("seq", "date", "key", "forecast", "outcome", "score"):
        t.add_column(col, justify="right" if col in {"seq", "forecast", "outcome", "score"}
                     else "left")
    for r in result["rows"]:
        t.add_row(str(r["seq"]), r["date"], r["key"],
                  f"{r['forecast']:.3g}" if r["kind"] == "p" else _num(r["forecast"]),
                  "open" if r["outcome"] is None else f"{r['outcome']:g}",
                  "—" if r["score"] is None else f"{r['score']:.3g}")
    note = (f"Probabilities: Brier {_num(result['brier'], 3)}, log score "
            f"{_num(result['log'], 3)} on {result['n_p']} resolved; positions: MAE "
            f"{_num(result['mae'], 1)} on {result['n_point']} resolved.")
    emit(render(t, note), None)
