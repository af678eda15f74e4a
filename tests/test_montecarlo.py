"""Uncertainty sampling, Monte Carlo determinism and interruption, sensitivity analysis."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy.stats import truncnorm

import realpolitik as rp
from realpolitik.analysis import montecarlo
from realpolitik.analysis.montecarlo import BLOCK, simulate
from realpolitik.analysis.sensitivity import global_indices, tornado
from realpolitik.analysis.uncertainty import sample, uncertain_inputs
from realpolitik.cli import main

from .conftest import FIXTURES

TINY = (FIXTURES / "tiny.yaml").read_text(encoding="utf-8")


def uncertain_tiny() -> rp.Scenario:
    data = yaml.safe_load(TINY)
    data["stances"][0]["position_uncertainty"] = {"dist": "uniform", "low": 0, "high": 20}
    data["stances"][1]["position_uncertainty"] = {"dist": "triangular", "low": 30, "mode": 50,
                                                  "high": 60}
    data["stances"][2]["salience_uncertainty"] = {"dist": "normal", "mean": 0.9, "sd": 0.2}
    data["actors"][2]["capability_uncertainty"] = {"dist": "uniform", "low": 2, "high": 4}
    return rp.Scenario.model_validate(data)


def test_distributions_have_the_right_moments() -> None:
    sc = uncertain_tiny()
    batch = sample(sc, 200_000, np.random.default_rng(1))
    a = batch.position[:, 0, 0]
    assert a.mean() == pytest.approx(10, abs=0.05) and a.min() >= 0 and a.max() <= 20
    b = batch.position[:, 1, 0]
    assert b.mean() == pytest.approx((30 + 50 + 60) / 3, abs=0.05)
    assert b.var() == pytest.approx((30**2 + 50**2 + 60**2 - 30 * 50 - 30 * 60 - 50 * 60) / 18,
                                    rel=0.02)
    c = batch.salience[:, 2, 0]
    # a normal(0.9, 0.2) truncated to [0, 1]: mean from scipy's closed form
    expected = truncnorm.mean((0 - 0.9) / 0.2, (1 - 0.9) / 0.2, loc=0.9, scale=0.2)
    assert c.mean() == pytest.approx(expected, abs=0.002) and c.max() <= 1
    cap = batch.capability[:, 2]
    assert cap.mean() == pytest.approx(3, abs=0.01)
    # untouched numbers stay at their point values
    assert np.all(batch.position[:, 2, 0] == 100) and np.all(batch.capability[:, 0] == 1)


def test_widen_adds_ranges_and_is_checked(tiny) -> None:
    inputs = uncertain_inputs(tiny, widen=0.1)
    assert len(inputs) == 3 + 2 * len(tiny.stances)
    batch = sample(tiny, 50_000, np.random.default_rng(2), inputs)
    land_b = batch.position[:, 1, 0]
    assert land_b.min() >= 40 and land_b.max() <= 60
    a_land = batch.position[:, 0, 0]
    assert a_land.min() >= 0  # cut at the scale
    with pytest.raises(rp.InputError, match="widen"):
        uncertain_inputs(tiny, widen=2)


def test_same_seed_same_numbers_whatever_the_chunking() -> None:
    sc = uncertain_tiny()
    draws = 3 * BLOCK + 17
    one = simulate(sc, "compromise", draws, seed=5, chunk_size=BLOCK)
    two = simulate(sc, "compromise", draws, seed=5, chunk_size=10 * BLOCK)
    assert np.array_equal(one.forecasts, two.forecasts)
    other = simulate(sc, "compromise", draws, seed=6)
    assert not np.array_equal(one.forecasts, other.forecasts)
    assert one.to_dict() == two.to_dict()


def test_worker_processes_give_the_same_numbers() -> None:
    sc = uncertain_tiny()
    serial = simulate(sc, "median", 2 * BLOCK + 5, seed=3, chunk_size=BLOCK)
    parallel = simulate(sc, "median", 2 * BLOCK + 5, seed=3, chunk_size=BLOCK, workers=2)
    assert np.array_equal(serial.forecasts, parallel.forecasts)


def test_dask_local_cluster_gives_the_same_numbers() -> None:
    distributed = pytest.importorskip("distributed")
    sc = uncertain_tiny()
    serial = simulate(sc, "compromise", 2 * BLOCK, seed=9, chunk_size=BLOCK)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        remote = simulate(sc, "compromise", 2 * BLOCK, seed=9, chunk_size=BLOCK,
                          scheduler=client)
    assert np.array_equal(serial.forecasts, remote.forecasts)


def test_interruption_keeps_completed_draws() -> None:
    sc = uncertain_tiny()
    calls = []

    def stop_after_two(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 2:
            raise KeyboardInterrupt

    partial = simulate(sc, "compromise", 5 * BLOCK, seed=1, chunk_size=BLOCK,
                       progress=stop_after_two)
    assert partial.partial and partial.draws == 2 * BLOCK
    assert partial.to_dict()["partial"] is True
    full = simulate(sc, "compromise", 5 * BLOCK, seed=1, chunk_size=BLOCK)
    assert np.array_equal(partial.forecasts, full.forecasts[: 2 * BLOCK])


def test_summary_statistics_and_anchor_probabilities() -> None:
    sc = uncertain_tiny()
    result = simulate(sc, "compromise", 4000, seed=2)
    land = result.records()[0]
    values = result.forecasts[:, 0]
    table = result.summary()
    assert list(table.columns) == ["issue", "n", "mean", "median", "sd", "mcse", "q5", "q25",
                                   "q75", "q95"]
    assert list(table["issue"]) == list(sc.issue_ids)
    assert table.loc[0, "mean"] == pytest.approx(values.mean())
    assert table.loc[0, "q95"] == pytest.approx(np.percentile(values, 95))
    assert land["mean"] == pytest.approx(values.mean())
    assert land["mcse"] == pytest.approx(values.std(ddof=1) / np.sqrt(4000))
    assert land["quantiles"]["5"] <= land["median"] <= land["quantiles"]["95"]
    half = next(a for a in land["anchors"] if a["value"] == 50)
    assert half["p_at_or_above"] == pytest.approx(np.mean(values >= 50))


def test_simulate_runs_bdm_on_the_batch_axis() -> None:
    result = simulate(uncertain_tiny(), "bdm", 300, seed=4)
    assert result.forecasts.shape == (300, 2) and np.isfinite(result.forecasts).all()


def test_tornado_ranks_the_only_salient_actor_first(tiny) -> None:
    frame = tornado(tiny, "compromise", delta=0.1)
    money = frame[frame.issue == "money"]
    top = money.iloc[0]
    assert (top.actor, top.input, top.input_issue) == ("c", "position", "money")
    assert top.forecast_low < top.baseline < top.forecast_high
    # c's position range 7–9 moves the money forecast by w_c/(w_a+w_c) × 2
    assert top.swing == pytest.approx(2 * 3.0 / 3.5)
    # the compromise forecasts each issue on its own: only money's inputs and capabilities
    assert set(money.input_issue) == {"money", ""}


def test_tornado_of_a_joint_model_keeps_cross_issue_effects() -> None:
    """Exchange trades positions across issues: an input on one issue moves the forecast
    on another, and those rows are kept, naming the input's own issue."""
    sc = rp.load("russia-japan")
    frame = tornado(sc, "exchange", delta=0.1)
    inputs = frame.groupby("issue").size()
    assert (inputs == inputs.iloc[0]).all()  # every input is a row on every issue
    cross = frame[(frame.input_issue != "") & (frame.input_issue != frame.issue)]
    assert len(cross) > 0 and cross.swing.max() > 1.0
    # a cross-issue row is what the model says: rerun that one change by hand
    row = cross.sort_values("swing", ascending=False).iloc[0]
    data = sc.model_dump()
    for st in data["stances"]:
        if st["actor"] == row.actor and st["issue"] == row.input_issue:
            st[row.input] = float(row.high)
            st[f"{row.input}_uncertainty"] = None
    high = rp.forecast(rp.Scenario.model_validate(data), "exchange").forecast
    assert high[sc.issue_index(row.issue)] == pytest.approx(row.forecast_high, abs=1e-9)


def test_sobol_on_an_issue_decided_by_one_actor() -> None:
    data = yaml.safe_load(TINY)
    data["stances"][3]["salience"] = 0.0  # only c cares about money now
    sc = rp.Scenario.model_validate(data)
    frame = global_indices(sc, "compromise", method="sobol", samples=256, delta=0.1)
    money = frame[frame.issue == "money"].set_index("input")
    assert money.loc["c:position:money", "S1"] == pytest.approx(1.0, abs=0.05)
    assert money.loc["c:position:money", "ST"] == pytest.approx(1.0, abs=0.05)
    others = money.drop(index="c:position:money")
    assert (others["ST"].abs() < 0.05).all()
    morris = global_indices(sc, "compromise", method="morris", samples=20, delta=0.1)
    m = morris[morris.issue == "money"].set_index("input")
    assert m["mu_star"].idxmax() == "c:position:money"


def test_global_indices_are_ranked_without_the_inputs_that_do_nothing() -> None:
    data = yaml.safe_load(TINY)
    data["stances"][3]["salience"] = 0.0  # a's money stance no longer counts
    sc = rp.Scenario.model_validate(data)
    frame = global_indices(sc, "compromise", method="sobol", samples=256, delta=0.1)
    assert list(dict.fromkeys(frame["issue"])) == [i for i in sc.issue_ids
                                                   if i in set(frame["issue"])]
    for _, group in frame.groupby("issue", sort=False):
        assert list(group["ST"]) == sorted(group["ST"], reverse=True)
    assert ((frame["ST"] != 0) | (frame["S1"] != 0)).all()
    # the compromise model forecasts issue by issue: an input on the other issue has no
    # effect at all and is left out; every input on the issue itself stays
    money = set(frame[frame.issue == "money"]["input"])
    land = set(frame[frame.issue == "land"]["input"])
    assert not any(name.endswith(":land") for name in money)
    assert not any(name.endswith(":money") for name in land)
    assert {"a:position:money", "c:position:money", "c:salience:money"} <= money


def test_cli_simulate_json_and_atomic_output(tmp_path: Path, capsys, monkeypatch) -> None:
    out = tmp_path / "mc.json"
    code = main(["simulate", str(FIXTURES / "tiny.yaml"), "--widen", "0.1", "-n", "500",
                 "--seed", "3", "-f", "json", "-o", str(out)])
    assert code == 0
    data = json.loads(out.read_text())
    assert set(data) >= {"scenario", "model", "draws", "seed", "partial", "issues"}
    assert data["draws"] == 500 and data["partial"] is False
    issue = data["issues"][0]
    assert set(issue) >= {"id", "mean", "median", "mcse", "quantiles", "anchors"}
    assert set(issue["quantiles"]) == {"5", "25", "75", "95"}
    assert set(issue["anchors"][0]) == {"value", "label", "p_at_or_above"}
    # a run killed while writing leaves the old file whole and no temporary behind
    before = out.read_bytes()

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("os.replace", boom)
    code = main(["simulate", str(FIXTURES / "tiny.yaml"), "-n", "10", "-f", "json", "-o",
                 str(out)])
    assert code == 130
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mc.json"]
    capsys.readouterr()


def test_cli_simulate_partial_is_reported(capsys, monkeypatch) -> None:
    real = montecarlo.run_blocks
    count = {"n": 0}

    def flaky(*args, **kwargs):
        count["n"] += 1
        if count["n"] == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(montecarlo, "run_blocks", flaky)
    code = main(["simulate", str(FIXTURES / "tiny.yaml"), "--widen", "0.1", "-n",
                 str(3 * BLOCK), "--chunk-size", str(BLOCK), "-f", "json"])
    captured = capsys.readouterr()
    assert code == 0
    data = json.loads(captured.out)
    assert data["partial"] is True and data["draws"] == BLOCK
    assert "partial" in captured.err


def test_cli_sensitivity_and_errors(capsys) -> None:
    code = main(["sensitivity", str(FIXTURES / "tiny.yaml"), "-f", "csv"])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("issue,actor,input,input_issue,low,high")
    code = main(["sensitivity", str(FIXTURES / "tiny.yaml"), "--method", "fourier"])
    assert code == 2 and "unknown method 'fourier'" in capsys.readouterr().err
    code = main(["simulate", str(FIXTURES / "tiny.yaml"), "-n", "0"])
    assert code == 2 and "draws 0" in capsys.readouterr().err
