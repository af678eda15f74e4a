"""The pre-registered DEU split: reproducible from its seed, stratified, proposals whole."""

from __future__ import annotations

import collections

import numpy as np
import pytest

from realpolitik.analysis.backtest import era_of
from realpolitik.analysis.split import (
    SEED,
    TEST_FRACTION,
    draw_deu_split,
    format_split,
    load_deu_split,
    split_mask,
)
from realpolitik.errors import InputError
from realpolitik.io.deu import read_deu

from .conftest import require_shared


@pytest.fixture(scope="module")
def deu3():
    return read_deu(require_shared("data", "deu", "deu3.csv"))


def test_shipped_split_is_redrawn_from_its_seed(deu3) -> None:
    from importlib import resources

    from realpolitik import scenarios

    shipped = (resources.files(scenarios) / "deu-split.csv").read_text(encoding="utf-8")
    assert format_split(draw_deu_split(deu3, SEED)) == shipped
    # another seed draws another split: the seed, not the data order, decides
    assert draw_deu_split(deu3, SEED + 1) != load_deu_split()


def test_split_keeps_proposals_whole_and_is_stratified(deu3) -> None:
    split = load_deu_split()
    assert set(split) == set(deu3.issue_ids)
    assert set(split.values()) == {"train", "test"}
    parts: dict[str, set[str]] = collections.defaultdict(set)
    stratum: dict[str, tuple[str, str | None]] = {}
    for iid, prop, proc, year in zip(deu3.issue_ids, deu3.proposal, deu3.procedure,
                                     deu3.year, strict=True):
        parts[prop].add(split[iid])
        stratum[prop] = (proc, era_of(float(year)))
    assert all(len(p) == 1 for p in parts.values())
    per: dict[tuple, list[int]] = collections.defaultdict(lambda: [0, 0])
    for prop, p in parts.items():
        per[stratum[prop]][p == {"test"}] += 1
    assert len(per) == 5
    for n_train, n_test in per.values():
        n = n_train + n_test
        assert n_test == int(np.floor(TEST_FRACTION * n + 0.5))


def test_split_mask(deu3) -> None:
    train, test, every = (split_mask(deu3, p) for p in ("train", "test", "all"))
    assert not (train & test).any() and (train | test).all() and every.all()
    with pytest.raises(InputError, match=r"^split: unknown split"):
        split_mask(deu3, "validation")
    renamed = deu3.take(np.arange(3))
    object.__setattr__(renamed, "issue_ids", ("x1", "x2", "x3"))
    with pytest.raises(InputError, match="not in the pre-registered split"):
        split_mask(renamed, "test")
    assert split_mask(renamed, "all").all()
