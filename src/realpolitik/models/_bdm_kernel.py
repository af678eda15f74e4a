"""Compiled kernel of the BDM expected-utility model (see :mod:`realpolitik.models.bdm`).

One call runs one issue for a batch of draws. Every draw is independent; the loop over
draws is compiled (and parallel), never a Python loop. Formulas are evaluated in the order
the specification writes them, so results agree with the reference to rounding.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from ._jit import kernel

NONE, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3


@kernel(inline="always")
def _pow(base: float, rho: float) -> float:
    # x ** 1.0 == x exactly; skipping the call keeps Phase A (all exponents 1) cheap
    return base if rho == 1.0 else base**rho


@kernel(inline="always")
def _utilities(d: float, rho: float) -> tuple[float, float, float]:
    """U_s, U_f and U_sq at normalised distance d with exponent rho (spec §4.3)."""
    u_s = 2.0 - 4.0 * _pow(0.5 - 0.5 * d, rho)
    u_f = 2.0 - 4.0 * _pow(0.5 + 0.5 * d, rho)
    u_sq = 2.0 - 4.0 * _pow(0.5, rho)
    return u_s, u_f, u_sq


@kernel(inline="always")
def _utilities_sf(d: float, rho: float) -> tuple[float, float]:
    """U_s and U_f of :func:`_utilities` (U_sq, which does not depend on d, apart)."""
    return 2.0 - 4.0 * _pow(0.5 - 0.5 * d, rho), 2.0 - 4.0 * _pow(0.5 + 0.5 * d, rho)


@kernel(inline="always")
def _eu(s_b: float, p: float, u_s: float, u_f: float, u_sq: float, q: float) -> float:
    """EU of challenging a target of salience s_b that the challenger beats with
    probability p (spec §4.4, the Q-term only)."""
    return s_b * (p * u_s + (1.0 - p) * u_f) + (1.0 - s_b) * u_s - q * u_sq


@kernel
def _probabilities(x: np.ndarray, w: np.ndarray, r: np.ndarray, span: float,
                   pairwise: bool, g: np.ndarray, num: np.ndarray, prob: np.ndarray) -> None:
    """Fill ``prob[l, m]`` = P(x_l ▷ x_m) (spec §4.2; the pairwise denominator is the §8
    variant). ``g`` and ``num`` are work arrays of shape ``[n, n]``."""
    n = x.shape[0]
    # g is stored transposed, g[m, k] = g_km, so the sums over k below read memory in order.
    # Actors at one position share their column: pow is evaluated once per distinct
    # position (and not at all at distance 0, where it is exactly 0).
    for m in range(n):
        first = m
        for m0 in range(m):
            if x[m0] == x[m]:
                first = m0
                break
        if first < m:
            for k in range(n):
                g[m, k] = g[first, k]
            continue
        for k in range(n):
            base = abs(x[k] - x[m]) / span
            g[m, k] = _pow(base, r[k]) if base != 0.0 else 0.0
    # Z = Σ_k Σ_l Σ_m |w_k (g_km − g_kl)| = 2 Σ_{l<m} (votes for l + votes for m)
    z = 0.0
    for l in range(n):
        for m in range(l + 1, n):
            pos = 0.0
            neg = 0.0
            gm = g[m]
            gl = g[l]
            for k in range(n):
                v = w[k] * (gm[k] - gl[k])
                # adding 0.0 leaves a sum ≥ 0 bit for bit: no unpredictable branch
                pos += v if v > 0.0 else 0.0
                neg -= v if v <= 0.0 else 0.0
            num[l, m] = pos  # votes for l against m
            num[m, l] = neg
            z += pos + neg
    z *= 2.0
    for l in range(n):
        for m in range(n):
            prob[l, m] = 0.0
            if x[l] != x[m]:
                if pairwise:
                    den = num[l, m] + num[m, l]
                    if den > 0.0:
                        prob[l, m] = num[l, m] / den
                else:
                    prob[l, m] = num[l, m] / z


@kernel
def _median(x: np.ndarray, w: np.ndarray, span: float) -> tuple[float, bool]:
    """The reference's median scan over occupied positions, in input order (spec §6);
    also says whether another position ties exactly with the one returned."""
    n = x.shape[0]
    m = x[0]
    for p_idx in range(1, n):
        p = x[p_idx]
        if p == m:
            continue
        diff = 0.0
        for k in range(n):
            diff += w[k] * (abs(x[k] - m) - abs(x[k] - p)) / span
        if diff > 0.0:
            m = p
    tie = False
    for p_idx in range(n):
        p = x[p_idx]
        if p == m:
            continue
        diff = 0.0
        for k in range(n):
            diff += w[k] * (abs(x[k] - m) - abs(x[k] - p)) / span
        if diff == 0.0:
            tie = True
    return m, tie


@kernel
def _weighted_mean(x: np.ndarray, w: np.ndarray) -> float:
    num = 0.0
    den = 0.0
    for k in range(x.shape[0]):
        num += w[k] * x[k]
        den += w[k]
    return num / den if den > 0 else x[0]  # no weight at all: the first position


@kernel
def run_one(c: np.ndarray, x0: np.ndarray, s: np.ndarray, rounds: int, q: float,
            pairwise: bool, least_movement: bool, capitulation: bool, own_exponent: bool,
            equal_dangers_error: bool):
    """Run one issue for one draw.

    Returns positions[T+1, n], exponents[T, n], medians[T+1], means[T+1], ties[T+1],
    chosen class[T, n], chosen partner[T, n] (-1 = none), candidate counts[T, n, 3]
    (confrontation, compromise, capitulation) and a status: 0 ok, t > 0 = all dangers
    equal in round t (exponents set to 1 there, or the run stopped if
    ``equal_dangers_error``).
    """
    n = x0.shape[0]
    w = c * s
    span = x0.max() - x0.min()
    positions = np.empty((rounds + 1, n))
    exponents = np.ones((rounds, n))
    medians = np.empty(rounds + 1)
    means = np.empty(rounds + 1)
    ties = np.zeros(rounds + 1, dtype=np.bool_)
    chosen = np.zeros((rounds, n), dtype=np.int8)
    partner = np.full((rounds, n), -1, dtype=np.int64)
    counts = np.zeros((rounds, n, 3), dtype=np.int64)
    status = 0
    x = x0.copy()
    positions[0] = x
    if span == 0.0:  # everyone at one position: nothing can move
        for u in range(rounds + 1):
            positions[u] = x
            medians[u] = x[0]
            means[u] = _weighted_mean(x, w)
        return positions, exponents, medians, means, ties, chosen, partner, counts, status
    medians[0], ties[0] = _median(x, w, span)
    means[0] = _weighted_mean(x, w)
    ones = np.ones(n)
    g = np.empty((n, n))
    num = np.empty((n, n))
    prob = np.empty((n, n))
    danger = np.empty(n)
    u_sq_of = np.empty(n)
    us_of = np.empty(n)
    uf_of = np.empty(n)
    first = np.empty(n, dtype=np.int64)
    for t in range(rounds):
        # Phase A: dangers with every exponent 1
        _probabilities(x, w, ones, span, pairwise, g, num, prob)
        for i in range(n):
            acc = 0.0
            for j in range(n):
                if j != i:
                    u_s, u_f, u_sq = _utilities(abs(x[j] - x[i]) / span, 1.0)
                    acc += _eu(s[i], prob[j, i], u_s, u_f, u_sq, q)
            danger[i] = acc
        d_max = danger.max()
        d_min = danger.min()
        r = np.ones(n)
        if d_max == d_min:
            if status == 0:
                status = t + 1
            if equal_dangers_error:
                for u in range(t + 1, rounds + 1):
                    positions[u] = x
                    medians[u] = medians[t]
                    means[u] = means[t]
                return positions, exponents, medians, means, ties, chosen, partner, counts, \
                    status
        else:
            for i in range(n):
                big_r = (2.0 * danger[i] - d_max - d_min) / (d_max - d_min)
                r[i] = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
        exponents[t] = r
        # Phase B: every receiver's choice from the start-of-phase positions
        _probabilities(x, w, r, span, pairwise, g, num, prob)
        for k in range(n):  # U_sq depends on the exponent only: once per actor
            u_sq_of[k] = 2.0 - 4.0 * _pow(0.5, r[k])
        for m in range(n):  # the first actor at each actor's position
            first[m] = m
            for m0 in range(m):
                if x[m0] == x[m]:
                    first[m] = m0
                    break
        new = x.copy()
        for i in range(n):
            best_conf = -1
            best_conf_key = np.inf
            best_comp = -1
            best_comp_key = np.inf
            best_comp_pos = 0.0
            best_cap = -1
            best_cap_key = np.inf
            for j in range(n):
                if x[j] == x[i]:
                    continue
                d = abs(x[i] - x[j]) / span
                if first[j] < j:  # same position as an earlier j: same utilities
                    u_s, u_f = us_of[first[j]], uf_of[first[j]]
                else:
                    u_s, u_f = _utilities_sf(d, r[i])
                    us_of[j], uf_of[j] = u_s, u_f
                u_sq = u_sq_of[i]
                a = _eu(s[j], prob[i, j], u_s, u_f, u_sq, q)
                if own_exponent:
                    u_s, u_f = _utilities_sf(d, r[j])
                    u_sq = u_sq_of[j]
                b = _eu(s[i], prob[j, i], u_s, u_f, u_sq, q)
                if b > a and a > 0.0:
                    counts[t, i, 0] += 1
                    key = abs(x[j] - x[i])
                    if key < best_conf_key:
                        best_conf_key = key
                        best_conf = j
                elif a < 0.0 and b > 0.0 and b > abs(a):
                    counts[t, i, 1] += 1
                    point = x[i] + (x[j] - x[i]) * abs(a / b)
                    if least_movement:
                        key = abs(point - x[i])
                    else:
                        key = (abs(a) * x[i] + abs(b) * x[j]) / (abs(a) + abs(b))
                    if key < best_comp_key:
                        best_comp_key = key
                        best_comp = j
                        best_comp_pos = point
                elif a < 0.0 and b > 0.0 and b < abs(a):
                    counts[t, i, 2] += 1
                    if capitulation:
                        key = abs(x[j] - x[i])
                        if key < best_cap_key:
                            best_cap_key = key
                            best_cap = j
            if best_conf >= 0:
                new[i] = x[best_conf]
                chosen[t, i] = CONFRONTATION
                partner[t, i] = best_conf
            elif best_comp >= 0:
                new[i] = best_comp_pos
                chosen[t, i] = COMPROMISE
                partner[t, i] = best_comp
            elif best_cap >= 0:
                new[i] = x[best_cap]
                chosen[t, i] = CAPITULATION
                partner[t, i] = best_cap
        x = new
        positions[t + 1] = x
        medians[t + 1], ties[t + 1] = _median(x, w, span)
        means[t + 1] = _weighted_mean(x, w)
    return positions, exponents, medians, means, ties, chosen, partner, counts, status


@kernel(parallel=True)
def run_batch(c: np.ndarray, x0: np.ndarray, s: np.ndarray, rounds: int, q: float,
              pairwise: bool, least_movement: bool, capitulation: bool,
              own_exponent: bool, equal_dangers_error: bool):
    """Final medians, means and status for B draws (``c, x0, s`` of shape ``[B, n]``)."""
    b = x0.shape[0]
    medians = np.empty(b)
    means = np.empty(b)
    status = np.zeros(b, dtype=np.int64)
    for k in prange(b):
        out = run_one(c[k], x0[k], s[k], rounds, q, pairwise, least_movement, capitulation,
                      own_exponent, equal_dangers_error)
        medians[k] = out[2][rounds]
        means[k] = out[3][rounds]
        status[k] = out[8]
    return medians, means, status
