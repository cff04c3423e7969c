"""The deposit form: who brought what, for how long it is kept, and the challenge.

Keyboard first: Tab moves through the fields in reading order, the pickers
search as you type, the boxes table accepts dates as dd/mm/yyyy or ISO, and
Ctrl+Enter logs the deposit. While the form is filled in, the class's
consequence ("destroy after 31/03/2033") and the desk's warnings are worked
out off the GUI thread. After logging, the labels are one keystroke away.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from paperless_ig.domain import clock
from paperless_ig.domain.dates import read_date
from paperless_ig.domain.errors import BadInput
from paperless_ig.domain.retention import ACTION_LABELS, TRIGGER_LABELS
from paperless_ig.exports.labels import SHEETS
from paperless_ig.services import deposits, labels, schedule, teams
from paperless_ig.store.database import Database
from paperless_ig.ui import theme
from paperless_ig.ui.tasks import error_text, run_task

BOX_COLUMNS = ("Title (no personal names)", "Records from", "Records to", "Trigger date", "Weight kg")
ANSWER_CHOICES = (("Not known", "unknown"), ("Yes", "yes"), ("No", "no"))


def searchable_combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setAccessibleName(name)
    completer = combo.completer()
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(completer.CompletionMode.PopupCompletion)
    combo.setMinimumWidth(320)
    return combo


class DepositForm(QWidget):
    logged = Signal(object)  # DepositResult
    failed = Signal(str)
    labels_written = Signal(str)

    def __init__(self, db: Database, login: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.login = db, login
        self.classes: dict[str, schedule.ClassInfo] = {}
        self.result: deposits.DepositResult | None = None
        self._preview_timer = QTimer(self, singleShot=True, interval=300)
        self._preview_timer.timeout.connect(self._preview)

        self.team = searchable_combo("Team")
        self.team.currentIndexChanged.connect(self._team_changed)
        self.brought_by = QLineEdit()
        self.brought_by.setPlaceholderText("Name of the person who brought the boxes")
        self.received = QDateEdit(QDate(clock.today()))
        self.received.setCalendarPopup(True)
        self.received.setDisplayFormat("dd/MM/yyyy")
        self.received.dateChanged.connect(self._changed)
        self.klass = searchable_combo("Retention class")
        self.klass.currentIndexChanged.connect(self._changed)
        self.consequence = QLabel()
        self.consequence.setWordWrap(True)
        self.count = QSpinBox()
        self.count.setRange(1, deposits.MAX_BOXES)
        self.count.valueChanged.connect(self._resize_table)

        form = QFormLayout()
        form.addRow("&Team:", self.team)
        form.addRow("&Brought by:", self.brought_by)
        form.addRow("Received by:", QLabel(login))
        form.addRow("&Received on:", self.received)
        form.addRow("Retention &class:", self.klass)
        form.addRow("", self.consequence)
        form.addRow("&Number of boxes:", self.count)

        self.table = QTableWidget(1, len(BOX_COLUMNS))
        self.table.setHorizontalHeaderLabels(BOX_COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Boxes")
        self.table.setMinimumHeight(140)
        self.table.itemChanged.connect(self._changed)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #8a4b00;")

        left = QVBoxLayout()
        left.addWidget(theme.heading("New deposit", level=2))
        left.addLayout(form)
        left.addWidget(QLabel("Boxes (dates as dd/mm/yyyy; a blank row takes the row above):"))
        left.addWidget(self.table, 1)
        left.addWidget(self.warnings)

        self.trend = theme.paragraph("Choose the team to see its depositing trend.", muted=True)
        self.recent = QLabel()
        self.recent.setWordWrap(True)
        self.why = QPlainTextEdit()
        self.why.setPlaceholderText("Why is this still on paper?")
        self.why.setTabChangesFocus(True)
        self.why.setMaximumHeight(70)
        self.legal = QComboBox()
        self.digital = QComboBox()
        for combo in (self.legal, self.digital):
            for label, value in ANSWER_CHOICES:
                combo.addItem(label, value)
        self.owner = QLineEdit()
        self.owner.setPlaceholderText("Who owns the process that makes this paper?")
        self.outcome = QComboBox()
        for value in deposits.OUTCOMES:
            self.outcome.addItem(deposits.OUTCOME_LABELS[value].capitalize(), value)
        challenge = QGroupBox("Challenge")
        challenge_form = QFormLayout(challenge)
        challenge_form.addRow(self.trend)
        challenge_form.addRow(self.recent)
        challenge_form.addRow("&Why paper?", self.why)
        challenge_form.addRow("Must it be kept on &paper by law?", self.legal)
        challenge_form.addRow("Could the process be &digital?", self.digital)
        challenge_form.addRow("Process &owner:", self.owner)
        challenge_form.addRow("O&utcome:", self.outcome)

        self.log_button = QPushButton("&Log deposit  (Ctrl+Enter)")
        self.log_button.setDefault(True)
        self.log_button.clicked.connect(self.submit)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sheet = QComboBox()
        for name, sheet in SHEETS.items():
            self.sheet.addItem(f"{name} ({sheet.per_sheet} a sheet)", name)
        self.start_label = QSpinBox()
        self.start_label.setRange(1, 21)
        self.start_label.setPrefix("start at label ")
        self.labels_button = QPushButton("Save &labels as PDF…")
        self.labels_button.clicked.connect(self.save_labels_dialog)
        self.labels_button.setEnabled(False)
        labels_row = QHBoxLayout()
        labels_row.addWidget(self.sheet)
        labels_row.addWidget(self.start_label)
        labels_row.addWidget(self.labels_button)
        self.print_button = QPushButton("&Print labels…")
        self.print_button.clicked.connect(self.print_labels)
        self.print_button.setEnabled(False)
        labels_row.addWidget(self.print_button)

        right = QVBoxLayout()
        right.addWidget(challenge)
        right.addWidget(self.log_button)
        right.addWidget(self.status)
        right.addLayout(labels_row)
        right.addStretch(1)

        body = QWidget()
        columns = QHBoxLayout(body)
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.submit)

    # -- choices ---------------------------------------------------------------
    def reload(self) -> None:
        db = self.db
        run_task(self, lambda _p: (teams.list_teams(db), schedule.list_classes(db)), quick=True,
                 on_success=self._choices_arrived)

    def _choices_arrived(self, choices) -> None:
        team_infos, class_infos = choices
        self.team.blockSignals(True)
        self.klass.blockSignals(True)
        self.team.clear()
        for info in team_infos:
            self.team.addItem(info.label, info.code)
        self.classes = {c.code: c for c in class_infos}
        self.klass.clear()
        for info in class_infos:
            self.klass.addItem(info.label, info.code)
        self.team.setCurrentIndex(-1)
        self.klass.setCurrentIndex(-1)
        self.team.blockSignals(False)
        self.klass.blockSignals(False)

    def start(self) -> None:
        self.team.setFocus()

    def select(self, team: str, class_code: str) -> None:
        """Choose a team and class by code (as a user would pick them)."""
        self.team.setCurrentIndex(self.team.findData(team))
        self.klass.setCurrentIndex(self.klass.findData(class_code))

    # -- boxes table -----------------------------------------------------------
    def _resize_table(self, count: int) -> None:
        self.table.setRowCount(count)
        self._changed()

    def set_box(self, row: int, title: str, date_from: str = "", date_to: str = "",
                trigger: str = "", weight: str = "") -> None:
        if row >= self.table.rowCount():
            self.count.setValue(row + 1)
        for column, text in enumerate((title, date_from, date_to, trigger, weight)):
            self.table.setItem(row, column, QTableWidgetItem(text))

    def _cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item else ""

    def box_specs(self) -> list[deposits.BoxSpec]:
        """The boxes as typed; a blank cell takes the value of the row above."""
        specs, above = [], [""] * len(BOX_COLUMNS)
        for row in range(self.table.rowCount()):
            values = [self._cell(row, c) or above[c] for c in range(len(BOX_COLUMNS))]
            above = values
            where = f"box {row + 1}"
            weight = None
            if values[4]:
                try:
                    weight = float(values[4])
                except ValueError:
                    raise BadInput(f"{where}: weight {values[4]!r} is not a number") from None
            specs.append(deposits.BoxSpec(
                values[0], read_date(values[3], f"{where}: trigger date"),
                read_date(values[1], f"{where}: records from"),
                read_date(values[2], f"{where}: records to"), weight))
        return specs

    def request(self) -> deposits.DepositRequest:
        team, class_code = self.team.currentData(), self.klass.currentData()
        if not team:
            raise BadInput("choose the team that brought the boxes")
        if not class_code:
            raise BadInput("choose the retention class of the records")
        challenge = deposits.ChallengeAnswers(
            why_paper=self.why.toPlainText().strip(), legally_required=self.legal.currentData(),
            could_be_digital=self.digital.currentData(), process_owner=self.owner.text().strip(),
            outcome=self.outcome.currentData())
        return deposits.DepositRequest(team, class_code, self.box_specs(), self.brought_by.text().strip(),
                                       self.received.date().toPython(), challenge)

    # -- live feedback ------------------------------------------------------------
    def _changed(self, *_args) -> None:
        info = self.classes.get(self.klass.currentData() or "")
        if info is None:
            self.consequence.setText("")
        else:
            keep = "kept permanently" if info.period.permanent else f"kept {info.period}"
            self.consequence.setText(
                f"{keep.capitalize()} from the {TRIGGER_LABELS[info.trigger]}, then "
                f"{ACTION_LABELS[info.action]} ({info.authority or 'no authority given'})")
        self._preview_timer.start()

    def _preview(self) -> None:
        try:
            request = self.request()
        except BadInput:
            return
        db = self.db
        run_task(self, lambda _p: deposits.preview(db, request), quick=True,
                 on_success=self._preview_arrived, on_failure=lambda exc: None)

    def _preview_arrived(self, preview: deposits.DepositPreview) -> None:
        dates = sorted({b.disposal_date for b in preview.boxes}, key=lambda d: d or date.max)
        info = self.classes.get(self.klass.currentData() or "")
        if info is not None:
            when = ", ".join(d.strftime("%d/%m/%Y") if d else "never (permanent)" for d in dates)
            self.consequence.setText(self.consequence.text().split(" → ")[0]
                                     + f" → {ACTION_LABELS[info.action]} after {when}")
        self.warnings.setText("\n".join(f"⚠ {w}" for w in preview.warnings))

    def _team_changed(self, *_args) -> None:
        code = self.team.currentData()
        if not code:
            return
        db = self.db
        run_task(self, lambda _p: deposits.challenge_context(db, code), quick=True,
                 on_success=self._context_arrived, on_failure=lambda exc: None)
        self._changed()

    def _context_arrived(self, context: deposits.ChallengeContext) -> None:
        self.trend.setText(f"{context.team} deposited {theme.plural(context.last_12, 'box', 'boxes')} "
                           f"in the last 12 months against {context.prior_12} in the 12 before: "
                           f"{context.trend_text}.")
        self.trend.setObjectName("" if context.change is None or context.change <= 0.1 else "warn")
        self.trend.setStyleSheet("color: #b3261e; font-weight: bold;"
                                 if (context.change or 0) > 0.1 else "")
        recent = [f"{r.received_on:%d/%m/%Y}: {theme.plural(r.boxes, 'box', 'boxes')}"
                  + (f" ({deposits.OUTCOME_LABELS[r.outcome]})" if r.outcome else "")
                  for r in context.recent]
        self.recent.setText("Recent deposits: " + ("; ".join(recent) if recent else "none"))

    # -- logging and labels ----------------------------------------------------------
    def submit(self) -> None:
        try:
            request = self.request()
        except BadInput as exc:
            self._fail(str(exc))
            return
        db, login = self.db, self.login
        self.log_button.setEnabled(False)
        run_task(self, lambda _p: deposits.log_deposit(db, login, request), quick=True,
                 on_success=self._logged, on_failure=lambda exc: self._fail(error_text(exc)))

    def _fail(self, message: str) -> None:
        self.log_button.setEnabled(True)
        self.status.setText(f"✗ {message}")
        self.status.setStyleSheet("color: #b3261e;")
        self.failed.emit(message)

    def _logged(self, result: deposits.DepositResult) -> None:
        self.result = result
        self.log_button.setEnabled(True)
        self.labels_button.setEnabled(True)
        self.print_button.setEnabled(True)
        lines = [f"✓ Deposit {result.deposit_id} logged: {', '.join(result.barcodes)}"]
        lines += [f"⚠ {w}" for w in result.warnings]
        self.status.setText("\n".join(lines))
        self.status.setStyleSheet("color: #1b6e20;")
        self.labels_button.setFocus()
        self.logged.emit(result)

    def save_labels_dialog(self) -> None:
        if self.result is None:
            return
        default = str(Path(tempfile.gettempdir()) / f"labels-deposit-{self.result.deposit_id}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, "Save labels", default, "PDF (*.pdf)")
        if path:
            self.save_labels(path)

    def save_labels(self, path: str) -> None:
        if self.result is None:
            return
        db, deposit_id = self.db, self.result.deposit_id
        sheet, start = self.sheet.currentData(), self.start_label.value()
        run_task(self, lambda _p: labels.make_labels(db, path, deposit_id=deposit_id, sheet=sheet,
                                                     start_position=start),
                 on_success=lambda info: self._labels_done(info["file"]),
                 on_failure=lambda exc: self._fail(error_text(exc)))

    def print_labels(self) -> None:
        """Write the labels to a temporary PDF and send it through the print dialog."""
        if self.result is None:
            return

        path = str(Path(tempfile.mkdtemp(prefix="paperless-ig-")) / "labels.pdf")
        self.labels_written.connect(self._print_once)
        self._print_path = path
        self.save_labels(path)

    def _print_once(self, path: str) -> None:
        self.labels_written.disconnect(self._print_once)
        if path == getattr(self, "_print_path", None):
            from paperless_ig.ui.printing import print_pdf

            print_pdf(self, path, "Print labels")

    def _labels_done(self, path: str) -> None:
        self.status.setText(self.status.text() + f"\n✓ Labels saved to {path}")
        self.labels_written.emit(path)

    def clear(self) -> None:
        """Ready for the next deposit."""
        self.result = None
        self.table.clearContents()
        self.count.setValue(1)
        self.why.clear()
        self.owner.clear()
        self.brought_by.clear()
        self.labels_button.setEnabled(False)
        self.print_button.setEnabled(False)
