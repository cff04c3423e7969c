"""Bad input, tried on purpose (issue 7, point 4): property-based and fuzz tests.

Every entry point that reads what people type, scan or send is fed input
made to break it: scanner noise and typos at the desk, spreadsheets of random
cells, random bytes, wrong encodings, huge fields and muddled headings for
the imports, random arguments for ``deposit add``, and damaged, truncated and
lying image and PDF files for the page readers. The one property shared by
all: each call ends in a result or a clear refusal (a ``PaperlessError`` that
names the file, row and field; a ``PageError`` or a "failed" page with a
reason), never an unexpected exception, a traceback or a hang.

Runs in well under a minute on two cores: example counts are modest, every
test has a deadline, and calls that could hang run under ``time_limit``.
Tests that share a database across examples suppress Hypothesis's
function-scoped-fixture health check on purpose: each of them compares the
database before and after every call, so what earlier examples left behind
is simply part of the input.
"""

from __future__ import annotations

import json
import re
import tempfile
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import func, select

from paperless_ig import cli
from paperless_ig.domain import barcodes
from paperless_ig.domain.dates import read_date
from paperless_ig.domain.errors import BadInput, ImportRejected, NotFound
from paperless_ig.domain.retention import Trigger
from paperless_ig.ocr import sources
from paperless_ig.ocr.worker import PageResult, PageTask, process
from paperless_ig.services import audit, boxes, deposits, locations, register, schedule, sheets, teams
from paperless_ig.store.models import AuditEvent, Box, Organisation, RetentionClass, Team
from tests import samples
from tests.conftest import ADMIN
from tests.fuzz_helpers import (
    ANY_CHAR,
    HUGE,
    SCANNER_NOISE,
    WEIRD_TEXT,
    cells,
    damaged,
    encode,
    jpeg_claiming,
    multi_page_tiff,
    page_image,
    pdf_with_page,
    png_claiming,
    retag_dimension,
    tally,
    tiff_claiming,
    time_limit,
    write_table,
)

SHARED_DB = [HealthCheck.function_scoped_fixture]  # see the module notes
FORMATS = st.sampled_from([".csv", ".xlsx"])


def one_line(message: str) -> bool:
    return bool(message.strip()) and "\n" not in message.strip()


def column_length(column) -> int | None:
    return getattr(column.type, "length", None)


def fits(model, values: dict) -> bool:
    """Every string fits its column (SQLite would not notice; PostgreSQL would fail)."""
    table = model.__table__
    return all(len(v) <= column_length(table.c[k]) for k, v in values.items()
               if isinstance(v, str) and column_length(table.c[k]))


# == barcodes ==================================================================

sequences = st.integers(1, 10**barcodes.SEQUENCE_DIGITS - 1)
our_codes = sequences.map(barcodes.make_barcode)
FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHJKMNPQRSTVWXY"}


@st.composite
def as_scanned(draw, code: str, change_case: bool = True) -> str:
    """``code`` as a keyboard-wedge scanner or a hurried typist might deliver it."""
    if change_case and draw(st.booleans()):
        code = code.lower()
    if draw(st.integers(0, 4)) == 0:
        code = code.translate(FULL_WIDTH)  # an East Asian input method left on
    chars = list(code)
    for _ in range(draw(st.integers(0, 4))):
        chars.insert(draw(st.integers(0, len(chars))), draw(SCANNER_NOISE))
    return "".join(chars)


@st.composite
def typo(draw, code: str) -> str:
    """One character replaced, or two neighbours swapped."""
    at = draw(st.integers(0, len(code) - 2))
    if draw(st.booleans()):
        return code[:at] + code[at + 1] + code[at] + code[at + 2:]
    return code[:at] + draw(st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")) + code[at + 1:]


@settings(max_examples=300, deadline=2000)
@given(st.text(st.characters() | SCANNER_NOISE | st.sampled_from(["\udcff", "\ud800"])))
@example("A\u00af")  # NFKC makes "A" + space + combining macron; the space goes, then they compose
def test_clean_scanned_keeps_no_space_or_control_character_and_is_stable(raw):
    """GIVEN any text WHEN it is cleaned THEN no whitespace, control or format character is
    left, and cleaning again changes nothing (a stored legacy code is found by its own text)."""
    cleaned = barcodes.clean_scanned(raw)
    assert not [ch for ch in cleaned if unicodedata.category(ch)[0] in "CZ"]
    assert barcodes.clean_scanned(cleaned) == cleaned


@settings(max_examples=300, deadline=2000)
@given(st.one_of(st.text(), our_codes.flatmap(as_scanned), our_codes.flatmap(typo), HUGE,
                 st.from_regex(r"[A-Za-z]{1,3}[0-9٠-٩０-９]{7}\w", fullmatch=True)))
def test_parse_of_anything_is_a_checked_code_or_bad_input(raw):
    """GIVEN any text WHEN parsed as a box barcode THEN it is a code whose check holds and
    that make_barcode would give for its sequence, or BadInput in one line."""
    try:
        parsed = barcodes.parse(raw)
    except BadInput as exc:
        assert one_line(str(exc))
        return
    assert barcodes.has_valid_check(parsed.code)
    assert barcodes.make_barcode(parsed.sequence) == parsed.code


@settings(max_examples=200, deadline=2000)
@given(sequences, st.data())
def test_scanner_noise_and_case_never_hide_a_valid_code(sequence, data):
    """GIVEN a valid code with scanner noise, lower case or full-width characters
    THEN it parses back to the same code."""
    code = barcodes.make_barcode(sequence)
    assert barcodes.parse(data.draw(as_scanned(code))).code == code


@settings(max_examples=300, deadline=2000)
@given(st.text(max_size=40), st.text(max_size=8))
def test_check_helpers_answer_any_text_without_surprises(body, prefix):
    """check_character gives a check that has_valid_check accepts, or refuses with BadInput;
    has_valid_check and looks_like_scheme answer every text with a bool."""
    assert isinstance(barcodes.has_valid_check(body), bool)
    assert isinstance(barcodes.looks_like_scheme(body, prefix), bool)
    try:
        check = barcodes.check_character(body)
    except BadInput:
        return
    assert barcodes.has_valid_check(body.upper() + check)


@settings(max_examples=100, deadline=2000)
@given(st.integers(-(10**12), 10**12), st.text(max_size=4))
def test_make_barcode_refuses_what_it_cannot_number(sequence, prefix):
    try:
        code = barcodes.make_barcode(sequence, prefix)
    except BadInput:
        return
    assert barcodes.has_valid_check(code) and 1 <= sequence < 10**barcodes.SEQUENCE_DIGITS


# -- the desk, on a real SQLite database ------------------------------------------


LEGACY = ["OLD-0001", "Ärchiv-7", "10234"]


@pytest.fixture
def desk(sqlite_db, tmp_path):
    """Two boxes of a deposit, three legacy boxes from a register, one shelf."""
    schedule.import_example(sqlite_db, ADMIN)
    teams.add_team(sqlite_db, ADMIN, teams.TeamSpec("NCC", "Resources", "FIN-AP", "Accounts Payable"))
    codes = deposits.log_deposit(sqlite_db, ADMIN, deposits.DepositRequest(
        "FIN-AP", "FIN-01-01", [deposits.BoxSpec("Invoices", date(2019, 6, 5))] * 2)).barcodes
    rows = [["barcode", "team_code", "class_code", "title", "trigger_date"]]
    rows += [[code, "FIN-AP", "FIN-01-01", "Old invoices", "2010-05-01"] for code in LEGACY]
    register.import_register(sqlite_db, ADMIN, write_table(tmp_path / "legacy.csv", rows))
    shelf = locations.add_location(sqlite_db, ADMIN, "M-001-1-01")
    return sqlite_db, {*codes, *LEGACY}, {shelf.code, shelf.barcode}


def known_text(kinds):
    return st.sampled_from(sorted(kinds))


@settings(max_examples=150, deadline=10000, suppress_health_check=SHARED_DB)
@given(st.data())
def test_a_desk_scan_of_anything_is_a_known_box_or_shelf_or_a_clear_refusal(desk, data):
    """GIVEN a database with boxes (ours and legacy) and a shelf
    WHEN anything at all is scanned, then shown
    THEN the answer is a box or shelf that exists, or BadInput / NotFound in one line."""
    db, box_codes, shelf_codes = desk
    ours = sorted(c for c in box_codes if c.startswith("BX")) + sorted(c for c in shelf_codes
                                                                     if c.startswith("SH"))
    raw = data.draw(st.one_of(
        st.text(ANY_CHAR), HUGE, WEIRD_TEXT,
        st.sampled_from(ours).flatmap(as_scanned), st.sampled_from(ours).flatmap(typo),
        known_text(box_codes | shelf_codes).flatmap(lambda c: as_scanned(c, change_case=False)),
    ))
    with time_limit(10):
        try:
            found = boxes.scan(db, raw)
        except (BadInput, NotFound) as exc:
            tally(f"desk: {exc.__class__.__name__}")
            assert one_line(str(exc))
        else:
            tally(f"desk: {found.kind}")
            assert found.code in (box_codes if found.kind == "box" else shelf_codes)
        try:
            shown = boxes.show(db, raw)
        except (BadInput, NotFound) as exc:
            assert one_line(str(exc))
        else:
            assert shown.barcode in box_codes


@settings(max_examples=60, deadline=10000, suppress_health_check=SHARED_DB)
@given(st.data())
def test_scanner_noise_never_hides_a_box_at_the_desk(desk, data):
    """GIVEN a known box WHEN its code arrives with scanner noise (and, for our own codes,
    in any case or full width) THEN the desk finds that very box."""
    db, box_codes, _ = desk
    code = data.draw(known_text(box_codes))
    raw = data.draw(as_scanned(code, change_case=code.startswith("BX")))
    assert boxes.scan(db, raw) == boxes.Scan("box", code)
    assert boxes.show(db, raw).barcode == code


# == imports: shared checks ======================================================


@st.composite
def noisy_rows(draw, plausible: dict, max_rows: int = 5) -> list[list]:
    """Rows that are mostly plausible, with a few cells swapped for anything at all."""
    rows = []
    for _ in range(draw(st.integers(0, max_rows))):
        row = {name: draw(strategy) for name, strategy in plausible.items()}
        if draw(st.sampled_from([False, False, False, True])):  # a quarter of the rows go wrong
            for name in draw(st.sets(st.sampled_from(sorted(plausible)), min_size=1, max_size=3)):
                row[name] = draw(cells())
        rows.append([row[name] for name in plausible])
    return rows


def mostly(good: st.SearchStrategy, *odd) -> st.SearchStrategy:
    """``good`` 19 times in 20, else one of the ``odd`` values (edges that should be refused)."""
    if not odd:
        return good
    return st.sampled_from([False] * 19 + [True]).flatmap(lambda edge: st.sampled_from(odd) if edge else good)


def assert_names_rows_and_fields(exc: ImportRejected, source: str, rows: int, fields) -> None:
    """A rejection names the file and, for every problem, a data row of it and a known field."""
    assert exc.source == source and str(exc).startswith(source)
    assert exc.errors
    for error in exc.errors:
        assert 2 <= error.row <= rows + 1, error
        assert error.field in fields, error
        assert error.message and f"row {error.row}" in str(error)


@st.composite
def muddled(draw, count: int) -> list[int]:
    """Column indexes ``0..count-1`` shuffled, perhaps with one or two dropped or doubled."""
    columns = draw(st.permutations(range(count)))
    dropped = draw(st.sets(st.sampled_from(columns), max_size=2)) if draw(st.booleans()) else set()
    columns = [c for c in columns if c not in dropped] or [columns[0]]
    for extra in draw(st.lists(st.sampled_from(columns), max_size=2)):
        columns.insert(draw(st.integers(0, len(columns))), extra)
    return columns


# -- retention schedule -----------------------------------------------------------

SCHEDULE_CELLS = {
    "code": mostly(st.uuids().map(lambda u: f"C-{u.hex[:8].upper()}"),
                   "A", "a.b_c-d", "X" * 40, "X" * 41, "-bad", "with space", "ÄÖ", "FIN-01-01"),
    "function": mostly(st.sampled_from(["Finance", "HR", "F" * 200]), "F" * 201),
    "activity": st.sampled_from(["Payments", "Staff", " padded "]),
    "transaction": mostly(st.sampled_from(["Paid invoices", "Personnel files", "T" * 400]), "T" * 401),
    "trigger": mostly(st.sampled_from([*(t.value for t in Trigger), "Closure ", "LAST_ACTION"]), "payday"),
    "period": mostly(st.sampled_from(["6 years", "18 months", "1 yr", "6  YEARS", "12 mo", "permanent"]),
                     "0 years", "999 years", "six years"),
    "action": mostly(st.sampled_from(["review", "transfer_to_archives", "Destroy", "destroy_confidential"]),
                     "shred"),
    "authority": mostly(st.sampled_from(["Limitation Act 1980", "", None]), "A" * 401),
}


def schedule_state(db) -> tuple:
    with db.read() as session:
        classes = session.execute(select(func.count(RetentionClass.id))).scalar_one()
        events = session.execute(select(func.count(AuditEvent.id))).scalar_one()
    return schedule.list_classes(db), classes, events


def check_schedule_import(db, path: Path, data_rows: int) -> None:
    before = schedule_state(db)
    with time_limit(20):
        try:
            counts = schedule.import_schedule(db, ADMIN, path)
        except ImportRejected as exc:
            tally("schedule: rows rejected")
            assert_names_rows_and_fields(exc, path.name, data_rows, schedule.COLUMNS)
            assert schedule_state(db) == before
            return
        except BadInput as exc:
            tally("schedule: file refused")
            assert path.name in str(exc)
            assert schedule_state(db) == before
            return
    tally("schedule: imported")
    assert sum(counts[k] for k in ("created", "updated", "unchanged")) >= 1
    with db.read() as session:
        for row in session.execute(select(RetentionClass)).scalars():
            assert fits(RetentionClass, {c.key: getattr(row, c.key) for c in RetentionClass.__table__.c}), \
                f"class {row.code[:50]!r} holds a value longer than its column"
    assert audit.verify(db).ok


@settings(max_examples=40, deadline=10000, suppress_health_check=SHARED_DB)
@given(rows=noisy_rows(SCHEDULE_CELLS), suffix=FORMATS)
def test_a_schedule_of_random_cells_imports_whole_or_names_every_bad_row(sqlite_db, tmp_path, rows,
                                                                        suffix):
    """GIVEN a schedule file of mostly plausible rows with some cells replaced by anything
    (numbers, dates, formulas, control characters, huge text)
    WHEN it is imported
    THEN either every class goes in, each value fitting its column, or ImportRejected names
    every bad row and field and the database is unchanged."""
    path = write_table(tmp_path / f"schedule{suffix}", [list(schedule.COLUMNS), *rows])
    check_schedule_import(sqlite_db, path, len(rows))


@settings(max_examples=40, deadline=10000, suppress_health_check=SHARED_DB)
@given(st.data())
def test_schedule_headings_missing_duplicated_or_oddly_written(sqlite_db, tmp_path, data):
    """GIVEN a good schedule whose headings are reordered, re-cased, spaced, dropped or doubled
    THEN it imports by heading name, or the refusal names the missing or doubled column."""
    headings = list(schedule.COLUMNS)
    good = ["FIN-9", "Finance", "Payments", "Paid invoices", "closure", "6 years", "destroy", ""]
    columns = data.draw(muddled(len(headings)))
    written = [data.draw(st.sampled_from([headings[i], headings[i].upper(),
                                          headings[i].replace("_", " "), f"  {headings[i]}  "]))
               for i in columns]
    path = write_table(tmp_path / f"schedule{data.draw(FORMATS)}",
                       [written, [good[i] for i in columns]])
    missing = [h for h in headings[:-1] if headings.index(h) not in columns]
    doubled = [h for h in headings if columns.count(headings.index(h)) > 1]
    tally(f"headings: {'missing' if missing else 'doubled' if doubled else 'all there'}")
    before = schedule_state(sqlite_db)
    try:
        schedule.read_schedule(path)
    except BadInput as exc:
        assert (missing or doubled) and not isinstance(exc, ImportRejected), exc
        assert all(h in str(exc) for h in missing or doubled), exc
    else:
        assert not missing and not doubled
    check_schedule_import(sqlite_db, path, 1)
    if missing or doubled:
        assert schedule_state(sqlite_db) == before


@settings(max_examples=40, deadline=10000, suppress_health_check=SHARED_DB)
@given(data=st.one_of(
    st.binary(max_size=2000),
    st.sampled_from([b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"%PDF-1.4",
                     b"code,function\n"]).flatmap(lambda m: st.binary(max_size=500).map(m.__add__)),
), suffix=st.sampled_from([".csv", ".xlsx", ".xlsm", ".CSV"]))
def test_a_schedule_of_random_bytes_is_refused_and_changes_nothing(sqlite_db, tmp_path, data, suffix):
    path = tmp_path / f"noise{suffix}"
    path.write_bytes(data)
    check_schedule_import(sqlite_db, path, data.count(b"\n") + data.count(b"\r") + 1)


ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le", "utf-32", "shift_jis",
             "mac_roman", "cp437", "koi8-r"]


@settings(max_examples=40, deadline=10000, suppress_health_check=SHARED_DB)
@given(encoding=st.sampled_from(ENCODINGS),
       words=st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF, exclude_characters=",\"")
                     .filter(lambda c: unicodedata.category(c)[0] not in "CZ"), min_size=1, max_size=20))
def test_a_schedule_in_any_encoding_is_read_as_written_or_refused(sqlite_db, tmp_path, encoding, words):
    """GIVEN a schedule CSV saved in some encoding WHEN it is imported THEN UTF-8 and Windows
    text come back exactly as written, and anything else is read or refused, never a crash."""
    rows = [list(schedule.COLUMNS), ["ENC-1", words, "Activity", "Transaction", "closure", "6 years",
                                     "review", ""]]
    path = tmp_path / "encoded.csv"
    try:
        encoded = "\r\n".join(",".join(r) for r in rows).encode(encoding)
    except UnicodeEncodeError:
        return  # the encoding cannot hold these words: nothing to read
    path.write_bytes(encoded)
    try:
        encoded.decode("utf-8")
        looks_utf8 = True
    except UnicodeDecodeError:
        looks_utf8 = False
    if encoding.startswith("utf-8") or (encoding == "cp1252" and not looks_utf8):
        assert schedule.read_schedule(path)[0].function == words
    check_schedule_import(sqlite_db, path, 1)


@settings(max_examples=15, deadline=10000, suppress_health_check=SHARED_DB)
@given(field=st.sampled_from(schedule.COLUMNS), size=st.sampled_from([401, 10_000, 131_072, 200_000]),
       suffix=FORMATS)
def test_a_schedule_with_a_huge_field_is_refused_by_row_and_field(sqlite_db, tmp_path, field, size,
                                                                  suffix):
    """GIVEN an otherwise good row with one field far longer than anything sensible
    THEN the refusal names row 2 and that field (or says the CSV cannot be read), and nothing
    changes."""
    good = dict(zip(schedule.COLUMNS, ["FIN-9", "Finance", "Payments", "Paid invoices", "closure",
                                       "6 years", "destroy", ""], strict=True))
    good[field] = "x" * size
    path = write_table(tmp_path / f"huge{suffix}", [list(schedule.COLUMNS), list(good.values())])
    before = schedule_state(sqlite_db)
    with pytest.raises(BadInput) as raised:
        schedule.import_schedule(sqlite_db, ADMIN, path)
    if isinstance(raised.value, ImportRejected):
        assert {(e.row, e.field) for e in raised.value.errors} == {(2, field)}
    else:
        assert suffix == ".csv" and "field larger than field limit" in str(raised.value)
    assert schedule_state(sqlite_db) == before


def test_a_worksheet_with_one_cell_far_out_is_read_without_exhausting_memory(tmp_path):
    """GIVEN a workbook with a stray value in column XFD, far down the sheet
    THEN it is read in moments, the stray row named (read-only openpyxl pads every row to the
    sheet's claimed width: 16,384 cells times 200,000 rows ran out of memory)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(schedule.COLUMNS))
    sheet.append(["FIN-9", "Finance", "Payments", "Paid invoices", "closure", "6 years", "destroy"])
    sheet["XFD200000"] = "stray"
    workbook.save(tmp_path / "far.xlsx")
    with time_limit(20):
        with pytest.raises(ImportRejected) as raised:
            schedule.read_schedule(tmp_path / "far.xlsx")
        assert {e.row for e in raised.value.errors} == {200000}
        preview = register.preview(tmp_path / "far.xlsx", limit=2)
    assert preview.headings == list(schedule.COLUMNS)


@settings(max_examples=25, deadline=10000)
@given(rows=st.integers(1, 30), claimed=st.sampled_from(["A1", "A1:B2", "A1:H3", "B2:C3", "A1:XFD1048576",
                                                         "A1:A1048576", "Z99:A1"]))
def test_an_xlsx_whose_size_tag_lies_is_read_whole(rows, claimed):
    """GIVEN a workbook whose sheet claims a size (``<dimension>``) other than its real one, as
    some exporters write THEN every row is read: none silently dropped, none padded to bursting."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_table(Path(folder) / "schedule.xlsx", [list(schedule.COLUMNS), *[
            [f"C-{i}", "F", "A", "T", "closure", "6 years", "destroy", ""] for i in range(rows)]])
        retag_dimension(path, claimed)
        with time_limit(20):
            assert [c.code for c in schedule.read_schedule(path)] == [f"C-{i}" for i in range(rows)]
            assert len(register.preview(path, limit=rows).rows) == rows


XLSX_PARTS = ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml",
              "[Content_Types].xml", "xl/_rels/workbook.xml.rels"]


@settings(max_examples=40, deadline=10000, suppress_health_check=SHARED_DB)
@given(part=st.sampled_from(XLSX_PARTS), data=st.data())
def test_an_xlsx_damaged_inside_a_sound_zip_is_refused_and_changes_nothing(register_db, tmp_path, part,
                                                                           data):
    """GIVEN a good register workbook whose zip is sound but one XML part inside is damaged
    (cut short, bytes flipped, junk spliced in) THEN reading it, previewing it and importing it
    give a result or a refusal naming the file, never the XML parser's own exception."""
    path = write_table(tmp_path / "register.xlsx", [
        list(register.FIELDS), ["OLD-1", "FIN-AP", "FIN-01-01", "Invoices", None, None, "2019-06-05"]])
    with zipfile.ZipFile(path) as original:
        parts = {name: original.read(name) for name in original.namelist()}
    if part not in parts:
        return
    parts[part] = data.draw(damaged(parts[part]))
    with zipfile.ZipFile(path, "w") as rewritten:
        for name, body in parts.items():
            rewritten.writestr(name, body)
    before = register_state(register_db)
    with time_limit(20):
        for attempt in (sheets.read_table, register.preview, schedule.read_schedule,
                        lambda p: register.import_register(register_db, ADMIN, p)):
            try:
                attempt(path)
            except BadInput as exc:
                tally(f"damaged xlsx: {exc.__class__.__name__}")
                assert path.name in str(exc)
    boxes_now, _ = register_state(register_db)
    assert boxes_now in (before[0], before[0] + 1)


@pytest.mark.parametrize("reader", [sheets.read_table, schedule.read_schedule, register.preview])
@pytest.mark.parametrize("name", ["folder.csv", "folder.xlsx"])
def test_a_folder_named_like_a_table_is_refused(reader, name, tmp_path):
    (tmp_path / name).mkdir()
    with pytest.raises(BadInput, match="not a file"):
        reader(tmp_path / name)


# -- teams ------------------------------------------------------------------------

TEAM_CELLS = {
    "organisation": mostly(st.sampled_from(["NCC", "Children's Services Co", "O" * 200, "ncc"]), "O" * 201),
    "directorate": mostly(st.sampled_from(["Resources", "People"]), "D" * 201),
    "team_code": mostly(st.uuids().map(lambda u: f"T-{u.hex[:8].upper()}"),
                        "FIN-AP", "fin-ap", "X" * 40, "X" * 41, "bad code", "-x"),
    "team_name": mostly(st.sampled_from(["Accounts Payable", "HR Advisory"]), "N" * 201),
    "iao": mostly(st.sampled_from(["H Adams", "", None]), "I" * 201),
}


def teams_state(db) -> tuple:
    with db.read() as session:
        organisations = session.execute(select(func.count(Organisation.id))).scalar_one()
        events = session.execute(select(func.count(AuditEvent.id))).scalar_one()
    return teams.list_teams(db), organisations, events


@settings(max_examples=40, deadline=10000, suppress_health_check=SHARED_DB)
@given(rows=noisy_rows(TEAM_CELLS), suffix=FORMATS,
       extra=st.sampled_from([[], ["iao_login"], ["team_code"], ["notes"]]))
def test_a_teams_file_of_random_cells_imports_whole_or_names_every_bad_row(sqlite_db, tmp_path, rows,
                                                                          suffix, extra):
    """GIVEN a teams file of mostly plausible rows, some cells anything, maybe an extra or a
    doubled column THEN every team goes in with values that fit, or the refusal names every
    bad row and field (or the doubled column) and nothing changes."""
    filler = [["alice", "x"][i % 2] for i in range(len(extra))]
    table = [[*teams.COLUMNS, *extra], *[[*r, *filler] for r in rows]]
    path = write_table(tmp_path / f"teams{suffix}", table)
    before = teams_state(sqlite_db)
    with time_limit(20):
        try:
            counts = teams.import_teams(sqlite_db, ADMIN, path)
        except ImportRejected as exc:
            tally("teams: rows rejected")
            assert_names_rows_and_fields(exc, path.name, len(rows), (*teams.COLUMNS, "iao_login"))
            assert teams_state(sqlite_db) == before
            return
        except BadInput as exc:
            tally("teams: file refused")
            assert path.name in str(exc)
            assert teams_state(sqlite_db) == before
            return
    tally("teams: imported")
    assert extra != ["team_code"], "a doubled team_code column was imported from one of the two"
    assert sum(counts.values()) == len(rows)
    with sqlite_db.read() as session:
        for team in session.execute(select(Team)).scalars():
            values = {c.key: getattr(team, c.key) for c in Team.__table__.c}
            assert fits(Team, values), f"team {team.code[:50]!r} holds a value longer than its column"
        for org in session.execute(select(Organisation)).scalars():
            assert fits(Organisation, {"name": org.name, "short_name": org.short_name})


# -- box register -----------------------------------------------------------------

REGISTER_CELLS = {
    "barcode": st.one_of(st.integers(1, 10**6).map("OLD-{}".format), sequences.map(barcodes.make_barcode),
                         our_codes.flatmap(typo), st.integers(1, 10**9),
                         our_codes.flatmap(as_scanned), st.just("SH0000001" + "0")),
    "team_code": st.sampled_from(["FIN-AP", "fin-ap", "HR-ADV", "NOPE"]),
    "class_code": st.sampled_from(["FIN-01-01", "HR-01-01", "GOV-01-01", "IG-02-01", "LIB-02-01",
                                   "nope"]),
    "title": st.sampled_from(["Paid invoices", "Leavers 2018", "T" * 400, "T" * 401]),
    "date_from": st.one_of(st.none(), st.dates(date(1900, 1, 1), date(2030, 1, 1))),
    "date_to": st.one_of(st.none(), st.dates(date(1900, 1, 1), date(2030, 1, 1)).map(date.isoformat)),
    "trigger_date": st.one_of(st.none(), st.dates(date(1900, 1, 1), date(2030, 1, 1)),
                              st.sampled_from(["31/01/2020", "2020-02-30", "2020-1-5", "9999-06-01",
                                               "0001-01-01", "today"])),
    "location": st.sampled_from([None, "M-001-1-01", "m-001-1-02", "NOWHERE"]),
    "received": st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2100, 1, 1))),
}


@pytest.fixture
def register_db(sqlite_db):
    schedule.import_example(sqlite_db, ADMIN)
    teams.add_team(sqlite_db, ADMIN, teams.TeamSpec("NCC", "Resources", "FIN-AP", "Accounts Payable"))
    teams.add_team(sqlite_db, ADMIN, teams.TeamSpec("NCC", "People", "HR-ADV", "HR Advisory"))
    locations.add_location(sqlite_db, ADMIN, "M-001-1-01", capacity=2)
    locations.add_location(sqlite_db, ADMIN, "M-001-1-02", capacity=6)
    return sqlite_db


def register_state(db) -> tuple[int, int]:
    with db.read() as session:
        return (session.execute(select(func.count(Box.id))).scalar_one(),
                session.execute(select(func.count(AuditEvent.id))).scalar_one())


@settings(max_examples=50, deadline=15000, suppress_health_check=SHARED_DB)
@given(rows=noisy_rows(REGISTER_CELLS, max_rows=6), suffix=FORMATS, skip_invalid=st.booleans())
def test_a_register_of_random_cells_imports_whole_or_names_every_bad_row(register_db, tmp_path, rows,
                                                                        suffix, skip_invalid):
    """GIVEN a register of mostly plausible rows, some cells anything at all
    WHEN it is imported all-or-nothing THEN every box goes in, or ImportRejected names every
    bad row and field and nothing is written;
    WHEN it is imported skipping bad rows THEN good rows go in and every bad one is in the
    rejected-rows workbook, which reads back."""
    path = write_table(tmp_path / f"register{suffix}", [list(register.FIELDS), *rows])
    rejected_path = tmp_path / "rejected.xlsx"
    rejected_path.unlink(missing_ok=True)
    before = register_state(register_db)
    with time_limit(30):
        try:
            result = register.import_register(register_db, ADMIN, path, skip_invalid=skip_invalid,
                                               rejected_path=rejected_path)
        except ImportRejected as exc:
            tally("register: rows rejected")
            assert not skip_invalid
            assert_names_rows_and_fields(exc, path.name, len(rows), register.FIELDS)
            assert register_state(register_db) == before
            return
        except BadInput as exc:
            tally("register: file refused")
            assert path.name in str(exc) and one_line(str(exc))
            assert register_state(register_db) == before
            return
    tally(f"register: imported {'some' if result.rejected else 'all'}")
    boxes_now, _ = register_state(register_db)
    assert boxes_now == before[0] + result.imported
    data_rows = len(sheets.read_table(path).rows)
    assert result.imported + result.rejected_rows == data_rows
    assert result.imported > 0 or result.rejected_rows == data_rows
    for problem in result.rejected:
        assert 2 <= problem["row"] <= len(rows) + 1 and problem["field"] in register.FIELDS
    if result.rejected:
        assert result.rejected_file == str(rejected_path)
        assert len(sheets.read_table(rejected_path).rows) == result.rejected_rows
    else:
        assert result.rejected_file is None and not rejected_path.exists()
    with register_db.read() as session:
        for box in session.execute(select(Box)).scalars():
            assert fits(Box, {"barcode": box.barcode, "title": box.title})


@settings(max_examples=40, deadline=10000, suppress_health_check=SHARED_DB)
@given(data=st.one_of(st.binary(max_size=2000),
                      st.sampled_from([b"PK\x03\x04", b"\xff\xfe", b"barcode,team_code\n"])
                      .flatmap(lambda m: st.binary(max_size=500).map(m.__add__))),
       suffix=st.sampled_from([".csv", ".xlsx"]))
def test_a_register_of_random_bytes_is_refused_and_changes_nothing(register_db, tmp_path, data, suffix):
    path = tmp_path / f"noise{suffix}"
    path.write_bytes(data)
    before = register_state(register_db)
    with time_limit(20):
        with pytest.raises(BadInput) as raised:
            register.import_register(register_db, ADMIN, path)
        assert path.name in str(raised.value)
        try:
            register.preview(path)
        except BadInput as exc:
            assert path.name in str(exc)
    assert register_state(register_db) == before


@settings(max_examples=40, deadline=10000, suppress_health_check=SHARED_DB)
@given(st.data())
def test_register_headings_and_mappings_muddled_are_refused_by_name(register_db, tmp_path, data):
    """GIVEN a one-row register whose headings are dropped, doubled or renamed, with a mapping
    that may or may not name them THEN it imports, or the refusal names the column."""
    fields = list(register.FIELDS)
    good = [f"OLD-{data.draw(st.integers(1, 10**9))}", "FIN-AP", "FIN-01-01", "Invoices",
            None, None, "2019-06-05", None, None]
    columns = data.draw(muddled(len(fields)))
    renamed = {i: data.draw(st.sampled_from([fields[i], fields[i].upper(), f"Col {i}", "Box No"]))
               for i in set(columns)}
    path = write_table(tmp_path / f"register{data.draw(FORMATS)}",
                       [[renamed[i] for i in columns], [good[i] for i in columns]])
    mapping = data.draw(st.dictionaries(st.sampled_from(fields), st.sampled_from(
        [*renamed.values(), "Absent", "Box No"]), max_size=4))
    before = register_state(register_db)
    with time_limit(20):
        try:
            register.import_register(register_db, ADMIN, path, mapping)
        except BadInput as exc:
            assert path.name in str(exc) and one_line(str(exc))
            assert register_state(register_db) == before
        try:
            shown = register.preview(path, mapping)
        except BadInput as exc:
            assert path.name in str(exc)
        else:
            assert set(shown.mapping) <= set(fields)


@settings(max_examples=300, deadline=2000)
@given(cells())
@example(date(9999, 12, 31))
@example("29/02/2023")
@example("٢٠٢٠-٠١-٠١")
def test_read_date_of_any_cell_is_a_date_nothing_or_bad_input(value):
    try:
        read = read_date(value)
    except BadInput as exc:
        assert one_line(str(exc))
        return
    assert read is None or type(read) is date


@settings(max_examples=300, deadline=2000)
@given(st.one_of(
    st.text(),
    st.dictionaries(st.one_of(st.sampled_from(register.FIELDS), st.text(max_size=12)),
                    st.one_of(st.text(max_size=12), st.integers(), st.none())).map(json.dumps),
    st.lists(st.tuples(st.sampled_from([*register.FIELDS, "Barcode", "BARCODE", "nope", ""]),
                       st.text(max_size=8)), max_size=5)
    .map(lambda pairs: ",".join(f"{k}={v}" for k, v in pairs)),
))
@example("x" * 5000)  # too long to be a file name, with no "=" in it
@example("~no-such-user-here/mapping.json")
@example("barcode=Box No,BARCODE=Other")
@example('{"barcode": "Box No", "Barcode": "Other"}')
def test_parse_mapping_of_any_text_is_a_mapping_or_bad_input(text):
    """GIVEN any --map text WHEN parsed THEN it maps known fields to headings, each field once,
    or says in one line what is wrong."""
    try:
        mapping = register.parse_mapping(text)
    except BadInput as exc:
        assert one_line(str(exc))
        return
    assert set(mapping) <= set(register.FIELDS)
    assert all(isinstance(v, str) and v.strip() == v and v for v in mapping.values())
    if not text.lstrip().startswith("{"):
        named = [sheets.heading_key(item.partition("=")[0]) for item in text.split(",") if item.strip()]
        assert len(named) == len(set(named)) == len(mapping), "a field mapped twice lost a heading"


def test_a_register_with_a_column_headed_twice_is_refused_by_name(register_db, tmp_path):
    """GIVEN a register with two "Barcode" columns THEN it is refused by name, not read from
    whichever column came last."""
    path = write_table(tmp_path / "twice.xlsx", [
        ["barcode", "team_code", "class_code", "title", "trigger_date", "Barcode"],
        ["OLD-1", "FIN-AP", "FIN-01-01", "Invoices", "2019-06-05", "OLD-2"]])
    with pytest.raises(BadInput, match="barcode appear more than once"):
        register.import_register(register_db, ADMIN, path)
    assert register_state(register_db) == (0, register_state(register_db)[1])


def test_a_register_date_too_late_for_its_clock_is_refused_by_row(register_db, tmp_path):
    """GIVEN a register row whose trigger date is in 9999, for a class that waits for the end of
    the financial year THEN the row is refused by name, not a crash (year 10000)."""
    path = write_table(tmp_path / "late.csv", [
        list(register.FIELDS), ["OLD-1", "FIN-AP", "FIN-01-01", "Invoices", None, None, "9999-06-01"]])
    with pytest.raises(ImportRejected) as raised:
        register.import_register(register_db, ADMIN, path)
    assert {(e.row, e.field) for e in raised.value.errors} == {(2, "trigger_date")}


# == deposit add, on the command line ============================================


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse's own --help
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


# Not past 9999-03-31: the end of that financial year is the last date there is (tested on its own below).
DATES = st.one_of(st.dates(max_value=date(9999, 3, 31)).map(date.isoformat),
                  st.sampled_from(["2020-02-30", "31/01/2020", "", "today", "2020-1-1", "2020-01-01T00:00"]))
DEPOSIT_OPTIONS = {
    "--team": st.sampled_from(["FIN-AP", "fin-ap", "NOPE", ""]),
    "--class": st.sampled_from(["FIN-01-01", "HR-01-01", "GOV-01-01", "IG-02-01", "nope"]),
    "--boxes": st.one_of(st.integers(-2, 3).map(str),
                         st.sampled_from(["500", "501", "1000000", "x", "1.5", "٣", "", "0x10"])),
    "--title": st.one_of(st.sampled_from(["Invoices", "", "   ", "John Smith's file", "T" * 401]),
                         st.text(ANY_CHAR, max_size=20)),
    "--trigger-date": DATES, "--from": DATES, "--to": DATES, "--received": DATES,
    "--by": st.text(ANY_CHAR, max_size=10),
}


GOOD_DEPOSIT = {"--team": "FIN-AP", "--class": "FIN-01-01", "--boxes": "2", "--title": "Invoices",
                "--trigger-date": "2019-06-05"}


@st.composite
def deposit_argv(draw) -> list[str]:
    """A good command with some options dropped, changed or added, and a little junk."""
    chosen = {o: v for o, v in GOOD_DEPOSIT.items() if draw(st.integers(0, 7))}
    for option in draw(st.lists(st.sampled_from(sorted(DEPOSIT_OPTIONS)), max_size=4)):
        chosen[option] = draw(DEPOSIT_OPTIONS[option])
    argv = []
    for option, value in chosen.items():
        argv += [option, value] if draw(st.integers(0, 19)) else [option]
    # No newline in a stray word: argparse echoes it unescaped (tested on its own below).
    junk = draw(st.lists(st.one_of(st.text(ANY_CHAR.filter(lambda c: c != "\n"), max_size=8), st.sampled_from(
        ["--", "-", "--json", "--nope", "--boxes=2", "--team=FIN-AP", "-x"])), max_size=2)
        if draw(st.integers(0, 3)) == 0 else st.just([]))
    for token in junk:
        argv.insert(draw(st.integers(0, len(argv))), token)
    return argv


@pytest.fixture
def deposit_db(sqlite_db):
    schedule.import_example(sqlite_db, ADMIN)
    teams.add_team(sqlite_db, ADMIN, teams.TeamSpec("NCC", "Resources", "FIN-AP", "Accounts Payable"))
    return sqlite_db


@settings(max_examples=80, deadline=10000, suppress_health_check=SHARED_DB)
@given(args=deposit_argv())
@example(args=["--team", "FIN-AP", "--class", "FIN-01-01", "--boxes", "2", "--title", "Invoices",
               "--trigger-date", "2019-06-05"])
def test_deposit_add_with_random_arguments_exits_cleanly(deposit_db, capsys, args):
    """GIVEN any arguments after ``deposit add`` THEN the command logs the deposit (exit 0, JSON
    with one barcode a box) or refuses in one line (exit 2); never a traceback, never exit 1
    for input a person typed."""
    argv = ["--db", deposit_db.url, "--user", ADMIN, "--json", "deposit", "add", *args]
    with time_limit(30):
        code, out, err = run_cli(argv, capsys)
    assert "Traceback" not in err
    tally(f"deposit add: exit {code}")
    if code == 0 and out.lstrip().startswith("usage:"):
        return  # an abbreviation of --help
    assert code in (0, 2), err
    if code == 0:
        result = json.loads(out)
        assert result["barcodes"] and all(barcodes.has_valid_check(c) for c in result["barcodes"])
        assert all(line.startswith("warning: ") for line in err.splitlines())
    else:
        assert one_line(err) and err.startswith("paperless-ig"), err


DEPOSIT = ["--team", "FIN-AP", "--class", "FIN-01-01", "--title", "Invoices"]


@pytest.mark.parametrize("extra", [
    pytest.param(["--boxes", str(10**30), "--trigger-date", "2019-06-05"], id="boxes-beyond-an-index"),
    pytest.param(["--boxes", "1", "--trigger-date", "9999-06-01"], id="trigger-in-year-9999"),
    pytest.param(["--boxes", "1", "--trigger-date", "2019-06-05", "--by", "caf\udce9"],
                 id="latin-1-byte-in-argv"),
    pytest.param(["--boxes", "1", "--trigger-date", "2019-06-05", "two\nlines"], id="newline-in-stray-word"),
])
def test_deposit_add_known_bad_input_is_refused_in_one_line(deposit_db, capsys, extra):
    """Bad input the property above steers around, each for a reason given on its mark."""
    code, _, err = run_cli(["--db", deposit_db.url, "--user", ADMIN, "deposit", "add", *DEPOSIT, *extra],
                           capsys)
    assert "Traceback" not in err
    assert code == 2 and one_line(err), err


# == page readers ===================================================================

MAGIC = {".png": b"\x89PNG\r\n\x1a\n", ".tif": b"II*\x00", ".tiff": b"MM\x00*", ".jpg": b"\xff\xd8\xff",
         ".jpeg": b"\xff\xd8\xff", ".pdf": b"%PDF-"}
PAGE_STATUSES = ("done", "blank", "cover", "failed")
# What process() writes when a bug, not the page, stopped it: "IndexError: ... (IndexError: ...)".
BUG_REASON = re.compile(r"^[A-Za-z_.]*(Error|Exception|Warning|Interrupt)\b.*:")


def clear_reason(reason: str | None) -> bool:
    return bool(reason) and one_line(reason) and not BUG_REASON.match(reason)


def read_every_page(paths: list[Path], ocr: bool = True, limit: int = 2) -> list[PageResult]:
    """list_pages, load and process, checking each answer; the results of process."""
    pages, failed = sources.list_pages(paths)
    assert {Path(f.file) for f in failed} | {Path(p.file) for p in pages} >= {p.resolve() for p in paths}
    for failure in failed:
        tally("pages: file refused")
        assert clear_reason(failure.reason), failure
    results = []
    for ref in pages[:limit]:
        try:
            image = sources.load(ref)
        except sources.PageError as exc:
            assert clear_reason(str(exc)), exc
        else:
            assert image.width >= 1 and image.height >= 1
            assert image.width * image.height <= sources.MAX_PIXELS
            image.close()
        if ocr:
            with tempfile.TemporaryDirectory() as out:
                result = process(PageTask(1, ref, str(Path(out) / "page.pdf")))
            assert result.status in PAGE_STATUSES
            tally(f"pages: page {result.status}")
            if result.status == "failed":
                assert clear_reason(result.error), result.error
            results.append(result)
    return results


def with_file(data: bytes, suffix: str, ocr: bool = True) -> list[PageResult]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"scan{suffix}"
        path.write_bytes(data)
        with time_limit(60):
            return read_every_page([path], ocr)


@settings(max_examples=60, deadline=30000)
@given(suffix=st.sampled_from(sorted(MAGIC)), data=st.data())
def test_random_bytes_under_a_scan_name_are_refused_page_by_page(suffix, data):
    """GIVEN random bytes (bare, or behind the right magic number) named as a scan
    THEN list_pages reports the file with a reason, or load and process refuse each page with
    one, never an exception."""
    body = data.draw(st.binary(max_size=1500))
    if data.draw(st.booleans()):
        body = MAGIC[suffix] + body
    with_file(body, suffix)


def _originals() -> dict[str, tuple[bytes, str, int]]:
    """Small real scans in every format we read: (bytes, suffix, magic bytes to keep)."""
    page = page_image()
    return {
        "png": (encode(page, "PNG"), ".png", 8),
        "png-palette": (encode(page.convert("P"), "PNG"), ".png", 8),
        "png-16bit": (encode(page.convert("I;16"), "PNG"), ".png", 8),
        "tiff-multi": (multi_page_tiff(2), ".tif", 4),
        "tiff-group4": (encode(page.convert("1"), "TIFF", compression="group4"), ".tif", 4),
        "tiff-lzw-rgb": (encode(page.convert("RGB"), "TIFF", compression="tiff_lzw"), ".tiff", 4),
        "jpeg": (encode(page, "JPEG"), ".jpg", 2),
        "jpeg-progressive-cmyk": (encode(page.convert("CMYK"), "JPEG", progressive=True), ".jpeg", 2),
        "pdf": (pdf_with_page(72, 72), ".pdf", 5),
    }


ORIGINALS = _originals()


@settings(max_examples=70, deadline=30000)
@given(name=st.sampled_from(sorted(ORIGINALS)), data=st.data())
def test_damaged_copies_of_real_scans_are_read_or_refused_page_by_page(name, data):
    """GIVEN a real scan (PNG, palette and 16-bit PNG, multi-page, Group 4 and LZW TIFF, JPEG,
    progressive CMYK JPEG, PDF) cut short, with bytes flipped, spliced or zeroed
    THEN every page is read, or refused with a reason a person understands."""
    original, suffix, keep = ORIGINALS[name]
    with_file(data.draw(damaged(original, keep)), suffix)


@pytest.mark.parametrize("name", sorted(ORIGINALS))
def test_the_undamaged_originals_are_read(name):
    """The fuzz above starts from files the readers accept, or it would prove little."""
    original, suffix, _ = ORIGINALS[name]
    results = with_file(original, suffix)
    assert results and all(r.status in ("done", "blank") for r in results), results


@settings(max_examples=40, deadline=30000)
@given(kind=st.sampled_from(["png", "tiff", "jpeg"]), width=st.integers(1, 2**31 - 1),
       height=st.integers(1, 2**31 - 1))
@example(kind="png", width=100_000, height=100_000)
@example(kind="tiff", width=2**31 - 1, height=2**31 - 1)
@example(kind="jpeg", width=65535, height=65535)
@example(kind="png", width=3, height=1)
def test_images_that_claim_huge_or_tiny_dimensions_are_refused_quickly(kind, width, height):
    """GIVEN an image whose header claims any size (a decompression bomb, or a one-pixel page)
    THEN it is refused with a reason, within seconds, never decoded into gigabytes."""
    if kind == "png":
        data, suffix = png_claiming(width, height), ".png"
    elif kind == "tiff":
        data, suffix = tiff_claiming(width, height), ".tif"
    else:
        data, suffix = jpeg_claiming(min(width, 65535), min(height, 65535)), ".jpg"
    with_file(data, suffix)


@settings(max_examples=25, deadline=30000)
@given(width=st.one_of(st.floats(0.001, 1e7), st.sampled_from([0, -595, 14400, 200000])),
       height=st.one_of(st.floats(0.001, 1e7), st.sampled_from([0, -842, 14400, 200000])),
       count=st.sampled_from([None, 0, 2, 10**9]))
@example(width=14400, height=14400, count=None)
@example(width=0.01, height=0.01, count=None)
def test_pdfs_that_claim_huge_tiny_or_impossible_pages_are_refused_quickly(width, height, count):
    """GIVEN a PDF whose page claims any size, or whose page tree claims pages it lacks
    THEN each page is read or refused with a reason, never a crash or a hang in poppler."""
    with_file(pdf_with_page(width, height, count), ".pdf")


@pytest.mark.parametrize("suffix", [*sorted(MAGIC), ".PNG"])
def test_an_empty_file_is_refused_by_name(suffix, tmp_path):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    pages, failed = sources.list_pages([path])
    assert pages == [] and [f.file for f in failed] == [str(path)]
    assert clear_reason(failed[0].reason)


def test_pages_beyond_the_end_of_a_file_fail_with_a_reason(tmp_path):
    """GIVEN page references past the last page of a TIFF and of a PDF (a file changed between
    listing and reading) THEN loading and processing them fail with a reason."""
    (tmp_path / "two.tif").write_bytes(multi_page_tiff(2))
    (tmp_path / "one.pdf").write_bytes(pdf_with_page(72, 72))
    for ref in (sources.PageRef(str(tmp_path / "two.tif"), 5, "image"),
                sources.PageRef(str(tmp_path / "one.pdf"), 5, "pdf"),
                sources.PageRef(str(tmp_path / "gone.png"), 0, "image")):
        with pytest.raises(sources.PageError) as raised:
            sources.load(ref)
        assert clear_reason(str(raised.value))
        result = process(PageTask(1, ref, str(tmp_path / "out.pdf")))
        assert result.status == "failed" and clear_reason(result.error)


def test_a_group4_scan_that_needs_straightening_is_read(tmp_path):
    """GIVEN a bilevel Group 4 TIFF (what office scanners make) whose page is skewed
    THEN it is straightened and read (the straightened copy once inherited "group4" from the
    scan and could not be written for Tesseract: every such page failed)."""
    page = samples.text_page(3, 4, skew_degrees=2.0).image.crop((0, 150, 2480, 800)).convert("1")
    (tmp_path / "g4.tif").write_bytes(encode(page, "TIFF", compression="group4", dpi=(300, 300)))
    result = process(PageTask(1, sources.PageRef(str(tmp_path / "g4.tif"), 0, "image"),
                              str(tmp_path / "g4.pdf")))
    assert (result.status, result.error) == ("done", None)
    assert abs(result.skew) > 1 and result.words > 10


def test_one_page_of_a_multi_page_tiff_reads_only_that_page(tmp_path):
    """GIVEN a two-page palette TIFF (its pages are converted to RGB on loading)
    THEN the first page's PDF holds that page alone (the converted copy forgot it was one of
    two, and Tesseract was handed the whole file)."""
    frames = [page_image((400, 300)).convert("P") for _ in range(2)]
    frames[0].save(tmp_path / "two.tif", save_all=True, append_images=frames[1:])
    result = process(PageTask(1, sources.PageRef(str(tmp_path / "two.tif"), 0, "image"),
                              str(tmp_path / "first.pdf")))
    assert result.status == "done", result.error
    assert len(PdfReader(result.pdf).pages) == 1


def test_listing_things_that_are_not_scans_reports_each(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "empty-folder").mkdir()
    pages, failed = sources.list_pages([tmp_path / "notes.txt", tmp_path / "empty-folder",
                                        tmp_path / "missing.png"])
    assert pages == [] and len(failed) == 3
    assert all(clear_reason(f.reason) for f in failed)


@pytest.mark.parametrize("mapping", ["~no-such-user-here/map.json", "x" * 5000, "barcode=A,Barcode=B"])
def test_register_import_with_an_impossible_map_exits_2_in_one_line(deposit_db, capsys, tmp_path, mapping):
    """GIVEN --map naming a file under an unknown user's home, a name too long for any file, or
    one field twice THEN the command refuses in one line with exit 2 (it once failed with
    RuntimeError / OSError, exit 1, or silently kept the last heading)."""
    path = write_table(tmp_path / "register.csv", [list(register.FIELDS)])
    code, _, err = run_cli(["--db", deposit_db.url, "--user", ADMIN, "register", "import", str(path),
                            "--map", mapping], capsys)
    assert code == 2 and one_line(err) and "Traceback" not in err, err
