"""The forecast ledger: an append-only, hash-chained record of sealed forecasts and of the
outcomes later recorded against them.

The ledger is a JSON Lines file, one entry per line in canonical JSON (sorted keys, no
spaces), so the same entries are the same bytes. Every entry has ``seq`` (1, 2, …),
``kind`` (``forecast`` or ``outcome``), ``date``, ``prev`` (the ``hash`` of the entry before
it; 64 zeros for the first) and ``hash``, the SHA-256 of the canonical JSON of the entry
without ``hash``. Changing, removing, inserting or reordering any entry breaks the chain, and
:func:`verify` says where.

A forecast entry holds the forecast document as given, ``model_version`` (the package
version that made the entry), ``inputs`` (each input file's name and SHA-256) and
``inputs_sha256`` (the SHA-256 of that list). An outcome entry holds ``of`` (the ``seq`` of
a forecast), ``outcomes`` (key → value) and ``source`` (where the outcome is documented).

What is scored (:func:`predictions`):

* ``{"questions": [{"id": ..., "p": ...}]}`` and ``{"p_deal": ...}`` (key ``deal``):
  probabilities of an event; the outcome is 0 or 1; Brier and log score;
* ``{"model": ..., "issues": [{"id": ..., "forecast": ...}]}`` — the output of
  ``realpolitik forecast -f json`` (one object or a list): point forecasts, key
  ``model/issue``; an outcome keyed by the issue id alone scores every model's forecast of
  that issue; absolute error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError

GENESIS = "0" * 64
KINDS = ("forecast", "outcome")


def canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def entry_hash(entry: Mapping[str, Any]) -> str:
    return sha256(canonical({k: v for k, v in entry.items() if k != "hash"}))


def read_ledger(path: str | Path) -> list[dict[str, Any]]:
    """The entries of a ledger file (none when the file does not exist)."""
    p = Path(path)
    if not p.exists():
        return []
    entries = []
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            raise InputError("empty line", source=p, line=n,
                             allowed="one JSON object per line")
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON: {exc.msg}", source=p, line=n,
                             allowed="one JSON object per line") from None
        if not isinstance(entry, dict):
            raise InputError("not a JSON object", source=p, line=n,
                             allowed="one JSON object per line")
        entries.append(entry)
    return entries


def verify(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every break of the chain, as ``entry N: what is wrong`` (empty when intact)."""
    problems = []
    prev = GENESIS
    forecasts: set[int] = set()
    for k, e in enumerate(entries, start=1):
        where = f"entry {k}"
        if e.get("seq") != k:
            problems.append(f"{where}: seq is {e.get('seq')!r}, expected {k} (an entry was "
                            "removed, inserted or moved)")
        if e.get("prev") != prev:
            problems.append(f"{where}: prev does not match the hash of entry {k - 1}")
        try:
            digest = entry_hash(e)
        except ValueError:
            digest = None
        if e.get("hash") != digest:
            problems.append(f"{where}: hash does not match its content (the entry was "
                            "changed)")
        kind = e.get("kind")
        if kind not in KINDS:
            problems.append(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
        elif kind == "forecast":
            forecasts.add(k)
        elif e.get("of") not in forecasts:
            problems.append(f"{where}: outcome of {e.get('of')!r}, not an earlier forecast")
        prev = str(e.get("hash"))
    return problems


def _append(path: Path, entries: list[dict[str, Any]], body: dict[str, Any]
            ) -> dict[str, Any]:
    problems = verify(entries)
    if problems:
        raise InputError(f"the ledger's chain is broken ({problems[0]})", source=path,
                         allowed="an intact ledger (see `realpolitik ledger verify`)")
    entry = {"seq": len(entries) + 1, **body,
             "prev": entries[-1]["hash"] if entries else GENESIS}
    entry["hash"] = entry_hash(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8", newline="\n") as fh:
        fh.write(canonical(entry) + "\n")
    return entry


def _date(date: dt.date | str | None) -> str:
    if date is None:
        return dt.datetime.now(dt.UTC).date().isoformat()
    if isinstance(date, dt.date):
        return date.isoformat()
    try:
        return dt.date.fromisoformat(date).isoformat()
    except ValueError:
        raise InputError(f"'{date}' is not a date", field="date",
                         allowed="YYYY-MM-DD") from None


def builtin_inputs(name: str) -> list[tuple[str, bytes]]:
    """The packaged files of a built-in scenario: its YAML and everything in its folder."""
    from importlib import resources

    from .. import scenarios

    root = resources.files(scenarios)
    out = [(f"built-in:{name}.yaml", (root / f"{name}.yaml").read_bytes())]
    folder = root / name

    def walk(node, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.is_dir():
                walk(child, f"{prefix}{child.name}/")
            elif child.name.endswith((".yaml", ".csv")):
                out.append((f"built-in:{prefix}{child.name}", child.read_bytes()))

    if folder.is_dir():
        walk(folder, f"{name}/")
    return out


def add_forecast(path: str | Path, forecast: Any, inputs: Sequence[tuple[str, bytes]], *,
                 date: dt.date | str | None = None) -> dict[str, Any]:
    """Append a forecast with its date, the hashes of its inputs and the model version."""
    from .. import __version__

    p = Path(path)
    if not predictions(forecast):
        raise InputError("the forecast has nothing to score", source="FORECAST",
                         allowed="questions [{id, p}], p_deal, or the output of "
                         "`realpolitik forecast -f json`")
    if not inputs:
        raise InputError("no inputs to hash", field="input",
                         allowed="the scenario (and overlay) files the forecast was made "
                         "from, or a forecast of a built-in scenario")
    listed = sorted(({"name": n, "sha256": sha256(b)} for n, b in inputs),
                    key=lambda d: d["name"])
    return _append(p, read_ledger(p), {
        "kind": "forecast", "date": _date(date), "model_version": f"realpolitik {__version__}",
        "inputs": listed, "inputs_sha256": sha256(canonical(listed)), "forecast": forecast,
    })


def add_outcome(path: str | Path, of: int, outcomes: Mapping[str, float], source: str, *,
                date: dt.date | str | None = None) -> dict[str, Any]:
    """Append the outcomes of forecast ``of`` (its ``seq``) with where they are documented."""
    p = Path(path)
    entries = read_ledger(p)
    target = entries[of - 1] if 1 <= of <= len(entries) else None
    if target is None or target.get("kind") != "forecast":
        raise InputError(f"entry {of} is not a forecast of the ledger", source=p, field="SEQ",
                         allowed="the seq of a forecast entry (`realpolitik ledger score`)")
    if not source.strip():
        raise InputError("an outcome needs its source", field="source",
                         allowed="where the outcome is documented")
    keys = {k for k, _, _ in predictions(target["forecast"])}
    issues = {k.split("/", 1)[1] for k, kind, _ in predictions(target["forecast"])
              if kind == "point"}
    kinds = dict((k, kind) for k, kind, _ in predictions(target["forecast"]))
    for key, value in outcomes.items():
        if key not in keys and key not in issues:
            raise InputError(f"forecast {of} has no question or issue '{key}'", field=key,
                             allowed=", ".join(sorted(keys | issues)))
        if not math.isfinite(value):
            raise InputError(f"outcome {value!r} is not a number", field=key,
                             allowed="a finite number")
        if kinds.get(key) == "p" and value not in (0, 1):
            raise InputError(f"outcome {value:g} of a probability question", field=key,
                             allowed="0 (did not happen) or 1 (happened)")
    return _append(p, entries, {"kind": "outcome", "date": _date(date), "of": of,
                                "outcomes": dict(outcomes), "source": source})


def predictions(forecast: Any) -> list[tuple[str, str, float]]:
    """``(key, kind, value)`` for everything scorable in a forecast document: kind ``p`` (a
    probability) or ``point`` (a position); see the module docstring."""
    out: list[tuple[str, str, float]] = []
    docs = forecast if isinstance(forecast, list) else [forecast]
    for doc in docs:
        if not isinstance(doc, dict):
            continue
        for q in doc.get("questions") or []:
            if isinstance(q, dict) and isinstance(q.get("p"), int | float):
                out.append((str(q.get("id")), "p", float(q["p"])))
        if isinstance(doc.get("p_deal"), int | float):
            out.append(("deal", "p", float(doc["p_deal"])))
        for issue in doc.get("issues") or []:
            if isinstance(issue, dict) and isinstance(issue.get("forecast"), int | float):
                out.append((f"{doc.get('model')}/{issue.get('id')}", "point",
                            float(issue["forecast"])))
    for _, kind, value in out:
        if kind == "p" and not 0 <= value <= 1:
            raise InputError(f"probability {value:g} outside [0, 1]", source="FORECAST",
                             allowed="a probability from 0 to 1")
    return out


def score_ledger(entries: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Every forecast entry's predictions against the latest recorded outcome of each:
    ``{"rows": [...], "brier", "log", "n_p", "mae", "n_point"}`` (NaN scores when none)."""
    from .scores import brier, log_score

    outcome: dict[int, dict[str, float]] = {}
    for e in entries:
        if e.get("kind") == "outcome":
            outcome.setdefault(int(e["of"]), {}).update(e["outcomes"])
    rows = []
    for e in entries:
        if e.get("kind") != "forecast":
            continue
        known = outcome.get(int(e["seq"]), {})
        for key, kind, value in predictions(e["forecast"]):
            y = known.get(key, known.get(key.split("/", 1)[-1]) if kind == "point" else None)
            row = {"seq": e["seq"], "date": e["date"], "key": key, "kind": kind,
                   "forecast": value, "outcome": y, "score": None}
            if y is not None:
                row["score"] = (value - y) ** 2 if kind == "p" else abs(value - y)
            rows.append(row)
    p = [(r["forecast"], r["outcome"]) for r in rows if r["kind"] == "p"
         and r["outcome"] is not None]
    pts = [r["score"] for r in rows if r["kind"] == "point" and r["outcome"] is not None]
    return {
        "rows": rows,
        "n_p": len(p),
        "brier": brier([a for a, _ in p], [b for _, b in p]) if p else math.nan,
        "log": log_score([a for a, _ in p], [b for _, b in p]) if p else math.nan,
        "n_point": len(pts),
        "mae": sum(pts) / len(pts) if pts else math.nan,
    }
