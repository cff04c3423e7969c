"""The layers of DESIGN.md hold: imports run one way, and no two modules import each other.

    domain  <-  store, ocr, exports  <-  services  <-  cli, ui, app.py

Every module of paperless_ig is read with ``ast`` (nothing is imported, so
this runs in a moment and needs no display); every import counts, at the top
of a module or inside a function, relative ones resolved. A failure names
each offending import as ``module -> module``. An arrow that runs back up is
a module in the wrong layer: move the code, do not add an exception.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "paperless_ig"


# Leaves that import nothing of ours: the package itself (its __version__) and where
# resources live. Their layers, as _layer() names them, are "" and "paths".
LEAVES = frozenset({PACKAGE, f"{PACKAGE}.paths"})
# The layers below services, and what each may import. domain: nothing else of ours.
LOWER = {"domain": frozenset({"domain"}),
         "store": frozenset({"store", "domain", "", "paths"}),
         "ocr": frozenset({"ocr", "domain", "", "paths"}),
         "exports": frozenset({"exports", "domain", "", "paths"})}
# What stands above services: the window, the command line and how the app starts.
TOP = ("ui", "cli", "app", "__main__")
# Database libraries the window leaves to services (DESIGN: ui never opens a session).
DATABASE_LIBRARIES = frozenset({"sqlalchemy", "psycopg", "alembic", "sqlite3"})


@dataclass
class Graph:
    """Module -> the modules of ours it imports, and -> the other top-level packages it imports."""

    ours: dict[str, set[str]] = field(default_factory=dict)
    others: dict[str, set[str]] = field(default_factory=dict)

    def edges(self) -> Iterable[tuple[str, str]]:
        for module, targets in sorted(self.ours.items()):
            for target in sorted(targets):
                yield module, target


def _modules(root: Path) -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, whether it is a package's __init__)."""
    found = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        found[".".join(parts)] = (path, is_package)
    return found


def _nearest(name: str, modules: dict) -> str:
    """The module that ``import name`` runs last: ``name`` itself or the package holding it."""
    while name not in modules and "." in name:
        name = name.rpartition(".")[0]
    return name


def build_graph(skip: frozenset[str] = frozenset(), root: Path = ROOT) -> Graph:
    """Every module's imports, leaving out those in ``skip`` (as "module -> module")."""
    modules = _modules(root)
    graph = Graph()
    for module, (path, is_package) in modules.items():
        ours, others = set(), set()
        package = module if is_package else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                        ours.add(_nearest(alias.name, modules))
                    else:
                        others.add(alias.name.partition(".")[0])
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                if source != PACKAGE and not source.startswith(PACKAGE + "."):
                    others.add(source.partition(".")[0])
                    continue
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"  # "from package import module"
                    ours.add(submodule if submodule in modules else _nearest(source, modules))
        ours.discard(module)
        graph.ours[module] = {t for t in ours if f"{module} -> {t}" not in skip}
        graph.others[module] = others
    return graph


def _layer(module: str) -> str:
    """The first name under the package: "services" for paperless_ig.services.audit, "paths"
    for paperless_ig.paths, "" for the package itself."""
    return module.split(".")[1] if "." in module else ""


def _cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph.ours.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for module in sorted(graph.ours):
        if module not in index:
            visit(module)
    return components


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build_graph()


def _report(offending: list[str], rule: str) -> str:
    return f"{rule}; these imports break it:\n" + "\n".join(f"  {line}" for line in offending)


def test_the_graph_sees_every_kind_of_import(tmp_path):
    """GIVEN a small package importing in every way WHEN its graph is built THEN each import is
    there, resolved to the module it runs (a parser that missed some would let rules pass)."""
    files = {
        "__init__.py": "",
        "paths.py": "",
        "domain/__init__.py": "",
        "domain/errors.py": "class E(Exception): ...\n",
        "store/__init__.py": "",
        "store/models.py": "import sqlalchemy.orm\nfrom ..domain.errors import E\n",
        "services/__init__.py": "from . import audit\n",
        "services/audit.py": ("from typing import TYPE_CHECKING\n"
                              "from paperless_ig.store import models\n"
                              "import paperless_ig.domain.errors\n"
                              "if TYPE_CHECKING:\n    from paperless_ig.ui.window import Window\n"
                              "def later():\n    from .. import paths\n"
                              "    from paperless_ig import __version__\n"),
        "ui/__init__.py": "",
        "ui/window.py": "from paperless_ig.services.audit import later\n",
    }
    for name, text in files.items():
        path = tmp_path / PACKAGE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    graph = build_graph(root=tmp_path)
    assert graph.ours["paperless_ig.store.models"] == {"paperless_ig.domain.errors"}
    assert graph.others["paperless_ig.store.models"] == {"sqlalchemy"}
    assert graph.ours["paperless_ig.services"] == {"paperless_ig.services.audit"}
    assert graph.ours["paperless_ig.services.audit"] == {
        "paperless_ig.store.models", "paperless_ig.domain.errors", "paperless_ig.ui.window",
        "paperless_ig.paths", "paperless_ig"}
    assert graph.ours["paperless_ig.ui.window"] == {"paperless_ig.services.audit"}
    assert _cycles(graph) == [["paperless_ig.services.audit", "paperless_ig.ui.window"]]
    # And the real tree is read at all.
    real = build_graph()
    assert len(real.ours) > 50 and "PySide6" in real.others["paperless_ig.ui.desk"]


def test_the_leaves_import_nothing_of_ours(graph):
    offending = [f"{m} -> {t}" for m in sorted(LEAVES) for t in sorted(graph.ours[m])]
    assert not offending, _report(offending, "paperless_ig and paperless_ig.paths import nothing of ours")


def test_domain_store_ocr_and_exports_import_only_below_them(graph):
    """domain imports nothing else of ours; store, ocr and exports only domain (and the leaves)."""
    offending = []
    for module, target in graph.edges():
        allowed = LOWER.get(_layer(module))
        if allowed is not None and _layer(target) not in allowed:
            offending.append(f"{module} -> {target}")
    assert not offending, _report(offending, "domain imports nothing else of ours; store, ocr and "
                                             "exports import only themselves, domain and the leaves")


def test_services_never_import_the_window_or_the_command_line(graph):
    offending = [f"{module} -> {target}" for module, target in graph.edges()
                 if _layer(module) == "services" and _layer(target) in TOP]
    assert not offending, _report(offending, "services import no ui, cli or app")


def test_the_window_leaves_the_database_to_services(graph):
    """ui imports no SQLAlchemy (nor another database library) and not the ORM models."""
    offending = [f"{module} -> {target}" for module, target in graph.edges()
                 if _layer(module) == "ui" and target == "paperless_ig.store.models"]
    offending += [f"{module} -> {library}" for module in sorted(graph.others) if _layer(module) == "ui"
                  for library in sorted(graph.others[module] & DATABASE_LIBRARIES)]
    assert not offending, _report(offending, "ui imports no database library and not store.models")


def test_no_two_modules_import_each_other(graph):
    offending = []
    for component in _cycles(graph):
        members = set(component)
        offending += [""] if offending else []  # a blank line between cycles
        offending += [f"{m} -> {t}" for m in component for t in sorted(graph.ours[m] & members)]
    assert not offending, _report(offending, "no import cycles (each group below is one cycle)")
