"""The headline under the backtest tables: which model wins, by how much, against the
baselines — checked against the numbers of the JSON output."""

from __future__ import annotations

import json
import math

from realpolitik.analysis.backtest import deu_verdict
from realpolitik.cli import main

from .conftest import require_shared

DEU_MODELS = ["-m", "compromise", "-m", "median", "-m", "mean", "-m", "status-quo",
              "-m", "nash"]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_deu_verdict_matches_the_json_numbers(capsys) -> None:
    path = str(require_shared("data", "deu", "deu3.csv"))
    code, out, err = run(capsys, "backtest", "deu", path, *DEU_MODELS, "-f", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    rows = [r for r in data["models"] if r["mae"] is not None and math.isfinite(r["mae"])]
    best = min(rows, key=lambda r: r["mae"])
    verdict = data["verdict"]
    assert (verdict["best"]["model"], verdict["best"]["weights"]) == (best["model"],
                                                                      best["weights"])
    text = verdict["text"]
    assert f"{best['model']} ({best['weights']}) has the lowest MAE, {best['mae']:.2f}" in text
    beating = [r for r in rows if r["model"] != "compromise" and r["d_mae_hi"] is not None
               and r["d_mae_hi"] < 0]
    assert ("No model beats compromise beyond the 95% interval." in text) == (not beating)
    for r in beating:
        assert f"{r['model']} ({r['weights']}) {r['d_mae']:+.2f}" in text
    if best["model"] != "compromise":
        assert (f"a ΔMAE of {best['d_mae']:+.2f} [95% interval {best['d_mae_lo']:+.2f}, "
                f"{best['d_mae_hi']:+.2f}]") in text
    sq = verdict["versus_status_quo"]
    assert sq is not None and sq["n_paired"] < data["issues_used"]  # issues without a rp
    assert (f"against the status quo (on the {sq['n_paired']} issues with a reference point) "
            f"a ΔMAE of {sq['d_mae']:+.2f}") in text
    # the table prints the same paragraph under it
    code, table, _ = run(capsys, "backtest", "deu", path, *DEU_MODELS)
    assert code == 0
    assert text in _one_line(table)


def test_deu_verdict_names_every_model_beyond_the_interval() -> None:
    def row(model, weights, mae, d, lo, hi):
        return {"model": model, "weights": weights, "mae": mae, "d_mae": d, "d_mae_lo": lo,
                "d_mae_hi": hi, "reference": f"compromise/{weights}"}

    rows = [row("compromise", "council", 22.0, 0.0, 0.0, 0.0),
            row("bdm", "council", 20.5, -1.5, -2.5, -0.5),
            row("smp", "council", 21.5, -0.5, -1.2, 0.2)]
    v = deu_verdict(rows)
    assert v["best"]["model"] == "bdm"
    assert [b["model"] for b in v["beats_compromise"]] == ["bdm"]
    assert ("bdm (council) has the lowest MAE, 20.50; against compromise (council, 22.00) a "
            "ΔMAE of -1.50 [95% interval -2.50, -0.50]") in v["text"]
    assert "1 beats compromise beyond the 95% interval: bdm (council) -1.50" in v["text"]
    assert "No model beats" not in v["text"]
    rows[1] = row("bdm", "council", 20.5, -1.5, -2.5, 0.1)
    assert "No model beats compromise beyond the 95% interval." in deu_verdict(rows)["text"]


def test_russia_japan_verdict_matches_the_json_numbers(capsys) -> None:
    code, out, err = run(capsys, "backtest", "russia-japan", "-m", "compromise", "-m",
                         "status-quo", "-m", "median", "-m", "nash", "-m", "agreement",
                         "-f", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    errors: dict[str, list[float]] = {}
    for r in data["rows"]:
        if r["error"] is not None:
            errors.setdefault(r["model"], []).append(r["error"])
    full = max(len(v) for v in errors.values())
    pooled = {m: sum(v) / len(v) for m, v in errors.items() if len(v) == full}
    best = min(pooled, key=pooled.get)
    verdict = data["verdict"]
    assert verdict["best"]["model"] == best
    assert math.isclose(verdict["best"]["mae"], pooled[best])
    text = verdict["text"]
    label = {"status-quo": "the status quo"}.get(best, best)
    assert f"{label} has the lowest MAE, {pooled[best]:.1f}" in text
    for name, words in (("compromise", "compromise"), ("status-quo", "the status quo")):
        if name != best:
            assert f"{words} scores {pooled[name]:.1f} ({pooled[name] - pooled[best]:+.1f})" \
                in text
    # the agreement model forecasts its package issues only: listed, not ranked
    assert len(errors["agreement"]) < full
    assert f"agreement ({len(errors['agreement'])} of {full})" in text
    assert "no interval is given" in text
    code, table, _ = run(capsys, "backtest", "russia-japan", "-m", "compromise", "-m",
                         "status-quo", "-m", "median", "-m", "nash", "-m", "agreement")
    assert code == 0 and text in _one_line(table)
