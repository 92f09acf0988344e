"""Money helpers: ISO 4217 minor-unit exponents, one rounding, exact proration.

Money is always a ``Decimal`` with its currency code beside it. The engine computes with full
precision and rounds once, here, by the currency's own exponent (ROUND_HALF_UP).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from .errors import InvalidValue, UnknownCurrency

# Currencies whose minor unit is not the cent. Everything else has two decimals.
_ZERO_DECIMAL = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"}
)
_THREE_DECIMAL = frozenset({"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"})
_FOUR_DECIMAL = frozenset({"CLF", "UYW"})

_QUANTS = {0: Decimal("1"), 2: Decimal("0.01"), 3: Decimal("0.001"), 4: Decimal("0.0001")}
ZERO = Decimal("0")


def is_currency_code(code: object) -> bool:
    """True for three upper-case ASCII letters (the shape of an ISO 4217 code)."""
    return isinstance(code, str) and len(code) == 3 and code.isascii() and code.isalpha() and code.isupper()


def check_currency(code: object, *, field: str = "currency") -> str:
    """Return ``code`` if it looks like an ISO 4217 code, else raise ``UnknownCurrency``."""
    if not is_currency_code(code):
        raise UnknownCurrency(f"{field} must be a three-letter ISO 4217 code, got {code!r}", field=field)
    assert isinstance(code, str)
    return code


@lru_cache(maxsize=256)  # called per line in a quote; a handful of currencies in practice
def get_currency_exponent(currency: str) -> int:
    """Digits after the decimal point for ``currency``: JPY 0, KWD 3, CLF 4, otherwise 2."""
    check_currency(currency)
    if currency in _ZERO_DECIMAL:
        return 0
    if currency in _THREE_DECIMAL:
        return 3
    if currency in _FOUR_DECIMAL:
        return 4
    return 2


def get_minor_unit(currency: str) -> Decimal:
    """The smallest amount of ``currency``: ``Decimal("0.01")`` for EUR, ``Decimal("1")`` for JPY."""
    return _QUANTS[get_currency_exponent(currency)]


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` to the currency's precision, half up.

    >>> quantize(Decimal("9.995"), "EUR"), quantize(Decimal("9.5"), "JPY"), quantize(Decimal("1.2345"), "KWD")
    (Decimal('10.00'), Decimal('10'), Decimal('1.235'))
    """
    return amount.quantize(get_minor_unit(currency), rounding=ROUND_HALF_UP)


def prorate(total: Decimal, weights: Sequence[Decimal], currency: str) -> tuple[Decimal, ...]:
    """Split ``total`` across ``weights`` in proportion, in minor units, summing exactly to ``total``.

    Largest-remainder method: every share is first rounded down to the minor unit, then the
    minor units left over go one each to the shares with the largest remainders (earlier
    position wins a tie, so the split is deterministic). ``total`` is rounded to the currency
    first. Zero or empty weights give zero shares.

    Worked example: 10.00 EUR over weights 1, 1, 1 -> raw shares 3.333.., each rounded down to
    3.33 (sum 9.99); the one cent left goes to the first share: (3.34, 3.33, 3.33).

    >>> prorate(Decimal("10"), [Decimal(1), Decimal(1), Decimal(1)], "EUR")
    (Decimal('3.34'), Decimal('3.33'), Decimal('3.33'))
    """
    if total < 0 or min(weights, default=ZERO) < 0:
        raise InvalidValue("prorate needs a total and weights >= 0", field="total")
    unit = get_minor_unit(currency)
    total = quantize(total, currency)
    weight_sum = sum(weights, ZERO)
    if not weights or weight_sum <= 0 or total == 0:
        return tuple(ZERO.quantize(unit) for _ in weights)
    total_units = int(total / unit)
    # Exact integers: each weight as a numerator over one common denominator, so remainders are
    # compared exactly (28-digit Decimal division could break a true tie the wrong way).
    ratios = [weight.as_integer_ratio() for weight in weights]
    denominator = math.lcm(*(d for _, d in ratios))
    numerators = [n * (denominator // d) for n, d in ratios]
    numerator_sum = sum(numerators)
    floors = []
    remainders = []
    for numerator in numerators:
        floor, remainder = divmod(total_units * numerator, numerator_sum)
        floors.append(floor)
        remainders.append(remainder)
    left_over = total_units - sum(floors)
    if left_over:
        # Largest remainder first; the sort is stable even reversed, so a tie keeps index order.
        for index in sorted(range(len(floors)), key=remainders.__getitem__, reverse=True)[:left_over]:
            floors[index] += 1
    # Decimal(units) * unit already has the unit's exponent: no quantize needed.
    return tuple([Decimal(units) * unit for units in floors])
