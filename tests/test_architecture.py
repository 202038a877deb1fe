"""The package's shape: no import cycle between its modules, every module says what it holds and holds one
concern (no module over 400 lines), CONTRIBUTING.md maps every package, no module imports another's private
name, and the docs name only modules that exist.

Imports inside functions are left out: they are how a module defers a heavy dependency (a query worker
imports the engine after its memory cap is set), and they do not make the modules depend on each other
when imported.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

KG = Path(__file__).resolve().parent.parent / "kg"


def module_name(path: Path) -> str:
    parts = path.relative_to(KG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(KG.rglob("*.py"))}


def imported(name: str, path: Path) -> set[str]:
    """The kg modules a module imports at its top level (TYPE_CHECKING blocks left out)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {module for module in found if module in MODULES and module not in (name, "kg")}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or through others: the strongly connected
    components of more than one module (Tarjan's algorithm), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(found)


def test_the_walk_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_one_that_imports_it_back() -> None:
    assert len(MODULES) > 30, f"only {len(MODULES)} modules found under {KG}"
    graph = {name: imported(name, path) for name, path in MODULES.items()}
    assert sum(len(deps) for deps in graph.values()) > 50, "the import graph is nearly empty: the reader is broken"
    assert cycles(graph) == []


def test_every_module_says_what_it_holds() -> None:
    """A module docstring, whose first line says what the module is for."""
    missing = [
        name
        for name, path in MODULES.items()
        if not (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").strip()
    ]
    assert missing == []


#: the longest a module may be: one concern, read in one sitting
MAX_LINES = 400


def test_no_module_is_longer_than_one_concern_needs() -> None:
    """No module over MAX_LINES lines: a longer one holds more than one concern and is split by concern."""
    lengths = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in MODULES.items()}
    assert max(lengths.values()) > MAX_LINES // 4, "no module has any length: the reader is broken"
    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}


def test_contributing_names_every_package() -> None:
    """CONTRIBUTING.md's map of the code ("Where the code is") has a line for each package of kg and for no
    package that is gone, so that a newcomer finds the room for a change in one look."""
    text = (KG.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## Where the code is", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^kg/([a-z_]+)/ ", section, re.M))
    packages = {path.parent.name for path in KG.glob("*/__init__.py")}
    assert packages, f"no package found under {KG}"
    assert listed == packages | {"static"} and (KG / "static").is_dir()
    subpackages = sorted(path.parent.relative_to(KG).as_posix() for path in KG.glob("*/*/__init__.py"))
    listed_subpackages, parent = [], ""
    for line in section.splitlines():  # a subpackage is an indented line under its package's
        if match := re.match(r"^kg/([a-z_]+)/ ", line):
            parent = match.group(1)
        elif match := re.match(r"^  ([a-z_]+)/ ", line):
            listed_subpackages.append(f"{parent}/{match.group(1)}")
    assert sorted(listed_subpackages) == subpackages


def test_every_package_names_its_modules() -> None:
    """Each package's docstring names every module and subpackage it holds: the newcomer's first look."""
    unnamed = {}
    for init in sorted(KG.rglob("*/__init__.py")):
        text = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        modules = {path.stem for path in init.parent.glob("*.py")} - {"__init__"}
        modules |= {path.parent.name for path in init.parent.glob("*/__init__.py")}  # its subpackages
        missing = sorted(m for m in modules if not re.search(rf"\b{m}\b", text))
        if missing:
            unnamed[init.parent.name] = missing
    assert list(KG.glob("*/__init__.py")), f"no package under {KG}"
    assert unnamed == {}


def test_no_module_imports_another_modules_private_name() -> None:
    """A name another module imports is part of its module's interface, so it has no leading underscore."""
    private = [
        f"{name} imports {node.module}.{alias.name}"
        for name, path in MODULES.items()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kg")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert private == []


def test_the_documentation_names_only_modules_and_names_that_exist() -> None:
    """Every ``kg/...py`` path and every dotted ``kg.module.name`` in the README, CONTRIBUTING and docs/ pages
    names a module that exists, and a name that module holds: the docs follow the code when it moves."""
    import importlib

    pages = [KG.parent / "README.md", KG.parent / "CONTRIBUTING.md", *sorted((KG.parent / "docs").glob("*.md"))]
    stale, seen = [], 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for path in re.findall(r"(?<![\w/.-])kg/[\w/]+\.py\b", text):
            seen += 1
            if not (KG.parent / path).is_file():
                stale.append(f"{page.name}: {path}")
        for dotted in re.findall(r"(?<![\w/.-])kg(?:\.[A-Za-z_]\w*)+", text):
            seen += 1
            parts = dotted.split(".")
            known = max(i for i in range(1, len(parts) + 1) if ".".join(parts[:i]) in MODULES or i == 1)
            module = importlib.import_module(".".join(parts[:known]))
            if known < len(parts) and not hasattr(module, parts[known]):
                stale.append(f"{page.name}: {dotted}")
    assert seen > 20, "hardly any module named in the docs: the reader is broken"
    assert stale == []
