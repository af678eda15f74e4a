"""Compiled search of the agreement model (see :mod:`realpolitik.models.agreement`).

One call searches every (draw, piece) pair of a batch: a piece is one convex part of the
win-set — the packages that a fixed set of judges accepts and that keep a fixed set of
single-issue bounds. Its acceptance sets are open ellipsoids (quadratic utility) or open
weighted L1 balls (linear utility), its bounds half-spaces, so a piece is convex and the
ellipsoid method (Shor; Yudin and Nemirovski; Khachiyan) applies:

* the ellipsoid E always contains the piece (every cut is a valid deep cut of a convex
  constraint), so a cut that leaves nothing (depth ≥ 1) proves the piece empty;
* while no feasible centre has been met, each cut shrinks E's volume; when the ball of E's
  volume has radius below ``rtol`` the piece holds no ball of that radius — the stated
  resolution — and is reported empty;
* once a feasible centre is met, objective cuts keep every point at least as good as the
  best centre so far (and as the best point of the pieces searched before: a piece that
  cannot beat it is left early), so the optimum and the best centre both stay in E, and
  the search stops when E's extent along every axis is below ``tol / 2``: the returned
  point is within ``tol`` of the piece's optimum on every issue.

Coordinates whose closed bounds meet in a piece (a red line ``max`` at the scale's lower
end, ``min`` = ``max``, two actors' lines meeting) are **pinned** to that value: E is then
an ellipsoid of the remaining coordinates only (its matrix has zero rows on the pinned ones;
one remaining coordinate is an interval, halved or cut like any other), so a face of zero
width is searched exactly rather than within a tolerance. Closed bounds are applied exactly
(no slack): every point returned keeps them.

Coordinates are normalised to [0, 1] per issue. Loops over draws run in parallel.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from ._jit import kernel

FEASIBLE, NASH, LOWEST, HIGHEST = 0, 1, 2, 3
EPS_TIE = 1e-7  # pull toward the status quo where the Nash product is flat


@kernel
def _phi(t: float, linear: bool) -> float:
    return abs(t) if linear else t * t


@kernel
def _dphi(t: float, linear: bool) -> float:
    if linear:
        return 0.0 if t == 0.0 else (1.0 if t > 0.0 else -1.0)
    return 2.0 * t


@kernel
def _one(s, q, rho, indiff, judges, lin_dim, lin_sign, lin_b, lin_strict, neg_j, neg_w,
         rho0, sqn, linear, mode, mode_dim, tol, rtol, pin, pin_val, max_iter, floor,
         out_point):
    """Search one piece of one draw; returns (found, objective value). Objective cuts keep
    only points at least as good as ``floor`` (the best of the pieces searched before) and
    as the best centre of this piece. Coordinates with ``pin`` stay at ``pin_val``."""
    n = s.shape[1]
    n_j = judges.shape[0]
    n_l = lin_dim.shape[0]
    m = 0
    for d in range(n):
        if not pin[d]:
            m += 1
    c = np.full(n, 0.5)
    Q = np.zeros((n, n))
    r0 = 0.5 * math.sqrt(max(m, 1)) * 1.01
    for d in range(n):
        if pin[d]:
            c[d] = pin_val[d]
        else:
            Q[d, d] = r0 * r0
    logdet = m * math.log(r0 * r0)
    g = np.zeros(n)
    best_g = np.zeros(n)
    Qg = np.zeros(n)
    found = False
    best = -np.inf
    nn = float(m)
    for _ in range(max_iter):
        # the deepest violated constraint at c
        depth = -1.0
        kind = -1
        pick = -1
        for j in range(n_j):
            if not judges[j] or indiff[j]:
                continue
            f = -rho[j]
            for d in range(n):
                if s[j, d] > 0.0:
                    f += s[j, d] * _phi(c[d] - q[j, d], linear)
            if f < 0.0:
                continue
            gq = 0.0
            for d in range(n):
                g[d] = s[j, d] * _dphi(c[d] - q[j, d], linear)
            for a in range(n):
                acc = 0.0
                for b in range(n):
                    acc += Q[a, b] * g[b]
                gq += g[a] * acc
            if gq <= 1e-300:
                # c minimises f and f ≥ 0 there (the judge accepts nothing), or E has
                # collapsed along g: nothing feasible is left in E
                return found, best
            alpha = f / math.sqrt(gq)
            if alpha > depth:
                depth = alpha
                kind = 0
                pick = j
        for k in range(n_l):
            d = lin_dim[k]
            if d < 0 or pin[d]:
                continue  # a pinned coordinate keeps its piece's bounds (checked beforehand)
            f = lin_sign[k] * (c[d] - lin_b[k])
            if lin_strict[k]:
                if f < 0.0:
                    continue
            elif f <= 0.0:
                continue
            alpha = f / math.sqrt(Q[d, d])
            if alpha > depth:
                depth = alpha
                kind = 1
                pick = k
        if kind >= 0:
            if depth >= 1.0 or m == 0:
                return found, best  # the cut leaves nothing of E: no (further) feasible point
            for d in range(n):
                g[d] = 0.0
            if kind == 0:
                for d in range(n):
                    g[d] = s[pick, d] * _dphi(c[d] - q[pick, d], linear)
            else:
                g[lin_dim[pick]] = lin_sign[pick]
        else:
            # c is feasible
            if mode == FEASIBLE:
                for d in range(n):
                    out_point[d] = c[d]
                return True, 0.0
            if mode == NASH:
                val = 0.0
                for d in range(n):
                    g[d] = 2.0 * EPS_TIE * (c[d] - sqn[d])
                    val -= EPS_TIE * (c[d] - sqn[d]) ** 2
                for k in range(neg_j.shape[0]):
                    w = neg_w[k]
                    if w <= 0.0:
                        continue
                    j = neg_j[k]
                    gain = rho0[k]
                    for d in range(n):
                        if s[j, d] > 0.0:
                            gain -= s[j, d] * _phi(c[d] - q[j, d], linear)
                    if gain <= 0.0:
                        gain = 1e-300
                    val += w * math.log(gain)
                    for d in range(n):
                        if s[j, d] > 0.0:
                            g[d] += w * s[j, d] * _dphi(c[d] - q[j, d], linear) / gain
            else:
                sign = 1.0 if mode == LOWEST else -1.0
                val = -sign * c[mode_dim]
                for d in range(n):
                    g[d] = 0.0
                g[mode_dim] = sign
            if val > best or not found:
                best = val
                for d in range(n):
                    out_point[d] = c[d]
            found = True
            if m == 0:
                return True, best  # a single point: nothing left to search
            level = max(best, floor)
            gq = 0.0
            for a in range(n):
                acc = 0.0
                for b in range(n):
                    acc += Q[a, b] * g[b]
                gq += g[a] * acc
            # concave objective: F(y) ≥ level only where g·(y − c) ≤ −(level − F(c))
            depth = (level - val) / math.sqrt(gq) if gq > 1e-300 else 0.0
            if depth >= 1.0:
                return True, best
            nonzero = False
            for d in range(n):
                if g[d] != 0.0:
                    nonzero = True
            if not nonzero:
                return True, best  # the objective is flat: c is optimal
        # the cut: keep {y : g·(y − c) ≤ −depth·sqrt(gᵀQg)}
        gq = 0.0
        for a in range(n):
            acc = 0.0
            for b in range(n):
                acc += Q[a, b] * g[b]
            Qg[a] = acc
            gq += g[a] * acc
        if gq <= 1e-300:
            return found, best
        root = math.sqrt(gq)
        for d in range(n):
            best_g[d] = Qg[d] / root
        step = (1.0 + nn * depth) / (nn + 1.0)
        for d in range(n):
            c[d] -= step * best_g[d]
        if m == 1:
            # an interval: the cut keeps [c − r, c − depth·r], of half-length r(1 − depth)/2
            shrink = 0.25 * (1.0 - depth) * (1.0 - depth)
            for d in range(n):
                Q[d, d] *= shrink
            logdet += math.log(max(shrink, 1e-300))
        else:
            beta = 2.0 * (1.0 + nn * depth) / ((nn + 1.0) * (1.0 + depth))
            scale = nn * nn * (1.0 - depth * depth) / (nn * nn - 1.0)
            for a in range(n):
                for b in range(n):
                    Q[a, b] = scale * (Q[a, b] - beta * best_g[a] * best_g[b])
            logdet += nn * math.log(scale) + math.log(max(1.0 - beta, 1e-300))
        if found:
            widest = 0.0
            for d in range(n):
                widest = max(widest, Q[d, d])
            if 2.0 * math.sqrt(widest) < tol:
                return True, best
        elif logdet / (2.0 * nn) < math.log(rtol):
            return False, -np.inf  # E holds no ball of radius rtol, so neither does the piece
    return found, best


@kernel(parallel=True)
def search(s, q, rho, indiff, piece_judges, piece_active, lin_dim, lin_sign, lin_b,
           lin_strict, neg_j, neg_w, rho0, sqn, linear, mode, mode_dim, tol, rtol, piece_pin,
           piece_pin_val, max_iter):
    """Search every active piece of every draw.

    Shapes: ``s``, ``q`` [B, J, n]; ``rho``, ``indiff`` [B, J]; ``piece_judges`` [P, J];
    ``piece_active`` [B, P]; ``lin_*`` [P, L] (dim −1: unused); ``piece_pin``,
    ``piece_pin_val`` [P, n] (the pinned coordinates and their values); ``neg_j`` [K] (judge index
    of each negotiator); ``neg_w``, ``rho0`` [B, K]; ``sqn`` [n]. Returns found [B, P],
    point [B, P, n], value [B, P].
    """
    n_b, _, n = s.shape
    n_p = piece_judges.shape[0]
    found = np.zeros((n_b, n_p), dtype=np.bool_)
    point = np.full((n_b, n_p, n), np.nan)
    value = np.full((n_b, n_p), -np.inf)
    for b in prange(n_b):
        floor = -np.inf
        out = np.full(n, np.nan)
        for p in range(n_p):
            if not piece_active[b, p]:
                continue
            out[:] = np.nan
            ok, val = _one(s[b], q[b], rho[b], indiff[b], piece_judges[p], lin_dim[p],
                           lin_sign[p], lin_b[p], lin_strict[p], neg_j, neg_w[b], rho0[b],
                           sqn, linear, mode, mode_dim, tol, rtol, piece_pin[p],
                           piece_pin_val[p], max_iter, floor, out)
            found[b, p] = ok
            value[b, p] = val
            for d in range(n):
                point[b, p, d] = out[d]
            if ok:
                if mode == FEASIBLE:
                    break  # one feasible piece settles whether there is a deal
                floor = max(floor, val)
    return found, point, value
