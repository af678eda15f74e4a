"""The scenario's ``agreement`` section: parsed, round-tripped, and bad input named in one line."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import realpolitik
from realpolitik import InputError, Scenario
from realpolitik.cli import main
from realpolitik.io import native

from .conftest import FIXTURES

DEAL = (FIXTURES / "agreement" / "deal.yaml").read_text(encoding="utf-8")


def load_text(tmp_path: Path, text: str) -> Scenario:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return realpolitik.load(path)


def test_the_section_is_read(tmp_path: Path) -> None:
    sc = load_text(tmp_path, DEAL)
    ag = sc.agreement
    assert ag is not None and ag.package == ("land", "trade") and ag.utility == "quadratic"
    a, b = ag.parties
    assert (a.negotiator, a.vetoes, a.quota) == ("a-lead", ("a-hawk",), 0.5)
    assert ag.members(a, sc.actors) == ("a-lead", "a-hawk", "a-mass")  # the group's actors
    assert ag.members(b, sc.actors) == ("b-lead", "b-hawk")  # listed
    assert ag.vetoes[0].actor == "ally" and ag.vetoes[0].issues == ("trade",)
    line = ag.red_lines[0]
    assert (line.actor, line.issue, line.min, line.max) == ("a-lead", "land", None, 50)
    assert (line.when.issue, line.when.max) == ("trade", 40)
    assert line.evidence[0].quote.startswith("no more than half")


def test_round_trip_and_schema(tmp_path: Path) -> None:
    sc = load_text(tmp_path, DEAL)
    for dump, name in ((native.dump_yaml, "x.yaml"), (native.dump_json, "x.json")):
        path = tmp_path / name
        path.write_text(dump(sc), encoding="utf-8")
        again = realpolitik.load(path)
        assert again == sc
    schema = Scenario.model_json_schema()
    jsonschema.validate(json.loads(native.dump_json(sc)), schema)
    bad = json.loads(native.dump_json(sc))
    bad["agreement"]["parties"][0]["ratifiers"] = ["a-mass"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_a_scenario_without_the_section_has_none() -> None:
    assert realpolitik.load(FIXTURES / "tiny.yaml").agreement is None


CASES = [
    ("unknown negotiator", ("negotiator: a-lead", "negotiator: a-boss"),
     ["agreement.parties[0].negotiator", "unknown actor 'a-boss'", "allowed: an actor id"]),
    ("unknown party veto", ("vetoes: [b-hawk]", "vetoes: [b-dove]"),
     ["agreement.parties[1].vetoes[0]", "unknown actor 'b-dove'"]),
    ("unknown member", ("members: [b-lead, b-hawk]", "members: [b-lead, b-crowd]"),
     ["agreement.parties[1].members[1]", "unknown actor 'b-crowd'"]),
    ("unknown group", ("group: A, quota", "group: Q, quota"),
     ["agreement.parties[0].group", "unknown group 'Q'",
      "allowed: a group of the actors: A, B, C"]),
    ("unknown outside veto", ("{actor: ally, issues", "{actor: friend, issues"),
     ["agreement.vetoes[0].actor", "unknown actor 'friend'"]),
    ("unknown package issue", ("package: [land, trade]", "package: [land, fish]"),
     ["agreement.package[1]", "unknown issue 'fish'", "allowed: an issue id: land, trade, other"]),
    ("package issue without status quo", ("package: [land, trade]", "package: [land, other]"),
     ["agreement.package[1]", "'other' has no status quo", "allowed: give the issue a status_quo"]),
    ("red line off the scale", ("      max: 50\n", "      max: 150\n"),
     ["agreement.red_lines[0].max", "max 150 lies off the scale of issue 'land'", "0 to 100"]),
    ("red line min above max", ("      max: 50\n", "      max: 50\n      min: 60\n"),
     ["agreement.red_lines[0]", "min 60 exceeds max 50", "allowed: min ≤ max"]),
    ("red line with no bound", ("      max: 50\n", ""),
     ["agreement.red_lines[0]", "neither min nor max"]),
    ("when outside the package", ("when: {issue: trade", "when: {issue: other"),
     ["agreement.red_lines[0].when.issue", "issue 'other' is not in the package",
      "allowed: a package issue: land, trade"]),
    ("when off the scale", ("when: {issue: trade, max: 40}", "when: {issue: trade, max: -1}"),
     ["agreement.red_lines[0].when.max", "off the scale"]),
    ("red line outside the package", ("      issue: land\n", "      issue: other\n"),
     ["agreement.red_lines[0].issue", "not in the package"]),
    ("quota above 1", ("quota: 0.5", "quota: 1.5"),
     ["agreement.parties[0].quota", "quota 1.5 is out of range", "from 0 to 1"]),
    ("quota below 0", ("quota: 0.5", "quota: -0.1"),
     ["agreement.parties[0].quota", "out of range"]),
    ("negotiator not a member", ("negotiator: b-lead, vetoes", "negotiator: ally, vetoes"),
     ["agreement.parties[1].negotiator", "'ally' is not a member of party 'B'",
      "allowed: a member: b-lead, b-hawk"]),
    ("party veto not a member", ("vetoes: [a-hawk]", "vetoes: [b-hawk]"),
     ["agreement.parties[0].vetoes", "'b-hawk' is not a member of party 'A'"]),
    ("outside veto on an issue outside the package", ("issues: [trade]}", "issues: [other]}"),
     ["agreement.vetoes[0].issues[0]", "not in the package"]),
    ("unknown source in red-line evidence", ("{source: hand, quote: no more",
                                             "{source: press, quote: no more"),
     ["agreement.red_lines[0].evidence[0].source", "unknown source 'press'"]),
    ("unknown key", ("quota: 0.5}", "quota: 0.5, ratifiers: [a-mass]}"),
     ["agreement.parties[0].ratifiers", "unknown key 'ratifiers'", "negotiator"]),
    ("bad utility", ("utility: quadratic", "utility: cubic"),
     ["agreement.utility", "'cubic' is not a recognised value"]),
    ("negative cost", ("cost: 0.0", "cost: -1"), ["agreement.cost", "out of range"]),
    ("no parties", ("  parties:\n", "  parties: []\n  old_parties:\n"),
     ["agreement.parties", "at least 1 item"]),
]


@pytest.mark.parametrize(("label", "edit", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_clear_error(tmp_path: Path, label, edit, fragments) -> None:
    old, new = edit
    assert old in DEAL, old
    with pytest.raises(InputError) as info:
        load_text(tmp_path, DEAL.replace(old, new, 1))
    message = str(info.value)
    assert "case.yaml" in message and "\n" not in message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_the_error_names_the_line(tmp_path: Path) -> None:
    text = DEAL.replace("quota: 0.5", "quota: 1.5", 1)
    with pytest.raises(InputError) as info:
        load_text(tmp_path, text)
    line = next(k for k, row in enumerate(text.splitlines(), 1) if "quota: 1.5" in row)
    assert f"case.yaml:{line}" in str(info.value)


def test_cli_prints_one_line_and_exits_2(tmp_path: Path, capsys) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(DEAL.replace("quota: 0.5", "quota: 2", 1), encoding="utf-8")
    code = main(["validate", str(path)])
    _, err = capsys.readouterr()
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "quota 2 is out of range" in err
    assert "Traceback" not in err
