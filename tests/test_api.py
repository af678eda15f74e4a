"""The top-level shortcuts give what the analysis functions they wrap give."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import realpolitik as rp
from realpolitik.analysis import backtest, montecarlo, sensitivity, timeline, whatif

from .conftest import FIXTURES, require_shared


def test_simulate_shortcut() -> None:
    sc = rp.load("russia-japan")
    short = rp.simulate("russia-japan", "compromise", draws=300, seed=4, widen=0.1)
    full = montecarlo.simulate(sc, "compromise", 300, 4, widen=0.1)
    np.testing.assert_array_equal(short.forecasts, full.forecasts)


def test_sensitivity_shortcut() -> None:
    sc = rp.load("russia-japan")
    pd.testing.assert_frame_equal(rp.sensitivity(sc, "compromise", delta=0.2),
                                  sensitivity.tornado(sc, "compromise", delta=0.2))
    with pytest.raises(rp.InputError, match="tornado, sobol, morris"):
        rp.sensitivity(sc, method="fast")


def test_whatif_shortcuts() -> None:
    sc = rp.load("russia-japan")
    overlay = whatif.load_overlay("000")
    changed = rp.apply_whatif("russia-japan", "000")
    assert changed == whatif.apply(sc, overlay)
    assert changed != sc
    table = rp.whatif(sc, ["000", overlay], models=["compromise"])
    pd.testing.assert_frame_equal(
        table, whatif.compare(sc, [overlay, overlay], ["compromise"]))
    with pytest.raises(rp.InputError, match="no overlay"):
        rp.whatif(sc, "no-such-strategy")


def test_backtest_and_timeline_shortcuts() -> None:
    pd.testing.assert_frame_equal(rp.backtest(models=["compromise", "nash"]),
                                  backtest.russia_japan_backtest(["compromise", "nash"]))
    deu = require_shared("data", "deu", "deu3.csv")
    assert rp.backtest(deu, ["compromise"], weights=["equal"]) == backtest.deu_backtest(
        deu, ["compromise"], weights=["equal"])
    assert rp.timeline() == timeline.load_timeline()


def _with_params(sc: rp.Scenario, params: dict) -> rp.Scenario:
    data = sc.model_dump()
    data["model_params"] = params
    return rp.Scenario.model_validate(data)


def test_a_scenarios_own_model_parameters_apply_to_every_analysis() -> None:
    """Parameters stored in the scenario (``model_params``, e.g. from a KTAB XML file) are
    used by forecasts, Monte Carlo, sensitivity, what-ifs and the report alike."""
    from realpolitik.report.html import build

    sc = rp.load("russia-japan")
    own = _with_params(sc, {"bdm": {"rounds": 0}, "exchange": {"rounds": 1}})
    np.testing.assert_array_equal(rp.forecast(own, "bdm").forecast,
                                  rp.forecast(sc, "bdm", rounds=0).forecast)
    assert not np.array_equal(rp.forecast(own, "bdm").forecast, rp.forecast(sc, "bdm").forecast)
    np.testing.assert_array_equal(
        rp.simulate(own, "exchange", draws=40, seed=1, widen=0.1).forecasts,
        rp.simulate(sc, "exchange", draws=40, seed=1, widen=0.1,
                    params={"rounds": 1}).forecasts)
    pd.testing.assert_frame_equal(rp.sensitivity(own, "bdm"),
                                  rp.sensitivity(sc, "bdm", params={"rounds": 0}))
    pd.testing.assert_frame_equal(
        rp.whatif(own, "000", models=["bdm"]),
        rp.whatif(sc, "000", models=["bdm"], params={"bdm": {"rounds": 0}}))
    # explicit parameters still win over the scenario's
    np.testing.assert_array_equal(rp.forecast(own, "bdm", rounds=10).forecast,
                                  rp.forecast(sc, "bdm").forecast)
    def cell(scenario: rp.Scenario) -> str:  # the report's BDM forecast on sanctions
        html = build(scenario, models=["bdm"], timeline=False)
        table = html.split('<h2 id="forecasts">', 1)[1]
        row = table.split("<b>sanctions</b>", 1)[1]
        return row.split('<td class="num">', 1)[1].split("<", 1)[0]

    assert cell(sc) == "86.2"  # BDM after 10 rounds
    assert cell(own) == f"{rp.forecast(sc, 'bdm', rounds=0).forecast[3]:.1f}" == "70.0"


def test_realpolitik_models_is_the_subpackage_and_model_names_lists_them() -> None:
    import types

    import realpolitik.models

    assert isinstance(rp.models, types.ModuleType) and rp.models is realpolitik.models
    assert rp.model_names() == rp.models.names()
    with pytest.warns(DeprecationWarning, match="model_names"):
        assert rp.models() == rp.model_names()  # the old call still works, with a warning


def test_the_module_level_run_takes_the_seed_seriously() -> None:
    from realpolitik.models import exchange, smp

    sc = rp.load(FIXTURES / "tiny.yaml")
    one = smp.run(sc, seed=3, transitions="stochastic")
    two = smp.run(sc, seed=3, transitions="stochastic")
    np.testing.assert_array_equal(one.trajectory, two.trajectory)
    assert one.seed == 3 and one.params["transitions"] == "stochastic"
    np.testing.assert_array_equal(exchange.run(sc, seed=3, p=0.5).forecast,
                                  exchange.run(sc, seed=3, p=0.5).forecast)


def test_deal_and_levers_shortcuts_match_the_command_line(capsys) -> None:
    import json

    from realpolitik.analysis.deal import analyse
    from realpolitik.analysis.levers import find_levers
    from realpolitik.cli import main
    from realpolitik.errors import InputError

    got = rp.deal("russia-japan@2026-02", draws=300, seed=2)
    want = analyse(rp.load("russia-japan@2026-02"), 300, 2)
    assert got.to_dict() == want.to_dict()
    assert main(["deal", "russia-japan@2026-02", "-n", "300", "--seed", "2", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(got.to_dict()))
    frame = rp.levers("russia-japan")
    rows = [r.to_dict() for r in find_levers(rp.load("russia-japan"))]
    assert list(frame.columns) == ["actor", "issue", "change", "from", "to", "size", "effect"]
    assert len(frame) == len(rows) and frame["size"].tolist() == [r["size"] for r in rows]
    assert frame["change"].tolist() == [r["change"] for r in rows]
    ranked = rp.levers("russia-japan@2026-02", draws=100)
    assert "p_deal_gain" in ranked.columns and ranked["p_deal_gain"].iloc[0] > 0
    with pytest.raises(InputError, match="gain_tol"):
        rp.deal("russia-japan", gain_tol=-1)
    with pytest.raises(InputError, match="no agreement section"):
        rp.deal(str(FIXTURES / "tiny.yaml"))
