"""Compiled round of Equal Gain, plain (p = 0, the exchange model's default) and
randomised (p > 0); Random Rate stays in the Python engine.

The same algorithm as :mod:`._exchange_engine` (specification §4–§6, §8), with the
candidates held column-wise in arrays instead of objects. Every floating-point expression
is evaluated in the same order as there, and the randomised variant consumes the same
uniforms in the same order, so the two agree bit for bit (tested).

Side 0 of a candidate is A (supplies q, demands p), side 1 is B. A side's move history
only needs its sum, its sign pattern and its last entry: a recalculation removes at most
the last entry before the next one is appended (§5.4), so the entries before the last are
kept as a running sum and two "all positive" / "all negative" flags.
The update map U of a candidate (§5.4 ``record``) holds entries for its two issues only;
they live in a shared pool as linked lists, in insertion order (the order matters for the
sums in ``_outcome``).

The arrays threaded through the functions: actor, sup, dem ``[C, 2]`` int; xs, x0, xd,
move, y ``[C, 2]``; the history as hsum, hlen, hpos, hneg, has_last ``[C, 2]``; gain,
valid ``[C]``; uhead/utail ``[C, 2]`` (-1 = empty) into pool_actor, pool_pos, pool_next.
"""

from __future__ import annotations

import heapq

import numpy as np
from numba import prange

from ._jit import kernel

EPS = 1e-9
MIN_MOVE = 1e-10


@kernel
def _ok(m: float, xs: float, hsum: float, hlen: int, hpos: bool, hneg: bool) -> bool:
    """The move test of §4.6 for a side whose history ends with m."""
    if not (MIN_MOVE < abs(m) <= 100 + EPS):
        return False
    if not (-EPS <= xs + m <= 100 + EPS):
        return False
    if hlen == 0:
        return m <= 100 + EPS and m != 0
    if hsum + m > 100 + EPS:
        return False
    return (hpos and m > 0) or (hneg and m < 0)


@kernel
def _append(c, j, m, move, hsum, hlen, hpos, hneg, has_last):
    if has_last[c, j]:
        last = move[c, j]
        hsum[c, j] += last
        hlen[c, j] += 1
        hpos[c, j] = hpos[c, j] and last > 0
        hneg[c, j] = hneg[c, j] and last < 0
    move[c, j] = m
    has_last[c, j] = True


@kernel(inline="always")
def _side_ok(c, j, move, xs, hsum, hlen, hpos, hneg):
    return _ok(move[c, j], xs[c, j], hsum[c, j], hlen[c, j], hpos[c, j], hneg[c, j])


@kernel(inline="always")
def _both_ok(c, move, xs, hsum, hlen, hpos, hneg):
    return (_side_ok(c, 0, move, xs, hsum, hlen, hpos, hneg)
            and _side_ok(c, 1, move, xs, hsum, hlen, hpos, hneg))


@kernel(inline="always")
def _set_moves(c, m_a, m_b, xs, xd, move, y, hsum, hlen, hpos, hneg, has_last):
    """Each actor moves towards its partner (§4.4 step 5); record the planned moves."""
    if xs[c, 0] > xd[c, 1]:
        m_a = -m_a
    if xs[c, 1] > xd[c, 0]:
        m_b = -m_b
    _append(c, 0, m_a, move, hsum, hlen, hpos, hneg, has_last)
    _append(c, 1, m_b, move, hsum, hlen, hpos, hneg, has_last)
    y[c, 0] = xs[c, 0] + m_a
    y[c, 1] = xs[c, 1] + m_b


@kernel
def _outcome(k, c, slot, side_first, sa, pos, x, w, d, ol, uhead, pool_actor, pool_pos,
             pool_next):
    """Outcome of issue k with candidate c's update map for k and actor sa at pos.
    ``side_first`` False: the map, then sa (sa wins); True: sa, then the map (the map
    wins) — the two precedences of §4.5."""
    dk = d[k]
    if dk <= 0:
        return 0.0
    total = ol[k] * dk
    if side_first:
        val = pos
        e = uhead[c, slot]
        while e >= 0:
            if pool_actor[e] == sa:
                val = pool_pos[e]
            e = pool_next[e]
        total += w[sa, k] * (val - x[sa, k])
        e = uhead[c, slot]
        while e >= 0:
            a = pool_actor[e]
            if a != sa:
                total += w[a, k] * (pool_pos[e] - x[a, k])
            e = pool_next[e]
    else:
        found = False
        e = uhead[c, slot]
        while e >= 0:
            a = pool_actor[e]
            if a == sa:
                found = True
                total += w[a, k] * (pos - x[a, k])
            else:
                total += w[a, k] * (pool_pos[e] - x[a, k])
            e = pool_next[e]
        if not found:
            total += w[sa, k] * (pos - x[sa, k])
    return total / dk


@kernel
def _groups(p, q, takes_part, left, members, cnt):
    """The actors on issues p and q by side of the outcomes (§4.2), in actor order:
    group g0 right/right, g1 left/right, g2 right/left, g3 left/left; ``cnt`` their sizes."""
    cnt[:] = 0
    for a in range(takes_part.shape[0]):
        if takes_part[a, p] and takes_part[a, q]:
            gi = int(left[a, p]) + 2 * int(left[a, q])
            members[gi, cnt[gi]] = a
            cnt[gi] += 1


@kernel
def _round(x, s, w, d, ol, takes_part, left, issue_ok, p_random, uniforms):
    """One round; ``p_random`` > 0 randomises (§8) with three numbers of ``uniforms`` per valid
    computed candidate, in order. If they run out, the round stops early and reports it
    (the caller extends the stream and runs the round again)."""
    n_a, n_i = x.shape
    # --- count and create candidates in creation order (§4.2–4.3)
    members = np.empty((4, n_a), np.int64)
    cnt = np.zeros(4, np.int64)
    n_c = 0
    for p in range(n_i):
        if not issue_ok[p]:
            continue
        for q in range(p + 1, n_i):
            if issue_ok[q]:
                _groups(p, q, takes_part, left, members, cnt)
                n_c += cnt[0] * cnt[3] + cnt[1] * cnt[2]
    actor = np.empty((n_c, 2), np.int64)
    sup = np.empty((n_c, 2), np.int64)
    dem = np.empty((n_c, 2), np.int64)
    xs = np.empty((n_c, 2))
    x0 = np.empty((n_c, 2))
    xd = np.empty((n_c, 2))
    move = np.zeros((n_c, 2))
    y = np.empty((n_c, 2))
    hsum = np.zeros((n_c, 2))
    hlen = np.zeros((n_c, 2), np.int64)
    hpos = np.ones((n_c, 2), np.bool_)
    hneg = np.ones((n_c, 2), np.bool_)
    has_last = np.zeros((n_c, 2), np.bool_)
    gain = np.zeros(n_c)
    valid = np.zeros(n_c, np.bool_)
    uhead = np.full((n_c, 2), -1, np.int64)
    utail = np.full((n_c, 2), -1, np.int64)
    pool_actor = np.empty(1024, np.int64)
    pool_pos = np.empty(1024)
    pool_next = np.empty(1024, np.int64)
    n_pool = 0
    eu = np.full((n_c, 2), np.nan)
    eu_max = np.full((n_c, 2), np.nan)
    upos = np.zeros(1, np.int64)  # next uniform; -1 once they ran out
    rand = (p_random, uniforms, upos, eu, eu_max)

    c = 0
    for p in range(n_i):
        if not issue_ok[p]:
            continue
        for q in range(p + 1, n_i):
            if not issue_ok[q]:
                continue
            _groups(p, q, takes_part, left, members, cnt)
            for gu, gv in ((0, 3), (1, 2)):
                for iu in range(cnt[gu]):
                    u = members[gu, iu]
                    for iv in range(cnt[gv]):
                        v = members[gv, iv]
                        if s[u, p] / s[u, q] < s[v, p] / s[v, q]:
                            ia, ib = v, u
                        else:
                            ia, ib = u, v
                        actor[c, 0] = ia
                        actor[c, 1] = ib
                        sup[c, 0] = q
                        dem[c, 0] = p
                        sup[c, 1] = p
                        dem[c, 1] = q
                        xs[c, 0] = x[ia, q]
                        x0[c, 0] = x[ia, q]
                        xd[c, 0] = x[ia, p]
                        xs[c, 1] = x[ib, p]
                        x0[c, 1] = x[ib, p]
                        xd[c, 1] = x[ib, q]
                        _compute(c, actor, sup, dem, xs, xd, move, y, hsum, hlen, hpos,
                                 hneg, has_last, gain, valid, x, s, w, d, ol, uhead,
                                 pool_actor, pool_pos, pool_next, rand)
                        if upos[0] < 0:
                            return (realised_none(), actor, sup, dem, xs, x0, move, y,
                                    gain, eu, eu_max, False)
                        c += 1

    # --- candidate index by (actor, supply issue) and (actor, demand issue), valid only
    n_keys = n_a * n_i
    s_off = np.zeros(n_keys + 1, np.int64)
    d_off = np.zeros(n_keys + 1, np.int64)
    for c in range(n_c):
        if valid[c]:
            for j in range(2):
                s_off[actor[c, j] * n_i + sup[c, j] + 1] += 1
                d_off[actor[c, j] * n_i + dem[c, j] + 1] += 1
    for kk in range(n_keys):
        s_off[kk + 1] += s_off[kk]
        d_off[kk + 1] += d_off[kk]
    s_idx = np.empty(s_off[n_keys], np.int64)
    d_idx = np.empty(d_off[n_keys], np.int64)
    s_fill = s_off[:-1].copy()
    d_fill = d_off[:-1].copy()
    for c in range(n_c):
        if valid[c]:
            for j in range(2):
                kk = actor[c, j] * n_i + sup[c, j]
                s_idx[s_fill[kk]] = c
                s_fill[kk] += 1
                kk = actor[c, j] * n_i + dem[c, j]
                d_idx[d_fill[kk]] = c
                d_fill[kk] += 1

    # --- selection loop (§5.1) with a heap of (-gain, index, version)
    alive = valid.copy()
    n_alive = 0
    version = np.zeros(n_c, np.int64)
    heap = [(0.0, np.int64(0), np.int64(0))]
    heap.pop()
    for c in range(n_c):
        if valid[c]:
            n_alive += 1
            heap.append((-gain[c], np.int64(c), np.int64(0)))
    heapq.heapify(heap)
    stamp = np.full(n_c, -1, np.int64)
    touched = np.empty(max(n_c, 1), np.int64)
    realised = np.empty(max(n_c, 1), np.int64)
    n_real = 0
    popped = [(0.0, np.int64(0), np.int64(0))]
    while n_alive > 0:
        # _pop_best: highest gain, near-ties (1e-12 relative) to the earliest created
        while len(heap) > 0:
            top = heap[0]
            if not alive[top[1]] or version[top[1]] != top[2]:
                heapq.heappop(heap)
                continue
            break
        if len(heap) == 0:
            break
        g_max = -heap[0][0]
        threshold = g_max - 1e-12 * max(1.0, g_max)
        popped.clear()
        best = -1
        while len(heap) > 0 and -heap[0][0] >= threshold:
            entry = heapq.heappop(heap)
            ci = entry[1]
            if not alive[ci] or version[ci] != entry[2]:
                continue
            popped.append(entry)
            if best < 0 or ci < best:
                best = ci
        for entry in popped:
            if entry[1] != best:
                heapq.heappush(heap, entry)
        alive[best] = False
        n_alive -= 1
        # candidates sharing (actor, supply issue) or (actor, demand issue) with best
        n_t = 0
        for which in range(4):
            if which < 2:
                kk = actor[best, which] * n_i + sup[best, which]
                lo, hi, idx = s_off[kk], s_off[kk + 1], s_idx
            else:
                jz = 3 - which  # B's demand key first, then A's (order is irrelevant)
                kk = actor[best, jz] * n_i + dem[best, jz]
                lo, hi, idx = d_off[kk], d_off[kk + 1], d_idx
            for e in range(lo, hi):
                f = idx[e]
                if stamp[f] != best and alive[f]:
                    stamp[f] = best
                    touched[n_t] = f
                    n_t += 1
        order = np.sort(touched[:n_t])
        for f in order:
            if not alive[f]:
                continue
            # recalc(f, best) (§5.4)
            re = False
            matched0 = False
            matched1 = False
            for j in range(2):
                for jz in range(2):
                    if actor[best, jz] == actor[f, j] and sup[best, jz] == sup[f, j]:
                        xs[f, j] = y[best, jz]
                        if j == 0:
                            matched0 = True
                        else:
                            matched1 = True
                        re = True
                        break
            if re:  # a matched side keeps its history, an unmatched one loses its last
                if not matched0:
                    has_last[f, 0] = False
                if not matched1:
                    has_last[f, 1] = False
            for t in range(2):
                zd = 1 - t  # test 1: E.B's (actor, demand), recording E.A; test 2 swapped
                hit = False
                for j in range(2):
                    if actor[f, j] == actor[best, zd] and dem[f, j] == dem[best, zd]:
                        hit = True
                if hit:
                    k = dem[best, zd]
                    slot = 0 if k == sup[f, 0] else 1
                    za = actor[best, t]
                    zy = y[best, t]
                    e = uhead[f, slot]
                    found = False
                    while e >= 0:
                        if pool_actor[e] == za:
                            u = pool_pos[e]
                            if x0[best, t] <= u:
                                pool_pos[e] = min(u, zy)
                            else:
                                pool_pos[e] = max(u, zy)
                            found = True
                            break
                        e = pool_next[e]
                    if not found:
                        if n_pool == pool_actor.shape[0]:
                            pool_actor = _grow_i(pool_actor)
                            pool_pos = _grow_f(pool_pos)
                            pool_next = _grow_i(pool_next)
                        pool_actor[n_pool] = za
                        pool_pos[n_pool] = zy
                        pool_next[n_pool] = -1
                        if utail[f, slot] >= 0:
                            pool_next[utail[f, slot]] = n_pool
                        else:
                            uhead[f, slot] = n_pool
                        utail[f, slot] = n_pool
                        n_pool += 1
                    if not re:
                        has_last[f, 0] = False
                        has_last[f, 1] = False
                        re = True
            if re:
                _compute(f, actor, sup, dem, xs, xd, move, y, hsum, hlen, hpos, hneg,
                         has_last, gain, valid, x, s, w, d, ol, uhead, pool_actor,
                         pool_pos, pool_next, rand)
                if upos[0] < 0:
                    return (realised_none(), actor, sup, dem, xs, x0, move, y, gain, eu,
                            eu_max, False)
                if not valid[f]:
                    alive[f] = False
                    n_alive -= 1
                    continue
                version[f] += 1
                heapq.heappush(heap, (-gain[f], np.int64(f), version[f]))
        realised[n_real] = best
        n_real += 1
    return realised[:n_real], actor, sup, dem, xs, x0, move, y, gain, eu, eu_max, True


@kernel
def realised_none():
    return np.empty(0, np.int64)


@kernel
def _grow_i(arr):
    out = np.empty(arr.shape[0] * 2, np.int64)
    out[: arr.shape[0]] = arr
    return out


@kernel
def _grow_f(arr):
    out = np.empty(arr.shape[0] * 2)
    out[: arr.shape[0]] = arr
    return out


@kernel
def _compute(c, actor, sup, dem, xs, xd, move, y, hsum, hlen, hpos, hneg, has_last, gain,
             valid, x, s, w, d, ol, uhead, pool_actor, pool_pos, pool_next, rand):
    """Equal-gain moves, gain and validity (§4.4), then the clamp (§4.5), then for p > 0
    the randomised moves (§8)."""
    ia, ib = actor[c, 0], actor[c, 1]
    p, q = dem[c, 0], sup[c, 0]
    w_bp, w_aq = w[ib, p], w[ia, q]
    d_p, d_q = d[p], d[q]
    r = (s[ia, p] + s[ib, p]) / (s[ia, q] + s[ib, q])
    full_b = abs(xd[c, 0] - xs[c, 1])
    full_a = abs(xd[c, 1] - xs[c, 0])
    dop = full_b * w_bp / d_p
    doq = r * dop
    m_a = doq * d_q / w_aq
    m_b = full_b
    if m_a > full_a:
        doq = full_a * w_aq / d_q
        dop = doq / r
        m_a = full_a
        m_b = dop * d_p / w_bp
    _set_moves(c, m_a, m_b, xs, xd, move, y, hsum, hlen, hpos, hneg, has_last)
    gain[c] = abs(s[ia, q] * doq - s[ia, p] * dop)
    ok = _both_ok(c, move, xs, hsum, hlen, hpos, hneg)
    if gain[c] < 1e-10:
        ok = False
    valid[c] = ok
    if not ok:
        return
    for j in range(2):
        _clamp(c, j, actor, sup, dem, xs, xd, move, y, hsum, hlen, hpos, hneg, gain,
               valid, x, s, w, d, ol, uhead, pool_actor, pool_pos, pool_next)
    valid[c] = _both_ok(c, move, xs, hsum, hlen, hpos, hneg)
    p, uniforms, upos, eu, eu_max = rand
    if valid[c] and p > 0:
        k0 = upos[0]
        if k0 + 3 > uniforms.shape[0]:
            upos[0] = -1
            return
        upos[0] = k0 + 3
        _randomise(c, uniforms[k0], uniforms[k0 + 1], uniforms[k0 + 2], p, actor, sup, dem,
                   xs, xd, move, y, hsum, hlen, hpos, hneg, has_last, gain, valid, x, s, w,
                   d, ol, uhead, pool_actor, pool_pos, pool_next, eu, eu_max)


@kernel
def _clamp(c, j, actor, sup, dem, xs, xd, move, y, hsum, hlen, hpos, hneg, gain, valid,
           x, s, w, d, ol, uhead, pool_actor, pool_pos, pool_next):
    """Stop the outcome of side j's supply issue at the partner's position (§4.5)."""
    t = 1 - j
    k, k2 = sup[c, j], dem[c, j]
    z = xd[c, t]
    sa, ta = actor[c, j], actor[c, t]
    if not _passes(c, j, y[c, j], z, actor, sup, xs, x, w, d, ol, uhead, pool_actor,
                   pool_pos, pool_next):
        return
    do_k = _shift_to(c, j, z, actor, sup, xs, x, w, d, ol, uhead, pool_actor, pool_pos,
                     pool_next)
    m_s = do_k * d[k] / w[sa, k]
    do_k2 = do_k * (s[sa, k] + s[ta, k]) / (s[sa, k2] + s[ta, k2])
    m_t = do_k2 * d[k2] / w[ta, k2]
    if xs[c, j] > z:
        m_s = -m_s
    if xs[c, t] > xd[c, j]:
        m_t = -m_t
    move[c, j] = m_s
    move[c, t] = m_t
    y[c, j] = xs[c, j] + m_s
    y[c, t] = xs[c, t] + m_t
    gain[c] = abs(s[ta, k2] * do_k2 - s[ta, k] * do_k)
    valid[c] = (_side_ok(c, t, move, xs, hsum, hlen, hpos, hneg)
                and _side_ok(c, j, move, xs, hsum, hlen, hpos, hneg))


@kernel(inline="always")
def _passes(c, j, yj, z, actor, sup, xs, x, w, d, ol, uhead, pool_actor, pool_pos,
            pool_next):
    """Would moving side j from xs to yj push the outcome of its supply issue past z?"""
    k, sa = sup[c, j], actor[c, j]
    o0 = _outcome(k, c, j, False, sa, xs[c, j], x, w, d, ol, uhead, pool_actor, pool_pos,
                  pool_next)
    o1 = _outcome(k, c, j, False, sa, yj, x, w, d, ol, uhead, pool_actor, pool_pos,
                  pool_next)
    d0 = z - o0
    d1 = z - o1
    return not (abs(d0) <= EPS or abs(d1) <= EPS or (d0 > 0) == (d1 > 0))


@kernel(inline="always")
def _shift_to(c, j, z, actor, sup, xs, x, w, d, ol, uhead, pool_actor, pool_pos, pool_next):
    return abs(z - _outcome(sup[c, j], c, j, True, actor[c, j], xs[c, j], x, w, d, ol, uhead,
                            pool_actor, pool_pos, pool_next))


@kernel
def _randomise(c, u, v, zz, p, actor, sup, dem, xs, xd, move, y, hsum, hlen, hpos, hneg,
               has_last, gain, valid, x, s, w, d, ol, uhead, pool_actor, pool_pos, pool_next,
               eu, eu_max):
    """Randomised Equal Gain (§8), as ``_exchange_engine._randomise``, term for term."""
    g = gain[c]
    loss = np.empty(2)
    best = np.empty(2)
    for j in range(2):
        t = 1 - j
        shift = abs(xd[c, t] - xs[c, j]) * w[actor[c, j], sup[c, j]] / d[sup[c, j]]
        loss[j] = shift * s[actor[c, j], sup[c, j]]
        best[t] = shift * s[actor[c, t], dem[c, t]]
    if best[0] > best[1]:
        xj, yj = 1, 0
    else:
        xj, yj = 0, 1
    gain_x = best[xj]
    loss_y = loss[yj]
    t_x = s[actor[c, xj], sup[c, xj]]
    d_y = s[actor[c, yj], dem[c, yj]]
    eu_max[c, xj] = gain_x - t_x * loss_y / d_y
    eu_max[c, yj] = d_y * gain_x / t_x - loss_y
    rj = 0 if u < 0.5 else 1
    tj = 1 - rj
    target = g + p * zz * (eu_max[c, rj] - g) if v < 0.5 else g - p * zz * g
    k, k2 = sup[c, rj], dem[c, rj]
    ra, ta = actor[c, rj], actor[c, tj]
    s_sup, s_dem = s[ra, k], s[ra, k2]
    w_r, w_t = w[ra, k], w[ta, k2]
    full_r, full_t = abs(xd[c, tj] - xs[c, rj]), abs(xd[c, rj] - xs[c, tj])
    do_sup = full_r * w_r / d[k]
    do_dem = (target + do_sup * s_sup) / s_dem
    m_t = do_dem * d[k2] / w_t
    if m_t > full_t:
        m_t = full_t
        do_dem = full_t * w_t / d[k2]
        y_t = xs[c, tj] + (-m_t if xs[c, tj] > xd[c, rj] else m_t)
        if _passes(c, tj, y_t, xd[c, rj], actor, sup, xs, x, w, d, ol, uhead, pool_actor,
                   pool_pos, pool_next):
            do_dem = _shift_to(c, tj, xd[c, rj], actor, sup, xs, x, w, d, ol, uhead,
                               pool_actor, pool_pos, pool_next)
            m_t = do_dem * d[k2] / w_t
        do_sup = (s_dem * do_dem - target) / s_sup
        m_r = do_sup * d[k] / w_r
    else:
        m_r = full_r
        y_r = xs[c, rj] + (-m_r if xs[c, rj] > xd[c, tj] else m_r)
        if _passes(c, rj, y_r, xd[c, tj], actor, sup, xs, x, w, d, ol, uhead, pool_actor,
                   pool_pos, pool_next):
            do_sup = _shift_to(c, rj, xd[c, tj], actor, sup, xs, x, w, d, ol, uhead,
                               pool_actor, pool_pos, pool_next)
            m_r = do_sup * d[k] / w_r
            do_dem = (target + do_sup * s_sup) / s_dem
            m_t = do_dem * d[k2] / w_t
    has_last[c, 0] = False  # the equal-gain moves are replaced
    has_last[c, 1] = False
    m_a, m_b = (m_r, m_t) if rj == 0 else (m_t, m_r)
    _set_moves(c, m_a, m_b, xs, xd, move, y, hsum, hlen, hpos, hneg, has_last)
    if m_r <= 0:
        move[c, rj] = 0.0
        y[c, rj] = xs[c, rj]
    eu[c, rj] = s_dem * do_dem - s_sup * do_sup
    eu[c, tj] = s[ta, k] * do_sup - s[ta, k2] * do_dem
    valid[c] = _both_ok(c, move, xs, hsum, hlen, hpos, hneg)


@kernel
def _positions(x, s, realised, actor, sup, x0, y, fw, sw):
    """Voting positions and new start positions (§6.1, §6.3): the last exchange wins."""
    voting = x.copy()
    new = x.copy()
    for e in realised:
        for j in range(2):
            a, k = actor[e, j], sup[e, j]
            voting[a, k] = y[e, j]
            share = fw + sw * (1 - s[a, k])
            new[a, k] = x0[e, j] + share * (y[e, j] - x0[e, j])
    return voting, new


def run_round(x: np.ndarray, s: np.ndarray, w: np.ndarray, d: np.ndarray,
              outcome: np.ndarray, takes_part: np.ndarray, issue_ok: np.ndarray,
              fw: float, sw: float, p: float = 0.0,
              rng: np.random.Generator | None = None):
    """One round. Returns (realised indices, the candidates' columns (actor, sup, dem, xs,
    x0, move, y, gain, eu, eu_max), voting positions, new start positions). For p > 0,
    ``rng`` (this round's own generator) supplies the uniforms, consumed in order as the
    Python engine draws them; the stream is extended and the round rerun if it runs out."""
    xz = np.ascontiguousarray(np.nan_to_num(x))
    left = x <= outcome[None, :]
    args = (xz, np.ascontiguousarray(s), np.ascontiguousarray(w), d, outcome,
            np.ascontiguousarray(takes_part), np.ascontiguousarray(left),
            np.ascontiguousarray(issue_ok))
    uniforms = rng.random(3 * 4096) if p > 0 else np.empty(0)
    while True:
        cols = _round(*args, p, uniforms)
        if cols[-1]:
            break
        uniforms = np.concatenate([uniforms, rng.random(uniforms.shape[0])])
    realised, actor, sup, dem, xs, x0, move, y, gain, eu, eu_max, _ = cols
    voting, new = _positions(np.ascontiguousarray(x), np.ascontiguousarray(s), realised,
                             actor, sup, x0, y, fw, sw)
    return realised, (actor, sup, dem, xs, x0, move, y, gain, eu, eu_max), voting, new


@kernel
def _weighted_outcome(x, w, present):
    """Round.outcome and D_k: sums over actors in actor order (as NumPy's axis-0 sums)."""
    n_a, n_i = x.shape
    d = np.zeros(n_i)
    num = np.zeros(n_i)
    for a in range(n_a):
        for k in range(n_i):
            d[k] += w[a, k]
            num[k] += w[a, k] * x[a, k] if present[a, k] else 0.0
    out = np.zeros(n_i)
    for k in range(n_i):
        if d[k] > 0:
            out[k] = num[k] / d[k]
    return out, d


@kernel(parallel=True)
def forecast_draws(cap, pos, sal, lo, hi, rounds, fw, sw):
    """Plain Equal Gain for a batch of draws: ``cap[B, A]``, ``pos``/``sal[B, A, I]`` on the
    issues' own scales → the last voting outcome of every draw ``[B, I]`` on those scales.
    The draws run in parallel; each gives exactly what ``exchange.simulate`` gives."""
    n_b, n_a, n_i = pos.shape
    out = np.empty((n_b, n_i))
    no_uniforms = np.empty(0)
    for b in prange(n_b):
        present = np.empty((n_a, n_i), np.bool_)
        x = np.empty((n_a, n_i))
        s = np.empty((n_a, n_i))
        w = np.empty((n_a, n_i))
        for a in range(n_a):
            for k in range(n_i):
                p = pos[b, a, k]
                ok = not np.isnan(p) and sal[b, a, k] > 0 and cap[b, a] > 0
                present[a, k] = ok
                x[a, k] = (p - lo[k]) * (100.0 / (hi[k] - lo[k])) if ok else np.nan
                s[a, k] = sal[b, a, k] if ok else 0.0
                w[a, k] = cap[b, a] * s[a, k] if ok else 0.0
        outcome, d = _weighted_outcome(x, w, present)
        issue_ok = d > 0
        final = outcome
        for _t in range(rounds):
            xz = np.where(present, x, 0.0)
            left = np.empty((n_a, n_i), np.bool_)
            for a in range(n_a):
                for k in range(n_i):
                    left[a, k] = x[a, k] <= outcome[k]
            cols = _round(xz, s, w, d, outcome, present, left, issue_ok, 0.0, no_uniforms)
            realised, actor, sup, _dem, _xs, x0, _move, y = cols[:8]
            voting, new = _positions(x, s, realised, actor, sup, x0, y, fw, sw)
            final, _ = _weighted_outcome(voting, w, present)
            x = new
            outcome, _ = _weighted_outcome(x, w, present)
        for k in range(n_i):
            out[b, k] = final[k] * (hi[k] - lo[k]) / 100.0 + lo[k]
    return out
