"""The store: every box in one table that opens at once, however big the store is.

The table is a ``PagedTableModel`` over ``store_query``: one COUNT and the
first page of rows, then further pages only as the view scrolls. A change of
filter or sort starts a new load; while one is in flight further changes
wait, and only the latest is asked once it ends. The quick pool has one
thread and a desk scan may be queued behind us, so typing "invoices" must
not queue eight million-row searches. The chosen box's details and history
show beside the table (the Desk's ``BoxCard``); a second tab lists loans
overdue for return, most overdue first.

The page loads when it is first shown, and again when shown after
``set_overview`` said the data changed, so a hidden Store page never makes
the desk wait.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from paperless_ig.domain import clock
from paperless_ig.domain.states import BOX_STATUS_LABELS, CLOSED_BOX
from paperless_ig.services import boxes, store_query, teams
from paperless_ig.services.store_query import COLUMNS, PAGE_SIZE, BoxFilter, BoxRow
from paperless_ig.store.database import Database
from paperless_ig.ui import theme
from paperless_ig.ui.date_edit import OptionalDateEdit
from paperless_ig.ui.desk import BoxCard, box_history
from paperless_ig.ui.list_model import ListTableModel
from paperless_ig.ui.paged_model import PagedTableModel
from paperless_ig.ui.tasks import error_text, run_task, while_alive

SEARCH_DELAY_MS = 250  # typing pauses this long before the table asks again
DETAIL_DELAY_MS = 120  # holding an arrow key fetches the box it stops on, not every box passed
DEFAULT_SORT = ("received", True)  # newest deposits first
ANY = "Any"
COLUMN_KEYS = tuple(key for key, _heading, _column in COLUMNS)
# Columns are sized from sample text, never by measuring a million rows.
COLUMN_SAMPLES = {
    "barcode": "BX0000000X", "team": "FIN-AP-0", "class": "CSC-00-00", "received": "00/00/0000",
    "disposal": "00/00/0000", "location": "A-000-0-00", "status": "queued for disposal",
}
DATE_COLUMNS = ("received", "disposal")
OVERDUE_HEADINGS = ("Barcode", "Team", "Issued", "Due back", "Days overdue")



def cell_text(row: BoxRow, key: str) -> str:
    if key == "barcode":
        return row.barcode
    if key == "team":
        return row.team
    if key == "class":
        return row.class_code
    if key == "title":
        return row.title
    if key == "received":
        return theme.date_text(row.received_on)
    if key == "disposal":
        return theme.date_text(row.disposal_date, "permanent")
    if key == "location":
        return row.location or "not shelved"
    return BOX_STATUS_LABELS.get(row.status, row.status)


def sort_text(key: str, descending: bool) -> str:
    heading = next(h for k, h, _c in COLUMNS if k == key)
    if key in DATE_COLUMNS:
        order = "latest first" if descending else "earliest first"
    else:
        order = "Z to A" if descending else "A to Z"
    return f"sorted by {heading.lower()}, {order}"


class ChoiceBox(QComboBox):
    """A picker you can type into to search; its first entry, "Any", means no filter."""

    chosen = Signal()  # the chosen value changed

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setAccessibleName(name)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(6)
        self.setMaxVisibleItems(20)
        completer = self.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(completer.CompletionMode.PopupCompletion)
        self.addItem(ANY, None)
        self._value: str | None = None
        self.currentIndexChanged.connect(self._index_changed)
        self.lineEdit().editingFinished.connect(self._typed)
        self.lineEdit().installEventFilter(self)

    def value(self) -> str | None:
        return self.itemData(self.currentIndex()) if self.currentIndex() > 0 else None

    def set_value(self, value: str | None, quiet: bool = False) -> None:
        """Choose ``value`` (None: Any); ``quiet`` does not announce it."""
        index = 0 if value is None else self.findData(value)
        self.blockSignals(quiet)
        self.setCurrentIndex(max(index, 0))
        self.setEditText(self.itemText(self.currentIndex()))
        self.blockSignals(False)
        if quiet:
            self._value = self.value()

    def set_choices(self, items: list[tuple[str, str]]) -> None:
        """Refill with (label, value) pairs, keeping the chosen value if it is still there."""
        keep = self.value()
        self.blockSignals(True)
        self.clear()
        self.addItem(ANY, None)
        for label, value in items:
            self.addItem(label, value)
        index = self.findData(keep) if keep is not None else 0
        self.setCurrentIndex(max(index, 0))
        self.blockSignals(False)
        if self.longest_label(items) > 30:
            self.view().setMinimumWidth(self.fontMetrics().averageCharWidth() * 40)
        self._index_changed()

    @staticmethod
    def longest_label(items: list[tuple[str, str]]) -> int:
        return max((len(label) for label, _value in items), default=0)

    def _index_changed(self, _index: int = 0) -> None:
        value = self.value()
        if value != self._value:
            self._value = value
            self.chosen.emit()

    def _typed(self) -> None:
        """Typed text picks the entry it names, or the one entry containing it; else it is undone."""
        text = self.currentText().strip()
        if text == self.itemText(self.currentIndex()):
            return
        if not text:
            self.setCurrentIndex(0)
            return
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if index < 0:
            matches = [i for i in range(self.count()) if text.lower() in self.itemText(i).lower()]
            index = matches[0] if len(matches) == 1 else -1
        if index >= 0:
            self.setCurrentIndex(index)
        self.setEditText(self.itemText(self.currentIndex()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Clicking into "Any" selects it, so typing replaces it rather than adding to it.
        if watched is self.lineEdit() and event.type() == QEvent.Type.FocusIn:
            QTimer.singleShot(0, self._select_all)
        return super().eventFilter(watched, event)

    def _select_all(self) -> None:
        if shiboken6.isValid(self):
            self.lineEdit().selectAll()


class OverdueModel(ListTableModel):
    """Loans past their due date, most overdue first (at most a thousand: a short list)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(OVERDUE_HEADINGS, parent)

    def set_loans(self, loans: list[boxes.OverdueLoan]) -> None:
        self.set_rows(sorted(loans, key=lambda loan: (-loan.days_overdue, loan.barcode)))

    def loan(self, row: int) -> boxes.OverdueLoan | None:
        return self.row(row)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        loan = self.loan(index.row()) if index.isValid() else None
        if loan is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (loan.barcode, loan.team, theme.date_text(loan.issued_on), theme.date_text(loan.due_on),
                    theme.plural(loan.days_overdue, "day"))[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 4:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None


class StorePage(theme.ReloadWhenShown, QWidget):
    """All boxes, filtered and sorted in SQL; the chosen box beside them; overdue loans."""

    loaded = Signal(int)  # the count, once it and the first page of rows are in
    detail_shown = Signal(str)  # the barcode now on the card
    overdue_loaded = Signal(int)
    job_requested = Signal(str)  # a job key, e.g. "desk", for the window to show

    def __init__(self, db: Database, login: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-store")
        self.db, self.login = db, login
        self.filter = BoxFilter()
        self.sort_key, self.descending = DEFAULT_SORT
        self.today = clock.today()
        self._waiting: set[str] = set()  # what the load in flight still waits for: count, page
        self._again = False  # filters changed while loading: load once more when it ends
        self._detail_seq = 0
        self._detail_source: tuple[str, int] | None = None  # ("boxes" | "overdue", row) to show

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(SEARCH_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filters)
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(DETAIL_DELAY_MS)
        self._detail_timer.timeout.connect(self._show_chosen)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_boxes_tab(), "All bo&xes")
        self.tabs.addTab(self._build_overdue_tab(), "O&verdue loans")
        self.detail = self._build_detail()
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(self.tabs)
        self.split.addWidget(self.detail)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 1)
        self.split.setChildrenCollapsible(False)
        self.split.setSizes([1000, 340])  # kept in proportion: the table first
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.split)

        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.focus_search)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        for field in (self.search, self.location):
            field.installEventFilter(self)  # Esc clears it

    # -- building -------------------------------------------------------------------
    def _build_boxes_tab(self) -> QWidget:
        tab = QWidget()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Barcode, words of the title, or a file reference")
        self.search.setAccessibleName("Quick search")
        self.search.setToolTip("Scan or type a barcode, or type words of a title or a file "
                               "reference (Ctrl+F; Esc clears it)")
        self.search.setClearButtonEnabled(True)
        self.search.textEdited.connect(self._filters_edited)
        self.search.returnPressed.connect(self.apply_filters)
        self.team = ChoiceBox("Team filter")
        self.directorate = ChoiceBox("Directorate filter")
        self.klass = ChoiceBox("Retention class filter")
        self.status = ChoiceBox("Status filter")
        self.status.set_choices([(label, key) for key, label in BOX_STATUS_LABELS.items()])
        self.location = QLineEdit()
        self.location.setPlaceholderText("e.g. A-001")
        self.location.setAccessibleName("Location filter")
        self.location.setToolTip("A shelf position, or the start of one: a store (A) or a bay (A-001)")
        self.location.textEdited.connect(self._filters_edited)
        self.location.returnPressed.connect(self.apply_filters)
        self.disposal_from = OptionalDateEdit("Disposal date from")
        self.disposal_to = OptionalDateEdit("Disposal date to")
        for edit in (self.disposal_from, self.disposal_to):
            edit.setToolTip("Boxes whose disposal date falls in this range; \"any\" leaves that "
                            "end open (select the date and press Delete to go back to \"any\")")
            edit.dateChanged.connect(self._filters_edited)
        for box in (self.team, self.directorate, self.klass, self.status):
            box.chosen.connect(self.apply_filters)
        self.clear_button = QPushButton("Clea&r filters")
        self.clear_button.setEnabled(False)
        self.clear_button.clicked.connect(self.clear_filters)

        dates = QHBoxLayout()
        dates.setContentsMargins(0, 0, 0, 0)
        dates.addWidget(self.disposal_from, 1)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.disposal_to, 1)
        # Three rows of label and field pairs, aligned so the eye finds each filter in its place.
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(6)
        grid.addWidget(_buddy("&Search:", self.search), 0, 0)
        grid.addWidget(self.search, 0, 1, 1, 4)
        grid.addWidget(self.clear_button, 0, 5, Qt.AlignmentFlag.AlignRight)
        pairs = ((1, 0, "&Team:", self.team), (1, 2, "&Directorate:", self.directorate),
                 (1, 4, "C&lass:", self.klass), (2, 0, "Stat&us:", self.status),
                 (2, 2, "L&ocation:", self.location), (2, 4, "Disposal &between:", self.disposal_from))
        for row, column, text, field in pairs:
            label = _buddy(text, field)
            grid.addWidget(label, row, column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if field is self.disposal_from:
                grid.addLayout(dates, row, column + 1)
            else:
                grid.addWidget(field, row, column + 1)
        for column in (1, 3, 5):
            grid.setColumnStretch(column, 1)

        self.count_label = QLabel("Loading…")
        self.count_label.setFont(theme.scaled_font(self.count_label, 1.1, bold=True))
        self.count_label.setAccessibleName("Boxes shown")
        self.sort_label = QLabel(sort_text(*DEFAULT_SORT))
        self.sort_label.setObjectName("muted")
        counts = QHBoxLayout()
        counts.addWidget(self.count_label)
        counts.addWidget(self.sort_label)
        counts.addStretch(1)

        self.model = PagedTableModel([heading for _key, heading, _column in COLUMNS], self._cell,
                                     page_size=PAGE_SIZE)
        self.model.counted.connect(self._counted)
        self.model.page_loaded.connect(self._page_loaded)
        self.model.failed.connect(self._load_failed)
        self.model.sort_requested.connect(self._sort_requested)
        self.table = QTableView()
        self.table.setModel(self.model)
        theme.read_only_table(self.table, "Boxes")
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._size_columns()
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSortIndicator(COLUMN_KEYS.index(DEFAULT_SORT[0]), Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.selectionModel().currentRowChanged.connect(self._box_row_changed)
        self._bold = QFont(self.table.font())
        self._bold.setBold(True)
        self._warning = QBrush(theme.WARNING_COLOUR)
        self._muted = self.table.palette().placeholderText()

        self.results = QStackedWidget()
        self.results.addWidget(self.table)
        self.results.addWidget(self._build_empty_state())

        layout = QVBoxLayout(tab)
        layout.setContentsMargins(8, 10, 8, 8)
        layout.addLayout(grid)
        layout.addSpacing(4)
        layout.addLayout(counts)
        layout.addWidget(self.results, 1)
        return tab

    def _size_columns(self) -> None:
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        header_metrics = header.fontMetrics()
        for column, (key, heading, _sort) in enumerate(COLUMNS):
            if key == "title":
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
                continue
            # Room for the text, the cell padding and the header's sort arrow.
            width = max(metrics.horizontalAdvance(COLUMN_SAMPLES.get(key, heading)) + 18,
                        header_metrics.horizontalAdvance(heading) + 34)
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setMinimumSectionSize(40)

    def _build_empty_state(self) -> QWidget:
        page = QWidget()
        column = theme.centred_column(page, top_stretch=1, bottom_stretch=3)
        self.empty_heading = theme.heading("No boxes yet", level=2)
        self.empty_text = theme.paragraph("")
        self.empty_clear = QPushButton("Clear filters")
        self.empty_clear.clicked.connect(self.clear_filters)
        self.empty_desk = QPushButton("Go to the Desk")
        self.empty_desk.clicked.connect(self._go_to_desk)
        buttons = QHBoxLayout()
        buttons.addWidget(self.empty_clear)
        buttons.addWidget(self.empty_desk)
        buttons.addStretch(1)
        column.addWidget(self.empty_heading)
        column.addWidget(self.empty_text)
        column.addLayout(buttons)
        return page

    def _build_overdue_tab(self) -> QWidget:
        tab = QWidget()
        self.overdue_note = theme.paragraph(
            "Boxes issued to a team and not back by their due date, most overdue first. "
            "Double-click one to see it beside the list.", muted=True)
        self.overdue_model = OverdueModel()
        self.overdue = QTableView()
        self.overdue.setAccessibleName("Overdue loans")
        self.overdue.setModel(self.overdue_model)
        self.overdue.verticalHeader().setVisible(False)
        self.overdue.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.overdue.verticalHeader().setDefaultSectionSize(self.overdue.fontMetrics().height() + 8)
        self.overdue.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.overdue.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.overdue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.overdue.setAlternatingRowColors(True)
        self.overdue.setWordWrap(False)
        header = self.overdue.horizontalHeader()
        header.setHighlightSections(False)
        metrics = self.overdue.fontMetrics()
        samples = ("BX0000000X", "FIN-AP-0", "00/00/0000", "00/00/0000", "999 days")
        for column, sample in enumerate(samples):
            header.resizeSection(column, max(metrics.horizontalAdvance(sample),
                                             metrics.horizontalAdvance(OVERDUE_HEADINGS[column])) + 28)
        self.overdue.selectionModel().currentRowChanged.connect(self._overdue_row_changed)
        self.overdue.doubleClicked.connect(lambda index: self._show_overdue(index.row()))
        self.overdue_empty = theme.paragraph("No loans are overdue: every box issued to a team is "
                                             "back, or not yet due.", larger=True)
        self.overdue_empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.overdue_stack = QStackedWidget()
        self.overdue_stack.addWidget(self.overdue)
        self.overdue_stack.addWidget(self.overdue_empty)
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(8, 10, 8, 8)
        layout.addWidget(self.overdue_note)
        layout.addWidget(self.overdue_stack, 1)
        return tab

    def _build_detail(self) -> QWidget:
        panel = QWidget()
        self.card = BoxCard()
        self.card.empty.setText("Choose a box in the list to see its team, class, shelf, disposal "
                                "date and history here.")
        self.detail_message = theme.paragraph("")
        self.detail_message.setStyleSheet(f"color: {theme.WARNING_COLOUR.name()};")
        self.detail_message.hide()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.card)
        layout.addWidget(self.detail_message)
        layout.addStretch(1)  # an empty card sits at the top; a shown one takes the height
        self._detail_layout = layout
        panel.setMinimumWidth(260)
        return panel

    # -- what the window tells the page (set_overview, showEvent: ReloadWhenShown) ----
    def reload(self) -> None:
        """Ask again for everything on the page: the boxes first, then the pickers and loans."""
        self.stale = False
        self.today = clock.today()
        self._load_boxes()
        db = self.db
        run_task(self, lambda _p: (store_query.choices(db), teams.list_teams(db)), quick=True,
                 on_success=while_alive(self, self._choices_arrived),
                 on_failure=while_alive(self, self._load_failed_exc))
        self._load_overdue()
        if self.card.barcode:
            self.show_box(self.card.barcode)

    # -- filters -----------------------------------------------------------------------
    def current_filter(self) -> BoxFilter:
        return BoxFilter(
            text=self.search.text().strip(), team=self.team.value(),
            directorate=self.directorate.value(), class_code=self.klass.value(),
            status=self.status.value(), location=self.location.text().strip() or None,
            disposal_from=self.disposal_from.value(), disposal_to=self.disposal_to.value())

    def _filters_edited(self, *_args) -> None:
        self._filter_timer.start()

    def apply_filters(self) -> None:
        self._filter_timer.stop()
        wanted = self.current_filter()
        self.clear_button.setEnabled(wanted != BoxFilter())
        if wanted == self.filter:
            return
        self.filter = wanted
        self._load_boxes()

    def clear_filters(self) -> None:
        for widget in (self.search, self.location):
            widget.clear()
        for box in (self.team, self.directorate, self.klass, self.status):
            box.set_value(None, quiet=True)  # one reload at the end, not one per box
        for edit in (self.disposal_from, self.disposal_to):
            edit.blockSignals(True)
            edit.set_value(None)
            edit.blockSignals(False)
        self.apply_filters()

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched in (self.search, self.location)
                and event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
                and event.key() == Qt.Key.Key_Escape and watched.text()):
            # Claim Esc from any window shortcut while there is text to clear.
            if event.type() == QEvent.Type.KeyPress:
                watched.clear()
                self.apply_filters()
            event.accept()
            return True
        return super().eventFilter(watched, event)

    @property
    def loading(self) -> bool:
        """A load is in flight or a filter change is waiting for typing to pause."""
        return bool(self._waiting) or self._again or self._filter_timer.isActive()

    def _sort_requested(self, column: int, descending: bool) -> None:
        key = COLUMN_KEYS[column]
        if (key, descending) == (self.sort_key, self.descending):
            return
        self.sort_key, self.descending = key, descending
        self.sort_label.setText(sort_text(key, descending))
        self._load_boxes()

    # -- the boxes table ----------------------------------------------------------------
    def _load_boxes(self) -> None:
        self.count_label.setText("Loading…")
        self.count_label.setStyleSheet("")
        if self._waiting:
            self._again = True
            return
        db, wanted, key, descending = self.db, self.filter, self.sort_key, self.descending
        self._waiting = {"count", "page"}
        self._detail_source = None
        self.model.load(lambda: store_query.count(db, wanted),
                        lambda offset, limit: store_query.page(db, wanted, key, descending,
                                                               offset, limit))

    def _counted(self, total: int) -> None:
        self._waiting.discard("count")
        if not self._again:
            self._show_count(total)
        self._maybe_done()

    def _page_loaded(self, page: int) -> None:
        if page == 0 and "page" in self._waiting:
            self._waiting.discard("page")
            self._maybe_done()
        if self._detail_source and self._detail_source[0] == "boxes" and not self._detail_timer.isActive():
            self._show_chosen()  # the chosen row's page was still on its way

    def _maybe_done(self) -> None:
        if self._waiting:
            return
        if self._again:
            self._again = False
            self._load_boxes()
            return
        total = self.model.total
        if total == 1 and self.filter.text:
            # A scanned or typed barcode found its box: show it at once.
            self.table.selectRow(0)
        self.loaded.emit(total)

    def _load_failed(self, message: str) -> None:
        self._waiting.clear()
        self.count_label.setText(message)
        self.count_label.setStyleSheet(f"color: {theme.WARNING_COLOUR.name()};")
        if self._again:
            self._again = False
            self._load_boxes()

    def _load_failed_exc(self, exc: BaseException) -> None:
        self._load_failed(error_text(exc))

    def _show_count(self, total: int) -> None:
        filtered = self.filter != BoxFilter()
        text = theme.plural(total, "box", "boxes")
        if filtered:
            text += " match" if total != 1 else " matches"
            if self.overview is not None and self.overview.boxes:
                text += f" (of {self.overview.boxes:,})"
        self.count_label.setText(text)
        self.sort_label.setVisible(total > 1)
        # No boxes at all: nothing to choose, so no card saying "choose a box".
        self.detail.setVisible(bool(total) or filtered)
        if total:
            self.results.setCurrentIndex(0)
            return
        if filtered:
            self.empty_heading.setText("No boxes match these filters")
            self.empty_text.setText("Change the filters above, or clear them to see every box.")
        else:
            self.empty_heading.setText("There are no boxes in this database yet")
            self.empty_text.setText(
                "Boxes arrive when a deposit is logged at the Desk, or when an administrator "
                "imports the existing box register (paperless-ig register import FILE).")
        self.empty_clear.setVisible(filtered)
        self.empty_desk.setVisible(not filtered)
        self.results.setCurrentIndex(1)

    def _cell(self, row: BoxRow, column: int, role: int):
        key = COLUMN_KEYS[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(row, key)
        if key == "disposal" and row.due:
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._warning
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Past its disposal date and still in store: due for review"
        if role == Qt.ItemDataRole.ToolTipRole and key in ("title", "status"):
            return cell_text(row, key)
        if role == Qt.ItemDataRole.ForegroundRole and row.status in CLOSED_BOX:
            return self._muted  # destroyed or transferred: history, not the shelf
        return None

    def _go_to_desk(self) -> None:
        self.job_requested.emit("desk")
        window = self.window()
        if window is not self and hasattr(window, "show_page"):
            window.show_page("desk")

    # -- overdue loans ------------------------------------------------------------------
    def _load_overdue(self) -> None:
        db, today = self.db, self.today
        run_task(self, lambda _p: boxes.overdue_loans(db, today), quick=True,
                 on_success=while_alive(self, self._overdue_arrived),
                 on_failure=while_alive(self, lambda exc: self.overdue_empty.setText(error_text(exc))))

    def _overdue_arrived(self, loans: list[boxes.OverdueLoan]) -> None:
        self.overdue_model.set_loans(loans)
        count = self.overdue_model.rowCount()
        self.tabs.setTabText(1, "O&verdue loans" + (f" ({count:,})" if count else ""))
        self.overdue_stack.setCurrentIndex(0 if count else 1)
        self.overdue_loaded.emit(count)

    def _overdue_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._detail_source = ("overdue", current.row())
            self._detail_timer.start()

    def _show_overdue(self, row: int) -> None:
        loan = self.overdue_model.loan(row)
        if loan is not None:
            self._detail_timer.stop()
            self._detail_source = None
            self.show_box(loan.barcode)

    # -- the detail card ----------------------------------------------------------------
    def _box_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._detail_source = ("boxes", current.row())
            self._detail_timer.start()

    def _show_chosen(self) -> None:
        if self._detail_source is None:
            return
        where, row = self._detail_source
        if where == "overdue":
            self._show_overdue(row)
            return
        box = self.model.row_data(row)
        if box is None:
            return  # its page is on its way; _page_loaded comes back here
        self._detail_source = None
        self.show_box(box.barcode)

    def show_box(self, barcode: str) -> None:
        """Fetch one box's details and history off the GUI thread and show them on the card."""
        self._detail_seq += 1
        seq, db = self._detail_seq, self.db

        def job(_progress):
            detail = boxes.show(db, barcode)
            return detail, box_history(db, detail)

        run_task(self, job, quick=True,
                 on_success=while_alive(self, lambda result: self._detail_arrived(seq, result)),
                 on_failure=while_alive(self, lambda exc: self._detail_failed(seq, barcode, exc)))

    def _detail_arrived(self, seq: int, result) -> None:
        if seq != self._detail_seq:
            return
        detail, history = result
        self.detail_message.hide()
        self.card.show_box(detail, history)
        self._detail_layout.setStretch(0, 1)
        self._detail_layout.setStretch(2, 0)
        self.detail_shown.emit(detail.barcode)

    def _detail_failed(self, seq: int, barcode: str, exc: BaseException) -> None:
        if seq != self._detail_seq:
            return
        self.detail_message.setText(f"{barcode}: {error_text(exc)}")
        self.detail_message.show()

    # -- pickers ------------------------------------------------------------------------
    def _choices_arrived(self, result) -> None:
        choices, infos = result
        names = {info.code: info.label for info in infos}
        self.team.set_choices([(names.get(code, code), code) for code in choices.teams])
        self.directorate.set_choices([(name, name) for name in choices.directorates])
        self.klass.set_choices([(code, code) for code in choices.classes])
        self.status.set_choices([(BOX_STATUS_LABELS.get(s, s), s) for s in choices.statuses])

    # -- plumbing ---------------------------------------------------------------------


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


__all__ = ["ChoiceBox", "OptionalDateEdit", "StorePage"]
