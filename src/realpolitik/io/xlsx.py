"""Scenarios as Excel workbooks (``.xlsx``), read and written with openpyxl.

One sheet per table, a header row naming the columns (any order; unknown columns are an
error):

* ``scenario`` — ``field | value`` rows: name, title, description, as_of, and one ``note``
  row per note.
* ``sources`` — id, title, publisher, date, authors (``; `` between names), address, note.
* ``actors`` — id, name, group, capability, description, note, and the capability's
  uncertainty as ``capability_dist``, ``capability_low`` … ``capability_sd``.
* ``issues`` — id, name, description, scale_min, scale_max, status_quo, note.
* ``anchors`` — issue, value, label.
* ``stances`` — actor, issue, position, salience, note, and ``position_dist`` …,
  ``salience_dist`` … for the uncertainty.
* ``evidence`` — actor, issue (empty for an actor's capability), source, quote, kind,
  about, note.
* ``extra`` — ``path | value`` rows for everything nested that has no table of its own
  (the ``agreement`` section, ``model_params``): ``agreement.parties[0].vetoes[1]`` and a
  JSON value. Writing and reading back loses nothing.

Errors name the sheet and cell (``actors!D4``) that holds the bad value.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..scenario import Scenario
from .registry import Reader, Writer
from .validate import build_scenario

_DIST = ("dist", "low", "high", "mode", "mean", "sd")
_UNCERTAIN = {"actors": ("capability",), "stances": ("position", "salience")}
COLUMNS: dict[str, tuple[str, ...]] = {
    "sources": ("id", "title", "publisher", "date", "authors", "address", "note"),
    "actors": ("id", "name", "group", "capability", "description", "note",
               *(f"capability_{d}" for d in _DIST)),
    "issues": ("id", "name", "description", "scale_min", "scale_max", "status_quo", "note"),
    "anchors": ("issue", "value", "label"),
    "stances": ("actor", "issue", "position", "salience", "note",
                *(f"position_{d}" for d in _DIST), *(f"salience_{d}" for d in _DIST)),
    "evidence": ("actor", "issue", "source", "quote", "kind", "about", "note"),
}
_NUMERIC = {"capability", "scale_min", "scale_max", "status_quo", "value", "position",
            "salience", *(f"{u}_{d}" for u in ("capability", "position", "salience")
                          for d in _DIST[1:])}
_SCENARIO_FIELDS = ("name", "title", "description", "as_of")
_TABLED = {"name", "title", "description", "as_of", "notes", "sources", "actors", "issues",
           "stances"}
MAX_ROWS = 200_000
# zip reads stop at each member's declared size, so the declared total bounds the memory
MAX_UNPACKED = 256 * 1024 * 1024


def _cell(sheet: str, row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{sheet}!{get_column_letter(col)}{row}"


class _Where:
    """Maps a scenario field path to the cell it came from, for error messages."""

    def __init__(self) -> None:
        self.cells: dict[tuple, str] = {}

    def __call__(self, loc: tuple) -> str | None:
        for n in range(len(loc), 0, -1):
            if loc[:n] in self.cells:
                return self.cells[loc[:n]]
        return None


def _number(value: object, where: str, source: str) -> float:
    if isinstance(value, bool):
        raise InputError(f"{value!r} is not a number", source=source, field=where,
                         allowed="a number")
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    try:
        return float(text)
    except ValueError:
        pass
    if re.fullmatch(r"[+-]?\d+,\d+", text):
        raise InputError(f"'{text}' uses a decimal comma", source=source, field=where,
                         allowed=f"a number with a decimal point ({text.replace(',', '.')}) "
                                 "or a numeric cell")
    raise InputError(f"'{text}' is not a number", source=source, field=where,
                     allowed="a number")


def _rows(ws, sheet: str, source: str) -> Iterator[tuple[int, dict[str, tuple[Any, int]]]]:
    """Data rows of a sheet as ``{column: (value, column number)}``, skipping blank rows."""
    it = ws.iter_rows(values_only=True)
    header = next(it, None)
    if header is None:
        return
    names = [None if h is None else str(h).strip() for h in header]
    allowed = COLUMNS.get(sheet)
    for c, name in enumerate(names, start=1):
        if name is None:
            continue
        if allowed is not None and name not in allowed:
            raise InputError(f"unknown column '{name}'", source=source,
                             field=_cell(sheet, 1, c), allowed=", ".join(allowed))
    if len([n for n in names if n]) != len({n for n in names if n}):
        raise InputError("a column name appears twice", source=source, field=f"{sheet}!1",
                         allowed="each column once")
    for r, values in enumerate(it, start=2):
        if r > MAX_ROWS:
            raise InputError(f"sheet '{sheet}' has more than {MAX_ROWS:,} rows",
                             source=source, allowed=f"at most {MAX_ROWS:,} rows")
        row: dict[str, tuple[Any, int]] = {}
        for c, value in enumerate(values, start=1):
            name = names[c - 1] if c - 1 < len(names) else None
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if name is None:
                raise InputError("a value in a column without a header", source=source,
                                 field=_cell(sheet, r, c), allowed="a header in row 1")
            row[name] = (value.strip() if isinstance(value, str) else value, c)
        if row:
            yield r, row


def _record(sheet: str, r: int, row: dict, loc: tuple, where: _Where,
            source: str) -> dict[str, Any]:
    """One table row as scenario data, every field's cell remembered under ``loc``."""
    out: dict[str, Any] = {}
    where.cells[loc] = f"{sheet}!{r}"
    for name, (value, c) in row.items():
        cell = _cell(sheet, r, c)
        if name in _NUMERIC:
            value = _number(value, cell, source)
        elif isinstance(value, dt.datetime | dt.date):
            value = value.date().isoformat() if isinstance(value, dt.datetime) \
                else value.isoformat()
        elif not isinstance(value, str):
            value = str(value)
        base, _, part = name.partition("_")
        if base in _UNCERTAIN.get(sheet, ()) and part in _DIST:
            key = f"{base}_uncertainty"
            out.setdefault(key, {})[part] = value
            where.cells[(*loc, key, part)] = cell
            where.cells.setdefault((*loc, key), cell)
        elif sheet == "issues" and name in ("scale_min", "scale_max"):
            out.setdefault("scale", {})[part[-3:]] = value
            where.cells[(*loc, "scale", part[-3:])] = cell
            where.cells.setdefault((*loc, "scale"), cell)
        elif sheet == "sources" and name == "authors":
            out[name] = [a.strip() for a in str(value).split(";") if a.strip()]
            where.cells[(*loc, name)] = cell
        else:
            out[name] = value
            where.cells[(*loc, name)] = cell
    return out


def _set_path(data: dict, path: str, value: object, cell: str, source: str) -> tuple:
    parts: list[str | int] = []
    for m in re.finditer(r"([^.\[\]]+)|\[(\d+)\]", path):
        parts.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
    if not parts or not isinstance(parts[0], str) or parts[0] in _TABLED:
        raise InputError(f"'{path}' is not a path this sheet can hold", source=source,
                         field=cell, allowed="a path under agreement, model_params or another "
                                             "section without a sheet of its own")
    node: Any = data
    for k, part in enumerate(parts):
        last = k == len(parts) - 1
        nxt: Any = value if last else ([] if isinstance(parts[k + 1], int) else {})
        if isinstance(part, int):
            if not isinstance(node, list) or part > len(node):
                raise InputError(f"'{path}': index {part} skips an earlier item", source=source,
                                 field=cell, allowed="indices in order from 0")
            if part == len(node):
                node.append(nxt)
            elif last:
                raise InputError(f"'{path}' is given twice", source=source, field=cell,
                                 allowed="each path once")
            node = node[part]
        else:
            if not isinstance(node, dict):
                raise InputError(f"'{path}' mixes a list and a mapping", source=source,
                                 field=cell, allowed="one shape per path")
            if last and part in node:
                raise InputError(f"'{path}' is given twice", source=source, field=cell,
                                 allowed="each path once")
            node = node.setdefault(part, nxt)
    return tuple(parts)


def parse(data: bytes, source: str | Path | None = None, **_: object) -> Scenario:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    src = str(source) if source is not None else "<workbook>"
    try:  # a workbook is a zip: refuse one that unpacks to far more than a scenario needs
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        unpacked = 0  # load_workbook says what is wrong
    if unpacked > MAX_UNPACKED:
        raise InputError(f"the workbook unpacks to {unpacked:,} bytes", source=src,
                         allowed=f"at most {MAX_UNPACKED:,} bytes unpacked")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"not a readable .xlsx workbook ({type(exc).__name__})", source=src,
                         allowed="an Excel 2007+ workbook (.xlsx)") from None
    known = {"scenario", "extra", *COLUMNS}
    for name in wb.sheetnames:
        if name not in known:
            raise InputError(f"unknown sheet '{name}'", source=src,
                             allowed=", ".join(("scenario", *COLUMNS, "extra")))
    if "scenario" not in wb.sheetnames:
        raise InputError("no 'scenario' sheet", source=src,
                         allowed="a sheet 'scenario' with field | value rows (name first)")
    where = _Where()
    out: dict[str, Any] = {}
    notes: list[str] = []
    for r, row in _rows(wb["scenario"], "scenario", src):
        field = str(row.get("field", (None, 1))[0] or "")
        value, c = row.get("value", (None, 2))
        cell = _cell("scenario", r, c)
        if field == "note":
            notes.append(str(value))
            where.cells[("notes", len(notes) - 1)] = cell
        elif field in _SCENARIO_FIELDS:
            if field in out:
                raise InputError(f"field '{field}' given twice", source=src, field=cell,
                                 allowed="each field once")
            if isinstance(value, dt.datetime | dt.date):
                value = (value.date() if isinstance(value, dt.datetime) else value).isoformat()
            out[field] = value if isinstance(value, str) or value is None else str(value)
            where.cells[(field,)] = cell
        else:
            raise InputError(f"unknown field '{field}'", source=src,
                             field=_cell("scenario", r, 1),
                             allowed=", ".join((*_SCENARIO_FIELDS, "note")))
    if notes:
        out["notes"] = notes
    tables: dict[str, list[tuple[int, dict]]] = {
        s: list(_rows(wb[s], s, src)) if s in wb.sheetnames else [] for s in COLUMNS
    }
    sources: dict[str, Any] = {}
    for r, row in tables["sources"]:
        rec = _record("sources", r, row, ("sources", "?"), where, src)
        sid = rec.pop("id", None)
        if sid is None:
            raise InputError("a source without an id", source=src, field=f"sources!A{r}",
                             allowed="an id in column 'id'")
        if sid in sources:
            raise InputError(f"duplicate source id '{sid}'", source=src, field=f"sources!{r}",
                             allowed="unique ids")
        sources[sid] = rec
        for key in [k for k in where.cells if k[:2] == ("sources", "?")]:
            where.cells[("sources", sid, *key[2:])] = where.cells.pop(key)
    out["sources"] = sources
    for sheet in ("actors", "issues", "stances"):
        out[sheet] = [_record(sheet, r, row, (sheet, k), where, src)
                      for k, (r, row) in enumerate(tables[sheet])]
    issue_at = {i.get("id"): k for k, i in enumerate(out["issues"])}
    for r, row in tables["anchors"]:
        issue = row.get("issue", (None, 1))[0]
        if issue not in issue_at:
            raise InputError(f"anchor of unknown issue '{issue}'", source=src,
                             field=f"anchors!A{r}", allowed="an id from the issues sheet")
        target = out["issues"][issue_at[issue]].setdefault("anchors", [])
        rec = _record("anchors", r, row, ("issues", issue_at[issue], "anchors", len(target)),
                      where, src)
        rec.pop("issue")
        target.append(rec)
    actor_at = {a.get("id"): k for k, a in enumerate(out["actors"])}
    stance_at = {(s.get("actor"), s.get("issue")): k for k, s in enumerate(out["stances"])}
    for r, row in tables["evidence"]:
        actor = row.get("actor", (None, 1))[0]
        issue = row.get("issue", (None, 2))[0]
        if issue is None:
            if actor not in actor_at:
                raise InputError(f"evidence for unknown actor '{actor}'", source=src,
                                 field=f"evidence!A{r}", allowed="an id from the actors sheet")
            owner, loc = out["actors"][actor_at[actor]], ("actors", actor_at[actor])
        else:
            if (actor, issue) not in stance_at:
                raise InputError(f"evidence for a stance of '{actor}' on '{issue}' that the "
                                 "stances sheet does not have", source=src,
                                 field=f"evidence!A{r}",
                                 allowed="an actor and issue of a stance row")
            k = stance_at[(actor, issue)]
            owner, loc = out["stances"][k], ("stances", k)
        target = owner.setdefault("evidence", [])
        rec = _record("evidence", r, row, (*loc, "evidence", len(target)), where, src)
        rec.pop("actor", None)
        rec.pop("issue", None)
        target.append(rec)
    if "extra" in wb.sheetnames:
        for r, row in _rows(wb["extra"], "extra", src):
            path, pc = row.get("path", (None, 1))
            value, vc = row.get("value", (None, 2))
            cell = _cell("extra", r, vc)
            try:
                parsed = json.loads(value) if isinstance(value, str) else value
            except json.JSONDecodeError as exc:
                raise InputError(f"not a JSON value: {exc.msg}", source=src, field=cell,
                                 allowed='JSON: a number, true/false, null, "text", [] or {}'
                                 ) from None
            loc = _set_path(out, str(path), parsed, _cell("extra", r, pc), src)
            where.cells[loc] = cell
    located = build_scenario_at(out, src, where)
    return located


def build_scenario_at(data: dict, source: str, where: _Where) -> Scenario:
    try:
        return build_scenario(data, source=source)
    except InputError as exc:
        cell = None
        if exc.field:
            cell = where(_loc_of(exc.field))
        if cell is None:
            raise
        raise InputError(exc.problem, source=source, field=f"{cell} ({exc.field})",
                         allowed=exc.allowed) from None


def _loc_of(field: str) -> tuple:
    """``stances[3].salience`` → ``('stances', 3, 'salience')``."""
    return tuple(int(m.group(2)) if m.group(2) is not None else m.group(1)
                 for m in re.finditer(r"([^.\[\]]+)|\[(\d+)\]", field))


# --- writing ---------------------------------------------------------------------------

def _flatten(value: object, path: str) -> Iterator[tuple[str, object]]:
    if isinstance(value, dict) and value:
        for k, v in value.items():
            yield from _flatten(v, f"{path}.{k}")
    elif isinstance(value, list) and value:
        for k, v in enumerate(value):
            yield from _flatten(v, f"{path}[{k}]")
    else:
        yield path, value


def _uncertainty_cells(rec: dict, base: str) -> dict[str, object]:
    u = rec.pop(f"{base}_uncertainty", None) or {}
    return {f"{base}_{k}": v for k, v in u.items()}


def dump(scenario: Scenario) -> bytes:
    """The scenario as an .xlsx workbook (bytes); reading it back gives the same Scenario."""
    from openpyxl import Workbook

    from .native import to_data

    data = to_data(scenario)
    wb = Workbook()
    ws = wb.active
    ws.title = "scenario"
    ws.append(["field", "value"])
    for field in _SCENARIO_FIELDS:
        if field in data:
            ws.append([field, str(data[field])])
    for note in data.get("notes", ()):
        ws.append(["note", note])
    rows: dict[str, list[dict]] = {s: [] for s in COLUMNS}
    for sid, src in data.get("sources", {}).items():
        rec = {"id": sid, **src}
        if "authors" in rec:
            rec["authors"] = "; ".join(rec["authors"])
        rows["sources"].append(rec)
    for a in data["actors"]:
        rec = dict(a)
        for ev in rec.pop("evidence", ()):
            rows["evidence"].append({"actor": a["id"], **ev})
        rec.update(_uncertainty_cells(rec, "capability"))
        rows["actors"].append(rec)
    for i in data["issues"]:
        rec = dict(i)
        for an in rec.pop("anchors", ()):
            rows["anchors"].append({"issue": i["id"], **an})
        scale = rec.pop("scale", {})
        for end in ("min", "max"):
            if end in scale:
                rec[f"scale_{end}"] = scale[end]
        rows["issues"].append(rec)
    for s in data["stances"]:
        rec = dict(s)
        for ev in rec.pop("evidence", ()):
            rows["evidence"].append({"actor": s["actor"], "issue": s["issue"], **ev})
        rec.update(_uncertainty_cells(rec, "position"))
        rec.update(_uncertainty_cells(rec, "salience"))
        rows["stances"].append(rec)
    for sheet, cols in COLUMNS.items():
        used = [c for c in cols if any(c in rec for rec in rows[sheet])]
        if not rows[sheet] and sheet in ("sources", "anchors", "evidence"):
            continue
        ws = wb.create_sheet(sheet)
        ws.append(used)
        for rec in rows[sheet]:
            ws.append([rec.get(c) for c in used])
    extra = [(p, v) for key in data if key not in _TABLED for p, v in _flatten(data[key], key)]
    if extra:
        ws = wb.create_sheet("extra")
        ws.append(["path", "value"])
        for p, v in extra:
            ws.append([p, json.dumps(v, ensure_ascii=False)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return _deterministic(buffer.getvalue())


def _deterministic(data: bytes) -> bytes:
    """The same workbook bytes for the same scenario: openpyxl stamps the creation time and
    the zip entries' times; fix both."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2000-01-01T00:00:00Z", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, body)
    return out.getvalue()


READER = Reader(
    name="xlsx",
    description="an Excel workbook: sheets scenario, sources, actors, issues, anchors, "
                "stances, evidence, extra",
    suffixes=(".xlsx",),
    sniff=lambda data: data[:2] == b"PK",
    parse=parse,
    priority=50,
    binary=True,
)

WRITER = Writer(
    name="xlsx",
    description="an Excel workbook (see docs/formats.md)",
    suffixes=(".xlsx",),
    dump=dump,
)
