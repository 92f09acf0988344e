"""``loyaltyQuote(checkoutId)``: what the program says about a checkout, for its owner."""

from __future__ import annotations

from typing import Any

import graphene

from ...exceptions import CheckoutNotFound
from ...services import quotes
from ...services.rules.versions import get_compiled_rules
from ...shop import CheckoutView
from ..auth import LoyaltyPermission
from ..core.context import get_requestor
from ..core.errors import PermissionDenied
from ..core.ids import from_global_id_or_error, to_global_id
from ..types.pricing import LoyaltyQuote, QuoteView
from ..core.context import get_program_config


def require_checkout_owner(info: Any, token: str, *, staff_may: bool) -> CheckoutView:
    """Refuse a caller who does not own the checkout (``CheckoutNotFound`` for an unknown one).

    A guest checkout (no customer) is the token holder's, as in Saleor: the token is the secret.
    Staff with MANAGE_USERS may read (``staff_may``) but never act on a customer's checkout.
    """
    try:
        checkout = quotes.fetch_checkout(token)
    except CheckoutNotFound as exc:
        raise CheckoutNotFound(f"Couldn't resolve to a checkout: {to_global_id('Checkout', token)}", field="checkoutId") from exc
    requestor = get_requestor(info)
    if checkout.user_id is None or checkout.user_id == requestor.user_id:
        return checkout
    if staff_may and requestor.has_perm(LoyaltyPermission.MANAGE_USERS):
        return checkout
    raise PermissionDenied("This checkout belongs to another customer.")


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
        return QuoteView(
            token=token,
            quote=quote,
            variant_by_line={line.line_id: line.variant_id for line in checkout.cart.lines},
            point_value=config.point_value,
            rules=get_compiled_rules(config),
        )
