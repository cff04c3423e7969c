"""Backups that lose nothing, restores that keep what they replace, and the integrity check."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from paperless_ig.cli import main
from paperless_ig.domain.errors import PaperlessError
from paperless_ig.services import audit, backup, deposits, schedule, teams, users
from paperless_ig.store import integrity, migrate
from paperless_ig.store.database import Database
from paperless_ig.store.models import AuditEvent, Box, Deposit
from tests.conftest import ADMIN, PG_URL

ROOT = Path(__file__).resolve().parents[1]
TEAM, CLASS = "FIN-AP", "FIN-01-01"


def _stocked(db: Database, deposits_of: tuple[int, ...] = (3, 2)) -> Database:
    schedule.import_example(db, ADMIN)
    teams.add_team(db, ADMIN, teams.TeamSpec("Council", "Finance", TEAM, "Accounts Payable", "I. Owner"))
    for boxes in deposits_of:
        _deposit(db, boxes)
    return db


def _deposit(db: Database, boxes: int = 1) -> deposits.DepositResult:
    return deposits.log_deposit(db, ADMIN, deposits.DepositRequest(
        TEAM, CLASS, [deposits.BoxSpec("Invoices", date(2019, 6, 5))] * boxes))


def _count(db: Database, model) -> int:
    with db.read() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def _path(db: Database) -> Path:
    path = integrity.sqlite_path(db)
    assert path is not None
    return path


def _cli(capsys, db: Database, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--db", db.url, "--user", ADMIN])
    out, err = capsys.readouterr()
    return code, out, err


def _sha(path: Path) -> str:
    return backup._sha256(path)


def _settle(db: Database) -> None:
    """Close our connections, so the last one folds the -wal file into the database file."""
    db.dispose()
    assert not _path(db).with_name(_path(db).name + "-wal").exists()


def _fingerprint(db: Database) -> tuple:
    """The data, not the bytes: every box and the audit chain's head."""
    with db.read() as session:
        boxes = session.execute(select(Box.barcode, Box.version).order_by(Box.id)).all()
        head = session.execute(text("SELECT seq, hash FROM audit_head")).one()
    db.dispose()
    return tuple(boxes), tuple(head)


def _corrupt_table(path: Path, table: str = "boxes") -> None:
    """Scribble over the root page of ``table``: what a failing disk or a bad copy does."""
    with closing(sqlite3.connect(path)) as connection:
        page = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        size = connection.execute("PRAGMA page_size").fetchone()[0]
    with path.open("r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(b"\xa5" * 64)


# -- the integrity check ------------------------------------------------------------------------------
def test_a_sound_database_and_a_new_one_pass(sqlite_db, tmp_path):
    """GIVEN a migrated database with data, a path with no file yet, and an empty file
    WHEN checked THEN nothing is found."""
    _stocked(sqlite_db)
    assert integrity.check(sqlite_db) == []
    assert integrity.check(sqlite_db, full=True) == []
    assert integrity.check(Database(str(tmp_path / "new" / "x.sqlite3"))) == []
    (tmp_path / "empty.sqlite3").touch()
    assert integrity.check(Database(str(tmp_path / "empty.sqlite3"))) == []


@pytest.mark.parametrize(("content", "expected"), [
    (b"%PDF-1.7\n" + b"x" * 600, "not a SQLite database: it is a PDF"),
    (b"PK\x03\x04" + b"x" * 600, "it is a zip file"),
    (b"PGDMP" + b"x" * 600, "PostgreSQL dump"),
    (b"barcode,team\nBX1,FIN\n", "is damaged: it is not a SQLite database at all"),
])
def test_a_file_that_is_not_a_database_is_named_for_what_it_is(tmp_path, content, expected):
    path = tmp_path / "paperless-ig.sqlite3"
    path.write_bytes(content)
    problems = integrity.check(Database(str(path)))
    assert len(problems) == 1 and expected in problems[0] and str(path) in problems[0]


def test_damage_is_found_and_named(sqlite_db):
    """GIVEN a database whose boxes table was scribbled over, and another cut short
    WHEN checked THEN each problem names the file and says what to do; nothing raises."""
    _stocked(sqlite_db, (40,))
    path = _path(sqlite_db)
    _settle(sqlite_db)
    whole = path.read_bytes()
    _corrupt_table(path)
    problems = integrity.check(sqlite_db)
    assert len(problems) == 1, problems
    assert f"{path} is damaged" in problems[0]
    assert "paperless-ig db restore" in problems[0]
    assert integrity.check(sqlite_db, quick_check=False) == []  # the cheap level cannot see inside pages
    with pytest.raises(integrity.DatabaseProblem, match="is damaged"):
        integrity.require_healthy(sqlite_db)
    path.write_bytes(whole[: len(whole) // 2])
    # This process has the file open through SQLite, so it may only ask SQLite (reading the
    # bytes itself would drop SQLite's locks); a process that has not opened it reads the header.
    problems = integrity.check(sqlite_db, quick_check=False)
    assert len(problems) == 1 and f"{path} is damaged" in problems[0]
    fresh = subprocess.run(
        [sys.executable, "-c", "import sys; from paperless_ig.store import integrity; "
         "from paperless_ig.store.database import Database; "
         "print(integrity.check(Database(sys.argv[1]), quick_check=False))", str(path)],
        capture_output=True, text=True, check=True)
    assert "cut short" in fresh.stdout


def test_another_sqlite_database_and_a_newer_schema_are_refused(tmp_path, sqlite_db):
    other = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    problems = integrity.check(Database(str(other)))
    assert len(problems) == 1 and "not a paperless-ig one (its tables: recipes)" in problems[0]
    with sqlite_db.write() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    problems = integrity.check(sqlite_db)
    assert len(problems) == 1 and "revision '9999'" in problems[0] and "newer version" in problems[0]


def test_db_check_command(capsys, sqlite_db):
    _stocked(sqlite_db)
    code, out, _ = _cli(capsys, sqlite_db, "db", "check", "--full", "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["boxes"] == 5 and report["audit"]["ok"]
    _settle(sqlite_db)
    _corrupt_table(_path(sqlite_db))
    code, _, err = _cli(capsys, sqlite_db, "db", "check")
    assert code == 1 and "is damaged" in err and len(err.strip().splitlines()) == 1


def test_postgresql_that_cannot_be_reached_is_one_clear_problem():
    db = Database("postgresql+psycopg://nobody@127.0.0.1:1/nothing")
    problems = integrity.check(db)
    db.dispose()
    assert len(problems) == 1 and "127.0.0.1:1/nothing cannot be reached" in problems[0]


# -- SQLite backup -----------------------------------------------------------------------------------
def test_backup_is_checked_summarised_and_never_overwritten_without_force(capsys, sqlite_db, tmp_path):
    """GIVEN a database with 5 boxes WHEN backed up THEN the file is a whole, single-file
    database, the summary says what it holds, and a second backup to the same name is
    refused unless --force."""
    _stocked(sqlite_db)
    target = tmp_path / "backups" / "monday.sqlite3"
    code, out, err = _cli(capsys, sqlite_db, "db", "backup", str(target), "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert {"file", "bytes", "boxes", "events", "sha256", "revision", "audit_ok"} <= set(summary)
    assert summary["file"] == str(target) and summary["bytes"] == target.stat().st_size
    assert summary["boxes"] == 5 and summary["events"] == _count(sqlite_db, AuditEvent) - 1
    assert summary["audit_ok"] and summary["revision"] == migrate.head_revision()
    assert summary["sha256"] == _sha(target)
    assert target.read_bytes()[18:20] == b"\x01\x01"  # a rollback journal: one self-contained file
    assert sorted(p.name for p in target.parent.iterdir()) == ["monday.sqlite3"]
    with sqlite_db.read() as session:  # the backup is on the record
        last = session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).scalar_one()
    assert (last.action, last.actor) == ("db.backup", ADMIN)
    assert json.loads(last.after)["sha256"] == summary["sha256"]

    _deposit(sqlite_db)
    code, _, err = _cli(capsys, sqlite_db, "db", "backup", str(target))
    assert code == 2 and "already exists" in err and "--force" in err
    assert _sha(target) == summary["sha256"]
    code, out, err = _cli(capsys, sqlite_db, "db", "backup", str(target), "--force", "--json")
    assert code == 0, err
    assert json.loads(out)["boxes"] == 6
    # a folder, as a scheduled job gives: a new file named by the time
    code, out, err = _cli(capsys, sqlite_db, "db", "backup", str(target.parent), "--json")
    assert code == 0, err
    dated = Path(json.loads(out)["file"])
    assert dated.parent == target.parent and dated.name.startswith("paperless-ig-")
    assert dated.suffix == ".sqlite3" and integrity.check_sqlite_file(dated, full=True) == []


def test_backup_taken_while_desks_write_is_consistent(sqlite_db, tmp_path):
    """GIVEN two desk processes logging deposits as fast as they can WHEN backups are taken
    meanwhile THEN every backup is one moment of the database: each deposit with all its boxes
    and all its audit events, the chain intact, and the desks never stopped."""
    _stocked(sqlite_db, ())
    stop = tmp_path / "stop"
    writer = (
        "import sys; from datetime import date; from pathlib import Path\n"
        "from paperless_ig.services import deposits\n"
        "from paperless_ig.store.database import Database\n"
        "db, stop = Database(sys.argv[1]), Path(sys.argv[2])\n"
        "while not stop.exists():\n"
        f"    deposits.log_deposit(db, {ADMIN!r}, deposits.DepositRequest({TEAM!r}, {CLASS!r},"
        " [deposits.BoxSpec('Invoices', date(2019, 6, 5))] * 7))\n")
    desks = [subprocess.Popen([sys.executable, "-c", writer, sqlite_db.url, str(stop)], cwd=ROOT)
             for _ in range(2)]
    try:
        summaries = []
        for number in range(3):
            seen = _count(sqlite_db, Deposit)
            deadline = time.monotonic() + 30
            while _count(sqlite_db, Deposit) < seen + 5 and time.monotonic() < deadline:
                time.sleep(0.02)  # wait until the desks are visibly writing
            summaries.append(backup.backup(sqlite_db, ADMIN, tmp_path / f"b{number}.sqlite3"))
    finally:
        stop.touch()
        for desk in desks:
            assert desk.wait(timeout=30) == 0
    assert summaries[0].boxes < summaries[-1].boxes < _count(sqlite_db, Box)
    for summary in summaries:
        copy = Database(summary.file)
        with copy.read() as session:
            deposits_in = session.execute(select(func.count(Deposit.id))).scalar_one()
            boxes_in = session.execute(select(func.count(Box.id))).scalar_one()
            box_events = session.execute(select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "box.create")).scalar_one()
        assert audit.verify(copy).ok
        copy.dispose()
        assert boxes_in == summary.boxes == box_events == deposits_in * 7


def test_a_damaged_database_is_not_backed_up(capsys, sqlite_db, tmp_path):
    _stocked(sqlite_db, (40,))
    _settle(sqlite_db)
    _corrupt_table(_path(sqlite_db))
    code, _, err = _cli(capsys, sqlite_db, "db", "backup", str(tmp_path / "b.sqlite3"))
    assert code == 2 and "is damaged" in err and "no backup was written" in err
    assert list(tmp_path.glob("*b.sqlite3*")) == []


def test_a_killed_backup_leaves_no_backup_file(sqlite_db, tmp_path):
    """GIVEN a backup stopped by SIGKILL after its copy is written, before it is moved into
    place WHEN the next backup runs THEN there was never a FILE to mistake for a backup, and
    the next one succeeds."""
    _stocked(sqlite_db)
    target = tmp_path / "b.sqlite3"
    child = ("import sys, time\nfrom paperless_ig.services import backup\n"
             "def stop(*a):\n    print('KILL-ME', flush=True)\n    time.sleep(60)\n"
             "backup._place = stop\n"
             "from paperless_ig.store.database import Database\n"
             f"backup.backup(Database(sys.argv[1]), {ADMIN!r}, sys.argv[2])\n")
    process = subprocess.Popen([sys.executable, "-c", child, sqlite_db.url, str(target)], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "KILL-ME"
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()
    assert not target.exists()
    assert [p.suffix for p in tmp_path.glob(".b.sqlite3.*")] == [".partial"]
    assert backup.backup(sqlite_db, ADMIN, target).boxes == 5


# -- SQLite restore ----------------------------------------------------------------------------------
def test_restore_brings_the_backup_back_and_keeps_what_it_replaced(capsys, sqlite_db, tmp_path):
    """GIVEN a backup, then a deposit made after it WHEN the backup is restored THEN the
    database is the backup again (plus the restore on the audit trail), the replaced file is
    kept whole as .before-restore, and the file keeps its permissions."""
    _stocked(sqlite_db)
    live = _path(sqlite_db)
    live.chmod(0o640)
    target = tmp_path / "b.sqlite3"
    backup.backup(sqlite_db, ADMIN, target)
    late = _deposit(sqlite_db, 4)
    sqlite_db.dispose()
    code, out, err = _cli(capsys, sqlite_db, "db", "restore", str(target), "--json")
    assert code == 0, err
    summary = json.loads(out)
    previous = live.with_name(live.name + ".before-restore")
    assert summary["previous"] == str(previous) and summary["boxes"] == 5 and summary["audit_ok"]
    assert _count(sqlite_db, Box) == 5 and (live.stat().st_mode & 0o777) == 0o640
    assert audit.verify(sqlite_db).ok
    with sqlite_db.read() as session:
        last = session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).scalar_one()
    assert last.action == "db.restore" and json.loads(last.after)["previous"] == str(previous)
    kept = Database(str(previous))
    with kept.read() as session:
        assert session.execute(select(func.count(Box.id))).scalar_one() == 9
        assert session.execute(select(Box.id).where(Box.barcode == late.barcodes[0])).scalar() is not None
    assert audit.verify(kept).ok
    kept.dispose()
    assert integrity.check(sqlite_db) == []
    assert not list(live.parent.glob(".*.partial"))
    # a second restore keeps the first kept file too
    sqlite_db.dispose()
    assert backup.restore(sqlite_db, ADMIN, target).previous == str(previous) + ".2"
    assert previous.exists()


def test_restore_is_refused_while_a_desk_has_the_database_open(capsys, sqlite_db, tmp_path):
    """GIVEN a desk process that has looked a box up (its connection stays open, idle)
    WHEN a restore is tried THEN it is refused, saying to close every desk, and nothing changes;
    once the desk has closed, the restore goes through."""
    _stocked(sqlite_db)
    target = tmp_path / "b.sqlite3"
    backup.backup(sqlite_db, ADMIN, target)
    desk_code = ("import sys\nfrom sqlalchemy import text\nfrom paperless_ig.store.database import Database\n"
                 "db = Database(sys.argv[1])\n"
                 "with db.read() as s:\n    s.execute(text('SELECT count(*) FROM boxes')).scalar()\n"
                 "print('open', flush=True)\nsys.stdin.read()\n")
    desk = subprocess.Popen([sys.executable, "-c", desk_code, sqlite_db.url], cwd=ROOT, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert desk.stdout is not None and desk.stdin is not None
    live = _path(sqlite_db)
    before = _fingerprint(sqlite_db)
    try:
        assert desk.stdout.readline().strip() == "open"
        sqlite_db.dispose()
        code, _, err = _cli(capsys, sqlite_db, "db", "restore", str(target))
    finally:
        desk.stdin.close()
        desk.wait(timeout=30)
        desk.stdout.close()
    assert code == 2 and "is in use" in err and "Close paperless-ig on every desk" in err
    assert _fingerprint(sqlite_db) == before  # (SQLite may have checkpointed: same data, other bytes)
    assert not live.with_name(live.name + ".before-restore").exists()
    assert not list(live.parent.glob(".*.partial"))
    code, _, err = _cli(capsys, sqlite_db, "db", "restore", str(target))
    assert code == 0, err


def test_only_those_whose_job_it_is_may_back_up_and_restore(capsys, sqlite_db, tmp_path):
    _stocked(sqlite_db)
    users.add_user(sqlite_db, ADMIN, "dora", "desk")
    users.add_user(sqlite_db, ADMIN, "rita", "records_manager")
    target = tmp_path / "b.sqlite3"
    code = main(["db", "backup", str(target), "--db", sqlite_db.url, "--user", "dora"])
    err = capsys.readouterr().err
    assert code == 2 and "dora (desk staff) cannot back up the database" in err and not target.exists()
    assert backup.backup(sqlite_db, "rita", target).boxes == 5
    sqlite_db.dispose()
    code = main(["db", "restore", str(target), "--db", sqlite_db.url, "--user", "rita"])
    err = capsys.readouterr().err
    assert code == 2 and "cannot restore the database: that needs administrator" in err


def _not_sqlite(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04" + b"\0" * 2000)


def _damaged(path: Path) -> None:
    _corrupt_table(path)


def _foreign(path: Path) -> None:
    path.unlink()
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
        connection.commit()


def _newer(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff'")
        connection.commit()


def _tampered(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("UPDATE audit_events SET actor = 'mallory' WHERE seq = 3")
        connection.commit()


@pytest.mark.parametrize(("spoil", "expected"), [
    (_not_sqlite, "it is a zip file"),
    (_damaged, "is damaged"),
    (_foreign, "not a paperless-ig one"),
    (_newer, "revision 'ffff'"),
    (_tampered, "audit trail in this backup is broken"),
])
def test_a_bad_backup_is_refused_and_nothing_changes(capsys, sqlite_db, tmp_path, spoil, expected):
    _stocked(sqlite_db, (40,))
    target = tmp_path / "b.sqlite3"
    backup.backup(sqlite_db, ADMIN, target)
    spoil(target)
    sqlite_db.dispose()
    live = _path(sqlite_db)
    before = _sha(live)
    code, _, err = _cli(capsys, sqlite_db, "db", "restore", str(target))
    assert code == 2 and expected in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert _sha(live) == before
    assert not list(live.parent.glob("*.before-restore*")) and not list(live.parent.glob(".*.partial"))


def test_a_backup_with_a_broken_audit_trail_restores_with_force_and_a_warning(capsys, sqlite_db, tmp_path):
    _stocked(sqlite_db)
    target = tmp_path / "b.sqlite3"
    backup.backup(sqlite_db, ADMIN, target)
    _tampered(target)
    sqlite_db.dispose()
    code, out, err = _cli(capsys, sqlite_db, "db", "restore", str(target), "--force")
    assert code == 0, err
    assert "restored with a broken audit trail" in out and "mallory" in out


def test_a_damaged_database_is_replaced_and_kept(capsys, sqlite_db, tmp_path):
    """GIVEN a good backup and a live file that has since been damaged WHEN restored THEN the
    backup is live again and the damaged file is kept as it was, for IT to look at."""
    _stocked(sqlite_db, (40,))
    target = tmp_path / "b.sqlite3"
    backup.backup(sqlite_db, ADMIN, target)
    live = _path(sqlite_db)
    _settle(sqlite_db)
    live.write_bytes(b"\0" * 4096)
    code, out, err = _cli(capsys, sqlite_db, "db", "restore", str(target))
    assert code == 0, err
    assert "could not be checked" in out
    assert live.with_name(live.name + ".before-restore").read_bytes() == b"\0" * 4096
    assert _count(sqlite_db, Box) == 40 and integrity.check(sqlite_db) == []


def test_an_older_backup_is_upgraded_as_it_is_restored(sqlite_db, tmp_path):
    old = Database(str(tmp_path / "old.sqlite3"))
    migrate.upgrade(old, "0003")
    with old.write() as session:  # the first user, as an older version would have made them
        audit.record(session, ADMIN, "user.create", "user", ADMIN, None, {"role": "admin"})
        session.execute(text("INSERT INTO users (login, name, role, active, created_at) "
                             "VALUES (:l, :l, 'admin', 1, '2025-01-01 00:00:00')"), {"l": ADMIN})
    old.dispose()
    target = tmp_path / "old-backup.sqlite3"
    with closing(sqlite3.connect(tmp_path / "old.sqlite3")) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    _stocked(sqlite_db)
    sqlite_db.dispose()
    summary = backup.restore(sqlite_db, ADMIN, target)
    assert summary.revision == migrate.head_revision() and summary.boxes == 0
    assert any("schema 0003" in w for w in summary.warnings)
    assert not migrate.needs_upgrade(sqlite_db)


def test_restore_refuses_a_file_of_the_other_kind(capsys, sqlite_db, tmp_path):
    dump = tmp_path / "pg.dump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00" + b"\0" * 100)
    code, _, err = _cli(capsys, sqlite_db, "db", "restore", str(dump))
    assert code == 2 and "is a PostgreSQL backup; the database here is SQLite" in err
    code, _, err = _cli(capsys, sqlite_db, "db", "restore", str(tmp_path / "missing.sqlite3"))
    assert code == 2 and "no such backup file" in err


# -- PostgreSQL --------------------------------------------------------------------------------------
def test_postgresql_without_pg_dump_says_what_is_missing(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump here
    code = main(["db", "backup", str(tmp_path / "b.dump"), "--db",
                 "postgresql+psycopg://nobody@127.0.0.1:1/x", "--user", ADMIN])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.strip().splitlines() == [err.strip()]
    assert "pg_dump is not on PATH" in err and "postgresql-client" in err


@pytest.fixture
def pg_tools():
    if not all(shutil.which(tool) for tool in ("pg_dump", "pg_restore", "psql")):
        pytest.skip("the PostgreSQL client tools (pg_dump, pg_restore, psql) are not on PATH")


@pytest.mark.pg
def test_postgresql_backup_and_restore(pg_db, pg_tools, tmp_path):
    """GIVEN PostgreSQL with a desk writing deposits WHEN a backup is taken meanwhile, more is
    deposited, and the backup restored THEN the summary's figures are the dump's own (one
    snapshot), the restore brings exactly them back, and the replaced data is kept in a dump."""
    _stocked(pg_db, (3,))
    stop = tmp_path / "stop"
    writer = (
        "import sys; from datetime import date; from pathlib import Path\n"
        "from paperless_ig.services import deposits\n"
        "from paperless_ig.store.database import Database\n"
        "db, stop = Database(sys.argv[1], schema=sys.argv[2]), Path(sys.argv[3])\n"
        "while not stop.exists():\n"
        f"    deposits.log_deposit(db, {ADMIN!r}, deposits.DepositRequest({TEAM!r}, {CLASS!r},"
        " [deposits.BoxSpec('Invoices', date(2019, 6, 5))] * 7))\n")
    desk = subprocess.Popen([sys.executable, "-c", writer, PG_URL, pg_db.schema, str(stop)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while _count(pg_db, Deposit) < 5 and time.monotonic() < deadline:
            time.sleep(0.02)
        target = tmp_path / "store.dump"
        summary = backup.backup(pg_db, ADMIN, target)
    finally:
        stop.touch()
        assert desk.wait(timeout=30) == 0
    assert target.read_bytes()[:5] == b"PGDMP" and summary.kind == "postgresql"
    assert summary.audit_ok and summary.revision == migrate.head_revision()
    assert (summary.boxes - 3) % 7 == 0 and summary.boxes < _count(pg_db, Box)
    with pytest.raises(backup.BackupRefused, match="already exists"):
        backup.backup(pg_db, ADMIN, target)

    late = _deposit(pg_db, 2)
    boxes_before_restore = _count(pg_db, Box)
    restored = backup.restore(pg_db, ADMIN, target)
    assert restored.boxes == summary.boxes == _count(pg_db, Box)
    assert restored.events == summary.events + 1  # and the restore itself
    assert audit.verify(pg_db).ok and integrity.check(pg_db) == []
    with pg_db.read() as session:
        assert session.execute(select(Box.id).where(Box.barcode == late.barcodes[0])).scalar() is None
    previous = Path(restored.previous or "")
    assert previous.name.startswith(f"before-restore-{pg_db.schema}-") and previous.stat().st_size > 0
    listing = subprocess.run(["pg_restore", "--list", str(previous)], capture_output=True, text=True,
                             check=True).stdout
    assert f"TABLE DATA {pg_db.schema} boxes" in listing
    assert boxes_before_restore > restored.boxes
    _deposit(pg_db)  # the restored database takes new work: barcodes and sequences carry on


@pytest.mark.pg
def test_postgresql_restore_refuses_what_is_not_its_backup(pg_db, pg_tools, tmp_path):
    _stocked(pg_db, (2,))
    sqlite_file = tmp_path / "b.sqlite3"
    sqlite_file.write_bytes(integrity.SQLITE_MAGIC + b"\0" * 100)
    with pytest.raises(PaperlessError, match="is a SQLite backup; the database here is PostgreSQL"):
        backup.restore(pg_db, ADMIN, sqlite_file)
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"not a dump at all")
    with pytest.raises(backup.BackupRefused, match="is not a PostgreSQL backup"):
        backup.restore(pg_db, ADMIN, junk)
    assert _count(pg_db, Box) == 2
