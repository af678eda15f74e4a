"""The agreement model: P(deal) over 10,000 draws, and the lever search.

    python benchmarks/bench_agreement.py [SCENARIO]

1. 10,000 draws of the scenario (default: the built-in Russia–Japan scenario), its declared
   ranges and with widen 0.1: P(deal) only (the feasibility search), and P(deal) with the
   package of every draw (target ≤ 1 s in-process).
2. The lever search (`realpolitik levers`): single changes and pairs (target ≤ 10 s).
3. The same for each built-in snapshot.
Each timing is the best of three runs after a warm-up (compilation excluded), as wall-clock
seconds and as process CPU seconds (the sum over threads: on a machine shared with other
jobs, CPU time is what the run itself costs; with NUMBA_NUM_THREADS=1 it is the one-core
wall time of a quiet machine). The load average is printed at the start and the end.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

import realpolitik as rp
from realpolitik.analysis.deal import deal_draws
from realpolitik.analysis.levers import find_levers
from realpolitik.analysis.uncertainty import sample, uncertain_inputs
from realpolitik.analysis.whatif import apply, builtin_overlays, load_overlay
from realpolitik.models import agreement


def best(fn, repeat: int = 3) -> str:
    fn()
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return f"{min(wall):.3f} (CPU {min(cpu):.3f})"


def bench(name: str, sc: rp.Scenario) -> None:
    for widen in (0.0, 0.1):
        p_deal = float(deal_draws(sc, 10_000, 0, widen=widen)[0].mean())
        whole = best(lambda w=widen: deal_draws(sc, 10_000, 0, widen=w))
        batch = sample(sc, 10_000, np.random.default_rng(0), uncertain_inputs(sc, widen))
        feasible = best(lambda b=batch: agreement.solve(b, package=False))
        print(f"| {name} | {widen:g} | {p_deal:.3f} | {feasible} | {whole} |")
    levers = best(lambda: find_levers(sc), repeat=1)
    print(f"| {name} | levers | | | {levers} |")


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> None:
    sc = rp.load(sys.argv[1]) if len(sys.argv) > 1 else rp.load("russia-japan")
    print(f"load average (1, 5, 15 min) at the start: {load()}")
    print("| scenario | widen | P(deal) | feasibility only, s | P(deal) + package "
          "(sampling included), s |")
    print("|---|---|---|---|---|")
    bench(sc.name, sc)
    if len(sys.argv) == 1:
        for snap in builtin_overlays("russia-japan", "snapshots"):
            bench(snap, apply(sc, load_overlay(snap)))
    print(f"load average at the end: {load()}")


if __name__ == "__main__":
    main()
