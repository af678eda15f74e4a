"""Figures: trajectories, actor maps, forecast distributions, tornados, what-ifs, timelines.

Every function takes plain data (a Scenario, a Result, a DataFrame) and returns a matplotlib
Figure; :func:`save` writes it with fixed metadata so the same input gives the same bytes.
Figures are made as ``Figure()`` objects (no pyplot, so no backend is chosen or changed)
and styled inside ``rc_context``: importing or using this module leaves the caller's
matplotlib settings as they were.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..errors import InputError
from ..models import Result
from ..scenario import Scenario

STYLE = {
    "svg.hashsalt": "realpolitik",  # stable ids inside SVG files
    "svg.fonttype": "path",  # no font files needed to view the SVG
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
}


def _styled(make):
    """Run a figure function with the house style, restoring the caller's settings."""

    @functools.wraps(make)
    def styled(*args, **kwargs):
        with matplotlib.rc_context(STYLE):
            return make(*args, **kwargs)

    return styled


def _figure(figsize: tuple[float, float], *args, **kwargs):
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.subplots(*args, **kwargs)


def _issue(scenario: Scenario, issue: str | None) -> int:
    return 0 if issue is None else scenario.issue_index(issue)


def _anchor_axis(ax, scenario: Scenario, i: int, axis: str = "y") -> None:
    issue = scenario.issues[i]
    lo, hi = issue.scale.min, issue.scale.max
    if axis == "y":
        ax.set_ylim(lo - 0.03 * (hi - lo), hi + 0.03 * (hi - lo))
    else:
        ax.set_xlim(lo - 0.03 * (hi - lo), hi + 0.03 * (hi - lo))
    if issue.anchors:
        values = [a.value for a in issue.anchors]
        labels = [f"{a.value:g}: {_short(a.label)}" for a in issue.anchors]
        (ax.set_yticks if axis == "y" else ax.set_xticks)(values, labels)
        if axis == "x":
            matplotlib.artist.setp(ax.get_xticklabels(), rotation=20, ha="right")


def _short(text: str, width: int = 38) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@_styled
def trajectory(result: Result, scenario: Scenario, issue: str | None = None) -> Figure:
    """Every actor's position per round on one issue, the forecast marked."""
    i = _issue(scenario, issue)
    fig, ax = _figure((8, 4.5))
    rounds = int(result.rounds[i])
    xs = np.arange(rounds + 1)
    for a, actor in enumerate(result.actors):
        ys = result.trajectory[: rounds + 1, a, i]
        if np.all(np.isnan(ys)):
            continue
        ax.plot(xs, ys, marker="o", markersize=3, linewidth=1.2, label=actor)
    forecast = float(result.forecast[i])
    if np.isfinite(forecast):
        ax.axhline(forecast, color="black", linestyle="--", linewidth=1)
        ax.annotate(f"forecast {forecast:.1f}", (rounds, forecast), textcoords="offset points",
                    xytext=(4, 4), fontsize=8)
    ax.set_xlabel("round")
    ax.set_title(f"{scenario.issues[i].name} — {result.model}")
    _anchor_axis(ax, scenario, i)
    ax.legend(fontsize=7, ncols=2, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return fig


@_styled
def actor_map(scenario: Scenario, issue: str | None = None) -> Figure:
    """Position against capability × salience: one bubble per actor with a stance."""
    i = _issue(scenario, issue)
    fig, ax = _figure((8, 4.5))
    x = scenario.position[:, i]
    weight = scenario.capability * scenario.salience[:, i]
    keep = ~np.isnan(x)
    size = 40 + 600 * weight[keep] / max(weight[keep].max(), 1e-12)
    ax.scatter(x[keep], weight[keep], s=size, alpha=0.5, edgecolors="black", linewidths=0.5)
    for a in np.flatnonzero(keep):
        ax.annotate(scenario.actor_ids[a], (x[a], weight[a]), fontsize=7,
                    textcoords="offset points", xytext=(0, 6), ha="center")
    ax.set_ylabel("capability × salience")
    ax.set_title(f"{scenario.issues[i].name}: who wants what, with how much weight")
    _anchor_axis(ax, scenario, i, axis="x")
    return fig


@_styled
def distribution(forecasts: np.ndarray, scenario: Scenario, issue: str | None = None,
                 model: str = "") -> Figure:
    """Histogram of Monte Carlo forecasts ``[N, I]`` on one issue, with 5/50/95 % lines."""
    i = _issue(scenario, issue)
    values = forecasts[:, i]
    values = values[np.isfinite(values)]
    if values.size == 0:
        raise InputError(f"no finite forecasts for issue '{scenario.issue_ids[i]}'")
    fig, ax = _figure((8, 3.5))
    issue_obj = scenario.issues[i]
    ax.hist(values, bins=40, range=(issue_obj.scale.min, issue_obj.scale.max), color="#5b8db8")
    for q, style, height in ((5, ":", 0.95), (50, "--", 0.83), (95, ":", 0.71)):
        v = float(np.percentile(values, q))
        ax.axvline(v, color="black", linestyle=style, linewidth=1)
        # staggered heights: the three labels stay apart on a narrow distribution
        ax.annotate(f"{q}%: {v:.1f}", (v, ax.get_ylim()[1] * height), fontsize=7,
                    textcoords="offset points", xytext=(3, 0))
    ax.set_ylabel("draws")
    ax.set_title(f"{issue_obj.name} — forecast distribution ({model}, {values.size:,} draws)")
    _anchor_axis(ax, scenario, i, axis="x")
    return fig


@_styled
def tornado(frame: pd.DataFrame, scenario: Scenario, issue: str | None = None,
            top: int = 10) -> Figure:
    """One-at-a-time sensitivity (``analysis.sensitivity.tornado`` output) on one issue."""
    i = _issue(scenario, issue)
    issue_id = scenario.issue_ids[i]
    rows = frame[frame["issue"] == issue_id].sort_values("swing", ascending=False,
                                                         kind="stable").head(top)
    if rows.empty:
        raise InputError(f"no sensitivity rows for issue '{issue_id}'")
    rows = rows.iloc[::-1]
    fig, ax = _figure((8, 0.35 * len(rows) + 1.5))
    labels = [f"{r.actor} {r.input}" + (
        f" on {r.input_issue}" if getattr(r, "input_issue", "") not in ("", issue_id) else "")
        for r in rows.itertuples()]
    base = float(rows["baseline"].iloc[0])
    for k, r in enumerate(rows.itertuples()):
        ax.barh(k, r.forecast_low - base, left=base, color="#c0504d")
        ax.barh(k, r.forecast_high - base, left=base, color="#4f81bd")
    ax.axvline(base, color="black", linewidth=1)
    ax.set_yticks(range(len(rows)), labels)
    ax.set_xlabel("forecast (red: input at its low end; blue: at its high end)")
    ax.set_title(f"{scenario.issues[i].name}: what moves the forecast")
    return fig


@_styled
def whatif(table: pd.DataFrame, overlay: str | None = None) -> Figure:
    """Baseline against what-if forecast per issue and model (``analysis.whatif.compare``)."""
    rows = table if overlay is None else table[table["overlay"] == overlay]
    if rows.empty:
        raise InputError(f"no what-if rows for '{overlay}'")
    models = list(dict.fromkeys(rows["model"]))
    issues = list(dict.fromkeys(rows["issue"]))
    fig, axes = _figure((3.2 * len(models) + 1.5, 3.8), 1, len(models), sharey=True,
                        squeeze=False)
    for ax, model in zip(axes[0], models, strict=True):
        sub = rows[rows["model"] == model].set_index("issue").reindex(issues)
        y = np.arange(len(issues))
        ax.scatter(sub["baseline"], y, marker="o", color="grey", label="baseline")
        ax.scatter(sub["whatif"], y, marker=">", color="#c0504d", label="what-if")
        if "claim" in sub and sub["claim"].notna().any():
            ax.scatter(sub["claim"], y, marker="*", s=80, color="#4f81bd", label="article")
        for k, (b, w) in enumerate(zip(sub["baseline"], sub["whatif"], strict=True)):
            ax.plot([b, w], [k, k], color="grey", linewidth=0.8)
        ax.set_title(model)
        ax.set_xlim(-3, 103)
    axes[0][0].set_yticks(range(len(issues)), issues)
    axes[0][-1].legend(fontsize=7, loc="lower right")
    fig.suptitle(overlay or "what-if")
    return fig


@_styled
def timeline(events: pd.DataFrame, since: str | None = None) -> Figure:
    """Dated events (a frame with ``date`` and ``event`` columns) on a time axis."""
    rows = events if since is None else events[events["date"] >= since]
    if rows.empty:
        raise InputError("no events to plot")
    years = [float(d[:4]) + (int(d[5:7]) - 1) / 12 if len(d) >= 7 else float(d[:4])
             for d in rows["date"]]
    fig, ax = _figure((9, 0.28 * len(rows) + 1.2))
    y = np.arange(len(rows))[::-1]
    ax.scatter(years, y, s=12, color="#4f81bd")
    for yy, year, text, date in zip(y, years, rows["event"], rows["date"], strict=True):
        ax.annotate(f"{date}  {_short(str(text), 70)}", (year, yy), fontsize=6.5,
                    textcoords="offset points", xytext=(5, -2))
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xlabel("year")
    span = max(years) - min(years)
    ax.set_xlim(min(years) - 0.02 * span - 0.5, max(years) + 0.6 * span + 1)
    ax.set_title("timeline")
    return fig


def save(fig: Figure, path: str | Path | None = None, fmt: str | None = None) -> bytes:
    """PNG or SVG bytes with fixed metadata (same figure → same bytes); written atomically
    to ``path`` when given."""
    fmt = (fmt or (Path(path).suffix.lstrip(".") if path else "svg")).lower()
    if fmt not in ("png", "svg"):
        raise InputError(f"unknown figure format '{fmt}'", field="path",
                         allowed="a .png or .svg file")
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    with matplotlib.rc_context(STYLE):  # svg.hashsalt and svg.fonttype act when saving
        fig.savefig(buffer, format=fmt, metadata=metadata, bbox_inches="tight")
    data = buffer.getvalue()
    if path is not None:
        from ..io import atomic_write

        atomic_write(path, data)
    return data


@_styled
def deal_slice(scenario: Scenario, x_issue: str | None = None, y_issue: str | None = None,
               levels: int = 161) -> Figure:
    """A 2-D slice of the package space: each judge's acceptance region (outline), the
    win-set (shaded), the status quo and the package; other package issues are held at
    the package (or the status quo, with no deal)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from ..analysis.deal import deal_slice as grid

    sl = grid(scenario, x_issue, y_issue, levels)
    x_issue, y_issue, summary, package = sl.x_issue, sl.y_issue, sl.summary, list(sl.held)
    sq = {i: float(scenario.issue(i).status_quo) for i in package}  # type: ignore[arg-type]
    centre = sl.held
    gx, gy = np.meshgrid(sl.xs, sl.ys)
    labels, judged, inside = sl.labels, sl.judged, sl.inside
    fig = Figure(figsize=(7, 5.5))
    ax = fig.subplots()
    ax.contourf(gx, gy, inside.reshape(gx.shape).astype(float), levels=[0.5, 1.5],
                colors=["#9ecae1"], alpha=0.8)
    colours = matplotlib.colormaps["tab10"]
    handles = []
    for j, label in enumerate(labels):
        mask = judged[j].reshape(gx.shape).astype(float)
        if mask.all():
            continue
        ax.contour(gx, gy, mask, levels=[0.5], colors=[colours(j % 10)], linewidths=1.2)
        handles.append(Line2D([], [], color=colours(j % 10), label=label))
    ax.plot(sq[x_issue], sq[y_issue] if y_issue else 0.5, "ks", label="status quo")
    if summary["package"]:
        ax.plot(summary["package"][x_issue],
                summary["package"][y_issue] if y_issue else 0.5, "r*", markersize=12,
                label="package")
    handles.append(Patch(color="#9ecae1", label="win-set"))
    ax.legend(handles=[*handles, *ax.lines], fontsize=7, loc="best")
    ax.set_xlabel(x_issue)
    ax.set_ylabel(y_issue or "")
    fixed = [f"{i} = {centre[i]:.0f}" for i in package if i not in (x_issue, y_issue)]
    ax.set_title(("deal" if summary["deal"] else "no deal") + ": acceptance regions"
                 + (f" (at {', '.join(fixed)})" if fixed else ""))
    return fig


def _scale(scenario: Scenario, issue: str | None) -> tuple[float, float]:
    if issue is None:
        return (0.0, 1.0)
    s = scenario.issue(issue).scale
    return (s.min, s.max)
