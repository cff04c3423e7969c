"""Progress reporting and cancellation for long jobs, with no Qt in sight.

A job takes an optional ``progress(done, total, message)`` callable. The GUI's
task runner passes one that forwards to a signal and raises ``Cancelled``
when the user pressed Cancel, so a job stops at its next report and its
transaction rolls back.
"""

from __future__ import annotations

import time
from collections.abc import Callable

ProgressFn = Callable[[int, int, str], None]


class Cancelled(Exception):
    """The user cancelled the job; nothing of its open transaction is kept."""


def no_progress(_done: int, _total: int, _message: str) -> None:
    return None


class Throttled:
    """Pass on at most a few reports a second, plus the last one."""

    def __init__(self, target: ProgressFn | None, interval: float = 0.1) -> None:
        self.target = target or no_progress
        self.interval = interval
        self._last = 0.0

    def __call__(self, done: int, total: int, message: str) -> None:
        now = time.monotonic()
        if done >= total or now - self._last >= self.interval:
            self._last = now
            self.target(done, total, message)
