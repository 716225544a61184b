"""The layers: pipeline/ (library) <- flows/ (Prefect) <- irpipe/ (command line); no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("pipeline", "flows", "irpipe")
LAYER = {"pipeline": 0, "flows": 1, "irpipe": 2}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _runtime_nodes(tree: ast.AST):
    """Every node, except those under ``if TYPE_CHECKING:`` (annotations only, never imported at run time)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            test = getattr(child, "test", None)
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(test):
                stack.extend(child.orelse)
                continue
            stack.append(child)


def _imports(path: Path) -> set[str]:
    """Every module a file imports at run time, at any depth (lazy imports inside functions count)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    modules = {_module_name(p): p for p in files}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(path) if m in modules and m != name}
    return graph


def test_layers_only_point_down():
    for module, path in ((m, p) for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") for m in [_module_name(p)]):
        layer = LAYER[module.split(".")[0]]
        for imported in _imports(path):
            top = imported.split(".")[0]
            if top in LAYER:
                assert LAYER[top] <= layer, f"{module} imports {imported} from a layer above"
            if layer == 0:
                assert top not in ("prefect", "prefect_dask", "distributed"), f"{module} imports {imported}"


def test_no_import_cycles():
    graph = _graph()
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])


def test_stage_modules_do_not_import_each_other():
    """A stage reads what an earlier stage wrote on the document, never the earlier stage's module."""
    stages = {"pipeline.citations", "pipeline.entities", "pipeline.events", "pipeline.theory"}
    graph = _graph()
    for s in stages:
        assert not (graph[s] & (stages - {s})), f"{s} imports {graph[s] & stages}"
