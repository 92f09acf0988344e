"""Exceptions the engine raises on purpose.

The engine never translates its errors into GraphQL errors or HTTP statuses; adapters and
services do that at the edge by reading ``code`` (stable) and ``field`` (which input was bad).
"""

from __future__ import annotations


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""

    code = "ENGINE_ERROR"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidValue(EngineError):
    """An input value object (cart, line, customer, stats) was built with a bad field."""

    code = "INVALID_VALUE"


class InvalidRule(EngineError):
    """A rule object is inconsistent: wrong fields for its kind, duplicate ids, dangling ids."""

    code = "INVALID_RULE"


class UnknownCurrency(InvalidValue):
    """A currency code that is not three upper-case letters."""

    code = "UNKNOWN_CURRENCY"


class MissingStat(EngineError):
    """``select_tier`` needs a (metric, window) figure that the caller did not supply."""

    code = "MISSING_STAT"
