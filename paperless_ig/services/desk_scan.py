"""The desk's scan runs, as plain Python a test can drive without a screen.

A run is in one mode: *look up* (show what was scanned), *shelve* (scan a
shelf, then boxes onto it), *issue* (boxes out to a chosen team), *return*
(boxes back in) or *stocktake* (a shelf, then everything on it). Each scan
gives an ``Outcome`` the window shows; a refused scan says why and the run
goes on. Scanning a shelf while looking up starts shelving onto it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from paperless_ig.domain.errors import BadInput, PaperlessError
from paperless_ig.services import boxes, stocktake
from paperless_ig.services.locations import LocationInfo, info
from paperless_ig.store.database import Database


class Mode(StrEnum):
    LOOK_UP = "look_up"
    SHELVE = "shelve"
    ISSUE = "issue"
    RETURN = "return"
    STOCKTAKE = "stocktake"


MODE_LABELS = {Mode.LOOK_UP: "Look up", Mode.SHELVE: "Shelve", Mode.ISSUE: "Issue",
               Mode.RETURN: "Return", Mode.STOCKTAKE: "Stocktake"}


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str
    scanned: str
    box: boxes.BoxDetail | None = None
    location: LocationInfo | None = None
    stocktake: stocktake.StocktakeReport | None = None  # the shelf so far, while counting


@dataclass
class ScanRun:
    mode: Mode = Mode.LOOK_UP
    location: str | None = None  # the shelf being filled or counted
    issue_to: str | None = None
    due: date | None = None
    counted: list[str] = field(default_factory=list)

    def set_mode(self, mode: Mode) -> None:
        self.mode = mode
        self.location = None
        self.counted = []

    def copy(self) -> ScanRun:
        """A run of its own for a worker thread: the window's run is only touched by the window,
        which takes the copy back when the scan is done (see ui/desk.py)."""
        return replace(self, counted=list(self.counted))

    def handle(self, db: Database, actor: str, raw: str) -> Outcome:
        try:
            return self._handle(db, actor, raw)
        except PaperlessError as exc:
            return Outcome(False, str(exc), raw.strip())

    def _location_info(self, db: Database, code: str) -> LocationInfo:
        with db.read() as session:
            return info(session, boxes.location_from_scan(session, code))

    def _handle(self, db: Database, actor: str, raw: str) -> Outcome:
        scan = boxes.scan(db, raw)
        if scan.kind == "location":
            return self._on_location(db, scan.code)
        if self.mode is Mode.LOOK_UP:
            detail = boxes.show(db, scan.code)
            return Outcome(True, f"{detail.barcode}: {detail.status_label}", scan.code, detail)
        if self.mode is Mode.SHELVE:
            if not self.location:
                raise BadInput("scan the shelf's barcode first, then the boxes")
            detail, occupied, capacity = boxes.move_and_count(db, actor, scan.code, self.location)
            shelf = LocationInfo(self.location, "", "", capacity, occupied)
            return Outcome(True, f"{detail.barcode} shelved on {self.location} "
                                 f"({occupied} of {capacity})", scan.code, detail, shelf)
        if self.mode is Mode.ISSUE:
            if not self.issue_to:
                raise BadInput("choose the team the boxes go to first")
            detail = boxes.issue(db, actor, scan.code, self.issue_to, self.due)
            return Outcome(True, f"{detail.barcode} issued to {self.issue_to}, due "
                                 f"{detail.loan.due_on:%d/%m/%Y}", scan.code, detail)
        if self.mode is Mode.RETURN:
            detail = boxes.return_box(db, actor, scan.code)
            where = detail.location or "the returns shelf"
            return Outcome(True, f"{detail.barcode} returned: put it back on {where}", scan.code, detail)
        return self._count(db, scan.code)

    def _on_location(self, db: Database, code: str) -> Outcome:
        shelf = self._location_info(db, code)
        if self.mode in (Mode.LOOK_UP, Mode.SHELVE):
            self.mode, self.location = Mode.SHELVE, shelf.code
            return Outcome(True, f"Shelving onto {shelf.code}: {shelf.free} of {shelf.capacity} "
                                 "places free. Scan the boxes.", code, location=shelf)
        if self.mode is Mode.STOCKTAKE:
            self.location, self.counted = shelf.code, []
            return Outcome(True, f"Stocktake of {shelf.code}: {shelf.occupied} boxes expected. "
                                 "Scan every box on the shelf.", code, location=shelf,
                           stocktake=stocktake.compare(db, shelf.code, []))
        raise BadInput(f"{shelf.code} is a shelf: scan a box to {MODE_LABELS[self.mode].lower()}")

    def _count(self, db: Database, code: str) -> Outcome:
        if not self.location:
            raise BadInput("scan the shelf's barcode first, then every box on it")
        if code in self.counted:
            raise BadInput(f"{code} was already counted on this shelf")
        # Count it only once the database has answered, so a scan kept through an
        # outage is not refused as "already counted" when it is tried again.
        report = stocktake.compare(db, self.location, [*self.counted, code])
        self.counted.append(code)
        where = "on this shelf" if code in report.found else "recorded elsewhere"
        return Outcome(True, f"{code} counted ({where}); {len(report.found)} of "
                             f"{len(report.expected)} expected found", code, stocktake=report)

    def finish_stocktake(self, db: Database, actor: str, accept_moves: bool) -> stocktake.StocktakeResult:
        if self.mode is not Mode.STOCKTAKE or not self.location:
            raise BadInput("no stocktake is running: scan a shelf in stocktake mode first")
        result = stocktake.save(db, actor, self.location, self.counted, accept_moves)
        self.location, self.counted = None, []
        return result
