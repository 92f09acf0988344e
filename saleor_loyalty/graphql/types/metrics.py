"""``LoyaltyMetrics``: the program's figures for a period (``services.metrics``), for staff.

Money is a ``Float`` in the report's ``currency`` (as Saleor's ``Money.amount``), rates are
percentages (0-100; NPS -100..100), and a figure that is not defined (a zero denominator, or not
available per channel) is null. docs/metrics.md defines every field.
"""

from __future__ import annotations

from typing import Any

import graphene

from ...services.metrics import GroupBy, ProgramMetrics


class LoyaltyMetricsGroupByEnum(graphene.Enum):
    """How to split the figures besides the overall row."""

    class Meta:
        name = "LoyaltyMetricsGroupBy"
        enum = GroupBy


def _money(description: str) -> graphene.Float:
    return graphene.Float(description=f"{description} In the report's currency.")


def _rate(description: str) -> graphene.Float:
    return graphene.Float(description=f"{description} A percentage; null when undefined.")


class LoyaltyMetricsRow(graphene.ObjectType):
    key = graphene.String(required=True, description="The group's key: empty for the overall row and for 'none'.")
    label = graphene.String(required=True, description="The group's name ('All' for the overall row).")
    orders = graphene.Int(required=True, description="Counted orders (not cancelled, not fully refunded).")
    repeat_orders = graphene.Int(required=True, description="Orders that were not the customer's first.")
    revenue = _money("Paid for goods and shipping, less refunds.")
    customers = graphene.Int(required=True, description="Distinct customers with an order in the period.")
    repeat_customers = graphene.Int(required=True, description="Customers with two or more orders in the period.")
    new_customers = graphene.Int(required=True, description="Customers who were not customers at the start.")
    customers_at_start = graphene.Int(required=True, description="Customers with an order in the lookback span.")
    retained_customers = graphene.Int(required=True, description="Customers at start who ordered again.")
    average_order_value = _money("Revenue per order; null without orders.")
    purchase_frequency = graphene.Float(description="Orders per customer.")
    repeat_customer_rate = _rate("RCR: repeat customers / customers x 100.")
    repeat_purchase_rate = _rate("RPR: repeat orders / orders of identified customers x 100.")
    retention_rate = _rate("CRR: (customers at end - new customers) / customers at start x 100.")
    churn_rate = _rate("100 - CRR.")
    customer_lifetime_value = _money("CLV: AOV x frequency x gross margin / churn; null without churn.")
    points_issued = graphene.Int(required=True, description="Points earned, given as bonuses or added by staff.")
    points_reversed = graphene.Int(required=True, description="Points taken back (refunds, cancellations, staff).")
    points_redeemed = graphene.Int(required=True, description="Points spent, less points returned.")
    points_expired = graphene.Int(description="Points expired (breakage); null per channel.")
    redemption_rate = _rate("Points redeemed / points issued net of reversals x 100.")
    breakage_rate = _rate("Points expired / points issued net of reversals x 100.")
    outstanding_points = graphene.Int(description="Points owed to customers at the period's end; null per channel.")
    liability = _money("Outstanding points x point value; null per channel.")
    redeemed_value = _money("Points redeemed x point value.")
    tier_price_discount = _money("Discount given by tier and volume prices, where the order lines record it.")
    gift_cost = _money("List price of free gift lines, where the order lines record them.")
    program_cost = _money("Redeemed value + tier-price discount + gift cost.")
    nps_responses = graphene.Int(required=True)
    nps_promoters = graphene.Int(required=True, description="Answers of 9 or 10.")
    nps_passives = graphene.Int(required=True, description="Answers of 7 or 8.")
    nps_detractors = graphene.Int(required=True, description="Answers of 0 to 6.")
    nps = graphene.Float(description="Promoters % - detractors %, from -100 to 100; null without answers.")

    class Meta:
        description = "The program's figures for one group (or overall)."


class LoyaltyMetrics(graphene.ObjectType):
    period = graphene.String(required=True, description="The period as given (e.g. `2025-03`).")
    start = graphene.DateTime(required=True, description="The period's first moment (UTC).")
    end = graphene.DateTime(required=True, description="The moment after the period (exclusive).")
    channel = graphene.String(description="The channel slug; null for every channel.")
    currency = graphene.String(required=True, description="The currency of every money figure.")
    group_by = LoyaltyMetricsGroupByEnum(required=True)
    gross_margin = graphene.Float(required=True, description="The margin the CLV was computed with (0-1).")
    point_value = graphene.Float(required=True, description="What one point is worth in the currency.")
    lookback_days = graphene.Int(description="How far back a customer counts as 'at start'; null: all time.")
    overall = graphene.Field(LoyaltyMetricsRow, required=True)
    groups = graphene.List(graphene.NonNull(LoyaltyMetricsRow), required=True, description="One row per group.")
    in_base_currency = graphene.Boolean(
        required=True, description="Money is in the base currency, each order at the rate it recorded when paid."
    )
    unconverted_orders = graphene.Int(
        description="Base-currency reports: orders of the period left out for want of a recorded rate; else null."
    )

    class Meta:
        description = "Whether the loyalty program pays: repeat rate, retention, CLV, points, cost and NPS."

    @staticmethod
    def resolve_period(root: ProgramMetrics, _info: Any) -> str:
        return root.period.label

    @staticmethod
    def resolve_start(root: ProgramMetrics, _info: Any) -> Any:
        return root.period.start

    @staticmethod
    def resolve_end(root: ProgramMetrics, _info: Any) -> Any:
        return root.period.end
