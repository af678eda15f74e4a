"""The deal section's 2-D slice: the acceptance regions and the win-set it draws, point by
point against the semantics as the independent grid of ``test_agreement`` applies them."""

from __future__ import annotations

import numpy as np
import pytest

import realpolitik as rp
from realpolitik import InputError
from realpolitik.analysis.deal import deal_slice
from realpolitik.models.agreement import AgreementParams

from .conftest import FIXTURES
from .test_agreement import accepts, membership


def cases() -> list[tuple[rp.Scenario, str, str]]:
    default = rp.load("russia-japan")
    return [
        (rp.load(FIXTURES / "agreement" / "deal.yaml"), "land", "trade"),
        (rp.load(FIXTURES / "agreement" / "nodeal.yaml"), "x", None),
        (default, "territory", "alliance"),
        (default, "treaty", "territory"),
        (rp.apply_whatif("russia-japan", "2026-02"), "territory", "alliance"),
    ]


@pytest.mark.parametrize("case", range(5))
def test_the_slice_regions_follow_the_acceptance_test(case: int) -> None:
    sc, x_issue, y_issue = cases()[case]
    sl = deal_slice(sc, x_issue, y_issue, levels=41)
    package = list(sc.agreement.package)
    # the points: the grid on the two issues, the others held at the package (or the
    # status quo with no deal)
    assert sl.points.shape == (len(sl.ys), len(sl.xs), len(package))
    assert np.array_equal(sl.points[..., package.index(x_issue)][0], sl.xs)
    for i in package:
        if i not in (x_issue, y_issue):
            assert (sl.points[..., package.index(i)] == sl.held[i]).all()
    if sl.summary["deal"]:
        assert sl.held == sl.summary["package"]
    else:
        assert sl.held == {i: sc.issue(i).status_quo for i in package}
    x = {i: sl.points[..., d] for d, i in enumerate(package)}
    # the semantics with the model's documented gain_tol: a gain that is 0 in exact
    # arithmetic (0.2² − 0.6² + 0.5·0.8² on the fixture) must not count because rounding
    # made it 3e-17
    tol = AgreementParams().gain_tol
    assert len(sl.judges) == len(sl.labels) == sl.judged.shape[0]
    for (actor, issues), region in zip(sl.judges, sl.judged, strict=True):
        assert np.array_equal(region, accepts(sc, actor, issues, x, tol)), actor
    inside, _ = membership(sc, x, tol)
    assert np.array_equal(sl.inside, inside)
    assert sl.inside.any() == sl.summary["deal"]  # W on the slice through the package
    # the regions are not trivial: some judge rejects part of every slice
    assert not sl.judged.all()


def test_the_slice_names_an_issue_outside_the_package() -> None:
    sc = rp.load(FIXTURES / "agreement" / "deal.yaml")
    with pytest.raises(InputError, match="not in the package"):
        deal_slice(sc, "other")
