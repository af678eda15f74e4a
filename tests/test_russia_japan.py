"""The built-in Russia–Japan scenario: structure, and evidence for every number."""

from __future__ import annotations

import re
from collections import Counter

import pytest

import realpolitik as rp

from .conftest import require_shared

ACTORS = {"putin", "ru-mfa", "ru-security", "ru-public", "ru-energy", "abe", "jp-mofa",
          "jp-business", "jp-hardliners", "jp-former-residents", "us-admin", "us-military",
          "china", "g7"}
ISSUES = {"territory", "treaty", "sequencing", "sanctions", "economy", "alliance",
          "joint-activity", "militarisation"}
SEEDS = ("000", "001", "002", "003", "004")


def normalise(text: str) -> str:
    """Compare up to whitespace and typographic quote marks."""
    for fancy, plain in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(fancy, plain)
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def rj() -> rp.Scenario:
    return rp.load("russia-japan")


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    folder = require_shared("seeds")
    texts = {}
    for sid in SEEDS:
        (path,) = folder.glob(f"{sid}_*.txt")
        texts[sid] = normalise(path.read_text(encoding="utf-8"))
    return texts


def all_evidence(sc: rp.Scenario):
    for actor in sc.actors:
        for ev in actor.evidence:
            yield f"actors/{actor.id}", ev
    for st in sc.stances:
        for ev in st.evidence:
            yield f"stances/{st.actor}/{st.issue}", ev
    if sc.agreement is not None:
        yield from sc.agreement.all_evidence()


def test_structure(rj) -> None:
    assert rj.name == "russia-japan" and str(rj.as_of) == "2019-01-22"
    assert set(rj.actor_ids) == ACTORS
    assert set(rj.issue_ids) >= ISSUES
    territory = {a.value: a.label for a in rj.issue("territory").anchors}
    assert territory[0].startswith("Russia keeps all four")
    assert "1956" in territory[50] and territory[100].startswith("all four islands")
    for issue in rj.issues:
        assert (issue.scale.min, issue.scale.max) == (0, 100)
        assert len(issue.anchors) >= 3 and issue.status_quo is not None
        assert sum(1 for st in rj.stances if st.issue == issue.id) >= 4
    assert len(rj.stances) >= 60
    for sid in SEEDS:
        assert rj.sources[sid].title and rj.sources[sid].date


def test_every_quote_is_verbatim_in_its_seed(rj, seeds) -> None:
    checked = 0
    for where, ev in all_evidence(rj):
        if ev.kind != "quote":
            continue
        assert ev.source in seeds, f"{where}: quote from a non-seed source {ev.source}"
        assert normalise(ev.quote) in seeds[ev.source], f"{where}: not in {ev.source}: {ev.quote}"
        checked += 1
    assert checked >= 60


def test_every_number_carries_evidence(rj) -> None:
    for actor in rj.actors:
        assert any(ev.about == "capability" for ev in actor.evidence), actor.id
        assert actor.note and "judgement" in actor.note
    for st in rj.stances:
        abouts = {ev.about for ev in st.evidence}
        assert "both" in abouts or {"position", "salience"} <= abouts, (st.actor, st.issue)
        assert st.note, (st.actor, st.issue)


def test_facts_and_judgements_are_labelled(rj) -> None:
    for where, ev in all_evidence(rj):
        if ev.kind == "fact":
            assert ev.source not in SEEDS and ev.source != "judgement", where
        if ev.kind == "judgement":
            assert ev.source == "judgement" and ev.note, where
    kinds = Counter(ev.kind for _, ev in all_evidence(rj))
    assert kinds["quote"] > kinds["fact"] + kinds["judgement"]


def test_vague_evidence_becomes_ranges(rj) -> None:
    ranged = [st for st in rj.stances if st.position_uncertainty is not None]
    assert len(ranged) >= 5
    for st in ranged:
        assert "range" in st.note


def test_capabilities_follow_the_cinc_rule(rj) -> None:
    # COW NMC v6.0, CINC 2016 (../shared/docs/russia-japan-facts.md §4)
    assert rj.actor("putin").capability == pytest.approx(3.647)
    assert rj.actor("abe").capability == pytest.approx(3.297)
    cinc = require_shared("data", "capabilities", "cow_nmc6_cinc_2010_2016.csv").read_text()
    rus = next(ln for ln in cinc.splitlines() if ln.startswith("RUS,365,2016,"))
    assert float(rus.split(",")[9]) == pytest.approx(0.03647, abs=5e-6)


def test_every_model_forecasts_every_issue(rj) -> None:
    for name in rp.model_names():
        result = rp.forecast(rj, model=name)
        assert result.forecast.shape == (len(rj.issues),)
        if name == "agreement":  # forecasts the package issues only
            package = rj.agreement.package if rj.agreement is not None else ()
            values = [result.forecast[rj.issue_ids.index(i)] for i in package]
            assert all(0 <= v <= 100 for v in values), name
        elif name != "status-quo":
            assert all(0 <= v <= 100 for v in result.forecast), name


def test_doc_lists_every_stance_as_in_the_data(rj) -> None:
    from .conftest import ROOT

    doc = (ROOT / "docs" / "russia-japan.md").read_text(encoding="utf-8")
    for st in rj.stances:
        row = f"| {st.actor} | {st.issue} | {st.position:g} | {st.salience:g} |"
        assert row in doc, row
    for actor in rj.actors:
        assert f"| `{actor.id}` |" in doc


def test_agreement_section_names_the_parties_vetoes_and_red_lines(rj) -> None:
    """The default and each snapshot carry their own agreement section: the same package and
    sides, every party, veto and red line with evidence and a note labelling its judgement."""
    from realpolitik.analysis.whatif import apply, builtin_overlays, load_overlay

    sections = {"default": rj.agreement}
    for stem in builtin_overlays("russia-japan", "snapshots"):
        overlay = load_overlay(stem)
        assert overlay.agreement is not None, f"{stem} keeps the default's agreement section"
        sections[stem] = apply(rj, overlay).agreement
    for name, ag in sections.items():
        assert ag is not None, name
        assert ag.package == ("territory", "treaty", "alliance"), name
        sides = {p.id: p for p in ag.parties}
        assert (sides["russia"].negotiator, sides["japan"].negotiator) == ("putin", "abe")
        assert "ru-security" in sides["russia"].vetoes and "jp-hardliners" in sides["japan"].vetoes
        assert [(v.actor, v.issues) for v in ag.vetoes] == [("us-military", ("alliance",))]
        lines = {(r.actor, r.issue, r.min, r.max, r.when.issue if r.when else None)
                 for r in ag.red_lines}
        assert ("putin", "territory", None, 50, None) in lines, name        # the 1956 ceiling
        assert ("putin", "territory", None, 25, "treaty") in lines, name    # treaty first
        assert ag.evidence and "judgement" in (ag.note or ""), name
        for item in (*ag.parties, *ag.vetoes, *ag.red_lines):
            assert item.evidence, (name, item)
            assert item.note and "judgement" in item.note, (name, item)
            assert any(ev.kind == "quote" for ev in item.evidence) or item in ag.red_lines, \
                (name, item)
