"""``LoyaltyRedemption``: points held against a checkout as a discount code."""

from __future__ import annotations

from typing import Any

import graphene

from ...services.redemption import RedemptionInfo
from ..core.ids import to_global_id


class LoyaltyRedemption(graphene.ObjectType):
    checkout_id = graphene.ID(required=True, description="`Checkout:<token>`.")
    code = graphene.String(required=True, description="The single-use discount code attached to the checkout.")
    points = graphene.Int(required=True, description="Points held for it.")
    amount = graphene.Decimal(required=True, description="The discount, in `currency`.")
    currency = graphene.String(required=True)
    status = graphene.String(required=True, description="`active`, `used` or `cancelled`.")

    class Meta:
        description = "Points redeemed on a checkout: held until the order is placed, released if cancelled."

    @staticmethod
    def resolve_checkout_id(root: RedemptionInfo, _info: Any) -> str:
        return to_global_id("Checkout", root.token)
