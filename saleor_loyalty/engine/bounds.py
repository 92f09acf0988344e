"""The ranges every stored or computed number must stay within: the one place that says them.

The engine's rule checks (``checks.py``), the services' field parsers (``services/rule_fields``,
the company and rebate services) and the GraphQL input descriptions all read these bounds, so
what the API accepts is exactly what the code can compute with and the columns can hold.

Why each limit is what it is:

- **Days** (tier windows and grace, referral periods, next-purchase validity, rebate settling
  and validity, pending and expiry days): at most ``MAX_DAYS`` = 36,500 (100 years). Python's
  ``timedelta`` takes up to 999,999,999 days, but ``now - timedelta(days=n)`` leaves the
  ``datetime`` range (years 1 to 9999) from about 739,000 days back and ~2,900,000 forward, and
  a window and a grace are added to each other and to dates. A century is longer than any
  program runs and keeps every sum of two such spans far inside the range.
- **Counts** (quantities, points in a rule, redemption limits, reward counts): PostgreSQL
  ``integer`` columns, ``0 .. 2**31 - 1``.
- **Ranks and priorities**: signed ``integer`` columns.
- **Money** (thresholds, fixed prices, minimum spends, discount amounts): at most
  ``MAX_MONEY`` = 10**12 with 3 decimal places. The columns (``numeric(20, 3)``) hold up to
  10**17, but a price is multiplied by a quantity (up to 2**31, about 2.1 * 10**9) and the
  product rounded to 3 places must fit ``Decimal``'s 28 significant digits, or ``quantize``
  raises ``InvalidOperation``: 10**12 * 2.1 * 10**9 = 2.1 * 10**21, 25 digits with the places.
- **Rates** (points per unit, multipliers, a point's value): at most ``MAX_RATE`` = 10,000 with
  4 places; the columns (``numeric(12, 4)``) hold up to 10**8, and spend * rate * multiplier
  (10**12 * 10**4 * 10**4) stays within 28 digits.
- **Percentages**: ``0 .. 100`` with 4 places (``numeric(7, 4)``).
- **Exchange rates** (one unit of a currency in the program's base currency): greater than 0 and
  at most ``MAX_EXCHANGE_RATE`` = 10**6 with 10 places (``numeric(20, 10)``). The widest real
  spreads (a Kuwaiti dinar is ~3.3 USD, a Vietnamese dong ~0.00004 USD, an Iranian rial less)
  fit with room; spend (10**12) * rate (10**6) with 10 places stays within 28 digits.
- **Gift choices**: a gift rule offers at most ``MAX_GIFT_OPTIONS`` = 20 variants (its own and
  the options): a storefront shows every one as a button, and the checkout read reads the stock
  of every offered variant in one statement. A ladder is named by at most ``MAX_LADDER_LENGTH``
  = 64 characters (its column).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1
MAX_DAYS = 36_500
MAX_MONEY = Decimal(10**12)
MAX_RATE = Decimal(10_000)
MAX_EXCHANGE_RATE = Decimal(10**6)
HUNDRED = Decimal(100)
MAX_GIFT_OPTIONS = 20
MAX_LADDER_LENGTH = 64


@dataclass(frozen=True)
class IntBound:
    """Whole numbers from ``minimum`` to ``maximum``, both included."""

    minimum: int
    maximum: int

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not a whole number in range, or None."""
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be a whole number, got {value!r}"
        if not self.minimum <= value <= self.maximum:
            return f"must be between {self.minimum} and {self.maximum}, got {value}"
        return None

    def with_minimum(self, minimum: int) -> IntBound:
        return IntBound(minimum, self.maximum)


@dataclass(frozen=True)
class DecimalBound:
    """Finite decimals from ``minimum`` to ``maximum`` (both included) with at most ``places``."""

    minimum: Decimal
    maximum: Decimal
    places: int

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not a finite ``Decimal`` in range with few enough places, or None."""
        if not isinstance(value, Decimal) or not value.is_finite():
            return f"must be a finite Decimal, got {value!r}"
        if not self.minimum <= value <= self.maximum:
            return f"must be between {self.minimum} and {self.maximum}, got {value}"
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > self.places:
            return f"must have at most {self.places} decimal places"
        return None

    def with_minimum(self, minimum: Decimal) -> DecimalBound:
        return DecimalBound(minimum, self.maximum, self.places)


DAYS = IntBound(1, MAX_DAYS)
DAYS_OR_ZERO = IntBound(0, MAX_DAYS)
COUNT = IntBound(0, INT32_MAX)
POSITIVE_COUNT = IntBound(1, INT32_MAX)
SIGNED = IntBound(INT32_MIN, INT32_MAX)
ROW_ID = IntBound(1, BIGINT_MAX)
MONEY = DecimalBound(Decimal(0), MAX_MONEY, 3)
RATE = DecimalBound(Decimal(0), MAX_RATE, 4)
SHARE = DecimalBound(Decimal(0), Decimal(1), 4)
# Zero is outside the range in meaning (a currency worth nothing): services refuse it separately.
EXCHANGE_RATE = DecimalBound(Decimal(0), MAX_EXCHANGE_RATE, 10)
PERCENT = DecimalBound(Decimal(0), HUNDRED, 4)


# Custom events (staff-defined event types): a code is a short machine name.
EVENT_CODE_MAX_LENGTH = 64
EVENT_ID_MAX_LENGTH = 128
EVENT_POINTS = IntBound(1, 1_000_000)
GIFT_CHOOSE = IntBound(1, MAX_GIFT_OPTIONS)
