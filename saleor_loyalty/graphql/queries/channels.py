"""Staff queries of the channels' own terms and the exchange rates; each requires MANAGE_DISCOUNTS."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import channels, exchange_rates
from ..auth import LoyaltyPermission
from ..core.context import require_any_permission
from ..types.channels import LoyaltyChannelTerms, LoyaltyExchangeRate


class ChannelQueries(graphene.ObjectType):
    loyalty_channel_terms = graphene.List(
        graphene.NonNull(LoyaltyChannelTerms), required=True,
        description="Every channel's own terms, by channel slug. Requires MANAGE_DISCOUNTS.",
    )
    loyalty_exchange_rates = graphene.List(
        graphene.NonNull(LoyaltyExchangeRate), required=True,
        currency=graphene.String(description="Only this currency's rates."),
        first=graphene.Int(description="At most this many (default 100, at most 100)."),
        description="Exchange rates to the base currency, by currency, newest first. Requires MANAGE_DISCOUNTS.",
    )

    @staticmethod
    def resolve_loyalty_channel_terms(_root: Any, info: Any) -> list[Any]:
        require_any_permission(info, LoyaltyPermission.MANAGE_DISCOUNTS)
        return channels.list_channel_terms()

    @staticmethod
    def resolve_loyalty_exchange_rates(_root: Any, info: Any, *, currency: str | None = None, first: int | None = None) -> list[Any]:
        require_any_permission(info, LoyaltyPermission.MANAGE_DISCOUNTS)
        limit = 100 if first is None else max(0, min(first, 100))
        return exchange_rates.list_exchange_rates(currency=currency, limit=limit)
