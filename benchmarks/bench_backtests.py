"""Time the DEU backtest (every registered model × three capability schemes on 351 issues),
the Russia–Japan backtest and the application of the five what-ifs.

Usage: PYTHONPATH=src python benchmarks/bench_backtests.py [PATH_TO_deu3.csv] [--repeat N]
Prints the best of N wall-clock timings per task (the machine may be loaded).
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import realpolitik
from realpolitik import scenarios
from realpolitik.analysis.backtest import deu_backtest, russia_japan_backtest
from realpolitik.analysis.whatif import apply, builtin_overlays, load_overlay
from realpolitik.io.deu import read_deu

ROOT = Path(__file__).resolve().parents[1]


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("deu", nargs="?", default=str(ROOT.parent / "shared/data/deu/deu3.csv"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"python {platform.python_version()}, models: {', '.join(realpolitik.models())}")
    data = read_deu(args.deu)
    print(f"read DEU ({len(data.issue_ids)} issues): "
          f"{best(lambda: read_deu(args.deu), args.repeat) * 1e3:.1f} ms")
    print(f"DEU backtest, all models x 3 schemes: "
          f"{best(lambda: deu_backtest(data), args.repeat) * 1e3:.1f} ms")
    for m in realpolitik.models():
        print(f"  {m}, 3 schemes: "
              f"{best(lambda m=m: deu_backtest(data, [m]), args.repeat) * 1e3:.1f} ms")
    if "russia-japan" in scenarios.names():
        base = scenarios.load("russia-japan")
        overlays = [load_overlay(n) for n in builtin_overlays()]
        print(f"apply 5 what-ifs: "
              f"{best(lambda: [apply(base, o) for o in overlays], args.repeat) * 1e3:.1f} ms")
        print(f"Russia-Japan backtest, all models x 3 snapshots: "
              f"{best(russia_japan_backtest, args.repeat) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
