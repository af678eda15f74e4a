"""The exchange model against the specification's worked examples, the reference run of
copenhagen.csv and the R prototype's one-round lists (../shared/data/exchange)."""

from __future__ import annotations

import csv
import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import realpolitik as rp
from realpolitik.cli import main
from realpolitik.io.decide import dump
from realpolitik.models import _exchange_engine as engine
from realpolitik.models import get

from .conftest import FIXTURES, require_shared


def two_by_two() -> rp.Scenario:
    """Specification §12.1: the package's analytic case, saliences divided by 100."""
    return rp.Scenario.model_validate({
        "name": "rex",
        "actors": [{"id": "Actor-1", "name": "Actor-1", "capability": 1},
                   {"id": "Actor-2", "name": "Actor-2", "capability": 1}],
        "issues": [{"id": "Issue-1", "name": "Issue-1"}, {"id": "Issue-2", "name": "Issue-2"}],
        "stances": [
            {"actor": "Actor-1", "issue": "Issue-1", "position": 0, "salience": 0.1},
            {"actor": "Actor-1", "issue": "Issue-2", "position": 0, "salience": 0.9},
            {"actor": "Actor-2", "issue": "Issue-1", "position": 100, "salience": 0.6},
            {"actor": "Actor-2", "issue": "Issue-2", "position": 100, "salience": 0.5},
        ],
    })


def test_analytic_two_by_two() -> None:
    result = rp.forecast(two_by_two(), model="exchange", rounds=3)
    f1, f2 = result.issue_fields["Issue-1"], result.issue_fields["Issue-2"]
    assert f1["outcome_start"][0] == pytest.approx(85 + 5 / 7, abs=1e-12)
    assert f2["outcome_start"][0] == pytest.approx(35 + 5 / 7, abs=1e-12)
    first = result.fields["exchanges"][0]
    assert first["gain"] == pytest.approx(5.0, abs=1e-12)
    assert (first["i"]["actor"], first["i"]["supply_issue"]) == ("Actor-2", "Issue-2")
    assert first["i"]["y"] == pytest.approx(80) and first["j"]["y"] == pytest.approx(100)
    assert f1["outcome_voting"][0] == pytest.approx(100)
    assert f2["outcome_voting"][0] == pytest.approx(28 + 4 / 7)
    traj = result.trajectory
    assert traj[1, 0, 0] == pytest.approx(46) and traj[1, 1, 1] == pytest.approx(94)
    assert f1["outcome_start"][1] == pytest.approx(92.2857, abs=1e-4)
    assert result.fields["exchanges"][1]["gain"] == pytest.approx(2.7)
    assert traj[2, 0, 0] == pytest.approx(70.84) and traj[2, 1, 1] == pytest.approx(90.76)
    assert traj[3, 0, 0] == pytest.approx(84.2536) and traj[3, 1, 1] == pytest.approx(89.0104)


def test_sample_data_round_one() -> None:
    sc = rp.load(require_shared("data", "exchange", "sample_data.txt"))
    assert (sc.issue("tol-hoogte").scale.min, sc.issue("tol-hoogte").scale.max) == (0.5, 7)
    result = rp.forecast(sc, model="exchange", rounds=2)
    ex = [e for e in result.fields["exchanges"] if e["round"] == 1]
    assert len(ex) == 39
    expected = [  # §12.2: gain, A's (actor, supply, x, y), B's (actor, supply, x, y)
        (1.97368, ("Willems", "extra-investering", 25, 100),
         ("Wcentr", "tolheffing-binnenstad", 0, 61.051)),
        (1.79264, ("Wcentr", "kleine-of-grote-ring", 100, 25),
         ("PvdA", "woonwerkverkeer", 100, 0.149)),
        (1.53437, ("GL", "woonwerkverkeer", 100, 22.672), ("KvK", "wanneer-tol", 0, 100)),
        (1.15762, ("PvdA", "extra-investering", 25, 76.640), ("Wcentr", "tol-hoogte", 0.5, 3.0)),
    ]
    for e, (gain, a, b) in zip(ex, expected, strict=False):
        assert e["gain"] == pytest.approx(gain, abs=1e-5)
        for side, (actor, supply, x, y) in ((e["i"], a), (e["j"], b)):
            assert (side["actor"], side["supply_issue"]) == (actor, supply)
            assert side["x"] == pytest.approx(x, abs=1e-3) and side["y"] == pytest.approx(
                y, abs=1e-3)
    voting = [result.issue_fields[i]["outcome_voting"][0] for i in sc.issue_ids]
    np.testing.assert_allclose(voting, [67.178, 3.659, 50.683, 16.235, 75.146, 46.773],
                               atol=1e-3)
    start2 = [result.issue_fields[i]["outcome_start"][1] for i in sc.issue_ids]
    np.testing.assert_allclose(start2, [52.294, 2.594, 51.372, 45.129, 56.870, 56.477],
                               atol=1e-3)
    assert result.trajectory[1, sc.actor_index("Willems"),
                             sc.issue_index("extra-investering")] == pytest.approx(44.5)
    assert result.trajectory[1, sc.actor_index("Wcentr"),
                             sc.issue_index("tolheffing-binnenstad")] == pytest.approx(
        9.952, abs=1e-3)


def test_copenhagen_ten_rounds_match_the_reference() -> None:
    expected = json.loads(require_shared("data", "exchange", "expected",
                                         "copenhagen.expected.json").read_text())
    sc = rp.load(require_shared("data", "exchange", "copenhagen.csv"))
    result = rp.forecast(sc, model="exchange", rounds=expected["rounds_run"])
    ranges = {i["id"]: i["upper"] - i["lower"] for i in expected["issues"]}
    for t, rnd in enumerate(expected["rounds"]):
        n = sum(1 for e in result.fields["exchanges"] if e["round"] == t + 1)
        assert n == rnd["n_realized"], f"round {t + 1}"
        for issue in sc.issue_ids:
            tol = 1e-6 * ranges[issue]
            fields = result.issue_fields[issue]
            assert fields["outcome_start"][t] == pytest.approx(rnd["outcome_start"][issue],
                                                               abs=tol)
            assert fields["outcome_voting"][t] == pytest.approx(rnd["outcome_voting"][issue],
                                                                abs=tol)
            i = sc.issue_index(issue)
            for actor, value in rnd["positions_start"][issue].items():
                got = result.trajectory[t, sc.actor_index(actor), i]
                assert got == pytest.approx(value, abs=tol), (t, issue, actor)
            for actor, value in rnd["positions_voting"][issue].items():
                got = fields["voting"][t][sc.actor_index(actor)]
                assert got == pytest.approx(value, abs=tol), (t, issue, actor)
    for issue, values in expected["positions_final"].items():
        for actor, value in values.items():
            got = result.trajectory[-1, sc.actor_index(actor), sc.issue_index(issue)]
            assert got == pytest.approx(value, abs=1e-6 * ranges[issue])
    ours = [e for e in result.fields["exchanges"] if e["round"] == 1]
    assert len(ours) == len(expected["round1_exchanges"])
    for got, want in zip(ours, expected["round1_exchanges"], strict=True):
        assert got["order"] == want["order"]
        assert got["gain"] == pytest.approx(want["gain"], abs=1e-9)
        for key in ("i", "j"):
            for field in ("actor", "supply_issue", "demand_issue"):
                assert got[key][field] == want[key][field]
            for field in ("x", "move", "y"):
                assert got[key][field] == pytest.approx(want[key][field], abs=1e-6)


@pytest.mark.parametrize(("name", "agree"), [("data_short", 13), ("CoP21", 20)])
def test_r_prototype_lists_agree_where_the_spec_says(name: str, agree: int) -> None:
    sc = rp.load(require_shared("data", "exchange", f"{name}.csv"))  # cp1252, ';'
    ours = rp.forecast(sc, model="exchange", rounds=1).fields["exchanges"]
    with require_shared("data", "exchange", f"{name}.output.csv").open() as fh:
        rows = list(csv.reader(fh, delimiter=";"))

    def same(row: list[str], e: dict) -> bool:
        theirs = {(row[0], row[1], round(float(row[7]), 6)),
                  (row[2], row[3], round(float(row[11]), 6))}
        mine = {(e[k]["actor"], e[k]["supply_issue"], round(e[k]["y"], 6)) for k in "ij"}
        return theirs == mine and abs(float(row[4]) - e["gain"]) < 1e-6

    matches = 0
    for row, e in zip(rows, ours, strict=False):
        if not same(row, e):
            break
        matches += 1
    # §9.2: the R prototype and the reference part after these many exchanges
    assert matches == agree


def test_bad_file_is_rejected_naming_each_line() -> None:
    path = require_shared("data", "exchange", "copenhagen_with_errors.csv")
    with pytest.raises(rp.InputError) as info:
        rp.load(path)
    message = str(info.value)
    assert "line 86: position 160 lies outside 'Control'" in message
    assert "line 87: power -0.247 is negative" in message
    assert str(path) in message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("#A\ta\n#A\tb\n#P\tk\n#D\ta\tk\t10\t0.5\t1\n#D\ta\tk\t20\t0.5\t1\n",
         "line 5: a second #D row for 'a' on 'k' (first on line 4)"),
        ("#A\ta\n#P\tk\n#M\tk\t10\n#M\tk\t5\n#D\ta\tk\t7\t0.5\t1\n",
         "line 4: #M value 5 for 'k' is below the previous 10"),
        # "0,5" is read as 0.5 (tests/test_decimal_commas.py); "1,000" could be either
        ("#A\ta\n#P\tk\n#D\ta\tk\t1,000\t0.5\t1\n",
         "line 3: #D position (field 4) '1,000' could be a decimal comma or a thousands"),
        ("#A\ta\n#P\tk\n#D\ta\tk\tx\t0.5\t1\n", "line 3: #D position (field 4) 'x' is "
         "not a number"),
        ("#A\ta\n#P\tk\n#D\ta\tk\t50\t1.5\t1\n", "line 3: salience 1.5 is outside 0–1"),
        ("#A\ta\n#P\tk\n#D\tz\tk\t50\t0.5\t1\n", "undeclared actor 'z'"),
        ("#A\ta\n#P\tk\n#P\tm\n#D\ta\tk\t50\t0.5\t1\n#D\ta\tm\t50\t0.5\t2\n",
         "power 2 of 'a' differs"),
    ],
)
def test_reader_errors(tmp_path, text: str, fragment: str) -> None:
    path = tmp_path / "case.csv"
    path.write_text(text)
    with pytest.raises(rp.InputError) as info:
        rp.load(path)
    assert fragment in str(info.value)


def test_blank_lines_comments_and_quotes_are_accepted(tmp_path) -> None:
    path = tmp_path / "ok.txt"
    path.write_text("#/;a comment\n\n'#A';'x y';'X Y'\n#A;b;B\n#P;k;K\n#O;about\n"
                    "#M;k;0;none\n#M;k;100;all\n#D;'x y';k;10;0.5;1\n#D;b;k;90;0.5;1\n")
    sc = rp.load(path)
    assert sc.actor_ids == ("x y", "b") and sc.position[0, 0] == 10


def test_salience_zero_is_valid_and_stays_put(tmp_path) -> None:
    sc = two_by_two()
    data = sc.model_dump()
    data["stances"][0]["salience"] = 0.0  # Actor-1 indifferent to Issue-1
    result = rp.forecast(rp.Scenario.model_validate(data), model="exchange", rounds=3)
    assert result.fields["exchanges"] == []
    assert np.all(result.trajectory[:, 0, 0] == 0)


def test_writer_round_trips_through_the_reader(tmp_path) -> None:
    sc = rp.load(require_shared("data", "exchange", "sample_data.txt"))
    path = tmp_path / "again.txt"
    path.write_text(dump(sc))
    again = rp.load(path)
    np.testing.assert_array_equal(again.position, sc.position)
    np.testing.assert_array_equal(again.capability, sc.capability)
    a = rp.forecast(sc, model="exchange").forecast
    b = rp.forecast(again, model="exchange").forecast
    np.testing.assert_array_equal(a, b)


def test_json_contract(capsys) -> None:
    path = str(require_shared("data", "exchange", "copenhagen.csv"))
    assert main(["forecast", path, "-m", "exchange", "-f", "json", "--param", "rounds=2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["actors"][:2] == ["USA", "EU (incl Norway)"]
    commitments = next(i for i in data["issues"] if i["id"] == "Commitments")
    assert len(commitments["trajectory"]) == 3 and len(commitments["voting"]) == 2
    assert commitments["trajectory"][0][data["actors"].index("Russia")] is None
    assert commitments["forecast"] == commitments["outcome_voting"][-1]
    ex = data["exchanges"][0]
    assert set(ex) == {"round", "order", "gain", "i", "j"}
    assert set(ex["i"]) >= {"actor", "supply_issue", "demand_issue", "x", "move", "y"}


def test_variant_parameters_are_checked(tiny) -> None:
    with pytest.raises(rp.InputError, match="parameter 'p'"):
        rp.forecast(tiny, model="exchange", p=1.5)
    with pytest.raises(rp.InputError, match="variant"):
        rp.forecast(tiny, model="exchange", variant="random")
    with pytest.raises(rp.InputError, match="Equal Gain only"):
        rp.forecast(tiny, model="exchange", variant="random-rate", p=0.5)


def _first_round_stream(seed: int) -> np.random.Generator:
    """The generator round 1 draws from: each round has its own, seeded from the run's."""
    return np.random.default_rng(np.random.default_rng(seed).integers(2**63))


def test_randomised_best_cases_match_the_package_test_values() -> None:
    """§12.1: the package's eu_max 1400 (Actor-1) and 777.78 (Actor-2), and the losses and
    gains of full moves 1000/7, 6000/7 (Issue-1), 22500/7, 12500/7 (Issue-2), on its
    0–100 salience scale; our saliences are divided by 100, so are these."""
    for seed in range(4):
        result = rp.forecast(two_by_two(), model="exchange", rounds=1, p=0.5, seed=seed)
        (e,) = result.fields["exchanges"]
        assert (e["i"]["actor"], e["j"]["actor"]) == ("Actor-2", "Actor-1")
        assert e["i"]["eu_max"] == pytest.approx(7.7778, abs=1e-4)
        assert e["j"]["eu_max"] == pytest.approx(14.00, abs=1e-12)
        assert e["gain"] == pytest.approx(5.0)  # the ordering keeps the equal gain
    sc = two_by_two()
    x, s = sc.position, sc.salience
    c = np.ones_like(x)
    rnd = engine.Round(x, s, c, ~np.isnan(x))
    (cand,) = engine.make_candidates(rnd, np.array([True, True]))
    best = engine.best_cases(cand, rnd)
    assert best["loss"][id(cand.b)] == pytest.approx(1000 / 7 / 100)
    assert best["gain"][id(cand.a)] == pytest.approx(6000 / 7 / 100)
    assert best["gain"][id(cand.b)] == pytest.approx(22500 / 7 / 100)
    assert best["loss"][id(cand.a)] == pytest.approx(12500 / 7 / 100)


@pytest.mark.parametrize("p", [0.3, 1.0])
@pytest.mark.parametrize("seed", range(8))
def test_randomised_moves_computed_by_hand(p: float, seed: int) -> None:
    """§8 on the analytic case from the run's own draws u, v, z: the randomised side moves
    fully (Actor-1) or is capped by its partner's full move (Actor-2), and its gain is the
    drawn target. No clamp applies: Issue-1's outcome stops exactly at 100."""
    u, v, z = _first_round_stream(seed).random(3)
    g, eu_max = 5.0, {"Actor-2": 70 / 9, "Actor-1": 14.0}
    r_actor = "Actor-2" if u < 0.5 else "Actor-1"
    target = g + p * z * (eu_max[r_actor] - g) if v < 0.5 else g - p * z * g
    if r_actor == "Actor-2":  # A: its full move needs more than Actor-1's full move
        move_a = (0.6 * 100 / 7 - target) / 0.5 * 1.4 / 0.5
    else:  # B moves fully (ΔO_1 = 100/7); A's shift gives B the target gain
        move_a = (target + 0.1 * 100 / 7) / 0.9 * 1.4 / 0.5
    result = rp.forecast(two_by_two(), model="exchange", rounds=1, p=p, seed=seed)
    (e,) = result.fields["exchanges"]
    assert e["i"]["move"] == pytest.approx(-move_a, rel=1e-12)
    assert e["j"]["move"] == pytest.approx(100.0)
    own = e["i"] if r_actor == "Actor-2" else e["j"]
    assert own["eu"] == pytest.approx(target, rel=1e-12)
    other = e["j"] if r_actor == "Actor-2" else e["i"]
    assert own["eu"] + other["eu"] == pytest.approx(  # the two gains add up as they must
        0.6 * 100 / 7 - 0.5 * move_a * 0.5 / 1.4 + 0.9 * move_a * 0.5 / 1.4 - 0.1 * 100 / 7)


def test_p_zero_is_plain_equal_gain_and_small_p_approaches_it() -> None:
    plain = rp.forecast(two_by_two(), model="exchange", rounds=3)
    zero = rp.forecast(two_by_two(), model="exchange", rounds=3, p=0, seed=5)
    assert zero.fields["exchanges"] == plain.fields["exchanges"]
    np.testing.assert_array_equal(zero.trajectory, plain.trajectory)
    tiny_p = rp.forecast(two_by_two(), model="exchange", rounds=3, p=1e-9, seed=5)
    np.testing.assert_allclose(tiny_p.trajectory, plain.trajectory, atol=1e-6)


@pytest.mark.parametrize("seed", range(6))
def test_random_rate_computed_by_hand(seed: int) -> None:
    """§9.1 on the analytic case: one candidate, so it is both actors' best and is realised
    at its drawn rate r between the break-even rates s_Bp/s_Bq = 1/9 and s_Ap/s_Aq = 1.2;
    B (Actor-1) moves fully unless A would pass B's position."""
    r = 1 / 9 + (1.2 - 1 / 9) * _first_round_stream(seed).random()
    dop = min(100 * 0.1 / 0.7, 100 * 0.5 / (1.4 * r))
    doq = r * dop
    result = rp.forecast(two_by_two(), model="exchange", rounds=1, variant="random-rate",
                         seed=seed)
    (e,) = result.fields["exchanges"]
    assert e["i"]["move"] == pytest.approx(-doq * 1.4 / 0.5, rel=1e-12)
    assert e["j"]["move"] == pytest.approx(dop * 0.7 / 0.1, rel=1e-12)
    assert e["i"]["eu"] == pytest.approx(0.6 * dop - 0.5 * doq, rel=1e-12)
    assert e["j"]["eu"] == pytest.approx(0.9 * doq - 0.1 * dop, rel=1e-12)
    assert e["gain"] == min(e["i"]["eu"], e["j"]["eu"]) > 0


def test_random_rate_on_a_real_dataset() -> None:
    sc = rp.load(require_shared("data", "exchange", "sample_data.txt"))
    one = rp.forecast(sc, model="exchange", variant="random-rate", seed=3)
    two = rp.forecast(sc, model="exchange", variant="random-rate", seed=3)
    other = rp.forecast(sc, model="exchange", variant="random-rate", seed=4)
    assert one.fields["exchanges"] == two.fields["exchanges"]
    assert one.fields["exchanges"] != other.fields["exchanges"]
    assert len([e for e in one.fields["exchanges"] if e["round"] == 1]) > 5
    for e in one.fields["exchanges"]:  # both actors gain in every realised trade
        assert e["i"]["eu"] > 0 and e["j"]["eu"] > 0
    lo = np.array([sc.issue(i).scale.min for i in sc.issue_ids])
    hi = np.array([sc.issue(i).scale.max for i in sc.issue_ids])
    assert np.all((one.forecast >= lo - 1e-9) & (one.forecast <= hi + 1e-9))


@settings(max_examples=25, deadline=None)
@given(st.integers(3, 7), st.integers(2, 4), st.integers(0, 10_000))
def test_properties(n_actors: int, n_issues: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    data = {
        "name": "random",
        "actors": [{"id": f"a{k}", "name": f"a{k}", "capability": float(rng.uniform(0.1, 1))}
                   for k in range(n_actors)],
        "issues": [{"id": f"i{k}", "name": f"i{k}", "scale": {"min": -5, "max": 15}}
                   for k in range(n_issues)],
        "stances": [{"actor": f"a{a}", "issue": f"i{i}",
                     "position": float(rng.integers(-5, 16)),
                     "salience": float(rng.integers(1, 11)) / 10}
                    for a in range(n_actors) for i in range(n_issues) if rng.random() < 0.9],
    }
    try:
        sc = rp.Scenario.model_validate(data)
    except ValueError:
        return  # an issue drew no stances
    for params in ({}, {"p": 0.7}, {"variant": "random-rate"}):
        one = rp.forecast(sc, model="exchange", seed=seed, **params)
        two = rp.forecast(sc, model="exchange", seed=seed, **params)
        assert np.array_equal(one.forecast, two.forecast)
        assert one.fields["exchanges"] == two.fields["exchanges"]
        assert np.all((one.forecast >= -5 - 1e-9) & (one.forecast <= 15 + 1e-9))
        assert np.all((one.trajectory >= -5 - 1e-9) & (one.trajectory <= 15 + 1e-9)
                      | np.isnan(one.trajectory))
        batch = get("exchange").forecast_batch(sc.batch(), rng=np.random.default_rng(seed),
                                               **params)
        np.testing.assert_array_equal(batch[0], one.forecast)
    plain = rp.forecast(sc, model="exchange")
    zero = rp.forecast(sc, model="exchange", p=0.0, seed=seed)
    assert zero.fields["exchanges"] == plain.fields["exchanges"]


def test_exchanges_command_on_russia_japan(capsys) -> None:
    assert main(["exchanges", "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert "in exchange for" in out and "gain" in out
    assert main(["exchanges", str(FIXTURES / "tiny.yaml")]) == 0
    capsys.readouterr()
    args = ["exchanges", "--rounds", "1", "-p", "variant=random-rate", "--seed", "3"]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert main(args) == 0
    assert capsys.readouterr().out == first  # a seed reproduces the random variant
    assert re.search(r"\(\d+\.\d{3} / \d+\.\d{3}\)", first)  # both actors' own gains
    assert main(["exchanges", "-p", "p=2"]) == 2
    assert "less than or equal to 1" in capsys.readouterr().err


def test_capability_zero_takes_no_part() -> None:
    data = two_by_two().model_dump()
    data["actors"] = list(data["actors"])
    data["stances"] = list(data["stances"])
    data["actors"][0]["capability"] = 0.0
    data["actors"].append({"id": "Actor-3", "name": "Actor-3", "capability": 1.0})
    data["stances"] += [
        {"actor": "Actor-3", "issue": "Issue-1", "position": 10, "salience": 0.5},
        {"actor": "Actor-3", "issue": "Issue-2", "position": 10, "salience": 0.5},
    ]
    result = rp.forecast(rp.Scenario.model_validate(data), model="exchange", rounds=2)
    assert all(e["i"]["actor"] != "Actor-1" and e["j"]["actor"] != "Actor-1"
               for e in result.fields["exchanges"])
    assert np.all(result.trajectory[:, 0, :] == 0)


def _both_engines(sc: rp.Scenario, rounds: int, p: float = 0.0, seed: int = 0):
    from realpolitik.models.exchange import ExchangeParams, simulate
    args = (sc.capability, sc.position, sc.salience, sc.scale_min, sc.scale_max, rounds)

    def rules():
        return ExchangeParams(p=p).rules(np.random.default_rng(seed))

    compiled = simulate(*args, record=True, rules=rules())
    python = simulate(*args, record=True, rules=rules(), compiled=False)
    return compiled, python


def _listing(realised_per_round):
    return [[(e.index, e.gain, e.a.actor, e.a.supply, e.a.xs, e.a.move, e.a.y, e.a.eu,
              e.a.eu_max, e.b.actor, e.b.supply, e.b.xs, e.b.move, e.b.y, e.b.eu, e.b.eu_max)
             for e in r] for r in realised_per_round]


def _same(a, b) -> None:
    for x, y in zip(a[:5], b[:5], strict=True):  # per-round arrays, final positions
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))
    la, lb = _listing(a[5]), _listing(b[5])
    assert str(la) == str(lb)  # as text, so NaN (no own gain) compares equal to NaN


@pytest.mark.parametrize("name", ["copenhagen.csv", "sample_data.txt", "cop21.csv"])
@pytest.mark.parametrize("p", [0.0, 0.6])
def test_compiled_round_equals_the_python_engine_bit_for_bit(name: str, p: float) -> None:
    sc = rp.load(require_shared("data", "exchange", name))
    compiled, python = _both_engines(sc, 10, p=p, seed=11)
    _same(compiled, python)
    assert sum(len(r) for r in compiled[5]) > 20


@settings(max_examples=30, deadline=None)
@given(st.integers(3, 12), st.integers(2, 5), st.integers(0, 10_000))
def test_compiled_round_equals_the_python_engine_on_random_cases(
        n_actors: int, n_issues: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    data = {  # coarse grids make ties and knife edges common
        "name": "random",
        "actors": [{"id": f"a{k}", "name": f"a{k}",
                    "capability": float(rng.integers(1, 5)) / 4} for k in range(n_actors)],
        "issues": [{"id": f"i{k}", "name": f"i{k}"} for k in range(n_issues)],
        "stances": [{"actor": f"a{a}", "issue": f"i{i}",
                     "position": float(rng.integers(0, 5) * 25),
                     # every issue keeps one stance that counts (salience > 0)
                     "salience": float(max(rng.integers(0, 5), int(a == i % n_actors))) / 4}
                    for a in range(n_actors) for i in range(n_issues)
                    # a stance dropped now and then, but every actor and issue keeps one
                    if rng.random() < 0.9 or i == a % n_issues or a == i % n_actors],
    }
    sc = rp.Scenario.model_validate(data)  # always valid: every example is compared
    for p in (0.0, 1.0):
        compiled, python = _both_engines(sc, 5, p=p, seed=seed)
        _same(compiled, python)


def _draw_by_draw(batch, rounds: int) -> np.ndarray:
    """Plain Equal Gain draw by draw through ``simulate`` (the run path)."""
    from realpolitik.models.exchange import _external, simulate
    lo, hi = batch.scale_min, batch.scale_max
    out = []
    for k in range(batch.size):
        *_, out_voting, _x, _ex = simulate(batch.capability[k], batch.position[k],
                                           batch.salience[k], lo, hi, rounds)
        out.append(_external(out_voting[-1], lo, hi))
    return np.array(out)


@pytest.mark.parametrize("name", ["copenhagen.csv", "sample_data.txt"])
def test_compiled_batch_equals_draw_by_draw_runs(name: str) -> None:
    from realpolitik.analysis.uncertainty import sample
    sc = rp.load(require_shared("data", "exchange", name))
    batch = sample(sc, 12, np.random.default_rng(3), widen=0.1)
    compiled = get("exchange").forecast_batch(batch, rounds=4)
    np.testing.assert_array_equal(compiled, _draw_by_draw(batch, 4))
    zero = get("exchange").forecast_batch(batch, rounds=0)  # no rounds: the weighted mean
    np.testing.assert_allclose(zero, get("compromise").forecast_batch(batch), rtol=1e-12)


def knife_edge() -> rp.Scenario:
    """Four actors, two issues (0–100). a1's exchange with a2 is clamped so that the outcome
    of i0 stops exactly on a2's position, 50; a0's exchange with a2 is then recomputed and
    sees that outcome sitting on a2's position (the knife edge of §4.5)."""
    x = [[80, 0], [80, 45], [50, 65], [30, 100]]
    s = [[0.1, 0.3], [0.4, 0.6], [0.5, 0.2], [0.1, 0.1]]
    c = [0.1, 0.2, 1.0, 0.2]
    return rp.Scenario.model_validate({
        "name": "knife-edge",
        "actors": [{"id": f"a{i}", "name": f"a{i}", "capability": c[i]} for i in range(4)],
        "issues": [{"id": f"i{k}", "name": f"i{k}"} for k in range(2)],
        "stances": [{"actor": f"a{i}", "issue": f"i{k}", "position": x[i][k],
                     "salience": s[i][k]} for i in range(4) for k in range(2)],
    })


def test_outcome_exactly_on_the_demanders_position_is_not_clamped() -> None:
    """§4.5: once an exchange has put an outcome exactly on z, a later candidate with the
    same demander on that issue has d0 = 0, which is no clamp: it keeps its full move. The
    reference's decimals decide this by rounding noise (−1e-26 against +0.38 clamps it to a
    zero move and drops it); the specification says to decide it the exact way."""
    sc = knife_edge()
    w = sc.capability[:, None] * sc.salience
    d = w.sum(axis=0)
    result = rp.forecast(sc, model="exchange", rounds=1)
    ex = result.fields["exchanges"]
    first, second = ex[0], ex[1]
    # the first exchange: a1 supplies i0 to a2, clamped at a2's position on i0
    assert (first["i"]["actor"], first["i"]["supply_issue"]) == ("a2", "i1")
    assert (first["j"]["actor"], first["j"]["supply_issue"]) == ("a1", "i0")
    a1_full = 80 + (50 - 80) * 1.0  # where the unclamped full move would take it
    assert first["j"]["y"] > a1_full + 1
    x_i0 = sc.position[:, 0].copy()
    x_i0[1] = first["j"]["y"]
    assert (w[:, 0] @ x_i0) / d[0] == pytest.approx(50, abs=1e-12)
    # the second: a0 supplies i0 to the same demander a2, from an outcome already on 50
    assert (second["i"]["actor"], second["i"]["supply_issue"]) == ("a2", "i1")
    assert (second["j"]["actor"], second["j"]["supply_issue"]) == ("a0", "i0")
    assert second["i"]["x"] == pytest.approx(first["i"]["y"], abs=1e-12)
    # not clamped: a0 makes its full move to a2's position, and the gain is (4.2) for it
    assert second["j"]["y"] == pytest.approx(50, abs=1e-12)
    s = sc.salience
    a, b = 2, 0  # A = a2 demands i0 (p) and supplies i1 (q); B = a0
    dop = 30 * w[b, 0] / d[0]
    assert second["gain"] == pytest.approx(
        dop * (s[a, 0] * s[b, 1] - s[a, 1] * s[b, 0]) / (s[a, 1] + s[b, 1]), abs=1e-12)
    assert len(ex) == 4
    _same(*_both_engines(sc, 1))
