"""The Store page as a records officer uses it: find boxes, sort, look at one, chase loans.

Every count and order the page shows is checked against a query written
here, straight against the models, not through ``store_query``.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from sqlalchemy import func, select

from paperless_ig.domain import clock
from paperless_ig.services import disposal as disposal_service
from paperless_ig.services.overview import overview
from paperless_ig.store.models import Box, Directorate, Loan, Team
from paperless_ig.ui import tasks
from paperless_ig.ui.store_view import COLUMN_KEYS, ChoiceBox, OptionalDateEdit, StorePage
from paperless_ig.ui.theme import WARNING_COLOUR
from tests.conftest import ADMIN
from tests.helpers import copied_db, make_demo_file

pytestmark = pytest.mark.gui
WAIT = 30_000  # generous for a loaded CI machine; a pass is still fast
BOXES = 3000


@pytest.fixture(scope="module")
def demo_file(sqlite_template, tmp_path_factory):
    """One demo council for the module; each test gets its own copy of the file."""
    return make_demo_file(sqlite_template, tmp_path_factory.mktemp("store"), BOXES, seed=5)


@pytest.fixture
def demo_db(demo_file, tmp_path):
    db = copied_db(demo_file, tmp_path / "store.sqlite3")
    yield db
    db.dispose()


def open_page(qtbot, db) -> StorePage:
    page = StorePage(db, ADMIN)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.show()
    return page


@pytest.fixture
def store(qtbot, demo_db):
    page = open_page(qtbot, demo_db)
    qtbot.waitUntil(lambda: page.team.count() > 1, timeout=WAIT)  # the pickers are filled
    yield page
    # Workers must be done before the database is disposed and the page deleted.
    assert tasks.wait_for_tasks()


def scalar(db, statement):
    with db.read() as session:
        return session.execute(statement).scalar_one()


def rows_loaded(page, count):
    return all(page.model.row_data(row) is not None for row in range(count))


def search(qtbot, page, text, enter=True):
    page.search.clear()
    with qtbot.waitSignal(page.loaded, timeout=WAIT) as blocker:
        qtbot.keyClicks(page.search, text)
        if enter:
            qtbot.keyClick(page.search, Qt.Key.Key_Return)
    return blocker.args[0]


def test_opens_with_the_count_and_the_newest_boxes_first(qtbot, store, demo_db, qtmodeltester):
    """GIVEN a council of 3,000 boxes WHEN the Store opens
    THEN it says how many, shows the latest deposits first, and the model is a sound Qt model."""
    total = scalar(demo_db, select(func.count(Box.id)))
    assert total == BOXES
    assert store.count_label.text() == "3,000 boxes"
    assert store.model.rowCount() == total
    qtbot.waitUntil(lambda: store.model.row_data(0) is not None, timeout=WAIT)
    newest = scalar(demo_db, select(Box.barcode).order_by(Box.received_on.desc(), Box.id.desc())
                    .limit(1))
    assert store.model.index(0, 0).data() == newest
    assert store.model.headerData(0, Qt.Orientation.Horizontal) == "Barcode"
    assert store.results.currentWidget() is store.table
    qtmodeltester.check(store.model)


def test_filtering_by_team_shows_exactly_that_teams_boxes(qtbot, store, demo_db):
    """GIVEN the busiest team WHEN it is chosen in the Team picker by typing its code
    THEN the count is what SQL counts for that team, and every row shown is that team's."""
    with demo_db.read() as session:
        code, expected = session.execute(
            select(Team.code, func.count(Box.id)).join(Box, Box.team_id == Team.id)
            .group_by(Team.code).order_by(func.count(Box.id).desc(), Team.code).limit(1)).one()
    with qtbot.waitSignal(store.loaded, timeout=WAIT) as blocker:
        store.team.lineEdit().selectAll()
        qtbot.keyClicks(store.team.lineEdit(), code)
        store.team.lineEdit().editingFinished.emit()  # as leaving the field does
    assert blocker.args == [expected]
    assert store.team.value() == code
    assert store.model.rowCount() == expected
    assert store.count_label.text().startswith(f"{expected:,} boxes match")
    shown = min(expected, store.model.page_size)
    qtbot.waitUntil(lambda: rows_loaded(store, shown), timeout=WAIT)
    assert {store.model.row_data(row).team for row in range(shown)} == {code}
    assert store.clear_button.isEnabled()


def test_filtering_by_directorate_and_overdue_disposal_matches_sql(qtbot, store, demo_db):
    """GIVEN a directorate, boxes in store, and disposal dates up to yesterday
    THEN the count matches SQL and those past-due disposal dates are shown in the warning colour."""
    yesterday = clock.today() - timedelta(days=1)
    directorate = scalar(demo_db, select(Directorate.name).order_by(Directorate.name).limit(1))
    expected = scalar(demo_db, select(func.count(Box.id)).join(Team, Team.id == Box.team_id)
                      .join(Directorate, Directorate.id == Team.directorate_id)
                      .where(Directorate.name == directorate, Box.status == "in_store",
                             Box.disposal_date <= yesterday))
    assert expected > 0, "the demo council should have boxes past their disposal date"
    store.directorate.set_value(directorate)
    store.status.set_value("in_store")
    store.disposal_to.set_value(yesterday)
    qtbot.waitUntil(lambda: store.filter.disposal_to == yesterday and not store.loading, timeout=WAIT)
    assert store.model.total == expected
    assert store.count_label.text().startswith(f"{expected:,} boxes match")
    qtbot.waitUntil(lambda: store.model.row_data(0) is not None, timeout=WAIT)
    # past its date and in store, but painted due only when the due queue would offer it:
    # a box under a legal hold (the demo's moratorium on children's records) is not
    shown = min(store.model.total, 40)
    qtbot.waitUntil(lambda: store.model.row_data(shown - 1) is not None, timeout=WAIT)
    painted = {}
    for row in range(shown):
        cell = store.model.index(row, COLUMN_KEYS.index("disposal"))
        colour = cell.data(Qt.ItemDataRole.ForegroundRole)
        painted[store.model.row_data(row).barcode] = colour is not None and colour.color() == WARNING_COLOUR
    due = {b.barcode for b in disposal_service.due(demo_db, clock.today())}
    assert painted == {code: code in due for code in painted}
    assert any(painted.values())
    first_due = next(r for r in range(shown) if painted[store.model.row_data(r).barcode])
    tip = store.model.index(first_due, COLUMN_KEYS.index("disposal")).data(Qt.ItemDataRole.ToolTipRole)
    assert "disposal date" in tip


def test_sorting_by_barcode_both_ways_by_clicking_the_header(qtbot, store, demo_db):
    """GIVEN the table WHEN the Barcode heading is clicked, then clicked again
    THEN the smallest barcode comes first (and the largest last), then the largest first."""
    smallest = scalar(demo_db, select(Box.barcode).order_by(Box.barcode).limit(1))
    largest = scalar(demo_db, select(Box.barcode).order_by(Box.barcode.desc()).limit(1))
    header = store.table.horizontalHeader()
    middle = QPoint(header.sectionViewportPosition(0) + header.sectionSize(0) // 2, header.height() // 2)
    with qtbot.waitSignal(store.loaded, timeout=WAIT):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=middle)
    assert (store.sort_key, store.descending) == ("barcode", False)
    qtbot.waitUntil(lambda: store.model.row_data(0) is not None, timeout=WAIT)
    assert store.model.row_data(0).barcode == smallest
    assert "sorted by barcode, A to Z" in store.sort_label.text()
    # The last page is fetched only when scrolled to.
    last = store.model.rowCount() - 1
    assert store.model.row_data(last) is None
    store.table.scrollToBottom()
    qtbot.waitUntil(lambda: store.model.row_data(last) is not None, timeout=WAIT)
    assert store.model.row_data(last).barcode == largest

    with qtbot.waitSignal(store.loaded, timeout=WAIT):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=middle)
    qtbot.waitUntil(lambda: store.model.row_data(0) is not None, timeout=WAIT)
    assert store.model.row_data(0).barcode == largest


def test_quick_search_finds_a_scanned_barcode_and_shows_the_box(qtbot, store, demo_db):
    """GIVEN a box's barcode WHEN it is typed (or scanned) into the search and Enter pressed
    THEN that one box is listed and its details show beside the table; Esc brings all back."""
    barcode = scalar(demo_db, select(Box.barcode).where(Box.status == "in_store")
                     .order_by(Box.id).offset(100).limit(1))
    with qtbot.waitSignal(store.detail_shown, timeout=WAIT):
        assert search(qtbot, store, barcode) == 1
    assert store.model.row_data(0).barcode == barcode
    assert store.card.barcode == barcode
    assert store.count_label.text() == "1 box matches"
    with qtbot.waitSignal(store.loaded, timeout=WAIT) as blocker:
        qtbot.keyClick(store.search, Qt.Key.Key_Escape)
    assert blocker.args == [BOXES]
    assert store.search.text() == ""


def test_quick_search_by_title_words_waits_for_typing_to_pause(qtbot, store, demo_db):
    """GIVEN words of titles WHEN typed without Enter THEN after the pause the matches show."""
    expected = scalar(demo_db, select(func.count(Box.id))
                      .where(func.lower(Box.title).like("%pupil records%")))
    assert expected > 0
    assert search(qtbot, store, "Pupil records", enter=False) == expected


def test_choosing_a_row_fills_the_detail_card_and_arrows_follow(qtbot, store):
    """GIVEN the table WHEN a row is chosen THEN its box shows on the card;
    WHEN the down arrow is pressed THEN the card follows to the next box."""
    qtbot.waitUntil(lambda: rows_loaded(store, 8), timeout=WAIT)
    store.table.setFocus()
    with qtbot.waitSignal(store.detail_shown, timeout=WAIT) as blocker:
        store.table.selectRow(5)
    assert blocker.args == [store.model.row_data(5).barcode]
    assert store.card.title.text() == store.model.row_data(5).barcode
    assert store.card.values["team"].text().startswith(store.model.row_data(5).team)
    with qtbot.waitSignal(store.detail_shown, timeout=WAIT) as blocker:
        qtbot.keyClick(store.table, Qt.Key.Key_Down)
    assert blocker.args == [store.model.row_data(6).barcode]
    assert store.card.barcode == store.model.row_data(6).barcode


def test_overdue_loans_tab_lists_what_sql_says_is_overdue(qtbot, store, demo_db, qtmodeltester):
    """GIVEN loans past their due date WHEN the Overdue loans tab is shown
    THEN it lists exactly those boxes, most overdue first; double-click shows one on the card."""
    today = clock.today()
    with demo_db.read() as session:
        overdue = session.execute(
            select(Box.barcode, Loan.due_on).join(Box, Box.id == Loan.box_id)
            .where(Loan.returned_on.is_(None), Loan.due_on < today)
            .order_by(Loan.due_on, Box.barcode)).all()
    assert overdue, "the demo council should have overdue loans"
    model = store.overdue_model
    qtbot.waitUntil(lambda: model.rowCount() == len(overdue), timeout=WAIT)
    qtmodeltester.check(model)
    store.tabs.setCurrentIndex(1)
    listed = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert sorted(listed) == sorted(barcode for barcode, _due in overdue)
    days = [int(model.index(row, 4).data().split()[0]) for row in range(len(listed))]
    assert days == sorted(days, reverse=True)
    assert days[0] == (today - overdue[0].due_on).days
    assert f"({len(overdue)})" in store.tabs.tabText(1)
    store.overdue.setFocus()
    rect = store.overdue.visualRect(model.index(0, 0))
    with qtbot.waitSignal(store.detail_shown, timeout=WAIT) as blocker:
        qtbot.mouseDClick(store.overdue.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [listed[0]]
    assert store.card.values["loan"].text().startswith("to ")


def test_filters_matching_nothing_say_so_and_clear(qtbot, store):
    """GIVEN filters no box matches THEN the page says so and offers Clear filters,
    which brings every box back."""
    assert search(qtbot, store, "no box is called this") == 0
    assert store.results.currentIndex() == 1
    assert store.empty_heading.text() == "No boxes match these filters"
    assert store.empty_clear.isVisible() and not store.empty_desk.isVisible()
    with qtbot.waitSignal(store.loaded, timeout=WAIT) as blocker:
        qtbot.mouseClick(store.empty_clear, Qt.MouseButton.LeftButton)
    assert blocker.args == [BOXES]
    assert store.results.currentWidget() is store.table
    assert not store.clear_button.isEnabled()


def test_ctrl_f_goes_to_the_search_and_set_overview_reloads(qtbot, store, demo_db):
    """GIVEN the overdue tab WHEN Ctrl+F is pressed THEN the search field has the focus;
    WHEN the window passes new headline counts THEN the page loads again and counts against them."""
    store.tabs.setCurrentIndex(1)
    store.overdue.setFocus()
    qtbot.keyClick(store.overdue, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert store.tabs.currentIndex() == 0
    assert store.search.hasFocus() or store.focusWidget() is store.search
    store.status.set_value("out_on_loan")
    qtbot.waitUntil(lambda: store.count_label.text().endswith("match"), timeout=WAIT)
    with qtbot.waitSignal(store.loaded, timeout=WAIT):
        store.set_overview(overview(demo_db))
    assert store.count_label.text().endswith(f"(of {BOXES:,})")


def test_an_empty_database_points_to_the_desk_and_the_register_import(qtbot, sqlite_db):
    """GIVEN a database without boxes WHEN the Store opens
    THEN it says there are none yet and where boxes come from."""
    page = open_page(qtbot, sqlite_db)
    try:
        assert page.count_label.text() == "0 boxes"
        assert page.results.currentIndex() == 1
        assert page.empty_heading.text() == "There are no boxes in this database yet"
        assert "Desk" in page.empty_text.text() and "register import" in page.empty_text.text()
        assert page.empty_desk.isVisible() and not page.empty_clear.isVisible()
        qtbot.waitUntil(lambda: page.overdue_stack.currentWidget() is page.overdue_empty, timeout=WAIT)
        with qtbot.waitSignal(page.job_requested, timeout=WAIT) as blocker:
            page.empty_desk.click()
        assert blocker.args == ["desk"]
    finally:
        assert tasks.wait_for_tasks()


def test_a_disposal_date_is_typed_as_it_reads_and_deleted_back_to_any(qtbot):
    """GIVEN a disposal date field showing "any" WHEN a date is typed, with or without slashes
    THEN it holds that date; WHEN it is selected and deleted THEN it is "any" again."""
    for typed in ("31/03/2025", "31032025", "31/3/2025"):
        edit = OptionalDateEdit("Disposal date from")
        qtbot.addWidget(edit)
        assert edit.value() is None and edit.text() == "any"
        qtbot.keyClicks(edit, typed)
        assert edit.value() == date(2025, 3, 31), typed
    edit.lineEdit().selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    assert edit.value() is None and edit.text() == "any"


def test_a_picker_takes_the_one_entry_that_contains_what_was_typed(qtbot):
    """GIVEN a team picker WHEN part of one team's name is typed THEN that team is chosen;
    WHEN text matching several is typed THEN the choice stays as it was."""
    picker = ChoiceBox("Team filter")
    qtbot.addWidget(picker)
    picker.set_choices([("FIN-AP Accounts Payable", "FIN-AP"), ("HR-ADV HR Advisory", "HR-ADV"),
                        ("HR-PAY Payroll", "HR-PAY")])
    with qtbot.waitSignal(picker.chosen, timeout=WAIT):
        picker.lineEdit().setText("accounts")
        picker.lineEdit().editingFinished.emit()
    assert picker.value() == "FIN-AP"
    picker.lineEdit().setText("HR-")
    picker.lineEdit().editingFinished.emit()
    assert picker.value() == "FIN-AP"
    assert picker.currentText() == "FIN-AP Accounts Payable"
    picker.set_value(None)
    assert picker.value() is None and picker.currentText() == "Any"
