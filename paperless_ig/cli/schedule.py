"""The retention schedule: import and export."""

from __future__ import annotations

from paperless_ig.cli.common import actor, file_arg, open_db
from paperless_ig.cli.registry import command, emit
from paperless_ig.services import schedule


@command("schedule", "import", help="import a retention schedule (xlsx/csv), all or nothing")
@file_arg
def schedule_import(args):
    counts = schedule.import_schedule(open_db(args), actor(args), args.file)
    emit(args, counts, f"schedule: {counts['created']} created, {counts['updated']} updated, "
                       f"{counts['unchanged']} unchanged, {counts['boxes_redated']} boxes re-dated")


@command("schedule", "export", help="export the retention schedule (xlsx/csv)")
@file_arg
def schedule_export(args):
    count = schedule.export_schedule(open_db(args), args.file)
    emit(args, {"classes": count, "file": args.file}, f"{count} classes written to {args.file}")
