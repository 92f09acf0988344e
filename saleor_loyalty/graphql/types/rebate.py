"""Rebate types: a company's statements (with the orders that counted) and its progress in the
open period, read through ``services.b2b.rebate_statements``."""

from __future__ import annotations

from typing import Any

import graphene

from ...services.b2b import rebate_statements
from ...services.b2b.rebate_statements import RebateProgress, RebateStatementInfo, StatementOrder
from ..core.dataloaders import DataLoader
from ..core.ids import to_global_id


class StatementOrdersByStatementId(DataLoader[int, tuple[StatementOrder, ...]]):
    context_key = "rebate_statement_orders_by_statement_id"

    def batch_load(self, keys: list[int]) -> list[tuple[StatementOrder, ...]]:
        found = rebate_statements.get_rebate_statement_orders(keys)
        return [found[key] for key in keys]


class LoyaltyRebateBand(graphene.ObjectType):
    min_spend = graphene.Decimal(required=True, description="The spend (net of refunds) from which the band applies.")
    percent = graphene.Decimal(required=True, description="The share of the spend that comes back, in percent.")

    class Meta:
        description = "A spend band of a volume rebate."


class LoyaltyRebateStatementOrder(graphene.ObjectType):
    order_id = graphene.ID(required=True, description="The Saleor order (`Order:<uuid>`).")
    placed_at = graphene.DateTime(required=True, description="When the order was placed.")
    goods_total = graphene.Decimal(required=True, description="What was paid for goods, as at the close.")
    refunded_amount = graphene.Decimal(required=True, description="What had been refunded by the close.")
    net_amount = graphene.Decimal(required=True, description="What counted: goods less refunds.")

    class Meta:
        description = "An order that counted towards a rebate statement, with its amounts at the close."

    @staticmethod
    def resolve_order_id(root: StatementOrder, _info: Any) -> str:
        return to_global_id("Order", root.order_id)


class LoyaltyRebateStatement(graphene.ObjectType):
    id = graphene.ID(required=True, description="The statement's ID (`LoyaltyRebateStatement:<pk>`).")
    program_name = graphene.String(required=True, description="The rebate program.")
    period = graphene.String(required=True, description="The period: `2025-03`, `2025-Q1` or `2025`.")
    period_start = graphene.Date(required=True, description="The period's first day.")
    period_end = graphene.Date(required=True, description="The day after the period's last day.")
    currency = graphene.String(required=True, description="The currency of every amount.")
    orders_count = graphene.Int(required=True, description="How many orders counted.")
    spend = graphene.Decimal(required=True, description="What the counted orders paid for goods, less refunds.")
    band = graphene.Field(LoyaltyRebateBand, description="The band the spend reached; null below the lowest one.")
    rebate_amount = graphene.Decimal(required=True, description="The rebate in money, rounded to the currency.")
    points = graphene.Int(description="For a points rebate: the points credited (rebate / point value, rounded down).")
    code = graphene.String(description="For a code rebate: the discount code to use on an order.")
    status = graphene.String(
        required=True,
        description="`no_rebate`, `pending`, `credited`, `code_recorded` (voucher not issued yet) or `code_issued`.",
    )
    paid_at = graphene.DateTime(description="When the points were credited or the voucher issued.")
    orders = graphene.List(
        graphene.NonNull(LoyaltyRebateStatementOrder), required=True, description="The orders that counted."
    )

    class Meta:
        description = "A company's volume rebate for one closed period: which orders counted, which band, how much."

    @staticmethod
    def resolve_id(root: RebateStatementInfo, _info: Any) -> str:
        return to_global_id("LoyaltyRebateStatement", root.statement_id)

    @staticmethod
    def resolve_period(root: RebateStatementInfo, _info: Any) -> str:
        return root.period_label

    @staticmethod
    def resolve_orders(root: RebateStatementInfo, info: Any) -> Any:
        return StatementOrdersByStatementId(info.context).load(root.statement_id)


class LoyaltyRebateProgress(graphene.ObjectType):
    program_name = graphene.String(required=True, description="The rebate program.")
    period = graphene.String(required=True, description="The open period: `2025-03`, `2025-Q1` or `2025`.")
    period_start = graphene.Date(required=True, description="The period's first day.")
    period_end = graphene.Date(required=True, description="The day after the period's last day.")
    currency = graphene.String(required=True, description="The currency of every amount.")
    orders_count = graphene.Int(required=True, description="Orders that count so far.")
    spend = graphene.Decimal(required=True, description="Spend so far, less refunds.")
    band = graphene.Field(LoyaltyRebateBand, description="The band reached so far; null below the lowest one.")
    rebate_so_far = graphene.Decimal(required=True, description="The rebate if the period closed now.")
    next_band = graphene.Field(LoyaltyRebateBand, description="The next band up; null at the top one.")
    missing_to_next_band = graphene.Decimal(description="Spend still needed to reach the next band.")

    class Meta:
        description = "Where the company stands in the open period of a rebate program."

    @staticmethod
    def resolve_period(root: RebateProgress, _info: Any) -> str:
        return root.period_label

