"""A gift rule's offer on a checkout (``LoyaltyQuote.giftOffers``): the gifts in stock, which the
shopper picked, which the cart gets, and how many picks remain (``loyaltyGiftChoose``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import graphene

from ...engine.values import GiftOffer, GiftOfferOption, Quote
from ...services.quotes import get_variant_names
from ..core.ids import to_global_id


@dataclass(frozen=True)
class GiftOfferView:
    offer: GiftOffer
    rule_name: str
    names: dict[int, str]


@dataclass(frozen=True)
class GiftOptionView:
    option: GiftOfferOption
    name: str


def _read_from(wrapped: str) -> Callable[..., Any]:
    """Graphene's default resolver for a view's type: a field without its own resolver is the
    same-named attribute of the engine value the view wraps (``root.<wrapped>``)."""

    def resolve(attname: str, default_value: Any, root: Any, _info: Any, **_args: Any) -> Any:
        return getattr(getattr(root, wrapped), attname, default_value)

    return resolve


def build_gift_offer_views(quote: Quote, rule_names: dict[int, str]) -> list[GiftOfferView]:
    """Views of the quote's offers, with the variants' names read once for all of them (one call
    to the shop, none when the quote has no offer)."""
    if not quote.gift_offers:
        return []
    variant_ids = {option.variant_id for offer in quote.gift_offers for option in offer.options}
    names = get_variant_names(quote.channel, variant_ids)
    return [GiftOfferView(offer, rule_names.get(offer.rule_id, ""), names) for offer in quote.gift_offers]


class LoyaltyGiftOption(graphene.ObjectType):
    variant_id = graphene.ID(required=True, description="The gift (`ProductVariant:<pk>`).")
    name = graphene.String(required=True, description="The variant's name in the shop (empty when the shop does not sell it).")
    quantity = graphene.Int(required=True, description="Units given when this gift is in the cart.")
    is_default = graphene.Boolean(required=True, description="Given while the shopper has picked nothing.")
    is_chosen = graphene.Boolean(required=True, description="The shopper picked it.")
    is_given = graphene.Boolean(required=True, description="The cart gets it now (picked, or a default).")

    class Meta:
        description = "One gift a gift rule offers the checkout (only gifts in stock are listed)."
        default_resolver = _read_from("option")

    @staticmethod
    def resolve_variant_id(root: GiftOptionView, _info: Any) -> str:
        return to_global_id("ProductVariant", root.option.variant_id)

    @staticmethod
    def resolve_name(root: GiftOptionView, _info: Any) -> str:
        return root.name


class LoyaltyGiftOffer(graphene.ObjectType):
    gift_rule_id = graphene.ID(required=True, description="`LoyaltyGiftRule:<pk>`; pass it to `loyaltyGiftChoose`.")
    name = graphene.String(required=True, description="The gift rule's name.")
    choose = graphene.Int(required=True, description="How many gifts the shopper may pick.")
    remaining_picks = graphene.Int(required=True, description="How many more the shopper may pick.")
    is_choice = graphene.Boolean(required=True, description="More than one gift to pick from (or several picks).")
    ladder = graphene.String(description="The ladder this rule is the reached rung of; null: none.")
    options = graphene.List(graphene.NonNull(LoyaltyGiftOption), required=True)

    class Meta:
        description = (
            "A gift rule the checkout qualifies for: its gifts in stock, the shopper's picks and what the cart gets "
            "(the picks, or the defaults while nothing is picked)."
        )
        default_resolver = _read_from("offer")

    @staticmethod
    def resolve_gift_rule_id(root: GiftOfferView, _info: Any) -> str:
        return to_global_id("LoyaltyGiftRule", root.offer.rule_id)

    @staticmethod
    def resolve_name(root: GiftOfferView, _info: Any) -> str:
        return root.rule_name

    @staticmethod
    def resolve_remaining_picks(root: GiftOfferView, _info: Any) -> int:
        return root.offer.remaining

    @staticmethod
    def resolve_options(root: GiftOfferView, _info: Any) -> list[GiftOptionView]:
        return [GiftOptionView(option, root.names.get(option.variant_id, "")) for option in root.offer.options]
