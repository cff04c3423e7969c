"""Backups that lose nothing, and restores that keep what they replace.

SQLite
    ``backup``: SQLite's online backup API copies the live file in one step,
    inside one read transaction, so the copy is a consistent snapshot even
    while desks write (WAL lets them go on meanwhile). The copy is made beside
    FILE, switched to a plain rollback journal (one self-contained file),
    checked (``integrity_check``, a paperless-ig schema this version knows,
    the audit chain, row counts) and only then moved into place: FILE is
    never a half-written backup. A backup killed midway leaves at most a
    hidden ``.FILE.*.partial`` beside it.

    ``restore``: the backup is copied beside the live file and checked the
    same way (a broken audit chain refuses the restore unless ``force``),
    migrated to this version's schema and given its ``db.restore`` audit
    event. The live file is refused if any other connection has it open
    (SQLite cannot leave WAL mode while one does: close the app on every desk
    first). The live file is then kept as ``<live>.before-restore`` (a hard
    link, else a copy) and the new file renamed over it, so at every moment
    the live path holds the whole old database or the whole new one. Known
    limit: a desk that opens the database in the milliseconds between that
    check and the rename works on the old file; every desk closed, as the
    message asks, rules it out.

PostgreSQL (needs the client tools of the server's major version or newer)
    ``backup``: ``pg_dump --format=custom`` of the app's schema. It runs on a
    snapshot exported by our own REPEATABLE READ transaction, and the
    figures of the summary (audit chain, row counts, revision) are read in
    that same transaction, so they describe exactly what the dump holds;
    ``pg_restore --list`` then proves the file reads back.

    ``restore``: the archive is checked (a paperless-ig schema, the same
    schema name, a revision this version knows), the current data is dumped
    to ``before-restore-<schema>-<time>.dump`` beside FILE, and then, in one
    transaction through ``psql --single-transaction``, the schema is dropped
    and the archive's SQL (``pg_restore -f -``) replayed: any failure leaves
    the database exactly as it was. Desks that keep a connection open see
    the restored data at their next unit of work.

Both need the acting user to be a records manager or an administrator
(backup) or an administrator (restore), and write an audit event.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import Connection, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from paperless_ig.domain import clock
from paperless_ig.domain.errors import BadInput, Conflict, PaperlessError, PermissionDenied
from paperless_ig.domain.roles import ADMIN_WORK, RECORDS_WORK, ROLE_LABELS, Role
from paperless_ig.services import audit, users
from paperless_ig.store import integrity, migrate
from paperless_ig.store.database import BUSY_TIMEOUT_MS, Database, note_sqlite_open
from paperless_ig.store.models import AuditEvent, Base, Box, User

BEFORE_RESTORE = ".before-restore"
PG_LOCK_TIMEOUT = "30s"  # a restore waits this long for desks' open transactions, then gives up


class BackupRefused(PaperlessError):
    """The backup or restore was not made; the message says why and nothing was changed."""


class ToolMissing(PaperlessError):
    """A PostgreSQL client tool is not on PATH."""


@dataclass(frozen=True)
class Summary:
    """What a backup holds (or what a restore put back), for people and ``--json``."""

    action: str  # backup, restore
    file: str
    bytes: int
    sha256: str
    database: str
    kind: str  # sqlite, postgresql
    revision: str | None
    boxes: int
    events: int
    audit_ok: bool
    audit_problem: str | None
    rows: dict[str, int]
    seconds: float
    previous: str | None = None  # restore: where the replaced database was kept
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)

    def text(self) -> str:
        verb = "backed up to" if self.action == "backup" else "restored from"
        chain = "audit trail intact" if self.audit_ok else f"AUDIT TRAIL BROKEN: {self.audit_problem}"
        lines = [f"{self.database} {verb} {self.file} ({self.bytes / 1e6:,.1f} MB, {self.seconds:.1f} s)",
                 f"  {self.boxes:,} boxes, {self.events:,} audit events, {chain}; schema "
                 f"{self.revision or '-'}", f"  sha256 {self.sha256}"]
        if self.previous:
            lines.append(f"  the database it replaced is kept as {self.previous}")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


@dataclass(frozen=True)
class Facts:
    """What a database holds: its schema revision, row counts and (when read) its audit chain."""

    revision: str | None
    boxes: int
    events: int
    audit: audit.VerifyResult | None
    rows: dict[str, int]

    @property
    def audit_ok(self) -> bool:
        return self.audit is None or self.audit.ok

    @property
    def audit_problem(self) -> str | None:
        return self.audit.reason if self.audit else None


# -- shared pieces ---------------------------------------------------------------------------------
class _OnConnection:
    """Enough of a ``Database`` for ``audit.verify``: reads through one open connection, so
    the chain is checked in the very transaction (and snapshot) the figures come from."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(bind=self._connection) as session:
            yield session


def _facts(connection: Connection, chain: bool = True) -> Facts:
    """Revision, counts and (with ``chain``) the audit chain, read through ``connection``."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        present = {r[0] for r in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    else:
        present = {r[0] for r in connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))}
    if "alembic_version" not in present or "audit_events" not in present:
        raise BackupRefused("it is not a paperless-ig database (no schema revision or audit trail)")
    revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    rows = {t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables if t.name in present}
    result = audit.verify(_OnConnection(connection)) if chain else None  # type: ignore[arg-type]
    return Facts(revision, rows.get(Box.__tablename__, 0), rows.get(AuditEvent.__tablename__, 0),
                  result, rows)


def _summary(action: str, path: Path, db: Database, facts: Facts, started: float,
             previous: Path | None = None, warnings: list[str] | None = None) -> Summary:
    return Summary(action, str(path), path.stat().st_size, _sha256(path), db.describe(),
                   "sqlite" if db.is_sqlite else "postgresql", facts.revision, facts.boxes,
                   facts.events, facts.audit_ok, facts.audit_problem, facts.rows,
                   round(time.monotonic() - started, 2), str(previous) if previous else None,
                   warnings or [])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    """Flush a file (or, on POSIX, a folder's entries) to disk."""
    if path.is_dir() and os.name == "nt":
        return  # Windows cannot open a folder to flush it
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temp_beside(target: Path, like: Path | None = None) -> Path:
    """A new, empty, hidden file beside ``target`` (same folder, so the final rename is
    atomic), with ``like``'s permissions, else those of any new file (mkstemp's would be
    owner-only)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    while True:
        temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
        try:
            os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            continue
        break
    if like is not None and like.exists():
        shutil.copymode(like, temp)
    return temp


def _remove(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
                     path.with_name(path.name + "-journal")):
        leftover.unlink(missing_ok=True)


def _refuse_existing(target: Path, force: bool) -> None:
    if target.exists() and not force:
        raise BackupRefused(f"{target} already exists: choose another name, or add --force to "
                            "replace it")


def _place(temp: Path, target: Path, force: bool) -> None:
    """Move the finished, checked file into place, never over an existing one without force."""
    _fsync(temp)
    if force:
        os.replace(temp, target)
    else:
        try:
            os.link(temp, target)  # fails if the target appeared meanwhile: never clobbered
        except FileExistsError:
            raise BackupRefused(f"{target} appeared while the backup was made: nothing was "
                                "replaced; choose another name, or add --force") from None
        except OSError:  # a file system without hard links
            _refuse_existing(target, force=False)
            os.replace(temp, target)
        else:
            temp.unlink()
    _fsync(target.parent)


def _role(session: Session, actor: str, allowed: frozenset[Role], doing: str) -> None:
    """Refuse unless ``actor`` may do ``doing`` here; read only (no first-user admin here)."""
    role = session.execute(select(User.role).where(User.login == actor, User.active)).scalar()
    if role is None:
        if session.execute(select(func.count(User.id))).scalar_one() == 0:
            return  # an empty database: its first user becomes admin anyway
        raise PermissionDenied(f"user {actor!r} is not an active user of this database, so cannot "
                               f"{doing}; give --user with the login of someone who may")
    if Role(role) not in allowed:
        who = " or ".join(sorted(ROLE_LABELS[r] for r in allowed))
        raise PermissionDenied(f"{actor} ({ROLE_LABELS[Role(role)]}) cannot {doing}: that needs {who}")


def _record(db: Database, actor: str, action: str, entity_id: str, after: dict) -> None:
    with db.write() as session:
        users.ensure_user(session, actor)
        audit.record(session, actor, action, "database", entity_id[:60], None, after)


def _event_details(summary_path: Path, facts: Facts, sha256: str) -> dict:
    return {"file": str(summary_path), "sha256": sha256, "boxes": facts.boxes, "events": facts.events,
            "revision": facts.revision}


# -- SQLite ------------------------------------------------------------------------------------------
def _sqlite_connect(path: Path) -> sqlite3.Connection:
    note_sqlite_open(path)  # never opened by other means in this process from now on
    return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)


def _copy_sqlite(source: Path, dest: Path) -> None:
    """A consistent copy of ``source`` as one self-contained file (rollback journal, not WAL)."""
    with closing(_sqlite_connect(source)) as src, closing(_sqlite_connect(dest)) as dst:
        src.backup(dst)  # one step: one read transaction, one snapshot
        dst.execute("PRAGMA journal_mode=DELETE")


@contextmanager
def _sqlite_file(path: Path) -> Iterator[Connection]:
    """A plain SQLAlchemy connection to a file we made (none of the live database's pragmas)."""
    note_sqlite_open(path)
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection, connection.begin():
            yield connection
    finally:
        engine.dispose()


def _checked_sqlite(path: Path, what: str) -> Facts:
    problems = integrity.check_sqlite_file(path, full=True, advice=False)
    if problems:
        raise BackupRefused(f"{what}: " + " ".join(problems))
    try:
        with _sqlite_file(path) as connection:
            return _facts(connection)
    except BackupRefused as exc:
        raise BackupRefused(f"{what}: {exc}") from None


def _backup_sqlite(db: Database, actor: str, target: Path, force: bool, started: float) -> Summary:
    live = integrity.sqlite_path(db)
    if live is None:
        raise BadInput("an in-memory database cannot be backed up")
    if not live.exists():
        raise BackupRefused(f"{live}: there is no database file to back up yet")
    if target.resolve() == live.resolve():
        raise BadInput(f"{target} is the live database itself: give another file")
    problems = integrity.check_sqlite_file(live, quick_check=False)
    if problems:
        raise BackupRefused(" ".join(problems))
    _role_in_file(live, actor, RECORDS_WORK, "back up the database")
    temp = _temp_beside(target)
    try:
        try:
            _copy_sqlite(live, temp)
        except sqlite3.DatabaseError as exc:
            raise BackupRefused(f"{live} could not be read to the end ({exc}): the database is "
                                "damaged; no backup was written") from None
        facts = _checked_sqlite(temp, f"the copy of {live} is not sound, so no backup was written")
        _place(temp, target, force)
    finally:
        _remove(temp)
    summary = _summary("backup", target, db, facts, started)
    _record(db, actor, "db.backup", target.name, _event_details(target, facts, summary.sha256))
    return summary


def _role_in_file(path: Path, actor: str, allowed: frozenset[Role], doing: str) -> None:
    with _sqlite_file(path) as connection, Session(bind=connection) as session:
        _role(session, actor, allowed, doing)


def _in_use(live: Path) -> str | None:
    """Why ``live`` cannot be replaced now (another connection has it open), or None.

    Leaving WAL mode needs every other connection closed, so asking for it is the test; when
    it works, the -wal file is folded into the main file and removed, leaving one whole file
    to keep as it was. When it is refused SQLite may still have checkpointed: the same data,
    other bytes, and the desks go on in WAL mode.
    """
    try:
        with closing(sqlite3.connect(str(live), timeout=0, isolation_level=None)) as connection:
            mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            if mode != "delete":
                return "it could not be switched out of WAL mode"
            connection.execute("BEGIN EXCLUSIVE")  # a reader mid-transaction in the old mode
            connection.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return "it is in use"
        raise
    return None


def _previous_name(live: Path) -> Path:
    """``<live>.before-restore``, or ``.before-restore.2`` and on when earlier ones are kept."""
    previous, number = live.with_name(live.name + BEFORE_RESTORE), 1
    while previous.exists():
        number += 1
        previous = live.with_name(f"{live.name}{BEFORE_RESTORE}.{number}")
    return previous


def _keep_previous(live: Path, previous: Path) -> None:
    """Keep the live file (and any -wal/-shm of a damaged one) as ``previous``."""
    try:
        os.link(live, previous)  # the live path keeps the old file until the new one replaces it
    except OSError:
        # A plain copy opens the file outside SQLite; safe only because _in_use has just
        # proved that no connection, ours included, has it open.
        shutil.copy2(live, previous)
        _fsync(previous)
    for suffix in ("-wal", "-shm"):
        side = live.with_name(live.name + suffix)
        if side.exists():  # only when the live file was too damaged to fold its WAL in
            os.replace(side, previous.with_name(previous.name + suffix))


def _restore_sqlite(db: Database, actor: str, source: Path, force: bool, started: float) -> Summary:
    live = integrity.sqlite_path(db)
    if live is None:
        raise BadInput("an in-memory database cannot be restored into")
    if source.resolve() == live.resolve():
        raise BadInput(f"{source} is the live database itself: give a backup file")
    with source.open("rb") as handle:
        if handle.read(5) == b"PGDMP":
            raise BadInput(f"{source} is a PostgreSQL backup; the database here is SQLite "
                           f"({live}): give --db the PostgreSQL URL to restore it there")
    problems = integrity.check_sqlite_file(source, quick_check=False, advice=False)
    if problems:
        raise BackupRefused(f"cannot restore from {source}: " + " ".join(problems))
    warnings: list[str] = []
    live_problems = integrity.check_sqlite_file(live, quick_check=False) if live.exists() else []
    if live.exists() and not live_problems:
        _role_in_file(live, actor, ADMIN_WORK, "restore the database")
    temp = _temp_beside(live, like=live)
    try:
        _copy_sqlite(source, temp)
        facts = _checked_sqlite(temp, f"cannot restore from {source}")
        _refuse_broken_chain(facts, source, force, warnings)
        _role_in_file(temp, actor, ADMIN_WORK, "restore the database")
        staged = Database(str(temp))
        try:
            if migrate.needs_upgrade(staged):
                migrate.upgrade(staged)
                warnings.append(f"the backup was at schema {facts.revision}; it was upgraded to "
                                f"{migrate.head_revision()}")
            previous = _previous_name(live) if live.exists() else None
            _record(staged, actor, "db.restore", source.name, {
                **_event_details(source, facts, _sha256(source)),
                "previous": str(previous) if previous else None})
        finally:
            staged.dispose()
        with closing(_sqlite_connect(temp)) as connection:  # fold the WAL in: one whole file
            connection.execute("PRAGMA journal_mode=DELETE")
        if previous is not None:
            if live_problems:
                warnings.append("the database being replaced was damaged, so whether another desk "
                                "had it open could not be checked")
            else:
                busy = _in_use(live)
                if busy:
                    raise Conflict(f"{live} cannot be restored now: {busy} by paperless-ig (or "
                                   "another program). Close paperless-ig on every desk and "
                                   "scanning station, then restore again; nothing was changed")
            _keep_previous(live, previous)
        _fsync(temp)
        os.replace(temp, live)
        _fsync(live.parent)
    finally:
        _remove(temp)
    with _sqlite_file(live) as connection:
        facts = _facts(connection)
    return _summary("restore", source, db, facts, started, previous, warnings)


def _refuse_broken_chain(facts: Facts, source: Path, force: bool, warnings: list[str]) -> None:
    if facts.audit_ok:
        return
    if not force:
        raise BackupRefused(f"{source}: the audit trail in this backup is broken "
                            f"({facts.audit_problem}); restore another backup, or add --force to "
                            "restore it all the same; nothing was changed")
    warnings.append(f"restored with a broken audit trail ({facts.audit_problem})")


# -- PostgreSQL ------------------------------------------------------------------------------------
def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ToolMissing(f"{name} is not on PATH: install the PostgreSQL client tools of the "
                          "server's version or newer (Debian: apt-get install postgresql-client; "
                          "Windows: the PostgreSQL installer's Command Line Tools) and try again")
    return found


def _libpq(db: Database) -> tuple[str, dict[str, str]]:
    """The connection as a libpq URI without the password, and an environment carrying it."""
    url = make_url(db.url)
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _first_error(stderr: str, tool: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    wanted = [line for line in lines if "error" in line.lower() or "fatal" in line.lower()]
    return (wanted or lines or [f"{tool} failed"])[0]


def _run(command: list[str], env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise BackupRefused(_first_error(result.stderr, Path(command[0]).name))
    return result.stdout


def _current_schema(db: Database) -> str:
    """The schema the app's tables live in (the one named, even before it exists)."""
    with db.engine.connect() as connection:
        found = connection.execute(text("SELECT current_schema()")).scalar()
    return found or db.schema or "public"


_TOC_LINE = re.compile(r"^\d+; \d+ \d+ (?P<kind>[A-Z][A-Z ]*?) (?P<schema>\S+) (?P<name>\S+) (?P<owner>\S+)$")


def _toc(pg_restore: str, archive: Path) -> list[tuple[str, str, str]]:
    """(kind, schema, name) of each entry of a custom-format archive."""
    result = subprocess.run([pg_restore, "--list", str(archive)], capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupRefused(f"{archive} is not a PostgreSQL backup made by 'paperless-ig db backup' "
                            f"({_first_error(result.stderr, 'pg_restore')})")
    entries = []
    for line in result.stdout.splitlines():
        match = _TOC_LINE.match(line)
        if match:
            entries.append((match["kind"], match["schema"], match["name"]))
    return entries


def _archive_schema(entries: list[tuple[str, str, str]], archive: Path) -> str:
    data = {(schema, name) for kind, schema, name in entries if kind == "TABLE DATA"}
    schemas = {schema for schema, name in data if name == "audit_events"}
    if len(schemas) != 1 or not {(s, n) for s in schemas for n in ("boxes", "alembic_version")} <= data:
        raise BackupRefused(f"{archive} is a PostgreSQL backup but not of a paperless-ig database "
                            "(no boxes, audit trail and schema revision in it)")
    return schemas.pop()


def _dump(db: Database, schema: str, target: Path, snapshot: str | None = None) -> subprocess.Popen:
    pg_dump = _tool("pg_dump")
    uri, env = _libpq(db)
    command = [pg_dump, "--format=custom", "--no-password", f"--schema={schema}", f"--file={target}",
               f"--dbname={uri}"]
    if snapshot:
        command.append(f"--snapshot={snapshot}")
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)


def _wait(process: subprocess.Popen, tool: str) -> None:
    _, stderr = process.communicate()
    if process.returncode != 0:
        raise BackupRefused(f"{tool} failed: {_first_error(stderr or '', tool)}; no backup was written")


def _backup_postgresql(db: Database, actor: str, target: Path, force: bool, started: float) -> Summary:
    _tool("pg_dump")
    pg_restore = _tool("pg_restore")
    schema = _current_schema(db)
    temp = _temp_beside(target)
    try:
        with db.engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                connection.execute(text("SET TRANSACTION READ ONLY"))
                with Session(bind=connection) as session:
                    _role(session, actor, RECORDS_WORK, "back up the database")
                snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                process = _dump(db, schema, temp, snapshot)
                try:
                    facts = _facts(connection)  # the same snapshot pg_dump copies
                except BackupRefused as exc:
                    process.kill()
                    process.communicate()
                    raise BackupRefused(f"{db.describe()}: {exc}; no backup was written") from None
                _wait(process, "pg_dump")
        _archive_schema(_toc(pg_restore, temp), temp)  # the file reads back, and holds the data
        _place(temp, target, force)
    finally:
        temp.unlink(missing_ok=True)
    summary = _summary("backup", target, db, facts, started)
    _record(db, actor, "db.backup", target.name, _event_details(target, facts, summary.sha256))
    return summary


def _archive_revision(pg_restore: str, archive: Path) -> str | None:
    out = _run([pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(archive)])
    lines = out.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("COPY ") and number + 1 < len(lines) and lines[number + 1] != "\\.":
            return lines[number + 1].strip()
    return None


def _has_schema(db: Database) -> bool:
    with db.engine.connect() as connection:
        return bool(connection.execute(text("SELECT to_regclass('alembic_version')")).scalar())


def _live_facts(db: Database, chain: bool = True) -> Facts:
    with db.engine.connect() as connection, connection.begin():
        return _facts(connection, chain)


def _restore_postgresql(db: Database, actor: str, source: Path, force: bool, started: float) -> Summary:
    pg_restore, psql = _tool("pg_restore"), _tool("psql")
    _tool("pg_dump")
    with source.open("rb") as handle:
        if handle.read(len(integrity.SQLITE_MAGIC)) == integrity.SQLITE_MAGIC:
            raise BadInput(f"{source} is a SQLite backup; the database here is PostgreSQL "
                           f"({db.describe()}): give --db the SQLite file to restore it there")
    schema = _current_schema(db)
    archive_schema = _archive_schema(_toc(pg_restore, source), source)
    if archive_schema != schema:
        raise BackupRefused(f"{source} holds schema {archive_schema!r} but this database uses "
                            f"{schema!r}: restore it where it came from; nothing was changed")
    problem = integrity.revision_problem(str(source), _archive_revision(pg_restore, source))
    if problem:
        raise BackupRefused(f"cannot restore: {problem}")
    warnings: list[str] = []
    previous = None
    if _has_schema(db):
        with db.read() as session:
            _role(session, actor, ADMIN_WORK, "restore the database")
        stamp = clock.utcnow().strftime("%Y%m%dT%H%M%SZ")
        previous = source.resolve().with_name(f"before-restore-{schema}-{stamp}.dump")
        _wait(_dump(db, schema, previous), "pg_dump (of the database before the restore)")
    _replay(db, pg_restore, psql, source, schema)
    db.engine.dispose()  # pooled connections may hold plans of the dropped tables
    revision = migrate.current_revision(db)
    if migrate.needs_upgrade(db):
        migrate.upgrade(db)
        warnings.append(f"the backup was at schema {revision}; it was upgraded to "
                        f"{migrate.head_revision()}")
    _record(db, actor, "db.restore", source.name, {
        **_event_details(source, _live_facts(db, chain=False), _sha256(source)),
        "previous": str(previous) if previous else None})
    facts = _live_facts(db)
    if not facts.audit_ok:
        warnings.append(f"the restored audit trail is broken ({facts.audit_problem})")
    return _summary("restore", source, db, facts, started, previous, warnings)


def _replay(db: Database, pg_restore: str, psql: str, source: Path, schema: str) -> None:
    """Drop the schema and replay the archive, all in one transaction: all of it, or nothing."""
    uri, env = _libpq(db)
    quoted = '"' + schema.replace('"', '""') + '"'
    prefix = (f"SET lock_timeout = '{PG_LOCK_TIMEOUT}';\nDROP SCHEMA IF EXISTS {quoted} CASCADE;\n")
    with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_err:
        reader = subprocess.Popen([pg_restore, "--no-owner", "--file=-", str(source)], env=env,
                                  stdout=subprocess.PIPE, stderr=restore_err)
        writer = subprocess.Popen([psql, "--no-psqlrc", "--quiet", "--single-transaction",
                                   "--set=ON_ERROR_STOP=1", "--no-password", f"--dbname={uri}",
                                   "--file=-"], env=env, stdin=subprocess.PIPE,
                                  stdout=subprocess.DEVNULL, stderr=psql_err)
        assert reader.stdout is not None and writer.stdin is not None
        try:
            writer.stdin.write(prefix.encode())
            shutil.copyfileobj(reader.stdout, writer.stdin, 1 << 20)
        except BrokenPipeError:  # psql stopped at an error: its message says which
            pass
        finally:
            with suppress(BrokenPipeError):
                writer.stdin.close()
            reader.stdout.close()
            reader.wait()
            writer.wait()
        for process, errors, tool in ((writer, psql_err, "psql"), (reader, restore_err, "pg_restore")):
            if process.returncode != 0:
                errors.seek(0)
                raise BackupRefused(f"the restore was rolled back, nothing was changed: {tool}: "
                                    f"{_first_error(errors.read().decode(errors='replace'), tool)}")


# -- the entry points --------------------------------------------------------------------------------
def facts(db: Database, *, chain: bool = True) -> Facts:
    """What ``db`` holds, read without changing it (a SQLite file is not switched to WAL);
    ``chain`` walks the whole audit trail (seconds at a million events)."""
    if db.is_sqlite:
        path = integrity.sqlite_path(db)
        if path is None or not path.exists() or path.stat().st_size == 0:
            return Facts(None, 0, 0, None, {})
        with _sqlite_file(path) as connection:
            return _facts(connection, chain)
    if not _has_schema(db):
        return Facts(None, 0, 0, None, {})
    return _live_facts(db, chain)


def backup(db: Database, actor: str, target: str | Path, *, force: bool = False) -> Summary:
    """Write a checked, consistent backup of ``db`` to ``target`` (refused if it exists unless
    ``force``; a folder gets a new file named by the time); see the module notes."""
    started = time.monotonic()
    target = Path(target).expanduser().absolute()
    if target.is_dir():  # a folder: a new, dated file in it (for scheduled backups)
        stamp = clock.utcnow().strftime("%Y%m%dT%H%M%SZ")
        target = target / f"paperless-ig-{stamp}{'.sqlite3' if db.is_sqlite else '.dump'}"
    _refuse_existing(target, force)
    if db.is_sqlite:
        return _backup_sqlite(db, actor, target, force, started)
    return _backup_postgresql(db, actor, target, force, started)


def restore(db: Database, actor: str, source: str | Path, *, force: bool = False) -> Summary:
    """Replace ``db`` with the backup in ``source``, keeping what it replaces; ``force`` restores
    a backup whose audit trail is broken. See the module notes."""
    started = time.monotonic()
    source = Path(source).expanduser().absolute()
    if not source.is_file():
        raise BadInput(f"{source}: no such backup file")
    db.dispose()  # our own pooled connections must not count as a desk using it
    if db.is_sqlite:
        return _restore_sqlite(db, actor, source, force, started)
    return _restore_postgresql(db, actor, source, force, started)
