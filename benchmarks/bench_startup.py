"""Start-up time of everyday commands, as ratios to ``python -c "import numpy"``.

    python benchmarks/bench_startup.py [--repeat 9] [--ktab PATH] [--check]

Each case is a whole process (``python -m realpolitik …``, output discarded). The cases run
round-robin, in a fresh random order each round, after one untimed warm-up round (which also
fills the compiled-kernel cache), so a burst of load from other jobs hits every case alike.
A case's ratio is the median over rounds of its time divided by the same round's
``import numpy`` time; the CPU ratio is the same for CPU time (user + system, the process
and its threads), which other jobs on a shared machine disturb much less than wall-clock
time. The SMP case reads KTAB's ``dummyData-a040.csv``: ``--ktab PATH``, or
``$REALPOLITIK_KTAB_A040``, or ``$REALPOLITIK_SHARED/data/ktab_smp/dummyData-a040.csv``;
without it that case is skipped. ``--check`` exits 1 when a (wall-clock) target is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

PY = sys.executable


def ktab_file(given: str | None) -> Path | None:
    candidates = [given, os.environ.get("REALPOLITIK_KTAB_A040")]
    if os.environ.get("REALPOLITIK_SHARED"):
        candidates.append(str(Path(os.environ["REALPOLITIK_SHARED"], "data", "ktab_smp",
                                   "dummyData-a040.csv")))
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    return None


def cases(ktab: Path | None) -> list[tuple[str, list[str], float | None]]:
    """(label, argv, target ratio)."""
    rp = [PY, "-m", "realpolitik"]
    out: list[tuple[str, list[str], float | None]] = [
        ('python -c "import numpy"', [PY, "-c", "import numpy"], None),
        ("realpolitik --help", [*rp, "--help"], 2.5),
        ("realpolitik scenarios", [*rp, "scenarios"], None),
        ("realpolitik forecast -m compromise", [*rp, "forecast", "-m", "compromise"], 5.0),
    ]
    if ktab is not None:
        out.append(("realpolitik forecast dummyData-a040.csv -m smp",
                    [*rp, "forecast", str(ktab), "-m", "smp"], 8.0))
    return out


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(argv: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one whole process."""
    cpu = cpu_of_children()
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed (exit {done.returncode}):\n{done.stderr}")
    return elapsed, cpu_of_children() - cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=9, help="timed rounds (default 9)")
    ap.add_argument("--ktab", help="path of KTAB's dummyData-a040.csv")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args()
    ktab = ktab_file(args.ktab)
    todo = cases(ktab)
    load_before = os.getloadavg()
    for _, argv, _ in todo:  # warm-up: page cache, compiled-kernel cache
        run(argv)
    times: dict[str, list[float]] = {label: [] for label, _, _ in todo}
    cpus: dict[str, list[float]] = {label: [] for label, _, _ in todo}
    rng = random.Random(0)
    for _ in range(args.repeat):
        order = list(todo)
        rng.shuffle(order)
        for label, argv, _ in order:
            wall, cpu = run(argv)
            times[label].append(wall)
            cpus[label].append(cpu)
    load_after = os.getloadavg()

    base = times[todo[0][0]]
    base_cpu = cpus[todo[0][0]]
    print(f"{args.repeat} rounds; load average before {', '.join(f'{x:.2f}' for x in load_before)}"
          f", after {', '.join(f'{x:.2f}' for x in load_after)} ({os.cpu_count()} cores)\n")
    print("| command | median (s) | min (s) | ratio to numpy (median) | target | met? "
          "| CPU (s) | CPU ratio |")
    print("|---|---:|---:|---:|---:|---|---:|---:|")
    missed = False
    for label, _, target in todo:
        t = times[label]
        ratio = statistics.median(x / b for x, b in zip(t, base, strict=True))
        met = "" if target is None else ("yes" if ratio <= target else "**no**")
        missed |= target is not None and ratio > target
        cpu_ratio = statistics.median(x / b for x, b in zip(cpus[label], base_cpu, strict=True))
        print(f"| `{label}` | {statistics.median(t):.3f} | {min(t):.3f} | {ratio:.2f}× | "
              f"{'' if target is None else f'≤ {target:g}×'} | {met} "
              f"| {statistics.median(cpus[label]):.3f} | {cpu_ratio:.2f}× |")
    if ktab is None:
        print("\nSMP case skipped: dummyData-a040.csv not found (--ktab, "
              "$REALPOLITIK_KTAB_A040 or $REALPOLITIK_SHARED).")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
