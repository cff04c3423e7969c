"""The command line: scheduled jobs, bulk work, scripting and tests.

Contract (see DESIGN.md): every command takes ``--db URL`` and ``--user
LOGIN``; ``--json`` prints data as JSON; exit 0 on success, 2 on bad input or
usage with one clear line on stderr, 1 on any other failure. With no command
at all it starts the desktop app.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date
from typing import Any

from paperless_ig import __version__
from paperless_ig.domain.errors import PaperlessError

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


def build_parser() -> argparse.ArgumentParser:
    from paperless_ig import cli_admin, cli_exports, cli_reports, commands  # noqa: F401 - they register handlers

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


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        for arg in argv:
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                raise UsageError(f"{PROG}: argument {arg.encode('utf-8', 'replace').decode()!r} is "
                                 "not valid text (check the terminal's character set)") from None
        pre = _Parser(prog=PROG, add_help=False)
        _globals(pre, top=True)
        known, rest = pre.parse_known_args(argv)
        if not rest:
            from paperless_ig.app import main as gui_main

            return gui_main(db_url=known.db, login=known.user)
        args = build_parser().parse_args(argv)
        if not hasattr(args, "handler"):
            raise UsageError(f"{PROG}: choose a command (see '{PROG} --help')")
        result = args.handler(args)
        return int(result) if isinstance(result, int) else 0
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except PaperlessError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 1
    except Exception as exc:  # one line for people; the traceback on request
        from paperless_ig.store.integrity import DatabaseProblem

        if isinstance(exc, DatabaseProblem):  # a damaged database: say what and what to do, exit 1
            print(f"{PROG}: {exc}", file=sys.stderr)
            return 1
        if os.environ.get("PAPERLESS_IG_DEBUG"):
            raise
        print(f"{PROG}: failed: {_describe(exc)}", file=sys.stderr)
        return 1


def _describe(exc: Exception) -> str:
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError):
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        return f"database error: {first}"
    return f"{exc.__class__.__name__}: {exc}"


if __name__ == "__main__":
    # Run through the package module, so handlers register where main() looks.
    from paperless_ig import cli as _cli

    sys.exit(_cli.main())
