"""YAML and JSON parsing bounded in time, memory, depth and number size.

A scenario nests about six levels deep and holds no huge integers, so hostile files
(aliases of aliases — "billion laughs" —, thousands of nested brackets, 5,000-digit
integers) are refused with an :class:`~realpolitik.errors.InputError` before they can hang
the parser, exhaust memory or end in a ``RecursionError``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError

# Deepest nesting accepted (a scenario needs about 6 levels; KTAB's ideal-adjustment
# matrix in model_params needs 5).
MAX_DEPTH = 64
# Aliases in one YAML document, and the nodes they may add when expanded.
MAX_ALIASES = 10_000
MAX_ALIAS_NODES = 1_000_000
# Digits of one integer (a float's digits are not limited: float() is linear and bounded).
MAX_INT_DIGITS = 64


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with nesting depth, alias count and integer size bounded."""

    def __init__(self, stream: str, source: str | Path | None = None) -> None:
        super().__init__(stream)
        self.source = source
        self._depth = 0
        self._aliases = 0
        self._open: set[str] = set()

    def _fail(self, problem: str, mark: yaml.Mark | None, allowed: str) -> InputError:
        return InputError(problem, source=self.source,
                          line=mark.line + 1 if mark is not None else None, allowed=allowed)

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise self._fail(f"more than {MAX_ALIASES:,} aliases", event.start_mark,
                                 f"at most {MAX_ALIASES:,} aliases (*name) per file")
            if event.anchor in self._open:
                raise self._fail(f"alias *{event.anchor} refers to a node that contains it",
                                 event.start_mark, "aliases to complete, earlier nodes")
            return super().compose_node(parent, index)
        event = self.peek_event()
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise self._fail(f"nested more than {MAX_DEPTH} levels deep", event.start_mark,
                             f"at most {MAX_DEPTH} levels of nesting")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self._open.add(anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1
            if anchor is not None:
                self._open.discard(anchor)

    def expansion_check(self, root: yaml.Node) -> None:
        """Refuse a document whose aliases expand it too far (size or depth)."""
        if not self._aliases:
            return
        # nodes and depth of each distinct node's expanded tree, computed bottom-up
        size: dict[int, int] = {}
        depth: dict[int, int] = {}
        distinct = 0
        stack: list[tuple[yaml.Node, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            key = id(node)
            if key in size:
                continue
            children = _children(node)
            if not done:
                stack.append((node, True))
                stack.extend((c, False) for c in children if id(c) not in size)
                continue
            distinct += 1
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            if size[key] - distinct > MAX_ALIAS_NODES:
                raise self._fail(
                    f"aliases expand the document to over {size[key]:,} nodes",
                    node.start_mark,
                    f"aliases adding at most {MAX_ALIAS_NODES:,} nodes")
            if depth[key] > MAX_DEPTH:
                raise self._fail(
                    f"aliases nest the document more than {MAX_DEPTH} levels deep",
                    node.start_mark, f"at most {MAX_DEPTH} levels of nesting")

    def construct_yaml_int(self, node):  # type: ignore[no-untyped-def]
        text = str(node.value)
        if len(text.replace("_", "").lstrip("+-")) > MAX_INT_DIGITS:
            raise self._fail(f"an integer of {len(text):,} characters", node.start_mark,
                             f"integers of at most {MAX_INT_DIGITS} digits")
        return super().construct_yaml_int(node)


BoundedLoader.add_constructor("tag:yaml.org,2002:int", BoundedLoader.construct_yaml_int)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def yaml_load(text: str, source: str | Path | None = None,
              check: Callable[[yaml.Node], None] | None = None) -> tuple[yaml.Node | None, Any]:
    """The root node and the data of a one-document YAML text, bounded; ``check(root)``
    runs on the composed node before the data are constructed."""
    loader = BoundedLoader(text, source)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        loader.expansion_check(root)
        if check is not None:
            check(root)
        return root, loader.construct_document(root)
    finally:
        loader.dispose()


def json_data(text: str, source: str | Path | None = None, object_pairs_hook=None) -> object:
    """``json.loads`` with integer size and nesting depth bounded."""

    def parse_int(digits: str) -> int:
        if len(digits.lstrip("-")) > MAX_INT_DIGITS:
            raise InputError(f"an integer of {len(digits):,} digits", source=source,
                             allowed=f"integers of at most {MAX_INT_DIGITS} digits")
        return int(digits)

    try:
        data = json.loads(text, parse_int=parse_int, object_pairs_hook=object_pairs_hook)
    except RecursionError:
        raise InputError(f"nested more than {MAX_DEPTH} levels deep", source=source,
                         allowed=f"at most {MAX_DEPTH} levels of nesting") from None
    check_depth(data, source)
    return data


def check_depth(data: object, source: str | Path | None = None) -> None:
    """Refuse plain data (dicts, lists) nested deeper than :data:`MAX_DEPTH`."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, level = stack.pop()
        if level > MAX_DEPTH:
            raise InputError(f"nested more than {MAX_DEPTH} levels deep", source=source,
                             allowed=f"at most {MAX_DEPTH} levels of nesting")
        if isinstance(value, dict):
            stack.extend((v, level + 1) for v in value.values())
        elif isinstance(value, list | tuple):
            stack.extend((v, level + 1) for v in value)
