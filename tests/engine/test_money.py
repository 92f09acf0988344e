import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saleor_loyalty.engine.errors import InvalidValue, UnknownCurrency
from saleor_loyalty.engine.money import get_currency_exponent, prorate, quantize


@pytest.mark.parametrize(
    ("currency", "exponent"),
    [("EUR", 2), ("USD", 2), ("JPY", 0), ("KRW", 0), ("VND", 0), ("CLP", 0), ("ISK", 0),
     ("KWD", 3), ("BHD", 3), ("JOD", 3), ("OMR", 3), ("TND", 3), ("IQD", 3), ("LYD", 3), ("PLN", 2)],
)
def test_currency_exponents(currency, exponent):
    assert get_currency_exponent(currency) == exponent


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("9.995", "EUR", "10.00"),
        ("9.994", "EUR", "9.99"),
        ("0.005", "EUR", "0.01"),  # half up, not banker's rounding
        ("0.025", "EUR", "0.03"),
        ("1234.5", "JPY", "1235"),
        ("1234.4", "JPY", "1234"),
        ("1.2345", "KWD", "1.235"),
        ("7", "EUR", "7.00"),
    ],
)
def test_quantize_rounds_half_up_to_the_currency(amount, currency, expected):
    result = quantize(Decimal(amount), currency)
    assert result == Decimal(expected)
    assert str(result) == expected  # the exponent too, not only the value


@pytest.mark.parametrize("code", ["eur", "EURO", "E1R", "", None, 978])
def test_bad_currency_codes_are_refused(code):
    with pytest.raises(UnknownCurrency):
        quantize(Decimal("1"), code)


@pytest.mark.parametrize(
    ("total", "weights", "currency", "expected"),
    [
        ("10", ["1", "1", "1"], "EUR", ["3.34", "3.33", "3.33"]),
        ("15", ["60", "30", "10"], "EUR", ["9.00", "4.50", "1.50"]),
        ("0.01", ["1", "1"], "EUR", ["0.01", "0.00"]),
        ("100", ["1", "2"], "JPY", ["33", "67"]),
        ("5", ["0", "0"], "EUR", ["0.00", "0.00"]),
        ("5", [], "EUR", []),
        # The larger remainder takes the leftover unit even when it is not first.
        ("1.00", ["1", "2"], "EUR", ["0.33", "0.67"]),
        # A true tie (21/54 and 75/54 leave the same remainder) goes to the earlier share, even
        # where 28-digit decimal division would round the two remainders apart.
        ("0.03", ["7", "25", "22"], "EUR", ["0.01", "0.01", "0.01"]),
        ("0.02", ["0.1", "0.10", "1E-1"], "EUR", ["0.01", "0.01", "0.00"]),
    ],
)
def test_prorate_splits_exactly(total, weights, currency, expected):
    shares = prorate(Decimal(total), [Decimal(w) for w in weights], currency)
    assert list(shares) == [Decimal(e) for e in expected]


def test_prorate_refuses_negative_amounts():
    with pytest.raises(InvalidValue):
        prorate(Decimal("-1"), [Decimal(1)], "EUR")


@given(
    total=st.decimals(min_value=0, max_value=10**6, places=2),
    weights=st.lists(st.decimals(min_value=0, max_value=10**5, places=2), min_size=1, max_size=20),
)
def test_prorate_shares_always_sum_to_the_total(total, weights):
    shares = prorate(total, weights, "EUR")
    if sum(weights) > 0:
        assert sum(shares) == total
    assert all(share >= 0 for share in shares)
    # A line never gets more than its own proportion plus one cent.
    weight_sum = sum(weights)
    for share, weight in zip(shares, weights, strict=True):
        if weight_sum:
            assert share <= total * weight / weight_sum + Decimal("0.01")


def _reference_prorate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Largest remainder with exact fractions, earlier index first on a tie: the documented rule."""
    units = int(total * 100)
    weight_sum = sum(Fraction(w) for w in weights)
    raw = [units * Fraction(w) / weight_sum for w in weights]
    floors = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[: units - sum(floors)]:
        floors[i] += 1
    return [Decimal(f) / 100 for f in floors]


@given(
    total=st.decimals(min_value=0, max_value=10**4, places=2),
    weights=st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=8),
)
def test_prorate_matches_an_exact_reference(total, weights):
    weights = [Decimal(w) for w in weights]
    if sum(weights) == 0:
        return
    assert list(prorate(total, weights, "EUR")) == _reference_prorate(total, weights)
