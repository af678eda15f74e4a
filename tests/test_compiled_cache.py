"""The compiled kernels' on-disk cache, across processes.

The suite otherwise compiles and calls each kernel in one process and so never loads a cache
entry written by another. Here every command runs in a fresh interpreter on a fresh cache:
the first pass writes it (``forecast`` first, so ``simulate`` compiles against kernels
loaded from the cache — what once wrote an SMP entry that crashed when loaded), the second
reads it; both must exit 0 with the same bytes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from realpolitik.models import names

ROOT = Path(__file__).resolve().parents[1]
DRAWS = "4"


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env.update(PYTHONPATH=str(ROOT / "src"), MPLBACKEND="Agg", NUMBA_NUM_THREADS="2",
               TMPDIR=str(tmp), **extra)
    return env


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "realpolitik", *args], env=env, text=True,
                          capture_output=True, timeout=900, check=False)


def _commands() -> list[tuple[str, ...]]:
    return [("forecast", "-f", "json", "--seed", "1"),
            *[("simulate", "-m", m, "-n", DRAWS, "-f", "json") for m in names()]]


def _pass(env: dict[str, str]) -> list[str]:
    out = []
    for cmd in _commands():
        r = _cli(env, *cmd)
        assert r.returncode == 0, f"{' '.join(cmd)} exited {r.returncode}: {r.stderr[-2000:]}"
        out.append(r.stdout)
    return out


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> list[str]:
    """Every command's output with a fresh cache, written as it runs."""
    tmp = tmp_path_factory.mktemp("cache")
    env = _env(tmp, NUMBA_CACHE_DIR=str(tmp / "numba"))
    first = _pass(env)
    assert any((tmp / "numba").rglob("*.nbi")), "nothing was cached"
    return [first, _pass(env)]


def test_every_model_writes_then_reads_the_cache(reference):
    first, second = reference
    assert len(first) == len(names()) + 1
    for cmd, a, b in zip(_commands(), first, second, strict=True):
        assert a == b, f"{' '.join(cmd)}: output differs when read from the cache"
        assert a.strip(), f"{' '.join(cmd)} printed nothing"


def test_numba_disable_jit_runs_the_same_kernels_as_python(tmp_path, reference):
    """NUMBA_DISABLE_JIT=1 (Numba's debugging switch) runs every kernel as plain Python, with
    the same output byte for byte: no kernel depends on compiled-only behaviour."""
    env = _env(tmp_path, NUMBA_DISABLE_JIT="1", NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    assert _pass(env) == reference[0]


def _read_only_copy(tmp: Path) -> Path:
    """The package copied under ``tmp``, with a ``__pycache__`` that cannot be a directory
    (a file of that name: unwritable even for root) beside every module."""
    src = tmp / "src"
    shutil.copytree(ROOT / "src" / "realpolitik", src / "realpolitik",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for d in (src / "realpolitik").rglob("*"):
        if d.is_dir():
            (d / "__pycache__").write_text("")
    (src / "realpolitik" / "__pycache__").write_text("")
    return src


def test_no_cache_location_falls_back_to_a_private_directory(tmp_path, reference):
    """Numba finds no writable place (no NUMBA_CACHE_DIR, no package ``__pycache__``, no
    user cache directory): import and run anyway, caching in the private fallback."""
    src = _read_only_copy(tmp_path)
    blocked = tmp_path / "home-file"
    blocked.write_text("")  # a file: no directory can be made below it
    env = _env(tmp_path, HOME=str(blocked), XDG_CACHE_HOME=str(blocked / "cache"))
    env["PYTHONPATH"] = str(src)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    probe = subprocess.run(
        [sys.executable, "-c",
         "from numba.core.caching import FunctionCache\n"
         "from realpolitik.models._exchange_kernel import _ok\n"
         "try:\n    FunctionCache(_ok.py_func)\nexcept RuntimeError as e:\n    print(e)\n"],
        env=env, text=True, capture_output=True, timeout=300, check=False)
    assert probe.returncode == 0, probe.stderr[-2000:]
    assert "no locator available" in probe.stdout, "the test did not block Numba's locators"
    cmd = ("simulate", "-m", "bdm", "-n", DRAWS, "-f", "json")
    for _ in range(2):  # write the fallback cache, then read it
        r = _cli(env, *cmd)
        assert r.returncode == 0, r.stderr[-2000:]
        assert r.stdout == reference[0][_commands().index(cmd)]
    fallback = tmp_path / f"realpolitik-numba-{os.getuid()}"
    assert any(fallback.rglob("_bdm_kernel.*.nbi")), "the fallback directory was not used"


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_fallback_refuses_a_directory_others_can_write(tmp_path, monkeypatch):
    from realpolitik.models import _jit

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    path = tmp_path / f"realpolitik-numba-{os.getuid()}"
    path.mkdir(mode=0o777)
    path.chmod(0o777)
    assert _jit.fallback_dir() is None
    path.chmod(0o700)
    assert _jit.fallback_dir() == str(path)


def _as_other_user() -> list[str] | None:
    """A command prefix that runs as a non-root user, or None when there is none to use.
    As root: ``nobody`` through setpriv, keeping only the right to read and search (the
    interpreter may live under root's home), never to write."""
    if not hasattr(os, "getuid"):
        return None
    if os.getuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
              "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"]
    ok = subprocess.run([*prefix, sys.executable, "-c", "import numba"], capture_output=True,
                        timeout=120, check=False)
    return prefix if ok.returncode == 0 else None


def test_read_only_install_as_a_non_root_user(tmp_path, reference):
    """The package in a directory nobody may write, run by a user whose home cannot hold a
    cache (``nobody``'s is /nonexistent): imports, runs, and caches in the fallback."""
    prefix = _as_other_user()
    if prefix is None:
        pytest.skip("no non-root user to run as")
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "realpolitik", src / "realpolitik",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    tmp.chmod(0o1777)
    for p in [src, *src.rglob("*")]:
        p.chmod(0o555 if p.is_dir() else 0o444)
    home = "/nonexistent" if prefix else str(tmp_path / "home-file")
    if not prefix:
        Path(home).write_text("")
    env = _env(tmp, HOME=home, XDG_CACHE_HOME=f"{home}/cache", PYTHONDONTWRITEBYTECODE="1")
    env["PYTHONPATH"] = str(src)
    cmd = ("simulate", "-m", "bdm", "-n", DRAWS, "-f", "json")
    try:
        for _ in range(2):
            r = subprocess.run([*prefix, sys.executable, "-m", "realpolitik", *cmd], env=env,
                               text=True, capture_output=True, timeout=900, check=False)
            assert r.returncode == 0, r.stderr[-2000:]
            assert r.stdout == reference[0][_commands().index(cmd)]
        assert any(tmp.glob("realpolitik-numba-*/**/_bdm_kernel.*.nbi")), \
            "nothing cached in the fallback"
    finally:
        for p in [src, *src.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
