"""Catch a USB scanner's burst of keys wherever the focus is on the desk.

A keyboard-wedge scanner types a code in a few milliseconds and presses
Enter; people type far more slowly. While the desk is shown, printable keys
meant for any widget on it (other than the scan field itself) are held for
a moment. If they keep coming fast and end in Enter, they were a scan: they
go to the desk's scan run instead. Otherwise they are handed on unchanged,
in order, a few tens of milliseconds late.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

GAP_MS = 50  # keys closer than this belong to one burst
MIN_LENGTH = 6  # shorter bursts are people, or noise
CHORDS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
          | Qt.KeyboardModifier.MetaModifier)
ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ScanCatcher(QObject):
    scanned = Signal(str)

    def __init__(self, page: QWidget, exclude: QWidget, gap_ms: int = GAP_MS,
                 min_length: int = MIN_LENGTH) -> None:
        super().__init__(page)
        self.page, self.exclude = page, exclude
        self.gap_ms, self.min_length = gap_ms, min_length
        self.held: list[tuple[QWidget, QKeyEvent]] = []
        self.last = 0.0
        self.replaying = False
        self.timer = QTimer(self, singleShot=True, interval=gap_ms)
        self.timer.timeout.connect(self.release)
        self.installed = False

    def install(self) -> None:
        if not self.installed:
            QApplication.instance().installEventFilter(self)
            self.installed = True

    def uninstall(self) -> None:
        if self.installed:
            QApplication.instance().removeEventFilter(self)
            self.installed = False
        self.release()

    def _watched(self) -> QWidget | None:
        widget = QApplication.focusWidget()
        if (self.replaying or widget is None or widget is self.exclude
                or not self.page.isVisible() or not self.page.isAncestorOf(widget)):
            return None
        return widget

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        widget = self._watched()
        if widget is None or obj is not widget:
            return False
        now = time.monotonic() * 1000
        text, chord = event.text(), bool(event.modifiers() & CHORDS)
        if text and text.isprintable() and not chord:
            if self.held and now - self.last > self.gap_ms:
                self.release()
            self.held.append((widget, QKeyEvent(event.type(), event.key(), event.modifiers(),
                                                text, event.isAutoRepeat(), event.count())))
            self.last = now
            self.timer.start()
            return True
        if event.key() in ENTER and not chord and len(self.held) >= self.min_length \
                and now - self.last <= self.gap_ms:
            code = "".join(held.text() for _widget, held in self.held)
            self.held.clear()
            self.timer.stop()
            self.scanned.emit(code)
            return True
        self.release()
        return False

    def release(self) -> None:
        """Hand the held keys on to where they were going, in order."""
        self.timer.stop()
        held, self.held = self.held, []
        self.replaying = True
        try:
            for widget, event in held:
                QApplication.sendEvent(widget, event)
        finally:
            self.replaying = False
