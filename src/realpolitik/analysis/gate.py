"""A procedure-aware agreement gate for the DEU issues, built on the agreement model.

For every DEU issue with a reference point (``rp``) the gate builds an agreement section and
asks the agreement model (:func:`realpolitik.models.agreement.solve`) whether a deal beats
the reference point, and where it falls; the forecast is the package if there is a deal,
else the reference point. The rules (sources in ``docs/backtests.md``):

* **The Council** ratifies a change from the reference point when the member states that
  prefer it (or are indifferent: no stated position, or salience 0) form a winning
  coalition under the issue's voting rule (DEU's ``counvte``) in the era of the decision:

  - unanimity (``Unan``): every member; an abstention (here: indifference) does not
    prevent adoption (EC Treaty art. 205(3); TFEU art. 238(4));
  - QMV before Nice (EU-15): 62 of the 87 weighted votes (EC Treaty art. 205(2) as amended
    by the 1994 Act of Accession); ``QMV(10)`` (an act not proposed by the Commission) also
    needs at least ten members in favour (same article);
  - QMV under Nice: 232 of 321 votes (EU-25), 255 of 345 (EU-27), 260 of 352 (EU-28),
    cast by a majority of the members (Protocol on the enlargement of the EU, art. 3, as
    amended by the Acts of Accession of 2003, 2005 and 2012). The optional check that the
    majority holds 62 % of the population is left out (it can be asked for, and was never
    decisive);
  - QMV under Lisbon: at least 55 % of the members, at least 15 of them, holding 65 % of the
    population; or fewer than four members against (TEU art. 16(4); TFEU art. 238(3)).
    Population shares: the 2016 shares of Council Decision 2015/2393 (the ``council``
    weights' table). The transitional right to ask for the Nice rules (to March 2017) is
    left out.

  The era is that of the final act's date (Nice from 1 Nov 2004, Lisbon from 1 Nov 2014);
  for a proposal without one (not adopted), the era of :func:`~.backtest.era_of`. The
  members are the member states at that date (EU-15 to 30 Apr 2004, EU-25 to 2006, EU-27,
  EU-28 from 1 Jul 2013); without a date, the era's first membership (EU-15, EU-25, EU-28)
  and every state with a position on the proposal.

* **The Parliament** is a veto player under co-decision (``COD``: it can reject the act;
  EC Treaty art. 251, TFEU art. 294) and takes no part under consultation (``CNS``: its
  opinion must be asked but does not bind the Council).
* **The Commission** (a judgement): the proposer, a negotiator who must accept the package
  (it can withdraw its proposal until the Council acts) and one of the Nash bargainers.
* **The reference point** is the no-deal point. Issues without one have no no-deal point;
  the gate forecasts them with the compromise model under the ``council`` weights
  (a judgement, labelled in the output).

Why the Council fits the agreement model exactly although it has up to 28 members (the
model enumerates coalitions of at most ten). On one issue, with the model's quadratic (or
linear) utility and no cost, member *m* with ideal ``p_m`` on the right of the reference
point ``r`` accepts exactly the open interval ``(r, 2 p_m − r)``, and these intervals are
nested by ``p_m``. A change ``x > r`` is therefore ratified by any monotone voting rule iff
the members with ``2 p_m − r > x`` (plus the indifferent) win, which holds for every ``x``
below the bound of one member: the *pivot*, the least eager member of the smallest
winning coalition formed from the most eager inwards (Krehbiel 1998; Tsebelis & Garrett
2000, *European Union Politics* 1(1), on the pivotal member of the Council). The Council's
ratification set on that side is the pivot's acceptance set, so the pivot is the
Council's negotiator in the agreement section; with no winning coalition on that side the
negotiator sits at the reference point (it accepts nothing); with the indifferent alone
winning it is indifferent (it accepts everything). The side is the Commission's (the
Parliament's if the Commission is indifferent; else the side of the Council's weighted
mean). The test suite checks the reduction against the agreement model run with every
member state as a quota member on small councils.

The package (``package="nash"``, the default) is the agreement model's: the symmetric
Nash bargaining point of the Commission, the Council's pivot and (under ``COD``) the
Parliament inside the win-set. ``package="compromise"`` keeps the gate (deal or reference
point) but places a deal at the compromise model's forecast (``council`` weights) clipped
into the win-set.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InputError
from ..io.deu import DeuData
from .backtest import LISBON, NICE, PRE_NICE, deu_forecasts, era_of

EU15 = ("at", "be", "de", "dk", "es", "fi", "fr", "el", "ie", "it", "lu", "nl", "pt", "se",
        "uk")
EU25 = (*EU15, "cy", "cz", "ee", "hu", "lt", "lv", "mt", "pl", "si", "sk")
EU27 = (*EU25, "bu", "ro")
EU28 = (*EU27, "cr")
# (first day, members): enlargements of 1 May 2004, 1 Jan 2007 and 1 Jul 2013
MEMBERSHIP = ((dt.date(1995, 1, 1), EU15), (dt.date(2004, 5, 1), EU25),
              (dt.date(2007, 1, 1), EU27), (dt.date(2013, 7, 1), EU28),
              (dt.date(2020, 2, 1), tuple(m for m in EU28 if m != "uk")))
NICE_FROM, LISBON_FROM = dt.date(2004, 11, 1), dt.date(2014, 11, 1)
# Nice: votes needed by the members' total (EU-25, EU-27, EU-28)
NICE_THRESHOLD = {321: 232, 345: 255, 352: 260}
PRE_NICE_THRESHOLD = 62  # of 87
RULES = ("QMV", "QMV(10)", "Unan")
PROCEDURES = ("COD", "CNS")
PACKAGES = ("nash", "compromise")
# the gate's rows in ``backtest deu``: model name → package rule
DEU_MODELS = {"gate": "nash", "gate-compromise": "compromise"}


def era_at(decided: np.datetime64, year: float) -> str | None:
    """The Council's voting era at the final act (``decided``), or by the proposal's year
    (:func:`~.backtest.era_of`) when there is no final act."""
    if np.isnat(decided):
        return era_of(year)
    day = decided.astype(object)
    if day < NICE_FROM:
        return "pre-nice"
    return "nice" if day < LISBON_FROM else "lisbon"


def members_at(decided: np.datetime64, era: str, stated: set[str]) -> tuple[str, ...]:
    """The Council's members at the final act; without one, the era's first membership and
    every state with a stated position."""
    if not np.isnat(decided):
        day = decided.astype(object)
        out: tuple[str, ...] = EU15
        for start, members in MEMBERSHIP:
            if day >= start:
                out = members
        return out
    base = {"pre-nice": EU15, "nice": EU25, "lisbon": EU28}[era]
    return tuple(dict.fromkeys((*base, *sorted(m for m in stated if m in EU28))))


def winning(coalition: set[str], members: tuple[str, ...], era: str, rule: str) -> bool:
    """Whether ``coalition`` (members in favour or indifferent) adopts under ``rule``."""
    n, k = len(members), len(coalition)
    if rule == "Unan":
        return k == n
    if era == "pre-nice":
        votes = sum(PRE_NICE[m] for m in coalition)
        return votes >= PRE_NICE_THRESHOLD and (rule != "QMV(10)" or k >= 10)
    if era == "nice":
        total = sum(NICE[m] for m in members)
        need = NICE_THRESHOLD.get(int(total), math.ceil(255 / 345 * total))
        return sum(NICE[m] for m in coalition) >= need and 2 * k > n
    population = sum(LISBON[m] for m in members)
    share = sum(LISBON[m] for m in coalition) / population
    return (k >= max(15, math.ceil(0.55 * n)) and share >= 0.65) or n - k < 4


def council_pivot(positions: dict[str, float], saliences: dict[str, float], reference: float,
                  side: int, members: tuple[str, ...], wins: Callable[[set[str]], bool]
                  ) -> float | None:
    """The pivot's position on ``side`` (+1 above the reference point, −1 below): the
    Council ratifies a change x on that side iff the pivot prefers x to the reference point.
    ``None``: the indifferent members win alone (every change is ratified); the reference
    point itself: no winning coalition (no change is). ``wins`` says whether a set of
    members adopts (e.g. :func:`winning` under one era and rule)."""
    indifferent = {m for m in members
                   if not math.isfinite(positions.get(m, math.nan)) or saliences.get(m, 0) <= 0}
    eager = sorted((m for m in members if m not in indifferent
                    and side * (positions[m] - reference) > 0),
                   key=lambda m: (-side * positions[m], m))
    coalition = set(indifferent)
    if wins(coalition):
        return None
    for m in eager:
        coalition.add(m)
        if wins(coalition):
            return positions[m]
    return reference


@dataclass(frozen=True)
class GateIssue:
    """What the gate built and found for one DEU issue."""

    issue: str
    procedure: str
    rule: str
    era: str | None
    members: int
    side: int
    pivot: float | None  # the Council's pivot (None: the Council accepts every change)
    deal: bool | None  # None: no reference point (not gated)
    low: float  # the win-set on the issue (NaN: no deal)
    high: float
    package: float  # the agreement model's package (the reference point with no deal)
    forecast: float
    note: str


def _side(values: dict[str, float], sal: dict[str, float], reference: float,
          members: tuple[str, ...], weights: dict[str, float]) -> int:
    for actor in ("com", "ep"):
        x = values.get(actor, math.nan)
        if math.isfinite(x) and sal.get(actor, 0) > 0 and x != reference:
            return 1 if x > reference else -1
    num = den = 0.0
    for m in members:
        x = values.get(m, math.nan)
        if math.isfinite(x):
            num += weights.get(m, 0.0) * x
            den += weights.get(m, 0.0)
    return -1 if den > 0 and num / den < reference else 1


def gate_issue(data: DeuData, r: int, *, params: Any = None) -> GateIssue:
    """Build the agreement section of issue ``r`` of ``data`` and solve it."""
    from ..models.agreement import solve
    from ..scenario import AgreementIndex, Batch, PartyIndex

    issue = data.issue_ids[r]
    proc = data.procedure[r].upper()
    rule = {"QMV": "QMV", "QMV(10)": "QMV(10)", "UNAN": "Unan"}.get(
        data.voting_rule[r].upper(), data.voting_rule[r])
    if proc not in PROCEDURES:
        raise InputError(f"unknown procedure '{proc}' on issue {issue}", source=data.source,
                         line=int(data.line[r]), field="proc", allowed=", ".join(PROCEDURES))
    if rule not in RULES:
        raise InputError(f"unknown Council voting rule '{rule}' on issue {issue}",
                         source=data.source, line=int(data.line[r]), field="counvte",
                         allowed=", ".join(RULES))
    decided = data.decided_on[r]
    era = era_at(decided, float(data.year[r]))
    if era is None:
        raise InputError(f"issue {issue} has no date to place it in a Council era",
                         source=data.source, line=int(data.line[r]), field="prnr",
                         allowed="a proposal number with its year (d00032) or a final act")
    col = {a: k for k, a in enumerate(data.actors)}
    pos = {a: float(data.position[r, k]) for a, k in col.items()}
    sal = {a: float(np.nan_to_num(data.salience[r, k])) for a, k in col.items()}
    same = [k for k, p in enumerate(data.proposal) if p == data.proposal[r]]
    stated = {a for a, k in col.items() if np.isfinite(data.position[same, k]).any()}
    members = members_at(decided, era, stated)
    reference = float(data.reference[r])
    if not math.isfinite(reference):
        return GateIssue(issue, proc, rule, era, len(members), 0, math.nan, None, math.nan,
                         math.nan, math.nan, math.nan, "no reference point")
    table = {"pre-nice": PRE_NICE, "nice": NICE, "lisbon": LISBON}[era]
    side = _side(pos, sal, reference, members, table)
    pivot = council_pivot(pos, sal, reference, side, members,
                          lambda c: winning(c, members, era, rule))
    # actors of the section: the Commission, the Council's pivot, the Parliament (COD)
    x = [pos.get("com", math.nan), reference if pivot is None else pivot]
    s = [sal.get("com", 0.0) / 100.0, 0.0 if pivot is None else 1.0]
    if proc == "COD":
        x.append(pos.get("ep", math.nan))
        s.append(sal.get("ep", 0.0) / 100.0)
    x_arr = np.array(x, float)
    s_arr = np.where(np.isfinite(x_arr), np.array(s, float), 0.0)
    parties = tuple(PartyIndex(k, (), (k,), 0.0) for k in range(len(x)))
    batch = Batch(
        capability=np.ones((1, len(x))),  # the symmetric Nash solution (a judgement)
        position=x_arr[None, :, None], salience=s_arr[None, :, None],
        scale_min=np.zeros(1), scale_max=np.full(1, 100.0),
        status_quo=np.array([reference]),
        agreement=AgreementIndex(package=(0,), utility="quadratic", cost=0.0,
                                 parties=parties, vetoes=(), red_lines=()),
    )
    sol = solve(batch, params, winset=True)
    deal = bool(sol.deal[0])
    low, high = (float(sol.winset[0, 0, 0]), float(sol.winset[0, 0, 1])) if deal \
        else (math.nan, math.nan)
    package = float(sol.package[0, 0])
    return GateIssue(issue, proc, rule, era, len(members), side, pivot, deal, low, high,
                     package, package, "deal" if deal else "no deal: the reference point")


def gate_forecasts(data: DeuData, *, package: str = "nash", params: Any = None,
                   seed: int = 0, institutions: str = "average",
                   built: list[GateIssue] | None = None
                   ) -> tuple[np.ndarray, list[GateIssue]]:
    """The gate's forecast for every issue of ``data`` and what it built for each. Issues
    without a reference point take the compromise model's forecast under the ``council``
    weights; an issue whose procedure, voting rule or era the rules do not know gets no
    forecast (NaN) and the reason in its ``note``. ``built``: the details of an earlier
    call on the same data, to place the same deals by another package rule without solving
    again."""
    if package not in PACKAGES:
        raise InputError(f"unknown package rule '{package}'", field="package",
                         allowed=", ".join(PACKAGES))
    compromise, _ = deu_forecasts(data, "compromise", "council", seed=seed,
                                  institutions=institutions)
    details = []
    out = np.full(len(data.issue_ids), np.nan)
    for r in range(len(data.issue_ids)):
        if built is not None:
            g = built[r]
        else:
            try:
                g = gate_issue(data, r, params=params)
            except InputError as exc:  # an issue the rules cannot place: no forecast, why
                g = GateIssue(data.issue_ids[r], data.procedure[r], data.voting_rule[r],
                              None, 0, 0, math.nan, None, math.nan, math.nan, math.nan,
                              math.nan, str(exc))
        if g.era is None:
            details.append(g)
            continue
        if g.deal is None:
            f, note = float(compromise[r]), "no reference point: compromise/council"
        elif g.deal and package == "compromise":
            f, note = float(np.clip(compromise[r], g.low, g.high)), "deal: compromise in W"
        else:
            f = g.package
            note = "deal" if g.deal else "no deal: the reference point"
        out[r] = f
        details.append(GateIssue(**{**g.__dict__, "forecast": f, "note": note}))
    return out, details


def gate_whether(data: DeuData, details: list[GateIssue] | None = None) -> dict[str, Any]:
    """How well the gate's deal call tells which outcomes stay at the reference point, on
    the issues of ``data`` with a reference point and an outcome: per call, the count and
    the share of outcomes equal to the reference point; and the Brier score of the call
    read as P(the outcome moves) = 1 with a deal, 0 without, beside the baselines of
    :func:`~.scores.baselines`."""
    from .scores import baselines, brier

    if details is None:
        details = gate_forecasts(data)[1]
    rows = [r for r, g in enumerate(details)
            if g.deal is not None and math.isfinite(float(data.outcome[r]))]
    moved = np.array([float(data.outcome[r]) != float(data.reference[r]) for r in rows],
                     dtype=float)
    p = np.array([1.0 if details[r].deal else 0.0 for r in rows])
    out: dict[str, Any] = {"issues": len(rows), "moved": int(moved.sum())}
    for name, call in (("deal", 1.0), ("no deal", 0.0)):
        k = p == call
        out[name] = {"issues": int(k.sum()),
                     "stayed": float(1 - moved[k].mean()) if k.any() else math.nan}
    out["brier"] = brier(p, moved) if rows else math.nan
    out["baselines"] = {name: brier(b, moved) for name, b in baselines(moved).items()}
    return out
