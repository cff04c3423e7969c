"""A table model over SQL that fetches pages of rows only when the view needs them.

It knows the row count (one COUNT query) and keeps a bounded cache of pages.
When the view asks for a row whose page is not loaded, the model returns a
placeholder, asks for the page off the GUI thread, and announces the rows
with ``dataChanged`` when they arrive. Changing the filter or sort bumps a
generation number, so late answers to old questions are dropped.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from paperless_ig.ui.tasks import error_text, run_task

CountFn = Callable[[], int]
PageFn = Callable[[int, int], Sequence[Any]]
CellFn = Callable[[Any, int, int], Any]
LOADING = "…"


class PagedTableModel(QAbstractTableModel):
    counted = Signal(int)  # the total, whenever a (re)load knows it
    page_loaded = Signal(int)  # page number
    failed = Signal(str)
    sort_requested = Signal(int, bool)  # column, descending: the owner reloads in that order

    def __init__(self, headings: Sequence[str], cell: CellFn, page_size: int = 200,
                 max_pages: int = 60, parent=None) -> None:
        super().__init__(parent)
        self.headings = list(headings)
        self.cell = cell
        self.page_size = page_size
        self.max_pages = max_pages
        self._count_fn: CountFn | None = None
        self._page_fn: PageFn | None = None
        self._total = 0
        self._pages: OrderedDict[int, Sequence[Any]] = OrderedDict()
        self._pending: set[int] = set()
        self._generation = 0

    # -- loading ------------------------------------------------------------
    def load(self, count_fn: CountFn, page_fn: PageFn) -> None:
        """Start over with new questions: how many rows, and which rows on a page."""
        self._generation += 1
        generation = self._generation
        self.beginResetModel()
        self._count_fn, self._page_fn = count_fn, page_fn
        self._total = 0
        self._pages.clear()
        self._pending.clear()
        self.endResetModel()
        run_task(None, lambda _progress: count_fn(), quick=True,
                 on_success=lambda total: self._counted(generation, total),
                 on_failure=self._failed)
        self._request(0)

    def _failed(self, exc: BaseException) -> None:
        self.failed.emit(error_text(exc))

    def _counted(self, generation: int, total: int) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._total = total
        self.endResetModel()
        self.counted.emit(total)

    def _request(self, page: int) -> None:
        if page in self._pending or self._page_fn is None:
            return
        self._pending.add(page)
        generation, page_fn, size = self._generation, self._page_fn, self.page_size
        run_task(None, lambda _progress: list(page_fn(page * size, size)), quick=True,
                 on_success=lambda rows: self._arrived(generation, page, rows),
                 on_failure=self._failed)

    def _arrived(self, generation: int, page: int, rows: Sequence[Any]) -> None:
        if generation != self._generation:
            return
        self._pending.discard(page)
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        first = page * self.page_size
        last = min(first + len(rows), self._total) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, self.columnCount() - 1))
        self.page_loaded.emit(page)

    def is_loaded(self, row: int) -> bool:
        return row // self.page_size in self._pages

    def row_data(self, row: int) -> Any | None:
        """The plain row behind a table row, or None while its page is loading."""
        page, offset = divmod(row, self.page_size)
        rows = self._pages.get(page)
        if rows is None or offset >= len(rows):
            return None
        return rows[offset]

    @property
    def total(self) -> int:
        return self._total

    # -- the Qt model interface ----------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headings)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.headings)):
            return self.headings[section]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_requested.emit(column, order == Qt.SortOrder.DescendingOrder)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._total:
            return None
        row = self.row_data(index.row())
        if row is None:
            self._request(index.row() // self.page_size)
            return LOADING if role == Qt.ItemDataRole.DisplayRole else None
        return self.cell(row, index.column(), role)
