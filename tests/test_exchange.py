"""The exchange model against the specification's worked examples, the reference run of
copenhagen.csv and the R prototype's one-round lists (../shared/data/exchange)."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import realpolitik as rp
from realpolitik.cli import main
from realpolitik.io.decide import dump
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
        ("#A\ta\n#P\tk\n#D\ta\tk\t0,5\t0.5\t1\n", "line 3: '0,5' is not a number"),
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
                    "#D;'x y';k;10;0.5;1\n#D;b;k;90;0.5;1\n")
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


def test_unsupported_variants_are_clear_errors(tiny) -> None:
    with pytest.raises(rp.InputError, match="parameter 'p'"):
        rp.forecast(tiny, model="exchange", p=0.5)
    with pytest.raises(rp.InputError, match="variant"):
        rp.forecast(tiny, model="exchange", variant="random-rate")


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
    one = rp.forecast(sc, model="exchange")
    two = rp.forecast(sc, model="exchange")
    assert np.array_equal(one.forecast, two.forecast)
    assert one.fields["exchanges"] == two.fields["exchanges"]
    assert np.all((one.forecast >= -5 - 1e-9) & (one.forecast <= 15 + 1e-9))
    batch = get("exchange").forecast_batch(sc.batch())
    np.testing.assert_array_equal(batch[0], one.forecast)


def test_exchanges_command_on_russia_japan(capsys) -> None:
    assert main(["exchanges", "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert "in exchange for" in out and "gain" in out
    assert main(["exchanges", str(FIXTURES / "tiny.yaml")]) == 0


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
