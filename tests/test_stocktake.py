"""Stocktake: expected and found, missing, found elsewhere, unknown; accepting moves."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from paperless_ig.services import audit, boxes, deposits, locations, schedule, stocktake, teams
from paperless_ig.store.models import Stocktake, StocktakeItem
from tests.conftest import ADMIN


def _setup(db):
    schedule.import_example(db, ADMIN)
    teams.add_team(db, ADMIN, teams.TeamSpec("NCC", "Resources", "FIN-AP", "Accounts Payable", "H"))
    locations.add_location(db, ADMIN, "M-001-1-01")
    locations.add_location(db, ADMIN, "M-001-1-02")
    codes = deposits.log_deposit(db, ADMIN, deposits.DepositRequest(
        "FIN-AP", "FIN-01-01", [deposits.BoxSpec("Invoices", date(2020, 1, 1))] * 4)).barcodes
    for code in codes[:3]:
        boxes.move(db, ADMIN, code, "M-001-1-01")
    boxes.move(db, ADMIN, codes[3], "M-001-1-02")
    return codes


def test_a_shelf_compared_with_the_records(db):
    codes = _setup(db)
    typo = codes[2][:-1] + ("A" if codes[2][-1] != "A" else "B")
    scanned = [codes[0], f" {codes[1].lower()}\r", codes[1], codes[3], typo, "GHOST-7"]
    report = stocktake.compare(db, "M-001-1-01", scanned)
    assert report.expected == sorted(codes[:3])
    assert report.found == [codes[0], codes[1]]
    assert report.missing == [codes[2]]
    assert [(e.barcode, e.recorded_location) for e in report.elsewhere] == [(codes[3], "M-001-1-02")]
    assert [u.scanned for u in report.unknown] == [typo, "GHOST-7"]
    assert "check character" in report.unknown[0].reason
    assert "not known" in report.unknown[1].reason


def test_saving_with_accepted_moves_moves_the_boxes_and_keeps_the_record(db):
    codes = _setup(db)
    result = stocktake.save(db, ADMIN, "M-001-1-01", [codes[0], codes[3]], accept_moves=True)
    assert result.moved == [codes[3]]
    assert boxes.show(db, codes[3]).location == "M-001-1-01"
    with db.read() as session:
        record = session.get(Stocktake, result.stocktake_id)
        assert (record.expected, record.found, record.missing, record.elsewhere) == (3, 1, 2, 1)
        outcomes = sorted(session.execute(select(StocktakeItem.outcome)).scalars())
        assert outcomes == ["elsewhere", "found", "missing", "missing"]
    history = audit.history(db, "box", codes[3])
    assert history[0].action == "box.move" and "stocktake" in history[0].after["why"]
    assert audit.verify(db).ok


def test_saving_without_accepting_moves_nothing(db):
    codes = _setup(db)
    stocktake.save(db, ADMIN, "M-001-1-01", [codes[3]])
    assert boxes.show(db, codes[3]).location == "M-001-1-02"
