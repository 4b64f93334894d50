"""Issue 13: the code stays in pieces a reader can hold. No module over 450 lines, no function
over 60, no import cycle among streamtui's modules (imports inside functions count too; those
under `if TYPE_CHECKING:` do not, since they never run)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import streamtui

ROOT = Path(streamtui.__file__).parent
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 60


@cache
def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def runtime_imports(tree: ast.Module, name: str, is_package: bool) -> set[str]:
    """Modules `name` imports when it runs: TYPE_CHECKING blocks left out. `from package import
    module` depends on that module, not on the package's __init__ (which Python runs first for
    any submodule anyway)."""
    known = modules()
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = {f"{base}.{alias.name}" for alias in node.names}
            found.update(names & known.keys() or {base})
    return found


def import_graph() -> dict[str, set[str]]:
    known = modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text())
        targets = runtime_imports(tree, name, path.name == "__init__.py")
        graph[name] = {target for target in targets if target in known and target != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_module_is_over_450_lines() -> None:
    sizes = {name: path.read_text().count("\n") for name, path in modules().items()}
    assert {n: s for n, s in sizes.items() if s > MAX_MODULE_LINES} == {}


def test_no_function_is_over_60_lines() -> None:
    long = {}
    for name, path in modules().items():
        for node in functions(ast.parse(path.read_text())):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                long[f"{name}.{node.name}"] = length
    assert long == {}


def test_no_import_cycle() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The check above can fail: a two-module loop and a three-module loop are found."""
    graph = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"a"}}
    assert sorted(cycles(graph)) == [["a", "b"], ["c", "d", "e"]]


def test_the_core_never_imports_the_user_interface() -> None:
    """The CLI and the core start without Textual: nothing outside streamtui.tui imports it,
    except the CLI's one launch point."""
    graph = import_graph()
    for name, path in modules().items():
        if name.startswith("streamtui.tui"):
            continue
        tree = ast.parse(path.read_text())
        textual = {t for t in runtime_imports(tree, name, False) if t.split(".")[0] == "textual"}
        assert not textual, name
        if name not in {"streamtui.cli.launch", "streamtui.demo"}:
            assert not {t for t in graph[name] if t.startswith("streamtui.tui")}, name
