"""Metric results: raw figures from the database, and the rates derived from them.

The queries (``queries.py``) return counts and sums per group; ``build_row`` turns one group's
figures into the reported rates with exact ``Decimal`` arithmetic, rounding each figure once:
percentages and the purchase frequency to 2 places (half up), money to the currency's minor
unit. ``docs/metrics.md`` defines every figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from ...engine.money import quantize
from .periods import Period

ZERO = Decimal("0")
HUNDRED = Decimal("100")
_CENT = Decimal("0.01")


class GroupBy(StrEnum):
    """How to split the figures besides the overall row."""

    NONE = "none"
    TIER = "tier"
    CUSTOMER_TYPE = "customer_type"
    COMPANY = "company"
    MEMBERSHIP = "membership"


@dataclass(frozen=True, slots=True)
class OrderFigures:
    """Counts and sums over one group's orders (see docs/metrics.md for each definition)."""

    orders: int = 0
    identified_orders: int = 0
    repeat_orders: int = 0
    revenue: Decimal = ZERO
    tier_price_discount: Decimal = ZERO
    gift_cost: Decimal = ZERO
    customers: int = 0
    repeat_customers: int = 0
    customers_at_start: int = 0
    retained_customers: int = 0
    new_customers: int = 0


@dataclass(frozen=True, slots=True)
class PointFigures:
    """Points moved in the period; ``expired`` and ``outstanding`` are None per channel."""

    issued: int = 0
    reversed: int = 0
    redeemed: int = 0
    expired: int | None = 0
    outstanding: int | None = 0

    @property
    def net_issued(self) -> int:
        return self.issued - self.reversed


@dataclass(frozen=True, slots=True)
class NpsFigures:
    responses: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0


@dataclass(frozen=True, slots=True)
class MetricsRow:
    """Every figure for one group (``key`` "" and label "All" for the overall row).

    Rates are percentages (0-100, NPS -100..100); None where the denominator is zero.
    """

    key: str
    label: str
    orders: int
    repeat_orders: int
    revenue: Decimal
    customers: int
    repeat_customers: int
    new_customers: int
    customers_at_start: int
    retained_customers: int
    average_order_value: Decimal | None
    purchase_frequency: Decimal | None
    repeat_customer_rate: Decimal | None
    repeat_purchase_rate: Decimal | None
    retention_rate: Decimal | None
    churn_rate: Decimal | None
    customer_lifetime_value: Decimal | None
    points_issued: int
    points_reversed: int
    points_redeemed: int
    points_expired: int | None
    redemption_rate: Decimal | None
    breakage_rate: Decimal | None
    outstanding_points: int | None
    liability: Decimal | None
    redeemed_value: Decimal
    tier_price_discount: Decimal
    gift_cost: Decimal
    program_cost: Decimal
    nps_responses: int
    nps_promoters: int
    nps_passives: int
    nps_detractors: int
    nps: Decimal | None


@dataclass(frozen=True, slots=True)
class ProgramMetrics:
    """The report: its parameters, the overall row and one row per group (sorted by label)."""

    period: Period
    channel: str | None
    currency: str
    group_by: GroupBy
    gross_margin: Decimal
    point_value: Decimal
    lookback_days: int | None
    overall: MetricsRow
    groups: tuple[MetricsRow, ...] = field(default=())
    # Money in the program's base currency, each order at the rate it recorded when paid.
    in_base_currency: bool = False
    # Base-currency reports only: orders of the period left out for want of a recorded rate.
    unconverted_orders: int | None = None

    @property
    def rows(self) -> tuple[MetricsRow, ...]:
        return (self.overall, *self.groups)


def percent(part: int, whole: int) -> Decimal | None:
    """``part / whole x 100`` rounded half up to 2 places; None when ``whole`` is 0.

    >>> percent(1, 3), percent(2, 3), percent(1, 0)
    (Decimal('33.33'), Decimal('66.67'), None)
    """
    if whole == 0:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(_CENT, rounding=ROUND_HALF_UP)


def calculate_clv(
    revenue: Decimal, *, orders: int, identified_orders: int, customers: int, churned: int,
    customers_at_start: int, gross_margin: Decimal, currency: str,
) -> Decimal | None:
    """CLV = average order value x purchase frequency x gross margin / churn rate (as a fraction).

    The product of the first three is the contribution of one customer per period; dividing by
    the churn rate multiplies it by the expected lifetime in periods (1 / churn). Computed from
    the unrounded parts and rounded once to the currency. None without orders, customers or
    churn (nobody churned: the lifetime is unbounded).

    Worked example (EUR): revenue 300.00 over 4 orders (AOV 75.00), 4 identified orders by 3
    customers (frequency 4/3), margin 0.40, 1 of 4 customers at start churned (0.25):
    75 x 4/3 x 0.40 / 0.25 = 160.00.

    >>> calculate_clv(Decimal("300"), orders=4, identified_orders=4, customers=3, churned=1,
    ...               customers_at_start=4, gross_margin=Decimal("0.4"), currency="EUR")
    Decimal('160.00')
    """
    if orders == 0 or customers == 0 or churned == 0 or customers_at_start == 0:
        return None
    value = (
        revenue * identified_orders * gross_margin * customers_at_start
        / (Decimal(orders) * customers * churned)
    )
    return quantize(value, currency)


def build_row(
    key: str, label: str, orders: OrderFigures, points: PointFigures, nps: NpsFigures, *,
    currency: str, point_value: Decimal, gross_margin: Decimal,
) -> MetricsRow:
    """One group's report row from its raw figures (the only place rates are computed)."""
    churned = orders.customers_at_start - orders.retained_customers
    redeemed_value = quantize(Decimal(points.redeemed) * point_value, currency)
    liability = None if points.outstanding is None else quantize(Decimal(points.outstanding) * point_value, currency)
    tier_discount = quantize(orders.tier_price_discount, currency)
    gift_cost = quantize(orders.gift_cost, currency)
    net_issued = points.net_issued
    return MetricsRow(
        key=key,
        label=label,
        orders=orders.orders,
        repeat_orders=orders.repeat_orders,
        revenue=quantize(orders.revenue, currency),
        customers=orders.customers,
        repeat_customers=orders.repeat_customers,
        new_customers=orders.new_customers,
        customers_at_start=orders.customers_at_start,
        retained_customers=orders.retained_customers,
        average_order_value=quantize(orders.revenue / orders.orders, currency) if orders.orders else None,
        purchase_frequency=(
            (Decimal(orders.identified_orders) / orders.customers).quantize(_CENT, rounding=ROUND_HALF_UP)
            if orders.customers else None
        ),
        repeat_customer_rate=percent(orders.repeat_customers, orders.customers),
        repeat_purchase_rate=percent(orders.repeat_orders, orders.identified_orders),
        retention_rate=percent(orders.retained_customers, orders.customers_at_start),
        churn_rate=percent(churned, orders.customers_at_start),
        customer_lifetime_value=calculate_clv(
            orders.revenue, orders=orders.orders, identified_orders=orders.identified_orders,
            customers=orders.customers, churned=churned, customers_at_start=orders.customers_at_start,
            gross_margin=gross_margin, currency=currency,
        ),
        points_issued=points.issued,
        points_reversed=points.reversed,
        points_redeemed=points.redeemed,
        points_expired=points.expired,
        redemption_rate=percent(points.redeemed, net_issued) if net_issued > 0 else None,
        breakage_rate=(
            percent(points.expired, net_issued) if net_issued > 0 and points.expired is not None else None
        ),
        outstanding_points=points.outstanding,
        liability=liability,
        redeemed_value=redeemed_value,
        tier_price_discount=tier_discount,
        gift_cost=gift_cost,
        program_cost=redeemed_value + tier_discount + gift_cost,
        nps_responses=nps.responses,
        nps_promoters=nps.promoters,
        nps_passives=nps.passives,
        nps_detractors=nps.detractors,
        nps=percent(nps.promoters - nps.detractors, nps.responses),
    )
