"""Program-wide settings: the plugin's Dashboard configuration, parsed once into a frozen value.

Saleor stores a plugin's configuration as a list of ``{"name", "value"}`` items whose values are
strings (booleans are real booleans). ``parse_program_config`` turns that list into a
``ProgramConfig`` and reports every bad field at once, so ``pluginUpdate`` can refuse a bad
configuration with all its problems instead of the first one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from .engine import bounds
from .engine.currencies import is_known_currency
from .exceptions import InvalidInput


class CreditEvent(str, Enum):
    """The order event that credits points (pending until the return window ends)."""

    ORDER_FULLY_PAID = "order_fully_paid"
    ORDER_PAID = "order_paid"
    ORDER_CONFIRMED = "order_confirmed"
    ORDER_FULFILLED = "order_fulfilled"


@dataclass(frozen=True, slots=True)
class ProgramConfig:
    """Settings that apply to the whole program; rules themselves live in the plugin's models."""

    tier_prices_enabled: bool = True
    points_enabled: bool = True
    gifts_enabled: bool = True
    referrals_enabled: bool = True
    tiers_enabled: bool = True
    # Points earned per currency unit paid for goods (1 -> 1 point per 1.00 paid).
    points_per_unit: Decimal = Decimal("1")
    # What one point is worth when redeemed, in the order's currency (0.01 -> 100 points = 1.00).
    point_value: Decimal = Decimal("0.01")
    # The return window: earned points stay pending this many days.
    pending_days: int = 14
    # Points expire this many days after they were earned; 0 means never.
    expiry_days: int = 365
    redeem_min_points: int = 100
    # At most this share of the goods total may be paid with points.
    redeem_max_share: Decimal = Decimal("0.5")
    # A points hold on an abandoned checkout is released after this many minutes.
    hold_minutes: int = 120
    credit_event: CreditEvent = CreditEvent.ORDER_FULLY_PAID
    include_shipping_in_earn: bool = False
    # Several gift rules may apply to one checkout (True) or only the best one (False).
    gift_stacking: bool = False
    # The storefront page a referral link points to; the code is appended as ?ref=<code>.
    referral_link_base: str = ""
    # A birthday recorded fewer days than this before it falls earns no bonus that year (so
    # setting "today" as one's birthday earns nothing); 0 turns the rule off.
    birthday_notice_days: int = 30
    # Tier spend and metrics add orders up in this currency (docs/channels.md); an order in
    # another currency converts at the exchange rate recorded when it was paid. "" (the default):
    # no base currency, every order counts 1:1 as before - right for a shop selling in one currency.
    base_currency: str = ""


_DEFAULTS = ProgramConfig()


def _parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"true", "1", "yes", "on"}:
        return True
    if text in {"false", "0", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {raw!r}")


# Every number's range comes from ``engine.bounds``, the one place the API and services read too.
_INT_BOUNDS = {
    "pending_days": bounds.DAYS_OR_ZERO,
    "expiry_days": bounds.DAYS_OR_ZERO,
    "redeem_min_points": bounds.COUNT,
    "hold_minutes": bounds.IntBound(0, bounds.MAX_DAYS * 24 * 60),
    "birthday_notice_days": bounds.IntBound(0, 366),
}
_DECIMAL_BOUNDS = {
    "points_per_unit": bounds.RATE,
    "point_value": bounds.RATE,
    "redeem_max_share": bounds.SHARE,
}


def _parse_decimal(raw: Any, bound: bounds.DecimalBound) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError(f"expected a number, got {raw!r}") from None
    if not value.is_finite() or not bound.minimum <= value <= bound.maximum:
        raise ValueError(f"must be >= {bound.minimum} and <= {bound.maximum}, got {raw!r}")
    return value


def _parse_int(raw: Any, bound: bounds.IntBound) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ValueError(f"expected a whole number, got {raw!r}") from None
    if not bound.minimum <= value <= bound.maximum:
        raise ValueError(f"must be between {bound.minimum} and {bound.maximum}, got {raw!r}")
    return value


def _parse_field(name: str, raw: Any) -> Any:
    default = getattr(_DEFAULTS, name)
    if isinstance(default, bool):
        return _parse_bool(raw)
    if isinstance(default, CreditEvent):
        try:
            return CreditEvent(str(raw).strip())
        except ValueError:
            choices = ", ".join(event.value for event in CreditEvent)
            raise ValueError(f"must be one of {choices}, got {raw!r}") from None
    if isinstance(default, Decimal):
        value = _parse_decimal(raw, _DECIMAL_BOUNDS[name])
        if name == "point_value" and value == 0:
            raise ValueError("must be greater than 0")
        return value
    if isinstance(default, int):
        return _parse_int(raw, _INT_BOUNDS[name])
    if name == "base_currency":
        code = str(raw).strip().upper()
        if code and not is_known_currency(code):
            raise ValueError(f"must be an ISO 4217 currency code, got {raw!r}")
        return code
    return str(raw).strip()


def parse_program_config(items: Iterable[Mapping[str, Any]] | Mapping[str, Any]) -> ProgramConfig:
    """Build a ``ProgramConfig`` from Saleor's ``[{"name", "value"}]`` list or a plain mapping.

    Unknown names are ignored (Saleor drops them too); missing names take their defaults.
    Raises ``InvalidInput`` listing every bad field.
    """
    if isinstance(items, Mapping):
        raw_values = dict(items)
    else:
        raw_values = {item["name"]: item.get("value") for item in items}
    known = {field.name for field in fields(ProgramConfig)}
    parsed: dict[str, Any] = {}
    problems: list[tuple[str | None, str]] = []
    for name, raw in raw_values.items():
        if name not in known or raw is None:
            continue
        try:
            parsed[name] = _parse_field(name, raw)
        except ValueError as exc:
            problems.append((name, f"{name}: {exc}"))
    if problems:
        raise InvalidInput("; ".join(message for _, message in problems), problems=problems)
    return ProgramConfig(**parsed)


def config_as_items(config: ProgramConfig) -> list[dict[str, Any]]:
    """The configuration as Saleor stores it (used for ``DEFAULT_CONFIGURATION``)."""
    items = []
    for field in fields(ProgramConfig):
        value = getattr(config, field.name)
        if isinstance(value, Enum):
            value = value.value
        elif not isinstance(value, bool):
            value = str(value)
        items.append({"name": field.name, "value": value})
    return items
