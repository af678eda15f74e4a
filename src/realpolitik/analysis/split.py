"""The pre-registered train/test split of the DEU issues.

The split is drawn once, by the procedure below, and shipped as a list of issue ids
(``scenarios/deu-split.csv``: ``isnr,part``). It was committed before any model was fitted
on DEU; models may be fitted and tuned on ``train`` only, and ``test`` is reported once
per release (``docs/backtests.md``).

Procedure (:func:`draw_deu_split`):

1. Issues are grouped by proposal (``prnr``): all issues of one proposal fall on the same
   side, because issues of one proposal share actors, dates and bargaining, and splitting
   them would leak the test part into the training part.
2. Each proposal's stratum is its legislative procedure (``COD`` co-decision, ``CNS``
   consultation) and its Council voting era (pre-Nice / Nice / Lisbon, as
   :func:`realpolitik.analysis.backtest.era_of` assigns by the proposal's year).
3. Strata are visited in sorted order, proposals within a stratum in sorted id order; one
   ``numpy.random.default_rng(SEED)`` permutes each stratum's proposals in turn and the first
   ``floor(TEST_FRACTION * n + 1/2)`` of the permutation go to ``test``, the rest to
   ``train``.

Every issue of the file takes part (usable or not), so the split does not depend on the
reader's usability rule; scores count the usable issues of each part.
"""

from __future__ import annotations

import csv
import io
import math
from importlib import resources

import numpy as np

from ..errors import InputError
from ..io.deu import DeuData

SEED = 20261201
TEST_FRACTION = 0.4
PARTS = ("train", "test", "all")
SPLIT_FILE = "deu-split.csv"


def _era(year: float) -> str:
    from .backtest import era_of

    return era_of(year) or "unknown"


def draw_deu_split(data: DeuData, seed: int = SEED,
                   test_fraction: float = TEST_FRACTION) -> dict[str, str]:
    """The part (``train`` or ``test``) of every issue of ``data``, in file order, drawn by
    the procedure of the module docstring."""
    strata: dict[tuple[str, str], set[str]] = {}
    for prop, proc, year in zip(data.proposal, data.procedure, data.year, strict=True):
        strata.setdefault((proc, _era(float(year))), set()).add(prop)
    rng = np.random.default_rng(seed)
    test: set[str] = set()
    for key in sorted(strata):
        props = sorted(strata[key])
        k = math.floor(test_fraction * len(props) + 0.5)
        order = rng.permutation(len(props))
        test.update(props[int(j)] for j in order[:k])
    return {iid: "test" if prop in test else "train"
            for iid, prop in zip(data.issue_ids, data.proposal, strict=True)}


def format_split(split: dict[str, str]) -> str:
    """The shipped CSV form: a header ``isnr,part`` and one row per issue."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["isnr", "part"])
    w.writerows(split.items())
    return buf.getvalue()


def load_deu_split() -> dict[str, str]:
    """The shipped split: issue id → ``train`` or ``test``."""
    from .. import scenarios

    text = (resources.files(scenarios) / SPLIT_FILE).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    return {r["isnr"]: r["part"] for r in rows}


def split_mask(data: DeuData, part: str) -> np.ndarray:
    """Boolean mask of the issues of ``data`` in ``part`` (``train``, ``test`` or ``all``).
    An issue id the shipped split does not list is an error for ``train`` and ``test``:
    the split is defined for DEU III only."""
    if part not in PARTS:
        raise InputError(f"unknown split '{part}'", field="split", allowed=", ".join(PARTS))
    if part == "all":
        return np.ones(len(data.issue_ids), bool)
    split = load_deu_split()
    unknown = [i for i in data.issue_ids if i not in split]
    if unknown:
        raise InputError(
            f"{len(unknown)} issue ids are not in the pre-registered split "
            f"(first: '{unknown[0]}')", source=data.source, field="isnr",
            allowed="the DEU III issue ids, or split all")
    return np.array([split[i] == part for i in data.issue_ids])
