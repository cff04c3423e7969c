"""The deposit desk's services: deposits, scans, shelving, loans."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from paperless_ig.domain.barcodes import has_valid_check
from paperless_ig.domain.errors import BadInput, Conflict, NotFound, PermissionDenied
from paperless_ig.services import audit, boxes, deposits, locations, schedule, teams, users
from paperless_ig.store.models import Box, Challenge, Loan
from tests.conftest import ADMIN

DESK = "dora"


@pytest.fixture
def desk(db):
    schedule.import_example(db, ADMIN)
    teams.add_team(db, ADMIN, teams.TeamSpec("NCC", "Resources", "FIN-AP", "Accounts Payable", "H A"))
    teams.add_team(db, ADMIN, teams.TeamSpec("NCC", "Resources", "HR-ADV", "HR Advisory", "H A"))
    users.add_user(db, ADMIN, DESK, "desk")
    users.add_user(db, ADMIN, "vic", "viewer")
    locations.add_location(db, DESK, "M-001-1-01", capacity=2)
    locations.add_location(db, DESK, "M-001-1-02", capacity=6)
    return db


def _deposit(db, count=3, **overrides):
    spec = deposits.BoxSpec("Paid invoices 2019/20", trigger_date=date(2019, 6, 5))
    request = deposits.DepositRequest("FIN-AP", "FIN-01-01", [spec] * count, "Pat",
                                      received_on=date(2026, 11, 2), **overrides)
    return deposits.log_deposit(db, DESK, request)


def test_logging_a_deposit_allocates_checked_barcodes_and_disposal_dates(desk):
    result = _deposit(desk, challenge=deposits.ChallengeAnswers(
        why_paper="Suppliers post invoices", legally_required="no", could_be_digital="yes",
        process_owner="Finance manager", outcome="accepted_referred"))
    assert len(set(result.barcodes)) == 3 and all(has_valid_check(b) for b in result.barcodes)
    # end of financial year 2019/20 is 31 March 2020, plus six years
    assert result.disposal_dates == [date(2026, 3, 31)] * 3
    second = _deposit(desk, count=2)
    assert not set(second.barcodes) & set(result.barcodes)
    with desk.read() as session:
        assert session.execute(select(Challenge.outcome)).scalar_one() == "accepted_referred"
        assert len(session.execute(select(Box.id)).all()) == 5
    events = audit.history(desk, "box", result.barcodes[0])
    assert events[0].action == "box.create" and events[0].actor == DESK
    assert audit.history(desk, "deposit", result.deposit_id)[0].after["challenge"]["outcome"] == (
        "accepted_referred")
    assert audit.verify(desk).ok


def test_preview_warns_of_personal_data_weight_and_mixed_retention(desk):
    request = deposits.DepositRequest("HR-ADV", "HR-01-01", [
        deposits.BoxSpec("Personnel file Mr Smith", date_to=date(2020, 1, 1)),
        deposits.BoxSpec("Leavers 2020", date_to=date(2020, 1, 1), weight_kg=22,
                         other_classes=("HR-03-01",)),
        deposits.BoxSpec("Leavers 2021", date_to=date(2021, 1, 1)),
    ])
    warnings = deposits.preview(desk, request).warnings
    assert any(w.startswith("box 1:") and "may name a person" in w for w in warnings)
    assert any(w.startswith("box 2:") and "22 kg" in w for w in warnings)
    assert any(w.startswith("box 2:") and "HR-03-01" in w for w in warnings)
    assert not any(w.startswith("box 3:") for w in warnings)


def test_bad_deposits_are_refused_and_write_nothing(desk):
    with pytest.raises(NotFound, match="team 'NOPE'"):
        deposits.log_deposit(desk, DESK, deposits.DepositRequest(
            "NOPE", "FIN-01-01", [deposits.BoxSpec("x", date(2020, 1, 1))]))
    with pytest.raises(BadInput, match="box 1: records run from"):
        deposits.log_deposit(desk, DESK, deposits.DepositRequest(
            "FIN-AP", "FIN-01-01", [deposits.BoxSpec("x", None, date(2021, 1, 1), date(2020, 1, 1))]))
    with pytest.raises(PermissionDenied):
        deposits.log_deposit(desk, "vic", deposits.DepositRequest(
            "FIN-AP", "FIN-01-01", [deposits.BoxSpec("x", date(2020, 1, 1))]))
    with desk.read() as session:
        assert session.execute(select(Box.id)).first() is None


def test_shelving_checks_capacity_and_refuses_repeats(desk):
    codes = _deposit(desk).barcodes
    assert boxes.move(desk, DESK, codes[0], "M-001-1-01").location == "M-001-1-01"
    with pytest.raises(Conflict, match="already on M-001-1-01"):
        boxes.move(desk, DESK, codes[0], "M-001-1-01")
    boxes.move(desk, DESK, codes[1], "M-001-1-01")
    with pytest.raises(Conflict, match=r"full \(2 of 2"):
        boxes.move(desk, DESK, codes[2], "M-001-1-01")
    location_barcode = locations.list_locations(desk)[1].barcode
    assert boxes.move(desk, DESK, codes[2], location_barcode).location == "M-001-1-02"
    history = audit.history(desk, "box", codes[2])
    assert history[0].action == "box.move" and history[0].after == {"location": "M-001-1-02"}


def test_scans_are_cleaned_and_typos_refused(desk):
    code = _deposit(desk, count=1).barcodes[0]
    assert boxes.scan(desk, f"\x1d{code.lower()}\r\n").code == code
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(BadInput, match="fails its check character"):
        boxes.scan(desk, typo)
    with pytest.raises(NotFound, match="not known here"):
        boxes.scan(desk, "BX99999990"[:-1] + _check("BX9999999"))
    with pytest.raises(NotFound):
        boxes.scan(desk, "OLD-REG-1")
    with pytest.raises(BadInput, match="location barcode, not a box"):
        boxes.show(desk, locations.list_locations(desk)[0].barcode)


def _check(body):
    from paperless_ig.domain.barcodes import check_character

    return check_character(body)


def test_issue_and_return_a_box(desk):
    code = _deposit(desk, count=1).barcodes[0]
    today = date(2026, 11, 26)
    lent = boxes.issue(desk, DESK, code, "HR-ADV", today=today)
    assert lent.status == "out_on_loan" and lent.loan.due_on == today + timedelta(days=28)
    with pytest.raises(Conflict, match="only a box in store can be issued"):
        boxes.issue(desk, DESK, code, "HR-ADV", today=today)
    assert [o.barcode for o in boxes.overdue_loans(desk, today + timedelta(days=40))] == [code]
    back = boxes.return_box(desk, DESK, code, today=today + timedelta(days=3))
    assert back.status == "in_store" and back.loan is None
    with pytest.raises(Conflict, match="not out on loan"):
        boxes.return_box(desk, DESK, code)
    with desk.read() as session:
        assert session.execute(select(Loan.returned_on)).scalar_one() == today + timedelta(days=3)
    assert [e.action for e in audit.history(desk, "box", code)][:2] == ["box.return", "box.issue"]


def test_challenge_context_compares_the_last_year_with_the_one_before(desk):
    today = date(2026, 11, 26)
    spec = deposits.BoxSpec("Invoices", trigger_date=date(2019, 6, 5))
    for received, count in ((today - timedelta(days=500), 2), (today - timedelta(days=30), 5)):
        deposits.log_deposit(desk, DESK, deposits.DepositRequest(
            "FIN-AP", "FIN-01-01", [spec] * count, received_on=received))
    context = deposits.challenge_context(desk, "FIN-AP", as_of=today)
    assert (context.last_12, context.prior_12) == (5, 2)
    assert context.trend_text.startswith("still growing")
    assert [r.boxes for r in context.recent] == [5, 2]


def test_box_show_reports_a_hold(desk):
    from paperless_ig.store.models import HoldScope, LegalHold, RetentionClass

    code = _deposit(desk, count=1).barcodes[0]
    with desk.write() as session:
        klass = session.execute(select(RetentionClass).where(RetentionClass.code == "FIN-01-01")).scalar_one()
        hold = LegalHold(name="Audit inquiry", reason="r", placed_by=ADMIN, starts_on=date(2020, 1, 1))
        session.add(hold)
        session.flush()
        session.add(HoldScope(hold_id=hold.id, class_id=klass.id))
    detail = boxes.show(desk, code)
    assert detail.on_hold and detail.holds == ["Audit inquiry"]
    assert detail.as_json()["on_hold"] is True
