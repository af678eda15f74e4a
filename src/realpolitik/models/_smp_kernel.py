"""Compiled kernel of KTAB's Spatial Model of Politics (see :mod:`realpolitik.models.smp`).

Written from the project's SMP specification (``docs/model-smp.md`` points to it); section
numbers below refer to it. Sums are accumulated sequentially in the orders the
specification fixes, so positions agree with ``smpc`` bit for bit. Memory is O(n²) per
draw: the perceived utilities U^h (n³ numbers) are evaluated where they are needed, never
stored.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from ._jit import kernel, start_parallel_backend

# parameter codes (the order of the values in models/smp.py)
LINEAR, SQUARE, QUARTIC, OCTIC, BINARY_VICTORY = 0, 1, 2, 3, 4
CONDITIONAL, MARKOV_INCENTIVE, MARKOV_UNIFORM = 0, 1, 2
V_BINARY, V_PROPBIN, V_PROP, V_PROPCBC, V_CUBIC, V_ASYMPROSP = 0, 1, 2, 3, 4, 5
R_NONE, R_ONETHIRD, R_HALF, R_TWOTHIRDS, R_FULL = 0, 1, 2, 3, 4
RANGE_MIN, RANGE_MID, RANGE_MAX = 0, 1, 2
NO_COMMIT, SEMI_COMMIT, FULL_COMMIT = 0, 1, 2
S1P1, S2P2, S2PMAX = 0, 1, 2
INIT_ONLY, INIT_RCVR, PW_COMP = 0, 1, 2

MAX_TURNS = 100

# pce, turn, run and run_batch are serial and call parallel kernels (see ._jit)
start_parallel_backend()


@kernel(inline="always")
def utility(d: float, r: float) -> float:
    if d <= 1.0:
        return (1.0 - d) * (1.0 + d * r)
    return (1.0 - d) * (1.0 + r)


@kernel(inline="always")
def vote(w: float, ua: float, ub: float, rule: int) -> float:
    delta = ua - ub
    if rule == V_PROP:
        return w * delta
    beta = delta / 1e-8
    beta = 1.0 if beta > 1.0 else (-1.0 if beta < -1.0 else beta)
    if rule == V_BINARY:
        return w * beta
    if rule == V_PROPBIN:
        return w * ((1.0 - 0.2) * delta + 0.2 * beta)
    if rule == V_PROPCBC:
        return w * ((1.0 - 0.5) * delta + 0.5 * (delta * delta * delta))
    if rule == V_CUBIC:
        return w * (delta * delta * delta)
    if delta < 0.0:
        return w * delta
    if delta > 0.0:
        return (2.0 * w * delta) / 3.0
    return 0.0


@kernel(inline="always")
def distance(sal: np.ndarray, p: np.ndarray, q: np.ndarray) -> float:
    num = 0.0
    den = 0.0
    for d in range(sal.shape[0]):
        t = (p[d] - q[d]) * sal[d]
        num = num + t * t
        den = den + sal[d] * sal[d]
    return math.sqrt(num / den)


@kernel(inline="always")
def estimate(r_h: float, r_i: float, adjust: int) -> float:
    """h's estimate of i's risk attitude (§9.5)."""
    if adjust == R_ONETHIRD:
        return ((2.0 * r_h) + r_i) / 3.0
    if adjust == R_NONE:
        return r_h
    if adjust == R_HALF:
        return (r_h + r_i) / 2.0
    if adjust == R_TWOTHIRDS:
        return (r_h + (2.0 * r_i)) / 3.0
    return r_i


@kernel
def _victory(s1: float, s2: float, model: int) -> tuple[float, float]:
    if model == LINEAR:
        x1, x2 = s1, s2
    elif model == SQUARE:
        x1, x2 = s1 * s1, s2 * s2
    elif model == QUARTIC:
        x1, x2 = s1 * s1 * s1 * s1, s2 * s2 * s2 * s2
    elif model == OCTIC:
        q1 = s1 * s1 * s1 * s1
        q2 = s2 * s2 * s2 * s2
        x1, x2 = q1 * q1, q2 * q2
    else:
        if s1 >= 1.10 * s2:
            x1, x2 = 1.0, 1e-6
        elif s2 >= 1.10 * s1:
            x1, x2 = 1e-6, 1.0
        else:
            r = s1 / (s1 + s2)
            x1 = (r * (1.10 + 1.0) - 1.0) / (1.10 - 1.0)
            x2 = 1.0 - x1
    return x1 / (x1 + x2), x2 / (x1 + x2)


@kernel(inline="always")
def _coalition_row(ut: np.ndarray, w: np.ndarray, rule: int, a: int, c: np.ndarray) -> None:
    """Coalition strengths C[a][b] and C[b][a] for every b < a (§3.4 step 1); each pair
    sums its voters in voter order, so any order of pairs gives the same bits. ``ut`` is
    the utility table transposed, ``ut[option, voter]``, so the sums read memory in order;
    adding 0.0 for a vote of the other sign leaves a sum (≥ 1e-8) bit for bit unchanged
    and spares an unpredictable branch."""
    ua = ut[a]
    for b in range(a):
        ub = ut[b]
        cab = 1e-8
        cba = 1e-8
        for q in range(ua.shape[0]):
            g = vote(w[q], ua[q], ub[q], rule)
            cab = cab + (g if g > 0.0 else 0.0)
            cba = cba - (g if g < 0.0 else 0.0)
        c[a, b] = cab
        c[b, a] = cba
    c[a, a] = 1e-8


@kernel(parallel=True)
def _coalitions_parallel(ut: np.ndarray, w: np.ndarray, rule: int) -> np.ndarray:
    k = ut.shape[0]
    c = np.empty((k, k))
    for a in prange(k):
        _coalition_row(ut, w, rule, a, c)
    return c


@kernel
def pce(util: np.ndarray, w: np.ndarray, rule: int, victory: int, model: int) -> np.ndarray:
    """Probabilistic Condorcet election (§3.4, §9.1, §9.2): ``util[voter, option]``."""
    n_voters, k = util.shape
    ut = np.ascontiguousarray(util.T)
    if k * k * n_voters > 2_000_000:  # large elections: the pairs in parallel
        c = _coalitions_parallel(ut, w, rule)
    else:
        c = np.empty((k, k))
        for a in range(k):
            _coalition_row(ut, w, rule, a, c)
    v = np.empty((k, k))
    for a in range(k):
        for b in range(a):
            vab, vba = _victory(c[a, b], c[b, a], victory)
            v[a, b] = vab
            v[b, a] = vba
        v[a, a] = 0.5
    p = np.empty(k)
    if model == CONDITIONAL:
        for a in range(k):
            prod = 1.0
            for b in range(k):
                prod = prod * v[a, b]
            p[a] = prod
        total = 0.0
        for a in range(k):
            total = total + p[a]
        for a in range(k):
            p[a] = p[a] / total
        return p
    p[:] = 1.0 / k
    q = np.empty(k)
    change = 1.0
    passes = 0
    if model == MARKOV_UNIFORM:
        while change > 1e-6 and passes < 1000:
            for a in range(k):
                acc = 0.0
                for b in range(k):
                    acc = acc + v[a, b] * (p[a] + p[b])
                q[a] = acc / k
            change = 0.0
            for a in range(k):
                change = max(change, abs(q[a] - p[a]))
            for a in range(k):
                p[a] = (p[a] + q[a]) / 2.0
            passes += 1
        return p
    inc = np.empty((k, k))
    for a in range(k):
        for b in range(k):
            inc[a, b] = c[a, b] * v[a, b] + (1e-10 if a == b else 0.0)
    h = np.empty((k, k))
    for b in range(k):
        col = 0.0
        for a in range(k):
            col = col + inc[a, b]
        for a in range(k):
            h[a, b] = inc[a, b] / col
    while change > 1e-8 and passes < 1000:
        for a in range(k):
            acc = 0.0
            for b in range(k):
                acc = acc + v[a, b] * (p[a] * h[b, a] + p[b] * h[a, b])
            q[a] = acc
        change = 0.0
        for a in range(k):
            change = max(change, abs(q[a] - p[a]))
        for a in range(k):
            p[a] = (p[a] + q[a]) / 2.0
        passes += 1
    return p


@kernel
def _risk(delta: np.ndarray, cap: np.ndarray, rule: int, victory: int, model: int,
          rng_kind: int) -> np.ndarray:
    """Risk attitudes from a risk-neutral PCE over every actor's position (§4.1, §9.6)."""
    n = cap.shape[0]
    u0 = np.empty((n, n))
    for k in range(n):
        for a in range(n):
            u0[k, a] = utility(delta[k, a], 0.0)
    p = pce(u0, cap, rule, victory, model)
    p_min = 1.0
    p_max = 0.0
    for i in range(n):
        if p[i] < p_min:
            p_min = p[i]
        if p[i] > p_max:
            p_max = p[i]
    r = np.empty(n)
    if p_max - p_min <= 0.0:  # every position equally likely (e.g. all actors agree):
        r[:] = 0.0            # KTAB divides by zero here; risk-neutral is the only reading
        return r
    for i in range(n):
        if rng_kind == RANGE_MID:
            r[i] = (3.0 * p[i] - (p_max + 2.0 * p_min)) / (2.0 * (p_max - p_min))
        elif rng_kind == RANGE_MIN:
            r[i] = (p[i] - p_min) / (p_max - p_min)
        else:
            r[i] = (2.0 * p[i] - (p_max + p_min)) / (p_max - p_min)
    return r


@kernel
def _state(x: np.ndarray, y: np.ndarray, sal: np.ndarray):
    n = x.shape[0]
    delta = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            delta[i, j] = distance(sal[i], y[i], x[j])
    return delta


@kernel
def _own_view(delta: np.ndarray, r: np.ndarray, adjust: int) -> np.ndarray:
    """U^a[a][q] for every a, q (each actor's view of its own utilities, §4.2)."""
    n = r.shape[0]
    own = np.empty((n, n))
    for a in range(n):
        ra = estimate(r[a], r[a], adjust)
        for q in range(n):
            own[a, q] = utility(delta[a, q], ra)
    return own


@kernel(inline="always")
def _principals(v_i: float, v_j: float) -> tuple[float, float]:
    """The principals' own contributions to the strengths of i's and j's sides (§4.3)."""
    a = 1e-10
    b = 1e-10
    if v_i > 0.0:
        a = a + v_i
    if v_i < 0.0:
        b = b - v_i
    if v_j > 0.0:
        a = a + v_j
    if v_j < 0.0:
        b = b - v_j
    return a, b


@kernel(inline="always")
def _outcome(a: float, b: float, e_sq: float, e_win: float, e_lose: float, s_j: float
             ) -> tuple[float, float]:
    """P(i wins) and k's expected gain from the coalition strengths (§4.3): j yields
    without a contest with probability 1 − S_j."""
    p = a / (a + b)
    p2 = b / (a + b)
    e_contest = p * e_win + p2 * e_lose
    e_chlg = (1.0 - s_j) * e_win + s_j * e_contest
    return p, e_chlg - e_sq


@kernel(inline="always")
def _third_party(w_q: float, uqi: float, uqj: float, uqq: float, a0: float, b0: float,
                 rule: int, commit: int) -> float:
    """Third party q's vote in i's challenge of j, judged against the principals only and
    valuing the outcome by the commitment rule (§4.3, §9.7)."""
    g = vote(w_q, uqi, uqj, rule)
    ap = a0 + g if g > 0.0 else a0
    bp = b0 - g if g < 0.0 else b0
    pi = ap / (ap + bp)
    pi2 = 1.0 - pi
    if commit == SEMI_COMMIT:
        w_i = (uqi + uqi) + uqq
        l_i = (uqj + uqj) + uqj
        w_j = (uqi + uqi) + uqi
        l_j = (uqj + uqj) + uqq
    elif commit == NO_COMMIT:
        w_i = (uqi + uqi) + uqq
        l_i = (uqj + uqj) + uqq
        w_j = (uqi + uqi) + uqq
        l_j = (uqj + uqj) + uqq
    else:
        w_i = (uqi + uqi) + uqi
        l_i = (uqj + uqj) + uqj
        w_j = (uqi + uqi) + uqi
        l_j = (uqj + uqj) + uqj
    vfor_i = (pi * w_i) + (pi2 * l_i)
    vfor_j = (pi * w_j) + (pi2 * l_j)
    return vote(w_q, vfor_i, vfor_j, rule)


@kernel
def challenge(h: int, k: int, i: int, j: int, delta: np.ndarray, r: np.ndarray,
              weight: np.ndarray, total_sal: np.ndarray, rule: int, adjust: int,
              commit: int) -> tuple[float, float]:
    """h's estimate of i challenging j: P(i wins) and k's expected gain G (§4.3, §9.7)."""
    n = r.shape[0]
    rh = r[h]
    r_k = estimate(rh, r[k], adjust)
    uki = utility(delta[k, i], r_k)
    ukj = utility(delta[k, j], r_k)
    e_sq = uki + ukj
    e_win = uki + uki
    e_lose = ukj + ukj
    r_i = estimate(rh, r[i], adjust)
    r_j = estimate(rh, r[j], adjust)
    v_i = vote(weight[i], utility(delta[i, i], r_i), utility(delta[i, j], r_i), rule)
    v_j = vote(weight[j], utility(delta[j, i], r_j), utility(delta[j, j], r_j), rule)
    a, b = _principals(v_i, v_j)
    a0 = a
    b0 = b
    for q in range(n):
        if q == i or q == j:  # noqa: SIM109  (Numba compiles this form)
            continue
        r_q = estimate(rh, r[q], adjust)
        uqi = utility(delta[q, i], r_q)
        uqj = utility(delta[q, j], r_q)
        uqq = utility(delta[q, q], r_q)
        v_q = _third_party(weight[q], uqi, uqj, uqq, a0, b0, rule, commit)
        if v_q > 0.0:
            a = a + v_q
        if v_q < 0.0:
            b = b - v_q
    return _outcome(a, b, e_sq, e_win, e_lose, total_sal[j])


@kernel(inline="always")
def round4(x: float) -> float:
    return np.trunc(0.5 + x * 10000.0) / 10000.0


@kernel
def interpolate(x_i: np.ndarray, x_j: np.ndarray, s_i: np.ndarray, s_j: np.ndarray,
                p_i: float, inter: int) -> tuple[np.ndarray, np.ndarray]:
    """Proposed new positions of initiator and target (§4.5, §9.8)."""
    m = x_i.shape[0]
    z_i = np.empty(m)
    z_j = np.empty(m)
    p_j = 1.0 - p_i
    for d in range(m):
        t_i = x_i[d]
        t_j = x_j[d]
        if inter == S2PMAX:
            e_i = max(0.0, p_j - p_i)
            e_j = max(0.0, p_i - p_j)
            sig_i = s_i[d] * s_i[d]
            sig_j = s_j[d] * s_j[d]
            f_i = (e_i * sig_j) / ((e_i * sig_j) + 1e-6 + ((1.0 - e_i) * sig_i))
            f_j = (e_j * sig_i) / ((e_j * sig_i) + 1e-6 + ((1.0 - e_j) * sig_j))
            z_i[d] = t_i + f_i * (t_j - t_i)
            z_j[d] = t_j + f_j * (t_i - t_j)
            continue
        if inter == S2P2:
            w_i = (s_i[d] * s_i[d]) * (p_i * p_i)
            w_j = (s_j[d] * s_j[d]) * (p_j * p_j)
        else:
            w_i = s_i[d] * p_i
            w_j = s_j[d] * p_j
        den = (w_i + 1e-6) + w_j
        z_i[d] = round4(((w_i + 1e-6) * t_i + w_j * t_j) / den)
        z_j[d] = round4((w_i * t_i + (1e-6 + w_j) * t_j) / den)
    return z_i, z_j


@kernel
def win_probabilities(x: np.ndarray, own: np.ndarray, cap: np.ndarray, rule: int,
                      victory: int, model: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reported probabilities of each actor's position (§6); also the groups' probabilities
    and representatives."""
    n, m = x.shape
    reps = np.empty(n, dtype=np.int64)
    n_groups = 0
    for i in range(n):
        found = False
        for g in range(n_groups):
            d2 = 0.0
            for d in range(m):
                t = x[i, d] - x[reps[g], d]
                d2 = d2 + t * t
            if math.sqrt(d2) < 1e-3:
                found = True
                break
        if not found:
            reps[n_groups] = i
            n_groups += 1
    util = np.empty((n, n_groups))
    for a in range(n):
        for g in range(n_groups):
            util[a, g] = own[a, reps[g]]
    pg = pce(util, cap, rule, victory, model)
    out = np.empty(n)
    for i in range(n):
        for g in range(n_groups):
            d2 = 0.0
            for d in range(m):
                t = x[i, d] - x[reps[g], d]
                d2 = d2 + t * t
            if math.sqrt(d2) < 1e-3:
                out[i] = pg[g]
    return out, pg, reps[:n_groups].copy()


@kernel(error_model="numpy")
def _challenge_own(i: int, j: int, est: np.ndarray, u_i: np.ndarray, u_own: np.ndarray,
                   delta_t: np.ndarray, weight: np.ndarray, total_sal: np.ndarray, rule: int,
                   commit: int, vq: np.ndarray) -> tuple[float, float]:
    """challenge(h=i, k=i, i, j) with i's estimates hoisted out of the loop over j:
    ``est[q]`` = r^i_q, ``u_i[q]`` = U^i[q][i], ``u_own[q]`` = U^i[q][q], and
    ``delta_t[j, q]`` = δ_qj; ``vq`` is scratch space of length n. The same arithmetic as
    :func:`challenge`, term for term, in two passes: the third parties' votes (independent
    of each other, so the compiler vectorises them), then their sums in ascending q. Adding
    0.0 for a vote of the other sign leaves a sum bit for bit as skipping it does (the sums
    start at 1e-10 and stay positive), and avoids unpredictable branches."""
    n = est.shape[0]
    dj = delta_t[j]
    uki = u_i[i]
    ukj = utility(dj[i], est[i])
    e_sq = uki + ukj
    e_win = uki + uki
    e_lose = ukj + ukj
    v_i = vote(weight[i], u_own[i], ukj, rule)
    v_j = vote(weight[j], u_i[j], u_own[j], rule)
    a0, b0 = _principals(v_i, v_j)
    if rule == V_PROP and commit == SEMI_COMMIT:  # the defaults, written out to vectorise
        for q in range(n):
            wq = weight[q]
            uqi = u_i[q]
            uqq = u_own[q]
            d = dj[q]
            rq = est[q]
            uqj = (1.0 - d) * (1.0 + d * rq) if d <= 1.0 else (1.0 - d) * (1.0 + rq)
            g = wq * (uqi - uqj)
            ap = a0 + g if g > 0.0 else a0
            bq = b0 - g if g < 0.0 else b0
            pi = ap / (ap + bq)
            pi2 = 1.0 - pi
            vfor_i = (pi * ((uqi + uqi) + uqq)) + (pi2 * ((uqj + uqj) + uqj))
            vfor_j = (pi * ((uqi + uqi) + uqi)) + (pi2 * ((uqj + uqj) + uqq))
            vq[q] = wq * (vfor_i - vfor_j)
    else:
        for q in range(n):
            vq[q] = _third_party(weight[q], u_i[q], utility(dj[q], est[q]), u_own[q], a0,
                                 b0, rule, commit)
    vq[i] = 0.0
    vq[j] = 0.0
    a = a0
    b = b0
    for q in range(n):
        v = vq[q]
        a = a + (v if v > 0.0 else 0.0)
        b = b - (v if v < 0.0 else 0.0)
    return _outcome(a, b, e_sq, e_win, e_lose, total_sal[j])


@kernel(parallel=True)
def _targets(delta, r, weight, total_sal, rule, adjust, commit):
    n = r.shape[0]
    delta_t = np.ascontiguousarray(delta.T)
    target = np.full(n, -1, dtype=np.int64)
    best_p = np.zeros(n)
    best_g = np.zeros(n)
    for i in prange(n):
        est = np.empty(n)
        u_i = np.empty(n)
        u_own = np.empty(n)
        vq = np.empty(n)
        for q in range(n):
            est[q] = estimate(r[i], r[q], adjust)
            u_i[q] = utility(delta[q, i], est[q])
            u_own[q] = utility(delta[q, q], est[q])
        bg = -1.0
        bj = -1
        bp = 0.0
        for j in range(n):
            if j == i:
                continue
            p, g = _challenge_own(i, j, est, u_i, u_own, delta_t, weight, total_sal, rule,
                                  commit, vq)
            if g > 1e-5 and bg < g:
                bj = j
                bg = g
                bp = p
        target[i] = bj
        best_p[i] = bp
        best_g[i] = bg
    return target, best_p, best_g


@kernel(parallel=True)
def _proposal_values(y, sal, r, own, prop_i, prop_j, z_i, z_j):
    """Val[a][proposal] (§4.7): the mean utility of the state after each proposal. Each
    proposal's sum runs over q in ascending order as the specification fixes; the
    proposals are advanced side by side (independent sums, so they vectorise), adding 0.0
    for the two principals: x + 0.0 is x bit for bit for every x but −0.0 (which becomes
    +0.0 and compares equal), so this is the same as skipping them."""
    n = r.shape[0]
    n_prop = prop_i.shape[0]
    val = np.empty((n, n_prop))
    for a in prange(n):
        t = np.empty(n_prop)
        for b in range(n_prop):
            t[b] = 0.0 + utility(distance(sal[a], y[a], z_i[b]), r[a])
            t[b] = t[b] + utility(distance(sal[a], y[a], z_j[b]), r[a])
        for q in range(n):
            u = own[a, q]
            for b in range(n_prop):
                t[b] = t[b] + (u if q != prop_i[b] and q != prop_j[b] else 0.0)
        for b in range(n_prop):
            val[a, b] = t[b] / n
    return val


@kernel
def turn(x, y, sal, cap, weight, total_sal, ideal, identity, r, delta, own, params,
         uniforms):
    """One transition (§4). Returns new positions, new ideals, the targets, the proposal
    list and each actor's chosen option."""
    (victory, model, stochastic, rule, adjust, _rng_kind, commit, inter, bargn) = params
    n, m = x.shape
    target, best_p, _ = _targets(delta, r, weight, total_sal, rule, adjust, commit)
    # proposals in initiator order (InitRcvrInterp: the initiator's version first)
    n_max = 2 * n
    prop_i = np.empty(n_max, dtype=np.int64)
    prop_j = np.empty(n_max, dtype=np.int64)
    z_i = np.empty((n_max, m))
    z_j = np.empty((n_max, m))
    count = 0
    for i in range(n):
        j = target[i]
        if j < 0:
            continue
        zi, zj = interpolate(x[i], x[j], sal[i], sal[j], best_p[i], inter)
        zi2, zj2 = zi, zj
        if bargn != INIT_ONLY:
            _, g = challenge(j, i, i, j, delta, r, weight, total_sal, rule, adjust, commit)
            zi2, zj2 = interpolate(x[i], x[j], sal[i], sal[j], g, inter)
        if bargn == PW_COMP:
            w1 = cap[i] * total_sal[i]
            w2 = cap[i] * total_sal[j]
            for d in range(m):
                zi[d] = (w1 * zi[d] + w2 * zi2[d]) / (w1 + w2)
                zj[d] = (w1 * zj[d] + w2 * zj2[d]) / (w1 + w2)
        prop_i[count] = i
        prop_j[count] = j
        z_i[count] = zi
        z_j[count] = zj
        count += 1
        if bargn == INIT_RCVR:
            prop_i[count] = i
            prop_j[count] = j
            z_i[count] = zi2
            z_j[count] = zj2
            count += 1
    prop_i = prop_i[:count]
    prop_j = prop_j[:count]
    z_i = z_i[:count]
    z_j = z_j[:count]
    val = _proposal_values(y, sal, r, own, prop_i, prop_j, z_i, z_j)
    sq = np.empty(n)
    for a in range(n):
        t = 0.0
        for q in range(n):
            t = t + own[a, q]
        sq[a] = t / n
    new_x = x.copy()
    chosen = np.full(n, -1, dtype=np.int64)
    for k in range(n):
        options = [-1]
        for b in range(count):
            if prop_i[b] == k or prop_j[b] == k:
                options.append(b)
        kk = len(options)
        util = np.empty((n, kk))
        for a in range(n):
            util[a, 0] = sq[a]
            for o in range(1, kk):
                util[a, o] = val[a, options[o]]
        p = pce(util, cap, rule, victory, model)
        best = 0
        if stochastic:
            u = uniforms[k]
            acc = 0.0
            best = kk - 1
            for o in range(kk):
                acc = acc + p[o]
                if acc >= u:
                    best = o
                    break
        else:
            for o in range(1, kk):
                if p[o] > p[best]:
                    best = o
        b = options[best]
        chosen[k] = b
        if b >= 0:
            new_x[k] = z_i[b] if prop_i[b] == k else z_j[b]
    if identity:
        new_y = new_x.copy()
    else:
        new_y = np.empty_like(y)
        for i in range(n):
            row = 0.0
            for j in range(n):
                row = row + ideal[i, j]
            for d in range(m):
                acc = 0.0
                for j in range(n):
                    acc = acc + ideal[i, j] * new_x[j, d]
                new_y[i, d] = acc + (1.0 - min(1.0, row)) * y[i, d]
    return new_x, new_y, target, prop_i, prop_j, chosen


@kernel
def _dist(a: np.ndarray, b: np.ndarray) -> float:
    total = 0.0
    for i in range(a.shape[0]):
        s = 0.0
        for d in range(a.shape[1]):
            t = a[i, d] - b[i, d]
            s = s + t * t
        total = total + math.sqrt(s)
    return total


@kernel
def run(x0, sal, cap, ideal, identity, params, uniforms):
    """A whole run (§5). Returns positions[T+1, n, m], risk[T+1, n], win probabilities
    [T+1, n], stop ratios[T], targets[T, n], chosen options[T, n] (-1 = status quo, else
    the chosen proposal's initiator) and the final groups' probabilities and
    representatives."""
    (victory, model, _stochastic, rule, adjust, rng_kind, _commit, _inter, _bargn) = params
    n, m = x0.shape
    total_sal = np.empty(n)
    for i in range(n):
        s = 0.0
        for d in range(m):
            s = s + sal[i, d]
        total_sal[i] = s
    weight = np.empty(n)
    for i in range(n):
        weight[i] = total_sal[i] * cap[i]
    positions = np.empty((MAX_TURNS + 1, n, m))
    risk = np.empty((MAX_TURNS + 1, n))
    probs = np.empty((MAX_TURNS + 1, n))
    ratios = np.empty(MAX_TURNS)
    targets = np.full((MAX_TURNS, n), -1, dtype=np.int64)
    movers = np.full((MAX_TURNS, n), -1, dtype=np.int64)
    x = x0.copy()
    y = x0.copy()
    positions[0] = x
    delta = _state(x, y, sal)
    r = _risk(delta, cap, rule, victory, model, rng_kind)
    own = _own_view(delta, r, adjust)
    risk[0] = r
    probs[0], pg, reps = win_probabilities(x, own, cap, rule, victory, model)
    d1 = 0.0
    t = 0
    while True:
        t += 1
        new_x, new_y, target, prop_i, _prop_j, chosen = turn(
            x, y, sal, cap, weight, total_sal, ideal, identity, r, delta, own, params,
            uniforms[t - 1])
        targets[t - 1] = target
        for k in range(n):
            movers[t - 1, k] = -1 if chosen[k] < 0 else prop_i[chosen[k]]
        dt = _dist(new_x, x)
        if t == 1:
            d1 = dt + 1e-4
        ratios[t - 1] = dt / d1
        x = new_x
        y = new_y
        positions[t] = x
        delta = _state(x, y, sal)
        r = _risk(delta, cap, rule, victory, model, rng_kind)
        own = _own_view(delta, r, adjust)
        risk[t] = r
        probs[t], pg, reps = win_probabilities(x, own, cap, rule, victory, model)
        if t >= MAX_TURNS or (t >= 2 and ratios[t - 1] < 0.02):
            break
    return (positions[: t + 1].copy(), risk[: t + 1].copy(), probs[: t + 1].copy(),
            ratios[:t].copy(), targets[:t].copy(), movers[:t].copy(), pg, reps)


@kernel
def run_batch(x0, sal, cap, ideal, identity, params, uniforms):
    """Final probability-weighted and most likely positions for B draws."""
    b, _n, m = x0.shape
    weighted = np.empty((b, m))
    likely = np.empty((b, m))
    turns = np.empty(b, dtype=np.int64)
    for k in range(b):  # draws in turn; each run is parallel inside
        out = run(x0[k], sal[k], cap[k], ideal, identity, params, uniforms[k])
        positions = out[0]
        pg = out[6]
        reps = out[7]
        final = positions[positions.shape[0] - 1]
        best = 0
        for g in range(pg.shape[0]):
            if pg[g] > pg[best]:
                best = g
        for d in range(m):
            acc = 0.0
            for g in range(pg.shape[0]):
                acc = acc + pg[g] * final[reps[g], d]
            weighted[k, d] = acc
            likely[k, d] = final[reps[best], d]
        turns[k] = positions.shape[0] - 1
    return weighted, likely, turns
