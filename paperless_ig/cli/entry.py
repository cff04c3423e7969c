"""The entry point: ``paperless-ig`` with a command runs it; with none, the desktop app.

Exit codes: 0 on success, 2 on bad input or usage with one clear line on stderr, 1 on any
other failure (its traceback goes to the log file, not the terminal).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

from paperless_ig import logs
from paperless_ig.cli.registry import PROG, UsageError, _globals, _Parser, build_parser
from paperless_ig.domain.errors import PaperlessError

log = logging.getLogger(__name__)


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
        logs.configure(verbose=getattr(args, "verbose", False))
        # The command's name only: arguments can hold a database URL with its password.
        log.info("%s %s", PROG, " ".join(v for k, v in sorted(vars(args).items())
                                        if k.startswith("cmd") and isinstance(v, str)))
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
        log.error("%s failed", PROG, exc_info=exc)
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
