"""KTAB's SMP against smpc's reference runs (../shared/data/ktab_smp/expected) and the
specification's worked example (§11) and formulas (§3, §9)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import realpolitik as rp
from realpolitik.cli import main
from realpolitik.io.ktab import dump_csv
from realpolitik.models import _smp_kernel as K
from realpolitik.models import get
from realpolitik.models.smp import SMPParams

from .conftest import require_shared

CASES = ["dummyData_3Dim", "dummyData_6Dim", "SOE-Pol-Comp", "SOE-Policy", "dummyData-a040"]


@pytest.mark.parametrize("case", CASES)
def test_reference_runs(case: str) -> None:
    expected = json.loads(require_shared("data", "ktab_smp", "expected",
                                         f"{case}.expected.json").read_text())
    sc = rp.load(require_shared("data", "ktab_smp", f"{case}.csv"))
    result = rp.forecast(sc, model="smp")
    assert int(result.rounds[0]) == expected["n_turns"]
    np.testing.assert_allclose(result.trajectory, np.array(expected["positions"]), atol=1e-6,
                               rtol=0)
    np.testing.assert_allclose(np.array(result.fields["win_probabilities"]),
                               np.array(expected["win_probs"]), atol=1e-4, rtol=0)
    np.testing.assert_allclose(result.fields["stop_ratios"], expected["stop_ratios"],
                               atol=1e-4, rtol=0)


def test_xml_reproduces_csv() -> None:
    csv_sc = rp.load(require_shared("data", "ktab_smp", "dummyData_3Dim.csv"))
    xml_sc = rp.load(require_shared("data", "ktab_smp", "dummyData_3Dim.xml"))
    np.testing.assert_array_equal(xml_sc.position, csv_sc.position)
    np.testing.assert_array_equal(xml_sc.salience, csv_sc.salience)
    a = rp.forecast(csv_sc, model="smp").trajectory
    b = rp.forecast(xml_sc, model="smp").trajectory
    np.testing.assert_array_equal(a, b)


@pytest.fixture(scope="module")
def dummy():
    sc = rp.load(require_shared("data", "ktab_smp", "dummyData_3Dim.csv"))
    x = sc.position / 100.0
    s = sc.salience.copy()
    return sc, np.ascontiguousarray(x), np.ascontiguousarray(s), sc.capability.copy()


def test_worked_example_state_zero(dummy) -> None:
    """Specification §11: distances, risk attitudes, perceived utilities, challenges."""
    _, x, s, c = dummy
    delta = K._state(x, x, s)
    np.testing.assert_allclose(delta[0], [0, .096924, .361346, .129864, .071124, .118219,
                                          .110005], atol=1e-6)
    np.testing.assert_allclose(delta[1], [.325198, 0, .365258, .175125, .141902, .232552,
                                          .253570], atol=1e-6)
    r = K._risk(delta, c, K.V_PROP, K.LINEAR, K.CONDITIONAL, K.RANGE_MID)
    np.testing.assert_allclose(r, [-.5, -.459251, -.499462, -.274054, 1.0, -.231862,
                                   -.430327], atol=1e-6)
    u0_1 = [K.utility(delta[1, j], K.estimate(r[0], r[1], K.R_ONETHIRD)) for j in range(7)]
    np.testing.assert_allclose(u0_1, [.568060, 1, .521969, .754609, .798869, .680637,
                                      .654365], atol=1e-6)
    own = K._own_view(delta, r, K.R_ONETHIRD)
    np.testing.assert_allclose(own[1], [.574022, 1, .528267, .758534, .802177, .685485,
                                        .659507], atol=1e-6)
    total = s.sum(axis=1)
    weight = total * c
    p, g = K.challenge(0, 0, 0, 6, delta, r, weight, total, K.V_PROP, K.R_ONETHIRD,
                       K.SEMI_COMMIT)
    assert (round(p, 4), round(g, 4)) == (0.7643, 0.0947)
    p, g = K.challenge(6, 6, 6, 1, delta, r, weight, total, K.V_PROP, K.R_ONETHIRD,
                       K.SEMI_COMMIT)
    assert (round(p, 4), round(g, 4)) == (0.3970, 0.0286)
    target, best_p, _ = K._targets(delta, r, weight, total, K.V_PROP, K.R_ONETHIRD,
                                   K.SEMI_COMMIT)
    assert list(target) == [6, 0, 6, 0, 0, 1, 1]
    z_i, z_j = K.interpolate(x[0], x[6], s[0], s[6], best_p[0], K.S2P2)
    np.testing.assert_allclose(z_i * 100, [75.61, 24.78, 71.95], atol=1e-9)
    np.testing.assert_allclose(z_j * 100, [75.61, 24.79, 71.95], atol=1e-9)


def test_worked_example_turn_and_stop(dummy) -> None:
    sc, *_ = dummy
    result = rp.forecast(sc, model="smp")
    state1 = result.trajectory[1]
    np.testing.assert_allclose(state1[0], [79.54, 44.71, 72.05], atol=1e-9)
    np.testing.assert_allclose(state1[2], sc.position[2], atol=0)  # status quo kept
    np.testing.assert_allclose(state1[6], [75.61, 24.79, 71.95], atol=1e-9)
    probs = np.array(result.fields["win_probabilities"])
    np.testing.assert_allclose(probs[0], [.0047, .0302, .0054, .1492, .6001, .1447, .0656],
                               atol=1e-4)
    np.testing.assert_allclose(probs[10], [.3340, .3340, .0183, .0957, .1512, .4009, .1512],
                               atol=1e-4)
    np.testing.assert_allclose(result.fields["stop_ratios"],
                               [.9999, .7631, .1780, .0801, .0853, .0686, .0639, .1058,
                                .0398, .0045], atol=1e-4)
    np.testing.assert_allclose(result.trajectory[-1][3], [67.12, 50.12, 63.73], atol=1e-9)
    assert "0.0045" in result.stop_reason
    bargains = result.diagnostics["bargains"]
    first = bargains[bargains.turn == 1].set_index("actor")
    assert first.loc["SActor-00", "challenges"] == "SActor-06"
    assert first.loc["SActor-00", "moved_by_bargain_of"] == "SActor-04"


def test_forecast_is_the_probability_weighted_final_state(dummy) -> None:
    sc, *_ = dummy
    result = rp.forecast(sc, model="smp")
    final = result.trajectory[-1]
    probs = np.array(result.fields["win_probabilities"])[-1]
    # groups of §6 in this case: {0,1}, {2}, {3}, {4,6}, {5}; one member each
    reps = [0, 2, 3, 4, 5]
    expected = (probs[reps, None] * final[reps]).sum(axis=0)
    np.testing.assert_allclose(result.forecast, expected, atol=1e-12)
    likely = final[reps[int(np.argmax(probs[reps]))]]
    for i, issue in enumerate(sc.issue_ids):
        assert result.issue_fields[issue]["most_likely"] == pytest.approx(likely[i])


# --- every non-default parameter value against the specification's formulas (§9) ----

@pytest.mark.parametrize(("model", "expected"), [
    (K.LINEAR, 2 / 3), (K.SQUARE, 4 / 5), (K.QUARTIC, 16 / 17), (K.OCTIC, 256 / 257),
    (K.BINARY_VICTORY, 1 / (1 + 1e-6)),
])
def test_victory_models_at_two_to_one(model: int, expected: float) -> None:
    assert K._victory(2.0, 1.0, model)[0] == pytest.approx(expected, rel=1e-12)


def test_binary_victory_is_linear_inside_the_margin() -> None:
    r = 1.05 / 2.05
    x1 = (r * 2.1 - 1.0) / 0.1
    assert K._victory(1.05, 1.0, K.BINARY_VICTORY)[0] == pytest.approx(x1, rel=1e-12)


@pytest.mark.parametrize(("rule", "forward", "backward"), [
    (K.V_PROP, 0.4, -0.4), (K.V_BINARY, 2.0, -2.0), (K.V_PROPBIN, 0.72, -0.72),
    (K.V_PROPCBC, 0.208, -0.208), (K.V_CUBIC, 0.016, -0.016),
    (K.V_ASYMPROSP, 2 * 2.0 * 0.2 / 3, -0.4),
])
def test_voting_rules(rule: int, forward: float, backward: float) -> None:
    assert K.vote(2.0, 0.7, 0.5, rule) == pytest.approx(forward, rel=1e-9)
    assert K.vote(2.0, 0.5, 0.7, rule) == pytest.approx(backward, rel=1e-9)
    assert K.vote(2.0, 0.5, 0.5, rule) == 0.0


@pytest.mark.parametrize(("adjust", "expected"), [
    (K.R_NONE, 0.6), (K.R_ONETHIRD, (1.2 - 0.3) / 3), (K.R_HALF, 0.15),
    (K.R_TWOTHIRDS, (0.6 - 0.6) / 3), (K.R_FULL, -0.3),
])
def test_big_r_adjust(adjust: int, expected: float) -> None:
    assert K.estimate(0.6, -0.3, adjust) == pytest.approx(expected, abs=1e-15)


def test_pce_models_on_a_two_to_one_contest() -> None:
    util = np.array([[0.0, 1.0], [1.0, 0.0]])
    w = np.array([2.0, 1.0])  # option 1 backed 2:1
    np.testing.assert_allclose(K.pce(util, w, K.V_PROP, K.LINEAR, K.CONDITIONAL),
                               [1 / 3, 2 / 3], atol=1e-6)
    np.testing.assert_allclose(K.pce(util, w, K.V_PROP, K.LINEAR, K.MARKOV_UNIFORM),
                               [1 / 3, 2 / 3], atol=1e-5)
    np.testing.assert_allclose(K.pce(util, w, K.V_PROP, K.LINEAR, K.MARKOV_INCENTIVE),
                               [1 / 3, 2 / 3], atol=1e-5)


def test_interpolation_variants() -> None:
    x_i, x_j = np.array([0.2]), np.array([0.8])
    s_i, s_j = np.array([0.5]), np.array([0.3])
    z_i, _ = K.interpolate(x_i, x_j, s_i, s_j, 0.6, K.S1P1)
    w_i, w_j = 0.5 * 0.6, 0.3 * 0.4
    assert z_i[0] == pytest.approx(round(((w_i + 1e-6) * 0.2 + w_j * 0.8)
                                         / (w_i + 1e-6 + w_j), 4), abs=1e-12)
    z_i, z_j = K.interpolate(x_i, x_j, s_i, s_j, 0.6, K.S2PMAX)
    e_j = 0.6 - 0.4
    f_j = (e_j * 0.25) / ((e_j * 0.25) + 1e-6 + ((1 - e_j) * 0.09))
    assert z_i[0] == 0.2  # e_I = 0: the likelier winner does not move
    assert z_j[0] == pytest.approx(0.8 + f_j * (0.2 - 0.8), abs=1e-15)
    assert K.round4(0.123449999) == 0.1234 and K.round4(0.12345) == 0.1235


@pytest.mark.parametrize(("name", "value"), [
    ("victory", "square"), ("victory", "quartic"), ("victory", "octic"),
    ("victory", "binary"), ("pce", "markov-incentive"), ("pce", "markov-uniform"),
    ("voting", "binary"), ("voting", "propbin"), ("voting", "propcbc"), ("voting", "cubic"),
    ("voting", "asymprosp"), ("big_r_adjust", "none"), ("big_r_adjust", "half"),
    ("big_r_adjust", "two-thirds"), ("big_r_adjust", "full"), ("big_r_range", "min"),
    ("big_r_range", "max"), ("commit", "no-commit"), ("commit", "full-commit"),
    ("inter_vec", "s1p1"), ("inter_vec", "s2pmax"), ("bargain", "init-rcvr"),
    ("bargain", "pw-comp"), ("transitions", "stochastic"),
])
def test_every_parameter_value_runs_and_stays_on_scale(dummy, name, value) -> None:
    sc, *_ = dummy
    one = rp.forecast(sc, model="smp", seed=3, **{name: value})
    two = rp.forecast(sc, model="smp", seed=3, **{name: value})
    np.testing.assert_array_equal(one.trajectory, two.trajectory)
    assert np.all((one.trajectory >= 0) & (one.trajectory <= 100))
    assert 2 <= int(one.rounds[0]) <= 100


def test_big_r_range_spans(dummy) -> None:
    _, x, s, c = dummy
    delta = K._state(x, x, s)
    for kind, low in ((K.RANGE_MIN, 0.0), (K.RANGE_MID, -0.5), (K.RANGE_MAX, -1.0)):
        r = K._risk(delta, c, K.V_PROP, K.LINEAR, K.CONDITIONAL, kind)
        assert r.min() == pytest.approx(low) and r.max() == pytest.approx(1.0)


def test_stochastic_transitions_follow_the_seed(dummy) -> None:
    sc, *_ = dummy
    a = rp.forecast(sc, model="smp", seed=1, transitions="stochastic").trajectory
    again = rp.forecast(sc, model="smp", seed=1, transitions="stochastic").trajectory
    b = rp.forecast(sc, model="smp", seed=2, transitions="stochastic").trajectory
    np.testing.assert_array_equal(a, again)  # the seed decides the draws
    assert a.shape != b.shape or not np.array_equal(a, b)  # and another seed others


def test_ideal_adjustment_lags_ideals(dummy) -> None:
    sc, *_ = dummy
    n = len(sc.actors)
    lagged = np.eye(n) * 0.5
    result = rp.forecast(sc, model="smp", ideal_adjustment=lagged.tolist())
    default = rp.forecast(sc, model="smp")
    assert not np.array_equal(result.trajectory[-1], default.trajectory[-1])
    with pytest.raises(rp.InputError, match="ideal_adjustment"):
        rp.forecast(sc, model="smp", ideal_adjustment=[[1.0, 0.0]])


def test_bad_parameter_value_is_a_clear_error(dummy) -> None:
    sc, *_ = dummy
    with pytest.raises(rp.InputError, match="victory"):
        rp.forecast(sc, model="smp", victory="septic")
    assert SMPParams().victory == "linear"


def test_ktab_csv_writer_round_trips(dummy, tmp_path) -> None:
    sc, *_ = dummy
    path = tmp_path / "again.csv"
    path.write_text(dump_csv(sc))
    again = rp.load(path)
    np.testing.assert_allclose(again.position, sc.position, atol=1e-12)
    np.testing.assert_allclose(again.salience, sc.salience, atol=1e-12)
    a = rp.forecast(sc, model="smp").trajectory
    b = rp.forecast(again, model="smp").trajectory
    np.testing.assert_allclose(a, b, atol=1e-9)


@pytest.mark.parametrize(("text", "fragment"), [
    ("S,d,3,1,\nA,D,P,x,s,\nA1,d,1,50,50,\nA2,d,1,150,50,\nA3,d,1,20,50,\n",
     ":4: position 150 on dimension 1 is out of range"),
    ("S,d,3,2,\nA,D,P,x,s,y,t\nA1,d,1,50,60,10,50,\nA2,d,1,5,5,5,5,\nA3,d,1,2,2,2,2,\n",
     ":3: actor 'A1': saliences add up to 110 (60 + 50), over 100"),
    ("S,d,3,1,\nA,D,P,x,s,\nA1,d,1,50,50,\n\nA3,d,1,20,50,\n", "expected 3 actor rows"),
    ("S,d,3,1,\nA,D,P,x,s,\nA1,d,abc,50,50,\nA2,d,1,1,50,\nA3,d,1,20,50,\n",
     "capability 'abc' is not a number"),
])
def test_ktab_csv_errors(tmp_path, text: str, fragment: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(rp.InputError) as info:
        rp.load(path, fmt="ktab-csv")
    assert fragment in str(info.value)


def test_ktab_xml_parameters_and_errors(tmp_path) -> None:
    base = require_shared("data", "ktab_smp", "dummyData_3Dim.xml").read_text(
        encoding="utf-8-sig")
    params = ("<ModelParameters><VictoryProbModel>Square</VictoryProbModel><PCEModel>"
              "Conditional</PCEModel><StateTransitions>Deterministic</StateTransitions>"
              "<VotingRule>Prop</VotingRule><BigRAdjust>OneThird</BigRAdjust><BigRRange>Mid"
              "</BigRRange><ThirdPartyCommit>SemiCommit</ThirdPartyCommit><InterVecBrgn>S2P2"
              "</InterVecBrgn><BargnModel>InitOnlyInterp</BargnModel></ModelParameters>")
    path = tmp_path / "p.xml"
    path.write_text(base.replace("<Dimensions>", params + "<Dimensions>"))
    sc = rp.load(path)
    assert sc.model_params == {"smp": {"victory": "square", "pce": "conditional",
                                       "transitions": "deterministic", "voting": "prop",
                                       "big_r_adjust": "one-third", "big_r_range": "mid",
                                       "commit": "semi-commit", "inter_vec": "s2p2",
                                       "bargain": "init-only"}}
    assert rp.forecast(sc, model="smp").params["victory"] == "square"
    path.write_text(base.replace("<Dimensions>", params.replace("Square", "Proportional")
                                 + "<Dimensions>"))
    with pytest.raises(rp.InputError, match="VictoryProbModel: unknown value 'Proportional'"):
        rp.load(path)
    path.write_text(base.replace("<capability>102.543</capability>",
                                 "<capability>-1</capability>"))
    with pytest.raises(rp.InputError, match=r"Actor\[1\]/capability"):
        rp.load(path)


@settings(max_examples=12, deadline=None)
@given(st.integers(3, 8), st.integers(1, 3), st.integers(0, 10_000))
def test_properties(n: int, m: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = np.round(rng.uniform(0, 100, (n, m)), 2)
    s = rng.uniform(5, 100 / m, (n, m)).round(2)
    c = rng.uniform(10, 200, n).round(3)
    data = {
        "name": "random",
        "actors": [{"id": f"a{k}", "name": f"a{k}", "capability": float(c[k])}
                   for k in range(n)],
        "issues": [{"id": f"d{d}", "name": f"d{d}"} for d in range(m)],
        "stances": [{"actor": f"a{k}", "issue": f"d{d}", "position": float(x[k, d]),
                     "salience": float(s[k, d]) / 100.0} for k in range(n) for d in range(m)],
    }
    sc = rp.Scenario.model_validate(data)
    one = rp.forecast(sc, model="smp")
    assert np.array_equal(one.trajectory, rp.forecast(sc, model="smp").trajectory)
    assert np.all((one.trajectory >= 0) & (one.trajectory <= 100))
    # reversing the actor order permutes the result (no exact ties in random data)
    data["actors"] = data["actors"][::-1]
    rev = rp.forecast(rp.Scenario.model_validate(data), model="smp")
    assert rev.trajectory.shape == one.trajectory.shape  # the same number of turns
    np.testing.assert_allclose(rev.trajectory[-1][::-1], one.trajectory[-1], atol=1e-9)
    batch = get("smp").forecast_batch(sc.batch())
    np.testing.assert_allclose(batch[0], one.forecast, atol=1e-12)


def test_cli_on_ktab_files(capsys, tmp_path) -> None:
    path = str(require_shared("data", "ktab_smp", "dummyData_3Dim.csv"))
    assert main(["forecast", path, "-m", "smp", "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["actors"][0] == "SActor-00" and data["issues"][0]["rounds"] == 10
    assert len(data["issues"][0]["trajectory"]) == 11
    assert "most_likely" in data["issues"][0] and len(data["win_probabilities"]) == 11
    assert main(["forecast", path, "-m", "smp", "--param", "victory=septic"]) == 2


def test_parallel_coalitions_equal_the_sequential_ones() -> None:
    rng = np.random.default_rng(5)
    util = rng.uniform(0, 1, (60, 40))
    w = rng.uniform(0.5, 2, 60)
    ut = np.ascontiguousarray(util.T)
    serial = np.empty((40, 40))
    for a in range(40):
        K._coalition_row(ut, w, K.V_PROP, a, serial)
    assert np.array_equal(K._coalitions_parallel(ut, w, K.V_PROP), serial)
    spec = np.full((40, 40), 1e-8)  # §3.4 step 1 as written, with its branches
    for a in range(40):
        for b in range(a):
            for q in range(60):
                g = w[q] * (util[q, a] - util[q, b])
                if g > 0:
                    spec[a, b] = spec[a, b] + g
                if g < 0:
                    spec[b, a] = spec[b, a] - g
    assert np.array_equal(serial, spec)


def test_the_ktab_reader_spells_every_smp_value() -> None:
    """The KTAB XML vocabulary lives with the reader (io/ktab.py): it maps onto exactly
    the values each smp parameter allows, in KTAB's order."""
    from typing import get_args

    from realpolitik.io.ktab import KTAB_NAMES

    for _element, (name, values) in KTAB_NAMES.items():
        allowed = get_args(SMPParams.model_fields[name].annotation)
        assert tuple(values.values()) == allowed, name
    assert len(KTAB_NAMES) == 9
