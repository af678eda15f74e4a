"""Backtests: forecasts made from what was known then, scored against what happened.

* :func:`russia_japan_backtest` runs every registered model on the Russia–Japan snapshots
  (December 2016, November 2018, and the January 2019 default) and scores each forecast
  against the outcome coded in ``scenarios/russia-japan/outcomes.yaml``.
* :func:`deu_backtest` runs every registered model on the DEU issues (``io/deu.py``) under
  several capability schemes and reports the mean absolute error (MAE, 0–100 scale).

Capability schemes for DEU (``docs/backtests.md``):

* ``equal`` — every actor (member states, Commission, Parliament) has capability 1.
* ``council`` — Council voting weights of the treaty era of the proposal (tables below,
  with sources). The era is chosen by the proposal's year: up to 2002 pre-Nice (EU-15
  weights in force 1995–2004), 2003–2011 Nice (in force Nov 2004–Oct 2014), from 2012
  Lisbon population shares (double majority, in force from Nov 2014). The Commission and
  the Parliament are a documented choice, not a treaty fact: each counts as one average
  member state of the era (the mean weight), and the Parliament counts 0 under the
  consultation procedure (``CNS``), where its opinion does not bind the Council.
* ``gdp`` — the GDP figure per actor in the file's second row (as the person who combined
  the file gave it, including the Commission and the Parliament).

The procedure-aware agreement gates (``gate``, ``gate-compromise``; ``analysis/gate.py``)
are DEU-specific rows: the treaty's voting rules, not a capability scheme, decide whether
a deal is struck, so they are scored once, beside the compromise model under ``council``.

No model is tuned on DEU here: every model runs with its defaults, so there is no
train/test split to report.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from ..errors import InputError
from ..io.deu import DeuData, read_deu
from ..scenario import Batch, Evidence, FiniteFloat, Id, Scenario, Source, Strict
from ..scenarios import DEFAULT
from . import Progress

# --- Council voting weights -----------------------------------------------------------

# Weighted votes 1 Jan 1995 – 30 Apr 2004 (EU-15): EC Treaty art. 148(2) as amended by the
# 1994 Act of Accession of Austria, Finland and Sweden; total 87, qualified majority 62.
# Tabulated in CVCE, "Evolution of qualified majority voting in the Council" (cvce.eu).
PRE_NICE: dict[str, float] = {
    "de": 10, "fr": 10, "it": 10, "uk": 10, "es": 8, "be": 5, "el": 5, "nl": 5, "pt": 5,
    "at": 4, "se": 4, "dk": 3, "ie": 3, "fi": 3, "lu": 2,
}

# Weighted votes from 1 Nov 2004: Treaty of Nice, Protocol on the enlargement of the EU,
# art. 3 (EU-25, total 321); Bulgaria and Romania from 1 Jan 2007 (2005 Act of Accession,
# art. 22; total 345); Croatia 7 from 1 Jul 2013 (2012 Act of Accession, art. 20).
# Tabulated in CVCE (as above).
NICE: dict[str, float] = {
    "de": 29, "fr": 29, "it": 29, "uk": 29, "es": 27, "pl": 27, "ro": 14, "nl": 13,
    "be": 12, "cz": 12, "el": 12, "hu": 12, "pt": 12, "at": 10, "bu": 10, "se": 10,
    "dk": 7, "ie": 7, "lt": 7, "sk": 7, "fi": 7, "cr": 7, "cy": 4, "ee": 4, "lv": 4,
    "lu": 4, "si": 4, "mt": 3,
}

# Lisbon double majority (TEU art. 16(4), from 1 Nov 2014): the population share of each
# member state, per cent, for 2016 — Council Decision (EU, Euratom) 2015/2393 of 8 Dec 2015
# amending Annex III of the Council's Rules of Procedure (shares as reported by Agence
# Europe, Europe Daily Bulletin No. 11449, 9 Dec 2015; EU total 508,940,955).
LISBON: dict[str, float] = {
    "de": 15.93, "fr": 13.04, "uk": 12.73, "it": 12.07, "es": 9.12, "pl": 7.47,
    "ro": 3.90, "nl": 3.37, "be": 2.21, "el": 2.13, "cz": 2.05, "pt": 2.04, "hu": 1.94,
    "se": 1.92, "at": 1.69, "bu": 1.42, "dk": 1.11, "fi": 1.08, "sk": 1.06, "ie": 0.91,
    "cr": 0.83, "lt": 0.57, "si": 0.41, "lv": 0.39, "ee": 0.26, "cy": 0.17, "lu": 0.11,
    "mt": 0.08,
}

ERAS = {"pre-nice": PRE_NICE, "nice": NICE, "lisbon": LISBON}
WEIGHTS = ("equal", "council", "gdp")


def era_of(year: float) -> str | None:
    """The Council voting era a proposal of ``year`` is scored under (see the docstring)."""
    if not math.isfinite(year):
        return None
    if year <= 2002:
        return "pre-nice"
    return "nice" if year <= 2011 else "lisbon"


INSTITUTIONS = ("average", "largest", "none")


def council_capability(actors: Sequence[str], era: str, procedure: str,
                       institutions: str = "average") -> np.ndarray:
    """Capability per actor under the Council weights of ``era``. The Commission and the
    Parliament each weigh one average member state (``institutions="average"``, the
    default), one largest member state (``"largest"``) or nothing (``"none"``); the
    Parliament weighs 0 under the consultation procedure ``CNS``."""
    table = ERAS[era]
    average = {"average": sum(table.values()) / len(table), "largest": max(table.values()),
               "none": 0.0}[institutions]
    out = []
    for a in actors:
        if a == "com":
            out.append(average)
        elif a == "ep":
            out.append(0.0 if procedure == "CNS" else average)
        else:
            out.append(float(table.get(a, 0.0)))
    return np.array(out)


# --- scoring --------------------------------------------------------------------------


def mae(forecast: np.ndarray, outcome: np.ndarray) -> tuple[float, int]:
    """Mean absolute error over the entries where both numbers are finite, and their
    count (NaN, 0 when there are none)."""
    f, o = np.asarray(forecast, float), np.asarray(outcome, float)
    ok = np.isfinite(f) & np.isfinite(o)
    n = int(ok.sum())
    return (float(np.abs(f[ok] - o[ok]).mean()) if n else math.nan), n


# --- DEU ------------------------------------------------------------------------------


def _groups(data: DeuData, weights: str, institutions: str = "average"
            ) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """Issues that share one capability vector: (issue indices, capability, note)."""
    n = len(data.issue_ids)
    if weights == "equal":
        return [(np.arange(n), np.ones(len(data.actors)), "")]
    if weights == "gdp":
        return [(np.arange(n), np.nan_to_num(data.gdp), "")]
    keys: dict[tuple[str, str], list[int]] = {}
    for r in range(n):
        era = era_of(float(data.year[r]))
        if era is None:
            continue
        keys.setdefault((era, data.procedure[r]), []).append(r)
    out = [(np.array(rows), council_capability(data.actors, era, proc, institutions),
            f"{era}/{proc}")
           for (era, proc), rows in sorted(keys.items())]
    return out


def _batch(data: DeuData, rows: np.ndarray, capability: np.ndarray) -> Batch:
    # actors without capability in this scheme (non-members of the era, the Parliament
    # under consultation) take no part at all, rather than as zero-weight actors
    keep = capability > 0
    pos = data.position[rows][:, keep].T  # [A, I]
    sal = np.where(np.isfinite(pos), np.nan_to_num(data.salience[rows][:, keep].T) / 100.0,
                   0.0)
    n_i = len(rows)
    return Batch(
        capability=capability[None, keep].astype(float),
        position=pos[None].astype(float),
        salience=sal[None],
        scale_min=np.zeros(n_i), scale_max=np.full(n_i, 100.0),
        status_quo=data.reference[rows].astype(float),
    )


def deu_forecasts(data: DeuData, model: str, weights: str, *, seed: int = 0,
                  institutions: str = "average") -> tuple[np.ndarray, list[str]]:
    """One model's forecast per DEU issue under a capability scheme (NaN where the model
    could not run), and the reasons for any issue left without a forecast."""
    from ..models import get, resolve_rng

    m = get(model)
    params = m.params_for(None)  # every model at its defaults: nothing is tuned on DEU
    rng, _, _ = resolve_rng(seed)  # one stream through every group, in order
    out = np.full(len(data.issue_ids), np.nan)
    reasons: list[str] = []
    for rows, capability, note in _groups(data, weights, institutions):
        # models that forecast issues jointly see one proposal at a time
        parts = [rows] if m.per_issue else [
            rows[[data.proposal[r] == p for r in rows]]
            for p in dict.fromkeys(data.proposal[r] for r in rows)
        ]
        for part in parts:
            try:
                out[part] = m.evaluate(_batch(data, part, capability), params=params,
                                       rng=rng)[0]
            except InputError as exc:  # a model that cannot run here is skipped, with why
                reasons.append(f"{note or weights}: {exc}")
    return out, reasons


def deu_backtest(path: str | Path | DeuData, models: Sequence[str] | None = None, *,
                 weights: Sequence[str] = WEIGHTS, seed: int = 0,
                 institutions: str = "average", split: str = "all",
                 n_resamples: int = 9999, progress: Progress | None = None
                 ) -> dict[str, Any]:
    """Scores of every model (default: every registered model and the DEU agreement gates of
    :mod:`realpolitik.analysis.gate`, ``gate`` and ``gate-compromise``, scored under the
    ``council`` scheme only) under each capability scheme on the usable DEU issues of
    ``split`` (``train``, ``test`` or ``all``; see :mod:`realpolitik.analysis.split`), plus
    the position-only baselines (plain mean and median of the stated positions). Each row
    has MAE, RMSE, hit rate and the paired difference from the compromise model under the
    same scheme (the plain baselines: under ``council``, else the first scheme), with 95%
    intervals from a bootstrap over proposals and the minimum detectable effect
    (:mod:`realpolitik.analysis.scores`). Returns
    ``{"dataset", "split", "issues", "issues_used", "models": [...], "verdict"}`` (see
    :func:`deu_verdict`), and ``gate_deal`` (:func:`~.gate.gate_whether`) when a gate ran.
    ``progress(done, total)`` after each model run (per scheme) and each row's bootstrap.
    """
    from ..models import names
    from .scores import compare
    from .split import split_mask

    data = path if isinstance(path, DeuData) else read_deu(path)
    data = data.take(split_mask(data, split))
    for w in weights:
        if w not in WEIGHTS:
            raise InputError(f"unknown capability scheme '{w}'", field="weights",
                             allowed=", ".join(WEIGHTS))
    if institutions not in INSTITUTIONS:
        raise InputError(f"unknown weighting of the institutions '{institutions}'",
                         field="institutions", allowed=", ".join(INSTITUTIONS))
    used = data.take(data.usable)
    out = used.outcome
    forecasts: dict[tuple[str, str], np.ndarray] = {}
    notes: dict[tuple[str, str], str] = {}
    with np.errstate(all="ignore"):
        forecasts[("plain-mean", "positions only")] = np.nanmean(used.position, axis=1)
        forecasts[("plain-median", "positions only")] = np.nanmedian(used.position, axis=1)
    for name in ("mean", "median"):
        notes[(f"plain-{name}", "positions only")] = (f"unweighted {name} of the stated "
                                                      "positions")
    from .gate import DEU_MODELS, gate_forecasts, gate_whether

    chosen = list(models or [*names(), *DEU_MODELS])
    # the reference of every comparison runs even when not asked for
    run = [*chosen, *(m for m in ("compromise", "status-quo") if m not in chosen)]
    gates = [m for m in chosen if m in DEU_MODELS]
    total = ((len(run) - len(gates)) * len(weights) + len(gates)
             + len(chosen) * len(weights) + 3)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(min(done, total), total)

    if progress is not None:
        progress(0, total)
    for model in run:
        if model in DEU_MODELS:
            continue
        for w in weights:
            f, reasons = deu_forecasts(used, model, w, seed=seed, institutions=institutions)
            step()
            forecasts[(model, w)] = f
            note = "; ".join(dict.fromkeys(reasons))
            if model == "status-quo":
                note = note or "the reference point (rp); issues without one are left out"
            notes[(model, w)] = note
    if gates and ("compromise", "council") not in forecasts:
        forecasts[("compromise", "council")] = deu_forecasts(
            used, "compromise", "council", seed=seed, institutions=institutions)[0]
    whether, built = None, None
    for model in gates:
        # the deal calls are the same for every package rule: solved once
        f, details = gate_forecasts(used, package=DEU_MODELS[model], seed=seed,
                                    institutions=institutions, built=built)
        if built is None:
            built, whether = details, gate_whether(used, details)
        forecasts[(model, "council")] = f
        step()
        deals = [g.deal for g in details if g.deal is not None]
        failed = [g.note for g in details if g.era is None]
        notes[(model, "council")] = "; ".join([
            f"deal on {sum(deals)}/{len(deals)} with a reference point; "
            f"{len(details) - len(deals) - len(failed)} without one use compromise/council",
            *dict.fromkeys(failed)])
    results: list[dict[str, Any]] = []
    plain_ref = "council" if "council" in weights else weights[0]
    for (model, w), f in forecasts.items():
        if (model not in chosen and not model.startswith("plain-")) or (
                model == "compromise" and w not in weights):
            continue
        ref_w = plain_ref if model.startswith("plain-") else w
        row = compare({"f": f, "ref": forecasts[("compromise", ref_w)]}, out, "ref",
                      clusters=used.proposal, n_resamples=n_resamples, seed=seed)[0]
        row.pop("model")
        results.append({"model": model, "weights": w, **row,
                        "reference": f"compromise/{ref_w}",
                        "skipped": len(out) - row["n"], "note": notes[(model, w)]})
        step()
    best = _best(results)
    versus_sq = None
    if best is not None:  # the winner against the status quo, paired, as against compromise
        from .scores import paired_difference

        sq = forecasts[("status-quo", plain_ref if best["weights"] not in weights
                        else best["weights"])]
        versus_sq = paired_difference(forecasts[(best["model"], best["weights"])], sq, out,
                                      clusters=used.proposal, n_resamples=n_resamples,
                                      seed=seed)
    step()
    out_dict: dict[str, Any] = {
        "dataset": Path(data.source).name,
        "split": split,
        "issues": len(data.issue_ids),
        "issues_used": len(used.issue_ids),
        "seed": seed,
        "institutions": institutions,
        "models": results,
        "verdict": deu_verdict(results, versus_sq),
    }
    if whether is not None:
        out_dict["gate_deal"] = whether
    return out_dict




def _finite(*values: Any) -> bool:
    return all(isinstance(v, int | float) and math.isfinite(v) for v in values)


def _best(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    scored = [r for r in rows if _finite(r["mae"])]
    return min(scored, key=lambda r: r["mae"]) if scored else None


def deu_verdict(rows: list[dict[str, Any]], versus_status_quo: dict[str, Any] | None = None
                ) -> dict[str, Any]:
    """The headline of a DEU backtest: the row with the lowest MAE, its paired difference
    from compromise (and, given, from the status quo) with the 95% bootstrap interval, and
    every row that beats compromise beyond its interval (upper bound below 0). ``text``
    says it in one paragraph."""
    best = _best(rows)
    if best is None:
        return {"best": None, "beats_compromise": [], "text": "Verdict: no model could be "
                "scored on these issues."}
    ref_w = best["reference"].partition("/")[2]
    ref = next((r for r in rows if r["model"] == "compromise" and r["weights"] == ref_w), None)
    beats = [r for r in rows if r["model"] != "compromise" and _finite(r["d_mae_hi"])
             and r["d_mae_hi"] < 0]

    def interval(d: float, lo: float, hi: float) -> str:
        return (f"{d:+.2f} [95% interval {lo:+.2f}, {hi:+.2f}]" if _finite(lo, hi)
                else f"{d:+.2f}")

    name = f"{best['model']} ({best['weights']})"
    text = f"Verdict: {name} has the lowest MAE, {best['mae']:.2f}"
    if best["model"] != "compromise" and ref is not None:
        text += (f"; against compromise ({ref_w}, {ref['mae']:.2f}) a ΔMAE of "
                 + interval(best["d_mae"], best["d_mae_lo"], best["d_mae_hi"]))
    sq = None
    if versus_status_quo is not None and _finite(versus_status_quo.get("d_mae")):
        sq = {key: versus_status_quo[key] for key in ("d_mae", "d_mae_lo", "d_mae_hi",
                                                       "n_paired")}
        text += (f"; against the status quo (on the {sq['n_paired']} issues with a reference "
                 "point) a ΔMAE of " + interval(sq["d_mae"], sq["d_mae_lo"], sq["d_mae_hi"]))
    text += ". "
    if not beats:
        text += "No model beats compromise beyond the 95% interval."
    else:
        text += (f"{len(beats)} beat{'s' if len(beats) == 1 else ''} compromise beyond the "
                 "95% interval: " + "; ".join(
                     f"{r['model']} ({r['weights']}) "
                     + interval(r["d_mae"], r["d_mae_lo"], r["d_mae_hi"]) for r in beats)
                 + ".")
    return {
        "best": {"model": best["model"], "weights": best["weights"], "mae": best["mae"],
                 "d_mae": best["d_mae"], "d_mae_lo": best["d_mae_lo"],
                 "d_mae_hi": best["d_mae_hi"], "reference": best["reference"]},
        "compromise_mae": None if ref is None else ref["mae"],
        "versus_status_quo": sq,
        "beats_compromise": [{"model": r["model"], "weights": r["weights"],
                              "d_mae": r["d_mae"], "d_mae_lo": r["d_mae_lo"],
                              "d_mae_hi": r["d_mae_hi"]} for r in beats],
        "text": text,
    }


# --- Russia–Japan ---------------------------------------------------------------------


class CodedOutcome(Strict):
    issue: Id
    value: FiniteFloat | None = None
    date: dt.date
    summary: str = Field(min_length=1)
    evidence: tuple[Evidence, ...] = Field(min_length=1)
    note: str | None = None


class Outcomes(Strict):
    """What happened after the snapshots, coded on each issue's scale."""

    scenario: Id
    as_of: dt.date
    sources: dict[Id, Source]
    outcomes: tuple[CodedOutcome, ...]


def load_outcomes(scenario: str = DEFAULT) -> Outcomes:
    from ..io.native import load_yaml
    from ..io.validate import validate
    from ..scenarios import folder

    path = folder(scenario) / "outcomes.yaml"
    source = f"built-in:{scenario}/outcomes.yaml"
    data, locate = load_yaml(path.read_text(encoding="utf-8"), source)
    return validate(Outcomes, data, source=source, locate=locate,
                    what="scenario, as_of, sources, outcomes")



def snapshots(scenario: str = DEFAULT, base: Scenario | None = None
              ) -> list[tuple[str, Scenario]]:
    """The scenario as of each snapshot date, oldest first; the default (or ``base``, a
    scenario with the same ids) comes last. A snapshot dated after the default (such as
    February 2026) is a forecast of what is still to come, not a backtest: it is left out,
    since the outcomes it would be scored on happened before it."""
    from .. import scenarios as builtin
    from .whatif import apply, builtin_overlays, load_overlay

    base = builtin.load(scenario) if base is None else base
    overlays = [(stem, load_overlay(stem, scenario))
                for stem in builtin_overlays(scenario, "snapshots")]
    out = [(stem, apply(base, ov)) for stem, ov in overlays
           if base.as_of is None or ov.as_of is None or ov.as_of <= base.as_of]
    out.append((f"{base.as_of:%Y-%m}-default" if base.as_of else "default", base))
    return out


def russia_japan_backtest(models: Sequence[str] | None = None, *, seed: int = 0,
                          scenario: str = DEFAULT, base: Scenario | None = None,
                          progress: Progress | None = None) -> pd.DataFrame:
    """Every model's forecast from every snapshot against the coded outcome, per issue:
    columns snapshot, as_of, model, issue, forecast, outcome, error (absolute), note.
    ``progress(done, total)`` after each model run."""
    from ..models import evaluate, names

    coded = {o.issue: o for o in load_outcomes(scenario).outcomes}
    rows = []
    chosen = list(models or names())
    snaps = snapshots(scenario, base)
    done = 0
    for snap, sc in snaps:
        for name in chosen:
            if progress is not None:
                progress(done, len(snaps) * len(chosen))
            done += 1
            try:
                f = evaluate(name, sc, rng=seed).forecast
                note = ""
            except InputError as exc:  # a model that cannot run on this snapshot: why
                f, note = np.full(len(sc.issues), np.nan), str(exc)
            for i, issue in enumerate(sc.issue_ids):
                o = coded.get(issue)
                value = math.nan if o is None or o.value is None else o.value
                fc = float(f[i])
                rows.append({
                    "snapshot": snap, "as_of": str(sc.as_of or ""), "model": name,
                    "issue": issue, "forecast": fc, "outcome": value,
                    "error": abs(fc - value) if math.isfinite(fc + value) else math.nan,
                    "note": note or ("" if o is not None and o.value is not None
                                     else "no coded outcome"),
                })
    if progress is not None:
        progress(done, done)
    return pd.DataFrame(rows)


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """MAE per snapshot and model over the issues with a coded outcome."""
    scored = table[np.isfinite(table["error"])]
    return (scored.groupby(["snapshot", "model"], sort=False)["error"]
            .agg(mae="mean", n="count").reset_index())


BASELINES = {"compromise": "compromise", "status-quo": "the status quo"}


def russia_japan_verdict(table: pd.DataFrame) -> dict[str, Any]:
    """The headline of the Russia–Japan backtest: per model the MAE over every snapshot and
    scored issue (pooled); the lowest among the models scored on all of them (a model that
    forecasts only some issues, such as the agreement model, is listed, not ranked), the
    best model that is not a baseline, and the baselines (compromise, status quo). With a
    handful of issues no interval is given: the text says so."""
    scored = table[np.isfinite(table["error"])]
    pooled = (scored.groupby("model", sort=False)["error"].agg(mae="mean", n="count")
              .reset_index())
    if pooled.empty:
        return {"pooled": [], "best": None, "text": "Verdict: no forecast could be scored."}
    full = int(pooled["n"].max())
    ranked = pooled[pooled["n"] == full].sort_values("mae", kind="stable")
    maes = dict(zip(ranked["model"], ranked["mae"], strict=True))
    best = str(ranked["model"].iloc[0])
    issues = scored["issue"].nunique()
    snaps = scored["snapshot"].nunique()

    def label(m: str) -> str:
        return BASELINES.get(m, m)

    text = (f"Verdict: over {snaps} snapshots × {issues} scored issues, {label(best)} has the "
            f"lowest MAE, {maes[best]:.1f}")
    if best in BASELINES:
        text += f": no model beats {label(best)}"
    for name in BASELINES:
        if name in maes and name != best:
            text += f"; {label(name)} scores {maes[name]:.1f} ({maes[name] - maes[best]:+.1f})"
    challenger = next((m for m in maes if m not in BASELINES), None)
    if best in BASELINES and challenger is not None:
        text += (f"; the best other model, {challenger}, scores {maes[challenger]:.1f} "
                 f"({maes[challenger] - maes[best]:+.1f})")
    partial = [f"{m} ({int(k)} of {full})" for m, k in zip(pooled["model"], pooled["n"],
                                                          strict=True) if k < full]
    if partial:
        text += f". Not ranked, scored on fewer forecasts: {', '.join(partial)}"
    text += (f". With {issues} issues this ranks the models on this case only: no interval "
             "is given and no model is shown to be better in general.")
    return {"pooled": [{"model": m, "mae": float(v), "n": int(k)} for m, v, k in
                       zip(pooled["model"], pooled["mae"], pooled["n"], strict=True)],
            "best": {"model": best, "mae": float(maes[best])},
            "challenger": None if challenger is None else
            {"model": challenger, "mae": float(maes[challenger])},
            "baselines": {k: float(maes[k]) for k in BASELINES if k in maes},
            "text": text}
