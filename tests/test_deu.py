"""The DEU reader (against ../shared/data/deu/deu3.csv) and the backtest's MAE arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pytest

from realpolitik.analysis.backtest import (
    LISBON,
    NICE,
    PRE_NICE,
    council_capability,
    deu_backtest,
    era_of,
    mae,
)
from realpolitik.errors import InputError
from realpolitik.io.deu import parse_deu, read_deu

from .conftest import require_shared

# A hand-made DEU file: Commission, Parliament, Germany, Luxembourg; three issues.
HAND = "\t".join(["prnr", "isnr", "proc", "counvte", "intro",
                  "pcom", "pep", "pde", "plu", "scom", "sep", "sde", "slu", "rp", "out"]) + "\n"
HAND += "\t" * 5 + "\t".join(['"1"', '"1"', '"4"', '"0.1"']) + "\t" * 6 + "\n"
HAND += "\t".join(['"d99001"', '"d99001i1"', '"COD"', '"QMV"', '"01-02-99"',
                   "100", "0", "0", "100", "50", "50", "100", "50", "0", "40"]) + "\n"
HAND += "\t".join(['"d99001"', '"d99001i2"', '"CNS"', '"QMV"', '"01-02-99"',
                   "0", "100", "100", "", "100", "", "50", "", "", "30"]) + "\n"
HAND += "\t".join(['"d05002"', '"d05002i1"', '"COD"', '"QMV"', '"01-02-05"',
                   "20", "", "40", "", "100", "", "100", "", "10", ""]) + "\n"


@pytest.fixture
def hand():
    return parse_deu(HAND, "hand.tsv")


def test_hand_file_is_read(hand) -> None:
    assert hand.actors == ("com", "ep", "de", "lu")
    assert hand.gdp.tolist() == [1, 1, 4, 0.1]
    assert hand.issue_ids == ("d99001i1", "d99001i2", "d05002i1")
    assert hand.year.tolist() == [1999, 1999, 2005]
    assert np.isnan(hand.position[1, 3]) and np.isnan(hand.salience[1, 3])
    assert hand.salience[1, 1] == 50  # a position without a salience: read as 50
    # the third issue has no outcome and only two positions: not usable
    assert hand.usable.tolist() == [True, True, False]


def test_mae_by_hand(hand) -> None:
    assert mae(np.array([10, 50, np.nan]), np.array([20, 20, 5])) == (20.0, 2)
    assert math.isnan(mae(np.array([np.nan]), np.array([1.0]))[0])
    result = deu_backtest(hand, ["compromise", "status-quo"], weights=("equal", "council"))
    rows = {(r["model"], r["weights"]): r for r in result["models"]}
    assert result["issues_used"] == 2
    # equal capability; issue 1: (100*.5 + 0*.5 + 0*1 + 100*.5) / 2.5 = 40 → error 0
    # issue 2: (0*1 + 100*.5 + 100*.5) / 2 = 50 → error 20; MAE 10
    assert rows["compromise", "equal"]["mae"] == pytest.approx(10.0)
    # council, pre-Nice: de 10, lu 2, com = ep = mean EU-15 weight 87/15 (ep 0 under CNS)
    w = 87 / 15
    f1 = (w * .5 * 100 + w * .5 * 0 + 10 * 1 * 0 + 2 * .5 * 100) / (w * .5 + w * .5 + 10 + 1)
    f2 = (w * 1 * 0 + 10 * .5 * 100) / (w + 5)
    assert rows["compromise", "council"]["mae"] == pytest.approx(
        (abs(f1 - 40) + abs(f2 - 30)) / 2)
    # status quo: issue 1 rp 0 → error 40; issue 2 has no rp → left out
    assert rows["status-quo", "equal"]["mae"] == 40 and rows["status-quo", "equal"]["n"] == 1
    plain = rows["plain-median", "positions only"]
    assert plain["mae"] == pytest.approx((abs(50 - 40) + abs(100 - 30)) / 2)


def test_weight_tables() -> None:
    assert sum(PRE_NICE.values()) == 87 and len(PRE_NICE) == 15
    assert sum(v for k, v in NICE.items() if k != "cr") == 345 and len(NICE) == 28
    assert sum(LISBON.values()) == pytest.approx(100, abs=0.1)
    assert [era_of(y) for y in (1996, 2002, 2003, 2011, 2012, 2018)] == [
        "pre-nice", "pre-nice", "nice", "nice", "lisbon", "lisbon"]
    cap = council_capability(("com", "ep", "de", "pl"), "nice", "CNS")
    assert cap.tolist() == [pytest.approx(352 / 28), 0.0, 29.0, 27.0]


@pytest.mark.parametrize(("text", "words"), [
    ("prnr\tisnr\n\n1\t2\n", ["lacks", "proc"]),
    (HAND.replace('"01-02-99"\t100', '"01-02-99"\tabc', 1), ["hand.tsv:3", "pcom", "'abc'"]),
    (HAND.replace("\t0\t40\n", "\t0\t140\n"), ["hand.tsv:3", "out", "out of range"]),
    (HAND.replace("d99001i2", "d99001i1"), ["hand.tsv:4", "duplicate issue id"]),
    ("a\n", ["too few rows"]),
])
def test_bad_deu_files(text: str, words: list[str]) -> None:
    with pytest.raises(InputError) as info:
        parse_deu(text, "hand.tsv")
    for word in words:
        assert word in str(info.value), str(info.value)


@pytest.fixture(scope="module")
def deu3():
    return read_deu(require_shared("data", "deu", "deu3.csv"))


def test_deu3_is_read(deu3) -> None:
    assert len(deu3.actors) == 30 and deu3.actors[:3] == ("com", "ep", "at")
    assert len(deu3.issue_ids) == 364
    assert int(deu3.usable.sum()) == 351  # the count the data set's README gives
    first = deu3.issue_ids.index("d00032i1")
    a = {k: i for i, k in enumerate(deu3.actors)}
    assert deu3.position[first, a["com"]] == 100 and deu3.position[first, a["at"]] == 40
    assert deu3.salience[first, a["at"]] == 40 and np.isnan(deu3.position[first, a["bu"]])
    assert deu3.reference[first] == 0 and deu3.outcome[first] == 100
    assert deu3.gdp[a["de"]] == 4.1 and deu3.year[first] == 2000


def test_deu3_baselines_match_the_published_neighbourhood(deu3) -> None:
    result = deu_backtest(deu3, ["compromise", "median"], weights=("council",))
    rows = {(r["model"], r["weights"]): r for r in result["models"]}
    assert result["issues_used"] == 351
    # README of the data: plain mean 23.6, median position 28.5, compromise (Council) ≈ 23.0
    assert rows["plain-mean", "positions only"]["mae"] == pytest.approx(23.6, abs=0.05)
    assert rows["plain-median", "positions only"]["mae"] == pytest.approx(28.5, abs=0.05)
    assert rows["compromise", "council"]["mae"] == pytest.approx(23.0, abs=0.5)
    assert all(r["n"] == 351 for r in result["models"])
