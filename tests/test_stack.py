"""The stacked ensemble: weights by hand, refit from the training part only."""

from __future__ import annotations

import json

import numpy as np
import pytest

from realpolitik.analysis.stack import fit_deu_stack, fit_weights, load_stack
from realpolitik.errors import InputError
from realpolitik.io.deu import read_deu
from realpolitik.models import get

from .conftest import require_shared


def test_fit_weights_by_hand() -> None:
    y = np.array([0.0, 10.0, 20.0, 30.0])
    exact = y + np.array([5.0, -5.0, 5.0, -5.0])
    # the first column is the outcome itself: all weight on it
    w = fit_weights(np.column_stack([y, exact]), y)
    assert w == pytest.approx([1.0, 0.0], abs=1e-9)
    # two forecasts off by +4 and −4 everywhere: the L1 optimum is their mean
    w = fit_weights(np.column_stack([y + 4, y - 4]), y)
    assert w == pytest.approx([0.5, 0.5], abs=1e-9)


def test_stack_combines_its_components(tiny) -> None:
    m = get("stack")
    r = m.run(tiny, weights=json.dumps({"compromise": 3, "median": 1}))
    c, md = get("compromise").run(tiny).forecast, get("median").run(tiny).forecast
    np.testing.assert_allclose(r.forecast, 0.75 * c + 0.25 * md)
    with pytest.raises(InputError, match="not a component"):
        m.validate_params({"weights": json.dumps({"stack": 1})})
    with pytest.raises(InputError):
        m.validate_params({"weights": json.dumps({"compromise": -1})})
    default = m.validate_params({})
    assert json.loads(default.weights) == load_stack()["weights"]


@pytest.fixture(scope="module")
def deu3():
    return read_deu(require_shared("data", "deu", "deu3.csv"))


def test_shipped_stack_is_refit_from_the_training_part_only(deu3) -> None:
    shipped = load_stack()
    fit = fit_deu_stack(deu3, shipped["candidates"])
    assert fit == shipped
    # scrambling the test part's outcomes changes nothing: the fit never sees them
    from realpolitik.analysis.split import split_mask

    test = split_mask(deu3, "test")
    scrambled = deu3.take(np.arange(len(deu3.issue_ids)))
    out = scrambled.outcome.copy()
    out[test] = np.random.default_rng(0).permutation(out[test])
    object.__setattr__(scrambled, "outcome", out)
    assert fit_deu_stack(scrambled, shipped["candidates"]) == fit
