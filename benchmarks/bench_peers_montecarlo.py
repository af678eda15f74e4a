"""Monte Carlo of BDM against the schelling engine: 10,000 draws of the emission-standards case.

    python benchmarks/bench_peers_montecarlo.py [--draws 10000] [--repeat 3] [--peers-dir DIR]

schelling (github.com/hamzagul07/schelling, AGPL-3.0, Python 3.12) is a Python BDM engine
with its own Monte Carlo layer; benchmarks/peers/setup_schelling.sh sets it up outside the
repository and benchmarks/peers/schelling_runner.py drives it. Three comparisons:

1. Speed: ``realpolitik simulate CSV -m bdm -n 10000 --widen 0.1`` (whole process, and
   ``rp.simulate`` in-process) against schelling's ``run_monte_carlo`` on the same case with
   the same ±10 % ranges as triangular estimates (its own sampler and stopping rule).
2. The same 10,000 draws (drawn by realpolitik's sampler) solved by both engines: the
   headline forecast of each draw compared, with schelling's default stopping rule and with
   it run for exactly 10 rounds as realpolitik's BDM is.
3. The undisturbed case round by round: each engine's median after every round.

The models are not the same model (see BENCHMARKS.md), so the draws are compared to say
where and how much they differ, not checked for equality.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import realpolitik as rp  # noqa: E402
from bench_peers import peers_dir, realpolitik_env, run_process, shared_dir  # noqa: E402
from realpolitik.analysis.uncertainty import sample, uncertain_inputs  # noqa: E402
from realpolitik.models import get  # noqa: E402

WIDEN = 0.1


def summary(values: np.ndarray) -> str:
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return f"mean {values.mean():.3f}, p10 {p10:.3f}, median {p50:.3f}, p90 {p90:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--peers-dir", default=None)
    ap.add_argument("--no-peers", action="store_true", help="realpolitik's side only")
    a = ap.parse_args()
    csv_path = shared_dir() / "data" / "bdm" / "emission_standards.csv"
    base = peers_dir(a.peers_dir) / "schelling"
    py = Path(os.environ.get("SCHELLING_PYTHON", base / "venv" / "bin" / "python"))
    scenario = rp.load(csv_path)
    issue = scenario.issues[0]
    lo, hi = issue.scale.min, issue.scale.max
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average "
          f"{', '.join(f'{v:.2f}' for v in os.getloadavg())}; {a.draws:,} draws, "
          f"widen {WIDEN} (positions ±{WIDEN * (hi - lo):g} on {lo:g}–{hi:g}, salience "
          f"±{WIDEN} on 0–1, capability ±{WIDEN:.0%})\n")

    # 1. realpolitik's Monte Carlo, whole process and in-process
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "realpolitik", "simulate", str(csv_path), "-m", "bdm",
               "-n", str(a.draws), "--widen", str(WIDEN), "--seed", str(a.seed), "-f", "json",
               "-o", str(Path(tmp) / "mc.json"), "--no-progress"]
        runs = [run_process(cmd, env=realpolitik_env()) for _ in range(a.repeat)]
        if any(r.returncode for r in runs):
            raise SystemExit(f"realpolitik simulate failed: {runs[0].stderr}")
    cli_s = statistics.median(r.seconds for r in runs)
    cli_cpu = statistics.median(r.cpu_s for r in runs)
    t = time.perf_counter()
    rp.simulate(scenario, "bdm", draws=a.draws, seed=a.seed, widen=WIDEN)
    first = time.perf_counter() - t
    later, later_cpu = [], []
    for _ in range(a.repeat):
        t, c = time.perf_counter(), time.process_time()
        mc = rp.simulate(scenario, "bdm", draws=a.draws, seed=a.seed, widen=WIDEN)
        later.append(time.perf_counter() - t)
        later_cpu.append(time.process_time() - c)
    ours_mc = mc.forecasts[:, 0]

    # 2. one set of draws for both engines
    batch = sample(scenario, a.draws, np.random.default_rng(a.seed), widen=WIDEN)
    ours = get("bdm").forecast_batch(batch)[:, 0]
    point = rp.forecast(scenario, model="bdm")
    ranges = []
    inputs = uncertain_inputs(scenario, WIDEN)
    for k in range(len(scenario.actors)):
        r = {}
        for u in inputs:
            if u.actor == k:
                r[u.kind] = [max(u.dist.low, u.lower), min(u.dist.high, u.upper)]
        ranges.append(r)
    base_batch = scenario.batch()
    payload = {
        "names": [x.name for x in scenario.actors], "seed": a.seed, "n_draws": a.draws,
        "point": {"capability": base_batch.capability[0].tolist(),
                  "position": base_batch.position[0, :, 0].tolist(),
                  "salience": base_batch.salience[0, :, 0].tolist()},
        "ranges": ranges,
        "draws": {"capability": batch.capability.tolist(),
                  "position": batch.position[:, :, 0].tolist(),
                  "salience": batch.salience[:, :, 0].tolist()},
    }
    print("| engine | what | seconds (CPU s) | forecast over the draws |")
    print("|---|---|---:|---|")
    print(f"| realpolitik | `realpolitik simulate -m bdm -n {a.draws} --widen {WIDEN}`, whole "
          f"process (median of {a.repeat}) | {cli_s:.2f} ({cli_cpu:.2f}) | {summary(ours_mc)} |")
    print(f"| realpolitik | `rp.simulate`, in-process (1st call / median of {a.repeat} more) | "
          f"{first:.3f} / {statistics.median(later):.3f} ({statistics.median(later_cpu):.3f})"
          " | |")
    print(f"| realpolitik | BDM kernel on the shared draws | | {summary(ours)} |")
    if a.no_peers or not py.exists():
        print(f"\nschelling not set up ({py} missing): run benchmarks/peers/setup_schelling.sh "
              "SCHELLING_GIT (needs Python 3.12)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.json", Path(tmp) / "out.json"
        src.write_text(json.dumps(payload))
        env = dict(os.environ, PYTHONPATH=str(base / "src" / "src"))
        t = time.perf_counter()
        run = run_process([str(py), str(HERE / "peers" / "schelling_runner.py"), str(src),
                           str(dst)], env=env, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - t
        if run.returncode:
            raise SystemExit(f"schelling failed: {run.stderr}")
        theirs = json.loads(dst.read_text())
    own = theirs["own_mc"]
    print(f"| schelling | `run_monte_carlo`, {a.draws} draws, its triangular sampler and "
          f"stopping rule | {own['seconds']:.2f} ({own['cpu_s']:.2f}) | "
          f"{summary(np.array(own['medians']))} |")
    width = hi - lo
    for label, res in theirs["configs"].items():
        med = np.array(res["medians"])
        print(f"| schelling | solver on the shared draws, {label} (mean "
              f"{np.mean(res['rounds']):.1f} rounds) | {res['seconds']:.2f} ({res['cpu_s']:.2f}) | "
              f"{summary(med)} |")
    print(f"\nschelling child process: {wall:.1f} s in all, peak {run.peak_mib:.0f} MiB\n")
    print("Shared draws, draw by draw (difference of the headline forecasts, in units of the "
          f"{lo:g}–{hi:g} scale):\n")
    print("| schelling run | draws equal (≤ 1e-6 of scale) | median abs diff | p90 abs diff | "
          "max abs diff |")
    print("|---|---:|---:|---:|---:|")
    for label, res in theirs["configs"].items():
        d = np.abs(np.array(res["medians"]) - ours) / width
        print(f"| {label} | {np.mean(d <= 1e-6):.1%} | {np.median(d):.3f} | "
              f"{np.percentile(d, 90):.3f} | {d.max():.3f} |")
    print("\nUndisturbed case, median after each round:\n")
    ours_med = list(point.issue_fields[issue.id]["median"])
    print("| round | realpolitik | " + " | ".join(f"schelling, {k}" for k in theirs["configs"])
          + " |")
    print("|---:|---:|" + "---:|" * len(theirs["configs"]))
    n_rounds = max(len(ours_med) - 1, *(len(r["point_medians"]) for r in
                                        theirs["configs"].values()))
    for t_ in range(1, n_rounds + 1):
        cells = [f"{ours_med[t_]:.3f}" if t_ < len(ours_med) else ""]
        for res in theirs["configs"].values():
            pm = res["point_medians"]
            cells.append(f"{pm[t_ - 1]:.3f}" if t_ - 1 < len(pm) else "")
        print(f"| {t_} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
