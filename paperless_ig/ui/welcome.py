"""The welcome page of an empty database, and the honest empty state of each job page.

The welcome page's actions are plain methods (``import_schedule(path)``,
``use_example()``, ``load_demo(boxes)``) that tests call directly; the file
and number dialogs are thin wrappers around them (``choose_schedule()``,
``ask_demo()``). Outcomes leave as signals, so the window decides how to
show them (status bar, error dialog) and tests can watch them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from paperless_ig.domain.errors import ImportRejected
from paperless_ig.domain.progress import Cancelled
from paperless_ig.domain.roles import RECORDS_WORK
from paperless_ig.services import demo, schedule
from paperless_ig.services.overview import Overview
from paperless_ig.services.users import UserInfo
from paperless_ig.store.database import Database
from paperless_ig.ui import theme
from paperless_ig.ui.tasks import Task, error_text, run_task

DEMO_DEFAULT_BOXES = 20_000
DEMO_MAX_BOXES = 2_000_000
SCHEDULE_FILTER = "Spreadsheets (*.xlsx *.xlsm *.csv);;All files (*)"
SHOWN_ROW_ERRORS = 20


def describe_error(exc: BaseException) -> str:
    """The message a user reads; a rejected import lists its bad rows one a line."""
    if isinstance(exc, ImportRejected):
        lines = [f"Nothing was imported from {exc.source}. Fix these rows and import it again:", ""]
        lines += [f"• {error}" for error in exc.errors[:SHOWN_ROW_ERRORS]]
        if len(exc.errors) > SHOWN_ROW_ERRORS:
            lines.append(f"… and {len(exc.errors) - SHOWN_ROW_ERRORS:,} more")
        return "\n".join(lines)
    return error_text(exc)


def next_step(overview: Overview | None) -> str | None:
    """What an empty or half set-up database needs next, or None when it is in use."""
    if overview is None or overview.boxes:
        return None
    if overview.classes == 0 and overview.teams == 0:
        return ("This database is empty. Start with the council's retention schedule, or load "
                "demo data to try the app out first.")
    if overview.teams == 0:
        return (f"The retention schedule is in ({theme.plural(overview.classes, 'class', 'classes')}). "
                "Next, an administrator adds the council's teams from a spreadsheet: "
                "paperless-ig teams import FILE (columns organisation, directorate, team_code, "
                "team_name, iao).")
    return ("Teams and the retention schedule are in. Next comes the first deposit, logged at "
            "the Desk.")


class DemoDialog(QDialog):
    """Asks how many demo boxes to make."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Load demo data")
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(theme.paragraph(
            "A made-up council with ten years of deposits from about 120 teams, with boxes on "
            "shelves, on loan, on legal hold and due for disposal. Demo data goes only into an "
            "empty database."))
        self.boxes = QSpinBox()
        self.boxes.setRange(100, DEMO_MAX_BOXES)
        self.boxes.setSingleStep(1000)
        self.boxes.setGroupSeparatorShown(True)
        self.boxes.setValue(DEMO_DEFAULT_BOXES)
        self.boxes.setAccessibleName("Number of boxes")
        form = QFormLayout()
        form.addRow("Number of &boxes:", self.boxes)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Load")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.boxes.setFocus()
        self.boxes.selectAll()

    @classmethod
    def ask(cls, parent: QWidget | None) -> int | None:
        dialog = cls(parent)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.boxes.value()
            return None
        finally:
            dialog.deleteLater()


class WelcomePage(QWidget):
    """First page of an empty database: import a schedule, or load demo data."""

    succeeded = Signal(str)  # what was done, for the status bar
    failed = Signal(str)  # the error message, for the window to show
    cancelled = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, db: Database, login: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.login = db, login
        self.busy = False
        self.task: Task | None = None
        self._may_load = True

        column = theme.centred_column(self)
        column.addWidget(theme.heading("Welcome to paperless-ig"))
        column.addWidget(theme.paragraph(
            "paperless-ig keeps the register of the council's paper records store, every box "
            "from deposit to disposal, so that the store can shrink: boxes are logged and "
            "challenged at the desk, scanned where they can be, and destroyed with evidence "
            "when their retention ends.", larger=True))
        self.situation = theme.paragraph(
            "This database is empty. Begin with the council's retention schedule, or try the "
            "app on demo data.")
        column.addWidget(self.situation)
        column.addSpacing(6)

        style = self.style()
        self.import_button = QCommandLinkButton(
            "&Import retention schedule…",
            "The council's own schedule from a spreadsheet (.xlsx or .csv) with the columns "
            "code, function, activity, transaction, trigger, period, action, authority.")
        self.import_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_DialogOpenButton))
        self.import_button.clicked.connect(self.choose_schedule)
        self.demo_button = QCommandLinkButton(
            "Load &demo data…",
            "A made-up council with ten years of deposits, to try every screen before "
            "using the app for real.")
        self.demo_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_ComputerIcon))
        self.demo_button.clicked.connect(self.ask_demo)
        for button in (self.import_button, self.demo_button):
            button.setFont(theme.scaled_font(button, 1.1))
            button.setIconSize(QSize(28, 28))
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            column.addWidget(button)

        self.example_button = QPushButton("Or start from the &example schedule")
        self.example_button.setObjectName("link")
        self.example_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.example_button.setToolTip(
            "A small schedule based on the IRMS Local Government Classification and Retention "
            "Scheme; edit it later or import your own over it.")
        self.example_button.clicked.connect(self.use_example)
        example_row = QHBoxLayout()
        example_row.addWidget(self.example_button)
        example_row.addStretch(1)
        column.addLayout(example_row)

        self.role_note = theme.paragraph("", muted=True)
        self.role_note.hide()
        column.addWidget(self.role_note)

    # -- what the window tells the page ----------------------------------------------
    def set_user(self, user: UserInfo) -> None:
        self._may_load = user.role in RECORDS_WORK
        if self._may_load:
            self.role_note.hide()
        else:
            self.role_note.setText(
                f"You are signed in as {user.login} ({user.role_label}). Only a records manager "
                "or an administrator can import the schedule or load demo data; ask one of them "
                "to set this database up.")
            self.role_note.show()
        self._update_buttons()

    def set_overview(self, overview: Overview) -> None:
        if overview.classes and not overview.teams:
            self.situation.setText(
                f"This database has a retention schedule "
                f"({theme.plural(overview.classes, 'class', 'classes')}) but no teams yet. "
                "Importing a schedule again updates it; demo data adds a whole council.")
        else:
            self.situation.setText(
                "This database is empty. Begin with the council's retention schedule, or try "
                "the app on demo data.")

    def _update_buttons(self) -> None:
        for button in (self.import_button, self.demo_button, self.example_button):
            button.setEnabled(self._may_load and not self.busy)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._update_buttons()
        self.busy_changed.emit(busy)

    # -- the actions, callable without dialogs ----------------------------------------
    def import_schedule(self, path: str | Path) -> Task | None:
        name = Path(path).name
        db, login = self.db, self.login
        return self._start(
            lambda _progress: schedule.import_schedule(db, login, path),
            lambda counts: _schedule_summary(f"Retention schedule imported from {name}", counts),
            "Importing the retention schedule…")

    def use_example(self) -> Task | None:
        db, login = self.db, self.login
        return self._start(
            lambda _progress: schedule.import_example(db, login),
            lambda counts: _schedule_summary("Example retention schedule imported", counts),
            "Importing the example schedule…")

    def load_demo(self, boxes: int) -> Task | None:
        db, login = self.db, self.login
        return self._start(
            lambda progress: demo.load_demo(db, login, boxes, progress=progress),
            lambda summary: (f"Demo council loaded: {theme.plural(summary['boxes'], 'box', 'boxes')}, "
                             f"{theme.plural(summary['teams'], 'team')}."),
            f"Loading a demo council of {boxes:,} boxes…")

    # -- the dialogs, thin wrappers ------------------------------------------------
    @Slot()
    def choose_schedule(self) -> Task | None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Import retention schedule", str(Path.home()), SCHEDULE_FILTER)
        return self.import_schedule(path) if path else None

    @Slot()
    def ask_demo(self) -> Task | None:
        boxes = DemoDialog.ask(self)
        return self.load_demo(boxes) if boxes else None

    # -- plumbing -------------------------------------------------------------------
    def _start(self, job, summarise, title: str) -> Task | None:
        if self.busy:
            return None
        self._set_busy(True)

        def done(result) -> None:
            self._set_busy(False)
            self.succeeded.emit(summarise(result))

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            self.failed.emit(describe_error(exc))

        self.task = run_task(self.window(), job, on_success=done, on_failure=failed,
                             progress_title=title)
        # run_task swallows a cancel without telling anyone; listen for it here.
        self.task.signals.failed.connect(self._task_failed)
        return self.task

    @Slot(object, str)
    def _task_failed(self, exc: object, _trace: str) -> None:
        if isinstance(exc, Cancelled):
            self._set_busy(False)
            self.cancelled.emit("Cancelled: nothing of that import or load was kept.")


def _schedule_summary(what: str, counts: dict) -> str:
    text = (f"{what}: {counts['created']:,} new, {counts['updated']:,} updated, "
            f"{counts['unchanged']:,} unchanged")
    if counts.get("boxes_redated"):
        text += f"; {theme.plural(counts['boxes_redated'], 'box', 'boxes')} re-dated"
    return text + "."


class JobPage(QWidget):
    """A job's page until its screen is built: what it is for, and what to do first."""

    get_started = Signal()

    def __init__(self, key: str, title: str, purpose: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key, self.title = key, title
        self.setObjectName(f"page-{key}")
        column = theme.centred_column(self)
        column.addWidget(theme.heading(title))
        self.purpose = theme.paragraph(purpose, larger=True)
        column.addWidget(self.purpose)
        column.addWidget(theme.paragraph("This screen arrives in a later release.", muted=True))

        self.first_step, inner = theme.note_frame()
        inner.addWidget(theme.heading("What to do first", level=2))
        self.first_step_text = theme.paragraph("")
        inner.addWidget(self.first_step_text)
        self.start_button = QPushButton("&Get started…")
        self.start_button.setToolTip("Import the retention schedule or load demo data")
        self.start_button.clicked.connect(self.get_started)
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addStretch(1)
        inner.addLayout(row)
        column.addSpacing(8)
        column.addWidget(self.first_step)
        self.first_step.hide()

    def set_overview(self, overview: Overview) -> None:
        step = next_step(overview)
        self.first_step.setVisible(step is not None)
        self.first_step_text.setText(step or "")
        self.start_button.setVisible(overview.empty and overview.classes == 0)
