"""The realpolitik web app (Streamlit). Start it with ``realpolitik serve``.

Choose a built-in scenario or upload a file, change a stance or a capability, pick models,
run, see the forecasts' spread (Monte Carlo) and what moves them (tornado), compare the
article what-ifs, and download the report and the scenario. Uploaded
files are size-limited and read with the same readers and the same error messages as the
command line; the app reads no server path other than its own temporary copy of an upload.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal, get_args, get_origin

import pandas as pd
import streamlit as st

import realpolitik as rp
from realpolitik import scenarios as builtin
from realpolitik.errors import InputError
from realpolitik.io import dumps, readers
from realpolitik.models import get, names

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_DRAWS = 20_000  # keeps a click well under a minute for every model
SUFFIXES = sorted({s.lstrip(".") for r in readers() for s in r.suffixes})

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


with st.sidebar:
    st.header("Scenario")
    choice = st.selectbox("Built-in scenario", builtin.names())
    upload = st.file_uploader("…or upload a file", type=SUFFIXES)
    chosen_models = st.multiselect("Models", names(), default=["compromise", "median", "bdm"])

scenario: rp.Scenario | None = None
if upload is not None:
    try:
        scenario = _load_upload(upload)
        st.success(f"Loaded {upload.name}: {len(scenario.actors)} actors, "
                   f"{len(scenario.issues)} issues")
    except InputError as exc:
        st.error(f"Could not read the file: {exc}")
if scenario is None:
    scenario = rp.load(choice)

key = f"edits:{scenario.name}"
if key not in st.session_state:
    st.session_state[key] = {}
edits: dict = st.session_state[key]

st.subheader(scenario.title or scenario.name)
if scenario.as_of:
    st.caption(f"as of {scenario.as_of}")

st.markdown("**Change a stance or a capability**")
c1, c2, c3, c4 = st.columns(4)
actor = c1.selectbox("Actor", scenario.actor_ids)
issues_of_actor = [st_.issue for st_ in scenario.stances if st_.actor == actor]
issue = c2.selectbox("Issue", issues_of_actor)
stance = scenario.stance(actor, issue)
current = edits.get((actor, issue), {})
lo, hi = scenario.issue(issue).scale.min, scenario.issue(issue).scale.max
position = c3.slider("Position", float(lo), float(hi),
                     float(current.get("position", stance.position)))
salience = c4.number_input("Salience", min_value=0.0, max_value=1.0, step=0.05,
                           value=float(current.get("salience", stance.salience)))
cap_key = ("capability", actor)
capability = st.number_input(f"Capability of {actor}", min_value=0.0,
                             value=float(edits.get(cap_key, scenario.actor(actor).capability)))
if (position, salience) != (stance.position, stance.salience):
    edits[(actor, issue)] = {"position": position, "salience": salience}
if capability != scenario.actor(actor).capability:
    edits[cap_key] = capability


def edited(base: rp.Scenario) -> rp.Scenario:
    data = base.model_dump()
    for st_ in data["stances"]:
        change = edits.get((st_["actor"], st_["issue"]))
        if change:
            st_.update(change)
    for a in data["actors"]:
        if ("capability", a["id"]) in edits:
            a["capability"] = edits[("capability", a["id"])]
    return rp.Scenario.model_validate(data)


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


try:
    working = edited(scenario)
    params = parameter_widgets(scenario, chosen_models)
    if params != {m: dict(v) for m, v in working.model_params.items() if m in chosen_models}:
        data = working.model_dump()
        data["model_params"] = {**{m: v for m, v in working.model_params.items()
                                   if m not in chosen_models}, **params}
        working = rp.Scenario.model_validate(data)
except ValueError as exc:
    st.error(f"That change makes the scenario invalid: {exc}")
    working = scenario
if edits:
    st.caption(f"{len(edits)} change(s) from the file; "
               + ", ".join(f"{k[0]}/{k[1]}" for k in edits))
    if st.button("Undo all changes"):
        edits.clear()
        st.rerun()

if st.button("Run", type="primary") or "ran" in st.session_state:
    st.session_state["ran"] = True
    rows = {}
    for m in chosen_models:
        try:
            result = rp.forecast(working, model=m)  # with the parameters chosen above
        except InputError as exc:
            st.warning(f"{m}: {exc}")
            continue
        rows[m] = result.forecast
    if rows:
        frame = pd.DataFrame(rows, index=list(working.issue_ids)).round(1)
        frame.index.name = "issue"
        st.markdown("**Forecast**")
        st.dataframe(frame, width="stretch")
        first = next(iter(rows))
        st.caption("Forecast of " + first + " for " + issue + ": "
                   + f"{rows[first][working.issue_index(issue)]:.1f}")
        from realpolitik.report import plots

        dynamic = next((m for m in rows if m in ("bdm", "smp", "exchange")), None)
        if dynamic is not None:
            fig = plots.trajectory(rp.forecast(working, model=dynamic), working, issue)
            st.pyplot(fig)
        st.pyplot(plots.actor_map(working, issue))

st.markdown("**Uncertainty: Monte Carlo and sensitivity**")
u1, u2, u3, u4 = st.columns(4)
mc_model = u1.selectbox("Model", chosen_models or ["compromise"], key="mc_model")
draws = int(u2.number_input("Draws", min_value=100, max_value=MAX_DRAWS, value=1000,
                            step=100))
widen = u3.number_input("Widen (fraction of the scale)", min_value=0.0, max_value=0.5,
                        value=0.1, step=0.05,
                        help="added to every declared range; inputs without one vary "
                             "by this much")
seed = int(u4.number_input("Seed", min_value=0, value=0, step=1))
b1, b2 = st.columns(2)
if b1.button("Run Monte Carlo"):
    from realpolitik.report import plots

    with st.spinner(f"{draws:,} draws of {mc_model}…"):
        try:
            mc = rp.simulate(working, mc_model, draws=draws, seed=seed, widen=widen)
        except InputError as exc:
            st.warning(f"Monte Carlo: {exc}")
        else:
            rows = [{"issue": e["id"], "mean": e["mean"], "5%": e["quantiles"]["5"],
                     "median": e["median"], "95%": e["quantiles"]["95"], "sd": e["sd"]}
                    for e in mc.summary()]
            st.dataframe(pd.DataFrame(rows).set_index("issue").round(1), width="stretch")
            st.caption(f"Monte Carlo: {draws:,} draws of {mc_model}, seed {seed}, "
                       f"widen {widen:g}")
            st.pyplot(plots.distribution(mc.forecasts, working, issue, model=mc_model))
if b2.button("Sensitivity (tornado)"):
    from realpolitik.report import plots

    with st.spinner(f"one input at a time, {mc_model}…"):
        try:
            frame = rp.sensitivity(working, mc_model, delta=widen or 0.1, seed=seed)
        except InputError as exc:
            st.warning(f"Sensitivity: {exc}")
        else:
            top = frame[frame["issue"] == issue].sort_values("swing", ascending=False,
                                                             kind="stable").head(10)
            st.caption(f"Sensitivity of {mc_model} on {issue}: the ten inputs that move it "
                       "most")
            st.dataframe(top.round(2), width="stretch", hide_index=True)
            st.pyplot(plots.tornado(frame, working, issue))

if working.agreement is not None:
    st.markdown("**Deal or no deal** (the agreement model: parties, vetoes, red lines)")
    package = list(working.agreement.package)
    g1, g2 = st.columns(2)
    x_issue = g1.selectbox("Slice: horizontal issue", package, key="deal_x")
    y_choices = [i for i in package if i != x_issue] or [None]
    y_issue = g2.selectbox("Slice: vertical issue", y_choices, key="deal_y")
    if st.button("Deal?"):
        from realpolitik.analysis.deal import analyse
        from realpolitik.analysis.levers import find_levers
        from realpolitik.report import plots

        with st.spinner(f"the win-set, {draws:,} draws and the levers…"):
            try:
                result = analyse(working, draws, seed, widen=widen)
                levers = find_levers(working)
            except InputError as exc:
                st.warning(f"Deal: {exc}")
            else:
                lo, hi = result.interval()
                st.info(("Deal" if result.deal else "No deal (blockers: "
                         + (", ".join(result.blockers) or "none alone") + ")")
                        + f" — P(deal) = {result.p_deal:.3f} ({lo:.3f}–{hi:.3f}) over "
                        f"{draws:,} draws, widen {widen:g}")
                st.dataframe(pd.DataFrame({
                    "status quo": {i: working.issue(i).status_quo for i in package},
                    "package": result.package or {},
                    "win-set low": {i: v[0] for i, v in (result.winset or {}).items()},
                    "win-set high": {i: v[1] for i, v in (result.winset or {}).items()},
                }).round(1), width="stretch")
                st.pyplot(plots.deal_slice(working, x_issue, y_issue))
                st.caption("Levers: the smallest changes that "
                           + ("break the deal" if result.deal else "open a deal"))
                st.dataframe(pd.DataFrame([r.to_dict() for r in levers[:15]]).round(3),
                             width="stretch", hide_index=True)

if working.name == "russia-japan" or scenario.name == "russia-japan":
    from realpolitik.analysis.whatif import builtin_overlays, compare, load_overlay

    st.markdown("**The articles' strategies (what-ifs)**")
    name = st.selectbox("What-if", builtin_overlays("russia-japan"))
    if st.button("Apply what-if"):
        overlay = load_overlay(name, "russia-japan")
        try:
            table = compare(working, overlay, chosen_models or ["compromise"])
        except InputError as exc:
            st.warning(f"What-if: {exc}")
        else:
            if overlay.claim is not None:
                st.info(f"The article argues: {overlay.claim.summary}")
            st.dataframe(table.drop(columns=["overlay"]).round(1), width="stretch")

st.markdown("**Downloads**")
d1, d2 = st.columns(2)
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
