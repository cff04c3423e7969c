"""Importing a council's existing register of boxes (xlsx or csv).

Most councils arrive with a spreadsheet of the boxes already in the store.
``import_register`` turns it into boxes: every row is checked (required
fields, known team, class and location, real dates, barcodes unique in the
file and in the database, room on the shelf) and every bad row and field is
named. By default the import is all-or-nothing; with ``skip_invalid`` the good
rows go in and the bad ones are written, as they were plus a ``reason``
column, to a workbook the user can fix and import again.

The rules of a legacy register:

- Barcodes are kept as they are, only stripped of what a scanner or a
  copy-and-paste adds (whitespace, control and zero-width characters); each
  change is reported. A barcode of our own shape (``BX`` + 7 digits + check)
  must pass its check character and is stored upper-case; it is the only
  kind not marked ``legacy``, and the box sequence is moved past it so the
  desk never hands out the same code again.
- The trigger date is the row's ``trigger_date``; when it is blank, the
  class's clock decides: a class triggered by ``deposit`` uses the received
  date, any other the ``date_to`` (the last date of the records).
- ``received`` defaults to the trigger date: old registers seldom say when a
  box came in, and the trigger date is the best we know. For a class triggered
  by deposit it is the date the clock runs from, so give it when you know it.
- Imported boxes belong to no deposit (``deposit_id`` is NULL) and are "in
  store"; a blank location means "not shelved".

All boxes go in through Core ``executemany`` in chunks, in one transaction
with their audit events, so 100,000 rows take seconds and a failed or
cancelled import leaves nothing behind.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from paperless_ig.domain import barcodes, clock
from paperless_ig.domain.dates import read_date
from paperless_ig.domain.errors import BadInput, Conflict, ImportRejected, RowError
from paperless_ig.domain.progress import ProgressFn, Throttled
from paperless_ig.domain.retention import Period, Trigger, disposal_date
from paperless_ig.domain.roles import DESK_WORK, RECORDS_WORK
from paperless_ig.domain.states import SHELVED_BOX, BoxStatus
from paperless_ig.services import audit, sheets, users
from paperless_ig.store.database import Database
from paperless_ig.store.models import STANDARD_BOX_WIDTH_MM, Box, Counter, Location, RetentionClass, Team

FIELDS = ("barcode", "team_code", "class_code", "title", "date_from", "date_to", "trigger_date",
          "location", "received")
REQUIRED = ("barcode", "team_code", "class_code", "title")
# The trigger date falls back to date_to (or received, for classes that run from deposit).
TRIGGER_SOURCES = ("trigger_date", "date_to", "received")
DATE_FIELDS = ("date_from", "date_to", "trigger_date", "received")
CHUNK = 10_000  # rows per executemany and per audit batch
LOOKUP_CHUNK = 500  # values per IN (...) when looking rows up
MAX_BARCODE = 60  # Box.barcode and AuditEvent.entity_id
MAX_TITLE = 400  # Box.title
REASON = "reason"

# Headings a register commonly uses for each field, compared after _loose_key.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "barcode": ("barcode", "box_barcode", "box_number", "box_no", "box_num", "box_ref",
                "box_reference", "box_id", "box"),
    "team_code": ("team_code", "team", "department", "dept", "dept_code", "department_code",
                  "team_ref"),
    "class_code": ("class_code", "class", "retention_class", "file_plan", "file_plan_code",
                   "retention_code", "retention", "classification"),
    "title": ("title", "description", "contents", "box_title", "box_description", "box_contents",
              "content"),
    "date_from": ("date_from", "from", "from_date", "start_date", "records_from", "earliest_date",
                  "first_date", "start"),
    "date_to": ("date_to", "to", "to_date", "end_date", "records_to", "latest_date", "last_date",
                "end"),
    "trigger_date": ("trigger_date", "trigger", "closure_date", "date_closed", "closed",
                     "retention_start"),
    "location": ("location", "location_code", "shelf", "shelf_location", "shelf_code",
                 "store_location"),
    "received": ("received", "received_on", "date_received", "received_date", "deposited",
                 "date_deposited", "deposit_date", "deposited_on"),
}

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00)?)?$")
_UK_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
# Control characters an xlsx cell cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE).
_NOT_IN_XLSX = re.compile(r"[\000-\010\013\014\016-\037]")


# -- results -------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterResult:
    """What an import did: boxes imported, rows rejected, barcodes cleaned.

    ``rejected`` holds one ``{"row", "field", "reason"}`` per problem (a row
    can have several); ``cleaned`` one ``{"row", "from", "to"}`` per imported
    barcode that cleaning changed; ``rejected_file`` is the workbook of
    rejected rows, when any were skipped.
    """

    imported: int
    rejected: list[dict]
    cleaned: list[dict]
    rejected_file: str | None

    @property
    def rejected_rows(self) -> int:
        return len({r["row"] for r in self.rejected})

    def as_json(self) -> dict:
        return {"imported": self.imported, "rejected": self.rejected,
                "rejected_rows": self.rejected_rows, "cleaned": self.cleaned,
                "rejected_file": self.rejected_file}


def rejection_json(error: ImportRejected) -> dict:
    """The ``--json`` shape of an all-or-nothing refusal: nothing imported, every problem."""
    rejected = [e.as_dict() for e in error.errors]
    return {"imported": 0, "rejected": rejected,
            "rejected_rows": len({r["row"] for r in rejected}), "cleaned": [],
            "rejected_file": None, "file": error.source}


@dataclass(frozen=True)
class Preview:
    """The first rows of a register and the mapping guessed from its headings."""

    source: str
    headings: list[str]  # as the file writes them
    rows: list[list[Any]]  # values in heading order
    mapping: dict[str, str]  # our field -> the file's heading
    problems: list[str] = field(default_factory=list)

    @property
    def unmapped(self) -> list[str]:
        return [f for f in FIELDS if f not in self.mapping]


# -- mapping -------------------------------------------------------------------


def _checked_mapping(mapping: Mapping[str, Any] | None) -> dict[str, str]:
    """``mapping`` with field names normalised; unknown fields are refused by name."""
    if not mapping:
        return {}
    result, unknown = {}, []
    for key, heading in mapping.items():
        name = sheets.heading_key(key)
        if name not in FIELDS:
            unknown.append(str(key))
            continue
        if not isinstance(heading, str) or not heading.strip():
            raise BadInput(f"mapping: field {name} needs a column heading (got {heading!r})")
        if name in result:
            raise BadInput(f"mapping: field {name} is given more than once")
        result[name] = heading.strip()
    if unknown:
        raise BadInput(f"mapping: unknown field(s) {', '.join(repr(u) for u in unknown)}; "
                       f"the fields are {', '.join(FIELDS)}")
    return result


def parse_mapping(text: str) -> dict[str, str]:
    """Read a column mapping: a JSON file, inline JSON, or ``field=Heading,field=Heading``.

    ``{"barcode": "Box No", "team_code": "Dept"}`` (in a ``.json`` file or as
    text) and ``barcode=Box No,team_code=Dept`` mean the same. Field names are
    matched loosely (``Team Code`` is ``team_code``); unknown ones are refused.
    """
    text = (text or "").strip()
    if not text:
        raise BadInput("mapping is empty: write field=Heading,field=Heading or give a JSON file")
    if text.startswith("{"):
        return _checked_mapping(_json_object(text, "mapping"))
    path = _as_path(text)
    if path.is_file() or "=" not in text:
        if not path.is_file():
            raise BadInput(f"mapping {text!r}: no such file; give a JSON file, or write "
                           "field=Heading,field=Heading")
        try:
            content = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"mapping file {path.name}: cannot be read ({exc.__class__.__name__})") from None
        return _checked_mapping(_json_object(content, f"mapping file {path.name}"))
    pairs: dict[str, str] = {}
    for item in text.split(","):
        if not item.strip():
            continue
        name, equals, heading = item.partition("=")
        if not equals or not name.strip() or not heading.strip():
            raise BadInput(f"mapping item {item.strip()!r} should be field=Heading")
        if name.strip() in pairs:
            raise BadInput(f"mapping: field {name.strip()!r} is given more than once")
        pairs[name.strip()] = heading.strip()
    return _checked_mapping(pairs)


def _as_path(text: str) -> Path:
    """``text`` as a file name; one that cannot name a file (too long, ``~nobody``) names none."""
    try:
        path = Path(text).expanduser()
        path.is_file()
    except (OSError, RuntimeError, ValueError):
        return Path("")
    return path


def _json_object(text: str, what: str) -> dict:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"{what} is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise BadInput(f"{what} should be a JSON object of field: heading")
    return data


def _loose_key(heading: object) -> str:
    """A heading reduced to words: "Box No." and "box_no" agree."""
    return re.sub(r"[^a-z0-9]+", "_", sheets.heading_key(heading)).strip("_")


def guess_mapping(headings: list[str]) -> dict[str, str]:
    """Our field -> the heading that most likely holds it (exact names first, then synonyms)."""
    keys = [_loose_key(h) for h in headings]
    taken: set[int] = set()
    guessed: dict[str, str] = {}
    for name in FIELDS:
        best: tuple[int, int] | None = None
        for index, key in enumerate(keys):
            if index in taken or key not in SYNONYMS[name]:
                continue
            rank = SYNONYMS[name].index(key)
            if best is None or rank < best[0]:
                best = (rank, index)
        if best is not None:
            taken.add(best[1])
            guessed[name] = headings[best[1]]
    return guessed


# -- reading -------------------------------------------------------------------


def _raw_rows(path: Path) -> Generator[list[Any], None, None]:
    """The file's rows as stored, lazily, so a preview never reads the whole file."""
    if not path.is_file():
        raise BadInput(f"{path}: not a file" if path.exists() else f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix not in sheets.SUPPORTED:
        raise BadInput(f"{path.name}: expected a .csv or .xlsx file")
    if suffix == ".csv":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        try:
            yield from csv.reader(io.StringIO(text, newline=""))
        except csv.Error as exc:
            raise BadInput(f"{path.name}: not a readable CSV file ({exc})") from None
        return
    yield from sheets.xlsx_rows(path)


def _cell(value: Any) -> Any:
    """A cell as read_table gives it: stripped text or None, midnight datetimes as dates."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    return value


def _head(path: Path, limit: int) -> tuple[list[Any], list[list[Any]]]:
    """The heading row (as written) and up to ``limit`` non-blank data rows."""
    rows = _raw_rows(path)
    try:
        heading: list[Any] | None = None
        data: list[list[Any]] = []
        for raw in rows:
            cells = [_cell(v) for v in raw]
            if all(v is None for v in cells):
                continue
            if heading is None:
                heading = cells
                continue
            if len(data) >= limit:
                break
            data.append(cells)
    finally:
        rows.close()
    if heading is None:
        raise BadInput(f"{path.name}: the file is empty")
    return heading, data


def _titles(path: Path) -> dict[str, str]:
    """heading_key -> the heading as the file writes it (read_table keeps only the keys)."""
    heading, _ = _head(path, 0)
    titles: dict[str, str] = {}
    for cell in heading:
        key = sheets.heading_key(cell)
        if key:
            titles.setdefault(key, str(cell).strip())
    return titles


def preview(path: str | Path, mapping: Mapping[str, str] | None = None, limit: int = 20) -> Preview:
    """The headings, the first ``limit`` rows and a guessed mapping; no database involved.

    A ``mapping`` given here overrides the guesses field by field; headings it
    names that the file lacks, and required fields left without a column, are
    listed in ``problems`` for the mapping step to show.
    """
    path = Path(path)
    given = _checked_mapping(mapping)
    heading, data = _head(path, max(limit, 0))
    columns = [i for i, cell in enumerate(heading) if sheets.heading_key(cell)]
    headings = [str(heading[i]).strip() for i in columns]
    rows = [[row[i] if i < len(row) else None for i in columns] for row in data]
    by_key = {}
    for title in headings:
        by_key.setdefault(sheets.heading_key(title), title)
    problems = []
    chosen = guess_mapping(headings)
    for name, wanted in given.items():
        title = by_key.get(sheets.heading_key(wanted))
        if title is None:
            problems.append(f"column {wanted!r} (for {name}) is not in the file")
            chosen.pop(name, None)
        else:
            chosen[name] = title
    chosen = {name: chosen[name] for name in FIELDS if name in chosen}
    problems += [f"no column for {name}" + (" (or date_to)" if name == "trigger_date" else "")
                 for name in missing_fields(chosen)]
    return Preview(path.name, headings, rows, chosen, problems)


def missing_fields(chosen) -> list[str]:
    """The fields a register cannot be imported without; ``trigger_date`` stands for any of
    the columns a trigger date can come from."""
    missing = [name for name in REQUIRED if name not in chosen]
    if not any(name in chosen for name in TRIGGER_SOURCES):
        missing.append("trigger_date")
    return missing


def columns_read(mapping: dict[str, str], headings) -> dict[str, str]:
    """Field -> the heading the import will read it from: the mapped heading, or else a heading
    carrying the field's own name (a field left out of the mapping is still read that way)."""
    by_key = {sheets.heading_key(h): h for h in reversed(list(headings))}
    read = {}
    for name in FIELDS:
        heading = by_key.get(sheets.heading_key(mapping.get(name, name)))
        if heading is not None:
            read[name] = heading
    return read


def _columns(table: sheets.Table, mapping: dict[str, str]) -> dict[str, str]:
    """Our field -> the table's heading key; refuse missing required columns."""
    present = set(table.headings)
    found: dict[str, str] = {}
    absent_mapped = []
    for name in FIELDS:
        wanted = mapping.get(name, name)
        key = sheets.heading_key(wanted)
        if key in present:
            found[name] = key
        elif name in mapping:
            absent_mapped.append(f"{wanted!r} (for {name})")
    shown = ", ".join(table.headings) or "none"
    if absent_mapped:
        raise BadInput(f"{table.source}: mapped column(s) {', '.join(absent_mapped)} not in the "
                       f"file (found: {shown})")
    table.refuse_doubled(list(found.values()))
    missing = [name + (" (or date_to)" if name == "trigger_date" else "")
               for name in missing_fields(found)]
    if missing:
        raise BadInput(f"{table.source}: missing column(s) {', '.join(missing)} (found: {shown}); "
                       "name the file's headings with a mapping, e.g. barcode=Box No")
    return found


# -- values --------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number typed into Excel: 10234.0 is box 10234
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


# -- checking ------------------------------------------------------------------


@dataclass(frozen=True)
class _Class:
    id: int
    code: str
    trigger: Trigger
    period: Period


@dataclass
class _Place:
    id: int
    code: str
    active: bool
    capacity: int
    occupied: int = 0

    @property
    def free(self) -> int:
        return max(self.capacity - self.occupied, 0)


@dataclass
class _Row:
    """One row on its way in: what was read, what it became, what is wrong."""

    number: int
    values: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)
    raw_barcode: str = ""
    barcode: str = ""
    sequence: int | None = None  # one of our BX codes
    team: tuple[int, str] | None = None
    klass: _Class | None = None
    place: _Place | None = None
    title: str = ""
    dates: dict[str, date | None] = field(default_factory=dict)
    trigger_date: date | None = None
    received: date | None = None
    disposal: date | None = None

    def error(self, name: str, message: str) -> None:
        self.errors.append(RowError(self.number, name, message))


def _by_code(items: dict[str, Any]) -> dict[str, Any]:
    """``items`` keyed by code as written and, where that is unambiguous, upper-cased."""
    upper: dict[str, list[str]] = defaultdict(list)
    for code in items:
        upper[code.upper()].append(code)
    folded = {key: items[codes[0]] for key, codes in upper.items() if len(codes) == 1}
    return {**folded, **items}


class _Checker:
    def __init__(self, session: Session, table: sheets.Table, columns: dict[str, str]) -> None:
        self.session, self.table, self.columns = session, table, columns
        self.today = clock.today()
        # Codes are matched as written, else ignoring case ("fin-ap" is FIN-AP).
        self.teams = _by_code({code: (tid, code)
                               for tid, code in session.execute(select(Team.id, Team.code))})
        self.classes = _by_code({
            row.code: _Class(row.id, row.code, Trigger(row.trigger), Period(row.period_months))
            for row in session.execute(select(RetentionClass)).scalars()
        })

    def value(self, row: _Row, name: str) -> Any:
        key = self.columns.get(name)
        return row.values.get(key) if key else None

    def check(self, row: _Row) -> None:
        """Everything about one row that needs no other row."""
        self._barcode(row)
        row.title = _text(self.value(row, "title"))
        if not row.title:
            row.error("title", "is empty")
        elif len(row.title) > MAX_TITLE:
            row.error("title", f"is {len(row.title)} characters long; at most {MAX_TITLE}")
        team = _text(self.value(row, "team_code"))
        if not team:
            row.error("team_code", "is empty")
        else:
            row.team = self.teams.get(team) or self.teams.get(team.upper())
            if row.team is None:
                row.error("team_code", f"team {team!r} does not exist")
        code = _text(self.value(row, "class_code"))
        if not code:
            row.error("class_code", "is empty")
        else:
            row.klass = self.classes.get(code) or self.classes.get(code.upper())
            if row.klass is None:
                row.error("class_code", f"retention class {code!r} does not exist")
        self._dates(row)

    def _barcode(self, row: _Row) -> None:
        row.raw_barcode = _text(self.value(row, "barcode"))
        cleaned = barcodes.clean_scanned(row.raw_barcode)
        if not cleaned:
            row.error("barcode", "is empty" if not row.raw_barcode
                      else f"{row.raw_barcode!r} has nothing but spaces and control characters")
            return
        upper = cleaned.upper()
        if barcodes.looks_like_scheme(upper, barcodes.BOX_PREFIX):
            if not barcodes.has_valid_check(upper):
                row.error("barcode", f"{upper} looks like one of our box barcodes but fails its "
                                     "check character: mistyped?")
                return
            cleaned, row.sequence = upper, int(upper[len(barcodes.BOX_PREFIX):-1])
        elif barcodes.looks_like_scheme(upper, barcodes.LOCATION_PREFIX):
            row.error("barcode", f"{upper} is a shelf location's barcode, not a box's")
            return
        if len(cleaned) > MAX_BARCODE:
            row.error("barcode", f"{cleaned!r} is {len(cleaned)} characters long; at most {MAX_BARCODE}")
            return
        row.barcode = cleaned

    def _dates(self, row: _Row) -> None:
        for name in DATE_FIELDS:
            try:
                row.dates[name] = read_date(self.value(row, name), "")  # the row error names the field
            except BadInput as exc:
                row.dates[name] = None
                row.error(name, str(exc))
        start, end = row.dates["date_from"], row.dates["date_to"]
        if start and end and start > end:
            row.error("date_from", f"records run from {start.isoformat()} to {end.isoformat()}, "
                                   "which is backwards")
        received = row.dates["received"]
        if received and received > self.today:
            row.error("received", f"{received.isoformat()} is in the future")
        bad_date = any(e.field in DATE_FIELDS for e in row.errors)
        deposit_class = row.klass is not None and row.klass.trigger is Trigger.DEPOSIT
        trigger = row.dates["trigger_date"] or (received if deposit_class else None) or end
        if trigger is None:
            if not bad_date and (row.klass is not None or not received):
                row.error("trigger_date", "is empty, and there is no date_to to use instead"
                          + (" (nor a received date)" if deposit_class else ""))
            return
        row.trigger_date, row.received = trigger, received or trigger
        if row.klass is not None and not bad_date:
            try:
                row.disposal = disposal_date(row.klass.trigger, row.klass.period, trigger, row.received)
            except BadInput as exc:
                row.error("trigger_date", str(exc))
            except ValueError:  # the clock would start after 9999-12-31 (end of financial year)
                row.error("trigger_date", f"{trigger.isoformat()} is too late to work out a disposal "
                                          "date from")

    def places(self, rows: list[_Row]) -> None:
        """Look up every location the file names, with what is already on it."""
        wanted = {}
        for row in rows:
            text = _text(self.value(row, "location"))
            if text:
                wanted.setdefault(text.upper(), []).append(row)
        found: dict[str, _Place] = {}
        names = list(wanted)
        for start in range(0, len(names), LOOKUP_CHUNK):
            chunk = names[start:start + LOOKUP_CHUNK]
            for loc in self.session.execute(
                select(Location).where(or_(Location.code.in_(chunk), Location.barcode.in_(chunk)))
            ).scalars():
                place = found.get(loc.code.upper()) or _Place(loc.id, loc.code, loc.active,
                                                                 loc.capacity)
                for key in (loc.code.upper(), loc.barcode.upper()):
                    found[key] = place
        by_id = {p.id: p for p in found.values()}
        ids = list(by_id)
        for start in range(0, len(ids), LOOKUP_CHUNK):
            chunk = ids[start:start + LOOKUP_CHUNK]
            for location_id, count in self.session.execute(
                select(Box.location_id, func.count(Box.id))
                .where(Box.location_id.in_(chunk), Box.status.in_(SHELVED_BOX))
                .group_by(Box.location_id)
            ):
                by_id[location_id].occupied = count
        for name, named_rows in wanted.items():
            place = found.get(name)
            for row in named_rows:
                if place is None:
                    row.error("location", f"location {name!r} does not exist")
                elif not place.active:
                    row.error("location", f"location {place.code} is no longer in use")
                else:
                    row.place = place

    def duplicates(self, rows: list[_Row]) -> None:
        """A barcode twice in the file: both rows are refused, each naming the other."""
        seen: dict[str, list[_Row]] = defaultdict(list)
        for row in rows:
            if row.barcode:
                seen[row.barcode].append(row)
        for code, same in seen.items():
            if len(same) < 2:
                continue
            for row in same:
                others = [str(o.number) for o in same if o is not row]
                where = "row" if len(others) == 1 else "rows"
                row.error("barcode", f"{code} is also given in {where} {', '.join(others)}")

    def existing(self, rows: list[_Row]) -> None:
        codes = sorted({row.barcode for row in rows if row.barcode})
        known: set[str] = set()
        for start in range(0, len(codes), LOOKUP_CHUNK):
            chunk = codes[start:start + LOOKUP_CHUNK]
            known.update(self.session.execute(select(Box.barcode).where(Box.barcode.in_(chunk))).scalars())
        for row in rows:
            if row.barcode in known:
                row.error("barcode", f"box {row.barcode} is already in the database")

    @staticmethod
    def capacity(rows: list[_Row], skip_invalid: bool) -> None:
        """Rows beyond a location's free room are refused, in file order.

        When bad rows are skipped only rows that will go in take room; when the
        whole file must be fixed first, every row naming the place takes room,
        so the second attempt does not find the shelf full after all.
        """
        used: dict[int, int] = defaultdict(int)
        for row in rows:
            place = row.place
            if place is None or (skip_invalid and row.errors):
                continue
            used[place.id] += 1
            if used[place.id] > place.free:
                row.error("location", f"location {place.code} is full: it has room for {place.free} "
                                      f"more box(es) (capacity {place.capacity}, {place.occupied} "
                                      "on it) and earlier rows of the file take that room")


# -- writing -------------------------------------------------------------------


def _box_row(row: _Row, now: datetime) -> dict:
    assert row.team and row.klass and row.trigger_date and row.received
    return {
        "barcode": row.barcode, "legacy": row.sequence is None, "deposit_id": None,
        "team_id": row.team[0], "class_id": row.klass.id, "title": row.title,
        "date_from": row.dates["date_from"], "date_to": row.dates["date_to"],
        "trigger_date": row.trigger_date, "disposal_date": row.disposal,
        "received_on": row.received, "security": "official", "width_mm": STANDARD_BOX_WIDTH_MM,
        "weight_kg": None, "location_id": row.place.id if row.place else None,
        "status": BoxStatus.IN_STORE, "digitised_on": None, "version": 1, "updated_at": now,
    }


def _event(actor: str, source: str, row: _Row) -> audit.Event:
    assert row.team and row.klass
    after = {"source": source, "row": row.number, "team": row.team[1], "class": row.klass.code,
             "title": row.title, "date_from": row.dates["date_from"], "date_to": row.dates["date_to"],
             "trigger_date": row.trigger_date, "disposal_date": row.disposal,
             "received_on": row.received, "location": row.place.code if row.place else None,
             "legacy": row.sequence is None, "status": BoxStatus.IN_STORE}
    if row.barcode != row.raw_barcode:
        after["barcode_as_given"] = row.raw_barcode
    return audit.Event(actor, "box.import", "box", row.barcode, None, after)


def default_rejected_path(path: str | Path) -> Path:
    """``<input stem>-rejected.xlsx`` beside the input."""
    path = Path(path)
    return path.with_name(f"{path.stem}-rejected.xlsx")


def _write_rejected(target: Path, source: Path, table: sheets.Table, columns: dict[str, str],
                    bad: list[_Row]) -> None:
    titles = _titles(source)
    keys = list(dict.fromkeys(table.headings))
    headings = [titles.get(k, k) for k in keys]
    reason = REASON
    while sheets.heading_key(reason) in keys:
        reason = f"{reason} (import)"
    label = {name: titles.get(key, name) for name, key in columns.items()}
    as_xlsx = target.suffix.lower() != ".csv"

    def shown(value: Any) -> Any:
        if as_xlsx and isinstance(value, str):  # keep the stray byte visible, as \x07
            return _NOT_IN_XLSX.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
        return value

    rows = []
    for row in bad:
        why = "; ".join(f"{label.get(e.field or '', e.field)}: {e.message}" if e.field else e.message
                        for e in row.errors)
        rows.append([shown(row.values.get(k)) for k in keys] + [why])
    sheets.write_table(target, [*headings, reason], rows, "Rejected rows")


def import_register(db: Database, actor: str, path: str | Path,
                    mapping: Mapping[str, str] | None = None, *, skip_invalid: bool = False,
                    rejected_path: str | Path | None = None,
                    progress: ProgressFn | None = None) -> RegisterResult:
    """Import a register of boxes from xlsx/csv; see the module notes for the rules.

    ``mapping`` is our field -> the file's heading, for files whose headings
    are not ours. All-or-nothing unless ``skip_invalid``: then the good rows
    are imported and the bad ones written to ``rejected_path`` (default
    ``<input stem>-rejected.xlsx`` beside the input). ``progress(done, total,
    message)`` may raise ``Cancelled``: nothing is kept.
    """
    path = Path(path)
    columns_map = _checked_mapping(mapping)
    target = Path(rejected_path) if rejected_path else default_rejected_path(path)
    if skip_invalid and target.resolve() == path.resolve():
        raise BadInput(f"{target.name}: the rejected rows cannot overwrite the register itself")
    report = Throttled(progress)
    report(0, 0, f"reading {path.name}")
    table = sheets.read_table(path)
    columns = _columns(table, columns_map)
    if not table.rows:
        raise BadInput(f"{table.source}: no boxes in the file")
    total = len(table.rows) * 3  # checking, writing boxes, writing the audit trail
    written: Path | None = None
    try:
        with db.write() as session:
            users.require(session, actor, DESK_WORK | RECORDS_WORK, "import a box register")
            checker = _Checker(session, table, columns)
            rows = [_Row(number, values) for number, values in table.rows]
            for done, row in enumerate(rows, start=1):
                checker.check(row)
                if done % 1000 == 0:
                    report(done, total, "checking rows")
            checker.places(rows)
            checker.duplicates(rows)
            checker.existing(rows)
            checker.capacity(rows, skip_invalid)
            for row in rows:
                row.errors.sort(key=lambda e: FIELDS.index(e.field) if e.field in FIELDS else len(FIELDS))
            bad = [row for row in rows if row.errors]
            errors = [e for row in bad for e in row.errors]
            if errors and not skip_invalid:
                raise ImportRejected(table.source, errors)
            good = [row for row in rows if not row.errors]
            done = len(rows)
            report(done, total, "writing boxes")
            now = audit.utcnow()
            for start in range(0, len(good), CHUNK):
                try:
                    session.execute(insert(Box), [_box_row(r, now) for r in good[start:start + CHUNK]])
                except IntegrityError:  # another desk or import got there between check and write
                    raise Conflict(f"{table.source}: a barcode of this register was added by someone "
                                   "else while it was being imported; nothing was imported, try "
                                   "again") from None
                done += min(CHUNK, len(good) - start)
                report(done, total, "writing boxes")
            sequences = [r.sequence for r in good if r.sequence is not None]
            if sequences:  # the desk must never allocate a code the register already uses
                session.execute(update(Counter).where(Counter.name == "box",
                                                      Counter.value < max(sequences))
                                .values(value=max(sequences)))
            cleaned = [{"row": r.number, "from": r.raw_barcode, "to": r.barcode}
                       for r in good if r.barcode != r.raw_barcode]
            done = len(rows) * 2
            report(done, total, "writing the audit trail")
            events = [_event(actor, table.source, r) for r in good]
            if good:
                events.append(audit.Event(actor, "register.import", "register",
                                          table.source[:MAX_BARCODE], None, {
                                              "file": table.source, "imported": len(good),
                                              "legacy": len(good) - len(sequences),
                                              "rejected_rows": len(bad), "cleaned": len(cleaned),
                                              "rejected_file": str(target) if bad else None}))
            for start in range(0, len(events), CHUNK):
                audit.record_many(session, events[start:start + CHUNK])
                report(min(total, done + start + CHUNK), total, "writing the audit trail")
            if bad:  # last, so a failure to write it still rolls the import back
                report(total - 1, total, f"writing the rejected rows to {target.name}")
                _write_rejected(target, path, table, columns, bad)
                written = target
            report(total, total, "saving")  # a cancel here still rolls everything back
    except BaseException:
        if written is not None:
            written.unlink(missing_ok=True)
        raise
    return RegisterResult(len(good), [e.as_dict() for e in errors], cleaned,
                          str(written) if written else None)
