"""Turn plain data into a Scenario (or any strict pydantic model: an overlay, a timeline,
coded outcomes), translating the first validation failure into one located InputError."""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import InputError
from ..scenario import MAX_MAGNITUDE, Scenario

# Given a field path, the line it stands on in the source file (or None).
Locator = Callable[[tuple], int | None]
M = TypeVar("M", bound=BaseModel)


def field_path(loc: tuple) -> str:
    """``('stances', 3, 'salience')`` → ``stances[3].salience``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def model_in(annotation: object) -> type[BaseModel] | None:
    """The pydantic model class inside a field's annotation (``tuple[X, ...] | None`` → X)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = model_in(arg)
        if found is not None:
            return found
    if isinstance(annotation, types.UnionType):
        for arg in annotation.__args__:
            found = model_in(arg)
            if found is not None:
                return found
    return None


def model_at(root: type[BaseModel], loc: tuple,
             tags: Mapping[str, type[BaseModel]] | None = None) -> type[BaseModel] | None:
    """The pydantic model class that the field path ``loc`` points into, from ``root``;
    ``tags`` are the names pydantic puts into a path for the members of a tagged union."""
    cls: type[BaseModel] | None = root
    for part in loc:
        if cls is None:
            return None
        if isinstance(part, str) and part in cls.model_fields:
            cls = model_in(cls.model_fields[part].annotation)
        elif isinstance(part, str) and tags and part in tags:
            cls = tags[part]
        # list indices and dict keys stay within the same model type
    return cls


def translate(err: Mapping[str, Any], root: type[BaseModel] = Scenario,
              tags: Mapping[str, type[BaseModel]] | None = None
              ) -> tuple[tuple, str, str | None]:
    """One pydantic error of validating ``root`` → (field path, problem, what is allowed)."""
    raw = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    loc = tuple(p for p in raw if not (tags and isinstance(p, str) and p in tags))
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "scenario":
        return tuple(ctx["loc"]), ctx["problem"], ctx.get("allowed")
    if kind == "extra_forbidden":
        parent = model_at(root, raw[:-1], tags)
        allowed = ", ".join(parent.model_fields) if parent else None
        return loc, f"unknown key '{loc[-1]}'", allowed
    if kind == "missing":
        return loc, f"missing required field '{loc[-1]}'", None
    if kind == "finite_number":
        return loc, f"{value!r} is not a finite number", "finite numbers (no NaN or infinity)"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        bound = {"greater_than_equal": ">=", "greater_than": ">",
                 "less_than_equal": "<=", "less_than": "<"}[kind]
        limit = next(iter(ctx.values()))
        field = loc[-1] if loc else "value"
        allowed = "0 to 1" if field == "salience" else f"{field} {bound} {limit}"
        return loc, f"{value!r} is out of range", allowed
    if kind == "magnitude":
        field = loc[-1] if loc else "value"
        low = 0 if field in {"capability", "cost"} else -MAX_MAGNITUDE
        return loc, f"{value!r} is out of range", f"{low:g} to {MAX_MAGNITUDE:g}"
    if kind == "string_pattern_mismatch":
        return loc, f"{value!r} is not a valid id", (
            "printable text without leading or trailing spaces, at most 120 characters"
        )
    if kind == "literal_error":
        return loc, f"{value!r} is not a recognised value", ctx.get("expected")
    if kind == "distribution":
        return loc, err["msg"], None
    msg = err["msg"]
    return loc, f"{msg[0].lower()}{msg[1:]}" if msg else kind, None


def validate(cls: type[M], data: object, *, source: str | Path | None = None,
             locate: Locator | None = None, what: str,
             tags: Mapping[str, type[BaseModel]] | None = None,
             reword: Mapping[str, tuple[str, str]] | None = None) -> M:
    """``cls.model_validate(data)``, with the failures as one InputError that names the
    source, the line (through ``locate``), the field and what is allowed of the first,
    counts the rest and lists them all in ``.problems``. ``what`` describes the expected
    top level; ``reword`` rewords custom error types (type → (problem, allowed))."""
    if not isinstance(data, dict):
        kind = "nothing (the file is empty)" if data is None else f"a {type(data).__name__}"
        raise InputError(f"the top level is {kind}, not a mapping", source=source, line=1,
                         allowed=what)
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        found: list[tuple[tuple, str, str | None]] = []
        for err in exc.errors():
            loc, problem, allowed = translate(err, cls, tags)
            if reword and err["type"] in reword:
                problem, allowed = reword[err["type"]]
            found.append((loc, problem, allowed))
            if err["type"] == "scenario":
                found += list((err.get("ctx") or {}).get("more", ()))
        problems = [InputError(problem, source=source, line=locate(loc) if locate else None,
                               field=field_path(loc) or None, allowed=allowed)
                    for loc, problem, allowed in found]
        first = problems[0]
        if len(problems) > 1:
            n = len(problems) - 1
            first = InputError(f"{first.problem} (and {n} more problem{'s' if n > 1 else ''})",
                               source=first.source, line=first.line, field=first.field,
                               allowed=first.allowed)
        first.problems = tuple(problems)
        raise first from None


def build_scenario(
    data: object, *, source: str | Path | None = None, locate: Locator | None = None
) -> Scenario:
    """Validate ``data`` (a mapping as read from any format) into a Scenario."""
    return validate(Scenario, data, source=source, locate=locate,
                    what="a mapping with name, actors, issues, stances")
