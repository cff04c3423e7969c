"""The desk path as a user walks it: deposit, challenge, labels, shelve, issue, return."""

from __future__ import annotations

from datetime import date

import pytest
import zxingcpp
from pdf2image import convert_from_path
from PySide6.QtCore import Qt
from sqlalchemy import select

from paperless_ig.services import audit, boxes, locations, schedule, teams
from paperless_ig.services.desk_scan import Mode
from paperless_ig.store.models import Box, Challenge
from paperless_ig.ui import tasks
from paperless_ig.ui.desk import DeskPage
from tests.conftest import ADMIN

pytestmark = pytest.mark.gui
WAIT = 20000


@pytest.fixture
def desk(qtbot, sqlite_db):
    schedule.import_example(sqlite_db, ADMIN)
    teams.add_team(sqlite_db, ADMIN, teams.TeamSpec("NCC", "Resources", "FIN-AP", "Accounts Payable", "H"))
    teams.add_team(sqlite_db, ADMIN, teams.TeamSpec("NCC", "Resources", "HR-ADV", "HR Advisory", "H"))
    locations.add_location(sqlite_db, ADMIN, "M-001-1-01", capacity=6)
    page = DeskPage(sqlite_db, ADMIN)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitUntil(lambda: page.deposit_form.team.count() == 2 and page.scan_panel.issue_team.count() == 2,
                    timeout=WAIT)
    yield page
    tasks.wait_for_tasks()


def _scan(qtbot, page, code):
    panel = page.scan_panel
    with qtbot.waitSignal(panel.scanned, timeout=WAIT) as blocker:
        qtbot.keyClicks(panel.field, code)
        qtbot.keyClick(panel.field, "\r")
    return blocker.args[0]


def test_the_whole_desk_path(qtbot, desk, tmp_path):
    db = desk.db
    form = desk.deposit_form
    desk.new_deposit()
    # GIVEN a team with its challenge answered and three boxes typed in
    form.select("FIN-AP", "FIN-01-01")
    qtbot.waitUntil(lambda: "FIN-AP deposited" in form.trend.text(), timeout=WAIT)
    qtbot.keyClicks(form.brought_by, "Pat Jones")
    qtbot.keyClicks(form.why, "Suppliers still post invoices")
    form.digital.setCurrentIndex(form.digital.findData("yes"))
    form.outcome.setCurrentIndex(form.outcome.findData("accepted_referred"))
    form.count.setValue(3)
    form.set_box(0, "Paid invoices 2019/20 A-F", "01/04/2019", "31/03/2020", "31/03/2020")
    form.set_box(1, "Paid invoices 2019/20 G-M")
    form.set_box(2, "Paid invoices 2019/20 N-Z")
    qtbot.waitUntil(lambda: "31/03/2026" in form.consequence.text(), timeout=WAIT)
    # WHEN the deposit is logged with Ctrl+Enter
    with qtbot.waitSignal(form.logged, timeout=WAIT) as logged:
        qtbot.keyClick(form.brought_by, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    result = logged.args[0]
    # THEN three boxes exist with the challenge and audit events
    assert len(result.barcodes) == 3
    with db.read() as session:
        assert session.execute(select(Challenge.outcome)).scalar_one() == "accepted_referred"
        titles = sorted(session.execute(select(Box.title)).scalars())
    assert titles[0] == "Paid invoices 2019/20 A-F"
    assert audit.history(db, "deposit", result.deposit_id)[0].action == "deposit.create"
    # labels to PDF, read back
    pdf = tmp_path / "labels.pdf"
    with qtbot.waitSignal(form.labels_written, timeout=WAIT):
        form.save_labels(str(pdf))
    image = convert_from_path(str(pdf), dpi=300)[0]
    assert {r.text for r in zxingcpp.read_barcodes(image)} == set(result.barcodes)

    # shelve: scan the shelf, then each box, as the scanner types them
    desk.focus_scan()
    shelf = locations.list_locations(db)[0]
    assert _scan(qtbot, desk, shelf.barcode).ok
    for code in result.barcodes:
        outcome = _scan(qtbot, desk, code)
        assert outcome.ok, outcome.message
    assert all(boxes.show(db, c).location == "M-001-1-01" for c in result.barcodes)
    repeat = _scan(qtbot, desk, result.barcodes[0])
    assert not repeat.ok and "already on" in desk.scan_panel.message.text()

    # issue one to HR, then take it back
    panel = desk.scan_panel
    qtbot.keyClick(panel.field, Qt.Key.Key_F3)
    assert panel.run.mode is Mode.ISSUE
    panel.issue_team.setCurrentIndex(panel.issue_team.findData("HR-ADV"))
    assert _scan(qtbot, desk, result.barcodes[1]).ok
    assert boxes.show(db, result.barcodes[1]).loan.team == "HR-ADV"
    qtbot.keyClick(panel.field, Qt.Key.Key_F4)
    assert _scan(qtbot, desk, result.barcodes[1]).ok
    assert boxes.show(db, result.barcodes[1]).status == "in_store"
    actions = [e.action for e in audit.history(db, "box", result.barcodes[1])]
    assert actions[:4] == ["box.return", "box.issue", "box.move", "box.create"]
    assert panel.card.barcode == result.barcodes[1]


def test_a_mistyped_barcode_is_refused_and_the_run_goes_on(qtbot, desk):
    outcome = _scan(qtbot, desk, "BX0000001A")
    assert not outcome.ok
    assert "check character" in desk.scan_panel.message.text()
    unknown = _scan(qtbot, desk, "NOT-A-BOX")
    assert not unknown.ok and "not known" in unknown.message
    assert desk.scan_panel.log.count() == 2
    assert desk.scan_panel.field.text() == ""


def test_printed_labels_keep_their_barcodes(qtbot, desk, tmp_path):
    """The print path paints rasterised pages full-page; print to a PDF 'printer' and read back."""
    from PySide6.QtPrintSupport import QPrinter

    from paperless_ig.services import deposits, labels
    from paperless_ig.ui.printing import paint_pages

    result = deposits.log_deposit(desk.db, ADMIN, deposits.DepositRequest(
        "FIN-AP", "FIN-01-01", [deposits.BoxSpec("Invoices", trigger_date=date(2020, 1, 1))] * 4))
    source = tmp_path / "labels.pdf"
    labels.make_labels(desk.db, source, deposit_id=result.deposit_id)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setFullPage(True)
    printer.setResolution(300)
    paint_pages(printer, convert_from_path(str(source), dpi=300))
    image = convert_from_path(str(tmp_path / "printed.pdf"), dpi=300)[0]
    assert {r.text for r in zxingcpp.read_barcodes(image)} == set(result.barcodes)


def test_the_main_window_opens_the_desk_with_ctrl_1(qtbot, sqlite_db):
    from paperless_ig.ui.main_window import MainWindow
    from paperless_ig.ui.pages import install_pages

    schedule.import_example(sqlite_db, ADMIN)
    teams.add_team(sqlite_db, ADMIN, teams.TeamSpec("NCC", "Resources", "FIN-AP", "Accounts Payable", "H"))
    window = MainWindow(sqlite_db, ADMIN)
    window.show_error = lambda message: None
    install_pages(window)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.current_page_key() != "loading", timeout=WAIT)
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.page("desk"), DeskPage)
    assert "Import box &register…" in [a.text() for a in window.file_menu.actions()]
    assert window.current_page_key() == "desk"
    qtbot.waitUntil(lambda: window.page("desk").deposit_form.team.count() == 1, timeout=WAIT)
    assert tasks.wait_for_tasks()


def test_the_position_statement_is_exported_from_the_file_menu(qtbot, sqlite_db, tmp_path):
    from openpyxl import load_workbook

    from paperless_ig.services import demo
    from paperless_ig.ui.main_window import MainWindow
    from paperless_ig.ui.pages import export_position_statement, install_pages

    demo.load_demo(sqlite_db, ADMIN, 500, seed=1)
    window = MainWindow(sqlite_db, ADMIN)
    window.show_error = lambda message: None
    install_pages(window)
    qtbot.addWidget(window)
    assert "Export &position statement…" in [a.text() for a in window.file_menu.actions()]
    out = tmp_path / "statement.xlsx"
    task = export_position_statement(window, str(out))
    with qtbot.waitSignal(task.signals.succeeded, timeout=60_000):
        pass
    assert "Summary" in load_workbook(out, read_only=True).sheetnames
    assert tasks.wait_for_tasks()


def test_a_scan_made_anywhere_on_the_desk_opens_the_box(qtbot, desk):
    """GIVEN the focus in the deposit form WHEN the scanner types a code and Enter
    THEN the box opens on the scanning tab and the form field is untouched; typing by hand still types."""
    from paperless_ig.services import deposits

    code = deposits.log_deposit(desk.db, ADMIN, deposits.DepositRequest(
        "FIN-AP", "FIN-01-01", [deposits.BoxSpec("Invoices", date(2020, 1, 1))])).barcodes[0]
    desk.new_deposit()
    field = desk.deposit_form.brought_by
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=WAIT)
    with qtbot.waitSignal(desk.scan_panel.scanned, timeout=WAIT) as blocker:
        qtbot.keyClicks(field, code)
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert blocker.args[0].ok and blocker.args[0].box.barcode == code
    assert desk.tabs.currentWidget() is desk.scan_panel and field.text() == ""
    desk.new_deposit()
    field.setFocus()
    qtbot.keyClicks(field, "Pat", delay=120)  # a person, not a scanner
    qtbot.waitUntil(lambda: field.text() == "Pat", timeout=WAIT)
