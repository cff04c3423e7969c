"""The deposit desk: one scan field that is always ready, and the deposit form.

The scan field takes what a keyboard-wedge scanner types (the code, then
Enter). Each scan runs off the GUI thread on the one-thread quick pool, in
order, through the core ``ScanRun``; the window shows the outcome in a log
and, for a box, its details and history. A refused scan beeps, shows why in
red, and the run goes on. F1–F5 choose the mode; Esc returns to the field.

When the database cannot be reached (a PostgreSQL server that went away, a
network share that vanished), a scan is not refused: it is kept, a banner
says so, and the panel tries again with a growing pause (2 s, then longer,
at most 15 s). Scans made meanwhile wait behind it, so they are handled in
the order made once the database is back.
"""

from __future__ import annotations

import html
from collections import deque
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from paperless_ig.domain import clock
from paperless_ig.services import audit, boxes, teams
from paperless_ig.services.connection import database_unreachable
from paperless_ig.services.desk_scan import MODE_LABELS, Mode, Outcome, ScanRun
from paperless_ig.store.database import Database
from paperless_ig.ui import theme
from paperless_ig.ui.deposit_form import DepositForm
from paperless_ig.ui.scan_catcher import ScanCatcher
from paperless_ig.ui.tasks import run_task

MODE_HINTS = {
    Mode.LOOK_UP: "Scan a box to see it, or a shelf to start shelving onto it.",
    Mode.SHELVE: "Scan the shelf's barcode, then each box to put on it.",
    Mode.ISSUE: "Choose the team and due date, then scan each box going out.",
    Mode.RETURN: "Scan each box coming back in.",
    Mode.STOCKTAKE: "Scan the shelf's barcode, then every box on it; then Finish stocktake.",
}
OK_COLOUR, BAD_COLOUR = QColor("#1b6e20"), QColor("#b3261e")
RETRY_FIRST_MS, RETRY_MAX_MS = 2000, 15000


def _date_text(value: date | None, none: str = "—") -> str:
    return value.strftime("%d/%m/%Y") if value else none


def box_history(db: Database, detail: boxes.BoxDetail | None) -> list[audit.AuditEntry]:
    """The box's own events and its deposit's, newest first."""
    if detail is None:
        return []
    entries = audit.history(db, "box", detail.barcode, 50)
    if detail.deposit_id:
        entries += audit.history(db, "deposit", detail.deposit_id, 5)
    return sorted(entries, key=lambda e: e.seq, reverse=True)


class BoxCard(QFrame):
    """The details of the box last scanned, and its history from the audit trail."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("note")
        layout = QVBoxLayout(self)
        self.title = theme.heading("No box yet", level=2)
        self.title.setAccessibleName("Box")
        layout.addWidget(self.title)
        self.empty = theme.paragraph("Scan a box barcode, or type it and press Enter. The box's "
                                     "team, class, shelf, disposal date and history appear here.",
                                     muted=True)
        layout.addWidget(self.empty)
        self.grid = QGridLayout()
        self.values: dict[str, QLabel] = {}
        for row, (key, label) in enumerate((
                ("status", "Status"), ("team", "Team"), ("class", "Retention class"),
                ("title", "Contents"), ("dates", "Records"), ("location", "Shelf"),
                ("disposal", "Disposal date"), ("holds", "Legal holds"), ("loan", "Loan"))):
            name = QLabel(label + ":")
            name.setObjectName("muted")
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(value, row, 1)
            self.values[key] = value
        self.grid.setColumnStretch(1, 1)
        layout.addLayout(self.grid)
        self.history = QTableWidget(0, 3)
        self.history.setHorizontalHeaderLabels(["When", "Who", "What"])
        self.history.verticalHeader().setVisible(False)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.history.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.history, 1)
        self.bottom = layout.addStretch(1)
        self._set_visible(False)
        self.barcode: str | None = None

    def _set_visible(self, shown: bool) -> None:
        self.layout().setStretch(self.layout().count() - 1, 0 if shown else 1)
        self.empty.setVisible(not shown)
        for index in range(self.grid.count()):
            self.grid.itemAt(index).widget().setVisible(shown)
        self.history.setVisible(shown)

    def show_box(self, detail: boxes.BoxDetail, history: list[audit.AuditEntry]) -> None:
        self.barcode = detail.barcode
        self.title.setText(detail.barcode)
        values = {
            "status": detail.status_label,
            "team": f"{detail.team} {detail.team_name}",
            "class": f"{detail.class_code} {detail.class_label}",
            "title": detail.title,
            "dates": f"{_date_text(detail.date_from)} to {_date_text(detail.date_to)}",
            "location": detail.location or "not shelved yet",
            "disposal": _date_text(detail.disposal_date, "permanent"),
            "holds": "; ".join(detail.holds) or "none",
            "loan": (f"to {detail.loan.team}, due {_date_text(detail.loan.due_on)}"
                     if detail.loan else "—"),
        }
        for key, text in values.items():
            self.values[key].setText(text)
        self.values["holds"].setStyleSheet("color: #b3261e; font-weight: bold;" if detail.holds else "")
        self.history.setRowCount(len(history))
        for row, entry in enumerate(history):
            what = entry.action.replace(".", " ")
            if entry.after and "location" in entry.after:
                what += f" → {entry.after['location']}"
            for column, text in enumerate((entry.at.strftime("%d/%m/%Y %H:%M"), entry.actor, what)):
                self.history.setItem(row, column, QTableWidgetItem(text))
        self.history.resizeColumnToContents(0)
        self._set_visible(True)


class StocktakeView(QFrame):
    """The shelf being counted: what is expected, found, still missing, and out of place."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("note")
        layout = QVBoxLayout(self)
        self.title = theme.heading("Stocktake", level=2)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.lists = QLabel()
        self.lists.setWordWrap(True)
        self.lists.setTextFormat(Qt.TextFormat.RichText)
        self.lists.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.lists.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.lists, 1)

    def show_report(self, report) -> None:
        self.title.setText(f"Stocktake of {report.location}")
        self.summary.setText(
            f"{len(report.found)} of {len(report.expected)} expected boxes found · "
            f"{len(report.missing)} not yet scanned · {len(report.elsewhere)} recorded elsewhere · "
            f"{len(report.unknown)} unknown")

        def block(title: str, items: list[str], colour: str) -> str:
            if not items:
                return ""
            shown = ", ".join(html.escape(i) for i in items[:60])
            more = f" and {len(items) - 60} more" if len(items) > 60 else ""
            return f"<p><b style='color:{colour}'>{title}</b><br>{shown}{more}</p>"

        self.lists.setText(
            block("Not yet scanned (expected here)", report.missing, "#8a4b00")
            + block("Found here but recorded elsewhere",
                    [f"{e.barcode} (on {e.recorded_location or 'no shelf'})" for e in report.elsewhere],
                    "#b3261e")
            + block("Unknown or misread", [u.scanned for u in report.unknown], "#b3261e")
            + block("Found as expected", report.found, "#1b6e20"))


@dataclass(frozen=True)
class _Scan:
    """One scan waiting to be handled, with the issue choices made when it was scanned."""

    raw: str
    issue_to: str | None = None
    due: date | None = None


class OfflineBanner(QFrame):
    """Says the database cannot be reached and which scans are kept, with Try now."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offline")
        self.setStyleSheet("QFrame#offline { background: #fff4e0; border: 2px solid #8a4b00; "
                           "border-radius: 6px; } QFrame#offline QLabel { color: #4a2800; }")
        layout = QHBoxLayout(self)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setFont(theme.scaled_font(self.text, 1.1, bold=True))
        self.text.setAccessibleName("Database offline")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.try_now = QPushButton("Try &now")
        self.try_now.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan field keeps the focus
        layout.addWidget(self.text, 1)
        layout.addWidget(self.try_now)
        self.hide()

    def show_kept(self, kept: list[str]) -> None:
        if len(kept) == 1:
            scans = f"Your scan {kept[0]} is kept"
        else:
            shown = ", ".join(kept[:5]) + (f" and {len(kept) - 5} more" if len(kept) > 5 else "")
            scans = f"Your {len(kept)} scans ({shown}) are kept"
        self.text.setText(f"The database cannot be reached. {scans} and will be tried again "
                          "every few seconds; scans made now wait their turn, nothing is lost.")
        self.show()


class ScanPanel(QWidget):
    """The scan field, the mode buttons, the run log and the box card."""

    scanned = Signal(object)  # Outcome, after it is shown (tests wait on it)
    kept = Signal(str)  # a scan kept because the database cannot be reached
    reconnected = Signal()  # the database answered again after an outage

    def __init__(self, db: Database, login: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.login = db, login
        self.run = ScanRun()
        self.pending = 0
        # Scans not yet handled, oldest first; the head is the one being tried.
        self.queue: deque[_Scan] = deque()
        self.busy = False  # the head of the queue is being handled off the GUI thread
        self.offline = False
        self.attempts = 0  # tries of the kept scan since the database went away
        self.retry_first_ms, self.retry_max_ms = RETRY_FIRST_MS, RETRY_MAX_MS
        self._retry_ms = self.retry_first_ms
        self.retry_timer = QTimer(self)
        self.retry_timer.setSingleShot(True)
        self.retry_timer.timeout.connect(self.try_again)
        self.banner = OfflineBanner()
        self.banner.try_now.clicked.connect(self.try_again)

        self.field = QLineEdit()
        self.field.setPlaceholderText("Scan a barcode (or type it and press Enter)")
        self.field.setAccessibleName("Scan field")
        self.field.setFont(theme.scaled_font(self.field, 1.4))
        self.field.setMinimumHeight(40)
        self.field.returnPressed.connect(self._submit)

        self.mode_buttons = QButtonGroup(self)
        modes = QHBoxLayout()
        modes.setSpacing(4)
        for number, mode in enumerate(Mode, start=1):
            button = QPushButton(f"{MODE_LABELS[mode]}  F{number}")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setProperty("mode", mode.value)
            self.mode_buttons.addButton(button, number)
            modes.addWidget(button)
            QShortcut(QKeySequence(f"F{number}"), self, lambda m=mode: self.set_mode(m))
        self.mode_buttons.idClicked.connect(lambda i: self.set_mode(list(Mode)[i - 1]))
        modes.addStretch(1)

        self.hint = QLabel()
        self.hint.setObjectName("muted")
        self.issue_team = QComboBox()
        self.issue_team.setEditable(True)
        self.issue_team.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.issue_team.setAccessibleName("Issue to team")
        self.issue_team.setMinimumWidth(280)
        self.issue_team.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.issue_team.completer().setCompletionMode(self.issue_team.completer().CompletionMode.PopupCompletion)
        self.issue_due = QDateEdit(QDate(clock.today()).addDays(boxes.DEFAULT_LOAN_DAYS))
        self.issue_due.setCalendarPopup(True)
        self.issue_due.setDisplayFormat("dd/MM/yyyy")
        self.issue_row = QWidget()
        issue_layout = QHBoxLayout(self.issue_row)
        issue_layout.setContentsMargins(0, 0, 0, 0)
        issue_layout.addWidget(QLabel("Issue to:"))
        issue_layout.addWidget(self.issue_team)
        issue_layout.addWidget(QLabel("due back:"))
        issue_layout.addWidget(self.issue_due)
        issue_layout.addStretch(1)
        self.finish_button = QPushButton("&Finish stocktake…")
        self.finish_button.clicked.connect(self.finish_stocktake)

        context = QHBoxLayout()
        context.addWidget(self.hint, 1)
        context.addWidget(self.issue_row)
        context.addWidget(self.finish_button)

        self.message = QLabel(" ")
        self.message.setFont(theme.scaled_font(self.message, 1.15, bold=True))
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Last scan")

        self.log = QListWidget()
        self.log.setWordWrap(True)
        self.log.setAccessibleName("This run")
        self.log.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.card = BoxCard()
        self.shelf_view = StocktakeView()
        left = QStackedWidget()
        left.addWidget(self.card)
        left.addWidget(self.shelf_view)
        self.left = left
        split = QSplitter()
        split.addWidget(left)
        log_box = QWidget()
        log_layout = QVBoxLayout(log_box)
        log_layout.setContentsMargins(0, 0, 0, 0)
        log_layout.addWidget(theme.heading("This run", level=2))
        log_layout.addWidget(self.log)
        split.addWidget(log_box)
        split.setSizes([560, 360])

        layout = QVBoxLayout(self)
        layout.addWidget(self.field)
        layout.addWidget(self.banner)
        layout.addLayout(modes)
        layout.addLayout(context)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        self.set_mode(Mode.LOOK_UP)
        QShortcut(QKeySequence("Esc"), self, self.field.setFocus)

    # -- modes ---------------------------------------------------------------
    def set_teams(self, infos: list[teams.TeamInfo]) -> None:
        self.issue_team.clear()
        for info in infos:
            self.issue_team.addItem(info.label, info.code)
        self.issue_team.setCurrentIndex(-1)

    def set_mode(self, mode: Mode) -> None:
        if self.offline and mode is not self.run.mode:
            # Kept scans are handled in the mode they were made in.
            QApplication.beep()
            self._show_context()
            return
        self.run = self.run.copy()  # a scan still out keeps the run it started with
        self.run.set_mode(mode)
        self.mode_buttons.button(list(Mode).index(mode) + 1).setChecked(True)
        self._show_context()
        self.field.setFocus()

    def _show_context(self) -> None:
        mode = self.run.mode
        hint = MODE_HINTS[mode]
        if mode in (Mode.SHELVE, Mode.STOCKTAKE) and self.run.location:
            hint = f"{MODE_LABELS[mode]}: {self.run.location}. " + (
                "Scan boxes onto it." if mode is Mode.SHELVE else
                f"{len(self.run.counted)} boxes counted so far.")
        self.mode_buttons.button(list(Mode).index(mode) + 1).setChecked(True)
        self.hint.setText(hint)
        self.issue_row.setVisible(mode is Mode.ISSUE)
        self.finish_button.setVisible(mode is Mode.STOCKTAKE)
        self.finish_button.setEnabled(bool(self.run.location))

    # -- scanning ----------------------------------------------------------------
    def _submit(self) -> None:
        raw = self.field.text()
        self.field.clear()
        if not raw.strip():
            return
        self.scan(raw)

    def scan(self, raw: str) -> None:
        """Handle one scan off the GUI thread; scans are handled one at a time, in the order made."""
        if self.run.mode is Mode.ISSUE:
            item = _Scan(raw, self.issue_team.currentData() or self._typed_team(),
                         self.issue_due.date().toPython())
        else:
            item = _Scan(raw)
        self.pending += 1
        self.queue.append(item)
        if self.offline:
            self.kept.emit(raw)
            self._show_banner()
        self._next()

    def _next(self, retrying: bool = False) -> None:
        """Send the oldest scan to the quick pool, unless one is out or the database is away."""
        if self.busy or not self.queue or (self.offline and not retrying):
            return
        item = self.queue[0]
        # The worker changes a copy; the window's run is only ever touched on the GUI thread.
        started, db, login = self.run, self.db, self.login
        run = started.copy()
        if item.issue_to is not None or item.due is not None:
            run.issue_to, run.due = item.issue_to, item.due
        self.busy = True

        def job(_progress):
            outcome = run.handle(db, login, item.raw)
            try:
                history = box_history(db, outcome.box)
            except Exception as exc:
                if not database_unreachable(exc):
                    raise
                history = []  # the scan itself was handled: never handle it twice
            return outcome, history

        def handled(result) -> None:
            self._adopt(started, run)
            self._handled(result)

        run_task(self, job, quick=True, on_success=handled, on_failure=self._failed)

    def _adopt(self, started: ScanRun, done: ScanRun) -> None:
        """Take a worker's run back, unless the mode was changed while it worked."""
        if self.run is started:
            self.run = done

    def _handled(self, result) -> None:
        self.busy = False
        self.queue.popleft()
        self._back_online()
        self._show_outcome(result)
        self._next()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        if database_unreachable(exc):
            self._keep()
            return
        item = self.queue.popleft()
        self._back_online()  # the database answered, if only with an error
        self._show_outcome((Outcome(False, str(exc), item.raw), []))
        self._next()

    def _keep(self) -> None:
        """The database is away: keep every waiting scan and try the oldest again later."""
        if not self.offline:
            self.offline = True
            self._retry_ms = self.retry_first_ms
            self.kept.emit(self.queue[0].raw)
        else:
            self._retry_ms = min(self._retry_ms * 2, self.retry_max_ms)
        self.retry_timer.start(self._retry_ms)
        self._show_banner()
        self._show_context()

    def _show_banner(self) -> None:
        self.banner.show_kept([item.raw.strip() for item in self.queue])

    def try_again(self) -> None:
        """Try the oldest kept scan now (the retry timer and the banner's Try now)."""
        self.retry_timer.stop()
        if not self.offline or self.busy:
            return
        self.attempts += 1
        self._next(retrying=True)

    def _back_online(self) -> None:
        if not self.offline:
            return
        self.offline, self.attempts = False, 0
        self.retry_timer.stop()
        self.banner.hide()
        self._show_context()
        self.reconnected.emit()

    def _typed_team(self) -> str | None:
        text = self.issue_team.currentText().strip()
        return text.split()[0] if text else None

    def _show_outcome(self, result) -> None:
        outcome, history = result
        self.pending -= 1
        colour = OK_COLOUR if outcome.ok else BAD_COLOUR
        self.message.setText(("✓ " if outcome.ok else "✗ ") + outcome.message)
        self.message.setStyleSheet(f"color: {colour.name()};")
        item = QListWidgetItem(("✓ " if outcome.ok else "✗ ") + outcome.message)
        item.setForeground(colour)
        self.log.insertItem(0, item)
        if outcome.stocktake is not None:
            self.shelf_view.show_report(outcome.stocktake)
            self.left.setCurrentWidget(self.shelf_view)
        elif outcome.box:
            self.card.show_box(outcome.box, history)
            self.left.setCurrentWidget(self.card)
        if not outcome.ok:
            QApplication.beep()
        self._show_context()
        self.scanned.emit(outcome)

    def finish_stocktake(self) -> None:
        run = self.run
        if not run.location:
            return
        dialog = QDialog(self)
        dialog.setWindowTitle("Finish stocktake")
        layout = QVBoxLayout(dialog)
        layout.addWidget(theme.paragraph(
            f"Save the stocktake of {run.location} with {len(run.counted)} boxes counted. Boxes "
            "found here but recorded on another shelf can be moved here."))
        accept = QCheckBox("&Move boxes found here but recorded elsewhere to this shelf")
        accept.setChecked(True)
        layout.addWidget(accept)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.save_stocktake(accept.isChecked())

    def save_stocktake(self, accept_moves: bool) -> None:
        db, login, started = self.db, self.login, self.run
        run = started.copy()

        def saved(result) -> None:
            self._adopt(started, run)
            self._stocktake_saved(result)

        run_task(self, lambda _p: run.finish_stocktake(db, login, accept_moves), quick=True,
                 on_success=saved)

    def _stocktake_saved(self, result) -> None:
        report = result.report
        parts = [f"{len(report.found)} of {len(report.expected)} expected found"]
        if report.missing:
            parts.append(f"missing: {', '.join(report.missing)}")
        if report.elsewhere:
            moved = "moved here" if result.moved else "recorded elsewhere"
            parts.append(f"{moved}: {', '.join(e.barcode for e in report.elsewhere)}")
        if report.unknown:
            parts.append(f"unknown: {', '.join(u.scanned for u in report.unknown)}")
        text = f"Stocktake {result.stocktake_id} of {report.location} saved: " + "; ".join(parts)
        self._show_outcome((Outcome(report.clean, text, report.location), []))


class DeskPage(QWidget):
    """The desk job: the scan panel and the deposit form, side by side as tabs."""

    def __init__(self, db: Database, login: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.login = db, login
        self.tabs = QTabWidget()
        self.scan_panel = ScanPanel(db, login)
        self.deposit_form = DepositForm(db, login)
        self.tabs.addTab(self.scan_panel, "&Scanning")
        self.tabs.addTab(self.deposit_form, "New &deposit")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.tabs)
        QShortcut(QKeySequence("Ctrl+N"), self, self.new_deposit)
        QShortcut(QKeySequence("Ctrl+L"), self, self.focus_scan)
        # A scan made while the focus is anywhere else on the desk still opens the box.
        self.catcher = ScanCatcher(self, self.scan_panel.field)
        self.catcher.scanned.connect(self.scan_from_anywhere)
        self.deposit_form.logged.connect(lambda _result: None)
        self.reload()

    def reload(self) -> None:
        """Fetch the pickers' choices (teams, classes) off the GUI thread."""
        db = self.db
        run_task(self, lambda _p: teams.list_teams(db), quick=True, on_success=self._teams_arrived)
        self.deposit_form.reload()

    def _teams_arrived(self, infos: list[teams.TeamInfo]) -> None:
        self.scan_panel.set_teams(infos)

    def set_overview(self, _overview) -> None:
        self.reload()

    def new_deposit(self) -> None:
        self.tabs.setCurrentWidget(self.deposit_form)
        self.deposit_form.start()

    def focus_scan(self) -> None:
        self.tabs.setCurrentWidget(self.scan_panel)
        self.scan_panel.field.setFocus()

    def scan_from_anywhere(self, code: str) -> None:
        self.tabs.setCurrentWidget(self.scan_panel)
        self.scan_panel.field.setFocus()
        self.scan_panel.scan(code)

    def hideEvent(self, event) -> None:
        self.catcher.uninstall()
        super().hideEvent(event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.catcher.install()
        if self.tabs.currentWidget() is self.scan_panel:
            self.scan_panel.field.setFocus()


__all__ = ["BoxCard", "DeskPage", "ScanPanel"]
