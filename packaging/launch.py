"""The bundle's entry script: the ``paperless-ig`` command, frozen.

``multiprocessing.freeze_support()`` comes first: OCR workers are spawned as
copies of this executable (``paperless-ig --multiprocessing-fork ...``), and
there it runs the worker and exits before any of the app starts.

``PAPERLESS_IG_SMOKE_SHOT=FILE.png`` is for the bundle's smoke test
(tests/test_package.py): once the main window has shown and its status bar has
settled (nothing in it changed for a moment, and no text in it still ends in
"…"), the window is saved to FILE.png, what it showed to FILE.json, and
the app quits. It changes nothing else.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time

STARTED = time.monotonic()

SMOKE_ENV = "PAPERLESS_IG_SMOKE_SHOT"
SMOKE_TIMEOUT_ENV = "PAPERLESS_IG_SMOKE_TIMEOUT"  # seconds to wait for the window (default 120)
SETTLE_SECONDS = 1.5  # the status bar unchanged this long: the first data is in


def _outside_library_path() -> None:
    """Give Tesseract and pdftoppm the system's libraries, not the bundle's.

    The bootloader puts the bundle's folder first on LD_LIBRARY_PATH and keeps
    the caller's in LD_LIBRARY_PATH_ORIG. Our own process has already loaded
    what it needs (the loader reads the variable once, at start), so putting it
    back only changes what child programs see. OCR workers are copies of this
    executable that it starts itself: the bootloader leaves the value they
    inherit alone, so they too run Tesseract with the system's libraries.
    https://pyinstaller.org/en/stable/common-issues-and-pitfalls.html
    """
    if not getattr(sys, "frozen", False) or sys.platform.startswith(("win", "darwin")):
        return
    original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if original:
        os.environ["LD_LIBRARY_PATH"] = original
    else:
        os.environ.pop("LD_LIBRARY_PATH", None)


def _watch_for_main_window(shot: str) -> None:
    """Save the main window to ``shot`` once it shows and settles, then quit (smoke test only)."""
    import json
    from pathlib import Path

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox

    # The app takes this instance (QApplication.instance()) instead of making its own.
    app = QApplication.instance() or QApplication(sys.argv)
    png = Path(shot)
    deadline = time.monotonic() + float(os.environ.get(SMOKE_TIMEOUT_ENV, "120"))
    seen: dict[str, object] = {"texts": None, "since": 0.0, "shown": None}

    def finish(report: dict, code: int) -> None:
        png.with_suffix(".json").write_text(json.dumps(report, indent=2), encoding="utf-8")
        app.exit(code)  # also ends a message box's own event loop

    def status_texts(window: QMainWindow) -> list[str]:
        bar = window.statusBar()
        texts = [label.text() for label in bar.findChildren(QLabel) if label.isVisible()]
        return [*texts, bar.currentMessage()]

    def look() -> None:
        now = time.monotonic()
        boxes = [w for w in app.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if boxes:
            finish({"ok": False, "error": f"message box: {boxes[0].text()}"}, 3)
            return
        windows = [w for w in app.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
        if windows:
            window = windows[0]
            if seen["shown"] is None:
                seen["shown"] = round(now - STARTED, 2)
            texts = status_texts(window)
            if texts != seen["texts"]:
                seen["texts"], seen["since"] = texts, now
            busy = any(text.endswith("…") for text in texts)  # "counting…": still loading
            if (not busy and now - float(seen["since"]) >= SETTLE_SECONDS) or now > deadline:
                saved = window.grab().save(str(png), "PNG")
                finish({"ok": saved, "class": type(window).__name__, "title": window.windowTitle(),
                        "object_name": window.objectName(),
                        "size": [window.width(), window.height()], "status": texts,
                        "settled": not busy and now <= deadline,
                        "seconds_to_window": seen["shown"],
                        "seconds_to_settled": round(now - STARTED - SETTLE_SECONDS, 2),
                        "screenshot": str(png)}, 0 if saved else 4)
                return
        elif now > deadline:
            finish({"ok": False, "error": "no main window appeared"}, 5)
            return
        QTimer.singleShot(100, look)

    QTimer.singleShot(0, look)


def main() -> int:
    multiprocessing.freeze_support()  # a spawned OCR worker runs here and exits
    _outside_library_path()
    shot = os.environ.pop(SMOKE_ENV, None)  # popped: spawned workers must not see it
    if shot:
        _watch_for_main_window(shot)
    from paperless_ig.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
