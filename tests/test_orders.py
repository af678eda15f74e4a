"""``orders=K``: SMP and the exchange model averaged over seeded shuffled actor orders."""

from __future__ import annotations

import numpy as np
import pytest

from realpolitik.models import get
from realpolitik.models._orders import canonical, permutations
from realpolitik.scenario import Scenario

ORDERED = ("smp", "exchange")


def _scenario(seed: int = 3, n: int = 6, m: int = 2, grid: bool = False) -> Scenario:
    """Random numbers; ``grid``: coarse ones, so that votes and gains tie."""
    rng = np.random.default_rng(seed)
    if grid:
        cap, pos, sal = (rng.integers(1, 6, n) * 10.0, rng.integers(0, 5, (n, m)) * 25.0,
                         rng.integers(1, 5, (n, m)) * 0.25)
    else:
        cap, pos, sal = (rng.uniform(1, 100, n).round(1), rng.uniform(0, 100, (n, m)).round(1),
                         rng.uniform(0.1, 1, (n, m)).round(2))
    return Scenario.model_validate({
        "name": "orders",
        "actors": [{"id": f"a{a}", "name": f"A{a}", "capability": float(cap[a])}
                   for a in range(n)],
        "issues": [{"id": f"i{i}", "name": f"I{i}"} for i in range(m)],
        "stances": [{"actor": f"a{a}", "issue": f"i{i}", "position": float(pos[a, i]),
                     "salience": float(sal[a, i])} for a in range(n) for i in range(m)],
    })


def _reversed(sc: Scenario) -> Scenario:
    return sc.replace(actors=[a.model_dump() for a in reversed(sc.actors)])


@pytest.fixture(scope="module")
def sensitive() -> dict[str, Scenario]:
    """For each model, the first scenario whose forecast depends on the actor order."""
    found = {}
    for name in ORDERED:
        for seed in range(40):
            sc = _scenario(seed, n=8, m=3, grid=seed % 2 == 1)
            a = get(name).run(sc).forecast
            b = get(name).run(_reversed(sc)).forecast
            if np.abs(a - b).max() > 1e-6:
                found[name] = sc
                break
    return found


@pytest.mark.parametrize("name", ORDERED)
def test_one_order_is_the_given_order(name):
    sc = _scenario()
    default = get(name).run(sc)
    one = get(name).run(sc, orders=1, order_seed=5)
    assert np.array_equal(default.forecast, one.forecast)
    assert np.array_equal(default.trajectory, one.trajectory)
    assert "orders" not in one.diagnostics
    batch = sc.batch()
    assert np.array_equal(get(name).forecast_batch(batch),
                          get(name).forecast_batch(batch, orders=1))


def test_the_given_order_matters_for_some_scenarios(sensitive):
    """Without this the invariance below would prove nothing."""
    assert set(sensitive) == set(ORDERED)


@pytest.mark.parametrize("name", ORDERED)
def test_many_orders_do_not_depend_on_the_input_order(name, sensitive):
    if name not in sensitive:
        pytest.fail(f"no order-sensitive scenario for {name}")
    sc = sensitive[name]
    model = get(name)
    a = model.run(sc, orders=4)
    b = model.run(_reversed(sc), orders=4)
    assert np.array_equal(a.forecast, b.forecast)
    ba = model.forecast_batch(sc.batch(), orders=4)
    bb = model.forecast_batch(_reversed(sc).batch(), orders=4)
    assert np.array_equal(ba, bb)
    np.testing.assert_allclose(ba[0], a.forecast, rtol=0, atol=1e-9)
    # the average of the orders' forecasts, each of them listed
    table = a.diagnostics["orders"]
    assert len(table) == 4 * len(sc.issues)
    means = table.groupby("issue", sort=False)["forecast"].mean().to_numpy()
    np.testing.assert_allclose(means, a.forecast, rtol=0, atol=1e-9)
    for i, issue in enumerate(sc.issue_ids):
        lo, hi = a.issue_fields[issue]["order_range"]
        assert lo - 1e-9 <= a.forecast[i] <= hi + 1e-9


@pytest.mark.parametrize("name", ORDERED)
def test_orders_are_reproducible_per_seed(name):
    sc = _scenario(7, n=7)
    model = get(name)
    first = model.run(sc, orders=3, order_seed=11)
    again = model.run(sc, orders=3, order_seed=11)
    assert np.array_equal(first.forecast, again.forecast)
    assert first.diagnostics["orders"].equals(again.diagnostics["orders"])
    other = model.run(sc, orders=3, order_seed=12)
    assert not other.diagnostics["orders"]["actors"].equals(
        first.diagnostics["orders"]["actors"])


def test_permutations_shuffle_a_canonical_order():
    sc = _scenario(1)
    batch, rev = sc.batch(), _reversed(sc).batch()
    # the same actors come first however the input lists them
    ids = np.array(sc.actor_ids)
    rev_ids = np.array(_reversed(sc).actor_ids)
    assert list(ids[canonical(batch)]) == list(rev_ids[canonical(rev)])
    perms = permutations(batch, 5, seed=0)
    assert len(perms) == 5
    assert all(sorted(p) == list(range(len(ids))) for p in perms)
    assert [list(p) for p in permutations(batch, 1, seed=0)] == [list(range(len(ids)))]


def test_orders_is_checked():
    from realpolitik.errors import InputError

    with pytest.raises(InputError, match="orders"):
        get("smp").run(_scenario(), orders=0)
