"""Disposal: the due queue, batches, decisions, approval, completion and its documents."""

from __future__ import annotations

import sys
from pathlib import Path

from paperless_ig.cli.common import actor, open_db
from paperless_ig.cli.registry import arguments, command, emit
from paperless_ig.domain.dates import parse_date
from paperless_ig.domain.errors import BadInput


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
