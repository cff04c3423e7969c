"""Exports for people outside the app: the position statement."""

from __future__ import annotations

from paperless_ig.cli.common import open_db, progress_to_stderr
from paperless_ig.cli.registry import arguments, command, emit
from paperless_ig.domain.dates import parse_date
from paperless_ig.services import position


@arguments
def _statement_args(p):
    p.add_argument("file", metavar="FILE.xlsx", help="the workbook to write")
    p.add_argument("--as-of", type=parse_date, default=None,
                   help="the date of the position (default: today)")


@command("export", "position-statement", help="the audit-of-paper position statement (Excel workbook)")
@_statement_args
def export_position_statement(args):
    figures = position.write_statement(open_db(args), args.file, args.as_of, progress=progress_to_stderr)
    change = "" if figures["change"] is None else f" ({figures['change']:+.1%})"
    emit(args, figures,
         f"position statement at {figures['as_of']} written to {figures['file']}: "
         f"{figures['boxes_held']:,} boxes held ({figures['metres_held']:,.1f} m); "
         f"{figures['deposited_last_12']:,} deposited in the last 12 months{change}; "
         f"{figures['overdue_boxes']:,} due for disposal; {figures['under_hold_boxes']:,} under legal hold")
