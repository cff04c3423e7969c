"""The register import window as a records officer walks it: file, columns, import, result."""

from __future__ import annotations

import csv
import re

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from paperless_ig.services import boxes, locations, schedule, store_query, teams
from paperless_ig.store.models import Box
from paperless_ig.ui import tasks
from paperless_ig.ui.register_import import (
    COLUMNS_PAGE,
    FILE_PAGE,
    IMPORT_PAGE,
    REFUSED_SENTENCE,
    RESULT_PAGE,
    RegisterImportDialog,
    visible,
)
from tests.conftest import ADMIN

pytestmark = pytest.mark.gui
WAIT = 20000
HEADINGS = ["Box No", "Dept", "File plan", "Description", "Closed", "Notes"]
GUESSED = {"barcode": "Box No", "team_code": "Dept", "class_code": "File plan",
           "title": "Description", "trigger_date": "Closed"}
# Rows 3 to 6 are bad (unknown team, 31 February, unknown class, no barcode); 2 and 7 are good.
MIXED = [
    ["OLD-1", "FIN-AP", "FIN-01-01", "Paid invoices 2018/19", "05/06/2019", ""],
    ["OLD-2", "NOPE", "FIN-01-01", "Paid invoices 2019/20", "05/06/2020", ""],
    ["OLD-3", "FIN-AP", "FIN-01-01", "Paid invoices 2020/21", "31/02/2021", ""],
    ["OLD-4", "HR-ADV", "XX-99-99", "Leavers 2017", "31/12/2017", ""],
    ["", "HR-ADV", "HR-01-01", "Leavers 2018", "31/12/2018", ""],
    ["OLD-5", "HR-ADV", "HR-01-01", "Leavers 2019", "31/12/2019", ""],
]


def write_csv(path, rows, headings=HEADINGS):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([headings, *rows])
    return path


def box_count(db) -> int:
    with db.read() as session:
        return session.execute(select(func.count(Box.id))).scalar_one()


@pytest.fixture
def dialog(qtbot, sqlite_db):
    schedule.import_example(sqlite_db, ADMIN)
    teams.add_team(sqlite_db, ADMIN, teams.TeamSpec("NCC", "Resources", "FIN-AP", "Accounts Payable", "H"))
    teams.add_team(sqlite_db, ADMIN, teams.TeamSpec("NCC", "People", "HR-ADV", "HR Advisory", "P"))
    locations.add_location(sqlite_db, ADMIN, "M-001-1-01", capacity=6)
    window = RegisterImportDialog(sqlite_db, ADMIN)
    qtbot.addWidget(window)
    window.show()
    yield window
    tasks.wait_for_tasks()


def _open(qtbot, window, path):
    with qtbot.waitSignal(window.previewed, timeout=WAIT) as blocker:
        window.set_file(path)
    return blocker.args[0]


def test_other_headings_are_matched_previewed_and_imported(qtbot, dialog, tmp_path):
    """GIVEN a csv register whose headings are the council's own (Box No, Dept, File plan…)
    WHEN its path is typed and Enter pressed, the guessed columns accepted with Enter, and Import run
    THEN the columns are matched, the preview shows the rows with the read columns marked,
    and the boxes are in the database, with the tidied barcode listed."""
    path = write_csv(tmp_path / "old register.csv", [
        ["OLD-0001", "FIN-AP", "FIN-01-01", "Paid invoices 2018/19", "05/06/2019", "top shelf"],
        ["OLD-0002", "HR-ADV", "HR-01-01", "Leavers 2017", "2017-12-31", ""],
        ["OLD-0003\u200b", "FIN-AP", "FIN-01-01", "Paid invoices 2019/20", "2020-03-31", ""],
    ])
    assert dialog.pages.currentIndex() == FILE_PAGE
    assert not dialog.next_button.isEnabled()
    qtbot.keyClicks(dialog.path_field, str(path))
    with qtbot.waitSignal(dialog.previewed, timeout=WAIT):
        qtbot.keyClick(dialog.path_field, Qt.Key.Key_Return)

    # the columns step: the guessed mapping, the rows, the read columns marked
    assert dialog.pages.currentIndex() == COLUMNS_PAGE
    assert dialog.mapping() == GUESSED
    assert dialog._combos["location"].currentText() == "(not in the file)"
    table = dialog.preview_table
    assert (table.rowCount(), table.columnCount()) == (3, 6)
    assert table.item(0, 0).text() == "OLD-0001" and table.item(1, 3).text() == "Leavers 2017"
    assert table.horizontalHeaderItem(0).text() == "Box No\n→ Barcode"
    assert table.horizontalHeaderItem(5).text() == "Notes\n(not imported)"
    assert table.item(0, 0).background().style() != Qt.BrushStyle.NoBrush
    assert table.item(0, 5).background().style() == Qt.BrushStyle.NoBrush
    assert dialog.problems_label.isHidden() and dialog.next_button.isEnabled()

    # Enter on a drop-down moves on to the import step
    qtbot.keyClick(dialog._combos["barcode"], Qt.Key.Key_Return)
    assert dialog.pages.currentIndex() == IMPORT_PAGE
    recap = re.sub(r"(<[^>]+>)+", " ", dialog.recap.text())
    assert " Barcode ← Box No " in recap and " Left out Notes " in recap

    with qtbot.waitSignal(dialog.finished_import, timeout=WAIT) as blocker:
        assert dialog.start_import() is not None
    result = blocker.args[0]
    assert result.imported == 3 and result.rejected == []
    assert store_query.count(dialog.db, store_query.BoxFilter()) == 3
    leavers = boxes.show(dialog.db, "OLD-0002")
    assert (leavers.team, leavers.class_code, leavers.title) == ("HR-ADV", "HR-01-01", "Leavers 2017")
    assert boxes.show(dialog.db, "OLD-0003").title == "Paid invoices 2019/20"

    assert dialog.pages.currentIndex() == RESULT_PAGE
    assert dialog.result_title.text() == "3 boxes imported"
    assert dialog.bad_rows_view.isHidden()
    assert not dialog.cleaned_view.isHidden()
    cleaned = dialog.cleaned
    assert [cleaned.data(cleaned.index(0, c)) for c in range(3)] == [
        "4", "OLD-0003⟨zero width space⟩", "OLD-0003"]
    # Enter closes, and the dialog says boxes came in
    qtbot.keyClick(dialog.close_button, Qt.Key.Key_Return)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Accepted.value


def test_a_column_left_out_blocks_the_import_until_it_is_chosen(qtbot, dialog, tmp_path):
    """GIVEN a previewed register
    WHEN the barcode is set to "not in the file"
    THEN the problem shows in red, Next is disabled and nothing can start; choosing it again clears it."""
    path = write_csv(tmp_path / "register.csv", MIXED[:1])
    _open(qtbot, dialog, path)
    dialog.set_mapping("barcode", None)
    assert "barcode" not in dialog.mapping()
    assert not dialog.problems_label.isHidden()
    assert "Choose the column that holds the barcode." in dialog.problems_label.text()
    assert "#b3261e" in dialog.problems_label.styleSheet()
    assert not dialog.next_button.isEnabled()
    assert dialog.start_import() is None
    assert dialog.preview_table.horizontalHeaderItem(0).text() == "Box No\n(not imported)"

    dialog.set_mapping("barcode", "box no")  # headings match loosely
    dialog.set_mapping("location", "Notes")
    assert dialog.mapping()["barcode"] == "Box No" and dialog.mapping()["location"] == "Notes"
    assert dialog.problems_label.isHidden() and dialog.next_button.isEnabled()
    assert dialog.preview_table.horizontalHeaderItem(5).text() == "Notes\n→ Shelf location"
    with pytest.raises(ValueError, match="no column"):
        dialog.set_mapping("title", "Nothing like it")


def test_bad_rows_are_all_listed_and_nothing_is_imported(qtbot, dialog, tmp_path, qtmodeltester):
    """GIVEN a register with four bad rows among good ones
    WHEN it is imported all-or-nothing
    THEN the refusal lists every bad row with its column and reason, and the database has no boxes."""
    path = write_csv(tmp_path / "register.csv", MIXED)
    _open(qtbot, dialog, path)
    dialog.next_step()
    with qtbot.waitSignal(dialog.refused, timeout=WAIT) as blocker:
        dialog.start_import()
    errors = blocker.args[0]
    assert {e.row for e in errors} == {3, 4, 5, 6}
    assert box_count(dialog.db) == 0

    assert dialog.pages.currentIndex() == RESULT_PAGE
    assert dialog.result_text.text() == REFUSED_SENTENCE
    assert dialog.result_title.text() == "4 rows of register.csv need fixing"
    model = dialog.bad_rows
    qtmodeltester.check(model)
    listed = [tuple(model.data(model.index(r, c)) for c in range(3)) for r in range(model.rowCount())]
    assert len(listed) == len(errors)
    assert {row for row, _column, _reason in listed} == {"3", "4", "5", "6"}
    by_row = {row: (column, reason) for row, column, reason in listed}
    assert by_row["3"][0] == "Dept (team code)" and "NOPE" in by_row["3"][1]
    assert by_row["4"][0] == "Closed (trigger date)"
    assert by_row["5"][0] == "File plan (retention class)"
    assert by_row["6"][0] == "Box No (barcode)"
    assert dialog.good_only_button.isVisible() and dialog.back_button.isVisible()
    assert dialog.close_button.text() == "&Close"

    # "Import the good rows only…" goes back to the import step with the box ticked
    dialog.good_only_button.click()
    assert dialog.pages.currentIndex() == IMPORT_PAGE and dialog.skip_invalid.isChecked()


def test_skip_invalid_imports_the_good_rows_and_writes_the_rejected_workbook(qtbot, dialog, tmp_path):
    """GIVEN the same register with four bad rows
    WHEN "import the good rows" is ticked and it is imported
    THEN the two good rows are boxes, and the rejected workbook holds the bad rows with a reason."""
    path = write_csv(tmp_path / "register.csv", MIXED)
    _open(qtbot, dialog, path)
    dialog.next_step()
    assert dialog.rejected_field.text() == str(tmp_path / "register-rejected.xlsx")
    assert not dialog.rejected_row.isEnabled()
    qtbot.keyClick(dialog.skip_invalid, Qt.Key.Key_Space)
    assert dialog.skip_invalid.isChecked() and dialog.rejected_row.isEnabled()
    with qtbot.waitSignal(dialog.finished_import, timeout=WAIT) as blocker:
        qtbot.keyClick(dialog.skip_invalid, Qt.Key.Key_Return)  # Enter imports
    result = blocker.args[0]
    assert result.imported == 2 and result.rejected_rows == 4
    with dialog.db.read() as session:
        assert sorted(session.execute(select(Box.barcode)).scalars()) == ["OLD-1", "OLD-5"]

    rejected = tmp_path / "register-rejected.xlsx"
    assert result.rejected_file == str(rejected) and rejected.exists()
    sheet = load_workbook(rejected).active
    grid = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert grid[0] == [*HEADINGS, "reason"]
    assert [r[0] for r in grid[1:]] == ["OLD-2", "OLD-3", "OLD-4", None]
    assert all(r[-1] for r in grid[1:])

    assert dialog.result_title.text() == "2 boxes imported"
    assert "4 rows were not imported" in dialog.result_text.text()
    assert str(rejected) in dialog.result_text.text()
    assert dialog.bad_rows.rowCount() == len(result.rejected)
    assert dialog.again_button.isVisible()


def test_escape_while_importing_cancels_and_keeps_nothing(qtbot, dialog, tmp_path):
    """GIVEN an import running
    WHEN Esc is pressed
    THEN the import is cancelled, nothing is kept, and the dialog stays open to say so."""
    path = write_csv(tmp_path / "register.csv", [MIXED[0], MIXED[5]])
    _open(qtbot, dialog, path)
    dialog.next_step()
    with qtbot.waitSignal(dialog.cancelled, timeout=WAIT):
        dialog.start_import()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert box_count(dialog.db) == 0
    assert dialog.isVisible() and not dialog.busy
    assert dialog.import_status.text() == "Cancelled: nothing was imported."


def test_a_file_that_cannot_be_read_is_named_on_the_first_step(qtbot, dialog, tmp_path):
    """GIVEN a file that is not a spreadsheet
    WHEN it is chosen
    THEN the first step says why, in red, and stays."""
    path = tmp_path / "register.txt"
    path.write_text("not a register")
    with qtbot.waitSignal(dialog.failed, timeout=WAIT) as blocker:
        dialog.set_file(path)
    assert "expected a .csv or .xlsx file" in blocker.args[0]
    assert dialog.pages.currentIndex() == FILE_PAGE
    assert dialog.file_status.text() == blocker.args[0] and not dialog.file_status.isHidden()


def test_invisible_characters_are_named():
    assert visible("BX1\t") == "BX1⟨tab⟩"
    assert visible("\u00a0A\x07") == "⟨no-break space⟩A⟨control 07⟩"
