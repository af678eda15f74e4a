"""The DEU agreement gate (analysis/gate.py): hand-solved cases, the Council's reduction to
its pivot checked against the agreement model with every member, the rules read from real
DEU rows, determinism."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from realpolitik.analysis.backtest import deu_backtest, era_of
from realpolitik.analysis.gate import (
    EU15,
    council_pivot,
    era_at,
    gate_forecasts,
    gate_issue,
    winning,
)
from realpolitik.errors import InputError
from realpolitik.io.deu import parse_deu, read_deu
from realpolitik.models.agreement import solve
from realpolitik.scenario import AgreementIndex, Batch, PartyIndex

from .conftest import require_shared

# A pre-Nice proposal (final act 1 Jun 2000: EU-15, 62 of 87 votes). The member states
# without a column (at, be, dk, el, fi, ie, nl, pt, se: 37 votes) are indifferent.
ACTORS = ("com", "ep", "de", "fr", "it", "uk", "es", "lu")
ROWS = [  # isnr, proc, counvte, positions (ACTORS order; "" = none), rp
    ("i1", "COD", "QMV", (80, 60, 0, 0, 0, 0, "", ""), 0),  # 40 votes against: QMV missed
    ("i2", "COD", "QMV", (80, 60, 0, 0, "", "", 30, 90), 0),  # es is the pivot
    ("i3", "CNS", "QMV", (80, 0, 0, 0, "", "", 30, 90), 0),  # the EP opposes: no veto
    ("i4", "COD", "QMV", (80, 0, 0, 0, "", "", 30, 90), 0),  # the EP opposes: a veto
    ("i5", "CNS", "Unan", (80, "", "", "", "", "", 30, 0), 0),  # lu blocks unanimity
    ("i6", "CNS", "QMV", (80, "", "", "", "", "", 30, 0), 0),  # lu alone cannot block QMV
    ("i7", "CNS", "QMV", (80, "", 70, "", "", "", "", ""), ""),  # no reference point
]


def _file(rows=ROWS, prnr: str = "d99001", finact: str = "01-06-00") -> str:
    head = ["prnr", "isnr", "proc", "counvte", "finact",
            *(f"p{a}" for a in ACTORS), *(f"s{a}" for a in ACTORS), "rp", "out"]
    lines = ["\t".join(head), "\t".join([""] * 5 + ["1"] * 2 * len(ACTORS) + ["", ""])]
    for isnr, proc, rule, pos, rp in rows:
        sal = ["50" if p != "" else "" for p in pos]
        lines.append("\t".join([prnr, f"{prnr}{isnr}", proc, rule, finact,
                                *map(str, pos), *sal, str(rp), "50"]))
    return "\n".join(lines) + "\n"


@pytest.fixture
def hand():
    return parse_deu(_file(), "hand.tsv")


def _nash(*ideals: float) -> float:
    """The symmetric Nash point on (0, min bound) with the reference point at 0: the root
    of Σ 1/x = Σ 1/(2p − x) (first-order condition of Σ log x(2p − x)), found by brentq."""
    high = min(2 * p for p in ideals)
    return brentq(lambda x: sum(1 / x - 1 / (2 * p - x) for p in ideals), 1e-6, high - 1e-6)


def test_hand_cases(hand) -> None:
    got = {g.issue[-2:]: g for g in (gate_issue(hand, r) for r in range(len(hand.issue_ids)))}
    assert all(g.era == "pre-nice" and g.members == 15 for g in got.values())
    # QMV missed: 47 votes of 87 prefer a change
    assert got["i1"].deal is False and got["i1"].package == 0.0
    # QMV met with es (30) the pivot: 57 indifferent + lu 2 + es 8 = 67 ≥ 62
    i2 = got["i2"]
    assert i2.pivot == 30 and i2.deal
    assert (i2.low, i2.high) == pytest.approx((0.0, 60.0), abs=0.15)
    assert i2.package == pytest.approx(_nash(80, 30, 60), abs=0.15)
    # consultation: the Parliament's opposition does not bind; Nash of com and the pivot
    assert got["i3"].deal and got["i3"].package == pytest.approx(_nash(80, 30), abs=0.15)
    # co-decision: the same positions, the Parliament's veto empties the win-set
    assert got["i4"].deal is False and got["i4"].package == 0.0
    # unanimity: lu at the reference point blocks; under QMV it cannot (2 votes), every
    # change is ratified and the Commission's ideal is the package
    assert got["i5"].deal is False
    assert got["i6"].pivot is None and got["i6"].deal
    assert got["i6"].package == pytest.approx(80.0, abs=0.15)
    assert got["i7"].deal is None  # no reference point: not gated


def test_forecasts_and_fallback(hand) -> None:
    f, details = gate_forecasts(hand)
    assert f[0] == 0.0 and f[3] == 0.0 and f[4] == 0.0  # no deal: the reference point
    assert f[1] == pytest.approx(details[1].package)
    # no reference point: the compromise model under council weights (com, ep weigh one
    # average EU-15 member, 87/15; de 10): (5.8·80·.5 + 10·70·.5) / (5.8·.5 + 10·.5)
    assert f[6] == pytest.approx((87 / 15 * 80 + 10 * 70) / (87 / 15 + 10))
    assert details[6].note.startswith("no reference point")
    # the compromise package: compromise clipped into W (i2: W = (0, 60))
    g, _ = gate_forecasts(hand, package="compromise")
    assert g[1] <= 60.0 + 0.15 and g[0] == 0.0
    with pytest.raises(InputError, match="package"):
        gate_forecasts(hand, package="median")


def test_deterministic(hand) -> None:
    a, da = gate_forecasts(hand)
    b, db = gate_forecasts(hand, seed=7)
    assert a.tobytes() == b.tobytes() and da == db
    # reusing the solved sections for another package rule changes nothing
    for package in ("nash", "compromise"):
        fresh, fd = gate_forecasts(hand, package=package)
        again, ad = gate_forecasts(hand, package=package, built=da)
        assert fresh.tobytes() == again.tobytes() and fd == ad


def test_rules() -> None:
    members = EU15
    big = {"de", "fr", "it", "uk", "es", "nl", "be"}  # 10·4 + 8 + 5 + 5 = 58 votes
    assert not winning(big, members, "pre-nice", "QMV")
    assert winning(big | {"el"}, members, "pre-nice", "QMV")  # 63
    assert winning(big | {"el"}, members, "pre-nice", "QMV(10)") is False  # 8 members
    assert not winning(set(members) - {"lu"}, members, "pre-nice", "Unan")
    eu28 = ("at", "be", "bu", "cr", "cy", "cz", "de", "dk", "ee", "el", "es", "fi", "fr",
            "hu", "ie", "it", "lt", "lu", "lv", "mt", "nl", "pl", "pt", "ro", "se", "si",
            "sk", "uk")
    # Lisbon: fewer than four against always passes; four large states block
    assert winning(set(eu28) - {"de", "fr", "uk"}, eu28, "lisbon", "QMV")
    assert not winning(set(eu28) - {"de", "fr", "uk", "it"}, eu28, "lisbon", "QMV")
    # Nice, EU-27: 255 of 345 votes by a majority of the members
    eu27 = tuple(m for m in eu28 if m != "cr")
    assert not winning(set(eu27) - {"de", "fr", "it", "uk"}, eu27, "nice", "QMV")  # 229
    assert winning(set(eu27) - {"de", "fr", "mt"}, eu27, "nice", "QMV")  # 345 − 61 = 284
    with pytest.raises(InputError, match="counvte"):
        gate_issue(parse_deu(_file([("i1", "COD", "QMV(9)", ROWS[0][3], 0)]), "x"), 0)
    with pytest.raises(InputError, match="proc"):
        gate_issue(parse_deu(_file([("i1", "AVC", "QMV", ROWS[0][3], 0)]), "x"), 0)


def _section(x: list[float], s: list[float], cap: list[float], parties, rp: float) -> Batch:
    xa = np.array(x, float)
    return Batch(capability=np.array([cap], float), position=xa[None, :, None],
                 salience=np.where(np.isfinite(xa), np.array(s, float), 0.0)[None, :, None],
                 scale_min=np.zeros(1), scale_max=np.full(1, 100.0),
                 status_quo=np.array([rp]),
                 agreement=AgreementIndex((0,), "quadratic", 0.0, tuple(parties), (), ()))


@pytest.mark.parametrize("case", range(40))
def test_pivot_reduction_matches_the_full_council(case: int) -> None:
    """The Council as a quota party of all its members (the agreement model enumerates
    their coalitions) and as its pivot give the same deal and win-set."""
    rng = np.random.default_rng(case)
    weight = [10.0, 8.0, 5.0, 4.0, 3.0, 2.0, 2.0]
    names = [f"m{k}" for k in range(len(weight))]
    quota = float(rng.choice([0.5, 0.7, 1.0]))
    rp = float(rng.choice([0.0, 30.0, 50.0]))
    pos = np.where(rng.random(len(weight)) < 0.2, np.nan,
                   rng.choice([0, 20, 30, 50, 70, 100], len(weight)).astype(float))
    com = float(rng.choice([20.0, 60.0, 90.0, 100.0]))
    side = 1 if com > rp else -1
    positions = dict(zip(names, pos.tolist(), strict=True))
    saliences = dict.fromkeys(names, 0.5)
    total = sum(weight)

    def wins(c: set[str]) -> bool:
        held = sum(w for m, w in zip(names, weight, strict=True) if m in c)
        return held >= quota * total - 1e-9

    pivot = council_pivot(positions, saliences, rp, side, tuple(names), wins)
    reduced = _section([com, rp if pivot is None else pivot],
                       [0.5, 0.0 if pivot is None else 1.0], [1, 1],
                       [PartyIndex(0, (), (0,), 0.0), PartyIndex(1, (), (1,), 0.0)], rp)
    full = _section([com, math.nan, *pos.tolist()], [0.5, 0.0, *[0.5] * len(weight)],
                    [1, 0, *weight],
                    [PartyIndex(0, (), (0,), 0.0),
                     PartyIndex(1, (), tuple(range(1, 2 + len(weight))), quota)], rp)
    a, b = solve(reduced, winset=True), solve(full, winset=True)
    assert bool(a.deal[0]) == bool(b.deal[0])
    if a.deal[0]:
        assert a.winset[0, 0] == pytest.approx(b.winset[0, 0], abs=0.3)


# --- the real DEU file -----------------------------------------------------------------


@pytest.fixture(scope="module")
def deu3():
    return read_deu(require_shared("data", "deu", "deu3.csv"))


@pytest.mark.parametrize(("issue", "proc", "rule", "era", "members"), [
    ("d00032i1", "COD", "QMV", "pre-nice", 15),  # final act 30 May 2001
    ("n98087i1", "CNS", "Unan", "pre-nice", 15),  # not adopted (999): by the year, 1998
    ("n04164i1", "CNS", "QMV", "nice", 25),  # 11 Aug 2005
    ("d05245i1", "COD", "QMV", "nice", 27),  # 5 Dec 2007
    ("d04209i1", "COD", "QMV", "nice", 25),  # not adopted: EU-25 and the stated positions
    ("d160280i1", "COD", "QMV", "lisbon", 28),  # 17 Apr 2019 (a mangled "2017-04-19")
])
def test_real_rows(deu3, issue, proc, rule, era, members) -> None:
    g = gate_issue(deu3, deu3.issue_ids.index(issue))
    assert (g.procedure, g.rule, g.era, g.members) == (proc, rule, era, members)


def test_era_by_final_act_agrees_with_the_proposal_year(deu3) -> None:
    """On DEU III the era of the final act is the era the split and the council weights
    give by the proposal's year, on every issue."""
    eras = [era_at(d, float(y)) for d, y in zip(deu3.decided_on, deu3.year, strict=True)]
    assert eras == [era_of(float(y)) for y in deu3.year]
    assert int(np.isnat(deu3.decided_on).sum()) == 29  # the proposals without a final act


def test_backtest_rows(deu3) -> None:
    small = deu3.take(np.isin(deu3.proposal, ["d00032", "n04164", "d160280", "n98087"]))
    result = deu_backtest(small, ["gate", "gate-compromise"], weights=("council",),
                          n_resamples=99)
    rows = {r["model"]: r for r in result["models"]}
    assert set(rows) >= {"gate", "gate-compromise"} and "compromise" not in rows
    assert result["gate_deal"]["issues"] == sum(
        g.deal is not None for g in gate_forecasts(small.take(small.usable))[1])
    f, _ = gate_forecasts(small.take(small.usable))
    assert rows["gate"]["mae"] == pytest.approx(
        float(np.mean(np.abs(f - small.take(small.usable).outcome))))


def test_whether_by_hand(hand) -> None:
    from realpolitik.analysis.gate import gate_whether

    w = gate_whether(hand)
    # six issues with a reference point (0), every outcome 50: all moved; the gate calls
    # a deal on i2, i3, i6 and none on i1, i4, i5 → Brier (3·0 + 3·1) / 6
    assert (w["issues"], w["moved"]) == (6, 6)
    assert w["deal"] == {"issues": 3, "stayed": 0.0}
    assert w["no deal"]["issues"] == 3
    assert w["brier"] == pytest.approx(0.5)
    assert w["baselines"]["always deal"] == 0.0 and w["baselines"]["coin"] == 0.25


def test_unknown_rules_are_skipped_with_the_reason() -> None:
    data = parse_deu(_file([("i1", "AVC", "QMV", ROWS[0][3], 0),
                            ("i2", "cod", "unan", ROWS[1][3], 0)]), "x.tsv")
    f, details = gate_forecasts(data)
    assert math.isnan(f[0]) and "unknown procedure 'AVC'" in details[0].note
    # lower case is DEU's code all the same: i2 under unanimity (de, fr oppose): no deal
    assert (details[1].procedure, details[1].rule, details[1].deal) == ("COD", "Unan", False)


def test_example_file_runs(tmp_path) -> None:
    from realpolitik.templates import example_deu

    path = tmp_path / "deu-sample.tsv"
    path.write_text(example_deu(), encoding="utf-8")
    rows = {r["model"]: r for r in deu_backtest(path, ["gate"], weights=("council",),
                                                n_resamples=99)["models"]}
    assert rows["gate"]["n"] == 12 and math.isfinite(rows["gate"]["mae"])


def test_cli_table_and_json(tmp_path, capsys) -> None:
    import json

    from realpolitik.cli import main
    from realpolitik.templates import example_deu

    path = tmp_path / "deu-sample.tsv"
    path.write_text(example_deu(), encoding="utf-8")
    assert main(["backtest", "deu", str(path), "-m", "gate", "-w", "council"]) == 0
    out = capsys.readouterr().out
    assert "gate" in out and "Gate: deal on" in out and "stack" not in out
    assert main(["backtest", "deu", str(path), "-m", "gate", "-m", "mean", "-f", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert {r["model"] for r in result["models"]} >= {"gate", "mean"}
    g = result["gate_deal"]
    assert g["deal"]["issues"] + g["no deal"]["issues"] == g["issues"] == 12
