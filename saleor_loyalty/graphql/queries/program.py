"""``loyaltyProgram(channel)``: the program's public terms, readable by anyone (transparency)."""

from __future__ import annotations

from typing import Any

import graphene

from ...models import Tier
from ...services.channels import check_channel
from ...services.rules.versions import get_compiled_rules
from ..types.program import LoyaltyProgram, ProgramView
from ..core.context import get_program_config
from .tier_prices import clean_channel


class ProgramQueries(graphene.ObjectType):
    loyalty_program = graphene.Field(
        LoyaltyProgram,
        required=True,
        channel=graphene.String(required=True, description="The channel slug."),
        description="The loyalty program's terms in a channel: tiers, earn rules, redemption, gifts, referrals.",
    )

    @staticmethod
    def resolve_loyalty_program(_root: Any, info: Any, *, channel: str) -> ProgramView:
        channel = clean_channel(channel)
        check_channel(channel)
        config = get_program_config(info)
        rules = get_compiled_rules(config)
        tiers = tuple(Tier.objects.filter(is_active=True).select_related("price_list").order_by("rank"))
        return ProgramView(channel=channel, config=config, rules=rules, tiers=tiers)
