"""The "whether" backtest: P(deal) on cases where a deal was or was not struck.

Each case is a YAML file in ``scenarios/whether/`` (package data): where its scenario comes
from (a built-in scenario or snapshot, or an input file of the reference data read at run
time and never shipped), the agreement section and status quo it adds where the scenario
has none, the date the inputs describe, and the outcome (1 = a deal was struck, 0 = none)
with cited evidence. The protocol (fixed draws and seed, the scores, the baselines) is in
``docs/backtests.md``.

P(deal) is the agreement model's share of draws with a non-empty win-set over the
scenario's declared uncertainty (:func:`realpolitik.analysis.deal.deal_draws`). A case may
also declare an ``event``: bounds on the package that the coded outcome literally names
(e.g. "a treaty concluded or territory transferred"); ``p_event`` is then the share of draws
with a deal whose package meets any of them. Without one, ``p_event`` is ``p_deal``.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, model_validator

from ..errors import InputError
from ..scenario import Bound, Evidence, Id, Scenario, Source, Strict
from . import Progress

DRAWS = 1000
SEED = 0
FOLDER = "whether"


class CaseScenario(Strict):
    """Where the case's scenario comes from: a built-in scenario (``builtin``, optionally one
    of its ``snapshot`` overlays) or a file under the reference data folder (``data``)."""

    builtin: Id | None = None
    snapshot: Id | None = None
    data: str | None = None

    @model_validator(mode="after")
    def _one(self) -> CaseScenario:
        if (self.builtin is None) == (self.data is None):
            raise ValueError("give exactly one of builtin and data")
        if self.snapshot is not None and self.builtin is None:
            raise ValueError("snapshot needs builtin")
        if self.data is not None and (Path(self.data).is_absolute() or ".." in
                                      Path(self.data).parts):
            raise ValueError("data must be a relative path inside the reference data folder")
        return self


class Case(Strict):
    case: Id
    title: str = Field(min_length=1)
    as_of: dt.date
    as_of_note: str = Field(min_length=1)
    scenario: CaseScenario
    # added to a scenario without them (judgements, each stated in the file's notes)
    status_quo: dict[str, float] | None = None
    agreement: dict[str, Any] | None = None
    outcome: Literal[0, 1]
    outcome_date: dt.date
    summary: str = Field(min_length=1)
    source: str = Field(min_length=1)  # the short citation printed with the case
    sources: dict[Id, Source] = Field(min_length=1)
    evidence: tuple[Evidence, ...] = Field(min_length=1)
    event: tuple[Bound, ...] = ()
    event_note: str | None = None
    notes: tuple[str, ...] = ()
    origin: str | None = Field(None, exclude=True)  # the file it was read from (set on load)

    @model_validator(mode="after")
    def _checks(self) -> Case:
        for k, ev in enumerate(self.evidence):
            if ev.source not in self.sources:
                raise ValueError(f"evidence[{k}] names source '{ev.source}', which is not "
                                 "among the case's sources")
        if all(ev.kind == "judgement" for ev in self.evidence):
            raise ValueError("the outcome needs at least one quote or fact, not only "
                             "judgements")
        if self.outcome_date < self.as_of:
            raise ValueError(f"outcome_date {self.outcome_date} precedes as_of {self.as_of}: "
                             "a backtest scores what happened after the inputs")
        if self.event and not self.event_note:
            raise ValueError("an event needs an event_note saying why")
        if self.scenario.data is not None and (self.agreement is None
                                               or self.status_quo is None):
            raise ValueError("a case built from a data file needs status_quo and agreement")
        return self


def case_files() -> list[Any]:
    """The packaged case files, in name order."""
    where = resources.files("realpolitik.scenarios") / FOLDER
    return sorted((p for p in where.iterdir() if p.name.endswith(".yaml")),
                  key=lambda p: p.name)


def load_case(path: Any, source: str | None = None) -> Case:
    from ..errors import read_text
    from ..io.native import load_yaml
    from ..io.validate import validate

    if source is None:  # a packaged file
        source = f"built-in:{FOLDER}/{path.name}"
        text = path.read_text(encoding="utf-8")
    else:
        text = read_text(path)
    data, locate = load_yaml(text, source)
    if isinstance(data, dict) and "origin" in data:
        raise InputError("unknown key 'origin'", source=source, field="origin",
                         allowed="the keys of docs/backtests.md")
    case = validate(Case, data, source=source, locate=locate,
                    what="case, title, as_of, scenario, outcome, evidence, ...")
    return case.model_copy(update={"origin": source})


def load_cases(paths: list[Path] | None = None) -> list[Case]:
    """The packaged cases, or the case files at ``paths``; case ids must be unique."""
    files = case_files() if paths is None else list(paths)
    cases = [load_case(p, None if paths is None else str(p)) for p in files]
    seen: set[str] = set()
    for c in cases:
        if c.case in seen:
            raise InputError(f"case '{c.case}' is defined twice", field="case",
                             allowed="one file per case id")
        seen.add(c.case)
    return cases


def _every_actor(scenario: Scenario, agreement: dict[str, Any]) -> dict[str, Any]:
    """``parties: every-actor``: one party per actor, the actor its own negotiator (a
    decision by consensus: any one objection blocks)."""
    out = dict(agreement)
    if out.get("parties") == "every-actor":
        evidence = out.pop("parties_evidence", [])
        out["parties"] = [{"id": f"p{k}", "negotiator": a.id, "members": [a.id],
                           "evidence": evidence} for k, a in enumerate(scenario.actors)]
    return out


def build(case: Case, data_dir: Path | None) -> Scenario:
    """The case's scenario with its agreement section and status quo. A data file is read
    from ``data_dir``; without one, or when the file is missing, an InputError says so."""
    from .. import load
    from .. import scenarios as builtin
    from ..io.validate import build_scenario
    from .whatif import apply, load_overlay

    where = case.origin or f"built-in:{FOLDER}/{case.case}.yaml"
    if case.scenario.builtin is not None:
        sc = builtin.load(case.scenario.builtin)
        if case.scenario.snapshot is not None:
            sc = apply(sc, load_overlay(case.scenario.snapshot, case.scenario.builtin))
    else:
        if data_dir is None:
            raise InputError(f"case '{case.case}' reads {case.scenario.data} from the "
                             "reference data folder, which was not given", field="data",
                             allowed="the reference data folder (holding "
                             f"{case.scenario.data})")
        path = Path(data_dir) / case.scenario.data
        if not path.is_file():
            raise InputError(f"case '{case.case}': {path} not found", field="data",
                             allowed="a folder holding " + case.scenario.data)
        sc = load(path)
    if case.status_quo is None and case.agreement is None:
        return sc
    data = sc.model_dump(exclude_none=True)
    ids = {i["id"] for i in data["issues"]}
    for issue in case.status_quo or {}:
        if issue not in ids:
            raise InputError(f"status_quo names issue '{issue}', which the scenario lacks",
                             source=where, field="status_quo",
                             allowed=", ".join(sorted(ids)))
    for i in data["issues"]:
        if case.status_quo and i["id"] in case.status_quo:
            i["status_quo"] = case.status_quo[i["id"]]
    if case.agreement is not None:
        data["sources"] = {**data.get("sources", {}),
                           **{k: v.model_dump(exclude_none=True)
                              for k, v in case.sources.items()}}
        data["agreement"] = _every_actor(sc, case.agreement)
    data["as_of"] = case.as_of
    return build_scenario(data, source=where)


def _in_event(case: Case, scenario: Scenario, packages: np.ndarray) -> np.ndarray:
    """[N] bool: the package meets at least one of the case's event bounds."""
    ag = scenario.agreement
    assert ag is not None
    hit = np.zeros(len(packages), dtype=bool)
    for b in case.event:
        if b.issue not in ag.package:
            raise InputError(f"event names issue '{b.issue}', outside the package",
                             source=case.origin, field="event",
                             allowed=", ".join(ag.package))
        v = packages[:, ag.package.index(b.issue)]
        ok = np.ones(len(v), dtype=bool)
        if b.min is not None:
            ok &= v > b.min  # strictly beyond the bound: the bound itself is not the event
        if b.max is not None:
            ok &= v < b.max
        hit |= ok
    return hit


def _describe_event(case: Case) -> str | None:
    """``"treaty > 75 or territory > 37.5"``; None when the case defines no event."""
    parts = []
    for b in case.event:
        cond = [f"{b.issue} > {b.min:g}"] if b.min is not None else []
        cond += [f"{b.issue} < {b.max:g}"] if b.max is not None else []
        parts.append(" and ".join(cond))
    return " or ".join(parts) or None


def run_case(case: Case, data_dir: Path | None, *, draws: int = DRAWS, seed: int = SEED,
             widen: float = 0.0) -> dict[str, Any]:
    from .deal import deal_draws
    from .uncertainty import uncertain_inputs

    sc = build(case, data_dir)
    deals, packages = deal_draws(sc, draws, seed, widen=widen)
    p = float(deals.mean())
    p_event = float((deals & _in_event(case, sc, packages)).mean()) if case.event else p
    return {
        "case": case.case, "as_of": case.as_of.isoformat(), "p_deal": p,
        "outcome": case.outcome, "brier": (p - case.outcome) ** 2, "source": case.source,
        "title": case.title, "event": _describe_event(case), "p_event": p_event,
        "brier_event": (p_event - case.outcome) ** 2,
        "uncertain_inputs": len(uncertain_inputs(sc, widen)),
    }


def whether_backtest(data_dir: Path | None = None, *, draws: int = DRAWS, seed: int = SEED,
                     widen: float = 0.0, cases: list[Case] | None = None,
                     progress: Progress | None = None) -> dict[str, Any]:
    """Every case's P(deal) and Brier score, the mean Brier score and the baselines'
    (``docs/json-output.md``). Cases whose data file is not available are listed under
    ``skipped`` with the reason, not scored. ``progress(done, total)`` after each case."""
    from .scores import baselines, brier, calibration, log_score

    rows, skipped = [], []
    todo = cases if cases is not None else load_cases()
    for k, case in enumerate(todo):
        if progress is not None:
            progress(k, len(todo))
        if case.scenario.data is not None and (
                data_dir is None or not (Path(data_dir) / case.scenario.data).is_file()):
            skipped.append({"case": case.case, "reason": f"{case.scenario.data} not found "
                            "in the reference data folder"})
            continue
        rows.append(run_case(case, data_dir, draws=draws, seed=seed, widen=widen))
    if progress is not None:
        progress(len(todo), len(todo))
    p = np.array([r["p_deal"] for r in rows])
    pe = np.array([r["p_event"] for r in rows])
    y = np.array([r["outcome"] for r in rows], dtype=float)
    if not rows:
        raise InputError("no case could be run: every case needs the reference data",
                         field="data", allowed="the reference data folder")
    return {
        "cases": rows,
        "brier": brier(p, y),
        "baselines": {name: brier(b, y) for name, b in baselines(y).items()},
        "brier_event": brier(pe, y),
        "log": log_score(p, y),
        "baselines_log": {name: log_score(b, y) for name, b in baselines(y).items()},
        "calibration": calibration(p, y),
        "draws": draws, "seed": seed, "widen": widen,
        "skipped": skipped,
    }


def verdict(result: dict[str, Any], key: str = "brier") -> str:
    """One line: the model's Brier score against the best baseline, and by how much."""
    model = result[key]
    best_name, best = min(result["baselines"].items(), key=lambda kv: kv[1])
    if best_name == "base rate":
        best_name = "the base rate (in-sample)"
    coin = result["baselines"]["coin"]
    n = len(result["cases"])
    against = f"Brier {model:.3f} against the best baseline, {best_name}, {best:.3f}"
    if model < best:
        head = f"the model wins: {against}, better by {best - model:.3f}"
    elif model == best:
        head = f"a tie: {against}"
    else:
        head = f"the baselines win: {against}, worse by {model - best:.3f}"
    return f"{head}; the coin scores {coin:.3f} ({n} cases; lower is better)"
