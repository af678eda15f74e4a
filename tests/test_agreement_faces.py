"""The agreement model on faces of zero width: closed bounds that meet (a red line ``max``
at the scale's lower end, ``min`` = ``max``, two actors' lines meeting) pin the package's
coordinate exactly; tiny gains against the documented ``gain_tol``; the package always on
the scale. Each case is checked against the independent grid of ``test_agreement``."""

from __future__ import annotations

import numpy as np
import pytest

import realpolitik as rp
from realpolitik.models import agreement as ag

from .test_agreement import TWO_PARTIES, brute, check_against_brute, membership, scenario

FACE = {**TWO_PARTIES, "package": ["x", "y"],
        "red_lines": [{"actor": "a-lead", "issue": "x", "max": 0}]}  # x at the scale's end


def face_case(b_x: float, b_sal_y: float, sq_y: float = 0.0) -> rp.Scenario:
    """A's red line pins x to 0 = the status quo, so only y is left: a deal exists iff
    both leaders gain on y alone."""
    stances = [("a-lead", "x", 0, 0.5), ("a-lead", "y", 60, 1.0),
               ("b-lead", "x", b_x, 1.0), ("b-lead", "y", 90, b_sal_y)]
    return scenario(stances, FACE, {"x": 0, "y": sq_y})


def test_a_red_line_at_the_scale_end_with_a_free_issue_opens_a_deal_on_it() -> None:
    sc = face_case(b_x=100, b_sal_y=0.5)
    got = check_against_brute(sc)  # the grid holds x = 0 exactly
    assert got["deal"] and got["package"]["x"] == 0.0 and got["winset"]["x"] == [0.0, 0.0]
    # on x = 0 the leaders accept y in (0, 120) and (0, 180): W's y-range is (0, 100]
    assert got["winset"]["y"] == pytest.approx([0, 100], abs=0.2)
    # Nash on y alone: d/dy [log y(120 − y) + log y(180 − y)] = 0 ⇔ 4y² − 900y + 43200 = 0
    foc = (900 - np.sqrt(900**2 - 16 * 43200)) / 8
    assert got["package"]["y"] == pytest.approx(foc, abs=0.1)


def test_a_red_line_at_the_scale_end_no_deal_when_a_judge_gains_only_off_the_face() -> None:
    # B cares only about x, where A's red line leaves it nothing: no gain on the face
    sc = face_case(b_x=100, b_sal_y=0.0)
    got = check_against_brute(sc)
    assert got == {"deal": False, "package": None, "winset": None,
                   "blockers": ["a-lead", "b-lead"]}
    # a line just off the end is a region of width 0.5 < 2 × resolution: reported or not,
    # never a package off the line or the scale
    near = sc.replace(agreement={**FACE, "red_lines": [
        {"actor": "a-lead", "issue": "x", "max": 0.5}]})
    got = ag.summarise(near)
    if got["deal"]:
        assert 0 <= got["package"]["x"] <= 0.5


def test_a_free_issue_where_the_status_quo_is_the_only_common_point_gives_no_deal() -> None:
    # y's status quo at A's ideal: A gains nowhere on the face
    sc = face_case(b_x=100, b_sal_y=0.5, sq_y=60)
    got = check_against_brute(sc)
    assert not got["deal"] and "a-lead" in got["blockers"]


@pytest.mark.parametrize("lines", [
    [{"actor": "a-lead", "issue": "x", "min": 40, "max": 40}],  # min = max inside the scale
    [{"actor": "a-lead", "issue": "x", "max": 40},  # two actors' lines meeting
     {"actor": "b-lead", "issue": "x", "min": 40}],
    [{"actor": "b-lead", "issue": "x", "min": 100}],  # min at the scale's upper end
])
def test_closed_bounds_meeting_pin_the_coordinate(lines: list[dict]) -> None:
    stances = [("a-lead", "x", 30, 1.0), ("a-lead", "y", 70, 1.0),
               ("b-lead", "x", 100, 1.0), ("b-lead", "y", 60, 0.5)]
    sc = scenario(stances, {**FACE, "red_lines": lines}, {"x": 35, "y": 20})
    got = check_against_brute(sc)
    want = float(lines[-1].get("min", lines[-1].get("max")))
    deal, _, _, _ = brute(sc)
    assert got["deal"] == deal
    if deal:
        assert got["package"]["x"] == want and got["winset"]["x"] == [want, want]


def test_the_2026_snapshot_has_no_deal_and_putin_blocks() -> None:
    sc = rp.apply_whatif("russia-japan", "2026-02")
    got = check_against_brute(sc, step=1.0)  # the grid holds territory = treaty = 0
    assert got["deal"] is False and got["blockers"] == ["putin"]
    # the talks resuming (his treaty line dropped) opens a deal on the grid and the model
    lines = [r for r in sc.agreement.model_dump()["red_lines"]
             if not (r["actor"] == "putin" and r["issue"] == "treaty" and r["max"] == 0)]
    resumed = sc.replace(agreement={**sc.agreement.model_dump(), "red_lines": lines})
    again = check_against_brute(resumed, step=1.0)
    assert again["deal"] and again["package"]["territory"] == 0.0


def test_a_gain_counts_when_it_exceeds_gain_tol() -> None:
    # A's best gain is 1e-6 × 0.3² = 9e-8: above the default 1e-9, below 1e-7
    stances = [("a-lead", "x", 30, 1e-6), ("b-lead", "x", 80, 1.0)]
    sc = scenario(stances, TWO_PARTIES, {"x": 0})
    got = ag.summarise(sc)
    # 1e-6 (0.09 − (x/100 − 0.3)²) > 1e-9  ⇔  |x − 30| < 100 √0.089
    half = 100 * np.sqrt(0.089)
    assert got["deal"] and got["winset"]["x"] == pytest.approx([30 - half, 30 + half],
                                                                abs=0.2)
    strict = ag.summarise(sc, ag.AgreementParams(gain_tol=1e-7))
    assert strict["deal"] is False and strict["blockers"] == ["a-lead"]
    exact = ag.summarise(sc, ag.AgreementParams(gain_tol=0.0))
    assert exact["winset"]["x"][0] < got["winset"]["x"][0]


def random_case(seed: int) -> rp.Scenario:
    """Two issues, two parties with a veto each, red lines drawn at the scale's ends, at
    min = max, or anywhere."""
    rng = np.random.default_rng(seed)
    ids = ["a-lead", "a-hawk", "b-lead", "b-hawk"]
    stances = [(a, i, float(rng.integers(0, 101)), float(rng.choice([0.3, 0.6, 1.0])))
               for a in ids for i in "xy"]
    lines = []
    for _ in range(int(rng.integers(1, 4))):
        actor, issue = str(rng.choice(ids)), str(rng.choice(["x", "y"]))
        kind = rng.integers(0, 4)
        if kind == 0:
            lines.append({"actor": actor, "issue": issue, "max": 0})
        elif kind == 1:
            lines.append({"actor": actor, "issue": issue, "min": 100})
        elif kind == 2:
            v = float(rng.integers(0, 101))
            lines.append({"actor": actor, "issue": issue, "min": v, "max": v})
        else:
            lines.append({"actor": actor, "issue": issue, "max": float(rng.integers(0, 101))})
    agreement = {"package": ["x", "y"], "red_lines": lines, "parties": [
        {"id": "A", "negotiator": "a-lead", "vetoes": ["a-hawk"], "group": "a"},
        {"id": "B", "negotiator": "b-lead", "vetoes": ["b-hawk"], "group": "b"}]}
    sq = {i: float(v) for i, v in zip("xy", rng.choice([0, 100, 50, 30], 2), strict=True)}
    return scenario(stances, agreement, sq)


@pytest.mark.parametrize("seed", range(40))
def test_the_package_is_always_on_the_scale_and_keeps_the_red_lines(seed: int) -> None:
    sc = random_case(seed)
    got = ag.summarise(sc)
    deal, _, _, _ = brute(sc, step=1.0)
    if deal:  # the grid's points lie on the pinned faces, so the model must find them
        assert got["deal"]
    if not got["deal"]:
        return
    for i, v in got["package"].items():
        lo, hi = got["winset"][i]
        assert 0 <= lo <= v <= hi <= 100
    for line in sc.agreement.red_lines:
        v = got["package"][line.issue]
        assert (line.min is None or v >= line.min) and (line.max is None or v <= line.max)
    inside, _ = membership(sc, {i: np.array([v]) for i, v in got["package"].items()})
    assert inside[0]


def test_random_draws_never_leave_the_scale() -> None:
    from realpolitik.analysis.uncertainty import sample

    for seed in range(8):
        sc = random_case(100 + seed)
        batch = sample(sc, 64, np.random.default_rng(seed), widen=0.3)
        sol = ag.solve(batch, winset=True)
        assert (sol.package >= 0).all() and (sol.package <= 100).all()
        w = sol.winset[sol.deal]
        assert (w[..., 0] >= 0).all() and (w[..., 1] <= 100).all()
