"""The shipped what-ifs and snapshots: quotes verbatim in their seeds, snapshot evidence
dated no later than the snapshot, claims well-formed, and every overlay applies."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
import unicodedata

import pytest

import realpolitik
from realpolitik import scenarios
from realpolitik.analysis.whatif import apply, builtin_overlays, compare, load_overlay

from .conftest import require_shared

WHATIFS = builtin_overlays("russia-japan", "whatifs")
SNAPS = builtin_overlays("russia-japan", "snapshots")
ARTICLES = ["000", "001", "002", "003", "004"]


def normalise(text: str) -> str:
    """Whitespace and typographic quotes do not count when matching a quote to its seed."""
    text = unicodedata.normalize("NFKC", text)
    for a, b in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip()


def seed_text(source_id: str) -> str:
    folder = require_shared("seeds")
    matches = sorted(folder.glob(f"{source_id}_*.txt"))
    assert matches, f"no seed file for source {source_id} in {folder}"
    return normalise(matches[0].read_text(encoding="utf-8"))


def base_scenario() -> realpolitik.Scenario:
    return scenarios.load("russia-japan")


def latest_day(date: str) -> dt.date:
    """The last day a partial date (2016, 2016-12, 2016-12-16, 'Dec 2016', '29 Sep 2018')
    can mean."""
    date = date.strip()
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", date)
    if m:
        y, mo, d = int(m.group(1)), m.group(2), m.group(3)
        if mo is None:
            return dt.date(y, 12, 31)
        mo = int(mo)
        return dt.date(y, mo, int(d) if d else calendar.monthrange(y, mo)[1])
    for fmt in ("%d %b %Y", "%d %B %Y", "%B %d, %Y", "%b %d, %Y"):
        try:
            return dt.datetime.strptime(date, fmt).date()
        except ValueError:
            pass
    for fmt in ("%b %Y", "%B %Y"):
        try:
            d = dt.datetime.strptime(date, fmt).date()
            return d.replace(day=calendar.monthrange(d.year, d.month)[1])
        except ValueError:
            pass
    raise AssertionError(f"cannot read the date {date!r}")


def test_one_whatif_per_article() -> None:
    assert [w[:3] for w in WHATIFS] == ARTICLES
    assert SNAPS == ["2016-12-nagato", "2018-11-singapore", "2026-02-suspended"]


@pytest.mark.parametrize("name", WHATIFS + SNAPS)
def test_every_quote_is_in_its_seed(name: str) -> None:
    ov = load_overlay(name)
    quotes = [(path, ev.source, ev.quote) for path, ev in ov.evidence() if ev.kind == "quote"]
    if ov.claim is not None:
        quotes.append(("claim", ov.claim.source, ov.claim.quote))
    assert quotes, "an overlay without a single quote"
    for path, source, quote in quotes:
        assert source in ARTICLES, f"{name} {path}: a quote must come from a seed, not {source}"
        assert normalise(quote) in seed_text(source), f"{name} {path}: not in seed {source}"


@pytest.mark.parametrize("name", WHATIFS)
def test_whatif_cites_its_own_article_and_records_its_claim(name: str) -> None:
    ov = load_overlay(name)
    assert ov.claim is not None and ov.claim.source == name[:3]
    assert ov.claim.outcomes, "the claim must record the argued outcome on some issue"
    assert all(ev.source == name[:3] for _, ev in ov.evidence() if ev.kind == "quote")


@pytest.mark.parametrize("name", SNAPS)
def test_snapshot_evidence_is_not_from_the_future(name: str) -> None:
    ov = load_overlay(name)
    assert ov.as_of is not None and ov.base == "russia-japan"
    sources = {**base_scenario().sources, **ov.sources}
    for path, ev in ov.evidence():
        date = sources[ev.source].date
        assert date, f"{name} {path}: source {ev.source} has no date"
        assert latest_day(date) <= ov.as_of, f"{name} {path}: {ev.source} dated {date}"


def test_snapshots_are_in_date_order_and_only_earlier_ones_are_backtested() -> None:
    from realpolitik.analysis.backtest import snapshots

    dates = [load_overlay(s).as_of for s in SNAPS]
    assert dates == sorted(dates)
    backtested = [name for name, _ in snapshots()]
    assert backtested == ["2016-12-nagato", "2018-11-singapore", "2019-01-default"]
    assert load_overlay("2026-02").as_of == dt.date(2026, 2, 7)   # a forecast, not a backtest


@pytest.mark.parametrize("name", WHATIFS + SNAPS)
def test_every_overlay_applies_and_moves_some_forecast(name: str) -> None:
    base = base_scenario()
    ov = load_overlay(name)
    changed = apply(base, ov)
    assert changed.actor_ids == base.actor_ids
    table = compare(base, ov, ["compromise"])
    assert (table.difference.abs() > 1e-9).any(), f"{name} changes no compromise forecast"


def test_latest_day_reads_partial_dates() -> None:
    assert latest_day("2016-12") == dt.date(2016, 12, 31)
    assert latest_day("2016") == dt.date(2016, 12, 31)
    assert latest_day("29 Sep 2018") == dt.date(2018, 9, 29)
    assert latest_day("Feb 2016") == dt.date(2016, 2, 29)


@pytest.mark.parametrize("name", WHATIFS + SNAPS)
def test_no_change_is_a_no_op(name: str) -> None:
    """Each change alters some number of the base scenario (a no-op would claim evidence
    for nothing)."""
    import numpy as np

    base = base_scenario()
    ov = load_overlay(name)
    for k, change in enumerate(ov.changes):
        single = ov.model_copy(update={"changes": (change,)})
        out = apply(base, single)
        same = (np.array_equal(out.capability, base.capability)
                and np.array_equal(out.position, base.position, equal_nan=True)
                and np.array_equal(out.salience, base.salience))
        assert not same, f"{name} changes[{k}] changes nothing"


def test_name_at_overlay_loads_a_builtin_with_a_snapshot_or_whatif_applied(capsys) -> None:
    import realpolitik as rp
    from realpolitik import scenarios
    from realpolitik.analysis.whatif import apply, builtin_overlays, load_overlay
    from realpolitik.cli import main
    from realpolitik.errors import InputError

    base = scenarios.load(scenarios.DEFAULT)
    for kind in ("snapshots", "whatifs"):
        for stem in builtin_overlays(scenarios.DEFAULT, kind):
            got = rp.load(f"{scenarios.DEFAULT}@{stem}")
            want = apply(base, load_overlay(stem, scenarios.DEFAULT))
            assert got.model_dump() == want.model_dump() and got.name.endswith(stem)
    assert rp.load(f"{scenarios.DEFAULT}@2026-02").as_of.isoformat() == "2026-02-07"
    with pytest.raises(InputError, match="matches several"):
        rp.load(f"{scenarios.DEFAULT}@20")
    with pytest.raises(InputError, match="no overlay file or built-in overlay 'nope'"):
        rp.load(f"{scenarios.DEFAULT}@nope")
    assert main(["scenarios"]) == 0  # the listing names every overlay as NAME@STEM
    out = capsys.readouterr().out
    for stem in builtin_overlays() + builtin_overlays(kind="snapshots"):
        assert f"{scenarios.DEFAULT}@{stem}" in out
    code = main(["forecast", f"{scenarios.DEFAULT}@2016-12", "-m", "compromise", "-f", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["scenario"] == f"{scenarios.DEFAULT}.2016-12-nagato"
