"""The Scenario: arrays, validation errors (file, line, field, problem, allowed), round-trips."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import numpy as np
import pytest
import yaml

import realpolitik
from realpolitik import InputError, Scenario
from realpolitik.io import native

from .conftest import FIXTURES

TINY = (FIXTURES / "tiny.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str, name: str = "case.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def error_for(tmp_path: Path, text: str, name: str = "case.yaml") -> InputError:
    path = write(tmp_path, text, name)
    with pytest.raises(InputError) as info:
        realpolitik.load(path)
    assert str(path) in str(info.value)
    return info.value


def test_arrays_follow_actor_and_issue_order(tiny: Scenario) -> None:
    assert tiny.actor_ids == ("a", "b", "c")
    assert tiny.issue_ids == ("land", "money")
    np.testing.assert_array_equal(tiny.capability, [1, 2, 3])
    np.testing.assert_array_equal(tiny.position[:, 0], [0, 50, 100])
    assert np.isnan(tiny.position[1, 1])  # b takes no stance on money
    np.testing.assert_array_equal(tiny.salience[:, 1], [0.5, 0.0, 1.0])
    np.testing.assert_array_equal(tiny.scale_max, [100, 10])
    assert tiny.status_quo[0] == 0 and np.isnan(tiny.status_quo[1])
    batch = tiny.batch()
    assert batch.position.shape == (1, 3, 2) and batch.capability.shape == (1, 3)


def test_scenario_is_immutable(tiny: Scenario) -> None:
    with pytest.raises(ValueError):
        tiny.position[0, 0] = 5.0
    with pytest.raises(ValueError):
        tiny.name = "other"  # type: ignore[misc]


def test_yaml_and_json_round_trip_exactly(tiny: Scenario, tmp_path: Path) -> None:
    for suffix in (".yaml", ".json"):
        path = tmp_path / f"copy{suffix}"
        realpolitik.save(tiny, path)
        again = realpolitik.load(path)
        assert again == tiny
        # writing the re-read scenario gives the same bytes
        path2 = tmp_path / f"copy2{suffix}"
        realpolitik.save(again, path2)
        assert path.read_bytes() == path2.read_bytes()


def test_float_values_survive_round_trip(tmp_path: Path) -> None:
    text = TINY.replace("position: 50, salience: 0.5", "position: 33.333333333333336, "
                        "salience: 0.1")
    sc = realpolitik.load(write(tmp_path, text))
    out = tmp_path / "out.yaml"
    realpolitik.save(sc, out)
    assert realpolitik.load(out).position[1, 0] == 33.333333333333336


def test_json_schema_is_generated_and_validates_the_native_form(tiny: Scenario) -> None:
    schema = Scenario.model_json_schema()
    jsonschema.validate(json.loads(native.dump_json(tiny)), schema)
    bad = yaml.safe_load(TINY)
    bad["actors"][0]["colour"] = "red"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_published_schema_file_matches_the_model() -> None:
    published = Path(__file__).resolve().parents[1] / "docs" / "scenario.schema.json"
    assert json.loads(published.read_text(encoding="utf-8")) == Scenario.model_json_schema()


# --- validation: each case names file, line or field, the problem and what is allowed ----

CASES = [
    # (description, edit of the tiny text, expected fragments in the message)
    ("unknown key", lambda t: t.replace("group: X, capability: 1}", "group: X, capability: 1, "
                                        "colour: red}"),
     ["case.yaml:9", "actors[0].colour", "unknown key 'colour'", "allowed: id, name"]),
    ("missing field", lambda t: t.replace("{id: b, name: Actor B, group: X, capability: 2}",
                                          "{id: b, name: Actor B, group: X}"),
     ["case.yaml:10", "actors[1].capability", "missing required field 'capability'"]),
    ("duplicate actor id", lambda t: t.replace("{id: c, name: Actor C", "{id: a, name: Actor C"),
     ["case.yaml:11", "actors[2].id", "duplicate id 'a'", "unique ids"]),
    ("duplicate issue id", lambda t: t.replace("- id: money", "- id: land"),
     ["issues[1].id", "duplicate id 'land'"]),
    ("unknown actor in stance", lambda t: t.replace("{actor: c, issue: money",
                                                    "{actor: zz, issue: money"),
     ["case.yaml:28", "stances[4].actor", "unknown actor 'zz'", "allowed: an actor id: a, b, c"]),
    ("unknown issue in stance", lambda t: t.replace("{actor: a, issue: money",
                                                    "{actor: a, issue: cash"),
     ["stances[3].issue", "unknown issue 'cash'", "land, money"]),
    ("position off scale", lambda t: t.replace("issue: money, position: 8,",
                                               "issue: money, position: 80,"),
     ["case.yaml:28", "stances[4].position", "80 lies outside the scale of issue 'money'",
      "allowed: 0 to 10"]),
    ("negative capability", lambda t: t.replace("capability: 3}", "capability: -3}"),
     ["actors[2].capability", "-3", "out of range", "capability >= 0"]),
    ("NaN", lambda t: t.replace("position: 50,", "position: .nan,"),
     ["stances[1].position", "not a finite number", "no NaN or infinity"]),
    ("infinity", lambda t: t.replace("capability: 2}", "capability: .inf}"),
     ["actors[1].capability", "not a finite number"]),
    ("salience above 1", lambda t: t.replace("position: 50, salience: 0.5",
                                             "position: 50, salience: 50"),
     ["stances[1].salience", "out of range", "allowed: 0 to 1"]),
    ("negative salience", lambda t: t.replace("position: 50, salience: 0.5",
                                              "position: 50, salience: -0.1"),
     ["stances[1].salience", "out of range", "allowed: 0 to 1"]),
    ("no capability on an issue", lambda t: t.replace("capability: 1}", "capability: 0}")
     .replace("capability: 3}", "capability: 0}"),
     ["issues[1]", "every actor on issue 'money' has capability 0 or salience 0"]),
    ("duplicate stance", lambda t: t + "  - {actor: a, issue: land, position: 5, "
                                       "salience: 0.2}\n",
     ["stances[5]", "second stance of 'a' on 'land'"]),
    ("duplicate yaml key", lambda t: t.replace("title: Tiny test negotiation",
                                               "title: Tiny\ntitle: Again"),
     ["case.yaml:4", "duplicate key 'title'"]),
    ("malformed yaml", lambda t: t.replace("{id: a, name: Actor A,", "{id: a, name: [Actor A,"),
     ["malformed YAML", "allowed: valid YAML"]),
    ("empty scenario", lambda t: "name: empty\nactors: []\nissues: []\nstances: []\n",
     ["actors", "the scenario has no actors", "at least one actor"]),
    ("anchor off scale", lambda t: t.replace("{value: 100, label: all}",
                                             "{value: 120, label: all}"),
     ["issues[0].anchors[2].value", "outside the scale"]),
    ("status quo off scale", lambda t: t.replace("status_quo: 0", "status_quo: -1"),
     ["issues[0].status_quo", "outside the scale"]),
    ("unknown evidence source", lambda t: t.replace(
        "{id: a, name: Actor A, group: X, capability: 1}",
        "{id: a, name: Actor A, group: X, capability: 1, "
        "evidence: [{source: nowhere, quote: x}]}"),
     ["actors[0].evidence[0].source", "unknown source 'nowhere'", "hand"]),
    ("bad distribution", lambda t: t.replace(
        "{actor: a, issue: land, position: 0, salience: 1.0}",
        "{actor: a, issue: land, position: 0, salience: 1.0, "
        "position_uncertainty: {dist: uniform, low: 0}}"),
     ["stances[0].position_uncertainty", "uniform distribution takes exactly low, high"]),
    ("range off scale", lambda t: t.replace(
        "{actor: a, issue: land, position: 0, salience: 1.0}",
        "{actor: a, issue: land, position: 0, salience: 1.0, "
        "position_uncertainty: {dist: uniform, low: -5, high: 10}}"),
     ["stances[0].position_uncertainty", "leaves the allowed interval", "0 to 100"]),
    ("top level not a mapping", lambda t: "- a\n- b\n",
     ["top level is a list", "allowed: a mapping"]),
]


@pytest.mark.parametrize(("label", "edit", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_validation_errors_are_clear(tmp_path: Path, label, edit, fragments) -> None:
    err = error_for(tmp_path, edit(TINY))
    message = str(err)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert "\n" not in message


def test_json_errors_name_the_field(tmp_path: Path, tiny: Scenario) -> None:
    data = json.loads(native.dump_json(tiny))
    data["stances"][2]["salience"] = 2
    err = error_for(tmp_path, json.dumps(data), "case.json")
    assert "stances[2].salience" in str(err) and "0 to 1" in str(err)
    err = error_for(tmp_path, '{"name": "x", ', "bad.json")
    assert "malformed JSON" in str(err) and "bad.json:1" in str(err)
    err = error_for(tmp_path, '{"name": "x", "name": "y"}', "dup.json")
    assert "duplicate key 'name'" in str(err)


def test_files_that_are_not_scenarios(tmp_path: Path) -> None:
    binary = tmp_path / "photo.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(InputError, match="not a text file"):
        realpolitik.load(binary)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not valid UTF-8"):
        realpolitik.load(latin)
    with pytest.raises(InputError, match="file not found"):
        realpolitik.load(tmp_path / "missing.yaml")
    with pytest.raises(InputError, match=r"unrecognised file type '\.docx'"):
        realpolitik.load(write(tmp_path, "x", "notes.docx"))
    empty = write(tmp_path, "", "empty.yaml")
    with pytest.raises(InputError, match="the file is empty"):
        realpolitik.load(empty)


def test_too_large_file_is_refused_before_parsing(tmp_path: Path, monkeypatch) -> None:
    from realpolitik import errors

    path = write(tmp_path, TINY)
    monkeypatch.setattr(errors, "MAX_INPUT_BYTES", 100)
    with pytest.raises(InputError, match="too large to be a scenario"):
        realpolitik.load(path)


def test_direct_construction_is_validated_too() -> None:
    data = yaml.safe_load(TINY)
    data["stances"][0]["actor"] = "nobody"
    with pytest.raises(ValueError, match="unknown actor 'nobody'"):
        Scenario.model_validate(data)


def test_nearest_anchor(tiny: Scenario) -> None:
    assert tiny.nearest_anchor("land", 30).label == "half"
    assert tiny.nearest_anchor("land", 25).label == "none"  # tie → lower anchor
    assert tiny.nearest_anchor("money", 3) is None
