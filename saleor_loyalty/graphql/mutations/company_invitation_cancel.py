"""``loyaltyCompanyInvitationCancel``: the company's admins or staff withdraw an open invitation."""

from __future__ import annotations

from typing import Any

import graphene

from ...services.b2b import company_invitations
from ..errors import LoyaltyCompanyError
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..types.company import get_company_actor
from ..types.company_invitation import LoyaltyCompanyInvitation


class LoyaltyCompanyInvitationCancel(BaseMutation):
    invitation = graphene.Field(LoyaltyCompanyInvitation, description="The invitation, cancelled.")

    class Arguments:
        id = graphene.ID(required=True, description="The invitation (`LoyaltyCompanyInvitation:<pk>`).")

    class Meta:
        description = "Withdraw an open invitation. An admin of the company, or staff (MANAGE_USERS)."
        error_type_class = LoyaltyCompanyError

    @classmethod
    def perform_mutation(cls, _root: Any, info: Any, /, *, id: str) -> LoyaltyCompanyInvitationCancel:
        actor = get_company_actor(info)
        invitation_pk = from_global_id_to_int(id, "LoyaltyCompanyInvitation", field="id")
        return cls(invitation=company_invitations.cancel_invitation(invitation_pk, by=actor))
