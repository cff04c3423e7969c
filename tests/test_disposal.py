"""Disposal: the due queue, holds, batches, the IAO's approval and destruction."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from paperless_ig.domain.errors import BadInput, PermissionDenied
from paperless_ig.services import audit, boxes, demo, deposits, disposal, holds, schedule, teams, users
from tests.conftest import ADMIN

RM, IAO, OTHER_IAO, DESK = "rita", "ian", "olga", "dora"


@pytest.fixture
def AS_OF(today):
    return today


@pytest.fixture
def store(db, today):
    """Two teams with their own IAOs; six boxes due, two not yet, one permanent."""
    return stock(db, today)


def stock(db, today):
    """Fill ``db`` as ``store`` does (the property test needs it outside a fixture).

    Dates are years before today, so the same boxes are due (and not) on any day the suite runs.
    """
    schedule.import_example(db, ADMIN)
    teams.add_team(db, ADMIN, teams.TeamSpec("NCC", "Resources", "FIN-AP", "Accounts Payable",
                                             "Ian Iao", IAO))
    teams.add_team(db, ADMIN, teams.TeamSpec("NCCS", "Children's Social Care", "CSC-RA",
                                             "Referral and Assessment", "Olga Other", OTHER_IAO))
    for login, role in ((RM, "records_manager"), (IAO, "viewer"), (OTHER_IAO, "viewer"), (DESK, "desk")):
        users.add_user(db, ADMIN, login, role)

    def deposit(team, klass, trigger, count):
        return deposits.log_deposit(db, ADMIN, deposits.DepositRequest(
            team, klass, [deposits.BoxSpec("Records", trigger)] * count,
            received_on=date(2020, 1, 1))).barcodes

    db.codes = {
        # 6 years from the 31 March after the trigger: due on 31 March of last year
        "fin_due": deposit("FIN-AP", "FIN-01-01", date(today.year - 8, 6, 1), 4),
        "fin_later": deposit("FIN-AP", "FIN-01-01", date(today.year - 1, 6, 1), 2),  # in 6 years
        "csc_due": deposit("CSC-RA", "CSC-04-01", date(today.year - 16, 1, 1), 2),  # 6 years ago
        "permanent": deposit("FIN-AP", "GOV-01-01", date(2000, 1, 1), 1),
    }
    return db


def test_due_queue_is_what_an_independent_query_says(store, AS_OF):
    due = {b.barcode for b in disposal.due(store, AS_OF)}
    with store.read() as session:
        expected = set(session.execute(text(
            "SELECT barcode FROM boxes WHERE disposal_date IS NOT NULL AND disposal_date <= :d "
            "AND status IN ('in_store', 'digitised', 'queued_for_disposal')"), {"d": AS_OF}).scalars())
    assert due == expected == set(store.codes["fin_due"] + store.codes["csc_due"])
    one = next(b for b in disposal.due(store, AS_OF) if b.barcode == store.codes["fin_due"][0])
    assert one.days_overdue == (AS_OF - date(AS_OF.year - 1, 3, 31)).days
    assert one.action == "destroy_confidential"


def test_a_moratorium_on_a_class_keeps_its_boxes_out_whatever_their_date(store, AS_OF):
    holds.add_hold(store, RM, holds.HoldSpec("Inquiry", "Statutory inquiry", classes=("CSC-04-01",)))
    far_future = AS_OF + timedelta(days=365 * 200)
    due = {b.barcode for b in disposal.due(store, far_future)}
    assert not due & set(store.codes["csc_due"])
    assert set(store.codes["fin_due"]) <= due
    assert boxes.show(store, store.codes["csc_due"][0]).on_hold
    with pytest.raises(BadInput):
        disposal.create_batch(store, RM, far_future, barcodes=store.codes["csc_due"])


def test_released_hold_and_narrowed_scopes(store, AS_OF):
    holds.add_hold(store, RM, holds.HoldSpec("Claim", "Litigation", teams=("FIN-AP",),
                                             records_from=date(AS_OF.year - 8, 1, 1),
                                             records_to=date(AS_OF.year - 8, 12, 31)))
    due = {b.barcode for b in disposal.due(store, AS_OF)}
    assert not due & set(store.codes["fin_due"])
    with pytest.raises(BadInput, match="needs a reason"):
        holds.release_hold(store, RM, "Claim", " ")
    holds.release_hold(store, RM, "Claim", "Claim settled")
    assert set(store.codes["fin_due"]) <= {b.barcode for b in disposal.due(store, AS_OF)}
    assert not holds.list_holds(store)[0].active


def test_the_whole_batch_from_queue_to_certificate(store, AS_OF):
    batch = disposal.create_batch(store, RM, AS_OF, teams=["FIN-AP"])
    assert sorted(batch.barcodes) == sorted(store.codes["fin_due"])
    assert batch.waiting_for() == [IAO]
    keep, transfer, *destroy = store.codes["fin_due"]
    with pytest.raises(BadInput, match="new date and a reason"):
        disposal.decide(store, RM, batch.batch_id, keep, "extend", date(AS_OF.year + 3, 1, 1))
    disposal.decide(store, RM, batch.batch_id, keep, "extend", date(AS_OF.year + 3, 1, 1),
                    "Audit in progress")
    disposal.decide(store, RM, batch.batch_id, transfer, "transfer")
    with pytest.raises(PermissionDenied, match="cannot approve"):
        disposal.approve(store, DESK, batch.batch_id)
    with pytest.raises(PermissionDenied, match="not the Information Asset Owner"):
        disposal.approve(store, OTHER_IAO, batch.batch_id, [destroy[0]])
    approved = disposal.approve(store, IAO, batch.batch_id)
    assert approved.info.status == "approved"
    done = disposal.complete(store, RM, batch.batch_id, AS_OF, "confidential shredding",
                             "Shire Secure Shredding", "SSS-0001", ["A Witness"], 40.0)
    assert sorted(done.destroyed) == sorted(destroy)
    assert done.transferred == [transfer] and done.extended == [keep] and done.pulled == []
    gone = boxes.show(store, destroy[0])
    assert gone.status == "destroyed" and gone.location is None  # the record stays
    assert boxes.show(store, keep).disposal_date == date(AS_OF.year + 3, 1, 1)
    assert boxes.show(store, transfer).status == "transferred"
    assert audit.history(store, "box", destroy[0])[0].after["certificate_no"] == "SSS-0001"
    assert not set(destroy) & {b.barcode for b in disposal.due(store, AS_OF)}
    assert audit.verify(store).ok


def test_a_hold_placed_after_approval_pulls_the_box(store, AS_OF):
    batch = disposal.create_batch(store, RM, AS_OF, teams=["FIN-AP"])
    disposal.approve(store, IAO, batch.batch_id)
    target = store.codes["fin_due"][0]
    _info, pulled = holds.add_hold(store, RM, holds.HoldSpec("FOI appeal", "Tribunal", boxes=(target,)))
    assert pulled == [(target, "placed under legal hold 'FOI appeal'")]
    done = disposal.complete(store, RM, batch.batch_id, AS_OF, "pulping", "Pulpco", "P-1")
    assert {"barcode": target, "reason": "placed under legal hold 'FOI appeal'"} in done.pulled
    assert target not in done.destroyed and boxes.show(store, target).status == "in_store"


def test_rejected_and_unapproved_boxes_are_not_destroyed(store, AS_OF):
    batch = disposal.create_batch(store, RM, AS_OF)
    fin, csc = store.codes["fin_due"][0], store.codes["csc_due"][0]
    disposal.reject(store, IAO, batch.batch_id, [fin], "Still needed for an audit")
    disposal.approve(store, OTHER_IAO, batch.batch_id, [store.codes["csc_due"][1]])
    done = disposal.complete(store, RM, batch.batch_id, AS_OF, "pulping", "Pulpco", "P-2")
    pulled = {p["barcode"]: p["reason"] for p in done.pulled}
    assert "rejected by ian" in pulled[fin]
    assert "not approved" in pulled[csc]
    assert done.destroyed == [store.codes["csc_due"][1]]


def test_undo_before_completion(store, AS_OF):
    batch = disposal.create_batch(store, RM, AS_OF, teams=["FIN-AP"])
    code = batch.barcodes[0]
    assert boxes.show(store, code).status == "queued_for_disposal"
    disposal.remove_box(store, RM, batch.batch_id, code)
    assert boxes.show(store, code).status == "in_store"
    disposal.cancel_batch(store, RM, batch.batch_id, "Wrong as-of date")
    assert all(boxes.show(store, c).status == "in_store" for c in store.codes["fin_due"])
    again = disposal.create_batch(store, RM, AS_OF, teams=["FIN-AP"])
    assert sorted(again.barcodes) == sorted(store.codes["fin_due"])


def test_backlog_figures(store, AS_OF):
    figures = disposal.backlog(store, AS_OF)
    assert figures.overdue_boxes == 6
    assert figures.oldest_overdue == min(b.disposal_date for b in disposal.due(store, AS_OF))
    assert sum(count for _, count in figures.by_age) == 6
    assert abs(figures.overdue_metres - 6 * 0.143) < 1e-6


def test_demo_backlog_respects_the_demo_moratorium(db, AS_OF):
    demo.load_demo(db, ADMIN, 3000, seed=2, as_of=AS_OF)
    due = disposal.due(db, AS_OF)
    assert due and not any(b.class_code.startswith("CSC-") for b in due)


def test_the_json_queue_built_by_the_database_matches_the_python_one(store, AS_OF):
    import json

    holds.add_hold(store, RM, holds.HoldSpec("Inquiry", "r", classes=("CSC-04-01",)))
    batch = disposal.create_batch(store, RM, AS_OF, barcodes=[store.codes["fin_due"][0]])
    from_db = [json.loads(row) for row in disposal.iter_due_json(store, AS_OF)]
    from_python = [b.as_json() for b in disposal.due(store, AS_OF)]
    assert from_db == from_python
    assert from_db[0]["batch_id"] == batch.batch_id or any(r["batch_id"] for r in from_db)
    # exactly the box taken into the batch says so
    in_batch = {r["barcode"]: r["batch_id"] for r in from_db if r["batch_id"]}
    assert in_batch == {store.codes["fin_due"][0]: batch.batch_id}


def test_batch_summaries_say_who_each_batch_waits_for(store, AS_OF):
    batch = disposal.create_batch(store, RM, AS_OF)
    summary = disposal.batch_summaries(store)[0]
    assert (summary.batch_id, summary.boxes) == (batch.batch_id, 6)
    assert summary.waiting_for() == sorted([IAO, OTHER_IAO]) == batch.waiting_for()
    disposal.approve(store, IAO, batch.batch_id)
    assert disposal.batch_summaries(store)[0].waiting_for() == [OTHER_IAO]
    assert dict(disposal.due_groups(store, AS_OF, "class")) == {"FIN-01-01": 4, "CSC-04-01": 2}


def test_the_store_list_calls_due_exactly_what_the_queue_offers(store, AS_OF):
    """GIVEN boxes past their date, some under a moratorium WHEN the store list pages them
    THEN each row is marked due exactly when the due queue holds it (a held box is not)."""
    from paperless_ig.services import store_query

    holds.add_hold(store, RM, holds.HoldSpec("Inquiry", "Statutory inquiry", classes=("CSC-04-01",)))
    rows = store_query.page(store, store_query.BoxFilter(), limit=100, as_of=AS_OF)
    due = {b.barcode for b in disposal.due(store, AS_OF)}
    assert {r.barcode: r.due for r in rows} == {r.barcode: r.barcode in due for r in rows}
    assert not any(r.due for r in rows if r.barcode in store.codes["csc_due"])
    assert all(r.due for r in rows if r.barcode in store.codes["fin_due"])
