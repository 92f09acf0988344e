"""Rebate periods: calendar months, quarters and years in UTC, named by their first day.

Pure date arithmetic, no database. A period runs from its first day (inclusive) to the next
period's first day (exclusive). Labels are what people and idempotency keys read:
``2025-03`` (a month), ``2025-Q1`` (a quarter), ``2025`` (a year).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ...exceptions import InvalidInput

__all__ = ["get_period_end", "get_period_label", "get_period_start", "iter_period_starts"]

_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def _months(kind: str) -> int:
    try:
        return _MONTHS[kind]
    except KeyError:
        raise InvalidInput(f"unknown rebate period {kind!r}", field="period") from None


def get_period_start(kind: str, day: date) -> date:
    """The first day of the period that contains ``day``.

    >>> get_period_start("quarter", date(2025, 5, 17)), get_period_start("year", date(2025, 5, 17))
    (datetime.date(2025, 4, 1), datetime.date(2025, 1, 1))
    """
    months = _months(kind)
    return date(day.year, (day.month - 1) // months * months + 1, 1)


def get_period_end(kind: str, start: date) -> date:
    """The first day after the period that starts on ``start`` (the end, exclusive).

    >>> get_period_end("month", date(2025, 12, 1)), get_period_end("quarter", date(2025, 10, 1))
    (datetime.date(2026, 1, 1), datetime.date(2026, 1, 1))
    """
    month_index = start.year * 12 + start.month - 1 + _months(kind)
    return date(month_index // 12, month_index % 12 + 1, 1)


def get_period_label(kind: str, start: date) -> str:
    """``2025-03``, ``2025-Q1`` or ``2025``.

    >>> get_period_label("month", date(2025, 3, 1)), get_period_label("quarter", date(2025, 4, 1))
    ('2025-03', '2025-Q2')
    """
    months = _months(kind)
    if months == 1:
        return f"{start.year}-{start.month:02d}"
    if months == 3:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def iter_period_starts(kind: str, first: date, *, until: date) -> Iterator[date]:
    """The first days of the periods from the one containing ``first`` up to ``until`` (inclusive)."""
    start = get_period_start(kind, first)
    while start <= until:
        yield start
        start = get_period_end(kind, start)
