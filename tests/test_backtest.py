"""The Russia–Japan backtest (snapshots against coded outcomes) and the backtest CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from realpolitik import scenarios
from realpolitik.analysis.backtest import load_outcomes, russia_japan_backtest, summarise
from realpolitik.cli import main

from .conftest import require_shared


def base():
    return scenarios.load("russia-japan")


def test_outcomes_are_coded_on_the_scales_with_sources() -> None:
    oc = load_outcomes()
    sc = base()
    coded = {o.issue: o for o in oc.outcomes}
    assert {"territory", "treaty", "sanctions"} <= {k for k, o in coded.items()
                                                   if o.value is not None}
    for o in oc.outcomes:
        assert o.issue in sc.issue_ids
        assert all(ev.source in oc.sources for ev in o.evidence)
        if o.value is None:
            assert o.note, f"{o.issue}: an uncoded outcome must say why"
        else:
            i = sc.issue_index(o.issue)
            assert sc.scale_min[i] <= o.value <= sc.scale_max[i]
    # what happened, as the facts page records it
    assert coded["territory"].value == 0 and coded["treaty"].value == 0
    assert coded["sanctions"].value == 0


def test_backtest_errors_are_forecast_minus_outcome() -> None:
    table = russia_japan_backtest(["compromise", "status-quo"], base=base())
    snaps = list(dict.fromkeys(table.snapshot))
    assert snaps[:2] == ["2016-12-nagato", "2018-11-singapore"] and len(snaps) == 3
    assert list(dict.fromkeys(table.as_of))[:2] == ["2016-12-31", "2018-11-30"]
    scored = table[np.isfinite(table.outcome)]
    assert np.allclose(scored.error, (scored.forecast - scored.outcome).abs(), equal_nan=True)
    unscored = table[~np.isfinite(table.outcome)]
    assert (unscored.note == "no coded outcome").all() and unscored.error.isna().all()
    summary = summarise(table)
    first = summary.iloc[0]
    rows = scored[(scored.snapshot == first.snapshot) & (scored.model == first.model)]
    assert first.mae == pytest.approx(rows.error.mean()) and first.n == len(rows)


def test_backtest_snapshots_differ_from_the_default() -> None:
    table = russia_japan_backtest(["compromise"], base=base())
    by_snap = table.pivot(index="issue", columns="snapshot", values="forecast")
    assert not np.allclose(by_snap.iloc[:, 0], by_snap.iloc[:, -1])


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_deu_json_contract(capsys) -> None:
    path = require_shared("data", "deu", "deu3.csv")
    code, out, err = run(capsys, "backtest", "deu", str(path), "-m", "compromise",
                         "-m", "median", "-f", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert {"dataset", "issues_used", "models"} <= set(data)
    assert data["dataset"] == "deu3.csv" and data["issues_used"] == 351
    for row in data["models"]:
        assert {"model", "weights", "mae", "n"} <= set(row)
    pairs = {(r["model"], r["weights"]) for r in data["models"]}
    assert ("compromise", "council") in pairs and ("median", "equal") in pairs


def test_cli_deu_split_and_intervals(capsys) -> None:
    path = require_shared("data", "deu", "deu3.csv")
    counts = {}
    for part in ("train", "test"):
        code, out, err = run(capsys, "backtest", "deu", str(path), "-m", "compromise",
                             "-m", "mean", "-w", "council", "--split", part, "-f", "json")
        assert code == 0 and err == ""
        data = json.loads(out)
        assert data["split"] == part
        counts[part] = data["issues_used"]
        rows = {(r["model"], r["weights"]): r for r in data["models"]}
        ref = rows["compromise", "council"]
        assert ref["d_mae"] == 0 and ref["reference"] == "compromise/council"
        other = rows["mean", "council"]
        assert other["d_mae"] == pytest.approx(other["mae"] - ref["mae"])
        assert other["d_mae_lo"] < other["d_mae"] < other["d_mae_hi"]
        assert other["mde_mae"] > 0 and 0 <= other["hit"] <= 1
        assert other["rmse"] >= other["mae"]
    assert counts == {"train": 224, "test": 127}
    code, out, err = run(capsys, "backtest", "deu", str(path), "--split", "dev")
    assert code == 2 and out == "" and err.count("\n") == 1 and "--split" in err


def test_cli_deu_bad_file_is_one_line(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "deu.tsv"
    bad.write_text("prnr\tisnr\nx\n\n")
    code, out, err = run(capsys, "backtest", "deu", str(bad))
    assert code == 2 and out == "" and err.count("\n") == 1 and "lacks" in err


def test_cli_russia_japan_table(capsys) -> None:
    code, out, err = run(capsys, "backtest", "russia-japan", "-m", "compromise")
    assert code == 0 and err == ""
    for text in ("2016-12 ", "2018-11 ", "2019-01 ", "Nagato", "territory", "MAE"):
        assert text in out
    code, out, _ = run(capsys, "backtest", "russia-japan", "-m", "compromise", "-f", "json")
    data = json.loads(out)
    assert all(math.isfinite(r["mae"]) for r in data["summary"])
