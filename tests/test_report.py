"""Plots and the self-contained HTML report."""

from __future__ import annotations

import re

import numpy as np
import pytest

import realpolitik as rp
from realpolitik.analysis.sensitivity import tornado
from realpolitik.analysis.timeline import load_timeline
from realpolitik.analysis.whatif import compare, load_overlay
from realpolitik.cli import main
from realpolitik.report import plots
from realpolitik.report.html import build


@pytest.fixture(scope="module")
def rj() -> rp.Scenario:
    return rp.load("russia-japan")


def test_trajectory_has_a_line_per_actor_and_the_forecast(rj) -> None:
    result = rp.forecast(rj, model="bdm", rounds=4)
    fig = plots.trajectory(result, rj, "territory")
    ax = fig.axes[0]
    actors_with_stance = int((~np.isnan(rj.position[:, rj.issue_index("territory")])).sum())
    lines = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == 5]
    assert len(lines) == actors_with_stance
    assert any("forecast" in t.get_text() for t in ax.texts)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert any(label.startswith("50: Habomai") for label in labels)


def test_actor_map_distribution_tornado_whatif_timeline(rj) -> None:
    fig = plots.actor_map(rj, "sanctions")
    assert len(fig.axes[0].collections[0].get_offsets()) == sum(
        1 for st in rj.stances if st.issue == "sanctions")
    forecasts = np.random.default_rng(0).uniform(20, 60, (500, len(rj.issues)))
    fig = plots.distribution(forecasts, rj, "treaty", "compromise")
    assert sum(p.get_height() for p in fig.axes[0].patches) == 500
    fig = plots.tornado(tornado(rj, "compromise"), rj, "territory", top=5)
    assert len(fig.axes[0].get_yticklabels()) == 5
    table = compare(rj, load_overlay("000"), ["compromise", "median"])
    fig = plots.whatif(table)
    assert [ax.get_title() for ax in fig.axes] == ["compromise", "median"]
    fig = plots.timeline(load_timeline("russia-japan").to_frame(), since="2016")
    assert any("2022-03-21" in t.get_text() for t in fig.axes[0].texts)


def test_figures_are_deterministic(rj, tmp_path) -> None:
    for suffix in ("svg", "png"):
        a = plots.save(plots.actor_map(rj, "alliance"), tmp_path / f"a.{suffix}")
        b = plots.save(plots.actor_map(rj, "alliance"), tmp_path / f"b.{suffix}")
        assert a == b and (tmp_path / f"a.{suffix}").read_bytes() == a
    with pytest.raises(rp.InputError, match=r"png or \.svg"):
        plots.save(plots.actor_map(rj), tmp_path / "x.pdf")


def test_report_is_self_contained_complete_and_deterministic(rj) -> None:
    html = build(rj, models=["compromise", "bdm"], whatifs=["000", "003"], draws=300, seed=2)
    assert html == build(rj, models=["compromise", "bdm"], whatifs=["000", "003"], draws=300,
                         seed=2)
    lowered = html.lower()
    for banned in ("<script", "<link", "@import", "src=\"http", "url(http", "<iframe",
                   "<img src=\"http"):
        assert banned not in lowered
    assert not re.search(r"url\((?!#)", html)  # only in-document references
    for actor in rj.actors:
        assert f"<td>{actor.id}</td>" in html
    for issue in rj.issues:
        assert f"<code>{issue.id}</code>" in html
    from html import escape

    for st in rj.stances:
        for ev in st.evidence:
            assert escape(ev.quote) in html
    assert "The article (000) argues" in html and "Timeline" in html
    assert "@media print" in html and 'name="viewport"' in html
    assert "P(≥ 50)" in html


def test_report_cli_writes_atomically(tmp_path, capsys, monkeypatch) -> None:
    import os

    out = tmp_path / "r.html"
    out.write_text("the old report")
    # a failure while the new file is put in place leaves the old one whole, and no
    # temporary file behind
    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    assert main(["report", "-m", "compromise", "-o", str(out)]) == 2  # one line, no traceback
    assert "cannot write" in capsys.readouterr().err
    assert out.read_text() == "the old report" and sorted(tmp_path.iterdir()) == [out]
    monkeypatch.undo()
    # a bad request fails before anything is written
    assert main(["report", "-m", "compromise", "--whatif", "no-such", "-o", str(out)]) == 2
    assert out.read_text() == "the old report"
    capsys.readouterr()
    assert main(["report", "-m", "compromise", "-o", str(out)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert sorted(tmp_path.iterdir()) == [out]
    assert main(["plot", "actors", "-o", str(tmp_path / "a.png"), "--issue", "treaty"]) == 0
    assert (tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
    assert main(["plot", "actors", "-o", str(tmp_path / "a.pdf")]) == 2
    assert main(["plot", "whatif", "-o", str(tmp_path / "w.svg")]) == 2
    err = capsys.readouterr().err
    assert "png or .svg" in err and "--whatif" in err


def test_notebook_views(rj) -> None:
    from realpolitik.report.notebook import result_html, scenario_html

    html = scenario_html(rj)
    assert "<table>" in html and "Habomai and Shikotan" in html and "<svg" in html
    result = rp.forecast(rj, model="bdm", rounds=3)
    html = result_html(result)
    assert "territory" in html and "nearest anchor" in html and "<svg" in html
    # a closed-form result has no trajectory plot; a user scenario works like a built-in one
    from .conftest import FIXTURES

    plain = result_html(rp.forecast(rp.load(FIXTURES / "tiny.yaml"), model="median"))
    assert "land" in plain and "<svg" not in plain


def test_notebook_views_use_the_scenario_run_not_one_reloaded_by_name(rj) -> None:
    """A user's scenario that shares a built-in name shows its own issues and anchors."""
    from realpolitik.report.notebook import result_html

    from .conftest import FIXTURES

    own = rp.load(FIXTURES / "tiny.yaml").replace(name="russia-japan")
    html = result_html(rp.forecast(own, model="median"))
    assert "land" in html and "territory" not in html


def test_jupyter_shows_results_through_the_formatter_registered_at_the_top(rj) -> None:
    shell_mod = pytest.importorskip("IPython.core.interactiveshell")
    shell = shell_mod.InteractiveShell.instance()
    try:
        rp._register_notebook_views()
        data, _ = shell.display_formatter.format(rp.forecast(rj, model="median"))
        assert "nearest anchor" in data["text/html"]
        data, _ = shell.display_formatter.format(rj)
        assert "Habomai and Shikotan" in data["text/html"]
    finally:
        shell_mod.InteractiveShell.clear_instance()


def test_the_core_has_no_html_of_its_own() -> None:
    assert not hasattr(rp.Scenario, "_repr_html_") and not hasattr(rp.Result, "_repr_html_")



def test_plots_leave_the_callers_matplotlib_settings_alone(rj) -> None:
    import subprocess
    import sys

    import matplotlib

    before = dict(matplotlib.rcParams)
    fig = plots.trajectory(rp.forecast(rj, model="bdm", rounds=2), rj, "territory")
    assert fig.axes[0].xaxis.label.get_fontsize() == 9  # the house style, on the figure
    plots.save(fig, fmt="svg")
    assert dict(matplotlib.rcParams) == before
    # importing the module chooses no backend and changes no setting
    code = ("import matplotlib; b = matplotlib.get_backend(); f = matplotlib.rcParams['font.size'];"
            "import realpolitik.report.plots; import realpolitik.report.html;"
            "assert matplotlib.get_backend() == b, matplotlib.get_backend();"
            "assert matplotlib.rcParams['font.size'] == f; print('ok')")
    env = {k: v for k, v in __import__("os").environ.items() if k != "MPLBACKEND"}
    env["MPLBACKEND"] = "svg"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True)
    assert out.stdout.strip() == "ok"
