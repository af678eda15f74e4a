"""Speed of the exchange model: 10 rounds at 6×3 … 250×20 actors × issues.

    python benchmarks/bench_exchange.py [--sizes 6x3,12x4,25x6,40x8,100x10,250x20]

Each case is a generated scenario (positions on multiples of 10, salience and capability on
0.1 steps, about 10 % of stances missing), written in the decide format. "process" times
the whole command `python -m realpolitik forecast FILE -m exchange -f json` (start-up,
reading, 10 rounds, JSON output), the way the reference's published timings were taken
(docs/model-exchange.md §7: 6×3 5 s, 11×7 9 s, 25×6 25 s, 40×8 126 s); "model" times the
10 rounds in-process.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import realpolitik as rp
from realpolitik.io.decide import dump


def generated(n_actors: int, n_issues: int, seed: int = 0) -> rp.Scenario:
    rng = np.random.default_rng(seed)
    stances = [
        {"actor": f"a{a}", "issue": f"i{i}", "position": float(rng.integers(0, 11) * 10),
         "salience": float(rng.integers(1, 11) / 10)}
        for a in range(n_actors) for i in range(n_issues) if rng.random() > 0.1
    ]
    return rp.Scenario.model_validate({
        "name": f"gen-{n_actors}x{n_issues}",
        "actors": [{"id": f"a{a}", "name": f"a{a}", "capability": float(rng.integers(1, 11) / 10)}
                   for a in range(n_actors)],
        "issues": [{"id": f"i{i}", "name": f"i{i}"} for i in range(n_issues)],
        "stances": stances,
    })


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="6x3,12x4,25x6,40x8,100x10,250x20")
    args = ap.parse_args()
    print("| actors × issues | exchanges in round 1 | model, 10 rounds (s) | whole process (s) |")
    print("|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            n_a, n_i = (int(v) for v in size.split("x"))
            sc = generated(n_a, n_i)
            t = time.perf_counter()
            result = rp.forecast(sc, model="exchange")
            model_s = time.perf_counter() - t
            n1 = sum(1 for e in result.fields["exchanges"] if e["round"] == 1)
            path = Path(tmp) / f"{size}.csv"
            path.write_text(dump(sc))
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "realpolitik", "forecast", str(path), "-m",
                            "exchange", "-f", "json", "-o", str(Path(tmp) / "out.json")],
                           check=True)
            process_s = time.perf_counter() - t
            print(f"| {n_a} × {n_i} | {n1} | {model_s:.2f} | {process_s:.2f} |", flush=True)


if __name__ == "__main__":
    main()
