"""``loyaltyTierPrices(channel, variantIds)``: the caller's price-break table per variant.

The caller decides the lists: anonymous callers see the lists for everyone; a signed-in
customer also their tier's, customer type's, company's and personal lists. Staff asking see
their own (a staff member is a customer here too); this is a storefront query.
"""

from __future__ import annotations

from typing import Any

import graphene

from ...exceptions import InvalidInput
from ...services import quotes
from ...services.channels import check_channel
from ...services.rules.versions import get_compiled_rules
from ...shop import get_shop
from ..core.context import get_requestor
from ..core.ids import from_global_id_to_int
from ..types.price_table import LoyaltyVariantPrices, VariantPricesView
from ..core.context import get_program_config

# One request asks for at most this many variants (a product page, a quick-order grid).
MAX_VARIANTS = 100
MAX_CHANNEL_LENGTH = 255


def clean_channel(channel: str) -> str:
    """The channel slug, refused when empty, too long or holding control characters."""
    slug = channel.strip()
    if not slug or len(slug) > MAX_CHANNEL_LENGTH or not slug.isprintable():
        raise InvalidInput("Give a channel slug (1 to 255 printable characters).", field="channel")
    return slug


class TierPriceQueries(graphene.ObjectType):
    loyalty_tier_prices = graphene.Field(
        graphene.List(graphene.NonNull(LoyaltyVariantPrices)),
        required=True,
        channel=graphene.String(required=True, description="The channel slug."),
        variant_ids=graphene.List(
            graphene.NonNull(graphene.ID),
            required=True,
            description=f"Saleor variants (`ProductVariant:<pk>`), at most {MAX_VARIANTS}.",
        ),
        description=(
            "The caller's price-break table for each variant sold in the channel, in the order asked; "
            "variants the channel does not sell are left out."
        ),
    )

    @staticmethod
    def resolve_loyalty_tier_prices(
        _root: Any, info: Any, *, channel: str, variant_ids: list[str]
    ) -> list[VariantPricesView]:
        channel = clean_channel(channel)
        check_channel(channel)
        if len(variant_ids) > MAX_VARIANTS:
            raise InvalidInput(f"Ask for at most {MAX_VARIANTS} variants at once.", field="variantIds")
        ids = [from_global_id_to_int(value, "ProductVariant", field="variantIds") for value in variant_ids]
        if not ids:
            return []
        config = get_program_config(info)
        now = info.context.request_time
        user_id = get_requestor(info).user_id
        tables = quotes.get_tier_prices(channel, ids, user_id=user_id, config=config, now=now)
        # The service read the variants through the port; the port's answer names and prices them.
        variants = get_shop().fetch_variants(channel, [table.variant_id for table in tables])
        rules = get_compiled_rules(config)
        return [VariantPricesView(table, variants[table.variant_id], rules) for table in tables]
