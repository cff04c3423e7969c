"""Importing an existing box register: every bad row named, nothing half-done."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from paperless_ig.domain import clock
from paperless_ig.domain.barcodes import make_barcode
from paperless_ig.domain.dates import read_date
from paperless_ig.domain.errors import BadInput, ImportRejected, PermissionDenied
from paperless_ig.domain.progress import Cancelled
from paperless_ig.services import audit, deposits, locations, register, schedule, teams, users
from paperless_ig.store.models import AuditEvent, Box, Counter, Location
from tests.conftest import ADMIN

HEADER = list(register.FIELDS)


def write_xlsx(path, header, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def row(barcode, team="FIN-AP", klass="FIN-01-01", title="Paid invoices", date_from=None,
        date_to=None, trigger="2019-06-05", location=None, received=None):
    return [barcode, team, klass, title, date_from, date_to, trigger, location, received]


@pytest.fixture
def store(db):
    schedule.import_example(db, ADMIN)
    teams.add_team(db, ADMIN, teams.TeamSpec("NCC", "Resources", "FIN-AP", "Accounts Payable", "H A"))
    teams.add_team(db, ADMIN, teams.TeamSpec("NCC", "People", "HR-ADV", "HR Advisory", "P Q"))
    locations.add_location(db, ADMIN, "M-001-1-01", capacity=2)
    locations.add_location(db, ADMIN, "M-001-1-02", capacity=6)
    return db


def boxes_in(db) -> dict[str, Box]:
    with db.read() as session:
        return {b.barcode: b for b in session.execute(select(Box)).scalars()}


def audit_count(db) -> int:
    with db.read() as session:
        return session.execute(select(func.count(AuditEvent.id))).scalar_one()


def problems(raised) -> set[tuple[int, str]]:
    return {(e.row, e.field) for e in raised.value.errors}


def test_clean_xlsx_import_makes_legacy_boxes_with_disposal_dates_and_audit(store, tmp_path):
    """GIVEN an xlsx register with real date cells, ISO and UK date text, a numeric barcode
    and one barcode of our own scheme
    WHEN it is imported
    THEN every box is in store with the right dates, legacy except our own code, audited,
    and the desk's next barcode does not collide with the imported one."""
    ours = make_barcode(5000)
    path = write_xlsx(tmp_path / "register.xlsx", HEADER, [
        row("OLD-0001", date_from=datetime(2019, 4, 1), date_to=datetime(2020, 3, 1),
            trigger=datetime(2019, 6, 5), location="M-001-1-01", received=datetime(2021, 1, 10)),
        row(ours, team="HR-ADV", klass="HR-01-01", title="Leavers 2018", date_from=date(2010, 1, 1),
            date_to=date(2018, 12, 31), trigger=None),
        row(10234, team="fin-ap", klass="IG-02-01", title="Transfer lists", trigger=None,
            location="m-001-1-02", received=date(2020, 5, 17)),
        row("OLD-0002", klass="GOV-01-01", title="Signed minutes", date_to="2001-03-31",
            trigger=None, received="01/04/2001"),
    ])
    before = audit_count(store)
    result = register.import_register(store, ADMIN, path)
    assert result == register.RegisterResult(4, [], [], None)
    assert result.as_json() == {"imported": 4, "rejected": [], "rejected_rows": 0, "cleaned": [],
                                "rejected_file": None}

    boxes = boxes_in(store)
    assert set(boxes) == {"OLD-0001", ours, "10234", "OLD-0002"}
    first = boxes["OLD-0001"]
    # end of the financial year containing 5 June 2019 is 31 March 2020, plus six years
    assert (first.trigger_date, first.disposal_date, first.received_on) == (
        date(2019, 6, 5), date(2026, 3, 31), date(2021, 1, 10))
    assert (first.date_from, first.date_to) == (date(2019, 4, 1), date(2020, 3, 1))
    assert first.legacy and first.deposit_id is None
    assert (first.status, first.version, first.width_mm) == ("in_store", 1, 143)
    # no trigger date: the closure class runs from date_to; received defaults to it
    leavers = boxes[ours]
    assert not leavers.legacy
    assert (leavers.trigger_date, leavers.disposal_date, leavers.received_on) == (
        date(2018, 12, 31), date(2024, 12, 31), date(2018, 12, 31))
    # a class triggered by deposit runs from the received date
    transfer = boxes["10234"]
    assert (transfer.trigger_date, transfer.disposal_date) == (date(2020, 5, 17), date(2026, 5, 17))
    minutes = boxes["OLD-0002"]
    assert minutes.disposal_date is None and minutes.received_on == date(2001, 4, 1)
    with store.read() as session:
        shelf = {b.barcode: session.get(Location, b.location_id).code
                 for b in boxes.values() if b.location_id}
        assert shelf == {"OLD-0001": "M-001-1-01", "10234": "M-001-1-02"}
        assert session.execute(select(Counter.value).where(Counter.name == "box")).scalar_one() == 5000

    assert audit_count(store) == before + 5
    event = audit.history(store, "box", "OLD-0001")[0]
    assert (event.action, event.actor, event.before) == ("box.import", ADMIN, None)
    assert event.after["class"] == "FIN-01-01" and event.after["disposal_date"] == "2026-03-31"
    assert event.after["location"] == "M-001-1-01" and event.after["row"] == 2
    summary = audit.history(store, "register", "register.xlsx")[0]
    assert summary.action == "register.import"
    assert summary.after["file"] == "register.xlsx" and summary.after["imported"] == 4
    assert audit.verify(store).ok

    users.add_user(store, ADMIN, "dora", "desk")
    logged = deposits.log_deposit(store, "dora", deposits.DepositRequest(
        "FIN-AP", "FIN-01-01", [deposits.BoxSpec("More invoices", trigger_date=date(2024, 5, 1))]))
    assert logged.barcodes == [make_barcode(5001)]


def test_bad_rows_are_all_named_and_nothing_is_written(store, tmp_path):
    """GIVEN a csv register with one good row and many bad ones
    WHEN it is imported all-or-nothing
    THEN ImportRejected names every bad row and field, and the database is unchanged."""
    bad_check = make_barcode(12)[:-1] + ("0" if make_barcode(12)[-1] != "0" else "1")
    future = (clock.today() + timedelta(days=30)).isoformat()
    path = write_csv(tmp_path / "register.csv", HEADER, [
        row("OLD-1"),                                                    # 2: good
        row("OLD-2", team="", title=""),                                 # 3
        row("OLD-3", team="NOPE", klass="XX-99", location="Z-999"),      # 4
        row("OLD-4", date_from="2020-05-01", date_to="2019-01-01", trigger=""),  # 5
        row("OLD-5", trigger="31/02/2020"),                              # 6
        row("OLD-6", trigger="next tuesday"),                            # 7
        row("OLD-7", klass="HR-01-01", trigger=""),                      # 8
        row("OLD-8", title="First"),                                     # 9
        row("OLD-8", title="Second"),                                    # 10
        row(bad_check),                                                  # 11
        row("", received=future),                                        # 12
        row("SH00000011"),                                               # 13
    ])
    before = audit_count(store)
    with pytest.raises(ImportRejected) as raised:
        register.import_register(store, ADMIN, path)
    assert problems(raised) == {
        (3, "team_code"), (3, "title"),
        (4, "team_code"), (4, "class_code"), (4, "location"),
        (5, "date_from"), (6, "trigger_date"), (7, "trigger_date"), (8, "trigger_date"),
        (9, "barcode"), (10, "barcode"), (11, "barcode"), (12, "barcode"), (12, "received"),
        (13, "barcode"),
    }
    reasons = {(e.row, e.field): e.message for e in raised.value.errors}
    assert "'NOPE'" in reasons[(4, "team_code")] and "'XX-99'" in reasons[(4, "class_code")]
    assert "'Z-999'" in reasons[(4, "location")]
    assert "backwards" in reasons[(5, "date_from")]
    assert "'31/02/2020' is not a real date" in reasons[(6, "trigger_date")]
    assert "'next tuesday'" in reasons[(7, "trigger_date")]
    assert "no date_to" in reasons[(8, "trigger_date")]
    assert "row 10" in reasons[(9, "barcode")] and "row 9" in reasons[(10, "barcode")]
    assert "check character" in reasons[(11, "barcode")]
    assert reasons[(12, "barcode")] == "is empty" and "future" in reasons[(12, "received")]
    assert "location" in reasons[(13, "barcode")]
    message = str(raised.value)
    # ImportRejected counts problems (15), not rows (11)
    assert message.startswith("register.csv: 11 bad row(s), nothing imported")
    assert "row 4, team_code" in message and "row 2" not in message.split(":", 1)[1]
    assert register.rejection_json(raised.value)["rejected_rows"] == 11
    assert boxes_in(store) == {}
    assert audit_count(store) == before
    assert audit.verify(store).ok


def test_skip_invalid_imports_good_rows_and_writes_the_rejected_ones(store, tmp_path):
    """GIVEN an xlsx register with its own headings, an extra column and two bad rows
    WHEN it is imported with skip_invalid
    THEN the good rows go in and a workbook beside it holds exactly the bad rows,
    with all their columns and a reason."""
    header = ["Barcode", "Team Code", "Class Code", "Title", "Date From", "Date To",
              "Trigger Date", "Location", "Received", "Notes"]
    path = write_xlsx(tmp_path / "legacy register.xlsx", header, [
        [*row("OLD-1", trigger=datetime(2019, 6, 5)), "fine"],
        [*row("OLD-2", team="NOPE", trigger=datetime(2018, 1, 2)), "team gone"],
        [*row("OLD-3", trigger=datetime(2019, 7, 1)), None],
        [*row("OLD-4", trigger="soon"), "undated"],
    ])
    before = audit_count(store)
    result = register.import_register(store, ADMIN, path, skip_invalid=True)
    assert result.imported == 2
    assert set(boxes_in(store)) == {"OLD-1", "OLD-3"}
    assert [(r["row"], r["field"]) for r in result.rejected] == [(3, "team_code"), (5, "trigger_date")]
    expected = tmp_path / "legacy register-rejected.xlsx"
    assert result.rejected_file == str(expected)
    assert result.as_json()["rejected_file"] == str(expected)

    sheet = load_workbook(expected).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == [*header, "reason"]
    assert len(values) == 3
    assert values[1][:4] == ["OLD-2", "NOPE", "FIN-01-01", "Paid invoices"]
    assert values[1][6] == datetime(2018, 1, 2) and values[1][9] == "team gone"
    assert values[1][10] == "Team Code: team 'NOPE' does not exist"
    assert values[2][0] == "OLD-4" and values[2][6] == "soon" and values[2][9] == "undated"
    assert values[2][10].startswith("Trigger Date: 'soon' is not a date")

    assert audit_count(store) == before + 3
    summary = audit.history(store, "register", "legacy register.xlsx")[0].after
    assert summary["imported"] == 2 and summary["rejected_rows"] == 2
    assert audit.verify(store).ok

    # the rejected workbook, once fixed, imports like any register
    fixed = tmp_path / "fixed.xlsx"
    workbook = load_workbook(expected)
    workbook.active["B2"] = "HR-ADV"
    workbook.active["G3"] = "2019-08-01"
    workbook.save(fixed)
    again = register.import_register(store, ADMIN, fixed, rejected_path=tmp_path / "unused.xlsx")
    assert (again.imported, again.rejected_file) == (2, None)
    assert not (tmp_path / "unused.xlsx").exists()


def test_skip_invalid_writes_where_it_is_told(store, tmp_path):
    path = write_csv(tmp_path / "r.csv", HEADER, [
        row("OLD-1"), row("OLD-2", klass=""), row("OLD-3", title="Bell\x07", team="NOPE")])
    target = tmp_path / "out" / "bad.xlsx"
    target.parent.mkdir()
    result = register.import_register(store, ADMIN, path, skip_invalid=True, rejected_path=target)
    assert result.rejected_file == str(target)
    # a control character an xlsx cell cannot hold is shown escaped
    assert [r[:4] for r in load_workbook(target).active.iter_rows(values_only=True)] == [
        ("barcode", "team_code", "class_code", "title"),
        ("OLD-2", "FIN-AP", None, "Paid invoices"),
        ("OLD-3", "NOPE", "FIN-01-01", "Bell\\x07")]
    with pytest.raises(BadInput, match="cannot overwrite the register"):
        register.import_register(store, ADMIN, path, skip_invalid=True, rejected_path=path)


def test_barcodes_are_cleaned_and_the_changes_reported(store, tmp_path):
    """GIVEN barcodes with spaces, tabs, zero-width and control characters, and one of our
    own codes in lower case
    WHEN imported
    THEN they are stored clean (ours upper-case) and each change is reported."""
    ours = make_barcode(77)
    path = write_csv(tmp_path / "register.csv", HEADER, [
        row("OLD 0001"),
        row("OLD\u200b0002"),
        row("OLD\t0003"),
        row("OLD\x070004"),
        row("OLD\xa00005"),
        row("  OLD-0006  "),  # the spreadsheet reader trims the ends already
        row(ours.lower()),
        row("OLD-0008"),
    ])
    result = register.import_register(store, ADMIN, path)
    assert result.cleaned == [
        {"row": 2, "from": "OLD 0001", "to": "OLD0001"},
        {"row": 3, "from": "OLD\u200b0002", "to": "OLD0002"},
        {"row": 4, "from": "OLD\t0003", "to": "OLD0003"},
        {"row": 5, "from": "OLD\x070004", "to": "OLD0004"},
        {"row": 6, "from": "OLD\xa00005", "to": "OLD0005"},
        {"row": 8, "from": ours.lower(), "to": ours},
    ]
    boxes = boxes_in(store)
    assert set(boxes) == {"OLD0001", "OLD0002", "OLD0003", "OLD0004", "OLD0005", "OLD-0006",
                          ours, "OLD-0008"}
    assert not boxes[ours].legacy and boxes["OLD0001"].legacy
    assert audit.history(store, "box", "OLD0001")[0].after["barcode_as_given"] == "OLD 0001"
    assert json.loads(json.dumps(result.as_json()))["cleaned"][0]["to"] == "OLD0001"


def test_same_title_different_barcodes_are_two_boxes(store, tmp_path):
    path = write_csv(tmp_path / "r.csv", HEADER, [
        row("OLD-1", title="Invoices 2019"), row("OLD-2", title="Invoices 2019")])
    assert register.import_register(store, ADMIN, path).imported == 2
    assert [b.title for b in boxes_in(store).values()] == ["Invoices 2019"] * 2


def test_duplicate_barcodes_in_the_file_and_in_the_database_are_refused(store, tmp_path):
    twice = write_csv(tmp_path / "twice.csv", HEADER, [
        row("OLD-1", title="A"), row("OLD-2"), row("OLD-1", title="B")])
    with pytest.raises(ImportRejected) as raised:
        register.import_register(store, ADMIN, twice)
    reasons = {(e.row, e.field): e.message for e in raised.value.errors}
    assert reasons == {(2, "barcode"): "OLD-1 is also given in row 4",
                       (4, "barcode"): "OLD-1 is also given in row 2"}

    register.import_register(store, ADMIN, write_csv(tmp_path / "first.csv", HEADER, [row("OLD-1")]))
    second = write_csv(tmp_path / "second.csv", HEADER, [row("OLD-1", title="Again"), row("OLD-9")])
    with pytest.raises(ImportRejected) as raised:
        register.import_register(store, ADMIN, second)
    assert [str(e) for e in raised.value.errors] == [
        "row 2, barcode: box OLD-1 is already in the database"]
    assert set(boxes_in(store)) == {"OLD-1"}
    result = register.import_register(store, ADMIN, second, skip_invalid=True)
    assert result.imported == 1 and set(boxes_in(store)) == {"OLD-1", "OLD-9"}
    assert boxes_in(store)["OLD-1"].title == "Paid invoices"


def test_a_mapping_reads_other_headings(store, tmp_path):
    """GIVEN a register headed Box No, Dept, Retention Class, Description, Closed, Shelf
    WHEN imported with a mapping
    THEN it imports; without one, the missing columns are named."""
    header = ["Box No", "Dept", "Retention Class", "Description", "Closed", "Shelf", "Date Received"]
    path = write_xlsx(tmp_path / "council.xlsx", header, [
        ["A/001", "FIN-AP", "FIN-01-01", "Invoices", datetime(2019, 6, 5), "M-001-1-02", None],
        ["A/002", "HR-ADV", "HR-01-01", "Leavers", "30/09/2015", None, datetime(2016, 2, 1)],
    ])
    with pytest.raises(BadInput, match=r"missing column\(s\) barcode, team_code, class_code, title"):
        register.import_register(store, ADMIN, path)
    with pytest.raises(BadInput, match=r"'Box Number' \(for barcode\) not in the file"):
        register.import_register(store, ADMIN, path, {"barcode": "Box Number"})
    mapping = register.parse_mapping(
        "barcode=Box No,team_code=Dept,class_code=Retention Class,title=Description,"
        "trigger_date=Closed,location=Shelf,received=date received")
    result = register.import_register(store, ADMIN, path, mapping)
    assert result.imported == 2
    boxes = boxes_in(store)
    assert boxes["A/002"].trigger_date == date(2015, 9, 30)
    assert boxes["A/002"].disposal_date == date(2021, 9, 30)
    assert boxes["A/002"].received_on == date(2016, 2, 1)
    assert boxes["A/001"].location_id is not None


def test_parse_mapping_reads_pairs_json_text_and_json_files(tmp_path):
    assert register.parse_mapping("barcode=Box No, Team Code = Dept") == {
        "barcode": "Box No", "team_code": "Dept"}
    assert register.parse_mapping('{"barcode": "Box No", "title": "Contents"}') == {
        "barcode": "Box No", "title": "Contents"}
    path = tmp_path / "map.json"
    path.write_text(json.dumps({"class_code": "File Plan", "date_to": "To"}))
    assert register.parse_mapping(str(path)) == {"class_code": "File Plan", "date_to": "To"}
    with pytest.raises(BadInput, match=r"unknown field\(s\) 'box', 'colour'"):
        register.parse_mapping("box=Box No,colour=Colour,title=Title")
    with pytest.raises(BadInput, match="unknown field"):
        register.parse_mapping('{"shelf": "Shelf"}')
    with pytest.raises(BadInput, match="should be field=Heading"):
        register.parse_mapping("barcode=Box No,title=")
    with pytest.raises(BadInput, match="no such file"):
        register.parse_mapping(str(tmp_path / "missing.json"))
    with pytest.raises(BadInput, match="not valid JSON"):
        register.parse_mapping("{barcode: Box No}")


def test_preview_guesses_the_mapping_without_a_database(tmp_path):
    """GIVEN a register with a council's own headings and thirty rows
    WHEN previewed
    THEN the headings come as written, the first rows as lists, and the mapping is guessed."""
    header = ["Box No.", "Department", "File Plan", "Contents", "From", "To", "Shelf", "Notes"]
    rows = [[f"B{n:03d}", "FIN-AP", "FIN-01-01", f"Box {n}", datetime(2019, 1, 1),
             datetime(2019, 12, 31), "M-001-1-01", None] for n in range(30)]
    path = write_xlsx(tmp_path / "council.xlsx", header, rows)
    shown = register.preview(path, limit=5)
    assert shown.source == "council.xlsx" and shown.headings == header
    assert len(shown.rows) == 5
    assert shown.rows[0] == ["B000", "FIN-AP", "FIN-01-01", "Box 0", date(2019, 1, 1),
                             date(2019, 12, 31), "M-001-1-01", None]
    assert shown.mapping == {"barcode": "Box No.", "team_code": "Department",
                             "class_code": "File Plan", "title": "Contents", "date_from": "From",
                             "date_to": "To", "location": "Shelf"}
    assert shown.problems == [] and shown.unmapped == ["trigger_date", "received"]

    csv_path = write_csv(tmp_path / "other.csv", ["Box Number", "Team", "Class", "Description",
                                                  "Closure Date", "Notes"],
                         [["X1", "FIN-AP", "FIN-01-01", "Box", "2019-06-05", "n"]])
    shown = register.preview(csv_path, {"title": "Notes", "location": "Where"})
    assert shown.mapping == {"barcode": "Box Number", "team_code": "Team", "class_code": "Class",
                             "title": "Notes", "trigger_date": "Closure Date"}
    assert shown.problems == ["column 'Where' (for location) is not in the file"]
    assert shown.rows == [["X1", "FIN-AP", "FIN-01-01", "Box", "2019-06-05", "n"]]

    bare = write_csv(tmp_path / "bare.csv", ["Box", "Colour"], [["X1", "red"]])
    assert register.preview(bare).problems == [
        "no column for team_code", "no column for class_code", "no column for title",
        "no column for trigger_date (or date_to)"]


def test_rows_beyond_a_locations_free_room_are_refused(store, tmp_path):
    """GIVEN a shelf of capacity 2 with one box on it
    WHEN a register puts three more boxes there
    THEN the rows beyond its room are refused; skipped bad rows take no room."""
    register.import_register(store, ADMIN, write_csv(tmp_path / "first.csv", HEADER, [
        row("OLD-1", location="M-001-1-01")]))
    path = write_csv(tmp_path / "more.csv", HEADER, [
        row("OLD-2", team="NOPE", location="M-001-1-01"),
        row("OLD-3", location="M-001-1-01"),
        row("OLD-4", location="M-001-1-01"),
        row("OLD-5", location="M-001-1-02"),
    ])
    with pytest.raises(ImportRejected) as raised:
        register.import_register(store, ADMIN, path)
    assert problems(raised) == {(2, "team_code"), (3, "location"), (4, "location")}
    assert "M-001-1-01 is full" in str(raised.value)

    result = register.import_register(store, ADMIN, path, skip_invalid=True)
    assert [(r["row"], r["field"]) for r in result.rejected] == [(2, "team_code"), (4, "location")]
    assert set(boxes_in(store)) == {"OLD-1", "OLD-3", "OLD-5"}
    assert locations.list_locations(store)[0].occupied == 2


def test_cancelling_rolls_everything_back(store, tmp_path):
    path = write_csv(tmp_path / "r.csv", HEADER, [row(f"OLD-{n}") for n in range(50)])
    before = audit_count(store)
    seen = []

    def progress(done, total, message):
        seen.append((done, total, message))
        if done and done == total:
            raise Cancelled()

    with pytest.raises(Cancelled):
        register.import_register(store, ADMIN, path, progress=progress)
    assert seen[0] == (0, 0, "reading r.csv") and seen[-1][:2] == (150, 150)
    assert boxes_in(store) == {} and audit_count(store) == before

    seen.clear()
    register.import_register(store, ADMIN, path, progress=lambda *a: seen.append(a))
    assert len(boxes_in(store)) == 50
    assert all(done <= total for done, total, _ in seen[1:])


def test_only_desk_and_records_staff_import(store, tmp_path):
    users.add_user(store, ADMIN, "vic", "viewer")
    users.add_user(store, ADMIN, "dora", "desk")
    path = write_csv(tmp_path / "r.csv", HEADER, [row("OLD-1")])
    with pytest.raises(PermissionDenied, match="cannot import a box register"):
        register.import_register(store, "vic", path)
    assert boxes_in(store) == {}
    assert register.import_register(store, "dora", path).imported == 1


def test_empty_or_headless_files_are_refused(store, tmp_path):
    empty = write_csv(tmp_path / "empty.csv", HEADER, [])
    with pytest.raises(BadInput, match="no boxes in the file"):
        register.import_register(store, ADMIN, empty)
    with pytest.raises(BadInput, match=r"missing column\(s\) trigger_date \(or date_to\)"):
        register.import_register(store, ADMIN, write_csv(
            tmp_path / "nodates.csv", ["barcode", "team_code", "class_code", "title"],
            [["OLD-1", "FIN-AP", "FIN-01-01", "Box"]]))
    with pytest.raises(BadInput, match="unknown field"):
        register.import_register(store, ADMIN, empty, {"shelf": "Shelf"})


@pytest.mark.parametrize(("value", "expected"), [
    ("2020-01-31", date(2020, 1, 31)),
    ("31/01/2020", date(2020, 1, 31)),
    ("1/2/2020", date(2020, 2, 1)),
    ("05.04.2021", date(2021, 4, 5)),
    (datetime(2020, 1, 31, 14, 30), date(2020, 1, 31)),
    (date(2020, 1, 31), date(2020, 1, 31)),
    (None, None),
    ("  ", None),
])
def test_dates_are_read_from_iso_uk_text_and_real_cells(value, expected):
    assert read_date(value) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("29/02/2021", "'29/02/2021' is not a real date"),
    ("2020-13-01", "is not a real date"),
    ("01/02/20", "'01/02/20' is not a date"),
    ("March 2020", "'March 2020' is not a date"),
    (43831, "43831 is a number, not a date"),
])
def test_bad_dates_name_the_value(value, message):
    with pytest.raises(BadInput, match=message):
        read_date(value)
