"""``loyaltyGiftChoose``: the checkout's shopper picks gifts among a gift rule's offer."""

from __future__ import annotations

from typing import Any

import graphene

from ...engine.bounds import MAX_GIFT_OPTIONS
from ...exceptions import GiftChoiceRefused, InvalidInput
from ...services import gift_choices
from ...services.rules.versions import get_compiled_rules
from ..core.context import get_program_config, require_checkout_owner
from ..core.ids import from_global_id_or_error, from_global_id_to_int
from ..core.mutations import BaseMutation
from ..errors import LoyaltyGiftChoiceError
from ..types.gift_offer import GiftOfferView, LoyaltyGiftOffer, build_gift_offer_views
from ..types.pricing import LoyaltyQuote, QuoteView
from .customer import raise_refusal


class LoyaltyGiftChoose(BaseMutation):
    gift_offer = graphene.Field(LoyaltyGiftOffer, description="The rule's offer after the pick.")
    quote = graphene.Field(LoyaltyQuote, description="The checkout's quote after the pick (its gift lines follow).")

    class Arguments:
        checkout_id = graphene.ID(required=True, description="The checkout (`Checkout:<token>`).")
        rule_id = graphene.ID(required=True, description="A gift rule of `loyaltyQuote.giftOffers` (`LoyaltyGiftRule:<pk>`).")
        variant_ids = graphene.List(
            graphene.NonNull(graphene.ID), required=True,
            description=(
                "The gifts picked (`ProductVariant:<pk>`), at most the offer's `choose`, each among its options and "
                "in stock. Empty: clear the pick, the defaults apply again."
            ),
        )

    class Meta:
        description = (
            "Pick gifts among a gift rule's choice for a checkout; the checkout's gift lines follow. The pick is "
            "kept while the cart drops below the rule's threshold and comes back with it. For the checkout's "
            "owner (a guest checkout: the token holder)."
        )
        error_type_class = LoyaltyGiftChoiceError

    @classmethod
    def perform_mutation(
        cls, _root: Any, info: Any, /, *, checkout_id: str, rule_id: str, variant_ids: list[str]
    ) -> LoyaltyGiftChoose:
        token = from_global_id_or_error(checkout_id, "Checkout", field="checkoutId", kind="uuid")
        rule_pk = from_global_id_to_int(rule_id, "LoyaltyGiftRule", field="ruleId")
        if len(variant_ids) > MAX_GIFT_OPTIONS:
            raise InvalidInput(f"Pick at most {MAX_GIFT_OPTIONS} gifts.", field="variantIds")
        picks = [from_global_id_to_int(value, "ProductVariant", field="variantIds") for value in variant_ids]
        checkout = require_checkout_owner(info, token, staff_may=False)
        config = get_program_config(info)
        try:
            chosen = gift_choices.choose_gifts(checkout, rule_pk, picks, config=config, now=info.context.request_time)
        except GiftChoiceRefused as exc:
            raise_refusal(exc)
        rules = get_compiled_rules(config)
        names = {rule.id: rule.name for rule in rules.gift_rules}
        offers = build_gift_offer_views(chosen.quote, names)
        offer = next((view for view in offers if view.offer.rule_id == rule_pk), GiftOfferView(chosen.offer, names.get(rule_pk, ""), {}))
        quote = QuoteView(
            token=token, quote=chosen.quote,
            variant_by_line={line.line_id: line.variant_id for line in checkout.cart.lines},
            point_value=config.point_value, rules=rules, voucher_code=checkout.voucher_code,
            order_discount=checkout.cart.order_discount,
        )
        return cls(gift_offer=offer, quote=quote)
