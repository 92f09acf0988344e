"""Per-channel terms and exchange rates as staff read them (services.channels, services.exchange_rates)."""

from __future__ import annotations

from typing import Any

import graphene


class LoyaltyChannelTerms(graphene.ObjectType):
    channel = graphene.String(required=True, description="The channel slug.")
    currency = graphene.String(required=True, description="The channel's currency (ISO 4217); amounts are in it.")
    points_per_unit = graphene.Decimal(description="Points per currency unit paid; null: the program's.")
    point_value = graphene.Decimal(description="What one point is worth in the currency; null: the program's.")
    redeem_min_points = graphene.Int(description="The fewest points one redemption may use; null: the program's.")
    redeem_max_share = graphene.Decimal(description="Most share (0 to 1) of the goods payable with points; null: the program's.")
    redeem_max_amount = graphene.Decimal(description="Most amount payable with points; null: no cap but the share.")
    updated_at = graphene.DateTime(required=True)

    class Meta:
        description = "A channel's own program terms: they override the program's money-dependent terms there."


class LoyaltyExchangeRate(graphene.ObjectType):
    currency = graphene.String(required=True, description="The currency (ISO 4217).")
    rate = graphene.Decimal(required=True, description="One unit of the currency in the program's base currency.")
    base_currency = graphene.String(required=True, description="The program's base currency (its configuration).")
    valid_from = graphene.DateTime(required=True, description="The rate is in force from this moment on.")
    created_at = graphene.DateTime(required=True)
    created_by = graphene.String(required=True, description="The staff member or app that added it.")

    class Meta:
        description = "An exchange rate to the base currency; history is kept, a newer rate supersedes it."

    @staticmethod
    def resolve_base_currency(root: Any, info: Any) -> str:
        from ..core.context import get_program_config

        return get_program_config(info).base_currency
