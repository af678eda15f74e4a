"""One round of the Equal Gain exchange model on the internal 0–100 scale.

Written from ``docs/model-exchange.md`` (the project's reading of the specification of
``decide-exchange-model`` 2025.3.1). Section numbers below refer to that specification.
Plain floats; the exact-arithmetic decisions use the spec's tolerances (§10).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

import numpy as np

EPS = 1e-9  # range tests and the knife edge (§4.5, §4.6, §10)
MIN_MOVE = 1e-10
FW, SW = 0.1, 0.4  # share of the voting move kept as a real position change (§6.3)


@dataclass
class Side:
    actor: int
    supply: int
    demand: int
    xs: float  # current supply position
    x0: float  # start-of-round supply position
    xd: float  # demand position (fixed copy, §4.3)
    history: list[float] = field(default_factory=list)
    move: float = 0.0
    y: float = 0.0
    eu: float = math.nan  # own gain (randomised variant)


@dataclass
class Candidate:
    index: int
    a: Side
    b: Side
    updates: dict[int, dict[int, float]] = field(default_factory=dict)
    gain: float = 0.0
    valid: bool = False
    version: int = 0


class Round:
    """State shared by the candidates of one round: weights, outcomes, start positions."""

    def __init__(self, x: np.ndarray, s: np.ndarray, c: np.ndarray, present: np.ndarray):
        self.x = x  # [A, I] start positions (internal scale; NaN where absent)
        self.s = s
        self.w = np.where(present, c * s, 0.0)
        self.present = present
        self.d = self.w.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.outcome = np.where(
                self.d > 0, np.where(present, self.w * np.nan_to_num(x), 0.0).sum(axis=0)
                / np.where(self.d > 0, self.d, 1.0), 0.0)
        # Python lists for the scalar-heavy candidate arithmetic (NumPy scalar indexing is
        # several times slower there)
        self.sl = self.s.tolist()
        self.wl = self.w.tolist()
        self.xl = np.nan_to_num(x).tolist()
        self.dl = self.d.tolist()
        self.ol = self.outcome.tolist()

    def outcome_with(self, k: int, overrides: list[tuple[int, float]]) -> float:
        """Outcome of issue k with some actors' positions replaced (later entries win)."""
        d = self.dl[k]
        if d <= 0:
            return 0.0
        final = dict(overrides)
        total = self.ol[k] * d
        w, x = self.wl, self.xl
        for actor, pos in final.items():
            total += w[actor][k] * (pos - x[actor][k])
        return total / d


def ok(side: Side, m: float) -> bool:
    """The move test of §4.6."""
    if not (MIN_MOVE < abs(m) <= 100 + EPS):
        return False
    if not (-EPS <= side.xs + m <= 100 + EPS):
        return False
    h = side.history
    if len(h) == 1:  # the common case: one planned move
        return h[0] <= 100 + EPS and h[0] != 0
    if sum(h) > 100 + EPS:
        return False
    return all(v > 0 for v in h) or all(v < 0 for v in h)


def compute(cand: Candidate, rnd: Round) -> None:
    """Equal-gain moves, gain and validity of a candidate (§4.4), then the clamp (§4.5)."""
    a, b = cand.a, cand.b
    p, q = a.demand, a.supply  # A demands p, supplies q
    sa, sb = rnd.sl[a.actor], rnd.sl[b.actor]
    w_bp, w_aq = rnd.wl[b.actor][p], rnd.wl[a.actor][q]
    d_p, d_q = rnd.dl[p], rnd.dl[q]
    r = (sa[p] + sb[p]) / (sa[q] + sb[q])
    full_b = abs(a.xd - b.xs)
    full_a = abs(b.xd - a.xs)
    dop = full_b * w_bp / d_p
    doq = r * dop
    m_a = doq * d_q / w_aq
    m_b = full_b
    if m_a > full_a:
        doq = full_a * w_aq / d_q
        dop = doq / r
        m_a = full_a
        m_b = dop * d_p / w_bp
    if a.xs > b.xd:
        m_a = -m_a
    if b.xs > a.xd:
        m_b = -m_b
    a.history.append(m_a)
    b.history.append(m_b)
    a.move, b.move = m_a, m_b
    a.y, b.y = a.xs + m_a, b.xs + m_b
    cand.gain = abs(sa[q] * doq - sa[p] * dop)
    cand.valid = ok(a, m_a) and ok(b, m_b)
    if cand.gain < 1e-10:
        cand.valid = False
    if not cand.valid:
        return
    _clamp(cand, a, b, rnd)
    _clamp(cand, b, a, rnd)
    cand.valid = ok(a, a.move) and ok(b, b.move)


def _clamp(cand: Candidate, side: Side, partner: Side, rnd: Round) -> None:
    """Stop the outcome of side's supply issue at the partner's position (§4.5)."""
    k, k2 = side.supply, side.demand
    z = partner.xd
    upd = list(cand.updates.get(k, {}).items())
    o0 = rnd.outcome_with(k, [*upd, (side.actor, side.xs)])
    o1 = rnd.outcome_with(k, [*upd, (side.actor, side.y)])
    d0, d1 = z - o0, z - o1
    if abs(d0) <= EPS or abs(d1) <= EPS or (d0 > 0) == (d1 > 0):
        return
    s, w, d = rnd.sl, rnd.wl, rnd.dl
    o_tilde = rnd.outcome_with(k, [(side.actor, side.xs), *upd])
    do_k = abs(z - o_tilde)
    m_s = do_k * d[k] / w[side.actor][k]
    do_k2 = do_k * (s[side.actor][k] + s[partner.actor][k]) / (
        s[side.actor][k2] + s[partner.actor][k2])
    m_t = do_k2 * d[k2] / w[partner.actor][k2]
    if side.xs > z:
        m_s = -m_s
    if partner.xs > side.xd:
        m_t = -m_t
    side.history[-1] = m_s
    partner.history[-1] = m_t
    side.move, partner.move = m_s, m_t
    side.y, partner.y = side.xs + m_s, partner.xs + m_t
    cand.gain = abs(s[partner.actor][k2] * do_k2 - s[partner.actor][k] * do_k)
    cand.valid = ok(partner, m_t) and ok(side, m_s)


def _record(cand: Candidate, k: int, z: Side) -> None:
    table = cand.updates.setdefault(k, {})
    if z.actor not in table:
        table[z.actor] = z.y
    else:
        u = table[z.actor]
        table[z.actor] = min(u, z.y) if z.x0 <= u else max(u, z.y)


def recalc(f: Candidate, e: Candidate, rnd: Round) -> bool:
    """Update candidate f after e was realised (§5.4); True if f was recomputed."""
    re = False
    for side in (f.a, f.b):
        for z in (e.a, e.b):
            if z.actor == side.actor and z.supply == side.supply:
                side.xs = z.y
                side.history.append(z.history[-1])
                re = True
                break
    if re:
        f.a.history.pop()
        f.b.history.pop()
    for z_demand, z_record, other in ((e.b, e.b.demand, e.a), (e.a, e.a.demand, e.b)):
        if any(sd.actor == z_demand.actor and sd.demand == z_demand.demand
               for sd in (f.a, f.b)):
            _record(f, z_record, other)
            if not re:
                f.a.history.pop()
                f.b.history.pop()
                re = True
    if re:
        compute(f, rnd)
    return re


def make_candidates(rnd: Round, issue_ok: np.ndarray) -> list[Candidate]:
    """Every candidate of the round in creation order (§4.2–4.3), computed."""
    _n_a, n_i = rnd.x.shape
    left = rnd.x <= rnd.outcome[None, :]
    takes_part = rnd.present & (rnd.s > 0)
    out: list[Candidate] = []
    for p in range(n_i):
        if not issue_ok[p]:
            continue
        for q in range(p + 1, n_i):
            if not issue_ok[q]:
                continue
            both = np.flatnonzero(takes_part[:, p] & takes_part[:, q])
            # g0 right/right, g1 left/right, g2 right/left, g3 left/left (on p/q)
            g: list[list[int]] = [[], [], [], []]
            for actor in both:
                g[int(left[actor, p]) + 2 * int(left[actor, q])].append(int(actor))
            for us, vs in ((g[0], g[3]), (g[1], g[2])):
                for u in us:
                    for v in vs:
                        out.append(_candidate(len(out), u, v, p, q, rnd))
    return out


def _candidate(index: int, u: int, v: int, p: int, q: int, rnd: Round) -> Candidate:
    s, x = rnd.sl, rnd.xl
    if s[u][p] / s[u][q] < s[v][p] / s[v][q]:
        actor_a, actor_b = v, u
    else:
        actor_a, actor_b = u, v
    a = Side(actor_a, supply=q, demand=p, xs=x[actor_a][q], x0=x[actor_a][q],
             xd=x[actor_a][p])
    b = Side(actor_b, supply=p, demand=q, xs=x[actor_b][p], x0=x[actor_b][p],
             xd=x[actor_b][q])
    cand = Candidate(index, a, b)
    compute(cand, rnd)
    return cand


def run_round(x: np.ndarray, s: np.ndarray, c: np.ndarray, present: np.ndarray,
              issue_ok: np.ndarray) -> tuple[Round, list[Candidate], np.ndarray, np.ndarray]:
    """One round: returns the round state, the realised exchanges in order, the voting
    positions and the new start positions (all ``[A, I]`` on the internal scale)."""
    rnd = Round(x, s, c, present)
    cands = [cand for cand in make_candidates(rnd, issue_ok) if cand.valid]
    # Candidates touched by a realised exchange: indexed by (actor, supply issue) and by
    # (actor, demand issue), the only ones recalc() can change.
    by_key: dict[tuple[str, int, int], set[int]] = {}
    for cand in cands:
        for side in (cand.a, cand.b):
            by_key.setdefault(("s", side.actor, side.supply), set()).add(cand.index)
            by_key.setdefault(("d", side.actor, side.demand), set()).add(cand.index)
    alive = {cand.index: cand for cand in cands}
    heap = [(-cand.gain, cand.index, cand.version) for cand in cands]
    heapq.heapify(heap)
    realised: list[Candidate] = []
    while alive:
        best = _pop_best(heap, alive)
        if best is None:
            break
        del alive[best.index]
        touched: set[int] = set()
        for z in (best.a, best.b):
            touched |= by_key.get(("s", z.actor, z.supply), set())
        touched |= by_key.get(("d", best.b.actor, best.b.demand), set())
        touched |= by_key.get(("d", best.a.actor, best.a.demand), set())
        for index in sorted(touched):
            f = alive.get(index)
            if f is None:
                continue
            if recalc(f, best, rnd):
                if not f.valid:
                    del alive[index]
                    continue
                f.version += 1
                heapq.heappush(heap, (-f.gain, f.index, f.version))
        realised.append(best)
    voting = x.copy()
    for e in realised:
        for side in (e.a, e.b):
            voting[side.actor, side.supply] = side.y
    new = x.copy()
    for e in realised:
        for side in (e.a, e.b):
            share = FW + SW * (1 - s[side.actor, side.supply])
            new[side.actor, side.supply] = side.x0 + share * (side.y - side.x0)
    return rnd, realised, voting, new


def _pop_best(heap: list, alive: dict[int, Candidate]) -> Candidate | None:
    """The highest gain; among near-ties (1e-12 relative) the earliest created (§5.2)."""
    while heap:
        _neg, index, version = heap[0]
        cand = alive.get(index)
        if cand is None or cand.version != version:
            heapq.heappop(heap)
            continue
        break
    else:
        return None
    g_max = -heap[0][0]
    threshold = g_max - 1e-12 * max(1.0, g_max)
    popped = []
    best = None
    while heap and -heap[0][0] >= threshold:
        entry = heapq.heappop(heap)
        cand = alive.get(entry[1])
        if cand is None or cand.version != entry[2]:
            continue
        popped.append(entry)
        if best is None or cand.index < best.index:
            best = cand
    for entry in popped:
        if entry[1] != best.index:
            heapq.heappush(heap, entry)
    return best
