"""The one clock: every "today" and "now" the app uses comes from here.

Why one clock: dates decide what is due, what may be destroyed and what a
report says. Reading the system date in many places made the suite pass only
in the week it was written. Here the date can be set in one place, for the
process (``set_today``) or for it and every process it starts (the
``PAPERLESS_IG_TODAY`` environment variable, which the CLI subprocesses of the
test suite inherit). ``now`` moves with ``today``: the time of day stays the
wall clock's, the day is the clock's, so events keep their order within a run.

Nothing in the app sets the clock; the tests and ``pytest --today`` do.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

from paperless_ig.domain.errors import BadInput

ENV_VAR = "PAPERLESS_IG_TODAY"

_fixed: date | None = None


def set_today(day: date | None) -> None:
    """Fix this process's today (``None`` returns to the system date)."""
    global _fixed
    _fixed = day


def today() -> date:
    """The app's today: a fixed day when set, else the system's local date."""
    if _fixed is not None:
        return _fixed
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        try:
            return date.fromisoformat(configured)
        except ValueError:
            raise BadInput(f"{ENV_VAR}={configured!r} is not a date: write it as YYYY-MM-DD") from None
    return date.today()


def _shift() -> timedelta:
    return today() - date.today()


def now() -> datetime:
    """Local wall-clock time on the app's today, to the second."""
    return (datetime.now() + _shift()).replace(microsecond=0)


def utcnow() -> datetime:
    """Naive UTC, microsecond precision, on the app's today: what both databases store unchanged."""
    return datetime.now(UTC).replace(tzinfo=None) + _shift()
