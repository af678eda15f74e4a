"""The whether backtest: cases, evidence, scores and the command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from realpolitik.analysis import whether

ROOT = Path(__file__).resolve().parents[1]
DRAWS = 50  # the command's default is 1,000; tests need only the layout and the sums


def _run(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env_extra or {})}
    env.pop("REALPOLITIK_SHARED", None)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "realpolitik", "backtest", "whether",
                           *args], capture_output=True, text=True, env=env, timeout=900)


def _data(shared) -> Path:
    shared("data", "exchange", "copenhagen.csv")
    shared("data", "exchange", "cop21.csv")
    shared("data", "ktab_smp", "SOE-Policy.csv")
    return shared("data", "ktab_smp", "SOE-Competitive.csv").parents[1]


# --- the case files --------------------------------------------------------------------


def test_case_files_load_and_carry_evidence():
    cases = whether.load_cases()
    ids = {c.case for c in cases}
    assert {"rj-2016-12", "rj-2018-11", "rj-2019-01", "cop15-copenhagen", "cop21-paris"} <= ids
    assert len(cases) >= 7
    for c in cases:
        assert c.sources and c.evidence
        facts = [e for e in c.evidence if e.kind in ("quote", "fact")]
        assert facts, c.case
        for e in c.evidence:
            assert e.source in c.sources and len(e.quote) > 20
            if e.kind == "judgement":
                assert "judgement" in (e.quote + (e.note or "")).lower()
        assert c.outcome_date >= c.as_of
        if c.scenario.data is not None:  # what the case adds is labelled as judgement
            assert "judgement" in c.agreement["note"]
            assert set(c.status_quo) <= set(c.agreement["package"])
    outcomes = {c.case: c.outcome for c in cases}
    assert outcomes["cop15-copenhagen"] == 0 and outcomes["cop21-paris"] == 1
    assert all(outcomes[k] == 0 for k in ("rj-2016-12", "rj-2018-11", "rj-2019-01"))


def test_russia_japan_cases_quote_the_coded_outcomes():
    from realpolitik.analysis.backtest import load_outcomes

    coded = {o.issue: o for o in load_outcomes().outcomes}
    assert coded["territory"].value == 0 and coded["treaty"].value == 0
    known = {e.quote for i in ("territory", "treaty") for e in coded[i].evidence}
    for c in whether.load_cases():
        if c.case.startswith("rj-"):
            assert {e.quote for e in c.evidence} <= known
            assert c.scenario.builtin == "russia-japan"


def test_consensus_rule_is_cited():
    for c in whether.load_cases():
        if c.case.startswith("cop"):
            quotes = " ".join(e["quote"] for e in c.agreement["parties_evidence"])
            assert "Rule 42" in quotes and "consensus" in quotes
            assert c.agreement["parties"] == "every-actor"


def test_climate_cases_every_actor_is_a_veto(shared):
    data = _data(shared)
    for c in whether.load_cases():
        if c.case.startswith("cop"):
            sc = whether.build(c, data)
            ag = sc.agreement
            assert len(ag.parties) == len(sc.actors)
            assert sorted(p.negotiator for p in ag.parties) == sorted(sc.actor_ids)
            for issue in ag.package:
                assert sc.issue(issue).status_quo == c.status_quo[issue]


def test_climate_package_follows_the_stated_rule(shared):
    """The legal-form issue, plus the three others with the largest capability × salience
    summed over the actors (as the case files say)."""
    import realpolitik

    data = _data(shared)
    legal = {"cop15-copenhagen": "Newtreaty", "cop21-paris": "legal"}
    for c in whether.load_cases():
        if c.case not in legal:
            continue
        sc = realpolitik.load(data / c.scenario.data)
        cap = {a.id: a.capability for a in sc.actors}
        total: dict[str, float] = {}
        for s in sc.stances:
            total[s.issue] = total.get(s.issue, 0.0) + cap[s.actor] * s.salience
        others = sorted((i for i in total if i != legal[c.case]), key=lambda i: -total[i])
        assert set(c.agreement["package"]) == {legal[c.case], *others[:3]}


def test_cop21_data_is_the_dated_r_prototype_file(shared):
    """cop21.csv holds the numbers of CoP21.csv, whose header dates them (the case's as_of)."""
    import realpolitik

    a = realpolitik.load(shared("data", "exchange", "cop21.csv"))
    b = realpolitik.load(shared("data", "exchange", "CoP21.csv"))
    assert "2 Oct 2015" in shared("data", "exchange", "CoP21.csv").read_text(encoding="latin-1")

    def key(x: str) -> str:
        return re.sub(r"[^a-z0-9]", "", x.lower()).rstrip("s2")

    ka = sorted((key(s.actor), key(s.issue), s.position, s.salience) for s in a.stances)
    kb = sorted((key(s.actor), key(s.issue), s.position, s.salience) for s in b.stances)
    assert ka == kb and len(ka) == 181


def test_bad_case_files_name_the_problem(tmp_path):
    from realpolitik.errors import InputError

    good = next(p for p in whether.case_files() if p.name.startswith("rj-")).read_text(
        encoding="utf-8")
    bad = tmp_path / "c.yaml"
    for text, words in [
        (good.replace("outcome: 0\n", "outcome: 2\n").replace("outcome: 1\n", "outcome: 2\n"),
         "outcome"),
        (re.sub(r"source: [\w-]+, quote", "source: nosuch, quote", good, count=1), "nosuch"),
        (good + "\nextra_key: 1\n", "extra_key"),
        (re.sub(r"(?m)^outcome_date: .*$", "outcome_date: 1900-01-01", good), "precedes"),
    ]:
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=words):
            whether.load_cases([bad])


def test_event_is_strictly_beyond_the_bound():
    c = next(c for c in whether.load_cases() if c.case == "rj-2019-01")
    from realpolitik import scenarios

    sc = scenarios.load("russia-japan")
    pkg = list(sc.agreement.package)
    rows = np.zeros((4, len(pkg)))
    rows[0, pkg.index("treaty")] = 75.0  # at the bound: not concluded
    rows[1, pkg.index("treaty")] = 80.0
    rows[2, pkg.index("territory")] = 37.5
    rows[3, pkg.index("territory")] = 50.0
    assert whether._in_event(c, sc, rows).tolist() == [False, True, False, True]


# --- the scores ------------------------------------------------------------------------


def _hand(rows: list[dict]) -> tuple[float, dict[str, float]]:
    y = [r["outcome"] for r in rows]
    n = len(y)
    model = sum((r["p_deal"] - o) ** 2 for r, o in zip(rows, y, strict=True)) / n
    rate = sum(y) / n
    return model, {"always no deal": sum(o for o in y) / n,
                   "always deal": sum(1 - o for o in y) / n,
                   "base rate": sum((rate - o) ** 2 for o in y) / n,
                   "coin": 0.25}


def test_scores_by_hand_on_made_up_cases(monkeypatch):
    cases = [c for c in whether.load_cases() if c.scenario.builtin]
    ps = iter([0.2, 0.7, 0.9])

    def fake(case, data_dir, **_):
        p = next(ps)
        return {"case": case.case, "as_of": str(case.as_of), "p_deal": p,
                "outcome": case.outcome, "brier": (p - case.outcome) ** 2, "source": "s",
                "event": None, "p_event": p, "brier_event": (p - case.outcome) ** 2,
                "uncertain_inputs": 1}

    monkeypatch.setattr(whether, "run_case", fake)
    r = whether.whether_backtest(None, cases=cases)
    # outcomes 0, 0, 0: Brier (0.04 + 0.49 + 0.81) / 3
    assert r["brier"] == pytest.approx((0.04 + 0.49 + 0.81) / 3)
    assert r["baselines"] == {"always no deal": 0.0, "always deal": 1.0, "base rate": 0.0,
                              "coin": 0.25}
    assert whether.verdict(r).startswith("the baselines win: Brier 0.447 against the best "
                                         "baseline, always no deal, 0.000, worse by 0.447")


# --- the command, in a fresh process ---------------------------------------------------


def test_command_json_layout_and_brier_by_hand(shared):
    data = _data(shared)
    proc = _run("-f", "json", "-n", str(DRAWS), "--data", str(data))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert {"cases", "brier", "baselines"} <= set(out)
    assert set(out["baselines"]) == {"always no deal", "always deal", "base rate", "coin"}
    assert out["skipped"] == [] and out["draws"] == DRAWS
    for r in out["cases"]:
        assert {"case", "as_of", "p_deal", "outcome", "brier", "source"} <= set(r)
        assert r["outcome"] in (0, 1) and 0 <= r["p_deal"] <= 1
        assert r["brier"] == pytest.approx((r["p_deal"] - r["outcome"]) ** 2)
    model, base = _hand(out["cases"])
    assert out["brier"] == pytest.approx(model)
    assert out["baselines"] == pytest.approx(base)
    assert len(out["cases"]) == len(whether.load_cases())
    y = np.array([r["outcome"] for r in out["cases"]])
    p = np.clip([r["p_deal"] for r in out["cases"]], 1e-3, 1 - 1e-3)
    assert out["log"] == pytest.approx(float(np.mean(-np.log(np.where(y == 1, p, 1 - p)))))
    assert out["baselines_log"]["coin"] == pytest.approx(np.log(2))
    assert sum(c["n"] for c in out["calibration"]) == len(y)


def test_same_seed_same_output(shared):
    data = _data(shared)
    runs = [_run("-f", "json", "-n", "30", "--seed", "7", "--data", str(data)).stdout
            for _ in range(2)]
    assert runs[0] == runs[1] and json.loads(runs[0])["seed"] == 7


def test_command_table_prints_the_cases_and_a_verdict(shared):
    data = _data(shared)
    proc = _run("-n", str(DRAWS), "--data", str(data))
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    for c in whether.load_cases():
        assert c.case in text
    verdict = next(line for line in text.splitlines() if line.startswith("verdict"))
    assert re.search(r"(model wins|baselines win|a tie): Brier \d\.\d{3}", verdict)
    # the printed P's give the printed mean Brier score
    ps = re.findall(r"│ (\S+)\s+│ \d{4}-\d\d-\d\d │\s+([\d.]+) │\s+([01]) │", text)
    assert len(ps) == len(whether.load_cases())
    hand = sum((float(p) - int(y)) ** 2 for _, p, y in ps) / len(ps)
    printed = float(re.search(r"model (\d\.\d{3});", text).group(1))
    assert printed == pytest.approx(hand, abs=6e-4)


def test_without_the_reference_data_the_shared_cases_are_listed_not_run(tmp_path):
    proc = _run("-f", "json", "-n", "20", "--data", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    run = {r["case"] for r in out["cases"]}
    skipped = {s["case"] for s in out["skipped"]}
    assert run == {"rj-2016-12", "rj-2018-11", "rj-2019-01"}
    assert {"cop15-copenhagen", "cop21-paris"} <= skipped


def test_bad_case_file_one_line_exit_2(tmp_path):
    bad = tmp_path / "case.yaml"
    bad.write_text("case: x\ntitle: t\nas_of: 2020-01-01\noutcome: 3\n", encoding="utf-8")
    out = tmp_path / "out.json"
    proc = _run("--case", str(bad), "-o", str(out))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("realpolitik: error: ")
    assert str(bad) in lines[0] and "Traceback" not in proc.stderr
    assert not out.exists()


@pytest.mark.parametrize("args, words", [
    (["--draws", "0"], "--draws"),
    (["-f", "csv"], "csv"),
    (["--widen", "-1"], "widen"),
])
def test_usage_errors_are_one_line(capsys, tmp_path, args, words):
    from realpolitik.cli import main

    code = main(["backtest", "whether", "--data", str(tmp_path), *args])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and words in err


def test_output_directory_refused_before_any_case_runs(capsys, tmp_path):
    import time

    from realpolitik.cli import main

    target = tmp_path / "out.json"
    target.mkdir()
    start = time.perf_counter()
    assert main(["backtest", "whether", "-o", str(target)]) == 2
    assert time.perf_counter() - start < 5
    assert "is a directory" in capsys.readouterr().err


def test_data_folder_defaults_to_the_shared_variable(monkeypatch, tmp_path):
    from realpolitik.cli.whether import data_folder

    monkeypatch.setenv("REALPOLITIK_SHARED", str(tmp_path))
    assert data_folder(None) == tmp_path / "data"
    assert data_folder(tmp_path / "x") == tmp_path / "x"
    monkeypatch.delenv("REALPOLITIK_SHARED")
    assert data_folder(None) is None
