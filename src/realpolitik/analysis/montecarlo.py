"""Monte Carlo: draw many scenarios from the declared uncertainty and run a model on all.

Draws come in fixed blocks of :data:`BLOCK` draws. Block *k* samples its scenarios and runs
the model with its own generator, ``SeedSequence(seed).spawn(...)[k]``, so the numbers depend
only on the seed and the number of draws: not on the chunk size (how many blocks one task
holds), the number of local worker processes, or a Dask cluster. Each block is one call of
the model's batch kernel over ``[B, A, I]`` arrays; nothing loops over single draws.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError

if TYPE_CHECKING:  # pandas loads where a table is built
    import pandas as pd
from ..models import evaluate, get
from ..scenario import Scenario
from .uncertainty import sample, uncertain_inputs

BLOCK = 1024
QUANTILES = (5, 25, 75, 95)


@dataclass(frozen=True)
class MonteCarloResult:
    scenario: Scenario
    model: str
    params: dict[str, Any]
    seed: int
    draws_requested: int
    forecasts: np.ndarray  # [N, I], N = completed draws
    widen: float = 0.0
    uncertain: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def draws(self) -> int:
        return int(self.forecasts.shape[0])

    @property
    def partial(self) -> bool:
        return self.draws < self.draws_requested

    def summary(self) -> pd.DataFrame:
        """One row per issue: n, mean, median, sd, mcse and the 5/25/75/95 % quantiles."""
        import pandas as pd

        rows = [{"issue": e["id"], "n": e["n"], "mean": e["mean"], "median": e["median"],
                 "sd": e["sd"], "mcse": e["mcse"],
                 **{f"q{q}": v for q, v in e["quantiles"].items()}}
                for e in self.records()]
        return pd.DataFrame(rows).astype({c: float for c in ("mean", "median", "sd", "mcse")})

    def records(self) -> list[dict[str, Any]]:
        """The summary as plain data per issue, with the share of draws at or above each
        anchor (the JSON output's ``issues``)."""
        out = []
        for i, issue in enumerate(self.scenario.issues):
            values = self.forecasts[:, i]
            ok = values[np.isfinite(values)]
            entry: dict[str, Any] = {"id": issue.id, "n": int(ok.size)}
            if ok.size == 0:
                entry.update(mean=None, median=None, sd=None, mcse=None,
                             quantiles={str(q): None for q in QUANTILES}, anchors=[])
                out.append(entry)
                continue
            sd = float(ok.std(ddof=1)) if ok.size > 1 else 0.0
            entry.update(
                mean=float(ok.mean()),
                median=float(np.median(ok)),
                sd=sd,
                mcse=sd / math.sqrt(ok.size),
                quantiles={str(q): float(np.percentile(ok, q)) for q in QUANTILES},
                anchors=[
                    {"value": a.value, "label": a.label,
                     "p_at_or_above": float(np.mean(ok >= a.value - 1e-9))}
                    for a in issue.anchors
                ],
            )
            out.append(entry)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.name,
            "model": self.model,
            "params": self.params,
            "draws": self.draws,
            "draws_requested": self.draws_requested,
            "seed": self.seed,
            "partial": self.partial,
            "widen": self.widen,
            "uncertain_inputs": self.uncertain,
            "issues": self.records(),
        }


def _blocks(draws: int) -> list[tuple[int, int]]:
    """(block index, draws in it) for every block."""
    full, rest = divmod(draws, BLOCK)
    return [(k, BLOCK) for k in range(full)] + ([(full, rest)] if rest else [])


def run_blocks(scenario: Scenario, model: str, params: dict[str, Any], seed: int,
               widen: float, blocks: list[tuple[int, int]], n_blocks: int) -> np.ndarray:
    """Forecasts ``[sum of sizes, I]`` for the given blocks (the unit of work of a task)."""
    inputs = uncertain_inputs(scenario, widen)
    children = np.random.SeedSequence(seed).spawn(n_blocks)
    out = []
    for k, size in blocks:
        sample_rng, model_rng = (np.random.default_rng(s) for s in children[k].spawn(2))
        batch = sample(scenario, size, sample_rng, inputs)
        out.append(evaluate(model, batch, params=params, rng=model_rng))
    return np.concatenate(out, axis=0) if out else np.empty((0, len(scenario.issues)))


Progress = Callable[[int, int], None]


def available_memory() -> int:
    """Bytes of memory available to this process now (physical memory not in use)."""
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except (ImportError, OSError):  # pragma: no cover - psutil comes with distributed
        try:
            return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            return 1 << 40  # unknown: do not refuse on a guess


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB"):
        if n < 1000 or unit == "PB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} PB"  # pragma: no cover


def memory_needed(scenario: Scenario, draws: int, chunk_size: int = 4 * BLOCK,
                  workers: int = 1) -> tuple[int, int]:
    """(bytes that ``draws`` draws need at the peak, bytes per further draw): the forecasts
    ``[N, I]`` twice (the parts and their concatenation) and a column's copies in the
    summary, plus the batch arrays of the tasks running at once."""
    n_a, n_i = len(scenario.actors), len(scenario.issues)
    per_draw = 16 * n_i + 16
    task_draws = max(1, math.ceil(chunk_size / BLOCK)) * BLOCK
    running = max(1, min(workers, math.ceil(draws / task_draws)))
    per_task = task_draws * (8 * (3 * n_a * n_i + n_a) * 4 + 8 * n_i)
    return draws * per_draw + running * per_task, per_draw


def check_memory(scenario: Scenario, draws: int, chunk_size: int = 4 * BLOCK,
                 workers: int = 1) -> None:
    """Refuse, before anything is allocated, a run that cannot fit in memory."""
    need, per_draw = memory_needed(scenario, draws, chunk_size, workers)
    budget = int(0.8 * available_memory())
    if need <= budget:
        return
    fixed = need - draws * per_draw
    most = max(0, (budget - fixed) // per_draw)
    if fixed > budget:
        raise InputError(
            f"a task of {chunk_size:,} draws on {workers} worker(s) needs about "
            f"{_size(fixed)} of memory; {_size(budget / 0.8)} is available",
            field="chunk_size", allowed="a smaller chunk_size or fewer workers")
    raise InputError(
        f"{draws:,} draws need about {_size(need)} of memory; {_size(budget / 0.8)} is "
        "available", field="draws",
        allowed=f"at most {most:,} draws of this scenario on this machine now")


def check_draws(scenario: Scenario, draws: int, chunk_size: int = 4 * BLOCK,
                workers: int = 1) -> None:
    """Refuse a Monte Carlo size, chunk or worker count that is invalid or cannot fit."""
    if draws < 1:
        raise InputError(f"draws {draws} is too small", field="draws", allowed="1 or more")
    if workers < 1:
        raise InputError(f"workers {workers} is too small", field="workers",
                         allowed="1 or more")
    most_workers = 4 * (os.cpu_count() or 1)
    if workers > most_workers:
        raise InputError(f"workers {workers:,} is more than this machine can run",
                         field="workers",
                         allowed=f"1 to {most_workers} (4 per CPU core)")
    check_memory(scenario, draws, chunk_size, workers)


def simulate(scenario: Scenario, model: str = "compromise", draws: int = 1000,
             seed: int = 0, *, params: dict[str, Any] | None = None, widen: float = 0.0,
             chunk_size: int = 4 * BLOCK, workers: int = 1, scheduler: str | None = None,
             progress: Progress | None = None) -> MonteCarloResult:
    """Run ``model`` on ``draws`` scenarios drawn from ``scenario``'s uncertainty.

    ``chunk_size`` draws (rounded up to whole blocks) make one task; ``workers`` > 1 runs
    tasks in local processes; ``scheduler`` sends them to a Dask distributed cluster (an
    address, or a ``distributed.Client``). ``progress(done, total)`` is called after each
    task. Ctrl-C (KeyboardInterrupt) stops between tasks and returns the completed draws,
    marked partial.
    """
    check_draws(scenario, draws, chunk_size, workers)
    spec = get(model)
    p = spec.params_for(scenario, params).model_dump()
    inputs = uncertain_inputs(scenario, widen)
    notes = []
    if not inputs:
        notes.append("the scenario declares no uncertainty and widen is 0: every draw is "
                     "the same scenario")
    blocks = _blocks(draws)
    per_task = max(1, math.ceil(chunk_size / BLOCK))
    tasks = [blocks[k:k + per_task] for k in range(0, len(blocks), per_task)]
    n_blocks = len(blocks)
    results: list[np.ndarray | None] = [None] * len(tasks)
    done = 0
    start = time.perf_counter()

    def finished(k: int, value: np.ndarray) -> None:
        nonlocal done
        results[k] = value
        done += sum(size for _, size in tasks[k])
        if progress is not None:
            progress(done, draws)

    args = (scenario, model, p, seed, widen)
    try:
        if scheduler is not None:
            _run_dask(scheduler, args, tasks, n_blocks, finished)
        elif workers > 1 and len(tasks) > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = [pool.submit(run_blocks, *args, t, n_blocks) for t in tasks]
                try:
                    for k, fut in enumerate(futures):
                        finished(k, fut.result())
                except KeyboardInterrupt:
                    for fut in futures:
                        fut.cancel()
                    raise
        else:
            for k, t in enumerate(tasks):
                finished(k, run_blocks(*args, t, n_blocks))
    except KeyboardInterrupt:
        notes.append("interrupted: the result holds the draws completed before Ctrl-C")
    # keep only the completed prefix so a partial result is the first N draws of the full run
    completed = []
    for value in results:
        if value is None:
            break
        completed.append(value)
    forecasts = (np.concatenate(completed, axis=0) if completed
                 else np.empty((0, len(scenario.issues))))
    return MonteCarloResult(
        scenario=scenario, model=model, params=p, seed=seed, draws_requested=draws,
        forecasts=forecasts, widen=widen, uncertain=len(inputs),
        seconds=time.perf_counter() - start, notes=notes,
    )


def _run_dask(scheduler: Any, args: tuple, tasks: list, n_blocks: int,
              finished: Callable[[int, np.ndarray], None]) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError:  # pragma: no cover - dask is a dependency
        raise InputError("Dask distributed is not installed", field="scheduler",
                         allowed="pip install 'dask[distributed]'") from None
    own = not isinstance(scheduler, Client)
    try:
        client = Client(scheduler, timeout=10) if own else scheduler
    except OSError as exc:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}",
                         field="scheduler", allowed="the address of a running scheduler, "
                         "e.g. tcp://127.0.0.1:8786") from None
    try:
        futures = [client.submit(run_blocks, *args, t, n_blocks, pure=False) for t in tasks]
        index = {f.key: k for k, f in enumerate(futures)}
        for fut in as_completed(futures):
            finished(index[fut.key], fut.result())
    finally:
        if own:
            client.close()
