"""The decide ``#A/#P/#M/#D`` format of the exchange model (``decide-exchange-model``).

One record per line; the first field is a row tag. The delimiter is the character after
the first row tag (tab or ``;`` in practice); a field starting with ``'`` or ``"`` is quoted
(the quote doubled inside). Blank lines are skipped; ``#/`` and ``#O`` (or ``#0``) are
comments; any other row tag is an error.

* ``#A id, name, comment`` — an actor; ``#P id, description`` — an issue (each id once);
* ``#M issue, position, description`` — a labelled point; the smallest and largest give the
  issue's range; values must be listed in ascending order. Every issue needs its #M rows
  (stricter than decide, which assumes 0–100 without a word);
* ``#D actor, issue, position, salience, power, comment`` — salience on 0–1 (the model's
  update assumes it), power ≥ 0 and the same for an actor on every issue (realpolitik keeps
  one capability per actor).

Every problem is reported with its line; all bad lines are listed in one message.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from pathlib import Path

from ..errors import InputError
from ..scenario import MAX_MAGNITUDE, MIN_WEIGHT, Scenario
from ._numbers import DecimalComma, comma_decimal, note
from .registry import Reader, Writer
from .validate import build_scenario

TAGS = ("#A", "#P", "#M", "#D")
COMMENTS = ("#/", "#O", "#0")  # free text; #0 as the decide documentation spells #O


def _tag(field: str) -> str:
    return field.strip().strip("'\"").strip()


def _delimiter(text: str) -> str | None:
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        body = stripped.lstrip("'\"")
        if body.startswith("#") and len(body) >= 3:
            rest = body[2:]
            rest = rest.lstrip("'\"")
            return rest[0] if rest else None
        return None
    return None


def sniff(text: str) -> bool:
    delim = _delimiter(text)
    if delim is None:
        return False
    return any(_tag(line.split(delim, 1)[0]) in TAGS for line in text.splitlines()[:200]
               if line.strip())


def _rows(text: str, delim: str) -> list[tuple[int, list[str]]]:
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        quote = "'" if "'" in line else '"'
        fields = next(csv.reader([line.strip()], delimiter=delim, quotechar=quote,
                                 skipinitialspace=True))
        out.append((number, [f.strip() for f in fields]))
    return out


class _Numbers:
    """Reads the numbers of one file: one written with a decimal comma (see
    :mod:`._numbers`) is read where it is unambiguous and recorded in ``commas``, else
    refused with the fix (a ValueError whose second argument says it)."""

    def __init__(self, delim: str) -> None:
        self.delim = delim
        self.commas: list[str] = []

    def __call__(self, raw: str, where: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            try:
                comma = comma_decimal(raw, separator=self.delim)
            except DecimalComma as exc:
                raise ValueError(raw, exc.fix) from None
            if comma is None:
                raise ValueError(raw) from None
            value = comma
            self.commas.append(f"{where}: {raw!r}")
        if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
            raise ValueError(raw)
        return value


def _bad_number(exc: ValueError, what: str) -> str:
    if len(exc.args) > 1:  # a decimal comma that cannot be read: the fix
        return f"{what} {exc.args[0]!r} {exc.args[1]}"
    return (f"{what} {exc.args[0]!r} is not a number from {-MAX_MAGNITUDE:g} to "
            f"{MAX_MAGNITUDE:g} (use '.' for decimals)")


Problems = list[tuple[int, str]]


def _declarations(rows: list[tuple[int, list[str]]], problems: Problems, number: _Numbers):
    """The #A actors, #P issues, #M marks and the raw #D rows, in file order."""
    actors: dict[str, dict] = {}
    issues: dict[str, dict] = {}
    marks: dict[str, list[tuple[int, float, str]]] = {}
    data: list[tuple[int, list[str]]] = []
    for line, fields in rows:
        tag = _tag(fields[0]) if fields else ""
        rest = fields[1:]
        if tag in ("#A", "#P"):
            table, what = (actors, "actor") if tag == "#A" else (issues, "issue")
            if not rest or not rest[0]:
                problems.append((line, f"{tag} row without an {what} id"))
            elif rest[0] in table:
                problems.append((line, f"{what} '{rest[0]}' is declared twice (first on line "
                                 f"{table[rest[0]]['line']})"))
            elif tag == "#A":
                actors[rest[0]] = {"line": line,
                                   "name": rest[1] if len(rest) > 1 and rest[1] else rest[0]}
            else:
                issues[rest[0]] = {"line": line,
                                   "description": rest[1] if len(rest) > 1 else ""}
        elif tag == "#M":
            if len(rest) < 2:
                problems.append((line, "#M row needs an issue id and a position"))
                continue
            try:
                value = number(rest[1], f"line {line}, #M position")
            except ValueError as exc:
                problems.append((line, _bad_number(exc, "#M position (field 3)")))
                continue
            marks.setdefault(rest[0], []).append(
                (line, value, rest[2] if len(rest) > 2 else ""))
        elif tag == "#D":
            data.append((line, rest))
        elif tag not in COMMENTS:
            problems.append((line, f"unknown row tag {fields[0]!r}" if tag.startswith("#")
                             else f"unknown row {fields[0]!r}"))
    return actors, issues, marks, data


def _ranges(issues: dict[str, dict], marks: dict[str, list[tuple[int, float, str]]],
            problems: Problems) -> dict[str, tuple[float, float]]:
    """Each issue's range from its #M rows, which must ascend and span more than a point."""
    for issue_id, entry in issues.items():
        if issue_id not in marks:
            problems.append((entry["line"], f"issue '{issue_id}' has no #M row, so its range "
                             "is unknown (give its lowest and highest point as #M rows)"))
    ranges: dict[str, tuple[float, float]] = {}
    for issue_id, points in marks.items():
        if issue_id not in issues:
            problems.append((points[0][0], f"#M names undeclared issue '{issue_id}'"))
            continue
        for (_, prev, _), (line, value, _) in itertools.pairwise(points):
            if value < prev:
                problems.append((line, f"#M value {value:g} for '{issue_id}' is below the "
                                 f"previous {prev:g} (list them in ascending order)"))
        values = [v for _, v, _ in points]
        if min(values) == max(values):
            problems.append((points[0][0], f"issue '{issue_id}' has a single #M value; "
                             "its range would be empty"))
        ranges[issue_id] = (min(values), max(values))
    return ranges


def _stance_problems(line: int, issue_id: str, x: float, s: float, c: float,
                     ranges: dict[str, tuple[float, float]]) -> list[tuple[int, str]]:
    lo, hi = ranges.get(issue_id, (0.0, 100.0))
    out = []
    if not lo <= x <= hi:
        out.append((line, f"position {x:g} lies outside '{issue_id}' [{lo:g}, {hi:g}]"))
    if not 0 <= s <= 1:
        out.append((line, f"salience {s:g} is outside 0–1"))
    if c < 0:
        out.append((line, f"power {c:g} is negative"))
    for what, v in (("salience", s), ("power", c)):
        if 0 < v < MIN_WEIGHT:
            out.append((line, f"{what} {v:g} is too small to compute with "
                        f"(0, or at least {MIN_WEIGHT:g})"))
    return out


def _stances(data: list[tuple[int, list[str]]], actors: dict, issues: dict,
             ranges: dict[str, tuple[float, float]], problems: Problems, number: _Numbers):
    """The #D rows as stances, and each actor's power with the line that first gave it."""
    stances: list[dict] = []
    seen: dict[tuple[str, str], int] = {}
    power: dict[str, tuple[float, int]] = {}
    for line, rest in data:
        if len(rest) < 5:
            problems.append((line, "#D row needs actor, issue, position, salience, power"))
            continue
        actor_id, issue_id = rest[0], rest[1]
        if actor_id not in actors:
            problems.append((line, f"#D names undeclared actor '{actor_id}'"))
            continue
        if issue_id not in issues:
            problems.append((line, f"#D names undeclared issue '{issue_id}'"))
            continue
        values = []
        for k, what in enumerate(("position", "salience", "power")):
            try:
                values.append(number(rest[2 + k], f"line {line}, #D {what}"))
            except ValueError as exc:
                problems.append((line, _bad_number(exc, f"#D {what} (field {4 + k})")))
                break
        if len(values) < 3:
            continue
        x, s, c = values
        found = _stance_problems(line, issue_id, x, s, c, ranges)
        key = (actor_id, issue_id)
        if key in seen:
            found.append((line, f"a second #D row for '{actor_id}' on '{issue_id}' "
                          f"(first on line {seen[key]})"))
        if actor_id in power and power[actor_id][0] != c and not found:
            found.append((line, f"power {c:g} of '{actor_id}' differs from "
                          f"{power[actor_id][0]:g} on line {power[actor_id][1]}"))
        if found:
            problems.extend(found)
            continue
        seen[key] = line
        power.setdefault(actor_id, (c, line))
        stances.append({"actor": actor_id, "issue": issue_id, "position": x, "salience": s})
    return stances, power


def _issue_dict(issue_id: str, description: str, span: tuple[float, float],
                marks: list[tuple[int, float, str]]) -> dict:
    anchors: dict[float, str] = {}  # one anchor per value: the first label in sorted order
    for val, label in sorted({(val, label) for _, val, label in marks}):
        anchors.setdefault(val, label or f"{val:g}")
    return {"id": issue_id, "name": issue_id, "description": description,
            "scale": {"min": span[0], "max": span[1]},
            "anchors": [{"value": v, "label": lab} for v, lab in anchors.items()]}


def parse(text: str, source: str | Path | None = None, **_: object) -> Scenario:
    delim = _delimiter(text)
    if delim is None:
        raise InputError("no #A/#P/#M/#D row found", source=source, line=1,
                         allowed="rows tagged #A, #P, #M, #D separated by tab or ';'")
    problems: Problems = []
    number = _Numbers(delim)
    actors, issues, marks, data = _declarations(_rows(text, delim), problems, number)
    ranges = _ranges(issues, marks, problems)
    stances, power = _stances(data, actors, issues, ranges, problems, number)
    if problems:
        problems.sort()
        shown = "; ".join(f"line {ln}: {msg}" for ln, msg in problems[:12])
        more = f"; … {len(problems) - 12} more" if len(problems) > 12 else ""
        raise InputError(f"{len(problems)} bad line{'s' if len(problems) > 1 else ''}: "
                         f"{shown}{more}", source=source, line=problems[0][0],
                         allowed="rows #A, #P, #M, #D and comments #/ #O "
                         "(see docs/model-exchange.md)")
    stem = Path(str(source)).stem if source else "decide"
    scenario = {
        "name": "".join(ch if ch.isalnum() or ch in "_.-" else "-" for ch in stem) or "decide",
        "title": stem,
        "notes": ["reader: decide #A/#P/#M/#D",
                  *([note(len(number.commas), number.commas[0])] if number.commas else [])],
        "actors": [{"id": a, "name": v["name"], "capability": power.get(a, (0.0, 0))[0]}
                   for a, v in actors.items()],
        "issues": [_issue_dict(i, v["description"], ranges.get(i, (0.0, 100.0)),
                               marks.get(i, [])) for i, v in issues.items()],
        "stances": stances,
    }
    return build_scenario(scenario, source=source)


def dump(scenario: Scenario) -> str:
    """Any scenario in the #A/#P/#M/#D format (tab-separated, single-quoted text)."""
    out = io.StringIO()

    def q(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    for a in scenario.actors:
        out.write(f"#A\t{q(a.id)}\t{q(a.name)}\n")
    for i in scenario.issues:
        out.write(f"#P\t{q(i.id)}\t{q(i.name)}\n")
        values = sorted({i.scale.min, i.scale.max, *(a.value for a in i.anchors)})
        labels = {a.value: a.label for a in i.anchors}
        for v in values:
            out.write(f"#M\t{q(i.id)}\t{v!r}\t{q(labels.get(v, ''))}\n")
    for st in scenario.stances:
        cap = scenario.actor(st.actor).capability
        out.write(f"#D\t{q(st.actor)}\t{q(st.issue)}\t{st.position!r}\t{st.salience!r}\t"
                  f"{cap!r}\n")
    return out.getvalue()


READER = Reader(
    name="decide",
    description="decide exchange-model input: #A/#P/#M/#D rows",
    suffixes=(".csv", ".txt", ".tsv"),
    sniff=sniff,
    parse=parse,
    priority=80,
    encodings=("cp1252",),  # the R prototype's files
)

WRITER = Writer(
    name="decide",
    description="decide exchange-model input (#A/#P/#M/#D, tab-separated)",
    suffixes=(),
    dump=dump,
)
