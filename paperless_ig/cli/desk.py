"""The deposit desk: deposits, boxes, shelves, loans, stocktakes and labels."""

from __future__ import annotations

import sys

from paperless_ig.cli.common import actor, open_db
from paperless_ig.cli.registry import arguments, command, emit
from paperless_ig.domain.dates import parse_date
from paperless_ig.domain.errors import BadInput


@arguments
def _deposit_args(p):
    p.add_argument("--team", required=True, help="team code")
    p.add_argument("--class", dest="class_code", required=True, help="retention class code")
    p.add_argument("--boxes", type=int, required=True, help="number of boxes")
    p.add_argument("--title", required=True, help="what is in the boxes (no personal data)")
    p.add_argument("--trigger-date", type=parse_date, default=None)
    p.add_argument("--from", dest="date_from", type=parse_date, default=None,
                   help="earliest record date")
    p.add_argument("--to", dest="date_to", type=parse_date, default=None, help="latest record date")
    p.add_argument("--received", type=parse_date, default=None, help="back-date the deposit")
    p.add_argument("--by", dest="brought_by", default="", help="who brought the boxes")


@command("deposit", "add", help="log a deposit of boxes from a team")
@_deposit_args
def deposit_add(args):
    from paperless_ig.services import deposits

    if not 1 <= args.boxes <= deposits.MAX_BOXES:
        raise BadInput(f"--boxes must be between 1 and {deposits.MAX_BOXES}")
    spec = deposits.BoxSpec(args.title, args.trigger_date, args.date_from, args.date_to)
    request = deposits.DepositRequest(args.team, args.class_code, [spec] * args.boxes,
                                      args.brought_by, args.received)
    result = deposits.log_deposit(open_db(args), actor(args), request)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    emit(args, result.as_json(), f"deposit {result.deposit_id}: {', '.join(result.barcodes)}")


def _box_text(detail) -> str:
    lines = [f"{detail.barcode}  {detail.status_label}",
             f"  team      {detail.team} {detail.team_name}",
             f"  class     {detail.class_code} {detail.class_label}",
             f"  title     {detail.title}",
             f"  location  {detail.location or 'not shelved'}",
             f"  disposal  {detail.disposal_date.isoformat() if detail.disposal_date else 'permanent'}"]
    if detail.holds:
        lines.append(f"  on hold   {'; '.join(detail.holds)}")
    if detail.loan:
        lines.append(f"  on loan   to {detail.loan.team}, due {detail.loan.due_on.isoformat()}")
    return "\n".join(lines)


@arguments
def _barcode_arg(p):
    p.add_argument("barcode")


@command("box", "show", help="show one box")
@_barcode_arg
def box_show(args):
    from paperless_ig.services import boxes

    detail = boxes.show(open_db(args), args.barcode)
    emit(args, detail.as_json(), _box_text(detail))


@arguments
def _move_args(p):
    p.add_argument("barcode")
    p.add_argument("location", help="location code or barcode")


@command("box", "move", help="shelve a box at a location")
@_move_args
def box_move(args):
    from paperless_ig.services import boxes

    detail = boxes.move(open_db(args), actor(args), args.barcode, args.location)
    emit(args, detail.as_json(), f"{detail.barcode} is now on {detail.location}")


@arguments
def _issue_args(p):
    p.add_argument("barcode")
    p.add_argument("--to", dest="team", required=True, help="team code")
    p.add_argument("--due", type=parse_date, default=None, help="due back (default: in 4 weeks)")


@command("box", "issue", help="issue a box back to a team")
@_issue_args
def box_issue(args):
    from paperless_ig.services import boxes

    detail = boxes.issue(open_db(args), actor(args), args.barcode, args.team, args.due)
    emit(args, detail.as_json(),
         f"{detail.barcode} issued to {detail.loan.team}, due {detail.loan.due_on.isoformat()}")


@command("box", "return", help="take a box back in from loan")
@_barcode_arg
def box_return(args):
    from paperless_ig.services import boxes

    detail = boxes.return_box(open_db(args), actor(args), args.barcode)
    emit(args, detail.as_json(), f"{detail.barcode} is back in store on {detail.location or '-'}")


@arguments
def _location_args(p):
    p.add_argument("code", help="e.g. M-001-1-01 (store-bay-shelf-position)")
    p.add_argument("--capacity", type=int, default=6, help="boxes it holds (default 6)")


@command("location", "add", help="add a shelf position with its barcode")
@_location_args
def location_add(args):
    from paperless_ig.services import locations

    info = locations.add_location(open_db(args), actor(args), args.code, args.capacity)
    emit(args, {"code": info.code, "barcode": info.barcode, "capacity": info.capacity},
         f"location {info.code}: barcode {info.barcode}, holds {info.capacity}")


@arguments
def _stocktake_args(p):
    p.add_argument("location", help="the shelf's location code or barcode")
    p.add_argument("barcodes", nargs="*", help="every box barcode found on the shelf")
    p.add_argument("--accept-moves", action="store_true",
                   help="move boxes found here but recorded elsewhere to this shelf")


@command("stocktake", help="check one shelf against the records and save the stocktake")
@_stocktake_args
def stocktake_run(args):
    from paperless_ig.services import stocktake

    result = stocktake.save(open_db(args), actor(args), args.location, args.barcodes,
                            args.accept_moves)
    report = result.report
    emit(args, {"stocktake_id": result.stocktake_id, **report.as_json(), "moved": result.moved},
         f"stocktake {result.stocktake_id} of {report.location}: {len(report.found)} found, "
         f"{len(report.missing)} missing, {len(report.elsewhere)} recorded elsewhere, "
         f"{len(report.unknown)} unknown")


@arguments
def _labels_args(p):
    p.add_argument("barcodes", nargs="*", help="box barcodes")
    p.add_argument("--deposit", type=int, default=None, help="every box of this deposit")
    p.add_argument("--out", required=True, help="the PDF to write")
    p.add_argument("--sheet", default="L7163", help="label layout: L7163 (14 a sheet) or L7160 (21)")
    p.add_argument("--start", type=int, default=1,
                   help="first free label position on a half-used sheet (1 = top left)")
    p.add_argument("--cover", action="store_true", help="one A4 cover sheet per box instead")


@command("labels", help="label sheets (or cover sheets) for boxes, as PDF")
@_labels_args
def labels_make(args):
    from paperless_ig.services import labels

    if bool(args.barcodes) == (args.deposit is not None):
        raise BadInput("give either barcodes or --deposit ID")
    db = open_db(args)
    if args.cover:
        result = labels.make_cover_sheets(db, args.out, args.barcodes, args.deposit)
        emit(args, result, f"{result['covers']} cover sheets written to {args.out}")
    else:
        result = labels.make_labels(db, args.out, args.barcodes, args.deposit, args.sheet, args.start)
        emit(args, result, f"{result['labels']} labels on {result['pages']} page(s) written to "
                           f"{args.out}")
