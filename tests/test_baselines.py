"""Baseline models against numbers worked out by hand on the tiny scenario."""

from __future__ import annotations

import numpy as np
import pytest

import realpolitik
from realpolitik.models import get, names
from realpolitik.models.baselines import weighted_median
from realpolitik.scenario import Batch


def test_registry_lists_baselines_first() -> None:
    assert names()[:4] == ["compromise", "mean", "median", "status-quo"]


# tiny: land — a at 0 (w = 1·1.0), b at 50 (w = 2·0.5), c at 100 (w = 3·0.5);
#       money (0–10) — a at 2 (w = 0.5), c at 8 (w = 3.0), b has no stance.
@pytest.mark.parametrize(
    ("model", "land", "money"),
    [
        ("compromise", (0 * 1 + 50 * 1 + 100 * 1.5) / 3.5, (2 * 0.5 + 8 * 3) / 3.5),
        ("mean", 50.0, 5.0),
        ("median", 50.0, 8.0),  # cumulative weights 1, 2, 3.5: half (1.75) reached at 50
        ("status-quo", 0.0, np.nan),
    ],
)
def test_baselines_by_hand(tiny, model, land, money) -> None:
    result = realpolitik.forecast(tiny, model=model)
    np.testing.assert_allclose(result.forecast, [land, money], rtol=0, atol=1e-12)
    assert result.trajectory.shape == (1, 3, 2)
    assert list(result.rounds) == [0, 0]


def test_weighted_median_tie_takes_the_lower_position() -> None:
    x = np.array([[[0.0], [100.0]]])
    w = np.array([[[1.0], [1.0]]])
    assert weighted_median(x, w)[0, 0] == 0.0
    w = np.array([[[1.0], [1.0 + 1e-9]]])
    assert weighted_median(x, w)[0, 0] == 100.0


def test_kernels_work_on_a_batch_axis(tiny) -> None:
    rng = np.random.default_rng(3)
    base = tiny.batch()
    b = 50
    position = np.repeat(base.position, b, axis=0) + np.where(
        np.isnan(base.position), 0, rng.uniform(-5, 5, (b, 3, 2)))
    capability = rng.uniform(0.5, 3, (b, 3))
    batch = Batch(capability, np.clip(position, 0, 10 * (np.arange(2) == 1) + 100 *
                                      (np.arange(2) == 0)),
                  np.repeat(base.salience, b, axis=0), base.scale_min, base.scale_max,
                  base.status_quo)
    for name in ("compromise", "mean", "median"):
        many = get(name).forecast_batch(batch)
        assert many.shape == (b, 2)
        for k in (0, 17, 49):
            one = get(name).forecast_batch(batch.take(slice(k, k + 1)))
            np.testing.assert_array_equal(many[k], one[0])


def test_to_frame_and_forecast_frame(tiny) -> None:
    result = realpolitik.forecast(tiny, model="compromise")
    frame = result.to_frame()
    assert set(frame.columns) == {"model", "issue", "round", "actor", "position"}
    assert len(frame) == 5  # five stances, round 0 only
    ff = result.forecast_frame()
    assert list(ff["issue"]) == ["land", "money"]


def test_unknown_model_and_parameter_are_clear_errors(tiny) -> None:
    with pytest.raises(realpolitik.InputError, match=r"unknown model 'nash-x'.*compromise"):
        realpolitik.forecast(tiny, model="nash-x")
    with pytest.raises(realpolitik.InputError, match="has no parameter 'rounds'"):
        realpolitik.forecast(tiny, model="mean", rounds=3)
