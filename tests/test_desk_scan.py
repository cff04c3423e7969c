"""Scan runs at the desk, driven as the scanner would: code after code."""

from __future__ import annotations

from datetime import date

from paperless_ig.services import deposits, locations, schedule, teams
from paperless_ig.services.desk_scan import Mode, ScanRun
from tests.conftest import ADMIN


def _desk(db):
    schedule.import_example(db, ADMIN)
    teams.add_team(db, ADMIN, teams.TeamSpec("NCC", "Resources", "FIN-AP", "Accounts Payable", "H"))
    shelf = locations.add_location(db, ADMIN, "M-001-1-01", capacity=2)
    codes = deposits.log_deposit(db, ADMIN, deposits.DepositRequest(
        "FIN-AP", "FIN-01-01", [deposits.BoxSpec("Invoices", date(2020, 1, 1))] * 3)).barcodes
    return shelf, codes


def test_shelving_run_refuses_what_it_must_and_goes_on(db):
    shelf, codes = _desk(db)
    run = ScanRun()
    first = run.handle(db, ADMIN, codes[0] + "\r\n")
    assert first.ok and first.box.barcode == codes[0]  # look up
    started = run.handle(db, ADMIN, shelf.barcode)
    assert started.ok and run.mode is Mode.SHELVE and "2 of 2 places free" in started.message
    assert run.handle(db, ADMIN, codes[0]).ok
    repeat = run.handle(db, ADMIN, codes[0])
    assert not repeat.ok and "already on M-001-1-01" in repeat.message
    typo = run.handle(db, ADMIN, codes[1][:-1] + ("A" if codes[1][-1] != "A" else "B"))
    assert not typo.ok and "check character" in typo.message
    assert run.handle(db, ADMIN, codes[1]).ok
    full = run.handle(db, ADMIN, codes[2])
    assert not full.ok and "full" in full.message


def test_issue_and_return_runs(db):
    _, codes = _desk(db)
    run = ScanRun()
    run.set_mode(Mode.ISSUE)
    assert "choose the team" in run.handle(db, ADMIN, codes[0]).message
    run.issue_to, run.due = "FIN-AP", date(2030, 1, 1)
    issued = run.handle(db, ADMIN, codes[0])
    assert issued.ok and issued.box.status == "out_on_loan" and "01/01/2030" in issued.message
    run.set_mode(Mode.RETURN)
    assert run.handle(db, ADMIN, codes[0]).ok
    again = run.handle(db, ADMIN, codes[0])
    assert not again.ok and "not out on loan" in again.message


def test_stocktake_run(db):
    shelf, codes = _desk(db)
    run = ScanRun()
    run.handle(db, ADMIN, shelf.barcode)
    run.handle(db, ADMIN, codes[0])
    run.set_mode(Mode.STOCKTAKE)
    assert not run.handle(db, ADMIN, codes[0]).ok  # shelf first
    run.handle(db, ADMIN, shelf.code)
    assert run.handle(db, ADMIN, codes[1]).ok
    assert not run.handle(db, ADMIN, codes[1]).ok  # counted twice
    result = run.finish_stocktake(db, ADMIN, accept_moves=True)
    assert result.report.missing == [codes[0]] and result.moved == [codes[1]]
