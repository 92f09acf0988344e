"""Field checks shared by the rule objects: each raises ``InvalidRule`` naming the bad field."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from .bounds import INT32_MIN
from .errors import InvalidRule
from .money import is_currency_code

ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")
INT_MIN = INT32_MIN


def fail(owner: str, name: str, message: str) -> InvalidRule:
    return InvalidRule(f"{owner}.{name}: {message}", field=name)


def check_decimal(
    owner: str,
    name: str,
    value: Any,
    *,
    minimum: Decimal = ZERO,
    maximum: Decimal | None = None,
    allow_none: bool = False,
) -> None:
    """``maximum`` comes from ``bounds`` (what the columns hold and the arithmetic survives)."""
    if value is None and allow_none:
        return
    if not isinstance(value, Decimal) or not value.is_finite():
        raise fail(owner, name, f"must be a finite Decimal, got {value!r}")
    if value < minimum:
        raise fail(owner, name, f"must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise fail(owner, name, f"must be <= {maximum}, got {value}")


def check_int(
    owner: str, name: str, value: Any, *, minimum: int = 0, maximum: int | None = None, allow_none: bool = False
) -> None:
    """``maximum`` comes from ``bounds`` (days a date can move by, an integer column's range)."""
    if value is None and allow_none:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        raise fail(owner, name, f"must be an int, got {value!r}")
    if value < minimum:
        raise fail(owner, name, f"must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise fail(owner, name, f"must be <= {maximum}, got {value}")


def check_currency(owner: str, name: str, value: Any, *, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if not is_currency_code(value):
        raise fail(owner, name, f"must be a three-letter ISO 4217 code, got {value!r}")


def check_window(owner: str, valid_from: datetime | None, valid_until: datetime | None) -> None:
    # Naive datetimes cannot be compared with the aware ``now`` the caller passes.
    for name, moment in (("valid_from", valid_from), ("valid_until", valid_until)):
        if moment is not None and (not isinstance(moment, datetime) or moment.tzinfo is None):
            raise fail(owner, name, f"must be an aware datetime, got {moment!r}")
    if valid_from is not None and valid_until is not None and valid_until <= valid_from:
        raise fail(owner, "valid_until", "must be after valid_from")


def as_tuple(instance: object, name: str) -> None:
    value = getattr(instance, name)
    if not isinstance(value, tuple):
        object.__setattr__(instance, name, tuple(value))


def is_active(valid_from: datetime | None, valid_until: datetime | None, now: datetime) -> bool:
    """True when ``now`` lies in ``[valid_from, valid_until)``; a missing end is open."""
    return (valid_from is None or valid_from <= now) and (valid_until is None or now < valid_until)


def check_unique_ids(owner: str, name: str, items: Iterable[Any]) -> None:
    seen: set[int] = set()
    for item in items:
        if item.id in seen:
            raise fail(owner, name, f"duplicate id {item.id}")
        seen.add(item.id)
