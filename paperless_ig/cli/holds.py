"""Legal holds (moratoria): place, list and release."""

from __future__ import annotations

from paperless_ig.cli.common import actor, open_db
from paperless_ig.cli.registry import arguments, command, emit
from paperless_ig.domain.dates import parse_date


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
