"""The Russia–Japan timeline: enough events, in order, each with a declared source."""

from __future__ import annotations

import pytest

from realpolitik.analysis.timeline import Timeline, load_timeline
from realpolitik.errors import InputError
from realpolitik.io.validate import validate

MILESTONES = ["1855-02-07", "1956-10-19", "2013-04-29", "2014-03", "2016-05-06",
              "2016-12-15", "2018-09-12", "2018-11-14", "2019-01-22", "2020-07-01",
              "2022-03-21"]


def test_timeline_covers_the_milestones() -> None:
    frame = load_timeline("russia-japan").to_frame()
    assert len(frame) >= 25
    assert list(frame.date) == sorted(frame.date)
    for day in MILESTONES:
        assert frame.date.str.startswith(day).any(), day
    assert frame.date.iloc[-1] >= "2026"
    assert (frame.source_label.str.len() > 0).all()


def test_article_events_cite_the_articles() -> None:
    tl = load_timeline()
    cited = {s for ev in tl.events for s in ev.sources}
    assert {"000", "001", "002", "003", "004"} <= cited


@pytest.mark.parametrize(("data", "words"), [
    ({"scenario": "x", "sources": {"a": {"title": "A"}},
      "events": [{"date": "2001", "event": "e", "sources": ["b"]}]},
     ["events[0].sources[0]", "unknown source 'b'"]),
    ({"scenario": "x", "sources": {"a": {"title": "A"}},
      "events": [{"date": "2001-05", "event": "e", "sources": ["a"]},
                 {"date": "2000", "event": "f", "sources": ["a"]}]},
     ["events[1].date", "date order"]),
    ({"scenario": "x", "sources": {}, "events": [{"date": "May 2001", "event": "e",
                                                  "sources": ["a"]}]},
     ["events[0].date"]),
])
def test_bad_timelines(data: dict, words: list[str]) -> None:
    with pytest.raises(InputError) as info:
        validate(Timeline, data, source="t.yaml", locate=None, what="a timeline")
    for word in words:
        assert word in str(info.value), str(info.value)


def test_unknown_scenario_has_no_timeline() -> None:
    with pytest.raises(InputError, match="no timeline for scenario 'nope'"):
        load_timeline("nope")
