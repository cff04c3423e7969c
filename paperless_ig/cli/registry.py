"""The command table: handlers register here by area; the parser is built from it.

Contract (see DESIGN.md): every command takes ``--db URL`` and ``--user LOGIN``; ``--json``
prints data as JSON. The names, options and JSON keys are relied on by scripts outside the
code: add, never rename.
"""

from __future__ import annotations

import argparse
import importlib
import json
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import date
from typing import Any

from paperless_ig import __version__

PROG = "paperless-ig"


class UsageError(Exception):
    """Bad command-line usage: exit 2 with one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not usage + message
        raise UsageError(f"{self.prog}: {' '.join(message.split())}")


def _globals(parser: argparse.ArgumentParser, top: bool) -> None:
    """--db/--user/--json on the top parser and, suppressed, on every subcommand."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", default=default, metavar="URL",
                        help="database URL or SQLite file (default: $PAPERLESS_IG_DB or "
                             "the embedded SQLite file)")
    parser.add_argument("--user", default=default, metavar="LOGIN",
                        help="act as this login (default: the operating-system login)")
    parser.add_argument("--json", action="store_true",
                        default=False if top else argparse.SUPPRESS,
                        help="print data as JSON")
    parser.add_argument("--verbose", action="store_true",
                        default=False if top else argparse.SUPPRESS,
                        help="also write the log to stderr (it always goes to the log file)")


Handler = Callable[[argparse.Namespace], Any]
_COMMANDS: list[tuple[tuple[str, ...], str, Callable[[argparse.ArgumentParser], None], Handler]] = []


def command(*path: str, help: str):
    """Register a handler for ``paperless-ig <path...>``; the decorated function adds arguments."""

    def wrap(handler: Handler) -> Handler:
        _COMMANDS.append((path, help, getattr(handler, "arguments", lambda p: None), handler))
        return handler

    return wrap


def arguments(adder: Callable[[argparse.ArgumentParser], None]):
    def wrap(handler: Handler) -> Handler:
        handler.arguments = adder  # type: ignore[attr-defined]
        return handler

    return wrap


# The modules that register commands, one per area, imported by name when the parser is
# built (so this module imports none of them, and none of them imports the entry point).
AREAS = ("db", "demo", "organisation", "schedule", "audit", "desk", "holds", "disposal", "register",
         "ocr", "search", "reports", "exports")


def build_parser() -> argparse.ArgumentParser:
    for area in AREAS:
        importlib.import_module(f"paperless_ig.cli.{area}")

    parser = _Parser(prog=PROG, description="Paper records store, disposal and digitisation.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _globals(parser, top=True)
    groups: dict[tuple[str, ...], argparse._SubParsersAction] = {
        (): parser.add_subparsers(dest="cmd0", metavar="COMMAND", parser_class=_Parser)
    }
    for path, help_text, adder, handler in _COMMANDS:
        for depth in range(1, len(path)):
            prefix = path[:depth]
            if prefix not in groups:
                group_parser = groups[path[:depth - 1]].add_parser(prefix[-1], help=f"{prefix[-1]} commands")
                groups[prefix] = group_parser.add_subparsers(dest=f"cmd{depth}", metavar="COMMAND",
                                                             parser_class=_Parser, required=True)
        sub = groups[path[:-1]].add_parser(path[-1], help=help_text, description=help_text)
        _globals(sub, top=False)
        adder(sub)
        sub.set_defaults(handler=handler)
    return parser


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def emit(args: argparse.Namespace, data: Any, text: str | None = None) -> None:
    """Print ``data`` as JSON with --json, else ``text`` (or a readable dump)."""
    if args.json:
        print(json.dumps(_plain(data), indent=2, ensure_ascii=False))
    elif text is not None:
        if text:
            print(text)
    elif data is not None:
        print(json.dumps(_plain(data), indent=2, ensure_ascii=False))
