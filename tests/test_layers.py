"""Imports point down (cli/app → report → analysis → models → scenario/io), lazy imports
inside functions included, and importing a module changes no global state."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "src" / "realpolitik"
# what each layer may not import, lazily or not
FORBIDDEN = {
    "scenario": {"io", "models", "analysis", "report", "cli", "app"},
    "errors": {"scenario", "io", "models", "analysis", "report", "cli", "app"},
    "io": {"models", "analysis", "report", "cli", "app"},
    "scenarios": {"models", "analysis", "report", "cli", "app"},
    "models": {"analysis", "report", "cli", "app"},
    "analysis": {"report", "cli", "app"},
    "report": {"cli", "app"},
}


def _layer(path: Path) -> str:
    return path.relative_to(ROOT).parts[0].removesuffix(".py")


def _imports(path: Path, text: str | None = None) -> list[tuple[int, str]]:
    """(line, the realpolitik layer imported) for every relative or absolute import."""
    out = []
    package = path.relative_to(ROOT).parent.parts
    text = path.read_text(encoding="utf-8") if text is None else text
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                target = [*base, *(node.module or "").split(".")] if node.module else base
                if not target or target == [""]:  # `from .. import x`: x is the layer
                    out.extend((node.lineno, a.name) for a in node.names)
                    continue
                out.append((node.lineno, next(t for t in target if t)))
            elif node.module and node.module.startswith("realpolitik."):
                out.append((node.lineno, node.module.split(".")[1]))
        elif isinstance(node, ast.Import):
            out.extend((node.lineno, a.name.split(".")[1]) for a in node.names
                       if a.name.startswith("realpolitik."))
    return out


FILES = [p for p in sorted(ROOT.rglob("*.py")) if _layer(p) in FORBIDDEN]


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_imports_point_down(path: Path) -> None:
    layer = _layer(path)
    bad = [(line, target) for line, target in _imports(path)
           if target in FORBIDDEN[layer]]
    assert not bad, f"{path.relative_to(ROOT)} imports upward: {bad}"


def test_the_checker_sees_a_lazy_upward_import() -> None:
    text = "def f():\n    from ..report.notebook import result_html\n"
    assert _imports(ROOT / "models" / "base.py", text) == [(2, "report")]
    assert _imports(ROOT / "io" / "ktab.py", "from ..models.smp import X\n") == [(1, "models")]
