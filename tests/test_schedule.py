"""Retention schedule import and export: all or nothing, every bad row named."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from paperless_ig.domain.errors import ImportRejected, PermissionDenied
from paperless_ig.services import schedule, users
from paperless_ig.store.models import Box, RetentionClass
from tests.conftest import ADMIN

HEADER = ["code", "function", "activity", "transaction", "trigger", "period", "action", "authority"]
GOOD = ["FIN-9", "Finance", "Payments", "Paid invoices", "end_of_financial_year", "6 years",
        "destroy_confidential", "Limitation Act 1980"]


def write_csv(path, rows):
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


def test_example_schedule_loads_about_forty_classes(db):
    counts = schedule.import_example(db, ADMIN)
    classes = schedule.list_classes(db)
    assert 35 <= len(classes) <= 50
    assert counts["created"] == len(classes)
    assert {c.trigger.value for c in classes} >= {"closure", "end_of_financial_year", "date_of_birth"}
    again = schedule.import_example(db, ADMIN)
    assert again["unchanged"] == len(classes) and again["created"] == 0


def test_bad_period_names_row_and_field_and_changes_nothing(db, tmp_path):
    path = write_csv(tmp_path / "schedule.csv", [
        GOOD,
        ["HR-9", "HR", "Staff", "Personnel files", "closure", "six yrs", "destroy", ""],
        ["HR-10", "HR", "Staff", "Payroll", "payday", "6 years", "shred", ""],
    ])
    with pytest.raises(ImportRejected) as raised:
        schedule.import_schedule(db, ADMIN, path)
    message = str(raised.value)
    assert "row 3, period" in message and "six yrs" in message
    assert "row 4, trigger" in message and "row 4, action" in message
    assert "schedule.csv" in message
    assert schedule.list_classes(db) == []


def test_duplicate_codes_and_permanent_destruction_are_refused(db, tmp_path):
    path = write_csv(tmp_path / "s.csv", [
        GOOD, GOOD, ["GOV-1", "Gov", "Minutes", "Minutes", "closure", "permanent", "destroy", ""],
    ])
    with pytest.raises(ImportRejected) as raised:
        schedule.import_schedule(db, ADMIN, path)
    assert "row 3, code" in str(raised.value) and "row 2" in str(raised.value)
    assert "row 4, action" in str(raised.value)


def test_missing_column_is_named(db, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("code,function,activity,transaction,trigger,action\nA,b,c,d,closure,destroy\n")
    with pytest.raises(Exception, match=r"missing column.*period"):
        schedule.import_schedule(db, ADMIN, path)


def test_xlsx_round_trip(db, tmp_path):
    schedule.import_example(db, ADMIN)
    out = tmp_path / "out.xlsx"
    count = schedule.export_schedule(db, out)
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet.max_row == count + 1
    # the exported file imports cleanly, changing nothing
    assert schedule.import_schedule(db, ADMIN, out)["unchanged"] == count


def test_xlsx_import_reads_first_sheet(db, tmp_path):
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(GOOD)
    workbook.save(tmp_path / "s.xlsx")
    assert schedule.import_schedule(db, ADMIN, tmp_path / "s.xlsx")["created"] == 1


def test_changing_a_period_redates_existing_boxes(db, tmp_path):
    schedule.import_schedule(db, ADMIN, write_csv(tmp_path / "a.csv", [GOOD]))
    from paperless_ig.services import demo  # noqa: F401 - only the models are needed

    with db.write() as session:
        klass = session.execute(select(RetentionClass)).scalar_one()
        from tests.helpers import add_box

        add_box(session, klass.id, trigger_date=date(2019, 6, 5), disposal=date(2026, 3, 31))
    longer = [*GOOD[:5], "10 years", *GOOD[6:]]
    counts = schedule.import_schedule(db, ADMIN, write_csv(tmp_path / "b.csv", [longer]))
    assert counts["updated"] == 1 and counts["boxes_redated"] == 1
    with db.read() as session:
        assert session.execute(select(Box.disposal_date)).scalar_one() == date(2030, 3, 31)


def test_a_desk_user_cannot_change_the_schedule(db, tmp_path):
    users.add_user(db, ADMIN, "dan", "desk")
    with pytest.raises(PermissionDenied, match=r"dan \(desk staff\) cannot change the retention schedule"):
        schedule.import_schedule(db, "dan", write_csv(tmp_path / "a.csv", [GOOD]))
