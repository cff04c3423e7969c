"""The command line's own layout: every module that defines commands is one the parser loads."""

from __future__ import annotations

import ast
from pathlib import Path

from paperless_ig.cli import registry

CLI = Path(registry.__file__).parent


def _defines_commands(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(d, ast.Call) and getattr(d.func, "id", None) == "command"
               for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
               for d in node.decorator_list)


def test_every_module_with_commands_is_loaded_by_the_parser():
    """GIVEN the cli package WHEN a module registers commands THEN build_parser imports it
    (a module left out would have its commands silently missing)."""
    with_commands = {p.stem for p in CLI.glob("*.py") if _defines_commands(p)}
    assert with_commands == set(registry.AREAS)


def test_every_registered_command_is_in_the_parser():
    parser = registry.build_parser()
    paths = {path for path, *_ in registry._COMMANDS}
    assert ("disposal", "approve") in paths and ("db", "backup") in paths
    args = parser.parse_args(["disposal", "approve", "3", "--box", "B", "--overturn", "--reason", "r"])
    assert args.overturn and args.boxes == ["B"]
