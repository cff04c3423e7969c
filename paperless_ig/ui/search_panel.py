"""The app's search field: page text, box titles, file references and barcodes, ranked.

Typing pauses ``SEARCH_DELAY_MS`` before asking (Enter asks at once); one
question is in flight at a time on the quick pool, and only the latest
typed is asked next, so a fast typist never queues a string of searches
in front of a desk scan. Each result shows the box, the page number and
the snippet with the matched words in bold. Opening a page shows the page
(its one-page searchable PDF, rendered off the GUI thread) beside its text
with the matches marked; opening a box or file match shows the box card.

The page viewer (``render_page`` and ``PageImage``) is shared with the
scanning screen's review pane.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QDesktopServices,
    QImage,
    QKeySequence,
    QPalette,
    QPixmap,
    QShortcut,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from paperless_ig.domain.errors import PaperlessError
from paperless_ig.ocr import sources
from paperless_ig.services import boxes, digitisation, search
from paperless_ig.services.search import MARK_CLOSE, MARK_OPEN, Hit
from paperless_ig.store.database import Database
from paperless_ig.ui import theme
from paperless_ig.ui.desk import BoxCard, box_history
from paperless_ig.ui.tasks import error_text, run_task, while_alive

SEARCH_DELAY_MS = 300
RESULT_LIMIT = 50
VIEW_DPI = 100  # an A4 page 827 pixels wide: sharp enough to check, quick to render
MARK_STYLE = "background-color: #fff0a0; color: #000000;"
HTML_ROLE = Qt.ItemDataRole.UserRole + 1
HIT_ROLE = Qt.ItemDataRole.UserRole + 2
_MARKED = re.compile(re.escape(MARK_OPEN) + r"(.*?)" + re.escape(MARK_CLOSE))


# -- the page viewer (shared with the scanning screen) ---------------------------------
@dataclass(frozen=True)
class PagePicture:
    """A rendered page, or why there is none (plain data: made on a worker thread)."""

    image: QImage | None
    note: str = ""


def to_qimage(image: Image.Image) -> QImage:
    """A PIL image as a QImage that owns its pixels (safe to make off the GUI thread)."""
    if image.mode == "1":
        image = image.convert("L")
    elif image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    grey = image.mode == "L"
    data = image.tobytes()
    fmt = QImage.Format.Format_Grayscale8 if grey else QImage.Format.Format_RGB888
    return QImage(data, image.width, image.height, image.width * (1 if grey else 3), fmt).copy()


def pdf_page(path: str, number: int, dpi: int, grey: bool = False) -> Image.Image:
    """Page ``number`` (1-based) of a PDF, rendered by poppler at ``dpi``."""
    from pdf2image import convert_from_path

    images = convert_from_path(path, dpi=dpi, first_page=number, last_page=number, grayscale=grey)
    if not images:
        raise sources.PageError(f"page {number} of {Path(path).name} is empty")
    return images[0]


def source_page(ref: sources.PageRef, dpi: int) -> Image.Image:
    """The page as scanned, at about ``dpi`` (a PDF page is rendered at that size)."""
    if ref.kind == "pdf":
        return pdf_page(ref.file, ref.index + 1, dpi)
    image = sources.load(ref)
    scanned_at = image.info.get("dpi", (sources.DPI,))[0] or sources.DPI
    factor = int(float(scanned_at) // dpi)
    return image.reduce(factor) if factor > 1 else image


def render_page(db: Database, page_id: int, dpi: int = VIEW_DPI) -> PagePicture:
    """The page as filed (its searchable PDF, turned and straightened), else as scanned.

    Runs on a worker thread: it reads files and starts poppler.
    """
    pdf = digitisation.page_image_path(db, page_id)
    try:
        if pdf and Path(pdf).exists():
            return PagePicture(to_qimage(pdf_page(pdf, 1, dpi)))
        ref = digitisation.page_source(db, page_id)
        return PagePicture(to_qimage(source_page(ref, dpi)), "as scanned (no searchable PDF was made)")
    except sources.PageError as exc:
        return PagePicture(None, f"The page cannot be shown: {exc}")
    except PaperlessError:
        raise
    except Exception as exc:  # poppler or Pillow failing on a damaged file
        return PagePicture(None, f"The page cannot be shown ({exc.__class__.__name__}: {exc})")


class PageImage(QScrollArea):
    """A page picture fitted to the pane's width; scroll to see the rest of the page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(False)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setBackgroundRole(QPalette.ColorRole.Dark)
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Page image")
        self.setWidget(self.label)
        self.image: QImage | None = None
        self.show_note("No page chosen")

    def show_note(self, text: str) -> None:
        self.image = None
        self.label.setPixmap(QPixmap())
        self.label.setText(text)
        self.label.setStyleSheet("color: palette(bright-text); padding: 24px;")
        self._fit()

    def set_picture(self, picture: PagePicture) -> None:
        if picture.image is None:
            self.show_note(picture.note or "No picture of this page")
            return
        self.image = picture.image
        self.label.setText("")
        self.label.setStyleSheet("")
        self.label.setToolTip(picture.note)
        self._fit()

    def _fit(self) -> None:
        width = max(self.viewport().width() - 12, 120)
        if self.image is None:
            self.label.setFixedSize(width, max(self.viewport().height() - 12, 80))
            return
        pixmap = QPixmap.fromImage(self.image.scaledToWidth(
            width, Qt.TransformationMode.SmoothTransformation))
        self.label.setPixmap(pixmap)
        self.label.setFixedSize(pixmap.size())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()


def marked_text_html(text: str, terms: list[str]) -> str:
    """The page's text, escaped, with words starting with any of ``terms`` marked.

    The first mark carries the anchor ``first`` so the view can scroll to it.
    """
    terms = sorted({t.lower() for t in terms if t.strip()}, key=len, reverse=True)
    if not text.strip():
        return "<p><i>No text was read from this page.</i></p>"
    if not terms:
        return f"<p style='white-space: pre-wrap'>{html.escape(text)}</p>"
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\w*", re.IGNORECASE)
    parts, last, first = [], 0, True
    for match in pattern.finditer(text):
        parts.append(html.escape(text[last:match.start()]))
        anchor = "<a name='first'></a>" if first else ""
        parts.append(f"{anchor}<span style='{MARK_STYLE}'><b>{html.escape(match.group())}</b></span>")
        last, first = match.end(), False
    parts.append(html.escape(text[last:]))
    return f"<p style='white-space: pre-wrap'>{''.join(parts)}</p>"


# -- results -------------------------------------------------------------------------
def snippet_html(snippet: str) -> str:
    """The snippet escaped, with the search's ``[matches]`` in bold."""
    parts, last = [], 0
    for match in _MARKED.finditer(snippet):
        parts.append(html.escape(snippet[last:match.start()]))
        parts.append(f"<b>{html.escape(match.group(1))}</b>")
        last = match.end()
    parts.append(html.escape(snippet[last:]))
    return "".join(parts)


def matched_terms(snippet: str) -> list[str]:
    return [m.group(1) for m in _MARKED.finditer(snippet)]


def hit_title(hit: Hit) -> str:
    if hit.kind == "box":
        return f"{hit.barcode} · box"
    if hit.kind == "file":
        return f"{hit.barcode} · file listed in the box"
    if not hit.barcode:
        return "Page not filed in a box yet"
    return f"{hit.barcode} · page {hit.page}" if hit.page else f"{hit.barcode} · page (not numbered yet)"


def hit_html(rank: int, hit: Hit) -> str:
    kind = {"page": "page text", "box": "box title or barcode", "file": "file list"}.get(hit.kind, hit.kind)
    return (f"<div><b>{rank}. {html.escape(hit_title(hit))}</b>"
            f"&nbsp;&nbsp;<i>({html.escape(kind)})</i></div>"
            f"<div>{snippet_html(hit.snippet)}</div>")


class ResultsModel(QAbstractListModel):
    """The hits of the last search, in the order the search ranked them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hits: list[Hit] = []

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> Hit | None:
        return self.hits[row] if 0 <= row < len(self.hits) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        hit = self.hit(index.row()) if index.isValid() else None
        if hit is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            plain = hit.snippet.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")
            return f"{hit_title(hit)}: {plain}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{hit_title(hit)}: {hit.snippet.replace(MARK_OPEN, '').replace(MARK_CLOSE, '')}"
        if role == HTML_ROLE:
            return hit_html(index.row() + 1, hit)
        if role == HIT_ROLE:
            return hit
        return None


class HtmlDelegate(QStyledItemDelegate):
    """Draws an item's ``HTML_ROLE`` rich text, wrapped to the view's width."""

    PADDING = 6

    def _document(self, option: QStyleOptionViewItem, index, width: int) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(self.PADDING)
        document.setHtml(index.data(HTML_ROLE) or "")
        document.setTextWidth(max(width, 80))
        return document

    def paint(self, painter, option, index) -> None:
        options = QStyleOptionViewItem(option)
        self.initStyleOption(options, index)
        options.text = ""
        style = options.widget.style() if options.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, options, painter, options.widget)
        document = self._document(options, index, options.rect.width())
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(options.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, options.palette.color(role))
        painter.save()
        painter.translate(options.rect.topLeft())
        painter.setClipRect(QRectF(0, 0, options.rect.width(), options.rect.height()))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        options = QStyleOptionViewItem(option)
        self.initStyleOption(options, index)
        view = options.widget
        width = view.viewport().width() - 4 if isinstance(view, QAbstractItemView) else 400
        document = self._document(options, index, width)
        return QSize(width, int(document.size().height()) + 2)


class ResultsView(QListView):
    """A list whose rows re-wrap when its width changes."""

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.scheduleDelayedItemsLayout()


# -- the panel --------------------------------------------------------------------------
class SearchPanel(QWidget):
    """A search field, the ranked results, and the opened result beside them."""

    results_ready = Signal(list)  # the hits now listed
    opened = Signal(object)  # the Hit now shown in full
    failed = Signal(str)

    def __init__(self, db: Database, login: str, parent: QWidget | None = None,
                 limit: int = RESULT_LIMIT) -> None:
        super().__init__(parent)
        self.setObjectName("search-panel")
        self.db, self.login, self.limit = db, login, limit
        self._asked: str | None = None  # the query in flight
        self._wanted: str | None = None  # the latest query typed
        self._open_seq = 0
        self._shown: Hit | None = None
        self._box_pdf: str | None = None

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(lambda: self.search(self.field.text()))

        self.field = QLineEdit()
        self.field.setPlaceholderText("Search page text, box titles, file references or a barcode  (Ctrl+K)")
        self.field.setAccessibleName("Search")
        self.field.setClearButtonEnabled(True)
        self.field.setFont(theme.scaled_font(self.field, 1.2))
        self.field.setMinimumHeight(34)
        self.field.textEdited.connect(lambda _text: self.timer.start())
        self.field.returnPressed.connect(self._enter)
        self.field.installEventFilter(self)
        QShortcut(QKeySequence("Ctrl+K"), self, self.focus_field)

        self.status = QLabel(" ")
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)

        self.model = ResultsModel(self)
        self.results = ResultsView()
        self.results.setAccessibleName("Search results")
        self.results.setModel(self.model)
        self.results.setItemDelegate(HtmlDelegate(self.results))
        self.results.setWordWrap(True)
        self.results.setAlternatingRowColors(True)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.selectionModel().currentRowChanged.connect(self._current_changed)
        self.results.activated.connect(lambda index: self.open_row(index.row()))

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.status)
        left_layout.addWidget(self.results, 1)

        self.detail = QStackedWidget()
        self.empty = QWidget()
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.addWidget(theme.paragraph(
            "Type a few words that are on the page you want, a box barcode, a box title or a file "
            "reference. Results are ranked: box matches first, then pages where the words stand "
            "out most. Choose a result to see the page and its text.", muted=True))
        empty_layout.addStretch(1)
        self.detail.addWidget(self.empty)
        self.detail.addWidget(self._build_page_view())
        self.detail.addWidget(self._build_box_view())

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([420, 640])
        self.split = split

        layout = QVBoxLayout(self)
        layout.addWidget(self.field)
        layout.addWidget(split, 1)

    def _build_page_view(self) -> QWidget:
        view = QWidget()
        layout = QVBoxLayout(view)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.page_title = theme.heading("", level=2)
        top.addWidget(self.page_title, 1)
        self.open_pdf_button = QPushButton("&Open the box's PDF")
        self.open_pdf_button.setToolTip("Open the box's searchable PDF in the PDF reader")
        self.open_pdf_button.clicked.connect(self._open_box_pdf)
        self.show_box_button = QPushButton("Box &details")
        self.show_box_button.clicked.connect(self._show_box_of_page)
        top.addWidget(self.open_pdf_button)
        top.addWidget(self.show_box_button)
        layout.addLayout(top)
        self.page_note = QLabel()
        self.page_note.setObjectName("muted")
        self.page_note.setWordWrap(True)
        layout.addWidget(self.page_note)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.page_image = PageImage()
        self.page_text = QTextBrowser()
        self.page_text.setAccessibleName("Page text")
        self.page_text.setOpenLinks(False)
        split.addWidget(self.page_image)
        split.addWidget(self.page_text)
        split.setSizes([330, 330])
        layout.addWidget(split, 1)
        return view

    def _build_box_view(self) -> QWidget:
        view = QWidget()
        layout = QVBoxLayout(view)
        layout.setContentsMargins(0, 0, 0, 0)
        self.card = BoxCard()
        layout.addWidget(self.card, 1)
        self.outputs = QLabel()
        self.outputs.setWordWrap(True)
        self.outputs.setTextFormat(Qt.TextFormat.RichText)
        self.outputs.setOpenExternalLinks(False)
        self.outputs.linkActivated.connect(lambda link: QDesktopServices.openUrl(QUrl(link)))
        layout.addWidget(self.outputs)
        return view

    # -- asking ------------------------------------------------------------------------
    def focus_field(self) -> None:
        self.field.setFocus()
        self.field.selectAll()

    def _enter(self) -> None:
        self.timer.stop()
        self.search(self.field.text())

    def search(self, query: str) -> None:
        """Search for ``query`` off the GUI thread; ``results_ready`` brings the hits."""
        self.timer.stop()
        if self.field.text() != query:
            self.field.setText(query)
        if not search.words(query):
            self._wanted = None
            self.model.set_hits([])
            self.status.setText("Type at least one word or a barcode." if query.strip() else " ")
            return
        self._wanted = query
        if self._asked is None:
            self._ask(query)

    def _ask(self, query: str) -> None:
        self._asked = query
        self.status.setText(f"Searching for “{query.strip()}”…")
        db, limit = self.db, self.limit
        run_task(self, lambda _p: search.search(db, query, limit), quick=True,
                 on_success=while_alive(self, lambda hits: self._answered(query, hits)),
                 on_failure=while_alive(self, lambda exc: self._answered(query, exc)))

    def _answered(self, query: str, answer) -> None:
        self._asked = None
        if self._wanted != query:  # the user typed on (or cleared the field): only the latest counts
            if self._wanted is not None:
                self._ask(self._wanted)
            return
        if isinstance(answer, BaseException):
            text = error_text(answer)
            self.status.setText(text)
            self.model.set_hits([])
            self.failed.emit(text)
            return
        self.model.set_hits(answer)
        shown = query.strip()
        if not answer:
            self.status.setText(f"Nothing found for “{shown}”. Try fewer or other words.")
        else:
            pages = sum(1 for h in answer if h.kind == "page")
            more = " (the best first; add words to narrow it)" if len(answer) >= self.limit else ""
            self.status.setText(f"{theme.plural(len(answer), 'result')} for “{shown}”: "
                                f"{theme.plural(pages, 'page')}, "
                                f"{theme.plural(len(answer) - pages, 'box or file', 'boxes or files')}"
                                f"{more}.")
        self.results_ready.emit(list(answer))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Down from the field goes to the results, as in a browser's address bar.
        if (watched is self.field and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Down and self.model.rowCount()):
            self.results.setFocus()
            self.results.setCurrentIndex(self.model.index(0, 0))
            return True
        return super().eventFilter(watched, event)

    # -- opening -----------------------------------------------------------------------
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.open_row(current.row())

    def open_row(self, row: int) -> None:
        hit = self.model.hit(row)
        if hit is not None:
            self.open(hit)

    def open(self, hit: Hit) -> None:
        """Show ``hit`` in full: the page beside its text, or the box card."""
        self._open_seq += 1
        seq, db = self._open_seq, self.db
        self._shown = hit
        if hit.kind == "page" and hit.page_id is not None:
            self.page_title.setText(hit_title(hit))
            self.page_note.setText("Loading the page…")
            self.page_image.show_note("Loading the page…")
            self.page_text.clear()
            self.open_pdf_button.setEnabled(False)
            self.show_box_button.setEnabled(bool(hit.barcode))
            self.detail.setCurrentIndex(1)
            page_id, barcode = hit.page_id, hit.barcode

            def page_job(_p):
                # Wanted: a public ``digitisation.page_item``; this is the same read.
                item = digitisation.page_item(db, page_id)
                outputs = digitisation.outputs_for_box(db, barcode) if barcode else []
                return item, render_page(db, page_id), outputs

            run_task(self, page_job, quick=True,
                     on_success=while_alive(self, lambda result: self._page_arrived(seq, hit, result)),
                     on_failure=while_alive(self, lambda exc: self._open_failed(seq, exc)))
        elif hit.barcode:
            self._open_box(seq, hit, hit.barcode)

    def _open_box(self, seq: int, hit: Hit, barcode: str) -> None:
        db = self.db

        def box_job(_p):
            detail = boxes.show(db, barcode)
            return detail, box_history(db, detail), digitisation.outputs_for_box(db, barcode)

        run_task(self, box_job, quick=True,
                 on_success=while_alive(self, lambda result: self._box_arrived(seq, hit, result)),
                 on_failure=while_alive(self, lambda exc: self._open_failed(seq, exc)))

    def _page_arrived(self, seq: int, hit: Hit, result) -> None:
        if seq != self._open_seq:
            return
        item, picture, outputs = result
        self._box_pdf = outputs[-1]["pdf"] if outputs else None
        self.open_pdf_button.setEnabled(bool(self._box_pdf))
        where = f"{Path(item.file).name}, page {item.page} of the scan"
        confidence = f"; read with {item.confidence:.0f}% confidence" if item.confidence is not None else ""
        filed = "" if hit.barcode else "; not filed in a box yet (see Scanning → Review)"
        self.page_note.setText(f"From {where}{confidence}{filed}.")
        terms = matched_terms(hit.snippet) or search.words(self.field.text())
        self.page_text.setHtml(marked_text_html(item.text, terms))
        self.page_text.scrollToAnchor("first")
        self.page_image.set_picture(picture)
        self.opened.emit(hit)

    def _box_arrived(self, seq: int, hit: Hit, result) -> None:
        if seq != self._open_seq:
            return
        detail, history, outputs = result
        self.card.show_box(detail, history)
        if outputs:
            links = "<br>".join(
                f"<a href='{html.escape(QUrl.fromLocalFile(o['pdf']).toString())}'>"
                f"{html.escape(Path(o['pdf']).name)}</a> ({theme.plural(o['pages'], 'page')}, "
                f"batch {o['batch_id']})" for o in outputs)
            self.outputs.setText(f"<b>Searchable PDFs:</b><br>{links}")
        else:
            self.outputs.setText("No searchable PDF of this box yet.")
        self.detail.setCurrentIndex(2)
        self.opened.emit(hit)

    def _open_failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._open_seq:
            return
        text = error_text(exc)
        self.page_note.setText(text)
        self.page_image.show_note(text)
        self.failed.emit(text)

    def _open_box_pdf(self) -> None:
        if self._box_pdf:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self._box_pdf))

    def _show_box_of_page(self) -> None:
        hit = self._shown
        if hit is not None and hit.barcode:
            self._open_seq += 1
            self._open_box(self._open_seq, hit, hit.barcode)



__all__ = ["PageImage", "PagePicture", "SearchPanel", "render_page", "snippet_html", "to_qimage"]
