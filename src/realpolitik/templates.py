"""Starting points: a scenario template that validates, and small example files of every
input format (made here, so they need no download and carry no one else's data)."""

from __future__ import annotations

import numpy as np

from .scenario import Scenario

_TEMPLATE_HEAD = """\
# A realpolitik scenario (see docs/formats.md). Replace every TODO: names, numbers, quotes.
# - capability: what an actor can bring to bear (any non-negative number; only ratios count)
# - position: where the actor stands on the issue's scale; salience: how much it cares (0-1)
# - evidence: why a number is what it is: kind 'quote' (verbatim from the source), 'fact'
#   (a cited external fact) or 'judgement' (your reading, stated as such)
# Check it with `realpolitik validate FILE`; forecast it with `realpolitik forecast FILE`.
"""


def template(name: str, n_actors: int = 3, n_issues: int = 2) -> Scenario:
    """A scenario with ``n_actors`` actors and ``n_issues`` 0–100 issues, every stance a
    placeholder marked as a judgement to be replaced."""
    todo = "TODO: the passage or reasoning behind this number"
    actors = [{"id": f"actor-{a + 1}", "name": f"TODO actor {a + 1}", "group": "TODO",
               "capability": 1.0} for a in range(n_actors)]
    issues = [{"id": f"issue-{i + 1}", "name": f"TODO issue {i + 1}",
               "anchors": [{"value": 0, "label": "TODO: what 0 means"},
                           {"value": 100, "label": "TODO: what 100 means"}],
               "status_quo": 0.0} for i in range(n_issues)]
    stances = [{"actor": a["id"], "issue": i["id"],
                "position": round(100.0 * k / max(n_actors - 1, 1), 1), "salience": 0.5,
                "evidence": [{"source": "notes", "quote": todo, "kind": "judgement"}]}
               for k, a in enumerate(actors) for i in issues]
    return Scenario.model_validate({
        "name": name, "title": f"TODO: a title for {name}",
        "sources": {"notes": {"title": "TODO: the sources you draw on"}},
        "actors": actors, "issues": issues, "stances": stances,
    })


def template_yaml(name: str, n_actors: int = 3, n_issues: int = 2) -> str:
    from .io.native import dump_yaml

    return _TEMPLATE_HEAD + dump_yaml(template(name, n_actors, n_issues))


# A made-up case for the examples: a city council deciding a harbour budget and its share of
# green investment. Illustration only; no real actors.
_EXAMPLE = {
    "name": "harbour",
    "title": "Harbour budget (a made-up example)",
    "description": "Five council actors bargain over next year's harbour budget and the share "
                   "of it spent on green investment. Invented numbers, for trying the tools.",
    "as_of": "2024-01-15",
    "sources": {"example": {"title": "Invented for the realpolitik examples"}},
    "actors": [
        {"id": "mayor", "name": "Mayor", "group": "executive", "capability": 40},
        {"id": "greens", "name": "Green party", "group": "council", "capability": 25},
        {"id": "business", "name": "Chamber of commerce", "group": "society",
         "capability": 20},
        {"id": "port", "name": "Port authority", "group": "executive", "capability": 30},
        {"id": "residents", "name": "Residents' association", "group": "society",
         "capability": 10},
    ],
    "issues": [
        {"id": "budget", "name": "Harbour budget (million)", "scale": {"min": 0, "max": 200},
         "anchors": [{"value": 0, "label": "no harbour budget"},
                     {"value": 100, "label": "last year's budget"},
                     {"value": 200, "label": "double last year's"}],
         "status_quo": 100},
        {"id": "green", "name": "Green share (%)",
         "anchors": [{"value": 0, "label": "nothing green"},
                     {"value": 50, "label": "half green"},
                     {"value": 100, "label": "all green"}],
         "status_quo": 10},
    ],
    "stances": [
        {"actor": a, "issue": i, "position": x, "salience": s,
         "evidence": [{"source": "example", "quote": "invented for the example",
                       "kind": "judgement"}]}
        for a, i, x, s in (
            ("mayor", "budget", 120, 0.8), ("mayor", "green", 30, 0.4),
            ("greens", "budget", 90, 0.3), ("greens", "green", 80, 0.9),
            ("business", "budget", 160, 0.7), ("business", "green", 10, 0.5),
            ("port", "budget", 180, 0.9), ("port", "green", 20, 0.3),
            ("residents", "budget", 60, 0.5), ("residents", "green", 60, 0.7),
        )
    ],
}


def example() -> Scenario:
    """The made-up harbour case the example files hold."""
    return Scenario.model_validate(_EXAMPLE)


def example_deu(n_issues: int = 12, seed: int = 2024) -> str:
    """A synthetic file in the DEU layout (tab-separated; made-up actors and issues) so
    `backtest deu` can be tried without the real data set. Outcomes are the salience- and
    size-weighted mean plus noise: a toy, not evidence of anything."""
    rng = np.random.default_rng(seed)
    actors = ("com", "ep", "de", "fr", "it", "nl", "pl")
    gdp = (0.0, 0.0, 3.4, 2.5, 1.9, 0.8, 0.5)
    header = ["prnr", "isnr", "proc", "counvte", *(f"p{a}" for a in actors),
              *(f"s{a}" for a in actors), "rp", "out"]
    rows = ["\t".join(f'"{h}"' for h in header),
            "\t".join(["", "", "", "", *(f"{g:g}" for g in gdp), *([""] * len(actors)),
                       "", ""])]
    for k in range(n_issues):
        pos = rng.choice([0, 25, 50, 75, 100], size=len(actors)).astype(float)
        sal = rng.integers(3, 10, size=len(actors)) * 10.0
        weight = sal * (np.array(gdp) + 1.0)
        out = float(np.clip(np.round(pos @ weight / weight.sum() + rng.normal(0, 10)), 0, 100))
        proc = "cod" if k % 2 else "cns"
        rows.append("\t".join([f"d{10 + k % 5:02d}{k:03d}", f"d{k:03d}-1", proc,
                               "qmv" if k % 3 else "unan",
                               *(f"{x:g}" for x in pos), *(f"{s:g}" for s in sal),
                               "0", f"{out:g}"]))
    return "\n".join(rows) + "\n"


def example_files() -> dict[str, str | bytes]:
    """File name → content for `realpolitik examples`."""
    from .io import ktab, native, xlsx
    from .io.bdm_table import dump as bdm_dump
    from .io.decide import dump as decide_dump

    sc = example()
    return {
        "my_case.yaml": native.dump_yaml(sc),
        "my_case.xlsx": xlsx.dump(sc),
        "ktab.csv": ktab.dump_csv(sc),
        "bdm-table.csv": bdm_dump(sc),
        "decide.csv": decide_dump(sc),
        "deu-sample.tsv": example_deu(),
    }
