"""The audit trail: verify the chain."""

from __future__ import annotations

import sys

from paperless_ig.cli.common import open_db
from paperless_ig.cli.registry import command, emit
from paperless_ig.services import audit


@command("audit", "verify", help="check that the audit trail is intact")
def audit_verify(args):
    result = audit.verify(open_db(args))
    if result.ok:
        emit(args, result.as_dict(), f"audit trail intact: {result.events} events")
        return 0
    if args.json:
        emit(args, result.as_dict())
    print(f"paperless-ig: audit trail broken: {result.reason}", file=sys.stderr)
    return 1
