"""The command line: exit codes, one-line errors, the JSON output contract."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from realpolitik.cli import main

from .conftest import FIXTURES, ROOT

TINY = str(FIXTURES / "tiny.yaml")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_forecast_table(capsys) -> None:
    code, out, err = run(capsys, "forecast", TINY)
    assert code == 0 and err == ""
    for text in ("compromise", "median", "status-quo", "land", "57.1", "50: half"):
        assert text in out


def test_forecast_json_contract_single_model(capsys) -> None:
    code, out, _ = run(capsys, "forecast", TINY, "-m", "compromise", "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"scenario", "model", "params", "seed", "actors", "issues"}
    assert data["scenario"] == "tiny" and data["model"] == "compromise"
    assert data["actors"] == ["a", "b", "c"] and data["seed"] is None
    land, money = data["issues"]
    assert set(land) >= {"id", "forecast", "rounds", "trajectory"}
    assert land["id"] == "land" and land["rounds"] == 0
    assert land["trajectory"] == [[0.0, 50.0, 100.0]]
    assert money["trajectory"] == [[2.0, None, 8.0]]
    assert land["forecast"] == pytest.approx(200 / 3.5)


def test_forecast_json_several_models_is_an_array(capsys) -> None:
    code, out, _ = run(capsys, "forecast", TINY, "-m", "mean", "-m", "median", "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert [d["model"] for d in data] == ["mean", "median"]


def test_forecast_csv_to_file_is_deterministic(capsys, tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run(capsys, "forecast", TINY, "-f", "csv", "-o", str(a))[0] == 0
    assert run(capsys, "forecast", TINY, "-f", "csv", "-o", str(b))[0] == 0
    assert a.read_bytes() == b.read_bytes()
    assert a.read_text().splitlines()[0] == "model,issue,forecast,rounds,nearest_anchor"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["forecast", "no/such/file.yaml"], "file not found"),
        (["forecast", "nonesuch"], "no built-in scenario or file 'nonesuch'"),
        (["forecast", TINY, "-m", "nope"], "unknown model 'nope'"),
        (["forecast", TINY, "-m", "mean", "--param", "rounds=3"], "no selected model"),
        (["forecast", TINY, "--param", "rounds"], "not of the form NAME=VALUE"),
        (["validate", str(FIXTURES / "tiny.yaml") + ".missing"], "file not found"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(capsys, args, fragment) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("realpolitik: error: ")
    assert fragment in err
    assert "Traceback" not in err


def test_failed_run_leaves_no_output_file(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text((FIXTURES / "tiny.yaml").read_text().replace("salience: 1.0", "salience: 9"))
    out = tmp_path / "out.json"
    code, _, err = run(capsys, "forecast", str(bad), "-f", "json", "-o", str(out))
    assert code == 2 and "salience" in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_validate_show_evidence_schema(capsys) -> None:
    code, out, _ = run(capsys, "validate", TINY)
    assert code == 0 and "ok:" in out and "3 actors" in out
    code, out, _ = run(capsys, "show", TINY)
    assert code == 0 and "Actor C" in out
    code, out, _ = run(capsys, "evidence", TINY, "--actor", "a")
    assert code == 0 and "capability" in out
    code, _, err = run(capsys, "evidence", TINY, "--actor", "zz")
    assert code == 2 and "unknown actor 'zz'" in err
    code, out, _ = run(capsys, "schema")
    assert code == 0 and json.loads(out)["title"] == "Scenario"
    code, out, _ = run(capsys, "models")
    assert code == 0 and "compromise" in out


def test_usage_errors_exit_2(capsys) -> None:
    code, _, err = run(capsys, "forecast", "--format", "xml")
    assert code == 2 and "xml" in err


def test_console_entry_point_runs_as_a_process(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    proc = subprocess.run([sys.executable, "-m", "realpolitik", "forecast", str(bad)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2
    assert "malformed JSON" in proc.stderr and "Traceback" not in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "realpolitik", "forecast", TINY, "-f", "csv"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0 and proc.stdout.startswith("model,issue")


def test_forecast_progress_goes_to_stderr_only(capsys) -> None:
    assert main(["forecast", "-m", "compromise", "-m", "bdm", "-f", "json"]) == 0
    plain = capsys.readouterr()
    assert plain.err == ""
    assert main(["forecast", "-m", "compromise", "-m", "bdm", "-f", "json", "--progress"]) == 0
    shown = capsys.readouterr()
    assert shown.out == plain.out
    assert re.fullmatch(r"compromise: \d+\.\d\d s\nbdm: \d+\.\d\d s\n", shown.err)


@pytest.mark.parametrize(("args", "words"), [
    (["forecast", "-m", "bdm", "--param", "q=5"], "--param q: bad value '5'"),
    (["forecast", "-m", "bdm", "--param", "bdm.colour=red"],
     "--param colour: model 'bdm' has no"),
    (["simulate", "-m", "bdm", "--param", "q=5"], "--param q: bad value '5'"),
    (["simulate", "-m", "compromise", "--draws", "0"], "--draws: draws 0 is too small"),
    (["sensitivity", str(FIXTURES / "tiny.yaml"), "--delta", "0"], "--delta: nothing to vary"),
])
def test_the_cli_names_its_own_flags_for_errors_from_below(capsys, args, words) -> None:
    """Below the command line errors name Python parameters; the CLI says its flags."""
    assert main(args) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1


def test_no_cli_flag_names_below_the_cli() -> None:
    root = Path(__file__).resolve().parents[1] / "src" / "realpolitik"
    flag = re.compile(r"""["'][^"'\n]*--[a-z][a-z-]+""")
    for layer in ("models", "analysis", "io", "report", "scenarios"):
        for path in (root / layer).rglob("*.py"):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                code = line.split("#")[0]
                hit = flag.search(code)
                assert hit is None or "var(--" in code or "smpc --" in code, (
                    f"{path.relative_to(root)}:{n}: {hit.group(0)}")


def test_models_explains_a_models_parameters(capsys) -> None:
    from realpolitik.models import get

    assert main(["models", "smp"]) == 0
    out = capsys.readouterr().out
    for name, f in get("smp").params.model_fields.items():
        assert name in out and f.description.split()[0] in out
    assert "markov-incentive" in out
    assert main(["models", "no-such-model"]) == 2
    assert "--model: unknown model" in capsys.readouterr().err


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_forecast_table_fits_the_terminal(width, monkeypatch) -> None:
    """Every model's column, whole, within the terminal's width; anchors move below if need be."""
    from rich.console import Console

    import realpolitik as rp
    from realpolitik.cli import common
    from realpolitik.cli import forecast as cli_forecast
    from realpolitik.models import evaluate, names

    def narrow(stderr: bool = False) -> Console:
        return Console(width=width, soft_wrap=False)

    monkeypatch.setattr(common, "console", narrow)
    monkeypatch.setattr(cli_forecast, "console", narrow)
    sc = rp.load("russia-japan")
    results = [evaluate(m, sc) for m in names()]
    out = cli_forecast.render_table(sc, results)
    table_lines = [ln for ln in out.splitlines() if ln[:1] in "┏┃┡│└"]
    assert max(len(ln) for ln in table_lines) <= width
    headers = " ".join(ln for ln in table_lines if ln.startswith("┃"))
    for r in results:  # every model named in full, none cut
        assert f" {r.model} " in headers
    for issue in sc.issues:  # issue ids whole, in every table
        assert sum(ln.startswith(f"│ {issue.id} ") for ln in table_lines) >= 1
    label = sc.nearest_anchor("treaty", float(results[0].forecast[1])).label
    assert label in out.replace("\n", " ")  # the anchor text is shown, inline or below
