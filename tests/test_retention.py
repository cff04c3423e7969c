"""Disposal dates from a class's trigger and period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperless_ig.domain.errors import BadInput
from paperless_ig.domain.retention import (
    PERMANENT,
    Period,
    Trigger,
    add_months,
    disposal_date,
    end_of_financial_year,
    parse_period,
)

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


@pytest.mark.parametrize("text, months", [
    ("6 years", 72), ("18 months", 18), ("1 year", 12), (" 12  Months ", 12), ("100 years", 1200),
])
def test_periods_are_read(text, months):
    assert parse_period(text) == Period(months)


@pytest.mark.parametrize("text", ["permanent", "Permanent", " PERMANENT "])
def test_permanent_is_read(text):
    assert parse_period(text) is PERMANENT or parse_period(text) == PERMANENT


@pytest.mark.parametrize("text", ["six years", "6 yrs old", "", "0 years", "-1 years", "6"])
def test_bad_periods_are_refused_with_the_text(text):
    with pytest.raises(BadInput, match="period"):
        parse_period(text)


def test_design_examples():
    assert disposal_date(Trigger.CLOSURE, Period(18), date(2025, 1, 15)) == date(2026, 7, 15)
    assert disposal_date(Trigger.CLOSURE, Period(12), date(2024, 2, 29)) == date(2025, 2, 28)
    assert disposal_date(Trigger.CLOSURE, Period(48), date(2024, 2, 29)) == date(2028, 2, 29)
    assert disposal_date(Trigger.CLOSURE, PERMANENT, date(2024, 2, 29)) is None


@pytest.mark.parametrize("day, expected", [
    (date(2024, 4, 1), date(2025, 3, 31)), (date(2025, 3, 31), date(2025, 3, 31)),
    (date(2025, 1, 10), date(2025, 3, 31)), (date(2024, 12, 31), date(2025, 3, 31)),
])
def test_end_of_financial_year(day, expected):
    assert end_of_financial_year(day) == expected


def test_financial_year_and_deposit_triggers():
    assert disposal_date(Trigger.END_OF_FINANCIAL_YEAR, Period(72), date(2019, 6, 5)) == date(2026, 3, 31)
    assert disposal_date(Trigger.DEPOSIT, Period(72), date(2001, 1, 1), date(2020, 5, 4)) == date(2026, 5, 4)
    with pytest.raises(BadInput):
        disposal_date(Trigger.DEPOSIT, Period(72), date(2001, 1, 1))


@given(dates, st.integers(min_value=1, max_value=1200))
def test_adding_months_lands_in_the_right_month_never_later_day(start, months):
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day <= start.day
    # clamped only when the target month is too short
    next_day = result + timedelta(days=1)
    assert result.day == start.day or next_day.month != result.month


@given(dates)
def test_financial_year_end_is_the_first_31_march_not_before(day):
    end = end_of_financial_year(day)
    assert (end.month, end.day) == (3, 31)
    assert day <= end
    assert (end - day).days < 366


@given(dates, st.integers(min_value=1, max_value=1200), st.integers(min_value=1, max_value=1200))
def test_longer_periods_never_dispose_earlier(trigger, a, b):
    short, long_ = sorted((a, b))
    assert disposal_date(Trigger.CLOSURE, Period(short), trigger) <= disposal_date(
        Trigger.CLOSURE, Period(long_), trigger)


@pytest.mark.parametrize("text,expected", [
    ("2026-03-31", date(2026, 3, 31)), ("31/03/2026", date(2026, 3, 31)), ("31.03.2026", date(2026, 3, 31)),
    ("1/4/2026", date(2026, 4, 1)), (" 2026-3-1 ", date(2026, 3, 1)), ("", None), (None, None),
])
def test_one_date_reader_takes_iso_and_uk_dates(text, expected):
    from paperless_ig.domain.dates import read_date

    assert read_date(text) == expected


@pytest.mark.parametrize("text,message", [
    ("31/02/2026", "not a real date"), ("03/31/2026", "not a real date"), ("next tuesday", "YYYY-MM-DD"),
    ("26-3-31", "YYYY-MM-DD"), (45000, "is a number"), ("x" * 10_000, "…"),
])
def test_one_date_reader_names_what_it_refuses_and_echoes_it_short(text, message):
    from paperless_ig.domain.dates import read_date

    with pytest.raises(BadInput, match=message) as raised:
        read_date(text, "trigger date")
    assert str(raised.value).startswith("trigger date") and len(str(raised.value)) < 200
