"""Fitting the stacked ensemble (the ``stack`` model) on the DEU training part only.

The stack's forecast is a convex combination Σ_m w_m·f_m of registered models' forecasts
(w ≥ 0, Σ w = 1). The weights minimise the mean absolute error — the score the backtest
reports — on the usable issues of the pre-registered training part
(:mod:`realpolitik.analysis.split`), under the ``council`` capability scheme, as a linear
programme (:func:`scipy.optimize.linprog`, HiGHS). Components are the registered models
that forecast every training issue (``status-quo`` does not: a third of DEU issues have no
reference point), other than the stack itself. The fitted weights are shipped as
``scenarios/deu-stack.json``; ``scripts/fit_deu_stack.py`` refits them, and a test checks
that the refit (over the candidates the file lists) equals the shipped file and ignores the
test part.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from typing import Any

import numpy as np

from ..io.deu import DeuData

STACK_FILE = "deu-stack.json"
SCHEME = "council"
# the stack itself; the status quo (no forecast where DEU has no reference point); the
# agreement model (it needs a scenario's agreement section, which DEU issues lack)
EXCLUDED = ("stack", "status-quo", "agreement")


def components() -> list[str]:
    from ..models import names

    return [n for n in names() if n not in EXCLUDED]


def fit_weights(forecasts: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Convex weights ``[M]`` minimising Σ_i |y_i − Σ_m w_m f_im| for ``forecasts[N, M]``."""
    from scipy.optimize import linprog

    n, m = forecasts.shape
    # variables: w (m), t (n); minimise Σ t with t ≥ ±(y − F w)
    cost = np.concatenate([np.zeros(m), np.ones(n)])
    eye = np.eye(n)
    a_ub = np.block([[-forecasts, -eye], [forecasts, -eye]])
    b_ub = np.concatenate([-outcome, outcome])
    a_eq = np.concatenate([np.ones(m), np.zeros(n)])[None]
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0],
                  bounds=[(0, None)] * (m + n), method="highs")
    if not res.success:  # cannot happen for a feasible, bounded LP; say so if it does
        raise RuntimeError(f"stack fit failed: {res.message}")
    w = np.clip(res.x[:m], 0.0, None)
    return w / w.sum()


def fit_deu_stack(data: DeuData, models: Sequence[str] | None = None, seed: int = 0
                  ) -> dict[str, Any]:
    """Fit the stack on the usable training issues of ``data`` (DEU III)."""
    from .backtest import deu_forecasts
    from .split import split_mask

    train = data.take(split_mask(data, "train"))
    train = train.take(train.usable)
    names = list(models or components())
    cols = [deu_forecasts(train, m, SCHEME, seed=seed)[0] for m in names]
    f = np.column_stack(cols)
    ok = np.isfinite(f).all(axis=0)
    names = [n for n, keep in zip(names, ok, strict=True) if keep]
    w = fit_weights(f[:, ok], train.outcome)
    mae = float(np.abs(f[:, ok] @ w - train.outcome).mean())
    return {
        "candidates": list(models or components()),
        "fitted_on": f"DEU III training part ({len(train.issue_ids)} usable issues), "
                     f"capability scheme '{SCHEME}'",
        "objective": "mean absolute error, convex weights",
        "train_mae": round(mae, 6),
        "weights": {n: round(float(x), 6) for n, x in zip(names, w, strict=True)
                    if round(float(x), 6) > 0},
    }


def format_stack(fit: dict[str, Any]) -> str:
    return json.dumps(fit, indent=2, sort_keys=True) + "\n"


def load_stack() -> dict[str, Any]:
    from .. import scenarios

    return json.loads((resources.files(scenarios) / STACK_FILE).read_text(encoding="utf-8"))
