"""The warehouse package's modules import each other without cycles, and the loading modules at
their top (a function-level import that hides a cycle is a cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

import warehouse

PACKAGE = Path(warehouse.__file__).parent
# modules that import nothing of the package lazily (cli.py defers its subcommands' imports to
# start fast; that is not hiding a cycle)
TOP_LEVEL_ONLY = ("loader", "staging", "staging_load", "batch_merge", "runs", "coverage_record", "recrawl_state",
                  "migrate", "similarity", "sqlfiles")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports(name: str) -> tuple[set[str], set[str]]:
    """(package modules `name` imports, those imported inside a function); imports under
    `if TYPE_CHECKING:` are for annotations only and do not count."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    lazy: set[str] = set()

    def target(node: ast.ImportFrom) -> list[str]:
        if node.level:
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            module = ".".join(base + ([node.module] if node.module else []))
        else:
            module = node.module or ""
        return [f"{module}.{alias.name}" if f"{module}.{alias.name}" in MODULES else module for alias in node.names]

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return
        if isinstance(node, ast.ImportFrom):
            for module in target(node):
                if module in MODULES and module != name:
                    found.add(module)
                    if in_function:
                        lazy.add(module)
        for child in ast.iter_child_nodes(node):
            visit(child, in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)))

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found, lazy


def test_the_warehouse_modules_import_each_other_without_a_cycle():
    # the package's __init__ re-exports its modules' names; its modules never import it back
    graph = {name: {m for m in imports(name)[0] if m != "warehouse"} for name in MODULES if name != "warehouse"}
    cycles = []

    def walk(node: str, path: list[str]) -> None:
        for dependency in sorted(graph.get(node, ())):
            if dependency == path[0]:
                cycles.append(" -> ".join([*path, dependency]))
            elif dependency not in path and dependency > path[0]:  # each cycle once, from its smallest name
                walk(dependency, [*path, dependency])

    for name in sorted(graph):
        walk(name, [name])
    assert cycles == []


def test_the_loading_modules_import_at_the_top():
    lazy = {name: sorted(imports(f"warehouse.{name}")[1]) for name in TOP_LEVEL_ONLY}
    assert {name: found for name, found in lazy.items() if found} == {}


def test_the_staging_area_layout_does_not_know_the_loader():
    assert not {"warehouse.loader", "warehouse.staging_load"} & imports("warehouse.staging")[0]
