"""Field parsers for rule input: turn what an adapter sends (text, numbers, None) into typed values.

A parser returns the value or raises ``ValueError`` with a message for the staff user; the
caller collects every field's message so one request reports all its problems. Parsers check
the shape of one value only, against the ranges in ``engine.bounds`` (the one place that
says what the columns hold and the arithmetic survives); whether the fields fit together is the engine rule object's job
(``services.rules`` builds it and reports its ``InvalidRule``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from ...engine import bounds
from ...engine.bounds import DecimalBound, IntBound
from ...exceptions import InvalidInput

Parser = Callable[[Any], Any]
Problems = list[tuple[str | None, str]]

_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def optional(parser: Parser) -> Parser:
    """Accept None or an empty string as None, anything else through ``parser``."""

    def parse(raw: Any) -> Any:
        return None if _blank(raw) else parser(raw)

    return parse


def text(max_length: int) -> Parser:
    def parse(raw: Any) -> str:
        if not isinstance(raw, str) or not raw.strip():
            raise ValueError("must be non-empty text")
        value = raw.strip()
        if len(value) > max_length:
            raise ValueError(f"must be at most {max_length} characters")
        return value

    return parse


def free_text(raw: Any) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValueError("must be text")
    return raw.strip()


def slug(raw: Any) -> str:
    value = text(100)(raw)
    if not _SLUG.match(value):
        raise ValueError("may contain only letters, digits, '-' and '_'")
    return value


def integer(bound: IntBound = bounds.COUNT) -> Parser:
    """Whole numbers within ``bound`` (e.g. ``bounds.DAYS``), given as int or text."""

    def parse(raw: Any) -> int:
        if isinstance(raw, bool):
            raise ValueError("must be a whole number")
        try:
            value = int(str(raw).strip()) if not isinstance(raw, int) else raw
        except ValueError:
            raise ValueError(f"must be a whole number, got {raw!r}") from None
        if not bound.minimum <= value <= bound.maximum:
            raise ValueError(f"must be between {bound.minimum} and {bound.maximum}")
        return value

    return parse


def decimal(bound: DecimalBound = bounds.MONEY) -> Parser:
    """Decimals within ``bound`` (e.g. ``bounds.RATE``), given as text or Decimal."""

    def parse(raw: Any) -> Decimal:
        if isinstance(raw, (bool, float)):
            # Floats carry binary noise (0.1 -> 0.1000000000000000055...): ask for text or Decimal.
            raise ValueError("must be a decimal number given as text or Decimal")
        try:
            value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValueError(f"must be a number, got {raw!r}") from None
        if not value.is_finite():
            raise ValueError("must be a finite number")
        if not bound.minimum <= value <= bound.maximum:
            raise ValueError(f"must be >= {bound.minimum} and <= {bound.maximum}")
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > bound.places:
            raise ValueError(f"must have at most {bound.places} decimal places")
        return value

    return parse


def boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    raise ValueError("must be true or false")


def choice(enum: type[Enum]) -> Parser:
    def parse(raw: Any) -> str:
        values = [member.value for member in enum]
        value = raw.value if isinstance(raw, Enum) else raw
        if value not in values:
            raise ValueError(f"must be one of {', '.join(values)}")
        return str(value)

    return parse


def currency(raw: Any) -> str:
    if not isinstance(raw, str) or not _CURRENCY.match(raw.strip().upper()):
        raise ValueError("must be a three-letter ISO 4217 code")
    return raw.strip().upper()


def aware_datetime(raw: Any) -> datetime:
    if isinstance(raw, str):
        try:
            raw = datetime.fromisoformat(raw.strip())
        except ValueError:
            raise ValueError("must be an ISO 8601 date and time") from None
    if not isinstance(raw, datetime):
        raise ValueError("must be a date and time")
    if raw.tzinfo is None:
        raise ValueError("must carry a time zone")
    return raw


def channel(raw: Any) -> str:
    return text(255)(raw)


_OPTION_LINE = re.compile(r"^(?P<variant>\S+)(?:\s*[x×*]\s*(?P<quantity>\S+))?(?P<default>\s+default)?$", re.IGNORECASE)


def gift_options(raw: Any) -> list[dict[str, Any]]:
    """A gift rule's choice: a list of ``{"variant_id", "quantity" (1), "is_default" (false)}``,
    or text with one option a line (``502``, ``503 x 2``, ``504 default``; the console's form).

    Stored as given, in order; whether the list fits the rule (no variant twice, no more defaults
    than ``choose``) is the engine's check.
    """
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [_option_line(position, line.strip())
               for position, line in enumerate(raw.splitlines(), start=1) if line.strip()]
    if not isinstance(raw, (list, tuple)):
        raise ValueError("must be a list of {variant_id, quantity, is_default}")
    if len(raw) >= bounds.MAX_GIFT_OPTIONS:
        raise ValueError(f"a rule offers at most {bounds.MAX_GIFT_OPTIONS} gifts, its own variant included")
    parsed = []
    for position, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or "variant_id" not in item or not set(item) <= {"variant_id", "quantity", "is_default"}:
            raise ValueError(f"option {position} must be {{variant_id, quantity, is_default}}")
        try:
            parsed.append({
                "variant_id": integer(bounds.ROW_ID)(item["variant_id"]),
                "quantity": integer(bounds.POSITIVE_COUNT)(item.get("quantity", 1)),
                "is_default": boolean(item.get("is_default", False)),
            })
        except ValueError as exc:
            raise ValueError(f"option {position}: {exc}") from None
    return parsed


def _option_line(position: int, line: str) -> dict[str, Any]:
    match = _OPTION_LINE.match(line)
    if match is None:
        raise ValueError(f"line {position}: write a variant id, then optionally 'x <quantity>' and 'default'")
    option: dict[str, Any] = {"variant_id": match["variant"], "is_default": bool(match["default"])}
    if match["quantity"]:
        option["quantity"] = match["quantity"]
    return option


def format_gift_options(options: Any) -> str:
    """Stored options as the text ``gift_options`` reads: one line each (``503 x 2 default``)."""
    lines = []
    for item in options or ():
        if isinstance(item, dict):
            quantity = int(item.get("quantity", 1))
            lines.append(f"{item.get('variant_id')}{f' x {quantity}' if quantity != 1 else ''}{' default' if item.get('is_default') else ''}")
    return "\n".join(lines)


def raise_problems(problems: Problems) -> None:
    """Raise one ``InvalidInput`` carrying every problem, if there is any."""
    if problems:
        raise InvalidInput("; ".join(message for _, message in problems), problems=problems)
