"""Speed of KTAB's SMP: whole runs (to convergence) and turns per second.

    python benchmarks/bench_smp.py [--cases 10x1,40x2,60x4,100x1,250x3,1000x3]

Generated scenarios (positions and saliences uniform on KTAB's 0–100 scales, saliences
scaled to a total of at most 100, capabilities 10–200), compiled once before timing.
smpc's own times (2-core machine, from the specification §10): 7×3 0.15 s, 13×2 0.34 s,
26×1 2.5 s, 27×6 3.8 s, 40×2 9.2 s, 60×4 91 s, 100×1 858 s.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from realpolitik.models import _smp_kernel as K

SMPC = {(7, 3): 0.15, (13, 2): 0.34, (26, 1): 2.5, (27, 6): 3.8, (40, 2): 9.2, (60, 4): 91.0,
        (100, 1): 858.0}
DEFAULT = (0, 0, 0, 2, 1, 1, 1, 1, 0)


def case(n: int, m: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 100, (n, m)).round(2) / 100.0
    s = rng.uniform(1, 100, (n, m))
    s = (s / s.sum(axis=1, keepdims=True) * rng.uniform(50, 100, (n, 1))).round(2) / 100.0
    c = rng.uniform(10, 200, n).round(3)
    return np.ascontiguousarray(x), np.ascontiguousarray(s), c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", default="7x3,13x2,26x1,27x6,40x2,60x4,100x1,10x1,100x6,250x3,"
                                       "1000x3")
    args = ap.parse_args()
    x, s, c = case(5, 2)
    K.run(x, s, c, np.eye(5), True, DEFAULT, np.zeros((K.MAX_TURNS, 5)))  # compile
    print("| actors × dims | turns | run (s) | turns/s | smpc (s) | smpc / realpolitik |")
    print("|---|---:|---:|---:|---:|---:|")
    for spec in args.cases.split(","):
        n, m = (int(v) for v in spec.split("x"))
        x, s, c = case(n, m)
        t = time.perf_counter()
        out = K.run(x, s, c, np.eye(n), True, DEFAULT, np.zeros((K.MAX_TURNS, n)))
        seconds = time.perf_counter() - t
        turns = out[0].shape[0] - 1
        ref = SMPC.get((n, m))
        ratio = f"{ref / seconds:,.0f}×" if ref else ""
        print(f"| {n} × {m} | {turns} | {seconds:.3f} | {turns / seconds:,.1f} | "
              f"{ref if ref else ''} | {ratio} |", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory of the whole benchmark: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
