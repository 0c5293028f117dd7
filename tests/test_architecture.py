"""The house: one package per step, imports flow one way, no circles, no hidden imports."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"

# The flow, in order. A package may import from the shared base and from packages before it, never after.
BASE = {"errors", "settings", "models", "text"}
# bulk sits above the steps like the pipeline (it runs them per account) and below ui, which shows its Batch tab.
FLOW = ["intake", "assess", "position", "law", "plan", "drafting", "checker", "llm", "store", "bulk", "ui"]
SHELLS = {"pipeline", "api", "cli", "__main__", "__init__"}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, bool, int]]:
    """(imported assistant module, at module level?, line) for every import of the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assistant"):
            names = [f"{node.module}.{a.name}" for a in node.names]
            found += [(n, id(node) in top_level, node.lineno) for n in [node.module, *names]]
        elif isinstance(node, ast.Import):
            found += [(a.name, id(node) in top_level, node.lineno) for a in node.names if a.name.startswith("assistant")]
    return found


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _area(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for module, path in MODULES.items():
        graph.add_node(module)
        for name, _, _ in _imports(path):
            target = _resolve(name)
            if target and target != module and not module.startswith(target + "."):
                graph.add_edge(module, target)
    return graph


def test_no_module_of_the_package_is_part_of_an_import_circle():
    cycles = list(nx.simple_cycles(_graph()))
    assert cycles == [], f"import circles: {cycles[:5]}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_step_imports_only_the_base_and_the_steps_before_it(module):
    area = _area(module)
    if area in SHELLS or area in BASE and area != "text":
        return
    allowed = BASE | set(FLOW[: FLOW.index(area)] if area in FLOW else [])
    if area == "text":
        allowed = {"errors", "settings", "text"}
    climbing = [
        (name, line) for name, _, line in _imports(MODULES[module])
        if (t := _resolve(name)) and _area(t) not in allowed | {area}
    ]
    assert climbing == [], f"{module} imports up the flow: {climbing}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_of_the_package_sit_at_the_top_of_the_file(module):
    hidden = [(name, line) for name, top, line in _imports(MODULES[module]) if not top]
    assert hidden == [], f"{module} hides imports inside functions: {hidden}"


def test_models_are_plain_data_that_import_no_step():
    assert [n for n, _, _ in _imports(MODULES["assistant.models"])] == []


def test_the_top_level_holds_only_the_shells_and_the_shared_base():
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top == {"__init__", "__main__", "api", "cli", "errors", "models", "pipeline", "settings"}
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(FLOW) | {"text"}
