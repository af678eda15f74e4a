"""The BDM / "Predictioneer" table: one row per actor, one issue.

Columns (header names case-insensitive, in any order; extra columns are ignored):
``Actor`` or ``Stakeholder``; ``Capability`` or ``Resources``; ``Position``; ``Salience``.
Comma, semicolon or tab separated. Salience may be on 0–1 or 0–100: with
``salience_scale="auto"`` (the default) a file whose largest salience exceeds 1 is read as
0–100 and divided by 100; ``"unit"`` or ``"percent"`` forces the reading. The scenario's
notes say which reading was used. The issue's scale runs from the smallest to the largest
position in the file (positions are kept in the file's own units, e.g. years).
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

from ..errors import InputError
from ..scenario import MAX_MAGNITUDE, MIN_WEIGHT
from ._numbers import DecimalComma, comma_decimal, note
from .registry import Reader, Writer
from .validate import build_scenario

COLUMNS = {
    "actor": ("actor", "stakeholder"),
    "capability": ("capability", "resources"),
    "position": ("position",),
    "salience": ("salience",),
}
SALIENCE_SCALES = ("auto", "unit", "percent")


def _header_map(header: list[str]) -> dict[str, int] | None:
    names = [h.strip().lower() for h in header]
    found = {}
    for key, options in COLUMNS.items():
        for k, name in enumerate(names):
            if name in options:
                found[key] = k
                break
    return found if len(found) == 4 else None


def _dialect(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max((",", ";", "\t"), key=first.count)


def sniff(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    row = next(csv.reader([first], delimiter=_dialect(text)), [])
    return _header_map(row) is not None


_ID = re.compile(r"[^\s\x00-\x1f](?:[^\x00-\x1f]*[^\s])?")  # as scenario.Id


def _slug(name: str, lower: bool = False) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name.strip()).strip("-._")[:120]
    return (slug.lower() if lower else slug) or "actor"


def parse(text: str, source: str | Path | None = None, *, salience_scale: str = "auto",
          **_: object):
    if salience_scale not in SALIENCE_SCALES:
        raise InputError(f"unknown salience scale '{salience_scale}'", source=source,
                         field="salience_scale", allowed=", ".join(SALIENCE_SCALES))
    delimiter = _dialect(text)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    numbered = [(k + 1, r) for k, r in enumerate(rows) if any(c.strip() for c in r)]
    if not numbered:
        raise InputError("the file is empty", source=source,
                         allowed="a header Actor,Capability,Position,Salience and rows")
    header_line, header = numbered[0]
    cols = _header_map(header)
    if cols is None:
        raise InputError(
            f"header {','.join(header)!r} lacks a required column", source=source,
            line=header_line,
            allowed="columns Actor|Stakeholder, Capability|Resources, Position, Salience",
        )
    records = []
    commas: list[str] = []  # numbers read with a decimal comma, as "line L, column: raw"
    width = max(k + 1 for k, h in enumerate(header) if h.strip())
    for line, row in numbered[1:]:
        if len(row) <= max(cols.values()):
            raise InputError(f"the row has {len(row)} fields, fewer than the header's",
                             source=source, line=line, allowed=f"{len(header)} fields")
        extra = [c for c in row[width:] if c.strip()]
        if extra:  # a cell under no column: most often a decimal comma splitting a number
            hint = (" — a decimal comma (40,5) splits a number in two in a comma-separated "
                    "file: write 40.5, quote it (\"40,5\"), or separate the fields with ';'"
                    if delimiter == "," else "")
            raise InputError(f"the row has {width + len(extra)} fields, the header "
                             f"{width} (extra: {extra[0].strip()!r}){hint}", source=source,
                             line=line, allowed=f"{width} fields, one per header column")
        name = row[cols["actor"]].strip()
        if len(name) > 120:
            raise InputError(f"actor name of {len(name):,} characters", source=source,
                             line=line, allowed="at most 120 characters")
        if not name:
            raise InputError("empty actor name", source=source, line=line,
                             allowed="a non-empty name")
        values = {}
        for key in ("capability", "position", "salience"):
            raw = row[cols[key]].strip()
            column = f"{header[cols[key]].strip()} (column {cols[key] + 1})"
            try:
                value = float(raw)
            except ValueError:
                try:
                    comma = comma_decimal(raw, separator=delimiter)
                except DecimalComma as exc:
                    raise InputError(f"{key} {raw!r} {exc.fix.partition(':')[0]}",
                                     source=source, line=line, field=column,
                                     allowed=exc.fix.partition(": ")[2]) from None
                if comma is None:
                    raise InputError(f"{key} {raw!r} is not a number", source=source,
                                     line=line, field=column, allowed="a number") from None
                value = comma
                commas.append(f"line {line}, {header[cols[key]].strip()}: {raw!r}")
            if not math.isfinite(value):
                raise InputError(f"{key} {raw!r} is not finite", source=source, line=line,
                                 field=header[cols[key]].strip(), allowed="a finite number")
            if abs(value) > MAX_MAGNITUDE or (0 < abs(value) < MIN_WEIGHT and key != "position"):
                raise InputError(f"{key} {raw!r} is out of range", source=source, line=line,
                                 field=header[cols[key]].strip(),
                                 allowed=f"0, or {MIN_WEIGHT:g} to {MAX_MAGNITUDE:g} in size")
            values[key] = value
        if values["capability"] < 0:
            raise InputError(f"capability {values['capability']:g} is negative", source=source,
                             line=line, field=header[cols["capability"]].strip(),
                             allowed="capability >= 0")
        if not 0 <= values["salience"] <= 100:
            raise InputError(f"salience {values['salience']:g} is out of range", source=source,
                             line=line, field=header[cols["salience"]].strip(),
                             allowed="0 to 1, or 0 to 100")
        records.append((line, name, values))
    if len(records) < 2:
        raise InputError("fewer than two actors", source=source, allowed="at least two rows")
    top = max(v["salience"] for _, _, v in records)
    percent = salience_scale == "percent" or (salience_scale == "auto" and top > 1)
    if salience_scale == "unit" and top > 1:
        line = next(ln for ln, _, v in records if v["salience"] == top)
        raise InputError(f"salience {top:g} exceeds 1 but salience_scale=unit was forced",
                         source=source, line=line,
                         allowed="0 to 1 with salience_scale=unit (or use percent/auto)")
    seen: dict[str, int] = {}
    actors, stances = [], []
    positions = [v["position"] for _, _, v in records]
    for line, name, values in records:
        if name in seen:
            raise InputError(f"duplicate actor '{name}' (first on line {seen[name]})",
                             source=source, line=line, allowed="one row per actor")
        seen[name] = line
        # the file's own name is the id wherever it is a valid one, so output joins back
        # to the user's sheet; otherwise a slug of it
        base = name if _ID.fullmatch(name) else _slug(name)
        actor_id, k = base, 2
        while any(a["id"] == actor_id for a in actors):
            actor_id, k = f"{base}-{k}", k + 1
        actors.append({"id": actor_id, "name": name, "capability": values["capability"]})
        salience = values["salience"] / 100 if percent else values["salience"]
        stances.append({"actor": actor_id, "issue": "issue", "position": values["position"],
                        "salience": salience})
    stem = _slug(Path(str(source)).stem, lower=True) if source else "bdm-table"
    reading = ("0–100, divided by 100" if percent else "0–1, used as given")
    how = "forced" if salience_scale != "auto" else "detected"
    data = {
        "name": stem,
        "title": Path(str(source)).stem if source else "BDM table",
        "notes": [f"reader: BDM table; salience read on {reading} ({how})",
                  *([note(len(commas), commas[0])] if commas else [])],
        "actors": actors,
        "issues": [{"id": "issue", "name": "issue",
                    "scale": {"min": min(positions), "max": max(positions)}}],
        "stances": stances,
    }
    if min(positions) == max(positions):
        data["issues"][0]["scale"]["max"] = min(positions) + 1.0
    return build_scenario(data, source=source)


def dump(scenario) -> str:
    """One issue per file: the scenario's first issue (salience on 0–1)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Actor", "Capability", "Position", "Salience"])
    for a, actor in enumerate(scenario.actors):
        x = scenario.position[a, 0]
        if not math.isnan(x):
            writer.writerow([actor.name, repr(actor.capability), repr(float(x)),
                             repr(float(scenario.salience[a, 0]))])
    return out.getvalue()


READER = Reader(
    name="bdm-table",
    description="BDM / Predictioneer table: Actor, Capability, Position, Salience",
    suffixes=(".csv", ".tsv", ".txt"),
    sniff=sniff,
    parse=parse,
    priority=50,
    options=("salience_scale",),
)

WRITER = Writer(
    name="bdm-table",
    description="BDM table of a scenario's first issue (Actor,Capability,Position,Salience)",
    suffixes=(),
    dump=dump,
)
