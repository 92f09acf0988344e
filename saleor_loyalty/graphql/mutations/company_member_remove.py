"""``loyaltyCompanyMemberRemove``: staff or a company admin remove a member; a member may leave."""

from __future__ import annotations

from typing import Any

import graphene

from ...services.b2b import companies
from ..errors import LoyaltyCompanyError
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..types.company import get_company_actor


class LoyaltyCompanyMemberRemove(BaseMutation):
    removed_customer_id = graphene.ID(description="The customer (`User:<pk>`) who left the company.")

    class Arguments:
        company_id = graphene.ID(required=True, description="The company (`LoyaltyCompany:<pk>`).")
        customer_id = graphene.ID(required=True, description="The member (`User:<pk>`).")

    class Meta:
        description = (
            "Remove a member; the shared points stay with the company and the customer's later orders earn into "
            "their own account. Staff (MANAGE_USERS), an admin of the company, or the member themself. The last "
            "admin of a company with other members cannot leave."
        )
        error_type_class = LoyaltyCompanyError

    @classmethod
    def perform_mutation(
        cls, _root: Any, info: Any, /, *, company_id: str, customer_id: str
    ) -> LoyaltyCompanyMemberRemove:
        actor = get_company_actor(info)
        company_pk = from_global_id_to_int(company_id, "LoyaltyCompany", field="company_id")
        user_id = from_global_id_to_int(customer_id, "User", field="customer_id")
        companies.remove_member(company_pk, user_id, by=actor)
        return cls(removed_customer_id=customer_id)
