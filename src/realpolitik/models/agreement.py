"""Whether a deal is struck: ratification by every party, outside veto players, red lines.

Sources: R. D. Putnam (1988), "Diplomacy and domestic politics: the logic of two-level
games", *International Organization* 42(3) — a deal needs a package inside every side's
win-set (the agreements its ratifiers would accept over no agreement); G. Tsebelis (1995),
"Decision making in political systems: veto players in presidentialism, parliamentarism,
multicameralism and multipartyism", *British Journal of Political Science* 25(3), and
(2002) *Veto Players: How Political Institutions Work* — the winset of the status quo is
the intersection of the veto players' preferred-to-status-quo sets, and policy stays put
when it is empty. Where the package falls inside the win-set follows the asymmetric Nash
bargaining solution among the negotiators (Nash 1950; Kalai 1977), as in the ``nash`` model.

The scenario's ``agreement`` section names the package of issues, the parties, their
negotiators, vetoes, members and quotas, the outside vetoes and the red lines
(``docs/formats.md``). With u_a(x) = −Σ_i s_ai·((x_i − p_ai)/w_i)² over the package issues
where s_ai > 0 (w_i the issue's scale width; ``linear``: |x_i − p_ai|/w_i), the gain is
g_a(x) = u_a(x) − u_a(sq). Actor a **accepts** x iff it has no salience on the issues it
judges, or g_a(x) > cost·Σ_i s_ai; and x keeps a's red lines. A party **ratifies** x iff its
negotiator and each of its vetoes accept and the accepting members hold at least ``quota``
of the members' capability. The **win-set** W is the set of packages every party ratifies
and every outside veto accepts (each judging only its issues); **deal** = W is not empty.
The **package** maximises Σ_n c_n·log g_n(x) over W (n the negotiators, c their capability);
with no deal, the status quo. The **blockers** (no deal) are the actors who, if they
accepted every package in every role, would make W non-empty.

How W is searched. Each actor's acceptance set is convex (an open ellipsoid, or an open
weighted L1 ball), and so are the red lines without ``when``. Two things make W non-convex:
a red line with ``when`` (it holds where the condition fails *or* the bound is kept: a union
of up to three convex sets) and a quota (some coalition of members reaching the quota must
accept: a union over coalitions). W is therefore split into convex **pieces**, one per
choice of a coalition for each quota party and of an alternative for each ``when`` red line,
and each piece is searched with the ellipsoid method (``_agreement_kernel``). A piece reported
empty either is empty (proved by a cut that leaves nothing) or contains no ball of radius
``resolution`` (default 0.25 on a 0–100 scale) — so no feasible region wider than
0.5 in every direction is missed. Per-issue bounds of W and the package are located to
within ``tol`` (0.1 on a 0–100 scale) on every issue of the piece that holds them; the
package is the best over pieces. Closed bounds (red lines, the scale) are kept exactly:
where a piece's closed bounds on an issue meet (a red line ``max`` at the scale's lower end,
``min`` = ``max``, two actors' lines meeting) that coordinate is pinned to the value and the
piece is searched in the remaining coordinates, so a face of zero width is searched exactly
rather than within a tolerance; the package and W's bounds never leave the scale or a red
line.

Interpretive choices (each with the parameter that selects the alternative):

* ``weights="capability"`` (default): the Nash product weights each negotiator by its
  capability; ``equal``: the symmetric Nash solution.
* ``quota_by="capability"`` (default): a quota is a share of the members' capability;
  ``count``: a share of the members by number.
* Where the Nash product is flat on an issue (no negotiator cares about it) the package
  stays as close to the status quo as the win-set allows (a tie-break of weight 1e-7).
* A negotiator with no salience on the package accepts every package (indifferent) and
  takes no part in the Nash product.
* A red line binds only an actor whose acceptance a deal needs: a negotiator, a veto, or a
  member counted towards a quota. An actor in several roles is one judge per role (an
  outside veto judges only its issues); its red lines bind in every role.
* Positions in a draw that lack a stance on a package issue mean salience 0 there.
* Issues outside the package are not forecast (NaN): the other models forecast them.
* ``resolution`` and ``tol`` (fractions of the scale) set the search's precision.
* ``gain_tol`` (default 1e-9, in utility units, where a whole scale's move on an issue of
  salience 1 is worth 1): a gain counts only when g_a(x) > cost·Σ_i s_ai + ``gain_tol``.
  Far above floating-point rounding (~1e-16), far below any gain a move of the stated
  resolution brings an actor of salience ≥ 0.01 whose ideal is ≥ 0.01 of the scale from the
  status quo; 0 applies the inequality literally.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from pydantic import Field

from ..errors import InputError
from ..scenario import AgreementIndex, Batch, Scenario
from .base import Model, Params, Result, single_round_result

MAX_FREE_MEMBERS = 10  # members counted towards one quota besides negotiator and vetoes
MAX_PIECES = 4096
MAX_ITER = 5000


class AgreementParams(Params):
    weights: Literal["capability", "equal"] = Field(
        "capability", description="Nash product weights of the negotiators: their "
                                  "capability, or equal")
    quota_by: Literal["capability", "count"] = Field(
        "capability", description="a quota counts the accepting members' capability, or "
                                  "their number")
    resolution: float = Field(
        0.0025, gt=0, le=0.05, description="radius (share of the scale) of the smallest "
                                           "feasible region the search is sure to find")
    tol: float = Field(
        0.001, gt=0, le=0.05, description="precision (share of the scale) of the package "
                                          "and of the win-set's bounds")
    gain_tol: float = Field(
        1e-9, ge=0, le=0.01, description="a gain must exceed cost × salience by more than "
                                         "this (utility units) to count as a gain")


@dataclass(frozen=True)
class Pieces:
    """The agreement section compiled into judges and convex pieces."""

    n: int  # search dimensions (the package issues, at least 2)
    judge_actor: np.ndarray  # [J]
    judge_scope: np.ndarray  # [J, n] bool
    negotiators: np.ndarray  # [K] judge index of each party's negotiator
    piece_judges: np.ndarray  # [Np, J] bool
    lin_dim: np.ndarray  # [Np, L]
    lin_sign: np.ndarray
    lin_b: np.ndarray  # normalised
    lin_strict: np.ndarray
    # quota: per piece, per quota party, the bit mask of free members required
    quota_parties: tuple[tuple[int, tuple[int, ...], tuple[int, ...], float], ...]
    piece_coalition: np.ndarray  # [Np, n_quota_parties] int (bit masks)
    piece_pin: np.ndarray  # [Np, n] bool: the piece's closed bounds meet on this issue
    piece_pin_val: np.ndarray  # [Np, n] the value they meet at (normalised)
    piece_empty: np.ndarray  # [Np] bool: its bounds alone leave nothing
    piece_closed: np.ndarray  # [Np, n, 2] its closed bounds on the issues' scales


@lru_cache(maxsize=256)
def compile_pieces(index: AgreementIndex, scale_min: tuple[float, ...],
                   scale_max: tuple[float, ...], drop: tuple[int, ...] = ()) -> Pieces:
    """Judges and convex pieces; the actors in ``drop`` accept everything in every role."""
    p = len(index.package)
    n = max(p, 2)
    judges: list[tuple[int, tuple[int, ...]]] = []
    mandatory: list[int] = []
    negotiators: list[int] = []
    quota_parties = []
    free_judges: list[list[int]] = []
    every = tuple(range(p))

    def judge(actor: int, scope: tuple[int, ...]) -> int:
        judges.append((actor, scope))
        return len(judges) - 1

    for party in index.parties:
        j = judge(party.negotiator, every)
        negotiators.append(j)
        mandatory.append(j)
        for v in party.vetoes:
            mandatory.append(judge(v, every))
        if party.quota > 0:
            fixed = tuple(dict.fromkeys((party.negotiator, *party.vetoes)))
            free = tuple(m for m in party.members if m not in fixed)
            if len(free) > MAX_FREE_MEMBERS:
                raise InputError(
                    f"a quota party has {len(free)} members besides its negotiator and "
                    "vetoes", field="agreement.parties",
                    allowed=f"at most {MAX_FREE_MEMBERS}")
            free_judges.append([judge(m, every) for m in free])
            quota_parties.append((len(quota_parties), fixed, free, party.quota))
    for actor, scope in index.vetoes:
        mandatory.append(judge(actor, tuple(scope)))
    n_j = len(judges)
    lo = np.asarray(scale_min, dtype=float)[list(index.package)]
    hi = np.asarray(scale_max, dtype=float)[list(index.package)]
    width = hi - lo

    # rows (issue, sign, normalised bound, strict, bound on the scale): sign·(x − b) ≤ 0
    raw_lo = np.zeros(n)
    raw_hi = np.ones(n)
    raw_lo[:p], raw_hi[:p] = lo, hi
    box = ([(d, 1.0, 1.0, False, raw_hi[d]) for d in range(n)]
           + [(d, -1.0, 0.0, False, raw_lo[d]) for d in range(n)])
    lines_of: dict[int, list] = {}
    for r in index.red_lines:
        if r.actor in drop:
            continue
        keep = []
        if np.isfinite(r.low):
            keep.append((r.dim, -1.0, (r.low - lo[r.dim]) / width[r.dim], False, r.low))
        if np.isfinite(r.high):
            keep.append((r.dim, 1.0, (r.high - lo[r.dim]) / width[r.dim], False, r.high))
        if r.when_dim < 0:
            alternatives = [keep]
        else:
            k = r.when_dim
            alternatives = []
            if np.isfinite(r.when_low):  # the condition fails below its min
                alternatives.append([(k, 1.0, (r.when_low - lo[k]) / width[k], True,
                                      r.when_low)])
            if np.isfinite(r.when_high):
                alternatives.append([(k, -1.0, (r.when_high - lo[k]) / width[k], True,
                                      r.when_high)])
            alternatives.append(keep)
        lines_of.setdefault(r.actor, []).append(alternatives)

    coalitions = [range(2 ** len(f)) for f in free_judges]
    rows_j: list[np.ndarray] = []
    rows_l: list[list] = []
    rows_c: list[tuple[int, ...]] = []
    for choice in itertools.product(*coalitions):
        need = np.zeros(n_j, dtype=bool)
        need[mandatory] = True
        for q, mask in enumerate(choice):
            for bit, j in enumerate(free_judges[q]):
                if mask >> bit & 1:
                    need[j] = True
        actors = {judges[j][0] for j in range(n_j) if need[j]}
        for a in drop:
            actors.discard(a)
        options = [alt for a in sorted(actors) for alt in lines_of.get(a, [])]
        for pick in itertools.product(*options):
            rows_j.append(need.copy())
            rows_l.append(box + [row for part in pick for row in part])
            rows_c.append(tuple(choice))
            if len(rows_j) > MAX_PIECES:
                raise InputError(
                    f"the agreement section splits into more than {MAX_PIECES} convex pieces",
                    field="agreement", allowed="fewer quota members and 'when' red lines")
    n_l = max(len(r) for r in rows_l)
    n_p = len(rows_j)
    lin_dim = np.full((n_p, n_l), -1, dtype=np.int64)
    lin_sign = np.zeros((n_p, n_l))
    lin_b = np.zeros((n_p, n_l))
    lin_strict = np.zeros((n_p, n_l), dtype=bool)
    for k, rows in enumerate(rows_l):
        for m, (d, sign, b, strict, _) in enumerate(rows):
            lin_dim[k, m], lin_sign[k, m], lin_b[k, m], lin_strict[k, m] = d, sign, b, strict
    pin, pin_val, empty, closed = _pins(rows_l, n)
    scope = np.zeros((n_j, n), dtype=bool)
    for j, (_, sc) in enumerate(judges):
        scope[j, list(sc)] = True
    return Pieces(
        n=n, judge_actor=np.array([a for a, _ in judges], dtype=np.int64), judge_scope=scope,
        negotiators=np.array(negotiators, dtype=np.int64),
        piece_judges=np.array(rows_j, dtype=bool).reshape(n_p, n_j),
        lin_dim=lin_dim, lin_sign=lin_sign, lin_b=lin_b, lin_strict=lin_strict,
        quota_parties=tuple(quota_parties),
        piece_coalition=np.array(rows_c, dtype=np.int64).reshape(n_p, len(free_judges)),
        piece_pin=pin, piece_pin_val=pin_val, piece_empty=empty, piece_closed=closed,
    )


def _pins(rows_l: list[list], n: int) -> tuple[np.ndarray, ...]:
    """Per piece: the coordinates whose closed bounds meet (pinned there), their values,
    whether the bounds alone leave nothing (closed bounds crossing, or a pinned value
    outside a strict bound), and the closed bounds on the scales (to map a point back to
    the scale without a rounding step past a bound)."""
    n_p = len(rows_l)
    pin = np.zeros((n_p, n), dtype=bool)
    val = np.zeros((n_p, n))
    empty = np.zeros(n_p, dtype=bool)
    closed = np.zeros((n_p, n, 2))
    for k, rows in enumerate(rows_l):
        low, high = np.full(n, -np.inf), np.full(n, np.inf)
        raw = closed[k]
        raw[:, 0], raw[:, 1] = -np.inf, np.inf
        for d, sign, b, strict, r in rows:
            if strict:
                continue
            if sign > 0:
                high[d], raw[d, 1] = min(high[d], b), min(raw[d, 1], r)
            else:
                low[d], raw[d, 0] = max(low[d], b), max(raw[d, 0], r)
        empty[k] = bool((low > high).any() or (raw[:, 0] > raw[:, 1]).any())
        pin[k] = low == high
        val[k] = np.where(pin[k], low, 0.0)
        for d, sign, b, strict, _ in rows:
            if strict and pin[k, d] and not sign * (val[k, d] - b) < 0:
                empty[k] = True
    return pin, val, empty, closed


def _pieces(batch: Batch, drop: tuple[int, ...] = ()) -> Pieces:
    assert batch.agreement is not None
    return compile_pieces(batch.agreement, tuple(batch.scale_min.tolist()),
                          tuple(batch.scale_max.tolist()), tuple(sorted(drop)))


def _draw_arrays(batch: Batch, pc: Pieces, p: AgreementParams,
                 drop: tuple[int, ...] = ()) -> dict[str, np.ndarray]:
    index = batch.agreement
    assert index is not None
    pkg = list(index.package)
    lo, hi = batch.scale_min[pkg], batch.scale_max[pkg]
    width = hi - lo
    n_b, n = batch.size, pc.n
    linear = index.utility == "linear"
    sal = np.zeros((n_b, len(pc.judge_actor), n))
    pos = np.zeros_like(sal)
    sq = np.full(n, 0.5)
    sq[: len(pkg)] = (batch.status_quo[pkg] - lo) / width
    for d in range(len(pkg)):
        s = batch.salience[:, pc.judge_actor, pkg[d]]
        x = batch.position[:, pc.judge_actor, pkg[d]]
        ok = np.isfinite(x) & (s > 0) & pc.judge_scope[None, :, d]
        sal[:, :, d] = np.where(ok, s, 0.0)
        pos[:, :, d] = np.where(ok, (np.nan_to_num(x) - lo[d]) / width[d], 0.0)
    dist = np.abs(sq - pos) if linear else (sq - pos) ** 2
    rho0 = (sal * dist).sum(axis=2)
    total = sal.sum(axis=2)
    rho = rho0 - index.cost * total - p.gain_tol
    indiff = total <= 0
    if drop:
        indiff = indiff | np.isin(pc.judge_actor, drop)[None, :]
    neg = pc.negotiators
    if p.weights == "capability":
        neg_w = batch.capability[:, pc.judge_actor[neg]].astype(float)
    else:
        neg_w = np.ones((n_b, len(neg)))
    neg_w = np.where(indiff[:, neg], 0.0, neg_w)
    # which pieces each draw may use: their coalitions reach the quota
    active = np.ones((n_b, pc.piece_judges.shape[0]), dtype=bool)
    for q, fixed, free, quota in pc.quota_parties:
        members = [*fixed, *free]
        weight = (batch.capability if p.quota_by == "capability"
                  else np.ones_like(batch.capability))
        total_w = weight[:, members].sum(axis=1)
        base = weight[:, list(fixed)].sum(axis=1) if fixed else np.zeros(n_b)
        masks = pc.piece_coalition[:, q]
        bits = (masks[:, None] >> np.arange(len(free))[None, :]) & 1  # [Np, free]
        held = base[:, None] + weight[:, list(free)] @ bits.T if free else base[:, None]
        active &= held >= quota * total_w[:, None] - 1e-12
    active &= ~pc.piece_empty[None, :]
    return {"s": sal, "q": pos, "rho": rho, "indiff": indiff, "neg_w": neg_w,
            "rho0": rho0[:, neg], "sqn": sq, "linear": linear, "active": active,
            "lo": lo, "width": width}


def _search(batch: Batch, pc: Pieces, arrays: dict, p: AgreementParams, mode: int,
            dim: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from . import _agreement_kernel as kernel  # compiled: loaded only when it runs

    return kernel.search(
        arrays["s"], arrays["q"], arrays["rho"], arrays["indiff"], pc.piece_judges,
        arrays["active"], pc.lin_dim, pc.lin_sign, pc.lin_b, pc.lin_strict, pc.negotiators,
        arrays["neg_w"], arrays["rho0"], arrays["sqn"], arrays["linear"], mode, dim, p.tol,
        p.resolution, pc.piece_pin, pc.piece_pin_val, MAX_ITER)


@dataclass(frozen=True)
class Solution:
    """The agreement model's answer for B draws (package issues in package order)."""

    deal: np.ndarray  # [B] bool
    package: np.ndarray  # [B, P] on the issues' scales; the status quo where no deal
    winset: np.ndarray | None  # [B, P, 2] low and high per issue (NaN where no deal)


def solve(batch: Batch, params: AgreementParams | None = None, *, package: bool = True,
          winset: bool = False, drop: tuple[int, ...] = ()) -> Solution:
    """Deal or not, the package and (``winset``) W's bounds per issue, for every draw."""
    from . import _agreement_kernel as kernel

    p = params or AgreementParams()
    index = batch.agreement
    if index is None:
        raise InputError("the scenario has no agreement section", field="agreement",
                         allowed="an agreement section (see docs/formats.md)")
    pc = _pieces(batch, drop)
    arrays = _draw_arrays(batch, pc, p, drop)
    n_pkg = len(index.package)
    lo, width = arrays["lo"], arrays["width"]
    sq = batch.status_quo[list(index.package)]
    found, point, value = _search(batch, pc, arrays, p,
                                  kernel.NASH if package else kernel.FEASIBLE)
    deal = found.any(axis=1)
    out = np.broadcast_to(sq, (batch.size, n_pkg)).copy()
    if package and deal.any():
        best = np.argmax(np.where(found, value, -np.inf), axis=1)
        chosen = point[np.arange(batch.size), best, :n_pkg]
        out = np.where(deal[:, None], _on_scale(lo + chosen * width, pc, best, n_pkg), out)
    bounds = None
    if winset:
        bounds = np.full((batch.size, n_pkg, 2), np.nan)
        for d in range(n_pkg):
            for side, mode in ((0, kernel.LOWEST), (1, kernel.HIGHEST)):
                f, pt, _ = _search(batch, pc, arrays, p, mode, d)
                at = np.clip(lo[d] + pt[:, :, d] * width[d], pc.piece_closed[None, :, d, 0],
                             pc.piece_closed[None, :, d, 1])
                vals = np.where(f, at, np.inf if side == 0 else -np.inf)
                pick = vals.min(axis=1) if side == 0 else vals.max(axis=1)
                bounds[:, d, side] = np.where(f.any(axis=1), pick, np.nan)
        if package:  # the package is a point of W too (both located to within tol)
            bounds[:, :, 0] = np.where(deal[:, None], np.fmin(bounds[:, :, 0], out), np.nan)
            bounds[:, :, 1] = np.where(deal[:, None], np.fmax(bounds[:, :, 1], out), np.nan)
    return Solution(deal=deal, package=out, winset=bounds)


def _on_scale(x: np.ndarray, pc: Pieces, piece: np.ndarray, n_pkg: int) -> np.ndarray:
    """Points mapped back to the scales, held inside their piece's closed bounds: a pinned
    coordinate is its bound exactly, and no rounding step crosses a red line or a scale end."""
    closed = pc.piece_closed[piece, :n_pkg]
    return np.clip(x, closed[..., 0], closed[..., 1])


def roles(scenario: Scenario) -> list[str]:
    """Every actor whose acceptance a deal may need, in actor order."""
    index = scenario.agreement_index
    if index is None:
        return []
    found: set[int] = set()
    for party in index.parties:
        found.update((party.negotiator, *party.vetoes))
        if party.quota > 0:
            found.update(party.members)
    found.update(a for a, _ in index.vetoes)
    return [scenario.actor_ids[a] for a in sorted(found)]


def blockers(scenario: Scenario, params: AgreementParams | None = None) -> list[str]:
    """Actors who, accepting every package in every role, would make W non-empty."""
    batch = scenario.batch()
    out = []
    for actor in roles(scenario):
        a = scenario.actor_index(actor)
        if solve(batch, params, package=False, drop=(a,)).deal[0]:
            out.append(actor)
    return out


def _forecast(batch: Batch, p: AgreementParams, rng: np.random.Generator) -> np.ndarray:
    """The package on the package issues (the status quo with no deal); NaN elsewhere and
    for a scenario without an agreement section."""
    out = np.full((batch.size, batch.position.shape[2]), np.nan)
    if batch.agreement is None:
        return out
    sol = solve(batch, p)  # type: ignore[arg-type]
    out[:, list(batch.agreement.package)] = sol.package
    return out


def _run(scenario: Scenario, p: AgreementParams, rng: np.random.Generator) -> Result:
    forecast = _forecast(scenario.batch(), p, rng)[0]
    reason = ("win-set searched" if scenario.agreement is not None
              else "the scenario has no agreement section")
    result = single_round_result("agreement", scenario, forecast, p, stop_reason=reason)
    if scenario.agreement is None:
        result.fields["deal"] = None
        return result
    summary = summarise(scenario, p)
    result.fields.update(deal=summary["deal"], blockers=summary["blockers"])
    for issue in scenario.agreement.package:
        result.issue_fields[issue] = {"winset": (summary["winset"] or {}).get(issue)}
    return result


def summarise(scenario: Scenario, params: AgreementParams | None = None) -> dict[str, Any]:
    """Deal or not, the package, the win-set per issue and the blockers, as plain data."""
    ag = scenario.agreement
    if ag is None:
        raise InputError("the scenario has no agreement section", field="agreement",
                         allowed="an agreement section (see docs/formats.md)")
    sol = solve(scenario.batch(), params, winset=True)
    deal = bool(sol.deal[0])

    def clean(v: float) -> float:  # no -0.0 or -1e-16 at the ends of the scale
        return 0.0 if abs(v) < 1e-9 else float(v)

    return {
        "deal": deal,
        "package": ({i: clean(sol.package[0, d]) for d, i in enumerate(ag.package)}
                    if deal else None),
        "winset": ({i: [clean(sol.winset[0, d, 0]), clean(sol.winset[0, d, 1])]
                    for d, i in enumerate(ag.package)} if deal else None),
        "blockers": [] if deal else blockers(scenario, params),
    }


MODEL = Model(
    name="agreement",
    summary="whether a deal is struck (win-set of every party, veto and red line) and "
            "its package (asymmetric Nash over the negotiators)",
    params=AgreementParams,
    run_kernel=_run,
    batch_kernel=_forecast,
    order=90,
    per_issue=False,
    every_issue=False,
    kernels=("_agreement_kernel:search",),
    batch_kernels=("_agreement_kernel:search",),
)
run, forecast_batch = MODEL.run, MODEL.forecast_batch


def acceptance(scenario: Scenario, points: np.ndarray,
               params: AgreementParams | None = None) -> tuple[list[str], np.ndarray,
                                                                np.ndarray]:
    """At each package point (``points[M, P]`` on the issues' scales): which judge accepts
    (``[J, M]``, red lines included) and whether the point is in W (``[M]``); also each
    judge's label (``actor`` or ``actor (role)``). For pictures of W; the search does not
    use it."""
    p = params or AgreementParams()
    batch = scenario.batch()
    pc = _pieces(batch)
    arr = _draw_arrays(batch, pc, p)
    index = batch.agreement
    assert index is not None
    n_pkg = len(index.package)
    y = np.full((len(points), pc.n), 0.5)
    y[:, :n_pkg] = (np.asarray(points, float) - arr["lo"]) / arr["width"]
    s, q = arr["s"][0], arr["q"][0]
    t = np.abs(y[None] - q[:, None]) if arr["linear"] else (y[None] - q[:, None]) ** 2
    f = (s[:, None, :] * t).sum(axis=2) - arr["rho"][0][:, None]  # [J, M]
    ok = (f < 0) | arr["indiff"][0][:, None]
    # each judge's red lines, as the search applies them (any alternative of a when-line)
    lines_ok = np.ones((len(index.red_lines), len(points)), dtype=bool)
    for k, r in enumerate(index.red_lines):
        x = np.asarray(points, float)
        keep = (x[:, r.dim] >= r.low - 1e-9) & (x[:, r.dim] <= r.high + 1e-9)
        if r.when_dim >= 0:
            holds = (x[:, r.when_dim] >= r.when_low) & (x[:, r.when_dim] <= r.when_high)
            keep |= ~holds
        lines_ok[k] = keep
    judged = ok.copy()
    for j, a in enumerate(pc.judge_actor):
        for k, r in enumerate(index.red_lines):
            if r.actor == a:
                judged[j] &= lines_ok[k]
    # W: some active piece whose judges all accept (red lines by alternatives as above)
    inside = np.zeros(len(points), dtype=bool)
    for k in range(pc.piece_judges.shape[0]):
        if not arr["active"][0, k]:
            continue
        need = pc.piece_judges[k]
        inside |= judged[need].all(axis=0)
    counts: dict[int, int] = {}
    for a in pc.judge_actor:
        counts[int(a)] = counts.get(int(a), 0) + 1
    labels = []
    outside = {a for a, _ in index.vetoes}
    # judges: one per role (see compile_pieces), in the order of ``judged``'s rows
    for j, a in enumerate(pc.judge_actor):
        name = scenario.actor_ids[a]
        if counts[int(a)] > 1 and int(a) in outside and not pc.judge_scope[j].all():
            name += " (outside veto)"
        labels.append(name)
    return labels, judged, inside


def judges(scenario: Scenario) -> list[tuple[str, tuple[str, ...]]]:
    """Each judge of :func:`acceptance`'s rows: its actor and the package issues it judges."""
    batch = scenario.batch()
    pc = _pieces(batch)
    index = batch.agreement
    assert index is not None
    return [(scenario.actor_ids[a],
             tuple(scenario.issue_ids[index.package[d]] for d in range(len(index.package))
                   if pc.judge_scope[j, d]))
            for j, a in enumerate(pc.judge_actor)]
