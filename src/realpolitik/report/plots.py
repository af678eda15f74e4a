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
import itertools
import textwrap
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

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
    """Scale limits and the issue's anchors as ticks, each label wrapped (never cut) to
    the room between its neighbours; :func:`_fit_ticks` narrows them if they still touch."""
    issue = scenario.issues[i]
    lo, hi = issue.scale.min, issue.scale.max
    pad = 0.03 * (hi - lo)
    (ax.set_ylim if axis == "y" else ax.set_xlim)(lo - pad, hi + pad)
    if not issue.anchors:
        return
    values = [a.value for a in issue.anchors]
    labels = [f"{a.value:g}: {a.label}" for a in issue.anchors]
    gap = min(np.diff(sorted(values)), default=hi - lo) / (hi - lo + 2 * pad)
    if axis == "y":
        # as many lines as fit between two ticks (at most three: a tall block reads
        # badly), then as few characters per line as that allows, within 18–30
        height_pt = gap * 0.7 * ax.get_figure().get_figheight() * 72
        lines = min(3, max(1, int(height_pt // (1.25 * _TICK_PT))))
        width = min(30, max(18, *(-(-len(t) // lines) for t in labels)))
    else:
        width_pt = gap * 0.85 * ax.get_figure().get_figwidth() * 72
        width = max(8, int(width_pt // (0.56 * _TICK_PT)) - 1)
    ax._rp_anchors = (axis, values, labels)  # re-wrapped by _fit_ticks after a draw
    _set_anchor_ticks(ax, width)


_TICK_PT = 9.0  # tick label size under STYLE (font.size 9, "medium")


def _set_anchor_ticks(ax, width: int) -> None:
    axis, values, labels = ax._rp_anchors
    wrapped = [textwrap.fill(t, width, break_on_hyphens=False) for t in labels]
    (ax.set_yticks if axis == "y" else ax.set_xticks)(values, wrapped)
    ax._rp_anchor_width = width


def _renderer(fig: Figure):
    """Lay the figure out and draw it (Agg, offscreen); the renderer for measuring."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def _collide(a, b, pad: float = 1.0) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > -pad
            and min(a.y1, b.y1) - max(a.y0, b.y0) > -pad)


def _fit_ticks(fig: Figure, passes: int = 5) -> None:
    """Re-wrap anchor tick labels narrower (x) or wider (y) until neighbours stop touching
    and none leaves the figure."""
    for _ in range(passes):
        renderer = _renderer(fig)
        changed = False
        for ax in fig.axes:
            if not hasattr(ax, "_rp_anchors"):
                continue
            axis = ax._rp_anchors[0]
            ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
            boxes = [t.get_window_extent(renderer) for t in ticks if t.get_text()]
            frame = fig.bbox
            clash = any(_collide(a, b, 0) for a, b in itertools.pairwise(boxes))
            out = any(b.x0 < frame.x0 or b.x1 > frame.x1 for b in boxes)
            if clash or out:
                width = ax._rp_anchor_width
                new = max(6, int(width * 0.8)) if axis == "x" else width + 6
                if new != width:
                    _set_anchor_ticks(ax, new)
                    changed = True
        if not changed:
            return


def _wrap_title(ax, text: str, share: float = 0.92) -> None:
    """A title wrapped to about the figure's width (constrained layout does not wrap)."""
    width = int(share * ax.get_figure().get_figwidth() * 72 // (0.6 * 10.8))
    ax.set_title(textwrap.fill(text, max(width, 20)))


def _leader(label, on: bool) -> None:
    """A thin line from a stepped-away label back to its point (or none)."""
    from matplotlib.patches import FancyArrowPatch

    if not on:
        label.arrowprops, label.arrow_patch = None, None
        return
    label.arrowprops = {"arrowstyle": "-", "shrinkA": 0, "shrinkB": 0}
    label._arrow_relpos = (0.5, 0.0)  # from the label's bottom centre
    label.arrow_patch = FancyArrowPatch((0, 0), (1, 1), arrowstyle="-", color="0.55",
                                        linewidth=0.5, shrinkA=0, shrinkB=0)


def _repel(fig: Figure, ax, labels: list, pad: float = 2.0, passes: int = 6,
           leaders: bool = True, obstacles=None) -> None:
    """Step overlapping annotation labels apart, upward, in a fixed order (lowest first,
    then leftmost), keep them inside the axes, and raise the top of the axes when a
    stepped label would leave it.  ``obstacles(renderer)`` gives boxes (display pixels)
    labels step over as well, e.g. the bubbles of other actors.  Deterministic: no
    random jitter, a fixed number of passes."""
    if not labels:
        return
    start = [tuple(lab.xyann) for lab in labels]
    for _ in range(passes):
        for lab, xy in zip(labels, start, strict=True):
            lab.xyann = xy
            _leader(lab, False)
        renderer = _renderer(fig)
        frame = ax.get_window_extent(renderer)
        boxes = [Text.get_window_extent(lab, renderer) for lab in labels]  # no leader
        order = sorted(range(len(labels)), key=lambda k: (round(boxes[k].y0, 3),
                                                           round(boxes[k].x0, 3)))
        placed = list(obstacles(renderer)) if obstacles else []
        to_points = 72.0 / fig.dpi
        for k in order:
            box = boxes[k]
            dx = max(0.0, frame.x0 + pad - box.x0) - max(0.0, box.x1 - frame.x1 + pad)
            box = box.translated(dx, 0)
            moved = True
            while moved:
                moved = False
                for other in placed:
                    if _collide(box, other, pad):
                        box = box.translated(0, other.y1 + pad - box.y0)
                        moved = True
            placed.append(box)
            dy = box.y0 - boxes[k].y0
            x0, y0 = start[k]
            labels[k].xyann = (x0 + dx * to_points, y0 + dy * to_points)
            _leader(labels[k], leaders and dy > 4)
        top = max(b.y1 for b in placed[len(placed) - len(labels):])
        if top <= frame.y1 - pad:
            return
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, hi + (hi - lo) * (top - frame.y1 + 2 * pad) / frame.height * 1.15)


_DIRECT_LABELS = 16  # up to this many actors are named at their line's end, more in a legend


@_styled
def trajectory(result: Result, scenario: Scenario, issue: str | None = None,
               size: tuple[float, float] = (8, 4.8)) -> Figure:
    """Every actor's position per round on one issue, the forecast marked.  Each line is
    named in the right margin level with its last point (actors that end on the same value
    are stacked there, so a line hidden under another is still named); with many actors a
    legend below the plot names them instead.  ``size`` in inches: the labels are laid
    out for it (resizing the figure afterwards undoes that)."""
    i = _issue(scenario, issue)
    fig, ax = _figure(size)
    rounds = int(result.rounds[i])
    xs = np.arange(rounds + 1)
    ends = []
    for a, actor in enumerate(result.actors):
        ys = result.trajectory[: rounds + 1, a, i]
        if np.all(np.isnan(ys)):
            continue
        (line,) = ax.plot(xs, ys, marker="o", markersize=3, linewidth=1.2, label=actor)
        last = ys[np.isfinite(ys)][-1]
        ends.append((float(last), actor, line.get_color()))
    margin = []
    forecast = float(result.forecast[i])
    if np.isfinite(forecast):
        ax.axhline(forecast, color="black", linestyle="--", linewidth=1)
        margin.append(_margin_label(ax, f"forecast {forecast:.1f}", forecast, "black",
                                    weight="bold"))
    direct = len(ends) <= _DIRECT_LABELS
    if direct:
        margin += [_margin_label(ax, actor, y, colour) for y, actor, colour in ends]
    ax.set_xlabel("round")
    _wrap_title(ax, f"{scenario.issues[i].name} — {result.model}")
    _anchor_axis(ax, scenario, i)
    handles, names = ax.get_legend_handles_labels()
    if handles and not direct:  # below the plot, outside it: never over a line
        fig.legend(handles, names, fontsize=7, ncols=min(5, len(handles)),
                   loc="outside lower center", frameon=False)
    _fit_ticks(fig)
    _spread(fig, ax, margin)
    return fig


def _margin_label(ax, text: str, y: float, colour, **kwargs):
    """A label in the right margin, level with ``y`` (data) on the axes."""
    return ax.annotate(text, (1.0, y), xycoords=ax.get_yaxis_transform(), xytext=(4, 0),
                       textcoords="offset points", va="center", fontsize=7, color=colour,
                       annotation_clip=False, **kwargs)


def _spread(fig: Figure, ax, labels: list, pad: float = 1.0, passes: int = 3) -> None:
    """Move labels in a column (the margin) apart along y, as little as possible: placed
    bottom-up in order of their wanted height (ties in the order given), then the column
    shifted down if it rises past the axes' top, but not below its bottom."""
    if not labels:
        return
    for _ in range(passes):
        for lab in labels:
            lab.xyann = (lab.xyann[0], 0.0)
        renderer = _renderer(fig)
        frame = ax.get_window_extent(renderer)
        boxes = [Text.get_window_extent(lab, renderer) for lab in labels]
        want = [(b.y0 + b.y1) / 2 for b in boxes]
        order = sorted(range(len(labels)), key=lambda k: (round(want[k], 3), k))
        centre = {}
        floor = -np.inf
        for k in order:
            h = boxes[k].height
            centre[k] = max(want[k], floor + pad + h / 2)
            floor = centre[k] + h / 2
        top = max(centre[k] + boxes[k].height / 2 for k in order)
        shift = min(max(0.0, top - frame.y1),
                    max(0.0, min(centre[k] - boxes[k].height / 2 for k in order) - frame.y0))
        moved = False
        for k, lab in enumerate(labels):
            dy = (centre[k] - shift - want[k]) * 72.0 / fig.dpi
            lab.xyann = (lab.xyann[0], dy)
            moved |= abs(dy) > 0
        if not moved:
            return


@_styled
def actor_map(scenario: Scenario, issue: str | None = None,
              size: tuple[float, float] = (8, 4.8)) -> Figure:
    """Position against capability × salience: one bubble per actor with a stance, each
    named above its bubble (actors on the same spot share one label) and labels stepped
    apart so none covers another.  ``size`` in inches, as for :func:`trajectory`."""
    i = _issue(scenario, issue)
    fig, ax = _figure(size)
    x = scenario.position[:, i]
    weight = scenario.capability * scenario.salience[:, i]
    keep = ~np.isnan(x)
    size = np.zeros_like(weight)
    size[keep] = 40 + 600 * weight[keep] / max(weight[keep].max(), 1e-12)
    ax.scatter(x[keep], weight[keep], s=size[keep], alpha=0.5, edgecolors="black",
               linewidths=0.5)
    spots: dict[tuple[float, float], list[int]] = {}
    for a in np.flatnonzero(keep):
        spots.setdefault((round(float(x[a]), 6), round(float(weight[a]), 6)), []).append(a)
    labels = []
    for (px, py), members in spots.items():
        radius = np.sqrt(max(size[m] for m in members)) / 2  # marker size is an area, pt²
        names = "\n".join(scenario.actor_ids[m] for m in members)
        labels.append(ax.annotate(names, (px, py), fontsize=7, textcoords="offset points",
                                  xytext=(0, radius + 2.5), ha="center", va="bottom",
                                  linespacing=1.0))
    ax.set_ylabel("capability × salience")
    ax.set_ylim(0, max(float(weight[keep].max()), 1e-12) * 1.2)
    _wrap_title(ax, f"{scenario.issues[i].name}: who wants what, with how much weight")
    _anchor_axis(ax, scenario, i, axis="x")
    _fit_ticks(fig)
    centres = np.column_stack([x[keep], weight[keep]])
    radii = np.sqrt(size[keep]) / 2 * fig.dpi / 72  # px

    def bubbles(_renderer) -> list[Bbox]:
        return [Bbox.from_bounds(cx - r, cy - r, 2 * r, 2 * r)
                for (cx, cy), r in zip(ax.transData.transform(centres), radii, strict=True)]

    _repel(fig, ax, labels, obstacles=bubbles)
    return fig


@_styled
def distribution(forecasts: np.ndarray, scenario: Scenario, issue: str | None = None,
                 model: str = "") -> Figure:
    """Histogram of Monte Carlo forecasts ``[N, I]`` on one issue, with 5/50/95 % lines,
    their labels in the headroom above the bars."""
    i = _issue(scenario, issue)
    values = forecasts[:, i]
    values = values[np.isfinite(values)]
    if values.size == 0:
        raise InputError(f"no finite forecasts for issue '{scenario.issue_ids[i]}'")
    fig, ax = _figure((8, 3.8))
    issue_obj = scenario.issues[i]
    counts, _, _ = ax.hist(values, bins=40, range=(issue_obj.scale.min, issue_obj.scale.max),
                           color="#5b8db8")
    peak = max(float(counts.max()), 1.0)
    ax.set_ylim(0, peak * 1.4)
    mid = (issue_obj.scale.min + issue_obj.scale.max) / 2
    labels = []
    for q, style in ((5, ":"), (50, "--"), (95, ":")):
        v = float(np.percentile(values, q))
        ax.axvline(v, color="black", linestyle=style, linewidth=1)
        right = v <= mid  # the label on the side with more room
        labels.append(ax.annotate(f"{q}%: {v:.1f}", (v, peak * 1.04), fontsize=7,
                                  textcoords="offset points", xytext=(3 if right else -3, 0),
                                  ha="left" if right else "right", va="bottom"))
    ax.set_ylabel("draws")
    _wrap_title(ax, f"{issue_obj.name} — forecast distribution ({model}, "
                    f"{values.size:,} draws)")
    _anchor_axis(ax, scenario, i, axis="x")
    _fit_ticks(fig)
    _repel(fig, ax, labels, leaders=False)
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
    fig, ax = _figure((8, 0.35 * len(rows) + 1.6))
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
    _wrap_title(ax, f"{scenario.issues[i].name}: what moves the forecast")
    return fig


def _grid(n: int) -> tuple[int, int]:
    """Rows and columns for ``n`` small panels: 1–3 side by side, then 2–4 columns."""
    if n <= 3:
        return 1, n
    cols = 2 if n == 4 else 3 if n <= 6 else 4
    return -(-n // cols), cols


@_styled
def whatif(table: pd.DataFrame, overlay: str | None = None) -> Figure:
    """Baseline against what-if forecast per issue and model (``analysis.whatif.compare``),
    one panel per model in a grid of up to four columns."""
    rows = table if overlay is None else table[table["overlay"] == overlay]
    if rows.empty:
        raise InputError(f"no what-if rows for '{overlay}'")
    models = list(dict.fromkeys(rows["model"]))
    issues = list(dict.fromkeys(rows["issue"]))
    nrows, ncols = _grid(len(models))
    panel_h = 0.22 * len(issues) + 0.9
    fig, axes = _figure((min(10.0, 2.6 * ncols + 1.6), panel_h * nrows + 0.8), nrows, ncols,
                        sharey=True, squeeze=False)
    flat = list(axes.flat)
    spare = flat[len(models):]
    for ax in spare[1:]:
        fig.delaxes(ax)
    y = np.arange(len(issues))
    for ax, model in zip(flat, models, strict=False):
        sub = rows[rows["model"] == model].set_index("issue").reindex(issues)
        ax.scatter(sub["baseline"], y, marker="o", color="grey", label="baseline")
        ax.scatter(sub["whatif"], y, marker=">", color="#c0504d", label="what-if")
        if "claim" in sub and sub["claim"].notna().any():
            ax.scatter(sub["claim"], y, marker="*", s=80, color="#4f81bd", label="article")
        for k, (b, w) in enumerate(zip(sub["baseline"], sub["whatif"], strict=True)):
            ax.plot([b, w], [k, k], color="grey", linewidth=0.8)
        ax.set_title(model, fontsize=9)
        ax.set_xlim(-3, 103)
        ax.set_xticks([0, 50, 100])
        ax.set_yticks(y, issues)
        ax.tick_params(labelsize=7)
    handles: dict[str, object] = {}
    for ax in flat[: len(models)]:
        for handle, name in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(name, handle)
    if spare:  # the first empty cell of the grid holds the legend
        spare[0].axis("off")
        spare[0].legend(list(handles.values()), list(handles), fontsize=8, loc="center",
                        frameon=False)
    else:
        fig.legend(list(handles.values()), list(handles), fontsize=7, ncols=len(handles),
                   loc="outside lower center", frameon=False)
    fig.suptitle(overlay or "what-if", fontsize=10)
    return fig


@_styled
def timeline(events: pd.DataFrame, since: str | None = None, width: int = 100) -> Figure:
    """Dated events (a frame with ``date`` and ``event`` columns): a dot per event on a
    time axis, and beside the axis, level with its dot, the event's text in full (wrapped
    to ``width`` characters, never cut)."""
    rows = events if since is None else events[events["date"] >= since]
    if rows.empty:
        raise InputError("no events to plot")
    years = [float(d[:4]) + (int(d[5:7]) - 1) / 12 if len(d) >= 7 else float(d[:4])
             for d in rows["date"]]
    texts = [textwrap.fill(f"{date}  {text}", width, subsequent_indent="    ",
                           break_on_hyphens=False)
             for date, text in zip(rows["date"], rows["event"], strict=True)]
    lines = np.array([t.count("\n") + 1 for t in texts], dtype=float)
    gap = 0.5  # between two events, in lines
    # each event takes its own height: first at the top, stacked down
    tops = np.concatenate([[0.0], np.cumsum(lines + gap)[:-1]])
    y = -(tops + lines / 2)
    line_in = 6.5 * 1.25 / 72
    fig, ax = _figure((10, float(np.sum(lines + gap)) * line_in + 1.1))
    span = max(years) - min(years)
    right = max(years) + 0.03 * span + 0.5
    ax.hlines(y, years, right, color="0.85", linewidth=0.5)
    ax.scatter(years, y, s=12, color="#4f81bd", zorder=3)
    for yy, text in zip(y, texts, strict=True):
        # in the margin right of the axes, level with its dot (and its guide line)
        ax.annotate(text, (1.0, yy), xycoords=ax.get_yaxis_transform(), xytext=(4, 0),
                    textcoords="offset points", fontsize=6.5, va="center",
                    linespacing=1.1, annotation_clip=False)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_ylim(-float(np.sum(lines + gap)) + gap / 2, gap / 2)
    ax.set_xlim(min(years) - 0.03 * span - 0.5, right)
    ax.set_xlabel("year")
    ax.set_title("timeline", loc="left")
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
    fig, ax = _figure((7.5, 5.5))
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
    # unclipped: a status quo on the scale's edge stays visible
    ax.plot(sq[x_issue], sq[y_issue] if y_issue else 0.5, "ks", label="status quo",
            clip_on=False)
    if summary["package"]:
        ax.plot(summary["package"][x_issue],
                summary["package"][y_issue] if y_issue else 0.5, "r*", markersize=12,
                label="package", clip_on=False)
    handles.append(Patch(color="#9ecae1", label="win-set"))
    # beside the plot: inside it would cover the regions it explains
    ax.legend(handles=[*handles, *ax.lines], fontsize=7, loc="upper left",
              bbox_to_anchor=(1.02, 1.0), borderaxespad=0, frameon=False)
    ax.set_xlabel(x_issue)
    ax.set_ylabel(y_issue or "")
    fixed = [f"{i} = {centre[i]:.0f}" for i in package if i not in (x_issue, y_issue)]
    _wrap_title(ax, ("deal" if summary["deal"] else "no deal") + ": acceptance regions"
                + (f" (at {', '.join(fixed)})" if fixed else ""))
    return fig


def _scale(scenario: Scenario, issue: str | None) -> tuple[float, float]:
    if issue is None:
        return (0.0, 1.0)
    s = scenario.issue(issue).scale
    return (s.min, s.max)
