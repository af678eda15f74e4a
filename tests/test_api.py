"""The top-level shortcuts give what the analysis functions they wrap give."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import realpolitik as rp
from realpolitik.analysis import backtest, montecarlo, sensitivity, timeline, whatif

from .conftest import require_shared


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
