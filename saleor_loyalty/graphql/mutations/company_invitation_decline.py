"""``loyaltyCompanyInvitationDecline``: the invitee says no."""

from __future__ import annotations

from typing import Any

import graphene

from ...services.b2b import company_invitations
from ..errors import LoyaltyCompanyError
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..types.company_invitation import LoyaltyCompanyInvitation
from .company_invitation_accept import get_invitee_id


class LoyaltyCompanyInvitationDecline(BaseMutation):
    invitation = graphene.Field(LoyaltyCompanyInvitation, description="The invitation, declined.")

    class Arguments:
        id = graphene.ID(required=True, description="The invitation (`LoyaltyCompanyInvitation:<pk>`).")

    class Meta:
        description = "Decline an invitation addressed to the caller."
        error_type_class = LoyaltyCompanyError

    @classmethod
    def perform_mutation(cls, _root: Any, info: Any, /, *, id: str) -> LoyaltyCompanyInvitationDecline:
        user_id = get_invitee_id(info)
        invitation_pk = from_global_id_to_int(id, "LoyaltyCompanyInvitation", field="id")
        return cls(invitation=company_invitations.decline_invitation(invitation_pk, user_id=user_id))
