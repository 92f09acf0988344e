"""Reporting periods: a label such as ``2025-03`` parsed into a half-open UTC interval.

Accepted labels (UTC calendar, the end is exclusive):

- ``2025`` a year, ``2025-Q1`` a quarter, ``2025-03`` a month, ``2025-W09`` an ISO week,
  ``2025-03-14`` a day;
- ``2025-03-01..2025-03-31`` a range of days, both ends included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from ...exceptions import InvalidInput

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Period:
    """``[start, end)`` in UTC, with the label it was parsed from."""

    start: datetime
    end: datetime
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days


# Reports look back up to 100 years before a period (lookback); keep the arithmetic in range.
MIN_YEAR, MAX_YEAR = 1900, 9998


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _checked(period: Period) -> Period:
    if not MIN_YEAR <= period.start.year <= MAX_YEAR or period.end.year > MAX_YEAR + 1:
        raise InvalidInput(f"period {period.label!r} must lie between {MIN_YEAR} and {MAX_YEAR}", field="period")
    return period


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _parse_day(text: str, label: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"period {label!r}: {text!r} is not a YYYY-MM-DD date", field="period") from None


def parse_period(label: str) -> Period:
    """The interval a period label names (see the module doc); ``InvalidInput`` if it names none.

    >>> parse_period("2025-Q1").end
    datetime.datetime(2025, 4, 1, 0, 0, tzinfo=datetime.timezone.utc)
    >>> parse_period("2025-03-01..2025-03-31").days
    31
    """
    try:
        period = _parse(label)
    except (ValueError, OverflowError):  # a date past the calendar's end (year 9999 and later)
        raise InvalidInput(f"period {label!r} must lie between {MIN_YEAR} and {MAX_YEAR}", field="period") from None
    return _checked(period)


def _parse(label: str) -> Period:
    text = label.strip()
    if ".." in text:
        first, _, last = text.partition("..")
        start_day, last_day = _parse_day(first.strip(), label), _parse_day(last.strip(), label)
        if last_day < start_day:
            raise InvalidInput(f"period {label!r} ends before it starts", field="period")
        return Period(_midnight(start_day), _midnight(last_day + timedelta(days=1)), text)
    if match := _YEAR.match(text):
        year = int(match[1])
        return Period(_midnight(date(year, 1, 1)), _midnight(date(year + 1, 1, 1)), text)
    if match := _QUARTER.match(text):
        first_month = date(int(match[1]), 3 * int(match[2]) - 2, 1)
        return Period(_midnight(first_month), _midnight(_add_months(first_month, 3)), text.upper())
    if match := _MONTH.match(text):
        if not 1 <= int(match[2]) <= 12:
            raise InvalidInput(f"period {label!r}: no month {match[2]}", field="period")
        first_day = date(int(match[1]), int(match[2]), 1)
        return Period(_midnight(first_day), _midnight(_add_months(first_day, 1)), text)
    if match := _WEEK.match(text):
        try:
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise InvalidInput(f"period {label!r}: no such ISO week", field="period") from None
        return Period(_midnight(monday), _midnight(monday + timedelta(days=7)), text.upper())
    day = _parse_day(text, label) if re.match(r"^\d{4}-\d{2}-\d{2}$", text) else None
    if day is None:
        raise InvalidInput(
            f"period {label!r} is not one of YYYY, YYYY-Qn, YYYY-MM, YYYY-Www, YYYY-MM-DD or DAY..DAY",
            field="period",
        )
    return Period(_midnight(day), _midnight(day + timedelta(days=1)), text)


def period_between(start: datetime, end: datetime) -> Period:
    """A period from explicit aware datetimes (for callers that already have the interval)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise InvalidInput("period bounds must be aware datetimes", field="period")
    if end <= start:
        raise InvalidInput("a period must end after it starts", field="period")
    return _checked(Period(start, end, f"{start.isoformat()}..{end.isoformat()}"))
