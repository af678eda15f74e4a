"""The README's tour runs as written: every shell line in a fresh folder, then the Python
block, each in a fresh process (the `realpolitik` on PATH is this interpreter's)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import stop_process_group

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(after: str, lang: str) -> str:
    start = README.index(after)
    m = re.compile(rf"```{lang}\n(.*?)```", re.S).search(README, start)
    assert m, f"no ```{lang} block after {after!r} in README.md"
    return m.group(1)


def _tour_lines() -> list[str]:
    lines = []
    for raw in _block("## A short tour", "bash").splitlines():
        line = raw.split("  #", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


@pytest.fixture(scope="module")
def tour_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tour")
    bin_dir = folder / ".bin"
    bin_dir.mkdir()
    shim = bin_dir / "realpolitik"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m realpolitik "$@"\n')
    shim.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"),
                                           os.environ.get("PYTHONPATH", "")]).rstrip(":"),
               MPLBACKEND="Agg")
    return folder, env


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_the_tour_lists_commands():
    lines = _tour_lines()
    assert len(lines) >= 10 and all(line.startswith("realpolitik ") for line in lines)


def test_every_tour_command_runs_as_written(tour_dir):
    folder, env = tour_dir
    for line in _tour_lines():
        if line.split()[1] == "serve":
            if _port_open(8501):
                pytest.fail("port 8501 is taken: the README's `serve` cannot be tried")
            proc = subprocess.Popen(["bash", "-c", f"exec {line}"], cwd=folder, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    start_new_session=True)
            try:
                deadline = time.monotonic() + 90
                while not _port_open(8501) and time.monotonic() < deadline:
                    assert proc.poll() is None, proc.stderr.read().decode()
                    time.sleep(0.5)
                assert _port_open(8501), f"`{line}` did not start listening on 8501"
            finally:
                stop_process_group(proc)
            continue
        done = subprocess.run(["bash", "-c", line], cwd=folder, env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, f"`{line}` exited {done.returncode}: {done.stderr}"
        assert done.stdout.strip(), f"`{line}` printed nothing"
        assert "Traceback" not in done.stderr and "Warning" not in done.stderr, done.stderr
    assert (folder / "report.html").stat().st_size > 10_000
    assert (folder / "territory.svg").read_text().lstrip().startswith("<?xml")


def test_the_python_tour_runs_as_written(tour_dir):
    folder, env = tour_dir
    code = _block("From Python:", "python")
    done = subprocess.run([sys.executable, "-c", code], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
