"""``LoyaltyNextPurchaseDiscount``: a discount an earlier order earned, for the customer's next one."""

from __future__ import annotations

from typing import Any

import graphene

from ...models import DiscountCode
from ..core.ids import to_global_id
from .program import plain_decimal


class LoyaltyNextPurchaseDiscount(graphene.ObjectType):
    code = graphene.String(required=True, description="The code to apply with `loyaltyNextPurchaseDiscountApply`.")
    discount_kind = graphene.String(required=True, description="`percent` or `fixed`.")
    discount_value = graphene.Decimal(required=True, description="The percentage, or the amount in `currency`.")
    currency = graphene.String(description="The currency a fixed amount is in, and the checkout's it applies to.")
    valid_until = graphene.DateTime(description="When the code stops working; null for never.")
    source_order_id = graphene.ID(description="The order that earned it (`Order:<id>`).")

    class Meta:
        description = "A discount an earlier order earned, usable once on one of the customer's next checkouts."

    @staticmethod
    def resolve_discount_value(root: DiscountCode, _info: Any) -> Any:
        return plain_decimal(root.discount_value)

    @staticmethod
    def resolve_source_order_id(root: DiscountCode, _info: Any) -> str | None:
        return to_global_id("Order", root.source_order_id) if root.source_order_id else None


class LoyaltyNextPurchaseDiscountApplied(graphene.ObjectType):
    checkout_id = graphene.ID(required=True, description="`Checkout:<token>`.")
    code = graphene.String(required=True, description="The code now attached to the checkout as its voucher.")
    amount = graphene.Decimal(required=True, description="The discount on this checkout's goods, in `currency`.")
    currency = graphene.String(required=True)
    valid_until = graphene.DateTime(description="The order must be placed before this.")

    class Meta:
        description = "A next-purchase code attached to a checkout: its value on this checkout's goods."
