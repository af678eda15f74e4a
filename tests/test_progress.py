"""Progress on stderr: a bar when stderr is a terminal (tested in a pseudo-terminal), nothing
otherwise, the same stdout either way; a notice before a kernel's first compile."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from realpolitik.analysis import TICKS, Steps
from realpolitik.templates import example_files

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": SRC, "TERM": "xterm", "COLUMNS": "120",
           "MPLBACKEND": "Agg", **extra}
    env.pop("NO_COLOR", None)
    return env


def run_in_pty(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, bytes, str]:
    """Run the command line with stderr on a pseudo-terminal and stdout on a pipe:
    (exit code, stdout bytes, what the terminal showed)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "realpolitik", *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=slave, env=env, cwd=cwd)
    os.close(slave)
    shown = bytearray()
    out = bytearray()
    streams = {master: shown, proc.stdout.fileno(): out}
    while streams:
        ready, _, _ = select.select(list(streams), [], [], 600)
        if not ready:
            proc.kill()
            raise AssertionError(f"{args} produced nothing for 600 s")
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the terminal closes with EIO once the child exits
                chunk = b""
            if chunk:
                streams[fd].extend(chunk)
            else:
                del streams[fd]
    os.close(master)
    code = proc.wait(timeout=60)
    return code, bytes(out), shown.decode("utf-8", "replace")


def run_piped(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "realpolitik", *args], capture_output=True,
                          env=env, cwd=cwd, timeout=600)


CASES = [
    (["backtest", "russia-japan", "-m", "compromise", "-m", "median"],
     "backtest: model runs"),
    (["whatif", "000", "-m", "compromise", "--draws", "64"], "what-ifs"),
    (["sensitivity", "-m", "compromise"], "tornado: compromise runs"),
    (["report", "-m", "compromise", "--draws", "64", "-o", "r.html"], "report"),
    (["simulate", "-m", "compromise", "-n", "64"], "simulating"),
    (["deal", "-n", "64"], "deal draws"),
    (["levers", "-n", "16", "--top", "3"], "levers over draws"),
    (["backtest", "deu", "deu-sample.tsv", "-m", "compromise", "-m", "median"],
     "DEU backtest: model runs and bootstraps"),
    (["backtest", "whether", "-n", "64"], "whether backtest: cases"),
]


@pytest.mark.parametrize(("args", "label"), CASES, ids=[" ".join(c[0][:2]) for c in CASES])
def test_a_bar_on_a_terminal_nothing_on_a_pipe_and_the_same_stdout(tmp_path, args, label):
    env = _env()
    (tmp_path / "deu-sample.tsv").write_text(example_files()["deu-sample.tsv"], "utf-8")
    code, out, shown = run_in_pty(args, env, tmp_path)
    assert code == 0, shown
    assert label in shown and "%" in shown, shown[-2000:]
    assert "\x1b[" in shown  # drawn for a terminal (cursor moves, colours)
    assert "Traceback" not in shown
    report = tmp_path / "r.html"
    first = report.read_bytes() if report.exists() else None
    piped = run_piped(args, env, tmp_path)
    assert piped.returncode == 0
    assert piped.stderr == b""
    assert piped.stdout == out
    if first is not None:
        assert report.read_bytes() == first


def test_no_progress_silences_a_terminal(tmp_path):
    code, _, shown = run_in_pty(["backtest", "russia-japan", "-m", "compromise",
                                 "--no-progress"], _env(), tmp_path)
    assert code == 0
    assert shown == ""


def test_the_compile_notice_comes_once_per_cache(tmp_path):
    """A fresh Numba cache: the first run says it compiles the BDM kernel, the second (a
    fresh process on the same cache) does not; stdout is the same."""
    env = _env(NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    args = ["forecast", "-m", "bdm", "-f", "json"]
    code, first, shown = run_in_pty(args, env, tmp_path)
    assert code == 0
    assert "compiling the bdm kernel once (about" in shown
    assert "later runs use the cache" in shown
    assert list((tmp_path / "numba").rglob("*.nbi"))  # the cache it spoke of exists
    code, second, shown = run_in_pty(args, env, tmp_path)
    assert code == 0
    assert "compiling" not in shown
    assert second == first
    piped = run_piped(args, env, tmp_path)  # not a terminal: no notice either
    assert piped.stderr == b"" and piped.stdout == first


def test_uncompiled_names_only_models_with_a_kernel(tmp_path):
    code = ("from realpolitik.models import uncompiled\n"
            "print(uncompiled(['compromise', 'median', 'nash']))\n"
            "print([n for n, _, _ in uncompiled(['bdm', 'smp', 'stack'], batch=True)])\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=_env(NUMBA_CACHE_DIR=str(tmp_path)), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["[]", "['bdm', 'smp', 'exchange']"]


def test_steps_split_one_bar_among_weighted_parts():
    seen: list[tuple[int, int]] = []
    steps = Steps(lambda d, t: seen.append((d, t)), [1.0, 3.0])
    steps.done(0)
    part = steps.part(1)
    assert part is not None
    part(1, 2)
    steps.done(1)
    assert seen == [(0, TICKS), (250, TICKS), (625, TICKS), (TICKS, TICKS)]
    quiet = Steps(None, [1.0])
    assert quiet.part(0) is None
    quiet.done(0)  # nothing to call
