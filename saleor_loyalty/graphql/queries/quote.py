"""``loyaltyQuote(checkoutId)``: what the program says about a checkout, for its owner."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import quotes
from ...services.rules.versions import get_compiled_rules
from ..core.context import get_program_config, require_checkout_owner
from ..core.ids import from_global_id_or_error
from ..types.pricing import LoyaltyQuote, QuoteView


class QuoteQueries(graphene.ObjectType):
    loyalty_quote = graphene.Field(
        LoyaltyQuote,
        required=True,
        checkout_id=graphene.ID(required=True, description="The Saleor checkout (`Checkout:<token>`)."),
        description=(
            "Points the checkout will earn, the most points it can redeem, each line's price with its reason, "
            "gifts, and hints (next price break, gift gap, tier gap). Only for the checkout's owner "
            "(or staff with MANAGE_USERS)."
        ),
    )

    @staticmethod
    def resolve_loyalty_quote(_root: Any, info: Any, *, checkout_id: str) -> QuoteView:
        token = from_global_id_or_error(checkout_id, "Checkout", field="checkoutId")
        checkout = require_checkout_owner(info, token, staff_may=True)
        config = get_program_config(info)
        quote = quotes.quote_checkout(token, config=config, now=info.context.request_time)
        rules = get_compiled_rules(config)
        return QuoteView(
            token=token,
            quote=quote,
            variant_by_line={line.line_id: line.variant_id for line in checkout.cart.lines},
            # The checkout's channel values a point (its own terms, else the program's).
            point_value=rules.get_terms(quote.channel).point_value,
            rules=rules,
            voucher_code=checkout.voucher_code,
            order_discount=checkout.cart.order_discount,
        )
