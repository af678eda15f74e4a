"""``realpolitik deal``, ``realpolitik levers`` and the agreement column of ``forecast``."""

from __future__ import annotations

import json
import math

import pytest

from realpolitik.cli import main

from .conftest import FIXTURES

DEAL = str(FIXTURES / "agreement" / "deal.yaml")
NODEAL = str(FIXTURES / "agreement" / "nodeal.yaml")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_deal_json_layout(capsys) -> None:
    code, out, err = run(capsys, "deal", DEAL, "-f", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data)[:8] == ["scenario", "deal", "package", "winset", "blockers", "p_deal",
                              "draws", "seed"]
    assert data["deal"] is True and set(data["package"]) == {"land", "trade"}
    assert data["p_deal"] is None and data["draws"] is None and data["seed"] is None
    for issue, (low, high) in data["winset"].items():
        assert low <= data["package"][issue] <= high


def test_deal_with_draws(capsys) -> None:
    code, out, _ = run(capsys, "deal", NODEAL, "--draws", "2000", "--seed", "5", "-f", "json")
    data = json.loads(out)
    assert code == 0 and data["deal"] is False and data["package"] is None
    assert data["blockers"] == ["a-lead"] and data["draws"] == 2000 and data["seed"] == 5
    # a deal needs (a/100)² > 0.2, a > 44.7, with a uniform on 20–50: P = 0.176
    assert data["p_deal"] == pytest.approx((50 - math.sqrt(2000)) / 30, abs=0.03)
    lo, hi = data["p_deal_interval"]
    assert lo < data["p_deal"] < hi
    code, out, _ = run(capsys, "deal", NODEAL, "--draws", "500")
    assert code == 0 and "NO DEAL" in out and "P(deal) = " in out and "a-lead" in out


def test_levers_find_the_smallest_change(capsys) -> None:
    code, out, _ = run(capsys, "levers", NODEAL, "-f", "json")
    assert code == 0
    rows = json.loads(out)
    assert all(set(r) >= {"actor", "issue", "change", "from", "to", "size", "effect"}
               for r in rows)
    top = rows[0]
    # A accepts only if its best gain (a/100)² exceeds 0.2: a > √2000
    assert (top["actor"], top["issue"], top["change"]) == ("a-lead", "x", "position")
    assert top["to"] == pytest.approx(math.sqrt(2000), abs=0.1)
    assert top["size"] == pytest.approx((math.sqrt(2000) - 30) / 100, abs=0.001)
    assert top["effect"].startswith("opens")
    assert [r["size"] for r in rows] == sorted(r["size"] for r in rows)
    code, out, _ = run(capsys, "levers", NODEAL, "--draws", "500")
    assert code == 0 and "ΔP(deal)" in out


def test_levers_for_a_deal_say_what_breaks_it(capsys) -> None:
    code, out, _ = run(capsys, "levers", DEAL, "-f", "json")
    rows = json.loads(out)
    assert code == 0 and rows and all(r["effect"] == "breaks the deal" for r in rows)


def test_forecast_shows_the_agreement_column_and_the_deal_line(capsys) -> None:
    code, out, _ = run(capsys, "forecast", NODEAL, "-m", "compromise", "-m", "agreement")
    assert code == 0 and "agreement" in out and "deal? no" in out and "a-lead" in out
    code, out, _ = run(capsys, "forecast", DEAL, "-m", "agreement")
    assert "deal? yes" in out


def test_deal_without_an_agreement_section_is_one_line_exit_2(capsys) -> None:
    code, out, err = run(capsys, "deal", str(FIXTURES / "tiny.yaml"))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "no agreement section" in err


def test_whatif_shows_the_deal_before_and_after_beside_the_claim(capsys) -> None:
    overlay = str(FIXTURES / "agreement" / "open-deal.yaml")
    code, out, _ = run(capsys, "whatif", NODEAL, overlay, "-m", "agreement", "--draws", "300")
    assert code == 0
    line = next(ln for ln in out.splitlines() if ln.startswith("Deal?"))
    assert "no deal (blockers: a-lead)" in line and "→ deal, package x" in line
    assert "P(deal) = 1.00" in line and "The article (hand) argues" in out
    code, out, _ = run(capsys, "whatif", NODEAL, overlay, "-m", "agreement", "-f", "json")
    deal = json.loads(out)["overlays"][0]["deal"]
    assert deal["before"]["deal"] is False and deal["after"]["deal"] is True
    # a at 50: 4x² − (6·50 + 480)x + 640·50 = 0 (the first-order condition)
    x = (780 - math.sqrt(780**2 - 16 * 32000)) / 8
    assert deal["after"]["package"]["x"] == pytest.approx(x, abs=0.1)


def test_levers_with_draws_rank_by_the_change_in_p_deal(capsys) -> None:
    code, out, _ = run(capsys, "levers", DEAL, "--draws", "300", "--widen", "0.1", "-f", "json")
    rows = json.loads(out)
    assert code == 0 and rows
    gains = [r["p_deal_gain"] for r in rows]
    assert gains == sorted(gains) and all(g <= 0 for g in gains)  # a deal: losses first
    code, out, _ = run(capsys, "levers", NODEAL, "--draws", "300", "-f", "json")
    gains = [r["p_deal_gain"] for r in json.loads(out)]
    assert gains == sorted(gains, reverse=True) and gains[0] > 0
