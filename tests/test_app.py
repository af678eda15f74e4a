"""The web app's script run headless with Streamlit's own test harness (AppTest): model
parameters chosen in the sidebar reach every analysis, and bad values are reported."""

from __future__ import annotations

import numpy as np
import pytest

import realpolitik as rp

from .conftest import ROOT

APP = ROOT / "src" / "realpolitik" / "app" / "streamlit_app.py"


@pytest.fixture
def app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=300)
    at.run()
    assert not at.exception
    return at


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_model_parameters_reach_the_forecast(app) -> None:
    sc = rp.load("russia-japan")
    app.number_input(key="param:russia-japan:bdm:rounds").set_value(0).run()
    _button(app, "Run").click().run()
    assert not app.exception
    table = app.dataframe[0].value
    np.testing.assert_allclose(table["bdm"].to_numpy(),
                               rp.forecast(sc, "bdm", rounds=0).forecast.round(1))
    assert not np.allclose(table["bdm"].to_numpy(), rp.forecast(sc, "bdm").forecast.round(1))
    app.selectbox(key="mc_model").set_value("bdm").run()
    _button(app, "Run Monte Carlo").click().run()
    caption = [c.value for c in app.caption if c.value.startswith("Monte Carlo:")]
    assert caption == ["Monte Carlo: 1,000 draws of bdm, seed 0, widen 0.1"]
    expected = rp.simulate(sc, "bdm", draws=1000, seed=0, widen=0.1, params={"rounds": 0})
    means = app.dataframe[1].value["mean"].to_numpy()
    np.testing.assert_allclose(means, np.round([e["mean"] for e in expected.summary()], 1))


def test_a_bad_parameter_is_a_warning_not_a_crash(app) -> None:
    app.number_input(key="param:russia-japan:bdm:q").set_value(5.0).run()
    _button(app, "Run").click().run()
    assert not app.exception
    warnings = [w.value for w in app.warning]
    assert any(w.startswith("bdm:") and "'q'" in w and "less than or equal to 1" in w
               for w in warnings), warnings


def test_the_deal_section_shows_p_deal_the_slice_and_the_levers(tmp_path) -> None:
    from streamlit.testing.v1 import AppTest

    from .conftest import FIXTURES

    at = AppTest.from_file(str(APP), default_timeout=300)
    at.run()
    if not any(b.label == "Deal?" for b in at.button):  # the built-in has no section yet
        sc = rp.load(FIXTURES / "agreement" / "deal.yaml")
        pytest.skip(f"the built-in scenario has no agreement section ({sc.name} has)")
    _button(at, "Deal?").click().run()
    assert not at.exception
    info = [i.value for i in at.info]
    assert any("P(deal) = " in i for i in info), info
    assert any("Levers" in c.value for c in at.caption)
