"""The shape of the code, read with `ast`: short functions in compare/, no module reading another
module's private names, no import cycle that crosses a package boundary."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "oasguard"
#: the longest function compare/ may hold (oasdiff keeps one short function per check)
MAX_LINES = 60


def _module(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


MODULES = {_module(path): path for path in sorted(PACKAGE.rglob("*.py"))}


@functools.cache
def trees() -> dict[str, ast.Module]:
    """Every module's syntax tree, parsed when a test first asks (parsed at import, it cost each
    pytest-xdist worker 0.8 s of its collection, also the one that runs none of these tests)."""
    return {name: ast.parse(path.read_text(), str(path)) for name, path in MODULES.items()}


def _package(module: str) -> str:
    return module if _is_package(MODULES[module]) else module.rpartition(".")[0]


def _imports(module: str) -> list[tuple[str, str | None, ast.AST]]:
    """(imported module, imported name or None, node) of every import in `module`, wherever it
    is written (in a function too: an import deferred is still a dependency)."""
    found = []
    for node in ast.walk(trees()[module]):
        if isinstance(node, ast.Import):
            found.extend((alias.name, None, node) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = _package(module).split(".")
                base = ".".join(anchor[: len(anchor) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                if f"{base}.{alias.name}" in MODULES:
                    found.append((f"{base}.{alias.name}", None, node))
                else:
                    found.append((base, alias.name, node))
    return found


def test_no_function_in_compare_is_longer_than_60_lines():
    long = []
    for name, tree in trees().items():
        if not name.startswith("oasguard.compare"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1  # type: ignore[operator]
                if lines > MAX_LINES:
                    long.append(f"{name}.{node.name} ({lines} lines)")
    assert long == [], f"functions over {MAX_LINES} lines in compare/: {long}"


def test_no_module_reads_another_modules_private_names():
    reads = []
    for name, tree in trees().items():
        aliases = {}  # local name -> module it stands for
        for imported, what, node in _imports(name):
            if what is not None and what.startswith("_") and not what.startswith("__"):
                reads.append(f"{name}: from {imported} import {what}")
            if isinstance(node, ast.Import):
                for alias in node.names:
                    aliases[alias.asname or alias.name.split(".")[0]] = alias.name
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if imported in MODULES and imported.endswith(f".{alias.name}"):
                        aliases[alias.asname or alias.name] = imported
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and aliases[node.value.id].startswith("oasguard")
            ):
                reads.append(f"{name}: {node.value.id}.{node.attr}")
    assert reads == [], f"private names read across modules: {reads}"


def test_compare_reads_no_private_attribute_of_what_it_is_handed():
    """A checker recurses through the comparer it is handed (compare/keywords/base.py: Comparer),
    never through its private state: only `self` and `cls` are followed to an underscore name."""
    reads = []
    for name, tree in trees().items():
        if not name.startswith("oasguard.compare"):
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
            ):
                reads.append(f"{name}:{node.lineno} .{node.attr}")
    assert reads == [], f"private attributes read in compare/: {reads}"


def _graph() -> dict[str, list[str]]:
    """module -> the modules of oasguard it imports."""
    return {
        name: sorted({imported for imported, _, _ in _imports(name) if imported in MODULES} - {name})
        for name in MODULES
    }


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """The strongly connected components (more than one module) of an import graph."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:  # Tarjan's algorithm, iteratively
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(graph[target])))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))

    for name in graph:
        if name not in index:
            visit(name)
    return found


def test_no_import_cycle_crosses_a_package():
    crossing = [cycle for cycle in _cycles(_graph()) if len({_package(m) for m in cycle}) > 1]
    assert crossing == [], f"import cycles between modules of different packages: {crossing}"


def test_the_cycle_check_finds_cycles_and_only_cycles():
    graph = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": ["e"], "e": [], "f": ["f"]}
    assert _cycles(graph) == [["a", "b", "c"]]
    # and it reads the real graph: compare/ imports the model, the model never imports compare/
    real = _graph()
    assert "oasguard.model.nodes" in real["oasguard.compare.schema"]
    assert not any(m.startswith("oasguard.compare") for m in real["oasguard.model.schema"])


def test_only_the_subject_renders_the_location_and_no_one_parses_it():
    """A change's location text is rendered from its subject (changes.py: Subject) and only
    shown: no module splits it on `›` to find the operation, parameter or status again, and no
    module reads an untyped `extra` dict of fact values (issue 17, "One subject")."""
    found = []
    for name, tree in trees().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "extra":
                found.append(f"{name}:{node.lineno} .extra")
            if (
                name != "oasguard.changes"
                and isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and "›" in node.value
                and not _is_docstring(tree, node)
            ):
                found.append(f"{name}:{node.lineno} {node.value!r}")
    assert found == [], f"location text parsed, or extra read, outside changes.py: {found}"


def _is_docstring(tree: ast.AST, constant: ast.Constant) -> bool:
    return any(
        isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and node.body[0].value is constant
        for node in ast.walk(tree)
    )
