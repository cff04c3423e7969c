"""Kill the app mid-work (SIGKILL: no clean-up, no rollback of its own) and show nothing is lost.

Each test runs the real command line in a child process with one addition: a
kill point. The child prints ``KILLPOINT`` on stderr when it reaches a chosen
statement (an SQL statement of the unit of work, or the commit itself) and,
by default, stops there, so the kill lands exactly inside the open
transaction rather than wherever a sleep happened to end. One case per job
also kills without stopping, at full speed, for the untidy real thing.

On SQLite the child runs with a page cache of a few pages, which makes SQLite
spill the open transaction's pages into the -wal file before it commits: the
kill then leaves half a transaction on disk, the hard case, not only in memory.

Afterwards: the database opens and passes its integrity check, the audit
chain verifies with exactly the events committed before the kill, the counts
are what they were, the killed unit of work left nothing (a deposit is all
its boxes or none; an import all its rows or none; an OCR page is done with
its PDF on disk and readable, or pending), and the same work then succeeds.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from paperless_ig.domain.barcodes import make_barcode
from paperless_ig.services import audit, deposits, scanning, schedule, teams
from paperless_ig.store import integrity
from paperless_ig.store.database import Database
from paperless_ig.store.models import (
    AuditEvent,
    Box,
    Counter,
    Deposit,
    ScanBatch,
    ScanOutput,
    ScanPage,
)
from tests import samples
from tests.conftest import ADMIN

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
TEAM, CLASS = "FIN-AP", "FIN-01-01"
SPILL_PAGES = 8  # the child's SQLite page cache: small, so an open transaction spills to the -wal

# The child: paperless-ig's own main(), with a kill point.
CHILD = r"""
import os, sys, time
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

target = os.environ["PIG_KILL_AT"].upper()
nth = int(os.environ.get("PIG_KILL_NTH", "1"))
stop = os.environ.get("PIG_KILL_STOP", "1") == "1"
seen = 0


def reached():
    global seen
    seen += 1
    if seen == nth:
        sys.stderr.write(f"KILLPOINT {target} #{nth}\n")
        sys.stderr.flush()
        if stop:
            time.sleep(600)


@event.listens_for(Engine, "after_cursor_execute")
def _statement(conn, cursor, statement, parameters, context, executemany):
    if target != "COMMIT" and statement.lstrip().upper().startswith(target):
        reached()


@event.listens_for(Engine, "commit")
def _commit(conn):  # before the database commits
    if target == "COMMIT":
        reached()


if os.environ.get("PIG_CACHE_PAGES"):
    @event.listens_for(Pool, "connect")
    def _small_cache(dbapi_connection, _record):
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            dbapi_connection.execute(f"PRAGMA cache_size={int(os.environ['PIG_CACHE_PAGES'])}")


from paperless_ig.cli import main

sys.exit(main(sys.argv[1:]))
"""


class Killed:
    """What was seen at the kill point."""

    def __init__(self, stderr: str, wal_bytes: int) -> None:
        self.stderr = stderr
        self.wal_bytes = wal_bytes


def _wal(db: Database) -> Path | None:
    path = integrity.sqlite_path(db) if db.is_sqlite else None
    return path.with_name(path.name + "-wal") if path else None


def kill_at(db: Database, argv: list[str], at: str, nth: int = 1, stop: bool = True,
            env: dict | None = None, timeout: float = 60) -> Killed:
    """Run ``paperless-ig argv`` against ``db`` until it reaches ``at``; SIGKILL it there."""
    environment = {**os.environ, "PIG_KILL_AT": at, "PIG_KILL_NTH": str(nth),
                   "PIG_KILL_STOP": "1" if stop else "0", "PIG_CACHE_PAGES": str(SPILL_PAGES),
                   **(env or {})}
    command = [sys.executable, "-c", CHILD, *argv, "--db", _cli_url(db), "--user", ADMIN]
    process = subprocess.Popen(command, env=environment, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)
    assert process.stderr is not None
    seen = b""
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stderr, selectors.EVENT_READ)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if not selector.select(timeout=deadline - time.monotonic()):
                    break
                chunk = os.read(process.stderr.fileno(), 65536)
                if not chunk:
                    break  # the child ended without reaching the kill point
                seen += chunk
                if b"KILLPOINT" in seen:
                    wal = _wal(db)
                    wal_bytes = wal.stat().st_size if wal and wal.exists() else 0
                    os.killpg(process.pid, signal.SIGKILL)  # the CLI and any OCR workers
                    process.wait()
                    return Killed(seen.decode(errors="replace"), wal_bytes)
        raise AssertionError(f"{argv[:2]} never reached {at} #{nth}: {seen.decode(errors='replace')}")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.stderr.close()


def _cli_url(db: Database) -> str:
    if not db.schema:
        return db.url
    return f"{db.url}{'&' if '?' in db.url else '?'}options=-csearch_path%3D{db.schema}"


def _counts(db: Database) -> dict:
    with db.read() as session:
        counts = {model.__tablename__: session.execute(select(func.count()).select_from(model)).scalar_one()
                  for model in (Box, Deposit, AuditEvent, ScanPage, ScanOutput)}
        counts["box_sequence"] = session.execute(
            select(Counter.value).where(Counter.name == "box")).scalar_one()
    return counts


def assert_sound(db: Database, events: int) -> None:
    """The database opens cleanly and the audit chain holds exactly ``events`` events."""
    assert integrity.check(db, full=True) == []
    verified = audit.verify(db)
    assert verified.ok, verified.reason
    assert verified.events == events


def _stocked(db: Database) -> Database:
    schedule.import_example(db, ADMIN)
    teams.add_team(db, ADMIN, teams.TeamSpec("Council", "Finance", TEAM, "Accounts Payable", "I. Owner"))
    deposits.log_deposit(db, ADMIN, deposits.DepositRequest(
        TEAM, CLASS, [deposits.BoxSpec("Invoices", date(2019, 6, 5))] * 3))
    db.dispose()  # the last connection folds the -wal in: what follows starts from a whole file
    return db


# -- (a) a deposit ----------------------------------------------------------------------------------
DEPOSIT = ["deposit", "add", "--team", TEAM, "--class", CLASS, "--boxes", "400", "--title",
           "Paid invoices", "--trigger-date", "2019-06-05"]


@pytest.mark.parametrize(("at", "stop"), [
    ("INSERT INTO boxes", True),        # the boxes written, not yet their audit events
    ("INSERT INTO audit_events", True),  # the audit events written, the chain's head not yet moved
    ("COMMIT", True),                    # everything written: the commit is next
    ("INSERT INTO boxes", False),        # at full speed: wherever the kill lands
])
def test_a_killed_deposit_is_all_its_boxes_or_none(db, at, stop):
    """GIVEN a deposit of 400 boxes being logged WHEN its process is killed with the
    transaction open THEN none of its boxes, its deposit row, barcodes or audit events remain,
    the database is whole, and the same deposit then goes in whole."""
    _stocked(db)
    before = _counts(db)
    killed = kill_at(db, DEPOSIT, at, stop=stop)
    if db.is_sqlite and stop:
        assert killed.wal_bytes > 0, "the open transaction should have spilled into the -wal file"
    after = _counts(db)
    added = after["boxes"] - before["boxes"]
    assert added in (0, 400)  # all or nothing, whatever the moment
    if stop:
        assert after == before
    else:
        assert after["deposits"] - before["deposits"] == added // 400
        assert after["audit_events"] - before["audit_events"] == (added // 400) * 401
    assert_sound(db, after["audit_events"])
    result = deposits.log_deposit(db, ADMIN, deposits.DepositRequest(
        TEAM, CLASS, [deposits.BoxSpec("Paid invoices", date(2019, 6, 5))] * 400))
    if stop:  # the killed deposit's barcodes were never handed out
        assert result.barcodes[0] == make_barcode(before["box_sequence"] + 1)
    final = _counts(db)
    assert final["boxes"] == after["boxes"] + 400 and final["audit_events"] == after["audit_events"] + 401
    assert_sound(db, final["audit_events"])


# -- (b) a register import -----------------------------------------------------------------------------
ROWS = 30_000  # three chunks of 10,000 boxes, then the audit trail in chunks
OUR_CODES = range(200_000, 200_000 + ROWS, 1000)  # a few of our own BX codes: the import moves the sequence


def _register(path: Path) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["barcode", "team_code", "class_code", "title", "date_from", "date_to",
                         "trigger_date", "location", "received"])
        for number in range(ROWS):
            code = make_barcode(200_000 + number) if (200_000 + number) in OUR_CODES else f"OLD-{number:06d}"
            writer.writerow([code, TEAM, CLASS, "Invoices", "2018-01-01", "2019-06-05", "", "", ""])
    return path


@pytest.mark.parametrize(("at", "nth", "stop"), [
    ("INSERT INTO boxes", 2, True),        # 20,000 of 30,000 boxes written
    ("INSERT INTO audit_events", 2, True),  # every box written, half the audit trail
    ("COMMIT", 1, True),                    # everything written: the commit is next
    ("INSERT INTO boxes", 1, False),        # at full speed, from the first chunk on
])
def test_a_killed_register_import_is_all_rows_or_none(db, tmp_path, at, nth, stop):
    """GIVEN a register of 30,000 boxes being imported WHEN its process is killed mid-import
    THEN not one of its boxes or audit events is kept, nor its move of the barcode sequence,
    and the database is whole."""
    _stocked(db)
    path = _register(tmp_path / "register.csv")
    before = _counts(db)
    killed = kill_at(db, ["register", "import", str(path)], at, nth, stop=stop)
    if db.is_sqlite and stop:
        assert killed.wal_bytes > 0
    after = _counts(db)
    assert after["boxes"] - before["boxes"] in (0, ROWS)
    if after["boxes"] == before["boxes"]:
        assert after == before
    else:  # the kill came after the commit
        assert after["box_sequence"] == max(OUR_CODES)
        assert after["audit_events"] - before["audit_events"] == ROWS + 1
    assert_sound(db, after["audit_events"])


def test_the_register_goes_in_whole_after_a_killed_import(sqlite_db, tmp_path):
    """GIVEN an import killed with 20,000 of its boxes written WHEN it is run again THEN every
    row goes in once, with its audit event."""
    db = _stocked(sqlite_db)
    path = _register(tmp_path / "register.csv")
    before = _counts(db)
    kill_at(db, ["register", "import", str(path)], "INSERT INTO boxes", 2)
    rerun = subprocess.run([sys.executable, "-m", "paperless_ig", "register", "import", str(path),
                            "--db", db.url, "--user", ADMIN], cwd=ROOT, capture_output=True, text=True,
                           timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    after = _counts(db)
    assert after["boxes"] == before["boxes"] + ROWS
    assert after["box_sequence"] == max(OUR_CODES)
    assert_sound(db, before["audit_events"] + ROWS + 1)


# -- (c) an OCR batch --------------------------------------------------------------------------------
@pytest.fixture
def scans(sqlite_db, tmp_path, monkeypatch):
    """Two boxes' cover sheets, each followed by two pages of text."""
    documents = tmp_path / "documents"
    monkeypatch.setenv("PAPERLESS_IG_DOCUMENTS", str(documents))
    schedule.import_example(sqlite_db, ADMIN)
    teams.add_team(sqlite_db, ADMIN, teams.TeamSpec("Council", "Finance", TEAM, "Accounts Payable", "I"))
    codes = deposits.log_deposit(sqlite_db, ADMIN, deposits.DepositRequest(
        TEAM, CLASS, [deposits.BoxSpec("Invoices", date(2019, 6, 5))] * 2)).barcodes
    sqlite_db.dispose()
    pages = [samples.cover_page(codes[0]), samples.text_page(31, 6), samples.text_page(32, 6),
             samples.cover_page(codes[1]), samples.text_page(33, 6), samples.text_page(34, 6)]
    folder = tmp_path / "scans"
    folder.mkdir()
    for number, page in enumerate(pages, start=1):
        samples.save(page, folder / f"scan{number:03d}.png")
    return sqlite_db, folder, codes, {"PAPERLESS_IG_DOCUMENTS": str(documents)}


def _how_many(db: Database, query) -> int:
    with db.read() as session:
        return session.execute(query).scalar_one()


DIGITISED = select(func.count(Box.id)).where(Box.digitised_on.is_not(None))
FILED = select(func.count(ScanPage.id)).where(ScanPage.box_id.is_not(None))


def _pages(db: Database) -> list:
    with db.read() as session:
        return session.execute(select(ScanPage.id, ScanPage.status, ScanPage.pdf_path, ScanPage.box_id)
                               .order_by(ScanPage.position)).all()


def assert_pages_whole(db: Database) -> dict[str, int]:
    """Every page is finished with its PDF on disk and readable, or pending with none."""
    states: dict[str, int] = {}
    for _page_id, status, pdf, _box in _pages(db):
        states[status] = states.get(status, 0) + 1
        if status in ("done", "low"):
            assert pdf and Path(pdf).is_file(), (status, pdf)
            reader = PdfReader(pdf)
            assert len(reader.pages) == 1 and reader.pages[0].extract_text().strip()
        elif status == "pending":
            assert pdf is None
        else:
            assert status == "cover", status
    return states


def test_a_killed_ocr_batch_keeps_every_finished_page_and_nothing_half_done(scans):
    """GIVEN a scan batch of two boxes WHEN it is killed while saving its second finished
    page, and again while filing the pages into box PDFs, THEN after each kill every page is
    done (its PDF on disk, readable) or pending, no box PDF is on the record, no box is marked
    digitised, the audit chain holds; and the third run finishes with each page once."""
    db, folder, codes, env = scans
    argv = ["ocr", str(folder), "--workers", "2"]
    events = _counts(db)["audit_events"]

    # 1. inside the transaction that saves the second finished page
    kill_at(db, argv, "UPDATE scan_pages", 2, env=env)
    states = assert_pages_whole(db)
    assert sum(states.get(s, 0) for s in scanning.FINISHED) == 1 and states["pending"] == 5
    assert _counts(db)["scan_outputs"] == 0
    assert_sound(db, events + 1)  # scan.start, and nothing of what was under way

    # 2. resumed, then killed while filing the pages into box PDFs
    kill_at(db, argv, "INSERT INTO scan_outputs", 1, env=env, timeout=120)
    states = assert_pages_whole(db)
    assert states["cover"] == 2 and "pending" not in states, states
    with db.read() as session:
        assert session.execute(select(ScanBatch.status)).scalar_one() != "done"
    assert _how_many(db, DIGITISED) == 0 and _how_many(db, FILED) == 0
    assert _counts(db)["scan_outputs"] == 0
    assert_sound(db, events + 1)

    # 3. resumed to the end: nothing read twice, each box's PDF whole and matching its checksum
    done = subprocess.run([sys.executable, "-m", "paperless_ig", "ocr", str(folder), "--workers", "2",
                           "--json", "--db", db.url, "--user", ADMIN], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **env})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["resumed"] is True and report["pages_read"] == 0 and report["pages"] == 6
    for code in codes:
        box = report["boxes"][code]
        assert box["pages"] == 2 and len(PdfReader(box["pdf"]).pages) == 2
        assert hashlib.sha256(Path(box["pdf"]).read_bytes()).hexdigest() == box["sha256"]
    assert _counts(db)["scan_outputs"] == 2 and _how_many(db, DIGITISED) == 2
    assert_pages_whole(db)
    assert audit.verify(db).ok and integrity.check(db) == []
