"""Generated hostile inputs (hypothesis): every reader, overlay and command-line option
either works or refuses with one line and exit 2 — never a traceback, a warning or a hang.

And generated odd-but-valid scenarios (extreme magnitudes, ties, zero saliences): every
model gives finite forecasts without numpy warnings, and the same bytes for the same seed
in two fresh processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realpolitik.cli import main

from .conftest import FIXTURES, ROOT

TINY = FIXTURES / "tiny.yaml"
FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def outcome(capsys, *args: str, seconds: float = 20.0) -> int:
    """Run the CLI in-process: exit 0, or exit 2 with exactly one error line."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # a numpy warning is a failure
        code = main([str(a) for a in args])
    took = time.perf_counter() - start
    _, err = capsys.readouterr()
    assert took < seconds, f"took {took:.1f} s: {args[:3]}"
    assert code in (0, 2), (code, err[-2000:])
    if code == 2:
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("realpolitik: error: "), err[-2000:]
    assert "Traceback" not in err
    return code


# --- hostile values dropped into an otherwise valid file -------------------------------

HOSTILE_SCALARS = st.one_of(
    st.sampled_from([1e308, -1e308, 1e-308, 5e-324, 0.0, -0.0, 1e15, 1e16, -1, 2**63,
                     10**80, "nan", "inf", "-inf", "", " ", "\x00", "é" * 200, True, None,
                     [], {}, "1e308", "0x10"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.text(max_size=30),
)


def _paths(data: object, prefix: tuple = ()) -> list[tuple]:
    """Every path to a scalar in nested dicts and lists."""
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _paths(v, (*prefix, k))]
    if isinstance(data, list):
        return [p for k, v in enumerate(data) for p in _paths(v, (*prefix, k))]
    return [prefix]


def _set(data: object, path: tuple, value: object) -> None:
    for part in path[:-1]:
        data = data[part]  # type: ignore[index]
    data[path[-1]] = value  # type: ignore[index]


BASE = yaml.safe_load(TINY.read_text(encoding="utf-8"))
BASE_PATHS = _paths(BASE)


@FUZZ
@given(where=st.sampled_from(BASE_PATHS), value=HOSTILE_SCALARS,
       as_json=st.booleans())
def test_native_value_fuzz(capsys, where: tuple, value: object, as_json: bool) -> None:
    import copy

    data = copy.deepcopy(BASE)
    data["as_of"] = str(data["as_of"])
    _set(data, where, value)
    with tempfile.TemporaryDirectory() as tmp:
        if as_json:
            path = Path(tmp) / "case.json"
            try:
                text = json.dumps(data)
            except (TypeError, ValueError):
                return
        else:
            path = Path(tmp) / "case.yaml"
            text = yaml.safe_dump(data)
        path.write_text(text, encoding="utf-8")
        if outcome(capsys, "validate", path) == 0:
            out = Path(tmp) / "out.json"
            assert outcome(capsys, "forecast", path, "-f", "json", "-o", out,
                           "-m", "compromise", "-m", "median", "-m", "nash") in (0, 2)


# --- raw text behind each format's signature -------------------------------------------

PREFIXES = {
    "native.yaml": "",
    "native.json": "",
    "ktab.csv": "Case,desc,3,1,\nActor,Description,Power,P1,S1,\n",
    "ktab.xml": "<Scenario><name>x</name>",
    "bdm.csv": "Actor,Capability,Position,Salience\n",
    "decide.txt": "#A\ta\tA\n",
    "deu.tsv": "",
}
NOISE = st.text(alphabet=st.sampled_from(list(",;\t\n\"'#[]{}:&*!|>-. 0123456789eEAaDMPZ")),
                max_size=300)


@FUZZ
@given(kind=st.sampled_from(sorted(PREFIXES)), noise=NOISE)
def test_reader_text_fuzz(capsys, kind: str, noise: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / kind
        path.write_text(PREFIXES[kind] + noise, encoding="utf-8")
        if kind == "deu.tsv":
            outcome(capsys, "backtest", "deu", path, "-m", "mean")
        else:
            outcome(capsys, "validate", path)


@FUZZ
@given(kind=st.sampled_from(["x.yaml", "x.json", "x.csv", "x.xml", "x.txt"]),
       data=st.binary(max_size=400))
def test_reader_bytes_fuzz(capsys, kind: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / kind
        path.write_bytes(data)
        outcome(capsys, "validate", path)


def _ktab_rows(n: int, width: int) -> str:
    return "".join(f"A{k},d,{k + 1}," + ",".join(["50"] * width) + ",\n" for k in range(n))


@FUZZ
@given(declared=st.integers(min_value=-2, max_value=9), rows=st.integers(0, 9),
       dims=st.integers(0, 3), width=st.integers(0, 8))
def test_ktab_shape_fuzz(capsys, declared: int, rows: int, dims: int, width: int) -> None:
    """Declared counts and actual rows disagree: refused, or read exactly as declared."""
    text = (f"Case,desc,{declared},{dims},\nActor,Description,Power"
            + ",P,S" * max(dims, 0) + ",\n" + _ktab_rows(rows, width))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "k.csv"
        path.write_text(text, encoding="utf-8")
        if outcome(capsys, "validate", path, "--input-format", "ktab-csv") == 0:
            assert rows == declared and width == 2 * dims


# --- what-if overlays ------------------------------------------------------------------

@FUZZ
@given(value=HOSTILE_SCALARS, pick=st.integers(min_value=0, max_value=10**6))
def test_overlay_value_fuzz(capsys, value: object, pick: int) -> None:
    import copy

    from realpolitik.scenarios import folder

    files = sorted((folder("russia-japan") / "whatifs").iterdir(), key=lambda p: p.name)
    source = files[pick % len(files)]
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    paths = _paths(data)
    data = copy.deepcopy(data)
    _set(data, paths[pick % len(paths)], value)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "overlay.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        outcome(capsys, "whatif", "russia-japan", path, "-m", "compromise", "-f", "json",
                seconds=60)


# --- command-line options --------------------------------------------------------------

OPTION_VALUES = st.one_of(
    st.sampled_from(["0", "-1", "1", "abc", "", "1e3", "1000000000000", "nan", "-0",
                     "99999999999999999999999", " 3", "3 ", "0x10", "１"]),
    st.text(max_size=12),
)


@FUZZ
@given(option=st.sampled_from(["--seed", "--format", "--model", "--param", "--input-format",
                               "--read-option"]),
       value=OPTION_VALUES)
def test_forecast_option_fuzz(capsys, option: str, value: str) -> None:
    if option == "--param":
        value = f"q={value}"
    models = [] if option == "--model" else ["-m", "compromise", "-m", "bdm"]
    outcome(capsys, "forecast", TINY, *models, option, value)


@FUZZ
@given(option=st.sampled_from(["--draws", "--seed", "--widen", "--chunk-size", "--workers",
                               "--model"]),
       value=OPTION_VALUES)
def test_simulate_option_fuzz(capsys, option: str, value: str) -> None:
    extra = [] if option == "--draws" else ["--draws", "20"]
    if option == "--workers":
        extra += ["--chunk-size", "1024"]
    outcome(capsys, "simulate", TINY, *extra, option, value, seconds=60)


@FUZZ
@given(command=st.sampled_from([["timeline", "--since"], ["whatif", "--draws"],
                                ["plot", "actors", str(TINY), "--issue"],
                                ["report", str(TINY), "--draws"],
                                ["sensitivity", str(TINY), "--method"]]),
       value=OPTION_VALUES)
def test_other_option_fuzz(capsys, command: list[str], value: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / ("out.svg" if command[0] == "plot" else "out.txt")
        extra = ["-o", str(out)] if command[0] in {"plot", "report", "timeline",
                                                   "sensitivity"} else []
        if command[0] == "whatif":
            extra = ["-m", "compromise"]
        code = outcome(capsys, *command, value, *extra, seconds=90)
        if code == 2:
            assert not out.exists() and list(Path(tmp).iterdir()) == []


# --- odd but valid scenarios: finite, warning-free, the same in every process ------------

MAGNITUDE = st.sampled_from([0.0, 1e-12, 1e-6, 0.5, 1.0, 7.0, 1e6, 1e15])
WEIGHT = st.sampled_from([0.0, 1e-12, 0.01, 0.5, 1.0])


@st.composite
def odd_scenarios(draw) -> dict:
    n_a = draw(st.integers(min_value=3, max_value=5))
    n_i = draw(st.integers(min_value=1, max_value=3))
    actors = [{"id": f"A{k}", "name": f"actor {k}", "capability": draw(MAGNITUDE) or 1.0}
              for k in range(n_a)]
    issues, stances = [], []
    for i in range(n_i):
        lo = draw(st.sampled_from([-1e15, -1.0, 0.0, 1e6]))
        span = draw(st.sampled_from([1e-6, 1.0, 100.0, 1e9, 1e15]))
        hi = min(lo + span, 1e15)
        if hi - lo < 1e-9 * max(abs(lo), abs(hi)):
            hi = lo + 1e-8 * max(abs(lo), abs(hi))
        issue = {"id": f"I{i}", "name": f"issue {i}", "scale": {"min": lo, "max": hi}}
        if draw(st.booleans()):
            issue["status_quo"] = lo
        issues.append(issue)
        for k in range(n_a):
            where = draw(st.sampled_from([0.0, 0.5, 1.0, 0.25]))  # ties likely
            stances.append({"actor": f"A{k}", "issue": f"I{i}",
                            "position": lo + where * (hi - lo),
                            "salience": 1.0 if k == 0 else draw(WEIGHT)})
    return {"name": "odd", "actors": actors, "issues": issues, "stances": stances}


@settings(max_examples=25, deadline=None, derandomize=True)
@given(data=odd_scenarios())
def test_odd_scenarios_give_finite_forecasts(data: dict) -> None:
    import realpolitik as rp
    from realpolitik.io.validate import build_scenario
    from realpolitik.models import names

    sc = build_scenario(data)
    for name in names():
        if name == "agreement":  # needs an agreement section (covered by its own tests)
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                result = rp.forecast(sc, name, seed=3)
            except rp.InputError:
                continue  # a model that needs more (smp: three actors who care)
        forecast = np.asarray(result.forecast)
        has_sq = np.isfinite(sc.status_quo)
        expect = has_sq if name == "status-quo" else np.ones_like(has_sq)
        assert np.all(np.isfinite(forecast[expect])), (name, forecast)
        # on the scale, up to rounding (relative to the scale's magnitude)
        slack = 1e-9 * np.maximum(np.abs(sc.scale_min), np.abs(sc.scale_max))
        assert np.all((forecast[expect] >= (sc.scale_min - slack)[expect])
                      & (forecast[expect] <= (sc.scale_max + slack)[expect])), (name, forecast)
        json.dumps(result.to_dict(), allow_nan=False)


def _run(path: Path) -> bytes:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), PYTHONHASHSEED="random")
    proc = subprocess.run([sys.executable, "-m", "realpolitik", "forecast", str(path),
                           "-f", "json", "--seed", "11"],
                          capture_output=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@settings(max_examples=2, deadline=None, derandomize=True)
@given(data=odd_scenarios())
def test_odd_scenarios_same_bytes_in_two_processes(data: dict) -> None:
    """Every model at once, twice in fresh interpreters (hash seeds differ)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "odd.yaml"
        data = dict(data)
        data["actors"] = data["actors"][:3] + [
            {"id": f"B{k}", "name": f"b {k}", "capability": 1.0} for k in range(3)]
        data["stances"] = [s for s in data["stances"] if s["actor"] in
                           {a["id"] for a in data["actors"]}]
        for k in range(3):  # three actors who care everywhere, so smp runs as well
            for issue in data["issues"]:
                data["stances"].append({"actor": f"B{k}", "issue": issue["id"],
                                        "position": issue["scale"]["min"],
                                        "salience": 0.5})
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        first, second = _run(path), _run(path)
        assert first == second
        assert len(json.loads(first)) >= 8


@pytest.mark.parametrize("args", [["validate"], ["forecast", "-m", "mean"]])
def test_every_error_is_one_line_in_a_real_process(tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"name": ' + "[" * 3000 + "]" * 3000 + "}", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.run([sys.executable, "-W", "error::RuntimeWarning", "-m", "realpolitik",
                           *args, str(path)], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1, proc.stderr[-2000:]
