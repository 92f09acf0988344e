"""The rebate calculation: bands (from a spend on, a percent comes back) and what a spend earns.

Pure arithmetic on ``Decimal``, rounded once to the currency (``engine.money.quantize``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from itertools import pairwise

from ...engine import bounds
from ...engine.money import is_currency_code, quantize
from ...exceptions import InvalidInput

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Band:
    """From ``min_spend`` on, ``percent`` of the spend comes back."""

    min_spend: Decimal
    percent: Decimal


@dataclass(frozen=True)
class RebateCalculation:
    """The band reached (None: below the lowest), the rebate in money and, for points, in points."""

    band: Band | None
    rebate_amount: Decimal
    points: int | None


def calculate_rebate(
    spend: Decimal, bands: Sequence[Band], *, currency: str, point_value: Decimal | None = None
) -> RebateCalculation:
    """The rebate for ``spend``: the highest band reached, rounded once to the currency, and in
    points (``point_value`` given) the rebate divided by the point value, rounded down.

    Worked example: bands >= 10,000 -> 2% and >= 50,000 -> 4%; a spend of 12,345.67 EUR reaches
    2%: 246.9134, rounded half up to 246.91 EUR. At 0.01 EUR a point that is 24,691 points; at
    0.03 EUR a point 246.91 / 0.03 = 8,230.33, so 8,230 points (the fraction is not paid).
    A spend of 9,999.99 reaches no band: nothing.
    """
    if not is_currency_code(currency):
        raise InvalidInput(f"{currency!r} is not an ISO 4217 currency code", field="currency")
    reached = [band for band in bands if spend >= band.min_spend]
    if not reached:
        return RebateCalculation(None, Decimal(0), 0 if point_value is not None else None)
    band = max(reached, key=lambda item: item.min_spend)
    amount = quantize(spend * band.percent / HUNDRED, currency)
    if point_value is None:
        return RebateCalculation(band, amount, None)
    return RebateCalculation(band, amount, int((amount / point_value).to_integral_value(rounding=ROUND_FLOOR)))


def get_band_problems(bands: Sequence[Band]) -> list[tuple[str | None, str]]:
    """Every problem with a program's bands: (field, message) pairs, empty when they are fine."""
    if not bands:
        return [("bands", "bands: at least one band is needed")]
    problems: list[tuple[str | None, str]] = []
    for index, band in enumerate(bands):
        if problem := bounds.MONEY.problem(band.min_spend):
            problems.append(("bands", f"bands[{index}].min_spend: {problem}"))
        if not isinstance(band.percent, Decimal) or not Decimal(0) < band.percent <= HUNDRED:
            problems.append(("bands", f"bands[{index}].percent: must be > 0 and <= 100"))
    if problems:
        return problems
    ordered = sorted(bands, key=lambda band: band.min_spend)
    for lower, higher in pairwise(ordered):
        if lower.min_spend == higher.min_spend:
            problems.append(("bands", f"bands: two bands start at {lower.min_spend}"))
        elif higher.percent <= lower.percent:
            # A bigger spend earning a smaller share would punish the company for buying more.
            problems.append(("bands", f"bands: the band from {higher.min_spend} must pay more than {lower.percent}%"))
    return problems
