"""Monte Carlo throughput: draws per second for each model, and how cost grows.

    python benchmarks/bench_montecarlo.py [--quick]

1. 10,000 draws of every model on the Russia–Japan scenario (its declared ranges plus
   --widen 0.1), through `simulate` (sampling + the model's batch kernel).
2. `compromise` and `median` on synthetic scenarios of 10, 100 and 1,000 actors × 1, 5 and
   10 issues, and the exponent of cost in actors, issues and draws (least squares on logs).
3. 10,000 draws of BDM (10 rounds) on the emission-standards case (target < 0.4 s).
Peak resident memory is printed at the end. Each timing is the best of a few runs after a
warm-up (compilation excluded).
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np

import realpolitik as rp
from realpolitik.analysis.montecarlo import simulate
from realpolitik.models import names

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def best(fn, repeat: int = 3) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def synthetic(n_actors: int, n_issues: int, seed: int = 0) -> rp.Scenario:
    rng = np.random.default_rng(seed)
    return rp.Scenario.model_validate({
        "name": f"syn-{n_actors}x{n_issues}",
        "actors": [{"id": f"a{k}", "name": f"a{k}", "capability": float(rng.uniform(0.1, 1))}
                   for k in range(n_actors)],
        "issues": [{"id": f"i{k}", "name": f"i{k}"} for k in range(n_issues)],
        "stances": [{"actor": f"a{a}", "issue": f"i{i}",
                     "position": float(rng.uniform(0, 100)),
                     "salience": float(rng.uniform(0.1, 1))}
                    for a in range(n_actors) for i in range(n_issues)],
    })


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer draws for slow models")
    args = ap.parse_args()
    rj = rp.load("russia-japan")
    print("## Russia–Japan scenario, declared ranges + widen 0.1\n")
    print("| model | draws | seconds | draws/s |")
    print("|---|---:|---:|---:|")
    for model in names():
        draws = (200 if args.quick else 1_000) if model in ("smp", "exchange") else 10_000
        seconds = best(lambda m=model, d=draws: simulate(rj, m, d, 1, widen=0.1),
                       repeat=3 if draws >= 10_000 else 1)
        print(f"| {model} | {draws:,} | {seconds:.3f} | {draws / seconds:,.0f} |", flush=True)

    print("\n## Synthetic scenarios, 10,000 draws\n")
    print("| model | actors | issues | seconds | draws/s |")
    print("|---|---:|---:|---:|---:|")
    rows = []
    for model in ("compromise", "median"):
        for n_a in (10, 100, 1000):
            for n_i in (1, 5, 10):
                sc = synthetic(n_a, n_i)
                s = best(lambda sc=sc, m=model: simulate(sc, m, 10_000, 1, widen=0.1),
                         repeat=2)
                rows.append((model, n_a, n_i, 10_000, s))
                print(f"| {model} | {n_a} | {n_i} | {s:.3f} | {10_000 / s:,.0f} |",
                      flush=True)
    sc = synthetic(100, 5)
    for draws in (1_000, 4_000, 16_000):
        s = best(lambda d=draws: simulate(sc, "compromise", d, 1, widen=0.1), repeat=2)
        rows.append(("compromise", 100, 5, draws, s))
    print("\nCost exponents (seconds ∝ actors^a · issues^b · draws^c), least squares on logs:")
    for model in ("compromise", "median"):
        sel = [r for r in rows if r[0] == model and r[1] >= 100]
        varies = len({r[3] for r in sel}) > 1  # draws vary only in the compromise rows
        x = np.array([[1, np.log(r[1]), np.log(r[2])] + ([np.log(r[3])] if varies else [])
                      for r in sel])
        y = np.log([r[4] for r in sel])
        coef = np.linalg.lstsq(x, y, rcond=None)[0]
        draws_part = f" · draws^{coef[3]:.2f}" if varies else ""
        print(f"- {model}: actors^{coef[1]:.2f} · issues^{coef[2]:.2f}{draws_part}"
              " (100 and 1,000 actors)")
    csv = SHARED / "bdm" / "emission_standards.csv"
    if csv.exists():
        sc = rp.load(csv)
        s = best(lambda: simulate(sc, "bdm", 10_000, 1, widen=0.1))
        print(f"\nBDM, emission standards, 10,000 draws × 10 rounds via simulate: {s:.3f} s "
              f"(target 0.4 s)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
