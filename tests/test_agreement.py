"""The agreement model against hand-solved cases and an independent brute-force grid.

The brute force below reads the scenario's own fields (not the model's arrays) and applies
the semantics of ``docs/model-agreement.md`` point by point on a fine grid.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import realpolitik as rp
from realpolitik import InputError, Scenario
from realpolitik.analysis.uncertainty import sample
from realpolitik.models import agreement as ag

from .conftest import FIXTURES

HAND = {"hand": {"title": "hand-made"}}


def scenario(stances: list[tuple], agreement: dict, sq: dict[str, float],
             actors: list[tuple] | None = None) -> Scenario:
    """Actors (id, group, capability), issues from ``sq``, stances (actor, issue, pos, sal)."""
    if actors is None:
        actors = sorted({(s[0], s[0].split("-")[0], 1.0) for s in stances})
    return Scenario.model_validate({
        "name": "case", "sources": HAND,
        "actors": [{"id": a, "name": a, "group": g, "capability": c} for a, g, c in actors],
        "issues": [{"id": i, "name": i, "status_quo": v} for i, v in sq.items()],
        "stances": [{"actor": a, "issue": i, "position": p, "salience": s}
                    for a, i, p, s in stances],
        "agreement": agreement,
    })


def accepts(sc: Scenario, actor: str, issues: tuple[str, ...], x: dict[str, np.ndarray],
            gain_tol: float = 0.0) -> np.ndarray:
    """Whether ``actor``, judging ``issues``, accepts each grid point (semantics as written;
    ``gain_tol`` as the model's option of that name)."""
    a = sc.agreement
    shape = next(iter(x.values())).shape
    gain = np.zeros(shape)
    total = 0.0
    for iid in issues:
        st = sc.stance(actor, iid)
        if st is None or st.salience == 0:
            continue
        issue = sc.issue(iid)
        w = issue.scale.max - issue.scale.min
        d = (x[iid] - st.position) / w
        d0 = (issue.status_quo - st.position) / w
        if a.utility == "quadratic":
            gain += st.salience * (d0**2 - d**2)
        else:
            gain += st.salience * (abs(d0) - np.abs(d))
        total += st.salience
    ok = np.ones(shape, dtype=bool) if total == 0 else gain > a.cost * total + gain_tol
    for line in a.red_lines:
        if line.actor != actor:
            continue
        keep = np.ones(shape, dtype=bool)
        if line.min is not None:
            keep &= x[line.issue] >= line.min
        if line.max is not None:
            keep &= x[line.issue] <= line.max
        if line.when is not None:
            holds = np.ones(shape, dtype=bool)
            if line.when.min is not None:
                holds &= x[line.when.issue] >= line.when.min
            if line.when.max is not None:
                holds &= x[line.when.issue] <= line.when.max
            keep |= ~holds
        ok &= keep
    return ok


def membership(sc: Scenario, x: dict[str, np.ndarray], gain_tol: float = 0.0
               ) -> tuple[np.ndarray, np.ndarray]:
    """Whether each point is in W, and the Nash objective there."""
    a = sc.agreement
    shape = next(iter(x.values())).shape
    w = np.ones(shape, dtype=bool)
    nash = np.zeros(shape)
    for party in a.parties:
        members = a.members(party, sc.actors)
        ok = accepts(sc, party.negotiator, a.package, x, gain_tol)
        for v in party.vetoes:
            ok &= accepts(sc, v, a.package, x, gain_tol)
        if party.quota > 0:
            cap = {m: sc.actor(m).capability for m in members}
            held = sum(cap[m] * accepts(sc, m, a.package, x, gain_tol) for m in members)
            ok &= held >= party.quota * sum(cap.values())
        w &= ok
        gain = np.zeros(shape)
        for iid in a.package:
            st = sc.stance(party.negotiator, iid)
            if st is not None:
                d0 = (sc.issue(iid).status_quo - st.position) / 100
                d = (x[iid] - st.position) / 100
                gain += st.salience * ((d0**2 - d**2) if a.utility == "quadratic"
                                       else (abs(d0) - np.abs(d)))
        with np.errstate(divide="ignore", invalid="ignore"):
            nash += sc.actor(party.negotiator).capability * np.log(gain)
    for veto in a.vetoes:
        w &= accepts(sc, veto.actor, veto.issues or a.package, x, gain_tol)
    return w, nash


def brute(sc: Scenario, step: float = 0.25):
    """W on a grid, its per-issue bounds and the Nash package over it."""
    a = sc.agreement
    axes = [np.arange(0, 100 + step / 2, step) for _ in a.package]
    mesh = np.meshgrid(*axes, indexing="ij")
    x = dict(zip(a.package, mesh, strict=True))
    w, nash = membership(sc, x)
    if not w.any():
        return False, None, None, None
    bounds = {i: (float(x[i][w].min()), float(x[i][w].max())) for i in a.package}
    best = np.unravel_index(np.argmax(np.where(w, nash, -np.inf)), w.shape)
    package = {i: float(x[i][best]) for i in a.package}
    return True, bounds, package, float(nash[best])


def check_against_brute(sc: Scenario, step: float = 0.25, slack: float = 0.5,
                        thin: bool = False) -> dict:
    """The model's answer against the grid's. With ``thin``, W may hold slivers finer than
    the grid: the grid's points must then lie within the model's bounds, and the model's
    package must be in W and at least as good as the grid's best point."""
    got = ag.summarise(sc)
    deal, bounds, package, best = brute(sc, step)
    if deal or not thin:
        assert got["deal"] == deal
    if got["deal"]:
        point = {i: np.array([v]) for i, v in got["package"].items()}
        inside, value = membership(sc, point)
        near = {i: np.array([v]) for i, v in got["package"].items()}
        assert inside[0] or any(  # on W's open boundary, to within the resolution
            membership(sc, {**near, i: near[i] + e})[0][0]
            for i in near for e in (-0.1, 0.1)), got["package"]
        if deal:
            assert value[0] >= best - 1e-3
    if deal:
        for i in sc.agreement.package:
            lo, hi = got["winset"][i]
            assert lo <= bounds[i][0] + slack + step, (i, "low")
            assert hi >= bounds[i][1] - slack - step, (i, "high")
            if not thin:
                assert lo == pytest.approx(bounds[i][0], abs=slack + step), (i, "low")
                assert hi == pytest.approx(bounds[i][1], abs=slack + step), (i, "high")
                assert got["package"][i] == pytest.approx(package[i], abs=slack + step), i
    return got


ONE = [("a-lead", "x", 30, 1.0), ("b-lead", "x", 80, 1.0)]
TWO_PARTIES = {"package": ["x"], "parties": [{"id": "A", "negotiator": "a-lead"},
                                             {"id": "B", "negotiator": "b-lead"}]}


def test_one_issue_two_parties_interval_and_first_order_condition() -> None:
    sc = scenario(ONE, TWO_PARTIES, {"x": 0})
    got = check_against_brute(sc)
    # A accepts |x − 30| < 30, B |x − 80| < 80: W = (0, 60)
    assert got["winset"]["x"] == pytest.approx([0, 60], abs=0.2)
    # d/dx [log x(60 − x) + log x(160 − x)] = 0  ⇔  4x² − 660x + 19200 = 0
    foc = (660 - math.sqrt(660**2 - 16 * 19200)) / 8
    assert got["package"]["x"] == pytest.approx(foc, abs=0.1)
    assert rp.forecast(sc, model="agreement").forecast[0] == pytest.approx(foc, abs=0.1)


def test_capability_weights_move_the_package_by_the_weighted_condition() -> None:
    actors = [("a-lead", "a", 3.0), ("b-lead", "b", 1.0)]
    sc = scenario(ONE, TWO_PARTIES, {"x": 0}, actors)
    # 3(60 − 2x)/(x(60 − x)) + (160 − 2x)/(x(160 − x)) = 0  ⇔  8x² − 1420x + 38400 = 0
    foc = (1420 - math.sqrt(1420**2 - 32 * 38400)) / 16
    assert ag.summarise(sc)["package"]["x"] == pytest.approx(foc, abs=0.1)
    equal = ag.summarise(sc, ag.AgreementParams(weights="equal"))["package"]["x"]
    assert equal == pytest.approx((660 - math.sqrt(660**2 - 16 * 19200)) / 8, abs=0.1)


def test_a_party_veto_empties_the_winset_and_is_named() -> None:
    stances = [*ONE, ("a-hawk", "x", 0, 1.0)]  # sits on the status quo: accepts nothing
    agreement = {**TWO_PARTIES, "parties": [
        {"id": "A", "negotiator": "a-lead", "vetoes": ["a-hawk"], "group": "a"},
        {"id": "B", "negotiator": "b-lead"}]}
    sc = scenario(stances, agreement, {"x": 0})
    got = check_against_brute(sc)
    assert got == {"deal": False, "package": None, "winset": None, "blockers": ["a-hawk"]}
    r = rp.forecast(sc, model="agreement")
    assert r.forecast[0] == 0 and r.fields["deal"] is False


def test_a_red_line_binds() -> None:
    agreement = {**TWO_PARTIES, "red_lines": [{"actor": "a-lead", "issue": "x", "max": 20}]}
    got = check_against_brute(scenario(ONE, agreement, {"x": 0}))
    assert got["winset"]["x"] == pytest.approx([0, 20], abs=0.2)
    assert got["package"]["x"] == pytest.approx(20, abs=0.1)  # the objective rises to 37.7


LOGROLL = [("a-lead", "x", 100, 1.0), ("a-lead", "y", 0, 0.2),
           ("b-lead", "x", 0, 0.2), ("b-lead", "y", 100, 1.0)]


def test_two_issues_logroll() -> None:
    one = scenario(LOGROLL, {**TWO_PARTIES, "package": ["x"]}, {"x": 50, "y": 50})
    assert ag.summarise(one)["deal"] is False  # issue by issue, one side always loses
    both = scenario(LOGROLL, {**TWO_PARTIES, "package": ["x", "y"]}, {"x": 50, "y": 50})
    got = check_against_brute(both)
    assert got["deal"]
    # by the symmetry of the case the package lies on x = y, both sides gaining
    assert got["package"]["x"] == pytest.approx(got["package"]["y"], abs=0.2)
    assert got["package"]["x"] > 55


def test_a_when_red_line_binds() -> None:
    base = {**TWO_PARTIES, "package": ["x", "y"]}
    free = check_against_brute(scenario(LOGROLL, base, {"x": 50, "y": 50}))
    assert free["package"]["y"] > 70 and free["package"]["x"] > 60
    when = {**base, "red_lines": [{"actor": "b-lead", "issue": "x", "max": 60,
                                   "when": {"issue": "y", "min": 70}}]}
    got = check_against_brute(scenario(LOGROLL, when, {"x": 50, "y": 50}))
    p = got["package"]
    assert got["deal"] and not (p["y"] >= 70 + 0.5 and p["x"] > 60 + 0.5)


QUOTA_STANCES = [("a-lead", "x", 30, 1.0), ("b-lead", "x", 80, 1.0),
                 ("a-dove", "x", 40, 1.0), ("a-hawk", "x", 0, 1.0)]


def quota_case(dove: float, hawk: float, quota: float) -> Scenario:
    actors = [("a-lead", "a", 1.0), ("a-dove", "a", dove), ("a-hawk", "a", hawk),
              ("b-lead", "b", 1.0)]
    agreement = {**TWO_PARTIES, "parties": [
        {"id": "A", "negotiator": "a-lead", "group": "a", "quota": quota},
        {"id": "B", "negotiator": "b-lead"}]}
    return scenario(QUOTA_STANCES, agreement, {"x": 0}, actors)


def test_a_quota_met_and_missed() -> None:
    # the hawk accepts nothing; the lead and the dove hold 3 of 5 in capability
    met = check_against_brute(quota_case(dove=2, hawk=2, quota=0.6))
    assert met["deal"] and met["package"]["x"] == pytest.approx(
        (660 - math.sqrt(660**2 - 16 * 19200)) / 8, abs=0.1)
    missed = check_against_brute(quota_case(dove=2, hawk=2.5, quota=0.6))
    assert not missed["deal"] and missed["blockers"] == ["a-hawk"]
    by_count = ag.summarise(quota_case(dove=2, hawk=2.5, quota=0.6),
                            ag.AgreementParams(quota_by="count"))
    assert by_count["deal"]  # two of three members accept
    # where the dove must count, its own acceptance set (0, 80) does not bind here
    assert check_against_brute(quota_case(dove=1, hawk=0.5, quota=0.75))["deal"]


def test_an_outside_veto_on_one_issue() -> None:
    stances = [*LOGROLL, ("ally", "y", 60, 1.0), ("ally", "x", 100, 1.0)]
    agreement = {**TWO_PARTIES, "package": ["x", "y"],
                 "vetoes": [{"actor": "ally", "issues": ["y"]}]}
    sc = scenario(stances, agreement, {"x": 50, "y": 50},
                  [("a-lead", "a", 1.0), ("b-lead", "b", 1.0), ("ally", "c", 1.0)])
    got = check_against_brute(sc)
    # the ally judges y alone: it accepts |y − 60| < 10, whatever x
    assert got["winset"]["y"][0] >= 49.5 and got["winset"]["y"][1] <= 70.5
    alone = check_against_brute(sc.replace(agreement={**agreement, "vetoes": []}))
    assert alone["winset"]["y"][1] > 75
    everything = sc.replace(agreement={**agreement, "vetoes": [{"actor": "ally"}]})
    assert check_against_brute(everything)["package"] != got["package"]


def test_a_cost_rules_out_every_deal() -> None:
    sc = scenario(ONE, {**TWO_PARTIES, "cost": 0.2}, {"x": 0})
    # A's largest gain is (30/100)² = 0.09 at x = 30, below 0.2 × salience 1
    got = check_against_brute(sc)
    assert not got["deal"] and set(got["blockers"]) == {"a-lead"}
    small = check_against_brute(scenario(ONE, {**TWO_PARTIES, "cost": 0.05}, {"x": 0}))
    # A needs x(60 − x)/100² > 0.05: x in (13.8, 46.2); B's set is wider
    lo = 30 - math.sqrt(900 - 500)
    assert small["winset"]["x"] == pytest.approx([lo, 60 - lo], abs=0.2)


def test_linear_utility_against_the_grid() -> None:
    sc = scenario(LOGROLL, {**TWO_PARTIES, "package": ["x", "y"], "utility": "linear"},
                  {"x": 50, "y": 50})
    check_against_brute(sc)


def test_the_fixture_against_the_grid() -> None:
    sc = rp.load(FIXTURES / "agreement" / "deal.yaml")
    got = check_against_brute(sc)
    assert got["deal"]


@pytest.mark.parametrize("seed", range(6))
def test_random_three_issue_cases_against_the_grid(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ids = ["a-lead", "a-hawk", "b-lead", "b-hawk", "ally"]
    stances = [(a, i, float(rng.integers(0, 101)), float(rng.choice([0.2, 0.5, 1.0])))
               for a, i in itertools.product(ids, "xyz") if rng.random() < 0.8]
    present = {s[0] for s in stances}
    for a in ids:
        if a not in present:
            stances.append((a, "x", 50.0, 0.5))
    for i in "xyz":
        if not any(s[1] == i for s in stances):
            stances.append(("ally", i, 50.0, 0.5))
    agreement = {"package": ["x", "y", "z"], "parties": [
        {"id": "A", "negotiator": "a-lead", "vetoes": ["a-hawk"], "group": "a"},
        {"id": "B", "negotiator": "b-lead", "group": "b", "quota": 0.5}],
        "vetoes": [{"actor": "ally", "issues": ["z"]}],
        "red_lines": [{"actor": "a-lead", "issue": "x", "max": 70,
                       "when": {"issue": "y", "min": 40}}]}
    sq = {i: float(v) for i, v in zip("xyz", rng.integers(20, 81, 3), strict=True)}
    sc = scenario(stances, agreement, sq)
    check_against_brute(sc, step=1.0, slack=0.5, thin=True)


def test_batch_axis_matches_single_runs() -> None:
    sc = rp.load(FIXTURES / "agreement" / "deal.yaml")
    batch = sample(sc, 16, np.random.default_rng(1), widen=0.2)
    together = ag.forecast_batch(batch)
    for k in range(16):
        assert np.array_equal(together[k], ag.forecast_batch(batch.take(slice(k, k + 1)))[0],
                              equal_nan=True)


def test_without_an_agreement_section_nothing_is_forecast() -> None:
    tiny = rp.load(FIXTURES / "tiny.yaml")
    r = rp.forecast(tiny, model="agreement")
    assert np.isnan(r.forecast).all() and r.fields["deal"] is None
    with pytest.raises(InputError, match="no agreement section"):
        ag.summarise(tiny)


# --- P(deal) over draws -------------------------------------------------------------


def uncertain(cost: float) -> Scenario:
    sc = scenario(ONE, {**TWO_PARTIES, "cost": cost}, {"x": 0})
    data = sc.model_dump()
    data["stances"][0]["position_uncertainty"] = {"dist": "uniform", "low": 20, "high": 40}
    return Scenario.model_validate(data)


def test_p_deal_is_one_when_every_draw_has_a_deal() -> None:
    from realpolitik.analysis.deal import analyse

    r = analyse(uncertain(0.0), draws=3000, seed=4)
    assert r.p_deal == 1.0 and r.interval()[0] > 0.998 and r.interval()[1] == 1.0
    given = r.package_given_deal()["x"]
    p = sample(uncertain(0.0), 1024, np.random.default_rng(
        np.random.SeedSequence(4).spawn(3)[0].spawn(2)[0]))  # block 0's sampling stream
    a = p.position[:1024, 0, 0]
    # d/dx [log x(2a − x) + log x(160 − x)] = 0  ⇔  4x² − (6a + 480)x + 640a = 0
    b = 6 * a + 480
    foc = (b - np.sqrt(b * b - 16 * 640 * a)) / 8
    assert np.allclose(r.packages[:1024, 0], foc, atol=0.1)
    assert given["q05"] < given["mean"] < given["q95"]
    assert r.expected_outcome()["x"] == pytest.approx(given["mean"])


def test_p_deal_is_zero_when_no_draw_has_a_deal() -> None:
    from realpolitik.analysis.deal import analyse

    r = analyse(uncertain(0.2), draws=2000, seed=1)  # A's best gain (p/100)² ≤ 0.16 < 0.2
    assert r.p_deal == 0.0 and r.interval()[0] == 0.0 and 0 < r.interval()[1] < 0.003
    assert r.package_given_deal() is None and r.expected_outcome() == {"x": 0.0}


def test_p_deal_is_reproducible_and_between_when_draws_differ() -> None:
    from realpolitik.analysis.deal import deal_draws

    sc = uncertain(0.07)  # a deal needs (a/100)² > 0.07: a > 26.5, so P ≈ 0.68
    d1, p1 = deal_draws(sc, 4000, seed=3)
    d2, p2 = deal_draws(sc, 4000, seed=3)
    assert np.array_equal(d1, d2) and np.array_equal(p1, p2)
    assert d1.mean() == pytest.approx((40 - math.sqrt(700)) / 20, abs=0.03)
