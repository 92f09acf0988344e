"""``loyaltyCompanyMemberAdd``: staff add a customer to a company (company admins invite instead)."""

from __future__ import annotations

from typing import Any

import graphene

from ...models import CompanyRole
from ...services.b2b import companies
from ..errors import LoyaltyCompanyError
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..types.company import (
    CompanyView,
    LoyaltyCompany,
    LoyaltyCompanyMember,
    LoyaltyCompanyRoleEnum,
    get_company_actor,
)


class LoyaltyCompanyMemberAdd(BaseMutation):
    member = graphene.Field(LoyaltyCompanyMember, description="The new member.")
    company = graphene.Field(LoyaltyCompany, description="The company.")

    class Arguments:
        company_id = graphene.ID(required=True, description="The company (`LoyaltyCompany:<pk>`).")
        customer_id = graphene.ID(required=True, description="The Saleor customer (`User:<pk>`) to add.")
        role = LoyaltyCompanyRoleEnum(description="Admin or buyer (default buyer).")
        redemption_limit = graphene.Int(
            description="Points the member may redeem per calendar month; omitted or 0: no limit."
        )

    class Meta:
        description = (
            "Add a customer to a company; a customer belongs to one company at most. Their personal points stay in "
            "their own account; from now on their orders earn into the company's. Staff (MANAGE_USERS) only: a "
            "company admin invites (loyaltyCompanyInvitationCreate) and the customer accepts."
        )
        error_type_class = LoyaltyCompanyError

    @classmethod
    def perform_mutation(
        cls, _root: Any, info: Any, /, *, company_id: str, customer_id: str, role: str | None = None,
        redemption_limit: int | None = None,
    ) -> LoyaltyCompanyMemberAdd:
        actor = get_company_actor(info)
        company_pk = from_global_id_to_int(company_id, "LoyaltyCompany", field="company_id")
        user_id = from_global_id_to_int(customer_id, "User", field="customer_id")
        member = companies.add_member(
            company_pk, user_id, by=actor, role=role or str(CompanyRole.BUYER), redemption_limit=redemption_limit or None
        )
        company = companies.get_company(company_pk, by=actor)
        return cls(member=member, company=CompanyView(company, actor.user_id, actor.is_staff))
