"""realpolitik: model and forecast multi-actor negotiations.

>>> import realpolitik as rp
>>> scenario = rp.load("russia-japan")
>>> result = rp.forecast(scenario, model="compromise")
>>> result.forecast_frame()
>>> rp.simulate(scenario, "smp", draws=1000, seed=1).summary()
>>> rp.whatif(scenario, "000")                  # an article's strategy against the models
>>> rp.backtest("russia-japan")                 # forecasts against what happened
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

# `realpolitik.models` is the subpackage (light to import); the model names are
# `model_names()`.
from . import models as models
from .errors import InputError

if TYPE_CHECKING:
    from numpy.random import Generator

    from .models import Result
    from .scenario import Batch, Scenario

__all__ = ["Batch", "InputError", "Result", "Scenario", "apply_whatif", "backtest", "deal",
           "forecast", "levers", "load", "model_names", "save", "sensitivity", "simulate",
           "timeline", "whatif"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Loaded on first use, so that `import realpolitik` (and the command line's start)
    # does not pay for pydantic and NumPy before a command needs them.
    if name in ("Batch", "Scenario"):
        from . import scenario

        return getattr(scenario, name)
    if name == "Result":
        from .models.base import Result

        return Result
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load(name_or_path: str | Path, *, fmt: str | None = None, **options: object) -> Scenario:
    """A built-in scenario by name, or a scenario file in any supported format.

    ``NAME@OVERLAY`` is a built-in scenario with one of its snapshots or what-ifs applied,
    by name or unique prefix: ``russia-japan@2026-02``, ``russia-japan@000``."""
    from . import io, scenarios

    text = str(name_or_path)
    if isinstance(name_or_path, str) and text in scenarios.names():
        return scenarios.load(text)
    base, at, overlay = text.partition("@")
    if isinstance(name_or_path, str) and at and base in scenarios.names() \
            and not Path(text).exists():
        from .analysis.whatif import apply, load_overlay

        return apply(scenarios.load(base), load_overlay(overlay, base))
    path = Path(name_or_path)
    if not path.exists() and isinstance(name_or_path, str) and "/" not in text \
            and "." not in text:
        raise InputError(f"no built-in scenario or file '{text}'", field="SCENARIO",
                         allowed=", ".join(scenarios.names()) + " (NAME@SNAPSHOT or "
                         "NAME@WHATIF for one of its overlays), or a path to a file")
    return io.read(path, fmt=fmt, **options)


def save(scenario: Scenario, path: str | Path, *, fmt: str | None = None) -> None:
    """Write a scenario (native YAML/JSON, or another format by suffix or ``fmt``)."""
    from . import io

    io.write(scenario, path, fmt=fmt)


def forecast(scenario: Scenario | str | Path, model: str = "compromise", *,
             seed: int | Generator | None = None, **params: object) -> Result:
    """Run one model on a scenario (a Scenario, a built-in name or a file path): the
    scenario's own model parameters, overridden by ``params``; ``seed`` an int, a numpy
    Generator or None (see ``models.evaluate``)."""
    from .models import evaluate

    return evaluate(model, _scenario(scenario), params=params, rng=seed)


def _scenario(scenario: Scenario | str | Path) -> Scenario:
    from .scenario import Scenario

    return scenario if isinstance(scenario, Scenario) else load(scenario)


def simulate(scenario: Scenario | str | Path, model: str = "compromise", draws: int = 1000,
             seed: int = 0, **options: Any) -> Any:
    """Monte Carlo over the scenario's uncertain inputs
    (:func:`realpolitik.analysis.montecarlo.simulate`; ``widen=``, ``params=``,
    ``workers=`` …). Returns a ``MonteCarloResult`` (``.summary()``, ``.forecasts``)."""
    from .analysis.montecarlo import simulate as run

    return run(_scenario(scenario), model, draws, seed, **options)


def sensitivity(scenario: Scenario | str | Path, model: str = "compromise", *,
                method: str = "tornado", **options: Any) -> Any:
    """Which inputs move each forecast: ``method="tornado"`` (one at a time, ``delta=``) or
    ``"sobol"``/``"morris"`` (SALib, ``samples=``, ``seed=``) — see docs/uncertainty.md."""
    from .analysis import sensitivity as sens

    if method == "tornado":
        return sens.tornado(_scenario(scenario), model, **options)
    if method in ("sobol", "morris"):
        return sens.global_indices(_scenario(scenario), model, method=method, **options)
    raise InputError(f"unknown sensitivity method '{method}'", field="method",
                     allowed="tornado, sobol, morris")


def apply_whatif(scenario: Scenario | str | Path, overlay: Any) -> Scenario:
    """The scenario with one what-if overlay applied (a built-in name or prefix such as
    ``"000"``, an overlay file, or a parsed ``Overlay``)."""
    from .analysis import whatif as w

    sc = _scenario(scenario)
    return w.apply(sc, _overlay(overlay, sc))


def whatif(scenario: Scenario | str | Path, overlays: Any,
           models: Sequence[str] | None = None, **options: Any) -> Any:
    """Per overlay, model and issue: baseline and what-if forecasts, their difference and
    the article's claim (:func:`realpolitik.analysis.whatif.compare`; ``seed=``,
    ``draws=``, ``params=``). ``overlays``: one or a list of names, files or Overlays."""
    from .analysis import whatif as w

    sc = _scenario(scenario)
    items = overlays if isinstance(overlays, (list, tuple)) else [overlays]
    return w.compare(sc, [_overlay(o, sc) for o in items], models, **options)


def _overlay(spec: Any, scenario: Scenario) -> Any:
    from .analysis import whatif as w
    from .scenarios import names

    if isinstance(spec, w.Overlay):
        return spec
    builtin = scenario.name if scenario.name in names() else "russia-japan"
    return w.load_overlay(spec, builtin)


def backtest(target: str | Path = "russia-japan", models: Sequence[str] | None = None,
             **options: Any) -> Any:
    """``"russia-japan"``: forecasts from the 2016/2018/2019 snapshots against what happened
    (a tidy DataFrame; ``analysis.backtest.summarise`` gives the MAE table). A path to the
    DEU file: the DEU backtest (the dict ``realpolitik backtest deu --format json`` prints;
    ``weights=``, ``institutions=``)."""
    from .analysis import backtest as bt

    if str(target) == "russia-japan":
        return bt.russia_japan_backtest(models, **options)
    return bt.deu_backtest(target, models, **options)


def deal(scenario: Scenario | str | Path, draws: int | None = None, seed: int = 0, *,
         widen: float = 0.0, **params: object) -> Any:
    """Whether a deal is struck (the scenario's ``agreement`` section): the package, the
    win-set, the blockers and, with ``draws``, P(deal) over the scenario's uncertainty (a
    ``DealResult``; ``.to_dict()`` is the ``realpolitik deal -f json`` layout). ``params``:
    the agreement model's parameters."""
    from .analysis.deal import analyse

    return analyse(_scenario(scenario), draws, seed, widen=widen, params=params or None)


def levers(scenario: Scenario | str | Path, draws: int | None = None, seed: int = 0, *,
           widen: float = 0.0, **params: object) -> Any:
    """The smallest changes that open a deal (or, where there is one, break it), singles by
    size then the best pairs; with ``draws``, ranked by their effect on P(deal). A DataFrame
    of the ``realpolitik levers -f json`` rows."""
    import pandas as pd

    from .analysis.levers import find_levers, rank_by_draws

    sc = _scenario(scenario)
    rows = find_levers(sc, params or None)
    if draws is not None:
        rows = rank_by_draws(sc, rows, draws, seed, widen=widen, params=params or None)
    columns = ["actor", "issue", "change", "from", "to", "size", "effect"]
    records = [{k: v for k, v in r.to_dict().items() if k != "parts"} for r in rows]
    return pd.DataFrame(records, columns=columns + (["p_deal_gain"] if draws else []))


def timeline(scenario: str = "russia-japan") -> Any:
    """The dated, cited record of events of a built-in scenario."""
    from .analysis.timeline import load_timeline

    return load_timeline(scenario)


def model_names() -> list[str]:
    """Names of every registered model."""
    from .models import names

    return names()


def _notebook_view(name: str) -> Callable[[Any], str]:
    def view(obj: Any) -> str:
        from .report import notebook

        return getattr(notebook, name)(obj)

    return view


def _register_notebook_views() -> None:
    """Let Jupyter show a Scenario or a Result as HTML (``report/notebook.py``): registered
    here, at the top, so the core never imports the report layer. Nothing happens outside
    IPython, and IPython itself is never imported."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return
    html = shell.display_formatter.formatters["text/html"]
    html.for_type_by_name("realpolitik.scenario", "Scenario", _notebook_view("scenario_html"))
    html.for_type_by_name("realpolitik.models.base", "Result", _notebook_view("result_html"))


_register_notebook_views()
