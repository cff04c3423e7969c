"""The scanning operator's screen: run a scan batch, watch its pages arrive, check the bad ones.

*Scan a batch*: choose (or drop) a folder or files, optionally the box for
pages before the first cover sheet, and Start. The batch runs on the bulk
pool through ``scanning.run_batch``. Each finished page is pushed by the
job's thread into a ``PageFeed`` that lives on the GUI thread; the feed
hands pages over in batches at most five times a second, so a fast batch
never costs a repaint per page. Thumbnails are rendered small off the GUI
thread, one task of a few pages at a time, grey to keep a long batch's
grid small in memory. Cancel stops the batch after the page being saved;
the pages read are kept, and Start on the same files carries on.

*Review*: the pages that need a person (read poorly, blank, or in no box),
each shown as a picture beside its text, to re-read turned, file in a box
(the field takes a scanned barcode) or accept. *Batches*: every batch with
its pages and how many wait for review. *Search* (optional): the app's
``SearchPanel``, until the main window hosts its own.
"""

from __future__ import annotations

import bisect
import contextlib
import html
import re
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QDesktopServices, QFont, QImage, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from paperless_ig.domain.barcodes import clean_scanned
from paperless_ig.domain.errors import PaperlessError
from paperless_ig.domain.states import PageStatus
from paperless_ig.ocr import analyse, sources
from paperless_ig.services import digitisation, scanning
from paperless_ig.services.digitisation import ReviewItem
from paperless_ig.services.scanning import PageDone
from paperless_ig.store.database import Database
from paperless_ig.ui import theme
from paperless_ig.ui.search_panel import PageImage, SearchPanel, pdf_page, render_page, source_page, to_qimage
from paperless_ig.ui.tasks import Task, error_text, run_task, while_alive

FEED_INTERVAL_MS = 200  # finished pages reach the grid at most five times a second
IMAGE_DELAY_MS = 120  # arrowing down the queue renders the page it stops on, not every one passed
THUMB_SIZE = (104, 147)  # A4 in proportion
THUMB_DPI = 20
COVER_DPI = 75  # the size the pipeline itself looks for cover-sheet barcodes at
THUMBS_PER_TASK = 8
CELL = QSize(132, 204)

OK_COLOUR = QColor("#1b6e20")
LOW_COLOUR = QColor("#9a5b00")
BLANK_COLOUR = QColor("#5f6368")
COVER_COLOUR = QColor("#1a5fb4")
FAILED_COLOUR = QColor("#b3261e")
STATUS_COLOURS = {PageStatus.DONE: OK_COLOUR, PageStatus.ACCEPTED: OK_COLOUR, PageStatus.LOW: LOW_COLOUR,
                  PageStatus.BLANK: BLANK_COLOUR, PageStatus.COVER: COVER_COLOUR,
                  PageStatus.FAILED: FAILED_COLOUR, "nobox": LOW_COLOUR}
LEGEND = (("done", "92%", "read well"), ("low", "61% · check", "read poorly: check it in Review"),
          ("nobox", "92% · no box", "no cover sheet before it: file it in Review"),
          ("blank", "blank", "left out of the PDF"), ("cover", "→ BX…", "cover sheet: the pages after "
                                                                         "it go to that box"),
          ("failed", "failed", "could not be read"))
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
ITEM_ROLE = Qt.ItemDataRole.UserRole + 2
SCAN_FILTER = "Scanned pages (*.tif *.tiff *.jpg *.jpeg *.png *.pdf *.TIF *.TIFF *.JPG *.JPEG *.PNG *.PDF)"


# -- words for people ---------------------------------------------------------------------
def time_left_text(minutes: float) -> str:
    seconds = minutes * 60
    if seconds < 60:
        return f"about {max(5, round(seconds / 5) * 5):.0f} s left"
    if minutes < 10:
        return f"about {minutes:.1f} min left"
    if minutes < 90:
        return f"about {minutes:.0f} min left"
    hours, rest = divmod(round(minutes), 60)
    return f"about {hours} h {rest} min left"


def progress_text(done: int, total: int, read: int, seconds: float) -> str:
    """``page 12 of 40 · 118 pages a minute · about 15 s left`` (``read``: pages read this run)."""
    parts = [f"page {done:,} of {total:,}"]
    if read > 0 and seconds > 0:
        rate = read / seconds * 60
        parts.append(f"{rate:.0f} pages a minute")
        if done < total:
            parts.append(time_left_text((total - done) / rate))
    elif done < total:
        parts.append("working out the speed…")
    return " · ".join(parts)


def status_caption(done: PageDone, cover: str | None = None, unfiled: bool = False) -> str:
    confidence = f"{done.confidence:.0f}%" if done.confidence is not None else "?%"
    if done.status == PageStatus.LOW:
        return f"{confidence} · check"
    if done.status == PageStatus.BLANK:
        return "blank"
    if done.status == PageStatus.COVER:
        return f"→ {cover}" if cover else "cover sheet"
    if done.status == PageStatus.FAILED:
        return "failed"
    return f"{confidence} · no box" if unfiled else confidence


def status_explained(done: PageDone, cover: str | None = None) -> str:
    if done.status == PageStatus.LOW:
        return f"read poorly ({done.confidence or 0:.0f}% confidence): check it in Review"
    if done.status == PageStatus.BLANK:
        return "blank: left out of the PDF; check nothing is on it in Review"
    if done.status == PageStatus.COVER:
        return (f"cover sheet for box {cover}: the pages after it go to that box" if cover
                else "cover sheet: the pages after it go to its box")
    if done.status == PageStatus.FAILED:
        return f"could not be read: {done.error or 'no reason given'}"
    return f"read well ({done.confidence or 0:.0f}% confidence)"


def page_tooltip(done: PageDone, cover: str | None = None, box: str | None = None,
                 unfiled: bool = False) -> str:
    lines = [f"{Path(done.file).name}, page {done.page}", status_explained(done, cover)]
    if unfiled:
        lines.append("no cover sheet came before it: file it in a box in Review")
    elif box and done.status in (PageStatus.DONE, PageStatus.LOW):
        lines.append(f"goes to box {box}")
    if done.status in (PageStatus.DONE, PageStatus.LOW):
        details = [theme.plural(done.words, "word")]
        if done.rotation:
            details.append(f"turned {done.rotation}°")
        if abs(done.skew) >= 0.1:
            details.append(f"straightened by {done.skew:.1f}°")
        lines.append(", ".join(details))
    return "\n".join(lines)


def chosen_text(paths: list[str]) -> str:
    if not paths:
        return "Nothing chosen yet."
    if len(paths) == 1:
        path = Path(paths[0])
        return f"{'Folder' if path.is_dir() else 'File'}: {path}"
    names = ", ".join(Path(p).name for p in paths[:4])
    return f"{len(paths)} chosen: {names}{', …' if len(paths) > 4 else ''}"


def local_time_text(value: datetime | None) -> str:
    """A stored (naive UTC) time as the operator's clock shows it."""
    if value is None:
        return "—"
    return value.replace(tzinfo=UTC).astimezone().strftime("%d/%m/%Y %H:%M")


def _natural(text: str) -> list:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text)]


def summary_html(report: dict) -> str:
    """The finished batch in a few lines (the boxes are listed in a table beside it)."""
    pages, read = report["pages"], report.get("pages_read", report["pages"])
    lines = [f"<b>Batch {report['batch_id']}: {theme.plural(pages, 'page')}</b>"]
    seconds = report.get("seconds", 0)
    timing = f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"
    run = f"{theme.plural(read, 'page')} read in {timing}"
    if read:
        run += f" ({report.get('pages_per_minute', 0):.0f} pages a minute)"
    if report.get("resumed"):
        run += f"; carried on from an earlier run ({theme.plural(pages - read, 'page')} already read)"
    lines.append(html.escape(run) + ".")
    filed = sum(info["pages"] for info in report["boxes"].values())
    lines.append(f"{theme.plural(filed, 'page')} filed in "
                 f"{theme.plural(len(report['boxes']), 'box', 'boxes')}." if report["boxes"]
                 else "No pages were filed in a box.")
    checks = []
    if report.get("unassigned"):
        checks.append(f"{theme.plural(report['unassigned'], 'page')} with no box: no cover sheet "
                      "came before them")
    if report.get("low_confidence"):
        checks.append(f"{theme.plural(report['low_confidence'], 'page')} read poorly")
    if report.get("blank"):
        checks.append(f"{theme.plural(report['blank'], 'blank page')} (left out of the PDFs)")
    if checks:
        lines.append("<b>For a person to check:</b><ul style='margin-top:0'>"
                     + "".join(f"<li>{html.escape(c)}</li>" for c in checks) + "</ul>")
    else:
        lines.append("✓ Every page read well.")
    failed = report.get("failed") or []
    if failed:
        items = []
        for failure in failed:
            where = Path(failure["file"]).name
            if failure.get("page"):
                where += f", page {failure['page']}"
            items.append(f"<li>{html.escape(where)}: {html.escape(str(failure['reason']))}</li>")
        lines.append(f"<b style='color:{FAILED_COLOUR.name()}'>Could not be read "
                     f"({len(failed)}):</b><ul style='margin-top:0'>{''.join(items)}</ul>")
    return "<br>".join(lines)


# -- thumbnails (made on a worker thread) ---------------------------------------------------
def _ref(done: PageDone) -> sources.PageRef:
    kind = "pdf" if done.file.lower().endswith(".pdf") else "image"
    return sources.PageRef(done.file, done.page - 1, kind)


def make_thumbnail(done: PageDone) -> tuple[int, QImage | None, str | None]:
    """(page id, a small grey picture or None, the cover sheet's box barcode or None)."""
    # A cover sheet's barcode is read again from the small copy (PageDone does not carry it).
    cover = None
    try:
        if done.status == PageStatus.COVER:
            image = source_page(_ref(done), COVER_DPI)
            cover = analyse.cover_barcode(analyse.small_grey(image, 1))
        elif done.pdf and Path(done.pdf).exists():
            image = pdf_page(done.pdf, 1, THUMB_DPI, grey=True)
        else:
            image = source_page(_ref(done), THUMB_DPI)
        image = image.convert("L")
        image.thumbnail(THUMB_SIZE)
        return done.page_id, to_qimage(image), cover
    except Exception:  # a damaged page has no picture; the grid says why it failed
        return done.page_id, None, cover


# -- the grid of pages ------------------------------------------------------------------------
@dataclass(eq=False)  # found by identity: comparing pictures would be slow and pointless
class PageEntry:
    done: PageDone
    key: tuple
    image: QImage | None = None
    cover: str | None = None
    pictured: bool = False  # a thumbnail was tried (it may have failed)
    box: str | None = None  # the box it goes to, as far as the pages seen so far tell
    unfiled: bool = False  # read, but no cover sheet (nor default box) comes before it

    @property
    def caption(self) -> str:
        return status_caption(self.done, self.cover, self.unfiled)

    @property
    def colour(self) -> QColor:
        return LOW_COLOUR if self.unfiled else STATUS_COLOURS.get(self.done.status, OK_COLOUR)


class PageGridModel(QAbstractListModel):
    """The pages of the running batch, in scan order, as they finish.

    Which box each page goes to is worked out here as the pipeline will (the
    last cover sheet before it, else the default box), so a page with no box
    stands out while the batch runs. A resumed run has not seen the pages read
    before, so it does not guess (``infer_boxes`` False).
    """

    UNKNOWN = "?"  # a cover sheet whose barcode is not read back yet

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: list[PageEntry] = []
        self._keys: list[tuple] = []
        self._by_id: dict[int, PageEntry] = {}
        self.default_box: str | None = None
        self.infer_boxes = True

    def clear(self, default_box: str | None = None) -> None:
        self.beginResetModel()
        self.entries, self._keys, self._by_id = [], [], {}
        self.default_box, self.infer_boxes = default_box, True
        self.endResetModel()

    def stop_inferring(self) -> None:
        self.infer_boxes = False
        self._assign_boxes()

    def _assign_boxes(self) -> None:
        current = self.default_box
        for row, entry in enumerate(self.entries):
            if entry.done.status == PageStatus.COVER:
                current = entry.cover or self.UNKNOWN
                continue
            box = current if self.infer_boxes else None
            unfiled = (self.infer_boxes and current is None
                       and entry.done.status in (PageStatus.DONE, PageStatus.LOW))
            if (box, unfiled) != (entry.box, entry.unfiled):
                entry.box, entry.unfiled = box, unfiled
                self.dataChanged.emit(self.index(row), self.index(row))

    def unfiled(self) -> int:
        return sum(1 for entry in self.entries if entry.unfiled)

    def add(self, pages: list[PageDone]) -> None:
        for done in pages:
            if done.page_id in self._by_id:
                continue
            entry = PageEntry(done, (_natural(done.file), done.page))
            row = bisect.bisect(self._keys, entry.key)
            self.beginInsertRows(QModelIndex(), row, row)
            self.entries.insert(row, entry)
            self._keys.insert(row, entry.key)
            self._by_id[done.page_id] = entry
            self.endInsertRows()
        self._assign_boxes()

    def set_thumbnail(self, page_id: int, image: QImage | None, cover: str | None) -> None:
        entry = self._by_id.get(page_id)
        if entry is None:
            return  # a page of an earlier batch
        entry.image, entry.cover, entry.pictured = image, cover or entry.cover, True
        row = self.entries.index(entry)
        self.dataChanged.emit(self.index(row), self.index(row))
        if entry.done.status == PageStatus.COVER:
            self._assign_boxes()

    def counts(self) -> Counter:
        return Counter(entry.done.status for entry in self.entries)

    def pictured(self) -> int:
        return sum(1 for entry in self.entries if entry.pictured)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        entry = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{Path(entry.done.file).name} p{entry.done.page}: {entry.caption}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return page_tooltip(entry.done, entry.cover, entry.box, entry.unfiled)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{Path(entry.done.file).name} page {entry.done.page}: " + status_explained(
                entry.done, entry.cover)
        if role == Qt.ItemDataRole.ForegroundRole:
            return entry.colour
        if role == ENTRY_ROLE:
            return entry
        return None


class PageDelegate(QStyledItemDelegate):
    """A thumbnail framed in its status colour, the file and page, and the status in colour."""

    def sizeHint(self, _option, _index) -> QSize:
        return CELL

    def paint(self, painter, option, index) -> None:
        entry: PageEntry | None = index.data(ENTRY_ROLE)
        if entry is None:
            return
        rect: QRect = option.rect
        palette = option.palette
        colour = entry.colour
        painter.save()
        painter.setRenderHint(painter.RenderHint.Antialiasing, False)
        if option.state & QStyle.StateFlag.State_Selected:
            shade = QColor(palette.color(QPalette.ColorRole.Highlight))
            shade.setAlpha(70)
            painter.fillRect(rect.adjusted(1, 1, -1, -1), shade)
        width, height = THUMB_SIZE
        frame = QRect(rect.x() + (rect.width() - width) // 2 - 3, rect.y() + 5, width + 6, height + 6)
        painter.fillRect(frame, QColor("#ffffff"))
        if entry.image is not None:
            image = entry.image
            x = frame.x() + (frame.width() - image.width()) // 2
            y = frame.y() + (frame.height() - image.height()) // 2
            painter.drawImage(x, y, image)
        else:
            painter.setPen(BLANK_COLOUR)
            painter.drawText(frame, Qt.AlignmentFlag.AlignCenter,
                             "no picture" if entry.pictured else "…")
        bad = entry.unfiled or entry.done.status in (PageStatus.LOW, PageStatus.BLANK, PageStatus.FAILED,
                                                     PageStatus.COVER)
        painter.setPen(QPen(colour, 3 if bad else 1))
        painter.drawRect(frame.adjusted(1, 1, -1, -1))
        text_rect = QRect(rect.x() + 2, frame.bottom() + 4, rect.width() - 4, 16)
        small = QFont(option.font)
        if small.pointSizeF() > 0:
            small.setPointSizeF(small.pointSizeF() * 0.85)
        painter.setFont(small)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        name = f"{Path(entry.done.file).name} p{entry.done.page}"
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter,
                         painter.fontMetrics().elidedText(name, Qt.TextElideMode.ElideMiddle,
                                                          text_rect.width()))
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(colour)
        status_rect = text_rect.translated(0, 17)
        status_rect.setHeight(20)
        painter.drawText(status_rect, Qt.AlignmentFlag.AlignHCenter,
                         painter.fontMetrics().elidedText(entry.caption, Qt.TextElideMode.ElideRight,
                                                          status_rect.width()))
        painter.restore()


class PageFeed(QObject):
    """Finished pages from the batch's thread to the GUI thread, in batches.

    ``push`` runs on the job's thread and only appends and, for the first page
    of a batch, emits a signal; this object lives on the GUI thread, so the
    slot runs there and drains everything waiting after ``FEED_INTERVAL_MS``.
    """

    pages = Signal(list)  # list[PageDone], on the GUI thread
    _arrived = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._waiting: list[PageDone] = []
        self._signalled = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FEED_INTERVAL_MS)
        self._timer.timeout.connect(self.drain)
        self._arrived.connect(self._schedule)

    def push(self, done: PageDone) -> None:
        """Called on the job's thread after each page is saved."""
        with self._lock:
            self._waiting.append(done)
            first, self._signalled = not self._signalled, True
        if first:
            with contextlib.suppress(RuntimeError):  # the screen was closed while the batch ran
                self._arrived.emit()

    @Slot()
    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def drain(self) -> None:
        self._timer.stop()
        with self._lock:
            pages, self._waiting, self._signalled = self._waiting, [], False
        if pages:
            self.pages.emit(pages)


class DropArea(QFrame):
    """Where a folder or files dragged from the file manager can be dropped."""

    dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drop")
        self.setAcceptDrops(True)
        self.setAccessibleName("Drop scanned pages here")
        self._style(False)

    def _style(self, hover: bool) -> None:
        border = "palette(highlight)" if hover else "palette(mid)"
        self.setStyleSheet(f"QFrame#drop {{ border: 2px dashed {border}; border-radius: 6px; "
                           "background: palette(base); }")

    @staticmethod
    def _paths(event) -> list[str]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]

    def dragEnterEvent(self, event) -> None:
        if self._paths(event):
            self._style(True)
            event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:
        self._style(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event) -> None:
        self._style(False)
        paths = self._paths(event)
        if paths:
            event.acceptProposedAction()
            self.dropped.emit(paths)


# -- the review queue ------------------------------------------------------------------------
def review_colour(item: ReviewItem) -> QColor:
    return BLANK_COLOUR if item.status == PageStatus.BLANK else LOW_COLOUR  # read poorly, or no box yet


class ReviewModel(QAbstractListModel):
    """The pages waiting for a person (at most a few hundred: the service's limit)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.items: list[ReviewItem] = []

    def set_items(self, items: list[ReviewItem]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def item(self, row: int) -> ReviewItem | None:
        return self.items[row] if 0 <= row < len(self.items) else None

    def row_of(self, page_id: int) -> int:
        return next((row for row, item in enumerate(self.items) if item.page_id == page_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        item = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{item.label}  ·  {item.box or 'no box'}  ·  batch {item.batch_id}\n{item.reason}"
        if role == Qt.ItemDataRole.ForegroundRole:
            return review_colour(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{item.file}, page {item.page}"
        if role == ITEM_ROLE:
            return item
        return None


# -- the screen ----------------------------------------------------------------------------
@dataclass
class _Run:
    """What the screen knows about the batch running now."""

    paths: list[str]
    started: float
    task: Task | None = None
    feed: PageFeed | None = None
    base: int | None = None  # pages already read before this run (a resumed batch)
    done: int = 0
    total: int = 0


class ScanningPage(theme.ReloadWhenShown, QWidget):
    """Scan a batch, review the pages that need a person, see past batches (and search)."""

    batch_started = Signal()
    pages_arrived = Signal(int)  # pages in the grid so far
    thumbnails_ready = Signal()  # every page in the grid has its picture (or tried)
    batch_finished = Signal(object)  # the BatchReport's as_json()
    batch_cancelled = Signal()
    batch_failed = Signal(str)
    review_loaded = Signal(int)  # items now in the queue list
    review_changed = Signal(object)  # the ReviewItem after a re-read, filing or accept
    review_failed = Signal(str)
    page_shown = Signal(int)  # page id whose picture is now in the review pane
    batches_loaded = Signal(int)

    def __init__(self, db: Database, login: str, parent: QWidget | None = None,
                 with_search: bool = True, workers: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-scanning")
        self.db, self.login = db, login
        self.workers = workers  # None: one per core
        self.paths: list[str] = []
        self.run: _Run | None = None
        self.last_report: dict | None = None
        self._thumb_queue: list[PageDone] = []
        self._thumb_busy = False
        self._review_seq = 0
        self._reloading = False  # the queue list is being refilled: ignore its passing selection
        self._pictured: int | None = None  # the page whose picture is in the review pane
        self._keep_page: int | None = None  # select this page when the queue arrives
        self._image_wanted: int | None = None
        self._image_busy = False
        self._acting = False

        self._image_timer = QTimer(self)
        self._image_timer.setSingleShot(True)
        self._image_timer.setInterval(IMAGE_DELAY_MS)
        self._image_timer.timeout.connect(self._render_wanted)

        self.tabs = QTabWidget()
        self.scan_tab = self._build_scan_tab()
        self.review_tab = self._build_review_tab()
        self.batches_tab = self._build_batches_tab()
        self.tabs.addTab(self.scan_tab, "S&can a batch")
        self.tabs.addTab(self.review_tab, "&Review")
        self.tabs.addTab(self.batches_tab, "&Batches")
        self.search_panel: SearchPanel | None = None
        if with_search:
            self.search_panel = SearchPanel(db, login)
            self.tabs.addTab(self.search_panel, "Searc&h")
        self.tabs.currentChanged.connect(self._tab_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.tabs)
        self._set_running(False)

    # -- building: scan tab ---------------------------------------------------------------
    def _build_scan_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)

        self.drop = DropArea()
        self.drop.dropped.connect(self.set_paths)
        drop_layout = QHBoxLayout(self.drop)
        drop_layout.setContentsMargins(14, 10, 14, 10)
        words = QVBoxLayout()
        words.setSpacing(2)
        title = QLabel("Drop the scanner's folder or pages here, or choose them")
        title.setFont(theme.scaled_font(title, 1.1, bold=True))
        words.addWidget(title)
        self.chosen = QLabel(chosen_text([]))
        self.chosen.setObjectName("muted")
        self.chosen.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chosen.setAccessibleName("Chosen scans")
        words.addWidget(self.chosen)
        drop_layout.addLayout(words, 1)
        self.folder_button = QPushButton("Choose &folder…")
        self.folder_button.clicked.connect(self.choose_folder)
        self.files_button = QPushButton("Choose f&iles…")
        self.files_button.setToolTip("TIFF (also multi-page), JPEG, PNG or PDF")
        self.files_button.clicked.connect(self.choose_files)
        drop_layout.addWidget(self.folder_button)
        drop_layout.addWidget(self.files_button)
        layout.addWidget(self.drop)

        options = QHBoxLayout()
        box_label = QLabel("Pages before the first co&ver sheet go to box:")
        self.box_field = QLineEdit()
        self.box_field.setAccessibleName("Box for pages before the first cover sheet")
        self.box_field.setPlaceholderText("optional barcode")
        self.box_field.setMaximumWidth(170)
        self.box_field.editingFinished.connect(self._tidy_box_field)
        box_label.setBuddy(self.box_field)
        box_hint = QLabel("(left empty, such pages wait in Review for a box)")
        box_hint.setObjectName("muted")
        options.addWidget(box_label)
        options.addWidget(self.box_field)
        options.addWidget(box_hint)
        options.addStretch(1)
        self.start_button = QPushButton("&Start")
        self.start_button.setDefault(True)
        self.start_button.setMinimumWidth(110)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Ca&ncel")
        self.cancel_button.setToolTip("Stop after the page being saved; Start again on the same "
                                      "files to carry on")
        self.cancel_button.clicked.connect(self.cancel)
        options.addWidget(self.start_button)
        options.addWidget(self.cancel_button)
        layout.addLayout(options)

        self.progress_label = QLabel("Choose the scans, then Start.")
        self.progress_label.setFont(theme.scaled_font(self.progress_label, 1.1))
        self.progress_label.setAccessibleName("Progress")
        self.progress_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress)

        self.grid_model = PageGridModel(self)
        self.grid = QListView()
        self.grid.setAccessibleName("Pages read")
        self.grid.setModel(self.grid_model)
        self.grid.setItemDelegate(PageDelegate(self.grid))
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)
        self.grid.setGridSize(CELL)
        self.grid.setSpacing(0)
        self.grid.setWrapping(True)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.grid.activated.connect(self._grid_activated)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 0, 0, 0)
        side_layout.addWidget(theme.heading("This batch", level=2))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAccessibleName("Batch summary")
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        side_layout.addWidget(self.summary)
        self.box_table = QTableWidget(0, 3)
        self.box_table.setHorizontalHeaderLabels(["Box", "Pages", "Searchable PDF"])
        self.box_table.verticalHeader().setVisible(False)
        self.box_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.box_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.box_table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.box_table.setWordWrap(False)
        self.box_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.box_table.setAccessibleName("Boxes filed")
        self.box_table.setToolTip("Double-click a box to open its searchable PDF")
        self.box_table.cellDoubleClicked.connect(self._open_box_pdf)
        side_layout.addWidget(self.box_table)
        self.review_button = QPushButton("Review pages →")
        self.review_button.clicked.connect(self.open_review_of_batch)
        side_layout.addWidget(self.review_button)
        side_layout.addStretch(1)
        self.legend = QLabel(self._legend_html())
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        side_layout.addWidget(self.legend)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.grid)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([700, 420])
        layout.addWidget(split, 1)
        self._show_intro()
        return tab

    @staticmethod
    def _legend_html() -> str:
        rows = "".join(
            f"<tr><td style='color:{STATUS_COLOURS[key].name()}; font-weight:bold; padding-right:8px'>"
            f"{html.escape(sample)}</td><td>{html.escape(meaning)}</td></tr>"
            for key, sample, meaning in LEGEND)
        return f"<b>In the pages</b><table cellspacing='2'>{rows}</table>"

    def _show_intro(self) -> None:
        self.summary.setText(
            "Put each box's cover sheet before its pages, scan them, then choose the folder the "
            "scanner wrote and press Start.<br><br>Pages appear on the left as they are read. "
            "Each box's pages become one searchable PDF; pages that read badly, blank pages and "
            "pages with no box wait in <b>Review</b>.")
        self.box_table.setVisible(False)
        self.review_button.setVisible(False)

    # -- building: review tab -------------------------------------------------------------
    def _build_review_tab(self) -> QWidget:
        tab = QWidget()
        outer = QVBoxLayout(tab)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        filter_row = QHBoxLayout()
        show_label = QLabel("Sho&w:")
        self.review_batch = QComboBox()
        self.review_batch.setAccessibleName("Batch to review")
        self.review_batch.addItem("All batches", None)
        self.review_batch.currentIndexChanged.connect(lambda _i: self.load_review())
        show_label.setBuddy(self.review_batch)
        filter_row.addWidget(show_label)
        filter_row.addWidget(self.review_batch, 1)
        left_layout.addLayout(filter_row)
        self.review_count = QLabel(" ")
        self.review_count.setObjectName("muted")
        left_layout.addWidget(self.review_count)
        self.review_model = ReviewModel(self)
        self.review_list = QListView()
        self.review_list.setAccessibleName("Pages to review")
        self.review_list.setModel(self.review_model)
        self.review_list.setAlternatingRowColors(True)
        self.review_list.setSpacing(2)
        self.review_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.review_list.selectionModel().currentRowChanged.connect(self._review_current_changed)
        left_layout.addWidget(self.review_list, 1)

        self.review_image = PageImage()

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.review_title = theme.heading("Nothing chosen", level=2)
        right_layout.addWidget(self.review_title)
        self.review_reason = QLabel(" ")
        self.review_reason.setWordWrap(True)
        self.review_reason.setFont(theme.scaled_font(self.review_reason, 1.0, bold=True))
        right_layout.addWidget(self.review_reason)
        self.review_text = QPlainTextEdit()
        self.review_text.setReadOnly(True)
        self.review_text.setAccessibleName("Text read from the page")
        self.review_text.setPlaceholderText("No text was read from this page.")
        right_layout.addWidget(self.review_text, 1)

        self.actions = QWidget()
        actions = QVBoxLayout(self.actions)
        actions.setContentsMargins(0, 4, 0, 0)
        turn_row = QHBoxLayout()
        turn_row.addWidget(QLabel("Re-read it turned:"))
        self.turn_buttons: dict[int, QPushButton] = {}
        for degrees, text in ((90, "90° ↻"), (180, "180°"), (270, "270° (90° ↺)")):
            button = QPushButton(text)
            button.setToolTip(f"Turn the page {degrees}° clockwise and read it again")
            button.clicked.connect(lambda _checked=False, d=degrees: self.reread(d))
            self.turn_buttons[degrees] = button
            turn_row.addWidget(button)
        turn_row.addStretch(1)
        actions.addLayout(turn_row)
        box_row = QHBoxLayout()
        box_label = QLabel("File in bo&x:")
        self.reassign_field = QLineEdit()
        self.reassign_field.setAccessibleName("Box to file the page in")
        self.reassign_field.setPlaceholderText("scan or type the box barcode")
        self.reassign_field.returnPressed.connect(self.file_in_box)
        box_label.setBuddy(self.reassign_field)
        self.reassign_button = QPushButton("&File")
        self.reassign_button.clicked.connect(self.file_in_box)
        box_row.addWidget(box_label)
        box_row.addWidget(self.reassign_field, 1)
        box_row.addWidget(self.reassign_button)
        actions.addLayout(box_row)
        accept_row = QHBoxLayout()
        self.accept_button = QPushButton("✓ &Accept as it is")
        self.accept_button.setToolTip("The page is right as read (a blank page stays out of the PDF)")
        self.accept_button.clicked.connect(self.accept)
        accept_row.addWidget(self.accept_button)
        accept_row.addStretch(1)
        actions.addLayout(accept_row)
        right_layout.addWidget(self.actions)
        self.review_message = QLabel(" ")
        self.review_message.setWordWrap(True)
        self.review_message.setAccessibleName("Review message")
        right_layout.addWidget(self.review_message)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.review_image)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 3)
        split.setSizes([300, 420, 420])
        outer.addWidget(split, 1)
        self._show_review_item(None)
        return tab

    # -- building: batches tab --------------------------------------------------------------
    def _build_batches_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(theme.paragraph("Every scan batch, newest first. Double-click one to review "
                                         "its pages.", muted=True))
        self.batch_table = QTableWidget(0, 6)
        self.batch_table.setHorizontalHeaderLabels(
            ["Batch", "Started", "Operator", "State", "Pages", "To review"])
        self.batch_table.verticalHeader().setVisible(False)
        self.batch_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.batch_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.batch_table.horizontalHeader().setStretchLastSection(True)
        self.batch_table.setAccessibleName("Scan batches")
        self.batch_table.cellDoubleClicked.connect(self._batch_double_clicked)
        layout.addWidget(self.batch_table, 1)
        return tab

    # -- choosing -------------------------------------------------------------------------
    def set_paths(self, paths: list[str]) -> None:
        self.paths = [str(p) for p in paths]
        self.chosen.setText(chosen_text(self.paths))
        self.chosen.setToolTip("\n".join(self.paths))
        if self.run is None:
            self.progress_label.setText("Ready: press Start." if self.paths else
                                        "Choose the scans, then Start.")
            self._set_running(False)

    def choose_folder(self) -> None:
        start = str(Path(self.paths[0]).parent) if self.paths else ""
        folder = QFileDialog.getExistingDirectory(self, "Choose the folder of scanned pages", start)
        if folder:
            self.set_paths([folder])

    def choose_files(self) -> None:
        start = str(Path(self.paths[0]).parent) if self.paths else ""
        files, _filter = QFileDialog.getOpenFileNames(self, "Choose scanned pages", start, SCAN_FILTER)
        if files:
            self.set_paths(files)

    def _tidy_box_field(self) -> None:
        cleaned = clean_scanned(self.box_field.text()).upper()
        if cleaned != self.box_field.text():
            self.box_field.setText(cleaned)

    # -- running -------------------------------------------------------------------------
    def start_batch(self, paths: list[str | Path], box: str | None = None) -> None:
        """Choose ``paths`` and start (for tests and scripts)."""
        self.set_paths([str(p) for p in paths])
        self.box_field.setText(box or "")
        self.start()

    def start(self) -> None:
        if self.run is not None:
            return
        if not self.paths:
            self.progress_label.setText("Choose a folder or files of scanned pages first.")
            return
        self._tidy_box_field()
        paths, box = list(self.paths), self.box_field.text() or None
        db, login, workers = self.db, self.login, self.workers
        self.grid_model.clear(box)
        self._thumb_queue.clear()
        feed = PageFeed(self)
        feed.pages.connect(self._pages_arrived)
        run = _Run(paths, time.monotonic(), feed=feed)
        self.run = run
        self.last_report = None
        self.progress.setRange(0, 0)
        self.progress_label.setStyleSheet("")
        self.progress_label.setText("Listing the pages…")
        self.summary.setText("Reading…")
        self.box_table.setVisible(False)
        self.review_button.setVisible(False)
        self._set_running(True)

        def job(progress):
            return scanning.run_batch(db, login, paths, box=box, workers=workers, progress=progress,
                                      on_page=feed.push).as_json()

        run.task = run_task(self, job, on_success=while_alive(self, self._finished),
                            on_failure=while_alive(self, self._failed),
                            on_progress=while_alive(self, self._progressed),
                            on_cancel=while_alive(self, self._cancelled))
        self.batch_started.emit()

    def cancel(self) -> None:
        if self.run is None or self.run.task is None:
            return
        self.run.task.cancel()
        self.cancel_button.setEnabled(False)
        self.progress_label.setText("Stopping after the page being saved…")

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running and bool(self.paths))
        self.cancel_button.setEnabled(running)
        for widget in (self.folder_button, self.files_button, self.box_field, self.drop):
            widget.setEnabled(not running)

    def _progressed(self, done: int, total: int, _message: str) -> None:
        run = self.run
        if run is None:
            return
        if run.base is None:
            run.base = done
            if done:  # resumed: the pages read before are not in the grid
                self.grid_model.stop_inferring()
        run.done, run.total = done, total
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if not self.cancel_button.isEnabled():
            return  # stopping: keep saying so
        self.progress_label.setText(progress_text(done, total, done - run.base,
                                                  time.monotonic() - run.started))

    def _pages_arrived(self, pages: list[PageDone]) -> None:
        bar = self.grid.verticalScrollBar()
        following = bar.value() >= bar.maximum() - 4
        self.grid_model.add(pages)
        if following:
            self.grid.scrollToBottom()
        self._thumb_queue.extend(pages)
        self._next_thumbnails()
        if self.run is not None:
            self.summary.setText(self._tally_html())
        self.pages_arrived.emit(self.grid_model.rowCount())

    def _tally_html(self) -> str:
        entries = self.grid_model.entries
        counts = self.grid_model.counts()
        unfiled = self.grid_model.unfiled()
        well = sum(1 for e in entries if e.done.status == PageStatus.DONE and not e.unfiled)
        parts = [(well, "read well", "done"), (counts["low"], "to check: read poorly", "low"),
                 (unfiled, "to check: no box", "nobox"), (counts["blank"], "blank", "blank"),
                 (counts["cover"], "cover sheets", "cover"), (counts["failed"], "failed", "failed")]
        rows = "".join(f"<tr><td align='right' style='color:{STATUS_COLOURS[key].name()}; "
                       f"padding-right:6px'><b>{count:,}</b></td><td>{words}</td></tr>"
                       for count, words, key in parts if count or key in ("done", "low"))
        boxes = Counter(e.box for e in entries if e.box and e.box != PageGridModel.UNKNOWN
                        and e.done.status in (PageStatus.DONE, PageStatus.LOW))
        filed = "".join(f"<tr><td style='padding-right:10px'>{html.escape(box)}</td>"
                        f"<td align='right'>{theme.plural(n, 'page')}</td></tr>"
                        for box, n in sorted(boxes.items()))
        text = f"<b>Pages read in this run</b><table cellspacing='1'>{rows}</table>"
        if filed:
            text += f"<br><b>Going to boxes</b><table cellspacing='1'>{filed}</table>"
        return text

    def _end_run(self) -> _Run | None:
        run, self.run = self.run, None
        if run is not None and run.feed is not None:
            run.feed.drain()  # every page pushed before the job ended is shown
        self._set_running(False)
        return run

    def _finished(self, report: dict) -> None:
        self._end_run()
        self.last_report = report
        self.progress.setRange(0, max(report["pages"], 1))
        self.progress.setValue(report["pages"])
        seconds = report.get("seconds", 0)
        self.progress_label.setText(
            f"Finished: {theme.plural(report['pages'], 'page')} · {report.get('pages_read', 0):,} read "
            f"in {seconds:.0f} s · {report.get('pages_per_minute', 0):.0f} pages a minute")
        self._show_report(report)
        self._choose_review_batch(report["batch_id"], switch=False)
        self.load_batches()
        self.batch_finished.emit(report)

    def _show_report(self, report: dict) -> None:
        self.summary.setText(summary_html(report))
        boxes = report["boxes"]
        self.box_table.setRowCount(len(boxes))
        for row, (barcode, info) in enumerate(sorted(boxes.items())):
            pdf = QTableWidgetItem(info["pdf"])
            pdf.setToolTip(f"{info['pdf']}\nSHA-256 {info['sha256']}\nDouble-click to open")
            pages = QTableWidgetItem(f"{info['pages']:,}")
            pages.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for column, cell in enumerate((QTableWidgetItem(barcode), pages, pdf)):
                self.box_table.setItem(row, column, cell)
        self.box_table.resizeColumnToContents(0)
        self.box_table.resizeColumnToContents(1)
        self.box_table.resizeRowsToContents()
        rows = sum(self.box_table.rowHeight(r) for r in range(self.box_table.rowCount()))
        self.box_table.setFixedHeight(min(self.box_table.horizontalHeader().height() + rows
                                          + 2 * self.box_table.frameWidth() + 2, 240))
        self.box_table.setVisible(bool(boxes))
        waiting = report.get("unassigned", 0) + report.get("low_confidence", 0) + report.get("blank", 0)
        self._set_review_button(waiting)
        self.review_button.setVisible(True)

    def _set_review_button(self, waiting: int) -> None:
        self.review_button.setText(f"Review {theme.plural(waiting, 'page')} →" if waiting
                                   else "Nothing to review in this batch")
        self.review_button.setEnabled(bool(waiting))

    def _failed(self, exc: BaseException) -> None:
        self._end_run()
        if not isinstance(exc, PaperlessError):
            traceback.print_exception(exc)  # a bug: keep the traceback for the log
        text = error_text(exc)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress_label.setText(f"✗ {text}")
        self.progress_label.setStyleSheet(f"color: {FAILED_COLOUR.name()};")
        self.summary.setText(self._tally_html() if self.grid_model.rowCount() else html.escape(text))
        self.batch_failed.emit(text)

    def _cancelled(self) -> None:
        run = self._end_run()
        done, total = (run.done, run.total) if run else (0, 0)
        self.progress_label.setText(
            f"Cancelled at page {done:,} of {total:,}. The pages read are kept: Start again on the "
            "same files to carry on where it stopped.")
        self.summary.setText(self._tally_html())
        self.load_review()
        self.load_batches()
        self.batch_cancelled.emit()

    # -- thumbnails ------------------------------------------------------------------------
    def _next_thumbnails(self) -> None:
        if self._thumb_busy:
            return
        if not self._thumb_queue:
            self.thumbnails_ready.emit()
            return
        take, self._thumb_queue = self._thumb_queue[:THUMBS_PER_TASK], self._thumb_queue[THUMBS_PER_TASK:]
        self._thumb_busy = True
        run_task(self, lambda _p: [make_thumbnail(done) for done in take],
                 on_success=while_alive(self, self._thumbnails_made),
                 on_failure=while_alive(self, lambda _exc: self._thumbnails_made([])))

    def _thumbnails_made(self, made: list) -> None:
        self._thumb_busy = False
        for page_id, image, cover in made:
            self.grid_model.set_thumbnail(page_id, image, cover)
        self._next_thumbnails()

    def _grid_activated(self, index: QModelIndex) -> None:
        entry: PageEntry | None = index.data(ENTRY_ROLE)
        if entry is None or not (entry.unfiled or entry.done.status in (PageStatus.LOW, PageStatus.BLANK)):
            return
        self.tabs.setCurrentWidget(self.review_tab)
        if not self.select_review_page(entry.done.page_id):
            self._keep_page = entry.done.page_id
            self.load_review()

    def _open_box_pdf(self, row: int, _column: int) -> None:
        item = self.box_table.item(row, 2)
        if item is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(item.text()))

    # -- review ------------------------------------------------------------------------------
    def open_review_of_batch(self) -> None:
        if self.last_report is not None:
            self._choose_review_batch(self.last_report["batch_id"], switch=True)

    def _choose_review_batch(self, batch_id: int | None, switch: bool) -> None:
        index = self.review_batch.findData(batch_id)
        if index < 0:
            self.review_batch.addItem(f"Batch {batch_id}", batch_id)
            index = self.review_batch.count() - 1
        if switch:
            self.tabs.setCurrentWidget(self.review_tab)
        if index != self.review_batch.currentIndex():
            self.review_batch.setCurrentIndex(index)  # loads the queue
        else:
            self.load_review()

    def load_review(self) -> None:
        """Ask for the queue (of the chosen batch) off the GUI thread; ``review_loaded`` follows."""
        self._review_seq += 1
        seq, db, batch_id = self._review_seq, self.db, self.review_batch.currentData()
        run_task(self, lambda _p: digitisation.review_queue(db, batch_id), quick=True,
                 on_success=while_alive(self, lambda items: self._review_arrived(seq, batch_id, items)),
                 on_failure=while_alive(self, self._review_failed))

    def _review_arrived(self, seq: int, batch_id: int | None, items: list[ReviewItem]) -> None:
        if seq != self._review_seq:
            return
        # Stay on the page chosen (or asked for); if it has left the queue, on the row it had,
        # which now holds the next page to review.
        current = self.review_list.currentIndex()
        old_row = current.row() if current.isValid() else 0
        chosen = self.current_review_item()
        keep = self._keep_page if self._keep_page is not None else (chosen.page_id if chosen else None)
        self._keep_page = None
        self._reloading = True
        try:
            self.review_model.set_items(items)
        finally:
            self._reloading = False
        row = self.review_model.row_of(keep) if keep is not None else -1
        if row < 0:
            row = min(old_row, len(items) - 1)
        if row >= 0:
            self.review_list.setCurrentIndex(self.review_model.index(row))
        else:
            self._show_review_item(None)
        where = "in all batches" if batch_id is None else f"in batch {batch_id}"
        self.review_count.setText(f"{theme.plural(len(items), 'page')} to review {where}"
                                  if items else f"Nothing to review {where}.")
        self.tabs.setTabText(self.tabs.indexOf(self.review_tab),
                             f"&Review ({len(items)})" if items else "&Review")
        if self.last_report is not None and batch_id == self.last_report["batch_id"]:
            self._set_review_button(len(items))
        self.review_loaded.emit(len(items))

    def _review_failed(self, exc: BaseException) -> None:
        text = error_text(exc)
        self.review_count.setText(text)
        self.review_failed.emit(text)

    def current_review_item(self) -> ReviewItem | None:
        index = self.review_list.currentIndex()
        return self.review_model.item(index.row()) if index.isValid() else None

    def select_review_page(self, page_id: int) -> bool:
        row = self.review_model.row_of(page_id)
        if row >= 0:
            self.review_list.setCurrentIndex(self.review_model.index(row))
        return row >= 0

    def _review_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._reloading:
            return
        self._show_review_item(self.review_model.item(current.row()) if current.isValid() else None)

    def _show_review_item(self, item: ReviewItem | None) -> None:
        self.actions.setEnabled(item is not None and not self._acting)
        if item is None:
            self.review_title.setText("Nothing to review" if not self.review_model.rowCount()
                                      else "Choose a page")
            self.review_reason.setText(" ")
            self.review_text.setPlainText("")
            self.review_image.show_note("No page chosen")
            self._image_wanted = self._pictured = None
            return
        self.review_title.setText(f"{item.label} · {item.box or 'no box yet'}")
        self.review_reason.setText(item.reason[:1].upper() + item.reason[1:] + ".")
        self.review_reason.setStyleSheet(f"color: {review_colour(item).name()};")
        self.review_text.setPlainText(item.text)
        may_accept = item.box is not None or item.status == PageStatus.BLANK
        self.accept_button.setEnabled(may_accept)
        self.accept_button.setToolTip(
            "The page is right as read (a blank page stays out of the PDF)" if may_accept
            else "File the page in its box first")
        if item.page_id == self._pictured:
            return  # the same page again after the queue was refreshed: its picture is shown
        self._pictured = None
        self.review_image.show_note("Loading the page…")
        self._image_wanted = item.page_id
        self._image_timer.start()

    def _render_wanted(self) -> None:
        if self._image_busy or self._image_wanted is None:
            return
        page_id, db = self._image_wanted, self.db
        self._image_busy = True
        run_task(self, lambda _p: render_page(db, page_id), quick=True,
                 on_success=while_alive(self, lambda picture: self._image_arrived(page_id, picture)),
                 on_failure=while_alive(self, lambda exc: self._image_arrived(
                     page_id, None, error_text(exc))))

    def _image_arrived(self, page_id: int, picture, error: str = "") -> None:
        self._image_busy = False
        if page_id != self._image_wanted:
            self._render_wanted()  # the operator moved on meanwhile
            return
        if picture is None:
            self.review_image.show_note(error)
        else:
            self.review_image.set_picture(picture)
        self._pictured = page_id
        self.page_shown.emit(page_id)

    # -- review actions ----------------------------------------------------------------------
    def reread(self, rotate: int) -> None:
        item = self.current_review_item()
        if item is not None:
            db, login = self.db, self.login
            self._act(item, f"Reading {item.label} again turned {rotate}°…",
                      lambda: digitisation.rerun(db, login, item.page_id, rotate),
                      f"read again turned {rotate}°")

    def file_in_box(self) -> None:
        item = self.current_review_item()
        code = clean_scanned(self.reassign_field.text()).upper()
        if item is None:
            return
        if not code:
            self._review_note("Scan or type the barcode of the box this page belongs in.", error=True)
            self.reassign_field.setFocus()
            return
        db, login = self.db, self.login
        self._act(item, f"Filing {item.label} in {code}…",
                  lambda: digitisation.reassign(db, login, item.page_id, code), f"filed in {code}")

    def accept(self) -> None:
        item = self.current_review_item()
        if item is not None:
            db, login = self.db, self.login
            self._act(item, f"Accepting {item.label}…",
                      lambda: digitisation.accept(db, login, item.page_id), "accepted")

    def _act(self, item: ReviewItem, busy: str, work, done_text: str) -> None:
        if self._acting:
            return
        self._acting = True
        self.actions.setEnabled(False)
        self._review_note(busy)
        run_task(self, lambda _p: work(),
                 on_success=while_alive(self, lambda result: self._acted(item, result, done_text)),
                 on_failure=while_alive(self, self._act_failed))

    def _acted(self, before: ReviewItem, after: ReviewItem, done_text: str) -> None:
        self._acting = False
        text = f"✓ {before.label}: {done_text}"
        if after.status == PageStatus.LOW:
            text += f"; it still reads poorly ({after.confidence or 0:.0f}%)"
        elif after.box is None:
            text += "; it still needs a box"
        self._review_note(text)
        self.reassign_field.clear()
        if after.page_id == self._pictured:
            self._pictured = None  # a re-read page has a new picture: draw it again
            self._show_review_item(self.current_review_item())
        self.load_review()
        self.load_batches()
        self.review_changed.emit(after)

    def _act_failed(self, exc: BaseException) -> None:
        self._acting = False
        if not isinstance(exc, PaperlessError):
            traceback.print_exception(exc)
        text = error_text(exc)
        self._review_note(f"✗ {text}", error=True)
        self.actions.setEnabled(self.current_review_item() is not None)
        self.review_failed.emit(text)

    def _review_note(self, text: str, error: bool = False) -> None:
        self.review_message.setText(text)
        self.review_message.setStyleSheet(f"color: {FAILED_COLOUR.name()};" if error
                                          else f"color: {OK_COLOUR.name()};" if text.startswith("✓")
                                          else "")

    # -- batches -----------------------------------------------------------------------------
    def load_batches(self) -> None:
        db = self.db
        run_task(self, lambda _p: digitisation.list_batches(db), quick=True,
                 on_success=while_alive(self, self._batches_arrived),
                 on_failure=while_alive(self, lambda exc: self.batch_table.setToolTip(error_text(exc))))

    def _batches_arrived(self, batches: list[digitisation.BatchSummary]) -> None:
        self.batch_table.setRowCount(len(batches))
        for row, batch in enumerate(batches):
            started = local_time_text(batch.created_at)
            cells = (str(batch.batch_id), started, batch.operator, batch.status,
                     f"{batch.pages:,}", f"{batch.to_review:,}" if batch.to_review else "—")
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, batch.batch_id)
                if column in (0, 4):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 5 and batch.to_review:
                    cell.setForeground(LOW_COLOUR)
                self.batch_table.setItem(row, column, cell)
        self.batch_table.resizeColumnsToContents()
        # The review filter offers every batch, newest first, keeping the one chosen.
        chosen = self.review_batch.currentData()
        self.review_batch.blockSignals(True)
        self.review_batch.clear()
        self.review_batch.addItem("All batches", None)
        for batch in batches:
            waiting = f" ({batch.to_review} to review)" if batch.to_review else ""
            self.review_batch.addItem(f"Batch {batch.batch_id}{waiting}", batch.batch_id)
        index = self.review_batch.findData(chosen)
        if index < 0 and chosen is not None:
            self.review_batch.addItem(f"Batch {chosen}", chosen)
            index = self.review_batch.count() - 1
        self.review_batch.setCurrentIndex(max(index, 0))
        self.review_batch.blockSignals(False)
        self.batches_loaded.emit(len(batches))

    def _batch_double_clicked(self, row: int, _column: int) -> None:
        cell = self.batch_table.item(row, 0)
        if cell is not None:
            self._choose_review_batch(cell.data(Qt.ItemDataRole.UserRole), switch=True)

    # -- the window's hooks ---------------------------------------------------------------------
    def reload(self) -> None:
        self.stale = False
        self.load_review()
        self.load_batches()

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.search_panel and self.search_panel is not None:
            self.search_panel.focus_field()



__all__ = ["PageFeed", "PageGridModel", "ReviewModel", "ScanningPage", "progress_text", "summary_html"]
