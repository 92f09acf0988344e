"""``loyaltyCompanyDelete``: staff delete a company that never had points, price lists or rebates."""

from __future__ import annotations

from typing import Any

import graphene

from ...services.b2b import companies
from ..auth import LoyaltyPermission
from ..errors import LoyaltyCompanyError
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation


class LoyaltyCompanyDelete(BaseMutation):
    deleted_id = graphene.ID(description="The ID of the company deleted.")

    class Arguments:
        id = graphene.ID(required=True, description="The company (`LoyaltyCompany:<pk>`).")

    class Meta:
        description = (
            "Delete a company and its memberships. Refused (COMPANY_IN_USE) once it has points, price lists "
            "or rebate statements: deactivate it instead. Requires MANAGE_USERS."
        )
        error_type_class = LoyaltyCompanyError
        permissions = (LoyaltyPermission.MANAGE_USERS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, id: str) -> LoyaltyCompanyDelete:
        companies.delete_company(from_global_id_to_int(id, "LoyaltyCompany", field="id"))
        return cls(deleted_id=id)
