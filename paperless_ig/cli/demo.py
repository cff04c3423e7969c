"""The demo council: fill a database with realistic made-up data."""

from __future__ import annotations

from paperless_ig.cli.common import actor, open_db, progress_to_stderr
from paperless_ig.cli.registry import arguments, command, emit
from paperless_ig.domain.dates import parse_date
from paperless_ig.domain.errors import BadInput
from paperless_ig.services import demo


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
