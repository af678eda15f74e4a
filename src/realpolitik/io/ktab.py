"""KTAB's SMP scenario formats: CSV (``smpc --csv``) and XML (``smpc --xml``).

CSV: row 1 ``name, description, nActors, nDims``; row 2 a header whose fields after the
first three come in pairs, the first of each pair naming a dimension; then one row per actor
``name, description, capability, pos_0, sal_0, …``. Read as KTAB's reader does: quoted
stretches keep commas, surrounding ``"`` are stripped, ``$$`` is a comma and ``&quot;`` a
quote, numbers are the longest numeric prefix of a field. Stricter than KTAB, so that
nothing is dropped without a word: exactly nActors actor rows (no further non-empty line),
no non-empty cell beyond the nDims pairs (a trailing comma is fine), no quote left open.
Positions and saliences are on 0–100; an actor's saliences may add up to at most 100, as
KTAB's smpc requires (it aborts on a running total above 100). Two deviations, each said in
the scenario's notes: a total that is 100 in decimal but above it in double precision
(``33.4, 33.3, 33.3``), which smpc would refuse, is read as it is; and with the reader
option ``saliences=normalise`` an actor's saliences over 100 are scaled to add up to 100
(refused otherwise, with the scaled values to write). A decimal comma (``"40,5"``, which
smpc reads as 40) is refused with the fix.

XML: ``<Scenario>`` with ``name``, ``desc``, ``prngSeed``, optional ``ModelParameters``
(all nine SMP parameters, KTAB's spelling), ``Dimensions/dName``, ``Actors/Actor`` and
optional ``IdealAdjustment/iaPair``. The model parameters and the ideal-adjustment matrix
become the scenario's defaults for the ``smp`` model.

KTAB's limit of 250 actors is not enforced: the model does not need it.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ..errors import InputError
from ..scenario import Scenario
from .registry import Reader, Writer
from .validate import build_scenario

_NUMBER = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")


def _split(line: str, source=None, line_no: int | None = None) -> list[str]:
    """KTAB's minicsv splitting (quote rules of the SMP specification §2.1). With a
    ``line_no``, a quote left open at the end of the line is an error."""
    fields: list[str] = []
    current = []
    quoted = False
    at_start = True
    for ch in line:
        if ch == '"' and (at_start or quoted):
            quoted = not quoted
            current.append(ch)
            at_start = False
            continue
        if ch == "," and not quoted:
            fields.append("".join(current))
            current = []
            at_start = True
            continue
        current.append(ch)
        at_start = False
    fields.append("".join(current))
    if quoted and line_no is not None:
        raise InputError('a quote (") is opened and never closed', source=source,
                         line=line_no, allowed='quoted text closed on the same line, '
                         'e.g. "Smith, J." (or $$ for a comma)')
    return [f.strip('"').replace("$$", ",").replace("&quot;", '"') for f in fields]


def _number(raw: str, source, line: int, what: str, column: int | None = None) -> float:
    field = None if column is None else f"column {column}"
    match = _NUMBER.match(raw)
    if not match:
        raise InputError(f"{what} {raw.strip()!r} is not a number", source=source, line=line,
                         field=field, allowed="a number")
    rest = raw[match.end():]
    if re.match(r",\d", rest):  # a quoted "40,5": KTAB reads 40 and drops the rest
        whole = match.group(1)
        frac = re.match(r",(\d+)", rest).group(1)  # type: ignore[union-attr]
        raise InputError(f"{what} {raw.strip()!r} has a decimal comma, which KTAB's smpc "
                         f"reads as {whole} (it stops at the comma)", source=source,
                         line=line, field=field,
                         allowed=f"a decimal point: write {whole}.{frac}"
                         + (f" (or {whole}{frac} if the comma separates thousands)"
                            if len(frac) == 3 else ""))
    value = float(match.group(1))
    if not math.isfinite(value):
        raise InputError(f"{what} {raw.strip()!r} is not finite", source=source, line=line,
                         allowed="a finite number")
    return value


def sniff_csv(text: str) -> bool:
    lines = [ln for ln in text.lstrip("\ufeff").splitlines()[:2]]
    if len(lines) < 2:
        return False
    first = _split(lines[0])
    return (len(first) >= 4 and _NUMBER.match(first[2]) is not None
            and _NUMBER.match(first[3]) is not None and not lines[0].lstrip().startswith("#"))


def _slug(text: str, fallback: str) -> str:
    slug = re.sub(r"\s+", " ", text).strip()
    return slug or fallback


def _build(name: str, desc: str, dims: list[str], actors: list[dict], source,
           model_params: dict | None = None, notes: list[str] | None = None) -> Scenario:
    issue_ids: list[str] = []
    for d, raw in enumerate(dims):
        base = _slug(raw, f"dim{d + 1}")
        candidate, k = base, 2
        while candidate in issue_ids:
            candidate, k = f"{base}-{k}", k + 1
        issue_ids.append(candidate)
    actor_ids: list[str] = []
    data_actors, stances = [], []
    for a, actor in enumerate(actors):
        base = _slug(actor["name"], f"actor{a + 1}")
        candidate, k = base, 2
        while candidate in actor_ids:
            candidate, k = f"{base}-{k}", k + 1
        actor_ids.append(candidate)
        data_actors.append({"id": candidate, "name": actor["name"],
                            "description": actor["description"],
                            "capability": actor["capability"]})
        for d, issue in enumerate(issue_ids):
            stances.append({"actor": candidate, "issue": issue,
                            "position": actor["position"][d],
                            "salience": actor["salience"][d] / 100.0})
    data = {
        "name": re.sub(r"[^\w.\- ]+", "-", name).strip() or "ktab",
        "title": name.strip(),
        "description": desc,
        "notes": notes or ["reader: KTAB SMP scenario; positions and saliences divided by 100"],
        "actors": data_actors,
        "issues": [{"id": i, "name": dims[k] or i} for k, i in enumerate(issue_ids)],
        "stances": stances,
    }
    if model_params:
        data["model_params"] = {"smp": model_params}
    return build_scenario(data, source=source)


SALIENCE_OPTIONS = ("refuse", "normalise")
# a decimal total of 100 summed in double precision lands within this of it
ROUNDING = 1e-9


def _check_actor(actor: dict, source, line: int | None, field: str | None,
                 saliences: str = "refuse") -> str | None:
    """Check one actor's numbers; returns a note when its saliences were read other than
    as KTAB's smpc would (see the module text)."""
    if not 0 <= actor["capability"] <= 1e8:
        raise InputError(f"capability {actor['capability']:g} is out of range", source=source,
                         line=line, field=field, allowed="0 to 1e8")
    total = 0.0
    for d, (x, s) in enumerate(zip(actor["position"], actor["salience"], strict=True)):
        if not 0 <= x <= 100:
            raise InputError(f"position {x:g} on dimension {d + 1} is out of range",
                             source=source, line=line, field=field, allowed="0 to 100")
        if not 0 <= s <= 100:
            raise InputError(f"salience {s:g} on dimension {d + 1} is out of range",
                             source=source, line=line, field=field, allowed="0 to 100")
        total += s  # in dimension order, in double precision, as smpc does
    if total <= 100:
        return None
    sal = actor["salience"]
    if total <= 100 + ROUNDING:
        return (f"reader: actor {actor['name']!r}: saliences add up to 100 (in double precision "
                f"{total!r}, which KTAB's smpc refuses); read as given")
    terms = " + ".join(f"{v:g}" for v in sal)
    if saliences == "normalise":
        actor["salience"] = [v * 100.0 / total for v in sal]
        return (f"reader: actor {actor['name']!r}: saliences added up to {total:g} ({terms}); "
                f"scaled by 100/{total:g} to add up to 100 (saliences=normalise)")
    scaled = ", ".join(f"{v * 100.0 / total:.4g}" for v in sal)
    raise InputError(f"actor {actor['name']!r}: saliences add up to {total:g} ({terms}), over "
                     "100 (KTAB's smpc refuses this too)", source=source, line=line,
                     field=field, allowed=f"a total of at most 100 per actor, e.g. {scaled} "
                     f"(each × 100/{total:g}); or read them so, with a note, with the "
                     "reader option saliences=normalise")


def _salience_option(saliences: str, source) -> str:
    if saliences not in SALIENCE_OPTIONS:
        raise InputError(f"unknown value '{saliences}'", source=source, field="saliences",
                         allowed=", ".join(SALIENCE_OPTIONS))
    return saliences


def parse_csv(text: str, source: str | Path | None = None, *, saliences: str = "refuse",
              **_: object) -> Scenario:
    saliences = _salience_option(saliences, source)
    notes: list[str] = []
    lines = text.lstrip("\ufeff").split("\n")
    lines = [ln.rstrip("\r") for ln in lines]
    if not lines or not lines[0].strip():
        raise InputError("the file is empty", source=source, line=1,
                         allowed="KTAB CSV: name, description, nActors, nDims on row 1")
    head = _split(lines[0], source, 1)
    if len(head) < 4:
        raise InputError("row 1 needs name, description, nActors, nDims", source=source,
                         line=1, allowed="four fields")
    n_actors = int(_number(head[2], source, 1, "nActors"))
    n_dims = int(_number(head[3], source, 1, "nDims"))
    if n_dims < 1:
        raise InputError(f"nDims is {n_dims}", source=source, line=1, allowed="1 or more")
    if n_actors < 3:
        raise InputError(f"nActors is {n_actors}", source=source, line=1,
                         allowed="3 or more actors")
    if len(lines) < 2 or not lines[1].strip():
        raise InputError("row 2 (the header) is missing", source=source, line=2,
                         allowed="a header row naming the dimensions")
    header = _split(lines[1], source, 2)
    dims = [header[3 + 2 * d] if 3 + 2 * d < len(header) else "" for d in range(n_dims)]
    actors = []
    for k in range(n_actors):
        line_no = 3 + k
        if line_no > len(lines) or not lines[line_no - 1].strip():
            raise InputError(f"expected {n_actors} actor rows, found {k}", source=source,
                             line=line_no, allowed="nActors rows with no empty line between")
        fields = _split(lines[line_no - 1], source, line_no)
        need = 3 + 2 * n_dims
        if len(fields) < need:
            raise InputError(f"the row has {len(fields)} fields", source=source, line=line_no,
                             allowed=f"at least {need}: name, description, capability and "
                                     f"{n_dims} position/salience pairs")
        extra = [f for f in fields[need:] if f.strip()]
        if extra:  # a trailing comma (an empty last field) is what KTAB itself writes
            numbers = fields[2:need]
            hint = (" — if a number has a decimal comma (40,5), it is split in two: write "
                    "40.5 (KTAB CSV separates fields with commas)"
                    if any(re.fullmatch(r"\s*\d+\s*", f) for f in numbers) else "")
            raise InputError(f"the row has {need + len(extra)} non-empty fields, "
                             f"{len(extra)} more than nDims {n_dims} allows "
                             f"(first extra: {extra[0].strip()!r}){hint}", source=source,
                             line=line_no, allowed=f"{need}: name, description, capability "
                             f"and {n_dims} position/salience pairs")
        if not fields[0].strip():
            raise InputError("empty actor name", source=source, line=line_no,
                             allowed="a non-empty name")
        actor = {
            "name": fields[0].strip(),
            "description": fields[1],
            "capability": _number(fields[2], source, line_no, "capability", 3),
            "position": [_number(fields[3 + 2 * d], source, line_no, "position", 4 + 2 * d)
                         for d in range(n_dims)],
            "salience": [_number(fields[4 + 2 * d], source, line_no, "salience", 5 + 2 * d)
                         for d in range(n_dims)],
        }
        said = _check_actor(actor, source, line_no, None, saliences)
        if said:
            notes.append(f"{said} (line {line_no})")
        actors.append(actor)
    following = [k + 1 for k, ln in enumerate(lines) if k >= 2 + n_actors and ln.strip()]
    if following:
        rows = sum(1 for ln in lines[2:] if ln.strip())
        raise InputError(f"row 1 declares nActors {n_actors} but {rows} actor rows follow "
                         "the header (the extra rows would be dropped)", source=source,
                         line=following[0], allowed="exactly nActors actor rows: "
                         "correct nActors on row 1 or remove the extra rows")
    if notes:
        notes.insert(0, "reader: KTAB SMP scenario; positions and saliences divided by 100")
    return _build(head[0], head[1], dims, actors, source, notes=notes or None)


def _text(node: ET.Element | None, path: str, source, required: bool = True) -> str:
    if node is None or node.text is None or not node.text.strip():
        if required:
            raise InputError("missing or empty", source=source, field=path,
                             allowed="a value")
        return ""
    return node.text.strip()


def _xml_number(node, path, source) -> float:
    raw = _text(node, path, source)
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"{raw!r} is not a number", source=source, field=path,
                         allowed="a number") from None
    if not math.isfinite(value):
        raise InputError(f"{raw!r} is not finite", source=source, field=path,
                         allowed="a finite number")
    return value


def _spelled(ktab: str, ours: str) -> dict[str, str]:
    return dict(zip(ktab.split(), ours.split(), strict=True))


# An XML file's ModelParameters: element → (the smp parameter, KTAB's spelling → ours).
# The format's vocabulary lives here, with the reader; a test checks that it names every
# value the smp model allows, so the reader needs nothing from the model layer.
KTAB_NAMES: dict[str, tuple[str, dict[str, str]]] = {
    "VictoryProbModel": ("victory", _spelled("Linear Square Quartic Octic Binary",
                                             "linear square quartic octic binary")),
    "PCEModel": ("pce", _spelled("Conditional MarkovIncentive MarkovUniform",
                                 "conditional markov-incentive markov-uniform")),
    "StateTransitions": ("transitions", _spelled("Deterministic Stochastic",
                                                 "deterministic stochastic")),
    "VotingRule": ("voting", _spelled("Binary PropBin Prop PropCbc Cubic ASymProsp",
                                      "binary propbin prop propcbc cubic asymprosp")),
    "BigRAdjust": ("big_r_adjust", _spelled("None OneThird Half TwoThirds Full",
                                            "none one-third half two-thirds full")),
    "BigRRange": ("big_r_range", _spelled("Min Mid Max", "min mid max")),
    "ThirdPartyCommit": ("commit", _spelled("NoCommit SemiCommit FullCommit",
                                            "no-commit semi-commit full-commit")),
    "InterVecBrgn": ("inter_vec", _spelled("S1P1 S2P2 S2PMax", "s1p1 s2p2 s2pmax")),
    "BargnModel": ("bargain", _spelled("InitOnlyInterp InitRcvrInterp PWCompInterp",
                                       "init-only init-rcvr pw-comp")),
}


def parse_xml(text: str, source: str | Path | None = None, *, saliences: str = "refuse",
              **_: object) -> Scenario:
    saliences = _salience_option(saliences, source)
    said: list[str] = []
    try:
        root = ET.fromstring(text.lstrip("\ufeff").encode("utf-8"))
    except ET.ParseError as exc:
        raise InputError(f"malformed XML: {exc}", source=source,
                         line=exc.position[0] if exc.position else None,
                         allowed="well-formed XML") from None
    if root.tag != "Scenario":
        raise InputError(f"the root element is <{root.tag}>", source=source, field="/",
                         allowed="<Scenario>")
    name = _text(root.find("name"), "Scenario/name", source, required=False)
    desc = _text(root.find("desc"), "Scenario/desc", source, required=False)
    seed = _text(root.find("prngSeed"), "Scenario/prngSeed", source)
    params: dict[str, object] = {}
    mp = root.find("ModelParameters")
    if mp is not None:
        for element, (key, values) in KTAB_NAMES.items():
            raw = _text(mp.find(element), f"Scenario/ModelParameters/{element}", source)
            if raw not in values:
                raise InputError(f"unknown value {raw!r}", source=source,
                                 field=f"Scenario/ModelParameters/{element}",
                                 allowed=", ".join(values))
            params[key] = values[raw]
    dims_node = root.find("Dimensions")
    dims = [_text(d, f"Scenario/Dimensions/dName[{k + 1}]", source)
            for k, d in enumerate(dims_node.findall("dName") if dims_node is not None else [])]
    if not dims:
        raise InputError("no dimensions", source=source, field="Scenario/Dimensions",
                         allowed="one or more <dName>")
    actors = []
    actors_node = root.find("Actors")
    for k, node in enumerate(actors_node.findall("Actor") if actors_node is not None else []):
        path = f"Scenario/Actors/Actor[{k + 1}]"
        coords = node.find("Position")
        sals = node.find("Salience")
        pos = [_xml_number(c, f"{path}/Position/dCoord[{d + 1}]", source)
               for d, c in enumerate(coords.findall("dCoord") if coords is not None else [])]
        sal = [_xml_number(c, f"{path}/Salience/dSal[{d + 1}]", source)
               for d, c in enumerate(sals.findall("dSal") if sals is not None else [])]
        if len(pos) != len(dims) or len(sal) != len(dims):
            raise InputError(f"{len(pos)} coordinates and {len(sal)} saliences",
                             source=source, field=path, allowed=f"{len(dims)} of each")
        actor = {"name": _text(node.find("name"), f"{path}/name", source),
                 "description": _text(node.find("description"), f"{path}/description",
                                      source),
                 "capability": _xml_number(node.find("capability"), f"{path}/capability",
                                           source),
                 "position": pos, "salience": sal}
        if actor["capability"] <= 0:
            raise InputError(f"capability {actor['capability']:g} is not positive",
                             source=source, field=f"{path}/capability", allowed="> 0")
        note = _check_actor(actor, source, None, path, saliences)
        if note:
            said.append(f"{note} ({path})")
        actors.append(actor)
    if len(actors) < 3:
        raise InputError(f"{len(actors)} actors", source=source, field="Scenario/Actors",
                         allowed="3 or more")
    names = [a["name"] for a in actors]
    ia = root.find("IdealAdjustment")
    if ia is not None:
        n = len(actors)
        matrix = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
        for k, pair in enumerate(ia.findall("iaPair")):
            path = f"Scenario/IdealAdjustment/iaPair[{k + 1}]"
            who = _text(pair.find("adjustingIdeal"), f"{path}/adjustingIdeal", source)
            ref = _text(pair.find("referencePos"), f"{path}/referencePos", source)
            value = _xml_number(pair.find("adjust"), f"{path}/adjust", source)
            for label, actor_name in (("adjustingIdeal", who), ("referencePos", ref)):
                if actor_name not in names:
                    raise InputError(f"unknown actor {actor_name!r}", source=source,
                                     field=f"{path}/{label}", allowed=", ".join(names[:10]))
            if not 0 <= value <= 1:
                raise InputError(f"adjust {value:g} is out of range", source=source,
                                 field=f"{path}/adjust", allowed="0 to 1")
            matrix[names.index(who)][names.index(ref)] = value
        for i, row in enumerate(matrix):
            if sum(row) > 1 + 1e-10:
                raise InputError(f"the adjustments of {names[i]!r} add up to {sum(row):g}",
                                 source=source, field="Scenario/IdealAdjustment",
                                 allowed="a row sum of at most 1")
        if matrix != [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]:
            params["ideal_adjustment"] = matrix
    notes = [f"reader: KTAB SMP XML; prngSeed {seed} (the deterministic model does not use it)",
             *said]
    return _build(name, desc, dims, actors, source, params or None, notes)


def dump_csv(scenario: Scenario) -> str:
    """A scenario as KTAB CSV: positions mapped to 0–100, saliences × 100 and scaled per
    actor to add up to at most 100 (as the smp model does); a missing stance is written at
    the issue's status quo (or mid-scale) with salience 0."""
    import numpy as np

    lo, hi = scenario.scale_min, scenario.scale_max
    pos = (scenario.position - lo) / (hi - lo) * 100.0
    fill = np.where(np.isnan(scenario.status_quo), 50.0,
                    (scenario.status_quo - lo) / (hi - lo) * 100.0)
    pos = np.where(np.isnan(pos), fill[None, :], pos)
    sal = scenario.salience.copy()
    sums = sal.sum(axis=1, keepdims=True)
    sal = np.where(sums > 1.0, sal / np.maximum(sums, 1.0), sal) * 100.0

    def clean(text: str) -> str:
        return text.replace(",", "$$").replace('"', "&quot;")

    n, m = pos.shape
    out = [f'{clean(scenario.title or scenario.name)},"{clean(scenario.description)}",{n},{m},']
    header = ["Actor", "Description", "Power"]
    for issue in scenario.issues:
        header += [clean(issue.id), f"Sal-{clean(issue.id)}"]
    out.append(",".join(header) + ",")
    for a, actor in enumerate(scenario.actors):
        row = [clean(actor.id), clean(actor.description or actor.name), repr(actor.capability)]
        for i in range(m):
            row += [repr(float(pos[a, i])), repr(float(sal[a, i]))]
        out.append(",".join(row) + ",")
    return "\n".join(out) + "\n"


READERS = (
    Reader(name="ktab-csv", description="KTAB SMP scenario CSV (smpc --csv)",
           suffixes=(".csv",), sniff=sniff_csv, parse=parse_csv, priority=60,
           options=("saliences",)),
    Reader(name="ktab-xml", description="KTAB SMP scenario XML (smpc --xml)",
           suffixes=(".xml",), sniff=lambda text: "<Scenario" in text[:4096],
           parse=parse_xml, priority=60, options=("saliences",)),
)

WRITER = Writer(
    name="ktab-csv",
    description="KTAB SMP scenario CSV, to compare with smpc",
    suffixes=(),
    dump=dump_csv,
)
