"""``loyaltyCompanyMemberUpdate``: staff or a company admin change a member's role or limit."""

from __future__ import annotations

from typing import Any

import graphene

from ...services.b2b import companies
from ..errors import LoyaltyCompanyError
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..types.company import (
    LoyaltyCompanyMember,
    LoyaltyCompanyRoleEnum,
    get_company_actor,
)


class LoyaltyCompanyMemberUpdate(BaseMutation):
    member = graphene.Field(LoyaltyCompanyMember, description="The member after the change.")

    class Arguments:
        company_id = graphene.ID(required=True, description="The company (`LoyaltyCompany:<pk>`).")
        customer_id = graphene.ID(required=True, description="The member (`User:<pk>`).")
        role = LoyaltyCompanyRoleEnum(description="A new role; the last admin cannot be made a buyer.")
        redemption_limit = graphene.Int(
            description="Points the member may redeem per calendar month; 0 removes the limit; omit to keep it."
        )

    class Meta:
        description = "Change a member's role or monthly redemption limit. Staff (MANAGE_USERS) or an admin of the company."
        error_type_class = LoyaltyCompanyError

    @classmethod
    def perform_mutation(
        cls, _root: Any, info: Any, /, *, company_id: str, customer_id: str, **changes: Any
    ) -> LoyaltyCompanyMemberUpdate:
        actor = get_company_actor(info)
        company_pk = from_global_id_to_int(company_id, "LoyaltyCompany", field="company_id")
        user_id = from_global_id_to_int(customer_id, "User", field="customer_id")
        member = None
        if changes.get("role") is not None:
            member = companies.set_member_role(company_pk, user_id, changes["role"], by=actor)
        limit = changes.get("redemption_limit")
        if limit is not None:
            # 0 means "no limit": graphql-core 2 drops a null argument, so null cannot say it.
            member = companies.set_member_redemption_limit(company_pk, user_id, limit or None, by=actor)
        if member is None:  # nothing to change: the member as they are
            member = companies.get_member(company_pk, user_id, by=actor)
        return cls(member=member)
