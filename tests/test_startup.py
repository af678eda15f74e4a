"""Start-up stays light: a command imports only the libraries it uses.

Each check runs in a fresh interpreter and reads ``sys.modules`` afterwards, so an eager
import anywhere on the path fails here. Timing itself is measured by
``benchmarks/bench_startup.py``, not by tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Loaded only by the commands and analyses that use them.
HEAVY = {"pandas", "matplotlib", "scipy", "SALib", "dask", "distributed", "streamlit",
         "numba", "llvmlite", "pyarrow"}


def loaded_after(code: str) -> set[str]:
    """Top-level packages imported by running ``code`` in a fresh interpreter."""
    script = (f"{code}\nimport json, sys\n"
              "print('\\n@@' + json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.rsplit("\n@@", 1)[1]))


def cli(*args: str) -> str:
    return f"from realpolitik.cli import main\nassert main({list(args)!r}) == 0"


def test_import_and_help_load_no_numpy_pydantic_or_heavy_library():
    for code in ("import realpolitik.cli", "import realpolitik", cli("--help")):
        extra = loaded_after(code) & (HEAVY | {"numpy", "pydantic", "yaml"})
        assert not extra, (code, extra)
    for code in (cli("forecast", "--help"), cli("simulate", "--help")):  # typer loads pydantic
        extra = loaded_after(code) & (HEAVY | {"numpy"})
        assert not extra, (code, extra)


@pytest.mark.parametrize("args", [
    ("forecast", "-m", "compromise", "-m", "median", "-m", "mean", "-m", "nash"),
    ("forecast", "-m", "compromise", "-f", "json"),
    ("scenarios",), ("models",), ("show",), ("formats",),
])
def test_light_commands_load_no_heavy_library(args):
    extra = loaded_after(cli(*args)) & HEAVY
    assert not extra, extra


def test_api_forecast_of_a_closed_form_model_loads_no_heavy_library():
    code = ("import realpolitik as rp\n"
            "r = rp.forecast(rp.load('russia-japan'), 'compromise')\n"
            "assert r.forecast.shape == (len(rp.load('russia-japan').issues),)")
    extra = loaded_after(code) & HEAVY
    assert not extra, extra


def test_compiled_models_load_numba_only_when_they_run_and_never_pandas():
    loaded = loaded_after(cli("forecast", "-m", "smp", "-m", "bdm", "-m", "exchange"))
    assert "numba" in loaded  # the checks above would pass vacuously if nothing loaded it
    extra = loaded & (HEAVY - {"numba", "llvmlite", "scipy"})  # Numba imports scipy
    assert not extra, extra


def test_diagnostics_are_built_on_first_access():
    import pandas as pd

    import realpolitik as rp

    result = rp.forecast(rp.load("russia-japan"), "bdm")
    assert set(result.diagnostics) == {"rounds", "offers"}
    offers = result.diagnostics["offers"]
    assert isinstance(offers, pd.DataFrame) and len(offers) > 0
    assert result.diagnostics["offers"] is offers  # built once


def test_lazy_names_still_resolve():
    import realpolitik as rp
    from realpolitik.analysis.montecarlo import BLOCK
    from realpolitik.cli.simulate import BLOCK as CLI_BLOCK
    from realpolitik.models import Result as Lazy
    from realpolitik.models.base import Result
    from realpolitik.scenario import Batch, Scenario

    assert rp.Scenario is Scenario and rp.Batch is Batch
    assert rp.Result is Result and Lazy is Result
    assert "compromise" in rp.model_names()
    assert CLI_BLOCK == BLOCK
    with pytest.raises(AttributeError):
        _ = rp.no_such_name


def test_builtin_scenarios_read_fast_equal_the_strict_parser():
    from realpolitik import scenarios
    from realpolitik.io.native import parse_yaml

    assert scenarios.names()
    for name in scenarios.names():
        strict = parse_yaml(scenarios.path(name).read_text(encoding="utf-8"),
                            source=f"built-in:{name}")  # duplicate keys, bounds: errors
        assert scenarios.load(name).model_dump() == strict.model_dump(), name
