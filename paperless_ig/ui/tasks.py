"""The one way to run work off the GUI thread.

``run_task(parent, job, on_success=...)`` runs ``job(progress)`` on a worker
thread. The job never touches a widget: it reports through ``progress(done,
total, message)`` and returns plain data, which comes back to the GUI thread
by signal. A failure shows an error dialog unless ``on_failure`` is given.
With ``progress_title`` a modal progress dialog with Cancel is shown; Cancel
makes the job's next ``progress`` call raise ``Cancelled``, so its
transaction rolls back.

Two pools, sized on purpose (as Picard does): a one-thread pool for quick
look-ups so a desk scan never waits behind bulk work, and a small pool for
long jobs. ``wait_for_tasks()`` is called at shutdown and by test fixtures.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from paperless_ig.domain.errors import PaperlessError
from paperless_ig.domain.progress import Cancelled

log = logging.getLogger(__name__)

_quick_pool: QThreadPool | None = None
_bulk_pool: QThreadPool | None = None
_live: set[TaskSignals] = set()


def pools() -> tuple[QThreadPool, QThreadPool]:
    global _quick_pool, _bulk_pool
    if _quick_pool is None:
        _quick_pool = QThreadPool()
        _quick_pool.setMaxThreadCount(1)
        _bulk_pool = QThreadPool()
        _bulk_pool.setMaxThreadCount(2)
    return _quick_pool, _bulk_pool  # type: ignore[return-value]


def wait_for_tasks(msecs: int = 30000) -> bool:
    quick, bulk = pools()
    return quick.waitForDone(msecs) and bulk.waitForDone(msecs)


class TaskSignals(QObject):
    """Lives on the GUI thread; the worker only emits.

    The handlers are slots of this GUI-thread object (not bare lambdas), so
    the connection is queued and they always run on the GUI thread.
    """

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object, str)

    def __init__(self, on_progress, on_success, on_failure) -> None:
        super().__init__()
        self._handlers = (on_progress, on_success, on_failure)
        self.progressed.connect(self._progressed)
        self.succeeded.connect(self._succeeded)
        self.failed.connect(self._failed)

    @Slot(int, int, str)
    def _progressed(self, done: int, total: int, message: str) -> None:
        self._handlers[0](done, total, message)

    @Slot(object)
    def _succeeded(self, result: object) -> None:
        self._handlers[1](result)

    @Slot(object, str)
    def _failed(self, exc: object, trace: str) -> None:
        self._handlers[2](exc, trace)


class _Runnable(QRunnable):
    def __init__(self, job: Callable, signals: TaskSignals, cancel: threading.Event) -> None:
        super().__init__()
        self.job, self.signals, self.cancel = job, signals, cancel
        self.setAutoDelete(True)

    def _progress(self, done: int, total: int, message: str) -> None:
        if self.cancel.is_set():
            raise Cancelled()
        self.signals.progressed.emit(done, total, message)

    @Slot()
    def run(self) -> None:
        try:
            result = self.job(self._progress)
        except Exception as exc:
            self.signals.failed.emit(exc, traceback.format_exc())
        else:
            self.signals.succeeded.emit(result)


class Task:
    """A handle on a running job: cancel it, or wait for its signals in tests."""

    def __init__(self, signals: TaskSignals, cancel: threading.Event) -> None:
        self.signals = signals
        self._cancel = cancel

    def cancel(self) -> None:
        self._cancel.set()


def while_alive(owner: QObject, handler: Callable[..., Any]) -> Callable[..., None]:
    """``handler``, made to do nothing once ``owner`` (a page, a panel) has been deleted.

    A result can arrive after its window closed; touching the deleted widget
    would raise "wrapped C/C++ object has been deleted".
    """

    def call(*args: Any) -> None:
        if shiboken6.isValid(owner):
            handler(*args)

    return call


def error_text(exc: BaseException) -> str:
    if isinstance(exc, PaperlessError):
        return str(exc)
    return f"Something went wrong: {exc.__class__.__name__}: {exc}"


def run_task(
    parent: QWidget | None,
    job: Callable[[Callable[[int, int, str], None]], Any],
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    progress_title: str | None = None,
    quick: bool = False,
    on_progress: Callable[[int, int, str], None] | None = None,
    on_cancel: Callable[[], None] | None = None,
) -> Task:
    cancel = threading.Event()
    dialog: QProgressDialog | None = None
    if progress_title:
        dialog = QProgressDialog(progress_title, "Cancel", 0, 0, parent)
        dialog.setWindowTitle(progress_title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(cancel.set)

    def progressed(done: int, total: int, message: str) -> None:
        if dialog is not None:
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total else 0)
            dialog.setLabelText(message)
        if on_progress:
            on_progress(done, total, message)

    def finish() -> None:
        if dialog is not None:
            dialog.close()
            dialog.deleteLater()
        _live.discard(signals)

    def succeeded(result: Any) -> None:
        finish()
        if on_success:
            on_success(result)

    def failed(exc: BaseException, trace: str) -> None:
        finish()
        if isinstance(exc, Cancelled):
            if on_cancel:
                on_cancel()
            return
        if isinstance(exc, PaperlessError):
            log.info("refused: %s", exc)
        else:  # a bug or a broken environment: keep the traceback in the log file
            log.error("a background task failed:\n%s", trace)
        if on_failure:
            on_failure(exc)
        else:
            QMessageBox.warning(parent, "paperless-ig", error_text(exc))

    signals = TaskSignals(progressed, succeeded, failed)
    _live.add(signals)
    quick_pool, bulk_pool = pools()
    (quick_pool if quick else bulk_pool).start(_Runnable(job, signals, cancel))
    return Task(signals, cancel)
