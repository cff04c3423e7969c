"""The Disposal screen as its users walk it: queue, batch, extension, approval, destruction, certificate."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from sqlalchemy import text

from paperless_ig.domain import clock
from paperless_ig.services import disposal
from paperless_ig.services.holds import HoldSpec
from paperless_ig.ui import tasks
from paperless_ig.ui.disposal_view import BATCHES_TAB, HOLDS_TAB, QUEUE_TAB, DisposalPage
from tests.test_disposal import stock

pytestmark = pytest.mark.gui
WAIT = 30_000  # generous: a loaded CI machine is slow, a pass is still fast
RM, IAO, OTHER_IAO, DESK = "rita", "ian", "olga", "dora"


@pytest.fixture
def store(sqlite_db, today):
    """Two teams with their own IAOs; six boxes due today, two not yet, one permanent."""
    yield stock(sqlite_db, today)
    assert tasks.wait_for_tasks()


def sql_due_count(db, as_of: date) -> int:
    """The due queue counted without the service: past its date, on the shelf, not held."""
    with db.read() as session:
        return session.execute(text(
            "SELECT count(*) FROM boxes b WHERE b.disposal_date IS NOT NULL "
            "AND b.disposal_date <= :d AND b.status IN ('in_store', 'digitised', 'queued_for_disposal') "
            "AND NOT EXISTS (SELECT 1 FROM legal_holds h JOIN hold_scopes s ON s.hold_id = h.id "
            "WHERE h.released_on IS NULL AND (s.box_id = b.id OR s.team_id = b.team_id "
            "OR s.class_id = b.class_id))"), {"d": as_of}).scalar_one()


def open_page(qtbot, db, login: str, questions: list[str]) -> DisposalPage:
    page = DisposalPage(db, login)
    page.confirm = lambda question: questions.append(question) or True  # no modal questions
    qtbot.addWidget(page)
    page.resize(1366, 700)
    return page


def show_for_approval(qtbot, page: DisposalPage, batch_id: int) -> None:
    """An IAO (or anyone who is not a records manager) lands on the Batches tab."""
    with qtbot.waitSignal(page.batch_shown, timeout=WAIT,
                          check_params_cb=lambda shown: shown == batch_id):
        page.show()
    assert page.tabs.currentIndex() == BATCHES_TAB


def test_a_batch_from_queue_to_certificate(qtbot, qtmodeltester, store, tmp_path):
    """GIVEN six boxes past their disposal date in two teams
    WHEN the records manager batches one team's four boxes, extends one with a reason,
    the team's IAO approves on their own screen, and the records manager records destruction
    THEN the certificate lists every destroyed box and the batch reads "completed"."""
    today = clock.today()
    questions: list[str] = []
    rm = open_page(qtbot, store, RM, questions)
    with qtbot.waitSignal(rm.queue_loaded, timeout=WAIT) as loaded:
        rm.show()
    assert loaded.args[0] == sql_due_count(store, today) == 6
    assert rm.queue_count.text() == f"6 boxes due as of {today.strftime('%d/%m/%Y')}"
    qtbot.waitUntil(lambda: rm.figures["boxes"].text() == "6", timeout=WAIT)  # the backlog strip

    # grouped by team: the counts beside the queue, and the team's rows together
    with qtbot.waitSignals([rm.queue_loaded, rm.groups_loaded], timeout=WAIT):
        rm.set_grouping("team")
    assert {rm.summary.item(r, 0).text(): rm.summary.item(r, 1).text()
            for r in range(rm.summary.rowCount())} == {"FIN-AP": "4", "CSC-RA": "2"}
    model = rm.queue_model
    fin_rows = [r for r in range(model.total) if model.row_data(r).team == "FIN-AP"]
    assert fin_rows == [2, 3, 4, 5]  # sorted by team: CSC-RA's two boxes come first
    assert model.data(model.index(0, 7)) == "destroy (confidential)"
    fin_group = next(r for r in range(rm.summary.rowCount()) if rm.summary.item(r, 0).text() == "FIN-AP")
    rm.summary.cellClicked.emit(fin_group, 0)  # the summary takes you to the team's first box
    assert rm.queue_table.currentIndex().row() == 2
    assert rm.team_batch_button.text() == "New batch for team FIN-AP…"

    # a batch from the selected rows, after the question
    rm.select_queue_rows(fin_rows)
    assert rm.new_batch_button.isEnabled()
    with qtbot.waitSignal(rm.batch_shown, timeout=WAIT):
        rm.new_batch_button.click()
    assert questions[-1] == "Put 4 boxes into a new disposal batch?"
    batch = rm.batch
    assert sorted(batch.barcodes) == sorted(store.codes["fin_due"])
    assert rm.tabs.currentIndex() == BATCHES_TAB
    qtbot.waitUntil(lambda: rm.batch_table.rowCount() == 1, timeout=WAIT)
    assert rm.batch_table.item(0, 0).text() == f"Batch {batch.batch_id}"
    assert rm.batch_table.item(0, 4).text() == f"Ian Iao ({IAO})"  # waiting for the FIN-AP IAO
    qtmodeltester.check(rm.decisions_model)

    # an extension needs a reason: refused without one, kept with one
    keep, *destroy = store.codes["fin_due"]
    with qtbot.waitSignal(rm.action_failed, timeout=WAIT) as refused:
        rm.set_decision(keep, "extend", date(today.year + 3, 1, 1))
    assert "needs a new date and a reason" in refused.args[0]
    assert "needs a new date and a reason" in rm.message.text()
    with qtbot.waitSignal(rm.action_done, timeout=WAIT):
        rm.set_decision(keep, "extend", date(today.year + 3, 1, 1), "Audit in progress")
    # the batch's decisions are read again after the change: wait for them
    qtbot.waitUntil(lambda: any(d.barcode == keep and d.decision == "extend"
                                for d in rm.decisions_model.rows), timeout=WAIT)
    row = next(d for d in rm.decisions_model.rows if d.barcode == keep)
    assert (row.decision, row.extend_to, row.reason) == ("extend", date(today.year + 3, 1, 1),
                                                         "Audit in progress")
    index = rm.decisions_model.rows.index(row)
    assert rm.decisions_model.data(rm.decisions_model.index(index, 4)) == f"extend to 01/01/{today.year + 3}"
    assert rm.decisions_model.data(rm.decisions_model.index(index, 6)) == "Audit in progress"
    assert not rm.approve_button.isEnabled()  # the records manager is not the IAO

    # a desk user cannot approve: the button is off, and the service refuses anyway
    desk = open_page(qtbot, store, DESK, [])
    show_for_approval(qtbot, desk, batch.batch_id)
    assert not desk.approve_button.isEnabled() and not desk.decide_button.isEnabled()
    with qtbot.waitSignal(desk.action_failed, timeout=WAIT) as refused:
        desk.approve_selected()
    assert "cannot approve disposal" in refused.args[0]

    # the team's IAO approves on their own screen
    iao_questions: list[str] = []
    iao = open_page(qtbot, store, IAO, iao_questions)
    show_for_approval(qtbot, iao, batch.batch_id)
    assert iao.approve_button.isEnabled()
    assert "wait for your approval" in iao.batch_next.text()
    with qtbot.waitSignal(iao.action_done, timeout=WAIT):
        iao.approve_selected()
    assert iao_questions == [f"Approve the decisions on 4 boxes of your teams in batch {batch.batch_id} "
                             "(3 destroy, 1 extend)?"]
    assert iao.batch.status == "approved"

    # the records manager sees the approval and records the destruction
    with qtbot.waitSignal(rm.batch_shown, timeout=WAIT):
        rm.show_batch(batch.batch_id)
    assert all(d.approval == "approved" for d in rm.batch.decisions)
    assert rm.complete_button.isEnabled() and not rm.certificate_button.isEnabled()
    with qtbot.waitSignal(rm.action_done, timeout=WAIT) as completed:
        rm.complete_batch(today, disposal.METHODS[0], "Shire Secure Shredding", "SSS-0001",
                          ["A Witness"], 40.0)
    assert questions[-1].startswith("This records the destruction of 3 boxes and cannot be undone.")
    assert "3 destroyed" in completed.args[0] and "1 extended" in completed.args[0]
    assert rm.batch.status == "completed"
    assert rm.certificate_button.isEnabled() and not rm.complete_button.isEnabled()

    # the certificate, previewed, lists every destroyed box
    pdf = tmp_path / "certificate.pdf"
    with qtbot.waitSignal(rm.certificate_ready, timeout=WAIT):
        rm.write_certificate(pdf)
    assert pdf.exists() and pdf.with_suffix(".xlsx").exists()
    words = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert all(code in words for code in destroy)
    assert rm.certificate_dialog is not None and rm.certificate_dialog.isVisible()
    assert not rm.certificate_dialog.picture.pixmap().isNull()

    # the list, asked again from the database, says completed
    with qtbot.waitSignal(rm.batches_loaded, timeout=WAIT):
        rm.reload_batches()
    assert rm.batch_table.item(0, 1).text() == "completed"
    assert rm.batch_table.item(0, 4).text() == (f"completed {today.strftime('%d/%m/%Y')} · "
                                                "certificate SSS-0001")

    # back on the queue: the destroyed and extended boxes have left it
    with qtbot.waitSignal(rm.queue_loaded, timeout=WAIT) as loaded:
        rm.tabs.setCurrentIndex(QUEUE_TAB)
    assert loaded.args[0] == sql_due_count(store, today) == 2


def test_a_team_batch_and_a_hold_that_pulls_its_boxes(qtbot, store):
    """GIVEN a batch for one team's boxes WHEN a hold is placed over their class
    THEN the page says which boxes were pulled, and the released hold lets them back."""
    questions: list[str] = []
    rm = open_page(qtbot, store, RM, questions)
    with qtbot.waitSignal(rm.queue_loaded, timeout=WAIT):
        rm.show()
    with qtbot.waitSignal(rm.batch_shown, timeout=WAIT):
        rm.create_batch_for_team("CSC-RA")
    assert questions[-1] == "Put 2 boxes of team CSC-RA into a new disposal batch?"
    assert sorted(rm.batch.barcodes) == sorted(store.codes["csc_due"])

    with qtbot.waitSignal(rm.holds_loaded, timeout=WAIT) as listed:
        rm.tabs.setCurrentIndex(HOLDS_TAB)
    assert listed.args[0] == 0
    with qtbot.waitSignals([rm.action_done, rm.holds_loaded], timeout=WAIT):
        rm.place_hold(HoldSpec("Inquiry", "Statutory inquiry", classes=("CSC-04-01",)))
    message = rm.message.text()
    assert "2 boxes were pulled out of disposal batches" in message
    assert all(code in message for code in store.codes["csc_due"])
    qtbot.waitUntil(lambda: all(d.outcome == "pulled" for d in rm.batch.decisions), timeout=WAIT)
    assert [rm.hold_table.item(0, c).text() for c in (0, 1, 2)] == ["Inquiry", "active", "class CSC-04-01"]
    with qtbot.waitSignals([rm.action_done, rm.holds_loaded], timeout=WAIT):
        rm.release_hold("Inquiry", "Inquiry closed")
    assert questions[-1].startswith("Release the legal hold 'Inquiry'?")
    assert rm.hold_table.item(0, 1).text().startswith("released")

    # without a reason nothing is released, and the page says why
    with qtbot.waitSignal(rm.action_failed, timeout=WAIT) as refused:
        rm.release_hold("Inquiry", " ")
    assert "needs a reason" in refused.args[0]


def test_an_empty_queue_says_nothing_is_due(qtbot, store):
    rm = open_page(qtbot, store, RM, [])
    with qtbot.waitSignal(rm.queue_loaded, timeout=WAIT):
        rm.show()
    with qtbot.waitSignal(rm.queue_loaded, timeout=WAIT) as loaded:
        rm.set_as_of(date(2015, 1, 1))
    assert loaded.args[0] == sql_due_count(store, date(2015, 1, 1)) == 0
    assert rm.queue_stack.currentWidget() is rm.queue_empty
    assert rm.queue_empty_heading.text() == "Nothing is due as of 01/01/2015"
    assert not rm.new_batch_button.isEnabled() and not rm.team_batch_button.isEnabled()


def test_a_rejection_stands_until_it_is_overturned_on_purpose(qtbot, store, today):
    """GIVEN the IAO rejected one box of four WHEN they press Approve… with nothing selected
    THEN the question names the three still waiting and says the rejected one stays rejected,
    only those three are approved, Complete… says one box goes back to the store; and only
    Overturn rejection… on the selected box, with a reason, approves it."""
    questions: list[str] = []
    batch = disposal.create_batch(store, RM, today, teams=["FIN-AP"])
    refused, *others = store.codes["fin_due"]
    rm = open_page(qtbot, store, RM, questions)
    iao = open_page(qtbot, store, IAO, questions)
    show_for_approval(qtbot, iao, batch.batch_id)
    iao.select_decisions([refused])
    with qtbot.waitSignal(iao.action_done, timeout=WAIT):
        iao.reject_selected("Still needed for a tribunal")
    iao.select_decisions([])
    assert not iao.overturn_button.isEnabled()  # nothing rejected is selected
    with qtbot.waitSignal(iao.action_done, timeout=WAIT) as done:
        iao.approve_button.click()
    assert questions[-1] == (f"Approve the decisions on 3 boxes of your teams in batch {batch.batch_id} "
                             "(3 destroy)?\n\n1 box you rejected stays rejected.")
    assert "Approved 3 boxes" in done.args[0] and "1 you rejected left rejected" in done.args[0]
    states = {d.barcode: d.approval for d in disposal.get_batch(store, batch.batch_id).decisions}
    assert states == {refused: "rejected", **{code: "approved" for code in others}}
    assert not iao.approve_button.isEnabled()  # nothing of theirs waits any more

    # the records manager's Complete… says, before it starts, what will happen
    with qtbot.waitSignal(rm.batch_shown, timeout=WAIT):
        rm.show()
        rm.show_batch(batch.batch_id)
    assert rm.complete_button.isEnabled()
    with qtbot.waitSignal(rm.action_done, timeout=WAIT):
        rm.complete_batch(today, disposal.METHODS[0], "Shire Secure Shredding", "SSS-0002")
    question = questions[-1]
    assert question.startswith("This records the destruction of 3 boxes")
    assert (f"1 box goes back to the store, not destroyed ({refused}: rejected by ian: Still needed "
            "for a tribunal)") in question
    assert disposal.get_batch(store, batch.batch_id).status == "completed"


def test_overturn_and_complete_are_offered_only_when_they_can_act(qtbot, store, today):
    questions: list[str] = []
    batch = disposal.create_batch(store, RM, today, teams=["FIN-AP"])
    refused = store.codes["fin_due"][0]
    rm = open_page(qtbot, store, RM, questions)
    with qtbot.waitSignal(rm.batch_shown, timeout=WAIT):
        rm.show()
        rm.show_batch(batch.batch_id)
    assert not rm.complete_button.isEnabled()  # nothing is approved yet
    assert "approved at least one box" in rm.complete_button.toolTip()
    iao = open_page(qtbot, store, IAO, questions)
    show_for_approval(qtbot, iao, batch.batch_id)
    iao.select_decisions([refused])
    with qtbot.waitSignal(iao.action_done, timeout=WAIT):
        iao.reject_selected("Still needed")
    iao.select_decisions([refused])
    assert iao.overturn_button.isEnabled()
    with qtbot.waitSignal(iao.action_done, timeout=WAIT) as done:
        iao.overturn_selected("Tribunal withdrawn", [refused])
    assert "now approved" in done.args[0]
    decision = next(d for d in disposal.get_batch(store, batch.batch_id).decisions if d.barcode == refused)
    assert (decision.approval, decision.approval_note) == ("approved", "Tribunal withdrawn")


def test_a_look_ahead_shows_what_falls_due_but_makes_no_batch(qtbot, store, today):
    """GIVEN the queue set to a later date WHEN boxes due only then are selected
    THEN no batch can be made from them: the buttons are off and say why."""
    rm = open_page(qtbot, store, RM, [])
    with qtbot.waitSignal(rm.queue_loaded, timeout=WAIT):
        rm.show()
    later = date(today.year + 7, 4, 1)
    with qtbot.waitSignal(rm.queue_loaded, timeout=WAIT) as loaded:
        rm.set_as_of(later)
    assert loaded.args[0] == sql_due_count(store, later) > sql_due_count(store, today)
    rm.select_queue_rows([0, 1])
    assert not rm.new_batch_button.isEnabled() and not rm.team_batch_button.isEnabled()
    assert "due by today" in rm.new_batch_button.toolTip()
    with qtbot.waitSignal(rm.queue_loaded, timeout=WAIT):
        rm.set_as_of(today)
    rm.select_queue_rows([0, 1])
    assert rm.new_batch_button.isEnabled()
