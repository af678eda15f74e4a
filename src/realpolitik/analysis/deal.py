"""Whether a deal is struck, over the scenario's declared uncertainty: P(deal) and the package.

Draws are sampled exactly as :mod:`realpolitik.analysis.montecarlo` samples them (the same
blocks of :data:`~realpolitik.analysis.montecarlo.BLOCK` draws, each from its own child of
``SeedSequence(seed)``), so draw k of a ``deal`` run is draw k of a ``simulate`` run with the
same seed and ``widen``. Each block is one call of the agreement model's batch search.

P(deal) is the share of draws with a non-empty win-set; its Monte Carlo standard error is
√(P(1 − P)/N) and its 95 % interval the Wilson score interval (which stays inside [0, 1]
and is not empty at P = 0 or 1). The expected outcome per package issue is
P·E[package | deal] + (1 − P)·status quo.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InputError
from ..models import agreement as model
from ..scenario import Scenario
from . import Progress, Steps
from .montecarlo import _blocks, check_memory
from .uncertainty import sample, uncertain_inputs

Z95 = 1.959963984540054


@dataclass(frozen=True)
class DealResult:
    scenario: Scenario
    deal: bool  # in the scenario as given (no draws)
    package: dict[str, float] | None
    winset: dict[str, list[float]] | None
    blockers: list[str]
    draws: int | None = None
    seed: int | None = None
    widen: float = 0.0
    deals: np.ndarray | None = None  # [N] bool
    packages: np.ndarray | None = None  # [N, P]
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def p_deal(self) -> float | None:
        return None if self.deals is None else float(self.deals.mean())

    def interval(self) -> tuple[float, float] | None:
        """The Wilson 95 % interval of P(deal)."""
        if self.deals is None:
            return None
        n, p = len(self.deals), float(self.deals.mean())
        centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
        half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
        lo = 0.0 if p == 0 else max(0.0, centre - half)
        return lo, 1.0 if p == 1 else min(1.0, centre + half)

    def mcse(self) -> float | None:
        if self.deals is None:
            return None
        p = float(self.deals.mean())
        return math.sqrt(p * (1 - p) / len(self.deals))

    def package_given_deal(self) -> dict[str, dict[str, float]] | None:
        """Mean and 5/50/95 % quantiles of the package per issue over the draws with a deal."""
        if self.deals is None or not self.deals.any():
            return None
        ag = self.scenario.agreement
        assert ag is not None and self.packages is not None
        chosen = self.packages[self.deals]
        return {
            issue: {"mean": float(chosen[:, d].mean()),
                    **{f"q{q:02d}": float(np.percentile(chosen[:, d], q)) for q in (5, 50, 95)}}
            for d, issue in enumerate(ag.package)
        }

    def expected_outcome(self) -> dict[str, float] | None:
        """P·E[package | deal] + (1 − P)·status quo per package issue."""
        ag = self.scenario.agreement
        assert ag is not None
        if self.deals is None:
            return None
        p = float(self.deals.mean())
        given = self.package_given_deal()
        out = {}
        for issue in ag.package:
            sq = float(self.scenario.issue(issue).status_quo)  # type: ignore[arg-type]
            out[issue] = sq if given is None else p * given[issue]["mean"] + (1 - p) * sq
        return out

    def to_dict(self) -> dict[str, Any]:
        """The ``realpolitik deal -f json`` layout (``docs/json-output.md``)."""
        out: dict[str, Any] = {
            "scenario": self.scenario.name,
            "deal": self.deal,
            "package": self.package,
            "winset": self.winset,
            "blockers": self.blockers,
            "p_deal": self.p_deal,
            "draws": self.draws,
            "seed": self.seed,
        }
        if self.deals is not None:
            lo, hi = self.interval()  # type: ignore[misc]
            out.update(p_deal_interval=[lo, hi], p_deal_mcse=self.mcse(), widen=self.widen,
                       package_given_deal=self.package_given_deal(),
                       expected_outcome=self.expected_outcome())
        return out


def deal_draws(scenario: Scenario, draws: int, seed: int = 0, *, widen: float = 0.0,
               params: dict[str, Any] | None = None, progress: Progress | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Deal or not ``[N]`` and the package ``[N, P]`` for ``draws`` draws of the scenario;
    ``progress(done, draws)`` after each block."""
    if scenario.agreement is None:
        raise InputError("the scenario has no agreement section", field="agreement",
                         allowed="an agreement section (see docs/formats.md)")
    if draws < 1:
        raise InputError(f"draws {draws} is too small", field="draws", allowed="1 or more")
    check_memory(scenario, draws)  # refused before the blocks are even listed
    p = model.MODEL.params_for(scenario, params)
    inputs = uncertain_inputs(scenario, widen)
    blocks = _blocks(draws)
    children = np.random.SeedSequence(seed).spawn(len(blocks))
    deals, packages = [], []
    done = 0
    for k, size in blocks:
        sample_rng, _ = (np.random.default_rng(s) for s in children[k].spawn(2))
        sol = model.solve(sample(scenario, size, sample_rng, inputs), p)  # type: ignore[arg-type]
        deals.append(sol.deal)
        packages.append(sol.package)
        done += size
        if progress is not None:
            progress(done, draws)
    return np.concatenate(deals), np.concatenate(packages, axis=0)


def analyse(scenario: Scenario, draws: int | None = None, seed: int = 0, *,
            widen: float = 0.0, params: dict[str, Any] | None = None,
            progress: Progress | None = None) -> DealResult:
    """The deal in the scenario as given and, with ``draws``, over its uncertainty
    (``progress``: as :func:`deal_draws` reports it)."""
    p = model.MODEL.params_for(scenario, params)
    if draws is not None and draws >= 1:
        check_memory(scenario, draws)  # before the scenario as given is solved
    summary = model.summarise(scenario, p)  # type: ignore[arg-type]
    start = time.perf_counter()
    notes = []
    deals = packages = None
    if draws is not None:
        deals, packages = deal_draws(scenario, draws, seed, widen=widen, params=params,
                                     progress=progress)
        if not uncertain_inputs(scenario, widen):
            notes.append("the scenario declares no uncertainty and widen is 0: every draw "
                         "is the same scenario")
    return DealResult(
        scenario=scenario, deal=summary["deal"], package=summary["package"],
        winset=summary["winset"], blockers=summary["blockers"],
        draws=None if draws is None else draws, seed=None if draws is None else seed,
        widen=widen, deals=deals, packages=packages, seconds=time.perf_counter() - start,
        notes=notes,
    )


def compare_deals(scenario: Scenario, overlays: list[Any], *, draws: int | None = None,
                  seed: int = 0, widen: float = 0.0, progress: Progress | None = None
                  ) -> list[dict[str, Any] | None]:
    """Per overlay: deal, package and (with ``draws``) P(deal) before and after the what-if;
    None where neither the scenario nor the what-if has an agreement section.
    ``progress``: one part per analysis (the scenario's, then each overlay's)."""
    from .whatif import apply

    steps = Steps(progress, [1.0] * (len(overlays) + 1))
    before = (analyse(scenario, draws, seed, widen=widen, progress=steps.part(0))
              if scenario.agreement else None)
    steps.done(0)
    out: list[dict[str, Any] | None] = []
    for k, ov in enumerate(overlays, start=1):
        changed = apply(scenario, ov)
        if changed.agreement is None:
            out.append(None)
            steps.done(k)
            continue
        after = analyse(changed, draws, seed, widen=widen, progress=steps.part(k))
        steps.done(k)
        out.append({
            "before": None if before is None else _brief(before),
            "after": _brief(after),
        })
    return out


def _brief(r: DealResult) -> dict[str, Any]:
    return {"deal": r.deal, "package": r.package, "blockers": r.blockers,
            "p_deal": r.p_deal, "p_deal_interval": None if r.deals is None else
            list(r.interval())}  # type: ignore[arg-type]


def describe(entry: dict[str, Any] | None) -> str:
    """One line: the deal before → after the what-if."""
    if entry is None:
        return ""

    def side(b: dict[str, Any] | None) -> str:
        if b is None:
            return "no agreement section"
        text = ("deal, package " + ", ".join(f"{i} {v:.1f}" for i, v in b["package"].items())
                if b["deal"] else "no deal" + (f" (blockers: {', '.join(b['blockers'])})"
                                               if b["blockers"] else ""))
        if b["p_deal"] is not None:
            text += f", P(deal) = {b['p_deal']:.2f}"
        return text

    return f"{side(entry['before'])} → {side(entry['after'])}"


@dataclass(frozen=True)
class DealSlice:
    """A 2-D slice of the package space on a grid (what the report's picture draws)."""

    x_issue: str
    y_issue: str | None
    xs: np.ndarray  # [nx] values of x_issue
    ys: np.ndarray  # [ny] values of y_issue ([0, 1] with a one-issue package)
    points: np.ndarray  # [ny, nx, P] the package points, other issues held at ``held``
    held: dict[str, float]  # the package (or, with no deal, the status quo)
    labels: list[str]  # one per judge (an actor in one role)
    judges: list[tuple[str, tuple[str, ...]]]  # each judge's actor and the issues it judges
    judged: np.ndarray  # [J, ny, nx] bool: the judge accepts the point (red lines included)
    inside: np.ndarray  # [ny, nx] bool: the point is in W
    summary: dict[str, Any]  # agreement.summarise of the scenario


def deal_slice(scenario: Scenario, x_issue: str | None = None, y_issue: str | None = None,
               levels: int = 161) -> DealSlice:
    """Each judge's acceptance and W on a ``levels`` × ``levels`` grid of two package
    issues; the other package issues are held at the package (the status quo with no
    deal)."""
    ag = scenario.agreement
    if ag is None:
        raise InputError("the scenario has no agreement section", field="agreement",
                         allowed="an agreement section (see docs/formats.md)")
    package = list(ag.package)
    x_issue = x_issue or package[0]
    y_issue = y_issue or (package[1] if len(package) > 1 else None)
    for issue in (x_issue, y_issue):
        if issue is not None and issue not in package:
            raise InputError(f"issue {issue!r} is not in the package", field="issue",
                             allowed=", ".join(package))
    summary = model.summarise(scenario)
    held = summary["package"] or {
        i: float(scenario.issue(i).status_quo) for i in package}  # type: ignore[arg-type]

    def scale(issue: str | None) -> np.ndarray:
        if issue is None:
            return np.array([0.0, 1.0])
        s = scenario.issue(issue).scale
        return np.linspace(s.min, s.max, levels)

    xs, ys = scale(x_issue), scale(y_issue)
    gx, gy = np.meshgrid(xs, ys)
    pts = np.tile([held[i] for i in package], (gx.size, 1))
    pts[:, package.index(x_issue)] = gx.ravel()
    if y_issue:
        pts[:, package.index(y_issue)] = gy.ravel()
    labels, judged, inside = model.acceptance(scenario, pts)
    return DealSlice(
        x_issue=x_issue, y_issue=y_issue, xs=xs, ys=ys,
        points=pts.reshape(*gx.shape, len(package)), held=held, labels=labels,
        judges=model.judges(scenario), judged=judged.reshape(len(labels), *gx.shape),
        inside=inside.reshape(gx.shape), summary=summary)
