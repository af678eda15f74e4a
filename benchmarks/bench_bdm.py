"""Speed of the BDM model: 10 rounds at 10–1,000 actors, and a 10,000-draw batch.

    python benchmarks/bench_bdm.py [--sizes 10,25,50,100,250,1000] [--peer-max 25]

The peer is a plain-Python implementation of the reference's algorithm written for this
benchmark from the specification (docs/model-bdm.md §5.4), with Z and the dangers cached
per phase as the specification's cost note describes (the reference itself recomputes them,
about n⁶ work per round); it is measured in the same run on the same inputs and checked to
give the same medians.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from realpolitik.models import _bdm_kernel as kernel
from realpolitik.models import get
from realpolitik.scenario import Batch

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "bdm"


def random_case(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.1, 1, n), rng.uniform(0, 100, n).round(1), rng.uniform(0.1, 1, n)


def plain_python(c, x0, s, rounds=10, q=1.0):
    """The reference's arithmetic in plain Python loops, Z and dangers cached per phase."""
    n = len(x0)
    w = [c[k] * s[k] for k in range(n)]
    span = max(x0) - min(x0)
    x = list(x0)
    medians = []

    def prob_table(r):
        g = [[(abs(x[k] - x[m]) / span) ** r[k] for m in range(n)] for k in range(n)]
        z = sum(w[k] * abs(g[k][m] - g[k][l]) for k in range(n) for l in range(n)
                for m in range(n))
        p = [[0.0] * n for _ in range(n)]
        for l in range(n):
            for m in range(n):
                if x[l] != x[m]:
                    p[l][m] = sum(max(0.0, w[k] * (g[k][m] - g[k][l])) for k in range(n)) / z
        return p

    def eu(sb, p, d, rho):
        us = 2 - 4 * (0.5 - 0.5 * d) ** rho
        uf = 2 - 4 * (0.5 + 0.5 * d) ** rho
        return sb * (p * us + (1 - p) * uf) + (1 - sb) * us - q * (2 - 4 * 0.5**rho)

    for _ in range(rounds):
        p = prob_table([1.0] * n)
        dng = [sum(eu(s[i], p[j][i], abs(x[j] - x[i]) / span, 1.0) for j in range(n) if j != i)
               for i in range(n)]
        hi, lo = max(dng), min(dng)
        r = [(1 - (2 * d - hi - lo) / (hi - lo) / 3) / (1 + (2 * d - hi - lo) / (hi - lo) / 3)
             for d in dng]
        p = prob_table(r)
        new = list(x)
        for i in range(n):
            conf, comp = None, None
            for j in range(n):
                if x[j] == x[i]:
                    continue
                d = abs(x[i] - x[j]) / span
                a, b = eu(s[j], p[i][j], d, r[i]), eu(s[i], p[j][i], d, r[i])
                if b > a > 0 and (conf is None or abs(x[j] - x[i]) < conf[0]):
                    conf = (abs(x[j] - x[i]), x[j])
                elif a < 0 < b and b > abs(a):
                    kappa = (abs(a) * x[i] + abs(b) * x[j]) / (abs(a) + abs(b))
                    if comp is None or kappa < comp[0]:
                        comp = (kappa, x[i] + (x[j] - x[i]) * abs(a / b))
            if conf:
                new[i] = conf[1]
            elif comp:
                new[i] = comp[1]
        x = new
        m = x[0]
        for cand in x:
            if sum(w[k] * (abs(x[k] - m) - abs(x[k] - cand)) for k in range(n)) / span > 0:
                m = cand
        medians.append(m)
    return medians


def timed(fn, repeat=3):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10,25,50,100,250,1000")
    ap.add_argument("--peer-max", type=int, default=25)
    ap.add_argument("--draws", type=int, default=10_000)
    args = ap.parse_args()
    kernel.run_one(*random_case(5), 2, 1.0, False, False, False, False, False)  # compile
    print("| actors | rounds | realpolitik (s) | plain-Python peer (s) | peer / realpolitik |")
    print("|---:|---:|---:|---:|---:|")
    for n in (int(v) for v in args.sizes.split(",")):
        c, x, s = random_case(n)
        repeat = 3 if n <= 250 else 1
        ours, out = timed(lambda c=c, x=x, s=s: kernel.run_one(
            c, x, s, 10, 1.0, False, False, False, False, False), repeat)
        peer = ""
        ratio = ""
        if n <= args.peer_max:
            t_peer, medians = timed(lambda c=c, x=x, s=s: plain_python(
                list(c), list(x), list(s)), 1)
            assert np.allclose(medians, out[2][1:], atol=1e-9), "peer disagrees"
            peer, ratio = f"{t_peer:.3f}", f"{t_peer / ours:,.0f}×"
        print(f"| {n} | 10 | {ours:.4f} | {peer} | {ratio} |")
    csv = SHARED / "emission_standards.csv"
    if csv.exists():
        import realpolitik as rp

        sc = rp.load(csv)
        b = sc.batch()
        batch = Batch(np.repeat(b.capability, args.draws, 0), np.repeat(b.position, args.draws, 0),
                      np.repeat(b.salience, args.draws, 0), b.scale_min, b.scale_max,
                      b.status_quo)
        model = get("bdm")
        model.forecast_batch(batch.take(slice(0, 2)))
        t, _ = timed(lambda: model.forecast_batch(batch))
        print(f"\nemission standards, {args.draws:,} draws × 10 rounds in one batch: {t:.3f} s")


if __name__ == "__main__":
    main()
