"""The one date reader: every date typed, imported or read back from a database comes here.

Three readers used to accept different things (the command line ISO only, the register
import ISO or 31/01/2020, the deposit form four formats). People here write dates either
way, so all entry points take the same two: ISO ``2026-03-31`` and UK ``31/03/2026`` (with
``/``, ``.`` or ``-``). A real date object (an Excel cell) is taken as it is; a number is
refused, since a spreadsheet number is not a date until its cell says so.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from paperless_ig.domain.errors import BadInput

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
FORMS = "YYYY-MM-DD or DD/MM/YYYY"


def read_date(value: object, what: str = "date") -> date | None:
    """A date from typed text, a cell or an argument; None for nothing at all."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):  # bool too
        raise BadInput(f"{_named(what, repr(value))} is a number, not a date: format the cell as a date")
    text = str(value).strip()
    if not text:
        return None
    iso, uk = _ISO.match(text), _UK.match(text)
    if not (iso or uk):
        raise BadInput(f"{_named(what, _shown(text))} is not a date: write it as {FORMS}")
    year, month, day = ((int(g) for g in iso.groups()) if iso else
                        (int(uk.group(3)), int(uk.group(2)), int(uk.group(1))))
    try:
        return date(year, month, day)
    except ValueError:
        raise BadInput(f"{_named(what, _shown(text))} is not a real date") from None


def parse_date(value: object, what: str = "date") -> date:
    """As ``read_date``, for a date that must be given."""
    day = read_date(value, what)
    if day is None:
        raise BadInput(f"{what} is empty: write it as {FORMS}")
    return day


def from_database(value: object) -> date | None:
    """A date as a driver returns it (SQLite gives text for MIN or MAX over a date column)."""
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    return date.fromisoformat(str(value)[:10])


def _named(what: str, shown: str) -> str:
    """``what`` names the field (empty when the caller already said which)."""
    return f"{what} {shown}" if what else shown


def _shown(text: str, limit: int = 40) -> str:
    """Echo typed text short: a pasted page is not repeated back whole."""
    return repr(text if len(text) <= limit else text[:limit] + "…")
