"""A date field that may also be empty ("any"): filters and optional dates in forms."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtWidgets import QDateEdit, QWidget

from paperless_ig.domain import clock

NO_DATE = QDate(1900, 1, 1)  # the edit's minimum, shown as "any"


class OptionalDateEdit(QDateEdit):
    """A date, or "any": the lowest date stands for no date at all."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("dd/MM/yyyy")
        self.setCalendarPopup(True)
        self.setMinimumDate(NO_DATE)
        self.setSpecialValueText("any")
        self.setDate(NO_DATE)
        self.setAccessibleName(name)
        self.calendarWidget().installEventFilter(self)

    def value(self) -> date | None:
        return None if self.date() == NO_DATE else self.date().toPython()

    def set_value(self, value: date | None) -> None:
        self.setDate(QDate(value.year, value.month, value.day) if value else NO_DATE)

    def stepBy(self, steps: int) -> None:
        # From "any", the arrow keys start at today rather than at 1900.
        if self.value() is None:
            self.setDate(QDate(clock.today()))
            return
        super().stepBy(steps)

    def keyPressEvent(self, event) -> None:
        # Typing a date over "any": start from a day that every day number fits (1 January),
        # with the day selected, so "31/03/2025" types as it reads.
        if self.value() is None and event.text().isdigit():
            self.setDate(QDate(clock.today().year, 1, 1))
            self.setSelectedSection(QDateEdit.Section.DaySection)
        if (event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.value() is not None
                and self.lineEdit().selectedText() == self.text()):
            self.set_value(None)  # select all and delete: back to "any"
            return
        position = self.lineEdit().cursorPosition()
        if event.text() in ("/", ".", "-") and self.text()[position - 1:position] == "/":
            return  # a typed separator just after the edit moved on by itself
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # From "any", the calendar opens on this month rather than on January 1900.
        if event.type() == QEvent.Type.Show and self.value() is None:
            today = QDate(clock.today())
            self.calendarWidget().setCurrentPage(today.year(), today.month())
        return super().eventFilter(watched, event)
