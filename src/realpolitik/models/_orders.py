"""Forecasts averaged over shuffled actor orders (the ``orders`` parameter of SMP and the
exchange model, whose reference programs queue and break ties in actor order).

``orders=1`` is the given order, as the reference programs run it. ``orders=K > 1`` runs K
orders drawn from a generator seeded with ``order_seed``, each a shuffle of a canonical
order (the actors sorted by their numbers), and averages the forecasts: the set of orders,
and so the average, is the same however the input lists its actors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
from pydantic import Field

from ..scenario import Batch
from .base import Params, Result, json_number


class OrderParams(Params):
    orders: int = Field(
        1, ge=1, le=1000,
        description="average the forecast over this many seeded shuffled actor orders "
                    "(1 = the given order, as the reference program)")
    order_seed: int = Field(0, ge=0, description="seed of the shuffled actor orders")


def canonical(batch: Batch) -> np.ndarray:
    """The actors sorted by capability, then each issue's position (no stance last) and
    salience, in the first draw: an order that does not depend on the input's."""
    pos = batch.position[0]
    keys = [batch.salience[0, :, i] for i in reversed(range(pos.shape[1]))]
    keys += [np.nan_to_num(pos[:, i], nan=np.inf) for i in reversed(range(pos.shape[1]))]
    keys += [np.isnan(pos[:, i]) for i in reversed(range(pos.shape[1]))]
    keys.append(batch.capability[0])
    return np.lexsort(keys)


def permutations(batch: Batch, orders: int, seed: int) -> list[np.ndarray]:
    """The actor orders to run: the given one, or ``orders`` shuffles of the canonical."""
    n = batch.position.shape[1]
    if orders == 1:
        return [np.arange(n)]
    base = canonical(batch)
    rng = np.random.default_rng(seed)
    return [base[rng.permutation(n)] for _ in range(orders)]


def permute(batch: Batch, perm: np.ndarray) -> Batch:
    return Batch(batch.capability[:, perm], batch.position[:, perm],
                 batch.salience[:, perm], batch.scale_min, batch.scale_max,
                 batch.status_quo)


def averaged(batch: Batch, orders: int, seed: int,
             forecast: Callable[[Batch, np.ndarray], np.ndarray]) -> np.ndarray:
    """The mean of ``forecast(permuted batch, perm)`` ``[B, I]`` over the actor orders."""
    perms = permutations(batch, orders, seed)
    if len(perms) == 1:
        return forecast(batch, perms[0])
    total = np.zeros((batch.size, batch.position.shape[2]))
    for perm in perms:
        total = total + forecast(permute(batch, perm), perm)
    return total / len(perms)


def with_orders(result: Result, batch: Batch, orders: int, seed: int,
                forecast: Callable[[Batch, np.ndarray], np.ndarray]) -> Result:
    """``result`` (a run in the given order) with its forecast replaced by the average over
    the shuffled orders, each order's forecast in the diagnostics ``orders`` and each
    issue's range over the orders as ``order_range``."""
    if orders == 1:
        return result
    import pandas as pd  # slow to import: only when orders are averaged

    perms = permutations(batch, orders, seed)
    each = np.stack([forecast(permute(batch, perm), perm)[0] for perm in perms])
    mean = each.sum(axis=0) / len(perms)
    actors = result.actors
    frame = pd.DataFrame(
        [(k, " ".join(actors[a] for a in perm), issue, float(each[k, i]))
         for k, perm in enumerate(perms) for i, issue in enumerate(result.issues)],
        columns=["order", "actors", "issue", "forecast"])
    fields = {issue: {**result.issue_fields.get(issue, {}),
                      "order_range": [json_number(each[:, i].min()),
                                      json_number(each[:, i].max())]}
              for i, issue in enumerate(result.issues)}
    return dataclasses.replace(result, forecast=mean,
                               diagnostics={**result.diagnostics, "orders": frame},
                               issue_fields=fields)
