"""A small shared look: heading and body text, a readable column, the nav list.

Colours come from the palette (``palette(...)`` in the style sheet), so a
dark desktop theme or Windows high contrast still works; only sizes and
spacing are fixed here.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

# A line of body text this wide (in pixels at 96 dpi) holds about 80 characters.
COLUMN_WIDTH = 680
# One meaning, one colour, on every screen.
WARNING_COLOUR = QColor("#b3261e")  # a refusal, a failure, a date that has passed
CAUTION_COLOUR = QColor("#8a4b00")  # something to check before going on
OK_COLOUR = QColor("#1b6e20")  # done, found, approved

STYLE_SHEET = """
QListWidget#nav {
    border: none;
    border-right: 1px solid palette(mid);
    background: palette(window);
    padding-top: 8px;
    outline: 0;
}
QListWidget#nav::item {
    padding: 9px 12px;
    margin: 1px 6px;
    border-radius: 4px;
}
QListWidget#nav::item:selected {
    background: palette(highlight);
    color: palette(highlighted-text);
}
QListWidget#nav::item:hover:!selected {
    background: palette(midlight);
}
QFrame#note {
    background: palette(alternate-base);
    border: 1px solid palette(mid);
    border-radius: 6px;
}
QLabel#muted {
    color: palette(placeholder-text);
}
QCommandLinkButton {
    border: 1px solid palette(mid);
    border-radius: 6px;
    background: palette(base);
    padding: 10px 12px;
}
QCommandLinkButton:hover {
    border-color: palette(highlight);
}
QCommandLinkButton:focus {
    border: 2px solid palette(highlight);
}
QCommandLinkButton:disabled {
    background: palette(window);
}
QPushButton#link {
    border: 1px solid transparent;
    background: transparent;
    color: palette(link);
    text-decoration: underline;
    padding: 3px 2px;
}
QPushButton#link:focus {
    border: 1px dotted palette(highlight);
}
QPushButton#link:disabled {
    color: palette(placeholder-text);
}
QStatusBar QLabel {
    padding: 0 8px;
}
"""


def scaled_font(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    size = font.pointSizeF()
    if size > 0:
        font.setPointSizeF(size * factor)
    if bold:  # leave boldness unset otherwise, so a widget's own bold title stays bold
        font.setBold(True)
    return font


def heading(text: str, level: int = 1) -> QLabel:
    label = QLabel(text)
    label.setFont(scaled_font(label, 1.75 if level == 1 else 1.2, bold=True))
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAccessibleName(text)
    return label


def paragraph(text: str, larger: bool = False, muted: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if larger:
        label.setFont(scaled_font(label, 1.15))
    if muted:
        label.setObjectName("muted")
    return label


def note_frame() -> tuple[QFrame, QVBoxLayout]:
    """A softly boxed area for "what to do first" hints."""
    frame = QFrame()
    frame.setObjectName("note")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(16, 12, 16, 14)
    layout.setSpacing(8)
    return frame, layout


def centred_column(page: QWidget, top_stretch: int = 1, bottom_stretch: int = 3) -> QVBoxLayout:
    """Lay ``page`` out as one column of readable width, centred, a little above the middle.

    Returns the column's layout; add the page's content to it.
    """
    column = QWidget()
    column.setMaximumWidth(COLUMN_WIDTH)
    inner = QVBoxLayout(column)
    inner.setContentsMargins(0, 0, 0, 0)
    inner.setSpacing(14)

    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(column, 100)
    row.addStretch(1)

    outer = QVBoxLayout(page)
    outer.setContentsMargins(40, 32, 40, 32)
    outer.addStretch(top_stretch)
    outer.addLayout(row)
    outer.addStretch(bottom_stretch)
    return inner


def date_text(value: date | None, none: str = "—") -> str:
    """A date as people here write it (31/03/2026); ``none`` for no date."""
    return value.strftime("%d/%m/%Y") if value else none


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


class ReloadWhenShown:
    """A page that loads when it is first shown, and again when shown after the data changed.

    Mix in before ``QWidget``; the page defines ``reload()``, which clears ``stale``. A hidden
    page never queues work, so desk scans do not wait behind it.
    """

    stale = True
    overview = None

    def set_overview(self, overview) -> None:
        """The data changed (the main window's hook): load again now if shown, else when next shown."""
        self.overview = overview
        self.stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.stale:
            self.reload()


def compact_rows(table) -> None:
    """No row numbers, and rows one line of text high: more of the list on screen."""
    from PySide6.QtWidgets import QHeaderView

    rows = table.verticalHeader()
    rows.setVisible(False)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 8)


def read_only_table(table, name: str | None = None, multi: bool = False) -> None:
    """The house look of a list to read and pick from: whole rows, no editing, compact."""
    from PySide6.QtWidgets import QAbstractItemView

    if name:
        table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                           else QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    compact_rows(table)
