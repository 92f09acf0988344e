"""``loyaltyCompanyInvitationAccept``: the invitee joins the company, signed in as themselves."""

from __future__ import annotations

from typing import Any

import graphene

from ...services.b2b import companies, company_invitations
from ..errors import LoyaltyCompanyError
from ..core.context import get_requestor
from ..core.errors import PermissionDenied
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..types.company import CompanyView, LoyaltyCompany, LoyaltyCompanyMember


def get_invitee_id(info: Any) -> int:
    """The signed-in customer: only they may answer their invitations (no staff, no apps)."""
    requestor = get_requestor(info)
    if requestor.user_id is None or requestor.is_app:
        raise PermissionDenied("Only the invited customer, signed in, may answer an invitation.")
    return requestor.user_id


class LoyaltyCompanyInvitationAccept(BaseMutation):
    member = graphene.Field(LoyaltyCompanyMember, description="The caller, now a member.")
    company = graphene.Field(LoyaltyCompany, description="The company joined.")

    class Arguments:
        id = graphene.ID(required=True, description="The invitation (`LoyaltyCompanyInvitation:<pk>`).")

    class Meta:
        description = (
            "Accept an invitation addressed to the caller: they join the company with its role and limit; their "
            "personal points stay theirs, their later orders earn into the company's pool. Refused while they "
            "belong to a company (ALREADY_IN_COMPANY)."
        )
        error_type_class = LoyaltyCompanyError

    @classmethod
    def perform_mutation(cls, _root: Any, info: Any, /, *, id: str) -> LoyaltyCompanyInvitationAccept:
        user_id = get_invitee_id(info)
        invitation_pk = from_global_id_to_int(id, "LoyaltyCompanyInvitation", field="id")
        member = company_invitations.accept_invitation(invitation_pk, user_id=user_id)
        actor = companies.Actor.customer(user_id)
        company = companies.get_company(member.company_id, by=actor)
        return cls(member=member, company=CompanyView(company, user_id, False))



