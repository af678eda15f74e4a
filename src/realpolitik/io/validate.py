"""Turn plain data into a Scenario, translating validation failures into InputError."""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..errors import InputError
from ..scenario import Scenario

# Given a field path, the line it stands on in the source file (or None).
Locator = Callable[[tuple], int | None]


def field_path(loc: tuple) -> str:
    """``('stances', 3, 'salience')`` → ``stances[3].salience``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    if isinstance(annotation, types.UnionType):
        for arg in annotation.__args__:
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The pydantic model class that the field path ``loc`` points into."""
    cls: type[BaseModel] | None = Scenario
    for part in loc:
        if cls is None:
            return None
        if isinstance(part, str) and part in cls.model_fields:
            cls = _model_in(cls.model_fields[part].annotation)
        # list indices and dict keys stay within the same model type
    return cls


def _translate(err: dict) -> tuple[tuple, str, str | None]:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "scenario":
        return tuple(ctx["loc"]), ctx["problem"], ctx.get("allowed")
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
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


def build_scenario(
    data: object, *, source: str | Path | None = None, locate: Locator | None = None
) -> Scenario:
    """Validate ``data`` (a mapping as read from any format) into a Scenario."""
    if not isinstance(data, dict):
        raise InputError(
            f"the top level is a {type(data).__name__}, not a mapping",
            source=source, line=1, allowed="a mapping with name, actors, issues, stances",
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        found: list[tuple[tuple, str, str | None]] = []
        for err in exc.errors():
            found.append(_translate(err))
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
