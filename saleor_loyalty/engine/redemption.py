"""How many points may be redeemed on an order."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from .rules import ProgramTerms


def calculate_max_redeemable_points(goods_paid: Decimal, terms: ProgramTerms, *, available_points: int | None) -> int:
    """The most points that may pay for ``goods_paid`` (goods after all discounts, no shipping).

    At most ``redeem_max_share`` of the goods may be paid with points, each worth
    ``point_value``; never more than ``available_points`` (None: balance unknown, no limit);
    0 when the result is under ``redeem_min_points`` (nothing may be redeemed at all).

    Worked example: goods 123.45, share 0.5, point value 0.01 -> at most 61.725 may be paid with
    points -> floor(61.725 / 0.01) = 6172 points (61.72); with 5,000 available -> 5000; with
    a minimum of 100 and 80 available -> 0. A channel's ``redeem_max_amount`` of 50.00 caps the
    payable part too: min(61.725, 50.00) / 0.01 -> 5000 points.

    >>> calculate_max_redeemable_points(Decimal("123.45"), ProgramTerms(), available_points=None)
    6172
    """
    if not terms.points_enabled or goods_paid <= 0:
        return 0
    payable = goods_paid * terms.redeem_max_share
    if terms.redeem_max_amount is not None:
        payable = min(payable, terms.redeem_max_amount)
    most = int((payable / terms.point_value).to_integral_value(rounding=ROUND_FLOOR))
    if available_points is not None:
        most = min(most, available_points)
    return most if most >= max(terms.redeem_min_points, 1) else 0
