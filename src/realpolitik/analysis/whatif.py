"""What-if overlays: a small file of changes to a scenario, each with its evidence.

An overlay (``docs/whatif.md``) lists changes — set or shift a position, salience or
capability; add a stance; add or remove an actor — and, optionally, the claim of the article
it comes from (the outcome the article argues or predicts, per issue). :func:`apply` turns a
Scenario and an overlay into a new, re-validated Scenario; it is a pure function. Nothing is
clipped silently: a change that would leave an issue's scale (or salience's 0–1, or make a
capability negative) is an :class:`~realpolitik.errors.InputError` naming the change.

Choices made here (each documented in ``docs/whatif.md``):

* ``set`` of a position or salience drops that number's uncertainty distribution (the new
  value is a point judgement); ``shift`` moves the distribution with the value, and a
  shifted distribution that leaves the allowed range is an error as well.
* A change's evidence is appended to the evidence of what it changes (the stance or the
  actor), so the changed scenario still says why each number is what it is.
* The applied scenario is named ``<scenario>.<overlay>``; its ``as_of`` becomes the
  overlay's ``as_of`` when the overlay gives one.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..errors import InputError, read_text
from ..io.native import load_yaml
from ..io.validate import field_path, translate, validate
from ..scenario import (
    Actor,
    Agreement,
    Distribution,
    Evidence,
    FiniteFloat,
    Id,
    Scenario,
    Source,
)
from ..scenarios import DEFAULT, folder
from . import Progress, Steps

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Overlay",
    "apply",
    "builtin_overlays",
    "compare",
    "load_overlay",
    "parse_overlay",
]

Quantity = Literal["position", "salience", "capability"]
Evidences = Annotated[tuple[Evidence, ...], Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Claim(_Strict):
    """What the article itself argues or predicts, per issue on the issue's own scale."""

    source: Id
    summary: str = Field(min_length=1)
    quote: str = Field(min_length=1)
    outcomes: dict[Id, FiniteFloat] = Field(default_factory=dict)
    note: str | None = None


class SetChange(_Strict):
    set: Quantity
    actor: Id
    issue: Id | None = None
    value: FiniteFloat
    evidence: Evidences
    note: str | None = None


class ShiftChange(_Strict):
    shift: Quantity
    actor: Id
    issue: Id | None = None
    by: FiniteFloat
    evidence: Evidences
    note: str | None = None


class NewStance(_Strict):
    """A stance of an added actor (or one added with ``add_stance``)."""

    issue: Id
    position: FiniteFloat
    salience: FiniteFloat = Field(ge=0, le=1)
    position_uncertainty: Distribution | None = None
    salience_uncertainty: Distribution | None = None
    evidence: Evidences
    note: str | None = None


class AddStance(_Strict):
    add_stance: NewStance
    actor: Id
    note: str | None = None


class AddActor(_Strict):
    add_actor: Actor
    stances: tuple[NewStance, ...] = Field(min_length=1)
    note: str | None = None


class RemoveActor(_Strict):
    remove_actor: Id
    evidence: Evidences
    note: str | None = None


_KINDS = {"set": "SetChange", "shift": "ShiftChange", "add_stance": "AddStance",
          "add_actor": "AddActor", "remove_actor": "RemoveActor"}


def _change_kind(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return type(value).__name__
    if isinstance(value, dict):
        for key, tag in _KINDS.items():
            if key in value:
                return tag
    return None


Change = Annotated[
    Annotated[SetChange, Tag("SetChange")]
    | Annotated[ShiftChange, Tag("ShiftChange")]
    | Annotated[AddStance, Tag("AddStance")]
    | Annotated[AddActor, Tag("AddActor")]
    | Annotated[RemoveActor, Tag("RemoveActor")],
    Discriminator(
        _change_kind,
        custom_error_type="change_kind",
        custom_error_message="a change must have one of the keys set, shift, add_stance, "
        "add_actor, remove_actor",
    ),
]


class Overlay(_Strict):
    """A named list of changes to a scenario, with the article's claim when there is one."""

    name: Id
    title: str = ""
    description: str = ""
    base: Id | None = None
    as_of: dt.date | None = None
    sources: dict[Id, Source] = Field(default_factory=dict)
    claim: Claim | None = None
    changes: tuple[Change, ...] = ()
    # Replaces the scenario's whole agreement section (parties, vetoes, red lines, package).
    agreement: Agreement | None = None
    notes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _changes_something(self) -> Overlay:
        if not self.changes and self.agreement is None:
            raise PydanticCustomError(
                "scenario", "{problem}",
                {"problem": "the overlay changes nothing", "loc": ("changes",),
                 "allowed": "at least one change, or an agreement section"})
        return self

    # Where the overlay came from and the line of each change, for errors found by apply().
    _source: str | None = PrivateAttr(default=None)
    _lines: dict[int, int] = PrivateAttr(default_factory=dict)

    def evidence(self) -> Iterable[tuple[str, Evidence]]:
        """Every piece of evidence in the overlay with the field path it stands at."""
        for k, change in enumerate(self.changes):
            if isinstance(change, AddActor):
                for e, ev in enumerate(change.add_actor.evidence):
                    yield f"changes[{k}].add_actor.evidence[{e}]", ev
                for s, st in enumerate(change.stances):
                    for e, ev in enumerate(st.evidence):
                        yield f"changes[{k}].stances[{s}].evidence[{e}]", ev
            elif isinstance(change, AddStance):
                for e, ev in enumerate(change.add_stance.evidence):
                    yield f"changes[{k}].add_stance.evidence[{e}]", ev
            else:
                for e, ev in enumerate(change.evidence):
                    yield f"changes[{k}].evidence[{e}]", ev
        if self.agreement is not None:
            yield from self.agreement.all_evidence()


# --- reading --------------------------------------------------------------------------


def _tags() -> dict[str, type[BaseModel]]:
    """The union tags pydantic puts into a change's field path, and their classes."""
    return {name: globals()[name] for name in _KINDS.values()}


def parse_overlay(text: str, source: str | Path | None = None) -> Overlay:
    """An overlay from YAML (or JSON, which is YAML) text."""
    data, locate = load_yaml(text, source)
    overlay = validate(
        Overlay, data, source=source, locate=locate, tags=_tags(),
        what="an overlay mapping with name and changes (see docs/whatif.md)",
        reword={"change_kind": ("a change names no known kind of change",
                                  ", ".join(_KINDS))})
    overlay._source = None if source is None else str(source)
    overlay._lines = {k: line for k in range(len(overlay.changes))
                      if (line := locate(("changes", k))) is not None}
    return overlay


def builtin_overlays(scenario: str = DEFAULT, kind: str = "whatifs") -> list[str]:
    """Names (file stems) of a built-in scenario's overlays: ``whatifs`` or ``snapshots``."""
    where = folder(scenario) / kind
    if not where.is_dir():
        return []
    return sorted(p.name[:-5] for p in where.iterdir() if p.name.endswith(".yaml"))


@cache
def _load_builtin(scenario: str, kind: str, stem: str) -> Overlay:
    path = folder(scenario) / kind / f"{stem}.yaml"
    return parse_overlay(path.read_text(encoding="utf-8"),
                         source=f"built-in:{scenario}/{kind}/{stem}.yaml")


def load_overlay(spec: str | Path, scenario: str = DEFAULT) -> Overlay:
    """An overlay file, or a built-in what-if/snapshot of ``scenario`` by name or prefix
    (``000`` finds ``000-treaty-without-preconditions``; ``2016-12`` a snapshot)."""
    path = Path(spec)
    if path.exists():
        return parse_overlay(read_text(path), source=path)
    text = str(spec)
    if path.suffix.lower() in {".yaml", ".yml", ".json"} or "/" in text:
        raise InputError("file not found", source=path,
                         allowed="an existing overlay file, or a built-in overlay name")
    for kind in ("whatifs", "snapshots"):
        stems = builtin_overlays(scenario, kind)
        matches = [s for s in stems if s == text] or [s for s in stems if s.startswith(text)]
        if len(matches) == 1:
            return _load_builtin(scenario, kind, matches[0])
        if len(matches) > 1:
            raise InputError(f"'{text}' matches several built-in overlays: "
                             f"{', '.join(matches)}", field="OVERLAY",
                             allowed="a longer prefix")
    known = builtin_overlays(scenario) + builtin_overlays(scenario, "snapshots")
    raise InputError(f"no overlay file or built-in overlay '{text}'", field="OVERLAY",
                     allowed=", ".join(known) + ", or a path to an overlay file"
                     if known else "a path to an overlay file")


# --- applying -------------------------------------------------------------------------


def _fail(overlay: Overlay, k: int | None, problem: str, allowed: str | None = None,
          field: str | None = None) -> InputError:
    where = field or (f"changes[{k}]" if k is not None else None)
    line = overlay._lines.get(k) if k is not None else None
    return InputError(problem, source=overlay._source or f"overlay {overlay.name}",
                      line=line, field=where, allowed=allowed)


def _shifted(dist: dict | None, by: float) -> dict | None:
    if dist is None:
        return None
    out = dict(dist)
    for key in ("low", "high", "mode", "mean"):
        if out.get(key) is not None:
            out[key] = out[key] + by
    return out


def _bounds(dist: dict) -> tuple[float, float]:
    return Distribution.model_validate(dist).bounds()


def _merged_sources(scenario_sources: dict, overlay: Overlay) -> dict:
    sources = dict(scenario_sources)
    for sid, src in overlay.sources.items():
        if sid in sources and sources[sid] != src.model_dump():
            raise _fail(overlay, None, f"source '{sid}' differs from the scenario's source "
                        "of that id", allowed="a new id, or the same content",
                        field=f"sources.{sid}")
        sources[sid] = src.model_dump()
    return sources


def _check_references(overlay: Overlay, sources: dict, issues: dict[str, dict]) -> None:
    """Every evidence item and the claim name known sources; claimed outcomes are on scale."""
    for path, ev in overlay.evidence():
        if ev.source not in sources:
            k = int(path.split("]")[0].split("[")[1]) if path.startswith("changes") else None
            raise _fail(overlay, k, f"unknown source '{ev.source}'",
                        allowed="a source of the scenario or of the overlay: "
                        + ", ".join(sorted(sources)), field=path + ".source")
    if overlay.claim is None:
        return
    if overlay.claim.source not in sources:
        raise _fail(overlay, None, f"unknown source '{overlay.claim.source}'",
                    allowed=", ".join(sorted(sources)), field="claim.source")
    for iid, value in overlay.claim.outcomes.items():
        if iid not in issues:
            raise _fail(overlay, None, f"unknown issue '{iid}'",
                        allowed=", ".join(issues), field=f"claim.outcomes.{iid}")
        lo, hi = issues[iid]["scale"]["min"], issues[iid]["scale"]["max"]
        if not lo <= value <= hi:
            raise _fail(overlay, None, f"outcome {value:g} lies outside the scale of "
                        f"issue '{iid}'", allowed=f"{lo:g} to {hi:g}",
                        field=f"claim.outcomes.{iid}")


class _Edit:
    """The overlay's changes made one at a time on the scenario's dumped data."""

    def __init__(self, overlay: Overlay, actors: list[dict], stances: list[dict],
                 issues: dict[str, dict]) -> None:
        self.overlay, self.actors, self.stances, self.issues = overlay, actors, stances, issues

    def fail(self, k: int, problem: str, allowed: str | None = None) -> InputError:
        return _fail(self.overlay, k, problem, allowed=allowed)

    def actor(self, k: int, actor_id: str) -> dict:
        for a in self.actors:
            if a["id"] == actor_id:
                return a
        raise self.fail(k, f"unknown actor '{actor_id}'",
                        ", ".join(a["id"] for a in self.actors))

    def issue(self, k: int, issue_id: str | None, what: str) -> dict:
        if issue_id is None:
            raise self.fail(k, f"a {what} change needs an issue",
                            "issue: " + ", ".join(self.issues))
        if issue_id not in self.issues:
            raise self.fail(k, f"unknown issue '{issue_id}'", ", ".join(self.issues))
        return self.issues[issue_id]

    def stance(self, k: int, actor_id: str, issue_id: str) -> dict:
        for st in self.stances:
            if st["actor"] == actor_id and st["issue"] == issue_id:
                return st
        raise self.fail(k, f"actor '{actor_id}' has no stance on issue '{issue_id}'",
                        "a stance the scenario has; add one with add_stance")

    def new_stance(self, k: int, actor_id: str, ns: NewStance) -> dict:
        issue = self.issue(k, ns.issue, "stance")
        lo, hi = issue["scale"]["min"], issue["scale"]["max"]
        if not lo <= ns.position <= hi:
            raise self.fail(k, f"position {ns.position:g} lies outside the scale of "
                            f"issue '{ns.issue}'", f"{lo:g} to {hi:g}")
        if any(st["actor"] == actor_id and st["issue"] == ns.issue for st in self.stances):
            raise self.fail(k, f"actor '{actor_id}' already has a stance on '{ns.issue}'",
                            "set or shift to change it")
        return {"actor": actor_id, **ns.model_dump()}

    def change(self, k: int, change: Any) -> None:
        if isinstance(change, SetChange | ShiftChange):
            what = change.set if isinstance(change, SetChange) else change.shift
            if what == "capability":
                self.capability(k, change)
            else:
                self.stance_value(k, change, what)
        elif isinstance(change, AddStance):
            self.actor(k, change.actor)
            self.stances.append(self.new_stance(k, change.actor, change.add_stance))
        elif isinstance(change, AddActor):
            self.add_actor(k, change)
        elif isinstance(change, RemoveActor):
            self.actor(k, change.remove_actor)
            self.actors[:] = [a for a in self.actors if a["id"] != change.remove_actor]
            self.stances[:] = [s for s in self.stances if s["actor"] != change.remove_actor]

    def capability(self, k: int, change: SetChange | ShiftChange) -> None:
        actor = self.actor(k, change.actor)
        if change.issue is not None:
            raise self.fail(k, "a capability change takes no issue", "actor and value (or by)")
        old = actor["capability"]
        new = change.value if isinstance(change, SetChange) else old + change.by
        if not (new >= 0 and math.isfinite(new)):
            raise self.fail(k, f"capability of '{change.actor}' would be {new:g}",
                            "capability >= 0")
        actor["capability"] = new
        if isinstance(change, SetChange):
            actor["capability_uncertainty"] = None
        elif actor.get("capability_uncertainty"):
            actor["capability_uncertainty"] = _shifted(actor["capability_uncertainty"],
                                                       change.by)
        actor["evidence"] = (*actor["evidence"], *(e.model_dump() for e in change.evidence))

    def stance_value(self, k: int, change: SetChange | ShiftChange, what: str) -> None:
        self.actor(k, change.actor)
        issue = self.issue(k, change.issue, what)
        st = self.stance(k, change.actor, change.issue)  # type: ignore[arg-type]
        lo, hi = ((issue["scale"]["min"], issue["scale"]["max"]) if what == "position"
                  else (0.0, 1.0))
        old = st[what]
        new = change.value if isinstance(change, SetChange) else old + change.by
        if not lo <= new <= hi:
            how = (f"set to {new:g}" if isinstance(change, SetChange)
                   else f"shifted by {change.by:+g} from {old:g} to {new:g}")
            raise self.fail(k, f"{what} of '{change.actor}' on '{change.issue}' {how} "
                            "leaves the allowed range", f"{lo:g} to {hi:g}")
        st[what] = new
        key = f"{what}_uncertainty"
        if isinstance(change, SetChange):
            st[key] = None
        elif st.get(key):
            st[key] = _shifted(st[key], change.by)
            blo, bhi = _bounds(st[key])
            if st[key]["dist"] != "normal" and (blo < lo or bhi > hi):
                raise self.fail(k, f"the shifted {what} range {blo:g}–{bhi:g} of "
                                f"'{change.actor}' on '{change.issue}' leaves the allowed "
                                "range", f"{lo:g} to {hi:g}")
        st["evidence"] = (*st["evidence"], *(e.model_dump() for e in change.evidence))

    def add_actor(self, k: int, change: AddActor) -> None:
        new_id = change.add_actor.id
        if any(a["id"] == new_id for a in self.actors):
            raise self.fail(k, f"actor '{new_id}' already exists",
                            "a new id, or set/shift to change the actor")
        if not change.add_actor.evidence:
            raise self.fail(k, f"the added actor '{new_id}' has no evidence",
                            "add_actor.evidence with at least one item")
        self.actors.append(change.add_actor.model_dump())
        for ns in change.stances:
            self.stances.append(self.new_stance(k, new_id, ns))


def apply(scenario: Scenario, overlay: Overlay) -> Scenario:
    """The scenario with the overlay's changes made, in order; re-validated."""
    if overlay.base is not None and overlay.base != scenario.name:
        raise _fail(overlay, None, f"the overlay is for scenario '{overlay.base}', not "
                    f"'{scenario.name}'", allowed=f"base: {scenario.name}, or no base",
                    field="base")
    data = scenario.model_dump()
    data["sources"] = _merged_sources(data["sources"], overlay)
    data["actors"], data["stances"] = list(data["actors"]), list(data["stances"])
    issues = {i["id"]: i for i in data["issues"]}
    _check_references(overlay, data["sources"], issues)
    edit = _Edit(overlay, data["actors"], data["stances"], issues)
    for k, change in enumerate(overlay.changes):
        edit.change(k, change)

    if overlay.agreement is not None:
        data["agreement"] = overlay.agreement.model_dump()
    data["name"] = f"{scenario.name}.{overlay.name}"
    if overlay.title:
        data["title"] = f"{scenario.title or scenario.name} — {overlay.title}"
    if overlay.as_of is not None:
        data["as_of"] = overlay.as_of
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        loc, problem, allowed = translate(exc.errors()[0])
        raise _fail(overlay, None, f"after the changes, the scenario is invalid at "
                    f"{field_path(loc)}: {problem}", allowed=allowed,
                    field="changes") from None


# --- comparing ------------------------------------------------------------------------


def _forecasts(scenario: Scenario, model: str, seed: int,
               params: dict[str, Any] | None = None) -> np.ndarray:
    from ..models import evaluate

    return evaluate(model, scenario, params=params, rng=seed).forecast


def compare(
    scenario: Scenario,
    overlays: Overlay | Sequence[Overlay],
    models: Sequence[str] | None = None,
    *,
    seed: int | None = 0,
    draws: int | None = None,
    params: dict[str, dict[str, Any]] | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Per overlay, model and issue: the baseline forecast, the what-if forecast, the
    difference, and the article's claimed outcome where the overlay records one.

    With ``draws``, the Monte Carlo spread (5th and 95th percentiles of the what-if
    forecast over ``draws`` perturbed scenarios, with the same model parameters and seed
    as the point forecast) is added. ``progress`` is called after each model run (a Monte
    Carlo run of ``draws`` counts as draws / 250 of them).
    """
    from ..models import names, resolve_rng

    if seed is None:  # one fresh seed for every forecast and the spread alike
        seed = resolve_rng(None)[2]
    if isinstance(overlays, Overlay):
        overlays = [overlays]
    chosen = list(models) if models else names()
    if draws:  # refuse a run that cannot fit before any model runs
        from .montecarlo import check_draws

        check_draws(scenario, draws)
    mc = max(draws / 250, 1.0) if draws else 0.0
    steps = Steps(progress, [1.0] * len(chosen)
                  + [mc] * (len(overlays) * len(chosen) if draws else 0)
                  + [1.0] * (len(overlays) * len(chosen)))
    base = {}
    for k, m in enumerate(chosen):
        base[m] = _forecasts(scenario, m, seed, (params or {}).get(m))
        steps.done(k)
    part = len(chosen)
    rows = []
    for ov in overlays:
        changed = apply(scenario, ov)
        spread = {}
        if draws:
            spread = _spread(changed, chosen, draws, seed, params,
                             [steps.part(part + k) for k in range(len(chosen))])
            part += len(chosen)
        claim = ov.claim.outcomes if ov.claim else {}
        for m in chosen:
            after = _forecasts(changed, m, seed, (params or {}).get(m))
            steps.done(part)
            part += 1
            for i, issue in enumerate(scenario.issue_ids):
                j = changed.issue_ids.index(issue)
                row = {
                    "overlay": ov.name, "model": m, "issue": issue,
                    "baseline": float(base[m][i]), "whatif": float(after[j]),
                    "difference": float(after[j] - base[m][i]),
                    "claim": float(claim.get(issue, math.nan)),
                }
                if draws:
                    lo, hi = spread.get(m, (None, None))
                    row["whatif_p05"] = math.nan if lo is None else float(lo[j])
                    row["whatif_p95"] = math.nan if hi is None else float(hi[j])
                rows.append(row)
    import pandas as pd

    return pd.DataFrame(rows)


def _spread(scenario: Scenario, models: list[str], draws: int, seed: int,
            params: dict[str, dict[str, Any]] | None = None,
            progress: Sequence[Progress | None] = ()
            ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """5th/95th percentiles of each model's forecast per issue over Monte Carlo draws from
    the scenario's declared uncertainty, with the model parameters of the point forecast."""
    from .montecarlo import simulate

    out = {}
    for k, m in enumerate(models):
        result = simulate(scenario, m, draws, seed, params=(params or {}).get(m),
                          progress=progress[k] if k < len(progress) else None)
        forecasts = result.forecasts
        with np.errstate(all="ignore"):
            out[m] = (np.nanpercentile(forecasts, 5, axis=0) if np.isfinite(forecasts).any()
                      else np.full(forecasts.shape[1], np.nan),
                      np.nanpercentile(forecasts, 95, axis=0) if np.isfinite(forecasts).any()
                      else np.full(forecasts.shape[1], np.nan))
    return out
