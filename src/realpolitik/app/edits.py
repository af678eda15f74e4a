"""The web app's grid edits as a pure function: tables of actors and stances in, a new
validated Scenario out (no Streamlit here, so it is tested like any other code).

What a grid row keeps: an actor or stance that is still there (same id, or same actor and
issue) keeps everything the grid does not show — description, evidence, uncertainty; a new
row starts with none; a removed actor takes its stances with it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..errors import InputError
from ..scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

ACTOR_COLUMNS = ("id", "name", "group", "capability")
STANCE_COLUMNS = ("actor", "issue", "position", "salience")


def actor_table(scenario: Scenario) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame([{"id": a.id, "name": a.name, "group": a.group,
                          "capability": a.capability} for a in scenario.actors],
                        columns=list(ACTOR_COLUMNS))


def stance_table(scenario: Scenario) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame([{"actor": s.actor, "issue": s.issue, "position": s.position,
                          "salience": s.salience} for s in scenario.stances],
                        columns=list(STANCE_COLUMNS))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip())


def _rows(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> list[dict]:
    rows = []
    for k, rec in enumerate(frame.to_dict("records"), start=1):
        if all(_blank(rec.get(c)) for c in columns):
            continue  # an empty row the grid added and the user left
        missing = [c for c in columns if _blank(rec.get(c))]
        if missing:
            raise InputError(f"row {k} has no {missing[0]}", field=f"{what} table",
                             allowed=f"every row with {', '.join(columns)}")
        rows.append({c: rec[c] for c in columns})
    return rows


def apply_tables(base: Scenario, actors: pd.DataFrame, stances: pd.DataFrame) -> Scenario:
    """``base`` with the actors and stances of the two grids; raises InputError on a row
    that makes no sense, and the scenario's own validation on the rest."""
    data = base.model_dump()
    old_actors = {a["id"]: a for a in data["actors"]}
    new_actors = []
    for row in _rows(actors, ACTOR_COLUMNS, "actors"):
        a = dict(old_actors.get(str(row["id"]), {}))
        a.update(id=str(row["id"]), name=str(row["name"]), group=str(row["group"]),
                 capability=float(row["capability"]))
        new_actors.append(a)
    kept = {a["id"] for a in new_actors}
    old_stances = {(s["actor"], s["issue"]): s for s in data["stances"]}
    new_stances = []
    for row in _rows(stances, STANCE_COLUMNS, "stances"):
        key = (str(row["actor"]), str(row["issue"]))
        if key[0] not in kept:
            continue  # the actor was removed in the actors grid
        s = dict(old_stances.get(key, {}))
        s.update(actor=key[0], issue=key[1], position=float(row["position"]),
                 salience=float(row["salience"]))
        new_stances.append(s)
    data["actors"], data["stances"] = new_actors, new_stances
    if data.get("agreement") is not None:
        _check_agreement_actors(data["agreement"], kept)
    from ..io.validate import build_scenario

    return build_scenario(data, source="the edited scenario")


def _check_agreement_actors(agreement: dict, kept: set[str]) -> None:
    named = set()
    for party in agreement.get("parties") or ():
        named.add(party.get("negotiator"))
        named.update(party.get("vetoes") or ())
        named.update(party.get("members") or ())
    named.update(v.get("actor") for v in agreement.get("vetoes") or ())
    named.update(r.get("actor") for r in agreement.get("red_lines") or ())
    gone = sorted(a for a in named if a and a not in kept)
    if gone:
        raise InputError(f"actor '{gone[0]}' is named in the agreement section",
                         field="actors table",
                         allowed="remove it from the agreement in the file first")


def changes(base: Scenario, edited: Scenario) -> list[str]:
    """Short descriptions of what the grids changed, for the app's summary line."""
    out = []
    before = {a.id: a for a in base.actors}
    after = {a.id: a for a in edited.actors}
    out += [f"added actor {a}" for a in after if a not in before]
    out += [f"removed actor {a}" for a in before if a not in after]
    out += [f"{a}: capability {before[a].capability:g} → {after[a].capability:g}"
            for a in after if a in before and before[a].capability != after[a].capability]
    old = {(s.actor, s.issue): s for s in base.stances}
    new = {(s.actor, s.issue): s for s in edited.stances}
    for key, s in new.items():
        if key not in old:
            out.append(f"added stance {key[0]}/{key[1]}")
        elif (old[key].position, old[key].salience) != (s.position, s.salience):
            out.append(f"{key[0]}/{key[1]}: {old[key].position:g} / {old[key].salience:.2f} "
                       f"→ {s.position:g} / {s.salience:.2f}")
    out += [f"removed stance {k[0]}/{k[1]}" for k in old
            if k not in new and k[0] in after]
    return out
