"""One round of the exchange model on the internal 0–100 scale: Equal Gain, randomised
Equal Gain (p > 0) and Random Rate.

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
    eu: float = math.nan  # own gain (randomised Equal Gain, Random Rate)
    eu_max: float = math.nan  # best attainable gain (randomised Equal Gain, §8)


@dataclass
class Candidate:
    index: int
    a: Side
    b: Side
    updates: dict[int, dict[int, float]] = field(default_factory=dict)
    gain: float = 0.0
    valid: bool = False
    version: int = 0
    rate: float = math.nan  # ΔO_q / ΔO_p of a Random Rate candidate


@dataclass(frozen=True)
class Rules:
    """The variant: plain Equal Gain (p = 0), randomised Equal Gain (p > 0) or Random Rate,
    with the generator the random ones draw from."""

    variant: str = "equal-gain"
    p: float = 0.0
    rng: np.random.Generator | None = None

    @property
    def random_rate(self) -> bool:
        return self.variant == "random-rate"

    def for_round(self) -> Rules:
        """The rules for the next round: each round draws from its own generator, seeded
        from the run's, so the compiled and the Python engine consume the same numbers."""
        if self.rng is None:
            return self
        return Rules(self.variant, self.p, np.random.default_rng(self.rng.integers(2**63)))


EQUAL_GAIN = Rules()


class Round:
    """State shared by the candidates of one round: weights, outcomes, start positions."""

    def __init__(self, x: np.ndarray, s: np.ndarray, c: np.ndarray, present: np.ndarray,
                 rules: Rules = EQUAL_GAIN):
        self.rules = rules
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
    """Moves, gain and validity of a candidate (§4.4), then the clamp (§4.5); for p > 0 the
    randomised moves (§8), for Random Rate the candidate's own rate (§9.1)."""
    if rnd.rules.random_rate:
        _compute_rate(cand, rnd)
        return
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
    _set_moves(a, b, m_a, m_b)
    cand.gain = abs(sa[q] * doq - sa[p] * dop)
    cand.valid = ok(a, a.move) and ok(b, b.move)
    if cand.gain < 1e-10:
        cand.valid = False
    if not cand.valid:
        return
    _clamp(cand, a, b, rnd)
    _clamp(cand, b, a, rnd)
    cand.valid = ok(a, a.move) and ok(b, b.move)
    if cand.valid and rnd.rules.p > 0:
        u, v, z = rnd.rules.rng.random(3)
        _randomise(cand, rnd, float(u), float(v), float(z))


def _set_moves(a: Side, b: Side, m_a: float, m_b: float) -> None:
    """Each actor moves towards its partner (§4.4 step 5); record the planned moves."""
    if a.xs > b.xd:
        m_a = -m_a
    if b.xs > a.xd:
        m_b = -m_b
    a.history.append(m_a)
    b.history.append(m_b)
    a.move, b.move = m_a, m_b
    a.y, b.y = a.xs + m_a, b.xs + m_b


def _clamp(cand: Candidate, side: Side, partner: Side, rnd: Round) -> None:
    """Stop the outcome of side's supply issue at the partner's position (§4.5)."""
    k, k2 = side.supply, side.demand
    z = partner.xd
    if not _passes(cand, side, side.y, z, rnd):
        return
    s, w, d = rnd.sl, rnd.wl, rnd.dl
    do_k = _shift_to(cand, side, z, rnd)
    m_s = do_k * d[k] / w[side.actor][k]
    if rnd.rules.random_rate:  # the candidate's own rate, seen from side
        do_k2 = do_k / cand.rate if side is cand.a else do_k * cand.rate
    else:  # rule (4.1) seen from side
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
    if rnd.rules.random_rate:
        side.eu = s[side.actor][k2] * do_k2 - s[side.actor][k] * do_k
        partner.eu = s[partner.actor][k] * do_k - s[partner.actor][k2] * do_k2
    cand.valid = ok(partner, m_t) and ok(side, m_s)


def _passes(cand: Candidate, side: Side, y: float, z: float, rnd: Round) -> bool:
    """Would moving side from xs to y push the outcome of its supply issue past z?"""
    k = side.supply
    upd = list(cand.updates.get(k, {}).items())
    o0 = rnd.outcome_with(k, [*upd, (side.actor, side.xs)])
    o1 = rnd.outcome_with(k, [*upd, (side.actor, y)])
    d0, d1 = z - o0, z - o1
    return not (abs(d0) <= EPS or abs(d1) <= EPS or (d0 > 0) == (d1 > 0))


def _shift_to(cand: Candidate, side: Side, z: float, rnd: Round) -> float:
    """The outcome shift that stops side's supply issue at z; an entry for side itself in
    the update map wins over its current position (the reference's precedence, §4.5)."""
    k = side.supply
    upd = list(cand.updates.get(k, {}).items())
    return abs(z - rnd.outcome_with(k, [(side.actor, side.xs), *upd]))


def _randomise(cand: Candidate, rnd: Round, u: float, v: float, z: float) -> None:
    """Randomised Equal Gain (§8): one side R gets a gain drawn between the equal gain and
    its best attainable gain (or between 0 and the equal gain), moves fully, and its
    partner's move is sized to give R exactly that gain. The candidate keeps the equal gain
    for the ordering of §5.2."""
    a, b = cand.a, cand.b
    s, w, d = rnd.sl, rnd.wl, rnd.dl
    g = cand.gain
    best = best_cases(cand, rnd)
    x_side, y_side = (b, a) if best["gain"][id(a)] > best["gain"][id(b)] else (a, b)
    gain_x = best["gain"][id(x_side)]  # X: the side with the smaller best case
    loss_y = best["loss"][id(y_side)]
    t_x = s[x_side.actor][x_side.supply]
    d_y = s[y_side.actor][y_side.demand]
    x_side.eu_max = gain_x - t_x * loss_y / d_y
    y_side.eu_max = d_y * gain_x / t_x - loss_y
    r_side, partner = (a, b) if u < 0.5 else (b, a)
    p = rnd.rules.p
    target = g + p * z * (r_side.eu_max - g) if v < 0.5 else g - p * z * g
    k, k2 = r_side.supply, r_side.demand  # R supplies k, demands k2 (= partner's supply)
    s_sup, s_dem = s[r_side.actor][k], s[r_side.actor][k2]
    w_r, w_t = w[r_side.actor][k], w[partner.actor][k2]
    full_r, full_t = abs(partner.xd - r_side.xs), abs(r_side.xd - partner.xs)
    do_sup = full_r * w_r / d[k]
    do_dem = (target + do_sup * s_sup) / s_dem
    m_t = do_dem * d[k2] / w_t
    if m_t > full_t:  # the partner cannot move that far: it moves fully, R less
        m_t = full_t
        do_dem = full_t * w_t / d[k2]
        y_t = partner.xs + (-m_t if partner.xs > r_side.xd else m_t)
        if _passes(cand, partner, y_t, r_side.xd, rnd):
            do_dem = _shift_to(cand, partner, r_side.xd, rnd)
            m_t = do_dem * d[k2] / w_t
        do_sup = (s_dem * do_dem - target) / s_sup
        m_r = do_sup * d[k] / w_r
    else:
        m_r = full_r
        y_r = r_side.xs + (-m_r if r_side.xs > partner.xd else m_r)
        if _passes(cand, r_side, y_r, partner.xd, rnd):
            do_sup = _shift_to(cand, r_side, partner.xd, rnd)
            m_r = do_sup * d[k] / w_r
            do_dem = (target + do_sup * s_sup) / s_dem
            m_t = do_dem * d[k2] / w_t
    # A non-positive shift for R (its partner's capped move cannot give it the target gain)
    # leaves m_r ≤ 0, which the move test rejects below.
    r_side.history.pop()
    partner.history.pop()
    if r_side is a:
        _set_moves(a, b, m_r, m_t)
    else:
        _set_moves(a, b, m_t, m_r)
    if m_r <= 0:
        r_side.move = r_side.history[-1] = 0.0
        r_side.y = r_side.xs
    r_side.eu = s_dem * do_dem - s_sup * do_sup
    partner.eu = s[partner.actor][k] * do_sup - s[partner.actor][k2] * do_dem
    cand.valid = ok(a, a.move) and ok(b, b.move)


def best_cases(cand: Candidate, rnd: Round) -> dict[str, dict[int, float]]:
    """Per side (keyed by ``id``): the gain if the partner moves fully and the loss of its
    own full move (§8.1)."""
    s, w, d = rnd.sl, rnd.wl, rnd.dl
    out: dict[str, dict[int, float]] = {"gain": {}, "loss": {}}
    for side, partner in ((cand.a, cand.b), (cand.b, cand.a)):
        shift = abs(partner.xd - side.xs) * w[side.actor][side.supply] / d[side.supply]
        out["loss"][id(side)] = shift * s[side.actor][side.supply]
        out["gain"][id(partner)] = shift * s[partner.actor][partner.demand]
    return out


def _compute_rate(cand: Candidate, rnd: Round) -> None:
    """Random Rate (§9.1): B moves fully at the candidate's own rate r = ΔO_q / ΔO_p
    unless A would overshoot, in which case A moves fully; then the clamp of §4.5."""
    a, b = cand.a, cand.b
    p, q = a.demand, a.supply
    sa, sb = rnd.sl[a.actor], rnd.sl[b.actor]
    w_bp, w_aq = rnd.wl[b.actor][p], rnd.wl[a.actor][q]
    d_p, d_q = rnd.dl[p], rnd.dl[q]
    r = cand.rate
    dop = min(abs(a.xd - b.xs) * w_bp / d_p, abs(b.xd - a.xs) * w_aq / (d_q * r))
    doq = r * dop
    _set_moves(a, b, doq * d_q / w_aq, dop * d_p / w_bp)
    a.eu = sa[p] * dop - sa[q] * doq
    b.eu = sb[q] * doq - sb[p] * dop
    cand.valid = ok(a, a.move) and ok(b, b.move) and min(a.eu, b.eu) >= 1e-10
    if not cand.valid:
        return
    _clamp(cand, a, b, rnd)
    _clamp(cand, b, a, rnd)
    cand.valid = ok(a, a.move) and ok(b, b.move) and min(a.eu, b.eu) >= 1e-10
    cand.gain = min(a.eu, b.eu)


def lower_gain(cand: Candidate, side: Side, gain: float, rnd: Round) -> None:
    """Random Rate: side concedes down to ``gain``. Its own supply shift stays; the partner
    moves less, so the partner gains more (§9.1)."""
    partner = cand.b if side is cand.a else cand.a
    s, w, d = rnd.sl, rnd.wl, rnd.dl
    k, k2 = side.supply, side.demand
    do_sup = abs(side.move) * w[side.actor][k] / d[k]
    do_dem = (gain + s[side.actor][k] * do_sup) / s[side.actor][k2]
    m_t = do_dem * d[k2] / w[partner.actor][k2]
    if partner.move < 0:
        m_t = -m_t
    partner.history[-1] = m_t
    partner.move, partner.y = m_t, partner.xs + m_t
    side.eu = s[side.actor][k2] * do_dem - s[side.actor][k] * do_sup
    partner.eu = s[partner.actor][k] * do_sup - s[partner.actor][k2] * do_dem
    dop, doq = (do_dem, do_sup) if side is cand.a else (do_sup, do_dem)
    cand.rate = doq / dop
    cand.gain = min(side.eu, partner.eu)
    cand.valid = ok(partner, m_t) and cand.gain >= 1e-10


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
    if rnd.rules.random_rate:
        # uniform between the two break-even rates, where both actors gain (§9.1)
        sa, sb = s[actor_a], s[actor_b]
        lo, hi = sb[p] / sb[q], sa[p] / sa[q]
        cand.rate = lo + (hi - lo) * float(rnd.rules.rng.random())
    compute(cand, rnd)
    return cand


def run_round(x: np.ndarray, s: np.ndarray, c: np.ndarray, present: np.ndarray,
              issue_ok: np.ndarray, rules: Rules = EQUAL_GAIN
              ) -> tuple[Round, list[Candidate], np.ndarray, np.ndarray]:
    """One round: returns the round state, the realised exchanges in order, the voting
    positions and the new start positions (all ``[A, I]`` on the internal scale)."""
    rnd = Round(x, s, c, present, rules)
    cands = [cand for cand in make_candidates(rnd, issue_ok) if cand.valid]
    # Candidates touched by a realised exchange: indexed by (actor, supply issue) and by
    # (actor, demand issue), the only ones recalc() can change.
    by_key: dict[tuple[str, int, int], set[int]] = {}
    for cand in cands:
        for side in (cand.a, cand.b):
            by_key.setdefault(("s", side.actor, side.supply), set()).add(cand.index)
            by_key.setdefault(("d", side.actor, side.demand), set()).add(cand.index)
    alive = {cand.index: cand for cand in cands}
    realised: list[Candidate] = []
    if rules.random_rate:
        _select_by_rate(rnd, alive, by_key, realised)
    else:
        heap = [(-cand.gain, cand.index, cand.version) for cand in cands]
        heapq.heapify(heap)
        while alive:
            best = _pop_best(heap, alive)
            if best is None:
                break
            for f in _realise(best, rnd, alive, by_key):
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


def _realise(best: Candidate, rnd: Round, alive: dict[int, Candidate],
             by_key: dict[tuple[str, int, int], set[int]]) -> list[Candidate]:
    """Remove ``best`` and recalculate the candidates it touches (§5.1, §5.4); returns the
    recomputed ones that stay valid."""
    del alive[best.index]
    touched: set[int] = set()
    for z in (best.a, best.b):
        touched |= by_key.get(("s", z.actor, z.supply), set())
    touched |= by_key.get(("d", best.b.actor, best.b.demand), set())
    touched |= by_key.get(("d", best.a.actor, best.a.demand), set())
    changed = []
    for index in sorted(touched):
        f = alive.get(index)
        if f is None:
            continue
        if recalc(f, best, rnd):
            if not f.valid:
                del alive[index]
                continue
            f.version += 1
            changed.append(f)
    return changed


MAX_PASSES = 1024  # Random Rate: passes without a realised exchange before the round ends


def _select_by_rate(rnd: Round, alive: dict[int, Candidate],
                    by_key: dict[tuple[str, int, int], set[int]],
                    realised: list[Candidate]) -> None:
    """Random Rate selection (§9.1): realise a candidate that is the best of both its
    actors (by their own gains); if none is, every actor with candidates of different gains
    lowers its best gain to its second best (all actors at once, from the gains at the
    start of the pass) and the search repeats.

    Each actor's candidates sit in a heap of (-own gain, index, version) with lazy removal,
    so a pass costs O(actors · log candidates) plus the candidates that change."""
    heaps: dict[int, list[tuple[float, int, int]]] = {}

    def push(cand: Candidate) -> None:
        for side in (cand.a, cand.b):
            heapq.heappush(heaps.setdefault(side.actor, []), (-side.eu, cand.index,
                                                               cand.version))

    def head(actor: int) -> tuple[list[tuple[float, int, int]], float | None]:
        """The actor's candidates tied at its best gain (earliest first) and its second
        best gain (None if all are tied)."""
        heap = heaps.get(actor, [])
        tied: list[tuple[float, int, int]] = []
        second = None
        while heap:
            entry = heapq.heappop(heap)
            cand = alive.get(entry[1])
            if cand is None or cand.version != entry[2]:
                continue
            if tied and -entry[0] < -tied[0][0] - _tie(-tied[0][0]):
                second = -entry[0]
                heapq.heappush(heap, entry)
                break
            tied.append(entry)
        for entry in tied:
            heapq.heappush(heap, entry)
        return sorted(tied, key=lambda e: e[1]), second

    for cand in alive.values():
        push(cand)
    passes = 0
    while alive:
        heads = {actor: head(actor) for actor in sorted(heaps)}
        top = {actor: tied[0][1] for actor, (tied, _) in heads.items() if tied}
        mutual = {top[actor] for actor in top
                  if top.get(_partner(alive[top[actor]], actor)) == top[actor]}
        if mutual:
            best = max((alive[i] for i in mutual), key=lambda c: (c.gain, -c.index))
            for f in _realise(best, rnd, alive, by_key):
                push(f)
            realised.append(best)
            passes = 0
            continue
        passes += 1
        lowered: dict[int, Candidate] = {}
        for actor, (tied, second) in heads.items():
            if second is None:
                continue
            for entry in tied:
                cand = alive.get(entry[1])
                if cand is None or not cand.valid:
                    continue
                lower_gain(cand, cand.a if cand.a.actor == actor else cand.b, second, rnd)
                cand.version += 1
                lowered[cand.index] = cand
        for cand in lowered.values():
            if not cand.valid:
                alive.pop(cand.index, None)
            elif alive.get(cand.index) is cand:
                push(cand)
        if not lowered or passes >= MAX_PASSES:
            return


def _partner(cand: Candidate, actor: int) -> int:
    return cand.b.actor if cand.a.actor == actor else cand.a.actor


def _tie(g: float) -> float:
    return 1e-12 * max(1.0, abs(g))


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
