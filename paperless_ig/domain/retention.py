"""Retention rules: triggers, periods, actions and the disposal date.

A box's disposal date is the start of the clock plus its class's period.
The clock starts at the trigger date, except for ``end_of_financial_year``
(the 31 March that ends the UK financial year containing the trigger date)
and ``deposit`` (the deposit's received date). Adding months clamps to the
month's last day, so a period from 29 February lands on 28 February in a
common year.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from paperless_ig.domain.errors import BadInput


class Trigger(StrEnum):
    CLOSURE = "closure"
    LAST_ACTION = "last_action"
    END_OF_FINANCIAL_YEAR = "end_of_financial_year"
    DATE_OF_BIRTH = "date_of_birth"
    DEPOSIT = "deposit"
    CREATION = "creation"


class Action(StrEnum):
    DESTROY_CONFIDENTIAL = "destroy_confidential"
    DESTROY = "destroy"
    REVIEW = "review"
    TRANSFER_TO_ARCHIVES = "transfer_to_archives"


TRIGGER_LABELS = {
    Trigger.CLOSURE: "closure of the file",
    Trigger.LAST_ACTION: "date of last action",
    Trigger.END_OF_FINANCIAL_YEAR: "end of the financial year",
    Trigger.DATE_OF_BIRTH: "date of birth",
    Trigger.DEPOSIT: "date of deposit",
    Trigger.CREATION: "date of creation",
}

ACTION_LABELS = {
    Action.DESTROY_CONFIDENTIAL: "destroy confidentially",
    Action.DESTROY: "destroy",
    Action.REVIEW: "review",
    Action.TRANSFER_TO_ARCHIVES: "transfer to archives",
}


@dataclass(frozen=True)
class Period:
    """A retention period in months; ``None`` months means permanent."""

    months: int | None

    @property
    def permanent(self) -> bool:
        return self.months is None

    def __str__(self) -> str:
        if self.months is None:
            return "permanent"
        if self.months % 12 == 0:
            return f"{self.months // 12} years"
        return f"{self.months} months"


PERMANENT = Period(None)
_PERIOD = re.compile(r"^(\d{1,3})\s*(year|years|yr|yrs|month|months|mo)$")


def parse_period(text: str) -> Period:
    """Read ``6 years``, ``18 months``, ``1 year`` or ``permanent``."""
    cleaned = " ".join(str(text).strip().lower().split())
    if cleaned in ("permanent", "permanently", "keep permanently"):
        return PERMANENT
    match = _PERIOD.match(cleaned)
    if not match:
        raise BadInput(
            f"period {text!r} is not understood: write e.g. '6 years', '18 months' or 'permanent'"
        )
    count = int(match.group(1))
    months = count if match.group(2).startswith("mo") else count * 12
    if months == 0:
        raise BadInput(f"period {text!r} is zero: a class keeps its records for some time")
    return Period(months)


def parse_trigger(text: str) -> Trigger:
    try:
        return Trigger(str(text).strip().lower())
    except ValueError:
        choices = ", ".join(t.value for t in Trigger)
        raise BadInput(f"trigger {text!r} is not one of {choices}") from None


def parse_action(text: str) -> Action:
    try:
        return Action(str(text).strip().lower())
    except ValueError:
        choices = ", ".join(a.value for a in Action)
        raise BadInput(f"action {text!r} is not one of {choices}") from None


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months, clamped to the end of a shorter month."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if year < 1 or year > 9999:
        raise BadInput(f"date {start.isoformat()} plus {months} months is out of range")
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def end_of_financial_year(day: date) -> date:
    """The 31 March that ends the UK financial year containing ``day``."""
    year = day.year if day <= date(day.year, 3, 31) else day.year + 1
    if year > date.max.year:
        raise BadInput(f"date {day.isoformat()} is too far in the future for a financial year")
    return date(year, 3, 31)


def clock_start(trigger: Trigger, trigger_date: date, received: date | None = None) -> date:
    if trigger is Trigger.END_OF_FINANCIAL_YEAR:
        return end_of_financial_year(trigger_date)
    if trigger is Trigger.DEPOSIT:
        if received is None:
            raise BadInput("a class triggered by deposit needs the deposit's received date")
        return received
    return trigger_date


def disposal_date(
    trigger: Trigger, period: Period, trigger_date: date, received: date | None = None
) -> date | None:
    """When a box becomes due for disposal; ``None`` for a permanent class."""
    if period.permanent:
        return None
    return add_months(clock_start(trigger, trigger_date, received), period.months or 0)
