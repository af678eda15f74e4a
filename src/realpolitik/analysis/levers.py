"""Levers: the smallest single changes that open a deal (or, where there is one, break it).

A real search, not a sample of guesses. For every actor whose acceptance a deal may need:

* **position** and **salience** on each package issue it has a stance on: every value on a
  grid (201 positions across the scale, 101 saliences) is checked at once on the batch
  axis; the nearest value that flips the answer is then refined by bisection against its
  neighbour (to 1/2000 of the scale), so the change found is the smallest to that precision
  unless the flipping region is narrower than the grid step;
* **capability** of members counted towards a quota (factors 0–5 of the value, refined the
  same way);
* structural changes, where W changes monotonically with the change so bisection is
  exact (made on the agreement section in indices, not by re-reading the scenario):
  with no deal, a **red line** relaxed towards its end of the scale, a **quota** lowered,
  and a party or outside **veto** dropped (size 1); with a deal, a red line **tightened**
  towards the other end, a quota raised, and a member of a party (an actor already in the
  scenario) **added as a party veto** (size 1).

Sizes: a position or red-line change as a share of the scale; salience and quota changes
as such (0–1); capability as a share of its value; a veto dropped or added counts 1. Rows
are ranked by size. Then **pairs**: for the ten smallest graded single levers of any kind
(position, salience, capability, red line, quota), every two are moved together along the
fractions 0.1, …, 0.9 of each one's own single change, and a pair is kept when it flips the
answer with a total size below the smaller of its two single changes (by more than 0.001,
the precision of the single sizes) — two modest moves that together do what neither does
alone, more cheaply. A veto dropped or added is all or nothing, so it is paired only with
another: two veto changes that together flip the answer where neither does alone (size 2).
With draws, rows are re-ranked by the gain in P(deal).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..models import agreement as model
from ..scenario import AgreementIndex, Batch, Scenario
from . import Progress, Steps
from .deal import deal_draws

GRID_POSITION = 201
GRID_SALIENCE = 101
HALVINGS = 10
PAIR_FRACTIONS = np.linspace(0.1, 1.0, 10)
PAIR_TOP = 10  # pairs are sought among this many of the smallest graded single levers
PAIR_MARGIN = 1e-3  # a pair must beat its smaller single change by more than this (sizes
# are located to about 1/2000 of their range: a smaller saving is the search's precision)


@dataclass(frozen=True)
class Lever:
    actor: str | None
    issue: str | None
    change: str  # position, salience, capability, red line min/max, quota, veto dropped
    before: float | None
    after: float | None
    size: float
    effect: str = ""
    gain: float | None = None
    parts: tuple[Lever, ...] = field(default_factory=tuple)
    # where it acts: the index of the red line, party or veto it changes
    target: int = -1

    def shown(self, value: float | None) -> str:
        if value is None:
            return "—"
        if self.change == "salience" or self.change.startswith("quota"):
            return f"{value:.3f}"
        return f"{value:.2g}" if 0 < abs(value) < 0.1 else f"{value:.1f}"  # not "0.0"

    def size_text(self) -> str:
        return f"{self.size:.3f}" if self.size == 0 or self.size >= 0.001 else f"{self.size:.1e}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"actor": self.actor, "issue": self.issue, "change": self.change,
                               "from": self.before, "to": self.after, "size": self.size,
                               "effect": self.effect}
        if self.gain is not None:
            out["p_deal_gain"] = self.gain
        if self.parts:
            out["parts"] = [p.to_dict() for p in self.parts]
        return out

    def apply(self, scenario: Scenario) -> Scenario:
        """The scenario with this change made."""
        if self.parts:
            for part in self.parts:
                scenario = part.apply(scenario)
            return scenario
        data = scenario.model_dump()
        if self.change in ("position", "salience"):
            for st in data["stances"]:
                if st["actor"] == self.actor and st["issue"] == self.issue:
                    st[self.change] = self.after
                    st[f"{self.change}_uncertainty"] = None
        elif self.change == "capability":
            for a in data["actors"]:
                if a["id"] == self.actor:
                    a["capability"] = self.after
                    a["capability_uncertainty"] = None
        elif self.change.startswith("red line"):
            line = data["agreement"]["red_lines"][self.target]
            line["min" if self.change.endswith("min") else "max"] = self.after
        elif self.change.startswith("quota"):
            data["agreement"]["parties"][self.target]["quota"] = self.after
        elif self.change == "party veto dropped":
            party = data["agreement"]["parties"][self.target]
            party["vetoes"] = tuple(v for v in party["vetoes"] if v != self.actor)
        elif self.change == "party veto added":
            party = data["agreement"]["parties"][self.target]
            party["vetoes"] = (*party["vetoes"], self.actor)
        elif self.change == "outside veto dropped":
            vetoes = list(data["agreement"]["vetoes"])
            del vetoes[self.target]
            data["agreement"]["vetoes"] = tuple(vetoes)
        return Scenario.model_validate(data)


NUMERIC = ("position", "salience", "capability")


def _rows(base: Batch, edits: list, index: AgreementIndex | None = None) -> Batch:
    """A batch with one row per edit (kind, actor, issue, value), or per list of such
    edits; ``index`` replaces the agreement section."""
    n = len(edits)
    cap = np.repeat(base.capability, n, axis=0)
    pos = np.repeat(base.position, n, axis=0)
    sal = np.repeat(base.salience, n, axis=0)
    for k, row in enumerate(edits):
        for kind, a, i, v in (row if isinstance(row, list) else [row]):
            if kind == "position":
                pos[k, a, i] = v
            elif kind == "salience":
                sal[k, a, i] = v
            else:
                cap[k, a] = v
    return Batch(cap, pos, sal, base.scale_min, base.scale_max, base.status_quo,
                 base.agreement if index is None else index)


def _deals(batch: Batch, params: model.AgreementParams) -> np.ndarray:
    return model.solve(batch, params, package=False).deal


def _edit_index(sc: Scenario, index: AgreementIndex, lever: Lever,
                value: float | None) -> AgreementIndex:
    """The agreement section in indices with the structural ``lever`` made (at ``value``)."""
    k = lever.target
    if lever.change.startswith("red line"):
        lines = list(index.red_lines)
        side = "low" if lever.change.endswith("min") else "high"
        lines[k] = replace(lines[k], **{side: float(value)})  # type: ignore[arg-type]
        return replace(index, red_lines=tuple(lines))
    if lever.change.startswith("quota"):
        parties = list(index.parties)
        parties[k] = replace(parties[k], quota=float(value))  # type: ignore[arg-type]
        return replace(index, parties=tuple(parties))
    if lever.change in ("party veto dropped", "party veto added"):
        parties = list(index.parties)
        a = sc.actor_index(lever.actor)  # type: ignore[arg-type]
        vetoes = tuple(v for v in parties[k].vetoes if v != a)
        if lever.change == "party veto added":
            vetoes = (*vetoes, a)
        parties[k] = replace(parties[k], vetoes=vetoes)
        return replace(index, parties=tuple(parties))
    if lever.change == "outside veto dropped":
        return replace(index, vetoes=index.vetoes[:k] + index.vetoes[k + 1:])
    raise ValueError(lever.change)


def _partial(lever: Lever, f: float) -> Lever:
    """The lever moved by the fraction ``f`` of its own change."""
    assert lever.before is not None and lever.after is not None
    return replace(lever, after=lever.before + f * (lever.after - lever.before),
                   size=f * lever.size, effect="")


def _configs_deal(sc: Scenario, params: model.AgreementParams,
                  configs: list[tuple[Lever, ...]]) -> np.ndarray:
    """Deal or not after each set of levers (numeric ones on the batch axis, grouped by the
    agreement section the structural ones make)."""
    base = sc.batch()
    index = sc.agreement_index
    assert index is not None
    groups: dict[AgreementIndex, list[int]] = {}
    rows: list[list] = []
    for k, levers in enumerate(configs):
        ix, edits = index, []
        for lever in levers:
            if lever.change in NUMERIC:
                edits.append((lever.change, sc.actor_index(lever.actor),  # type: ignore
                              -1 if lever.issue is None else sc.issue_index(lever.issue),
                              float(lever.after)))  # type: ignore[arg-type]
            else:
                ix = _edit_index(sc, ix, lever, lever.after)
        rows.append(edits)
        groups.setdefault(ix, []).append(k)
    out = np.zeros(len(configs), dtype=bool)
    for ix, ks in groups.items():
        out[ks] = _deals(_rows(base, [rows[k] for k in ks], ix), params)
    return out


def _numeric_levers(sc: Scenario, params: model.AgreementParams, want: bool) -> list[Lever]:
    """Position, salience and capability levers that make ``deal == want``."""
    base = sc.batch()
    index = sc.agreement_index
    assert index is not None
    actors = model.roles(sc)
    quota_members = {m for p in index.parties if p.quota > 0 for m in p.members}
    candidates: list[tuple[str, int, int, float, np.ndarray, float]] = []  # kind a i now grid w
    for actor in actors:
        a = sc.actor_index(actor)
        for i in index.package:
            lo, hi = float(sc.scale_min[i]), float(sc.scale_max[i])
            if sc.salience[a, i] > 0:
                candidates.append(("position", a, i, float(sc.position[a, i]),
                                   np.linspace(lo, hi, GRID_POSITION), hi - lo))
                candidates.append(("salience", a, i, float(sc.salience[a, i]),
                                   np.linspace(0, 1, GRID_SALIENCE), 1.0))
        if a in quota_members and sc.capability[a] > 0:
            now = float(sc.capability[a])
            candidates.append(("capability", a, -1, now, np.linspace(0, 5 * now, 101), now))
    edits = [(kind, a, i, float(v)) for kind, a, i, _, grid, _ in candidates for v in grid]
    if not edits:
        return []
    flags = _deals(_rows(base, edits), params)
    out: list[Lever] = []
    refine: list[tuple[int, float, float]] = []  # candidate, inside value, outside value
    start = 0
    for k, (_, _, _, now, grid, _) in enumerate(candidates):
        ok = flags[start:start + len(grid)] == want
        start += len(grid)
        if not ok.any():
            continue
        j = int(np.argmin(np.where(ok, np.abs(grid - now), np.inf)))
        # the neighbour towards the current value (not flipped), or the current value itself
        step = -1 if grid[j] > now else 1
        nb = j + step
        outside = grid[nb] if 0 <= nb < len(grid) and not ok[nb] else now
        if abs(grid[j] - now) < 1e-12:
            outside = now
        refine.append((k, float(grid[j]), float(outside)))
    inside = np.array([r[1] for r in refine])
    outside = np.array([r[2] for r in refine])
    for _ in range(HALVINGS):
        if not refine:
            break
        mid = 0.5 * (inside + outside)
        rows = [(candidates[k][0], candidates[k][1], candidates[k][2], float(m))
                for (k, _, _), m in zip(refine, mid, strict=True)]
        hit = _deals(_rows(base, rows), params) == want
        inside = np.where(hit, mid, inside)
        outside = np.where(hit, outside, mid)
    for (k, _, _), value in zip(refine, inside, strict=True):
        kind, a, i, now, _, width = candidates[k]
        out.append(Lever(actor=sc.actor_ids[a], issue=None if i < 0 else sc.issue_ids[i],
                         change=kind, before=now, after=float(value),
                         size=abs(float(value) - now) / width))
    return out


def _structural_levers(sc: Scenario, params: model.AgreementParams,
                       want: bool) -> list[Lever]:
    ag = sc.agreement
    index = sc.agreement_index
    assert ag is not None and index is not None
    base = sc.batch()
    out: list[Lever] = []

    def deal_in(lever: Lever, value: float | None) -> bool:
        ix = _edit_index(sc, index, lever, value)
        return bool(_deals(_rows(base, [[]], ix), params)[0])

    def bisect(lever: Lever, now: float, end: float, width: float) -> Lever | None:
        # W changes monotonically from now to end: the smallest change is found by bisection
        if deal_in(lever, end) != want:
            return None
        inside, outside = end, now
        for _ in range(HALVINGS + 2):
            mid = 0.5 * (inside + outside)
            if deal_in(lever, mid) == want:
                inside = mid
            else:
                outside = mid
        return replace(lever, after=inside, size=abs(inside - now) / width)

    for k, line in enumerate(ag.red_lines):
        issue = sc.issue(line.issue)
        width = issue.scale.max - issue.scale.min
        # relaxing a line moves it towards its own end of the scale (W grows); tightening,
        # towards the other end (W shrinks)
        for side, now, loose, tight in (("min", line.min, issue.scale.min, issue.scale.max),
                                        ("max", line.max, issue.scale.max, issue.scale.min)):
            end = loose if want else tight
            if now is None or now == end:
                continue
            lever = Lever(actor=line.actor, issue=line.issue, change=f"red line {side}",
                          before=now, after=end, size=0.0, target=k)
            found = bisect(lever, now, end, width)
            if found:
                out.append(found)
    for k, party in enumerate(ag.parties):
        members = ag.members(party, sc.actors)
        end = 0.0 if want else 1.0
        if party.quota != end and (want or len(members) > 1):
            lever = Lever(actor=None, issue=None, change=f"quota of {party.id}",
                          before=party.quota, after=end, size=0.0, target=k)
            found = bisect(lever, party.quota, end, 1.0)
            if found:
                out.append(found)
    out.extend(lever for lever in _all_or_nothing(sc, want) if deal_in(lever, None) == want)
    return out


def _all_or_nothing(sc: Scenario, want: bool) -> list[Lever]:
    """The veto changes (size 1): with no deal, each party or outside veto dropped; with a
    deal, each member of a party besides its negotiator and vetoes added as a party veto."""
    ag = sc.agreement
    assert ag is not None
    out = []
    for k, party in enumerate(ag.parties):
        if want:
            changes = [("party veto dropped", v) for v in party.vetoes]
        else:  # an actor of the party who must now also accept
            changes = [("party veto added", m) for m in ag.members(party, sc.actors)
                       if m != party.negotiator and m not in party.vetoes]
        out += [Lever(actor=actor, issue=None, change=change, before=None, after=None,
                      size=1.0, target=k) for change, actor in changes]
    if want:
        out += [Lever(actor=veto.actor, issue=None, change="outside veto dropped",
                      before=None, after=None, size=1.0, target=k)
                for k, veto in enumerate(ag.vetoes)]
    return out


def _pairs(sc: Scenario, params: model.AgreementParams, singles: list[Lever],
           want: bool) -> list[Lever]:
    """Two levers of any kind, each moved part of its way, that together flip the answer
    at a total size below the smaller single change."""
    graded = [s for s in singles if s.before is not None and s.after is not None][:PAIR_TOP]
    owners, configs = [], []
    for x, y in itertools.combinations(graded, 2):
        if (x.actor, x.issue, x.change, x.target) == (y.actor, y.issue, y.change, y.target):
            continue
        for fx, fy in itertools.product(PAIR_FRACTIONS[:-1], PAIR_FRACTIONS[:-1]):
            if fx * x.size + fy * y.size >= min(x.size, y.size) - PAIR_MARGIN:
                continue  # cannot beat the smaller single change by more than its precision
            px, py = _partial(x, fx), _partial(y, fy)
            owners.append((x, y, px, py))
            configs.append((px, py))
    # two veto changes that together flip the answer where neither does alone (size 2)
    flipped = {(r.change, r.actor, r.target) for r in singles}
    lone = [r for r in _all_or_nothing(sc, want)
            if (r.change, r.actor, r.target) not in flipped]
    for x, y in itertools.combinations(lone, 2):
        owners.append((x, y, x, y))
        configs.append((x, y))
    if not owners:
        return []
    flags = _configs_deal(sc, params, configs) == want
    best: dict[tuple, Lever] = {}
    for k, (x, y, px, py) in enumerate(owners):
        if not flags[k]:
            continue
        size = px.size + py.size
        key = (id(x), id(y))
        if key not in best or size < best[key].size:
            best[key] = Lever(actor=_join(x.actor, y.actor), issue=_join(x.issue, y.issue),
                              change=f"pair: {x.change} + {y.change}", before=None,
                              after=None, size=size, parts=(px, py))
    return sorted(best.values(), key=lambda r: r.size)[:10]


def _join(a: str | None, b: str | None) -> str | None:
    return " + ".join(v for v in (a, b) if v) or None


def _effect(sc: Scenario, lever: Lever, params: model.AgreementParams, want: bool) -> str:
    changed = lever.apply(sc)
    sol = model.solve(changed.batch(), params)
    if not want:
        return "breaks the deal"
    ag = sc.agreement
    assert ag is not None
    if not sol.deal[0]:
        return "opens a deal (at the edge of the search's precision)"
    return "opens: " + ", ".join(f"{i} {sol.package[0, d]:.1f}"
                                 for d, i in enumerate(ag.package))


def find_levers(scenario: Scenario, params: dict[str, Any] | None = None,
                pairs: bool = True) -> list[Lever]:
    """Single changes ranked by size, then the best pairs."""
    p: model.AgreementParams = model.MODEL.params_for(scenario, params)  # type: ignore
    now = bool(model.solve(scenario.batch(), p, package=False).deal[0])
    want = not now
    singles = _numeric_levers(scenario, p, want) + _structural_levers(scenario, p, want)
    singles.sort(key=lambda r: (r.size, r.actor or "", r.issue or "", r.change))
    both = _pairs(scenario, p, singles, want) if pairs else []
    return [Lever(**{**r.__dict__, "effect": _effect(scenario, r, p, want)})
            for r in (*singles, *both)]


def rank_by_draws(scenario: Scenario, levers: list[Lever], draws: int, seed: int = 0, *,
                  widen: float = 0.0, params: dict[str, Any] | None = None,
                  progress: Progress | None = None) -> list[Lever]:
    """The levers re-ranked by their effect on P(deal) over ``draws`` draws (the same draws
    for each): the largest gain first where there is no deal, the largest loss first where
    there is one (the levers then break it). ``progress``: one part per scenario run
    (the scenario's own draws, then each lever's)."""
    steps = Steps(progress, [1.0] * (len(levers) + 1))
    base = float(deal_draws(scenario, draws, seed, widen=widen, params=params,
                            progress=steps.part(0))[0].mean())
    p: model.AgreementParams = model.MODEL.params_for(scenario, params)  # type: ignore
    breaking = bool(model.solve(scenario.batch(), p, package=False).deal[0])
    sign = 1.0 if breaking else -1.0
    out = []
    for k, lever in enumerate(levers, start=1):
        changed = lever.apply(scenario)
        q = float(deal_draws(changed, draws, seed, widen=widen, params=params,
                             progress=steps.part(k))[0].mean())
        out.append(Lever(**{**lever.__dict__, "gain": q - base}))
    out.sort(key=lambda r: (sign * (r.gain or 0.0), r.size))
    return out
