"""`realpolitik whatif` and `realpolitik timeline` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from realpolitik.cli import main

from .conftest import FIXTURES

TINY = str(FIXTURES / "tiny.yaml")
OVERLAY = str(FIXTURES / "whatif" / "tiny-shift.yaml")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_whatif_table_prints_claim_and_forecast(capsys) -> None:
    code, out, err = run(capsys, "whatif", TINY, OVERLAY, "-m", "compromise")
    assert code == 0 and err == ""
    assert "57.1 → 49.5 (-7.7)" in out  # hand-computed in test_whatif.py
    assert "argues: Land settles at half." in out and "land 49.5" in out


def test_whatif_json_and_csv(capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "whatif", TINY, OVERLAY, "-m", "median", "-f", "json")
    data = json.loads(out)
    assert code == 0 and data["scenario"] == "tiny"
    (ov,) = data["overlays"]
    assert ov["name"] == "tiny-shift" and ov["claim"]["outcomes"] == {"land": 50.0}
    land = next(r for r in ov["rows"] if r["issue"] == "land")
    assert land == {"model": "median", "issue": "land", "baseline": 50.0, "whatif": 60.0,
                    "difference": 10.0, "claim": 50.0}
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run(capsys, "whatif", TINY, OVERLAY, "-f", "csv", "-o", str(a))[0] == 0
    assert run(capsys, "whatif", TINY, OVERLAY, "-f", "csv", "-o", str(b))[0] == 0
    assert a.read_bytes() == b.read_bytes()


def test_builtin_whatifs_by_prefix_on_the_builtin_scenario(capsys) -> None:
    code, out, err = run(capsys, "whatif", "russia-japan", "000", "003", "-m", "compromise")
    assert code == 0 and err == ""
    assert "000-treaty-without-preconditions" in out and "003-us-factor" in out
    assert "The article (000) argues" in out


def test_bad_overlay_is_one_line_and_writes_nothing(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nchanges:\n  - {set: salience, actor: a, issue: land, value: 2,\n"
                   "     evidence: [{source: hand, quote: q}]}\n")
    target = tmp_path / "out.csv"
    code, out, err = run(capsys, "whatif", TINY, str(bad), "-o", str(target))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"{bad}:3: changes[0]" in err and "0 to 1" in err
    assert not target.exists()


def test_whatif_cli_with_draws_shows_the_spread(capsys) -> None:
    code, out, err = run(capsys, "whatif", TINY, OVERLAY, "--draws", "50", "-m", "compromise",
                         "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["draws"] == 50
    row = data["overlays"][0]["rows"][0]
    assert {"whatif_p05", "whatif_p95"} <= set(row)
    # tiny declares no uncertainty: every draw is the same scenario, so no spread
    assert row["whatif_p05"] == row["whatif_p95"] == row["whatif"]


def test_timeline_cli(capsys) -> None:
    code, out, err = run(capsys, "timeline", "--since", "2016", "-f", "json")
    data = json.loads(out)
    assert code == 0 and err == ""
    assert data["events"][0]["date"] >= "2016"
    assert any(e["date"] == "2022-03-21" for e in data["events"])
    code, out, _ = run(capsys, "timeline")
    assert code == 0 and "1855-02-07" in out and "Shimoda" in out


def test_whatif_draws_adds_the_monte_carlo_spread() -> None:
    import realpolitik as rp
    from realpolitik.analysis.montecarlo import simulate
    from realpolitik.analysis.whatif import apply, compare, load_overlay

    sc = rp.load("russia-japan")
    overlay = load_overlay("002")
    table = compare(sc, overlay, ["compromise"], draws=300, seed=1)
    assert {"whatif_p05", "whatif_p95"} <= set(table.columns)
    row = table[table.issue == "sanctions"].iloc[0]
    # the sanctions stances of jp-business, us-admin and china carry ranges, so it spreads
    assert row.whatif_p05 < row.whatif_p95
    # the band is the 5th–95th percentile of a Monte Carlo run of the changed scenario
    changed = apply(sc, overlay)
    draws = simulate(changed, "compromise", 300, 1).forecasts[:, changed.issue_index("sanctions")]
    assert row.whatif_p05 == np.percentile(draws, 5)
    assert row.whatif_p95 == np.percentile(draws, 95)


def test_whatif_table_of_every_model_fits_and_names_them_whole(capsys) -> None:
    """The built-in what-if over all models: no line wider than the 120 columns of a pipe,
    every model and issue named in full, and "—" where a model does not forecast an issue."""
    from realpolitik.models import names

    code, out, err = run(capsys, "whatif", "000")
    assert code == 0 and err == ""
    table = [ln for ln in out.splitlines() if ln[:1] in "┏┃┡│└"]
    assert table and max(len(ln) for ln in table) <= 120
    headers = " ".join(ln for ln in table if ln.startswith("┃"))
    assert all(f" {m} " in headers for m in names())
    rows = [ln for ln in table if ln.startswith("│ sanctions ")]
    assert any(ln.rstrip("│ ").endswith("—") for ln in rows)  # agreement: outside the package
    assert "—→—" not in out and "(-0)" not in out
