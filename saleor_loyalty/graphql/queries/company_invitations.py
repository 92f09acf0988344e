"""``loyaltyCompanyInvitations``: the caller's open invitations, or a company's for its admins."""

from __future__ import annotations

from typing import Any

import graphene

from ...services.b2b import company_invitations
from ..core.ids import from_global_id_to_int
from ..mutations.company_invitation_accept import get_invitee_id
from ..types.company import get_company_actor
from ..types.company_invitation import LoyaltyCompanyInvitation


class CompanyInvitationQueries(graphene.ObjectType):
    loyalty_company_invitations = graphene.List(
        graphene.NonNull(LoyaltyCompanyInvitation),
        required=True,
        company_id=graphene.ID(
            description="A company (`LoyaltyCompany:<pk>`): its open invitations, for its admins and staff. "
            "Omitted: the invitations addressed to the signed-in customer."
        ),
        description="Open invitations to join a company, newest first.",
    )

    @staticmethod
    def resolve_loyalty_company_invitations(
        _root: Any, info: Any, *, company_id: str | None = None
    ) -> tuple[company_invitations.InvitationInfo, ...]:
        if company_id is None:
            return company_invitations.list_my_invitations(get_invitee_id(info))
        actor = get_company_actor(info)
        company_pk = from_global_id_to_int(company_id, "LoyaltyCompany", field="company_id")
        return company_invitations.list_company_invitations(company_pk, by=actor)
