"""``LoyaltyCheckoutDiscount``: the code attached to a checkout, and which of the program's it is.

A storefront shows it beside the quote ("800 points held, $8.00 off", "your friend's first-order
discount", "next-purchase code, valid until ..."), so a shopper sees why the order costs less.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import graphene

from ...engine.money import quantize
from ...services.codes import CheckoutCode


class LoyaltyCheckoutDiscountKind(graphene.Enum):
    REDEMPTION = "redemption"
    REFERRAL = "referral"
    NEXT_PURCHASE = "next_purchase"

    class Meta:
        description = "Which of the program's codes a checkout's discount is."


@dataclass(frozen=True)
class CheckoutDiscountView:
    code: CheckoutCode
    amount: Decimal
    currency: str


class LoyaltyCheckoutDiscount(graphene.ObjectType):
    code = graphene.String(required=True, description="The code attached as the checkout's voucher.")
    kind = graphene.Field(
        LoyaltyCheckoutDiscountKind, description="Which of the program's codes it is; null: the shop's own voucher."
    )
    amount = graphene.Decimal(required=True, description="What it takes off the goods now, in the quote's currency.")
    points = graphene.Int(description="A redemption: the points held for it.")
    valid_until = graphene.DateTime(description="A next-purchase code: the end of its validity.")

    class Meta:
        description = "The discount code attached to a checkout (Saleor allows one per checkout)."

    @staticmethod
    def resolve_code(root: CheckoutDiscountView, _info: Any) -> str:
        return root.code.code

    @staticmethod
    def resolve_kind(root: CheckoutDiscountView, _info: Any) -> str | None:
        return root.code.kind

    @staticmethod
    def resolve_amount(root: CheckoutDiscountView, _info: Any) -> Decimal:
        return quantize(root.amount, root.currency)

    @staticmethod
    def resolve_points(root: CheckoutDiscountView, _info: Any) -> int | None:
        return root.code.points

    @staticmethod
    def resolve_valid_until(root: CheckoutDiscountView, _info: Any) -> datetime | None:
        return root.code.valid_until
