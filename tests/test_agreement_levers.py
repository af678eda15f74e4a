"""Levers against hand-solved cases and the independent grid of ``test_agreement``: for a
deal, red lines tightened and party vetoes added; pairs of every lever kind."""

from __future__ import annotations

import pytest

from realpolitik.analysis.levers import find_levers

from .test_agreement import TWO_PARTIES, brute, scenario

ONE = [("a-lead", "x", 30, 1.0), ("b-lead", "x", 80, 1.0)]


def rows_by(levers, change: str, actor: str | None) -> list:
    return [r for r in levers if r.change == change and r.actor == actor and not r.parts]


def test_tightening_a_red_line_breaks_a_deal_at_the_hand_solved_value() -> None:
    # A accepts (0, 60), B (0, 160); B's line x ≥ 10, A's x ≤ 50: W = [10, 50]
    lines = [{"actor": "b-lead", "issue": "x", "min": 10},
             {"actor": "a-lead", "issue": "x", "max": 50}]
    sc = scenario(ONE, {**TWO_PARTIES, "red_lines": lines}, {"x": 0})
    assert brute(sc)[0]
    levers = find_levers(sc)
    assert all(r.effect == "breaks the deal" for r in levers)
    # B's min past A's max (50), or A's max below B's min (10): the lines cross
    (up,) = rows_by(levers, "red line min", "b-lead")
    (down,) = rows_by(levers, "red line max", "a-lead")
    assert up.after == pytest.approx(50, abs=0.5) and up.size == pytest.approx(0.4, abs=0.005)
    assert down.after == pytest.approx(10, abs=0.5) and down.size == pytest.approx(0.4,
                                                                                  abs=0.005)
    # A's ideal p: its set (0, 2p) misses [10, 50] once 2p ≤ 10; B's the same at 5
    (pos,) = rows_by(levers, "position", "a-lead")
    assert pos.after == pytest.approx(5, abs=0.1) and levers[0] is pos
    (pos_b,) = rows_by(levers, "position", "b-lead")
    assert pos_b.after == pytest.approx(5, abs=0.1)
    for lever in (up, down, pos, pos_b):  # each one, on the grid
        assert not brute(lever.apply(sc))[0]


def test_adding_a_member_as_a_party_veto_breaks_a_deal_when_it_accepts_nothing() -> None:
    stances = [*ONE, ("a-hawk", "x", 0, 1.0), ("a-dove", "x", 40, 1.0)]
    agreement = {**TWO_PARTIES, "parties": [
        {"id": "A", "negotiator": "a-lead", "group": "a"},
        {"id": "B", "negotiator": "b-lead"}]}
    sc = scenario(stances, agreement, {"x": 0})
    levers = find_levers(sc)
    (added,) = [r for r in levers if r.change == "party veto added"]
    # the hawk sits on the status quo and accepts nothing; the dove accepts (0, 80) ⊇ W
    assert added.actor == "a-hawk" and added.size == 1.0
    changed = added.apply(sc)
    assert changed.agreement.parties[0].vetoes == ("a-hawk",)
    assert not brute(changed)[0] and brute(sc)[0]


def test_pairs_combine_a_red_line_with_a_position() -> None:
    # a case where a position moved and a red line tightened, each part of its way, break
    # the deal more cheaply than either alone
    stances = [("a-lead", "x", 56, 1.0), ("a-lead", "y", 2, 1.0),
               ("a-hawk", "x", 44, 1.0), ("a-hawk", "y", 3, 0.3),
               ("b-lead", "x", 47, 1.0), ("b-lead", "y", 7, 1.0)]
    agreement = {"package": ["x", "y"], "parties": [
        {"id": "A", "negotiator": "a-lead", "vetoes": ["a-hawk"], "group": "a"},
        {"id": "B", "negotiator": "b-lead"}],
        "red_lines": [{"actor": "b-lead", "issue": "x", "max": 66},
                      {"actor": "a-hawk", "issue": "y", "max": 73}]}
    sc = scenario(stances, agreement, {"x": 79, "y": 26})
    assert brute(sc)[0]
    levers = find_levers(sc)
    singles = [r for r in levers if not r.parts]
    mixed = [r for r in levers if r.parts and {p.change for p in r.parts} == {
        "position", "red line max"}]
    assert mixed, [r.change for r in levers]
    pair = mixed[0]
    own = [next(s for s in singles if (s.actor, s.issue, s.change) == (p.actor, p.issue,
                                                                        p.change))
           for p in pair.parts]
    assert pair.size < min(s.size for s in own)  # cheaper than either of its own singles
    assert pair.size == pytest.approx(sum(p.size for p in pair.parts))
    for part in pair.parts:  # neither part alone does it, on the grid; both together do
        assert brute(part.apply(sc))[0]
    assert not brute(pair.apply(sc))[0]


def test_two_vetoes_dropped_together_open_a_deal_neither_opens_alone() -> None:
    # both hawks sit on the status quo and accept nothing
    stances = [*ONE, ("a-hawk", "x", 0, 1.0), ("a-hawk2", "x", 0, 1.0)]
    agreement = {**TWO_PARTIES, "parties": [
        {"id": "A", "negotiator": "a-lead", "vetoes": ["a-hawk", "a-hawk2"], "group": "a"},
        {"id": "B", "negotiator": "b-lead"}]}
    sc = scenario(stances, agreement, {"x": 0})
    levers = find_levers(sc)
    assert not [r for r in levers if r.change == "party veto dropped"]
    (pair,) = [r for r in levers if r.change == "pair: party veto dropped + party veto dropped"]
    assert pair.size == 2 and {p.actor for p in pair.parts} == {"a-hawk", "a-hawk2"}
    for part in pair.parts:
        assert not brute(part.apply(sc))[0]
    assert brute(pair.apply(sc))[0] and pair.effect.startswith("opens")
