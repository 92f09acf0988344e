"""``loyaltyCompanyInvitationCreate``: a company admin (or staff) invite a customer to the company."""

from __future__ import annotations

from typing import Any

import graphene

from ...models import CompanyRole
from ...services.b2b import company_invitations
from ..errors import LoyaltyCompanyError
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..types.company import LoyaltyCompanyRoleEnum, get_company_actor
from ..types.company_invitation import LoyaltyCompanyInvitation


class LoyaltyCompanyInvitationCreate(BaseMutation):
    invitation = graphene.Field(LoyaltyCompanyInvitation, description="The invitation, pending.")

    class Arguments:
        company_id = graphene.ID(required=True, description="The company (`LoyaltyCompany:<pk>`).")
        customer_id = graphene.ID(
            required=True, description="The customer to invite (`User:<pk>`; they see theirs in `loyaltyViewer`)."
        )
        role = LoyaltyCompanyRoleEnum(description="Admin or buyer once they accept (default buyer).")
        redemption_limit = graphene.Int(
            description="Points they may redeem per calendar month; omitted or 0: no limit."
        )

    class Meta:
        description = (
            "Invite a customer to a company; they join only by accepting (loyaltyCompanyInvitationAccept). The answer "
            "is the same whoever the ID names, so nothing about people outside the company is revealed. Inviting the "
            "same customer again updates the open invitation. An admin of the company, or staff (MANAGE_USERS)."
        )
        error_type_class = LoyaltyCompanyError

    @classmethod
    def perform_mutation(
        cls, _root: Any, info: Any, /, *, company_id: str, customer_id: str, role: str | None = None,
        redemption_limit: int | None = None,
    ) -> LoyaltyCompanyInvitationCreate:
        actor = get_company_actor(info)
        company_pk = from_global_id_to_int(company_id, "LoyaltyCompany", field="company_id")
        user_id = from_global_id_to_int(customer_id, "User", field="customer_id")
        invitation = company_invitations.invite_to_company(
            company_pk, by=actor, user_id=user_id, role=role or str(CompanyRole.BUYER),
            redemption_limit=redemption_limit or None,
        )
        return cls(invitation=invitation)
