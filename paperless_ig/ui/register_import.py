"""Importing an existing box register: choose the file, match its columns, import.

One dialog in three steps (a stacked widget under a line that says where you
are): **1 File**, **2 Columns**, **3 Import**, then the result. The work is
the core's ``register.preview`` and ``register.import_register``, both run off
the GUI thread through ``run_task``; the import shows a progress dialog whose
Cancel rolls the whole import back.

The columns step has one drop-down per field of a register, pre-set from the
mapping ``preview`` guessed from the file's headings, beside the first rows of
the file with the columns that will be read highlighted. What stops the import
(a needed field with no column) is shown in red and keeps Next disabled.

The actions are plain methods tests call without any modal dialog:
``set_file(path)``, ``set_mapping(field, heading)``, ``mapping()`` and
``start_import()``. Outcomes leave as signals: ``previewed(Preview)``,
``finished_import(RegisterResult)``, ``refused(list[RowError])`` (an
all-or-nothing import found bad rows and kept nothing), ``failed(str)`` (the
file could not be read or imported) and ``cancelled()``.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from paperless_ig.domain.errors import ImportRejected, RowError
from paperless_ig.services import register, sheets
from paperless_ig.services.register import FIELDS, REQUIRED, Preview, RegisterResult
from paperless_ig.store.database import Database
from paperless_ig.ui import theme
from paperless_ig.ui.list_model import ListTableModel
from paperless_ig.ui.tasks import Task, error_text, run_task

PREVIEW_ROWS = 20
NOT_IN_FILE = "(not in the file)"
REGISTER_FILTER = "Spreadsheets (*.xlsx *.xlsm *.csv);;All files (*)"
REJECTED_FILTER = "Excel workbook (*.xlsx);;CSV file (*.csv)"
MAX_PREVIEW_COLUMN = 260  # px; a long description must not push the other columns away

# What a records officer calls each field, with a mnemonic that no button of the dialog uses.
FIELD_LABELS = {
    "barcode": "B&arcode",
    "team_code": "&Team code",
    "class_code": "Retention c&lass",
    "title": "Titl&e",
    "date_from": "Records &from",
    "date_to": "Records t&o",
    "trigger_date": "Tri&gger date",
    "location": "&Shelf location",
    "received": "Recei&ved on",
}
FIELD_HINTS = {
    "barcode": "The box's barcode or number as written on the box. Kept as it is; only stray "
               "spaces and invisible characters are removed.",
    "team_code": "The code of the team that owns the box (the team must already exist).",
    "class_code": "The retention class code from the schedule, e.g. FIN-01-01.",
    "title": "What is in the box: its title, description or contents.",
    "date_from": "The earliest date of the records in the box.",
    "date_to": "The latest date of the records in the box; the trigger date when there is none.",
    "trigger_date": "The date the retention clock starts from (the file's closure, last "
                    "action…). When blank, Records to is used.",
    "location": "The shelf the box sits on (the location must already exist); blank means "
                "not shelved.",
    "received": "When the box came into the store; defaults to the trigger date.",
}
STEPS = ("File", "Columns", "Import")
FILE_PAGE, COLUMNS_PAGE, IMPORT_PAGE, RESULT_PAGE = range(4)
REFUSED_SENTENCE = ("Nothing was imported. Fix these rows and import again, or import the good "
                    "rows only.")


def label_of(field: str) -> str:
    """A field's name as the dialog shows it, without its mnemonic."""
    return FIELD_LABELS[field].replace("&", "")


def cell_text(value: Any) -> str:
    """A cell of the file as a person reads it: UK dates, whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def visible(text: str) -> str:
    """``text`` with what cleaning removes made visible: "BX1⟨tab⟩", "⟨zero width space⟩BX1"."""
    out = []
    for char in text:
        if char == " ":
            out.append("⟨space⟩")
        elif char == "\t":
            out.append("⟨tab⟩")
        elif char in "\r\n":
            out.append("⟨new line⟩")
        elif unicodedata.category(char) == "Cc":
            out.append(f"⟨control {ord(char):02X}⟩")
        elif unicodedata.category(char) in ("Cf", "Zs", "Zl", "Zp"):
            out.append(f"⟨{unicodedata.name(char, f'U+{ord(char):04X}').lower()}⟩")
        else:
            out.append(char)
    return "".join(out)


def mapping_problems(mapping: dict[str, str], headings: Sequence[str]) -> tuple[list[str], list[str]]:
    """What stops the import (``blocking``) and what the user should know (``notes``).

    The core decides (``register.missing_fields``, ``register.columns_read``); this says it in
    the dialog's words, with one core rule as a note: a field left "not in the file" is still
    read from a column carrying the field's own name.
    """
    blocking = [("Choose a column for the trigger date, or for Records to (the trigger date is "
                 "taken from it when there is none).") if name == "trigger_date" else
                f"Choose the column that holds the {label_of(name).lower()}."
                for name in register.missing_fields(mapping)]
    notes = []
    used: dict[str, list[str]] = {}
    for name, heading in mapping.items():
        used.setdefault(sheets.heading_key(heading), []).append(name)
    by_key = {sheets.heading_key(h): h for h in reversed(headings)}
    for key, names in used.items():
        if len(names) > 1:
            notes.append(f"“{by_key.get(key, key)}” is used for "
                         f"{' and '.join(label_of(n) for n in names)}.")
    for name, own in register.columns_read(mapping, headings).items():
        if name not in mapping:
            notes.append(f"The column “{own}” will still be read as {label_of(name)}, because it "
                         "has that name; rename it in the file to leave it out.")
    return blocking, notes


class RowsModel(ListTableModel):
    """A read-only table over a list of tuples: a refusal can list 100,000 rows."""

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        value = self.rows[index.row()][index.column()]
        return None if value is None else str(value)


def _rows_view(model: RowsModel, name: str, stretch: int) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.verticalHeader().setVisible(False)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return view


def _coloured(label: QLabel, colour: QColor | None) -> None:
    label.setStyleSheet(f"color: {colour.name()};" if colour else "")


class RegisterImportDialog(QDialog):
    """Import a box register from a spreadsheet, with a column-mapping step and a preview."""

    previewed = Signal(object)  # Preview, once the columns step shows it
    finished_import = Signal(object)  # RegisterResult
    refused = Signal(object)  # list[RowError]: nothing was imported
    failed = Signal(str)  # the file could not be read, or the import failed
    cancelled = Signal()

    def __init__(self, db: Database, login: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.login = db, login
        self.preview: Preview | None = None
        self.task: Task | None = None
        self.busy = False  # reading the file or importing: the buttons wait
        self.importing = False  # Esc and Close cancel the import rather than close
        self.import_result: RegisterResult | None = None
        self.errors: list[RowError] = []
        self._path: Path | None = None
        self._preview_seq = 0
        self._combos: dict[str, QComboBox] = {}
        self._used_mapping: dict[str, str] = {}

        self.setWindowTitle("Import a box register")
        self.setObjectName("register-import")
        self.setStyleSheet(theme.STYLE_SHEET)
        self.setMinimumSize(900, 580)
        self.resize(1100, 700)

        self.step_labels = [QLabel() for _ in STEPS]
        steps = QHBoxLayout()
        steps.setSpacing(10)
        for number, label in enumerate(self.step_labels):
            if number:
                arrow = QLabel("›")
                arrow.setObjectName("muted")
                steps.addWidget(arrow)
            steps.addWidget(label)
        steps.addStretch(1)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._file_page())
        self.pages.addWidget(self._columns_page())
        self.pages.addWidget(self._import_page())
        self.pages.addWidget(self._result_page())

        self.back_button = QPushButton("< &Back")
        self.back_button.clicked.connect(self.back)
        self.again_button = QPushButton("Import &another file…")
        self.again_button.clicked.connect(self.start_over)
        self.good_only_button = QPushButton("Import the &good rows only…")
        self.good_only_button.setToolTip("Tick “import the good rows” and go back to the import step")
        self.good_only_button.clicked.connect(self.import_good_rows_only)
        self.next_button = QPushButton("&Next >")
        self.next_button.clicked.connect(self.next_step)
        self.import_button = QPushButton("&Import")
        self.import_button.clicked.connect(self.start_import)
        self.close_button = QPushButton("Cancel")
        self.close_button.clicked.connect(self.close_or_cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.again_button)
        buttons.addStretch(1)
        for button in (self.good_only_button, self.next_button, self.import_button, self.close_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.setSpacing(10)
        layout.addLayout(steps)
        layout.addWidget(line)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self._show_page(FILE_PAGE)

    # -- the pages -------------------------------------------------------------------
    def _file_page(self) -> QWidget:
        page = QWidget()
        column = theme.centred_column(page, top_stretch=1, bottom_stretch=2)
        column.addWidget(theme.heading("Choose the register"))
        column.addWidget(theme.paragraph(
            "The spreadsheet (.xlsx or .csv) of boxes already in the store, one box a row under a "
            "row of headings. Its headings need not be ours: the next step matches them to the "
            "barcode, team code, retention class, title and dates of each box.", larger=True))
        self.path_field = QLineEdit()
        self.path_field.setAccessibleName("Register file")
        self.path_field.setPlaceholderText("Type or paste the path, or choose the file")
        self.path_field.textChanged.connect(self._update_buttons)
        self.browse_button = QPushButton("B&rowse…")
        self.browse_button.clicked.connect(self.choose_file)
        path_label = QLabel("&File:")
        path_label.setBuddy(self.path_field)
        row = QHBoxLayout()
        row.addWidget(path_label)
        row.addWidget(self.path_field, 1)
        row.addWidget(self.browse_button)
        column.addLayout(row)
        self.file_status = theme.paragraph("")
        self.file_status.hide()
        column.addWidget(self.file_status)
        note, inner = theme.note_frame()
        inner.addWidget(theme.heading("Before you import", level=2))
        inner.addWidget(theme.paragraph(
            "The teams, the retention classes and the shelf locations the register names must "
            "already be in paperless-ig. The import is all or nothing: if any row is wrong, nothing "
            "is imported and every bad row is listed, so the file can be fixed and imported again."))
        column.addSpacing(6)
        column.addWidget(note)
        return page

    def _columns_page(self) -> QWidget:
        page = QWidget()
        left = QVBoxLayout()
        left.setSpacing(10)
        left.addWidget(theme.heading("Match the columns", level=2))
        self.columns_intro = theme.paragraph("")
        left.addWidget(self.columns_intro)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name in FIELDS:
            combo = QComboBox()
            combo.setAccessibleName(label_of(name))
            combo.setToolTip(FIELD_HINTS[name])
            combo.setMinimumContentsLength(14)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.currentIndexChanged.connect(lambda _i, n=name: self._mapping_changed(n))
            label = QLabel(FIELD_LABELS[name] + (" *" if name in REQUIRED else "") + ":")
            label.setBuddy(combo)
            label.setToolTip(FIELD_HINTS[name])
            if name in REQUIRED:
                label.setFont(theme.scaled_font(label, 1.0, bold=True))
            form.addRow(label, combo)
            self._combos[name] = combo
        left.addLayout(form)
        left.addWidget(theme.paragraph(
            "* needed in every row. The trigger date may be left blank: Records to is used "
            "instead.", muted=True))
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problems_label.setAccessibleName("Problems with the columns")
        _coloured(self.problems_label, theme.WARNING_COLOUR)
        left.addWidget(self.problems_label)
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextFormat(Qt.TextFormat.PlainText)
        _coloured(self.notes_label, theme.CAUTION_COLOUR)
        left.addWidget(self.notes_label)
        left.addStretch(1)
        left_widget = QWidget()
        left_widget.setLayout(left)
        left_widget.setFixedWidth(370)

        right = QVBoxLayout()
        right.setSpacing(8)
        self.preview_title = theme.heading("The file", level=2)
        right.addWidget(self.preview_title)
        self.preview_note = theme.paragraph("", muted=True)
        right.addWidget(self.preview_note)
        self.preview_table = QTableWidget()
        self.preview_table.setAccessibleName("First rows of the file")
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setWordWrap(False)
        # The file's own row numbers are unknown here (blank rows are skipped), so show none.
        self.preview_table.verticalHeader().setVisible(False)
        self.preview_table.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        right.addWidget(self.preview_table, 1)

        columns = QHBoxLayout(page)
        columns.setContentsMargins(0, 4, 0, 0)
        columns.setSpacing(20)
        columns.addWidget(left_widget)
        columns.addLayout(right, 1)
        return page

    def _import_page(self) -> QWidget:
        page = QWidget()
        column = theme.centred_column(page, top_stretch=1, bottom_stretch=2)
        column.addWidget(theme.heading("Import"))
        self.recap = theme.paragraph("")
        self.recap.setTextFormat(Qt.TextFormat.RichText)
        column.addWidget(self.recap)
        column.addWidget(theme.paragraph(
            "All or nothing, unless you tick the box below: if any row is wrong, nothing is "
            "imported and every bad row is listed."))
        self.skip_invalid = QCheckBox(
            "Import the &good rows and put the rejected ones in a separate workbook")
        self.skip_invalid.toggled.connect(self._skip_toggled)
        column.addWidget(self.skip_invalid)
        self.rejected_field = QLineEdit()
        self.rejected_field.setAccessibleName("Workbook for the rejected rows")
        self.rejected_field.textChanged.connect(self._rejected_changed)
        self.rejected_browse = QPushButton("B&rowse…")
        self.rejected_browse.clicked.connect(self.choose_rejected_file)
        rejected_label = QLabel("Re&jected rows to:")
        rejected_label.setBuddy(self.rejected_field)
        self.rejected_row = QWidget()
        row = QHBoxLayout(self.rejected_row)
        row.setContentsMargins(24, 0, 0, 0)
        row.addWidget(rejected_label)
        row.addWidget(self.rejected_field, 1)
        row.addWidget(self.rejected_browse)
        column.addWidget(self.rejected_row)
        self.rejected_note = theme.paragraph("", muted=True)
        self.rejected_note.setContentsMargins(24, 0, 0, 0)
        column.addWidget(self.rejected_note)
        self.import_status = theme.paragraph("")
        self.import_status.hide()
        column.addWidget(self.import_status)
        self._skip_toggled(False)
        return page

    def _result_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(10)
        self.result_title = theme.heading("")
        self.result_title.setAccessibleName("Result")
        layout.addWidget(self.result_title)
        self.result_text = theme.paragraph("", larger=True)
        layout.addWidget(self.result_text)
        self.problems_title = theme.heading("", level=2)
        layout.addWidget(self.problems_title)
        self.bad_rows = RowsModel(("Row", "Column", "Problem"), self)
        self.bad_rows_view = _rows_view(self.bad_rows, "Bad rows", 2)
        layout.addWidget(self.bad_rows_view, 3)
        self.cleaned_title = theme.heading("", level=2)
        layout.addWidget(self.cleaned_title)
        self.cleaned_text = theme.paragraph(
            "Spaces and invisible characters a scanner or a copy-and-paste adds were removed; "
            "these barcodes are stored as on the right.", muted=True)
        layout.addWidget(self.cleaned_text)
        self.cleaned = RowsModel(("Row", "In the file", "Stored as"), self)
        self.cleaned_view = _rows_view(self.cleaned, "Cleaned barcodes", 1)
        layout.addWidget(self.cleaned_view, 2)
        layout.addStretch(0)
        return page

    # -- moving between steps ----------------------------------------------------------
    def _show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        step = min(index, IMPORT_PAGE)
        for number, (label, name) in enumerate(zip(self.step_labels, STEPS, strict=True)):
            text = f"{number + 1}  {name}"
            label.setText(f"<b>{text}</b>" if number == step else text)
            label.setObjectName("" if number == step else "muted")
            label.style().unpolish(label)
            label.style().polish(label)
        self._update_buttons()
        focus = {FILE_PAGE: self.path_field, COLUMNS_PAGE: self._combos[FIELDS[0]],
                 IMPORT_PAGE: self.import_button,
                 RESULT_PAGE: self.bad_rows_view if self.errors else self.close_button}[index]
        focus.setFocus()

    def _update_buttons(self) -> None:
        index = self.pages.currentIndex()
        blocking = bool(self.preview) and bool(mapping_problems(self.mapping(), self.preview.headings)[0])
        refused = index == RESULT_PAGE and self.import_result is None
        self.back_button.setVisible(index in (COLUMNS_PAGE, IMPORT_PAGE) or refused)
        self.again_button.setVisible(index == RESULT_PAGE and not refused)
        self.good_only_button.setVisible(refused)
        self.next_button.setVisible(index in (FILE_PAGE, COLUMNS_PAGE))
        self.import_button.setVisible(index == IMPORT_PAGE)
        self.close_button.setText("&Close" if index == RESULT_PAGE else "Cancel")
        if index == FILE_PAGE:
            self.next_button.setEnabled(bool(self.path_field.text().strip()) and not self.busy)
        elif index == COLUMNS_PAGE:
            self.next_button.setEnabled(not blocking and not self.busy)
        self.import_button.setEnabled(not self.busy and not blocking and self.preview is not None)
        self.back_button.setEnabled(not self.busy)
        default = {FILE_PAGE: self.next_button, COLUMNS_PAGE: self.next_button,
                   IMPORT_PAGE: self.import_button, RESULT_PAGE: self.close_button}[index]
        for button in (self.back_button, self.again_button, self.good_only_button, self.next_button,
                       self.import_button, self.close_button):
            button.setDefault(button is default)

    @Slot()
    def next_step(self) -> None:
        """Enter or Next: read the file on the first step, go on from the columns step."""
        index = self.pages.currentIndex()
        if index == FILE_PAGE and self.next_button.isEnabled():
            self.set_file(self.path_field.text().strip())
        elif index == COLUMNS_PAGE and self.next_button.isEnabled():
            self._fill_recap()
            self._show_page(IMPORT_PAGE)

    @Slot()
    def back(self) -> None:
        index = self.pages.currentIndex()
        if self.busy or index == FILE_PAGE:
            return
        self._show_page(IMPORT_PAGE if index == RESULT_PAGE else index - 1)

    @Slot()
    def start_over(self) -> None:
        self.preview, self.import_result, self.errors, self._path = None, None, [], None
        self.path_field.clear()
        self.file_status.hide()
        self.import_status.hide()
        self.skip_invalid.setChecked(False)
        self._show_page(FILE_PAGE)

    @Slot()
    def import_good_rows_only(self) -> None:
        self.skip_invalid.setChecked(True)
        self._show_page(IMPORT_PAGE)

    @Slot()
    def close_or_cancel(self) -> None:
        """Close after an import (accepted: boxes came in), otherwise as Esc does."""
        if self.import_result is not None and not self.importing:
            self.accept()
        else:
            self.reject()

    def reject(self) -> None:
        """Esc, Cancel or the window's close: while importing, cancel the import instead."""
        if self.importing:
            if self.task is not None:
                self.task.cancel()
            return
        super().reject()

    # -- step 1: the file --------------------------------------------------------------
    @Slot()
    def choose_file(self) -> None:
        start = str(self._path.parent) if self._path else str(Path.home())
        path, _filter = QFileDialog.getOpenFileName(self, "Choose the box register", start,
                                                    REGISTER_FILTER)
        if path:
            self.set_file(path)

    def set_file(self, path: str | Path) -> Task | None:
        """Read the file's headings and first rows off the GUI thread, then show the columns step."""
        if self.busy:
            return None
        path = Path(path).expanduser()
        self.path_field.setText(str(path))
        self._preview_seq += 1
        seq = self._preview_seq
        self._set_busy(True)
        self._status(self.file_status, f"Reading {path.name}…", None)
        return run_task(self, lambda _progress: register.preview(path, limit=PREVIEW_ROWS),
                        on_success=lambda p: self._previewed(seq, path, p),
                        on_failure=lambda exc: self._preview_failed(seq, exc))

    def _previewed(self, seq: int, path: Path, preview: Preview) -> None:
        if not shiboken6.isValid(self) or seq != self._preview_seq:
            return
        self._set_busy(False)
        self.file_status.hide()
        keep = self.mapping() if path == self._path and self.preview is not None else None
        self._path, self.preview = path, preview
        self.rejected_field.setText(str(register.default_rejected_path(path)))
        self._fill_columns(preview, keep)
        self._show_page(COLUMNS_PAGE)
        self.previewed.emit(preview)

    def _preview_failed(self, seq: int, exc: BaseException) -> None:
        if not shiboken6.isValid(self) or seq != self._preview_seq:
            return
        self._set_busy(False)
        message = error_text(exc)
        self._status(self.file_status, message, theme.WARNING_COLOUR)
        self.failed.emit(message)

    # -- step 2: the columns -----------------------------------------------------------
    def _fill_columns(self, preview: Preview, keep: dict[str, str] | None) -> None:
        """The drop-downs pre-set from the guessed mapping (or the user's, for the same file)."""
        headings = list(dict.fromkeys(preview.headings))
        present = {sheets.heading_key(h): h for h in reversed(headings)}
        chosen = dict(preview.mapping)
        if keep is not None:
            chosen = {n: present[sheets.heading_key(h)] for n, h in keep.items()
                      if sheets.heading_key(h) in present}
        for name, combo in self._combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(NOT_IN_FILE, None)
            for heading in headings:
                combo.addItem(heading, heading)
            index = combo.findData(chosen[name]) if name in chosen else 0
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
        found = len(preview.mapping)
        self.columns_intro.setText(
            f"{preview.source} has {theme.plural(len(headings), 'column')}. "
            f"{theme.plural(found, 'field was', 'fields were')} matched from the headings; check "
            "each one against the rows on the right and change any that are wrong.")
        table = self.preview_table
        table.clear()
        table.setColumnCount(len(preview.headings))
        table.setRowCount(len(preview.rows))
        for r, values in enumerate(preview.rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(cell_text(value))
                item.setToolTip(cell_text(value))
                table.setItem(r, c, item)
        self.preview_title.setText(
            f"The first {len(preview.rows)} rows of {preview.source}"
            if len(preview.rows) >= PREVIEW_ROWS
            else f"All {theme.plural(len(preview.rows), 'row')} of {preview.source}")
        self._refresh_mapping_view()
        table.resizeRowsToContents()

    def mapping(self) -> dict[str, str]:
        """Our field -> the file's heading, for the fields that have a column."""
        chosen = {}
        for name in FIELDS:
            heading = self._combos[name].currentData()
            if heading:
                chosen[name] = heading
        return chosen

    def set_mapping(self, field: str, heading: str | None) -> None:
        """Set one field's column; ``None`` (or "(not in the file)") leaves it out."""
        if field not in self._combos:
            raise ValueError(f"unknown field {field!r}; the fields are {', '.join(FIELDS)}")
        combo = self._combos[field]
        if heading is None or heading == NOT_IN_FILE:
            combo.setCurrentIndex(0)
            return
        index = combo.findData(heading)
        if index < 0:
            key = sheets.heading_key(heading)
            index = next((i for i in range(1, combo.count())
                          if sheets.heading_key(combo.itemData(i)) == key), -1)
        if index < 0:
            raise ValueError(f"the file has no column {heading!r}")
        combo.setCurrentIndex(index)

    def _mapping_changed(self, field: str) -> None:
        self._refresh_mapping_view()
        heading = self._combos[field].currentData()
        if heading and self.preview is not None and heading in self.preview.headings:
            column = self.preview.headings.index(heading)
            if self.preview_table.rowCount():
                self.preview_table.scrollToItem(self.preview_table.item(0, column))
        self._update_buttons()

    def _refresh_mapping_view(self) -> None:
        """Mark the columns that will be read, and say what is wrong with the choice."""
        preview = self.preview
        if preview is None:
            return
        mapping = self.mapping()
        blocking, notes = mapping_problems(mapping, preview.headings)
        self.problems_label.setText("\n".join(f"• {p}" for p in blocking))
        self.problems_label.setVisible(bool(blocking))
        self.notes_label.setText("\n".join(f"• {n}" for n in notes))
        self.notes_label.setVisible(bool(notes))
        fields_of: dict[str, list[str]] = {}
        for name, heading in mapping.items():
            fields_of.setdefault(sheets.heading_key(heading), []).append(label_of(name))
        palette = self.palette()
        tint = QColor(palette.color(QPalette.ColorRole.Highlight))
        tint.setAlpha(48)
        faint = QBrush(palette.color(QPalette.ColorRole.PlaceholderText))
        table = self.preview_table
        for c, heading in enumerate(preview.headings):
            fields = fields_of.get(sheets.heading_key(heading))
            item = QTableWidgetItem(f"{heading}\n→ {', '.join(fields)}" if fields
                                    else f"{heading}\n(not imported)")
            font = item.font()
            font.setBold(bool(fields))
            item.setFont(font)
            if not fields:
                item.setForeground(faint)
            item.setToolTip(f"Read as {' and '.join(fields)}" if fields else "Not imported")
            table.setHorizontalHeaderItem(c, item)
            for r in range(table.rowCount()):
                cell = table.item(r, c)
                if cell is not None:
                    cell.setBackground(QBrush(tint) if fields else QBrush())
                    cell.setForeground(QBrush() if fields else faint)
        table.resizeColumnsToContents()  # the headings change with the choice; 20 rows are cheap
        for c in range(table.columnCount()):
            table.setColumnWidth(c, min(table.columnWidth(c) + 12, MAX_PREVIEW_COLUMN))
        self.preview_note.setText(
            "Highlighted columns are imported; the others are left out. "
            f"{theme.plural(len(mapping), 'field')} of {len(FIELDS)} have a column.")

    # -- step 3: import ----------------------------------------------------------------
    def _fill_recap(self) -> None:
        """What will be read from which column, one field a line, before the user imports."""
        if self.preview is None:
            return
        mapping = self.mapping()
        used = {sheets.heading_key(h) for h in mapping.values()}
        left_out = [h for h in self.preview.headings if sheets.heading_key(h) not in used]
        cell = "<td style='padding: 1px 14px 1px 0'>{}</td>"
        lines = [f"<tr>{cell.format(html.escape(label_of(name)))}"
                 f"{cell.format('← ' + html.escape(heading))}</tr>" for name, heading in mapping.items()]
        if left_out:
            lines.append(f"<tr>{cell.format('<i>Left out</i>')}"
                         f"{cell.format(html.escape(', '.join(left_out)))}</tr>")
        self.recap.setText(f"<p>From <b>{html.escape(self.preview.source)}</b>:</p>"
                           f"<table>{''.join(lines)}</table>")

    def _skip_toggled(self, checked: bool) -> None:
        self.rejected_row.setEnabled(checked)
        self._rejected_changed()

    def _rejected_changed(self) -> None:
        text = self.rejected_field.text().strip()
        if not self.skip_invalid.isChecked():
            self.rejected_note.setText("Tick the box to choose where the rejected rows go.")
        elif text and Path(text).expanduser().exists():
            self.rejected_note.setText("A file of that name is already there; it will be replaced "
                                       "if any row is rejected.")
        else:
            self.rejected_note.setText("The rejected rows go there as they are in the file, with a "
                                       "reason column; fix them there and import that workbook.")

    @Slot()
    def choose_rejected_file(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, "Workbook for the rejected rows", self.rejected_field.text(), REJECTED_FILTER)
        if path:
            self.rejected_field.setText(path)

    def start_import(self) -> Task | None:
        """Import the file with the chosen columns, off the GUI thread, with progress and Cancel."""
        if self.busy or self._path is None or self.preview is None:
            return None
        mapping = self.mapping()
        if mapping_problems(mapping, self.preview.headings)[0]:
            return None
        db, login, path = self.db, self.login, self._path
        skip = self.skip_invalid.isChecked()
        rejected = self.rejected_field.text().strip() if skip else ""
        rejected_path = Path(rejected).expanduser() if rejected else None
        self._used_mapping = mapping
        self.import_result, self.errors = None, []
        self.importing = True
        self._set_busy(True)
        self._status(self.import_status, f"Importing {path.name}…", None)

        def job(progress):
            return register.import_register(db, login, path, mapping, skip_invalid=skip,
                                            rejected_path=rejected_path, progress=progress)

        self.task = run_task(self, job, on_success=self._imported, on_failure=self._import_failed,
                             progress_title=f"Importing {path.name}…",
                             on_cancel=self._import_cancelled)
        return self.task

    def _imported(self, result: RegisterResult) -> None:
        if not shiboken6.isValid(self):
            return
        self.importing = False
        self._set_busy(False)
        self.import_status.hide()
        self.import_result, self.errors = result, []
        self.result_title.setText(f"{theme.plural(result.imported, 'box', 'boxes')} imported")
        text = f"From {self._path.name if self._path else 'the register'}."
        if result.rejected_rows:
            text += (f" {theme.plural(result.rejected_rows, 'row was', 'rows were')} not imported. "
                     "They are in this workbook, with a reason column; fix them there and import "
                     f"that workbook:\n{result.rejected_file}")
        self.result_text.setText(text)
        self._show_bad_rows([RowError(r["row"], r["field"], r["reason"]) for r in result.rejected],
                            "Rows not imported")
        self._show_cleaned(result.cleaned)
        self._show_page(RESULT_PAGE)
        self.finished_import.emit(result)

    def _import_failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.importing = False
        self._set_busy(False)
        if isinstance(exc, ImportRejected):
            self.import_status.hide()
            self.import_result, self.errors = None, list(exc.errors)
            rows = len({e.row for e in exc.errors})
            self.result_title.setText(
                f"{theme.plural(rows, 'row')} of {exc.source} need{'s' if rows == 1 else ''} fixing")
            self.result_text.setText(REFUSED_SENTENCE)
            self._show_bad_rows(self.errors, "Every bad row")
            self._show_cleaned([])
            self._show_page(RESULT_PAGE)
            self.refused.emit(self.errors)
            return
        message = error_text(exc)
        if "nothing was imported" not in message.lower():  # the transaction rolled back
            message += " Nothing was imported."
        self._status(self.import_status, message, theme.WARNING_COLOUR)
        self.failed.emit(message)

    def _import_cancelled(self) -> None:
        if not shiboken6.isValid(self):
            return
        self.importing = False
        self._set_busy(False)
        self._status(self.import_status, "Cancelled: nothing was imported.", theme.CAUTION_COLOUR)
        self.cancelled.emit()

    # -- the result --------------------------------------------------------------------
    def _show_bad_rows(self, errors: list[RowError], title: str) -> None:
        def column(field: str | None) -> str:
            if not field:
                return ""
            name = label_of(field) if field in FIELD_LABELS else field
            heading = self._used_mapping.get(field)
            return f"{heading} ({name.lower()})" if heading else name

        rows = len({e.row for e in errors})
        count = theme.plural(rows, "row") + (f", {theme.plural(len(errors), 'problem')}"
                                             if len(errors) != rows else "")
        self.problems_title.setText(f"{title} ({count}), numbered as the spreadsheet shows them")
        self.bad_rows.set_rows([(e.row, column(e.field), e.message) for e in errors])
        for widget in (self.problems_title, self.bad_rows_view):
            widget.setVisible(bool(errors))
        if errors:
            self.bad_rows_view.resizeColumnToContents(0)
            self.bad_rows_view.setColumnWidth(1, 220)

    def _show_cleaned(self, cleaned: list[dict]) -> None:
        self.cleaned_title.setText(f"Barcodes tidied on the way in: {len(cleaned):,}")
        self.cleaned.set_rows([(c["row"], visible(c["from"]), c["to"]) for c in cleaned])
        for widget in (self.cleaned_title, self.cleaned_text, self.cleaned_view):
            widget.setVisible(bool(cleaned))
        if cleaned:
            self.cleaned_view.resizeColumnToContents(0)
            self.cleaned_view.setColumnWidth(1, 320)

    # -- plumbing ----------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (self.path_field, self.browse_button, self.skip_invalid, self.rejected_row,
                       *self._combos.values()):
            widget.setEnabled(not busy)
        if not busy:
            self.rejected_row.setEnabled(self.skip_invalid.isChecked())
        self._update_buttons()

    @staticmethod
    def _status(label: QLabel, text: str, colour: QColor | None) -> None:
        label.setText(text)
        label.setObjectName("" if colour else "muted")
        _coloured(label, colour)
        label.style().unpolish(label)
        label.style().polish(label)
        label.show()
