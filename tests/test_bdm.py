"""BDM expected-utility model against the specification's worked example and the reference
replication's trajectories (docs: ../shared/docs/models/bdm.md; data: ../shared/data/bdm)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import realpolitik as rp
from realpolitik.cli import main
from realpolitik.models import get
from realpolitik.scenario import Batch

from .conftest import require_shared

# Specification §10.1 (EU car-emission standards, round 1, Phase A): risk exponents.
ROUND1_EXPONENTS = [1.405652784, 0.754195927, 0.508863791, 1.405652784, 1.046523896,
                    1.046523896, 1.964898230, 0.500000000, 2.000000000, 1.112124971]
# Specification §10.3: the reference's median and mean after rounds 0–10.
MEDIANS = [7.0, 8.415932315426764, 9.610859134120188, 9.961979590401311, 9.961979590401311,
           9.961979590401311, 7.47204636191629, 8.824593855262423, 9.671129769802048,
           9.671129769802048, 7.0]
MEANS = [7.389955686853767, 7.461314378277189, 7.552500865855845, 7.590144997451547,
         7.358130531334201, 7.3491739896752115, 7.414877545372958, 7.510457183677219,
         7.5724470975503, 7.324989065683666, 7.242130958473938]


@pytest.fixture(scope="module")
def emission():
    return rp.load(require_shared("data", "bdm", "emission_standards.csv"))


def test_worked_example_round_one(emission) -> None:
    result = rp.forecast(emission, model="bdm", rounds=1)
    fields = result.issue_fields["issue"]
    np.testing.assert_allclose(fields["risk_exponents"][0], ROUND1_EXPONENTS, atol=1e-9)
    # §10.2: Belgium compromises with France, Luxembourg → 7, Ireland → 4; nobody else moves
    after = dict(zip(emission.actor_ids, result.trajectory[1, :, 0], strict=True))
    assert after["Belgium"] == pytest.approx(8.415932315426764, abs=1e-12)
    assert after["Luxembourg"] == 7 and after["Ireland"] == 4
    moved = {a for a in emission.actor_ids
             if after[a] != emission.position[emission.actor_index(a), 0]}
    assert moved == {"Belgium", "Luxembourg", "Ireland"}
    offers = result.diagnostics["offers"].set_index("actor")
    assert offers.loc["Belgium", "taken"] == "compromise"
    assert offers.loc["Belgium", "partner"] == "France"  # first in input order on the tie
    assert offers.loc["Luxembourg", "taken"] == "confrontation"
    assert offers.loc["Luxembourg", "partner"] == "Belgium"
    assert offers.loc["Ireland", "confrontations"] == 1
    assert offers.loc["Ireland", "compromises"] == 6


def test_worked_example_ten_rounds(emission) -> None:
    result = rp.forecast(emission, model="bdm")
    fields = result.issue_fields["issue"]
    np.testing.assert_allclose(fields["median"], MEDIANS, rtol=0, atol=1e-9)
    np.testing.assert_allclose(fields["mean"], MEANS, rtol=0, atol=1e-9)
    assert result.forecast[0] == pytest.approx(7.0, abs=1e-9)
    # round 4: Belgium's compromise goes toward the Netherlands (κ rule)
    belgium = emission.actor_index("Belgium")
    assert result.trajectory[4, belgium, 0] == pytest.approx(4.800881140632622, abs=1e-9)


@pytest.mark.parametrize("case", ["sultan", "china", "honduras"])
def test_reference_trajectories(case: str) -> None:
    expected = json.loads(
        require_shared("data", "bdm", "expected", f"{case}.expected.json").read_text())
    scenario = rp.load(require_shared("data", "bdm", "expected", f"{case}.csv"))
    result = rp.forecast(scenario, model="bdm", rounds=expected["n_rounds"])
    fields = result.issue_fields["issue"]
    assert [a.name for a in scenario.actors] == expected["actors"]
    for t, rnd in enumerate(expected["rounds"]):
        np.testing.assert_allclose(result.trajectory[t, :, 0], rnd["positions"], atol=1e-9,
                                   rtol=0, err_msg=f"{case} round {t}")
        assert fields["median"][t] == pytest.approx(rnd["median"], abs=1e-9)
        assert fields["mean"][t] == pytest.approx(rnd["mean"], abs=1e-9)
        if t > 0:
            np.testing.assert_allclose(fields["risk_exponents"][t - 1], rnd["risk_exponents"],
                                       atol=1e-9, rtol=0)


def test_percent_salience_is_detected_and_gives_the_same_run() -> None:
    raw = rp.load(require_shared("data", "bdm", "china.csv"))
    assert any("0–100" in n and "detected" in n for n in raw.notes)
    unit = rp.load(require_shared("data", "bdm", "expected", "china.csv"))
    np.testing.assert_allclose(raw.salience, unit.salience, atol=1e-15)
    a = rp.forecast(raw, model="bdm").trajectory
    b = rp.forecast(unit, model="bdm").trajectory
    np.testing.assert_allclose(a, b, atol=1e-9, rtol=0)


# Specification §8: medians by round 1–10 under each reading, to 2 dp.
VARIANTS = [
    ({}, "8.42 9.61 9.96 9.96 9.96 7.47 8.82 9.67 9.67 7.00"),
    ({"compromise": "least-movement"}, "8.42 9.61 9.96 10.00 10.00 10.00 10.00 8.18 9.30 9.88"),
    ({"capitulation": True}, "8.42 9.61 9.96 9.96 9.96 7.47 8.82 9.67 9.67 7.00"),
    ({"denominator": "pairwise"}, "7.00 7.00 7.00 7.00 7.00 7.00 7.00 7.00 7.00 7.00"),
    ({"exponent": "own"}, "8.78 9.80 9.97 10.00 10.00 10.00 10.00 10.00 10.00 10.00"),
]


@pytest.mark.parametrize(("params", "medians"), VARIANTS,
                         ids=["reference", "least-movement", "capitulation", "pairwise", "own"])
def test_variants_change_the_medians_as_the_spec_says(emission, params, medians) -> None:
    result = rp.forecast(emission, model="bdm", **params)
    got = " ".join(f"{m:.2f}" for m in result.issue_fields["issue"]["median"][1:])
    assert got == medians


def test_pairwise_variant_reaches_equal_dangers(emission) -> None:
    result = rp.forecast(emission, model="bdm", denominator="pairwise")
    assert result.issue_fields["issue"]["equal_dangers_round"] == 4
    with pytest.raises(rp.InputError, match="danger is equal in round 4"):
        rp.forecast(emission, model="bdm", denominator="pairwise", equal_dangers="error")


def test_all_at_one_position_does_not_crash(tiny) -> None:
    data = tiny.model_dump()
    for st_ in data["stances"]:
        if st_["issue"] == "land":
            st_["position"] = 40.0
    same = rp.Scenario.model_validate(data)
    result = rp.forecast(same, model="bdm")
    assert result.forecast[0] == 40.0
    assert np.all(result.trajectory[:, :, 0] == 40.0)


def test_actors_without_a_stance_take_no_part(tiny) -> None:
    result = rp.forecast(tiny, model="bdm", rounds=3)
    assert np.all(np.isnan(result.trajectory[:, tiny.actor_index("b"), 1]))
    assert np.isfinite(result.forecast).all()


def test_batch_agrees_with_run(emission) -> None:
    rng = np.random.default_rng(7)
    base = emission.batch()
    b = 64
    salience = np.clip(base.salience + rng.uniform(-0.1, 0.1, (b, 10, 1)), 0, 1)
    capability = base.capability * rng.uniform(0.8, 1.2, (b, 10))
    batch = Batch(capability, np.repeat(base.position, b, 0), salience, base.scale_min,
                  base.scale_max, base.status_quo)
    many = get("bdm").forecast_batch(batch)
    for k in (0, 31, 63):
        data = emission.model_dump()
        for a, actor in enumerate(data["actors"]):
            actor["capability"] = float(capability[k, a])
        for a, stance in enumerate(data["stances"]):
            stance["salience"] = float(salience[k, a, 0])
        one = rp.forecast(rp.Scenario.model_validate(data), model="bdm")
        assert one.forecast[0] == many[k, 0]


positions = st.lists(st.floats(0, 100, allow_nan=False), min_size=3, max_size=12)


@settings(max_examples=40, deadline=None)
@given(positions, st.data())
def test_properties(xs, data) -> None:
    n = len(xs)
    if max(xs) == min(xs):
        xs[0] = 0.0
        xs[-1] = 100.0
    caps = data.draw(st.lists(st.floats(0.01, 10), min_size=n, max_size=n))
    sals = data.draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n))
    sals[0] = max(sals[0], 0.1)
    scale = data.draw(st.sampled_from([0.001, 3.0, 1000.0]))
    c = np.array(caps)[None]
    x = np.array(xs)[None, :, None]
    s = np.array(sals)[None, :, None]
    nan = np.array([np.nan])
    batch = Batch(c, x, s, np.zeros(1), np.full(1, 100.0), nan)
    scaled = Batch(c * scale, x, s, np.zeros(1), np.full(1, 100.0), nan)
    model = get("bdm")
    first = model.forecast_batch(batch)
    assert np.array_equal(first, model.forecast_batch(batch))  # deterministic
    assert min(xs) <= first[0, 0] <= max(xs)  # inside the initial span
    # capability scale does not matter (up to rounding in a borderline decision)
    np.testing.assert_allclose(model.forecast_batch(scaled), first, atol=1e-6)


def test_bdm_table_errors(tmp_path) -> None:
    cases = [
        ("Actor,Capability,Position\nA,1,2\n", "lacks a required column"),
        ("Actor,Capability,Position,Salience\nA,1,2,0.5\nB,x,3,0.5\n", ":3: Capability"),
        ("Actor,Capability,Position,Salience\nA,1,2,0.5\nB,-1,3,0.5\n", "negative"),
        ("Actor,Capability,Position,Salience\nA,1,2,0.5\nB,1,3,150\n", "out of range"),
        ("Actor,Capability,Position,Salience\nA,1,2,0.5\nA,1,3,0.5\n", "duplicate actor 'A'"),
        ("Actor,Capability,Position,Salience\nA,1,2,0.5\nB,1,nan,0.5\n", "not finite"),
        ("Actor,Capability,Position,Salience\nA,1,2,0.5\n", "fewer than two actors"),
    ]
    for k, (text, fragment) in enumerate(cases):
        path = tmp_path / f"case{k}.csv"
        path.write_text(text)
        with pytest.raises(rp.InputError) as info:
            rp.load(path, fmt="bdm-table")
        assert fragment in str(info.value) and str(path) in str(info.value)


def test_forced_salience_scale(tmp_path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Stakeholder;Resources;Position;Salience\nA;10;0;1\nB;20;100;0.5\n")
    assert rp.load(path).salience[0, 0] == 1.0
    forced = rp.load(path, salience_scale="percent")
    assert forced.salience[0, 0] == 0.01 and "forced" in forced.notes[0]
    path.write_text("Actor,Capability,Position,Salience\nA,1,0,80\nB,1,100,50\n")
    with pytest.raises(rp.InputError, match="salience_scale=unit"):
        rp.load(path, salience_scale="unit")


def test_cli_runs_bdm_on_a_table(capsys) -> None:
    path = str(require_shared("data", "bdm", "emission_standards.csv"))
    code = main(["forecast", path, "-m", "bdm", "--param", "rounds=3", "-f", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["model"] == "bdm" and out["params"]["rounds"] == 3
    assert out["actors"][:2] == ["Netherlands", "Belgium"]
    issue = out["issues"][0]
    assert len(issue["trajectory"]) == 4 and issue["trajectory"][0][0] == 4.0
    assert issue["forecast"] == pytest.approx(MEDIANS[3], abs=1e-9)
    code = main(["forecast", path, "-m", "bdm", "--param", "compromise=smallest"])
    assert code == 2 and "compromise" in capsys.readouterr().err


def test_class_names_follow_the_kernel_codes() -> None:
    from realpolitik.models import _bdm_kernel as kernel
    from realpolitik.models.bdm import CLASS_NAMES

    assert CLASS_NAMES == {kernel.CONFRONTATION: "confrontation",
                           kernel.COMPROMISE: "compromise",
                           kernel.CAPITULATION: "capitulation"}


def test_cli_read_option_forces_the_salience_scale(capsys) -> None:
    path = str(require_shared("data", "bdm", "honduras.csv"))
    assert main(["forecast", path, "-m", "bdm", "-f", "json", "--read-option",
                 "salience_scale=percent"]) == 0
    forced = json.loads(capsys.readouterr().out)
    assert main(["forecast", path, "-m", "bdm", "-f", "json"]) == 0
    detected = json.loads(capsys.readouterr().out)
    assert forced["issues"][0]["trajectory"][0] == detected["issues"][0]["trajectory"][0]
    assert main(["forecast", path, "--read-option", "colour=red"]) == 2
    assert "has no option 'colour'" in capsys.readouterr().err
