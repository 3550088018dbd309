"""The layers: imports point down only, and no module imports itself back through others.

core (config, errors, vocabularies) < passages (segmentation, speakers, voice, targets) <
crawler, sentiment, warehouse (which never import each other) < demo (sample site, synthetic
warehouses) < pcm (the application) < dashboard < app.py and bench/.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {
    "core": 0,
    "passages": 1,
    "crawler": 2,
    "sentiment": 2,
    "warehouse": 2,
    "demo": 3,
    "pcm": 4,
    "dashboard": 5,
    "app": 6,
    "bench": 6,
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, Path]:
    found = {}
    for top in LAYERS:
        if (ROOT / f"{top}.py").exists():
            found[top] = ROOT / f"{top}.py"
        for path in sorted((ROOT / top).rglob("*.py")) if (ROOT / top).is_dir() else []:
            found[_module_name(path)] = path
    return found


def _imports(path: Path, module: str) -> set[str]:
    """Every project name this file imports, at any depth of the file (lazy imports too).

    `from pkg import name` gives "pkg.name" (a submodule, or a name that `_graph` resolves to
    pkg itself); the parent packages that any import runs first are not counted.
    """
    names = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return {n for n in names if n.split(".")[0] in LAYERS}


def _graph() -> dict[str, set[str]]:
    sources = _sources()
    graph = {}
    for module, path in sources.items():
        targets = set()
        for name in _imports(path, module):
            while name and name not in sources:  # "pkg.mod.function" -> "pkg.mod"
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def test_the_layers_are_all_there():
    graph = _graph()
    tops = {m.split(".")[0] for m in graph}
    assert tops == set(LAYERS)
    assert len(graph) > 100


def test_imports_point_down_only():
    upward = []
    for module, targets in _graph().items():
        home = module.split(".")[0]
        for target in targets:
            other = target.split(".")[0]
            if other != home and LAYERS[other] >= LAYERS[home]:
                upward.append(f"{module} -> {target}")
    assert upward == [], "imports that run up or sideways between layers:\n" + "\n".join(upward)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_there_are_no_import_cycles():
    assert _cycles(_graph()) == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_the_cycle_finder_finds_cycles(graph, expected):
    assert _cycles(graph) == expected


# Data written as Python (the sample site's story texts) may run long; code may not.
DATA_MODULES = {"demo.site.stories_arcs", "demo.site.stories_background", "demo.site.stories_more"}
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80


def test_rooms_stay_small():
    too_long = []
    for module, path in _sources().items():
        text = path.read_text(encoding="utf-8")
        if module not in DATA_MODULES and text.count("\n") > MAX_MODULE_LINES:
            too_long.append(f"{module}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{module}.{node.name}: {length} lines")
    assert too_long == [], "split these by what they hold:\n" + "\n".join(too_long)
