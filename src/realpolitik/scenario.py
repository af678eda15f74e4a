"""The Scenario: who takes part, what they want, how much they care and can bring to bear.

A Scenario is immutable and validated once, when it is built. Its numbers are exposed as
read-only NumPy arrays (``capability[A]``, ``position[A, I]``, ``salience[A, I]``) in actor
and issue order, so models never parse, look up names or validate. An actor with no stance
on an issue has salience 0 and position NaN there.

Conventions: positions are on each issue's own scale (``scale.min`` to ``scale.max``,
default 0–100); salience is on 0–1; capability is any non-negative number (only ratios
matter to the models).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

# Ids are kept as other tools write them ("EU (incl Norway)"): any printable text without
# leading or trailing white space.
Id = Annotated[str, StringConstraints(pattern=r"^[^\s\x00-\x1f](?:[^\x00-\x1f]*[^\s])?$",
                                      max_length=120)]
# The range of every number a scenario holds. Squares and products of positions, capabilities
# and saliences then stay far inside float64 (about 1e308): the models never overflow.
MAX_MAGNITUDE = 1e15
# The smallest non-zero capability or salience: their products (and powers, in some models)
# stay far above float64's smallest normal number (about 1e-308).
MIN_WEIGHT = 1e-12


def _in_range(value: float) -> float:
    # a validator, not ge/le: those would override a field's own Field(ge=0, le=1)
    if abs(value) > MAX_MAGNITUDE:
        raise PydanticCustomError("magnitude", "{value} is out of range", {"value": value})
    return value


FiniteFloat = Annotated[float, Field(allow_inf_nan=False), AfterValidator(_in_range)]


# How many problems one validation reports (the rest are counted as "more").
MAX_PROBLEMS = 50


class Strict(BaseModel):
    """Every input model's base: unknown keys are errors, values are frozen, no NaN."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


_Strict = Strict  # the name the classes below were written with


class Evidence(_Strict):
    """Why a number is what it is.

    ``kind`` says what the quote is: ``quote`` — words that appear verbatim in the source
    (checked by the tests for the built-in scenarios); ``fact`` — a cited external fact,
    paraphrased from the named source; ``judgement`` — the modeller's reading, stated as such.
    """

    source: Id
    quote: str = Field(min_length=1)
    kind: Literal["quote", "fact", "judgement"] = "quote"
    about: Literal["position", "salience", "both", "capability"] = "both"
    note: str | None = None


class Distribution(_Strict):
    """Uncertainty about one number: uniform(low, high), triangular(low, mode, high) or a
    normal(mean, sd) truncated to the allowed range."""

    dist: Literal["uniform", "triangular", "normal"]
    low: FiniteFloat | None = None
    high: FiniteFloat | None = None
    mode: FiniteFloat | None = None
    mean: FiniteFloat | None = None
    sd: FiniteFloat | None = None

    @model_validator(mode="after")
    def _check_parameters(self) -> Distribution:
        needed = {
            "uniform": ("low", "high"),
            "triangular": ("low", "mode", "high"),
            "normal": ("mean", "sd"),
        }[self.dist]
        given = {k for k in ("low", "high", "mode", "mean", "sd") if getattr(self, k) is not None}
        missing = [k for k in needed if k not in given]
        extra = sorted(given - set(needed))
        if missing or extra:
            raise PydanticCustomError(
                "distribution",
                "a {dist} distribution takes exactly {needed}; "
                "missing {missing}, unexpected {extra}",
                {"dist": self.dist, "needed": ", ".join(needed),
                 "missing": missing or "none", "extra": extra or "none"},
            )
        if self.dist == "normal" and self.sd is not None and self.sd <= 0:
            raise PydanticCustomError("distribution", "sd must be greater than 0", {})
        lo, hi = self.bounds()
        if lo > hi:
            raise PydanticCustomError(
                "distribution", "low must not exceed high (low={lo}, high={hi})",
                {"lo": lo, "hi": hi},
            )
        if self.dist == "triangular" and not (lo <= self.mode <= hi):  # type: ignore[operator]
            raise PydanticCustomError(
                "distribution", "mode must lie between low and high", {}
            )
        return self

    def bounds(self) -> tuple[float, float]:
        """The interval the distribution puts mass on before clipping (normal: mean ± 4 sd)."""
        if self.dist == "normal":
            return (self.mean - 4 * self.sd, self.mean + 4 * self.sd)  # type: ignore[operator]
        return (self.low, self.high)  # type: ignore[return-value]


class Source(_Strict):
    title: str
    publisher: str | None = None
    date: str | None = None
    authors: tuple[str, ...] = ()
    address: str | None = None
    note: str | None = None


class Actor(_Strict):
    id: Id
    name: str
    group: str = ""
    capability: FiniteFloat = Field(ge=0)
    description: str = ""
    capability_uncertainty: Distribution | None = None
    evidence: tuple[Evidence, ...] = ()
    note: str | None = None


class Anchor(_Strict):
    value: FiniteFloat
    label: str = Field(min_length=1)


class Scale(_Strict):
    min: FiniteFloat = 0.0
    max: FiniteFloat = 100.0


class Issue(_Strict):
    id: Id
    name: str
    description: str = ""
    scale: Scale = Scale()
    anchors: tuple[Anchor, ...] = ()
    status_quo: FiniteFloat | None = None
    note: str | None = None


class Stance(_Strict):
    actor: Id
    issue: Id
    position: FiniteFloat
    salience: FiniteFloat = Field(ge=0, le=1)
    position_uncertainty: Distribution | None = None
    salience_uncertainty: Distribution | None = None
    evidence: tuple[Evidence, ...] = ()
    note: str | None = None


class Bound(_Strict):
    """A region of one issue: ``min`` and/or ``max`` on its scale (both inclusive)."""

    issue: Id
    min: FiniteFloat | None = None
    max: FiniteFloat | None = None


class RedLine(_Strict):
    """A hard bound an actor will not accept in a deal: the package must keep ``min`` ≤ x ≤
    ``max`` on ``issue`` (where ``when`` holds, if given: elsewhere the bound does not apply).
    """

    actor: Id
    issue: Id
    min: FiniteFloat | None = None
    max: FiniteFloat | None = None
    when: Bound | None = None
    evidence: tuple[Evidence, ...] = ()
    note: str | None = None


class Party(_Strict):
    """A side that must ratify a deal: its negotiator and each of its ``vetoes`` must accept,
    and the accepting members must hold at least ``quota`` of the members' capability.
    Members are the actors of ``group``, or those listed in ``members``; with neither, the
    negotiator and the vetoes."""

    id: Id
    negotiator: Id
    vetoes: tuple[Id, ...] = ()
    group: str | None = None
    members: tuple[Id, ...] | None = None
    quota: FiniteFloat = 0.0
    evidence: tuple[Evidence, ...] = ()
    note: str | None = None


class OutsideVeto(_Strict):
    """An actor outside the parties whose acceptance a deal needs, judging only ``issues``
    of the package (default: all of it)."""

    actor: Id
    issues: tuple[Id, ...] | None = None
    evidence: tuple[Evidence, ...] = ()
    note: str | None = None


class Agreement(_Strict):
    """Whether a deal is struck: the package of issues one deal settles, the parties that must
    ratify it, outside veto players and red lines (see ``docs/model-agreement.md``)."""

    package: tuple[Id, ...] = Field(min_length=1)
    utility: Literal["quadratic", "linear"] = "quadratic"
    cost: FiniteFloat = Field(0.0, ge=0)
    parties: tuple[Party, ...] = Field(min_length=1)
    vetoes: tuple[OutsideVeto, ...] = ()
    red_lines: tuple[RedLine, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    note: str | None = None

    def all_evidence(self) -> Iterator[tuple[str, Evidence]]:
        """Every piece of evidence in the section with the field path it stands at."""
        groups: tuple[tuple[str, tuple[Any, ...]], ...] = (
            ("parties", self.parties), ("vetoes", self.vetoes), ("red_lines", self.red_lines))
        for e, ev in enumerate(self.evidence):
            yield f"agreement.evidence[{e}]", ev
        for name, items in groups:
            for k, item in enumerate(items):
                for e, ev in enumerate(item.evidence):
                    yield f"agreement.{name}[{k}].evidence[{e}]", ev

    def members(self, party: Party, actors: tuple[Actor, ...]) -> tuple[str, ...]:
        """The member ids of ``party`` in actor order."""
        if party.members is not None:
            return party.members
        if party.group is not None:
            return tuple(a.id for a in actors if a.group == party.group)
        return tuple(dict.fromkeys((party.negotiator, *party.vetoes)))


# The agreement model searches every package issue jointly; past four its search is neither
# fast nor checked.
MAX_PACKAGE = 4


@dataclass(frozen=True)
class Batch:
    """A scenario's numbers with a leading batch axis, as the model kernels take them.

    ``capability[B, A]``, ``position[B, A, I]`` (NaN where an actor has no stance),
    ``salience[B, A, I]`` (0 where an actor has no stance), and per issue ``scale_min[I]``,
    ``scale_max[I]`` and ``status_quo[I]`` (NaN where none is given).
    """

    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    scale_min: np.ndarray
    scale_max: np.ndarray
    status_quo: np.ndarray
    # The scenario's agreement section as indices (the same for every draw), or None.
    agreement: AgreementIndex | None = None

    @property
    def size(self) -> int:
        return self.position.shape[0]

    def take(self, rows: slice | np.ndarray) -> Batch:
        """The sub-batch of the given draws."""
        return Batch(
            self.capability[rows], self.position[rows], self.salience[rows],
            self.scale_min, self.scale_max, self.status_quo, self.agreement,
        )


@dataclass(frozen=True)
class PartyIndex:
    negotiator: int
    vetoes: tuple[int, ...]
    members: tuple[int, ...]
    quota: float


@dataclass(frozen=True)
class RedLineIndex:
    """A red line of actor ``actor`` on package issue ``dim`` (positions in the package),
    with its ``when`` condition on package issue ``when_dim`` (−1: none). Bounds are on the
    issue's own scale; a missing bound is ∓inf."""

    actor: int
    dim: int
    low: float
    high: float
    when_dim: int = -1
    when_low: float = -math.inf
    when_high: float = math.inf


@dataclass(frozen=True)
class AgreementIndex:
    """The agreement section in actor and issue indices, as the agreement model takes it."""

    package: tuple[int, ...]  # issue indices
    utility: str
    cost: float
    parties: tuple[PartyIndex, ...]
    vetoes: tuple[tuple[int, tuple[int, ...]], ...]  # (actor, package dims it judges)
    red_lines: tuple[RedLineIndex, ...]


def _problem(loc: tuple, problem: str, allowed: str | None = None) -> PydanticCustomError:
    return PydanticCustomError(
        "scenario", "{problem}", {"problem": problem, "loc": loc, "allowed": allowed}
    )


def _listing(ids: list[str], most: int = 12) -> str:
    shown = ", ".join(ids[:most])
    return shown + (f", … ({len(ids)} in all)" if len(ids) > most else "")


class Scenario(_Strict):
    """A negotiation: actors, issues, stances, their sources and the date described."""

    name: Id
    title: str = ""
    description: str = ""
    as_of: dt.date | None = None
    notes: tuple[str, ...] = ()
    sources: dict[Id, Source] = Field(default_factory=dict)
    actors: tuple[Actor, ...]
    issues: tuple[Issue, ...]
    stances: tuple[Stance, ...]
    # Default parameters per model that a file carries (e.g. KTAB XML ModelParameters);
    # parameters given on the command line or to forecast() take precedence.
    model_params: dict[str, dict[str, Any]] = Field(default_factory=dict)
    agreement: Agreement | None = None

    @model_validator(mode="after")
    def _check_consistency(self) -> Scenario:
        found = list(itertools.islice(self._problems(), MAX_PROBLEMS + 1))
        if found:
            loc, problem, allowed = found[0]
            error = _problem(loc, problem, allowed)
            error.context["more"] = found[1:]  # type: ignore[index]  # all are reported
            raise error
        return self

    def _problems(self) -> Iterator[tuple[tuple, str, str | None]]:
        if not self.actors:
            yield ("actors",), "the scenario has no actors", "at least one actor"
        if not self.issues:
            yield ("issues",), "the scenario has no issues", "at least one issue"
        if not self.stances:
            yield ("stances",), "the scenario has no stances", "at least one stance"
        for kind, items in (("actors", self.actors), ("issues", self.issues)):
            seen: dict[str, int] = {}
            for k, item in enumerate(items):
                if item.id in seen:
                    yield (
                        (kind, k, "id"),
                        f"duplicate id '{item.id}' (first used at {kind}[{seen[item.id]}])",
                        "unique ids",
                    )
                seen.setdefault(item.id, k)
        source_ids = sorted(self.sources)

        def check_evidence(loc: tuple, evidence: tuple[Evidence, ...]) -> Iterator:
            for e, ev in enumerate(evidence):
                if ev.source not in self.sources:
                    yield (
                        (*loc, "evidence", e, "source"),
                        f"unknown source '{ev.source}'",
                        f"a source id declared under 'sources': {_listing(source_ids)}"
                        if source_ids else "declare the source under 'sources' first",
                    )

        for k, actor in enumerate(self.actors):
            yield from check_evidence(("actors", k), actor.evidence)
            if 0 < actor.capability < MIN_WEIGHT:
                yield (("actors", k, "capability"),
                       f"capability {actor.capability:g} is too small to compute with",
                       f"0, or {MIN_WEIGHT:g} to {MAX_MAGNITUDE:g}")
            u = actor.capability_uncertainty
            if u is not None and u.dist != "normal" and u.bounds()[0] < 0:
                yield (
                    ("actors", k, "capability_uncertainty"),
                    "the range reaches below 0",
                    "capability ranges within [0, ∞)",
                )
        issues = {}
        for k, issue in enumerate(self.issues):
            issues[issue.id] = issue
            lo, hi = issue.scale.min, issue.scale.max
            if not lo < hi:
                yield (("issues", k, "scale"), f"scale min {lo:g} is not below max {hi:g}",
                       "min < max")
                continue
            if hi - lo < 1e-9 * max(abs(lo), abs(hi)):
                yield (("issues", k, "scale"),
                       f"scale {lo:g} to {hi:g} is too narrow for its magnitude",
                       "a range of at least a billionth of its largest bound")
                continue
            for a, anchor in enumerate(issue.anchors):
                if not lo <= anchor.value <= hi:
                    yield (("issues", k, "anchors", a, "value"),
                           f"anchor {anchor.value:g} lies outside the scale",
                           f"{lo:g} to {hi:g}")
            values = [a.value for a in issue.anchors]
            if len(set(values)) != len(values):
                yield (("issues", k, "anchors"), "two anchors share a value", "distinct values")
            if issue.status_quo is not None and not lo <= issue.status_quo <= hi:
                yield (("issues", k, "status_quo"),
                       f"status quo {issue.status_quo:g} lies outside the scale",
                       f"{lo:g} to {hi:g}")
        actors = {a.id: a for a in self.actors}
        pairs: dict[tuple[str, str], int] = {}
        weight: dict[str, float] = {}
        for k, st in enumerate(self.stances):
            if st.actor not in actors:
                yield (("stances", k, "actor"), f"unknown actor '{st.actor}'",
                       f"an actor id: {_listing(list(actors))}")
                continue
            if st.issue not in issues:
                yield (("stances", k, "issue"), f"unknown issue '{st.issue}'",
                       f"an issue id: {_listing(list(issues))}")
                continue
            key = (st.actor, st.issue)
            if key in pairs:
                yield (("stances", k), f"a second stance of '{st.actor}' on '{st.issue}' "
                       f"(first at stances[{pairs[key]}])", "one stance per actor and issue")
            pairs.setdefault(key, k)
            if 0 < st.salience < MIN_WEIGHT:
                yield (("stances", k, "salience"),
                       f"salience {st.salience:g} is too small to compute with",
                       f"0, or {MIN_WEIGHT:g} to 1")
            issue = issues[st.issue]
            lo, hi = issue.scale.min, issue.scale.max
            if not lo <= st.position <= hi:
                yield (("stances", k, "position"),
                       f"position {st.position:g} lies outside the scale of issue '{st.issue}'",
                       f"{lo:g} to {hi:g}")
            for field, (flo, fhi) in (
                ("position_uncertainty", (lo, hi)),
                ("salience_uncertainty", (0.0, 1.0)),
            ):
                u = getattr(st, field)
                if u is not None and u.dist != "normal":
                    blo, bhi = u.bounds()
                    if blo < flo or bhi > fhi:
                        yield (("stances", k, field),
                               f"the range {blo:g}–{bhi:g} leaves the allowed interval",
                               f"{flo:g} to {fhi:g}")
            yield from check_evidence(("stances", k), st.evidence)
            weight[st.issue] = weight.get(st.issue, 0.0) + actors[st.actor].capability * st.salience
        if self.agreement is not None:
            yield from self._agreement_problems(actors, issues, check_evidence)
        for k, issue in enumerate(self.issues):
            if issue.id not in weight:
                yield (("issues", k), f"no actor takes a stance on issue '{issue.id}'",
                       "at least one stance per issue")
            elif weight[issue.id] <= 0:
                yield (("issues", k),
                       f"every actor on issue '{issue.id}' has capability 0 or salience 0",
                       "at least one actor with capability > 0 and salience > 0")

    def _agreement_problems(self, actors: dict[str, Actor], issues: dict[str, Issue],
                            check_evidence: Any) -> Iterator[tuple[tuple, str, str | None]]:
        ag = self.agreement
        assert ag is not None
        root = ("agreement",)
        actor_list = f"an actor id: {_listing(list(actors))}"
        groups = sorted({a.group for a in self.actors if a.group})
        yield from check_evidence(root, ag.evidence)

        def unknown_actor(loc: tuple, actor: str) -> Iterator:
            if actor not in actors:
                yield (*root, *loc), f"unknown actor '{actor}'", actor_list

        package = list(ag.package)
        if len(package) > MAX_PACKAGE:
            yield ((*root, "package"), f"{len(package)} package issues",
                   f"at most {MAX_PACKAGE} issues in one package")
        for k, iid in enumerate(package):
            if iid not in issues:
                yield ((*root, "package", k), f"unknown issue '{iid}'",
                       f"an issue id: {_listing(list(issues))}")
            elif issues[iid].status_quo is None:
                yield ((*root, "package", k),
                       f"package issue '{iid}' has no status quo (the no-deal point)",
                       "give the issue a status_quo, or leave it out of the package")
            if package.index(iid) != k:
                yield ((*root, "package", k), f"issue '{iid}' is listed twice",
                       "each issue once")

        def in_package(loc: tuple, iid: str) -> Iterator:
            if iid not in package:
                yield ((*root, *loc), f"issue '{iid}' is not in the package",
                       f"a package issue: {', '.join(package)}")

        seen: dict[str, int] = {}
        for k, party in enumerate(ag.parties):
            loc = ("parties", k)
            if party.id in seen:
                yield ((*root, *loc, "id"),
                       f"duplicate party id '{party.id}' (first used at parties[{seen[party.id]}])",
                       "unique ids")
            seen.setdefault(party.id, k)
            yield from unknown_actor((*loc, "negotiator"), party.negotiator)
            for v, actor in enumerate(party.vetoes):
                yield from unknown_actor((*loc, "vetoes", v), actor)
            if party.group is not None and party.members is not None:
                yield ((*root, *loc), "both 'group' and 'members' are given",
                       "one of them: a group's actors, or a list of members")
            if party.group is not None and party.group not in groups:
                yield ((*root, *loc, "group"), f"unknown group '{party.group}'",
                       f"a group of the actors: {_listing(groups)}")
            for m, actor in enumerate(party.members or ()):
                yield from unknown_actor((*loc, "members", m), actor)
            if not 0 <= party.quota <= 1:
                yield ((*root, *loc, "quota"), f"quota {party.quota:g} is out of range",
                       "a share of the members' capability from 0 to 1")
            members = ag.members(party, self.actors)
            for field, actor in (("negotiator", party.negotiator),
                                 *(("vetoes", v) for v in party.vetoes)):
                if actor in actors and actor not in members:
                    yield ((*root, *loc, field),
                           f"'{actor}' is not a member of party '{party.id}'",
                           f"a member: {_listing(list(members))}")
            yield from check_evidence((*root, *loc), party.evidence)
        for k, veto in enumerate(ag.vetoes):
            loc = ("vetoes", k)
            yield from unknown_actor((*loc, "actor"), veto.actor)
            for i, iid in enumerate(veto.issues or ()):
                yield from in_package((*loc, "issues", i), iid)
            yield from check_evidence((*root, *loc), veto.evidence)

        def bound_problems(loc: tuple, iid: str, lo: float | None, hi: float | None,
                           what: str) -> Iterator:
            if lo is None and hi is None:
                yield ((*root, *loc), f"the {what} gives neither min nor max", "min and/or max")
            if iid not in issues:
                return
            scale = issues[iid].scale
            for name, value in (("min", lo), ("max", hi)):
                if value is not None and not scale.min <= value <= scale.max:
                    yield ((*root, *loc, name),
                           f"{name} {value:g} lies off the scale of issue '{iid}'",
                           f"{scale.min:g} to {scale.max:g}")
            if lo is not None and hi is not None and lo > hi:
                yield ((*root, *loc), f"min {lo:g} exceeds max {hi:g}", "min ≤ max")

        for k, line in enumerate(ag.red_lines):
            loc = ("red_lines", k)
            yield from unknown_actor((*loc, "actor"), line.actor)
            yield from in_package((*loc, "issue"), line.issue)
            yield from bound_problems(loc, line.issue, line.min, line.max, "red line")
            if line.when is not None:
                yield from in_package((*loc, "when", "issue"), line.when.issue)
                yield from bound_problems((*loc, "when"), line.when.issue, line.when.min,
                                          line.when.max, "'when' condition")
            yield from check_evidence((*root, *loc), line.evidence)

    # --- labels and arrays -------------------------------------------------------------

    @cached_property
    def actor_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.actors)

    @cached_property
    def issue_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.issues)

    @cached_property
    def _arrays(self) -> dict[str, np.ndarray]:
        a_index = {a: k for k, a in enumerate(self.actor_ids)}
        i_index = {i: k for k, i in enumerate(self.issue_ids)}
        n_a, n_i = len(self.actors), len(self.issues)
        position = np.full((n_a, n_i), np.nan)
        salience = np.zeros((n_a, n_i))
        for st in self.stances:
            a, i = a_index[st.actor], i_index[st.issue]
            position[a, i] = st.position
            salience[a, i] = st.salience
        arrays = {
            "capability": np.array([a.capability for a in self.actors], dtype=float),
            "position": position,
            "salience": salience,
            "scale_min": np.array([i.scale.min for i in self.issues], dtype=float),
            "scale_max": np.array([i.scale.max for i in self.issues], dtype=float),
            "status_quo": np.array(
                [math.nan if i.status_quo is None else i.status_quo for i in self.issues],
                dtype=float,
            ),
        }
        for arr in arrays.values():
            arr.flags.writeable = False
        return arrays

    @property
    def capability(self) -> np.ndarray:
        """Capability per actor, shape ``[A]``."""
        return self._arrays["capability"]

    @property
    def position(self) -> np.ndarray:
        """Position per actor and issue, shape ``[A, I]``; NaN where there is no stance."""
        return self._arrays["position"]

    @property
    def salience(self) -> np.ndarray:
        """Salience per actor and issue on 0–1, shape ``[A, I]``; 0 where there is no stance."""
        return self._arrays["salience"]

    @property
    def scale_min(self) -> np.ndarray:
        return self._arrays["scale_min"]

    @property
    def scale_max(self) -> np.ndarray:
        return self._arrays["scale_max"]

    @property
    def status_quo(self) -> np.ndarray:
        return self._arrays["status_quo"]

    def batch(self) -> Batch:
        """The scenario as a batch of one draw."""
        a = self._arrays
        return Batch(
            a["capability"][None, :], a["position"][None], a["salience"][None],
            a["scale_min"], a["scale_max"], a["status_quo"], self.agreement_index,
        )

    @cached_property
    def agreement_index(self) -> AgreementIndex | None:
        """The agreement section in indices (None without one)."""
        ag = self.agreement
        if ag is None:
            return None
        actor = {a: k for k, a in enumerate(self.actor_ids)}
        pdim = {i: d for d, i in enumerate(ag.package)}

        def bound(v: float | None, default: float) -> float:
            return default if v is None else float(v)

        lines = []
        for r in ag.red_lines:
            w = r.when
            lines.append(RedLineIndex(
                actor[r.actor], pdim[r.issue], bound(r.min, -math.inf), bound(r.max, math.inf),
                -1 if w is None else pdim[w.issue],
                -math.inf if w is None else bound(w.min, -math.inf),
                math.inf if w is None else bound(w.max, math.inf)))
        return AgreementIndex(
            package=tuple(self.issue_ids.index(i) for i in ag.package),
            utility=ag.utility,
            cost=float(ag.cost),
            parties=tuple(
                PartyIndex(actor[p.negotiator], tuple(actor[v] for v in p.vetoes),
                           tuple(actor[m] for m in ag.members(p, self.actors)), float(p.quota))
                for p in ag.parties),
            vetoes=tuple(
                (actor[v.actor], tuple(pdim[i] for i in (v.issues or ag.package)))
                for v in ag.vetoes),
            red_lines=tuple(lines),
        )

    # --- lookups ---------------------------------------------------------------------

    def actor(self, actor_id: str) -> Actor:
        return self.actors[self.actor_index(actor_id)]

    def issue(self, issue_id: str) -> Issue:
        return self.issues[self.issue_index(issue_id)]

    def actor_index(self, actor_id: str) -> int:
        try:
            return self.actor_ids.index(actor_id)
        except ValueError:
            from .errors import InputError

            raise InputError(
                f"unknown actor '{actor_id}'", allowed=_listing(list(self.actor_ids))
            ) from None

    def issue_index(self, issue_id: str) -> int:
        try:
            return self.issue_ids.index(issue_id)
        except ValueError:
            from .errors import InputError

            raise InputError(
                f"unknown issue '{issue_id}'", allowed=_listing(list(self.issue_ids))
            ) from None

    def stance(self, actor_id: str, issue_id: str) -> Stance | None:
        for st in self.stances:
            if st.actor == actor_id and st.issue == issue_id:
                return st
        return None

    def nearest_anchor(self, issue_id: str, value: float) -> Anchor | None:
        """The labelled anchor closest to ``value`` (the lower one on a tie)."""
        anchors = self.issue(issue_id).anchors
        if not anchors or not math.isfinite(value):
            return None
        return min(anchors, key=lambda a: (abs(a.value - value), a.value))

    def replace(self, **changes: object) -> Scenario:
        """A new, re-validated Scenario with the given top-level fields changed."""
        data = self.model_dump()
        data.update(changes)
        return Scenario.model_validate(data)
