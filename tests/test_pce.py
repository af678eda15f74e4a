"""The standalone PCE model: hand-computed election, and the SMP kernel's §3.4 PCE."""

from __future__ import annotations

import numpy as np
import pytest

from realpolitik.models import get
from realpolitik.models.pce import win_probabilities


def test_three_equal_voters_by_hand() -> None:
    # positions 0, 50, 100, weight 1 each, scale 0–100 (worked in the model docstring's
    # terms): V[50][0] = 2/3, V[100][0] = 1/2, V[100][50] = 1/3, so π ∝ (1/12, 2/9, 1/12)
    p = win_probabilities(np.array([[0.0, 50.0, 100.0]]), np.ones((1, 3)), 100.0, "Linear")
    assert p[0] == pytest.approx([3 / 14, 8 / 14, 3 / 14], rel=1e-6)


def test_two_actors_by_hand_and_non_participants() -> None:
    # 0 (weight 3) against 100 (weight 1): V = 3/4, so the expected winner is 25
    x = np.array([[0.0, 100.0, 40.0, np.nan]])
    w = np.array([[3.0, 1.0, 0.0, 2.0]])
    p = win_probabilities(x, w, 100.0, "Linear")
    assert p[0, :2] == pytest.approx([0.75, 0.25], rel=1e-6)
    assert np.isnan(p[0, 2:]).all()
    sq = win_probabilities(x, w, 100.0, "Square")
    assert sq[0, :2] == pytest.approx([0.9, 0.1], rel=1e-6)  # 9 : 1


def test_matches_the_smp_kernel_pce() -> None:
    from realpolitik.models import _smp_kernel as k

    rng = np.random.default_rng(5)
    for _ in range(20):
        n = int(rng.integers(2, 9))
        x = rng.uniform(0, 100, n).round(0)
        w = rng.uniform(0.1, 5, n)
        util = 1.0 - np.abs(x[None, :] - x[:, None]) / 100.0  # util[voter, option]
        want = k.pce(util, w, k.V_PROP, k.LINEAR, k.CONDITIONAL)
        got = win_probabilities(x[None], w[None], 100.0, "Linear")[0]
        assert got == pytest.approx(want, rel=1e-9, abs=1e-12)


def test_model_runs_on_the_builtin_scenario(tiny) -> None:
    m = get("pce")
    r = m.run(tiny)
    batch = tiny.batch()
    assert r.forecast.shape == (len(tiny.issues),)
    lo, hi = batch.scale_min, batch.scale_max
    assert ((r.forecast >= lo) & (r.forecast <= hi)).all()
    f = m.forecast_batch(batch, **m.validate_params({}).model_dump())
    np.testing.assert_allclose(f[0], r.forecast)
    probs = r.issue_fields[tiny.issue_ids[0]]["win_probabilities"]
    assert sum(probs.values()) == pytest.approx(1.0, abs=1e-5)
