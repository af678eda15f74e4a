"""Reader for the DEU data set (Decision-making in the European Union; Thomson et al.; DEU III
by Arregui & Perarnaud, doi:10.34810/data53, CC BY 4.0) as one tab-separated file.

The layout (``../shared/data/README.md``): row 1 the header; row 2 a GDP figure per actor
column; then one row per controversial issue with ``p<actor>`` positions and ``s<actor>``
saliences on 0–100, ``rp`` the reference point (status quo), ``out`` the outcome, and
metadata (``prnr`` proposal, ``isnr`` issue, ``proc`` procedure, ``counvte`` voting rule,
``intro`` date). The project does not ship the file; users download DEU themselves.

Choices (documented in ``docs/backtests.md``):

* An actor takes part in an issue where it has a position. A missing salience next to a
  position (54 cells in DEU III) is read as 50, the middle of the scale; a stated salience
  of 0 stays 0.
* An issue is *usable* when it has an outcome and at least three actors with a position
  (351 of 364 issues in DEU III, the count the data set's documentation gives).
* The proposal year comes from the proposal number (``d00032`` → 2000; DEU numbers
  proposals by their COM document year), because the ``intro`` column mixes date formats.
* The date of the final act (``finact``, optional) is read as ``dd-mm-yy`` (or
  ``dd-mm-yyyy``); DEU III also holds cells a spreadsheet turned into ``YYYY-MM-DD`` where
  ``YYYY`` is 19 or 20 followed by the day and ``DD`` is the two-digit year (``2017-04-19``
  is 17 April 2019, the copyright directive's signature). Two-digit years from 50 are
  19xx. ``999`` (no final act) and an empty cell are "not adopted" (NaT).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError, read_text
from ..scenario import MAX_MAGNITUDE

MISSING_SALIENCE = 50.0
MIN_ACTORS = 3
_META = ("prnr", "isnr", "proc", "counvte")


@dataclass(frozen=True)
class DeuData:
    """DEU issues as arrays: ``position[N, A]`` and ``salience[N, A]`` on 0–100 (NaN where an
    actor states no position), ``reference[N]``, ``outcome[N]`` (NaN where missing)."""

    source: str
    actors: tuple[str, ...]
    gdp: np.ndarray
    issue_ids: tuple[str, ...]
    proposal: tuple[str, ...]
    procedure: tuple[str, ...]
    voting_rule: tuple[str, ...]
    year: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    reference: np.ndarray
    outcome: np.ndarray
    line: np.ndarray
    # date of the final act (datetime64[D]; NaT where none: not adopted, or no column)
    decided: np.ndarray | None = None

    @property
    def decided_on(self) -> np.ndarray:
        """The final act's date per issue (NaT where there is none)."""
        if self.decided is None:
            return np.full(len(self.issue_ids), np.datetime64("NaT"), dtype="datetime64[D]")
        return self.decided

    @property
    def usable(self) -> np.ndarray:
        """Issues with an outcome and at least :data:`MIN_ACTORS` positions."""
        return np.isfinite(self.outcome) & (np.isfinite(self.position).sum(axis=1) >= MIN_ACTORS)

    def take(self, rows: np.ndarray) -> DeuData:
        idx = np.flatnonzero(rows) if rows.dtype == bool else np.asarray(rows)
        pick = [int(i) for i in idx]
        return DeuData(
            self.source, self.actors, self.gdp,
            tuple(self.issue_ids[i] for i in pick), tuple(self.proposal[i] for i in pick),
            tuple(self.procedure[i] for i in pick), tuple(self.voting_rule[i] for i in pick),
            self.year[idx], self.position[idx], self.salience[idx], self.reference[idx],
            self.outcome[idx], self.line[idx],
            None if self.decided is None else self.decided[idx],
        )


def _number(text: str, source: str, line: int, column: str, low: float = 0.0,
            high: float = 100.0) -> float:
    text = text.strip().strip('"').strip()
    if text in {"", "NA", "."}:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"'{text}' is not a number", source=source, line=line, field=column,
                         allowed=f"a number from {low:g} to {high:g}, or empty") from None
    if not (math.isfinite(value) and low <= value <= high):
        raise InputError(f"{value:g} is out of range", source=source, line=line, field=column,
                         allowed=f"{low:g} to {high:g}, or empty")
    return value


_FINACT = (
    (re.compile(r"^(?:19|20)(\d\d)-(\d\d)-(\d\d)$"), (1, 2, 3)),  # spreadsheet-mangled
    (re.compile(r"^(\d\d)-(\d\d)-(\d\d)$"), (1, 2, 3)),
    (re.compile(r"^(\d\d)-(\d\d)-(\d{4})$"), (1, 2, 3)),
)


def _decided(text: str, source: str, line: int) -> np.datetime64:
    """The final act's date (see the module docstring); NaT for ``999`` or empty."""
    text = text.strip().strip('"').strip()
    if text in {"", "999", "NA", "."}:
        return np.datetime64("NaT", "D")
    for pattern, (d, m, y) in _FINACT:
        found = pattern.match(text)
        if found:
            year = int(found.group(y))
            if year < 100:
                year += 1900 if year >= 50 else 2000
            try:
                return np.datetime64(dt.date(year, int(found.group(m)), int(found.group(d))),
                                     "D")
            except ValueError:
                break
    raise InputError(f"'{text}' is not a date of a final act", source=source, line=line,
                     field="finact", allowed="dd-mm-yy, dd-mm-yyyy, 999 (not adopted) or "
                     "empty")


def _year(proposal: str, intro: str) -> float:
    m = re.match(r"^[A-Za-z](\d\d)\d", proposal)
    if m:
        yy = int(m.group(1))
        return float(1900 + yy if yy >= 50 else 2000 + yy)
    m = re.match(r"^\d\d-\d\d-(\d{4})$", intro)
    return float(m.group(1)) if m else math.nan


def parse_deu(text: str, source: str | Path = "<deu>") -> DeuData:
    """Parse the text of a DEU file (see the module docstring for the layout)."""
    src = str(source)
    rows = list(csv.reader(io.StringIO(text), delimiter="\t", quotechar='"'))
    if len(rows) < 3:
        raise InputError("too few rows for a DEU file", source=src,
                         allowed="a header, a GDP row and at least one issue row")
    header = [h.strip() for h in rows[0]]
    col = {h: k for k, h in enumerate(header)}
    actors = tuple(h[1:] for h in header
                   if h.startswith("p") and len(h) > 1 and f"s{h[1:]}" in col
                   and h not in _META)
    missing = [c for c in (*_META, "rp", "out") if c not in col]
    if missing or not actors:
        raise InputError(
            f"the header lacks {', '.join(missing) if missing else 'actor columns'}",
            source=src, line=1,
            allowed="tab-separated columns prnr, isnr, proc, counvte, p<actor>, s<actor>, "
            "rp, out",
        )
    width = len(header)

    def cell(row: list[str], name: str) -> str:
        k = col[name]
        return row[k] if k < len(row) else ""

    if len(rows[1]) != width:
        raise InputError(f"the GDP row has {len(rows[1])} fields, the header {width}",
                         source=src, line=2, allowed=f"{width} tab-separated fields")
    gdp = np.array([_number(cell(rows[1], f"p{a}"), src, 2, f"p{a}", 0, MAX_MAGNITUDE)
                    for a in actors])
    n, n_a = len(rows) - 2, len(actors)
    position = np.full((n, n_a), np.nan)
    salience = np.full((n, n_a), np.nan)
    reference, outcome, year = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    meta: dict[str, list[str]] = {m: [] for m in _META}
    decided = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    lines = np.arange(3, n + 3)
    for r, row in enumerate(rows[2:]):
        line = r + 3
        if len(row) > width:
            raise InputError(f"{len(row)} fields, more than the header's {width}", source=src,
                             line=line, allowed=f"{width} tab-separated fields")
        if len(row) < width:  # e.g. a download cut off mid-row
            raise InputError(f"{len(row)} fields, fewer than the header's {width} (is the "
                             "file cut off?)", source=src, line=line,
                             allowed=f"{width} tab-separated fields (empty cells between tabs)")
        for m in _META:
            meta[m].append(cell(row, m).strip())
        for a, actor in enumerate(actors):
            position[r, a] = _number(cell(row, f"p{actor}"), src, line, f"p{actor}")
            salience[r, a] = _number(cell(row, f"s{actor}"), src, line, f"s{actor}")
        reference[r] = _number(cell(row, "rp"), src, line, "rp")
        if "finact" in col:
            decided[r] = _decided(cell(row, "finact"), src, line)
        outcome[r] = _number(cell(row, "out"), src, line, "out")
        year[r] = _year(meta["prnr"][-1], cell(row, "intro").strip()) if "intro" in col \
            else _year(meta["prnr"][-1], "")
    stated = np.isfinite(position)
    salience = np.where(stated, np.where(np.isnan(salience), MISSING_SALIENCE, salience),
                        np.nan)
    seen: dict[str, int] = {}
    for r, iid in enumerate(meta["isnr"]):
        if not iid:
            raise InputError("empty issue id", source=src, line=int(lines[r]), field="isnr",
                             allowed="a non-empty issue id")
        if iid in seen:
            raise InputError(f"duplicate issue id '{iid}' (first on line {seen[iid]})",
                             source=src, line=int(lines[r]), field="isnr",
                             allowed="one row per issue")
        seen[iid] = int(lines[r])
    return DeuData(
        source=src, actors=actors, gdp=gdp, issue_ids=tuple(meta["isnr"]),
        proposal=tuple(meta["prnr"]), procedure=tuple(meta["proc"]),
        voting_rule=tuple(meta["counvte"]), year=year, position=position, salience=salience,
        reference=reference, outcome=outcome, line=lines,
        decided=decided if "finact" in col else None,
    )


def read_deu(path: str | Path) -> DeuData:
    """Read a DEU file; bad content is an InputError naming the line and column."""
    return parse_deu(read_text(path), source=path)
