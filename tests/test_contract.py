"""The contract every registered model keeps (like scikit-learn's ``check_estimator``).

Parametrised over the whole registry, so a model added later is checked without a line
here: run ≡ batch, the same numbers in another process, one error type for bad
parameters, forecasts on the scale, the JSON layout, missing stances, and the generator.
Each model runs with its defaults and with every parameter set in ``Model.examples``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import realpolitik as rp
from realpolitik.models import evaluate, get, names

ROOT = Path(__file__).resolve().parents[1]
CASES = [(m, i) for m in names() for i in range(1 + len(get(m).examples))]
IDS = [f"{m}-{i}" if i else m for m, i in CASES]


def _params(model: str, k: int) -> dict:
    return {} if k == 0 else dict(get(model).examples[k - 1])


def _scenario(missing: bool = False) -> rp.Scenario:
    """Five actors, three issues on different scales, every issue with a status quo and
    distinct positions; ``missing`` drops one actor's stance on one issue."""
    positions = {"a": (10, 2, -40), "b": (35, 4, -5), "c": (60, 5, 10), "d": (80, 8, 30),
                 "e": (95, 9, 45)}
    saliences = {"a": (0.9, 0.3, 0.5), "b": (0.4, 0.8, 0.6), "c": (0.6, 0.5, 0.2),
                 "d": (0.3, 0.7, 0.9), "e": (0.5, 0.2, 0.4)}
    issues = [("land", 0, 100, 20), ("money", 0, 10, 3), ("rank", -50, 50, 0)]
    stances = [{"actor": a, "issue": iss[0], "position": float(positions[a][k]),
                "salience": saliences[a][k]}
               for a in positions for k, iss in enumerate(issues)
               if not (missing and a == "b" and iss[0] == "money")]
    return rp.Scenario.model_validate({
        "name": "contract",
        "actors": [{"id": a, "name": a.upper(), "capability": c}
                   for a, c in zip(positions, (3, 1, 2, 5, 1.5), strict=True)],
        "issues": [{"id": i, "name": i, "scale": {"min": lo, "max": hi}, "status_quo": sq}
                   for i, lo, hi, sq in issues],
        "stances": stances,
    })


@pytest.fixture(scope="module")
def sc() -> rp.Scenario:
    return _scenario()


def test_the_registry_has_every_model_once_with_described_parameters() -> None:
    assert len(names()) == len(set(names())) >= 8
    for m in names():
        model = get(m)
        assert model.name == m and model.summary
        for name, f in model.params.model_fields.items():
            assert f.description, f"{m}.{name} has no description"
        for example in model.examples:  # every example is a valid, non-default set
            assert model.validate_params(example) != model.params()


@pytest.mark.parametrize(("model", "k"), CASES, ids=IDS)
def test_run_and_batch_agree(sc, model, k) -> None:
    params = _params(model, k)
    result = evaluate(model, sc, params=params, rng=5)
    batch = evaluate(model, sc.batch(), params=params, rng=5)
    assert batch.shape == (1, len(sc.issues))
    width = sc.scale_max - sc.scale_min
    np.testing.assert_allclose(batch[0], result.forecast, rtol=0, atol=1e-9 * width.max())
    # the first row of a longer batch is the one-draw batch (random numbers are drawn
    # draw by draw, or all at once in draw order)
    many = evaluate(model, sc.batch().take(np.zeros(3, dtype=int)), params=params, rng=5)
    assert many.shape == (3, len(sc.issues))
    np.testing.assert_allclose(many[0], batch[0], rtol=0, atol=1e-9 * width.max())


@pytest.mark.parametrize(("model", "k"), CASES, ids=IDS)
def test_forecasts_are_finite_and_on_the_scale(sc, model, k) -> None:
    result = evaluate(model, sc, params=_params(model, k), rng=1)
    shown = np.isfinite(result.forecast)
    assert shown.all() or not get(model).every_issue  # NaN only where a model says so
    assert not np.isinf(result.forecast).any()
    f, lo, hi = result.forecast[shown], sc.scale_min[shown], sc.scale_max[shown]
    assert np.all((f >= lo - 1e-9) & (f <= hi + 1e-9))
    traj = result.trajectory
    assert traj.shape[1:] == (len(sc.actors), len(sc.issues))
    ok = np.isfinite(traj)
    assert np.all((traj[ok] >= np.broadcast_to(sc.scale_min, traj.shape)[ok] - 1e-9)
                  & (traj[ok] <= np.broadcast_to(sc.scale_max, traj.shape)[ok] + 1e-9))
    np.testing.assert_array_equal(traj[0], sc.position)  # round 0 is the input


@pytest.mark.parametrize(("model", "k"), CASES, ids=IDS)
def test_json_layout(sc, model, k) -> None:
    params = _params(model, k)
    result = evaluate(model, sc, params=params, rng=3)
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["scenario"] == "contract" and data["model"] == model and data["seed"] == 3
    assert set(data["params"]) == set(get(model).params.model_fields)
    assert data["params"] == get(model).validate_params(params).model_dump(mode="json")
    assert data["actors"] == list(sc.actor_ids)
    assert [e["id"] for e in data["issues"]] == list(sc.issue_ids)
    for i, entry in enumerate(data["issues"]):
        value = result.forecast[i]
        assert entry["forecast"] == (pytest.approx(value) if np.isfinite(value) else None)
        assert len(entry["trajectory"]) == entry["rounds"] + 1
        assert all(len(row) == len(sc.actors) for row in entry["trajectory"])
    assert result.scenario is sc


@pytest.mark.parametrize(("model", "k"), CASES, ids=IDS)
def test_a_missing_stance_is_nan_in_the_trajectory_and_forecasts_stay_finite(
        model, k) -> None:
    sc = _scenario(missing=True)
    params = _params(model, k)
    result = evaluate(model, sc, params=params, rng=2)
    b, money = sc.actor_index("b"), sc.issue_index("money")
    assert np.all(np.isnan(result.trajectory[:, b, money]))
    assert np.all(np.isfinite(np.delete(result.trajectory, b, axis=1)[
        : int(result.rounds.min()) + 1]))
    assert np.all(np.isfinite(result.forecast)) or not get(model).every_issue
    entry = result.to_dict()["issues"][money]
    assert all(row[b] is None for row in entry["trajectory"])
    batch = evaluate(model, sc.batch(), params=params, rng=2)
    width = sc.scale_max - sc.scale_min
    np.testing.assert_allclose(batch[0], result.forecast, rtol=0, atol=1e-9 * width.max())


@pytest.mark.parametrize("model", names())
def test_bad_parameters_are_one_input_error_naming_the_parameter(sc, model) -> None:
    spec = get(model)
    for data in (sc, sc.batch()):
        with pytest.raises(rp.InputError) as err:
            evaluate(model, data, params={"no_such_parameter": 1})
        assert err.value.field == "no_such_parameter"
        assert "no_such_parameter" in str(err.value)
        for name in spec.params.model_fields:
            with pytest.raises(rp.InputError) as err:
                evaluate(model, data, params={name: {"not": "a value"}})
            assert err.value.field == name and f"'{name}'" in str(err.value)
    with pytest.raises(rp.InputError):  # the same through the keyword-argument API
        rp.forecast(sc, model, no_such_parameter=1)


@pytest.mark.parametrize(("model", "k"), CASES, ids=IDS)
def test_the_generator_is_resolved_once_and_recorded(sc, model, k) -> None:
    params = _params(model, k)
    one = evaluate(model, sc, params=params, rng=11)
    assert (one.seed, one.entropy) == (11, 11)
    again = get(model).run(sc, seed=11, **params)  # the module-level form, the same seam
    np.testing.assert_array_equal(one.trajectory, again.trajectory)
    np.testing.assert_array_equal(one.forecast, again.forecast)
    # a Generator is used as it is: one in the state of seed 11 gives the same run
    gen = evaluate(model, sc, params=params, rng=np.random.default_rng(11))
    np.testing.assert_array_equal(gen.forecast, one.forecast)
    assert gen.seed is None and gen.entropy is None
    # no seed: fresh entropy, recorded, and it repeats the run
    fresh = evaluate(model, sc, params=params)
    assert fresh.seed is None and isinstance(fresh.entropy, int)
    repeat = evaluate(model, sc, params=params, rng=fresh.entropy)
    np.testing.assert_array_equal(repeat.trajectory, fresh.trajectory)
    # batches are reproducible from the seed too
    batch = sc.batch().take(np.zeros(4, dtype=int))
    np.testing.assert_array_equal(evaluate(model, batch, params=params, rng=4),
                                  evaluate(model, batch, params=params, rng=4))
    for bad in ("7", -1, True, 1.5):
        with pytest.raises(rp.InputError, match="rng"):
            evaluate(model, sc, params=params, rng=bad)


def test_random_variants_follow_the_seed(sc) -> None:
    """The seed is not just a label: a random variant repeats exactly with its seed and,
    over a few seeds, gives more than one answer."""
    for model, params in (("smp", {"transitions": "stochastic"}), ("exchange", {"p": 0.5}),
                          ("exchange", {"variant": "random-rate"})):
        runs = [get(model).run(sc, seed=s, **params).forecast for s in (1, 1, 2, 3, 4)]
        np.testing.assert_array_equal(runs[0], runs[1])
        assert len({r.tobytes() for r in runs}) > 1, (model, params)


_CHILD = """
import json, sys
import realpolitik as rp
from realpolitik.models import evaluate, get, names
sys.path.insert(0, sys.argv[1])
from tests.test_contract import CASES, _params, _scenario
sc = _scenario()
out = {f"{m}-{k}": evaluate(m, sc, params=_params(m, k), rng=7).to_dict() for m, k in CASES}
print(json.dumps(out, sort_keys=True, allow_nan=False))
"""


def test_the_same_numbers_in_another_process() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONHASHSEED": "123"}
    child = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT)], capture_output=True,
                           text=True, env=env, check=True, timeout=900)
    sc = _scenario()
    here = {f"{m}-{k}": evaluate(m, sc, params=_params(m, k), rng=7).to_dict()
            for m, k in CASES}
    assert child.stdout.strip() == json.dumps(here, sort_keys=True, allow_nan=False)
