"""Rich HTML views for Jupyter: a Scenario or a Result shows as tables with a small plot."""

from __future__ import annotations

from html import escape

import numpy as np

from ..models.base import Result
from ..scenario import Scenario

SMALL = (6.0, 3.0)  # inches: a figure beside a table in a notebook cell


def _small_svg(fig) -> str:
    from .html import _svg

    return _svg(fig)


def scenario_html(sc: Scenario) -> str:
    from . import plots

    rows = "".join(
        f"<tr><td><b>{escape(i.id)}</b></td><td>{escape(i.name)}</td><td>"
        + "; ".join(f"{a.value:g}: {escape(a.label)}" for a in i.anchors)
        + f"</td><td>{'' if i.status_quo is None else f'{i.status_quo:g}'}</td></tr>"
        for i in sc.issues)
    head = (f"<p><b>{escape(sc.title or sc.name)}</b> — {len(sc.actors)} actors, "
            f"{len(sc.issues)} issues, {len(sc.stances)} stances"
            + (f", as of {sc.as_of}" if sc.as_of else "") + "</p>")
    table = ("<table><tr><th>issue</th><th>name</th><th>anchors</th><th>status quo</th></tr>"
             f"{rows}</table>")
    return head + table + _small_svg(plots.actor_map(sc, sc.issue_ids[0], size=SMALL))


def result_html(result: Result) -> str:
    scenario = result.scenario
    rows = []
    for i, issue in enumerate(result.issues):
        v = float(result.forecast[i])
        label = ""
        if np.isfinite(v):
            anchor = scenario.nearest_anchor(issue, v)
            label = escape(anchor.label) if anchor else ""
        shown = f"{v:.1f}" if np.isfinite(v) else "—"
        rows.append(f"<tr><td>{escape(issue)}</td><td style='text-align:right'>{shown}</td>"
                    f"<td>{int(result.rounds[i])}</td><td>{label}</td></tr>")
    html = (f"<p><b>{escape(result.model)}</b> on <code>{escape(scenario.name)}</code>"
            f"{' — ' + escape(result.stop_reason) if result.stop_reason else ''}</p>"
            "<table><tr><th>issue</th><th>forecast</th><th>rounds</th><th>nearest anchor</th>"
            f"</tr>{''.join(rows)}</table>")
    if int(result.rounds.max()) > 0:
        from . import plots

        html += _small_svg(plots.trajectory(result, scenario, result.issues[0], size=SMALL))
    return html
