"""Chart layout: on every figure the project draws, no two pieces of text overlap, no text
leaves the figure, no label sits on a legend or on the bars it labels, and no anchor label
is cut short with "…".

Each figure is drawn with the Agg renderer; every text artist that is actually drawn is
recorded (ticks outside the view and empty strings are never drawn, so they do not count)
and its window extent measured after the draw.
"""

from __future__ import annotations

import itertools
from unittest import mock

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.transforms import Bbox

import realpolitik as rp
from realpolitik.analysis.sensitivity import tornado
from realpolitik.analysis.timeline import load_timeline
from realpolitik.analysis.whatif import compare, load_overlay
from realpolitik.models import evaluate
from realpolitik.report import plots
from realpolitik.templates import example_files, template

TOLERANCE = 1.0  # pixels: boxes that touch are not a collision


def drawn_texts(fig) -> tuple[list[tuple[Text, Bbox]], list[Bbox], object]:
    """Draw ``fig`` with Agg; (text, window box) for every text drawn, the legends' boxes,
    and the renderer."""
    canvas = FigureCanvasAgg(fig)
    seen: dict[int, Text] = {}
    original = Text.draw

    def record(self, renderer):
        original(self, renderer)
        if self.get_visible() and self.get_text().strip():
            seen[id(self)] = self

    with mock.patch.object(Text, "draw", record):
        canvas.draw()
    renderer = canvas.get_renderer()
    # the text's own box (an annotation's extent also spans its leader line)
    texts = [(t, Text.get_window_extent(t, renderer)) for t in seen.values()]
    legends = [a.get_window_extent(renderer) for a in fig.findobj(Legend)]
    return texts, legends, renderer


def _overlap(a: Bbox, b: Bbox) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > TOLERANCE
            and min(a.y1, b.y1) - max(a.y0, b.y0) > TOLERANCE)


def _legend_texts(fig) -> set[int]:
    return {id(t) for legend in fig.findobj(Legend)
            for t in (*legend.get_texts(), legend.get_title())}


def layout_problems(fig) -> list[str]:
    """Every collision or clipped text on ``fig``, one line each (empty: a clean layout)."""
    texts, legends, _ = drawn_texts(fig)
    assert texts, "nothing was drawn"
    problems = []
    frame = fig.bbox
    for t, box in texts:
        if (box.x0 < frame.x0 - TOLERANCE or box.y0 < frame.y0 - TOLERANCE
                or box.x1 > frame.x1 + TOLERANCE or box.y1 > frame.y1 + TOLERANCE):
            problems.append(f"{t.get_text()!r} leaves the figure: {box.bounds} vs "
                            f"{frame.bounds}")
    for (t, a), (u, b) in itertools.combinations(texts, 2):
        if _overlap(a, b):
            problems.append(f"{t.get_text()!r} overlaps {u.get_text()!r}")
    own = _legend_texts(fig)
    for t, box in texts:
        if id(t) in own:
            continue
        for legend in legends:
            if _overlap(box, legend):
                problems.append(f"{t.get_text()!r} sits under a legend")
    return problems


def assert_clean(fig) -> None:
    problems = layout_problems(fig)
    assert not problems, "\n".join(problems)


def anchor_labels(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes
            for t in (*ax.get_xticklabels(), *ax.get_yticklabels())]


@pytest.fixture(scope="module")
def rj() -> rp.Scenario:
    return rp.load("russia-japan")


@pytest.fixture(scope="module")
def ktab(tmp_path_factory) -> rp.Scenario:
    folder = tmp_path_factory.mktemp("examples")
    path = folder / "ktab.csv"
    content = example_files()["ktab.csv"]
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return rp.load(path)


@pytest.fixture(scope="module")
def rj_results(rj) -> dict[str, rp.Result]:
    return {m: evaluate(m, rj, rng=0) for m in ("bdm", "exchange")}


# --- the checker itself must be able to fail --------------------------------------------

def test_the_checker_sees_overlaps_clipping_and_legends() -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 3))
    ax = fig.subplots()
    ax.text(0.5, 0.5, "jp-hardliners")
    ax.text(0.5, 0.5, "jp-mofa")
    ax.text(1.3, 0.5, "far out", transform=ax.transAxes)
    ax.plot([0, 1], [0, 1], label="a line")
    ax.legend(loc="center")
    problems = layout_problems(fig)
    assert any("'jp-hardliners' overlaps 'jp-mofa'" in p for p in problems)
    assert any("'far out' leaves the figure" in p for p in problems)
    assert any("sits under a legend" in p for p in problems)
    clean = Figure(figsize=(4, 3), layout="constrained")
    clean.subplots().set_title("alone")
    assert layout_problems(clean) == []


# --- every chart ---------------------------------------------------------------------------

@pytest.mark.parametrize("issue", [None, "territory", "sanctions", "treaty", "alliance",
                                   "economy", "joint-activity", "militarisation",
                                   "sequencing"])
def test_actor_map(rj, issue) -> None:
    fig = plots.actor_map(rj, issue)
    assert_clean(fig)
    labels = anchor_labels(fig)
    assert labels and not any("…" in s for s in labels)
    i = rj.issue_index(issue) if issue else 0
    # every actor with a stance is named somewhere on the map
    named = " ".join(t.get_text() for t in fig.axes[0].texts)
    for a in np.flatnonzero(~np.isnan(rj.position[:, i])):
        assert rj.actor_ids[a] in named


@pytest.mark.parametrize("issue", ["territory", "sanctions", "treaty", "alliance",
                                   "militarisation"])
@pytest.mark.parametrize("model", ["bdm", "exchange"])
def test_trajectory(rj, rj_results, model, issue) -> None:
    fig = plots.trajectory(rj_results[model], rj, issue)
    assert_clean(fig)
    assert not any("…" in s for s in anchor_labels(fig))
    assert any(t.get_text().startswith("forecast") for t in fig.axes[0].texts)
    # every line is named: at its end in the margin (a line hidden under another too)
    named = {t.get_text() for t in fig.axes[0].texts}
    i = rj.issue_index(issue)
    for a in np.flatnonzero(~np.isnan(rj.position[:, i])):
        assert rj.actor_ids[a] in named


@pytest.mark.parametrize("issue", ["territory", "treaty", "alliance"])
@pytest.mark.parametrize("spread", ["narrow", "wide"])
def test_distribution(rj, issue, spread) -> None:
    rng = np.random.default_rng(3)
    if spread == "narrow":  # three percentiles within a few units: labels must step apart
        forecasts = rng.normal(40, 0.6, (800, len(rj.issues)))
    else:
        forecasts = rng.uniform(0, 100, (800, len(rj.issues)))
    fig = plots.distribution(forecasts, rj, issue, "bdm")
    assert_clean(fig)
    assert not any("…" in s for s in anchor_labels(fig))
    _, _, renderer = drawn_texts(fig)
    ax = fig.axes[0]
    labels = [t for t in ax.texts if "%" in t.get_text()]
    assert len(labels) == 3
    bars = [p.get_window_extent(renderer) for p in ax.patches if p.get_height() > 0]
    for label in labels:
        box = Text.get_window_extent(label, renderer)
        hit = [b for b in bars if _overlap(box, b)]
        assert not hit, f"{label.get_text()!r} covers the histogram"


def test_tornado(rj) -> None:
    assert_clean(plots.tornado(tornado(rj, "compromise"), rj, "territory"))


@pytest.mark.parametrize(("models", "n_columns"), [
    (None, 4), (["compromise", "median"], 2),
    (["compromise", "median", "mean", "status-quo", "bdm"], 3)])
def test_whatif_is_a_grid_and_clean(rj, models, n_columns) -> None:
    overlay = load_overlay("000", rj.name)
    table = compare(rj, overlay, models, seed=0)
    fig = plots.whatif(table, overlay.name)
    assert_clean(fig)
    width, height = fig.get_size_inches()
    assert width / height < 2.5, f"a {width:.1f} × {height:.1f} in strip"
    columns = {round(ax.get_position().x0, 3) for ax in fig.axes}
    assert len(columns) == n_columns
    legend = [t.get_text() for ax in fig.axes if ax.get_legend()
              for t in ax.get_legend().get_texts()]
    legend += [t.get_text() for lg in fig.legends for t in lg.get_texts()]
    assert legend[:2] == ["baseline", "what-if"]
    # every panel names its issues where the reader looks for them: the first column
    issues = set(table["issue"])
    for ax in fig.axes:
        if ax.get_subplotspec().is_first_col():
            assert {t.get_text() for t in ax.get_yticklabels()} == issues


@pytest.mark.parametrize("since", [None, "2016"])
def test_timeline(rj, since) -> None:
    frame = load_timeline(rj.name).to_frame()
    fig = plots.timeline(frame, since=since)
    assert_clean(fig)
    shown = " ".join(" ".join(t.get_text().split()) for t in fig.axes[0].texts)
    assert "…" not in shown
    for event in frame["event"] if since is None else frame[frame["date"] >= since]["event"]:
        assert " ".join(event.split()) in shown  # whole, wrapped but never cut


def test_distribution_of_a_real_simulation(rj) -> None:
    from realpolitik.analysis.montecarlo import simulate

    mc = simulate(rj, "compromise", 300, 0, widen=0.1)
    for issue in rj.issue_ids:
        assert_clean(plots.distribution(mc.forecasts, rj, issue, mc.model))


def test_deal_slice(rj) -> None:
    for x, y in (("territory", "treaty"), ("territory", "alliance"), ("alliance", None)):
        assert_clean(plots.deal_slice(rj, x, y))


def test_ktab_example(ktab) -> None:
    for issue in ktab.issue_ids:
        assert_clean(plots.actor_map(ktab, issue))
        assert_clean(plots.trajectory(evaluate("bdm", ktab, rng=0), ktab, issue))
    assert_clean(plots.tornado(tornado(ktab, "compromise"), ktab))
    forecasts = np.random.default_rng(1).uniform(20, 80, (400, len(ktab.issues)))
    assert_clean(plots.distribution(forecasts, ktab, None, "bdm"))


@pytest.mark.parametrize("n_actors", [17, 30])
def test_crowded_template(n_actors) -> None:
    """Many actors of equal weight side by side: the map's labels must step apart, and the
    trajectory names them in a legend once they are too many for the margin."""
    sc = template("crowded", n_actors, 2)
    fig = plots.actor_map(sc)
    assert_clean(fig)
    assert len(fig.axes[0].texts) == n_actors
    fig = plots.trajectory(evaluate("bdm", sc, rng=0), sc)
    assert_clean(fig)
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == list(sc.actor_ids)


def test_notebook_size(rj, rj_results, ktab) -> None:
    """The small figures of a notebook cell are laid out at their own size."""
    from realpolitik.report.notebook import SMALL

    for sc, result in ((rj, rj_results["bdm"]), (ktab, evaluate("bdm", ktab, rng=0))):
        issue = sc.issue_ids[0]
        assert_clean(plots.actor_map(sc, issue, size=SMALL))
        assert_clean(plots.trajectory(result, sc, issue, size=SMALL))
