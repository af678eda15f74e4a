"""A self-contained HTML report: one file, no network, no scripts, no external fonts.

Figures are inline SVG (text drawn as paths), styles are inline CSS with a print style
sheet and a narrow-screen layout. Nothing in the file depends on the time it was made, so
the same inputs and seed give byte-identical reports.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from html import escape

import numpy as np

from .. import __version__
from ..analysis import Progress
from ..models import Result, evaluate, get, names
from ..scenario import Scenario
from . import plots

CSS = """
:root { --ink:#1d2733; --muted:#5a6675; --rule:#d5dbe3; --accent:#2f5d8a; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  max-width: 1100px; margin: 0 auto; padding: 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { border-bottom: 2px solid var(--rule);
  padding-bottom: .2rem; margin-top: 2rem; } h3 { margin-bottom: .3rem; }
.muted { color: var(--muted); } .small { font-size: .85rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .3rem .4rem; text-align: left;
  vertical-align: top; } th { background: #f3f5f8; } td.num { text-align: right;
  font-variant-numeric: tabular-nums; white-space: nowrap; }
.scroll { overflow-x: auto; } figure { margin: .5rem 0 1.2rem; } figure svg { max-width: 100%;
  height: auto; } blockquote { margin: .2rem 0; padding-left: .6rem;
  border-left: 3px solid var(--rule); } .kind { font-size: .75rem; padding: 0 .3rem;
  border-radius: 3px; background: #eef2f7; } nav a { margin-right: .8rem; }
@media (max-width: 640px) { body { padding: .5rem; } table { font-size: .8rem; }
  th, td { padding: .2rem; } }
@media print { nav { display: none; } h2 { break-before: page; } figure, tr { break-inside:
  avoid; } a { color: inherit; text-decoration: none; } body { max-width: none; padding: 0; }
  table { font-size: .72rem; } th, td { padding: .15rem .25rem; overflow-wrap: anywhere; } }
"""


def _svg(fig) -> str:
    """Inline SVG markup: no XML prolog, no DOCTYPE or namespace URLs (HTML needs none)."""
    text = plots.save(fig, fmt="svg").decode("utf-8")
    text = text[text.index("<svg"):]
    text = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text)
    return f"<figure>{text}</figure>"


def _fmt(value: float) -> str:
    return "—" if not np.isfinite(value) else f"{value:.1f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int] | None = None
           ) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{c}</td>' if k in numeric else f"<td>{c}</td>"
                         for k, c in enumerate(row)) + "</tr>"
        for row in rows)
    return f'<div class="scroll"><table><tr>{head}</tr>{body}</table></div>'


def _evidence(sc: Scenario, evidence) -> str:
    parts = []
    for ev in evidence:
        src = sc.sources.get(ev.source)
        label = escape(ev.source + (f" — {src.publisher or src.title}" if src else ""))
        note = f'<div class="small muted">{escape(ev.note)}</div>' if ev.note else ""
        parts.append(f'<blockquote><span class="kind">{escape(ev.kind)} · '
                     f'{escape(ev.about)}</span> “{escape(ev.quote)}” '
                     f'<span class="small muted">({label})</span>{note}</blockquote>')
    return "".join(parts)


def build(scenario: Scenario, *, models: Sequence[str] | None = None,
          whatifs: Sequence[str] = (), draws: int = 0, seed: int = 0,
          timeline: bool = True, progress: Progress | None = None) -> str:
    """The report as one HTML string: everything is computed first, then rendered.
    ``progress(done, total)`` as it goes (see :class:`realpolitik.analysis.Steps`)."""
    from ..analysis import Steps

    sc = scenario
    if draws:  # refuse a run that cannot fit before any model runs
        from ..analysis.montecarlo import check_draws

        check_draws(sc, draws)
    chosen = list(models) if models else names()
    mc_cost = max(draws / 250, 1.0)
    steps = Steps(progress, [1.0] * len(chosen) + [mc_cost if draws else 0.0]
                  + [len(chosen) + 1.0] * len(whatifs)
                  + [(1.0 + (mc_cost if draws else 0.0)) if sc.agreement else 0.0])
    results: dict[str, Result] = {}
    for k, m in enumerate(chosen):
        results[m] = evaluate(m, sc, rng=seed)
        steps.done(k)
    part = len(chosen)
    mc = _monte_carlo(sc, chosen, draws, seed, steps.part(part)) if draws else None
    comparisons = _whatifs(sc, whatifs, chosen, draws, seed,
                           [steps.part(part + 1 + k) for k in range(len(whatifs))])
    deal_part = steps.part(part + 1 + len(whatifs))
    timeline_frame = _timeline(sc) if timeline else None

    sections = ["forecasts", *(["uncertainty"] if mc is not None else []),
                *(["deal"] if sc.agreement is not None else []), "issues", "actors",
                "evidence", *(["what-ifs"] if comparisons else []),
                *(["timeline"] if timeline_frame is not None else []), "sources"]
    out = _head(sc, seed, sections)
    out += _forecasts_section(sc, chosen, results)
    if sc.agreement is not None:
        out += deal_section(sc, draws, seed, progress=deal_part)
    if mc is not None:
        out += _uncertainty_section(mc)
    out += _issues_section(sc, chosen, results, mc)
    out += _actors_and_evidence(sc)
    if comparisons:
        out += _whatif_section(comparisons)
    if timeline_frame is not None:
        out.append('<h2 id="timeline">Timeline</h2>')
        out.append(_svg(plots.timeline(timeline_frame)))
        out.append(_table(["date", "event", "sources"], [
            [escape(str(r.date)), escape(str(r.event)), escape(str(r.sources))]
            for r in timeline_frame.itertuples()]))
    out.append('<h2 id="sources">Sources</h2>')
    out.append(_table(["id", "title", "publisher", "date", "authors", "address"], [
        [escape(k), escape(s.title), escape(s.publisher or ""), escape(s.date or ""),
         escape(", ".join(s.authors)), escape(s.address or "")]
        for k, s in sc.sources.items()]))
    out.append('<p class="small muted">Made by realpolitik. Addresses are printed as text, '
               "not links; the file loads nothing from the network.</p></body></html>")
    return "\n".join(out) + "\n"


# --- computing ------------------------------------------------------------------------


def _monte_carlo(sc: Scenario, chosen: list[str], draws: int, seed: int,
                 progress: Progress | None = None):
    from ..analysis.montecarlo import simulate

    return simulate(sc, "compromise" if "compromise" in chosen else chosen[0], draws, seed,
                    progress=progress)


def _whatifs(sc: Scenario, specs: Sequence[str], chosen: list[str], draws: int, seed: int,
             progress: Sequence[Progress | None] = ()) -> list:
    """(overlay, comparison table, deal before/after as text or None) per what-if."""
    if not specs:
        return []
    from ..analysis import Steps
    from ..analysis.whatif import compare, load_overlay

    out = []
    for k, spec in enumerate(specs):
        steps = Steps(progress[k] if k < len(progress) else None, [len(chosen), 1.0])
        overlay = load_overlay(spec, sc.name)
        table = compare(sc, overlay, chosen, seed=seed, progress=steps.part(0))
        deal = None
        if sc.agreement is not None or overlay.agreement is not None:
            from ..analysis.deal import compare_deals, describe

            (entry,) = compare_deals(sc, [overlay], draws=draws or None, seed=seed,
                                     progress=steps.part(1))
            deal = None if entry is None else describe(entry)
        out.append((overlay, table, deal))
    return out


# --- rendering ------------------------------------------------------------------------


def _head(sc: Scenario, seed: int, sections: list[str]) -> list[str]:
    title = escape(sc.title or sc.name)
    out = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
           f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           f"<title>{title} — realpolitik report</title><style>{CSS}</style></head><body>",
           f"<h1>{title}</h1>"]
    meta = [f"scenario <code>{escape(sc.name)}</code>"]
    if sc.as_of:
        meta.append(f"as of {sc.as_of}")
    meta.append(f"{len(sc.actors)} actors, {len(sc.issues)} issues, {len(sc.stances)} stances")
    meta.append(f"seed {seed}; realpolitik {__version__}")
    out.append(f'<p class="muted">{" · ".join(meta)}</p>')
    if sc.description:
        out.append(f"<p>{escape(sc.description)}</p>")
    out.append("<nav>" + "".join(f'<a href="#{s}">{s}</a>' for s in sections) + "</nav>")
    if sc.notes:
        out.append("<ul>" + "".join(f"<li>{escape(n)}</li>" for n in sc.notes) + "</ul>")
    return out


def _forecasts_section(sc: Scenario, chosen: list[str], results: dict[str, Result]
                       ) -> list[str]:
    rows = []
    for i, issue in enumerate(sc.issues):
        # the anchors once per issue, each forecast with the value of its nearest anchor:
        # the table then fits a laptop screen and an A4 page with every model
        legend = " · ".join(f"{a.value:g}: {escape(a.label)}" for a in issue.anchors)
        cells = [f"<b>{escape(issue.id)}</b>"
                 + (f'<div class="small muted">{legend}</div>' if legend else "")]
        for m in chosen:
            v = float(results[m].forecast[i])
            anchor = sc.nearest_anchor(issue.id, v)
            hint = (f'<div class="small muted" title="{escape(anchor.label)}">'
                    f"≈ {anchor.value:g}</div>") if anchor else ""
            cells.append(f"{_fmt(v)}{hint}")
        rows.append(cells)
    return ['<h2 id="forecasts">Forecasts by model</h2>',
            _table(["issue", *chosen], rows, numeric=set(range(1, len(chosen) + 1))),
            '<p class="small muted">Each model: ' + "; ".join(
                f"<b>{escape(m)}</b> — {escape(get(m).summary)}" for m in chosen) + ".</p>"]


def _uncertainty_section(mc) -> list[str]:
    out = [f'<h2 id="uncertainty">Uncertainty ({escape(mc.model)}, {mc.draws:,} draws)</h2>']
    urows = []
    for entry in mc.records():
        q = entry["quantiles"]
        anchors = "<br>".join(f"P(≥ {a['value']:g}) = {a['p_at_or_above']:.2f}"
                              for a in entry["anchors"])
        urows.append([escape(entry["id"]), *(
            "—" if v is None else f"{v:.1f}"
            for v in (entry["mean"], q["5"], q["25"], entry["median"], q["75"], q["95"])),
            "—" if entry["mcse"] is None else f"{entry['mcse']:.2f}", anchors])
    out.append(_table(["issue", "mean", "5%", "25%", "median", "75%", "95%", "mcse",
                       "anchors"], urows, numeric={1, 2, 3, 4, 5, 6, 7}))
    out.extend(f'<p class="small muted">{escape(note)}</p>' for note in mc.notes)
    return out


def _issues_section(sc: Scenario, chosen: list[str], results: dict[str, Result], mc
                    ) -> list[str]:
    out = ['<h2 id="issues">Issues</h2>']
    dynamic = next((m for m in chosen if int(results[m].rounds.max()) > 0), None)
    for i, issue in enumerate(sc.issues):
        out.append(f"<h3>{escape(issue.name)} <code>{escape(issue.id)}</code></h3>")
        if issue.description:
            out.append(f"<p>{escape(issue.description)}</p>")
        anchors = "; ".join(f"<b>{a.value:g}</b> {escape(a.label)}" for a in issue.anchors)
        sq = "" if issue.status_quo is None else f" Status quo: <b>{issue.status_quo:g}</b>."
        out.append(f'<p class="small">Scale {issue.scale.min:g}–{issue.scale.max:g}. '
                   f"{anchors}.{sq}</p>")
        if issue.note:
            out.append(f'<p class="small muted">{escape(issue.note)}</p>')
        out.append(_svg(plots.actor_map(sc, issue.id)))
        if dynamic is not None:
            out.append(_svg(plots.trajectory(results[dynamic], sc, issue.id)))
        if mc is not None and np.isfinite(mc.forecasts[:, i]).any():
            out.append(_svg(plots.distribution(mc.forecasts, sc, issue.id, mc.model)))
    return out


def _actors_and_evidence(sc: Scenario) -> list[str]:
    def note(text: str | None) -> str:
        return f'<div class="small muted">{escape(text)}</div>' if text else ""

    return [
        '<h2 id="actors">Actors</h2>',
        _table(["id", "name", "group", "capability", "evidence"], [
            [escape(a.id), escape(a.name), escape(a.group), f"{a.capability:g}",
             _evidence(sc, a.evidence) + note(a.note)] for a in sc.actors], numeric={3}),
        '<h2 id="evidence">Every stance with its evidence</h2>',
        _table(["actor", "issue", "position", "salience", "evidence"], [
            [escape(st.actor), escape(st.issue), f"{st.position:g}", f"{st.salience:g}",
             _evidence(sc, st.evidence) + note(st.note)] for st in sc.stances],
            numeric={2, 3}),
    ]


def _whatif_section(comparisons: list) -> list[str]:
    out = ['<h2 id="what-ifs">What-ifs</h2>']
    for overlay, table, deal in comparisons:
        out.append(f"<h3>{escape(overlay.title or overlay.name)}</h3>")
        if overlay.claim is not None:
            c = overlay.claim
            outcomes = ", ".join(f"{k} {v:g}" for k, v in c.outcomes.items())
            out.append(f"<p><b>The article ({escape(c.source)}) argues:</b> "
                       f"{escape(c.summary)} <i>Its outcome:</i> {escape(outcomes)}."
                       f"</p><blockquote>“{escape(c.quote)}”</blockquote>")
        wrows = []
        for r in table.itertuples():
            claim = "" if not np.isfinite(r.claim) else f"{r.claim:g}"
            wrows.append([escape(r.model), escape(r.issue), _fmt(r.baseline),
                          _fmt(r.whatif), f"{r.difference:+.1f}", claim])
        out.append(_table(["model", "issue", "baseline", "what-if", "Δ", "article"],
                          wrows, numeric={2, 3, 4, 5}))
        if deal is not None:
            out.append(f"<p><b>Deal?</b> {escape(deal)}</p>")
        out.append(_svg(plots.whatif(table, overlay.name)))
    return out


def _timeline(sc: Scenario):
    """The scenario's timeline as a frame, if it ships one."""
    from ..analysis.timeline import load_timeline
    from ..errors import InputError

    try:
        frame = load_timeline(sc.name).to_frame()
    except InputError:  # a scenario without a timeline: no section
        return None
    frame = frame.copy()
    if "sources" in frame:
        frame["sources"] = [", ".join(v) if isinstance(v, list | tuple) else str(v)
                            for v in frame["sources"]]
    return frame


def deal_section(sc: Scenario, draws: int, seed: int, progress: Progress | None = None
                 ) -> list[str]:
    """Whether a deal is struck: the package and win-set, P(deal), a 2-D slice of the
    package space, and the lever table."""
    from ..analysis.deal import analyse
    from ..analysis.levers import find_levers

    ag = sc.agreement
    assert ag is not None
    result = analyse(sc, draws or None, seed, progress=progress)
    out = ['<h2 id="deal">Deal or no deal</h2>']
    verdict = "a deal: the win-set is not empty" if result.deal else (
        "no deal: the win-set is empty; blockers: " + (", ".join(result.blockers) or "none alone"))
    if result.p_deal is not None:
        lo, hi = result.interval()  # type: ignore[misc]
        verdict += (f". P(deal) = {result.p_deal:.3f} (95% interval {lo:.3f}–{hi:.3f}, "
                    f"{result.draws:,} draws)")
    out.append(f"<p><b>{escape(verdict)}</b>. Parties: " + escape("; ".join(
        f"{p.id} (negotiator {p.negotiator}"
        + (f", vetoes {', '.join(p.vetoes)}" if p.vetoes else "")
        + (f", quota {p.quota:g}" if p.quota else "") + ")" for p in ag.parties))
        + (escape("; outside vetoes: " + ", ".join(v.actor for v in ag.vetoes))
           if ag.vetoes else "") + ".</p>")
    rows = []
    for issue in ag.package:
        sq = sc.issue(issue).status_quo
        value = result.package[issue] if result.package else sq
        low, high = result.winset[issue] if result.winset else (math.nan, math.nan)
        rows.append([escape(issue), _fmt(sq), _fmt(value), _fmt(low), _fmt(high)])
    out.append(_table(["issue", "status quo", "package", "win-set low", "win-set high"], rows,
                      numeric={1, 2, 3, 4}))
    pairs = list(zip(ag.package[:-1], ag.package[1:], strict=True)) or [(ag.package[0], None)]
    for x, y in pairs[:2]:
        out.append(_svg(plots.deal_slice(sc, x, y)))
    levers = find_levers(sc)[:12]
    if levers:
        out.append("<h3>Levers: the smallest changes that "
                   + ("break the deal" if result.deal else "open a deal") + "</h3>")
        out.append(_table(["actor", "issue", "change", "from", "to", "size", "effect"], [
            [escape(r.actor or "—"), escape(r.issue or "—"), escape(r.change),
             r.shown(r.before), r.shown(r.after), r.size_text(), escape(r.effect)]
            for r in levers], numeric={3, 4, 5}))
    return out
