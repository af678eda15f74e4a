"""Settlement of round-based runs: fixed points, cycles, runs still moving."""

from __future__ import annotations

import numpy as np
import pytest

import realpolitik as rp
from realpolitik.cli import main
from realpolitik.models.settle import settlement


def _run(positions: list[list[float]], forecasts: list[float] | None = None, **kw):
    x = np.array(positions, dtype=float)
    f = np.array(forecasts if forecasts is not None else x.mean(axis=1))
    return settlement(x, f, 100.0, **kw)


def test_a_fixed_point_is_settled():
    s = _run([[0, 100], [20, 80], [50, 50], [50, 50], [50, 50], [50, 50]])
    assert (s.status, s.period, s.low, s.high, s.last_move) == ("settled", 1, 50, 50, 0)


def test_an_alternation_is_a_cycle_of_period_two():
    s = _run([[0, 100], [10, 90], [30, 70], [10, 90], [30, 70], [10, 90]],
             [50, 40, 60, 40, 60, 40])
    assert (s.status, s.period, s.low, s.high) == ("cycling", 2, 40, 60)
    assert s.last_move == pytest.approx(0.2)


def test_a_cycle_of_period_three_needs_two_whole_periods():
    base = [[0.0], [10.0], [20.0]]
    s = _run([[5.0]] + base * 2 + [[0.0]])
    assert (s.status, s.period) == ("cycling", 3)
    # one period and a bit is not evidence of a cycle
    assert _run([[5.0], *base, [0.0]]).status == "not settled"


def test_a_drift_is_not_settled_and_reports_the_recent_range():
    x = [[float(t)] for t in range(8)]
    s = _run(x, [float(t) for t in range(8)], window=3)
    assert (s.status, s.period, s.low, s.high) == ("not settled", None, 4, 7)
    assert s.last_move == pytest.approx(0.01)


def test_tolerance_is_a_share_of_the_scale():
    x = [[50.0], [50.001], [50.0], [50.001], [50.0]]  # moves of 1e-5 of the scale
    assert _run(x, tol=1e-6).status == "cycling"
    assert _run(x, tol=1e-4).status == "settled"


def test_bdm_reports_settlement_per_issue():
    sc = rp.load("russia-japan")
    result = rp.forecast(sc, "bdm")
    statuses = {i: f["settlement"]["status"] for i, f in result.issue_fields.items()}
    assert set(statuses) == set(sc.issue_ids)
    for k, issue in enumerate(sc.issue_ids):
        f = result.issue_fields[issue]
        expect = settlement(result.trajectory[:, :, k], np.array(f["median"]), 100.0)
        assert f["settlement"]["status"] == expect.status
        # the settled issues really do not move in the last rounds
        if expect.status == "settled":
            tail = result.trajectory[-4:, :, k]
            assert np.nanmax(np.abs(np.diff(tail, axis=0))) == 0
    assert "not settled" in statuses.values() or "cycling" in statuses.values()


def test_forecast_table_names_the_issues_that_did_not_settle(capsys):
    assert main(["forecast", "-m", "bdm"]) == 0
    out = capsys.readouterr().out
    result = rp.forecast("russia-japan", "bdm")
    unsettled = [i for i, f in result.issue_fields.items()
                 if f["settlement"]["status"] != "settled"]
    assert f"bdm did not settle on {len(unsettled)} of 8 issues" in out
    for issue in unsettled:
        assert f"  {issue}: actors " in out
