"""The Disposal screen: the due queue, disposal batches, and legal holds.

Three tabs, each loaded when first shown (and again after a change), so a
records manager who opens the queue never waits for the batch history:

- **Due queue**: a ``PagedTableModel`` over ``disposal.due_page``, grouped
  (sorted) by directorate, team, IAO, class or disposal date, with the
  group counts beside it and the backlog figures above it. Selected boxes,
  or one team's boxes, go into a new batch.
- **Batches**: every batch with who it waits for; the chosen batch's
  decisions, and the steps of its life: decide, approval lists, the IAO's
  approval or rejection, completion, the certificate with a preview.
- **Legal holds**: place and release holds; placing one says which boxes it
  pulled out of open batches.

Every action is a public method that gathers no input itself (the buttons'
dialogs collect it and call the method), so tests drive the page without
modal dialogs. Questions go through ``confirm(question)``, which tests
replace. Work runs through ``run_task``; the outcome, good or bad, shows in
the message line at the top of the page, and ``action_done`` /
``action_failed`` announce it.
"""

from __future__ import annotations

import re
import traceback
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QDate,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QStandardPaths,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QBrush, QDesktopServices, QFont, QFontMetrics, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from paperless_ig.domain import clock
from paperless_ig.domain.errors import PaperlessError
from paperless_ig.domain.roles import RECORDS_WORK
from paperless_ig.domain.states import (
    BATCH_STATUS_LABELS,
    DECISION_LABELS,
    OPEN_BATCH,
    ApprovalState,
    BatchStatus,
    Decision,
    Outcome,
)
from paperless_ig.services import disposal, holds, schedule, teams, users
from paperless_ig.services.disposal import (
    METHODS,
    Approval,
    Backlog,
    BatchInfo,
    Completion,
    DecisionInfo,
    DueBox,
)
from paperless_ig.services.holds import HoldInfo, HoldSpec
from paperless_ig.services.users import UserInfo
from paperless_ig.store.database import Database
from paperless_ig.ui import theme
from paperless_ig.ui.date_edit import OptionalDateEdit
from paperless_ig.ui.list_model import ListTableModel
from paperless_ig.ui.paged_model import PagedTableModel
from paperless_ig.ui.printing import print_pdf
from paperless_ig.ui.tasks import error_text, run_task, while_alive

QUEUE_TAB, BATCHES_TAB, HOLDS_TAB = range(3)
PAGE_SIZE = 200
MAX_BATCH = 5000  # create_batch's own limit: one batch is one contractor's collection
AS_OF_DELAY_MS = 400  # typing a date pauses this long before the queue is asked again
PREVIEW_DPI = 80  # an A4 page about 660 pixels wide

# (key, label, due_page sort, due_groups grouping; None: the backlog's age bands)
GROUPINGS = (
    ("directorate", "directorate", "directorate", "directorate"),
    ("team", "team", "team", "team"),
    ("iao", "Information Asset Owner", "iao", "iao"),
    ("class", "retention class", "class", "class"),
    ("disposal", "disposal date", "disposal", None),
)
GROUP_KEYS = tuple(g[0] for g in GROUPINGS)
QUEUE_HEADINGS = ("Barcode", "Disposal date", "Days overdue", "Team", "Directorate", "IAO",
                  "Class", "Action", "Batch")
QUEUE_SAMPLES = ("BX0000000X", "00/00/0000", "00,000", "FIN-AP-00", "Environment and",
                 "Jonathan Pryce", "CSC-00-00", "destroy (confidential)", "in batch 000")
QUEUE_STRETCH = 4  # the directorate: long names elide, the tooltip has them whole
BATCH_HEADINGS = ("Batch", "Status", "Created", "Boxes", "Waiting for")
DECISION_HEADINGS = ("Barcode", "Team", "IAO", "Class", "Decision", "Approval", "Outcome / reason")
HOLD_HEADINGS = ("Name", "Status", "Scope", "Reason", "Placed by", "Since")
ACTION_LABELS = {
    "destroy_confidential": "destroy (confidential)",
    "destroy": "destroy",
    "review": "review",
    "transfer_to_archives": "transfer to archives",
}



def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def parse_barcodes(text: str) -> list[str]:
    """Barcodes typed or scanned into a box: one per line, or separated by spaces or commas."""
    seen: dict[str, None] = {}
    for code in re.split(r"[\s,;]+", text):
        if code:
            seen.setdefault(code, None)
    return list(seen)


# -- plain rows --------------------------------------------------------------------
@dataclass(frozen=True)
class BatchRow:
    """One line of the batch list: what a BatchInfo says, without its decisions."""

    batch_id: int
    status: str
    created_by: str
    created_at: datetime
    as_of: date
    boxes: int
    waiting_for: tuple[str, ...]
    iao_logins: frozenset[str]  # IAOs with boxes still to approve
    certificate_no: str | None
    completed_on: date | None = None

    @classmethod
    def of(cls, info: BatchInfo) -> BatchRow:
        waiting = frozenset(d.iao_login for d in info.decisions
                            if d.iao_login and not d.outcome and d.approval == ApprovalState.PENDING)
        return cls(info.batch_id, info.status, info.created_by, info.created_at, info.as_of,
                   len(info.decisions), tuple(waiting_names(info)), waiting, info.certificate_no,
                   info.completed_on)

    def waiting_text(self) -> str:
        if self.status == BatchStatus.COMPLETED:
            certificate = self.certificate_no or "—"
            return f"completed {theme.date_text(self.completed_on)} · certificate {certificate}"
        if self.status == BatchStatus.CANCELLED:
            return "—"
        return ", ".join(self.waiting_for) or "nobody: ready to complete"

    @property
    def open(self) -> bool:
        return self.status in OPEN_BATCH


def person(name: str | None, login: str | None) -> str:
    """An IAO as people know them, with the login that signs in."""
    if name and login and name != login:
        return f"{name} ({login})"
    return name or login or "no IAO set"


def waiting_names(info: BatchInfo) -> list[str]:
    """``BatchInfo.waiting_for()`` with each IAO's name beside their login."""
    names = {d.iao_login: d.iao for d in info.decisions if d.iao_login}
    return [person(names[who], who) if who in names else who for who in info.waiting_for()]


def batch_rows(db: Database) -> list[BatchRow]:
    """The batch list, newest first, counted by the database."""
    rows = []
    for s in disposal.batch_summaries(db):
        waiting = tuple(person(name, login) for name, login in s.waiting_iaos)
        if s.undecided:
            waiting += (f"{s.created_by} (decisions)",)
        logins = frozenset(login for _name, login in s.waiting_iaos if login)
        rows.append(BatchRow(s.batch_id, s.status, s.created_by, s.created_at, s.as_of, s.boxes,
                             waiting, logins, s.certificate_no, s.completed_on))
    return rows


def complete_question(batch_id: int, plan: Completion, on: date, contractor: str,
                      certificate_no: str) -> str:
    """The last question before completion, in words, from the service's own preview."""
    if plan.destroyed:
        first = (f"This records the destruction of {theme.plural(len(plan.destroyed), 'box', 'boxes')} "
                 "and cannot be undone.")
    else:
        first = f"No box is destroyed by batch {batch_id}; recording its outcome cannot be undone."
    more = []
    if plan.transferred:
        more.append(f"{theme.plural(len(plan.transferred), 'box', 'boxes')} go to the archives.")
    if plan.extended:
        more.append(f"{theme.plural(len(plan.extended), 'box', 'boxes')} keep their records to the "
                    "new date.")
    if plan.pulled:
        shown = "; ".join(f"{p['barcode']}: {p['reason']}" for p in plan.pulled[:3])
        rest = f"; and {len(plan.pulled) - 3:,} more" if len(plan.pulled) > 3 else ""
        more.append(f"{theme.plural(len(plan.pulled), 'box goes', 'boxes go')} back to the store, "
                    f"not destroyed ({shown}{rest}).")
    who = (f"Destroyed on {theme.date_text(on)} by {contractor.strip()} (their certificate "
           f"{certificate_no.strip()}).")
    return "\n\n".join(p for p in (first, " ".join(more), who, f"Complete batch {batch_id}?") if p)


def approval_text(d: DecisionInfo) -> str:
    if d.approval == ApprovalState.PENDING:
        return "waiting" if d.decision else "—"
    return f"{d.approval} by {d.approved_by}" if d.approved_by else d.approval


def decision_text(d: DecisionInfo) -> str:
    if d.decision is None:
        return "to decide"
    if d.decision == Decision.EXTEND:
        return f"extend to {theme.date_text(d.extend_to)}"
    return DECISION_LABELS.get(d.decision, d.decision)


def outcome_text(d: DecisionInfo) -> str:
    if d.outcome:
        return f"{d.outcome}: {d.outcome_reason}" if d.outcome_reason else d.outcome
    return d.reason or ""


def queue_text(box: DueBox, column: int) -> str:
    if column == 0:
        return box.barcode
    if column == 1:
        return theme.date_text(box.disposal_date)
    if column == 2:
        return "not yet" if box.early else f"{box.days_overdue:,}"
    if column == 3:
        return box.team
    if column == 4:
        return box.directorate
    if column == 5:
        return box.iao or "—"
    if column == 6:
        return box.class_code
    if column == 7:
        label = ACTION_LABELS.get(box.action, box.action)
        return f"{label} · digitised, may go early" if box.early else label
    return f"in batch {box.batch_id}" if box.batch_id else ""


# -- models ----------------------------------------------------------------------
class DecisionsModel(ListTableModel):
    """The decisions of one batch (a list of plain rows; a batch is at most a few thousand)."""

    def __init__(self, login: str, parent: QWidget | None = None) -> None:
        super().__init__(DECISION_HEADINGS, parent)
        self.login = login
        self._bold = QFont()
        self._bold.setBold(True)
        self._warning = QBrush(theme.WARNING_COLOUR)

    def text(self, d: DecisionInfo, column: int) -> str:
        return (d.barcode, d.team, d.iao or "—", d.class_code, decision_text(d), approval_text(d),
                outcome_text(d))[column]

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        d, column = self.rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self.text(d, column)
            if role == Qt.ItemDataRole.ToolTipRole:
                if column == 4 and d.decision is None:
                    return "The schedule says review: choose destroy, transfer or extend"
                return text if column in (4, 5, 6) and text else None
            return text
        mine = d.awaits(self.login)
        if role == Qt.ItemDataRole.FontRole and mine:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and (
                (column == 4 and d.decision is None) or (column == 5 and d.approval == ApprovalState.REJECTED)
                or (column == 6 and d.outcome == Outcome.PULLED)):
            return self._warning
        return None


# -- small dialogs (they only gather input) -------------------------------------------------
class ReasonDialog(QDialog):
    """A reason that must not be empty, for cancelling, rejecting and releasing."""

    def __init__(self, title: str, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Reason")
        self.text.setTabChangesFocus(True)
        self.text.setMinimumSize(420, 90)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.text.textChanged.connect(lambda: self.ok.setEnabled(bool(self.reason())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(theme.paragraph(question))
        layout.addWidget(self.text)
        layout.addWidget(buttons)

    def reason(self) -> str:
        return self.text.toPlainText().strip()


class DecisionDialog(QDialog):
    """Destroy, transfer, or extend with a new date and a reason (required)."""

    def __init__(self, count: int, earliest: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Set decision")
        self.choice = QButtonGroup(self)
        self.radios = {}
        for key, text in (("destroy", "&Destroy"), ("transfer", "&Transfer to the archives"),
                          ("extend", "&Extend retention to a new date")):
            radio = QRadioButton(text)
            self.choice.addButton(radio)
            self.radios[key] = radio
        self.radios["destroy"].setChecked(True)
        # A year on from today (or from the latest disposal date, if that is later).
        self.extend_to = QDateEdit(qdate(max(earliest, clock.today()) + timedelta(days=365)))
        self.extend_to.setDisplayFormat("dd/MM/yyyy")
        self.extend_to.setCalendarPopup(True)
        self.extend_to.setMinimumDate(qdate(earliest + timedelta(days=1)))
        self.extend_to.setAccessibleName("New disposal date")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why keep it longer? (required)")
        self.reason.setAccessibleName("Reason for extending")
        extend_row = QWidget()
        form = QFormLayout(extend_row)
        form.setContentsMargins(24, 0, 0, 0)
        form.addRow("New &date:", self.extend_to)
        form.addRow("&Reason:", self.reason)
        self.extend_row = extend_row
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(theme.paragraph(
            f"The decision for {theme.plural(count, 'box', 'boxes')}. Changing a decision sends "
            "the box back to its Information Asset Owner for approval."))
        for radio in self.radios.values():
            layout.addWidget(radio)
            radio.toggled.connect(self._update)
        layout.addWidget(extend_row)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.reason.textChanged.connect(self._update)
        self._update()

    def decision(self) -> str:
        return next(key for key, radio in self.radios.items() if radio.isChecked())

    def _update(self, *_args) -> None:
        extending = self.decision() == "extend"
        self.extend_row.setEnabled(extending)
        self.ok.setEnabled(not extending or bool(self.reason.text().strip()))

    def values(self) -> tuple[str, date | None, str | None]:
        if self.decision() == "extend":
            return "extend", self.extend_to.date().toPython(), self.reason.text().strip()
        return self.decision(), None, None


class CompleteDialog(QDialog):
    """The contractor's record of destruction."""

    def __init__(self, batch_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Complete batch {batch_id}")
        today = clock.today()
        self.on = QDateEdit(qdate(today))
        self.on.setDisplayFormat("dd/MM/yyyy")
        self.on.setCalendarPopup(True)
        self.on.setMaximumDate(qdate(today))
        self.method = QComboBox()
        self.method.addItems(list(METHODS))
        self.contractor = QLineEdit()
        self.contractor.setPlaceholderText("Company that destroyed the boxes")
        self.certificate_no = QLineEdit()
        self.certificate_no.setPlaceholderText("As printed on their certificate")
        self.witnesses = QPlainTextEdit()
        self.witnesses.setPlaceholderText("One name per line (optional)")
        self.witnesses.setTabChangesFocus(True)
        self.witnesses.setMaximumHeight(70)
        self.weight = QDoubleSpinBox()
        self.weight.setRange(0, 1_000_000)
        self.weight.setDecimals(1)
        self.weight.setSuffix(" kg")
        self.weight.setSpecialValueText("not weighed")
        form = QFormLayout()
        form.addRow("&Date of destruction:", self.on)
        form.addRow("&Method:", self.method)
        form.addRow("C&ontractor:", self.contractor)
        form.addRow("Contractor's &certificate no.:", self.certificate_no)
        form.addRow("&Witnesses:", self.witnesses)
        form.addRow("W&eight:", self.weight)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Record destruction…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for field in (self.contractor, self.certificate_no):
            field.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(theme.paragraph(
            "Fill this in from the contractor's certificate once the boxes have gone. Boxes "
            "under a legal hold, out on loan, or not approved are pulled back automatically."))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._update()

    def _update(self, *_args) -> None:
        self.ok.setEnabled(bool(self.contractor.text().strip() and self.certificate_no.text().strip()))

    def values(self) -> tuple[date, str, str, str, list[str], float | None]:
        witnesses = [w.strip() for w in self.witnesses.toPlainText().splitlines() if w.strip()]
        return (self.on.date().toPython(), self.method.currentText(), self.contractor.text().strip(),
                self.certificate_no.text().strip(), witnesses, self.weight.value() or None)


class PickList(QWidget):
    """A filterable list of check boxes."""

    def __init__(self, title: str, items: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName(f"Filter {title.lower()}")
        self.list = QListWidget()
        self.list.setAccessibleName(title)
        for label, value in items:
            item = QListWidgetItem(label)
            item.setToolTip(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.filter.textChanged.connect(self._filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(f"<b>{title}</b>"))
        layout.addWidget(self.filter)
        layout.addWidget(self.list)

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(bool(needle) and needle not in item.text().lower())

    def values(self) -> tuple[str, ...]:
        return tuple(self.list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.list.count())
                     if self.list.item(r).checkState() == Qt.CheckState.Checked)


class HoldDialog(QDialog):
    """A new legal hold: its name, reason and scope."""

    def __init__(self, classes: list[tuple[str, str]], team_items: list[tuple[str, str]],
                 directorates: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Place a legal hold")
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Public inquiry into children's homes")
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("The order, claim or request that stops destruction")
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(60)
        self.classes = PickList("Retention classes", classes)
        self.teams = PickList("Teams", team_items)
        self.directorates = PickList("Directorates", [(d, d) for d in directorates])
        self.boxes = QPlainTextEdit()
        self.boxes.setPlaceholderText("Scan or type barcodes, one per line")
        self.boxes.setTabChangesFocus(True)
        self.records_from = OptionalDateEdit("Records dated from")
        self.records_to = OptionalDateEdit("Records dated to")
        form = QFormLayout()
        form.addRow("&Name:", self.name)
        form.addRow("&Reason:", self.reason)
        lists = QHBoxLayout()
        for widget, stretch in ((self.classes, 4), (self.teams, 4), (self.directorates, 3)):
            lists.addWidget(widget, stretch)
        box_column = QVBoxLayout()
        box_column.addWidget(QLabel("<b>Single boxes</b>"))
        box_column.addWidget(self.boxes)
        lists.addLayout(box_column, 2)
        dates = QHBoxLayout()
        dates.addWidget(QLabel("Only records dated from"))
        dates.addWidget(self.records_from)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.records_to)
        dates.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Place hold")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.name.textChanged.connect(self._update)
        self.reason.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(theme.paragraph(
            "Scope: tick any classes, teams and directorates, and list single boxes. The record "
            "dates narrow the classes, teams and directorates, or stand alone. Boxes the hold "
            "covers leave the due queue at once and are pulled out of open batches.", muted=True))
        layout.addLayout(lists, 1)
        layout.addLayout(dates)
        layout.addWidget(buttons)
        self.resize(1120, 580)
        self._update()

    def _update(self, *_args) -> None:
        self.ok.setEnabled(bool(self.name.text().strip() and self.reason.toPlainText().strip()))

    def spec(self) -> HoldSpec:
        return HoldSpec(self.name.text().strip(), self.reason.toPlainText().strip(),
                        classes=self.classes.values(), teams=self.teams.values(),
                        directorates=self.directorates.values(),
                        boxes=tuple(parse_barcodes(self.boxes.toPlainText())),
                        records_from=self.records_from.value(), records_to=self.records_to.value())


class CertificatePreview(QDialog):
    """Page 1 of a written certificate, with Print and Open folder."""

    def __init__(self, pdf: Path, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pdf = pdf
        self.setWindowTitle(f"Certificate — {pdf.name}")
        self.picture = QLabel()
        self.picture.setPixmap(QPixmap.fromImage(image))
        self.picture.setAccessibleName("Certificate, page 1")
        scroll = QScrollArea()
        scroll.setWidget(self.picture)
        scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.print_button = QPushButton("&Print…")
        self.print_button.clicked.connect(lambda: print_pdf(self, self.pdf, "Print certificate"))
        self.folder_button = QPushButton("Open &folder")
        self.folder_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.pdf.parent))))
        close = QPushButton("&Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        where = theme.paragraph(f"Saved as {pdf} (and {pdf.with_suffix('.xlsx').name} beside it).",
                                muted=True)
        buttons.addWidget(where, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.folder_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.resize(min(image.width() + 60, 900), 720)


# -- the page ----------------------------------------------------------------------
class DisposalPage(QWidget):
    """The records manager's disposal work, and the IAO's approval."""

    queue_loaded = Signal(int)  # the due count, once it and the first page of rows are in
    groups_loaded = Signal(object)  # [(name, count)]
    backlog_loaded = Signal(object)  # Backlog
    batches_loaded = Signal(int)
    batch_shown = Signal(int)  # the batch now shown below the list
    holds_loaded = Signal(int)
    action_done = Signal(str)  # the message shown for a finished action
    action_failed = Signal(str)
    certificate_ready = Signal(str)  # the PDF's path, once its preview shows
    changed = Signal()  # boxes changed state: the window may refresh its counts

    def __init__(self, db: Database, login: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-disposal")
        self.db, self.login = db, login
        self.user: UserInfo | None = None
        self.as_of = clock.today()
        self.grouping = "directorate"
        self.backlog: Backlog | None = None
        self.batches: list[BatchRow] = []
        self.batch: BatchInfo | None = None
        self.holds: list[HoldInfo] = []
        self.certificate_dialog: CertificatePreview | None = None
        self._stale = {"user", "queue", "batches", "holds"}
        self._queue_waiting: set[str] = set()
        self._seq: Counter[str] = Counter()  # per kind of look-up: only the latest answer counts
        self._busy = 0
        self._want_batch: int | None = None
        self._pickers: tuple[list, list, list] | None = None
        self._last_folder: Path | None = None
        self._groups: list[tuple[str, int]] = []
        self.team_names: dict[str, str] = {}  # code -> "code name", for tooltips
        self._figures_wanted = False  # groups and backlog follow the first rows

        self._as_of_timer = QTimer(self)
        self._as_of_timer.setSingleShot(True)
        self._as_of_timer.setInterval(AS_OF_DELAY_MS)
        self._as_of_timer.timeout.connect(self._as_of_edited)

        self.message = QLabel(" ")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setAccessibleName("Message")
        self.message.setFont(theme.scaled_font(self.message, 1.05, bold=True))
        self.folder_button = QPushButton("Open folder")
        self.folder_button.setObjectName("link")
        self.folder_button.hide()
        self.folder_button.clicked.connect(self.open_last_folder)
        message_row = QHBoxLayout()
        message_row.addWidget(self.message, 1)
        message_row.addWidget(self.folder_button, 0, Qt.AlignmentFlag.AlignTop)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_queue_tab(), "&Due queue")
        self.tabs.addTab(self._build_batches_tab(), "&Batches")
        self.tabs.addTab(self._build_holds_tab(), "Legal &holds")
        self.tabs.currentChanged.connect(lambda _i: self._load_visible())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 12)
        layout.setSpacing(6)
        layout.addLayout(message_row)
        layout.addWidget(self.tabs, 1)
        self._update_buttons()

    # -- building: the due queue ---------------------------------------------------------
    def _build_queue_tab(self) -> QWidget:
        tab = QWidget()
        self.as_of_edit = QDateEdit(qdate(self.as_of))
        self.as_of_edit.setDisplayFormat("dd/MM/yyyy")
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setAccessibleName("Due as of")
        self.as_of_edit.setToolTip("The queue holds boxes whose disposal date is on or before this "
                                   "date. A later date shows what will fall due.")
        self.as_of_edit.dateChanged.connect(lambda _d: self._as_of_timer.start())
        self.group_by = QComboBox()
        self.group_by.setAccessibleName("Group by")
        for key, label, _sort, _groups in GROUPINGS:
            self.group_by.addItem(label[0].upper() + label[1:], key)
        self.group_by.currentIndexChanged.connect(
            lambda _i: self.set_grouping(self.group_by.currentData()))
        as_of_label = QLabel("Due &as of:")
        as_of_label.setBuddy(self.as_of_edit)
        group_label = QLabel("&Group by:")
        group_label.setBuddy(self.group_by)
        self.queue_count = QLabel("Loading…")
        self.queue_count.setFont(theme.scaled_font(self.queue_count, 1.1, bold=True))
        self.queue_count.setAccessibleName("Boxes due")
        controls = QHBoxLayout()
        controls.addWidget(as_of_label)
        controls.addWidget(self.as_of_edit)
        controls.addSpacing(16)
        controls.addWidget(group_label)
        controls.addWidget(self.group_by)
        controls.addSpacing(16)
        controls.addWidget(self.queue_count, 1)

        self.queue_model = PagedTableModel(QUEUE_HEADINGS, self._queue_cell, page_size=PAGE_SIZE)
        self.queue_model.counted.connect(self._queue_counted)
        self.queue_model.page_loaded.connect(self._queue_page_loaded)
        self.queue_model.failed.connect(self._queue_failed)
        self.queue_table = QTableView()
        self.queue_table.setModel(self.queue_model)
        theme.read_only_table(self.queue_table, "Boxes due for disposal", multi=True)
        self.queue_table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        _size_columns(self.queue_table, QUEUE_SAMPLES, QUEUE_HEADINGS, stretch=QUEUE_STRETCH)
        self.queue_table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.queue_table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self._bold = QFont(self.queue_table.font())
        self._bold.setBold(True)
        self._warning = QBrush(theme.WARNING_COLOUR)
        self._muted = self.queue_table.palette().placeholderText()

        self.queue_empty = QWidget()
        column = theme.centred_column(self.queue_empty)
        self.queue_empty_heading = theme.heading("Nothing is due", level=2)
        column.addWidget(self.queue_empty_heading)
        column.addWidget(theme.paragraph(
            "A box joins the queue when its disposal date passes, unless a legal hold covers it, it "
            "is out on loan, or its class is kept permanently. Try a later date to see what falls "
            "due next.", muted=True))
        self.queue_stack = QStackedWidget()
        self.queue_stack.addWidget(self.queue_table)
        self.queue_stack.addWidget(self.queue_empty)

        self.summary_title = QLabel("<b>By directorate</b>")
        self.summary = QTableWidget(0, 2)
        self.summary.setAccessibleName("Boxes due by group")
        self.summary.setHorizontalHeaderLabels(["", "Boxes"])
        self.summary.horizontalHeader().setVisible(False)
        self.summary.verticalHeader().setVisible(False)
        self.summary.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.summary.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.summary.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.summary.setShowGrid(False)
        self.summary.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.summary.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        theme.compact_rows(self.summary)
        self.summary.itemSelectionChanged.connect(self._update_buttons)
        self.summary.cellClicked.connect(lambda row, _column: self.jump_to_group(row))
        self.summary.setToolTip("Click a group to go to its first box in the list")
        self.summary_note = theme.paragraph("", muted=True)
        self.summary_note.hide()
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.summary_title)
        side_layout.addWidget(self.summary, 1)
        side_layout.addWidget(self.summary_note)
        side.setMinimumWidth(180)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.queue_stack)
        split.addWidget(side)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        split.setSizes([960, 210])

        self.new_batch_button = QPushButton("&New batch from selected boxes…")
        self.new_batch_button.clicked.connect(self.new_batch_from_selection)
        self.team_batch_button = QPushButton("New batch for this &team…")
        self.team_batch_button.clicked.connect(self._team_batch_clicked)
        self.selection_label = QLabel("")
        self.selection_label.setObjectName("muted")
        actions = QHBoxLayout()
        actions.addWidget(self.new_batch_button)
        actions.addWidget(self.team_batch_button)
        actions.addWidget(self.selection_label, 1)

        layout = QVBoxLayout(tab)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self._build_backlog_strip())
        layout.addLayout(controls)
        layout.addWidget(split, 1)
        layout.addLayout(actions)
        return tab

    def _build_backlog_strip(self) -> QWidget:
        frame = QFrame()
        frame.setObjectName("note")
        grid = QGridLayout(frame)
        grid.setContentsMargins(14, 8, 14, 8)
        grid.setHorizontalSpacing(28)
        grid.setVerticalSpacing(0)
        self.figures: dict[str, QLabel] = {}
        for column, (key, caption) in enumerate((
                ("boxes", "boxes overdue"), ("metres", "of shelf they fill"),
                ("oldest", "oldest disposal date"), ("destroyed", "destroyed in the last 12 months"),
                ("open", "the open batches will free"))):
            value = QLabel("…")
            value.setFont(theme.scaled_font(value, 1.35, bold=True))
            value.setAccessibleName(caption)
            label = QLabel(caption)
            label.setObjectName("muted")
            grid.addWidget(value, 0, column)
            grid.addWidget(label, 1, column)
            self.figures[key] = value
        grid.setColumnStretch(5, 1)
        self.age_bands = QLabel("")
        self.age_bands.setAccessibleName("Overdue by age")
        grid.addWidget(self.age_bands, 2, 0, 1, 6)
        return frame

    # -- building: batches -------------------------------------------------------------
    def _build_batches_tab(self) -> QWidget:
        tab = QWidget()
        self.batch_table = QTableWidget(0, len(BATCH_HEADINGS))
        self.batch_table.setAccessibleName("Disposal batches")
        self.batch_table.setHorizontalHeaderLabels(BATCH_HEADINGS)
        self.batch_table.verticalHeader().setVisible(False)
        self.batch_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.batch_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.batch_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.batch_table.setAlternatingRowColors(True)
        self.batch_table.setWordWrap(False)
        theme.compact_rows(self.batch_table)
        _size_columns(self.batch_table, ("Batch 000", "partly approved", "00/00/0000 by rm1__",
                                         "00,000"), BATCH_HEADINGS, stretch=4, bold=True)
        self.batch_table.itemSelectionChanged.connect(self._batch_row_chosen)
        self.batches_note = theme.paragraph("Loading batches…", muted=True)

        self.batch_title = theme.heading("No batch chosen", level=2)
        self.batch_facts = theme.paragraph("Choose a batch in the list above to see its boxes.")
        self.batch_next = theme.paragraph("")
        self.decisions_model = DecisionsModel(self.login, self)
        self.decisions_table = QTableView()
        self.decisions_table.setAccessibleName("Decisions in this batch")
        self.decisions_table.setModel(self.decisions_model)
        self.decisions_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.decisions_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.decisions_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.decisions_table.setAlternatingRowColors(True)
        self.decisions_table.setWordWrap(False)
        theme.compact_rows(self.decisions_table)
        _size_columns(self.decisions_table, ("BX0000000X", "FIN-AP-00", "Jonathan Pryce", "CSC-00-00",
                                             "extend to 00/00/0000", "approved by iao_res"),
                      DECISION_HEADINGS, stretch=6, bold=True)
        self.decisions_table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())

        self.decide_button = QPushButton("Set &decision…")
        self.decide_button.clicked.connect(self._decide_clicked)
        self.remove_button = QPushButton("Ta&ke out of batch")
        self.remove_button.clicked.connect(lambda: self.remove_boxes(self.selected_decisions()))
        self.cancel_button = QPushButton("Cance&l batch…")
        self.cancel_button.clicked.connect(self._cancel_clicked)
        self.lists_button = QPushButton("Approval &lists…")
        self.lists_button.clicked.connect(self._lists_clicked)
        self.approve_button = QPushButton("A&pprove…")
        self.approve_button.clicked.connect(lambda: self.approve_selected())
        self.reject_button = QPushButton("&Reject…")
        self.reject_button.clicked.connect(self._reject_clicked)
        self.overturn_button = QPushButton("O&verturn rejection…")
        self.overturn_button.setToolTip("Approve, after all, boxes of yours that you rejected: "
                                        "select them first; a reason is asked and recorded")
        self.overturn_button.clicked.connect(self._overturn_clicked)
        self.complete_button = QPushButton("&Complete…")
        self.complete_button.clicked.connect(self._complete_clicked)
        self.certificate_button = QPushButton("Cer&tificate…")
        self.certificate_button.clicked.connect(self._certificate_clicked)
        steps = QHBoxLayout()
        for button in (self.decide_button, self.remove_button, self.cancel_button):
            steps.addWidget(button)
        steps.addSpacing(18)
        for button in (self.lists_button, self.approve_button, self.reject_button, self.overturn_button):
            steps.addWidget(button)
        steps.addSpacing(18)
        for button in (self.complete_button, self.certificate_button):
            steps.addWidget(button)
        steps.addStretch(1)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.batch_table, 1)
        top_layout.addWidget(self.batches_note)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 4, 0, 0)
        bottom_layout.addWidget(self.batch_title)
        bottom_layout.addWidget(self.batch_facts)
        bottom_layout.addWidget(self.batch_next)
        bottom_layout.addLayout(steps)
        bottom_layout.addWidget(self.decisions_table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setSizes([150, 450])
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(split)
        return tab

    # -- building: holds -----------------------------------------------------------------
    def _build_holds_tab(self) -> QWidget:
        tab = QWidget()
        self.hold_table = QTableWidget(0, len(HOLD_HEADINGS))
        self.hold_table.setAccessibleName("Legal holds")
        self.hold_table.setHorizontalHeaderLabels(HOLD_HEADINGS)
        self.hold_table.verticalHeader().setVisible(False)
        self.hold_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.hold_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.hold_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.hold_table.setAlternatingRowColors(True)
        self.hold_table.setWordWrap(True)
        header = self.hold_table.horizontalHeader()
        for column, width in enumerate((230, 150, 260, 0, 90, 90)):
            if width:
                header.resizeSection(column, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.hold_table.itemSelectionChanged.connect(self._update_buttons)
        self.holds_note = theme.paragraph(
            "A legal hold (moratorium) stops destruction of every box in its scope, whatever its "
            "disposal date: held boxes leave the due queue and are pulled out of open batches.",
            muted=True)
        self.place_hold_button = QPushButton("&Place a hold…")
        self.place_hold_button.clicked.connect(self._place_hold_clicked)
        self.release_button = QPushButton("R&elease…")
        self.release_button.clicked.connect(self._release_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.place_hold_button)
        buttons.addWidget(self.release_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.holds_note)
        layout.addLayout(buttons)
        layout.addWidget(self.hold_table, 1)
        return tab

    # -- what the window tells the page -------------------------------------------------
    def set_overview(self, _overview=None) -> None:
        """The data changed: load again what is shown now, the rest when next shown."""
        self._stale |= {"queue", "batches", "holds"}
        self._load_visible()

    def reload(self) -> None:
        self.set_overview()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._load_visible()

    def _load_visible(self) -> None:
        if not self.isVisible():
            return
        tab = self.tabs.currentIndex()
        if tab == QUEUE_TAB and "queue" in self._stale:
            self.reload_queue()
        elif tab == BATCHES_TAB and "batches" in self._stale:
            self.reload_batches()
        elif tab == HOLDS_TAB and "holds" in self._stale:
            self.reload_holds()
        if "user" in self._stale:
            self._stale.discard("user")
            self._load_user()

    def _load_user(self) -> None:
        """Who is signed in (their role decides the actions), and the teams' names for tooltips."""
        db, login = self.db, self.login

        def job(_progress) -> tuple[UserInfo, dict[str, str]]:
            return users.whoami(db, login), {t.code: t.label for t in teams.list_teams(db)}

        run_task(self, job, quick=True, on_success=while_alive(self, self._user_arrived),
                 on_failure=while_alive(self, lambda exc: self.show_message(error_text(exc), error=True)))

    def _user_arrived(self, result: tuple[UserInfo, dict[str, str]]) -> None:
        user, self.team_names = result
        self.user = user
        if not self.may_manage and self.tabs.currentIndex() == QUEUE_TAB:
            self.tabs.setCurrentIndex(BATCHES_TAB)  # an IAO comes here to approve
        self._update_buttons()

    @property
    def may_manage(self) -> bool:
        return self.user is not None and self.user.role in RECORDS_WORK

    # -- the due queue -------------------------------------------------------------------
    def set_as_of(self, as_of: date) -> None:
        self.as_of_edit.blockSignals(True)
        self.as_of_edit.setDate(qdate(as_of))
        self.as_of_edit.blockSignals(False)
        self._as_of_timer.stop()
        self.as_of = as_of
        self.reload_queue()

    def _as_of_edited(self) -> None:
        wanted = self.as_of_edit.date().toPython()
        if wanted != self.as_of:
            self.as_of = wanted
            self.reload_queue()

    def set_grouping(self, key: str) -> None:
        if key not in GROUP_KEYS:
            raise ValueError(f"no grouping {key!r}; choose one of {', '.join(GROUP_KEYS)}")
        if self.group_by.currentData() != key:
            self.group_by.blockSignals(True)
            self.group_by.setCurrentIndex(GROUP_KEYS.index(key))
            self.group_by.blockSignals(False)
        if key == self.grouping:
            return
        self.grouping = key
        if "queue" in self._stale:
            self.reload_queue()
        else:
            self._load_rows()
            self._load_groups()

    def reload_queue(self) -> None:
        """The queue's rows, then its group counts and the backlog figures, as of the chosen date.

        The figures wait for the first rows: on a two-core PC the backlog's queries
        (seconds at a million boxes) would otherwise slow the rows users look at first.
        """
        self._stale.discard("queue")
        self._figures_wanted = True
        self._load_rows()

    def _load_rows(self) -> None:
        db, as_of = self.db, self.as_of
        sort = GROUPINGS[GROUP_KEYS.index(self.grouping)][2]
        self.queue_count.setText("Loading…")
        self.queue_count.setStyleSheet("")
        self._queue_waiting = {"count", "page"}
        self.queue_model.load(lambda: disposal.due_count(db, as_of),
                              lambda offset, limit: disposal.due_page(db, as_of, sort, offset, limit))

    def _queue_counted(self, total: int) -> None:
        text = f"{theme.plural(total, 'box', 'boxes')} due as of {theme.date_text(self.as_of)}"
        self.queue_count.setText(text)
        self.queue_empty_heading.setText(f"Nothing is due as of {theme.date_text(self.as_of)}")
        self.queue_stack.setCurrentIndex(0 if total else 1)
        self._queue_waiting.discard("count")
        self._queue_maybe_done()

    def _queue_page_loaded(self, page: int) -> None:
        if page == 0:
            self._queue_waiting.discard("page")
            self._queue_maybe_done()
        self._update_buttons()

    def _queue_maybe_done(self) -> None:
        if not self._queue_waiting:
            if self._figures_wanted:
                self._figures_wanted = False
                self._load_groups()
                self._load_backlog()
            self._update_buttons()
            self.queue_loaded.emit(self.queue_model.total)

    def _queue_failed(self, message: str) -> None:
        self._queue_waiting.clear()
        self._figures_wanted = False
        self.queue_count.setText(message)
        self.queue_count.setStyleSheet(f"color: {theme.WARNING_COLOUR.name()};")

    def _load_groups(self) -> None:
        _key, label, _sort, by = GROUPINGS[GROUP_KEYS.index(self.grouping)]
        self.summary_title.setText(f"<b>By {label if by else 'years overdue'}</b>")
        if by is None:  # by disposal date: the backlog's age bands are the groups
            if self.backlog is not None and self.backlog.as_of == self.as_of:
                self._show_groups(self.backlog.by_age)
            return
        self._seq["groups"] += 1
        seq, db, as_of = self._seq["groups"], self.db, self.as_of
        run_task(self, lambda _p: disposal.due_groups(db, as_of, by),
                 on_success=while_alive(self, lambda rows: self._groups_arrived(seq, rows)),
                 on_failure=while_alive(self, lambda exc: self._groups_failed(seq, exc)))

    def _groups_arrived(self, seq: int, rows: list[tuple[str, int]]) -> None:
        if seq == self._seq["groups"]:
            self._show_groups(rows)

    def _groups_failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._seq["groups"]:
            return
        self.summary.setRowCount(0)
        self._groups = []
        self.summary_note.setText(error_text(exc))
        self.summary_note.show()
        self.groups_loaded.emit([])

    def jump_to_group(self, row: int) -> None:
        """Scroll the queue to the first box of the summary's group ``row``.

        The queue is sorted by the group's name, so the boxes before the group are
        those of the groups whose names sort before it (on SQLite, whose ordering
        is Python's; a PostgreSQL collation may order punctuation differently and
        land a few groups off). The age bands run youngest first, the table oldest first.
        """
        if not 0 <= row < len(self._groups):
            return
        name = self._groups[row][0]
        if self.grouping == "disposal":
            offset = sum(count for _name, count in self._groups[row + 1:])
        else:
            offset = sum(count for other, count in self._groups if (other or "") < (name or ""))
        if offset >= self.queue_model.total:
            return
        index = self.queue_model.index(offset, 0)
        self.queue_table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)
        self.queue_table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def _show_groups(self, rows: list[tuple[str, int]]) -> None:
        self._groups = list(rows)
        self.summary_note.hide()
        self.summary.setRowCount(len(rows))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for row, (name, count) in enumerate(rows):
            label = QTableWidgetItem(name or "—")
            label.setData(Qt.ItemDataRole.UserRole, name)
            label.setToolTip(self.team_names.get(name, name) if self.grouping == "team" else name)
            number = QTableWidgetItem(f"{count:,}")
            number.setTextAlignment(right)
            self.summary.setItem(row, 0, label)
            self.summary.setItem(row, 1, number)
        if not rows:
            self.summary_note.setText("No groups: nothing is due.")
            self.summary_note.show()
        self._update_buttons()
        self.groups_loaded.emit(list(rows))

    def _load_backlog(self) -> None:
        self._seq["backlog"] += 1
        seq, db, as_of = self._seq["backlog"], self.db, self.as_of
        for label in self.figures.values():
            label.setText("…")
        run_task(self, lambda _p: disposal.backlog(db, as_of),
                 on_success=while_alive(self, lambda figures: self._backlog_arrived(seq, figures)),
                 on_failure=while_alive(self, lambda exc: self.age_bands.setText(error_text(exc))))

    def _backlog_arrived(self, seq: int, figures: Backlog) -> None:
        if seq != self._seq["backlog"]:
            return
        self.backlog = figures
        self.figures["boxes"].setText(f"{figures.overdue_boxes:,}")
        self.figures["metres"].setText(f"{figures.overdue_metres:,.1f} m")
        self.figures["oldest"].setText(theme.date_text(figures.oldest_overdue))
        self.figures["destroyed"].setText(f"{figures.destroyed_last_12:,}")
        self.figures["open"].setText(f"{figures.next_batch_metres:,.1f} m")
        bands = " · ".join(f"{label} {count:,}" for label, count in figures.by_age)
        self.age_bands.setText(f"Overdue by: {bands}" if figures.overdue_boxes else "")
        if self.grouping == "disposal":
            self._show_groups(figures.by_age)
        self.backlog_loaded.emit(figures)

    def _queue_cell(self, box: DueBox, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return queue_text(box, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if column == 7 and box.needs_review:
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._warning
            if role == Qt.ItemDataRole.ToolTipRole:
                return "The schedule says review: decide destroy, transfer or extend once it is in a batch"
        if role == Qt.ItemDataRole.ToolTipRole:
            if box.early and column in (2, 7):
                return "Digitised, and its class lets the paper go before its disposal date"
            if box.batch_id and column == 8:
                return f"Already in open batch {box.batch_id}: a new batch leaves it there"
            if column == 3:
                return self.team_names.get(box.team, box.team)
            if column in (4, 5):
                return queue_text(box, column)
        if role == Qt.ItemDataRole.ForegroundRole and box.batch_id:
            return self._muted
        return None

    def selected_due(self) -> list[DueBox | None]:
        """The selected queue rows (None for a row whose page is still loading)."""
        rows = sorted(index.row() for index in self.queue_table.selectionModel().selectedRows())
        return [self.queue_model.row_data(row) for row in rows]

    def select_queue_rows(self, rows: list[int]) -> None:
        """Select these rows of the queue (tests, and "select the team" later)."""
        selection = QItemSelection()
        last = self.queue_model.columnCount() - 1
        for row in rows:
            selection.select(self.queue_model.index(row, 0), self.queue_model.index(row, last))
        self.queue_table.selectionModel().select(
            selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def chosen_team(self) -> str | None:
        """The team for "New batch for this team": the summary's team, else the current row's."""
        if self.grouping == "team":
            items = self.summary.selectedItems()
            if items:
                return self.summary.item(items[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        current = self.queue_table.currentIndex()
        box = self.queue_model.row_data(current.row()) if current.isValid() else None
        return box.team if box else None

    def new_batch_from_selection(self) -> None:
        chosen = self.selected_due()
        if not chosen:
            self.show_message("Select the boxes for the batch in the list first.", error=True)
            return
        if any(box is None for box in chosen):
            self.show_message("Some selected rows are still loading; wait a moment and try again.",
                              error=True)
            return
        free = [box.barcode for box in chosen if box and not box.batch_id]
        taken = len(chosen) - len(free)
        if not free:
            self.show_message("The selected boxes are all in open batches already.", error=True)
            return
        if len(free) > MAX_BATCH:
            self.show_message(f"A batch holds at most {MAX_BATCH:,} boxes; you selected "
                              f"{len(free):,}. Select fewer.", error=True)
            return
        note = (f"\n\n{theme.plural(taken, 'selected box is', 'selected boxes are')} already in "
                "a batch and stay there.") if taken else ""
        self.create_batch_from(free, note=note)

    def create_batch_from(self, barcodes: list[str], note: str = "") -> None:
        """Ask, then make a batch of these due boxes."""
        if not self.confirm(f"Put {theme.plural(len(barcodes), 'box', 'boxes')} into a new "
                            f"disposal batch?{note}"):
            return
        db, login, as_of, codes = self.db, self.login, self.as_of, list(barcodes)
        self._act("Making the batch…",
                  lambda _p: disposal.create_batch(db, login, as_of, barcodes=codes, limit=MAX_BATCH),
                  self._batch_created)

    def _team_batch_clicked(self) -> None:
        team = self.chosen_team()
        if team:
            self.create_batch_for_team(team)

    def create_batch_for_team(self, team: str) -> None:
        """Count the team's due boxes not yet in a batch, ask, then make the batch."""
        db, as_of = self.db, self.as_of

        def count(_progress) -> int:
            return disposal.due_count(db, as_of, [team], free_only=True)

        def counted(free: int) -> None:
            self._busy -= 1
            self._update_buttons()
            if not free:
                self.show_message(f"Team {team} has no due boxes outside open batches as of "
                                  f"{theme.date_text(as_of)}.", error=True)
                return
            shown = min(free, MAX_BATCH)
            extra = (f"\n\n(The team has {free:,}; a batch takes the first {MAX_BATCH:,} by disposal "
                     "date.)") if free > MAX_BATCH else ""
            if not self.confirm(f"Put {theme.plural(shown, 'box', 'boxes')} of team {team} into a new "
                                f"disposal batch?{extra}"):
                return
            login = self.login
            self._act("Making the batch…",
                      lambda _p: disposal.create_batch(db, login, as_of, teams=[team], limit=MAX_BATCH),
                      self._batch_created)

        def failed(exc: BaseException) -> None:
            self._busy -= 1
            self._failed(exc)

        self._busy += 1
        self._update_buttons()
        run_task(self, count, on_success=while_alive(self, counted), on_failure=while_alive(self, failed))

    def _batch_created(self, info: BatchInfo) -> None:
        self._stale.add("queue")
        self._done(f"Batch {info.batch_id} made with {theme.plural(len(info.decisions), 'box', 'boxes')}. "
                   "Next: check each box's decision, then send the approval lists to the IAOs.")
        self._batch_changed(info)
        self.show_batch(info.batch_id, info)
        self.changed.emit()

    # -- batches ---------------------------------------------------------------------------
    def reload_batches(self) -> None:
        self._stale.discard("batches")
        self._seq["batches"] += 1
        seq, db = self._seq["batches"], self.db
        self.batches_note.setText("Loading batches…")
        self.batches_note.show()
        run_task(self, lambda _p: batch_rows(db),
                 on_success=while_alive(self, lambda rows: self._batches_arrived(seq, rows)),
                 on_failure=while_alive(self, lambda exc: self.batches_note.setText(error_text(exc))))

    def _batches_arrived(self, seq: int, rows: list[BatchRow]) -> None:
        if seq != self._seq["batches"]:
            return
        self.batches = rows
        self._fill_batch_table()
        want = self._want_batch or (self.batch.batch_id if self.batch else None)
        if want is None:
            want = next((r.batch_id for r in rows if self.login in r.iao_logins), None)
        if want is None:
            want = next((r.batch_id for r in rows if r.open), rows[0].batch_id if rows else None)
        if want is not None:
            self._select_batch_row(want)
            if self.batch is None or self.batch.batch_id != want:
                self._load_batch(want)
        self.batches_loaded.emit(len(rows))

    def _fill_batch_table(self) -> None:
        table = self.batch_table
        table.blockSignals(True)
        table.setRowCount(len(self.batches))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        bold = QFont(table.font())
        bold.setBold(True)
        for row, batch in enumerate(self.batches):
            waiting = batch.waiting_text()
            values = (f"Batch {batch.batch_id}", BATCH_STATUS_LABELS.get(batch.status, batch.status),
                      f"{theme.date_text(batch.created_at.date())} by {batch.created_by}", f"{batch.boxes:,}",
                      waiting)
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, batch.batch_id)
                if column == 3:
                    item.setTextAlignment(right)
                if column == 4:
                    item.setToolTip(text)
                if self.login in batch.iao_logins and batch.open:
                    item.setFont(bold)
                if not batch.open:
                    item.setForeground(self._muted)
                table.setItem(row, column, item)
        table.blockSignals(False)
        if self.batches:
            self.batches_note.hide()
        else:
            self.batches_note.setText("No disposal batches yet. Make one from the Due queue tab: "
                                      "select boxes, or a team, and choose New batch.")
            self.batches_note.show()

    def _select_batch_row(self, batch_id: int) -> None:
        for row, batch in enumerate(self.batches):
            if batch.batch_id == batch_id:
                self.batch_table.blockSignals(True)
                self.batch_table.selectRow(row)
                self.batch_table.blockSignals(False)
                self.batch_table.scrollToItem(self.batch_table.item(row, 0))
                return

    def _batch_row_chosen(self) -> None:
        items = self.batch_table.selectedItems()
        if items:
            self._load_batch(items[0].data(Qt.ItemDataRole.UserRole))

    def show_batch(self, batch_id: int, info: BatchInfo | None = None) -> None:
        """Show batch ``batch_id`` on the Batches tab (from ``info`` if given, else fetched)."""
        self._want_batch = batch_id
        self.tabs.setCurrentIndex(BATCHES_TAB)  # loads the list if it is stale
        self._select_batch_row(batch_id)
        if info is not None:
            self._seq["batch"] += 1
            self._show_batch_info(info)
        else:
            self._load_batch(batch_id)

    def _load_batch(self, batch_id: int) -> None:
        self._seq["batch"] += 1
        seq, db = self._seq["batch"], self.db
        if self.batch is not None and self.batch.batch_id != batch_id:
            # No action may reach the batch shown before while another one loads.
            self.batch = None
            self.decisions_model.set_rows([])
            self.batch_title.setText(f"Batch {batch_id}")
            self.batch_next.setText("")
            self._update_buttons()
        self.batch_facts.setText(f"Loading batch {batch_id}…")
        run_task(self, lambda _p: disposal.get_batch(db, batch_id),
                 on_success=while_alive(self, lambda info: self._batch_arrived(seq, info)),
                 on_failure=while_alive(self, self._failed))

    def _batch_arrived(self, seq: int, info: BatchInfo) -> None:
        if seq == self._seq["batch"]:
            self._show_batch_info(info)

    def _show_batch_info(self, info: BatchInfo) -> None:
        # Newer than any load still on its way: a late answer must not put old decisions back.
        self._seq["batch"] += 1
        self.batch = info
        self._want_batch = None
        selected = set(self.selected_decisions())
        self.decisions_model.set_rows(info.decisions)
        if selected:
            self.select_decisions([b for b in info.barcodes if b in selected])
        status = BATCH_STATUS_LABELS.get(info.status, info.status)
        self.batch_title.setText(f"Batch {info.batch_id} — {status}")
        counts = Counter(d.decision for d in info.decisions if not d.outcome)
        parts = [f"{counts[k]:,} {label}" for k, label in (
            ("destroy", "to destroy"), ("transfer", "to transfer"), ("extend", "to extend"),
            (None, "to decide")) if counts[k]]
        created = info.created_at.date() if isinstance(info.created_at, datetime) else info.created_at
        facts = (f"Made {theme.date_text(created)} by {info.created_by} from boxes due by "
                 f"{theme.date_text(info.as_of)} · {theme.plural(len(info.decisions), 'box', 'boxes')}")
        if parts and info.status in OPEN_BATCH:
            facts += ": " + ", ".join(parts)
        self.batch_facts.setText(facts)
        self.batch_next.setText(self.next_step(info))
        self._update_buttons()
        self.batch_shown.emit(info.batch_id)

    def next_step(self, info: BatchInfo) -> str:
        """One sentence: what this batch needs next, and from whom."""
        if info.status == BatchStatus.CANCELLED:
            return "Cancelled: its boxes went back to the due queue."
        if info.status == BatchStatus.COMPLETED:
            outcomes = Counter(d.outcome for d in info.decisions)
            done = ", ".join(f"{outcomes[k]:,} {k}" for k in ("destroyed", "transferred", "extended",
                                                               "pulled") if outcomes[k])
            return (f"Completed {theme.date_text(info.completed_on)} by {info.contractor} (their certificate "
                    f"{info.certificate_no}): {done}. Certificate… writes the certificate of "
                    "destruction.")
        open_rows = [d for d in info.decisions if not d.outcome]
        mine = [d for d in open_rows if d.awaits(self.login)]
        if mine and not self.may_manage:
            return (f"{theme.plural(len(mine), 'box', 'boxes')} of your teams wait for your approval "
                    "(in bold). Approve… approves them all, or only those you select; Reject… asks "
                    "why.")
        undecided = sum(1 for d in open_rows if d.decision is None)
        if undecided:
            return (f"{theme.plural(undecided, 'box needs', 'boxes need')} a decision (the schedule "
                    "says review): select them and choose Set decision….")
        pending = Counter(person(d.iao, d.iao_login) for d in open_rows
                          if d.approval == ApprovalState.PENDING)
        if pending:
            who = "; ".join(f"{name}, {theme.plural(count, 'box', 'boxes')}"
                            for name, count in sorted(pending.items()))
            return (f"Waiting for approval by {who}. Approval lists… writes each IAO the list of "
                    "their boxes to send them.")
        return ("Every box is approved or rejected. Once the contractor has collected and destroyed "
                "the boxes, record it with Complete….")

    def _batch_changed(self, info: BatchInfo) -> None:
        """Put a changed batch into the list without asking for the whole list again."""
        if "batches" in self._stale:
            return
        row = BatchRow.of(info)
        rows = [r for r in self.batches if r.batch_id != row.batch_id] + [row]
        self.batches = sorted(rows, key=lambda r: r.batch_id, reverse=True)
        self._fill_batch_table()
        self._select_batch_row(info.batch_id)

    def selected_decisions(self) -> list[str]:
        rows = sorted(index.row() for index in self.decisions_table.selectionModel().selectedRows())
        return [self.decisions_model.rows[row].barcode for row in rows
                if row < len(self.decisions_model.rows)]

    def select_decisions(self, barcodes: list[str]) -> None:
        wanted = set(barcodes)
        selection = QItemSelection()
        last = self.decisions_model.columnCount() - 1
        for row, d in enumerate(self.decisions_model.rows):
            if d.barcode in wanted:
                selection.select(self.decisions_model.index(row, 0), self.decisions_model.index(row, last))
        self.decisions_table.selectionModel().select(
            selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _require_batch(self) -> BatchInfo | None:
        if self.batch is None:
            self.show_message("Choose a batch in the list first.", error=True)
        return self.batch

    def _decide_clicked(self) -> None:
        batch, barcodes = self.batch, self.selected_decisions()
        if batch is None or not barcodes:
            return
        dates = [d.disposal_date for d in batch.decisions if d.barcode in barcodes and d.disposal_date]
        dialog = DecisionDialog(len(barcodes), max(dates, default=clock.today()), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            decision, extend_to, reason = dialog.values()
            self.set_decisions(barcodes, decision, extend_to, reason)
        dialog.deleteLater()

    def set_decision(self, barcode: str, decision: str, extend_to: date | None = None,
                     reason: str | None = None) -> None:
        self.set_decisions([barcode], decision, extend_to, reason)

    def set_decisions(self, barcodes: list[str], decision: str, extend_to: date | None = None,
                      reason: str | None = None) -> None:
        """One decision for these boxes of the shown batch (each box is its own change)."""
        batch = self._require_batch()
        if batch is None:
            return
        db, login, batch_id, codes = self.db, self.login, batch.batch_id, list(barcodes)

        def job(_progress) -> BatchInfo:
            info = None
            for number, barcode in enumerate(codes):
                try:
                    info = disposal.decide(db, login, batch_id, barcode, decision, extend_to, reason)
                except PaperlessError as exc:
                    done = f" ({number} of {len(codes)} changed before it)" if number else ""
                    raise type(exc)(f"{barcode}: {exc}{done}") from None
            assert info is not None
            return info

        what = {"extend": f"extend to {theme.date_text(extend_to)}", "transfer": "transfer to archives"}.get(
            decision, decision)

        def decided(info: BatchInfo) -> None:
            self._done(f"{theme.plural(len(codes), 'box', 'boxes')} set to {what} in batch {batch_id}; "
                       "changed decisions go back to the IAO for approval.")
            self._show_batch_info(info)
            self._batch_changed(info)

        self._act("Saving the decision…", job, decided, reload_batch=batch_id)

    def remove_boxes(self, barcodes: list[str]) -> None:
        batch = self._require_batch()
        if batch is None or not barcodes:
            return
        if not self.confirm(f"Take {theme.plural(len(barcodes), 'box', 'boxes')} out of batch "
                            f"{batch.batch_id}? They go back to the due queue."):
            return
        db, login, batch_id, codes = self.db, self.login, batch.batch_id, list(barcodes)

        def job(_progress) -> BatchInfo:
            info = None
            for barcode in codes:
                info = disposal.remove_box(db, login, batch_id, barcode)
            assert info is not None
            return info

        def removed(info: BatchInfo) -> None:
            self._stale.add("queue")
            self._done(f"{theme.plural(len(codes), 'box', 'boxes')} taken out of batch {batch_id} and "
                       "back in the due queue.")
            self._show_batch_info(info)
            self._batch_changed(info)
            self.changed.emit()

        self._act("Taking boxes out…", job, removed, reload_batch=batch_id)

    def _cancel_clicked(self) -> None:
        batch = self.batch
        if batch is None:
            return
        dialog = ReasonDialog(f"Cancel batch {batch.batch_id}",
                              "Why is this batch cancelled? Its boxes go back to the due queue.", self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.cancel_batch(dialog.reason())
        dialog.deleteLater()

    def cancel_batch(self, reason: str) -> None:
        batch = self._require_batch()
        if batch is None:
            return
        if not self.confirm(f"Cancel batch {batch.batch_id}? Its "
                            f"{theme.plural(len(batch.decisions), 'box', 'boxes')} go back to the due "
                            "queue."):
            return
        db, login, batch_id = self.db, self.login, batch.batch_id

        def cancelled(info: BatchInfo) -> None:
            self._stale.add("queue")
            self._done(f"Batch {batch_id} cancelled; its boxes are back in the due queue.")
            self._show_batch_info(info)
            self._batch_changed(info)
            self.changed.emit()

        self._act("Cancelling the batch…", lambda _p: disposal.cancel_batch(db, login, batch_id, reason),
                  cancelled)

    def _lists_clicked(self) -> None:
        if self.batch is None:
            return
        folder = QFileDialog.getExistingDirectory(self, "Folder for the approval lists", _documents_dir())
        if folder:
            self.write_approval_lists(folder)

    def write_approval_lists(self, folder: str | Path) -> None:
        """Each IAO's list of their boxes in the batch, as PDF and xlsx, into ``folder``."""
        batch = self._require_batch()
        if batch is None:
            return
        db, batch_id, out = self.db, batch.batch_id, Path(folder)

        def job(_progress) -> list[Path]:
            return _documents().write_approval_lists(db, batch_id, out)

        def written(paths: list[Path]) -> None:
            self._done(f"{theme.plural(len(paths), 'file')} written to {out}: "
                       + ", ".join(p.name for p in paths), folder=out)

        self._act("Writing the approval lists…", job, written)

    def approve_selected(self, barcodes: list[str] | None = None, note: str | None = None) -> None:
        """The IAO approves the selected boxes of their teams, or all of theirs still waiting.

        The question names exactly the boxes that will be approved, and the service is given
        exactly those: a box the IAO rejected is never among them (Overturn… is its own act).
        """
        batch = self._require_batch()
        if batch is None:
            return
        wanted = self.selected_decisions() if barcodes is None else list(barcodes)
        pool = [d for d in batch.decisions if d.barcode in set(wanted)] if wanted else batch.decisions
        mine = [d for d in pool if d.iao_login == self.login and not d.outcome]
        chosen: list[str] | None = wanted or None
        if not mine:
            rows = []  # none of theirs: let the service say why not
        else:
            rows = [d for d in mine if d.awaits(self.login)]
            rejected = [d for d in mine if d.approval == ApprovalState.REJECTED]
            stay = theme.plural(len(rejected), "box you rejected stays", "boxes you rejected stay")
            if not rows:
                self.show_message("Nothing of yours waits for approval here"
                                  + (f": {stay} rejected (Overturn… changes that, box by box)."
                                     if rejected else "."), error=True)
                return
            counts = Counter(decision_text(d).split(" to ")[0] for d in rows)
            detail = ", ".join(f"{count:,} {what}" for what, count in sorted(counts.items()))
            kept = f"\n\n{stay} rejected." if rejected else ""
            if not self.confirm(f"Approve the decisions on {theme.plural(len(rows), 'box', 'boxes')} "
                                f"of your teams in batch {batch.batch_id} ({detail})?{kept}"):
                return
            chosen = [d.barcode for d in rows]
        db, login, batch_id = self.db, self.login, batch.batch_id

        def approved(done: Approval) -> None:
            text = f"Approved {theme.plural(len(done.approved), 'box', 'boxes')} in batch {batch_id}"
            left = sum(1 for d in done.info.decisions if d.overturnable_by(login))
            if left:
                text += f"; {left:,} you rejected left rejected"
            status = BATCH_STATUS_LABELS.get(done.info.status, done.info.status)
            self._done(f"{text}. The batch is now {status}.")
            self._show_batch_info(done.info)
            self._batch_changed(done.info)

        self._act("Approving…", lambda _p: disposal.approve(db, login, batch_id, chosen, note), approved)

    def _overturn_clicked(self) -> None:
        batch = self.batch
        if batch is None:
            return
        chosen = [d.barcode for d in batch.decisions
                  if d.barcode in set(self.selected_decisions()) and d.overturnable_by(self.login)]
        if not chosen:
            return
        which = "the selected box" if len(chosen) == 1 else f"the {len(chosen)} selected boxes"
        dialog = ReasonDialog(f"Overturn a rejection in batch {batch.batch_id}",
                              f"You rejected {which}. Approving disposal after all is recorded with "
                              "both decisions. Why?", self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.overturn_selected(dialog.reason(), chosen)
        dialog.deleteLater()

    def overturn_selected(self, reason: str, barcodes: list[str]) -> None:
        """Turn the IAO's own rejection of ``barcodes`` into approvals, on purpose, with a reason."""
        batch = self._require_batch()
        if batch is None:
            return
        db, login, batch_id = self.db, self.login, batch.batch_id

        def overturned(done: Approval) -> None:
            self._done(f"Rejection overturned in batch {batch_id}: "
                       f"{theme.plural(len(done.overturned), 'box is', 'boxes are')} now approved.")
            self._show_batch_info(done.info)
            self._batch_changed(done.info)

        self._act("Overturning…", lambda _p: disposal.approve(db, login, batch_id, barcodes,
                                                              overturn=True, reason=reason), overturned)

    def _reject_clicked(self) -> None:
        batch = self.batch
        if batch is None:
            return
        chosen = self.selected_decisions()
        if not chosen:  # say how many "all" is, and act on exactly those
            chosen = [d.barcode for d in batch.decisions if d.iao_login == self.login and not d.outcome]
            which = f"all {theme.plural(len(chosen), 'box', 'boxes')} of your teams in this batch"
        else:
            which = theme.plural(len(chosen), "selected box", "selected boxes")
        if not chosen:
            return
        dialog = ReasonDialog(f"Reject in batch {batch.batch_id}",
                              f"Why must {which} not be disposed of? The records manager sees "
                              "your reason.", self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reject_selected(dialog.reason(), chosen or None)
        dialog.deleteLater()

    def reject_selected(self, reason: str, barcodes: list[str] | None = None) -> None:
        batch = self._require_batch()
        if batch is None:
            return
        wanted = self.selected_decisions() if barcodes is None else list(barcodes)
        db, login, batch_id = self.db, self.login, batch.batch_id

        def rejected(info: BatchInfo) -> None:
            count = sum(1 for d in info.decisions
                        if d.approval == ApprovalState.REJECTED and d.approved_by == login)
            self._done(f"Rejected in batch {batch_id}: {theme.plural(count, 'box', 'boxes')} stay in "
                       "the store when the batch is completed.")
            self._show_batch_info(info)
            self._batch_changed(info)

        self._act("Rejecting…", lambda _p: disposal.reject(db, login, batch_id, wanted, reason), rejected)

    def _complete_clicked(self) -> None:
        batch = self.batch
        if batch is None:
            return
        dialog = CompleteDialog(batch.batch_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.complete_batch(*dialog.values())
        dialog.deleteLater()

    def complete_batch(self, on: date, method: str, contractor: str, certificate_no: str,
                       witnesses: list[str] | None = None, weight: float | None = None) -> None:
        """Record the destruction, after a question that says, from the service's own preview,
        how many boxes will be destroyed, transferred, extended and pulled back."""
        batch = self._require_batch()
        if batch is None:
            return
        db, login, batch_id = self.db, self.login, batch.batch_id

        def ask(plan: Completion) -> None:
            if not plan.acts:
                self.show_message(f"Batch {batch_id} has nothing to carry out on {theme.date_text(on)}: "
                                  + "; ".join(f"{p['barcode']}: {p['reason']}" for p in plan.pulled[:3]),
                                  error=True)
                return
            if self.confirm(complete_question(batch_id, plan, on, contractor, certificate_no)):
                self._act("Recording the destruction…", job, completed)

        def job(_progress) -> tuple[Completion, BatchInfo]:
            done = disposal.complete(db, login, batch_id, on, method, contractor, certificate_no,
                                     witnesses, weight)
            return done, disposal.get_batch(db, batch_id)

        def completed(result: tuple[Completion, BatchInfo]) -> None:
            done, info = result
            self._stale.add("queue")
            text = (f"Batch {batch_id} completed: {len(done.destroyed):,} destroyed, "
                    f"{len(done.transferred):,} transferred, {len(done.extended):,} extended.")
            if done.pulled:
                pulled = "; ".join(f"{p['barcode']} ({p['reason']})" for p in done.pulled[:5])
                more = f" and {len(done.pulled) - 5:,} more" if len(done.pulled) > 5 else ""
                text += f" Pulled back: {pulled}{more}."
            self._done(text + " Next: Certificate… writes the certificate of destruction.")
            self._show_batch_info(info)
            self._batch_changed(info)
            self.changed.emit()

        self._act("Checking what completion will do…",
                  lambda _p: disposal.preview_completion(db, batch_id, on), ask)

    def _certificate_clicked(self) -> None:
        batch = self.batch
        if batch is None:
            return
        name = f"certificate-batch-{batch.batch_id:05d}.pdf"
        path, _filter = QFileDialog.getSaveFileName(self, "Save the certificate of destruction",
                                                    str(Path(_documents_dir()) / name), "PDF (*.pdf)")
        if path:
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
            self.write_certificate(path)

    def write_certificate(self, path: str | Path) -> None:
        """Write the certificate (PDF, with an xlsx beside it) and preview its first page."""
        batch = self._require_batch()
        if batch is None:
            return
        db, batch_id, out = self.db, batch.batch_id, Path(path)

        def job(_progress) -> tuple[Path, bytes, int, int]:
            from pdf2image import convert_from_path

            written = _documents().write_certificate(db, batch_id, out)
            page = convert_from_path(str(written), dpi=PREVIEW_DPI, first_page=1, last_page=1)[0]
            page = page.convert("RGB")
            return written, page.tobytes(), page.width, page.height

        def written(result: tuple[Path, bytes, int, int]) -> None:
            pdf, pixels, width, height = result
            image = QImage(pixels, width, height, width * 3, QImage.Format.Format_RGB888).copy()
            self._done(f"Certificate for batch {batch_id} saved as {pdf}, with its box lists in "
                       f"{pdf.with_suffix('.xlsx').name}.", folder=pdf.parent)
            self.show_certificate(pdf, image)
            self.certificate_ready.emit(str(pdf))

        self._act("Writing the certificate…", job, written)

    def show_certificate(self, pdf: Path, image: QImage) -> None:
        if self.certificate_dialog is not None and shiboken6.isValid(self.certificate_dialog):
            self.certificate_dialog.close()
            self.certificate_dialog.deleteLater()
        self.certificate_dialog = CertificatePreview(pdf, image, self)
        self.certificate_dialog.show()

    # -- holds -------------------------------------------------------------------------------
    def reload_holds(self) -> None:
        self._stale.discard("holds")
        self._seq["holds"] += 1
        seq, db = self._seq["holds"], self.db
        run_task(self, lambda _p: holds.list_holds(db), quick=True,
                 on_success=while_alive(self, lambda rows: self._holds_arrived(seq, rows)),
                 on_failure=while_alive(self, lambda exc: self.holds_note.setText(error_text(exc))))

    def _holds_arrived(self, seq: int, rows: list[HoldInfo]) -> None:
        if seq != self._seq["holds"]:
            return
        self.holds = rows
        table = self.hold_table
        table.setRowCount(len(rows))
        for row, hold in enumerate(rows):
            status = "active" if hold.active else f"released {theme.date_text(hold.released_on)}"
            scope = "; ".join(hold.scope)
            values = (hold.name, status, scope, hold.reason, hold.placed_by, theme.date_text(hold.starts_on))
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(text if column != 1 or hold.active else
                                f"Released {theme.date_text(hold.released_on)}: {hold.release_reason}")
                if column == 1 and hold.active:
                    item.setForeground(self._warning)
                    item.setFont(self._bold)
                if not hold.active:
                    item.setForeground(self._muted)
                table.setItem(row, column, item)
        table.resizeRowsToContents()
        self._update_buttons()
        self.holds_loaded.emit(len(rows))

    def selected_hold(self) -> HoldInfo | None:
        rows = {index.row() for index in self.hold_table.selectionModel().selectedRows()}
        return self.holds[min(rows)] if rows and min(rows) < len(self.holds) else None

    def _place_hold_clicked(self) -> None:
        if self._pickers is None:
            db = self.db

            def job(_progress):
                return ([(c.label, c.code) for c in schedule.list_classes(db)],
                        [(t.label, t.code) for t in teams.list_teams(db)],
                        sorted({t.directorate for t in teams.list_teams(db)}))

            def arrived(pickers) -> None:
                self._busy -= 1
                self._update_buttons()
                self._pickers = pickers
                self._place_hold_clicked()

            def failed(exc: BaseException) -> None:
                self._busy -= 1
                self._failed(exc)

            self._busy += 1
            self._update_buttons()
            run_task(self, job, on_success=while_alive(self, arrived),
                     on_failure=while_alive(self, failed), quick=True)
            return
        dialog = HoldDialog(*self._pickers, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.place_hold(dialog.spec())
        dialog.deleteLater()

    def place_hold(self, spec: HoldSpec) -> None:
        db, login = self.db, self.login

        def placed(result: tuple[HoldInfo, list[tuple[str, str]]]) -> None:
            info, pulled = result
            self._stale |= {"queue", "batches", "holds"}  # the shown tab reloads after this
            if pulled:
                codes = ", ".join(barcode for barcode, _reason in pulled[:20])
                more = f" and {len(pulled) - 20:,} more" if len(pulled) > 20 else ""
                text = (f"Hold '{info.name}' placed. {theme.plural(len(pulled), 'box was', 'boxes were')} "
                        f"pulled out of disposal batches: {codes}{more}.")
            else:
                text = f"Hold '{info.name}' placed. No box it covers was in an open batch."
            self._done(text)
            if self.batch is not None:
                self._load_batch(self.batch.batch_id)
            self.changed.emit()

        self._act("Placing the hold…", lambda _p: holds.add_hold(db, login, spec), placed)

    def _release_clicked(self) -> None:
        hold = self.selected_hold()
        if hold is None:
            return
        dialog = ReasonDialog(f"Release '{hold.name}'", "Why is the hold released? Its boxes can be "
                              "destroyed again once they are due.", self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.release_hold(hold.name, dialog.reason())
        dialog.deleteLater()

    def release_hold(self, name: str, reason: str) -> None:
        if not self.confirm(f"Release the legal hold '{name}'? The boxes it covers return to the "
                            "due queue once their disposal date has passed."):
            return
        db, login = self.db, self.login

        def released(info: HoldInfo) -> None:
            self._stale |= {"queue", "holds"}
            self._done(f"Hold '{info.name}' released on {theme.date_text(info.released_on)}.")
            self.changed.emit()

        self._act("Releasing the hold…", lambda _p: holds.release_hold(db, login, name, reason), released)

    # -- buttons -------------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        idle, manage = self._busy == 0, self.may_manage
        selection = self.queue_table.selectionModel().selectedRows()
        # Batches are made from what is due by today: a look ahead is for seeing, not destroying.
        ahead = self.as_of > clock.today()
        self.new_batch_button.setEnabled(idle and manage and bool(selection) and not ahead)
        self.selection_label.setText(f"{len(selection):,} selected" if selection else
                                     "Select boxes (Shift or Ctrl+click), or one box of a team.")
        team = self.chosen_team()
        self.team_batch_button.setEnabled(idle and manage and bool(team) and not ahead)
        self.team_batch_button.setText(f"New batch for team {team}…" if team else
                                       "New batch for this &team…")
        tip = ("" if manage and not ahead else
               "Only a records manager or an administrator makes disposal batches." if not manage else
               f"The queue looks ahead to {theme.date_text(self.as_of)}: batches are made from what is "
               "due by today. Set the date back to today to make one.")
        for button in (self.new_batch_button, self.team_batch_button):
            button.setToolTip(tip)

        batch = self.batch
        is_open = batch is not None and batch.status in OPEN_BATCH
        chosen = bool(self.selected_decisions())
        self.decide_button.setEnabled(idle and manage and is_open and chosen)
        self.remove_button.setEnabled(idle and manage and is_open and chosen)
        self.cancel_button.setEnabled(idle and manage and is_open)
        self.lists_button.setEnabled(idle and manage and is_open)
        approved = is_open and batch is not None and any(
            d.approval == ApprovalState.APPROVED and not d.outcome for d in batch.decisions)
        self.complete_button.setEnabled(idle and manage and approved)
        self.complete_button.setToolTip("" if approved or not is_open else
                                        "Complete… comes once the IAO has approved at least one box.")
        done = batch is not None and batch.status == BatchStatus.COMPLETED
        self.certificate_button.setEnabled(idle and done)
        iao = is_open and batch is not None and any(
            d.iao_login == self.login and not d.outcome for d in batch.decisions)
        self.approve_button.setEnabled(idle and iao and any(d.awaits(self.login)
                                                           for d in batch.decisions))
        self.reject_button.setEnabled(idle and iao)
        chosen_rows = set(self.selected_decisions())
        self.overturn_button.setEnabled(idle and is_open and batch is not None and any(
            d.barcode in chosen_rows and d.overturnable_by(self.login) for d in batch.decisions))
        approve_tip = "" if iao else ("Only the Information Asset Owner of a team in this batch "
                                      "approves or rejects its boxes.")
        for button in (self.approve_button, self.reject_button):
            button.setToolTip(approve_tip)
        if not chosen and is_open:
            for button in (self.decide_button, self.remove_button):
                button.setToolTip("Select boxes in the list below first.")
        else:
            for button in (self.decide_button, self.remove_button):
                button.setToolTip("")
        self.place_hold_button.setEnabled(idle and manage)
        hold = self.selected_hold()
        self.release_button.setEnabled(idle and manage and hold is not None and hold.active)

    # -- messages and confirmation (tests replace confirm) ------------------------------------
    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, "Disposal", question,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def show_message(self, text: str, error: bool = False, folder: Path | None = None) -> None:
        colour = theme.WARNING_COLOUR if error else theme.OK_COLOUR
        self.message.setStyleSheet(f"color: {colour.name()};")
        self.message.setText(text)
        self._last_folder = folder
        self.folder_button.setVisible(folder is not None)

    def open_last_folder(self) -> None:
        if self._last_folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._last_folder)))

    # -- plumbing ------------------------------------------------------------------------------
    def _act(self, doing: str, job, on_success, reload_batch: int | None = None) -> None:
        """Run one action off the GUI thread; its outcome shows in the message line."""
        self._busy += 1
        self._update_buttons()
        self.message.setStyleSheet("")
        self.message.setText(doing)
        self.folder_button.hide()

        def succeeded(result) -> None:
            self._busy -= 1
            on_success(result)
            self._update_buttons()
            self._load_visible()

        def failed(exc: BaseException) -> None:
            self._busy -= 1
            self._failed(exc)
            if reload_batch is not None:  # some boxes may have changed before the failure
                self._load_batch(reload_batch)

        run_task(self, job, on_success=while_alive(self, succeeded), on_failure=while_alive(self, failed))

    def _done(self, text: str, folder: Path | None = None) -> None:
        self.show_message(text, folder=folder)
        self.action_done.emit(text)

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, PaperlessError):
            traceback.print_exception(exc)  # a bug: keep the traceback for the log
        text = error_text(exc)
        self.show_message(text, error=True)
        self._update_buttons()
        self.action_failed.emit(text)



class DocumentsMissing(PaperlessError):
    """The module that writes approval lists and certificates is not installed."""


def _documents():
    try:
        from paperless_ig.services import disposal_documents
    except ImportError as exc:
        raise DocumentsMissing("approval lists and certificates cannot be written: this build has no "
                               f"paperless_ig.services.disposal_documents ({exc})") from None
    return disposal_documents


def _documents_dir() -> str:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return documents or str(Path.home())


def _size_columns(table: QTableView, samples: tuple[str, ...], headings: tuple[str, ...],
                  stretch: int, bold: bool = False) -> None:
    """Columns sized from sample text (never by measuring rows); one column takes the rest.

    ``bold``: rows may be bold (an IAO's own boxes), so measure in bold.
    """
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    font = QFont(table.font())
    font.setBold(bold)
    metrics, header_metrics = QFontMetrics(font), header.fontMetrics()
    for column, heading in enumerate(headings):
        if column == stretch:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            continue
        sample = samples[column] if column < len(samples) else heading
        width = max(metrics.horizontalAdvance(sample) + 18, header_metrics.horizontalAdvance(heading) + 16)
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, width)


__all__ = ["BatchRow", "DecisionsModel", "DisposalPage", "batch_rows"]
