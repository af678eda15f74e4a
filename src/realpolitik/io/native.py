"""The native scenario format, as YAML or JSON (the same structure; see ``docs/formats.md``)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from ..errors import InputError
from ..scenario import Scenario
from ._bounded import json_data, yaml_load
from .registry import Reader, Writer
from .validate import build_scenario


def _yaml_locator(root: yaml.Node | None):
    def locate(loc: tuple) -> int | None:
        node = root
        line = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if key.value == str(part):
                        line = key.start_mark.line + 1
                        node = value
                        break
                else:
                    return line
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    return line
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                return line
        return line

    return locate


def _check_duplicate_keys(root: yaml.Node, source: str | Path | None) -> None:
    seen_nodes: set[int] = set()  # a node shared through aliases is checked once
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if key.value in seen:
                    raise InputError(
                        f"duplicate key '{key.value}'", source=source,
                        line=key.start_mark.line + 1, allowed="each key once per mapping",
                    )
                seen.add(key.value)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def load_yaml(text: str, source: str | Path | None = None):
    """Parse YAML strictly (duplicate keys and malformed YAML are errors with a line) and
    bounded (nesting depth, aliases, integer size: see :mod:`realpolitik.io._bounded`);
    returns the data and a locator from field paths to lines."""
    try:
        root, data = yaml_load(text, source,
                               check=lambda node: _check_duplicate_keys(node, source))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InputError(
            f"malformed YAML: {exc.problem or exc.context}",
            source=source, line=mark.line + 1 if mark else None, allowed="valid YAML",
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML: {exc}", source=source, allowed="valid YAML") from None
    return data, _yaml_locator(root)


def parse_yaml(text: str, source: str | Path | None = None) -> Scenario:
    data, locate = load_yaml(text, source)
    if data is None:
        raise InputError("the file is empty", source=source,
                         allowed="a scenario with name, actors, issues, stances")
    return build_scenario(data, source=source, locate=locate)


def parse_json(text: str, source: str | Path | None = None) -> Scenario:
    try:
        data = json_data(text, source, object_pairs_hook=_unique_keys(source))
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg}", source=source, line=exc.lineno,
                         allowed="valid JSON") from None
    return build_scenario(data, source=source)


def _unique_keys(source: str | Path | None):
    def hook(pairs: list[tuple[str, object]]) -> dict:
        out: dict = {}
        for key, value in pairs:
            if key in out:
                raise InputError(f"duplicate key '{key}'", source=source,
                                 allowed="each key once per object")
            out[key] = value
        return out

    return hook


def to_data(scenario: Scenario) -> dict:
    """Plain data for the native format; leaves out what equals its default."""
    return scenario.model_dump(mode="json", exclude_defaults=True)


def dump_yaml(scenario: Scenario) -> str:
    return yaml.safe_dump(
        to_data(scenario), sort_keys=False, allow_unicode=True, width=100
    )


def dump_json(scenario: Scenario) -> str:
    return json.dumps(to_data(scenario), ensure_ascii=False, indent=2) + "\n"


def dump(scenario: Scenario, path: str | Path) -> str:
    """The text of ``scenario`` in the native form that ``path``'s suffix names."""
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        return dump_json(scenario)
    if suffix in {".yaml", ".yml"}:
        return dump_yaml(scenario)
    raise InputError(f"unknown native suffix '{suffix}'", source=path,
                     allowed=".yaml, .yml, .json")


def _parse(text: str, source: str | Path | None, **_: object) -> Scenario:
    if Path(str(source)).suffix.lower() == ".json":
        return parse_json(text, source)
    return parse_yaml(text, source)


READER = Reader(
    name="native",
    description="realpolitik's own scenario format (YAML or JSON)",
    suffixes=(".yaml", ".yml", ".json"),
    sniff=lambda text: True,
    parse=_parse,
    priority=100,
)


WRITERS = (
    Writer(name="native", description="realpolitik's own scenario format, YAML",
           suffixes=(".yaml", ".yml"), dump=dump_yaml),
    Writer(name="native-json", description="realpolitik's own scenario format, JSON",
           suffixes=(".json",), dump=dump_json),
)
