"""The realpolitik web app (Streamlit). Start it with ``realpolitik serve``.

Choose a built-in scenario or upload a file, edit actors and stances in a grid, pick models
and their parameters, then run the forecast, Monte Carlo, the sensitivity tornado and the
articles' what-ifs: each result stays in its own tab beside the others (a result computed
before the latest edit says so), and the report and the scenario can be downloaded.
Uploaded files are size-limited and read with the same readers and the same error messages
as the command line; the app reads no server path other than its own temporary copy of an
upload.
"""

from __future__ import annotations

import hashlib
import math
import tempfile
from pathlib import Path
from typing import Literal, get_args, get_origin

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

import realpolitik as rp
from realpolitik import scenarios as builtin
from realpolitik.app.edits import actor_table, apply_tables, changes, stance_table
from realpolitik.errors import InputError
from realpolitik.io import dumps, readers
from realpolitik.models import get, names

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_DRAWS = 20_000  # keeps a click well under a minute for every model
SUFFIXES = sorted({s.lstrip(".") for r in readers() for s in r.suffixes})
NUMBER = "%.1f"

st.set_page_config(page_title="realpolitik", layout="wide")
st.title("realpolitik — negotiation forecasts")


def _load_upload(upload) -> rp.Scenario:
    data = upload.getvalue()
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError(f"the upload is {len(data):,} bytes", source=upload.name,
                         allowed=f"at most {MAX_UPLOAD_BYTES:,} bytes")
    suffix = Path(upload.name).suffix.lower()
    if suffix.lstrip(".") not in SUFFIXES:
        raise InputError(f"unrecognised file type '{suffix or '(none)'}'", source=upload.name,
                         allowed=", ".join(f".{s}" for s in SUFFIXES))
    with tempfile.TemporaryDirectory() as tmp:
        # a fixed name inside a private folder: the user's file name never becomes a path
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            return rp.load(path)
        except InputError as exc:
            raise InputError(exc.problem, source=upload.name, line=exc.line,
                             field=exc.field, allowed=exc.allowed) from None


def _editable(f) -> bool:
    return get_origin(f.annotation) is Literal or f.annotation in (bool, int, float)


def parameter_widgets(base: rp.Scenario, models: list[str]) -> dict[str, dict]:
    """A widget per model parameter (choices, switches, numbers), starting from the
    scenario's own values; returns the values that differ from the models' defaults."""
    chosen: dict[str, dict] = {}
    with st.sidebar.expander("Model parameters"):
        for m in models:
            fields = get(m).params.model_fields
            own = base.model_params.get(m, {})
            shown = False
            kept = {k: v for k, v in own.items() if k in fields and not _editable(fields[k])}
            if kept:  # structured values from the file stay as they are
                chosen[m] = dict(kept)
            for name, f in fields.items():
                value = own.get(name, f.default)
                key = f"param:{base.name}:{m}:{name}"
                label = f"{m}: {name}"
                if get_origin(f.annotation) is Literal:
                    options = list(get_args(f.annotation))
                    new = st.selectbox(label, options, index=options.index(value), key=key,
                                       help=f.description)
                elif f.annotation is bool:
                    new = st.checkbox(label, value=bool(value), key=key, help=f.description)
                elif f.annotation in (int, float):
                    new = st.number_input(label, value=f.annotation(value), key=key,
                                          help=f.description,
                                          step=1 if f.annotation is int else None)
                else:  # structured values (e.g. SMP's ideal adjustment) come from files
                    continue
                shown = True
                if new != f.default:
                    chosen.setdefault(m, {})[name] = new
            if not shown:
                st.caption(f"{m}: no parameters")
    return chosen


def fingerprint(sc: rp.Scenario, *extra: object) -> str:
    """Identifies the inputs of a result, so a stale result can say so."""
    text = dumps(sc, "scenario.json") + repr(extra)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def store(kind: str, inputs: str, payload: dict) -> None:
    st.session_state.setdefault("results", {})[kind] = {"inputs": inputs, **payload}


def stored(kind: str) -> dict | None:
    return st.session_state.get("results", {}).get(kind)


def stale_note(result: dict, current: str) -> None:
    if result["inputs"] != current:
        st.caption("⚠ computed before the latest change of scenario or settings — run "
                   "again to update")


def numbers(frame: pd.DataFrame) -> dict:
    """One number format for every numeric column."""
    return {c: st.column_config.NumberColumn(c, format=NUMBER)
            for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}


def show_table(frame: pd.DataFrame) -> None:
    clean = frame.astype(object).where(frame.notna(), "")  # no "None" or "NaN" cells
    for c in frame.columns:
        if pd.api.types.is_numeric_dtype(frame[c]):
            clean[c] = frame[c] + 0.0 if pd.api.types.is_float_dtype(frame[c]) else frame[c]
            # (+ 0.0 turns -0.0 into 0.0)
    st.dataframe(clean, hide_index=True, width="stretch", column_config=numbers(frame))


def issue_picker(sc: rp.Scenario, key: str) -> str:
    return st.selectbox("Issue", sc.issue_ids, key=key,
                        format_func=lambda i: f"{i} — {sc.issue(i).name}")


# --- sidebar: the scenario and the settings every analysis shares ----------------------

with st.sidebar:
    st.header("Scenario")
    choice = st.selectbox("Built-in scenario", builtin.names())
    upload = st.file_uploader("…or upload a file", type=SUFFIXES)
    chosen_models = st.multiselect("Models", names(), default=["compromise", "median", "bdm"])

scenario: rp.Scenario | None = None
if upload is not None:
    try:
        scenario = _load_upload(upload)
        st.sidebar.success(f"Loaded {upload.name}: {len(scenario.actors)} actors, "
                           f"{len(scenario.issues)} issues")
    except InputError as exc:
        st.error(f"Could not read the file: {exc}")
if scenario is None:
    scenario = rp.load(choice)

with st.sidebar:
    st.header("Uncertainty")
    mc_model = st.selectbox("Model for Monte Carlo and sensitivity",
                            chosen_models or ["compromise"], key="mc_model")
    draws = int(st.number_input("Draws", min_value=100, max_value=MAX_DRAWS, value=1000,
                                step=100))
    widen = st.number_input("Widen (fraction of the scale)", min_value=0.0, max_value=0.5,
                            value=0.1, step=0.05,
                            help="added to every declared range; inputs without one vary "
                                 "by this much")
    seed = int(st.number_input("Seed", min_value=0, value=0, step=1))

st.subheader(scenario.title or scenario.name)
if scenario.as_of:
    st.caption(f"as of {scenario.as_of}")

tabs = st.tabs(["Scenario", "Forecast", "Monte Carlo", "Sensitivity", "What-ifs", "Deal",
                "Downloads"])

# --- the scenario: actors and stances in editable grids ----------------------------------

grid = f"grid:{scenario.name}:{fingerprint(scenario)}"
with tabs[0]:
    st.markdown("**Actors** — edit a cell, add a row at the bottom, or select rows and "
                "delete them")
    actors_in = st.data_editor(
        actor_table(scenario), key=f"{grid}:actors", num_rows="dynamic", hide_index=True,
        width="stretch",
        column_config={"capability": st.column_config.NumberColumn(min_value=0.0,
                                                                   format="%g")})
    ids = [a for a in actors_in["id"].dropna().astype(str) if a.strip()]
    st.markdown("**Stances** — position on the issue's scale, salience from 0 to 1")
    stances_in = st.data_editor(
        stance_table(scenario), key=f"{grid}:stances", num_rows="dynamic", hide_index=True,
        width="stretch",
        column_config={
            "actor": st.column_config.SelectboxColumn(options=ids, required=True),
            "issue": st.column_config.SelectboxColumn(options=list(scenario.issue_ids),
                                                      required=True),
            "position": st.column_config.NumberColumn(format="%g", required=True),
            "salience": st.column_config.NumberColumn(min_value=0.0, max_value=1.0,
                                                      step=0.05, format="%.2f",
                                                      required=True)})

try:
    working = apply_tables(scenario, actors_in, stances_in)
    edit_error = None
except InputError as exc:
    working, edit_error = scenario, str(exc)
params = parameter_widgets(working, chosen_models)
if params != {m: dict(v) for m, v in working.model_params.items() if m in chosen_models}:
    working = working.replace(model_params={
        **{m: v for m, v in working.model_params.items() if m not in chosen_models},
        **params})
made = changes(scenario, working)
with tabs[0]:
    if edit_error:
        st.error(f"That change makes the scenario invalid, so the file's values are used: "
                 f"{edit_error}")
    if made:
        st.caption(f"{len(made)} change(s) from the file: " + "; ".join(made[:8])
                   + (" …" if len(made) > 8 else ""))
        if st.button("Undo all changes"):
            for k in [k for k in st.session_state if str(k).startswith(grid)]:
                del st.session_state[k]
            st.rerun()

# --- forecast ------------------------------------------------------------------------------

with tabs[1]:
    inputs = fingerprint(working, chosen_models)
    before = stored("forecast")
    # once run, the forecast follows every edit (it takes milliseconds); the slower
    # analyses below wait for their button and say when they are out of date
    if st.button("Run forecast", type="primary") or (before is not None
                                                     and before["inputs"] != inputs):
        rows, results, warnings = {}, {}, []
        for m in chosen_models:
            try:
                results[m] = rp.forecast(working, model=m)
            except InputError as exc:
                warnings.append(f"{m}: {exc}")
                continue
            rows[m] = results[m].forecast
        store("forecast", inputs, {"rows": rows, "results": results, "warnings": warnings,
                                   "scenario": working})
    done = stored("forecast")
    if done is None:
        st.info("Choose models in the sidebar, then run the forecast.")
    else:
        stale_note(done, inputs)
        for w in done["warnings"]:
            st.warning(w)
        sc_done: rp.Scenario = done["scenario"]
        if done["rows"]:
            frame = pd.DataFrame({"issue": list(sc_done.issue_ids),
                                  **{m: np.asarray(v) for m, v in done["rows"].items()}})
            first = next(iter(done["rows"]))
            labels = []
            for i, iid in enumerate(sc_done.issue_ids):
                a = sc_done.nearest_anchor(iid, float(done["rows"][first][i]))
                labels.append(f"{a.value:g}: {a.label}" if a else "")
            frame[f"nearest anchor ({first})"] = labels
            st.markdown("**Forecast per issue and model**")
            show_table(frame)
            for m, r in done["results"].items():
                unsettled = [f"{i}: {text}" for i, text in r.unsettled()]
                if unsettled:
                    st.caption(f"{m} did not settle on {len(unsettled)} issue(s): "
                               + "; ".join(unsettled))
            issue = issue_picker(sc_done, "forecast_issue")
            i = sc_done.issue_index(issue)
            long = pd.DataFrame([{"model": m, "forecast": float(v[i])}
                                 for m, v in done["rows"].items()])
            scale = sc_done.issue(issue).scale
            points = alt.Chart(long).mark_circle(size=120).encode(
                x=alt.X("forecast:Q", scale=alt.Scale(domain=[scale.min, scale.max])),
                y=alt.Y("model:N", sort=None), tooltip=["model", alt.Tooltip(
                    "forecast:Q", format=".1f")])
            st.altair_chart(points.properties(height=50 * len(long) + 40,
                                              title=f"{issue}: forecast per model"),
                            width="stretch")
            dynamic = next((m for m in done["results"]
                            if done["results"][m].trajectory.shape[0] > 1), None)
            if dynamic is not None:
                r = done["results"][dynamic]
                steps = pd.DataFrame([
                    {"round": t, "actor": a, "position": float(r.trajectory[t, k, i])}
                    for t in range(int(r.rounds[i]) + 1)
                    for k, a in enumerate(r.actors) if np.isfinite(r.trajectory[t, k, i])])
                lines = alt.Chart(steps).mark_line(point=True).encode(
                    x="round:O", y=alt.Y("position:Q",
                                         scale=alt.Scale(domain=[scale.min, scale.max])),
                    color=alt.Color("actor:N", legend=alt.Legend(columns=2)),
                    tooltip=["actor", "round", alt.Tooltip("position:Q", format=".1f")])
                st.altair_chart(lines.properties(height=320,
                                                 title=f"{issue}: positions per round "
                                                       f"({dynamic})"),
                                width="stretch")
            weight = sc_done.capability * sc_done.salience[:, i]
            keep = np.isfinite(sc_done.position[:, i])
            bubbles = pd.DataFrame({"actor": np.array(sc_done.actor_ids)[keep],
                                    "position": sc_done.position[keep, i],
                                    "weight": weight[keep],
                                    "salience": sc_done.salience[keep, i]})
            bubble = alt.Chart(bubbles).mark_circle(opacity=0.6).encode(
                x=alt.X("position:Q", scale=alt.Scale(domain=[scale.min, scale.max])),
                y=alt.Y("weight:Q", title="capability × salience"),
                size=alt.Size("weight:Q", legend=None),
                tooltip=["actor", alt.Tooltip("position:Q", format=".1f"),
                         alt.Tooltip("salience:Q", format=".2f"),
                         alt.Tooltip("weight:Q", format=".3g")])
            st.altair_chart(bubble.properties(height=300,
                                              title=f"{issue}: who wants what, with how "
                                                    "much weight (hover for names)"),
                            width="stretch")

# --- Monte Carlo ---------------------------------------------------------------------------

with tabs[2]:
    inputs = fingerprint(working, mc_model, draws, widen, seed)
    if st.button("Run Monte Carlo"):
        with st.spinner(f"{draws:,} draws of {mc_model}…"):
            try:
                mc = rp.simulate(working, mc_model, draws=draws, seed=seed, widen=widen)
                point = rp.forecast(working, model=mc_model).forecast
            except InputError as exc:
                st.warning(f"Monte Carlo: {exc}")
            else:
                store("mc", inputs, {"forecasts": mc.forecasts, "point": point,
                                     "scenario": working,
                                     "label": f"Monte Carlo: {draws:,} draws of {mc_model}, "
                                              f"seed {seed}, widen {widen:g}"})
    done = stored("mc")
    if done is None:
        st.info("Set the model, draws, widening and seed in the sidebar, then run.")
    else:
        stale_note(done, inputs)
        st.caption(done["label"])
        sc_done = done["scenario"]
        f = done["forecasts"]
        rows = []
        for i, iid in enumerate(sc_done.issue_ids):
            ok = f[:, i][np.isfinite(f[:, i])]
            q = np.percentile(ok, [5, 50, 95]) if ok.size else [math.nan] * 3
            rows.append({"issue": iid, "point forecast": float(done["point"][i]),
                         "mean": float(ok.mean()) if ok.size else math.nan,
                         "5%": q[0], "median": q[1], "95%": q[2],
                         "sd": float(ok.std(ddof=1)) if ok.size > 1 else math.nan})
        show_table(pd.DataFrame(rows))
        issue = issue_picker(sc_done, "mc_issue")
        i = sc_done.issue_index(issue)
        scale = sc_done.issue(issue).scale
        values = pd.DataFrame({"forecast": f[:, i][np.isfinite(f[:, i])]})
        hist = alt.Chart(values).mark_bar().encode(
            x=alt.X("forecast:Q", bin=alt.Bin(extent=[scale.min, scale.max], maxbins=40)),
            y=alt.Y("count():Q", title="draws"), tooltip=[alt.Tooltip("count():Q",
                                                                     title="draws")])
        rule = alt.Chart(pd.DataFrame({"point forecast": [float(done["point"][i])]})).mark_rule(
            color="black", strokeDash=[4, 3]).encode(x="point forecast:Q",
                                                     tooltip=["point forecast"])
        st.altair_chart((hist + rule).properties(height=280,
                                                 title=f"{issue}: forecast distribution "
                                                       "(dashed: the point forecast)"),
                        width="stretch")

# --- sensitivity ---------------------------------------------------------------------------

with tabs[3]:
    inputs = fingerprint(working, mc_model, widen, seed)
    if st.button("Run sensitivity (tornado)"):
        with st.spinner(f"one input at a time, {mc_model}…"):
            try:
                frame = rp.sensitivity(working, mc_model, delta=widen or 0.1, seed=seed)
            except InputError as exc:
                st.warning(f"Sensitivity: {exc}")
            else:
                store("tornado", inputs, {"frame": frame, "scenario": working,
                                          "label": f"Sensitivity of {mc_model}, each input "
                                                   f"moved by ±{widen or 0.1:g}"})
    done = stored("tornado")
    if done is None:
        st.info("Moves each input by the sidebar's widening, one at a time; run it to see "
                "what moves each forecast most.")
    else:
        stale_note(done, inputs)
        st.caption(done["label"])
        frame = done["frame"]
        tops = (frame.sort_values("swing", ascending=False, kind="stable")
                .groupby("issue", sort=False).head(1))
        st.markdown("**The input that moves each issue most**")
        show_table(tops[[c for c in ("issue", "actor", "input", "input_issue", "swing")
                         if c in tops.columns]])
        issue = issue_picker(done["scenario"], "tornado_issue")
        top = frame[frame["issue"] == issue].sort_values("swing", ascending=False,
                                                         kind="stable").head(10)
        top = top[top["swing"] > 0]
        st.markdown(f"**{issue}: the ten inputs that move it most**")
        if top.empty:
            st.caption("no input moves this forecast")
        else:
            show_table(top)
            bars = top.assign(label=top["actor"] + " " + top["input"]).melt(
                id_vars=["label", "baseline"], value_vars=["forecast_low", "forecast_high"],
                var_name="end", value_name="forecast")
            chart = alt.Chart(bars).mark_bar().encode(
                y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
                x=alt.X("forecast:Q"),
                x2="baseline:Q", color=alt.Color("end:N", scale=alt.Scale(
                    domain=["forecast_low", "forecast_high"], range=["#c0504d", "#4f81bd"])),
                tooltip=["label", alt.Tooltip("forecast:Q", format=".1f"), "end"])
            st.altair_chart(chart.properties(height=28 * len(top) + 40), width="stretch")

# --- what-ifs ------------------------------------------------------------------------------

with tabs[4]:
    from realpolitik.analysis.whatif import builtin_overlays

    owner = next((n for n in (working.name, scenario.name) if n in builtin.names()), None)
    available = builtin_overlays(owner) if owner else []
    if not available:
        st.info("This scenario has no built-in what-ifs; the command line applies overlay "
                "files (`realpolitik whatif FILE`).")
    else:
        name = st.selectbox("What-if", available)
        inputs = fingerprint(working, chosen_models)
        if st.button("Apply what-if"):
            try:
                table = rp.whatif(working, name, chosen_models or ["compromise"])
            except InputError as exc:
                st.warning(f"What-if: {exc}")
            else:
                applied = st.session_state.setdefault("whatifs", {})
                applied[name] = {"inputs": inputs, "table": table}
        for name_done, item in st.session_state.get("whatifs", {}).items():
            with st.expander(f"What-if {name_done}", expanded=True):
                stale_note(item, inputs)
                show_table(item["table"].drop(columns=["overlay"]))

# --- deal or no deal: the agreement model ----------------------------------------------

with tabs[5]:
    if working.agreement is None:
        st.info("This scenario has no agreement section (parties, vetoes, red lines): the "
                "agreement model needs one — see docs/formats.md.")
    else:
        st.markdown("**Deal or no deal** (the agreement model: parties, vetoes, red lines)")
        package = list(working.agreement.package)
        g1, g2 = st.columns(2)
        x_issue = g1.selectbox("Slice: horizontal issue", package, key="deal_x")
        y_choices = [i for i in package if i != x_issue] or [None]
        y_issue = g2.selectbox("Slice: vertical issue", y_choices, key="deal_y")
        inputs = fingerprint(working, draws, seed, widen)
        if st.button("Deal?"):
            from realpolitik.analysis.deal import analyse
            from realpolitik.analysis.levers import find_levers

            with st.spinner(f"the win-set, {draws:,} draws and the levers…"):
                try:
                    result = analyse(working, draws, seed, widen=widen)
                    levers = find_levers(working)
                except InputError as exc:
                    st.warning(f"Deal: {exc}")
                else:
                    store("deal", inputs, {"result": result, "levers": levers,
                                           "scenario": working,
                                           "label": f"{draws:,} draws, widen {widen:g}"})
        done = stored("deal")
        if done is not None:
            from realpolitik.report import plots

            stale_note(done, inputs)
            result, sc_done = done["result"], done["scenario"]
            lo, hi = result.interval()
            st.info(("Deal" if result.deal else "No deal (blockers: "
                     + (", ".join(result.blockers) or "none alone") + ")")
                    + f" — P(deal) = {result.p_deal:.3f} ({lo:.3f}–{hi:.3f}) over "
                    + done["label"])
            show_table(pd.DataFrame({
                "issue": package,
                "status quo": [sc_done.issue(i).status_quo for i in package],
                "package": [(result.package or {}).get(i, math.nan) for i in package],
                "win-set low": [(result.winset or {}).get(i, (math.nan,) * 2)[0]
                                for i in package],
                "win-set high": [(result.winset or {}).get(i, (math.nan,) * 2)[1]
                                 for i in package]}))
            st.pyplot(plots.deal_slice(sc_done, x_issue, y_issue))
            st.caption("Levers: the smallest changes that "
                       + ("break the deal" if result.deal else "open a deal"))
            if done["levers"]:
                show_table(pd.DataFrame([r.to_dict() for r in done["levers"][:15]]))

# --- downloads -----------------------------------------------------------------------------

with tabs[6]:
    d1, d2, d3 = st.columns(3)
    if d1.button("Prepare the HTML report"):
        from realpolitik.report.html import build

        try:
            st.session_state["report"] = build(working, models=chosen_models or None)
        except InputError as exc:
            d1.warning(f"Report: {exc}")
    if "report" in st.session_state:
        d1.download_button("Download report.html", st.session_state["report"],
                           file_name=f"{working.name}-report.html", mime="text/html")
    d2.download_button("Download the scenario (YAML)", dumps(working, "scenario.yaml"),
                       file_name=f"{working.name}.yaml", mime="application/x-yaml")
    d3.download_button("Download the scenario (Excel)", dumps(working, "scenario.xlsx"),
                       file_name=f"{working.name}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument."
                            "spreadsheetml.sheet")
