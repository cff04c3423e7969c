"""The command handlers behind ``paperless-ig``; each is a thin call to a service."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from paperless_ig.cli import arguments, command, emit
from paperless_ig.domain.dates import parse_date
from paperless_ig.domain.errors import BadInput
from paperless_ig.services import audit, demo, schedule, teams, users
from paperless_ig.store import integrity, migrate
from paperless_ig.store.database import Database


def open_db(args: argparse.Namespace, upgrade: bool = True) -> Database:
    """The database named by --db (or the default), checked, then migrated to the current schema."""
    db = Database(getattr(args, "db", None))
    # Not a database, cut short, a newer schema: refuse before anything writes to it.
    integrity.require_healthy(db, quick_check=False, header_only=True)
    if upgrade and migrate.needs_upgrade(db):
        migrate.upgrade(db)
    return db


def actor(args: argparse.Namespace) -> str:
    return getattr(args, "user", None) or users.current_login()


def progress_to_stderr(done: int, total: int, message: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{message}: {done}/{total}", end="" if done < total else "\n", file=sys.stderr)


# -- database ----------------------------------------------------------------
@command("db", "upgrade", help="create or migrate the database")
def db_upgrade(args):
    db = open_db(args, upgrade=False)
    before = migrate.current_revision(db)
    migrate.upgrade(db)
    after = migrate.current_revision(db)
    emit(args, {"database": db.describe(), "from": before, "to": after},
         f"{db.describe()}: schema at {after}" + ("" if before != after else " (no change)"))


# -- demo data -------------------------------------------------------------------
@arguments
def _demo_args(p):
    p.add_argument("--boxes", type=int, required=True, help="how many boxes to create")
    p.add_argument("--seed", type=int, default=1, help="the same seed gives the same council")
    p.add_argument("--as-of", type=parse_date, default=None, help="the demo's today (ISO date)")


@command("demo", help="fill an empty database with a realistic demo council")
@_demo_args
def demo_load(args):
    if args.boxes < 1:
        raise BadInput("--boxes must be at least 1")
    db = open_db(args)
    summary = demo.load_demo(db, actor(args), args.boxes, args.seed, args.as_of,
                             progress=progress_to_stderr)
    emit(args, summary, f"demo council loaded: {summary['boxes']} boxes, {summary['teams']} "
                        f"teams, {summary['deposits']} deposits")


# -- organisation structure ---------------------------------------------------------
@arguments
def _file_arg(p):
    p.add_argument("file", help="an .xlsx or .csv file")


@command("teams", "import", help="import the organisation structure (xlsx/csv)")
@_file_arg
def teams_import(args):
    counts = teams.import_teams(open_db(args), actor(args), args.file)
    emit(args, counts, f"teams: {counts['created']} created, {counts['updated']} updated, "
                       f"{counts['unchanged']} unchanged")


@arguments
def _team_args(p):
    p.add_argument("--code", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--directorate", required=True)
    p.add_argument("--organisation", required=True)
    p.add_argument("--iao", default="", help="the team's Information Asset Owner")
    p.add_argument("--iao-login", default=None, help="the IAO's login, for approvals")


@command("team", "add", help="add or update one team")
@_team_args
def team_add(args):
    spec = teams.TeamSpec(args.organisation, args.directorate, args.code, args.name, args.iao,
                          args.iao_login)
    outcome = teams.add_team(open_db(args), actor(args), spec)
    emit(args, {"team": args.code, "result": outcome}, f"team {args.code} {outcome}")


@arguments
def _user_args(p):
    p.add_argument("login")
    p.add_argument("--role", required=True,
                   help="desk, scanning, records_manager, admin or viewer")
    p.add_argument("--name", default=None)


@command("user", "add", help="add a user or change a user's role")
@_user_args
def user_add(args):
    info = users.add_user(open_db(args), actor(args), args.login, args.role, args.name)
    emit(args, {"login": info.login, "role": info.role.value, "name": info.name},
         f"{info.login}: {info.role_label}")


# -- retention schedule ---------------------------------------------------------------
@command("schedule", "import", help="import a retention schedule (xlsx/csv), all or nothing")
@_file_arg
def schedule_import(args):
    counts = schedule.import_schedule(open_db(args), actor(args), args.file)
    emit(args, counts, f"schedule: {counts['created']} created, {counts['updated']} updated, "
                       f"{counts['unchanged']} unchanged, {counts['boxes_redated']} boxes re-dated")


@command("schedule", "export", help="export the retention schedule (xlsx/csv)")
@_file_arg
def schedule_export(args):
    count = schedule.export_schedule(open_db(args), args.file)
    emit(args, {"classes": count, "file": args.file}, f"{count} classes written to {args.file}")


# -- audit -------------------------------------------------------------------------------
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


# -- the deposit desk -------------------------------------------------------------------
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


# -- legal holds ---------------------------------------------------------------------------
@arguments
def _hold_add_args(p):
    p.add_argument("--name", required=True)
    p.add_argument("--reason", required=True)
    p.add_argument("--class", dest="classes", action="append", default=[], metavar="CODE")
    p.add_argument("--team", dest="teams", action="append", default=[], metavar="CODE")
    p.add_argument("--directorate", dest="directorates", action="append", default=[], metavar="NAME")
    p.add_argument("--box", dest="boxes", action="append", default=[], metavar="BARCODE")
    p.add_argument("--records-from", type=parse_date, default=None)
    p.add_argument("--records-to", type=parse_date, default=None)
    p.add_argument("--starts", type=parse_date, default=None, help="default: today")
    p.add_argument("--ends", type=parse_date, default=None)


@command("hold", "add", help="place a legal hold (moratorium) over a scope")
@_hold_add_args
def hold_add(args):
    from paperless_ig.services import holds

    spec = holds.HoldSpec(args.name, args.reason, tuple(args.classes), tuple(args.teams),
                          tuple(args.directorates), tuple(args.boxes), args.records_from,
                          args.records_to, args.starts, args.ends)
    info, pulled = holds.add_hold(open_db(args), actor(args), spec)
    data = {**info.as_json(), "pulled": [{"barcode": b, "reason": r} for b, r in pulled]}
    emit(args, data, f"hold '{info.name}' placed over {'; '.join(info.scope)}"
                     + (f"; pulled from batches: {', '.join(b for b, _ in pulled)}" if pulled else ""))


@command("hold", "list", help="list legal holds")
def hold_list(args):
    from paperless_ig.services import holds

    infos = holds.list_holds(open_db(args))
    lines = [f"{'ACTIVE  ' if h.active else 'released'} {h.name}: {'; '.join(h.scope)}" for h in infos]
    emit(args, [h.as_json() for h in infos], "\n".join(lines) or "no holds")


@arguments
def _hold_release_args(p):
    p.add_argument("name")
    p.add_argument("--reason", required=True)


@command("hold", "release", help="release a legal hold (a reason is required)")
@_hold_release_args
def hold_release(args):
    from paperless_ig.services import holds

    info = holds.release_hold(open_db(args), actor(args), args.name, args.reason)
    emit(args, info.as_json(), f"hold '{info.name}' released")


# -- disposal --------------------------------------------------------------------------------
@arguments
def _as_of_arg(p):
    p.add_argument("--as-of", type=parse_date, default=None, help="default: today")
    p.add_argument("--team", dest="teams", action="append", default=[], metavar="CODE")


@command("disposal", "due", help="the due queue: boxes past their disposal date and not held")
@_as_of_arg
def disposal_due(args):
    from paperless_ig.services import disposal

    db = open_db(args)
    if args.json:
        # Streamed: a large store's queue is written as it is read.
        out = sys.stdout
        out.write("[")
        for number, box in enumerate(disposal.iter_due_json(db, args.as_of, args.teams or None)):
            out.write(("," if number else "") + "\n  " + box)
        out.write("\n]\n")
        return 0
    boxes = disposal.due(db, args.as_of, args.teams or None)
    lines = [f"{b.barcode}  {b.disposal_date}  {b.days_overdue:>5} days  {b.team:<8} {b.class_code:<10} "
             f"{'REVIEW' if b.needs_review else b.action}" + (f"  (batch {b.batch_id})" if b.batch_id else "")
             for b in boxes]
    emit(args, None, "\n".join(lines) + f"\n{len(boxes)} boxes due" if lines else "nothing is due")
    return 0


@arguments
def _batch_create_args(p):
    p.add_argument("--as-of", type=parse_date, default=None)
    p.add_argument("--team", dest="teams", action="append", default=[], metavar="CODE")
    p.add_argument("--box", dest="boxes", action="append", default=[], metavar="BARCODE")
    p.add_argument("--limit", type=int, default=5000, help="at most this many boxes")


@command("disposal", "batch", "create", help="a disposal batch from the due queue")
@_batch_create_args
def disposal_batch_create(args):
    from paperless_ig.services import disposal

    info = disposal.create_batch(open_db(args), actor(args), args.as_of, args.teams or None,
                                 args.boxes or None, args.limit)
    emit(args, info.as_json(), f"batch {info.batch_id}: {len(info.decisions)} boxes")


@command("disposal", "batch", "show", help="one batch with its decisions")
@arguments(lambda p: p.add_argument("batch", type=int))
def disposal_batch_show(args):
    from paperless_ig.services import disposal

    info = disposal.get_batch(open_db(args), args.batch)
    lines = [f"batch {info.batch_id}: {info.status}; waiting for {', '.join(info.waiting_for()) or 'nobody'}"]
    lines += [f"  {d.barcode} {d.team:<8} {d.decision or 'undecided':<9} {d.approval:<9} {d.outcome or ''}"
              for d in info.decisions]
    emit(args, info.as_json(), "\n".join(lines))


@arguments
def _decide_args(p):
    p.add_argument("batch", type=int)
    p.add_argument("barcode")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--destroy", action="store_const", dest="decision", const="destroy")
    group.add_argument("--transfer", action="store_const", dest="decision", const="transfer")
    group.add_argument("--extend-to", type=parse_date, default=None)
    p.add_argument("--reason", default=None)


@command("disposal", "decide", help="one box's decision: destroy, transfer, or extend")
@_decide_args
def disposal_decide(args):
    from paperless_ig.services import disposal

    decision = args.decision or "extend"
    disposal.decide(open_db(args), actor(args), args.batch, args.barcode, decision, args.extend_to,
                    args.reason)
    emit(args, {"batch_id": args.batch, "barcode": args.barcode, "decision": decision},
         f"{args.barcode}: {decision}")


@arguments
def _approve_args(p):
    p.add_argument("batch", type=int)
    p.add_argument("--box", dest="boxes", action="append", default=[], metavar="BARCODE")
    p.add_argument("--note", default=None)
    p.add_argument("--overturn", action="store_true",
                   help="turn the rejection of each --box into an approval (needs --reason)")
    p.add_argument("--reason", default=None, help="why a rejection is overturned")


@command("disposal", "approve", help="the IAO approves their teams' boxes in a batch")
@_approve_args
def disposal_approve(args):
    from paperless_ig.services import disposal

    if args.reason and not args.overturn:
        raise BadInput("--reason goes with --overturn (an approval's remark is --note)")
    done = disposal.approve(open_db(args), actor(args), args.batch, args.boxes or None, args.note,
                            overturn=args.overturn, reason=args.reason)
    info = done.info
    if done.overturned:
        text = f"batch {info.batch_id}: rejection overturned for {', '.join(done.overturned)}"
    else:
        text = f"batch {info.batch_id}: {len(done.approved)} boxes approved"
        if done.left_rejected:
            text += f"; {len(done.left_rejected)} left rejected"
    emit(args, {**info.as_json(), "approved": done.approved, "left_rejected": done.left_rejected,
                "overturned": done.overturned}, f"{text}; now {info.status}")


@arguments
def _reject_args(p):
    p.add_argument("batch", type=int)
    p.add_argument("--box", dest="boxes", action="append", required=True, metavar="BARCODE")
    p.add_argument("--reason", required=True)


@command("disposal", "reject", help="the IAO rejects boxes in a batch")
@_reject_args
def disposal_reject(args):
    from paperless_ig.services import disposal

    info = disposal.reject(open_db(args), actor(args), args.batch, args.boxes, args.reason)
    emit(args, info.as_json(), f"batch {info.batch_id}: {len(args.boxes)} boxes rejected")


@arguments
def _complete_args(p):
    p.add_argument("batch", type=int)
    p.add_argument("--date", type=parse_date, required=True)
    p.add_argument("--method", required=True, help="e.g. 'confidential shredding', pulping, incineration")
    p.add_argument("--contractor", required=True)
    p.add_argument("--certificate-no", required=True, help="the contractor's certificate number")
    p.add_argument("--witness", dest="witnesses", action="append", default=[])
    p.add_argument("--weight-kg", type=float, default=None)


@command("disposal", "complete", help="record that the approved boxes were destroyed")
@_complete_args
def disposal_complete(args):
    from paperless_ig.services import disposal

    done = disposal.complete(open_db(args), actor(args), args.batch, args.date, args.method,
                             args.contractor, args.certificate_no, args.witnesses, args.weight_kg)
    emit(args, done.as_json(),
         f"batch {done.batch_id}: {len(done.destroyed)} destroyed, {len(done.transferred)} transferred, "
         f"{len(done.extended)} extended, {len(done.pulled)} pulled")


@command("disposal", "backlog", help="the disposal backlog in figures")
@arguments(lambda p: p.add_argument("--as-of", type=parse_date, default=None))
def disposal_backlog(args):
    from paperless_ig.services import disposal

    figures = disposal.backlog(open_db(args), args.as_of)
    emit(args, figures.as_json(),
         f"{figures.overdue_boxes} boxes overdue ({figures.overdue_metres:.1f} m), oldest due "
         f"{figures.oldest_overdue}; {figures.destroyed_last_12} destroyed in the last 12 months")


@command("disposal", "waiting", help="open batches waiting longer than --days")
@arguments(lambda p: p.add_argument("--days", type=int, default=14))
def disposal_waiting(args):
    from paperless_ig.services import disposal

    batches = disposal.waiting(open_db(args), args.days)
    emit(args, [{"batch_id": b.batch_id, "status": b.status, "waiting_for": b.waiting_for()}
                for b in batches],
         "\n".join(f"batch {b.batch_id} ({b.status}) waits for {', '.join(b.waiting_for())}"
                   for b in batches) or "no batch is waiting")


# -- register import -------------------------------------------------------------------------
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


# -- digitisation ------------------------------------------------------------------------------
@arguments
def _ocr_args(p):
    p.add_argument("paths", nargs="+", help="scanned files or folders (TIFF, JPEG, PNG, PDF)")
    p.add_argument("--box", default=None, help="the box for pages before any cover sheet")
    p.add_argument("--workers", type=int, default=None, help="OCR processes (default: one per core)")
    p.add_argument("--lang", default="eng", help="Tesseract language (default eng)")


@command("ocr", help="OCR a scan batch into searchable PDFs filed with their boxes")
@_ocr_args
def ocr_run(args):
    from paperless_ig.services import scanning as pipeline

    report = pipeline.run_batch(open_db(args), actor(args), args.paths, args.box, args.workers,
                                progress=progress_to_stderr, lang=args.lang)
    lines = [f"batch {report.batch_id}: {report.pages} pages, {report.pages_read} read in "
             f"{report.seconds:.1f} s ({report.pages_per_minute} pages a minute)"]
    lines += [f"  {code}: {info['pages']} pages -> {info['pdf']}" for code, info in report.boxes.items()]
    if report.unassigned:
        lines.append(f"  {report.unassigned} pages before any cover sheet: in the unassigned tray")
    if report.low_confidence:
        lines.append(f"  {report.low_confidence} pages read poorly: check them in the review queue")
    lines += [f"  refused {f['file']}: {f['reason']}" for f in report.failed]
    emit(args, report.as_json(), "\n".join(lines))


@arguments
def _certificate_args(p):
    p.add_argument("batch", type=int)
    p.add_argument("--out", required=True, help="the certificate PDF (an .xlsx list is written beside it)")


@command("disposal", "certificate", help="the destruction certificate of a completed batch")
@_certificate_args
def disposal_certificate(args):
    from paperless_ig.services import disposal_documents

    path = disposal_documents.write_certificate(open_db(args), args.batch, Path(args.out))
    emit(args, {"batch_id": args.batch, "pdf": str(path), "xlsx": str(path.with_suffix(".xlsx")),
                "certificate_no": disposal_documents.certificate_number(args.batch)},
         f"certificate {disposal_documents.certificate_number(args.batch)} written to {path}")


@arguments
def _approval_args(p):
    p.add_argument("batch", type=int)
    p.add_argument("--out-dir", required=True, help="folder for one PDF and one xlsx per IAO")


@command("disposal", "approval-lists", help="the approval list of a batch for each IAO (PDF and xlsx)")
@_approval_args
def disposal_approval_lists(args):
    from paperless_ig.services import disposal_documents

    paths = disposal_documents.write_approval_lists(open_db(args), args.batch, Path(args.out_dir))
    emit(args, {"batch_id": args.batch, "files": [str(p) for p in paths]},
         "\n".join(str(p) for p in paths))


@arguments
def _search_args(p):
    p.add_argument("query", nargs="+", help="words, or a barcode")
    p.add_argument("--limit", type=int, default=20)


@command("search", help="search scanned pages and box details")
@_search_args
def search_run(args):
    from paperless_ig.services import search

    hits = search.search(open_db(args), " ".join(args.query), args.limit)
    lines = [f"{h.barcode or '(no box)':<12} {('p' + str(h.page)) if h.page else h.kind:<5} {h.snippet}"
             for h in hits]
    emit(args, [h.as_json() for h in hits], "\n".join(lines) or "nothing found")
