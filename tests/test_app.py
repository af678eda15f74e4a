"""The web app's script run headless with Streamlit's own test harness (AppTest): model
parameters chosen in the sidebar reach every analysis, results stay side by side, bad values
are reported; and the grid edits (a pure function) keep what the grids do not show."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import realpolitik as rp
from realpolitik.app.edits import actor_table, apply_tables, changes, stance_table
from realpolitik.errors import InputError

from .conftest import FIXTURES, ROOT

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


def _table(at, *leading: str) -> pd.DataFrame:
    """The one table shown whose first columns are ``leading``."""
    found = [d.value for d in at.dataframe
             if tuple(d.value.columns[:len(leading)]) == leading]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def test_model_parameters_reach_the_forecast_and_monte_carlo(app) -> None:
    sc = rp.load("russia-japan")
    app.number_input(key="param:russia-japan:bdm:rounds").set_value(0).run()
    _button(app, "Run forecast").click().run()
    assert not app.exception
    table = _table(app, "issue", "compromise")
    np.testing.assert_allclose(table["bdm"].to_numpy(), rp.forecast(sc, "bdm", rounds=0).forecast)
    assert not np.allclose(table["bdm"].to_numpy(), rp.forecast(sc, "bdm").forecast)
    app.selectbox(key="mc_model").set_value("bdm").run()
    _button(app, "Run Monte Carlo").click().run()
    caption = [c.value for c in app.caption if c.value.startswith("Monte Carlo:")]
    assert caption == ["Monte Carlo: 1,000 draws of bdm, seed 0, widen 0.1"]
    expected = rp.simulate(sc, "bdm", draws=1000, seed=0, widen=0.1, params={"rounds": 0})
    mc = _table(app, "issue", "point forecast")
    np.testing.assert_allclose(mc["mean"].to_numpy(), expected.forecasts.mean(axis=0))
    np.testing.assert_allclose(mc["point forecast"].to_numpy(),
                               rp.forecast(sc, "bdm", rounds=0).forecast)


def test_results_stay_side_by_side(app) -> None:
    _button(app, "Run forecast").click().run()
    _button(app, "Run Monte Carlo").click().run()
    _button(app, "Run sensitivity (tornado)").click().run()
    _button(app, "Apply what-if").click().run()
    assert not app.exception
    # every result is still shown after the later ones ran
    _table(app, "issue", "compromise")
    _table(app, "issue", "point forecast")
    _table(app, "issue", "actor", "input", "input_issue", "swing")
    _table(app, "issue", "actor", "input", "input_issue", "low")
    _table(app, "model", "issue")
    assert any(c.value.startswith("Sensitivity of compromise") for c in app.caption)
    # a later change of settings marks the slow results stale instead of removing them
    app.number_input(key="param:russia-japan:bdm:rounds").set_value(3).run()
    stale = [c.value for c in app.caption if c.value.startswith("⚠ computed before")]
    assert len(stale) == 3  # Monte Carlo, tornado and what-if; the forecast follows edits
    _table(app, "issue", "point forecast")
    np.testing.assert_allclose(_table(app, "issue", "compromise")["bdm"].to_numpy(),
                               rp.forecast("russia-japan", "bdm", rounds=3).forecast)


def test_a_bad_parameter_is_a_warning_not_a_crash(app) -> None:
    app.number_input(key="param:russia-japan:bdm:q").set_value(5.0).run()
    _button(app, "Run forecast").click().run()
    assert not app.exception
    warnings = [w.value for w in app.warning]
    assert any(w.startswith("bdm:") and "'q'" in w and "less than or equal to 1" in w
               for w in warnings), warnings


# --- the grid edits ------------------------------------------------------------------------

def _tiny() -> rp.Scenario:
    return rp.load(FIXTURES / "tiny.yaml")


def test_unchanged_grids_give_the_same_scenario() -> None:
    sc = rp.load("russia-japan")
    assert apply_tables(sc, actor_table(sc), stance_table(sc)) == sc
    assert changes(sc, sc) == []


def test_an_edited_cell_keeps_the_stance_evidence() -> None:
    sc = rp.load("russia-japan")
    stances = stance_table(sc)
    k = int(np.flatnonzero((stances["actor"] == "putin") & (stances["issue"] == "territory"))[0])
    stances.loc[k, "salience"] = 0.25
    edited = apply_tables(sc, actor_table(sc), stances)
    new = edited.stance("putin", "territory")
    assert new.salience == 0.25 and new.evidence == sc.stance("putin", "territory").evidence
    assert changes(sc, edited) == [
        f"putin/territory: {new.position:g} / {sc.stance('putin', 'territory').salience:.2f} "
        f"→ {new.position:g} / 0.25"]


def test_adding_and_removing_actors_and_stances() -> None:
    sc = _tiny()
    actors = pd.concat([actor_table(sc)[lambda f: f["id"] != "b"],
                        pd.DataFrame([{"id": "d", "name": "D", "group": "Y",
                                       "capability": 4.0}])], ignore_index=True)
    stances = pd.concat([stance_table(sc),
                         pd.DataFrame([{"actor": "d", "issue": "land", "position": 20.0,
                                        "salience": 0.5},
                                       {"actor": None, "issue": None, "position": None,
                                        "salience": None}])], ignore_index=True)
    edited = apply_tables(sc, actors, stances)
    assert edited.actor_ids == ("a", "c", "d")
    assert ("b", "land") not in {(s.actor, s.issue) for s in edited.stances}
    assert edited.stance("d", "land").position == 20.0
    assert changes(sc, edited) == ["added actor d", "removed actor b", "added stance d/land"]


@pytest.mark.parametrize(("column", "value", "message"), [
    ("salience", 1.5, "1.5 is out of range"),
    ("position", None, "row 1 has no position"),
    ("issue", "nowhere", "unknown issue 'nowhere'"),
])
def test_bad_grid_values_are_input_errors(column, value, message) -> None:
    sc = _tiny()
    stances = stance_table(sc).astype(object)
    stances.loc[0, column] = value
    with pytest.raises(InputError, match=message):
        apply_tables(sc, actor_table(sc), stances)


def test_an_actor_named_by_the_agreement_cannot_be_removed() -> None:
    sc = rp.load("russia-japan")
    actors = actor_table(sc)[lambda f: f["id"] != "putin"]
    with pytest.raises(InputError, match="actor 'putin' is named in the agreement"):
        apply_tables(sc, actors, stance_table(sc))


def test_the_deal_tab_shows_p_deal_the_slice_and_the_levers(app) -> None:
    _button(app, "Deal?").click().run()
    assert not app.exception
    info = [i.value for i in app.info]
    assert any("P(deal) = " in i for i in info), info
    assert any("Levers" in c.value for c in app.caption)
    table = _table(app, "issue", "status quo", "package")
    sc = rp.load("russia-japan")
    assert list(table["issue"]) == list(sc.agreement.package)
