"""An existing box register, imported."""

from __future__ import annotations

from paperless_ig.cli.common import actor, open_db, progress_to_stderr
from paperless_ig.cli.registry import arguments, command, emit


@arguments
def _register_args(p):
    p.add_argument("file", help="the register, .xlsx or .csv")
    p.add_argument("--map", dest="mapping", default=None,
                   help="other headings: field=Heading,field=Heading or a JSON file")
    p.add_argument("--skip-invalid", action="store_true",
                   help="import the good rows; write the rejected ones, with reasons, to a workbook")
    p.add_argument("--rejected", default=None, help="where to write the rejected rows (.xlsx)")


@command("register", "import", help="import an existing box register, keeping its barcodes")
@_register_args
def register_import(args):
    from paperless_ig.domain.errors import ImportRejected
    from paperless_ig.services import register

    mapping = register.parse_mapping(args.mapping) if args.mapping else None
    try:
        result = register.import_register(open_db(args), actor(args), args.file, mapping,
                                           skip_invalid=args.skip_invalid,
                                           rejected_path=args.rejected, progress=progress_to_stderr)
    except ImportRejected as exc:
        if args.json:
            emit(args, register.rejection_json(exc))
        raise
    text = f"{result.imported} boxes imported"
    if result.rejected_file:
        text += f"; {result.rejected_rows} rows rejected, written to {result.rejected_file}"
    emit(args, result.as_json(), text)
