"""Shared test fixtures.

Tests that need the reference data in ``../shared`` use the ``shared`` fixture: it skips
when the folder is absent and fails instead when ``REALPOLITIK_REQUIRE_SHARED=1``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Test this checkout's sources even when another checkout is the installed one.
sys.path.insert(0, str(ROOT / "src"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(os.environ.get("REALPOLITIK_SHARED", ROOT.parent / "shared"))


def require_shared(*parts: str) -> Path:
    """The path under ``../shared``; skip (or fail in CI) when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"reference data not found: {path}"
        if os.environ.get("REALPOLITIK_REQUIRE_SHARED") == "1":
            pytest.fail(message + " (REALPOLITIK_REQUIRE_SHARED=1)")
        pytest.skip(message)
    return path


@pytest.fixture
def shared():
    """Call with path parts under ../shared: ``shared("data", "bdm", "sultan.csv")``."""
    return require_shared


@pytest.fixture
def tiny():
    import realpolitik

    return realpolitik.load(FIXTURES / "tiny.yaml")


def stop_process_group(proc, grace: float = 20.0) -> None:
    """End a server started with ``start_new_session=True`` and everything it started:
    SIGTERM to the group, then SIGKILL to whatever is left after ``grace`` seconds (a
    Streamlit child can outlive its parent's SIGTERM on a loaded machine)."""
    import signal
    import time

    def alive() -> bool:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return False
        return True

    if alive():
        os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while alive() and time.monotonic() < deadline:
        proc.poll()  # reap the parent so it does not linger as a zombie
        time.sleep(0.2)
    if alive():
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
