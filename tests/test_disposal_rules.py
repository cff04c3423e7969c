"""No box is destroyed against the rules: every path through a box's decision states.

The states of one box in a batch: waiting, approved, rejected, extended, pulled by a hold.
The table below walks each path to completion on SQLite and PostgreSQL; the property test
throws random sequences of decide, approve, reject, overturn and hold at a batch and checks
that whatever happened, nothing was destroyed that its owner refused, that a hold covers,
or whose retention had not run.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from paperless_ig.domain.errors import BadInput, Conflict, PaperlessError, PermissionDenied
from paperless_ig.services import audit, boxes, disposal, disposal_documents, holds, teams, users
from paperless_ig.store.database import Database
from tests.conftest import ADMIN
from tests.test_disposal import IAO, OTHER_IAO, RM, stock

RM2 = "rob"  # a second records manager, to complete what rita made


@pytest.fixture
def store(db, today):
    """The due boxes of tests/test_disposal.py: four finance, two children's, each team its IAO."""
    return stock(db, today)


def _people(db: Database) -> None:
    users.add_user(db, ADMIN, RM2, "records_manager")


def _batch(db: Database, today: date) -> tuple[int, str]:
    """A batch of every due box; the other IAO approves the children's boxes, so completion
    always has something to carry out besides the box under test (the first finance box)."""
    _people(db)
    info = disposal.create_batch(db, RM, today)
    disposal.approve(db, OTHER_IAO, info.batch_id)
    return info.batch_id, db.codes["fin_due"][0]


def _complete(db: Database, batch_id: int, on: date) -> disposal.Completion:
    return disposal.complete(db, RM2, batch_id, on, "pulping", "Pulpco", "P-9")


# (case, steps, expected end of the box under test). A step is (who, action); an expected
# error at a step is given as ("raises", step index, error type).
CASES = [
    ("waiting only", [], "pulled: not approved"),
    ("approved by name", [("approve",)], "destroyed"),
    ("approved with the rest", [("approve_all",)], "destroyed"),
    ("rejected", [("reject",)], "pulled: rejected by ian"),
    ("rejected, then approve-all", [("reject",), ("approve_all",)], "pulled: rejected by ian"),
    ("rejected, then approved by name", [("reject",), ("approve", Conflict)], "pulled: rejected by ian"),
    ("rejected, then overturned", [("reject",), ("overturn",)], "destroyed"),
    ("approved, then rejected", [("approve",), ("reject",)], "pulled: rejected by ian"),
    ("extended and approved", [("extend",), ("approve_all",)], "extended"),
    ("rejected, destroy decided again", [("reject",), ("destroy", Conflict)], "pulled: rejected by ian"),
    ("rejected, then extended", [("reject",), ("extend",), ("approve_all",)], "extended"),
    ("approved, then held", [("approve",), ("hold",)], "pulled: legal hold"),
    ("overturn of a box not rejected", [("overturn", BadInput), ("approve",)], "destroyed"),
]


def _step(db: Database, batch_id: int, barcode: str, action: str, today: date):
    if action == "approve":
        return disposal.approve(db, IAO, batch_id, [barcode])
    if action == "approve_all":
        return disposal.approve(db, IAO, batch_id)
    if action == "reject":
        return disposal.reject(db, IAO, batch_id, [barcode], "Still needed for a tribunal")
    if action == "overturn":
        return disposal.approve(db, IAO, batch_id, [barcode], overturn=True,
                                reason="Tribunal withdrawn")
    if action == "extend":
        return disposal.decide(db, RM, batch_id, barcode, "extend", today + timedelta(days=400),
                               "Audit in progress")
    if action == "destroy":
        return disposal.decide(db, RM, batch_id, barcode, "destroy")
    if action == "hold":
        return holds.add_hold(db, RM, holds.HoldSpec("Tribunal", "Employment tribunal", boxes=(barcode,)))
    raise AssertionError(action)


@pytest.mark.parametrize("case,steps,expected", CASES, ids=[c[0] for c in CASES])
def test_each_path_through_a_decision(store, today, case, steps, expected):
    batch_id, box = _batch(store, today)
    for step in steps:
        action, *error = step
        if error:
            with pytest.raises(error[0]):
                _step(store, batch_id, box, action, today)
        else:
            _step(store, batch_id, box, action, today)
    done = _complete(store, batch_id, today)
    pulled = {p["barcode"]: p["reason"] for p in done.pulled}
    status = boxes.show(store, box).status
    if expected == "destroyed":
        assert box in done.destroyed and status == "destroyed"
    elif expected == "extended":
        assert box in done.extended and status == "in_store"
    else:
        assert box not in done.destroyed and status == "in_store"
        assert expected.split(": ", 1)[1] in pulled[box]
    assert set(store.codes["csc_due"]) <= set(done.destroyed)
    assert audit.verify(store).ok


def test_approve_all_leaves_a_rejection_standing_and_says_so(store, today):
    """GIVEN the IAO rejected one of their boxes WHEN they approve the batch with nothing named
    THEN the others are approved, the rejected one is counted as left rejected, and completion
    returns it to the store with the reason, on the certificate under "not destroyed"."""
    batch_id, box = _batch(store, today)
    disposal.reject(store, IAO, batch_id, [box], "Still needed for a tribunal")
    done = disposal.approve(store, IAO, batch_id)
    assert done.left_rejected == [box]
    assert box not in done.approved and len(done.approved) == 3
    result = _complete(store, batch_id, today)
    assert box not in result.destroyed
    certificate = disposal_documents.certificate(store, batch_id)
    assert [(r.barcode, r.reason) for r in certificate.pulled] == [
        (box, "rejected by ian: Still needed for a tribunal")]
    assert box not in [r.barcode for r in certificate.destroyed]
    history = [e.action for e in audit.history(store, "box", box)]
    assert "disposal.reject" in history and "disposal.pull" in history


def test_an_overturn_is_its_own_audited_act_with_both_decisions(store, today):
    batch_id, box = _batch(store, today)
    disposal.reject(store, IAO, batch_id, [box], "Still needed")
    with pytest.raises(BadInput, match="needs a reason"):
        disposal.approve(store, IAO, batch_id, [box], overturn=True, reason=" ")
    with pytest.raises(BadInput, match="names each box"):
        disposal.approve(store, IAO, batch_id, overturn=True, reason="why")
    done = disposal.approve(store, IAO, batch_id, [box], overturn=True, reason="Tribunal withdrawn")
    assert done.overturned == [box]
    event = next(e for e in audit.history(store, "box", box) if e.action == "disposal.overturn")
    assert event.before["approval"] == "rejected" and event.before["note"] == "Still needed"
    assert event.after["approval"] == "approved" and event.after["reason"] == "Tribunal withdrawn"


def test_completion_with_nothing_approved_changes_nothing(store, today):
    _people(store)
    batch_id = disposal.create_batch(store, RM, today).batch_id
    before = disposal.get_batch(store, batch_id)
    with pytest.raises(BadInput, match="nothing to carry out"):
        _complete(store, batch_id, today)
    after = disposal.get_batch(store, batch_id)
    assert after == before and after.status == "draft"
    assert boxes.show(store, store.codes["fin_due"][0]).status == "queued_for_disposal"


def test_completing_twice_is_refused(store, today):
    batch_id, _box = _batch(store, today)
    _complete(store, batch_id, today)
    with pytest.raises(Conflict, match="completed"):
        _complete(store, batch_id, today)


def test_no_box_is_destroyed_before_its_disposal_date(store, today):
    """GIVEN a batch may not be made for a future day, and a box whose disposal date moved on
    after it was batched WHEN the batch is completed THEN that box is pulled back, named."""
    _people(store)
    with pytest.raises(BadInput, match="at the latest"):
        disposal.create_batch(store, RM, today + timedelta(days=1))
    assert disposal.due(store, today + timedelta(days=3650))  # looking ahead still works
    batch_id, box = _batch(store, today)
    disposal.approve(store, IAO, batch_id)
    later = today + timedelta(days=30)
    with store.write() as session:  # corrected behind the batch's back (as a box edit would)
        session.execute(text("UPDATE boxes SET disposal_date = :d WHERE barcode = :b"),
                        {"d": later, "b": box})
    with pytest.raises(BadInput, match="before batch"):
        _complete(store, batch_id, today - timedelta(days=1))
    done = _complete(store, batch_id, today)
    reason = {p["barcode"]: p["reason"] for p in done.pulled}[box]
    assert reason == (f"not due until {later.isoformat()}: its retention has not run on "
                      f"{today.isoformat()}")
    assert boxes.show(store, box).status == "in_store"


def test_the_maker_of_a_batch_never_approves_it_and_an_approver_never_completes_it(store, today):
    _people(store)
    users.add_user(store, ADMIN, "rm1", "records_manager")
    teams.add_team(store, ADMIN, teams.TeamSpec("NCC", "Resources", "RES-07", "Estates", "Rm One", "rm1"))
    from paperless_ig.services import deposits

    deposits.log_deposit(store, ADMIN, deposits.DepositRequest(
        "RES-07", "FIN-01-01", [deposits.BoxSpec("Leases", date(today.year - 9, 6, 1))],
        received_on=date(2020, 1, 1)))
    own = disposal.create_batch(store, "rm1", today, teams=["RES-07"]).batch_id
    with pytest.raises(PermissionDenied, match="made batch"):
        disposal.approve(store, "rm1", own)
    disposal.cancel_batch(store, "rm1", own, "made by the IAO")
    other = disposal.create_batch(store, RM, today, teams=["RES-07"]).batch_id
    disposal.approve(store, "rm1", other)
    with pytest.raises(PermissionDenied, match="cannot also record"):
        disposal.complete(store, "rm1", other, today, "pulping", "Pulpco", "P-1")
    assert _complete(store, other, today).destroyed


def test_naming_an_iao_is_an_admins_act_and_applies_to_later_batches(store, today):
    """GIVEN a batch waiting for the finance IAO WHEN a records manager tries to name
    themselves IAO THEN they are refused; when the admin names a new IAO, it is audited and
    the batch already made still waits for the IAO it was made under."""
    batch_id, box = _batch(store, today)
    spec = teams.TeamSpec("NCC", "Resources", "FIN-AP", "Accounts Payable", "Rita", RM)
    with pytest.raises(PermissionDenied, match="Information Asset Owner login"):
        teams.add_team(store, RM, spec)
    users.add_user(store, ADMIN, "nina", "viewer")
    teams.add_team(store, ADMIN, teams.TeamSpec("NCC", "Resources", "FIN-AP", "Accounts Payable",
                                                "Nina New", "nina"))
    event = audit.history(store, "team", "FIN-AP")[0]
    assert event.before["iao_login"] == IAO and event.after["iao_login"] == "nina"
    with pytest.raises(PermissionDenied, match="not the Information Asset Owner"):
        disposal.approve(store, "nina", batch_id, [box])
    assert disposal.approve(store, IAO, batch_id, [box]).approved == [box]


def test_no_certificate_for_a_batch_that_destroyed_nothing(store, today):
    _people(store)
    info = disposal.create_batch(store, RM, today, teams=["FIN-AP"])
    for code in info.barcodes:
        disposal.decide(store, RM, info.batch_id, code, "extend", today + timedelta(days=400), "Audit")
    disposal.approve(store, IAO, info.batch_id)
    done = _complete(store, info.batch_id, today)
    assert sorted(done.extended) == sorted(info.barcodes) and not done.destroyed
    with pytest.raises(Conflict, match="nothing to certify"):
        disposal_documents.certificate(store, info.batch_id)


# -- the property -----------------------------------------------------------------------------
ACTIONS = st.lists(st.tuples(
    st.sampled_from(["approve", "approve_all", "reject", "overturn", "extend", "destroy", "hold"]),
    st.integers(min_value=0, max_value=3)), max_size=8)


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_whatever_happens_nothing_is_destroyed_against_the_rules(sqlite_template, tmp_path_factory,
                                                                 today, actions):
    """Any sequence of decisions, approvals, rejections, overturns and holds, then completion:
    no box whose owner's latest word was a rejection, no box under a hold on the completion
    date, and no box before its disposal date is destroyed."""
    folder = tmp_path_factory.mktemp("prop")
    shutil.copy(sqlite_template, folder / "p.sqlite3")
    db = Database(str(folder / "p.sqlite3"))
    try:
        _whatever_happens(db, today, actions)
    finally:
        db.dispose()


def _whatever_happens(db: Database, today: date, actions) -> None:
    stock(db, today)
    batch_id, _box = _batch(db, today)
    fin = db.codes["fin_due"]
    owner_said: dict[str, str] = {}
    held: set[str] = set()
    for action, index in actions:
        box = fin[index]
        try:
            result = _step(db, batch_id, box, action, today)
        except PaperlessError:
            continue
        if isinstance(result, disposal.Approval):  # what the owner said, box by box
            owner_said.update({b: "approved" for b in result.approved + result.overturned})
        elif action == "reject":
            owner_said[box] = "rejected"
        elif action == "hold":
            held.add(box)
    done = _complete(db, batch_id, today)
    for box in done.destroyed:
        detail = boxes.show(db, box)
        assert owner_said.get(box) != "rejected", box
        assert box not in held and detail.disposal_date is not None and detail.disposal_date <= today
    with db.read() as session:
        destroyed_rows = session.execute(text(
            "SELECT barcode FROM boxes WHERE status = 'destroyed'")).scalars().all()
    assert sorted(destroyed_rows) == sorted(done.destroyed)


@pytest.mark.slow
def test_the_command_line_keeps_a_rejection_and_refuses_what_is_not_due(cli, sqlite_template, tmp_path,
                                                                          today):
    """The review's own steps, at the command line: reject one box, approve the batch, complete."""
    path = tmp_path / "cli.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(str(path))
    stock(db, today)
    _people(db)
    fin = db.codes["fin_due"]
    db.dispose()
    url = str(path)
    future = (today + timedelta(days=400)).isoformat()
    ahead = cli("disposal", "batch", "create", "--team", "FIN-AP", "--as-of", future, db=db, user=RM)
    assert ahead.returncode == 2 and "at the latest" in ahead.stderr
    assert cli("disposal", "batch", "create", "--team", "FIN-AP", "--db", url, user=RM).returncode == 0
    nothing = cli("disposal", "complete", "1", "--date", today.isoformat(), "--method", "pulping",
                  "--contractor", "Pulpco", "--certificate-no", "P-1", "--db", url, user=RM2)
    assert nothing.returncode == 2 and "nothing was changed" in nothing.stderr
    cli("disposal", "reject", "1", "--box", fin[0], "--reason", "Still needed for a tribunal",
        "--db", url, user=IAO, check=True)
    approved = cli("disposal", "approve", "1", "--json", "--db", url, user=IAO, check=True)
    assert json.loads(approved.stdout)["left_rejected"] == [fin[0]]
    again = cli("disposal", "approve", "1", "--box", fin[0], "--db", url, user=IAO)
    assert again.returncode == 2 and "--overturn" in again.stderr
    done = json.loads(cli("disposal", "complete", "1", "--date", today.isoformat(), "--method",
                          "pulping", "--contractor", "Pulpco", "--certificate-no", "P-1", "--json",
                          "--db", url, user=RM2, check=True).stdout)
    assert sorted(done["destroyed"]) == sorted(fin[1:])
    assert done["pulled"] == [{"barcode": fin[0], "reason": "rejected by ian: Still needed for a tribunal"}]
    shown = json.loads(cli("box", "show", fin[0], "--json", "--db", url, check=True).stdout)
    assert shown["status"] == "in_store"
    refused = cli("team", "add", "--code", "RES-07", "--name", "Estates", "--directorate", "Resources",
                  "--organisation", "NCC", "--iao-login", RM, "--db", url, user=RM)
    assert refused.returncode == 2 and "Information Asset Owner login" in refused.stderr
