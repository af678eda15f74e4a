"""The dated record of a built-in scenario: events from its sources, each cited.

``scenarios/<name>/timeline.yaml`` lists events (date — a year, a month or a day — the
event in one sentence, the ids of its sources, and the issues it bears on), with the sources
declared in the same file. :func:`load_timeline` validates it like a scenario (InputError
with the line) and returns a :class:`Timeline`; ``Timeline.to_frame()`` feeds the CLI, the
report and the app.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

import pandas as pd
from pydantic import BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from ..scenario import Id, Source, Strict
from ..scenarios import DEFAULT

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _as_text(value: object) -> object:
    # YAML reads 2016-12-15 as a date and 2016 as an int; keep one textual form
    if isinstance(value, dt.date | int):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return value


PartialDate = Annotated[str, BeforeValidator(_as_text), Field(pattern=_DATE.pattern)]


class Event(Strict):
    date: PartialDate
    end: PartialDate | None = None
    event: str = Field(min_length=1)
    sources: tuple[Id, ...] = Field(min_length=1)
    issues: tuple[Id, ...] = ()
    note: str | None = None


class Timeline(Strict):
    scenario: Id
    sources: dict[Id, Source]
    events: tuple[Event, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Timeline:
        for k, ev in enumerate(self.events):
            for s, sid in enumerate(ev.sources):
                if sid not in self.sources:
                    raise PydanticCustomError(
                        "scenario", "{problem}",
                        {"problem": f"unknown source '{sid}'",
                         "loc": ("events", k, "sources", s),
                         "allowed": "a source declared under 'sources'"})
            if k and ev.date < self.events[k - 1].date:
                raise PydanticCustomError(
                    "scenario", "{problem}",
                    {"problem": f"{ev.date} comes before the previous event "
                     f"({self.events[k - 1].date})", "loc": ("events", k, "date"),
                     "allowed": "events in date order"})
        return self

    def to_frame(self) -> pd.DataFrame:
        """One row per event: date, end, event, sources (ids), source_label, issues."""
        rows = []
        for ev in self.events:
            labels = []
            for sid in ev.sources:
                src = self.sources[sid]
                labels.append(src.address or src.title)
            rows.append({
                "date": ev.date, "end": ev.end or "", "event": ev.event,
                "sources": " ".join(ev.sources), "source_label": "; ".join(labels),
                "issues": " ".join(ev.issues),
            })
        return pd.DataFrame(rows)


def load_timeline(scenario: str = DEFAULT) -> Timeline:
    """The timeline shipped with a built-in scenario."""
    from ..errors import InputError
    from ..io.native import load_yaml
    from ..io.validate import validate
    from ..scenarios import folder, names

    path = folder(scenario) / "timeline.yaml"
    if not path.is_file():
        with_one = [n for n in names() if (folder(n) / "timeline.yaml").is_file()]
        raise InputError(f"no timeline for scenario '{scenario}'", field="scenario",
                         allowed=", ".join(with_one))
    source = f"built-in:{scenario}/timeline.yaml"
    data, locate = load_yaml(path.read_text(encoding="utf-8"), source)
    return validate(Timeline, data, source=source, locate=locate,
                    what="scenario, sources, events")
