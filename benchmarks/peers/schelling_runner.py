"""Run the schelling engine (github.com/hamzagul07/schelling) on draws written by
benchmarks/bench_peers_montecarlo.py. Runs under that engine's own Python 3.12 venv
(benchmarks/peers/setup_schelling.sh), with its ``src`` folder on PYTHONPATH; it imports the
engine and never realpolitik.

    python schelling_runner.py IN.json OUT.json

IN.json: ``names``, ``point`` (capability, position, salience per actor, salience on 0–1),
``ranges`` (per actor and field, [low, high] for the engine's own triangular sampler),
``draws`` (capability[N][A], position[N][A], salience[N][A]), ``seed``, ``n_draws``.
OUT.json: per configuration the headline median of every draw, rounds run and seconds, and
the engine's own Monte Carlo (its sampler, its stopping rule) with its seconds.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
from schelling.mc.monte_carlo import run_monte_carlo
from schelling.schemas.question import Continuum, GameSpec
from schelling.schemas.stakeholders import Actor, TriangularEstimate
from schelling.solver.config import SolverConfig
from schelling.solver.model import run


def game(names, cap, pos, sal, ranges=None) -> GameSpec:
    """A GameSpec; the engine takes salience on 0–100, so 0–1 inputs are scaled by 100."""
    def est(k, field, mode, scale=1.0):
        if ranges is None:
            return TriangularEstimate.point(mode * scale)
        lo, hi = ranges[k][field]
        return TriangularEstimate(low=lo * scale, mode=mode * scale, high=hi * scale)

    actors = [Actor(id=f"a{k}", name=name, position=est(k, "position", pos[k]),
                    salience=est(k, "salience", sal[k], 100.0),
                    capability=est(k, "capability", cap[k]))
              for k, name in enumerate(names)]
    return GameSpec(question_id="bench", frozen_at="1994-01-01",
                    continuum=Continuum(label="bench", anchor_0="low", anchor_100="high"),
                    actors=actors, template="multilateral_bargaining", horizon="one_shot")


def main() -> None:
    with open(sys.argv[1]) as f:
        data = json.load(f)
    names = data["names"]
    configs = {
        "default": SolverConfig(),  # its own stopping rule: median still for 2 rounds, cap 20
        "10 rounds": SolverConfig(max_rounds=10, convergence_patience=10),  # never stops early
    }
    out: dict = {"configs": {}}
    p = data["point"]
    for label, cfg in configs.items():
        res = run(game(names, p["capability"], p["position"], p["salience"]), cfg)
        draws = data["draws"]
        n = len(draws["position"])
        medians, rounds = np.empty(n), np.empty(n, dtype=int)
        t, c = time.perf_counter(), time.process_time()
        for i in range(n):
            r = run(game(names, draws["capability"][i], draws["position"][i],
                         draws["salience"][i]), cfg)
            medians[i], rounds[i] = r.forecast_median, r.rounds_executed
        seconds, cpu = time.perf_counter() - t, time.process_time() - c
        out["configs"][label] = {
            "seconds": seconds, "cpu_s": cpu, "medians": medians.tolist(),
            "rounds": rounds.tolist(),
            "point_medians": [lg.weighted_median for lg in res.rounds],
            "point_positions": [[lg.positions[f"a{k}"] for k in range(len(names))]
                                for lg in res.rounds],
        }
    g = game(names, p["capability"], p["position"], p["salience"], data["ranges"])
    t, c = time.perf_counter(), time.process_time()
    mc = run_monte_carlo(g, n_draws=data["n_draws"], seed=data["seed"])
    out["own_mc"] = {"seconds": time.perf_counter() - t, "cpu_s": time.process_time() - c,
                     "medians": mc.median_distribution.tolist(),
                     "rounds": mc.rounds_executed.tolist()}
    with open(sys.argv[2], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
