"""Several desks at once on one PostgreSQL database, each its own OS process.

Barcodes: four desk processes log deposits as fast as they can while three
``paperless-ig deposit add`` commands run beside them; every barcode is
unique, the numbers have no gaps, the counter is past all of them, and the
audit chain stays one line. Boxes: two desk processes scan the same box at
the same moment; one wins and the other is told the box changed at another
desk (or why the box can no longer be issued), never a lost update.

The desk processes reach the test's private schema through a URL that
carries it (``?options=-csearch_path%3D<schema>``), as any desk can.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url

from paperless_ig.domain.barcodes import parse
from paperless_ig.services import audit, boxes, deposits, locations, schedule, teams, users
from paperless_ig.services.desk_scan import Mode, ScanRun
from paperless_ig.store.database import Database
from paperless_ig.store.models import Box, Deposit, Loan
from paperless_ig.store.models import Counter as SequenceRow
from tests.conftest import ADMIN, PG_URL

pytestmark = pytest.mark.pg
ROOT = Path(__file__).resolve().parents[1]
TEAM, CLASS = "FIN-AP", "FIN-01-01"
STALE = "that box was changed at another desk a moment ago: scan it again"
MEET_SECONDS = 30  # how long a desk waits for the other at a barrier before giving up


def schema_url(db: Database) -> str:
    """The test database's URL with its schema in it, for a process given only a URL."""
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={db.schema}"})
    return url.render_as_string(hide_password=False)


def _set_up(db: Database, desks: list[str]) -> None:
    schedule.import_example(db, ADMIN)
    teams.add_team(db, ADMIN, teams.TeamSpec("NCC", "Resources", TEAM, "Accounts Payable", "H"))
    teams.add_team(db, ADMIN, teams.TeamSpec("NCC", "Resources", "HR-ADV", "HR Advisory", "H"))
    for login in desks:
        users.add_user(db, ADMIN, login, "desk")


# -- barcodes ----------------------------------------------------------------------

def _deposit_desk_main(argv: list[str]) -> None:
    """One desk process: connect, say ready, wait for the start, log ``count`` deposits."""
    url, login, count, start = argv[0], argv[1], int(argv[2]), Path(argv[3])
    db = Database(url)
    with db.read() as session:
        session.execute(text("SELECT 1"))
    start.with_name(f"ready-{login}").touch()
    deadline = time.monotonic() + 60
    while not start.exists():
        if time.monotonic() > deadline:
            sys.exit("no start signal")
        time.sleep(0.002)
    logged = []
    for number in range(count):
        request = deposits.DepositRequest(TEAM, CLASS, [
            deposits.BoxSpec(f"{login} deposit {number} box {box}", date(2020, 1, 1))
            for box in range(1 + number % 3)])
        result = deposits.log_deposit(db, login, request)
        logged.append({"deposit_id": result.deposit_id, "barcodes": result.barcodes})
    db.dispose()
    print(json.dumps(logged))


def _python(*args: str) -> list[str]:
    return [sys.executable, *args]


def test_desks_logging_deposits_at_once_never_share_a_barcode(pg_db, tmp_path):
    """GIVEN four desk processes and three command-line deposits on one PostgreSQL database
    WHEN they all log deposits at the same moment
    THEN every barcode is unique, numbered without gaps, the counter is past them all,
    each deposit's boxes are consecutive, and the audit chain verifies."""
    desks = [f"desk{n}" for n in range(1, 5)]
    _set_up(pg_db, desks)
    url = schema_url(pg_db)
    events_before = audit.verify(pg_db).events
    start = tmp_path / "start"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [subprocess.Popen(
        _python("-c", "import sys; from tests.test_multi_desk import _deposit_desk_main; "
                "_deposit_desk_main(sys.argv[1:])", url, login, "30", str(start)),
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for login in desks]
    commands = []
    try:
        deadline = time.monotonic() + 60
        while not all((tmp_path / f"ready-{login}").exists() for login in desks):
            assert time.monotonic() < deadline, "the desk processes did not start"
            assert all(w.poll() is None for w in workers), [w.communicate() for w in workers]
            time.sleep(0.01)
        start.touch()
        commands = [subprocess.Popen(
            _python("-m", "paperless_ig", "deposit", "add", "--team", TEAM, "--class", CLASS,
                    "--boxes", "5", "--title", f"command line {n}", "--trigger-date", "2020-01-01",
                    "--json", "--db", url, "--user", ADMIN),
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for n in range(3)]
        finished = [(*p.communicate(timeout=180), p.returncode) for p in workers + commands]
    finally:
        for process in workers + commands:
            if process.poll() is None:
                process.kill()
                process.communicate()
    for _out, err, code in finished:
        assert code == 0, err
    by_desk = {login: json.loads(out) for login, (out, _, _) in zip(desks, finished, strict=False)}
    by_command = [json.loads(out) for out, _, _ in finished[len(desks):]]

    logged = [d for desk in by_desk.values() for d in desk] + by_command
    codes = [code for d in logged for code in d["barcodes"]]
    assert len(codes) == len(set(codes)) == 4 * (10 * (1 + 2 + 3)) + 3 * 5
    numbers = sorted(parse(code).sequence for code in codes)
    assert numbers == list(range(1, len(codes) + 1))  # unique, and no number lost
    for deposit in logged:  # each deposit's boxes were reserved together
        mine = [parse(code).sequence for code in deposit["barcodes"]]
        assert mine == list(range(mine[0], mine[0] + len(mine)))
    with pg_db.read() as session:
        assert sorted(session.execute(select(Box.barcode)).scalars()) == sorted(codes)
        counter = session.execute(select(SequenceRow.value).where(SequenceRow.name == "box")).scalar_one()
        order = list(session.execute(select(Deposit.received_by).order_by(Deposit.id)).scalars())
    assert counter == numbers[-1]
    # The desks really ran at once: their deposits interleave rather than queue desk by desk.
    switches = sum(a != b for a, b in itertools.pairwise(order))
    assert switches >= 3 * len(desks), order
    assert Counter(order) == {**{login: 30 for login in desks}, ADMIN: 3}

    verify = subprocess.run(_python("-m", "paperless_ig", "audit", "verify", "--json", "--db", url),
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert verify.returncode == 0, verify.stderr
    result = json.loads(verify.stdout)
    assert result["ok"], result
    assert result["events"] == events_before + len(logged) + len(codes)


# -- one box, two desks ----------------------------------------------------------------

def _box_desk(url: str, login: str, commands, results, barrier) -> None:
    """One desk process: take scans from ``commands``, meet the other desk, put outcomes.

    ``"in_transaction"`` races meet just before the box row is written, so both
    desks have read the box (same version) and then race to change it: the
    case a version column exists for. ``"at_start"`` races only start together.
    """
    db = Database(url)
    meet = {"armed": False}

    @event.listens_for(db.engine, "before_cursor_execute")
    def _meet_before_writing_the_box(_conn, _cursor, statement, *_args) -> None:
        if meet["armed"] and statement.lstrip().upper().startswith("UPDATE BOXES"):
            meet["armed"] = False
            barrier.wait(timeout=MEET_SECONDS)

    with db.read() as session:
        session.execute(text("SELECT 1"))
    results.put(("ready", login, None, ""))
    while (command := commands.get()) is not None:
        number, mode, target, code, sync = command
        run = ScanRun(mode=Mode(mode))
        if run.mode is Mode.SHELVE:
            run.location = target
        else:
            run.issue_to = target
        try:
            if sync == "in_transaction":
                meet["armed"] = True
            else:
                barrier.wait(timeout=MEET_SECONDS)
            outcome = run.handle(db, login, code)
            results.put((number, login, outcome.ok, outcome.message))
        except Exception as exc:  # reported, so the test names it
            results.put((number, login, None, f"{exc.__class__.__name__}: {exc}"))
        meet["armed"] = False
    db.dispose()


# (what desk1 does, what desk2 does, how they meet, what the loser may be told)
RACES = {
    "two shelves": (("shelve", "M-001-1-01"), ("shelve", "M-001-1-02"), "in_transaction", (STALE,)),
    "two teams": (("issue", TEAM), ("issue", "HR-ADV"), "in_transaction", (STALE,)),
    "shelve or issue": (("shelve", "M-001-1-01"), ("issue", "HR-ADV"), "in_transaction", (STALE,)),
    "two teams, no pause": (("issue", TEAM), ("issue", "HR-ADV"), "at_start",
                            (STALE, "only a box in store can be issued")),
}
REPEATS = 3


def _expected_state(pg_db: Database, code: str, winner: tuple[str, str]) -> None:
    """The box is exactly as the winning desk left it, with one change in the trail."""
    detail = boxes.show(pg_db, code)
    mode, target = winner
    with pg_db.read() as session:
        loans = list(session.execute(
            select(Loan.team_id).join(Box, Box.id == Loan.box_id).where(Box.barcode == code)))
    actions = [e.action for e in audit.history(pg_db, "box", code)]
    if mode == "shelve":
        assert (detail.status, detail.location, detail.loan, loans) == ("in_store", target, None, [])
        assert actions == ["box.move", "box.create"]
    else:
        assert (detail.status, detail.location, detail.loan.team) == ("out_on_loan", None, target)
        assert len(loans) == 1
        assert actions == ["box.issue", "box.create"]
    assert detail.version == 2


def test_two_desks_acting_on_one_box_end_with_one_success_and_one_clear_message(pg_db):
    """GIVEN two desk processes and a box both have read
    WHEN both change it at the same moment (shelve to different shelves, issue to
    different teams, one shelves while the other issues), several times over
    THEN exactly one succeeds, the other is told plainly, and the box and its
    audit trail show that one change only."""
    _set_up(pg_db, ["desk1", "desk2"])
    for shelf in ("M-001-1-01", "M-001-1-02"):
        locations.add_location(pg_db, ADMIN, shelf, capacity=50)
    rounds = [(name, n) for n in range(REPEATS) for name in RACES]
    codes = deposits.log_deposit(pg_db, ADMIN, deposits.DepositRequest(
        TEAM, CLASS, [deposits.BoxSpec("Contested box", date(2020, 1, 1))] * len(rounds))).barcodes
    url = schema_url(pg_db)

    context = multiprocessing.get_context("spawn")  # no fork of a process that may hold Qt threads
    barrier = context.Barrier(2)
    results = context.Queue()
    commands = {login: context.Queue() for login in ("desk1", "desk2")}
    desks = [context.Process(target=_box_desk, args=(url, login, queue, results, barrier), daemon=True)
             for login, queue in commands.items()]
    for desk in desks:
        desk.start()
    outcomes = []
    try:
        assert {results.get(timeout=60)[1] for _ in desks} == {"desk1", "desk2"}
        for number, ((name, _), code) in enumerate(zip(rounds, codes, strict=True)):
            first, second, sync, _ = RACES[name]
            commands["desk1"].put((number, *first, code, sync))
            commands["desk2"].put((number, *second, code, sync))
            got = sorted(results.get(timeout=MEET_SECONDS + 30) for _ in desks)
            assert [g[0] for g in got] == [number, number], got
            outcomes.append(got)
    finally:
        for queue in commands.values():
            queue.put(None)
        for desk in desks:
            desk.join(timeout=30)
            if desk.is_alive():
                desk.kill()
                desk.join()

    winners = Counter()
    for (name, _), code, got in zip(rounds, codes, outcomes, strict=True):
        first, second, _, told = RACES[name]
        won = [g for g in got if g[2] is True]
        lost = [g for g in got if g[2] is False]
        assert len(won) == 1 and len(lost) == 1, (name, got)
        loser_message = lost[0][3]
        assert any(loser_message.endswith(t) for t in told), (name, loser_message)
        winner = first if won[0][1] == "desk1" else second
        winners[won[0][1]] += 1
        _expected_state(pg_db, code, winner)
    check = audit.verify(pg_db)
    assert check.ok, check.reason
    with pg_db.read() as session:
        moves = session.execute(select(func.count()).select_from(Box).where(Box.version > 1)).scalar_one()
    assert moves == len(rounds)
