"""What-if overlays: the format, apply() by hand, clear errors for bad overlays, compare()."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from realpolitik.analysis.whatif import apply, compare, load_overlay, parse_overlay
from realpolitik.errors import InputError

from .conftest import FIXTURES

OVERLAY = FIXTURES / "whatif" / "tiny-shift.yaml"


def test_apply_every_kind_of_change(tiny) -> None:
    ov = load_overlay(OVERLAY)
    out = apply(tiny, ov)
    assert out.name == "tiny.tiny-shift" and str(out.as_of) == "2019-02-01"
    assert out.actor_ids == ("a", "b", "c", "d")
    assert out.capability.tolist() == [2.0, 2.0, 3.0, 1.0]
    assert out.position[1, 0] == 60  # set
    assert out.salience[2, 0] == pytest.approx(0.25)  # shift 0.5 - 0.25
    assert out.position[3, 0] == 100 and out.salience[3, 0] == 1.0  # added actor
    assert out.position[1, 1] == 5  # added stance
    # the change's evidence travels with what it changed; the source was merged
    assert [e.quote for e in out.stance("c", "land").evidence] == ["c cares less"]
    assert "extra" in out.sources and out.actor("a").evidence[0].quote == "a grows"
    # the input is untouched (pure function)
    assert tiny.position[1, 0] == 50 and tiny.actor_ids == ("a", "b", "c")


def test_remove_actor(tiny) -> None:
    ov = parse_overlay("""
name: no-b
changes:
  - {remove_actor: b, evidence: [{source: hand, quote: b leaves, kind: judgement}]}
""")
    out = apply(tiny, ov)
    assert out.actor_ids == ("a", "c")
    assert all(s.actor != "b" for s in out.stances)


def test_compare_hand_computed(tiny) -> None:
    table = compare(tiny, load_overlay(OVERLAY), ["compromise", "median"])
    row = table[(table.model == "compromise") & (table.issue == "land")].iloc[0]
    # baseline: (1*1*0 + 2*.5*50 + 3*.5*100) / (1 + 1 + 1.5) = 200/3.5
    assert row.baseline == pytest.approx(200 / 3.5)
    # what-if: a 2*1 @0, b 2*.5 @60, c 3*.25 @100, d 1*1 @100 → 235 / 4.75
    assert row.whatif == pytest.approx(235 / 4.75)
    assert row.difference == pytest.approx(235 / 4.75 - 200 / 3.5)
    assert row.claim == 50
    money = table[(table.model == "median") & (table.issue == "money")].iloc[0]
    assert math.isnan(money.claim) and money.difference == 0


def test_same_input_same_table(tiny) -> None:
    ov = load_overlay(OVERLAY)
    assert compare(tiny, ov).to_csv() == compare(tiny, ov).to_csv()


BAD = [
    # (overlay text, words the message must contain, line)
    ("name: x\nchanges:\n  - {set: position, actor: b, issue: land, value: 120,\n"
     "     evidence: [{source: hand, quote: q}]}\n",
     ["changes[0]", "set to 120", "0 to 100"], 3),
    ("name: x\nchanges:\n  - {shift: salience, actor: a, issue: land, by: 0.5,\n"
     "     evidence: [{source: hand, quote: q}]}\n",
     ["shifted by +0.5 from 1 to 1.5", "0 to 1"], 3),
    ("name: x\nchanges:\n  - {set: capability, actor: a, value: 1, evidence: []}\n",
     ["changes[0].evidence", "at least 1 item"], 3),
    ("name: x\nchanges:\n  - {set: position, actor: zz, issue: land, value: 1,\n"
     "     evidence: [{source: hand, quote: q}]}\n",
     ["unknown actor 'zz'", "a, b, c"], 3),
    ("name: x\nchanges:\n  - {set: position, actor: b, issue: money, value: 1,\n"
     "     evidence: [{source: hand, quote: q}]}\n",
     ["no stance on issue 'money'", "add_stance"], 3),
    ("name: x\nchanges:\n  - {set: position, actor: a, issue: land, value: 1,\n"
     "     evidence: [{source: nowhere, quote: q}]}\n",
     ["unknown source 'nowhere'", "changes[0].evidence[0].source"], 3),
    ("name: x\nchanges:\n  - {move: position, actor: a}\n",
     ["no known kind of change", "set, shift, add_stance, add_actor, remove_actor"], 3),
    ("name: x\nchanges:\n  - {set: position, actor: a, issue: land, value: 1, colour: red,\n"
     "     evidence: [{source: hand, quote: q}]}\n",
     ["unknown key 'colour'", "changes[0].colour", "value"], 3),
    ("name: x\nbase: other\nchanges:\n  - {remove_actor: a, evidence: [{source: hand, "
     "quote: q}]}\n", ["for scenario 'other'", "base"], None),
    ("name: x\nchanges:\n  - {remove_actor: c, evidence: [{source: hand, quote: q}]}\n"
     "  - {remove_actor: a, evidence: [{source: hand, quote: q}]}\n",
     ["after the changes", "no actor takes a stance on issue 'money'"], None),
    ("name: x\nclaim: {source: hand, summary: s, quote: q, outcomes: {land: 150}}\n"
     "changes:\n  - {remove_actor: b, evidence: [{source: hand, quote: q}]}\n",
     ["claim.outcomes.land", "outside the scale"], None),
    ("name: x\nchanges: []\n", ["changes", "the overlay changes nothing"], 2),
    ("name: x\nname: y\nchanges: []\n", ["duplicate key 'name'"], 2),
    ("name: [x\n", ["malformed YAML"], None),
    ("- just a list\n", ["not a mapping"], 1),
]


@pytest.mark.parametrize(("text", "words", "line"), BAD)
def test_bad_overlays_say_where_and_what(tiny, tmp_path: Path, text: str, words: list[str],
                                         line: int | None) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        apply(tiny, load_overlay(path))
    message = str(info.value)
    assert message.startswith(str(path))
    for word in words:
        assert word in message, message
    if line is not None:
        assert info.value.line == line, message


def test_unknown_overlay_name_lists_the_builtins() -> None:
    with pytest.raises(InputError, match="no overlay file or built-in overlay 'nope'"):
        load_overlay("nope")


def test_shift_moves_the_uncertainty_with_the_value(tiny) -> None:
    sc = tiny.replace(stances=[
        {**s.model_dump(), "position_uncertainty": {"dist": "uniform", "low": 40, "high": 60}}
        if (s.actor, s.issue) == ("b", "land") else s.model_dump() for s in tiny.stances])
    ov = parse_overlay("name: x\nchanges:\n  - {shift: position, actor: b, issue: land, "
                       "by: 10, evidence: [{source: hand, quote: q}]}\n")
    st = apply(sc, ov).stance("b", "land")
    assert st.position == 60 and st.position_uncertainty.bounds() == (50, 70)
    too_far = parse_overlay("name: x\nchanges:\n  - {shift: position, actor: b, issue: land, "
                            "by: 45, evidence: [{source: hand, quote: q}]}\n")
    with pytest.raises(InputError, match="shifted position range 85–105"):
        apply(sc, too_far)
    st = apply(sc, parse_overlay("name: x\nchanges:\n  - {set: position, actor: b, issue: "
                                 "land, value: 10, evidence: [{source: hand, quote: q}]}\n")
               ).stance("b", "land")
    assert st.position == 10 and st.position_uncertainty is None


def test_forecast_changes_only_where_the_overlay_acts(tiny) -> None:
    ov = parse_overlay("name: x\nchanges:\n  - {set: position, actor: a, issue: money, "
                       "value: 8, evidence: [{source: hand, quote: q}]}\n")
    table = compare(tiny, ov, ["compromise"])
    diffs = dict(zip(table.issue, table.difference, strict=True))
    assert diffs["land"] == 0
    assert diffs["money"] == pytest.approx(8 - (1 * .5 * 2 + 3 * 8) / (0.5 + 3))
    assert np.isfinite(table.whatif).all()



def test_missing_overlay_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_overlay(tmp_path / "gone.yaml")


def test_the_spread_uses_the_point_forecasts_parameters_and_seed() -> None:
    """The 5–95 % band of a what-if comes from the same model parameters and seed as its
    point forecast (it once ran BDM's default ten rounds around a zero-round forecast)."""
    import realpolitik as rp
    from realpolitik.analysis.montecarlo import simulate

    sc = rp.load("russia-japan")
    overlay = load_overlay("002")
    params = {"bdm": {"rounds": 0}}
    table = compare(sc, overlay, ["bdm"], params=params, draws=64, seed=5)
    changed = apply(sc, overlay)
    mc = simulate(changed, "bdm", 64, 5, params={"rounds": 0}).forecasts
    point = rp.forecast(changed, "bdm", seed=5, rounds=0).forecast
    for row in table.itertuples():
        j = changed.issue_index(row.issue)
        assert row.whatif == point[j]
        assert row.whatif_p05 == np.percentile(mc[:, j], 5)
        assert row.whatif_p95 == np.percentile(mc[:, j], 95)
    default = compare(sc, overlay, ["bdm"], draws=64, seed=5)
    assert not np.array_equal(default["whatif_p95"], table["whatif_p95"])
