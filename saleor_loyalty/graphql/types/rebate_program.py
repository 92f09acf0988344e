"""``LoyaltyRebateProgram``: a volume rebate program as staff create and edit it."""

from __future__ import annotations

from typing import Any

import graphene

from ...models import RebateProgram
from ...services.b2b import rebate_admin
from ..core.ids import to_global_id
from .rebate import LoyaltyRebateBand
from .rules import LoyaltyDecimal


class LoyaltyRebateProgram(graphene.ObjectType):
    id = graphene.ID(required=True, description="`LoyaltyRebateProgram:<pk>`.")
    name = graphene.String(required=True)
    period = graphene.String(required=True, description="`month`, `quarter` or `year` (calendar, UTC).")
    currency = graphene.String(required=True)
    channel = graphene.String(description="Only this channel's orders count; null: every channel.")
    payout = graphene.String(required=True, description="`points` (into the company's account) or `code`.")
    point_value = graphene.Decimal(description="Money per point of a points payout.")
    points_valid_days = graphene.Int(description="Rebate points expire after this many days; null: never.")
    starts_on = graphene.Date(required=True, description="The first period paid for.")
    settle_days = graphene.Int(required=True, description="Days after a period's end before it may close.")
    is_active = graphene.Boolean(required=True)
    bands = graphene.List(graphene.NonNull(LoyaltyRebateBand), required=True, description="Lowest spend first.")

    class Meta:
        description = "A volume rebate program: a share of each company's spend per period, by spend band."

    @staticmethod
    def resolve_id(root: RebateProgram, _info: Any) -> str:
        return to_global_id("LoyaltyRebateProgram", root.pk)

    @staticmethod
    def resolve_bands(root: RebateProgram, _info: Any) -> Any:
        return rebate_admin.get_rebate_bands(root.pk)


class LoyaltyRebateBandInput(graphene.InputObjectType):
    min_spend = LoyaltyDecimal(required=True, description="The spend (net of refunds) from which the band applies.")
    percent = LoyaltyDecimal(required=True, description="0 < percent <= 100; higher bands pay more.")
