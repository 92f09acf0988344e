"""``loyaltyChannelTermsClear``: staff remove a channel's own terms (the program's apply again)."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import channels
from ..auth import LoyaltyPermission
from ..core.mutations import BaseMutation
from ..errors import LoyaltyChannelError


class LoyaltyChannelTermsClear(BaseMutation):
    channel = graphene.String(description="The channel whose terms were removed.")

    class Arguments:
        channel = graphene.String(required=True, description="The channel slug.")

    class Meta:
        description = (
            "Remove a channel's own terms: the program's terms apply in it again. NOT_FOUND when it had none. "
            "Requires MANAGE_DISCOUNTS."
        )
        error_type_class = LoyaltyChannelError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, channel: str) -> LoyaltyChannelTermsClear:
        channels.clear_channel_terms(channel)
        return cls(channel=channel.strip())
