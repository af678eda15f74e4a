"""The asymmetric Nash bargaining solution against grid searches and hand-solvable cases."""

from __future__ import annotations

import numpy as np
import pytest

import realpolitik as rp
from realpolitik.models import get


def scenario(stances: list[tuple[str, float, float]], capability: dict[str, float],
             status_quo: float | None = 0.0) -> rp.Scenario:
    issue = {"id": "x", "name": "x"}
    if status_quo is not None:
        issue["status_quo"] = status_quo
    return rp.Scenario.model_validate({
        "name": "nash-case",
        "actors": [{"id": a, "name": a, "capability": c} for a, c in capability.items()],
        "issues": [issue],
        "stances": [{"actor": a, "issue": "x", "position": x, "salience": s}
                    for a, x, s in stances],
    })


def grid_argmax(objective) -> float:
    grid = np.linspace(0, 100, 1_000_001)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = objective(grid)
    return float(grid[np.nanargmax(np.where(np.isfinite(values), values, -np.inf))])


@pytest.mark.parametrize("utility", ["quadratic", "linear"])
def test_status_quo_disagreement_matches_a_grid_search(utility: str) -> None:
    sc = scenario([("a", 40, 1.0), ("b", 100, 0.5), ("c", 70, 0.8)],
                  {"a": 2.0, "b": 1.0, "c": 1.5}, status_quo=10)
    power = {"a": 2.0, "b": 0.5, "c": 1.2}
    pos = {"a": 40, "b": 100, "c": 70}

    def loss(g, x):
        return (g - x) ** 2 if utility == "quadratic" else np.abs(g - x)

    def objective(g):
        return sum(power[k] * np.log(loss(10, pos[k]) - loss(g, pos[k])) for k in pos)

    result = rp.forecast(sc, model="nash", utility=utility)
    assert result.forecast[0] == pytest.approx(grid_argmax(objective), abs=2e-4)
    assert result.issue_fields["x"] == {"disagreement": "status-quo", "agreement": True}


def test_worst_disagreement_matches_a_grid_search() -> None:
    sc = scenario([("a", 0, 0.9), ("b", 100, 0.3), ("c", 35, 0.6)],
                  {"a": 1.0, "b": 3.0, "c": 1.0})
    power = {"a": 0.9, "b": 0.9, "c": 0.6}
    pos = {"a": 0, "b": 100, "c": 35}
    worst = {k: max(x, 100 - x) for k, x in pos.items()}

    def objective(g):
        return sum(power[k] * np.log(worst[k] ** 2 - (g - pos[k]) ** 2) for k in pos)

    result = rp.forecast(sc, model="nash", disagreement="worst")
    assert result.forecast[0] == pytest.approx(grid_argmax(objective), abs=2e-4)


def test_actors_on_both_sides_of_the_status_quo_do_not_agree() -> None:
    sc = scenario([("a", 20, 1.0), ("b", 90, 1.0)], {"a": 1.0, "b": 1.0}, status_quo=50)
    result = rp.forecast(sc, model="nash")
    assert result.forecast[0] == 50
    assert result.issue_fields["x"]["agreement"] is False


def test_shared_ideal_is_the_solution() -> None:
    sc = scenario([("a", 60, 1.0), ("b", 60, 0.2)], {"a": 1.0, "b": 5.0}, status_quo=0)
    for utility in ("quadratic", "linear"):
        assert rp.forecast(sc, model="nash", utility=utility).forecast[0] == pytest.approx(
            60, abs=1e-9)


def test_equal_powers_symmetric_positions_meet_in_the_middle() -> None:
    sc = scenario([("a", 30, 0.5), ("b", 70, 0.5)], {"a": 1.0, "b": 1.0})
    result = rp.forecast(sc, model="nash", disagreement="worst")
    assert result.forecast[0] == pytest.approx(50, abs=1e-9)


def test_issue_without_status_quo_uses_the_worst_point_and_says_so() -> None:
    sc = scenario([("a", 30, 0.5), ("b", 70, 0.5)], {"a": 1.0, "b": 1.0}, status_quo=None)
    result = rp.forecast(sc, model="nash")
    assert result.forecast[0] == pytest.approx(50, abs=1e-9)
    assert result.issue_fields["x"]["disagreement"].startswith("worst")


def test_russia_japan_batch_equals_run_and_agreements_beat_the_status_quo() -> None:
    sc = rp.load("russia-japan")
    result = rp.forecast(sc, model="nash")
    batch = get("nash").forecast_batch(sc.batch())
    np.testing.assert_array_equal(batch[0], result.forecast)
    assert np.all((result.forecast >= sc.scale_min) & (result.forecast <= sc.scale_max))
    for i, issue in enumerate(sc.issue_ids):
        if not result.issue_fields[issue]["agreement"]:
            assert result.forecast[i] == sc.status_quo[i]
            continue
        take = sc.salience[:, i] > 0
        x, sq, f = sc.position[take, i], sc.status_quo[i], result.forecast[i]
        assert np.all(np.abs(f - x) < np.abs(sq - x))  # everyone prefers it to the status quo


def test_bad_parameter_is_a_clear_error(tiny) -> None:
    with pytest.raises(rp.InputError, match="utility"):
        rp.forecast(tiny, model="nash", utility="cubic")
