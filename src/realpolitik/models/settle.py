"""Did a round-based model settle? Fixed points, cycles and runs still moving.

Round-based models (BDM, SMP, exchange) stop after a fixed number of rounds or by a stop
rule; where the actors still jump back and forth, the forecast is wherever the last round
lands. :func:`settlement` reads a trajectory and says which of three it is:

* ``settled`` — the actors' positions are the same (within ``tol`` of the scale) in the last
  ``window`` rounds;
* ``cycling`` — the positions repeat with a period ``p`` of 2 to ``max_period`` rounds, seen
  over at least two whole periods, and do not settle;
* ``not settled`` — neither.

It also gives the range the forecast took over the final cycle (or the last ``window``
rounds when the run is still moving), which is how far the last round's forecast could have
been elsewhere had the run stopped a round earlier or later.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Settlement:
    status: str  # "settled", "cycling" or "not settled"
    period: int | None  # rounds in the cycle (1 when settled; None when not settled)
    low: float  # the forecast's range over the last cycle or window
    high: float
    last_move: float  # the largest actor move in the last round, as a share of the scale

    @property
    def settled(self) -> bool:
        return self.status == "settled"

    def describe(self) -> str:
        if self.status == "settled":
            return "settled"
        span = (f"the forecast held at {self.low:.4g}" if self.low == self.high
                else f"the forecast between {self.low:.4g} and {self.high:.4g}")
        if self.status == "cycling":
            return f"actors cycle with period {self.period}; {span} over a cycle"
        return (f"actors still moving (up to {100 * self.last_move:.3g}% of the scale in the "
                f"last round); {span} over the last rounds")


def settlement(positions: np.ndarray, forecasts: np.ndarray, width: float, *,
               tol: float = 1e-6, window: int = 3, max_period: int = 4) -> Settlement:
    """Classify a run from its ``positions[T+1, A]`` (round 0 the input; NaN where an actor
    takes no part) and its forecast per round ``forecasts[T+1]`` on a scale ``width`` wide."""
    x = np.nan_to_num(np.asarray(positions, dtype=float), nan=0.0) / width
    f = np.asarray(forecasts, dtype=float)
    t = x.shape[0] - 1
    last_move = float(np.abs(x[-1] - x[-2]).max()) if t >= 1 else 0.0

    def repeats(p: int) -> bool:
        # positions[s] == positions[s - p] for every s of the last two periods
        if t < 2 * p:
            return False
        return bool(all(np.abs(x[s] - x[s - p]).max() <= tol for s in range(t - p + 1, t + 1)))

    w = min(window, t)
    if t >= 1 and all(np.abs(x[s] - x[s - 1]).max() <= tol for s in range(t - w + 1, t + 1)):
        return Settlement("settled", 1, float(f[-1]), float(f[-1]), last_move)
    for p in range(2, max_period + 1):
        if repeats(p):
            tail = f[-p:]
            return Settlement("cycling", p, float(tail.min()), float(tail.max()), last_move)
    tail = f[-(w + 1):]
    return Settlement("not settled", None, float(tail.min()), float(tail.max()), last_move)
